//! `lookup --file --settings --ucc` under the UCC's CRM Service model (issue 20 item
//! 4): every row as the single lookup with the same settings would pop it, the 8x8
//! search beside it, and the summary's counts. Against the emulated org, which stores
//! numbers in every modelled format.

use emulator::{Background, Config, Faults};
use serde_json::Value;

use crate::crm_model::{ATTRIBUTES, estate, lookup};
use crate::support::Sandbox;

/// The demo estate's UCC: DefaultPhoneNumberRegion NL, PhoneNumberFormat National.
const NATIONAL: &[(&str, &str)] = &[
    ("DefaultPhoneNumberRegion", "NL"),
    ("PhoneNumberFormat", "National"),
];

/// Numbers in every form, a repeat, a withheld caller, a bad value, a lead and a
/// number the 8x8 search finds stored as E.164 (which National does not find).
const MIXED: &str = "020-1234567\n+31201234567\n+31301234567\nanonymous\n+31401234567\nnot a number\n+31 23 123 4567\n+33 1 42 68 53 01\n020 123 4567\n0612345678\n";

fn rows(out: &crate::support::Run) -> Vec<Value> {
    out.stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// Each row of the bulk run is what the single lookup of its value says, with the
/// same settings: the outcome, the popped record, ShowStatus, the records missed.
#[test]
fn bulk_rows_equal_single_lookups_with_the_same_settings() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let file = estate(&sb, &emu, NATIONAL, ATTRIBUTES);
    let input = sb.write_private("calls.txt", MIXED);
    let out = lookup(
        &sb,
        &file,
        &["--file", input.to_str().expect("utf8"), "-j", "3"],
    );
    let rows = rows(&out);
    let values: Vec<&str> = MIXED.lines().collect();
    assert_eq!(rows.len(), values.len(), "{}", out.stderr);
    for (row, value) in rows.iter().zip(&values) {
        assert_eq!(row["input"], *value, "rows keep input order");
        let single = lookup(&sb, &file, &["--json", value]);
        let d = &single.json()["data"];
        if row["status"] == "failed" {
            assert_eq!(row["error"]["code"], "INVALID_INPUT", "{row}");
            single.assert_code(2);
            continue;
        }
        assert_eq!(row["status"], d["outcome"], "{value}: {row} vs {d}");
        assert_eq!(row["pops_id"], d["pops"]["id"], "{value}");
        assert_eq!(row["pops_object"], d["pops"]["object"], "{value}");
        assert_eq!(
            row["matches"],
            d["matches"].as_array().map_or(0, Vec::len),
            "{value}"
        );
        assert_eq!(
            row["open_cases"],
            d["pops_open_cases"].as_array().map_or(0, Vec::len),
            "{value}"
        );
        assert_eq!(row["crm_status"], d["status"], "{value}");
        let names = |v: &Value| -> Vec<Value> {
            v.as_array()
                .into_iter()
                .flatten()
                .map(|m| m["id"].clone())
                .collect()
        };
        assert_eq!(
            names(&row["missed"]),
            names(&d["missed_by_model"]),
            "{value}"
        );
        assert_eq!(
            row["attributes"],
            d["pops"]["attributes"]
                .as_array()
                .map_or(Value::Array(vec![]), |a| Value::Array(a.clone())),
            "{value}"
        );
    }
}

