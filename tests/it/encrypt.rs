//! `crmctl encrypt` without a terminal: stdin, environment, and refusals.

use crate::support::{Sandbox, test_cipher};
use secrecy::ExposeSecret;

fn decrypt(s: &str) -> String {
    test_cipher()
        .decrypt_base64(s)
        .expect("decrypts")
        .expose_secret()
        .to_string()
}

#[test]
fn stdin_password_then_token_are_joined_without_a_space() {
    let sb = Sandbox::new();
    let k = sb.key_profile();
    let out = sb.run(
        &[
            "--key-file",
            k.to_str().expect("utf8"),
            "encrypt",
            "--stdin",
        ],
        &[],
        "Hunter2pass\r\nTOKEN123\r\n",
    );
    out.assert_code(0);
    assert_eq!(decrypt(&out.stdout), "Hunter2passTOKEN123");
    assert!(
        out.stderr
            .contains("paste the string into the UCC's Password setting"),
        "{}",
        out.stderr
    );
}

#[test]
fn environment_variables_work_and_json_carries_the_string() {
    let sb = Sandbox::new();
    let k = sb.key_profile();
    let out = sb.run(
        &["--json", "encrypt"],
        &[
            ("CRMCTL_KEY_FILE", k.to_str().expect("utf8")),
            ("CRMCTL_PASSWORD", "pw"),
            ("CRMCTL_TOKEN", "tok"),
        ],
        "",
    );
    out.assert_code(0);
    let doc = out.json();
    assert_eq!(doc["command"], "encrypt");
    assert_eq!(doc["data"]["input"], "password+token");
    assert_eq!(doc["data"]["characters"], 5);
    assert_eq!(doc["data"]["cipher"], "AES-256-CBC");
    assert_eq!(
        decrypt(doc["data"]["encrypted"].as_str().expect("string")),
        "pwtok"
    );
}

#[test]
fn value_mode_reads_one_line_or_crmctl_value() {
    let sb = Sandbox::new();
    let k = sb.key_profile();
    let k = k.to_str().expect("utf8");
    let out = sb.run(
        &["--key-file", k, "encrypt", "--value", "--stdin"],
        &[],
        "3MVG9client.id\nignored second line\n",
    );
    out.assert_code(0);
    assert_eq!(decrypt(&out.stdout), "3MVG9client.id");
    let out = sb.run(
        &["--key-file", k, "encrypt", "--value"],
        &[("CRMCTL_VALUE", "s3cr3t")],
        "",
    );
    out.assert_code(0);
    assert_eq!(decrypt(&out.stdout), "s3cr3t");
}

#[test]
fn no_token_encrypts_the_password_alone() {
    let sb = Sandbox::new();
    let k = sb.key_profile();
    let out = sb.run(
        &[
            "--key-file",
            k.to_str().expect("utf8"),
            "encrypt",
            "--no-token",
            "--stdin",
        ],
        &[],
        "onlypw\n",
    );
    out.assert_code(0);
    assert_eq!(decrypt(&out.stdout), "onlypw");
}

#[test]
fn without_terminal_or_inputs_it_exits_2_naming_the_ways_in() {
    let sb = Sandbox::new();
    let k = sb.key_profile();
    let k = k.to_str().expect("utf8");
    let out = sb.run(&["--key-file", k, "encrypt"], &[], "");
    out.assert_code(2);
    for name in ["--stdin", "CRMCTL_PASSWORD", "CRMCTL_TOKEN"] {
        assert!(out.stderr.contains(name), "{}", out.stderr);
    }
    let out = sb.run(&["--key-file", k, "encrypt", "--value"], &[], "");
    out.assert_code(2);
    assert!(out.stderr.contains("CRMCTL_VALUE"), "{}", out.stderr);
    assert!(out.stdout.is_empty());
}

#[test]
fn a_missing_token_line_or_variable_is_a_usage_error() {
    let sb = Sandbox::new();
    let k = sb.key_profile();
    let k = k.to_str().expect("utf8");
    let out = sb.run(&["--key-file", k, "encrypt", "--stdin"], &[], "pw-only\n");
    out.assert_code(2);
    assert!(
        out.stderr.contains("security token") && out.stderr.contains("--no-token"),
        "{}",
        out.stderr
    );
    let out = sb.run(
        &["--key-file", k, "encrypt"],
        &[("CRMCTL_PASSWORD", "pw")],
        "",
    );
    out.assert_code(2);
    assert!(out.stderr.contains("CRMCTL_TOKEN"), "{}", out.stderr);
    // An empty stdin is local input (3) in every command: tests/it/empty_stdin.rs.
    let out = sb.run(&["--key-file", k, "encrypt", "--stdin"], &[], "");
    out.assert_code(3);
}

