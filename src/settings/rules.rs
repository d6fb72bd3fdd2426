//! The checks an admin used to do by eye (seed document 000): endpoints, mandatory
//! settings, scopes, encrypted strings, and identical "primary" settings across the
//! UCCs that share one CRM Service. Each finding has a stable rule id.

use std::collections::BTreeMap;

use serde::Serialize;
use sha2::Digest;

use super::{Row, Ucc};
use crate::crypto::Cipher;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Finding {
    pub ucc: String,
    pub setting: Option<String>,
    pub severity: Severity,
    pub rule: &'static str,
    pub message: String,
    pub hint: String,
    pub file: String,
    pub line: usize,
}

/// Every rule id `validate-settings` reports (the README's table lists each one, and
/// a test checks it). Ids are stable: scripts filter findings by them.
pub const RULE_IDS: &[&str] = &[
    "mandatory-missing",
    "mandatory-empty",
    "wrong-scope",
    "lists-endpoint",
    "crm-service-url",
    "endpoint-host-mismatch",
    "not-local",
    "application-host",
    "login-endpoint",
    "sandbox-mismatch",
    "test-org",
    "api-endpoint",
    "api-version-retired",
    "not-encrypted",
    "does-not-decrypt",
    "secret-whitespace",
    "value-whitespace",
    "duplicate-setting",
    "unknown-setting",
    "setting-case",
    "duplicate-ucc",
    "primary-mismatch",
    "probe-failed",
    "login-failed",
    "login-checks",
    "login-skipped",
];

/// The settings the documents name, with their scope.
pub const KNOWN: &[(&str, &str)] = &[
    ("ListsEndpoints", "ListsPlugin"),
    ("CrmServiceUrl", "WebAgentService"),
    ("ApplicationHost", "CrmService"),
    ("Username", "CrmService"),
    ("Password", "CrmService"),
    ("ClientId", "CrmService"),
    ("ClientSecret", "CrmService"),
    ("ApiEndPoint", "CrmService"),
    ("LoginEndPoint", "CrmService"),
];

pub const MANDATORY: &[&str] = &[
    "ApplicationHost",
    "Username",
    "Password",
    "ClientId",
    "ClientSecret",
    "ApiEndPoint",
    "LoginEndPoint",
];
pub const ENCRYPTED: &[&str] = &["Password", "ClientId", "ClientSecret"];
pub const RETIRED_BELOW: u32 = 31;
const LOCAL_REASON: &str = "the documents ask for a \".local\" FQDN, especially with several UCC services in one region: otherwise the UCC cannot reach the right web server internally and the WebAgent misbehaves";

struct Ctx<'a> {
    ucc: &'a Ucc,
    out: &'a mut Vec<Finding>,
}

impl Ctx<'_> {
    fn at(
        &mut self,
        row: Option<&Row>,
        setting: Option<&str>,
        severity: Severity,
        rule: &'static str,
        message: String,
        hint: &str,
    ) {
        debug_assert!(RULE_IDS.contains(&rule), "{rule} is not in RULE_IDS");
        self.out.push(Finding {
            ucc: self.ucc.name.clone(),
            setting: setting
                .map(str::to_string)
                .or_else(|| row.map(|r| r.setting.clone())),
            severity,
            rule,
            message,
            hint: hint.to_string(),
            file: row
                .map(|r| r.file.display().to_string())
                .unwrap_or_else(|| self.ucc.file.display().to_string()),
            line: row.map(|r| r.line).unwrap_or(self.ucc.line),
        });
    }
}

/// The row of a documented setting. Case is ignored here so every rule looks at the
/// row a miscased name holds; the `setting-case` rule reports the spelling once.
fn exact<'a>(ucc: &'a Ucc, name: &str) -> Option<&'a Row> {
    ucc.get(name)
}

fn is_placeholder(v: &str) -> bool {
    let t = v.trim();
    let l = t.to_ascii_lowercase();
    t.is_empty()
        || l == "todo"
        || l.starts_with("todo:")
        || l == "changeme"
        || l == "change me"
        || l == "tbd"
        || (t.starts_with('<') && t.ends_with('>'))
}

fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (
        a.to_lowercase().chars().collect(),
        b.to_lowercase().chars().collect(),
    );
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push(
                (prev[j] + usize::from(ca != cb))
                    .min(prev[j + 1] + 1)
                    .min(cur[j] + 1),
            );
        }
        prev = cur;
    }
    prev[b.len()]
}

/// A parsed URL: scheme, lower-case host (IPv6 without brackets), path.
struct Url {
    scheme: String,
    host: String,
    path: String,
}

fn parse_url(s: &str) -> Option<Url> {
    let u = url::Url::parse(s.trim()).ok()?;
    let host = match u.host()? {
        url::Host::Domain(d) => d.to_ascii_lowercase(),
        url::Host::Ipv4(a) => a.to_string(),
        url::Host::Ipv6(a) => a.to_string(),
    };
    Some(Url {
        scheme: u.scheme().to_string(),
        host,
        path: u.path().to_string(),
    })
}

/// A host on this machine: `localhost`, 127.0.0.0/8 or `::1`, where `crmctl emulate`
/// serves. Settings pointing there are a test org, not a misconfigured production one.
pub fn is_loopback_host(h: &str) -> bool {
    let h = h.trim_start_matches('[').trim_end_matches(']');
    h == "localhost"
        || h.ends_with(".localhost")
        || h.parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Whether `validate-settings --login` may post credentials to a LoginEndPoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginTarget {
    /// https on login.salesforce.com, test.salesforce.com or a My Domain.
    Salesforce,
    /// A test org on this machine (`crmctl emulate`).
    Loopback,
    /// Anything else: plain http, or a host that is not Salesforce's.
    Untrusted,
}

pub fn login_target(value: &str) -> LoginTarget {
    match parse_url(value) {
        Some(u) if is_loopback_host(&u.host) && matches!(u.scheme.as_str(), "http" | "https") => {
            LoginTarget::Loopback
        }
        Some(u)
            if u.scheme == "https"
                && (u.host == "login.salesforce.com"
                    || u.host == "test.salesforce.com"
                    || u.host.ends_with(".my.salesforce.com")) =>
        {
            LoginTarget::Salesforce
        }
        _ => LoginTarget::Untrusted,
    }
}

const TEST_ORG_HINT: &str = "fine for CI against `crmctl emulate`; a CRM Service in production needs the org's https Salesforce URL";

pub fn is_salesforce_host(h: &str) -> bool {
    h.ends_with(".salesforce.com")
        || h.ends_with(".force.com")
        || h.ends_with(".salesforce.mil")
        || h.ends_with(".cloudforce.com")
}

/// Sandbox hosts: test.salesforce.com, `--name.sandbox.my.salesforce.com`, legacy `csNN`.
fn is_sandbox_host(h: &str) -> bool {
    h == "test.salesforce.com"
        || h.contains(".sandbox.")
        || h.contains("--")
        || (h.starts_with("cs")
            && h[2..]
                .split('.')
                .next()
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())))
}

/// Standard base64 of whole 16-byte blocks: the shape of an encrypted setting.
pub fn looks_encrypted(v: &str) -> bool {
    crate::crypto::cipher::decode_base64(v).is_ok()
}

/// A short fingerprint that tells values apart without showing them.
pub fn fingerprint(v: &str) -> String {
    let d = sha2::Sha256::digest(v.as_bytes());
    format!("sha256:{}", hex::encode(&d[..4]))
}

