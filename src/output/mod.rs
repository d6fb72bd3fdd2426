//! All terminal output goes through [`Printer`]: results to stdout, people-facing
//! messages to stderr, one JSON document under `--json`.

// The printer is the one writer of stdout and stderr (lib.rs denies the print
// macros everywhere else).
#![allow(clippy::print_stdout, clippy::print_stderr)]

pub mod ci;
pub mod json;
pub mod sanitize;
pub mod sharepoint;
pub mod span;
pub mod spool;
pub mod style;
pub mod table;
pub mod untrusted;

pub use span::{Detail, Span};
pub use untrusted::OrgText;

use std::cell::RefCell;
use std::io::{self, Write};

use serde_json::{Value, json};

use crate::error::CliError;
use style::Style;

/// Version of the `--json` envelope; bump on any breaking change (docs/json-output.md).
pub const JSON_SCHEMA_VERSION: u32 = 1;

/// What a command hands back: data for `--json`, a text rendering, and its exit code.
pub trait Report {
    /// The `data` member of the JSON envelope. Must never hold a secret.
    fn data(&self) -> Value;
    /// The text form for people: data to stdout, notes through the printer's stderr helpers.
    fn render(&self, out: &Printer) -> io::Result<()>;
    /// 0 when all is well, 1 when the check ran and said no.
    fn exit_code(&self) -> u8 {
        0
    }
    /// One line of JSON instead of pretty-printed (for long-running commands whose
    /// first line a script reads).
    fn compact_json(&self) -> bool {
        false
    }
    /// A failure that goes with the data (a bulk run stopped early): `error` of
    /// the JSON envelope, beside `data`.
    fn error(&self) -> Option<CliError> {
        None
    }
    /// Rows kept on disk ([`spool::RowSpool`]) that go where `data` holds
    /// [`spool::ROWS_MARKER`], so a long run's one document never sits in memory.
    fn spooled_rows(&self) -> Option<&RefCell<spool::RowSpool>> {
        None
    }
}

/// How output should look, decided once per run.
#[derive(Debug, Clone, Copy, Default)]
pub struct OutputMode {
    pub json: bool,
    pub quiet: bool,
    pub verbose: u8,
    pub color_stdout: bool,
    pub color_stderr: bool,
    pub stdout_is_terminal: bool,
}

pub struct Printer {
    pub mode: OutputMode,
    /// Warnings are also collected so the JSON envelope can carry them.
    warnings: RefCell<Vec<String>>,
    /// When set, output goes here instead of the process's streams (renderer tests).
    capture: Option<RefCell<Captured>>,
}

/// What a buffered printer was given: stdout and stderr as text.
#[derive(Debug, Default, Clone)]
pub struct Captured {
    pub stdout: String,
    pub stderr: String,
}

impl Printer {
    pub fn new(mode: OutputMode) -> Self {
        Printer {
            mode,
            warnings: RefCell::new(Vec::new()),
            capture: None,
        }
    }

    /// A printer that writes to memory, so renderers get unit and snapshot tests.
    pub fn buffered(mode: OutputMode) -> Self {
        Printer {
            capture: Some(RefCell::new(Captured::default())),
            ..Printer::new(mode)
        }
    }

    /// What a buffered printer holds (empty for a real one).
    pub fn captured(&self) -> Captured {
        self.capture
            .as_ref()
            .map(|c| c.borrow().clone())
            .unwrap_or_default()
    }

    /// One line on stderr (or into the buffer).
    fn err_line(&self, line: &str) {
        match &self.capture {
            Some(c) => {
                let mut c = c.borrow_mut();
                c.stderr.push_str(line);
                c.stderr.push('\n');
            }
            None => stderr_line(line),
        }
    }

    pub fn is_json(&self) -> bool {
        self.mode.json
    }

    pub fn stdout_style(&self) -> Style {
        Style::new(self.mode.color_stdout)
    }

    pub fn stderr_style(&self) -> Style {
        Style::new(self.mode.color_stderr)
    }

    /// Writes a result to stdout exactly as given.
    pub fn data(&self, text: &str) -> io::Result<()> {
        if let Some(c) = &self.capture {
            c.borrow_mut().stdout.push_str(text);
            return Ok(());
        }
        let mut out = io::stdout().lock();
        out.write_all(text.as_bytes())?;
        out.flush()
    }

