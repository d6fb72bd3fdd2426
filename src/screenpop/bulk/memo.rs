//! Numbers and addresses through the batch engine, once per distinct input (issue 21,
//! items 1 and 3), in memory that does not grow with the file.
//!
//! Rows are read a segment at a time ([`SEGMENT_ROWS`] rows, pulled from the input
//! iterator as the run gets to them). Each row is read (`lookup::plan`) as it would be
//! alone; rows whose searches are the same (the same digit forms, or the same address
//! ignoring case) share one engine input. The engine answers a segment's distinct
//! inputs in order of their first row, and rows are handed over in input order as soon
//! as their answer is in: the first row of an input with its latency, the later ones
//! marked `cached` (0 ms: nothing was sent for them).
//!
//! Answers outlive their segment in a bounded memo ([`Recent`], at most [`MEMO_BYTES`]
//! of answers, the most recently used kept): a number seen again in a later segment is
//! answered from it, `cached`. A number whose answer was dropped (some 80,000 other
//! distinct numbers came between) is searched again, so a file of millions of distinct
//! numbers costs more calls rather than more memory.
//! Memory thus holds one segment's rows and distinct inputs, the memo, and the answers
//! within the engine's window.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash};
use std::rc::Rc;
use std::sync::atomic::Ordering;
use std::time::Instant;

use super::tally::{Stop, Tally};
use super::*;
use crate::screenpop::Match;
use crate::screenpop::batch::{self, Outcome};
use crate::screenpop::index::export::{self, ExportError};

/// Rows read and planned at a time. Batches do not cross a segment's end, which costs
/// at most two part-filled searches per segment (20,000 rows take about 200 searches).
pub const SEGMENT_ROWS: usize = 20_000;

/// Memory the memo may take across segments, by [`Answer::weight`]: about 100 bytes
/// an answer when nothing matched (the most of a call log: some 80,000 numbers), a few
/// hundred with a matched record's id and name.
pub const MEMO_BYTES: usize = 8 * 1024 * 1024;

/// What a row needs before its answer: its finished row (withheld, invalid), its
/// answer from the memo, or its distinct input in this segment.
enum Pre {
    Finished(Box<Row>),
    Known {
        answer: Rc<Answer>,
        as_typed: Option<&'static str>,
    },
    Engine {
        distinct: u32,
        as_typed: Option<&'static str>,
    },
}

/// A distinct input's answer, without the row's own line, input and reading: a few
/// bytes when nothing matched (most numbers of a call log), a row otherwise.
struct Answer {
    /// `None`: no match and no error.
    row: Option<Box<Row>>,
    ms: u32,
    /// What one lookup of this input costs (a search, and a cases query when a
    /// contact or an account matched), for "calls saved".
    cost: u8,
}

impl Answer {
    /// About what it takes in memory, in the memo (its map entry and counts included).
    fn weight(&self) -> usize {
        96 + self.row.as_ref().map_or(0, |r| {
            let text = |t: &Option<OrgText>| t.as_ref().map_or(0, OrgText::len);
            std::mem::size_of::<Row>()
                + text(&r.pops_object)
                + text(&r.pops_id)
                + text(&r.pops_name)
                + r.error
                    .as_ref()
                    .map_or(0, |e| e.code.len() + e.message.len())
        })
    }

    fn of(r: Row, cost: u8) -> Answer {
        let plain = r.status == Status::None && r.error.is_none();
        Answer {
            ms: u32::try_from(r.ms).unwrap_or(u32::MAX),
            row: (!plain).then(|| Box::new(r)),
            cost,
        }
    }

    /// This answer as `input`'s row; `cached` when it was handed over before.
    fn row_for(&self, input: &Input, as_typed: Option<&'static str>, cached: bool) -> Row {
        let mut r = match &self.row {
            Some(r) => Row {
                line: input.line,
                input: OrgText::from(input.value.as_str()),
                ..(**r).clone()
            },
            None => row(input, Status::None, None, 0),
        };
        r.as_typed = as_typed;
        r.ms = if cached { 0 } else { u128::from(self.ms) };
        r.cached = cached;
        r
    }
}

