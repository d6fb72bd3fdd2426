//! Batched bulk lookups (issue 12, item 4): many numbers or addresses per SOSL search
//! and one open-cases query per batch, attributed back to their rows locally, so
//! that every row gets exactly what a single lookup (`lookup::perform`) finds.
//!
//! The org is a trait ([`Org`]), so the engine is tested without HTTP and counts its
//! own calls; [`ClientOrg`] is the one adapter onto `salesforce::Client`.
//!
//! Safety first. A batch is split in halves and retried, down to single rows, when
//! its search returns the row cap, returns a record no row can claim, or is refused
//! (HTTP 400: a term the org will not take). A row with several matches is searched
//! again alone, so its order (relevance, on a real org) and so its popped record are
//! those of a single lookup. A row alone sends the very SOSL and SOQL of a single
//! lookup.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock, mpsc};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::{CONTACT_FIELDS, LEAD_FIELDS, MAX_OPEN_CASES, email_search, open_cases_query};
use crate::output::OrgText;
use crate::salesforce::auth::FORM;
use crate::salesforce::escape::{TermError, sosl_phrase};
use crate::salesforce::{CallInfo, Client, Credentials, Record, Session, SfError};

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
/// rows) in 267-292 ms. 50 meets both targets with room, and splits cost less.
pub const DEFAULT_BATCH_SIZE: usize = 50;

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
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// The digit forms `phone::read_ani` gives, most specific first.
    Phone(Vec<String>),
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
            super::lookup::Plan::Phone { reading, .. } => {
                Some(Input::Phone(reading.searched.clone()))
            }
            super::lookup::Plan::Email { address, .. } => Some(Input::Email(address.clone())),
            // A withheld caller is never searched; case numbers are not batched.
            super::lookup::Plan::Withheld { .. } | super::lookup::Plan::Case { .. } => None,
        }
    }

    fn kind(&self) -> Kind {
        match self {
            Input::Phone(_) => Kind::Phone,
            Input::Email(_) => Kind::Email,
        }
    }

    fn terms(&self) -> Vec<&str> {
        match self {
            Input::Phone(forms) => forms.iter().map(String::as_str).collect(),
            Input::Email(address) => vec![address.as_str()],
        }
    }

    /// The search a single lookup sends for this row.
    fn alone(&self) -> Result<String, TermError> {
        match self {
            Input::Phone(forms) => super::phone_search(forms),
            Input::Email(address) => email_search(address),
        }
    }
}

/// One search for all these terms, in the shape of the single-lookup search of their
/// kind (a unit test holds the one-term case equal to it).
fn search_for(kind: Kind, terms: &[&str]) -> Result<String, TermError> {
    match kind {
        Kind::Phone => {
            let forms: Vec<String> = terms.iter().map(|t| t.to_string()).collect();
            super::phone_search(&forms)
        }
        Kind::Email => {
            let phrases: Result<Vec<String>, TermError> =
                terms.iter().map(|t| sosl_phrase(t.trim())).collect();
            Ok(format!(
                "FIND {{{}}} IN EMAIL FIELDS RETURNING Contact({CONTACT_FIELDS}), Lead({LEAD_FIELDS} WHERE IsConverted = false)",
                phrases?.join(" OR ")
            ))
        }
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
    // terms; none of them is printed from here.
    fn object(&self) -> &str {
        self.object.as_untrusted_str()
    }
    fn id(&self) -> &str {
        self.id.as_untrusted_str()
    }
    fn phone_values(&self) -> Vec<&str> {
        self.phones
            .iter()
            .map(|(_, v)| v.as_untrusted_str())
            .collect()
    }
    fn email(&self) -> Option<&str> {
        self.email.as_ref().map(OrgText::as_untrusted_str)
    }
}

impl CaseRecord for super::CaseInfo {
    fn contact_id(&self) -> Option<&str> {
        self.contact_id.as_ref().map(OrgText::as_untrusted_str)
    }
    fn account_id(&self) -> Option<&str> {
        self.account_id.as_ref().map(OrgText::as_untrusted_str)
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
    /// Rows with several matches searched again alone.
    pub reruns: u64,
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
        self.reruns += o.reruns;
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
    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::channel();
        for _ in 0..config.concurrency.max(1).min(batches.len()) {
            let tx = tx.clone();
            let (batches, next, stop) = (&batches, &next, &stop);
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(rows) = batches.get(i) else { break };
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
        flush(&mut pending, &mut want);
        for (done, c) in rx {
            counters.add(&c);
            for d in done {
                pending.insert(d.index, d);
            }
            flush(&mut pending, &mut want);
        }
    });
    flush(&mut pending, &mut want);
    counters
}

/// Rows of one kind in input order, as many per batch as `batch_size` and the
/// search's character limit allow (terms shared by rows counted once).
fn plan_batches(inputs: &[Input], valid: &[bool], config: &BatchConfig) -> Vec<Vec<usize>> {
    let mut batches = Vec::new();
    for kind in [Kind::Phone, Kind::Email] {
        // The statement without terms; each term adds its phrase and " OR ".
        let overhead = search_for(kind, &[])
            .map(|s| s.chars().count())
            .unwrap_or(0);
        let mut current: Vec<usize> = Vec::new();
        let mut seen: HashSet<&str> = HashSet::new();
        let mut len = overhead;
        for (i, input) in inputs.iter().enumerate() {
            if !valid[i] || input.kind() != kind {
                continue;
            }
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
            if !current.is_empty()
                && (current.len() >= config.batch_size
                    || len + added(&seen) > config.max_search_chars + 4)
            {
                batches.push(std::mem::take(&mut current));
                seen.clear();
                len = overhead;
            }
            len += added(&seen);
            seen.extend(input.terms());
            current.push(i);
        }
        if !current.is_empty() {
            batches.push(current);
        }
    }
    batches
}

enum Searched<R, E> {
    /// The row's records; `alone` when they came from its own search.
    Records {
        records: Vec<R>,
        alone: bool,
    },
    Failed(E),
    NotRun,
    Invalid(TermError),
}

enum Cases<C, E> {
    Found(Vec<C>),
    Failed(E),
    NotRun,
}

/// A row whose matches include contacts or accounts: its open-cases query's Ids.
struct CaseRow {
    row: usize,
    contacts: Vec<String>,
    accounts: Vec<String>,
}

impl CaseRow {
    fn claims<C: CaseRecord>(&self, c: &C) -> bool {
        c.contact_id()
            .is_some_and(|id| self.contacts.iter().any(|x| x == id))
            || c.account_id()
                .is_some_and(|id| self.accounts.iter().any(|x| x == id))
    }
}

struct Batch<'a, O: Org> {
    org: &'a O,
    inputs: &'a [Input],
    config: &'a BatchConfig,
    stop: &'a AtomicBool,
    counters: Counters,
}

