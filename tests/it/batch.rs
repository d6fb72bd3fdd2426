//! The batching engine (`screenpop::batch`) against the emulated org: for every row
//! of a mixed corpus, batched answers equal what `lookup::perform` finds one row at a
//! time, in a fraction of the API calls.

use std::sync::Arc;

use emulator::default_org::{
    DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_PASSWORD, DEMO_SECURITY_TOKEN, DEMO_USERNAME,
};
use emulator::{Background, Config, Faults};
use secrecy::SecretString;
use serde_json::{Value, json};

use crmctl::salesforce::{Client, Credentials, Flow, HttpSettings, Session};
use crmctl::screenpop::batch::{self, BatchConfig, ClientOrg, Input, Outcome};
use crmctl::screenpop::lookup::{self, Kind};
use crmctl::screenpop::phone::Region;
use crmctl::screenpop::{CaseInfo, Match};

const VERSION: &str = "60.0";

fn credentials(emu: &Background) -> Credentials {
    Credentials {
        token_url: emu.token_url(),
        flow: Flow::Password,
        username: DEMO_USERNAME.into(),
        password: SecretString::from(DEMO_PASSWORD),
        security_token: SecretString::from(DEMO_SECURITY_TOKEN),
        token_in_password: false,
        client_id: SecretString::from(DEMO_CLIENT_ID),
        client_secret: SecretString::from(DEMO_CLIENT_SECRET),
    }
}

/// `--region` as the command resolves it.
fn regions(region: Option<&str>) -> lookup::Regions {
    lookup::Regions {
        given: region.map(|r| {
            (
                Region::parse(r).expect("region"),
                lookup::RegionSource::Flag,
            )
        }),
        locale: None,
    }
}

fn login(emu: &Background) -> (Client, Session) {
    let client = Client::new(&HttpSettings::default(), Arc::new(|_: &str| {})).expect("client");
    let session = client.login(&credentials(emu)).expect("login");
    (client, session)
}

/// The region a filler record's national numbers are written in, from its e-mail's
/// top-level domain or its billing city (emulator/src/default_org.rs).
fn region_of(r: &serde_json::Map<String, Value>) -> &'static str {
    let email = r.get("Email").and_then(Value::as_str).unwrap_or("");
    let city = r.get("BillingCity").and_then(Value::as_str).unwrap_or("");
    let by_tld = [
        (".com.au", "AU"),
        (".co.uk", "GB"),
        (".nl", "NL"),
        (".de", "DE"),
        (".fr", "FR"),
        (".jp", "JP"),
        (".be", "BE"),
        (".com", "US"),
    ];
    let by_city = [
        ("Rotterdam", "NL"),
        ("Chicago", "US"),
        ("Manchester", "GB"),
        ("Munich", "DE"),
        ("Marseille", "FR"),
        ("Melbourne", "AU"),
        ("Osaka", "JP"),
        ("Antwerp", "BE"),
    ];
    by_tld
        .iter()
        .find(|(t, _)| email.ends_with(t))
        .or_else(|| by_city.iter().find(|(c, _)| *c == city))
        .map_or("NL", |(_, r)| r)
}

