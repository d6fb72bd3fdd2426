//! The CRM Service model: the optional Plugin Settings that decide what an agent's screen
//! pop shows (ShowStatus, DefaultPhoneNumberRegion, PhoneNumberFormat, the base queries)
//! and the PluginAttributes list. What the Dialogue Cloud documents say, and where crmctl
//! had to choose, is in `docs/crm-service-model.md`; every choice is one row of a table
//! below, so a correction is one edit.

use std::path::PathBuf;

/// How the service matches a stored phone value against the caller's number, for one
/// PhoneNumberFormat value. The documents name four values and say only that the
/// wildcard one is slow; the shapes are crmctl's assumption (docs/crm-service-model.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Match {
    /// The stored value is exactly `+` calling code national number (`+31201234567`).
    E164Exact,
    /// `+` and the calling code first, then the national number's digits in order with
    /// any separators between them (`+31 20 123 4567`, `+31-20-1234567`).
    PlusCallingCodeThenDigits,
    /// The trunk prefix first (`0` in NL), then the national number's digits in order
    /// with any separators (`020 123 4567`, `020-1234567`).
    TrunkPrefixThenDigits,
    /// The national number's digits in order anywhere in the value, any separators
    /// before, between and after: every human-readable form. A leading `%` in LIKE can
    /// use no index, hence the documents' warning.
    DigitsAnywhere,
}

/// One PhoneNumberFormat value as crmctl models it.
#[derive(Debug, Clone, Copy)]
pub struct Format {
    /// The value as written in the Plugin Settings list.
    pub name: &'static str,
    pub matches: Match,
    /// A Dutch number stored in this format, for messages and the emulator's org.
    pub example: &'static str,
    /// The documents warn that this value "can become very slow".
    pub slow: bool,
}

/// THE table of PhoneNumberFormat values (names and shapes: crmctl's assumption, see
/// docs/crm-service-model.md). The first row is the default when the setting is absent.
pub const FORMATS: &[Format] = &[
    Format {
        name: "Wildcard",
        matches: Match::DigitsAnywhere,
        example: "020-1234567",
        slow: true,
    },
    Format {
        name: "E164",
        matches: Match::E164Exact,
        example: "+31201234567",
        slow: false,
    },
    Format {
        name: "International",
        matches: Match::PlusCallingCodeThenDigits,
        example: "+31 20 123 4567",
        slow: false,
    },
    Format {
        name: "National",
        matches: Match::TrunkPrefixThenDigits,
        example: "020 123 4567",
        slow: false,
    },
];

/// The documents' words on the wildcard value, quoted by the performance warning.
pub const WILDCARD_QUOTE: &str = "Wildcard search can become very slow so change this setting if phone numbers are stored in any of the other three formats to improve search performance.";

pub const SHOW_STATUS: &str = "ShowStatus";
pub const REGION: &str = "DefaultPhoneNumberRegion";
pub const FORMAT: &str = "PhoneNumberFormat";
/// The region the documents give as the default: libphonenumber's "unknown region".
pub const NO_REGION: &str = "ZZ";

/// A base query: the setting, the object it pops, and its default (the documents show
/// `query/?q=SELECT {0} ...` for BaseContactQuery; the rest of each default, and the
/// sibling names, are crmctl's assumption).
#[derive(Debug, Clone, Copy)]
pub struct BaseQuery {
    pub setting: &'static str,
    pub object: &'static str,
    pub default: &'static str,
    /// The PluginAttributes categories whose SystemNames fill `{0}`.
    pub category: &'static str,
}

pub const QUERIES: &[BaseQuery] = &[
    BaseQuery {
        setting: "BaseContactQuery",
        object: "Contact",
        default: "query/?q=SELECT {0} FROM Contact WHERE {1}",
        category: "Contact",
    },
    BaseQuery {
        setting: "BaseLeadQuery",
        object: "Lead",
        default: "query/?q=SELECT {0} FROM Lead WHERE IsConverted = false AND ({1})",
        category: "Lead",
    },
    BaseQuery {
        setting: "BaseCaseQuery",
        object: "Case",
        default: "query/?q=SELECT {0} FROM Case WHERE {1}",
        category: "Case",
    },
];

