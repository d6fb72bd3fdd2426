//! The screen pop as the UCC's CRM Service would make it: its base queries with the
//! phone filter its PhoneNumberFormat gives, Contacts before Leads, and the Extension
//! Window view of the PluginAttributes. The model itself (formats, queries, categories)
//! is `settings::crm`; docs/crm-service-model.md says what is documented and what is
//! crmctl's assumption.

use serde::Serialize;

use crate::output::OrgText;
use crate::salesforce::{Client, Session, SfError};
use crate::settings::crm::{self, Format, Match as Shape, Model};
use crate::settings::rules::soql_of;

use super::lookup::{Reading, Step};

/// The number as the service would search it: calling code (none when the digits
/// could not be read as a number) and the national significant number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub calling_code: Option<u16>,
    pub nsn: String,
}

impl Caller {
    /// From a lookup's reading of the number.
    pub fn of(reading: &Reading) -> Option<Caller> {
        let first = reading.searched.first()?;
        Some(match reading.calling_code {
            Some(cc) => Caller {
                calling_code: Some(cc),
                nsn: first
                    .strip_prefix(&cc.to_string())
                    .unwrap_or(first)
                    .to_string(),
            },
            None => Caller {
                calling_code: None,
                nsn: first.clone(),
            },
        })
    }
}

/// `2%0%1`: the digits in order, anything between them.
fn spread(digits: &str) -> String {
    digits
        .chars()
        .map(String::from)
        .collect::<Vec<_>>()
        .join("%")
}

/// The LIKE or `=` operand the format compares each phone field with (digits, `+` and
/// `%` only, so it needs no escaping).
pub fn operand(format: &Format, caller: &Caller) -> (&'static str, String) {
    let cc = caller.calling_code;
    let nsn = &caller.nsn;
    match (format.matches, cc) {
        (Shape::E164Exact, Some(cc)) => ("=", format!("+{cc}{nsn}")),
        (Shape::E164Exact, None) => ("=", nsn.clone()),
        (Shape::PlusCallingCodeThenDigits, Some(cc)) => ("LIKE", format!("+{cc}%{}", spread(nsn))),
        (Shape::TrunkPrefixThenDigits, Some(cc)) => (
            "LIKE",
            format!(
                "{}%{}",
                crate::screenpop::phone::trunk_prefix(cc).unwrap_or(""),
                spread(nsn)
            )
            .trim_start_matches('%')
            .to_string(),
        ),
        (Shape::PlusCallingCodeThenDigits | Shape::TrunkPrefixThenDigits, None) => {
            ("LIKE", spread(nsn))
        }
        (Shape::DigitsAnywhere, _) => ("LIKE", format!("%{}%", spread(nsn))),
    }
}

/// Whether a stored value would be found: the same test as the query's, for messages.
pub fn would_find(format: &Format, caller: &Caller, stored: &str) -> bool {
    let (op, pattern) = operand(format, caller);
    if op == "=" {
        return stored == pattern;
    }
    like(stored, &pattern)
}

/// SOQL LIKE with `%` only (the operands hold no `_`), case-insensitively.
fn like(text: &str, pattern: &str) -> bool {
    let parts: Vec<&str> = pattern.split('%').collect();
    let mut rest = text;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            let Some(r) = rest.strip_prefix(part) else {
                return false;
            };
            rest = r;
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            match rest.find(part) {
                Some(at) => rest = &rest[at + part.len()..],
                None => return false,
            }
        }
    }
    rest.is_empty()
}

/// `{1}` of a base query: the format's comparison on each phone field of the object.
pub fn conditions(format: &Format, object: &str, caller: &Caller) -> String {
    let (op, value) = operand(format, caller);
    crm::phone_fields(object)
        .iter()
        .map(|f| format!("{f} {op} '{value}'"))
        .collect::<Vec<_>>()
        .join(" OR ")
}

