//! `crmctl lookup` against the emulated org: the screen pop for numbers typed many
//! ways, e-mail and case lookups, round trips, faults and untrusted text.

use emulator::{Background, Config, FaultKind, Faults, ScriptedFault};

use crate::support::{Run, Sandbox};

fn lookup(sb: &Sandbox, emu: &Background, args: &[&str]) -> Run {
    let e = crate::support::demo_env(&emu.base_url);
    let pairs: Vec<(&str, &str)> = e.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut a = vec!["lookup"];
    a.extend_from_slice(args);
    sb.run(&a, &pairs, "")
}

fn lookup_env(sb: &Sandbox, emu: &Background, env: &[(&str, &str)], args: &[&str]) -> Run {
    let e = crate::support::demo_env(&emu.base_url);
    let mut pairs: Vec<(&str, &str)> = e.iter().map(|(k, v)| (*k, v.as_str())).collect();
    pairs.extend_from_slice(env);
    let mut a = vec!["lookup"];
    a.extend_from_slice(args);
    sb.run(&a, &pairs, "")
}

fn names(run: &Run) -> Vec<String> {
    run.json()["data"]["matches"]
        .as_array()
        .expect("matches")
        .iter()
        .map(|m| {
            format!(
                "{}:{}",
                m["object"].as_str().unwrap_or(""),
                m["name"].as_str().unwrap_or("")
            )
        })
        .collect()
}

#[test]
fn one_number_typed_many_ways_finds_the_same_people() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    for (input, region) in [
        ("+1 415 555 1212", None),
        ("(415) 555-1212", Some("US")),
        ("4155551212", Some("us")),
        ("+14155551212", None),
    ] {
        let mut args = vec!["--json", input];
        if let Some(r) = region {
            args.extend(["--region", r]);
        }
        let out = lookup(&sb, &emu, &args);
        out.assert_code(0);
        assert_eq!(
            names(&out),
            ["Contact:Jane Doe", "Lead:John Smith"],
            "{input}"
        );
        let d = out.json()["data"].clone();
        assert_eq!(d["outcome"], "several");
        assert_eq!(d["pops"]["name"], "Jane Doe");
        let cases: Vec<&str> = d["pops_open_cases"]
            .as_array()
            .expect("cases")
            .iter()
            .filter_map(|c| c["number"].as_str())
            .collect();
        assert_eq!(
            cases,
            ["00001027", "00001026"],
            "open cases, newest first; the closed one is left out"
        );
    }
    for (input, region) in [
        ("+31 20 123 4567", None),
        ("020-1234567", Some("NL")),
        ("0031201234567", None),
    ] {
        let mut args = vec!["--json", input];
        if let Some(r) = region {
            args.extend(["--region", r]);
        }
        let out = lookup(&sb, &emu, &args);
        assert_eq!(
            names(&out),
            ["Account:Amsterdam Trading B.V.", "Contact:Pieter de Vries"],
            "{input}"
        );
    }
    let out = lookup(&sb, &emu, &["--json", "+44 20 7946 0958"]);
    assert_eq!(
        names(&out),
        [
            "Account:Globex Corporation",
            "Contact:Oliver Bennett",
            "Contact:Amelia Clarke"
        ]
    );
    let out = lookup(&sb, &emu, &["--json", "0049 30 1234567"]);
    assert_eq!(names(&out), ["Account:Berliner Werkzeug GmbH"]);
    assert_eq!(out.json()["data"]["outcome"], "matched");
}

#[test]
fn no_match_pops_a_blank_record_with_exit_1() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let out = lookup(&sb, &emu, &["+1 999 999 9999"]);
    out.assert_code(1);
    // The text: org_transcripts::lookup_a_number_nobody_has.
    let out = lookup(&sb, &emu, &["--json", "+1 999 999 9999"]);
    out.assert_code(1);
    let d = out.json()["data"].clone();
    assert_eq!(
        (
            d["outcome"].as_str(),
            d["blank_record"].as_bool(),
            d["pops"].is_null()
        ),
        (Some("none"), Some(true), true)
    );
}

#[test]
fn email_and_case_lookups_and_media_mapping() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let out = lookup(&sb, &emu, &["--json", "--email", "maria.garcia@EXAMPLE.fr"]);
    assert_eq!(names(&out), ["Lead:Maria Garcia", "Lead:Maria Garcia"]);
    let out = lookup(
        &sb,
        &emu,
        &["--json", "--media", "email", "noor+vip@example.be"],
    );
    assert_eq!(names(&out), ["Contact:Noor Independent"]);
    for args in [
        &["--json", "--case", "00001028"][..],
        &["--json", "--media", "chat", "00001028"][..],
    ] {
        let out = lookup(&sb, &emu, args);
        out.assert_code(0);
        let pop = out.json()["data"]["pops"].clone();
        assert_eq!(pop["object"], "Case");
        assert_eq!(pop["case"]["contact_name"], "Pieter de Vries");
        assert_eq!(pop["account_or_company"], "Amsterdam Trading B.V.");
    }
    lookup(&sb, &emu, &["--case", "99999999"]).assert_code(1);
}

