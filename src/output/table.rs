//! Text tables and long values for people. Org text can be any length (a record name
//! of 16,384 escape characters is 65,536 characters once escaped): every cell is
//! clipped to a display width with an ellipsis, and columns are padded by hand, never
//! with `format!("{:<w$}")`, whose width has a ceiling. `--json` keeps whole values.

use unicode_width::UnicodeWidthChar;

/// The widest a table cell is shown, in terminal columns.
pub const CELL_MAX: usize = 40;
/// The widest a value on a line of its own (the pop's name, a case subject) is shown.
pub const VALUE_MAX: usize = 200;

/// Display columns of `s` (wide CJK characters count two, combining marks none).
pub fn width(s: &str) -> usize {
    s.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// `s` cut to at most `max` display columns; a cut ends in `…` (within `max`).
pub fn clip(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    let budget = max.saturating_sub(1);
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > budget {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

/// A table: the header and rows (already escaped text), cells clipped to
/// [`CELL_MAX`], columns two spaces apart, no trailing spaces, one `\n` a line.
/// Rows shorter than the header are padded with empty cells.
pub fn render(header: &[&str], rows: &[Vec<String>]) -> (String, String) {
    render_clipped(header, rows, &vec![CELL_MAX; header.len()])
}

/// [`render`] with a width for each column: for a cell that lists several values,
/// each clipped on its own, so the list is not cut in the middle of one.
pub fn render_clipped(header: &[&str], rows: &[Vec<String>], max: &[usize]) -> (String, String) {
    let clipped: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            (0..header.len())
                .map(|i| {
                    clip(
                        r.get(i).map_or("", String::as_str),
                        max.get(i).copied().unwrap_or(CELL_MAX),
                    )
                })
                .collect()
        })
        .collect();
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            clipped
                .iter()
                .map(|r| width(&r[i]))
                .chain([width(header[i])])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut out = String::new();
        for (i, (c, w)) in cells.zip(&widths).enumerate() {
            if i > 0 {
                out.push_str("  ");
            }
            out.push_str(c);
            out.extend(std::iter::repeat_n(' ', w.saturating_sub(width(c))));
        }
        out.truncate(out.trim_end().len());
        out.push('\n');
        out
    };
    let head = line(&mut header.iter().copied());
    let body = clipped
        .iter()
        .map(|r| line(&mut r.iter().map(String::as_str)))
        .collect();
    (head, body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::OrgText;
    use proptest::prelude::*;

    #[test]
    fn short_text_is_kept_and_long_text_ends_in_an_ellipsis() {
        assert_eq!(clip("Jane Doe", 40), "Jane Doe");
        assert_eq!(clip("abcdef", 4), "abc…");
        assert_eq!(clip("山田太郎", 5), "山田…");
        assert_eq!(clip("abc", 0), "…");
    }

    #[test]
    fn org_text_is_clipped_between_escapes() {
        let t = OrgText::from("\u{1b}".repeat(100));
        assert_eq!(t.clipped(10), format!("{}…", r"\x1b".repeat(2)));
        assert_eq!(OrgText::from("a\u{202e}b").clipped(40), r"a\u{202e}b");
        assert_eq!(OrgText::from("山田太郎").clipped(5), "山田…");
    }

    #[test]
    fn columns_line_up_and_lines_have_no_trailing_space() {
        let (head, body) = render(
            &["TYPE", "NAME"],
            &[
                vec!["Contact".into(), "Jane".into()],
                vec!["Lead".into(), "".into()],
            ],
        );
        assert_eq!(head, "TYPE     NAME\n");
        assert_eq!(body, "Contact  Jane\nLead\n");
    }

    /// Issue 18 item 19: 16,384 ESC characters are 65,536 characters once escaped,
    /// past the ceiling of `format!`'s width; the cell is clipped and nothing panics.
    #[test]
    fn a_record_name_of_16384_escapes_is_clipped_not_a_crash() {
        let name = OrgText::from("\u{1b}".repeat(16_384)).escaped();
        assert_eq!(name.chars().count(), 65_536);
        let (_, body) = render(&["NAME", "EMAIL"], &[vec![name, "x".into()]]);
        assert_eq!(body, format!("{}…  x\n", r"\x1b".repeat(9) + r"\x1"));
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 500, .. ProptestConfig::default() })]

        /// Any org text in any cell: no panic, escaped, every line within the
        /// widest possible table, and clipped cells end in an ellipsis.
        #[test]
        fn any_cells_render_within_bounds(
            cells in proptest::collection::vec(
                proptest::collection::vec(any::<String>(), 0..5), 0..6),
            long in 0usize..3000,
        ) {
            let mut rows: Vec<Vec<String>> = cells
                .iter()
                .map(|r| r.iter().map(|c| OrgText::from(c.as_str()).escaped()).collect())
                .collect();
            rows.push(vec![OrgText::from("\u{1b}".repeat(long)).escaped(), "山".repeat(long)]);
            let header = ["A", "B", "C", "D"];
            let (head, body) = render(&header, &rows);
            let most = header.len() * (CELL_MAX + 2);
            for line in head.lines().chain(body.lines()) {
                prop_assert!(width(line) <= most, "{} columns", width(line));
                prop_assert!(!line.ends_with(' '));
                prop_assert!(!line.chars().any(|c| c.is_control()));
            }
            prop_assert_eq!(body.lines().count(), rows.len());
        }
    }
}
