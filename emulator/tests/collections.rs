//! sObject collections retrieve in both forms over raw HTTP: `GET ?ids=&fields=`
//! and `POST {"ids": [...], "fields": [...]}` (what jsforce's `retrieve` sends).

mod common;

use common::*;
use serde_json::{Value, json};

const V: &str = "/services/data/v60.0";

fn first_ids(emu: &emulator::Background, t: &str, n: usize) -> Vec<String> {
    let q = query(
        emu,
        t,
        &format!("SELECT Id FROM Contact ORDER BY Id LIMIT {n}"),
    )
    .json();
    q["records"]
        .as_array()
        .expect("records")
        .iter()
        .map(|r| r["Id"].as_str().expect("Id").to_string())
        .collect()
}

#[test]
fn retrieve_by_post_answers_as_retrieve_by_get() {
    let emu = start();
    let t = demo_token(&emu);
    let ids = first_ids(&emu, &t, 2);
    assert_eq!(ids.len(), 2);
    let missing = "003000000000000AAA";
    let by_get = get(
        &emu,
        &t,
        &format!(
            "{V}/composite/sobjects/Contact?ids={},{},{missing}&fields=Id,LastName",
            ids[0], ids[1]
        ),
    );
    assert_eq!(by_get.status, 200, "{}", by_get.text());
    let r = post_json(
        &emu,
        &t,
        &format!("{V}/composite/sobjects/Contact"),
        &json!({"ids": [ids[0], ids[1], missing], "fields": ["Id", "LastName"]}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json(), by_get.json());
    let v = r.json();
    assert_eq!(v[0]["Id"], ids[0].as_str());
    assert_eq!(v[0]["attributes"]["type"], "Contact");
    assert_eq!(v[2], Value::Null);
}

#[test]
fn retrieve_by_post_refuses_bad_bodies_with_documented_codes() {
    let emu = start();
    let t = demo_token(&emu);
    let path = format!("{V}/composite/sobjects/Contact");
    let code = |body: &[u8]| -> (u16, String) {
        let auth = format!("Bearer {t}");
        let r = call(
            &emu.base_url,
            "POST",
            &path,
            &[
                ("Authorization", &auth),
                ("Content-Type", "application/json"),
            ],
            body,
        );
        (
            r.status,
            r.json()[0]["errorCode"].as_str().unwrap_or("").to_string(),
        )
    };
    let bad = |s: u16, c: &str| (s, c.to_string());
    assert_eq!(code(b"{"), bad(400, "JSON_PARSER_ERROR"));
    assert_eq!(code(b"[]"), bad(400, "JSON_PARSER_ERROR"));
    assert_eq!(
        code(br#"{"ids": "a", "fields": ["Id"]}"#),
        bad(400, "JSON_PARSER_ERROR")
    );
    assert_eq!(
        code(br#"{"ids": [1], "fields": ["Id"]}"#),
        bad(400, "JSON_PARSER_ERROR")
    );
    assert_eq!(
        code(br#"{"ids": ["003000000000000AAA"], "fields": ["Id"], "extra": 1}"#),
        bad(400, "JSON_PARSER_ERROR")
    );
    assert_eq!(
        code(br#"{"ids": [], "fields": ["Id"]}"#),
        bad(400, "INVALID_INPUT")
    );
    assert_eq!(
        code(br#"{"ids": ["003000000000000AAA"]}"#),
        bad(400, "INVALID_INPUT")
    );
    let many: Vec<String> = (0..2001).map(|i| format!("003{i:015}")).collect();
    let body = json!({"ids": many, "fields": ["Id"]}).to_string();
    assert_eq!(code(body.as_bytes()), bad(400, "INVALID_INPUT"));
    // An unknown field is the query's INVALID_FIELD, an unknown object 404.
    assert_eq!(
        code(br#"{"ids": ["003000000000000AAA"], "fields": ["Nope__c"]}"#).0,
        200,
        "a missing record is null before any field is read"
    );
    let auth = format!("Bearer {t}");
    let r = call(
        &emu.base_url,
        "POST",
        &format!("{V}/composite/sobjects/NoSuchObject"),
        &[("Authorization", &auth)],
        br#"{"ids": ["003000000000000AAA"], "fields": ["Id"]}"#,
    );
    assert_eq!(r.status, 404);
    let r = call(
        &emu.base_url,
        "PUT",
        &path,
        &[("Authorization", &auth)],
        b"{}",
    );
    assert_eq!(r.status, 405);
    assert_eq!(r.json()[0]["errorCode"], "METHOD_NOT_ALLOWED");
}
