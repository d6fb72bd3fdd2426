//! `crmctl validate-settings`: a passing estate, and for every rule a fixture that
//! fails it (and only it), with file, line, severity and exit code.

use serde_json::Value;

use crate::support::{Run, Sandbox, test_cipher};

/// (setting, scope, value) rows of one UCC.
pub(crate) type Rows = Vec<(String, String, String)>;

/// A UCC that passes every rule; `host` is its CRM Service's FQDN.
pub(crate) fn good_rows(host: &str) -> Rows {
    let c = test_cipher();
    [
        ("ListsEndpoints", "ListsPlugin", format!("http://{host}/webagentservice/api/v1/settings;http://{host}/CrmServiceSalesforce/api/v1/settings")),
        ("CrmServiceUrl", "WebAgentService", format!("http://{host}/CrmServiceSalesforce")),
        ("ApplicationHost", "CrmService", "https://eu6.salesforce.com/".into()),
        ("Username", "CrmService", "integration@contoso.com".into()),
        ("Password", "CrmService", c.encrypt_to_base64("TypicalPasswordpR8&uI234&BiGgg")),
        ("ClientId", "CrmService", c.encrypt_to_base64("3MVG9clientid")),
        ("ClientSecret", "CrmService", c.encrypt_to_base64("clientsecret")),
        ("ApiEndPoint", "CrmService", "services/data/v60.0/".into()),
        ("LoginEndPoint", "CrmService", "https://login.salesforce.com/services/oauth2/token".into()),
    ]
    .into_iter()
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c))
    .collect()
}

pub(crate) fn yaml(uccs: &[(&str, Rows)]) -> String {
    let mut y = String::from("uccs:\n");
    for (name, rows) in uccs {
        y.push_str(&format!("  - name: {name}\n    settings:\n"));
        for (s, scope, v) in rows {
            y.push_str(&format!(
                "      - {{ setting: {s}, scope: {scope}, value: \"{}\" }}\n",
                v.replace('"', "\\\"")
            ));
        }
    }
    y
}

fn validate(sb: &Sandbox, text: &str, extra: &[&str]) -> Run {
    let f = sb.write_private("estate.yaml", text);
    let key = sb.key_profile();
    let mut args = vec![
        "--key-file",
        key.to_str().expect("utf8"),
        "--json",
        "validate-settings",
    ];
    args.extend_from_slice(extra);
    let fp = f.to_str().expect("utf8").to_string();
    args.push(&fp);
    sb.run(&args, &[], "")
}

