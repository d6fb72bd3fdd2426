//! `crmctl lookup --file`: one row per input in input order, errors included; one
//! shared login; a re-login on an expired session; a clean stop at the API limit.

use emulator::{Background, Config, FaultKind, Faults, ScriptedFault};
use serde_json::Value;

use crate::support::{Run, Sandbox};

fn run(sb: &Sandbox, emu: &Background, args: &[&str]) -> Run {
    let mut env = crate::support::demo_env(&emu.base_url);
    env.push(("CRMCTL_REGION", "NL".into()));
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut a = vec!["lookup"];
    a.extend_from_slice(args);
    sb.run(&a, &env, "")
}

fn rows(out: &Run) -> Vec<Value> {
    out.stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

const NUMBERS: &str = "+1 415 555 1212\n020-1234567\n\n# a comment\n+44 20 7946 0958\nnot a number\n+1 999 555 0000\n0049 30 1234567\n";

#[test]
fn rows_come_in_input_order_one_per_input_with_a_summary() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let f = sb.write_private("numbers.txt", NUMBERS);
    let out = run(&sb, &emu, &["--file", f.to_str().expect("utf8"), "-j", "3"]);
    out.assert_code(1); // one row failed (not a number)
    let r = rows(&out);
    let got: Vec<(u64, &str, &str)> = r
        .iter()
        .map(|x| {
            (
                x["line"].as_u64().unwrap_or(0),
                x["input"].as_str().unwrap_or(""),
                x["status"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (1, "+1 415 555 1212", "several"),
            (2, "020-1234567", "several"),
            (5, "+44 20 7946 0958", "several"),
            (6, "not a number", "failed"),
            (7, "+1 999 555 0000", "none"),
            (8, "0049 30 1234567", "matched")
        ]
    );
    assert_eq!(r[0]["pops_name"], "Jane Doe");
    assert_eq!(r[0]["open_cases"], 2);
    assert_eq!(r[3]["error"]["code"], "INVALID_INPUT");
    assert!(
        out.stderr
            .contains("6 lookups: 1 matched, 3 several, 1 none, 1 failed"),
        "{}",
        out.stderr
    );
    // Five numbers in one batch: fewer calls than a search and a cases query each.
    assert!(out.stderr.contains("saved by batching"), "{}", out.stderr);
    assert!(
        out.stderr.contains("p95") && out.stderr.contains("API calls"),
        "{}",
        out.stderr
    );
    assert_eq!(
        emu.stats().routes.get("token"),
        Some(&1),
        "one login shared by all"
    );
}

#[test]
fn csv_in_and_out_and_the_json_envelope() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let f = sb.write_private(
        "calls.csv",
        "\u{feff}Caller;ANI\nJane;+1 415 555 1212\nNobody;+1 999 555 0000\n",
    );
    let out = run(
        &sb,
        &emu,
        &[
            "--file",
            f.to_str().expect("utf8"),
            "--column",
            "ani",
            "--output",
            "csv",
        ],
    );
    out.assert_code(0);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(
        lines[0],
        "line,input,status,matches,pops_object,pops_id,pops_name,open_cases,error_code,error,ms,cached"
    );
    assert!(
        lines[1].starts_with("2,\"'+1 415 555 1212\",several,2,Contact,003"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].starts_with("3,\"'+1 999 555 0000\",none,0,"),
        "{}",
        lines[2]
    );
    let out = run(
        &sb,
        &emu,
        &[
            "--json",
            "--file",
            f.to_str().expect("utf8"),
            "--column",
            "ANI",
        ],
    );
    out.assert_code(0);
    let d = out.json()["data"].clone();
    assert_eq!(d["rows"].as_array().expect("rows").len(), 2);
    assert_eq!(d["summary"]["several"], 1);
    assert_eq!(d["summary"]["none"], 1);
    let out = run(
        &sb,
        &emu,
        &["--file", f.to_str().expect("utf8"), "--column", "Phone"],
    );
    out.assert_code(3);
    assert!(out.stderr.contains("no column `Phone`"), "{}", out.stderr);
}

/// `n` different numbers: the two of the demo org with several matches, then numbers
/// no record has (the memo searches a repeated number once).
fn several_then_distinct(n: usize) -> String {
    (0..n)
        .map(|i| match i {
            0 => "+1 415 555 1212\n".to_string(),
            1 => "+31 20 123 4567\n".to_string(),
            _ => format!("+31 20 555 {i:04}\n"),
        })
        .collect()
}

fn many(n: usize) -> String {
    (0..n)
        .map(|i| {
            if i % 2 == 0 {
                "+1 415 555 1212\n"
            } else {
                "+31 20 123 4567\n"
            }
        })
        .collect()
}

#[test]
fn an_expired_session_mid_run_is_renewed_and_every_row_succeeds() {
    // Each token serves 15 data calls: more than the 8 that 4 workers can have in
    // flight, so every rejected row's one retry with the renewed session succeeds.
    let emu = Background::start(Config {
        faults: Faults {
            token_ttl_requests: Some(15),
            ..Faults::default()
        },
        ..Config::default()
    })
    .expect("emulator");
    let sb = Sandbox::new();
    let f = sb.write_private("n.txt", &several_then_distinct(20));
    let out = run(
        &sb,
        &emu,
        &[
            "--json",
            "--file",
            f.to_str().expect("utf8"),
            "-j",
            "4",
            "--no-batch",
        ],
    );
    out.assert_code(0);
    let s = out.json()["data"]["summary"].clone();
    assert_eq!(
        (s["several"].as_u64(), s["none"].as_u64()),
        (Some(2), Some(18)),
        "{s}"
    );
    assert!(s["relogins"].as_u64().expect("relogins") >= 1, "{s}");
    assert!(s["api_usage"]["used"].as_u64().expect("usage") >= 22, "{s}");
}

#[test]
fn the_request_limit_stops_the_run_and_marks_the_rest() {
    let emu = Background::start(Config {
        faults: Faults {
            request_limit: Some(9),
            ..Faults::default()
        },
        ..Config::default()
    })
    .expect("emulator");
    let sb = Sandbox::new();
    let f = sb.write_private("n.txt", &several_then_distinct(30));
    let out = run(
        &sb,
        &emu,
        &["--file", f.to_str().expect("utf8"), "-j", "2", "--no-batch"],
    );
    out.assert_code(4);
    let r = rows(&out);
    assert_eq!(r.len(), 30, "every input has its row");
    let count = |s: &str| r.iter().filter(|x| x["status"] == s).count();
    assert!(
        count("several") + count("none") >= 3 && count("skipped") >= 10,
        "looked up {} skipped {}",
        count("several") + count("none"),
        count("skipped")
    );
    assert!(
        r.iter()
            .any(|x| x["error"]["code"] == "REQUEST_LIMIT_EXCEEDED")
    );
    assert!(out.stderr.contains("stopped early"), "{}", out.stderr);
}

#[test]
fn bursts_of_503_html_and_drops_are_retried() {
    let script = [4, 5, 9, 10, 11]
        .iter()
        .zip([
            FaultKind::Status503,
            FaultKind::Status503,
            FaultKind::Html,
            FaultKind::Drop,
            FaultKind::Status503,
        ])
        .map(|(at, fault)| ScriptedFault { at: *at, fault })
        .collect();
    let emu = Background::start(Config {
        faults: Faults {
            script,
            ..Faults::default()
        },
        ..Config::default()
    })
    .expect("emulator");
    let sb = Sandbox::new();
    let f = sb.write_private("n.txt", &several_then_distinct(10));
    let out = run(
        &sb,
        &emu,
        &[
            "--json",
            "--file",
            f.to_str().expect("utf8"),
            "-j",
            "1",
            "--no-batch",
        ],
    );
    out.assert_code(0);
    let s = &out.json()["data"]["summary"];
    assert_eq!(
        (s["several"].as_u64(), s["none"].as_u64()),
        (Some(2), Some(8)),
        "{s}"
    );
}

#[test]
fn the_request_limit_under_json_gives_one_document_with_error_and_rows() {
    let emu = Background::start(Config {
        faults: Faults {
            request_limit: Some(9),
            ..Faults::default()
        },
        ..Config::default()
    })
    .expect("emulator");
    let sb = Sandbox::new();
    let f = sb.write_private("n.txt", &several_then_distinct(30));
    let out = run(
        &sb,
        &emu,
        &[
            "--json",
            "--file",
            f.to_str().expect("utf8"),
            "-j",
            "2",
            "--no-batch",
        ],
    );
    out.assert_code(4);
    let doc = out.json();
    assert_eq!(doc["exit_code"], 4);
    assert_eq!(doc["error"]["kind"], "remote");
    assert!(
        doc["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("REQUEST_LIMIT_EXCEEDED"),
        "{}",
        doc["error"]
    );
    let rows = doc["data"]["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 30);
    assert_eq!(doc["data"]["summary"]["stop_reason"], "api_limit");
    assert!(
        rows.iter()
            .filter(|r| r["status"] == "skipped")
            .all(|r| r["error"]["kind"] == "remote")
    );
    // Every attempt is counted, the refused ones included.
    assert_eq!(
        doc["data"]["summary"]["api_calls"].as_u64(),
        Some(emu.stats().total - emu.stats().routes.get("token").copied().unwrap_or(0)),
        "{}",
        doc["data"]["summary"]
    );
}

fn run_env(sb: &Sandbox, emu: &Background, env: &[(&str, &str)], args: &[&str]) -> Run {
    let base = crate::support::demo_env(&emu.base_url);
    let mut pairs: Vec<(&str, &str)> = base.iter().map(|(k, v)| (*k, v.as_str())).collect();
    pairs.extend_from_slice(env);
    let mut a = vec!["lookup"];
    a.extend_from_slice(args);
    sb.run(&a, &pairs, "")
}

fn statuses(rows: &[Value]) -> Vec<(u64, String, String)> {
    rows.iter()
        .map(|x| {
            (
                x["line"].as_u64().unwrap_or(0),
                x["status"].as_str().unwrap_or("").to_string(),
                x["as_typed"].as_str().unwrap_or("-").to_string(),
            )
        })
        .collect()
}

const CALLERS: &str = "+31 20 123 4567\nanonymous\n020 123 4567\nsip:anonymous@anonymous.invalid\n06-12345678\nRestricted\n";

/// Withheld callers are rows of their own (not `failed`), and national numbers with no region
/// are searched as typed with one hint in the summary, not a failure per row.
#[test]
fn withheld_callers_and_national_numbers_without_a_region() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let f = sb.write_private("callers.txt", CALLERS);
    let file = f.to_str().expect("utf8");
    let out = run_env(&sb, &emu, &[], &["--file", file, "-j", "3"]);
    out.assert_code(0);
    let as_str = |v: &[(u64, &str, &str)]| {
        v.iter()
            .map(|(l, s, t)| (*l, s.to_string(), t.to_string()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        statuses(&rows(&out)),
        as_str(&[
            (1, "several", "-"),
            (2, "withheld", "-"),
            (3, "matched", "no_region"),
            (4, "withheld", "-"),
            (5, "matched", "no_region"),
            (6, "withheld", "-"),
        ])
    );
    assert!(
        out.stderr
            .contains("6 lookups: 2 matched, 1 several, 0 none, 3 withheld, 0 failed"),
        "{}",
        out.stderr
    );
    assert_eq!(
        out.stderr.matches("hint:").count(),
        1,
        "one hint for the run: {}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("hint: 2 national number(s) were searched as typed, for lack of a region"),
        "{}",
        out.stderr
    );
    // Withheld rows make no request: the three numbers share one search (the row with
    // several matches keeps the search's explicit order, nothing is searched again),
    // and one open-cases query; one login.
    assert_eq!(emu.stats().total, 1 + 2, "{:?}", emu.stats());
    // One row at a time: three lookups of two calls each, and one login.
    let before = emu.stats().total;
    let out = run_env(&sb, &emu, &[], &["--file", file, "-j", "3", "--no-batch"]);
    out.assert_code(0);
    assert_eq!(emu.stats().total - before, 1 + 3 * 2, "{:?}", emu.stats());

    // With the locale's region the national numbers are read in full: no hint.
    let out = run_env(
        &sb,
        &emu,
        &[("LANG", "nl_NL.UTF-8")],
        &["--json", "--file", file],
    );
    out.assert_code(0);
    let d = out.json()["data"].clone();
    let rows = d["rows"].as_array().expect("rows");
    assert_eq!(
        statuses(rows),
        as_str(&[
            (1, "several", "-"),
            (2, "withheld", "-"),
            (3, "several", "-"),
            (4, "withheld", "-"),
            (5, "matched", "-"),
            (6, "withheld", "-"),
        ])
    );
    let s = &d["summary"];
    assert_eq!(
        (&s["withheld"], &s["failed"], &s["as_typed_no_region"]),
        (&Value::from(3), &Value::from(0), &Value::from(0)),
        "{s}"
    );
    assert!(!out.stderr.contains("hint:"), "{}", out.stderr);
}

/// An empty ANI cell in a CSV export is a withheld caller; CRLF lines and a UTF-16 file
/// (Excel's "Unicode text") keep their line numbers.
#[test]
fn an_empty_ani_cell_is_withheld_and_utf16_crlf_files_keep_their_lines() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let text = "Caller\tANI\r\nJane\t+1 415 555 1212\r\n\r\nNobody\t\r\nPieter\t020 123 4567\r\n";
    let mut bytes = vec![0xff, 0xfe];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let f = sb.path("calls.txt");
    std::fs::write(&f, bytes).expect("write");
    let out = run_env(
        &sb,
        &emu,
        &[("CRMCTL_REGION", "NL")],
        &[
            "--json",
            "--file",
            f.to_str().expect("utf8"),
            "--column",
            " ani",
        ],
    );
    out.assert_code(0);
    let d = out.json()["data"].clone();
    let got: Vec<(u64, &str)> = d["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            (
                r["line"].as_u64().unwrap_or(0),
                r["status"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(got, [(2, "several"), (4, "withheld"), (5, "several")]);
}

/// A file given to --column by mistake may hold secrets: its header is not quoted back.
#[test]
fn a_missing_column_does_not_quote_the_header() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let f = sb.write_private("key.csv", "hunter2-secret,s3cr3t-token\nx,y\n");
    let out = run_env(
        &sb,
        &emu,
        &[],
        &["--file", f.to_str().expect("utf8"), "--column", "ANI"],
    );
    out.assert_code(3);
    assert!(out.stderr.contains("no column `ANI`"), "{}", out.stderr);
    assert!(
        !out.stderr.contains("hunter2") && !out.stderr.contains("s3cr3t"),
        "{}",
        out.stderr
    );
    assert_eq!(emu.stats().total, 0);
}

/// A key profile given to --file by mistake: none of it is shown, none of its digits searched.
#[test]
fn a_key_profile_given_as_the_file_is_refused_unshown() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let key = sb.key_profile();
    let text = std::fs::read_to_string(&key).expect("read the profile");
    for json in [false, true] {
        let mut args = vec!["--file", key.to_str().expect("utf8")];
        if json {
            args.insert(0, "--json");
        }
        let out = run(&sb, &emu, &args);
        out.assert_code(3);
        for line in text.lines().filter(|l| l.contains(':')) {
            let value = line.split_once(':').map(|(_, v)| v.trim()).unwrap_or("");
            let shown = |t: &str| !value.is_empty() && t.contains(value);
            assert!(
                !shown(&out.stdout) && !shown(&out.stderr),
                "{line}: {out:?}"
            );
        }
        assert!(out.stderr.contains("is a key profile") || out.stdout.contains("is a key profile"));
    }
    assert_eq!(emu.stats().total, 0, "nothing was sent");
}

/// A bad region is refused once, before the login, not as a failure on every row.
#[test]
fn a_bad_region_stops_the_run_before_any_request() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let f = sb.write_private("n.txt", CALLERS);
    let file = f.to_str().expect("utf8");
    let out = run_env(&sb, &emu, &[], &["--file", file, "--region", "ZZ"]);
    out.assert_code(2);
    assert!(out.stderr.contains("--region"), "{}", out.stderr);
    let out = run_env(
        &sb,
        &emu,
        &[("CRMCTL_REGION", "XX")],
        &["--json", "--file", file],
    );
    out.assert_code(3);
    assert_eq!(out.json()["error"]["kind"], "input");
    assert!(out.stdout.contains("CRMCTL_REGION"), "{}", out.stdout);
    assert_eq!(emu.stats().total, 0);
}

/// Batched, a session that runs out mid-run is renewed and the call retried, even when
/// the renewed session is itself used up by other workers before the retry.
#[test]
fn batched_an_expired_session_mid_run_is_renewed_and_every_row_succeeds() {
    let emu = Background::start(Config {
        faults: Faults {
            // More than the 4 calls that 4 workers have in flight, few enough that
            // sessions run out often.
            token_ttl_requests: Some(6),
            ..Faults::default()
        },
        ..Config::default()
    })
    .expect("emulator");
    let sb = Sandbox::new();
    let f = sb.write_private("n.txt", &distinct(40));
    let out = run(
        &sb,
        &emu,
        &[
            "--json",
            "--file",
            f.to_str().expect("utf8"),
            "-j",
            "4",
            "--batch-size",
            "5",
        ],
    );
    out.assert_code(0);
    let s = out.json()["data"]["summary"].clone();
    assert_eq!(s["failed"], 0, "{s}");
    assert_eq!(s["total"], 40, "{s}");
    assert!(s["relogins"].as_u64().expect("relogins") >= 1, "{s}");
}

/// Distinct numbers, so each batch makes its own search.
fn distinct(n: usize) -> String {
    (0..n).map(|i| format!("+31 70 555 {:04}\n", i)).collect()
}

/// Batched, REQUEST_LIMIT_EXCEEDED stops the run: every input has its row, the rest
/// are skipped, exit 4, and one --json document.
#[test]
fn batched_the_request_limit_stops_the_run_with_one_document() {
    let emu = Background::start(Config {
        faults: Faults {
            request_limit: Some(3),
            ..Faults::default()
        },
        ..Config::default()
    })
    .expect("emulator");
    let sb = Sandbox::new();
    let f = sb.write_private("n.txt", &distinct(60));
    let out = run(
        &sb,
        &emu,
        &[
            "--json",
            "--file",
            f.to_str().expect("utf8"),
            "-j",
            "1",
            "--batch-size",
            "5",
        ],
    );
    out.assert_code(4);
    let doc = out.json();
    assert_eq!(doc["error"]["kind"], "remote");
    let rows = doc["data"]["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 60);
    let lines: Vec<u64> = rows
        .iter()
        .map(|r| r["line"].as_u64().unwrap_or(0))
        .collect();
    assert_eq!(lines, (1..=60).collect::<Vec<u64>>(), "input order");
    assert_eq!(doc["data"]["summary"]["stop_reason"], "api_limit");
    assert!(
        rows.iter()
            .any(|r| r["error"]["code"] == "REQUEST_LIMIT_EXCEEDED")
    );
    let skipped = rows.iter().filter(|r| r["status"] == "skipped").count();
    assert!(skipped >= 40, "{skipped} skipped");
    assert_eq!(
        doc["data"]["summary"]["api_calls"].as_u64(),
        Some(emu.stats().total - emu.stats().routes.get("token").copied().unwrap_or(0)),
        "{}",
        doc["data"]["summary"]
    );
}

/// `--batch-size` and `--no-batch` are usage errors without `--file`, together, or out
/// of range, before any request.
#[test]
fn batch_flags_are_checked_before_any_request() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let f = sb.write_private("n.txt", "+31 20 123 4567\n");
    let file = f.to_str().expect("utf8");
    for args in [
        &["--file", file, "--batch-size", "5", "--no-batch"][..],
        &["--file", file, "--batch-size", "0"][..],
        &["--file", file, "--batch-size", "201"][..],
        &["+31201234567", "--batch-size", "5"][..],
        &["+31201234567", "--no-batch"][..],
    ] {
        let out = run(&sb, &emu, args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
    }
    assert_eq!(emu.stats().total, 0, "{:?}", emu.stats());
}

/// Issue 21, item 1: a repeated number is searched once for the whole run, batched or
/// not; every row still has its own row, the repeats marked `cached`.
#[test]
fn repeated_numbers_are_searched_once_per_run_and_marked_cached() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    // Two numbers ten times each, and one written another way that reads as the same
    // number (the same digit forms are searched).
    let mut text = many(20);
    text.push_str("+31 (0)20 123 4567\n");
    let f = sb.write_private("n.txt", &text);
    let emails = sb.write_private("e.txt", "noor@example.be\nx@example.com\nNOOR@example.be\n");
    for extra in [&[][..], &["--no-batch"][..], &["--batch-size", "2"][..]] {
        let before = emu.stats().api_calls;
        let mut args = vec!["--json", "--file", f.to_str().expect("utf8"), "-j", "3"];
        args.extend(extra);
        let out = run(&sb, &emu, &args);
        out.assert_code(0);
        let doc = out.json();
        let rows = doc["data"]["rows"].as_array().expect("rows");
        let lines: Vec<u64> = rows.iter().filter_map(|r| r["line"].as_u64()).collect();
        assert_eq!(
            lines,
            (1..=21).collect::<Vec<_>>(),
            "one row each, in input order"
        );
        let cached: Vec<bool> = rows.iter().map(|r| r["cached"] == true).collect();
        let mut want = vec![true; 21];
        want[0] = false;
        want[1] = false;
        assert_eq!(cached, want, "{extra:?}");
        for r in rows {
            let first = &rows[usize::from(r["input"] != rows[0]["input"])];
            assert_eq!(first["pops_id"], r["pops_id"]);
            assert_eq!(first["status"], r["status"]);
        }
        assert!(
            rows.iter()
                .filter(|r| r["cached"] == true)
                .all(|r| r["ms"] == 0)
        );
        // Two distinct searches: a search and a cases query each at most.
        let calls = emu.stats().api_calls - before;
        assert!(calls <= 4, "{extra:?}: {calls} calls");
        assert_eq!(doc["data"]["summary"]["api_calls"], calls);

        let mut args = vec![
            "--json",
            "--media",
            "email",
            "--file",
            emails.to_str().expect("utf8"),
        ];
        args.extend(extra);
        let out = run(&sb, &emu, &args);
        let doc = out.json();
        let rows = doc["data"]["rows"].as_array().expect("rows");
        let cached: Vec<bool> = rows.iter().map(|r| r["cached"] == true).collect();
        assert_eq!(cached, [false, false, true], "an address ignoring case");
        assert_eq!(rows[0]["pops_id"], rows[2]["pops_id"]);
    }
}

/// Issue 21 item 3: a file longer than a segment (`bulk::SEGMENT_ROWS`, read as the run
/// gets to it) still gives one row per input in input order; numbers met in an earlier
/// segment come from the run's memo (`cached`, with the same answer), so they cost no
/// further search.
#[test]
fn rows_past_a_segment_stay_in_order_and_repeats_come_from_the_memo() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let values = [
        "+1 415 555 1212",
        "+1 999 555 0000",
        "0049 30 1234567",
        "not a number",
    ];
    let n = crmctl::screenpop::bulk::SEGMENT_ROWS + 1_500;
    let text: String = (0..n)
        .map(|i| format!("{}\n", values[i % values.len()]))
        .collect();
    let f = sb.write_private("many.txt", &text);
    let out = run(&sb, &emu, &["--file", f.to_str().expect("utf8"), "-j", "2"]);
    out.assert_code(1);
    let r = rows(&out);
    assert_eq!(r.len(), n);
    for (i, row) in r.iter().enumerate() {
        assert_eq!(row["line"], i + 1, "{row}");
        assert_eq!(row["input"], values[i % values.len()], "{row}");
        let first = i < values.len();
        let searched = values[i % values.len()] != "not a number";
        assert_eq!(row["cached"], !first && searched, "{row}");
        assert_eq!(row["status"], r[i % values.len()]["status"], "{row}");
        assert_eq!(row["pops_id"], r[i % values.len()]["pops_id"], "{row}");
    }
    let searches = emu.stats().routes.get("search").copied().unwrap_or(0);
    assert!(searches <= 3, "{searches} searches for 3 distinct numbers");
}

/// A file that took more of the org's daily API requests than it can spare (here:
/// it ran into the limit) gets the `--index` suggestion; a small one does not.
#[test]
fn a_file_that_outgrows_the_daily_api_requests_is_pointed_at_index() {
    let emu = Background::start(Config {
        faults: Faults {
            request_limit: Some(3),
            ..Faults::default()
        },
        ..Config::default()
    })
    .expect("emulator");
    let sb = Sandbox::new();
    let f = sb.write_private("n.txt", &distinct(60));
    let args = [
        "--file",
        f.to_str().expect("utf8"),
        "-j",
        "1",
        "--batch-size",
        "5",
    ];
    let out = run(&sb, &emu, &args);
    out.assert_code(4);
    assert!(out.stderr.contains("`--index` exports"), "{}", out.stderr);

    let emu = Background::start(Config::default()).expect("emulator");
    let f = sb.write_private("few.txt", &distinct(5));
    let out = run(&sb, &emu, &["--file", f.to_str().expect("utf8")]);
    assert!(!out.stderr.contains("--index"), "{}", out.stderr);
}