/// The summary: which model and settings on its first line, and how many callers the
/// 8x8 search would pop that the UCC's model would not; the JSON summary says the same.
#[test]
fn the_summary_names_the_model_and_counts_the_callers_it_misses() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let file = estate(&sb, &emu, NATIONAL, ATTRIBUTES);
    let input = sb.write_private("calls.txt", MIXED);
    let path = input.to_str().expect("utf8");
    let out = lookup(&sb, &file, &["--file", path]);
    out.assert_code(1);
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(
        lines.first().copied(),
        Some(format!("model: crm-service, as the CRM Service of UCC helpdesk ({file}) is configured: DefaultPhoneNumberRegion NL, PhoneNumberFormat National, ShowStatus True (default), 7 PluginAttributes").as_str()),
        "{}",
        out.stderr
    );
    assert!(
        lines[1].starts_with("10 lookups: 5 matched, 0 several, 3 none, 1 withheld, 1 failed;"),
        "{}",
        out.stderr
    );
    assert_eq!(
        lines.last().copied(),
        Some(
            "CRM Service pops: 5 Contact, 0 Lead, 4 Unknown; the 8x8 search pops 8 of 9 callers, of which the model misses 3 (37.5%)"
        ),
        "{}",
        out.stderr
    );
    let doc = lookup(&sb, &file, &["--json", "--file", path]).json();
    let s = &doc["data"]["summary"];
    assert_eq!(
        [
            &s["total"],
            &s["contact"],
            &s["lead"],
            &s["unknown"],
            &s["popped_by_8x8"],
            &s["missed_by_model"]
        ],
        [10, 5, 0, 4, 8, 3].map(Value::from).each_ref(),
        "{s}"
    );
    assert_eq!(doc["data"]["model"]["name"], "crm-service");
    assert_eq!(
        doc["data"]["model"]["settings"]["PhoneNumberFormat"],
        "National"
    );
    let rows = doc["data"]["rows"].as_array().expect("rows");
    let missed: Vec<&str> = rows
        .iter()
        .filter(|r| r["missed_by_model"] == true)
        .filter_map(|r| r["input"].as_str())
        .collect();
    assert_eq!(
        missed,
        ["+31301234567", "+31 23 123 4567", "+33 1 42 68 53 01"]
    );
    // A repeat is answered once: later rows are cached.
    assert_eq!(rows[1]["cached"], true);
    assert_eq!(rows[8]["cached"], true);
}

/// CSV gains the model's columns at the end; `--model 8x8 --file` and e-mail files keep the batched
/// 8x8 rows; `--index` under the model is a usage error with a hint.
#[test]
fn csv_gains_columns_8x8_and_email_keep_their_rows_and_index_is_refused() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let file = estate(&sb, &emu, NATIONAL, "");
    let input = sb.write_private("calls.txt", "+31301234567\n020-1234567\n");
    let path = input.to_str().expect("utf8");
    let out = lookup(&sb, &file, &["--file", path, "--output", "csv"]);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(
        lines[0],
        "line,input,status,matches,pops_object,pops_id,pops_name,open_cases,error_code,error,ms,cached,crm_status,missed_by_model,pops_8x8_object,pops_8x8_id,missed"
    );
    assert!(
        lines[1].starts_with("1,\"'+31301234567\",none,0,"),
        "{}",
        out.stdout
    );
    assert!(
        lines[1].ends_with(",false,Unknown,true,Contact,0035g0000000009AAA,1"),
        "{}",
        out.stdout
    );
    assert!(
        lines[2].ends_with(",Contact,false,Account,0015g0000000002AAA,0"),
        "{}",
        out.stdout
    );

    let out = lookup(
        &sb,
        &file,
        &["--file", path, "--model", "8x8", "--region", "NL"],
    );
    out.assert_code(0);
    let r = rows(&out);
    assert_eq!(r[0]["pops_name"], "Eva Jansen");
    assert_eq!(r[0].get("crm_status"), None, "the 8x8 rows are unchanged");

    // Batching flags are noted, not silently dropped.
    let out = lookup(&sb, &file, &["--file", path, "--batch-size", "10"]);
    assert!(
        out.stderr
            .contains("note: --batch-size and --no-batch do not apply to the crm-service model"),
        "{}",
        out.stderr
    );
    assert_eq!(rows(&out)[0]["crm_status"], "Unknown");

    // E-mail files are not modelled: 8x8 rows and a note.
    let emails = sb.write_private("mails.txt", "nobody@example.invalid\n");
    let out = lookup(
        &sb,
        &file,
        &["--file", emails.to_str().expect("utf8"), "--media", "email"],
    );
    assert!(
        out.stderr
            .contains("e-mail and case lookups are not modelled"),
        "{}",
        out.stderr
    );
    assert_eq!(rows(&out)[0].get("crm_status"), None);

    let out = lookup(&sb, &file, &["--file", path, "--index"]);
    out.assert_code(2);
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr
            .contains("--index is not modelled for the UCC's CRM Service"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("--model 8x8"), "{}", out.stderr);
}

