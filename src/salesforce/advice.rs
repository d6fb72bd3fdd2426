//! Salesforce's error codes mapped to plain advice, in one place (ARCHITECTURE.md
//! convention 4). Each entry says what happened and what to do. Salesforce's own
//! words stay org text: messages are [`Detail`]s of spans.

use crate::detail;
use crate::output::{Detail, OrgText};

/// Advice for an OAuth token-endpoint error (`error`, `error_description`): the
/// message (quoting Salesforce's words as org spans) and hints.
/// `sent_token` tells whether a security token was appended to the password.
pub fn for_oauth(
    error: &OrgText,
    description: &OrgText,
    sent_token: bool,
) -> (Detail, Vec<Detail>) {
    let told = || detail![" (", error, ": ", description, ")"];
    let said = |what: &'static str| detail![what, told()];
    let grant = *error == "invalid_grant";
    let d = |needle: &str| description.contains_lowercase(needle);
    if grant && description.eq_ignore_ascii_case("authentication failure") {
        let mut hints: Vec<Detail> = Vec::new();
        if !sent_token {
            hints.push("no security token was sent: unless the login comes from a trusted IP range, append the token to the password (crmctl encrypt asks for both)".into());
        }
        hints.extend([
            "check the password and that it is followed directly by the CURRENT security token (it changes with every password reset; get a new one under Settings > Reset My Security Token)".into(),
            ("or the username-password flow is blocked, which Salesforce answers the same way: orgs created since Summer '23 block it by default (Setup > OAuth and OpenID Connect Settings > \"Allow OAuth Username-Password Flows\"), External Client Apps never offer it, and Salesforce retires it in 2027; ".to_string() + DOCTOR_CHECKS_OTHER_FLOWS).into(),
            "a locked-out user gets the same answer: Setup > Users > Login History shows the real reason (\"Username-Password Flow Disabled\" for a blocked flow)".into(),
        ]);
        return ("Salesforce rejected the username-password flow login: the username, password or security token is wrong, or the flow is blocked (invalid_grant: authentication failure)".into(), hints);
    }
    let (message, hints): (Detail, Vec<&str>) = if grant && (d("ip restricted") || d("login hours"))
    {
        (
            said("the login was refused by an IP range or login-hours restriction"),
            vec![
                "add the CRM Service's public IP to the profile's Login IP Ranges (or the org's trusted IP ranges), or relax the Connected App's IP Relaxation policy; check the profile's Login Hours",
            ],
        )
    } else if grant && d("not supported on this domain") {
        (
            said("this flow needs the org's My Domain URL"),
            vec![
                "ask for the token on the org's My Domain host: set ApplicationHost to https://<MyDomain>.my.salesforce.com, or pass --instance-url (or --login-url) with that URL; login hosts such as login.salesforce.com and test.salesforce.com refuse this flow",
            ],
        )
    } else if grant && d("client credentials user") {
        (
            said("the Connected App has no run-as user for the client credentials flow"),
            vec![
                "in the Connected App, enable the Client Credentials Flow and choose a \"Run As\" user",
            ],
        )
    } else if grant && d("approved this consumer") {
        (
            said("the user has not approved this Connected App"),
            vec![
                "pre-authorize the user: in the Connected App's policies set Permitted Users to \"Admin approved users are pre-authorized\" and add the user's profile or permission set (Manage > Profiles / Permission Sets)",
                "for --flow jwt the username (the assertion's sub) must be that user, active, in this org (a sandbox username ends in the sandbox name)",
            ],
        )
    } else if grant && description.eq_ignore_ascii_case("invalid assertion") {
        (
            said("Salesforce could not verify the JWT assertion"),
            vec![
                "the key must be the private key of the certificate uploaded to the Connected App (Use digital signatures): check the two match with `openssl x509 -noout -modulus -in server.crt` and `openssl rsa -noout -modulus -in server.key`",
                "the client id (iss) must be this Connected App's consumer key",
            ],
        )
    } else if grant && d("audience is invalid") {
        (
            said("the JWT assertion's audience is not this login host"),
            vec![
                "crmctl sets aud to https://login.salesforce.com, https://test.salesforce.com or the login URL's own host: log in with --login-url https://login.salesforce.com (production), --sandbox, or the org's My Domain URL",
            ],
        )
    } else if grant && d("expired") {
        (
            said("the JWT assertion had expired when Salesforce read it"),
            vec![
                "crmctl sets exp 3 minutes ahead of this computer's clock: set the clock right (NTP) and try again",
            ],
        )
    } else if *error == "invalid_client_id" {
        (
            said("Salesforce does not know this client id / consumer key"),
            vec![
                "copy the Consumer Key again from the Connected App (Setup > App Manager > View); for --flow jwt it is --client-id, the assertion's iss",
                "a newly created Connected App can take 2 to 10 minutes before logins with it work; try again shortly",
            ],
        )
    } else if error.is_one_of(&["invalid_client", "invalid_client_credentials"]) {
        (
            said("the client secret / consumer secret is wrong"),
            vec![
                "copy the Consumer Secret again from the Connected App and re-encrypt it with `crmctl encrypt --value`",
            ],
        )
    } else if *error == "unsupported_grant_type" {
        (
            said("the token endpoint did not accept the request"),
            vec![
                "LoginEndPoint must be https://login.salesforce.com/services/oauth2/token, https://test.salesforce.com/services/oauth2/token or https://<MyDomain>.my.salesforce.com/services/oauth2/token",
                "a proxy that rewrites request bodies causes this too",
            ],
        )
    } else if *error == "inactive_user" {
        (
            said("the user is deactivated"),
            vec!["reactivate the user in Setup > Users, or use another integration user"],
        )
    } else if *error == "inactive_org" {
        (
            said("the org is locked, closed or suspended"),
            vec!["contact your Salesforce account executive or support"],
        )
    } else if *error == "rate_limit_exceeded" {
        (
            said("too many logins in a short time"),
            vec![
                "wait a while before retrying; make sure the CRM Service reuses its session instead of logging in per call",
            ],
        )
    } else if *error == "invalid_app_access" {
        (
            said("the user is not admin-approved for this Connected App"),
            vec![
                "add the user's profile or permission set to the Connected App (Manage > Profiles / Permission Sets), or set Permitted Users to \"All users may self-authorize\"",
            ],
        )
    } else {
        (said("Salesforce refused the login"), Vec::new())
    };
    (message, hints.into_iter().map(Detail::from).collect())
}

