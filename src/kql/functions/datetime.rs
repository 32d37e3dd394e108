//! Datetimes and timespans: `now`, `ago`, `bin`, `startof…`/`endof…`, `format_datetime`, `datetime_diff`,
//! `datetime_add`, `datetime_part`, calendar parts, `make_datetime`, Unix times.

use chrono::{DateTime, Datelike, Months, NaiveDate, Timelike, Utc};
use polars::prelude::*;

use super::{ok_col, Args, Def};
use crate::kql::eval::Ctx;
use crate::kql::value::{Col, Scalar, Ty, Val};
use crate::kql::KqlError;

/// 0001-01-01T00:00:00Z in nanoseconds since the Unix epoch: Kusto's origin for `bin` on datetimes.
const KUSTO_EPOCH_NS: i128 = -62_135_596_800_000_000_000;

use crate::time::NS_PER_DAY;

pub(super) static FUNCTIONS: &[Def] = &[
    Def::values(&["now"], 0, 1, now),
    Def::values(&["ago"], 1, 1, ago),
    Def::values(&["bin", "floor"], 2, 2, bin_call),
    Def::values(&["bin_at"], 3, 3, bin_at),
    Def::values(
        &["startofday", "startofweek", "startofmonth", "startofyear", "endofday", "endofweek", "endofmonth", "endofyear"],
        1,
        2,
        period_bound,
    ),
    Def::values(&["format_datetime"], 2, 2, format_datetime_call),
    Def::values(&["datetime_diff"], 3, 3, datetime_diff_call),
    Def::values(&["datetime_add"], 3, 3, datetime_add_call),
    Def::values(&["dayofweek"], 1, 1, dayofweek),
    Def::values(&["dayofmonth", "dayofyear", "hourofday", "monthofyear", "getmonth", "getyear"], 1, 1, calendar_part),
    Def::values(&["make_datetime"], 3, 7, make_datetime),
    Def::values(&["datetime_part"], 2, 2, datetime_part),
    Def::values(&["week_of_year", "weekofyear"], 1, 1, week_of_year),
    Def::values(&["unixtime_seconds_todatetime", "unixtime_milliseconds_todatetime"], 1, 1, unixtime_todatetime),
];

/// `now()`.
fn now(a: &Args, ctx: &Ctx) -> Result<Val, KqlError> {
    let now = ctx.env.now_ns;
    let off = if a.len() == 1 { timespan_const(&a.konst(0)?)? } else { 0 };
    Ok(Val::S(Scalar::DateTime(now.saturating_add(off))))
}

/// `ago()`.
fn ago(a: &Args, ctx: &Ctx) -> Result<Val, KqlError> {
    let now = ctx.env.now_ns;
    let spans = span_col(&a.col(0))?;
    ok_col(Col::DateTime(spans.into_iter().map(|v| v.and_then(|x| now.checked_sub(x))).collect()))
}

/// `bin()`, `floor()`.
fn bin_call(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    ok_col(bin(&a.col(0), &a.konst(1)?, None)?)
}

/// `bin_at()`.
fn bin_at(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    ok_col(bin(&a.col(0), &a.konst(1)?, Some(&a.konst(2)?))?)
}

/// `startofday()`, `startofweek()`, `startofmonth()`, `startofyear()`, `endofday()`, `endofweek()`, `endofmonth()`, `endofyear()`.
fn period_bound(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    let offset = if a.len() == 2 { a.konst_i64(1)? } else { 0 };
    let d = a.col(0).to_datetime();
    let name = a.name;
    ok_col(Col::DateTime(d.into_iter().map(|v| v.and_then(|ns| start_or_end_of(name, ns, offset))).collect()))
}

/// `format_datetime()`.
fn format_datetime_call(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    let fmt = a.konst_str(1)?;
    let d = a.col(0).to_datetime();
    ok_col(Col::Str(d.into_iter().map(|v| v.map(|ns| format_datetime(ns, &fmt))).collect()))
}

