//! `GET sobjects/<Object>/updated/?start=&end=` and `.../deleted/?start=&end=`
//! (sObject Get Updated / Get Deleted, README source 24): the ids of records
//! changed, or deleted with their dates, in a window of at most 30 days that
//! starts no earlier than 30 days ago. `latestDateCovered` is `end` rounded down
//! to the minute; `earliestDateAvailable` is the oldest deletion remembered.

use serde_json::{Value, json};

use crate::datetime;
use crate::query_error::ApiError;
use crate::rest::Call;
use crate::schema;
use crate::state::Shared;

const DAY_MS: i64 = 86_400_000;
/// Replication reaches back 30 days.
const WINDOW_DAYS: i64 = 30;

fn param<'c>(call: &'c Call, name: &str) -> Option<&'c str> {
    call.query
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// `start` and `end` as milliseconds, checked as Salesforce checks them.
fn window(call: &Call) -> Result<(i64, i64), ApiError> {
    let get = |name: &str| -> Result<i64, ApiError> {
        let raw = param(call, name).ok_or_else(|| {
            ApiError::bad_request(
                "MISSING_ARGUMENT",
                format!("{name} parameter not specified"),
            )
        })?;
        datetime::parse_datetime(raw.trim()).ok_or_else(|| {
            ApiError::bad_request(
                "INVALID_REPLICATION_DATE",
                format!("{name} is not a valid date/time: {raw}"),
            )
        })
    };
    let (start, end) = (get("start")?, get("end")?);
    if end < start {
        return Err(ApiError::bad_request(
            "INVALID_REPLICATION_DATE",
            "startDate must chronologically precede endDate",
        ));
    }
    if start < datetime::now_millis() - WINDOW_DAYS * DAY_MS {
        return Err(ApiError::bad_request(
            "INVALID_REPLICATION_DATE",
            "startDate cannot be more than 30 days ago",
        ));
    }
    Ok((start, end))
}

fn object(call: &Call) -> Result<&'static str, ApiError> {
    let name = call.args.first().map(String::as_str).unwrap_or("");
    let (object, _) = schema::object(name).ok_or_else(ApiError::not_found)?;
    Ok(object)
}

fn to_minute(ms: i64) -> String {
    datetime::format_millis(ms - ms.rem_euclid(60_000))
}

pub fn updated_route(shared: &Shared, call: &Call) -> Result<(u16, Value), ApiError> {
    let object = object(call)?;
    let (start, end) = window(call)?;
    let org = shared.org.read().unwrap_or_else(|e| e.into_inner());
    let ids: Vec<&str> = org
        .records(object)
        .iter()
        .filter(|r| {
            r.get("LastModifiedDate")
                .as_str()
                .and_then(datetime::parse_datetime)
                .is_some_and(|t| t >= start && t <= end)
        })
        .map(|r| r.id())
        .collect();
    Ok((
        200,
        json!({"ids": ids, "latestDateCovered": to_minute(end)}),
    ))
}

pub fn deleted_route(shared: &Shared, call: &Call) -> Result<(u16, Value), ApiError> {
    let object = object(call)?;
    let (start, end) = window(call)?;
    let org = shared.org.read().unwrap_or_else(|e| e.into_inner());
    let deleted: Vec<Value> = org
        .deleted
        .iter()
        .filter(|d| d.object == object && d.at_millis >= start && d.at_millis <= end)
        .map(|d| json!({"deletedDate": datetime::format_millis(d.at_millis), "id": d.id}))
        .collect();
    let earliest = org
        .deleted
        .iter()
        .find(|d| d.object == object)
        .map_or(Value::Null, |d| json!(to_minute(d.at_millis)));
    Ok((
        200,
        json!({"deletedRecords": deleted, "earliestDateAvailable": earliest, "latestDateCovered": to_minute(end)}),
    ))
}

/// `GET limits/recordCount?sObjects=A,B` (README source 25): the record count
/// of each named object (all objects when none are named); unknown names are
/// left out.
pub fn record_count_route(shared: &Shared, call: &Call) -> Result<(u16, Value), ApiError> {
    let org = shared.org.read().unwrap_or_else(|e| e.into_inner());
    let wanted: Option<Vec<&str>> = param(call, "sObjects").map(|s| {
        s.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect()
    });
    let list: Vec<Value> = schema::OBJECTS
        .iter()
        .map(|(name, ..)| *name)
        .filter(|name| {
            wanted
                .as_ref()
                .is_none_or(|w| w.iter().any(|x| x.eq_ignore_ascii_case(name)))
        })
        .map(|name| json!({"count": org.records(name).len(), "name": name}))
        .collect();
    Ok((200, json!({"sObjects": list})))
}