/// The per-UCC rules. `cipher`: with a key profile, encrypted values must decrypt.
pub fn check_ucc(ucc: &Ucc, cipher: Option<&Cipher>, out: &mut Vec<Finding>) {
    let mut c = Ctx { ucc, out };
    use Severity::{Error, Warning};
    // Duplicates, unknown names, scopes.
    // Names are compared without regard to case, so `password` and `Password` are one
    // setting set twice, and a miscased name is one finding, not also "missing".
    let mut seen: BTreeMap<String, &Row> = BTreeMap::new();
    for row in &ucc.rows {
        if let Some(first) = seen.insert(row.setting.to_ascii_lowercase(), row) {
            c.at(
                Some(row),
                None,
                Error,
                "duplicate-setting",
                format!(
                    "{} is set twice (first at line {})",
                    row.setting, first.line
                ),
                "keep one row: which one the service reads is not defined",
            );
        }
        match KNOWN
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(&row.setting))
        {
            Some((name, scope)) => {
                if *name != row.setting {
                    c.at(
                        Some(row),
                        None,
                        Error,
                        "setting-case",
                        format!("`{}` is spelt `{name}` in the documents", row.setting),
                        "setting names are read exactly as documented, capitals included (scopes and CSV column names are matched in any case)",
                    );
                }
                if !row.scope.eq_ignore_ascii_case(scope) {
                    c.at(Some(row), None, Error, "wrong-scope", format!("{} has scope `{}`; the documents give it scope {scope}", row.setting, row.scope), "fix the Scope column; the service reads the setting from its own scope only");
                }
            }
            None => {
                let close = KNOWN
                    .iter()
                    .map(|(n, _)| *n)
                    .find(|n| edit_distance(n, &row.setting) <= 2);
                if let Some(n) = close {
                    c.at(
                        Some(row),
                        None,
                        Error,
                        "unknown-setting",
                        format!("unknown setting `{}`: did you mean `{n}`?", row.setting),
                        "setting names are read exactly as documented, capitals included",
                    );
                } else if row.scope.eq_ignore_ascii_case("CrmService") {
                    c.at(Some(row), None, Warning, "unknown-setting", format!("`{}` is not a setting the CRM Service documents", row.setting), "check the spelling against the documents; optional settings are listed under Additional configuration");
                }
            }
        }
    }
    // Mandatory CrmService settings, present and filled in.
    for name in MANDATORY {
        match exact(ucc, name) {
            None => c.at(
                None,
                Some(name),
                Error,
                "mandatory-missing",
                format!("mandatory setting {name} is missing"),
                "add it to the Plugin Settings list with scope CrmService",
            ),
            Some(r) if is_placeholder(&r.value) => c.at(
                Some(r),
                None,
                Error,
                "mandatory-empty",
                format!("{name} is empty or a placeholder"),
                "fill in the real value",
            ),
            Some(_) => {}
        }
    }
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
    // Encrypted values.
    for name in ENCRYPTED {
        let Some(r) = exact(ucc, name).filter(|r| !is_placeholder(&r.value)) else {
            continue;
        };
        if r.value.trim() != r.value {
            c.at(
                Some(r),
                None,
                Warning,
                "value-whitespace",
                format!("{name} has spaces or line breaks around the encrypted string"),
                "remove them: pasted into SharePoint they are easy to miss, and not every reader of the setting drops them",
            );
        }
        if !looks_encrypted(&r.value) {
            c.at(Some(r), None, Error, "not-encrypted", format!("{name} does not look encrypted (not base64 of whole AES blocks): is it plain text?"), "replace it with the output of `crmctl encrypt` (`crmctl encrypt --value` for ClientId and ClientSecret)");
            continue;
        }
        if let Some(cipher) = cipher {
            match cipher.decrypt_base64(&r.value) {
                Err(e) => c.at(
                    Some(r),
                    None,
                    Error,
                    "does-not-decrypt",
                    format!("{name} does not decrypt under the key profile: {e}"),
                    "encrypt it again with the service's key profile",
                ),
                Ok(plain) => {
                    if crate::secret::has_outer_whitespace(secrecy::ExposeSecret::expose_secret(
                        &plain,
                    )) {
                        c.at(Some(r), None, Warning, "secret-whitespace", format!("the decrypted {name} starts or ends with whitespace"), "re-encrypt without the stray spaces: Salesforce treats them as part of the secret");
                    }
                }
            }
        }
    }
}

