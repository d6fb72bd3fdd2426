//! Batched bulk lookups (issue 12, item 4): many numbers or addresses per SOSL search
//! and one open-cases query per batch, attributed back to their rows locally, so
//! that every row gets exactly what a single lookup (`lookup::perform`) finds.
//!
//! The org is a trait ([`Org`]), so the engine is tested without HTTP and counts its
//! own calls; [`ClientOrg`] is the one adapter onto `salesforce::Client`.
//!
//! Safety first. A batch is split in halves and retried, down to single rows, when
//! its search returns the row cap, returns a record no row can claim, or is refused
//! (HTTP 400: a term the org will not take). Every search orders each object's
//! records explicitly (`screenpop::POP_ORDER`), so a row's records from a shared search
//! come in the order of its own search and its popped record is a single lookup's,
//! without searching it again. A row alone sends the very SOSL and SOQL of a single
//! lookup.
//!
//! Answers are handed over in input order as batches finish; a batch starts only
//! within a window of rows ahead of the next row to hand over, so the answers held
//! for an earlier, slower batch stay bounded whatever the number of rows.

use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, mpsc};
use std::time::Duration;

use serde::Serialize;

use super::{MAX_OPEN_CASES, email_search, open_cases_query};
use crate::output::OrgText;
use crate::salesforce::escape::{TermError, sosl_phrase};

/// Salesforce drops the logical operators of a `FIND {SearchQuery}` longer than 4,000
/// characters (and returns nothing past 10,000): "If SearchQuery is longer than 4,000
/// characters, any logical operators are removed" (SOSL Syntax, FIND clause,
/// <https://developer.salesforce.com/docs/platform/salesforce-soql-sosl/guide/sforce-api-calls-sosl-syntax.html>).
/// The documents count the SearchQuery; we count the whole statement, in characters
/// (not bytes, not URL-encoded), which is stricter, so either reading holds.
pub const SEARCH_CHAR_LIMIT: usize = 4000;

/// SOSL returns at most 2,000 rows (API 28.0 and later); a batch that gets that many
/// may have lost some, so it is split.
pub const SEARCH_ROW_CAP: usize = 2000;

/// Rows per search by default. On 1,000 numbers at 20 ms latency, 8 in flight
/// (`cargo run --release --example bench`; README): 25 took 88 API calls, 50 took 48 in
/// 259 ms, 75 and 100 took 44 (phone searches reach the 4,000-character limit near 60
/// rows) in 267-292 ms. With the run's memo (issue 21) calls are the target: 100 lets
/// the character limit decide, and the 1,000-row file of 753 distinct numbers takes 28
/// calls where 50 took 31 (`cargo run --release --example bench_scale`).
pub const DEFAULT_BATCH_SIZE: usize = 100;

/// Record Ids per open-cases query: 200 Ids are about 6 KB once URL-encoded, well
/// under the 16,384-byte URI limit (salesforce-api.md, HTTP status table: 414).
pub const MAX_CASE_IDS: usize = 200;

/// How the engine batches; `--batch-size N` and `--no-batch` map onto it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchConfig {
    /// Rows per search; 1 turns batching off (each row sends a single lookup's queries).
    pub batch_size: usize,
    /// Batches in flight at once (`-j`).
    pub concurrency: usize,
    pub max_search_chars: usize,
    pub row_cap: usize,
    pub max_case_ids: usize,
}

impl Default for BatchConfig {
    fn default() -> Self {
        BatchConfig {
            batch_size: DEFAULT_BATCH_SIZE,
            concurrency: 8,
            max_search_chars: SEARCH_CHAR_LIMIT,
            row_cap: SEARCH_ROW_CAP,
            max_case_ids: MAX_CASE_IDS,
        }
    }
}

impl BatchConfig {
    /// From the command line: `--batch-size N` (0 is taken as 1) and `--no-batch`.
    pub fn from_flags(batch_size: Option<usize>, no_batch: bool, concurrency: usize) -> Self {
        BatchConfig {
            batch_size: if no_batch {
                1
            } else {
                batch_size.unwrap_or(DEFAULT_BATCH_SIZE).max(1)
            },
            concurrency: concurrency.max(1),
            ..BatchConfig::default()
        }
    }

    pub fn is_batching(&self) -> bool {
        self.batch_size > 1
    }
}

/// What one row looks for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Input {
    /// The digit forms `phone::read_ani` gives, most specific first.
    /// (Kept as one text, the forms separated by spaces: a run holds one per
    /// distinct number; [`Input::phone`] makes it.)
    Phone(Box<str>),
    /// The address, trimmed as `lookup::plan` trims it.
    Email(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Phone,
    Email,
}

