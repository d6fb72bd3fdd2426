//! Bulk API 2.0 ingest jobs over raw HTTP: create, upload CSV in the dialects,
//! close, poll, the three result lists, abort, delete, list, limits and bad input.

mod common;

use common::*;
use emulator::Background;
use emulator::default_org::default_org_file;
use serde_json::{Value, json};

const V: &str = "/services/data/v60.0";

fn error_code(r: &Resp) -> String {
    r.json()[0]["errorCode"].as_str().unwrap_or("").to_string()
}

fn create(emu: &Background, t: &str, body: &Value) -> Resp {
    post_json(emu, t, &format!("{V}/jobs/ingest"), body)
}

fn upload(emu: &Background, t: &str, id: &str, csv: &str) -> Resp {
    call(
        &emu.base_url,
        "PUT",
        &format!("{V}/jobs/ingest/{id}/batches"),
        &[
            ("Authorization", &format!("Bearer {t}")),
            ("Content-Type", "text/csv"),
        ],
        csv.as_bytes(),
    )
}

fn close(emu: &Background, t: &str, id: &str, state: &str) -> Resp {
    send_json(
        emu,
        t,
        "PATCH",
        &format!("{V}/jobs/ingest/{id}"),
        &json!({"state": state}),
    )
}

/// Polls until the job ends (bounded: 2,000 polls of 5 ms).
fn wait_done(emu: &Background, t: &str, id: &str) -> Value {
    for _ in 0..2000 {
        let v = get(emu, t, &format!("{V}/jobs/ingest/{id}")).json();
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

/// Create, upload, close and wait: the ended job.
fn run_job(emu: &Background, t: &str, job: &Value, csv: &str) -> (String, Value) {
    let r = create(emu, t, job);
    assert_eq!(r.status, 200, "{}", r.text());
    let id = r.json()["id"].as_str().expect("id").to_string();
    let r = upload(emu, t, &id, csv);
    assert_eq!(r.status, 201, "{}", r.text());
    assert!(r.body.is_empty());
    let r = close(emu, t, &id, "UploadComplete");
    assert_eq!(r.status, 200, "{}", r.text());
    let done = wait_done(emu, t, &id);
    (id, done)
}

fn results(emu: &Background, t: &str, id: &str, which: &str) -> String {
    let r = get(emu, t, &format!("{V}/jobs/ingest/{id}/{which}"));
    assert_eq!(r.status, 200, "{which}: {}", r.text());
    assert!(
        r.header("content-type")
            .is_some_and(|c| c.starts_with("text/csv"))
    );
    r.text()
}

#[test]
fn an_insert_job_writes_records_and_reports_each_row() {
    let emu = start();
    let t = demo_token(&emu);
    let r = create(
        &emu,
        &t,
        &json!({"object": "Contact", "operation": "insert", "contentType": "CSV"}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let job = r.json();
    assert_eq!(job["state"], "Open");
    let id = job["id"].as_str().expect("id").to_string();
    assert_eq!(
        job["contentUrl"],
        format!("services/data/v60.0/jobs/ingest/{id}/batches").as_str()
    );
    assert_eq!(
        (job["lineEnding"].as_str(), job["columnDelimiter"].as_str()),
        (Some("LF"), Some("COMMA"))
    );
    let csv = "FirstName,LastName,Phone\nAda,Lovelace,+44 20 7946 0001\n\"Grace, Jr.\",\"Hopper \"\"Amazing\"\"\",\nNo,,+1 202 555 0100\n";
    assert_eq!(upload(&emu, &t, &id, csv).status, 201);
    let r = close(&emu, &t, &id, "UploadComplete");
    assert_eq!(r.json()["state"], "UploadComplete");
    let done = wait_done(&emu, &t, &id);
    assert_eq!(done["state"], "JobComplete", "{done}");
    assert_eq!(done["jobType"], "V2Ingest");
    assert_eq!(done["numberRecordsProcessed"], 3);
    assert_eq!(done["numberRecordsFailed"], 1);

    let ok = results(&emu, &t, &id, "successfulResults");
    let mut lines = ok.lines();
    assert_eq!(
        lines.next(),
        Some("\"sf__Id\",\"sf__Created\",\"FirstName\",\"LastName\",\"Phone\"")
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 2);
    assert!(
        rows[0].starts_with("\"003")
            && rows[0].ends_with("\",\"true\",\"Ada\",\"Lovelace\",\"+44 20 7946 0001\""),
        "{}",
        rows[0]
    );
    assert!(
        rows[1].ends_with(",\"true\",\"Grace, Jr.\",\"Hopper \"\"Amazing\"\"\",\"\""),
        "{}",
        rows[1]
    );
    let failed = results(&emu, &t, &id, "failedResults");
    assert_eq!(
        failed,
        "\"sf__Id\",\"sf__Error\",\"FirstName\",\"LastName\",\"Phone\"\n\"\",\"REQUIRED_FIELD_MISSING:Required fields are missing: [LastName]:LastName --\",\"No\",\"\",\"+1 202 555 0100\"\n"
    );
    assert_eq!(
        results(&emu, &t, &id, "unprocessedrecords"),
        "\"FirstName\",\"LastName\",\"Phone\"\n"
    );
    // simple-salesforce spells it unprocessedRecords.
    assert_eq!(
        results(&emu, &t, &id, "unprocessedRecords"),
        results(&emu, &t, &id, "unprocessedrecords")
    );
    // The records are in the org, found by SOQL and SOSL.
    let q = query(
        &emu,
        &t,
        "SELECT Name, Phone FROM Contact WHERE LastName = 'Lovelace'",
    )
    .json();
    assert_eq!(q["records"][0]["Phone"], "+44 20 7946 0001");
    let s = search(
        &emu,
        &t,
        "60.0",
        "FIND {442079460001} IN PHONE FIELDS RETURNING Contact(Name)",
    )
    .json();
    assert_eq!(names(&s), ["Contact:Ada Lovelace"]);
    // Wrong names of result lists are 404.
    assert_eq!(
        get(&emu, &t, &format!("{V}/jobs/ingest/{id}/allResults")).status,
        404
    );
}

#[test]
fn update_upsert_and_delete_follow_the_empty_and_na_rules() {
    let emu = start();
    let t = demo_token(&emu);
    let jane = query(&emu, &t, "SELECT Id FROM Contact WHERE LastName = 'Doe'").json()["records"]
        [0]["Id"]
        .as_str()
        .expect("id")
        .to_string();
    // Update: a value changes, an empty one stays, #N/A clears.
    let (id, done) = run_job(
        &emu,
        &t,
        &json!({"object": "Contact", "operation": "update", "columnDelimiter": "PIPE", "lineEnding": "CRLF"}),
        &format!(
            "Id|Phone|Email|Title\r\n{jane}|+1 415 555 9999||#N/A\r\n001000000000000AAA|1||\r\n"
        ),
    );
    assert_eq!(done["numberRecordsFailed"], 1, "{done}");
    let ok = results(&emu, &t, &id, "successfulResults");
    assert_eq!(
        ok,
        format!(
            "\"sf__Id\"|\"sf__Created\"|\"Id\"|\"Phone\"|\"Email\"|\"Title\"\r\n\"{jane}\"|\"false\"|\"{jane}\"|\"+1 415 555 9999\"|\"\"|\"#N/A\"\r\n"
        )
    );
    let failed = results(&emu, &t, &id, "failedResults");
    assert!(failed.contains("INVALID_CROSS_REFERENCE_KEY"), "{failed}");
    let v = get(&emu, &t, &format!("{V}/sobjects/Contact/{jane}")).json();
    assert_eq!(v["Phone"], "+1 415 555 9999");
    assert_eq!(v["Email"], "jane.doe@example.com");
    assert_eq!(v["Title"], Value::Null);

    // Upsert on Id: a blank Id inserts, a given one updates.
    let (id, done) = run_job(
        &emu,
        &t,
        &json!({"object": "Lead", "operation": "upsert", "externalIdFieldName": "Id"}),
        "Id,LastName,Company\n,Newman,New Co\n",
    );
    assert_eq!(done["numberRecordsFailed"], 0, "{done}");
    let ok = results(&emu, &t, &id, "successfulResults");
    let lead = ok.lines().nth(1).expect("row")[1..19].to_string();
    assert!(lead.starts_with("00Q"), "{ok}");
    assert!(ok.contains("\"true\",\"\",\"Newman\""));
    let (id, _) = run_job(
        &emu,
        &t,
        &json!({"object": "Lead", "operation": "upsert", "externalIdFieldName": "Id"}),
        &format!("Id,Company\n{lead},Renamed Co\n"),
    );
    assert!(results(&emu, &t, &id, "successfulResults").contains(&format!("\"{lead}\",\"false\"")));
    assert_eq!(
        get(&emu, &t, &format!("{V}/sobjects/Lead/{lead}")).json()["Company"],
        "Renamed Co"
    );

    // Delete, then the record is gone.
    let (id, done) = run_job(
        &emu,
        &t,
        &json!({"object": "Lead", "operation": "delete"}),
        &format!("Id\n{lead}\n"),
    );
    assert_eq!(
        (
            done["numberRecordsProcessed"].as_u64(),
            done["numberRecordsFailed"].as_u64()
        ),
        (Some(1), Some(0))
    );
    assert!(
        results(&emu, &t, &id, "successfulResults")
            .contains(&format!("\"{lead}\",\"false\",\"{lead}\""))
    );
    assert_eq!(
        get(&emu, &t, &format!("{V}/sobjects/Lead/{lead}")).status,
        404
    );
}

#[test]
fn unreadable_uploads_and_unknown_columns_fail_the_job_with_salesforce_messages() {
    let emu = start();
    let t = demo_token(&emu);
    let cases = [
        (
            "Name\r\nAcme One\r\n",
            "ClientInputError : LineEnding is invalid on user data. Current LineEnding setting is LF",
        ),
        (
            "Name,Nope\nAcme,1\n",
            "InvalidBatch : Field name not found : Nope",
        ),
        (
            "Name\n\"Acme\n",
            "InvalidBatch : Failed to parse CSV: the quoted value that starts on line 2 is never closed",
        ),
        (
            "Name,Phone\nAcme\n",
            "InvalidBatch : Wrong number of columns on row 1 (line 2): 1 instead of 2",
        ),
    ];
    for (csv, message) in cases {
        let (id, done) = run_job(
            &emu,
            &t,
            &json!({"object": "Account", "operation": "insert"}),
            csv,
        );
        assert_eq!(done["state"], "Failed", "{csv:?}");
        assert_eq!(done["errorMessage"], message, "{csv:?}");
        assert_eq!(done["numberRecordsProcessed"], 0);
        let _ = results(&emu, &t, &id, "unprocessedrecords");
    }
    // The unknown column's rows come back as unprocessed.
    let (id, _) = run_job(
        &emu,
        &t,
        &json!({"object": "Account", "operation": "insert"}),
        "Name,Nope\nAcme,1\n",
    );
    assert_eq!(
        results(&emu, &t, &id, "unprocessedrecords"),
        "\"Name\",\"Nope\"\n\"Acme\",\"1\"\n"
    );
    // A field the user cannot see does not exist for them.
    let nolead = token_for(&emu, "nolead@crmctl.example");
    let (_, done) = run_job(
        &emu,
        &nolead,
        &json!({"object": "Lead", "operation": "insert"}),
        "LastName,Company,Phone\nX,Y,1\n",
    );
    assert_eq!(
        done["errorMessage"],
        "InvalidBatch : Field name not found : Phone"
    );
    // Update without an Id column.
    let (_, done) = run_job(
        &emu,
        &t,
        &json!({"object": "Account", "operation": "update"}),
        "Name\nX\n",
    );
    assert_eq!(done["state"], "Failed");
}

#[test]
fn job_states_methods_and_create_errors() {
    let mut org = default_org_file();
    org.org.bulk.delay_ms = 3_600_000;
    let emu = start_with(org);
    let t = demo_token(&emu);
    let bad: &[(Value, &str)] = &[
        (
            json!({"object": "Nope__c", "operation": "insert"}),
            "INVALIDJOB",
        ),
        (
            json!({"object": "Account", "operation": "merge"}),
            "INVALIDJOB",
        ),
        (json!({"object": "Account"}), "INVALIDJOB"),
        (json!({"operation": "insert"}), "INVALIDJOB"),
        (
            json!({"object": "Account", "operation": "upsert"}),
            "INVALIDJOB",
        ),
        (
            json!({"object": "Account", "operation": "upsert", "externalIdFieldName": "Industry"}),
            "INVALIDJOB",
        ),
        (
            json!({"object": "Account", "operation": "insert", "contentType": "JSON"}),
            "INVALIDJOB",
        ),
        (
            json!({"object": "Account", "operation": "insert", "columnDelimiter": "COLON"}),
            "INVALIDJOB",
        ),
        (json!({"object": 7, "operation": "insert"}), "API_ERROR"),
        (json!("insert"), "JSON_PARSER_ERROR"),
    ];
    for (body, code) in bad {
        let r = create(&emu, &t, body);
        assert_eq!(
            (r.status, error_code(&r).as_str()),
            (400, *code),
            "{body}: {}",
            r.text()
        );
    }
    let id = create(
        &emu,
        &t,
        &json!({"object": "Account", "operation": "insert"}),
    )
    .json()["id"]
        .as_str()
        .expect("id")
        .to_string();
    // An open job cannot be deleted; a PATCH to another state is refused.
    let del = |id: &str| {
        call(
            &emu.base_url,
            "DELETE",
            &format!("{V}/jobs/ingest/{id}"),
            &[("Authorization", &format!("Bearer {t}"))],
            b"",
        )
    };
    assert_eq!(error_code(&del(&id)), "INVALIDJOBSTATE");
    assert_eq!(
        error_code(&close(&emu, &t, &id, "JobComplete")),
        "INVALIDJOBSTATE"
    );
    // Two uploads with the same header, then closed: it waits (an hour's delay).
    assert_eq!(upload(&emu, &t, &id, "Name\nOne\n").status, 201);
    assert_eq!(upload(&emu, &t, &id, "Name\nTwo\n").status, 201);
    assert_eq!(close(&emu, &t, &id, "UploadComplete").status, 200);
    let r = upload(&emu, &t, &id, "Name\nThree\n");
    assert_eq!(
        (r.status, error_code(&r).as_str()),
        (400, "INVALIDJOBSTATE")
    );
    assert_eq!(
        error_code(&close(&emu, &t, &id, "UploadComplete")),
        "INVALIDJOBSTATE"
    );
    // Aborted: nothing written, both uploads unprocessed.
    let r = close(&emu, &t, &id, "Aborted");
    assert_eq!(r.json()["state"], "Aborted");
    assert_eq!(
        results(&emu, &t, &id, "unprocessedrecords"),
        "\"Name\"\n\"One\"\n\"Two\"\n"
    );
    assert_eq!(
        query(&emu, &t, "SELECT Id FROM Account WHERE Name = 'One'").json()["totalSize"],
        0
    );
    let listed = get(&emu, &t, &format!("{V}/jobs/ingest")).json();
    assert!(
        listed["records"]
            .as_array()
            .expect("records")
            .iter()
            .any(|j| j["id"] == id.as_str())
    );
    assert_eq!(del(&id).status, 204);
    assert_eq!(get(&emu, &t, &format!("{V}/jobs/ingest/{id}")).status, 404);
    assert_eq!(upload(&emu, &t, &id, "Name\nX\n").status, 404);
    // Wrong methods and versions before v41.0.
    let r = post_json(
        &emu,
        &t,
        &format!("{V}/jobs/ingest/{id}/batches"),
        &json!({}),
    );
    assert_eq!(
        (r.status, error_code(&r).as_str()),
        (405, "METHOD_NOT_ALLOWED")
    );
    let r = post_json(
        &emu,
        &t,
        "/services/data/v40.0/jobs/ingest",
        &json!({"object": "Account", "operation": "insert"}),
    );
    assert_eq!(r.status, 404);
}

#[test]
fn upload_size_and_daily_records_are_limited() {
    let mut org = default_org_file();
    org.org.bulk.max_upload_bytes = 64;
    org.org.bulk.daily_records = 3;
    let emu = start_with(org);
    let t = demo_token(&emu);
    let id = create(
        &emu,
        &t,
        &json!({"object": "Account", "operation": "insert"}),
    )
    .json()["id"]
        .as_str()
        .expect("id")
        .to_string();
    let big = format!("Name\n{}\n", "A".repeat(100));
    let r = upload(&emu, &t, &id, &big);
    assert_eq!(
        (r.status, error_code(&r).as_str()),
        (413, "REQUEST_ENTITY_TOO_LARGE")
    );
    assert_eq!(upload(&emu, &t, &id, "Name\nA\nB\n").status, 201);
    let r = upload(&emu, &t, &id, "Name\nC\nD\n");
    assert_eq!((r.status, error_code(&r).as_str()), (400, "EXCEEDED_QUOTA"));
    assert_eq!(upload(&emu, &t, &id, "Name\nC\n").status, 201);
}

/// Fuzz over HTTP: arbitrary bytes as an upload, in every dialect, never hang or
/// crash the emulator; each job ends JobComplete or Failed.
#[test]
fn arbitrary_uploads_end_every_job_and_the_emulator_keeps_answering() {
    let mut org = default_org_file();
    org.org.bulk.delay_ms = 0;
    let emu = start_with(org);
    let t = demo_token(&emu);
    let alphabet = b"Name,Phone;|^`\t\"\r\n#N/A\xff\xc3\xa9aZ0 ";
    let mut seed = 0x00c0_ffee_u64;
    let mut next = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    let dialects = [
        ("COMMA", "LF"),
        ("SEMICOLON", "CRLF"),
        ("PIPE", "LF"),
        ("TAB", "CRLF"),
        ("CARET", "LF"),
        ("BACKQUOTE", "LF"),
    ];
    for i in 0..60 {
        let (d, e) = dialects[i % dialects.len()];
        let mut data = b"Name".to_vec();
        if i % 2 == 0 {
            data.extend_from_slice(if e == "LF" { b"\n" } else { b"\r\n" });
        }
        for _ in 0..next() % 80 {
            data.push(alphabet[next() % alphabet.len()]);
        }
        let r = create(
            &emu,
            &t,
            &json!({"object": "Account", "operation": "insert", "columnDelimiter": d, "lineEnding": e}),
        );
        let id = r.json()["id"].as_str().expect("id").to_string();
        let r = call(
            &emu.base_url,
            "PUT",
            &format!("{V}/jobs/ingest/{id}/batches"),
            &[
                ("Authorization", &format!("Bearer {t}")),
                ("Content-Type", "text/csv"),
            ],
            &data,
        );
        assert_eq!(r.status, 201);
        close(&emu, &t, &id, "UploadComplete");
        let done = wait_done(&emu, &t, &id);
        assert!(
            matches!(done["state"].as_str(), Some("JobComplete" | "Failed")),
            "{done}"
        );
        for which in ["successfulResults", "failedResults", "unprocessedrecords"] {
            let _ = results(&emu, &t, &id, which);
        }
    }
    assert_eq!(get(&emu, &t, &format!("{V}/limits")).status, 200);
}

/// A bulk delete of thousands of rows (synthetic records) in one job: each row
/// reported, a repeated or unknown id refused, the rest gone.
#[test]
fn a_bulk_delete_of_thousands_of_synthetic_records() {
    let mut org = default_org_file();
    org.org.bulk.delay_ms = 0;
    let emu = Background::start(emulator::Config {
        org: Some(org),
        synthetic_records: 5000,
        ..Default::default()
    })
    .expect("start");
    let t = demo_token(&emu);
    let count = |soql: &str| {
        query(&emu, &t, soql).json()["totalSize"]
            .as_u64()
            .expect("n")
    };
    let before = count("SELECT COUNT() FROM Lead");
    let synthetic = count("SELECT COUNT() FROM Lead WHERE Email LIKE '%@synthetic.example'");
    assert_eq!(synthetic, 1500);
    // The ids, from a bulk query job.
    let r = post_json(
        &emu,
        &t,
        &format!("{V}/jobs/query"),
        &json!({"operation": "query", "query": "SELECT Id FROM Lead WHERE Email LIKE '%@synthetic.example'"}),
    );
    let qid = r.json()["id"].as_str().expect("id").to_string();
    for _ in 0..2000 {
        if get(&emu, &t, &format!("{V}/jobs/query/{qid}")).json()["state"] == "JobComplete" {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let ids = get(&emu, &t, &format!("{V}/jobs/query/{qid}/results")).text();
    let first = ids.lines().nth(1).expect("an id").to_string();
    let csv = format!("{ids}{first}\n\"00Q000000000000AAA\"\n");
    let (id, done) = run_job(
        &emu,
        &t,
        &json!({"object": "Lead", "operation": "hardDelete"}),
        &csv,
    );
    assert_eq!(done["numberRecordsProcessed"], 1502, "{done}");
    assert_eq!(done["numberRecordsFailed"], 2, "{done}");
    assert_eq!(
        results(&emu, &t, &id, "successfulResults").lines().count(),
        1501
    );
    assert_eq!(count("SELECT COUNT() FROM Lead"), before - 1500);
    // Every remaining record is still found by its id.
    let left = query(&emu, &t, "SELECT Id FROM Contact LIMIT 5").json();
    for r in left["records"].as_array().expect("records") {
        let id = r["Id"].as_str().expect("id");
        assert_eq!(
            get(&emu, &t, &format!("{V}/sobjects/Contact/{id}")).status,
            200
        );
    }
}
