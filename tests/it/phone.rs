//! Caller numbers end to end: the forms a lookup searches, through the binary against the
//! emulated org, and the library's `read_ani` fed from an environment as `env.rs` reads it.

use std::ffi::OsString;

use crmctl::env::Env;
use crmctl::screenpop::phone::{Ani, AsTypedReason, ReadAs, Region, RegionFrom, read_ani};
use emulator::{Background, Config};

use crate::support::Sandbox;

fn matched_names(sb: &Sandbox, emu: &Background, args: &[&str]) -> Vec<String> {
    let e = crate::support::demo_env(&emu.base_url);
    let pairs: Vec<(&str, &str)> = e.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut a = vec!["lookup", "--json"];
    a.extend_from_slice(args);
    let out = sb.run(&a, &pairs, "");
    out.json()["data"]["matches"]
        .as_array()
        .unwrap_or_else(|| panic!("{args:?}: no matches in {}", out.stdout))
        .iter()
        .map(|m| m["name"].as_str().unwrap_or("").to_string())
        .collect()
}

/// Oliver Bennett's mobile is stored as `07700 900123`. +44 is shared by GB, GG, IM and JE,
/// and the form with the trunk prefix used to be dropped when no single region was picked.
#[test]
fn a_shared_calling_code_still_finds_the_number_stored_with_its_trunk_prefix() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    for input in [
        "+447700900123",
        "sip:+447700900123@pbx.example.com;user=phone",
        "<sips:+44-7700-900123@10.1.2.3:5061;transport=tls>",
        "tel:+44-7700-900123;ext=55",
        "00 44 7700 900123",
    ] {
        assert_eq!(
            matched_names(&sb, &emu, &[input]),
            ["Oliver Bennett"],
            "{input}"
        );
    }
}

#[test]
fn sip_and_tel_uris_with_extensions_find_the_caller() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    for input in [
        "sip:+14155551212@pbx.example.com;user=phone",
        "tel:+1-415-555-1212;ext=12",
        "+1 (415) 555-1212 ext. 12",
        "+1 415 555 1212 x12",
    ] {
        assert_eq!(
            matched_names(&sb, &emu, &[input]),
            ["Jane Doe", "John Smith"],
            "{input}"
        );
    }
}

fn env(vars: &[(&str, &str)]) -> Env {
    let vars: Vec<(String, OsString)> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), OsString::from(v)))
        .collect();
    Env::from_lookup(
        &|name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()),
        None,
    )
}

/// What a command does: `--region`, else CRMCTL_REGION, else the locale's region.
fn read_with(flag: Option<&str>, env: &Env, input: &str) -> Ani {
    let given = flag
        .or(env.region.as_deref())
        .map(|r| Region::parse(r).expect("region"));
    let locale = env.locale.as_deref().and_then(Region::from_locale);
    read_ani(input, given, locale).expect(input)
}

#[test]
fn national_numbers_take_their_region_from_flag_then_env_then_locale() {
    let national = |ani: &Ani| match ani {
        Ani::Number(n) => match &n.read_as {
            ReadAs::National { region, from } => Some((region.code(), *from)),
            ReadAs::International { .. } => None,
        },
        _ => None,
    };
    let e = env(&[("LANG", "nl_NL.UTF-8"), ("CRMCTL_REGION", "BE")]);
    assert_eq!(
        national(&read_with(Some("nl"), &e, "020 123 4567")),
        Some(("NL", RegionFrom::Given))
    );
    assert_eq!(
        national(&read_with(None, &e, "02 555 12 34")),
        Some(("BE", RegionFrom::Given))
    );
    let e = env(&[("LC_ALL", "nl_NL.UTF-8"), ("LANG", "en_US.UTF-8")]);
    assert_eq!(
        national(&read_with(None, &e, "020 123 4567")),
        Some(("NL", RegionFrom::Locale))
    );
    // A C locale names no region: the digits are searched as typed, and the outcome says why.
    let e = env(&[("LC_ALL", "C"), ("LANG", "nl_NL.UTF-8")]);
    assert_eq!(
        read_with(None, &e, "020 123 4567"),
        Ani::AsTyped {
            digits: "0201234567".into(),
            reason: AsTypedReason::NoRegion,
            notes: Vec::new(),
        }
    );
    // E.164 and withheld callers need no region at all.
    assert!(matches!(
        read_with(None, &env(&[]), "sip:+31201234567@pbx.example.com"),
        Ani::Number(_)
    ));
    assert_eq!(read_with(None, &env(&[]), "Anonymous"), Ani::Withheld);
}

/// One row of the ANI table: a caller id as delivered, how it is looked up, what pops.
struct Case {
    input: &'static str,
    args: &'static [&'static str],
    env: &'static [(&'static str, &'static str)],
    exit: i32,
    outcome: &'static str,
    names: &'static [&'static str],
    /// `query.reading.read_as`; None for a withheld caller (no reading).
    read_as: Option<&'static str>,
    region_from: Option<&'static str>,
    /// A note that must be among `data.notes`.
    note: Option<&'static str>,
}

