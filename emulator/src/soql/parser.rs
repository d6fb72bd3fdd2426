//! A recursive-descent parser over tokens that resolves names against the schema
//! as the user sees it: field paths, conditions, literals, ORDER BY and the window.
//! Shared by SOQL (see `select.rs` for the select list) and SOSL's RETURNING clause.

use super::ast::{AggFunc, Cond, FieldPath, Hop, Literal, Op, OrderBy, Selection};
use super::lexer::{Tok, Token};
use super::literals::{date_literal, decode_like, decode_literal, parse_num_or_date};
use crate::datetime::today_utc;
use crate::org::User;
use crate::query_error::{ApiError, located, no_such_column, not_supported_type};
use crate::relations::{self, MAX_PARENT_HOPS, NAME_OBJECT, name_fields};
use crate::schema::{self, Field, FieldType};

/// Parentheses and NOTs nest at most this deep, so a hostile query cannot
/// exhaust the stack of the thread answering it.
const MAX_NESTING: usize = 64;

/// A parser over tokens, resolving names against the schema as the user sees it.
pub struct Parser<'a> {
    pub src: &'a str,
    pub toks: Vec<Token>,
    pub i: usize,
    pub user: &'a User,
    pub code: &'static str,
    /// Today in UTC (days since 1970-01-01), for date literals.
    pub today: i64,
    /// Aggregate functions are allowed in conditions and ORDER BY (HAVING, and
    /// ORDER BY of an aggregate query).
    pub(super) allow_agg: bool,
    depth: usize,
}

impl<'a> Parser<'a> {
    pub fn new(src: &'a str, toks: Vec<Token>, user: &'a User, code: &'static str) -> Self {
        Parser {
            src,
            toks,
            i: 0,
            user,
            code,
            today: today_utc(),
            allow_agg: false,
            depth: 0,
        }
    }

