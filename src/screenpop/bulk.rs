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
use crate::salesforce::{Client, Credentials, Session, SfError};

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

struct Shared<'a> {
    client: &'a Client,
    creds: &'a Credentials,
    config: &'a Config,
    session: RwLock<(u64, Arc<Session>)>,
    stop: AtomicBool,
    stopped: RwLock<Option<(StopReason, String)>>,
    relogins: AtomicUsize,
    usage: RwLock<Option<(u64, u64)>>,
}

impl Shared<'_> {
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

    /// A fresh session, unless another worker already replaced the rejected one.
    fn relogin(&self, rejected_generation: u64) -> Result<(u64, Arc<Session>), SfError> {
        let mut guard = self.session.write().unwrap_or_else(|e| e.into_inner());
        if guard.0 == rejected_generation {
            let fresh = self.client.login(self.creds)?;
            self.relogins.fetch_add(1, Ordering::Relaxed);
            *guard = (guard.0 + 1, Arc::new(fresh));
        }
        Ok((guard.0, guard.1.clone()))
    }

    fn lookup(&self, input: &Input) -> Row {
        let plan = match lookup::plan(self.config.kind, &input.value, self.config.regions) {
            Ok(lookup::Plan::Withheld { .. }) => return row(input, Status::Withheld, None, 0),
            Ok(p) => p,
            Err(e) => {
                return row(
                    input,
                    Status::Failed,
                    Some(RowError {
                        code: OrgText::from("INVALID_INPUT"),
                        kind: crate::error::ErrorKind::Usage.as_str(),
                        message: OrgText::new(e.message),
                    }),
                    0,
                );
            }
        };
        let start = Instant::now();
        let (generation, session) = {
            let g = self.session.read().unwrap_or_else(|e| e.into_inner());
            (g.0, g.1.clone())
        };
        let mut result = lookup::perform(self.client, &session, &self.config.version, &plan);
        // A rejected session: log in again (once for all workers) and retry once.
        if matches!(&result, Err(e) if e.api_code() == Some("INVALID_SESSION_ID")) {
            result = self.relogin(generation).and_then(|(_, fresh)| {
                lookup::perform(self.client, &fresh, &self.config.version, &plan)
            });
        }
        let ms = start.elapsed().as_millis();
        match result {
            Ok(outcome) => {
                if let Some(u) = outcome.api_usage() {
                    let mut cur = self.usage.write().unwrap_or_else(|e| e.into_inner());
                    if cur.is_none_or(|c| u.0 >= c.0) {
                        *cur = Some(u);
                    }
                }
                let status = match outcome.matches.len() {
                    0 => Status::None,
                    1 => Status::Matched,
                    _ => Status::Several,
                };
                let pop = outcome.matches.first();
                let open_cases = pop
                    .map(|p| super::cases_of(p, &outcome.open_cases).len())
                    .unwrap_or(0);
                Row {
                    line: input.line,
                    input: OrgText::from(input.value.as_str()),
                    status,
                    matches: outcome.matches.len(),
                    pops_object: pop.map(|p| p.object.clone()),
                    pops_id: pop.map(|p| p.id.clone()),
                    pops_name: pop.map(|p| p.name.clone()),
                    open_cases,
                    error: None,
                    ms,
                    as_typed: plan.reading().and_then(|r| r.as_typed),
                }
            }
            Err(e) => {
                if e.api_code() == Some("REQUEST_LIMIT_EXCEEDED") {
                    self.stop_with(
                        StopReason::ApiLimit,
                        "the org's API request limit was reached (REQUEST_LIMIT_EXCEEDED)",
                    );
                }
                row(input, Status::Failed, Some(sf_row_error(&e)), ms)
            }
        }
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
}

/// Runs every input; `on_row` receives the rows in input order as soon as each is
/// ready, so output streams and memory stays flat. When `on_row` returns false
/// (stdout closed) no further lookup starts.
pub fn run(
    client: &Client,
    creds: &Credentials,
    session: Session,
    inputs: &[Input],
    config: &Config,
    mut on_row: impl FnMut(&Row) -> bool,
) -> Summary {
    let calls_before = client.api_calls();
    let shared = Shared {
        client,
        creds,
        config,
        session: RwLock::new((0, Arc::new(session))),
        stop: AtomicBool::new(false),
        stopped: RwLock::new(None),
        relogins: AtomicUsize::new(0),
        usage: RwLock::new(None),
    };
    let next = AtomicUsize::new(0);
    let mut summary = Summary {
        total: inputs.len(),
        ..Summary::default()
    };
    let mut latencies = Vec::with_capacity(inputs.len());
    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::channel::<(usize, Row)>();
        for _ in 0..config.concurrency.max(1).min(inputs.len().max(1)) {
            let tx = tx.clone();
            let (shared, next) = (&shared, &next);
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(input) = inputs.get(i) else { break };
                    let r = if shared.should_stop() {
                        shared.skipped(input)
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
        let mut reader_gone = false;
        for (i, r) in rx {
            pending.insert(i, r);
            while let Some(r) = pending.remove(&want) {
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
                    latencies.push(r.ms);
                }
                if !reader_gone && !on_row(&r) {
                    reader_gone = true;
                    shared.stop_with(StopReason::OutputClosed, "stdout was closed");
                }
                want += 1;
            }
        }
    });
    latencies.sort_unstable();
    let pct = |p: f64| {
        latencies
            .get(((latencies.len() as f64 * p).ceil() as usize).saturating_sub(1))
            .copied()
            .unwrap_or(0)
    };
    summary.p50_ms = pct(0.50);
    summary.p95_ms = pct(0.95);
    summary.max_ms = latencies.last().copied().unwrap_or(0);
    summary.api_calls = client.api_calls() - calls_before;
    summary.api_usage = shared
        .usage
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .map(|(used, max)| ApiUsage { used, max });
    summary.relogins = shared.relogins.load(Ordering::Relaxed) as u64;
    let stopped = shared
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