impl Input {
    /// The engine's input for a planned lookup; case-number lookups are not batched.
    pub fn from_plan(plan: &super::lookup::Plan) -> Option<Input> {
        match plan {
            super::lookup::Plan::Phone { reading, .. } => Some(Input::phone(&reading.searched)),
            super::lookup::Plan::Email { address, .. } => Some(Input::Email(address.clone())),
            // A withheld caller is never searched; case numbers are not batched.
            super::lookup::Plan::Withheld { .. } | super::lookup::Plan::Case { .. } => None,
        }
    }

    /// A number's digit forms (`phone::read_ani` gives digits only), most specific first.
    pub fn phone<S: AsRef<str>>(forms: &[S]) -> Input {
        let forms: Vec<&str> = forms.iter().map(AsRef::as_ref).collect();
        Input::Phone(forms.join(" ").into())
    }

    fn kind(&self) -> Kind {
        match self {
            Input::Phone(_) => Kind::Phone,
            Input::Email(_) => Kind::Email,
        }
    }

    fn terms(&self) -> Vec<&str> {
        match self {
            Input::Phone(forms) => forms.split(' ').collect(),
            Input::Email(address) => vec![address.as_str()],
        }
    }

    /// The search a single lookup sends for this row.
    fn alone(&self) -> Result<String, TermError> {
        match self {
            Input::Phone(_) => super::phone_search(&self.terms()),
            Input::Email(address) => email_search(address),
        }
    }
}

/// One search for all these terms, in the shape of the single-lookup search of their
/// kind (a unit test holds the one-term case equal to it).
fn search_for(kind: Kind, terms: &[&str]) -> Result<String, TermError> {
    match kind {
        Kind::Phone => super::phone_search(terms),
        Kind::Email => super::email_search_all(terms),
    }
}

/// The open cases of many rows at once: a single lookup's query without its LIMIT
/// (the cap is applied per row locally), so the order is the same. `None` if that
/// query no longer ends in its LIMIT; the engine then asks row by row.
fn pool_query(contact_ids: &[String], account_ids: &[String]) -> Option<String> {
    let q = open_cases_query(contact_ids, account_ids)?;
    q.strip_suffix(&format!(" LIMIT {MAX_OPEN_CASES}"))
        .map(str::to_string)
}

/// What the engine reads from a search record.
pub trait SearchRecord {
    /// `Account`, `Contact` or `Lead`.
    fn object(&self) -> &str;
    fn id(&self) -> &str;
    /// The values of the phone fields the search returned.
    fn phone_values(&self) -> Vec<&str>;
    fn email(&self) -> Option<&str>;
}

/// What the engine reads from an open case.
pub trait CaseRecord {
    fn contact_id(&self) -> Option<&str>;
    fn account_id(&self) -> Option<&str>;
}

impl SearchRecord for super::Match {
    // The engine only compares these texts with each other and with the searched
    // terms, and sends Ids back in the open-cases query; none is printed from here.
    fn object(&self) -> &str {
        self.object.for_matching()
    }
    fn id(&self) -> &str {
        self.id.for_org_request()
    }
    fn phone_values(&self) -> Vec<&str> {
        self.phones.iter().map(|(_, v)| v.for_matching()).collect()
    }
    fn email(&self) -> Option<&str> {
        self.email.as_ref().map(OrgText::for_matching)
    }
}

impl CaseRecord for super::CaseInfo {
    fn contact_id(&self) -> Option<&str> {
        self.contact_id.as_ref().map(OrgText::for_matching)
    }
    fn account_id(&self) -> Option<&str> {
        self.account_id.as_ref().map(OrgText::for_matching)
    }
}

/// What to do when the org refuses a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    /// The query's text was refused (a term, or the query's length): split the batch.
    Split,
    /// The run must stop (`REQUEST_LIMIT_EXCEEDED`): rows not yet looked up are not run.
    Stop,
    /// Anything else (network, server): the rows of this call fail with the error.
    Fail,
}

/// One page of a SOQL answer.
#[derive(Debug, Clone)]
pub struct Page<C> {
    pub records: Vec<C>,
    /// `nextRecordsUrl`, while there are more pages.
    pub next: Option<String>,
}

