//! The data API under `/services/data/vXX.X/`: resources, search,
//! parameterizedSearch, query (with paging), sobjects, describe, create, limits.

use std::sync::atomic::Ordering;

use serde_json::{Map, Value, json};

use crate::eval;
use crate::org::{Org, User};
use crate::query_error::{ApiError, not_supported_type};
use crate::schema::{self, FieldType};
use crate::soql::{self, Parser};
use crate::sosl::{self, Scope, Search};
use crate::state::{Cursor, Shared};

pub struct Call<'a> {
    pub method: &'a str,
    /// The path after `/services/data/vXX.X/`, without a trailing slash.
    pub rest: &'a str,
    pub query: &'a [(String, String)],
    pub body: &'a [u8],
    pub batch_size: Option<usize>,
    pub version: &'a str,
    pub user_id: &'a str,
}

impl Call<'_> {
    fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

fn method_not_allowed(method: &str, allowed: &str) -> ApiError {
    ApiError::new(
        405,
        "METHOD_NOT_ALLOWED",
        format!("HTTP Method '{method}' not allowed. Allowed are {allowed}"),
    )
}

pub fn dispatch(shared: &Shared, call: &Call) -> Result<(u16, Value), ApiError> {
    let segments: Vec<&str> = if call.rest.is_empty() {
        Vec::new()
    } else {
        call.rest.split('/').collect()
    };
    let get_only = |r: Result<Value, ApiError>| -> Result<(u16, Value), ApiError> {
        if call.method == "GET" || call.method == "HEAD" {
            r.map(|v| (200, v))
        } else {
            Err(method_not_allowed(call.method, "GET,HEAD"))
        }
    };
    let org = shared.org.read().unwrap_or_else(|e| e.into_inner());
    let user = org.user_by_id(call.user_id).cloned().unwrap_or_default();
    match segments.as_slice() {
        [] => get_only(Ok(resources(
            call.version,
            &shared.instance_url,
            &org,
            call.user_id,
        ))),
        ["search"] => get_only(search(&org, &user, call)),
        ["parameterizedSearch"] => match call.method {
            "GET" => parameterized_get(&org, &user, call).map(|v| (200, v)),
            "POST" => parameterized_post(&org, &user, call).map(|v| (200, v)),
            m => Err(method_not_allowed(m, "GET,HEAD,POST")),
        },
        ["query"] | ["queryAll"] => get_only(query(shared, &org, &user, call)),
        ["query", locator] | ["queryAll", locator] => get_only(query_more(shared, locator)),
        ["limits"] => get_only(Ok(limits(shared, &org))),
        ["sobjects"] => get_only(Ok(sobjects(call.version))),
        ["sobjects", object] => {
            let (name, _) = schema::object(object).ok_or_else(ApiError::not_found)?;
            match call.method {
                "POST" => {
                    drop(org);
                    create(shared, name, call.body).map(|v| (201, v))
                }
                "GET" | "HEAD" => Ok((
                    200,
                    json!({"objectDescribe": describe_summary(name, call.version), "recentItems": []}),
                )),
                m => Err(method_not_allowed(m, "GET,HEAD,POST")),
            }
        }
        ["sobjects", object, "describe"] => {
            let (name, _) = schema::object(object).ok_or_else(ApiError::not_found)?;
            get_only(Ok(describe(name, &user, call.version)))
        }
        ["sobjects", object, id] => {
            let (name, _) = schema::object(object).ok_or_else(ApiError::not_found)?;
            get_only(retrieve(&org, &user, name, id, call.version))
        }
        _ => Err(ApiError::not_found()),
    }
}

