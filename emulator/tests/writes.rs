//! Writing records over raw HTTP: sobject PATCH/DELETE, retrieve with every
//! field, values checked by type, Task describe, field-level security, lookups
//! by idLookup fields, sObject collections and the composite resources.

mod common;

use common::*;
use emulator::default_org::*;
use emulator::{Background, Config};
use serde_json::{Value, json};

const V: &str = "/services/data/v60.0";

fn demo_user_id() -> String {
    emulator::ids::make_id("005", 1)
}

fn api_calls(emu: &Background) -> u64 {
    emu.stats().api_calls
}

#[test]
fn task_create_read_back_update_and_delete() {
    let emu = start();
    let t = demo_token(&emu);
    let r = post_json(
        &emu,
        &t,
        &format!("{V}/sobjects/Task/"),
        &json!({"Subject": "Inbound call from +1 415 555 1212", "CallDurationInSeconds": "42", "TaskSubtype": "Call", "CallType": "Inbound", "ActivityDate": "2026-03-01"}),
    );
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    let id = r.json()["id"].as_str().expect("id").to_string();

    let got = get(&emu, &t, &format!("{V}/sobjects/Task/{id}"));
    assert_eq!(got.status, 200);
    let v = got.json();
    // Every field of the object, null ones included, attributes first.
    let keys = got.keys();
    assert_eq!(keys[0], "attributes");
    for f in [
        "Subject",
        "Type",
        "TaskSubtype",
        "CallType",
        "CallDurationInSeconds",
        "CallObject",
        "CallDisposition",
        "Description",
        "WhoId",
        "WhatId",
        "Status",
        "ActivityDate",
        "Priority",
        "OwnerId",
        "CreatedDate",
        "LastModifiedDate",
    ] {
        assert!(keys.iter().any(|k| k == f), "{f} missing from {keys:?}");
    }
    assert_eq!(v["CallDisposition"], Value::Null);
    assert_eq!(
        v["CallDurationInSeconds"],
        json!(42),
        "numeric string stored as a number"
    );
    assert_eq!(v["Status"], "Not Started");
    assert_eq!(v["Priority"], "Normal");
    assert_eq!(v["OwnerId"], demo_user_id().as_str());
    let created = v["CreatedDate"].as_str().expect("CreatedDate");
    assert_eq!(created.len(), 28, "{created}");
    assert!(created.ends_with("+0000") && created.starts_with("20"));
    assert_ne!(
        created, "2026-01-15T09:30:00.000+0000",
        "stamped now, not the fixture date"
    );

    let p = send_json(
        &emu,
        &t,
        "PATCH",
        &format!("{V}/sobjects/Task/{id}"),
        &json!({"Subject": "Changed", "Status": "Completed"}),
    );
    assert_eq!(p.status, 204);
    assert!(p.body.is_empty(), "204 has no body");
    let v = get(&emu, &t, &format!("{V}/sobjects/Task/{id}")).json();
    assert_eq!(v["Subject"], "Changed");
    assert_eq!(v["Status"], "Completed");
    assert!(v["LastModifiedDate"].as_str() >= v["CreatedDate"].as_str());

    // TaskSubtype is create-only.
    let p = send_json(
        &emu,
        &t,
        "PATCH",
        &format!("{V}/sobjects/Task/{id}"),
        &json!({"TaskSubtype": "Email"}),
    );
    assert_eq!(p.status, 400);
    assert_eq!(p.json()[0]["errorCode"], "INVALID_FIELD_FOR_INSERT_UPDATE");
    assert_eq!(p.json()[0]["fields"], json!(["TaskSubtype"]));

    let auth = format!("Bearer {t}");
    let d = call(
        &emu.base_url,
        "DELETE",
        &format!("{V}/sobjects/Task/{id}"),
        &[("Authorization", &auth)],
        b"",
    );
    assert_eq!(d.status, 204);
    assert!(d.body.is_empty());
    let gone = get(&emu, &t, &format!("{V}/sobjects/Task/{id}"));
    assert_eq!(gone.status, 404);
    assert_eq!(gone.json()[0]["errorCode"], "NOT_FOUND");
    let again = call(
        &emu.base_url,
        "DELETE",
        &format!("{V}/sobjects/Task/{id}"),
        &[("Authorization", &auth)],
        b"",
    );
    assert_eq!(again.status, 404);
    // PATCH of an unknown record is 404 too; PUT is not a method of this path.
    let p = send_json(
        &emu,
        &t,
        "PATCH",
        &format!("{V}/sobjects/Task/{id}"),
        &json!({"Subject": "x"}),
    );
    assert_eq!(p.status, 404);
    let put = send_json(
        &emu,
        &t,
        "PUT",
        &format!("{V}/sobjects/Task/{id}"),
        &json!({}),
    );
    assert_eq!(put.status, 405);
    assert_eq!(put.json()[0]["errorCode"], "METHOD_NOT_ALLOWED");
}

