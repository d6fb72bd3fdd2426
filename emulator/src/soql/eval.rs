//! Evaluating a parsed selection over the org's records, and rendering records
//! the way the REST API does (`attributes` first, parent fields nested).

use std::cmp::Ordering;

use serde_json::{Map, Value, json};

use super::literals::day_of;
use super::{Cond, FieldPath, Hop, LikeTok, Literal, Op, OrderBy, Selection};
use crate::org::{Org, Record, User};
use crate::relations::NAME_OBJECT;
use crate::schema::{Field, FieldType};

/// A record reached by following lookups: a stored record, or one of the org's
/// users (kept apart from records by `org.rs`).
#[derive(Clone, Copy)]
pub enum Node<'a> {
    Rec(&'static str, &'a Record),
    User(&'a str, &'a User),
}

impl<'a> Node<'a> {
    pub fn object(&self) -> &'static str {
        match self {
            Node::Rec(o, _) => o,
            Node::User(..) => "User",
        }
    }

    pub fn id(&self) -> &'a str {
        match self {
            Node::Rec(_, r) => r.id(),
            Node::User(id, _) => id,
        }
    }

    /// A field's value; `Type` of a polymorphic parent is its object name.
    pub fn get(&self, field: &str, poly: bool) -> Value {
        if poly && field == "Type" {
            return json!(self.object());
        }
        // The Name entity's Name of a Case is its number (Cases have no Name field).
        if poly && field == "Name" && self.object() == "Case" {
            return self.get("CaseNumber", false);
        }
        match self {
            Node::Rec(_, r) => r.get(field).clone(),
            Node::User(id, u) => match field {
                "Id" => json!(id),
                "Name" => json!(u.name),
                "Username" => json!(u.username),
                "IsActive" => json!(u.active),
                _ => Value::Null,
            },
        }
    }
}

/// The record (or user) with this Id.
pub fn lookup<'a>(org: &'a Org, id: &str) -> Option<Node<'a>> {
    if let Some((o, r)) = org.get(id) {
        return Some(Node::Rec(o, r));
    }
    org.users
        .iter()
        .find(|(uid, _)| uid == id)
        .map(|(uid, u)| Node::User(uid.as_str(), u))
}

/// Follows `hops` from `node`; `None` at the first empty or dangling lookup.
fn follow<'a>(org: &'a Org, mut node: Node<'a>, hops: &[Hop]) -> Option<Node<'a>> {
    for h in hops {
        let id = node.get(h.fk, false);
        node = lookup(org, id.as_str()?)?;
    }
    Some(node)
}

pub fn value_of(org: &Org, rec: &Record, path: &FieldPath) -> Value {
    // The object of `rec` only matters for `Type` of a polymorphic hop, which
    // never applies to the record itself.
    let poly = path.hops.last().is_some_and(|h| h.parent == NAME_OBJECT);
    match follow(org, Node::Rec("", rec), &path.hops) {
        Some(n) => n.get(path.field.name, poly),
        None => Value::Null,
    }
}

fn compare(v: &Value, lit: &Literal, kind: FieldType) -> Option<Ordering> {
    match lit {
        Literal::Null => None,
        Literal::Str(s) => {
            let v = v.as_str()?;
            if matches!(kind, FieldType::Id | FieldType::Reference)
                && s.len() == 15
                && v.len() == 18
            {
                return Some(v[..15].cmp(s.as_str()));
            }
            if matches!(kind, FieldType::Id | FieldType::Reference) {
                return Some(v.cmp(s.as_str()));
            }
            Some(v.to_lowercase().cmp(&s.to_lowercase()))
        }
        Literal::Num(n) => v.as_f64()?.partial_cmp(n),
        Literal::Bool(b) => Some(v.as_bool()?.cmp(b)),
        Literal::Date(d) => Some(v.as_str()?.get(..10)?.cmp(d.as_str())),
        Literal::DateTime(d) => Some(v.as_str()?.get(..19)?.cmp(d.as_str())),
        // Handled by `test`: a range, not a point.
        Literal::Days(..) => None,
    }
}

