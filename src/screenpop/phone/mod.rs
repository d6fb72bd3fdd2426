//! A caller's number (ANI) in every form a person may have typed it into Salesforce.
//!
//! [`read_ani`] is the entry point: a pure function of the text the contact center delivered,
//! the region given by the user (`--region`, else `CRMCTL_REGION`) and the region of the
//! locale (see `env.rs`). It never touches the environment and needs no extra thread:
//! libphonenumber's metadata is compiled into tables at build time (build.rs), and
//! E.164, `00`-style and most national input is read without running a regex; only
//! the odd pattern (Australia's international prefix, say) is compiled, lazily, for one region.

mod ani;
mod number;
mod tables;
#[cfg(test)]
mod tests;

use std::fmt;
use std::str::FromStr;

use number::{Length, Source};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhoneError {
    BadRegion(String),
    /// The text holds no digit at all (and is not a withheld caller).
    NoDigits,
    /// Letters that are no extension label and too few for a vanity number.
    Letters,
    /// Longer than any caller id: refused before anything is searched.
    TooLong(TooLong),
}

/// What made a caller id too long to be one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TooLong {
    /// More than [`MAX_ANI_CHARS`] characters of text.
    Text(usize),
    /// More than [`MAX_DIALLED_DIGITS`] digits in the number.
    Digits(usize),
    /// More than [`MAX_EXTENSION_DIGITS`] digits in the extension.
    Extension(usize),
}

/// The longest caller id text read, as libphonenumber's `MAX_INPUT_STRING_LENGTH`
/// (PhoneNumberUtil.java): a SIP URI with a display name fits with room to spare.
pub const MAX_ANI_CHARS: usize = 250;

/// The most digits a dialled number can hold: E.164's 15 (ITU-T E.164, section 6.1)
/// after a dialling prefix of up to 5 (`0011` from Australia, `00444` from Colombia,
/// a trunk `0` typed after the calling code).
pub const MAX_DIALLED_DIGITS: usize = 20;

/// The longest extension read, as libphonenumber's `EXT_LIMIT_AFTER_EXPLICIT_LABEL`.
pub const MAX_EXTENSION_DIGITS: usize = 20;

/// Codes people type for a region that ISO 3166 spells otherwise: the United
/// Kingdom is GB (UK is reserved), Greece is GR (EL is the EU's code).
fn region_alias(code: &str) -> Option<&'static str> {
    match code.trim().to_ascii_uppercase().as_str() {
        "UK" => Some("GB"),
        "EL" => Some("GR"),
        _ => None,
    }
}

impl fmt::Display for PhoneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PhoneError::BadRegion(r) => {
                write!(
                    f,
                    "`{r}` is not a known region code (two letters, such as NL, US or GB)"
                )?;
                match region_alias(r) {
                    Some(code) => write!(f, "; did you mean {code}?"),
                    None => Ok(()),
                }
            }
            PhoneError::NoDigits => write!(f, "not a phone number (it holds no digits)"),
            PhoneError::Letters => write!(
                f,
                "it holds letters that are neither an extension (`x12`, `ext. 12`) nor a number spelt on the keypad (three or more letters, as 1-800-FLOWERS): type the digits"
            ),
            PhoneError::TooLong(TooLong::Text(n)) => write!(
                f,
                "{n} characters is longer than any caller id (at most {MAX_ANI_CHARS})"
            ),
            PhoneError::TooLong(TooLong::Digits(n)) => write!(
                f,
                "{n} digits is longer than any phone number (at most {MAX_DIALLED_DIGITS}: E.164's 15 and a dialling prefix)"
            ),
            PhoneError::TooLong(TooLong::Extension(n)) => write!(
                f,
                "an extension of {n} digits is longer than any (at most {MAX_EXTENSION_DIGITS})"
            ),
        }
    }
}

impl std::error::Error for PhoneError {}

/// A region (ISO 3166 code) libphonenumber has metadata for.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Region(u16);

