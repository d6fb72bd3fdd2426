//! Compiles libphonenumber's metadata (data/phonenumber/) into Rust tables, so that reading a
//! caller's number needs no XML, no decompression and, on the common paths, no regex at run time.
//!
//! For every pattern the tables also carry what can be decided without running it: the digits a
//! match can start with, whether it can match the empty string, its shortest and longest match,
//! and whether it is a plain literal (`0`, `00`, `011`). src/screenpop/phone/ uses those to skip
//! the regex whenever the answer is already known, and compiles one region's patterns lazily
//! otherwise.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{BufReader, Read};
use std::path::PathBuf;

use quick_xml::events::Event;
use quick_xml::{Reader, XmlVersion};
use regex_syntax::hir::{Class, Hir, HirKind};

const METADATA: &str = "data/phonenumber/PhoneNumberMetadata.xml.gz";

/// The number-type descriptions whose lengths make up a region's possible lengths, as
/// libphonenumber's own build tool computes them (every type except noInternationalDialling).
const TYPES: &[&str] = &[
    "fixedLine",
    "mobile",
    "tollFree",
    "premiumRate",
    "sharedCost",
    "personalNumber",
    "voip",
    "pager",
    "uan",
    "voicemail",
];

#[derive(Default)]
struct Territory {
    id: String,
    cc: u16,
    main: bool,
    idd: Option<String>,
    preferred_idd: Option<String>,
    national_prefix: Option<String>,
    npfp: Option<String>,
    transform: Option<String>,
    general: Option<String>,
    lengths: Vec<u8>,
    local_lengths: Vec<u8>,
}

fn main() {
    println!("cargo:rerun-if-changed={METADATA}");
    println!("cargo:rerun-if-changed=build.rs");
    let gz = std::fs::File::open(METADATA).unwrap_or_else(|e| panic!("{METADATA}: {e}"));
    let mut xml = String::new();
    flate2::read::GzDecoder::new(BufReader::new(gz))
        .read_to_string(&mut xml)
        .unwrap_or_else(|e| panic!("{METADATA}: {e}"));
    let territories = parse(&xml);
    assert!(territories.len() > 200, "{METADATA}: too few territories");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR")).join("phone_tables.rs");
    std::fs::write(&out, generate(&territories)).unwrap_or_else(|e| panic!("{out:?}: {e}"));
}

