//! Bulk API 2.0 query jobs (guide: "Bulk API 2.0 Query", query_create_job.htm,
//! query_get_one_job.htm, query_get_job_results.htm, query_abort_job.htm,
//! query_delete_job.htm, query_get_all_jobs.htm).
//!
//! - `POST /jobs/query` `{"operation": "query"|"queryAll", "query", "columnDelimiter",
//!   "lineEnding"}`: 200 and the job, state `UploadComplete`. The SOQL is checked
//!   at once by the emulator's own engine (its errors are the REST query's);
//!   what Bulk API 2.0 refuses (GROUP BY, OFFSET, TYPEOF, aggregate functions,
//!   parent-to-child subqueries: "Understanding Bulk API 2.0 Query", SOQL
//!   considerations) is 400 `INVALIDJOB`.
//! - `GET /jobs/query/<id>/results?locator=&maxRecords=`: CSV, every value quoted,
//!   with `Sforce-NumberOfRecords` and `Sforce-Locator` (the string `null` on the
//!   last set). A locator is the base64 of the row offset, as real locators are
//!   (`MTAwMDA` is row 10000), and stays valid while the job exists, so a set can
//!   be read again ("As long as the associated job exists, the locator string for
//!   a set of results does not change"). Without `maxRecords`, sets hold 100,000
//!   rows (real orgs cut by size).
//! - Results need the API version the job was made with: 409 otherwise.

use base64::Engine;
use serde_json::Value;

use super::csv::{join_lines, write_row};
use super::{
    Job, Kind, Results, State, advance, body_object, check_version, csv_answer, dialect,
    invalid_job, invalid_state, json_answer, settings, string_prop, wanted_state,
};
use crate::org::User;
use crate::query_error::ApiError;
use crate::rest::Call;
use crate::server::Answer;
use crate::soql::{self, Item};
use crate::state::Shared;

/// Rows per set of results when the request gives no `maxRecords`.
pub const DEFAULT_SET: usize = 100_000;

fn arg<'c>(call: &'c Call, i: usize) -> &'c str {
    call.args.get(i).map(String::as_str).unwrap_or("")
}

fn param<'c>(call: &'c Call, name: &str) -> Option<&'c str> {
    call.query
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn user(shared: &Shared, id: &str) -> User {
    shared
        .org
        .read()
        .map(|o| o.user_by_id(id).cloned().unwrap_or_default())
        .unwrap_or_default()
}

/// What Bulk API 2.0 does not run, named as the guide names it.
fn unsupported(q: &soql::Query) -> Option<&'static str> {
    if q.count_only || q.is_aggregate() {
        return Some("aggregate functions and GROUP BY");
    }
    if q.sel.offset.is_some() {
        return Some("OFFSET");
    }
    if q.items.iter().any(|i| matches!(i, Item::Sub(_))) {
        return Some("parent-to-child relationship queries");
    }
    None
}

/// `GET` (list) and `POST` (create) of `/jobs/query`.
pub fn jobs_route(shared: &Shared, call: &Call) -> Result<Answer, ApiError> {
    check_version(call, Kind::Query)?;
    if call.method != "POST" {
        return Ok(json_answer(200, &super::list(shared, Kind::Query)));
    }
    let m = body_object(call.body)?;
    let operation = string_prop(&m, "operation")?
        .ok_or_else(|| invalid_job("Missing the operation (query or queryAll)"))?;
    if operation != "query" && operation != "queryAll" {
        return Err(invalid_job(format!("Invalid operation: {operation}")));
    }
    let text = string_prop(&m, "query")?.ok_or_else(|| invalid_job("Missing the query"))?;
    let (delimiter, line_ending) = dialect(&m)?;
    let parsed = soql::parse(text, &user(shared, call.user_id))?;
    if let Some(what) = unsupported(&parsed) {
        return Err(invalid_job(format!(
            "Bulk API 2.0 query does not support {what}"
        )));
    }
    let limit = settings(shared).daily_query_jobs;
    let mut jobs = shared.bulk.lock();
    if !jobs.take_query_job(limit) {
        return Err(ApiError::bad_request(
            "EXCEEDED_QUOTA",
            format!("The limit of {limit} query jobs per 24 hours is reached"),
        ));
    }
    let now = crate::datetime::now();
    let job = Job {
        id: jobs.new_id(),
        kind: Kind::Query,
        operation: operation.to_string(),
        object: parsed.sel.object,
        created_by: call.user_id.to_string(),
        created_date: now.clone(),
        modstamp: now,
        state: State::UploadComplete,
        api_version: call.version.to_string(),
        delimiter,
        line_ending,
        external_id: None,
        query: text.to_string(),
        uploads: Vec::new(),
        upload_complete_at: Some(std::time::Instant::now()),
        processed: 0,
        failed: 0,
        error_message: None,
        processing_ms: 0,
        results: Results::default(),
    };
    let info = job.info(false);
    jobs.push(job);
    Ok(json_answer(200, &info))
}

/// `GET` (info), `PATCH` (abort) and `DELETE` of `/jobs/query/<id>`.
pub fn job_route(shared: &Shared, call: &Call) -> Result<Answer, ApiError> {
    check_version(call, Kind::Query)?;
    let id = arg(call, 0);
    let mut jobs = shared.bulk.lock();
    let job = jobs.find(Kind::Query, id).ok_or_else(ApiError::not_found)?;
    advance(job, shared);
    match call.method {
        "PATCH" => {
            let wanted = wanted_state(call.body)?;
            if wanted != "Aborted" {
                return Err(invalid_state(format!(
                    "A query job can only be changed to Aborted, not {wanted}"
                )));
            }
            if job.state.is_final() {
                return Err(invalid_state(format!(
                    "The job is {} and cannot be aborted",
                    job.state.name()
                )));
            }
            job.set_state(State::Aborted);
            Ok(json_answer(200, &job.info(false)))
        }
        "DELETE" => {
            if !(job.state.is_final() || job.state == State::UploadComplete) {
                return Err(invalid_state(format!(
                    "The job is {} and cannot be deleted until it ends",
                    job.state.name()
                )));
            }
            jobs.remove(Kind::Query, id);
            Ok(json_answer(204, &Value::Null))
        }
        _ => Ok(json_answer(200, &job.info(true))),
    }
}

