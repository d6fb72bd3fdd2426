//! `crmctl login`: the OAuth login exactly as the CRM Service does it, then the
//! checks a screen pop depends on.

use clap::Args;
use secrecy::ExposeSecret;
use serde_json::{Value, json};

use super::connect::{ConnectArgs, SettingsArgs, sf_error};
use crate::ctx::Ctx;
use crate::error::{CliError, EXIT_NO};
use crate::output::{OrgText, Printer, Report, sanitize};
use crate::salesforce::{self, Flow, SfError};

pub use crate::salesforce::fields::ObjectCheck;
pub use crate::screenpop::screen_pop_fields;

/// Log in as the CRM Service would, and check the API version and screen-pop fields
#[derive(Debug, Args)]
#[command(
    long_about = "Log in as the CRM Service would, and check the API version and screen-pop fields.\n\n\
crmctl posts the OAuth username-password form (password immediately followed by the security \
token) to the login endpoint, then checks that the org offers the API version and that Account, \
Contact, Lead and Case with every field the screen pop reads (Phone, MobilePhone, Email, \
CaseNumber and the rest) are visible to this user. Every refusal comes with advice. Exit 1 when the org says no, 4 when it cannot be reached.\n\n\
Secrets come from hidden prompts, --stdin (password, token, client id, client secret; one a line) \
or CRMCTL_PASSWORD, CRMCTL_TOKEN, CRMCTL_CLIENT_ID and CRMCTL_CLIENT_SECRET. The access token is \
never printed.\n\n\
Salesforce retires the username-password flow in 2027. --flow client-credentials logs in with the \
client id and secret alone (on the org's My Domain host); --flow jwt signs an RS256 assertion \
(iss: the client id, sub: --username, aud: the login host, exp: 3 minutes) with --jwt-key-file, the \
private key of the certificate uploaded to the Connected App, as `sf org login jwt` does. The key is \
never printed; a key file others can read is warned about.",
    after_long_help = "Examples:\n  \
crmctl login --username integration@contoso.com\n  \
crmctl login --sandbox --username integration@contoso.com.uat --api-version 60.0\n  \
crmctl login --flow client-credentials --login-url https://contoso.my.salesforce.com --json\n  \
crmctl login --flow jwt --jwt-key-file server.key --client-id 3MVG9... \\\n      --username integration@contoso.com"
)]
pub struct LoginArgs {
    #[command(flatten)]
    pub from: SettingsArgs,

    #[command(flatten)]
    pub connect: ConnectArgs,
}

pub struct LoginReport {
    pub(crate) username: String,
    flow: Flow,
    token_url: String,
    pub(crate) instance_url: OrgText,
    org_id: OrgText,
    user_id: OrgText,
    pub(crate) login_ms: u128,
    pub(crate) api_version: String,
    pub(crate) version_offered: bool,
    pub(crate) newest_version: Option<OrgText>,
    api_usage: Option<(u64, u64)>,
    pub(crate) objects: Vec<ObjectCheck>,
}

impl LoginReport {
    pub fn ok(&self) -> bool {
        self.version_offered
            && self
                .objects
                .iter()
                .all(|o| o.missing.as_ref().is_some_and(Vec::is_empty))
    }
}

impl LoginReport {
    pub fn instance_url(&self) -> &OrgText {
        &self.instance_url
    }

    /// What is not ready, in words (empty when all is well).
    pub fn problems(&self) -> Vec<String> {
        let mut p = Vec::new();
        if !self.version_offered {
            p.push(format!(
                "API v{} is not offered by the org",
                self.api_version
            ));
        }
        for o in &self.objects {
            match &o.missing {
                None => p.push(format!("{} is not visible to the user", o.object)),
                Some(m) if !m.is_empty() => p.push(format!("{} hides {}", o.object, m.join(", "))),
                Some(_) => {}
            }
        }
        p
    }
}

