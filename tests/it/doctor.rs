//! `crmctl doctor` end to end against the emulated org: every step passing and
//! failing (a bad setting, a key that does not fit, a wrong token, a hidden field,
//! an unreachable org or endpoint), shared logins, the JSON shape and exit codes.

use emulator::default_org::*;
use emulator::{Background, Config};
use serde_json::Value;

use crate::support::{Run, Sandbox, demo_env, test_cipher};

type Rows = Vec<(String, String, String)>;

/// A UCC that passes every rule, whose CRM Service is at `fqdn`, logging in as the
/// demo user with `token` appended to the password.
fn rows(fqdn: &str, token: &str) -> Rows {
    let c = test_cipher();
    crmctl::settings::standard_rows(
        fqdn,
        "https://eu6.salesforce.com/",
        DEMO_USERNAME,
        [
            &c.encrypt_to_base64(&format!("{DEMO_PASSWORD}{token}")),
            &c.encrypt_to_base64(DEMO_CLIENT_ID),
            &c.encrypt_to_base64(DEMO_CLIENT_SECRET),
        ],
        "60.0",
        "https://login.salesforce.com/services/oauth2/token",
    )
}

fn set(rows: &mut Rows, setting: &str, value: &str) {
    if let Some(r) = rows.iter_mut().find(|r| r.0 == setting) {
        r.2 = value.to_string();
    }
}

fn good(fqdn: &str) -> Rows {
    rows(fqdn, DEMO_SECURITY_TOKEN)
}

/// Runs doctor on an estate with the test key profile; `extra` goes first.
fn doctor(sb: &Sandbox, uccs: &[(&str, Rows)], extra: &[&str]) -> Run {
    let uccs: Vec<(String, Rows)> = uccs
        .iter()
        .map(|(n, r)| (n.to_string(), r.clone()))
        .collect();
    let file = sb.write_private(
        "estate.yaml",
        &crmctl::settings::render_yaml(&uccs, "doctor test estate"),
    );
    let key = sb.key_profile();
    let mut args = vec!["--key-file", key.to_str().expect("utf8"), "doctor"];
    args.extend_from_slice(extra);
    let file = file.to_str().expect("utf8").to_string();
    args.extend(["--settings", file.as_str()]);
    sb.run(&args, &[], "")
}

/// Runs doctor for one org from login flags and the demo secrets in the environment.
fn doctor_org(login_url: &str, extra: &[&str]) -> Run {
    let sb = Sandbox::new();
    let env = demo_env(login_url);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut args = vec!["doctor"];
    args.extend_from_slice(extra);
    sb.run(&args, &env, "")
}

/// (step, status) of each step of the n-th checklist.
fn statuses(run: &Run, n: usize) -> Vec<(String, String)> {
    run.json()["data"]["uccs"][n]["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| {
            (
                s["step"].as_str().expect("step").to_string(),
                s["status"].as_str().expect("status").to_string(),
            )
        })
        .collect()
}

