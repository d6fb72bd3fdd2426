//! Parsing SOSL: the search expression inside `FIND {...}` and the clauses after it
//! (IN, RETURNING with SOQL-style field lists, WITH, LIMIT).

use super::{MAX_LIMIT, Scope, Search};
use crate::org::User;
use crate::query_error::{ApiError, located};
use crate::soql::{self, Parser, Selection};

pub const RESERVED: &[char] = &[
    '?', '&', '|', '!', '{', '}', '[', ']', '(', ')', '^', '~', '*', ':', '\\', '"', '\'', '+', '-',
];

/// One character of a term: literal, or a wildcard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ch {
    Lit(char),
    AnyOne,
    AnyMany,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    /// An unquoted term or a quoted phrase, with its characters.
    Term {
        chars: Vec<Ch>,
        phrase: bool,
    },
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    AndNot(Box<Expr>, Box<Expr>),
    /// A search query over `MAX_QUERY_CHARS`: Salesforce returns no rows.
    NoRows,
}

/// "If the SearchQuery string is longer than 10,000 characters, no result rows
/// are returned. If SearchQuery is longer than 4,000 characters, any logical
/// operators are removed" (SOSL reference, "SOSL Syntax", FIND {SearchQuery}):
/// https://developer.salesforce.com/docs/platform/salesforce-soql-sosl/guide/sforce-api-calls-sosl-syntax.html
pub const MAX_QUERY_CHARS: usize = 10_000;
pub const MAX_OPERATOR_CHARS: usize = 4_000;

/// Parentheses nest at most this deep inside the braces.
const MAX_NESTING: usize = 64;

impl Expr {
    /// The literal text of a term (wildcards as `*` and `?`), for tests and messages.
    pub fn text(chars: &[Ch]) -> String {
        chars
            .iter()
            .map(|c| match c {
                Ch::Lit(c) => *c,
                Ch::AnyOne => '?',
                Ch::AnyMany => '*',
            })
            .collect()
    }
}

/// Parses the search text inside the braces. `base` is its offset in `full`.
pub fn parse_expr(full: &str, text: &str, base: usize) -> Result<Expr, ApiError> {
    let mut p = ExprParser {
        full,
        s: text,
        chars: text.char_indices().collect(),
        i: 0,
        base,
        depth: 0,
    };
    p.skip_ws();
    if p.i >= p.chars.len() {
        return Err(ApiError::bad_request(
            "MALFORMED_SEARCH",
            "No search term found. The search term must be enclosed in braces.",
        ));
    }
    let chars = text.chars().count();
    if chars > MAX_QUERY_CHARS {
        return Ok(Expr::NoRows);
    }
    let e = p.or()?;
    p.skip_ws();
    if p.i < p.chars.len() {
        return Err(p.mismatch());
    }
    if chars > MAX_OPERATOR_CHARS {
        // Operators removed: every term counts on its own, as if ORed.
        return Ok(any_term(e));
    }
    Ok(e)
}

/// All the terms of `e`, ORed (without recursion: long queries make deep trees).
fn any_term(e: Expr) -> Expr {
    let mut stack = vec![e];
    let mut out: Option<Expr> = None;
    while let Some(e) = stack.pop() {
        match e {
            Expr::And(a, b) | Expr::Or(a, b) | Expr::AndNot(a, b) => {
                stack.push(*b);
                stack.push(*a);
            }
            t => {
                out = Some(match out {
                    None => t,
                    Some(prev) => Expr::Or(Box::new(prev), Box::new(t)),
                })
            }
        }
    }
    out.unwrap_or(Expr::NoRows)
}

struct ExprParser<'a> {
    full: &'a str,
    s: &'a str,
    chars: Vec<(usize, char)>,
    i: usize,
    base: usize,
    depth: usize,
}

