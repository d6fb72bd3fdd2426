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
    crate::snap::assert(
        &sb,
        &[("[ORG]", &emu.base_url)],
        out.stdout.clone(),
        snapbox::str![[r#"
ok: logged in as demo@crmctl.example in [..] ms
  org id:       00D5g0000000001EAA
  user id:      0055g0000000001AAA
  instance:     [ORG]
  API version:  v60.0 offered (newest v67.0)
  API usage:    [..] of 15000 daily requests
  screen pop:   Account ok; Contact ok; Lead ok; Case ok

"#]],
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
    assert_eq!(
        d["api_usage"]["used"], 2,
        "each login is one API call (the composite)"
    );
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
    let mut transcript = Vec::new();
    // Each refusal with the advice it must carry (the transcript shows all of it).
    for (user, extra, _advice) in cases {
        let out = login(&sb, &emu, user, extra);
        out.assert_code(1);
        assert_no_secrets(&out);
        let mut args = vec!["login", "--username", user];
        args.extend_from_slice(extra);
        transcript.push(crate::snap::render(Some(&args), &out));
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
    transcript.push(crate::snap::render(
        Some(&["login", "--username", DEMO_USERNAME, "--no-token"]),
        &out,
    ));
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
    transcript.push(crate::snap::render(
        Some(&[
            "CRMCTL_CLIENT_ID=3MVG9unknown",
            "login",
            "--username",
            DEMO_USERNAME,
        ]),
        &out,
    ));
    crate::snap::assert(
        &sb,
        &[],
        transcript.join("\n"),
        snapbox::file!["../fixtures/transcripts/login-refusals.txt"],
    );
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
    crate::snap::assert(
        &sb,
        &[("[ORG]", &emu.base_url)],
        crate::snap::render(None, &out),
        snapbox::file!["../fixtures/transcripts/login-version-not-offered.txt"],
    );
    let out = login(&sb, &emu, DEMO_USERNAME, &["--api-version", "v60.5"]);
    out.assert_code(2);
}

/// A field the search returns but the user cannot see makes Salesforce refuse every
/// phone search (INVALID_FIELD); `login` says so before the first call does.
#[test]
fn a_hidden_field_the_search_returns_is_reported_and_the_lookup_it_breaks_agrees() {
    let mut org = emulator::default_org::default_org_file();
    if let Some(u) = org.users.iter_mut().find(|u| u.username == DEMO_USERNAME) {
        u.hidden_fields.push("Contact.HomePhone".into());
    }
    let emu = Background::start(Config {
        org: Some(org),
        ..Config::default()
    })
    .expect("emulator");
    let sb = Sandbox::new();
    let out = login(&sb, &emu, DEMO_USERNAME, &["--json"]);
    out.assert_code(1);
    assert_eq!(
        out.json()["data"]["objects"][1],
        serde_json::json!({"object": "Contact", "visible": true, "hidden_fields": ["HomePhone"]})
    );
    let e = crate::support::demo_env(&emu.base_url);
    let pairs: Vec<(&str, &str)> = e.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let lookup = sb.run(&["lookup", "--json", "+31201234567"], &pairs, "");
    assert_ne!(
        lookup.code, 0,
        "the search with a hidden field: {}",
        lookup.stdout
    );
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
    // The text: org_transcripts::login_client_credentials_on_the_login_host_is_refused.
    assert_eq!(out.stdout, "");
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
    let mut transcript = vec![crate::snap::render(
        Some(&[
            "--key-file",
            other.to_str().expect("utf8"),
            "login",
            "--settings",
            y,
            "--ucc",
            "helpdesk",
        ]),
        &out,
    )];
    let args = ["--key-file", k, "login", "--settings", y, "--ucc", "sales"];
    let out = sb.run(&args, &[], "");
    out.assert_code(3);
    transcript.push(crate::snap::render(Some(&args), &out));
    // Without --ucc: a file of one UCC needs no name; one of several, or a CSV, does (2).
    let one = sb.write_private(
        "one.yaml",
        &settings_yaml(&emu).replace("  - name: other\n    settings: []\n", ""),
    );
    let out = sb.run(
        &[
            "--key-file",
            k,
            "login",
            "--settings",
            one.to_str().expect("utf8"),
        ],
        &[],
        "",
    );
    out.assert_code(0);
    let args = ["--key-file", k, "login", "--settings", y];
    let out = sb.run(&args, &[], "");
    out.assert_code(2);
    transcript.push(crate::snap::render(Some(&args), &out));
    let args = [
        "--key-file",
        k,
        "login",
        "--settings",
        csv_path.to_str().expect("utf8"),
    ];
    let out = sb.run(&args, &[], "");
    out.assert_code(2);
    transcript.push(crate::snap::render(Some(&args), &out));
    crate::snap::assert(
        &sb,
        &[],
        transcript.join("\n"),
        snapbox::file!["../fixtures/transcripts/login-settings-refusals.txt"],
    );
}

/// A timeout out of range names where it came from: the flag or the variable.
#[test]
fn a_timeout_out_of_range_names_its_flag_or_variable() {
    let sb = Sandbox::new();
    let flag = ["login", "--username", DEMO_USERNAME, "--timeout", "0"];
    let by_flag = sb.run(&flag, &secrets(), "");
    by_flag.assert_code(2);
    let mut env = secrets();
    env.push(("CRMCTL_CONNECT_TIMEOUT", "90000"));
    let by_env = sb.run(&["login", "--username", DEMO_USERNAME], &env, "");
    by_env.assert_code(3);
    crate::snap::assert(
        &sb,
        &[],
        crate::snap::runs(&[
            (&flag, &by_flag),
            (
                &[
                    "CRMCTL_CONNECT_TIMEOUT=90000",
                    "login",
                    "--username",
                    DEMO_USERNAME,
                ],
                &by_env,
            ),
        ]),
        snapbox::file!["../fixtures/transcripts/login-timeout-out-of-range.txt"],
    );
}

/// Route counts an emulator served, without its stats route.
fn routes(emu: &Background) -> std::collections::BTreeMap<String, u64> {
    emu.stats().routes
}

#[test]
fn login_is_one_token_then_versions_and_one_composite_of_four_describes() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let before = emu.stats();
    let out = login(&sb, &emu, DEMO_USERNAME, &["--json"]);
    out.assert_code(0);
    let after = emu.stats();
    let r = routes(&emu);
    assert_eq!(r.get("token"), Some(&1), "{r:?}");
    assert_eq!(r.get("versions"), Some(&1), "{r:?}");
    assert_eq!(r.get("composite"), Some(&1), "{r:?}");
    assert_eq!(
        r.get("describe"),
        None,
        "describes ride in the composite: {r:?}"
    );
    assert_eq!(after.total - before.total, 3, "{r:?}");
    assert_eq!(
        after.api_calls - before.api_calls,
        1,
        "the composite is one API call"
    );
    let objects = out.json()["data"]["objects"].clone();
    assert_eq!(
        objects,
        serde_json::json!([
            {"object": "Account", "visible": true, "hidden_fields": []},
            {"object": "Contact", "visible": true, "hidden_fields": []},
            {"object": "Lead", "visible": true, "hidden_fields": []},
            {"object": "Case", "visible": true, "hidden_fields": []},
        ])
    );
}

#[test]
fn a_my_domain_login_keeps_one_client_and_reuses_the_token_connection() {
    // Login host = instance host: the token's connection carries one of the two
    // parallel calls; a second client (or no pooling) would open three or four.
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let out = sb.run(
        &[
            "login",
            "--login-url",
            &emu.base_url,
            "--username",
            DEMO_USERNAME,
        ],
        &secrets(),
        "",
    );
    out.assert_code(0);
    let s = emu.stats();
    assert_eq!(s.total, 3, "{:?}", s.routes);
    assert!(
        s.connections <= 2,
        "{} connections for 3 requests on one host (HTTP/1.1: the token's, and one for the parallel call)",
        s.connections
    );
}

/// With the org's URL known ahead (`--instance-url`, ApplicationHost), the versions
/// list is read on the org's connection while the token request is in flight, so
/// after the token only the composite remains, on that same connection.
#[test]
fn a_known_org_url_leaves_one_round_trip_after_the_token() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    // The token answer waits for the warm-up (crate::gate): the order is the test's,
    // not the scheduler's.
    let warmed = |org: &str| {
        let args = [
            "login",
            "--login-url",
            "{login}",
            "--username",
            DEMO_USERNAME,
            "--instance-url",
            org,
            "--json",
        ];
        let env: Vec<(&str, String)> = secrets().iter().map(|(k, v)| (*k, v.to_string())).collect();
        crate::gate::run_warmed(&sb, &emu.login_url, &args, &env)
    };
    let out = warmed(&emu.base_url);
    out.assert_code(0);
    let s = emu.stats();
    assert_eq!(s.routes.get("versions"), Some(&1), "{:?}", s.routes);
    assert_eq!(s.routes.get("composite"), Some(&1), "{:?}", s.routes);
    assert_eq!(s.total, 3, "{:?}", s.routes);
    assert_eq!(s.connections, 2, "the login host's and the org's, reused");
    assert_eq!(
        out.json()["data"]["api_version_offered"],
        true,
        "{}",
        out.stdout
    );

    // A hint that is not the token's instance: the versions list is asked again there.
    let other = Background::start(Config::default()).expect("emulator");
    let out = warmed(&other.base_url);
    out.assert_code(0);
    assert_eq!(other.stats().routes.get("versions"), Some(&1));
    assert_eq!(emu.stats().routes.get("versions"), Some(&2));
}

/// A settings file's ApplicationHost is the hint for the org of its LoginEndPoint;
/// `--login-url` pointing at another org sets it aside (nothing is sent there).
#[test]
fn application_host_is_the_hint_unless_the_login_is_pointed_elsewhere() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let key = sb.key_profile();
    let yaml = settings_yaml(&emu).replace(
        &format!("value: \"{}/services/oauth2/token\" }}\n", emu.base_url),
        &format!(
            "value: \"{}/services/oauth2/token\" }}\n      - {{ setting: ApplicationHost, scope: CrmService, value: \"{}/\" }}\n",
            emu.login_url, emu.base_url
        ),
    );
    assert!(yaml.contains("ApplicationHost"), "{yaml}");
    let yaml = sb.write_private("estate.yaml", &yaml);
    let args = |extra: &[&str]| {
        let mut a = vec![
            "--key-file",
            key.to_str().expect("utf8"),
            "login",
            "--settings",
            yaml.to_str().expect("utf8"),
            "--ucc",
            "helpdesk",
        ];
        a.extend_from_slice(extra);
        a.iter().map(|s| s.to_string()).collect::<Vec<_>>()
    };
    let run = |a: Vec<String>| {
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        sb.run(&a, &[], "")
    };
    run(args(&[])).assert_code(0);
    let s = emu.stats();
    assert_eq!(s.routes.get("versions"), Some(&1), "{:?}", s.routes);
    assert_eq!(s.connections, 2, "login host, and the org's opened ahead");

    let other = Background::start(Config::default()).expect("emulator");
    run(args(&["--login-url", &other.base_url])).assert_code(0);
    assert_eq!(
        emu.stats().total,
        s.total,
        "the settings file's org was contacted"
    );
}

