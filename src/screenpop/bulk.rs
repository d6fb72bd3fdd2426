//! Bulk lookups: one login shared by `concurrency` workers, one row per input in
//! input order (errors included), a re-login when the session is rejected, and a
//! clean stop when the org's API limit is reached.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, RwLock, mpsc};
use std::time::Instant;

use serde::Serialize;

use super::lookup::{self, Kind};
use super::phone::AsTypedReason;
use crate::output::OrgText;
use crate::salesforce::{Client, Credentials, Session, SessionPool, SfError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// 1-based line of the file (the data line for CSV).
    pub line: usize,
    pub value: String,
}

/// One value a line (blank lines and `#` comments skipped), or a CSV column.
pub fn read_inputs(text: &str, column: Option<&str>) -> Result<Vec<Input>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Some(column) = column else {
        return Ok(text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
            .map(|(i, l)| Input {
                line: i + 1,
                value: l.trim().to_string(),
            })
            .collect());
    };
    let mut rdr = crate::csv_input::reader(text);
    let headers = rdr
        .headers()
        .map_err(|e| format!("cannot read the CSV header: {}", csv_error(&e)))?
        .clone();
    // The header is not quoted back: a file given by mistake may hold secrets.
    let idx = crate::csv_input::find_column(&headers, &[column]).ok_or_else(|| {
        format!(
            "no column `{column}` in the CSV header ({} column(s); names are matched ignoring case and spaces)",
            headers.len()
        )
    })?;
    let mut out = Vec::new();
    let mut rec = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(format!("CSV error: {}", csv_error(&e))),
        }
        let line = rec
            .position()
            .map(|p| crate::csv_input::record_line(rdr.get_ref().get_ref(), p))
            .unwrap_or(0);
        out.push(Input {
            line,
            value: rec.get(idx).unwrap_or("").trim().to_string(),
        });
    }
    Ok(out)
}

/// A CSV error as a line number and a kind, never the data it choked on.
fn csv_error(e: &csv::Error) -> String {
    let line = e.position().map(|p| format!("line {}: ", p.line()));
    let what = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "not UTF-8 text",
        csv::ErrorKind::UnequalLengths { .. } => "a row with a different number of fields",
        csv::ErrorKind::Io(_) => "could not be read",
        _ => "not valid CSV",
    };
    format!("{}{what}", line.unwrap_or_default())
}

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
    /// SIGINT (Ctrl-C) or SIGTERM.
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
    /// 130 (SIGINT) or 143 (SIGTERM) when a signal stopped the run.
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
    }
}

/// A failed row's code and kind come from the same classification as a single
/// lookup's exit code (`crate::error::sf_kind`).
fn sf_row_error(e: &SfError) -> RowError {
    RowError {
        code: OrgText::new(e.code()),
        kind: crate::error::sf_kind(e).as_str(),
        message: OrgText::new(e.to_string()),
    }
}

/// Why and whether the run stopped; shared by the row-at-a-time and batched runs.
struct Stop<'a> {
    config: &'a Config,
    stop: AtomicBool,
    stopped: RwLock<Option<(StopReason, String)>>,
}

impl<'a> Stop<'a> {
    fn new(config: &'a Config) -> Self {
        Stop {
            config,
            stop: AtomicBool::new(false),
            stopped: RwLock::new(None),
        }
    }

    fn stop_with(&self, reason: StopReason, why: &str) {
        let mut g = self.stopped.write().unwrap_or_else(|e| e.into_inner());
        if g.is_none() {
            *g = Some((reason, why.to_string()));
        }
        self.stop.store(true, Ordering::SeqCst);
    }

    /// Checked before every lookup: a signal or an earlier stop ends the run.
    fn should_stop(&self) -> bool {
        if self.stop.load(Ordering::SeqCst) {
            return true;
        }
        if let Some(code) = crate::interrupt::requested(&self.config.interrupt) {
            let name = if code == 143 { "SIGTERM" } else { "SIGINT" };
            self.stop_with(StopReason::Interrupted, &format!("interrupted by {name}"));
            return true;
        }
        false
    }

