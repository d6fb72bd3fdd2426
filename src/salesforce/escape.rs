//! The one place user values enter SOSL and SOQL text.

/// Characters SOSL reserves inside `FIND {...}` (salesforce-api.md 3.1).
pub const SOSL_RESERVED: &[char] = &[
    '?', '&', '|', '!', '{', '}', '[', ']', '(', ')', '^', '~', '*', ':', '\\', '"', '\'', '+', '-',
];

/// Why a search value was refused before it reached the org.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TermError {
    Empty,
    TooShort,
}

impl std::fmt::Display for TermError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TermError::Empty => write!(f, "the search value is empty"),
            TermError::TooShort => write!(f, "Salesforce refuses search terms of one character"),
        }
    }
}

/// A SOSL search term matching exactly `value`: a quoted phrase with every
/// reserved character backslash-escaped (the documents require the escape inside
/// phrases too). The result goes between the braces of `FIND {...}`.
pub fn sosl_phrase(value: &str) -> Result<String, TermError> {
    let meaningful = value.chars().filter(|c| !c.is_whitespace()).count();
    if meaningful == 0 {
        return Err(TermError::Empty);
    }
    if meaningful < 2 {
        return Err(TermError::TooShort);
    }
    let mut out = String::with_capacity(value.len() + 8);
    out.push('"');
    for c in value.chars() {
        if SOSL_RESERVED.contains(&c) {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    Ok(out)
}

/// A quoted SOQL string literal holding exactly `value` (salesforce-api.md 4.2).
pub fn soql_literal(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_escape_reserved_characters() {
        assert_eq!(sosl_phrase("{1+1}:2").expect("ok"), r#""\{1\+1\}\:2""#);
        assert_eq!(
            sosl_phrase("jane+vip@x.com").expect("ok"),
            r#""jane\+vip@x.com""#
        );
        assert_eq!(sosl_phrase("a").unwrap_err(), TermError::TooShort);
        assert_eq!(sosl_phrase("  ").unwrap_err(), TermError::Empty);
    }

    #[test]
    fn literals_escape_quotes_backslashes_and_controls() {
        assert_eq!(soql_literal("Bob's \\ BBQ\n"), r"'Bob\'s \\ BBQ\n'");
        assert_eq!(soql_literal("50%_off"), "'50%_off'");
    }
}
