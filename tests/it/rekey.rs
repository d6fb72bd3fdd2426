//! `crmctl rekey`: only the encrypted values change, byte for byte; all files or none.
//!
//! The fixtures under tests/fixtures/rekey/ hold `@@old:PLAIN@@` (PLAIN encrypted
//! under the old key), `@@new:PLAIN@@` (already under the new key) and
//! `@@other:PLAIN@@` (under neither). A test fills them in before the run, and fills
//! the same fixture with the new key's strings for the bytes expected after it.

use std::path::{Path, PathBuf};

use crmctl::crypto::Cipher;
use crmctl::crypto::profile::KeyProfile;
use secrecy::SecretString;

use crate::support::{Run, Sandbox, repo_root, test_cipher};

const NEW_KEY_HEX: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
const NEW_IV_HEX: &str = "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";

fn new_cipher() -> Cipher {
    Cipher::new(
        &hex::decode(NEW_KEY_HEX).expect("hex"),
        &hex::decode(NEW_IV_HEX).expect("hex"),
    )
    .expect("key")
}

fn other_cipher() -> Cipher {
    Cipher::new(&[7; 16], &[9; 16]).expect("key")
}

/// Which key `@@old:..@@` values are under.
#[derive(Clone, Copy, PartialEq)]
enum When {
    Before,
    After,
}

fn fixture(name: &str) -> String {
    let bytes =
        std::fs::read(repo_root().join("tests/fixtures/rekey").join(name)).expect("fixture");
    String::from_utf8(bytes).expect("utf8 fixture")
}

/// Fills in the `@@kind:plain@@` markers.
fn fill(template: &str, when: When) -> String {
    let (old, new, other) = (test_cipher(), new_cipher(), other_cipher());
    let mut out = String::new();
    let mut rest = template;
    while let Some(i) = rest.find("@@") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let j = after.find("@@").expect("closing @@");
        let (kind, plain) = after[..j].split_once(':').expect("kind:plain");
        out.push_str(&match (kind, when) {
            ("old", When::Before) => old.encrypt_to_base64(plain),
            ("old", When::After) | ("new", _) => new.encrypt_to_base64(plain),
            ("other", _) => other.encrypt_to_base64(plain),
            _ => panic!("unknown marker {kind}"),
        });
        rest = &after[j + 2..];
    }
    out.push_str(rest);
    out
}

struct Estate {
    sb: Sandbox,
    old: PathBuf,
    new: PathBuf,
}

impl Estate {
    fn new() -> Self {
        let sb = Sandbox::new();
        let old = sb.key_profile();
        let new = sb.write_private(
            "new-key.yaml",
            &format!("key: hex:{NEW_KEY_HEX}\niv: hex:{NEW_IV_HEX}\n"),
        );
        Estate { sb, old, new }
    }

    /// Writes a fixture (possibly edited) into the sandbox, filled in for "before".
    fn put(&self, name: &str, template: &str) -> PathBuf {
        let p = self.sb.path(name);
        std::fs::write(&p, fill(template, When::Before)).expect("write");
        p
    }

    fn rekey(&self, extra: &[&str]) -> Run {
        let (old, new) = (
            self.old.to_str().expect("utf8"),
            self.new.to_str().expect("utf8"),
        );
        let mut args = vec!["rekey", "--from", old, "--to", new];
        args.extend_from_slice(extra);
        self.sb.run(&args, &[], "")
    }

    /// Every file in the sandbox with its bytes, key profiles aside.
    fn snapshot(&self) -> Vec<(String, Vec<u8>)> {
        let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(self.sb.dir.path())
            .expect("ls")
            .map(|e| e.expect("entry"))
            .filter(|e| e.file_type().map(|t| t.is_file()).unwrap_or(false))
            .map(|e| {
                (
                    e.file_name().to_string_lossy().into_owned(),
                    std::fs::read(e.path()).expect("read"),
                )
            })
            .collect();
        v.sort();
        v
    }
}

