use super::*;

fn r(code: &str) -> Region {
    Region::parse(code).expect("region")
}

const NL_FORMS: [&str; 4] = ["31201234567", "0201234567", "201234567", "0031201234567"];
const US_FORMS: [&str; 3] = ["14155551212", "4155551212", "0014155551212"];
const GB_MOBILE: [&str; 4] = [
    "447700900123",
    "07700900123",
    "7700900123",
    "00447700900123",
];

/// The ANI forms contact centers deliver, per region: URIs, extensions, dialling prefixes.
#[test]
fn ani_forms_table() {
    type Row<'a> = (
        &'a str,
        Option<&'a str>,
        Option<&'a str>,
        &'a [&'a str],
        Option<&'a str>,
    );
    #[rustfmt::skip]
    let cases: &[Row] = &[
        // input, --region, locale region, forms, extension
        ("+31 20 123 4567", None, None, &NL_FORMS, None),
        ("+31 (0)20 123 4567", None, None, &NL_FORMS, None),
        ("sip:+31201234567@pbx.example.com;user=phone", None, None, &NL_FORMS, None),
        ("SIP:+31201234567@pbx.example.com", None, None, &NL_FORMS, None),
        ("sips:+31201234567@pbx.example.com:5061;transport=tls", None, None, &NL_FORMS, None),
        ("<sip:+31201234567@10.0.0.1>", None, None, &NL_FORMS, None),
        ("\"Jan Jansen\" <sip:+31201234567@pbx.example.com>;tag=1", None, None, &NL_FORMS, None),
        ("sip:%2B31201234567@pbx.example.com", None, None, &NL_FORMS, None),
        ("sip:0201234567@pbx.example.com;user=phone", Some("NL"), None, &NL_FORMS, None),
        ("tel:+31-20-123-4567", None, None, &NL_FORMS, None),
        ("tel:020-1234567;phone-context=+31", None, None, &NL_FORMS, None),
        ("\u{FF0B}\u{FF13}\u{FF11} \u{FF12}\u{FF10} 123 4567", None, None, &NL_FORMS, None),
        ("Tel: +31 20 123 4567", None, None, &NL_FORMS, None),
        ("0031 20 123 4567", None, None, &NL_FORMS, None),
        ("00 31 20 123 4567", Some("DE"), None, &NL_FORMS, None),
        ("011 31 20 123 4567", Some("US"), None, &NL_FORMS, None),
        ("0011 31 20 123 4567", Some("AU"), None, &NL_FORMS, None),
        ("010 31 20 123 4567", Some("JP"), None, &NL_FORMS, None),
        ("020-1234567", Some("NL"), None, &NL_FORMS, None),
        ("020 123 45 67", Some("nl"), Some("US"), &NL_FORMS, None),
        ("020 1234567", None, Some("NL"), &NL_FORMS, None),
        ("31 20 123 4567", Some("NL"), None, &NL_FORMS, None),
        ("tel:+1-415-555-1212;ext=12", None, None, &US_FORMS, Some("12")),
        ("sip:+14155551212;ext=12@pbx.example.com;user=phone", None, None, &US_FORMS, Some("12")),
        ("+1 415 555 1212 ext. 12", None, None, &US_FORMS, Some("12")),
        ("+1 415 555 1212 x12", None, None, &US_FORMS, Some("12")),
        ("+1 (415) 555-1212#12", None, None, &US_FORMS, Some("12")),
        ("+1.415.555.1212", None, None, &US_FORMS, None),
        ("(415) 555-1212", Some("US"), None, &US_FORMS, None),
        ("1 415 555 1212", Some("US"), None, &US_FORMS, None),
        ("415-555-1212 ext 7", None, Some("US"), &US_FORMS, Some("7")),
        ("+447700900123", None, None, &GB_MOBILE, None),
        ("07700 900123", Some("GB"), None, &GB_MOBILE, None),
        ("00 44 7700 900123", Some("FR"), None, &GB_MOBILE, None),
        // The calling code's own rules read the rest (Argentina's mobile rule adds a 9).
        ("00 54 11 15 2345 6789", Some("DE"), None, &["5491123456789", "091123456789", "91123456789", "005491123456789"], None),
        ("+61 412 345 678", None, None, &["61412345678", "0412345678", "412345678", "0061412345678"], None),
        ("0412 345 678", Some("AU"), None, &["61412345678", "0412345678", "412345678", "0061412345678"], None),
        ("+7 812 123-45-67", None, None, &["78121234567", "88121234567", "8121234567", "0078121234567"], None),
        ("8 (812) 123-45-67", Some("RU"), None, &["78121234567", "88121234567", "8121234567", "0078121234567"], None),
        ("+39 06 1234 5678", None, None, &["390612345678", "0612345678", "00390612345678"], None),
        ("030 1234567", Some("DE"), None, &["49301234567", "0301234567", "301234567", "0049301234567"], None),
        ("+81 3-1234-5678", None, None, &["81312345678", "0312345678", "312345678", "0081312345678"], None),
    ];
    for (input, region, locale, forms, ext) in cases {
        let got = read_ani(input, region.map(r), locale.map(r));
        let Ok(Ani::Number(n)) = &got else {
            panic!("{input:?}: {got:?}");
        };
        assert_eq!(n.forms.forms, *forms, "{input:?}");
        assert_eq!(n.extension.as_deref(), *ext, "{input:?}");
    }
}

