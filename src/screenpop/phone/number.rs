//! libphonenumber's parse (PhoneNumberUtil.parseHelper) over the compiled tables: the
//! calling code, the national significant number (NSN), and how the digits were read.
//!
//! It follows the reference implementation step by step; see tests.rs for the comparison
//! with the `phonenumber` crate and the few places where it and the reference differ.

use super::tables::{self, general_matches, idd_len, national_prefix_match, region};

/// libphonenumber's MIN_LENGTH_FOR_NSN and MAX_LENGTH_FOR_NSN.
const MIN_NSN: usize = 2;
const MAX_NSN: usize = 17;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Source {
    /// `+` and the calling code.
    Plus,
    /// The default region's international prefix, then the calling code.
    Idd,
    /// A national number of the default region that started with its calling code.
    Number,
    /// A national number of the default region.
    Default,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Parsed {
    pub cc: u16,
    pub nsn: String,
    pub source: Source,
    /// The region whose rules read the national part.
    pub rules: u16,
    /// How many leading digits were the default region's international prefix.
    pub idd_len: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fail {
    NoRegion,
    InvalidCountryCode,
    TooShortAfterIdd,
    TooShortNsn,
    TooLong,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Length {
    Possible,
    LocalOnly,
    TooShort,
    Invalid,
    TooLong,
}

/// PhoneNumberUtil.testNumberLength for the region's general description.
pub(super) fn test_length(index: u16, nsn: &str) -> Length {
    let meta = region(index);
    let (Some(&min), Some(&max)) = (meta.lengths.first(), meta.lengths.last()) else {
        return Length::Invalid;
    };
    let n = nsn.len();
    if meta.local_lengths.iter().any(|&l| usize::from(l) == n) {
        Length::LocalOnly
    } else if n < usize::from(min) {
        Length::TooShort
    } else if n > usize::from(max) {
        Length::TooLong
    } else if meta.lengths.iter().any(|&l| usize::from(l) == n) {
        Length::Possible
    } else {
        Length::Invalid
    }
}

/// PhoneNumberUtil.maybeStripNationalPrefixAndCarrierCode: strips the trunk prefix (or
/// applies the region's transform rule) unless that turns a valid number into an invalid one.
pub(super) fn strip_national_prefix(index: u16, number: &mut String) -> bool {
    let Some(m) = national_prefix_match(index, number) else {
        return false;
    };
    let viable = general_matches(index, number);
    let result = match (m.transformed, &m.last_group) {
        (Some(t), Some(_)) => t + &number[m.end..],
        _ => number[m.end..].to_string(),
    };
    if viable && !general_matches(index, &result) {
        return false;
    }
    *number = result;
    true
}

/// Reads `number` (an optional leading `+`, then ASCII digits) in the default region.
pub(super) fn parse(number: &str, default: Option<u16>) -> Result<Parsed, Fail> {
    // maybeExtractCountryCode
    let (mut digits, mut source) = match number.strip_prefix('+') {
        Some(rest) => (rest, Source::Plus),
        None => (number, Source::Default),
    };
    // An international prefix counts only if a calling code (never starting with 0) follows.
    let mut idd = 0;
    if source == Source::Default
        && let Some(end) = default.and_then(|d| idd_len(d, digits))
        && !digits[end..].starts_with('0')
    {
        digits = &digits[end..];
        source = Source::Idd;
        idd = end;
    }
    let (cc, mut national) = if source != Source::Default {
        if digits.len() <= MIN_NSN {
            return Err(Fail::TooShortAfterIdd);
        }
        let (cc, rest) = tables::split_calling_code(digits).ok_or(Fail::InvalidCountryCode)?;
        (cc, rest.to_string())
    } else {
        let d = default.ok_or(Fail::NoRegion)?;
        let cc = region(d).cc;
        let code = cc.to_string();
        match digits.strip_prefix(code.as_str()) {
            Some(rest) => {
                let mut potential = rest.to_string();
                strip_national_prefix(d, &mut potential);
                if (!general_matches(d, digits) && general_matches(d, &potential))
                    || test_length(d, digits) == Length::TooLong
                {
                    source = Source::Number;
                    (cc, potential)
                } else {
                    (cc, digits.to_string())
                }
            }
            None => (cc, digits.to_string()),
        }
    };
    // parseHelper: a calling code read from the number is read by its main region's rules.
    let rules = match (source, default) {
        (Source::Default, Some(d)) => d,
        _ => *tables::regions_of(cc)
            .and_then(|r| r.first())
            .ok_or(Fail::InvalidCountryCode)?,
    };
    let mut potential = national.clone();
    strip_national_prefix(rules, &mut potential);
    if !matches!(
        test_length(rules, &potential),
        Length::TooShort | Length::LocalOnly | Length::Invalid
    ) {
        national = potential;
    }
    if national.len() < MIN_NSN {
        return Err(Fail::TooShortNsn);
    }
    if national.len() > MAX_NSN {
        return Err(Fail::TooLong);
    }
    Ok(Parsed {
        cc,
        nsn: national,
        source,
        rules,
        idd_len: idd,
    })
}
