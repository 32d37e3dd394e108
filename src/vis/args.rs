//! How the values of visualisation options are read: the serde `deserialize_with` helpers the option structs
//! ([`TimelineOptions`](super::timeline::TimelineOptions) and the chart options) share, so a column name or a list,
//! a pixel size, a time or a legend position means the same in every chart. The structs themselves are read with
//! [`crate::options::read`], which checks the names; these check the values, and their messages follow
//! `"<function>: option '<name>': "`.

use serde::de::{Deserialize, Deserializer, Error as _};
use serde_json::Value;

use super::timeline::{LegendPosition, ValueKind};
use crate::time::When;

/// A point in time as options give it ([`When`]: epoch ms — a JS `Date` arrives as its epoch ms — or ISO 8601 text,
/// no zone meaning UTC) → ns since the epoch. An offset from now (`-1d`) is an error: a chart has no "now".
pub(crate) fn time_ns(v: &Value) -> Result<i64, String> {
    let when = When::deserialize(v).map_err(|e| e.to_string())?;
    when.absolute()
        .ok_or_else(|| format!("'{when}' is an offset from now; give a point in time (a Date, ISO 8601 text or epoch ms)"))
}

/// An optional time (see [`time_ns`]).
pub(crate) fn opt_time<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    time_ns(&Value::deserialize(d)?).map(Some).map_err(D::Error::custom)
}

/// One item or a list of them, each read by `one`.
fn one_or_many<'de, D: Deserializer<'de>, T>(
    d: D,
    one: impl Fn(&Value) -> Result<T, String>,
) -> Result<Vec<T>, D::Error> {
    match Value::deserialize(d)? {
        Value::Array(items) => items
            .iter()
            .map(&one)
            .collect::<Result<_, _>>()
            .map_err(D::Error::custom),
        v => one(&v).map(|x| vec![x]).map_err(D::Error::custom),
    }
}

/// A column name or a list of them.
pub(crate) fn names<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    one_or_many(d, |v| match v {
        Value::String(s) => Ok(s.clone()),
        other => Err(format!("expected column names, got {other}")),
    })
}

/// A value plot kind (`vbar`, `line`, `circle`) or a list of them.
pub(crate) fn value_kinds<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<ValueKind>, D::Error> {
    one_or_many(d, |v| match v {
        Value::String(s) => ValueKind::from_name(s).map_err(|e| e.to_string()),
        other => Err(format!("expected vbar, line or circle, got {other}")),
    })
}

/// A legend position (`left`, `right`, `inline`, `none`); `false` is `none`, `true` the default position.
pub(crate) fn legend<'de, D: Deserializer<'de>>(d: D) -> Result<Option<LegendPosition>, D::Error> {
    match Value::deserialize(d)? {
        Value::Bool(true) => Ok(None),
        Value::Bool(false) => Ok(Some(LegendPosition::None)),
        Value::String(s) if !s.trim().is_empty() => LegendPosition::from_name(&s).map(Some).map_err(D::Error::custom),
        other => Err(D::Error::custom(format!(
            "{other} is not a legend position (left, right, inline or none)"
        ))),
    }
}

/// A positive number (of pixels, of bins), rounded to a whole one.
fn positive(v: &Value) -> Result<u32, String> {
    let n = match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    };
    match n {
        Some(x) if x.is_finite() && x >= 0.5 => Ok(x.round().min(u32::MAX as f64) as u32),
        _ => Err(format!("expected a positive number of pixels, got {v}")),
    }
}

/// A size in pixels (positive; rounded).
pub(crate) fn pixels<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    positive(&Value::deserialize(d)?).map_err(D::Error::custom)
}

/// An optional size in pixels.
pub(crate) fn opt_pixels<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    pixels(d).map(Some)
}

/// A positive count (bins).
pub(crate) fn count<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
    pixels(d).map(|n| n as usize)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn times_are_epoch_ms_or_iso_text_utc_when_zoneless() {
        assert_eq!(time_ns(&json!(1.5)), Ok(1_500_000));
        assert_eq!(time_ns(&json!("1970-01-01T00:00:01")), Ok(1_000_000_000));
        assert_eq!(time_ns(&json!("1970-01-01T01:00:01+01:00")), Ok(1_000_000_000));
        assert!(time_ns(&json!("yesterday-ish")).unwrap_err().starts_with("'yesterday-ish' is not a datetime"));
        assert!(time_ns(&json!(true)).unwrap_err().starts_with("invalid type: boolean `true`, expected a point in time"));
        assert!(time_ns(&json!("-1d")).unwrap_err().starts_with("'-1d' is an offset from now"));
    }
}