#[test]
fn withheld_callers_are_an_outcome_not_an_error() {
    for input in [
        "",
        "   ",
        "anonymous",
        "Anonymous",
        "UNKNOWN",
        "restricted",
        "private",
        "withheld",
        "unavailable",
        "sip:anonymous@anonymous.invalid",
        "\"Anonymous\" <sip:anonymous@anonymous.invalid>;tag=9",
        "sips:Restricted@pbx.example.com",
        "tel:private",
    ] {
        assert_eq!(read_ani(input, None, None), Ok(Ani::Withheld), "{input:?}");
    }
}

#[test]
fn only_text_without_digits_is_an_error() {
    for input in ["abc", "sip:pbx.example.com", "+", "ext."] {
        assert_eq!(
            read_ani(input, None, None),
            Err(PhoneError::NoDigits),
            "{input:?}"
        );
    }
}

#[test]
fn what_cannot_be_read_is_searched_as_typed() {
    let cases = [
        ("2345", None, None, "2345", AsTypedReason::ShortExtension),
        ("12", Some("NL"), None, "12", AsTypedReason::ShortExtension),
        (
            "020 1234567",
            None,
            None,
            "0201234567",
            AsTypedReason::NoRegion,
        ),
        (
            "020 1234567",
            Some("US"),
            None,
            "0201234567",
            AsTypedReason::NotValidIn(r("US")),
        ),
        (
            "020 1234567",
            None,
            Some("US"),
            "0201234567",
            AsTypedReason::NotValidIn(r("US")),
        ),
        (
            "+999 123 4567",
            None,
            None,
            "9991234567",
            AsTypedReason::UnknownCallingCode,
        ),
    ];
    for (input, region, locale, digits, reason) in cases {
        assert_eq!(
            read_ani(input, region.map(r), locale.map(r)),
            Ok(Ani::AsTyped {
                digits: digits.into(),
                reason,
                notes: Vec::new(),
            }),
            "{input:?}"
        );
    }
}

#[test]
fn the_outcome_says_which_region_read_the_number() {
    let Ok(Ani::Number(n)) = read_ani("020 1234567", None, Some(r("NL"))) else {
        panic!("not a number");
    };
    assert_eq!(
        n.read_as,
        ReadAs::National {
            region: r("NL"),
            from: RegionFrom::Locale
        }
    );
    assert_eq!(n.notes, [Note::RegionFromLocale(r("NL"))]);

    let Ok(Ani::Number(n)) = read_ani("020 1234567", Some(r("NL")), Some(r("US"))) else {
        panic!("not a number");
    };
    assert_eq!(
        n.read_as,
        ReadAs::National {
            region: r("NL"),
            from: RegionFrom::Given
        }
    );
    assert!(n.notes.is_empty());

    let Ok(Ani::Number(n)) = read_ani("011 31 20 123 4567 x5", Some(r("US")), None) else {
        panic!("not a number");
    };
    assert_eq!(n.read_as, ReadAs::International { calling_code: 31 });
    assert_eq!(
        n.notes,
        [
            Note::ExtensionNotSearched("5".into()),
            Note::InternationalPrefix {
                prefix: "011".into(),
                region: r("US")
            }
        ]
    );
}