#[test]
fn whitespace_and_an_empty_token_are_warned_about_but_kept() {
    let sb = Sandbox::new();
    let k = sb.key_profile();
    let out = sb.run(
        &[
            "--json",
            "--key-file",
            k.to_str().expect("utf8"),
            "encrypt",
            "--stdin",
        ],
        &[],
        " pw \n\n",
    );
    out.assert_code(0);
    let doc = out.json();
    let warnings = doc["warnings"].to_string();
    assert!(
        warnings.contains("starts or ends with whitespace"),
        "{warnings}"
    );
    assert!(warnings.contains("security token is empty"), "{warnings}");
    assert_eq!(
        decrypt(doc["data"]["encrypted"].as_str().expect("string")),
        " pw "
    );
}

#[test]
fn a_bad_key_profile_fails_before_reading_secrets_with_exit_3() {
    let sb = Sandbox::new();
    let bad = sb.write_private(
        "bad.yaml",
        "key: hex:0011\niv: hex:000102030405060708090a0b0c0d0e0f\n",
    );
    let out = sb.run(
        &[
            "--key-file",
            bad.to_str().expect("utf8"),
            "encrypt",
            "--stdin",
        ],
        &[],
        "pw\ntok\n",
    );
    out.assert_code(3);
    assert!(
        out.stderr.contains("bad.yaml") && out.stderr.contains("16, 24 or 32"),
        "{}",
        out.stderr
    );
    let out = sb.run(&["encrypt", "--stdin"], &[], "pw\ntok\n");
    out.assert_code(3);
    assert!(out.stderr.contains("crmctl keygen"), "{}", out.stderr);
}

#[test]
fn derived_profiles_take_the_passphrase_from_the_environment() {
    let sb = Sandbox::new();
    let p = sb.write_private(
        "derived.yaml",
        "derive: { kdf: pbkdf2-sha256, iterations: 1000, salt: hex:0011223344556677, key_bytes: 32 }\n",
    );
    let p = p.to_str().expect("utf8");
    let out = sb.run(
        &["--key-file", p, "encrypt", "--value", "--stdin"],
        &[],
        "v\n",
    );
    out.assert_code(2);
    assert!(
        out.stderr.contains("CRMCTL_KEY_PASSPHRASE"),
        "{}",
        out.stderr
    );
    let env = [("CRMCTL_KEY_PASSPHRASE", "open sesame")];
    let out = sb.run(
        &["--key-file", p, "encrypt", "--value", "--stdin"],
        &env,
        "some value\n",
    );
    out.assert_code(0);
    let stream = crmctl::crypto::profile::derive_stream(
        crmctl::crypto::profile::Kdf::Pbkdf2Sha256,
        b"open sesame",
        &hex::decode("0011223344556677").expect("hex"),
        1000,
        48,
    );
    let cipher = crmctl::crypto::Cipher::new(&stream[..32], &stream[32..]).expect("cipher");
    assert_eq!(out.stdout, cipher.encrypt_to_base64("some value"));
    let back = sb.run(&["--key-file", p, "decrypt", &out.stdout], &env, "");
    back.assert_code(0);
    assert!(back.stdout.contains("10 characters"), "{}", back.stdout);
}

/// Input over a reader's cap is an error that names the cap, never a value cut short
/// (issue 18, item 2): `encrypt` must not encrypt a truncated secret, nor `decrypt`
/// blame the key for a truncated string.
#[test]
fn stdin_over_the_cap_is_exit_3_naming_the_cap_never_a_truncation() {
    let sb = Sandbox::new();
    let k = sb.key_profile();
    let key = k.to_str().expect("utf8");
    let at_cap = "a".repeat(1 << 20);
    let over = format!("{at_cap}b");
    for (args, input) in [
        (
            vec!["--key-file", key, "encrypt", "--value", "--stdin"],
            &over,
        ),
        (vec!["--key-file", key, "encrypt", "--stdin"], &over),
        (
            vec!["--key-file", key, "decrypt", "--check", "--stdin"],
            &over,
        ),
    ] {
        let out = sb.run(&args, &[], input);
        assert_eq!(out.code, 3, "{args:?}: {}", out.stderr);
        assert!(out.stdout.is_empty(), "{args:?}: {}", out.stdout);
        assert!(out.stderr.contains("1 MiB"), "{args:?}: {}", out.stderr);
    }
    // At the cap exactly, the whole value is taken.
    let out = sb.run(
        &["--key-file", key, "encrypt", "--value", "--stdin"],
        &[],
        &at_cap,
    );
    out.assert_code(0);
    assert_eq!(decrypt(&out.stdout), at_cap);
}
