//! The emulator spoken to in raw HTTP/1.1 (not crmctl's client): every documented
//! shape, status and header of salesforce-api.md that crmctl relies on.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::*;
use emulator::default_org::*;
use emulator::{Background, Config, FaultKind, Faults, ScriptedFault};
use serde_json::json;

#[test]
fn versions_list_needs_no_auth_and_has_no_limit_header() {
    let emu = start();
    let r = call(&emu.base_url, "GET", "/services/data/", &[], b"");
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("content-type"),
        Some("application/json;charset=UTF-8")
    );
    assert!(r.header("sforce-limit-info").is_none());
    let v = r.json();
    let first = &v.as_array().expect("array")[0];
    assert_eq!(
        first,
        &json!({"label": "Summer '14", "url": "/services/data/v31.0", "version": "31.0"})
    );
    assert!(
        v.as_array()
            .expect("array")
            .iter()
            .any(|x| x["version"] == "60.0" && x["label"] == "Spring '24")
    );
    assert_eq!(
        v.as_array().expect("array").last().expect("last")["label"],
        "Summer '26"
    );
}

#[test]
fn password_login_returns_the_documented_fields_in_order() {
    let emu = start();
    let r = login(
        &emu.login_url,
        DEMO_USERNAME,
        &format!("{DEMO_PASSWORD}{DEMO_SECURITY_TOKEN}"),
    );
    assert_eq!(r.status, 200);
    assert_eq!(
        r.keys(),
        [
            "access_token",
            "instance_url",
            "id",
            "token_type",
            "issued_at",
            "signature"
        ]
    );
    let v = r.json();
    assert_eq!(v["instance_url"], emu.base_url.as_str());
    assert_eq!(v["token_type"], "Bearer");
    let issued = v["issued_at"].as_str().expect("issued_at is a string");
    assert!(issued.len() == 13 && issued.bytes().all(|b| b.is_ascii_digit()));
    let token = v["access_token"].as_str().expect("token");
    assert_eq!(&token[..3], "00D");
    assert_eq!(token.as_bytes()[15], b'!');
    let id = v["id"].as_str().expect("id");
    assert!(id.starts_with(&format!("{}/id/00D", emu.login_url)), "{id}");
    assert_eq!(r.header("cache-control"), Some("no-store"));
}

#[test]
fn every_token_failure_of_section_1_3() {
    let emu = start();
    let good = format!("{DEMO_PASSWORD}{DEMO_SECURITY_TOKEN}");
    let cases: Vec<(Resp, &str, &str)> = vec![
        (
            login(&emu.login_url, DEMO_USERNAME, "wrong"),
            "invalid_grant",
            "authentication failure",
        ),
        (
            login(&emu.login_url, DEMO_USERNAME, DEMO_PASSWORD),
            "invalid_grant",
            "authentication failure",
        ),
        (
            login(&emu.login_url, "nobody@example.com", &good),
            "invalid_grant",
            "authentication failure",
        ),
        (
            login(&emu.login_url, "inactive@crmctl.example", &good),
            "inactive_user",
            "User is inactive",
        ),
        (
            login(&emu.login_url, "iprestricted@crmctl.example", &good),
            "invalid_grant",
            "IP restricted or invalid login hours",
        ),
        (
            login(&emu.login_url, "blockedflow@crmctl.example", &good),
            "invalid_grant",
            "authentication failure",
        ),
        (
            login(&emu.login_url, "locked@crmctl.example", &good),
            "invalid_grant",
            "authentication failure",
        ),
    ];
    for (r, error, desc) in cases {
        assert_eq!(r.status, 400);
        assert_eq!(r.json(), json!({"error": error, "error_description": desc}));
    }
    let post = |body: String, ct: &str| {
        call(
            &emu.login_url,
            "POST",
            "/services/oauth2/token",
            &[("Content-Type", ct)],
            body.as_bytes(),
        )
    };
    let ff = "application/x-www-form-urlencoded";
    let r = post(
        form(&[
            ("grant_type", "password"),
            ("client_id", "nope"),
            ("client_secret", "x"),
            ("username", DEMO_USERNAME),
            ("password", &good),
        ]),
        ff,
    );
    assert_eq!(
        r.json(),
        json!({"error": "invalid_client_id", "error_description": "client identifier invalid"})
    );
    let r = post(
        form(&[
            ("grant_type", "password"),
            ("client_id", DEMO_CLIENT_ID),
            ("client_secret", "wrong"),
            ("username", DEMO_USERNAME),
            ("password", &good),
        ]),
        ff,
    );
    assert_eq!(
        r.json(),
        json!({"error": "invalid_client", "error_description": "invalid client credentials"})
    );
    let r = post(
        form(&[("grant_type", "magic"), ("client_id", DEMO_CLIENT_ID)]),
        ff,
    );
    assert_eq!(
        r.json(),
        json!({"error": "unsupported_grant_type", "error_description": "grant type not supported"})
    );
    let r = post(
        json!({"grant_type": "password", "client_id": DEMO_CLIENT_ID}).to_string(),
        "application/json",
    );
    assert_eq!(
        (r.status, r.json()["error"].clone()),
        (400, json!("unsupported_grant_type"))
    );
    let r = post(
        form(&[
            ("grant_type", "password"),
            ("client_id", "3MVG9crmctlAPPROVEDonly.emulator"),
            ("client_secret", "crmctl-approved-only-secret"),
            ("username", "nolead@crmctl.example"),
            ("password", &good),
        ]),
        ff,
    );
    assert_eq!(
        r.json(),
        json!({"error": "invalid_app_access", "error_description": "user is not admin approved to access this app"})
    );
    // A trusted IP range needs no token.
    assert_eq!(
        login(&emu.login_url, "trusted@crmctl.example", DEMO_PASSWORD).status,
        200
    );
}

