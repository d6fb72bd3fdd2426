//! The HTTP layer: one reqwest client per scheme, no redirects followed, a size cap
//! on every body read while it streams, a deadline over a whole call including its
//! retries, and a retry policy for the answers that say "try again".

use std::io::Read;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use reqwest::Url;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::error::{NetKind, SfError};
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

/// A connection being opened to the org's URL ([`Client::warm`]).
pub struct Warming {
    org: Url,
    /// The versions list's body when it answered 200, once the warm-up is done.
    settled: std::sync::mpsc::Receiver<Option<Vec<u8>>>,
}

impl Warming {
    /// Before the first data call. When the session's instance is the warmed host,
    /// waits for the warm-up to hand its connection back to the pool, so the call
    /// uses it rather than racing it with a new one, and returns the versions list it
    /// read (`login` uses it). The wait is at most as long as the token request took
    /// (the warm-up left first, so it is normally done), and at least 50 ms: a slow
    /// or stuck versions list costs no more, and the call then goes on its own.
    pub fn settle(self, session: &super::Session) -> Option<Vec<u8>> {
        let same = Url::parse(&session.instance_url).is_ok_and(|i| same_origin(&i, &self.org));
        if !same {
            return None;
        }
        let patience = session.elapsed.max(Duration::from_millis(50));
        self.settled.recv_timeout(patience).ok().flatten()
    }
}

fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

/// rustls needs one crypto provider per process; crmctl uses ring everywhere.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

impl Client {
    pub fn new(settings: &HttpSettings, trace: Trace) -> Result<Client, SfError> {
        install_crypto_provider();
        let mut extra_roots = Vec::new();
        if let Some(path) = &settings.ca_cert {
            let pem = std::fs::read(path).map_err(|e| {
                SfError::Setup(format!(
                    "cannot read {} {}: {e}",
                    settings.ca_cert_from,
                    path.display()
                ))
            })?;
            extra_roots = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
                SfError::Setup(format!(
                    "{} {} is not a PEM certificate: {e}",
                    settings.ca_cert_from,
                    path.display()
                ))
            })?;
            // A file with no `BEGIN CERTIFICATE` block parses as an empty bundle.
            if extra_roots.is_empty() {
                return Err(SfError::Setup(format!(
                    "{} {} holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
                    settings.ca_cert_from,
                    path.display()
                )));
            }
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

    /// A failed send, naming the proxy and its variable when the request went
    /// through one: a refused or dropped connection is then the proxy's.
    fn network_error(&self, url: &Url, e: &reqwest::Error) -> SfError {
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

    /// Opens the connection to the org's URL while the token request is in flight,
    /// when that URL is known before the token answers (a settings file's
    /// ApplicationHost, `--instance-url`) and is not the login host (whose connection
    /// the token request opens). It sends a GET of the versions list from another
    /// thread: that needs no session, carries no credential and is not counted
    /// against API limits. The connection stays in the pool; [`Warming::settle`]
    /// lets the first data call find it there. An https login never warms http.
    pub fn warm(&self, org_url: &str, login_url: &str) -> Option<Warming> {
        let skip = |why: &str| {
            self.trace(&format!("not opening the org's URL ahead: {why}"));
            None
        };
        let org = match Self::check_url(org_url.trim()) {
            Ok(u) => u,
            Err(e) => return skip(&e.to_string()),
        };
        let login = Self::check_url(login_url).ok()?;
        if same_origin(&org, &login) {
            return None;
        }
        if login.scheme() == "https" && org.scheme() != "https" {
            return skip("the login is over https and the org's URL is plain http");
        }
        let versions = org.join("/services/data/").ok()?;
        // One client per scheme, one pool each: when the token request needs this
        // scheme's client too, build it here first so both threads share it; else the
        // warm-up builds it (loading the trust store) off the token's path.
        if org.scheme() == login.scheme() {
            self.http_for(&versions).ok()?;
        }
        let client = self.clone();
        let (done, settled) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            client.trace(&format!(
                "GET {versions} (opening the org's connection while the token request is in flight)"
            ));
            let t = Instant::now();
            let mut answer = None;
            let outcome = match client.http_for(&versions) {
                Err(e) => e.to_string(),
                Ok(http) => {
                    let timeout = client.settings.connect_timeout + client.settings.timeout;
                    match http.get(versions).timeout(timeout).send() {
                        Err(e) => network(&e).to_string(),
                        Ok(resp) => {
                            // Read to the end (capped) so the connection goes back to the pool.
                            let status = resp.status().as_u16();
                            let mut body = Vec::new();
                            let read = resp.take(TOKEN_BODY_CAP + 1).read_to_end(&mut body);
                            if status == 200 && read.is_ok() && body.len() as u64 <= TOKEN_BODY_CAP
                            {
                                answer = Some(body);
                            }
                            status.to_string()
                        }
                    }
                }
            };
            client.trace(&format!(
                "<- {outcome} from the org's versions list ({} ms)",
                t.elapsed().as_millis()
            ));
            let _ = done.send(answer);
        });
        Some(Warming { org, settled })
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
                    self.trace(&format!("retrying in {} ms after: {e}", wait.as_millis()));
                    std::thread::sleep(wait);
                }
            }
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

/// The body of a 200, as `T`.
pub(crate) fn parse_ok<T: DeserializeOwned>(body: &[u8]) -> Result<T, SfError> {
    serde_json::from_slice(body).map_err(|e| shape_error(200, body, &e))
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

fn timeout_error(limit: Duration) -> SfError {
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
fn not_http(msg: &str) -> bool {
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
fn read_error(e: &std::io::Error, limit: Duration) -> SfError {
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
        assert_eq!(
            e.as_ref().and_then(SfError::api_code),
            Some("SERVER_UNAVAILABLE")
        );
        assert!(retryable(&e.expect("error")));
    }
}