/// The note names the prefix as dialled, even when the calling code's rules rewrite the rest.
#[test]
fn the_international_prefix_note_names_what_was_dialled() {
    let Ok(Ani::Number(n)) = read_ani("00 54 11 15 2345 6789", Some(r("DE")), None) else {
        panic!("not a number");
    };
    assert_eq!(
        n.notes,
        [Note::InternationalPrefix {
            prefix: "00".into(),
            region: r("DE")
        }]
    );
}

#[test]
fn regions_from_codes_and_locales() {
    assert_eq!(r(" nl ").code(), "NL");
    assert_eq!(r("NL").calling_code(), 31);
    assert!(matches!(Region::parse("XX"), Err(PhoneError::BadRegion(_))));
    assert!(matches!(
        Region::parse("001"),
        Err(PhoneError::BadRegion(_))
    ));
    for (locale, region) in [
        ("nl_NL.UTF-8", Some("NL")),
        ("de_DE@euro", Some("DE")),
        ("en_US", Some("US")),
        ("en-GB", Some("GB")),
        ("C", None),
        ("C.UTF-8", None),
        ("POSIX", None),
        ("en", None),
        ("es_419.UTF-8", None),
        ("xx_QQ", None),
        ("", None),
    ] {
        assert_eq!(
            Region::from_locale(locale).map(Region::code),
            region,
            "{locale:?}"
        );
    }
    assert_eq!(r("US").international_prefix(), Some("011"));
    assert_eq!(r("AU").international_prefix(), Some("0011"));
    assert_eq!(r("NL").international_prefix(), Some("00"));
    assert_eq!(r("JP").international_prefix(), Some("010"));
    assert_eq!(serde_json::to_string(&r("NL")).expect("json"), "\"NL\"");
    assert_eq!(
        AsTypedReason::NotValidIn(r("US")).code(),
        "not_valid_in_region"
    );
}

/// E.164, `00` input and national input in a region with a simple rule run no regex.
#[test]
fn common_paths_run_no_regex() {
    for (input, region) in [
        ("+31 20 123 4567", None),
        ("+1 415 555 1212", None),
        ("+44 7700 900123", None),
        ("+31 (0)20 123 4567", None),
        ("sip:+31201234567@pbx.example.com;user=phone", None),
        ("0031 20 123 4567", None),
        ("020-1234567", Some("NL")),
        ("(415) 555-1212", Some("US")),
        ("07700 900123", Some("GB")),
        ("030 1234567", Some("DE")),
        ("011 31 20 123 4567", Some("US")),
    ] {
        let before = regex_runs();
        let got = read_ani(input, region.map(r), None);
        assert!(matches!(got, Ok(Ani::Number(_))), "{input:?}: {got:?}");
        assert_eq!(regex_runs(), before, "{input:?} ran a regex");
    }
}

/// The trunk form survives for calling codes several regions share.
#[test]
fn shared_calling_codes_keep_the_trunk_form() {
    for (input, trunk_form) in [
        ("+447700900123", "07700900123"),
        ("+441481712345", "01481712345"),
        ("+61891621234", "0891621234"),
        ("+12684601234", "12684601234"),
        ("+73272123456", "83272123456"),
    ] {
        let f = forms(input, None).expect(input);
        assert!(f.forms.iter().any(|x| x == trunk_form), "{input}: {f:?}");
    }
}

/// The forms `read_ani` searches for a number it could read, `None` otherwise.
fn forms(input: &str, region: Option<&str>) -> Option<PhoneForms> {
    let region = region.map(|r| Region::parse(r).expect("a region code"));
    match read_ani(input, region, None) {
        Ok(Ani::Number(n)) => Some(n.forms),
        _ => None,
    }
}

#[test]
fn amsterdam_number_in_all_its_forms() {
    let f = forms("+31 20 123 4567", None).expect("e164");
    assert_eq!(f.e164, "+31201234567");
    assert_eq!(f.forms, NL_FORMS);
    assert_eq!(forms("020-1234567", Some("nl")).expect("national"), f);
    assert_eq!(forms("0031 20 123 4567", None).expect("00 prefix"), f);
}

#[test]
fn nanp_numbers_have_no_separate_trunk_form() {
    let f = forms("(415) 555-1212", Some("US")).expect("us");
    assert_eq!(f.e164, "+14155551212");
    assert_eq!(f.forms, US_FORMS);
}

