//! One failure vocabulary: the same cause gives the same exit code and the same
//! `error.kind` in `login`, `lookup`, `lookup --file`, `validate-settings --login`
//! and `validate-settings --probe`, against the emulator and a hostile server.
//! The mapping itself lives in src/error.rs (`sf_kind`).

use emulator::default_org::*;
use emulator::{Background, Config, Faults};

use crate::hostile_server::{Server, respond};
use crate::support::{Run, Sandbox, test_cipher};

struct Target {
    login_url: String,
    username: &'static str,
    ca: Option<String>,
    /// What answers at the login URL, kept alive for the test.
    _keep: Box<dyn std::any::Any>,
}

fn closed_port() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", l.local_addr().expect("addr"));
    drop(l);
    url
}

/// The causes of the table, each with the exit code and `error.kind` it must give.
fn causes() -> Vec<(&'static str, u8, &'static str)> {
    vec![
        ("credentials rejected", 1, "rejected"),
        ("unreachable", 4, "remote"),
        ("REQUEST_LIMIT_EXCEEDED", 4, "remote"),
        ("HTTP 500", 4, "remote"),
        ("redirect", 4, "remote"),
        ("unknown TLS issuer", 4, "remote"),
    ]
}

fn target(cause: &str) -> Target {
    let emu = |faults: Faults, tls: bool| {
        Background::start(Config {
            faults,
            tls,
            ..Config::default()
        })
        .expect("emulator")
    };
    let from_emu = |e: Background, username| Target {
        login_url: e.base_url.clone(),
        username,
        ca: None,
        _keep: Box::new(e),
    };
    match cause {
        "credentials rejected" => from_emu(emu(Faults::default(), false), "nobody@crmctl.example"),
        "unreachable" => Target {
            login_url: closed_port(),
            username: DEMO_USERNAME,
            ca: None,
            _keep: Box::new(()),
        },
        "REQUEST_LIMIT_EXCEEDED" => from_emu(
            emu(
                Faults {
                    request_limit: Some(0),
                    ..Faults::default()
                },
                false,
            ),
            DEMO_USERNAME,
        ),
        "HTTP 500" => {
            let s = Server::start(|_, w, _| {
                respond(
                    w,
                    500,
                    &[],
                    r#"[{"errorCode":"UNKNOWN_EXCEPTION","message":"An unexpected error occurred"}]"#,
                )
            });
            Target {
                login_url: s.url.clone(),
                username: DEMO_USERNAME,
                ca: None,
                _keep: Box::new(s),
            }
        }
        "redirect" => {
            let s = Server::start(|_, w, _| {
                respond(w, 302, &[("Location", "https://elsewhere.example/x")], "")
            });
            Target {
                login_url: s.url.clone(),
                username: DEMO_USERNAME,
                ca: None,
                _keep: Box::new(s),
            }
        }
        "unknown TLS issuer" => from_emu(emu(Faults::default(), true), DEMO_USERNAME),
        other => panic!("no such cause {other}"),
    }
}

fn secrets(t: &Target) -> Vec<(&'static str, String)> {
    let mut e = crate::support::demo_env(&t.login_url);
    if let Some(u) = e.iter_mut().find(|(k, _)| *k == "CRMCTL_USERNAME") {
        u.1 = t.username.to_string();
    }
    if let Some(ca) = &t.ca {
        e.push(("CRMCTL_CA_CERT", ca.clone()));
    }
    e
}

fn run(sb: &Sandbox, t: &Target, args: &[&str]) -> Run {
    let e = secrets(t);
    let pairs: Vec<(&str, &str)> = e.iter().map(|(k, v)| (*k, v.as_str())).collect();
    sb.run(args, &pairs, "")
}

