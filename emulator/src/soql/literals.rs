//! Literals: quoted strings and their escapes, LIKE patterns, numbers, dates and
//! date-times (normalised to UTC).

use super::ast::{LikeTok, Literal};

pub(crate) fn parse_num_or_date(s: &str) -> Option<Literal> {
    let b = s.as_bytes();
    let is_date =
        b.len() >= 10 && b[4] == b'-' && b[7] == b'-' && b[..4].iter().all(u8::is_ascii_digit);
    if is_date && b.len() == 10 {
        return Some(Literal::Date(s.to_string()));
    }
    if is_date && b.len() >= 20 && b[10] == b'T' {
        // 2026-01-01T00:00:00Z, ...+01:00, with optional fraction; kept as UTC text.
        let core = &s[..19];
        let tz = s[19..].trim_start_matches(|c: char| c == '.' || c.is_ascii_digit());
        if tz == "Z" || tz == "+00:00" || tz == "-00:00" {
            return Some(Literal::DateTime(core.to_string()));
        }
        if tz.len() == 6 && (tz.starts_with('+') || tz.starts_with('-')) {
            return Some(Literal::DateTime(shift_utc(core, tz)?));
        }
        return None;
    }
    s.parse::<f64>().ok().map(Literal::Num)
}

/// Converts a local `YYYY-MM-DDTHH:MM:SS` with offset `+HH:MM` to UTC text.
fn shift_utc(core: &str, tz: &str) -> Option<String> {
    let num = |r: std::ops::Range<usize>, s: &str| s.get(r)?.parse::<i64>().ok();
    let (y, mo, d) = (num(0..4, core)?, num(5..7, core)?, num(8..10, core)?);
    let (h, mi, se) = (num(11..13, core)?, num(14..16, core)?, num(17..19, core)?);
    let sign = if tz.starts_with('-') { -1 } else { 1 };
    let off = sign * (num(1..3, tz)? * 60 + num(4..6, tz)?);
    let days = days_from_civil(y, mo, d);
    let total = days * 1440 + h * 60 + mi - off;
    let (dd, m) = (total.div_euclid(1440), total.rem_euclid(1440));
    let (y, mo, d) = civil_from_days(dd);
    Some(format!(
        "{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{se:02}",
        m / 60,
        m % 60
    ))
}

pub(crate) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

pub(crate) fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn escape_char(c: char) -> Option<char> {
    Some(match c {
        'n' | 'N' => '\n',
        'r' | 'R' => '\r',
        't' | 'T' => '\t',
        'b' | 'B' => '\u{8}',
        'f' | 'F' => '\u{c}',
        '"' => '"',
        '\'' => '\'',
        '\\' => '\\',
        _ => return None,
    })
}

fn decode(raw: &str, like: bool) -> Result<Vec<LikeTok>, String> {
    let mut out = Vec::new();
    let mut chars = raw.chars();
    let bad = |seq: &str| {
        format!(
            "Invalid string literal '{raw}'. Illegal character sequence '\\{seq}' in string literal."
        )
    };
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let n = chars.next().ok_or_else(|| bad(""))?;
                if let Some(e) = escape_char(n) {
                    out.push(LikeTok::Char(e));
                } else if n == 'u' {
                    let hex: String = chars.by_ref().take(4).collect();
                    let cp = u32::from_str_radix(&hex, 16)
                        .ok()
                        .filter(|_| hex.len() == 4)
                        .ok_or_else(|| bad(&format!("u{hex}")))?;
                    out.push(LikeTok::Char(
                        char::from_u32(cp).ok_or_else(|| bad(&format!("u{hex}")))?,
                    ));
                } else if like && (n == '_' || n == '%') {
                    out.push(LikeTok::Char(n));
                } else {
                    return Err(bad(&n.to_string()));
                }
            }
            '%' if like => out.push(LikeTok::AnyMany),
            '_' if like => out.push(LikeTok::AnyOne),
            c => out.push(LikeTok::Char(c)),
        }
    }
    Ok(out)
}

/// Decodes a quoted literal (not a LIKE pattern): `\%` and `\_` are errors here.
pub fn decode_literal(raw: &str) -> Result<String, String> {
    decode(raw, false).map(|toks| {
        toks.into_iter()
            .map(|t| match t {
                LikeTok::Char(c) => c,
                _ => '?',
            })
            .collect()
    })
}

pub fn decode_like(raw: &str) -> Result<Vec<LikeTok>, String> {
    decode(raw, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetimes_normalise_to_utc() {
        assert_eq!(
            parse_num_or_date("2026-01-01T00:30:00+01:00"),
            Some(Literal::DateTime("2025-12-31T23:30:00".into()))
        );
        assert_eq!(
            parse_num_or_date("2026-01-01T00:30:00.000Z"),
            Some(Literal::DateTime("2026-01-01T00:30:00".into()))
        );
        assert_eq!(
            parse_num_or_date("2026-01-01"),
            Some(Literal::Date("2026-01-01".into()))
        );
        assert_eq!(parse_num_or_date("42"), Some(Literal::Num(42.0)));
    }
}
