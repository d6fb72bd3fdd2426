//! The `flow-readiness` step: for one UCC, after its login, whether the
//! username-password flow still logs in, and whether its Connected App is ready
//! for the flows that replace it (client credentials, JWT bearer). Only token
//! requests and describes: it never changes the org.

use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};

use super::{FLOW_READINESS, Step};
use crate::detail;
use crate::output::{Detail, OrgText};
use crate::salesforce::jwt::JwtKey;
use crate::salesforce::{self, Client, Credentials, Flow, SfError, advice, fields};

/// How the UCC's own login went (the `login` step).
pub enum LoginOutcome<'a> {
    /// The run's flow issued a token; its instance URL is the org's host.
    Accepted { instance_url: &'a str },
    /// The token was issued, but the org refused the calls after it (an expired
    /// password, the API disabled for the user): the flow itself is not blocked.
    Issued { instance_url: &'a str },
    /// The token endpoint said no; `auth_failure`: with `invalid_grant:
    /// authentication failure`, the answer a blocked flow gets too.
    Rejected { auth_failure: bool },
    /// The login could not complete (network, local problem).
    Failed,
}

/// The answers of the step, as `data.uccs[].flow_readiness` carries them.
#[derive(Debug, Clone, PartialEq)]
pub struct Readiness {
    /// `accepted`, `rejected`, `not-checked` (the run logged in with another
    /// `--flow`; the CRM Service still uses the password flow) or `skipped` (the
    /// login could not complete).
    pub password_flow: &'static str,
    /// `ready`, `not-enabled`, `no-run-as-user`, `needs-my-domain`, `fields-hidden`,
    /// `failed` or `not-checked`.
    pub client_credentials: &'static str,
    /// The run-as user's id, when a client-credentials token was issued.
    pub run_as_user: Option<OrgText>,
    /// `Object.Field` the run-as user cannot see (and objects it cannot see).
    pub hidden_fields: Vec<String>,
    /// `ready`, `not-checked` (no `--jwt-key-file`), `not-approved`,
    /// `invalid-assertion`, `audience-invalid`, `invalid-client-id`, `expired`,
    /// `no-username` or `failed`.
    pub jwt: &'static str,
    /// False when the UCC could not log in at all, so none of this was checked.
    pub checked: bool,
}

impl Readiness {
    pub fn to_json(&self) -> Value {
        json!({
            "password_flow": self.password_flow,
            "client_credentials": self.client_credentials,
            "run_as_user": self.run_as_user,
            "hidden_fields": self.hidden_fields,
            "jwt": self.jwt,
        })
    }

    /// The UCC's CRM Service logs in with the password flow (crmctl's own login may
    /// have used another `--flow`).
    pub fn uses_password_flow(&self) -> bool {
        self.password_flow != "skipped"
    }

    pub fn client_credentials_ready(&self) -> bool {
        self.client_credentials == "ready"
    }
}

/// What the step needs besides the login's outcome.
pub struct Inputs<'a> {
    pub client: &'a Client,
    /// The UCC's credentials as the run logged in with them.
    pub creds: &'a Credentials,
    /// The org's My Domain URL known ahead (ApplicationHost, `--instance-url`).
    pub my_domain: Option<&'a str>,
    /// The API version for the field check.
    pub version: &'a str,
    /// `--jwt-key-file`: check the JWT bearer flow too.
    pub jwt_key: Option<Arc<JwtKey>>,
}

