//! The emulator's own SOSL: `FIND {query} [IN ... FIELDS] [RETURNING ...] [LIMIT n]`.
//!
//! Inside the braces: terms and "quoted phrases", `AND`, `OR`, `AND NOT`,
//! parentheses, `*` and `?` wildcards (not at the start of a term), and backslash
//! escapes. Each of `? & | ! { } [ ] ( ) ^ ~ * : \ " ' + -` must be escaped to be
//! taken literally, inside phrases too; an unescaped one that is not syntax is an
//! error, and so is a term of one character (see emulator/README.md).

use crate::org::{Org, Record, User, digits};
use crate::query_error::{ApiError, located};
use crate::schema::{self, FieldType};
use crate::soql::{self, FieldPath, Parser, Selection};

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
}

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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    All,
    Name,
    Email,
    Phone,
}

#[derive(Debug, Clone)]
pub struct Search {
    pub expr: Expr,
    pub scope: Scope,
    /// Per object; `None` means "no RETURNING": Ids of every searchable object.
    pub returning: Option<Vec<Selection>>,
    pub limit: Option<usize>,
}

pub const MAX_LIMIT: usize = 2000;

/// Parses the search text inside the braces. `base` is its offset in `full`.
pub fn parse_expr(full: &str, text: &str, base: usize) -> Result<Expr, ApiError> {
    let mut p = ExprParser {
        full,
        s: text,
        chars: text.char_indices().collect(),
        i: 0,
        base,
    };
    p.skip_ws();
    if p.i >= p.chars.len() {
        return Err(ApiError::bad_request(
            "MALFORMED_SEARCH",
            "No search term found. The search term must be enclosed in braces.",
        ));
    }
    let e = p.or()?;
    p.skip_ws();
    if p.i < p.chars.len() {
        return Err(p.mismatch());
    }
    Ok(e)
}

struct ExprParser<'a> {
    full: &'a str,
    s: &'a str,
    chars: Vec<(usize, char)>,
    i: usize,
    base: usize,
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
                self.i += 1;
                let e = self.or()?;
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

/// Does `pattern` (with wildcards) match `text` exactly?
fn glob(pattern: &[Ch], text: &[char]) -> bool {
    crate::glob::matches(pattern, text, |c| match c {
        Ch::Lit(l) => crate::glob::Piece::Char(*l),
        Ch::AnyOne => crate::glob::Piece::AnyOne,
        Ch::AnyMany => crate::glob::Piece::AnyMany,
    })
}

fn lower(chars: &[Ch]) -> Vec<Ch> {
    chars
        .iter()
        .map(|c| match c {
            Ch::Lit(l) => Ch::Lit(l.to_lowercase().next().unwrap_or(*l)),
            o => *o,
        })
        .collect()
}

/// The phone rule (emulator/README.md): digit-only forms are equal, or equal once
/// the leading 1 of an 11-digit NANP number is dropped; partial matches only with `*`.
pub fn phone_matches(term: &[Ch], stored_digits: &str) -> bool {
    let pattern: Vec<Ch> = term
        .iter()
        .copied()
        .filter(|c| !matches!(c, Ch::Lit(l) if !l.is_ascii_digit()))
        .collect();
    if !pattern.iter().any(|c| matches!(c, Ch::Lit(_))) {
        return false;
    }
    let stored: Vec<char> = stored_digits.chars().collect();
    if glob(&pattern, &stored) {
        return true;
    }
    if stored.len() == 11 && stored[0] == '1' && glob(&pattern, &stored[1..]) {
        return true;
    }
    let plain: Option<String> = pattern
        .iter()
        .map(|c| match c {
            Ch::Lit(l) => Some(*l),
            _ => None,
        })
        .collect();
    matches!(plain, Some(p) if p.len() == 11 && p.starts_with('1') && p[1..] == *stored_digits)
}

fn tokens(text: &str) -> Vec<Vec<char>> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(|t| t.to_lowercase().chars().collect())
        .collect()
}

/// Splits a term or phrase into word tokens (wildcards stay inside their token).
fn term_tokens(chars: &[Ch]) -> Vec<Vec<Ch>> {
    let mut out = vec![Vec::new()];
    for c in lower(chars) {
        match c {
            Ch::Lit(l) if !l.is_alphanumeric() => out.push(Vec::new()),
            other => out.last_mut().map(|t| t.push(other)).unwrap_or(()),
        }
    }
    out.into_iter().filter(|t| !t.is_empty()).collect()
}