/// The phone fields each popped object's filter compares (crmctl's assumption: the
/// standard phone fields the 8x8 model searches too).
pub fn phone_fields(object: &str) -> &'static [&'static str] {
    match object {
        "Contact" => &[
            "Phone",
            "MobilePhone",
            "HomePhone",
            "OtherPhone",
            "AssistantPhone",
        ],
        "Lead" => &["Phone", "MobilePhone"],
        _ => &[],
    }
}

/// The optional settings of the CRM Service (all in scope CrmService).
pub const OPTIONAL: &[&str] = &[
    SHOW_STATUS,
    REGION,
    FORMAT,
    "BaseContactQuery",
    "BaseLeadQuery",
    "BaseCaseQuery",
];

/// PluginAttributes categories, as documented; only Contact must have items, and each
/// `...Search` category falls back to its base one when it has none.
pub const CATEGORIES: &[&str] = &[
    "Contact",
    "ContactSearch",
    "Lead",
    "LeadSearch",
    "Case",
    "CaseSearch",
];

/// The object a category's SystemNames belong to.
pub fn category_object(category: &str) -> Option<&'static str> {
    let base = category.strip_suffix("Search").unwrap_or(category);
    QUERIES
        .iter()
        .find(|q| q.category.eq_ignore_ascii_case(base))
        .map(|q| q.object)
}

/// The PluginAttributes columns, as documented.
pub const COLUMNS: &[&str] = &[
    "DisplayName",
    "SystemName",
    "ShowOnExtensionWindow",
    "Order",
    "FieldType",
    "Hyperlink",
    "OpenAutomatically",
    "Category",
    "ShowOnToast",
];

/// The attributes a UCC without a PluginAttributes list shows (crmctl's assumption: the
/// "Predefined PluginAttributes" page was not reachable; these are the fields the 8x8
/// model shows). (DisplayName, SystemName, Order, Category).
pub const PREDEFINED: &[(&str, &str, u32, &str)] = &[
    ("Name", "FirstName", 1, "Contact"),
    ("Name", "LastName", 2, "Contact"),
    ("Phone", "Phone", 3, "Contact"),
    ("Mobile", "MobilePhone", 4, "Contact"),
    ("Email", "Email", 5, "Contact"),
    ("Account", "Account.Name", 6, "Contact"),
    ("Name", "FirstName", 1, "Lead"),
    ("Name", "LastName", 2, "Lead"),
    ("Company", "Company", 3, "Lead"),
    ("Phone", "Phone", 4, "Lead"),
    ("Email", "Email", 5, "Lead"),
];

/// One row of a UCC's PluginAttributes list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    pub display_name: String,
    pub system_name: String,
    pub show_on_extension_window: bool,
    pub order: u32,
    pub field_type: String,
    pub hyperlink: String,
    pub open_automatically: bool,
    pub category: String,
    pub show_on_toast: bool,
    pub file: PathBuf,
    pub line: usize,
}

impl Attribute {
    /// The predefined list, as rows of no file.
    pub fn predefined() -> Vec<Attribute> {
        PREDEFINED
            .iter()
            .map(|(d, s, o, c)| Attribute {
                display_name: (*d).into(),
                system_name: (*s).into(),
                show_on_extension_window: true,
                order: *o,
                field_type: String::new(),
                hyperlink: String::new(),
                open_automatically: false,
                category: (*c).into(),
                show_on_toast: false,
                file: PathBuf::from("(predefined)"),
                line: 0,
            })
            .collect()
    }
}

/// A column of the list that the documents do not name: reported, not fatal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnWarning {
    pub file: PathBuf,
    pub line: usize,
    pub column: String,
}

