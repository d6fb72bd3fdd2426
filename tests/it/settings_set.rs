//! `crmctl settings set`: one value in place, byte-exact, checked before writing.

use std::path::{Path, PathBuf};

use secrecy::ExposeSecret;

use crate::support::{Run, Sandbox, test_cipher};

/// A BOM + CRLF estate with comments, two UCCs sharing a CRM Service and one apart.
fn estate() -> String {
    let c = test_cipher();
    let (p, id, sec) = (
        c.encrypt_to_base64("OldPass!oldtoken"),
        c.encrypt_to_base64("3MVG9client"),
        c.encrypt_to_base64("client secret"),
    );
    let ucc = |name: &str, host: &str| {
        format!(
            "  - name: {name}   # comment\r\n    settings:\r\n      - {{ setting: ListsEndpoints, scope: ListsPlugin, value: \"http://{host}/webagentservice/api/v1/settings;http://{host}/CrmServiceSalesforce/api/v1/settings\" }}\r\n      - {{ setting: CrmServiceUrl, scope: WebAgentService, value: 'http://{host}/CrmServiceSalesforce' }}\r\n      - {{ setting: ApplicationHost, scope: CrmService, value: \"https://contoso.my.salesforce.com/\" }}\r\n      - {{ setting: Username, scope: CrmService, value: integration@contoso.com }}\r\n      # the password + token, encrypted\r\n      - setting: Password\r\n        scope: CrmService\r\n        value:   {p}    # plain scalar, odd spacing\r\n      - {{ setting: ClientId, scope: CrmService, value: '{id}' }}\r\n      - {{ setting: ClientSecret, scope: CrmService, value: \"{sec}\" }}\r\n      - {{ setting: ApiEndPoint, scope: CrmService, value: services/data/v60.0/ }}\r\n      - {{ setting: LoginEndPoint, scope: CrmService, value: https://login.salesforce.com/services/oauth2/token }}\r\n"
        )
    };
    format!(
        "\u{feff}# Contoso estate\r\nuccs:\r\n{}{}{}",
        ucc("helpdesk", "ucc1.contoso.local"),
        ucc("sales", "ucc1.contoso.local"),
        ucc("support", "ucc2.contoso.local")
    )
}

struct Env {
    sb: Sandbox,
    key: PathBuf,
}

impl Env {
    fn new() -> Self {
        let sb = Sandbox::new();
        let key = sb.key_profile();
        Env { sb, key }
    }

    fn put(&self, name: &str, text: &str) -> PathBuf {
        let p = self.sb.path(name);
        std::fs::write(&p, text).expect("write");
        p
    }

    fn set(&self, args: &[&str], envs: &[(&str, &str)], stdin: &str) -> Run {
        let mut all = vec![
            "--key-file",
            self.key.to_str().expect("utf8"),
            "settings",
            "set",
        ];
        all.extend_from_slice(args);
        self.sb.run(&all, envs, stdin)
    }

    fn files(&self) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(self.sb.dir.path())
            .expect("ls")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }
}

fn read(p: &Path) -> String {
    String::from_utf8(std::fs::read(p).expect("read")).expect("utf8")
}

/// The first Password value of the UCC `ucc` in `text`.
fn password_of(text: &str, ucc: &str) -> String {
    let start = text.find(&format!("name: {ucc} ")).expect("ucc");
    let rest = &text[start..];
    let v = &rest[rest.find("Password\r\n").expect("password")..];
    let v = &v[v.find("value:").expect("value") + 6..];
    v.split_whitespace().next().expect("value").to_string()
}

#[test]
fn stdin_changes_exactly_the_bytes_of_one_password_and_it_decrypts_to_password_and_token() {
    let e = Env::new();
    let before = estate();
    let f = e.put("estate.yaml", &before);
    let out = e.set(
        &[
            f.to_str().expect("utf8"),
            "--ucc",
            "support",
            "Password",
            "--stdin",
        ],
        &[],
        "NewPass!\nnewtoken42\n",
    );
    out.assert_code(0);
    let after = read(&f);
    let old = password_of(&before, "support");
    let new = password_of(&after, "support");
    assert_ne!(old, new);
    // Every other byte is the same: the BOM, CRLF, comments, quoting, spacing.
    let at = before.rfind(&old).expect("old value");
    let mut expected = before.clone();
    expected.replace_range(at..at + old.len(), &new);
    assert_eq!(after, expected);
    assert!(after.starts_with('\u{feff}'));
    let plain = test_cipher().decrypt_base64(&new).expect("decrypts");
    assert_eq!(plain.expose_secret(), "NewPass!newtoken42");
    // Neither the password nor the token reaches the output.
    for s in [&out.stdout, &out.stderr] {
        assert!(!s.contains("NewPass") && !s.contains("newtoken42"), "{s}");
    }
    assert_eq!(
        e.files(),
        ["estate.yaml", "key.yaml"],
        "no temporary files left"
    );
}

