//! All terminal output goes through [`Printer`]: results to stdout, people-facing
//! messages to stderr, one JSON document under `--json`.

pub mod sanitize;
pub mod style;

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
}

impl Printer {
    pub fn new(mode: OutputMode) -> Self {
        Printer {
            mode,
            warnings: RefCell::new(Vec::new()),
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
        let mut out = io::stdout().lock();
        out.write_all(text.as_bytes())?;
        out.flush()
    }

    /// Writes a single value (an encrypted string, a revealed secret) to stdout: a
    /// trailing newline only on a terminal, so `crmctl encrypt | clip` copies the
    /// value and nothing else.
    pub fn value(&self, value: &str) -> io::Result<()> {
        if self.mode.stdout_is_terminal {
            self.data(&format!("{value}\n"))
        } else {
            self.data(value)
        }
    }

    /// A line on stderr for people; silenced by `-q`.
    pub fn info(&self, message: &str) {
        if !self.mode.quiet {
            eprintln!("{message}");
        }
    }

    /// A warning on stderr (silenced by `-q`) that is also kept for the JSON envelope.
    pub fn warn(&self, message: &str) {
        self.warnings.borrow_mut().push(message.to_string());
        if !self.mode.quiet {
            let s = self.stderr_style();
            eprintln!(
                "{} {}",
                s.warning("warning:"),
                sanitize::for_terminal_lines(message)
            );
        }
    }

    pub fn hint(&self, message: &str) {
        if !self.mode.quiet {
            let s = self.stderr_style();
            eprintln!(
                "{} {}",
                s.hint("hint:"),
                sanitize::for_terminal_lines(message)
            );
        }
    }

    /// A diagnostic shown with `-v`. Callers pass names and sizes, never secret values.
    pub fn debug(&self, message: &str) {
        if self.mode.verbose > 0 {
            let s = self.stderr_style();
            eprintln!("{} {message}", s.dim("debug:"));
        }
    }

    pub fn warnings(&self) -> Vec<String> {
        self.warnings.borrow().clone()
    }

    /// Prints an error the way people read it: what, why, what to do. Messages may
    /// quote an org, a proxy or a file, so control characters are shown, not run.
    pub fn error(&self, err: &CliError) {
        let s = self.stderr_style();
        let clean = sanitize::for_terminal_lines;
        eprintln!("{} {}", s.error("error:"), clean(&err.message));
        for cause in &err.causes {
            eprintln!("  {} {}", s.dim("caused by:"), clean(cause));
        }
        for hint in &err.hints {
            eprintln!("{} {}", s.hint("hint:"), clean(hint));
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
        let mut out = io::stdout().lock();
        if compact {
            serde_json::to_writer(&mut out, &doc)?;
        } else {
            serde_json::to_writer_pretty(&mut out, &doc)?;
        }
        out.write_all(b"\n")?;
        out.flush()
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
