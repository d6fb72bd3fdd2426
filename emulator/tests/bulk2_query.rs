//! Bulk API 2.0 query jobs over raw HTTP: create, poll, results with locators and
//! the CSV dialects, abort, delete, list, limits and bad input; and the URI and
//! headers limit every route enforces.

mod common;

use common::*;
use emulator::Background;
use emulator::default_org::default_org_file;
use serde_json::{Value, json};

const V: &str = "/services/data/v60.0";

fn create(emu: &Background, t: &str, body: &Value) -> Resp {
    post_json(emu, t, &format!("{V}/jobs/query"), body)
}

/// Polls a job until it ends (bounded: 2,000 polls of 5 ms).
fn wait_done(emu: &Background, t: &str, kind: &str, id: &str) -> Value {
    for _ in 0..2000 {
        let r = get(emu, t, &format!("{V}/jobs/{kind}/{id}"));
        assert_eq!(r.status, 200, "{}", r.text());
        let v = r.json();
        if matches!(
            v["state"].as_str(),
            Some("JobComplete" | "Failed" | "Aborted")
        ) {
            return v;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    panic!("job {id} never ended");
}

fn run_query(emu: &Background, t: &str, body: &Value) -> String {
    let r = create(emu, t, body);
    assert_eq!(r.status, 200, "{}", r.text());
    let id = r.json()["id"].as_str().expect("id").to_string();
    let done = wait_done(emu, t, "query", &id);
    assert_eq!(done["state"], "JobComplete", "{done}");
    id
}

#[test]
fn a_query_job_is_created_polled_and_read_in_sets_with_locators() {
    let emu = start();
    let t = demo_token(&emu);
    let r = create(
        &emu,
        &t,
        &json!({"operation": "query", "query": "SELECT Id, Name, Phone FROM Account ORDER BY Name"}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let job = r.json();
    assert_eq!(job["state"], "UploadComplete");
    assert_eq!(job["operation"], "query");
    assert_eq!(job["object"], "Account");
    assert_eq!(job["contentType"], "CSV");
    assert_eq!(job["lineEnding"], "LF");
    assert_eq!(job["columnDelimiter"], "COMMA");
    assert_eq!(job["concurrencyMode"], "Parallel");
    assert_eq!(job["apiVersion"], json!(60.0));
    let id = job["id"].as_str().expect("id").to_string();
    assert!(id.starts_with("750") && id.len() == 18, "{id}");

    let done = wait_done(&emu, &t, "query", &id);
    assert_eq!(done["state"], "JobComplete");
    assert_eq!(done["jobType"], "V2Query");
    let total = query(&emu, &t, "SELECT Id FROM Account").json()["totalSize"]
        .as_u64()
        .expect("total");
    assert_eq!(done["numberRecordsProcessed"].as_u64(), Some(total));

    // Sets of 10, following Sforce-Locator until "null".
    let mut rows = Vec::new();
    let mut locator = String::new();
    let mut sets = 0;
    loop {
        let q = if locator.is_empty() {
            "maxRecords=10".to_string()
        } else {
            format!("maxRecords=10&locator={locator}")
        };
        let r = get(&emu, &t, &format!("{V}/jobs/query/{id}/results?{q}"));
        assert_eq!(r.status, 200, "{}", r.text());
        assert!(
            r.header("content-type")
                .is_some_and(|c| c.starts_with("text/csv"))
        );
        let text = r.text();
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some("\"Id\",\"Name\",\"Phone\""));
        let set: Vec<String> = lines.map(str::to_string).collect();
        assert_eq!(
            r.header("Sforce-NumberOfRecords"),
            Some(set.len().to_string().as_str())
        );
        rows.extend(set);
        sets += 1;
        locator = r.header("Sforce-Locator").expect("locator").to_string();
        if locator == "null" {
            break;
        }
        assert!(sets < 100);
    }
    assert_eq!(rows.len() as u64, total);
    assert_eq!(sets as u64, total.div_ceil(10));
    assert!(
        rows.iter()
            .any(|r| r.ends_with(",\"Acme Corporation\",\"+1 415 555 0100\"")),
        "{rows:?}"
    );
    // A locator can be read again while the job exists.
    let again = |l: &str| {
        get(
            &emu,
            &t,
            &format!("{V}/jobs/query/{id}/results?maxRecords=10&locator={l}"),
        )
        .text()
    };
    assert_eq!(again("MTA"), again("MTA"));
    assert!(again("MTA").contains(&rows[10]));
}

#[test]
fn dialects_relationships_nulls_and_quotes_are_written_as_salesforce_writes_them() {
    let emu = start();
    let t = demo_token(&emu);
    let id = run_query(
        &emu,
        &t,
        &json!({"operation": "query", "query": "SELECT Name, Account.Name, Title FROM Contact WHERE LastName IN ('Doe', 'Solo') ORDER BY LastName", "columnDelimiter": "SEMICOLON", "lineEnding": "CRLF"}),
    );
    let r = get(&emu, &t, &format!("{V}/jobs/query/{id}/results"));
    assert_eq!(
        r.text(),
        "\"Name\";\"Account.Name\";\"Title\"\r\n\"Jane Doe\";\"Acme Corporation\";\"Head of IT\"\r\n\"Sam Solo\";\"\";\"\"\r\n"
    );
    assert_eq!(r.header("Sforce-Locator"), Some("null"));
    assert_eq!(r.header("Sforce-NumberOfRecords"), Some("2"));

    // A quote in a value is doubled; every delimiter is accepted.
    let mut org = default_org_file();
    if let Some(a) = org.records.get_mut("Account") {
        a.push(
            json!({"Name": "Say \"Hi\"; Ltd|`^", "Phone": "+31 6 1"})
                .as_object()
                .cloned()
                .expect("object"),
        );
    }
    let emu = start_with(org);
    let t = demo_token(&emu);
    for (name, d) in [
        ("COMMA", ','),
        ("TAB", '\t'),
        ("PIPE", '|'),
        ("CARET", '^'),
        ("BACKQUOTE", '`'),
        ("SEMICOLON", ';'),
    ] {
        let id = run_query(
            &emu,
            &t,
            &json!({"operation": "queryAll", "query": "SELECT Name, Phone FROM Account WHERE Phone = '+31 6 1'", "columnDelimiter": name}),
        );
        let r = get(&emu, &t, &format!("{V}/jobs/query/{id}/results"));
        assert_eq!(
            r.text(),
            format!("\"Name\"{d}\"Phone\"\n\"Say \"\"Hi\"\"; Ltd|`^\"{d}\"+31 6 1\"\n")
        );
    }
}

#[test]
fn empty_results_have_the_header_and_no_locator() {
    let emu = start();
    let t = demo_token(&emu);
    let id = run_query(
        &emu,
        &t,
        &json!({"operation": "query", "query": "SELECT Id FROM Lead WHERE LastName = 'Nobody'"}),
    );
    let r = get(&emu, &t, &format!("{V}/jobs/query/{id}/results"));
    assert_eq!(r.text(), "\"Id\"\n");
    assert_eq!(r.header("Sforce-NumberOfRecords"), Some("0"));
    assert_eq!(r.header("Sforce-Locator"), Some("null"));
}

fn error_code(r: &Resp) -> String {
    r.json()[0]["errorCode"].as_str().unwrap_or("").to_string()
}

#[test]
fn bad_query_jobs_get_salesforce_error_shapes() {
    let emu = start();
    let t = demo_token(&emu);
    let cases: &[(Value, u16, &str)] = &[
        (
            json!({"operation": "query", "query": "SELECT Nope FROM Account"}),
            400,
            "INVALID_FIELD",
        ),
        (
            json!({"operation": "query", "query": "SELECT FROM"}),
            400,
            "MALFORMED_QUERY",
        ),
        (
            json!({"operation": "query", "query": "SELECT Industry, COUNT(Id) FROM Account GROUP BY Industry"}),
            400,
            "INVALIDJOB",
        ),
        (
            json!({"operation": "query", "query": "SELECT Id FROM Account LIMIT 5 OFFSET 2"}),
            400,
            "INVALIDJOB",
        ),
        (
            json!({"operation": "query", "query": "SELECT Name, (SELECT Id FROM Contacts) FROM Account"}),
            400,
            "INVALIDJOB",
        ),
        (
            json!({"operation": "insert", "query": "SELECT Id FROM Account"}),
            400,
            "INVALIDJOB",
        ),
        (json!({"operation": "query"}), 400, "INVALIDJOB"),
        (
            json!({"operation": "query", "query": "SELECT Id FROM Account", "columnDelimiter": "SPACE"}),
            400,
            "INVALIDJOB",
        ),
        (
            json!({"operation": "query", "query": "SELECT Id FROM Account", "lineEnding": "CR"}),
            400,
            "INVALIDJOB",
        ),
        (json!({"operation": "query", "query": 42}), 400, "API_ERROR"),
        (json!([1, 2]), 400, "JSON_PARSER_ERROR"),
    ];
    for (body, status, code) in cases {
        let r = create(&emu, &t, body);
        assert_eq!(
            (r.status, error_code(&r).as_str()),
            (*status, *code),
            "{body}: {}",
            r.text()
        );
    }
    let r = call(
        &emu.base_url,
        "POST",
        &format!("{V}/jobs/query"),
        &[("Authorization", &format!("Bearer {t}"))],
        b"{not json",
    );
    assert_eq!(
        (r.status, error_code(&r).as_str()),
        (400, "JSON_PARSER_ERROR")
    );
    // Unknown jobs, wrong methods, versions before v47.0, no session.
    let r = get(&emu, &t, &format!("{V}/jobs/query/750000000000000AAA"));
    assert_eq!((r.status, error_code(&r).as_str()), (404, "NOT_FOUND"));
    let r = send_json(&emu, &t, "PUT", &format!("{V}/jobs/query"), &json!({}));
    assert_eq!(
        (r.status, error_code(&r).as_str()),
        (405, "METHOD_NOT_ALLOWED")
    );
    let r = post_json(
        &emu,
        &t,
        "/services/data/v46.0/jobs/query",
        &json!({"operation": "query", "query": "SELECT Id FROM Account"}),
    );
    assert_eq!(r.status, 404);
    let r = call(&emu.base_url, "GET", &format!("{V}/jobs/query"), &[], b"");
    assert_eq!(
        (r.status, error_code(&r).as_str()),
        (401, "INVALID_SESSION_ID")
    );
}

fn slow_org(delay_ms: u64) -> Background {
    let mut org = default_org_file();
    org.org.bulk.delay_ms = delay_ms;
    start_with(org)
}

#[test]
fn results_need_a_complete_job_the_same_version_and_a_valid_locator() {
    // A job that takes an hour stays UploadComplete: no results yet.
    let emu = slow_org(3_600_000);
    let t = demo_token(&emu);
    let r = create(
        &emu,
        &t,
        &json!({"operation": "query", "query": "SELECT Id FROM Account"}),
    );
    let id = r.json()["id"].as_str().expect("id").to_string();
    let r = get(&emu, &t, &format!("{V}/jobs/query/{id}"));
    assert_eq!(r.json()["state"], "UploadComplete");
    let r = get(&emu, &t, &format!("{V}/jobs/query/{id}/results"));
    assert_eq!(
        (r.status, error_code(&r).as_str()),
        (400, "INVALIDJOBSTATE")
    );
    // It can be aborted (once), then deleted.
    let r = send_json(
        &emu,
        &t,
        "PATCH",
        &format!("{V}/jobs/query/{id}"),
        &json!({"state": "Aborted"}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["state"], "Aborted");
    let r = send_json(
        &emu,
        &t,
        "PATCH",
        &format!("{V}/jobs/query/{id}"),
        &json!({"state": "Aborted"}),
    );
    assert_eq!(
        (r.status, error_code(&r).as_str()),
        (400, "INVALIDJOBSTATE")
    );
    let r = send_json(
        &emu,
        &t,
        "PATCH",
        &format!("{V}/jobs/query/{id}"),
        &json!({"state": "UploadComplete"}),
    );
    assert_eq!(
        (r.status, error_code(&r).as_str()),
        (400, "INVALIDJOBSTATE")
    );
    let listed = get(&emu, &t, &format!("{V}/jobs/query")).json();
    assert_eq!(listed["done"], true);
    assert!(
        listed["records"]
            .as_array()
            .expect("records")
            .iter()
            .any(|j| j["id"] == id.as_str() && j["state"] == "Aborted")
    );
    let r = call(
        &emu.base_url,
        "DELETE",
        &format!("{V}/jobs/query/{id}"),
        &[("Authorization", &format!("Bearer {t}"))],
        b"",
    );
    assert_eq!(r.status, 204);
    assert!(r.body.is_empty());
    assert_eq!(get(&emu, &t, &format!("{V}/jobs/query/{id}")).status, 404);

    let emu = start();
    let t = demo_token(&emu);
    let id = run_query(
        &emu,
        &t,
        &json!({"operation": "query", "query": "SELECT Id FROM Contact"}),
    );
    let r = get(
        &emu,
        &t,
        &format!("/services/data/v61.0/jobs/query/{id}/results"),
    );
    assert_eq!(r.status, 409);
    for q in [
        "maxRecords=0",
        "maxRecords=-1",
        "maxRecords=ten",
        "locator=%21%21",
        "locator=OTk5OTk5",
    ] {
        let r = get(&emu, &t, &format!("{V}/jobs/query/{id}/results?{q}"));
        assert_eq!(r.status, 400, "{q}: {}", r.text());
    }
}

#[test]
fn the_daily_query_job_limit_is_enforced() {
    let mut org = default_org_file();
    org.org.bulk.daily_query_jobs = 2;
    let emu = start_with(org);
    let t = demo_token(&emu);
    let body = json!({"operation": "query", "query": "SELECT Id FROM Account"});
    let remaining = |emu: &Background| {
        get(emu, &t, &format!("{V}/limits")).json()["DailyBulkV2QueryJobs"].clone()
    };
    assert_eq!(remaining(&emu), json!({"Max": 2, "Remaining": 2}));
    assert_eq!(create(&emu, &t, &body).status, 200);
    assert_eq!(remaining(&emu), json!({"Max": 2, "Remaining": 1}));
    assert_eq!(create(&emu, &t, &body).status, 200);
    let r = create(&emu, &t, &body);
    assert_eq!((r.status, error_code(&r).as_str()), (400, "EXCEEDED_QUOTA"));
}

#[test]
fn a_uri_over_16384_bytes_is_414_and_uri_plus_headers_over_it_431() {
    let emu = start();
    let t = demo_token(&emu);
    let auth = format!("Bearer {t}");
    // 2,000 Ids in one GET, as a client that does not chunk would send them.
    let ids: Vec<String> = (0..2000)
        .map(|i| format!("'{}'", emulator::ids::make_id("001", i)))
        .collect();
    let soql = format!("SELECT Id FROM Case WHERE AccountId IN ({})", ids.join(","));
    let path = format!("{V}/query?q={}", enc(&soql));
    assert!(path.len() > 16_384);
    let r = call(
        &emu.base_url,
        "GET",
        &path,
        &[("Authorization", &auth)],
        b"",
    );
    assert_eq!(r.status, 414, "{}", r.text());
    assert_eq!(error_code(&r), "URI_TOO_LONG");

    // Just under the limit with the URI alone, over it with the headers.
    let pad = "x".repeat(16_000);
    let path = format!("{V}/limits?pad={pad}");
    let short = call(
        &emu.base_url,
        "GET",
        &path,
        &[("Authorization", &auth)],
        b"",
    );
    assert_eq!(short.status, 200, "{}", short.text());
    let big = "y".repeat(600);
    let r = call(
        &emu.base_url,
        "GET",
        &path,
        &[("Authorization", &auth), ("X-Padding", &big)],
        b"",
    );
    assert_eq!(r.status, 431, "{}", r.text());
    assert_eq!(error_code(&r), "REQUEST_HEADER_FIELDS_TOO_LARGE");
    // The login host too.
    let r = call(
        &emu.login_url,
        "GET",
        &format!("/services/oauth2/userinfo?{}", "z".repeat(17_000)),
        &[],
        b"",
    );
    assert_eq!(r.status, 414);
}
