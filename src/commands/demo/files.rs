//! The files the demo writes: its UCC's settings (with the CRM Service's optional
//! settings and PluginAttributes), a copy with two typical mistakes, and what `rekey`
//! leaves in the settings file.

use std::path::Path;

use emulator::default_org::DEMO_USERNAME;

use crate::error::CliError;

/// The demo's settings with two mistakes admins often make: an ApiEndPoint without
/// `.0` and trailing slash, and a CrmServiceUrl on another host than ListsEndpoints.
/// Returns the text and the changed lines (to show them).
pub(super) fn with_two_mistakes(settings: &str) -> (String, Vec<String>) {
    let mut changed = Vec::new();
    let text: String = settings
        .lines()
        .enumerate()
        .map(|(i, line)| {
            let new = if line.contains("setting: ApiEndPoint,") {
                line.replace("services/data/v60.0/", "services/data/v37")
            } else if line.contains("setting: CrmServiceUrl,") {
                line.replace("//ucc1.", "//ucc2.")
            } else {
                line.to_string()
            };
            if new != line {
                changed.push(format!("{:>3}: {}", i + 1, new.trim()));
            }
            new + "\n"
        })
        .collect();
    (text, changed)
}

/// The Password value of the demo's settings file after `rekey`.
pub(super) fn rotated_password(path: &Path) -> Result<String, CliError> {
    let uccs = crate::settings::load::file(path, None).map_err(|e| {
        CliError::internal("the demo cannot read its rekeyed settings file").with_cause(e)
    })?;
    uccs.iter()
        .find_map(|u| u.value("Password"))
        .map(|v| v.trim().to_string())
        .ok_or_else(|| CliError::internal("the demo's rekeyed settings file has no Password"))
}

pub(super) fn settings_yaml(
    password: &str,
    client_id: &str,
    client_secret: &str,
    instance: &str,
) -> String {
    let mut rows = crate::settings::standard_rows(
        "ucc1.contoso.local",
        &format!("{instance}/"),
        DEMO_USERNAME,
        [password, client_id, client_secret],
        crate::ops::DEFAULT_API_VERSION,
        &format!("{instance}/services/oauth2/token"),
    );
    // The optional settings that decide the screen pop (docs/crm-service-model.md).
    for (setting, value) in [
        ("DefaultPhoneNumberRegion", "NL"),
        ("PhoneNumberFormat", "National"),
    ] {
        rows.push((setting.into(), "CrmService".into(), value.into()));
    }
    let yaml = crate::settings::render_yaml(
        &[("helpdesk".to_string(), rows)],
        "UCC Plugin Settings for the CRM Service for Salesforce (made by crmctl demo).",
    );
    format!("{yaml}{DEMO_ATTRIBUTES}")
}

/// The demo UCC's PluginAttributes list: what its agents see of a Contact or a Lead.
const DEMO_ATTRIBUTES: &str = r#"    plugin_attributes:
      - { DisplayName: Name, SystemName: FirstName, ShowOnExtensionWindow: Yes, Order: 1, Category: Contact }
      - { DisplayName: Name, SystemName: LastName, ShowOnExtensionWindow: Yes, Order: 2, Category: Contact }
      - { DisplayName: Title, SystemName: Title, ShowOnExtensionWindow: Yes, Order: 3, Category: Contact }
      - { DisplayName: Account, SystemName: Account.Name, ShowOnExtensionWindow: Yes, Order: 4, Category: Contact }
      - { DisplayName: Open in Salesforce, SystemName: Id, ShowOnExtensionWindow: Yes, Order: 5, Category: Contact, Hyperlink: "https://crmctl-demo.lightning.force.com/lightning/r/Contact/[Id]/view" }
      - { DisplayName: Name, SystemName: Name, ShowOnExtensionWindow: Yes, Order: 1, Category: Lead }
      - { DisplayName: Company, SystemName: Company, ShowOnExtensionWindow: Yes, Order: 2, Category: Lead }
"#;
