//! Faults on demand: latency, error answers, expiring tokens, a request limit,
//! HTML error pages, truncated bodies and dropped connections.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FaultKind {
    /// HTTP 500 `UNKNOWN_EXCEPTION`.
    #[serde(rename = "500")]
    Status500,
    /// HTTP 503 `SERVER_UNAVAILABLE`.
    #[serde(rename = "503")]
    Status503,
    /// HTTP 503 with an HTML page, as a CDN or proxy sends during maintenance.
    Html,
    /// The right status and headers, then half the body and a closed connection.
    Truncate,
    /// The connection is closed without an answer.
    Drop,
}

impl std::str::FromStr for FaultKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "500" => FaultKind::Status500,
            "503" => FaultKind::Status503,
            "html" => FaultKind::Html,
            "truncate" => FaultKind::Truncate,
            "drop" => FaultKind::Drop,
            _ => {
                return Err(format!(
                    "unknown fault `{s}` (500, 503, html, truncate, drop)"
                ));
            }
        })
    }
}

/// A fault on the `at`-th request (1-based, all routes but `/__emulator/*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ScriptedFault {
    pub at: u64,
    pub fault: FaultKind,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Faults {
    /// Every answer leaves this long after its request arrived.
    pub latency_ms: u64,
    /// Each new connection waits this long before its first byte is read or
    /// written (a stand-in for TCP and TLS handshakes).
    pub connect_latency_ms: u64,
    /// Fraction of requests answered with `error_status` (500 or 503).
    pub error_rate: f64,
    pub error_status: Option<u16>,
    pub html_rate: f64,
    pub truncate_rate: f64,
    pub drop_rate: f64,
    /// Access tokens stop working after this many data calls...
    pub token_ttl_requests: Option<u64>,
    /// ...or this many seconds.
    pub token_ttl_seconds: Option<u64>,
    /// `REQUEST_LIMIT_EXCEEDED` once this many data calls were made.
    pub request_limit: Option<u64>,
    /// Exact faults on exact requests, for tests.
    pub script: Vec<ScriptedFault>,
    /// Seed of the generator behind the rates (0: a fixed default).
    pub seed: u64,
}

impl Faults {
    /// The fault, if any, for the `n`-th request; `random` draws in [0, 1).
    pub fn pick(&self, n: u64, random: &mut dyn FnMut() -> f64) -> Option<FaultKind> {
        if let Some(s) = self.script.iter().find(|s| s.at == n) {
            return Some(s.fault);
        }
        let rates = [
            (self.drop_rate, FaultKind::Drop),
            (self.truncate_rate, FaultKind::Truncate),
            (self.html_rate, FaultKind::Html),
            (
                self.error_rate,
                if self.error_status == Some(500) {
                    FaultKind::Status500
                } else {
                    FaultKind::Status503
                },
            ),
        ];
        rates
            .iter()
            .find(|(rate, _)| *rate > 0.0 && random() < *rate)
            .map(|(_, k)| *k)
    }
}