fn text_matches(term: &[Vec<Ch>], text: &str) -> bool {
    let toks = tokens(text);
    !term.is_empty()
        && toks
            .windows(term.len())
            .any(|w| w.iter().zip(term).all(|(t, p)| glob(p, t)))
}

/// A term prepared once per search, so matching a record allocates nothing on the
/// phone path (the hot one: a screen pop per call).
struct CompiledTerm {
    lowered: Vec<Ch>,
    /// Digits without wildcards, for the common exact phone match.
    phone_exact: Option<String>,
    /// Digits with wildcards kept.
    phone_glob: Vec<Ch>,
    has_digits: bool,
    words: Vec<Vec<Ch>>,
    /// Lower-case text when there are no wildcards (exact email match).
    plain_lower: Option<String>,
}

enum Compiled {
    Term(CompiledTerm),
    And(Box<Compiled>, Box<Compiled>),
    Or(Box<Compiled>, Box<Compiled>),
    AndNot(Box<Compiled>, Box<Compiled>),
}

fn compile(e: &Expr) -> Compiled {
    match e {
        Expr::Term { chars, .. } => {
            let phone_glob: Vec<Ch> = chars
                .iter()
                .copied()
                .filter(|c| !matches!(c, Ch::Lit(l) if !l.is_ascii_digit()))
                .collect();
            let phone_exact: Option<String> = phone_glob
                .iter()
                .map(|c| match c {
                    Ch::Lit(l) => Some(*l),
                    _ => None,
                })
                .collect();
            let lowered = lower(chars);
            let plain_lower: Option<String> = lowered
                .iter()
                .map(|c| match c {
                    Ch::Lit(l) => Some(*l),
                    _ => None,
                })
                .collect();
            Compiled::Term(CompiledTerm {
                has_digits: phone_glob.iter().any(|c| matches!(c, Ch::Lit(_))),
                phone_exact,
                phone_glob,
                words: term_tokens(chars),
                lowered,
                plain_lower,
            })
        }
        Expr::And(a, b) => Compiled::And(Box::new(compile(a)), Box::new(compile(b))),
        Expr::Or(a, b) => Compiled::Or(Box::new(compile(a)), Box::new(compile(b))),
        Expr::AndNot(a, b) => Compiled::AndNot(Box::new(compile(a)), Box::new(compile(b))),
    }
}

impl CompiledTerm {
    fn phone(&self, stored: &str) -> bool {
        if !self.has_digits {
            return false;
        }
        match &self.phone_exact {
            Some(d) => {
                let nanp = |long: &str, short: &str| {
                    long.len() == 11 && long.starts_with('1') && &long[1..] == short
                };
                d == stored || nanp(stored, d) || nanp(d, stored)
            }
            None => phone_matches(&self.phone_glob, stored),
        }
    }

    fn email(&self, value: &str) -> bool {
        match &self.plain_lower {
            Some(p) => value.to_lowercase() == *p,
            None => glob(
                &self.lowered,
                &value.to_lowercase().chars().collect::<Vec<_>>(),
            ),
        }
    }
}

/// The fields of one object a search looks at, resolved once.
struct Scoped<'a> {
    object: &'static str,
    emails: Vec<&'static str>,
    texts: Vec<&'static str>,
    user: &'a User,
    scope: Scope,
}

impl<'a> Scoped<'a> {
    fn new(object: &'static str, scope: Scope, user: &'a User) -> Self {
        let fields = schema::object(object).map(|(_, f)| f).unwrap_or(&[]);
        let visible = |f: &&schema::Field| user.can_see(object, f.name);
        Scoped {
            object,
            emails: fields
                .iter()
                .filter(visible)
                .filter(|f| f.kind == FieldType::Email)
                .map(|f| f.name)
                .collect(),
            texts: fields
                .iter()
                .filter(visible)
                .filter(|f| match scope {
                    Scope::Name => f.name_field,
                    _ => f.kind.is_text(),
                })
                .map(|f| f.name)
                .collect(),
            user,
            scope,
        }
    }

