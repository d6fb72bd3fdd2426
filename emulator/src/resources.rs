//! The resources list at `GET /services/data/vXX.X/` (resources_discoveryresource.htm):
//! only what this emulator serves, so a client that follows it finds no 404s.
//! A test checks every entry against the route table.

use serde_json::{Map, Value, json};

/// Resource name -> path under `/services/data/vXX.X/`, in Salesforce's order.
pub const SERVED: &[(&str, &str)] = &[
    ("queryAll", "queryAll"),
    ("search", "search"),
    ("composite", "composite"),
    ("parameterizedSearch", "parameterizedSearch"),
    ("limits", "limits"),
    ("query", "query"),
    ("sobjects", "sobjects"),
];

/// Bulk API 2.0 (`jobs`) entries go here, apart from the list above so that
/// branches adding resources merge cleanly.
pub const SERVED_JOBS: &[(&str, &str)] = &[];

/// The JSON map of the resources list; `identity` is the caller's identity URL.
pub fn list(version: &str, identity: String) -> Value {
    let mut m = Map::new();
    for (name, path) in SERVED.iter().chain(SERVED_JOBS) {
        m.insert(
            (*name).to_string(),
            json!(format!("/services/data/v{version}/{path}")),
        );
    }
    m.insert("identity".into(), json!(identity));
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routes::{Found, find};

    #[test]
    fn every_advertised_resource_is_served() {
        for (name, path) in SERVED.iter().chain(SERVED_JOBS) {
            let full = format!("/services/data/v60.0/{path}");
            match find("GET", &full) {
                Found::Route(r, _) => assert_ne!(r.label, "not_found", "{name}"),
                Found::WrongMethod(r, _, _) => assert_ne!(r.label, "not_found", "{name}"),
                Found::None => panic!("{name} is not routed"),
            }
        }
    }
}
