//! Error kinds and the exit codes they map to. This is the one place that decides
//! what a failure means to a CI script.

use std::fmt;

use crate::detail;
use crate::output::Detail;

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
/// Stopped by Ctrl-C (SIGINT), as shells report 128 + 2; SIGTERM gives 143.
pub const EXIT_SIGINT: u8 = 130;
pub const EXIT_SIGTERM: u8 = 143;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The check ran and said no; the report carries the details.
    Rejected,
    Usage,
    Input,
    Remote,
    Internal,
    /// Stopped by a signal; the report carries 130 or 143.
    Interrupted,
}

impl ErrorKind {
    pub fn exit_code(self) -> u8 {
        match self {
            ErrorKind::Rejected => EXIT_NO,
            ErrorKind::Usage => EXIT_USAGE,
            ErrorKind::Input => EXIT_INPUT,
            ErrorKind::Remote => EXIT_REMOTE,
            ErrorKind::Internal => EXIT_INTERNAL,
            ErrorKind::Interrupted => EXIT_SIGINT,
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
            ErrorKind::Interrupted => "interrupted",
        }
    }
}

/// An error as the user sees it: what went wrong, why, and what to do about it.
/// Messages must never contain a secret; build them from names and sizes, not values.
/// Each part is a [`Detail`] of spans: text that quotes an org is an org span, and
/// only the printer turns it into output.
#[derive(Debug, Clone)]
pub struct CliError {
    pub kind: ErrorKind,
    pub message: Detail,
    pub causes: Vec<Detail>,
    pub hints: Vec<Detail>,
}

impl CliError {
    pub fn new(kind: ErrorKind, message: impl Into<Detail>) -> Self {
        CliError {
            kind,
            message: message.into(),
            causes: Vec::new(),
            hints: Vec::new(),
        }
    }

    pub fn usage(message: impl Into<Detail>) -> Self {
        Self::new(ErrorKind::Usage, message)
    }

    pub fn input(message: impl Into<Detail>) -> Self {
        Self::new(ErrorKind::Input, message)
    }

    pub fn rejected(message: impl Into<Detail>) -> Self {
        Self::new(ErrorKind::Rejected, message)
    }

    pub fn remote(message: impl Into<Detail>) -> Self {
        Self::new(ErrorKind::Remote, message)
    }

    pub fn internal(message: impl Into<Detail>) -> Self {
        Self::new(ErrorKind::Internal, message)
    }

    /// Output that could not be written (a full disk, a closed stdout): this
    /// machine's problem, not a bug, so the local-input code, 3, in every command.
    pub fn output(cause: impl fmt::Display) -> Self {
        Self::input("could not write the output").with_cause(cause)
    }

    /// A cause in crmctl's words, or a library's (an I/O error, a parse error).
    pub fn with_cause(mut self, cause: impl fmt::Display) -> Self {
        self.causes.push(cause.to_string().into());
        self
    }

    /// A cause that quotes the outside world (spans).
    pub fn with_cause_detail(mut self, cause: impl Into<Detail>) -> Self {
        self.causes.push(cause.into());
        self
    }

    pub fn with_hint(mut self, hint: impl Into<Detail>) -> Self {
        self.hints.push(hint.into());
        self
    }

    pub fn exit_code(&self) -> u8 {
        self.kind.exit_code()
    }
}

/// The message escaped as a terminal shows it (for test failure messages and
/// `{e}` in logs): never the raw org text.
impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = crate::output::Printer::new(crate::output::OutputMode::default());
        f.write_str(&p.text(&self.message))
    }
}

impl std::error::Error for CliError {}

/// What a Salesforce failure means to the user. The one mapping of causes to
/// exit codes for every command that talks to an org (README "Exit codes",
/// tests/it/exit_codes.rs walks it as a table):
/// - the org could not answer (network, TLS, timeout, 5xx, a redirect, an oversized
///   or garbled answer, `REQUEST_LIMIT_EXCEEDED`, any API error that is not about
///   the user's access): remote, 4;
/// - the org said no to these credentials or this user (OAuth refusals, expired
///   password, API disabled, invalid session after a re-login, objects or fields
///   the user cannot see): rejected, 1;
/// - local set-up (a CA file): input, 3.
pub fn sf_kind(e: &crate::salesforce::SfError) -> ErrorKind {
    use crate::salesforce::SfError;
    match e {
        SfError::Network { .. }
        | SfError::Protocol { .. }
        | SfError::Redirect { .. }
        | SfError::TooLarge { .. }
        | SfError::Refused { .. }
        | SfError::Proxy { .. } => ErrorKind::Remote,
        SfError::Setup(_) => ErrorKind::Input,
        SfError::OAuth { status, error, .. } => {
            let busy = error.is_one_of(&[
                "rate_limit_exceeded",
                "server_error",
                "temporarily_unavailable",
            ]);
            if *status >= 500 || busy {
                ErrorKind::Remote
            } else {
                ErrorKind::Rejected
            }
        }
        SfError::Api { status, code, .. } => {
            let refusal = code.is_one_of(&[
                "INVALID_SESSION_ID",
                "API_DISABLED_FOR_ORG",
                "API_CURRENTLY_DISABLED",
                "INVALID_OPERATION_WITH_EXPIRED_PASSWORD",
                "INSUFFICIENT_ACCESS",
                "INSUFFICIENT_ACCESS_OR_READONLY",
                "INVALID_FIELD",
                "INVALID_TYPE",
                "NOT_FOUND",
                "FUNCTIONALITY_NOT_ENABLED",
                "INVALID_LOGIN",
                "LOGIN_MUST_USE_SECURITY_TOKEN",
                // A refused record write (the auto log's Task).
                "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                "INVALID_FIELD_FOR_INSERT_UPDATE",
                "FIELD_INTEGRITY_EXCEPTION",
                "MALFORMED_ID",
                "REQUIRED_FIELD_MISSING",
                "FIELD_CUSTOM_VALIDATION_EXCEPTION",
                "INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY",
            ]);
            if refusal && *status < 500 {
                ErrorKind::Rejected
            } else {
                ErrorKind::Remote
            }
        }
    }
}