#[track_caller]
fn assert_bytes(path: &Path, expected: &str) {
    let got = std::fs::read(path).expect("read");
    assert!(
        got == expected.as_bytes(),
        "{} differs from the expected bytes:\n--- got\n{}\n--- expected\n{expected}",
        path.display(),
        String::from_utf8_lossy(&got)
    );
}

#[test]
fn fixtures_really_have_a_bom_crlf_and_comments() {
    let y = fixture("estate-crlf-bom.yaml");
    assert!(
        y.starts_with('\u{feff}') && y.contains("\r\n") && !y.replace("\r\n", "").contains('\n')
    );
    assert!(y.contains("# the main queue") && y.contains('\'') && y.contains('"'));
    let c = fixture("PluginSettings.csv");
    assert!(c.starts_with('\u{feff}') && c.ends_with("\r\n"));
    assert!(!fixture("region-us.yaml").contains('\r'));
}

#[test]
fn only_the_values_change_byte_for_byte() {
    let e = Estate::new();
    let names = [
        "estate-crlf-bom.yaml",
        "PluginSettings.csv",
        "region-us.yaml",
    ];
    let paths: Vec<PathBuf> = names.iter().map(|n| e.put(n, &fixture(n))).collect();
    let args: Vec<&str> = paths.iter().map(|p| p.to_str().expect("utf8")).collect();
    let out = e.rekey(&args);
    out.assert_code(0);
    for (n, p) in names.iter().zip(&paths) {
        assert_bytes(p, &fill(&fixture(n), When::After));
    }
    // 6 + 1 alias in the estate, 2 in the CSV (one more already new), 3 in the region.
    assert!(
        out.stdout
            .ends_with("3 files rewritten, 12 values re-encrypted\n"),
        "{}",
        out.stdout
    );
    // No temporary files or backups are left behind.
    let mut left: Vec<String> = e.snapshot().into_iter().map(|(n, _)| n).collect();
    left.sort();
    assert_eq!(
        left,
        [
            "PluginSettings.csv",
            "estate-crlf-bom.yaml",
            "key.yaml",
            "new-key.yaml",
            "region-us.yaml"
        ]
    );
    // The rewritten estate still validates and decrypts under the new key.
    let v = e.sb.run(
        &[
            "--key-file",
            e.new.to_str().expect("utf8"),
            "validate-settings",
            args[0],
        ],
        &[],
        "",
    );
    assert!(!v.stdout.contains("does-not-decrypt"), "{}", v.stdout);
}

#[test]
fn a_rerun_is_a_no_op_and_says_so() {
    let e = Estate::new();
    let p = e.put("region-us.yaml", &fixture("region-us.yaml"));
    let p = p.to_str().expect("utf8");
    e.rekey(&[p]).assert_code(0);
    let before = e.snapshot();
    let out = e.rekey(&["--json", p]);
    out.assert_code(0);
    assert_eq!(e.snapshot(), before);
    let doc = out.json();
    assert_eq!(doc["data"]["written"], false);
    assert_eq!(doc["data"]["summary"]["already_new"], 3);
    assert_eq!(doc["data"]["files"][0]["status"], "unchanged");
    let out = e.rekey(&[p]);
    out.assert_code(0);
    assert_eq!(
        out.stdout,
        format!(
            "{p}: unchanged (0 values to re-encrypt, 3 already under the new key)\n\
             nothing to do: every value is already under the new key profile\n"
        )
    );
}

#[test]
fn a_partial_manual_rotation_is_finished_and_the_rotated_values_left_alone() {
    let e = Estate::new();
    let template = fixture("region-us.yaml").replace("@@old:us id@@", "@@new:us id@@");
    let p = e.put("region-us.yaml", &template);
    let out = e.rekey(&["--json", p.to_str().expect("utf8")]);
    out.assert_code(0);
    assert_bytes(&p, &fill(&template, When::After));
    let doc = out.json();
    let statuses: Vec<&str> = doc["data"]["files"][0]["values"]
        .as_array()
        .expect("values")
        .iter()
        .map(|v| v["status"].as_str().expect("status"))
        .collect();
    assert_eq!(statuses, ["rekeyed", "already-new", "rekeyed"]);
}

