//! Running a whole query: plain rows with parent fields and child subqueries,
//! `COUNT()`, and aggregate rows (`AggregateResult`) with GROUP BY and HAVING.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::HashMap;

use serde_json::{Map, Value, json};

use super::eval::{
    Node, attributes, matches, order_cmp, put, select, sort_by_order, test, value_of, window,
};
use super::{Agg, AggFunc, Cond, Item, Query, Subquery};
use crate::org::{Org, Record};

/// What a query answers before paging.
pub enum Answer {
    /// `SELECT COUNT()`: the count is `totalSize`, there are no records.
    Count(usize),
    Rows(Vec<Value>),
}

/// The records of `object`. The org keeps its users apart from records; until
/// it stores them as records too, `FROM User` reads them from there.
pub fn records<'a>(org: &'a Org, object: &str) -> Cow<'a, [Record]> {
    let stored = org.records(object);
    if object != "User" || !stored.is_empty() {
        return Cow::Borrowed(stored);
    }
    Cow::Owned(
        org.users
            .iter()
            .map(|(id, u)| Record {
                values: match json!({"Id": id, "Name": u.name, "Username": u.username, "IsActive": u.active}) {
                    Value::Object(m) => m,
                    _ => Map::new(),
                },
                phone_digits: Vec::new(),
            })
            .collect(),
    )
}

pub fn run(org: &Org, q: &Query, version: &str) -> Answer {
    let source = records(org, q.sel.object);
    let rows = select(org, &q.sel, source.iter());
    if q.count_only {
        return Answer::Count(rows.len());
    }
    if q.is_aggregate() {
        return Answer::Rows(aggregate(org, q));
    }
    Answer::Rows(
        rows.into_iter()
            .map(|r| render_items(org, q.sel.object, r, &q.items, version))
            .collect(),
    )
}

/// A record with the select list's fields and subqueries, in the order written.
fn render_items(org: &Org, object: &str, rec: &Record, items: &[Item], version: &str) -> Value {
    let mut out = Map::new();
    out.insert("attributes".into(), attributes(object, rec.id(), version));
    for item in items {
        match item {
            Item::Field { path, .. } => put(
                &mut out,
                org,
                Node::Rec("", rec),
                &path.hops,
                path.field,
                false,
                version,
            ),
            Item::Sub(sub) => {
                out.insert(sub.rel.to_string(), children(org, rec.id(), sub, version));
            }
            // Aggregate queries are rendered by `aggregate`.
            Item::Agg { .. } => {}
        }
    }
    Value::Object(out)
}

/// A child subquery's answer: a nested query result, or `null` when no child
/// record matches (as the REST API answers).
fn children(org: &Org, parent_id: &str, sub: &Subquery, version: &str) -> Value {
    let source = records(org, sub.sel.object);
    let own = source
        .iter()
        .filter(|r| r.get(sub.fk).as_str() == Some(parent_id));
    let rows = select(org, &sub.sel, own);
    if rows.is_empty() {
        return Value::Null;
    }
    let records: Vec<Value> = rows
        .into_iter()
        .map(|r| render_items(org, sub.sel.object, r, &sub.items, version))
        .collect();
    json!({"totalSize": records.len(), "done": true, "records": records})
}

/// The value of an aggregate over a group's rows.
pub fn compute(org: &Org, agg: &Agg, rows: &[&Record]) -> Value {
    let Some(arg) = &agg.arg else {
        return json!(rows.len());
    };
    let values: Vec<Value> = rows
        .iter()
        .map(|r| value_of(org, r, arg))
        .filter(|v| !v.is_null())
        .collect();
    let numbers = || values.iter().filter_map(Value::as_f64);
    match agg.func {
        AggFunc::Count => json!(values.len()),
        AggFunc::CountDistinct => {
            let mut seen: Vec<String> = values
                .iter()
                .map(|v| match v {
                    // Text compares case-insensitively, as in filters.
                    Value::String(s) => s.to_lowercase(),
                    other => other.to_string(),
                })
                .collect();
            seen.sort();
            seen.dedup();
            json!(seen.len())
        }
        AggFunc::Sum if values.is_empty() => Value::Null,
        AggFunc::Sum => number(numbers().sum()),
        AggFunc::Avg if values.is_empty() => Value::Null,
        AggFunc::Avg => json!(numbers().sum::<f64>() / values.len() as f64),
        AggFunc::Min => values
            .iter()
            .min_by(|a, b| order_cmp(a, b, true))
            .cloned()
            .unwrap_or(Value::Null),
        AggFunc::Max => values
            .iter()
            .max_by(|a, b| order_cmp(a, b, true))
            .cloned()
            .unwrap_or(Value::Null),
    }
}

