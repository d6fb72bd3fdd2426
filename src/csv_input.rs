//! Reading CSV as people export it (SharePoint, Excel): UTF-8 with or without a
//! BOM, comma- or semicolon-separated (European locales use `;`), or tab-separated
//! (Excel's "Unicode text", UTF-16 decoded by `fsutil::decode_text` before it gets
//! here). Header names are matched as people type them: any case, spaces around.

/// A CSV reader over `text` with the delimiter guessed from the header line.
///
/// Line endings are made `\n` first: the csv crate counts a `\r\n` file's lines one
/// short (and a `\r`-only file's not at all), and every finding quotes a line number.
pub fn reader(text: &str) -> csv::Reader<std::io::Cursor<Vec<u8>>> {
    let delimiter = delimiter(text);
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let text = if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text.to_string()
    };
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(std::io::Cursor::new(text.into_bytes()))
}

/// What [`unterminated_quote`] means, for the error at its line.
pub const UNTERMINATED: &str = "a quote (\") opens a field on this line and is never closed, so every row after it would be read as part of that one value; close the quote, or double a quote that belongs to the text (\"\")";

/// The line of a quote that opens a field and is never closed, if any. The csv crate
/// reads such a field to the end of the file without a word, so every row after it
/// would vanish into one value (and show up as "missing"). Quotes are read as the
/// csv crate reads them: a `"` opens a quoted field only at the start of a field, `""`
/// inside it is a quote, and after the closing quote the field goes on unquoted.
/// Lines are counted as [`reader`] counts them (`\r\n` and `\r` are line ends).
pub fn unterminated_quote(text: &str) -> Option<usize> {
    let mut scan = QuoteScan::new(delimiter(text));
    for c in text.strip_prefix('\u{feff}').unwrap_or(text).chars() {
        scan.feed(c);
    }
    scan.finish()
}

/// [`unterminated_quote`] a character at a time, for text read as a stream.
pub struct QuoteScan {
    delimiter: char,
    line: usize,
    opened: usize,
    at_field_start: bool,
    quoted: bool,
    /// The character before the last one fed, waiting for the one after it.
    held: Option<char>,
    /// The quote just read was the first of a doubled one.
    skip: bool,
}

impl QuoteScan {
    pub fn new(delimiter: u8) -> Self {
        QuoteScan {
            delimiter: char::from(delimiter),
            line: 1,
            opened: 0,
            at_field_start: true,
            quoted: false,
            held: None,
            skip: false,
        }
    }

    pub fn feed(&mut self, c: char) {
        if let Some(h) = self.held.replace(c) {
            self.step(h, Some(c));
        }
    }

    /// The line of the quote left open at the end, if any.
    pub fn finish(mut self) -> Option<usize> {
        if let Some(h) = self.held.take() {
            self.step(h, None);
        }
        self.quoted.then_some(self.opened)
    }

    fn step(&mut self, c: char, next: Option<char>) {
        if self.skip {
            // The second quote of a doubled one: consumed with the first.
            self.skip = false;
            return;
        }
        let newline = c == '\n' || (c == '\r' && next != Some('\n'));
        if self.quoted {
            if c == '"' {
                if next == Some('"') {
                    self.skip = true;
                } else {
                    self.quoted = false;
                }
            }
        } else if c == '"' && self.at_field_start {
            self.quoted = true;
            self.opened = self.line;
        }
        self.at_field_start = !self.quoted && (newline || c == self.delimiter || (c == '\r'));
        if newline {
            self.line += 1;
        }
    }
}

/// The line a record starts on. The csv crate reports the position where it started
/// reading, before the blank lines it skips, so its line is short by those; count them
/// from the byte offset. `text` is the reader's own (normalised) input:
/// `rdr.get_ref().get_ref()`.
pub fn record_line(text: &[u8], pos: &csv::Position) -> usize {
    let start = usize::try_from(pos.byte()).unwrap_or(usize::MAX);
    let skipped = text
        .get(start..)
        .unwrap_or_default()
        .iter()
        .take_while(|&&b| b == b'\n')
        .count();
    usize::try_from(pos.line()).unwrap_or(0) + skipped
}

/// The position of the first header named like one of `names` (case and
/// surrounding spaces ignored, as SharePoint users type column names).
pub fn find_column(headers: &csv::StringRecord, names: &[&str]) -> Option<usize> {
    headers.iter().position(|h| {
        names
            .iter()
            .any(|n| h.trim().eq_ignore_ascii_case(n.trim()))
    })
}

