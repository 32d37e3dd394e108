//! Scales: time (epoch nanoseconds ↔ pixels) with calendar ticks at every zoom level, and linear values with "nice"
//! ticks.
//!
//! A [`TimeScale`] maps a domain `[start, end]` of `i64` nanoseconds since the Unix epoch onto pixels `[0, width]`.
//! It zooms about a pixel and pans by pixels, and keeps its domain inside an allowed extent: the span never drops
//! below 1 ms nor exceeds the extent (for a timeline, 10× the data span), and the domain is never inverted.
//! Arithmetic on times is done in `i128`, so `i64::MIN`/`i64::MAX` and spans wider than `i64` are safe.
//!
//! [`TimeScale::ticks`] picks a step from a ladder so there are about 5–10 ticks for the pixel width (at most one
//! tick per 80 px, at most 10), aligned to calendar boundaries in UTC:
//!
//! | unit | steps | label | context label |
//! |---|---|---|---|
//! | sub-millisecond | 100, 200, 500 µs | `14:05:30.2505` | the date, `2024-01-15` |
//! | millisecond | 1, 2, 5, 10, 20, 50, 100, 200, 500 ms | `14:05:30.250` | the date |
//! | second | 1, 2, 5, 10, 15, 30 s | `14:05:30` | the date |
//! | minute | 1, 2, 5, 10, 15, 30 min | `14:05` | the date |
//! | hour | 1, 2, 3, 6, 12 h | `Jan 15 14:00` | the date |
//! | day | 1, 2 days (2 days: even days since the epoch) | `Jan 15` | the year, `2024` |
//! | week | 1 week, on Mondays | `Jan 15` | the year |
//! | month | 1, 3, 6 months (on January, April …) | `Jan 2024` | none |
//! | year | 1, 2, 5, 10, 20, 50, 100 … years (on years divisible by the step) | `2024` | none |
//!
//! When a view crosses a date (or a year) the context label names both ends: `2024-01-15 – 2024-01-16`.
//!
//! A [`LinearScale`] maps values onto a pixel range (inverted for a y axis) with ticks at 1, 2 or 5 × 10^k.

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use serde::Serialize;

/// Nanoseconds in a millisecond, second, minute, hour, day and week ([`crate::time`]'s).
pub use crate::time::{
    NS_PER_DAY as DAY, NS_PER_HOUR as HOUR, NS_PER_MINUTE as MINUTE, NS_PER_MS as MS, NS_PER_SECOND as SECOND,
    NS_PER_WEEK as WEEK,
};
/// The narrowest time domain a scale allows: 1 ms.
pub const MIN_SPAN_NS: i64 = MS;
/// At most one time tick per this many pixels.
pub const TICK_SPACING_PX: f64 = 80.0;
/// At most this many time ticks, however wide the axis.
pub const MAX_TICKS: usize = 10;

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `v` as an `i64`, saturating.
pub(crate) fn sat(v: i128) -> i64 {
    v.clamp(i64::MIN as i128, i64::MAX as i128) as i64
}

/// A finite pixel width, or 0.
fn clean_width(width: f64) -> f64 {
    if width.is_finite() && width >= 1e-3 {
        width.min(1e9)
    } else {
        0.0
    }
}

/// The window `[start, end]` made valid: ordered, at least `min_span` wide (or the whole extent if that is
/// narrower), at most the extent wide, and inside `[lo, hi]` (moved, not shrunk, when it sticks out).
pub(crate) fn clamp_window(start: i128, end: i128, lo: i128, hi: i128, min_span: i128) -> (i128, i128) {
    let (lo, hi) = if lo <= hi { (lo, hi) } else { (hi, lo) };
    let (mut start, mut end) = if start <= end { (start, end) } else { (end, start) };
    let max_span = hi - lo;
    let min_span = min_span.clamp(0, max_span);
    if end - start > max_span {
        return (lo, hi);
    }
    if end - start < min_span {
        let mid = start + (end - start) / 2;
        start = mid - min_span / 2;
        end = start + min_span;
    }
    if start < lo {
        end += lo - start;
        start = lo;
    }
    if end > hi {
        start -= end - hi;
        end = hi;
    }
    (start, end)
}

