//! Describe over raw HTTP: `childRelationships` (what `sf data export tree
//! --plan` and jsforce read), the cascade it announces, and the external-id and
//! idLookup marks upsert relies on.

mod common;

use common::*;
use serde_json::{Value, json};

const V: &str = "/services/data/v60.0";

fn describe(emu: &emulator::Background, t: &str, object: &str) -> Value {
    let r = get(emu, t, &format!("{V}/sobjects/{object}/describe"));
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

fn children(d: &Value) -> Vec<String> {
    d["childRelationships"]
        .as_array()
        .expect("childRelationships")
        .iter()
        .map(|c| {
            format!(
                "{}.{}:{}:{}",
                c["childSObject"].as_str().unwrap_or(""),
                c["field"].as_str().unwrap_or(""),
                c["relationshipName"].as_str().unwrap_or(""),
                c["cascadeDelete"]
            )
        })
        .collect()
}

#[test]
fn describe_lists_the_child_relationships_soql_knows() {
    let emu = start();
    let t = demo_token(&emu);
    let account = describe(&emu, &t, "Account");
    assert_eq!(
        children(&account),
        [
            "Contact.AccountId:Contacts:true",
            "Case.AccountId:Cases:true",
            "Task.WhatId:Tasks:true"
        ]
    );
    let first = &account["childRelationships"][0];
    let keys: Vec<&str> = first
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "cascadeDelete",
            "childSObject",
            "deprecatedAndHidden",
            "field",
            "junctionIdListNames",
            "junctionReferenceTo",
            "relationshipName",
            "restrictedDelete"
        ]
    );
    assert_eq!(
        children(&describe(&emu, &t, "Contact")),
        ["Case.ContactId:Cases:false", "Task.WhoId:Tasks:true"]
    );
    // Objects with no children still carry the (empty) list: clients call .find on it.
    assert_eq!(describe(&emu, &t, "Task")["childRelationships"], json!([]));
    // Every relationship describe announces can be queried as a subquery.
    for object in ["Account", "Contact", "Lead", "Case"] {
        for c in describe(&emu, &t, object)["childRelationships"]
            .as_array()
            .expect("list")
        {
            let soql = format!(
                "SELECT Id, (SELECT Id FROM {}) FROM {object} LIMIT 1",
                c["relationshipName"].as_str().expect("name")
            );
            assert_eq!(query(&emu, &t, &soql).status, 200, "{soql}");
        }
    }
}

#[test]
fn deleting_a_parent_does_what_cascade_delete_says() {
    let emu = start();
    let t = demo_token(&emu);
    let id = |r: Resp| -> String {
        assert_eq!(r.status, 201, "{}", r.text());
        r.json()["id"].as_str().expect("id").to_string()
    };
    let acc = id(post_json(
        &emu,
        &t,
        &format!("{V}/sobjects/Account"),
        &json!({"Name": "Cascade Co"}),
    ));
    let con = id(post_json(
        &emu,
        &t,
        &format!("{V}/sobjects/Contact"),
        &json!({"LastName": "Kid", "AccountId": acc}),
    ));
    let case = id(post_json(
        &emu,
        &t,
        &format!("{V}/sobjects/Case"),
        &json!({"Subject": "Stays", "ContactId": con}),
    ));
    let task = id(post_json(
        &emu,
        &t,
        &format!("{V}/sobjects/Task"),
        &json!({"Subject": "Goes", "WhoId": con}),
    ));
    let del = |path: String| {
        let auth = format!("Bearer {t}");
        call(
            &emu.base_url,
            "DELETE",
            &path,
            &[("Authorization", &auth)],
            b"",
        )
        .status
    };
    assert_eq!(del(format!("{V}/sobjects/Contact/{con}")), 204);
    let c = get(&emu, &t, &format!("{V}/sobjects/Case/{case}"));
    assert_eq!(c.status, 200);
    assert_eq!(c.json()["ContactId"], Value::Null);
    assert_eq!(
        get(&emu, &t, &format!("{V}/sobjects/Task/{task}")).status,
        404
    );
    let con2 = id(post_json(
        &emu,
        &t,
        &format!("{V}/sobjects/Contact"),
        &json!({"LastName": "Second", "AccountId": acc}),
    ));
    assert_eq!(del(format!("{V}/sobjects/Account/{acc}")), 204);
    assert_eq!(
        get(&emu, &t, &format!("{V}/sobjects/Contact/{con2}")).status,
        404
    );
}
