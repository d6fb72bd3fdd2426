//! One batch: its search (split when needed), the open cases of its rows, and the
//! attribution of records back to rows.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use super::*;
use crate::salesforce::escape::TermError;
use crate::screenpop::{MAX_OPEN_CASES, open_cases_query};

pub(super) enum Searched<R, E> {
    /// The row's records, in the pop order of its own search.
    Records(Vec<R>),
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

pub(super) struct Batch<'a, O: Org> {
    pub(super) org: &'a O,
    pub(super) inputs: &'a [Input],
    pub(super) config: &'a BatchConfig,
    pub(super) stop: &'a AtomicBool,
    pub(super) counters: Counters,
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

    pub(super) fn run(&mut self, rows: &[usize]) -> Vec<DoneOf<O>> {
        let start = Instant::now();
        self.counters.batches += 1;
        let mut searched = Vec::with_capacity(rows.len());
        self.search(rows, &mut searched);
        let case_rows: Vec<CaseRow> = searched
            .iter()
            .filter_map(|(row, s)| match s {
                Searched::Records(records) => {
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
                    Searched::Records(records) => match cases.remove(&index) {
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
            Ok(records) if rows.len() == 1 => out.push((rows[0], Searched::Records(records))),
            Ok(records) if records.len() >= self.config.row_cap => self.split(rows, out),
            Ok(records) => match attribute(self.inputs, rows, records) {
                Ok(per_row) => out.extend(
                    rows.iter()
                        .zip(per_row)
                        .map(|(r, records)| (*r, Searched::Records(records))),
                ),
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
            Input::Phone(forms) => forms.split(' ').map(str::to_string).collect(),
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
