//! Evaluating a parsed selection over the org's records, and rendering records
//! the way the REST API does (`attributes` first, parent fields nested).

use std::cmp::Ordering;

use serde_json::{Map, Value, json};

use super::{Cond, FieldPath, LikeTok, Literal, Op, Selection};
use crate::org::{Org, Record};
use crate::schema::FieldType;

pub fn value_of(org: &Org, rec: &Record, path: &FieldPath) -> Value {
    match path.relationship {
        None => rec.get(path.field.name).clone(),
        Some((_, fk, parent)) => {
            let Some(id) = rec.get(fk).as_str() else {
                return Value::Null;
            };
            if parent == "User" {
                return match (path.field.name, org.users.iter().find(|(uid, _)| uid == id)) {
                    ("Id", Some((uid, _))) => json!(uid),
                    ("Name", Some((_, u))) => json!(u.name),
                    _ => Value::Null,
                };
            }
            org.get(id)
                .map(|(_, p)| p.get(path.field.name).clone())
                .unwrap_or(Value::Null)
        }
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
    }
}

fn test(v: &Value, op: Op, lit: &Literal, kind: FieldType) -> bool {
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
    }
}

fn order_cmp(a: &Value, b: &Value, nulls_last: bool) -> Ordering {
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
    if !sel.order.is_empty() {
        rows.sort_by(|a, b| {
            for o in &sel.order {
                let (va, vb) = (value_of(org, a, &o.field), value_of(org, b, &o.field));
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
/// order asked, parent fields nested under their relationship name.
pub fn render(org: &Org, object: &str, rec: &Record, fields: &[FieldPath], version: &str) -> Value {
    let mut out = Map::new();
    out.insert("attributes".into(), attributes(object, rec.id(), version));
    for f in fields {
        match f.relationship {
            None => {
                out.insert(f.field.name.to_string(), rec.get(f.field.name).clone());
            }
            Some((rel, fk, parent)) => {
                let parent_id = rec.get(fk).as_str().map(str::to_string);
                let exists = parent_id
                    .as_deref()
                    .is_some_and(|id| parent == "User" || org.get(id).is_some());
                if !exists {
                    out.insert(rel.to_string(), Value::Null);
                    continue;
                }
                let id = parent_id.unwrap_or_default();
                let entry = out
                    .entry(rel.to_string())
                    .or_insert_with(|| json!({"attributes": attributes(parent, &id, version)}));
                if let Value::Object(m) = entry {
                    m.insert(f.field.name.to_string(), value_of(org, rec, f));
                }
            }
        }
    }
    Value::Object(out)
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