    /// Fails when stdout is closed (`crmctl encrypt >&-`), for commands whose stdout
    /// is the only copy of their result: call it before asking for secrets. Reports
    /// whose verdict is the exit code need no such check (see [`stdout_closed`]).
    pub fn require_stdout(&self) -> io::Result<()> {
        if self.capture.is_none() && stdout_closed() {
            return Err(io::Error::other(
                "stdout is closed, so the result would be lost",
            ));
        }
        Ok(())
    }

    /// Writes a single value (an encrypted string, a revealed secret) to stdout: a
    /// trailing newline only on a terminal, so `crmctl encrypt | clip` copies the
    /// value and nothing else. Fails on a closed stdout rather than lose the value.
    pub fn value(&self, value: &str) -> io::Result<()> {
        self.require_stdout()?;
        if self.mode.stdout_is_terminal {
            self.data(&format!("{value}\n"))
        } else {
            self.data(value)
        }
    }

    /// A line on stderr for people; silenced by `-q`. One line: a line break in
    /// the message (a UCC's name, an org's words) is shown as `\n`.
    pub fn info(&self, message: &str) {
        if !self.mode.quiet {
            self.err_line(&sanitize::for_terminal(message));
        }
    }

    /// A warning on stderr (silenced by `-q`) that is also kept for the JSON envelope.
    pub fn warn(&self, message: &str) {
        self.warnings.borrow_mut().push(message.to_string());
        if !self.mode.quiet {
            let s = self.stderr_style();
            self.err_line(&format!(
                "{} {}",
                s.warning("warning:"),
                sanitize::for_terminal(message)
            ));
        }
    }

    pub fn hint(&self, message: &str) {
        if !self.mode.quiet {
            let s = self.stderr_style();
            self.err_line(&format!(
                "{} {}",
                s.hint("hint:"),
                sanitize::for_terminal(message)
            ));
        }
    }

    /// [`Printer::info`] for a message of spans.
    pub fn info_detail(&self, message: &Detail) {
        if !self.mode.quiet {
            self.err_line(&self.text(message));
        }
    }

    /// [`Printer::hint`] for a message of spans.
    pub fn hint_detail(&self, message: &Detail) {
        if !self.mode.quiet {
            let s = self.stderr_style();
            self.err_line(&format!("{} {}", s.hint("hint:"), self.text(message)));
        }
    }

    /// A diagnostic shown with `-v`. Callers pass names and sizes, never secret values.
    pub fn debug(&self, message: &str) {
        if self.mode.verbose > 0 {
            let s = self.stderr_style();
            self.err_line(&format!(
                "{} {}",
                s.dim("debug:"),
                sanitize::for_terminal(message)
            ));
        }
    }

    /// A message of spans as a terminal shows it: every span escaped (control and
    /// bidi characters and line breaks made visible: a name or an org's message
    /// never starts a line of its own). The one way a [`Detail`] becomes text;
    /// callers style and place the result.
    pub fn text(&self, detail: &Detail) -> String {
        detail.escaped()
    }

    /// [`Printer::text`] for one line (a doctor step, a table cell).
    pub fn line(&self, detail: &Detail) -> String {
        detail.escaped_line()
    }

    /// Org text on one line of a terminal: control and bidi characters made visible.
    pub fn org(&self, text: &OrgText) -> String {
        text.escaped()
    }

    /// [`Printer::org`] in at most `max` display columns: a longer text is cut
    /// between two characters (never inside an escape) and ends in `…` (table cells,
    /// values on a line of their own; `--json` keeps the whole text).
    pub fn org_clipped(&self, text: &OrgText, max: usize) -> String {
        text.clipped(max)
    }

    /// Text crmctl did not write but was given as a plain string (a UCC or setting
    /// name, a file's path, a value from a settings file), on one line of a
    /// terminal, escaped as org text is.
    pub fn quoted(&self, text: &str) -> String {
        sanitize::for_terminal(text)
    }

    /// [`Printer::quoted`] for several lines (a diff, a YAML document): line breaks
    /// kept, every other control character made visible.
    pub fn quoted_lines(&self, text: &str) -> String {
        sanitize::for_terminal_lines(text)
    }