/// Advice for a data-API error code (salesforce-api.md section 5).
/// The advice of a `NOT_FOUND` answer to a REST call; a command that knows what
/// set the version names it instead (`ops::connect::name_version_source`).
/// The end of the blocked-flow advice; doctor, which runs those checks itself, says
/// where instead ([`crate::doctor`]'s flow-readiness step).
pub const DOCTOR_CHECKS_OTHER_FLOWS: &str =
    "`crmctl doctor` checks client credentials and JWT for the same app";

pub const VERSION_NOT_FOUND: &str = "the API version may not exist in this org: check ApiEndPoint (for example services/data/v60.0/)";

pub fn for_api<C: PartialEq<str> + ?Sized>(code: &C) -> Vec<String> {
    let known = [
        "API_DISABLED_FOR_ORG",
        "INVALID_OPERATION_WITH_EXPIRED_PASSWORD",
        "REQUEST_LIMIT_EXCEEDED",
        "INVALID_SESSION_ID",
        "NOT_FOUND",
        "INVALID_FIELD",
        "INVALID_TYPE",
        "SERVER_UNAVAILABLE",
        "UNKNOWN_EXCEPTION",
    ];
    let code = known.into_iter().find(|k| code == *k).unwrap_or("");
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
        "NOT_FOUND" => &[VERSION_NOT_FOUND],
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
fn task_field_path(field: &OrgText) -> Detail {
    detail![
        "Setup > Object Manager > Activity > Fields & Relationships > ",
        field,
        " > Set Field-Level Security"
    ]
}

/// The field a write error is about: the `fields` Salesforce names, else the
/// column quoted in "No such column 'X' on sobject of type Task".
fn field_of(message: &OrgText, fields: &[OrgText]) -> Option<OrgText> {
    const QUOTE: &str = "No such column '";
    if let Some(f) = fields.first() {
        return Some(f.clone());
    }
    message.matches(|m| m.contains(QUOTE)).then(|| {
        message.derive(|m| {
            let rest = m.split(QUOTE).nth(1).unwrap_or_default();
            rest.split('\'').next().unwrap_or_default().to_string()
        })
    })
}

/// Advice for a refused Task write (the auto log of `lookup --log` and
/// `doctor --log-test`): restricted picklists, fields the user cannot see or set,
/// the Call Center features, related records.
pub fn for_task_write(code: &OrgText, message: &OrgText, fields: &[OrgText]) -> Vec<Detail> {
    let field = field_of(message, fields);
    let f: Detail = field.as_ref().map_or("the field".into(), Detail::from);
    let call_field = field
        .as_ref()
        .is_some_and(|f| f.matches(|f| f.starts_with("Call")));
    let mut hints: Vec<Detail> = Vec::new();
    if *code == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST" {
        hints.push(detail![
            &f,
            " is a restricted picklist and this org does not offer the value sent: add it under Setup > Object Manager > Activity > Fields & Relationships > ",
            &f,
            " > Values (CallType takes Inbound, Internal or Outbound; TaskSubtype Call, Email or Task)"
        ]);
    } else if *code == "INVALID_FIELD" && call_field {
        hints.push(detail![
            &f,
            " is one of Task's call fields, which come with Salesforce CRM Call Center: enable the call center features and add the integration user to the call center (Setup > Call Centers > Manage Call Center Users)"
        ]);
    } else if *code == "INVALID_FIELD" {
        hints.push(detail![
            "the integration user cannot see Task.",
            &f,
            " (the 8x8 guide's \"Type field must be visible\" step): make it visible in ",
            field_path(field.as_ref())
        ]);
    } else if *code == "INVALID_FIELD_FOR_INSERT_UPDATE" {
        hints.push(detail![
            "the integration user cannot set Task.",
            &f,
            ": make it visible and not read-only in ",
            field_path(field.as_ref())
        ]);
    } else if code.is_one_of(&["FIELD_INTEGRITY_EXCEPTION", "MALFORMED_ID"]) {
        hints.push(
            "the related record (WhoId: a contact or lead; WhatId: an account, case, ...) was refused: a lead cannot be combined with a Related To record, and the Id must exist".into(),
        );
    } else if code.is_one_of(&[
        "INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY",
        "INSUFFICIENT_ACCESS_OR_READONLY",
    ]) {
        hints.push(
            "the integration user may not create Tasks or may not relate them to this record: give its profile the \"Edit Tasks\" permission and read access to the related record".into(),
        );
    } else if *code == "REQUIRED_FIELD_MISSING" {
        hints.push(detail![
            "the org requires ",
            &f,
            " on Task (a layout, validation rule or custom required field): the CRM Service does not fill it in, so relax the requirement for the integration user"
        ]);
    } else if *code == "FIELD_CUSTOM_VALIDATION_EXCEPTION" {
        hints.push(
            "a validation rule on Task refused the log: exempt the integration user or the auto log's values from it".into(),
        );
    } else {
        hints.extend(for_api(code).into_iter().map(Detail::from));
    }
    hints
}

/// [`task_field_path`] of the field, or of "the field" when none is known.
fn field_path(field: Option<&OrgText>) -> Detail {
    match field {
        Some(f) => task_field_path(f),
        None => task_field_path(&OrgText::from("the field")),
    }
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
            let (m, hints) = for_oauth(&error.into(), &description.into(), true);
            assert!(m.contains(message), "{description}: {m:?}");
            assert!(
                hints.iter().any(|h| h.contains(hint)),
                "{description}: {hints:?}"
            );
        }
    }
}
