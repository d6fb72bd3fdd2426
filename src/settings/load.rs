//! Reading settings files: the YAML estate format (many UCCs) and SharePoint CSV
//! exports (one UCC's list; columns `Title` or `Setting`, `Value`, `Scope`).

use std::path::Path;

use serde::Deserialize;
use serde_saphyr::Spanned;

use super::{LoadError, Row, Ucc};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EstateDoc {
    uccs: Vec<UccDoc>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UccDoc {
    name: Spanned<String>,
    #[serde(default)]
    settings: Vec<Spanned<RowDoc>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RowDoc {
    setting: String,
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    value: Option<Scalar>,
}

/// A setting's value as written: text, or a number or boolean YAML read as one.
#[derive(Deserialize)]
#[serde(untagged)]
enum Scalar {
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
}

impl Scalar {
    fn into_text(self) -> String {
        match self {
            Scalar::Text(s) => s,
            Scalar::Int(i) => i.to_string(),
            Scalar::Float(f) => f.to_string(),
            Scalar::Bool(b) => b.to_string(),
        }
    }
}

fn yaml_error(file: &Path, message: &str) -> LoadError {
    // serde-saphyr reports "line L column C: ..." at the front of its message.
    let first = message.lines().next().unwrap_or(message);
    let first = first.strip_prefix("error: ").unwrap_or(first);
    let mut line = None;
    let mut column = None;
    let mut rest = first;
    if let Some(after) = first.strip_prefix("line ") {
        let mut parts = after.splitn(2, ':');
        let pos = parts.next().unwrap_or("");
        let mut words = pos.split_whitespace();
        line = words.next().and_then(|l| l.parse().ok());
        if words.next() == Some("column") {
            column = words.next().and_then(|c| c.parse().ok());
        }
        rest = parts.next().unwrap_or("").trim();
    }
    LoadError {
        file: file.to_path_buf(),
        line,
        column,
        message: rest.to_string(),
    }
}

/// Parses a YAML estate (`uccs: [{name, settings: [{setting, scope, value}]}]`).
pub fn yaml(file: &Path, text: &str) -> Result<Vec<Ucc>, LoadError> {
    let doc: EstateDoc =
        serde_saphyr::from_str(text).map_err(|e| yaml_error(file, &e.to_string()))?;
    Ok(doc
        .uccs
        .into_iter()
        .map(|u| Ucc {
            line: u.name.referenced.line() as usize,
            name: u.name.value,
            file: file.to_path_buf(),
            rows: u
                .settings
                .into_iter()
                .map(|r| Row {
                    line: r.referenced.line() as usize,
                    setting: r.value.setting.trim().to_string(),
                    scope: r.value.scope.unwrap_or_default().trim().to_string(),
                    value: r.value.value.map(Scalar::into_text).unwrap_or_default(),
                    file: file.to_path_buf(),
                })
                .collect(),
        })
        .collect())
}

/// Parses a SharePoint CSV export of one UCC's Plugin Settings list.
pub fn csv(file: &Path, text: &str, ucc: &str) -> Result<Ucc, LoadError> {
    let err = |line: Option<usize>, message: String| LoadError {
        file: file.to_path_buf(),
        line,
        column: None,
        message,
    };
    let mut rdr = crate::csv_input::reader(text);
    let headers = rdr
        .headers()
        .map_err(|e| err(Some(1), format!("cannot read the header: {e}")))?
        .clone();
    let find = |names: &[&str]| {
        headers
            .iter()
            .position(|h| names.iter().any(|n| h.trim().eq_ignore_ascii_case(n)))
    };
    let setting = find(&["Title", "Setting"]).ok_or_else(|| {
        err(
            Some(1),
            "no `Title` or `Setting` column in the header".into(),
        )
    })?;
    let value =
        find(&["Value"]).ok_or_else(|| err(Some(1), "no `Value` column in the header".into()))?;
    let scope = find(&["Scope"]);
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| err(e.position().map(|p| p.line() as usize), e.to_string()))?;
        // From the byte offset, past the line endings csv counts into the record:
        // its own line count is one short after a CRLF line.
        let line = rec
            .position()
            .map(|p| line_at(text, p.byte() as usize))
            .unwrap_or(0);
        let name = rec.get(setting).unwrap_or("").trim();
        if name.is_empty() {
            continue;
        }
        rows.push(Row {
            setting: name.to_string(),
            scope: scope
                .and_then(|i| rec.get(i))
                .unwrap_or("")
                .trim()
                .to_string(),
            value: rec.get(value).unwrap_or("").to_string(),
            file: file.to_path_buf(),
            line,
        });
    }
    Ok(Ucc {
        name: ucc.to_string(),
        file: file.to_path_buf(),
        line: 1,
        rows,
    })
}

