//! `crmctl decrypt`: check by default, reveal only when asked.

use crate::support::{Sandbox, test_cipher};

#[test]
fn check_reports_the_length_without_the_secret() {
    let sb = Sandbox::new();
    let k = sb.key_profile();
    let enc = test_cipher().encrypt_to_base64("TypicalPasswordpR8&uI234&BiGgg");
    let out = sb.run(
        &["--key-file", k.to_str().expect("utf8"), "decrypt", &enc],
        &[],
        "",
    );
    out.assert_code(0);
    assert!(out.stdout.contains("30 characters"), "{}", out.stdout);
    assert!(!out.stdout.contains("TypicalPassword") && !out.stderr.contains("TypicalPassword"));
    let out = sb.run(
        &[
            "--json",
            "--key-file",
            k.to_str().expect("utf8"),
            "decrypt",
            "--check",
            "--stdin",
        ],
        &[],
        &format!("{enc}\n"),
    );
    out.assert_code(0);
    let doc = out.json();
    assert_eq!(doc["data"]["decrypts"], true);
    assert_eq!(doc["data"]["characters"], 30);
    assert!(!out.stdout.contains("TypicalPassword"));
}

#[test]
fn reveal_prints_exactly_the_plaintext_and_refuses_json() {
    let sb = Sandbox::new();
    let k = sb.key_profile();
    let k = k.to_str().expect("utf8");
    let enc = test_cipher().encrypt_to_base64("Grüße🔑");
    let out = sb.run(&["--key-file", k, "decrypt", "--reveal", &enc], &[], "");
    out.assert_code(0);
    assert_eq!(out.stdout, "Grüße🔑");
    let out = sb.run(
        &["--json", "--key-file", k, "decrypt", "--reveal", &enc],
        &[],
        "",
    );
    out.assert_code(2);
    assert!(!out.stdout.contains("Grüße"));
    assert_eq!(out.json()["error"]["kind"], "usage");
}

#[test]
fn each_failure_has_its_own_reason_and_exit_1() {
    let sb = Sandbox::new();
    let k = sb.key_profile();
    let k = k.to_str().expect("utf8");
    let other = crmctl::crypto::Cipher::new(&[1; 32], &[2; 16]).expect("cipher");
    let foreign = other.encrypt_to_base64("TypicalPasswordpR8&uI234&BiGgg");
    let cases = [
        ("not*base64", "not_base64"),
        ("AAAAAAAAAAAAAAAAAAAA", "not_whole_blocks"),
        (foreign.as_str(), "bad_padding"),
    ];
    for (input, code) in cases {
        let out = sb.run(&["--json", "--key-file", k, "decrypt", input], &[], "");
        out.assert_code(1);
        let doc = out.json();
        assert_eq!(doc["data"]["decrypts"], false);
        assert_eq!(doc["data"]["reason_code"], code, "for {input}");
        let text = sb.run(&["--key-file", k, "decrypt", input], &[], "");
        text.assert_code(1);
        assert!(text.stdout.starts_with("no: "), "{}", text.stdout);
        assert!(text.stderr.contains("hint:"), "{}", text.stderr);
    }
}

#[test]
fn a_readable_by_others_profile_is_warned_about() {
    let sb = Sandbox::new();
    let k = sb.key_profile();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&k, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        let enc = test_cipher().encrypt_to_base64("x");
        let out = sb.run(
            &["--key-file", k.to_str().expect("utf8"), "decrypt", &enc],
            &[],
            "",
        );
        out.assert_code(0);
        assert!(
            out.stderr.contains("can be read by other users") && out.stderr.contains("chmod 600"),
            "{}",
            out.stderr
        );
    }
}
