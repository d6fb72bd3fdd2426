//! The one route table: method and path pattern -> label and handler. Adding a
//! route means adding a line to `ROUTES` (and its handler); the stats label, the
//! 405 answer and the composite subrequests all come from here.
//!
//! Patterns are `/`-separated: a literal segment (matched ignoring ASCII case),
//! `{v}` (an API version, `v60.0` or `latest`), `*` (any one segment, captured)
//! or a final `**` (the rest, zero or more segments, captured as one).

use serde_json::Value;

use crate::query_error::ApiError;
use crate::rest::Call;
use crate::server::{Answer, Req};
use crate::state::Shared;

pub type OpenFn = fn(&Shared, &Req) -> Answer;
pub type DataFn = fn(&Shared, &Call) -> Result<(u16, Value), ApiError>;
pub type RawFn = fn(&Shared, &Call) -> Result<Answer, ApiError>;

pub enum Handler {
    /// Outside the data API: no version, no session check here, not counted.
    Open(OpenFn),
    /// Under `/services/data/{v}/`: version checked, session required, counted
    /// against the daily limit, `Sforce-Limit-Info` on the answer.
    Data(DataFn),
    /// As `Data`, but the handler makes the whole answer (content type, headers):
    /// the CSV of Bulk API 2.0.
    Raw(RawFn),
}

pub struct Route {
    /// `GET` also allows `HEAD`.
    pub methods: &'static [&'static str],
    pub pattern: &'static str,
    /// Name in `/__emulator/stats`.
    pub label: &'static str,
    pub handler: Handler,
}

const fn open(
    methods: &'static [&'static str],
    pattern: &'static str,
    label: &'static str,
    f: OpenFn,
) -> Route {
    Route {
        methods,
        pattern,
        label,
        handler: Handler::Open(f),
    }
}

const fn data(
    methods: &'static [&'static str],
    pattern: &'static str,
    label: &'static str,
    f: DataFn,
) -> Route {
    Route {
        methods,
        pattern,
        label,
        handler: Handler::Data(f),
    }
}

const fn raw(
    methods: &'static [&'static str],
    pattern: &'static str,
    label: &'static str,
    f: RawFn,
) -> Route {
    Route {
        methods,
        pattern,
        label,
        handler: Handler::Raw(f),
    }
}

const GET: &[&str] = &["GET"];
const POST: &[&str] = &["POST"];

use crate::{auth, bulk2, composite, records, rest, server};

