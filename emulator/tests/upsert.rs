//! Upsert by external id over raw HTTP: 201/200/204/300, `updateOnly`, the `Id`
//! forms, describe's marks, org-file declarations and bad input.

mod common;

use common::*;
use emulator::{OrgFile, default_org};
use serde_json::{Value, json};

fn patch(emu: &emulator::Background, t: &str, path: &str, body: &Value) -> Resp {
    send_json(emu, t, "PATCH", path, body)
}

fn count(emu: &emulator::Background, t: &str, soql: &str) -> u64 {
    query(emu, t, soql).json()["totalSize"]
        .as_u64()
        .expect("totalSize")
}

#[test]
fn upsert_creates_then_updates_by_a_declared_external_id() {
    let emu = start();
    let t = demo_token(&emu);
    let path = "/services/data/v60.0/sobjects/Account/AccountNumber/EXT-1";
    let r = patch(&emu, &t, path, &json!({"Name": "Upserted Ltd"}));
    assert_eq!(r.status, 201, "{}", r.text());
    let v = r.json();
    let id = v["id"].as_str().expect("id").to_string();
    assert_eq!(
        v,
        json!({"id": id, "success": true, "errors": [], "created": true})
    );
    let got = get(
        &emu,
        &t,
        &format!("/services/data/v60.0/sobjects/Account/{id}"),
    )
    .json();
    assert_eq!(got["AccountNumber"], "EXT-1");
    assert_eq!(got["Name"], "Upserted Ltd");

    // The same value (any case) updates that record: 200 with created false.
    let r = patch(
        &emu,
        &t,
        "/services/data/v60.0/sobjects/Account/AccountNumber/ext-1",
        &json!({"Phone": "+31 20 555 1111", "AccountNumber": "EXT-1"}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        r.json(),
        json!({"id": id, "success": true, "errors": [], "created": false})
    );
    // Before v46.0 an update is 204 with no body, a create has no `created`.
    let r = patch(
        &emu,
        &t,
        "/services/data/v45.0/sobjects/Account/AccountNumber/EXT-1",
        &json!({"Phone": "+31 20 555 2222"}),
    );
    assert_eq!((r.status, r.body.len()), (204, 0));
    let r = patch(
        &emu,
        &t,
        "/services/data/v45.0/sobjects/Account/AccountNumber/EXT-2",
        &json!({"Name": "Old API"}),
    );
    assert_eq!(r.status, 201);
    assert_eq!(r.keys(), ["id", "success", "errors"]);
    assert_eq!(
        count(
            &emu,
            &t,
            "SELECT Id FROM Account WHERE AccountNumber = 'EXT-1'"
        ),
        1
    );

    // Two records with one value: 300 with both URLs, nothing written.
    let dup = post_json(
        &emu,
        &t,
        "/services/data/v60.0/sobjects/Account",
        &json!({"Name": "Dup", "AccountNumber": "EXT-1"}),
    );
    assert_eq!(dup.status, 201);
    let r = patch(&emu, &t, path, &json!({"Name": "Nobody"}));
    assert_eq!(r.status, 300, "{}", r.text());
    assert_eq!(r.json().as_array().map(Vec::len), Some(2));
    assert!(
        r.json()[0]
            .as_str()
            .expect("url")
            .starts_with("/services/data/v60.0/sobjects/Account/001")
    );
    assert_eq!(
        count(&emu, &t, "SELECT Id FROM Account WHERE Name = 'Nobody'"),
        0
    );

    // updateOnly: no match is 404, nothing created.
    let r = patch(
        &emu,
        &t,
        "/services/data/v60.0/sobjects/Account/AccountNumber/EXT-9?updateOnly=true",
        &json!({"Name": "Never"}),
    );
    assert_eq!(r.status, 404);
    assert_eq!(
        count(&emu, &t, "SELECT Id FROM Account WHERE Name = 'Never'"),
        0
    );
}

#[test]
fn upsert_by_standard_lookup_fields_and_by_id() {
    let emu = start();
    let t = demo_token(&emu);
    // Email is an idLookup field of Contact: standard objects upsert on those.
    let r = patch(
        &emu,
        &t,
        "/services/data/v60.0/sobjects/Contact/Email/new.person@example.org",
        &json!({"LastName": "Person"}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let id = r.json()["id"].as_str().expect("id").to_string();
    let r = patch(
        &emu,
        &t,
        &format!("/services/data/v60.0/sobjects/Contact/Id/{id}"),
        &json!({"Title": "CTO"}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["created"], false);
    // By Id, a missing record is 404 (an id cannot be invented).
    let r = patch(
        &emu,
        &t,
        "/services/data/v60.0/sobjects/Contact/Id/003000000000000AAA",
        &json!({"Title": "CTO"}),
    );
    assert_eq!(r.status, 404);
    // POST sobjects/<Object>/Id is a create.
    let r = post_json(
        &emu,
        &t,
        "/services/data/v60.0/sobjects/Contact/Id",
        &json!({"LastName": "ByPost"}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
}

#[test]
fn describe_marks_external_ids_and_the_org_file_declares_them() {
    let emu = start();
    let t = demo_token(&emu);
    let d = get(&emu, &t, "/services/data/v60.0/sobjects/Account/describe").json();
    let field = |d: &Value, name: &str| -> Value {
        d["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .find(|f| f["name"] == name)
            .cloned()
            .expect("field")
    };
    let acc = field(&d, "AccountNumber");
    assert_eq!(
        (acc["externalId"].clone(), acc["idLookup"].clone()),
        (json!(true), json!(true))
    );
    let phone = field(&d, "Phone");
    assert_eq!(
        (phone["externalId"].clone(), phone["idLookup"].clone()),
        (json!(false), json!(false))
    );
    // The by-field retrieve accepts a declared external id.
    let r = get(
        &emu,
        &t,
        "/services/data/v60.0/sobjects/Account/AccountNumber/none",
    );
    assert_eq!(r.status, 404);
    assert_eq!(r.json()[0]["errorCode"], "NOT_FOUND");

    // An org file declaring Contact.Title (and not Account.AccountNumber).
    let mut file: OrgFile = default_org::default_org_file();
    file.org.external_id_fields = vec!["Contact.Title".into()];
    let emu = start_with(file);
    let t = demo_token(&emu);
    let d = get(&emu, &t, "/services/data/v60.0/sobjects/Contact/describe").json();
    assert_eq!(field(&d, "Title")["externalId"], true);
    let r = patch(
        &emu,
        &t,
        "/services/data/v60.0/sobjects/Account/AccountNumber/EXT-1",
        &json!({"Name": "X"}),
    );
    assert_eq!(r.status, 404, "no longer an external id");
    assert_eq!(
        patch(
            &emu,
            &t,
            "/services/data/v60.0/sobjects/Contact/Title/T-1",
            &json!({"LastName": "T"})
        )
        .status,
        201
    );

    // Declarations that cannot be external ids are refused at load.
    for bad in [
        "Account",
        "Nope.Field",
        "Account.Nope",
        "Account.Phone",
        "User.Username",
        "Case.CaseNumber",
    ] {
        let mut file = default_org::default_org_file();
        file.org.external_id_fields = vec![bad.into()];
        let err = emulator::Org::from_file(file).expect_err(bad);
        assert!(err.0.contains("external_id_fields"), "{bad}: {}", err.0);
    }
}

#[test]
fn upsert_refuses_bad_input_with_documented_codes() {
    let emu = start();
    let t = demo_token(&emu);
    let base = "/services/data/v60.0/sobjects";
    let code = |r: Resp| -> (u16, String) {
        let c = if r.body.is_empty() {
            String::new()
        } else {
            r.json()[0]["errorCode"].as_str().unwrap_or("").to_string()
        };
        (r.status, c)
    };
    let e = |s: u16, c: &str| (s, c.to_string());
    let auth = format!("Bearer {t}");
    let raw = |method: &str, path: &str, body: &[u8]| {
        call(
            &emu.base_url,
            method,
            path,
            &[
                ("Authorization", &auth),
                ("Content-Type", "application/json"),
            ],
            body,
        )
    };
    // Not an external id, unknown field, unknown object.
    assert_eq!(
        code(raw("PATCH", &format!("{base}/Account/Phone/123"), b"{}")),
        e(404, "NOT_FOUND")
    );
    assert_eq!(
        code(raw("PATCH", &format!("{base}/Account/Nope/1"), b"{}")),
        e(404, "NOT_FOUND")
    );
    assert_eq!(
        code(raw("PATCH", &format!("{base}/Nope/AccountNumber/1"), b"{}")),
        e(404, "NOT_FOUND")
    );
    // Malformed bodies, unknown fields, a mismatching external id in the body.
    let p = format!("{base}/Account/AccountNumber/BAD-1");
    assert_eq!(code(raw("PATCH", &p, b"{")), e(400, "JSON_PARSER_ERROR"));
    assert_eq!(code(raw("PATCH", &p, b"[1]")), e(400, "JSON_PARSER_ERROR"));
    assert_eq!(
        code(raw("PATCH", &p, br#"{"Name": "A", "Bogus": 1}"#)),
        e(400, "INVALID_FIELD")
    );
    assert_eq!(
        code(raw(
            "PATCH",
            &p,
            br#"{"Name": "A", "AccountNumber": "OTHER"}"#
        )),
        e(400, "INVALID_FIELD")
    );
    assert_eq!(
        code(raw(
            "PATCH",
            &p,
            br#"{"Name": "A", "Id": "001000000000000AAA"}"#
        )),
        e(400, "INVALID_FIELD")
    );
    // A create still needs the required fields.
    assert_eq!(
        code(raw("PATCH", &p, b"{}")),
        e(400, "REQUIRED_FIELD_MISSING")
    );
    // System objects are read-only; other methods on the path are 405.
    assert_eq!(
        code(raw(
            "PATCH",
            &format!("{base}/User/Username/x@example.org"),
            b"{}"
        ))
        .0,
        400
    );
    assert_eq!(code(raw("PUT", &p, b"{}")), e(405, "METHOD_NOT_ALLOWED"));
    // Oversize bodies are refused before the route runs.
    let big = vec![b' '; (1 << 20) + 1];
    assert_eq!(raw("PATCH", &p, &big).status, 413);
}
