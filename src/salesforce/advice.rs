//! Salesforce's error codes mapped to plain advice, in one place (ARCHITECTURE.md
//! convention 4). Each entry says what happened and what to do.

/// Advice for an OAuth token-endpoint error (`error`, `error_description`).
/// `sent_token` tells whether a security token was appended to the password.
pub fn for_oauth(error: &str, description: &str, sent_token: bool) -> (String, Vec<String>) {
    let d = description.to_ascii_lowercase();
    match (error, d.as_str()) {
        ("invalid_grant", "authentication failure") => {
            let mut hints = Vec::new();
            if !sent_token {
                hints.push("no security token was sent: unless the login comes from a trusted IP range, append the token to the password (crmctl encrypt asks for both)".to_string());
            }
            hints.extend([
                "check the password and that it is followed directly by the CURRENT security token (it changes with every password reset; get a new one under Settings > Reset My Security Token)".to_string(),
                "or the username-password flow is blocked, which Salesforce answers the same way: orgs created since Summer '23 block it by default (Setup > OAuth and OpenID Connect Settings > \"Allow OAuth Username-Password Flows\"), External Client Apps never offer it, and Salesforce retires it in 2027; `crmctl doctor` checks client credentials and JWT for the same app".to_string(),
                "a locked-out user gets the same answer: Setup > Users > Login History shows the real reason (\"Username-Password Flow Disabled\" for a blocked flow)".to_string(),
            ]);
            ("Salesforce rejected the username-password flow login: the username, password or security token is wrong, or the flow is blocked (invalid_grant: authentication failure)".into(), hints)
        }
        ("invalid_grant", d) if d.contains("ip restricted") || d.contains("login hours") => (
            format!("the login was refused by an IP range or login-hours restriction ({error}: {description})"),
            vec!["add the CRM Service's public IP to the profile's Login IP Ranges (or the org's trusted IP ranges), or relax the Connected App's IP Relaxation policy; check the profile's Login Hours".into()],
        ),
        ("invalid_grant", d) if d.contains("not supported on this domain") => (
            format!("this flow needs the org's My Domain URL ({error}: {description})"),
            vec!["use --login-url https://<MyDomain>.my.salesforce.com for --flow client-credentials; login.salesforce.com does not accept it".into()],
        ),
        ("invalid_grant", d) if d.contains("client credentials user") => (
            format!("the Connected App has no run-as user for the client credentials flow ({error}: {description})"),
            vec!["in the Connected App, enable the Client Credentials Flow and choose a \"Run As\" user".into()],
        ),
        ("invalid_grant", d) if d.contains("approved this consumer") => (
            format!("the user has not approved this Connected App ({error}: {description})"),
            vec![
                "pre-authorize the user: in the Connected App's policies set Permitted Users to \"Admin approved users are pre-authorized\" and add the user's profile or permission set (Manage > Profiles / Permission Sets)".into(),
                "for --flow jwt the username (the assertion's sub) must be that user, active, in this org (a sandbox username ends in the sandbox name)".into(),
            ],
        ),
        ("invalid_grant", "invalid assertion") => (
            format!("Salesforce could not verify the JWT assertion ({error}: {description})"),
            vec![
                "the key must be the private key of the certificate uploaded to the Connected App (Use digital signatures): check the two match with `openssl x509 -noout -modulus -in server.crt` and `openssl rsa -noout -modulus -in server.key`".into(),
                "the client id (iss) must be this Connected App's consumer key".into(),
            ],
        ),
        ("invalid_grant", d) if d.contains("audience is invalid") => (
            format!("the JWT assertion's audience is not this login host ({error}: {description})"),
            vec!["crmctl sets aud to https://login.salesforce.com, https://test.salesforce.com or the login URL's own host: log in with --login-url https://login.salesforce.com (production), --sandbox, or the org's My Domain URL".into()],
        ),
        ("invalid_grant", d) if d.contains("expired") => (
            format!("the JWT assertion had expired when Salesforce read it ({error}: {description})"),
            vec!["crmctl sets exp 3 minutes ahead of this computer's clock: set the clock right (NTP) and try again".into()],
        ),
        ("invalid_client_id", _) => (
            format!("Salesforce does not know this client id / consumer key ({error}: {description})"),
            vec![
                "copy the Consumer Key again from the Connected App (Setup > App Manager > View); for --flow jwt it is --client-id, the assertion's iss".into(),
                "a newly created Connected App can take 2 to 10 minutes before logins with it work; try again shortly".into(),
            ],
        ),
        ("invalid_client", _) | ("invalid_client_credentials", _) => (
            format!("the client secret / consumer secret is wrong ({error}: {description})"),
            vec!["copy the Consumer Secret again from the Connected App and re-encrypt it with `crmctl encrypt --value`".into()],
        ),
        ("unsupported_grant_type", _) => (
            format!("the token endpoint did not accept the request ({error}: {description})"),
            vec![
                "LoginEndPoint must be https://login.salesforce.com/services/oauth2/token, https://test.salesforce.com/services/oauth2/token or https://<MyDomain>.my.salesforce.com/services/oauth2/token".into(),
                "a proxy that rewrites request bodies causes this too".into(),
            ],
        ),
        ("inactive_user", _) => (
            format!("the user is deactivated ({error}: {description})"),
            vec!["reactivate the user in Setup > Users, or use another integration user".into()],
        ),
        ("inactive_org", _) => (
            format!("the org is locked, closed or suspended ({error}: {description})"),
            vec!["contact your Salesforce account executive or support".into()],
        ),
        ("rate_limit_exceeded", _) => (
            format!("too many logins in a short time ({error}: {description})"),
            vec!["wait a while before retrying; make sure the CRM Service reuses its session instead of logging in per call".into()],
        ),
        ("invalid_app_access", _) => (
            format!("the user is not admin-approved for this Connected App ({error}: {description})"),
            vec!["add the user's profile or permission set to the Connected App (Manage > Profiles / Permission Sets), or set Permitted Users to \"All users may self-authorize\"".into()],
        ),
        _ => (format!("Salesforce refused the login ({error}: {description})"), Vec::new()),
    }
}