#[test]
fn versions_before_38_describe_one_object_at_a_time() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let out = login(
        &sb,
        &emu,
        DEMO_USERNAME,
        &["--api-version", "37.0", "--json"],
    );
    out.assert_code(0);
    let r = routes(&emu);
    assert_eq!(r.get("composite"), None, "{r:?}");
    assert_eq!(r.get("describe"), Some(&4), "{r:?}");
    assert_eq!(out.json()["data"]["objects"][3]["visible"], true);
}

/// A fake org: token, versions, and describes; `/composite` answered by `composite`.
fn fake_org(composite: fn(&str) -> (u16, String)) -> crate::hostile_server::Server {
    use crate::hostile_server::{Server, respond, token_ok};
    Server::start(move |req, w, base| {
        let path = req.path.as_str();
        if req.method == "POST" && path.ends_with("/oauth2/token") {
            respond(w, 200, &[], &token_ok(base));
        } else if path == "/services/data/" {
            respond(
                w,
                200,
                &[],
                r#"[{"version":"60.0","label":"Spring '24","url":"/services/data/v60.0"}]"#,
            );
        } else if req.method == "POST" && path.ends_with("/composite") {
            let (status, body) = composite(&req.body);
            respond(
                w,
                status,
                &[("Sforce-Limit-Info", "api-usage=7/15000")],
                &body,
            );
        } else if path.ends_with("/sobjects/Case/describe") {
            respond(
                w,
                404,
                &[],
                r#"[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]"#,
            );
        } else if path.ends_with("/describe") {
            respond(
                w,
                200,
                &[],
                r#"{"name":"X","fields":[{"name":"Id"},{"name":"Phone"},{"name":"MobilePhone"},{"name":"Email"}]}"#,
            );
        } else {
            respond(
                w,
                404,
                &[],
                r#"[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]"#,
            );
        }
    })
}

