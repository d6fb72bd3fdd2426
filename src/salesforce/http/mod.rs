//! The HTTP layer: one reqwest client per scheme, no redirects followed, a size cap
//! on every body read while it streams, a deadline over a whole call including its
//! retries, and a retry policy for the answers that say "try again".

use std::io::Read;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use reqwest::Url;
use serde::de::DeserializeOwned;

mod errors;
mod warm;

pub(crate) use errors::{api_error, describe_body, network, retryable, shape_error, status_error};
use errors::{read_error, timeout_error};
pub use warm::Warming;

use super::error::SfError;
use super::proxy::{Proxies, ProxyVars};
use crate::output::OrgText;

/// A token answer is a few hundred bytes; 64 KiB leaves room and no more.
pub const TOKEN_BODY_CAP: u64 = 64 * 1024;
/// A search or query page is at most a few MB (2,000 records); 8 MiB is the cap.
pub const DATA_BODY_CAP: u64 = 8 * 1024 * 1024;
/// Attempts of a data call: the first and up to three retries.
pub const MAX_RETRIES: u32 = 3;

/// Connection settings, from flags and the environment.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    pub connect_timeout: Duration,
    /// The deadline for a whole call, retries and their waits included.
    pub timeout: Duration,
    /// Extra trusted CA (a corporate TLS-inspecting proxy, or the emulator's CA).
    pub ca_cert: Option<PathBuf>,
    /// Where `ca_cert` came from (`--ca-cert`, `CRMCTL_CA_CERT`), for its errors.
    pub ca_cert_from: &'static str,
    /// `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY` (see [`super::proxy`]).
    pub proxy: ProxyVars,
}

impl Default for HttpSettings {
    fn default() -> Self {
        HttpSettings {
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            ca_cert: None,
            ca_cert_from: "--ca-cert",
            proxy: ProxyVars::default(),
        }
    }
}

pub type Trace = Arc<dyn Fn(&str) + Send + Sync>;

/// What each data call reports besides its body.
#[derive(Debug, Clone, Default)]
pub struct CallInfo {
    /// `Sforce-Limit-Info: api-usage=used/max`.
    pub api_usage: Option<(u64, u64)>,
    pub elapsed: Duration,
    pub attempts: u32,
}

/// One HTTP answer, its body read up to the cap.
pub(crate) struct Answer {
    pub status: u16,
    pub usage: Option<(u64, u64)>,
    pub retry_after: Option<Duration>,
    /// `Sforce-Locator` (Bulk API 2.0 query results: the next set, or `null`).
    pub locator: Option<String>,
    pub body: Vec<u8>,
}

#[derive(Clone)]
pub struct Client {
    pub(crate) settings: HttpSettings,
    /// `--ca-cert`, read once so a bad file fails before any request.
    extra_roots: Vec<reqwest::Certificate>,
    /// For http:// URLs (local emulators): no trust store to load.
    plain: OnceLock<reqwest::blocking::Client>,
    /// For https:// URLs: the system's roots plus `--ca-cert`, loaded on first use.
    tls: OnceLock<reqwest::blocking::Client>,
    trace: Trace,
    /// Data-API requests sent, every retry included (`summary.api_calls`).
    calls: Arc<AtomicU64>,
    /// The proxies of the environment, parsed once; routing and errors both ask it.
    proxies: Arc<Proxies>,
}

/// rustls needs one crypto provider per process; crmctl uses ring everywhere.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// The certificates of a CA file (`--ca-cert`, `CRMCTL_CA_CERT`): read, PEM, and at
/// least one; an error names `from` and the path.
pub fn ca_bundle(path: &std::path::Path, from: &str) -> Result<Vec<reqwest::Certificate>, SfError> {
    let pem = std::fs::read(path)
        .map_err(|e| SfError::Setup(format!("cannot read {from} {}: {e}", path.display())))?;
    let roots = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
        SfError::Setup(format!(
            "{from} {} is not a PEM certificate: {e}",
            path.display()
        ))
    })?;
    // A file with no `BEGIN CERTIFICATE` block parses as an empty bundle.
    if roots.is_empty() {
        return Err(SfError::Setup(format!(
            "{from} {} holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
            path.display()
        )));
    }
    Ok(roots)
}

impl Client {
    pub fn new(settings: &HttpSettings, trace: Trace) -> Result<Client, SfError> {
        install_crypto_provider();
        let mut extra_roots = Vec::new();
        if let Some(path) = &settings.ca_cert {
            extra_roots = ca_bundle(path, settings.ca_cert_from)?;
        }
        let proxies = Arc::new(Proxies::from_vars(&settings.proxy).map_err(SfError::Setup)?);
        Ok(Client {
            proxies,
            settings: settings.clone(),
            extra_roots,
            plain: OnceLock::new(),
            tls: OnceLock::new(),
            trace,
            calls: Arc::new(AtomicU64::new(0)),
        })
    }

