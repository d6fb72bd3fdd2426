//! HTTP plumbing: listeners, TLS, routing to the token endpoint and the data API,
//! faults, stats, gzip, and the headers of salesforce-api.md section 0.

use std::io::Write;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body::{Body, Frame};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use serde_json::{Value, json};
use tokio::net::TcpListener;

use crate::faults::FaultKind;
use crate::query_error::ApiError;
use crate::state::{HostKind, Shared};

const JSON: &str = "application/json;charset=UTF-8";
const MAX_BODY: usize = 1 << 20;

/// A response body: whole, or cut short to simulate a truncated answer.
pub struct Reply {
    data: Option<Bytes>,
    fail_after: bool,
}

impl Body for Reply {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        if let Some(d) = self.data.take() {
            return Poll::Ready(Some(Ok(Frame::data(d))));
        }
        if self.fail_after {
            self.fail_after = false;
            return Poll::Ready(Some(Err(std::io::Error::new(
                std::io::ErrorKind::ConnectionAborted,
                "truncated by fault",
            ))));
        }
        Poll::Ready(None)
    }

    fn is_end_stream(&self) -> bool {
        self.data.is_none() && !self.fail_after
    }

    fn size_hint(&self) -> http_body::SizeHint {
        match (&self.data, self.fail_after) {
            (Some(d), false) => http_body::SizeHint::with_exact(d.len() as u64),
            (None, false) => http_body::SizeHint::with_exact(0),
            _ => http_body::SizeHint::default(),
        }
    }
}

/// What a route answers, before faults and encoding.
/// What a route answers, before faults and encoding.
pub struct Answer {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    pub headers: Vec<(&'static str, String)>,
}

impl Answer {
    pub fn json(status: u16, v: &Value) -> Self {
        Answer {
            status,
            content_type: JSON,
            // 204 No Content has no body at all.
            body: if status == 204 {
                Vec::new()
            } else {
                serde_json::to_vec(v).unwrap_or_default()
            },
            headers: Vec::new(),
        }
    }

    pub fn error(e: &ApiError) -> Self {
        Self::json(e.status, &e.body())
    }

    pub fn xml(status: u16, body: String) -> Self {
        Answer {
            status,
            content_type: "text/xml;charset=UTF-8",
            body: body.into_bytes(),
            headers: Vec::new(),
        }
    }
}

/// A request as the route handlers see it.
pub struct Req<'a> {
    pub method: &'a str,
    /// Normalized: one leading slash, no trailing slash.
    pub path: &'a str,
    pub args: &'a [String],
    pub query: &'a [(String, String)],
    pub headers: &'a hyper::HeaderMap,
    pub body: &'a [u8],
    pub host: HostKind,
    /// The scheme and authority of the host that received the request.
    pub base: &'a str,
}

impl Req<'_> {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// The connection is to be closed without an answer.
#[derive(Debug)]
pub struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by fault")
    }
}

impl std::error::Error for Dropped {}

/// The stats label of a request (see `routes::ROUTES`).
pub fn route_name(method: &str, path: &str) -> &'static str {
    crate::routes::find(method, &crate::routes::normalize(path)).label()
}

fn query_pairs(q: Option<&str>) -> Vec<(String, String)> {
    q.map(|q| crate::oauth::form_pairs(q.as_bytes()))
        .unwrap_or_default()
}

/// Release labels: v31.0 is Summer '14, then Winter, Spring, Summer each year.
pub fn release_label(v: u32) -> String {
    let idx = v.saturating_sub(31);
    let season = ["Summer", "Winter", "Spring"][(idx % 3) as usize];
    format!("{season} '{:02}", 14 + idx.div_ceil(3))
}

fn versions(shared: &Shared) -> Value {
    let s = shared
        .org
        .read()
        .map(|o| o.settings.clone())
        .unwrap_or_default();
    Value::Array(
        (s.min_api_version..=s.max_api_version)
            .map(|v| json!({"label": release_label(v), "url": format!("/services/data/v{v}.0"), "version": format!("{v}.0")}))
            .collect(),
    )
}

pub fn versions_route(shared: &Shared, _req: &Req) -> Answer {
    Answer::json(200, &versions(shared))
}

pub fn crm_service(_shared: &Shared, _req: &Req) -> Answer {
    Answer::json(
        200,
        &json!({"service": "CrmServiceSalesforce", "status": "running", "emulated": true}),
    )
}

