//! The export behind `--index`: one Bulk API 2.0 query job per object (Account,
//! Contact, Lead, and the open cases), created together so the org runs them side by
//! side, polled with backoff, and read set by set (50,000 rows a set) straight into
//! the [`Index`]; a set is parsed and dropped before the next is asked for.
//!
//! API calls: one describe of the three objects (which phone fields the user can
//! see), then per job one create, a few polls and one call per results set: about 14
//! for an org of 200,000 records.

use std::time::{Duration, Instant};

use super::{Index, OBJECTS};
use crate::salesforce::bulk2::{QueryJob, poll_wait};
use crate::salesforce::{SessionPool, SfError};

/// The phone fields `IN PHONE FIELDS` covers, per object (salesforce-api.md 3.2).
pub const PHONE_FIELDS: [&[&str]; 3] = [
    &["Phone", "Fax"],
    &[
        "Phone",
        "MobilePhone",
        "HomePhone",
        "OtherPhone",
        "AssistantPhone",
        "Fax",
    ],
    &["Phone", "MobilePhone", "Fax"],
];

/// What the export reports as it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// The jobs are created; the org is running them.
    Waiting,
    /// Rows read so far, of all jobs.
    Read(u64),
}

/// Why the export failed: the org's error, with the step.
#[derive(Debug)]
pub struct ExportError {
    pub step: &'static str,
    pub error: SfError,
}

/// The jobs' SOQL: the visible phone fields (and e-mail) of each object, leads not
/// converted, and every open case's contact, account and creation time. No ORDER BY
/// or LIMIT (Bulk API 2.0 refuses them, "Create a Query Job").
pub fn queries(visible: &[Vec<String>; 3]) -> [String; 4] {
    let fields = |o: usize| {
        let mut f = vec!["Id".to_string(), "Name".to_string()];
        f.extend(
            PHONE_FIELDS[o]
                .iter()
                .filter(|p| visible[o].iter().any(|v| v.eq_ignore_ascii_case(p)))
                .map(|p| p.to_string()),
        );
        if o > 0 && visible[o].iter().any(|v| v.eq_ignore_ascii_case("Email")) {
            f.push("Email".into());
        }
        f.join(", ")
    };
    [
        format!("SELECT {} FROM Account", fields(0)),
        format!("SELECT {} FROM Contact", fields(1)),
        format!("SELECT {} FROM Lead WHERE IsConverted = false", fields(2)),
        "SELECT Id, CreatedDate, ContactId, AccountId FROM Case WHERE IsClosed = false".to_string(),
    ]
}

/// Runs the export; `wait` bounds the time the org may take to finish the jobs.
pub fn export(
    pool: &SessionPool,
    version: &str,
    wait: Duration,
    cancel: &dyn Fn() -> bool,
    mut progress: impl FnMut(Progress),
) -> Result<Index, ExportError> {
    let fail = |step| move |error| ExportError { step, error };
    let visible = describe(pool, version).map_err(fail("describe Account, Contact and Lead"))?;
    let soql = queries(&visible);
    let mut jobs: Vec<QueryJob> = Vec::with_capacity(soql.len());
    for q in &soql {
        let job = pool
            .call(|c, s| c.bulk_query_create(s, version, q))
            .map_err(fail("create a query job"))?;
        jobs.push(job);
    }
    progress(Progress::Waiting);
    let until = Instant::now() + wait;
    let mut polls = 0;
    while !jobs.iter().all(QueryJob::is_complete) {
        if let Some(bad) = jobs.iter().find(|j| j.has_ended_badly()) {
            return Err(ExportError {
                step: "run the query job",
                error: SfError::Api {
                    status: 200,
                    code: crate::output::OrgText::from("BULK_QUERY_FAILED"),
                    message: crate::output::OrgText::new(format!(
                        "the query job ended {}: {}",
                        bad.state,
                        bad.error_message.as_deref().unwrap_or("no reason given")
                    )),
                },
            });
        }
        if cancel() {
            return Err(ExportError {
                step: "wait for the query jobs",
                error: SfError::Setup("interrupted".into()),
            });
        }
        if Instant::now() >= until {
            return Err(ExportError {
                step: "wait for the query jobs",
                error: SfError::Setup(format!(
                    "the org did not finish the query jobs within {} s",
                    wait.as_secs()
                )),
            });
        }
        std::thread::sleep(poll_wait(polls));
        polls += 1;
        for job in jobs.iter_mut().filter(|j| !j.is_complete()) {
            *job = pool
                .call(|c, s| c.bulk_query_job(s, version, &job.id))
                .map_err(fail("ask about a query job"))?;
        }
    }
    let mut index = Index::default();
    let mut read = 0u64;
    for (o, job) in jobs.iter().enumerate() {
        if o == OBJECTS.len() {
            index.seal_records();
        }
        let mut locator: Option<String> = None;
        loop {
            if cancel() {
                return Err(ExportError {
                    step: "read the results",
                    error: SfError::Setup("interrupted".into()),
                });
            }
            let set = pool
                .call(|c, s| c.bulk_query_results(s, version, &job.id, locator.as_deref()))
                .map_err(fail("read the results"))?;
            read += load(&mut index, o, &set.csv).map_err(fail("read the results"))?;
            progress(Progress::Read(read));
            match set.next {
                Some(next) => locator = Some(next),
                None => break,
            }
        }
    }
    index.seal_cases();
    Ok(index)
}