/// The memo's key: two independent 64-bit SipHash values of the normalized input
/// (128 bits: no collision among a billion inputs but with odds below 10^-20), so the
/// memo holds 16 bytes per distinct input rather than its text.
fn key(input: &batch::Input, hashers: &[std::hash::RandomState; 2]) -> u128 {
    let normalized = match input {
        batch::Input::Email(a) => batch::Input::Email(a.trim().to_lowercase()),
        other => other.clone(),
    };
    let h = |s: &std::hash::RandomState| {
        let mut h = s.build_hasher();
        normalized.hash(&mut h);
        std::hash::Hasher::finish(&h)
    };
    (u128::from(h(&hashers[0])) << 64) | u128::from(h(&hashers[1]))
}

/// A bounded memo that keeps the most recently used answers: two generations of at
/// most half the budget each (by the weight given with each value); a hit in the older
/// one moves the answer to the newer one, and when the newer one is full the older one
/// is dropped. (An LRU within a factor of two, with no list to maintain.)
pub(super) struct Recent<V> {
    newer: HashMap<u128, (V, usize)>,
    older: HashMap<u128, (V, usize)>,
    newer_weight: usize,
    older_weight: usize,
    half: usize,
}

impl<V: Clone> Recent<V> {
    pub(super) fn new(budget: usize) -> Self {
        Recent {
            newer: HashMap::new(),
            older: HashMap::new(),
            newer_weight: 0,
            older_weight: 0,
            half: (budget / 2).max(1),
        }
    }

    pub(super) fn get(&mut self, key: u128) -> Option<V> {
        if let Some((v, _)) = self.newer.get(&key) {
            return Some(v.clone());
        }
        let (v, w) = self.older.remove(&key)?;
        self.older_weight -= w;
        self.insert(key, v.clone(), w);
        Some(v)
    }

    pub(super) fn insert(&mut self, key: u128, v: V, weight: usize) {
        if let Some((_, w)) = self.newer.remove(&key) {
            self.newer_weight -= w;
        }
        if self.newer_weight + weight > self.half {
            self.older = std::mem::take(&mut self.newer);
            self.older_weight = std::mem::take(&mut self.newer_weight);
        }
        self.newer.insert(key, (v, weight));
        self.newer_weight += weight;
    }

    /// The weight held: at most the budget.
    #[cfg(test)]
    pub(super) fn weight(&self) -> usize {
        self.newer_weight + self.older_weight
    }
}

/// One segment of rows: their plans, its distinct inputs (those the memo did not
/// know), and the answers not yet handed over.
struct Segment<'s> {
    inputs: &'s [Input],
    pre: Vec<Pre>,
    distinct: Vec<batch::Input>,
    keys: Vec<u128>,
    /// The last row of each distinct input: its answer leaves the segment after it.
    last_row: Vec<usize>,
    answers: HashMap<u32, (Rc<Answer>, bool)>,
    next: usize,
}

/// What the whole run carries from segment to segment.
struct Run<'a, F> {
    stop: &'a Stop<'a>,
    tally: Tally,
    memo: Recent<Rc<Answer>>,
    hashers: [std::hash::RandomState; 2],
    one_per_row: u64,
    go_on: bool,
    on_row: F,
}