/// REQUEST_LIMIT_EXCEEDED mid-run: one JSON document, every input has its row, the
/// rest marked skipped, exit 4.
#[test]
fn the_request_limit_under_the_model_gives_one_document_with_skipped_rows() {
    let emu = Background::start(Config {
        faults: Faults {
            request_limit: Some(9),
            ..Faults::default()
        },
        ..Config::default()
    })
    .expect("emulator");
    let sb = Sandbox::new();
    let file = estate(&sb, &emu, NATIONAL, "");
    let numbers: String = (0..20).map(|i| format!("+31 20 555 {i:04}\n")).collect();
    let input = sb.write_private("calls.txt", &numbers);
    let out = lookup(
        &sb,
        &file,
        &["--json", "--file", input.to_str().expect("utf8"), "-j", "2"],
    );
    out.assert_code(4);
    let doc = out.json();
    assert_eq!(doc["error"]["kind"], "remote");
    assert_eq!(doc["data"]["summary"]["stop_reason"], "api_limit");
    let rows = doc["data"]["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 20);
    let lines: Vec<u64> = rows.iter().filter_map(|r| r["line"].as_u64()).collect();
    assert_eq!(lines, (1..=20).collect::<Vec<u64>>());
    assert!(rows.iter().any(|r| r["status"] == "skipped"));
    assert!(
        rows.iter()
            .filter(|r| r["status"] == "skipped")
            .all(|r| r["error"]["code"] == "NOT_RUN" && r["crm_status"].is_null())
    );
    // The hint names what costs fewer calls, not `--index` alone (refused under the model).
    let out = lookup(&sb, &file, &["--file", input.to_str().expect("utf8")]);
    out.assert_code(4);
    assert!(
        out.stderr
            .contains("the crm-service model sends three or four per distinct number")
            && out.stderr.contains("`--model 8x8 --index`"),
        "{}",
        out.stderr
    );
}

/// Ctrl-C under the model: one JSON document with every row, the rest skipped, 130.
#[test]
fn ctrl_c_under_the_model_prints_one_document_and_exits_130() {
    use crate::signals::{numbers, slow_emulator, wait, wait_for_calls};
    let emu = slow_emulator();
    let sb = Sandbox::new();
    let file = estate(&sb, &emu, NATIONAL, "");
    let f = sb.write_private("n.txt", &numbers(200));
    let key = sb.key_profile();
    let mut c = sb.cmd(&[
        "--key-file",
        key.to_str().expect("utf8"),
        "lookup",
        "--settings",
        &file,
        "--ucc",
        "helpdesk",
        "--json",
        "--file",
        f.to_str().expect("utf8"),
        "-j",
        "2",
    ]);
    c.stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let child = c.spawn().expect("spawn crmctl");
    wait_for_calls(&emu, 4);
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let out = wait(child);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(130), "{stdout}");
    let doc: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("not one JSON document ({e}):\n{stdout}"));
    assert_eq!(doc["error"]["kind"], "interrupted");
    let rows = doc["data"]["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 200, "every input has its row");
    let skipped: Vec<&Value> = rows.iter().filter(|r| r["status"] == "skipped").collect();
    assert!(skipped.len() >= 100, "skipped {}", skipped.len());
    assert!(skipped.iter().all(|r| r["error"]["kind"] == "interrupted"));
    assert_eq!(doc["data"]["summary"]["stop_reason"], "interrupted");
    assert_eq!(doc["data"]["model"]["name"], "crm-service");
}
