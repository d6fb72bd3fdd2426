//! `validate-settings --fix`: byte-exact mends, `--dry-run` as a unified diff.

use crate::support::{Sandbox, test_cipher};

/// BOM + CRLF, comments, a mis-cased name and scope, whitespace around a plain value,
/// ApiEndPoint without its slash, and whitespace around a secret (never touched).
fn estate() -> String {
    let c = test_cipher();
    format!(
        "\u{feff}# estate\r\nuccs:\r\n  - name: helpdesk # main\r\n    settings:\r\n      - {{ setting: ListsEndpoints, scope: ListsPlugin, value: \"http://ucc1.contoso.local/webagentservice/api/v1/settings;http://ucc1.contoso.local/CrmServiceSalesforce/api/v1/settings\" }}\r\n      - {{ setting: CrmServiceUrl, scope: webagentservice, value: 'http://ucc1.contoso.local/CrmServiceSalesforce' }}\r\n      - {{ setting: applicationhost, scope: CrmService, value: \"https://eu6.salesforce.com/\" }}   # mis-cased\r\n      - {{ setting: Username, scope: CrmService, value: \"  integration@contoso.com \" }}\r\n      - {{ setting: Password, scope: CrmService, value: \" {} \" }}\r\n      - {{ setting: ClientId, scope: CrmService, value: {} }}\r\n      - {{ setting: ClientSecret, scope: CrmService, value: {} }}\r\n      - {{ setting: ApiEndPoint, scope: CrmService, value: services/data/v60.0 }}\r\n      - {{ setting: LoginEndPoint, scope: CrmService, value: https://login.salesforce.com/services/oauth2/token }}\r\n",
        c.encrypt_to_base64("pw"),
        c.encrypt_to_base64("id"),
        c.encrypt_to_base64("secret"),
    )
}

fn fixed(text: &str) -> String {
    text.replace("setting: applicationhost", "setting: ApplicationHost")
        .replace("scope: webagentservice", "scope: WebAgentService")
        .replace(
            "\"  integration@contoso.com \"",
            "\"integration@contoso.com\"",
        )
        .replace(
            "value: services/data/v60.0 }",
            "value: services/data/v60.0/ }",
        )
}

#[test]
fn fix_mends_byte_exactly_and_never_touches_secrets() {
    let sb = Sandbox::new();
    let before = estate();
    let f = sb.write_private("estate.yaml", &before);
    let out = sb.run(
        &["validate-settings", "estate.yaml", "--fix", "--json"],
        &[],
        "",
    );
    let doc = out.json();
    let kinds: Vec<&str> = doc["data"]["fix"]["fixes"]
        .as_array()
        .expect("fixes")
        .iter()
        .map(|f| f["fix"].as_str().expect("kind"))
        .collect();
    assert_eq!(
        kinds,
        [
            "scope-case",
            "setting-case",
            "value-whitespace",
            "trailing-slash"
        ]
    );
    let after = std::fs::read_to_string(&f).expect("read");
    assert_eq!(after, fixed(&before));
    // What is left is the secret's whitespace, a finding --fix does not mend.
    let rules: Vec<&str> = doc["data"]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["rule"].as_str().expect("rule"))
        .collect();
    assert!(
        rules.contains(&"value-whitespace") && !rules.contains(&"setting-case"),
        "{rules:?}"
    );
    // Mended once, nothing is left to mend.
    let out = sb.run(
        &["validate-settings", "estate.yaml", "--fix", "--json"],
        &[],
        "",
    );
    assert_eq!(out.json()["data"]["fix"]["fixes"], serde_json::json!([]));
    assert_eq!(std::fs::read_to_string(&f).expect("read"), after);
}

#[test]
fn dry_run_prints_a_unified_diff_and_writes_nothing() {
    let sb = Sandbox::new();
    let before = estate();
    let f = sb.write_private("estate.yaml", &before);
    let out = sb.run(
        &["validate-settings", "estate.yaml", "--fix", "--dry-run"],
        &[],
        "",
    );
    assert_eq!(std::fs::read_to_string(&f).expect("read"), before);
    assert!(
        out.stdout
            .starts_with("--- a/estate.yaml\n+++ b/estate.yaml\n@@ -"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("\n-      - { setting: applicationhost,"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("\n+      - { setting: ApplicationHost,"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("dry run: 4 fixes would be made; nothing was written"),
        "{}",
        out.stdout
    );
    assert!(
        !out.stdout.contains(&test_cipher().encrypt_to_base64("pw")),
        "{}",
        out.stdout
    );
    // Issue 20 item 12: the findings are those of the mended text (as the real --fix
    // would leave it), and the report says so.
    assert!(!out.stdout.contains("[setting-case]"), "{}", out.stdout);
    assert!(!out.stdout.contains("[api-endpoint"), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("findings as they would be after the fixes"),
        "{}",
        out.stdout
    );
    let json = sb.run(
        &[
            "validate-settings",
            "estate.yaml",
            "--fix",
            "--dry-run",
            "--json",
        ],
        &[],
        "",
    );
    assert_eq!(json.json()["data"]["fix"]["findings_after_fix"], true);
    let real = sb.run(&["validate-settings", "estate.yaml", "--fix"], &[], "");
    assert_eq!(out.code, real.code, "{}\n{}", out.stdout, real.stdout);
    assert_eq!(json.code, real.code);
    let out = sb.run(&["validate-settings", "-", "--fix"], &[], "");
    out.assert_code(2);
}

#[test]
fn a_csv_export_is_mended_in_place_and_needs_its_ucc_named() {
    let sb = Sandbox::new();
    let before = "\u{feff}Title;Value;Scope\r\nusername;\" a@contoso.com\";crmservice\r\nApiEndPoint;services/data/v60.0//;CrmService\r\n";
    let f = sb.write_private("PluginSettings.csv", before);
    let out = sb.run(
        &["validate-settings", "PluginSettings.csv", "--fix"],
        &[],
        "",
    );
    out.assert_code(2);
    assert_eq!(std::fs::read_to_string(&f).expect("read"), before);
    sb.run(
        &[
            "validate-settings",
            "PluginSettings.csv",
            "--ucc",
            "helpdesk",
            "--fix",
        ],
        &[],
        "",
    );
    assert_eq!(
        std::fs::read_to_string(&f).expect("read"),
        "\u{feff}Title;Value;Scope\r\nUsername;\"a@contoso.com\";CrmService\r\nApiEndPoint;services/data/v60.0/;CrmService\r\n"
    );
}

#[test]
fn a_mend_that_would_change_an_aliased_value_elsewhere_stays_a_finding() {
    let sb = Sandbox::new();
    let before = "uccs:\n  - name: a\n    settings:\n      - { setting: Username, scope: CrmService, value: &u ' a@b.c' }\n      - { setting: Region, scope: CrmService, value: *u }\n      - { setting: apiendpoint, scope: CrmService, value: services/data/v60.0/ }\n";
    let f = sb.write_private("e.yaml", before);
    let out = sb.run(&["validate-settings", "e.yaml", "--fix", "--json"], &[], "");
    let kinds: Vec<String> = out.json()["data"]["fix"]["fixes"]
        .as_array()
        .expect("fixes")
        .iter()
        .map(|f| f["fix"].as_str().expect("kind").to_string())
        .collect();
    assert_eq!(kinds, ["setting-case"]);
    assert_eq!(
        std::fs::read_to_string(&f).expect("read"),
        before.replace("setting: apiendpoint", "setting: ApiEndPoint")
    );
}
