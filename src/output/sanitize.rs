//! Text that came from outside (an org's record names, a file's contents) may hold
//! terminal escape sequences. It is made visible, never executed, before it
//! reaches a terminal.

/// Replaces control characters (C0, DEL, C1) with visible escapes such as `\x1b`,
/// and the backslash with `\\` so the escapes stay unambiguous.
pub fn for_terminal(text: &str) -> String {
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
            // Bidirectional overrides can make text read differently than it is.
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            }
            c => out.push(c),
        }
    }
    out
}

/// Like [`for_terminal`], but keeps line breaks: for multi-line messages (a SOQL
/// error's caret layout) whose other control characters must still not run.
pub fn for_terminal_lines(text: &str) -> String {
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

    #[test]
    fn backslash_is_doubled_so_escapes_are_unambiguous() {
        assert_eq!(for_terminal("a\\x1b"), "a\\\\x1b");
    }
}
