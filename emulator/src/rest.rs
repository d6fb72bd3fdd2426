//! The data API under `/services/data/vXX.X/`: resources, search,
//! parameterizedSearch, query (with paging), sobjects, describe, limits. Record
//! writes are in `records.rs`, composite resources in `composite.rs`; the routes
//! themselves are listed in `routes.rs`.

use std::sync::atomic::Ordering;

use serde_json::{Value, json};

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
    /// The `*` segments of the route's pattern, decoded.
    pub args: &'a [String],
}

impl Call<'_> {
    fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

fn read_org(shared: &Shared) -> std::sync::RwLockReadGuard<'_, Org> {
    shared.org.read().unwrap_or_else(|e| e.into_inner())
}

/// The running user's profile (visibility of fields).
pub fn running_user(org: &Org, call: &Call) -> User {
    org.user_by_id(call.user_id).cloned().unwrap_or_default()
}

fn arg<'c>(call: &'c Call, i: usize) -> &'c str {
    call.args.get(i).map(String::as_str).unwrap_or("")
}

pub fn resources_route(shared: &Shared, call: &Call) -> Result<(u16, Value), ApiError> {
    let org = read_org(shared);
    Ok((
        200,
        resources(call.version, &shared.instance_url, &org, call.user_id),
    ))
}

pub fn search_route(shared: &Shared, call: &Call) -> Result<(u16, Value), ApiError> {
    let org = read_org(shared);
    let user = running_user(&org, call);
    search(&org, &user, call).map(|v| (200, v))
}

pub fn parameterized_route(shared: &Shared, call: &Call) -> Result<(u16, Value), ApiError> {
    let org = read_org(shared);
    let user = running_user(&org, call);
    if call.method == "POST" {
        parameterized_post(&org, &user, call).map(|v| (200, v))
    } else {
        parameterized_get(&org, &user, call).map(|v| (200, v))
    }
}

pub fn query_route(shared: &Shared, call: &Call) -> Result<(u16, Value), ApiError> {
    let org = read_org(shared);
    let user = running_user(&org, call);
    query(shared, &org, &user, call).map(|v| (200, v))
}

pub fn query_more_route(shared: &Shared, call: &Call) -> Result<(u16, Value), ApiError> {
    query_more(shared, arg(call, 0)).map(|v| (200, v))
}

pub fn limits_route(shared: &Shared, _call: &Call) -> Result<(u16, Value), ApiError> {
    // Bulk API 2.0 counters first: its lock is never taken under the org's.
    let bulk = crate::bulk2::limits(shared);
    let org = read_org(shared);
    let mut v = limits(shared, &org);
    if let (Some(o), Value::Object(b)) = (v.as_object_mut(), bulk) {
        o.extend(b);
    }
    Ok((200, v))
}

pub fn sobjects_route(_shared: &Shared, call: &Call) -> Result<(u16, Value), ApiError> {
    Ok((200, sobjects(call.version)))
}

pub fn sobject_route(_shared: &Shared, call: &Call) -> Result<(u16, Value), ApiError> {
    let (name, _) = schema::object(arg(call, 0)).ok_or_else(ApiError::not_found)?;
    Ok((
        200,
        json!({"objectDescribe": describe_summary(name, call.version), "recentItems": []}),
    ))
}

pub fn describe_route(shared: &Shared, call: &Call) -> Result<(u16, Value), ApiError> {
    let (name, _) = schema::object(arg(call, 0)).ok_or_else(ApiError::not_found)?;
    let org = read_org(shared);
    let user = running_user(&org, call);
    Ok((200, describe(name, &user, call.version)))
}

pub fn not_found_route(_shared: &Shared, _call: &Call) -> Result<(u16, Value), ApiError> {
    Err(ApiError::not_found())
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
    let system = schema::SYSTEM_OBJECTS.contains(&name);
    json!({
        "name": name, "label": label, "labelPlural": plural, "keyPrefix": crate::ids::key_prefix(name),
        "custom": false, "queryable": true, "searchable": schema::SEARCHABLE.contains(&name),
        "createable": !system, "updateable": !system, "deletable": !system, "retrieveable": true,
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
    let system = schema::SYSTEM_OBJECTS.contains(&name);
    let fields: Vec<Value> = defs
        .iter()
        .filter(|f| user.can_see(name, f.name))
        .map(|f| {
            let default = schema::default_value(name, f.name);
            let picklist: Vec<Value> = schema::picklist(name, f)
                .iter()
                .map(|p| json!({"active": true, "defaultValue": default == Some(*p), "label": p, "validFor": null, "value": p}))
                .collect();
            let (reference_to, relationship) = schema::reference_to(name, f);
            let required = schema::required(name).contains(&f.name);
            json!({
                "name": f.name,
                "label": f.label,
                "type": f.kind.api_name(),
                "soapType": soap_type(f.kind),
                "length": schema::length(f),
                "nillable": !required && !matches!(f.name, "Id" | "Name" | "IsClosed" | "IsConverted" | "CreatedDate" | "LastModifiedDate"),
                "defaultedOnCreate": default.is_some() || matches!(f.name, "OwnerId" | "CreatedDate" | "LastModifiedDate" | "Id"),
                "createable": f.createable && !system,
                "updateable": schema::updateable(name, f) && !system,
                "filterable": f.kind != FieldType::TextArea,
                "sortable": f.kind != FieldType::TextArea,
                "groupable": !matches!(f.kind, FieldType::TextArea | FieldType::DateTime),
                "idLookup": schema::id_lookup(f),
                "externalId": false,
                "unique": false,
                "custom": false,
                "calculated": false,
                "nameField": f.name == "Name",
                "polymorphicForeignKey": reference_to.len() > 1,
                "referenceTo": reference_to,
                "relationshipName": relationship,
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

fn soap_type(kind: FieldType) -> &'static str {
    match kind {
        FieldType::Id | FieldType::Reference => "tns:ID",
        FieldType::Boolean => "xsd:boolean",
        FieldType::Date => "xsd:date",
        FieldType::DateTime => "xsd:dateTime",
        FieldType::Int => "xsd:int",
        _ => "xsd:string",
    }
}