/// A settings file that passes every rule, logging in at the target.
fn settings(t: &Target) -> String {
    let c = test_cipher();
    let rows = [
        ("ListsEndpoints", "ListsPlugin", "http://ucc1.contoso.local/webagentservice/api/v1/settings;http://ucc1.contoso.local/CrmServiceSalesforce/api/v1/settings".to_string()),
        ("CrmServiceUrl", "WebAgentService", "http://ucc1.contoso.local/CrmServiceSalesforce".into()),
        // A test org logs in where it is (login-host-mismatch): then it is the org too.
        ("ApplicationHost", "CrmService", if t.login_url.contains("127.0.0.1") {
            format!("{}/", t.login_url)
        } else {
            "https://eu6.salesforce.com/".into()
        }),
        ("Username", "CrmService", t.username.into()),
        ("Password", "CrmService", c.encrypt_to_base64(&format!("{DEMO_PASSWORD}{DEMO_SECURITY_TOKEN}"))),
        ("ClientId", "CrmService", c.encrypt_to_base64(DEMO_CLIENT_ID)),
        ("ClientSecret", "CrmService", c.encrypt_to_base64(DEMO_CLIENT_SECRET)),
        ("ApiEndPoint", "CrmService", "services/data/v60.0/".into()),
        ("LoginEndPoint", "CrmService", format!("{}/services/oauth2/token", t.login_url)),
    ];
    let mut y = String::from("uccs:\n  - name: helpdesk\n    settings:\n");
    for (s, scope, v) in rows {
        y.push_str(&format!(
            "      - {{ setting: {s}, scope: {scope}, value: \"{v}\" }}\n"
        ));
    }
    y
}

#[track_caller]
fn check(what: &str, out: &Run, code: u8, kind: &str) {
    assert_eq!(
        out.code,
        i32::from(code),
        "{what}: exit code\nstdout:\n{}\nstderr:\n{}",
        out.stdout,
        out.stderr
    );
    assert_eq!(
        out.json()["error"]["kind"],
        kind,
        "{what}: error.kind\n{}",
        out.stdout
    );
    assert_eq!(out.json()["exit_code"], code, "{what}");
}

