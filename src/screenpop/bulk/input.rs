//! The values of `lookup --file`: one a line, or one column of a CSV file.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// 1-based line of the file (the data line for CSV).
    pub line: usize,
    pub value: String,
}

/// One value a line (blank lines and `#` comments skipped), or a CSV column.
pub fn read_inputs(text: &str, column: Option<&str>) -> Result<Vec<Input>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Some(column) = column else {
        return Ok(text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
            .map(|(i, l)| Input {
                line: i + 1,
                value: l.trim().to_string(),
            })
            .collect());
    };
    if let Some(line) = crate::csv_input::unterminated_quote(text) {
        return Err(format!("line {line}: {}", crate::csv_input::UNTERMINATED));
    }
    let mut rdr = crate::csv_input::reader(text);
    let headers = rdr
        .headers()
        .map_err(|e| format!("cannot read the CSV header: {}", csv_error(&e)))?
        .clone();
    // The header is not quoted back: a file given by mistake may hold secrets.
    let idx = crate::csv_input::find_column(&headers, &[column]).ok_or_else(|| {
        format!(
            "no column `{column}` in the CSV header ({} column(s); names are matched ignoring case and spaces)",
            headers.len()
        )
    })?;
    let mut out = Vec::new();
    let mut rec = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(format!("CSV error: {}", csv_error(&e))),
        }
        let line = rec
            .position()
            .map(|p| crate::csv_input::record_line(rdr.get_ref().get_ref(), p))
            .unwrap_or(0);
        out.push(Input {
            line,
            value: rec.get(idx).unwrap_or("").trim().to_string(),
        });
    }
    Ok(out)
}

/// A CSV error as a line number and a kind, never the data it choked on.
fn csv_error(e: &csv::Error) -> String {
    let line = e.position().map(|p| format!("line {}: ", p.line()));
    let what = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "not UTF-8 text",
        csv::ErrorKind::UnequalLengths { .. } => "a row with a different number of fields",
        csv::ErrorKind::Io(_) => "could not be read",
        _ => "not valid CSV",
    };
    format!("{}{what}", line.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_lines_skip_blanks_and_comments_and_keep_line_numbers() {
        let v =
            read_inputs("\u{feff}+31201234567\n\n# comment\n 020-1234567 \n", None).expect("ok");
        assert_eq!(
            v,
            vec![
                Input {
                    line: 1,
                    value: "+31201234567".into()
                },
                Input {
                    line: 4,
                    value: "020-1234567".into()
                }
            ]
        );
    }

    #[test]
    fn csv_columns_by_name_with_comma_or_semicolon() {
        let v = read_inputs(
            "Name,ANI\nJane,\"+1 415 555 1212\"\nBob,+31201234567\n",
            Some("ani"),
        )
        .expect("ok");
        assert_eq!(
            v.iter()
                .map(|i| (i.line, i.value.as_str()))
                .collect::<Vec<_>>(),
            [(2, "+1 415 555 1212"), (3, "+31201234567")]
        );
        let v = read_inputs("Name;ANI\nJane;+1 415 555 1212\n", Some("ANI")).expect("ok");
        assert_eq!(v[0].value, "+1 415 555 1212");
        assert!(
            read_inputs("Name\nx\n", Some("ANI"))
                .unwrap_err()
                .contains("no column `ANI`")
        );
    }

    /// A file given by mistake may hold secrets: the error names the column, not the header.
    #[test]
    fn a_missing_column_does_not_quote_the_header_and_crlf_lines_count_right() {
        let e = read_inputs("Password,Token\nhunter2,abc\n", Some("ANI")).unwrap_err();
        assert!(e.contains("no column `ANI`"), "{e}");
        assert!(!e.contains("Password") && !e.contains("Token"), "{e}");
        let v = read_inputs(
            "\u{feff}Caller;ANI\r\nJane;+1 415 555 1212\r\n\r\nNobody;\r\n",
            Some(" ani "),
        )
        .expect("ok");
        assert_eq!(
            v.iter()
                .map(|i| (i.line, i.value.as_str()))
                .collect::<Vec<_>>(),
            [(2, "+1 415 555 1212"), (4, "")]
        );
    }
}