/// A linear time scale: nanoseconds since the epoch in `[start, end]` ↔ pixels in `[0, width]`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TimeScale {
    start: i64,
    end: i64,
    width: f64,
    lo: i64,
    hi: i64,
}

impl TimeScale {
    /// A scale showing `[start, end]` (swapped if inverted, widened to 1 ms if narrower) on `width` pixels, allowed
    /// anywhere in the `i64` range.
    pub fn new(start: i64, end: i64, width: f64) -> TimeScale {
        TimeScale::with_extent(start, end, width, i64::MIN, i64::MAX)
    }

    /// A scale showing `[start, end]` whose domain must stay inside `[lo, hi]` (swapped if inverted, widened about
    /// its middle to at least 1 ms).
    pub fn with_extent(start: i64, end: i64, width: f64, lo: i64, hi: i64) -> TimeScale {
        let (lo, hi) = widen(lo, hi, MIN_SPAN_NS);
        let mut s = TimeScale {
            start: lo,
            end: hi,
            width: clean_width(width),
            lo,
            hi,
        };
        s.set_domain(start, end);
        s
    }

    /// The initial scale of a timeline over data from `min_ns` to `max_ns` (msticpy's): the data with 10% of its span
    /// added on each side (a minute around it when all events are at one time), allowed to zoom out to 10× the data
    /// span (at least 10 minutes) about the data's middle.
    pub fn for_data(min_ns: i64, max_ns: i64, width: f64) -> TimeScale {
        let (start, end) = initial_window(min_ns, max_ns, 0.1);
        let (lo, hi) = allowed_extent(min_ns, max_ns);
        TimeScale::with_extent(start, end, width, lo, hi)
    }

    /// Start of the domain (ns since the epoch).
    pub fn start(&self) -> i64 {
        self.start
    }

    /// End of the domain (ns since the epoch).
    pub fn end(&self) -> i64 {
        self.end
    }

    /// `end - start` in nanoseconds (saturating at `i64::MAX`).
    pub fn span(&self) -> i64 {
        sat(self.span_i128())
    }

    fn span_i128(&self) -> i128 {
        self.end as i128 - self.start as i128
    }

    /// The allowed extent `(lo, hi)` the domain must stay in.
    pub fn extent(&self) -> (i64, i64) {
        (self.lo, self.hi)
    }

    /// Pixel width of the range.
    pub fn width(&self) -> f64 {
        self.width
    }

    /// Changes the pixel width (a resized canvas); the domain stays. Non-finite or negative widths become 0.
    pub fn set_width(&mut self, width: f64) {
        self.width = clean_width(width);
    }

    /// Shows `[start, end]`, made valid (ordered, ≥ 1 ms, inside the allowed extent).
    pub fn set_domain(&mut self, start: i64, end: i64) {
        self.set_domain_i128(start as i128, end as i128);
    }

    fn set_domain_i128(&mut self, start: i128, end: i128) {
        let (s, e) = clamp_window(start, end, self.lo as i128, self.hi as i128, MIN_SPAN_NS as i128);
        self.start = sat(s);
        self.end = sat(e);
    }

    /// Nanoseconds per pixel (0 for a zero-width scale).
    pub fn ns_per_px(&self) -> f64 {
        if self.width > 0.0 {
            self.span_i128() as f64 / self.width
        } else {
            0.0
        }
    }

    /// The pixel of time `t` (may be outside `[0, width]`; 0 for a zero-width scale).
    pub fn to_px(&self, t: i64) -> f64 {
        let span = self.span_i128() as f64;
        if self.width <= 0.0 || span <= 0.0 {
            return 0.0;
        }
        let d = t as i128 - self.start as i128;
        // i64 → f64 is one instruction; i128 → f64 is a library call (this runs once per event in hot loops).
        let d = i64::try_from(d).map_or(d as f64, |d| d as f64);
        d * self.width / span
    }

    /// The time at pixel `px` (saturating at the `i64` range; `start` for NaN or a zero-width scale).
    pub fn to_time(&self, px: f64) -> i64 {
        sat(self.time_at_i128(px))
    }

