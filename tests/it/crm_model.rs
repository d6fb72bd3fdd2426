//! The screen pop as the UCC's CRM Service is configured (issue 20): `lookup --settings
//! --ucc` follows DefaultPhoneNumberRegion, PhoneNumberFormat, the base queries and the
//! PluginAttributes; `--model 8x8` searches as before; `validate-settings` checks the
//! optional settings and the list. Against the emulated org.

use emulator::default_org::*;
use emulator::{Background, Config};
use serde_json::Value;

use crate::support::{Run, Sandbox, test_cipher};

pub(crate) const ATTRIBUTES: &str = r#"    plugin_attributes:
      - { DisplayName: Name, SystemName: FirstName, ShowOnExtensionWindow: Yes, Order: 1, Category: Contact }
      - { DisplayName: Name, SystemName: LastName, ShowOnExtensionWindow: Yes, Order: 2, Category: Contact }
      - { DisplayName: Title, SystemName: Title, ShowOnExtensionWindow: Yes, Order: 3, Category: Contact }
      - { DisplayName: Record, SystemName: Id, ShowOnExtensionWindow: Yes, Order: 4, Category: Contact, Hyperlink: "https://crm.example/contact/[Id]?name=[LastName]" }
      - { DisplayName: Account, SystemName: Account.Name, ShowOnExtensionWindow: Yes, Order: 5, Category: Contact }
      - { DisplayName: Email, SystemName: Email, ShowOnExtensionWindow: No, Order: 6, Category: Contact }
      - { DisplayName: Company, SystemName: Company, Order: 1, Category: Lead }
"#;

/// An estate of one UCC, `helpdesk`, logging in to the emulator, with `optional`
/// CrmService settings and `attributes` appended as YAML.
pub(crate) fn estate(
    sb: &Sandbox,
    emu: &Background,
    optional: &[(&str, &str)],
    attributes: &str,
) -> String {
    let c = test_cipher();
    let mut rows = crmctl::settings::standard_rows(
        "ucc1.contoso.local",
        &emu.base_url,
        DEMO_USERNAME,
        [
            &c.encrypt_to_base64(&format!("{DEMO_PASSWORD}{DEMO_SECURITY_TOKEN}")),
            &c.encrypt_to_base64(DEMO_CLIENT_ID),
            &c.encrypt_to_base64(DEMO_CLIENT_SECRET),
        ],
        "60.0",
        &emu.token_url(),
    );
    for (s, v) in optional {
        rows.push((s.to_string(), "CrmService".into(), v.to_string()));
    }
    let yaml = crmctl::settings::render_yaml(&[("helpdesk".into(), rows)], "crm model test");
    let path = sb.write_private("estate.yaml", &format!("{yaml}{attributes}"));
    path.to_str().expect("utf8").to_string()
}

pub(crate) fn lookup(sb: &Sandbox, file: &str, args: &[&str]) -> Run {
    let key = sb.key_profile();
    let mut a = vec![
        "--key-file",
        key.to_str().expect("utf8"),
        "lookup",
        "--settings",
        file,
        "--ucc",
        "helpdesk",
    ];
    a.extend_from_slice(args);
    sb.run(&a, &[], "")
}

fn validate(sb: &Sandbox, file: &str, args: &[&str]) -> Run {
    let key = sb.key_profile();
    let mut a = vec![
        "--key-file",
        key.to_str().expect("utf8"),
        "validate-settings",
    ];
    a.extend_from_slice(args);
    a.push(file);
    sb.run(&a, &[], "")
}

