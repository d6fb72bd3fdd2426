//! Files and pipes as Windows, Excel and SharePoint make them (BOM, CRLF, UTF-16,
//! column and scope spelling), secrets that must not be empty, and parse errors that
//! never quote the file they are about.

use std::io::Write;
use std::process::Stdio;

use serde_json::Value;

use crate::support::{Run, Sandbox, test_cipher};
use crate::validate::{findings, good_rows, set, yaml};

/// A key that must never be printed, in every broken file below.
const SECRET_HEX: &str = "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4";

fn utf16le(text: &str) -> Vec<u8> {
    let mut b = vec![0xff, 0xfe];
    b.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    b
}

fn utf16be(text: &str) -> Vec<u8> {
    let mut b = vec![0xfe, 0xff];
    b.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    b
}

fn run_bytes(sb: &Sandbox, args: &[&str], envs: &[(&str, &str)], stdin: &[u8]) -> Run {
    let mut c = sb.cmd(args);
    c.envs(envs.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().expect("spawn crmctl");
    if let Some(mut input) = child.stdin.take() {
        let _ = input.write_all(stdin);
    }
    Run::from(child.wait_with_output().expect("wait"))
}

fn write_bytes(sb: &Sandbox, name: &str, bytes: &[u8]) -> String {
    let p = sb.path(name);
    std::fs::write(&p, bytes).expect("write");
    p.to_str().expect("utf8").to_string()
}

/// One UCC's list as SharePoint exports it, with Username left empty (line 5 of the
/// file, counting the header) so there is exactly one finding whose line we check.
fn plugin_list(sep: &str, eol: &str, header: [&str; 3]) -> String {
    let mut csv = format!("{}{sep}{}{sep}{}{eol}", header[0], header[1], header[2]);
    for (s, scope, v) in good_rows("ucc1.contoso.local") {
        let v = if s == "Username" { String::new() } else { v };
        csv.push_str(&format!("{s}{sep}\"{v}\"{sep}{scope}{eol}"));
    }
    csv
}

fn validate_csv(sb: &Sandbox, path: &str) -> Run {
    let key = sb.key_profile();
    sb.run(
        &[
            "--key-file",
            key.to_str().expect("utf8"),
            "--json",
            "validate-settings",
            "--ucc",
            "helpdesk",
            path,
        ],
        &[],
        "",
    )
}

fn only_finding(run: &Run) -> (String, u64) {
    let f = findings(run);
    assert_eq!(f.len(), 1, "{f:#?}\n{}", run.stderr);
    (
        f[0]["rule"].as_str().expect("rule").to_string(),
        f[0]["line"].as_u64().expect("line"),
    )
}

#[test]
fn csv_exports_in_every_windows_encoding_give_the_same_finding_and_line() {
    let sb = Sandbox::new();
    let header = ["Title", "Value", "Scope"];
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("lf.csv", plugin_list(",", "\n", header).into_bytes()),
        ("crlf.csv", plugin_list(";", "\r\n", header).into_bytes()),
        (
            "bom-crlf.csv",
            format!("\u{feff}{}", plugin_list(";", "\r\n", header)).into_bytes(),
        ),
        // Excel's "Unicode text": UTF-16 LE with a BOM, tab-separated, CRLF.
        ("excel.csv", utf16le(&plugin_list("\t", "\r\n", header))),
        ("be.csv", utf16be(&plugin_list(",", "\r\n", header))),
        // Column names as people type them.
        (
            "spelling.csv",
            plugin_list(",", "\r\n", [" title ", "VALUE", "scope "]).into_bytes(),
        ),
    ];
    for (name, bytes) in cases {
        let p = write_bytes(&sb, name, &bytes);
        let out = validate_csv(&sb, &p);
        out.assert_code(1);
        assert_eq!(
            only_finding(&out),
            ("mandatory-empty".to_string(), 5),
            "{name}"
        );
    }
}

#[test]
fn blank_lines_in_a_crlf_csv_do_not_shift_line_numbers() {
    let sb = Sandbox::new();
    let text =
        plugin_list(",", "\r\n", ["Title", "Value", "Scope"]).replacen("\r\n", "\r\n\r\n\r\n", 2);
    let p = write_bytes(&sb, "gaps.csv", text.as_bytes());
    let out = validate_csv(&sb, &p);
    assert_eq!(only_finding(&out), ("mandatory-empty".to_string(), 9));
}

