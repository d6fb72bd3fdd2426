//! `POST /composite/tree/<Object>`: sObject trees (nested parent-child records
//! with a `referenceId` each), created all or nothing. Sources (README 23):
//! resources_composite_sobject_tree.htm, requests_composite_sobject_tree.htm.
//!
//! - up to 200 records across all trees, up to five object types, five levels;
//! - children sit under their parent's child relationship name
//!   (`"Contacts": {"records": [...]}`) and get the parent's id in the
//!   relationship's field;
//! - records are created level by level, in the order listed: the roots, then
//!   every second-level record, ...; the answer lists them in that order
//!   (201 `{"hasErrors": false, "results": [{"referenceId", "id"}]}`);
//! - the first failure undoes everything and answers 400 `{"hasErrors": true,
//!   "results": [{"referenceId", "errors": [{"statusCode", "message", "fields"}]}]}`
//!   with that record alone.

use std::collections::HashSet;

use serde_json::{Map, Value, json};

use crate::query_error::ApiError;
use crate::records;
use crate::relations;
use crate::rest::Call;
use crate::schema;
use crate::state::Shared;

pub const MAX_RECORDS: usize = 200;
pub const MAX_TYPES: usize = 5;
pub const MAX_DEPTH: usize = 5;

/// One record of the flattened trees.
struct Node {
    object: &'static str,
    reference_id: String,
    fields: Map<String, Value>,
    /// The parent's index in the list and the field that points at it.
    parent: Option<(usize, &'static str)>,
}

/// A record still to flatten: its JSON, its object, and its parent (index, field).
type Pending<'a> = (&'a Value, &'static str, Option<(usize, &'static str)>);

fn invalid(msg: impl Into<String>) -> ApiError {
    ApiError::bad_request("INVALID_INPUT", msg)
}

/// A failure of one record, in the tree answer's shape.
fn failed(reference_id: &str, errors: Value) -> (u16, Value) {
    (
        400,
        json!({"hasErrors": true, "results": [{"referenceId": reference_id, "errors": errors}]}),
    )
}

fn input_error(reference_id: &str, message: &str) -> (u16, Value) {
    failed(
        reference_id,
        json!([{"statusCode": "INVALID_INPUT", "message": message, "fields": []}]),
    )
}

/// The `records` array of a tree level: `{"records": [...]}` and nothing else.
fn records_of<'a>(v: &'a Map<String, Value>, at: &str) -> Result<&'a Vec<Value>, ApiError> {
    if let Some(k) = v.keys().find(|k| *k != "records") {
        return Err(ApiError::bad_request(
            "JSON_PARSER_ERROR",
            format!("Unrecognized field \"{k}\" {at}"),
        ));
    }
    v.get("records")
        .and_then(Value::as_array)
        .ok_or_else(|| invalid(format!("records is required {at}")))
}