    /// Data-API requests sent so far by this client and its clones.
    pub fn api_calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    fn builder(&self) -> reqwest::blocking::ClientBuilder {
        let builder = reqwest::blocking::Client::builder();
        // With a proxy variable set, crmctl decides per URL (loopback and NO_PROXY
        // direct); without one, reqwest's own lookup of the system settings stays.
        let builder = if self.proxies.is_set() {
            let proxies = self.proxies.clone();
            builder.no_proxy().proxy(reqwest::Proxy::custom(move |url| {
                proxies.for_url(url).map(|p| p.url.clone())
            }))
        } else {
            builder
        };
        builder
            .connect_timeout(self.settings.connect_timeout)
            .timeout(self.settings.timeout)
            // A Salesforce API answer is never a redirect; following one would send
            // the form or the bearer token to whatever host it names.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("crmctl/", env!("CARGO_PKG_VERSION")))
            .pool_max_idle_per_host(16)
    }

    /// Only http and https; anything else (`file:`, `ftp:`) is refused unsent.
    pub fn check_url(url: &str) -> Result<Url, SfError> {
        let refused = |reason| SfError::Refused {
            url: OrgText::from(without_userinfo(url)),
            reason,
        };
        let parsed = Url::parse(url).map_err(|_| refused("not a valid absolute URL"))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
            return Err(refused("only http and https URLs with a host are used"));
        }
        // reqwest would send `user:password@` as Basic authorization, and traces would
        // show it: Salesforce takes credentials in the login form only.
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(refused(
                "it holds a user name or password (user:password@); credentials go in the login form, never in a URL",
            ));
        }
        Ok(parsed)
    }

    /// The client for this URL's scheme, built on first use. Reading the system's
    /// trust store costs a few milliseconds a run, so plain-HTTP runs skip it.
    fn http_for(&self, url: &Url) -> Result<&reqwest::blocking::Client, SfError> {
        let setup = |e: reqwest::Error| SfError::Setup(format!("cannot set up HTTP: {e}"));
        if url.scheme() == "https" {
            if let Some(c) = self.tls.get() {
                return Ok(c);
            }
            let c = self
                .builder()
                .tls_certs_merge(self.extra_roots.clone())
                .build()
                .map_err(setup)?;
            return Ok(self.tls.get_or_init(|| c));
        }
        if let Some(c) = self.plain.get() {
            return Ok(c);
        }
        let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
        let empty = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| SfError::Setup(format!("cannot set up TLS: {e}")))?
            .with_root_certificates(rustls::RootCertStore::empty())
            .with_no_client_auth();
        let c = self
            .builder()
            .tls_backend_preconfigured(empty)
            .build()
            .map_err(setup)?;
        Ok(self.plain.get_or_init(|| c))
    }

    /// For `-v` traces: ` (via the proxy X from VAR)` when `url` goes through one.
    pub(crate) fn via(&self, url: &Url) -> String {
        self.proxies
            .for_url(url)
            .map(|p| format!(" (via the proxy {} from {})", p.shown(), p.var))
            .unwrap_or_default()
    }

    /// Counts one data call (those made outside [`Client::data_call`]).
    pub(crate) fn count_call(&self) {
        self.calls.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn trace(&self, m: &str) {
        (self.trace)(m)
    }

    pub(crate) fn deadline(&self) -> Instant {
        Instant::now() + self.settings.timeout
    }

    /// Sends one request and reads its answer up to `cap` bytes, all before `deadline`.
    pub(crate) fn execute(
        &self,
        url: &Url,
        deadline: Instant,
        cap: u64,
        build: impl FnOnce(&reqwest::blocking::Client) -> reqwest::blocking::RequestBuilder,
    ) -> Result<Answer, SfError> {
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return Err(timeout_error(self.settings.timeout));
        }
        let mut resp = build(self.http_for(url)?)
            .timeout(remaining)
            .send()
            .map_err(|e| self.network_error(url, &e))?;
        let status = resp.status().as_u16();
        // 407 comes from a proxy, never from Salesforce (an https CONNECT refused this
        // way is a connection error, named above).
        if status == 407
            && let Some(p) = self.proxies.for_url(url)
        {
            return Err(SfError::Proxy {
                proxy: p.shown(),
                var: p.var,
                detail: "HTTP 407 Proxy Authentication Required: the proxy wants credentials (http://user:password@host:port in the variable)".into(),
            });
        }
        if resp.status().is_redirection() {
            let host = resp
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|h| h.to_str().ok())
                .map(|l| match url.join(l) {
                    Ok(u) => u.host_str().unwrap_or("(no host)").to_string(),
                    Err(_) => l.to_string(),
                })
                .unwrap_or_else(|| "(no Location header)".into());
            return Err(SfError::Redirect {
                status,
                location_host: OrgText::from(host),
            });
        }
        let usage = resp
            .headers()
            .get("sforce-limit-info")
            .and_then(|h| h.to_str().ok())
            .and_then(parse_api_usage);
        let retry_after = resp
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|h| h.to_str().ok())
            .and_then(|s| s.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let locator = resp
            .headers()
            .get("sforce-locator")
            .and_then(|h| h.to_str().ok())
            .map(str::to_string);
        if resp.content_length().is_some_and(|n| n > cap) {
            return Err(SfError::TooLarge { cap });
        }
        // Read at most cap + 1 bytes: one more than allowed proves the body is too
        // large without reading the rest. Chunks are checked before they are kept,
        // so the buffer never grows past the cap.
        let mut body = Vec::new();
        let mut chunk = [0u8; 16 * 1024];
        let mut limited = (&mut resp).take(cap + 1);
        loop {
            let n = match limited.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(read_error(&e, self.settings.timeout)),
            };
            if (body.len() + n) as u64 > cap {
                return Err(SfError::TooLarge { cap });
            }
            body.extend_from_slice(&chunk[..n]);
        }
        if Instant::now() > deadline {
            return Err(timeout_error(self.settings.timeout));
        }
        Ok(Answer {
            status,
            usage,
            retry_after,
            locator,
            body,
        })
    }

    /// A plain GET of any URL (the CRM Service's own endpoints): status and time.
    /// The body is not read.
    pub fn probe(&self, url: &str) -> Result<(u16, Duration), SfError> {
        let t = Instant::now();
        let parsed = Self::check_url(url)?;
        self.trace(&format!("GET {}{}", redact_url(url), self.via(&parsed)));
        let remaining = self.settings.timeout;
        let resp = self
            .http_for(&parsed)?
            .get(parsed.clone())
            .timeout(remaining)
            .send()
            .map_err(|e| self.network_error(&parsed, &e))?;
        let status = resp.status().as_u16();
        drop(resp);
        self.trace(&format!("<- {status} ({} ms)", t.elapsed().as_millis()));
        Ok((status, t.elapsed()))
    }

    /// An authenticated GET of a data-API URL, typed. Retried on 502, 503, 504 and
    /// 429 (after `Retry-After` when given, else backoff) and on a dropped
    /// connection, at most [`MAX_RETRIES`] times, all within the deadline.
    pub fn get_json<T: DeserializeOwned>(
        &self,
        url: &str,
        bearer: Option<&secrecy::SecretString>,
    ) -> Result<(T, CallInfo), SfError> {
        let (body, info) = self.data_call(url, None, bearer, DATA_BODY_CAP)?;
        parse_ok(&body).map(|v| (v, info))
    }

    /// One data call that answered 200, its body not yet parsed (so a caller may
    /// borrow from it). `json_body`: a POST of this JSON, else a GET. Only
    /// idempotent POSTs come here (a composite of reads), so the retries of
    /// [`Client::get_json`] apply to them too.
    pub(crate) fn data_call(
        &self,
        url: &str,
        json_body: Option<&[u8]>,
        bearer: Option<&secrecy::SecretString>,
        cap: u64,
    ) -> Result<(Vec<u8>, CallInfo), SfError> {
        let parsed = Self::check_url(url)?;
        let start = Instant::now();
        let deadline = start + self.settings.timeout;
        let method = if json_body.is_some() { "POST" } else { "GET" };
        let mut attempt = 0;
        loop {
            attempt += 1;
            self.calls.fetch_add(1, Ordering::Relaxed);
            let t = Instant::now();
            self.trace(&format!(
                "{method} {}{}",
                redact_url(url),
                self.via(&parsed)
            ));
            let mut retry_after = None;
            let result = self
                .execute(&parsed, deadline, cap, |c| {
                    let mut req = match json_body {
                        Some(b) => c
                            .post(parsed.clone())
                            .header("Content-Type", "application/json")
                            .body(b.to_vec()),
                        None => c.get(parsed.clone()),
                    }
                    .header("Accept", "application/json");
                    if let Some(token) = bearer {
                        req = req.header(reqwest::header::AUTHORIZATION, bearer_header(token));
                    }
                    req
                })
                .and_then(|a| {
                    self.trace(&format!(
                        "<- {} ({} bytes, {} ms)",
                        a.status,
                        a.body.len(),
                        t.elapsed().as_millis()
                    ));
                    retry_after = a.retry_after;
                    if a.status == 200 {
                        Ok((a.body, a.usage))
                    } else {
                        Err(status_error(a.status, &a.body))
                    }
                });
            match result {
                Ok((body, usage)) => {
                    return Ok((
                        body,
                        CallInfo {
                            api_usage: usage,
                            elapsed: start.elapsed(),
                            attempts: attempt,
                        },
                    ));
                }
                Err(e) => {
                    if !retryable(&e) || attempt > MAX_RETRIES {
                        return Err(e);
                    }
                    let wait = retry_after.unwrap_or_else(|| backoff(attempt));
                    if Instant::now() + wait >= deadline {
                        return Err(e);
                    }
                    self.trace(&format!(
                        "retrying in {} ms after: {}",
                        wait.as_millis(),
                        e.describe().to_legacy_string()
                    ));
                    std::thread::sleep(wait);
                }
            }
        }
    }
}

