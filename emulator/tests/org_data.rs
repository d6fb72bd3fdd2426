//! The built-in org's promises (README) and the YAML org format.

use emulator::org::{Org, digits};

fn all_values(org: &Org, field: &str) -> Vec<(String, String)> {
    org.records
        .iter()
        .flat_map(|(object, recs)| {
            recs.iter().filter_map(move |r| {
                r.values
                    .get(field)
                    .and_then(|v| v.as_str())
                    .map(|v| (object.to_string(), v.to_string()))
            })
        })
        .collect()
}

#[test]
fn default_org_has_the_promised_records() {
    let org = Org::from_file(emulator::default_org::default_org_file()).expect("default org");
    assert!(org.record_count() >= 300, "{}", org.record_count());
    for object in ["Account", "Contact", "Lead", "Case"] {
        assert!(org.records(object).len() >= 20, "{object}");
    }
    let phones = all_values(&org, "Phone");
    for (object, value) in [
        ("Contact", "(415) 555-1212"),
        ("Lead", "+1 415 555 1212"),
        ("Account", "+31 20 123 4567"),
        ("Contact", "020-1234567"),
        ("Account", "+44 20 7946 0958"),
        ("Account", "0049 30 1234567"),
    ] {
        assert!(
            phones.contains(&(object.to_string(), value.to_string())),
            "{object} {value}"
        );
    }
    let shared: Vec<_> = phones
        .iter()
        .filter(|(_, v)| v == "+44 20 7946 0958")
        .collect();
    assert_eq!(
        shared.len(),
        3,
        "one account and two contacts share a number"
    );
    assert!(
        org.records("Contact")
            .iter()
            .any(|r| r.get("AccountId").is_null())
    );
    assert!(
        org.records("Contact")
            .iter()
            .any(|r| r.get("MobilePhone").is_string())
    );
    assert!(
        org.records("Account")
            .iter()
            .any(|r| r.get("Name").as_str().is_some_and(|n| n.contains('\u{1b}')))
    );
    let cases = org.records("Case");
    assert!(
        cases
            .iter()
            .any(|c| c.get("IsClosed") == &serde_json::json!(true))
    );
    assert!(
        cases
            .iter()
            .any(|c| c.get("IsClosed") == &serde_json::json!(false))
    );
    assert!(cases.iter().all(|c| {
        c.get("CaseNumber")
            .as_str()
            .is_some_and(|n| n.len() == 8 && n.bytes().all(|b| b.is_ascii_digit()))
    }));
    let numbers: std::collections::HashSet<_> = cases
        .iter()
        .map(|c| c.get("CaseNumber").as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(numbers.len(), cases.len(), "case numbers are unique");
    for (object, prefix) in [
        ("Account", "001"),
        ("Contact", "003"),
        ("Lead", "00Q"),
        ("Case", "500"),
    ] {
        for r in org.records(object) {
            assert!(
                r.id().len() == 18
                    && r.id().starts_with(prefix)
                    && emulator::ids::is_valid_id(r.id()),
                "{object} {}",
                r.id()
            );
        }
    }
    // At least six countries' calling codes among the stored numbers.
    let codes = [
        "+1 ", "+31", "+44", "+49", "0049", "+33", "+61", "+81", "+32",
    ];
    let seen = codes
        .iter()
        .filter(|c| phones.iter().any(|(_, p)| p.starts_with(*c)))
        .count();
    assert!(seen >= 6, "{seen}");
    // The named numbers have no lookalikes among the filler.
    assert_eq!(
        phones
            .iter()
            .filter(|(_, p)| digits(p).ends_with("4155551212"))
            .count(),
        3
    );
}

#[test]
fn yaml_org_with_references() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("org.yaml");
    std::fs::write(
        &p,
        r#"
org: { name: Tiny, api_limit: 100 }
users:
  - { username: a@example.com, password: pw, security_token: tok }
connected_apps:
  - { name: app, client_id: cid, client_secret: sec }
records:
  Account:
    - { Ref: acme, Name: Acme, Phone: "+1 415 555 0000" }
  Contact:
    - { FirstName: Ann, LastName: Lee, AccountId: "@acme", Email: ann@example.com }
  Case:
    - { Subject: Broken, ContactId: "@missing" }
"#,
    )
    .expect("write");
    let e = Org::load_yaml(&p).expect_err("dangling reference");
    assert!(e.0.contains("Ref: missing"), "{}", e.0);
    let text = std::fs::read_to_string(&p)
        .expect("read")
        .replace("@missing", "003000000000000AAA");
    std::fs::write(&p, text).expect("write");
    let org = Org::load_yaml(&p).expect("valid");
    assert_eq!(org.settings.api_limit, 100);
    let ann = &org.records("Contact")[0];
    assert_eq!(ann.get("Name"), "Ann Lee");
    assert_eq!(
        ann.get("AccountId").as_str(),
        Some(org.records("Account")[0].id())
    );
    let bad = dir.path().join("bad.yaml");
    std::fs::write(&bad, "records:\n  Account:\n    - { Nmae: typo }\n").expect("write");
    assert!(
        Org::load_yaml(&bad)
            .expect_err("unknown field")
            .0
            .contains("Nmae")
    );
}