impl<O: Org> Batch<'_, O> {
    fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    fn failed(&self, e: &O::Error) {
        if self.org.classify(e) == ErrorClass::Stop {
            self.stop.store(true, Ordering::SeqCst);
        }
    }

    fn run(&mut self, rows: &[usize]) -> Vec<DoneOf<O>> {
        let start = Instant::now();
        self.counters.batches += 1;
        let mut searched = Vec::with_capacity(rows.len());
        self.search(rows, &mut searched);
        self.rerun_several(&mut searched);
        let case_rows: Vec<CaseRow> = searched
            .iter()
            .filter_map(|(row, s)| match s {
                Searched::Records { records, .. } => {
                    let ids = |object: &str| {
                        records
                            .iter()
                            .filter(|r| r.object() == object)
                            .map(|r| r.id().to_string())
                            .collect::<Vec<_>>()
                    };
                    let (contacts, accounts) = (ids("Contact"), ids("Account"));
                    (!contacts.is_empty() || !accounts.is_empty()).then_some(CaseRow {
                        row: *row,
                        contacts,
                        accounts,
                    })
                }
                _ => None,
            })
            .collect();
        let mut cases: HashMap<usize, Cases<O::Case, O::Error>> = HashMap::new();
        for chunk in self.case_chunks(&case_rows) {
            self.cases(chunk, &mut cases);
        }
        let elapsed = start.elapsed();
        searched
            .into_iter()
            .map(|(index, s)| {
                let outcome = match s {
                    Searched::Records { records, .. } => match cases.remove(&index) {
                        None => Outcome::Found(Found {
                            matches: records,
                            open_cases: Vec::new(),
                        }),
                        Some(Cases::Found(open_cases)) => Outcome::Found(Found {
                            matches: records,
                            open_cases,
                        }),
                        Some(Cases::Failed(e)) => Outcome::Failed(e),
                        Some(Cases::NotRun) => Outcome::NotRun,
                    },
                    Searched::Failed(e) => Outcome::Failed(e),
                    Searched::NotRun => Outcome::NotRun,
                    Searched::Invalid(e) => Outcome::Invalid(e),
                };
                self.counters.one_per_row += match &outcome {
                    Outcome::Found(f) => {
                        1 + u64::from(
                            f.matches
                                .iter()
                                .any(|m| matches!(m.object(), "Contact" | "Account")),
                        )
                    }
                    Outcome::Failed(_) => 1,
                    Outcome::NotRun | Outcome::Invalid(_) => 0,
                };
                Done {
                    index,
                    outcome,
                    elapsed,
                }
            })
            .collect()
    }

    fn split(&mut self, rows: &[usize], out: &mut Vec<SearchedOf<O>>) {
        self.counters.splits += 1;
        let (a, b) = rows.split_at(rows.len() / 2);
        self.search(a, out);
        self.search(b, out);
    }

    fn search(&mut self, rows: &[usize], out: &mut Vec<SearchedOf<O>>) {
        if self.stopped() {
            out.extend(rows.iter().map(|r| (*r, Searched::NotRun)));
            return;
        }
        let sosl = match rows {
            [row] => self.inputs[*row].alone(),
            _ => {
                let mut seen = HashSet::new();
                let terms: Vec<&str> = rows
                    .iter()
                    .flat_map(|r| self.inputs[*r].terms())
                    .filter(|t| seen.insert(*t))
                    .collect();
                search_for(self.inputs[rows[0]].kind(), &terms)
            }
        };
        let sosl = match sosl {
            Ok(s) => s,
            Err(e) if rows.len() == 1 => {
                out.push((rows[0], Searched::Invalid(e)));
                return;
            }
            Err(_) => return self.split(rows, out),
        };
        if rows.len() > 1 && sosl.chars().count() > self.config.max_search_chars {
            return self.split(rows, out);
        }
        self.counters.searches += 1;
        match self.org.search(&sosl) {
            Err(e) => {
                if rows.len() > 1 && self.org.classify(&e) == ErrorClass::Split {
                    return self.split(rows, out);
                }
                self.failed(&e);
                out.extend(rows.iter().map(|r| (*r, Searched::Failed(e.clone()))));
            }
            Ok(records) if rows.len() == 1 => out.push((
                rows[0],
                Searched::Records {
                    records,
                    alone: true,
                },
            )),
            Ok(records) if records.len() >= self.config.row_cap => self.split(rows, out),
            Ok(records) => match attribute(self.inputs, rows, records) {
                Ok(per_row) => out.extend(rows.iter().zip(per_row).map(|(r, records)| {
                    (
                        *r,
                        Searched::Records {
                            records,
                            alone: false,
                        },
                    )
                })),
                // The suspects alone and the rest together: cheaper than halving
                // down to them (2 searches a level).
                Err(suspects) if !suspects.is_empty() && suspects.len() < rows.len() => {
                    self.counters.splits += 1;
                    let mut rest = Vec::with_capacity(rows.len());
                    for (pos, row) in rows.iter().enumerate() {
                        if suspects.contains(&pos) {
                            self.search(&[*row], out);
                        } else {
                            rest.push(*row);
                        }
                    }
                    self.search(&rest, out);
                }
                Err(_) => self.split(rows, out),
            },
        }
    }

    /// Rows with several matches from a shared search, searched again alone (once per
    /// distinct search: duplicates share the answer).
    fn rerun_several(&mut self, searched: &mut [SearchedOf<O>]) {
        let mut answers: HashMap<String, Result<Vec<O::Record>, O::Error>> = HashMap::new();
        for (row, s) in searched.iter_mut() {
            let several =
                matches!(s, Searched::Records { records, alone: false } if records.len() > 1);
            if !several {
                continue;
            }
            let Ok(sosl) = self.inputs[*row].alone() else {
                continue;
            };
            if !answers.contains_key(&sosl) {
                if self.stopped() {
                    *s = Searched::NotRun;
                    continue;
                }
                self.counters.searches += 1;
                self.counters.reruns += 1;
                let answer = self.org.search(&sosl);
                if let Err(e) = &answer {
                    self.failed(e);
                }
                answers.insert(sosl.clone(), answer);
            }
            *s = match answers.get(&sosl) {
                Some(Ok(records)) => Searched::Records {
                    records: records.clone(),
                    alone: true,
                },
                Some(Err(e)) => Searched::Failed(e.clone()),
                None => Searched::NotRun,
            };
        }
    }

    /// Rows in order, as many per query as `max_case_ids` distinct Ids allow.
    fn case_chunks<'r>(&self, rows: &'r [CaseRow]) -> Vec<&'r [CaseRow]> {
        let mut chunks = Vec::new();
        let mut start = 0;
        let mut ids: HashSet<&str> = HashSet::new();
        for (i, r) in rows.iter().enumerate() {
            let new = r
                .contacts
                .iter()
                .chain(&r.accounts)
                .filter(|id| !ids.contains(id.as_str()))
                .count();
            if i > start && ids.len() + new > self.config.max_case_ids {
                chunks.push(&rows[start..i]);
                start = i;
                ids.clear();
            }
            ids.extend(r.contacts.iter().chain(&r.accounts).map(String::as_str));
        }
        if start < rows.len() {
            chunks.push(&rows[start..]);
        }
        chunks
    }

    fn cases(&mut self, chunk: &[CaseRow], out: &mut HashMap<usize, Cases<O::Case, O::Error>>) {
        if self.stopped() {
            out.extend(chunk.iter().map(|r| (r.row, Cases::NotRun)));
            return;
        }
        let fail = |out: &mut HashMap<usize, Cases<O::Case, O::Error>>, e: &O::Error| {
            out.extend(chunk.iter().map(|r| (r.row, Cases::Failed(e.clone()))));
        };
        if let [one] = chunk {
            // Alone: the single lookup's own query (with its LIMIT; one page).
            let Some(soql) = open_cases_query(&one.contacts, &one.accounts) else {
                return;
            };
            self.counters.case_queries += 1;
            match self.org.query(&soql) {
                Ok(page) => {
                    out.insert(one.row, Cases::Found(page.records));
                }
                Err(e) => {
                    self.failed(&e);
                    fail(out, &e);
                }
            }
            return;
        }
        let union = |ids: &dyn Fn(&CaseRow) -> &Vec<String>| {
            let mut seen = HashSet::new();
            chunk
                .iter()
                .flat_map(|r| ids(r).iter())
                .filter(|id| seen.insert(id.as_str()))
                .cloned()
                .collect::<Vec<_>>()
        };
        let Some(soql) = pool_query(&union(&|r| &r.contacts), &union(&|r| &r.accounts)) else {
            for i in 0..chunk.len() {
                self.cases(&chunk[i..=i], out);
            }
            return;
        };
        let mut pool: Vec<O::Case> = Vec::new();
        self.counters.case_queries += 1;
        let mut page = self.org.query(&soql);
        loop {
            match page {
                Err(e) => {
                    if self.org.classify(&e) == ErrorClass::Split {
                        self.counters.splits += 1;
                        let (a, b) = chunk.split_at(chunk.len() / 2);
                        self.cases(a, out);
                        self.cases(b, out);
                    } else {
                        self.failed(&e);
                        fail(out, &e);
                    }
                    return;
                }
                Ok(p) => {
                    pool.extend(p.records);
                    // Later pages hold older cases: once every row has its 50, stop.
                    let full = chunk
                        .iter()
                        .all(|r| pool.iter().filter(|c| r.claims(*c)).count() >= MAX_OPEN_CASES);
                    match p.next {
                        Some(next) if !full => {
                            if self.stopped() {
                                out.extend(chunk.iter().map(|r| (r.row, Cases::NotRun)));
                                return;
                            }
                            self.counters.case_queries += 1;
                            page = self.org.query_more(&next);
                        }
                        _ => break,
                    }
                }
            }
        }
        for r in chunk {
            let mine = pool
                .iter()
                .filter(|c| r.claims(*c))
                .take(MAX_OPEN_CASES)
                .cloned()
                .collect();
            out.insert(r.row, Cases::Found(mine));
        }
    }
}

