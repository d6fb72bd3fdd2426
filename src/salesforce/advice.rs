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
                "orgs created since Summer '23 block the username-password flow by default: allow it in Setup > OAuth and OpenID Connect Settings > \"Allow OAuth Username-Password Flows\", or use --flow client-credentials; External Client Apps do not support this flow at all".to_string(),
                "a locked-out user gets the same answer: see Setup > Users > Login History for the real reason".to_string(),
            ]);
            ("Salesforce rejected the username, password or security token (invalid_grant: authentication failure)".into(), hints)
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
            vec!["pre-authorize the user's profile or permission set in the Connected App's policies".into()],
        ),
        ("invalid_client_id", _) => (
            format!("Salesforce does not know this client id / consumer key ({error}: {description})"),
            vec![
                "copy the Consumer Key again from the Connected App (Setup > App Manager > View)".into(),
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
