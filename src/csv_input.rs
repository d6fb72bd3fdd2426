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
}
