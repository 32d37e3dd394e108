//! The grammar of durations: one table of units for KQL timespan literals, Log Analytics timespans, msticpy's
//! offsets from now (`-2w@d`) and [`When`], a point in time given by a user.
//!
//! An offset is `[+|-]N[unit][@unit]`: `N` a number (a fraction is allowed but for `mon` and `y`), the unit `d` when
//! none is given. As in msticpy's `QuerySource._convert_datetime`, an `@unit` rounds the result: a negative offset
//! *down* to the start of that unit (`-2w@d` = midnight UTC at the start of the day two weeks ago), any other *up*
//! to the start of the next one (`+1d@d` = midnight at the end of tomorrow). Rounding units are `s`, `m`, `h`, `d`,
//! `mon`, `y` (and the sub-second ones).

use std::fmt;

use chrono::{DateTime, Datelike, Months, NaiveDate, NaiveTime};
use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde_json::Value;

use super::text::{datetime_parts, parse_timespan_ns};
use super::{
    from_ms, NS_PER_DAY, NS_PER_HOUR, NS_PER_MINUTE, NS_PER_MS, NS_PER_SECOND, NS_PER_WEEK,
};
use crate::error::{Error, Result};

/// How long a unit is: a fixed number of nanoseconds, or calendar months (months and years).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Ns(i64),
    Months(u32),
}

/// Every time unit huntbook reads, with its names (lower case; matched case-insensitively).
const UNITS: &[(&[&str], Unit)] = &[
    (&["nanosecond", "nanoseconds"], Unit::Ns(1)),
    (&["tick", "ticks"], Unit::Ns(100)),
    (&["microsecond", "microseconds"], Unit::Ns(1_000)),
    (
        &["ms", "milli", "millis", "millisecond", "milliseconds"],
        Unit::Ns(NS_PER_MS),
    ),
    (
        &["s", "sec", "secs", "second", "seconds"],
        Unit::Ns(NS_PER_SECOND),
    ),
    (
        &["m", "min", "mins", "minute", "minutes"],
        Unit::Ns(NS_PER_MINUTE),
    ),
    (&["h", "hr", "hrs", "hour", "hours"], Unit::Ns(NS_PER_HOUR)),
    (&["d", "day", "days"], Unit::Ns(NS_PER_DAY)),
    (&["w", "week", "weeks"], Unit::Ns(NS_PER_WEEK)),
    (&["mon", "month", "months"], Unit::Months(1)),
    (&["y", "year", "years"], Unit::Months(12)),
];

/// What the units are, for error messages.
const UNIT_LIST: &str = "tick, microsecond, ms, s, m, h, d, w (and mon, y for offsets from now)";

/// What text may say a point in time, for error messages.
const ACCEPTED: &str = "use ISO 8601 text (2024-01-15T00:00:00Z; text without a zone is UTC), a number of days \
from now (-1 = one day ago) or an offset like -1d, -2w@d, -3h, 30m, -90s or +1d (units s, m, h, d, w, mon, y; \
round with @d, @h, @m, @mon, @y)";

fn unit(name: &str) -> Option<Unit> {
    let name = name.trim().to_ascii_lowercase();
    UNITS
        .iter()
        .find(|(names, _)| names.contains(&name.as_str()))
        .map(|&(_, u)| u)
}

/// The sign and the digits of `amount` if it is `[+|-]digits[.digits]` (spaces allowed after the sign).
fn number_parts(amount: &str) -> Option<(bool, &str, &str)> {
    let a = amount.trim();
    let body = a.strip_prefix(['+', '-']).unwrap_or(a).trim_start();
    let (whole, frac) = body.split_once('.').unwrap_or((body, ""));
    let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    (whole.len() + frac.len() > 0 && digits_only(whole) && digits_only(frac)).then_some((
        a.starts_with('-'),
        whole,
        frac,
    ))
}

/// `n` units of `per` nanoseconds, rounded to the nanosecond; `None` if not finite or out of range.
fn f64_ns(n: f64, per: i64) -> Option<i64> {
    let ns = (n * per as f64).round();
    // Inside ±2^63 with a margin f64 rounding cannot cross.
    (ns.abs() < 9.22e18).then_some(ns as i64)
}

/// Nanoseconds in one `unit` of fixed length (`"h"`, `"hours"`, `"week"`, `"tick"` …, case-insensitive); `None` for
/// an unknown unit and for months and years.
pub fn unit_ns(name: &str) -> Option<i64> {
    match unit(name)? {
        Unit::Ns(ns) => Some(ns),
        Unit::Months(_) => None,
    }
}