#[test]
fn the_same_cause_gives_the_same_exit_code_and_kind_in_every_command() {
    let sb = Sandbox::new();
    let key = sb.key_profile();
    let numbers = sb.write_private("numbers.txt", "+14155551212\n");
    for (cause, code, kind) in causes() {
        let t = target(cause);
        let out = run(&sb, &t, &["login", "--json"]);
        check(&format!("login / {cause}"), &out, code, kind);
        let out = run(&sb, &t, &["lookup", "--json", "+14155551212"]);
        check(&format!("lookup / {cause}"), &out, code, kind);
        let out = run(
            &sb,
            &t,
            &[
                "lookup",
                "--json",
                "--file",
                numbers.to_str().expect("utf8"),
            ],
        );
        check(&format!("lookup --file / {cause}"), &out, code, kind);
        let estate = sb.write_private("estate.yaml", &settings(&t));
        let out = run(
            &sb,
            &t,
            &[
                "--key-file",
                key.to_str().expect("utf8"),
                "validate-settings",
                "--json",
                "--login",
                estate.to_str().expect("utf8"),
            ],
        );
        let what = format!("validate-settings --login / {cause}");
        let d = out.json()["data"].clone();
        assert_eq!(d["logins"][0]["error_kind"], kind, "{what}: {d}");
        // A loopback LoginEndPoint is a test org (a warning), so nothing but the
        // login itself decides the exit code here.
        let other_errors: Vec<_> = d["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|f| f["severity"] == "error" && f["rule"] != "login-failed")
            .collect();
        assert!(other_errors.is_empty(), "{what}: {other_errors:?}");
        check(&what, &out, code, kind);
        let out = run(&sb, &t, &["doctor", "--json"]);
        let what = format!("doctor / {cause}");
        assert_eq!(
            out.code,
            i32::from(code),
            "{what}\n{}\n{}",
            out.stdout,
            out.stderr
        );
        let login = out.json()["data"]["uccs"][0]["steps"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|s| s["step"] == "login")
            .cloned()
            .unwrap_or_default();
        assert_eq!(login["status"], "fail", "{what}: {login}");
        assert_eq!(login["kind"], kind, "{what}: {login}");
    }
}

/// validate-settings and doctor rank outcomes alike: a refused login (a "no") wins over a
/// check that could not complete, which wins over success.
#[test]
fn a_no_comes_before_could_not_answer_in_validate_settings() {
    let sb = Sandbox::new();
    let key = sb.key_profile();
    let refused = target("credentials rejected");
    let unreachable = target("unreachable");
    let one = |t: &Target, name: &str| {
        settings(t).replace("uccs:\n  - name: helpdesk", &format!("  - name: {name}"))
    };
    let both = format!(
        "uccs:\n{}{}",
        one(&refused, "sales"),
        one(&unreachable, "support")
    );
    let only_unreachable = format!("uccs:\n{}", one(&unreachable, "support"));
    for (what, yaml, code, kind) in [
        ("refused and unreachable", both, 1, "rejected"),
        ("unreachable only", only_unreachable, 4, "remote"),
    ] {
        let estate = sb.write_private("estate.yaml", &yaml);
        let out = sb.run(
            &[
                "--key-file",
                key.to_str().expect("utf8"),
                "validate-settings",
                "--json",
                "--login",
                estate.to_str().expect("utf8"),
            ],
            &[],
            "",
        );
        check(what, &out, code, kind);
    }
}

#[test]
fn probes_that_cannot_complete_exit_4_and_a_wrong_url_exits_1() {
    let sb = Sandbox::new();
    let emu = Background::start(Config::default()).expect("emulator");
    let busy = Server::start(|_, w, _| respond(w, 503, &[], "busy"));
    let missing = Server::start(|_, w, _| respond(w, 404, &[], "no such page"));
    let cases: Vec<(&str, String, u8, Option<&str>)> = vec![
        ("answers", emu.base_url.clone(), 0, None),
        ("unreachable", closed_port(), 4, Some("remote")),
        ("HTTP 503", busy.url.clone(), 4, Some("remote")),
        ("HTTP 404", missing.url.clone(), 1, None),
    ];
    for (what, url, code, kind) in cases {
        let host = url.trim_start_matches("http://");
        let yaml = settings(&Target {
            login_url: "https://login.salesforce.com".into(),
            username: DEMO_USERNAME,
            ca: None,
            _keep: Box::new(()),
        })
        .replace("ucc1.contoso.local", host);
        let estate = sb.write_private("estate.yaml", &yaml);
        let out = sb.run(
            &[
                "validate-settings",
                "--json",
                "--probe",
                "--probe-timeout",
                "3",
                estate.to_str().expect("utf8"),
            ],
            &[],
            "",
        );
        assert_eq!(out.code, i32::from(code), "{what}: {}", out.stdout);
        match kind {
            Some(k) => assert_eq!(out.json()["error"]["kind"], k, "{what}"),
            None => assert!(out.json()["error"].is_null(), "{what}"),
        }
    }
}

/// A missing key profile is local configuration (3) wherever settings are decrypted.
#[test]
fn a_missing_key_profile_is_local_input_in_every_command() {
    let sb = Sandbox::new();
    let t = target("credentials rejected");
    let estate = sb.write_private("estate.yaml", &settings(&t));
    let estate = estate.to_str().expect("utf8");
    for args in [
        vec!["validate-settings", "--json", "--login", estate],
        vec!["login", "--json", "--settings", estate, "--ucc", "helpdesk"],
        vec!["doctor", "--json", "--settings", estate],
    ] {
        let out = sb.run(&args, &[], "");
        check(&args.join(" "), &out, 3, "input");
    }
}

/// A bug is exit 5 with one message (and one JSON document under `--json`), the same
/// whether the build unwinds (tests) or aborts (the release profile): the panic hook
/// decides, not the panic strategy.
#[test]
fn a_bug_is_exit_5_with_one_message_or_one_json_document() {
    let sb = Sandbox::new();
    let panic = [("CRMCTL_DEBUG_PANIC", "1")];
    let text = sb.run(&["encrypt", "--stdin"], &panic, "x");
    text.assert_code(5);
    assert!(text.stdout.is_empty(), "{}", text.stdout);
    assert!(
        text.stderr.starts_with(
            "error: crmctl hit a bug and stopped: CRMCTL_DEBUG_PANIC is set at src/lib.rs:"
        ),
        "{}",
        text.stderr
    );
    assert!(
        text.stderr.contains("hint: please report it"),
        "{}",
        text.stderr
    );
    assert!(
        !text.stderr.contains("panicked at"),
        "the default hook ran too: {}",
        text.stderr
    );

    let json = sb.run(&["lookup", "--json", "+14155551212"], &panic, "");
    json.assert_code(5);
    let doc = json.json();
    assert_eq!(doc["command"], "lookup");
    assert_eq!(doc["exit_code"], 5);
    assert_eq!(doc["error"]["kind"], "internal");
}

/// Output that cannot be written (a full disk) is a local problem: exit 3, with the
/// reason on stderr, in text and under `--json`.
#[test]
fn output_that_cannot_be_written_is_exit_3() {
    let sb = Sandbox::new();
    let key = sb.key_profile();
    for json in [false, true] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full");
        let mut c = sb.cmd(&[
            "--key-file",
            key.to_str().expect("utf8"),
            "encrypt",
            "--value",
            "--stdin",
        ]);
        if json {
            c.arg("--json");
        }
        c.stdin(std::process::Stdio::piped())
            .stdout(full)
            .stderr(std::process::Stdio::piped());
        let mut child = c.spawn().expect("spawn");
        {
            use std::io::Write;
            let mut input = child.stdin.take().expect("stdin");
            let _ = input.write_all(b"s3cret\n");
        }
        let out = crate::support::Run::from(child.wait_with_output().expect("wait"));
        assert_eq!(out.code, 3, "json {json}: {}", out.stderr);
        assert!(
            out.stderr.contains("could not write the output"),
            "{}",
            out.stderr
        );
    }
}

