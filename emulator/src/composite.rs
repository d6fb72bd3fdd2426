//! Composite resources: `/composite` (subrequests with references, one API
//! call), `/composite/batch` (independent subrequests, each one API call) and
//! sObject collections (`/composite/sobjects`, up to 200 records, `allOrNone`).
//! Sources: resources_composite_composite_post.htm, requests_composite.htm,
//! tooling_responses_composite_composite.htm, requests_composite_batch.htm,
//! resources_composite_sobjects_collections_*.htm (see emulator/README.md).

use serde_json::{Map, Value, json};

use crate::query_error::ApiError;
use crate::records;
use crate::rest::Call;
use crate::routes::{self, Found, Handler};
use crate::schema;
use crate::state::Shared;

pub const MAX_SUBREQUESTS: usize = 25;
pub const MAX_COLLECTION: usize = 200;
const ROLLED_BACK: &str =
    "The transaction was rolled back since another operation in the same transaction failed.";

/// Runs one data API subrequest through the route table, as the same user and
/// without counting it (the caller decides what counts).
fn sub_call(shared: &Shared, method: &str, url: &str, body: &[u8], user_id: &str) -> (u16, Value) {
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let path = routes::normalize(path);
    let query = crate::oauth::form_pairs(query.as_bytes());
    let err = |e: ApiError| (e.status, e.body());
    let (f, matched) = match routes::find(method, &path) {
        Found::Route(r, m) => match r.handler {
            Handler::Data(f) => (f, m),
            Handler::Open(_) | Handler::Raw(_) => return err(ApiError::not_found()),
        },
        Found::WrongMethod(_, _, allowed) => {
            return err(routes::method_not_allowed(method, &allowed));
        }
        Found::None => return err(ApiError::not_found()),
    };
    let Some(version) = matched
        .version
        .and_then(|v| crate::server::parse_version(v, shared))
    else {
        return err(ApiError::not_found());
    };
    let rest_path = path.split('/').skip(4).collect::<Vec<_>>().join("/");
    let call = Call {
        method,
        rest: &rest_path,
        query: &query,
        body,
        batch_size: None,
        version: &version,
        user_id,
        args: &matched.args,
    };
    match f(shared, &call) {
        Ok(r) => r,
        Err(e) => err(e),
    }
}

fn body_of(call: &Call) -> Result<Map<String, Value>, ApiError> {
    records::parse_object(call.body)
}

fn invalid_input(msg: impl Into<String>) -> ApiError {
    ApiError::bad_request("INVALID_INPUT", msg)
}

/// The flag `flag` (false when absent) and the subrequests under `list` of a
/// composite or batch body, at most `MAX_SUBREQUESTS` of them.
fn subrequests<'a>(
    body: &'a Map<String, Value>,
    flag: &str,
    list: &str,
    kind: &str,
) -> Result<(bool, &'a Vec<Value>), ApiError> {
    let flag = body.get(flag).and_then(Value::as_bool).unwrap_or(false);
    let subs = body
        .get(list)
        .and_then(Value::as_array)
        .ok_or_else(|| invalid_input(format!("{list} is required")))?;
    if subs.len() > MAX_SUBREQUESTS {
        return Err(invalid_input(format!(
            "Limit Exceeded: a {kind} request can hold at most {MAX_SUBREQUESTS} subrequests"
        )));
    }
    Ok((flag, subs))
}

/// The methods a composite or batch subrequest may use.
fn is_sub_method(method: &str) -> bool {
    matches!(method, "GET" | "POST" | "PATCH" | "PUT" | "DELETE")
}

/// Looks `a.b[0].c` up in earlier subresponses' bodies.
fn lookup(results: &Map<String, Value>, expr: &str) -> Option<Value> {
    let mut parts = expr.split('.');
    let first = parts.next()?;
    let (name, idx) = split_index(first);
    let mut v = results.get(name)?.clone();
    for i in idx {
        v = v.get(i)?.clone();
    }
    for p in parts {
        let (name, idx) = split_index(p);
        v = v.get(name)?.clone();
        for i in idx {
            v = v.get(i)?.clone();
        }
    }
    Some(v)
}

fn split_index(s: &str) -> (&str, Vec<usize>) {
    let name = s.split('[').next().unwrap_or(s);
    let idx = s
        .split('[')
        .skip(1)
        .filter_map(|p| p.strip_suffix(']').and_then(|n| n.parse().ok()))
        .collect();
    (name, idx)
}

