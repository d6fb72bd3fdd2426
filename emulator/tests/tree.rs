//! `POST /composite/tree/<Object>` over raw HTTP (as `sf data import tree` sends
//! it), its limits and error shapes, and a property test: any JSON body is
//! answered (201, 400 or 404, with JSON) without a panic, and a failure writes
//! nothing.

mod common;

use common::*;
use proptest::prelude::*;
use serde_json::{Value, json};

const TREE: &str = "/services/data/v60.0/composite/tree";

fn count(emu: &emulator::Background, t: &str, object: &str) -> u64 {
    query(emu, t, &format!("SELECT COUNT() FROM {object}")).json()["totalSize"]
        .as_u64()
        .expect("totalSize")
}

#[test]
fn a_tree_creates_parents_then_children_with_their_references() {
    let emu = start();
    let t = demo_token(&emu);
    let calls_before = emu.stats().api_calls;
    let body = json!({"records": [
        {"attributes": {"type": "Account", "referenceId": "acc1"}, "Name": "Tree One",
         "Contacts": {"records": [
            {"attributes": {"type": "Contact", "referenceId": "con1"}, "LastName": "Leaf",
             "Email": "leaf@tree.example",
             "Cases": {"records": [
                {"attributes": {"type": "Case", "referenceId": "case1"}, "Subject": "Deep"}]}},
            {"attributes": {"type": "Contact", "referenceId": "con2"}, "LastName": "Twig"}]}},
        {"attributes": {"type": "Account", "referenceId": "acc2"}, "Name": "Tree Two",
         "Tasks": {"records": [
            {"attributes": {"type": "Task", "referenceId": "task1"}, "Subject": "Call"}]}}
    ]});
    let r = post_json(&emu, &t, &format!("{TREE}/Account"), &body);
    assert_eq!(r.status, 201, "{}", r.text());
    let v = r.json();
    assert_eq!(v["hasErrors"], false);
    let refs: Vec<&str> = v["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|x| x["referenceId"].as_str().expect("ref"))
        .collect();
    // Level by level, in the order listed.
    assert_eq!(refs, ["acc1", "acc2", "con1", "con2", "task1", "case1"]);
    let id = |r: &str| -> String {
        v["results"]
            .as_array()
            .expect("results")
            .iter()
            .find(|x| x["referenceId"] == r)
            .and_then(|x| x["id"].as_str())
            .expect("id")
            .to_string()
    };
    let con = get(
        &emu,
        &t,
        &format!("/services/data/v60.0/sobjects/Contact/{}", id("con1")),
    )
    .json();
    assert_eq!(con["AccountId"], id("acc1").as_str());
    let case = get(
        &emu,
        &t,
        &format!("/services/data/v60.0/sobjects/Case/{}", id("case1")),
    )
    .json();
    assert_eq!(case["ContactId"], id("con1").as_str());
    let task = get(
        &emu,
        &t,
        &format!("/services/data/v60.0/sobjects/Task/{}", id("task1")),
    )
    .json();
    assert_eq!(task["WhatId"], id("acc2").as_str());
    // One API call for the whole request.
    assert_eq!(emu.stats().api_calls - calls_before, 4);
    assert_eq!(emu.stats().routes.get("composite_tree"), Some(&1));
}

#[test]
fn a_failing_record_undoes_the_request_and_names_its_reference() {
    let emu = start();
    let t = demo_token(&emu);
    let (accounts, contacts) = (count(&emu, &t, "Account"), count(&emu, &t, "Contact"));
    let body = json!({"records": [
        {"attributes": {"type": "Account", "referenceId": "ok1"}, "Name": "Fine",
         "Contacts": {"records": [
            {"attributes": {"type": "Contact", "referenceId": "bad1"}, "LastName": "X", "Email": "not-an-email"}]}}
    ]});
    let r = post_json(&emu, &t, &format!("{TREE}/Account"), &body);
    assert_eq!(r.status, 400, "{}", r.text());
    assert_eq!(
        r.json(),
        json!({"hasErrors": true, "results": [{"referenceId": "bad1", "errors": [
            {"statusCode": "INVALID_EMAIL_ADDRESS", "message": "Email: invalid email address: not-an-email", "fields": ["Email"]}]}]})
    );
    assert_eq!(
        (count(&emu, &t, "Account"), count(&emu, &t, "Contact")),
        (accounts, contacts)
    );
}

#[test]
fn tree_input_errors_have_salesforces_shapes() {
    let emu = start();
    let t = demo_token(&emu);
    let auth = format!("Bearer {t}");
    let send = |path: &str, body: &[u8]| -> Resp {
        call(
            &emu.base_url,
            "POST",
            path,
            &[
                ("Authorization", &auth),
                ("Content-Type", "application/json"),
            ],
            body,
        )
    };
    let path = format!("{TREE}/Account");
    let rec = |r: &str, extra: Value| {
        let mut v = json!({"attributes": {"type": "Account", "referenceId": r}, "Name": r});
        if let (Some(o), Value::Object(e)) = (v.as_object_mut(), extra) {
            o.extend(e);
        }
        v
    };
    let tree_error = |body: Value| -> (u16, String, String) {
        let r = send(&path, body.to_string().as_bytes());
        let v = r.json();
        (
            r.status,
            v["results"][0]["referenceId"]
                .as_str()
                .unwrap_or("")
                .to_string(),
            v["results"][0]["errors"][0]["statusCode"]
                .as_str()
                .unwrap_or("")
                .to_string(),
        )
    };
    let te = |s: u16, r: &str, c: &str| (s, r.to_string(), c.to_string());
    // Per-record problems: the tree shape.
    assert_eq!(
        tree_error(json!({"records": [rec("a", json!({})), rec("A", json!({}))]})),
        te(400, "A", "INVALID_INPUT"),
        "duplicate referenceIds (case-insensitive)"
    );
    assert_eq!(
        tree_error(json!({"records": [{"attributes": {"type": "Account"}, "Name": "x"}]})),
        te(400, "", "INVALID_INPUT")
    );
    assert_eq!(
        tree_error(
            json!({"records": [{"attributes": {"type": "Contact", "referenceId": "c"}, "LastName": "x"}]})
        ),
        te(400, "c", "INVALID_INPUT"),
        "a root of another type"
    );
    assert_eq!(
        tree_error(json!({"records": [rec("a", json!({"Bogus": 1}))]})),
        te(400, "a", "INVALID_FIELD")
    );
    assert_eq!(
        tree_error(json!({"records": [rec("a", json!({"Name": null}))]})),
        te(400, "a", "REQUIRED_FIELD_MISSING")
    );
    // Whole-request problems: the usual error array.
    let code = |body: &[u8], p: &str| -> (u16, String) {
        let r = send(p, body);
        (
            r.status,
            r.json()[0]["errorCode"].as_str().unwrap_or("").to_string(),
        )
    };
    let e = |s: u16, c: &str| (s, c.to_string());
    assert_eq!(code(b"{", &path), e(400, "JSON_PARSER_ERROR"));
    assert_eq!(code(b"[]", &path), e(400, "JSON_PARSER_ERROR"));
    assert_eq!(
        code(br#"{"records": [], "extra": 1}"#, &path),
        e(400, "JSON_PARSER_ERROR")
    );
    assert_eq!(code(br#"{"records": []}"#, &path), e(400, "INVALID_INPUT"));
    assert_eq!(code(br#"{"records": "x"}"#, &path), e(400, "INVALID_INPUT"));
    assert_eq!(
        code(br#"{"records": [1]}"#, &path),
        e(400, "JSON_PARSER_ERROR")
    );
    assert_eq!(
        code(br#"{"records": []}"#, &format!("{TREE}/Nope")),
        e(404, "NOT_FOUND")
    );
    let many: Vec<Value> = (0..201).map(|i| rec(&format!("r{i}"), json!({}))).collect();
    assert_eq!(
        code(json!({"records": many}).to_string().as_bytes(), &path),
        e(400, "INVALID_INPUT")
    );
    // 200 is allowed.
    let ok: Vec<Value> = (0..200).map(|i| rec(&format!("r{i}"), json!({}))).collect();
    assert_eq!(
        send(&path, json!({"records": ok}).to_string().as_bytes()).status,
        201
    );
    let r = call(
        &emu.base_url,
        "GET",
        &path,
        &[("Authorization", &auth)],
        b"",
    );
    assert_eq!(r.status, 405);
    assert_eq!(r.json()[0]["errorCode"], "METHOD_NOT_ALLOWED");
}

/// Arbitrary JSON, biased towards tree-shaped bodies.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i32>().prop_map(|n| json!(n)),
        "[a-zA-Z@. _0-9]{0,12}".prop_map(Value::String),
        prop_oneof![
            Just("Account"),
            Just("Contact"),
            Just("Case"),
            Just("Task"),
            Just("Lead"),
            Just("User")
        ]
        .prop_map(|s| json!(s)),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop_oneof![
                        Just("records".to_string()),
                        Just("attributes".to_string()),
                        Just("type".to_string()),
                        Just("referenceId".to_string()),
                        Just("Name".to_string()),
                        Just("LastName".to_string()),
                        Just("Contacts".to_string()),
                        Just("Cases".to_string()),
                        Just("Tasks".to_string()),
                        "[A-Za-z]{1,8}",
                    ],
                    inner
                ),
                0..5
            )
            .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn any_body_is_answered_and_a_failure_writes_nothing(body in json_value(), object in "Account|Contact|Case|Task|User|Nope") {
        let emu = START.with(|e| e.clone());
        let (url, token) = &*emu;
        let before = record_total(url, token);
        let auth = format!("Bearer {token}");
        let r = call(url, "POST", &format!("{TREE}/{object}"), &[("Authorization", &auth)], body.to_string().as_bytes());
        prop_assert!(matches!(r.status, 201 | 400 | 404), "{} {}", r.status, r.text());
        let v: Value = serde_json::from_slice(&r.body).expect("JSON");
        if r.status != 201 {
            prop_assert_eq!(record_total(url, token), before);
            prop_assert!(v.is_array() || v["hasErrors"] == true, "{}", v);
        }
    }
}

fn record_total(url: &str, token: &str) -> u64 {
    let auth = format!("Bearer {token}");
    ["Account", "Contact", "Case", "Task"]
        .iter()
        .map(|o| {
            let r = call(
                url,
                "GET",
                &format!(
                    "/services/data/v60.0/query?q={}",
                    enc(&format!("SELECT COUNT() FROM {o}"))
                ),
                &[("Authorization", &auth)],
                b"",
            );
            r.json()["totalSize"].as_u64().expect("totalSize")
        })
        .sum()
}

thread_local! {
    /// One emulator per test thread for the property test (its URL and a token).
    static START: std::rc::Rc<(String, String)> = {
        let emu = Box::leak(Box::new(start()));
        let token = demo_token(emu);
        std::rc::Rc::new((emu.base_url.clone(), token))
    };
}
