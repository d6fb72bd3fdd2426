//! Error kinds and the exit codes they map to. This is the one place that decides
//! what a failure means to a CI script.

use std::fmt;

/// The check ran and its answer is "no" (invalid settings, login rejected, no match).
pub const EXIT_NO: u8 = 1;
/// The command line was wrong, or a needed input can't be asked for.
pub const EXIT_USAGE: u8 = 2;
/// A local input or configuration problem (unreadable file, missing or bad key profile).
pub const EXIT_INPUT: u8 = 3;
/// The remote side or the network failed.
pub const EXIT_REMOTE: u8 = 4;
/// A bug in crmctl.
pub const EXIT_INTERNAL: u8 = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The check ran and said no; the report carries the details.
    Rejected,
    Usage,
    Input,
    Remote,
    Internal,
}

impl ErrorKind {
    pub fn exit_code(self) -> u8 {
        match self {
            ErrorKind::Rejected => EXIT_NO,
            ErrorKind::Usage => EXIT_USAGE,
            ErrorKind::Input => EXIT_INPUT,
            ErrorKind::Remote => EXIT_REMOTE,
            ErrorKind::Internal => EXIT_INTERNAL,
        }
    }

    /// Stable name used in the `--json` envelope (`error.kind`).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Rejected => "rejected",
            ErrorKind::Usage => "usage",
            ErrorKind::Input => "input",
            ErrorKind::Remote => "remote",
            ErrorKind::Internal => "internal",
        }
    }
}

/// An error as the user sees it: what went wrong, why, and what to do about it.
/// Messages must never contain a secret; build them from names and sizes, not values.
#[derive(Debug, Clone)]
pub struct CliError {
    pub kind: ErrorKind,
    pub message: String,
    pub causes: Vec<String>,
    pub hints: Vec<String>,
}

impl CliError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        CliError {
            kind,
            message: message.into(),
            causes: Vec::new(),
            hints: Vec::new(),
        }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Usage, message)
    }

    pub fn input(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Input, message)
    }

    pub fn rejected(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Rejected, message)
    }

    pub fn remote(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Remote, message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Internal, message)
    }

    pub fn with_cause(mut self, cause: impl fmt::Display) -> Self {
        self.causes.push(cause.to_string());
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    pub fn exit_code(&self) -> u8 {
        self.kind.exit_code()
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CliError {}