/// Runs the checks; returns the step, the answers, and a hint for the `login`
/// step when a rejected password login looks like a blocked flow.
pub fn check(input: &Inputs, login: &LoginOutcome) -> (Step, Readiness, Option<String>) {
    if let LoginOutcome::Failed = login {
        let (step, r) = skipped("needs an org that answers (the login step)");
        return (step, r, None);
    }
    // The CRM Service logs in with the UCC's Password (the username-password flow)
    // whatever `--flow` crmctl itself used: another flow leaves that login untried.
    let password_flow = match (input.creds.flow, login) {
        (Flow::Password, LoginOutcome::Accepted { .. } | LoginOutcome::Issued { .. }) => "accepted",
        (Flow::Password, LoginOutcome::Rejected { .. }) => "rejected",
        _ => "not-checked",
    };
    let mut notes: Vec<Detail> = vec![match login {
        LoginOutcome::Issued { .. } if password_flow == "accepted" => {
            "password flow accepted (the token was issued; the login step says why the calls after it failed)".into()
        }
        _ => format!("password flow {password_flow}").into(),
    }];
    let mut hints: Vec<Detail> = Vec::new();
    let cc = client_credentials(input, login);
    notes.push(cc.note.clone());
    hints.extend(cc.hints.iter().cloned());
    let (jwt, jwt_note, jwt_hints) = jwt(input);
    notes.push(jwt_note);
    hints.extend(jwt_hints);
    let readiness = Readiness {
        password_flow,
        client_credentials: cc.state,
        run_as_user: cc.run_as_user,
        hidden_fields: cc.hidden,
        jwt,
        checked: true,
    };
    // Item 3 of the issue: the same app logs in without a password, so a rejected
    // password is most likely the org blocking the flow.
    let blocked = match login {
        LoginOutcome::Rejected { auth_failure: true }
            if input.creds.flow == Flow::Password && cc.token_issued =>
        {
            Some(
                "client credentials log in with the same Connected App, so the app works and the likely cause is a blocked username-password flow, or else a wrong password or security token: Setup > Users > Login History tells which (\"Username-Password Flow Disabled\" or \"Invalid Password\"); allow the flow in Setup > OAuth and OpenID Connect Settings or move the integration to client credentials, or encrypt the right password + token",
            )
        }
        _ => None,
    };
    if let Some(b) = blocked {
        hints.insert(0, b.into());
    }
    let blocked = blocked.map(str::to_string);
    let detail = Detail::join(notes, "; ");
    if password_flow == "not-checked" {
        hints.insert(0, format!(
            "--flow {} only changed crmctl's own login: the CRM Service logs in with the UCC's Username and Password (the username-password flow), which this run did not try; run doctor with --flow password (the default) to check that login",
            input.creds.flow.as_str()
        ).into());
        let step = Step::warn(FLOW_READINESS, detail, hints);
        return (step, readiness, blocked);
    }
    let step = if readiness.client_credentials_ready() || readiness.jwt == "ready" {
        Step::ok(FLOW_READINESS, detail)
    } else {
        hints.push("Salesforce retires the username-password flow for Connected Apps in 2027: enable the Client Credentials Flow with a Run As user on the Connected App, or JWT bearer (README \"Salesforce retires the username-password flow\")".into());
        Step::warn(FLOW_READINESS, detail, hints)
    };
    (step, readiness, blocked)
}

/// The step when the UCC could not log in at all (no secrets, a bad setting).
pub fn skipped(why: &str) -> (Step, Readiness) {
    (
        Step::skip(FLOW_READINESS, why),
        Readiness {
            password_flow: "skipped",
            client_credentials: "not-checked",
            run_as_user: None,
            hidden_fields: Vec::new(),
            jwt: "not-checked",
            checked: false,
        },
    )
}

struct CcResult {
    state: &'static str,
    note: Detail,
    hints: Vec<Detail>,
    run_as_user: Option<OrgText>,
    hidden: Vec<String>,
    token_issued: bool,
}

impl CcResult {
    fn new(state: &'static str, note: Detail, hints: Vec<Detail>) -> CcResult {
        CcResult {
            state,
            note,
            hints,
            run_as_user: None,
            hidden: Vec::new(),
            token_issued: false,
        }
    }
}

/// `https://host[:port]` of a URL, for messages (the URL as given if it is none).
fn origin(url: &str) -> String {
    url::Url::parse(url.trim())
        .map(|u| u.origin().ascii_serialization())
        .unwrap_or_else(|_| url.trim().to_string())
}

