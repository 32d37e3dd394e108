//! Datetime and timespan text: ISO 8601 (Log Analytics' wire form and what users type), RFC 822/850 (what KQL's
//! `datetime()` also accepts), Log Analytics timespans `[-][d.]hh:mm:ss[.fffffff]`, and their formatting.
//!
//! Log Analytics writes datetimes as ISO 8601 UTC with 0–7 fraction digits (`2021-06-30T00:18:34.4563041Z`) and
//! timespans as `[-][d.]hh:mm:ss[.fffffff]`. Both become nanoseconds so no precision is lost.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Timelike, Utc};

use super::{NS_PER_MS, NS_PER_SECOND};

/// Seconds since the epoch and nanoseconds of an ISO 8601 datetime (any year 0000–9999, so it never overflows);
/// `None` if the text is not one.
pub(super) fn iso_parts(text: &str) -> Option<(i64, i64)> {
    let s = text.trim().as_bytes();
    if s.len() < 10 {
        return None;
    }
    let year = digits(s, 0, 4)? as i32;
    if s[4] != b'-' || s[7] != b'-' {
        return None;
    }
    let month = digits(s, 5, 2)?;
    let day = digits(s, 8, 2)?;
    let date = NaiveDate::from_ymd_opt(year, month, day)?;
    let mut pos = 10;
    let (mut h, mut m, mut sec, mut frac_ns) = (0i64, 0i64, 0i64, 0i64);
    if pos < s.len() && (s[pos] == b'T' || s[pos] == b' ') {
        pos += 1;
        h = digits(s, pos, 2)?.into();
        if s.get(pos + 2) != Some(&b':') {
            return None;
        }
        m = digits(s, pos + 3, 2)?.into();
        pos += 5;
        if s.get(pos) == Some(&b':') {
            sec = digits(s, pos + 1, 2)?.into();
            pos += 3;
            if s.get(pos) == Some(&b'.') {
                pos += 1;
                let start = pos;
                let mut scale = 100_000_000i64;
                while pos < s.len() && s[pos].is_ascii_digit() {
                    if pos - start < 9 {
                        frac_ns += i64::from(s[pos] - b'0') * scale;
                        scale /= 10;
                    }
                    pos += 1;
                }
                if pos == start {
                    return None;
                }
            }
        }
        if h > 23 || m > 59 || sec > 60 {
            return None;
        }
    }
    let mut offset_s = 0i64;
    match s.get(pos) {
        None => {}
        Some(b'Z') | Some(b'z') if pos + 1 == s.len() => {}
        Some(&c @ (b'+' | b'-')) => {
            let oh = i64::from(digits(s, pos + 1, 2)?);
            let rest = &s[pos + 3..];
            let om = match rest {
                [] => 0,
                [b':', ..] => digits(s, pos + 4, 2)?,
                _ => digits(s, pos + 3, 2)?,
            };
            offset_s = (oh * 3600 + i64::from(om) * 60) * if c == b'+' { 1 } else { -1 };
        }
        _ => return None,
    }
    let days = date
        .signed_duration_since(NaiveDate::from_ymd_opt(1970, 1, 1)?)
        .num_days();
    Some((days * 86_400 + h * 3600 + m * 60 + sec - offset_s, frac_ns))
}

/// Nanoseconds since the Unix epoch of an ISO 8601 datetime; `None` if it is not one or is outside the range of
/// `i64` nanoseconds (1677-09-21 … 2262-04-11).
///
/// Accepts `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM[:SS[.f…]]` with `T` or a space, and an optional `Z` or `±hh[:mm]`
/// offset. **No offset means UTC** (as in Kusto). Up to 9 fraction digits are kept; more are truncated. This is
/// the reading of Log Analytics' wire format and of text columns; [`parse_datetime`] also takes RFC 822 forms.
pub fn parse_datetime_ns(text: &str) -> Option<i64> {
    let (secs, frac_ns) = iso_parts(text)?;
    secs.checked_mul(NS_PER_SECOND)?.checked_add(frac_ns)
}

