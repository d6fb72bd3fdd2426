//! Synthetic records (`crmctl emulate --synthetic-records N`, `Config::
//! synthetic_records`): N deterministic records added to the org, 20% Accounts,
//! 50% Contacts (each of the Account made before it) and 30% Leads, for tests and
//! benchmarks at the scale of a real org.
//!
//! Phones are written as people type them in the eight countries of the built-in
//! org (NL, US, GB, DE, FR, AU, JP, BE), in four forms, one picked per number:
//! E.164 (`+31201234567`), international with spaces (`+31 20 123 4567`),
//! national with the trunk prefix (`020 123 4567`, `1 212 555 0100` in the US) and
//! punctuated (`020-1234567`, `(212) 555-0100`, `030/1234567`, `01.42.68.53.00`,
//! `(02) 9374 4000`, `03-1234-5678`, `02/555.12.34`). Every subscriber number
//! starts with 8, and the US area codes leave out 415, so no synthetic number is
//! one of the named records' (a lookup of a README number still finds exactly
//! the records the README lists).
//!
//! The same `n` and `seed` give the same records, ids included, on every machine.

use serde_json::{Map, Value, json};

use crate::org::{Org, OrgError};
use crate::state::splitmix64;

/// The seed `crmctl emulate` uses.
pub const DEFAULT_SEED: u64 = 0x5eed_0021;

/// Country code, trunk prefix, and area codes with their subscriber lengths.
struct Country {
    cc: &'static str,
    trunk: &'static str,
    areas: &'static [(&'static str, usize)],
    /// A mobile prefix (without trunk) and its subscriber length.
    mobile: (&'static str, usize),
}

const COUNTRIES: &[Country] = &[
    Country {
        cc: "31",
        trunk: "0",
        areas: &[("20", 7), ("10", 7), ("30", 7), ("70", 7)],
        mobile: ("6", 8),
    },
    Country {
        cc: "1",
        trunk: "1",
        areas: &[("212", 7), ("312", 7), ("617", 7), ("206", 7), ("512", 7)],
        mobile: ("303", 7),
    },
    Country {
        cc: "44",
        trunk: "0",
        areas: &[("20", 8), ("161", 7), ("121", 7)],
        mobile: ("7700", 6),
    },
    Country {
        cc: "49",
        trunk: "0",
        areas: &[("30", 7), ("40", 8), ("89", 7), ("69", 8)],
        mobile: ("151", 8),
    },
    Country {
        cc: "33",
        trunk: "0",
        areas: &[("1", 8), ("4", 8), ("5", 8)],
        mobile: ("6", 8),
    },
    Country {
        cc: "61",
        trunk: "0",
        areas: &[("2", 8), ("3", 8), ("7", 8)],
        mobile: ("4", 8),
    },
    Country {
        cc: "81",
        trunk: "0",
        areas: &[("3", 8), ("6", 8)],
        mobile: ("90", 8),
    },
    Country {
        cc: "32",
        trunk: "0",
        areas: &[("2", 7), ("3", 7), ("9", 7)],
        mobile: ("470", 6),
    },
];

