//! The SOQL statement around the conditions: the select list (fields, aggregates,
//! aliases, child subqueries), FROM, WITH, GROUP BY, HAVING and FOR, and the
//! rules Salesforce enforces on them (COUNT() alone, grouped or aggregated fields).

use super::ast::{Agg, AggFunc, FieldPath, Item, Query, Selection, Subquery};
use super::lexer::{Tok, lex};
use super::parser::Parser;
use crate::datetime::today_utc;
use crate::org::User;
use crate::query_error::{ApiError, located};
use crate::relations;
use crate::schema::{self, Field, FieldType};

/// The FROM of the query being parsed, where names are resolved.
#[derive(Clone, Copy)]
struct From {
    object: &'static str,
    fields: &'static [Field],
}

impl Parser<'_> {
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
    pub(super) fn aggregate(
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

    /// The select list and its `FROM` (the cursor is after `SELECT`). The FROM
    /// object is read first, by `object`, since the list's names resolve against
    /// it; then the list, which must end at FROM. Leaves the cursor after the
    /// object; gives the items, where each began, and what `object` read. `top`
    /// is false in a subquery.
    fn list_and_from<T>(
        &mut self,
        top: bool,
        object: impl FnOnce(&mut Self) -> Result<(From, T), ApiError>,
    ) -> Result<(Vec<Item>, Vec<usize>, From, T), ApiError> {
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
        let read = object(self)?;
        let after = self.i;
        self.i = list;
        let mut at = Vec::new();
        let items = self.items(read.0, top, &mut at)?;
        if !top {
            // A subquery's list holds plain fields only.
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
        }
        if self.i != from_at {
            return Err(self.unexpected());
        }
        self.i = after;
        Ok((items, at, read.0, read.1))
    }

    /// `(SELECT ... FROM Contacts [WHERE] [ORDER BY] [LIMIT] [OFFSET])`.
    fn subquery(&mut self, parent: From) -> Result<Subquery, ApiError> {
        self.expect_sym("(")?;
        self.expect_kw("SELECT")?;
        let (items, _, from, rel) = self.list_and_from(false, |p| {
            let (name, pos) = p.ident()?;
            let rel = relations::child(parent.object, &name).ok_or_else(|| {
                ApiError::bad_request(
                    "INVALID_TYPE",
                    located(
                        p.src,
                        pos,
                        &format!("Didn't understand relationship '{name}' in FROM part of query call. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names."),
                    ),
                )
            })?;
            let (object, fields) = schema::object(rel.child).ok_or_else(|| p.unexpected())?;
            Ok((From { object, fields }, rel))
        })?;
        let (child, fields) = (from.object, from.fields);
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

    /// The whole query after `SELECT`.
    fn query(&mut self) -> Result<Query, ApiError> {
        self.expect_kw("SELECT")?;
        let (items, at, from, ()) = self.list_and_from(true, |p| {
            let (object, fields) = p.object_in(true)?;
            Ok((From { object, fields }, ()))
        })?;
        let From { object, fields } = from;
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
    use crate::soql::{Cond, Literal, Op};

    fn user() -> User {
        User::default()
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
        // A subquery lists plain fields only; the error points at the first other item.
        for q in [
            "SELECT Id, (SELECT COUNT() FROM Contacts) FROM Account",
            "SELECT Id, (SELECT LastName n FROM Contacts) FROM Account",
        ] {
            let e = err(q);
            assert_eq!(e.code, "MALFORMED_QUERY", "{q}");
            assert!(
                e.message
                    .contains("aggregate functions and aliases are not supported in a subquery"),
                "{q}: {}",
                e.message
            );
            assert!(e.message.contains("Column:20"), "{q}: {}", e.message);
        }
        // No FROM in a subquery: the first token that is not a field list.
        let e = err("SELECT Id, (SELECT Id Contacts) FROM Account");
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
}
