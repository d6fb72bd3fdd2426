//! `crmctl login` against the emulated org: success, every refusal with its
//! advice and exit code, TLS with --ca-cert, and no token or secret in any output.

use emulator::default_org::*;
use emulator::{Background, Config, Faults};

use crate::support::{Run, Sandbox};

fn secrets() -> Vec<(&'static str, &'static str)> {
    vec![
        ("CRMCTL_PASSWORD", DEMO_PASSWORD),
        ("CRMCTL_TOKEN", DEMO_SECURITY_TOKEN),
        ("CRMCTL_CLIENT_ID", DEMO_CLIENT_ID),
        ("CRMCTL_CLIENT_SECRET", DEMO_CLIENT_SECRET),
    ]
}

fn login(sb: &Sandbox, emu: &Background, user: &str, extra: &[&str]) -> Run {
    let mut args = vec![
        "login",
        "--login-url",
        emu.login_url.as_str(),
        "--username",
        user,
    ];
    args.extend_from_slice(extra);
    sb.run(&args, &secrets(), "")
}

#[track_caller]
fn assert_no_secrets(run: &Run) {
    for s in [
        DEMO_PASSWORD,
        DEMO_SECURITY_TOKEN,
        DEMO_CLIENT_SECRET,
        "00D5g0000000001!AR",
    ] {
        assert!(
            !run.stdout.contains(s) && !run.stderr.contains(s),
            "output holds {s:?}:\n{}\n{}",
            run.stdout,
            run.stderr
        );
    }
}

#[test]
fn success_reports_ids_instance_usage_and_checks() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let out = login(&sb, &emu, DEMO_USERNAME, &["-v"]);
    out.assert_code(0);
    assert!(
        out.stdout
            .starts_with("ok: logged in as demo@crmctl.example"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(&emu.base_url)
            && out.stdout.contains("00D5g")
            && out.stdout.contains("API usage:")
    );
    assert!(
        out.stderr.contains("debug: POST") && out.stderr.contains("values redacted"),
        "-v traces requests: {}",
        out.stderr
    );
    assert_no_secrets(&out);
    let out = login(&sb, &emu, DEMO_USERNAME, &["--json"]);
    out.assert_code(0);
    let d = out.json()["data"].clone();
    assert_eq!(d["ok"], true);
    assert_eq!(d["instance_url"], emu.base_url.as_str());
    assert!(d["org_id"].as_str().expect("org").starts_with("00D"));
    assert!(d["user_id"].as_str().expect("user").starts_with("005"));
    assert_eq!(d["objects"].as_array().expect("objects").len(), 4);
    assert!(d["api_usage"]["used"].as_u64().expect("used") >= 4);
    assert_no_secrets(&out);
}

#[test]
fn every_refusal_maps_to_advice_and_exit_1() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let cases: &[(&str, &[&str], &str)] = &[
        (
            "blockedflow@crmctl.example",
            &[],
            "Allow OAuth Username-Password Flows",
        ),
        ("inactive@crmctl.example", &[], "reactivate the user"),
        ("iprestricted@crmctl.example", &[], "Login IP Ranges"),
        ("locked@crmctl.example", &[], "Login History"),
        ("noapi@crmctl.example", &[], "API Enabled"),
        ("expired@crmctl.example", &[], "password has expired"),
        ("nobody@crmctl.example", &[], "CURRENT security token"),
    ];
    for (user, extra, advice) in cases {
        let out = login(&sb, &emu, user, extra);
        out.assert_code(1);
        assert!(
            out.stderr.contains(advice),
            "{user}: expected advice {advice:?}:\n{}",
            out.stderr
        );
        assert_no_secrets(&out);
    }
    // A missing token is named as such.
    let out = sb.run(
        &[
            "login",
            "--login-url",
            &emu.login_url,
            "--username",
            DEMO_USERNAME,
            "--no-token",
        ],
        &secrets(),
        "",
    );
    out.assert_code(1);
    assert!(
        out.stderr.contains("no security token was sent"),
        "{}",
        out.stderr
    );
    // Unknown client id: propagation delay advice.
    let mut env = secrets();
    env[2] = ("CRMCTL_CLIENT_ID", "3MVG9unknown");
    let out = sb.run(
        &[
            "login",
            "--login-url",
            &emu.login_url,
            "--username",
            DEMO_USERNAME,
        ],
        &env,
        "",
    );
    out.assert_code(1);
    assert!(out.stderr.contains("2 to 10 minutes"), "{}", out.stderr);
    let mut env = secrets();
    env[3] = ("CRMCTL_CLIENT_SECRET", "wrong");
    let out = sb.run(
        &[
            "login",
            "--login-url",
            &emu.login_url,
            "--username",
            DEMO_USERNAME,
            "--json",
        ],
        &env,
        "",
    );
    out.assert_code(1);
    assert_eq!(out.json()["error"]["kind"], "rejected");
}

