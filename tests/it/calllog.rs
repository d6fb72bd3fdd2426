//! `crmctl lookup --log` against the emulated org: every association rule of the
//! auto log, each Task read back through the emulator's retrieve; `--dry-run`
//! creates nothing; `--log` is refused with `--file`; the org's refusal is advice.

use emulator::default_org::*;
use emulator::{Background, Config};
use secrecy::SecretString;
use serde_json::Value;

use crate::support::{Run, Sandbox, demo_env};

fn lookup(emu: &Background, args: &[&str]) -> Run {
    let sb = Sandbox::new();
    let env = demo_env(&emu.login_url);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut all = vec!["--json", "lookup"];
    all.extend_from_slice(args);
    sb.run(&all, &env, "")
}

/// A session of the demo user through crmctl's own client, to read the org back.
fn session(emu: &Background) -> (crmctl::salesforce::Client, crmctl::salesforce::Session) {
    let client = crmctl::salesforce::Client::new(
        &crmctl::salesforce::HttpSettings::default(),
        std::sync::Arc::new(|_: &str| {}),
    )
    .expect("client");
    let creds = crmctl::salesforce::Credentials {
        token_url: emu.token_url(),
        flow: crmctl::salesforce::Flow::Password,
        username: DEMO_USERNAME.into(),
        password: SecretString::from(DEMO_PASSWORD),
        security_token: SecretString::from(DEMO_SECURITY_TOKEN),
        token_in_password: false,
        client_id: SecretString::from(DEMO_CLIENT_ID),
        client_secret: SecretString::from(DEMO_CLIENT_SECRET),
        jwt_key: None,
    };
    let session = client.login(&creds).expect("login");
    (client, session)
}

fn read_task(emu: &Background, id: &str) -> Value {
    let (client, session) = session(emu);
    client
        .retrieve(&session, "60.0", "Task", id)
        .expect("the Task reads back")
        .0
}

fn task_count(emu: &Background) -> usize {
    let (client, session) = session(emu);
    let (v, _) = client
        .query(&session, "60.0", "SELECT Id FROM Task")
        .expect("query");
    v.len()
}

/// Runs `lookup ... --log`, checks `data.logged` against the Task read back, and
/// returns (data, task).
#[track_caller]
fn logged(emu: &Background, args: &[&str], code: i32) -> (Value, Value) {
    let mut all = args.to_vec();
    all.push("--log");
    let out = lookup(emu, &all);
    out.assert_code(code);
    let data = out.json()["data"].clone();
    let l = &data["logged"];
    let id = l["id"].as_str().expect("the new Task's id");
    assert!(id.starts_with("00T"), "{l}");
    let task = read_task(emu, id);
    assert_eq!(task["Subject"], l["subject"]);
    assert_eq!(task["TaskSubtype"], l["task_subtype"]);
    assert_eq!(task["WhoId"], l["who_id"], "{task}");
    assert_eq!(task["WhatId"], l["what_id"], "{task}");
    assert_eq!(task["Status"], "Completed");
    assert_eq!(task["ActivityDate"], today(), "{task}");
    (data, task)
}

fn today() -> String {
    jiff::Zoned::now().date().to_string()
}

#[test]
fn inbound_call_from_a_contact_with_an_account_goes_to_both() {
    let emu = Background::start(Config::default()).expect("emulator");
    let (data, task) = logged(
        &emu,
        &[
            "+1 415 555 1212",
            "--duration",
            "42",
            "--interaction-id",
            "int-0001",
            "--disposition",
            "Resolved",
            "--comment",
            "asked about the invoice",
        ],
        0,
    );
    assert_eq!(data["pops"]["object"], "Contact");
    assert_eq!(task["WhoId"], data["pops"]["id"]);
    assert_eq!(task["WhatId"], data["pops"]["account_id"]);
    assert_eq!(data["logged"]["association"], "contact-with-account");
    assert_eq!(task["Subject"], "Inbound call from +1 415 555 1212");
    assert_eq!(task["TaskSubtype"], "Call");
    assert_eq!(task["Type"], "Call");
    assert_eq!(task["CallType"], "Inbound");
    assert_eq!(task["CallDurationInSeconds"], 42);
    assert_eq!(task["CallObject"], "int-0001");
    assert_eq!(task["CallDisposition"], "Resolved");
    assert_eq!(task["Description"], "asked about the invoice");
}

#[test]
fn the_text_output_prints_the_new_task_id() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let env = demo_env(&emu.login_url);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let out = sb.run(&["lookup", "+1 415 555 1212", "--log"], &env, "");
    out.assert_code(0);
    let line = out
        .stdout
        .lines()
        .find(|l| l.starts_with("logged: Task 00T"))
        .unwrap_or_else(|| panic!("no logged line:\n{}", out.stdout));
    assert!(
        line.contains("\"Inbound call from +1 415 555 1212\"") && line.contains("WhoId 003"),
        "{line}"
    );
}