fn step(run: &Run, n: usize, name: &str) -> Value {
    run.json()["data"]["uccs"][n]["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .find(|s| s["step"] == name)
        .cloned()
        .unwrap_or_else(|| panic!("no step {name}: {}", run.stdout))
}

fn expect(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

/// A loopback port nothing listens on.
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

#[test]
fn every_step_passes_and_shared_credentials_log_in_once() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let uccs = [
        ("helpdesk", good("ucc1.contoso.local")),
        ("sales", good("ucc1.contoso.local")),
    ];
    let out = doctor(
        &sb,
        &uccs,
        &[
            "--json",
            "--login-url",
            &emu.login_url,
            "--ani",
            "+1 415 555 1212",
            "--email",
            "noor+vip@example.be",
            "--case",
            "00001026",
            "--log-test",
        ],
    );
    out.assert_code(0);
    let want = expect(&[
        ("settings", "ok"),
        ("secrets", "ok"),
        ("endpoints", "skip"),
        ("login", "ok"),
        ("api-version", "ok"),
        ("screen-pop-fields", "ok"),
        ("call-log-fields", "ok"),
        ("screen-pop", "ok"),
        ("screen-pop", "ok"),
        ("screen-pop", "ok"),
        ("log-test", "ok"),
        ("flow-readiness", "ok"),
    ]);
    assert_eq!(statuses(&out, 0), want, "{}", out.stdout);
    assert_eq!(statuses(&out, 1), want);
    let d = out.json()["data"].clone();
    assert_eq!(d["uccs"][0]["ucc"], "helpdesk");
    assert_eq!(
        d["uccs"][0]["service"],
        "http://ucc1.contoso.local/CrmServiceSalesforce"
    );
    for s in d["uccs"][0]["steps"].as_array().expect("steps") {
        for k in ["step", "status", "detail", "hint", "ms"] {
            assert!(s.get(k).is_some(), "{k} missing in {s}");
        }
    }
    assert_eq!(d["summary"]["uccs"], 2);
    assert_eq!(d["summary"]["ready"], 2);
    assert_eq!(d["summary"]["logins"], 1);
    assert_eq!(
        emu.stats().routes.get("token"),
        Some(&2),
        "UCCs with one credential set log in once (and check client credentials once)"
    );
    let log = step(&out, 0, "log-test");
    let detail = log["detail"].as_str().expect("detail");
    assert!(
        detail.starts_with("created Task 00T") && detail.ends_with("read it back, deleted it"),
        "{detail}"
    );
    // The same run for people: one checklist per UCC and a summary line.
    let out = doctor(
        &sb,
        &uccs,
        &["--login-url", &emu.login_url, "--color", "never"],
    );
    out.assert_code(0);
    crate::snap::assert(
        &sb,
        &[("[LOGIN]", &emu.login_url), ("[ORG]", &emu.base_url)],
        out.stdout,
        snapbox::file!["../fixtures/transcripts/doctor-shared-login.txt"],
    );
}

#[test]
fn probed_endpoints_pass_against_the_emulator_and_fail_when_down() {
    let emu = Background::start(Config::default()).expect("emulator");
    let up = emu.base_url.trim_start_matches("http://").to_string();
    let down = format!("127.0.0.1:{}", closed_port());
    let sb = Sandbox::new();
    let out = doctor(
        &sb,
        &[("helpdesk", good(&up))],
        &["--json", "--probe", "--login-url", &emu.login_url],
    );
    out.assert_code(0);
    assert_eq!(step(&out, 0, "endpoints")["status"], "ok", "{}", out.stdout);
    // A loopback CRM Service is not a .local FQDN: a warning, which --strict fails.
    assert_eq!(step(&out, 0, "settings")["status"], "warn");
    let out = doctor(
        &sb,
        &[("helpdesk", good(&up))],
        &[
            "--json",
            "--probe",
            "--strict",
            "--login-url",
            &emu.login_url,
        ],
    );
    out.assert_code(1);
    let out = doctor(
        &sb,
        &[("helpdesk", good(&down))],
        &["--json", "--probe", "--login-url", &emu.login_url],
    );
    out.assert_code(4);
    let e = step(&out, 0, "endpoints");
    assert_eq!(e["status"], "fail");
    assert_eq!(e["kind"], "remote");
    assert!(
        e["detail"]
            .as_str()
            .is_some_and(|d| d.contains("could not be reached")),
        "{e}"
    );
    assert_eq!(
        step(&out, 0, "login")["status"],
        "ok",
        "the org does not need the endpoints"
    );
}

#[test]
fn a_wrong_token_fails_the_login_with_its_advice() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let out = doctor(
        &sb,
        &[
            ("helpdesk", good("ucc1.contoso.local")),
            ("billing", rows("ucc2.contoso.local", "WRONGTOKEN")),
        ],
        &[
            "--json",
            "--login-url",
            &emu.login_url,
            "--ani",
            "+1 415 555 1212",
        ],
    );
    out.assert_code(1);
    assert_eq!(statuses(&out, 0)[3], ("login".into(), "ok".into()));
    let login = step(&out, 1, "login");
    assert_eq!(login["status"], "fail");
    assert_eq!(login["kind"], "rejected");
    assert!(
        login["hint"]
            .as_str()
            .is_some_and(|h| h.contains("CURRENT security token")),
        "{login}"
    );
    assert_eq!(
        statuses(&out, 1)[4..].to_vec(),
        expect(&[
            ("api-version", "skip"),
            ("screen-pop-fields", "skip"),
            ("call-log-fields", "skip"),
            ("screen-pop", "skip"),
            ("flow-readiness", "warn"),
        ])
    );
    assert_eq!(out.json()["data"]["summary"]["ready"], 1);
    // Two logins and two client-credentials checks: the second, with no My Domain
    // known, on the login host, which refuses the flow ("not supported on this domain").
    assert_eq!(emu.stats().routes.get("token"), Some(&4));
    let r = &out.json()["data"]["uccs"][1]["flow_readiness"];
    assert_eq!(r["password_flow"], "rejected", "{r}");
    assert_eq!(r["client_credentials"], "needs-my-domain", "{r}");
    assert!(!out.stdout.contains(DEMO_PASSWORD) && !out.stdout.contains(DEMO_CLIENT_SECRET));
}