    fn time_at_i128(&self, px: f64) -> i128 {
        if self.width <= 0.0 || px.is_nan() {
            return self.start as i128;
        }
        let off = (px.clamp(-1e12, 1e12) * self.span_i128() as f64 / self.width).clamp(-3e19, 3e19);
        self.start as i128 + off.round() as i128
    }

    /// Zooms by `factor` about pixel `anchor_px`: `factor > 1` zooms in (the span shrinks by that factor), `< 1` zooms
    /// out. The time under the anchor stays there unless the allowed extent pushes the domain. Non-finite or
    /// non-positive factors do nothing; a non-finite anchor means the middle.
    pub fn zoom(&mut self, factor: f64, anchor_px: f64) {
        if !factor.is_finite() || factor <= 0.0 {
            return;
        }
        let anchor = if anchor_px.is_finite() && self.width > 0.0 {
            anchor_px.clamp(0.0, self.width)
        } else {
            self.width / 2.0
        };
        let ratio = if self.width > 0.0 { anchor / self.width } else { 0.5 };
        let at = self.time_at_i128(anchor);
        let max_span = (self.hi as i128 - self.lo as i128) as f64;
        let new_span = (self.span_i128() as f64 / factor).clamp((MIN_SPAN_NS as f64).min(max_span), max_span);
        let start = at - (ratio * new_span).round() as i128;
        let end = start + new_span.round() as i128;
        self.set_domain_i128(start, end);
    }

    /// Moves the view by `dx_px` pixels as a drag does: a positive `dx_px` (dragging right) shows earlier times.
    /// The span is kept; the allowed extent stops the move. Non-finite values do nothing.
    pub fn pan(&mut self, dx_px: f64) {
        if !dx_px.is_finite() || self.width <= 0.0 {
            return;
        }
        let delta = (dx_px * self.ns_per_px()).clamp(-3e19, 3e19).round() as i128;
        let (lo, hi) = (self.lo as i128, self.hi as i128);
        let (s, e) = (self.start as i128 - delta, self.end as i128 - delta);
        let (s, e) = clamp_window(s, e, lo, hi, MIN_SPAN_NS as i128);
        self.start = sat(s);
        self.end = sat(e);
    }

    /// Ticks for the current domain and width: about 5–10, calendar-aligned in UTC, labelled for the step.
    pub fn ticks(&self) -> TimeTicks {
        let max = ((self.width / TICK_SPACING_PX).floor() as usize).clamp(2, MAX_TICKS);
        time_ticks(self, max)
    }
}

/// `[lo, hi]` ordered and at least `min` wide (widened about its middle, inside the `i64` range).
fn widen(lo: i64, hi: i64, min: i64) -> (i64, i64) {
    let (lo, hi) = if lo <= hi {
        (lo as i128, hi as i128)
    } else {
        (hi as i128, lo as i128)
    };
    if hi - lo >= min as i128 {
        return (lo as i64, hi as i64);
    }
    let mid = lo + (hi - lo) / 2;
    let (s, e) = clamp_window(
        mid - min as i128 / 2,
        mid + min as i128 / 2,
        i64::MIN as i128,
        i64::MAX as i128,
        min as i128,
    );
    (sat(s), sat(e))
}

/// The data `[min, max]` padded by `pad` of its span on each side, or a minute about it when it has no span.
pub(crate) fn initial_window(min_ns: i64, max_ns: i64, pad: f64) -> (i64, i64) {
    let (lo, hi) = if min_ns <= max_ns {
        (min_ns as i128, max_ns as i128)
    } else {
        (max_ns as i128, min_ns as i128)
    };
    let span = hi - lo;
    let p = if span == 0 {
        30 * SECOND as i128
    } else {
        (span as f64 * pad).round() as i128
    };
    (sat(lo - p), sat(hi + p))
}

