//! Writing and reading single records: `POST sobjects/<Object>` (201),
//! `GET`/`PATCH`/`DELETE sobjects/<Object>/<Id>` (200/204/204) and
//! `GET sobjects/<Object>/<Field>/<value>`. Values are converted and checked by
//! the field's type as describe gives it; errors use Salesforce's codes.

use serde_json::{Map, Value, json};

use crate::datetime;
use crate::eval;
use crate::org::{Org, User};
use crate::query_error::ApiError;
use crate::rest::{Call, running_user};
use crate::schema::{self, Field, FieldType};
use crate::state::Shared;

fn arg<'c>(call: &'c Call, i: usize) -> &'c str {
    call.args.get(i).map(String::as_str).unwrap_or("")
}

fn object(name: &str) -> Result<(&'static str, &'static [Field]), ApiError> {
    schema::object(name).ok_or_else(ApiError::not_found)
}

pub fn no_such_column(field: &str, object: &str) -> ApiError {
    ApiError::bad_request(
        "INVALID_FIELD",
        format!("No such column '{field}' on sobject of type {object}"),
    )
}

/// A request body that must be one JSON object.
pub fn parse_object(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    let parsed: Value = serde_json::from_slice(body).map_err(|e| {
        ApiError::bad_request("JSON_PARSER_ERROR", format!("Unexpected character: {e}"))
    })?;
    match parsed {
        Value::Object(m) => Ok(m),
        _ => Err(ApiError::bad_request(
            "JSON_PARSER_ERROR",
            "Cannot deserialize instance of the sObject from a non-object value",
        )),
    }
}

/// Jackson's token name for a JSON value, as Salesforce's parser errors quote it.
fn token(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "VALUE_STRING",
        Value::Bool(true) => "VALUE_TRUE",
        Value::Bool(false) => "VALUE_FALSE",
        Value::Number(n) if n.is_f64() => "VALUE_NUMBER_FLOAT",
        Value::Number(_) => "VALUE_NUMBER_INT",
        Value::Array(_) => "START_ARRAY",
        Value::Object(_) => "START_OBJECT",
        Value::Null => "VALUE_NULL",
    }
}

/// `JSON_PARSER_ERROR` for a value of the wrong type, worded as Salesforce's
/// REST parser words it (restforce#897, regican/Salesforce#2). The column is the
/// end of the value's first occurrence in the body (1-based), line 1 for
/// compact bodies.
fn type_error(type_name: &str, v: &Value, body: &str) -> ApiError {
    let shown = match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let needle = v.to_string();
    let (line, column) = match body.find(&needle) {
        Some(at) => {
            let before = &body[..at + needle.len()];
            let line = before.matches('\n').count() + 1;
            let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
            (line, col)
        }
        None => (1, 1),
    };
    ApiError::bad_request(
        "JSON_PARSER_ERROR",
        format!(
            "Cannot deserialize instance of {type_name} from {} value {shown} or request may be missing a required field at [line:{line}, column:{column}]",
            token(v)
        ),
    )
}

/// Converts a JSON value to what the field stores, or refuses it.
pub fn convert(f: &Field, v: Value, body: &str) -> Result<Value, ApiError> {
    if v.is_null() {
        return Ok(v);
    }
    let fields = || vec![f.name.to_string()];
    let value = match f.kind {
        FieldType::Int => {
            let n = match &v {
                Value::Number(n) => n.as_i64().or_else(|| {
                    n.as_f64()
                        .filter(|x| x.fract() == 0.0 && x.abs() < 2e9)
                        .map(|x| x as i64)
                }),
                Value::String(s) => s.trim().parse::<i64>().ok(),
                _ => None,
            };
            match n {
                Some(n) if i32::try_from(n).is_ok() => json!(n),
                _ => return Err(type_error("int", &v, body)),
            }
        }
        FieldType::Boolean => match &v {
            Value::Bool(b) => json!(b),
            Value::String(s) if s.eq_ignore_ascii_case("true") => json!(true),
            Value::String(s) if s.eq_ignore_ascii_case("false") => json!(false),
            _ => return Err(type_error("boolean", &v, body)),
        },
        FieldType::Date => match v.as_str().and_then(datetime::parse_date) {
            Some((y, m, d)) => json!(format!("{y:04}-{m:02}-{d:02}")),
            None => return Err(type_error("date", &v, body)),
        },
        FieldType::DateTime => match v.as_str().and_then(datetime::parse_datetime) {
            Some(ms) => json!(datetime::format_millis(ms)),
            None => return Err(type_error("datetime", &v, body)),
        },
        _ => match &v {
            Value::String(s) => json!(s),
            Value::Number(n) => json!(n.to_string()),
            Value::Bool(b) => json!(b.to_string()),
            _ => return Err(type_error("string", &v, body)),
        },
    };
    if let Some(s) = value.as_str() {
        let max = schema::length(f);
        if max > 0 && s.chars().count() > max {
            return Err(ApiError::bad_request(
                "STRING_TOO_LONG",
                format!("{}: data value too large: {s} (max length={max})", f.label),
            )
            .with_fields(fields()));
        }
        if !f.restricted.is_empty() && !f.restricted.contains(&s) {
            return Err(ApiError::bad_request(
                "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                format!("bad value for restricted picklist field: {s}"),
            )
            .with_fields(fields()));
        }
        if f.kind == FieldType::Email && !s.is_empty() && !looks_like_email(s) {
            return Err(ApiError::bad_request(
                "INVALID_EMAIL_ADDRESS",
                format!("{}: invalid email address: {s}", f.label),
            )
            .with_fields(fields()));
        }
    }
    Ok(value)
}

