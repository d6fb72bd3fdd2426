//! Bulk API 2.0: ingest jobs (`/jobs/ingest`) and query jobs (`/jobs/query`), as the
//! Bulk API 2.0 Developer Guide describes them
//! (<https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/>).
//!
//! Jobs live in `Shared::bulk`. A job is processed "in the background": once it is
//! `UploadComplete` it shows `InProgress` after half the org's `bulk.delay_ms` and
//! is processed (records written, or the query run) when it is next looked at
//! after the whole delay. Nothing runs on a timer, so a job nobody polls costs
//! nothing and every answer is deterministic.
//!
//! Layout: `csv` (the dialects), `limits` (upload size, URI and headers, the
//! 24-hour windows), `query` and `ingest` (their routes and processing).

pub mod csv;
pub mod ingest;
pub mod limits;
pub mod query;

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::query_error::ApiError;
use crate::rest::Call;
use crate::server::Answer;
use crate::state::Shared;
use csv::{Delimiter, LineEnding};

/// Stats label of `PUT .../jobs/ingest/<id>/batches` (its body limit differs).
pub const UPLOAD_LABEL: &str = "bulk_ingest_upload";

/// The org's Bulk API 2.0 settings (`org.bulk` in the org file).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct BulkSettings {
    /// From `UploadComplete` to the outcome, in milliseconds (`InProgress` from
    /// half of it). `crmctl emulate --bulk-delay-ms` sets it.
    pub delay_ms: u64,
    /// Largest upload (`PUT .../batches`): 150 MB ("Limits", Bulk API 2.0 guide).
    pub max_upload_bytes: u64,
    /// Records uploaded per rolling 24 hours: 150,000,000.
    pub daily_records: u64,
    /// Query jobs per rolling 24 hours: 10,000.
    pub daily_query_jobs: u64,
}