/// A settings file that cannot be read or parsed: local input (3), the message
/// naming the file and line.
impl From<crate::settings::LoadError> for CliError {
    fn from(e: crate::settings::LoadError) -> Self {
        CliError::input(e.to_string())
    }
}

/// A key profile that cannot be found, read or used: local input (3), with advice.
impl From<crate::crypto::profile::ProfileError> for CliError {
    fn from(e: crate::crypto::profile::ProfileError) -> Self {
        use crate::crypto::profile::{ProfileError, ProfileOrigin};
        use crate::env::names;
        let hint = match &e {
            ProfileError::NoLocation => Some(format!(
                "pass --key-file FILE or set {}",
                names::KEY_FILE
            )),
            ProfileError::NotFound { origin: ProfileOrigin::Default, .. } => Some(format!(
                "create one with `crmctl keygen`, or point to yours with --key-file FILE or {}",
                names::KEY_FILE
            )),
            ProfileError::NotFound { .. } => Some("check the path".to_string()),
            ProfileError::Syntax { .. } | ProfileError::Invalid { .. } => Some(
                "a profile holds `key: hex:...` and `iv: hex:...`, or `derive: {kdf, iterations, salt, key_bytes}`; see `crmctl keygen --help`"
                    .to_string(),
            ),
            ProfileError::NeedsPassphrase { .. } => {
                Some(format!("set {} or run on a terminal", names::KEY_PASSPHRASE))
            }
            ProfileError::Unreadable { .. } => None,
        };
        let err = CliError::input(e.to_string());
        match hint {
            Some(h) => err.with_hint(h),
            None => err,
        }
    }
}

/// A rewrite killed half-way that the next run could not finish (`rewrite::commit::recover`).
impl From<crate::settings::rewrite::commit::RecoveryError> for CliError {
    fn from(e: crate::settings::rewrite::commit::RecoveryError) -> Self {
        CliError::input(format!(
            "an earlier rewrite was interrupted and could not be finished: {e}"
        ))
        .with_hint("no file was changed by this run; check the files the journal names")
    }
}

