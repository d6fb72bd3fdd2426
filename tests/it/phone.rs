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
            reason: AsTypedReason::NoRegion
        }
    );
    // E.164 and withheld callers need no region at all.
    assert!(matches!(
        read_with(None, &env(&[]), "sip:+31201234567@pbx.example.com"),
        Ani::Number(_)
    ));
    assert_eq!(read_with(None, &env(&[]), "Anonymous"), Ani::Withheld);
}