#[test]
fn dry_run_changes_nothing() {
    let e = Estate::new();
    let a = e.put("estate-crlf-bom.yaml", &fixture("estate-crlf-bom.yaml"));
    let b = e.put("PluginSettings.csv", &fixture("PluginSettings.csv"));
    let before = e.snapshot();
    let out = e.rekey(&[
        "--dry-run",
        "--backup",
        "--json",
        a.to_str().expect("utf8"),
        b.to_str().expect("utf8"),
    ]);
    out.assert_code(0);
    assert_eq!(e.snapshot(), before, "a dry run wrote something");
    let doc = out.json();
    assert_eq!(doc["data"]["dry_run"], true);
    assert_eq!(doc["data"]["written"], false);
    assert_eq!(doc["data"]["files"][0]["status"], "would-rewrite");
    assert_eq!(doc["data"]["summary"]["files_to_rewrite"], 2);
    assert_eq!(doc["data"]["summary"]["rekeyed"], 9);
}

#[test]
fn a_value_that_does_not_decrypt_in_the_second_file_leaves_every_file_unchanged() {
    let e = Estate::new();
    let a = e.put("estate-crlf-bom.yaml", &fixture("estate-crlf-bom.yaml"));
    let bad = other_cipher().encrypt_to_base64("us secret");
    let b = e.put(
        "region-us.yaml",
        &fixture("region-us.yaml").replace("@@old:us secret@@", "@@other:us secret@@"),
    );
    let before = e.snapshot();
    let (a, b) = (a.to_str().expect("utf8"), b.to_str().expect("utf8"));
    let out = e.rekey(&[a, b]);
    out.assert_code(1);
    assert_eq!(e.snapshot(), before, "a file changed");
    // The report names the value (UCC, setting, file:line, fingerprint), never the value.
    let fp = crmctl::settings::rules::fingerprint(&bad);
    assert_eq!(
        out.stdout,
        format!(
            "{a}: not written (7 values to re-encrypt, 1 empty)\n\
             {b}: blocked (2 values to re-encrypt)\n  \
             us-east ClientSecret {b}:7 {fp} error does not decrypt under the old key profile: \
             the decrypted data has invalid PKCS#7 padding (the key or IV does not match the one it was encrypted with)\n\
             1 value or file stands in the way; no file was changed\n"
        )
    );
    assert!(!out.stdout.contains(&bad) && !out.stderr.contains(&bad));
    assert!(out.stderr.contains("hint:"), "{}", out.stderr);

    let out = e.rekey(&["--json", a, b]);
    out.assert_code(1);
    assert_eq!(e.snapshot(), before);
    let doc = out.json();
    assert_eq!(doc["exit_code"], 1);
    assert_eq!(doc["data"]["summary"]["blocked"], 1);
    assert_eq!(doc["data"]["files"][0]["status"], "held-back");
    let v = &doc["data"]["files"][1]["values"][2];
    assert_eq!(v["ucc"], "us-east");
    assert_eq!(v["setting"], "ClientSecret");
    assert_eq!(v["line"], 7);
    assert_eq!(v["fingerprint"], fp.as_str());
    assert_eq!(v["reason"]["id"], "does-not-decrypt");
    assert!(!out.stdout.contains(&bad));
}