#[test]
fn all_sharing_sets_every_ucc_of_the_service_and_backups_are_numbered() {
    let e = Env::new();
    let before = estate();
    let f = e.put("estate.yaml", &before);
    let file = f.to_str().expect("utf8");
    // One UCC alone would leave the two sharing ucc1 different: refused, nothing written.
    let out = e.set(
        &[file, "--ucc", "helpdesk", "ClientSecret", "--json"],
        &[("CRMCTL_VALUE", "rotated secret")],
        "",
    );
    out.assert_code(1);
    let doc = out.json();
    assert_eq!(doc["data"]["refused"][0]["rule"], "primary-mismatch");
    assert!(
        doc["error"]["hints"][0]
            .as_str()
            .expect("hint")
            .contains("--all-sharing")
    );
    assert_eq!(read(&f), before);
    for round in 0..2 {
        let out = e.set(
            &[
                file,
                "--ucc",
                "HelpDesk",
                "ClientSecret",
                "--all-sharing",
                "--backup",
                "--json",
            ],
            &[("CRMCTL_VALUE", &format!("rotated secret {round}"))],
            "",
        );
        out.assert_code(0);
        let doc = out.json();
        let changes = doc["data"]["changes"].as_array().expect("changes");
        let uccs: Vec<&str> = changes
            .iter()
            .map(|c| c["ucc"].as_str().expect("ucc"))
            .collect();
        assert_eq!(uccs, ["helpdesk", "sales"]);
        assert!(!out.stdout.contains("rotated"), "{}", out.stdout);
    }
    assert_eq!(
        e.files(),
        [
            "estate.yaml",
            "estate.yaml.bak",
            "estate.yaml.bak.1",
            "key.yaml"
        ]
    );
    assert_eq!(
        read(&e.sb.path("estate.yaml.bak")),
        before,
        "the first backup is kept"
    );
    let c = test_cipher();
    let after = read(&f);
    let count = after
        .matches(&c.encrypt_to_base64("rotated secret 1"))
        .count();
    assert_eq!(count, 2);
    assert!(
        after.contains(&c.encrypt_to_base64("client secret")),
        "support is left alone"
    );
}