#[test]
fn hidden_fields_and_missing_versions_are_reported_with_exit_1() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let out = login(&sb, &emu, "nolead@crmctl.example", &["--json"]);
    out.assert_code(1);
    let objects = out.json()["data"]["objects"].clone();
    assert_eq!(objects[2]["object"], "Lead");
    assert_eq!(
        objects[2]["hidden_fields"],
        serde_json::json!(["Phone", "MobilePhone"])
    );
    let out = login(
        &sb,
        &emu,
        DEMO_USERNAME,
        &["--api-version", "services/data/v99.0/"],
    );
    out.assert_code(1);
    assert!(
        out.stdout.contains("v99.0 NOT offered") && out.stderr.contains("ApiEndPoint"),
        "{}\n{}",
        out.stdout,
        out.stderr
    );
    let out = login(&sb, &emu, DEMO_USERNAME, &["--api-version", "v60"]);
    out.assert_code(2);
}

#[test]
fn client_credentials_need_the_my_domain_host() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let out = sb.run(
        &[
            "login",
            "--flow",
            "client-credentials",
            "--login-url",
            &emu.login_url,
        ],
        &secrets(),
        "",
    );
    out.assert_code(1);
    assert!(out.stderr.contains("My Domain"), "{}", out.stderr);
    let out = sb.run(
        &[
            "login",
            "--flow",
            "client-credentials",
            "--login-url",
            &emu.base_url,
        ],
        &secrets(),
        "",
    );
    out.assert_code(0);
}

#[test]
fn unreachable_or_garbled_answers_exit_4() {
    let sb = Sandbox::new();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", closed.local_addr().expect("addr"));
    drop(closed);
    let out = sb.run(
        &[
            "login",
            "--login-url",
            &url,
            "--username",
            "x",
            "--connect-timeout",
            "2",
        ],
        &secrets(),
        "",
    );
    out.assert_code(4);
    assert!(
        out.stderr.contains("could not reach Salesforce"),
        "{}",
        out.stderr
    );
    let emu = Background::start(Config {
        faults: Faults {
            // The token request is retried once on a 503: both attempts fail here.
            script: vec![
                emulator::ScriptedFault {
                    at: 1,
                    fault: emulator::FaultKind::Html,
                },
                emulator::ScriptedFault {
                    at: 2,
                    fault: emulator::FaultKind::Html,
                },
            ],
            ..Faults::default()
        },
        ..Config::default()
    })
    .expect("emulator");
    let out = login(&sb, &emu, DEMO_USERNAME, &[]);
    out.assert_code(4);
    assert!(
        out.stderr
            .contains("HTML page titled \"503 Service Unavailable\""),
        "{}",
        out.stderr
    );
}

#[test]
fn secrets_from_stdin_and_refusal_without_them() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let input =
        format!("{DEMO_PASSWORD}\n{DEMO_SECURITY_TOKEN}\n{DEMO_CLIENT_ID}\n{DEMO_CLIENT_SECRET}\n");
    let out = sb.run(
        &[
            "login",
            "--stdin",
            "--login-url",
            &emu.login_url,
            "--username",
            DEMO_USERNAME,
        ],
        &[],
        &input,
    );
    out.assert_code(0);
    let out = sb.run(
        &[
            "login",
            "--login-url",
            &emu.login_url,
            "--username",
            DEMO_USERNAME,
        ],
        &[],
        "",
    );
    out.assert_code(2);
    assert!(
        out.stderr.contains("CRMCTL_PASSWORD") && out.stderr.contains("--stdin"),
        "{}",
        out.stderr
    );
}

#[test]
fn https_with_ca_cert() {
    let emu = Background::start(Config {
        tls: true,
        ..Config::default()
    })
    .expect("emulator");
    let sb = Sandbox::new();
    let ca = emu.ca_pem.clone().expect("ca");
    let out = login(&sb, &emu, DEMO_USERNAME, &[]);
    out.assert_code(4);
    assert!(
        out.stderr.to_lowercase().contains("certificate"),
        "untrusted CA is refused: {}",
        out.stderr
    );
    let out = login(
        &sb,
        &emu,
        DEMO_USERNAME,
        &["--ca-cert", ca.to_str().expect("utf8")],
    );
    out.assert_code(0);
    assert!(out.stdout.contains("https://127.0.0.1:"));
}