/// `datetime_diff()`.
fn datetime_diff_call(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    let part = a.konst_str(0)?.to_lowercase();
    if datetime_diff(&part, 0, 0).is_none() {
        return Err(KqlError::msg(format!("datetime_diff(): unknown period '{part}' (year, quarter, month, week, day, hour, minute, second …)")));
    }
    let x = a.col(1).to_datetime();
    let y = a.col(2).to_datetime();
    ok_col(Col::Long(x.into_iter().zip(&y).map(|(x, y)| datetime_diff(&part, x?, y?)).collect()))
}

/// `datetime_add()`.
fn datetime_add_call(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    let part = a.konst_str(0)?.to_lowercase();
    let amount = a.col(1).to_i64();
    let d = a.col(2).to_datetime();
    ok_col(Col::DateTime(d.into_iter().zip(&amount).map(|(d, k)| datetime_add(&part, k?, d?)).collect()))
}

/// `dayofweek()`.
fn dayofweek(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    let d = a.col(0).to_datetime();
    ok_col(Col::Timespan(d.into_iter().map(|v| v.and_then(to_utc).map(|t| t.weekday().num_days_from_sunday() as i64 * NS_PER_DAY)).collect()))
}

/// `dayofmonth()`, `dayofyear()`, `hourofday()`, `monthofyear()`, `getmonth()`, `getyear()`.
fn calendar_part(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    let d = a.col(0).to_datetime();
    let name = a.name;
    ok_col(Col::Long(
        d.into_iter()
            .map(|v| {
                v.and_then(to_utc).map(|t| match name {
                    "dayofmonth" => t.day() as i64,
                    "dayofyear" => t.ordinal() as i64,
                    "hourofday" => t.hour() as i64,
                    "monthofyear" | "getmonth" => t.month() as i64,
                    _ => t.year() as i64,
                })
            })
            .collect(),
    ))
}

/// `make_datetime()`.
fn make_datetime(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    let parts: Vec<Float64Chunked> = (0..a.len()).map(|i| a.col(i).to_f64()).collect();
    ok_col(Col::DateTime(
        (0..a.m)
            .map(|r| {
                let p = |i: usize| parts.get(i).map_or(Some(0.0), |c| c.get(r));
                let d = NaiveDate::from_ymd_opt(p(0)? as i32, p(1)? as u32, p(2)? as u32)?;
                let secs = p(5)?;
                let t = d.and_hms_opt(p(3)? as u32, p(4)? as u32, 0)?.and_utc();
                t.timestamp_nanos_opt()?.checked_add((secs * 1e9) as i64)
            })
            .collect(),
    ))
}

/// `datetime_part()`.
fn datetime_part(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    let part = a.konst_str(0)?.to_lowercase();
    let d = a.col(1).to_datetime();
    let known = ["year", "quarter", "month", "week_of_year", "week", "day", "dayofyear", "hour", "minute", "second", "millisecond", "microsecond", "nanosecond"];
    if !known.contains(&part.as_str()) {
        return Err(KqlError::msg(format!("datetime_part(): unknown part '{part}' ({})", known.join(", "))));
    }
    ok_col(Col::Long(d.into_iter().map(|v| {
        let ns = v?;
        let t = to_utc(ns)?;
        let frac = ns.rem_euclid(1_000_000_000);
        Some(match part.as_str() {
            "year" => t.year() as i64,
            "quarter" => (t.month0() / 3 + 1) as i64,
            "month" => t.month() as i64,
            "week_of_year" | "week" => t.iso_week().week() as i64,
            "day" => t.day() as i64,
            "dayofyear" => t.ordinal() as i64,
            "hour" => t.hour() as i64,
            "minute" => t.minute() as i64,
            "second" => t.second() as i64,
            "millisecond" => frac / 1_000_000,
            "microsecond" => frac / 1_000,
            _ => frac,
        })
    }).collect()))
}

/// `week_of_year()`, `weekofyear()`.
fn week_of_year(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    ok_col(Col::Long(a.col(0).to_datetime().into_iter().map(|v| v.and_then(to_utc).map(|t| t.iso_week().week() as i64)).collect()))
}

/// `unixtime_seconds_todatetime()`, `unixtime_milliseconds_todatetime()`.
fn unixtime_todatetime(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    let k = if a.name.contains("milli") { 1e6 } else { 1e9 };
    ok_col(Col::DateTime(a.col(0).to_f64().into_iter().map(|v| crate::kql::value::f64_to_i64(v? * k)).collect()))
}

