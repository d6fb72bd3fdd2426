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
    /// The PluginAttributes list: rows keyed by its column names.
    #[serde(default)]
    plugin_attributes: Vec<Spanned<std::collections::BTreeMap<String, Option<Scalar>>>>,
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

fn yaml_error(file: &Path, e: &serde_saphyr::Error) -> LoadError {
    // Position and description only: the file may be a key profile given by mistake.
    let e = crate::fsutil::yaml::yaml_error(e);
    LoadError {
        file: file.to_path_buf(),
        line: e.line,
        column: e.column,
        message: e.message,
    }
}

/// Parses a YAML estate (`uccs: [{name, settings: [{setting, scope, value}]}]`).
pub fn yaml(file: &Path, text: &str) -> Result<Vec<Ucc>, LoadError> {
    if text.trim().is_empty() {
        return Err(LoadError {
            file: file.to_path_buf(),
            line: None,
            column: None,
            message: "the file is empty: expected `uccs:` and a list of UCCs".into(),
        });
    }
    let doc: EstateDoc = crate::fsutil::yaml::from_str(text).map_err(|e| yaml_error(file, &e))?;
    if doc.uccs.is_empty() {
        return Err(LoadError {
            file: file.to_path_buf(),
            line: None,
            column: None,
            message: "no UCCs: `uccs` is empty".into(),
        });
    }
    doc.uccs
        .into_iter()
        .map(|u| {
            let mut column_warnings = Vec::new();
            let attributes =
                u.plugin_attributes
                    .into_iter()
                    .map(|a| {
                        let line = a.referenced.line() as usize;
                        let cells: Vec<(String, String)> = a
                            .value
                            .into_iter()
                            .map(|(k, v)| (k, v.map(Scalar::into_text).unwrap_or_default()))
                            .collect();
                        super::crm::attribute_from(&cells, file, line, &mut column_warnings)
                            .map_err(|message| LoadError {
                                file: file.to_path_buf(),
                                line: Some(line),
                                column: None,
                                message: format!("plugin_attributes: {message}"),
                            })
                    })
                    .collect::<Result<Vec<_>, LoadError>>()?;
            Ok(Ucc {
                attributes,
                column_warnings,
                line: u.name.referenced.line() as usize,
                name: u.name.value.trim().to_string(),
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
        })
        .collect()
}

/// Parses a SharePoint CSV export of one UCC's Plugin Settings list.
pub fn csv(file: &Path, text: &str, ucc: &str) -> Result<Ucc, LoadError> {
    let err = |line: Option<usize>, message: String| LoadError {
        file: file.to_path_buf(),
        line,
        column: None,
        message,
    };
    if let Some(line) = crate::csv_input::unterminated_quote(text) {
        return Err(err(Some(line), crate::csv_input::UNTERMINATED.into()));
    }
    let mut rdr = crate::csv_input::reader(text);
    let headers = rdr
        .headers()
        .map_err(|e| err(Some(1), format!("cannot read the header: {e}")))?
        .clone();
    let find = |names: &[&str]| crate::csv_input::find_column(&headers, names);
    // Every missing column in one header error: without `Scope`, say, each row would
    // otherwise get its own wrong-scope finding.
    let (setting, value, scope) = match (
        find(&["Title", "Setting"]),
        find(&["Value"]),
        find(&["Scope"]),
    ) {
        (Some(a), Some(b), Some(c)) => (a, b, c),
        (a, b, c) => {
            let missing: Vec<&str> = [
                (a, "`Title` (or `Setting`)"),
                (b, "`Value`"),
                (c, "`Scope`"),
            ]
            .into_iter()
            .filter(|(i, _)| i.is_none())
            .map(|(_, n)| n)
            .collect();
            // The header is not quoted: a file given by mistake may hold secrets.
            return Err(err(
                Some(1),
                format!("no {} column in the header", missing.join(" or ")),
            ));
        }
    };
    let mut rows = Vec::new();
    each_record(file, &mut rdr, |rec, line| {
        let name = rec.get(setting).unwrap_or("").trim();
        if !name.is_empty() {
            rows.push(Row {
                setting: name.to_string(),
                scope: rec.get(scope).unwrap_or("").trim().to_string(),
                value: rec.get(value).unwrap_or("").to_string(),
                file: file.to_path_buf(),
                line,
            });
        }
        Ok(())
    })?;
    Ok(Ucc {
        name: ucc.to_string(),
        file: file.to_path_buf(),
        line: 1,
        rows,
        attributes: Vec::new(),
        column_warnings: Vec::new(),
    })
}

/// Parses a SharePoint CSV export of a UCC's PluginAttributes list (the columns of
/// [`super::crm::COLUMNS`], in any case, spaces ignored). Unknown columns are warnings;
/// a malformed row is an error with its line.
pub fn attributes_csv(
    file: &Path,
    text: &str,
) -> Result<(Vec<super::crm::Attribute>, Vec<super::crm::ColumnWarning>), LoadError> {
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
    for need in ["SystemName", "Category", "Order"] {
        let squeezed = |h: &str| h.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        if !headers
            .iter()
            .any(|h| squeezed(h).eq_ignore_ascii_case(need))
        {
            return Err(err(Some(1), format!("no `{need}` column in the header")));
        }
    }
    let names: Vec<String> = headers.iter().map(|h| h.trim().to_string()).collect();
    let mut warnings = Vec::new();
    let mut out = Vec::new();
    each_record(file, &mut rdr, |rec, line| {
        if rec.iter().all(|c| c.trim().is_empty()) {
            return Ok(());
        }
        let cells: Vec<(String, String)> = names
            .iter()
            .cloned()
            .zip(rec.iter().map(str::to_string))
            .collect();
        // One warning per unknown column, on the header line, not one per row.
        let mut row_warnings = Vec::new();
        let a = super::crm::attribute_from(&cells, file, line, &mut row_warnings)
            .map_err(|m| err(Some(line), m))?;
        if out.is_empty() {
            warnings.extend(row_warnings.into_iter().map(|mut w| {
                w.line = 1;
                w
            }));
        }
        out.push(a);
        Ok(())
    })?;
    Ok((out, warnings))
}

/// Each record of a CSV export after its header, with the line it starts on; a
/// malformed record is an error with its line.
fn each_record(
    file: &Path,
    rdr: &mut csv::Reader<std::io::Cursor<Vec<u8>>>,
    mut each: impl FnMut(&csv::StringRecord, usize) -> Result<(), LoadError>,
) -> Result<(), LoadError> {
    let mut rec = csv::StringRecord::new();
    loop {
        let read = rdr.read_record(&mut rec);
        let line_of = |p: &csv::Position| crate::csv_input::record_line(rdr.get_ref().get_ref(), p);
        match read {
            Ok(true) => {}
            Ok(false) => return Ok(()),
            Err(e) => {
                return Err(LoadError {
                    file: file.to_path_buf(),
                    line: e.position().map(line_of),
                    column: None,
                    message: crate::fsutil::parse_error(&e.to_string()).message,
                });
            }
        }
        let line = rec.position().map(line_of).unwrap_or(0);
        each(&rec, line)?;
    }
}

/// Reads a PluginAttributes CSV export (`--attributes FILE`) into a UCC, in place of the
/// list its settings file gave.
pub fn attach_attributes(ucc: &mut Ucc, path: &Path) -> Result<(), LoadError> {
    let text = crate::fsutil::read_text(path).map_err(|e| LoadError {
        file: path.to_path_buf(),
        line: None,
        column: None,
        message: format!("cannot read: {e}"),
    })?;
    let (attributes, warnings) = attributes_csv(path, &text)?;
    ucc.attributes = attributes;
    ucc.column_warnings = warnings;
    Ok(())
}

/// [`attach_attributes`] to the UCC named `name` (in any case) of `uccs`.
pub fn attach_to_named(uccs: &mut [Ucc], name: &str, path: &Path) -> Result<(), LoadError> {
    let u = uccs
        .iter_mut()
        .find(|u| u.name.eq_ignore_ascii_case(name))
        .ok_or_else(|| LoadError {
            file: path.to_path_buf(),
            line: None,
            column: None,
            message: format!("--attributes: no UCC named `{name}` in the settings files"),
        })?;
    attach_attributes(u, path)
}

/// A SharePoint CSV export (by its `.csv` extension, in any case) rather than a YAML estate.
pub fn is_csv(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
}

/// Reads a file (or `-`, stdin) as YAML, or as CSV when it ends in `.csv`.
pub fn file(path: &Path, ucc_for_csv: Option<&str>) -> Result<Vec<Ucc>, LoadError> {
    let text = crate::fsutil::read_text(path).map_err(|e| LoadError {
        file: path.to_path_buf(),
        line: None,
        column: None,
        message: if path.as_os_str() == "-" {
            format!("cannot read stdin: {e}")
        } else {
            format!("cannot read: {e}")
        },
    })?;
    if path.as_os_str() == "-" && text.trim().is_empty() {
        // The message every command gives for an empty stdin (`secret_input::stdin_empty`).
        return Err(LoadError {
            file: path.to_path_buf(),
            line: None,
            column: None,
            message: "stdin is empty: expected `uccs:` and a list of UCCs (YAML)".into(),
        });
    }
    text_of(path, &text, ucc_for_csv)
}

/// Reads text that is (or would be) the file `path`: YAML, or CSV when it ends in `.csv`
/// (`validate-settings --fix --dry-run` checks the mended text before it is written).
pub fn text_of(path: &Path, text: &str, ucc_for_csv: Option<&str>) -> Result<Vec<Ucc>, LoadError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if is_csv(path) {
        let name = ucc_for_csv.ok_or_else(|| LoadError {
            file: path.to_path_buf(),
            line: None,
            column: None,
            message: "a CSV export holds one UCC's list: name it with --ucc".into(),
        })?;
        return csv(path, text, name).map(|u| vec![u]);
    }
    yaml(path, text)
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
        let text = "\u{feff}Title;Value;Scope\r\nA;1;CrmService\r\n\r\nB;2;CrmService\r\n";
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

    #[test]
    fn crlf_and_bom_keep_yaml_lines() {
        let text = format!("\u{feff}{}", ESTATE.replace('\n', "\r\n"));
        let uccs = yaml(Path::new("estate.yaml"), &text).expect("valid");
        assert_eq!(uccs[0].line, 2);
        assert_eq!(uccs[0].rows[0].line, 4);
        assert_eq!(uccs[0].rows[1].line, 5);
        assert_eq!(uccs[0].rows[2].line, 8);
        let e = yaml(
            Path::new("e.yaml"),
            "uccs:\r\n  - name: x\r\n\r\n    setings: []\r\n",
        )
        .unwrap_err();
        assert_eq!(e.line, Some(4), "{e}");
    }

    #[test]
    fn crlf_csv_with_blank_lines_keeps_lines() {
        let text = "Title,Value,Scope\r\n\r\nApiEndPoint,services/data/v60.0/,CrmService\r\n\r\n\r\nUsername,a@b.c,CrmService\r\n";
        let u = csv(Path::new("l.csv"), text, "x").expect("valid");
        let lines: Vec<usize> = u.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [3, 6]);
    }

    #[test]
    fn header_columns_match_in_any_case_with_spaces_and_scope_is_required() {
        let u = csv(
            Path::new("l.csv"),
            " title ; VALUE;scope \nUsername;a@b.c; crmservice \n",
            "x",
        )
        .expect("valid");
        assert_eq!(u.rows[0].scope, "crmservice");
        let e = csv(
            Path::new("l.csv"),
            "Title,Value\nUsername,a,CrmService\n",
            "x",
        )
        .unwrap_err();
        assert_eq!(
            (e.line, e.message.as_str()),
            (Some(1), "no `Scope` column in the header")
        );
        let e = csv(Path::new("l.csv"), "Name;Data\n", "x").unwrap_err();
        assert!(
            e.message
                .starts_with("no `Title` (or `Setting`) or `Value` or `Scope` column"),
            "{e}"
        );
    }

    #[test]
    fn no_uccs_and_duplicate_keys_are_errors_in_plain_words() {
        let e = yaml(Path::new("e.yaml"), "uccs: []\n").unwrap_err();
        assert!(e.message.contains("no UCCs"), "{e}");
        let e = yaml(Path::new("e.yaml"), "uccs:\n  - name: a\n    name: b\n").unwrap_err();
        assert!(!e.to_string().contains("DuplicateKeyPolicy"), "{e}");
        assert!(e.message.contains("only once"), "{e}");
    }

    #[test]
    fn a_key_profile_given_as_an_estate_is_not_quoted() {
        let secret = "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4";
        for text in [
            format!("key: hex:{secret}\niv: hex:000102030405060708090a0b0c0d0e0f\n"),
            format!("uccs: hex:{secret}\n"),
            format!("uccs:\n  - name: [hex:{secret}\n"),
        ] {
            let e = yaml(Path::new("k.yaml"), &text).unwrap_err().to_string();
            assert!(!e.contains("603deb10"), "{e}");
        }
    }
}