/// The delimiter guessed from the header line: tab (Excel's "Unicode text") when it has
/// more tabs than commas and semicolons, else `;` when it has more of them than `,`.
/// Shared with the in-place rewriter of CSV exports, which must split fields the same way.
pub fn delimiter(text: &str) -> u8 {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let header = text.lines().next().unwrap_or("");
    let count = |c: char| header.matches(c).count();
    if count('\t') > count(',').max(count(';')) {
        b'\t'
    } else if count(';') > count(',') {
        b';'
    } else {
        b','
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn bom_and_semicolons() {
        let mut r = super::reader("\u{feff}A;B\n1;\"x;y\"\n");
        assert_eq!(
            r.headers().expect("header").iter().collect::<Vec<_>>(),
            ["A", "B"]
        );
        let rec = r.records().next().expect("row").expect("ok");
        assert_eq!(rec.get(1), Some("x;y"));
        let mut r = super::reader("A,B\n1,2\n");
        assert_eq!(r.headers().expect("header").len(), 2);
    }

    #[test]
    fn tabs_as_excel_unicode_text_writes_them() {
        let mut r = super::reader(" Title \tValue\tScope\r\nA\tx,y;z\tCrmService\r\n");
        let h = r.headers().expect("header").clone();
        assert_eq!(super::find_column(&h, &["title"]), Some(0));
        assert_eq!(super::find_column(&h, &["SCOPE "]), Some(2));
        let rec = r.records().next().expect("row").expect("ok");
        assert_eq!(rec.get(1), Some("x,y;z"));
        assert_eq!(rec.position().map(|p| p.line()), Some(2));
    }

    /// Issue 18 item 5: a quote that is never closed is found, at its line.
    #[test]
    fn unterminated_quotes_are_found_at_their_line() {
        use super::unterminated_quote as u;
        assert_eq!(u("A,B\n1,\"x\n2,y\n3,z\n"), Some(2));
        assert_eq!(u("A;B\r\n1;2\r\n\"x;y\r\n"), Some(3));
        assert_eq!(u("A,B\r1,2\r3,\"\r"), Some(3));
        assert_eq!(u("A,B\n1,\"a \"\"quoted\"\" word\n"), Some(2));
        // Closed quotes, quotes inside a field, doubled quotes, quoted line breaks.
        assert_eq!(u("A,B\n1,\"x,y\"\n2,say \"hi\n"), None);
        assert_eq!(u("A,B\n1,\"a \"\"b\"\" c\"\n"), None);
        assert_eq!(u("A,B\n1,\"two\r\nlines\"\n"), None);
        assert_eq!(u("A,B\n1,\"x\"tail\"\n"), None);
        assert_eq!(u("\u{feff}A\tB\n\"1\"\t2\n"), None);
    }

    #[test]
    fn crlf_and_cr_files_give_the_right_line_numbers() {
        for text in [
            "H\nA\n\nB\n",
            "H\r\nA\r\n\r\nB\r\n",
            "H\rA\r\rB\r",
            "H\n\"a\r\n\"\r\nB",
        ] {
            let mut r = super::reader(text);
            let mut rec = csv::StringRecord::new();
            let mut lines = Vec::new();
            while r.read_record(&mut rec).expect("row") {
                let pos = rec.position().expect("pos");
                lines.push(super::record_line(r.get_ref().get_ref(), pos));
            }
            assert_eq!(lines, [2, 4], "{text:?}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 2000, .. Default::default() })]

        /// The scanner agrees with the csv crate itself: a line after the text is
        /// its own record exactly when no quote is left open.
        #[test]
        fn unterminated_quotes_agree_with_the_csv_crate(text in "[a,;\"\n\r ]{0,24}") {
            let with = format!("{text}\nzq9\n");
            let mut r = super::reader(&with);
            let mut last = None;
            if r.headers().map(|h| h.iter().collect::<Vec<_>>() == ["zq9"]).unwrap_or(false) {
                last = Some(vec!["zq9".to_string()]);
            }
            for rec in r.records() {
                let rec = rec.expect("flexible CSV always reads");
                last = Some(rec.iter().map(str::to_string).collect::<Vec<_>>());
            }
            let own_record = last.as_deref() == Some(&["zq9".to_string()][..]);
            proptest::prop_assert_eq!(
                super::unterminated_quote(&text).is_none(),
                own_record,
                "{:?}",
                text
            );
        }
    }
}