#[test]
fn yaml_with_bom_crlf_or_utf16_gives_the_same_lines() {
    let sb = Sandbox::new();
    let key = sb.key_profile();
    let mut rows = good_rows("ucc1.contoso.local");
    set(&mut rows, "ApiEndPoint", "services/data/v60/");
    let text = yaml(&[("helpdesk", rows)]);
    let crlf = text.replace('\n', "\r\n");
    for (name, bytes) in [
        ("lf.yaml", text.clone().into_bytes()),
        ("crlf.yaml", crlf.clone().into_bytes()),
        ("bom.yaml", format!("\u{feff}{crlf}").into_bytes()),
        ("u16.yaml", utf16le(&crlf)),
    ] {
        let p = write_bytes(&sb, name, &bytes);
        let out = sb.run(
            &[
                "--key-file",
                key.to_str().expect("utf8"),
                "--json",
                "validate-settings",
                &p,
            ],
            &[],
            "",
        );
        assert_eq!(
            only_finding(&out),
            ("api-endpoint".to_string(), 11),
            "{name}"
        );
    }
    // Not UTF-8 and no BOM: an error naming the line, not mojibake.
    let p = write_bytes(&sb, "latin1.yaml", b"uccs:\n  - name: caf\xe9\n");
    let out = sb.run(&["validate-settings", &p], &[], "");
    out.assert_code(3);
    assert!(out.stderr.contains("line 2: not UTF-8"), "{}", out.stderr);
}

#[test]
fn a_bom_or_utf16_on_stdin_never_becomes_part_of_a_password() {
    let sb = Sandbox::new();
    let key = sb.key_profile();
    let k = key.to_str().expect("utf8");
    let want = test_cipher().encrypt_to_base64("pässwordTOKEN");
    for stdin in [
        "\u{feff}pässword\r\nTOKEN\r\n".as_bytes().to_vec(),
        utf16le("pässword\r\nTOKEN\r\n"),
        utf16be("pässword\nTOKEN\n"),
    ] {
        let out = run_bytes(&sb, &["--key-file", k, "encrypt", "--stdin"], &[], &stdin);
        out.assert_code(0);
        assert_eq!(out.stdout.trim(), want);
        assert!(!out.stderr.contains("whitespace"), "{}", out.stderr);
    }
    let enc = test_cipher().encrypt_to_base64("x");
    for stdin in [format!("\u{feff}{enc}\r\n").into_bytes(), utf16le(&enc)] {
        let out = run_bytes(&sb, &["--key-file", k, "decrypt", "--stdin"], &[], &stdin);
        out.assert_code(0);
    }
}

#[test]
fn an_empty_password_or_passphrase_is_refused() {
    let sb = Sandbox::new();
    let key = sb.key_profile();
    let k = key.to_str().expect("utf8");
    // The string would hold the security token alone.
    let out = sb.run(&["--key-file", k, "encrypt", "--stdin"], &[], "\nTOKEN\n");
    out.assert_code(2);
    assert!(out.stderr.contains("password is empty"), "{}", out.stderr);
    assert!(out.stdout.is_empty());
    let out = sb.run(
        &["--key-file", k, "encrypt"],
        &[("CRMCTL_PASSWORD", ""), ("CRMCTL_TOKEN", "TOKEN")],
        "",
    );
    out.assert_code(2);
    assert!(out.stderr.contains("password is empty"), "{}", out.stderr);
    let derived = sb.write_private(
        "derived.yaml",
        "derive: { kdf: pbkdf2-sha1, iterations: 1000, salt: hex:0001020304050607, key_bytes: 32 }\n",
    );
    let out = sb.run(
        &[
            "--key-file",
            derived.to_str().expect("utf8"),
            "encrypt",
            "--value",
        ],
        &[("CRMCTL_KEY_PASSPHRASE", ""), ("CRMCTL_VALUE", "v")],
        "",
    );
    assert_ne!(out.code, 0);
    assert!(out.stderr.contains("empty"), "{}", out.stderr);
    assert!(out.stdout.is_empty());
}

#[test]
fn pbkdf2_iterations_beyond_ten_million_are_refused_at_once() {
    let sb = Sandbox::new();
    let p = sb.write_private(
        "slow.yaml",
        "derive: { kdf: pbkdf2-sha1, iterations: 4000000000, salt: hex:0001020304050607, key_bytes: 32 }\n",
    );
    let out = sb.run(
        &[
            "--key-file",
            p.to_str().expect("utf8"),
            "encrypt",
            "--value",
        ],
        &[("CRMCTL_KEY_PASSPHRASE", "pass"), ("CRMCTL_VALUE", "v")],
        "",
    );
    out.assert_code(3);
    assert!(out.stderr.contains("at most 10000000"), "{}", out.stderr);
}