/// A UCC's settings as the service reads them, with values encrypted under the test key.
fn settings_yaml(emu: &Background) -> String {
    let c = crate::support::test_cipher();
    format!(
        "uccs:\n  - name: other\n    settings: []\n  - name: helpdesk\n    settings:\n      - {{ setting: Username, scope: CrmService, value: \"{DEMO_USERNAME}\" }}\n      - {{ setting: Password, scope: CrmService, value: \"{}\" }}\n      - {{ setting: ClientId, scope: CrmService, value: \"{}\" }}\n      - {{ setting: ClientSecret, scope: CrmService, value: \"{}\" }}\n      - {{ setting: ApiEndPoint, scope: CrmService, value: \"services/data/v61.0/\" }}\n      - {{ setting: LoginEndPoint, scope: CrmService, value: \"{}/services/oauth2/token\" }}\n",
        c.encrypt_to_base64(&format!("{DEMO_PASSWORD}{DEMO_SECURITY_TOKEN}")),
        c.encrypt_to_base64(DEMO_CLIENT_ID),
        c.encrypt_to_base64(DEMO_CLIENT_SECRET),
        emu.base_url
    )
}

#[test]
fn credentials_from_a_ucc_settings_file_yaml_or_csv() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let key = sb.key_profile();
    let k = key.to_str().expect("utf8");
    let yaml = sb.write_private("estate.yaml", &settings_yaml(&emu));
    let y = yaml.to_str().expect("utf8");
    let out = sb.run(
        &[
            "--key-file",
            k,
            "login",
            "--settings",
            y,
            "--ucc",
            "HELPDESK",
            "--json",
        ],
        &[],
        "",
    );
    out.assert_code(0);
    let d = out.json()["data"].clone();
    assert_eq!(d["username"], DEMO_USERNAME);
    assert_eq!(d["api_version"], "61.0", "ApiEndPoint from the settings");
    assert_no_secrets(&out);
    let out = sb.run(
        &[
            "--key-file",
            k,
            "lookup",
            "--settings",
            y,
            "--ucc",
            "helpdesk",
            "+14155551212",
            "--json",
        ],
        &[],
        "",
    );
    out.assert_code(0);
    assert_eq!(out.json()["data"]["pops"]["name"], "Jane Doe");
    // The same list as a SharePoint CSV export.
    let c = crate::support::test_cipher();
    let csv = format!(
        "\u{feff}Title;Value;Scope\nUsername;{DEMO_USERNAME};CrmService\nPassword;{};CrmService\nClientId;{};CrmService\nClientSecret;{};CrmService\nLoginEndPoint;{}/services/oauth2/token;CrmService\n",
        c.encrypt_to_base64(&format!("{DEMO_PASSWORD}{DEMO_SECURITY_TOKEN}")),
        c.encrypt_to_base64(DEMO_CLIENT_ID),
        c.encrypt_to_base64(DEMO_CLIENT_SECRET),
        emu.base_url
    );
    let csv_path = sb.write_private("list.csv", &csv);
    let out = sb.run(
        &[
            "--key-file",
            k,
            "login",
            "--settings",
            csv_path.to_str().expect("utf8"),
            "--ucc",
            "helpdesk",
        ],
        &[],
        "",
    );
    out.assert_code(0);
    // A wrong key names the setting and its line; an unknown UCC lists the known ones.
    let other = sb.write_private(
        "other.yaml",
        "key: hex:000102030405060708090a0b0c0d0e0f\niv: hex:000102030405060708090a0b0c0d0e0f\n",
    );
    let out = sb.run(
        &[
            "--key-file",
            other.to_str().expect("utf8"),
            "login",
            "--settings",
            y,
            "--ucc",
            "helpdesk",
        ],
        &[],
        "",
    );
    out.assert_code(3);
    assert!(
        out.stderr
            .contains("estate.yaml:7: Password does not decrypt"),
        "{}",
        out.stderr
    );
    let out = sb.run(
        &["--key-file", k, "login", "--settings", y, "--ucc", "sales"],
        &[],
        "",
    );
    out.assert_code(3);
    assert!(out.stderr.contains("other, helpdesk"), "{}", out.stderr);
}