const AMSTERDAM: &[&str] = &["Amsterdam Trading B.V.", "Pieter de Vries"];

const fn case(input: &'static str, names: &'static [&'static str]) -> Case {
    Case {
        input,
        args: &[],
        env: &[],
        exit: 0,
        outcome: "several",
        names,
        read_as: Some("international"),
        region_from: None,
        note: None,
    }
}

const fn withheld(input: &'static str) -> Case {
    Case {
        exit: 1,
        outcome: "withheld",
        read_as: None,
        ..case(input, &[])
    }
}

const TABLE: &[Case] = &[
    case("sip:+31201234567@pbx.example.com;user=phone", AMSTERDAM),
    case(
        "<sips:+31-20-123-4567@10.0.0.1:5061;transport=tls>",
        AMSTERDAM,
    ),
    Case {
        note: Some("extension 88 is not searched"),
        ..case("tel:+31-20-123-4567;ext=88", AMSTERDAM)
    },
    Case {
        note: Some("extension 88 is not searched"),
        ..case("+31 20 123 4567 ext. 88", AMSTERDAM)
    },
    // The region's own international dialling prefix, from its metadata.
    Case {
        args: &["--region", "US"],
        note: Some("read `011` as the international dialling prefix of US"),
        ..case("011 31 20 123 4567", AMSTERDAM)
    },
    Case {
        args: &["--region", "AU"],
        note: Some("read `0011` as the international dialling prefix of AU"),
        ..case("0011 31 20 123 4567", AMSTERDAM)
    },
    Case {
        args: &["--region", "JP"],
        note: Some("read `010` as the international dialling prefix of JP"),
        ..case("010 31 20 123 4567", AMSTERDAM)
    },
    Case {
        note: Some("read `00` as the international dialling prefix"),
        ..case("00 31 20 123 4567", AMSTERDAM)
    },
    // National numbers: --region, then CRMCTL_REGION, then the locale.
    Case {
        env: &[("CRMCTL_REGION", "nl")],
        read_as: Some("national"),
        region_from: Some("CRMCTL_REGION"),
        note: Some("read as a national number of NL (from CRMCTL_REGION)"),
        ..case("020 123 4567", AMSTERDAM)
    },
    Case {
        env: &[("LANG", "nl_NL.UTF-8")],
        read_as: Some("national"),
        region_from: Some("locale"),
        note: Some("read as a national number of NL, the region of your locale"),
        ..case("020 123 4567", AMSTERDAM)
    },
    Case {
        args: &["--region", "NL"],
        env: &[("CRMCTL_REGION", "BE"), ("LANG", "de_DE.UTF-8")],
        read_as: Some("national"),
        region_from: Some("--region"),
        note: Some("read as a national number of NL (from --region)"),
        ..case("020-1234567", AMSTERDAM)
    },
    Case {
        args: &["--region", "JP"],
        read_as: Some("national"),
        region_from: Some("--region"),
        ..case("03-1234-5678", &["Sakura Denki K.K.", "Kenji Watanabe"])
    },
    Case {
        env: &[("LC_ALL", "en_AU.UTF-8")],
        outcome: "matched",
        read_as: Some("national"),
        region_from: Some("locale"),
        ..case("0412 345 678", &["Sam Solo"])
    },
    Case {
        env: &[("CRMCTL_REGION", "GB")],
        outcome: "matched",
        read_as: Some("national"),
        region_from: Some("CRMCTL_REGION"),
        ..case("07700 900123", &["Oliver Bennett"])
    },
    // No region anywhere (a C locale names none): the digits as typed, and why.
    Case {
        outcome: "matched",
        read_as: Some("as_typed"),
        note: Some("a national number and no region"),
        ..case("020 123 4567", &["Pieter de Vries"])
    },
    Case {
        env: &[("LANG", "C.UTF-8")],
        outcome: "matched",
        read_as: Some("as_typed"),
        note: Some("searching the digits as typed"),
        ..case("020-1234567", &["Pieter de Vries"])
    },
    Case {
        exit: 1,
        outcome: "none",
        read_as: Some("as_typed"),
        note: Some("a short internal extension: searching the digits as typed"),
        ..case("4567", &[])
    },
    withheld("anonymous"),
    withheld("Restricted"),
    withheld("private"),
    withheld("unknown"),
    withheld("withheld"),
    withheld(""),
    withheld("sip:anonymous@anonymous.invalid"),
];

/// Issue 9 item 1 end to end: every form in the table, through the binary, against the org.
#[test]
fn caller_ids_as_contact_centers_send_them_pop_the_right_record() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let base = crate::support::demo_env(&emu.base_url);
    for c in TABLE {
        let mut env: Vec<(&str, &str)> = base.iter().map(|(k, v)| (*k, v.as_str())).collect();
        env.extend_from_slice(c.env);
        let mut args = vec!["lookup", "--json", c.input];
        args.extend_from_slice(c.args);
        let requests_before = emu.stats().total;
        let out = sb.run(&args, &env, "");
        let what = format!("{:?} {:?} {:?}: {}", c.input, c.args, c.env, out.stdout);
        assert_eq!(out.code, c.exit, "{what}\n{}", out.stderr);
        let d = out.json()["data"].clone();
        assert_eq!(d["outcome"], c.outcome, "{what}");
        let names: Vec<&str> = d["matches"]
            .as_array()
            .expect("matches")
            .iter()
            .filter_map(|m| m["name"].as_str())
            .collect();
        assert_eq!(names, c.names, "{what}");
        let reading = &d["query"]["reading"];
        assert_eq!(reading["read_as"].as_str(), c.read_as, "{what}");
        assert_eq!(reading["region_from"].as_str(), c.region_from, "{what}");
        if let Some(note) = c.note {
            let notes = d["notes"].as_array().expect("notes");
            assert!(
                notes
                    .iter()
                    .any(|n| n.as_str().is_some_and(|n| n.contains(note))),
                "{what}: wants note {note:?}"
            );
        }
        if c.outcome == "withheld" {
            assert_eq!(d["blank_record"], true, "{what}");
            assert_eq!(d["query"]["searched"], serde_json::json!([]), "{what}");
            assert_eq!(
                emu.stats().total,
                requests_before,
                "{what}: a withheld caller makes no request"
            );
        }
    }
}