/// A constant timespan (a timespan, or a number of days… as Kusto reads `now(-1)`).
fn timespan_const(s: &Scalar) -> Result<i64, KqlError> {
    match s {
        Scalar::Timespan(v) => Ok(*v),
        Scalar::Long(d) => Ok(d.saturating_mul(NS_PER_DAY)),
        Scalar::Null => Ok(0),
        other => Err(KqlError::msg(format!("'{}' is not a timespan", other.to_text()))),
    }
}

/// A column of timespans (`ago(1d)`; a string like '1d' is read too).
fn span_col(c: &Col) -> Result<Int64Chunked, KqlError> {
    match c.ty() {
        Ty::Timespan | Ty::Str | Ty::Dyn => Ok(c.to_timespan()),
        Ty::Long => Ok(c.to_i64().into_iter().map(|v| v.and_then(|d| d.checked_mul(NS_PER_DAY))).collect()),
        other => Err(KqlError::msg(format!("ago() needs a timespan, not a {} value", other.name()))),
    }
}

/// The error for a bin that does not fit 64 bits (checked in debug and release alike).
fn out_of_range(x: i64, size: i128, origin: i128) -> KqlError {
    KqlError::msg(format!(
        "bin() of {x} by {size} from {origin} is out of range: the bin does not fit a 64-bit value (choose an origin \
         nearer the values)"
    ))
}

/// `bin(value, size)` / `bin_at(value, size, origin)`.
fn bin(v: &Col, size: &Scalar, at: Option<&Scalar>) -> Result<Col, KqlError> {
    match (v.ty(), size) {
        (Ty::DateTime, Scalar::Timespan(s)) | (Ty::Timespan, Scalar::Timespan(s)) => {
            let origin: i128 = match (at, v.ty()) {
                (Some(Scalar::DateTime(o)) | Some(Scalar::Timespan(o)), _) => *o as i128,
                (_, Ty::DateTime) => KUSTO_EPOCH_NS,
                _ => 0,
            };
            let s = *s as i128;
            let out: Int64Chunked = v
                .to_i64_raw()
                .into_iter()
                .map(|x| {
                    let Some(x) = x.filter(|_| s > 0) else { return Ok(None) };
                    let binned = (x as i128 - origin).div_euclid(s) * s + origin;
                    i64::try_from(binned).map(Some).map_err(|_| out_of_range(x, s, origin))
                })
                .collect::<Result<_, _>>()?;
            Ok(if v.ty() == Ty::DateTime { Col::DateTime(out) } else { Col::Timespan(out) })
        }
        (Ty::Long, Scalar::Long(s)) => {
            let o = match at {
                Some(Scalar::Long(o)) => *o,
                _ => 0,
            };
            let s = *s;
            let out: Int64Chunked = v
                .to_i64()
                .into_iter()
                .map(|x| {
                    let Some(x) = x.filter(|_| s > 0) else { return Ok(None) };
                    let binned = (i128::from(x) - i128::from(o)).div_euclid(i128::from(s)) * i128::from(s) + i128::from(o);
                    i64::try_from(binned).map(Some).map_err(|_| out_of_range(x, i128::from(s), i128::from(o)))
                })
                .collect::<Result<_, _>>()?;
            Ok(Col::Long(out))
        }
        (Ty::Long | Ty::Real | Ty::Dyn | Ty::Str, Scalar::Long(_) | Scalar::Real(_)) => {
            let s = match size {
                Scalar::Long(x) => *x as f64,
                Scalar::Real(x) => *x,
                _ => 1.0,
            };
            let o = match at {
                Some(Scalar::Long(o)) => *o as f64,
                Some(Scalar::Real(o)) => *o,
                _ => 0.0,
            };
            Ok(Col::Real(
                v.to_f64().into_iter().map(|x| if s <= 0.0 { None } else { Some(((x? - o) / s).floor() * s + o) }).collect(),
            ))
        }
        (t, s) => Err(KqlError::msg(format!(
            "bin() of a {} value by '{}' (use a timespan like 1h for datetimes, a number for numbers)",
            t.name(),
            s.to_text()
        ))),
    }
}