/// Each record to the rows it belongs to, by exact equality: the digits of one of its
/// phone values with one of a row's forms, or its e-mail with a row's address (case
/// ignored). Refused (split the batch) when a record belongs to no row, or when its
/// digits equal a row's form only up to the leading 1 of an 11-digit number: the
/// emulator (salesforce-api.md 3.2) and perhaps Salesforce match those too, and that
/// row could miss the record here while its single search would find it. The error
/// holds those rows' positions (the suspects), empty when there is no clue.
fn attribute<R: SearchRecord + Clone>(
    inputs: &[Input],
    rows: &[usize],
    records: Vec<R>,
) -> Result<Vec<Vec<R>>, Vec<usize>> {
    let mut owners: HashMap<String, Vec<usize>> = HashMap::new();
    for (pos, row) in rows.iter().enumerate() {
        let keys = match &inputs[*row] {
            Input::Phone(forms) => forms.clone(),
            Input::Email(address) => vec![address.trim().to_lowercase()],
        };
        for k in keys {
            let v = owners.entry(k).or_default();
            if v.last() != Some(&pos) {
                v.push(pos);
            }
        }
    }
    let phones = inputs[rows[0]].kind() == Kind::Phone;
    let mut per_row: Vec<Vec<R>> = rows.iter().map(|_| Vec::new()).collect();
    for rec in records {
        let mut exact: Vec<usize> = Vec::new();
        let mut near: Vec<usize> = Vec::new();
        if phones {
            for value in rec.phone_values() {
                let d: String = value.chars().filter(char::is_ascii_digit).collect();
                if d.is_empty() {
                    continue;
                }
                exact.extend(owners.get(&d).into_iter().flatten());
                if d.len() == 11 && d.starts_with('1') {
                    near.extend(owners.get(&d[1..]).into_iter().flatten());
                }
                if d.len() == 10 {
                    near.extend(owners.get(&format!("1{d}")).into_iter().flatten());
                }
            }
        } else if let Some(email) = rec.email() {
            exact.extend(
                owners
                    .get(&email.trim().to_lowercase())
                    .into_iter()
                    .flatten(),
            );
        }
        if exact.is_empty() || near.iter().any(|p| !exact.contains(p)) {
            near.retain(|p| !exact.contains(p));
            near.sort_unstable();
            near.dedup();
            return Err(near);
        }
        exact.sort_unstable();
        exact.dedup();
        for p in exact {
            per_row[p].push(rec.clone());
        }
    }
    Ok(per_row)
}

