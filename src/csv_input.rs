//! Reading CSV as people export it (SharePoint, Excel): UTF-8 with or without a
//! BOM, comma- or semicolon-separated (European locales use `;`).

/// A CSV reader over `text` with the delimiter guessed from the header line.
pub fn reader(text: &str) -> csv::Reader<&[u8]> {
    let delimiter = delimiter(text);
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes())
}

/// The delimiter guessed from the header line: `;` when it has more of them than `,`.
/// Shared with the in-place rewriter of CSV exports, which must split fields the same way.
pub fn delimiter(text: &str) -> u8 {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let header = text.lines().next().unwrap_or("");
    if header.matches(';').count() > header.matches(',').count() {
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
}