fn looks_like_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.')
        }
        None => false,
    }
}

/// Checks a reference value: a well-formed id of an allowed object that exists.
pub fn check_reference(org: &Org, object: &str, f: &Field, id: &str) -> Result<(), ApiError> {
    let (targets, _) = schema::reference_to(object, f);
    let fields = || vec![f.name.to_string()];
    if !crate::ids::is_valid_id(id) {
        return Err(ApiError::bad_request(
            "MALFORMED_ID",
            format!("{}: id value of incorrect type: {id}", f.label),
        )
        .with_fields(fields()));
    }
    let found = org.get(id).map(|(o, _)| o);
    if !found.is_some_and(|o| targets.contains(&o)) {
        return Err(ApiError::bad_request(
            "FIELD_INTEGRITY_EXCEPTION",
            format!("{}: id value of incorrect type: {id}", f.label),
        )
        .with_fields(fields()));
    }
    Ok(())
}

/// The fields of a create or update body, converted and checked. `creating`
/// decides between createable and updateable.
fn clean_fields(
    org: &Org,
    user: &User,
    object: &'static str,
    defs: &'static [Field],
    row: Map<String, Value>,
    body: &str,
    creating: bool,
) -> Result<Map<String, Value>, ApiError> {
    let mut clean = Map::new();
    for (k, v) in row {
        if k == "attributes" {
            continue;
        }
        if k.eq_ignore_ascii_case("Id") {
            return Err(ApiError::bad_request(
                "INVALID_FIELD",
                "The Id field should not be specified in the sobject data.",
            ));
        }
        // A field hidden by field-level security does not exist for this user.
        let f = schema::field(defs, &k)
            .filter(|f| user.can_see(object, f.name))
            .ok_or_else(|| no_such_column(&k, object))?;
        let allowed = if creating {
            f.createable
        } else {
            schema::updateable(object, f)
        };
        if !allowed {
            return Err(ApiError::bad_request(
                "INVALID_FIELD_FOR_INSERT_UPDATE",
                format!("Unable to create/update fields: {}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.", f.name),
            )
            .with_fields(vec![f.name.to_string()]));
        }
        let v = convert(f, v, body)?;
        if f.kind == FieldType::Reference
            && let Some(id) = v.as_str()
        {
            check_reference(org, object, f, id)?;
        }
        clean.insert(f.name.to_string(), v);
    }
    Ok(clean)
}

fn required_missing(object: &str, values: &Map<String, Value>) -> Result<(), ApiError> {
    let missing: Vec<String> = schema::required(object)
        .iter()
        .filter(|r| values.get(**r).is_none_or(|v| v.is_null() || v == ""))
        .map(|r| r.to_string())
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(ApiError::bad_request(
        "REQUIRED_FIELD_MISSING",
        format!("Required fields are missing: [{}]", missing.join(", ")),
    )
    .with_fields(missing))
}

/// A lead in WhoId cannot go with a WhatId (salesforce-api.md section 6).
fn task_rules(values: &Map<String, Value>) -> Result<(), ApiError> {
    let who = values.get("WhoId").and_then(Value::as_str);
    let what = values.get("WhatId").filter(|v| !v.is_null());
    if who.is_some_and(|w| w.starts_with("00Q")) && what.is_some() {
        return Err(ApiError::bad_request(
            "FIELD_INTEGRITY_EXCEPTION",
            "Related To ID: You can't associate a lead with a record in the Related To field.",
        )
        .with_fields(vec!["WhatId".into()]));
    }
    Ok(())
}

