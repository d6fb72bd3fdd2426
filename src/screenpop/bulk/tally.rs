//! Why and whether a bulk run stopped, and the counts of its rows.

use std::sync::RwLock;
use std::sync::atomic::{AtomicBool, Ordering};

use super::{Config, Input, Row, RowError, Status, StopReason, Summary, row};
use crate::output::OrgText;
use crate::screenpop::phone::AsTypedReason;

/// Why and whether the run stopped; shared by the row-at-a-time and batched runs.
pub(super) struct Stop<'a> {
    config: &'a Config,
    pub(super) stop: AtomicBool,
    pub(super) stopped: RwLock<Option<(StopReason, String)>>,
}

impl<'a> Stop<'a> {
    pub(super) fn new(config: &'a Config) -> Self {
        Stop {
            config,
            stop: AtomicBool::new(false),
            stopped: RwLock::new(None),
        }
    }

    pub(super) fn stop_with(&self, reason: StopReason, why: &str) {
        let mut g = self.stopped.write().unwrap_or_else(|e| e.into_inner());
        if g.is_none() {
            *g = Some((reason, why.to_string()));
        }
        self.stop.store(true, Ordering::SeqCst);
    }

    /// Checked before every lookup: a signal or an earlier stop ends the run.
    pub(super) fn should_stop(&self) -> bool {
        if self.stop.load(Ordering::SeqCst) {
            return true;
        }
        if let Some(code) = crate::interrupt::requested(&self.config.interrupt) {
            let name = crate::interrupt::signal_name(code);
            self.stop_with(StopReason::Interrupted, &format!("interrupted by {name}"));
            return true;
        }
        false
    }

    pub(super) fn skipped(&self, input: &Input) -> Row {
        let why = self
            .stopped
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .map(|(_, w)| w.clone())
            .unwrap_or_else(|| "the run stopped".into());
        let kind = match self
            .stopped
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
        {
            Some((StopReason::Interrupted, _)) => crate::error::ErrorKind::Interrupted,
            _ => crate::error::ErrorKind::Remote,
        };
        row(
            input,
            Status::Skipped,
            Some(RowError {
                code: OrgText::from("NOT_RUN"),
                kind: kind.as_str(),
                message: OrgText::new(format!("not run: {why}")),
            }),
            0,
        )
    }

    pub(super) fn api_limit(&self) {
        self.stop_with(
            StopReason::ApiLimit,
            "the org's API request limit was reached (REQUEST_LIMIT_EXCEEDED)",
        );
    }
}

/// Counts each row as it is handed over, in input order.
pub(super) struct Tally {
    summary: Summary,
    latencies: Vec<u32>,
    reader_gone: bool,
}

impl Tally {
    pub(super) fn new(total: usize) -> Self {
        Tally {
            summary: Summary {
                total,
                ..Summary::default()
            },
            latencies: Vec::with_capacity(total),
            reader_gone: false,
        }
    }

    /// Counts the row and hands it on; false once whoever read stdout went away.
    pub(super) fn take(
        &mut self,
        r: &Row,
        stop: &Stop,
        on_row: &mut impl FnMut(&Row) -> bool,
    ) -> bool {
        let summary = &mut self.summary;
        match r.status {
            Status::Matched => summary.matched += 1,
            Status::Several => summary.several += 1,
            Status::None => summary.none += 1,
            Status::Withheld => summary.withheld += 1,
            Status::Failed => {
                summary.failed += 1;
                if r.error.as_ref().is_some_and(|e| e.kind == "remote") {
                    summary.failed_remote += 1;
                }
            }
            Status::Skipped => summary.skipped += 1,
        }
        if r.as_typed == Some(AsTypedReason::NoRegion.code()) {
            summary.as_typed_no_region += 1;
        }
        // Only rows that made requests: a withheld caller, a bad value or a repeat
        // (cached) made none.
        if !r.cached
            && !matches!(r.status, Status::Skipped | Status::Withheld)
            && r.error.as_ref().is_none_or(|e| e.code != "INVALID_INPUT")
        {
            self.latencies.push(u32::try_from(r.ms).unwrap_or(u32::MAX));
        }
        if !self.reader_gone && !on_row(r) {
            self.reader_gone = true;
            stop.stop_with(StopReason::OutputClosed, "stdout was closed");
        }
        !self.reader_gone
    }

    pub(super) fn finish(mut self, stop: &Stop, config: &Config) -> Summary {
        let latencies = &mut self.latencies;
        latencies.sort_unstable();
        let pct = |p: f64| {
            latencies
                .get(((latencies.len() as f64 * p).ceil() as usize).saturating_sub(1))
                .copied()
                .unwrap_or(0)
        };
        let mut summary = self.summary;
        summary.p50_ms = u128::from(pct(0.50));
        summary.p95_ms = u128::from(pct(0.95));
        summary.max_ms = u128::from(latencies.last().copied().unwrap_or(0));
        let stopped = stop
            .stopped
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        if let Some((reason, why)) = stopped {
            summary.stop_reason = Some(reason);
            summary.stopped = Some(why);
            if reason == StopReason::Interrupted {
                summary.signal_exit = crate::interrupt::requested(&config.interrupt);
            }
        }
        summary
    }
}