impl Region {
    /// `nl`, ` NL ` and `NL` are the same region; anything unknown is [`PhoneError::BadRegion`].
    pub fn parse(code: &str) -> Result<Region, PhoneError> {
        let upper = code.trim().to_ascii_uppercase();
        tables::region_by_id(&upper)
            .map(Region)
            .ok_or_else(|| PhoneError::BadRegion(code.to_string()))
    }

    /// The region of a POSIX locale name: `nl_NL.UTF-8` and `de_DE@euro` give NL and DE;
    /// `C`, `POSIX`, `en` (no territory) and unknown territories give none.
    pub fn from_locale(locale: &str) -> Option<Region> {
        let name = locale.split(['.', '@']).next()?;
        let (_, territory) = name.split_once(['_', '-'])?;
        if territory.len() != 2 || !territory.bytes().all(|b| b.is_ascii_alphabetic()) {
            return None;
        }
        Region::parse(territory).ok()
    }

    pub fn code(self) -> &'static str {
        tables::region(self.0).id
    }

    pub fn calling_code(self) -> u16 {
        tables::region(self.0).cc
    }

    /// What is dialled from this region before a calling code (`00`, `011`, `0011`, `010`).
    pub fn international_prefix(self) -> Option<&'static str> {
        let meta = tables::region(self.0);
        meta.preferred_idd
            .or_else(|| meta.idd.as_ref().and_then(|p| p.literals?.first().copied()))
    }
}

impl FromStr for Region {
    type Err = PhoneError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Region::parse(s)
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl serde::Serialize for Region {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl fmt::Debug for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Region({})", self.code())
    }
}

/// The forms to search, digits only, most specific first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneForms {
    pub e164: String,
    pub forms: Vec<String>,
}

/// International digits (31201234567), national with the trunk prefix (0201234567),
/// national significant number (201234567), and with the `00` international prefix
/// (0031201234567). The trunk prefix is the calling code's, which all its regions share,
/// so it is kept even where no single region can be picked (+44 7700 900123 -> 07700900123).
fn forms_of(cc: u16, nsn: &str) -> PhoneForms {
    let trunk = tables::trunk_prefix(cc).unwrap_or("");
    let mut forms = vec![
        format!("{cc}{nsn}"),
        format!("{trunk}{nsn}"),
        nsn.to_string(),
        format!("00{cc}{nsn}"),
    ];
    let mut seen = std::collections::HashSet::new();
    forms.retain(|f| f.len() >= 2 && seen.insert(f.clone()));
    PhoneForms {
        e164: format!("+{cc}{nsn}"),
        forms,
    }
}

/// The trunk prefix of a calling code's national numbers (`0` for 31), if it has one.
pub fn trunk_prefix(calling_code: u16) -> Option<&'static str> {
    tables::trunk_prefix(calling_code)
}

