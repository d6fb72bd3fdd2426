//! What each rule checks, for reports that list the rules (SARIF's `tool.driver.rules`):
//! a short description and help on how to fix a finding. The README's rule table says
//! the same for people.

/// (id, short description, help) for every id of [`super::RULE_IDS`].
pub const CATALOGUE: &[(&str, &str, &str)] = &[
    (
        "mandatory-missing",
        "A mandatory CrmService setting is missing",
        "Add ApplicationHost, Username, Password, ClientId, ClientSecret, ApiEndPoint and LoginEndPoint to the UCC's Plugin Settings with scope CrmService.",
    ),
    (
        "mandatory-empty",
        "A mandatory setting is empty or a placeholder",
        "Fill in the real value: empty, TODO, <...> and changeme are placeholders.",
    ),
    (
        "wrong-scope",
        "A setting has the wrong scope",
        "ListsEndpoints belongs in ListsPlugin, CrmServiceUrl in WebAgentService, the others in CrmService.",
    ),
    (
        "lists-endpoint",
        "ListsEndpoints lacks the CRM settings endpoint",
        "Add http://FQDN/CrmServiceSalesforce/api/v1/settings to ListsEndpoints (entries separated by ;).",
    ),
    (
        "crm-service-url",
        "CrmServiceUrl is not http://FQDN/CrmServiceSalesforce",
        "Set CrmServiceUrl to http://FQDN/CrmServiceSalesforce.",
    ),
    (
        "endpoint-host-mismatch",
        "ListsEndpoints and CrmServiceUrl name different hosts",
        "Use the same CRM Service FQDN in both.",
    ),
    (
        "not-local",
        "The CRM Service FQDN is not a .local name",
        "The installation guide uses the UCC's .local name for the CRM Service.",
    ),
    (
        "application-host",
        "ApplicationHost is not an https Salesforce org URL",
        "Use the org's My Domain URL, https://NAME.my.salesforce.com/.",
    ),
    (
        "login-endpoint",
        "LoginEndPoint is not an https Salesforce token URL",
        "Use https://login.salesforce.com/services/oauth2/token, test.salesforce.com for a sandbox, or the My Domain.",
    ),
    (
        "sandbox-mismatch",
        "Sandbox login with a production host, or the reverse",
        "Use test.salesforce.com (or the sandbox My Domain) for sandboxes and login.salesforce.com for production.",
    ),
    (
        "test-org",
        "ApplicationHost or LoginEndPoint is on this machine",
        "A test org (crmctl emulate); accepted over http, never in production.",
    ),
    (
        "api-endpoint",
        "ApiEndPoint is not services/data/vNN.0/",
        "Write ApiEndPoint as services/data/v60.0/ (your API version).",
    ),
    (
        "api-version-retired",
        "The API version is retired",
        "Salesforce retired versions below 31.0; use a current version.",
    ),
    (
        "not-encrypted",
        "A secret is not an encrypted string",
        "Encrypt it with crmctl encrypt (Password) or crmctl encrypt --value (ClientId, ClientSecret).",
    ),
    (
        "does-not-decrypt",
        "A secret does not decrypt under the key profile",
        "Encrypt it again with the key profile the CRM Service uses.",
    ),
    (
        "secret-whitespace",
        "A secret holds stray whitespace",
        "Encrypt the value again without spaces or line breaks inside.",
    ),
    (
        "value-whitespace",
        "Whitespace around an encrypted value",
        "Remove the spaces, tabs or line breaks around the string (validate-settings --fix does).",
    ),
    (
        "duplicate-setting",
        "A setting appears twice in a UCC",
        "Keep one row per setting: the service reads only one.",
    ),
    (
        "unknown-setting",
        "A setting name the documents do not know",
        "Check the spelling against the documents (did you mean ...?).",
    ),
    (
        "setting-case",
        "A documented setting written in other capitals",
        "Write the name exactly as documented (validate-settings --fix does).",
    ),
    (
        "duplicate-ucc",
        "Two UCCs with one name",
        "Give every UCC its own name.",
    ),
    (
        "primary-mismatch",
        "UCCs sharing a CRM Service differ in CrmService settings",
        "Make the primary settings identical in every UCC that shares the service (crmctl settings set --all-sharing).",
    ),
    (
        "probe-failed",
        "An endpoint did not answer 2xx",
        "The URL must be reachable from the UCC and the WebAgentService; check the FQDN, the service and the firewall.",
    ),
    (
        "login-failed",
        "The login with these credentials failed",
        "See crmctl login for the advice on the org's answer.",
    ),
    (
        "login-checks",
        "The login works but the screen pop is not ready",
        "See crmctl login for the details.",
    ),
    (
        "login-skipped",
        "The credentials were not sent to an untrusted LoginEndPoint",
        "Fix LoginEndPoint, or pass --allow-untrusted-login.",
    ),
];

/// The short description and help of a rule; a rule without an entry gets its id.
pub fn describe(id: &str) -> (&'static str, &'static str) {
    CATALOGUE
        .iter()
        .find(|(i, _, _)| *i == id)
        .map(|(_, s, h)| (*s, *h))
        .unwrap_or(("a validate-settings rule", "see the README's rule table"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_rule_is_described_once() {
        for id in super::super::RULE_IDS {
            let n = super::CATALOGUE.iter().filter(|(i, _, _)| i == id).count();
            assert_eq!(n, 1, "{id} needs one entry in rules::catalogue::CATALOGUE");
        }
    }
}