/// Reads one list row from (column, value) pairs; `Err` names what is malformed.
pub fn attribute_from(
    cells: &[(String, String)],
    file: &std::path::Path,
    line: usize,
    warnings: &mut Vec<ColumnWarning>,
) -> Result<Attribute, String> {
    let mut a = Attribute {
        display_name: String::new(),
        system_name: String::new(),
        show_on_extension_window: true,
        order: 0,
        field_type: String::new(),
        hyperlink: String::new(),
        open_automatically: false,
        category: String::new(),
        show_on_toast: false,
        file: file.to_path_buf(),
        line,
    };
    let mut order = None;
    for (column, value) in cells {
        let key: String = column.chars().filter(|c| !c.is_whitespace()).collect();
        let Some(known) = COLUMNS.iter().find(|c| c.eq_ignore_ascii_case(&key)) else {
            warnings.push(ColumnWarning {
                file: file.to_path_buf(),
                line,
                column: column.clone(),
            });
            continue;
        };
        let v = value.trim();
        let flag = |v: &str| -> Result<bool, String> {
            parse_bool(v)
                .ok_or_else(|| format!("{known} must be Yes or No (or True/False), not `{v}`"))
        };
        match *known {
            "DisplayName" => a.display_name = v.into(),
            "SystemName" => a.system_name = v.into(),
            "ShowOnExtensionWindow" => a.show_on_extension_window = v.is_empty() || flag(v)?,
            "Order" => {
                order = Some(
                    v.parse::<u32>()
                        .map_err(|_| format!("Order must be a whole number, not `{v}`"))?,
                )
            }
            "FieldType" => a.field_type = v.into(),
            "Hyperlink" => a.hyperlink = v.into(),
            "OpenAutomatically" => a.open_automatically = !v.is_empty() && flag(v)?,
            "Category" => a.category = v.into(),
            _ => a.show_on_toast = !v.is_empty() && flag(v)?,
        }
    }
    if a.system_name.is_empty() {
        return Err("the row has no SystemName".into());
    }
    if a.category.is_empty() {
        return Err("the row has no Category".into());
    }
    a.order = order.ok_or("the row has no Order")?;
    Ok(a)
}

/// Whether an object's visible fields (from describe) hold a SystemName: a field of the
/// object, or for `Parent.Field` its relationship (`ParentId`, or `X__c` for `X__r`).
pub fn field_visible(fields: &[String], system_name: &str) -> bool {
    let has = |n: &str| fields.iter().any(|f| f.eq_ignore_ascii_case(n));
    match system_name.trim().split_once('.') {
        None => has(system_name.trim()),
        Some((rel, _)) => match rel.strip_suffix("__r") {
            Some(custom) => has(&format!("{custom}__c")),
            None => has(&format!("{rel}Id")),
        },
    }
}

/// SharePoint's Yes/No columns, and the True/False of settings (any case).
pub fn parse_bool(v: &str) -> Option<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "yes" | "true" | "1" => Some(true),
        "no" | "false" | "0" => Some(false),
        _ => None,
    }
}

/// ShowStatus: the documented True or False, in any case (not Yes/No or 1/0, which
/// the CRM Service is not documented to read).
pub fn parse_show_status(v: &str) -> Option<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// The documented PhoneNumberFormat an undocumented value most likely meant
/// (`E.164` is `E164`).
pub fn format_meant(v: &str) -> Option<&'static str> {
    let b = v.trim().to_lowercase().replace(['.', ' ', '-'], "");
    FORMATS.iter().map(|f| f.name).find(|n| {
        let a = n.to_lowercase();
        a == b || super::rules::edit_distance(&a, &b) <= 2
    })
}

/// A ShowStatus or PhoneNumberFormat value the CRM Service does not document, which a
/// model must not read as its default: (setting, problem, what to write).
pub fn unreadable(ucc: &super::Ucc) -> Option<(&'static str, String, String)> {
    if let Some(v) = ucc.value(SHOW_STATUS)
        && parse_show_status(v).is_none()
    {
        return Some((
            SHOW_STATUS,
            format!("ShowStatus is `{}`, not True or False", v.trim()),
            "write True or False (any case)".into(),
        ));
    }
    if let Some(v) = ucc.value(FORMAT)
        && format_named(v).is_none()
    {
        let names: Vec<&str> = FORMATS.iter().map(|f| f.name).collect();
        return Some((
            FORMAT,
            match format_meant(v) {
                Some(n) => format!(
                    "PhoneNumberFormat `{}` is not a documented value: did you mean `{n}`?",
                    v.trim()
                ),
                None => format!("PhoneNumberFormat `{}` is not a documented value", v.trim()),
            },
            format!("use one of {}", names.join(", ")),
        ));
    }
    None
}

/// The UCC's CRM Service settings, read with their documented defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Model {
    pub show_status: bool,
    /// `None` for ZZ (or absent): national numbers can't be read.
    pub region: Option<String>,
    pub format: Format,
    /// (setting, object, query text) of Contact and Lead, set or default.
    pub contact_query: String,
    pub lead_query: String,
    pub attributes: Vec<Attribute>,
    /// The list came from the settings (`false`: the predefined list).
    pub own_attributes: bool,
}