/// For people: the notes go to stderr, the pop (or the withheld line) to stdout.
#[test]
fn notes_are_printed_on_stderr_and_a_withheld_caller_says_so() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let e = crate::support::demo_env(&emu.base_url);
    let env: Vec<(&str, &str)> = e.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let out = sb.run(&["lookup", "tel:+31-20-123-4567;ext=88"], &env, "");
    out.assert_code(0);
    assert_eq!(out.stderr, "note: extension 88 is not searched\n");
    assert!(
        out.stdout.starts_with("found: 2 matches for number"),
        "{}",
        out.stdout
    );
    let out = sb.run(&["lookup", "020 123 4567"], &env, "");
    out.assert_code(0);
    assert_eq!(
        out.stderr,
        "note: a national number and no region (give --region, set CRMCTL_REGION, or use a locale such as nl_NL.UTF-8): searching the digits as typed\n"
    );
    assert!(
        !out.stdout.contains("(searched"),
        "one form: {}",
        out.stdout
    );
    let out = sb.run(&["lookup", "anonymous"], &env, "");
    out.assert_code(1);
    assert_eq!(
        out.stdout,
        "withheld: the caller withheld the number (anonymous); nothing was searched\n\
pops: a blank new record (the agent creates the customer or case)\n"
    );
    assert_eq!(out.stderr, "");
    assert_eq!(
        emu.stats().total,
        6,
        "two lookups of three round trips, none for the withheld caller: {:?}",
        emu.stats()
    );
}

/// Issue 18 item 6: `1-800-FLOWERS` used to be searched as the extension "1800", and
/// `+31 20 ABC 4567` as a number with an extension. Vanity numbers are read on the
/// keypad (a note says so); stray letters are a usage error (exit 2), never an extension.
#[test]
fn letters_in_a_number_are_a_vanity_number_or_a_usage_error() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let e = crate::support::demo_env(&emu.base_url);
    let pairs: Vec<(&str, &str)> = e.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let out = sb.run(
        &["lookup", "--json", "1-800-FLOWERS", "--region", "US"],
        &pairs,
        "",
    );
    let q = &out.json()["data"]["query"];
    assert_eq!(q["searched"][0], "18003569377", "{}", out.stdout);
    assert_eq!(q["reading"]["extension"], serde_json::Value::Null);
    assert!(
        out.json()["data"]["notes"].as_array().is_some_and(|n| n
            .iter()
            .any(|x| x.as_str().is_some_and(|s| s.contains("keypad")))),
        "{}",
        out.stdout
    );
    let out = sb.run(&["lookup", "--json", "+31 20 ABC 4567"], &pairs, "");
    assert_eq!(out.json()["data"]["query"]["searched"][0], "31202224567");
    for refused in ["+31 20 AB 4567", "020 1234567 Ω"] {
        let out = sb.run(&["lookup", refused, "--region", "NL"], &pairs, "");
        out.assert_code(2);
        assert!(out.stderr.contains("letters"), "{}", out.stderr);
    }
    assert_eq!(
        emu.stats().routes.get("token"),
        Some(&2),
        "refusals send nothing"
    );
}