/// `amount` (`[+|-]digits[.digits]`) of a unit of `per` nanoseconds, rounded to the nanosecond; integers are exact.
/// `None` if `amount` is not such a number or the result does not fit.
fn amount_ns(amount: &str, per: i64) -> Option<i64> {
    let (negative, whole, frac) = number_parts(amount)?;
    let ns = if frac.is_empty() {
        whole.parse::<i64>().ok()?.checked_mul(per)?
    } else {
        f64_ns(format!("{whole}.{frac}").parse().ok()?, per)?
    };
    Some(if negative { -ns } else { ns })
}

/// Nanoseconds of `amount` `unit`s, e.g. `("1.5", "h")`, `("100", "ms")`, `("10", "microsecond")`: the value of a
/// KQL timespan literal written as a number and a unit. Errors name the unknown unit or say the value is out of
/// range; months and years have no fixed length and are errors here.
pub fn timespan_of(amount: &str, unit_name: &str) -> Result<i64> {
    let per = match unit(unit_name) {
        Some(Unit::Ns(ns)) => ns,
        Some(Unit::Months(_)) => {
            return Err(Error::invalid(format!(
                "'{amount}{unit_name}': months and years have no fixed length, so they are not a timespan \
                 (use days, e.g. 30d, or an offset from now like -1mon)"
            )))
        }
        None => {
            return Err(Error::invalid(format!(
                "'{amount}{unit_name}' is not a timespan: '{unit_name}' is not a unit (units are {UNIT_LIST})"
            )))
        }
    };
    amount_ns(amount, per).ok_or_else(|| {
        Error::invalid(format!(
            "'{amount}{unit_name}' is not a timespan: the amount is not a number or out of range"
        ))
    })
}

/// Splits `N[unit]` at the first letter: `("1.5", "h")`, `("-2", "")`.
fn split_amount(text: &str) -> (&str, &str) {
    let at = text
        .find(|c: char| c.is_ascii_alphabetic())
        .unwrap_or(text.len());
    (text[..at].trim(), text[at..].trim())
}

/// Nanoseconds of a timespan written as a KQL literal (`1d`, `-1.5h`, `100ms`, `10microsecond`, `2` = two days,
/// also wrapped as `time(…)`/`timespan(…)`) or as Log Analytics text (`[-][d.]hh:mm:ss[.fffffff]`).
pub fn parse_timespan(text: &str) -> Result<i64> {
    let t = text.trim();
    let inner = ["timespan(", "time("]
        .iter()
        .find_map(|p| t.strip_prefix(p).and_then(|r| r.strip_suffix(')')))
        .unwrap_or(t)
        .trim();
    let bad = || {
        Error::invalid(format!(
            "'{text}' is not a timespan: use e.g. 1d, -1.5h, 30m, 100ms, 10microsecond or 1.02:00:00 \
             (units are {UNIT_LIST})"
        ))
    };
    if inner.contains(':') {
        return parse_timespan_ns(inner).ok_or_else(bad);
    }
    let (amount, unit_name) = split_amount(inner);
    if amount.is_empty() {
        return Err(bad());
    }
    if unit_name.is_empty() {
        return amount_ns(amount, NS_PER_DAY).ok_or_else(bad);
    }
    timespan_of(amount, unit_name)
}

/// An offset from now: a shift, then an optional rounding.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Offset {
    shift: Shift,
    round: Option<Unit>,
    /// Round up to the next unit (not a negative offset), else down.
    up: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Shift {
    Ns(i64),
    Months(i64),
}