/// Named records (shared numbers, several countries, one number typed many ways,
/// duplicates), withheld and blank callers, e-mails, and every fifth filler number
/// and e-mail of the default org.
fn corpus(org: &emulator::OrgFile) -> Vec<(Kind, String, Option<&'static str>)> {
    let phone = |v: &str, r: Option<&'static str>| (Kind::Phone, v.to_string(), r);
    let email = |v: &str| (Kind::Email, v.to_string(), None);
    let mut rows = vec![
        phone("+1 415 555 1212", None),
        phone("(415) 555-1212", Some("US")),
        phone("020-1234567", Some("NL")),
        phone("anonymous", Some("NL")),
        phone("+31 20 123 4567", None),
        phone("+44 20 7946 0958", None),
        phone("", Some("NL")),
        phone("07700 900123", Some("GB")),
        phone("0049 30 1234567", None),
        phone("+49 151 12345678", None),
        phone("+33 1 42 68 53 01", None),
        phone("+61 2 9374 4000", None),
        phone("0412 345 678", Some("AU")),
        phone("+81 3-1234-5678", None),
        phone("+32 2 555 98 76", None),
        phone("+1 999 555 0000", None),
        phone("+", None),
        phone("Withheld", None),
        phone("+1 415 555 1212", None),
        phone("+31 70 555 0101", None),
        phone("+1 212 555 0199", None),
        phone("+31 70 555 0200", None),
        email("jane.doe@example.com"),
        email("AMELIA.CLARKE@GLOBEX.EXAMPLE.CO.UK"),
        email("noor+vip@example.be"),
        email("maria.garcia@example.fr"),
        email("nobody@nowhere.example"),
        email(""),
        email("jane.doe@example.com"),
    ];
    for object in ["Account", "Contact", "Lead"] {
        for (i, r) in org.records.get(object).into_iter().flatten().enumerate() {
            if i % 5 != 0 {
                continue;
            }
            for f in ["Phone", "MobilePhone"] {
                if let Some(v) = r.get(f).and_then(Value::as_str) {
                    rows.push(phone(v, Some(region_of(r))));
                }
            }
            if let Some(v) = r.get("Email").and_then(Value::as_str) {
                rows.push(email(v));
            }
        }
    }
    rows
}

/// The default org, plus one contact whose fax (a phone field the screen pop does not
/// return) is the only match of a number, so the batch cannot claim it and must
/// split; and one account with 2,100 open cases, so a batch's cases query pages.
fn org_file() -> emulator::OrgFile {
    let mut org = emulator::default_org::default_org_file();
    let mut add = |object: &str, v: Value| {
        if let (Value::Object(m), Some(list)) = (v, org.records.get_mut(object)) {
            list.push(m);
        }
    };
    add(
        "Contact",
        json!({"FirstName": "Fax", "LastName": "Only", "Fax": "+31 70 555 0101", "Phone": "+31 70 555 0100"}),
    );
    add(
        "Account",
        json!({"Ref": "busy", "Name": "Busy Desk B.V.", "Phone": "+31 70 555 0200"}),
    );
    for i in 0..2100 {
        add(
            "Case",
            json!({"Subject": format!("Ticket {i}"), "Status": "New", "Priority": "Low", "AccountId": "@busy",
                   "CreatedDate": format!("2025-{:02}-{:02}T{:02}:{:02}:00.000+0000", 1 + i % 12, 1 + i % 28, i % 24, i % 60)}),
        );
    }
    org
}

type Single = Result<(Vec<Match>, Vec<CaseInfo>), String>;