#[test]
fn national_numbers_without_a_region_are_searched_as_typed() {
    assert!(matches!(
        read_ani("020-1234567", None, None),
        Ok(Ani::AsTyped {
            reason: AsTypedReason::NoRegion,
            ..
        })
    ));
    assert!(matches!(Region::parse("XX"), Err(PhoneError::BadRegion(_))));
    assert!(matches!(
        read_ani("+", None, None),
        Err(PhoneError::NoDigits)
    ));
}

// ---- Equivalence with the `phonenumber` crate (a dev-dependency). ----

mod equivalence {
    use super::super::{forms_of, number, tables};
    use phonenumber::metadata::DATABASE;
    use std::collections::BTreeMap;
    use std::str::FromStr;

    /// How one input is read: by us, and by the crate.
    #[derive(Debug)]
    struct Case {
        input: String,
        region: Option<&'static str>,
    }

    /// A difference between our reading and the crate's that we intend, with the reason.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
    enum Intended {
        /// The crate picks no region for some numbers of a calling code several regions share
        /// (+1, +44, +61, +7, ...) and then has no trunk prefix: the national form with the
        /// trunk prefix went missing (`+447700900123` never found `07700 900123`). All regions
        /// of a calling code share one trunk prefix (build.rs checks it), so we always add it.
        TrunkFormKept,
        /// libphonenumber strips a trunk prefix (or, from national digits, the region's own
        /// calling code) only if the number is not already valid as it stands: `+7 800 ...` is
        /// a Russian toll-free number, not `+7 00 ...`; `7 710 ...` in KZ is a national number.
        /// The crate strips whenever the rest is not too short, and its length check never
        /// fires because the general description carries no possible lengths.
        PrefixKeptOnValidNumber,
        /// libphonenumber keeps the digits when stripping the prefix leaves a length no number
        /// of the region has (`03 211 234 567` in CO); the crate strips anyway (same cause).
        PrefixKeptOnImpossibleLength,
        /// The crate strips the trunk prefix a second time (`88 ...` in BY becomes `...`);
        /// libphonenumber strips it once.
        TrunkPrefixStrippedOnce,
        /// The crate keeps the NSN in 56 bits and refuses 17-digit numbers above 2^56;
        /// libphonenumber allows any NSN of up to 17 digits.
        SeventeenDigitNsn,
        /// With a default region, the crate strips that region's trunk prefix even from a
        /// number of another calling code reached through the international prefix (`810`
        /// then +268 from TM); libphonenumber reads it by the rules of its own calling code.
        ForeignRulesNotApplied,
    }

    /// The crate's calling code, NSN and trunk prefix (None: it picked no region).
    fn crate_reading(case: &Case) -> Result<(u16, String, Option<String>), String> {
        let id = case
            .region
            .map(|r| phonenumber::country::Id::from_str(r).map_err(|_| format!("crate has no {r}")))
            .transpose()?;
        let n = phonenumber::parse(id, &case.input).map_err(|e| e.to_string())?;
        let trunk = n
            .metadata(&DATABASE)
            .map(|m| m.national_prefix().unwrap_or("").to_string());
        Ok((n.code().value(), n.national().to_string(), trunk))
    }

    fn our_reading(case: &Case) -> Result<number::Parsed, String> {
        let region = case
            .region
            .map(|r| tables::region_by_id(r).ok_or(format!("no {r}")))
            .transpose()?;
        number::parse(&case.input, region).map_err(|e| format!("{e:?}"))
    }

    fn crate_forms(cc: u16, nsn: &str, trunk: &str) -> Vec<String> {
        let mut f = vec![
            format!("{cc}{nsn}"),
            format!("{trunk}{nsn}"),
            nsn.to_string(),
            format!("00{cc}{nsn}"),
        ];
        let mut seen = std::collections::HashSet::new();
        f.retain(|x| x.len() >= 2 && seen.insert(x.clone()));
        f
    }

    fn foreign(case: &Case, ours: &number::Parsed) -> bool {
        case.region
            .and_then(tables::region_by_id)
            .is_some_and(|r| tables::region(r).cc != ours.cc)
    }