/// The org as the engine needs it. Every method call is one API call.
pub trait Org: Sync {
    type Record: SearchRecord + Clone + Send;
    type Case: CaseRecord + Clone + Send;
    type Error: Clone + Send;
    /// The records of a SOSL search, in the org's order.
    fn search(&self, sosl: &str) -> Result<Vec<Self::Record>, Self::Error>;
    /// The first page of a SOQL query.
    fn query(&self, soql: &str) -> Result<Page<Self::Case>, Self::Error>;
    /// The page at a `nextRecordsUrl`.
    fn query_more(&self, next: &str) -> Result<Page<Self::Case>, Self::Error>;
    fn classify(&self, error: &Self::Error) -> ErrorClass;
}

/// What a single lookup finds: its records in order (the first is popped), then the
/// open cases of its contacts and accounts, newest first, at most 50.
#[derive(Debug, Clone, PartialEq)]
pub struct Found<R, C> {
    pub matches: Vec<R>,
    pub open_cases: Vec<C>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome<R, C, E> {
    Found(Found<R, C>),
    Failed(E),
    /// The run stopped (`ErrorClass::Stop`) before this row was looked up.
    NotRun,
    /// A term the search cannot hold (`lookup::plan` refuses these first).
    Invalid(TermError),
}

/// One row's answer, handed over in input order.
#[derive(Debug, Clone)]
pub struct Done<R, C, E> {
    /// Position in the input slice.
    pub index: usize,
    pub outcome: Outcome<R, C, E>,
    /// From the start of its batch to its answer.
    pub elapsed: Duration,
}

/// API calls made, and what one lookup per row would have cost.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counters {
    pub searches: u64,
    /// Open-cases queries, each further page included.
    pub case_queries: u64,
    pub batches: u64,
    /// Batches split in halves (row cap, unclaimed record, refused query).
    pub splits: u64,
    /// A search per row, plus a cases query per row that matched a contact or account.
    pub one_per_row: u64,
}

impl Counters {
    pub fn api_calls(&self) -> u64 {
        self.searches + self.case_queries
    }

    /// Calls saved against one lookup per row (0 if batching cost more).
    pub fn saved(&self) -> u64 {
        self.one_per_row.saturating_sub(self.api_calls())
    }

    fn add(&mut self, o: &Counters) {
        self.searches += o.searches;
        self.case_queries += o.case_queries;
        self.batches += o.batches;
        self.splits += o.splits;
        self.one_per_row += o.one_per_row;
    }
}

/// A row's answer with the types of an org.
pub type DoneOf<O> = Done<<O as Org>::Record, <O as Org>::Case, <O as Org>::Error>;
type SearchedOf<O> = (usize, Searched<<O as Org>::Record, <O as Org>::Error>);

/// Looks up every input; `on_row` gets the answers in input order as batches finish.
pub fn run<O: Org>(
    org: &O,
    inputs: &[Input],
    config: &BatchConfig,
    mut on_row: impl FnMut(DoneOf<O>),
) -> Counters {
    run_until(org, inputs, config, &|| false, |d| {
        on_row(d);
        true
    })
}

/// [`run`] that can be stopped from outside: `cancel` is asked before each batch
/// starts (a signal), and `on_row` returning false (stdout closed) stops the run too.
/// Rows not looked up then come as [`Outcome::NotRun`]; every input still has its row.
pub fn run_until<O: Org>(
    org: &O,
    inputs: &[Input],
    config: &BatchConfig,
    cancel: &(dyn Fn() -> bool + Sync),
    mut on_row: impl FnMut(DoneOf<O>) -> bool,
) -> Counters {
    let mut pending: BTreeMap<usize, DoneOf<O>> = BTreeMap::new();
    let mut valid = vec![true; inputs.len()];
    for (i, input) in inputs.iter().enumerate() {
        if let Err(e) = input.alone() {
            valid[i] = false;
            pending.insert(
                i,
                Done {
                    index: i,
                    outcome: Outcome::Invalid(e),
                    elapsed: Duration::ZERO,
                },
            );
        }
    }
    let batches = plan_batches(inputs, &valid, config);
    let stop = AtomicBool::new(false);
    let next = AtomicUsize::new(0);
    let mut counters = Counters::default();
    let mut want = 0;
    let mut flush = |pending: &mut BTreeMap<usize, Done<_, _, _>>, want: &mut usize| {
        while let Some(d) = pending.remove(want) {
            if !on_row(d) {
                stop.store(true, Ordering::SeqCst);
            }
            *want += 1;
        }
    };
    // The next row to hand over, for the window: a batch whose first row is a
    // window or more ahead of it waits.
    let handed = (Mutex::new(0usize), Condvar::new());
    let window = window(config);
    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::channel();
        for _ in 0..config.concurrency.max(1).min(batches.len()) {
            let tx = tx.clone();
            let (batches, next, stop, handed) = (&batches, &next, &stop, &handed);
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(rows) = batches.get(i) else { break };
                    {
                        let (lock, ready) = handed;
                        let mut at = lock.lock().unwrap_or_else(|e| e.into_inner());
                        while rows[0] >= *at + window && !stop.load(Ordering::SeqCst) {
                            at = ready.wait(at).unwrap_or_else(|e| e.into_inner());
                        }
                    }
                    if cancel() {
                        stop.store(true, Ordering::SeqCst);
                    }
                    let mut b = Batch {
                        org,
                        inputs,
                        config,
                        stop,
                        counters: Counters::default(),
                    };
                    let done = b.run(rows);
                    if tx.send((done, b.counters)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let advance = |want: usize| {
            let (lock, ready) = &handed;
            *lock.lock().unwrap_or_else(|e| e.into_inner()) = want;
            ready.notify_all();
        };
        flush(&mut pending, &mut want);
        advance(want);
        for (done, c) in rx {
            counters.add(&c);
            for d in done {
                pending.insert(d.index, d);
            }
            flush(&mut pending, &mut want);
            advance(if stop.load(Ordering::SeqCst) {
                usize::MAX / 2
            } else {
                want
            });
        }
    });
    flush(&mut pending, &mut want);
    counters
}