pub fn test(v: &Value, op: Op, lit: &Literal, kind: FieldType) -> bool {
    if let Literal::Days(start, end) = *lit {
        // A date or datetime (UTC) against whole days: compare its day number.
        let Some(d) = v.as_str().and_then(day_of) else {
            return op == Op::Ne && v.is_null();
        };
        return match op {
            Op::Eq => (start..end).contains(&d),
            Op::Ne => !(start..end).contains(&d),
            Op::Lt => d < start,
            Op::Le => d < end,
            Op::Gt => d >= end,
            Op::Ge => d >= start,
        };
    }
    if *lit == Literal::Null {
        return match op {
            Op::Eq => v.is_null(),
            Op::Ne => !v.is_null(),
            _ => false,
        };
    }
    match compare(v, lit, kind) {
        None => op == Op::Ne && v.is_null(),
        Some(o) => match op {
            Op::Eq => o == Ordering::Equal,
            Op::Ne => o != Ordering::Equal,
            Op::Lt => o == Ordering::Less,
            Op::Le => o != Ordering::Greater,
            Op::Gt => o == Ordering::Greater,
            Op::Ge => o != Ordering::Less,
        },
    }
}

pub fn like(text: &str, pattern: &[LikeTok]) -> bool {
    let t: Vec<char> = text.to_lowercase().chars().collect();
    let p: Vec<LikeTok> = pattern
        .iter()
        .map(|x| match x {
            LikeTok::Char(c) => LikeTok::Char(c.to_lowercase().next().unwrap_or(*c)),
            o => o.clone(),
        })
        .collect();
    crate::glob::matches(&p, &t, |x| match x {
        LikeTok::Char(c) => crate::glob::Piece::Char(*c),
        LikeTok::AnyOne => crate::glob::Piece::AnyOne,
        LikeTok::AnyMany => crate::glob::Piece::AnyMany,
    })
}

pub fn matches(org: &Org, rec: &Record, cond: &Cond) -> bool {
    match cond {
        Cond::And(a, b) => matches(org, rec, a) && matches(org, rec, b),
        Cond::Or(a, b) => matches(org, rec, a) || matches(org, rec, b),
        Cond::Not(a) => !matches(org, rec, a),
        Cond::Cmp(f, op, lit) => test(&value_of(org, rec, f), *op, lit, f.field.kind),
        Cond::In(f, negated, lits) => {
            let v = value_of(org, rec, f);
            let hit = lits.iter().any(|l| test(&v, Op::Eq, l, f.field.kind));
            hit != *negated
        }
        Cond::Like(f, pattern) => value_of(org, rec, f)
            .as_str()
            .is_some_and(|s| like(s, pattern)),
        // Only in HAVING (see `aggregate`); the parser keeps it out of WHERE.
        Cond::Agg(..) => false,
    }
}