/// Replaces every `@{ref.path}` in `s`; an unknown reference is an error naming it.
fn substitute(s: &str, results: &Map<String, Value>) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = s;
    while let Some(at) = rest.find("@{") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let end = after.find('}').ok_or_else(|| after.to_string())?;
        let expr = &after[..end];
        match lookup(results, expr) {
            Some(Value::String(v)) => out.push_str(&v),
            Some(Value::Null) | None => return Err(expr.to_string()),
            Some(other) => out.push_str(&other.to_string()),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

fn substitute_value(v: &Value, results: &Map<String, Value>) -> Result<Value, String> {
    Ok(match v {
        Value::String(s) => Value::String(substitute(s, results)?),
        Value::Array(a) => Value::Array(
            a.iter()
                .map(|x| substitute_value(x, results))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(m) => {
            let mut o = Map::new();
            for (k, x) in m {
                o.insert(k.clone(), substitute_value(x, results)?);
            }
            Value::Object(o)
        }
        other => other.clone(),
    })
}

fn location(status: u16, body: &Value, url: &str) -> Value {
    match (status, body.get("id").and_then(Value::as_str)) {
        (201, Some(id)) => {
            let path = url.split('?').next().unwrap_or(url).trim_end_matches('/');
            json!({"Location": format!("{path}/{id}")})
        }
        _ => json!({}),
    }
}

fn halted(msg: &str) -> Value {
    json!([{"errorCode": "PROCESSING_HALTED", "message": msg}])
}

/// `POST /composite`: subrequests in order, later ones may use `@{ref.field}`
/// from earlier answers; the whole request is one API call. With `allOrNone`, a
/// failure rolls every change back and the other subrequests answer 400
/// PROCESSING_HALTED.
pub fn composite(shared: &Shared, call: &Call) -> Result<(u16, Value), ApiError> {
    let body = body_of(call)?;
    let (all_or_none, subs) = subrequests(&body, "allOrNone", "compositeRequest", "composite")?;
    // Deserialization errors fail the whole request before anything runs.
    let mut parsed = Vec::new();
    for s in subs {
        let method = s.get("method").and_then(Value::as_str).unwrap_or("");
        let url = s.get("url").and_then(Value::as_str).unwrap_or("");
        let reference = s.get("referenceId").and_then(Value::as_str).unwrap_or("");
        if !is_sub_method(method) {
            return Err(invalid_input(format!("Invalid method: {method}")));
        }
        if !url.starts_with("/services/data/") {
            return Err(invalid_input(format!("Invalid url: {url}")));
        }
        if reference.is_empty()
            || !reference
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            return Err(invalid_input(format!("Invalid referenceId: {reference}")));
        }
        parsed.push((method, url, reference, s.get("body").cloned()));
    }
    let snapshot = all_or_none
        .then(|| shared.org.read().map(|o| o.clone()).ok())
        .flatten();
    let mut results = Map::new();
    let mut out: Vec<Value> = Vec::new();
    let mut failed = false;
    for (method, url, reference, sub_body) in &parsed {
        let entry = |status: u16, body: Value, headers: Value| json!({"body": body, "httpHeaders": headers, "httpStatusCode": status, "referenceId": reference});
        if failed && all_or_none {
            out.push(entry(400, halted(ROLLED_BACK), json!({})));
            continue;
        }
        let resolved = substitute(url, &results).and_then(|u| {
            let b = match sub_body {
                Some(b) => Some(substitute_value(b, &results)?),
                None => None,
            };
            Ok((u, b))
        });
        let (url, sub_body) = match resolved {
            Ok(r) => r,
            Err(expr) => {
                failed = true;
                out.push(entry(
                    400,
                    halted(&format!(
                        "Invalid reference specified. No value for {expr} found in {reference}. Provided referenceId ('{expr}') must be a valid reference to a completed subrequest."
                    )),
                    json!({}),
                ));
                continue;
            }
        };
        let bytes = sub_body
            .map(|b| serde_json::to_vec(&b).unwrap_or_default())
            .unwrap_or_default();
        let (status, body) = sub_call(shared, method, &url, &bytes, call.user_id);
        if status >= 400 {
            failed = true;
        } else {
            results.insert(reference.to_string(), body.clone());
        }
        let headers = location(status, &body, &url);
        out.push(entry(status, body, headers));
    }
    if failed && all_or_none {
        if let Some(snap) = snapshot
            && let Ok(mut org) = shared.org.write()
        {
            *org = snap;
        }
        // Subrequests that had succeeded are reported as rolled back too.
        for e in out.iter_mut() {
            if e["httpStatusCode"].as_u64().is_some_and(|s| s < 400) {
                e["httpStatusCode"] = json!(400);
                e["httpHeaders"] = json!({});
                e["body"] = halted(ROLLED_BACK);
            }
        }
    }
    Ok((200, json!({"compositeResponse": out})))
}

/// `POST /composite/batch`: up to 25 independent subrequests (`url` relative to
/// `/services/data/`, `richInput` as body), each its own status and each counted
/// against the daily limit; `haltOnError` answers the rest 412
/// BATCH_PROCESSING_HALTED.
pub fn batch(shared: &Shared, call: &Call) -> Result<(u16, Value), ApiError> {
    let body = body_of(call)?;
    let (halt, subs) = subrequests(&body, "haltOnError", "batchRequests", "batch")?;
    let mut parsed = Vec::new();
    for s in subs {
        let method = s.get("method").and_then(Value::as_str).unwrap_or("");
        let url = s.get("url").and_then(Value::as_str).unwrap_or("");
        if !is_sub_method(method) || url.is_empty() {
            return Err(invalid_input(format!("Invalid subrequest: {method} {url}")));
        }
        let url = format!("/services/data/{}", url.trim_start_matches('/'));
        let input = s
            .get("richInput")
            .map(|b| serde_json::to_vec(b).unwrap_or_default())
            .unwrap_or_default();
        parsed.push((method, url, input));
    }
    let api_limit = shared.org.read().map(|o| o.settings.api_limit).unwrap_or(0);
    let mut results = Vec::new();
    let mut has_errors = false;
    let mut halted = false;
    for (i, (method, url, input)) in parsed.iter().enumerate() {
        if halted {
            results.push(json!({"statusCode": 412, "result": [{"errorCode": "BATCH_PROCESSING_HALTED", "message": "Batch processing halted per request"}]}));
            continue;
        }
        // The batch request itself was counted as the first subrequest.
        if i > 0 && !shared.take_api_call(api_limit) {
            has_errors = true;
            halted = halt;
            results.push(json!({"statusCode": 403, "result": [{"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}]}));
            continue;
        }
        let (status, result) = sub_call(shared, method, url, input, call.user_id);
        if status >= 400 {
            has_errors = true;
            halted = halt;
        }
        let result = if status == 204 { Value::Null } else { result };
        results.push(json!({"statusCode": status, "result": result}));
    }
    Ok((200, json!({"hasErrors": has_errors, "results": results})))
}

/// A SaveResult of sObject collections (errors use `statusCode`, not `errorCode`).
fn save_error(e: &ApiError) -> Value {
    let errors: Vec<Value> = e
        .body()
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
        .unwrap_or_default();
    json!({"success": false, "errors": errors})
}

fn rolled_back() -> Value {
    json!({"success": false, "errors": [{"statusCode": "ALL_OR_NONE_OPERATION_ROLLED_BACK", "message": "Record rolled back because not all records were valid and the request was using AllOrNone header", "fields": []}]})
}

fn flag(v: Option<&str>) -> bool {
    v.is_some_and(|s| s.eq_ignore_ascii_case("true"))
}

/// `POST` (create), `PATCH` (update) and `DELETE ?ids=` on `/composite/sobjects`,
/// plus `GET ?ids=&fields=` is `collections_retrieve` with the type in the path.
pub fn collections(shared: &Shared, call: &Call) -> Result<(u16, Value), ApiError> {
    let param = |n: &str| {
        call.query
            .iter()
            .find(|(k, _)| k == n)
            .map(|(_, v)| v.as_str())
    };
    if call.method == "GET" {
        return Err(invalid_input(
            "Retrieve with sObject Collections needs the object: composite/sobjects/<Object>",
        ));
    }
    type Op = Box<dyn Fn(&mut crate::org::Org) -> Result<String, ApiError>>;
    let (all_or_none, ops): (bool, Vec<Op>) = if call.method == "DELETE" {
        let ids: Vec<String> = param("ids")
            .unwrap_or("")
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        if ids.is_empty() || ids.len() > MAX_COLLECTION {
            return Err(invalid_input(format!(
                "ids must list between 1 and {MAX_COLLECTION} record ids"
            )));
        }
        let ops = ids
            .into_iter()
            .map(|id| {
                Box::new(move |org: &mut crate::org::Org| {
                    if !crate::ids::is_valid_id(&id) {
                        return Err(ApiError::bad_request(
                            "MALFORMED_ID",
                            format!("malformed id {id}"),
                        ));
                    }
                    let full = records::full_id(org, &id);
                    let object = org.get(&full).map(|(o, _)| o).ok_or_else(|| {
                        ApiError::bad_request("ENTITY_IS_DELETED", "entity is deleted")
                    })?;
                    records::delete(org, object, &full)?;
                    Ok(full)
                }) as Op
            })
            .collect();
        (flag(param("allOrNone")), ops)
    } else {
        let body = body_of(call)?;
        let all = body
            .get("allOrNone")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let recs = body
            .get("records")
            .and_then(Value::as_array)
            .cloned()
            .ok_or_else(|| invalid_input("records is required"))?;
        if recs.len() > MAX_COLLECTION {
            return Err(invalid_input(format!(
                "The number of records exceeds the maximum allowed ({MAX_COLLECTION})"
            )));
        }
        let creating = call.method == "POST";
        let user_id = call.user_id.to_string();
        let ops = recs
            .into_iter()
            .map(|r| {
                let user_id = user_id.clone();
                Box::new(move |org: &mut crate::org::Org| {
                    let Value::Object(mut row) = r.clone() else {
                        return Err(invalid_input("each record must be an object"));
                    };
                    let ty = row
                        .get("attributes")
                        .and_then(|a| a.get("type"))
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string();
                    let (object, _) = schema::object(&ty).ok_or_else(|| {
                        ApiError::bad_request(
                            "INVALID_TYPE",
                            format!("sObject type '{ty}' is not supported."),
                        )
                    })?;
                    row.remove("attributes");
                    let text = serde_json::to_string(&row).unwrap_or_default();
                    if creating {
                        records::create(org, &user_id, object, row, &text)
                    } else {
                        let id = row
                            .iter()
                            .find(|(k, _)| k.eq_ignore_ascii_case("id"))
                            .and_then(|(_, v)| v.as_str())
                            .map(str::to_string)
                            .ok_or_else(|| {
                                ApiError::bad_request(
                                    "MISSING_ARGUMENT",
                                    "Id not specified in an update call",
                                )
                            })?;
                        row.retain(|k, _| !k.eq_ignore_ascii_case("id"));
                        let full = records::full_id(org, &id);
                        records::update(org, &user_id, object, &full, row, &text)?;
                        Ok(full)
                    }
                }) as Op
            })
            .collect();
        (all, ops)
    };
    let mut org = shared.org.write().unwrap_or_else(|e| e.into_inner());
    let snapshot = all_or_none.then(|| org.clone());
    let outcomes: Vec<Result<String, ApiError>> = ops.iter().map(|op| op(&mut org)).collect();
    let any_failed = outcomes.iter().any(Result::is_err);
    if any_failed && let Some(snap) = snapshot {
        *org = snap;
        let out = outcomes
            .iter()
            .map(|o| match o {
                Ok(_) => rolled_back(),
                Err(e) => save_error(e),
            })
            .collect();
        return Ok((200, Value::Array(out)));
    }
    let out = outcomes
        .iter()
        .map(|o| match o {
            Ok(id) => json!({"id": id, "success": true, "errors": []}),
            Err(e) => save_error(e),
        })
        .collect();
    Ok((200, Value::Array(out)))
}

/// `GET /composite/sobjects/<Object>?ids=...&fields=...`: records in the order
/// asked, `null` for ids that are not found.
pub fn collections_retrieve(shared: &Shared, call: &Call) -> Result<(u16, Value), ApiError> {
    let param = |n: &str| {
        call.query
            .iter()
            .find(|(k, _)| k == n)
            .map(|(_, v)| v.as_str())
    };
    let (object, defs) = schema::object(call.args.first().map(String::as_str).unwrap_or(""))
        .ok_or_else(ApiError::not_found)?;
    let list = |s: Option<&str>| -> Vec<String> {
        s.unwrap_or("")
            .split(',')
            .map(|x| x.trim().to_string())
            .filter(|x| !x.is_empty())
            .collect()
    };
    let ids = list(param("ids"));
    let fields = list(param("fields"));
    if ids.is_empty() || fields.is_empty() || ids.len() > 2000 {
        return Err(invalid_input("ids and fields are required"));
    }
    let org = shared.org.read().unwrap_or_else(|e| e.into_inner());
    let user = crate::rest::running_user(&org, call);
    let mut out = Vec::new();
    for id in &ids {
        let full = records::full_id(&org, id);
        match org.get(&full).filter(|(o, _)| *o == object) {
            Some((_, rec)) => out.push(records::render_full(
                rec,
                object,
                defs,
                &user,
                Some(&fields),
                call.version,
            )?),
            None => out.push(Value::Null),
        }
    }
    Ok((200, Value::Array(out)))
}
