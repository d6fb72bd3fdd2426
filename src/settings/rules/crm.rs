//! The CRM Service's optional settings and its PluginAttributes list (the model is in
//! `settings::crm`; what the documents say is in docs/crm-service-model.md).

use std::collections::BTreeMap;

use super::{Ctx, Severity, exact};
use crate::settings::crm::{
    self, CATEGORIES, FORMATS, QUERIES, REGION, SHOW_STATUS, WILDCARD_QUOTE,
};

/// Names people write for a region that ISO 3166 spells otherwise (alpha-3 codes and the
/// usual slips), with the alpha-2 code meant.
const REGION_ALIASES: &[(&str, &str)] = &[
    ("UK", "GB"),
    ("EL", "GR"),
    ("EN", "GB"),
    ("NLD", "NL"),
    ("BEL", "BE"),
    ("DEU", "DE"),
    ("GER", "DE"),
    ("FRA", "FR"),
    ("GBR", "GB"),
    ("USA", "US"),
    ("CAN", "CA"),
    ("AUS", "AU"),
    ("NZL", "NZ"),
    ("IRL", "IE"),
    ("ESP", "ES"),
    ("PRT", "PT"),
    ("ITA", "IT"),
    ("CHE", "CH"),
    ("AUT", "AT"),
    ("DNK", "DK"),
    ("SWE", "SE"),
    ("NOR", "NO"),
    ("FIN", "FI"),
    ("POL", "PL"),
    ("CZE", "CZ"),
    ("LUX", "LU"),
    ("JPN", "JP"),
    ("IND", "IN"),
    ("ZAF", "ZA"),
    ("BRA", "BR"),
    ("MEX", "MX"),
    ("SGP", "SG"),
];

/// A region the rules accept: ZZ, or a region code libphonenumber knows.
pub fn region_ok(v: &str) -> bool {
    let v = v.trim();
    v.eq_ignore_ascii_case(crm::NO_REGION)
        || (v.len() == 2 && crate::screenpop::phone::Region::parse(v).is_ok())
}

pub(super) fn check(c: &mut Ctx<'_>) {
    use Severity::{Error, Warning};
    let ucc = c.ucc;
    if let Some(r) = exact(ucc, SHOW_STATUS)
        && crm::parse_show_status(&r.value).is_none()
    {
        c.at(
            Some(r),
            None,
            Error,
            "show-status",
            format!("ShowStatus is `{}`, not True or False", r.value.trim()),
            "write True or False (any case) (the default is True: the agent sees Contact, Lead or Unknown)",
        );
    }
    if let Some(r) = exact(ucc, REGION)
        && !region_ok(&r.value)
    {
        let v = r.value.trim().to_ascii_uppercase();
        let meant = REGION_ALIASES
            .iter()
            .find(|(a, _)| *a == v)
            .map(|(_, m)| *m);
        c.at(
            Some(r),
            None,
            Error,
            "region-invalid",
            match meant {
                Some(m) => format!(
                    "DefaultPhoneNumberRegion `{}` is not an ISO 3166 alpha-2 code: did you mean `{m}`?",
                    r.value.trim()
                ),
                None => format!(
                    "DefaultPhoneNumberRegion `{}` is not an ISO 3166 alpha-2 code",
                    r.value.trim()
                ),
            },
            "give the two-letter code of the country whose national numbers the org stores (NL, GB, US, ...), or ZZ for none",
        );
    }
    if let Some(r) = exact(ucc, crm::FORMAT) {
        match crm::format_named(&r.value) {
            None => {
                let v = r.value.trim();
                let close = crm::format_meant(v);
                let names: Vec<&str> = FORMATS.iter().map(|f| f.name).collect();
                c.at(
                    Some(r),
                    None,
                    Error,
                    "phone-format-unknown",
                    match close {
                        Some(n) => format!("PhoneNumberFormat `{v}` is not a documented value: did you mean `{n}`?"),
                        None => format!("PhoneNumberFormat `{v}` is not a documented value"),
                    },
                    &format!("use one of {} (how the numbers are stored in the org)", names.join(", ")),
                );
            }
            Some(f) if f.slow => c.at(
                Some(r),
                None,
                Warning,
                "phone-format-wildcard",
                format!("PhoneNumberFormat {}: the documents warn \"{WILDCARD_QUOTE}\"", f.name),
                "if the org stores its numbers in one format, name it (`crmctl lookup --settings ... --model crm-service` shows what each value finds)",
            ),
            Some(_) => {}
        }
    }
    for q in QUERIES {
        if let Some(r) = exact(ucc, q.setting)
            && let Err(why) = check_query(&r.value)
        {
            let rule = if why.starts_with("placeholder") {
                "query-placeholders"
            } else {
                "query-shape"
            };
            c.at(
                    Some(r),
                    None,
                    Error,
                    rule,
                    format!("{}: {why}", q.setting),
                    &format!(
                        "the documented shape is `{}`: {{0}} takes the fields, {{1}} the filter conditions",
                        q.default
                    ),
                );
        }
    }
    attributes(c);
}