#[test]
fn a_cold_lookup_is_three_exchanges_on_one_connection() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let out = lookup(&sb, &emu, &["--timings", "+1 415 555 1212"]);
    out.assert_code(0);
    let stats = emu.stats();
    assert_eq!(stats.total, 3, "{stats:?}");
    assert_eq!(stats.routes.get("token"), Some(&1));
    assert_eq!(stats.routes.get("search"), Some(&1));
    assert_eq!(stats.routes.get("query"), Some(&1));
    assert_eq!(stats.connections, 1, "{stats:?}");
    let timings: String = out
        .stdout
        .lines()
        .skip_while(|l| *l != "timings:")
        .map(|l| format!("{l}\n"))
        .collect();
    crate::snap::assert(
        &sb,
        &[],
        timings,
        snapbox::str![[r#"
timings:
  token[..] ms
  search[..] ms
  cases[..] ms

"#]],
    );
}

#[test]
fn local_refusals_happen_before_any_request() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let no_digits = lookup(&sb, &emu, &["call me back"]);
    lookup(&sb, &emu, &["--email", "x"]).assert_code(2);
    lookup(&sb, &emu, &["--email", " "]).assert_code(2);
    let not_email = lookup(&sb, &emu, &["--email", "not-an-email"]);
    // A bad --region is usage (2), a bad CRMCTL_REGION configuration (3); both name the culprit.
    let bad_flag = lookup(&sb, &emu, &["+1 415", "--region", "ZZ"]);
    let bad_env = lookup_env(
        &sb,
        &emu,
        &[("CRMCTL_REGION", "Holland")],
        &["020 123 4567"],
    );
    crate::snap::assert(
        &sb,
        &[],
        crate::snap::runs(&[
            (&["lookup", "call me back"], &no_digits),
            (&["lookup", "--email", "not-an-email"], &not_email),
            (&["lookup", "+1 415", "--region", "ZZ"], &bad_flag),
            (
                &["CRMCTL_REGION=Holland", "lookup", "020 123 4567"],
                &bad_env,
            ),
        ]),
        snapbox::file!["../fixtures/transcripts/lookup-refusals.txt"],
    );
    let out = lookup_env(
        &sb,
        &emu,
        &[("CRMCTL_REGION", "Holland")],
        &["--json", "020 123 4567"],
    );
    out.assert_code(3);
    assert_eq!(out.json()["error"]["kind"], "input");
    assert_eq!(emu.stats().total, 0, "nothing was sent");
    // A region is only read for numbers: a bad CRMCTL_REGION does not stop an e-mail lookup.
    lookup_env(
        &sb,
        &emu,
        &[("CRMCTL_REGION", "Holland")],
        &["--email", "jane.doe@example.com"],
    )
    .assert_code(0);
    // An e-mail's "from" as mail platforms hand it over finds the same contact.
    for from in [
        "Jane Doe <jane.doe@example.com>",
        "mailto:jane.doe@example.com?subject=Hi",
    ] {
        let out = lookup(&sb, &emu, &["--json", "--email", from]);
        out.assert_code(0);
        assert_eq!(
            out.json()["data"]["query"]["value"],
            "jane.doe@example.com",
            "{}",
            out.stdout
        );
    }
}

#[test]
fn retries_ride_out_a_503_burst_and_a_dropped_connection() {
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
            fault: FaultKind::Drop,
        },
    ];
    let emu = Background::start(Config {
        faults: Faults {
            script,
            ..Faults::default()
        },
        ..Config::default()
    })
    .expect("emulator");
    let sb = Sandbox::new();
    let out = lookup(&sb, &emu, &["--json", "+1 415 555 1212"]);
    out.assert_code(0);
    let timings = out.json()["data"]["timings"].clone();
    assert_eq!(timings[1]["step"], "search");
    assert_eq!(timings[1]["attempts"], 4, "three retries: {timings}");
    // A fourth failure in a row is one too many.
    let script = (2..=5)
        .map(|at| ScriptedFault {
            at,
            fault: FaultKind::Status503,
        })
        .collect();
    let emu = Background::start(Config {
        faults: Faults {
            script,
            ..Faults::default()
        },
        ..Config::default()
    })
    .expect("emulator");
    let out = lookup(&sb, &emu, &["+1 415 555 1212"]);
    out.assert_code(4);
    assert!(out.stderr.contains("SERVER_UNAVAILABLE"), "{}", out.stderr);
}