#[test]
fn a_bad_setting_fails_and_holds_back_the_steps_that_need_it() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let mut plain = good("ucc1.contoso.local");
    set(&mut plain, "ClientSecret", "my-plain-client-secret");
    let out = doctor(
        &sb,
        &[("helpdesk", plain)],
        &["--json", "--login-url", &emu.login_url],
    );
    out.assert_code(1);
    let s = step(&out, 0, "settings");
    assert_eq!(s["status"], "fail");
    assert!(
        s["detail"].as_str().is_some_and(
            |d| d.contains("ClientSecret [not-encrypted]") && d.contains("estate.yaml:")
        ),
        "{s}"
    );
    assert!(
        !out.stdout.contains("my-plain-client-secret"),
        "a plain-text secret is never shown"
    );
    assert_eq!(
        step(&out, 0, "secrets")["detail"],
        "needs ClientSecret, which failed the settings step"
    );
    assert_eq!(step(&out, 0, "login")["status"], "skip");
    assert_eq!(emu.stats().routes.get("token"), None, "no login was tried");
    // A LoginEndPoint that fails its rules gets no credentials posted to it (and
    // were it tried, the client refuses the scheme: the test stays on this machine).
    let mut bad = good("ucc1.contoso.local");
    let port = closed_port();
    set(
        &mut bad,
        "LoginEndPoint",
        &format!("ftp://127.0.0.1:{port}/services/oauth2/token"),
    );
    let out = doctor(&sb, &[("helpdesk", bad)], &["--json"]);
    out.assert_code(1);
    assert_eq!(
        step(&out, 0, "login")["detail"],
        "needs LoginEndPoint, which failed the settings step"
    );
}

#[test]
fn an_estate_pointing_at_the_emulator_is_a_test_org() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let mut r = good("ucc1.contoso.local");
    set(&mut r, "LoginEndPoint", &emu.token_url());
    set(&mut r, "ApplicationHost", &format!("{}/", emu.base_url));
    let out = doctor(&sb, &[("helpdesk", r)], &["--json"]);
    out.assert_code(0);
    let s = step(&out, 0, "settings");
    assert_eq!(s["status"], "warn", "{s}");
    assert_eq!(step(&out, 0, "login")["status"], "ok");
    // The login, then flow-readiness's client-credentials token on the My Domain
    // (ApplicationHost, here the emulator).
    assert_eq!(emu.stats().routes.get("token"), Some(&2));
}

#[test]
fn secrets_that_do_not_decrypt_fail_and_a_missing_key_is_local_input() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let other = crmctl::crypto::Cipher::new(&[7u8; 32], &[9u8; 16]).expect("cipher");
    let mut r = good("ucc1.contoso.local");
    set(&mut r, "ClientId", &other.encrypt_to_base64(DEMO_CLIENT_ID));
    let out = doctor(
        &sb,
        &[("helpdesk", r)],
        &["--json", "--login-url", &emu.login_url],
    );
    out.assert_code(1);
    let s = step(&out, 0, "secrets");
    assert_eq!(s["status"], "fail");
    assert!(
        s["detail"]
            .as_str()
            .is_some_and(|d| d.contains("ClientId [does-not-decrypt]")),
        "{s}"
    );
    assert_eq!(step(&out, 0, "settings")["status"], "ok");
    assert_eq!(step(&out, 0, "login")["status"], "skip");
    // No key profile at all: the secrets step fails on local input, exit 3.
    let file = sb.write_private(
        "estate.yaml",
        &crmctl::settings::render_yaml(
            &[("helpdesk".into(), good("ucc1.contoso.local"))],
            "no key",
        ),
    );
    let out = sb.run(
        &[
            "doctor",
            "--json",
            "--login-url",
            &emu.login_url,
            "--settings",
            file.to_str().expect("utf8"),
        ],
        &[],
        "",
    );
    out.assert_code(3);
    let s = step(&out, 0, "secrets");
    assert_eq!(s["kind"], "input");
    assert!(
        s["hint"].as_str().is_some_and(|h| h.contains("--key-file")),
        "{s}"
    );
}