/// What a caller id turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ani {
    Number(Number),
    /// The caller withheld the number (`anonymous`, `restricted`, empty, ...).
    Withheld,
    /// Not readable as a full number: search these digits exactly as typed.
    AsTyped {
        digits: String,
        reason: AsTypedReason,
        /// How the text was read before the digits were searched (a vanity number).
        notes: Vec<Note>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Number {
    pub forms: PhoneForms,
    pub read_as: ReadAs,
    /// An extension that came with the number; it is not searched.
    pub extension: Option<String>,
    /// Things worth telling the user about how the number was read.
    pub notes: Vec<Note>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadAs {
    /// `+`, or an international prefix, then the calling code: no region needed.
    International { calling_code: u16 },
    /// A national number of this region.
    National { region: Region, from: RegionFrom },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegionFrom {
    /// `--region` or `CRMCTL_REGION`.
    Given,
    /// `LC_ALL`, `LC_MESSAGES` or `LANG`.
    Locale,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// The number was read in the locale's region, which nobody named explicitly.
    RegionFromLocale(Region),
    /// The digits started with the region's international prefix (`011` from the US).
    InternationalPrefix {
        prefix: String,
        region: Region,
    },
    /// No region, or the number was not valid in it: `00` was read as the international prefix.
    ZeroZeroAsInternational,
    /// A national number that started with its own calling code (`31 20 ...` in NL).
    StartedWithCallingCode,
    ExtensionNotSearched(String),
    /// Keypad letters read as digits: the text as given, and the digits.
    Vanity {
        spelt: String,
        digits: String,
    },
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::RegionFromLocale(r) => write!(
                f,
                "read as a national number of {r}, the region of your locale (set --region or CRMCTL_REGION to choose another)"
            ),
            Note::InternationalPrefix { prefix, region } => write!(
                f,
                "read `{prefix}` as the international dialling prefix of {region}"
            ),
            Note::ZeroZeroAsInternational => {
                write!(f, "read `00` as the international dialling prefix")
            }
            Note::StartedWithCallingCode => {
                write!(f, "the number started with its own calling code")
            }
            Note::ExtensionNotSearched(e) => write!(f, "extension {e} is not searched"),
            Note::Vanity { spelt, digits } => write!(
                f,
                "read the letters of `{spelt}` as keypad digits: {digits}"
            ),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AsTypedReason {
    /// A national number, and no region from `--region`, `CRMCTL_REGION` or the locale.
    NoRegion,
    /// Not a valid number in the region it would be read in.
    NotValidIn(Region),
    /// Up to [`SHORT_EXTENSION_DIGITS`] digits: an internal extension.
    ShortExtension,
    /// `+` and a calling code no country has.
    UnknownCallingCode,
    /// Too short or too long for any number.
    NotANumber,
}

impl AsTypedReason {
    /// A stable identifier for `--json` and bulk rows.
    pub fn code(self) -> &'static str {
        match self {
            AsTypedReason::NoRegion => "no_region",
            AsTypedReason::NotValidIn(_) => "not_valid_in_region",
            AsTypedReason::ShortExtension => "short_extension",
            AsTypedReason::UnknownCallingCode => "unknown_calling_code",
            AsTypedReason::NotANumber => "not_a_number",
        }
    }
}

impl RegionFrom {
    /// `given` (`--region` or `CRMCTL_REGION`) or `locale`, for `--json`.
    pub fn code(self) -> &'static str {
        match self {
            RegionFrom::Given => "given",
            RegionFrom::Locale => "locale",
        }
    }
}

/// Numbers of at most this many digits, without `+`, are internal extensions.
pub const SHORT_EXTENSION_DIGITS: usize = 6;

impl fmt::Display for AsTypedReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self {
            AsTypedReason::NoRegion => {
                "a national number and no region (give --region, set CRMCTL_REGION, or use a locale such as nl_NL.UTF-8)".to_string()
            }
            AsTypedReason::NotValidIn(r) => format!("not a valid number in {r}"),
            AsTypedReason::ShortExtension => "a short internal extension".into(),
            AsTypedReason::UnknownCallingCode => "no country has this calling code".into(),
            AsTypedReason::NotANumber => "too short or too long for a phone number".into(),
        };
        write!(f, "{what}: searching the digits as typed")
    }
}