/// The extent a timeline may zoom out to: 10× the data span (at least 10 minutes) about the data's middle.
pub(crate) fn allowed_extent(min_ns: i64, max_ns: i64) -> (i64, i64) {
    let (lo, hi) = if min_ns <= max_ns {
        (min_ns as i128, max_ns as i128)
    } else {
        (max_ns as i128, min_ns as i128)
    };
    let span = (hi - lo).max(MINUTE as i128);
    let mid = lo + (hi - lo) / 2;
    (sat(mid - 5 * span), sat(mid + 5 * span))
}

/// One tick on a time axis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimeTick {
    /// The tick's time, ns since the epoch.
    pub time_ns: i64,
    /// Its pixel on the scale.
    pub px: f64,
    /// Its label, formatted for the step (`2024`, `Jan 2024`, `Jan 15`, `Jan 15 14:00`, `14:05`, `14:05:30`,
    /// `14:05:30.250`).
    pub label: String,
}

/// The ticks of a time axis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimeTicks {
    /// The step's unit: `microsecond`, `millisecond`, `second`, `minute`, `hour`, `day`, `week`, `month`, `year`.
    pub unit: &'static str,
    /// How many units a step is (e.g. 15 for 15-minute ticks).
    pub count: u32,
    /// The step in nanoseconds (months and years: their average length).
    pub step_ns: i64,
    /// The ticks inside the domain, in time order.
    pub ticks: Vec<TimeTick>,
    /// What the labels leave out: the date for sub-day steps, the year for day and week steps.
    pub context: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Unit {
    Micro,
    Milli,
    Second,
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Year,
}

impl Unit {
    fn name(self) -> &'static str {
        match self {
            Unit::Micro => "microsecond",
            Unit::Milli => "millisecond",
            Unit::Second => "second",
            Unit::Minute => "minute",
            Unit::Hour => "hour",
            Unit::Day => "day",
            Unit::Week => "week",
            Unit::Month => "month",
            Unit::Year => "year",
        }
    }

    fn ns(self) -> i64 {
        match self {
            Unit::Micro => 1_000,
            Unit::Milli => MS,
            Unit::Second => SECOND,
            Unit::Minute => MINUTE,
            Unit::Hour => HOUR,
            Unit::Day => DAY,
            Unit::Week => WEEK,
            Unit::Month => 2_629_746 * SECOND, // 365.2425 / 12 days
            Unit::Year => 31_556_952 * SECOND, // 365.2425 days
        }
    }
}

const LADDER: &[(Unit, i64)] = &[
    (Unit::Micro, 100),
    (Unit::Micro, 200),
    (Unit::Micro, 500),
    (Unit::Milli, 1),
    (Unit::Milli, 2),
    (Unit::Milli, 5),
    (Unit::Milli, 10),
    (Unit::Milli, 20),
    (Unit::Milli, 50),
    (Unit::Milli, 100),
    (Unit::Milli, 200),
    (Unit::Milli, 500),
    (Unit::Second, 1),
    (Unit::Second, 2),
    (Unit::Second, 5),
    (Unit::Second, 10),
    (Unit::Second, 15),
    (Unit::Second, 30),
    (Unit::Minute, 1),
    (Unit::Minute, 2),
    (Unit::Minute, 5),
    (Unit::Minute, 10),
    (Unit::Minute, 15),
    (Unit::Minute, 30),
    (Unit::Hour, 1),
    (Unit::Hour, 2),
    (Unit::Hour, 3),
    (Unit::Hour, 6),
    (Unit::Hour, 12),
    (Unit::Day, 1),
    (Unit::Day, 2),
    (Unit::Week, 1),
    (Unit::Month, 1),
    (Unit::Month, 3),
    (Unit::Month, 6),
    (Unit::Year, 1),
    (Unit::Year, 2),
    (Unit::Year, 5),
    (Unit::Year, 10),
    (Unit::Year, 20),
    (Unit::Year, 50),
    (Unit::Year, 100),
    (Unit::Year, 200),
    (Unit::Year, 500),
    (Unit::Year, 1000),
];

