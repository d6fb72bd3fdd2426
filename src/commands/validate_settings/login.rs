//! validate-settings --login: one login per distinct credential set, as `crmctl login`
//! checks it, and never to a LoginEndPoint that is not Salesforce or a test org.

use super::LoginCheck;
use crate::ctx::Ctx;
use crate::error::CliError;
use crate::output::Detail;
use crate::settings::Ucc;
use crate::settings::rules::{Finding, Severity};

/// Logs in once per distinct set of credentials, with the same check as `crmctl login`.
pub(super) fn login_checks(
    ctx: &Ctx,
    uccs: &[Ucc],
    cipher: Option<&crate::crypto::Cipher>,
    allow_untrusted: bool,
    findings: &mut Vec<Finding>,
    (incomplete, refused): (&mut usize, &mut usize),
) -> Result<Vec<LoginCheck>, CliError> {
    use crate::args::ConnectArgs;
    use crate::ops::connect::{self, ConnectSettings};
    use crate::ops::credentials::ucc_credentials;
    // A missing key profile is local configuration (3), as in `login --settings` and `doctor`.
    let cipher = cipher.ok_or_else(|| {
        CliError::input(
            "--login needs the key profile to decrypt Password, ClientId and ClientSecret",
        )
        .with_hint("pass --key-file FILE or set CRMCTL_KEY_FILE")
    })?;
    let key = |u: &Ucc| -> Vec<String> {
        [
            "LoginEndPoint",
            "Username",
            "Password",
            "ClientId",
            "ClientSecret",
            "ApiEndPoint",
        ]
        .iter()
        .map(|s| u.value(s).unwrap_or("").trim().to_string())
        .collect()
    };
    let mut groups: Vec<(Vec<String>, Vec<&Ucc>)> = Vec::new();
    for u in uccs {
        let k = key(u);
        match groups.iter_mut().find(|(gk, _)| *gk == k) {
            Some((_, members)) => members.push(u),
            None => groups.push((k, vec![u])),
        }
    }
    // The connection of `crmctl login --settings` without flags: LoginEndPoint,
    // else CRMCTL_LOGIN_URL; CRMCTL_TIMEOUT, CRMCTL_CONNECT_TIMEOUT, CRMCTL_CA_CERT;
    // a malformed variable refused as `login` refuses it.
    let flags = ConnectArgs {
        allow_untrusted_login: allow_untrusted,
        ..ConnectArgs::default()
    };
    connect::check_env(&ctx.env)?;
    let client = ctx.client(&connect::http(&flags, &ctx.env)?)?;
    let mut out = Vec::new();
    for (_, members) in groups {
        let first = members[0];
        let names: Vec<String> = members.iter().map(|u| u.name.clone()).collect();
        let resolved = ConnectSettings::resolve_ucc(&flags, first, &ctx.env);
        // Refused as `crmctl login` refuses it (ConnectSettings decides): not
        // attempted, and reported as `login-skipped`.
        // The LoginEndPoint, or CRMCTL_LOGIN_URL for a UCC without one.
        let source = match (first.value("LoginEndPoint"), &ctx.env.login_url) {
            (Some(url), _) => Some(("LoginEndPoint", url)),
            (None, Some(url)) => Some((crate::env::names::LOGIN_URL, url.as_str())),
            (None, None) => None,
        };
        if resolved.untrusted
            && let Some(source) = source
        {
            out.push(untrusted_login(source, &members, &names, findings));
            continue;
        }
        let result = resolved
            .login_url
            .and_then(|login_url| {
                ucc_credentials(
                    first,
                    cipher,
                    resolved.flow,
                    None,
                    ctx.env.username.as_deref(),
                    &login_url,
                )
            })
            // An ApiEndPoint that cannot be used has its own finding: the login is
            // checked with the default version, as doctor checks it.
            .map(|creds| (creds, connect::login_version(&resolved.api_version)))
            .and_then(|(creds, version)| {
                crate::ops::session::check_session(&client, &creds, version.clone(), None)
                    .map(|(report, session)| (report, session, version))
            });
        if let Ok((_, session, version)) = &result {
            crate::settings::org::check(&client, session, version, &members, findings, incomplete);
        }
        let row = first.get("LoginEndPoint");
        let mut push = |rule: &'static str, message: Detail, hint: Detail| {
            for u in &members {
                let r = u.get("LoginEndPoint");
                findings.push(Finding {
                    ucc: u.name.clone(),
                    setting: Some("LoginEndPoint".into()),
                    severity: Severity::Error,
                    rule,
                    message: message.clone(),
                    hint: hint.clone(),
                    file: r
                        .or(row)
                        .map(|r| r.file.display().to_string())
                        .unwrap_or_else(|| u.file.display().to_string()),
                    line: r.map(|r| r.line).unwrap_or(u.line),
                });
            }
        };
        match result {
            Ok((report, _, _)) => {
                let problems = report.problems();
                if !problems.is_empty() {
                    push(
                        "login-checks",
                        format!(
                            "the login works but the screen pop is not ready: {}",
                            problems.join("; ")
                        )
                        .into(),
                        "see `crmctl login` for the details".into(),
                    );
                }
                out.push(LoginCheck {
                    uccs: names,
                    ok: report.ok(),
                    instance_url: Some(report.instance_url().clone()),
                    problems,
                    error_kind: None,
                });
            }
            Err(e) => {
                // Classified as `crmctl login` classifies it (crate::error::sf_kind).
                match e.kind {
                    crate::error::ErrorKind::Remote => *incomplete += members.len(),
                    crate::error::ErrorKind::Rejected => *refused += members.len(),
                    _ => {}
                }
                // Every finding says what to do: an error without advice of its
                // own points at the command that shows the login step by step.
                let hint = if e.hints.is_empty() {
                    format!(
                        "run `crmctl doctor --settings {} --ucc {}` to see the login step by step",
                        first.file.display(),
                        first.name
                    )
                    .into()
                } else {
                    Detail::join(e.hints.iter().cloned(), "; ")
                };
                push("login-failed", e.message.clone(), hint);
                out.push(LoginCheck {
                    uccs: names,
                    ok: false,
                    instance_url: None,
                    error_kind: Some(e.kind.as_str()),
                    problems: vec![e.message.to_legacy_string()],
                });
            }
        }
    }
    Ok(out)
}