/// `{0}` of a base query: Id, Name and the SystemNames of the object's categories.
pub fn fields(model: &Model, category: &str) -> String {
    let mut out: Vec<String> = vec!["Id".into(), "Name".into()];
    let search = format!("{category}Search");
    for a in model
        .category(category)
        .into_iter()
        .chain(model.category(&search))
    {
        let n = a.system_name.trim();
        if !n.is_empty() && !out.iter().any(|o| o.eq_ignore_ascii_case(n)) {
            out.push(n.to_string());
        }
    }
    out.join(", ")
}

/// The two queries of a number: Contacts, then Leads.
pub fn queries(model: &Model, caller: &Caller) -> [(&'static str, String); 2] {
    [
        (
            "Contact",
            soql_of(
                &model.contact_query,
                &fields(model, "Contact"),
                &conditions(&model.format, "Contact", caller),
            ),
        ),
        (
            "Lead",
            soql_of(
                &model.lead_query,
                &fields(model, "Lead"),
                &conditions(&model.format, "Lead", caller),
            ),
        ),
    ]
}

/// One line of the Extension Window: a DisplayName and its (combined) value.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AttributeView {
    pub display_name: String,
    /// The SystemNames shown, joined with `+` when combined.
    pub system_name: String,
    pub value: OrgText,
    /// The Hyperlink with each `[SystemName]` filled in, URL-encoded.
    pub hyperlink: Option<OrgText>,
}

/// A record the model pops.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ModelRecord {
    pub object: &'static str,
    pub id: OrgText,
    pub name: OrgText,
    pub attributes: Vec<AttributeView>,
}

#[derive(Debug, Clone)]
pub struct ModelOutcome {
    pub records: Vec<ModelRecord>,
    pub steps: Vec<Step>,
}

impl ModelOutcome {
    /// ShowStatus's answer: what kind of contact is calling.
    pub fn status(&self) -> &'static str {
        self.records.first().map_or("Unknown", |r| r.object)
    }

    /// The model's records as screen-pop matches, with the 8x8 search's details
    /// (phones, account, case) where that search found the same record.
    pub fn as_matches(&self, full: &[super::Match]) -> Vec<super::Match> {
        self.records
            .iter()
            .map(|r| {
                full.iter()
                    .find(|x| x.id == r.id)
                    .cloned()
                    .unwrap_or_else(|| super::Match {
                        object: r.object.into(),
                        id: r.id.clone(),
                        name: r.name.clone(),
                        phones: Vec::new(),
                        email: None,
                        account_or_company: None,
                        account_id: None,
                        case: None,
                    })
            })
            .collect()
    }
}

/// A field of a JSON record by SystemName (`Account.Name` follows the relationship),
/// names compared in any case.
fn field<'a>(
    rec: &'a serde_json::Map<String, serde_json::Value>,
    path: &str,
) -> Option<&'a serde_json::Value> {
    let mut parts = path.split('.');
    let first = parts.next()?;
    let mut v = rec
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(first.trim()))
        .map(|(_, v)| v)?;
    for p in parts {
        v = v
            .as_object()?
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(p.trim()))
            .map(|(_, v)| v)?;
    }
    Some(v)
}