#[test]
fn batched_lookups_equal_single_lookups_row_for_row() {
    let org = org_file();
    let rows = corpus(&org);
    let emu = Background::start(Config {
        org: Some(org),
        ..Config::default()
    })
    .expect("emulator");
    let (client, session) = login(&emu);
    let plans: Vec<Result<lookup::Plan, String>> = rows
        .iter()
        .map(|(kind, value, region)| {
            lookup::plan(*kind, value, regions(*region)).map_err(|e| e.message)
        })
        .collect();
    let invalid = plans.iter().filter(|p| p.is_err()).count();
    let withheld = plans
        .iter()
        .filter(|p| matches!(p, Ok(lookup::Plan::Withheld { .. })))
        .count();
    assert_eq!(
        (invalid, withheld),
        (2, 3),
        "a bare + and a blank address are refused; anonymous, Withheld and a blank caller id are withheld"
    );

    // One lookup per row, as the bulk runner does today.
    let single: Vec<Single> = plans
        .iter()
        .map(|p| {
            let plan = p.as_ref().map_err(Clone::clone)?;
            if let lookup::Plan::Withheld { .. } = plan {
                return Err("withheld".to_string());
            }
            let o = lookup::perform(&client, &session, VERSION, plan).map_err(|e| e.to_string())?;
            Ok((o.matches, o.open_cases))
        })
        .collect();
    assert!(
        single
            .iter()
            .filter(|s| matches!(s, Ok((m, _)) if m.len() > 1))
            .count()
            >= 8,
        "the corpus has shared numbers"
    );
    assert!(
        single
            .iter()
            .any(|s| matches!(s, Ok((_, c)) if !c.is_empty())),
        "and open cases"
    );

    let inputs: Vec<(usize, Input)> = plans
        .iter()
        .enumerate()
        .filter_map(|(i, p)| Some((i, Input::from_plan(p.as_ref().ok()?)?)))
        .collect();
    let only: Vec<Input> = inputs.iter().map(|(_, x)| x.clone()).collect();
    let live = ClientOrg::new(&client, session, VERSION);
    for batch_size in [batch::DEFAULT_BATCH_SIZE, 7] {
        let config = BatchConfig::from_flags(Some(batch_size), false, 4);
        let before = emu.stats();
        let mut got: Vec<Single> = Vec::new();
        let counters = batch::run(&live, &only, &config, |d| {
            assert_eq!(d.index, got.len(), "rows come in input order");
            got.push(match d.outcome {
                Outcome::Found(f) => Ok((f.matches, f.open_cases)),
                Outcome::Failed(e) => Err(e.to_string()),
                other => Err(format!("{other:?}")),
            });
        });
        assert_eq!(
            emu.stats().api_calls - before.api_calls,
            counters.api_calls(),
            "the engine counts every call it makes"
        );
        for ((row, _), got) in inputs.iter().zip(&got) {
            assert_eq!(
                got, &single[*row],
                "row {row} ({:?}), batch size {batch_size}",
                rows[*row]
            );
        }
        assert!(counters.splits >= 1, "the fax-only contact: {counters:?}");
        let pages = |s: &emulator::Stats| s.routes.get("queryMore").copied().unwrap_or(0);
        assert!(
            pages(&emu.stats()) > pages(&before),
            "the busy account's cases come in pages"
        );
        assert!(counters.reruns >= 4, "{counters:?}");
        assert!(
            counters.api_calls() * 3 <= counters.one_per_row,
            "{} rows: {counters:?}",
            only.len()
        );
    }
}

#[test]
fn the_adapter_follows_next_records_url_only_on_the_instance() {
    let emu = Background::start(Config::default()).expect("emulator");
    let (client, session) = login(&emu);
    let live = ClientOrg::new(&client, session, VERSION);
    use batch::Org;
    let e = live
        .query_more("https://elsewhere.example/services/data/v60.0/query/x-2000")
        .expect_err("absolute URLs are refused");
    assert!(e.to_string().contains("nextRecordsUrl"), "{e}");
    let page = live
        .query("SELECT Id, CaseNumber FROM Case WHERE IsClosed = false")
        .expect("query");
    assert!(!page.records.is_empty() && page.next.is_none());
}

#[test]
fn a_rejected_session_is_replaced_once_and_the_call_retried() {
    let emu = Background::start(Config {
        faults: Faults {
            token_ttl_requests: Some(3),
            ..Faults::default()
        },
        ..Config::default()
    })
    .expect("emulator");
    let (client, session) = login(&emu);
    let creds = credentials(&emu);
    let live = ClientOrg::new(&client, session, VERSION).relogin_with(&creds);
    let inputs: Vec<Input> = (0..40)
        .map(|i| Input::Phone(vec![format!("3170555{:04}", i), format!("070555{:04}", i)]))
        .chain([Input::Phone(vec![
            "14155551212".into(),
            "4155551212".into(),
        ])])
        .collect();
    let mut found = 0;
    let counters = batch::run(
        &live,
        &inputs,
        &BatchConfig::from_flags(Some(10), false, 1),
        |d| {
            if let Outcome::Found(_) = d.outcome {
                found += 1;
            }
        },
    );
    assert_eq!(found, inputs.len(), "{counters:?}");
    assert!(live.relogins() >= 1, "{counters:?}");
    assert!(live.api_usage().is_some());
    assert_eq!(
        emu.stats().routes.get("token"),
        Some(&(1 + live.relogins()))
    );
}
