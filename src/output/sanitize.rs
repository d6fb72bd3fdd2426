//! Text that came from outside (an org's record names, a file's contents) may hold
//! terminal escape sequences. It is made visible, never executed, before it
//! reaches a terminal.

/// Replaces control characters (C0, DEL, C1) with visible escapes such as `\x1b`,
/// and the backslash with `\\` so the escapes stay unambiguous.
pub(in crate::output) fn for_terminal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let code = c as u32;
                if code <= 0xff {
                    out.push_str(&format!("\\x{code:02x}"));
                } else {
                    out.push_str(&format!("\\u{{{code:x}}}"));
                }
            }
            // Bidirectional controls and invisible characters can make text read
            // differently than it is, or make one record look like another.
            c if is_deceptive(c) => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            }
            c => out.push(c),
        }
    }
    out
}

/// Characters that are not control characters but still change how text reads or
/// hide what it holds: bidirectional marks, embeddings, overrides and isolates
/// (U+061C, U+200E/F, U+202A-E, U+2066-9), zero-width and invisible characters
/// (U+00AD, U+034F, U+115F/60, U+17B4/5, U+180B-F, U+200B-D, U+2060-4, U+206A-F,
/// U+3164, U+FEFF, U+FFA0, U+FFF9-B, the tag block U+E0000-7F), and the Unicode line
/// and paragraph separators U+2028/9. The printer shows them as `\u{..}` in text
/// and CSV; the JSON writer keeps them as `\uXXXX` escapes.
pub fn is_deceptive(c: char) -> bool {
    matches!(
        c,
        '\u{ad}'
            | '\u{34f}'
            | '\u{61c}'
            | '\u{115f}'
            | '\u{1160}'
            | '\u{17b4}'
            | '\u{17b5}'
            | '\u{180b}'..='\u{180f}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206f}'
            | '\u{3164}'
            | '\u{feff}'
            | '\u{ffa0}'
            | '\u{fff9}'..='\u{fffb}'
            | '\u{e0000}'..='\u{e007f}'
    )
}

/// Like [`for_terminal`], but keeps line breaks: for multi-line messages (a SOQL
/// error's caret layout) whose other control characters must still not run.
pub(in crate::output) fn for_terminal_lines(text: &str) -> String {
    text.split('\n')
        .map(for_terminal)
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::{for_terminal, for_terminal_lines};

    #[test]
    fn line_breaks_survive_but_escapes_do_not() {
        assert_eq!(for_terminal_lines("a\n\x1b[31mb\r"), "a\n\\x1b[31mb\\r");
    }

    #[test]
    fn plain_text_is_unchanged() {
        assert_eq!(for_terminal("Jane Doe – Zürich"), "Jane Doe – Zürich");
    }

    #[test]
    fn escape_sequences_are_shown_not_executed() {
        assert_eq!(for_terminal("Evil\x1b[2JCorp\x07"), "Evil\\x1b[2JCorp\\x07");
        assert_eq!(for_terminal("a\u{9b}b"), "a\\x9bb");
        assert_eq!(for_terminal("x\u{202e}y"), "x\\u{202e}y");
    }

    /// Issue 18 item 23: invisible characters are shown, so a record cannot be made
    /// to look like another.
    #[test]
    fn invisible_characters_are_shown() {
        for (c, shown) in [
            ('\u{200b}', "\\u{200b}"),
            ('\u{200c}', "\\u{200c}"),
            ('\u{200d}', "\\u{200d}"),
            ('\u{200e}', "\\u{200e}"),
            ('\u{200f}', "\\u{200f}"),
            ('\u{61c}', "\\u{61c}"),
            ('\u{2028}', "\\u{2028}"),
            ('\u{2029}', "\\u{2029}"),
            ('\u{2060}', "\\u{2060}"),
            ('\u{feff}', "\\u{feff}"),
            ('\u{ad}', "\\u{ad}"),
            ('\u{e0041}', "\\u{e0041}"),
        ] {
            assert_eq!(for_terminal(&format!("Ja{c}ne")), format!("Ja{shown}ne"));
        }
        // Visible non-ASCII text is kept.
        assert_eq!(for_terminal("Åsa Ñúñez 山田 – 👍"), "Åsa Ñúñez 山田 – 👍");
    }

    #[test]
    fn backslash_is_doubled_so_escapes_are_unambiguous() {
        assert_eq!(for_terminal("a\\x1b"), "a\\\\x1b");
    }
}