#[test]
fn a_file_that_cannot_be_written_leaves_every_file_unchanged() {
    let e = Estate::new();
    let a = e.put("estate-crlf-bom.yaml", &fixture("estate-crlf-bom.yaml"));
    // No temporary file can be created beside a file whose name is 250 bytes long
    // (the temporary's name would pass the 255-byte limit), even for root, who
    // ignores a read-only folder.
    let long = format!("{}.yaml", "r".repeat(245));
    let b = e.put(&long, &fixture("region-us.yaml"));
    let before = e.snapshot();
    let out = e.rekey(&[a.to_str().expect("utf8"), b.to_str().expect("utf8")]);
    out.assert_code(3);
    assert!(out.stderr.contains("temporary file"), "{}", out.stderr);
    assert!(out.stderr.contains("no file was changed"), "{}", out.stderr);
    assert_eq!(
        e.snapshot(),
        before,
        "a file changed or a temporary was left"
    );

    // Something else at FILE.bak (here a folder) is never replaced: the backup takes the
    // next free number. (A backup that can't be written stops the run: the unit test
    // `a_failed_backup_puts_back_every_file` of rewrite::commit.)
    let e = Estate::new();
    let a = e.put("estate-crlf-bom.yaml", &fixture("estate-crlf-bom.yaml"));
    let b = e.put("region-us.yaml", &fixture("region-us.yaml"));
    std::fs::create_dir(e.sb.path("region-us.yaml.bak")).expect("mkdir");
    let out = e.rekey(&[
        "--backup",
        "--json",
        a.to_str().expect("utf8"),
        b.to_str().expect("utf8"),
    ]);
    out.assert_code(0);
    assert!(e.sb.path("region-us.yaml.bak").is_dir());
    assert_bytes(
        &e.sb.path("region-us.yaml.bak.1"),
        &fill(&fixture("region-us.yaml"), When::Before),
    );
}

#[cfg(unix)]
#[test]
fn a_read_only_folder_leaves_every_file_unchanged() {
    use std::os::unix::fs::PermissionsExt;
    let e = Estate::new();
    let a = e.put("estate-crlf-bom.yaml", &fixture("estate-crlf-bom.yaml"));
    let ro = e.sb.path("ro");
    std::fs::create_dir(&ro).expect("mkdir");
    let b = ro.join("region-us.yaml");
    std::fs::write(&b, fill(&fixture("region-us.yaml"), When::Before)).expect("write");
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).expect("chmod");
    let probe = std::fs::File::create(ro.join("probe"));
    let root = probe.is_ok();
    let _ = std::fs::remove_file(ro.join("probe"));
    let (before_a, before_b) = (std::fs::read(&a).expect("a"), std::fs::read(&b).expect("b"));
    let out = e.rekey(&[a.to_str().expect("utf8"), b.to_str().expect("utf8")]);
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    if root {
        // Root writes anyway (the long-name test above covers root); the run must succeed.
        out.assert_code(0);
        return;
    }
    out.assert_code(3);
    assert_eq!(std::fs::read(&a).expect("a"), before_a);
    assert_eq!(std::fs::read(&b).expect("b"), before_b);
}

#[test]
fn targets_that_are_not_regular_files_are_refused() {
    let e = Estate::new();
    std::fs::create_dir(e.sb.path("dir.yaml")).expect("mkdir");
    let out = e.rekey(&[e.sb.path("dir.yaml").to_str().expect("utf8")]);
    out.assert_code(3);
    assert!(out.stderr.contains("not a regular file"), "{}", out.stderr);
    #[cfg(unix)]
    {
        let a = e.put("a.yaml", &fixture("region-us.yaml"));
        std::os::unix::fs::symlink("/dev/null", e.sb.path("null.yaml")).expect("symlink");
        let before = std::fs::read(&a).expect("read");
        let out = e.rekey(&[
            a.to_str().expect("utf8"),
            e.sb.path("null.yaml").to_str().expect("utf8"),
        ]);
        out.assert_code(3);
        assert!(out.stderr.contains("not a regular file"), "{}", out.stderr);
        assert_eq!(std::fs::read(&a).expect("read"), before);
    }
}

