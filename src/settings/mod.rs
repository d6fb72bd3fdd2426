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
    let quote = |v: &str| format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\""));
    let mut y = String::new();
    for line in comment.lines() {
        y.push_str(&format!("# {line}\n"));
    }
    y.push_str("uccs:\n");
    for (name, rows) in uccs {
        y.push_str(&format!("  - name: {}\n    settings:\n", quote(name)));
        for (setting, scope, value) in rows {
            y.push_str(&format!(
                "      - {{ setting: {setting}, scope: {scope}, value: {} }}\n",
                quote(value)
            ));
        }
    }
    y
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
}