impl<F: FnMut(&Row) -> bool> Run<'_, F> {
    fn plan<'s>(&mut self, inputs: &'s [Input], config: &Config) -> Segment<'s> {
        let mut seg = Segment {
            inputs,
            pre: Vec::with_capacity(inputs.len()),
            distinct: Vec::new(),
            keys: Vec::new(),
            last_row: Vec::new(),
            answers: HashMap::new(),
            next: 0,
        };
        let mut here: HashMap<u128, u32> = HashMap::new();
        for (i, input) in inputs.iter().enumerate() {
            let p = match planned(config, input) {
                Err(r) => Pre::Finished(r),
                Ok(plan) => {
                    let as_typed = plan.reading().and_then(|r| r.as_typed);
                    match batch::Input::from_plan(&plan) {
                        Some(x) => {
                            let k = key(&x, &self.hashers);
                            if let Some(&d) = here.get(&k) {
                                seg.last_row[d as usize] = i;
                                Pre::Engine {
                                    distinct: d,
                                    as_typed,
                                }
                            } else if let Some(answer) = self.memo.get(k) {
                                Pre::Known { answer, as_typed }
                            } else {
                                let d = seg.distinct.len() as u32;
                                here.insert(k, d);
                                seg.distinct.push(x);
                                seg.keys.push(k);
                                seg.last_row.push(i);
                                Pre::Engine {
                                    distinct: d,
                                    as_typed,
                                }
                            }
                        }
                        // Only case plans have no engine input, and they never come here.
                        None => Pre::Finished(Box::new(row(input, Status::Skipped, None, 0))),
                    }
                }
            };
            seg.pre.push(p);
        }
        seg
    }

    /// A distinct input's answer is in: kept for its rows, and in the memo for later
    /// segments (not a row the run skipped).
    fn answered(&mut self, seg: &mut Segment, d: usize, r: Row, cost: u8) {
        let skipped = r.status == Status::Skipped;
        let answer = Rc::new(Answer::of(r, cost));
        if !skipped {
            let weight = answer.weight();
            self.memo.insert(seg.keys[d], answer.clone(), weight);
        }
        seg.answers.insert(d as u32, (answer, false));
    }

    /// Hands over every row whose answer is in, in input order.
    fn hand_over(&mut self, seg: &mut Segment) -> bool {
        while let Some(p) = seg.pre.get(seg.next) {
            let i = seg.next;
            let input = &seg.inputs[i];
            let r = match p {
                Pre::Finished(r) => (**r).clone(),
                Pre::Known { answer, as_typed } => answer.row_for(input, *as_typed, true),
                Pre::Engine { distinct, as_typed } => {
                    let Some((a, used)) = seg.answers.get_mut(distinct) else {
                        break;
                    };
                    let r = a.row_for(input, *as_typed, *used);
                    self.one_per_row += u64::from(a.cost);
                    *used = true;
                    if seg.last_row[*distinct as usize] == i {
                        seg.answers.remove(distinct);
                    }
                    r
                }
            };
            if let Pre::Known { answer, .. } = p {
                self.one_per_row += u64::from(answer.cost);
            }
            self.go_on &= self.tally.take(&r, self.stop, &mut self.on_row);
            seg.next += 1;
        }
        self.go_on
    }
}

pub(super) fn run_engine(
    client: &Client,
    creds: &Credentials,
    session: Session,
    inputs: &mut dyn Iterator<Item = Input>,
    total: usize,
    config: &Config,
    on_row: impl FnMut(&Row) -> bool,
) -> Result<Summary, ExportError> {
    let calls_before = client.api_calls();
    let stop = Stop::new(config);
    let pool = SessionPool::new(client, session).relogin_with(creds);
    // --index: the org's phones and addresses first (the rows then cost no call).
    let started = Instant::now();
    let index = match &config.index {
        Some(ix) => Some(export::export(
            &pool,
            &config.version,
            ix.wait,
            &|| stop.should_stop(),
            |p| (ix.progress)(p),
        )?),
        None => None,
    };
    let export_ms = started.elapsed().as_millis();
    let matching = Instant::now();
    let batch_config =
        batch::BatchConfig::from_flags(Some(config.batch_size), false, config.concurrency);
    let org = batch::ClientOrg::new(&pool, &config.version);
    let mut run = Run {
        stop: &stop,
        tally: Tally::new(total),
        memo: Recent::new(MEMO_BYTES),
        hashers: [std::hash::RandomState::new(), std::hash::RandomState::new()],
        one_per_row: 0,
        go_on: true,
        on_row,
    };
    let mut engine_calls = 0;
    loop {
        let rows: Vec<Input> = (&mut *inputs).take(SEGMENT_ROWS).collect();
        if rows.is_empty() {
            break;
        }
        let mut seg = run.plan(&rows, config);
        run.hand_over(&mut seg);
        match &index {
            Some(index) => by_index(&mut run, &mut seg, index),
            None => engine_calls += by_engine(&mut run, &mut seg, &org, &batch_config),
        }
        run.hand_over(&mut seg);
    }
    let one_per_row = run.one_per_row;
    let mut summary = run.tally.finish(&stop, config);
    summary.api_calls = client.api_calls() - calls_before;
    summary.api_calls_saved = match index {
        Some(_) => one_per_row.saturating_sub(summary.api_calls),
        None => one_per_row.saturating_sub(engine_calls),
    };
    summary.api_usage = pool.api_usage().map(|(used, max)| ApiUsage { used, max });
    summary.relogins = pool.relogins();
    if let Some(index) = &index {
        summary.index = Some(IndexSummary {
            records: index.records() as u64,
            export_ms,
            match_ms: matching.elapsed().as_millis(),
        });
    }
    Ok(summary)
}

