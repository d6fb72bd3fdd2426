//! The checks an admin used to do by eye (seed document 000), in families: names and
//! scopes (`names`), endpoints (`endpoints`), encrypted values (`secrets`), and rules
//! across UCCs (`primary`). Every finding has a stable rule id from [`RULE_IDS`].

pub mod catalogue;
mod crm;
mod endpoints;
mod identity;
mod names;
mod primary;
mod secrets;
mod urls;

pub(crate) use names::edit_distance;

use serde::Serialize;
use sha2::Digest;

use super::{Row, Ucc};
use crate::crypto::Cipher;
use crate::output::Detail;

pub use crm::{check_query, hyperlink_placeholders, region_ok, soql_of};
pub use identity::is_username_shape;
pub use names::did_you_mean;
pub use primary::service_host;
use urls::parse_url;
pub use urls::{
    HostKind, LoginTarget, host_kind, is_loopback_host, is_salesforce_host, is_token_path,
    login_target,
};

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
    /// What is wrong; it may quote the settings file or the org, so it is spans the
    /// printer escapes.
    pub message: Detail,
    pub hint: Detail,
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
    "login-host-mismatch",
    "test-org",
    "api-endpoint",
    "api-version-retired",
    "not-encrypted",
    "does-not-decrypt",
    "secret-whitespace",
    "value-whitespace",
    "client-id-is-secret",
    "username-shape",
    "duplicate-setting",
    "unknown-setting",
    "setting-case",
    "duplicate-ucc",
    "primary-mismatch",
    "probe-failed",
    "login-failed",
    "login-checks",
    "login-skipped",
    "show-status",
    "region-invalid",
    "region-national-numbers",
    "phone-format-unknown",
    "phone-format-wildcard",
    "query-placeholders",
    "query-shape",
    "attribute-column",
    "attribute-category",
    "attribute-order",
    "attribute-contact-missing",
    "attribute-hyperlink",
    "attribute-display-name",
    "attribute-field-missing",
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
    // The optional settings of "Additional configuration CRM Service for Salesforce".
    ("ShowStatus", "CrmService"),
    ("DefaultPhoneNumberRegion", "CrmService"),
    ("PhoneNumberFormat", "CrmService"),
    ("BaseContactQuery", "CrmService"),
    ("BaseLeadQuery", "CrmService"),
    ("BaseCaseQuery", "CrmService"),
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
            message: message.into(),
            hint: hint.into(),
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
    names::check(&mut c);
    endpoints::check(&mut c);
    secrets::check(&mut c, cipher);
    crm::check(&mut c);
    identity::check(&mut c, cipher);
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
    primary::check_names(uccs, &mut out);
    for u in uccs {
        check_ucc(u, cipher, &mut out);
    }
    primary::check(uccs, &mut out);
    out
}
