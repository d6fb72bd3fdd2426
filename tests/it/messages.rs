//! The smaller messages: each says what happened in the user's terms and names the
//! right flag or variable (issue 18, item 18).

use crate::support::{Run, Sandbox};

fn run(sb: &Sandbox, args: &[&str], env: &[(&str, &str)], stdin: &str) -> Run {
    sb.run(args, env, stdin)
}

#[test]
fn a_missing_to_passphrase_names_the_variable_rekey_reads() {
    let sb = Sandbox::new();
    let from = sb.key_profile();
    let to = sb.write_private(
        "to.yaml",
        "derive: { kdf: pbkdf2-sha1, iterations: 1000, salt: hex:0001020304050607, key_bytes: 32 }\n",
    );
    let f = sb.write_private(
        "e.yaml",
        "uccs: [{name: a, settings: [{setting: Password, value: x}]}]\n",
    );
    let out = run(
        &sb,
        &[
            "rekey",
            "--from",
            from.to_str().expect("utf8"),
            "--to",
            to.to_str().expect("utf8"),
            f.to_str().expect("utf8"),
        ],
        &[("CRMCTL_TO_PASSPHRASE", "")],
        "",
    );
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr.contains("CRMCTL_TO_PASSPHRASE"),
        "{}",
        out.stderr
    );
    assert!(
        !out.stderr.contains("CRMCTL_KEY_PASSPHRASE"),
        "{}",
        out.stderr
    );
}

#[test]
fn json_usage_errors_name_the_missing_argument() {
    let sb = Sandbox::new();
    let out = run(&sb, &["--json", "decrypt"], &[], "");
    out.assert_code(2);
    let message = out.json()["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(message.contains("<ENCRYPTED>"), "{message}");
}

#[test]
fn no_input_says_it_forbids_asking_not_that_there_is_no_terminal() {
    let sb = Sandbox::new();
    let out = run(
        &sb,
        &["--no-input", "login", "--username", "a@b.c"],
        &[],
        "",
    );
    out.assert_code(2);
    assert!(out.stderr.contains("--no-input"), "{}", out.stderr);
    assert!(!out.stderr.contains("no terminal"), "{}", out.stderr);
}

#[test]
fn a_zero_probe_timeout_is_refused_in_plain_words() {
    let sb = Sandbox::new();
    let f = sb.write_private(
        "e.yaml",
        &crate::validate::yaml(&[("a", crate::validate::good_rows("127.0.0.1:9"))]),
    );
    let key = sb.key_profile();
    let out = run(
        &sb,
        &[
            "--key-file",
            key.to_str().expect("utf8"),
            "validate-settings",
            "--probe",
            "--probe-timeout",
            "0",
            f.to_str().expect("utf8"),
        ],
        &[],
        "",
    );
    out.assert_code(2);
    assert!(out.stderr.contains("more than 0"), "{}", out.stderr);
    assert!(!out.stderr.contains("between 0"), "{}", out.stderr);
}

#[test]
fn a_server_that_does_not_speak_http_is_named_so() {
    // A banner before the request (SSH), and an answer that is not HTTP after it.
    for banner_first in [true, false] {
        not_http(banner_first);
    }
}

fn not_http(banner_first: bool) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        use std::io::{Read, Write};
        // Bounded: the client retries at most a few times.
        for conn in listener.incoming().take(8) {
            let Ok(mut conn) = conn else { break };
            if !banner_first {
                let mut buf = [0u8; 4096];
                let _ = conn.read(&mut buf);
            }
            let _ = conn.write_all(b"SSH-2.0-OpenSSH_9.6\r\nProtocol mismatch.\r\n");
        }
    });
    let sb = Sandbox::new();
    let env = crate::support::demo_env(&format!("http://{addr}"));
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let out = run(&sb, &["login"], &env, "");
    out.assert_code(4);
    assert!(out.stderr.contains("not in HTTP"), "{}", out.stderr);
    assert!(!out.stderr.contains("could not reach"), "{}", out.stderr);
}

#[test]
fn doctor_calls_a_withheld_caller_withheld_as_lookup_does() {
    let emu = emulator::Background::start(emulator::Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let env = crate::support::demo_env(&emu.base_url);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let out = run(&sb, &["--json", "doctor", "--ani", "anonymous"], &env, "");
    let pops: Vec<String> = out.json()["data"]["uccs"][0]["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .filter(|s| s["step"] == "screen-pop")
        .map(|s| s.to_string())
        .collect();
    assert_eq!(pops.len(), 1, "{}", out.stdout);
    assert!(pops[0].contains("withheld"), "{}", pops[0]);
    assert!(!pops[0].contains("no match"), "{}", pops[0]);
}

#[test]
fn settings_init_into_a_folder_does_not_suggest_force() {
    let sb = Sandbox::new();
    let dir = sb.path("out");
    std::fs::create_dir(&dir).expect("mkdir");
    let out = run(
        &sb,
        &["settings", "init", "--out", dir.to_str().expect("utf8")],
        &[],
        "",
    );
    out.assert_code(3);
    assert!(out.stderr.contains("is a folder"), "{}", out.stderr);
    assert!(!out.stderr.contains("--force"), "{}", out.stderr);
}

#[test]
fn region_uk_suggests_gb() {
    let sb = Sandbox::new();
    let out = run(&sb, &["lookup", "--region", "UK", "020 7946 0000"], &[], "");
    out.assert_code(2);
    assert!(out.stderr.contains("did you mean GB?"), "{}", out.stderr);
}

#[test]
fn empty_names_and_a_second_stdin_are_refused() {
    let sb = Sandbox::new();
    let f = sb.write_private("PluginSettings.csv", "Title,Value,Scope\n");
    let out = run(
        &sb,
        &["validate-settings", "--ucc", "", f.to_str().expect("utf8")],
        &[],
        "",
    );
    out.assert_code(2);
    assert!(out.stderr.contains("--ucc"), "{}", out.stderr);
    let yaml = crate::validate::yaml(&[("a", crate::validate::good_rows("ucc.contoso.local"))]);
    let key = sb.key_profile();
    let out = run(
        &sb,
        &[
            "--key-file",
            key.to_str().expect("utf8"),
            "validate-settings",
            "-",
            "-",
        ],
        &[],
        &yaml,
    );
    out.assert_code(3);
    assert!(out.stderr.contains("already read"), "{}", out.stderr);
    assert!(!out.stderr.contains("is empty"), "{}", out.stderr);
}

#[test]
fn control_characters_in_a_secret_are_warned_about() {
    let sb = Sandbox::new();
    let key = sb.key_profile();
    let k = key.to_str().expect("utf8");
    for secret in ["ab\u{1b}[31mc", "a\tb", "ab\u{7f}"] {
        let out = run(
            &sb,
            &["--key-file", k, "encrypt", "--value", "--stdin"],
            &[],
            &format!("{secret}\n"),
        );
        out.assert_code(0);
        assert!(
            out.stderr.contains("control character"),
            "{secret:?}: {}",
            out.stderr
        );
    }
    let out = run(
        &sb,
        &["--key-file", k, "encrypt", "--value", "--stdin"],
        &[],
        "abc\n",
    );
    assert!(!out.stderr.contains("warning"), "{}", out.stderr);
}