/// The client-credentials flow with the UCC's ClientId and ClientSecret on the
/// org's My Domain host, then login's field check under that token.
fn client_credentials(input: &Inputs, login: &LoginOutcome) -> CcResult {
    let creds = input.creds;
    if creds.client_secret.expose_secret().is_empty() {
        return CcResult::new(
            "not-checked",
            "client credentials not checked (no ClientSecret)".into(),
            Vec::new(),
        );
    }
    let login_host = creds
        .token_url
        .trim_end_matches("/services/oauth2/token")
        .to_string();
    let issued_at = match login {
        LoginOutcome::Accepted { instance_url } | LoginOutcome::Issued { instance_url } => {
            Some(*instance_url)
        }
        _ => None,
    };
    let host =
        crate::ops::connect::client_credentials_host(&login_host, input.my_domain, issued_at);
    // Names the host that refuses the flow, not the one it usually is.
    let needs_domain = |refused_by: &str| {
        CcResult::new(
            "needs-my-domain",
            "client credentials need the org's My Domain URL".into(),
            vec![format!("set ApplicationHost to https://<MyDomain>.my.salesforce.com, or pass --instance-url: the client credentials flow is refused on {}", origin(refused_by)).into()],
        )
    };
    let Some(host) = host else {
        return needs_domain(&login_host);
    };
    // The secret goes where the login went: never in the clear after an https login.
    let https = |u: &str| u.trim().to_ascii_lowercase().starts_with("https://");
    if https(&creds.token_url) && !https(&host) {
        return CcResult::new(
            "failed",
            "client credentials not checked: the My Domain URL is plain http, and the client secret would travel unencrypted".into(),
            vec!["set ApplicationHost (or --instance-url) to the org's https://<MyDomain>.my.salesforce.com URL".into()],
        );
    }
    let cc = Credentials {
        token_url: salesforce::token_url(&host),
        flow: Flow::ClientCredentials,
        username: String::new(),
        password: SecretString::from(String::new()),
        security_token: SecretString::from(String::new()),
        token_in_password: true,
        client_id: creds.client_id.clone(),
        client_secret: creds.client_secret.clone(),
        jwt_key: None,
    };
    let session = match input.client.login(&cc) {
        Ok(s) => s,
        Err(SfError::OAuth {
            error, description, ..
        }) => {
            let (e, d) = (&error, &description);
            let dl = |needle: &str| d.contains_lowercase(needle);
            if *e == "invalid_grant" && dl("not supported on this domain") {
                return needs_domain(&host);
            }
            if *e == "invalid_grant" && dl("client credentials user") {
                return CcResult::new(
                    "no-run-as-user",
                    "client credentials: the Connected App has no run-as user".into(),
                    vec!["in the Connected App's policies (Manage > Edit Policies > Client Credentials Flow), choose a Run As user: the user the CRM Service logs in as today".into()],
                );
            }
            if e.is_one_of(&["invalid_grant", "unsupported_grant_type", "invalid_client"])
                && (dl("not enabled") || dl("grant type not supported"))
            {
                return CcResult::new(
                    "not-enabled",
                    detail![
                        "client credentials are not enabled for the Connected App (",
                        e,
                        ": ",
                        d,
                        ")"
                    ],
                    vec!["edit the Connected App (Setup > App Manager > Edit) and tick \"Enable Client Credentials Flow\", then choose a Run As user under Manage > Edit Policies".into()],
                );
            }
            let (message, hints) = advice::for_oauth(e, d, true);
            return CcResult::new(
                "failed",
                detail!["client credentials failed: ", message],
                hints,
            );
        }
        Err(other) => {
            return CcResult::new(
                "failed",
                detail![
                    "client credentials could not be checked: ",
                    other.describe()
                ],
                Vec::new(),
            );
        }
    };
    let run_as = session.user_id.clone();
    let checked = fields::check_now(
        input.client,
        &session,
        input.version,
        &crate::screenpop::screen_pop_fields(),
    );
    let mut r = match checked {
        Ok(objects) => {
            let hidden = fields::hidden(&objects);
            if hidden.is_empty() {
                CcResult::new(
                    "ready",
                    detail!["client credentials ready (run as ", &run_as, ")"],
                    Vec::new(),
                )
            } else {
                let mut r = CcResult::new(
                    "fields-hidden",
                    detail![
                        "client credentials log in, but the run-as user ",
                        &run_as,
                        format!(" cannot see {}", hidden.join(", "))
                    ],
                    vec!["give the Connected App's Run As user read access to these objects and field-level security on these fields (Setup > Profiles or Permission Sets)".into()],
                );
                r.hidden = hidden;
                r
            }
        }
        Err(e) => CcResult::new(
            "failed",
            detail![
                "client credentials log in, but the field check failed: ",
                e.describe()
            ],
            Vec::new(),
        ),
    };
    r.run_as_user = Some(run_as);
    r.token_issued = true;
    r
}

