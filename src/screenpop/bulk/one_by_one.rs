//! Case numbers (never batched): one single lookup per row, `concurrency` workers
//! sharing one session.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Instant;

use super::tally::{Stop, Tally};
use super::*;
use crate::salesforce::{Client, Credentials, Session, SessionPool};

struct Shared<'a> {
    pool: &'a SessionPool<'a>,
    config: &'a Config,
    stop: Stop<'a>,
}

impl Shared<'_> {
    fn lookup(&self, input: &Input) -> Row {
        let plan = match planned(self.config, input) {
            Ok(p) => p,
            Err(r) => return *r,
        };
        let start = Instant::now();
        let client = self.pool.client();
        let result = self
            .pool
            .with_session(|s| lookup::perform(client, s, &self.config.version, &plan));
        let ms = start.elapsed().as_millis();
        match result {
            Ok(outcome) => {
                self.pool.note_usage(outcome.api_usage());
                found_row(
                    input,
                    plan.reading().and_then(|r| r.as_typed),
                    &outcome.matches,
                    &outcome.open_cases,
                    ms,
                )
            }
            Err(e) => {
                if e.has_api_code("REQUEST_LIMIT_EXCEEDED") {
                    self.stop.api_limit();
                }
                row(input, Status::Failed, Some(sf_row_error(&e)), ms)
            }
        }
    }
}

pub(super) fn run(
    client: &Client,
    creds: &Credentials,
    session: Session,
    inputs: &mut dyn Iterator<Item = Input>,
    total: usize,
    config: &Config,
    mut on_row: impl FnMut(&Row) -> bool,
) -> Summary {
    let calls_before = client.api_calls();
    let pool = SessionPool::new(client, session).relogin_with(creds);
    let shared = Shared {
        pool: &pool,
        config,
        stop: Stop::new(config),
    };
    let mut tally = Tally::new(total);
    // A segment of rows at a time, read as the run gets to them.
    loop {
        let inputs: Vec<Input> = (&mut *inputs).take(super::memo::SEGMENT_ROWS).collect();
        if inputs.is_empty() {
            break;
        }
        run_segment(&shared, &inputs, &mut tally, &mut on_row);
    }
    let mut summary = tally.finish(&shared.stop, config);
    summary.api_calls = client.api_calls() - calls_before;
    summary.api_usage = pool.api_usage().map(|(used, max)| ApiUsage { used, max });
    summary.relogins = pool.relogins();
    summary
}

fn run_segment(
    shared: &Shared,
    inputs: &[Input],
    tally: &mut Tally,
    on_row: &mut impl FnMut(&Row) -> bool,
) {
    let next = AtomicUsize::new(0);
    let config = shared.config;
    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::channel::<(usize, Row)>();
        for _ in 0..config.concurrency.max(1).min(inputs.len().max(1)) {
            let tx = tx.clone();
            let next = &next;
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(input) = inputs.get(i) else { break };
                    let r = if shared.stop.should_stop() {
                        shared.stop.skipped(input)
                    } else {
                        shared.lookup(input)
                    };
                    if tx.send((i, r)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        // Reorder: hold rows that arrive early until their turn.
        let mut pending: BTreeMap<usize, Row> = BTreeMap::new();
        let mut want = 0;
        for (i, r) in rx {
            pending.insert(i, r);
            while let Some(r) = pending.remove(&want) {
                tally.take(&r, &shared.stop, on_row);
                want += 1;
            }
        }
    });
}
