//! Endpoints: the UCC side (ListsEndpoints, CrmServiceUrl, `.local` FQDNs) and the
//! Salesforce side (ApplicationHost, LoginEndPoint, ApiEndPoint), test orgs on this machine.

use super::urls::{
    HostKind, LoginTarget, host_kind, is_sandbox_host, is_token_path, login_target, parse_url,
};
use super::{Ctx, RETIRED_BELOW, Severity, exact, is_placeholder};
use crate::settings::Row;

const LOCAL_REASON: &str = "the documents ask for a \".local\" FQDN, especially with several UCC services in one region: otherwise the UCC cannot reach the right web server internally and the WebAgent misbehaves";
const MY_DOMAIN_HINT: &str = "use the org's My Domain URL, https://<MyDomain>.my.salesforce.com/ (a sandbox: https://<MyDomain>--<sandbox>.sandbox.my.salesforce.com/), as Setup > My Domain shows it";
/// The test-org hints name `crmctl emulate` as a command of the default build: a build
/// without the emulated org (`--no-default-features`) has none.
const TEST_ORG_HINT: &str = "fine for CI against a test org such as `crmctl emulate` (a command of the default build); a CRM Service in production needs the org's https Salesforce URL";
const LOGIN_WHERE_THE_ORG_IS: &str = "log in where the org is: a test org's own URL + /services/oauth2/token (as `crmctl emulate` of the default build prints it); login.salesforce.com, test.salesforce.com or the org's own My Domain for a real org";