    fn skipped(&self, input: &Input) -> Row {
        let why = self
            .stopped
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .map(|(_, w)| w.clone())
            .unwrap_or_else(|| "the run stopped".into());
        let kind = match self
            .stopped
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
        {
            Some((StopReason::Interrupted, _)) => crate::error::ErrorKind::Interrupted,
            _ => crate::error::ErrorKind::Remote,
        };
        row(
            input,
            Status::Skipped,
            Some(RowError {
                code: OrgText::from("NOT_RUN"),
                kind: kind.as_str(),
                message: OrgText::new(format!("not run: {why}")),
            }),
            0,
        )
    }

    fn api_limit(&self) {
        self.stop_with(
            StopReason::ApiLimit,
            "the org's API request limit was reached (REQUEST_LIMIT_EXCEEDED)",
        );
    }
}

struct Shared<'a> {
    pool: &'a SessionPool<'a>,
    config: &'a Config,
    stop: Stop<'a>,
}

impl Shared<'_> {
    fn lookup(&self, input: &Input) -> Row {
        let plan = match planned(self.config, input) {
            Ok(p) => p,
            Err(r) => return *r,
        };
        let start = Instant::now();
        let client = self.pool.client();
        let result = self
            .pool
            .with_session(|s| lookup::perform(client, s, &self.config.version, &plan));
        let ms = start.elapsed().as_millis();
        match result {
            Ok(outcome) => {
                self.pool.note_usage(outcome.api_usage());
                found_row(input, &plan, &outcome.matches, &outcome.open_cases, ms)
            }
            Err(e) => {
                if e.api_code() == Some("REQUEST_LIMIT_EXCEEDED") {
                    self.stop.api_limit();
                }
                row(input, Status::Failed, Some(sf_row_error(&e)), ms)
            }
        }
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
    plan: &lookup::Plan,
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
        as_typed: plan.reading().and_then(|r| r.as_typed),
    }
}

/// Counts each row as it is handed over, in input order.
struct Tally {
    summary: Summary,
    latencies: Vec<u128>,
    reader_gone: bool,
}

impl Tally {
    fn new(total: usize) -> Self {
        Tally {
            summary: Summary {
                total,
                ..Summary::default()
            },
            latencies: Vec::with_capacity(total),
            reader_gone: false,
        }
    }

    /// Counts the row and hands it on; false once whoever read stdout went away.
    fn take(&mut self, r: &Row, stop: &Stop, on_row: &mut impl FnMut(&Row) -> bool) -> bool {
        let summary = &mut self.summary;
        match r.status {
            Status::Matched => summary.matched += 1,
            Status::Several => summary.several += 1,
            Status::None => summary.none += 1,
            Status::Withheld => summary.withheld += 1,
            Status::Failed => {
                summary.failed += 1;
                if r.error.as_ref().is_some_and(|e| e.kind == "remote") {
                    summary.failed_remote += 1;
                }
            }
            Status::Skipped => summary.skipped += 1,
        }
        if r.as_typed == Some(AsTypedReason::NoRegion.code()) {
            summary.as_typed_no_region += 1;
        }
        // Only rows that made requests: a withheld caller or a bad value made none.
        if !matches!(r.status, Status::Skipped | Status::Withheld)
            && r.error.as_ref().is_none_or(|e| e.code != "INVALID_INPUT")
        {
            self.latencies.push(r.ms);
        }
        if !self.reader_gone && !on_row(r) {
            self.reader_gone = true;
            stop.stop_with(StopReason::OutputClosed, "stdout was closed");
        }
        !self.reader_gone
    }

    fn finish(mut self, stop: &Stop, config: &Config) -> Summary {
        let latencies = &mut self.latencies;
        latencies.sort_unstable();
        let pct = |p: f64| {
            latencies
                .get(((latencies.len() as f64 * p).ceil() as usize).saturating_sub(1))
                .copied()
                .unwrap_or(0)
        };
        let mut summary = self.summary;
        summary.p50_ms = pct(0.50);
        summary.p95_ms = pct(0.95);
        summary.max_ms = latencies.last().copied().unwrap_or(0);
        let stopped = stop
            .stopped
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        if let Some((reason, why)) = stopped {
            summary.stop_reason = Some(reason);
            summary.stopped = Some(why);
            if reason == StopReason::Interrupted {
                summary.signal_exit = crate::interrupt::requested(&config.interrupt);
            }
        }
        summary
    }
}

