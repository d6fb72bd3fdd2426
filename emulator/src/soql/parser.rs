//! A recursive-descent parser over tokens that resolves names against the schema
//! as the user sees it; shared by SOQL and SOSL's RETURNING clause.

use super::ast::{Cond, FieldPath, Literal, Op, OrderBy, Selection};
use super::lexer::{Tok, Token, lex};
use super::literals::{decode_like, decode_literal, parse_num_or_date};
use crate::org::User;
use crate::query_error::{ApiError, located, no_such_column, not_supported_type};
use crate::schema::{self, Field, FieldType};

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
}
