//! Time ranges and the relative times a hunter types (`-1d`, `-2w@d`, `-3h`, a number of days).
//!
//! Every time is nanoseconds since the Unix epoch, UTC, as in [`crate::frame`]. Relative times are resolved
//! against an explicit `now_ns` (never the clock), so the same input always gives the same query and tests can fix
//! the time. The forms follow msticpy's `QuerySource._convert_datetime`:
//!
//! - ISO 8601 text: `2024-01-15`, `2024-01-15T10:00:00Z`, `2024-01-15 10:00:00+02:00`;
//! - a number (or numeric text) = days from now: `-1` is one day ago, `2` two days ahead, `-0.5` twelve hours ago;
//! - an offset `[+|-]N[unit]` with unit `s`, `m`, `h`, `d` (the default), `w`, `mon` or `y`, optionally rounded
//!   with `@s`, `@m`, `@h`, `@d`, `@mon` or `@y`. As in msticpy, a negative offset is rounded *down* to the start of
//!   that unit (`-2w@d` = midnight UTC at the start of the day two weeks ago) and any other offset *up* to the
//!   start of the next one (`+1d@d` = midnight at the end of tomorrow).

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, NaiveTime, Timelike, Utc};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::frame::values::parse_datetime_ns;

/// Nanoseconds in a second, hour and day.
pub const NS_PER_SECOND: i64 = 1_000_000_000;
pub const NS_PER_HOUR: i64 = 3_600 * NS_PER_SECOND;
pub const NS_PER_DAY: i64 = 24 * NS_PER_HOUR;

/// What a datetime value may look like, for error messages.
const ACCEPTED: &str = "use ISO 8601 text (2024-01-15T00:00:00Z), a number of days from now (-1 = one day ago) or \
an offset like -1d, -2w@d, -3h, 30m, -90s or +1d (units s, m, h, d, w, mon, y; round with @d, @h, @m)";

/// A query time range `[start, end]` in nanoseconds since the epoch, UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeRange {
    pub start_ns: i64,
    pub end_ns: i64,
}

impl TimeRange {
    /// The `span_ns` before `now_ns`: the default range is `TimeRange::last(now, NS_PER_DAY)`.
    pub fn last(now_ns: i64, span_ns: i64) -> TimeRange {
        TimeRange {
            start_ns: now_ns.saturating_sub(span_ns),
            end_ns: now_ns,
        }
    }

    /// The range as Log Analytics' `timespan` body field: `start/end` in ISO 8601 UTC with milliseconds,
    /// e.g. `2022-11-05T00:00:00.000Z/2022-11-08T00:00:00.000Z`.
    pub fn timespan_iso(&self) -> String {
        let fmt = |ns: i64| {
            DateTime::from_timestamp_nanos(ns)
                .format("%Y-%m-%dT%H:%M:%S%.3fZ")
                .to_string()
        };
        format!("{}/{}", fmt(self.start_ns), fmt(self.end_ns))
    }
}

/// Resolves a datetime value (see the module doc for the forms) relative to `now_ns`, to nanoseconds since the
/// epoch. Errors say which forms are accepted.
pub fn resolve_datetime(value: &Value, now_ns: i64) -> Result<i64> {
    match value {
        Value::Number(n) => {
            let days = n
                .as_f64()
                .ok_or_else(|| Error::invalid(format!("'{n}' is not a datetime: {ACCEPTED}")))?;
            add_days(now_ns, days).ok_or_else(|| Error::invalid(format!("{n} days from now is out of range")))
        }
        Value::String(s) => resolve_text(s, now_ns),
        other => Err(Error::invalid(format!("{other} is not a datetime: {ACCEPTED}"))),
    }
}

/// How a datetime is written into KQL (inside `datetime(...)` in the templates): ISO 8601 UTC with 7 fraction
/// digits, e.g. `2024-01-15T00:00:00.0000000Z`.
pub fn format_kql_datetime(ns: i64) -> String {
    let dt = DateTime::from_timestamp_nanos(ns);
    format!("{}.{:07}Z", dt.format("%Y-%m-%dT%H:%M:%S"), dt.nanosecond() / 100)
}