/// The engine on the crmctl HTTP client. With credentials, a rejected session
/// (`INVALID_SESSION_ID`) is replaced once for all workers and the call retried
/// once, as the bulk runner does; the org's API usage is kept from each answer.
pub struct ClientOrg<'a> {
    client: &'a Client,
    version: &'a str,
    session: RwLock<Arc<Session>>,
    creds: Option<&'a Credentials>,
    relogins: AtomicU64,
    usage: Mutex<Option<(u64, u64)>>,
}

impl<'a> ClientOrg<'a> {
    pub fn new(client: &'a Client, session: Session, version: &'a str) -> Self {
        ClientOrg {
            client,
            version,
            session: RwLock::new(Arc::new(session)),
            creds: None,
            relogins: AtomicU64::new(0),
            usage: Mutex::new(None),
        }
    }

    /// Log in again with these when the session is rejected.
    pub fn relogin_with(mut self, creds: &'a Credentials) -> Self {
        self.creds = Some(creds);
        self
    }

    pub fn relogins(&self) -> u64 {
        self.relogins.load(Ordering::Relaxed)
    }

    /// `Sforce-Limit-Info` of the latest answer (highest usage seen).
    pub fn api_usage(&self) -> Option<(u64, u64)> {
        *self.usage.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn current(&self) -> Arc<Session> {
        self.session
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn call<T>(
        &self,
        f: impl Fn(&Session) -> Result<(T, CallInfo), SfError>,
    ) -> Result<T, SfError> {
        let mut session = self.current();
        let mut answer = f(&session);
        // A rejected session is replaced once for all workers. The session another
        // worker put in may itself run out before our retry reaches the org (a session
        // that serves N calls, shared by several workers), so a call retries while the
        // rejected session is not one it logged in itself: at most two re-logins.
        for _ in 0..2 {
            let Some(creds) = self.creds else { break };
            if !matches!(&answer, Err(e) if e.api_code() == Some("INVALID_SESSION_ID")) {
                break;
            }
            let (fresh, ours) = {
                let mut guard = self.session.write().unwrap_or_else(|e| e.into_inner());
                // Another worker may have replaced it already.
                if Arc::ptr_eq(&guard, &session) {
                    *guard = Arc::new(self.client.login(creds)?);
                    self.relogins.fetch_add(1, Ordering::Relaxed);
                    (guard.clone(), true)
                } else {
                    (guard.clone(), false)
                }
            };
            session = fresh;
            answer = f(&session);
            if ours {
                break;
            }
        }
        let (v, info) = answer?;
        if let Some(u) = info.api_usage {
            let mut cur = self.usage.lock().unwrap_or_else(|e| e.into_inner());
            if cur.is_none_or(|c| u.0 >= c.0) {
                *cur = Some(u);
            }
        }
        Ok(v)
    }
}

/// One page of a query answer. `Client::query` reads only the first page's records;
/// the pooled open-cases query has no LIMIT, so the engine also needs the cursor.
#[derive(Deserialize)]
struct QueryPage {
    #[serde(default)]
    records: Vec<Record>,
    #[serde(default, rename = "nextRecordsUrl")]
    next_records_url: Option<String>,
    #[serde(default)]
    done: Option<bool>,
}

fn case_page(p: QueryPage) -> Page<super::CaseInfo> {
    Page {
        records: p.records.iter().map(super::case_info).collect(),
        next: p.next_records_url.filter(|_| p.done != Some(true)),
    }
}

impl Org for ClientOrg<'_> {
    type Record = super::Match;
    type Case = super::CaseInfo;
    type Error = SfError;

    fn search(&self, sosl: &str) -> Result<Vec<super::Match>, SfError> {
        let records = self.call(|s| self.client.search(s, self.version, sosl))?;
        Ok(records.iter().map(super::to_match).collect())
    }

    fn query(&self, soql: &str) -> Result<Page<super::CaseInfo>, SfError> {
        let q = percent_encoding::utf8_percent_encode(soql, FORM);
        let page = self.call(|s| {
            self.client.get_json::<QueryPage>(
                &format!(
                    "{}/services/data/v{}/query/?q={q}",
                    s.instance_url, self.version
                ),
                Some(&s.access_token),
            )
        })?;
        Ok(case_page(page))
    }

    fn query_more(&self, next: &str) -> Result<Page<super::CaseInfo>, SfError> {
        // A host-relative path on the instance; anything else would send the token
        // elsewhere.
        if !next.starts_with("/services/data/") {
            return Err(SfError::Protocol {
                status: 200,
                detail: "nextRecordsUrl is not a path under /services/data/".into(),
            });
        }
        let page = self.call(|s| {
            self.client
                .get_json::<QueryPage>(&format!("{}{next}", s.instance_url), Some(&s.access_token))
        })?;
        Ok(case_page(page))
    }

    fn classify(&self, error: &SfError) -> ErrorClass {
        match error {
            _ if error.api_code() == Some("REQUEST_LIMIT_EXCEEDED") => ErrorClass::Stop,
            SfError::Api {
                status: 400 | 414 | 431,
                ..
            }
            | SfError::Protocol {
                status: 414 | 431, ..
            } => ErrorClass::Split,
            _ => ErrorClass::Fail,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[derive(Debug, Clone, PartialEq)]
    struct Rec {
        object: &'static str,
        id: String,
        phones: Vec<String>,
        /// Searched but not returned (as Contact.Fax is today).
        hidden: Vec<String>,
        email: Option<String>,
    }

    impl SearchRecord for Rec {
        fn object(&self) -> &str {
            self.object
        }
        fn id(&self) -> &str {
            &self.id
        }
        fn phone_values(&self) -> Vec<&str> {
            self.phones.iter().map(String::as_str).collect()
        }
        fn email(&self) -> Option<&str> {
            self.email.as_deref()
        }
    }

    #[derive(Debug, Clone, PartialEq)]
    struct Case {
        n: usize,
        contact: Option<String>,
        account: Option<String>,
    }

    impl CaseRecord for Case {
        fn contact_id(&self) -> Option<&str> {
            self.contact.as_deref()
        }
        fn account_id(&self) -> Option<&str> {
            self.account.as_deref()
        }
    }

    #[derive(Debug, Clone, PartialEq)]
    enum Error {
        Refused(String),
        Limit,
    }

    /// An org that reads the engine's SOSL and SOQL back (terms, Id lists, LIMIT),
    /// matches phones as the emulator does, and pages cases.
    #[derive(Default)]
    struct Fake {
        records: Vec<Rec>,
        /// Newest first, as `ORDER BY CreatedDate DESC` gives them.
        cases: Vec<Case>,
        page: usize,
        /// A term that makes any search holding it fail with HTTP 400.
        refuse: Option<String>,
        /// Searches of several terms return their records in reverse (relevance).
        reverse_when_shared: bool,
        /// Calls answered before REQUEST_LIMIT_EXCEEDED.
        limit: Option<usize>,
        log: Mutex<Vec<String>>,
        cursors: Mutex<Vec<Vec<Case>>>,
    }

    fn terms(sosl: &str) -> Vec<String> {
        let inner = &sosl[sosl.find('{').map_or(0, |i| i + 1)..sosl.find('}').unwrap_or(0)];
        let mut out = Vec::new();
        let mut cur: Option<String> = None;
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            match (c, &mut cur) {
                ('"', None) => cur = Some(String::new()),
                ('"', Some(_)) => out.extend(cur.take()),
                ('\\', Some(t)) => t.extend(chars.next()),
                (c, Some(t)) => t.push(c),
                _ => {}
            }
        }
        out
    }

    fn ids_after(soql: &str, key: &str) -> Vec<String> {
        let Some(at) = soql.find(key) else {
            return Vec::new();
        };
        let rest = &soql[at + key.len()..];
        rest[..rest.find(')').unwrap_or(0)]
            .split(", ")
            .map(|s| s.trim_matches('\'').to_string())
            .collect()
    }

    fn digits(s: &str) -> String {
        s.chars().filter(char::is_ascii_digit).collect()
    }

    fn phone_match(term: &str, stored: &str) -> bool {
        let nanp = |long: &str, short: &str| {
            long.len() == 11 && long.starts_with('1') && &long[1..] == short
        };
        term == stored || nanp(stored, term) || nanp(term, stored)
    }

    impl Fake {
        fn call(&self, what: String) -> Result<(), Error> {
            let mut log = self.log.lock().unwrap_or_else(|e| e.into_inner());
            if self.limit.is_some_and(|l| log.len() >= l) {
                return Err(Error::Limit);
            }
            log.push(what);
            Ok(())
        }

        fn calls(&self) -> Vec<String> {
            self.log.lock().unwrap_or_else(|e| e.into_inner()).clone()
        }

        fn paged(&self, rows: Vec<Case>, offset: usize) -> Page<Case> {
            if rows.len() <= offset + self.page {
                return Page {
                    records: rows[offset.min(rows.len())..].to_vec(),
                    next: None,
                };
            }
            let mut cursors = self.cursors.lock().unwrap_or_else(|e| e.into_inner());
            cursors.push(rows.clone());
            Page {
                records: rows[offset..offset + self.page].to_vec(),
                next: Some(format!(
                    "/services/data/v60.0/query/{}-{}",
                    cursors.len() - 1,
                    offset + self.page
                )),
            }
        }
    }

    impl Org for Fake {
        type Record = Rec;
        type Case = Case;
        type Error = Error;

        fn search(&self, sosl: &str) -> Result<Vec<Rec>, Error> {
            self.call(sosl.to_string())?;
            let terms = terms(sosl);
            if let Some(bad) = &self.refuse
                && terms.contains(bad)
            {
                return Err(Error::Refused(bad.clone()));
            }
            let email = sosl.contains("IN EMAIL FIELDS");
            let mut found: Vec<Rec> = self
                .records
                .iter()
                .filter(|r| {
                    terms.iter().any(|t| {
                        if email {
                            r.email.as_deref().map(str::to_lowercase) == Some(t.to_lowercase())
                        } else {
                            r.phones
                                .iter()
                                .chain(&r.hidden)
                                .any(|p| phone_match(&digits(t), &digits(p)))
                        }
                    })
                })
                .cloned()
                .collect();
            if self.reverse_when_shared && terms.len() > 4 {
                found.reverse();
            }
            Ok(found)
        }

        fn query(&self, soql: &str) -> Result<Page<Case>, Error> {
            self.call(soql.to_string())?;
            let (c, a) = (
                ids_after(soql, "ContactId IN ("),
                ids_after(soql, "AccountId IN ("),
            );
            let mut rows: Vec<Case> = self
                .cases
                .iter()
                .filter(|x| {
                    x.contact.as_ref().is_some_and(|i| c.contains(i))
                        || x.account.as_ref().is_some_and(|i| a.contains(i))
                })
                .cloned()
                .collect();
            if soql.ends_with(" LIMIT 50") {
                rows.truncate(50);
            }
            Ok(self.paged(rows, 0))
        }

        fn query_more(&self, next: &str) -> Result<Page<Case>, Error> {
            self.call(next.to_string())?;
            let tail = next.rsplit('/').next().unwrap_or("");
            let (cursor, offset) = tail.split_once('-').unwrap_or(("0", "0"));
            let rows = self
                .cursors
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get(cursor.parse::<usize>().unwrap_or(0))
                .cloned()
                .unwrap_or_default();
            Ok(self.paged(rows, offset.parse().unwrap_or(0)))
        }

        fn classify(&self, e: &Error) -> ErrorClass {
            match e {
                Error::Refused(_) => ErrorClass::Split,
                Error::Limit => ErrorClass::Stop,
            }
        }
    }

    fn rec(object: &'static str, id: &str, phones: &[&str], email: Option<&str>) -> Rec {
        Rec {
            object,
            id: id.into(),
            phones: phones.iter().map(|p| p.to_string()).collect(),
            hidden: Vec::new(),
            email: email.map(str::to_string),
        }
    }

    fn case(n: usize, contact: Option<&str>, account: Option<&str>) -> Case {
        Case {
            n,
            contact: contact.map(str::to_string),
            account: account.map(str::to_string),
        }
    }

    /// Dutch numbers as `phone::read_ani` gives them.
    fn nl(nsn: &str) -> Input {
        Input::Phone(vec![
            format!("31{nsn}"),
            format!("0{nsn}"),
            nsn.to_string(),
            format!("0031{nsn}"),
        ])
    }

    fn us(nsn: &str) -> Input {
        Input::Phone(vec![
            format!("1{nsn}"),
            nsn.to_string(),
            format!("001{nsn}"),
        ])
    }

    fn org() -> Fake {
        let mut records = vec![
            rec("Account", "001A", &["+31 20 123 4567"], None),
            rec(
                "Contact",
                "003P",
                &["020-1234567", "06-12345678"],
                Some("pieter@example.nl"),
            ),
            rec(
                "Contact",
                "003J",
                &["(415) 555-1212"],
                Some("jane@example.com"),
            ),
            rec(
                "Lead",
                "00QJ",
                &["+1 415 555 1212"],
                Some("JANE@example.com"),
            ),
            rec("Account", "001G", &["+44 20 7946 0958"], None),
        ];
        for i in 0..60 {
            records.push(rec(
                "Contact",
                &format!("003F{i}"),
                &[&format!("010-{:07}", 1000 + i)],
                Some(&format!("filler{i}@example.nl")),
            ));
        }
        let mut cases = Vec::new();
        for n in 0..130 {
            cases.push(case(n, Some("003P"), Some("001A")));
            if n % 3 == 0 {
                cases.push(case(1000 + n, Some("003J"), None));
            }
            if n % 7 == 0 {
                cases.push(case(2000 + n, Some(&format!("003F{}", n % 60)), None));
            }
        }
        Fake {
            records,
            cases,
            // Over the 50 of a single lookup's LIMIT (Salesforce pages by 200 at least),
            // under the pools of several rows.
            page: 60,
            ..Fake::default()
        }
    }

    fn inputs() -> Vec<Input> {
        let mut v = vec![
            nl("201234567"),
            us("4155551212"),
            nl("612345678"),
            nl("201234567"),
            Input::Email("jane@example.com".into()),
            us("9995550000"),
            Input::Email("Pieter@Example.NL".into()),
            Input::Email("nobody@example.org".into()),
        ];
        for i in 0..60 {
            v.push(nl(&format!("10{:07}", 1000 + i)));
            if i % 5 == 0 {
                v.push(Input::Email(format!("filler{i}@example.nl")));
            }
        }
        v
    }

    type Row = Outcome<Rec, Case, Error>;

    fn answers(org: &Fake, inputs: &[Input], config: &BatchConfig) -> (Vec<Row>, Counters) {
        let mut rows = Vec::new();
        let counters = run(org, inputs, config, |d| {
            assert_eq!(d.index, rows.len(), "rows in input order");
            rows.push(d.outcome);
        });
        (rows, counters)
    }

    fn config(batch_size: usize) -> BatchConfig {
        BatchConfig {
            batch_size,
            concurrency: 3,
            ..BatchConfig::default()
        }
    }

    /// Asserts batched answers equal one lookup per row, and returns the counters of
    /// the batched run.
    fn same_as_single(org: Fake, inputs: &[Input], config: &BatchConfig) -> (Fake, Counters) {
        let (single, per_row) = answers(&org, inputs, &BatchConfig::from_flags(None, true, 2));
        assert_eq!(per_row.api_calls(), per_row.one_per_row, "{per_row:?}");
        let before = org.calls().len();
        let (batched, counters) = answers(&org, inputs, config);
        assert_eq!(org.calls().len() - before, counters.api_calls() as usize);
        for (i, (b, s)) in batched.iter().zip(&single).enumerate() {
            assert_eq!(b, s, "row {i}");
        }
        assert_eq!(batched.len(), inputs.len());
        assert_eq!(counters.one_per_row, per_row.one_per_row);
        (org, counters)
    }

    #[test]
    fn batched_answers_equal_single_lookups_in_a_few_calls() {
        let inputs = inputs();
        let (org, c) = same_as_single(org(), &inputs, &config(50));
        assert!(
            c.api_calls() * 10 <= c.one_per_row,
            "{c:?}; {} rows cost {} one by one",
            inputs.len(),
            c.one_per_row
        );
        assert!(c.reruns >= 2, "shared numbers are searched alone: {c:?}");
        // The duplicate +31 20 123 4567 row shares its re-run search.
        let alone = phone_forms_search(&nl("201234567"));
        // Twice one by one, once batched.
        assert_eq!(org.calls().iter().filter(|s| **s == alone).count(), 3);
    }

    fn phone_forms_search(input: &Input) -> String {
        input.alone().expect("sosl")
    }

    #[test]
    fn several_matches_take_the_order_of_their_own_search() {
        let mut fake = org();
        fake.reverse_when_shared = true;
        let inputs = inputs();
        let (_, c) = same_as_single(fake, &inputs, &config(50));
        assert!(c.reruns >= 2, "{c:?}");
    }

    #[test]
    fn a_full_search_splits_the_batch() {
        let cfg = BatchConfig {
            row_cap: 4,
            ..config(50)
        };
        let (_, c) = same_as_single(org(), &inputs(), &cfg);
        assert!(c.splits >= 1, "{c:?}");
    }

    #[test]
    fn a_record_no_row_can_claim_splits_down_to_its_row() {
        let mut fake = org();
        fake.records.push(Rec {
            hidden: vec!["070-5550101".into()],
            ..rec("Contact", "003X", &["+31 70 555 0199"], None)
        });
        let mut inputs = inputs();
        inputs.insert(3, nl("705550101"));
        let (_, c) = same_as_single(fake, &inputs, &config(50));
        assert!(c.splits >= 3, "{c:?}");
    }

    #[test]
    fn a_leading_one_near_match_splits_rather_than_guess() {
        // A German 11-digit national number that starts with 1, next to the NANP
        // number the emulator's rule equates with its last ten digits.
        let mut fake = org();
        fake.records.push(rec(
            "Contact",
            "003N",
            &["6175550123"],
            Some("n@example.com"),
        ));
        let de = Input::Phone(vec![
            "4916175550123".into(),
            "016175550123".into(),
            "16175550123".into(),
            "004916175550123".into(),
        ]);
        let mut inputs = inputs();
        inputs.insert(2, us("6175550123"));
        inputs.insert(5, de);
        let (_, c) = same_as_single(fake, &inputs, &config(50));
        // The suspect alone, the rest together: no halving.
        assert_eq!(c.splits, 1, "{c:?}");
    }

    #[test]
    fn a_refused_term_fails_only_its_own_row() {
        let mut fake = org();
        fake.refuse = Some("0100001007".into());
        let inputs = inputs();
        let (_, c) = same_as_single(fake, &inputs, &config(50));
        assert!(c.splits >= 3, "{c:?}");
        let fake = Fake {
            refuse: Some("0100001007".into()),
            ..org()
        };
        let (rows, _) = answers(&fake, &inputs, &config(50));
        let failed: Vec<usize> = rows
            .iter()
            .enumerate()
            .filter(|(_, r)| matches!(r, Outcome::Failed(_)))
            .map(|(i, _)| i)
            .collect();
        assert_eq!(failed.len(), 1, "{failed:?}");
        assert_eq!(inputs[failed[0]], nl("100001007"));
    }

    #[test]
    fn the_request_limit_stops_the_run_and_later_rows_are_not_run() {
        let fake = Fake {
            limit: Some(2),
            ..org()
        };
        let cfg = BatchConfig {
            concurrency: 1,
            ..config(10)
        };
        let inputs: Vec<Input> = (0..30).map(|i| nl(&format!("10{:07}", 1000 + i))).collect();
        let (rows, c) = answers(&fake, &inputs, &cfg);
        assert_eq!(c.api_calls(), 3, "two answered, one refused: {c:?}");
        assert!(rows[..10].iter().all(|r| matches!(r, Outcome::Found(_))));
        assert!(
            rows[10..20]
                .iter()
                .all(|r| *r == Outcome::Failed(Error::Limit))
        );
        assert!(rows[20..].iter().all(|r| *r == Outcome::NotRun));
    }

    #[test]
    fn open_cases_are_paged_and_capped_per_row() {
        let fake = org();
        let inputs = vec![nl("101001000"), nl("201234567"), us("4155551212")];
        let (rows, c) = answers(&fake, &inputs, &config(50));
        let Outcome::Found(pieter) = &rows[1] else {
            panic!("{:?}", rows[1])
        };
        assert_eq!(pieter.open_cases.len(), MAX_OPEN_CASES);
        assert_eq!(pieter.open_cases[0].n, 0, "newest first");
        let Outcome::Found(jane) = &rows[2] else {
            panic!("{:?}", rows[2])
        };
        assert_eq!(jane.open_cases.len(), 44);
        // One pool query and its pages, stopped once every row had its cases.
        let pages = fake
            .calls()
            .iter()
            .filter(|s| s.starts_with("/services/data/"))
            .count();
        assert!(pages >= 1 && c.case_queries as usize == 1 + pages, "{c:?}");
        same_as_single(org(), &inputs, &config(50));
    }

    #[test]
    fn case_queries_hold_at_most_max_case_ids() {
        let cfg = BatchConfig {
            max_case_ids: 3,
            ..config(50)
        };
        let (org, c) = same_as_single(org(), &inputs(), &cfg);
        let pools: Vec<String> = org
            .calls()
            .into_iter()
            .filter(|q| q.starts_with("SELECT") && !q.ends_with(" LIMIT 50"))
            .collect();
        assert!(pools.len() >= 3, "{c:?}");
        for q in pools {
            assert!(q.matches("'").count() <= 2 * 3, "{q}");
        }
    }

    #[test]
    fn every_search_stays_within_the_character_limit() {
        let long: Vec<Input> = (0..120)
            .map(|i| Input::Email(format!("{}{i}@example.com", "x".repeat(180))))
            .chain((0..300).map(|i| nl(&format!("6{:08}", i * 7919))))
            .collect();
        let fake = org();
        let (_, c) = answers(&fake, &long, &BatchConfig::default());
        let searches: Vec<String> = fake
            .calls()
            .into_iter()
            .filter(|s| s.starts_with("FIND"))
            .collect();
        assert_eq!(searches.len() as u64, c.searches);
        assert!(
            searches
                .iter()
                .all(|s| s.chars().count() <= SEARCH_CHAR_LIMIT)
        );
        // E-mail batches end at the limit, not at 50 rows.
        let mut emails: Vec<usize> = searches
            .iter()
            .filter(|s| s.contains("IN EMAIL FIELDS"))
            .map(|s| s.chars().count())
            .collect();
        emails.sort_unstable();
        assert!(
            emails[1..].iter().all(|n| *n > SEARCH_CHAR_LIMIT - 250),
            "{emails:?}"
        );
        assert!(c.searches <= 14, "{c:?}");
    }

    #[test]
    fn a_row_alone_sends_the_single_lookup_queries() {
        let forms = ["31201234567", "0201234567"];
        assert_eq!(
            search_for(Kind::Phone, &forms).expect("sosl"),
            super::super::phone_search(&forms.map(String::from)).expect("sosl")
        );
        assert_eq!(
            search_for(Kind::Email, &["noor+vip@example.be"]).expect("sosl"),
            email_search("noor+vip@example.be").expect("sosl")
        );
        let (c, a) = (vec!["003A".to_string()], vec!["001B".to_string()]);
        let pool = pool_query(&c, &a).expect("the single query ends in its LIMIT");
        assert_eq!(
            format!("{pool} LIMIT {MAX_OPEN_CASES}"),
            open_cases_query(&c, &a).expect("query")
        );
        let fake = org();
        let (_, counters) = answers(&fake, &[nl("201234567")], &config(50));
        assert_eq!(
            fake.calls(),
            [
                nl("201234567").alone().expect("sosl"),
                open_cases_query(&["003P".into()], &["001A".into()]).expect("q")
            ]
        );
        assert_eq!(counters.saved(), 0);
    }

    #[test]
    fn terms_a_search_cannot_hold_are_invalid_rows() {
        let fake = org();
        let (rows, c) = answers(
            &fake,
            &[Input::Email("x".into()), nl("201234567")],
            &config(50),
        );
        assert_eq!(rows[0], Outcome::Invalid(TermError::TooShort));
        assert!(matches!(rows[1], Outcome::Found(_)));
        assert_eq!(c.searches, 1);
    }

    #[test]
    fn flags_map_onto_the_config() {
        assert_eq!(BatchConfig::from_flags(None, false, 8).batch_size, 50);
        assert_eq!(BatchConfig::from_flags(Some(20), false, 8).batch_size, 20);
        assert_eq!(BatchConfig::from_flags(Some(0), false, 8).batch_size, 1);
        assert!(!BatchConfig::from_flags(Some(20), true, 8).is_batching());
        assert_eq!(BatchConfig::from_flags(None, false, 0).concurrency, 1);
    }
}
