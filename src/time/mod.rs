//! Time: the one place that reads and writes datetimes, durations and the relative times a hunter types.
//!
//! Every point in time is an `i64` of nanoseconds since the Unix epoch, UTC (so 1677-09-21 … 2262-04-11), and every
//! duration an `i64` of nanoseconds, as in [`crate::frame`]. This module turns the ways people, Log Analytics and
//! KQL write them into those numbers and back, with one grammar and one table of units for every API:
//!
//! - **datetime text**: ISO 8601 (`2024-01-15`, `2024-01-15T10:00`, `2024-01-15 10:00:00.4563041Z`,
//!   `2024-01-15T10:00:00+02:00`), which is also what Log Analytics sends, and, where a user types it, RFC 822/1123
//!   and RFC 850 (`Mon, 15 Jan 2024 10:00:00 GMT`) as KQL's `datetime()` accepts. **Text that names no zone is
//!   UTC, in every API** (JavaScript's `new Date("2024-01-15T10:00")` would read it as local time; huntbook never
//!   does): [`parse_datetime_ns`], [`parse_datetime`], [`format_datetime_ns`], [`format_kql_datetime`],
//!   [`format_iso_ms`];
//! - **epoch milliseconds** (what a JS `Date` holds) ⇄ nanoseconds: [`from_ms`] keeps any fraction and rejects
//!   what does not fit, [`to_ms`];
//! - **timespans**: KQL literals (`1d`, `1.5h`, `100ms`, `10microsecond`, `2tick`, `time(1d)`), Log Analytics
//!   text (`1.02:03:04.5000000`): [`parse_timespan`], [`timespan_of`], [`parse_timespan_ns`],
//!   [`format_timespan_ns`];
//! - **offsets from now** as msticpy reads them (`-1d`, `-2w@d`, `+3h`, `-1mon@mon`, a number of days) and
//!   [`When`], a point in time given by a user (epoch ms, datetime text or an offset), resolved against an
//!   explicit `now` (never the clock, so tests can fix it); [`resolve_datetime`] is msticpy's query-parameter
//!   reading, where a number is a number of days.
//!
//! Units (one table for offsets, timespans and KQL's date parts; case-insensitive): `nanosecond`, `tick` (100 ns),
//! `microsecond`, `ms`, `s`, `m`, `h`, `d`, `w`, and, for offsets only (they have no fixed length), `mon` and `y`;
//! each also by its long names (`sec`, `seconds`, `min`, `hours`, `days`, `weeks`, `month`, `years` …): [`unit_ns`].

mod grammar;
mod text;

pub use grammar::{parse_timespan, resolve_datetime, timespan_of, unit_ns, When};
pub use text::{
    format_datetime_ns, format_iso_ms, format_kql_datetime, format_timespan_ns, parse_datetime,
    parse_datetime_ns, parse_timespan_ns,
};

use crate::error::{Error, Result};

/// Nanoseconds in a millisecond, second, minute, hour, day and week.
pub const NS_PER_MS: i64 = 1_000_000;
pub const NS_PER_SECOND: i64 = 1_000_000_000;
pub const NS_PER_MINUTE: i64 = 60 * NS_PER_SECOND;
pub const NS_PER_HOUR: i64 = 60 * NS_PER_MINUTE;
pub const NS_PER_DAY: i64 = 24 * NS_PER_HOUR;
pub const NS_PER_WEEK: i64 = 7 * NS_PER_DAY;

/// Nanoseconds of epoch milliseconds (a JS `Date`'s value, `Date.now()`), keeping the fraction as far as `f64`
/// holds it (to the nanosecond for times within ±285 years of 1970). Not finite or outside 1677-09-21 …
/// 2262-04-11: an error.
pub fn from_ms(ms: f64) -> Result<i64> {
    let out_of_range = || {
        Error::invalid(format!(
            "{ms} ms since 1970 is not a time huntbook can hold (1677-09-21 … 2262-04-11 UTC)"
        ))
    };
    if !ms.is_finite() {
        return Err(out_of_range());
    }
    let whole = ms.floor();
    // 9.3e15 ms is past i64 nanoseconds; the checked arithmetic below catches the edge exactly.
    if whole.abs() > 9.3e15 {
        return Err(out_of_range());
    }
    let frac_ns = ((ms - whole) * 1e6).round() as i64;
    (whole as i64)
        .checked_mul(NS_PER_MS)
        .and_then(|ns| ns.checked_add(frac_ns))
        .ok_or_else(out_of_range)
}