#[test]
fn a_value_a_rule_refuses_is_not_written_and_dry_run_writes_nothing() {
    let e = Env::new();
    let before = estate();
    let f = e.put("estate.yaml", &before);
    let file = f.to_str().expect("utf8");
    let out = e.set(
        &[
            file,
            "--ucc",
            "support",
            "ApplicationHost",
            "--value",
            "TODO",
        ],
        &[],
        "",
    );
    out.assert_code(1);
    assert!(out.stdout.contains("[mandatory-empty]"), "{}", out.stdout);
    assert_eq!(read(&f), before);
    // Issue 20 item 13: invisible, control and space characters inside a Username.
    for bad in [
        "demo\u{200b}@crmctl.example",
        "demo\u{feff}@crmctl.example",
        "demo\u{202e}@crmctl.example",
        "demo\u{7}@crmctl.example",
        "demo\u{a0}x@crmctl.example",
    ] {
        let out = e.set(
            &[file, "--ucc", "support", "Username", "--value", bad],
            &[],
            "",
        );
        out.assert_code(1);
        assert!(out.stdout.contains("[username-shape]"), "{}", out.stdout);
        assert_eq!(read(&f), before);
    }
    let out = e.set(
        &[
            file,
            "--ucc",
            "support",
            "ApiEndPoint",
            "--value",
            "services/data/v62.0/",
            "--dry-run",
        ],
        &[],
        "",
    );
    out.assert_code(0);
    assert!(
        out.stdout
            .contains("services/data/v60.0/ -> services/data/v62.0/"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("dry run"), "{}", out.stdout);
    assert_eq!(read(&f), before);
    let out = e.set(
        &[
            file,
            "--ucc",
            "support",
            "ApiEndPoint",
            "--value",
            "services/data/v62.0/",
        ],
        &[],
        "",
    );
    out.assert_code(0);
    // Only support's ApiEndPoint (the last one) changes.
    let old = "services/data/v60.0/";
    let at = before.rfind(old).expect("support's ApiEndPoint");
    let mut expected = before.clone();
    expected.replace_range(at..at + old.len(), "services/data/v62.0/");
    assert_eq!(read(&f), expected);
}

#[test]
fn a_missing_ucc_or_setting_names_what_exists() {
    let e = Env::new();
    let f = e.put("estate.yaml", &estate());
    let file = f.to_str().expect("utf8");
    let out = e.set(
        &[file, "--ucc", "billing", "Username", "--value", "a@b.c"],
        &[],
        "",
    );
    out.assert_code(1);
    assert!(
        out.stderr
            .contains("no UCC named `billing`; the files hold: `helpdesk`, `sales`, `support`"),
        "{}",
        out.stderr
    );
    let out = e.set(
        &[file, "--ucc", "sales", "Pasword", "--json"],
        &[("CRMCTL_VALUE", "x")],
        "",
    );
    out.assert_code(1);
    let doc = out.json();
    let msg = doc["error"]["message"].as_str().expect("message");
    assert!(
        msg.contains("did you mean `Password`?") && msg.contains("`ClientSecret`"),
        "{msg}"
    );
}

#[test]
fn secrets_are_never_arguments() {
    let e = Env::new();
    let before = estate();
    let f = e.put("estate.yaml", &before);
    let out = e.set(
        &[
            f.to_str().expect("utf8"),
            "--ucc",
            "sales",
            "password",
            "--value",
            "hunter2",
        ],
        &[],
        "",
    );
    out.assert_code(2);
    assert!(!out.stderr.contains("hunter2"), "{}", out.stderr);
    // No terminal, no --stdin, no environment: exit 2 naming the ways to give it.
    let out = e.set(
        &[f.to_str().expect("utf8"), "--ucc", "sales", "Password"],
        &[],
        "",
    );
    out.assert_code(2);
    assert!(out.stderr.contains("CRMCTL_PASSWORD"), "{}", out.stderr);
    assert_eq!(read(&f), before);
}

#[cfg(unix)]
#[test]
fn read_only_files_fifos_and_folders_are_exit_3_with_nothing_written() {
    use std::os::unix::fs::PermissionsExt;
    let e = Env::new();
    let before = estate();
    let ro = e.put("ro.yaml", &before);
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o444)).expect("chmod");
    let dir = e.sb.path("dir.yaml");
    std::fs::create_dir(&dir).expect("mkdir");
    let fifo = e.sb.path("fifo.yaml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    let mut targets = vec![ro.clone(), dir];
    if made {
        targets.push(fifo);
    }
    for t in targets {
        let out = e.set(
            &[
                t.to_str().expect("utf8"),
                "--ucc",
                "sales",
                "Username",
                "--value",
                "n@contoso.com",
            ],
            &[],
            "",
        );
        out.assert_code(3);
    }
    assert_eq!(read(&ro), before);
}

