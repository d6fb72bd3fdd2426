//! A UCC's Plugin Settings list as a SharePoint list's CSV, for a list import (or
//! "Create list from CSV") and for crmctl's own CSV reader.
//!
//! - Columns by display name, the built-in `Title` column first: `Title,Value,Scope`
//!   (crmctl reads `Setting` for `Title` too).
//! - Comma-delimited with RFC 4180 quoting: a field holding the delimiter, a quote or a
//!   line break is quoted, quotes doubled; crmctl also quotes a field with spaces at
//!   either end, so that no reader trims them away. CRLF after every record (RFC 4180).
//! - UTF-8 with a byte order mark, so that Excel, which SharePoint's "Export to CSV"
//!   hands the file to, reads it as UTF-8 and not the ANSI code page.
//!
//! Sources: RFC 4180 (<https://www.rfc-editor.org/rfc/rfc4180>); Microsoft Support,
//! "Export to Excel from SharePoint or Lists" (a list view's Export > Export to CSV:
//! one row per item, one column per column of the view, by display name);
//! SharePoint/sp-dev-docs issue 10504 on that button
//! (<https://github.com/SharePoint/sp-dev-docs/issues/10504>).

/// One field, quoted when it must be.
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) || s.trim() != s {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The list as CSV bytes: BOM, `Title,Value,Scope`, CRLF line endings.
pub fn list_csv(rows: &[(String, String, String)]) -> String {
    let mut out = String::from("\u{feff}Title,Value,Scope\r\n");
    for (setting, scope, value) in rows {
        out.push_str(&format!(
            "{},{},{}\r\n",
            field(setting),
            field(value),
            field(scope)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_header_crlf_and_quoting() {
        let rows = vec![
            ("ListsEndpoints".into(), "ListsPlugin".into(), "a;b".into()),
            ("Username".into(), "CrmService".into(), "x\"y, z".into()),
            ("Password".into(), "CrmService".into(), " pad ".into()),
        ];
        assert_eq!(
            list_csv(&rows),
            "\u{feff}Title,Value,Scope\r\nListsEndpoints,a;b,ListsPlugin\r\nUsername,\"x\"\"y, z\",CrmService\r\nPassword,\" pad \",CrmService\r\n"
        );
    }
}