/// UCCs sharing one CRM Service (the same CrmServiceUrl host) must hold identical
/// CrmService settings: the first UCC to publish at start-up wins.
pub fn check_primary(uccs: &[Ucc], out: &mut Vec<Finding>) {
    let mut groups: BTreeMap<String, Vec<&Ucc>> = BTreeMap::new();
    for u in uccs {
        if let Some(h) = exact(u, "CrmServiceUrl")
            .and_then(|r| parse_url(&r.value))
            .map(|u| u.host)
        {
            groups.entry(h).or_default().push(u);
        }
    }
    for (host, members) in groups.iter().filter(|(_, m)| m.len() > 1) {
        let names: Vec<&str> = KNOWN
            .iter()
            .filter(|(_, s)| *s == "CrmService")
            .map(|(n, _)| *n)
            .collect();
        for name in names {
            let values: Vec<(&Ucc, Option<&Row>)> =
                members.iter().map(|u| (*u, exact(u, name))).collect();
            let distinct: std::collections::BTreeSet<Option<&str>> = values
                .iter()
                .map(|(_, r)| r.map(|r| r.value.trim()))
                .collect();
            if distinct.len() < 2 {
                continue;
            }
            let shown: Vec<String> = values
                .iter()
                .map(|(u, r)| {
                    let v = match r {
                        None => "(missing)".to_string(),
                        Some(r) if ENCRYPTED.contains(&name) => fingerprint(r.value.trim()),
                        Some(r) => format!("\"{}\"", r.value.trim()),
                    };
                    format!("{}={v}", u.name)
                })
                .collect();
            for (u, r) in &values {
                out.push(Finding {
                    ucc: u.name.clone(),
                    setting: Some(name.to_string()),
                    severity: Severity::Error,
                    rule: "primary-mismatch",
                    message: format!("{name} differs between the UCCs sharing the CRM Service at {host}: {}", shown.join(", ")),
                    hint: "primary settings must be identical in every UCC that shares a CRM Service: the first UCC to publish at start-up wins, so a difference means unpredictable behaviour after a restart".into(),
                    file: r.map(|r| r.file.display().to_string()).unwrap_or_else(|| u.file.display().to_string()),
                    line: r.map(|r| r.line).unwrap_or(u.line),
                });
            }
        }
    }
}

/// The URLs `--probe` checks for a UCC: the CRM entry of ListsEndpoints and CrmServiceUrl.
pub fn probe_targets(ucc: &Ucc) -> Vec<(&'static str, String, &Row)> {
    let mut out = Vec::new();
    if let Some(r) = exact(ucc, "ListsEndpoints")
        && let Some(e) = r
            .value
            .split([';', ',', '\n', '\r'])
            .map(str::trim)
            .find(|e| {
                parse_url(e).is_some_and(|u| {
                    u.path
                        .trim_end_matches('/')
                        .eq_ignore_ascii_case("/CrmServiceSalesforce/api/v1/settings")
                })
            })
    {
        out.push(("ListsEndpoints", e.to_string(), r));
    }
    if let Some(r) = exact(ucc, "CrmServiceUrl").filter(|r| parse_url(&r.value).is_some()) {
        out.push(("CrmServiceUrl", r.value.trim().to_string(), r));
    }
    out
}

pub fn check_all(uccs: &[Ucc], cipher: Option<&Cipher>) -> Vec<Finding> {
    let mut out = Vec::new();
    // Two UCCs with one name: findings, logins and reports could not tell them apart.
    let mut names: BTreeMap<String, &Ucc> = BTreeMap::new();
    for u in uccs {
        if let Some(first) = names.insert(u.name.trim().to_lowercase(), u) {
            out.push(Finding {
                ucc: u.name.clone(),
                setting: None,
                severity: Severity::Error,
                rule: "duplicate-ucc",
                message: format!(
                    "the UCC name `{}` is used twice (first at {}:{})",
                    u.name,
                    first.file.display(),
                    first.line
                ),
                hint: "give every UCC its own name".into(),
                file: u.file.display().to_string(),
                line: u.line,
            });
        }
    }
    for u in uccs {
        check_ucc(u, cipher, &mut out);
    }
    check_primary(uccs, &mut out);
    out
}