/// The 1-based line of a byte offset into `text` without its BOM (as the CSV reader sees it).
fn line_at(text: &str, offset: usize) -> usize {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let b = text.as_bytes();
    let mut end = offset.min(b.len());
    while end < b.len() && matches!(b[end], b'\r' | b'\n') {
        end += 1;
    }
    b[..end].iter().filter(|&&c| c == b'\n').count() + 1
}

/// Reads a file (or `-`, stdin) as YAML, or as CSV when it ends in `.csv`.
pub fn file(path: &Path, ucc_for_csv: Option<&str>) -> Result<Vec<Ucc>, LoadError> {
    let text = if path.as_os_str() == "-" {
        let mut t = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut t).map_err(|e| LoadError {
            file: path.to_path_buf(),
            line: None,
            column: None,
            message: format!("cannot read stdin: {e}"),
        })?;
        t
    } else {
        std::fs::read_to_string(path).map_err(|e| LoadError {
            file: path.to_path_buf(),
            line: None,
            column: None,
            message: format!("cannot read: {e}"),
        })?
    };
    let is_csv = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    if is_csv {
        let name = ucc_for_csv.ok_or_else(|| LoadError {
            file: path.to_path_buf(),
            line: None,
            column: None,
            message: "a CSV export holds one UCC's list: name it with --ucc".into(),
        })?;
        return csv(path, &text, name).map(|u| vec![u]);
    }
    yaml(path, &text)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ESTATE: &str = r#"uccs:
  - name: helpdesk
    settings:
      - { setting: CrmServiceUrl, scope: WebAgentService, value: "http://ucc1.contoso.local/CrmServiceSalesforce" }
      - setting: ApiEndPoint
        scope: CrmService
        value: services/data/v60.0/
      - { setting: Timeout, scope: CrmService, value: 30 }
  - name: sales
    settings: []
"#;

    #[test]
    fn yaml_rows_keep_their_lines() {
        let uccs = yaml(Path::new("estate.yaml"), ESTATE).expect("valid");
        assert_eq!(uccs.len(), 2);
        let h = &uccs[0];
        assert_eq!((h.name.as_str(), h.line), ("helpdesk", 2));
        assert_eq!(h.rows[0].line, 4);
        assert_eq!(h.rows[1].line, 5);
        assert_eq!(h.value("apiendpoint"), Some("services/data/v60.0/"));
        assert_eq!(h.value("Timeout"), Some("30"));
    }

    #[test]
    fn yaml_errors_point_at_line_and_column() {
        let e = yaml(Path::new("e.yaml"), "uccs:\n  - name: x\n    setings: []\n").unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
        assert!(e.message.contains("setings"), "{e}");
        assert!(e.to_string().starts_with("e.yaml:3:"), "{e}");
    }

    #[test]
    fn csv_lines_count_crlf_and_blank_lines() {
        let text = "\u{feff}Title;Value\r\nA;1\r\n\r\nB;2\r\n";
        let u = csv(Path::new("l.csv"), text, "u").expect("valid");
        let lines: Vec<usize> = u.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 4]);
    }

    #[test]
    fn csv_exports_with_bom_semicolons_and_title_column() {
        let text = "\u{feff}Title;Value;Scope\nApiEndPoint;services/data/v60.0/;CrmService\n\"ListsEndpoints\";\"http://a.local/x;http://a.local/CrmServiceSalesforce/api/v1/settings\";ListsPlugin\n";
        let u = csv(Path::new("list.csv"), text, "helpdesk").expect("valid");
        assert_eq!(u.rows.len(), 2);
        assert_eq!(
            u.rows[1].value,
            "http://a.local/x;http://a.local/CrmServiceSalesforce/api/v1/settings"
        );
        assert_eq!(u.rows[1].line, 3);
        let u = csv(
            Path::new("list.csv"),
            "Setting,Value,Scope\nUsername,a@b.c,CrmService\n",
            "x",
        )
        .expect("comma");
        assert_eq!(u.value("username"), Some("a@b.c"));
        assert!(csv(Path::new("l.csv"), "Name,Value\n", "x").is_err());
    }
}