impl Default for BulkSettings {
    fn default() -> Self {
        BulkSettings {
            delay_ms: 50,
            max_upload_bytes: 150 * 1024 * 1024,
            daily_records: 150_000_000,
            daily_query_jobs: 10_000,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Open,
    UploadComplete,
    InProgress,
    JobComplete,
    Failed,
    Aborted,
}

impl State {
    pub fn name(self) -> &'static str {
        match self {
            State::Open => "Open",
            State::UploadComplete => "UploadComplete",
            State::InProgress => "InProgress",
            State::JobComplete => "JobComplete",
            State::Failed => "Failed",
            State::Aborted => "Aborted",
        }
    }

    pub fn is_final(self) -> bool {
        matches!(self, State::JobComplete | State::Failed | State::Aborted)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Query,
    Ingest,
}

/// What a processed job keeps for its result routes: CSV lines without endings.
#[derive(Debug, Default)]
pub struct Results {
    /// Query: the column names.
    pub columns: Vec<String>,
    /// Query: the rows.
    pub rows: Vec<String>,
    /// Ingest: the upload's header, and the rows of each outcome.
    pub header: Vec<String>,
    pub successful: Vec<String>,
    pub failed: Vec<String>,
    pub unprocessed: Vec<String>,
}

#[derive(Debug)]
pub struct Job {
    pub id: String,
    pub kind: Kind,
    pub operation: String,
    pub object: &'static str,
    pub created_by: String,
    pub created_date: String,
    pub modstamp: String,
    pub state: State,
    /// `60.0`.
    pub api_version: String,
    pub delimiter: Delimiter,
    pub line_ending: LineEnding,
    pub external_id: Option<String>,
    /// Query jobs: the SOQL.
    pub query: String,
    /// Ingest jobs: the uploads, in order.
    pub uploads: Vec<Vec<u8>>,
    pub upload_complete_at: Option<Instant>,
    pub processed: u64,
    pub failed: u64,
    pub error_message: Option<String>,
    pub processing_ms: u64,
    pub results: Results,
}

impl Job {
    fn touch(&mut self) {
        self.modstamp = crate::datetime::now();
    }

    pub fn set_state(&mut self, s: State) {
        self.state = s;
        self.touch();
    }

    /// The job's JSON: `full` adds what "Get Job Info" has beyond "Create a Job".
    pub fn info(&self, full: bool) -> Value {
        let mut m = Map::new();
        m.insert("id".into(), json!(self.id));
        m.insert("operation".into(), json!(self.operation));
        m.insert("object".into(), json!(self.object));
        m.insert("createdById".into(), json!(self.created_by));
        m.insert("createdDate".into(), json!(self.created_date));
        m.insert("systemModstamp".into(), json!(self.modstamp));
        m.insert("state".into(), json!(self.state.name()));
        if let Some(e) = &self.external_id {
            m.insert("externalIdFieldName".into(), json!(e));
        }
        m.insert("concurrencyMode".into(), json!("Parallel"));
        m.insert("contentType".into(), json!("CSV"));
        let v: f64 = self.api_version.parse().unwrap_or(0.0);
        m.insert("apiVersion".into(), json!(v));
        if full {
            let t = match self.kind {
                Kind::Query => "V2Query",
                Kind::Ingest => "V2Ingest",
            };
            m.insert("jobType".into(), json!(t));
        }
        if self.kind == Kind::Ingest && self.state == State::Open {
            m.insert(
                "contentUrl".into(),
                json!(format!(
                    "services/data/v{}/jobs/ingest/{}/batches",
                    self.api_version, self.id
                )),
            );
        }
        m.insert("lineEnding".into(), json!(self.line_ending.name()));
        m.insert("columnDelimiter".into(), json!(self.delimiter.name()));
        if full {
            m.insert("numberRecordsProcessed".into(), json!(self.processed));
            if self.kind == Kind::Ingest {
                m.insert("numberRecordsFailed".into(), json!(self.failed));
            }
            m.insert("retries".into(), json!(0));
            m.insert("totalProcessingTime".into(), json!(self.processing_ms));
            match self.kind {
                Kind::Ingest => {
                    m.insert("apiActiveProcessingTime".into(), json!(self.processing_ms));
                    m.insert("apexProcessingTime".into(), json!(0));
                }
                Kind::Query => {
                    m.insert("isPkChunkingSupported".into(), json!(true));
                }
            }
            if let Some(e) = &self.error_message {
                m.insert("errorMessage".into(), json!(e));
            }
        }
        Value::Object(m)
    }
}

#[derive(Default)]
pub struct Inner {
    next: u64,
    jobs: Vec<Job>,
    query_jobs: VecDeque<Instant>,
    records: VecDeque<(Instant, u64)>,
}

const DAY: Duration = Duration::from_secs(24 * 3600);

/// Jobs kept before the oldest ended one is dropped.
pub const MAX_JOBS: usize = 1000;

impl Inner {
    pub fn new_id(&mut self) -> String {
        self.next += 1;
        crate::ids::make_id("750", self.next)
    }

    /// Adds a job; past `MAX_JOBS` the oldest ended job goes (real orgs delete
    /// ended jobs after 7 days), so a long-running emulator's memory stays bounded.
    pub fn push(&mut self, job: Job) {
        if self.jobs.len() >= MAX_JOBS
            && let Some(i) = self.jobs.iter().position(|j| j.state.is_final())
        {
            self.jobs.remove(i);
        }
        self.jobs.push(job);
    }

    /// The job `id` of this kind (15- or 18-character id).
    pub fn find(&mut self, kind: Kind, id: &str) -> Option<&mut Job> {
        self.jobs
            .iter_mut()
            .find(|j| j.kind == kind && (j.id == id || (id.len() == 15 && j.id.starts_with(id))))
    }

    pub fn remove(&mut self, kind: Kind, id: &str) {
        self.jobs.retain(|j| {
            !(j.kind == kind && (j.id == id || (id.len() == 15 && j.id.starts_with(id))))
        });
    }

    pub fn jobs_mut(&mut self, kind: Kind) -> impl Iterator<Item = &mut Job> {
        self.jobs.iter_mut().filter(move |j| j.kind == kind)
    }

    fn prune(&mut self) {
        let now = Instant::now();
        while self
            .query_jobs
            .front()
            .is_some_and(|t| now.duration_since(*t) >= DAY)
        {
            self.query_jobs.pop_front();
        }
        while self
            .records
            .front()
            .is_some_and(|(t, _)| now.duration_since(*t) >= DAY)
        {
            self.records.pop_front();
        }
    }

    /// Query jobs created in the last 24 hours.
    pub fn query_jobs_used(&mut self) -> u64 {
        self.prune();
        self.query_jobs.len() as u64
    }

    /// Records uploaded in the last 24 hours.
    pub fn records_used(&mut self) -> u64 {
        self.prune();
        self.records.iter().map(|(_, n)| n).sum()
    }

    /// Counts a query job unless the window is full.
    pub fn take_query_job(&mut self, max: u64) -> bool {
        if self.query_jobs_used() >= max {
            return false;
        }
        self.query_jobs.push_back(Instant::now());
        true
    }

    /// Counts `n` uploaded records unless they would pass `max`.
    pub fn take_records(&mut self, n: u64, max: u64) -> bool {
        if self.records_used().saturating_add(n) > max {
            return false;
        }
        self.records.push_back((Instant::now(), n));
        true
    }
}

/// Every job of the org.
#[derive(Default)]
pub struct Jobs {
    inner: Mutex<Inner>,
}

impl Jobs {
    /// The jobs; take it before the org lock, never after.
    pub fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

pub fn settings(shared: &Shared) -> BulkSettings {
    shared
        .org
        .read()
        .map(|o| o.settings.bulk.clone())
        .unwrap_or_default()
}

/// Moves a closed job along: `InProgress` after half the delay, processed after
/// all of it.
pub fn advance(job: &mut Job, shared: &Shared) {
    let Some(t0) = job.upload_complete_at else {
        return;
    };
    if !matches!(job.state, State::UploadComplete | State::InProgress) {
        return;
    }
    let delay = Duration::from_millis(settings(shared).delay_ms);
    let elapsed = t0.elapsed();
    if elapsed >= delay {
        let start = Instant::now();
        match job.kind {
            Kind::Query => query::process(job, shared),
            Kind::Ingest => ingest::process(job, shared),
        }
        job.processing_ms = start.elapsed().as_millis() as u64;
        job.touch();
    } else if elapsed >= delay / 2 && job.state != State::InProgress {
        job.set_state(State::InProgress);
    }
}

/// Bulk API 2.0 ingest is v41.0 and later, query v47.0 and later; below, the
/// resource does not exist.
pub fn check_version(call: &Call, kind: Kind) -> Result<(), ApiError> {
    let major: u32 = call
        .version
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    let min = match kind {
        Kind::Ingest => 41,
        Kind::Query => 47,
    };
    if major < min {
        return Err(ApiError::not_found());
    }
    Ok(())
}

pub fn json_answer(status: u16, v: &Value) -> Answer {
    Answer::json(status, v)
}

/// A CSV answer (`text/csv`), with extra headers.
pub fn csv_answer(body: String, headers: Vec<(&'static str, String)>) -> Answer {
    Answer {
        status: 200,
        content_type: "text/csv",
        body: body.into_bytes(),
        headers,
    }
}

/// A request body that must be one JSON object.
pub fn body_object(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(ApiError::bad_request(
            "JSON_PARSER_ERROR",
            "Cannot deserialize instance of the job from a non-object value",
        )),
        Err(e) => Err(ApiError::bad_request(
            "JSON_PARSER_ERROR",
            format!("Unexpected character: {e}"),
        )),
    }
}

/// A string property of a create body, or refused as the wrong type.
pub fn string_prop<'m>(m: &'m Map<String, Value>, key: &str) -> Result<Option<&'m str>, ApiError> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(ApiError::bad_request(
            "API_ERROR",
            format!("Value does not match expected type for {key}"),
        )),
    }
}

