//! SOQL and SOSL beyond the screen pop, spoken to in raw HTTP: COUNT(),
//! aggregates, date literals, deep and polymorphic parents, child subqueries,
//! the `columns=true` metadata of `sf data query`, and SOSL's documented limits.
//! The org is small and written here, with dates relative to today (UTC).

mod common;

use std::collections::BTreeMap;

use common::*;
use emulator::Background;
use emulator::default_org::default_org_file;
use emulator::soql::{day_text, today_utc};
use serde_json::{Map, Value, json};

fn rec(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// `YYYY-MM-DDTHH:MM:SS.000+0000` of `days` from today at `time`.
fn at(days: i64, time: &str) -> String {
    format!("{}T{time}.000+0000", day_text(today_utc() + days))
}

fn day(days: i64) -> String {
    day_text(today_utc() + days)
}

fn demo_user_id() -> String {
    emulator::ids::make_id("005", 1)
}

/// Three accounts (one without contacts), three contacts, a lead, five cases
/// and three tasks pointing at all of them.
fn small_org() -> emulator::OrgFile {
    let mut org = default_org_file();
    let owner = demo_user_id();
    let mut r: BTreeMap<String, Vec<Map<String, Value>>> = BTreeMap::new();
    r.insert(
        "Account".into(),
        vec![
            rec(json!({"Ref": "acme", "Name": "Acme", "Phone": "+1 415 555 0100", "OwnerId": owner})),
            rec(json!({"Ref": "globex", "Name": "Globex", "Phone": "+31 20 555 0100"})),
            rec(json!({"Ref": "empty", "Name": "Empty Co"})),
        ],
    );
    r.insert(
        "Contact".into(),
        vec![
            rec(json!({"Ref": "jane", "FirstName": "Jane", "LastName": "Doe", "Email": "jane@acme.example", "Phone": "(415) 555-0101", "AccountId": "@acme"})),
            rec(json!({"Ref": "john", "FirstName": "John", "LastName": "Roe", "Phone": "(415) 555-0102", "AccountId": "@acme"})),
            rec(json!({"Ref": "pieter", "FirstName": "Pieter", "LastName": "Bakker", "MobilePhone": "06 1234 5678", "AccountId": "@globex"})),
        ],
    );
    r.insert(
        "Lead".into(),
        vec![rec(
            json!({"Ref": "lena", "FirstName": "Lena", "LastName": "Lead", "Company": "Leads Inc", "Phone": "+44 20 7946 0000"}),
        )],
    );
    r.insert(
        "Case".into(),
        vec![
            rec(json!({"Ref": "c1", "CaseNumber": "00000001", "Subject": "today", "Status": "New", "Priority": "High", "ContactId": "@jane", "AccountId": "@acme", "CreatedDate": at(0, "00:00:01")})),
            rec(json!({"CaseNumber": "00000002", "Subject": "late yesterday", "Status": "Working", "Priority": "High", "ContactId": "@jane", "AccountId": "@acme", "CreatedDate": at(-1, "23:59:59")})),
            rec(json!({"CaseNumber": "00000003", "Subject": "forty days", "Status": "New", "Priority": "Low", "ContactId": "@pieter", "AccountId": "@globex", "CreatedDate": at(-40, "12:00:00")})),
            rec(json!({"CaseNumber": "00000004", "Subject": "no contact", "Status": "Closed", "Priority": "Low", "AccountId": "@globex", "CreatedDate": at(-400, "12:00:00")})),
            rec(json!({"CaseNumber": "00000005", "Subject": "hundred days", "Status": "Closed", "Priority": "Medium", "ContactId": "@john", "AccountId": "@acme", "CreatedDate": at(-100, "08:00:00")})),
        ],
    );
    r.insert(
        "Task".into(),
        vec![
            rec(json!({"Subject": "T1 call Jane", "WhoId": "@jane", "WhatId": "@acme", "CallDurationInSeconds": 60, "ActivityDate": day(0)})),
            rec(json!({"Subject": "T2 call Lena", "WhoId": "@lena", "CallDurationInSeconds": 30, "ActivityDate": day(1)})),
            rec(json!({"Subject": "T3 on case", "WhatId": "@c1"})),
        ],
    );
    org.records = r;
    org
}

fn start() -> (Background, String) {
    let emu = start_with(small_org());
    let t = demo_token(&emu);
    (emu, t)
}

fn ok(r: Resp) -> Value {
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

/// One field of every record, in order.
fn column(v: &Value, field: &str) -> Vec<Value> {
    v["records"]
        .as_array()
        .expect("records")
        .iter()
        .map(|r| r[field].clone())
        .collect()
}

fn malformed(r: Resp) -> String {
    assert_eq!(r.status, 400, "{}", r.text());
    let v = r.json();
    assert_eq!(v[0]["errorCode"], "MALFORMED_QUERY", "{v}");
    let m = v[0]["message"].as_str().expect("message").to_string();
    assert!(m.contains("ERROR at Row:1:Column:"), "{m}");
    m
}

#[test]
fn count_star_answers_with_total_size_and_no_records() {
    let (emu, t) = start();
    assert_eq!(
        ok(query(&emu, &t, "SELECT COUNT() FROM Contact")),
        json!({"totalSize": 3, "done": true, "records": []})
    );
    assert_eq!(
        ok(query(
            &emu,
            &t,
            "select count() from Contact where Email != null"
        )),
        json!({"totalSize": 1, "done": true, "records": []})
    );
    assert_eq!(
        ok(query(&emu, &t, "SELECT COUNT() FROM Case LIMIT 2"))["totalSize"],
        2
    );
    let m = malformed(query(&emu, &t, "SELECT Id, COUNT() FROM Contact"));
    assert!(m.ends_with("COUNT() must be the only element in the SELECT list"));
}

#[test]
fn aggregate_functions_answer_aggregate_results_named_expr_n() {
    let (emu, t) = start();
    let v = ok(query(
        &emu,
        &t,
        "SELECT COUNT(Id), COUNT(Email), COUNT_DISTINCT(AccountId) FROM Contact",
    ));
    assert_eq!(
        v,
        json!({"totalSize": 1, "done": true, "records": [
            {"attributes": {"type": "AggregateResult"}, "expr0": 3, "expr1": 1, "expr2": 2}
        ]})
    );
    let v = ok(query(
        &emu,
        &t,
        "SELECT SUM(CallDurationInSeconds) total, AVG(CallDurationInSeconds), MIN(ActivityDate), MAX(ActivityDate) latest FROM Task",
    ));
    assert_eq!(
        v["records"][0],
        json!({"attributes": {"type": "AggregateResult"}, "total": 90, "expr0": 45.0, "expr1": day(0), "latest": day(1)})
    );
    // No matching row: one result, counts zero and the rest null.
    let v = ok(query(
        &emu,
        &t,
        "SELECT COUNT(Id), MAX(Name) FROM Account WHERE Name = 'nobody'",
    ));
    assert_eq!(
        v["records"],
        json!([{"attributes": {"type": "AggregateResult"}, "expr0": 0, "expr1": null}])
    );
}

#[test]
fn group_by_with_having_order_and_parent_fields() {
    let (emu, t) = start();
    let v = ok(query(
        &emu,
        &t,
        "SELECT Account.Name, COUNT(Id) cases FROM Case GROUP BY Account.Name ORDER BY COUNT(Id) DESC",
    ));
    assert_eq!(
        v,
        json!({"totalSize": 2, "done": true, "records": [
            {"attributes": {"type": "AggregateResult"}, "Name": "Acme", "cases": 3},
            {"attributes": {"type": "AggregateResult"}, "Name": "Globex", "cases": 2}
        ]})
    );
    let v = ok(query(
        &emu,
        &t,
        "SELECT Status, COUNT(Id) FROM Case GROUP BY Status HAVING COUNT(Id) > 1",
    ));
    assert_eq!(column(&v, "Status"), [json!("Closed"), json!("New")]);
    assert_eq!(column(&v, "expr0"), [json!(2), json!(2)]);
    let v = ok(query(
        &emu,
        &t,
        "SELECT Priority, MAX(CreatedDate) FROM Case WHERE Status != 'Closed' GROUP BY Priority HAVING Priority = 'High'",
    ));
    assert_eq!(column(&v, "expr0"), [json!(at(0, "00:00:01"))]);
    // HAVING on a date aggregate with a date literal.
    let v = ok(query(
        &emu,
        &t,
        "SELECT Account.Name, MAX(CreatedDate) FROM Case GROUP BY Account.Name HAVING MAX(CreatedDate) = LAST_N_DAYS:7",
    ));
    assert_eq!(column(&v, "Name"), [json!("Acme")]);
    let m = malformed(query(&emu, &t, "SELECT Status, COUNT(Id) FROM Case"));
    assert!(
        m.ends_with("Field must be grouped or aggregated: Status"),
        "{m}"
    );
}

#[test]
fn date_literals_compare_whole_utc_days_on_dates_and_datetimes() {
    let (emu, t) = start();
    let numbers = |soql: &str| -> Vec<Value> {
        column(
            &ok(query(&emu, &t, &format!("{soql} ORDER BY CaseNumber"))),
            "CaseNumber",
        )
    };
    let n = |s: &[&str]| s.iter().map(|x| json!(x)).collect::<Vec<_>>();
    assert_eq!(
        numbers("SELECT CaseNumber FROM Case WHERE CreatedDate = TODAY"),
        n(&["00000001"])
    );
    assert_eq!(
        numbers("SELECT CaseNumber FROM Case WHERE CreatedDate = YESTERDAY"),
        n(&["00000002"])
    );
    assert_eq!(
        numbers("SELECT CaseNumber FROM Case WHERE CreatedDate = LAST_N_DAYS:1"),
        n(&["00000001", "00000002"])
    );
    assert_eq!(
        numbers("SELECT CaseNumber FROM Case WHERE CreatedDate < LAST_N_DAYS:30"),
        n(&["00000003", "00000004", "00000005"])
    );
    assert_eq!(
        numbers(
            "SELECT CaseNumber FROM Case WHERE CreatedDate >= LAST_90_DAYS AND CreatedDate < YESTERDAY"
        ),
        n(&["00000003"])
    );
    // One second after midnight is after YESTERDAY; one second before is not.
    assert_eq!(
        numbers("SELECT CaseNumber FROM Case WHERE CreatedDate > YESTERDAY"),
        n(&["00000001"])
    );
    assert_eq!(
        numbers("SELECT CaseNumber FROM Case WHERE CreatedDate <= YESTERDAY"),
        n(&["00000002", "00000003", "00000004", "00000005"])
    );
    assert_eq!(
        numbers("SELECT CaseNumber FROM Case WHERE CreatedDate = N_DAYS_AGO:40"),
        n(&["00000003"])
    );
    assert_eq!(
        numbers("SELECT CaseNumber FROM Case WHERE CreatedDate != LAST_N_DAYS:365"),
        n(&["00000004"])
    );
    let subjects = |soql: &str| column(&ok(query(&emu, &t, soql)), "Subject");
    assert_eq!(
        subjects("SELECT Subject FROM Task WHERE ActivityDate = TOMORROW"),
        [json!("T2 call Lena")]
    );
    assert_eq!(
        subjects("SELECT Subject FROM Task WHERE ActivityDate > TODAY"),
        [json!("T2 call Lena")]
    );
    assert_eq!(
        subjects("SELECT Subject FROM Task WHERE ActivityDate = NEXT_N_DAYS:1"),
        [json!("T2 call Lena")]
    );
    assert_eq!(
        ok(query(
            &emu,
            &t,
            "SELECT COUNT() FROM Task WHERE ActivityDate = THIS_YEAR OR ActivityDate = NEXT_YEAR"
        ))["totalSize"],
        2
    );
    let r = query(&emu, &t, "SELECT Id FROM Account WHERE Name = TODAY");
    assert_eq!(r.status, 400);
    assert_eq!(r.json()[0]["errorCode"], "INVALID_FIELD");
    let m = malformed(query(
        &emu,
        &t,
        "SELECT Id FROM Case WHERE CreatedDate = LAST_N_DAYS",
    ));
    assert!(m.contains("LAST_N_DAYS"), "{m}");
}

#[test]
fn parent_fields_nest_several_levels_and_stop_at_an_empty_lookup() {
    let (emu, t) = start();
    let v = ok(query(
        &emu,
        &t,
        "SELECT CaseNumber, Contact.Name, Contact.Account.Name, Contact.Account.Owner.Name FROM Case WHERE CaseNumber IN ('00000001', '00000004') ORDER BY CaseNumber",
    ));
    let recs = v["records"].as_array().expect("records");
    let contact = &recs[0]["Contact"];
    assert_eq!(contact["attributes"]["type"], "Contact");
    assert_eq!(contact["Name"], "Jane Doe");
    assert_eq!(contact["Account"]["attributes"]["type"], "Account");
    assert!(
        contact["Account"]["attributes"]["url"]
            .as_str()
            .is_some_and(|u| u.starts_with("/services/data/v60.0/sobjects/Account/001"))
    );
    assert_eq!(contact["Account"]["Name"], "Acme");
    assert_eq!(
        contact["Account"]["Owner"],
        json!({"attributes": {"type": "User", "url": format!("/services/data/v60.0/sobjects/User/{}", demo_user_id())}, "Name": "Demo Integration"})
    );
    assert_eq!(
        recs[0]
            .as_object()
            .expect("record")
            .keys()
            .collect::<Vec<_>>(),
        ["attributes", "CaseNumber", "Contact"]
    );
    assert_eq!(recs[1]["Contact"], Value::Null);
    // Filtering and ordering through two hops.
    let v = ok(query(
        &emu,
        &t,
        "SELECT CaseNumber FROM Case WHERE Contact.Account.Name = 'globex'",
    ));
    assert_eq!(column(&v, "CaseNumber"), [json!("00000003")]);
    let r = query(&emu, &t, "SELECT Contact.Acount.Name FROM Case");
    assert_eq!(r.status, 400);
    assert_eq!(r.json()[0]["errorCode"], "INVALID_FIELD");
}

#[test]
fn who_and_what_reach_contacts_leads_accounts_and_cases() {
    let (emu, t) = start();
    let v = ok(query(
        &emu,
        &t,
        "SELECT Subject, Who.Name, Who.Type, What.Name, What.Type FROM Task ORDER BY Subject",
    ));
    let recs = v["records"].as_array().expect("records");
    let who = &recs[0]["Who"];
    assert_eq!(who["attributes"]["type"], "Name");
    assert!(
        who["attributes"]["url"]
            .as_str()
            .is_some_and(|u| u.contains("/sobjects/Contact/003"))
    );
    assert_eq!(
        (&who["Name"], &who["Type"]),
        (&json!("Jane Doe"), &json!("Contact"))
    );
    assert_eq!(
        (&recs[0]["What"]["Name"], &recs[0]["What"]["Type"]),
        (&json!("Acme"), &json!("Account"))
    );
    assert_eq!(
        (&recs[1]["Who"]["Name"], &recs[1]["Who"]["Type"]),
        (&json!("Lena Lead"), &json!("Lead"))
    );
    assert_eq!(recs[1]["What"], Value::Null);
    assert_eq!(recs[2]["Who"], Value::Null);
    assert_eq!(
        (&recs[2]["What"]["Name"], &recs[2]["What"]["Type"]),
        (&json!("00000001"), &json!("Case"))
    );
    let v = ok(query(
        &emu,
        &t,
        "SELECT Subject FROM Task WHERE Who.Type = 'Lead'",
    ));
    assert_eq!(column(&v, "Subject"), [json!("T2 call Lena")]);
}

#[test]
fn child_subqueries_nest_a_result_or_null() {
    let (emu, t) = start();
    let v = ok(query(
        &emu,
        &t,
        "SELECT Name, (SELECT LastName FROM Contacts ORDER BY LastName), (SELECT CaseNumber FROM Cases WHERE IsClosed = false LIMIT 1) FROM Account ORDER BY Name",
    ));
    let recs = v["records"].as_array().expect("records");
    assert_eq!(v["totalSize"], 3);
    let contacts = &recs[0]["Contacts"];
    assert_eq!(contacts["totalSize"], 2);
    assert_eq!(contacts["done"], true);
    assert_eq!(column(contacts, "LastName"), [json!("Doe"), json!("Roe")]);
    assert_eq!(contacts["records"][0]["attributes"]["type"], "Contact");
    assert_eq!(recs[0]["Cases"]["totalSize"], 1);
    assert_eq!(recs[1]["Name"], "Empty Co");
    assert_eq!(recs[1]["Contacts"], Value::Null);
    assert_eq!(recs[1]["Cases"], Value::Null);
    assert_eq!(
        recs[0]
            .as_object()
            .expect("record")
            .keys()
            .collect::<Vec<_>>(),
        ["attributes", "Name", "Contacts", "Cases"]
    );
    let v = ok(query(
        &emu,
        &t,
        "SELECT LastName, (SELECT Subject FROM Tasks) FROM Contact WHERE LastName = 'Doe'",
    ));
    assert_eq!(
        column(&v["records"][0]["Tasks"], "Subject"),
        [json!("T1 call Jane")]
    );
    let r = query(&emu, &t, "SELECT Id, (SELECT Id FROM Leads) FROM Account");
    assert_eq!(r.status, 400);
    assert_eq!(r.json()[0]["errorCode"], "INVALID_TYPE");
}

#[test]
fn users_are_queryable_and_still_not_searchable() {
    let (emu, t) = start();
    let v = ok(query(
        &emu,
        &t,
        &format!("SELECT Id, Name FROM User WHERE Id = '{}'", demo_user_id()),
    ));
    assert_eq!(
        v["records"],
        json!([{"attributes": {"type": "User", "url": format!("/services/data/v60.0/sobjects/User/{}", demo_user_id())}, "Id": demo_user_id(), "Name": "Demo Integration"}])
    );
    assert!(ok(query(&emu, &t, "SELECT COUNT() FROM User"))["totalSize"].as_u64() > Some(1));
    let r = search(&emu, &t, "60.0", "FIND {Demo} RETURNING User(Id)");
    assert_eq!(r.status, 400);
    assert_eq!(r.json()[0]["errorCode"], "INVALID_TYPE");
}

#[test]
fn security_clauses_are_accepted_and_the_unsupported_is_malformed() {
    let (emu, t) = start();
    for q in [
        "SELECT Id FROM Account WITH SECURITY_ENFORCED",
        "SELECT Id FROM Account WHERE Name != null WITH SECURITY_ENFORCED ORDER BY Name",
        "SELECT Id FROM Account LIMIT 2 FOR VIEW",
        "SELECT Id FROM Account FOR REFERENCE",
    ] {
        assert!(
            ok(query(&emu, &t, q))["totalSize"].as_u64().is_some(),
            "{q}"
        );
    }
    let m = malformed(query(
        &emu,
        &t,
        "SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Contact)",
    ));
    assert_eq!(
        m,
        "\nSELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Contact)\n                                    ^\nERROR at Row:1:Column:37\nunexpected token: SELECT"
    );
    let m = malformed(query(
        &emu,
        &t,
        "SELECT Id FROM Account GROUP BY ROLLUP(Name)",
    ));
    assert!(m.contains("unexpected token"), "{m}");
}

#[test]
fn columns_true_answers_the_metadata_sf_data_query_reads() {
    let (emu, t) = start();
    let columns = |soql: &str| {
        ok(get(
            &emu,
            &t,
            &format!("/services/data/v60.0/query?q={}&columns=true", enc(soql)),
        ))
    };
    let v = columns(
        "SELECT Id, Name, Owner.Name, Owner.Id, (SELECT LastName FROM Contacts) FROM Account",
    );
    assert_eq!(v["entityName"], "Account");
    assert_eq!(v["keyPrefix"], "001");
    assert_eq!(v["idSelected"], true);
    assert_eq!(v["groupBy"], false);
    assert!(v.get("records").is_none());
    let cols = v["columnMetadata"].as_array().expect("columnMetadata");
    let names: Vec<&str> = cols
        .iter()
        .filter_map(|c| c["columnName"].as_str())
        .collect();
    assert_eq!(names, ["Id", "Name", "Owner", "Contacts"]);
    for c in cols {
        for key in [
            "aggregate",
            "apexType",
            "booleanType",
            "columnName",
            "custom",
            "displayName",
            "foreignKeyName",
            "insertable",
            "joinColumns",
            "numberType",
            "textType",
            "updatable",
        ] {
            assert!(c.get(key).is_some(), "{key} missing in {c}");
        }
    }
    assert_eq!(
        (&cols[0]["apexType"], &cols[1]["textType"]),
        (&json!("Id"), &json!(true))
    );
    let owner: Vec<&str> = cols[2]["joinColumns"]
        .as_array()
        .expect("join")
        .iter()
        .filter_map(|c| c["columnName"].as_str())
        .collect();
    assert_eq!(owner, ["Name", "Id"]);
    assert_eq!(cols[3]["aggregate"], true);
    assert_eq!(cols[3]["joinColumns"][0]["columnName"], "LastName");
    let v = columns("SELECT Status, COUNT(Id), MAX(CreatedDate) latest FROM Case GROUP BY Status");
    assert_eq!(v["entityName"], "AggregateResult");
    assert_eq!(v["groupBy"], true);
    assert_eq!(v["keyPrefix"], Value::Null);
    let cols = v["columnMetadata"].as_array().expect("columnMetadata");
    let shown: Vec<(String, String, bool)> = cols
        .iter()
        .map(|c| {
            (
                c["columnName"].as_str().unwrap_or("").to_string(),
                c["displayName"].as_str().unwrap_or("").to_string(),
                c["aggregate"].as_bool().unwrap_or(false),
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            ("Status".into(), "Status".into(), false),
            ("expr0".into(), "COUNT(Id)".into(), true),
            ("latest".into(), "MAX(CreatedDate)".into(), true)
        ]
    );
    // A bad query is still a bad query.
    let r = get(
        &emu,
        &t,
        &format!(
            "/services/data/v60.0/query?q={}&columns=true",
            enc("SELECT Foo FROM Account")
        ),
    );
    assert_eq!(r.status, 400);
}

fn search_ids(emu: &Background, t: &str, sosl: &str) -> Vec<String> {
    let v = ok(search(emu, t, "60.0", sosl));
    let mut ids: Vec<String> = v["searchRecords"]
        .as_array()
        .expect("searchRecords")
        .iter()
        .filter_map(|r| r["Id"].as_str().map(str::to_string))
        .collect();
    ids.sort();
    ids
}

#[test]
fn many_ored_phone_numbers_find_the_union_of_single_searches() {
    let (emu, t) = start();
    let real = [
        "4155550101",
        "14155550102",
        "31205550100",
        "0612345678",
        "442079460000",
    ];
    let mut terms: Vec<String> = (0..200).map(|i| format!("\"99{i:08}\"")).collect();
    for (i, r) in real.iter().enumerate() {
        terms.insert(i * 50, format!("\"{r}\""));
    }
    let returning = "RETURNING Account(Id), Contact(Id), Lead(Id)";
    let batched = format!(
        "FIND {{{}}} IN PHONE FIELDS {returning}",
        terms.join(" OR ")
    );
    // Kept under the 4,000 characters from which operators stop counting.
    assert!(batched.len() < 4000, "{}", batched.len());
    let mut one_by_one: Vec<String> = real
        .iter()
        .flat_map(|r| {
            search_ids(
                &emu,
                &t,
                &format!("FIND {{{r}}} IN PHONE FIELDS {returning}"),
            )
        })
        .collect();
    one_by_one.sort();
    one_by_one.dedup();
    assert_eq!(one_by_one.len(), 5, "each real number finds its record");
    assert_eq!(search_ids(&emu, &t, &batched), one_by_one);
}

#[test]
fn sosl_query_length_limits_and_the_row_cap() {
    let (emu, t) = start();
    // "jane AND nobodyzz" finds nothing while operators count...
    let pad = |n: usize| vec!["zz"; n].join(" OR ");
    let short = format!(
        "FIND {{jane AND nobodyzz OR {}}} RETURNING Contact(Id, Name)",
        pad(10)
    );
    assert!(search_ids(&emu, &t, &short).is_empty());
    // ...past 4,000 characters the operators are dropped: jane is a term of its own.
    let long = format!(
        "FIND {{jane AND nobodyzz OR {}}} RETURNING Contact(Id, Name)",
        pad(700)
    );
    assert_eq!(search_ids(&emu, &t, &long).len(), 1);
    // Past 10,000 characters no rows at all, even for a term that matches.
    // (Spaces sent as `+`: with `%20` the URI would pass Salesforce's 16,384-byte
    // limit and be 414 before the search runs.)
    let huge = format!("FIND {{jane OR {}}} RETURNING Contact(Id, Name)", pad(2000));
    let path = format!(
        "/services/data/v60.0/search/?q={}",
        enc(&huge).replace("%20", "+")
    );
    assert!(path.len() < 16_384);
    assert_eq!(ok(get(&emu, &t, &path)), json!({"searchRecords": []}));

    // 2,000 rows at most, whatever matches.
    let mut org = small_org();
    org.records.entry("Contact".into()).or_default().extend(
        (0..2100)
            .map(|i| rec(json!({"LastName": format!("Same {i}"), "Phone": "+1 212 555 0199"}))),
    );
    let emu = start_with(org);
    let t = demo_token(&emu);
    let v = ok(search(
        &emu,
        &t,
        "60.0",
        "FIND {2125550199} IN PHONE FIELDS RETURNING Contact(Id)",
    ));
    assert_eq!(v["searchRecords"].as_array().map(Vec::len), Some(2000));
    let v = ok(search(
        &emu,
        &t,
        "60.0",
        "FIND {2125550199} IN PHONE FIELDS RETURNING Contact(Id) LIMIT 5000",
    ));
    assert_eq!(v["searchRecords"].as_array().map(Vec::len), Some(2000));
}