pub(crate) fn bearer_header(token: &secrecy::SecretString) -> reqwest::header::HeaderValue {
    use secrecy::ExposeSecret;
    // A token with bytes no header may hold is sent as an empty one: the org then
    // answers INVALID_SESSION_ID, which says what is wrong.
    let mut value =
        reqwest::header::HeaderValue::from_str(&format!("Bearer {}", token.expose_secret()))
            .unwrap_or_else(|_| reqwest::header::HeaderValue::from_static("Bearer"));
    value.set_sensitive(true);
    value
}

/// The body of a 200, as `T`.
pub(crate) fn parse_ok<T: DeserializeOwned>(body: &[u8]) -> Result<T, SfError> {
    serde_json::from_slice(body).map_err(|e| shape_error(200, body, &e))
}

pub fn parse_api_usage(header: &str) -> Option<(u64, u64)> {
    let v = header
        .split(';')
        .find_map(|p| p.trim().strip_prefix("api-usage="))?;
    let (used, max) = v.split_once('/')?;
    Some((used.trim().parse().ok()?, max.trim().parse().ok()?))
}

/// Exponential backoff with jitter: about 100, 200, 400 ms.
pub(crate) fn backoff(attempt: u32) -> Duration {
    let base = 100u64 << (attempt.saturating_sub(1)).min(4);
    let jitter = (std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0) as u64)
        % (base / 2 + 1);
    Duration::from_millis(base + jitter)
}