pub fn invalid_job(message: impl Into<String>) -> ApiError {
    ApiError::bad_request("INVALIDJOB", message)
}

pub fn invalid_state(message: impl Into<String>) -> ApiError {
    ApiError::bad_request("INVALIDJOBSTATE", message)
}

/// `columnDelimiter` and `lineEnding` of a create body (COMMA and LF by default).
pub fn dialect(m: &Map<String, Value>) -> Result<(Delimiter, LineEnding), ApiError> {
    let d = match string_prop(m, "columnDelimiter")? {
        None => Delimiter::Comma,
        Some(s) => Delimiter::parse(s)
            .ok_or_else(|| invalid_job(format!("Invalid column delimiter: {s}")))?,
    };
    let e = match string_prop(m, "lineEnding")? {
        None => LineEnding::Lf,
        Some(s) => {
            LineEnding::parse(s).ok_or_else(|| invalid_job(format!("Invalid line ending: {s}")))?
        }
    };
    if let Some(ct) = string_prop(m, "contentType")?
        && ct != "CSV"
    {
        return Err(invalid_job(format!("Invalid content type: {ct}")));
    }
    Ok((d, e))
}

/// `PATCH` of a job: `{"state": "Aborted"}` (or `UploadComplete` for ingest).
pub fn wanted_state(body: &[u8]) -> Result<String, ApiError> {
    let m = body_object(body)?;
    string_prop(&m, "state")?
        .map(str::to_string)
        .ok_or_else(|| invalid_state("Missing the state to change the job to"))
}

