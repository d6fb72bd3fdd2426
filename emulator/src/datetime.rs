//! Dates and datetimes in Salesforce's wire forms (`2010-01-01`,
//! `2011-07-07T00:37:00.000+0000`). Hand-written: the emulator needs only UTC
//! civil-date arithmetic (Howard Hinnant's `days_from_civil`), which is smaller
//! than a date crate and keeps the emulator's dependency list short.

use std::time::{SystemTime, UNIX_EPOCH};

/// Days since 1970-01-01 of a proleptic Gregorian date. The emulator's one
/// civil-date home: SOQL date literals (`soql::literals`) use it too. Months and
/// days are `i64` because SOQL reads them from stored text unchecked.
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The `(year, month, day)` of a day number (days since 1970-01-01).
pub fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Today in UTC, as days since 1970-01-01.
pub fn today_utc() -> i64 {
    now_millis().div_euclid(86_400_000)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

/// Milliseconds since the epoch, as a datetime in Salesforce's form.
pub fn format_millis(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}+0000",
        s / 3600,
        s % 3600 / 60,
        s % 60,
        ms.rem_euclid(1000)
    )
}

pub fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Now, as Salesforce writes a datetime.
pub fn now() -> String {
    format_millis(now_millis())
}

fn num(s: &str) -> Option<i64> {
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// `YYYY-MM-DD`, a real calendar day.
pub fn parse_date(s: &str) -> Option<(i64, u32, u32)> {
    let mut it = s.splitn(3, '-');
    let (y, m, d) = (it.next()?, it.next()?, it.next()?);
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (y, m, d) = (num(y)?, num(m)? as u32, num(d)? as u32);
    ((1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m)).then_some((y, m, d))
}

/// An ISO 8601 datetime (`2024-05-01T10:00:00Z`, `...00.123+02:00`,
/// `...00.000+0000`) as milliseconds since the epoch.
pub fn parse_datetime(s: &str) -> Option<i64> {
    let (date, time) = s.split_once('T')?;
    let (y, m, d) = parse_date(date)?;
    let (clock, offset_min) = if let Some(c) = time.strip_suffix('Z') {
        (c, 0)
    } else {
        let i = time.rfind(['+', '-'])?;
        let (c, off) = time.split_at(i);
        let sign = if off.starts_with('-') { -1 } else { 1 };
        let digits: String = off[1..].chars().filter(|c| *c != ':').collect();
        if digits.len() != 4 {
            return None;
        }
        let (h, mi) = (num(&digits[..2])?, num(&digits[2..])?);
        (c, sign * (h * 60 + mi))
    };
    let (hms, frac) = clock.split_once('.').unwrap_or((clock, "0"));
    let mut parts = hms.split(':');
    let (h, mi, sec) = (
        num(parts.next()?)?,
        num(parts.next()?)?,
        num(parts.next().unwrap_or("0"))?,
    );
    if h > 23 || mi > 59 || sec > 59 || parts.next().is_some() {
        return None;
    }
    let frac_ms = {
        let f: String = frac.chars().chain("000".chars()).take(3).collect();
        num(&f)?
    };
    let days = days_from_civil(y, i64::from(m), i64::from(d));
    Some((((days * 24 + h) * 60 + mi - offset_min) * 60 + sec) * 1000 + frac_ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_validates() {
        assert_eq!(format_millis(0), "1970-01-01T00:00:00.000+0000");
        let ms = parse_datetime("2024-02-29T23:30:00.5+02:00").expect("valid");
        assert_eq!(format_millis(ms), "2024-02-29T21:30:00.500+0000");
        assert_eq!(
            parse_datetime("2011-07-07T00:37:00.000+0000").map(format_millis),
            Some("2011-07-07T00:37:00.000+0000".into())
        );
        assert!(parse_date("2023-02-29").is_none());
        assert!(parse_date("2024-13-01").is_none());
        assert!(parse_date("2024-02-29").is_some());
        assert!(parse_datetime("2024-01-01 10:00:00").is_none());
        for z in [-1000, 0, 19_000, 30_000] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
    }
}