/// The rules of this family for one UCC.
pub(super) fn check(c: &mut Ctx<'_>) {
    let ucc = c.ucc;
    use Severity::{Error, Warning};
    // Endpoints of the UCC side.
    let crm_url = exact(ucc, "CrmServiceUrl");
    let crm_host = crm_url.and_then(|r| {
        let ok = parse_url(&r.value).filter(|u| {
            matches!(u.scheme.as_str(), "http" | "https")
                && u.path
                    .trim_end_matches('/')
                    .eq_ignore_ascii_case("/CrmServiceSalesforce")
        });
        if ok.is_none() {
            c.at(
                Some(r),
                None,
                Error,
                "crm-service-url",
                format!(
                    "CrmServiceUrl `{}` is not http://FQDN/CrmServiceSalesforce",
                    r.value.trim()
                ),
                "set it to http://<fqdn>/CrmServiceSalesforce, reachable from the WebAgentService",
            );
        }
        ok.map(|u| u.host)
    });
    if crm_url.is_none() {
        c.at(
            None,
            Some("CrmServiceUrl"),
            Error,
            "crm-service-url",
            "CrmServiceUrl is missing (scope WebAgentService)".into(),
            "add http://<fqdn>/CrmServiceSalesforce",
        );
    }
    match exact(ucc, "ListsEndpoints") {
        None => c.at(
            None,
            Some("ListsEndpoints"),
            Error,
            "lists-endpoint",
            "ListsEndpoints is missing (scope ListsPlugin)".into(),
            "add http://<fqdn>/CrmServiceSalesforce/api/v1/settings to ListsEndpoints",
        ),
        Some(r) => {
            let entries: Vec<&str> = r
                .value
                .split([';', ',', '\n', '\r'])
                .map(str::trim)
                .filter(|e| !e.is_empty())
                .collect();
            let crm = entries.iter().filter_map(|e| parse_url(e)).find(|u| {
                u.path
                    .trim_end_matches('/')
                    .eq_ignore_ascii_case("/CrmServiceSalesforce/api/v1/settings")
            });
            match crm {
                None => c.at(
                    Some(r),
                    None,
                    Error,
                    "lists-endpoint",
                    "ListsEndpoints has no http://FQDN/CrmServiceSalesforce/api/v1/settings entry"
                        .into(),
                    "add the CRM Service's settings endpoint, separated from the others by `;`",
                ),
                Some(u) => {
                    if let Some(h) = &crm_host
                        && *h != u.host
                    {
                        c.at(
                            Some(r),
                            None,
                            Error,
                            "endpoint-host-mismatch",
                            format!(
                                "ListsEndpoints points at {} but CrmServiceUrl at {h}",
                                u.host
                            ),
                            "both must name the same CRM Service host",
                        );
                    }
                    if !u.host.ends_with(".local") {
                        c.at(
                            Some(r),
                            None,
                            Warning,
                            "not-local",
                            format!("ListsEndpoints uses {}, not a .local FQDN", u.host),
                            LOCAL_REASON,
                        );
                    }
                }
            }
        }
    }
    if let (Some(h), Some(r)) = (&crm_host, crm_url)
        && !h.ends_with(".local")
    {
        c.at(
            Some(r),
            None,
            Warning,
            "not-local",
            format!("CrmServiceUrl uses {h}, not a .local FQDN"),
            LOCAL_REASON,
        );
    }
    // Salesforce endpoints.
    let app = exact(ucc, "ApplicationHost").filter(|r| !is_placeholder(&r.value));
    // The kind and host of a usable ApplicationHost, for the LoginEndPoint checks.
    let app_host = app.and_then(|r| {
        let parsed = parse_url(&r.value);
        let Some(u) = parsed.filter(|u| matches!(u.scheme.as_str(), "http" | "https")) else {
            c.at(Some(r), None, Error, "application-host", format!("ApplicationHost `{}` is not an https Salesforce URL", r.value.trim()), MY_DOMAIN_HINT);
            return None;
        };
        let kind = host_kind(&u.host);
        match kind {
            HostKind::Loopback => {
                c.at(
                    Some(r),
                    None,
                    Warning,
                    "test-org",
                    format!("ApplicationHost points at a test org on this machine ({})", u.host),
                    TEST_ORG_HINT,
                );
                return Some((kind, u.host));
            }
            HostKind::Login { .. } => c.at(
                Some(r),
                None,
                Error,
                "application-host",
                format!("ApplicationHost `{}` is {} ({}): it takes logins and serves no org data", r.value.trim(), kind.describe(), u.host),
                MY_DOMAIN_HINT,
            ),
            HostKind::Browser => c.at(
                Some(r),
                None,
                Error,
                "application-host",
                format!("ApplicationHost `{}` is {} (Lightning, Visualforce, a site), not the org's API host", r.value.trim(), kind.describe()),
                MY_DOMAIN_HINT,
            ),
            HostKind::Other => c.at(Some(r), None, Error, "application-host", format!("ApplicationHost `{}` is not an https Salesforce URL", r.value.trim()), MY_DOMAIN_HINT),
            HostKind::MyDomain { .. } | HostKind::Instance { .. } if u.scheme != "https" => c.at(Some(r), None, Error, "application-host", format!("ApplicationHost `{}` is not an https Salesforce URL", r.value.trim()), MY_DOMAIN_HINT),
            HostKind::MyDomain { .. } | HostKind::Instance { .. } => return Some((kind, u.host)),
        }
        None
    });
    if let Some(r) = exact(ucc, "LoginEndPoint").filter(|r| !is_placeholder(&r.value)) {
        let login = parse_url(&r.value);
        match login {
            Some(u) if login_target(&r.value) == LoginTarget::Loopback => c.at(
                Some(r),
                None,
                Warning,
                "test-org",
                format!("LoginEndPoint points at a test org on this machine ({})", u.host),
                TEST_ORG_HINT,
            ),
            Some(u) if u.scheme == "https" && is_token_path(&u.path) && (u.host == "login.salesforce.com" || u.host == "test.salesforce.com" || u.host.ends_with(".my.salesforce.com")) => {
                if let Some((kind, a)) = &app_host
                    && *kind != HostKind::Loopback
                    && is_sandbox_host(&u.host) != kind.is_sandbox() {
                        let (l, o) = if is_sandbox_host(&u.host) { ("a sandbox", "a production") } else { ("production", "a sandbox") };
                        c.at(Some(r), None, Warning, "sandbox-mismatch", format!("LoginEndPoint logs in to {l} org ({}) but ApplicationHost is {o} host ({a})", u.host), "use test.salesforce.com with sandboxes and login.salesforce.com (or the My Domain) with production");
                    }
            }
            _ => c.at(Some(r), None, Error, "login-endpoint", format!("LoginEndPoint `{}` is not https://login.salesforce.com/services/oauth2/token, test.salesforce.com or a My Domain", r.value.trim()), "e.g. https://login.salesforce.com/services/oauth2/token"),
        }
        if let (Some(u), Some((app_kind, a))) = (parse_url(&r.value), &app_host) {
            login_against_app(c, r, &u.host, *app_kind, a);
        }
    }
    if let Some(r) = exact(ucc, "ApiEndPoint").filter(|r| !is_placeholder(&r.value)) {
        let v = r.value.trim().trim_start_matches('/');
        let version = v
            .strip_prefix("services/data/v")
            .and_then(|x| x.strip_suffix('/'))
            .and_then(|x| x.strip_suffix(".0"))
            .and_then(|x| x.parse::<u32>().ok());
        match version {
            None => c.at(
                Some(r),
                None,
                Error,
                "api-endpoint",
                format!(
                    "ApiEndPoint `{}` is not like services/data/v60.0/",
                    r.value.trim()
                ),
                "write it as services/data/vNN.0/ with the trailing slash",
            ),
            Some(n) if n < RETIRED_BELOW => c.at(
                Some(r),
                None,
                Error,
                "api-version-retired",
                format!(
                    "API v{n}.0 is retired (versions below {RETIRED_BELOW}.0 no longer answer)"
                ),
                "use a current version, e.g. services/data/v60.0/",
            ),
            Some(_) => {}
        }
    }
}

/// LoginEndPoint and ApplicationHost must name one org: a test org on this machine
/// logs in there, and a real org does not log in on this machine; two My Domains
/// are two orgs. (Sandbox against production is `sandbox-mismatch`.)
fn login_against_app(c: &mut Ctx<'_>, r: &Row, login_host: &str, app_kind: HostKind, app: &str) {
    let login_kind = host_kind(login_host);
    let mismatch = match (login_kind, app_kind) {
        (HostKind::Loopback, HostKind::Loopback) => false,
        (HostKind::Loopback, _) | (_, HostKind::Loopback) => true,
        (HostKind::MyDomain { .. }, HostKind::MyDomain { .. }) => login_host != app,
        _ => false,
    };
    if mismatch {
        c.at(
            Some(r),
            None,
            Severity::Error,
            "login-host-mismatch",
            format!(
                "LoginEndPoint logs in at {login_host} ({}) but ApplicationHost is {app} ({}): the service would log in to one org and query another",
                login_kind.describe(),
                app_kind.describe()
            ),
            LOGIN_WHERE_THE_ORG_IS,
        );
    }
}