fn strip_ws(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn lengths(value: &str, into: &mut Vec<u8>) {
    for part in value.split(',').map(str::trim) {
        if let Some(range) = part.strip_prefix('[').and_then(|p| p.strip_suffix(']')) {
            let (a, b) = range.split_once('-').expect("length range");
            let (a, b): (u8, u8) = (a.parse().expect("length"), b.parse().expect("length"));
            into.extend(a..=b);
        } else if part != "-1" {
            into.push(part.parse().expect("length"));
        }
    }
}

fn parse(xml: &str) -> Vec<Territory> {
    let mut reader = Reader::from_str(xml);
    let mut out = Vec::new();
    let mut cur: Option<Territory> = None;
    // Which description we are in (generalDesc, fixedLine, ...), and whether inside
    // availableFormats (whose patterns are for formatting, not wanted here).
    let mut desc: Option<String> = None;
    let mut in_formats = 0usize;
    let mut in_pattern = false;
    let mut text = String::new();
    loop {
        let event = reader.read_event().expect("metadata XML");
        match event {
            Event::Start(e) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                match name.as_str() {
                    "territory" => {
                        let mut t = Territory::default();
                        for a in e.attributes() {
                            let a = a.expect("attribute");
                            let v = a
                                .normalized_value(XmlVersion::Implicit1_0)
                                .expect("attribute value")
                                .into_owned();
                            match a.key.as_ref() {
                                b"id" => t.id = v,
                                b"countryCode" => t.cc = v.parse().expect("countryCode"),
                                b"mainCountryForCode" => t.main = v == "true",
                                b"internationalPrefix" => t.idd = Some(strip_ws(&v)),
                                b"preferredInternationalPrefix" => t.preferred_idd = Some(v),
                                b"nationalPrefix" => t.national_prefix = Some(v),
                                b"nationalPrefixForParsing" => t.npfp = Some(strip_ws(&v)),
                                b"nationalPrefixTransformRule" => t.transform = Some(strip_ws(&v)),
                                _ => {}
                            }
                        }
                        cur = Some(t);
                    }
                    "availableFormats" | "intlNumberFormat" | "numberFormat" => in_formats += 1,
                    "nationalNumberPattern" if in_formats == 0 && desc.is_some() => {
                        in_pattern = true;
                        text.clear();
                    }
                    n if in_formats == 0 && (n == "generalDesc" || TYPES.contains(&n)) => {
                        desc = Some(name);
                    }
                    _ => {}
                }
            }
            Event::Empty(e) if e.name().as_ref() == b"possibleLengths" && in_formats == 0 => {
                let (Some(t), Some(d)) = (cur.as_mut(), desc.as_deref()) else {
                    continue;
                };
                if !TYPES.contains(&d) {
                    continue;
                }
                for a in e.attributes() {
                    let a = a.expect("attribute");
                    let v = a
                        .normalized_value(XmlVersion::Implicit1_0)
                        .expect("attribute value");
                    match a.key.as_ref() {
                        b"national" => lengths(&v, &mut t.lengths),
                        b"localOnly" => lengths(&v, &mut t.local_lengths),
                        _ => {}
                    }
                }
            }
            Event::Text(t) if in_pattern => text.push_str(&t.decode().expect("pattern text")),
            Event::End(e) => match e.name().as_ref() {
                b"territory" => {
                    let mut t = cur.take().expect("territory end");
                    t.lengths.sort_unstable();
                    t.lengths.dedup();
                    t.local_lengths.sort_unstable();
                    t.local_lengths.dedup();
                    let national = t.lengths.clone();
                    t.local_lengths.retain(|l| !national.contains(l));
                    assert!(t.general.is_some(), "{}: no generalDesc", t.id);
                    out.push(t);
                }
                b"availableFormats" | b"intlNumberFormat" | b"numberFormat" => in_formats -= 1,
                b"nationalNumberPattern" if in_pattern => {
                    in_pattern = false;
                    if let (Some("generalDesc"), Some(t)) = (desc.as_deref(), cur.as_mut()) {
                        t.general = Some(strip_ws(&text));
                    }
                }
                n if desc.as_deref().map(str::as_bytes) == Some(n) => desc = None,
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

/// What can be known about a pattern without running it.
struct Facts {
    /// Bit d set: a match can start with digit d; bit 10: with something else.
    first: u16,
    nullable: bool,
    min: usize,
    max: Option<usize>,
    /// The pattern is exactly these alternatives, in the order a backtracking matcher tries
    /// them (so the first that starts a text is the match); none if too many or not finite.
    literals: Option<Vec<String>>,
}

/// Every string the pattern matches, in priority order, if there are few (no look-arounds).
fn expand(h: &Hir) -> Option<Vec<String>> {
    const LIMIT: usize = 256;
    let product = |a: Vec<String>, b: &[String]| -> Option<Vec<String>> {
        if a.len() * b.len() > LIMIT {
            return None;
        }
        Some(
            a.iter()
                .flat_map(|x| b.iter().map(move |y| format!("{x}{y}")))
                .collect(),
        )
    };
    let out = match h.kind() {
        HirKind::Empty => vec![String::new()],
        HirKind::Literal(l) => vec![String::from_utf8(l.0.to_vec()).ok()?],
        HirKind::Class(Class::Bytes(c)) => {
            let mut v = Vec::new();
            for r in c.ranges() {
                for b in r.start()..=r.end() {
                    v.push(char::from(b).to_string());
                    if v.len() > LIMIT {
                        return None;
                    }
                }
            }
            v
        }
        HirKind::Class(Class::Unicode(c)) => {
            let mut v = Vec::new();
            for r in c.ranges() {
                for ch in r.start()..=r.end() {
                    v.push(ch.to_string());
                    if v.len() > LIMIT {
                        return None;
                    }
                }
            }
            v
        }
        HirKind::Look(_) => return None,
        HirKind::Capture(c) => expand(&c.sub)?,
        HirKind::Concat(parts) => {
            let mut acc = vec![String::new()];
            for p in parts {
                acc = product(acc, &expand(p)?)?;
            }
            acc
        }
        HirKind::Alternation(alts) => {
            let mut v = Vec::new();
            for a in alts {
                v.extend(expand(a)?);
            }
            v
        }
        HirKind::Repetition(r) => {
            let sub = expand(&r.sub)?;
            // x{min,max} is x^min then (x(x(...)?)?)? : the order a backtracking matcher tries.
            fn rep(sub: &[String], min: u32, max: u32, greedy: bool) -> Option<Vec<String>> {
                if min > 0 {
                    let rest = rep(sub, min - 1, max - 1, greedy)?;
                    return (sub.len() * rest.len() <= 256).then(|| {
                        sub.iter()
                            .flat_map(|x| rest.iter().map(move |y| format!("{x}{y}")))
                            .collect()
                    });
                }
                if max == 0 {
                    return Some(vec![String::new()]);
                }
                let more = rep(sub, 1, max, greedy)?;
                Some(if greedy {
                    more.into_iter().chain([String::new()]).collect()
                } else {
                    [String::new()].into_iter().chain(more).collect()
                })
            }
            rep(&sub, r.min, r.max?.min(16), r.greedy)?
        }
    };
    (out.len() <= LIMIT).then_some(out)
}

fn first(h: &Hir) -> (u16, bool) {
    let bits = |lo: u32, hi: u32| {
        let mut m = 0u16;
        for d in 0..10u32 {
            if (lo..=hi).contains(&(u32::from(b'0') + d)) {
                m |= 1 << d;
            }
        }
        if lo < u32::from(b'0') || hi > u32::from(b'9') {
            m |= 1 << 10;
        }
        m
    };
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => (0, true),
        HirKind::Literal(l) => match l.0.first() {
            Some(b) => (bits(u32::from(*b), u32::from(*b)), false),
            None => (0, true),
        },
        HirKind::Class(Class::Unicode(c)) => (
            c.ranges()
                .iter()
                .fold(0, |m, r| m | bits(r.start() as u32, r.end() as u32)),
            false,
        ),
        HirKind::Class(Class::Bytes(c)) => (
            c.ranges()
                .iter()
                .fold(0, |m, r| m | bits(u32::from(r.start()), u32::from(r.end()))),
            false,
        ),
        HirKind::Repetition(r) => {
            let (m, n) = first(&r.sub);
            (m, n || r.min == 0)
        }
        HirKind::Capture(c) => first(&c.sub),
        HirKind::Concat(v) => {
            let mut m = 0;
            for h in v {
                let (a, n) = first(h);
                m |= a;
                if !n {
                    return (m, false);
                }
            }
            (m, true)
        }
        HirKind::Alternation(v) => v.iter().fold((0, false), |(m, n), h| {
            let (a, b) = first(h);
            (m | a, n || b)
        }),
    }
}

fn facts(pattern: &str) -> Facts {
    let hir = regex_syntax::ParserBuilder::new()
        .unicode(false)
        .build()
        .parse(pattern)
        .unwrap_or_else(|e| panic!("pattern {pattern}: {e}"));
    let (first, nullable) = first(&hir);
    let literals = expand(&hir);
    Facts {
        first,
        nullable,
        min: hir.properties().minimum_len().unwrap_or(0),
        max: hir.properties().maximum_len(),
        literals,
    }
}

/// `groups_matter`: the pattern's capture groups are used (a transform rule), so it must run.
fn pat(pattern: &str, groups_matter: bool) -> String {
    let f = facts(pattern);
    let literals = f.literals.filter(|_| !groups_matter).map(|l| {
        let quoted: Vec<String> = l.iter().map(|s| format!("{s:?}")).collect();
        format!("Some(&[{}])", quoted.join(", "))
    });
    format!(
        "Pat {{ src: {pattern:?}, literals: {}, first: {:#05x}, nullable: {}, min: {}, max: {} }}",
        literals.as_deref().unwrap_or("None"),
        f.first,
        f.nullable,
        f.min.min(255),
        f.max.map_or(255, |m| m.min(255)),
    )
}

fn opt_pat(pattern: Option<&str>, groups_matter: bool) -> String {
    match pattern.filter(|p| !p.is_empty()) {
        Some(p) => format!("Some({})", pat(p, groups_matter)),
        None => "None".into(),
    }
}

fn generate(ts: &[Territory]) -> String {
    let mut s = String::new();
    s.push_str("// Generated by build.rs from data/phonenumber/PhoneNumberMetadata.xml.gz. Do not edit.\n\n");
    writeln!(
        s,
        "pub(crate) static REGIONS: [RegionMeta; {}] = [",
        ts.len()
    )
    .ok();
    for t in ts {
        // As libphonenumber's build tool does: the prefix for parsing defaults to the trunk prefix.
        let npfp = t.npfp.clone().or_else(|| t.national_prefix.clone());
        writeln!(
            s,
            "    RegionMeta {{ id: {:?}, cc: {}, idd: {}, preferred_idd: {:?}, national_prefix: {:?}, npfp: {}, transform: {:?}, general: {}, lengths: &{:?}, local_lengths: &{:?} }},",
            t.id,
            t.cc,
            opt_pat(t.idd.as_deref(), false),
            t.preferred_idd.as_deref(),
            t.national_prefix.as_deref().filter(|p| !p.is_empty()),
            opt_pat(npfp.as_deref(), t.transform.is_some()),
            t.transform.as_deref().filter(|p| !p.is_empty()),
            pat(t.general.as_deref().unwrap_or_default(), true),
            t.lengths,
            t.local_lengths,
        )
        .ok();
    }
    s.push_str("];\n\n");

    // Calling code -> its regions, the main country first (as libphonenumber orders them).
    let mut by_cc: BTreeMap<u16, Vec<usize>> = BTreeMap::new();
    for (i, t) in ts.iter().enumerate() {
        let list = by_cc.entry(t.cc).or_default();
        if t.main {
            list.insert(0, i);
        } else {
            list.push(i);
        }
    }
    for (cc, list) in &by_cc {
        let prefixes: Vec<_> = list.iter().map(|&i| &ts[i].national_prefix).collect();
        assert!(
            prefixes.windows(2).all(|w| w[0] == w[1]),
            "+{cc}: regions disagree on the trunk prefix; the forms would need one per region"
        );
    }
    writeln!(
        s,
        "pub(super) static CODES: [(u16, &[u16]); {}] = [",
        by_cc.len()
    )
    .ok();
    for (cc, list) in &by_cc {
        writeln!(s, "    ({cc}, &{list:?}),").ok();
    }
    s.push_str("];\n\n");

    // Region id -> index, sorted for a binary search; the non-geographic "001" entities
    // are reached by calling code only.
    let mut ids: Vec<(&str, usize)> = ts
        .iter()
        .enumerate()
        .filter(|(_, t)| t.id != "001")
        .map(|(i, t)| (t.id.as_str(), i))
        .collect();
    ids.sort_unstable();
    writeln!(s, "pub(super) static IDS: [(&str, u16); {}] = [", ids.len()).ok();
    for (id, i) in ids {
        writeln!(s, "    ({id:?}, {i}),").ok();
    }
    s.push_str("];\n");
    s
}