/// Seconds and nanoseconds of datetime text a user may type: ISO 8601 as [`parse_datetime_ns`], or RFC 822/1123
/// (`Mon, 15 Jan 2024 10:00:00 GMT`, what JS's `toUTCString()` writes) or RFC 850
/// (`Monday, 15-Jan-24 10:00:00 GMT`), the forms KQL's `datetime()` accepts. Zone-less text is UTC.
pub(super) fn datetime_parts(text: &str) -> Option<(i64, i64)> {
    let t = text.trim();
    if let Some(parts) = iso_parts(t) {
        return Some(parts);
    }
    let rfc = DateTime::parse_from_rfc2822(t)
        .map(|d| d.naive_utc())
        .or_else(|_| {
            let bare = t
                .strip_suffix("GMT")
                .or_else(|| t.strip_suffix("UTC"))
                .unwrap_or(t)
                .trim_end();
            NaiveDateTime::parse_from_str(bare, "%A, %d-%b-%y %H:%M:%S")
        });
    let dt = rfc.ok()?;
    Some((dt.and_utc().timestamp(), i64::from(dt.nanosecond())))
}

/// Nanoseconds since the epoch of datetime text a user typed (see [`datetime_parts`]: ISO 8601, RFC 822/1123,
/// RFC 850; zone-less text is UTC); `None` if it is not one or out of range.
pub fn parse_datetime(text: &str) -> Option<i64> {
    let (secs, frac_ns) = datetime_parts(text)?;
    secs.checked_mul(NS_PER_SECOND)?.checked_add(frac_ns)
}

fn digits(s: &[u8], start: usize, n: usize) -> Option<u32> {
    let part = s.get(start..start + n)?;
    let mut v = 0u32;
    for &b in part {
        if !b.is_ascii_digit() {
            return None;
        }
        v = v * 10 + u32::from(b - b'0');
    }
    Some(v)
}

