//! What a bug in crmctl looks like to its user: one message (and, under `--json`, the
//! one JSON document), the temporary files removed, exit 5.
//!
//! The release build uses `panic = "abort"` (README "Build profile"), so nothing
//! unwinds: this hook is the one place a panic is handled, and it exits before the
//! abort. Debug builds (the tests) unwind, and the hook ends them the same way.

use std::sync::OnceLock;

use crate::error::{CliError, EXIT_INTERNAL};
use crate::output::{OutputMode, Printer};

/// The command running and how it prints, known once the command line is parsed.
static RUN: OnceLock<(&'static str, OutputMode)> = OnceLock::new();

/// Installs the hook. Called by the binary's `main`, not by `run`, so tests that call
/// `run` in-process keep the default hook.
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        let payload = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic with no message".to_string());
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        crate::interrupt::remove_registered();
        let backtrace = std::backtrace::Backtrace::capture();
        report(&payload, &at, &backtrace);
        std::process::exit(i32::from(EXIT_INTERNAL));
    }));
}

/// Records what `run` is doing, so a panic can answer in the run's format.
pub fn running(command: &'static str, mode: OutputMode) {
    let _ = RUN.set((command, mode));
}

/// The error a panic becomes. Its message is escaped like any other by the printer.
pub fn internal_error(payload: &str, at: &str, backtrace_on: bool) -> CliError {
    CliError::internal(format!("crmctl hit a bug and stopped: {payload}{at}")).with_hint(
        if backtrace_on {
            "please report it with the command you ran (leave out its secrets) and the backtrace below"
        } else {
            "please report it with the command you ran (leave out its secrets); RUST_BACKTRACE=1 adds a backtrace"
        },
    )
}

fn report(payload: &str, at: &str, backtrace: &std::backtrace::Backtrace) {
    let (command, mode) = RUN
        .get()
        .copied()
        .unwrap_or(("crmctl", OutputMode::default()));
    let captured = backtrace.status() == std::backtrace::BacktraceStatus::Captured;
    let err = internal_error(payload, at, captured);
    let printer = Printer::new(mode);
    printer.error(&err);
    if captured {
        printer.info(&backtrace.to_string());
    }
    if mode.json {
        let _ = printer.envelope(command, EXIT_INTERNAL, None, Some(&err), false);
    }
}