impl From<crate::salesforce::SfError> for CliError {
    fn from(e: crate::salesforce::SfError) -> Self {
        use crate::salesforce::{NetKind, SfError, advice};
        let kind = sf_kind(&e);
        match e {
            SfError::OAuth {
                ref error,
                ref description,
                ..
            } => {
                let (message, hints) = advice::for_oauth(error, description, true);
                hints
                    .into_iter()
                    .fold(CliError::new(kind, message), CliError::with_hint)
            }
            SfError::Api {
                ref code,
                ref message,
                ..
            } => advice::for_api(code).into_iter().fold(
                CliError::new(kind, detail!["Salesforce answered ", code, ": ", message]),
                CliError::with_hint,
            ),
            SfError::Network {
                kind: net,
                ref detail,
            } => {
                let (message, hint) = match net {
                    NetKind::Timeout => (
                        "Salesforce did not answer in time",
                        "--timeout sets the deadline for a whole call, retries included (default 30 s)",
                    ),
                    NetKind::UnknownIssuer => (
                        "could not reach Salesforce: its certificate is from an unknown CA",
                        "if a TLS-inspecting proxy or a private CA is in the way, trust its certificate with --ca-cert FILE (or CRMCTL_CA_CERT)",
                    ),
                    NetKind::Tls => (
                        "could not reach Salesforce: the TLS handshake failed",
                        "check the URL and the certificate; --ca-cert FILE trusts an extra CA",
                    ),
                    NetKind::NotHttp => (
                        "the server answered, but not in HTTP",
                        "check the URL and its port: it should name a Salesforce host (https://<MyDomain>.my.salesforce.com), not a mail, SSH or database server",
                    ),
                    NetKind::Connect | NetKind::Dropped => (
                        "could not reach Salesforce",
                        "check the URL, your network, and HTTPS_PROXY/NO_PROXY; --connect-timeout and --timeout set the limits",
                    ),
                };
                CliError::new(kind, message)
                    .with_cause(detail)
                    .with_hint(hint)
            }
            SfError::Protocol { status, ref detail } => CliError::new(
                kind,
                format!("Salesforce's answer was not usable (HTTP {status})"),
            )
            .with_cause(detail),
            SfError::Redirect { .. } => CliError::new(kind, e.describe()).with_hint(
                "check LoginEndPoint / --login-url: use the org's own https://<MyDomain>.my.salesforce.com or login.salesforce.com, not a URL that forwards",
            ),
            SfError::TooLarge { .. } => CliError::new(kind, e.describe())
                .with_hint("a Salesforce answer is never this large: is a proxy or another server answering?"),
            SfError::Refused { .. } => CliError::new(kind, e.describe()),
            SfError::Setup(m) => CliError::new(kind, m),
            SfError::Proxy {
                ref proxy,
                var,
                ref detail,
            } => CliError::new(
                kind,
                format!("could not reach Salesforce through the proxy {proxy} (set by {var})"),
            )
            .with_cause(detail)
            .with_hint(format!(
                "check that the proxy answers and lets the host through, or list the host in NO_PROXY (unset {var} to connect directly); this machine's addresses (localhost, 127.0.0.1, ::1) always go direct"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::OrgText;
    use crate::salesforce::{NetKind, SfError};

    /// A settings file or a key profile that cannot be used is local input (3),
    /// and a missing default profile says how to make one.
    #[test]
    fn load_and_profile_errors_are_local_input_with_advice() {
        let e = CliError::from(crate::settings::LoadError {
            file: "estate.yaml".into(),
            line: Some(4),
            column: None,
            message: "not YAML".into(),
        });
        assert_eq!(
            (e.kind, e.message),
            (ErrorKind::Input, Detail::from("estate.yaml:4: not YAML"))
        );
        let e = CliError::from(crate::crypto::profile::ProfileError::NotFound {
            path: "key.yaml".into(),
            origin: crate::crypto::profile::ProfileOrigin::Default,
        });
        assert_eq!(e.kind, ErrorKind::Input);
        assert!(
            e.hints.iter().any(|h| h.contains("crmctl keygen")),
            "{:?}",
            e.hints
        );
    }

    fn api(status: u16, code: &str) -> SfError {
        SfError::Api {
            status,
            code: OrgText::from(code),
            message: OrgText::default(),
        }
    }

    fn oauth(status: u16, error: &str) -> SfError {
        SfError::OAuth {
            status,
            error: OrgText::from(error),
            description: OrgText::default(),
        }
    }

    /// Cause -> exit code -> error.kind, the table README "Exit codes" documents.
    #[test]
    fn every_cause_has_one_kind() {
        let net = |kind| SfError::Network {
            kind,
            detail: String::new(),
        };
        let table: Vec<(SfError, u8, &str)> = vec![
            (oauth(400, "invalid_grant"), 1, "rejected"),
            (oauth(400, "invalid_client_id"), 1, "rejected"),
            (oauth(400, "inactive_user"), 1, "rejected"),
            (oauth(400, "rate_limit_exceeded"), 4, "remote"),
            (oauth(503, "temporarily_unavailable"), 4, "remote"),
            (api(403, "REQUEST_LIMIT_EXCEEDED"), 4, "remote"),
            (api(503, "SERVER_UNAVAILABLE"), 4, "remote"),
            (api(500, "UNKNOWN_EXCEPTION"), 4, "remote"),
            (api(400, "MALFORMED_QUERY"), 4, "remote"),
            (api(401, "INVALID_SESSION_ID"), 1, "rejected"),
            (api(403, "API_DISABLED_FOR_ORG"), 1, "rejected"),
            (api(400, "INVALID_FIELD"), 1, "rejected"),
            (api(404, "NOT_FOUND"), 1, "rejected"),
            (net(NetKind::Connect), 4, "remote"),
            (net(NetKind::Dropped), 4, "remote"),
            (net(NetKind::Timeout), 4, "remote"),
            (net(NetKind::Tls), 4, "remote"),
            (net(NetKind::UnknownIssuer), 4, "remote"),
            (
                SfError::Protocol {
                    status: 200,
                    detail: String::new(),
                },
                4,
                "remote",
            ),
            (
                SfError::Redirect {
                    status: 302,
                    location_host: OrgText::from("elsewhere.example"),
                },
                4,
                "remote",
            ),
            (SfError::TooLarge { cap: 1 }, 4, "remote"),
            (
                SfError::Refused {
                    url: OrgText::from("file:///x"),
                    reason: "scheme",
                },
                4,
                "remote",
            ),
            (SfError::Setup("ca".into()), 3, "input"),
        ];
        for (cause, code, kind) in table {
            let label = format!("{cause:?}");
            let err = CliError::from(cause);
            assert_eq!(
                (err.exit_code(), err.kind.as_str()),
                (code, kind),
                "{label}"
            );
        }
    }
}
