//! `lookup --file --index` (issue 21): the org's phones and addresses exported with
//! Bulk API 2.0 query jobs and matched locally give the rows of the batched and the
//! per-row searches, row for row, in a handful of API calls.

use emulator::default_org::{DEMO_USERNAME, default_org_file};
use emulator::{Background, Config};
use serde_json::{Value, json};

use crate::support::{Run, Sandbox};

fn run(sb: &Sandbox, emu: &Background, args: &[&str]) -> Run {
    let mut env = crate::support::demo_env(&emu.base_url);
    env.push(("CRMCTL_REGION", "NL".into()));
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut a = vec!["lookup", "--json"];
    a.extend_from_slice(args);
    sb.run(&a, &env, "")
}

/// The demo org, a contact found only by its fax (searched, not returned), a
/// lead whose only number is in a field the user cannot see (Lead.Fax), a busy account with
/// more open cases than a lookup lists, and synthetic records.
fn emulator() -> Background {
    let mut org = default_org_file();
    if let Some(u) = org.users.iter_mut().find(|u| u.username == DEMO_USERNAME) {
        u.hidden_fields.push("Lead.Fax".into());
    }
    let mut add = |object: &str, v: Value| {
        if let (Value::Object(m), Some(list)) = (v, org.records.get_mut(object)) {
            list.push(m);
        }
    };
    add(
        "Contact",
        json!({"FirstName": "Fax", "LastName": "Only", "Fax": "+31 70 555 0101", "Phone": "+31 70 555 0100"}),
    );
    add(
        "Lead",
        json!({"FirstName": "Not", "LastName": "Visible", "Company": "Fax B.V.", "Fax": "+31 70 555 0300", "Status": "Open - Not Contacted"}),
    );
    add(
        "Account",
        json!({"Ref": "busy", "Name": "Busy Desk B.V.", "Phone": "+31 70 555 0200"}),
    );
    add(
        "Contact",
        json!({"FirstName": "Desk", "LastName": "Twin", "Phone": "070 555 0200", "AccountId": "@busy"}),
    );
    for i in 0..120 {
        add(
            "Case",
            json!({"Subject": format!("Ticket {i}"), "Status": "New", "Priority": "Low", "AccountId": "@busy",
                   "CreatedDate": format!("2025-{:02}-{:02}T{:02}:{:02}:00.000+0000", 1 + i % 12, 1 + i % 28, i % 24, i % 60)}),
        );
    }
    Background::start(Config {
        org: Some(org),
        synthetic_records: 300,
        ..Config::default()
    })
    .expect("emulator")
}

/// What a row shows, timings and the cached mark aside.
fn shown(doc: &Value) -> Vec<Value> {
    doc["data"]["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            json!([
                r["line"],
                r["status"],
                r["matches"],
                r["pops_object"],
                r["pops_id"],
                r["pops_name"],
                r["open_cases"],
                r["error"]["code"]
            ])
        })
        .collect()
}

const NUMBERS: &str = "+1 415 555 1212\n020-1234567\nanonymous\n+31 70 555 0101\n+31 70 555 0300\n+1 999 555 0000\n+31 70 555 0200\n(415) 555-1212\n+44 20 7946 0958\nWithheld\n0049 30 1234567\n+31 20 123 4567\n+1 415 555 1212\nnot a number\n+61 2 9374 4000\n";

/// Phones of the synthetic records, read back through the REST API.
fn synthetic_phones(emu: &Background) -> Vec<String> {
    use crmctl::salesforce::{Client, Credentials, Flow, HttpSettings};
    use emulator::default_org::{
        DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_PASSWORD, DEMO_SECURITY_TOKEN,
    };
    use secrecy::SecretString;
    let client =
        Client::new(&HttpSettings::default(), std::sync::Arc::new(|_: &str| {})).expect("client");
    let session = client
        .login(&Credentials {
            token_url: emu.token_url(),
            flow: Flow::Password,
            username: DEMO_USERNAME.into(),
            password: SecretString::from(DEMO_PASSWORD),
            security_token: SecretString::from(DEMO_SECURITY_TOKEN),
            token_in_password: false,
            client_id: SecretString::from(DEMO_CLIENT_ID),
            client_secret: SecretString::from(DEMO_CLIENT_SECRET),
            jwt_key: None,
        })
        .expect("login");
    let mut phones = Vec::new();
    for soql in [
        "SELECT Phone, MobilePhone FROM Contact LIMIT 40",
        "SELECT Phone FROM Account LIMIT 20",
        "SELECT Phone, MobilePhone FROM Lead LIMIT 20",
    ] {
        let (records, _) = client.query(&session, "60.0", soql).expect("query");
        for r in records {
            for v in [&r.phone, &r.mobile_phone].into_iter().flatten() {
                phones.push(v.for_matching().to_string());
            }
        }
    }
    assert!(phones.len() > 40, "{phones:?}");
    phones
}