/// Ticks of `scale` with at most `max` intervals in its domain.
fn time_ticks(scale: &TimeScale, max: usize) -> TimeTicks {
    let span = scale.span_i128().max(1);
    let max = max.max(1) as i128;
    let (unit, n) = LADDER
        .iter()
        .copied()
        .find(|(u, n)| u.ns() as i128 * *n as i128 * max >= span)
        .unwrap_or((Unit::Year, 1000));
    let (start, end) = (scale.start as i128, scale.end as i128);
    let mut times: Vec<i64> = Vec::new();
    let mut push = |t: i128| -> bool {
        if t > end || times.len() > 4 * MAX_TICKS {
            return false;
        }
        if t >= start {
            times.push(t as i64);
        }
        true
    };
    match unit {
        Unit::Month | Unit::Year => {
            let months = if unit == Unit::Year { 12 * n } else { n };
            let d = civil(scale.start);
            let mut mi = d.year() as i64 * 12 + d.month0() as i64;
            if unit == Unit::Year {
                mi -= d.month0() as i64;
            }
            mi -= mi.rem_euclid(months);
            for _ in 0..4 * MAX_TICKS + 8 {
                match month_start_ns(mi) {
                    Some(t) if !push(t as i128) => break,
                    Some(_) => {}
                    None if mi < 1970 * 12 => {} // before the i64 range: keep going
                    None => break,
                }
                mi += months;
            }
        }
        _ => {
            let step = (unit.ns() * n) as i128;
            let offset = if unit == Unit::Week { 4 * DAY as i128 } else { 0 }; // 1970-01-05 was a Monday
            let mut t = (start - offset).div_euclid(step) * step + offset;
            while push(t) {
                t += step;
            }
        }
    }
    let ticks = times
        .into_iter()
        .map(|t| TimeTick {
            time_ns: t,
            px: scale.to_px(t),
            label: tick_label(t, unit, n),
        })
        .collect();
    TimeTicks {
        unit: unit.name(),
        count: n as u32,
        step_ns: unit.ns().saturating_mul(n),
        ticks,
        context: context_label(scale.start, scale.end, unit),
    }
}

/// The UTC date and time of `ns` nanoseconds since the epoch (always representable).
fn civil(ns: i64) -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp(ns.div_euclid(SECOND), ns.rem_euclid(SECOND) as u32).unwrap_or_default()
}

/// The first instant of month `mi` (= year × 12 + month − 1), if it fits in `i64` nanoseconds.
fn month_start_ns(mi: i64) -> Option<i64> {
    let year = i32::try_from(mi.div_euclid(12)).ok()?;
    let date = NaiveDate::from_ymd_opt(year, mi.rem_euclid(12) as u32 + 1, 1)?;
    date.and_hms_opt(0, 0, 0)?.and_utc().timestamp_nanos_opt()
}

fn tick_label(ns: i64, unit: Unit, n: i64) -> String {
    let d = civil(ns);
    let mon = MONTHS[d.month0() as usize % 12];
    let hms = format!("{:02}:{:02}:{:02}", d.hour(), d.minute(), d.second());
    match unit {
        Unit::Micro => format!("{hms}.{:04}", d.nanosecond() / 100_000),
        Unit::Milli => format!("{hms}.{:03}", d.nanosecond() / 1_000_000),
        Unit::Second => hms,
        Unit::Minute => format!("{:02}:{:02}", d.hour(), d.minute()),
        Unit::Hour => format!("{mon} {} {:02}:{:02}", d.day(), d.hour(), d.minute()),
        Unit::Day | Unit::Week => format!("{mon} {}", d.day()),
        Unit::Month if n < 12 => format!("{mon} {}", d.year()),
        _ => d.year().to_string(),
    }
}

fn context_label(start: i64, end: i64, unit: Unit) -> Option<String> {
    let (a, b) = (civil(start), civil(end));
    let (a, b) = match unit {
        Unit::Micro | Unit::Milli | Unit::Second | Unit::Minute | Unit::Hour => {
            (a.format("%Y-%m-%d").to_string(), b.format("%Y-%m-%d").to_string())
        }
        Unit::Day | Unit::Week => (a.year().to_string(), b.year().to_string()),
        Unit::Month | Unit::Year => return None,
    };
    Some(if a == b { a } else { format!("{a} – {b}") })
}