#[test]
fn client_credentials_work_only_on_the_my_domain_host() {
    let emu = start();
    let body = form(&[
        ("grant_type", "client_credentials"),
        ("client_id", DEMO_CLIENT_ID),
        ("client_secret", DEMO_CLIENT_SECRET),
    ]);
    let h = [("Content-Type", "application/x-www-form-urlencoded")];
    let r = call(
        &emu.login_url,
        "POST",
        "/services/oauth2/token",
        &h,
        body.as_bytes(),
    );
    assert_eq!(
        r.json(),
        json!({"error": "invalid_grant", "error_description": "request not supported on this domain"})
    );
    let r = call(
        &emu.base_url,
        "POST",
        "/services/oauth2/token",
        &h,
        body.as_bytes(),
    );
    assert_eq!(r.status, 200);
    assert_eq!(
        r.keys(),
        [
            "access_token",
            "signature",
            "scope",
            "instance_url",
            "id",
            "token_type",
            "issued_at"
        ]
    );
}

#[test]
fn org_level_failures_inactive_org_and_login_rate_limit() {
    let mut file = emulator::default_org::default_org_file();
    file.org.inactive = true;
    let emu = Background::start(Config {
        org: Some(file),
        ..Config::default()
    })
    .expect("start");
    let r = login(
        &emu.login_url,
        DEMO_USERNAME,
        &format!("{DEMO_PASSWORD}{DEMO_SECURITY_TOKEN}"),
    );
    assert_eq!(
        r.json(),
        json!({"error": "inactive_org", "error_description": "Org is locked, closed, or suspended"})
    );
    let mut file = emulator::default_org::default_org_file();
    file.org.max_logins = Some(1);
    let emu = Background::start(Config {
        org: Some(file),
        ..Config::default()
    })
    .expect("start");
    let pw = format!("{DEMO_PASSWORD}{DEMO_SECURITY_TOKEN}");
    assert_eq!(login(&emu.login_url, DEMO_USERNAME, &pw).status, 200);
    let r = login(&emu.login_url, DEMO_USERNAME, &pw);
    assert_eq!(
        r.json(),
        json!({"error": "rate_limit_exceeded", "error_description": "Number of logins exceeded"})
    );
}