#[test]
fn a_contact_without_an_account_gets_a_stand_alone_task() {
    let emu = Background::start(Config::default()).expect("emulator");
    let (data, task) = logged(&emu, &["--email", "noor+vip@example.be"], 0);
    assert_eq!(data["pops"]["object"], "Contact");
    assert_eq!(data["logged"]["association"], "contact-without-account");
    assert_eq!(task["WhoId"], Value::Null);
    assert_eq!(task["WhatId"], Value::Null);
    assert_eq!(task["Subject"], "E-mail from noor+vip@example.be");
    assert_eq!(task["TaskSubtype"], "Email");
    assert_eq!(task["Type"], Value::Null, "Type is Call for calls only");
}

#[test]
fn a_lead_goes_in_who_id() {
    let emu = Background::start(Config::default()).expect("emulator");
    let (data, task) = logged(&emu, &["--email", "john@smith-consulting.example.com"], 0);
    assert_eq!(data["pops"]["object"], "Lead");
    assert_eq!(task["WhoId"], data["pops"]["id"]);
    assert_eq!(task["WhatId"], Value::Null);
}

#[test]
fn an_account_goes_in_what_id() {
    let emu = Background::start(Config::default()).expect("emulator");
    let (data, task) = logged(&emu, &["+32 2 555 12 34"], 0);
    assert_eq!(data["pops"]["object"], "Account");
    assert_eq!(task["WhatId"], data["pops"]["id"]);
    assert_eq!(task["WhoId"], Value::Null);
    assert_eq!(data["logged"]["association"], "account");
}

#[test]
fn a_case_goes_in_what_id_with_its_contact_in_who_id() {
    let emu = Background::start(Config::default()).expect("emulator");
    let (data, task) = logged(&emu, &["--case", "00001026"], 0);
    assert_eq!(data["pops"]["object"], "Case");
    assert_eq!(task["WhatId"], data["pops"]["id"]);
    assert_eq!(task["WhoId"], data["pops"]["case"]["contact_id"]);
    assert!(task["WhoId"].as_str().is_some_and(|w| w.starts_with("003")));
    assert_eq!(task["Subject"], "Chat about case 00001026");
    assert_eq!(task["TaskSubtype"], "Task");
    assert_eq!(task["CallType"], Value::Null, "a chat is not a call");
    // A case without a contact: WhatId alone.
    let (data, task) = logged(&emu, &["--case", "00001029"], 0);
    assert_eq!(task["WhatId"], data["pops"]["id"]);
    assert_eq!(task["WhoId"], Value::Null);
}

#[test]
fn an_outbound_log_is_an_independent_task() {
    let emu = Background::start(Config::default()).expect("emulator");
    let (data, task) = logged(&emu, &["+1 415 555 1212", "--direction", "outbound"], 0);
    assert_eq!(data["pops"]["object"], "Contact", "the pop still happens");
    assert_eq!(data["logged"]["association"], "outbound");
    assert_eq!(task["WhoId"], Value::Null);
    assert_eq!(task["WhatId"], Value::Null);
    assert_eq!(task["Subject"], "Outbound call to +1 415 555 1212");
    assert_eq!(task["CallType"], "Outbound");
}

#[test]
fn no_match_is_an_independent_task_and_still_exit_1() {
    let emu = Background::start(Config::default()).expect("emulator");
    let (data, task) = logged(&emu, &["--email", "nobody@nowhere.example"], 1);
    assert_eq!(data["outcome"], "none");
    assert_eq!(data["logged"]["association"], "no-match");
    assert_eq!(task["WhoId"], Value::Null);
    assert_eq!(task["WhatId"], Value::Null);
}

#[test]
fn voicemail_is_logged_as_a_call() {
    let emu = Background::start(Config::default()).expect("emulator");
    let (_, task) = logged(&emu, &["+1 415 555 1212", "--media", "voicemail"], 0);
    assert_eq!(task["TaskSubtype"], "Call");
    assert_eq!(task["Type"], "Call");
}

