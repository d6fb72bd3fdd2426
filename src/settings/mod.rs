//! UCC Plugin Settings: the model and its loaders (a YAML estate of many UCCs, or a
//! SharePoint CSV export of one UCC's list). Every row keeps its file and line, so
//! findings and errors can point at it.

pub mod crm;
pub mod fix;
pub mod load;
pub mod org;
pub mod rewrite;
pub mod rules;
pub mod set;
pub mod wizard;

use std::path::PathBuf;

/// One row of a UCC's Plugin Settings list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub setting: String,
    pub scope: String,
    pub value: String,
    pub file: PathBuf,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ucc {
    pub name: String,
    pub file: PathBuf,
    pub line: usize,
    pub rows: Vec<Row>,
    /// The UCC's PluginAttributes list (YAML `plugin_attributes:`, or `--attributes`).
    pub attributes: Vec<crm::Attribute>,
    /// Columns of that list the documents do not name.
    pub column_warnings: Vec<crm::ColumnWarning>,
}

impl Ucc {
    /// The first row of a setting, by name (case-insensitive, as SharePoint lists are).
    pub fn get(&self, setting: &str) -> Option<&Row> {
        self.rows
            .iter()
            .find(|r| r.setting.eq_ignore_ascii_case(setting))
    }

    pub fn value(&self, setting: &str) -> Option<&str> {
        self.get(setting)
            .map(|r| r.value.as_str())
            .filter(|v| !v.trim().is_empty())
    }
}

/// A problem reading settings, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // A message about stdin (`-`) that has no line names stdin itself.
        if self.file.as_os_str() == "-" && self.line.is_none() && self.message.contains("stdin") {
            return f.write_str(&self.message);
        }
        write!(f, "{}", self.file.display())?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
            if let Some(c) = self.column {
                write!(f, ":{c}")?;
            }
        }
        write!(f, ": {}", self.message)
    }
}

/// A row to write: (setting, scope, value).
pub type RowSpec = (String, String, String);

/// Renders UCCs in the YAML estate format that `load::yaml` reads.
pub fn render_yaml(uccs: &[(String, Vec<RowSpec>)], comment: &str) -> String {
    let quote = yaml_quoted;
    // A setting or scope name is written plain when YAML reads it back as that string.
    let key = |v: &str| {
        let plain = v.starts_with(|c: char| c.is_ascii_alphabetic())
            && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !matches!(
                v.to_ascii_lowercase().as_str(),
                "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n"
            );
        if plain { v.to_string() } else { yaml_quoted(v) }
    };
    let mut y = String::new();
    for line in comment.lines() {
        y.push_str(&format!("# {line}\n"));
    }
    y.push_str("uccs:\n");
    for (name, rows) in uccs {
        let empty = if rows.is_empty() { " []" } else { "" };
        y.push_str(&format!(
            "  - name: {}\n    settings:{empty}\n",
            quote(name)
        ));
        for (setting, scope, value) in rows {
            y.push_str(&format!(
                "      - {{ setting: {}, scope: {}, value: {} }}\n",
                key(setting),
                key(scope),
                quote(value)
            ));
        }
    }
    y
}

/// A UCC's PluginAttributes list as the `plugin_attributes:` block of a UCC rendered
/// by [`render_yaml`] (append it right after that UCC's settings), every column of
/// [`crm::COLUMNS`], Yes/No for the flags.
pub fn render_attributes(attributes: &[crm::Attribute]) -> String {
    if attributes.is_empty() {
        return String::new();
    }
    let yes = |b: bool| if b { "Yes" } else { "No" };
    let mut y = String::from("    plugin_attributes:\n");
    for a in attributes {
        y.push_str(&format!(
            "      - {{ DisplayName: {}, SystemName: {}, ShowOnExtensionWindow: {}, Order: {}, FieldType: {}, Hyperlink: {}, OpenAutomatically: {}, Category: {}, ShowOnToast: {} }}\n",
            yaml_quoted(&a.display_name),
            yaml_quoted(&a.system_name),
            yes(a.show_on_extension_window),
            a.order,
            yaml_quoted(&a.field_type),
            yaml_quoted(&a.hyperlink),
            yes(a.open_automatically),
            yaml_quoted(&a.category),
            yes(a.show_on_toast),
        ));
    }
    y
}