#[test]
fn index_batched_and_per_row_give_the_same_rows() {
    let emu = emulator();
    let sb = Sandbox::new();
    // The demo org's numbers, then some of the synthetic records' as their owners
    // typed them (national ones read in NL: some match, some do not).
    let mut text = NUMBERS.to_string();
    for phone in synthetic_phones(&emu) {
        text.push_str(&phone);
        text.push('\n');
    }
    let numbers = sb.write_private("numbers.txt", &text);
    let emails = sb.write_private(
        "emails.txt",
        "jane.doe@example.com\npieter.devries@example.nl\nnobody@example.org\nJANE.DOE@example.com\n",
    );
    for (file, media) in [(&numbers, "phone"), (&emails, "email")] {
        let f = file.to_str().expect("utf8");
        let common = ["--file", f, "--media", media];
        let mut runs = Vec::new();
        for extra in [&["--index"][..], &[][..], &["--no-batch"][..]] {
            let mut args = common.to_vec();
            args.extend(extra);
            let before = emu.stats().api_calls;
            let out = run(&sb, &emu, &args);
            assert!(
                matches!(out.code, 0 | 1),
                "{extra:?}: {}\n{}",
                out.stderr,
                out.stdout
            );
            let doc = out.json();
            runs.push((extra, shown(&doc), emu.stats().api_calls - before, doc));
        }
        let (_, index_rows, index_calls, index_doc) = &runs[0];
        for (extra, rows, _, _) in &runs[1..] {
            for (i, (a, b)) in index_rows.iter().zip(rows).enumerate() {
                assert_eq!(a, b, "{media} row {i}: --index vs {extra:?}");
            }
            assert_eq!(index_rows.len(), rows.len());
        }
        assert!(*index_calls <= 30, "{index_calls} calls");
        let s = &index_doc["data"]["summary"];
        assert_eq!(s["api_calls"], *index_calls, "{s}");
        assert!(
            s["index"]["records"].as_u64().expect("records") > 300,
            "{s}"
        );
        if media == "phone" {
            let statuses: Vec<&str> = index_rows.iter().filter_map(|r| r[1].as_str()).collect();
            for want in ["several", "matched", "none", "withheld", "failed"] {
                assert!(statuses.contains(&want), "{want}: {statuses:?}");
            }
        }
    }
}

#[test]
fn index_is_refused_with_log_and_without_a_file() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let out = run(&sb, &emu, &["+31201234567", "--index"]);
    out.assert_code(2);
    let f = sb.write_private("n.txt", "+31201234567\n");
    let out = run(
        &sb,
        &emu,
        &["--file", f.to_str().expect("utf8"), "--index", "--log"],
    );
    out.assert_code(2);
    let out = run(
        &sb,
        &emu,
        &[
            "--file",
            f.to_str().expect("utf8"),
            "--index",
            "--media",
            "chat",
        ],
    );
    out.assert_code(2);
}

/// An org (or a user) without API access: the step that failed, the exit code of
/// that refusal everywhere (1, `rejected`), and a hint to drop --index; one JSON
/// document.
#[test]
fn an_org_without_api_access_gets_the_step_and_a_hint() {
    use crate::hostile_server::{Server, respond, token_ok};
    let org = Server::start(|req, w, base| {
        if req.method == "POST" && req.path.contains("/oauth2/token") {
            respond(w, 200, &[], &token_ok(base));
        } else {
            respond(
                w,
                403,
                &[],
                r#"[{"errorCode":"API_DISABLED_FOR_ORG","message":"API is not enabled for this Organization or Partner"}]"#,
            );
        }
    });
    let sb = Sandbox::new();
    let f = sb.write_private("n.txt", "+31201234567\n");
    let out = crate::hostile::run(
        &sb,
        &org.url,
        &[
            "lookup",
            "--json",
            "--file",
            f.to_str().expect("utf8"),
            "--index",
        ],
    );
    out.assert_code(1);
    let doc = out.json();
    assert_eq!(doc["error"]["kind"], "rejected");
    let hints = doc["error"]["hints"].to_string();
    assert!(hints.contains("drop --index"), "{doc}");
    assert!(
        doc["error"]["causes"]
            .to_string()
            .contains("--index could not"),
        "{doc}"
    );
    assert!(
        !org.requests().iter().any(|r| r.path.contains("/search")),
        "no search was sent"
    );
}
