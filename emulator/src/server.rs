//! HTTP plumbing: listeners, TLS, routing to the token endpoint and the data API,
//! faults, stats, gzip, and the headers of salesforce-api.md section 0.

use std::io::Write;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::task::{Context, Poll};
use std::time::Duration;

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
struct Answer {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
    headers: Vec<(&'static str, String)>,
}

impl Answer {
    fn json(status: u16, v: &Value) -> Self {
        Answer {
            status,
            content_type: JSON,
            body: serde_json::to_vec(v).unwrap_or_default(),
            headers: Vec::new(),
        }
    }

    fn error(e: &ApiError) -> Self {
        Self::json(e.status, &e.body())
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

pub fn route_name(method: &str, path: &str) -> &'static str {
    let p = path.trim_end_matches('/');
    if p == "/services/oauth2/token" {
        return "token";
    }
    if p == "/services/data" {
        return "versions";
    }
    if p.starts_with("/id/") {
        return "identity";
    }
    if p.eq_ignore_ascii_case("/CrmServiceSalesforce/api/v1/settings") {
        return "crm_settings";
    }
    if p.eq_ignore_ascii_case("/CrmServiceSalesforce") {
        return "crm_service";
    }
    let Some(rest) = p.strip_prefix("/services/data/") else {
        return "not_found";
    };
    let segs: Vec<&str> = rest.split('/').collect();
    match segs.as_slice() {
        [_] => "resources",
        [_, "search"] => "search",
        [_, "parameterizedSearch"] => "parameterizedSearch",
        [_, "query" | "queryAll"] => "query",
        [_, "query" | "queryAll", _] => "queryMore",
        [_, "limits"] => "limits",
        [_, "sobjects"] => "sobjects",
        [_, "sobjects", _, "describe"] => "describe",
        [_, "sobjects", _] if method == "POST" => "create",
        [_, "sobjects", _] => "sobject",
        [_, "sobjects", _, _] => "retrieve",
        _ => "not_found",
    }
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

/// `v60.0` (or `latest`) within the org's range; anything else is 404.
fn parse_version(seg: &str, shared: &Shared) -> Option<String> {
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
fn authenticate(shared: &Shared, header: Option<&str>) -> Result<String, ApiError> {
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

async fn data_api(
    shared: &Shared,
    req_method: &str,
    rest: &str,
    headers: &hyper::HeaderMap,
    query: &[(String, String)],
    body: &[u8],
) -> Answer {
    let (ver_seg, tail) = rest.split_once('/').unwrap_or((rest, ""));
    let Some(version) = parse_version(ver_seg, shared) else {
        return Answer::error(&ApiError::not_found());
    };
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok());
    let user_id = match authenticate(shared, auth) {
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
    let used = shared.api_calls.load(Ordering::Relaxed);
    if shared
        .faults
        .request_limit
        .is_some_and(|limit| used >= limit)
        || used >= api_limit
    {
        let mut a = Answer::error(&ApiError::new(
            403,
            "REQUEST_LIMIT_EXCEEDED",
            "TotalRequests Limit exceeded.",
        ));
        a.headers
            .push(("Sforce-Limit-Info", format!("api-usage={used}/{api_limit}")));
        return a;
    }
    let used = shared.api_calls.fetch_add(1, Ordering::Relaxed) + 1;
    let batch_size = headers
        .get("sforce-query-options")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.split(',')
                .find_map(|p| p.trim().strip_prefix("batchSize="))
                .and_then(|n| n.trim().parse().ok())
        });
    let call = crate::rest::Call {
        method: req_method,
        rest: tail.trim_end_matches('/'),
        query,
        body,
        batch_size,
        version: &version,
        user_id: &user_id,
    };
    let mut a = match crate::rest::dispatch(shared, &call) {
        Ok((status, v)) => Answer::json(status, &v),
        Err(e) => Answer::error(&e),
    };
    a.headers
        .push(("Sforce-Limit-Info", format!("api-usage={used}/{api_limit}")));
    a
}

fn identity(shared: &Shared, path: &str, headers: &hyper::HeaderMap) -> Answer {
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok());
    let user_id = match authenticate(shared, auth) {
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
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    if parts.len() != 3 || parts[1] != org.id || parts[2] != user_id {
        return Answer::error(&ApiError::not_found());
    }
    let user = org.user_by_id(&user_id).cloned().unwrap_or_default();
    Answer::json(
        200,
        &json!({
            "id": format!("{}{path}", shared.login_url),
            "asserted_user": true,
            "user_id": user_id,
            "organization_id": org.id,
            "username": user.username,
            "display_name": user.name,
            "active": user.active,
            "user_type": "STANDARD",
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

pub async fn handle(
    req: Request<Incoming>,
    shared: Arc<Shared>,
    host: HostKind,
    base: Arc<str>,
) -> Result<Response<Reply>, Dropped> {
    let method = req.method().as_str().to_string();
    let path = req.uri().path().to_string();
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
    let route = route_name(&method, &path);
    shared.count_route(route);
    let n = shared.requests.fetch_add(1, Ordering::Relaxed) + 1;
    if shared.faults.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(shared.faults.latency_ms)).await;
    }
    let fault = shared.faults.pick(n, &mut || shared.random());
    if fault == Some(FaultKind::Drop) {
        return Err(Dropped);
    }
    let body = match http_body_util::Limited::new(req.into_body(), MAX_BODY)
        .collect()
        .await
    {
        Ok(b) => b.to_bytes(),
        Err(_) => {
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
    if let Some(a) = fault.and_then(fault_answer) {
        return Ok(finish(a, &headers, false));
    }
    let p = path.trim_end_matches('/');
    let answer = if route == "token" {
        if method != "POST" {
            Answer::error(&ApiError::new(
                405,
                "METHOD_NOT_ALLOWED",
                format!("HTTP Method '{method}' not allowed. Allowed are POST"),
            ))
        } else {
            let ct = headers.get("content-type").and_then(|v| v.to_str().ok());
            let (status, v) = crate::oauth::token(&shared, ct, &body, host, &base);
            let mut a = Answer::json(status, &v);
            a.headers.push(("Cache-Control", "no-store".into()));
            a.headers.push(("Pragma", "no-cache".into()));
            a
        }
    } else if route == "versions" {
        Answer::json(200, &versions(&shared))
    } else if let Some(rest) = p.strip_prefix("/services/data/") {
        data_api(&shared, &method, rest, &headers, &query, &body).await
    } else if route == "identity" {
        identity(&shared, p, &headers)
    } else if route == "crm_settings" || route == "crm_service" {
        Answer::json(
            200,
            &json!({"service": "CrmServiceSalesforce", "status": "running", "emulated": true}),
        )
    } else {
        Answer::error(&ApiError::not_found())
    };
    Ok(finish(answer, &headers, fault == Some(FaultKind::Truncate)))
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
                conns.spawn(async move {
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