    pub fn warnings(&self) -> Vec<String> {
        self.warnings.borrow().clone()
    }

    /// Prints an error the way people read it: what, why, what to do. Messages may
    /// quote an org, a proxy or a file, so control characters are shown, not run.
    pub fn error(&self, err: &CliError) {
        let s = self.stderr_style();
        self.err_line(&format!(
            "{} {}",
            s.error("error:"),
            self.text(&err.message)
        ));
        for cause in &err.causes {
            self.err_line(&format!("  {} {}", s.dim("caused by:"), self.text(cause)));
        }
        for hint in &err.hints {
            self.err_line(&format!("{} {}", s.hint("hint:"), self.text(hint)));
        }
    }

    /// Prints the one JSON document of a `--json` run.
    pub fn envelope(
        &self,
        command: &str,
        exit_code: u8,
        data: Option<Value>,
        error: Option<&CliError>,
        compact: bool,
    ) -> io::Result<()> {
        let doc = envelope(command, exit_code, data, error, &self.warnings());
        let mut buf = Vec::new();
        json::write(&mut buf, &doc, !compact)?;
        buf.push(b'\n');
        if self.capture.is_some() {
            return self.data(&String::from_utf8_lossy(&buf));
        }
        // Held while writing: a signal that ends the run meanwhile waits, then finds
        // the document written and adds none.
        let mut pending = lock_pending();
        *pending = None;
        self.data(&String::from_utf8_lossy(&buf))
    }

    /// [`Printer::envelope`] with spooled rows spliced in where `data` holds
    /// [`spool::ROWS_MARKER`]: an array, one compact row a line.
    pub fn envelope_with_rows(
        &self,
        command: &str,
        exit_code: u8,
        data: Value,
        error: Option<&CliError>,
        rows: &RefCell<spool::RowSpool>,
    ) -> io::Result<()> {
        let doc = envelope(command, exit_code, Some(data), error, &self.warnings());
        let mut buf = Vec::new();
        json::write(&mut buf, &doc, true)?;
        buf.push(b'\n');
        let text = String::from_utf8_lossy(&buf);
        let marker = json::to_line(spool::ROWS_MARKER);
        let Some(at) = text.find(&marker) else {
            return self.data(&text);
        };
        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let indent: String = text[line_start..at]
            .chars()
            .take_while(|c| *c == ' ')
            .collect();
        self.data(&text[..at])?;
        self.data("[")?;
        let mut rows = rows.borrow_mut();
        let any = !rows.is_empty();
        rows.for_each_element(&format!("{indent}  "), |chunk| self.data(chunk))?;
        if any {
            self.data(&format!("\n{indent}]"))?;
        } else {
            self.data("]")?;
        }
        self.data(&text[at + marker.len()..])
    }

    /// A JSON document written outside a command's report (clap's usage errors).
    pub fn raw_envelope(doc: &Value) {
        let mut out = io::stdout().lock();
        let _ = json::write(&mut out, doc, true).and_then(|_| out.write_all(b"\n"));
    }

    /// Ends a prompt's line (after Ctrl-D at a hidden prompt), so what follows is on
    /// a line of its own.
    pub fn end_prompt_line() {
        stderr_line("");
    }

    /// A last-resort message when stdout itself failed.
    pub fn write_failed(e: &io::Error) {
        stderr_line(&format!("error: could not write the output: {e}"));
    }

    /// The `-v` trace line of the HTTP client: escaped, dimmed, on stderr.
    pub fn trace_line(color: bool, message: &str) {
        let s = style::Style::new(color);
        stderr_line(&format!(
            "{} {}",
            s.dim("debug:"),
            sanitize::for_terminal(message)
        ));
    }

    /// A streaming writer of result rows (bulk lookups): one line each, flushed,
    /// so a closed pipe is seen at the next row.
    pub fn rows(&self) -> RowWriter {
        RowWriter {
            out: io::stdout().lock(),
        }
    }
}

/// The command of a `--json` run whose one document is not written yet.
static PENDING: std::sync::Mutex<Option<&'static str>> = std::sync::Mutex::new(None);

fn lock_pending() -> std::sync::MutexGuard<'static, Option<&'static str>> {
    PENDING.lock().unwrap_or_else(|e| e.into_inner())
}