/// `validate-settings --login` has no --timeout, --connect-timeout or --ca-cert: its
/// login-failed hints name the variables it reads instead (login's name the flags).
#[test]
fn validate_settings_hints_name_its_variables_not_login_flags() {
    let sb = Sandbox::new();
    let key = sb.key_profile();
    for (cause, vars) in [
        (
            "unreachable",
            &["CRMCTL_CONNECT_TIMEOUT", "CRMCTL_TIMEOUT"][..],
        ),
        ("unknown TLS issuer", &["CRMCTL_CA_CERT"][..]),
    ] {
        let t = target(cause);
        let estate = sb.write_private("estate.yaml", &settings(&t));
        let out = run(
            &sb,
            &t,
            &[
                "--key-file",
                key.to_str().expect("utf8"),
                "validate-settings",
                "--json",
                "--login",
                estate.to_str().expect("utf8"),
            ],
        );
        let d = out.json()["data"].clone();
        let hint = d["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|f| f["rule"] == "login-failed")
            .map(|f| f["hint"].as_str().unwrap_or("").to_string())
            .unwrap_or_default();
        for flag in ["--timeout", "--connect-timeout", "--ca-cert"] {
            assert!(!hint.contains(flag), "{cause}: {hint}");
        }
        for var in vars {
            assert!(hint.contains(var), "{cause}: {var} in {hint}");
        }
        // `login` keeps naming its flags.
        let out = run(&sb, &t, &["login", "--json"]);
        let hints = out.json()["error"]["hints"].to_string();
        assert!(hints.contains("--"), "{cause}: {hints}");
    }
}