/// Credentials go only where the CRM Service should send them: Salesforce over https,
/// or a test org on this machine (the rule of `ConnectSettings::resolve`). Anything
/// else needs the user's say-so (`--allow-untrusted-login`); without it the login is
/// not attempted, and each UCC of the group gets a `login-skipped` finding.
fn untrusted_login(
    (name, url): (&str, &str),
    members: &[&Ucc],
    names: &[String],
    findings: &mut Vec<Finding>,
) -> LoginCheck {
    let (message, hint) = if name == "LoginEndPoint" {
        (
            format!(
                "not logged in: LoginEndPoint `{}` is not https on Salesforce or a test org on this machine, so the credentials were not sent",
                url.trim()
            ),
            "fix LoginEndPoint, or pass --allow-untrusted-login to post the credentials there anyway".to_string(),
        )
    } else {
        // CRMCTL_LOGIN_URL stands in for a missing LoginEndPoint (ConnectSettings
        // refuses it only when it is plain http to another machine).
        (
            format!(
                "not logged in: {name} `{}` is plain http to another machine, so the credentials were not sent",
                url.trim()
            ),
            format!(
                "add LoginEndPoint to the UCC or use an https {name}, or pass --allow-untrusted-login to post the credentials there anyway"
            ),
        )
    };
    for u in members {
        let r = u.get("LoginEndPoint");
        findings.push(Finding {
            ucc: u.name.clone(),
            setting: Some("LoginEndPoint".into()),
            severity: Severity::Error,
            rule: "login-skipped",
            message: message.clone().into(),
            hint: hint.clone().into(),
            file: r
                .map(|r| r.file.display().to_string())
                .unwrap_or_else(|| u.file.display().to_string()),
            line: r.map(|r| r.line).unwrap_or(u.line),
        });
    }
    LoginCheck {
        uccs: names.to_vec(),
        ok: false,
        instance_url: None,
        problems: vec![message],
        // Not attempted: the `login-skipped` finding says why; no class of failure applies.
        error_kind: None,
    }
}