/// One tick on a value axis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tick {
    /// The tick's value.
    pub value: f64,
    /// Its pixel on the scale.
    pub px: f64,
    /// Its label, with as many decimals as the step needs.
    pub label: String,
}

/// A linear scale: values in `[d0, d1]` ↔ pixels in `[r0, r1]` (use `r0 = height, r1 = 0` for a y axis).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LinearScale {
    d0: f64,
    d1: f64,
    r0: f64,
    r1: f64,
}

/// Domains are kept within ±this so their span stays finite.
const MAX_MAGNITUDE: f64 = 1e300;

impl LinearScale {
    /// A scale from `[d0, d1]` to `[r0, r1]`. A non-finite domain becomes `[0, 1]`; an empty one (`d0 == d1`) is
    /// widened by 10% of the value (±1 about 0); non-finite pixels become 0.
    pub fn new(d0: f64, d1: f64, r0: f64, r1: f64) -> LinearScale {
        let fix = |v: f64| if v.is_finite() { v.clamp(-1e9, 1e9) } else { 0.0 };
        let (d0, d1) = clean_domain(d0, d1);
        LinearScale {
            d0,
            d1,
            r0: fix(r0),
            r1: fix(r1),
        }
    }

    /// A scale for data from `min` to `max` (non-finite ends ignored), extended to include 0 when `include_zero`,
    /// and to nice tick values so the axis starts and ends on a tick.
    pub fn for_data(min: f64, max: f64, r0: f64, r1: f64, include_zero: bool) -> LinearScale {
        let (mut lo, mut hi) = match (min.is_finite(), max.is_finite()) {
            (true, true) => (min.min(max), min.max(max)),
            (true, false) => (min, min),
            (false, true) => (max, max),
            (false, false) => (0.0, 1.0),
        };
        if include_zero {
            lo = lo.min(0.0);
            hi = hi.max(0.0);
        }
        let mut s = LinearScale::new(lo, hi, r0, r1);
        s.nice(MAX_TICKS);
        s
    }

    /// The domain `(d0, d1)`.
    pub fn domain(&self) -> (f64, f64) {
        (self.d0, self.d1)
    }

    /// The pixel range `(r0, r1)`.
    pub fn range(&self) -> (f64, f64) {
        (self.r0, self.r1)
    }

    /// The pixel of `v` (NaN for NaN; ±infinity clamp to far outside the range).
    pub fn to_px(&self, v: f64) -> f64 {
        let v = v.clamp(-MAX_MAGNITUDE * 4.0, MAX_MAGNITUDE * 4.0);
        let t = (v - self.d0) / (self.d1 - self.d0);
        self.r0 + t.clamp(-1e6, 1e6) * (self.r1 - self.r0)
    }

    /// The value at pixel `px`.
    pub fn to_value(&self, px: f64) -> f64 {
        let r = self.r1 - self.r0;
        if r == 0.0 || !px.is_finite() {
            return self.d0;
        }
        self.d0 + (px - self.r0) / r * (self.d1 - self.d0)
    }

    /// Extends the domain outward to multiples of the tick step for about `max_ticks` ticks.
    pub fn nice(&mut self, max_ticks: usize) {
        let step = nice_step(self.d1 - self.d0, max_ticks);
        let (lo, hi) = ((self.d0 / step).floor() * step, (self.d1 / step).ceil() * step);
        if lo.is_finite() && hi.is_finite() && lo < hi {
            (self.d0, self.d1) = clean_domain(lo, hi);
        }
    }

    /// Ticks at 1, 2 or 5 × 10^k inside the domain, at most about `max_ticks` of them.
    pub fn ticks(&self, max_ticks: usize) -> Vec<Tick> {
        let step = nice_step(self.d1 - self.d0, max_ticks);
        let first = (self.d0 / step).ceil();
        let mut out = Vec::new();
        for i in 0..=(4 * MAX_TICKS.max(max_ticks)).min(1000) {
            let mut v = (first + i as f64) * step;
            if v > self.d1 + step * 1e-9 {
                break;
            }
            if v.abs() < step * 1e-9 {
                v = 0.0;
            }
            out.push(Tick {
                value: v,
                px: self.to_px(v),
                label: format_number(v, step),
            });
        }
        out
    }
}

