//! `GET query?q=...&columns=true`: the column metadata `sf data query` reads to
//! lay out its table. No Salesforce page documents it; the shape follows what
//! @salesforce/plugin-data reads (`src/commands/data/query.ts`, `retrieveColumns`
//! and `recursivelyFindColumns`: `columnMetadata[].columnName`, `displayName`,
//! `aggregate`, `joinColumns`), with the remaining keys as observed in real
//! answers (entityName, groupBy, idSelected, keyPrefix, and per column apexType,
//! booleanType, custom, foreignKeyName, insertable, numberType, textType, updatable).

use serde_json::{Value, json};

use super::{FieldPath, Item, Query};
use crate::schema::{Field, FieldType};

/// The Apex type of a field type; text for anything else (kept open-ended so new
/// schema types need no change here).
fn apex_type(kind: FieldType) -> &'static str {
    if matches!(kind, FieldType::Id | FieldType::Reference) {
        "Id"
    } else if kind == FieldType::Boolean {
        "Boolean"
    } else if kind == FieldType::Date {
        "Date"
    } else if kind == FieldType::DateTime {
        "Datetime"
    } else if kind == FieldType::Int {
        "Integer"
    } else {
        "String"
    }
}

fn column(name: &str, display: &str, kind: Option<FieldType>, field: Option<&Field>) -> Value {
    let kind_is = |f: fn(FieldType) -> bool| kind.is_some_and(f);
    json!({
        "aggregate": false,
        "apexType": kind.map(apex_type),
        "booleanType": kind_is(|k| k == FieldType::Boolean),
        "columnName": name,
        "custom": false,
        "displayName": display,
        "foreignKeyName": null,
        "insertable": field.is_some_and(|f| f.createable),
        "joinColumns": [],
        "numberType": kind_is(|k| k == FieldType::Int),
        "textType": kind_is(FieldType::is_text),
        "updatable": field.is_some_and(|f| f.createable),
    })
}

/// A field or a parent path: `Account.Owner.Name` is the column `Account`
/// joining `Owner`, joining `Name`.
fn path_column(path: &FieldPath, hop: usize) -> Value {
    match path.hops.get(hop) {
        None => {
            let f = path.field;
            column(f.name, f.name, Some(f.kind), Some(f))
        }
        Some(h) => {
            let mut c = column(h.rel, h.rel, None, None);
            c["foreignKeyName"] = json!(h.fk);
            c["joinColumns"] = json!([path_column(path, hop + 1)]);
            c
        }
    }
}

/// Adds a column, merging parent paths that share their first relationship
/// (`Account.Name, Account.Phone` is one `Account` column joining both).
fn push_merged(out: &mut Vec<Value>, col: Value) {
    let joins = col["joinColumns"].as_array().is_some_and(|j| !j.is_empty());
    if joins
        && !col["aggregate"].as_bool().unwrap_or(false)
        && let Some(prev) = out.iter_mut().find(|c| {
            c["columnName"] == col["columnName"]
                && !c["aggregate"].as_bool().unwrap_or(false)
                && c["joinColumns"].as_array().is_some_and(|j| !j.is_empty())
        })
    {
        for j in col["joinColumns"].as_array().into_iter().flatten() {
            let mut list: Vec<Value> = prev["joinColumns"].as_array().cloned().unwrap_or_default();
            push_merged(&mut list, j.clone());
            prev["joinColumns"] = Value::Array(list);
        }
        return;
    }
    out.push(col);
}

fn columns(items: &[Item]) -> Vec<Value> {
    let mut out = Vec::new();
    let mut unnamed = 0;
    for item in items {
        match item {
            Item::Field { path, alias } => {
                let mut c = path_column(path, 0);
                if let Some(a) = alias {
                    c["columnName"] = json!(a);
                }
                push_merged(&mut out, c);
            }
            Item::Agg { agg, alias } => {
                let name = alias.clone().unwrap_or_else(|| {
                    unnamed += 1;
                    format!("expr{}", unnamed - 1)
                });
                let kind = match (&agg.arg, agg.func) {
                    (Some(a), super::AggFunc::Min | super::AggFunc::Max) => a.field.kind,
                    _ => FieldType::Int,
                };
                let mut c = column(&name, &agg.display(), Some(kind), None);
                c["aggregate"] = json!(true);
                if matches!(agg.func, super::AggFunc::Avg | super::AggFunc::Sum) {
                    c["apexType"] = json!("Decimal");
                }
                out.push(c);
            }
            Item::Sub(sub) => {
                let mut c = column(sub.rel, sub.rel, None, None);
                c["aggregate"] = json!(true);
                c["joinColumns"] = Value::Array(columns(&sub.items));
                out.push(c);
            }
        }
    }
    out
}

/// The `columns=true` answer for a parsed query.
pub fn metadata(q: &Query) -> Value {
    let aggregate = q.is_aggregate() || q.count_only;
    let id_selected = q.items.iter().any(|i| {
        matches!(i, Item::Field { path, .. } if path.hops.is_empty() && path.field.name == "Id")
    });
    json!({
        "columnMetadata": if q.count_only { Vec::new() } else { columns(&q.items) },
        "entityName": if aggregate { "AggregateResult" } else { q.sel.object },
        "groupBy": !q.group_by.is_empty(),
        "idSelected": id_selected,
        "keyPrefix": if aggregate { Value::Null } else { json!(crate::ids::key_prefix(q.sel.object)) },
    })
}
