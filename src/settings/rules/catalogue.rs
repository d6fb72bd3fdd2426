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
    (
        "show-status",
        "ShowStatus is not a boolean",
        "Set ShowStatus to True or False.",
    ),
    (
        "region-invalid",
        "DefaultPhoneNumberRegion is not an ISO 3166 alpha-2 code or ZZ",
        "Use a two-letter region such as NL or GB (not UK), or ZZ for none.",
    ),
    (
        "region-national-numbers",
        "DefaultPhoneNumberRegion is ZZ while the org stores national numbers",
        "Set DefaultPhoneNumberRegion to the region of the national numbers, so callers' E.164 numbers match them.",
    ),
    (
        "phone-format-unknown",
        "PhoneNumberFormat is not a documented value",
        "Use Wildcard, E164, International or National (docs/crm-service-model.md).",
    ),
    (
        "phone-format-wildcard",
        "PhoneNumberFormat Wildcard can become very slow",
        "Store numbers in one format and choose it, as the CRM Service documents advise.",
    ),
    (
        "query-placeholders",
        "A base query's placeholders are not {0} and {1} once each",
        "Write BaseContactQuery, BaseLeadQuery and BaseCaseQuery with {0} for the fields and {1} for the conditions.",
    ),
    (
        "query-shape",
        "A base query is not SELECT ... FROM Object WHERE ...",
        "Fix the query's shape: balanced quotes and parentheses, SELECT {0} FROM Object WHERE {1}.",
    ),
    (
        "attribute-column",
        "A PluginAttributes column the documents do not name",
        "Remove or rename the column; it is ignored.",
    ),
    (
        "attribute-category",
        "A PluginAttributes Category is not documented",
        "Use Contact, ContactSearch, Lead, LeadSearch, Case or CaseSearch.",
    ),
    (
        "attribute-order",
        "A PluginAttributes Order is used twice, or does not restart at 1",
        "Number each category's items 1, 2, 3, ... once each.",
    ),
    (
        "attribute-contact-missing",
        "PluginAttributes has no Contact items",
        "Add the Contact category, the one the CRM Service requires.",
    ),
    (
        "attribute-hyperlink",
        "A Hyperlink names a SystemName not in its category",
        "Use [SystemName] placeholders of items of the same Category.",
    ),
    (
        "attribute-display-name",
        "Items sharing a DisplayName do not follow each other in Order",
        "Give combined items consecutive Order numbers (FirstName 1, LastName 2).",
    ),
    (
        "attribute-field-missing",
        "A SystemName is not a field the integration user can see",
        "Fix the SystemName, or grant the integration user field access to it.",
    ),
    (
        "login-host-mismatch",
        "LoginEndPoint and ApplicationHost name different orgs",
        "Point both at one org: the same My Domain, or both at the test org on this machine.",
    ),
    (
        "username-shape",
        "Username is not shaped like an e-mail address",
        "Use the Salesforce username, name@domain.tld, as Salesforce requires.",
    ),
    (
        "client-id-is-secret",
        "ClientId and ClientSecret hold the same value",
        "Copy the Connected App's consumer key into ClientId and its consumer secret into ClientSecret.",
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