const FIRST: &[&str] = &[
    "Emma",
    "Liam",
    "Olivia",
    "Noah",
    "Sophie",
    "Lucas",
    "Mila",
    "Daan",
    "Anna",
    "Finn",
    "Julia",
    "Max",
    "Chloé",
    "Léa",
    "Hugo",
    "Oliver",
    "Amelia",
    "Harry",
    "Isla",
    "Yuki",
    "Haruto",
    "Ren",
    "Charlotte",
    "Jack",
    "Ruby",
    "Lars",
    "Fenna",
    "Jonas",
    "Lena",
    "Felix",
];
const LAST: &[&str] = &[
    "Jansen", "de Boer", "Bakker", "Visser", "Smith", "Brown", "Taylor", "Wilson", "Müller",
    "Schmidt", "Martin", "Bernard", "Dubois", "Suzuki", "Tanaka", "Peeters", "Maes", "Jones",
    "Nguyen", "Kelly", "Walsh", "Fischer", "Weber", "Moreau", "Sato", "Janssens",
];
const WORDS: &[&str] = &[
    "Northwind",
    "Polder",
    "Harbour",
    "Summit",
    "Cedar",
    "Atlas",
    "Beacon",
    "Meridian",
    "Lotus",
    "Granite",
    "Willow",
    "Orbit",
    "Delta",
    "Falcon",
    "Juniper",
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        splitmix64(&mut self.0)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    /// A subscriber number of `len` digits starting with 8.
    fn subscriber(&mut self, len: usize) -> String {
        let mut s = String::with_capacity(len);
        s.push('8');
        for _ in 1..len {
            s.push(char::from(b'0' + self.below(10) as u8));
        }
        s
    }
}

/// Groups of a subscriber number: `split` sizes from the left, the rest last.
fn groups(s: &str, sizes: &[usize]) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s;
    for &n in sizes {
        if rest.len() <= n {
            break;
        }
        out.push(rest[..n].to_string());
        rest = &rest[n..];
    }
    out.push(rest.to_string());
    out
}

/// One phone number of country `c`: mobile or landline, in one of four forms.
fn phone(g: &mut Rng, c: usize, mobile: bool) -> String {
    let country = &COUNTRIES[c % COUNTRIES.len()];
    let (area, len) = if mobile {
        country.mobile
    } else {
        country.areas[g.below(country.areas.len())]
    };
    let sub = g.subscriber(len);
    let spaced = groups(&sub, &[3, 4]).join(" ");
    match g.below(4) {
        0 => format!("+{}{area}{sub}", country.cc),
        1 => format!("+{} {area} {spaced}", country.cc),
        2 => format!("{}{area} {spaced}", trunk_join(country.trunk)),
        _ => punctuated(country.cc, country.trunk, area, &sub),
    }
}

/// The trunk prefix as it is written before the area code (`0`, or `1 ` in the US).
fn trunk_join(trunk: &str) -> String {
    if trunk == "1" {
        "1 ".to_string()
    } else {
        trunk.to_string()
    }
}

/// The country's usual punctuation of a national number.
fn punctuated(cc: &str, trunk: &str, area: &str, sub: &str) -> String {
    match cc {
        "1" => {
            let g = groups(sub, &[3]);
            format!("({area}) {}", g.join("-"))
        }
        "31" => format!("{trunk}{area}-{sub}"),
        "44" => format!("({trunk}{area}) {}", groups(sub, &[4]).join(" ")),
        "49" => format!("{trunk}{area}/{sub}"),
        "33" => {
            let mut all = format!("{trunk}{area}{sub}");
            let mut out = Vec::new();
            while all.len() > 2 {
                let rest = all.split_off(2);
                out.push(all);
                all = rest;
            }
            out.push(all);
            out.join(".")
        }
        "61" => format!("({trunk}{area}) {}", groups(sub, &[4]).join(" ")),
        "81" => format!("{trunk}{area}-{}", groups(sub, &[4]).join("-")),
        _ => format!("{trunk}{area}/{}", groups(sub, &[3, 2]).join(".")),
    }
}

