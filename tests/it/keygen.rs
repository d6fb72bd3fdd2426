//! `crmctl keygen`: random profiles, written privately and never over another file.

use crate::support::Sandbox;

#[test]
fn writes_a_private_profile_that_encrypt_can_use() {
    let sb = Sandbox::new();
    let p = sb.path("new.yaml");
    let ps = p.to_str().expect("utf8");
    let out = sb.run(&["keygen", "--out", ps, "--bits", "128"], &[], "");
    out.assert_code(0);
    assert_eq!(out.stdout.trim(), ps);
    let text = std::fs::read_to_string(&p).expect("profile written");
    let profile = crmctl::crypto::KeyProfile::parse(&p, &text).expect("valid profile");
    assert_eq!(profile.describe(), "AES-128-CBC, raw key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&p).expect("meta").permissions().mode() & 0o777,
            0o600
        );
    }
    let enc = sb.run(
        &["--key-file", ps, "encrypt", "--value", "--stdin"],
        &[],
        "abc\n",
    );
    enc.assert_code(0);
    let dec = sb.run(&["--key-file", ps, "decrypt", &enc.stdout], &[], "");
    dec.assert_code(0);
}

#[test]
fn refuses_to_overwrite_without_force_and_keeps_the_old_key() {
    let sb = Sandbox::new();
    let p = sb.path("k.yaml");
    let ps = p.to_str().expect("utf8");
    sb.run(&["keygen", "--out", ps], &[], "").assert_code(0);
    let before = std::fs::read(&p).expect("read");
    let out = sb.run(&["keygen", "--out", ps], &[], "");
    out.assert_code(3);
    assert!(
        out.stderr.contains("already exists") && out.stderr.contains("--force"),
        "{}",
        out.stderr
    );
    assert_eq!(std::fs::read(&p).expect("read"), before);
    let out = sb.run(&["--json", "keygen", "--out", ps, "--force"], &[], "");
    out.assert_code(0);
    assert_eq!(out.json()["data"]["replaced"], true);
    assert_ne!(std::fs::read(&p).expect("read"), before);
}

#[test]
fn default_location_is_the_config_folder_and_is_where_encrypt_looks() {
    let sb = Sandbox::new();
    let out = sb.run(&["keygen"], &[], "");
    out.assert_code(0);
    let expected = sb.path("config/crmctl/key.yaml");
    assert_eq!(out.stdout.trim(), expected.to_str().expect("utf8"));
    assert!(expected.exists());
    sb.run(&["encrypt", "--value", "--stdin"], &[], "x\n")
        .assert_code(0);
}

#[test]
fn two_keys_are_never_the_same() {
    let sb = Sandbox::new();
    let a = sb.path("a.yaml");
    let b = sb.path("b.yaml");
    sb.run(&["keygen", "--out", a.to_str().expect("utf8")], &[], "")
        .assert_code(0);
    sb.run(&["keygen", "--out", b.to_str().expect("utf8")], &[], "")
        .assert_code(0);
    assert_ne!(std::fs::read(a).expect("a"), std::fs::read(b).expect("b"));
}

#[test]
fn a_named_path_in_a_missing_folder_is_refused_and_nothing_is_created() {
    let sb = Sandbox::new();
    let out = sb.path("no-such-dir/sub/k.yaml");
    let out_s = out.to_str().expect("utf8");
    let run = sb.run(&["keygen", "--out", out_s], &[], "");
    run.assert_code(3);
    assert!(
        run.stderr.contains("does not exist; nothing was written"),
        "{}",
        run.stderr
    );
    assert!(!sb.path("no-such-dir").exists(), "no folder is made");
    // The same for a path from --key-file or CRMCTL_KEY_FILE.
    sb.run(&["--key-file", out_s, "keygen"], &[], "")
        .assert_code(3);
    sb.run(&["keygen"], &[("CRMCTL_KEY_FILE", out_s)], "")
        .assert_code(3);
    assert!(!sb.path("no-such-dir").exists(), "no folder is made");
}

#[test]
fn a_key_profile_is_never_written_to_stdout() {
    let sb = Sandbox::new();
    let run = sb.run(&["keygen", "--out", "-"], &[], "");
    run.assert_code(2);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(
        run.stderr.contains("never written to stdout"),
        "{}",
        run.stderr
    );
    assert!(!sb.path("-").exists(), "no file named `-`");
    let doc = sb.run(&["--json", "keygen", "--out", "-"], &[], "").json();
    assert_eq!(doc["exit_code"], 2, "{doc}");
    assert_eq!(doc["error"]["kind"], "usage", "{doc}");
}