/// Which fields of Account, Contact and Lead the user can see: one composite describe
/// (or three describes when the version has no composite).
fn describe(pool: &SessionPool, version: &str) -> Result<[Vec<String>; 3], SfError> {
    let composite =
        pool.with_session(
            |s| match pool.client().describe_composite(s, version, &OBJECTS) {
                Some(r) => r.map(Some),
                None => Ok(None),
            },
        )?;
    let mut out: [Vec<String>; 3] = Default::default();
    match composite {
        Some((each, info)) => {
            pool.note_usage(info.api_usage);
            for (o, r) in each.into_iter().enumerate() {
                // An object the user cannot see has no fields to search.
                out[o] = r.unwrap_or_default();
            }
        }
        None => {
            for (o, object) in OBJECTS.iter().enumerate() {
                out[o] = pool
                    .call(|c, s| c.field_names(s, version, object))
                    .unwrap_or_default();
            }
        }
    }
    Ok(out)
}

/// Reads one CSV set into the index; the rows read.
fn load(index: &mut Index, object: usize, csv: &[u8]) -> Result<u64, SfError> {
    let bad = |what: &str| SfError::Protocol {
        status: 200,
        detail: format!("the query job's results are not CSV as expected: {what}"),
    };
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(csv);
    let headers = rdr.headers().map_err(|_| bad("no header"))?.clone();
    let col = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let mut rec = csv::StringRecord::new();
    let mut n = 0;
    if object == OBJECTS.len() {
        let (created, contact, account) = (col("CreatedDate"), col("ContactId"), col("AccountId"));
        let created = created.ok_or_else(|| bad("no CreatedDate column"))?;
        while rdr.read_record(&mut rec).map_err(|_| bad("a broken row"))? {
            let get = |i: Option<usize>| i.and_then(|i| rec.get(i)).unwrap_or("");
            index.add_case(get(Some(created)), get(contact), get(account));
            n += 1;
        }
        return Ok(n);
    }
    let id = col("Id").ok_or_else(|| bad("no Id column"))?;
    let name = col("Name");
    let phones: Vec<usize> = PHONE_FIELDS[object].iter().filter_map(|f| col(f)).collect();
    let email = col("Email");
    while rdr.read_record(&mut rec).map_err(|_| bad("a broken row"))? {
        let values: Vec<&str> = phones
            .iter()
            .filter_map(|i| rec.get(*i))
            .filter(|v| !v.is_empty())
            .collect();
        index.add_record(
            object,
            rec.get(id).unwrap_or(""),
            name.and_then(|i| rec.get(i)).unwrap_or(""),
            &values,
            email.and_then(|i| rec.get(i)),
        );
        n += 1;
    }
    Ok(n)
}