/// Reads a caller id as delivered (`+31 20 123 4567`, `sip:+31201234567@pbx;user=phone`,
/// `tel:+1-415-555-1212;ext=12`, `011 31 20 123 4567`, `020-1234567`, `2345`, `anonymous`).
///
/// National numbers are read in `region` (from `--region`, else `CRMCTL_REGION`), else in
/// `locale` (the locale's region); without either, or when the number is not valid there,
/// the digits are searched as typed. The only error is text with no digits that is not a
/// withheld caller, and text longer than any caller id ([`TooLong`]).
pub fn read_ani(
    input: &str,
    region: Option<Region>,
    locale: Option<Region>,
) -> Result<Ani, PhoneError> {
    let chars = input.trim().chars().count();
    if chars > MAX_ANI_CHARS {
        return Err(PhoneError::TooLong(TooLong::Text(chars)));
    }
    let dialled = match ani::clean(input) {
        ani::Cleaned::Withheld => return Ok(Ani::Withheld),
        ani::Cleaned::NoDigits => return Err(PhoneError::NoDigits),
        ani::Cleaned::Letters => return Err(PhoneError::Letters),
        ani::Cleaned::Dialled(d) => d,
    };
    if dialled.digits.len() > MAX_DIALLED_DIGITS {
        return Err(PhoneError::TooLong(TooLong::Digits(dialled.digits.len())));
    }
    if let Some(e) = dialled
        .extension
        .as_ref()
        .filter(|e| e.len() > MAX_EXTENSION_DIGITS)
    {
        return Err(PhoneError::TooLong(TooLong::Extension(e.len())));
    }
    let mut notes = Vec::new();
    if let Some(spelt) = &dialled.vanity {
        let digits = if dialled.plus {
            format!("+{}", dialled.digits)
        } else {
            dialled.digits.clone()
        };
        notes.push(Note::Vanity {
            spelt: spelt.clone(),
            digits,
        });
    }
    if let Some(e) = &dialled.extension {
        notes.push(Note::ExtensionNotSearched(e.clone()));
    }
    let number = |parsed: number::Parsed, read_as: ReadAs, notes: Vec<Note>| {
        Ani::Number(Number {
            forms: forms_of(parsed.cc, &parsed.nsn),
            read_as,
            extension: dialled.extension.clone(),
            notes,
        })
    };
    let vanity_notes: Vec<Note> = notes
        .iter()
        .filter(|n| matches!(n, Note::Vanity { .. }))
        .cloned()
        .collect();
    let as_typed = |reason| Ani::AsTyped {
        digits: dialled.digits.clone(),
        reason,
        notes: vanity_notes.clone(),
    };
    let digits = dialled.digits.as_str();

    if dialled.plus {
        return Ok(match number::parse(&format!("+{digits}"), None) {
            Ok(p) => {
                let calling_code = p.cc;
                number(p, ReadAs::International { calling_code }, notes)
            }
            Err(number::Fail::InvalidCountryCode) => as_typed(AsTypedReason::UnknownCallingCode),
            Err(_) => as_typed(AsTypedReason::NotANumber),
        });
    }
    if digits.len() <= SHORT_EXTENSION_DIGITS {
        return Ok(as_typed(AsTypedReason::ShortExtension));
    }
    // `00` and a calling code, when the region does not say otherwise.
    let zero_zero = |mut notes: Vec<Note>| {
        let rest = digits.strip_prefix("00").filter(|r| !r.starts_with('0'))?;
        let p = number::parse(&format!("+{rest}"), None).ok()?;
        notes.push(Note::ZeroZeroAsInternational);
        let calling_code = p.cc;
        Some(number(p, ReadAs::International { calling_code }, notes))
    };
    let (chosen, from) = match (region, locale) {
        (Some(r), _) => (r, RegionFrom::Given),
        (None, Some(r)) => (r, RegionFrom::Locale),
        (None, None) => {
            return Ok(zero_zero(notes).unwrap_or_else(|| as_typed(AsTypedReason::NoRegion)));
        }
    };
    let parsed = number::parse(digits, Some(chosen.0));
    match parsed {
        Ok(p) if p.source == Source::Idd => {
            notes.push(Note::InternationalPrefix {
                prefix: digits[..p.idd_len].to_string(),
                region: chosen,
            });
            let calling_code = p.cc;
            Ok(number(p, ReadAs::International { calling_code }, notes))
        }
        Ok(p) if valid_national(&p) => {
            if p.source == Source::Number {
                notes.push(Note::StartedWithCallingCode);
            }
            if from == RegionFrom::Locale {
                notes.push(Note::RegionFromLocale(chosen));
            }
            let read_as = ReadAs::National {
                region: chosen,
                from,
            };
            Ok(number(p, read_as, notes))
        }
        _ => Ok(zero_zero(notes).unwrap_or_else(|| as_typed(AsTypedReason::NotValidIn(chosen)))),
    }
}

/// A possible length for the region, and digits its numbers can start with. Deliberately
/// no pattern match, so that national numbers stay on the regex-free path.
fn valid_national(p: &number::Parsed) -> bool {
    number::test_length(p.rules, &p.nsn) == Length::Possible
        && tables::region(p.rules).general.may_match_whole(&p.nsn)
}

/// How many metadata regexes this thread has run (for the benchmark and tests).
#[doc(hidden)]
pub fn regex_runs() -> u64 {
    tables::regex_runs()
}
