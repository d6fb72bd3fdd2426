//! The settings checked against the org, with `validate-settings --login`: each
//! PluginAttributes SystemName by describe (`attribute-field-missing`), and a ZZ region
//! while the org stores national numbers (`region-national-numbers`).

use super::Ucc;
use super::rules::{Finding, Severity};
use crate::output::OrgText;

/// Both checks for the UCCs that share one login; `incomplete` counts the checks the
/// org could not answer.
pub fn check(
    client: &crate::salesforce::Client,
    session: &crate::salesforce::Session,
    version: &str,
    uccs: &[&Ucc],
    findings: &mut Vec<Finding>,
    incomplete: &mut usize,
) {
    for u in uccs {
        attribute_fields(client, session, version, u, findings, incomplete);
        national_numbers(client, session, version, u, findings);
    }
}

/// `attribute-field-missing`: each PluginAttributes SystemName exists on its category's
/// object and is visible to the integration user (describe, one call per object).
pub fn attribute_fields(
    client: &crate::salesforce::Client,
    session: &crate::salesforce::Session,
    version: &str,
    ucc: &Ucc,
    findings: &mut Vec<Finding>,
    incomplete: &mut usize,
) {
    use crate::settings::crm;
    let mut described: std::collections::BTreeMap<&str, Option<Vec<String>>> =
        std::collections::BTreeMap::new();
    for a in &ucc.attributes {
        let Some(object) = crm::category_object(a.category.trim()) else {
            continue;
        };
        let fields = described.entry(object).or_insert_with(|| {
            match client.field_names(session, version, object) {
                Ok((names, _)) => Some(names),
                Err(e) => {
                    if crate::error::sf_kind(&e) == crate::error::ErrorKind::Remote {
                        *incomplete += 1;
                    }
                    findings.push(Finding {
                        ucc: ucc.name.clone(),
                        setting: Some("PluginAttributes".into()),
                        severity: Severity::Error,
                        rule: "attribute-field-missing",
                        message: crate::detail![
                            format!("cannot describe {object}: "),
                            e.describe()
                        ],
                        hint: "the integration user needs read access to the object".into(),
                        file: a.file.display().to_string(),
                        line: a.line,
                    });
                    None
                }
            }
        });
        if let Some(fields) = fields
            && !crm::field_visible(fields, &a.system_name)
        {
            findings.push(Finding {
                ucc: ucc.name.clone(),
                setting: Some("PluginAttributes".into()),
                severity: Severity::Error,
                rule: "attribute-field-missing",
                message: format!(
                    "SystemName {} (category {}) is not a field of {object} the integration user can see",
                    a.system_name, a.category
                )
                .into(),
                hint: "check the API name (custom fields end in __c), or give the integration user field-level security on it".into(),
                file: a.file.display().to_string(),
                line: a.line,
            });
        }
    }
}

/// `region-national-numbers`: DefaultPhoneNumberRegion ZZ (set so, or absent with
/// PhoneNumberFormat National) while the org stores numbers in national form (a Contact
/// phone starting with a trunk prefix `0`): the service has no country to read them in.
pub fn national_numbers(
    client: &crate::salesforce::Client,
    session: &crate::salesforce::Session,
    version: &str,
    ucc: &Ucc,
    findings: &mut Vec<Finding>,
) {
    use crate::settings::crm;
    let region = ucc.value(crm::REGION).map(str::trim);
    let national = ucc
        .value(crm::FORMAT)
        .and_then(crm::format_named)
        .is_some_and(|f| f.matches == crm::Match::TrunkPrefixThenDigits);
    let zz = match region {
        Some(r) => r.eq_ignore_ascii_case(crm::NO_REGION),
        None => national,
    };
    if !zz {
        return;
    }
    let soql = "SELECT Id, Name, Phone FROM Contact WHERE Phone LIKE '0%' LIMIT 1";
    let Ok((rows, _)) = client.query_json(session, version, soql) else {
        return;
    };
    let Some(r) = rows.first() else { return };
    // The org's own text: spans the printer escapes.
    let text = |k: &str| OrgText::new(r.get(k).and_then(|v| v.as_str()).unwrap_or(""));
    let row = ucc.get(crm::REGION).or_else(|| ucc.get(crm::FORMAT));
    findings.push(Finding {
        ucc: ucc.name.clone(),
        setting: Some(crm::REGION.into()),
        severity: Severity::Warning,
        rule: "region-national-numbers",
        message: crate::detail![
            "DefaultPhoneNumberRegion is ZZ (no country) while the org stores national numbers, such as Contact ",
            text("Name"),
            " '",
            text("Phone"),
            "'"
        ],
        hint: "set DefaultPhoneNumberRegion to the country of those numbers (e.g. NL), so the CRM Service can read and format them".into(),
        file: row
            .map(|r| r.file.display().to_string())
            .unwrap_or_else(|| ucc.file.display().to_string()),
        line: row.map(|r| r.line).unwrap_or(ucc.line),
    });
}