fn clean_domain(d0: f64, d1: f64) -> (f64, f64) {
    if !d0.is_finite() || !d1.is_finite() {
        return (0.0, 1.0);
    }
    let (d0, d1) = (
        d0.clamp(-MAX_MAGNITUDE, MAX_MAGNITUDE),
        d1.clamp(-MAX_MAGNITUDE, MAX_MAGNITUDE),
    );
    if d0 == d1 {
        let pad = if d0 == 0.0 { 1.0 } else { d0.abs() * 0.1 };
        return (d0 - pad, d1 + pad);
    }
    (d0, d1)
}

/// A step of 1, 2 or 5 × 10^k so `span` holds at most about `max_ticks` steps (1 for a non-finite or empty span).
pub fn nice_step(span: f64, max_ticks: usize) -> f64 {
    let span = span.abs();
    if !span.is_finite() || span == 0.0 {
        return 1.0;
    }
    let raw = span / max_ticks.clamp(1, 1000) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw * (1.0 - 1e-12))
        .unwrap_or(10.0 * mag);
    if step.is_finite() && step > 0.0 {
        step
    } else {
        1.0
    }
}

/// `v` with the decimals a tick step of `step` needs (`0.25` → 2), or in exponent form for very large or small steps.
pub fn format_number(v: f64, step: f64) -> String {
    if !v.is_finite() {
        return if v.is_nan() {
            "NaN".into()
        } else if v > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        };
    }
    let step = step.abs();
    if v == 0.0 {
        return "0".into();
    }
    if step >= 1e15 || (step > 0.0 && step < 1e-9) || v.abs() >= 1e15 {
        let digits = if step > 0.0 {
            ((v.abs().log10().floor() - step.log10().floor()).max(0.0) as usize).min(15)
        } else {
            3
        };
        return format!("{:.*e}", digits, v);
    }
    let decimals = if step > 0.0 {
        (-(step.log10() + 1e-9).floor()).clamp(0.0, 15.0) as usize
    } else {
        0
    };
    let s = format!("{:.*}", decimals, v);
    if s.trim_start_matches('-').chars().all(|c| c == '0' || c == '.') {
        "0".into()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_datetime_ns;

    fn t(s: &str) -> i64 {
        parse_datetime_ns(s).unwrap()
    }

    fn labels(s: &TimeScale) -> Vec<String> {
        s.ticks().ticks.into_iter().map(|t| t.label).collect()
    }

    #[test]
    fn maps_both_ways_and_clamps() {
        let mut s = TimeScale::new(t("2024-01-15T00:00:00Z"), t("2024-01-16T00:00:00Z"), 1000.0);
        assert_eq!(s.to_px(t("2024-01-15T12:00:00Z")), 500.0);
        assert_eq!(s.to_time(250.0), t("2024-01-15T06:00:00Z"));
        s.zoom(2.0, 500.0);
        assert_eq!(
            (s.start(), s.end()),
            (t("2024-01-15T06:00:00Z"), t("2024-01-15T18:00:00Z"))
        );
        s.zoom(1.0 / 2.0, 0.0);
        assert_eq!(
            (s.start(), s.end()),
            (t("2024-01-15T06:00:00Z"), t("2024-01-16T06:00:00Z"))
        );
        s.pan(500.0); // drag right by half the width: half a day earlier
        assert_eq!(s.start(), t("2024-01-14T18:00:00Z"));
        for bad in [f64::NAN, f64::INFINITY, 0.0, -2.0] {
            let before = s;
            s.zoom(bad, 10.0);
            s.pan(bad * f64::INFINITY);
            assert_eq!(s, before);
        }
        // Never below 1 ms.
        s.zoom(1e30, 100.0);
        assert_eq!(s.span(), MS);
        // Inverted input is swapped; a zero-width scale maps everything to 0.
        let z = TimeScale::new(10 * SECOND, 0, 0.0);
        assert_eq!(
            (z.start(), z.end(), z.to_px(5), z.to_time(3.0)),
            (0, 10 * SECOND, 0.0, 0)
        );
    }

    #[test]
    fn extent_limits_zoom_out_and_pan() {
        let (a, b) = (t("2024-01-15T00:00:00Z"), t("2024-01-16T00:00:00Z"));
        let mut s = TimeScale::for_data(a, b, 800.0);
        assert_eq!(
            (s.start(), s.end()),
            (a - 2 * HOUR - 24 * MINUTE, b + 2 * HOUR + 24 * MINUTE)
        );
        s.zoom(1e-9, 0.0);
        assert_eq!(s.span(), 10 * DAY);
        assert_eq!(s.extent(), (a - 5 * DAY + 12 * HOUR, b + 4 * DAY + 12 * HOUR));
        s.pan(-1e9);
        assert_eq!((s.start(), s.end()), s.extent());
        // i64 extremes.
        let mut x = TimeScale::for_data(i64::MIN, i64::MAX, 500.0);
        x.zoom(0.5, 250.0);
        x.pan(1e6);
        assert_eq!((x.start(), x.end()), (i64::MIN, i64::MAX));
        assert!(!x.ticks().ticks.is_empty());
        let one = TimeScale::for_data(i64::MAX, i64::MAX, 500.0);
        assert_eq!(one.end(), i64::MAX);
        assert!(one.span() >= MS);
    }

    #[test]
    fn ticks_at_each_zoom_level() {
        let s = TimeScale::new(t("2024-01-15T00:00:00Z"), t("2024-01-16T00:00:00Z"), 800.0);
        let k = s.ticks();
        assert_eq!((k.unit, k.count), ("hour", 3));
        assert_eq!(labels(&s)[..2], ["Jan 15 00:00", "Jan 15 03:00"]);
        assert_eq!(k.context.as_deref(), Some("2024-01-15 – 2024-01-16"));
        let ms = TimeScale::new(t("2024-01-15T14:05:30.2Z"), t("2024-01-15T14:05:30.21Z"), 800.0);
        assert_eq!(
            labels(&ms),
            [
                "14:05:30.200",
                "14:05:30.201",
                "14:05:30.202",
                "14:05:30.203",
                "14:05:30.204",
                "14:05:30.205",
                "14:05:30.206",
                "14:05:30.207",
                "14:05:30.208",
                "14:05:30.209",
                "14:05:30.210"
            ]
        );
        let us = TimeScale::new(t("2024-01-15T14:05:30.25Z"), t("2024-01-15T14:05:30.251Z"), 800.0);
        assert_eq!(labels(&us)[..2], ["14:05:30.2500", "14:05:30.2501"]);
    }

    #[test]
    fn linear_ticks() {
        let s = LinearScale::for_data(3.0, 97.0, 300.0, 0.0, true);
        assert_eq!(s.domain(), (0.0, 100.0));
        let ticks = s.ticks(5);
        assert_eq!(
            ticks.iter().map(|t| t.label.as_str()).collect::<Vec<_>>(),
            ["0", "20", "40", "60", "80", "100"]
        );
        assert_eq!(ticks[1].px, 240.0);
        let f = LinearScale::new(0.0, 1.0, 0.0, 100.0).ticks(5);
        assert_eq!(
            f.iter().map(|t| t.label.as_str()).collect::<Vec<_>>(),
            ["0", "0.2", "0.4", "0.6", "0.8", "1.0"]
        );
        assert_eq!(LinearScale::new(f64::NAN, 5.0, 0.0, 1.0).domain(), (0.0, 1.0));
        assert_eq!(LinearScale::new(5.0, 5.0, 0.0, 1.0).domain(), (4.5, 5.5));
        let huge = LinearScale::for_data(-f64::MAX, f64::MAX, 0.0, 100.0, false);
        assert!(huge.ticks(5).iter().all(|t| t.px.is_finite()));
        assert_eq!(format_number(1234.5, 0.5), "1234.5");
        assert_eq!(format_number(-0.0000001, 0.1), "0");
        assert_eq!(format_number(2e20, 1e20), "2e20");
    }
}