fn text(v: Option<&serde_json::Value>) -> String {
    match v {
        None | Some(serde_json::Value::Null) => String::new(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

const URL_VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The Extension Window view of a record: the category's attributes shown on the
/// Extension Window, in Order, items with one DisplayName that follow each other
/// combined (values joined by a space), Hyperlinks filled in.
pub fn view(
    model: &Model,
    category: &str,
    rec: &serde_json::Map<String, serde_json::Value>,
) -> Vec<AttributeView> {
    let items = model.category(category);
    let mut out: Vec<AttributeView> = Vec::new();
    let mut last_display: Option<String> = None;
    for a in &items {
        if !a.show_on_extension_window {
            last_display = None;
            continue;
        }
        let value = text(field(rec, &a.system_name));
        let hyperlink = (!a.hyperlink.trim().is_empty()).then(|| {
            let mut link = a.hyperlink.trim().to_string();
            for name in crate::settings::rules::hyperlink_placeholders(&a.hyperlink) {
                let v = items
                    .iter()
                    .find(|b| b.system_name.eq_ignore_ascii_case(name))
                    .map(|b| text(field(rec, &b.system_name)))
                    .unwrap_or_default();
                let encoded = percent_encoding::utf8_percent_encode(&v, URL_VALUE).to_string();
                link = link.replace(&format!("[{name}]"), &encoded);
            }
            OrgText::new(link)
        });
        let same = last_display
            .as_deref()
            .is_some_and(|d| d.eq_ignore_ascii_case(a.display_name.trim()));
        match out.last_mut() {
            Some(prev) if same => {
                if !value.is_empty() {
                    prev.value = if prev.value.is_empty() {
                        OrgText::new(value)
                    } else {
                        prev.value.derive(|p| format!("{p} {value}"))
                    };
                }
                prev.system_name = format!("{}+{}", prev.system_name, a.system_name.trim());
                if prev.hyperlink.is_none() {
                    prev.hyperlink = hyperlink;
                }
            }
            _ => out.push(AttributeView {
                display_name: a.display_name.trim().to_string(),
                system_name: a.system_name.trim().to_string(),
                value: OrgText::new(value),
                hyperlink,
            }),
        }
        last_display = Some(a.display_name.trim().to_string());
    }
    out
}

/// Runs the model's two queries: Contacts, then Leads.
pub fn perform(
    client: &Client,
    session: &Session,
    version: &str,
    model: &Model,
    caller: &Caller,
) -> Result<ModelOutcome, SfError> {
    let mut records = Vec::new();
    let mut steps = Vec::new();
    for (object, soql) in queries(model, caller) {
        let (rows, info) = client.query_json(session, version, &soql)?;
        steps.push(Step {
            name: if object == "Contact" {
                "contacts"
            } else {
                "leads"
            },
            info,
        });
        for r in &rows {
            records.push(ModelRecord {
                object,
                id: OrgText::new(text(field(r, "Id"))),
                name: OrgText::new(text(field(r, "Name"))),
                attributes: view(model, object, r),
            });
        }
    }
    Ok(ModelOutcome { records, steps })
}

/// A record crmctl's full search found and the model did not.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Missed {
    pub object: OrgText,
    pub id: OrgText,
    pub name: OrgText,
    /// The phone field and the value as stored.
    pub field: &'static str,
    pub stored: OrgText,
    pub phone_number_format: &'static str,
}

impl Missed {
    /// "Why no pop", in the admin's words: the setting that hides the record, and
    /// the record as stored (org text, escaped where it is shown).
    pub fn why(&self) -> crate::output::Detail {
        crate::detail![
            format!(
                "with PhoneNumberFormat={} the CRM Service would not find ",
                self.phone_number_format
            ),
            &self.object,
            " ",
            &self.name,
            ", stored as '",
            &self.stored,
            format!("' ({})", self.field)
        ]
    }
}

/// The Contacts and Leads of `full` that `popped` lacks, with the phone value that the
/// full search matched (the first whose digits end with the national number).
pub fn missed(
    full: &[super::Match],
    popped: &[ModelRecord],
    format: &Format,
    caller: &Caller,
) -> Vec<Missed> {
    full.iter()
        .filter(|m| m.object == "Contact" || m.object == "Lead")
        .filter(|m| !popped.iter().any(|p| p.id == m.id))
        .map(|m| {
            let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
            let (field, stored) = m
                .phones
                .iter()
                .find(|(_, v)| v.matches(|v| digits(v).ends_with(&caller.nsn)))
                .or(m.phones.first())
                .map(|(f, v)| (*f, v.clone()))
                .unwrap_or(("Phone", OrgText::default()));
            Missed {
                object: m.object.clone(),
                id: m.id.clone(),
                name: m.name.clone(),
                field,
                stored,
                phone_number_format: format.name,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::crm::{FORMATS, format_named};

    fn nl() -> Caller {
        Caller {
            calling_code: Some(31),
            nsn: "201234567".into(),
        }
    }

    /// Each format finds the stored forms it models and not the others.
    #[test]
    fn each_format_finds_its_own_stored_form() {
        let stored = [
            "020-1234567",
            "+31201234567",
            "+31 20 123 4567",
            "020 123 4567",
            "0031 20 1234567",
        ];
        let finds = |name: &str| -> Vec<&str> {
            let f = format_named(name).expect(name);
            stored
                .iter()
                .copied()
                .filter(|s| would_find(&f, &nl(), s))
                .collect()
        };
        assert_eq!(finds("Wildcard"), stored);
        assert_eq!(finds("E164"), ["+31201234567"]);
        assert_eq!(finds("International"), ["+31201234567", "+31 20 123 4567"]);
        // Anything may sit between the digits, so `0031 20 ...` starts with the trunk prefix too.
        assert_eq!(
            finds("National"),
            ["020-1234567", "020 123 4567", "0031 20 1234567"]
        );
        for f in FORMATS {
            assert!(would_find(f, &nl(), f.example), "{} {}", f.name, f.example);
        }
    }

    #[test]
    fn conditions_compare_every_phone_field_of_the_object() {
        let w = format_named("Wildcard").expect("w");
        assert_eq!(
            conditions(&w, "Lead", &nl()),
            "Phone LIKE '%2%0%1%2%3%4%5%6%7%' OR MobilePhone LIKE '%2%0%1%2%3%4%5%6%7%'"
        );
        let e = format_named("E164").expect("e");
        assert!(
            conditions(&e, "Contact", &nl())
                .starts_with("Phone = '+31201234567' OR MobilePhone = ")
        );
    }

    #[test]
    fn the_view_combines_names_fills_hyperlinks_and_hides_what_is_hidden() {
        let ucc = crate::settings::load::yaml(
            std::path::Path::new("e.yaml"),
            r#"uccs:
  - name: u
    plugin_attributes:
      - { DisplayName: Name, SystemName: FirstName, Order: 1, Category: Contact }
      - { DisplayName: Name, SystemName: LastName, Order: 2, Category: Contact }
      - { DisplayName: Open, SystemName: Id, Order: 3, Category: Contact, Hyperlink: "https://x.example/[Id]?n=[LastName]" }
      - { DisplayName: Secret, SystemName: Title, Order: 4, Category: Contact, ShowOnExtensionWindow: No }
      - { DisplayName: Account, SystemName: Account.Name, Order: 5, Category: Contact }
"#,
        )
        .expect("yaml");
        let model = Model::of(&ucc[0]);
        let rec = serde_json::json!({"Id": "003A", "FirstName": "Pieter", "LastName": "de Vries&Co", "Title": "x",
            "Account": {"Name": "Evil\u{1b}[2J"}});
        let v = view(&model, "Contact", rec.as_object().expect("object"));
        let shown: Vec<(&str, &str, &OrgText)> = v
            .iter()
            .map(|a| (a.display_name.as_str(), a.system_name.as_str(), &a.value))
            .collect();
        assert_eq!(
            shown,
            [
                (
                    "Name",
                    "FirstName+LastName",
                    &OrgText::from("Pieter de Vries&Co")
                ),
                ("Open", "Id", &OrgText::from("003A")),
                ("Account", "Account.Name", &OrgText::from("Evil\u{1b}[2J")),
            ]
        );
        assert_eq!(
            v[1].hyperlink,
            Some(OrgText::from("https://x.example/003A?n=de%20Vries%26Co"))
        );
        assert_eq!(
            fields(&model, "Contact"),
            "Id, Name, FirstName, LastName, Title, Account.Name"
        );
    }
}
