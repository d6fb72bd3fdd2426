//! Bulk API 2.0 query jobs: create, wait, read the CSV results set by set.
//!
//! Shapes from the Bulk API 2.0 Developer Guide, "Bulk API 2.0 Query"
//! (<https://developer.salesforce.com/docs/platform/api-asynch/guide/query-bulk-api-2-0.html>):
//! `POST /services/data/vXX.X/jobs/query` with `{"operation": "query", "query": SOQL}`
//! answers the job (state `UploadComplete`, "Create a Query Job", query_create_job.htm);
//! `GET .../jobs/query/<id>` gives its `state` (`UploadComplete`, `InProgress`,
//! `JobComplete`, `Failed`, `Aborted`) and `errorMessage` ("Get Information About a
//! Query Job"); `GET .../jobs/query/<id>/results?maxRecords=N&locator=L` gives a set of
//! CSV rows with the next set's locator in `Sforce-Locator` (the string `null` after the
//! last; "Get Results for a Query Job"). The SOQL may not hold ORDER BY, LIMIT, OFFSET,
//! GROUP BY or parent-to-child subqueries. Available since API version 47.0.

use std::time::{Duration, Instant};

use serde::Deserialize;

use super::auth::Session;
use super::error::SfError;
use super::http::{self, CallInfo, Client};

/// Rows per results set we ask for: about 5 MB of CSV for the screen pop's columns.
pub const RESULTS_SET: usize = 50_000;

/// Cap of one results set's body.
const RESULTS_CAP: u64 = 256 * 1024 * 1024;

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueryJob {
    pub id: String,
    pub state: String,
    #[serde(default)]
    pub error_message: Option<String>,
    #[serde(default)]
    pub number_records_processed: Option<u64>,
}

impl QueryJob {
    pub fn is_complete(&self) -> bool {
        self.state == "JobComplete"
    }

    /// Failed or aborted: no results will come.
    pub fn has_ended_badly(&self) -> bool {
        matches!(self.state.as_str(), "Failed" | "Aborted")
    }
}

/// One set of results: CSV text (header line first) and the next set's locator.
pub struct ResultsSet {
    pub csv: Vec<u8>,
    pub next: Option<String>,
}

/// A job id goes into a URL path: Salesforce's are 15 or 18 letters and digits.
fn check_id(id: &str) -> Result<&str, SfError> {
    if !id.is_empty() && id.len() <= 18 && id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        Ok(id)
    } else {
        Err(SfError::Protocol {
            status: 200,
            detail: "the query job's id is not a Salesforce id".into(),
        })
    }
}

impl Client {
    /// `POST /jobs/query`: a new query job.
    pub fn bulk_query_create(
        &self,
        session: &Session,
        version: &str,
        soql: &str,
    ) -> Result<(QueryJob, CallInfo), SfError> {
        let body = serde_json::to_vec(&serde_json::json!({
            "operation": "query",
            "query": soql,
        }))
        .map_err(|e| SfError::Setup(format!("cannot write a query job: {e}")))?;
        let (answer, info) = self.data_call(
            &format!(
                "{}/services/data/v{version}/jobs/query",
                session.instance_url
            ),
            Some(&body),
            Some(&session.access_token),
            http::DATA_BODY_CAP,
        )?;
        let job: QueryJob =
            serde_json::from_slice(&answer).map_err(|e| http::shape_error(200, &answer, &e))?;
        check_id(&job.id)?;
        Ok((job, info))
    }

    /// `GET /jobs/query/<id>`: the job's state.
    pub fn bulk_query_job(
        &self,
        session: &Session,
        version: &str,
        id: &str,
    ) -> Result<(QueryJob, CallInfo), SfError> {
        self.get_json(
            &format!(
                "{}/services/data/v{version}/jobs/query/{}",
                session.instance_url,
                check_id(id)?
            ),
            Some(&session.access_token),
        )
    }

    /// `GET /jobs/query/<id>/results`: one set of CSV rows.
    pub fn bulk_query_results(
        &self,
        session: &Session,
        version: &str,
        id: &str,
        locator: Option<&str>,
    ) -> Result<(ResultsSet, CallInfo), SfError> {
        let mut url = format!(
            "{}/services/data/v{version}/jobs/query/{}/results?maxRecords={RESULTS_SET}",
            session.instance_url,
            check_id(id)?
        );
        if let Some(l) = locator {
            url.push_str("&locator=");
            url.extend(percent_encoding::utf8_percent_encode(l, super::auth::FORM));
        }
        let parsed = Client::check_url(&url)?;
        let start = Instant::now();
        let deadline = start + self.settings.timeout;
        let mut attempt = 0;
        loop {
            attempt += 1;
            self.count_call();
            self.trace(&format!("GET {}", http::redact_url(&url)));
            let result = self
                .execute(&parsed, deadline, RESULTS_CAP, |c| {
                    c.get(parsed.clone()).header("Accept", "text/csv").header(
                        reqwest::header::AUTHORIZATION,
                        http::bearer_header(&session.access_token),
                    )
                })
                .and_then(|a| {
                    if a.status == 200 {
                        Ok(a)
                    } else {
                        Err(http::status_error(a.status, &a.body))
                    }
                });
            match result {
                Ok(a) => {
                    let next = a.locator.filter(|l| !l.is_empty() && l != "null");
                    return Ok((
                        ResultsSet { csv: a.body, next },
                        CallInfo {
                            api_usage: a.usage,
                            elapsed: start.elapsed(),
                            attempts: attempt,
                        },
                    ));
                }
                Err(e) => {
                    if !http::retryable(&e) || attempt > http::MAX_RETRIES {
                        return Err(e);
                    }
                    let wait = http::backoff(attempt);
                    if Instant::now() + wait >= deadline {
                        return Err(e);
                    }
                    std::thread::sleep(wait);
                }
            }
        }
    }
}

/// How long to wait before asking about a job again: 0.2 s, doubling, at most 5 s.
pub fn poll_wait(polls: u32) -> Duration {
    Duration::from_millis((200u64 << polls.min(5)).min(5_000))
}