fn refuse_system(object: &str, verb: &str) -> Result<(), ApiError> {
    if schema::SYSTEM_OBJECTS.contains(&object) {
        return Err(ApiError::bad_request(
            "INVALID_TYPE_FOR_OPERATION",
            format!("entity type cannot be {verb}: {object}"),
        ));
    }
    Ok(())
}

/// Creates one record: defaults, required fields, CreatedDate/LastModifiedDate
/// now, OwnerId the running user unless given.
pub fn create(
    org: &mut Org,
    user_id: &str,
    object: &'static str,
    row: Map<String, Value>,
    body: &str,
) -> Result<String, ApiError> {
    refuse_system(object, "inserted")?;
    let (_, defs) = object_defs(object)?;
    let user = org.user_by_id(user_id).cloned().unwrap_or_default();
    let mut clean = clean_fields(org, &user, object, defs, row, body, true)?;
    for f in defs {
        if let Some(d) = schema::default_value(object, f.name)
            && clean.get(f.name).is_none_or(Value::is_null)
        {
            clean.insert(f.name.to_string(), json!(d));
        }
    }
    required_missing(object, &clean)?;
    if object == "Task" {
        task_rules(&clean)?;
    }
    if schema::field(defs, "OwnerId").is_some() {
        clean.entry("OwnerId").or_insert_with(|| json!(user_id));
    }
    let now = datetime::now();
    clean.insert("CreatedDate".into(), json!(now));
    clean.insert("LastModifiedDate".into(), json!(now));
    org.insert(object, clean)
        .map_err(|e| ApiError::bad_request("INVALID_FIELD", e.0))
}

fn object_defs(name: &str) -> Result<(&'static str, &'static [Field]), ApiError> {
    object(name)
}

/// The record `id` of `object`, or 404 (Salesforce answers NOT_FOUND for an id of
/// another object, a malformed id and a deleted record alike on this path).
fn existing<'o>(org: &'o Org, object: &str, id: &str) -> Result<&'o crate::org::Record, ApiError> {
    if !crate::ids::is_valid_id(id) {
        return Err(ApiError::not_found());
    }
    let id = full_id(org, id);
    org.get(&id)
        .filter(|(o, _)| *o == object)
        .map(|(_, r)| r)
        .ok_or_else(ApiError::not_found)
}

/// A 15-character id names the same record as its 18-character form.
pub fn full_id(org: &Org, id: &str) -> String {
    if id.len() == 15 {
        let long = crate::ids::with_checksum(id);
        if org.get(&long).is_some() {
            return long;
        }
    }
    id.to_string()
}

pub fn update(
    org: &mut Org,
    user_id: &str,
    object: &'static str,
    id: &str,
    row: Map<String, Value>,
    body: &str,
) -> Result<(), ApiError> {
    refuse_system(object, "updated")?;
    let (_, defs) = object_defs(object)?;
    let current = existing(org, object, id)?.values.clone();
    let id = full_id(org, id);
    let user = org.user_by_id(user_id).cloned().unwrap_or_default();
    let clean = clean_fields(org, &user, object, defs, row, body, false)?;
    let mut after = current;
    for (k, v) in &clean {
        after.insert(k.clone(), v.clone());
    }
    required_missing(object, &after)?;
    if object == "Task" {
        task_rules(&after)?;
    }
    org.update(&id, clean, &datetime::now())
        .map_err(|e| ApiError::bad_request("INVALID_FIELD", e.0))
}

pub fn delete(org: &mut Org, object: &'static str, id: &str) -> Result<(), ApiError> {
    refuse_system(object, "deleted")?;
    existing(org, object, id)?;
    let id = full_id(org, id);
    cascade(org, object, &id, &datetime::now());
    org.delete(&id);
    Ok(())
}

/// What deleting `id` does to its children (describe's `cascadeDelete`): they
/// are deleted with it, or their reference is cleared. Bounded by the depth of
/// `relations::CHILDREN` (Account, Contact, Task).
fn cascade(org: &mut Org, object: &str, id: &str, now: &str) {
    for c in crate::relations::CHILDREN
        .iter()
        .filter(|c| c.parent == object)
    {
        let kids: Vec<String> = org
            .records(c.child)
            .iter()
            .filter(|r| r.get(c.fk).as_str() == Some(id))
            .map(|r| r.id().to_string())
            .collect();
        for kid in kids {
            if crate::relations::cascades(c) {
                cascade(org, c.child, &kid, now);
                org.delete(&kid);
            } else {
                let mut clear = Map::new();
                clear.insert(c.fk.to_string(), Value::Null);
                let _ = org.update(&kid, clear, now);
            }
        }
    }
}