pub fn token(shared: &Shared, req: &Req) -> Answer {
    let (status, v) = crate::oauth::token(shared, req);
    let mut a = Answer::json(status, &v);
    a.headers.push(("Cache-Control", "no-store".into()));
    a.headers.push(("Pragma", "no-cache".into()));
    a
}

/// `v60.0` (or `latest`) within the org's range; anything else is 404.
pub fn parse_version(seg: &str, shared: &Shared) -> Option<String> {
    let s = shared
        .org
        .read()
        .map(|o| o.settings.clone())
        .unwrap_or_default();
    if seg == "latest" {
        return Some(format!("{}.0", s.max_api_version));
    }
    let num = seg.strip_prefix('v')?.strip_suffix(".0")?;
    if num.is_empty() || !num.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u32 = num.parse().ok()?;
    (s.min_api_version..=s.max_api_version)
        .contains(&n)
        .then(|| format!("{n}.0"))
}

/// Checks the Authorization header and the session; returns the user id.
pub fn authenticate(shared: &Shared, header: Option<&str>) -> Result<String, ApiError> {
    let invalid = || ApiError::new(401, "INVALID_SESSION_ID", "Session expired or invalid");
    let header = header.ok_or_else(invalid)?.trim();
    let token = match header.split_once(' ') {
        Some((scheme, t))
            if scheme.eq_ignore_ascii_case("Bearer") || scheme.eq_ignore_ascii_case("OAuth") =>
        {
            t.trim()
        }
        _ => {
            return Err(ApiError::new(
                401,
                "INVALID_AUTH_HEADER",
                "INVALID_HEADER_TYPE",
            ));
        }
    };
    let mut sessions = shared.sessions.lock().unwrap_or_else(|e| e.into_inner());
    let session = sessions.get_mut(token).ok_or_else(invalid)?;
    session.requests += 1;
    let f = &shared.faults;
    let expired = f.token_ttl_requests.is_some_and(|n| session.requests > n)
        || f.token_ttl_seconds
            .is_some_and(|s| session.issued.elapsed() >= Duration::from_secs(s));
    if expired {
        sessions.remove(token);
        return Err(invalid());
    }
    Ok(session.user_id.clone())
}

fn limit_header(shared: &Shared, api_limit: u64) -> (&'static str, String) {
    let used = shared.api_calls.load(Ordering::Relaxed);
    ("Sforce-Limit-Info", format!("api-usage={used}/{api_limit}"))
}

/// A data API call: version, session, the user's API permission, the daily limit,
/// then the route's handler.
fn data_api(
    shared: &Shared,
    req: &Req,
    version_seg: &str,
    route: Result<&crate::routes::Handler, String>,
) -> Answer {
    let Some(version) = parse_version(version_seg, shared) else {
        return Answer::error(&ApiError::not_found());
    };
    let user_id = match authenticate(shared, req.header("authorization")) {
        Ok(u) => u,
        Err(e) => return Answer::error(&e),
    };
    let (user, api_limit) = {
        let org = shared.org.read().unwrap_or_else(|e| e.into_inner());
        (
            org.user_by_id(&user_id).cloned().unwrap_or_default(),
            org.settings.api_limit,
        )
    };
    if !user.api_enabled {
        return Answer::error(&ApiError::new(
            403,
            "API_DISABLED_FOR_ORG",
            "The REST API is not enabled for this Organization.",
        ));
    }
    if user.password_expired {
        return Answer::error(&ApiError::new(
            403,
            "INVALID_OPERATION_WITH_EXPIRED_PASSWORD",
            "Your password has expired. Please reset your password.",
        ));
    }
    if !shared.take_api_call(api_limit) {
        let mut a = Answer::error(&ApiError::new(
            403,
            "REQUEST_LIMIT_EXCEEDED",
            "TotalRequests Limit exceeded.",
        ));
        a.headers.push(limit_header(shared, api_limit));
        return a;
    }
    let batch_size = req.header("sforce-query-options").and_then(|v| {
        v.split(',')
            .find_map(|p| p.trim().strip_prefix("batchSize="))
            .and_then(|n| n.trim().parse().ok())
    });
    let rest_path = req.path.split('/').skip(4).collect::<Vec<_>>().join("/");
    let call = crate::rest::Call {
        method: req.method,
        rest: &rest_path,
        query: req.query,
        body: req.body,
        batch_size,
        version: &version,
        user_id: &user_id,
        args: req.args,
    };
    use crate::routes::Handler;
    let result = match route {
        Ok(Handler::Data(f)) => f(shared, &call).map(|(status, v)| Answer::json(status, &v)),
        Ok(Handler::Raw(f)) => f(shared, &call),
        Ok(Handler::Open(_)) => Err(ApiError::not_found()),
        Err(allowed) => Err(crate::routes::method_not_allowed(req.method, &allowed)),
    };
    let mut a = result.unwrap_or_else(|e| Answer::error(&e));
    a.headers.push(limit_header(shared, api_limit));
    a
}

