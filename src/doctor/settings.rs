//! The local steps of one UCC: `settings` (the validate-settings rules), `secrets`
//! (the encrypted values under the key profile) and `endpoints` (`--probe`), and
//! which later steps a bad value holds back.

use crate::error::{CliError, ErrorKind};
use crate::output::Detail;
use crate::settings::rules::{Finding, Severity};

use super::{ENDPOINTS, SECRETS, SETTINGS, Step};

/// Rules about decrypting, reported by the `secrets` step rather than `settings`.
pub const SECRET_RULES: &[&str] = &["does-not-decrypt", "secret-whitespace"];

/// Rules that compare UCCs rather than judge a value: a mismatch does not say
/// which value is wrong, so it holds no step back (each UCC still logs in with
/// its own values, which tells which one works).
const COMPARISONS: &[&str] = &["primary-mismatch"];

/// What each later step reads from the settings.
pub const SECRETS_NEED: &[&str] = &["Password", "ClientId", "ClientSecret"];
pub const ENDPOINTS_NEED: &[&str] = &["ListsEndpoints", "CrmServiceUrl"];
pub const LOGIN_NEEDS: &[&str] = &["Username", "Password", "ClientId", "ClientSecret"];
pub const LOGIN_ENDPOINT: &str = "LoginEndPoint";
pub const API_ENDPOINT: &str = "ApiEndPoint";

fn location(f: &Finding) -> String {
    format!(
        "{}:{} {} [{}]",
        f.file,
        f.line,
        f.setting.as_deref().unwrap_or("-"),
        f.rule
    )
}

fn unique_hints(findings: &[&Finding]) -> Vec<Detail> {
    let mut hints: Vec<Detail> = Vec::new();
    for f in findings {
        if !hints.contains(&f.hint) {
            hints.push(f.hint.clone());
        }
    }
    hints
}

fn describe(findings: &[&Finding]) -> Detail {
    Detail::join(
        findings
            .iter()
            .map(|f| crate::detail![location(f), " ", f.message.clone()]),
        "; ",
    )
}

fn of_severity<'a>(findings: &[&'a Finding], severity: Severity) -> Vec<&'a Finding> {
    findings
        .iter()
        .copied()
        .filter(|f| f.severity == severity)
        .collect()
}

/// The `settings` step from this UCC's findings (those of the secrets rules are
/// left to the `secrets` step).
pub fn settings_step(findings: &[&Finding], rules_checked: usize) -> Step {
    let mine: Vec<&Finding> = findings
        .iter()
        .copied()
        .filter(|f| !SECRET_RULES.contains(&f.rule))
        .collect();
    let errors: Vec<&Finding> = of_severity(&mine, Severity::Error);
    let warnings: Vec<&Finding> = of_severity(&mine, Severity::Warning);
    if !errors.is_empty() {
        let mut detail = crate::detail![
            format!("{}: ", crate::output::count(errors.len(), "error")),
            describe(&errors)
        ];
        if !warnings.is_empty() {
            detail.push(format!(
                "; and {}: ",
                crate::output::count(warnings.len(), "warning")
            ));
            detail.push(describe(&warnings));
        }
        return Step::fail(SETTINGS, ErrorKind::Rejected, detail, unique_hints(&errors));
    }
    if !warnings.is_empty() {
        let detail = crate::detail![
            format!("{}: ", crate::output::count(warnings.len(), "warning")),
            describe(&warnings)
        ];
        return Step::warn(SETTINGS, detail, unique_hints(&warnings));
    }
    Step::ok(
        SETTINGS,
        format!(
            "{} settings pass every validate-settings rule",
            rules_checked
        ),
    )
}

/// Settings with an error of their own, case-insensitively. Not a comparison, and
/// not a value that fails to decrypt: that is the `secrets` step's failure, which
/// holds the login back itself.
pub fn bad_values(findings: &[&Finding]) -> Vec<String> {
    let mut bad: Vec<String> = findings
        .iter()
        .filter(|f| {
            f.severity == Severity::Error
                && !COMPARISONS.contains(&f.rule)
                && !SECRET_RULES.contains(&f.rule)
        })
        .filter_map(|f| f.setting.as_ref().map(|s| s.to_ascii_lowercase()))
        .collect();
    bad.sort();
    bad.dedup();
    bad
}

/// The first setting a step needs that is bad, as a reason to skip it.
pub fn held_back(bad: &[String], needs: &[&str]) -> Option<String> {
    needs
        .iter()
        .find(|n| bad.contains(&n.to_ascii_lowercase()))
        .map(|n| format!("needs {n}, which failed the settings step"))
}

/// The `secrets` step: the key profile loaded, and Password, ClientId and
/// ClientSecret decrypt under it (the validate-settings rules with the cipher).
pub fn secrets_step(findings: &[&Finding], bad: &[String], key: Result<&str, &CliError>) -> Step {
    if let Some(why) = held_back(bad, SECRETS_NEED) {
        return Step::skip(SECRETS, why);
    }
    let profile = match key {
        Ok(p) => p,
        Err(e) => {
            let mut s = Step::from_error(SECRETS, e);
            s.detail = crate::detail!["cannot decrypt without the key profile: ", s.detail];
            return s;
        }
    };
    let mine: Vec<&Finding> = findings
        .iter()
        .copied()
        .filter(|f| SECRET_RULES.contains(&f.rule))
        .collect();
    let errors: Vec<&Finding> = of_severity(&mine, Severity::Error);
    if !errors.is_empty() {
        return Step::fail(
            SECRETS,
            ErrorKind::Rejected,
            describe(&errors),
            unique_hints(&errors),
        );
    }
    if !mine.is_empty() {
        return Step::warn(SECRETS, describe(&mine), unique_hints(&mine));
    }
    Step::ok(
        SECRETS,
        format!("Password, ClientId and ClientSecret decrypt under the key profile ({profile})"),
    )
}

