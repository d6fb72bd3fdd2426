//! One HTTP client for Salesforce: the OAuth flows, data-API calls with retries,
//! and Salesforce's errors as values. Nothing here prints; traces go to a callback.

pub mod advice;
pub mod escape;

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use zeroize::Zeroizing;

/// Connection settings, from flags and the environment.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    pub connect_timeout: Duration,
    pub timeout: Duration,
    /// Extra trusted CA (a corporate TLS-inspecting proxy, or the emulator's CA).
    pub ca_cert: Option<PathBuf>,
}

impl Default for HttpSettings {
    fn default() -> Self {
        HttpSettings {
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            ca_cert: None,
        }
    }
}

/// A failure talking to Salesforce.
#[derive(Debug, Clone)]
pub enum SfError {
    /// Could not connect, timed out, or the connection broke.
    Network(String),
    /// The token endpoint said no: `{"error", "error_description"}`.
    OAuth {
        status: u16,
        error: String,
        description: String,
    },
    /// The data API said no: `[{"errorCode", "message"}]`.
    Api {
        status: u16,
        code: String,
        message: String,
    },
    /// An answer that is not what Salesforce sends (an HTML page, a cut-off body).
    Protocol { status: u16, detail: String },
    /// Local configuration (a CA file that can't be read).
    Setup(String),
}

impl std::fmt::Display for SfError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SfError::Network(m) => write!(f, "network error: {m}"),
            SfError::OAuth {
                status,
                error,
                description,
            } => write!(f, "HTTP {status}: {error}: {description}"),
            SfError::Api {
                status,
                code,
                message,
            } => write!(f, "HTTP {status}: {code}: {message}"),
            SfError::Protocol { status, detail } => {
                write!(f, "unexpected answer (HTTP {status}): {detail}")
            }
            SfError::Setup(m) => f.write_str(m),
        }
    }
}

impl SfError {
    /// Worth retrying a GET: 503, or the connection broke before an answer.
    fn retryable(&self) -> bool {
        match self {
            SfError::Network(_) => true,
            SfError::Api { status, .. } | SfError::Protocol { status, .. } => *status == 503,
            _ => false,
        }
    }

