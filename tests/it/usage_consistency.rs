//! The same mistake is the same exit code in every command (README "Exit codes").

use crate::support::Sandbox;

/// A SharePoint CSV export does not name its UCC: every command that reads one
/// without --ucc refuses with a usage error (2), before reading anything else.
#[test]
fn a_csv_export_without_ucc_is_usage_in_every_command() {
    let sb = Sandbox::new();
    let csv = sb.write_private("PluginSettings.csv", "Title,Value,Scope\n");
    let csv = csv.to_str().expect("utf8");
    let key = sb.key_profile();
    let key = key.to_str().expect("utf8");
    for args in [
        &["validate-settings", csv][..],
        &["validate-settings", "--fix", "--dry-run", csv][..],
        &["login", "--settings", csv][..],
        &["doctor", "--settings", csv][..],
        &["lookup", "--settings", csv, "+31201234567"][..],
    ] {
        for json in [false, true] {
            let mut a = vec!["--key-file", key];
            if json {
                a.push("--json");
            }
            a.extend_from_slice(args);
            let out = sb.run(&a, &[], "");
            out.assert_code(2);
            if json {
                assert_eq!(out.json()["error"]["kind"], "usage", "{a:?}");
            } else {
                assert!(out.stderr.contains("--ucc"), "{a:?}: {}", out.stderr);
            }
        }
    }
}

/// Under --json every run prints one document, `--help` and `--version` too: the help
/// text in `data.help`, the version in `data.version`, exit 0.
#[test]
fn help_and_version_are_one_json_document_under_json() {
    let sb = Sandbox::new();
    for args in [
        &["--json", "keygen", "--help"][..],
        &["--json", "keygen", "-h"],
        &["--json", "help", "doctor"],
    ] {
        let out = sb.run(args, &[], "");
        out.assert_code(0);
        let doc = out.json();
        let help = doc["data"]["help"].as_str().unwrap_or_default();
        assert!(help.contains("Usage: crmctl "), "{args:?}: {doc}");
        assert_eq!(doc["exit_code"], 0, "{args:?}");
    }
    let out = sb.run(&["--json", "--version"], &[], "");
    out.assert_code(0);
    assert_eq!(out.json()["data"]["version"], env!("CARGO_PKG_VERSION"));
}