#[test]
fn dry_run_shows_the_body_and_creates_nothing() {
    let emu = Background::start(Config::default()).expect("emulator");
    let before = task_count(&emu);
    let out = lookup(&emu, &["--case", "00001026", "--log", "--dry-run"]);
    out.assert_code(0);
    let l = out.json()["data"]["logged"].clone();
    assert_eq!(l["id"], Value::Null);
    assert_eq!(l["dry_run"], true);
    assert_eq!(l["body"]["Subject"], "Chat about case 00001026");
    assert!(
        l["body"]["WhatId"]
            .as_str()
            .is_some_and(|w| w.starts_with("500"))
    );
    assert_eq!(task_count(&emu), before, "a dry run creates no Task");
    let sb = Sandbox::new();
    let env = demo_env(&emu.login_url);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let out = sb.run(
        &[
            "lookup",
            "--case",
            "00001026",
            "--log",
            "--dry-run",
            "--comment",
            "evil\u{1b}[2J",
        ],
        &env,
        "",
    );
    out.assert_code(0);
    assert!(
        out.stdout.contains("dry run: nothing created"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("  Subject: Chat about case 00001026\n"));
    assert!(
        out.stdout.contains("Description: evil\\x1b[2J") && !out.stdout.contains('\u{1b}'),
        "control characters are shown, not run: {}",
        out.stdout
    );
    assert_eq!(task_count(&emu), before);
}

#[test]
fn log_is_refused_with_file_and_its_flags_need_log() {
    let sb = Sandbox::new();
    let out = sb.run(&["lookup", "--file", "calls.txt", "--log"], &[], "");
    out.assert_code(2);
    assert!(out.stderr.contains("cannot be used with"), "{}", out.stderr);
    let out = sb.run(&["lookup", "+31201234567", "--dry-run"], &[], "");
    out.assert_code(2);
    assert!(out.stderr.contains("--log"), "{}", out.stderr);
}

#[test]
fn a_field_the_user_cannot_see_becomes_advice() {
    let mut org = default_org_file();
    if let Some(u) = org.users.iter_mut().find(|u| u.username == DEMO_USERNAME) {
        u.hidden_fields.push("Task.Type".into());
    }
    let emu = Background::start(Config {
        org: Some(org),
        ..Config::default()
    })
    .expect("emulator");
    let before = task_count(&emu);
    let out = lookup(&emu, &["+1 415 555 1212", "--log"]);
    out.assert_code(1);
    let err = out.json()["error"].clone();
    assert_eq!(err["kind"], "rejected");
    assert!(
        err["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("Salesforce refused to create the Task: INVALID_FIELD")),
        "{err}"
    );
    let hints = err["hints"].to_string();
    assert!(
        hints.contains("Type field must be visible")
            && hints.contains("Object Manager > Activity > Fields & Relationships > Type"),
        "{hints}"
    );
    assert_eq!(task_count(&emu), before);
}

/// Issue 18 item 11: a Task the org refuses (`STRING_TOO_LONG` for a long
/// `--disposition`) is exit 1, kind rejected: the org answered. `--dry-run` catches
/// the lengths from the Task's describe, and a 40,000-character `--comment` is never
/// echoed back whole in a message.
#[test]
fn a_task_the_org_refuses_is_exit_1_and_a_dry_run_catches_its_lengths() {
    let emu = Background::start(Config::default()).expect("emulator");
    let before = task_count(&emu);
    let long = "d".repeat(300);
    let out = lookup(&emu, &["+31201234567", "--log", "--disposition", &long]);
    out.assert_code(1);
    let err = &out.json()["error"];
    assert_eq!(err["kind"], "rejected", "{err}");
    assert!(
        err["message"]
            .as_str()
            .is_some_and(|m| m.contains("STRING_TOO_LONG")),
        "{err}"
    );
    assert_eq!(task_count(&emu), before, "nothing was created");

    let comment = "c".repeat(40_000);
    for dry in [true, false] {
        let mut args = vec!["+31201234567", "--log", "--comment", comment.as_str()];
        if dry {
            args.push("--dry-run");
        }
        let out = lookup(&emu, &args);
        out.assert_code(1);
        let err = &out.json()["error"];
        assert_eq!(err["kind"], "rejected", "dry run {dry}: {err}");
        let msg = err["message"].as_str().unwrap_or("");
        assert!(msg.contains("Description"), "dry run {dry}: {msg}");
        assert!(
            msg.len() < 1_000,
            "dry run {dry}: {} bytes echoed",
            msg.len()
        );
        assert!(
            out.stdout.len() < 5_000,
            "dry run {dry}: {} bytes",
            out.stdout.len()
        );
    }
    assert_eq!(task_count(&emu), before);
    // A dry run within the lengths still passes, and its text clips long values.
    let sb = Sandbox::new();
    let env = demo_env(&emu.login_url);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let fits = "c".repeat(20_000);
    let out = sb.run(
        &[
            "lookup",
            "+31201234567",
            "--log",
            "--dry-run",
            "--comment",
            &fits,
        ],
        &env,
        "",
    );
    out.assert_code(0);
    assert!(
        out.stdout.contains("Description: ccc") && out.stdout.len() < 5_000,
        "{}",
        out.stdout.len()
    );
}