fn run_against(org: &crate::hostile_server::Server) -> Run {
    crate::hostile::run(
        &Sandbox::new(),
        &org.url,
        &["login", "--username", "u@x.example", "--json"],
    )
}

#[test]
fn a_describe_that_fails_inside_the_composite_is_reported_not_visible() {
    // Answers in another order than asked, as a reference id names each one.
    let org = fake_org(|body| {
        let req: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
        let mut subs: Vec<serde_json::Value> = req["compositeRequest"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .map(|s| {
                let r = s["referenceId"].clone();
                if s["url"].as_str().is_some_and(|u| u.contains("/Case/")) {
                    serde_json::json!({"body": [{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}], "httpHeaders": {}, "httpStatusCode": 404, "referenceId": r})
                } else {
                    // Every field the screen pop reads but MobilePhone.
                    let fields: Vec<serde_json::Value> = ["Id", "Name", "Phone", "Fax", "Type", "BillingCity", "HomePhone", "OtherPhone", "AssistantPhone", "Email", "Title", "AccountId", "Company", "Status", "IsConverted"]
                        .iter()
                        .map(|f| serde_json::json!({"name": f}))
                        .collect();
                    serde_json::json!({"body": {"name": "X", "fields": fields}, "httpHeaders": {}, "httpStatusCode": 200, "referenceId": r})
                }
            })
            .collect();
        subs.reverse();
        (
            200,
            serde_json::json!({"compositeResponse": subs}).to_string(),
        )
    });
    let out = run_against(&org);
    out.assert_code(1);
    let d = out.json()["data"].clone();
    assert_eq!(
        d["objects"][0],
        serde_json::json!({"object": "Account", "visible": true, "hidden_fields": []})
    );
    assert_eq!(
        d["objects"][1]["hidden_fields"],
        serde_json::json!(["MobilePhone"])
    );
    assert_eq!(
        d["objects"][3],
        serde_json::json!({"object": "Case", "visible": false, "hidden_fields": []})
    );
    assert_eq!(d["api_usage"]["used"], 7);
    let posts = org
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/composite"))
        .count();
    let describes = org
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/describe"))
        .count();
    assert_eq!((posts, describes), (1, 0));
    let sent: serde_json::Value = org
        .requests()
        .iter()
        .find(|r| r.path.ends_with("/composite"))
        .and_then(|r| serde_json::from_str(&r.body).ok())
        .unwrap_or_default();
    assert_eq!(
        sent["compositeRequest"][3]["url"],
        "/services/data/v60.0/sobjects/Case/describe"
    );
    assert_eq!(sent["compositeRequest"][3]["method"], "GET");
}

#[test]
fn an_org_without_composite_gets_the_four_describes() {
    let org = fake_org(|_| {
        (
            404,
            r#"[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]"#
                .into(),
        )
    });
    let out = run_against(&org);
    out.assert_code(1);
    let d = out.json()["data"].clone();
    let visible: Vec<bool> = d["objects"]
        .as_array()
        .map(|a| a.iter().map(|o| o["visible"] == true).collect())
        .unwrap_or_default();
    assert_eq!(visible, [true, true, true, false]);
    let describes = org
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/describe"))
        .count();
    assert_eq!(describes, 4);
}

#[test]
fn a_composite_answer_of_the_wrong_shape_is_a_remote_error() {
    let org = fake_org(|_| {
        (200, r#"{"compositeResponse":[{"body":{},"httpStatusCode":200,"referenceId":"someone_else"}]}"#.into())
    });
    let out = run_against(&org);
    out.assert_code(4);
    assert_eq!(out.json()["error"]["kind"], "remote");
    assert!(
        out.stdout.contains("no result for describe_Account"),
        "{}",
        out.stdout
    );
}