impl PartialEq for Format {
    fn eq(&self, o: &Format) -> bool {
        self.name == o.name
    }
}
impl Eq for Format {}

/// A PhoneNumberFormat value, in any case.
pub fn format_named(v: &str) -> Option<Format> {
    FORMATS
        .iter()
        .find(|f| f.name.eq_ignore_ascii_case(v.trim()))
        .copied()
}

impl Model {
    /// The model of a UCC. Values the rules would reject fall back to the defaults
    /// (validate-settings reports them).
    pub fn of(ucc: &super::Ucc) -> Model {
        let query = |setting: &str| {
            ucc.value(setting)
                .map(|v| v.trim().to_string())
                .or_else(|| {
                    QUERIES
                        .iter()
                        .find(|q| q.setting == setting)
                        .map(|q| q.default.to_string())
                })
                .unwrap_or_default()
        };
        Model {
            show_status: ucc
                .value(SHOW_STATUS)
                .and_then(parse_show_status)
                .unwrap_or(true),
            region: ucc
                .value(REGION)
                .map(|r| r.trim().to_ascii_uppercase())
                .filter(|r| r != NO_REGION),
            format: ucc
                .value(FORMAT)
                .and_then(format_named)
                .unwrap_or(FORMATS[0]),
            contact_query: query("BaseContactQuery"),
            lead_query: query("BaseLeadQuery"),
            own_attributes: !ucc.attributes.is_empty(),
            attributes: if ucc.attributes.is_empty() {
                Attribute::predefined()
            } else {
                ucc.attributes.clone()
            },
        }
    }

    /// The attributes of a category, in Order; a `...Search` category with no items
    /// falls back to its base category, as documented.
    pub fn category(&self, name: &str) -> Vec<&Attribute> {
        let pick = |n: &str| {
            let mut v: Vec<&Attribute> = self
                .attributes
                .iter()
                .filter(|a| a.category.eq_ignore_ascii_case(n))
                .collect();
            v.sort_by_key(|a| a.order);
            v
        };
        let v = pick(name);
        match name.strip_suffix("Search") {
            Some(base) if v.is_empty() => pick(base),
            _ => v,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_format_is_the_default_and_names_are_unique() {
        assert_eq!(FORMATS[0].name, "Wildcard");
        assert!(FORMATS[0].slow);
        let mut names: Vec<_> = FORMATS.iter().map(|f| f.name.to_lowercase()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), FORMATS.len());
        assert_eq!(format_named(" e164 ").map(|f| f.name), Some("E164"));
        assert_eq!(format_named("E.164"), None);
    }

    #[test]
    fn rows_read_yes_no_and_report_unknown_columns_and_bad_orders() {
        let cell = |a: &str, b: &str| (a.to_string(), b.to_string());
        let mut w = Vec::new();
        let a = attribute_from(
            &[
                cell("Display Name", "Name"),
                cell("SystemName", "FirstName"),
                cell("ShowOnExtensionWindow", "No"),
                cell("Order", "2"),
                cell("Category", "Contact"),
                cell("Colour", "red"),
            ],
            std::path::Path::new("a.csv"),
            3,
            &mut w,
        )
        .expect("row");
        assert_eq!((a.order, a.show_on_extension_window), (2, false));
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].column, "Colour");
        let e = attribute_from(
            &[
                cell("SystemName", "X"),
                cell("Category", "Contact"),
                cell("Order", "first"),
            ],
            std::path::Path::new("a.csv"),
            4,
            &mut w,
        )
        .expect_err("bad order");
        assert!(e.contains("whole number"), "{e}");
    }

    #[test]
    fn search_categories_fall_back_to_their_base_category() {
        let ucc = crate::settings::Ucc {
            name: "u".into(),
            file: "e.yaml".into(),
            line: 1,
            rows: Vec::new(),
            attributes: Vec::new(),
            column_warnings: Vec::new(),
        };
        let m = Model::of(&ucc);
        assert!(!m.own_attributes);
        assert_eq!(
            m.category("ContactSearch").len(),
            m.category("Contact").len()
        );
        assert_eq!(m.format.name, "Wildcard");
        assert_eq!(m.region, None);
        assert!(m.show_status);
        assert_eq!(category_object("LeadSearch"), Some("Lead"));
    }
}