/// A `--json` run of `command` has started: it owes one document, written by
/// [`Printer::envelope`], or by [`end_interrupted`] if a signal ends it first.
pub fn document_owed(command: &'static str) {
    *lock_pending() = Some(command);
}

/// The command and format of a `--format junit|sarif|github` run whose document is
/// not written yet ([`Printer::ci_document`] writes it).
static CI_PENDING: std::sync::Mutex<Option<(&'static str, ci::Format)>> =
    std::sync::Mutex::new(None);

fn lock_ci_pending() -> std::sync::MutexGuard<'static, Option<(&'static str, ci::Format)>> {
    CI_PENDING.lock().unwrap_or_else(|e| e.into_inner())
}

/// A run of `command` in a CI format has started: like [`document_owed`], a signal
/// that ends it first gets a document of that format marked interrupted.
pub fn ci_document_owed(command: &'static str, format: ci::Format) {
    if matches!(
        format,
        ci::Format::Junit | ci::Format::Sarif | ci::Format::Github
    ) {
        *lock_ci_pending() = Some((command, format));
    }
}

impl Printer {
    /// Writes a report's CI-format document (junit, sarif, github): no interrupted one
    /// is added after it.
    pub fn ci_document(&self, doc: &str) -> io::Result<()> {
        let mut pending = lock_ci_pending();
        *pending = None;
        self.data(doc)
    }
}

/// The interrupted document of a CI-format run; exits with `code`. Returns when none
/// is owed.
fn end_interrupted_ci(code: u8) {
    let pending = lock_ci_pending();
    let Some((command, format)) = *pending else {
        return;
    };
    let name = crate::interrupt::signal_name(code);
    let message = format!("interrupted by {name} before the {command} run finished");
    stderr_line(&format!("error: {message}"));
    let tool = format!("crmctl {command}");
    let suites = [ci::Suite {
        name: tool.clone(),
        file: None,
        cases: vec![ci::Case {
            id: "interrupted".into(),
            outcome: ci::Outcome::Fail,
            detail: message.clone().into(),
            notes: vec![ci::Note {
                error: true,
                message: message.into(),
                file: None,
                line: None,
            }],
        }],
    }];
    let doc = match format {
        ci::Format::Junit => ci::junit(&tool, &suites),
        ci::Format::Sarif => ci::sarif(&tool, env!("CARGO_PKG_VERSION"), &[], &suites),
        ci::Format::Github => ci::github(&suites),
        ci::Format::Text | ci::Format::Json => return,
    };
    let mut out = io::stdout().lock();
    let _ = out.write_all(doc.as_bytes()).and_then(|()| out.flush());
    // Still holding the lock: the run cannot write a second document.
    std::process::exit(i32::from(code));
}

/// For the signal thread, when a signal ends a run that does not cooperate (a single
/// lookup, `doctor`, `validate-settings --probe`): under `--json`, writes the one
/// document (kind `interrupted`) and exits with `code` (128 + the signal). Returns
/// when no document is owed (text output, or the document is written already).
pub fn end_interrupted(code: u8) {
    let pending = lock_pending();
    let Some(command) = *pending else {
        drop(pending);
        return end_interrupted_ci(code);
    };
    let name = crate::interrupt::signal_name(code);
    let err = CliError::new(
        crate::error::ErrorKind::Interrupted,
        format!("interrupted by {name} before the {command} run finished"),
    );
    stderr_line(&format!("error: {}", err.message.escaped()));
    let doc = envelope(command, code, None, Some(&err), &[]);
    let mut out = io::stdout().lock();
    let _ = json::write(&mut out, &doc, true)
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush());
    // Still holding the lock: the run cannot write a second document.
    std::process::exit(i32::from(code));
}

/// One line on stderr. A stderr that cannot be written (closed by `2>&1 | head -1`,
/// a full disk) is ignored: messages for people must never end a run, let alone
/// crash it as `eprintln!` does (it panics on a write error).
fn stderr_line(line: &str) {
    let mut err = io::stderr().lock();
    let _ = err
        .write_all(line.as_bytes())
        .and_then(|()| err.write_all(b"\n"));
}