#[test]
fn a_hidden_task_field_warns_with_its_setup_path() {
    let mut org = default_org_file();
    if let Some(u) = org.users.iter_mut().find(|u| u.username == DEMO_USERNAME) {
        u.hidden_fields.push("Task.Type".into());
    }
    let emu = Background::start(Config {
        org: Some(org),
        ..Config::default()
    })
    .expect("emulator");
    let out = doctor_org(&emu.login_url, &["--json"]);
    out.assert_code(0);
    let s = step(&out, 0, "call-log-fields");
    assert_eq!(s["status"], "warn");
    assert_eq!(s["detail"], "Task.Type is not visible to the user");
    assert!(
        s["hint"].as_str().is_some_and(|h| h.contains(
            "Setup > Object Manager > Activity > Fields & Relationships > Type > Set Field-Level Security"
        )),
        "{s}"
    );
    assert_eq!(out.json()["data"]["uccs"][0]["ucc"], Value::Null);
    doctor_org(&emu.login_url, &["--json", "--strict"]).assert_code(1);
}

#[test]
fn the_log_test_fails_with_the_orgs_reason() {
    let mut org = default_org_file();
    if let Some(u) = org.users.iter_mut().find(|u| u.username == DEMO_USERNAME) {
        u.hidden_fields.push("Task.Type".into());
    }
    let emu = Background::start(Config {
        org: Some(org),
        ..Config::default()
    })
    .expect("emulator");
    let out = doctor_org(&emu.login_url, &["--json", "--log-test"]);
    out.assert_code(1);
    let s = step(&out, 0, "log-test");
    assert_eq!(s["status"], "fail");
    assert_eq!(s["kind"], "rejected");
    assert!(
        s["detail"]
            .as_str()
            .is_some_and(|d| d.contains("INVALID_FIELD")),
        "{s}"
    );
    assert!(
        s["hint"]
            .as_str()
            .is_some_and(|h| h.contains("Type field must be visible")),
        "{s}"
    );
}

#[test]
fn hidden_screen_pop_fields_fail() {
    let emu = Background::start(Config::default()).expect("emulator");
    let out = doctor_org(
        &emu.login_url,
        &["--json", "--username", "nolead@crmctl.example"],
    );
    out.assert_code(1);
    let s = step(&out, 0, "screen-pop-fields");
    assert_eq!(s["status"], "fail");
    assert_eq!(s["detail"], "Lead hides Phone, MobilePhone");
}

#[test]
fn an_unreachable_org_is_exit_4() {
    let url = format!("http://127.0.0.1:{}", closed_port());
    let out = doctor_org(&url, &["--json", "--ani", "+1 415 555 1212"]);
    out.assert_code(4);
    let s = step(&out, 0, "login");
    assert_eq!(s["status"], "fail");
    assert_eq!(s["kind"], "remote");
    assert_eq!(
        statuses(&out, 0)[4..].to_vec(),
        expect(&[
            ("api-version", "skip"),
            ("screen-pop-fields", "skip"),
            ("call-log-fields", "skip"),
            ("screen-pop", "skip"),
            ("flow-readiness", "skip"),
        ])
    );
    assert_eq!(out.json()["exit_code"], 4);
}

#[test]
fn an_api_version_the_org_does_not_offer_fails() {
    let emu = Background::start(Config::default()).expect("emulator");
    let out = doctor_org(&emu.login_url, &["--json", "--api-version", "99.0"]);
    out.assert_code(1);
    let s = step(&out, 0, "api-version");
    assert_eq!(s["status"], "fail");
    assert!(
        s["hint"]
            .as_str()
            .is_some_and(|h| h.contains("--api-version 67.0")),
        "{s}"
    );
    assert_eq!(step(&out, 0, "screen-pop-fields")["status"], "skip");
}

