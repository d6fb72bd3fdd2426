//! Endpoints: the UCC side (ListsEndpoints, CrmServiceUrl, `.local` FQDNs) and the
//! Salesforce side (ApplicationHost, LoginEndPoint, ApiEndPoint), test orgs on this machine.

use super::urls::{
    LoginTarget, is_loopback_host, is_salesforce_host, is_sandbox_host, login_target, parse_url,
};
use super::{Ctx, RETIRED_BELOW, Severity, exact, is_placeholder};

const LOCAL_REASON: &str = "the documents ask for a \".local\" FQDN, especially with several UCC services in one region: otherwise the UCC cannot reach the right web server internally and the WebAgent misbehaves";
const TEST_ORG_HINT: &str = "fine for CI against `crmctl emulate`; a CRM Service in production needs the org's https Salesforce URL";

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
    let app_host = app.and_then(|r| {
        let parsed = parse_url(&r.value);
        if let Some(u) = parsed.as_ref().filter(|u| {
            is_loopback_host(&u.host) && matches!(u.scheme.as_str(), "http" | "https")
        }) {
            c.at(
                Some(r),
                None,
                Warning,
                "test-org",
                format!("ApplicationHost points at a test org on this machine ({})", u.host),
                TEST_ORG_HINT,
            );
            return None;
        }
        let u = parsed.filter(|u| u.scheme == "https" && is_salesforce_host(&u.host));
        if u.is_none() {
            c.at(Some(r), None, Error, "application-host", format!("ApplicationHost `{}` is not an https Salesforce URL", r.value.trim()), "use the org's URL, e.g. https://eu6.salesforce.com/ or https://<MyDomain>.my.salesforce.com/");
        }
        u.map(|u| u.host)
    });
    if let Some(r) = exact(ucc, "LoginEndPoint").filter(|r| !is_placeholder(&r.value)) {
        match parse_url(&r.value) {
            Some(u) if login_target(&r.value) == LoginTarget::Loopback => c.at(
                Some(r),
                None,
                Warning,
                "test-org",
                format!("LoginEndPoint points at a test org on this machine ({})", u.host),
                TEST_ORG_HINT,
            ),
            Some(u) if u.scheme == "https" && u.path.trim_end_matches('/') == "/services/oauth2/token" && (u.host == "login.salesforce.com" || u.host == "test.salesforce.com" || u.host.ends_with(".my.salesforce.com")) => {
                if let Some(a) = &app_host
                    && is_sandbox_host(&u.host) != is_sandbox_host(a) {
                        let (l, o) = if is_sandbox_host(&u.host) { ("a sandbox", "a production") } else { ("production", "a sandbox") };
                        c.at(Some(r), None, Warning, "sandbox-mismatch", format!("LoginEndPoint logs in to {l} org ({}) but ApplicationHost is {o} host ({a})", u.host), "use test.salesforce.com with sandboxes and login.salesforce.com (or the My Domain) with production");
                    }
            }
            _ => c.at(Some(r), None, Error, "login-endpoint", format!("LoginEndPoint `{}` is not https://login.salesforce.com/services/oauth2/token, test.salesforce.com or a My Domain", r.value.trim()), "e.g. https://login.salesforce.com/services/oauth2/token"),
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