pub fn to_utc(ns: i64) -> Option<DateTime<Utc>> {
    DateTime::<Utc>::from_timestamp(ns.div_euclid(1_000_000_000), ns.rem_euclid(1_000_000_000) as u32)
}

fn from_utc(t: DateTime<Utc>) -> Option<i64> {
    t.timestamp_nanos_opt()
}

fn start_or_end_of(name: &str, ns: i64, offset: i64) -> Option<i64> {
    let t = to_utc(ns)?;
    let date = t.date_naive();
    let off = i32::try_from(offset).ok()?;
    let (start, next) = match &name[name.len() - 3..] {
        "day" => {
            let s = date.checked_add_signed(chrono::Duration::days(offset))?;
            (s, s.succ_opt()?)
        }
        "eek" => {
            let back = date.weekday().num_days_from_sunday() as i64;
            let s = date.checked_sub_signed(chrono::Duration::days(back))?.checked_add_signed(chrono::Duration::weeks(offset))?;
            (s, s.checked_add_signed(chrono::Duration::days(7))?)
        }
        "nth" => {
            let first = NaiveDate::from_ymd_opt(date.year(), date.month(), 1)?;
            let s = if off >= 0 { first.checked_add_months(Months::new(off as u32))? } else { first.checked_sub_months(Months::new(off.unsigned_abs()))? };
            (s, s.checked_add_months(Months::new(1))?)
        }
        _ => {
            let s = NaiveDate::from_ymd_opt(date.year().checked_add(off)?, 1, 1)?;
            (s, NaiveDate::from_ymd_opt(s.year() + 1, 1, 1)?)
        }
    };
    let s_ns = from_utc(start.and_hms_opt(0, 0, 0)?.and_utc())?;
    if name.starts_with("end") {
        // Kusto's end of a period is its last tick (100 ns)
        Some(from_utc(next.and_hms_opt(0, 0, 0)?.and_utc())? - 100)
    } else {
        Some(s_ns)
    }
}

/// `datetime_diff(part, a, b)`: how many `part` boundaries lie between b and a.
fn datetime_diff(part: &str, a: i64, b: i64) -> Option<i64> {
    match part {
        "year" | "years" => Some(to_utc(a)?.year() as i64 - to_utc(b)?.year() as i64),
        "quarter" | "quarters" => {
            let q = |t: DateTime<Utc>| t.year() as i64 * 4 + (t.month0() / 3) as i64;
            Some(q(to_utc(a)?) - q(to_utc(b)?))
        }
        "month" | "months" => {
            let m = |t: DateTime<Utc>| t.year() as i64 * 12 + t.month0() as i64;
            Some(m(to_utc(a)?) - m(to_utc(b)?))
        }
        "week" | "weeks" => {
            let wa = start_or_end_of("startofweek", a, 0)?;
            let wb = start_or_end_of("startofweek", b, 0)?;
            Some((wa - wb) / (7 * NS_PER_DAY))
        }
        p => {
            let u = crate::time::unit_ns(p)?;
            Some(a.div_euclid(u) - b.div_euclid(u))
        }
    }
}

fn datetime_add(part: &str, k: i64, d: i64) -> Option<i64> {
    match part {
        "year" | "years" | "quarter" | "quarters" | "month" | "months" => {
            let months = match part {
                "year" | "years" => k.checked_mul(12)?,
                "quarter" | "quarters" => k.checked_mul(3)?,
                _ => k,
            };
            let t = to_utc(d)?;
            let m = u32::try_from(months.unsigned_abs()).ok()?;
            let t = if months >= 0 { t.checked_add_months(Months::new(m))? } else { t.checked_sub_months(Months::new(m))? };
            from_utc(t)
        }
        p => d.checked_add(crate::time::unit_ns(p)?.checked_mul(k)?),
    }
}