#[test]
fn no_match_is_a_warning() {
    let emu = Background::start(Config::default()).expect("emulator");
    let out = doctor_org(
        &emu.login_url,
        &["--json", "--email", "nobody@nowhere.example"],
    );
    out.assert_code(0);
    let s = step(&out, 0, "screen-pop");
    assert_eq!(s["status"], "warn");
    assert!(
        s["detail"].as_str().is_some_and(|d| d.contains("no match")),
        "{s}"
    );
    doctor_org(
        &emu.login_url,
        &["--json", "--strict", "--email", "nobody@nowhere.example"],
    )
    .assert_code(1);
}

#[test]
fn usage_and_input_errors_come_before_any_step() {
    let sb = Sandbox::new();
    let out = sb.run(&["doctor", "--json", "--ani", "2012345"], &[], "");
    out.assert_code(2);
    assert_eq!(out.json()["error"]["kind"], "usage");
    let out = doctor(
        &sb,
        &[("helpdesk", good("ucc1.contoso.local"))],
        &["--json", "--ucc", "nosuch"],
    );
    out.assert_code(3);
    assert!(
        out.json()["error"]["hints"][0]
            .as_str()
            .is_some_and(|h| h.contains("helpdesk")),
        "{}",
        out.stdout
    );
    let csv = sb.write_private("list.csv", "Title,Value,Scope\n");
    let out = sb.run(
        &["doctor", "--settings", csv.to_str().expect("utf8")],
        &[],
        "",
    );
    out.assert_code(2);
}

#[test]
fn the_checklist_for_people() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let out = doctor(
        &sb,
        &[
            ("helpdesk", good("ucc1.contoso.local")),
            ("billing", rows("ucc2.contoso.local", "WRONGTOKEN")),
        ],
        &[
            "--color",
            "never",
            "--login-url",
            &emu.login_url,
            "--ani",
            "+1 415 555 1212",
            "--email",
            "nobody@nowhere.example",
        ],
    );
    out.assert_code(1);
    snapbox::assert_data_eq!(
        out.stdout,
        snapbox::file!["../fixtures/doctor/checklist.txt"]
    );
}

#[test]
fn org_text_is_escaped_and_no_secret_reaches_any_output() {
    let emu = Background::start(Config::default()).expect("emulator");
    let out = doctor_org(
        &emu.login_url,
        &[
            "-v",
            "--ani",
            "+1 212 555 0199",
            "--log-test",
            "--color",
            "never",
        ],
    );
    out.assert_code(0);
    // Control characters of org text are shown, not run.
    crate::snap::assert(
        &Sandbox::new(),
        &[("[LOGIN]", &emu.login_url), ("[ORG]", &emu.base_url)],
        out.stdout.clone(),
        snapbox::file!["../fixtures/transcripts/doctor-org-escaped.txt"],
    );
    assert!(out.stderr.contains("debug: POST") && out.stderr.contains("debug: DELETE"));
    for s in [
        DEMO_PASSWORD,
        DEMO_SECURITY_TOKEN,
        DEMO_CLIENT_SECRET,
        "00D5g0000000001!",
    ] {
        assert!(
            !out.stdout.contains(s) && !out.stderr.contains(s),
            "output holds {s:?}:\n{}\n{}",
            out.stdout,
            out.stderr
        );
    }
}

#[test]
fn a_csv_export_named_by_ucc_and_picked_uccs() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let mut csv = String::from("Title,Value,Scope\n");
    for (setting, scope, value) in good("ucc1.contoso.local") {
        csv.push_str(&format!("{setting},\"{value}\",{scope}\n"));
    }
    let file = sb.write_private("PluginSettings.csv", &csv);
    let key = sb.key_profile();
    let out = sb.run(
        &[
            "--key-file",
            key.to_str().expect("utf8"),
            "--json",
            "doctor",
            "--login-url",
            &emu.login_url,
            "--settings",
            file.to_str().expect("utf8"),
            "--ucc",
            "helpdesk",
        ],
        &[],
        "",
    );
    out.assert_code(0);
    assert_eq!(out.json()["data"]["uccs"][0]["ucc"], "helpdesk");
    assert_eq!(step(&out, 0, "login")["status"], "ok");
    // --ucc picks one UCC of an estate; the others are not checked.
    let out = doctor(
        &sb,
        &[
            ("helpdesk", good("ucc1.contoso.local")),
            ("sales", good("ucc2.contoso.local")),
        ],
        &["--json", "--login-url", &emu.login_url, "--ucc", "sales"],
    );
    out.assert_code(0);
    let uccs = out.json()["data"]["uccs"].clone();
    assert_eq!(uccs.as_array().map(Vec::len), Some(1));
    assert_eq!(uccs[0]["ucc"], "sales");
}