fn resolve_text(text: &str, now_ns: i64) -> Result<i64> {
    let t = text.trim();
    let bad = || Error::invalid(format!("'{text}' is not a datetime: {ACCEPTED}"));
    if t.is_empty() {
        return Err(bad());
    }
    if let Some(ns) = parse_datetime_ns(t) {
        return Ok(ns);
    }
    // Plain numbers are days, as in msticpy (which catches them before its date parser).
    if let Ok(days) = t.parse::<f64>() {
        return add_days(now_ns, days).ok_or_else(|| Error::invalid(format!("'{text}' days from now is out of range")));
    }
    let (offset, rounding) = match t.split_once('@') {
        Some((o, r)) => (o.trim(), Some(r.trim().to_ascii_lowercase())),
        None => (t, None),
    };
    let shifted = apply_offset(offset, now_ns).ok_or_else(bad)?;
    match rounding {
        None => Ok(shifted),
        Some(unit) => {
            let up = !offset.starts_with('-');
            round(shifted, &unit, up)
                .ok_or_else(|| Error::invalid(format!("'{text}': cannot round to '@{unit}': {ACCEPTED}")))
        }
    }
}

/// `now + days` (fractional days allowed), `None` when out of range.
fn add_days(now_ns: i64, days: f64) -> Option<i64> {
    let delta = days * NS_PER_DAY as f64;
    if !delta.is_finite() || delta.abs() >= 9.2e18 {
        return None;
    }
    now_ns.checked_add(delta as i64)
}

/// `now` moved by `[+|-]N[unit]`; `None` if the text is not an offset or the result is out of range.
fn apply_offset(offset: &str, now_ns: i64) -> Option<i64> {
    let (negative, body) = match offset.as_bytes().first()? {
        b'-' => (true, offset.get(1..)?.trim_start()),
        b'+' => (false, offset.get(1..)?.trim_start()),
        _ => (false, offset),
    };
    let split = body.find(|c: char| !c.is_ascii_digit()).unwrap_or(body.len());
    let (digits, unit) = body.split_at(split);
    let n: i64 = digits.parse().ok()?;
    let n = if negative { -n } else { n };
    let unit_ns = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "d" | "day" | "days" => NS_PER_DAY,
        "s" | "sec" | "secs" | "second" | "seconds" => NS_PER_SECOND,
        "m" | "min" | "mins" | "minute" | "minutes" => 60 * NS_PER_SECOND,
        "h" | "hr" | "hrs" | "hour" | "hours" => NS_PER_HOUR,
        "w" | "week" | "weeks" => 7 * NS_PER_DAY,
        "mon" | "month" | "months" => return add_months(now_ns, n),
        "y" | "year" | "years" => return add_months(now_ns, n.checked_mul(12)?),
        _ => return None,
    };
    now_ns.checked_add(n.checked_mul(unit_ns)?)
}

/// Calendar months added to a time (the day is clamped to the month's length, as dateutil does).
fn add_months(ns: i64, months: i64) -> Option<i64> {
    let dt = DateTime::from_timestamp_nanos(ns);
    let m = Months::new(u32::try_from(months.unsigned_abs()).ok()?);
    let moved = if months < 0 {
        dt.checked_sub_months(m)?
    } else {
        dt.checked_add_months(m)?
    };
    moved.timestamp_nanos_opt()
}