impl ExprParser<'_> {
    fn skip_ws(&mut self) {
        while self
            .chars
            .get(self.i)
            .is_some_and(|(_, c)| c.is_whitespace())
        {
            self.i += 1;
        }
    }

    fn pos(&self) -> usize {
        self.base
            + self
                .chars
                .get(self.i)
                .map(|(p, _)| *p)
                .unwrap_or(self.s.len())
    }

    fn mismatch(&self) -> ApiError {
        let pos = self.pos();
        let shown = self.chars.get(self.i).map(|(_, c)| *c).unwrap_or(' ');
        let col = self.full[..pos].chars().count() + 1;
        ApiError::bad_request(
            "MALFORMED_SEARCH",
            located(
                self.full,
                pos,
                &format!("line 1:{col} mismatched character '{shown}' expecting '}}'"),
            ),
        )
    }

    fn keyword(&mut self, kw: &str) -> bool {
        let save = self.i;
        self.skip_ws();
        let word: String = self.chars[self.i..]
            .iter()
            .take(kw.len())
            .map(|(_, c)| *c)
            .collect();
        let after = self.chars.get(self.i + kw.len()).map(|(_, c)| *c);
        if word.eq_ignore_ascii_case(kw)
            && after.is_none_or(|c| c.is_whitespace() || c == '(' || c == '"')
        {
            self.i += kw.len();
            true
        } else {
            self.i = save;
            false
        }
    }

    fn or(&mut self) -> Result<Expr, ApiError> {
        let mut left = self.and()?;
        while self.keyword("OR") {
            let right = self.and()?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, ApiError> {
        let mut left = self.primary()?;
        loop {
            let save = self.i;
            if self.keyword("AND") {
                if self.keyword("NOT") {
                    let right = self.primary()?;
                    left = Expr::AndNot(Box::new(left), Box::new(right));
                } else {
                    let right = self.primary()?;
                    left = Expr::And(Box::new(left), Box::new(right));
                }
                continue;
            }
            // Adjacent terms are ANDed.
            self.skip_ws();
            let next = self.chars.get(self.i).map(|(_, c)| *c);
            let at_or = {
                let s = self.i;
                let r = self.keyword("OR");
                self.i = s;
                r
            };
            if next.is_some() && next != Some(')') && !at_or {
                let right = self.primary()?;
                left = Expr::And(Box::new(left), Box::new(right));
                continue;
            }
            self.i = save;
            break;
        }
        Ok(left)
    }

    fn primary(&mut self) -> Result<Expr, ApiError> {
        self.skip_ws();
        match self.chars.get(self.i).map(|(_, c)| *c) {
            Some('(') => {
                if self.depth >= MAX_NESTING {
                    return Err(self.mismatch());
                }
                self.i += 1;
                self.depth += 1;
                let e = self.or()?;
                self.depth -= 1;
                self.skip_ws();
                if self.chars.get(self.i).map(|(_, c)| *c) != Some(')') {
                    return Err(self.mismatch());
                }
                self.i += 1;
                Ok(e)
            }
            Some('"') => {
                self.i += 1;
                let start = self.pos();
                let chars = self.term_chars(true)?;
                if self.chars.get(self.i).map(|(_, c)| *c) != Some('"') {
                    return Err(self.mismatch());
                }
                self.i += 1;
                check_term(self.full, start, &chars)?;
                Ok(Expr::Term {
                    chars,
                    phrase: true,
                })
            }
            Some(_) => {
                let start = self.pos();
                let chars = self.term_chars(false)?;
                if chars.is_empty() {
                    return Err(self.mismatch());
                }
                check_term(self.full, start, &chars)?;
                Ok(Expr::Term {
                    chars,
                    phrase: false,
                })
            }
            None => Err(self.mismatch()),
        }
    }

    /// Reads a term (up to whitespace or a closing parenthesis) or a phrase (up to
    /// the closing quote), resolving escapes and wildcards.
    fn term_chars(&mut self, phrase: bool) -> Result<Vec<Ch>, ApiError> {
        let mut out = Vec::new();
        while let Some(&(_, c)) = self.chars.get(self.i) {
            match c {
                '\\' => match self.chars.get(self.i + 1) {
                    Some(&(_, n)) if RESERVED.contains(&n) => {
                        out.push(Ch::Lit(n));
                        self.i += 2;
                    }
                    _ => return Err(self.mismatch()),
                },
                '"' if phrase => break,
                c if !phrase && (c.is_whitespace() || c == ')') => break,
                '*' => {
                    out.push(Ch::AnyMany);
                    self.i += 1;
                }
                '?' => {
                    out.push(Ch::AnyOne);
                    self.i += 1;
                }
                c if RESERVED.contains(&c) => return Err(self.mismatch()),
                c => {
                    out.push(Ch::Lit(c));
                    self.i += 1;
                }
            }
        }
        Ok(out)
    }
}

/// Salesforce refuses one-character terms and leading wildcards.
fn check_term(full: &str, pos: usize, chars: &[Ch]) -> Result<(), ApiError> {
    if matches!(chars.first(), Some(Ch::AnyMany | Ch::AnyOne)) {
        return Err(ApiError::bad_request(
            "INVALID_SEARCH",
            located(
                full,
                pos,
                "wildcards are allowed only in the middle or at the end of a search term",
            ),
        ));
    }
    let literal = chars
        .iter()
        .filter(|c| matches!(c, Ch::Lit(l) if !l.is_whitespace()))
        .count();
    if literal < 2 {
        return Err(ApiError::bad_request(
            "INVALID_SEARCH",
            format!(
                "search term must be longer than one character: {}",
                Expr::text(chars).trim()
            ),
        ));
    }
    Ok(())
}

/// Finds the closing brace of `FIND {`, honouring backslash escapes.
fn closing_brace(src: &str, open: usize) -> Option<usize> {
    let b = src.as_bytes();
    let mut i = open + 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'}' => return Some(i),
            _ => i += 1,
        }
    }
    None
}