/// Runs every input; `on_row` receives the rows in input order as soon as each is
/// ready, so output streams and memory stays flat. When `on_row` returns false
/// (stdout closed) no further lookup starts. Numbers and addresses are batched
/// (`screenpop::batch`) unless `batch_size` is 1; case numbers never are.
pub fn run(
    client: &Client,
    creds: &Credentials,
    session: Session,
    inputs: &[Input],
    config: &Config,
    on_row: impl FnMut(&Row) -> bool,
) -> Summary {
    if config.kind != Kind::Case && config.batch_size > 1 {
        run_batched(client, creds, session, inputs, config, on_row)
    } else {
        run_one_by_one(client, creds, session, inputs, config, on_row)
    }
}

fn run_one_by_one(
    client: &Client,
    creds: &Credentials,
    session: Session,
    inputs: &[Input],
    config: &Config,
    mut on_row: impl FnMut(&Row) -> bool,
) -> Summary {
    let calls_before = client.api_calls();
    let pool = SessionPool::new(client, session).relogin_with(creds);
    let shared = Shared {
        pool: &pool,
        config,
        stop: Stop::new(config),
    };
    let next = AtomicUsize::new(0);
    let mut tally = Tally::new(inputs.len());
    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::channel::<(usize, Row)>();
        for _ in 0..config.concurrency.max(1).min(inputs.len().max(1)) {
            let tx = tx.clone();
            let (shared, next) = (&shared, &next);
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(input) = inputs.get(i) else { break };
                    let r = if shared.stop.should_stop() {
                        shared.stop.skipped(input)
                    } else {
                        shared.lookup(input)
                    };
                    if tx.send((i, r)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        // Reorder: hold rows that arrive early until their turn.
        let mut pending: BTreeMap<usize, Row> = BTreeMap::new();
        let mut want = 0;
        for (i, r) in rx {
            pending.insert(i, r);
            while let Some(r) = pending.remove(&want) {
                tally.take(&r, &shared.stop, &mut on_row);
                want += 1;
            }
        }
    });
    let mut summary = tally.finish(&shared.stop, config);
    summary.api_calls = client.api_calls() - calls_before;
    summary.api_usage = pool.api_usage().map(|(used, max)| ApiUsage { used, max });
    summary.relogins = pool.relogins();
    summary
}

/// Many rows per search (issue 12, item 4). Withheld and invalid rows are answered
/// here without the engine; the engine's rows come back in input order, so rows are
/// handed over in input order as soon as each one's batch is done.
fn run_batched(
    client: &Client,
    creds: &Credentials,
    session: Session,
    inputs: &[Input],
    config: &Config,
    mut on_row: impl FnMut(&Row) -> bool,
) -> Summary {
    let calls_before = client.api_calls();
    let stop = Stop::new(config);
    let mut tally = Tally::new(inputs.len());
    // Each input: its plan for the engine, or its row already made.
    let mut engine_inputs = Vec::new();
    let mut planned_rows: Vec<Result<(usize, lookup::Plan), Row>> =
        Vec::with_capacity(inputs.len());
    for input in inputs {
        planned_rows.push(match planned(config, input) {
            Err(r) => Err(*r),
            Ok(plan) => match super::batch::Input::from_plan(&plan) {
                Some(x) => {
                    engine_inputs.push(x);
                    Ok((engine_inputs.len() - 1, plan))
                }
                // Only case plans have no engine input, and they are not batched.
                None => Err(row(input, Status::Skipped, None, 0)),
            },
        });
    }
    let batch_config =
        super::batch::BatchConfig::from_flags(Some(config.batch_size), false, config.concurrency);
    let pool = SessionPool::new(client, session).relogin_with(creds);
    let org = super::batch::ClientOrg::new(&pool, &config.version);
    // The input the engine answers next, and the next input to hand over.
    let mut next_input = 0;
    let mut hand_over_until =
        |upto: usize, engine_row: Option<Row>, tally: &mut Tally, next_input: &mut usize| -> bool {
            let mut go_on = true;
            while *next_input < upto {
                if let Err(r) = &planned_rows[*next_input] {
                    go_on &= tally.take(r, &stop, &mut on_row);
                }
                *next_input += 1;
            }
            if let Some(r) = engine_row {
                go_on &= tally.take(&r, &stop, &mut on_row);
                *next_input += 1;
            }
            go_on
        };
    // Engine index -> input index.
    let owner: Vec<usize> = planned_rows
        .iter()
        .enumerate()
        .filter(|(_, p)| p.is_ok())
        .map(|(i, _)| i)
        .collect();
    // Rows before the first engine row are ready now.
    let first = owner.first().copied().unwrap_or(inputs.len());
    let mut go_on = hand_over_until(first, None, &mut tally, &mut next_input);
    let cancel = || stop.should_stop();
    let counters = super::batch::run_until(&org, &engine_inputs, &batch_config, &cancel, |done| {
        let at = owner[done.index];
        let input = &inputs[at];
        let r = match (&done.outcome, &planned_rows[at]) {
            (super::batch::Outcome::Found(f), Ok((_, plan))) => found_row(
                input,
                plan,
                &f.matches,
                &f.open_cases,
                done.elapsed.as_millis(),
            ),
            (super::batch::Outcome::Failed(e), _) => {
                if e.api_code() == Some("REQUEST_LIMIT_EXCEEDED") {
                    stop.api_limit();
                }
                row(
                    input,
                    Status::Failed,
                    Some(sf_row_error(e)),
                    done.elapsed.as_millis(),
                )
            }
            (super::batch::Outcome::Invalid(e), _) => row(
                input,
                Status::Failed,
                Some(RowError {
                    code: OrgText::from("INVALID_INPUT"),
                    kind: crate::error::ErrorKind::Usage.as_str(),
                    message: OrgText::new(e.to_string()),
                }),
                0,
            ),
            _ => {
                // The engine stops only on REQUEST_LIMIT_EXCEEDED; a signal or a
                // closed stdout was recorded before it was asked to stop.
                if !stop.stop.load(Ordering::SeqCst) {
                    stop.api_limit();
                }
                stop.skipped(input)
            }
        };
        go_on &= hand_over_until(at, Some(r), &mut tally, &mut next_input);
        go_on
    });
    hand_over_until(inputs.len(), None, &mut tally, &mut next_input);
    let mut summary = tally.finish(&stop, config);
    summary.api_calls = client.api_calls() - calls_before;
    summary.api_calls_saved = counters.saved();
    summary.api_usage = pool.api_usage().map(|(used, max)| ApiUsage { used, max });
    summary.relogins = pool.relogins();
    summary
}