impl Report for LoginReport {
    fn data(&self) -> Value {
        let objects: Vec<Value> = self
            .objects
            .iter()
            .map(|o| json!({"object": o.object, "visible": o.missing.is_some(), "hidden_fields": o.missing.clone().unwrap_or_default()}))
            .collect();
        json!({
            "ok": self.ok(),
            "username": self.username,
            "flow": self.flow.as_str(),
            "token_url": self.token_url,
            "instance_url": self.instance_url,
            "org_id": self.org_id,
            "user_id": self.user_id,
            "login_ms": self.login_ms,
            "api_version": self.api_version,
            "api_version_offered": self.version_offered,
            "newest_api_version": self.newest_version,
            "api_usage": self.api_usage.map(|(u, m)| json!({"used": u, "max": m})),
            "objects": objects,
        })
    }

    fn render(&self, out: &Printer) -> std::io::Result<()> {
        let s = out.stdout_style();
        let head = if self.ok() {
            s.ok("ok:")
        } else {
            s.error("not ready:")
        };
        let who = if self.username.is_empty() {
            "the Connected App's run-as user".to_string()
        } else {
            sanitize::for_terminal(&self.username)
        };
        let mut text = format!("{head} logged in as {who} in {} ms\n", self.login_ms);
        text.push_str(&format!(
            "  org id:       {}\n  user id:      {}\n  instance:     {}\n",
            self.org_id.escaped(),
            self.user_id.escaped(),
            self.instance_url.escaped()
        ));
        let newest = self
            .newest_version
            .as_ref()
            .map(|n| format!(" (newest v{})", n.escaped()))
            .unwrap_or_default();
        let offered = if self.version_offered {
            s.ok("offered")
        } else {
            s.error("NOT offered")
        };
        text.push_str(&format!(
            "  API version:  v{} {offered}{newest}\n",
            self.api_version
        ));
        if let Some((u, m)) = self.api_usage {
            text.push_str(&format!("  API usage:    {u} of {m} daily requests\n"));
        }
        let checks: Vec<String> = self
            .objects
            .iter()
            .map(|o| match &o.missing {
                None => format!("{} {}", o.object, s.error("not visible")),
                Some(m) if m.is_empty() => format!("{} {}", o.object, s.ok("ok")),
                Some(m) => format!("{} {} {}", o.object, s.error("hides"), m.join(", ")),
            })
            .collect();
        if !checks.is_empty() {
            text.push_str(&format!("  screen pop:   {}\n", checks.join("; ")));
        }
        out.data(&text)?;
        if !self.version_offered {
            out.hint(&format!(
                "set ApiEndPoint to a version the org offers, e.g. services/data/v{}/",
                self.newest_version
                    .as_ref()
                    .map(OrgText::escaped)
                    .unwrap_or_else(|| "60.0".into())
            ));
        }
        if self
            .objects
            .iter()
            .any(|o| o.missing.as_ref().is_none_or(|m| !m.is_empty()))
        {
            out.hint("give the integration user read access to these objects and field-level security on these fields (Setup > Profiles or Permission Sets)");
        }
        Ok(())
    }

    fn exit_code(&self) -> u8 {
        if self.ok() { 0 } else { EXIT_NO }
    }
}

pub fn run(ctx: &Ctx, args: &LoginArgs) -> Result<Box<dyn Report>, CliError> {
    let c = &args.connect;
    let ucc = args.from.ucc()?;
    let version = c.api_version(ucc.as_ref())?;
    let creds = c.credentials(ctx, ucc.as_ref())?;
    let client = c.client(ctx)?;
    let warming = c
        .instance_hint(ctx, ucc.as_ref())?
        .and_then(|u| client.warm(&u, &creds.token_url));
    check_session(&client, &creds, version, warming).map(|(r, _)| Box::new(r) as Box<dyn Report>)
}