#[test]
fn flags_that_would_be_ignored_are_usage_errors_and_a_csv_without_column_gets_a_hint() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let f = sb.write_private("calls.csv", "Caller,ANI\nJane,+1 415 555 1212\n");
    let file = f.to_str().expect("utf8");
    let mut transcript = Vec::new();
    let mut record = |args: &[&str], out: &Run| {
        let mut shown = vec!["lookup"];
        shown.extend_from_slice(args);
        transcript.push(crate::snap::render(Some(&shown), out));
    };
    for args in [
        &["+14155551212", "--column", "ANI"][..],
        &["+14155551212", "--output", "csv"],
        &[
            "--json", "--file", file, "--column", "ANI", "--output", "csv",
        ],
    ] {
        let out = lookup(&sb, &emu, args);
        out.assert_code(2);
        record(args, &out);
    }
    let out = lookup(&sb, &emu, &["--file", file]);
    record(&["--file", file], &out);
    // A --ca-cert that holds no certificate is refused before anything is sent.
    let not_pem = sb.write_private("ca.pem", "just some text\n");
    let args = ["+14155551212", "--ca-cert", not_pem.to_str().expect("utf8")];
    let out = lookup(&sb, &emu, &args);
    out.assert_code(3);
    record(&args, &out);
    crate::snap::assert(
        &sb,
        &[],
        transcript.join("\n"),
        snapbox::file!["../fixtures/transcripts/lookup-flag-refusals.txt"],
    );
    assert_eq!(
        emu.stats().routes.get("token"),
        Some(&1),
        "only the --file run logged in"
    );
}

/// A withheld caller with --log: no search, but the call log is still made (an independent task).
#[test]
fn a_withheld_caller_is_still_logged_with_log() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let out = lookup(&sb, &emu, &["--json", "anonymous", "--log", "--dry-run"]);
    out.assert_code(1);
    let d = out.json()["data"].clone();
    assert_eq!(d["outcome"], "withheld");
    assert_eq!(d["logged"]["who_id"], serde_json::Value::Null);
    assert_eq!(d["logged"]["what_id"], serde_json::Value::Null);
    let stats = emu.stats();
    assert_eq!(stats.routes.get("token"), Some(&1), "{stats:?}");
    assert_eq!(stats.routes.get("search"), None, "no search: {stats:?}");
}

/// With the org's URL known before the token answers (`--instance-url`, a settings
/// file's ApplicationHost) and the login on another host, the org's connection is
/// opened during the token request and the search and cases queries use it: two
/// connections in all, and the versions list (no session) is what opened it.
#[test]
fn a_known_org_url_is_connected_while_the_token_is_in_flight_and_reused() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    // The token answer waits for the warm-up (crate::gate): the order is the test's,
    // not the scheduler's.
    let args = [
        "lookup",
        "--login-url",
        "{login}",
        "--instance-url",
        emu.base_url.as_str(),
        "+1 415 555 1212",
    ];
    let env = crate::support::demo_env(&emu.base_url);
    crate::gate::run_warmed(&sb, &emu.login_url, &args, &env).assert_code(0);
    let stats = emu.stats();
    assert_eq!(stats.routes.get("versions"), Some(&1), "{stats:?}");
    assert_eq!(stats.connections, 2, "one per host: {stats:?}");
    assert_eq!(
        stats.api_calls, 2,
        "the versions list is not an API call: {stats:?}"
    );

    // Without a hint: no versions request.
    let emu = Background::start(Config::default()).expect("emulator");
    let mut args = vec!["--login-url", emu.login_url.as_str()];
    args.push("+1 415 555 1212");
    lookup(&sb, &emu, &args).assert_code(0);
    assert_eq!(emu.stats().routes.get("versions"), None);

    // A hint naming the login host opens nothing more.
    let emu = Background::start(Config::default()).expect("emulator");
    let args = ["--instance-url", emu.base_url.as_str(), "+1 415 555 1212"];
    lookup(&sb, &emu, &args).assert_code(0);
    let stats = emu.stats();
    assert_eq!((stats.connections, stats.total), (1, 3), "{stats:?}");

    // A malformed hint is a usage error, before anything is sent.
    let out = lookup(
        &sb,
        &emu,
        &["--instance-url", "eu6 salesforce", "+1 415 555 1212"],
    );
    out.assert_code(2);
    crate::snap::assert(
        &sb,
        &[],
        out.stderr,
        snapbox::str![[r#"
error: --instance-url is not usable: refused to send to eu6 salesforce: not a valid absolute URL
hint: give the org's URL, e.g. https://<MyDomain>.my.salesforce.com

"#]],
    );
    assert_eq!(emu.stats().total, 3);
}