pub fn order_cmp(a: &Value, b: &Value, nulls_last: bool) -> Ordering {
    match (a.is_null(), b.is_null()) {
        (true, true) => Ordering::Equal,
        (true, false) => {
            if nulls_last {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
        (false, true) => {
            if nulls_last {
                Ordering::Less
            } else {
                Ordering::Greater
            }
        }
        _ => match (a, b) {
            (Value::String(x), Value::String(y)) => x.to_lowercase().cmp(&y.to_lowercase()),
            (Value::Number(x), Value::Number(y)) => x
                .as_f64()
                .partial_cmp(&y.as_f64())
                .unwrap_or(Ordering::Equal),
            (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
            _ => Ordering::Equal,
        },
    }
}

/// Filters, sorts and windows `candidates`; returns all matches before the window
/// too, since `totalSize` counts them.
pub fn select<'a>(
    org: &Org,
    sel: &Selection,
    candidates: impl Iterator<Item = &'a Record>,
) -> Vec<&'a Record> {
    let mut rows: Vec<&Record> = candidates
        .filter(|r| sel.filter.as_ref().is_none_or(|c| matches(org, r, c)))
        .collect();
    sort_by_order(&mut rows, &sel.order, |r, o| value_of(org, r, &o.field));
    window(rows, sel)
}

/// Sorts rows (records or aggregate groups) by the ORDER BY items, `key` giving
/// an item's value for a row. DESC reverses only non-null comparisons: NULLS
/// FIRST/LAST places the nulls either way.
pub fn sort_by_order<T>(rows: &mut [T], order: &[OrderBy], key: impl Fn(&T, &OrderBy) -> Value) {
    if order.is_empty() {
        return;
    }
    rows.sort_by(|a, b| {
        for o in order {
            let (va, vb) = (key(a, o), key(b, o));
            let mut c = order_cmp(&va, &vb, o.nulls_last);
            if o.desc && !(va.is_null() || vb.is_null()) {
                c = c.reverse();
            }
            if c != Ordering::Equal {
                return c;
            }
        }
        Ordering::Equal
    });
}

/// OFFSET, then LIMIT.
pub fn window<T>(mut rows: Vec<T>, sel: &Selection) -> Vec<T> {
    let offset = sel.offset.unwrap_or(0).min(rows.len());
    let mut rows = rows.split_off(offset);
    if let Some(l) = sel.limit {
        rows.truncate(l);
    }
    rows
}

pub fn attributes(object: &str, id: &str, version: &str) -> Value {
    json!({"type": object, "url": format!("/services/data/v{version}/sobjects/{object}/{id}")})
}

/// A record as the API returns it: `attributes`, then the selected fields in the
/// order asked, parent fields nested under their relationship names.
pub fn render(org: &Org, object: &str, rec: &Record, fields: &[FieldPath], version: &str) -> Value {
    let mut out = Map::new();
    out.insert("attributes".into(), attributes(object, rec.id(), version));
    for f in fields {
        put(
            &mut out,
            org,
            Node::Rec("", rec),
            &f.hops,
            f.field,
            false,
            version,
        );
    }
    Value::Object(out)
}

/// Puts one (possibly parent) field into a rendered record: a parent is an
/// object with its own `attributes`, or `null` when the lookup is empty.
pub(crate) fn put(
    out: &mut Map<String, Value>,
    org: &Org,
    node: Node,
    hops: &[Hop],
    field: &Field,
    poly: bool,
    version: &str,
) {
    let Some((h, rest)) = hops.split_first() else {
        out.insert(field.name.to_string(), node.get(field.name, poly));
        return;
    };
    let parent = node
        .get(h.fk, false)
        .as_str()
        .and_then(|id| lookup(org, id));
    let Some(p) = parent else {
        out.entry(h.rel.to_string()).or_insert(Value::Null);
        return;
    };
    let entry = out.entry(h.rel.to_string()).or_insert_with(|| {
        // A polymorphic parent is typed `Name`; its url names the real object.
        let mut a = attributes(p.object(), p.id(), version);
        if h.parent == NAME_OBJECT {
            a["type"] = json!(NAME_OBJECT);
        }
        json!({ "attributes": a })
    });
    if let Value::Object(m) = entry {
        put(m, org, p, rest, field, h.parent == NAME_OBJECT, version);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pat(s: &str) -> Vec<LikeTok> {
        super::super::decode_like(s).expect("pattern")
    }

    #[test]
    fn like_is_case_insensitive_with_wildcards() {
        assert!(like("Acme Corporation", &pat("acme%")));
        assert!(like("Acme", &pat("_cme")));
        assert!(!like("Acme", &pat("cme")));
        assert!(like("a%b", &pat(r"a\%b")));
        assert!(!like("axb", &pat(r"a\%b")));
        assert!(like("mississippi", &pat("%iss%ppi")));
    }
}
