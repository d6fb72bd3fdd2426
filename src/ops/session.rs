//! The login check of `crmctl login`, `validate-settings --login` and `doctor`:
//! the OAuth login exactly as the CRM Service does it, with its advice, then the
//! API version and the fields the screen pop reads.

use secrecy::ExposeSecret;

use crate::error::CliError;
use crate::output::OrgText;
use crate::salesforce::{self, Flow, SfError};
use crate::screenpop::screen_pop_fields;

pub use crate::salesforce::fields::ObjectCheck;

/// What the login check found (rendered by `crmctl login`).
pub struct LoginReport {
    pub(crate) username: String,
    pub(crate) flow: Flow,
    pub(crate) token_url: String,
    pub(crate) instance_url: OrgText,
    pub(crate) org_id: OrgText,
    pub(crate) user_id: OrgText,
    pub(crate) login_ms: u128,
    pub(crate) api_version: String,
    pub(crate) version_offered: bool,
    /// What sets the version (`--api-version`, `ApiEndPoint`), for the advice
    /// when the org does not offer it.
    pub(crate) version_from: &'static str,
    pub(crate) newest_version: Option<OrgText>,
    pub(crate) api_usage: Option<(u64, u64)>,
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
    check_issued(client, creds, version, warming).map_err(|f| f.error)
}

/// Why [`check_issued`] failed, and whether the token was issued first.
pub struct CheckFailed {
    pub error: CliError,
    /// The session's instance URL when the token was issued and a call after it
    /// failed (an expired password, the API disabled); `None`: no token.
    pub issued_at: Option<String>,
}

/// [`check_session`], telling a refused token from a refused call after it.
pub fn check_issued(
    client: &salesforce::Client,
    creds: &salesforce::Credentials,
    version: String,
    warming: Option<salesforce::Warming>,
) -> Result<(LoginReport, salesforce::Session), CheckFailed> {
    let session = login(client, creds).map_err(|error| CheckFailed {
        error,
        issued_at: None,
    })?;
    let issued_at = session.instance_url.clone();
    checks(client, creds, session, version, warming).map_err(|error| CheckFailed {
        error,
        issued_at: Some(issued_at),
    })
}

/// The token request, its refusal with advice.
fn login(
    client: &salesforce::Client,
    creds: &salesforce::Credentials,
) -> Result<salesforce::Session, CliError> {
    client.login(creds).map_err(|e| match e {
        SfError::OAuth {
            ref error,
            ref description,
            ..
        } => {
            let sent_token = creds.flow != Flow::Password
                || creds.token_in_password
                || !creds.security_token.expose_secret().is_empty();
            let (mut message, hints) =
                salesforce::advice::for_oauth(error, description, sent_token);
            // Name the host that refused, not the one it usually is.
            if creds.flow == Flow::ClientCredentials
                && description.contains_lowercase("not supported on this domain")
            {
                let host = url::Url::parse(&creds.token_url)
                    .map(|u| u.origin().ascii_serialization())
                    .unwrap_or_else(|_| creds.token_url.clone());
                message = crate::detail![
                    format!("{host} is not the org's My Domain host, and "),
                    message
                ];
            }
            hints.into_iter().fold(
                CliError::new(crate::error::sf_kind(&e), message),
                CliError::with_hint,
            )
        }
        other => CliError::from(other),
    })
}

/// The calls after the token: the API version and the screen pop's fields.
fn checks(
    client: &salesforce::Client,
    creds: &salesforce::Credentials,
    session: salesforce::Session,
    version: String,
    warming: Option<salesforce::Warming>,
) -> Result<(LoginReport, salesforce::Session), CliError> {
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
    let (versions, _) = versions.map_err(CliError::from)?;
    let version_offered = versions.iter().any(|v| v.version == version.as_str());
    let (objects, api_usage) = crate::salesforce::fields::check(
        client,
        &session,
        &version,
        version_offered,
        &checked,
        described,
    )
    .map_err(CliError::from)?;
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
        version_from: "ApiEndPoint",
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