/// Nanoseconds of a Log Analytics timespan `[-][d.]hh:mm:ss[.fffffff]`; `None` if it is not one.
pub fn parse_timespan_ns(text: &str) -> Option<i64> {
    let t = text.trim();
    let (neg, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    let (days, clock) = match t.split_once(':') {
        Some((head, _)) => match head.split_once('.') {
            Some((d, _)) => (d.parse::<i64>().ok()?, &t[d.len() + 1..]),
            None => (0, t),
        },
        None => return None,
    };
    let mut parts = clock.splitn(3, ':');
    let h: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let sec_part = parts.next()?;
    let (s, frac) = match sec_part.split_once('.') {
        Some((s, f)) => (s, f),
        None => (sec_part, ""),
    };
    let s: i64 = s.parse().ok()?;
    if m > 59 || s > 59 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut frac_ns = 0i64;
    let mut scale = 100_000_000i64;
    for b in frac.bytes().take(9) {
        frac_ns += i64::from(b - b'0') * scale;
        scale /= 10;
    }
    let total = days
        .checked_mul(24)?
        .checked_add(h)?
        .checked_mul(60)?
        .checked_add(m)?
        .checked_mul(60)?
        .checked_add(s)?;
    // in i128, so that -10675199.02:48:05.4775808 (i64::MIN) is read and one more is out of range, not wrapped
    let ns = i128::from(total) * i128::from(NS_PER_SECOND) + i128::from(frac_ns);
    i64::try_from(if neg { -ns } else { ns }).ok()
}

/// ISO 8601 UTC text of nanoseconds since the epoch, with 7 fraction digits (Log Analytics' own precision) when
/// there is a fraction and none when there is not.
pub fn format_datetime_ns(ns: i64) -> String {
    let secs = ns.div_euclid(NS_PER_SECOND);
    let sub = ns.rem_euclid(NS_PER_SECOND) as u32;
    match DateTime::<Utc>::from_timestamp(secs, sub) {
        Some(dt) if sub == 0 => dt.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        Some(dt) if sub.is_multiple_of(100) => {
            format!("{}.{:07}Z", dt.format("%Y-%m-%dT%H:%M:%S"), sub / 100)
        }
        Some(dt) => format!("{}.{:09}Z", dt.format("%Y-%m-%dT%H:%M:%S"), sub),
        None => format!("{ns}ns"),
    }
}

/// How a datetime is written into KQL (inside `datetime(...)`): ISO 8601 UTC with 7 fraction digits,
/// e.g. `2024-01-15T00:00:00.0000000Z`.
pub fn format_kql_datetime(ns: i64) -> String {
    let dt = DateTime::from_timestamp_nanos(ns);
    format!(
        "{}.{:07}Z",
        dt.format("%Y-%m-%dT%H:%M:%S"),
        dt.nanosecond() / 100
    )
}

/// ISO 8601 UTC with milliseconds (as JS's `toISOString()` and Log Analytics' `timespan` field write it),
/// e.g. `2024-01-15T00:00:00.000Z`.
pub fn format_iso_ms(ns: i64) -> String {
    let dt = DateTime::from_timestamp_nanos(ns);
    format!(
        "{}.{:03}Z",
        dt.format("%Y-%m-%dT%H:%M:%S"),
        ns.rem_euclid(NS_PER_SECOND) / NS_PER_MS
    )
}

/// Log Analytics text of a timespan in nanoseconds: `[-][d.]hh:mm:ss[.fffffff]`.
pub fn format_timespan_ns(ns: i64) -> String {
    let sign = if ns < 0 { "-" } else { "" };
    let ns = ns.unsigned_abs();
    let frac = ns % 1_000_000_000;
    let total = ns / 1_000_000_000;
    let (d, h, m, s) = (
        total / 86_400,
        total / 3600 % 24,
        total / 60 % 60,
        total % 60,
    );
    let mut out = String::from(sign);
    if d > 0 {
        out.push_str(&format!("{d}."));
    }
    out.push_str(&format!("{h:02}:{m:02}:{s:02}"));
    if frac > 0 {
        if frac.is_multiple_of(100) {
            out.push_str(&format!(".{:07}", frac / 100));
        } else {
            out.push_str(&format!(".{frac:09}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetimes_of_every_precision() {
        let base = 1_625_012_314_000_000_000i64; // 2021-06-30T00:18:34Z
        assert_eq!(parse_datetime_ns("2021-06-30T00:18:34Z"), Some(base));
        assert_eq!(
            parse_datetime_ns("2021-06-30T00:18:34.4Z"),
            Some(base + 400_000_000)
        );
        assert_eq!(
            parse_datetime_ns("2021-06-30T00:18:34.456Z"),
            Some(base + 456_000_000)
        );
        assert_eq!(
            parse_datetime_ns("2021-06-30T00:18:34.4563041Z"),
            Some(base + 456_304_100)
        );
        assert_eq!(
            parse_datetime_ns("2021-06-30T00:18:34.123456789Z"),
            Some(base + 123_456_789)
        );
        assert_eq!(parse_datetime_ns("2021-06-30 00:18:34"), Some(base));
        assert_eq!(parse_datetime_ns("2021-06-30T02:18:34+02:00"), Some(base));
        assert_eq!(parse_datetime_ns("2021-06-30T02:18:34+0200"), Some(base));
        assert_eq!(parse_datetime_ns("2021-06-29T22:18:34-02"), Some(base));
        assert_eq!(
            parse_datetime_ns("2021-06-30"),
            Some(base - (18 * 60 + 34) * 1_000_000_000)
        );
        assert_eq!(
            parse_datetime_ns("1969-12-31T23:59:59.5Z"),
            Some(-500_000_000)
        );
        for bad in [
            "",
            "yesterday",
            "2021-13-01T00:00:00Z",
            "2021-06-30T25:00:00Z",
            "2021-06-30T00:18:34.Z",
            "2021-06-30T00:18:34Zjunk",
            "2021-06-3",
        ] {
            assert_eq!(parse_datetime_ns(bad), None, "{bad}");
        }
    }

    #[test]
    fn zone_less_text_is_utc() {
        let utc = parse_datetime_ns("2024-01-15T10:00:00Z").unwrap();
        for t in [
            "2024-01-15T10:00",
            "2024-01-15T10:00:00",
            "2024-01-15 10:00",
            "2024-01-15T10:00:00.000",
        ] {
            assert_eq!(parse_datetime_ns(t), Some(utc), "{t}");
            assert_eq!(parse_datetime(t), Some(utc), "{t}");
        }
        assert_eq!(
            parse_datetime_ns("2024-01-15"),
            Some(utc - 10 * 3_600 * NS_PER_SECOND)
        );
    }

    #[test]
    fn out_of_range_datetimes_are_none() {
        assert_eq!(
            parse_datetime_ns("2262-04-11T23:47:16.854775807Z"),
            Some(i64::MAX)
        );
        assert_eq!(parse_datetime_ns("2262-04-11T23:47:16.854775808Z"), None);
        assert_eq!(parse_datetime_ns("9999-12-31T23:59:59Z"), None);
        assert_eq!(parse_datetime_ns("0001-01-01"), None);
        assert_eq!(parse_datetime("9999-12-31"), None);
        assert!(iso_parts("9999-12-31T23:59:59Z").is_some());
    }

    #[test]
    fn rfc_forms_users_type() {
        let t = parse_datetime_ns("2024-01-15T10:00:00Z").unwrap();
        assert_eq!(parse_datetime("Mon, 15 Jan 2024 10:00:00 GMT"), Some(t));
        assert_eq!(parse_datetime("Mon, 15 Jan 2024 11:00:00 +0100"), Some(t));
        assert_eq!(parse_datetime("15 Jan 2024 10:00:00 GMT"), Some(t));
        assert_eq!(parse_datetime("Monday, 15-Jan-24 10:00:00 GMT"), Some(t));
        // The frame readers keep to ISO 8601 (Log Analytics' wire form).
        assert_eq!(parse_datetime_ns("Mon, 15 Jan 2024 10:00:00 GMT"), None);
        assert_eq!(parse_datetime("Mon, 45 Jan 2024 10:00:00 GMT"), None);
    }

    #[test]
    fn datetime_text_round_trips() {
        for s in [
            "2021-06-30T00:18:34.4563041Z",
            "2021-06-30T00:18:34Z",
            "1700-01-01T00:00:00Z",
        ] {
            assert_eq!(format_datetime_ns(parse_datetime_ns(s).unwrap()), s);
        }
    }

    #[test]
    fn formats() {
        let at = |s: &str| parse_datetime_ns(s).unwrap();
        assert_eq!(
            format_kql_datetime(at("2024-01-15T00:00:00Z")),
            "2024-01-15T00:00:00.0000000Z"
        );
        assert_eq!(
            format_kql_datetime(at("2021-06-30T00:18:34.4563041Z")),
            "2021-06-30T00:18:34.4563041Z"
        );
        assert_eq!(format_kql_datetime(-1), "1969-12-31T23:59:59.9999999Z");
        assert_eq!(
            format_iso_ms(at("2021-06-30T00:18:34.4563041Z")),
            "2021-06-30T00:18:34.456Z"
        );
        assert_eq!(format_iso_ms(-1), "1969-12-31T23:59:59.999Z");
        assert_eq!(format_iso_ms(0), "1970-01-01T00:00:00.000Z");
    }

    #[test]
    fn timespans() {
        assert_eq!(parse_timespan_ns("00:00:01"), Some(1_000_000_000));
        assert_eq!(
            parse_timespan_ns("1.02:03:04.5000000"),
            Some((((24 + 2) * 60 + 3) * 60 + 4) * 1_000_000_000 + 500_000_000)
        );
        assert_eq!(parse_timespan_ns("-00:30:00"), Some(-1_800_000_000_000));
        assert_eq!(parse_timespan_ns("junk"), None);
        assert_eq!(parse_timespan_ns("00:61:00"), None);
        assert_eq!(parse_timespan_ns("99999999999999.00:00:00"), None);
        assert_eq!(
            format_timespan_ns(parse_timespan_ns("1.02:03:04.5000000").unwrap()),
            "1.02:03:04.5000000"
        );
        assert_eq!(format_timespan_ns(-1_800_000_000_000), "-00:30:00");
        assert_eq!(format_timespan_ns(i64::MIN), "-106751.23:47:16.854775808");
    }
}
