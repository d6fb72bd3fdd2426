//! `--format junit|sarif|github` of validate-settings and doctor: documents CI systems
//! parse, with text from the settings file escaped for each format.

use emulator::default_org::*;
use emulator::{Background, Config};
use quick_xml::events::Event;
use serde_json::Value;

use crate::support::{Run, Sandbox, test_cipher};

/// A UCC with a mis-cased `password` holding plain text, a name full of markup and
/// workflow-command syntax, and a LoginEndPoint that only warns (a test org).
fn estate(sb: &Sandbox) -> std::path::PathBuf {
    let c = test_cipher();
    let rows = crmctl::settings::standard_rows(
        "ucc1.contoso.local",
        "https://eu6.salesforce.com/",
        "integration@contoso.com",
        [
            "plain, text: 100%",
            &c.encrypt_to_base64("id"),
            &c.encrypt_to_base64("secret"),
        ],
        "60.0",
        "https://login.salesforce.com/services/oauth2/token",
    );
    let good = crmctl::settings::standard_rows(
        "ucc2.contoso.local",
        "https://eu6.salesforce.com/",
        "integration@contoso.com",
        [
            &c.encrypt_to_base64("pw"),
            &c.encrypt_to_base64("id"),
            &c.encrypt_to_base64("secret"),
        ],
        "60.0",
        "https://login.salesforce.com/services/oauth2/token",
    );
    let bad: Vec<_> = rows
        .into_iter()
        .map(|(s, sc, v)| {
            if s == "Password" {
                ("password".into(), sc, v)
            } else {
                (s, sc, v)
            }
        })
        .collect();
    let text = crmctl::settings::render_yaml(
        &[("NAME".to_string(), bad), ("sales".to_string(), good)],
        "ci formats",
    );
    // A line break inside the name, as YAML writes it in a double-quoted scalar.
    let text = text.replace("\"NAME\"", "\"help<desk> & \\\"co\\\"\\n::error::x\"");
    sb.write_private("estate.yaml", &text)
}

fn validate(sb: &Sandbox, format: &str) -> Run {
    estate(sb);
    // Relative to the sandbox (the working folder), as a CI job names its files.
    sb.run(
        &["validate-settings", "estate.yaml", "--format", format],
        &[],
        "",
    )
}

/// (suite name, testcase name, has a failure, skipped) of every testcase of a JUnit document.
fn junit_cases(xml: &str) -> Vec<(String, String, bool, bool)> {
    let mut r = quick_xml::Reader::from_str(xml);
    let mut out: Vec<(String, String, bool, bool)> = Vec::new();
    let mut suite = String::new();
    let attr = |e: &quick_xml::events::BytesStart, name: &[u8]| -> Option<String> {
        e.attributes()
            .map(|a| a.expect("well-formed attribute"))
            .find(|a| a.key.as_ref() == name)
            .map(|a| {
                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .expect("escaped")
                    .into_owned()
            })
    };
    for _ in 0..100_000 {
        match r.read_event().expect("well-formed XML") {
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                b"testsuite" => suite = attr(&e, b"name").expect("suite name"),
                b"testcase" => out.push((
                    suite.clone(),
                    attr(&e, b"name").expect("name"),
                    false,
                    false,
                )),
                b"failure" => out.last_mut().expect("case").2 = true,
                b"skipped" => out.last_mut().expect("case").3 = true,
                _ => {}
            },
            Event::Eof => return out,
            _ => {}
        }
    }
    panic!("the XML did not end");
}

#[test]
fn junit_parses_with_a_suite_per_ucc_and_failing_testcases() {
    let sb = Sandbox::new();
    let out = validate(&sb, "junit");
    out.assert_code(1);
    let cases = junit_cases(&out.stdout);
    let suites: std::collections::BTreeSet<&str> = cases.iter().map(|c| c.0.as_str()).collect();
    assert_eq!(suites.len(), 2, "{suites:?}");
    assert!(
        // The line break in the UCC's name is shown as text output shows it.
        suites.contains("help<desk> & \"co\"\\n::error::x"),
        "{suites:?}"
    );
    let failing: Vec<&str> = cases.iter().filter(|c| c.2).map(|c| c.1.as_str()).collect();
    assert!(
        failing.contains(&"setting-case") && failing.contains(&"not-encrypted"),
        "{failing:?}"
    );
    // Rules that did not run are skipped, and a warning does not fail.
    assert!(cases.iter().any(|c| c.1 == "probe-failed" && c.3));
    let per_suite = cases.iter().filter(|c| c.0 == "sales").count();
    assert_eq!(per_suite, crmctl::settings::rules::RULE_IDS.len());
    assert!(
        cases.iter().filter(|c| c.0 == "sales").all(|c| !c.2),
        "{cases:?}"
    );
    assert!(
        !out.stdout.contains("plain, text"),
        "a plain-text secret is never shown"
    );
}

