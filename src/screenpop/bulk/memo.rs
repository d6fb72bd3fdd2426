//! Numbers and addresses through the batch engine, once per distinct input for the
//! whole run (issue 21, items 1 and 3).
//!
//! Each row is read (`lookup::plan`) as it would be alone; rows whose searches are the
//! same (the same digit forms, or the same address ignoring case) share one engine
//! input. The engine answers distinct inputs in order of their first row, and rows are
//! handed over in input order as soon as their answer is in: the first row of an input
//! with its latency, the later ones marked `cached` (0 ms: nothing was sent for them).
//! An answer is dropped after its last row, so memory holds, per row, a few bytes (its
//! distinct input's index), per distinct input its search terms, and the answers
//! within the engine's window.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash};
use std::sync::atomic::Ordering;
use std::time::Instant;

use super::tally::{Stop, Tally};
use super::*;
use crate::screenpop::Match;
use crate::screenpop::batch::{self, Outcome};
use crate::screenpop::index::export::{self, ExportError};

/// What a row needs before its answer: its finished row (withheld, invalid), or its
/// distinct input and why its digits were read as typed.
enum Pre {
    Finished(Box<Row>),
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
    /// Handed over once already: later rows are `cached`.
    used: bool,
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

pub(super) fn run_engine(
    client: &Client,
    creds: &Credentials,
    session: Session,
    inputs: &[Input],
    config: &Config,
    mut on_row: impl FnMut(&Row) -> bool,
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
    let mut tally = Tally::new(inputs.len());
    let mut distinct: Vec<batch::Input> = Vec::new();
    // The last row of each distinct input: its answer is dropped after it.
    let mut last_row: Vec<usize> = Vec::new();
    let mut pre: Vec<Pre> = Vec::with_capacity(inputs.len());
    {
        let hashers = [std::hash::RandomState::new(), std::hash::RandomState::new()];
        let mut memo: HashMap<u128, u32> = HashMap::new();
        for (i, input) in inputs.iter().enumerate() {
            pre.push(match planned(config, input) {
                Err(r) => Pre::Finished(r),
                Ok(plan) => match batch::Input::from_plan(&plan) {
                    Some(x) => {
                        let d = *memo.entry(key(&x, &hashers)).or_insert_with(|| {
                            distinct.push(x);
                            last_row.push(i);
                            (distinct.len() - 1) as u32
                        });
                        last_row[d as usize] = i;
                        Pre::Engine {
                            distinct: d,
                            as_typed: plan.reading().and_then(|r| r.as_typed),
                        }
                    }
                    // Only case plans have no engine input, and they never come here.
                    None => Pre::Finished(Box::new(row(input, Status::Skipped, None, 0))),
                },
            });
        }
    }
    let batch_config =
        batch::BatchConfig::from_flags(Some(config.batch_size), false, config.concurrency);
    let org = batch::ClientOrg::new(&pool, &config.version);
    let mut answers: HashMap<u32, Answer> = HashMap::new();
    let mut next = 0;
    let mut one_per_row = 0u64;
    // Hands over every row whose answer is in, in input order.
    let mut hand_over = |answers: &mut HashMap<u32, Answer>,
                         tally: &mut Tally,
                         next: &mut usize,
                         one_per_row: &mut u64|
     -> bool {
        let mut go_on = true;
        while let Some(p) = pre.get(*next) {
            let i = *next;
            match p {
                Pre::Finished(r) => go_on &= tally.take(r, &stop, &mut on_row),
                Pre::Engine { distinct, as_typed } => {
                    let Some(a) = answers.get_mut(distinct) else {
                        break;
                    };
                    let input = &inputs[i];
                    let mut r = match &a.row {
                        Some(r) => Row {
                            line: input.line,
                            input: OrgText::from(input.value.as_str()),
                            ..(**r).clone()
                        },
                        None => row(input, Status::None, None, 0),
                    };
                    r.as_typed = *as_typed;
                    r.ms = if a.used { 0 } else { u128::from(a.ms) };
                    r.cached = a.used;
                    a.used = true;
                    *one_per_row += u64::from(a.cost);
                    go_on &= tally.take(&r, &stop, &mut on_row);
                    if last_row[*distinct as usize] == i {
                        answers.remove(distinct);
                    }
                }
            }
            *next += 1;
        }
        go_on
    };
    let mut go_on = hand_over(&mut answers, &mut tally, &mut next, &mut one_per_row);
    if let Some(index) = &index {
        let matching = Instant::now();
        for (d, input) in distinct.iter().enumerate() {
            let (r, cost) = if go_on && !stop.should_stop() {
                let t = Instant::now();
                let hit = index.lookup(input);
                let mut r = row(&inputs[0], Status::None, None, t.elapsed().as_millis());
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
                (stop.skipped(&inputs[0]), 0)
            };
            let plain = r.status == Status::None && r.error.is_none();
            answers.insert(
                d as u32,
                Answer {
                    ms: u32::try_from(r.ms).unwrap_or(u32::MAX),
                    row: (!plain).then(|| Box::new(r)),
                    cost,
                    used: false,
                },
            );
            go_on &= hand_over(&mut answers, &mut tally, &mut next, &mut one_per_row);
        }
        hand_over(&mut answers, &mut tally, &mut next, &mut one_per_row);
        let mut summary = tally.finish(&stop, config);
        summary.api_calls = client.api_calls() - calls_before;
        summary.api_calls_saved = one_per_row.saturating_sub(summary.api_calls);
        summary.api_usage = pool.api_usage().map(|(used, max)| ApiUsage { used, max });
        summary.relogins = pool.relogins();
        summary.index = Some(IndexSummary {
            records: index.records() as u64,
            export_ms,
            match_ms: matching.elapsed().as_millis(),
        });
        return Ok(summary);
    }
    let cancel = || stop.should_stop();
    let counters = batch::run_until(&org, &distinct, &batch_config, &cancel, |done| {
        let input = &inputs[0];
        let ms = done.elapsed.as_millis();
        let (r, cost) = match &done.outcome {
            Outcome::Found(f) => (
                found_row(input, None, &f.matches, &f.open_cases, ms),
                1 + u8::from(has_cases(&f.matches)),
            ),
            Outcome::Failed(e) => {
                if e.api_code() == Some("REQUEST_LIMIT_EXCEEDED") {
                    stop.api_limit();
                }
                (row(input, Status::Failed, Some(sf_row_error(e)), ms), 1)
            }
            Outcome::Invalid(e) => (
                row(
                    input,
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
                (stop.skipped(input), 0)
            }
        };
        let plain = r.status == Status::None && r.error.is_none();
        answers.insert(
            done.index as u32,
            Answer {
                ms: u32::try_from(r.ms).unwrap_or(u32::MAX),
                row: (!plain).then(|| Box::new(r)),
                cost,
                used: false,
            },
        );
        go_on &= hand_over(&mut answers, &mut tally, &mut next, &mut one_per_row);
        go_on
    });
    hand_over(&mut answers, &mut tally, &mut next, &mut one_per_row);
    let mut summary = tally.finish(&stop, config);
    summary.api_calls = client.api_calls() - calls_before;
    summary.api_calls_saved = one_per_row.saturating_sub(counters.api_calls());
    summary.api_usage = pool.api_usage().map(|(used, max)| ApiUsage { used, max });
    summary.relogins = pool.relogins();
    Ok(summary)
}

/// Whether a single lookup with these matches also asks for open cases.
fn has_cases(matches: &[Match]) -> bool {
    matches
        .iter()
        .any(|m| matches!(m.object.as_untrusted_str(), "Contact" | "Account"))
}