/// Advice for a data-API error code (salesforce-api.md section 5).
pub fn for_api(code: &str) -> Vec<String> {
    let h: &[&str] = match code {
        "API_DISABLED_FOR_ORG" => &[
            "give the user's profile or a permission set the \"API Enabled\" permission (Setup > Profiles > System Permissions); some editions have no API access at all",
        ],
        "INVALID_OPERATION_WITH_EXPIRED_PASSWORD" => &[
            "the password has expired: log in to Salesforce as this user and set a new one, then run `crmctl encrypt` with the new password and the new security token that Salesforce e-mails",
        ],
        "REQUEST_LIMIT_EXCEEDED" => &[
            "the org's daily API request limit is used up; see Setup > Company Information > API Requests, Last 24 Hours, and wait or ask Salesforce for a higher limit",
        ],
        "INVALID_SESSION_ID" => &[
            "the session expired or was revoked; log in again (check the session timeout and \"Lock sessions to the IP address\" settings)",
        ],
        "NOT_FOUND" => &[
            "the API version may not exist in this org: check ApiEndPoint (for example services/data/v60.0/)",
        ],
        "INVALID_FIELD" | "INVALID_TYPE" => &[
            "the user cannot see this object or field: check the profile's object permissions and field-level security",
        ],
        "SERVER_UNAVAILABLE" | "UNKNOWN_EXCEPTION" => {
            &["Salesforce is busy or in maintenance; see status.salesforce.com and try again"]
        }
        _ => &[],
    };
    h.iter().map(|s| s.to_string()).collect()
}

/// Where a Task field's access is set: Task's standard fields are Activity fields.
fn task_field_path(field: &str) -> String {
    format!(
        "Setup > Object Manager > Activity > Fields & Relationships > {field} > Set Field-Level Security"
    )
}