/// The job list answer of `GET /jobs/ingest` and `GET /jobs/query`.
pub fn list(shared: &Shared, kind: Kind) -> Value {
    let mut jobs = shared.bulk.lock();
    let records: Vec<Value> = jobs
        .jobs_mut(kind)
        .map(|j| {
            advance(j, shared);
            j.info(true)
        })
        .collect();
    json!({"done": true, "records": records, "nextRecordsUrl": null})
}

/// The Bulk API 2.0 entries of `/limits`: `DailyBulkV2QueryJobs` (query jobs per
/// rolling 24 hours) and `DailyBulkV2QueryFileStorageMB` (1 TB of results), as
/// the guide's "Limits" names them.
pub fn limits(shared: &Shared) -> Value {
    let s = settings(shared);
    let used = shared.bulk.lock().query_jobs_used();
    json!({
        "DailyBulkV2QueryJobs": {"Max": s.daily_query_jobs, "Remaining": s.daily_query_jobs.saturating_sub(used)},
        "DailyBulkV2QueryFileStorageMB": {"Max": 976_562, "Remaining": 976_562},
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(inner: &mut Inner, state: State) -> Job {
        Job {
            id: inner.new_id(),
            kind: Kind::Query,
            operation: "query".into(),
            object: "Account",
            created_by: String::new(),
            created_date: String::new(),
            modstamp: String::new(),
            state,
            api_version: "60.0".into(),
            delimiter: Delimiter::Comma,
            line_ending: LineEnding::Lf,
            external_id: None,
            query: String::new(),
            uploads: Vec::new(),
            upload_complete_at: None,
            processed: 0,
            failed: 0,
            error_message: None,
            processing_ms: 0,
            results: Results::default(),
        }
    }

    #[test]
    fn past_the_cap_the_oldest_ended_job_goes_and_running_ones_stay() {
        let mut inner = Inner::default();
        let running = job(&mut inner, State::InProgress);
        let running_id = running.id.clone();
        inner.push(running);
        let mut first_done = None;
        for _ in 1..MAX_JOBS {
            let j = job(&mut inner, State::JobComplete);
            first_done.get_or_insert(j.id.clone());
            inner.push(j);
        }
        assert_eq!(inner.jobs.len(), MAX_JOBS);
        let extra = job(&mut inner, State::Open);
        inner.push(extra);
        assert_eq!(inner.jobs.len(), MAX_JOBS);
        assert!(inner.find(Kind::Query, &running_id).is_some());
        let first_done = first_done.expect("one");
        assert!(inner.find(Kind::Query, &first_done).is_none());
    }

    #[test]
    fn the_org_file_sets_the_bulk_settings_and_refuses_unknown_ones() {
        let yaml = "org:\n  bulk:\n    delay_ms: 0\n    max_upload_bytes: 1000\n    daily_records: 5\n    daily_query_jobs: 2\n";
        let file: crate::org::OrgFile = serde_saphyr::from_str(yaml).expect("parses");
        let b = file.org.bulk;
        assert_eq!(
            (
                b.delay_ms,
                b.max_upload_bytes,
                b.daily_records,
                b.daily_query_jobs
            ),
            (0, 1000, 5, 2)
        );
        let partial: crate::org::OrgFile =
            serde_saphyr::from_str("org:\n  bulk:\n    delay_ms: 7\n").expect("parses");
        assert_eq!(partial.org.bulk.daily_records, 150_000_000);
        assert!(
            serde_saphyr::from_str::<crate::org::OrgFile>("org:\n  bulk:\n    delay: 1\n").is_err()
        );
    }

    #[test]
    fn the_24_hour_windows_count_and_refuse() {
        let mut inner = Inner::default();
        assert!(inner.take_query_job(2));
        assert!(inner.take_query_job(2));
        assert!(!inner.take_query_job(2));
        assert_eq!(inner.query_jobs_used(), 2);
        assert!(inner.take_records(10, 15));
        assert!(!inner.take_records(6, 15));
        assert!(inner.take_records(5, 15));
        assert_eq!(inner.records_used(), 15);
    }
}
