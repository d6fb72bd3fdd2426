//! Dates and datetimes in Salesforce's wire forms (`2010-01-01`,
//! `2011-07-07T00:37:00.000+0000`), on top of `jiff` (the calendar arithmetic
//! and ISO 8601 parsing are jiff's; only the wire formats are ours).

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp};

fn epoch() -> Date {
    jiff::civil::date(1970, 1, 1)
}

/// Days since 1970-01-01 of a proleptic Gregorian date; `None` for a day that
/// does not exist (SOQL reads these numbers from stored text unchecked).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> Option<i64> {
    let date = Date::new(
        i16::try_from(y).ok()?,
        i8::try_from(m).ok()?,
        i8::try_from(d).ok()?,
    )
    .ok()?;
    Some(i64::from(epoch().until(date).ok()?.get_days()))
}

/// The `(year, month, day)` of a day number (days since 1970-01-01), within
/// jiff's range (years -9999 to 9999).
pub fn civil_from_days(z: i64) -> Option<(i64, i64, i64)> {
    let date = epoch().checked_add(Span::new().try_days(z).ok()?).ok()?;
    Some((
        i64::from(date.year()),
        i64::from(date.month()),
        i64::from(date.day()),
    ))
}

/// Today in UTC, as days since 1970-01-01.
pub fn today_utc() -> i64 {
    now_millis().div_euclid(86_400_000)
}

/// Milliseconds since the epoch, as a datetime in Salesforce's form.
pub fn format_millis(ms: i64) -> String {
    let ts = Timestamp::from_millisecond(ms).unwrap_or(Timestamp::UNIX_EPOCH);
    let dt = TimeZone::UTC.to_datetime(ts);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}+0000",
        dt.year(),
        dt.month(),
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second(),
        dt.subsec_nanosecond() / 1_000_000
    )
}

pub fn now_millis() -> i64 {
    Timestamp::now().as_millisecond()
}

/// Now, as Salesforce writes a datetime.
pub fn now() -> String {
    format_millis(now_millis())
}

/// `YYYY-MM-DD`, a real calendar day.
pub fn parse_date(s: &str) -> Option<(i64, u32, u32)> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let d: Date = s.parse().ok()?;
    Some((
        i64::from(d.year()),
        u32::try_from(d.month()).ok()?,
        u32::try_from(d.day()).ok()?,
    ))
}

/// An ISO 8601 datetime with `T`, seconds and a `Z` or numeric offset
/// (`2024-05-01T10:00:00Z`, `...00.123+02:00`, `...00.000+0000`) as
/// milliseconds since the epoch.
pub fn parse_datetime(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    // `YYYY-MM-DDTHH:MM:SS` at least: jiff also takes a space or no seconds.
    let shape = b.len() >= 20
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && b[..10].iter().filter(|c| **c == b'-').count() == 2;
    if !shape {
        return None;
    }
    let ts: Timestamp = s.parse().ok()?;
    Some(ts.as_millisecond())
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
        assert_eq!(
            parse_datetime("2024-05-01T10:00:00Z").map(format_millis),
            Some("2024-05-01T10:00:00.000+0000".into())
        );
        assert!(parse_date("2023-02-29").is_none());
        assert!(parse_date("2024-13-01").is_none());
        assert!(parse_date("2024-02-29").is_some());
        assert!(parse_date("24-02-29").is_none());
        assert!(parse_datetime("2024-01-01 10:00:00").is_none());
        assert!(parse_datetime("2024-01-01 10:00:00Z").is_none());
        assert!(parse_datetime("2024-01-01T10:00:00").is_none(), "no offset");
        assert!(parse_datetime("2024-02-30T10:00:00Z").is_none());
        for z in [-1000, 0, 19_000, 30_000] {
            let (y, m, d) = civil_from_days(z).expect("in range");
            assert_eq!(days_from_civil(y, m, d), Some(z));
        }
        assert_eq!(days_from_civil(2024, 13, 1), None);
        assert_eq!(days_from_civil(1970, 1, 1), Some(0));
        assert_eq!(civil_from_days(i64::MAX), None);
    }
}