/// Every file crmctl parses, given a key profile (or a broken file holding a key) by
/// mistake: the error names file and line, and never prints the key.
#[test]
fn no_parse_error_quotes_the_file() {
    let sb = Sandbox::new();
    let profile = sb.write_private(
        "key.yaml",
        &format!("key: hex:{SECRET_HEX}\niv: hex:000102030405060708090a0b0c0d0e0f\n"),
    );
    let broken = sb.write_private("broken.yaml", &format!("key: [hex:{SECRET_HEX}\n"));
    let typed = sb.write_private("typed.yaml", &format!("latency_ms: hex:{SECRET_HEX}\n"));
    let estate = sb.write_private(
        "estate.yaml",
        &format!("uccs:\n  - name: a\n    settings: hex:{SECRET_HEX}\n"),
    );
    let csv = sb.write_private("k.csv", &format!("key,hex:{SECRET_HEX}\n"));
    let p = |f: &std::path::Path| f.to_str().expect("utf8").to_string();
    let mut runs: Vec<Vec<String>> = vec![
        vec!["validate-settings".into(), p(&profile)],
        vec!["validate-settings".into(), p(&broken)],
        vec!["validate-settings".into(), p(&estate)],
        vec![
            "validate-settings".into(),
            "--ucc".into(),
            "x".into(),
            p(&csv),
        ],
        vec![
            "--key-file".into(),
            p(&broken),
            "decrypt".into(),
            "abc".into(),
        ],
        vec![
            "--key-file".into(),
            p(&typed),
            "decrypt".into(),
            "abc".into(),
        ],
        vec![
            "--key-file".into(),
            p(&estate),
            "decrypt".into(),
            "abc".into(),
        ],
    ];
    if cfg!(feature = "emulator") {
        runs.extend([
            vec!["emulate".into(), "--data".into(), p(&profile)],
            vec!["emulate".into(), "--data".into(), p(&broken)],
            vec!["emulate".into(), "--faults".into(), p(&profile)],
            vec!["emulate".into(), "--faults".into(), p(&typed)],
        ]);
    }
    for args in runs {
        for json in [false, true] {
            let mut a: Vec<&str> = args.iter().map(String::as_str).collect();
            if json {
                a.insert(0, "--json");
            }
            let out = sb.run(&a, &[], "");
            out.assert_code(3);
            for shown in [&out.stdout, &out.stderr] {
                assert!(
                    !shown.contains("603deb10") && !shown.contains("2d9810a3"),
                    "{a:?} printed the key:\n{shown}"
                );
            }
            if !json {
                let e = &out.stderr;
                assert!(
                    e.contains(":1") || e.contains("line 1") || e.contains("line 3"),
                    "{a:?} names no line:\n{e}"
                );
            }
        }
    }
}

#[test]
fn estate_gaps_are_errors_in_plain_words() {
    let sb = Sandbox::new();
    let empty = sb.write_private("empty.yaml", "uccs: []\n");
    let out = sb.run(
        &["validate-settings", empty.to_str().expect("utf8")],
        &[],
        "",
    );
    out.assert_code(3);
    assert!(out.stderr.contains("no UCCs"), "{}", out.stderr);
    let dup_key = sb.write_private("dupkey.yaml", "uccs:\n  - name: a\n    name: b\n");
    let out = sb.run(
        &["validate-settings", dup_key.to_str().expect("utf8")],
        &[],
        "",
    );
    out.assert_code(3);
    assert!(!out.stderr.contains("DuplicateKeyPolicy"), "{}", out.stderr);
    assert!(out.stderr.contains("dupkey.yaml:3"), "{}", out.stderr);
    let no_scope = sb.write_private(
        "noscope.csv",
        "Title,Value\nUsername,a@b.c\nPassword,x\nClientId,y\n",
    );
    let out = sb.run(
        &[
            "validate-settings",
            "--ucc",
            "x",
            no_scope.to_str().expect("utf8"),
        ],
        &[],
        "",
    );
    out.assert_code(3);
    assert_eq!(
        out.stderr.matches("error").count(),
        1,
        "one header error, not one per row: {}",
        out.stderr
    );
    assert!(
        out.stderr.contains("noscope.csv:1: no `Scope` column"),
        "{}",
        out.stderr
    );
}