#[test]
fn sarif_is_2_1_0_with_the_rule_catalogue_and_file_lines() {
    let sb = Sandbox::new();
    let out = validate(&sb, "sarif");
    out.assert_code(1);
    let doc: Value = serde_json::from_str(&out.stdout).expect("one JSON document");
    assert_eq!(doc["version"], "2.1.0");
    let run = &doc["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), crmctl::settings::rules::RULE_IDS.len());
    assert!(
        rules
            .iter()
            .all(|r| r["shortDescription"]["text"].is_string() && r["help"]["text"].is_string())
    );
    let results = run["results"].as_array().expect("results");
    let case = results
        .iter()
        .find(|r| r["ruleId"] == "setting-case")
        .expect("setting-case result");
    assert_eq!(case["level"], "error");
    let loc = &case["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "estate.yaml");
    assert!(
        loc["region"]["startLine"].as_u64().is_some_and(|l| l > 1),
        "{loc}"
    );
    assert!(
        results
            .iter()
            .all(|r| ["error", "warning"].contains(&r["level"].as_str().expect("level")))
    );
}

#[test]
fn github_annotations_carry_file_line_and_escaped_text() {
    let sb = Sandbox::new();
    let out = validate(&sb, "github");
    out.assert_code(1);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("::error file=estate.yaml,line=")
                && l.contains(",title=setting-case::")),
        "{}",
        out.stdout
    );
    assert!(
        lines.contains(&"::group::help<desk> & \"co\"\\n::error::x"),
        "{}",
        out.stdout
    );
    // The UCC name's line break is escaped: no line but the commands starts with `::`.
    assert!(
        !lines.iter().any(|l| l.starts_with("::error::x")),
        "{}",
        out.stdout
    );
    assert_eq!(
        lines.iter().filter(|l| l.starts_with("::group::")).count(),
        2
    );
    assert_eq!(lines.iter().filter(|l| **l == "::endgroup::").count(), 2);
}

#[test]
fn the_format_never_changes_the_exit_code_and_json_is_an_alias() {
    let sb = Sandbox::new();
    let codes: Vec<i32> = ["text", "json", "junit", "sarif", "github"]
        .iter()
        .map(|f| validate(&sb, f).code)
        .collect();
    assert_eq!(codes, [1, 1, 1, 1, 1]);
    let out = validate(&sb, "json");
    assert_eq!(out.json()["command"], "validate-settings");
    let f = sb.path("estate.yaml");
    let out = sb.run(
        &[
            "validate-settings",
            f.to_str().expect("utf8"),
            "--json",
            "--format",
            "sarif",
        ],
        &[],
        "",
    );
    out.assert_code(2);
    assert_eq!(out.json()["error"]["kind"], "usage");
}

#[test]
fn doctor_supports_junit_with_a_testcase_per_step() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let c = test_cipher();
    let rows = crmctl::settings::standard_rows(
        "ucc1.contoso.local",
        "https://eu6.salesforce.com/",
        DEMO_USERNAME,
        [
            &c.encrypt_to_base64(&format!("{DEMO_PASSWORD}{DEMO_SECURITY_TOKEN}")),
            &c.encrypt_to_base64(DEMO_CLIENT_ID),
            "my-plain-client-secret",
        ],
        "60.0",
        "https://login.salesforce.com/services/oauth2/token",
    );
    let f = sb.write_private(
        "estate.yaml",
        &crmctl::settings::render_yaml(&[("helpdesk".into(), rows)], "doctor"),
    );
    let key = sb.key_profile();
    let out = sb.run(
        &[
            "--key-file",
            key.to_str().expect("utf8"),
            "doctor",
            "--login-url",
            &emu.login_url,
            "--format",
            "junit",
            "--settings",
            f.to_str().expect("utf8"),
        ],
        &[],
        "",
    );
    out.assert_code(1);
    let cases = junit_cases(&out.stdout);
    assert!(cases.iter().all(|c| c.0 == "helpdesk"), "{cases:?}");
    assert!(cases.iter().any(|c| c.1 == "settings" && c.2), "{cases:?}");
    assert!(cases.iter().any(|c| c.1 == "login" && c.3), "{cases:?}");
    assert!(!out.stdout.contains("my-plain-client-secret"));
    let run = |format: &str| {
        sb.run(
            &[
                "--key-file",
                key.to_str().expect("utf8"),
                "doctor",
                "--login-url",
                &emu.login_url,
                "--format",
                format,
                "--settings",
                f.to_str().expect("utf8"),
            ],
            &[],
            "",
        )
    };
    let out = run("sarif");
    out.assert_code(1);
    let doc: Value = serde_json::from_str(&out.stdout).expect("SARIF");
    assert_eq!(doc["version"], "2.1.0");
    let result = &doc["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "settings");
    assert_eq!(result["level"], "error");
    let out = run("github");
    out.assert_code(1);
    assert!(
        out.stdout.contains("::group::helpdesk\n::error file=")
            && out.stdout.contains(",title=settings::"),
        "{}",
        out.stdout
    );
}

/// The whole documents, as transcripts (backslashes kept: they show how org text was
/// escaped): `SNAPSHOTS=overwrite cargo test --test it ci_formats` rewrites them
/// after a deliberate change.
#[test]
fn transcripts_of_each_format() {
    let sb = Sandbox::new();
    let out = validate(&sb, "github");
    crate::snap::assert(
        &sb,
        &[],
        out.stdout,
        snapbox::file!["../fixtures/ci/validate.github.txt"],
    );
    let out = validate(&sb, "junit");
    crate::snap::assert(
        &sb,
        &[],
        out.stdout,
        snapbox::file!["../fixtures/ci/validate.junit.xml"],
    );
    let out = validate(&sb, "text");
    crate::snap::assert(
        &sb,
        &[],
        out.stdout,
        snapbox::file!["../fixtures/ci/validate.text.txt"],
    );
}