/// Whether stdout was closed when crmctl started (`crmctl encrypt >&-`).
///
/// The Rust runtime replaces a closed standard descriptor with `/dev/null` opened
/// read-write, so writes to it succeed and the output is silently lost. A shell's
/// `> /dev/null` opens it write-only, so that is not mistaken for a closed stdout;
/// a parent that passes `/dev/null` opened read-write (Python's
/// `subprocess.DEVNULL`) looks the same as a closed stdout, which is why only
/// commands whose stdout is the only copy of the result check this
/// ([`Printer::require_stdout`]). Linux only (it reads `/proc/self`).
pub fn stdout_closed() -> bool {
    static CLOSED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *CLOSED.get_or_init(|| {
        cfg!(target_os = "linux")
            && std::fs::read_link("/proc/self/fd/1")
                .is_ok_and(|t| t == std::path::Path::new("/dev/null"))
            && std::fs::read_to_string("/proc/self/fdinfo/1").is_ok_and(|info| {
                info.lines()
                    .find_map(|l| l.strip_prefix("flags:"))
                    .and_then(|f| u32::from_str_radix(f.trim(), 8).ok())
                    // O_ACCMODE == O_RDWR
                    .is_some_and(|f| f & 0o3 == 0o2)
            })
    })
}

/// Rows streamed to stdout; every row is built from escaped text (CSV via
/// [`OrgText::for_csv`], JSON Lines via [`json::to_line`]).
pub struct RowWriter {
    out: io::StdoutLock<'static>,
}

impl RowWriter {
    pub fn csv(&mut self, fields: &[String]) -> io::Result<()> {
        self.line(&fields.join(","))
    }

    pub fn json<T: serde::Serialize>(&mut self, row: &T) -> io::Result<()> {
        self.line(&json::to_line(row))
    }

    fn line(&mut self, line: &str) -> io::Result<()> {
        self.out.write_all(line.as_bytes())?;
        self.out.write_all(b"\n")?;
        self.out.flush()
    }
}

/// A CSV field, quoted when it holds a delimiter, quote or line break. Every CSV
/// crmctl writes is made of these, so none can carry a spreadsheet formula: a cell
/// that starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading
/// `'` and is quoted, as OWASP's "CSV Injection" page advises
/// (<https://owasp.org/www-community/attacks/CSV_Injection>).
pub fn csv_field(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("\"'{}\"", s.replace('"', "\"\""))
    } else if s.contains([',', ';', '"', '\n', '\r', '\t']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod csv_tests {
    use super::{OrgText, csv_field};

    /// Issue 18 item 22: no cell can start a formula, in any column.
    #[test]
    fn formula_cells_are_neutralised_and_quoted() {
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("+31201234567"), "\"'+31201234567\"");
        assert_eq!(csv_field("-2+3"), "\"'-2+3\"");
        assert_eq!(csv_field("@SUM(A1)"), "\"'@SUM(A1)\"");
        assert_eq!(csv_field("\tx"), "\"'\tx\"");
        assert_eq!(csv_field("\rx"), "\"'\rx\"");
        assert_eq!(csv_field("a=b"), "a=b");
        assert_eq!(csv_field("0201234567"), "0201234567");
        // Org text is escaped first (a tab shows as `\t`), then neutralised.
        assert_eq!(
            OrgText::from("=cmd|' /C calc'!A0").for_csv(),
            "\"'=cmd|' /C calc'!A0\""
        );
        assert_eq!(OrgText::from("-1").for_csv(), "\"'-1\"");
    }
}

/// The `--json` contract, documented in docs/json-output.md.
pub fn envelope(
    command: &str,
    exit_code: u8,
    data: Option<Value>,
    error: Option<&CliError>,
    warnings: &[String],
) -> Value {
    json!({
        "schema_version": JSON_SCHEMA_VERSION,
        "command": command,
        "exit_code": exit_code,
        "data": data,
        "error": error.map(|e| json!({
            "kind": e.kind.as_str(),
            "message": e.message,
            "causes": e.causes,
            "hints": e.hints,
        })),
        "warnings": warnings,
    })
}

/// "1 character", "2 characters": a count and its noun for people.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod count_tests {
    #[test]
    fn one_is_singular_and_the_rest_plural() {
        assert_eq!(super::count(1, "character"), "1 character");
        assert_eq!(super::count(0, "character"), "0 characters");
        assert_eq!(super::count(30, "character"), "30 characters");
    }
}
