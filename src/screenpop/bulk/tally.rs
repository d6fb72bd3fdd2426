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
    /// How many rows took each latency (in ms): the percentiles of every row, in
    /// memory that grows with the distinct latencies, not with the rows.
    latencies: std::collections::BTreeMap<u32, u64>,
    reader_gone: bool,
}

impl Tally {
    pub(super) fn new(total: usize) -> Self {
        Tally {
            summary: Summary {
                total,
                ..Summary::default()
            },
            latencies: std::collections::BTreeMap::new(),
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
            *self
                .latencies
                .entry(u32::try_from(r.ms).unwrap_or(u32::MAX))
                .or_default() += 1;
        }
        if !self.reader_gone && !on_row(r) {
            self.reader_gone = true;
            stop.stop_with(StopReason::OutputClosed, "stdout was closed");
        }
        !self.reader_gone
    }

    pub(super) fn finish(self, stop: &Stop, config: &Config) -> Summary {
        let mut summary = self.summary;
        summary.p50_ms = u128::from(percentile(&self.latencies, 0.50));
        summary.p95_ms = u128::from(percentile(&self.latencies, 0.95));
        summary.max_ms = u128::from(self.latencies.keys().next_back().copied().unwrap_or(0));
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

/// The latency at `p` of the rows counted in `histogram`: the value of the
/// `ceil(n * p)`-th row in sorted order (0 without rows), as a sorted list gives it.
fn percentile(histogram: &std::collections::BTreeMap<u32, u64>, p: f64) -> u32 {
    let n: u64 = histogram.values().sum();
    let rank = ((n as f64 * p).ceil() as u64).max(1);
    let mut seen = 0;
    for (&ms, &count) in histogram {
        seen += count;
        if seen >= rank {
            return ms;
        }
    }
    0
}

#[cfg(test)]
mod tests {
    /// The histogram's percentiles are those of the sorted list of every latency.
    #[test]
    fn percentiles_of_the_histogram_are_the_sorted_lists() {
        let lists: [&[u32]; 5] = [
            &[],
            &[7],
            &[3, 1, 2],
            &[5, 5, 5, 1, 9, 9, 2, 40],
            &[0, 0, 1],
        ];
        for list in lists {
            let mut sorted = list.to_vec();
            sorted.sort_unstable();
            let mut h = std::collections::BTreeMap::new();
            for &ms in list {
                *h.entry(ms).or_insert(0u64) += 1;
            }
            for p in [0.5, 0.95] {
                let want = sorted
                    .get(((sorted.len() as f64 * p).ceil() as usize).saturating_sub(1))
                    .copied()
                    .unwrap_or(0);
                assert_eq!(super::percentile(&h, p), want, "{list:?} at {p}");
            }
        }
    }
}
