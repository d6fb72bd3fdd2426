//! A caller's number (ANI) in every form a person may have typed it into Salesforce.

use std::str::FromStr;

use phonenumber::country;

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

/// International digits (31201234567), national with trunk prefix (0201234567),
/// national significant number (201234567), and with the `00` international
/// prefix (0031201234567). E.164 input needs no region.
pub fn forms(input: &str, region: Option<&str>) -> Result<PhoneForms, PhoneError> {
    let trimmed = input.trim();
    let international = trimmed.starts_with('+');
    let region = region.map(parse_region).transpose()?;
    let number = match (international, region) {
        (true, _) => phonenumber::parse(None, trimmed),
        (false, Some(r)) => phonenumber::parse(Some(r), trimmed),
        (false, None) => {
            // `00` + country code is international too.
            match trimmed.strip_prefix("00") {
                Some(rest) => phonenumber::parse(None, format!("+{rest}")),
                None => return Err(PhoneError::NeedsRegion),
            }
        }
    }
    .map_err(|e| PhoneError::Unparseable(e.to_string()))?;
    let cc = number.code().value().to_string();
    let nsn = number.national().to_string();
    let trunk = number
        .metadata(&phonenumber::metadata::DATABASE)
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