/// Whole numbers as JSON integers (a SUM of integers), others as floats.
fn number(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 9.0e15 {
        json!(x as i64)
    } else {
        json!(x)
    }
}

/// HAVING over one group: aggregates over its rows, plain fields (which are
/// grouped, so equal in every row) from its first row.
fn having(org: &Org, cond: &Cond, rows: &[&Record]) -> bool {
    match cond {
        Cond::And(a, b) => having(org, a, rows) && having(org, b, rows),
        Cond::Or(a, b) => having(org, a, rows) || having(org, b, rows),
        Cond::Not(a) => !having(org, a, rows),
        Cond::Agg(agg, op, lit) => {
            let kind = match (&agg.arg, agg.func) {
                (Some(a), AggFunc::Min | AggFunc::Max) => a.field.kind,
                _ => crate::schema::FieldType::Int,
            };
            test(&compute(org, agg, rows), *op, lit, kind)
        }
        other => rows.first().is_some_and(|r| matches(org, r, other)),
    }
}

/// Rows grouped by the GROUP BY fields (one group of everything without it),
/// filtered by HAVING, ordered, windowed and rendered as `AggregateResult`s.
fn aggregate(org: &Org, q: &Query) -> Vec<Value> {
    let source = records(org, q.sel.object);
    let matching: Vec<&Record> = source
        .iter()
        .filter(|r| q.sel.filter.as_ref().is_none_or(|c| matches(org, r, c)))
        .collect();
    let mut groups: Vec<(Vec<Value>, Vec<&Record>)> = Vec::new();
    if q.group_by.is_empty() {
        groups.push((Vec::new(), matching));
    } else {
        let mut index: HashMap<String, usize> = HashMap::new();
        for r in matching {
            let key: Vec<Value> = q.group_by.iter().map(|g| value_of(org, r, g)).collect();
            let text = Value::Array(key.clone()).to_string();
            match index.get(&text) {
                Some(&i) => groups[i].1.push(r),
                None => {
                    index.insert(text, groups.len());
                    groups.push((key, vec![r]));
                }
            }
        }
        // Salesforce does not promise an order; ascending keys keep answers stable.
        groups.sort_by(|(a, _), (b, _)| {
            a.iter()
                .zip(b)
                .map(|(x, y)| order_cmp(x, y, false))
                .find(|o| *o != Ordering::Equal)
                .unwrap_or(Ordering::Equal)
        });
    }
    if let Some(h) = &q.having {
        groups.retain(|(_, rows)| having(org, h, rows));
    }
    let key = |rows: &[&Record], o: &super::OrderBy| -> Value {
        match o.agg {
            Some(func) => {
                let arg =
                    (func != AggFunc::Count || o.field.field.name != "Id").then(|| o.field.clone());
                compute(org, &Agg { func, arg }, rows)
            }
            None => rows
                .first()
                .map(|r| value_of(org, r, &o.field))
                .unwrap_or(Value::Null),
        }
    };
    sort_by_order(&mut groups, &q.sel.order, |(_, rows), o| key(rows, o));
    let groups = window(groups, &q.sel);
    groups
        .iter()
        .map(|(_, rows)| {
            let mut out = Map::new();
            out.insert("attributes".into(), json!({"type": "AggregateResult"}));
            let mut unnamed = 0;
            for item in &q.items {
                match item {
                    Item::Field { path, alias } => {
                        let v = rows
                            .first()
                            .map(|r| value_of(org, r, path))
                            .unwrap_or(Value::Null);
                        let key = alias.clone().unwrap_or_else(|| path.field.name.to_string());
                        out.insert(key, v);
                    }
                    Item::Agg { agg, alias } => {
                        let key = alias.clone().unwrap_or_else(|| {
                            unnamed += 1;
                            format!("expr{}", unnamed - 1)
                        });
                        out.insert(key, compute(org, agg, rows));
                    }
                    Item::Sub(_) => {}
                }
            }
            Value::Object(out)
        })
        .collect()
}