/// `https://user:secret@host/x` -> `https://***@host/x`, for messages about a URL
/// that was refused (it may not even parse).
pub(crate) fn without_userinfo(url: &str) -> String {
    let Some(start) = url.find("://").map(|i| i + 3) else {
        return url.to_string();
    };
    let authority_end = url[start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| start + i);
    match url[start..authority_end].rfind('@') {
        Some(at) => format!("{}***{}", &url[..start], &url[start + at..]),
        None => url.to_string(),
    }
}

/// URLs carry search values, never secrets; long ones are shortened for traces.
pub(crate) fn redact_url(url: &str) -> String {
    match url.char_indices().nth(160) {
        Some((cut, _)) => format!("{}…", &url[..cut]),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_with_credentials_are_refused_without_quoting_them() {
        for url in [
            "http://user:s3cret@127.0.0.1:45001",
            "https://s3cret@x.my.salesforce.com/",
            "https://u:s3cret@bad host/",
        ] {
            let e = Client::check_url(url).expect_err(url).to_string();
            assert!(!e.contains("s3cret"), "{e}");
            assert!(e.contains("***@"), "{e}");
        }
        assert_eq!(
            without_userinfo("https://x.example/a@b"),
            "https://x.example/a@b"
        );
        assert!(Client::check_url("https://x.my.salesforce.com/services/data/").is_ok());
    }

    #[test]
    fn api_usage_header_is_parsed() {
        assert_eq!(parse_api_usage("api-usage=18/5000"), Some((18, 5000)));
        assert_eq!(
            parse_api_usage("api-usage=18/5000; per-app-api-usage=17/250(appName=x)"),
            Some((18, 5000))
        );
        assert_eq!(parse_api_usage("nothing"), None);
    }

    #[test]
    fn html_bodies_are_described_by_title() {
        assert!(
            describe_body(b"<html><head><title>503 Service Unavailable</title>")
                .contains("503 Service Unavailable")
        );
        assert_eq!(describe_body(b""), "an empty body");
    }

    #[test]
    fn only_http_and_https_urls_are_used() {
        assert!(Client::check_url("https://x.my.salesforce.com/services").is_ok());
        for bad in ["file:///etc/passwd", "ftp://h/x", "not a url", "https://"] {
            assert!(
                matches!(Client::check_url(bad), Err(SfError::Refused { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_json_503_is_reported_as_what_it_is() {
        let e = api_error(
            503,
            br#"[{"errorCode":"SERVER_UNAVAILABLE","message":"down for maintenance"}]"#,
        );
        assert!(
            e.as_ref()
                .is_some_and(|e| e.has_api_code("SERVER_UNAVAILABLE"))
        );
        assert!(retryable(&e.expect("error")));
    }
}