#[cfg(unix)]
#[test]
fn a_symlinked_file_is_written_through_and_backups_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let e = Estate::new();
    std::fs::create_dir(e.sb.path("real")).expect("mkdir");
    let real = e.sb.path("real/estate.yaml");
    let template = fixture("estate-crlf-bom.yaml");
    std::fs::write(&real, fill(&template, When::Before)).expect("write");
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    let link = e.sb.path("estate.yaml");
    std::os::unix::fs::symlink(&real, &link).expect("symlink");
    let out = e.rekey(&["--backup", "--json", link.to_str().expect("utf8")]);
    out.assert_code(0);
    assert!(
        std::fs::symlink_metadata(&link)
            .expect("meta")
            .file_type()
            .is_symlink()
    );
    assert_bytes(&real, &fill(&template, When::After));
    let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode(&real), 0o640, "the target keeps its mode");
    let bak = e.sb.path("real/estate.yaml.bak");
    assert_bytes(&bak, &fill(&template, When::Before));
    assert_eq!(mode(&bak), 0o600);
    let doc = out.json();
    assert_eq!(
        doc["data"]["files"][0]["backup"],
        std::fs::canonicalize(&bak)
            .expect("bak")
            .to_str()
            .expect("utf8")
    );
}

const DERIVE: &str =
    "derive: { kdf: pbkdf2-sha1, iterations: 1000, salt: hex:0001020304050607, key_bytes: 32 }\n";

fn derived(pass: &str) -> Cipher {
    KeyProfile::parse(Path::new("d.yaml"), DERIVE)
        .expect("profile")
        .cipher(Some(&SecretString::from(pass.to_string())))
        .expect("cipher")
}