impl Offset {
    /// `[+|-]N[unit][@unit]`; `Ok(None)` if the text does not look like an offset, an error if it does but is out
    /// of range or names a unit that cannot round.
    fn parse(text: &str) -> Result<Option<Offset>> {
        let (shift_text, round_text) = match text.split_once('@') {
            Some((s, r)) => (s.trim(), Some(r.trim())),
            None => (text.trim(), None),
        };
        let (amount, unit_name) = split_amount(shift_text);
        if number_parts(amount).is_none() {
            return Ok(None);
        }
        let Some(u) = (if unit_name.is_empty() {
            Some(Unit::Ns(NS_PER_DAY))
        } else {
            unit(unit_name)
        }) else {
            return Ok(None);
        };
        let out_of_range = || {
            Error::invalid(format!(
                "'{text}' is out of range (offsets reach from 1677 to 2262)"
            ))
        };
        let shift = match u {
            Unit::Ns(per) => Shift::Ns(amount_ns(amount, per).ok_or_else(out_of_range)?),
            Unit::Months(per) => {
                let n = amount_ns(amount, 1)
                    .filter(|_| !amount.contains('.'))
                    .ok_or_else(|| {
                        Error::invalid(format!(
                            "'{text}': months and years take a whole number (e.g. -1mon, -2y)"
                        ))
                    })?;
                Shift::Months(n.checked_mul(i64::from(per)).ok_or_else(out_of_range)?)
            }
        };
        let round = match round_text {
            None => None,
            Some(r) => match unit(r) {
                Some(u @ Unit::Ns(per)) if per <= NS_PER_DAY => Some(u),
                Some(u @ Unit::Months(_)) => Some(u),
                _ => {
                    return Err(Error::invalid(format!(
                        "'{text}': cannot round to '@{r}' (round with @s, @m, @h, @d, @mon or @y)"
                    )))
                }
            },
        };
        Ok(Some(Offset {
            shift,
            round,
            up: !shift_text.starts_with('-'),
        }))
    }

    /// The offset applied to `now_ns`.
    fn apply(&self, now_ns: i64, text: &str) -> Result<i64> {
        let out_of_range = || {
            Error::invalid(format!(
                "'{text}' from now is out of range (1677-09-21 … 2262-04-11)"
            ))
        };
        let shifted = match self.shift {
            Shift::Ns(d) => now_ns.checked_add(d),
            Shift::Months(m) => add_months(now_ns, m),
        }
        .ok_or_else(out_of_range)?;
        match self.round {
            None => Ok(shifted),
            Some(u) => round(shifted, u, self.up).ok_or_else(out_of_range),
        }
    }
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

/// `ns` truncated to the start of `unit`, then moved one unit on if `up`.
fn round(ns: i64, unit: Unit, up: bool) -> Option<i64> {
    match unit {
        Unit::Ns(per) => {
            let start = ns.checked_sub(ns.rem_euclid(per))?;
            if up {
                start.checked_add(per)
            } else {
                Some(start)
            }
        }
        Unit::Months(per) => {
            let date = DateTime::from_timestamp_nanos(ns).date_naive();
            let month0 = if per == 12 { 1 } else { date.month() };
            let start = NaiveDate::from_ymd_opt(date.year(), month0, 1)?
                .and_time(NaiveTime::MIN)
                .and_utc()
                .timestamp_nanos_opt()?;
            if up {
                add_months(start, i64::from(per))
            } else {
                Some(start)
            }
        }
    }
}

/// A point in time given by a user: epoch milliseconds (a number, or a JS `Date`, which the wasm skin passes as
/// its epoch ms), datetime text (ISO 8601 or RFC 822; **text without a zone is UTC**), or an offset from now
/// (`-2w@d`, `-1d`, `+3h`, `-1` = one day ago), resolved with [`When::resolve`].
///
/// Deserialises from a JSON number or string (for option structs: `start: Option<When>`); the text is checked
/// then, so a bad value fails when the options are read. `"…".parse::<When>()` reads text the same way.
#[derive(Debug, Clone, PartialEq)]
pub struct When {
    text: String,
    kind: WhenKind,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum WhenKind {
    At(i64),
    From(Offset),
}

impl When {
    /// The time `ms` milliseconds after the epoch (fraction kept); out of range is an error.
    pub fn from_ms(ms: f64) -> Result<When> {
        Ok(When {
            text: format!("{ms}"),
            kind: WhenKind::At(from_ms(ms)?),
        })
    }

    /// Nanoseconds since the epoch, an offset counted from `now_ns`.
    pub fn resolve(&self, now_ns: i64) -> Result<i64> {
        match &self.kind {
            WhenKind::At(ns) => Ok(*ns),
            WhenKind::From(offset) => offset.apply(now_ns, &self.text),
        }
    }

    /// The time this names without a `now`: `Some` for a datetime or epoch ms, `None` for an offset from now.
    pub fn absolute(&self) -> Option<i64> {
        match self.kind {
            WhenKind::At(ns) => Some(ns),
            WhenKind::From(_) => None,
        }
    }
}

impl std::str::FromStr for When {
    type Err = Error;

