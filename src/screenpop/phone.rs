//! A caller's number (ANI) in every form a person may have typed it into Salesforce.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::{Arc, Mutex, OnceLock};

use phonenumber::country;
use phonenumber::metadata::{Database, loader};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhoneError {
    /// A national number and no region to read it in.
    NeedsRegion,
    BadRegion(String),
    Unparseable(String),
}

impl std::fmt::Display for PhoneError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PhoneError::NeedsRegion => write!(
                f,
                "this is a national number: say which country it belongs to"
            ),
            PhoneError::BadRegion(r) => write!(
                f,
                "`{r}` is not a two-letter region code such as NL, US or GB"
            ),
            PhoneError::Unparseable(e) => write!(f, "not a phone number ({e})"),
        }
    }
}

/// The forms to search, digits only, most specific first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneForms {
    pub e164: String,
    pub forms: Vec<String>,
}

pub fn parse_region(region: &str) -> Result<country::Id, PhoneError> {
    country::Id::from_str(&region.trim().to_ascii_uppercase())
        .map_err(|_| PhoneError::BadRegion(region.to_string()))
}

/// libphonenumber's metadata, loaded once per process (about 10 ms) with the crate's
/// own loader; see data/phonenumber/README.md for why not the crate's database.
fn all_metadata() -> &'static [loader::Metadata] {
    static ALL: OnceLock<Vec<loader::Metadata>> = OnceLock::new();
    ALL.get_or_init(|| {
        let xml = flate2::read::GzDecoder::new(METADATA_XML_GZ);
        loader::load(std::io::BufReader::new(xml)).unwrap_or_default()
    })
}

static METADATA_XML_GZ: &[u8] = include_bytes!("../../data/phonenumber/PhoneNumberMetadata.xml.gz");

/// A database holding only the regions of one country calling code, built once per
/// process and code (bulk runs look up many numbers of the same countries).
fn database_for(code: u16) -> Option<Arc<Database>> {
    static CACHE: OnceLock<Mutex<HashMap<u16, Arc<Database>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(db) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(&code) {
        return Some(db.clone());
    }
    let regions: Vec<loader::Metadata> = all_metadata()
        .iter()
        .filter(|m| m.country_code == Some(code))
        .cloned()
        .collect();
    if regions.is_empty() {
        return None;
    }
    let db = Arc::new(Database::from(regions).ok()?);
    cache
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(code, db.clone());
    Some(db)
}

/// The calling code that starts these digits (calling codes are prefix-free).
fn calling_code(digits: &str) -> Option<u16> {
    (1..=3)
        .filter_map(|n| digits.get(..n)?.parse::<u16>().ok())
        .find(|cc| all_metadata().iter().any(|m| m.country_code == Some(*cc)))
}

/// Checks that need no metadata, so a bad value is refused before any request.
pub fn precheck(input: &str, region: Option<&str>) -> Result<(), PhoneError> {
    let trimmed = input.trim();
    if let Some(r) = region {
        parse_region(r)?;
    }
    if !trimmed.bytes().any(|b| b.is_ascii_digit()) {
        return Err(PhoneError::Unparseable("it holds no digits".into()));
    }
    if !trimmed.starts_with('+') && !trimmed.starts_with("00") && region.is_none() {
        return Err(PhoneError::NeedsRegion);
    }
    Ok(())
}

