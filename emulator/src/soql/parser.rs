//! A recursive-descent parser over tokens that resolves names against the schema
//! as the user sees it; shared by SOQL and SOSL's RETURNING clause.

use super::ast::{
    Agg, AggFunc, Cond, FieldPath, Hop, Item, Literal, Op, OrderBy, Query, Selection, Subquery,
};
use super::lexer::{Tok, Token, lex};
use super::literals::{date_literal, decode_like, decode_literal, parse_num_or_date, today_utc};
use crate::org::User;
use crate::query_error::{ApiError, located, no_such_column, not_supported_type};
use crate::relations::{self, MAX_PARENT_HOPS, NAME_FIELDS, NAME_OBJECT};
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
    allow_agg: bool,
    depth: usize,
}

/// The FROM of the query being parsed, where names are resolved.
#[derive(Clone, Copy)]
struct From {
    object: &'static str,
    fields: &'static [Field],
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

    fn peek_at(&self, n: usize) -> Option<&Tok> {
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

    fn error_at(&self, pos: usize, detail: &str) -> ApiError {
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

    fn is_sym(&self, sym: &str) -> bool {
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
    fn object_in(&mut self, user: bool) -> Result<(&'static str, &'static [Field]), ApiError> {
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
                (cur, cur_fields) = (NAME_OBJECT, NAME_FIELDS);
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

    fn order_by(
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

    fn window(&mut self, sel: &mut Selection) -> Result<(), ApiError> {
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

    /// The token index of this level's `FROM` (not a subquery's), if any.
    fn find_from(&self) -> Option<usize> {
        let mut depth = 0usize;
        for (n, t) in self.toks.iter().enumerate().skip(self.i) {
            match &t.tok {
                Tok::Sym("(") => depth += 1,
                Tok::Sym(")") if depth == 0 => return None,
                Tok::Sym(")") => depth -= 1,
                Tok::Ident(s) if depth == 0 && s.eq_ignore_ascii_case("FROM") => return Some(n),
                _ => {}
            }
        }
        None
    }

    /// `COUNT()`, `COUNT(f)`, `SUM(f)`, ... with the cursor on the `(`.
    fn aggregate(
        &mut self,
        name: &str,
        pos: usize,
        object: &'static str,
        fields: &'static [Field],
    ) -> Result<Agg, ApiError> {
        let func = AggFunc::from_name(name).ok_or_else(|| self.unexpected())?;
        self.expect_sym("(")?;
        if self.eat_sym(")") {
            if func != AggFunc::Count {
                self.i -= 1;
                return Err(self.unexpected());
            }
            return Ok(Agg { func, arg: None });
        }
        let (fname, fpos) = self.ident()?;
        let arg = self.resolve(object, fields, &fname, fpos)?;
        self.expect_sym(")")?;
        let kind = arg.field.kind;
        let ok = match func {
            AggFunc::Sum | AggFunc::Avg => kind == FieldType::Int,
            AggFunc::Min | AggFunc::Max => {
                !matches!(kind, FieldType::Boolean | FieldType::TextArea)
            }
            AggFunc::Count | AggFunc::CountDistinct => kind != FieldType::TextArea,
        };
        if !ok {
            return Err(ApiError::bad_request(
                "INVALID_FIELD",
                located(
                    self.src,
                    pos,
                    &format!(
                        "field {} does not support aggregate operator {}",
                        arg.field.name,
                        func.name()
                    ),
                ),
            ));
        }
        Ok(Agg {
            func,
            arg: Some(arg),
        })
    }

    /// The SELECT list up to this level's FROM; `at` are the items' positions.
    fn items(&mut self, from: From, top: bool, at: &mut Vec<usize>) -> Result<Vec<Item>, ApiError> {
        let mut items = Vec::new();
        loop {
            at.push(self.pos());
            let item = if self.is_sym("(") {
                if !top {
                    return Err(self.unexpected());
                }
                Item::Sub(Box::new(self.subquery(from)?))
            } else {
                let (name, pos) = self.ident()?;
                if self.is_sym("(") && AggFunc::from_name(&name).is_some() {
                    Item::Agg {
                        agg: self.aggregate(&name, pos, from.object, from.fields)?,
                        alias: None,
                    }
                } else {
                    Item::Field {
                        path: self.resolve(from.object, from.fields, &name, pos)?,
                        alias: None,
                    }
                }
            };
            items.push(item);
            // An alias follows its item directly: `MAX(CreatedDate) latest`.
            if matches!(self.peek(), Some(Tok::Ident(s)) if !s.eq_ignore_ascii_case("FROM")) {
                let (alias, _) = self.ident()?;
                match items.last_mut() {
                    Some(Item::Field { alias: a, .. }) | Some(Item::Agg { alias: a, .. }) => {
                        *a = Some(alias)
                    }
                    _ => {
                        self.i -= 1;
                        return Err(self.unexpected());
                    }
                }
            }
            if !self.eat_sym(",") {
                break;
            }
        }
        Ok(items)
    }

    /// `(SELECT ... FROM Contacts [WHERE] [ORDER BY] [LIMIT] [OFFSET])`.
    fn subquery(&mut self, parent: From) -> Result<Subquery, ApiError> {
        self.expect_sym("(")?;
        self.expect_kw("SELECT")?;
        let list = self.i;
        let from_at = match self.find_from() {
            Some(at) if at > list => at,
            Some(_) => return Err(self.unexpected()),
            None => {
                self.raw_field_list()?;
                return Err(self.unexpected());
            }
        };
        self.i = from_at + 1;
        let (name, pos) = self.ident()?;
        let rel = relations::child(parent.object, &name).ok_or_else(|| {
            ApiError::bad_request(
                "INVALID_TYPE",
                located(
                    self.src,
                    pos,
                    &format!("Didn't understand relationship '{name}' in FROM part of query call. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names."),
                ),
            )
        })?;
        let (child, fields) = schema::object(rel.child).ok_or_else(|| self.unexpected())?;
        let after = self.i;
        self.i = list;
        let from = From {
            object: child,
            fields,
        };
        let mut at = Vec::new();
        let items = self.items(from, false, &mut at)?;
        for (item, pos) in items.iter().zip(&at) {
            match item {
                Item::Field { alias: None, .. } => {}
                Item::Field { .. } | Item::Agg { .. } | Item::Sub(_) => {
                    return Err(self.error_at(
                        *pos,
                        "aggregate functions and aliases are not supported in a subquery",
                    ));
                }
            }
        }
        if self.i != from_at {
            return Err(self.unexpected());
        }
        self.i = after;
        let mut sel = Selection::all_of(child);
        sel.fields = plain_fields(&items);
        self.clauses(child, fields, &mut sel)?;
        self.expect_sym(")")?;
        Ok(Subquery {
            rel: rel.name,
            fk: rel.fk,
            items,
            sel,
        })
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
            let as_field = match (&agg.arg, agg.func) {
                (Some(a), AggFunc::Min | AggFunc::Max) => a.clone(),
                _ => FieldPath::own(&COUNT_FIELD),
            };
            let value = self.literal(&as_field)?;
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

    /// The whole query after `SELECT`.
    fn query(&mut self) -> Result<Query, ApiError> {
        self.expect_kw("SELECT")?;
        let list = self.i;
        let from_at = match self.find_from() {
            Some(at) if at > list => at,
            // Nothing before FROM.
            Some(_) => return Err(self.unexpected()),
            // No FROM: the first token that is not a field list.
            None => {
                self.raw_field_list()?;
                return Err(self.unexpected());
            }
        };
        self.i = from_at + 1;
        let (object, fields) = self.object_in(true)?;
        let after = self.i;
        let from = From { object, fields };
        self.i = list;
        let mut at = Vec::new();
        let items = self.items(from, true, &mut at)?;
        if self.i != from_at {
            return Err(self.unexpected());
        }
        self.i = after;
        let mut q = Query {
            sel: Selection::all_of(object),
            count_only: matches!(
                items.as_slice(),
                [Item::Agg {
                    agg: Agg {
                        func: AggFunc::Count,
                        arg: None
                    },
                    alias: None
                }]
            ),
            items,
            group_by: Vec::new(),
            having: None,
        };
        if self.eat_kw("USING") {
            // USING SCOPE Everything|Mine|...: every record is the user's here.
            self.expect_kw("SCOPE")?;
            self.ident()?;
        }
        if self.eat_kw("WHERE") {
            q.sel.filter = Some(self.or(object, fields)?);
        }
        if self.eat_kw("WITH") {
            let accepted = ["SECURITY_ENFORCED", "USER_MODE", "SYSTEM_MODE"];
            if !accepted.iter().any(|k| self.is_kw(k)) {
                return Err(self.unexpected());
            }
            self.i += 1;
        }
        let group_pos = self.pos();
        if self.eat_kw("GROUP") {
            self.expect_kw("BY")?;
            loop {
                if matches!(self.peek_at(1), Some(Tok::Sym("("))) {
                    // GROUP BY ROLLUP(...) / CUBE(...) are not emulated.
                    return Err(self.unexpected());
                }
                let (name, pos) = self.ident()?;
                q.group_by.push(self.resolve(object, fields, &name, pos)?);
                if !self.eat_sym(",") {
                    break;
                }
            }
        }
        let aggregate = q.is_aggregate();
        self.allow_agg = aggregate;
        if self.is_kw("HAVING") {
            if !aggregate {
                return Err(self.error_here("HAVING requires GROUP BY or an aggregate function"));
            }
            self.i += 1;
            q.having = Some(self.or(object, fields)?);
        }
        let order_pos = self.pos();
        self.order_by(object, fields, &mut q.sel)?;
        self.allow_agg = false;
        self.window(&mut q.sel)?;
        if self.eat_kw("FOR") {
            // FOR VIEW / FOR REFERENCE update "last viewed" dates: nothing to do here.
            if !(self.eat_kw("VIEW") || self.eat_kw("REFERENCE")) {
                return Err(self.unexpected());
            }
        }
        if self.peek().is_some() {
            return Err(self.unexpected());
        }
        self.check(&q, &at, group_pos, order_pos)?;
        q.sel.fields = plain_fields(&q.items);
        Ok(q)
    }

    /// What the grammar allows but Salesforce refuses.
    fn check(
        &self,
        q: &Query,
        at: &[usize],
        group_pos: usize,
        order_pos: usize,
    ) -> Result<(), ApiError> {
        let count_star = |i: &Item| {
            matches!(
                i,
                Item::Agg {
                    agg: Agg { arg: None, .. },
                    ..
                }
            )
        };
        if let Some(n) = q.items.iter().position(count_star)
            && q.items.len() > 1
        {
            return Err(self.error_at(at[n], "COUNT() must be the only element in the SELECT list"));
        }
        if q.count_only {
            if !q.group_by.is_empty() {
                return Err(self.error_at(
                    group_pos,
                    "COUNT() cannot be used with GROUP BY; use COUNT(fieldName)",
                ));
            }
            if !q.sel.order.is_empty() {
                return Err(self.error_at(
                    order_pos,
                    "COUNT() cannot be used with ORDER BY; use COUNT(fieldName)",
                ));
            }
            return Ok(());
        }
        let aggregate = q.is_aggregate();
        let grouped = |p: &FieldPath| q.group_by.iter().any(|g| g.display() == p.display());
        for (item, pos) in q.items.iter().zip(at) {
            match item {
                Item::Field { path, alias } => {
                    if aggregate && !grouped(path) {
                        return Err(self.error_at(
                            *pos,
                            &format!("Field must be grouped or aggregated: {}", path.field.name),
                        ));
                    }
                    if alias.is_some() && !aggregate {
                        return Err(
                            self.error_at(*pos, "aliases are only allowed in aggregate queries")
                        );
                    }
                }
                Item::Sub(_) if aggregate => {
                    return Err(
                        self.error_at(*pos, "subqueries are not supported in aggregate queries")
                    );
                }
                _ => {}
            }
        }
        for o in &q.sel.order {
            if aggregate && o.agg.is_none() && !grouped(&o.field) {
                return Err(self.error_at(
                    order_pos,
                    &format!(
                        "Ordered field must be grouped or aggregated: {}",
                        o.field.field.name
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// The type aggregates such as COUNT compare against in HAVING: a number.
static COUNT_FIELD: Field = Field {
    name: "expr",
    label: "expr",
    kind: FieldType::Int,
    name_field: false,
    createable: false,
    reference: None,
    restricted: &[],
};

/// The plain field paths of a select list, in order (what `eval::render` needs).
fn plain_fields(items: &[Item]) -> Vec<FieldPath> {
    items
        .iter()
        .filter_map(|i| match i {
            Item::Field { path, .. } => Some(path.clone()),
            _ => None,
        })
        .collect()
}

/// A whole SOQL query, with the select list, grouping and HAVING.
pub fn parse(src: &str, user: &User) -> Result<Query, ApiError> {
    parse_on(src, user, today_utc())
}

/// As `parse`, with "today" given (date literals), for tests.
pub fn parse_on(src: &str, user: &User, today: i64) -> Result<Query, ApiError> {
    let code = "MALFORMED_QUERY";
    let toks = lex(src, 0, code)?;
    let mut p = Parser::new(src, toks, user, code);
    p.today = today;
    p.query()
}

/// A whole SOQL query as a plain selection (kept for callers that need no
/// aggregates or subqueries).
pub fn parse_query(src: &str, user: &User) -> Result<Selection, ApiError> {
    parse(src, user).map(|q| q.sel)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::relations::NAME_OBJECT as NAME_OBJ;
    use crate::soql::LikeTok;

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
    fn aggregates_group_by_having_and_aliases() {
        let q = parse(
            "SELECT Status, COUNT(Id), MAX(CreatedDate) latest, COUNT_DISTINCT(AccountId) FROM Case GROUP BY Status HAVING COUNT(Id) > 1 ORDER BY COUNT(Id) DESC, Status LIMIT 3",
            &user(),
        )
        .expect("valid");
        assert!(q.is_aggregate() && !q.count_only);
        assert_eq!(q.group_by.len(), 1);
        let shown: Vec<String> = q
            .items
            .iter()
            .map(|i| match i {
                Item::Field { path, alias } => format!("{}|{alias:?}", path.display()),
                Item::Agg { agg, alias } => format!("{}|{alias:?}", agg.display()),
                Item::Sub(s) => s.rel.to_string(),
            })
            .collect();
        assert_eq!(
            shown,
            [
                "Status|None",
                "COUNT(Id)|None",
                "MAX(CreatedDate)|Some(\"latest\")",
                "COUNT_DISTINCT(AccountId)|None"
            ]
        );
        assert!(matches!(q.having, Some(Cond::Agg(_, Op::Gt, Literal::Num(n))) if n == 1.0));
        assert_eq!(q.sel.order[0].agg, Some(AggFunc::Count));
        assert!(q.sel.order[0].desc);
        assert_eq!(q.sel.limit, Some(3));
    }

    #[test]
    fn count_star_is_alone_and_unordered() {
        let q = parse(
            "SELECT COUNT() FROM Contact WHERE Email != null LIMIT 5",
            &user(),
        )
        .expect("valid");
        assert!(q.count_only && !q.is_aggregate());
        for bad in [
            "SELECT Id, COUNT() FROM Contact",
            "SELECT COUNT() FROM Contact ORDER BY Name",
            "SELECT COUNT() FROM Contact GROUP BY Name",
            "SELECT SUM() FROM Task",
        ] {
            let e = err(bad);
            assert_eq!((e.status, e.code), (400, "MALFORMED_QUERY"), "{bad}");
            assert!(
                e.message.contains("ERROR at Row:1:Column:"),
                "{}",
                e.message
            );
        }
    }

    #[test]
    fn aggregate_rules_salesforce_enforces() {
        let e = err("SELECT Name, COUNT(Id) FROM Account");
        assert!(
            e.message
                .ends_with("Field must be grouped or aggregated: Name"),
            "{}",
            e.message
        );
        assert_eq!(e.code, "MALFORMED_QUERY");
        let e = err("SELECT SUM(Subject) FROM Task");
        assert_eq!(e.code, "INVALID_FIELD");
        assert!(
            e.message
                .ends_with("field Subject does not support aggregate operator SUM")
        );
        assert!(parse("SELECT SUM(CallDurationInSeconds) total FROM Task", &user()).is_ok());
        let e = err("SELECT Id FROM Account WHERE COUNT(Id) > 1");
        assert_eq!(e.code, "MALFORMED_QUERY");
        let e = err("SELECT Id FROM Account HAVING COUNT(Id) > 1");
        assert_eq!(e.code, "MALFORMED_QUERY");
        // Aliases belong to aggregate queries.
        let e = err("SELECT Name n FROM Account");
        assert_eq!(e.code, "MALFORMED_QUERY");
        let e = err("SELECT Status, COUNT(Id) FROM Case GROUP BY Status ORDER BY Priority");
        assert!(
            e.message.contains("Ordered field must be grouped"),
            "{}",
            e.message
        );
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
    fn child_subqueries_resolve_against_the_relationship() {
        let q = parse(
            "SELECT Id, Name, (SELECT LastName, Email FROM Contacts WHERE Email != null ORDER BY LastName LIMIT 2), (SELECT CaseNumber FROM cases) FROM Account WHERE Name LIKE 'A%'",
            &user(),
        )
        .expect("valid");
        let subs: Vec<(&str, &str, &str, Option<usize>)> = q
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Sub(s) => Some((s.rel, s.fk, s.sel.object, s.sel.limit)),
                _ => None,
            })
            .collect();
        assert_eq!(
            subs,
            [
                ("Contacts", "AccountId", "Contact", Some(2)),
                ("Cases", "AccountId", "Case", None)
            ]
        );
        assert_eq!(q.sel.fields.len(), 2);
        let e = err("SELECT Id, (SELECT Id FROM Leads) FROM Account");
        assert_eq!(e.code, "INVALID_TYPE");
        assert!(
            e.message
                .contains("Didn't understand relationship 'Leads' in FROM part")
        );
        let e = err("SELECT Id, (SELECT Foo FROM Contacts) FROM Account");
        assert!(
            e.message
                .contains("No such column 'Foo' on entity 'Contact'")
        );
        let e = err("SELECT Id, (SELECT Id, (SELECT Id FROM Cases) FROM Contacts) FROM Account");
        assert_eq!(e.code, "MALFORMED_QUERY");
        assert!(
            parse(
                "SELECT Id, (SELECT Subject FROM Tasks) FROM Contact",
                &user()
            )
            .is_ok()
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
    fn an_empty_select_list_is_unexpected_from() {
        for q in [
            "SELECT FROM Account",
            "SELECT Id, (SELECT FROM Contacts) FROM Account",
        ] {
            let e = err(q);
            assert_eq!(e.code, "MALFORMED_QUERY", "{q}");
            assert!(
                e.message.ends_with("unexpected token: FROM"),
                "{}",
                e.message
            );
        }
    }

    #[test]
    fn security_and_view_clauses_are_accepted() {
        for ok in [
            "SELECT Id FROM Account WITH SECURITY_ENFORCED",
            "SELECT Id FROM Account WHERE Name != null WITH SECURITY_ENFORCED ORDER BY Name LIMIT 1",
            "SELECT Id FROM Account WITH USER_MODE",
            "SELECT Id FROM Account USING SCOPE Everything WHERE Name != null",
            "SELECT Id FROM Account LIMIT 1 FOR VIEW",
            "SELECT Id FROM Account FOR REFERENCE",
        ] {
            assert!(parse(ok, &user()).is_ok(), "{ok}");
        }
        for bad in [
            "SELECT Id FROM Account WITH FOO",
            "SELECT Id FROM Account FOR UPDATE",
            "SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Contact)",
        ] {
            assert_eq!(err(bad).code, "MALFORMED_QUERY", "{bad}");
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