/// (rule, message) of the findings.
fn findings(run: &Run) -> Vec<(String, String)> {
    run.json()["data"]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_string(),
                f["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn rules(run: &Run) -> Vec<String> {
    findings(run).into_iter().map(|(r, _)| r).collect()
}

#[test]
fn the_ucc_region_reads_the_number_and_the_contact_pops_with_its_attributes() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let file = estate(&sb, &emu, &[("DefaultPhoneNumberRegion", "NL")], ATTRIBUTES);
    let out = lookup(&sb, &file, &["--json", "020-1234567"]);
    out.assert_code(0);
    let d = out.json()["data"].clone();
    assert_eq!(d["query"]["reading"]["region"], "NL");
    assert_eq!(
        d["query"]["reading"]["region_from"],
        "DefaultPhoneNumberRegion"
    );
    assert_eq!(d["model"]["name"], "crm-service");
    assert_eq!(d["model"]["settings"]["PhoneNumberFormat"], "Wildcard");
    assert_eq!(d["status"], "Contact");
    assert_eq!(d["pops"]["object"], "Contact");
    assert_eq!(d["pops"]["name"], "Pieter de Vries");
    let id = d["pops"]["id"].as_str().expect("id").to_string();
    let shown: Vec<(String, String, Value)> = d["pops"]["attributes"]
        .as_array()
        .expect("attributes")
        .iter()
        .map(|a| {
            (
                a["display_name"].as_str().unwrap_or("").to_string(),
                a["value"].as_str().unwrap_or("").to_string(),
                a["hyperlink"].clone(),
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            ("Name".into(), "Pieter de Vries".into(), Value::Null),
            ("Title".into(), "Inkoper".into(), Value::Null),
            (
                "Record".into(),
                id.clone(),
                Value::from(format!("https://crm.example/contact/{id}?name=de%20Vries"))
            ),
            (
                "Account".into(),
                "Amsterdam Trading B.V.".into(),
                Value::Null
            ),
        ],
        "in Order, the hidden Email left out, the names combined"
    );
    assert_eq!(d["missed_by_model"], serde_json::json!([]));
    assert_eq!(
        d["model"]["queries"][1],
        "SELECT Id, Name, Company FROM Lead WHERE IsConverted = false AND (Phone LIKE '%2%0%1%2%3%4%5%6%7%' OR MobilePhone LIKE '%2%0%1%2%3%4%5%6%7%')"
    );

    // The text: the model's line first, then the pop with its status and attributes.
    let out = lookup(&sb, &file, &["020-1234567"]);
    out.assert_code(0);
    let first = out.stdout.lines().next().unwrap_or("");
    assert_eq!(
        first,
        format!(
            "model: crm-service, as the CRM Service of UCC helpdesk ({file}) is configured: DefaultPhoneNumberRegion NL, PhoneNumberFormat Wildcard (default), ShowStatus True (default), 7 PluginAttributes"
        )
    );
    let pop: Vec<&str> = out
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("pops:"))
        .take(6)
        .collect();
    assert_eq!(
        pop,
        [
            format!("pops: Contact Pieter de Vries ({id})").as_str(),
            "  status: Contact",
            "  Name: Pieter de Vries",
            "  Title: Inkoper",
            format!("  Record: {id} <https://crm.example/contact/{id}?name=de%20Vries>").as_str(),
            "  Account: Amsterdam Trading B.V.",
        ]
    );
    assert!(
        out.stderr.contains("(from DefaultPhoneNumberRegion)"),
        "{}",
        out.stderr
    );
}

#[test]
fn the_8x8_model_pops_the_account_for_the_same_number() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let file = estate(&sb, &emu, &[("DefaultPhoneNumberRegion", "NL")], ATTRIBUTES);
    let out = lookup(
        &sb,
        &file,
        &["--json", "--model", "8x8", "--region", "NL", "020-1234567"],
    );
    out.assert_code(0);
    let d = out.json()["data"].clone();
    assert_eq!(d["model"]["name"], "8x8");
    assert_eq!(d["pops"]["object"], "Account");
    assert_eq!(d["pops"]["name"], "Amsterdam Trading B.V.");
    assert_eq!(d["query"]["reading"]["region_from"], "--region");
    let out = lookup(
        &sb,
        &file,
        &["--model", "8x8", "--region", "NL", "020-1234567"],
    );
    assert!(
        out.stdout.starts_with(&format!(
            "model: 8x8 (Account, Contact and Lead over every phone form), credentials of UCC helpdesk ({file})\n"
        )),
        "{}",
        out.stdout
    );
}