#[test]
fn shared_primary_settings_that_differ_fail_both_uccs_but_hold_no_login_back() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let mut sales = good("ucc1.contoso.local");
    set(&mut sales, "ApiEndPoint", "services/data/v59.0/");
    let out = doctor(
        &sb,
        &[("helpdesk", good("ucc1.contoso.local")), ("sales", sales)],
        &["--json", "--login-url", &emu.login_url],
    );
    out.assert_code(1);
    for n in 0..2 {
        let s = step(&out, n, "settings");
        assert_eq!(s["status"], "fail");
        assert!(
            s["detail"]
                .as_str()
                .is_some_and(|d| d.contains("ApiEndPoint [primary-mismatch]")),
            "{s}"
        );
        assert_eq!(step(&out, n, "login")["status"], "ok");
        assert_eq!(step(&out, n, "api-version")["status"], "ok");
    }
    assert_eq!(
        emu.stats().routes.get("token"),
        Some(&4),
        "different API versions: two logins (each with its client-credentials check)"
    );
}

#[test]
fn one_org_with_the_client_credentials_flow() {
    let emu = Background::start(Config::default()).expect("emulator");
    let out = doctor_org(
        &emu.base_url,
        &[
            "--json",
            "--flow",
            "client-credentials",
            "--case",
            "00001026",
        ],
    );
    out.assert_code(0);
    let login = step(&out, 0, "login");
    assert!(
        login["detail"]
            .as_str()
            .is_some_and(|d| d.starts_with("logged in as ")),
        "{login}"
    );
    assert_eq!(step(&out, 0, "screen-pop")["status"], "ok");
}

/// doctor takes `crmctl login`'s connection flags, `--instance-url` included: the
/// hinted org is contacted (its versions list) while the token request is in flight.
/// The hint here names another org than the token's, so only the warm-up reaches it.
#[test]
fn the_org_url_hint_is_used_as_login_uses_it() {
    let emu = Background::start(Config::default()).expect("emulator");
    let hinted = Background::start(Config::default()).expect("emulator");
    // The token answer waits for the warm-up (crate::gate): the order is the test's,
    // not the scheduler's.
    let sb = Sandbox::new();
    let out = crate::gate::run_warmed(
        &sb,
        &emu.login_url,
        &["doctor", "--json", "--instance-url", &hinted.base_url],
        &demo_env("{login}"),
    );
    out.assert_code(0);
    assert_eq!(step(&out, 0, "login")["status"], "ok", "{}", out.stdout);
    assert_eq!(hinted.stats().routes.get("versions"), Some(&1));
    let out = doctor_org(&emu.login_url, &["--instance-url", "eu6 salesforce"]);
    out.assert_code(2);
}