#[test]
fn values_the_key_cannot_decrypt_warn_and_do_not_block() {
    let e = Env::new();
    let other = crmctl::crypto::Cipher::new(&[7; 16], &[9; 16]).expect("key");
    let before = estate().replace(
        &test_cipher().encrypt_to_base64("3MVG9client"),
        &other.encrypt_to_base64("3MVG9client"),
    );
    let f = e.put("estate.yaml", &before);
    let out = e.set(
        &[
            f.to_str().expect("utf8"),
            "--ucc",
            "support",
            "Password",
            "--stdin",
        ],
        &[],
        "pw\ntok\n",
    );
    out.assert_code(0);
    assert!(
        out.stderr.contains("do not decrypt under the key profile"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_csv_export_keeps_its_bom_crlf_and_delimiter() {
    let e = Env::new();
    let c = test_cipher();
    let before = format!(
        "\u{feff}Title;Value;Scope\r\nUsername;a@contoso.com;CrmService\r\nClientId;\"{}\";CrmService\r\n",
        c.encrypt_to_base64("old id")
    );
    let f = e.put("PluginSettings.csv", &before);
    let out = e.set(
        &[f.to_str().expect("utf8"), "--ucc", "helpdesk", "ClientId"],
        &[("CRMCTL_VALUE", "new id")],
        "",
    );
    out.assert_code(0);
    assert_eq!(
        read(&f),
        before.replace(
            &c.encrypt_to_base64("old id"),
            &c.encrypt_to_base64("new id")
        )
    );
}

#[test]
fn all_sharing_across_files_writes_all_or_none() {
    let e = Env::new();
    let full = estate();
    // helpdesk and sales (sharing ucc1) in two files; the second file's name is so long
    // that no temporary file can be made beside it, so it cannot be written.
    let cut = full.find("  - name: sales").expect("sales");
    let cut2 = full.find("  - name: support").expect("support");
    let a_text = full[..cut].to_string();
    let b_text = format!("\u{feff}uccs:\r\n{}", &full[cut..cut2]);
    let a = e.put("a.yaml", &a_text);
    let b = e.put("b.yaml", &b_text);
    let out = e.set(
        &[
            a.to_str().expect("utf8"),
            b.to_str().expect("utf8"),
            "--ucc",
            "sales",
            "ClientId",
            "--all-sharing",
        ],
        &[("CRMCTL_VALUE", "new id")],
        "",
    );
    out.assert_code(0);
    let new = test_cipher().encrypt_to_base64("new id");
    assert!(read(&a).contains(&new) && read(&b).contains(&new));
    let long = e.put(&format!("{}.yaml", "b".repeat(245)), &b_text);
    let before_a = read(&a);
    let out = e.set(
        &[
            a.to_str().expect("utf8"),
            long.to_str().expect("utf8"),
            "--ucc",
            "helpdesk",
            "ClientId",
            "--all-sharing",
        ],
        &[("CRMCTL_VALUE", "newer id")],
        "",
    );
    out.assert_code(3);
    assert!(out.stderr.contains("no file was changed"), "{}", out.stderr);
    assert_eq!(read(&a), before_a);
    assert_eq!(read(&long), b_text);
}

/// Issue 20 item 10: a UTF-16 file (validate-settings reads it) is refused by every
/// rewrite with a message that names the encoding and how to convert it, and is left
/// as it was.
#[test]
fn a_utf16_file_is_refused_by_every_rewrite_naming_its_encoding() {
    let e = Env::new();
    let text = estate();
    for (name, bom, le) in [
        ("le.yaml", [0xff, 0xfe], true),
        ("be.yaml", [0xfe, 0xff], false),
    ] {
        let mut bytes = bom.to_vec();
        for u in text.encode_utf16() {
            bytes.extend(if le { u.to_le_bytes() } else { u.to_be_bytes() });
        }
        let p = e.sb.path(name);
        std::fs::write(&p, &bytes).expect("write");
        let file = p.to_str().expect("utf8");
        let key = e.key.to_str().expect("utf8");
        let other = e.sb.write_private(
            "other-key.yaml",
            &format!(
                "key: hex:{}\niv: hex:{}\n",
                "ab".repeat(32),
                "cd".repeat(16)
            ),
        );
        let other = other.to_str().expect("utf8");
        let runs = [
            e.set(
                &[
                    file,
                    "--ucc",
                    "support",
                    "ApiEndPoint",
                    "--value",
                    "services/data/v62.0/",
                ],
                &[],
                "",
            ),
            e.sb.run(&["validate-settings", file, "--fix"], &[], ""),
            e.sb.run(
                &["rekey", "--from", key, "--to", other, file, "--dry-run"],
                &[],
                "",
            ),
        ];
        for out in runs {
            out.assert_code(3);
            let enc = if le { "UTF-16LE" } else { "UTF-16BE" };
            assert!(out.stderr.contains(enc), "{}", out.stderr);
            assert!(out.stderr.contains("iconv"), "{}", out.stderr);
            assert!(!out.stderr.contains("invalid utf-8"), "{}", out.stderr);
        }
        assert_eq!(std::fs::read(&p).expect("read"), bytes);
    }
}

/// A value with a line break is refused by name before anything is read or written
/// (in a CSV it would end the row; it used to fail as "reads back differently").
#[test]
fn a_value_with_a_line_break_is_refused_by_name() {
    let e = Env::new();
    let before = estate();
    let f = e.put("estate.yaml", &before);
    let file = f.to_str().expect("utf8");
    for value in ["new@y.example\r\nEvil,1,CrmService", "a\nb"] {
        let out = e.set(
            &[file, "--ucc", "helpdesk", "Username", "--value", value],
            &[],
            "",
        );
        out.assert_code(2);
        assert!(
            out.stderr.contains("--value holds a line break"),
            "{}",
            out.stderr
        );
        assert_eq!(read(&f), before);
    }
}
