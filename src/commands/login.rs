//! `crmctl login`: the OAuth login exactly as the CRM Service does it, then the
//! checks a screen pop depends on.

use clap::Args;
use serde_json::{Value, json};

use crate::args::{ConnectArgs, SettingsArgs};
use crate::ctx::Ctx;
use crate::error::{CliError, EXIT_NO};
use crate::ops::ConnectSettings;
use crate::ops::session::{LoginReport, check_session};
use crate::output::{Printer, Report};

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

impl Report for LoginReport {
    fn data(&self) -> Value {
        let objects: Vec<Value> = self
            .objects
            .iter()
            .map(|o| json!({"object": o.object, "visible": o.missing.is_some(), "hidden_fields": o.missing.clone().unwrap_or_default()}))
            .collect();
        json!({
            "ok": self.ok(),
            // The client-credentials flow logs in as the Connected App's run-as
            // user, whose username the token answer does not give (user_id does).
            "username": (!self.username.is_empty()).then_some(&self.username),
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
            out.quoted(&self.username)
        };
        let mut text = format!("{head} logged in as {who} in {} ms\n", self.login_ms);
        text.push_str(&format!(
            "  org id:       {}\n  user id:      {}\n  instance:     {}\n",
            out.org(&self.org_id),
            out.org(&self.user_id),
            out.org(&self.instance_url)
        ));
        let newest = self
            .newest_version
            .as_ref()
            .map(|n| format!(" (newest v{})", out.org(n)))
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
            // The org's version is org text: the printer escapes it (once).
            let version: crate::output::Detail = match &self.newest_version {
                Some(v) => v.into(),
                None => crate::ops::DEFAULT_API_VERSION.into(),
            };
            out.hint_detail(&crate::ops::connect::version_hint(
                self.version_from,
                version,
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
    c.refuse_unused_jwt_key()?;
    let ucc = args.from.ucc()?;
    let settings = ConnectSettings::resolve(c, ucc.as_ref(), &ctx.env)?;
    let creds = settings.credentials(c, ctx, ucc.as_ref())?;
    let client = ctx.client(&settings.http)?;
    let warming = settings
        .instance_hint
        .as_deref()
        .and_then(|u| client.warm(u, &creds.token_url));
    let version_from = settings.api_version_from;
    check_session(&client, &creds, settings.api_version, warming).map(|(mut r, _)| {
        r.version_from = version_from;
        Box::new(r) as Box<dyn Report>
    })
}
