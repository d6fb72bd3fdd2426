//! Bulk lookups: one login shared by `concurrency` workers, one row per input in
//! input order (errors included), a re-login when the session is rejected, and a
//! clean stop when the org's API limit is reached.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, RwLock, mpsc};
use std::time::Instant;

use serde::Serialize;

use super::lookup::{self, Kind};
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
        .map_err(|e| format!("cannot read the CSV header: {e}"))?
        .clone();
    let idx = headers
        .iter()
        .position(|h| h.trim().eq_ignore_ascii_case(column))
        .ok_or_else(|| {
            format!(
                "no column `{column}` in the CSV header (columns: {})",
                headers.iter().collect::<Vec<_>>().join(", ")
            )
        })?;
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| format!("CSV error: {e}"))?;
        let line = rec.position().map(|p| p.line() as usize).unwrap_or(0);
        out.push(Input {
            line,
            value: rec.get(idx).unwrap_or("").trim().to_string(),
        });
    }
    Ok(out)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Matched,
    Several,
    None,
    Failed,
    /// Not run: the run stopped first.
    Skipped,
}

#[derive(Debug, Clone, Serialize)]
pub struct RowError {
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub line: usize,
    pub input: String,
    pub status: Status,
    pub matches: usize,
    pub pops_object: Option<String>,
    pub pops_id: Option<String>,
    pub pops_name: Option<String>,
    pub open_cases: usize,
    pub error: Option<RowError>,
    pub ms: u128,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct ApiUsage {
    pub used: u64,
    pub max: u64,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub total: usize,
    pub matched: usize,
    pub several: usize,
    pub none: usize,
    pub failed: usize,
    pub skipped: usize,
    pub p50_ms: u128,
    pub p95_ms: u128,
    pub max_ms: u128,
    /// Data calls this run made (retries included).
    pub api_calls: u64,
    /// The org's usage after the run, from `Sforce-Limit-Info`.
    pub api_usage: Option<ApiUsage>,
    pub relogins: u64,
    /// Why the run stopped early, if it did.
    pub stopped: Option<String>,
}

pub struct Config {
    pub concurrency: usize,
    pub kind: Kind,
    pub region: Option<String>,
    pub version: String,
}

fn row(input: &Input, status: Status, error: Option<RowError>, ms: u128) -> Row {
    Row {
        line: input.line,
        input: input.value.clone(),
        status,
        matches: 0,
        pops_object: None,
        pops_id: None,
        pops_name: None,
        open_cases: 0,
        error,
        ms,
    }
}

fn sf_row_error(e: &SfError) -> RowError {
    let code = match e {
        SfError::Api { code, .. } => code.clone(),
        SfError::OAuth { error, .. } => error.clone(),
        SfError::Network(_) => "NETWORK".into(),
        SfError::Protocol { .. } => "PROTOCOL".into(),
        SfError::Setup(_) => "SETUP".into(),
    };
    RowError {
        code,
        message: e.to_string(),
    }
}

struct Shared<'a> {
    client: &'a Client,
    creds: &'a Credentials,
    config: &'a Config,
    session: RwLock<(u64, Arc<Session>)>,
    stop: AtomicBool,
    stopped: RwLock<Option<String>>,
    relogins: AtomicUsize,
    calls: AtomicUsize,
    usage: RwLock<Option<(u64, u64)>>,
}

impl Shared<'_> {
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
        let plan = match lookup::plan(
            self.config.kind,
            &input.value,
            self.config.region.as_deref(),
        ) {
            Ok(p) => p,
            Err(e) => {
                return row(
                    input,
                    Status::Failed,
                    Some(RowError {
                        code: "INVALID_INPUT".into(),
                        message: e.message,
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
                let calls: u32 = outcome.steps.iter().map(|s| s.info.attempts).sum();
                self.calls.fetch_add(calls as usize, Ordering::Relaxed);
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
                    input: input.value.clone(),
                    status,
                    matches: outcome.matches.len(),
                    pops_object: pop.map(|p| p.object.clone()),
                    pops_id: pop.map(|p| p.id.clone()),
                    pops_name: pop.map(|p| p.name.clone()),
                    open_cases,
                    error: None,
                    ms,
                }
            }
            Err(e) => {
                self.calls.fetch_add(1, Ordering::Relaxed);
                if e.api_code() == Some("REQUEST_LIMIT_EXCEEDED") {
                    self.stop.store(true, Ordering::SeqCst);
                    *self.stopped.write().unwrap_or_else(|e| e.into_inner()) = Some(
                        "the org's API request limit was reached (REQUEST_LIMIT_EXCEEDED)".into(),
                    );
                }
                row(input, Status::Failed, Some(sf_row_error(&e)), ms)
            }
        }
    }
}

/// Runs every input; `on_row` receives the rows in input order as soon as each is
/// ready, so output streams and memory stays flat.
pub fn run(
    client: &Client,
    creds: &Credentials,
    session: Session,
    inputs: &[Input],
    config: &Config,
    mut on_row: impl FnMut(&Row),
) -> Summary {
    let shared = Shared {
        client,
        creds,
        config,
        session: RwLock::new((0, Arc::new(session))),
        stop: AtomicBool::new(false),
        stopped: RwLock::new(None),
        relogins: AtomicUsize::new(0),
        calls: AtomicUsize::new(0),
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
                    let r = if shared.stop.load(Ordering::SeqCst) {
                        row(
                            input,
                            Status::Skipped,
                            Some(RowError {
                                code: "NOT_RUN".into(),
                                message: "not run: the run stopped after REQUEST_LIMIT_EXCEEDED"
                                    .into(),
                            }),
                            0,
                        )
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
                match r.status {
                    Status::Matched => summary.matched += 1,
                    Status::Several => summary.several += 1,
                    Status::None => summary.none += 1,
                    Status::Failed => summary.failed += 1,
                    Status::Skipped => summary.skipped += 1,
                }
                if r.status != Status::Skipped
                    && r.error.as_ref().is_none_or(|e| e.code != "INVALID_INPUT")
                {
                    latencies.push(r.ms);
                }
                on_row(&r);
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
    summary.api_calls = shared.calls.load(Ordering::Relaxed) as u64;
    summary.api_usage = shared
        .usage
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .map(|(used, max)| ApiUsage { used, max });
    summary.relogins = shared.relogins.load(Ordering::Relaxed) as u64;
    summary.stopped = shared
        .stopped
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    summary
}

/// A CSV field, quoted when it holds a delimiter, quote or line break.
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

pub const CSV_HEADER: &str =
    "line,input,status,matches,pops_object,pops_id,pops_name,open_cases,error_code,error,ms";

pub fn csv_row(r: &Row) -> String {
    let status = serde_json::to_value(r.status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    [
        r.line.to_string(),
        csv_field(&r.input),
        status,
        r.matches.to_string(),
        csv_field(r.pops_object.as_deref().unwrap_or("")),
        csv_field(r.pops_id.as_deref().unwrap_or("")),
        csv_field(r.pops_name.as_deref().unwrap_or("")),
        r.open_cases.to_string(),
        csv_field(r.error.as_ref().map(|e| e.code.as_str()).unwrap_or("")),
        csv_field(r.error.as_ref().map(|e| e.message.as_str()).unwrap_or("")),
        r.ms.to_string(),
    ]
    .join(",")
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

    #[test]
    fn csv_output_quotes_when_needed() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("plain"), "plain");
    }
}