    /// None: the same forms. Some(Ok(why)): an intended difference. Some(Err(())): a bug.
    fn compare(
        input: &str,
        ours: &number::Parsed,
        theirs: &(u16, String, Option<String>),
    ) -> Option<Result<Intended, ()>> {
        let (cc, nsn, trunk) = theirs;
        let our_forms = forms_of(ours.cc, &ours.nsn).forms;
        if ours.cc == *cc && ours.nsn == *nsn {
            let their_forms = crate_forms(*cc, nsn, trunk.as_deref().unwrap_or(""));
            return match (our_forms == their_forms, trunk) {
                (true, _) => None,
                (false, None) => {
                    let mut without_trunk = our_forms.clone();
                    without_trunk.retain(|f| Some(f) != our_forms.get(1));
                    Some(if without_trunk == their_forms {
                        Ok(Intended::TrunkFormKept)
                    } else {
                        Err(())
                    })
                }
                (false, Some(_)) => Some(Err(())),
            };
        }
        let suffix =
            ours.cc == *cc && ours.nsn.len() > nsn.len() && ours.nsn.ends_with(nsn.as_str());
        if suffix && tables::general_matches(ours.rules, &ours.nsn) {
            return Some(Ok(Intended::PrefixKeptOnValidNumber));
        }
        let impossible = |n: &str| {
            matches!(
                number::test_length(ours.rules, n),
                number::Length::TooShort | number::Length::LocalOnly | number::Length::Invalid
            )
        };
        let mut once = ours.nsn.clone();
        let stripped = number::strip_national_prefix(ours.rules, &mut once);
        if suffix && stripped && impossible(&once) {
            return Some(Ok(Intended::PrefixKeptOnImpossibleLength));
        }
        let np = tables::region(ours.rules).national_prefix.unwrap_or("-");
        if suffix
            && input.starts_with(&format!("{np}{np}"))
            && ours.nsn.strip_prefix(np) == Some(nsn.as_str())
        {
            return Some(Ok(Intended::TrunkPrefixStrippedOnce));
        }
        Some(Err(()))
    }

    /// A small deterministic generator (no test may depend on chance).
    struct Lcg(u64);
    impl Lcg {
        fn digit(&mut self) -> char {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            char::from(b'0' + ((self.0 >> 33) % 10) as u8)
        }
    }

    /// Every example number of every region, and variants of each with random last digits,
    /// as E.164, as national digits with the trunk prefix, and as national digits without.
    fn cases(variants: usize) -> Vec<Case> {
        let mut rng = Lcg(12);
        let mut out = Vec::new();
        for meta in DATABASE.iter() {
            let d = meta.descriptors();
            let examples = [
                d.fixed_line(),
                d.mobile(),
                d.toll_free(),
                d.premium_rate(),
                d.shared_cost(),
                d.personal_number(),
                d.voip(),
                d.pager(),
                d.uan(),
                d.voicemail(),
            ];
            let region: Option<&'static str> =
                tables::region_by_id(meta.id()).map(|i| tables::region(i).id);
            for ex in examples.iter().flatten().filter_map(|d| d.example()) {
                let mut numbers = vec![ex.to_string()];
                for v in 0..variants {
                    let keep = ex.len().saturating_sub(1 + v % 4.min(ex.len()));
                    let mut n: String = ex[..keep.max(1)].to_string();
                    while n.len() < ex.len() {
                        n.push(rng.digit());
                    }
                    numbers.push(n);
                }
                for nsn in numbers {
                    out.push(Case {
                        input: format!("+{}{nsn}", meta.country_code()),
                        region: None,
                    });
                    if let Some(r) = region {
                        if let Some(np) = meta.national_prefix() {
                            out.push(Case {
                                input: format!("{np}{nsn}"),
                                region: Some(r),
                            });
                        }
                        out.push(Case {
                            input: nsn.clone(),
                            region: Some(r),
                        });
                    }
                }
            }
        }
        // A broad sweep: random national significant numbers of every possible length.
        for (i, meta) in tables::REGIONS.iter().enumerate() {
            let region = (meta.id != "001").then_some(meta.id);
            for k in 0..SWEEP {
                let Some(&len) = meta.lengths.get(k % meta.lengths.len().max(1)) else {
                    continue;
                };
                let mut nsn = String::new();
                while nsn.len() < usize::from(len) {
                    let d = rng.digit();
                    if !(nsn.is_empty() && d == '0') {
                        nsn.push(d);
                    }
                }
                out.push(Case {
                    input: format!("+{}{nsn}", meta.cc),
                    region: None,
                });
                if let (Some(r), Some(np)) = (region, meta.national_prefix) {
                    out.push(Case {
                        input: format!("{np}{nsn}"),
                        region: Some(r),
                    });
                }
                let _ = i;
            }
        }
        out
    }