fn resources(v: &str, instance: &str, org: &Org, user_id: &str) -> Value {
    let p = |r: &str| format!("/services/data/v{v}/{r}");
    json!({
        "tooling": p("tooling"),
        "metadata": p("metadata"),
        "eclair": p("eclair"),
        "folders": p("folders"),
        "prechatForms": p("prechatForms"),
        "chatter": p("chatter"),
        "tabs": p("tabs"),
        "appMenu": p("appMenu"),
        "quickActions": p("quickActions"),
        "queryAll": p("queryAll"),
        "commerce": p("commerce"),
        "wave": p("wave"),
        "iot": p("iot"),
        "analytics": p("analytics"),
        "search": p("search"),
        "identity": format!("{instance}/id/{}/{user_id}", org.id),
        "composite": p("composite"),
        "parameterizedSearch": p("parameterizedSearch"),
        "theme": p("theme"),
        "nouns": p("nouns"),
        "event": p("event"),
        "recent": p("recent"),
        "connect": p("connect"),
        "licensing": p("licensing"),
        "limits": p("limits"),
        "process": p("process"),
        "async-queries": p("async-queries"),
        "query": p("query"),
        "match": p("match"),
        "emailConnect": p("emailConnect"),
        "compactLayouts": p("compactLayouts"),
        "knowledgeManagement": p("knowledgeManagement"),
        "sobjects": p("sobjects"),
        "actions": p("actions"),
        "support": p("support"),
    })
}

/// Search responses: `{"searchRecords": [...]}` from v37.0, a bare array before
/// (the exact switch version is unconfirmed; see emulator/README.md).
fn search_response(records: Vec<Value>, version: &str) -> Value {
    let major: u32 = version
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    if major >= 37 {
        json!({"searchRecords": records})
    } else {
        Value::Array(records)
    }
}

fn search(org: &Org, user: &User, call: &Call) -> Result<Value, ApiError> {
    let q = call.param("q").ok_or_else(|| {
        ApiError::bad_request(
            "MALFORMED_SEARCH",
            "No search term found. The search term must be enclosed in braces.",
        )
    })?;
    let parsed = sosl::parse(q, user)?;
    Ok(search_response(
        sosl::execute(org, &parsed, user, call.version),
        call.version,
    ))
}

fn scope(s: Option<&str>) -> Result<Scope, ApiError> {
    Ok(match s.map(str::to_ascii_uppercase).as_deref() {
        None | Some("ALL") | Some("SIDEBAR") => Scope::All,
        Some("NAME") => Scope::Name,
        Some("EMAIL") => Scope::Email,
        Some("PHONE") => Scope::Phone,
        Some(other) => {
            return Err(ApiError::bad_request(
                "INVALID_SEARCH_SCOPE",
                format!("invalid search scope: {other}"),
            ));
        }
    })
}

/// One sobject of a parameterized search, checked like a RETURNING clause.
fn param_selection(
    user: &User,
    name: &str,
    fields: &[String],
    limit: Option<usize>,
    filter: Option<&str>,
) -> Result<soql::Selection, ApiError> {
    let (object, defs) = schema::object(name)
        .filter(|(n, _)| *n != "User")
        .ok_or_else(|| ApiError::bad_request("INVALID_TYPE", not_supported_type(name)))?;
    let src = fields.join(", ");
    let p = Parser::new(&src, Vec::new(), user, "INVALID_FIELD");
    let mut sel = soql::Selection {
        limit,
        ..soql::Selection::all_of(object)
    };
    for f in fields.iter().filter(|f| !f.trim().is_empty()) {
        sel.fields.push(p.resolve(object, defs, f.trim(), 0)?);
    }
    if let Some(w) = filter {
        let toks = soql::lex(w, 0, "MALFORMED_QUERY")?;
        let mut wp = Parser::new(w, toks, user, "MALFORMED_QUERY");
        sel.filter = Some(wp.condition(object, defs)?);
        if wp.peek().is_some() {
            return Err(wp.unexpected());
        }
    }
    Ok(sel)
}