/// A base query: `{0}` (fields) and `{1}` (conditions) once each and no other
/// placeholder, and, with them filled in, `SELECT ... FROM Object WHERE ...` with
/// balanced quotes and parentheses.
pub fn check_query(text: &str) -> Result<(), String> {
    let t = text.trim();
    let mut seen = Vec::new();
    let mut rest = t;
    while let Some(i) = rest.find('{') {
        let Some(j) = rest[i..].find('}') else {
            return Err("placeholders: a `{` is not closed".into());
        };
        seen.push(rest[i + 1..i + j].to_string());
        rest = &rest[i + j + 1..];
    }
    for p in &seen {
        if p != "0" && p != "1" {
            return Err(format!(
                "placeholders: `{{{p}}}` is not one of {{0}} (fields) and {{1}} (conditions)"
            ));
        }
    }
    for p in ["0", "1"] {
        match seen.iter().filter(|s| *s == p).count() {
            0 => return Err(format!("placeholders: `{{{p}}}` is missing")),
            1 => {}
            _ => return Err(format!("placeholders: `{{{p}}}` appears more than once")),
        }
    }
    let soql = soql_of(t, "Id", "Phone = '1'");
    let upper = soql.to_ascii_uppercase();
    let words: Vec<&str> = upper.split_whitespace().collect();
    if words.first() != Some(&"SELECT") {
        return Err("query shape: it does not start with SELECT (after `query/?q=`)".into());
    }
    let from = words.iter().position(|w| *w == "FROM");
    let where_ = words.iter().position(|w| *w == "WHERE");
    match (from, where_) {
        (Some(f), Some(w)) if f + 2 <= w && f > 1 => {}
        (None, _) => return Err("query shape: no FROM and object".into()),
        _ => return Err("query shape: no WHERE after FROM and the object, for {1}".into()),
    }
    let mut depth = 0i32;
    let mut quoted = false;
    let mut escaped = false;
    for ch in soql.chars() {
        match ch {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '\'' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => depth -= 1,
            _ => {}
        }
        if depth < 0 {
            return Err("query shape: a `)` closes nothing".into());
        }
    }
    if quoted {
        return Err("query shape: a quote is not closed".into());
    }
    if depth != 0 {
        return Err("query shape: a `(` is not closed".into());
    }
    Ok(())
}

/// The SOQL of a base query with its placeholders filled in (`query/?q=` dropped).
pub fn soql_of(query: &str, fields: &str, conditions: &str) -> String {
    let t = query.trim();
    let t = t
        .get(..9)
        .filter(|p| p.eq_ignore_ascii_case("query/?q="))
        .map_or(t, |_| &t[9..]);
    t.replace("{0}", fields).replace("{1}", conditions)
}

