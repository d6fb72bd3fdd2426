//! CSV as Bulk API 2.0 reads and writes it: one of six column delimiters, `LF` or
//! `CRLF` line endings, RFC 4180 quoting.
//!
//! - Delimiters and line endings: "Create a Job" (`columnDelimiter`: BACKQUOTE,
//!   CARET, COMMA, PIPE, SEMICOLON, TAB; `lineEnding`: LF, CRLF), Bulk API 2.0
//!   Developer Guide, <https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/create_job.htm>.
//! - Uploads: the row separator is exactly the job's line ending. A `CRLF` file in
//!   an `LF` job (or the reverse) fails the job with `ClientInputError : LineEnding
//!   is invalid on user data. Current LineEnding setting is LF` as the job's
//!   `errorMessage` (state `Failed`), the message real orgs give (users of
//!   `sf data import bulk` report it, e.g. forcedotcom/cli#3113).
//! - Results: every value is quoted, a null is `""` (Salesforce stores no empty
//!   text, so the two cannot differ), as the guide's examples show.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delimiter {
    Backquote,
    Caret,
    Comma,
    Pipe,
    Semicolon,
    Tab,
}

impl Delimiter {
    pub fn parse(s: &str) -> Option<Delimiter> {
        Some(match s {
            "BACKQUOTE" => Delimiter::Backquote,
            "CARET" => Delimiter::Caret,
            "COMMA" => Delimiter::Comma,
            "PIPE" => Delimiter::Pipe,
            "SEMICOLON" => Delimiter::Semicolon,
            "TAB" => Delimiter::Tab,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Delimiter::Backquote => "BACKQUOTE",
            Delimiter::Caret => "CARET",
            Delimiter::Comma => "COMMA",
            Delimiter::Pipe => "PIPE",
            Delimiter::Semicolon => "SEMICOLON",
            Delimiter::Tab => "TAB",
        }
    }

    pub fn byte(self) -> u8 {
        match self {
            Delimiter::Backquote => b'`',
            Delimiter::Caret => b'^',
            Delimiter::Comma => b',',
            Delimiter::Pipe => b'|',
            Delimiter::Semicolon => b';',
            Delimiter::Tab => b'\t',
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineEnding {
    Lf,
    Crlf,
}

impl LineEnding {
    pub fn parse(s: &str) -> Option<LineEnding> {
        match s {
            "LF" => Some(LineEnding::Lf),
            "CRLF" => Some(LineEnding::Crlf),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            LineEnding::Lf => "LF",
            LineEnding::Crlf => "CRLF",
        }
    }

    pub fn text(self) -> &'static str {
        match self {
            LineEnding::Lf => "\n",
            LineEnding::Crlf => "\r\n",
        }
    }
}

/// One row of output: every value quoted, quotes doubled.
pub fn write_row<S: AsRef<str>>(values: &[S], delim: Delimiter) -> String {
    let mut out = String::new();
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            out.push(delim.byte() as char);
        }
        out.push('"');
        out.push_str(&v.as_ref().replace('"', "\"\""));
        out.push('"');
    }
    out
}

/// Rows joined by the line ending, each line ended (as Salesforce ends its files).
pub fn join_lines(header: &str, rows: &[String], ending: LineEnding) -> String {
    let mut out =
        String::with_capacity(header.len() + rows.iter().map(|r| r.len() + 2).sum::<usize>() + 2);
    out.push_str(header);
    out.push_str(ending.text());
    for r in rows {
        out.push_str(r);
        out.push_str(ending.text());
    }
    out
}

/// Why an upload cannot be read; the text is the job's `errorMessage`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvError(pub String);

/// Parses an upload: the header, then rows of as many values each. Rows end with
/// exactly `ending`; a final line ending is optional; blank lines are refused as
/// rows of the wrong width (one empty value).
pub fn parse(
    data: &[u8],
    delim: Delimiter,
    ending: LineEnding,
) -> Result<(Vec<String>, Vec<Vec<String>>), CsvError> {
    let text = std::str::from_utf8(data).map_err(|e| {
        CsvError(format!(
            "ClientInputError : the data is not UTF-8 (invalid byte at offset {})",
            e.valid_up_to()
        ))
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let wrong_ending = || {
        CsvError(format!(
            "ClientInputError : LineEnding is invalid on user data. Current LineEnding setting is {}",
            ending.name()
        ))
    };
    let d = delim.byte() as char;
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut row: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut line = 1usize;
    let mut at_field_start = true;
    // The current value was quoted (a CR in it is data, not a line ending).
    let mut quoted = false;
    let mut any = false;
    while let Some(c) = chars.next() {
        any = true;
        if at_field_start && c == '"' {
            // A quoted value: up to the closing quote; `""` is a quote.
            let start_line = line;
            loop {
                match chars.next() {
                    None => {
                        return Err(CsvError(format!(
                            "InvalidBatch : Failed to parse CSV: the quoted value that starts on line {start_line} is never closed"
                        )));
                    }
                    Some('"') if chars.peek() == Some(&'"') => {
                        chars.next();
                        field.push('"');
                    }
                    Some('"') => break,
                    Some(ch) => {
                        if ch == '\n' {
                            line += 1;
                        }
                        field.push(ch);
                    }
                }
            }
            // After the closing quote: a delimiter, a line ending or the end.
            match chars.peek() {
                None => {}
                Some(&n) if n == d => {}
                Some('\n') if ending == LineEnding::Lf => {}
                Some('\r') if ending == LineEnding::Crlf => {}
                Some('\r') => return Err(wrong_ending()),
                Some('\n') => return Err(wrong_ending()),
                Some(_) => {
                    return Err(CsvError(format!(
                        "InvalidBatch : Failed to parse CSV: unexpected text after a closing quote on line {line}"
                    )));
                }
            }
            at_field_start = false;
            quoted = true;
            continue;
        }
        if c == d {
            row.push(std::mem::take(&mut field));
            at_field_start = true;
            quoted = false;
            continue;
        }
        let end_of_row = match (c, ending) {
            ('\n', LineEnding::Lf) => {
                if !quoted && field.ends_with('\r') {
                    return Err(wrong_ending());
                }
                true
            }
            ('\r', LineEnding::Crlf) => {
                if chars.peek() != Some(&'\n') {
                    return Err(wrong_ending());
                }
                chars.next();
                true
            }
            ('\n', LineEnding::Crlf) => return Err(wrong_ending()),
            _ => false,
        };
        if end_of_row {
            row.push(std::mem::take(&mut field));
            rows.push(std::mem::take(&mut row));
            at_field_start = true;
            quoted = false;
            line += 1;
            continue;
        }
        if c == '"' {
            return Err(CsvError(format!(
                "InvalidBatch : Failed to parse CSV: a quote inside an unquoted value on line {line}"
            )));
        }
        field.push(c);
        at_field_start = false;
    }
    if any && !(at_field_start && row.is_empty() && field.is_empty()) {
        row.push(field);
        rows.push(row);
    }
    let mut rows = rows.into_iter();
    let header = rows
        .next()
        .ok_or_else(|| CsvError("InvalidBatch : The upload has no header row".into()))?;
    let rows: Vec<Vec<String>> = rows.collect();
    for (i, r) in rows.iter().enumerate() {
        if r.len() != header.len() {
            return Err(CsvError(format!(
                "InvalidBatch : Wrong number of columns on row {} (line {}): {} instead of {}",
                i + 1,
                i + 2,
                r.len(),
                header.len()
            )));
        }
    }
    Ok((header, rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(
        s: &str,
        d: Delimiter,
        e: LineEnding,
    ) -> Result<(Vec<String>, Vec<Vec<String>>), CsvError> {
        parse(s.as_bytes(), d, e)
    }

    #[test]
    fn quoting_delimiters_and_endings() {
        let (h, rows) = p(
            "Name,Description\n\"Acme, Inc.\",\"said \"\"hi\"\"\nover two lines\"\nPlain,\n",
            Delimiter::Comma,
            LineEnding::Lf,
        )
        .expect("parses");
        assert_eq!(h, ["Name", "Description"]);
        assert_eq!(rows[0], ["Acme, Inc.", "said \"hi\"\nover two lines"]);
        assert_eq!(rows[1], ["Plain", ""]);
        let (_, rows) = p("A|B\r\n1|2", Delimiter::Pipe, LineEnding::Crlf).expect("crlf");
        assert_eq!(rows, [["1", "2"]]);
        let (_, rows) = p("A\tB\n\"x\ty\"\tz\n", Delimiter::Tab, LineEnding::Lf).expect("tab");
        assert_eq!(rows, [["x\ty", "z"]]);
    }

    #[test]
    fn a_line_ending_of_the_other_kind_fails_as_salesforce_words_it() {
        let e = p("Name\r\nAcme\r\n", Delimiter::Comma, LineEnding::Lf).expect_err("crlf in lf");
        assert!(
            e.0.contains("LineEnding is invalid on user data. Current LineEnding setting is LF")
        );
        let e = p("Name\nAcme\n", Delimiter::Comma, LineEnding::Crlf).expect_err("lf in crlf");
        assert!(e.0.ends_with("Current LineEnding setting is CRLF"));
    }

    #[test]
    fn malformed_uploads_are_errors_never_panics() {
        for bad in [
            "",
            "Name\n\"open",
            "Name,X\nA\n",
            "Name\nab\"c\n",
            "Name\n\"a\"b\n",
        ] {
            assert!(p(bad, Delimiter::Comma, LineEnding::Lf).is_err(), "{bad:?}");
        }
        assert!(parse(&[0xff, 0xfe, b'\n'], Delimiter::Comma, LineEnding::Lf).is_err());
    }

    /// Property: whatever rows are written, parsing them gives them back, for
    /// every delimiter and line ending (values with quotes, delimiters, newlines).
    #[test]
    fn written_rows_parse_back_for_every_dialect() {
        let mut seed = 0x1234_5678_u64;
        let alphabet = [
            'a', 'Z', '"', ',', ';', '|', '^', '`', '\t', '\n', '\r', ' ', 'é', '0',
        ];
        for d in [
            Delimiter::Backquote,
            Delimiter::Caret,
            Delimiter::Comma,
            Delimiter::Pipe,
            Delimiter::Semicolon,
            Delimiter::Tab,
        ] {
            for e in [LineEnding::Lf, LineEnding::Crlf] {
                for _ in 0..200 {
                    let mut rows = Vec::new();
                    let width = 1 + (crate::state::splitmix64(&mut seed) % 4) as usize;
                    for _ in 0..1 + crate::state::splitmix64(&mut seed) % 4 {
                        let row: Vec<String> = (0..width)
                            .map(|_| {
                                let n = crate::state::splitmix64(&mut seed) % 6;
                                (0..n)
                                    .map(|_| {
                                        alphabet[(crate::state::splitmix64(&mut seed)
                                            % alphabet.len() as u64)
                                            as usize]
                                    })
                                    .collect()
                            })
                            .collect();
                        rows.push(row);
                    }
                    let header = write_row(&rows[0], d);
                    let lines: Vec<String> = rows[1..].iter().map(|r| write_row(r, d)).collect();
                    let text = join_lines(&header, &lines, e);
                    let (h, body) = parse(text.as_bytes(), d, e).expect("round trip");
                    assert_eq!(h, rows[0]);
                    assert_eq!(body, rows[1..].to_vec());
                }
            }
        }
    }

    /// Fuzz: arbitrary bytes never panic the parser.
    #[test]
    fn arbitrary_bytes_never_panic() {
        let mut seed = 42u64;
        let bytes = b"ab,\"\r\n;|\t`^\xff\xc3\xa9";
        for _ in 0..20_000 {
            let n = (crate::state::splitmix64(&mut seed) % 24) as usize;
            let data: Vec<u8> = (0..n)
                .map(|_| bytes[(crate::state::splitmix64(&mut seed) % bytes.len() as u64) as usize])
                .collect();
            for e in [LineEnding::Lf, LineEnding::Crlf] {
                let _ = parse(&data, Delimiter::Comma, e);
            }
        }
    }
}