fn parameterized(
    org: &Org,
    user: &User,
    version: &str,
    q: &str,
    scope: Scope,
    sels: Vec<soql::Selection>,
    overall: Option<usize>,
) -> Result<Value, ApiError> {
    let expr = sosl::parse_expr(q, q, 0)?;
    let search = Search {
        expr,
        scope,
        returning: Some(sels),
        limit: overall.map(|l| l.min(sosl::MAX_LIMIT)),
    };
    Ok(search_response(
        sosl::execute(org, &search, user, version),
        version,
    ))
}

/// An object's own field list, else the request's default list, else `Id`.
fn or_default(fields: Vec<String>, default: &[String]) -> Vec<String> {
    match (fields.is_empty(), default.is_empty()) {
        (false, _) => fields,
        (true, false) => default.to_vec(),
        (true, true) => vec!["Id".into()],
    }
}

fn split_fields(s: Option<&str>) -> Vec<String> {
    s.map(|s| {
        s.split(',')
            .map(|f| f.trim().to_string())
            .filter(|f| !f.is_empty())
            .collect()
    })
    .unwrap_or_default()
}

fn parameterized_get(org: &Org, user: &User, call: &Call) -> Result<Value, ApiError> {
    let q = call
        .param("q")
        .ok_or_else(|| ApiError::bad_request("MISSING_ARGUMENT", "q parameter is required"))?;
    let default_fields = split_fields(call.param("fields"));
    let default_limit = call.param("defaultLimit").and_then(|l| l.parse().ok());
    let mut names: Vec<&str> = call
        .query
        .iter()
        .filter(|(k, _)| k == "sobject")
        .map(|(_, v)| v.as_str())
        .collect();
    if names.is_empty() {
        names = schema::SEARCHABLE.to_vec();
    }
    let mut sels = Vec::new();
    for name in names {
        let fields = or_default(
            split_fields(call.param(&format!("{name}.fields"))),
            &default_fields,
        );
        let limit = call
            .param(&format!("{name}.limit"))
            .and_then(|l| l.parse().ok())
            .or(default_limit);
        sels.push(param_selection(
            user,
            name,
            &fields,
            limit,
            call.param(&format!("{name}.where")),
        )?);
    }
    let overall = call.param("overallLimit").and_then(|l| l.parse().ok());
    parameterized(
        org,
        user,
        call.version,
        q,
        scope(call.param("in"))?,
        sels,
        overall,
    )
}