#[test]
fn two_derived_profiles_take_their_own_passphrases() {
    let sb = Sandbox::new();
    let from = sb.write_private("from.yaml", DERIVE);
    let to = sb.write_private("to.yaml", DERIVE);
    let (old, new) = (derived("old phrase"), derived("new phrase"));
    let text = format!(
        "uccs:\n  - name: a\n    settings:\n      - {{ setting: Password, value: {} }}\n",
        old.encrypt_to_base64("pw")
    );
    let f = sb.path("e.yaml");
    std::fs::write(&f, &text).expect("write");
    let args = [
        "rekey",
        "--from",
        from.to_str().expect("utf8"),
        "--to",
        to.to_str().expect("utf8"),
        f.to_str().expect("utf8"),
    ];
    // Without a terminal, a missing passphrase is a usage error naming its variable.
    let out = sb.run(&args, &[("CRMCTL_FROM_PASSPHRASE", "old phrase")], "");
    out.assert_code(2);
    assert!(
        out.stderr.contains("CRMCTL_TO_PASSPHRASE"),
        "{}",
        out.stderr
    );
    let out = sb.run(&args, &[("CRMCTL_TO_PASSPHRASE", "new phrase")], "");
    out.assert_code(2);
    assert!(
        out.stderr.contains("CRMCTL_FROM_PASSPHRASE"),
        "{}",
        out.stderr
    );
    // The general key passphrase is not taken for either.
    let out = sb.run(&args, &[("CRMCTL_KEY_PASSPHRASE", "old phrase")], "");
    out.assert_code(2);
    assert_eq!(std::fs::read_to_string(&f).expect("read"), text);
    // A wrong old passphrase: nothing decrypts, nothing changes, and the hint says why.
    let out = sb.run(
        &args,
        &[
            ("CRMCTL_FROM_PASSPHRASE", "wrong"),
            ("CRMCTL_TO_PASSPHRASE", "new phrase"),
        ],
        "",
    );
    out.assert_code(1);
    assert!(out.stderr.contains("--from"), "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(&f).expect("read"), text);
    let mut verbose = vec!["-v"];
    verbose.extend_from_slice(&args);
    let out = sb.run(
        &verbose,
        &[
            ("CRMCTL_FROM_PASSPHRASE", "old phrase"),
            ("CRMCTL_TO_PASSPHRASE", "new phrase"),
        ],
        "",
    );
    out.assert_code(0);
    assert!(
        out.stderr.contains("passphrase: from CRMCTL_TO_PASSPHRASE"),
        "{}",
        out.stderr
    );
    assert_eq!(
        std::fs::read_to_string(&f).expect("read"),
        text.replace(&old.encrypt_to_base64("pw"), &new.encrypt_to_base64("pw"))
    );
    for s in ["old phrase", "new phrase"] {
        assert!(!out.stdout.contains(s) && !out.stderr.contains(s));
    }
}

#[test]
fn json_reports_each_value_and_no_secret() {
    let e = Estate::new();
    let a = e.put("estate-crlf-bom.yaml", &fixture("estate-crlf-bom.yaml"));
    let out = e.rekey(&["--json", a.to_str().expect("utf8")]);
    out.assert_code(0);
    let doc = out.json();
    let values = doc["data"]["files"][0]["values"]
        .as_array()
        .expect("values");
    let rows: Vec<(String, String, u64, String)> = values
        .iter()
        .map(|v| {
            (
                v["ucc"].as_str().expect("ucc").to_string(),
                v["setting"].as_str().expect("setting").to_string(),
                v["line"].as_u64().expect("line"),
                v["status"].as_str().expect("status").to_string(),
            )
        })
        .collect();
    let row =
        |u: &str, s: &str, l: u64, st: &str| (u.to_string(), s.to_string(), l, st.to_string());
    assert_eq!(
        rows,
        [
            row("helpdesk", "Password", 10, "rekeyed"),
            row("helpdesk", "ClientId", 11, "rekeyed"),
            row("helpdesk", "ClientSecret", 14, "rekeyed"),
            row("sales", "Password", 22, "rekeyed"),
            row("sales", "ClientId", 25, "rekeyed"),
            row("sales", "ClientSecret", 26, "rekeyed"),
            row("support", "ClientSecret", 31, "rekeyed"),
            row("support", "Password", 34, "empty"),
        ]
    );
    assert_eq!(doc["data"]["files"][0]["format"], "yaml");
    let old = test_cipher();
    for plain in [
        "Passw0rd!token123",
        "3MVG9client-id",
        "shared secret",
        "S4les!tok",
    ] {
        for s in [
            plain.to_string(),
            old.encrypt_to_base64(plain),
            new_cipher().encrypt_to_base64(plain),
        ] {
            assert!(!out.stdout.contains(&s), "stdout holds {s}");
        }
    }
}

#[test]
fn usage_and_input_errors() {
    let e = Estate::new();
    let a = e.put("region-us.yaml", &fixture("region-us.yaml"));
    let a = a.to_str().expect("utf8");
    let old = e.old.to_str().expect("utf8");
    // The same key twice.
    let out = e.sb.run(&["rekey", "--from", old, "--to", old, a], &[], "");
    out.assert_code(2);
    // stdin can't be rewritten.
    e.rekey(&["-"]).assert_code(2);
    // --to is required.
    e.sb.run(&["rekey", "--from", old, a], &[], "")
        .assert_code(2);
    // A missing file or profile is local input.
    e.rekey(&["missing.yaml"]).assert_code(3);
    let out =
        e.sb.run(&["rekey", "--from", "nope.yaml", "--to", old, a], &[], "");
    out.assert_code(3);
    assert!(out.stderr.contains("--from"), "{}", out.stderr);
    // Not an estate.
    let bad = e.sb.path("bad.yaml");
    std::fs::write(&bad, "uccs: [").expect("write");
    e.rekey(&[bad.to_str().expect("utf8")]).assert_code(3);
}

/// Each derived profile asks for its own passphrase on a terminal, without echo.
#[cfg(unix)]
#[test]
fn each_derived_profile_asks_for_its_own_passphrase() {
    use rexpect::process::WaitStatus;
    use rexpect::session::spawn_command;
    let sb = Sandbox::new();
    let from = sb.write_private("from.yaml", DERIVE);
    let to = sb.write_private("to.yaml", DERIVE);
    let (old, new) = (derived("old phrase xyzzy"), derived("new phrase plugh"));
    let text = format!(
        "uccs:\n  - name: a\n    settings:\n      - {{ setting: ClientId, value: '{}' }}\n",
        old.encrypt_to_base64("id")
    );
    let f = sb.path("e.yaml");
    std::fs::write(&f, &text).expect("write");
    // rexpect spawns with echo off; a real terminal echoes, so hiding input is crmctl's job.
    let mut sh = std::process::Command::new("sh");
    sh.args(["-c", "stty echo && exec \"$0\" \"$@\"", crate::support::BIN])
        .args([
            "rekey",
            "--from",
            from.to_str().expect("utf8"),
            "--to",
            to.to_str().expect("utf8"),
            f.to_str().expect("utf8"),
        ]);
    sb.isolate(&mut sh);
    sh.env("TERM", "dumb");
    let mut s = spawn_command(sh, Some(20_000)).expect("spawn on a pty");
    let mut screen = s
        .exp_string("Passphrase of the --from key profile: ")
        .expect("--from prompt");
    s.send_line("old phrase xyzzy").expect("type");
    screen += &s
        .exp_string("Passphrase of the --to key profile: ")
        .expect("--to prompt");
    s.send_line("new phrase plugh").expect("type");
    screen += &s.exp_eof().expect("program ends");
    let status = s.process().wait().expect("exit status");
    assert!(
        matches!(status, WaitStatus::Exited(_, 0)),
        "{status:?}\n{screen}"
    );
    assert!(
        !screen.contains("xyzzy") && !screen.contains("plugh"),
        "{screen}"
    );
    assert_eq!(
        std::fs::read_to_string(&f).expect("read"),
        text.replace(&old.encrypt_to_base64("id"), &new.encrypt_to_base64("id"))
    );
}

#[test]
fn a_file_named_twice_is_rewritten_once_and_files_without_secrets_are_fine() {
    let e = Estate::new();
    let p = e.put("region-us.yaml", &fixture("region-us.yaml"));
    let p = p.to_str().expect("utf8");
    let dot = format!("{}/./region-us.yaml", e.sb.dir.path().display());
    let out = e.rekey(&["--json", p, &dot]);
    out.assert_code(0);
    assert_eq!(out.json()["data"]["summary"]["files"], 1);
    assert_bytes(Path::new(p), &fill(&fixture("region-us.yaml"), When::After));
    let plain = e.sb.path("plain.yaml");
    std::fs::write(&plain, "uccs:\n  - name: a\n    settings: []\n").expect("write");
    let out = e.rekey(&[plain.to_str().expect("utf8")]);
    out.assert_code(0);
    assert!(
        out.stdout.contains("no Password, ClientId or ClientSecret"),
        "{}",
        out.stdout
    );
}

#[test]
fn names_from_the_file_reach_the_terminal_escaped() {
    let e = Estate::new();
    let text = format!(
        "uccs:\n  - name: \"evil\\e[2J\"\n    settings:\n      - {{ setting: Password, value: {} }}\n",
        other_cipher().encrypt_to_base64("p")
    );
    let f = e.sb.path("e.yaml");
    std::fs::write(&f, &text).expect("write");
    let out = e.rekey(&[f.to_str().expect("utf8")]);
    out.assert_code(1);
    assert!(!out.stdout.contains('\u{1b}'), "{:?}", out.stdout);
    assert!(
        out.stdout.contains("evil\\x1b[2J Password"),
        "{}",
        out.stdout
    );
}

/// Killed (SIGKILL, through the debug builds' kill points) at every step of the
/// commit, a rotation is finished by the next run before anything else: completed
/// or rolled back, never a mix of keys, said in a warning, and no temporary file or
/// journal left behind (issue 18, item 21).
#[cfg(unix)]
#[test]
fn a_rekey_killed_at_any_step_is_finished_all_or_nothing_by_the_next_run() {
    let names = [
        "estate-crlf-bom.yaml",
        "PluginSettings.csv",
        "region-us.yaml",
    ];
    let steps = [
        "prepared",
        "journaled",
        "renamed-1",
        "renamed-2",
        "renamed-3",
        "backed-up",
        "cleaned",
    ];
    for backup in [false, true] {
        for step in steps {
            let what = format!("killed at {step}, backup {backup}");
            let e = Estate::new();
            let paths: Vec<PathBuf> = names.iter().map(|n| e.put(n, &fixture(n))).collect();
            let mut args: Vec<&str> = paths.iter().map(|p| p.to_str().expect("utf8")).collect();
            if backup {
                args.push("--backup");
            }
            let (old, new) = (e.old.to_str().expect("utf8"), e.new.to_str().expect("utf8"));
            let mut all = vec!["rekey", "--from", old, "--to", new];
            all.extend_from_slice(&args);
            let killed = e.sb.run(&all, &[("CRMCTL_DEBUG_KILL_AT", step)], "");
            assert_eq!(killed.code, -1, "{what}: not killed: {}", killed.stderr);

            let mut again = vec!["--json"];
            again.extend_from_slice(&args);
            let next = e.rekey(&again);
            next.assert_code(0);
            let doc = next.json();
            let warnings = doc["warnings"].to_string();
            let expected = match step {
                "prepared" => "left by an interrupted run",
                _ => "completed first",
            };
            assert!(warnings.contains(expected), "{what}: {warnings}");
            // All or nothing: either every file still had values to re-encrypt
            // (nothing had changed, or it was rolled back), or none had.
            let rekeyed_files = doc["data"]["files"]
                .as_array()
                .expect("files")
                .iter()
                .filter(|f| {
                    f["values"]
                        .as_array()
                        .expect("values")
                        .iter()
                        .any(|v| v["status"] == "rekeyed")
                })
                .count();
            assert!(
                rekeyed_files == 0 || rekeyed_files == names.len(),
                "{what}: {rekeyed_files} of {} files were still under the old key",
                names.len()
            );
            for (n, p) in names.iter().zip(&paths) {
                assert_bytes(p, &fill(&fixture(n), When::After));
            }
            let mut expected: Vec<String> = names.iter().map(|n| n.to_string()).collect();
            if backup {
                for n in names {
                    expected.push(format!("{n}.bak"));
                    // The backup holds the bytes from before the rotation.
                    assert_bytes(
                        &e.sb.path(&format!("{n}.bak")),
                        &fill(&fixture(n), When::Before),
                    );
                }
            }
            expected.extend(["key.yaml".to_string(), "new-key.yaml".to_string()]);
            expected.sort();
            let left: Vec<String> = e.snapshot().into_iter().map(|(n, _)| n).collect();
            assert_eq!(left, expected, "{what}");
        }
    }
}

/// Issue 18, item 1: a second rotation with --backup must not overwrite the first
/// backup, which may be the only copy of the values under the first key.
#[test]
fn a_second_rotation_keeps_the_first_backup() {
    let e = Estate::new();
    let template = fixture("estate-crlf-bom.yaml");
    let f = e.put("estate.yaml", &template);
    let file = f.to_str().expect("utf8");
    e.rekey(&["--backup", file]).assert_code(0);
    let first = e.sb.path("estate.yaml.bak");
    assert_bytes(&first, &fill(&template, When::Before));
    // Rotate back to the first key: the file is under --to now, so swap them.
    let (old, new) = (e.old.to_str().expect("utf8"), e.new.to_str().expect("utf8"));
    let out = e.sb.run(
        &[
            "rekey", "--from", new, "--to", old, "--backup", "--json", file,
        ],
        &[],
        "",
    );
    out.assert_code(0);
    assert_bytes(&first, &fill(&template, When::Before));
    let second = e.sb.path("estate.yaml.bak.1");
    assert_bytes(&second, &fill(&template, When::After));
    let doc = out.json();
    let reported = doc["data"]["files"][0]["backup"].as_str().expect("backup");
    assert!(reported.ends_with("estate.yaml.bak.1"), "{reported}");
}