/// Every modelled PhoneNumberFormat against the built-in org, which stores a Dutch
/// number in each of them: what the model finds, and "why no pop" for the rest.
#[test]
fn each_phone_number_format_finds_what_it_models_and_says_why_not_for_the_rest() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    for (format, number, pops, missed) in [
        ("Wildcard", "+31201234567", Some("Pieter de Vries"), vec![]),
        ("National", "+31201234567", Some("Pieter de Vries"), vec![]),
        ("E164", "+31201234567", None, vec!["Pieter de Vries"]),
        (
            "International",
            "+31201234567",
            None,
            vec!["Pieter de Vries"],
        ),
        ("E164", "+31301234567", Some("Eva Jansen"), vec![]),
        ("International", "+31231234567", Some("Daan Bakker"), vec![]),
        ("National", "+31401234567", Some("Sanne Visser"), vec![]),
        ("E164", "+31401234567", None, vec!["Sanne Visser"]),
    ] {
        let file = estate(
            &sb,
            &emu,
            &[
                ("DefaultPhoneNumberRegion", "NL"),
                ("PhoneNumberFormat", format),
            ],
            "",
        );
        let out = lookup(&sb, &file, &["--json", number]);
        let d = out.json()["data"].clone();
        assert_eq!(d["model"]["settings"]["PhoneNumberFormat"], format);
        assert_eq!(d["pops"]["name"].as_str(), pops, "{format} {number}: {d}");
        let m: Vec<&str> = d["missed_by_model"]
            .as_array()
            .expect("missed")
            .iter()
            .filter_map(|m| m["name"].as_str())
            .collect();
        assert_eq!(m, missed, "{format} {number}");
        if pops.is_none() {
            out.assert_code(1);
            assert_eq!(d["status"], "Unknown");
            let text = lookup(&sb, &file, &[number]);
            let why = text
                .stdout
                .lines()
                .find(|l| l.starts_with("why no pop:"))
                .unwrap_or("");
            assert!(
                why.starts_with(&format!(
                    "why no pop: with PhoneNumberFormat={format} the CRM Service would not find Contact {}, stored as '",
                    missed[0]
                )),
                "{}",
                text.stdout
            );
        } else {
            out.assert_code(0);
        }
    }
    // The why of the issue, word for word.
    let file = estate(
        &sb,
        &emu,
        &[
            ("DefaultPhoneNumberRegion", "NL"),
            ("PhoneNumberFormat", "E164"),
        ],
        "",
    );
    let out = lookup(&sb, &file, &["020-1234567"]);
    assert!(
        out.stdout.contains(
            "why no pop: with PhoneNumberFormat=E164 the CRM Service would not find Contact Pieter de Vries, stored as '020-1234567' (Phone)\n"
        ),
        "{}",
        out.stdout
    );
}

#[test]
fn leads_pop_after_contacts_and_show_status_off_leaves_status_out() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let file = estate(&sb, &emu, &[], ATTRIBUTES);
    let out = lookup(&sb, &file, &["--json", "+33 1 42 68 53 01"]);
    out.assert_code(0);
    let d = out.json()["data"].clone();
    assert_eq!(d["status"], "Lead");
    assert_eq!(d["pops"]["object"], "Lead");
    assert_eq!(d["pops"]["attributes"][0]["value"], "Garcia SARL");
    let file = estate(&sb, &emu, &[("ShowStatus", "False")], ATTRIBUTES);
    let out = lookup(&sb, &file, &["--json", "+33 1 42 68 53 01"]);
    assert_eq!(out.json()["data"]["status"], Value::Null);
}

#[test]
fn a_plugin_attributes_csv_export_replaces_the_yaml_list() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let file = estate(&sb, &emu, &[("DefaultPhoneNumberRegion", "NL")], ATTRIBUTES);
    let csv = sb.write_private(
        "PluginAttributes.csv",
        "\u{feff}Display Name;System Name;Show On Extension Window;Order;Category;Colour\r\nWho;Name;Yes;1;Contact;red\r\nMail;Email;Yes;2;Contact;blue\r\n",
    );
    let out = lookup(
        &sb,
        &file,
        &[
            "--json",
            "--attributes",
            csv.to_str().expect("utf8"),
            "020-1234567",
        ],
    );
    out.assert_code(0);
    let d = out.json()["data"].clone();
    assert_eq!(d["pops"]["attributes"][0]["value"], "Pieter de Vries");
    assert_eq!(
        d["pops"]["attributes"][1]["value"],
        "pieter.devries@example.nl"
    );
    let bad = sb.write_private("bad.csv", "SystemName,Order,Category\nName,first,Contact\n");
    let out = lookup(
        &sb,
        &file,
        &["--attributes", bad.to_str().expect("utf8"), "020-1234567"],
    );
    out.assert_code(3);
    assert!(
        out.stderr
            .contains("bad.csv:2: Order must be a whole number"),
        "{}",
        out.stderr
    );
}