/// The JWT bearer flow with `--jwt-key-file`, the UCC's ClientId and Username,
/// at the UCC's login host.
fn jwt(input: &Inputs) -> (&'static str, Detail, Vec<Detail>) {
    let Some(key) = &input.jwt_key else {
        return (
            "not-checked",
            "JWT not checked (no --jwt-key-file)".into(),
            Vec::new(),
        );
    };
    let creds = input.creds;
    if creds.username.is_empty() {
        return (
            "no-username",
            "JWT not checked: no Username to sign for".into(),
            Vec::new(),
        );
    }
    let jwt = Credentials {
        token_url: creds.token_url.clone(),
        flow: Flow::Jwt,
        username: creds.username.clone(),
        password: SecretString::from(String::new()),
        security_token: SecretString::from(String::new()),
        token_in_password: true,
        client_id: creds.client_id.clone(),
        client_secret: SecretString::from(String::new()),
        jwt_key: Some(key.clone()),
    };
    match input.client.login(&jwt) {
        Ok(_) => ("ready", "JWT ready".into(), Vec::new()),
        Err(SfError::OAuth {
            error, description, ..
        }) => {
            let dl = |needle: &str| description.contains_lowercase(needle);
            let state = match () {
                _ if error == "invalid_client_id" => "invalid-client-id",
                _ if dl("approved this consumer") => "not-approved",
                _ if dl("audience") => "audience-invalid",
                _ if dl("expired") => "expired",
                _ if dl("invalid assertion") => "invalid-assertion",
                _ => "failed",
            };
            let (message, hints) = advice::for_oauth(&error, &description, true);
            (state, detail![format!("JWT {state}: "), message], hints)
        }
        Err(other) => (
            "failed",
            detail!["JWT could not be checked: ", other.describe()],
            Vec::new(),
        ),
    }
}

/// `data.summary.flow_readiness` for the estate; `not_checked` counts the UCCs
/// whose login could not be tried (their flow is unknown, not "not password").
pub fn summary(all: &[Option<&Readiness>]) -> Value {
    let checked: Vec<&Readiness> = all
        .iter()
        .flatten()
        .copied()
        .filter(|r| r.checked)
        .collect();
    json!({
        "uccs": all.len(),
        "password_flow": checked.iter().filter(|r| r.uses_password_flow()).count(),
        "client_credentials_ready": checked.iter().filter(|r| r.client_credentials_ready()).count(),
        "not_checked": all.len() - checked.len(),
    })
}

/// The estate line: "3 of 3 UCCs use the username-password flow (retiring in
/// 2027); 2 are ready for client credentials", and how many were not checked, so
/// that "0 of 1" never reads as "none uses it" when its login was never tried.
pub fn estate_line(summary: &Value, noun: &str) -> String {
    let n = |k: &str| summary[k].as_u64().unwrap_or(0) as usize;
    let (total, password, ready) = (n("uccs"), n("password_flow"), n("client_credentials_ready"));
    let mut line = format!(
        "{password} of {} {} the username-password flow (retiring in 2027); {ready} {} ready for client credentials",
        crate::output::count(total, noun),
        if password == 1 { "uses" } else { "use" },
        if ready == 1 { "is" } else { "are" },
    );
    match n("not_checked") {
        0 => {}
        k if k == total => line = format!("{line} (not checked: no login got through)"),
        k => line.push_str(&format!("; {k} not checked (no login got through)")),
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_estate_line_counts_password_logins_and_ready_apps() {
        let r = |p: &'static str, cc: &'static str| Readiness {
            password_flow: p,
            client_credentials: cc,
            run_as_user: None,
            hidden_fields: Vec::new(),
            jwt: "not-checked",
            checked: true,
        };
        let (a, b, c) = (
            r("accepted", "ready"),
            r("rejected", "ready"),
            r("accepted", "no-run-as-user"),
        );
        let s = summary(&[Some(&a), Some(&b), Some(&c)]);
        assert_eq!(
            s,
            json!({"uccs": 3, "password_flow": 3, "client_credentials_ready": 2, "not_checked": 0})
        );
        assert_eq!(
            estate_line(&s, "UCC"),
            "3 of 3 UCCs use the username-password flow (retiring in 2027); 2 are ready for client credentials"
        );
        let one = summary(&[Some(&c), None]);
        assert_eq!(
            estate_line(&one, "UCC"),
            "1 of 2 UCCs uses the username-password flow (retiring in 2027); 0 are ready for client credentials; 1 not checked (no login got through)"
        );
        let none = summary(&[None]);
        assert_eq!(
            estate_line(&none, "UCC"),
            "0 of 1 UCC use the username-password flow (retiring in 2027); 0 are ready for client credentials (not checked: no login got through)"
        );
    }
}