/// A YAML double-quoted scalar that reads back as exactly `v`. YAML folds a raw line
/// break inside quotes to a space and allows only printable characters, so `"` and `\`,
/// line breaks, tabs, every control character, the YAML 1.1 line breaks (U+85,
/// U+2028/9), non-printable code points (U+FFFE/F) and the invisible characters of
/// `sanitize::is_deceptive` are written as escapes (YAML 1.2.2, 5.7 "Escaped
/// Characters" and 5.1 "Character Set", <https://yaml.org/spec/1.2.2/#57-escaped-characters>).
pub fn yaml_quoted(v: &str) -> String {
    let mut out = String::with_capacity(v.len() + 2);
    out.push('"');
    for c in v.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push_str("\\0"),
            c if c.is_control()
                || crate::output::sanitize::is_deceptive(c)
                || matches!(c, '\u{fffe}' | '\u{ffff}') =>
            {
                let n = c as u32;
                if n <= 0xff {
                    out.push_str(&format!("\\x{n:02X}"));
                } else if n <= 0xffff {
                    out.push_str(&format!("\\u{n:04X}"));
                } else {
                    out.push_str(&format!("\\U{n:08X}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The rows of a UCC for the CRM Service for Salesforce, in the documents' order.
pub fn standard_rows(
    fqdn: &str,
    application_host: &str,
    username: &str,
    encrypted: [&str; 3],
    api_version: &str,
    login_endpoint: &str,
) -> Vec<(String, String, String)> {
    let [password, client_id, client_secret] = encrypted;
    [
        ("ListsEndpoints", "ListsPlugin", format!("http://{fqdn}/webagentservice/api/v1/settings;http://{fqdn}/CrmServiceSalesforce/api/v1/settings")),
        ("CrmServiceUrl", "WebAgentService", format!("http://{fqdn}/CrmServiceSalesforce")),
        ("ApplicationHost", "CrmService", application_host.to_string()),
        ("Username", "CrmService", username.to_string()),
        ("Password", "CrmService", password.to_string()),
        ("ClientId", "CrmService", client_id.to_string()),
        ("ClientSecret", "CrmService", client_secret.to_string()),
        ("ApiEndPoint", "CrmService", format!("services/data/v{api_version}/")),
        ("LoginEndPoint", "CrmService", login_endpoint.to_string()),
    ]
    .into_iter()
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rendered_yaml_loads_back_exactly() {
        let rows = standard_rows(
            "ucc1.contoso.local",
            "https://eu6.salesforce.com/",
            "a\"b@c.d",
            ["P+w/==", "C", "S"],
            "60.0",
            "https://login.salesforce.com/services/oauth2/token",
        );
        let text = render_yaml(&[("help desk".into(), rows.clone())], "made by a test");
        let back = load::yaml(std::path::Path::new("x.yaml"), &text).expect("loads");
        assert_eq!(back[0].name, "help desk");
        let got: Vec<(String, String, String)> = back[0]
            .rows
            .iter()
            .map(|r| (r.setting.clone(), r.scope.clone(), r.value.clone()))
            .collect();
        assert_eq!(got, rows);
    }

    fn rows_of(ucc: &Ucc) -> Vec<RowSpec> {
        ucc.rows
            .iter()
            .map(|r| (r.setting.clone(), r.scope.clone(), r.value.clone()))
            .collect()
    }

    #[test]
    fn line_breaks_and_controls_survive_a_yaml_export() {
        let rows: Vec<RowSpec> = [
            "a\nb",
            "a\r\nb",
            "tab\there",
            "\u{7}\u{1b}[2J\u{0}",
            "\u{85}\u{a0}\u{2028}\u{2029}\u{feff}\u{200b}",
            "back\\slash \"quote\" 'single'",
            " lead and trail ",
            "\u{10ffff}\u{e000}\u{fffe}",
        ]
        .iter()
        .enumerate()
        .map(|(i, v)| (format!("S{i}"), "CrmService".to_string(), v.to_string()))
        .collect();
        let text = render_yaml(&[("u".into(), rows.clone())], "t");
        let back = load::yaml(std::path::Path::new("x.yaml"), &text).expect("loads");
        assert_eq!(rows_of(&back[0]), rows, "{text}");
    }

    proptest::proptest! {
        /// CSV -> YAML -> CSV keeps every value byte for byte (issue 20 item 4).
        #[test]
        fn csv_to_yaml_to_csv_is_byte_identical(
            rows in proptest::collection::vec(
                (
                    "[A-Za-z][A-Za-z0-9 :#{},\\[\\]'\"&*!|>%@`-]{0,10}[A-Za-z0-9]",
                    "(CrmService|ListsPlugin|WebAgentService|x: y)",
                    proptest::prelude::any::<String>(),
                ),
                0..6,
            ),
            name in "[A-Za-z0-9]([A-Za-z0-9 :#'\"-]{0,6}[A-Za-z0-9])?",
        ) {
            let path = std::path::Path::new("x.csv");
            let csv = crate::output::sharepoint::list_csv(&rows);
            let first = load::csv(path, csv.trim_start_matches('\u{feff}'), &name).expect("csv");
            let specs = rows_of(&first);
            let yaml = render_yaml(&[(name.clone(), specs.clone())], "t");
            let back = load::yaml(std::path::Path::new("x.yaml"), &yaml).expect("yaml");
            proptest::prop_assert_eq!(&back[0].name, &name);
            proptest::prop_assert_eq!(rows_of(&back[0]), specs.clone());
            proptest::prop_assert_eq!(crate::output::sharepoint::list_csv(&rows_of(&back[0])), crate::output::sharepoint::list_csv(&specs));
        }
    }
}