pub(crate) fn findings(run: &Run) -> Vec<Value> {
    run.json()["data"]["findings"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

pub(crate) fn set(rows: &mut [(String, String, String)], setting: &str, value: &str) {
    if let Some(r) = rows.iter_mut().find(|r| r.0 == setting) {
        r.2 = value.to_string();
    }
}

#[test]
fn a_good_estate_passes_every_rule() {
    let sb = Sandbox::new();
    let out = validate(
        &sb,
        &yaml(&[
            ("helpdesk", good_rows("ucc1.contoso.local")),
            ("sales", good_rows("ucc1.contoso.local")),
        ]),
        &["--strict"],
    );
    out.assert_code(0);
    assert_eq!(findings(&out), Vec::<Value>::new());
    assert_eq!(out.json()["data"]["summary"]["uccs"], 2);
    assert_eq!(out.json()["data"]["summary"]["decryption_checked"], true);
}

#[test]
fn every_rule_fails_its_fixture_with_file_and_line() {
    let c = test_cipher();
    let other_key = crmctl::crypto::Cipher::new(&[9; 32], &[3; 16]).expect("cipher");
    let c2 = test_cipher();
    let c3 = test_cipher();
    type Mutate = Box<dyn Fn(&mut Rows)>;
    let cases: Vec<(&str, &str, Mutate)> = vec![
        (
            "mandatory-missing",
            "error",
            Box::new(|r| r.retain(|x| x.0 != "ClientSecret")),
        ),
        (
            "mandatory-empty",
            "error",
            Box::new(|r| set(r, "Username", "TODO")),
        ),
        (
            "mandatory-empty",
            "error",
            Box::new(|r| set(r, "Username", "<your user>")),
        ),
        (
            "wrong-scope",
            "error",
            Box::new(|r| r[3].1 = "WebAgentService".into()),
        ),
        (
            "lists-endpoint",
            "error",
            Box::new(|r| {
                set(
                    r,
                    "ListsEndpoints",
                    "http://ucc1.contoso.local/webagentservice/api/v1/settings",
                )
            }),
        ),
        (
            "crm-service-url",
            "error",
            Box::new(|r| set(r, "CrmServiceUrl", "http://ucc1.contoso.local/CrmService")),
        ),
        (
            "endpoint-host-mismatch",
            "error",
            Box::new(|r| {
                set(
                    r,
                    "CrmServiceUrl",
                    "http://ucc2.contoso.local/CrmServiceSalesforce",
                )
            }),
        ),
        (
            "not-local",
            "warning",
            Box::new(|r| {
                set(
                    r,
                    "ListsEndpoints",
                    "http://ucc1.contoso.com/CrmServiceSalesforce/api/v1/settings",
                );
                set(
                    r,
                    "CrmServiceUrl",
                    "http://ucc1.contoso.com/CrmServiceSalesforce",
                );
            }),
        ),
        (
            "application-host",
            "error",
            Box::new(|r| set(r, "ApplicationHost", "http://eu6.salesforce.com/")),
        ),
        (
            "login-endpoint",
            "error",
            Box::new(|r| {
                set(
                    r,
                    "LoginEndPoint",
                    "https://login.salesforce.com/services/oauth2/authorize",
                )
            }),
        ),
        (
            "sandbox-mismatch",
            "warning",
            Box::new(|r| {
                set(
                    r,
                    "LoginEndPoint",
                    "https://test.salesforce.com/services/oauth2/token",
                )
            }),
        ),
        // Issue 18 item 4: login hosts and the browser's Lightning host are not the API.
        (
            "application-host",
            "error",
            Box::new(|r| set(r, "ApplicationHost", "https://login.salesforce.com/")),
        ),
        (
            "application-host",
            "error",
            Box::new(|r| set(r, "ApplicationHost", "https://test.salesforce.com/")),
        ),
        (
            "application-host",
            "error",
            Box::new(|r| set(r, "ApplicationHost", "https://contoso.lightning.force.com/")),
        ),
        // Issue 18 item 7: two My Domains are two orgs.
        (
            "login-host-mismatch",
            "error",
            Box::new(|r| {
                set(r, "ApplicationHost", "https://contoso.my.salesforce.com/");
                set(
                    r,
                    "LoginEndPoint",
                    "https://fabrikam.my.salesforce.com/services/oauth2/token",
                );
            }),
        ),
        // Issue 18 item 8: Username's shape, and ClientSecret pasted over ClientId.
        (
            "username-shape",
            "error",
            Box::new(|r| set(r, "Username", "integration")),
        ),
        (
            "client-id-is-secret",
            "error",
            Box::new(move |r| set(r, "ClientSecret", &c3.encrypt_to_base64("3MVG9clientid"))),
        ),
        (
            "api-endpoint",
            "error",
            Box::new(|r| set(r, "ApiEndPoint", "services/data/v60/")),
        ),
        (
            "api-version-retired",
            "error",
            Box::new(|r| set(r, "ApiEndPoint", "services/data/v30.0/")),
        ),
        (
            "not-encrypted",
            "error",
            Box::new(|r| set(r, "Password", "TypicalPasswordpR8&uI234&BiGgg")),
        ),
        (
            "does-not-decrypt",
            "error",
            Box::new(move |r| set(r, "ClientId", &other_key.encrypt_to_base64("3MVG9clientid"))),
        ),
        (
            "secret-whitespace",
            "warning",
            Box::new(move |r| set(r, "Password", &c.encrypt_to_base64(" TypicalPassword "))),
        ),
        (
            "duplicate-setting",
            "error",
            Box::new(|r| {
                let dup = r[3].clone();
                r.push(dup);
            }),
        ),
        (
            "unknown-setting",
            "error",
            Box::new(|r| r[8].0 = "LoginEndPont".into()),
        ),
        (
            "setting-case",
            "error",
            Box::new(|r| r[8].0 = "LoginEndpoint".into()),
        ),
        (
            "value-whitespace",
            "warning",
            Box::new(move |r| {
                let v = format!(" {}\t", c2.encrypt_to_base64("3MVG9clientid"));
                set(r, "ClientId", &v)
            }),
        ),
        (
            "test-org",
            "warning",
            Box::new(|r| {
                set(r, "ApplicationHost", "http://127.0.0.1:8080/");
                set(
                    r,
                    "LoginEndPoint",
                    "http://[::1]:8443/services/oauth2/token",
                );
            }),
        ),
        (
            "unknown-setting",
            "warning",
            Box::new(|r| r.push(("Colour".into(), "CrmService".into(), "blue".into()))),
        ),
    ];
    let sb = Sandbox::new();
    for (rule, severity, mutate) in cases {
        let mut rows = good_rows("ucc1.contoso.local");
        mutate(&mut rows);
        let out = validate(&sb, &yaml(&[("helpdesk", rows)]), &[]);
        let f = findings(&out);
        let mine: Vec<&Value> = f.iter().filter(|x| x["rule"] == rule).collect();
        assert!(!mine.is_empty(), "{rule}: no finding in {f:#?}");
        let x = mine[0];
        assert_eq!(x["severity"], severity, "{rule}");
        assert_eq!(x["ucc"], "helpdesk");
        assert!(x["file"].as_str().expect("file").ends_with("estate.yaml"));
        assert!(x["line"].as_u64().expect("line") >= 2, "{rule}: {x}");
        for key in ["setting", "message", "hint"] {
            assert!(x.get(key).is_some(), "{rule} lacks {key}");
        }
        let others: Vec<&Value> = f
            .iter()
            .filter(|x| x["rule"] != rule && x["rule"] != "mandatory-missing")
            .collect();
        if rule != "unknown-setting" && rule != "endpoint-host-mismatch" {
            assert!(others.is_empty(), "{rule} also raised {others:#?}");
        }
        let want = if severity == "error" { 1 } else { 0 };
        out.assert_code(want);
    }
}

/// Issue 18 items 4 and 7: the hint names the My Domain form, and a LoginEndPoint
/// must log in where ApplicationHost's org is (a test org on this machine, or not).
#[test]
fn login_endpoint_and_application_host_name_one_org() {
    let sb = Sandbox::new();
    let rules_for = |app: &str, login: &str| {
        let mut r = good_rows("ucc1.contoso.local");
        set(&mut r, "ApplicationHost", app);
        set(&mut r, "LoginEndPoint", login);
        let out = validate(&sb, &yaml(&[("helpdesk", r)]), &[]);
        let mut ids: Vec<String> = findings(&out)
            .iter()
            .map(|x| {
                format!(
                    "{}:{}",
                    x["setting"].as_str().unwrap_or(""),
                    x["rule"].as_str().unwrap_or("")
                )
            })
            .collect();
        ids.sort();
        (ids, out)
    };
    let prod = "https://login.salesforce.com/services/oauth2/token";
    let emu = "http://127.0.0.1:8080/services/oauth2/token";
    let (ids, out) = rules_for("http://127.0.0.1:8080/", prod);
    assert_eq!(
        ids,
        [
            "ApplicationHost:test-org",
            "LoginEndPoint:login-host-mismatch"
        ],
        "{}",
        out.stdout
    );
    out.assert_code(1);
    let (ids, _) = rules_for("https://eu6.salesforce.com/", emu);
    assert_eq!(
        ids,
        [
            "LoginEndPoint:login-host-mismatch",
            "LoginEndPoint:test-org"
        ]
    );
    let (ids, out) = rules_for("http://127.0.0.1:8080/", emu);
    assert_eq!(ids, ["ApplicationHost:test-org", "LoginEndPoint:test-org"]);
    out.assert_code(0);
    for ok in [
        (
            "https://contoso.my.salesforce.com/",
            "https://contoso.my.salesforce.com/services/oauth2/token",
        ),
        ("https://contoso.my.salesforce.com/", prod),
        (
            "https://contoso--uat.sandbox.my.salesforce.com/",
            "https://test.salesforce.com/services/oauth2/token",
        ),
    ] {
        let (ids, _) = rules_for(ok.0, ok.1);
        assert_eq!(ids, Vec::<String>::new(), "{ok:?}");
    }
    let (ids, out) = rules_for("https://contoso.lightning.force.com/", prod);
    assert_eq!(ids, ["ApplicationHost:application-host"]);
    let f = findings(&out);
    assert!(
        f[0]["hint"]
            .as_str()
            .is_some_and(|h| h.contains("<MyDomain>.my.salesforce.com")),
        "{f:#?}"
    );
}

#[test]
fn shared_services_need_identical_primary_settings_and_secrets_are_fingerprinted() {
    let sb = Sandbox::new();
    let mut b = good_rows("ucc1.contoso.local");
    set(&mut b, "ApiEndPoint", "services/data/v61.0/");
    set(
        &mut b,
        "ClientSecret",
        &test_cipher().encrypt_to_base64("another-secret"),
    );
    let third = good_rows("ucc9.contoso.local"); // its own service: not compared
    let text = yaml(&[
        ("helpdesk", good_rows("ucc1.contoso.local")),
        ("sales", b),
        ("billing", third),
    ]);
    let out = validate(&sb, &text, &[]);
    out.assert_code(1);
    let f = findings(&out);
    let prim: Vec<&Value> = f
        .iter()
        .filter(|x| x["rule"] == "primary-mismatch")
        .collect();
    assert_eq!(
        prim.len(),
        4,
        "two settings differ, reported for both UCCs: {prim:#?}"
    );
    let api = prim
        .iter()
        .find(|x| x["setting"] == "ApiEndPoint")
        .expect("ApiEndPoint");
    let msg = api["message"].as_str().expect("message");
    assert!(
        msg.contains("helpdesk=\"services/data/v60.0/\"")
            && msg.contains("sales=\"services/data/v61.0/\""),
        "{msg}"
    );
    let secret = prim
        .iter()
        .find(|x| x["setting"] == "ClientSecret")
        .expect("ClientSecret");
    let msg = secret["message"].as_str().expect("message");
    assert!(msg.contains("sha256:"), "{msg}");
    assert!(
        !out.stdout
            .contains(&test_cipher().encrypt_to_base64("another-secret")),
        "encrypted secrets are fingerprinted, never shown"
    );
    assert!(!f.iter().any(|x| x["ucc"] == "billing"));
}

#[test]
fn csv_exports_text_output_and_unreadable_input() {
    let sb = Sandbox::new();
    let rows = good_rows("ucc1.contoso.local");
    let mut csv = String::from("\u{feff}Title;Value;Scope\n");
    for (s, scope, v) in &rows {
        let v = if s == "Username" {
            String::new()
        } else {
            v.clone()
        };
        csv.push_str(&format!("{s};\"{v}\";{scope}\n"));
    }
    let f = sb.write_private("PluginSettings.csv", &csv);
    let key = sb.key_profile();
    let k = key.to_str().expect("utf8");
    let f = f.to_str().expect("utf8");
    let csv_args = ["--key-file", k, "validate-settings", "--ucc", "helpdesk", f];
    let csv_run = sb.run(&csv_args, &[], "");
    csv_run.assert_code(1);
    let no_ucc = ["validate-settings", f];
    let no_ucc_run = sb.run(&no_ucc, &[], "");
    no_ucc_run.assert_code(2);
    let bad = sb.write_private("bad.yaml", "uccs:\n  - name: a\n    setings: []\n");
    let bad_args = ["validate-settings", bad.to_str().expect("utf8")];
    let bad_run = sb.run(&bad_args, &[], "");
    bad_run.assert_code(3);
    crate::snap::assert(
        &sb,
        &[],
        crate::snap::runs(&[
            (&csv_args, &csv_run),
            (&no_ucc, &no_ucc_run),
            (&bad_args, &bad_run),
        ]),
        snapbox::file!["../fixtures/transcripts/validate-csv.txt"],
    );
    sb.run(&["validate-settings", "missing.yaml"], &[], "")
        .assert_code(3);
}

#[test]
fn probes_hit_the_settings_endpoint_and_report_a_closed_port() {
    let emu = emulator::Background::start(emulator::Config::default()).expect("emulator");
    let live = emu.base_url.trim_start_matches("http://").to_string();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let dead = closed.local_addr().expect("addr").to_string();
    drop(closed);
    let sb = Sandbox::new();
    let out = validate(
        &sb,
        &yaml(&[("up", good_rows(&live)), ("down", good_rows(&dead))]),
        &["--probe", "--probe-timeout", "2"],
    );
    // A URL that does not answer is a check that could not complete: 4 (no
    // settings error here, which would come first with 1).
    out.assert_code(4);
    let probes = out.json()["data"]["probes"]
        .as_array()
        .cloned()
        .expect("probes");
    assert_eq!(probes.len(), 4, "two distinct URLs per UCC: {probes:#?}");
    let ok: Vec<&Value> = probes.iter().filter(|p| p["status"] == 200).collect();
    assert_eq!(ok.len(), 2, "{probes:#?}");
    assert!(ok.iter().any(|p| {
        p["url"]
            .as_str()
            .expect("url")
            .ends_with("/CrmServiceSalesforce/api/v1/settings")
    }));
    let failed: Vec<Value> = findings(&out)
        .into_iter()
        .filter(|f| f["rule"] == "probe-failed")
        .collect();
    assert_eq!(failed.len(), 2);
    assert!(
        failed
            .iter()
            .all(|f| f["ucc"] == "down" && f["severity"] == "error")
    );
    assert_eq!(emu.stats().routes.get("crm_settings"), Some(&1));
    assert_eq!(emu.stats().routes.get("crm_service"), Some(&1));
}

#[test]
fn login_runs_once_per_distinct_credential_set() {
    use emulator::default_org::*;
    let emu = emulator::Background::start(emulator::Config::default()).expect("emulator");
    let c = test_cipher();
    let creds = |user: &str, token: &str| {
        let mut r = good_rows("ucc1.contoso.local");
        set(
            &mut r,
            "LoginEndPoint",
            &format!("{}/services/oauth2/token", emu.base_url),
        );
        set(&mut r, "Username", user);
        set(
            &mut r,
            "Password",
            &c.encrypt_to_base64(&format!("{DEMO_PASSWORD}{token}")),
        );
        set(&mut r, "ClientId", &c.encrypt_to_base64(DEMO_CLIENT_ID));
        set(
            &mut r,
            "ClientSecret",
            &c.encrypt_to_base64(DEMO_CLIENT_SECRET),
        );
        r
    };
    let sb = Sandbox::new();
    let text = yaml(&[
        ("helpdesk", creds(DEMO_USERNAME, DEMO_SECURITY_TOKEN)),
        ("sales", creds(DEMO_USERNAME, DEMO_SECURITY_TOKEN)),
        ("billing", creds(DEMO_USERNAME, "")),
        ("leads", creds("nolead@crmctl.example", DEMO_SECURITY_TOKEN)),
    ]);
    let out = validate(&sb, &text, &["--login"]);
    out.assert_code(1);
    let logins = out.json()["data"]["logins"]
        .as_array()
        .cloned()
        .expect("logins");
    assert_eq!(
        logins.len(),
        3,
        "helpdesk and sales share one login: {logins:#?}"
    );
    assert_eq!(logins[0]["uccs"], serde_json::json!(["helpdesk", "sales"]));
    assert_eq!(logins[0]["ok"], true);
    assert_eq!(emu.stats().routes.get("token"), Some(&3));
    let f = findings(&out);
    let failed: Vec<&Value> = f.iter().filter(|x| x["rule"] == "login-failed").collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["ucc"], "billing");
    let hint = failed[0]["hint"].as_str().expect("hint");
    assert!(hint.contains("CURRENT security token"), "{}", failed[0]);
    assert!(
        !hint.contains("no security token was sent"),
        "the token is inside the Password setting: {hint}"
    );
    let checks: Vec<&Value> = f.iter().filter(|x| x["rule"] == "login-checks").collect();
    assert_eq!(checks.len(), 1);
    assert!(
        checks[0]["message"]
            .as_str()
            .expect("m")
            .contains("Lead hides Phone"),
        "{}",
        checks[0]
    );
    assert!(!out.stdout.contains(DEMO_PASSWORD) && !out.stdout.contains(DEMO_CLIENT_SECRET));
}

/// The settings `crmctl emulate` (or `demo`) gives: a test org on this machine.
fn emulated_rows(base: &str, login: &str) -> Rows {
    use emulator::default_org::*;
    let c = test_cipher();
    let mut r = good_rows("ucc1.contoso.local");
    set(&mut r, "ApplicationHost", &format!("{base}/"));
    set(
        &mut r,
        "LoginEndPoint",
        &format!("{login}/services/oauth2/token"),
    );
    set(&mut r, "Username", DEMO_USERNAME);
    set(
        &mut r,
        "Password",
        &c.encrypt_to_base64(&format!("{DEMO_PASSWORD}{DEMO_SECURITY_TOKEN}")),
    );
    set(&mut r, "ClientId", &c.encrypt_to_base64(DEMO_CLIENT_ID));
    set(
        &mut r,
        "ClientSecret",
        &c.encrypt_to_base64(DEMO_CLIENT_SECRET),
    );
    r
}

#[test]
fn ci_against_the_emulator_validates_clean_but_for_the_test_org_warning() {
    let emu = emulator::Background::start(emulator::Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let text = yaml(&[("helpdesk", emulated_rows(&emu.base_url, &emu.base_url))]);
    let out = validate(&sb, &text, &["--login"]);
    out.assert_code(0);
    let f = findings(&out);
    assert!(
        !f.is_empty()
            && f.iter()
                .all(|x| x["rule"] == "test-org" && x["severity"] == "warning"),
        "{f:#?}"
    );
    assert_eq!(out.json()["data"]["logins"][0]["ok"], true);
    assert_eq!(emu.stats().routes.get("token"), Some(&1));
    // localhost and [::1] are test orgs too; --strict counts the warning.
    let port = emu.base_url.rsplit(':').next().expect("port").to_string();
    for host in ["localhost", "[::1]", "127.0.0.2"] {
        let url = format!("http://{host}:{port}");
        let text = yaml(&[("helpdesk", emulated_rows(&url, &url))]);
        let out = validate(&sb, &text, &["--strict"]);
        out.assert_code(1);
        let f = findings(&out);
        assert!(f.iter().all(|x| x["rule"] == "test-org"), "{host}: {f:#?}");
    }
}

#[test]
fn login_does_not_post_credentials_to_an_untrusted_endpoint_unless_allowed() {
    let emu = emulator::Background::start(emulator::Config::default()).expect("emulator");
    let port = emu.base_url.rsplit(':').next().expect("port").to_string();
    // 0.0.0.0 reaches this machine but is not a loopback name: plain http to a host
    // that is neither Salesforce nor a test org, as a mistyped LoginEndPoint would be.
    let untrusted = format!("http://0.0.0.0:{port}");
    let sb = Sandbox::new();
    let text = yaml(&[("helpdesk", emulated_rows(&emu.base_url, &untrusted))]);
    let out = validate(&sb, &text, &["--login"]);
    out.assert_code(1);
    let f = findings(&out);
    assert!(f.iter().any(|x| x["rule"] == "login-endpoint"), "{f:#?}");
    let skipped: Vec<&Value> = f.iter().filter(|x| x["rule"] == "login-skipped").collect();
    assert_eq!(skipped.len(), 1, "{f:#?}");
    assert!(
        skipped[0]["hint"]
            .as_str()
            .expect("hint")
            .contains("--allow-untrusted-login")
    );
    assert_eq!(
        emu.stats().routes.get("token"),
        None,
        "credentials were posted"
    );
    let out = validate(&sb, &text, &["--login", "--allow-untrusted-login"]);
    let f = findings(&out);
    assert!(!f.iter().any(|x| x["rule"] == "login-skipped"), "{f:#?}");
    assert_eq!(emu.stats().routes.get("token"), Some(&1));
    assert_eq!(out.json()["data"]["logins"][0]["ok"], true);
}

#[test]
fn the_readme_documents_every_rule_id() {
    let readme =
        std::fs::read_to_string(crate::support::repo_root().join("README.md")).expect("README");
    for id in crmctl::settings::rules::RULE_IDS {
        assert!(
            readme.contains(&format!("`{id}`")),
            "README lacks rule `{id}`"
        );
    }
}