    #[test]
    // The test's own report on stderr (shown with --nocapture), not program output.
    #[allow(clippy::print_stderr)]
    fn same_forms_as_the_phonenumber_crate() {
        let cases = cases(VARIANTS);
        let mut intended: BTreeMap<Intended, (usize, String)> = BTreeMap::new();
        let mut unexplained = Vec::new();
        for case in &cases {
            match (our_reading(case), crate_reading(case)) {
                (Ok(ours), Ok(theirs)) => match compare(&case.input, &ours, &theirs) {
                    None => {}
                    Some(Ok(why)) => {
                        intended.entry(why).or_insert((0, case.input.clone())).0 += 1;
                    }
                    Some(Err(())) => {
                        unexplained.push(format!("{case:?}: ours {ours:?}, crate {theirs:?}"))
                    }
                },
                (Err(_), Err(_)) => {}
                (Ok(ours), _) if foreign(case, &ours) => {
                    let why = Intended::ForeignRulesNotApplied;
                    intended.entry(why).or_insert((0, case.input.clone())).0 += 1;
                }
                (Ok(ours), Err(e)) if ours.nsn.len() == 17 && e == "the number is too long" => {
                    let why = Intended::SeventeenDigitNsn;
                    intended.entry(why).or_insert((0, case.input.clone())).0 += 1;
                }
                (ours, theirs) => {
                    unexplained.push(format!("{case:?}: ours {ours:?}, crate {theirs:?}"))
                }
            }
        }
        eprintln!(
            "{} cases; intended differences (count, example): {intended:?}",
            cases.len()
        );
        assert!(cases.len() > 20_000, "only {} cases", cases.len());
        assert!(
            unexplained.is_empty(),
            "{} unexplained differences:\n{}",
            unexplained.len(),
            unexplained[..unexplained.len().min(50)].join("\n")
        );
    }

    /// The bug the issue names: the crate drops the trunk form of `+447700900123`.
    #[test]
    fn the_trunk_bug_is_an_intended_difference() {
        let case = Case {
            input: "+447700900123".into(),
            region: None,
        };
        let (ours, theirs) = (our_reading(&case), crate_reading(&case));
        assert_eq!(
            compare(&case.input, &ours.expect("ours"), &theirs.expect("crate's")),
            Some(Ok(Intended::TrunkFormKept))
        );
    }

    const VARIANTS: usize = 3;
    const SWEEP: usize = 30;
}

/// What build.rs worked out about each pattern (leading digits, lengths, literal lists)
/// never contradicts the pattern itself, checked with regex-lite on every region.
#[test]
fn compiled_facts_agree_with_the_patterns() {
    use super::tables::{Pat, REGIONS};
    let mut texts: Vec<String> = Vec::new();
    let mut seed = 7u64;
    for len in 0..=17 {
        for _ in 0..40 {
            let mut t = String::new();
            for _ in 0..len {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                t.push(char::from(b'0' + ((seed >> 33) % 10) as u8));
            }
            texts.push(t);
        }
    }
    let check = |id: &str, pat: &Pat, whole: bool, texts: &[String]| {
        let anchored = if whole {
            format!("^(?:{})$", pat.src)
        } else {
            format!("^(?:{})", pat.src)
        };
        let re = regex_lite::Regex::new(&anchored).unwrap_or_else(|e| panic!("{id}: {e}"));
        let mut extra: Vec<String> = Vec::new();
        for lit in pat.literals.unwrap_or(&[]) {
            extra.push(lit.to_string());
            extra.push(format!("{lit}1234567"));
        }
        for t in texts.iter().chain(&extra) {
            match re.find(t) {
                Some(m) => {
                    assert!(pat.may_start(t) || m.is_empty(), "{id} {}: {t}", pat.src);
                    if whole {
                        assert!(pat.may_match_whole(t), "{id} {}: {t}", pat.src);
                    }
                    if let Some(end) = pat.literal_prefix(t) {
                        assert_eq!(end, Some(m.end()), "{id} {}: {t}", pat.src);
                    }
                }
                None => {
                    if let Some(end) = pat.literal_prefix(t) {
                        assert_eq!(end, None, "{id} {}: {t}", pat.src);
                    }
                }
            }
        }
    };
    for meta in REGIONS.iter() {
        let mut own = texts.clone();
        let mut seeded = |prefix: &str| {
            for t in texts.iter().take(200) {
                own.push(format!("{prefix}{t}"));
            }
        };
        seeded(meta.national_prefix.unwrap_or(""));
        seeded(&meta.cc.to_string());
        check(meta.id, &meta.general, true, &own);
        if let Some(p) = &meta.idd {
            check(meta.id, p, false, &own);
        }
        if let Some(p) = &meta.npfp {
            check(meta.id, p, false, &own);
        }
    }
}

