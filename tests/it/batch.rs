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

use crmctl::salesforce::{Client, Credentials, Flow, HttpSettings, Session, SessionPool};
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
        jwt_key: None,
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
    let pool = SessionPool::new(&client, session);
    let live = ClientOrg::new(&pool, VERSION);
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
        // Several matches come in the search's explicit order: never searched again.
        assert!(
            counters.searches <= counters.batches + 2 * counters.splits,
            "{counters:?}"
        );
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
    let pool = SessionPool::new(&client, session);
    let live = ClientOrg::new(&pool, VERSION);
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
    let pool = SessionPool::new(&client, session).relogin_with(&creds);
    let live = ClientOrg::new(&pool, VERSION);
    let inputs: Vec<Input> = (0..40)
        .map(|i| Input::phone(&[format!("3170555{:04}", i), format!("070555{:04}", i)]))
        .chain([Input::phone(&["14155551212", "4155551212"])])
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
    assert!(pool.relogins() >= 1, "{counters:?}");
    assert!(pool.api_usage().is_some());
    assert_eq!(
        emu.stats().routes.get("token"),
        Some(&(1 + pool.relogins()))
    );
}

/// `lookup --file` through the CLI: batched rows equal `--no-batch` rows, row for row
/// (timings aside), and the batched run makes at most ceil(n/50)*k data calls.
mod cli {
    use emulator::{Background, Config};
    use serde_json::Value;

    use crate::support::{Run, Sandbox};

    fn run(sb: &Sandbox, emu: &Background, args: &[&str]) -> Run {
        let env = crate::support::demo_env(&emu.base_url);
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let mut a = vec!["lookup", "--json", "--region", "NL"];
        a.extend_from_slice(args);
        sb.run(&a, &env, "")
    }

    /// The rows of a run without their timings.
    fn rows(out: &Run) -> Vec<Value> {
        let mut doc = out.json();
        let mut rows = doc["data"]["rows"].take();
        for r in rows.as_array_mut().into_iter().flatten() {
            if let Some(o) = r.as_object_mut() {
                o.remove("ms");
            }
        }
        rows.as_array().cloned().unwrap_or_default()
    }

    /// Shared numbers, duplicates, one number typed several ways, withheld and blank
    /// callers, a bad value, and numbers of several countries, national and international.
    const NUMBERS: &str = "+1 415 555 1212\n(415) 555-1212\n020-1234567\nanonymous\n+31 20 123 4567\n\
+44 20 7946 0958\n0049 30 1234567\n+49 151 12345678\n+33 1 42 68 53 01\n+61 2 9374 4000\n\
+81 3-1234-5678\n+32 2 555 98 76\n+1 999 555 0000\n+\nWithheld\n+1 415 555 1212\n+31 70 555 0101\n\
+1 212 555 0199\nnot a number\n+31 20 123 4567\n";

    const ADDRESSES: &str = "jane.doe@example.com\nAMELIA.CLARKE@GLOBEX.EXAMPLE.CO.UK\nnoor+vip@example.be\n\
maria.garcia@example.fr\nnobody@nowhere.example\njane.doe@example.com\n";

    #[test]
    fn batched_cli_rows_equal_no_batch_rows_for_numbers_and_addresses() {
        let emu = Background::start(Config::default()).expect("emulator");
        let sb = Sandbox::new();
        let numbers = sb.write_private("n.txt", NUMBERS);
        let addresses = sb.write_private("a.txt", ADDRESSES);
        for (file, extra) in [(&numbers, &[][..]), (&addresses, &["--media", "email"][..])] {
            let f = file.to_str().expect("utf8");
            let mut batched = vec!["--file", f];
            batched.extend_from_slice(extra);
            let mut single = batched.clone();
            single.push("--no-batch");
            let (b, s) = (run(&sb, &emu, &batched), run(&sb, &emu, &single));
            assert_eq!(b.code, s.code, "{}", b.stderr);
            let (b, s) = (rows(&b), rows(&s));
            assert_eq!(b.len(), s.len());
            for (i, (b, s)) in b.iter().zip(&s).enumerate() {
                assert_eq!(b, s, "row {i}");
            }
            assert!(b.iter().any(|r| r["status"] == "several"), "shared values");
        }
        let b = rows(&run(
            &sb,
            &emu,
            &["--file", numbers.to_str().expect("utf8")],
        ));
        let status = |s: &str| b.iter().filter(|r| r["status"] == s).count();
        assert_eq!(status("withheld"), 2, "{b:?}");
        assert!(status("failed") >= 2, "a bare + and a word: {b:?}");
        assert!(status("matched") >= 4, "{b:?}");
    }

    /// 1,000 rows of the demo org's numbers: at most ceil(n/50) searches' worth of calls
    /// per kind of call (search, rerun, open cases, their pages): k = 4 here.
    #[test]
    fn a_batched_run_makes_at_most_ceil_n_over_50_times_k_calls() {
        let emu = Background::start(Config::default()).expect("emulator");
        let sb = Sandbox::new();
        let n: u64 = 1000;
        // Every phone of the demo org in E.164 (shared ones included), then numbers
        // nobody has.
        let org = emulator::default_org::default_org_file();
        let mut known: Vec<String> = Vec::new();
        for object in ["Account", "Contact", "Lead"] {
            for r in org.records.get(object).into_iter().flatten() {
                for f in ["Phone", "MobilePhone"] {
                    use crmctl::screenpop::phone::{Ani, Region, read_ani};
                    let region = Region::parse(super::region_of(r)).ok();
                    if let Some(v) = r.get(f).and_then(Value::as_str)
                        && let Ok(Ani::Number(n)) = read_ani(v, region, None)
                        && !known.contains(&n.forms.e164)
                    {
                        known.push(n.forms.e164);
                    }
                }
            }
        }
        assert!(known.len() >= 50, "{}", known.len());
        let text: String = (0..n as usize)
            .map(|i| match known.get(i) {
                Some(k) => format!("{k}\n"),
                None => format!("+1 999 555 {:04}\n", i),
            })
            .collect();
        let f = sb.write_private("n.txt", &text);
        let before = emu.stats().api_calls;
        let out = run(&sb, &emu, &["--file", f.to_str().expect("utf8")]);
        out.assert_code(0);
        let calls = emu.stats().api_calls - before;
        let summary = out.json()["data"]["summary"].clone();
        assert_eq!(summary["api_calls"].as_u64(), Some(calls), "{summary}");
        let k = 4;
        assert!(calls <= n.div_ceil(50) * k, "{calls} calls: {summary}");
        eprintln!("{calls} calls for {n} rows: {summary}");
        assert!(
            summary["api_calls_saved"].as_u64().unwrap_or(0) >= n - calls,
            "{summary}"
        );
    }
}
