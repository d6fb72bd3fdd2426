//! crmctl against a hostile server on loopback: redirects on the token POST and on
//! data calls, an https login that hands out a plain-http instance, huge and
//! dripping bodies, JSON 503s, and every retry counted. Each test fails without
//! the client's guard it is named after.

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::hostile_server::{Server, respond, tls_config, token_ok};
use crate::support::{Run, Sandbox};

fn env(login: &str) -> Vec<(&'static str, String)> {
    crate::support::demo_env(login)
}

pub fn run(sb: &Sandbox, login: &str, args: &[&str]) -> Run {
    let e = env(login);
    let pairs: Vec<(&str, &str)> = e.iter().map(|(k, v)| (*k, v.as_str())).collect();
    sb.run(args, &pairs, "")
}

fn posts_to_token(s: &Server) -> usize {
    s.requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path.contains("/oauth2/token"))
        .count()
}

#[test]
fn a_307_on_the_token_post_is_not_followed_and_the_form_goes_nowhere_else() {
    let thief = Server::start(|_, w, _| respond(w, 200, &[], &token_ok("http://127.0.0.1:9")));
    let location = format!("{}/services/oauth2/token", thief.url);
    let org = Server::start(move |_, w, _| respond(w, 307, &[("Location", &location)], ""));
    let sb = Sandbox::new();
    let out = run(
        &sb,
        &org.url,
        &["login", "--username", "u@x.example", "--json"],
    );
    out.assert_code(4);
    assert_eq!(
        thief.connections.load(Ordering::SeqCst),
        0,
        "re-posted to the Location"
    );
    assert_eq!(posts_to_token(&org), 1, "a redirect is not retried");
    let post = &org.requests()[0];
    assert!(post.body.contains("grant_type=password"), "{post:?}");
    assert_eq!(
        post.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    let err = out.json()["error"].clone();
    assert_eq!(err["kind"], "remote");
    let msg = err["message"].as_str().unwrap_or("");
    assert!(
        msg.contains("redirect") && msg.contains("127.0.0.1"),
        "{msg}"
    );
}

#[test]
fn a_two_hop_302_on_a_data_call_never_reaches_the_other_hosts() {
    let last = Server::start(|_, w, _| {
        respond(
            w,
            200,
            &[],
            r#"{"searchRecords":[{"attributes":{"type":"Contact"},"Id":"003X","Name":"Evil Twin"}]}"#,
        )
    });
    let to_last = format!("{}/services/data/v60.0/search/", last.url);
    let first = Server::start(move |_, w, _| respond(w, 302, &[("Location", &to_last)], ""));
    let to_first = format!("{}/services/data/v60.0/search/", first.url);
    let org = Server::start(move |req, w, base| {
        if req.method == "POST" {
            respond(w, 200, &[], &token_ok(base));
        } else {
            respond(w, 302, &[("Location", &to_first)], "");
        }
    });
    let sb = Sandbox::new();
    for extra in [&["--json"][..], &[]] {
        let mut args = vec!["lookup", "--email", "jane@example.com"];
        args.extend_from_slice(extra);
        let out = run(&sb, &org.url, &args);
        out.assert_code(4);
        assert!(!out.stdout.contains("Evil Twin"), "{}", out.stdout);
        assert!(out.stderr.contains("redirect") || out.stdout.contains("redirect"));
    }
    assert_eq!(first.connections.load(Ordering::SeqCst), 0);
    assert_eq!(last.connections.load(Ordering::SeqCst), 0);
    assert!(
        org.requests()
            .iter()
            .any(|r| r.q().starts_with("FIND {\"jane@example.com\"}")),
        "the search itself went to the org"
    );
}

#[test]
fn an_https_login_that_hands_out_a_plain_http_instance_is_refused_unsent() {
    let plain = Server::start(|_, w, _| respond(w, 200, &[], "[]"));
    let (config, ca) = tls_config();
    let instance = plain.url.clone();
    let org = Server::start_tls(config, move |_, w, _| {
        respond(w, 200, &[], &token_ok(&instance))
    });
    let sb = Sandbox::new();
    let ca_path = sb.write_private("ca.pem", &ca);
    let ca_arg = ca_path.to_str().expect("utf8");
    let out = run(
        &sb,
        &org.url,
        &[
            "login",
            "--username",
            "u@x.example",
            "--ca-cert",
            ca_arg,
            "--json",
        ],
    );
    out.assert_code(4);
    let msg = out.json()["error"]["message"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(msg.contains("plain http"), "{msg}");
    assert_eq!(
        plain.connections.load(Ordering::SeqCst),
        0,
        "token sent in the clear"
    );
    // Without --ca-cert the unknown issuer's hint names the flag.
    let out = run(&sb, &org.url, &["login", "--username", "u@x.example"]);
    out.assert_code(4);
    assert!(out.stderr.contains("--ca-cert"), "{}", out.stderr);
}

#[test]
fn instance_urls_and_login_urls_of_other_schemes_are_refused() {
    let org = Server::start(|_, w, _| respond(w, 200, &[], &token_ok("file:///etc/passwd")));
    let sb = Sandbox::new();
    let out = run(&sb, &org.url, &["login", "--username", "u@x.example"]);
    out.assert_code(4);
    assert!(out.stderr.contains("only http and https"), "{}", out.stderr);
    for bad in ["file:///etc/passwd", "login.salesforce.com", "https://"] {
        let out = run(
            &sb,
            &org.url,
            &["login", "--username", "u@x.example", "--login-url", bad],
        );
        out.assert_code(2);
        assert!(out.stderr.contains(bad), "names the URL: {}", out.stderr);
    }
}

/// Writes a 200 with no length, then `total` bytes of a JSON search answer, lazily.
fn stream_huge(w: &mut dyn Write, total: u64, sent: &AtomicU64) {
    let _ = w.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{\"searchRecords\":[",
    );
    let record = r#"{"attributes":{"type":"Contact"},"Id":"003X","Name":"Jane"},"#;
    let chunk = record.repeat(64 * 1024 / record.len());
    while sent.load(Ordering::SeqCst) < total {
        if w.write_all(chunk.as_bytes()).is_err() {
            return;
        }
        sent.fetch_add(chunk.len() as u64, Ordering::SeqCst);
    }
}

#[test]
fn a_300_mb_answer_is_cut_at_the_cap_without_reading_the_rest() {
    let sent = Arc::new(AtomicU64::new(0));
    let s = sent.clone();
    let org = Server::start(move |req, w, base| {
        if req.method == "POST" {
            respond(w, 200, &[], &token_ok(base));
        } else {
            stream_huge(w, 300 * 1024 * 1024, &s);
        }
    });
    let sb = Sandbox::new();
    let out = run(
        &sb,
        &org.url,
        &["lookup", "--email", "jane@example.com", "--json"],
    );
    out.assert_code(4);
    let msg = out.json()["error"]["message"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(msg.contains("larger than"), "{msg}");
    let n = sent.load(Ordering::SeqCst);
    assert!(
        n < 64 * 1024 * 1024,
        "{n} bytes were read of a 300 MB answer"
    );
}

#[test]
fn a_token_answer_past_64_kib_is_refused() {
    let sent = Arc::new(AtomicU64::new(0));
    let s = sent.clone();
    let org = Server::start(move |_, w, _| stream_huge(w, 300 * 1024 * 1024, &s));
    let sb = Sandbox::new();
    let out = run(&sb, &org.url, &["login", "--username", "u@x.example"]);
    out.assert_code(4);
    assert!(out.stderr.contains("larger than 64 KiB"), "{}", out.stderr);
    assert!(sent.load(Ordering::SeqCst) < 64 * 1024 * 1024);
}

#[test]
fn a_dripping_answer_meets_the_deadline_of_timeout() {
    let org = Server::start(|req, w, base| {
        if req.method == "POST" {
            respond(w, 200, &[], &token_ok(base));
            return;
        }
        let body = br#"{"searchRecords":[]}"#;
        let _ = write!(
            w,
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        for b in body {
            if w.write_all(&[*b]).and_then(|_| w.flush()).is_err() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(150));
        }
    });
    let sb = Sandbox::new();
    let out = run(
        &sb,
        &org.url,
        &[
            "lookup",
            "--email",
            "jane@example.com",
            "--timeout",
            "1",
            "--json",
        ],
    );
    out.assert_code(4);
    let msg = out.json()["error"]["message"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(msg.contains("in time"), "{msg}");
}

#[test]
fn a_json_503_on_the_token_post_is_retried_once_and_reported_as_what_it_is() {
    let org = Server::start(|_, w, _| {
        respond(
            w,
            503,
            &[],
            r#"[{"errorCode":"SERVER_UNAVAILABLE","message":"down for maintenance"}]"#,
        )
    });
    let sb = Sandbox::new();
    let out = run(
        &sb,
        &org.url,
        &["login", "--username", "u@x.example", "--json"],
    );
    out.assert_code(4);
    assert_eq!(posts_to_token(&org), 2, "retried once, no more");
    let err = out.json()["error"].clone();
    assert_eq!(err["kind"], "remote");
    assert!(
        err["message"]
            .as_str()
            .unwrap_or("")
            .contains("SERVER_UNAVAILABLE"),
        "{err}"
    );
}

#[test]
fn every_attempt_counts_as_an_api_call_and_retry_after_is_honoured() {
    let org = Server::start(|req, w, base| {
        if req.method == "POST" {
            respond(w, 200, &[], &token_ok(base));
        } else {
            respond(
                w,
                503,
                &[("Retry-After", "0")],
                r#"[{"errorCode":"SERVER_UNAVAILABLE","message":"busy"}]"#,
            );
        }
    });
    let sb = Sandbox::new();
    let f = sb.write_private("emails.txt", "jane@example.com\n");
    let out = run(
        &sb,
        &org.url,
        &[
            "lookup",
            "--media",
            "email",
            "--file",
            f.to_str().expect("utf8"),
            "--json",
        ],
    );
    out.assert_code(4);
    let d = out.json()["data"].clone();
    assert_eq!(d["summary"]["api_calls"], 4, "{d}");
    let gets = org.requests().iter().filter(|r| r.method == "GET").count();
    assert_eq!(gets, 4);
    assert_eq!(d["rows"][0]["error"]["code"], "SERVER_UNAVAILABLE");
    assert_eq!(d["rows"][0]["error"]["kind"], "remote");
}

/// Escape sequences, C1 controls, DEL, bidi overrides and (issue 18 item 23)
/// invisible characters in one string.
const EVIL: &str = "Evil\u{1b}[2J\u{1b}]0;pwned\u{7}\u{9b}31m\u{7f}\u{202e}Corp\u{2066}\u{85}\u{200b}\u{200c}\u{200d}\u{200e}\u{200f}\u{61c}\u{2028}\u{2029}\u{2060}\u{feff}";

/// The invisible characters of issue 18 item 23: zero-width, LRM/RLM/ALM, the
/// Unicode line and paragraph separators, the word joiner and the BOM.
const INVISIBLE: &str =
    "\u{200b}\u{200c}\u{200d}\u{200e}\u{200f}\u{61c}\u{2028}\u{2029}\u{2060}\u{feff}";

/// An org whose every field is hostile: ids, names, phones, e-mails, accounts,
/// companies, case fields, version labels.
fn evil_org() -> Server {
    Server::start(|req, w, base| {
        let e = EVIL;
        let json = |v: serde_json::Value| v.to_string();
        // An org without `/composite`: login falls back to one describe at a time.
        if req.method == "POST" && req.path.ends_with("/composite") {
            return respond(w, 404, &[], r#"[{"errorCode":"NOT_FOUND","message":"x"}]"#);
        }
        if req.method == "POST" {
            let body = json(serde_json::json!({
                "access_token": "00Devil!TOKEN",
                "instance_url": base,
                "id": format!("{base}/id/00D{e}/005{e}"),
                "issued_at": e,
            }));
            return respond(w, 200, &[], &body);
        }
        let q = req.q();
        let body = if req.path == "/services/data/" {
            json(serde_json::json!([
                {"version": "60.0", "label": e, "url": "/services/data/v60.0"},
                {"version": format!("61.0{e}"), "label": e, "url": "/x"}
            ]))
        } else if req.path.contains("/describe") {
            json(serde_json::json!({"fields": [
                {"name": "Phone"}, {"name": "MobilePhone"}, {"name": "Email"}, {"name": "CaseNumber"}
            ]}))
        } else if req.path.contains("/search/") {
            json(serde_json::json!({"searchRecords": [
                {"attributes": {"type": "Contact"}, "Id": format!("003{e}"), "Name": e,
                 "Phone": e, "MobilePhone": e, "Email": e, "AccountId": format!("001{e}"),
                 "Account": {"Name": e}},
                {"attributes": {"type": "Lead"}, "Id": format!("00Q{e}"), "Name": e,
                 "Company": e, "Phone": e, "Email": e}
            ]}))
        } else if q.contains("CaseNumber =") || q.contains("IsClosed = false") {
            json(
                serde_json::json!({"totalSize": 1, "done": true, "records": [
                    {"attributes": {"type": "Case"}, "Id": format!("500{e}"), "CaseNumber": e,
                     "Subject": e, "Status": e, "Priority": e, "CreatedDate": e, "IsClosed": false,
                     "ContactId": format!("003{e}"), "Contact": {"Name": e},
                     "AccountId": format!("001{e}"), "Account": {"Name": e}}
                ]}),
            )
        } else {
            "{}".to_string()
        };
        respond(w, 200, &[], &body)
    })
}

/// Whether any string in the document contains `needle`.
fn has_string(v: &serde_json::Value, needle: &str) -> bool {
    match v {
        serde_json::Value::String(s) => s.contains(needle),
        serde_json::Value::Array(a) => a.iter().any(|x| has_string(x, needle)),
        serde_json::Value::Object(o) => o.values().any(|x| has_string(x, needle)),
        _ => false,
    }
}

/// Nothing raw: no C0 but newline, no DEL or C1, no bidi override, no invisible
/// character, anywhere.
#[track_caller]
fn assert_no_raw_controls(what: &str, out: &Run) {
    for (stream, text) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        if let Some(c) = text.chars().find(|c| {
            (c.is_control() && *c != '\n')
                || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
                || INVISIBLE.contains(*c)
        }) {
            panic!("{what}: raw U+{:04X} on {stream}:\n{text}", c as u32);
        }
    }
}

#[test]
fn org_text_never_reaches_a_terminal_or_a_file_raw() {
    let org = evil_org();
    let sb = Sandbox::new();
    let f = sb.write_private("in.txt", &format!("jane@example.com\n{EVIL}@x.example\n"));
    let file = f.to_str().expect("utf8");
    let runs: Vec<(&str, Vec<&str>)> = vec![
        ("login", vec!["login", "-v"]),
        ("login --json", vec!["login", "--json"]),
        (
            "lookup",
            vec!["lookup", "-v", "--email", "jane@example.com"],
        ),
        (
            "lookup --json",
            vec!["lookup", "--json", "--email", "jane@example.com"],
        ),
        ("case", vec!["lookup", "-v", "--case", "00001026"]),
        (
            "case --json",
            vec!["lookup", "--json", "--case", "00001026"],
        ),
        (
            "jsonl",
            vec!["lookup", "-v", "--media", "email", "--file", file],
        ),
        (
            "csv",
            vec![
                "lookup", "--media", "email", "--file", file, "--output", "csv",
            ],
        ),
        (
            "bulk --json",
            vec!["lookup", "--json", "--media", "email", "--file", file],
        ),
    ];
    for (what, args) in runs {
        let out = run(&sb, &org.url, &args);
        assert_no_raw_controls(what, &out);
        // The text is there, escaped, not dropped.
        assert!(
            out.stdout.contains("Evil") || out.stderr.contains("Evil"),
            "{what}: {}",
            out.stdout
        );
        if what.ends_with("--json") {
            let doc = out.json();
            assert!(
                has_string(&doc, EVIL),
                "{what}: JSON keeps the value exactly"
            );
        }
        if what == "jsonl" {
            for line in out.stdout.lines() {
                let v: serde_json::Value = serde_json::from_str(line).expect("one JSON a line");
                assert!(v.is_object());
            }
        }
    }
}

/// Issue 18 item 22: `--output csv` never writes a cell a spreadsheet would run as a
/// formula, whether it comes from the file (`input`) or from the org (`pops_name`).
#[test]
fn csv_output_cells_never_start_a_formula() {
    const FORMULAS: [&str; 5] = [
        "=HYPERLINK(\"http://x.example\",\"y\")",
        "+1+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(1+1)",
        "\t=1+1",
    ];
    let org = Server::start(|req, w, base| {
        if req.method == "POST" && req.path.ends_with("/composite") {
            return respond(w, 404, &[], r#"[{"errorCode":"NOT_FOUND","message":"x"}]"#);
        }
        if req.method == "POST" {
            return respond(w, 200, &[], &token_ok(base));
        }
        let body = if req.path.contains("/describe") {
            serde_json::json!({"fields": [{"name": "Phone"}, {"name": "Email"}]})
        } else if req.path.contains("/search/") {
            let name = FORMULAS[req.path.len() % FORMULAS.len()];
            serde_json::json!({"searchRecords": [
                {"attributes": {"type": "Contact"}, "Id": "=003000000000001", "Name": name,
                 "Email": "-x@example.com"}
            ]})
        } else {
            serde_json::json!({"totalSize": 0, "done": true, "records": []})
        };
        respond(w, 200, &[], &body.to_string())
    });
    let sb = Sandbox::new();
    let f = sb.write_private(
        "in.csv",
        "who,mail\na,=1+1@x.example\nb,+jane@example.com\nc,-jane@example.com\nd,@jane@example.com\n",
    );
    let out = run(
        &sb,
        &org.url,
        &[
            "lookup",
            "--media",
            "email",
            "--file",
            f.to_str().expect("utf8"),
            "--column",
            "mail",
            "--output",
            "csv",
        ],
    );
    assert!(out.code <= 1, "{}{}", out.stdout, out.stderr);
    let mut reader = csv::ReaderBuilder::new().from_reader(out.stdout.as_bytes());
    let mut rows = 0;
    for record in reader.records() {
        let record = record.expect("valid CSV");
        rows += 1;
        for cell in &record {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "a formula cell: {cell:?} in {record:?}"
            );
        }
        assert!(
            record[1].starts_with('\''),
            "input kept, neutralised: {record:?}"
        );
    }
    assert_eq!(rows, 4, "{}", out.stdout);
    assert!(out.stdout.contains("\"'=1+1@x.example\""), "{}", out.stdout);
}

#[test]
fn refusals_and_api_errors_quoting_org_text_are_escaped() {
    let refusing = Server::start(|_, w, _| {
        let body = serde_json::json!({"error": "invalid_grant", "error_description": EVIL});
        respond(w, 400, &[], &body.to_string())
    });
    let failing = Server::start(|req, w, base| {
        if req.method == "POST" {
            respond(w, 200, &[], &token_ok(base));
        } else {
            let body =
                serde_json::json!([{"errorCode": format!("INVALID_FIELD{EVIL}"), "message": EVIL}]);
            respond(w, 400, &[], &body.to_string());
        }
    });
    let sb = Sandbox::new();
    for (server, args) in [
        (&refusing, &["login", "-v"][..]),
        (&refusing, &["login", "--json"]),
        (&failing, &["lookup", "-v", "--email", "jane@example.com"]),
        (
            &failing,
            &["lookup", "--json", "--email", "jane@example.com"],
        ),
    ] {
        let out = run(&sb, &server.url, args);
        assert_ne!(out.code, 0);
        assert_no_raw_controls(&format!("{args:?}"), &out);
        assert!(
            out.stdout.contains("Evil") || out.stderr.contains("Evil"),
            "{args:?}: {}{}",
            out.stdout,
            out.stderr
        );
    }
}

#[test]
fn a_retry_after_past_the_deadline_is_not_waited_for() {
    let org = Server::start(|req, w, base| {
        if req.method == "POST" {
            respond(w, 200, &[], &token_ok(base));
        } else {
            respond(
                w,
                503,
                &[("Retry-After", "3600")],
                r#"[{"errorCode":"SERVER_UNAVAILABLE","message":"maintenance"}]"#,
            );
        }
    });
    let sb = Sandbox::new();
    let out = run(
        &sb,
        &org.url,
        &[
            "lookup",
            "--email",
            "jane@example.com",
            "--timeout",
            "5",
            "--json",
        ],
    );
    out.assert_code(4);
    assert_eq!(out.json()["error"]["kind"], "remote");
    let gets = org.requests().iter().filter(|r| r.method == "GET").count();
    assert_eq!(gets, 1, "a wait past the deadline is not started");
}

#[test]
fn the_token_post_is_retried_once_after_a_dropped_connection() {
    let seen = Arc::new(AtomicU64::new(0));
    let s = seen.clone();
    let org = Server::start(move |req, w, base| {
        // An org without `/composite`: login falls back to one describe at a time.
        if req.method == "POST" && req.path.ends_with("/composite") {
            return respond(w, 404, &[], r#"[{"errorCode":"NOT_FOUND","message":"x"}]"#);
        }
        // The first connection is closed without an answer.
        if req.method == "POST" && s.fetch_add(1, Ordering::SeqCst) == 0 {
            return;
        }
        if req.method == "POST" {
            respond(w, 200, &[], &token_ok(base));
        } else if req.path == "/services/data/" {
            respond(
                w,
                200,
                &[],
                r#"[{"version":"60.0","label":"x","url":"/x"}]"#,
            );
        } else {
            // Every field the login check reads, on every object.
            let fields: Vec<serde_json::Value> = crmctl::screenpop::screen_pop_fields()
                .into_iter()
                .flat_map(|(_, f)| f)
                .map(|f| serde_json::json!({ "name": f }))
                .collect();
            respond(
                w,
                200,
                &[],
                &serde_json::json!({ "fields": fields }).to_string(),
            );
        }
    });
    let sb = Sandbox::new();
    let out = run(&sb, &org.url, &["login", "--username", "u@x.example"]);
    out.assert_code(0);
    assert_eq!(posts_to_token(&org), 2);
}

#[test]
fn a_probe_reads_the_status_not_the_body() {
    let sent = Arc::new(AtomicU64::new(0));
    let s = sent.clone();
    let org = Server::start(move |_, w, _| stream_huge(w, 300 * 1024 * 1024, &s));
    let host = org.url.trim_start_matches("http://").to_string();
    let sb = Sandbox::new();
    let yaml = format!(
        "uccs:\n  - name: helpdesk\n    settings:\n      - {{ setting: CrmServiceUrl, scope: WebAgentService, value: \"http://{host}/CrmServiceSalesforce\" }}\n"
    );
    let f = sb.write_private("estate.yaml", &yaml);
    let out = sb.run(
        &[
            "validate-settings",
            "--json",
            "--probe",
            f.to_str().expect("utf8"),
        ],
        &[],
        "",
    );
    let probes = out.json()["data"]["probes"].clone();
    assert_eq!(probes[0]["status"], 200, "{probes}");
    let n = sent.load(Ordering::SeqCst);
    assert!(n < 64 * 1024 * 1024, "{n} bytes of the body were read");
}

/// The warm-up request to the org's URL leaves while the token request is still
/// unanswered, carries no credential, and an https login never warms a plain-http
/// URL. The login server holds the token answer until the org has been contacted
/// (bounded: 10 s), so without the warm-up the test fails rather than hangs.
#[test]
fn the_org_connection_opens_during_the_token_request_and_carries_no_secret() {
    use std::sync::atomic::AtomicBool;
    let warmed = Arc::new(AtomicBool::new(false));
    let seen = warmed.clone();
    let org = Server::start(move |req, w, _| {
        if req.path == "/services/data/" {
            seen.store(true, Ordering::SeqCst);
            respond(
                w,
                200,
                &[],
                r#"[{"label":"Spring '24","url":"/services/data/v60.0","version":"60.0"}]"#,
            );
        } else {
            respond(w, 200, &[], r#"{"searchRecords":[]}"#);
        }
    });
    let org_url = org.url.clone();
    let waited = Arc::new(AtomicBool::new(false));
    let (flag, answered_after_warm) = (warmed.clone(), waited.clone());
    let login = Server::start(move |_, w, _| {
        let warmed = wait_for(&flag, std::time::Duration::from_secs(10));
        answered_after_warm.store(warmed, Ordering::SeqCst);
        respond(w, 200, &[], &token_ok(&org_url));
    });
    let sb = Sandbox::new();
    let out = lookup_with_hint(&sb, &login.url, &org.url);
    out.assert_code(1);
    assert!(
        waited.load(Ordering::SeqCst),
        "the org was not contacted before the token answer"
    );
    let warm = org
        .requests()
        .into_iter()
        .find(|r| r.path == "/services/data/")
        .expect("the warm-up request");
    assert_eq!(warm.method, "GET");
    assert!(warm.header("authorization").is_none(), "{warm:?}");
    assert!(warm.body.is_empty(), "{warm:?}");

    // An https login with a plain-http hint: the hint is not used.
    let plain = Server::start(|_, w, _| respond(w, 200, &[], "[]"));
    let (config, ca_pem) = tls_config();
    let tls = Server::start_tls(config, |_, w, _| {
        respond(
            w,
            400,
            &[],
            r#"{"error":"invalid_grant","error_description":"authentication failure"}"#,
        )
    });
    let ca = sb.write_private("ca.pem", &ca_pem);
    let out = run(
        &sb,
        &tls.url,
        &[
            "lookup",
            "--ca-cert",
            ca.to_str().expect("utf8"),
            "--instance-url",
            &plain.url,
            "--email",
            "jane@example.com",
        ],
    );
    out.assert_code(1);
    assert_eq!(
        plain.connections.load(Ordering::SeqCst),
        0,
        "an https login warmed plain http"
    );
}

/// A URL with `user:password@` is refused, as a flag (exit 2) or skipped as a hint
/// from the environment: nothing reaches that host and no output quotes the password.
#[test]
fn urls_with_credentials_are_refused_and_never_quoted() {
    let thief = Server::start(|_, w, _| respond(w, 200, &[], "[]"));
    let with_password = thief.url.replace("http://", "http://user:s3cret@");
    let org = Server::start(move |req, w, base| {
        if req.method == "POST" {
            respond(w, 200, &[], &token_ok(base));
        } else {
            respond(w, 200, &[], r#"{"searchRecords":[]}"#);
        }
    });
    let sb = Sandbox::new();
    let flag = run(
        &sb,
        &org.url,
        &[
            "lookup",
            "--instance-url",
            &with_password,
            "--email",
            "jane@example.com",
        ],
    );
    flag.assert_code(2);
    let login = run(
        &sb,
        &with_password,
        &["login", "--login-url", &with_password, "--json"],
    );
    login.assert_code(2);
    let mut e = env(&org.url);
    e.push(("CRMCTL_INSTANCE_URL", with_password.clone()));
    let pairs: Vec<(&str, &str)> = e.iter().map(|(k, v)| (*k, v.as_str())).collect();
    // The variable gets the flag's verdict (refused), as configuration: exit 3.
    let hinted = sb.run(&["lookup", "-v", "--email", "jane@example.com"], &pairs, "");
    hinted.assert_code(3);
    assert!(
        hinted.stderr.contains("CRMCTL_INSTANCE_URL is not usable"),
        "{}",
        hinted.stderr
    );
    for out in [&flag, &login, &hinted] {
        let all = format!("{}{}", out.stdout, out.stderr);
        assert!(!all.contains("s3cret"), "{all}");
    }
    assert_eq!(thief.connections.load(Ordering::SeqCst), 0);
}

/// A versions list that never answers in time does not hold the lookup: the search
/// goes out on its own connection while the warm-up is still waiting. The org holds
/// the versions answer until the search has arrived (bounded: 10 s).
#[test]
fn a_slow_versions_list_does_not_hold_the_lookup() {
    use std::sync::atomic::AtomicBool;
    let searched = Arc::new(AtomicBool::new(false));
    let released_by_search = Arc::new(AtomicBool::new(false));
    let (seen, released) = (searched.clone(), released_by_search.clone());
    let org = Server::start(move |req, w, _| {
        if req.path == "/services/data/" {
            let searched_first = wait_for(&seen, std::time::Duration::from_secs(10));
            released.store(searched_first, Ordering::SeqCst);
            respond(w, 200, &[], "[]");
        } else {
            seen.store(true, Ordering::SeqCst);
            respond(w, 200, &[], r#"{"searchRecords":[]}"#);
        }
    });
    let org_url = org.url.clone();
    let login = Server::start(move |_, w, _| respond(w, 200, &[], &token_ok(&org_url)));
    let sb = Sandbox::new();
    let out = lookup_with_hint(&sb, &login.url, &org.url);
    out.assert_code(1);
    // The versions handler may still be finishing; give it its bounded time.
    assert!(
        wait_for(&released_by_search, std::time::Duration::from_secs(11)),
        "the search waited for the versions list"
    );
}

/// Waits (polling, bounded by `limit`) until `flag` is set; whether it was.
fn wait_for(flag: &std::sync::atomic::AtomicBool, limit: std::time::Duration) -> bool {
    let start = std::time::Instant::now();
    while !flag.load(Ordering::SeqCst) && start.elapsed() < limit {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    flag.load(Ordering::SeqCst)
}

/// An e-mail lookup logging in at `login` with `org` as the `--instance-url` hint.
fn lookup_with_hint(sb: &Sandbox, login: &str, org: &str) -> Run {
    run(
        sb,
        login,
        &[
            "lookup",
            "--instance-url",
            org,
            "--email",
            "jane@example.com",
        ],
    )
}

/// Issue 18 item 24: a single lookup that matches 2,000 records (Salesforce's search
/// maximum) put every Id into one GET URL of 60,319 characters, past the 16,384 bytes
/// Salesforce takes for URI plus headers. The Ids are now chunked; every request this
/// org receives is measured, and the open cases of all the chunks come back merged
/// newest first.
#[test]
fn two_thousand_matches_never_make_a_request_longer_than_salesforce_takes() {
    let org = Server::start(|req, w, base| {
        if req.method == "POST" {
            return respond(w, 200, &[], &token_ok(base));
        }
        let body = if req.path.contains("/search/") {
            let records: Vec<serde_json::Value> = (0..2000)
                .map(|i| {
                    if i < 1500 {
                        serde_json::json!({"attributes": {"type": "Contact"},
                            "Id": format!("003{i:015}"), "Name": format!("Contact {i}"),
                            "Phone": "+31 20 123 4567"})
                    } else {
                        serde_json::json!({"attributes": {"type": "Account"},
                            "Id": format!("001{i:015}"), "Name": format!("Account {i}"),
                            "Phone": "+31 20 123 4567"})
                    }
                })
                .collect();
            serde_json::json!({ "searchRecords": records })
        } else {
            // One open case per query, dated by the query's first Id: the chunk of the
            // last Ids holds the newest.
            let q = req.q();
            let first = q.split('\'').nth(1).unwrap_or("").to_string();
            let n: u32 = first[3..].parse().unwrap_or(0);
            serde_json::json!({"totalSize": 1, "done": true, "records": [
                {"attributes": {"type": "Case"}, "Id": format!("500{n:015}"),
                 "CaseNumber": format!("{n:08}"), "Subject": "s", "Status": "New",
                 "Priority": "High", "IsClosed": false,
                 "CreatedDate": format!("2026-01-01T00:{:02}:00.000+0000", n / 40),
                 "ContactId": first}
            ]})
        };
        respond(w, 200, &[], &body.to_string())
    });
    let sb = Sandbox::new();
    let out = run(&sb, &org.url, &["lookup", "--json", "+31 20 123 4567"]);
    out.assert_code(0);
    let doc = out.json();
    assert_eq!(doc["data"]["matches"].as_array().map(Vec::len), Some(2000));
    let requests = org.requests();
    let size = |r: &crate::hostile_server::Req| {
        format!("{} {} HTTP/1.1\r\n", r.method, r.path).len()
            + r.headers
                .iter()
                .map(|(k, v)| k.len() + 2 + v.len() + 2)
                .sum::<usize>()
            + 2
    };
    let cases: Vec<_> = requests
        .iter()
        .filter(|r| r.q().contains("FROM Case"))
        .collect();
    assert!(cases.len() >= 4, "{} case queries", cases.len());
    let largest = requests.iter().map(size).max().unwrap_or(0);
    let longest_uri = requests.iter().map(|r| r.path.len()).max().unwrap_or(0);
    eprintln!(
        "2,000 matches: {} case queries, longest URI {longest_uri} bytes, largest URI + headers {largest} bytes",
        cases.len()
    );
    assert!(largest <= 16_384, "a request of {largest} bytes");
    // Every matched Id was asked about exactly once.
    let mut asked: Vec<String> = cases
        .iter()
        .flat_map(|r| {
            r.q()
                .split('\'')
                .skip(1)
                .step_by(2)
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    asked.sort();
    asked.dedup();
    assert_eq!(asked.len(), 2000);
    // Merged newest first.
    let dates: Vec<&str> = doc["data"]["open_cases"]
        .as_array()
        .expect("open cases")
        .iter()
        .map(|c| c["created"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(dates.len(), cases.len());
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");
}

/// A loopback port nobody listens on (bound, then released).
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

fn run_with(sb: &Sandbox, login: &str, extra: &[(&str, String)], args: &[&str]) -> Run {
    let mut e = env(login);
    e.extend(extra.iter().cloned());
    let pairs: Vec<(&str, &str)> = e.iter().map(|(k, v)| (*k, v.as_str())).collect();
    sb.run(args, &pairs, "")
}

/// Issue 18 item 3: with a corporate proxy in HTTP_PROXY and ALL_PROXY (upper or lower
/// case), the emulator on loopback is still reached directly.
#[test]
fn proxy_variables_never_capture_loopback() {
    let emu = emulator::Background::start(emulator::Config::default()).expect("emulator");
    let dead = format!("http://127.0.0.1:{}", closed_port());
    let sb = Sandbox::new();
    for vars in [
        vec![("HTTP_PROXY", dead.clone()), ("ALL_PROXY", dead.clone())],
        vec![("http_proxy", dead.clone()), ("all_proxy", dead.clone())],
        vec![("HTTPS_PROXY", dead.clone()), ("HTTP_PROXY", dead.clone())],
    ] {
        let out = run_with(&sb, &emu.base_url, &vars, &["login", "--json"]);
        out.assert_code(0);
    }
}

/// Issue 18 item 3: a host that is not loopback goes through the proxy of its
/// variable, and when that proxy cannot be reached the error names the proxy and the
/// variable (exit 4), not the org.
#[test]
fn requests_go_through_the_proxy_and_its_failures_name_it() {
    // A plain-http forward proxy: it receives the absolute URL and answers as the org.
    let proxy = Server::start(|req, w, _| {
        if req.method == "POST" {
            respond(w, 200, &[], &token_ok("http://org.example"))
        } else {
            respond(
                w,
                200,
                &[],
                r#"[{"version":"60.0","label":"Spring '24","url":"/services/data/v60.0"}]"#,
            )
        }
    });
    let sb = Sandbox::new();
    let out = run_with(
        &sb,
        "http://org.example",
        &[("http_proxy", proxy.url.clone())],
        // Plain http to another machine needs the user's say-so (tests/it/trust.rs).
        &["login", "--json", "--allow-untrusted-login"],
    );
    let first = proxy.requests().first().map(|r| r.path.clone());
    assert_eq!(
        first.as_deref(),
        Some("http://org.example/services/oauth2/token"),
        "{}{}",
        out.stdout,
        out.stderr
    );
    let port = closed_port();
    for (var, login) in [
        ("HTTPS_PROXY", "https://login.salesforce.com"),
        ("https_proxy", "https://login.salesforce.com"),
        ("ALL_PROXY", "https://login.salesforce.com"),
        ("HTTP_PROXY", "http://org.example"),
    ] {
        let value = format!("http://user:pr0xy-s3cret@127.0.0.1:{port}");
        for json in [false, true] {
            let mut args = vec!["login", "--allow-untrusted-login"];
            if json {
                args.push("--json");
            }
            let out = run_with(&sb, login, &[(var, value.clone())], &args);
            out.assert_code(4);
            let text = if json {
                out.json()["error"].to_string()
            } else {
                out.stderr.clone()
            };
            assert!(
                text.contains(&format!(
                    "through the proxy http://127.0.0.1:{port} (set by {var})"
                )),
                "{var}: {text}"
            );
            assert!(
                !text.contains("pr0xy-s3cret") && !out.stdout.contains("pr0xy-s3cret"),
                "{text}"
            );
        }
    }
    // A proxy that wants credentials (407) is named too.
    let picky = Server::start(|_, w, _| {
        respond(
            w,
            407,
            &[("Proxy-Authenticate", "Basic realm=\"corp\"")],
            "",
        )
    });
    let out = run_with(
        &sb,
        "http://org.example",
        &[("HTTP_PROXY", picky.url.clone())],
        &["login", "--allow-untrusted-login"],
    );
    out.assert_code(4);
    assert!(
        out.stderr.contains(&format!(
            "through the proxy {} (set by HTTP_PROXY)",
            picky.url
        )) && out.stderr.contains("407"),
        "{}",
        out.stderr
    );
    // `-v` says which proxy a request goes through, never its credentials.
    let out = run_with(
        &sb,
        "https://login.salesforce.com",
        &[(
            "HTTPS_PROXY",
            format!("http://user:pr0xy-s3cret@127.0.0.1:{port}"),
        )],
        &["login", "-v"],
    );
    assert!(
        out.stderr.contains(&format!(
            "(via the proxy http://127.0.0.1:{port} from HTTPS_PROXY)"
        )),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("pr0xy-s3cret"), "{}", out.stderr);
    // A value that is no proxy URL is local configuration (3), named.
    let out = run_with(
        &sb,
        "https://login.salesforce.com",
        &[("HTTPS_PROXY", "http://".into())],
        &["login"],
    );
    out.assert_code(3);
    assert!(
        out.stderr.contains("HTTPS_PROXY is not a proxy URL"),
        "{}",
        out.stderr
    );
}