/// The login and its checks, as `crmctl login` and `validate-settings --login` run them.
pub fn check(
    client: &salesforce::Client,
    creds: &salesforce::Credentials,
    version: String,
) -> Result<LoginReport, CliError> {
    check_session(client, creds, version, None).map(|(report, _)| report)
}

/// [`check`], keeping the session for the calls that follow (`crmctl doctor`).
/// `warming`: the org's connection opened during the token request
/// ([`salesforce::Client::warm`]); its versions list is used when the token's
/// instance is that host, leaving one round trip (the composite) after the token.
pub fn check_session(
    client: &salesforce::Client,
    creds: &salesforce::Credentials,
    version: String,
    warming: Option<salesforce::Warming>,
) -> Result<(LoginReport, salesforce::Session), CliError> {
    let session = client.login(creds).map_err(|e| match e {
        SfError::OAuth {
            ref error,
            ref description,
            ..
        } => {
            let sent_token = creds.flow != Flow::Password
                || creds.token_in_password
                || !creds.security_token.expose_secret().is_empty();
            let (message, hints) = salesforce::advice::for_oauth(
                error.as_untrusted_str(),
                description.as_untrusted_str(),
                sent_token,
            );
            hints.into_iter().fold(
                CliError::new(crate::error::sf_kind(&e), message),
                CliError::with_hint,
            )
        }
        other => sf_error(other),
    })?;
    // Two round trips after the token, at once: the versions list (no session
    // needed) and one composite request with the four describes (one API call).
    let checked = screen_pop_fields();
    let names: Vec<&str> = checked.iter().map(|(o, _)| *o).collect();
    let prefetched = warming
        .and_then(|w| w.settle(&session))
        .and_then(|body| serde_json::from_slice::<Vec<salesforce::VersionEntry>>(&body).ok());
    let (versions, described) = std::thread::scope(|s| {
        let versions = s.spawn(|| match prefetched {
            Some(list) => Ok((list, salesforce::CallInfo::default())),
            None => client.versions(&session.instance_url),
        });
        let described = client.describe_composite(&session, &version, &names);
        let versions = versions
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (versions, described)
    });
    let (versions, _) = versions.map_err(sf_error)?;
    let version_offered = versions.iter().any(|v| v.version == version.as_str());
    let (objects, api_usage) = crate::salesforce::fields::check(
        client,
        &session,
        &version,
        version_offered,
        &checked,
        described,
    )
    .map_err(sf_error)?;
    let report = LoginReport {
        username: creds.username.clone(),
        flow: creds.flow,
        token_url: creds.token_url.clone(),
        instance_url: OrgText::from(session.instance_url.as_str()),
        org_id: session.org_id.clone(),
        user_id: session.user_id.clone(),
        login_ms: session.elapsed.as_millis(),
        api_version: version,
        version_offered,
        newest_version: versions.last().map(|v| v.version.clone()),
        api_usage,
        objects,
    };
    Ok((report, session))
}

#[cfg(test)]
mod tests {
    use super::screen_pop_fields;
    use crate::screenpop::{ACCOUNT_FIELDS, CASE_FIELDS, CONTACT_FIELDS, LEAD_FIELDS};

    /// The check covers every field the screen pop's statements name on the object
    /// itself (relationship paths such as `Account.Name` are the parent's fields).
    #[test]
    fn the_login_check_covers_every_field_the_screen_pop_reads() {
        for (object, list) in [
            ("Account", ACCOUNT_FIELDS),
            ("Contact", CONTACT_FIELDS),
            ("Lead", LEAD_FIELDS),
            ("Case", CASE_FIELDS),
        ] {
            let all = screen_pop_fields();
            let checked = all
                .iter()
                .find(|(o, _)| *o == object)
                .map(|(_, f)| f.as_slice())
                .unwrap_or_default();
            for field in list.split(", ").filter(|f| !f.contains('.')) {
                assert!(checked.contains(&field), "{object}.{field} is not checked");
            }
        }
    }
}