#[test]
fn data_call_errors_are_json_arrays_with_their_statuses() {
    let emu = start();
    let r = call(
        &emu.base_url,
        "GET",
        "/services/data/v60.0/limits",
        &[],
        b"",
    );
    assert_eq!(
        (r.status, r.json()),
        (
            401,
            json!([{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}])
        )
    );
    let r = get(&emu, "00Dgarbage!xyz", "/services/data/v60.0/limits");
    assert_eq!(r.status, 401);
    let r = call(
        &emu.base_url,
        "GET",
        "/services/data/v60.0/limits",
        &[("Authorization", "Basic abc")],
        b"",
    );
    assert_eq!(r.json()[0]["errorCode"], "INVALID_AUTH_HEADER");
    let token = token_for(&emu, DEMO_USERNAME);
    let r = call(
        &emu.base_url,
        "GET",
        "/services/data/v60.0/limits",
        &[("Authorization", &format!("OAuth {token}"))],
        b"",
    );
    assert_eq!(r.status, 200, "the OAuth scheme is accepted too");
    for bad in [
        "/services/data/v60/limits",
        "/services/data/v99.0/limits",
        "/services/data/v60.0/nothing",
    ] {
        let r = get(&emu, &token, bad);
        assert_eq!(
            (r.status, r.json()),
            (
                404,
                json!([{"message": "The requested resource does not exist", "errorCode": "NOT_FOUND"}])
            ),
            "{bad}"
        );
    }
    let noapi = token_for(&emu, "noapi@crmctl.example");
    let r = get(&emu, &noapi, "/services/data/v60.0/limits");
    assert_eq!(
        (r.status, r.json()[0]["errorCode"].clone()),
        (403, json!("API_DISABLED_FOR_ORG"))
    );
    assert_eq!(
        r.json()[0]["message"],
        "The REST API is not enabled for this Organization."
    );
    let expired = token_for(&emu, "expired@crmctl.example");
    let r = get(&emu, &expired, "/services/data/v60.0/limits");
    assert_eq!(
        (r.status, r.json()[0]["errorCode"].clone()),
        (403, json!("INVALID_OPERATION_WITH_EXPIRED_PASSWORD"))
    );
}

#[test]
fn limit_info_header_counts_every_data_call() {
    let emu = start();
    let token = token_for(&emu, DEMO_USERNAME);
    let a = get(&emu, &token, "/services/data/v60.0/");
    let b = get(&emu, &token, "/services/data/v60.0/limits");
    assert_eq!(a.header("sforce-limit-info"), Some("api-usage=1/15000"));
    assert_eq!(b.header("sforce-limit-info"), Some("api-usage=2/15000"));
    assert_eq!(
        b.json()["DailyApiRequests"],
        json!({"Max": 15000, "Remaining": 13000 + 1998})
    );
    assert_eq!(a.json()["search"], "/services/data/v60.0/search");
}

const PHONE_SOSL: &str = "FIND {4155551212} IN PHONE FIELDS RETURNING Account(Id, Name, Phone), Contact(Id, Name, Phone, MobilePhone, Email, AccountId, Account.Name), Lead(Id, Name, Phone, MobilePhone, Email, Company, Status WHERE IsConverted = false)";

#[test]
fn phone_search_matches_the_documented_stored_forms() {
    let emu = start();
    let token = token_for(&emu, DEMO_USERNAME);
    let r = search(&emu, &token, "60.0", PHONE_SOSL);
    assert_eq!(r.status, 200);
    let v = r.json();
    assert_eq!(names(&v), ["Contact:Jane Doe", "Lead:John Smith"]);
    let jane = &v["searchRecords"][0];
    assert_eq!(jane["Phone"], "(415) 555-1212");
    assert_eq!(jane["Account"]["Name"], "Acme Corporation");
    assert_eq!(jane["Account"]["attributes"]["type"], "Account");
    let url = jane["attributes"]["url"].as_str().expect("url");
    assert!(
        url.starts_with("/services/data/v60.0/sobjects/Contact/003")
            && url.len() == "/services/data/v60.0/sobjects/Contact/".len() + 18,
        "{url}"
    );
    // 11-digit NANP form finds the same records.
    let r = search(
        &emu,
        &token,
        "60.0",
        &PHONE_SOSL.replace("4155551212", "14155551212"),
    );
    assert_eq!(names(&r.json()), ["Contact:Jane Doe", "Lead:John Smith"]);
    // The Amsterdam number typed two ways, found by OR-ing its forms.
    let r = search(
        &emu,
        &token,
        "60.0",
        "FIND {31201234567 OR 0201234567} IN PHONE FIELDS RETURNING Account(Name), Contact(Name), Lead(Name)",
    );
    assert_eq!(
        names(&r.json()),
        ["Account:Amsterdam Trading B.V.", "Contact:Pieter de Vries"]
    );
    // One number shared by an account and two contacts.
    let r = search(
        &emu,
        &token,
        "60.0",
        "FIND {442079460958} IN PHONE FIELDS RETURNING Account(Name), Contact(Name)",
    );
    assert_eq!(
        names(&r.json()),
        [
            "Account:Globex Corporation",
            "Contact:Oliver Bennett",
            "Contact:Amelia Clarke"
        ]
    );
    let r = search(
        &emu,
        &token,
        "60.0",
        "FIND {00493012345670} IN PHONE FIELDS RETURNING Account(Name)",
    );
    assert_eq!(
        names(&r.json()),
        Vec::<String>::new(),
        "no partial or longer matches"
    );
    let r = search(
        &emu,
        &token,
        "60.0",
        "FIND {0049301234567} IN PHONE FIELDS RETURNING Account(Name)",
    );
    assert_eq!(names(&r.json()), ["Account:Berliner Werkzeug GmbH"]);
    let r = search(
        &emu,
        &token,
        "60.0",
        "FIND {9999999999} IN PHONE FIELDS RETURNING Account(Name)",
    );
    assert_eq!(r.json(), json!({"searchRecords": []}));
}