#[test]
fn two_uccs_with_one_name_are_an_error() {
    let sb = Sandbox::new();
    let text = yaml(&[
        ("helpdesk", good_rows("ucc1.contoso.local")),
        ("Helpdesk ", good_rows("ucc1.contoso.local")),
    ]);
    let p = sb.write_private("estate.yaml", &text);
    let key = sb.key_profile();
    let out = sb.run(
        &[
            "--key-file",
            key.to_str().expect("utf8"),
            "--json",
            "validate-settings",
            p.to_str().expect("utf8"),
        ],
        &[],
        "",
    );
    out.assert_code(1);
    let f = findings(&out);
    let dup: Vec<&Value> = f.iter().filter(|x| x["rule"] == "duplicate-ucc").collect();
    assert_eq!(dup.len(), 1, "{f:#?}");
    assert_eq!(dup[0]["severity"], "error");
    assert_eq!(dup[0]["line"], 13);
}

#[test]
fn ucc_with_a_yaml_estate_is_a_usage_error() {
    let sb = Sandbox::new();
    let p = sb.write_private(
        "estate.yaml",
        &yaml(&[("a", good_rows("ucc1.contoso.local"))]),
    );
    let out = sb.run(
        &[
            "--json",
            "validate-settings",
            "--ucc",
            "a",
            p.to_str().expect("utf8"),
        ],
        &[],
        "",
    );
    out.assert_code(2);
    let doc = out.json();
    assert!(
        doc["error"]["message"]
            .as_str()
            .expect("message")
            .contains("--ucc"),
        "{doc}"
    );
}

#[test]
fn a_value_with_spaces_around_an_encrypted_secret_is_flagged() {
    let sb = Sandbox::new();
    let mut rows = good_rows("ucc1.contoso.local");
    let padded = format!("{} ", test_cipher().encrypt_to_base64("clientsecret"));
    set(&mut rows, "ClientSecret", &padded);
    let p = sb.write_private("estate.yaml", &yaml(&[("a", rows)]));
    let key = sb.key_profile();
    let out = sb.run(
        &[
            "--key-file",
            key.to_str().expect("utf8"),
            "--json",
            "validate-settings",
            "--strict",
            p.to_str().expect("utf8"),
        ],
        &[],
        "",
    );
    out.assert_code(1);
    assert_eq!(only_finding(&out), ("value-whitespace".to_string(), 10));
}

/// Issue 18 item 5: a CSV with an unterminated quote is a parse error at file:line
/// (exit 3), for a settings export and for bulk input; it used to swallow the rows
/// after it, which then showed up as "missing" settings or were never looked up.
#[test]
fn an_unterminated_quote_is_a_parse_error_at_its_line() {
    let sb = Sandbox::new();
    let list = "Title;Value;Scope\r\nApplicationHost;https://eu6.salesforce.com/;CrmService\r\nUsername;\"integration@contoso.com;CrmService\r\nPassword;x;CrmService\r\nLoginEndPoint;https://login.salesforce.com/services/oauth2/token;CrmService\r\n";
    let f = write_bytes(&sb, "list.csv", list.as_bytes());
    for json in [false, true] {
        let mut args = vec!["validate-settings", "--ucc", "helpdesk", f.as_str()];
        if json {
            args.insert(0, "--json");
        }
        let out = sb.run(&args, &[], "");
        out.assert_code(3);
        let text = if json {
            out.json()["error"].to_string()
        } else {
            out.stderr.clone()
        };
        assert!(text.contains("list.csv:3"), "{text}");
        assert!(text.contains("never closed"), "{text}");
        assert!(
            !text.contains("integration@contoso.com"),
            "the file is not quoted: {text}"
        );
    }
    let calls = write_bytes(
        &sb,
        "calls.csv",
        b"Caller,ANI\nJane,+31201234567\nBob,\"+31 20 123 4568\nEve,+31201234569\n",
    );
    let out = sb.run(
        &[
            "lookup", "--file", &calls, "--column", "ANI", "--region", "NL",
        ],
        &[],
        "",
    );
    out.assert_code(3);
    assert!(
        out.stderr.contains("calls.csv: line 3:") && out.stderr.contains("never closed"),
        "{}",
        out.stderr
    );
}
