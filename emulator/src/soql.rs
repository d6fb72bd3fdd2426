//! The emulator's own SOQL subset: lexer, parser and the pieces SOSL's RETURNING
//! clause shares (field lists, WHERE, ORDER BY, LIMIT, OFFSET).
//!
//! Grammar: `SELECT field, Parent.field, ... FROM Object [WHERE cond] [ORDER BY
//! field [ASC|DESC] [NULLS FIRST|LAST], ...] [LIMIT n] [OFFSET n]`, where `cond` has
//! `=`, `!=`, `<>`, `<`, `<=`, `>`, `>=`, `IN (...)`, `NOT IN (...)`, `LIKE`, `AND`,
//! `OR`, `NOT` and parentheses; literals are quoted strings, numbers, `true`,
//! `false`, `null`, dates and date-times.

use crate::org::User;
use crate::query_error::{ApiError, located, no_such_column, not_supported_type};
use crate::schema::{self, Field, FieldType};

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

/// A field as selected or filtered: `Name` or `Account.Name`.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldPath {
    /// Relationship name, for parent fields.
    pub relationship: Option<(&'static str, &'static str, &'static str)>, // (rel name, fk field, parent object)
    pub field: &'static Field,
}

impl FieldPath {
    pub fn display(&self) -> String {
        match self.relationship {
            Some((rel, ..)) => format!("{rel}.{}", self.field.name),
            None => self.field.name.to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Str(String),
    Num(f64),
    Bool(bool),
    Null,
    /// `YYYY-MM-DD`.
    Date(String),
    /// Normalised to `YYYY-MM-DDTHH:MM:SS` in UTC.
    DateTime(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// One piece of a LIKE pattern.
#[derive(Debug, Clone, PartialEq)]
pub enum LikeTok {
    Char(char),
    AnyOne,
    AnyMany,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    And(Box<Cond>, Box<Cond>),
    Or(Box<Cond>, Box<Cond>),
    Not(Box<Cond>),
    Cmp(FieldPath, Op, Literal),
    In(FieldPath, bool, Vec<Literal>),
    Like(FieldPath, Vec<LikeTok>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct OrderBy {
    pub field: FieldPath,
    pub desc: bool,
    pub nulls_last: bool,
}

/// Field list, filter, order and window over one object.
#[derive(Debug, Clone, PartialEq)]
pub struct Selection {
    pub object: &'static str,
    pub fields: Vec<FieldPath>,
    pub filter: Option<Cond>,
    pub order: Vec<OrderBy>,
    pub limit: Option<usize>,
    pub offset: Option<usize>,
}

impl Selection {
    /// No fields, no filter, no order, no window yet.
    pub fn all_of(object: &'static str) -> Self {
        Selection {
            object,
            fields: Vec::new(),
            filter: None,
            order: Vec::new(),
            limit: None,
            offset: None,
        }
    }
}

/// A parser over tokens, resolving names against the schema as the user sees it.
pub struct Parser<'a> {
    pub src: &'a str,
    pub toks: Vec<Token>,
    pub i: usize,
    pub user: &'a User,
    pub code: &'static str,
}

impl<'a> Parser<'a> {
    pub fn new(src: &'a str, toks: Vec<Token>, user: &'a User, code: &'static str) -> Self {
        Parser {
            src,
            toks,
            i: 0,
            user,
            code,
        }
    }

    pub fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.i).map(|t| &t.tok)
    }

    pub fn pos(&self) -> usize {
        self.toks
            .get(self.i)
            .map(|t| t.pos)
            .unwrap_or(self.src.len())
    }

    pub fn error_here(&self, detail: &str) -> ApiError {
        ApiError::bad_request(self.code, located(self.src, self.pos(), detail))
    }

    pub fn unexpected(&self) -> ApiError {
        let shown = match self.peek() {
            None => "<EOF>".to_string(),
            Some(Tok::Ident(s)) | Some(Tok::Num(s)) => s.clone(),
            Some(Tok::Str(s)) => format!("'{s}'"),
            Some(Tok::Sym(s)) => s.to_string(),
        };
        self.error_here(&format!("unexpected token: {shown}"))
    }

    pub fn is_kw(&self, kw: &str) -> bool {
        matches!(self.peek(), Some(Tok::Ident(s)) if s.eq_ignore_ascii_case(kw))
    }

    pub fn eat_kw(&mut self, kw: &str) -> bool {
        if self.is_kw(kw) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    pub fn expect_kw(&mut self, kw: &str) -> Result<(), ApiError> {
        if self.eat_kw(kw) {
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    pub fn eat_sym(&mut self, sym: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Sym(s)) if *s == sym) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    pub fn expect_sym(&mut self, sym: &str) -> Result<(), ApiError> {
        if self.eat_sym(sym) {
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    pub fn ident(&mut self) -> Result<(String, usize), ApiError> {
        match self.peek() {
            Some(Tok::Ident(s)) => {
                let r = (s.clone(), self.pos());
                self.i += 1;
                Ok(r)
            }
            _ => Err(self.unexpected()),
        }
    }

    pub fn object(&mut self) -> Result<(&'static str, &'static [Field]), ApiError> {
        let (name, pos) = self.ident()?;
        match schema::object(&name).filter(|(n, _)| *n != "User") {
            Some(o) => Ok(o),
            None => Err(ApiError::bad_request(
                "INVALID_TYPE",
                located(self.src, pos, &not_supported_type(&name)),
            )),
        }
    }

    /// Resolves `Name` or `Rel.Name` on `object`, hiding fields the user can't see.
    pub fn resolve(
        &self,
        object: &'static str,
        fields: &'static [Field],
        name: &str,
        pos: usize,
    ) -> Result<FieldPath, ApiError> {
        let invalid = |n: &str, o: &str| {
            ApiError::bad_request(
                "INVALID_FIELD",
                located(self.src, pos, &no_such_column(n, o)),
            )
        };
        match name.split_once('.') {
            None => {
                let f = schema::field(fields, name)
                    .filter(|f| self.user.can_see(object, f.name))
                    .ok_or_else(|| invalid(name, object))?;
                Ok(FieldPath {
                    relationship: None,
                    field: f,
                })
            }
            Some((rel, rest)) => {
                let fk = fields
                    .iter()
                    .find(|f| f.reference.is_some_and(|(_, r)| r.eq_ignore_ascii_case(rel)))
                    .ok_or_else(|| {
                        ApiError::bad_request(
                            "INVALID_FIELD",
                            located(
                                self.src,
                                pos,
                                &format!("Didn't understand relationship '{rel}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names."),
                            ),
                        )
                    })?;
                let (parent, rel_name) = fk.reference.unwrap_or(("", ""));
                let (parent, pfields) =
                    schema::object(parent).ok_or_else(|| invalid(name, object))?;
                if rest.contains('.') {
                    return Err(invalid(name, object));
                }
                let f = schema::field(pfields, rest)
                    .filter(|f| self.user.can_see(parent, f.name))
                    .ok_or_else(|| invalid(rest, parent))?;
                Ok(FieldPath {
                    relationship: Some((rel_name, fk.name, parent)),
                    field: f,
                })
            }
        }
    }

    /// `field, field, ...` (names resolved later, once the object is known).
    pub fn raw_field_list(&mut self) -> Result<Vec<(String, usize)>, ApiError> {
        let mut out = vec![self.ident()?];
        while self.eat_sym(",") {
            out.push(self.ident()?);
        }
        Ok(out)
    }

    /// WHERE, ORDER BY, LIMIT and OFFSET, each optional, in that order.
    pub fn clauses(
        &mut self,
        object: &'static str,
        fields: &'static [Field],
        sel: &mut Selection,
    ) -> Result<(), ApiError> {
        if self.eat_kw("WHERE") {
            sel.filter = Some(self.or(object, fields)?);
        }
        if self.eat_kw("ORDER") {
            self.expect_kw("BY")?;
            loop {
                let (name, pos) = self.ident()?;
                let field = self.resolve(object, fields, &name, pos)?;
                let desc = if self.eat_kw("DESC") {
                    true
                } else {
                    self.eat_kw("ASC");
                    false
                };
                let mut nulls_last = desc;
                if self.eat_kw("NULLS") {
                    nulls_last = if self.eat_kw("LAST") {
                        true
                    } else {
                        self.expect_kw("FIRST")?;
                        false
                    };
                }
                sel.order.push(OrderBy {
                    field,
                    desc,
                    nulls_last,
                });
                if !self.eat_sym(",") {
                    break;
                }
            }
        }
        if self.eat_kw("LIMIT") {
            sel.limit = Some(self.count()?);
        }
        if self.eat_kw("OFFSET") {
            let n = self.count()?;
            if n > 2000 {
                return Err(ApiError::bad_request(
                    "NUMBER_OUTSIDE_VALID_RANGE",
                    "Maximum SOQL offset allowed is 2000",
                ));
            }
            sel.offset = Some(n);
        }
        Ok(())
    }

    pub fn count(&mut self) -> Result<usize, ApiError> {
        match self.peek() {
            Some(Tok::Num(n)) => {
                let v = n.parse::<usize>().map_err(|_| self.unexpected())?;
                self.i += 1;
                Ok(v)
            }
            _ => Err(self.unexpected()),
        }
    }

    /// A condition on its own (parameterized search's `where`).
    pub fn condition(&mut self, o: &'static str, f: &'static [Field]) -> Result<Cond, ApiError> {
        self.or(o, f)
    }

    fn or(&mut self, o: &'static str, f: &'static [Field]) -> Result<Cond, ApiError> {
        let mut left = self.and(o, f)?;
        while self.eat_kw("OR") {
            let right = self.and(o, f)?;
            left = Cond::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self, o: &'static str, f: &'static [Field]) -> Result<Cond, ApiError> {
        let mut left = self.not(o, f)?;
        while self.eat_kw("AND") {
            let right = self.not(o, f)?;
            left = Cond::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn not(&mut self, o: &'static str, f: &'static [Field]) -> Result<Cond, ApiError> {
        if self.eat_kw("NOT") {
            return Ok(Cond::Not(Box::new(self.not(o, f)?)));
        }
        if self.eat_sym("(") {
            let c = self.or(o, f)?;
            self.expect_sym(")")?;
            return Ok(c);
        }
        self.comparison(o, f)
    }

    fn comparison(&mut self, o: &'static str, f: &'static [Field]) -> Result<Cond, ApiError> {
        let (name, pos) = self.ident()?;
        let field = self.resolve(o, f, &name, pos)?;
        if self.eat_kw("LIKE") {
            let lpos = self.pos();
            let raw = match self.peek() {
                Some(Tok::Str(s)) => s.clone(),
                _ => return Err(self.unexpected()),
            };
            self.i += 1;
            let pattern = decode_like(&raw)
                .map_err(|d| ApiError::bad_request(self.code, located(self.src, lpos, &d)))?;
            return Ok(Cond::Like(field, pattern));
        }
        let negated_in = if self.is_kw("NOT")
            && matches!(self.toks.get(self.i + 1).map(|t| &t.tok), Some(Tok::Ident(s)) if s.eq_ignore_ascii_case("IN"))
        {
            self.i += 1;
            true
        } else {
            false
        };
        if self.eat_kw("IN") {
            self.expect_sym("(")?;
            let mut values = vec![self.literal(&field)?];
            while self.eat_sym(",") {
                values.push(self.literal(&field)?);
            }
            self.expect_sym(")")?;
            return Ok(Cond::In(field, negated_in, values));
        }
        let op = match self.peek() {
            Some(Tok::Sym("=")) => Op::Eq,
            Some(Tok::Sym("!=")) | Some(Tok::Sym("<>")) => Op::Ne,
            Some(Tok::Sym("<")) => Op::Lt,
            Some(Tok::Sym("<=")) => Op::Le,
            Some(Tok::Sym(">")) => Op::Gt,
            Some(Tok::Sym(">=")) => Op::Ge,
            _ => return Err(self.unexpected()),
        };
        self.i += 1;
        let value = self.literal(&field)?;
        Ok(Cond::Cmp(field, op, value))
    }

    /// A literal, checked against the field's type as Salesforce does.
    fn literal(&mut self, field: &FieldPath) -> Result<Literal, ApiError> {
        let pos = self.pos();
        let kind = field.field.kind;
        let lit = match self.peek().cloned() {
            Some(Tok::Str(raw)) => Literal::Str(
                decode_literal(&raw)
                    .map_err(|d| ApiError::bad_request(self.code, located(self.src, pos, &d)))?,
            ),
            Some(Tok::Ident(s)) if s.eq_ignore_ascii_case("null") => Literal::Null,
            Some(Tok::Ident(s)) if s.eq_ignore_ascii_case("true") => Literal::Bool(true),
            Some(Tok::Ident(s)) if s.eq_ignore_ascii_case("false") => Literal::Bool(false),
            Some(Tok::Num(n)) => parse_num_or_date(&n).ok_or_else(|| self.unexpected())?,
            _ => return Err(self.unexpected()),
        };
        self.i += 1;
        let ok = match (&lit, kind) {
            (Literal::Null, _) => true,
            (Literal::Bool(_), FieldType::Boolean) => true,
            (Literal::Str(_), k) => !matches!(
                k,
                FieldType::Boolean | FieldType::Int | FieldType::Date | FieldType::DateTime
            ),
            (Literal::Num(_), FieldType::Int) => true,
            (Literal::Date(_), FieldType::Date) => true,
            (Literal::DateTime(_), FieldType::DateTime) => true,
            _ => false,
        };
        if !ok {
            let detail = match kind {
                FieldType::Boolean => format!(
                    "value of filter criterion for field '{}' must be of type boolean and should not be enclosed in quotes",
                    field.field.name
                ),
                FieldType::DateTime => format!(
                    "value of filter criterion for field '{}' must be of type dateTime and should not be enclosed in quotes",
                    field.field.name
                ),
                FieldType::Date => format!(
                    "value of filter criterion for field '{}' must be of type date and should not be enclosed in quotes",
                    field.field.name
                ),
                FieldType::Int => format!(
                    "value of filter criterion for field '{}' must be of type double and should not be enclosed in quotes",
                    field.field.name
                ),
                _ => format!(
                    "value of filter criterion for field '{}' must be of type string and should be enclosed in quotes",
                    field.field.name
                ),
            };
            return Err(ApiError::bad_request(
                "INVALID_FIELD",
                located(self.src, pos, &detail),
            ));
        }
        Ok(lit)
    }
}

fn parse_num_or_date(s: &str) -> Option<Literal> {
    let b = s.as_bytes();
    let is_date =
        b.len() >= 10 && b[4] == b'-' && b[7] == b'-' && b[..4].iter().all(u8::is_ascii_digit);
    if is_date && b.len() == 10 {
        return Some(Literal::Date(s.to_string()));
    }
    if is_date && b.len() >= 20 && b[10] == b'T' {
        // 2026-01-01T00:00:00Z, ...+01:00, with optional fraction; kept as UTC text.
        let core = &s[..19];
        let tz = s[19..].trim_start_matches(|c: char| c == '.' || c.is_ascii_digit());
        if tz == "Z" || tz == "+00:00" || tz == "-00:00" {
            return Some(Literal::DateTime(core.to_string()));
        }
        if tz.len() == 6 && (tz.starts_with('+') || tz.starts_with('-')) {
            return Some(Literal::DateTime(shift_utc(core, tz)?));
        }
        return None;
    }
    s.parse::<f64>().ok().map(Literal::Num)
}

/// Converts a local `YYYY-MM-DDTHH:MM:SS` with offset `+HH:MM` to UTC text.
fn shift_utc(core: &str, tz: &str) -> Option<String> {
    let num = |r: std::ops::Range<usize>, s: &str| s.get(r)?.parse::<i64>().ok();
    let (y, mo, d) = (num(0..4, core)?, num(5..7, core)?, num(8..10, core)?);
    let (h, mi, se) = (num(11..13, core)?, num(14..16, core)?, num(17..19, core)?);
    let sign = if tz.starts_with('-') { -1 } else { 1 };
    let off = sign * (num(1..3, tz)? * 60 + num(4..6, tz)?);
    let days = days_from_civil(y, mo, d);
    let total = days * 1440 + h * 60 + mi - off;
    let (dd, m) = (total.div_euclid(1440), total.rem_euclid(1440));
    let (y, mo, d) = civil_from_days(dd);
    Some(format!(
        "{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{se:02}",
        m / 60,
        m % 60
    ))
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn escape_char(c: char) -> Option<char> {
    Some(match c {
        'n' | 'N' => '\n',
        'r' | 'R' => '\r',
        't' | 'T' => '\t',
        'b' | 'B' => '\u{8}',
        'f' | 'F' => '\u{c}',
        '"' => '"',
        '\'' => '\'',
        '\\' => '\\',
        _ => return None,
    })
}

fn decode(raw: &str, like: bool) -> Result<Vec<LikeTok>, String> {
    let mut out = Vec::new();
    let mut chars = raw.chars();
    let bad = |seq: &str| {
        format!(
            "Invalid string literal '{raw}'. Illegal character sequence '\\{seq}' in string literal."
        )
    };
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let n = chars.next().ok_or_else(|| bad(""))?;
                if let Some(e) = escape_char(n) {
                    out.push(LikeTok::Char(e));
                } else if n == 'u' {
                    let hex: String = chars.by_ref().take(4).collect();
                    let cp = u32::from_str_radix(&hex, 16)
                        .ok()
                        .filter(|_| hex.len() == 4)
                        .ok_or_else(|| bad(&format!("u{hex}")))?;
                    out.push(LikeTok::Char(
                        char::from_u32(cp).ok_or_else(|| bad(&format!("u{hex}")))?,
                    ));
                } else if like && (n == '_' || n == '%') {
                    out.push(LikeTok::Char(n));
                } else {
                    return Err(bad(&n.to_string()));
                }
            }
            '%' if like => out.push(LikeTok::AnyMany),
            '_' if like => out.push(LikeTok::AnyOne),
            c => out.push(LikeTok::Char(c)),
        }
    }
    Ok(out)
}

/// Decodes a quoted literal (not a LIKE pattern): `\%` and `\_` are errors here.
pub fn decode_literal(raw: &str) -> Result<String, String> {
    decode(raw, false).map(|toks| {
        toks.into_iter()
            .map(|t| match t {
                LikeTok::Char(c) => c,
                _ => '?',
            })
            .collect()
    })
}

pub fn decode_like(raw: &str) -> Result<Vec<LikeTok>, String> {
    decode(raw, true)
}

/// A whole SOQL query.
pub fn parse_query(src: &str, user: &User) -> Result<Selection, ApiError> {
    let code = "MALFORMED_QUERY";
    let toks = lex(src, 0, code)?;
    let mut p = Parser::new(src, toks, user, code);
    p.expect_kw("SELECT")?;
    let raw = p.raw_field_list()?;
    p.expect_kw("FROM")?;
    let (object, fields) = p.object()?;
    let mut sel = Selection::all_of(object);
    for (name, pos) in raw {
        sel.fields.push(p.resolve(object, fields, &name, pos)?);
    }
    p.clauses(object, fields, &mut sel)?;
    if p.peek().is_some() {
        return Err(p.unexpected());
    }
    Ok(sel)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user() -> User {
        User::default()
    }

    #[test]
    fn parses_fields_parents_and_clauses() {
        let q = parse_query(
            "SELECT Id, CaseNumber, Contact.Name, account.name FROM case WHERE CaseNumber = '00001026' AND (IsClosed = false OR Priority IN ('High','Low')) ORDER BY CreatedDate DESC LIMIT 5 OFFSET 1",
            &user(),
        )
        .expect("valid");
        assert_eq!(q.object, "Case");
        let names: Vec<String> = q.fields.iter().map(FieldPath::display).collect();
        assert_eq!(names, ["Id", "CaseNumber", "Contact.Name", "Account.Name"]);
        assert_eq!(q.limit, Some(5));
        assert_eq!(q.offset, Some(1));
        assert!(q.order[0].desc);
    }

    #[test]
    fn literal_escapes_decode_exactly() {
        let q = parse_query(
            r"SELECT Id FROM Account WHERE Name = 'Bob\'s \\ \n \u00e9 BBQ'",
            &user(),
        )
        .expect("valid");
        match q.filter {
            Some(Cond::Cmp(_, Op::Eq, Literal::Str(s))) => assert_eq!(s, "Bob's \\ \n é BBQ"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn like_only_escapes_percent_and_underscore_in_like() {
        let q = parse_query(r"SELECT Id FROM Account WHERE Name LIKE '50\%\_%'", &user())
            .expect("valid");
        match q.filter {
            Some(Cond::Like(_, p)) => assert_eq!(
                p,
                vec![
                    LikeTok::Char('5'),
                    LikeTok::Char('0'),
                    LikeTok::Char('%'),
                    LikeTok::Char('_'),
                    LikeTok::AnyMany
                ]
            ),
            other => panic!("{other:?}"),
        }
        let e = parse_query(r"SELECT Id FROM Account WHERE Name = '50\%'", &user()).unwrap_err();
        assert_eq!(e.code, "MALFORMED_QUERY");
        let e = parse_query(r"SELECT Id FROM Account WHERE Name = 'a\qb'", &user()).unwrap_err();
        assert!(
            e.message.contains("Illegal character sequence"),
            "{}",
            e.message
        );
    }

    #[test]
    fn unknown_fields_types_and_syntax_have_their_codes_and_layout() {
        let e = parse_query("SELECT Id, Foo FROM Account", &user()).unwrap_err();
        assert_eq!((e.status, e.code), (400, "INVALID_FIELD"));
        assert!(e.message.starts_with("\nSELECT Id, Foo FROM Account\n           ^\nERROR at Row:1:Column:12\nNo such column 'Foo' on entity 'Account'."), "{:?}", e.message);
        let e = parse_query("SELECT Id FROM Foo", &user()).unwrap_err();
        assert_eq!(e.code, "INVALID_TYPE");
        assert!(e.message.contains("sObject type 'Foo' is not supported."));
        let e = parse_query("SELECT Id FRM Account", &user()).unwrap_err();
        assert_eq!(e.code, "MALFORMED_QUERY");
        assert!(
            e.message.ends_with("unexpected token: FRM"),
            "{}",
            e.message
        );
        let e = parse_query("SELECT Id FROM Account WHERE Name = 'open", &user()).unwrap_err();
        assert_eq!(e.code, "MALFORMED_QUERY");
        let e = parse_query("SELECT Id FROM Case WHERE IsClosed = 'false'", &user()).unwrap_err();
        assert!(
            e.message.contains("must be of type boolean"),
            "{}",
            e.message
        );
    }

    #[test]
    fn hidden_fields_do_not_exist_for_that_user() {
        let u = User {
            hidden_fields: vec!["Lead.Phone".into()],
            ..User::default()
        };
        assert_eq!(
            parse_query("SELECT Phone FROM Lead", &u).unwrap_err().code,
            "INVALID_FIELD"
        );
        assert!(parse_query("SELECT Phone FROM Lead", &user()).is_ok());
    }

    #[test]
    fn datetimes_normalise_to_utc() {
        assert_eq!(
            parse_num_or_date("2026-01-01T00:30:00+01:00"),
            Some(Literal::DateTime("2025-12-31T23:30:00".into()))
        );
        assert_eq!(
            parse_num_or_date("2026-01-01T00:30:00.000Z"),
            Some(Literal::DateTime("2026-01-01T00:30:00".into()))
        );
        assert_eq!(
            parse_num_or_date("2026-01-01"),
            Some(Literal::Date("2026-01-01".into()))
        );
        assert_eq!(parse_num_or_date("42"), Some(Literal::Num(42.0)));
    }
}
