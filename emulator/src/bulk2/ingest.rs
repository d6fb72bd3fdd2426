//! Bulk API 2.0 ingest jobs (guide: "Bulk API 2.0 Ingest": create_job.htm,
//! upload_job_data.htm, close_job.htm, get_job_info.htm, delete_job.htm,
//! get_all_jobs.htm, get_job_successful_results.htm, get_job_failed_results.htm,
//! get_job_unprocessed_results.htm).
//!
//! - `POST /jobs/ingest` `{"object", "operation": insert|update|upsert|delete|
//!   hardDelete, "externalIdFieldName" (upsert), "columnDelimiter", "lineEnding",
//!   "contentType": "CSV"}`: 200 and the job, state `Open`, with its `contentUrl`.
//! - `PUT .../<id>/batches` (CSV, up to the org's `bulk.max_upload_bytes`, 150 MB):
//!   201 and no body, while the job is `Open`. Several uploads may be made; each
//!   has its own header row, the same each time.
//! - `PATCH .../<id>` `{"state": "UploadComplete"}` closes the job, `Aborted`
//!   stops it; `DELETE` removes an ended job (204).
//! - Processing writes every row through the record store with the same checks
//!   as the REST API (types, lengths, required fields, field-level security). An
//!   empty value leaves the field alone; `#N/A` sets it to null ("Valid Date
//!   Format in Records" and "Prepare CSV Files" in the guide).
//! - `successfulResults`: `sf__Id`, `sf__Created`, then the uploaded columns;
//!   `failedResults`: `sf__Id`, `sf__Error` (`CODE:message:fields --`), then the
//!   uploaded columns; `unprocessedrecords`: the uploaded columns of rows never
//!   processed (an aborted job, or one that failed as a whole).
//! - A job fails as a whole (state `Failed`, `errorMessage`) when its CSV cannot
//!   be read (see `csv.rs`) or a column is not a field the user can see:
//!   `InvalidBatch : Field name not found : <name>`.

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::csv::{self, join_lines, write_row};
use super::{
    Job, Kind, Results, State, advance, body_object, check_version, csv_answer, dialect,
    invalid_job, invalid_state, json_answer, settings, string_prop, wanted_state,
};
use crate::org::{Org, User};
use crate::query_error::ApiError;
use crate::records;
use crate::rest::Call;
use crate::schema;
use crate::server::Answer;
use crate::state::Shared;

const OPERATIONS: &[&str] = &["insert", "update", "upsert", "delete", "hardDelete"];

fn arg<'c>(call: &'c Call, i: usize) -> &'c str {
    call.args.get(i).map(String::as_str).unwrap_or("")
}