/// International digits (31201234567), national with trunk prefix (0201234567),
/// national significant number (201234567), and with the `00` international
/// prefix (0031201234567). E.164 input needs no region.
pub fn forms(input: &str, region: Option<&str>) -> Result<PhoneForms, PhoneError> {
    precheck(input, region)?;
    let trimmed = input.trim();
    let international = trimmed
        .strip_prefix('+')
        .or_else(|| trimmed.strip_prefix("00"));
    let unparseable = |e: String| PhoneError::Unparseable(e);
    let (db, number) = match international {
        Some(rest) => {
            let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
            let cc = calling_code(&digits)
                .ok_or_else(|| unparseable("no country has this calling code".into()))?;
            let db = database_for(cc)
                .ok_or_else(|| unparseable("no metadata for this calling code".into()))?;
            let n = phonenumber::parse_with(&db, None, format!("+{rest}"))
                .map_err(|e| unparseable(e.to_string()))?;
            (db, n)
        }
        None => {
            let id = parse_region(region.unwrap_or_default())?;
            let code = all_metadata()
                .iter()
                .find(|m| m.id.as_deref() == Some(id.as_ref()))
                .and_then(|m| m.country_code)
                .ok_or_else(|| PhoneError::BadRegion(region.unwrap_or_default().to_string()))?;
            let db = database_for(code)
                .ok_or_else(|| unparseable("no metadata for this region".into()))?;
            let n = phonenumber::parse_with(&db, Some(id), trimmed)
                .map_err(|e| unparseable(e.to_string()))?;
            (db, n)
        }
    };
    let cc = number.code().value().to_string();
    let nsn = number.national().to_string();
    let trunk = number
        .metadata(&db)
        .and_then(|m| m.national_prefix())
        .unwrap_or("")
        .to_string();
    let mut forms = vec![
        format!("{cc}{nsn}"),
        format!("{trunk}{nsn}"),
        nsn.clone(),
        format!("00{cc}{nsn}"),
    ];
    let mut seen = std::collections::HashSet::new();
    forms.retain(|f| f.len() >= 2 && seen.insert(f.clone()));
    Ok(PhoneForms {
        e164: format!("+{cc}{nsn}"),
        forms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amsterdam_number_in_all_its_forms() {
        let f = forms("+31 20 123 4567", None).expect("e164");
        assert_eq!(f.e164, "+31201234567");
        assert_eq!(
            f.forms,
            ["31201234567", "0201234567", "201234567", "0031201234567"]
        );
        assert_eq!(forms("020-1234567", Some("nl")).expect("national"), f);
        assert_eq!(forms("0031 20 123 4567", None).expect("00 prefix"), f);
    }

    #[test]
    fn nanp_numbers_have_no_separate_trunk_form() {
        let f = forms("(415) 555-1212", Some("US")).expect("us");
        assert_eq!(f.e164, "+14155551212");
        assert_eq!(f.forms, ["14155551212", "4155551212", "0014155551212"]);
    }

    /// The per-country databases give what the crate's full database gives.
    #[test]
    fn same_answers_as_the_crates_own_database() {
        let samples = [
            ("+31 20 123 4567", None),
            ("020-1234567", Some("NL")),
            ("06-12345678", Some("NL")),
            ("(415) 555-1212", Some("US")),
            ("+44 20 7946 0958", None),
            ("07700 900123", Some("GB")),
            ("0049 30 1234567", None),
            ("030 1234567", Some("DE")),
            ("+33 1 42 68 53 00", None),
            ("+61 2 9374 4000", None),
            ("0412 345 678", Some("AU")),
            ("+81 3-1234-5678", None),
            ("+32 2 555 12 34", None),
            ("+39 06 1234 5678", None),
            ("+1 416 555 0100", None),
            ("+352 12 34 56", None),
        ];
        for (input, region) in samples {
            let ours = forms(input, region).expect(input);
            let full = match region {
                Some(r) => phonenumber::parse(Some(parse_region(r).expect("region")), input),
                None => phonenumber::parse(
                    None,
                    input.replacen("00", "+", usize::from(input.starts_with("00"))),
                ),
            }
            .expect(input);
            let trunk = full
                .metadata(&phonenumber::metadata::DATABASE)
                .and_then(|m| m.national_prefix())
                .unwrap_or("")
                .to_string();
            assert_eq!(
                ours.e164,
                format!("+{}{}", full.code().value(), full.national()),
                "{input}"
            );
            assert!(
                ours.forms.contains(&format!("{trunk}{}", full.national())),
                "{input}: {:?}",
                ours.forms
            );
        }
    }

    #[test]
    fn national_numbers_need_a_region() {
        assert_eq!(
            forms("020-1234567", None).unwrap_err(),
            PhoneError::NeedsRegion
        );
        assert!(matches!(
            forms("020-1234567", Some("XX")).unwrap_err(),
            PhoneError::BadRegion(_)
        ));
        assert!(matches!(
            forms("+", None).unwrap_err(),
            PhoneError::Unparseable(_)
        ));
    }
}
