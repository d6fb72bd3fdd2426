//! A caller id (ANI) as contact centers deliver it, reduced to what is dialled: SIP and tel
//! URIs, display names, extensions, visual separators and withheld callers.
//!
//! Hand-written: the SIP/tel grammar needed here is a few lines (scheme, user part before
//! `@`, `;` parameters, percent-escapes via the `percent-encoding` crate); a full SIP
//! parser would bring far more than it gives.

use std::borrow::Cow;

/// What a platform sends when the caller hides the number (compared case-insensitively).
const WITHHELD: &[&str] = &[
    "anonymous",
    "unknown",
    "restricted",
    "private",
    "withheld",
    "unavailable",
    "blocked",
    "no caller id",
    "private number",
    "unknown caller",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Cleaned {
    Withheld,
    NoDigits,
    /// Letters that are neither an extension label nor a vanity number: one or two
    /// letters (`+31 20 AB 4567`), or letters that are not on a phone keypad (`Ω`).
    Letters,
    Dialled(Dialled),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Dialled {
    /// The number started with `+` (or a tel URI's `phone-context=+...` gave one).
    pub plus: bool,
    /// ASCII digits, `+` and separators removed.
    pub digits: String,
    /// Digits of an extension (`;ext=12`, ` ext. 12`, ` x12`, `#12`), not searched.
    pub extension: Option<String>,
    /// The number was spelt with keypad letters (`1-800-FLOWERS`): the text as given,
    /// before the letters became digits.
    pub vanity: Option<String>,
}

/// A letter on a phone keypad (ITU E.161), as libphonenumber's `ALPHA_MAPPINGS`.
fn keypad(c: char) -> Option<char> {
    Some(match c.to_ascii_uppercase() {
        'A' | 'B' | 'C' => '2',
        'D' | 'E' | 'F' => '3',
        'G' | 'H' | 'I' => '4',
        'J' | 'K' | 'L' => '5',
        'M' | 'N' | 'O' => '6',
        'P' | 'Q' | 'R' | 'S' => '7',
        'T' | 'U' | 'V' => '8',
        'W' | 'X' | 'Y' | 'Z' => '9',
        _ => return None,
    })
}

/// Extension labels, longest first, as libphonenumber's extension patterns name them
/// (`ext`, `extn`, `extension`, `x`, `xtn`, `#`, `~`, and `,` or `;` for auto-dialling).
const EXTENSION_LABELS: &[&str] = &["extension", "extn", "ext", "xtn", "x", "#", "~", ",", ";"];

/// Splits `number` into the number and an extension: a label, then only separators and
/// digits (and an optional closing `#`) to the end. A label made of letters must not
/// follow a letter (`FAX 12` is no `x` label). Without one, no extension.
fn split_extension(number: &str) -> (&str, Option<String>) {
    let body = number
        .trim_end()
        .strip_suffix('#')
        .unwrap_or(number.trim_end());
    let digits_from = body
        .char_indices()
        .rev()
        .take_while(|(_, c)| digit(*c).is_some())
        .last()
        .map(|(i, _)| i);
    let Some(digits_from) = digits_from else {
        return (number, None);
    };
    let before = body[..digits_from].trim_end_matches([' ', '.', ':', '-', '=', '\t']);
    let lower = before.to_lowercase();
    for label in EXTENSION_LABELS {
        if let Some(cut) = lower.strip_suffix(label).map(str::len) {
            let preceding = before[..cut].chars().next_back();
            let letter_label = label.chars().all(char::is_alphabetic);
            if letter_label && preceding.is_some_and(char::is_alphabetic) {
                continue;
            }
            // `ext. 12`: the dot went with the separators above.
            let ext: String = body[digits_from..].chars().filter_map(digit).collect();
            return (before[..cut].trim_end(), Some(ext));
        }
    }
    (number, None)
}

fn is_withheld(text: &str) -> bool {
    let t = text.trim().trim_matches('"').trim();
    t.is_empty() || WITHHELD.iter().any(|w| t.eq_ignore_ascii_case(w))
}

/// A decimal digit in any of the scripts phones and spreadsheets produce.
fn digit(c: char) -> Option<char> {
    if c.is_ascii_digit() {
        return Some(c);
    }
    let zero = match c {
        '\u{FF10}'..='\u{FF19}' => '\u{FF10}', // fullwidth
        '\u{0660}'..='\u{0669}' => '\u{0660}', // Arabic-Indic
        '\u{06F0}'..='\u{06F9}' => '\u{06F0}', // Eastern Arabic-Indic
        '\u{0966}'..='\u{096F}' => '\u{0966}', // Devanagari
        _ => return None,
    };
    char::from_digit(c as u32 - zero as u32, 10)
}

fn percent_decoded(s: &str) -> Cow<'_, str> {
    percent_encoding::percent_decode_str(s).decode_utf8_lossy()
}

pub(super) fn clean(input: &str) -> Cleaned {
    let mut text = input.trim();
    if is_withheld(text) {
        return Cleaned::Withheld;
    }
    // `"Display Name" <sip:...>`: the address is in the angle brackets.
    if let (Some(open), Some(close)) = (text.find('<'), text.rfind('>'))
        && open < close
    {
        text = text[open + 1..close].trim();
    }
    let lower = text
        .get(..5)
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let scheme_len = ["sips:", "sip:", "tel:"]
        .iter()
        .find(|s| lower.starts_with(*s))
        .map(|s| s.len());
    let mut extension = None;
    let mut context = None;
    let number: Cow<'_, str> = match scheme_len {
        Some(n) => {
            let rest = &text[n..];
            let rest = rest.split('?').next().unwrap_or_default();
            // The user part is what comes before `@` (a tel URI has no host).
            let user = rest.split_once('@').map_or(rest, |(user, _)| user);
            let mut params = user.split(';');
            let number = percent_decoded(params.next().unwrap_or_default());
            for p in params {
                let (key, value) = p.split_once('=').unwrap_or((p, ""));
                if key.eq_ignore_ascii_case("ext") {
                    extension = Some(percent_decoded(value).into_owned());
                } else if key.eq_ignore_ascii_case("phone-context") {
                    context = Some(percent_decoded(value).into_owned());
                }
            }
            // `sip:anonymous@anonymous.invalid` (RFC 3323) and friends.
            if is_withheld(&number) {
                return Cleaned::Withheld;
            }
            number
        }
        None => Cow::Borrowed(text),
    };

    // Leading text that cannot start a number ("Tel:", "(") goes; an extension marker
    // (a letter, `#`, `,` or `;`) ends the number.
    let start = number
        .char_indices()
        .find(|(_, c)| *c == '+' || *c == '\u{FF0B}' || digit(*c).is_some())
        .map(|(i, _)| i);
    let Some(start) = start else {
        return Cleaned::NoDigits;
    };
    let number = &number[start..];
    let plus = number.starts_with(['+', '\u{FF0B}']);
    // An extension is a label and digits at the end; a letter is never a marker by
    // itself. `#`, `,` and `;` end the number wherever they are (pauses, DTMF).
    let (main, ext) = split_extension(number);
    let main = main.find(['#', ',', ';']).map_or(main, |i| &main[..i]);
    if ext.is_some() {
        extension = ext;
    }
    // Letters: three or more keypad letters are a vanity number, read as
    // libphonenumber reads them (`VALID_ALPHA_PHONE_PATTERN`, then `ALPHA_PHONE_MAPPINGS`);
    // fewer, or letters no keypad has, are refused rather than dropped.
    let letters = main.chars().filter(|c| c.is_alphabetic()).count();
    let vanity = if letters == 0 {
        None
    } else if letters >= 3
        && main
            .chars()
            .all(|c| !c.is_alphabetic() || keypad(c).is_some())
    {
        Some(main.trim().to_string())
    } else {
        return Cleaned::Letters;
    };
    let digits: String = main
        .chars()
        .filter_map(|c| digit(c).or_else(|| keypad(c)))
        .collect();
    let extension = extension
        .map(|e| e.chars().filter_map(digit).collect::<String>())
        .filter(|e| !e.is_empty());
    if digits.is_empty() {
        return Cleaned::NoDigits;
    }
    // RFC 3966: a local number whose phone-context is a global number is read after it.
    if let Some(ctx) = context.filter(|c| c.starts_with('+'))
        && !plus
    {
        let prefix: String = ctx.chars().filter_map(digit).collect();
        return Cleaned::Dialled(Dialled {
            plus: true,
            digits: prefix + &digits,
            extension,
            vanity,
        });
    }
    Cleaned::Dialled(Dialled {
        plus,
        digits,
        extension,
        vanity,
    })
}
