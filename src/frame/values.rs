//! Parsing and formatting of Log Analytics scalar values: datetimes, timespans and reals as they appear on the wire.
//!
//! Log Analytics writes datetimes as ISO 8601 UTC with 0–7 fraction digits (`2021-06-30T00:18:34.4563041Z`) and
//! timespans as `[-][d.]hh:mm:ss[.fffffff]`. Both become nanoseconds so no precision is lost.

use chrono::{DateTime, NaiveDate, Utc};

/// Nanoseconds since the Unix epoch of an ISO 8601 datetime; `None` if it is not one.
///
/// Accepts `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM[:SS[.f…]]` with `T` or a space, and an optional `Z` or `±hh:mm` offset
/// (no offset means UTC, as in Kusto). Up to 9 fraction digits are kept; more are truncated.
pub fn parse_datetime_ns(text: &str) -> Option<i64> {
    let s = text.trim().as_bytes();
    if s.len() < 10 {
        return None;
    }
    let year = digits(s, 0, 4)? as i32;
    if s[4] != b'-' || s[7] != b'-' {
        return None;
    }
    let month = digits(s, 5, 2)? as u32;
    let day = digits(s, 8, 2)? as u32;
    let date = NaiveDate::from_ymd_opt(year, month, day)?;
    let mut pos = 10;
    let (mut h, mut m, mut sec, mut frac_ns) = (0i64, 0i64, 0i64, 0i64);
    if pos < s.len() && (s[pos] == b'T' || s[pos] == b' ') {
        pos += 1;
        h = digits(s, pos, 2)? as i64;
        if s.get(pos + 2) != Some(&b':') {
            return None;
        }
        m = digits(s, pos + 3, 2)? as i64;
        pos += 5;
        if s.get(pos) == Some(&b':') {
            sec = digits(s, pos + 1, 2)? as i64;
            pos += 3;
            if s.get(pos) == Some(&b'.') {
                pos += 1;
                let start = pos;
                let mut scale = 100_000_000i64;
                while pos < s.len() && s[pos].is_ascii_digit() {
                    if pos - start < 9 {
                        frac_ns += (s[pos] - b'0') as i64 * scale;
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
            let oh = digits(s, pos + 1, 2)? as i64;
            let rest = &s[pos + 3..];
            let om = match rest {
                [] => 0,
                [b':', ..] => digits(s, pos + 4, 2)? as i64,
                _ => digits(s, pos + 3, 2)? as i64,
            };
            offset_s = (oh * 3600 + om * 60) * if c == b'+' { 1 } else { -1 };
        }
        _ => return None,
    }
    let days = date.signed_duration_since(NaiveDate::from_ymd_opt(1970, 1, 1)?).num_days();
    let secs = days * 86_400 + h * 3600 + m * 60 + sec - offset_s;
    secs.checked_mul(1_000_000_000)?.checked_add(frac_ns)
}

fn digits(s: &[u8], start: usize, n: usize) -> Option<u32> {
    let part = s.get(start..start + n)?;
    let mut v = 0u32;
    for &b in part {
        if !b.is_ascii_digit() {
            return None;
        }
        v = v * 10 + (b - b'0') as u32;
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
        frac_ns += (b - b'0') as i64 * scale;
        scale /= 10;
    }
    let total = ((days * 24 + h) * 60 + m) * 60 + s;
    let ns = total.checked_mul(1_000_000_000)?.checked_add(frac_ns)?;
    Some(if neg { -ns } else { ns })
}

/// A real as Log Analytics writes it: a number, or the strings `NaN`, `Infinity`, `-Infinity`.
pub fn parse_real(text: &str) -> Option<f64> {
    match text.trim() {
        "NaN" => Some(f64::NAN),
        "Infinity" | "+Infinity" => Some(f64::INFINITY),
        "-Infinity" => Some(f64::NEG_INFINITY),
        t => t.parse().ok(),
    }
}

/// ISO 8601 UTC text of nanoseconds since the epoch, with 7 fraction digits (Log Analytics' own precision) when
/// there is a fraction and none when there is not.
pub fn format_datetime_ns(ns: i64) -> String {
    let secs = ns.div_euclid(1_000_000_000);
    let sub = ns.rem_euclid(1_000_000_000) as u32;
    match DateTime::<Utc>::from_timestamp(secs, sub) {
        Some(dt) if sub == 0 => dt.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        Some(dt) if sub % 100 == 0 => format!("{}.{:07}Z", dt.format("%Y-%m-%dT%H:%M:%S"), sub / 100),
        Some(dt) => format!("{}.{:09}Z", dt.format("%Y-%m-%dT%H:%M:%S"), sub),
        None => format!("{ns}ns"),
    }
}

/// Log Analytics text of a timespan in nanoseconds: `[-][d.]hh:mm:ss[.fffffff]`.
pub fn format_timespan_ns(ns: i64) -> String {
    let sign = if ns < 0 { "-" } else { "" };
    let ns = ns.unsigned_abs();
    let frac = ns % 1_000_000_000;
    let total = ns / 1_000_000_000;
    let (d, h, m, s) = (total / 86_400, total / 3600 % 24, total / 60 % 60, total % 60);
    let mut out = String::from(sign);
    if d > 0 {
        out.push_str(&format!("{d}."));
    }
    out.push_str(&format!("{h:02}:{m:02}:{s:02}"));
    if frac > 0 {
        if frac % 100 == 0 {
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
        assert_eq!(parse_datetime_ns("2021-06-30T00:18:34.4Z"), Some(base + 400_000_000));
        assert_eq!(parse_datetime_ns("2021-06-30T00:18:34.456Z"), Some(base + 456_000_000));
        assert_eq!(parse_datetime_ns("2021-06-30T00:18:34.4563041Z"), Some(base + 456_304_100));
        assert_eq!(parse_datetime_ns("2021-06-30T00:18:34.123456789Z"), Some(base + 123_456_789));
        assert_eq!(parse_datetime_ns("2021-06-30 00:18:34"), Some(base));
        assert_eq!(parse_datetime_ns("2021-06-30T02:18:34+02:00"), Some(base));
        assert_eq!(parse_datetime_ns("2021-06-30"), Some(base - (18 * 60 + 34) * 1_000_000_000));
        assert_eq!(parse_datetime_ns("1969-12-31T23:59:59.5Z"), Some(-500_000_000));
        for bad in ["", "yesterday", "2021-13-01T00:00:00Z", "2021-06-30T25:00:00Z", "2021-06-30T00:18:34.Z", "2021-06-30T00:18:34Zjunk", "2021-06-3"] {
            assert_eq!(parse_datetime_ns(bad), None, "{bad}");
        }
    }

    #[test]
    fn datetime_text_round_trips() {
        for s in ["2021-06-30T00:18:34.4563041Z", "2021-06-30T00:18:34Z", "1700-01-01T00:00:00Z"] {
            assert_eq!(format_datetime_ns(parse_datetime_ns(s).unwrap()), s);
        }
    }

    #[test]
    fn timespans() {
        assert_eq!(parse_timespan_ns("00:00:01"), Some(1_000_000_000));
        assert_eq!(parse_timespan_ns("1.02:03:04.5000000"), Some((((24 + 2) * 60 + 3) * 60 + 4) * 1_000_000_000 + 500_000_000));
        assert_eq!(parse_timespan_ns("-00:30:00"), Some(-1_800_000_000_000));
        assert_eq!(parse_timespan_ns("junk"), None);
        assert_eq!(parse_timespan_ns("00:61:00"), None);
        assert_eq!(format_timespan_ns(parse_timespan_ns("1.02:03:04.5000000").unwrap()), "1.02:03:04.5000000");
        assert_eq!(format_timespan_ns(-1_800_000_000_000), "-00:30:00");
    }

    #[test]
    fn reals() {
        assert!(parse_real("NaN").unwrap().is_nan());
        assert_eq!(parse_real("-Infinity"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_real("1.5"), Some(1.5));
        assert_eq!(parse_real("x"), None);
    }
}