#[test]
fn email_search_is_case_insensitive_on_the_whole_address() {
    let emu = start();
    let token = token_for(&emu, DEMO_USERNAME);
    let r = search(
        &emu,
        &token,
        "60.0",
        "FIND {amelia.clarke@GLOBEX.example.co.uk} IN EMAIL FIELDS RETURNING Contact(Name, Email), Lead(Name)",
    );
    assert_eq!(names(&r.json()), ["Contact:Amelia Clarke"]);
    let r = search(
        &emu,
        &token,
        "60.0",
        r"FIND {noor\+vip@example.be} IN EMAIL FIELDS RETURNING Contact(Name)",
    );
    assert_eq!(names(&r.json()), ["Contact:Noor Independent"]);
    let r = search(
        &emu,
        &token,
        "60.0",
        "FIND {clarke@globex.example.co.uk} IN EMAIL FIELDS RETURNING Contact(Name)",
    );
    assert_eq!(names(&r.json()), Vec::<String>::new());
    let r = search(
        &emu,
        &token,
        "60.0",
        "FIND {maria.garcia@example.fr} IN EMAIL FIELDS RETURNING Lead(Name, Company)",
    );
    assert_eq!(
        names(&r.json()),
        ["Lead:Maria Garcia", "Lead:Maria Garcia"],
        "duplicate leads"
    );
}

#[test]
fn search_errors_and_old_api_versions() {
    let emu = start();
    let token = token_for(&emu, DEMO_USERNAME);
    let r = search(&emu, &token, "60.0", "FIND {+14155551212} IN PHONE FIELDS");
    assert_eq!(
        (r.status, r.json()[0]["errorCode"].clone()),
        (400, json!("MALFORMED_SEARCH"))
    );
    assert!(
        r.json()[0]["message"]
            .as_str()
            .expect("msg")
            .contains("ERROR at Row:1:Column:7"),
        "{}",
        r.json()
    );
    let r = search(&emu, &token, "60.0", "FIND {a}");
    assert_eq!(
        r.json(),
        json!([{"message": "search term must be longer than one character: a", "errorCode": "INVALID_SEARCH"}])
    );
    let r = get(&emu, &token, "/services/data/v60.0/search/?q=Acme");
    assert_eq!(
        r.json()[0]["message"],
        "No search term found. The search term must be enclosed in braces."
    );
    let r = search(&emu, &token, "35.0", PHONE_SOSL);
    assert!(r.json().is_array(), "v35.0 and older answer a bare array");
    let r = search(&emu, &token, "60.0", "FIND {Acme} RETURNING Acount(Name)");
    assert_eq!(r.json()[0]["errorCode"], "INVALID_TYPE");
}