#[test]
fn validate_settings_flags_the_region_the_format_the_queries_and_the_list() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let file = estate(
        &sb,
        &emu,
        &[
            ("DefaultPhoneNumberRegion", "UK"),
            ("PhoneNumberFormat", "E.164"),
            ("ShowStatus", "Sometimes"),
            ("BaseContactQuery", "query/?q=SELECT {0} FROM Contact"),
            ("BaseLeadQuery", "query/?q=SELECT {0} FROM Lead WHERE ({1}"),
        ],
        r#"    plugin_attributes:
      - { DisplayName: Name, SystemName: FirstName, Order: 1, Category: Contact }
      - { DisplayName: Phone, SystemName: Phone, Order: 2, Category: Contact }
      - { DisplayName: Name, SystemName: LastName, Order: 3, Category: Contact, Hyperlink: "https://x/[AccountId]" }
      - { DisplayName: Mail, SystemName: Email, Order: 3, Category: Contact }
      - { DisplayName: Company, SystemName: Company, Order: 4, Category: Leads }
      - { DisplayName: Subject, SystemName: Subject, Order: 4, Category: Case }
"#,
    );
    let out = validate(&sb, &file, &["--json"]);
    out.assert_code(1);
    let f = findings(&out);
    let has = |rule: &str, text: &str| {
        assert!(
            f.iter().any(|(r, m)| r == rule && m.contains(text)),
            "{rule} / {text}: {f:?}"
        )
    };
    has("region-invalid", "did you mean `GB`?");
    has("phone-format-unknown", "did you mean `E164`?");
    has("show-status", "Sometimes");
    has("query-placeholders", "`{1}` is missing");
    has("query-shape", "not closed");
    has(
        "attribute-order",
        "Order 3 is used twice in category Contact",
    );
    has("attribute-order", "starts at 4");
    has("attribute-hyperlink", "[AccountId]");
    has(
        "attribute-display-name",
        "LastName shares the DisplayName `Name`",
    );
    has("attribute-category", "did you mean `Lead`?");
    assert!(
        !rules(&out).contains(&"unknown-setting".to_string()),
        "{f:?}"
    );

    let nld = estate(
        &sb,
        &emu,
        &[
            ("DefaultPhoneNumberRegion", "NLD"),
            ("PhoneNumberFormat", "Wildcard"),
        ],
        "    plugin_attributes:\n      - { DisplayName: Company, SystemName: Company, Order: 1, Category: Lead }\n",
    );
    let out = validate(&sb, &nld, &["--json"]);
    let f = findings(&out);
    assert!(
        f.iter()
            .any(|(r, m)| r == "region-invalid" && m.contains("did you mean `NL`?")),
        "{f:?}"
    );
    assert!(
        f.iter().any(|(r, m)| r == "phone-format-wildcard"
            && m.contains("\"Wildcard search can become very slow so change this setting if phone numbers are stored in any of the other three formats to improve search performance.\"")),
        "{f:?}"
    );
    assert!(
        rules(&out).contains(&"attribute-contact-missing".to_string()),
        "{f:?}"
    );

    // The good settings pass: only the emulator's test-org warning remains.
    let good = estate(
        &sb,
        &emu,
        &[
            ("DefaultPhoneNumberRegion", "NL"),
            ("PhoneNumberFormat", "National"),
            ("ShowStatus", "True"),
        ],
        ATTRIBUTES,
    );
    let out = validate(&sb, &good, &["--json"]);
    out.assert_code(0);
    assert_eq!(rules(&out), ["test-org", "test-org"]);
}

#[test]
fn with_login_a_system_name_the_org_does_not_have_is_flagged() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let file = estate(
        &sb,
        &emu,
        &[("DefaultPhoneNumberRegion", "NL")],
        r#"    plugin_attributes:
      - { DisplayName: Name, SystemName: Name, Order: 1, Category: Contact }
      - { DisplayName: Shoe size, SystemName: ShoeSize__c, Order: 2, Category: Contact }
      - { DisplayName: Account, SystemName: Account.Name, Order: 3, Category: Contact }
      - { DisplayName: Company, SystemName: Company, Order: 1, Category: Lead }
"#,
    );
    let out = validate(&sb, &file, &["--json", "--login"]);
    out.assert_code(1);
    let f = findings(&out);
    let missing: Vec<&String> = f
        .iter()
        .filter(|(r, _)| r == "attribute-field-missing")
        .map(|(_, m)| m)
        .collect();
    assert_eq!(missing.len(), 1, "{f:?}");
    assert!(
        missing[0].contains("ShoeSize__c") && missing[0].contains("Contact"),
        "{f:?}"
    );
}

#[test]
fn with_login_zz_while_the_org_stores_national_numbers_warns() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let zz = estate(&sb, &emu, &[("DefaultPhoneNumberRegion", "ZZ")], ATTRIBUTES);
    let out = validate(&sb, &zz, &["--json", "--login"]);
    out.assert_code(0);
    let f = findings(&out);
    assert!(
        f.iter().any(|(r, m)| r == "region-national-numbers"
            && m.contains("national numbers, such as Contact")),
        "{f:?}"
    );
    let nl = estate(&sb, &emu, &[("DefaultPhoneNumberRegion", "NL")], ATTRIBUTES);
    let out = validate(&sb, &nl, &["--json", "--login"]);
    assert_eq!(rules(&out), ["test-org", "test-org"]);
}