fn parameterized_post(org: &Org, user: &User, call: &Call) -> Result<Value, ApiError> {
    let body: Value = serde_json::from_slice(call.body)
        .map_err(|e| ApiError::bad_request("JSON_PARSER_ERROR", e.to_string()))?;
    let q = body
        .get("q")
        .and_then(Value::as_str)
        .ok_or_else(|| ApiError::bad_request("MISSING_ARGUMENT", "q parameter is required"))?;
    let strings = |v: Option<&Value>| -> Vec<String> {
        v.and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let default_fields = strings(body.get("fields"));
    let default_limit = body
        .get("defaultLimit")
        .and_then(Value::as_u64)
        .map(|l| l as usize);
    let mut sels = Vec::new();
    let objects = body
        .get("sobjects")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_else(|| {
            schema::SEARCHABLE
                .iter()
                .map(|n| json!({"name": n}))
                .collect()
        });
    for o in &objects {
        let name = o.get("name").and_then(Value::as_str).unwrap_or("");
        let fields = or_default(strings(o.get("fields")), &default_fields);
        let limit = o
            .get("limit")
            .and_then(Value::as_u64)
            .map(|l| l as usize)
            .or(default_limit);
        sels.push(param_selection(
            user,
            name,
            &fields,
            limit,
            o.get("where").and_then(Value::as_str),
        )?);
    }
    let overall = body
        .get("overallLimit")
        .and_then(Value::as_u64)
        .map(|l| l as usize);
    parameterized(
        org,
        user,
        call.version,
        q,
        scope(body.get("in").and_then(Value::as_str))?,
        sels,
        overall,
    )
}

pub const DEFAULT_BATCH: usize = 2000;

fn query(shared: &Shared, org: &Org, user: &User, call: &Call) -> Result<Value, ApiError> {
    let q = call.param("q").ok_or_else(|| {
        ApiError::bad_request("MALFORMED_QUERY", "A query string has to be specified")
    })?;
    let parsed = soql::parse(q, user)?;
    // `sf data query` also asks for the columns (`&columns=true`): no records then.
    if call.param("columns") == Some("true") {
        return Ok(soql::columns::metadata(&parsed));
    }
    let rows = match soql::run::run(org, &parsed, call.version) {
        // COUNT(): the count is totalSize and records is empty (SOQL reference,
        // "COUNT() and COUNT(fieldName)").
        soql::run::Answer::Count(n) => {
            return Ok(json!({"totalSize": n, "done": true, "records": []}));
        }
        soql::run::Answer::Rows(rows) => rows,
    };
    // Sforce-Query-Options batchSize: 200 to 2,000, default 2,000.
    let batch = call.batch_size.unwrap_or(DEFAULT_BATCH).clamp(200, 2000);
    Ok(page(shared, rows, batch, 0, call.version))
}

fn page(
    shared: &Shared,
    mut rows: Vec<Value>,
    batch: usize,
    offset: usize,
    version: &str,
) -> Value {
    let total = offset + rows.len();
    if rows.len() <= batch {
        return json!({"totalSize": total, "done": true, "records": rows});
    }
    let rest = rows.split_off(batch);
    let next = offset + batch;
    let locator = shared.store_cursor(Cursor {
        rows: rest,
        total,
        batch,
        version: version.to_string(),
    });
    json!({"totalSize": total, "done": false, "nextRecordsUrl": format!("/services/data/v{version}/query/{locator}-{next}"), "records": rows})
}

fn query_more(shared: &Shared, locator: &str) -> Result<Value, ApiError> {
    let invalid = || ApiError::bad_request("INVALID_QUERY_LOCATOR", "invalid query locator");
    let (id, offset) = locator.rsplit_once('-').ok_or_else(invalid)?;
    let offset: usize = offset.parse().map_err(|_| invalid())?;
    let cursor = shared
        .cursors
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .remove(id)
        .ok_or_else(invalid)?;
    if offset + cursor.rows.len() != cursor.total {
        return Err(invalid());
    }
    let mut v = page(shared, cursor.rows, cursor.batch, offset, &cursor.version);
    if let Some(o) = v.as_object_mut() {
        o.insert("totalSize".into(), json!(cursor.total));
    }
    Ok(v)
}

fn limits(shared: &Shared, org: &Org) -> Value {
    let used = shared.api_calls.load(Ordering::Relaxed);
    let max = org.settings.api_limit;
    json!({
        "DailyApiRequests": {"Max": max, "Remaining": max.saturating_sub(used)},
        "DailyAsyncApexExecutions": {"Max": 250000, "Remaining": 250000},
        "DataStorageMB": {"Max": 5, "Remaining": 5},
        "FileStorageMB": {"Max": 20, "Remaining": 20},
    })
}

fn describe_summary(name: &str, v: &str) -> Value {
    let (label, plural) = schema::labels(name);
    json!({
        "name": name, "label": label, "labelPlural": plural, "keyPrefix": crate::ids::key_prefix(name),
        "custom": false, "queryable": true, "searchable": schema::SEARCHABLE.contains(&name),
        "createable": name != "User", "updateable": name != "User", "deletable": name != "User", "retrieveable": true,
        "urls": {
            "sobject": format!("/services/data/v{v}/sobjects/{name}"),
            "describe": format!("/services/data/v{v}/sobjects/{name}/describe"),
            "rowTemplate": format!("/services/data/v{v}/sobjects/{name}/{{ID}}"),
        }
    })
}

fn sobjects(v: &str) -> Value {
    let list: Vec<Value> = schema::OBJECTS
        .iter()
        .map(|(n, ..)| describe_summary(n, v))
        .collect();
    json!({"encoding": "UTF-8", "maxBatchSize": 200, "sobjects": list})
}

/// Describe: the fields this user can see, with types and flags.
fn describe(name: &'static str, user: &User, v: &str) -> Value {
    let (_, defs) = schema::object(name).unwrap_or((name, &[]));
    let fields: Vec<Value> = defs
        .iter()
        .filter(|f| user.can_see(name, f.name))
        .map(|f| {
            let length = match f.kind {
                FieldType::Id | FieldType::Reference => 18,
                FieldType::Phone => 40,
                FieldType::Email => 80,
                FieldType::TextArea => 32000,
                FieldType::Boolean | FieldType::Date | FieldType::DateTime | FieldType::Int => 0,
                _ => 255,
            };
            let picklist: Vec<Value> = f.restricted.iter().map(|p| json!({"active": true, "defaultValue": false, "label": p, "value": p})).collect();
            json!({
                "name": f.name,
                "label": f.label,
                "type": f.kind.api_name(),
                "length": length,
                "nillable": !matches!(f.name, "Id" | "Name" | "LastName" | "IsClosed" | "IsConverted" | "CreatedDate"),
                "createable": f.createable,
                "updateable": f.createable,
                "filterable": f.kind != FieldType::TextArea,
                "sortable": f.kind != FieldType::TextArea,
                "idLookup": f.name == "Id" || f.name == "CaseNumber" || f.kind == FieldType::Email,
                "nameField": f.name == "Name",
                "referenceTo": f.reference.map(|(p, _)| vec![p]).unwrap_or_default(),
                "relationshipName": f.reference.map(|(_, r)| r),
                "restrictedPicklist": !f.restricted.is_empty(),
                "picklistValues": picklist,
            })
        })
        .collect();
    let mut d = describe_summary(name, v);
    if let Some(o) = d.as_object_mut() {
        o.insert("fields".into(), Value::Array(fields));
    }
    d
}

fn retrieve(
    org: &Org,
    user: &User,
    name: &'static str,
    id: &str,
    v: &str,
) -> Result<Value, ApiError> {
    if !crate::ids::is_valid_id(id) {
        return Err(ApiError::not_found());
    }
    let (object, rec) = org
        .get(id)
        .filter(|(o, _)| *o == name)
        .ok_or_else(ApiError::not_found)?;
    let mut out = Map::new();
    out.insert("attributes".into(), eval::attributes(object, rec.id(), v));
    for (k, val) in &rec.values {
        if user.can_see(object, k) {
            out.insert(k.clone(), val.clone());
        }
    }
    Ok(Value::Object(out))
}

/// `POST /sobjects/<Object>`: Task (and the other standard objects) with field errors.
fn create(shared: &Shared, name: &'static str, body: &[u8]) -> Result<Value, ApiError> {
    let parsed: Value = serde_json::from_slice(body).map_err(|e| {
        ApiError::bad_request("JSON_PARSER_ERROR", format!("Unexpected character: {e}"))
    })?;
    let Value::Object(row) = parsed else {
        return Err(ApiError::bad_request(
            "JSON_PARSER_ERROR",
            "Cannot deserialize instance of the sObject from a non-object value",
        ));
    };
    if name == "User" {
        return Err(ApiError::bad_request(
            "INVALID_TYPE_FOR_OPERATION",
            "entity type cannot be inserted: User",
        ));
    }
    let (_, defs) = schema::object(name).ok_or_else(ApiError::not_found)?;
    let mut org = shared.org.write().unwrap_or_else(|e| e.into_inner());
    let mut clean = Map::new();
    for (k, v) in row {
        if k.eq_ignore_ascii_case("Id") {
            return Err(ApiError::bad_request(
                "INVALID_FIELD",
                "The Id field should not be specified in the sobject data.",
            ));
        }
        if k == "attributes" {
            continue;
        }
        let f = schema::field(defs, &k).ok_or_else(|| {
            ApiError::bad_request(
                "INVALID_FIELD",
                format!("No such column '{k}' on sobject of type {name}"),
            )
        })?;
        if !f.createable {
            return Err(ApiError::bad_request(
                "INVALID_FIELD_FOR_INSERT_UPDATE",
                format!("Unable to create/update fields: {}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.", f.name),
            )
            .with_fields(vec![f.name.to_string()]));
        }
        if !f.restricted.is_empty() && !v.is_null() {
            let ok = v.as_str().is_some_and(|s| f.restricted.contains(&s));
            if !ok {
                let shown = v
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| v.to_string());
                return Err(ApiError::bad_request(
                    "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                    format!("bad value for restricted picklist field: {shown}"),
                )
                .with_fields(vec![f.name.to_string()]));
            }
        }
        if matches!(f.kind, FieldType::Reference)
            && let Some(id) = v.as_str()
        {
            check_reference(&org, name, f.name, id)?;
        }
        clean.insert(f.name.to_string(), v);
    }
    let required: &[&str] = match name {
        "Account" => &["Name"],
        "Contact" => &["LastName"],
        "Lead" => &["LastName", "Company"],
        _ => &[],
    };
    let missing: Vec<String> = required
        .iter()
        .filter(|r| clean.get(**r).is_none_or(Value::is_null))
        .map(|r| r.to_string())
        .collect();
    if !missing.is_empty() {
        return Err(ApiError::bad_request(
            "REQUIRED_FIELD_MISSING",
            format!("Required fields are missing: [{}]", missing.join(", ")),
        )
        .with_fields(missing));
    }
    if name == "Task" {
        clean.entry("Status").or_insert(json!("Not Started"));
        clean.entry("Priority").or_insert(json!("Normal"));
        if let (Some(who), Some(_)) = (
            clean.get("WhoId").and_then(Value::as_str),
            clean.get("WhatId"),
        ) && who.starts_with("00Q")
        {
            return Err(ApiError::bad_request(
                "FIELD_INTEGRITY_EXCEPTION",
                "Related To ID: You can't associate a lead with a record in the Related To field.",
            )
            .with_fields(vec!["WhatId".into()]));
        }
    }
    let id = org
        .insert(name, clean)
        .map_err(|e| ApiError::bad_request("INVALID_FIELD", e.0))?;
    Ok(json!({"id": id, "errors": [], "success": true}))
}

fn check_reference(org: &Org, object: &str, field: &str, id: &str) -> Result<(), ApiError> {
    let (label, allowed): (&str, &[&str]) = match (object, field) {
        ("Task", "WhoId") => ("Name ID", &["003", "00Q"]),
        ("Task", "WhatId") => ("Related To ID", &["001", "500"]),
        (_, "AccountId") => ("Account ID", &["001"]),
        (_, "ContactId") => ("Contact ID", &["003"]),
        (_, "OwnerId") => ("Owner ID", &["005"]),
        _ => ("ID", &[]),
    };
    if !crate::ids::is_valid_id(id) {
        return Err(ApiError::bad_request(
            "MALFORMED_ID",
            format!("{label}: id value of incorrect type: {id}"),
        )
        .with_fields(vec![field.to_string()]));
    }
    let exists = if id.starts_with("005") {
        org.user_by_id(id).is_some()
    } else {
        org.get(id).is_some()
    };
    if !allowed.iter().any(|p| id.starts_with(p)) || !exists {
        return Err(ApiError::bad_request(
            "FIELD_INTEGRITY_EXCEPTION",
            format!("{label}: id value of incorrect type: {id}"),
        )
        .with_fields(vec![field.to_string()]));
    }
    Ok(())
}