/// Every route, first match wins (so `describe` comes before `<Id>`).
pub static ROUTES: &[Route] = &[
    open(POST, "/services/oauth2/token", "token", server::token),
    open(GET, "/services/oauth2/userinfo", "userinfo", auth::userinfo),
    open(POST, "/services/Soap/u/*", "soap_login", auth::soap_login),
    open(GET, "/services/data", "versions", server::versions_route),
    open(GET, "/id/*/*", "identity", server::identity),
    open(
        GET,
        "/CrmServiceSalesforce/api/v1/settings",
        "crm_settings",
        server::crm_service,
    ),
    open(
        GET,
        "/CrmServiceSalesforce",
        "crm_service",
        server::crm_service,
    ),
    data(
        GET,
        "/services/data/{v}",
        "resources",
        rest::resources_route,
    ),
    data(
        GET,
        "/services/data/{v}/search",
        "search",
        rest::search_route,
    ),
    data(
        &["GET", "POST"],
        "/services/data/{v}/parameterizedSearch",
        "parameterizedSearch",
        rest::parameterized_route,
    ),
    data(GET, "/services/data/{v}/query", "query", rest::query_route),
    data(
        GET,
        "/services/data/{v}/queryAll",
        "query",
        rest::query_route,
    ),
    data(
        GET,
        "/services/data/{v}/query/*",
        "queryMore",
        rest::query_more_route,
    ),
    data(
        GET,
        "/services/data/{v}/queryAll/*",
        "queryMore",
        rest::query_more_route,
    ),
    data(
        GET,
        "/services/data/{v}/limits",
        "limits",
        rest::limits_route,
    ),
    data(
        POST,
        "/services/data/{v}/composite",
        "composite",
        composite::composite,
    ),
    data(
        POST,
        "/services/data/{v}/composite/batch",
        "composite_batch",
        composite::batch,
    ),
    data(
        &["GET", "POST", "PATCH", "DELETE"],
        "/services/data/{v}/composite/sobjects",
        "collections",
        composite::collections,
    ),
    data(
        GET,
        "/services/data/{v}/composite/sobjects/*",
        "collections",
        composite::collections_retrieve,
    ),
    data(
        GET,
        "/services/data/{v}/sobjects",
        "sobjects",
        rest::sobjects_route,
    ),
    data(
        GET,
        "/services/data/{v}/sobjects/*/describe",
        "describe",
        rest::describe_route,
    ),
    data(
        POST,
        "/services/data/{v}/sobjects/*",
        "create",
        records::create_route,
    ),
    data(
        GET,
        "/services/data/{v}/sobjects/*",
        "sobject",
        rest::sobject_route,
    ),
    data(
        GET,
        "/services/data/{v}/sobjects/*/*",
        "retrieve",
        records::retrieve_route,
    ),
    data(
        &["PATCH"],
        "/services/data/{v}/sobjects/*/*",
        "update",
        records::update_route,
    ),
    data(
        &["DELETE"],
        "/services/data/{v}/sobjects/*/*",
        "delete",
        records::delete_route,
    ),
    data(
        GET,
        "/services/data/{v}/sobjects/*/*/*",
        "retrieve_by_field",
        records::by_field_route,
    ),
    // Bulk API 2.0 (src/bulk2/).
    raw(
        &["GET", "POST"],
        "/services/data/{v}/jobs/query",
        "bulk_query_jobs",
        bulk2::query::jobs_route,
    ),
    raw(
        &["GET", "PATCH", "DELETE"],
        "/services/data/{v}/jobs/query/*",
        "bulk_query_job",
        bulk2::query::job_route,
    ),
    raw(
        GET,
        "/services/data/{v}/jobs/query/*/results",
        "bulk_query_results",
        bulk2::query::results_route,
    ),
    raw(
        &["GET", "POST"],
        "/services/data/{v}/jobs/ingest",
        "bulk_ingest_jobs",
        bulk2::ingest::jobs_route,
    ),
    raw(
        &["GET", "PATCH", "DELETE"],
        "/services/data/{v}/jobs/ingest/*",
        "bulk_ingest_job",
        bulk2::ingest::job_route,
    ),
    raw(
        &["PUT"],
        "/services/data/{v}/jobs/ingest/*/batches",
        bulk2::UPLOAD_LABEL,
        bulk2::ingest::upload_route,
    ),
    raw(
        GET,
        "/services/data/{v}/jobs/ingest/*/*",
        "bulk_ingest_results",
        bulk2::ingest::results_route,
    ),
    // Anything else under a version still needs a session (then 404).
    data(
        &["GET", "POST", "PATCH", "PUT", "DELETE"],
        "/services/data/{v}/**",
        "not_found",
        rest::not_found_route,
    ),
];

/// A path matched against a pattern: the version segment and the captures.
#[derive(Debug, Default, Clone)]
pub struct Matched<'p> {
    pub version: Option<&'p str>,
    pub args: Vec<String>,
}

/// `//services/data/...` (as `sf` sends it) is `/services/data/...`; a trailing
/// slash is dropped.
pub fn normalize(path: &str) -> String {
    let trimmed = path.trim_start_matches('/').trim_end_matches('/');
    format!("/{trimmed}")
}

pub fn match_pattern<'p>(pattern: &str, path: &'p str) -> Option<Matched<'p>> {
    match_segments(pattern, &segments(path))
}