/// .NET-style custom format: `yyyy-MM-dd HH:mm:ss.fff tt`.
pub fn format_datetime(ns: i64, fmt: &str) -> String {
    let Some(t) = to_utc(ns) else { return String::new() };
    let chars: Vec<char> = fmt.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let ch = chars[i];
        let mut run = 1;
        while i + run < chars.len() && chars[i + run] == ch {
            run += 1;
        }
        let frac = t.nanosecond() % 1_000_000_000;
        match ch {
            'y' => {
                if run <= 2 {
                    out.push_str(&format!("{:02}", t.year().rem_euclid(100)));
                } else {
                    out.push_str(&format!("{:0width$}", t.year(), width = run));
                }
            }
            'M' => out.push_str(&if run >= 2 { format!("{:02}", t.month()) } else { t.month().to_string() }),
            'd' => out.push_str(&if run >= 2 { format!("{:02}", t.day()) } else { t.day().to_string() }),
            'H' => out.push_str(&if run >= 2 { format!("{:02}", t.hour()) } else { t.hour().to_string() }),
            'h' => {
                let h = match t.hour() % 12 {
                    0 => 12,
                    h => h,
                };
                out.push_str(&if run >= 2 { format!("{h:02}") } else { h.to_string() });
            }
            'm' => out.push_str(&if run >= 2 { format!("{:02}", t.minute()) } else { t.minute().to_string() }),
            's' => out.push_str(&if run >= 2 { format!("{:02}", t.second()) } else { t.second().to_string() }),
            'f' | 'F' => {
                let digits = run.min(9);
                let s = format!("{frac:09}");
                let mut part = s[..digits].to_string();
                if ch == 'F' {
                    part = part.trim_end_matches('0').to_string();
                }
                out.push_str(&part);
            }
            't' => out.push_str(if t.hour() < 12 { "AM" } else { "PM" }),
            other => {
                for _ in 0..run {
                    out.push(other);
                }
            }
        }
        i += run;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: i64 = 1_704_067_200_000_000_000; // 2024-01-01T00:00:00Z (a Monday)

    #[test]
    fn bins() {
        let v = Col::DateTime([Some(D + 90 * 60 * 1_000_000_000)].into_iter().collect());
        assert_eq!(bin(&v, &Scalar::Timespan(3_600_000_000_000), None).unwrap().get(0), Scalar::DateTime(D + 3_600_000_000_000));
        assert_eq!(bin(&v, &Scalar::Timespan(NS_PER_DAY), None).unwrap().get(0), Scalar::DateTime(D));
        // weekly bins start on Mondays (Kusto's origin 0001-01-01 was a Monday)
        let thu = Col::DateTime([Some(D + 3 * NS_PER_DAY)].into_iter().collect());
        assert_eq!(bin(&thu, &Scalar::Timespan(7 * NS_PER_DAY), None).unwrap().get(0), Scalar::DateTime(D));
        let n = Col::Long([Some(17), Some(-3)].into_iter().collect());
        let b = bin(&n, &Scalar::Long(5), None).unwrap();
        assert_eq!((b.get(0), b.get(1)), (Scalar::Long(15), Scalar::Long(-5)));
        let r = Col::Real([Some(2.7)].into_iter().collect());
        assert_eq!(bin(&r, &Scalar::Real(0.5), None).unwrap().get(0), Scalar::Real(2.5));
    }

    #[test]
    fn calendar() {
        let t = D + 13 * 3_600_000_000_000 + 5 * 60_000_000_000 + 7_123_000_000; // 13:05:07.123
        assert_eq!(start_or_end_of("startofday", t, 0), Some(D));
        assert_eq!(start_or_end_of("endofday", t, 0), Some(D + NS_PER_DAY - 100));
        assert_eq!(start_or_end_of("startofweek", t, 0), Some(D - NS_PER_DAY)); // Sunday
        assert_eq!(start_or_end_of("startofmonth", t + 20 * NS_PER_DAY, 0), Some(D));
        assert_eq!(start_or_end_of("startofyear", t, 1), Some(D + 366 * NS_PER_DAY));
        assert_eq!(format_datetime(t, "yyyy-MM-dd HH:mm:ss.fff"), "2024-01-01 13:05:07.123");
        assert_eq!(format_datetime(t, "M/d/yy h:mm tt"), "1/1/24 1:05 PM");
        assert_eq!(datetime_diff("day", D + 3 * NS_PER_DAY, D + 1), Some(3));
        assert_eq!(datetime_diff("month", D, D - NS_PER_DAY), Some(1));
        assert_eq!(datetime_add("month", 1, D), Some(D + 31 * NS_PER_DAY));
    }
}