pub fn parse(src: &str, user: &User) -> Result<Search, ApiError> {
    let trimmed = src.trim_start();
    let lead = src.len() - trimmed.len();
    let no_braces = || {
        ApiError::bad_request(
            "MALFORMED_SEARCH",
            "No search term found. The search term must be enclosed in braces.",
        )
    };
    if !trimmed
        .get(..4)
        .is_some_and(|f| f.eq_ignore_ascii_case("FIND"))
    {
        return Err(no_braces());
    }
    let after_find = lead + 4;
    let open = after_find
        + src[after_find..]
            .find(|c: char| !c.is_whitespace())
            .ok_or_else(no_braces)?;
    if src.as_bytes()[open] != b'{' {
        return Err(no_braces());
    }
    let close = closing_brace(src, open).ok_or_else(no_braces)?;
    let expr = parse_expr(src, &src[open + 1..close], open + 1)?;
    let rest = &src[close + 1..];
    let toks = soql::lex(rest, close + 1, "MALFORMED_SEARCH")?;
    let mut p = Parser::new(src, toks, user, "MALFORMED_SEARCH");
    let mut search = Search {
        expr,
        scope: Scope::All,
        returning: None,
        limit: None,
    };
    if p.eat_kw("IN") {
        let (word, _) = p.ident()?;
        search.scope = match word.to_ascii_uppercase().as_str() {
            "ALL" | "SIDEBAR" => Scope::All,
            "NAME" => Scope::Name,
            "EMAIL" => Scope::Email,
            "PHONE" => Scope::Phone,
            _ => {
                p.i -= 1;
                return Err(p.unexpected());
            }
        };
        p.expect_kw("FIELDS")?;
    }
    if p.eat_kw("RETURNING") {
        let mut list: Vec<Selection> = Vec::new();
        loop {
            let pos = p.pos();
            let (object, fields) = p.object()?;
            if list.iter().any(|s| s.object == object) {
                return Err(ApiError::bad_request(
                    "MALFORMED_SEARCH",
                    located(src, pos, &format!("duplicate entity: {object}")),
                ));
            }
            let mut sel = Selection::all_of(object);
            if p.eat_sym("(") {
                // WHERE/ORDER BY/LIMIT need at least one field before them.
                if p.is_kw("WHERE") || p.is_kw("ORDER") || p.is_kw("LIMIT") || p.is_kw("OFFSET") {
                    return Err(p.unexpected());
                }
                for (name, fpos) in p.raw_field_list()? {
                    sel.fields.push(p.resolve(object, fields, &name, fpos)?);
                }
                p.clauses(object, fields, &mut sel)?;
                p.expect_sym(")")?;
            }
            list.push(sel);
            if !p.eat_sym(",") {
                break;
            }
        }
        search.returning = Some(list);
    }
    if p.eat_kw("WITH") {
        // WITH clauses (DATA CATEGORY, METADATA, ...) are accepted and ignored.
        while p.peek().is_some() && !p.is_kw("LIMIT") {
            p.i += 1;
        }
    }
    if p.eat_kw("LIMIT") {
        search.limit = Some(p.count()?.min(MAX_LIMIT));
    }
    if p.peek().is_some() {
        return Err(p.unexpected());
    }
    Ok(search)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(e: &Expr) -> Vec<String> {
        match e {
            Expr::Term { chars, .. } => vec![Expr::text(chars)],
            Expr::And(a, b) | Expr::Or(a, b) | Expr::AndNot(a, b) => [terms(a), terms(b)].concat(),
            Expr::NoRows => Vec::new(),
        }
    }

    fn expr(q: &str) -> Result<Expr, ApiError> {
        parse(q, &User::default()).map(|s| s.expr)
    }

    #[test]
    fn escapes_phrases_and_operators() {
        let e = expr(r#"FIND {\{1\+1\}\:2}"#).expect("valid");
        assert_eq!(terms(&e), ["{1+1}:2"]);
        let e = expr(r#"FIND {"Acme \- Corp" OR jane AND NOT doe}"#).expect("valid");
        assert_eq!(terms(&e), ["Acme - Corp", "jane", "doe"]);
        assert!(matches!(e, Expr::Or(_, _)));
        let e = expr("FIND {jane doe}").expect("valid");
        assert!(matches!(e, Expr::And(_, _)));
        let e = expr(r"FIND {jane\+vip@example.com} IN EMAIL FIELDS").expect("valid");
        assert_eq!(terms(&e), ["jane+vip@example.com"]);
    }

    #[test]
    fn unescaped_reserved_characters_are_rejected_like_salesforce() {
        for q in [
            "FIND {a|b}",
            "FIND {+14155551212}",
            "FIND {jane+vip@x.com}",
            r#"FIND {"a-b"}"#,
            "FIND {ab:cd}",
            "FIND {ab\\x}",
        ] {
            let e = expr(q).unwrap_err();
            assert_eq!((e.status, e.code), (400, "MALFORMED_SEARCH"), "{q}");
            assert!(
                e.message.contains("ERROR at Row:1:Column:")
                    && e.message.contains("mismatched character"),
                "{}",
                e.message
            );
        }
    }

    #[test]
    fn one_character_terms_and_missing_braces() {
        let e = expr("FIND {a}").unwrap_err();
        assert_eq!(
            (e.code, e.message.as_str()),
            (
                "INVALID_SEARCH",
                "search term must be longer than one character: a"
            )
        );
        let e = expr("FIND Acme").unwrap_err();
        assert_eq!(
            e.message,
            "No search term found. The search term must be enclosed in braces."
        );
        assert_eq!(expr("FIND {}").unwrap_err().code, "MALFORMED_SEARCH");
        assert_eq!(expr("FIND {*cme}").unwrap_err().code, "INVALID_SEARCH");
    }

    #[test]
    fn returning_clauses_and_scopes() {
        let s = parse(
            "FIND {4155551212} IN PHONE FIELDS RETURNING Account(Id, Name, Phone), Contact(Id, Name, Account.Name WHERE Email != null ORDER BY Name LIMIT 5), Lead LIMIT 10",
            &User::default(),
        )
        .expect("valid");
        assert_eq!(s.scope, Scope::Phone);
        let r = s.returning.expect("returning");
        assert_eq!(
            r.iter().map(|s| s.object).collect::<Vec<_>>(),
            ["Account", "Contact", "Lead"]
        );
        assert_eq!(r[1].limit, Some(5));
        assert_eq!(s.limit, Some(10));
        assert!(parse("FIND {ab} RETURNING Account(LIMIT 10)", &User::default()).is_err());
        assert_eq!(
            parse("FIND {ab} RETURNING Foo(Id)", &User::default())
                .unwrap_err()
                .code,
            "INVALID_TYPE"
        );
        assert_eq!(
            parse("FIND {ab} RETURNING Account(Bar)", &User::default())
                .unwrap_err()
                .code,
            "INVALID_FIELD"
        );
        assert!(parse("FIND {ab} IN Accounts", &User::default()).is_err());
    }

    #[test]
    fn documented_length_limits_of_the_search_query() {
        // Up to 4,000 characters operators count; beyond, terms are ORed.
        let pad = |n: usize| vec!["ab"; n].join(" OR ");
        let e = expr(&format!("FIND {{jane AND doe OR {}}}", pad(100))).expect("valid");
        assert!(matches!(e, Expr::Or(_, _)));
        let long = format!("FIND {{jane AND doe OR {}}}", pad(1000));
        assert!(long.len() > MAX_OPERATOR_CHARS + 6);
        let e = expr(&long).expect("valid");
        let mut ands = 0;
        let mut stack = vec![&e];
        while let Some(x) = stack.pop() {
            match x {
                Expr::And(..) | Expr::AndNot(..) => ands += 1,
                Expr::Or(a, b) => {
                    stack.push(a);
                    stack.push(b);
                }
                _ => {}
            }
        }
        assert_eq!(ands, 0);
        assert_eq!(terms(&e).len(), 1002);
        // Beyond 10,000 characters: no rows, whatever the terms.
        let e = expr(&format!("FIND {{{}}}", pad(2000))).expect("valid");
        assert_eq!(e, Expr::NoRows);
        // Deep parentheses are refused, not a stack overflow.
        let deep = format!("FIND {{{}ab{}}}", "(".repeat(3000), ")".repeat(3000));
        assert_eq!(expr(&deep).unwrap_err().code, "MALFORMED_SEARCH");
    }
}
