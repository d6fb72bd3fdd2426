//! Salesforce failures as values. What each one means to the user (its exit code
//! and `error.kind`) is decided in `crate::error`, beside `CliError`.

use crate::detail;
use crate::output::{Detail, OrgText};

/// Why a call could not get an answer at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetKind {
    /// No connection (refused, DNS, unreachable).
    Connect,
    /// The connection broke before or during the answer.
    Dropped,
    /// The deadline (`--timeout`) passed.
    Timeout,
    /// The TLS handshake failed (certificate, protocol).
    Tls,
    /// The server's certificate chains to no trusted CA.
    UnknownIssuer,
    /// Something answered, but not in HTTP (a mail, SSH or database port).
    NotHttp,
}

/// A failure talking to Salesforce. Text from the other side is [`OrgText`].
#[derive(Debug, Clone)]
pub enum SfError {
    /// Could not connect, timed out, or the connection broke. `detail` is the
    /// library's description (it may quote a proxy's words, so it is escaped when shown).
    Network { kind: NetKind, detail: String },
    /// The token endpoint said no: `{"error", "error_description"}`.
    OAuth {
        status: u16,
        error: OrgText,
        description: OrgText,
    },
    /// The data API (or the token endpoint) said no: `[{"errorCode", "message"}]`.
    Api {
        status: u16,
        code: OrgText,
        message: OrgText,
    },
    /// An answer that is not what Salesforce sends (an HTML page, a cut-off body).
    Protocol { status: u16, detail: String },
    /// A 3xx: Salesforce's API never redirects, and following one would hand the
    /// credentials or the token to another host.
    Redirect { status: u16, location_host: OrgText },
    /// The answer is larger than crmctl accepts for this call.
    TooLarge { cap: u64 },
    /// A URL crmctl will not send to: another scheme than http(s), or plain http
    /// after an https login.
    Refused { url: OrgText, reason: &'static str },
    /// Local configuration (a CA file that can't be read, a proxy variable that is
    /// not a URL).
    Setup(String),
    /// The request went through a proxy (`var` named it) and the connection failed
    /// or broke: the proxy could not be reached, or it did not get through.
    Proxy {
        proxy: String,
        var: &'static str,
        detail: String,
    },
}

/// [`SfError::describe`] escaped as a terminal shows it (for examples and logs):
/// never Salesforce's raw words. Messages for people use `describe()`, whose org
/// spans the printer escapes.
impl std::fmt::Display for SfError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let p = crate::output::Printer::new(crate::output::OutputMode::default());
        f.write_str(&p.text(&self.describe()))
    }
}

impl SfError {
    /// What happened, for messages: Salesforce's own words are org spans, which
    /// only the printer turns into output (`SfError` has no `Display`).
    pub fn describe(&self) -> Detail {
        match self {
            SfError::Network { kind, detail } => match kind {
                NetKind::Timeout => detail!["no answer before the deadline: ", detail],
                _ => detail!["network error: ", detail],
            },
            SfError::OAuth {
                status,
                error,
                description,
            } => detail![format!("HTTP {status}: "), error, ": ", description],
            SfError::Api {
                status,
                code,
                message,
            } => detail![format!("HTTP {status}: "), code, ": ", message],
            SfError::Protocol { status, detail } => {
                detail![format!("unexpected answer (HTTP {status}): "), detail]
            }
            SfError::Redirect {
                status,
                location_host,
            } => detail![
                format!("HTTP {status}: a redirect to "),
                location_host,
                ", which Salesforce's API never sends; not followed"
            ],
            SfError::TooLarge { cap } => format!(
                "the answer is larger than {} KiB; stopped reading it",
                cap / 1024
            )
            .into(),
            SfError::Refused { url, reason } => {
                detail!["refused to send to ", url, format!(": {reason}")]
            }
            SfError::Setup(m) => m.into(),
            SfError::Proxy { proxy, var, detail } => {
                format!("network error through the proxy {proxy} (from {var}): {detail}").into()
            }
        }
    }

    /// Whether Salesforce answered with this error code.
    pub fn has_api_code(&self, wanted: &str) -> bool {
        matches!(self, SfError::Api { code, .. } if *code == wanted)
    }

    /// Salesforce's error code, when the data API answered with one.
    pub fn api_code(&self) -> Option<&OrgText> {
        match self {
            SfError::Api { code, .. } => Some(code),
            _ => None,
        }
    }

    /// A short stable code for bulk rows: Salesforce's own, or one of crmctl's.
    pub fn code(&self) -> OrgText {
        match self {
            SfError::Api { code, .. } => code.clone(),
            SfError::OAuth { error, .. } => error.clone(),
            SfError::Network { kind, .. } => match kind {
                NetKind::Timeout => "TIMEOUT",
                NetKind::Tls | NetKind::UnknownIssuer => "TLS",
                _ => "NETWORK",
            }
            .into(),
            SfError::Protocol { .. } => "PROTOCOL".into(),
            SfError::Redirect { .. } => "REDIRECT".into(),
            SfError::TooLarge { .. } => "TOO_LARGE".into(),
            SfError::Refused { .. } => "REFUSED_URL".into(),
            SfError::Setup(_) => "SETUP".into(),
            SfError::Proxy { .. } => "PROXY".into(),
        }
    }
}