pub fn encode_locator(offset: usize) -> String {
    base64::engine::general_purpose::STANDARD_NO_PAD.encode(offset.to_string())
}

pub fn decode_locator(s: &str) -> Option<usize> {
    let bytes = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(s.trim_end_matches('='))
        .ok()?;
    std::str::from_utf8(&bytes).ok()?.parse().ok()
}

/// `GET /jobs/query/<id>/results`.
pub fn results_route(shared: &Shared, call: &Call) -> Result<Answer, ApiError> {
    check_version(call, Kind::Query)?;
    let max = match param(call, "maxRecords") {
        None => DEFAULT_SET,
        Some(s) => match s.trim().parse::<usize>() {
            Ok(n) if n > 0 => n,
            _ => {
                return Err(ApiError::bad_request(
                    "INVALIDPARAMETER",
                    format!("maxRecords must be a positive whole number, not {s}"),
                ));
            }
        },
    };
    let mut jobs = shared.bulk.lock();
    let job = jobs
        .find(Kind::Query, arg(call, 0))
        .ok_or_else(ApiError::not_found)?;
    advance(job, shared);
    if job.api_version != call.version {
        return Err(ApiError::new(
            409,
            "INVALIDVERSION",
            format!(
                "The job was created with API version {}; get its results with the same version",
                job.api_version
            ),
        ));
    }
    if job.state != State::JobComplete {
        return Err(invalid_state(format!(
            "The job is {}; results exist once it is JobComplete",
            job.state.name()
        )));
    }
    let rows = &job.results.rows;
    let offset = match param(call, "locator").filter(|l| !l.is_empty()) {
        None => 0,
        Some(l) => decode_locator(l)
            .filter(|o| *o <= rows.len())
            .ok_or_else(|| {
                ApiError::bad_request("INVALIDLOCATOR", format!("Invalid locator: {l}"))
            })?,
    };
    let end = offset.saturating_add(max).min(rows.len());
    let set = &rows[offset..end];
    let header = write_row(&job.results.columns, job.delimiter);
    let body = join_lines(&header, set, job.line_ending);
    let locator = if end < rows.len() {
        encode_locator(end)
    } else {
        "null".to_string()
    };
    Ok(csv_answer(
        body,
        vec![
            ("Sforce-Locator", locator),
            ("Sforce-NumberOfRecords", set.len().to_string()),
        ],
    ))
}

/// A value as a CSV cell: text as is, null as empty, numbers and booleans as JSON
/// writes them, datetimes with `Z` (as Bulk API results write them).
fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => match s.strip_suffix("+0000") {
            Some(t) if s.len() == 28 && s.as_bytes().get(10) == Some(&b'T') => format!("{t}Z"),
            _ => s.clone(),
        },
        Value::Bool(b) => b.to_string(),
        other => other.to_string(),
    }
}

/// Runs the job's query and keeps its rows as CSV lines.
pub fn process(job: &mut Job, shared: &Shared) {
    let org = shared.org.read().unwrap_or_else(|e| e.into_inner());
    let user = org.user_by_id(&job.created_by).cloned().unwrap_or_default();
    let parsed = match soql::parse(&job.query, &user) {
        Ok(p) => p,
        Err(e) => {
            job.error_message = Some(format!("{}: {}", e.code, e.message));
            job.set_state(State::Failed);
            return;
        }
    };
    let paths: Vec<&soql::FieldPath> = parsed
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Field { path, .. } => Some(path),
            _ => None,
        })
        .collect();
    job.results.columns = paths.iter().map(|p| p.display()).collect();
    // The records straight from the store (filter, order, LIMIT), each cell read
    // by its path: no JSON rows in between, so a 100,000-row export costs its
    // CSV and little more.
    let source = soql::run::records(&org, parsed.sel.object);
    let rows = soql::eval::select(&org, &parsed.sel, source.iter());
    let mut lines = Vec::with_capacity(rows.len());
    let mut cells = Vec::with_capacity(paths.len());
    for rec in rows {
        cells.clear();
        for p in &paths {
            cells.push(cell(&soql::eval::value_of(&org, rec, p)));
        }
        lines.push(write_row(&cells, job.delimiter));
    }
    job.processed = lines.len() as u64;
    job.results.rows = lines;
    job.set_state(State::JobComplete);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locators_are_base64_offsets() {
        assert_eq!(encode_locator(10000), "MTAwMDA");
        assert_eq!(decode_locator("MTAwMDA"), Some(10000));
        assert_eq!(decode_locator("MTAwMDA="), Some(10000));
        assert_eq!(decode_locator("not a locator!"), None);
    }

    #[test]
    fn cells_write_datetimes_with_z() {
        assert_eq!(
            cell(&serde_json::json!("2026-01-15T09:30:00.000+0000")),
            "2026-01-15T09:30:00.000Z"
        );
        assert_eq!(
            cell(&serde_json::json!("+31 20 123 4567")),
            "+31 20 123 4567"
        );
        assert_eq!(cell(&Value::Null), "");
        assert_eq!(cell(&serde_json::json!(true)), "true");
    }
}