/// `ns` truncated to the start of `unit` (`s`, `m`, `h`, `d`, `mon`, `y`), then moved one unit on if `up`.
fn round(ns: i64, unit: &str, up: bool) -> Option<i64> {
    let dt = DateTime::from_timestamp_nanos(ns);
    let date = dt.date_naive();
    let midnight = |d: NaiveDate| d.and_time(NaiveTime::MIN).and_utc();
    let (start, step): (DateTime<Utc>, Option<Duration>) = match unit {
        "y" | "year" | "years" => (midnight(NaiveDate::from_ymd_opt(date.year(), 1, 1)?), None),
        "mon" | "month" | "months" => (midnight(date.with_day(1)?), None),
        "d" | "day" | "days" => (midnight(date), Some(Duration::days(1))),
        "h" | "hr" | "hour" | "hours" => (
            midnight(date) + Duration::hours(dt.hour().into()),
            Some(Duration::hours(1)),
        ),
        "m" | "min" | "minute" | "minutes" => {
            let secs = i64::from(dt.hour()) * 3600 + i64::from(dt.minute()) * 60;
            (midnight(date) + Duration::seconds(secs), Some(Duration::minutes(1)))
        }
        "s" | "sec" | "second" | "seconds" => (dt.with_nanosecond(0)?, Some(Duration::seconds(1))),
        _ => return None,
    };
    let start_ns = start.timestamp_nanos_opt()?;
    if !up {
        return Some(start_ns);
    }
    match step {
        Some(step) => start_ns.checked_add(step.num_nanoseconds()?),
        None if unit.starts_with('y') => add_months(start_ns, 12),
        None => add_months(start_ns, 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// 2024-01-15T10:30:45.5Z
    const NOW: i64 = 1_705_314_645_500_000_000;

    fn at(text: &str) -> i64 {
        parse_datetime_ns(text).unwrap()
    }

    fn resolved(v: Value) -> String {
        format_kql_datetime(resolve_datetime(&v, NOW).unwrap())
    }

    #[test]
    fn formats() {
        assert_eq!(
            format_kql_datetime(at("2024-01-15T00:00:00Z")),
            "2024-01-15T00:00:00.0000000Z"
        );
        assert_eq!(
            format_kql_datetime(at("2021-06-30T00:18:34.4563041Z")),
            "2021-06-30T00:18:34.4563041Z"
        );
        assert_eq!(format_kql_datetime(-1), "1969-12-31T23:59:59.9999999Z");
        let r = TimeRange {
            start_ns: at("2022-11-05T00:00:00Z"),
            end_ns: at("2022-11-08T00:00:00.1234Z"),
        };
        assert_eq!(r.timespan_iso(), "2022-11-05T00:00:00.000Z/2022-11-08T00:00:00.123Z");
        assert_eq!(TimeRange::last(NOW, NS_PER_DAY).start_ns, at("2024-01-14T10:30:45.5Z"));
        assert_eq!(TimeRange::last(i64::MIN, NS_PER_DAY).start_ns, i64::MIN);
    }

    #[test]
    fn absolute_and_days() {
        assert_eq!(resolved(json!("2024-01-01T12:00:00Z")), "2024-01-01T12:00:00.0000000Z");
        assert_eq!(resolved(json!("2024-01-01")), "2024-01-01T00:00:00.0000000Z");
        assert_eq!(resolved(json!(-1)), "2024-01-14T10:30:45.5000000Z");
        assert_eq!(resolved(json!(2)), "2024-01-17T10:30:45.5000000Z");
        assert_eq!(resolved(json!(-0.5)), "2024-01-14T22:30:45.5000000Z");
        assert_eq!(resolved(json!("-3")), "2024-01-12T10:30:45.5000000Z");
    }

    #[test]
    fn offsets_and_rounding() {
        assert_eq!(resolved(json!("-1d")), "2024-01-14T10:30:45.5000000Z");
        assert_eq!(resolved(json!("+1d")), "2024-01-16T10:30:45.5000000Z");
        assert_eq!(resolved(json!("-3h")), "2024-01-15T07:30:45.5000000Z");
        assert_eq!(resolved(json!("30m")), "2024-01-15T11:00:45.5000000Z");
        assert_eq!(resolved(json!("-90s")), "2024-01-15T10:29:15.5000000Z");
        assert_eq!(resolved(json!("-2w@d")), "2024-01-01T00:00:00.0000000Z");
        assert_eq!(resolved(json!("-1d@h")), "2024-01-14T10:00:00.0000000Z");
        assert_eq!(resolved(json!("-1h@m")), "2024-01-15T09:30:00.0000000Z");
        assert_eq!(resolved(json!("-1h@s")), "2024-01-15T09:30:45.0000000Z");
        assert_eq!(resolved(json!("+1d@d")), "2024-01-17T00:00:00.0000000Z");
        assert_eq!(resolved(json!("-1mon")), "2023-12-15T10:30:45.5000000Z");
        assert_eq!(resolved(json!("-1mon@mon")), "2023-12-01T00:00:00.0000000Z");
        assert_eq!(resolved(json!("-1y@y")), "2023-01-01T00:00:00.0000000Z");
        assert_eq!(resolved(json!("1y@y")), "2026-01-01T00:00:00.0000000Z");
    }

    #[test]
    fn bad_values_are_errors() {
        for bad in [
            json!(""),
            json!("yesterday"),
            json!("-1q"),
            json!("-1d@q"),
            json!("@d"),
            json!("-"),
            json!(null),
            json!(true),
            json!([1]),
            json!(1e300),
            json!("-99999999999999d"),
            json!("-9999999999y"),
        ] {
            let e = resolve_datetime(&bad, NOW).unwrap_err().to_string();
            assert!(
                e.contains("datetime") || e.contains("out of range") || e.contains("round"),
                "{bad}: {e}"
            );
        }
        let e = resolve_datetime(&json!("soon"), NOW).unwrap_err().to_string();
        assert!(e.starts_with("'soon' is not a datetime: use ISO 8601 text"), "{e}");
    }
}