/// Issue 18 item 6: letters are never an extension marker. Three or more keypad
/// letters are a vanity number, read as libphonenumber reads them; fewer, or letters
/// no keypad has, are refused (exit 2 in `lookup`).
#[test]
fn vanity_numbers_are_read_on_the_keypad_and_stray_letters_refused() {
    let read = |input: &str, region: Option<&str>| read_ani(input, region.map(r), None);
    let Ok(Ani::Number(n)) = read("1-800-FLOWERS", Some("US")) else {
        panic!("{:?}", read("1-800-FLOWERS", Some("US")));
    };
    assert_eq!(n.forms.forms[0], "18003569377");
    assert_eq!(n.extension, None);
    assert!(n.notes.contains(&Note::Vanity {
        spelt: "1-800-FLOWERS".into(),
        digits: "18003569377".into()
    }));
    let Ok(Ani::Number(n)) = read("+31 20 ABC 4567", None) else {
        panic!("{:?}", read("+31 20 ABC 4567", None));
    };
    assert_eq!(n.forms.forms[0], "31202224567");
    assert_eq!(n.extension, None);
    // Lower case, and a vanity number with a real extension after it.
    let Ok(Ani::Number(n)) = read("+1 800 flowers ext. 12", None) else {
        panic!("vanity with extension");
    };
    assert_eq!(
        (n.forms.forms[0].as_str(), n.extension.as_deref()),
        ("18003569377", Some("12"))
    );
    // Without a region the spelt digits are searched as typed, and the note says so.
    let Ok(Ani::AsTyped { digits, notes, .. }) = read("0800-FLOWERS", None) else {
        panic!("as typed");
    };
    assert_eq!(digits, "08003569377");
    assert!(
        matches!(notes.as_slice(), [Note::Vanity { .. }]),
        "{notes:?}"
    );
    for refused in [
        "+31 20 AB 4567",
        "+31 20 A 1234567",
        "020 123 4567 Ω",
        "+1 415 555 1212 ΩΩΩ",
        "0201234567 X",
    ] {
        assert_eq!(
            read(refused, Some("NL")),
            Err(PhoneError::Letters),
            "{refused}"
        );
    }
    // Extension labels are still extensions, and a label must not end a word.
    for (input, ext) in [
        ("+1 415 555 1212 x12", "12"),
        ("+1 415 555 1212 X 12", "12"),
        ("+1 415 555 1212 extn. 12", "12"),
        ("+1 415 555 1212 extension 12", "12"),
        ("+1 415 555 1212 ~12", "12"),
        ("+1 415 555 1212,,12", "12"),
        ("+1 415 555 1212#12#", "12"),
    ] {
        let Ok(Ani::Number(n)) = read(input, None) else {
            panic!("{input}: {:?}", read(input, None));
        };
        assert_eq!(n.extension.as_deref(), Some(ext), "{input}");
        assert_eq!(n.forms.forms[0], "14155551212", "{input}");
    }
}

/// The `phonenumber` crate (libphonenumber's rules in Rust) reads the same vanity
/// numbers to the same calling code and national number.
#[test]
fn vanity_numbers_agree_with_the_phonenumber_crate() {
    use std::str::FromStr;
    for (input, region) in [
        ("1-800-FLOWERS", "US"),
        ("+1 800 FLOWERS", "US"),
        ("+31 20 ABC 4567", "NL"),
        ("020 ABC 4567", "NL"),
        ("0800-GO-TAXI", "GB"),
        ("+44 800 GO TAXI", "GB"),
    ] {
        let id = phonenumber::country::Id::from_str(region).expect("region");
        let theirs = phonenumber::parse(Some(id), input).expect("crate parses");
        let want = format!("{}{}", theirs.code().value(), theirs.national());
        let Ok(Ani::Number(n)) = read_ani(input, Some(r(region)), None) else {
            panic!("{input}: {:?}", read_ani(input, Some(r(region)), None));
        };
        assert_eq!(n.forms.forms[0], want, "{input} in {region}");
    }
}