fn attributes(c: &mut Ctx<'_>) {
    use Severity::{Error, Warning};
    let ucc = c.ucc;
    for w in &ucc.column_warnings {
        c.out.push(super::Finding {
            ucc: ucc.name.clone(),
            setting: Some("PluginAttributes".into()),
            severity: Warning,
            rule: "attribute-column",
            message: format!(
                "PluginAttributes has a column `{}` the documents do not name",
                w.column
            )
            .into(),
            hint: format!(
                "the columns are {}; this one is ignored",
                crm::COLUMNS.join(", ")
            )
            .into(),
            file: w.file.display().to_string(),
            line: w.line,
        });
    }
    if ucc.attributes.is_empty() {
        return;
    }
    let at = |c: &mut Ctx<'_>, a: &crm::Attribute, sev, rule, message: String, hint: &str| {
        c.out.push(super::Finding {
            ucc: ucc.name.clone(),
            setting: Some("PluginAttributes".into()),
            severity: sev,
            rule,
            message: message.into(),
            hint: hint.into(),
            file: a.file.display().to_string(),
            line: a.line,
        });
    };
    let mut by_category: BTreeMap<String, Vec<&crm::Attribute>> = BTreeMap::new();
    for a in &ucc.attributes {
        match CATEGORIES
            .iter()
            .find(|k| k.eq_ignore_ascii_case(a.category.trim()))
        {
            Some(k) => by_category.entry((*k).to_string()).or_default().push(a),
            None => {
                let close = CATEGORIES
                    .iter()
                    .find(|k| super::names::edit_distance(k, a.category.trim()) <= 2);
                at(
                    c,
                    a,
                    Error,
                    "attribute-category",
                    match close {
                        Some(k) => format!(
                            "Category `{}` of {} is not documented: did you mean `{k}`?",
                            a.category, a.system_name
                        ),
                        None => format!(
                            "Category `{}` of {} is not documented",
                            a.category, a.system_name
                        ),
                    },
                    &format!("use one of {}", CATEGORIES.join(", ")),
                );
            }
        }
    }
    if !by_category.contains_key("Contact") {
        let first = &ucc.attributes[0];
        at(
            c,
            first,
            Error,
            "attribute-contact-missing",
            "PluginAttributes has no item in category Contact, the one mandatory category".into(),
            "add the Contact fields the agent should see (ContactSearch, Lead and Case fall back or are optional)",
        );
    }
    for (category, items) in &by_category {
        let mut orders: BTreeMap<u32, &crm::Attribute> = BTreeMap::new();
        for a in items {
            if let Some(first) = orders.insert(a.order, a) {
                at(
                    c,
                    a,
                    Error,
                    "attribute-order",
                    format!(
                        "Order {} is used twice in category {category} ({} at line {} and {})",
                        a.order, first.system_name, first.line, a.system_name
                    ),
                    "give each item of a category its own Order",
                );
            }
        }
        if let Some((&min, a)) = orders.iter().next()
            && min > 1
        {
            at(
                c,
                a,
                Warning,
                "attribute-order",
                format!("Order in category {category} starts at {min}"),
                "the documents: counting must restart for each Category (1, 2, 3, ...)",
            );
        }
        let names: Vec<&str> = items.iter().map(|a| a.system_name.as_str()).collect();
        for a in items {
            for placeholder in hyperlink_placeholders(&a.hyperlink) {
                if !names.iter().any(|n| n.eq_ignore_ascii_case(placeholder)) {
                    at(
                        c,
                        a,
                        Error,
                        "attribute-hyperlink",
                        format!(
                            "the Hyperlink of {} uses [{placeholder}], which is no SystemName of category {category}",
                            a.system_name
                        ),
                        "a placeholder takes the value of a SystemName of the same category: add that item (ShowOnExtensionWindow No if it should not show), or fix the name",
                    );
                }
            }
        }
        // Items that share a DisplayName are combined: they must follow each other in Order.
        let mut sorted = items.clone();
        sorted.sort_by_key(|a| a.order);
        let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, a) in sorted.iter().enumerate() {
            groups
                .entry(a.display_name.trim().to_lowercase())
                .or_default()
                .push(i);
        }
        for positions in groups.values().filter(|p| p.len() > 1) {
            if positions.windows(2).any(|w| w[1] != w[0] + 1) {
                let a = sorted[positions[1]];
                at(
                    c,
                    a,
                    Error,
                    "attribute-display-name",
                    format!(
                        "{} shares the DisplayName `{}` with {} but does not follow it in Order, so the two are not combined",
                        a.system_name, a.display_name, sorted[positions[0]].system_name
                    ),
                    "the documents: combined items have the same DisplayName and follow each other in Order (e.g. 1 and 2)",
                );
            }
        }
    }
}

/// The `[SystemName]` placeholders of a Hyperlink.
pub fn hyperlink_placeholders(link: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = link;
    while let Some(i) = rest.find('[') {
        let Some(j) = rest[i..].find(']') else { break };
        let name = rest[i + 1..i + j].trim();
        if !name.is_empty() {
            out.push(name);
        }
        rest = &rest[i + j + 1..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_queries_need_both_placeholders_and_a_select_from_where_shape() {
        for q in QUERIES {
            assert_eq!(check_query(q.default), Ok(()), "{}", q.setting);
        }
        assert!(
            check_query("query/?q=SELECT {0} FROM Contact")
                .unwrap_err()
                .contains("`{1}` is missing")
        );
        assert!(
            check_query("SELECT {0} FROM Contact WHERE {1} AND {2}")
                .unwrap_err()
                .contains("{2}")
        );
        assert!(
            check_query("SELEC {0} FROM Contact WHERE {1}")
                .unwrap_err()
                .starts_with("query shape")
        );
        assert!(
            check_query("SELECT {0} FROM Contact WHERE ({1}")
                .unwrap_err()
                .contains("not closed")
        );
        assert!(check_query("SELECT {0} FROM WHERE {1}").is_err());
        assert_eq!(
            check_query("SELECT {0} FROM Contact WHERE Name != 'x)' AND ({1}) LIMIT 5"),
            Ok(())
        );
        assert_eq!(
            soql_of("Query/?q=SELECT {0} FROM Lead WHERE {1}", "Id", "a = 1"),
            "SELECT Id FROM Lead WHERE a = 1"
        );
    }

    #[test]
    fn regions_accept_zz_and_iso_codes() {
        assert!(region_ok("ZZ"));
        assert!(region_ok("nl"));
        assert!(!region_ok("UK"));
        assert!(!region_ok("NLD"));
        assert_eq!(
            hyperlink_placeholders("https://x/[Id]?a=[ Email ]&[]"),
            ["Id", "Email"]
        );
    }
}