/// The field a write error is about: the `fields` Salesforce names, else the
/// column quoted in "No such column 'X' on sobject of type Task".
fn field_of(message: &str, fields: &[String]) -> Option<String> {
    if let Some(f) = fields.first() {
        return Some(f.clone());
    }
    let rest = message.split("No such column '").nth(1)?;
    rest.split('\'').next().map(str::to_string)
}

/// Advice for a refused Task write (the auto log of `lookup --log` and
/// `doctor --log-test`): restricted picklists, fields the user cannot see or set,
/// the Call Center features, related records.
pub fn for_task_write(code: &str, message: &str, fields: &[String]) -> Vec<String> {
    let field = field_of(message, fields);
    let f = field.as_deref().unwrap_or("the field");
    let call_field = f.starts_with("Call");
    let mut hints = Vec::new();
    match code {
        "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST" => hints.push(format!(
            "{f} is a restricted picklist and this org does not offer the value sent: add it under Setup > Object Manager > Activity > Fields & Relationships > {f} > Values (CallType takes Inbound, Internal or Outbound; TaskSubtype Call, Email or Task)"
        )),
        "INVALID_FIELD" if call_field => hints.push(format!(
            "{f} is one of Task's call fields, which come with Salesforce CRM Call Center: enable the call center features and add the integration user to the call center (Setup > Call Centers > Manage Call Center Users)"
        )),
        "INVALID_FIELD" => hints.push(format!(
            "the integration user cannot see Task.{f} (the 8x8 guide's \"Type field must be visible\" step): make it visible in {}",
            task_field_path(f)
        )),
        "INVALID_FIELD_FOR_INSERT_UPDATE" => hints.push(format!(
            "the integration user cannot set Task.{f}: make it visible and not read-only in {}",
            task_field_path(f)
        )),
        "FIELD_INTEGRITY_EXCEPTION" | "MALFORMED_ID" => hints.push(
            "the related record (WhoId: a contact or lead; WhatId: an account, case, ...) was refused: a lead cannot be combined with a Related To record, and the Id must exist".into(),
        ),
        "INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY" | "INSUFFICIENT_ACCESS_OR_READONLY" => hints.push(
            "the integration user may not create Tasks or may not relate them to this record: give its profile the \"Edit Tasks\" permission and read access to the related record".into(),
        ),
        "REQUIRED_FIELD_MISSING" => hints.push(format!(
            "the org requires {f} on Task (a layout, validation rule or custom required field): the CRM Service does not fill it in, so relax the requirement for the integration user"
        )),
        "FIELD_CUSTOM_VALIDATION_EXCEPTION" => hints.push(
            "a validation rule on Task refused the log: exempt the integration user or the auto log's values from it".into(),
        ),
        _ => hints.extend(for_api(code)),
    }
    hints
}

#[cfg(test)]
mod tests {
    use super::for_oauth;

    /// Each documented JWT bearer refusal gets its own message and a hint that
    /// says what to change; the password-flow refusal names the flow.
    #[test]
    fn jwt_refusals_and_the_password_flow_get_their_own_advice() {
        for (error, description, message, hint) in [
            (
                "invalid_grant",
                "user hasn't approved this consumer",
                "has not approved",
                "pre-authorized",
            ),
            (
                "invalid_grant",
                "invalid assertion",
                "could not verify the JWT assertion",
                "Use digital signatures",
            ),
            (
                "invalid_grant",
                "audience is invalid",
                "audience",
                "--sandbox",
            ),
            (
                "invalid_grant",
                "expired authorization code",
                "had expired",
                "clock",
            ),
            (
                "invalid_client_id",
                "client identifier invalid",
                "client id",
                "--client-id",
            ),
            (
                "invalid_grant",
                "authentication failure",
                "username-password flow",
                "Username-Password Flow Disabled",
            ),
        ] {
            let (m, hints) = for_oauth(error, description, true);
            assert!(m.contains(message), "{description}: {m}");
            assert!(
                hints.iter().any(|h| h.contains(hint)),
                "{description}: {hints:?}"
            );
        }
    }
}