pub fn identity(shared: &Shared, req: &Req) -> Answer {
    let user_id = match authenticate(shared, req.header("authorization")) {
        Ok(u) => u,
        Err(_) => {
            return Answer {
                status: 403,
                content_type: "text/plain;charset=UTF-8",
                body: b"Bad_OAuth_Token".to_vec(),
                headers: Vec::new(),
            };
        }
    };
    let org = shared.org.read().unwrap_or_else(|e| e.into_inner());
    if req.args.len() != 2 || req.args[0] != org.id || req.args[1] != user_id {
        return Answer::error(&ApiError::not_found());
    }
    let user = org.user_by_id(&user_id).cloned().unwrap_or_default();
    Answer::json(
        200,
        &json!({
            "id": format!("{}{}", shared.login_url, req.path),
            "asserted_user": true,
            "user_id": user_id,
            "organization_id": org.id,
            "username": user.username,
            "display_name": user.name,
            "email": user.email(),
            "active": user.active,
            "user_type": "STANDARD",
            "urls": crate::auth::urls(&shared.instance_url, &org.id, &user_id),
        }),
    )
}

fn fault_answer(kind: FaultKind) -> Option<Answer> {
    match kind {
        FaultKind::Status500 => Some(Answer::error(&ApiError::new(500, "UNKNOWN_EXCEPTION", "An unexpected error occurred. Please include this ErrorId if you contact support: 1834571-12345 (-1234567)"))),
        FaultKind::Status503 => Some(Answer::error(&ApiError::new(503, "SERVER_UNAVAILABLE", "Server too busy"))),
        FaultKind::Html => Some(Answer {
            status: 503,
            content_type: "text/html; charset=UTF-8",
            body: b"<!DOCTYPE html>\n<html><head><title>503 Service Unavailable</title></head>\n<body><h1>Service Unavailable</h1><p>The server is temporarily unable to service your request due to maintenance downtime or capacity problems. Please try again later.</p></body></html>\n".to_vec(),
            headers: Vec::new(),
        }),
        FaultKind::Truncate | FaultKind::Drop => None,
    }
}

/// Waits until `deadline`, so an answer leaves at arrival + latency. The tokio timer
/// has millisecond ticks and its driver rounds its poll timeout up, so it can wake
/// 2 ms late: it is used until 3 ms before, and the task then yields until the
/// instant. Yielding keeps the runtime's one thread awake for those last
/// milliseconds: a thread woken from idle (a timer, another thread's signal) costs
/// a few hundred microseconds on a virtual machine, each time.
async fn wait_until(deadline: Instant) {
    const TIMER_SLACK: Duration = Duration::from_millis(3);
    let now = Instant::now();
    if deadline <= now {
        return;
    }
    if deadline - now > TIMER_SLACK {
        tokio::time::sleep_until((deadline - TIMER_SLACK).into()).await;
    }
    // Bounded: at most TIMER_SLACK of yielding, less when the timer woke late.
    while Instant::now() < deadline {
        tokio::task::yield_now().await;
    }
}

