//! `crmctl settings export`: a UCC as a SharePoint list CSV or YAML, validating like
//! its source.

use std::collections::BTreeSet;

use crate::support::{Run, Sandbox, test_cipher};

/// A UCC with findings of several kinds (a mis-cased name, whitespace around a secret,
/// a value with a comma and a quote, a retired API version), and a second UCC.
fn estate(sb: &Sandbox) {
    let c = test_cipher();
    let mut rows = crmctl::settings::standard_rows(
        "ucc1.contoso.local",
        "https://eu6.salesforce.com/",
        "integration@contoso.com",
        [
            &c.encrypt_to_base64("pw"),
            &c.encrypt_to_base64("id"),
            &c.encrypt_to_base64("s"),
        ],
        "29.0",
        "https://login.salesforce.com/services/oauth2/token",
    );
    rows[4].0 = "password".into();
    rows[5].2 = format!(" {} ", rows[5].2);
    rows.push(("Region".into(), "CrmService".into(), "a,\"b\"; c".into()));
    let other = rows.clone();
    let text = crmctl::settings::render_yaml(
        &[("helpdesk".into(), rows), ("sales".into(), other)],
        "export test",
    );
    sb.write_private("estate.yaml", &text);
}

/// (rule, setting, severity) of each finding of a validate-settings --json run.
fn findings(run: &Run) -> BTreeSet<(String, String, String)> {
    run.json()["data"]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default().to_string(),
                f["setting"].as_str().unwrap_or_default().to_string(),
                f["severity"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn validate(sb: &Sandbox, file: &str, ucc: Option<&str>) -> BTreeSet<(String, String, String)> {
    let key = sb.key_profile();
    let mut args = vec![
        "--key-file",
        key.to_str().expect("utf8"),
        "validate-settings",
        file,
        "--json",
    ];
    if let Some(u) = ucc {
        args.extend(["--ucc", u]);
    }
    findings(&sb.run(&args, &[], ""))
}

#[test]
fn a_sharepoint_export_validates_like_its_source_and_converts_back_to_yaml() {
    let sb = Sandbox::new();
    estate(&sb);
    let out = sb.run(
        &[
            "settings",
            "export",
            "estate.yaml",
            "--ucc",
            "HelpDesk",
            "--format",
            "sharepoint-csv",
            "--out",
            "PluginSettings.csv",
        ],
        &[],
        "",
    );
    out.assert_code(0);
    let csv = std::fs::read(sb.path("PluginSettings.csv")).expect("written");
    let text = String::from_utf8(csv).expect("utf8");
    assert!(text.starts_with("\u{feff}Title,Value,Scope\r\n"), "{text}");
    assert!(text.ends_with("\r\n") && !text.replace("\r\n", "").contains('\n'));
    assert!(
        text.contains("Region,\"a,\"\"b\"\"; c\",CrmService\r\n"),
        "{text}"
    );
    // The source has two UCCs; compare with the one exported, alone.
    let source = sb.run(
        &[
            "settings",
            "export",
            "estate.yaml",
            "--ucc",
            "helpdesk",
            "--format",
            "yaml",
            "--out",
            "helpdesk.yaml",
        ],
        &[],
        "",
    );
    source.assert_code(0);
    let from_yaml = validate(&sb, "helpdesk.yaml", None);
    assert!(
        from_yaml.iter().any(|f| f.0 == "setting-case"),
        "{from_yaml:?}"
    );
    assert!(
        from_yaml.iter().any(|f| f.0 == "api-version-retired"),
        "{from_yaml:?}"
    );
    assert!(
        from_yaml.iter().any(|f| f.0 == "value-whitespace"),
        "{from_yaml:?}"
    );
    assert_eq!(
        validate(&sb, "PluginSettings.csv", Some("helpdesk")),
        from_yaml
    );
    // CSV back to YAML: the same findings again.
    let out = sb.run(
        &[
            "settings",
            "export",
            "PluginSettings.csv",
            "--ucc",
            "helpdesk",
            "--format",
            "yaml",
            "--out",
            "back.yaml",
        ],
        &[],
        "",
    );
    out.assert_code(0);
    assert_eq!(validate(&sb, "back.yaml", None), from_yaml);
}

#[test]
fn stdout_json_and_bad_input() {
    let sb = Sandbox::new();
    estate(&sb);
    let out = sb.run(
        &[
            "settings",
            "export",
            "estate.yaml",
            "--ucc",
            "sales",
            "--format",
            "sharepoint-csv",
        ],
        &[],
        "",
    );
    out.assert_code(0);
    assert!(out.stdout.starts_with("\u{feff}Title,Value,Scope\r\n"));
    let out = sb.run(
        &[
            "settings",
            "export",
            "estate.yaml",
            "--ucc",
            "sales",
            "--format",
            "yaml",
            "--json",
        ],
        &[],
        "",
    );
    out.assert_code(0);
    let doc = out.json();
    assert_eq!(doc["data"]["rows"], 10);
    assert!(
        doc["data"]["document"]
            .as_str()
            .is_some_and(|d| d.contains("uccs:"))
    );
    let out = sb.run(
        &[
            "settings",
            "export",
            "estate.yaml",
            "--ucc",
            "billing",
            "--format",
            "yaml",
        ],
        &[],
        "",
    );
    out.assert_code(1);
    assert!(out.stderr.contains("`helpdesk`, `sales`"), "{}", out.stderr);
    // An existing --out is not replaced without --force.
    std::fs::write(sb.path("x.csv"), "keep").expect("write");
    let out = sb.run(
        &[
            "settings",
            "export",
            "estate.yaml",
            "--ucc",
            "sales",
            "--format",
            "sharepoint-csv",
            "--out",
            "x.csv",
        ],
        &[],
        "",
    );
    out.assert_code(3);
    assert_eq!(
        std::fs::read_to_string(sb.path("x.csv")).expect("read"),
        "keep"
    );
}

/// Issue 20 item 3: a YAML export keeps the UCC's plugin_attributes list (it validates
/// with the source's attribute findings); a SharePoint CSV cannot hold it, so the export
/// says so on stderr and in `--json` warnings. Item 16 (a): a value a spreadsheet would
/// run as a formula is written byte-exact, with a warning.
#[test]
fn plugin_attributes_survive_a_yaml_export_and_a_csv_export_warns() {
    let sb = Sandbox::new();
    estate(&sb);
    let one = [
        "settings",
        "export",
        "estate.yaml",
        "--ucc",
        "sales",
        "--format",
        "yaml",
        "--out",
        "one.yaml",
    ];
    sb.run(&one, &[], "").assert_code(0);
    let text = std::fs::read_to_string(sb.path("one.yaml")).expect("one UCC");
    // Attributes with findings.
    let text = format!(
        "{text}    plugin_attributes:\n      - {{ DisplayName: Name, SystemName: Name, Order: 1, Category: Contact }}\n      - {{ DisplayName: \"a \\\"b\\\"\", SystemName: Email, Order: 1, Category: Contact, ShowOnToast: Yes, Hyperlink: \"https://x/[Id]\" }}\n      - {{ DisplayName: Co, SystemName: Company, Order: 1, Category: Leads }}\n"
    );
    sb.write_private("attr.yaml", &text);
    let source = validate(&sb, "attr.yaml", None);
    assert!(
        source.iter().any(|f| f.0.starts_with("attribute-")),
        "{source:?}"
    );
    let out = sb.run(
        &[
            "settings",
            "export",
            "attr.yaml",
            "--ucc",
            "sales",
            "--format",
            "yaml",
            "--out",
            "sales.yaml",
        ],
        &[],
        "",
    );
    out.assert_code(0);
    let exported = validate(&sb, "sales.yaml", None);
    assert_eq!(exported, source);

    let out = sb.run(
        &[
            "settings",
            "export",
            "attr.yaml",
            "--ucc",
            "sales",
            "--format",
            "sharepoint-csv",
            "--json",
        ],
        &[],
        "",
    );
    out.assert_code(0);
    let warnings = out.json()["warnings"].to_string();
    assert!(warnings.contains("plugin_attributes"), "{warnings}");
    assert!(out.stderr.contains("plugin_attributes"), "{}", out.stderr);
    assert!(out.stderr.contains("3 "), "{}", out.stderr);

    // A formula-looking value: exported byte-exact, with a warning naming the setting.
    sb.write_private(
        "formula.yaml",
        "uccs:\n  - name: helpdesk\n    settings:\n      - { setting: Username, scope: CrmService, value: \"=HYPERLINK(\\\"http://x\\\")\" }\n",
    );
    let out = sb.run(
        &[
            "settings",
            "export",
            "formula.yaml",
            "--ucc",
            "helpdesk",
            "--format",
            "sharepoint-csv",
        ],
        &[],
        "",
    );
    out.assert_code(0);
    assert!(
        out.stdout.contains("\"=HYPERLINK(\"\"http://x\"\")\""),
        "{}",
        out.stdout
    );
    assert!(out.stderr.contains("Username"), "{}", out.stderr);
    assert!(out.stderr.contains("formula"), "{}", out.stderr);
}

/// A UCC's name and a value from the file are escaped once in every message: each
/// backslash shown as `\\`, never as `\\\\` (the names went through the escaper twice).
#[test]
fn names_from_the_file_are_escaped_once() {
    let sb = Sandbox::new();
    sb.write_private(
        "estate.yaml",
        "uccs:\n  - name: 'help\\desk'\n    settings:\n      - { setting: Region, scope: CrmService, value: '=1+1' }\n    plugin_attributes:\n      - { SystemName: Name, Category: Contact, DisplayName: Name, Order: 1 }\n",
    );
    let args = [
        "settings",
        "export",
        "estate.yaml",
        "--ucc",
        "help\\desk",
        "--format",
        "sharepoint-csv",
        "--out",
        "out.csv",
    ];
    crate::snap::transcript(
        &sb,
        &args,
        &[],
        "",
        &[],
        snapbox::str![[r#"
$ crmctl settings export estate.yaml --ucc help\desk --format sharepoint-csv --out out.csv
? 0
--- stdout
out.csv
--- stderr
warning: the 1 row of plugin_attributes of UCC help\\desk are not in this CSV: they belong to another SharePoint list (PluginAttributes); export them with `--format yaml`, or keep that list's own CSV export
warning: Region starts with `=`: written byte-exact for the list import, but a spreadsheet opening this CSV may run it as a formula
1 setting of help\\desk written.

"#]],
    );
}

/// A file named in a folder that does not exist is refused: no folder tree is made
/// for a typo (keygen, settings init and settings export alike).
#[test]
fn a_file_in_a_missing_folder_is_refused_and_nothing_is_created() {
    let sb = Sandbox::new();
    estate(&sb);
    let args = [
        "settings",
        "export",
        "estate.yaml",
        "--ucc",
        "helpdesk",
        "--format",
        "yaml",
        "--out",
        "missing/deeper/out.yaml",
    ];
    crate::snap::transcript(
        &sb,
        &args,
        &[],
        "",
        &[],
        snapbox::str![[r#"
$ crmctl settings export estate.yaml --ucc helpdesk --format yaml --out missing/deeper/out.yaml
? 3
--- stdout
--- stderr
error: could not write missing/deeper/out.yaml
  caused by: the folder missing/deeper does not exist

"#]],
    );
    assert!(!sb.path("missing").exists(), "a folder was created");
}