#[test]
fn hidden_fields_are_invisible_to_that_user() {
    let emu = start();
    let token = token_for(&emu, "nolead@crmctl.example");
    let r = search(
        &emu,
        &token,
        "60.0",
        "FIND {4155551212} IN PHONE FIELDS RETURNING Contact(Name), Lead(Name)",
    );
    assert_eq!(
        names(&r.json()),
        ["Contact:Jane Doe"],
        "Lead.Phone is hidden, so John Smith is not found"
    );
    let r = get(
        &emu,
        &token,
        &format!(
            "/services/data/v60.0/query/?q={}",
            enc("SELECT Phone FROM Lead")
        ),
    );
    assert_eq!(
        (r.status, r.json()[0]["errorCode"].clone()),
        (400, json!("INVALID_FIELD"))
    );
    let d = get(&emu, &token, "/services/data/v60.0/sobjects/Lead/describe").json();
    let fields: Vec<&str> = d["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .filter_map(|f| f["name"].as_str())
        .collect();
    assert!(
        !fields.contains(&"Phone") && fields.contains(&"Email"),
        "{fields:?}"
    );
    let demo = token_for(&emu, DEMO_USERNAME);
    let d = get(&emu, &demo, "/services/data/v60.0/sobjects/Lead/describe").json();
    let phone = d["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .find(|f| f["name"] == "Phone")
        .expect("Phone visible");
    assert_eq!(phone["type"], "phone");
    assert_eq!(d["keyPrefix"], "00Q");
}

#[test]
fn soql_case_lookup_with_parents_and_escaped_literals() {
    let emu = start();
    let token = token_for(&emu, DEMO_USERNAME);
    let q = "SELECT Id, CaseNumber, Subject, Status, IsClosed, Contact.Name, Account.Name FROM Case WHERE CaseNumber = '00001026'";
    let r = get(
        &emu,
        &token,
        &format!("/services/data/v60.0/query/?q={}", enc(q)),
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.keys(), ["totalSize", "done", "records"]);
    let v = r.json();
    assert_eq!(v["totalSize"], 1);
    let c = &v["records"][0];
    assert_eq!(
        (c["Subject"].as_str(), c["IsClosed"].as_bool()),
        (Some("Cannot log in to the portal"), Some(false))
    );
    assert_eq!(c["Contact"]["Name"], "Jane Doe");
    assert_eq!(c["Account"]["Name"], "Acme Corporation");
    let q = r"SELECT Name FROM Account WHERE Name = 'Evil\u001b[2J\u001b[31mCorp\u0007'";
    let v = get(
        &emu,
        &token,
        &format!("/services/data/v60.0/query/?q={}", enc(q)),
    )
    .json();
    assert_eq!(v["records"][0]["Name"], "Evil\u{1b}[2J\u{1b}[31mCorp\u{7}");
    let q = "SELECT Id, CaseNumber FROM Case WHERE ContactId IN ('nothing') AND IsClosed = false ORDER BY CreatedDate DESC";
    assert_eq!(
        get(
            &emu,
            &token,
            &format!("/services/data/v60.0/query/?q={}", enc(q))
        )
        .json(),
        json!({"totalSize": 0, "done": true, "records": []})
    );
    let r = get(
        &emu,
        &token,
        &format!(
            "/services/data/v60.0/query/?q={}",
            enc("SELECT Id, Foo FROM Account")
        ),
    );
    assert_eq!(r.json()[0]["errorCode"], "INVALID_FIELD");
    assert!(r.json()[0]["message"].as_str().expect("message").starts_with("\nSELECT Id, Foo FROM Account\n           ^\nERROR at Row:1:Column:12\nNo such column 'Foo'"));
    let r = get(
        &emu,
        &token,
        &format!(
            "/services/data/v60.0/query/?q={}",
            enc("SELECT Id FRM Account")
        ),
    );
    assert_eq!(r.json()[0]["errorCode"], "MALFORMED_QUERY");
}

#[test]
fn query_paging_follows_next_records_url_with_batch_size() {
    let emu = start();
    let token = token_for(&emu, DEMO_USERNAME);
    let auth = format!("Bearer {token}");
    let h = [
        ("Authorization", auth.as_str()),
        ("Sforce-Query-Options", "batchSize=200"),
    ];
    let mut conn = Conn::open(&emu.base_url);
    let first = conn
        .send(
            "GET",
            &format!(
                "/services/data/v60.0/query/?q={}",
                enc("SELECT Id, Name FROM Contact ORDER BY Name")
            ),
            &h,
            b"",
        )
        .expect("first page");
    let v = first.json();
    assert_eq!(
        first.keys(),
        ["totalSize", "done", "nextRecordsUrl", "records"]
    );
    let total = v["totalSize"].as_u64().expect("total") as usize;
    assert!(total > 200, "{total}");
    assert_eq!(v["done"], false);
    assert_eq!(v["records"].as_array().expect("records").len(), 200);
    let next = v["nextRecordsUrl"].as_str().expect("next");
    assert!(
        next.starts_with("/services/data/v")
            && next.contains("/query/01g")
            && next.ends_with("-200"),
        "{next}"
    );
    let second = conn.send("GET", next, &h, b"").expect("second page").json();
    assert_eq!(second["done"], true);
    assert!(second.get("nextRecordsUrl").is_none());
    assert_eq!(
        200 + second["records"].as_array().expect("records").len(),
        total
    );
    // The same nextRecordsUrl can be read again while the cursor lives.
    let again = conn.send("GET", next, &h, b"").expect("reused locator");
    assert_eq!(again.json(), second);
    // Past the end, or a locator never handed out: INVALID_QUERY_LOCATOR.
    let (loc, _) = next.rsplit_once('-').expect("offset");
    for bad in [
        format!("{loc}-{total}"),
        format!("{loc}-0"),
        format!("{loc}-x"),
        "/services/data/v60.0/query/01g000000000000AAA-200".to_string(),
    ] {
        let r = conn.send("GET", &bad, &h, b"").expect("bad locator");
        assert_eq!(
            (r.status, r.json()[0]["errorCode"].clone()),
            (400, serde_json::json!("INVALID_QUERY_LOCATOR")),
            "{bad}"
        );
    }
    assert_eq!(
        emu.stats().connections,
        2,
        "one login connection and one keep-alive data connection"
    );
}

#[test]
fn task_create_and_its_field_errors() {
    let emu = start();
    let token = token_for(&emu, DEMO_USERNAME);
    let post = |body: &str| {
        call(
            &emu.base_url,
            "POST",
            "/services/data/v60.0/sobjects/Task/",
            &[
                ("Authorization", &format!("Bearer {token}")),
                ("Content-Type", "application/json"),
            ],
            body.as_bytes(),
        )
    };
    let r = post(
        r#"{"Subject":"Inbound call from +1 415 555 1212","CallType":"Inbound","TaskSubtype":"Call","Status":"Completed","CallDurationInSeconds":42}"#,
    );
    assert_eq!(r.status, 201);
    assert_eq!(r.keys(), ["id", "errors", "success"]);
    assert!(r.json()["id"].as_str().expect("id").starts_with("00T"));
    let r = post(r#"{"Subject":"x","CallType":"Sideways"}"#);
    assert_eq!(
        r.json(),
        json!([{"fields": ["CallType"], "message": "bad value for restricted picklist field: Sideways", "errorCode": "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"}])
    );
    let r = post(r#"{"Id":"00T000000000001AAA"}"#);
    assert_eq!(
        r.json(),
        json!([{"message": "The Id field should not be specified in the sobject data.", "errorCode": "INVALID_FIELD"}])
    );
    let r = post(r#"{"Foo__c":1}"#);
    assert_eq!(
        r.json()[0]["message"],
        "No such column 'Foo__c' on sobject of type Task"
    );
    let r = post("{not json");
    assert_eq!(
        (r.status, r.json()[0]["errorCode"].clone()),
        (400, json!("JSON_PARSER_ERROR"))
    );
}

#[test]
fn settings_endpoint_stats_and_gzip() {
    let emu = start();
    let r = call(
        &emu.base_url,
        "GET",
        "/CrmServiceSalesforce/api/v1/settings",
        &[],
        b"",
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["service"], "CrmServiceSalesforce");
    let token = token_for(&emu, DEMO_USERNAME);
    let r = call(
        &emu.base_url,
        "GET",
        "/services/data/v60.0/limits",
        &[
            ("Authorization", &format!("Bearer {token}")),
            ("Accept-Encoding", "gzip"),
        ],
        b"",
    );
    assert_eq!(r.header("content-encoding"), Some("gzip"));
    let mut plain = String::new();
    flate2::read::GzDecoder::new(&r.body[..])
        .read_to_string(&mut plain)
        .expect("gunzip");
    assert!(plain.contains("DailyApiRequests"));
    let stats = call(&emu.base_url, "GET", "/__emulator/stats", &[], b"").json();
    assert_eq!(stats["total"], 3);
    assert_eq!(
        stats["routes"],
        json!({"crm_settings": 1, "limits": 1, "token": 1})
    );
}

#[test]
fn scripted_faults_503_html_truncate_and_drop() {
    let script = vec![
        ScriptedFault {
            at: 2,
            fault: FaultKind::Status503,
        },
        ScriptedFault {
            at: 3,
            fault: FaultKind::Html,
        },
        ScriptedFault {
            at: 4,
            fault: FaultKind::Truncate,
        },
        ScriptedFault {
            at: 5,
            fault: FaultKind::Drop,
        },
        ScriptedFault {
            at: 6,
            fault: FaultKind::Status500,
        },
    ];
    let emu = with_faults(Faults {
        script,
        ..Faults::default()
    });
    let token = token_for(&emu, DEMO_USERNAME); // request 1
    let r = get(&emu, &token, "/services/data/v60.0/limits");
    assert_eq!(
        (r.status, r.json()),
        (
            503,
            json!([{"message": "Server too busy", "errorCode": "SERVER_UNAVAILABLE"}])
        )
    );
    let r = get(&emu, &token, "/services/data/v60.0/limits");
    assert_eq!(r.status, 503);
    assert!(
        r.header("content-type")
            .expect("ct")
            .starts_with("text/html")
    );
    // Truncated: fewer bytes than Content-Length, then the connection closes.
    let mut c = Conn::open(&emu.base_url);
    let auth = format!("Bearer {token}");
    assert!(
        c.send(
            "GET",
            "/services/data/v60.0/limits",
            &[("Authorization", &auth)],
            b""
        )
        .is_err()
    );
    let mut c = Conn::open(&emu.base_url);
    let e = c
        .send(
            "GET",
            "/services/data/v60.0/limits",
            &[("Authorization", &auth)],
            b"",
        )
        .err()
        .expect("dropped");
    assert_eq!(e.kind(), std::io::ErrorKind::UnexpectedEof);
    let r = get(&emu, &token, "/services/data/v60.0/limits");
    assert_eq!(
        (r.status, r.json()[0]["errorCode"].clone()),
        (500, json!("UNKNOWN_EXCEPTION"))
    );
    assert_eq!(get(&emu, &token, "/services/data/v60.0/limits").status, 200);
}

#[test]
fn tokens_expire_after_n_requests_and_the_request_limit_bites() {
    let emu = with_faults(Faults {
        token_ttl_requests: Some(2),
        ..Faults::default()
    });
    let token = token_for(&emu, DEMO_USERNAME);
    assert_eq!(get(&emu, &token, "/services/data/v60.0/limits").status, 200);
    assert_eq!(get(&emu, &token, "/services/data/v60.0/limits").status, 200);
    let r = get(&emu, &token, "/services/data/v60.0/limits");
    assert_eq!(
        (r.status, r.json()[0]["errorCode"].clone()),
        (401, json!("INVALID_SESSION_ID"))
    );
    let emu = with_faults(Faults {
        request_limit: Some(1),
        ..Faults::default()
    });
    let token = token_for(&emu, DEMO_USERNAME);
    assert_eq!(get(&emu, &token, "/services/data/v60.0/limits").status, 200);
    let r = get(&emu, &token, "/services/data/v60.0/limits");
    assert_eq!(
        r.json(),
        json!([{"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}])
    );
    assert_eq!(r.status, 403);
}

#[test]
fn added_latency_delays_every_answer() {
    let emu = with_faults(Faults {
        latency_ms: 30,
        ..Faults::default()
    });
    let t = std::time::Instant::now();
    call(&emu.base_url, "GET", "/services/data/", &[], b"");
    // A lower bound only: the answer cannot come sooner than the added latency.
    assert!(t.elapsed() >= Duration::from_millis(30));
}

#[test]
fn parameterized_search_get_and_post() {
    let emu = start();
    let token = token_for(&emu, DEMO_USERNAME);
    let r = get(
        &emu,
        &token,
        "/services/data/v60.0/parameterizedSearch/?q=4155551212&in=PHONE&sobject=Contact&Contact.fields=Id,Name&sobject=Lead&Lead.fields=Name,Company",
    );
    assert_eq!(
        names(&r.json()),
        ["Contact:Jane Doe", "Lead:John Smith", "Lead:Old Converted"]
    );
    let body = json!({"q": "4155551212", "in": "PHONE", "fields": ["Id", "Name"], "sobjects": [{"name": "Contact"}, {"name": "Lead", "where": "IsConverted = false"}], "overallLimit": 2000});
    let r = call(
        &emu.base_url,
        "POST",
        "/services/data/v60.0/parameterizedSearch/",
        &[
            ("Authorization", &format!("Bearer {token}")),
            ("Content-Type", "application/json"),
        ],
        body.to_string().as_bytes(),
    );
    assert_eq!(names(&r.json()), ["Contact:Jane Doe", "Lead:John Smith"]);
}

#[test]
fn identity_url_names_the_user() {
    let emu = start();
    let r = login(
        &emu.login_url,
        DEMO_USERNAME,
        &format!("{DEMO_PASSWORD}{DEMO_SECURITY_TOKEN}"),
    )
    .json();
    let id = r["id"]
        .as_str()
        .expect("id")
        .trim_start_matches(&emu.login_url)
        .to_string();
    let who = call(
        &emu.login_url,
        "GET",
        &id,
        &[(
            "Authorization",
            &format!("Bearer {}", r["access_token"].as_str().expect("t")),
        )],
        b"",
    )
    .json();
    assert_eq!(who["username"], DEMO_USERNAME);
}

#[test]
fn https_with_the_generated_ca() {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let emu = Background::start(Config {
        tls: true,
        ..Config::default()
    })
    .expect("start");
    assert!(emu.base_url.starts_with("https://127.0.0.1:"));
    let ca = emu.ca_pem.clone().expect("CA path");
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(&ca).expect("pem") {
        roots.add(cert.expect("cert")).expect("add root");
    }
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    let server = rustls::pki_types::ServerName::try_from("127.0.0.1").expect("name");
    let conn = rustls::ClientConnection::new(std::sync::Arc::new(config), server).expect("client");
    let sock = TcpStream::connect(emu.base_url.trim_start_matches("https://")).expect("connect");
    let mut tls = rustls::StreamOwned::new(conn, sock);
    tls.write_all(b"GET /services/data/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .expect("write");
    let mut out = String::new();
    let _ = tls.read_to_string(&mut out);
    assert!(out.starts_with("HTTP/1.1 200"), "{out}");
    assert!(out.contains("\"version\":\"60.0\""));
}

#[test]
fn fault_rates_apply_to_every_route_and_tokens_expire_by_age() {
    let emu = with_faults(Faults {
        error_rate: 1.0,
        error_status: Some(500),
        ..Faults::default()
    });
    let r = call(&emu.base_url, "GET", "/services/data/", &[], b"");
    assert_eq!(
        (r.status, r.json()[0]["errorCode"].clone()),
        (500, json!("UNKNOWN_EXCEPTION"))
    );
    let emu = with_faults(Faults {
        drop_rate: 1.0,
        ..Faults::default()
    });
    assert!(
        Conn::open(&emu.base_url)
            .send("GET", "/services/data/", &[], b"")
            .is_err()
    );
    let emu = with_faults(Faults {
        html_rate: 0.5,
        seed: 7,
        ..Faults::default()
    });
    let statuses: Vec<u16> = (0..40)
        .map(|_| call(&emu.base_url, "GET", "/services/data/", &[], b"").status)
        .collect();
    let html = statuses.iter().filter(|s| **s == 503).count();
    assert!(
        (5..=35).contains(&html),
        "about half should fail: {html} of 40"
    );
    let emu = with_faults(Faults {
        token_ttl_seconds: Some(1),
        ..Faults::default()
    });
    let token = token_for(&emu, DEMO_USERNAME);
    assert_eq!(get(&emu, &token, "/services/data/v60.0/limits").status, 200);
    std::thread::sleep(Duration::from_millis(1100));
    assert_eq!(get(&emu, &token, "/services/data/v60.0/limits").status, 401);
}