#[test]
fn values_are_converted_and_checked_by_field_type() {
    let emu = start();
    let t = demo_token(&emu);
    let create = |body: Value| post_json(&emu, &t, &format!("{V}/sobjects/Task"), &body);

    let r = create(json!({"Subject": "x", "CallDurationInSeconds": "abc"}));
    assert_eq!(r.status, 400);
    assert_eq!(r.json()[0]["errorCode"], "JSON_PARSER_ERROR");
    let msg = r.json()[0]["message"]
        .as_str()
        .expect("message")
        .to_string();
    assert!(
        msg.starts_with("Cannot deserialize instance of int from VALUE_STRING value abc or request may be missing a required field at [line:1, column:"),
        "{msg}"
    );

    let r = create(json!({"Subject": "x", "ActivityDate": "2026-02-30"}));
    assert_eq!(r.status, 400);
    assert!(
        r.json()[0]["message"].as_str().is_some_and(|m| m
            .starts_with("Cannot deserialize instance of date from VALUE_STRING value 2026-02-30")),
        "{}",
        r.json()
    );

    let r = create(json!({"Subject": "x", "CallType": "Sideways"}));
    assert_eq!(r.status, 400);
    assert_eq!(
        r.json(),
        json!([{"fields": ["CallType"], "message": "bad value for restricted picklist field: Sideways", "errorCode": "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"}])
    );

    let r = create(json!({"Subject": "s".repeat(256)}));
    assert_eq!(r.status, 400);
    assert_eq!(r.json()[0]["errorCode"], "STRING_TOO_LONG");
    assert_eq!(r.json()[0]["fields"], json!(["Subject"]));

    let r = create(json!({"Subject": "x", "WhoId": "not-an-id"}));
    assert_eq!(r.status, 400);
    assert_eq!(r.json()[0]["errorCode"], "MALFORMED_ID");
    // A well-formed id of the wrong object.
    let r = create(json!({"Subject": "x", "WhoId": "001000000000000AAA"}));
    assert_eq!(r.json()[0]["errorCode"], "FIELD_INTEGRITY_EXCEPTION");
    assert_eq!(r.json()[0]["fields"], json!(["WhoId"]));

    let r = create(json!({"Subject": "x", "ActivityDate": "2026-03-01", "IsFake": true}));
    assert_eq!(
        r.json()[0]["message"],
        "No such column 'IsFake' on sobject of type Task"
    );
}