/// `GET` (list) and `POST` (create) of `/jobs/ingest`.
pub fn jobs_route(shared: &Shared, call: &Call) -> Result<Answer, ApiError> {
    check_version(call, Kind::Ingest)?;
    if call.method != "POST" {
        return Ok(json_answer(200, &super::list(shared, Kind::Ingest)));
    }
    let m = body_object(call.body)?;
    let name = string_prop(&m, "object")?.ok_or_else(|| invalid_job("Missing the object"))?;
    let (object, defs) = schema::object(name)
        .ok_or_else(|| invalid_job(format!("Unable to find object: {name}")))?;
    let operation =
        string_prop(&m, "operation")?.ok_or_else(|| invalid_job("Missing the operation"))?;
    if !OPERATIONS.contains(&operation) {
        return Err(invalid_job(format!("Invalid operation: {operation}")));
    }
    let (delimiter, line_ending) = dialect(&m)?;
    let external_id = match (operation, string_prop(&m, "externalIdFieldName")?) {
        ("upsert", None) => {
            return Err(invalid_job(format!(
                "External ID was blank for {object}. An External ID must be specified for upsert."
            )));
        }
        ("upsert", Some(f)) => {
            let field = schema::field(defs, f)
                .filter(|fd| fd.name == "Id" || schema::id_lookup(fd))
                .ok_or_else(|| {
                    invalid_job(format!(
                        "The External ID field {f} is not an external id or idLookup field of {object}"
                    ))
                })?;
            Some(field.name.to_string())
        }
        _ => None,
    };
    let mut jobs = shared.bulk.lock();
    let now = crate::datetime::now();
    let job = Job {
        id: jobs.new_id(),
        kind: Kind::Ingest,
        operation: operation.to_string(),
        object,
        created_by: call.user_id.to_string(),
        created_date: now.clone(),
        modstamp: now,
        state: State::Open,
        api_version: call.version.to_string(),
        delimiter,
        line_ending,
        external_id,
        query: String::new(),
        uploads: Vec::new(),
        upload_complete_at: None,
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

/// `GET` (info), `PATCH` (close or abort) and `DELETE` of `/jobs/ingest/<id>`.
pub fn job_route(shared: &Shared, call: &Call) -> Result<Answer, ApiError> {
    check_version(call, Kind::Ingest)?;
    let id = arg(call, 0);
    let mut jobs = shared.bulk.lock();
    let job = jobs
        .find(Kind::Ingest, id)
        .ok_or_else(ApiError::not_found)?;
    advance(job, shared);
    match call.method {
        "PATCH" => {
            let wanted = wanted_state(call.body)?;
            match wanted.as_str() {
                "UploadComplete" if job.state == State::Open => {
                    job.upload_complete_at = Some(std::time::Instant::now());
                    job.set_state(State::UploadComplete);
                }
                "Aborted" if !job.state.is_final() => {
                    job.results.unprocessed = unprocessed_rows(job);
                    job.set_state(State::Aborted);
                }
                "UploadComplete" | "Aborted" => {
                    return Err(invalid_state(format!(
                        "The job is {} and cannot change to {wanted}",
                        job.state.name()
                    )));
                }
                other => {
                    return Err(invalid_state(format!(
                        "A job can be changed to UploadComplete or Aborted, not {other}"
                    )));
                }
            }
            Ok(json_answer(200, &job.info(false)))
        }
        "DELETE" => {
            if !(job.state.is_final() || job.state == State::UploadComplete) {
                return Err(invalid_state(format!(
                    "The job is {} and cannot be deleted until it is closed",
                    job.state.name()
                )));
            }
            jobs.remove(Kind::Ingest, id);
            Ok(json_answer(204, &Value::Null))
        }
        _ => Ok(json_answer(200, &job.info(true))),
    }
}

/// Data rows of an upload (for the 24-hour record count): rows that parse, else 0.
fn count_rows(job: &Job, data: &[u8]) -> u64 {
    csv::parse(data, job.delimiter, job.line_ending)
        .map(|(_, rows)| rows.len() as u64)
        .unwrap_or(0)
}

/// `PUT /jobs/ingest/<id>/batches`.
pub fn upload_route(shared: &Shared, call: &Call) -> Result<Answer, ApiError> {
    check_version(call, Kind::Ingest)?;
    let max = settings(shared).daily_records;
    let mut jobs = shared.bulk.lock();
    let job = jobs
        .find(Kind::Ingest, arg(call, 0))
        .ok_or_else(ApiError::not_found)?;
    if job.state != State::Open {
        return Err(invalid_state(format!(
            "The job is {}: data can be uploaded only while it is Open",
            job.state.name()
        )));
    }
    let n = count_rows(job, call.body);
    if !jobs.take_records(n, max) {
        return Err(ApiError::bad_request(
            "EXCEEDED_QUOTA",
            format!("The limit of {max} records uploaded per 24 hours would be passed"),
        ));
    }
    if let Some(job) = jobs.find(Kind::Ingest, arg(call, 0)) {
        job.uploads.push(call.body.to_vec());
    }
    Ok(Answer {
        status: 201,
        content_type: "text/plain;charset=UTF-8",
        body: Vec::new(),
        headers: Vec::new(),
    })
}

/// `GET /jobs/ingest/<id>/successfulResults|failedResults|unprocessedrecords`.
pub fn results_route(shared: &Shared, call: &Call) -> Result<Answer, ApiError> {
    check_version(call, Kind::Ingest)?;
    let mut jobs = shared.bulk.lock();
    let job = jobs
        .find(Kind::Ingest, arg(call, 0))
        .ok_or_else(ApiError::not_found)?;
    advance(job, shared);
    let header = uploaded_header(job);
    // Names matched ignoring case, as the route table matches paths:
    // simple-salesforce asks for `unprocessedRecords`.
    let (first, rows): (Vec<&str>, &[String]) = match arg(call, 1).to_ascii_lowercase().as_str() {
        "successfulresults" => (vec!["sf__Id", "sf__Created"], &job.results.successful),
        "failedresults" => (vec!["sf__Id", "sf__Error"], &job.results.failed),
        "unprocessedrecords" => (Vec::new(), &job.results.unprocessed),
        _ => return Err(ApiError::not_found()),
    };
    let names: Vec<&str> = first
        .into_iter()
        .chain(header.iter().map(String::as_str))
        .collect();
    let head = write_row(&names, job.delimiter);
    Ok(csv_answer(
        join_lines(&head, rows, job.line_ending),
        Vec::new(),
    ))
}

/// The header of the first upload that can be read (empty before any).
fn uploaded_header(job: &Job) -> Vec<String> {
    if !job.results.header.is_empty() {
        return job.results.header.clone();
    }
    job.uploads
        .iter()
        .find_map(|u| csv::parse(u, job.delimiter, job.line_ending).ok())
        .map(|(h, _)| h)
        .unwrap_or_default()
}

/// Every uploaded row that can be read, as CSV lines.
fn unprocessed_rows(job: &Job) -> Vec<String> {
    job.uploads
        .iter()
        .filter_map(|u| csv::parse(u, job.delimiter, job.line_ending).ok())
        .flat_map(|(_, rows)| rows)
        .map(|r| write_row(&r, job.delimiter))
        .collect()
}

fn fail(job: &mut Job, message: String) {
    job.results.unprocessed = unprocessed_rows(job);
    job.error_message = Some(message);
    job.set_state(State::Failed);
}

/// Salesforce's `sf__Error`: `CODE:message:field,field --`.
fn error_text(e: &ApiError) -> String {
    let fields = e.fields.as_ref().map(|f| f.join(",")).unwrap_or_default();
    format!("{}:{}:{fields} --", e.code, e.message)
}

/// Writes the job's rows and keeps the three result lists.
pub fn process(job: &mut Job, shared: &Shared) {
    let mut header: Option<Vec<String>> = None;
    let mut rows: Vec<Vec<String>> = Vec::new();
    for u in &job.uploads {
        match csv::parse(u, job.delimiter, job.line_ending) {
            Ok((h, r)) => {
                if header.as_ref().is_some_and(|prev| *prev != h) {
                    let message =
                        "InvalidBatch : Every upload of a job must have the same header row".into();
                    return fail(job, message);
                }
                header = Some(h);
                rows.extend(r);
            }
            Err(e) => return fail(job, e.0),
        }
    }
    let Some(header) = header else {
        return fail(
            job,
            "InvalidBatch : No data was uploaded for this job".into(),
        );
    };
    job.results.header = header.clone();
    let mut org = shared.org.write().unwrap_or_else(|e| e.into_inner());
    let user = org.user_by_id(&job.created_by).cloned().unwrap_or_default();
    if let Err(message) = check_header(job, &header, &user) {
        drop(org);
        return fail(job, message);
    }
    let object = job.object;
    // Deletes are checked row by row and made in one pass at the end.
    let deleting = matches!(job.operation.as_str(), "delete" | "hardDelete");
    let mut doomed: HashSet<String> = HashSet::new();
    for row in &rows {
        let outcome = if deleting {
            check_delete(&org, object, &header, row, &mut doomed)
        } else {
            write(&mut org, job, object, &header, row)
        };
        let original = row.iter().map(String::as_str);
        match outcome {
            Ok((id, created)) => {
                let line: Vec<&str> = [id.as_str(), if created { "true" } else { "false" }]
                    .into_iter()
                    .chain(original)
                    .collect();
                job.results.successful.push(write_row(&line, job.delimiter));
            }
            Err((id, e)) => {
                let err = error_text(&e);
                let line: Vec<&str> = [id.as_str(), err.as_str()]
                    .into_iter()
                    .chain(original)
                    .collect();
                job.results.failed.push(write_row(&line, job.delimiter));
                job.failed += 1;
            }
        }
        job.processed += 1;
    }
    org.delete_many(&doomed);
    job.set_state(State::JobComplete);
}

/// A delete row: the record exists, is of the job's object and is not already
/// deleted by an earlier row; its id joins `doomed`.
fn check_delete(
    org: &Org,
    object: &'static str,
    header: &[String],
    row: &[String],
    doomed: &mut HashSet<String>,
) -> Result<(String, bool), (String, ApiError)> {
    let id = header
        .iter()
        .zip(row)
        .find(|(h, _)| h.eq_ignore_ascii_case("Id"))
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    if schema::SYSTEM_OBJECTS.contains(&object) {
        return Err((
            id,
            ApiError::bad_request(
                "INVALID_TYPE_FOR_OPERATION",
                format!("entity type cannot be deleted: {object}"),
            ),
        ));
    }
    let full = records::full_id(org, &id);
    let found = crate::ids::is_valid_id(&id)
        && org.get(&full).is_some_and(|(o, _)| o == object)
        && !doomed.contains(&full);
    if !found {
        return Err((id, bulk_error(ApiError::not_found())));
    }
    doomed.insert(full.clone());
    Ok((full, false))
}

/// Every column is a field the user can see; the operation's key column is there.
fn check_header(job: &Job, header: &[String], user: &User) -> Result<(), String> {
    let (_, defs) = schema::object(job.object).unwrap_or((job.object, &[]));
    for name in header {
        let known = schema::field(defs, name).filter(|f| user.can_see(job.object, f.name));
        if known.is_none() {
            return Err(format!("InvalidBatch : Field name not found : {name}"));
        }
    }
    let key = match job.operation.as_str() {
        "update" | "delete" | "hardDelete" => Some("Id"),
        "upsert" => job.external_id.as_deref(),
        _ => None,
    };
    if let Some(key) = key
        && !header.iter().any(|h| h.eq_ignore_ascii_case(key))
    {
        return Err(format!(
            "InvalidBatch : Field name not found : {key} (required for {})",
            job.operation
        ));
    }
    Ok(())
}

/// One row: its record id and whether it was created, or the id and the error.
fn write(
    org: &mut Org,
    job: &Job,
    object: &'static str,
    header: &[String],
    row: &[String],
) -> Result<(String, bool), (String, ApiError)> {
    let mut values = Map::new();
    let mut id = String::new();
    let mut key_value: Option<String> = None;
    for (col, v) in header.iter().zip(row) {
        if col.eq_ignore_ascii_case("Id") {
            id = v.clone();
        }
        if job
            .external_id
            .as_deref()
            .is_some_and(|k| k.eq_ignore_ascii_case(col))
        {
            key_value = Some(v.clone());
        }
        if col.eq_ignore_ascii_case("Id") || v.is_empty() {
            continue;
        }
        let value = if v == "#N/A" {
            Value::Null
        } else {
            Value::String(v.clone())
        };
        values.insert(col.clone(), value);
    }
    let user = job.created_by.as_str();
    match job.operation.as_str() {
        "insert" => {
            if !id.is_empty() {
                return Err((
                    id,
                    ApiError::bad_request(
                        "INVALID_FIELD_FOR_INSERT_UPDATE",
                        "cannot specify Id in an insert call",
                    )
                    .with_fields(vec!["Id".into()]),
                ));
            }
            records::create(org, user, object, values, "")
                .map(|id| (id, true))
                .map_err(|e| (String::new(), e))
        }
        "update" => update(org, user, object, &id, values),
        "delete" | "hardDelete" => records::delete(org, object, &id)
            .map(|_| (records::full_id(org, &id), false))
            .map_err(|e| (id.clone(), bulk_error(e))),
        _ => {
            // upsert: by Id, or by an idLookup field.
            let key = key_value.unwrap_or_default();
            if job.external_id.as_deref() == Some("Id") {
                if key.is_empty() {
                    return records::create(org, user, object, values, "")
                        .map(|id| (id, true))
                        .map_err(|e| (String::new(), e));
                }
                return update(org, user, object, &key, values);
            }
            let field = job.external_id.as_deref().unwrap_or("");
            let hits: Vec<String> = org
                .records(object)
                .iter()
                .filter(|r| {
                    !key.is_empty()
                        && r.get(field)
                            .as_str()
                            .is_some_and(|v| v.eq_ignore_ascii_case(&key))
                })
                .map(|r| r.id().to_string())
                .collect();
            match hits.as_slice() {
                [] => records::create(org, user, object, values, "")
                    .map(|id| (id, true))
                    .map_err(|e| (String::new(), e)),
                [one] => {
                    values.remove(field);
                    let one = one.clone();
                    update(org, user, object, &one, values)
                }
                _ => Err((
                    String::new(),
                    ApiError::bad_request(
                        "DUPLICATE_EXTERNAL_ID",
                        format!("{field}: more than one record found for external id field: {key}"),
                    )
                    .with_fields(vec![field.to_string()]),
                )),
            }
        }
    }
}

fn update(
    org: &mut Org,
    user: &str,
    object: &'static str,
    id: &str,
    values: Map<String, Value>,
) -> Result<(String, bool), (String, ApiError)> {
    records::update(org, user, object, id, values, "")
        .map(|_| (records::full_id(org, id), false))
        .map_err(|e| (id.to_string(), bulk_error(e)))
}

/// The REST API's 404 for a record that is not there is, in a bulk row, an
/// invalid cross-reference id.
fn bulk_error(e: ApiError) -> ApiError {
    if e.code == "NOT_FOUND" {
        return ApiError::bad_request("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id");
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_read_as_salesforce_writes_them() {
        let e = ApiError::bad_request(
            "REQUIRED_FIELD_MISSING",
            "Required fields are missing: [LastName]",
        )
        .with_fields(vec!["LastName".into()]);
        assert_eq!(
            error_text(&e),
            "REQUIRED_FIELD_MISSING:Required fields are missing: [LastName]:LastName --"
        );
        let e = ApiError::bad_request("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id");
        assert_eq!(
            error_text(&e),
            "INVALID_CROSS_REFERENCE_KEY:invalid cross reference id: --"
        );
    }
}