/// Epoch milliseconds (with a fraction for sub-millisecond times) of nanoseconds since the epoch.
pub fn to_ms(ns: i64) -> f64 {
    // Whole ms and the rest with the same sign: no cancellation, so -1 ns is exactly -0.000001 ms.
    (ns / NS_PER_MS) as f64 + (ns % NS_PER_MS) as f64 / 1e6
}

/// A time range `[start, end]` in nanoseconds since the epoch, UTC (a query's time range).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeRange {
    pub start_ns: i64,
    pub end_ns: i64,
}

impl TimeRange {
    /// The `span_ns` before `now_ns`: the default query range is `TimeRange::last(now, NS_PER_DAY)`.
    pub fn last(now_ns: i64, span_ns: i64) -> TimeRange {
        TimeRange {
            start_ns: now_ns.saturating_sub(span_ns),
            end_ns: now_ns,
        }
    }

    /// The range as Log Analytics' `timespan` body field: `start/end` in ISO 8601 UTC with milliseconds,
    /// e.g. `2022-11-05T00:00:00.000Z/2022-11-08T00:00:00.000Z`.
    pub fn timespan_iso(&self) -> String {
        format!(
            "{}/{}",
            format_iso_ms(self.start_ns),
            format_iso_ms(self.end_ns)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_ms_keeps_the_fraction() {
        assert_eq!(from_ms(0.0).unwrap(), 0);
        assert_eq!(
            from_ms(1_705_314_645_500.0).unwrap(),
            1_705_314_645_500_000_000
        );
        assert_eq!(
            from_ms(1_705_314_645_500.25).unwrap(),
            1_705_314_645_500_250_000
        );
        assert_eq!(from_ms(1.000_001).unwrap(), 1_000_001);
        assert_eq!(from_ms(-1.5).unwrap(), -1_500_000);
        assert_eq!(from_ms(-0.000_001).unwrap(), -1);
        assert_eq!(to_ms(1_705_314_645_500_250_000), 1_705_314_645_500.25);
        assert_eq!(to_ms(-1_500_000), -1.5);
        assert_eq!(to_ms(-1), -0.000_001);
        for ms in [1_705_314_645_500.25, -86_400_000.5, 0.125, 1e12] {
            assert_eq!(to_ms(from_ms(ms).unwrap()), ms);
        }
        // The edges of i64 nanoseconds: 2262-04-11T23:47:16.854775807Z and 1677-09-21T00:12:43.145224192Z.
        assert_eq!(
            from_ms(9_223_372_036_854.0).unwrap(),
            9_223_372_036_854_000_000
        );
        assert_eq!(
            from_ms(-9_223_372_036_854.0).unwrap(),
            -9_223_372_036_854_000_000
        );
    }

    #[test]
    fn epoch_ms_out_of_range_is_an_error() {
        for ms in [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            9_223_372_036_855.0,
            -9_223_372_036_855.0,
            1e300,
            -1e19,
        ] {
            let e = from_ms(ms).unwrap_err().to_string();
            assert!(
                e.contains("is not a time huntbook can hold (1677-09-21 … 2262-04-11 UTC)"),
                "{ms}: {e}"
            );
        }
    }

    #[test]
    fn time_range() {
        let r = TimeRange {
            start_ns: parse_datetime_ns("2022-11-05T00:00:00Z").unwrap(),
            end_ns: parse_datetime_ns("2022-11-08T00:00:00.1234Z").unwrap(),
        };
        assert_eq!(
            r.timespan_iso(),
            "2022-11-05T00:00:00.000Z/2022-11-08T00:00:00.123Z"
        );
        let now = parse_datetime_ns("2024-01-15T10:30:45.5Z").unwrap();
        assert_eq!(
            TimeRange::last(now, NS_PER_DAY).start_ns,
            parse_datetime_ns("2024-01-14T10:30:45.5Z").unwrap()
        );
        assert_eq!(TimeRange::last(i64::MIN, NS_PER_DAY).start_ns, i64::MIN);
    }
}
