//! Literals: quoted strings and their escapes, LIKE patterns, numbers, dates and
//! date-times (normalised to UTC).

use super::ast::{LikeTok, Literal};
use crate::datetime::{civil_from_days, days_from_civil};

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
    let days = days_from_civil(y, mo, d)?;
    let total = days * 1440 + h * 60 + mi - off;
    let (dd, m) = (total.div_euclid(1440), total.rem_euclid(1440));
    let (y, mo, d) = civil_from_days(dd)?;
    Some(format!(
        "{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{se:02}",
        m / 60,
        m % 60
    ))
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

/// Days since 1970-01-01 of a stored `YYYY-MM-DD...` value.
pub fn day_of(value: &str) -> Option<i64> {
    let num = |r: std::ops::Range<usize>| value.get(r)?.parse::<i64>().ok();
    if value.as_bytes().get(4) != Some(&b'-') || value.as_bytes().get(7) != Some(&b'-') {
        return None;
    }
    days_from_civil(num(0..4)?, num(5..7)?, num(8..10)?)
}

/// The first day of the month `delta` months from the month of `day`.
/// Days outside jiff's calendar (years -9999 to 9999) stay where they are.
fn month_start(day: i64, delta: i64) -> i64 {
    let Some((y, m, _)) = civil_from_days(day) else {
        return day;
    };
    let idx = y * 12 + (m - 1) + delta;
    days_from_civil(idx.div_euclid(12), idx.rem_euclid(12) + 1, 1).unwrap_or(day)
}

/// The first day of the quarter `delta` quarters from the quarter of `day`.
fn quarter_start(day: i64, delta: i64) -> i64 {
    let Some((_, m, _)) = civil_from_days(day) else {
        return day;
    };
    month_start(day, -((m - 1) % 3) + 3 * delta)
}

fn year_start(day: i64, delta: i64) -> i64 {
    let Some((y, _, _)) = civil_from_days(day) else {
        return day;
    };
    days_from_civil(y + delta, 1, 1).unwrap_or(day)
}

/// The Sunday starting `day`'s week. Weeks start on Sunday, as in the en_US
/// locale (Salesforce takes the first day of the week from the user's locale).
fn week_start(day: i64) -> i64 {
    // 1970-01-01 was a Thursday: (day + 4) mod 7 is 0 on Sundays.
    day - (day + 4).rem_euclid(7)
}

/// A date literal as whole UTC days `[start, end)` relative to `today`, per
/// "Date Formats and Date Literals in WHERE" (SOQL and SOSL Reference):
/// `None` when `name` is not a date literal, an error detail when it needs
/// `:n` and has none (or has one it must not). Fiscal literals are left out.
pub fn date_literal(name: &str, n: Option<i64>, today: i64) -> Option<Result<(i64, i64), String>> {
    let upper = name.to_ascii_uppercase();
    let fixed = |r: (i64, i64)| -> Option<Result<(i64, i64), String>> {
        Some(match n {
            None => Ok(r),
            Some(_) => Err(format!("unexpected token: ':' after {upper}")),
        })
    };
    let w = week_start(today);
    match upper.as_str() {
        "YESTERDAY" => return fixed((today - 1, today)),
        "TODAY" => return fixed((today, today + 1)),
        "TOMORROW" => return fixed((today + 1, today + 2)),
        "LAST_WEEK" => return fixed((w - 7, w)),
        "THIS_WEEK" => return fixed((w, w + 7)),
        "NEXT_WEEK" => return fixed((w + 7, w + 14)),
        "LAST_MONTH" => return fixed((month_start(today, -1), month_start(today, 0))),
        "THIS_MONTH" => return fixed((month_start(today, 0), month_start(today, 1))),
        "NEXT_MONTH" => return fixed((month_start(today, 1), month_start(today, 2))),
        // "starts with the current day and continues for the past 90 days": 91 days.
        "LAST_90_DAYS" => return fixed((today - 90, today + 1)),
        "NEXT_90_DAYS" => return fixed((today + 1, today + 91)),
        "LAST_QUARTER" => return fixed((quarter_start(today, -1), quarter_start(today, 0))),
        "THIS_QUARTER" => return fixed((quarter_start(today, 0), quarter_start(today, 1))),
        "NEXT_QUARTER" => return fixed((quarter_start(today, 1), quarter_start(today, 2))),
        "LAST_YEAR" => return fixed((year_start(today, -1), year_start(today, 0))),
        "THIS_YEAR" => return fixed((year_start(today, 0), year_start(today, 1))),
        "NEXT_YEAR" => return fixed((year_start(today, 1), year_start(today, 2))),
        _ => {}
    }
    let ranged: fn(i64, i64, i64) -> (i64, i64) = match upper.as_str() {
        // LAST_N_DAYS:1 is yesterday and today.
        "LAST_N_DAYS" => |t, n, _| (t - n, t + 1),
        "NEXT_N_DAYS" => |t, n, _| (t + 1, t + 1 + n),
        "N_DAYS_AGO" => |t, n, _| (t - n, t - n + 1),
        "LAST_N_WEEKS" => |_, n, w| (w - 7 * n, w),
        "NEXT_N_WEEKS" => |_, n, w| (w + 7, w + 7 + 7 * n),
        "N_WEEKS_AGO" => |_, n, w| (w - 7 * n, w - 7 * n + 7),
        "LAST_N_MONTHS" => |t, n, _| (month_start(t, -n), month_start(t, 0)),
        "NEXT_N_MONTHS" => |t, n, _| (month_start(t, 1), month_start(t, 1 + n)),
        "N_MONTHS_AGO" => |t, n, _| (month_start(t, -n), month_start(t, -n + 1)),
        "LAST_N_QUARTERS" => |t, n, _| (quarter_start(t, -n), quarter_start(t, 0)),
        "NEXT_N_QUARTERS" => |t, n, _| (quarter_start(t, 1), quarter_start(t, 1 + n)),
        "N_QUARTERS_AGO" => |t, n, _| (quarter_start(t, -n), quarter_start(t, -n + 1)),
        "LAST_N_YEARS" => |t, n, _| (year_start(t, -n), year_start(t, 0)),
        "NEXT_N_YEARS" => |t, n, _| (year_start(t, 1), year_start(t, 1 + n)),
        "N_YEARS_AGO" => |t, n, _| (year_start(t, -n), year_start(t, -n + 1)),
        _ => return None,
    };
    Some(match n {
        // Bounded so day arithmetic cannot overflow.
        Some(v) if (0..=100_000).contains(&v) => Ok(ranged(today, v, w)),
        Some(v) => Err(format!("invalid value for {upper}: {v}")),
        None => Err(format!("date literal {upper} needs a number: {upper}:n")),
    })
}