    pub fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.i).map(|t| &t.tok)
    }

    pub(super) fn peek_at(&self, n: usize) -> Option<&Tok> {
        self.toks.get(self.i + n).map(|t| &t.tok)
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

    pub(super) fn error_at(&self, pos: usize, detail: &str) -> ApiError {
        ApiError::bad_request(self.code, located(self.src, pos, detail))
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

    pub(super) fn is_sym(&self, sym: &str) -> bool {
        matches!(self.peek(), Some(Tok::Sym(s)) if *s == sym)
    }

    pub fn eat_sym(&mut self, sym: &str) -> bool {
        if self.is_sym(sym) {
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

    /// An object SOSL can return (User is not searchable here).
    pub fn object(&mut self) -> Result<(&'static str, &'static [Field]), ApiError> {
        self.object_in(false)
    }

    /// An object of the schema; `user`: whether `User` counts (SOQL can query it).
    pub(super) fn object_in(
        &mut self,
        user: bool,
    ) -> Result<(&'static str, &'static [Field]), ApiError> {
        let (name, pos) = self.ident()?;
        match schema::object(&name).filter(|(n, _)| user || *n != "User") {
            Some(o) => Ok(o),
            None => Err(ApiError::bad_request(
                "INVALID_TYPE",
                located(self.src, pos, &not_supported_type(&name)),
            )),
        }
    }

    /// Resolves `Name`, `Rel.Name` or `Rel.Rel.Name` (up to five hops, through
    /// polymorphic `Who`/`What` too) on `object`, hiding fields the user can't see.
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
        let bad_rel = |rel: &str| {
            ApiError::bad_request(
                "INVALID_FIELD",
                located(
                    self.src,
                    pos,
                    &format!(
                        "Didn't understand relationship '{rel}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names."
                    ),
                ),
            )
        };
        let parts: Vec<&str> = name.split('.').collect();
        let Some((last, rels)) = parts.split_last() else {
            return Err(invalid(name, object));
        };
        if rels.len() > MAX_PARENT_HOPS {
            return Err(bad_rel(rels[MAX_PARENT_HOPS]));
        }
        let (mut cur, mut cur_fields) = (object, fields);
        let mut hops = Vec::new();
        for rel in rels {
            if let Some(p) = relations::polymorphic(cur, rel) {
                hops.push(Hop {
                    rel: p.rel,
                    fk: p.fk,
                    parent: NAME_OBJECT,
                });
                (cur, cur_fields) = (NAME_OBJECT, name_fields());
                continue;
            }
            let fk = cur_fields
                .iter()
                .find(|f| {
                    f.reference
                        .is_some_and(|(_, r)| r.eq_ignore_ascii_case(rel))
                })
                .filter(|f| self.user.can_see(cur, f.name))
                .ok_or_else(|| bad_rel(rel))?;
            let (parent, rel_name) = fk.reference.unwrap_or(("", ""));
            let (parent, pfields) = schema::object(parent).ok_or_else(|| bad_rel(rel))?;
            hops.push(Hop {
                rel: rel_name,
                fk: fk.name,
                parent,
            });
            (cur, cur_fields) = (parent, pfields);
        }
        let field = schema::field(cur_fields, last)
            .filter(|f| cur == NAME_OBJECT || self.user.can_see(cur, f.name))
            .ok_or_else(|| invalid(last, cur))?;
        Ok(FieldPath { hops, field })
    }

    /// `field, field, ...` (names resolved later, once the object is known).
    pub fn raw_field_list(&mut self) -> Result<Vec<(String, usize)>, ApiError> {
        let mut out = vec![self.ident()?];
        while self.eat_sym(",") {
            out.push(self.ident()?);
        }
        Ok(out)
    }

    /// WHERE, ORDER BY, LIMIT and OFFSET, each optional, in that order (SOSL's
    /// RETURNING objects and SOQL subqueries).
    pub fn clauses(
        &mut self,
        object: &'static str,
        fields: &'static [Field],
        sel: &mut Selection,
    ) -> Result<(), ApiError> {
        if self.eat_kw("WHERE") {
            sel.filter = Some(self.or(object, fields)?);
        }
        self.order_by(object, fields, sel)?;
        self.window(sel)
    }

    pub(super) fn order_by(
        &mut self,
        object: &'static str,
        fields: &'static [Field],
        sel: &mut Selection,
    ) -> Result<(), ApiError> {
        if !self.eat_kw("ORDER") {
            return Ok(());
        }
        self.expect_kw("BY")?;
        loop {
            let (name, pos) = self.ident()?;
            let (field, agg) = if self.is_sym("(") && AggFunc::from_name(&name).is_some() {
                if !self.allow_agg {
                    return Err(self.error_at(
                        pos,
                        &format!("unexpected token: {}", name.to_ascii_uppercase()),
                    ));
                }
                let agg = self.aggregate(&name, pos, object, fields)?;
                let arg = match agg.arg {
                    Some(a) => a,
                    None => FieldPath::own(&fields[0]),
                };
                (arg, Some(agg.func))
            } else {
                (self.resolve(object, fields, &name, pos)?, None)
            };
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
                agg,
                desc,
                nulls_last,
            });
            if !self.eat_sym(",") {
                break;
            }
        }
        Ok(())
    }

    pub(super) fn window(&mut self, sel: &mut Selection) -> Result<(), ApiError> {
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

    pub(super) fn or(&mut self, o: &'static str, f: &'static [Field]) -> Result<Cond, ApiError> {
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
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(self.error_here("expression nested too deeply"));
        }
        let r = self.not_inner(o, f);
        self.depth -= 1;
        r
    }

    fn not_inner(&mut self, o: &'static str, f: &'static [Field]) -> Result<Cond, ApiError> {
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

    fn op(&mut self) -> Result<Op, ApiError> {
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
        Ok(op)
    }

    fn comparison(&mut self, o: &'static str, f: &'static [Field]) -> Result<Cond, ApiError> {
        let (name, pos) = self.ident()?;
        if self.is_sym("(") && AggFunc::from_name(&name).is_some() {
            if !self.allow_agg {
                return Err(self.error_at(
                    pos,
                    &format!(
                        "Aggregate functions are not supported in the WHERE clause: {}",
                        name.to_ascii_uppercase()
                    ),
                ));
            }
            let agg = self.aggregate(&name, pos, o, f)?;
            let op = self.op()?;
            // COUNT and SUM/AVG compare with numbers; MIN/MAX with the field's type.
            let value = match (&agg.arg, agg.func) {
                (Some(a), AggFunc::Min | AggFunc::Max) => self.literal(a)?,
                _ => self.literal_of(FieldType::Int, &agg.display())?,
            };
            return Ok(Cond::Agg(agg, op, value));
        }
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
            && matches!(self.peek_at(1), Some(Tok::Ident(s)) if s.eq_ignore_ascii_case("IN"))
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
        let op = self.op()?;
        let value = self.literal(&field)?;
        Ok(Cond::Cmp(field, op, value))
    }

    /// A date literal (`TODAY`, `LAST_N_DAYS:7`) with the cursor on its name.
    fn date_literal(&mut self, name: &str) -> Result<Option<Literal>, ApiError> {
        let pos = self.pos();
        let n = if matches!(self.peek_at(1), Some(Tok::Sym(":"))) {
            match self.peek_at(2) {
                Some(Tok::Num(n)) => Some(n.parse::<i64>().ok()),
                _ => None,
            }
        } else {
            None
        };
        let arg = match n {
            Some(Some(v)) => Some(v),
            Some(None) => return Ok(None),
            None => None,
        };
        match date_literal(name, arg, self.today) {
            None => Ok(None),
            Some(Err(detail)) => Err(self.error_at(pos, &detail)),
            Some(Ok((start, end))) => {
                if arg.is_some() {
                    self.i += 2;
                }
                Ok(Some(Literal::Days(start, end)))
            }
        }
    }

    /// A literal, checked against the field's type as Salesforce does.
    fn literal(&mut self, field: &FieldPath) -> Result<Literal, ApiError> {
        self.literal_of(field.field.kind, field.field.name)
    }

    /// A literal for a value of `kind` named `name` (in messages).
    fn literal_of(&mut self, kind: FieldType, name: &str) -> Result<Literal, ApiError> {
        let pos = self.pos();
        let lit = match self.peek().cloned() {
            Some(Tok::Str(raw)) => Literal::Str(
                decode_literal(&raw)
                    .map_err(|d| ApiError::bad_request(self.code, located(self.src, pos, &d)))?,
            ),
            Some(Tok::Ident(s)) if s.eq_ignore_ascii_case("null") => Literal::Null,
            Some(Tok::Ident(s)) if s.eq_ignore_ascii_case("true") => Literal::Bool(true),
            Some(Tok::Ident(s)) if s.eq_ignore_ascii_case("false") => Literal::Bool(false),
            Some(Tok::Ident(s)) => match self.date_literal(&s)? {
                Some(l) => l,
                None => return Err(self.unexpected()),
            },
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
            (Literal::Days(..), FieldType::Date | FieldType::DateTime) => true,
            _ => false,
        };
        if !ok {
            let detail = match kind {
                FieldType::Boolean => format!(
                    "value of filter criterion for field '{}' must be of type boolean and should not be enclosed in quotes",
                    name
                ),
                FieldType::DateTime => format!(
                    "value of filter criterion for field '{}' must be of type dateTime and should not be enclosed in quotes",
                    name
                ),
                FieldType::Date => format!(
                    "value of filter criterion for field '{}' must be of type date and should not be enclosed in quotes",
                    name
                ),
                FieldType::Int => format!(
                    "value of filter criterion for field '{}' must be of type double and should not be enclosed in quotes",
                    name
                ),
                _ => format!(
                    "value of filter criterion for field '{}' must be of type string and should be enclosed in quotes",
                    name
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::relations::NAME_OBJECT as NAME_OBJ;
    use crate::soql::LikeTok;
    use crate::soql::parse_on;
    use crate::soql::{parse, parse_query};

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

    fn err(q: &str) -> ApiError {
        parse(q, &user()).expect_err(q)
    }

    #[test]
    fn parent_paths_go_several_levels_and_through_who_and_what() {
        let q = parse(
            "SELECT Contact.Account.Name, Contact.Account.Owner.Name FROM Case",
            &user(),
        )
        .expect("valid");
        let names: Vec<String> = q.sel.fields.iter().map(FieldPath::display).collect();
        assert_eq!(
            names,
            ["Contact.Account.Name", "Contact.Account.Owner.Name"]
        );
        assert_eq!(q.sel.fields[1].hops.len(), 3);
        assert_eq!(q.sel.fields[1].hops[2].parent, "User");
        let q = parse("SELECT Who.Name, who.type, What.Name FROM Task", &user()).expect("valid");
        assert_eq!(q.sel.fields[0].hops[0].fk, "WhoId");
        assert_eq!(q.sel.fields[0].hops[0].parent, NAME_OBJ);
        assert_eq!(q.sel.fields[1].display(), "Who.Type");
        assert_eq!(q.sel.fields[2].hops[0].fk, "WhatId");
        let e = err("SELECT Who.Company FROM Task");
        assert_eq!(e.code, "INVALID_FIELD");
        assert!(
            e.message
                .contains("No such column 'Company' on entity 'Name'"),
            "{}",
            e.message
        );
        let e = err("SELECT Contact.Foo.Name FROM Case");
        assert!(
            e.message.contains("Didn't understand relationship 'Foo'"),
            "{}",
            e.message
        );
        let e = err("SELECT Who.Account.Name FROM Task");
        assert!(
            e.message
                .contains("Didn't understand relationship 'Account'"),
            "{}",
            e.message
        );
    }

    #[test]
    fn date_literals_become_day_ranges() {
        let today = crate::soql::day_of("2026-11-30").expect("day");
        let q = parse_on(
            "SELECT Id FROM Case WHERE CreatedDate = LAST_N_DAYS:7 AND CreatedDate < TODAY",
            &user(),
            today,
        )
        .expect("valid");
        match q.sel.filter {
            Some(Cond::And(a, b)) => {
                assert_eq!(
                    *a,
                    Cond::Cmp(a_path(&a), Op::Eq, Literal::Days(today - 7, today + 1))
                );
                assert!(
                    matches!(*b, Cond::Cmp(_, Op::Lt, Literal::Days(s, e)) if s == today && e == today + 1)
                );
            }
            other => panic!("{other:?}"),
        }
        assert!(
            parse(
                "SELECT Id FROM Task WHERE ActivityDate = NEXT_N_DAYS:3",
                &user()
            )
            .is_ok()
        );
        assert!(
            parse(
                "SELECT Id FROM Task WHERE ActivityDate IN (TODAY, TOMORROW)",
                &user()
            )
            .is_ok()
        );
        let e = err("SELECT Id FROM Account WHERE Name = TODAY");
        assert_eq!(e.code, "INVALID_FIELD");
        assert!(
            e.message.contains("must be of type string"),
            "{}",
            e.message
        );
        assert_eq!(
            err("SELECT Id FROM Case WHERE CreatedDate = LAST_N_DAYS").code,
            "MALFORMED_QUERY"
        );
        assert_eq!(
            err("SELECT Id FROM Case WHERE CreatedDate = LAST_N_DAYS:x").code,
            "MALFORMED_QUERY"
        );
        assert_eq!(
            err("SELECT Id FROM Case WHERE CreatedDate = SOMEDAY").code,
            "MALFORMED_QUERY"
        );
        assert_eq!(
            err("SELECT Id FROM Case WHERE CreatedDate = THIS_FISCAL_YEAR").code,
            "MALFORMED_QUERY"
        );
    }

    fn a_path(c: &Cond) -> FieldPath {
        match c {
            Cond::Cmp(p, ..) => p.clone(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let q = format!(
            "SELECT Id FROM Account WHERE {}Name = 'x'{}",
            "(".repeat(10_000),
            ")".repeat(10_000)
        );
        assert_eq!(err(&q).code, "MALFORMED_QUERY");
        let q = format!(
            "SELECT Id FROM Account WHERE {}Name = 'x'",
            "NOT ".repeat(10_000)
        );
        assert_eq!(err(&q).code, "MALFORMED_QUERY");
    }
}