/// `--index`: a segment's distinct inputs matched locally.
fn by_index<F: FnMut(&Row) -> bool>(
    run: &mut Run<'_, F>,
    seg: &mut Segment,
    index: &crate::screenpop::index::Index,
) {
    let stop = run.stop;
    for d in 0..seg.distinct.len() {
        let (r, cost) = if run.go_on && !stop.should_stop() {
            let t = Instant::now();
            let hit = index.lookup(&seg.distinct[d]);
            let mut r = row(&seg.inputs[0], Status::None, None, t.elapsed().as_millis());
            r.matches = hit.matches;
            r.status = match hit.matches {
                0 => Status::None,
                1 => Status::Matched,
                _ => Status::Several,
            };
            if let Some((object, id, name)) = hit.pops {
                r.pops_object = Some(OrgText::from(object));
                r.pops_id = Some(OrgText::from(id));
                r.pops_name = Some(OrgText::from(name));
            }
            r.open_cases = hit.open_cases;
            let cost = match hit.pops {
                None => 1,
                Some(_) => 1 + u8::from(hit.contact_or_account),
            };
            (r, cost)
        } else {
            (stop.skipped(&seg.inputs[0]), 0)
        };
        run.answered(seg, d, r, cost);
        run.hand_over(seg);
    }
}

/// A segment's distinct inputs through the batch engine; the API calls it made.
fn by_engine<F: FnMut(&Row) -> bool>(
    run: &mut Run<'_, F>,
    seg: &mut Segment,
    org: &batch::ClientOrg,
    batch_config: &batch::BatchConfig,
) -> u64 {
    let stop = run.stop;
    let cancel = || stop.should_stop();
    let distinct = std::mem::take(&mut seg.distinct);
    let input = seg.inputs[0].clone();
    let counters = batch::run_until(org, &distinct, batch_config, &cancel, |done| {
        let ms = done.elapsed.as_millis();
        let (r, cost) = match &done.outcome {
            Outcome::Found(f) => (
                found_row(&input, None, &f.matches, &f.open_cases, ms),
                1 + u8::from(has_cases(&f.matches)),
            ),
            Outcome::Failed(e) => {
                if e.has_api_code("REQUEST_LIMIT_EXCEEDED") {
                    stop.api_limit();
                }
                (row(&input, Status::Failed, Some(sf_row_error(e)), ms), 1)
            }
            Outcome::Invalid(e) => (
                row(
                    &input,
                    Status::Failed,
                    Some(RowError {
                        code: OrgText::from("INVALID_INPUT"),
                        kind: crate::error::ErrorKind::Usage.as_str(),
                        message: OrgText::new(e.to_string()),
                    }),
                    0,
                ),
                0,
            ),
            Outcome::NotRun => {
                // The engine stops only on REQUEST_LIMIT_EXCEEDED; a signal or a
                // closed stdout was recorded before it was asked to stop.
                if !stop.stop.load(Ordering::SeqCst) {
                    stop.api_limit();
                }
                (stop.skipped(&input), 0)
            }
        };
        run.answered(seg, done.index, r, cost);
        run.hand_over(seg)
    });
    counters.api_calls()
}

/// Whether a single lookup with these matches also asks for open cases.
fn has_cases(matches: &[Match]) -> bool {
    matches
        .iter()
        .any(|m| m.object.is_one_of(&["Contact", "Account"]))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The memo never holds more than its capacity, keeps what was used lately, and
    /// forgets the rest (whose rows are then searched again).
    #[test]
    fn the_memo_is_bounded_and_keeps_the_recently_used() {
        let mut m = Recent::new(80);
        for k in 0..1000u128 {
            m.insert(k, k, 10 + (k % 3) as usize);
            // 0 is used all the time: it stays.
            assert_eq!(m.get(0), Some(0));
            assert!(m.weight() <= 80, "{} held", m.weight());
        }
        assert_eq!(m.get(999), Some(999));
        assert_eq!(m.get(1), None);
        assert_eq!(m.get(500), None);
    }
}