    fn term(&self, rec: &Record, t: &CompiledTerm) -> bool {
        let phone = || {
            rec.phone_digits
                .iter()
                .any(|(f, d)| t.phone(d) && self.user.can_see(self.object, f))
        };
        let email = || {
            self.emails
                .iter()
                .any(|f| rec.get(f).as_str().is_some_and(|v| t.email(v)))
        };
        let words = || {
            self.texts.iter().any(|f| {
                rec.get(f)
                    .as_str()
                    .is_some_and(|v| text_matches(&t.words, v))
            })
        };
        match self.scope {
            Scope::Phone => phone(),
            Scope::Email => email(),
            Scope::Name => words(),
            Scope::All => phone() || email() || words(),
        }
    }

    fn matches(&self, rec: &Record, e: &Compiled) -> bool {
        match e {
            Compiled::Term(t) => self.term(rec, t),
            Compiled::And(a, b) => self.matches(rec, a) && self.matches(rec, b),
            Compiled::Or(a, b) => self.matches(rec, a) || self.matches(rec, b),
            Compiled::AndNot(a, b) => self.matches(rec, a) && !self.matches(rec, b),
        }
    }
}

/// Runs a search: per object in RETURNING order, the matching records rendered
/// with their selected fields (Id alone when none were given).
pub fn execute(org: &Org, search: &Search, user: &User, version: &str) -> Vec<serde_json::Value> {
    let id_only = |object: &'static str| {
        let fields = schema::object(object).map(|(_, f)| f).unwrap_or(&[]);
        Selection {
            fields: vec![FieldPath {
                relationship: None,
                field: &fields[0],
            }],
            ..Selection::all_of(object)
        }
    };
    let selections: Vec<Selection> = match &search.returning {
        Some(list) => list
            .iter()
            .map(|s| {
                if s.fields.is_empty() {
                    Selection {
                        limit: s.limit,
                        ..id_only(s.object)
                    }
                } else {
                    s.clone()
                }
            })
            .collect(),
        None => schema::SEARCHABLE.iter().map(|o| id_only(o)).collect(),
    };
    let overall = search.limit.unwrap_or(MAX_LIMIT);
    let n = selections.len().max(1);
    let compiled = compile(&search.expr);
    let mut out = Vec::new();
    for (i, sel) in selections.iter().enumerate() {
        // An overall LIMIT is spread evenly; earlier objects get the remainder.
        let share = if search.limit.is_some() {
            overall / n + usize::from(i < overall % n)
        } else {
            MAX_LIMIT
        };
        let scoped = Scoped::new(sel.object, search.scope, user);
        let candidates = org
            .records(sel.object)
            .iter()
            .filter(|r| scoped.matches(r, &compiled));
        let rows = crate::eval::select(org, sel, candidates);
        for r in rows.into_iter().take(share) {
            out.push(crate::eval::render(
                org,
                sel.object,
                r,
                &sel.fields,
                version,
            ));
        }
    }
    out.truncate(overall);
    out
}

/// Digits of a stored phone value (re-exported for tests).
pub fn stored_digits(s: &str) -> String {
    digits(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(e: &Expr) -> Vec<String> {
        match e {
            Expr::Term { chars, .. } => vec![Expr::text(chars)],
            Expr::And(a, b) | Expr::Or(a, b) | Expr::AndNot(a, b) => [terms(a), terms(b)].concat(),
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
    fn phone_rule() {
        let t = |s: &str| {
            s.chars()
                .map(|c| if c == '*' { Ch::AnyMany } else { Ch::Lit(c) })
                .collect::<Vec<_>>()
        };
        assert!(phone_matches(
            &t("4155551212"),
            &stored_digits("(415) 555-1212")
        ));
        assert!(phone_matches(
            &t("4155551212"),
            &stored_digits("+1 415 555 1212")
        ));
        assert!(phone_matches(
            &t("14155551212"),
            &stored_digits("(415) 555-1212")
        ));
        assert!(!phone_matches(
            &t("5551212"),
            &stored_digits("(415) 555-1212")
        ));
        assert!(phone_matches(
            &t("415555*"),
            &stored_digits("(415) 555-1212")
        ));
        assert!(phone_matches(
            &t("+31201234567"),
            &stored_digits("+31 20 123 4567")
        ));
        assert!(!phone_matches(
            &t("31201234567"),
            &stored_digits("020-1234567")
        ));
        assert!(!phone_matches(&t("jane"), "123"));
    }
}