/// One probed URL, as `validate-settings --probe` reports it.
pub struct Probed<'a> {
    pub setting: &'a str,
    pub url: &'a str,
    pub status: Option<u16>,
    pub ms: u128,
    pub error: Option<&'a str>,
}

/// The `endpoints` step from the probes of this UCC's CRM settings endpoint and CrmServiceUrl.
pub fn endpoints_step(probed: &[Probed<'_>], bad: &[String], asked: bool) -> Step {
    if !asked {
        return Step::skip(
            ENDPOINTS,
            "not probed (pass --probe to GET the CRM settings endpoint and CrmServiceUrl)",
        );
    }
    if let Some(why) = held_back(bad, ENDPOINTS_NEED) {
        return Step::skip(ENDPOINTS, why);
    }
    if probed.is_empty() {
        return Step::skip(ENDPOINTS, "no endpoint to probe");
    }
    let ms = probed.iter().map(|p| p.ms).max().unwrap_or(0);
    let shown: Vec<String> = probed
        .iter()
        .map(|p| match (p.status, p.error) {
            (Some(st), _) => format!("{} {} answered {st} in {} ms", p.setting, p.url, p.ms),
            (None, e) => format!(
                "{} {} could not be reached ({})",
                p.setting,
                p.url,
                e.unwrap_or("no answer")
            ),
        })
        .collect();
    let failed: Vec<&Probed> = probed
        .iter()
        .filter(|p| !p.status.is_some_and(|s| (200..300).contains(&s)))
        .collect();
    if failed.is_empty() {
        return Step::ok(ENDPOINTS, shown.join("; ")).timed(ms);
    }
    // No answer or a server error: the other side could not answer (4);
    // another status: it answered, and the answer is no (1).
    let kind = if failed.iter().any(|p| p.status.is_none_or(|s| s >= 500)) {
        ErrorKind::Remote
    } else {
        ErrorKind::Rejected
    };
    Step::fail(
        ENDPOINTS,
        kind,
        shown.join("; "),
        vec!["the URLs must answer from the UCC and the WebAgentService: check the FQDN, that the CRM Service runs, and the firewall".into()],
    )
    .timed(ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(setting: &str, rule: &'static str, severity: Severity) -> Finding {
        Finding {
            ucc: "u".into(),
            setting: Some(setting.into()),
            severity,
            rule,
            message: format!("{setting} is off").into(),
            hint: format!("fix {setting}").into(),
            file: "e.yaml".into(),
            line: 3,
        }
    }

    #[test]
    fn settings_errors_fail_and_hold_back_what_needs_them() {
        let f = [
            finding("LoginEndPoint", "login-endpoint", Severity::Error),
            finding("CrmServiceUrl", "not-local", Severity::Warning),
            finding("Password", "primary-mismatch", Severity::Error),
            finding("ClientId", "does-not-decrypt", Severity::Error),
        ];
        let refs: Vec<&Finding> = f.iter().collect();
        let s = settings_step(&refs, 9);
        assert_eq!(s.status, super::super::Status::Fail);
        assert!(
            s.detail
                .starts_with("2 errors: e.yaml:3 LoginEndPoint [login-endpoint]"),
            "{:?}",
            s.detail
        );
        assert!(
            !s.detail.contains("does-not-decrypt"),
            "secrets are their own step"
        );
        let bad = bad_values(&refs);
        assert_eq!(bad, vec!["loginendpoint"]);
        assert!(held_back(&bad, &[LOGIN_ENDPOINT]).is_some());
        assert!(
            held_back(&bad, &["Password"]).is_none(),
            "a mismatch is not a bad value"
        );
        let s = secrets_step(&refs, &[], Ok("raw key"));
        assert_eq!(s.status, super::super::Status::Fail);
        assert!(s.detail.contains("ClientId"));
    }

    #[test]
    fn warnings_only_warn() {
        let f = [finding("CrmServiceUrl", "not-local", Severity::Warning)];
        let refs: Vec<&Finding> = f.iter().collect();
        let s = settings_step(&refs, 9);
        assert_eq!(s.status, super::super::Status::Warn);
        assert_eq!(s.hint(), Some(Detail::from("fix CrmServiceUrl")));
        assert_eq!(settings_step(&[], 9).status, super::super::Status::Ok);
    }

    #[test]
    fn unreachable_endpoints_are_remote() {
        let p = [Probed {
            setting: "CrmServiceUrl",
            url: "http://x/CrmServiceSalesforce",
            status: None,
            ms: 3,
            error: Some("refused"),
        }];
        let s = endpoints_step(&p, &[], true);
        assert_eq!(s.kind, Some(ErrorKind::Remote));
        let p = [Probed {
            status: Some(404),
            error: None,
            ..p[0]
        }];
        assert_eq!(
            endpoints_step(&p, &[], true).kind,
            Some(ErrorKind::Rejected)
        );
        assert_eq!(
            endpoints_step(&p, &[], false).status,
            super::super::Status::Skip
        );
    }
}