fn segments(path: &str) -> Vec<&str> {
    path.trim_start_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .collect()
}

fn match_segments<'p>(pattern: &str, segs: &[&'p str]) -> Option<Matched<'p>> {
    let mut m = Matched::default();
    let mut i = 0;
    let mut pats = pattern.trim_start_matches('/').split('/').peekable();
    while let Some(p) = pats.next() {
        if p == "**" && pats.peek().is_none() {
            m.args.push(segs.get(i..).unwrap_or(&[]).join("/"));
            return Some(m);
        }
        let s = *segs.get(i)?;
        match p {
            "{v}" => m.version = Some(s),
            "*" => m.args.push(decode(s)),
            lit if lit.eq_ignore_ascii_case(s) => {}
            _ => return None,
        }
        i += 1;
    }
    (i == segs.len()).then_some(m)
}

fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

fn allows(route: &Route, method: &str) -> bool {
    route
        .methods
        .iter()
        .any(|m| *m == method || (*m == "GET" && method == "HEAD"))
}

/// What the table says about a request.
pub enum Found<'p> {
    Route(&'static Route, Matched<'p>),
    /// The path exists, the method does not: 405 with the allowed list.
    WrongMethod(&'static Route, Matched<'p>, String),
    None,
}

impl Found<'_> {
    pub fn label(&self) -> &'static str {
        match self {
            Found::Route(r, _) | Found::WrongMethod(r, _, _) => r.label,
            Found::None => "not_found",
        }
    }
}

pub fn find<'p>(method: &str, path: &'p str) -> Found<'p> {
    let segs = segments(path);
    let mut first: Option<(&'static Route, Matched<'p>)> = None;
    let mut allowed: Vec<&str> = Vec::new();
    for r in ROUTES {
        let Some(m) = match_segments(r.pattern, &segs) else {
            continue;
        };
        // The catch-all only counts when nothing more specific matched.
        if r.label == "not_found" && first.is_some() {
            break;
        }
        if allows(r, method) {
            return Found::Route(r, m);
        }
        for meth in r.methods {
            if !allowed.contains(meth) {
                allowed.push(meth);
                if *meth == "GET" {
                    allowed.push("HEAD");
                }
            }
        }
        if first.is_none() {
            first = Some((r, m));
        }
    }
    match first {
        Some((r, m)) => Found::WrongMethod(r, m, allowed.join(",")),
        None => Found::None,
    }
}

pub fn method_not_allowed(method: &str, allowed: &str) -> ApiError {
    ApiError::new(
        405,
        "METHOD_NOT_ALLOWED",
        format!("HTTP Method '{method}' not allowed. Allowed are {allowed}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_capture_and_normalize() {
        let m = match_pattern(
            "/services/data/{v}/sobjects/*/*",
            "/services/data/v60.0/sobjects/Task/00T1",
        )
        .expect("match");
        assert_eq!(m.version, Some("v60.0"));
        assert_eq!(m.args, ["Task", "00T1"]);
        assert!(
            match_pattern(
                "/services/data/{v}/sobjects/*",
                "/services/data/v60.0/sobjects/a/b"
            )
            .is_none()
        );
        assert_eq!(
            normalize("//services/data/v60.0/query/"),
            "/services/data/v60.0/query"
        );
        let all = match_pattern("/services/data/{v}/**", "/services/data/v60.0").expect("rest");
        assert_eq!(all.args, [""]);
    }

    #[test]
    fn every_route_is_reachable_by_its_own_pattern() {
        for r in ROUTES {
            let path = r
                .pattern
                .replace("{v}", "v60.0")
                .replace("/**", "/x/y")
                .replace('*', "Account");
            let found = find(r.methods[0], &path);
            assert!(
                matches!(found, Found::Route(fr, _) if std::ptr::eq(fr, r)),
                "{} {} is shadowed",
                r.methods[0],
                r.pattern
            );
        }
    }
}
