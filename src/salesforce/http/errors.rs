//! The error mapping of the HTTP layer: a failed send, a cut-off body, a status
//! other than 200 and a body of the wrong shape, each to the [`SfError`] that says
//! what happened; and which of them are worth another attempt.

use std::time::Duration;

use reqwest::Url;
use serde::Deserialize;

use super::Client;
use crate::output::OrgText;
use crate::salesforce::error::{NetKind, SfError};

impl Client {
    /// A failed send, naming the proxy and its variable when the request went
    /// through one: a refused or dropped connection is then the proxy's.
    pub(super) fn network_error(&self, url: &Url, e: &reqwest::Error) -> SfError {
        let err = network(e);
        let Some(p) = self.proxies.for_url(url) else {
            return err;
        };
        match err {
            SfError::Network {
                kind: NetKind::Connect | NetKind::Dropped,
                detail,
            } => SfError::Proxy {
                proxy: p.shown(),
                var: p.var,
                detail,
            },
            SfError::Network { kind, detail } => SfError::Network {
                kind,
                detail: format!("{detail} (through the proxy {} from {})", p.shown(), p.var),
            },
            other => other,
        }
    }
}

/// Worth another attempt: the org said "busy, try again", or the connection broke
/// before an answer. A timeout is not: the deadline covers the retries too.
pub(crate) fn retryable(e: &SfError) -> bool {
    match e {
        SfError::Network { kind, .. } => matches!(kind, NetKind::Dropped | NetKind::Connect),
        SfError::Api { status, .. } | SfError::Protocol { status, .. } => {
            matches!(status, 429 | 502 | 503 | 504)
        }
        _ => false,
    }
}

/// `[{"errorCode", "message"}]`, Salesforce's error shape for the data API (and
/// for a 503 of the token endpoint).
#[derive(Deserialize)]
pub(crate) struct ApiErrorItem {
    #[serde(rename = "errorCode")]
    pub error_code: OrgText,
    #[serde(default)]
    pub message: Option<OrgText>,
}

/// The first Salesforce error of a JSON array body.
pub(crate) fn api_error(status: u16, body: &[u8]) -> Option<SfError> {
    let list: Vec<ApiErrorItem> = serde_json::from_slice(body).ok()?;
    let first = list.into_iter().next()?;
    Some(SfError::Api {
        status,
        code: first.error_code,
        message: first.message.unwrap_or_default(),
    })
}

/// A body that did not parse as the type expected: JSON of another shape, or no JSON.
pub(crate) fn shape_error(status: u16, body: &[u8], e: &serde_json::Error) -> SfError {
    SfError::Protocol {
        status,
        detail: if serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok() {
            format!("JSON of an unexpected shape ({e})")
        } else {
            describe_body(body)
        },
    }
}

/// A status other than 200: Salesforce's error, or a protocol error.
pub(crate) fn status_error(status: u16, body: &[u8]) -> SfError {
    api_error(status, body).unwrap_or(SfError::Protocol {
        status,
        detail: describe_body(body),
    })
}

pub(super) fn timeout_error(limit: Duration) -> SfError {
    SfError::Network {
        kind: NetKind::Timeout,
        detail: format!(
            "the call took longer than {} s (--timeout, retries included)",
            limit.as_secs_f64()
        ),
    }
}

pub(crate) fn network(e: &reqwest::Error) -> SfError {
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(&format!(": {s}"));
        source = s.source();
    }
    let kind = if e.is_timeout() {
        NetKind::Timeout
    } else if msg.contains("UnknownIssuer") || msg.contains("unknown issuer") {
        NetKind::UnknownIssuer
    } else if msg.contains("certificate") || msg.contains("TLS") || msg.contains("tls") {
        NetKind::Tls
    } else if e.is_connect() {
        NetKind::Connect
    } else if not_http(&msg) {
        NetKind::NotHttp
    } else {
        NetKind::Dropped
    };
    SfError::Network { kind, detail: msg }
}

/// hyper's words for an answer that is not HTTP at all (`invalid HTTP version
/// parsed`, `invalid HTTP status-code parsed`, an HTTP/0.9 answer, a first line
/// that never ends, a banner sent before the request as SSH and SMTP do).
pub(super) fn not_http(msg: &str) -> bool {
    [
        "invalid HTTP",
        "HTTP/0.9",
        "message head is too large",
        "received unexpected message from connection",
    ]
    .iter()
    .any(|m| msg.contains(m))
}

/// An error while reading a body: the deadline, or a broken connection.
pub(super) fn read_error(e: &std::io::Error, limit: Duration) -> SfError {
    let inner = e.get_ref().and_then(|i| i.downcast_ref::<reqwest::Error>());
    if e.kind() == std::io::ErrorKind::TimedOut || inner.is_some_and(|r| r.is_timeout()) {
        return timeout_error(limit);
    }
    match inner {
        Some(r) => network(r),
        None => SfError::Network {
            kind: NetKind::Dropped,
            detail: format!("the answer was cut off: {e}"),
        },
    }
}

/// A short, safe description of a body that is not JSON (an HTML error page).
pub(crate) fn describe_body(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let lower = text.to_ascii_lowercase();
    if let (Some(a), Some(b)) = (lower.find("<title>"), lower.find("</title>"))
        && a < b
        && text.is_char_boundary(a + 7)
        && text.is_char_boundary(b)
    {
        let title: String = text[a + 7..b].trim().chars().take(120).collect();
        return format!("an HTML page titled \"{title}\" (a proxy or maintenance page?)");
    }
    if body.is_empty() {
        return "an empty body".into();
    }
    format!(
        "{} bytes that are not JSON (cut off, or from a proxy?)",
        body.len()
    )
}
