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