/// `YYYY-MM-DD` of a day number.
pub fn day_text(day: i64) -> String {
    let (y, m, d) = civil_from_days(day).unwrap_or((0, 1, 1));
    format!("{y:04}-{m:02}-{d:02}")
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

    fn range(name: &str, n: Option<i64>, today: &str) -> (String, String) {
        let t = day_of(today).expect("day");
        let (a, b) = date_literal(name, n, t).expect("literal").expect("valid");
        (day_text(a), day_text(b - 1))
    }

    #[test]
    fn date_literals_cover_the_documented_ranges() {
        // 2026-11-30 is a Monday; the week (en_US) started on Sunday 2026-11-29.
        let t = "2026-11-30";
        let r = |a: &str, b: &str| (a.to_string(), b.to_string());
        assert_eq!(range("TODAY", None, t), r("2026-11-30", "2026-11-30"));
        assert_eq!(range("yesterday", None, t), r("2026-11-29", "2026-11-29"));
        assert_eq!(range("TOMORROW", None, t), r("2026-12-01", "2026-12-01"));
        assert_eq!(range("THIS_WEEK", None, t), r("2026-11-29", "2026-12-05"));
        assert_eq!(range("LAST_WEEK", None, t), r("2026-11-22", "2026-11-28"));
        assert_eq!(range("NEXT_WEEK", None, t), r("2026-12-06", "2026-12-12"));
        assert_eq!(range("THIS_MONTH", None, t), r("2026-11-01", "2026-11-30"));
        assert_eq!(range("LAST_MONTH", None, t), r("2026-10-01", "2026-10-31"));
        assert_eq!(range("NEXT_MONTH", None, t), r("2026-12-01", "2026-12-31"));
        assert_eq!(
            range("NEXT_MONTH", None, "2026-12-15"),
            r("2027-01-01", "2027-01-31")
        );
        assert_eq!(
            range("THIS_QUARTER", None, t),
            r("2026-10-01", "2026-12-31")
        );
        assert_eq!(
            range("LAST_QUARTER", None, t),
            r("2026-07-01", "2026-09-30")
        );
        assert_eq!(range("THIS_YEAR", None, t), r("2026-01-01", "2026-12-31"));
        assert_eq!(range("LAST_YEAR", None, t), r("2025-01-01", "2025-12-31"));
        assert_eq!(range("NEXT_YEAR", None, t), r("2027-01-01", "2027-12-31"));
        assert_eq!(
            range("LAST_N_DAYS", Some(1), t),
            r("2026-11-29", "2026-11-30")
        );
        assert_eq!(
            range("NEXT_N_DAYS", Some(2), t),
            r("2026-12-01", "2026-12-02")
        );
        assert_eq!(
            range("LAST_90_DAYS", None, t),
            r("2026-09-01", "2026-11-30")
        );
        assert_eq!(
            range("N_DAYS_AGO", Some(3), t),
            r("2026-11-27", "2026-11-27")
        );
        assert_eq!(
            range("LAST_N_MONTHS", Some(2), t),
            r("2026-09-01", "2026-10-31")
        );
        assert_eq!(
            range("N_YEARS_AGO", Some(1), t),
            r("2025-01-01", "2025-12-31")
        );
        assert!(
            date_literal("LAST_N_DAYS", None, 0)
                .expect("literal")
                .is_err()
        );
        assert!(date_literal("TODAY", Some(1), 0).expect("literal").is_err());
        assert!(date_literal("SOMEDAY", None, 0).is_none());
    }
}
