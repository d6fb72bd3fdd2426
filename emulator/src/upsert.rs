//! Upsert by external id: `PATCH sobjects/<Object>/<Field>/<value>` (and
//! `.../Id/<id>`), and the special case `POST sobjects/<Object>/Id` that creates.
//! Sources (emulator/README.md 20): dome_upsert.htm, resources_sobject_upsert.htm,
//! resources_sobject_upsert_patch.htm.
//!
//! - no match: the record is created with the field set to the value, 201
//!   `{id, success, errors, created: true}` (`created` from v46.0);
//! - one match: it is updated, 200 `{id, success, errors, created: false}` from
//!   v46.0, 204 with no body before;
//! - several: 300 with the matching records' URLs, nothing written;
//! - `?updateOnly=true`: no match is 404 `NOT_FOUND` instead of a create.

use serde_json::{Map, Value, json};

use crate::org::Org;
use crate::query_error::ApiError;
use crate::records;
use crate::rest::Call;
use crate::schema;
use crate::state::Shared;

fn arg<'c>(call: &'c Call, i: usize) -> &'c str {
    call.args.get(i).map(String::as_str).unwrap_or("")
}

/// `created` and the 200 answer to an update came with API version 46.0.
fn since_46(version: &str) -> bool {
    version
        .split('.')
        .next()
        .and_then(|v| v.parse::<u32>().ok())
        .is_some_and(|v| v >= 46)
}

fn saved(id: &str, created: bool, version: &str) -> Value {
    if since_46(version) {
        json!({"id": id, "success": true, "errors": [], "created": created})
    } else {
        json!({"id": id, "success": true, "errors": []})
    }
}

/// The records of `object` whose `field` is `value` (case-insensitive, as
/// external ids match; ids compare by their 18-character form).
fn matches(org: &Org, object: &str, field: &str, value: &str) -> Vec<String> {
    if field == "Id" {
        if !crate::ids::is_valid_id(value) {
            return Vec::new();
        }
        let full = records::full_id(org, value);
        return org
            .get(&full)
            .filter(|(o, _)| *o == object)
            .map(|(_, r)| vec![r.id().to_string()])
            .unwrap_or_default();
    }
    org.records(object)
        .iter()
        .filter(|r| match r.get(field) {
            Value::String(s) => s.eq_ignore_ascii_case(value),
            Value::Number(n) => n.to_string() == value,
            _ => false,
        })
        .map(|r| r.id().to_string())
        .collect()
}

fn flag(call: &Call, name: &str) -> bool {
    call.query
        .iter()
        .any(|(k, v)| k == name && v.eq_ignore_ascii_case("true"))
}

/// `PATCH sobjects/<Object>/<Field>/<value>`.
pub fn upsert_route(shared: &Shared, call: &Call) -> Result<(u16, Value), ApiError> {
    let (object, defs) = schema::object(arg(call, 0)).ok_or_else(ApiError::not_found)?;
    let mut org = shared.org.write().unwrap_or_else(|e| e.into_inner());
    let user = org.user_by_id(call.user_id).cloned().unwrap_or_default();
    let field_name = arg(call, 1);
    let value = arg(call, 2);
    // An unknown, hidden or non-external-id field: the documented "Incorrect
    // external ID field" answer.
    let field = schema::field(defs, field_name)
        .filter(|f| user.can_see(object, f.name))
        .filter(|f| org.is_id_lookup(object, f))
        .ok_or_else(ApiError::not_found)?;
    let mut row = records::parse_object(call.body)?;
    let body = String::from_utf8_lossy(call.body).into_owned();
    // The external id may be repeated in the body with the same value.
    if let Some(key) = row
        .keys()
        .find(|k| k.eq_ignore_ascii_case(field.name) && field.name != "Id")
        .cloned()
    {
        let same = match row.get(&key) {
            Some(Value::String(s)) => s.eq_ignore_ascii_case(value),
            Some(Value::Number(n)) => n.to_string() == value,
            _ => false,
        };
        if !same {
            return Err(ApiError::bad_request(
                "INVALID_FIELD",
                format!(
                    "The value of {} in the request body does not match the external id in the URL: {value}",
                    field.name
                ),
            )
            .with_fields(vec![field.name.to_string()]));
        }
        row.remove(&key);
    }
    let hits = matches(&org, object, field.name, value);
    match hits.as_slice() {
        [] if field.name == "Id" || flag(call, "updateOnly") => Err(ApiError::not_found()),
        [] => {
            let mut row: Map<String, Value> = row;
            row.insert(field.name.to_string(), Value::String(value.to_string()));
            let id = records::create(&mut org, call.user_id, object, row, &body)?;
            Ok((201, saved(&id, true, call.version)))
        }
        [one] => {
            records::update(&mut org, call.user_id, object, one, row, &body)?;
            if since_46(call.version) {
                Ok((200, saved(one, false, call.version)))
            } else {
                Ok((204, Value::Null))
            }
        }
        many => Ok((
            300,
            Value::Array(
                many.iter()
                    .map(|id| {
                        json!(format!(
                            "/services/data/v{}/sobjects/{object}/{id}",
                            call.version
                        ))
                    })
                    .collect(),
            ),
        )),
    }
}

/// `POST sobjects/<Object>/Id` (v37.0 and later): `Id` as the external id with a
/// null value, so always a create, answered as a create is.
pub fn create_by_id_route(shared: &Shared, call: &Call) -> Result<(u16, Value), ApiError> {
    records::create_route(shared, call)
}