/// A batch being filled: its rows, the terms it holds, and its statement's length.
struct Open<'a> {
    rows: Vec<usize>,
    seen: HashSet<&'a str>,
    len: usize,
}

/// Rows of one kind in input order, as many per batch as `batch_size` and the
/// search's character limit allow (terms shared by rows counted once). Batches come in
/// the order of their first row, so that answers can be handed over in input order
/// through a bounded window: a batch of the other kind still open when this many rows
/// have gone by since its first is closed, so a rare e-mail among numbers (or the
/// reverse) never holds the output back for long.
fn plan_batches(inputs: &[Input], valid: &[bool], config: &BatchConfig) -> Vec<Vec<usize>> {
    let span = stale_span(config);
    let overhead = |kind| {
        // The statement without terms; each term adds its phrase and " OR ".
        search_for(kind, &[])
            .map(|s| s.chars().count())
            .unwrap_or(0)
    };
    let mut open: [Open; 2] = [Kind::Phone, Kind::Email].map(|k| Open {
        rows: Vec::new(),
        seen: HashSet::new(),
        len: overhead(k),
    });
    let mut batches = Vec::new();
    let close = |o: &mut Open, kind: Kind, batches: &mut Vec<Vec<usize>>| {
        if !o.rows.is_empty() {
            batches.push(std::mem::take(&mut o.rows));
            o.seen.clear();
            o.len = overhead(kind);
        }
    };
    for (i, input) in inputs.iter().enumerate() {
        if !valid[i] {
            continue;
        }
        let kind = input.kind();
        let (k, other) = match kind {
            Kind::Phone => (0, Kind::Email),
            Kind::Email => (1, Kind::Phone),
        };
        if open[1 - k].rows.first().is_some_and(|f| i - f >= span) {
            close(&mut open[1 - k], other, &mut batches);
        }
        let o = &mut open[k];
        let added = |seen: &HashSet<&str>| -> usize {
            input
                .terms()
                .iter()
                .filter(|t| !seen.contains(*t))
                .map(|t| {
                    sosl_phrase(t.trim())
                        .map(|p| p.chars().count())
                        .unwrap_or(0)
                        + 4
                })
                .sum()
        };
        if !o.rows.is_empty()
            && (o.rows.len() >= config.batch_size
                || o.len + added(&o.seen) > config.max_search_chars + 4)
        {
            close(o, kind, &mut batches);
        }
        o.len += added(&o.seen);
        o.seen.extend(input.terms());
        o.rows.push(i);
    }
    let [phone, email] = &mut open;
    close(phone, Kind::Phone, &mut batches);
    close(email, Kind::Email, &mut batches);
    batches.sort_by_key(|b| b[0]);
    batches
}

/// Rows after a batch's first row past which a batch of the other kind is closed.
fn stale_span(config: &BatchConfig) -> usize {
    config.batch_size.max(1) * 4
}

/// How far ahead of the next row to hand over a batch may start: the rows of the
/// batches in flight, and as many again, so that answers waiting for an earlier slow
/// batch stay bounded.
fn window(config: &BatchConfig) -> usize {
    stale_span(config).max(config.batch_size.max(1) * config.concurrency.max(1) * 2)
}

mod client;
mod engine;
#[cfg(test)]
mod tests;

pub use client::ClientOrg;
use engine::{Batch, Searched};