#[test]
fn task_describe_lists_polymorphic_references_and_picklists() {
    let emu = start();
    let t = demo_token(&emu);
    let d = get(&emu, &t, &format!("{V}/sobjects/Task/describe")).json();
    let field = |n: &str| {
        d["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .find(|f| f["name"] == n)
            .cloned()
            .unwrap_or_else(|| panic!("no field {n}"))
    };
    for f in [
        "Subject",
        "Type",
        "TaskSubtype",
        "CallType",
        "CallDurationInSeconds",
        "CallObject",
        "CallDisposition",
        "Description",
        "WhoId",
        "WhatId",
        "Status",
        "ActivityDate",
    ] {
        field(f);
    }
    assert_eq!(field("WhoId")["referenceTo"], json!(["Contact", "Lead"]));
    assert_eq!(field("WhoId")["relationshipName"], "Who");
    assert_eq!(field("WhoId")["polymorphicForeignKey"], true);
    let what = field("WhatId")["referenceTo"].clone();
    assert!(
        what.as_array()
            .is_some_and(|a| a.contains(&json!("Account")) && a.contains(&json!("Case")))
    );
    let values = |n: &str| -> Vec<String> {
        field(n)["picklistValues"]
            .as_array()
            .expect("values")
            .iter()
            .map(|p| p["value"].as_str().unwrap_or("").to_string())
            .collect()
    };
    assert!(values("Status").contains(&"Completed".to_string()));
    assert_eq!(values("Priority"), ["High", "Normal", "Low"]);
    assert_eq!(values("CallType"), ["Inbound", "Internal", "Outbound"]);
    assert!(values("TaskSubtype").contains(&"Call".to_string()));
    assert_eq!(field("CallType")["restrictedPicklist"], true);
    assert_eq!(field("TaskSubtype")["updateable"], false);
    assert_eq!(field("TaskSubtype")["createable"], true);
    let status = field("Status");
    let default: Vec<&Value> = status["picklistValues"]
        .as_array()
        .expect("values")
        .iter()
        .filter(|p| p["defaultValue"] == true)
        .collect();
    assert_eq!(default.len(), 1);
    assert_eq!(default[0]["value"], "Not Started");
}

#[test]
fn a_task_field_hidden_from_the_user_cannot_be_described_or_set() {
    let mut org = default_org_file();
    org.users.push(emulator::org::User {
        username: "notype@crmctl.example".into(),
        password: DEMO_PASSWORD.into(),
        security_token: DEMO_SECURITY_TOKEN.into(),
        hidden_fields: vec!["Task.Type".into()],
        ..Default::default()
    });
    let emu = Background::start(Config {
        org: Some(org),
        ..Config::default()
    })
    .expect("start");
    let t = token_for(&emu, "notype@crmctl.example");
    let d = get(&emu, &t, &format!("{V}/sobjects/Task/describe")).json();
    assert!(
        !d["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .any(|f| f["name"] == "Type")
    );
    let r = post_json(
        &emu,
        &t,
        &format!("{V}/sobjects/Task"),
        &json!({"Subject": "x", "Type": "Call"}),
    );
    assert_eq!(r.status, 400);
    assert_eq!(r.json()[0]["errorCode"], "INVALID_FIELD");
    assert_eq!(
        r.json()[0]["message"],
        "No such column 'Type' on sobject of type Task"
    );
    // The demo user still sees it.
    let t2 = demo_token(&emu);
    let r = post_json(
        &emu,
        &t2,
        &format!("{V}/sobjects/Task"),
        &json!({"Subject": "x", "Type": "Call"}),
    );
    assert_eq!(r.status, 201);
}

#[test]
fn records_are_found_by_id_lookup_fields() {
    let emu = start();
    let t = demo_token(&emu);
    let r = get(&emu, &t, &format!("{V}/sobjects/Case/CaseNumber/00001026"));
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.json()["CaseNumber"], "00001026");
    let r = get(
        &emu,
        &t,
        &format!("{V}/sobjects/Lead/Email/maria.garcia@example.fr"),
    );
    assert_eq!(r.status, 300);
    let urls = r.json();
    assert_eq!(urls.as_array().map(Vec::len), Some(2));
    assert!(
        urls[0]
            .as_str()
            .is_some_and(|u| u.starts_with("/services/data/v60.0/sobjects/Lead/00Q"))
    );
    let r = get(&emu, &t, &format!("{V}/sobjects/Case/Subject/anything"));
    assert_eq!(r.status, 404);
    let r = get(&emu, &t, &format!("{V}/sobjects/Case/CaseNumber/99999999"));
    assert_eq!(r.status, 404);
}

#[test]
fn collections_create_update_and_delete_with_all_or_none() {
    let emu = start();
    let t = demo_token(&emu);
    let path = format!("{V}/composite/sobjects");
    let r = post_json(
        &emu,
        &t,
        &path,
        &json!({"allOrNone": false, "records": [
            {"attributes": {"type": "Account"}, "Name": "Coll One"},
            {"attributes": {"type": "Contact"}, "FirstName": "No", "Email": "x@example.com"},
        ]}),
    );
    assert_eq!(r.status, 200);
    let v = r.json();
    assert_eq!(v[0]["success"], true);
    assert_eq!(v[1]["success"], false);
    assert_eq!(v[1]["errors"][0]["statusCode"], "REQUIRED_FIELD_MISSING");
    assert_eq!(v[1]["errors"][0]["fields"], json!(["LastName"]));
    let acc = v[0]["id"].as_str().expect("id").to_string();

    // allOrNone: nothing is kept when one record fails.
    let before = get(
        &emu,
        &t,
        &format!("{V}/query?q={}", enc("SELECT Id FROM Account")),
    )
    .json()["totalSize"]
        .clone();
    let r = post_json(
        &emu,
        &t,
        &path,
        &json!({"allOrNone": true, "records": [
            {"attributes": {"type": "Account"}, "Name": "Coll Two"},
            {"attributes": {"type": "Account"}},
        ]}),
    );
    let v = r.json();
    assert_eq!(
        v[0]["errors"][0]["statusCode"],
        "ALL_OR_NONE_OPERATION_ROLLED_BACK"
    );
    assert_eq!(v[1]["errors"][0]["statusCode"], "REQUIRED_FIELD_MISSING");
    let after = get(
        &emu,
        &t,
        &format!("{V}/query?q={}", enc("SELECT Id FROM Account")),
    )
    .json()["totalSize"]
        .clone();
    assert_eq!(before, after);

    let r = send_json(
        &emu,
        &t,
        "PATCH",
        &path,
        &json!({"records": [{"attributes": {"type": "Account"}, "id": acc, "Phone": "+31 20 555 0000"}]}),
    );
    assert_eq!(
        r.json()[0],
        json!({"id": acc, "success": true, "errors": []})
    );
    let got = get(
        &emu,
        &t,
        &format!("{V}/composite/sobjects/Account?ids={acc}&fields=Name,Phone"),
    )
    .json();
    assert_eq!(got[0]["Phone"], "+31 20 555 0000");
    // The new phone is searchable at once.
    let s = search(
        &emu,
        &t,
        "60.0",
        "FIND {31205550000} IN PHONE FIELDS RETURNING Account(Name)",
    );
    assert_eq!(names(&s.json()), ["Account:Coll One"]);

    let auth = format!("Bearer {t}");
    let r = call(
        &emu.base_url,
        "DELETE",
        &format!("{path}?ids={acc},001000000000000&allOrNone=false"),
        &[("Authorization", &auth)],
        b"",
    );
    let v = r.json();
    assert_eq!(v[0]["success"], true);
    assert_eq!(v[1]["success"], false);
}

#[test]
fn composite_batch_answers_each_subrequest_and_counts_each() {
    let emu = start();
    let t = demo_token(&emu);
    let before = api_calls(&emu);
    let r = post_json(
        &emu,
        &t,
        &format!("{V}/composite/batch"),
        &json!({"batchRequests": [
            {"method": "GET", "url": "v60.0/sobjects/Account/describe"},
            {"method": "POST", "url": "v60.0/sobjects/Account", "richInput": {"Name": "Batch Co"}},
            {"method": "GET", "url": "v60.0/sobjects/Nope/describe"},
            {"method": "GET", "url": "v60.0/query?q=SELECT+Id+FROM+Case+LIMIT+1"},
        ]}),
    );
    assert_eq!(r.status, 200);
    let v = r.json();
    assert_eq!(v["hasErrors"], true);
    let codes: Vec<u64> = v["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|x| x["statusCode"].as_u64().unwrap_or(0))
        .collect();
    assert_eq!(codes, [200, 201, 404, 200]);
    assert_eq!(v["results"][2]["result"][0]["errorCode"], "NOT_FOUND");
    assert_eq!(api_calls(&emu) - before, 4, "each subrequest counts");

    let r = post_json(
        &emu,
        &t,
        &format!("{V}/composite/batch"),
        &json!({"haltOnError": true, "batchRequests": [
            {"method": "GET", "url": "v60.0/sobjects/Nope/describe"},
            {"method": "GET", "url": "v60.0/limits"},
        ]}),
    );
    assert_eq!(r.json()["results"][1]["statusCode"], 412);
    assert_eq!(
        r.json()["results"][1]["result"][0]["errorCode"],
        "BATCH_PROCESSING_HALTED"
    );

    let many: Vec<Value> = (0..26)
        .map(|_| json!({"method": "GET", "url": "v60.0/limits"}))
        .collect();
    let r = post_json(
        &emu,
        &t,
        &format!("{V}/composite/batch"),
        &json!({"batchRequests": many}),
    );
    assert_eq!(r.status, 400);
}

#[test]
fn composite_runs_four_describes_as_one_call_and_resolves_references() {
    let emu = start();
    let t = demo_token(&emu);
    let before = api_calls(&emu);
    let subs: Vec<Value> = ["Account", "Contact", "Lead", "Case"]
        .iter()
        .map(|o| json!({"method": "GET", "url": format!("{V}/sobjects/{o}/describe"), "referenceId": format!("d{o}")}))
        .collect();
    let r = post_json(
        &emu,
        &t,
        &format!("{V}/composite"),
        &json!({"compositeRequest": subs}),
    );
    assert_eq!(r.status, 200);
    assert_eq!(
        api_calls(&emu) - before,
        1,
        "a composite request is one API call"
    );
    let out = r.json()["compositeResponse"].clone();
    assert_eq!(out.as_array().map(Vec::len), Some(4));
    assert_eq!(out[2]["referenceId"], "dLead");
    assert_eq!(out[2]["httpStatusCode"], 200);
    assert_eq!(out[2]["body"]["name"], "Lead");
    assert!(
        out[3]["body"]["fields"]
            .as_array()
            .is_some_and(|f| f.iter().any(|x| x["name"] == "CaseNumber"))
    );

    // References: the contact gets the new account's id; the Location header is set.
    let r = post_json(
        &emu,
        &t,
        &format!("{V}/composite"),
        &json!({"allOrNone": true, "compositeRequest": [
            {"method": "POST", "url": format!("{V}/sobjects/Account"), "referenceId": "newAccount", "body": {"Name": "Composite Co"}},
            {"method": "POST", "url": format!("{V}/sobjects/Contact"), "referenceId": "newContact", "body": {"LastName": "Ref", "AccountId": "@{newAccount.id}"}},
            {"method": "GET", "url": format!("{V}/sobjects/Contact/@{{newContact.id}}?fields=AccountId"), "referenceId": "readBack"},
        ]}),
    );
    let out = r.json()["compositeResponse"].clone();
    assert_eq!(out[0]["httpStatusCode"], 201);
    let acc = out[0]["body"]["id"].as_str().expect("id").to_string();
    assert_eq!(
        out[0]["httpHeaders"]["Location"],
        format!("{V}/sobjects/Account/{acc}")
    );
    assert_eq!(out[2]["body"]["AccountId"], acc.as_str());

    // allOrNone: a failure rolls back the account created before it.
    let r = post_json(
        &emu,
        &t,
        &format!("{V}/composite"),
        &json!({"allOrNone": true, "compositeRequest": [
            {"method": "POST", "url": format!("{V}/sobjects/Account"), "referenceId": "a", "body": {"Name": "Rolled Back Co"}},
            {"method": "POST", "url": format!("{V}/sobjects/Contact"), "referenceId": "c", "body": {"FirstName": "No last name"}},
        ]}),
    );
    let out = r.json()["compositeResponse"].clone();
    assert_eq!(out[0]["httpStatusCode"], 400);
    assert_eq!(out[0]["body"][0]["errorCode"], "PROCESSING_HALTED");
    assert_eq!(out[1]["body"][0]["errorCode"], "REQUIRED_FIELD_MISSING");
    let q = get(
        &emu,
        &t,
        &format!(
            "{V}/query?q={}",
            enc("SELECT Id FROM Account WHERE Name = 'Rolled Back Co'")
        ),
    );
    assert_eq!(q.json()["totalSize"], 0);

    // A reference to nothing halts that subrequest.
    let r = post_json(
        &emu,
        &t,
        &format!("{V}/composite"),
        &json!({"compositeRequest": [
            {"method": "GET", "url": format!("{V}/sobjects/Account/@{{missing.id}}"), "referenceId": "x"},
        ]}),
    );
    assert_eq!(
        r.json()["compositeResponse"][0]["body"][0]["errorCode"],
        "PROCESSING_HALTED"
    );
    let r = post_json(
        &emu,
        &t,
        &format!("{V}/composite"),
        &json!({"compositeRequest": [{"method": "GET", "url": "/elsewhere", "referenceId": "x"}]}),
    );
    assert_eq!(r.status, 400);
}

#[test]
fn batch_subrequests_stop_at_the_daily_limit() {
    let emu = Background::start(Config {
        faults: emulator::Faults {
            request_limit: Some(4),
            ..Default::default()
        },
        ..Config::default()
    })
    .expect("start");
    let t = demo_token(&emu);
    let subs: Vec<Value> = (0..5)
        .map(|_| json!({"method": "GET", "url": "v60.0/limits"}))
        .collect();
    // The batch itself is call 1 (and its first subrequest); 2..4 fit, 5 does not.
    let r = post_json(
        &emu,
        &t,
        &format!("{V}/composite/batch"),
        &json!({"batchRequests": subs}),
    );
    assert_eq!(r.status, 200);
    let codes: Vec<u64> = r.json()["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|x| x["statusCode"].as_u64().unwrap_or(0))
        .collect();
    assert_eq!(codes, [200, 200, 200, 200, 403]);
    assert_eq!(
        r.json()["results"][4]["result"][0]["errorCode"],
        "REQUEST_LIMIT_EXCEEDED"
    );
    // The header shows the request limit in force as the maximum.
    assert_eq!(r.header("sforce-limit-info"), Some("api-usage=4/4"));
}

#[test]
fn composite_and_batch_refuse_a_missing_or_oversized_list() {
    let emu = start();
    let t = demo_token(&emu);
    let sub = json!({"method": "GET", "url": "/services/data/v60.0/limits", "referenceId": "r"});
    for (path, list, kind) in [
        ("/composite", "compositeRequest", "composite"),
        ("/composite/batch", "batchRequests", "batch"),
    ] {
        let r = post_json(&emu, &t, &format!("{V}{path}"), &json!({}));
        assert_eq!(
            (r.status, r.json()),
            (
                400,
                json!([{"errorCode": "INVALID_INPUT", "message": format!("{list} is required")}])
            )
        );
        let many: Vec<Value> = (0..26).map(|_| sub.clone()).collect();
        let r = post_json(&emu, &t, &format!("{V}{path}"), &json!({ list: many }));
        assert_eq!(
            (r.status, r.json()),
            (
                400,
                json!([{"errorCode": "INVALID_INPUT", "message": format!("Limit Exceeded: a {kind} request can hold at most 25 subrequests")}])
            )
        );
    }
}