fn row(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// Adds `n` synthetic records to `org`.
pub fn populate(org: &mut Org, n: usize, seed: u64) -> Result<(), OrgError> {
    let mut g = Rng(seed);
    let mut account: Option<String> = None;
    for i in 0..n {
        let c = g.below(COUNTRIES.len());
        let (first, last) = (g.pick(FIRST), g.pick(LAST));
        let email = format!(
            "{}.{}.{i}@synthetic.example",
            first.to_lowercase(),
            last.to_lowercase().replace(' ', "")
        );
        match i % 10 {
            0 | 1 => {
                let name = format!(
                    "{} {} {i}",
                    g.pick(WORDS),
                    g.pick(&[
                        "B.V.", "Inc.", "Ltd", "GmbH", "SARL", "Pty Ltd", "K.K.", "NV"
                    ])
                );
                let phone = phone(&mut g, c, false);
                let id = org.insert("Account", row(json!({"Name": name, "Phone": phone})))?;
                account = Some(id);
            }
            2..=6 => {
                let mut r = row(json!({"FirstName": first, "LastName": last, "Email": email}));
                r.insert("Phone".into(), json!(phone(&mut g, c, false)));
                if g.below(2) == 0 {
                    r.insert("MobilePhone".into(), json!(phone(&mut g, c, true)));
                }
                if let Some(a) = &account {
                    r.insert("AccountId".into(), json!(a));
                }
                org.insert("Contact", r)?;
            }
            _ => {
                let company = format!(
                    "{} {}",
                    g.pick(WORDS),
                    g.pick(&["Consulting", "Trading", "Labs"])
                );
                let mut r = row(
                    json!({"FirstName": first, "LastName": last, "Company": company, "Email": email}),
                );
                let mobile = g.below(3) == 0;
                r.insert(
                    if mobile { "MobilePhone" } else { "Phone" }.into(),
                    json!(phone(&mut g, c, mobile)),
                );
                org.insert("Lead", r)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digits(s: &str) -> String {
        s.chars().filter(char::is_ascii_digit).collect()
    }

    #[test]
    fn every_country_and_form_reads_back_to_the_same_digits() {
        // Same seed, same number; the four forms differ only in punctuation and
        // in the trunk prefix versus the country code.
        for (c, country) in COUNTRIES.iter().enumerate() {
            let mut forms = std::collections::BTreeSet::new();
            let mut g = Rng(7 + c as u64);
            for _ in 0..400 {
                let p = phone(&mut g, c, false);
                assert!(
                    p.chars()
                        .all(|ch| ch.is_ascii_digit() || " +-()./".contains(ch)),
                    "{p}"
                );
                let d = digits(&p);
                let (cc, trunk) = (country.cc, country.trunk);
                // US punctuation leaves the trunk 1 out: `(212) 855-0100`.
                assert!(
                    d.starts_with(cc) || d.starts_with(trunk) || p.starts_with('('),
                    "{p}"
                );
                let kind = if p.starts_with("+") && !p.contains(' ') {
                    "e164"
                } else if p.starts_with('+') {
                    "intl"
                } else if p.contains(['-', '(', '/', '.']) {
                    "punct"
                } else {
                    "national"
                };
                forms.insert(kind);
            }
            assert_eq!(forms.len(), 4, "country {c}: {forms:?}");
        }
        assert_eq!(punctuated("33", "0", "1", "84268530"), "01.84.26.85.30");
        assert_eq!(punctuated("1", "1", "212", "8550100"), "(212) 855-0100");
        assert_eq!(punctuated("32", "0", "2", "8551234"), "02/855.12.34");
        assert_eq!(punctuated("81", "0", "3", "81234567"), "03-8123-4567");
    }

    #[test]
    fn the_same_seed_gives_the_same_org() {
        let make = |seed| {
            let mut org = Org::from_file(crate::org::OrgFile::default()).expect("org");
            populate(&mut org, 1000, seed).expect("populate");
            org
        };
        let (a, b, c) = (make(1), make(1), make(2));
        assert_eq!(a.records("Account").len(), 200);
        assert_eq!(a.records("Contact").len(), 500);
        assert_eq!(a.records("Lead").len(), 300);
        let phones = |o: &Org| -> Vec<String> {
            o.records("Contact")
                .iter()
                .map(|r| r.get("Phone").as_str().unwrap_or("").to_string())
                .collect()
        };
        assert_eq!(phones(&a), phones(&b));
        assert_ne!(phones(&a), phones(&c));
        assert!(
            a.records("Contact")
                .iter()
                .all(|r| r.get("AccountId").is_string())
        );
    }
}
