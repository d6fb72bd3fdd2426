//! Tokens of SOQL (and of SOSL after the braces), with byte positions for errors.

use crate::query_error::{ApiError, located};

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    Ident(String),
    /// The raw text between single quotes, escapes not yet decoded (their meaning
    /// depends on whether the literal is a LIKE pattern).
    Str(String),
    /// Numbers, dates and date-times.
    Num(String),
    Sym(&'static str),
}

#[derive(Debug, Clone)]
pub struct Token {
    pub tok: Tok,
    /// Byte offset in the query, for error positions.
    pub pos: usize,
}

pub fn lex(src: &str, base: usize, code: &'static str) -> Result<Vec<Token>, ApiError> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let err = |pos: usize, detail: String| ApiError::bad_request(code, located(src, pos, &detail));
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        if c == b'\'' {
            i += 1;
            let mut closed = false;
            while i < b.len() {
                match b[i] {
                    b'\\' => i += 2,
                    b'\'' => {
                        closed = true;
                        break;
                    }
                    _ => i += 1,
                }
            }
            if !closed || i > b.len() {
                return Err(err(
                    start,
                    "unexpected token: <EOF>: unterminated string literal".into(),
                ));
            }
            out.push(Token {
                tok: Tok::Str(src[start + 1..i].to_string()),
                pos: base + start,
            });
            i += 1;
        } else if c.is_ascii_alphabetic() || c == b'_' {
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'.') {
                i += 1;
            }
            out.push(Token {
                tok: Tok::Ident(src[start..i].to_string()),
                pos: base + start,
            });
        } else if c.is_ascii_digit() || (c == b'-' && b.get(i + 1).is_some_and(u8::is_ascii_digit))
        {
            i += 1;
            while i < b.len()
                && (b[i].is_ascii_alphanumeric() || matches!(b[i], b'.' | b':' | b'-' | b'+'))
            {
                i += 1;
            }
            out.push(Token {
                tok: Tok::Num(src[start..i].to_string()),
                pos: base + start,
            });
        } else {
            let two = src.get(i..i + 2).unwrap_or("");
            let sym: &'static str = match two {
                "!=" => "!=",
                "<>" => "<>",
                "<=" => "<=",
                ">=" => ">=",
                _ => match c {
                    b'=' => "=",
                    b'<' => "<",
                    b'>' => ">",
                    b',' => ",",
                    b'(' => "(",
                    b')' => ")",
                    b':' => ":",
                    _ => {
                        let ch = src[i..].chars().next().unwrap_or('?');
                        return Err(err(
                            i,
                            format!("line 1:{} no viable alternative at character '{ch}'", i + 1),
                        ));
                    }
                },
            };
            i += sym.len();
            out.push(Token {
                tok: Tok::Sym(sym),
                pos: base + start,
            });
        }
    }
    Ok(out)
}