/// A record as retrieve returns it: `attributes`, then every field the user can
/// see, null ones included (or only `fields`, when the request names them).
pub fn render_full(
    rec: &crate::org::Record,
    object: &str,
    defs: &[Field],
    user: &User,
    only: Option<&[String]>,
    version: &str,
) -> Result<Value, ApiError> {
    let mut out = Map::new();
    out.insert(
        "attributes".into(),
        eval::attributes(object, rec.id(), version),
    );
    match only {
        Some(names) => {
            for n in names {
                let f = schema::field(defs, n)
                    .filter(|f| user.can_see(object, f.name))
                    .ok_or_else(|| no_such_column(n, object))?;
                out.insert(f.name.to_string(), rec.get(f.name).clone());
            }
        }
        None => {
            for f in defs.iter().filter(|f| user.can_see(object, f.name)) {
                out.insert(f.name.to_string(), rec.get(f.name).clone());
            }
        }
    }
    Ok(Value::Object(out))
}

fn fields_param(call: &Call) -> Option<Vec<String>> {
    call.query
        .iter()
        .find(|(k, _)| k == "fields")
        .map(|(_, v)| {
            v.split(',')
                .map(|f| f.trim().to_string())
                .filter(|f| !f.is_empty())
                .collect()
        })
}

fn write_lock(shared: &Shared) -> std::sync::RwLockWriteGuard<'_, Org> {
    shared.org.write().unwrap_or_else(|e| e.into_inner())
}

pub fn create_route(shared: &Shared, call: &Call) -> Result<(u16, Value), ApiError> {
    let (name, _) = object(arg(call, 0))?;
    let row = parse_object(call.body)?;
    let body = String::from_utf8_lossy(call.body);
    let mut org = write_lock(shared);
    let id = create(&mut org, call.user_id, name, row, &body)?;
    Ok((201, json!({"id": id, "errors": [], "success": true})))
}

pub fn retrieve_route(shared: &Shared, call: &Call) -> Result<(u16, Value), ApiError> {
    let (name, defs) = object(arg(call, 0))?;
    let org = shared.org.read().unwrap_or_else(|e| e.into_inner());
    let user = running_user(&org, call);
    let rec = existing(&org, name, arg(call, 1))?;
    let only = fields_param(call);
    render_full(rec, name, defs, &user, only.as_deref(), call.version).map(|v| (200, v))
}

pub fn update_route(shared: &Shared, call: &Call) -> Result<(u16, Value), ApiError> {
    let (name, _) = object(arg(call, 0))?;
    let row = parse_object(call.body)?;
    let body = String::from_utf8_lossy(call.body);
    let mut org = write_lock(shared);
    update(&mut org, call.user_id, name, arg(call, 1), row, &body)?;
    Ok((204, Value::Null))
}

pub fn delete_route(shared: &Shared, call: &Call) -> Result<(u16, Value), ApiError> {
    let (name, _) = object(arg(call, 0))?;
    let mut org = write_lock(shared);
    delete(&mut org, name, arg(call, 1))?;
    Ok((204, Value::Null))
}

/// `GET sobjects/<Object>/<Field>/<value>`: by an idLookup field. One match is
/// the record; several are 300 with their URLs (errorcodes.htm: 300 "multiple
/// external-id matches").
pub fn by_field_route(shared: &Shared, call: &Call) -> Result<(u16, Value), ApiError> {
    let (name, defs) = object(arg(call, 0))?;
    let org = shared.org.read().unwrap_or_else(|e| e.into_inner());
    let user = running_user(&org, call);
    let field_name = arg(call, 1);
    let f = schema::field(defs, field_name)
        .filter(|f| user.can_see(name, f.name))
        .filter(|f| org.is_id_lookup(name, f))
        .ok_or_else(|| {
            ApiError::new(
                404,
                "NOT_FOUND",
                format!(
                    "Provided external ID field does not exist or is not accessible: {field_name}"
                ),
            )
        })?;
    let wanted = arg(call, 2);
    let hits: Vec<&crate::org::Record> = org
        .records(name)
        .iter()
        .filter(|r| {
            r.get(f.name)
                .as_str()
                .is_some_and(|v| v.eq_ignore_ascii_case(wanted))
        })
        .collect();
    match hits.as_slice() {
        [] => Err(ApiError::not_found()),
        [one] => render_full(
            one,
            name,
            defs,
            &user,
            fields_param(call).as_deref(),
            call.version,
        )
        .map(|v| (200, v)),
        many => Ok((
            300,
            Value::Array(
                many.iter()
                    .map(|r| {
                        json!(format!(
                            "/services/data/v{}/sobjects/{name}/{}",
                            call.version,
                            r.id()
                        ))
                    })
                    .collect(),
            ),
        )),
    }
}