    pub fn api_code(&self) -> Option<&str> {
        match self {
            SfError::Api { code, .. } => Some(code),
            _ => None,
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

#[derive(Clone)]
pub struct Client {
    settings: HttpSettings,
    /// `--ca-cert`, read once so a bad file fails before any request.
    extra_roots: Vec<reqwest::Certificate>,
    /// For http:// URLs (local emulators): no trust store to load.
    plain: OnceLock<reqwest::blocking::Client>,
    /// For https:// URLs: the system's roots plus `--ca-cert`, loaded on first use.
    tls: OnceLock<reqwest::blocking::Client>,
    trace: Trace,
}

pub const MAX_RETRIES: u32 = 3;

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
                SfError::Setup(format!("cannot read --ca-cert {}: {e}", path.display()))
            })?;
            extra_roots = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
                SfError::Setup(format!("{} is not a PEM certificate: {e}", path.display()))
            })?;
        }
        Ok(Client {
            settings: settings.clone(),
            extra_roots,
            plain: OnceLock::new(),
            tls: OnceLock::new(),
            trace,
        })
    }

    fn builder(&self) -> reqwest::blocking::ClientBuilder {
        reqwest::blocking::Client::builder()
            .connect_timeout(self.settings.connect_timeout)
            .timeout(self.settings.timeout)
            .user_agent(concat!("crmctl/", env!("CARGO_PKG_VERSION")))
            .pool_max_idle_per_host(16)
    }

    /// The client for this URL's scheme, built on first use. Reading the system's
    /// trust store costs a few milliseconds a run, so plain-HTTP runs skip it.
    fn http_for(&self, url: &str) -> Result<&reqwest::blocking::Client, SfError> {
        let setup = |e: reqwest::Error| SfError::Setup(format!("cannot set up HTTP: {e}"));
        if url
            .get(..8)
            .is_some_and(|p| p.eq_ignore_ascii_case("https://"))
        {
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

    fn trace(&self, m: &str) {
        (self.trace)(m)
    }

    /// Posts the OAuth form exactly as the CRM Service does and returns the session.
    pub fn login(&self, creds: &Credentials) -> Result<Session, SfError> {
        let mut form = Zeroizing::new(String::new());
        let mut add = |k: &str, v: &str| {
            if !form.is_empty() {
                form.push('&');
            }
            form.push_str(k);
            form.push('=');
            form.push_str(&percent_encoding::utf8_percent_encode(v, FORM).to_string());
        };
        match creds.flow {
            Flow::Password => {
                let password = Zeroizing::new(format!(
                    "{}{}",
                    creds.password.expose_secret(),
                    creds.security_token.expose_secret()
                ));
                add("grant_type", "password");
                add("client_id", creds.client_id.expose_secret());
                add("client_secret", creds.client_secret.expose_secret());
                add("username", &creds.username);
                add("password", &password);
            }
            Flow::ClientCredentials => {
                add("grant_type", "client_credentials");
                add("client_id", creds.client_id.expose_secret());
                add("client_secret", creds.client_secret.expose_secret());
            }
        }
        let start = Instant::now();
        self.trace(&format!(
            "POST {} (form: grant_type, client_id, client_secret{}; values redacted)",
            creds.token_url,
            if creds.flow == Flow::Password {
                ", username, password"
            } else {
                ""
            }
        ));
        let resp = self
            .http_for(&creds.token_url)?
            .post(&creds.token_url)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            .body(form.as_bytes().to_vec())
            .send()
            .map_err(|e| network(&e))?;
        let status = resp.status().as_u16();
        let body = resp.bytes().map_err(|e| network(&e))?;
        let elapsed = start.elapsed();
        self.trace(&format!(
            "<- {status} from the token endpoint ({} ms)",
            elapsed.as_millis()
        ));
        let v: Value = serde_json::from_slice(&body).map_err(|_| SfError::Protocol {
            status,
            detail: describe_body(&body),
        })?;
        if status != 200 {
            return Err(
                match (
                    v.get("error").and_then(Value::as_str),
                    v.get("error_description").and_then(Value::as_str),
                ) {
                    (Some(e), d) => SfError::OAuth {
                        status,
                        error: e.to_string(),
                        description: d.unwrap_or("").to_string(),
                    },
                    _ => SfError::Protocol {
                        status,
                        detail: describe_body(&body),
                    },
                },
            );
        }
        let field = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        let token = field("access_token");
        if token.is_empty() {
            return Err(SfError::Protocol {
                status,
                detail: "the token response has no access_token".into(),
            });
        }
        let identity_url = field("id");
        let mut parts = identity_url.rsplit('/');
        let user_id = parts.next().unwrap_or("").to_string();
        let org_id = parts.next().unwrap_or("").to_string();
        Ok(Session {
            access_token: SecretString::from(token),
            instance_url: field("instance_url").trim_end_matches('/').to_string(),
            identity_url,
            org_id,
            user_id,
            issued_at: field("issued_at"),
            elapsed,
        })
    }

    /// The versions list (`GET /services/data/`, no authentication).
    pub fn versions(&self, instance_url: &str) -> Result<(Vec<String>, CallInfo), SfError> {
        let (v, info) = self.get_json(&format!("{instance_url}/services/data/"), None)?;
        let list = v
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.get("version").and_then(Value::as_str).map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        Ok((list, info))
    }

    /// `GET /services/data/vXX.X/search/?q=<SOSL>`.
    pub fn search(
        &self,
        session: &Session,
        version: &str,
        sosl: &str,
    ) -> Result<(Value, CallInfo), SfError> {
        let q = percent_encoding::utf8_percent_encode(sosl, FORM);
        self.get_json(
            &format!(
                "{}/services/data/v{version}/search/?q={q}",
                session.instance_url
            ),
            Some(session),
        )
    }

    /// `GET /services/data/vXX.X/query/?q=<SOQL>` (first page; screen pops ask for few rows).
    pub fn query(
        &self,
        session: &Session,
        version: &str,
        soql: &str,
    ) -> Result<(Value, CallInfo), SfError> {
        let q = percent_encoding::utf8_percent_encode(soql, FORM);
        self.get_json(
            &format!(
                "{}/services/data/v{version}/query/?q={q}",
                session.instance_url
            ),
            Some(session),
        )
    }

    /// A plain GET of any URL (the CRM Service's own endpoints): status and time,
    /// whatever the body.
    pub fn probe(&self, url: &str) -> Result<(u16, Duration), SfError> {
        let t = Instant::now();
        self.trace(&format!("GET {}", redact_url(url)));
        let resp = self
            .http_for(url)?
            .get(url)
            .send()
            .map_err(|e| network(&e))?;
        let status = resp.status().as_u16();
        let _ = resp.bytes();
        self.trace(&format!("<- {status} ({} ms)", t.elapsed().as_millis()));
        Ok((status, t.elapsed()))
    }

    /// An authenticated GET of a data-API path (`/services/data/...`), retried on
    /// 503 and broken connections, at most three times, with backoff and jitter.
    pub fn get_json(
        &self,
        url: &str,
        session: Option<&Session>,
    ) -> Result<(Value, CallInfo), SfError> {
        let start = Instant::now();
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.get_once(url, session) {
                Ok((v, usage)) => {
                    return Ok((
                        v,
                        CallInfo {
                            api_usage: usage,
                            elapsed: start.elapsed(),
                            attempts: attempt,
                        },
                    ));
                }
                Err(e) if e.retryable() && attempt <= MAX_RETRIES => {
                    let wait = backoff(attempt);
                    self.trace(&format!("retrying in {} ms after: {e}", wait.as_millis()));
                    std::thread::sleep(wait);
                }
                Err(e) => return Err(e),
            }
        }
    }

    fn get_once(
        &self,
        url: &str,
        session: Option<&Session>,
    ) -> Result<(Value, Option<(u64, u64)>), SfError> {
        let t = Instant::now();
        self.trace(&format!("GET {}", redact_url(url)));
        let mut req = self
            .http_for(url)?
            .get(url)
            .header("Accept", "application/json");
        if let Some(s) = session {
            let mut value = reqwest::header::HeaderValue::from_str(&format!(
                "Bearer {}",
                s.access_token.expose_secret()
            ))
            .map_err(|_| SfError::Protocol {
                status: 0,
                detail: "the access token is not a valid header value".into(),
            })?;
            value.set_sensitive(true);
            req = req.header(reqwest::header::AUTHORIZATION, value);
        }
        let resp = req.send().map_err(|e| network(&e))?;
        let status = resp.status().as_u16();
        let usage = resp
            .headers()
            .get("sforce-limit-info")
            .and_then(|h| h.to_str().ok())
            .and_then(parse_api_usage);
        let body = resp.bytes().map_err(|e| network(&e))?;
        self.trace(&format!(
            "<- {status} ({} bytes, {} ms)",
            body.len(),
            t.elapsed().as_millis()
        ));
        let parsed: Result<Value, _> = serde_json::from_slice(&body);
        match (status, parsed) {
            (200, Ok(v)) => Ok((v, usage)),
            (_, Ok(v)) => Err(api_error(status, &v).unwrap_or(SfError::Protocol {
                status,
                detail: describe_body(&body),
            })),
            (_, Err(_)) => Err(SfError::Protocol {
                status,
                detail: describe_body(&body),
            }),
        }
    }

    /// `POST /services/data/vXX.X/sobjects/<Object>/`: creates one record and returns
    /// its Id. Never retried: a create that timed out may have happened.
    pub fn create(
        &self,
        session: &Session,
        version: &str,
        object: &str,
        body: &Value,
    ) -> Result<(String, CallInfo), RecordError> {
        let url = format!(
            "{}/services/data/v{version}/sobjects/{object}/",
            session.instance_url
        );
        let (status, v, info) = self.write(reqwest::Method::POST, &url, session, Some(body))?;
        let id = v
            .as_ref()
            .and_then(|v| v.get("id"))
            .and_then(Value::as_str)
            .filter(|_| status == 201 || status == 200)
            .ok_or_else(|| {
                RecordError::from(SfError::Protocol {
                    status,
                    detail: "the create answer has no record id".into(),
                })
            })?;
        Ok((id.to_string(), info))
    }

    /// `GET .../sobjects/<Object>/<Id>`: every field of one record the user can see.
    pub fn retrieve(
        &self,
        session: &Session,
        version: &str,
        object: &str,
        id: &str,
    ) -> Result<(Value, CallInfo), SfError> {
        let id = percent_encoding::utf8_percent_encode(id, FORM);
        self.get_json(
            &format!(
                "{}/services/data/v{version}/sobjects/{object}/{id}",
                session.instance_url
            ),
            Some(session),
        )
    }

    /// `DELETE .../sobjects/<Object>/<Id>`: 204 on success.
    pub fn delete(
        &self,
        session: &Session,
        version: &str,
        object: &str,
        id: &str,
    ) -> Result<CallInfo, RecordError> {
        let id = percent_encoding::utf8_percent_encode(id, FORM);
        let url = format!(
            "{}/services/data/v{version}/sobjects/{object}/{id}",
            session.instance_url
        );
        self.write(reqwest::Method::DELETE, &url, session, None)
            .map(|(_, _, info)| info)
    }

    /// One authenticated write: the status and the JSON body (none for 204), or
    /// Salesforce's error with the `fields` it names.
    fn write(
        &self,
        method: reqwest::Method,
        url: &str,
        session: &Session,
        body: Option<&Value>,
    ) -> Result<(u16, Option<Value>, CallInfo), RecordError> {
        let t = Instant::now();
        self.trace(&format!("{method} {}", redact_url(url)));
        let mut auth = reqwest::header::HeaderValue::from_str(&format!(
            "Bearer {}",
            session.access_token.expose_secret()
        ))
        .map_err(|_| SfError::Protocol {
            status: 0,
            detail: "the access token is not a valid header value".into(),
        })?;
        auth.set_sensitive(true);
        let mut req = self
            .http_for(url)?
            .request(method, url)
            .header("Accept", "application/json")
            .header(reqwest::header::AUTHORIZATION, auth);
        if let Some(b) = body {
            req = req.header("Content-Type", "application/json").body(
                serde_json::to_vec(b).map_err(|e| SfError::Protocol {
                    status: 0,
                    detail: format!("cannot encode the record: {e}"),
                })?,
            );
        }
        let resp = req.send().map_err(|e| network(&e))?;
        let status = resp.status().as_u16();
        let usage = resp
            .headers()
            .get("sforce-limit-info")
            .and_then(|h| h.to_str().ok())
            .and_then(parse_api_usage);
        let bytes = resp.bytes().map_err(|e| network(&e))?;
        self.trace(&format!(
            "<- {status} ({} bytes, {} ms)",
            bytes.len(),
            t.elapsed().as_millis()
        ));
        let info = CallInfo {
            api_usage: usage,
            elapsed: t.elapsed(),
            attempts: 1,
        };
        let parsed: Option<Value> = serde_json::from_slice(&bytes).ok();
        if (200..300).contains(&status) {
            if parsed.is_none() && status != 204 {
                return Err(SfError::Protocol {
                    status,
                    detail: describe_body(&bytes),
                }
                .into());
            }
            return Ok((status, parsed, info));
        }
        let fields = parsed
            .as_ref()
            .and_then(|v| v.as_array()?.first()?.get("fields")?.as_array().cloned())
            .map(|a| {
                a.iter()
                    .filter_map(|f| f.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        let error = parsed
            .as_ref()
            .and_then(|v| api_error(status, v))
            .unwrap_or(SfError::Protocol {
                status,
                detail: describe_body(&bytes),
            });
        Err(RecordError { error, fields })
    }
}

/// `application/x-www-form-urlencoded`: everything but unreserved characters escaped.
const FORM: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn network(e: &reqwest::Error) -> SfError {
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(&format!(": {s}"));
        source = s.source();
    }
    SfError::Network(msg)
}

/// The first Salesforce error of a JSON array body.
fn api_error(status: u16, v: &Value) -> Option<SfError> {
    let first = v.as_array()?.first()?;
    Some(SfError::Api {
        status,
        code: first.get("errorCode")?.as_str()?.to_string(),
        message: first
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string(),
    })
}

/// A short, safe description of a body that is not JSON (an HTML error page).
fn describe_body(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let lower = text.to_ascii_lowercase();
    if let (Some(a), Some(b)) = (lower.find("<title>"), lower.find("</title>"))
        && a < b
    {
        return format!(
            "an HTML page titled \"{}\" (a proxy or maintenance page?)",
            text[a + 7..b].trim()
        );
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
fn backoff(attempt: u32) -> Duration {
    let base = 100u64 << (attempt - 1).min(4);
    let jitter = (std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0) as u64)
        % (base / 2 + 1);
    Duration::from_millis(base + jitter)
}

/// URLs carry search values, never secrets; long ones are shortened for traces.
fn redact_url(url: &str) -> String {
    match url.char_indices().nth(160) {
        Some((cut, _)) => format!("{}…", &url[..cut]),
        None => url.to_string(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Password,
    ClientCredentials,
}

/// What a login needs. Secrets stay wrapped until the form is built.
pub struct Credentials {
    pub token_url: String,
    pub flow: Flow,
    pub username: String,
    pub password: SecretString,
    pub security_token: SecretString,
    /// The token is already inside `password` (a decrypted Password setting), so an
    /// empty `security_token` says nothing about whether one was sent.
    pub token_in_password: bool,
    pub client_id: SecretString,
    pub client_secret: SecretString,
}

/// A logged-in session. The access token never leaves this struct except in the
/// Authorization header.
pub struct Session {
    pub access_token: SecretString,
    pub instance_url: String,
    pub identity_url: String,
    pub org_id: String,
    pub user_id: String,
    pub issued_at: String,
    pub elapsed: Duration,
}

/// `https://host` or `https://host/services/oauth2/token` -> the token URL.
pub fn token_url(login: &str) -> String {
    let t = login.trim().trim_end_matches('/');
    if t.ends_with("/services/oauth2/token") {
        t.to_string()
    } else {
        format!("{t}/services/oauth2/token")
    }
}

/// A refused record write: Salesforce's error and the fields it names (a restricted
/// picklist, a field the user cannot set).
#[derive(Debug, Clone)]
pub struct RecordError {
    pub error: SfError,
    pub fields: Vec<String>,
}

impl From<SfError> for RecordError {
    fn from(error: SfError) -> Self {
        RecordError {
            error,
            fields: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn token_urls_are_normalised() {
        assert_eq!(
            token_url("https://login.salesforce.com"),
            "https://login.salesforce.com/services/oauth2/token"
        );
        assert_eq!(
            token_url("https://x.my.salesforce.com/services/oauth2/token/"),
            "https://x.my.salesforce.com/services/oauth2/token"
        );
    }

    #[test]
    fn html_bodies_are_described_by_title() {
        assert!(
            describe_body(b"<html><head><title>503 Service Unavailable</title>")
                .contains("503 Service Unavailable")
        );
        assert_eq!(describe_body(b""), "an empty body");
    }
}
