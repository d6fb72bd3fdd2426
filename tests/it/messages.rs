//! The smaller messages: each says what happened in the user's terms and names the
//! right flag or variable (issue 18, item 18). Each test is a transcript (the command
//! line, the exit code, stdout and stderr) kept inline: rewrite them after a
//! deliberate change with `SNAPSHOTS=overwrite cargo test --test it messages::` and
//! read the diff.

use snapbox::str;

use crate::snap::transcript;
use crate::support::Sandbox;

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
    let (from, to, f) = (
        from.to_str().expect("utf8"),
        to.to_str().expect("utf8"),
        f.to_str().expect("utf8"),
    );
    transcript(
        &sb,
        &["rekey", "--from", from, "--to", to, f],
        &[("CRMCTL_TO_PASSPHRASE", "")],
        "",
        &[],
        str![[r#"
$ crmctl rekey --from [ROOT]/key.yaml --to [ROOT]/to.yaml [ROOT]/e.yaml
? 3
--- stdout
--- stderr
error: key profile [ROOT]/to.yaml derives its key from a passphrase, and none (or an empty one) was given
hint: set CRMCTL_TO_PASSPHRASE or run on a terminal

"#]],
    );
}

#[test]
fn json_usage_errors_name_the_missing_argument() {
    let sb = Sandbox::new();
    transcript(
        &sb,
        &["--json", "decrypt"],
        &[],
        "",
        &[],
        str![[r#"
$ crmctl --json decrypt
? 2
--- stdout
{
  "schema_version": 1,
  "command": "decrypt",
  "exit_code": 2,
  "data": null,
  "error": {
    "kind": "usage",
    "message": "the following required arguments were not provided: <ENCRYPTED>",
    "causes": [],
    "hints": [
      "run `crmctl --help` for usage"
    ]
  },
  "warnings": []
}
--- stderr
error: the following required arguments were not provided:
  <ENCRYPTED>

Usage: crmctl decrypt <ENCRYPTED>

For more information, try '--help'.

"#]],
    );
}

#[test]
fn no_input_says_it_forbids_asking_not_that_there_is_no_terminal() {
    let sb = Sandbox::new();
    transcript(
        &sb,
        &["--no-input", "login", "--username", "a@b.c"],
        &[],
        "",
        &[],
        str![[r#"
$ crmctl --no-input login --username a@b.c
? 2
--- stdout
--- stderr
error: cannot ask for the Salesforce password: --no-input forbids asking; pass --stdin or set CRMCTL_PASSWORD
hint: secrets are never taken as command-line arguments; see `crmctl login --help`

"#]],
    );
}

#[test]
fn a_zero_probe_timeout_is_refused_in_plain_words() {
    let sb = Sandbox::new();
    let f = sb.write_private(
        "e.yaml",
        &crate::validate::yaml(&[("a", crate::validate::good_rows("127.0.0.1:9"))]),
    );
    let key = sb.key_profile();
    let (key, f) = (key.to_str().expect("utf8"), f.to_str().expect("utf8"));
    transcript(
        &sb,
        &[
            "--key-file",
            key,
            "validate-settings",
            "--probe",
            "--probe-timeout",
            "0",
            f,
        ],
        &[],
        "",
        &[],
        str![[r#"
$ crmctl --key-file [ROOT]/key.yaml validate-settings --probe --probe-timeout 0 [ROOT]/e.yaml
? 2
--- stdout
--- stderr
error: --probe-timeout must be more than 0 and less than 3600 seconds, not 0

"#]],
    );
}

/// A server on loopback that answers every connection with an SSH banner: before
/// the request (`banner_first`), or after reading it. Returns its `http://` URL.
fn not_http_server(banner_first: bool) -> String {
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
    format!("http://{addr}")
}

#[test]
fn a_server_that_does_not_speak_http_is_named_so() {
    // A banner before the request (SSH), and an answer that is not HTTP after it:
    // the same message for both. The cause is hyper's words, which depend on when
    // the banner arrives, so only its start is compared.
    for banner_first in [true, false] {
        let url = not_http_server(banner_first);
        let sb = Sandbox::new();
        let env = crate::support::demo_env(&url);
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        transcript(
            &sb,
            &["login"],
            &env,
            "",
            &[("[SERVER]", &url)],
            str![[r#"
$ crmctl login
? 4
--- stdout
--- stderr
error: the server answered, but not in HTTP
  caused by: error sending request for url ([SERVER]/services/oauth2/token): client error (SendRequest): [..]
hint: check the URL and its port: it should name a Salesforce host (https://<MyDomain>.my.salesforce.com), not a mail, SSH or database server

"#]],
        );
    }
}

#[test]
fn doctor_calls_a_withheld_caller_withheld_as_lookup_does() {
    let emu = emulator::Background::start(emulator::Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let env = crate::support::demo_env(&emu.base_url);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let out = sb.run(&["--json", "doctor", "--ani", "anonymous"], &env, "");
    let pops: Vec<serde_json::Value> = out.json()["data"]["uccs"][0]["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .filter(|s| s["step"] == "screen-pop")
        .cloned()
        .collect();
    let mut pops = serde_json::Value::Array(pops);
    pops[0]["ms"] = serde_json::Value::Null; // the one thing that varies
    snapbox::assert_data_eq!(
        serde_json::to_string_pretty(&pops).expect("json"),
        str![[r#"
[
  {
    "step": "screen-pop",
    "status": "warn",
    "detail": "number anonymous: withheld caller, nothing is searched and the agent gets a blank new record",
    "hint": "give a caller's number to test the screen pop",
    "ms": null
  }
]
"#]]
    );
}

#[test]
fn settings_init_into_a_folder_does_not_suggest_force() {
    let sb = Sandbox::new();
    let dir = sb.path("out");
    std::fs::create_dir(&dir).expect("mkdir");
    transcript(
        &sb,
        &["settings", "init", "--out", dir.to_str().expect("utf8")],
        &[],
        "",
        &[],
        str![[r#"
$ crmctl settings init --out [ROOT]/out
? 3
--- stdout
--- stderr
error: [ROOT]/out is a folder; --out names the file to write
hint: give a file name, e.g. --out [ROOT]/out/settings.yaml

"#]],
    );
}

#[test]
fn region_uk_suggests_gb() {
    let sb = Sandbox::new();
    transcript(
        &sb,
        &["lookup", "--region", "UK", "020 7946 0000"],
        &[],
        "",
        &[],
        str![[r#"
$ crmctl lookup --region UK '020 7946 0000'
? 2
--- stdout
--- stderr
error: --region: `UK` is not a known region code (two letters, such as NL, US or GB); did you mean GB?
hint: give a two-letter country code, e.g. --region NL

"#]],
    );
}

#[test]
fn empty_names_and_a_second_stdin_are_refused() {
    let sb = Sandbox::new();
    let f = sb.write_private("PluginSettings.csv", "Title,Value,Scope\n");
    transcript(
        &sb,
        &["validate-settings", "--ucc", "", f.to_str().expect("utf8")],
        &[],
        "",
        &[],
        str![[r#"
$ crmctl validate-settings --ucc '' [ROOT]/PluginSettings.csv
? 2
--- stdout
--- stderr
error: invalid value '' for '--ucc <NAME>': the name is empty

For more information, try '--help'.

"#]],
    );
    let yaml = crate::validate::yaml(&[("a", crate::validate::good_rows("ucc.contoso.local"))]);
    let key = sb.key_profile();
    transcript(
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
        &[],
        str![[r#"
$ crmctl --key-file [ROOT]/key.yaml validate-settings - -
? 3
--- stdout
--- stderr
error: cannot read stdin: stdin (-) was already read by this run; give `-` once

"#]],
    );
}

#[test]
fn control_characters_in_a_secret_are_warned_about() {
    let sb = Sandbox::new();
    let key = sb.key_profile();
    let k = key.to_str().expect("utf8");
    let args = ["--key-file", k, "encrypt", "--value", "--stdin"];
    // The encrypted string is random (a fresh IV each time): only the warnings are
    // compared, and that each run succeeded.
    let warnings = |secret: &str| {
        let out = sb.run(&args, &[], &format!("{secret}\n"));
        format!("{secret:?}: ? {}\n{}", out.code, out.stderr)
    };
    let all: String = ["ab\u{1b}[31mc", "a\tb", "ab\u{7f}", "abc"]
        .iter()
        .map(|s| warnings(s))
        .collect();
    crate::snap::assert(
        &sb,
        &[],
        all,
        str![[r#"
"ab\u{1b}[31mc": ? 0
warning: the value holds a control character (a tab, an escape or another invisible one), which will be encrypted as part of it; check for a copy-paste slip
Encrypted 8 characters (value); paste the string into the UCC's ClientId or ClientSecret setting.
"a\tb": ? 0
warning: the value holds a control character (a tab, an escape or another invisible one), which will be encrypted as part of it; check for a copy-paste slip
Encrypted 3 characters (value); paste the string into the UCC's ClientId or ClientSecret setting.
"ab\u{7f}": ? 0
warning: the value holds a control character (a tab, an escape or another invisible one), which will be encrypted as part of it; check for a copy-paste slip
Encrypted 3 characters (value); paste the string into the UCC's ClientId or ClientSecret setting.
"abc": ? 0
Encrypted 3 characters (value); paste the string into the UCC's ClientId or ClientSecret setting.

"#]],
    );
}
