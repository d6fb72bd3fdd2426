//! Bulk lookups: one login shared by `concurrency` workers, one row per input in
//! input order (errors included), a re-login when the session is rejected, and a
//! clean stop when the org's API limit is reached.

mod input;
mod memo;
mod model;
mod one_by_one;
mod tally;

pub use input::{Input, InputError, InputFile, Rows, read_inputs};
pub use memo::{MEMO_BYTES, SEGMENT_ROWS};
pub use model::{MODEL_CSV_HEADER, ModelRow, ModelSummary, model_csv_row, run_model};

use std::sync::Arc;
use std::sync::atomic::AtomicUsize;

use serde::Serialize;

use super::lookup::{self, Kind};
use crate::output::OrgText;
use crate::salesforce::{Client, Credentials, Session, SessionPool, SfError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Matched,
    Several,
    None,
    /// The caller withheld the number: a blank record, nothing searched.
    Withheld,
    Failed,
    /// Not run: the run stopped first.
    Skipped,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Matched => "matched",
            Status::Several => "several",
            Status::None => "none",
            Status::Withheld => "withheld",
            Status::Failed => "failed",
            Status::Skipped => "skipped",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct RowError {
    /// Salesforce's error code, or one of crmctl's (`INVALID_INPUT`, `NETWORK`, ...).
    pub code: OrgText,
    /// The class of the failure, as `error.kind` of the JSON envelope
    /// (`rejected`, `remote`, `usage`, `input`, `interrupted`).
    pub kind: &'static str,
    pub message: OrgText,
}

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub line: usize,
    /// As read from the input file (untrusted, like org text).
    pub input: OrgText,
    pub status: Status,
    pub matches: usize,
    pub pops_object: Option<OrgText>,
    pub pops_id: Option<OrgText>,
    pub pops_name: Option<OrgText>,
    pub open_cases: usize,
    pub error: Option<RowError>,
    pub ms: u128,
    /// Why a number's digits were searched as typed (`no_region`, `short_extension`, ...).
    pub as_typed: Option<&'static str>,
    /// The answer of an earlier row with the same search (the same digit forms, or
    /// the same address): nothing was sent for this row, and `ms` is 0.
    pub cached: bool,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct ApiUsage {
    pub used: u64,
    pub max: u64,
}

/// Why a run ended before every input was looked up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// `REQUEST_LIMIT_EXCEEDED`.
    ApiLimit,
    /// SIGINT (Ctrl-C), SIGTERM or SIGHUP.
    Interrupted,
    /// Whoever read stdout went away (`| head -1`).
    OutputClosed,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub total: usize,
    pub matched: usize,
    pub several: usize,
    pub none: usize,
    /// Withheld callers: a blank record each, not a failure.
    pub withheld: usize,
    pub failed: usize,
    pub skipped: usize,
    /// National numbers searched as typed because no region was known (one hint, not a
    /// failure per row).
    pub as_typed_no_region: usize,
    /// Failed rows whose cause was the org or the network (error kind `remote`).
    pub failed_remote: usize,
    pub p50_ms: u128,
    pub p95_ms: u128,
    pub max_ms: u128,
    /// Data calls this run made, every retry included.
    pub api_calls: u64,
    /// Calls that batching saved against one lookup per row (0 when not batched).
    pub api_calls_saved: u64,
    /// The org's usage after the run, from `Sforce-Limit-Info`.
    pub api_usage: Option<ApiUsage>,
    pub relogins: u64,
    /// Why the run stopped early, in words, if it did.
    pub stopped: Option<String>,
    pub stop_reason: Option<StopReason>,
    /// `--index`: the export and the matching.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<IndexSummary>,
    /// 130 (SIGINT), 143 (SIGTERM) or 129 (SIGHUP) when a signal stopped the run.
    #[serde(skip)]
    pub signal_exit: Option<u8>,
}

pub struct Config {
    pub concurrency: usize,
    pub kind: Kind,
    pub regions: lookup::Regions,
    pub version: String,
    /// Raised by a signal handler (see `crate::interrupt`): the exit code it asks for.
    pub interrupt: Arc<AtomicUsize>,
    /// Rows per search (`--batch-size`); 1 (`--no-batch`) looks up one row at a time.
    /// Case numbers are always looked up one at a time.
    pub batch_size: usize,
    /// `--index`: export the org's phones and addresses, then match every row locally.
    pub index: Option<IndexConfig>,
}

/// How `--index` exports.
pub struct IndexConfig {
    /// How long the org may take to finish the query jobs.
    pub wait: std::time::Duration,
    /// Told as the export goes (a spinner).
    pub progress: Box<dyn Fn(crate::screenpop::index::export::Progress) + Sync>,
}

/// What `--index` did.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct IndexSummary {
    /// Accounts, contacts and leads exported.
    pub records: u64,
    pub export_ms: u128,
    pub match_ms: u128,
}

fn row(input: &Input, status: Status, error: Option<RowError>, ms: u128) -> Row {
    Row {
        line: input.line,
        input: OrgText::from(input.value.as_str()),
        status,
        matches: 0,
        pops_object: None,
        pops_id: None,
        pops_name: None,
        open_cases: 0,
        error,
        ms,
        as_typed: None,
        cached: false,
    }
}

/// A failed row's code and kind come from the same classification as a single
/// lookup's exit code (`crate::error::sf_kind`).
fn sf_row_error(e: &SfError) -> RowError {
    RowError {
        code: e.code(),
        kind: crate::error::sf_kind(e).as_str(),
        message: e.describe().into_org_text(),
    }
}