    fn from_str(text: &str) -> Result<When> {
        let t = text.trim();
        let bad = || Error::invalid(format!("'{text}' is not a datetime: {ACCEPTED}"));
        if t.is_empty() {
            return Err(bad());
        }
        if let Some((secs, frac_ns)) = datetime_parts(t) {
            let ns = secs
                .checked_mul(NS_PER_SECOND)
                .and_then(|s| s.checked_add(frac_ns))
                .ok_or_else(|| {
                    Error::invalid(format!(
                        "'{text}' is out of range: times reach from 1677-09-21 to 2262-04-11 UTC"
                    ))
                })?;
            return Ok(When {
                text: text.to_string(),
                kind: WhenKind::At(ns),
            });
        }
        match Offset::parse(t)? {
            Some(offset) => Ok(When {
                text: text.to_string(),
                kind: WhenKind::From(offset),
            }),
            None => Err(bad()),
        }
    }
}

impl fmt::Display for When {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for When {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<When, D::Error> {
        struct WhenVisitor;
        impl Visitor<'_> for WhenVisitor {
            type Value = When;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a point in time: a Date, epoch milliseconds, ISO 8601 text (no zone = UTC) or an offset from \
                     now like -1d or -2w@d",
                )
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<When, E> {
                When::from_ms(v).map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<When, E> {
                self.visit_f64(v as f64)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<When, E> {
                self.visit_f64(v as f64)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<When, E> {
                v.parse().map_err(E::custom)
            }
        }
        d.deserialize_any(WhenVisitor)
    }
}

/// msticpy's reading of a datetime query parameter, relative to `now_ns`: a number is a number of days from now
/// (`-1` one day ago, `-0.5` twelve hours ago), text is read as [`When`] (ISO 8601, zone-less = UTC, or an
/// offset like `-2w@d`). Errors say which forms are accepted.
pub fn resolve_datetime(value: &Value, now_ns: i64) -> Result<i64> {
    match value {
        Value::Number(n) => {
            let delta = match n.as_i64() {
                Some(days) => days.checked_mul(NS_PER_DAY),
                None => n.as_f64().and_then(|days| f64_ns(days, NS_PER_DAY)),
            };
            delta
                .and_then(|d| now_ns.checked_add(d))
                .ok_or_else(|| Error::invalid(format!("{n} days from now is out of range")))
        }
        Value::String(s) => s.parse::<When>()?.resolve(now_ns),
        other => Err(Error::invalid(format!(
            "{other} is not a datetime: {ACCEPTED}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{format_kql_datetime, parse_datetime_ns};
    use super::*;
    use serde_json::json;

    /// 2024-01-15T10:30:45.5Z, a Monday.
    const NOW: i64 = 1_705_314_645_500_000_000;

    fn at(text: &str) -> i64 {
        parse_datetime_ns(text).unwrap()
    }

    /// Asserts that every input of each `(message, inputs)` case is an error containing the message.
    fn errors_say<T: fmt::Debug, U: fmt::Debug>(
        cases: &[(&str, &[T])],
        f: impl Fn(&T) -> Result<U>,
    ) {
        for (says, inputs) in cases {
            for input in inputs.iter() {
                let e = f(input).unwrap_err().to_string();
                assert!(e.contains(says), "{input:?}: {e}");
            }
        }
    }

    fn when(text: &str) -> String {
        format_kql_datetime(
            text.parse::<When>()
                .unwrap_or_else(|e| panic!("{text}: {e}"))
                .resolve(NOW)
                .unwrap(),
        )
    }

    fn param(v: Value) -> String {
        format_kql_datetime(resolve_datetime(&v, NOW).unwrap())
    }

    #[test]
    fn every_unit_as_a_timespan() {
        for (text, ns) in [
            ("1tick", 100),
            ("3ticks", 300),
            ("10microsecond", 10_000),
            ("2microseconds", 2_000),
            ("100ms", 100_000_000),
            ("1.5milliseconds", 1_500_000),
            ("10s", 10 * NS_PER_SECOND),
            ("2sec", 2 * NS_PER_SECOND),
            ("30m", 30 * NS_PER_MINUTE),
            ("5min", 5 * NS_PER_MINUTE),
            ("2h", 2 * NS_PER_HOUR),
            ("1.5h", 90 * NS_PER_MINUTE),
            ("3HOURS", 3 * NS_PER_HOUR),
            ("1d", NS_PER_DAY),
            ("-1d", -NS_PER_DAY),
            ("+2days", 2 * NS_PER_DAY),
            ("1w", NS_PER_WEEK),
            ("2weeks", 2 * NS_PER_WEEK),
            ("0.5", NS_PER_DAY / 2),
            ("2", 2 * NS_PER_DAY),
            (" 1 h ", NS_PER_HOUR),
            ("time(1d)", NS_PER_DAY),
            ("timespan(30m)", 30 * NS_PER_MINUTE),
            ("time(1.02:00:00)", 26 * NS_PER_HOUR),
            (
                "1.02:03:04.5000000",
                ((26 * 60 + 3) * 60 + 4) * NS_PER_SECOND + 500_000_000,
            ),
            ("-00:30:00", -30 * NS_PER_MINUTE),
        ] {
            assert_eq!(
                parse_timespan(text).unwrap_or_else(|e| panic!("{text}: {e}")),
                ns,
                "{text}"
            );
        }
        assert_eq!(timespan_of("1.5", "h").unwrap(), 90 * NS_PER_MINUTE);
        assert_eq!(timespan_of("7", "nanoseconds").unwrap(), 7);
        assert_eq!(unit_ns("Week"), Some(NS_PER_WEEK));
        assert_eq!(unit_ns("mon"), None);
        assert_eq!(unit_ns("fortnight"), None);
        assert!(timespan_of("9223372036854775807", "tick").unwrap_err().to_string().contains("out of range"));
    }

    #[test]
    fn bad_timespans_are_errors() {
        let cases: [(&str, &[&str]); 5] = [
            ("no fixed length", &["1mon", "1y"]),
            (
                "'q' is not a unit (units are tick, microsecond, ms, s, m, h, d, w",
                &["1q"],
            ),
            ("out of range", &["99999999999999d", "106752d"]),
            ("not a number", &["1..5h"]),
            (
                "is not a timespan",
                &["1e400d", "x", "", "d", "00:61:00", "inf", "NaNh"],
            ),
        ];
        errors_say(&cases, |t| parse_timespan(t));
        assert_eq!(parse_timespan("106751d").unwrap(), 106_751 * NS_PER_DAY);
    }

    #[test]
    fn datetimes_and_epoch_ms() {
        assert_eq!(when("2024-01-01T12:00:00Z"), "2024-01-01T12:00:00.0000000Z");
        assert_eq!(when("2024-01-01"), "2024-01-01T00:00:00.0000000Z");
        assert_eq!(when("2024-01-01T12:00"), "2024-01-01T12:00:00.0000000Z");
        assert_eq!(
            when("2024-01-01 12:00:00.1234567"),
            "2024-01-01T12:00:00.1234567Z"
        );
        assert_eq!(
            when("Mon, 01 Jan 2024 12:00:00 GMT"),
            "2024-01-01T12:00:00.0000000Z"
        );
        let w: When = serde_json::from_value(json!(1_705_314_645_500.25_f64)).unwrap();
        assert_eq!(w.resolve(0).unwrap(), 1_705_314_645_500_250_000);
        assert_eq!(w.absolute(), Some(1_705_314_645_500_250_000));
        let w: When = serde_json::from_value(json!(1_705_314_645_500_i64)).unwrap();
        assert_eq!(w.resolve(0).unwrap(), NOW);
        let w: When = serde_json::from_value(json!("2024-01-15T10:30:45.5")).unwrap();
        assert_eq!(w.resolve(0).unwrap(), NOW);
        assert_eq!(w.to_string(), "2024-01-15T10:30:45.5");
    }

    #[test]
    fn offsets_and_rounding() {
        for (text, expected) in [
            ("-1d", "2024-01-14T10:30:45.5000000Z"),
            ("+1d", "2024-01-16T10:30:45.5000000Z"),
            ("-3h", "2024-01-15T07:30:45.5000000Z"),
            ("30m", "2024-01-15T11:00:45.5000000Z"),
            ("-90s", "2024-01-15T10:29:15.5000000Z"),
            ("-500ms", "2024-01-15T10:30:45.0000000Z"),
            ("-1.5h", "2024-01-15T09:00:45.5000000Z"),
            ("- 2 w", "2024-01-01T10:30:45.5000000Z"),
            ("-2w@d", "2024-01-01T00:00:00.0000000Z"),
            ("-2W @ D", "2024-01-01T00:00:00.0000000Z"),
            ("-1d@h", "2024-01-14T10:00:00.0000000Z"),
            ("-1h@m", "2024-01-15T09:30:00.0000000Z"),
            ("-1h@s", "2024-01-15T09:30:45.0000000Z"),
            ("-1h@ms", "2024-01-15T09:30:45.5000000Z"),
            ("+1d@d", "2024-01-17T00:00:00.0000000Z"),
            ("0d@d", "2024-01-16T00:00:00.0000000Z"),
            ("-0d@d", "2024-01-15T00:00:00.0000000Z"),
            ("-1mon", "2023-12-15T10:30:45.5000000Z"),
            ("+1month", "2024-02-15T10:30:45.5000000Z"),
            ("-1mon@mon", "2023-12-01T00:00:00.0000000Z"),
            ("1mon@mon", "2024-03-01T00:00:00.0000000Z"),
            ("-1y", "2023-01-15T10:30:45.5000000Z"),
            ("-1y@y", "2023-01-01T00:00:00.0000000Z"),
            ("1y@y", "2026-01-01T00:00:00.0000000Z"),
            ("-3", "2024-01-12T10:30:45.5000000Z"),
            ("-0.5", "2024-01-14T22:30:45.5000000Z"),
        ] {
            assert_eq!(when(text), expected, "{text}");
            assert_eq!(param(json!(text)), expected, "{text}");
        }
        // Month ends clamp as dateutil does.
        let end_of_march = at("2024-03-31T00:00:00Z");
        assert_eq!(
            "-1mon"
                .parse::<When>()
                .unwrap()
                .resolve(end_of_march)
                .unwrap(),
            at("2024-02-29T00:00:00Z")
        );
    }

    #[test]
    fn numbers_are_days_for_query_parameters_and_ms_for_when() {
        assert_eq!(param(json!(-1)), "2024-01-14T10:30:45.5000000Z");
        assert_eq!(param(json!(2)), "2024-01-17T10:30:45.5000000Z");
        assert_eq!(param(json!(-0.5)), "2024-01-14T22:30:45.5000000Z");
        let w: When = serde_json::from_value(json!(-1)).unwrap();
        assert_eq!(w.resolve(NOW).unwrap(), -1_000_000);
    }

    #[test]
    fn zone_less_text_is_utc() {
        let utc = at("2024-01-15T10:00:00Z");
        for t in [
            "2024-01-15T10:00",
            "2024-01-15 10:00:00",
            "2024-01-15T10:00:00.000",
        ] {
            assert_eq!(t.parse::<When>().unwrap().resolve(NOW).unwrap(), utc, "{t}");
            assert_eq!(resolve_datetime(&json!(t), NOW).unwrap(), utc, "{t}");
        }
    }

    #[test]
    fn bad_values_are_errors_not_panics() {
        let text: [(&str, &[&str]); 5] = [
            (
                "is not a datetime",
                &["yesterday", "-1q", "@d", "-", "1..5d", "2024-02-30"],
            ),
            ("cannot round to '@", &["-1d@q", "-1d@w"]),
            ("whole number", &["-1.5mon"]),
            (
                "out of range",
                &[
                    "-99999999999999d",
                    "-999999999999999999999d",
                    "-9999999999y",
                    "-400y",
                    "9999-12-31",
                ],
            ),
            ("is not a datetime: use ISO 8601 text", &[""]),
        ];
        errors_say(&text, |t| resolve_datetime(&json!(t), NOW));
        let others: [(&str, &[Value]); 2] = [
            ("is not a datetime", &[json!(null), json!(true), json!([1])]),
            (
                "days from now is out of range",
                &[json!(1e300), json!(-1e300)],
            ),
        ];
        errors_say(&others, |v| resolve_datetime(v, NOW));
        assert!("-1d".parse::<When>().unwrap().resolve(i64::MIN).is_err());
        assert!("+1d@d"
            .parse::<When>()
            .unwrap()
            .resolve(i64::MAX - 1)
            .is_err());
        let e = serde_json::from_value::<When>(json!(1e300))
            .unwrap_err()
            .to_string();
        assert!(e.contains("not a time huntbook can hold"), "{e}");
        let e = serde_json::from_value::<When>(json!("soon"))
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("'soon' is not a datetime: use ISO 8601 text"),
            "{e}"
        );
        let e = serde_json::from_value::<When>(json!(true))
            .unwrap_err()
            .to_string();
        assert!(e.contains("expected a point in time"), "{e}");
    }
}