/// Flattens the trees level by level. Errors about one record (its type,
/// `referenceId`, relationship) come back in the tree shape.
fn flatten(
    root: &'static str,
    body: &Map<String, Value>,
) -> Result<Vec<Node>, Result<(u16, Value), ApiError>> {
    let top = records_of(body, "in the request body").map_err(Err)?;
    let mut nodes: Vec<Node> = Vec::new();
    let mut seen_refs = HashSet::new();
    let mut types = HashSet::new();
    let mut level: Vec<Pending> = top.iter().map(|r| (r, root, None)).collect();
    let mut depth = 1;
    while !level.is_empty() {
        if depth > MAX_DEPTH {
            return Err(Err(invalid(format!(
                "sObject trees can be at most {MAX_DEPTH} levels deep"
            ))));
        }
        let mut next = Vec::new();
        for (rec, object, parent) in level {
            let Value::Object(rec) = rec else {
                return Err(Err(ApiError::bad_request(
                    "JSON_PARSER_ERROR",
                    "Cannot deserialize instance of the sObject from a non-object value",
                )));
            };
            let attrs = rec.get("attributes").and_then(Value::as_object);
            let reference_id = attrs
                .and_then(|a| a.get("referenceId"))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            if reference_id.is_empty() {
                return Err(Ok(input_error(
                    "",
                    "Missing referenceId in the attributes of a record",
                )));
            }
            if !reference_id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
            {
                return Err(Ok(input_error(
                    &reference_id,
                    "A referenceId can contain only letters, digits and underscores",
                )));
            }
            if !seen_refs.insert(reference_id.to_ascii_lowercase()) {
                return Err(Ok(input_error(
                    &reference_id,
                    "Duplicate ReferenceId provided in the request.",
                )));
            }
            let ty = attrs.and_then(|a| a.get("type")).and_then(Value::as_str);
            if !ty.is_some_and(|t| t.eq_ignore_ascii_case(object)) {
                return Err(Ok(input_error(
                    &reference_id,
                    &format!(
                        "The type of this record must be {object}, not {}",
                        ty.unwrap_or("missing")
                    ),
                )));
            }
            types.insert(object);
            if types.len() > MAX_TYPES {
                return Err(Err(invalid(format!(
                    "A request can hold records of at most {MAX_TYPES} types"
                ))));
            }
            let index = nodes.len();
            let mut fields = Map::new();
            for (k, v) in rec {
                if k == "attributes" {
                    continue;
                }
                let child = relations::child(object, k);
                match (child, v) {
                    (Some(c), Value::Object(list)) => {
                        let kids = records_of(list, &format!("under {k}")).map_err(Err)?;
                        next.extend(kids.iter().map(|kid| (kid, c.child, Some((index, c.fk)))));
                    }
                    _ => {
                        fields.insert(k.clone(), v.clone());
                    }
                }
            }
            nodes.push(Node {
                object,
                reference_id,
                fields,
                parent,
            });
            if nodes.len() > MAX_RECORDS {
                return Err(Err(invalid(format!(
                    "A request can hold at most {MAX_RECORDS} records across all trees"
                ))));
            }
        }
        level = next;
        depth += 1;
    }
    if nodes.is_empty() {
        return Err(Err(invalid("records must hold at least one record")));
    }
    Ok(nodes)
}

/// `errors` of a failed record: the API error's entries with `statusCode`.
fn errors_of(e: &ApiError) -> Value {
    e.body()
        .as_array()
        .map(|a| {
            a.iter()
                .map(|x| {
                    json!({
                        "statusCode": x["errorCode"],
                        "message": x["message"],
                        "fields": x.get("fields").cloned().unwrap_or_else(|| json!([])),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

pub fn tree_route(shared: &Shared, call: &Call) -> Result<(u16, Value), ApiError> {
    let (root, _) = schema::object(call.args.first().map(String::as_str).unwrap_or(""))
        .ok_or_else(ApiError::not_found)?;
    let body = records::parse_object(call.body)?;
    let nodes = match flatten(root, &body) {
        Ok(n) => n,
        Err(answer) => return answer,
    };
    let text = String::from_utf8_lossy(call.body).into_owned();
    let mut org = shared.org.write().unwrap_or_else(|e| e.into_inner());
    let snapshot = org.clone();
    let mut ids: Vec<String> = Vec::with_capacity(nodes.len());
    for node in &nodes {
        let mut fields = node.fields.clone();
        if let Some((p, fk)) = node.parent {
            fields.insert(fk.to_string(), Value::String(ids[p].clone()));
        }
        match records::create(&mut org, call.user_id, node.object, fields, &text) {
            Ok(id) => ids.push(id),
            Err(e) => {
                *org = snapshot;
                return Ok(failed(&node.reference_id, errors_of(&e)));
            }
        }
    }
    let results: Vec<Value> = nodes
        .iter()
        .zip(&ids)
        .map(|(n, id)| json!({"referenceId": n.reference_id, "id": id}))
        .collect();
    Ok((201, json!({"hasErrors": false, "results": results})))
}