pub async fn handle(
    req: Request<Incoming>,
    shared: Arc<Shared>,
    host: HostKind,
    base: Arc<str>,
) -> Result<Response<Reply>, Dropped> {
    let arrival = Instant::now();
    let deadline = arrival + Duration::from_millis(shared.faults.latency_ms);
    let method = req.method().as_str().to_string();
    let path = crate::routes::normalize(req.uri().path());
    let query = query_pairs(req.uri().query());
    let headers = req.headers().clone();
    if path == "/__emulator/stats" {
        return Ok(finish(
            Answer::json(
                200,
                &serde_json::to_value(shared.stats()).unwrap_or_default(),
            ),
            &headers,
            false,
        ));
    }
    let found = crate::routes::find(&method, &path);
    shared.count_route(found.label());
    if let Some(e) = crate::bulk2::limits::uri_and_headers(req.uri(), &headers) {
        wait_until(deadline).await;
        return Ok(finish(Answer::error(&e), &headers, false));
    }
    let max_body = crate::bulk2::limits::max_body(&shared, found.label(), MAX_BODY);
    let n = shared.requests.fetch_add(1, Ordering::Relaxed) + 1;
    let fault = shared.faults.pick(n, &mut || shared.random());
    if fault == Some(FaultKind::Drop) {
        wait_until(deadline).await;
        return Err(Dropped);
    }
    let body = match http_body_util::Limited::new(req.into_body(), max_body)
        .collect()
        .await
    {
        Ok(b) => b.to_bytes(),
        Err(_) => {
            wait_until(deadline).await;
            return Ok(finish(
                Answer::error(&ApiError::new(
                    413,
                    "REQUEST_ENTITY_TOO_LARGE",
                    "Request body too large",
                )),
                &headers,
                false,
            ));
        }
    };
    let answer = if let Some(a) = fault.and_then(fault_answer) {
        a
    } else {
        use crate::routes::{Found, Handler};
        let empty = crate::routes::Matched::default();
        let (route, matched, allowed) = match &found {
            Found::Route(r, m) => (Some(*r), m, None),
            Found::WrongMethod(r, m, allowed) => (Some(*r), m, Some(allowed.clone())),
            Found::None => (None, &empty, None),
        };
        let req = Req {
            method: &method,
            path: &path,
            args: &matched.args,
            query: &query,
            headers: &headers,
            body: &body,
            host,
            base: &base,
        };
        match (route.map(|r| &r.handler), allowed) {
            (Some(h @ (Handler::Data(_) | Handler::Raw(_))), allowed) => data_api(
                &shared,
                &req,
                matched.version.unwrap_or(""),
                allowed.map_or(Ok(h), Err),
            ),
            (Some(Handler::Open(_)), Some(allowed)) => {
                Answer::error(&crate::routes::method_not_allowed(&method, &allowed))
            }
            (Some(Handler::Open(f)), None) => f(&shared, &req),
            (None, _) => Answer::error(&ApiError::not_found()),
        }
    };
    // Encoded (gzip) before the wait, so the answer leaves at arrival + latency.
    let response = finish(answer, &headers, fault == Some(FaultKind::Truncate));
    wait_until(deadline).await;
    Ok(response)
}

fn finish(a: Answer, req_headers: &hyper::HeaderMap, truncate: bool) -> Response<Reply> {
    let gzip = req_headers
        .get("accept-encoding")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|e| e.trim().split(';').next() == Some("gzip"))
        });
    let mut body = a.body;
    let mut b = Response::builder()
        .status(StatusCode::from_u16(a.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR));
    b = b.header("Content-Type", a.content_type);
    for (k, v) in &a.headers {
        b = b.header(*k, v.as_str());
    }
    if gzip && !body.is_empty() {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        if enc.write_all(&body).is_ok()
            && let Ok(z) = enc.finish()
        {
            body = z;
            b = b
                .header("Content-Encoding", "gzip")
                .header("Vary", "Accept-Encoding");
        }
    }
    let reply = if truncate {
        b = b.header("Content-Length", body.len().to_string());
        let half = body.len() / 2;
        Reply {
            data: Some(Bytes::from(body).slice(..half)),
            fail_after: true,
        }
    } else {
        Reply {
            data: Some(Bytes::from(body)),
            fail_after: false,
        }
    };
    b.body(reply).unwrap_or_else(|_| {
        Response::new(Reply {
            data: None,
            fail_after: false,
        })
    })
}

/// Accepts connections until `shutdown` fires; each is served with keep-alive.
pub async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    host: HostKind,
    base: Arc<str>,
    tls: Option<tokio_rustls::TlsAcceptor>,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
) {
    let mut conns = tokio::task::JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let _ = stream.set_nodelay(true);
                shared.count_connection();
                let (shared, base, tls) = (shared.clone(), base.clone(), tls.clone());
                let ready = Instant::now() + Duration::from_millis(shared.faults.connect_latency_ms);
                conns.spawn(async move {
                    // Models a handshake: nothing is read or written before it.
                    wait_until(ready).await;
                    let svc = hyper::service::service_fn(move |req| handle(req, shared.clone(), host, base.clone()));
                    let http = hyper::server::conn::http1::Builder::new();
                    match tls {
                        Some(acceptor) => {
                            if let Ok(s) = acceptor.accept(stream).await {
                                let _ = http.serve_connection(hyper_util::rt::TokioIo::new(s), svc).await;
                            }
                        }
                        None => {
                            let _ = http.serve_connection(hyper_util::rt::TokioIo::new(stream), svc).await;
                        }
                    }
                });
            }
            _ = shutdown.changed() => break,
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    }
    conns.abort_all();
}