/// A UCC of an estate is connected as `crmctl login --settings` connects it, in
/// doctor and in `validate-settings --login` alike (one resolution,
/// `ConnectSettings::resolve`): the UCC's LoginEndPoint before CRMCTL_LOGIN_URL,
/// CRMCTL_LOGIN_URL when the UCC names none, and a malformed CRMCTL_TIMEOUT refused
/// as local configuration (3) before anything is sent.
#[test]
fn the_estate_and_validate_login_resolve_the_connection_as_login_does() {
    let ucc_org = Background::start(Config::default()).expect("emulator");
    let env_org = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let key = sb.key_profile();
    let key = key.to_str().expect("utf8");
    let tokens = |emu: &Background| emu.stats().routes.get("token").copied().unwrap_or(0) as usize;
    let estate = |name: &str, rows: Rows| {
        let uccs = vec![("helpdesk".to_string(), rows)];
        let text = crmctl::settings::render_yaml(&uccs, "precedence");
        let file = sb.write_private(name, &text);
        file.to_str().expect("utf8").to_string()
    };
    // The three commands on one estate, each run when asked for.
    let commands = |file: &str| -> Vec<(&'static str, Vec<String>)> {
        let with = |args: &[&str]| args.iter().map(|a| a.to_string()).collect();
        vec![
            (
                "login",
                with(&["--key-file", key, "--json", "login", "--settings", file]),
            ),
            (
                "doctor",
                with(&["--key-file", key, "--json", "doctor", "--settings", file]),
            ),
            (
                "validate-settings --login",
                with(&[
                    "--key-file",
                    key,
                    "--json",
                    "validate-settings",
                    "--login",
                    file,
                ]),
            ),
        ]
    };
    let run = |args: &[String], env: &[(&str, &str)]| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        sb.run(&args, env, "")
    };
    let logged_in = |command: &str, run: &Run| match command {
        "login" => run.code == 0,
        "doctor" => step(run, 0, "login")["status"] == "ok",
        _ => run.json()["data"]["logins"][0]["ok"] == true,
    };

    // The UCC's LoginEndPoint comes before CRMCTL_LOGIN_URL.
    let mut with_endpoint = good("ucc1.contoso.local");
    set(
        &mut with_endpoint,
        "LoginEndPoint",
        &format!("{}/services/oauth2/token", ucc_org.login_url),
    );
    set(
        &mut with_endpoint,
        "ApplicationHost",
        &format!("{}/", ucc_org.base_url),
    );
    // ... and a UCC that names none logs in at CRMCTL_LOGIN_URL.
    let without: Rows = with_endpoint
        .iter()
        .filter(|r| r.0 != "LoginEndPoint")
        .cloned()
        .collect();
    // (Not `ucc_org` untouched in the second case: doctor's flow-readiness asks the
    // My Domain host, ApplicationHost, for a client-credentials token.)
    for (file, at, not_at) in [
        (
            estate("endpoint.yaml", with_endpoint.clone()),
            &ucc_org,
            Some(&env_org),
        ),
        (estate("no-endpoint.yaml", without), &env_org, None),
    ] {
        for (command, args) in commands(&file) {
            let (before, elsewhere) = (tokens(at), not_at.map(tokens));
            let out = run(&args, &[("CRMCTL_LOGIN_URL", &env_org.login_url)]);
            let (stdout, stderr) = (&out.stdout, &out.stderr);
            assert!(logged_in(command, &out), "{command}: {stdout}{stderr}");
            assert!(tokens(at) > before, "{command} on {file}: not logged in");
            assert_eq!(
                not_at.map(tokens),
                elsewhere,
                "{command} on {file}: wrong host"
            );
        }
    }

    // A malformed CRMCTL_TIMEOUT is configuration (3), and nothing is sent.
    let file = estate("endpoint-again.yaml", with_endpoint);
    let before = tokens(&ucc_org);
    for (command, args) in commands(&file) {
        let out = run(&args, &[("CRMCTL_TIMEOUT", "soon")]);
        assert_eq!(out.code, 3, "{command}: {}{}", out.stdout, out.stderr);
        assert!(
            out.stdout.contains("CRMCTL_TIMEOUT"),
            "{command}: {}",
            out.stdout
        );
    }
    assert_eq!(tokens(&ucc_org), before);
}