#[test]
fn a_bad_region_in_the_settings_stops_a_lookup_with_its_file_and_line() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let file = estate(&sb, &emu, &[("DefaultPhoneNumberRegion", "UK")], "");
    let out = lookup(&sb, &file, &["020-1234567"]);
    out.assert_code(3);
    assert!(
        out.stderr
            .contains("estate.yaml:14: DefaultPhoneNumberRegion"),
        "{}",
        out.stderr
    );
    // The 8x8 model does not read the UCC's region.
    let out = lookup(
        &sb,
        &file,
        &["--model", "8x8", "--region", "NL", "020-1234567"],
    );
    out.assert_code(0);
    let out = sb.run(
        &["lookup", "--model", "crm-service", "020-1234567"],
        &[],
        "",
    );
    out.assert_code(2);
}

#[test]
fn validate_settings_reads_a_plugin_attributes_export_with_its_lines() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let file = estate(&sb, &emu, &[("DefaultPhoneNumberRegion", "NL")], "");
    let csv = sb.write_private(
        "PluginAttributes.csv",
        "DisplayName,SystemName,Order,Category,Colour\nName,Name,1,Contact,red\nMail,Email,1,Contact,blue\n",
    );
    let csv = csv.to_str().expect("utf8");
    let out = validate(
        &sb,
        &file,
        &["--json", "--ucc", "helpdesk", "--attributes", csv],
    );
    out.assert_code(1);
    let f: Vec<(String, String, u64)> = out.json()["data"]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| {
            f["rule"]
                .as_str()
                .is_some_and(|r| r.starts_with("attribute-"))
        })
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_string(),
                f["file"].as_str().unwrap_or("").to_string(),
                f["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        f,
        [
            ("attribute-column".to_string(), csv.to_string(), 1),
            ("attribute-order".to_string(), csv.to_string(), 3),
        ]
    );
    let bad = sb.write_private(
        "bad.csv",
        "SystemName,Order,Category,ShowOnToast\nName,1,Contact,maybe\n",
    );
    let out = validate(
        &sb,
        &file,
        &[
            "--ucc",
            "helpdesk",
            "--attributes",
            bad.to_str().expect("utf8"),
        ],
    );
    out.assert_code(3);
    assert!(
        out.stderr
            .contains("bad.csv:2: ShowOnToast must be Yes or No"),
        "{}",
        out.stderr
    );
}

/// Issue 20 items 6 and 7: a PhoneNumberFormat or ShowStatus the CRM Service does not
/// document stops the lookup as an invalid DefaultPhoneNumberRegion does (exit 3,
/// file:line, the value meant), instead of being modelled as the default; and
/// ShowStatus takes only True/False (any case), in validate-settings too.
#[test]
fn an_undocumented_format_or_show_status_stops_the_lookup_like_the_region() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let cases: [(&str, &str, &str); 4] = [
        ("PhoneNumberFormat", "E.164", "did you mean `E164`?"),
        ("ShowStatus", "yes", "True or False"),
        ("ShowStatus", "1", "True or False"),
        ("ShowStatus", "Sometimes", "True or False"),
    ];
    for (setting, value, says) in cases {
        let file = estate(
            &sb,
            &emu,
            &[("DefaultPhoneNumberRegion", "NL"), (setting, value)],
            ATTRIBUTES,
        );
        let out = lookup(&sb, &file, &["020-1234567"]);
        out.assert_code(3);
        let line = std::fs::read_to_string(&file)
            .expect("estate")
            .lines()
            .position(|l| l.contains(setting))
            .expect("the setting's line");
        // The value's line: the setting's own, or the next one of its mapping.
        assert!(
            out.stderr.contains(&format!("{file}:{}: ", line + 1))
                || out.stderr.contains(&format!("{file}:{}: ", line + 2))
                || out.stderr.contains(&format!("{file}:{}: ", line + 3)),
            "{setting}={value}: {}",
            out.stderr
        );
        assert!(out.stderr.contains(setting), "{}", out.stderr);
        assert!(out.stderr.contains(says), "{}", out.stderr);
        let out = validate(&sb, &file, &["--json"]);
        let rule = if setting == "ShowStatus" {
            "show-status"
        } else {
            "phone-format-unknown"
        };
        assert!(rules(&out).contains(&rule.to_string()), "{setting}={value}");
    }
    for ok in ["True", "false", "TRUE"] {
        let file = estate(
            &sb,
            &emu,
            &[("DefaultPhoneNumberRegion", "NL"), ("ShowStatus", ok)],
            ATTRIBUTES,
        );
        let out = validate(&sb, &file, &["--json"]);
        assert!(!rules(&out).contains(&"show-status".to_string()), "{ok}");
    }
}