/// The plan of a row, or its finished row: withheld (nothing searched) or invalid.
fn planned(config: &Config, input: &Input) -> Result<lookup::Plan, Box<Row>> {
    match lookup::plan(config.kind, &input.value, config.regions) {
        Ok(lookup::Plan::Withheld { .. }) => Err(Box::new(row(input, Status::Withheld, None, 0))),
        Ok(p) => Ok(p),
        Err(e) => Err(Box::new(row(
            input,
            Status::Failed,
            Some(RowError {
                code: OrgText::from("INVALID_INPUT"),
                kind: crate::error::ErrorKind::Usage.as_str(),
                message: OrgText::new(e.message),
            }),
            0,
        ))),
    }
}

/// The row of a lookup that answered: the first match pops, with its open cases.
fn found_row(
    input: &Input,
    as_typed: Option<&'static str>,
    matches: &[super::Match],
    open_cases: &[super::CaseInfo],
    ms: u128,
) -> Row {
    let status = match matches.len() {
        0 => Status::None,
        1 => Status::Matched,
        _ => Status::Several,
    };
    let pop = matches.first();
    Row {
        line: input.line,
        input: OrgText::from(input.value.as_str()),
        status,
        matches: matches.len(),
        pops_object: pop.map(|p| p.object.clone()),
        pops_id: pop.map(|p| p.id.clone()),
        pops_name: pop.map(|p| p.name.clone()),
        open_cases: pop
            .map(|p| super::cases_of(p, open_cases).len())
            .unwrap_or(0),
        error: None,
        ms,
        as_typed,
        cached: false,
    }
}

/// Runs every input (`total` of them, read from `inputs` a segment at a time as the
/// run gets to them); `on_row` receives the rows in input order as soon as each is
/// ready, so output streams and memory stays flat. When `on_row` returns false
/// (stdout closed) no further lookup starts. Numbers and addresses go through the
/// batch engine (`screenpop::batch`), once per distinct search for the whole run, many
/// per search unless `batch_size` is 1 (then each sends a single lookup's queries);
/// case numbers are looked up one by one.
pub fn run(
    client: &Client,
    creds: &Credentials,
    session: Session,
    inputs: &mut dyn Iterator<Item = Input>,
    total: usize,
    config: &Config,
    on_row: impl FnMut(&Row) -> bool,
) -> Result<Summary, crate::screenpop::index::export::ExportError> {
    if config.kind == Kind::Case {
        Ok(one_by_one::run(
            client, creds, session, inputs, total, config, on_row,
        ))
    } else {
        memo::run_engine(client, creds, session, inputs, total, config, on_row)
    }
}

pub const CSV_HEADER: &str =
    "line,input,status,matches,pops_object,pops_id,pops_name,open_cases,error_code,error,ms,cached";

/// One CSV row; every text field is escaped (control and bidi characters shown).
pub fn csv_row(r: &Row) -> Vec<String> {
    let opt = |o: &Option<OrgText>| o.as_ref().map(OrgText::for_csv).unwrap_or_default();
    vec![
        r.line.to_string(),
        r.input.for_csv(),
        r.status.as_str().to_string(),
        r.matches.to_string(),
        opt(&r.pops_object),
        opt(&r.pops_id),
        opt(&r.pops_name),
        r.open_cases.to_string(),
        r.error
            .as_ref()
            .map(|e| e.code.for_csv())
            .unwrap_or_default(),
        r.error
            .as_ref()
            .map(|e| e.message.for_csv())
            .unwrap_or_default(),
        r.ms.to_string(),
        r.cached.to_string(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_output_quotes_and_escapes() {
        assert_eq!(OrgText::from("a,b").for_csv(), "\"a,b\"");
        assert_eq!(OrgText::from("say \"hi\"").for_csv(), "\"say \"\"hi\"\"\"");
        assert_eq!(OrgText::from("plain").for_csv(), "plain");
        assert_eq!(
            OrgText::from("a\u{1b}[2J\u{202e}b\nc").for_csv(),
            "a\\x1b[2J\\u{202e}b\\nc"
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 300, .. Default::default() })]

        /// Issue 18 items 22, 23: any input and org text make one CSV record that a
        /// CSV reader reads back with the same columns, no cell that starts a formula,
        /// and no control, bidi or invisible character.
        #[test]
        fn csv_rows_of_any_text_read_back_safe(
            input in proptest::prelude::any::<String>(),
            name in proptest::prelude::any::<String>(),
            message in "[=+@\\-\t\r]?\\PC{0,20}[\u{200b}\u{2028}\u{feff}\n,;\"]?",
        ) {
            let row = Row {
                line: 1,
                input: OrgText::from(input.as_str()),
                status: Status::Failed,
                matches: 0,
                pops_object: Some(OrgText::from("Contact")),
                pops_id: Some(OrgText::from(format!("={name}"))),
                pops_name: Some(OrgText::from(name.as_str())),
                open_cases: 0,
                error: Some(RowError {
                    code: OrgText::from("-X"),
                    kind: "remote",
                    message: OrgText::from(message.as_str()),
                }),
                ms: 1,
                as_typed: None,
                cached: false,
            };
            let line = csv_row(&row).join(",");
            let text = format!("{CSV_HEADER}\n{line}\n");
            let mut r = csv::ReaderBuilder::new().from_reader(text.as_bytes());
            let records: Vec<csv::StringRecord> = r.records().collect::<Result<_, _>>().expect("valid CSV");
            proptest::prop_assert_eq!(records.len(), 1);
            let rec = &records[0];
            proptest::prop_assert_eq!(rec.len(), CSV_HEADER.split(',').count());
            for cell in rec {
                proptest::prop_assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "{cell:?}");
                proptest::prop_assert!(!cell.chars().any(|c| c.is_control()
                    || crate::output::sanitize::is_deceptive(c)), "{cell:?}");
            }
        }
    }
}