/// `--ca-cert` is trusted by every request doctor sends, the `--probe` GETs too, as
/// its variable CRMCTL_CA_CERT is (a TLS-inspecting proxy sees the probes as well).
#[test]
fn the_ca_cert_flag_is_trusted_by_the_probes_as_its_variable_is() {
    let emu = Background::start(Config {
        tls: true,
        ..Config::default()
    })
    .expect("emulator");
    let ca = emu.ca_pem.clone().expect("the emulator's CA");
    let ca = ca.to_str().expect("utf8");
    let host = emu.base_url.trim_start_matches("https://").to_string();
    let mut https = good(&host);
    set(
        &mut https,
        "ListsEndpoints",
        &format!(
            "https://{host}/webagentservice/api/v1/settings;https://{host}/CrmServiceSalesforce/api/v1/settings"
        ),
    );
    set(
        &mut https,
        "CrmServiceUrl",
        &format!("https://{host}/CrmServiceSalesforce"),
    );
    let sb = Sandbox::new();
    let uccs = vec![("helpdesk".to_string(), https)];
    let file = sb.write_private(
        "estate.yaml",
        &crmctl::settings::render_yaml(&uccs, "https endpoints"),
    );
    let file = file.to_str().expect("utf8");
    let key = sb.key_profile();
    let key = key.to_str().expect("utf8");
    let base = [
        "--key-file",
        key,
        "doctor",
        "--json",
        "--probe",
        "--login-url",
        &emu.login_url,
        "--settings",
        file,
    ];
    let with_flag: Vec<&str> = base.iter().copied().chain(["--ca-cert", ca]).collect();
    for (args, env) in [
        (&with_flag[..], &[][..]),
        (&base[..], &[("CRMCTL_CA_CERT", ca)][..]),
    ] {
        let out = sb.run(args, env, "");
        assert_eq!(step(&out, 0, "login")["status"], "ok", "{}", out.stdout);
        assert_eq!(
            step(&out, 0, "endpoints")["status"],
            "ok",
            "{args:?} {env:?}: {}",
            out.stdout
        );
    }
}

/// doctor's steps after a login share one session (issue 16, item 3): a session the
/// org stops taking between two steps is replaced, and the steps still pass. Each
/// token here serves `ttl` calls; the login's own calls (versions, describes) use up
/// the first, so the later steps meet an expired session. (With one call a token, a
/// lookup's several calls can never finish: that is not a session doctor can keep.)
#[test]
fn a_session_that_expires_between_steps_is_renewed() {
    for ttl in 2..=3 {
        let emu = Background::start(Config {
            faults: emulator::Faults {
                token_ttl_requests: Some(ttl),
                ..emulator::Faults::default()
            },
            ..Config::default()
        })
        .expect("emulator");
        let out = doctor_org(&emu.login_url, &["--json", "--ani", "+31201234567"]);
        out.assert_code(0);
        let steps = statuses(&out, 0);
        for step in [
            "login",
            "screen-pop-fields",
            "call-log-fields",
            "screen-pop",
        ] {
            assert!(
                steps.iter().any(|(s, st)| s == step && st == "ok"),
                "ttl {ttl}: {steps:?}"
            );
        }
        // The password login, the client-credentials check, and at least one renewal.
        let tokens = emu.stats().routes.get("token").copied().unwrap_or(0);
        assert!(tokens >= 3, "ttl {ttl}: {tokens} token requests");
    }
}

/// Two UCCs of one name in two files: each `settings` step lists the findings of its
/// own file only (they used to share each other's).
#[test]
fn two_uccs_of_one_name_in_two_files_keep_their_own_findings() {
    let sb = Sandbox::new();
    // The logins go to a closed port on this machine: only the settings step matters.
    let mut good = crate::validate::good_rows("ucc1.contoso.local");
    for (s, _, v) in &mut good {
        match s.as_str() {
            "LoginEndPoint" => *v = "http://127.0.0.1:9/services/oauth2/token".into(),
            "ApplicationHost" => *v = "http://127.0.0.1:9/".into(),
            _ => {}
        }
    }
    let mut bad = good.clone();
    bad.retain(|(s, _, _)| s != "CrmServiceUrl");
    let a = sb.write_private("a.yaml", &crate::validate::yaml(&[("helpdesk", good)]));
    let b = sb.write_private("b.yaml", &crate::validate::yaml(&[("helpdesk", bad)]));
    let key = sb.key_profile();
    let out = sb.run(
        &[
            "--json",
            "--key-file",
            key.to_str().expect("utf8"),
            "doctor",
            "--settings",
            a.to_str().expect("utf8"),
            b.to_str().expect("utf8"),
        ],
        &[],
        "",
    );
    let uccs = out.json()["data"]["uccs"].clone();
    let settings_of = |n: usize| -> String {
        uccs[n]["steps"]
            .as_array()
            .expect("steps")
            .iter()
            .find(|s| s["step"] == "settings")
            .map(|s| s["detail"].to_string())
            .unwrap_or_default()
    };
    let (first, second) = (settings_of(0), settings_of(1));
    assert!(!first.contains("CrmServiceUrl"), "a.yaml's UCC: {first}");
    assert!(second.contains("CrmServiceUrl"), "b.yaml's UCC: {second}");
}