pub const CSV_HEADER: &str =
    "line,input,status,matches,pops_object,pops_id,pops_name,open_cases,error_code,error,ms";

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
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_lines_skip_blanks_and_comments_and_keep_line_numbers() {
        let v =
            read_inputs("\u{feff}+31201234567\n\n# comment\n 020-1234567 \n", None).expect("ok");
        assert_eq!(
            v,
            vec![
                Input {
                    line: 1,
                    value: "+31201234567".into()
                },
                Input {
                    line: 4,
                    value: "020-1234567".into()
                }
            ]
        );
    }

    #[test]
    fn csv_columns_by_name_with_comma_or_semicolon() {
        let v = read_inputs(
            "Name,ANI\nJane,\"+1 415 555 1212\"\nBob,+31201234567\n",
            Some("ani"),
        )
        .expect("ok");
        assert_eq!(
            v.iter()
                .map(|i| (i.line, i.value.as_str()))
                .collect::<Vec<_>>(),
            [(2, "+1 415 555 1212"), (3, "+31201234567")]
        );
        let v = read_inputs("Name;ANI\nJane;+1 415 555 1212\n", Some("ANI")).expect("ok");
        assert_eq!(v[0].value, "+1 415 555 1212");
        assert!(
            read_inputs("Name\nx\n", Some("ANI"))
                .unwrap_err()
                .contains("no column `ANI`")
        );
    }

    /// A file given by mistake may hold secrets: the error names the column, not the header.
    #[test]
    fn a_missing_column_does_not_quote_the_header_and_crlf_lines_count_right() {
        let e = read_inputs("Password,Token\nhunter2,abc\n", Some("ANI")).unwrap_err();
        assert!(e.contains("no column `ANI`"), "{e}");
        assert!(!e.contains("Password") && !e.contains("Token"), "{e}");
        let v = read_inputs(
            "\u{feff}Caller;ANI\r\nJane;+1 415 555 1212\r\n\r\nNobody;\r\n",
            Some(" ani "),
        )
        .expect("ok");
        assert_eq!(
            v.iter()
                .map(|i| (i.line, i.value.as_str()))
                .collect::<Vec<_>>(),
            [(2, "+1 415 555 1212"), (4, "")]
        );
    }

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
}
