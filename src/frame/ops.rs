//! The pandas-like verbs a notebook uses on a [`Frame`]: `head`, `select`, filter by equality or membership,
//! group counts, `value_counts`, `rename`, constant and computed columns, `sort`.
//!
//! Each verb returns a new frame (the input is never changed) and checks its column names first, so a typo gives
//! an error that lists the columns there are instead of a polars message.

use std::collections::HashSet;

use polars::prelude::*;
use serde_json::Value;

use super::builder::ColumnBuilder;
use super::rows::to_ns;
use crate::time::{from_ms, parse_datetime, parse_datetime_ns, parse_timespan};
use super::{Frame, LaType};
use crate::error::{Error, PolarsContext, Result};

impl Frame {
    fn check_columns<S: AsRef<str>>(&self, names: &[S]) -> Result<()> {
        for n in names {
            self.column(n.as_ref())?;
        }
        Ok(())
    }

    /// The first `n` rows.
    pub fn head(&self, n: usize) -> Frame {
        self.with_df(self.df().head(Some(n)))
    }

    /// Rows `offset..offset+len` (clamped to the table).
    pub fn slice(&self, offset: usize, len: usize) -> Frame {
        let offset = offset.min(self.height());
        self.with_df(self.df().slice(offset as i64, len))
    }

    /// Only the named columns, in the order given.
    pub fn select<S: AsRef<str>>(&self, names: &[S]) -> Result<Frame> {
        self.check_columns(names)?;
        let df = self
            .df()
            .select(names.iter().map(|s| s.as_ref().to_string()))
            .context("selecting columns")?;
        Ok(self.with_df(df))
    }

    /// Rows whose `column` equals `value` (a JSON scalar; datetimes may be given as ISO text).
    pub fn filter_eq(&self, column: &str, value: &Value) -> Result<Frame> {
        self.filter_isin(column, std::slice::from_ref(value))
    }

    /// Rows whose `column` is one of `values`. Nulls match a `null` in `values`.
    pub fn filter_isin(&self, column: &str, values: &[Value]) -> Result<Frame> {
        let mask = self.membership_mask(column, values)?;
        let df = self.df().filter(&mask).context("filtering rows")?;
        Ok(self.with_df(df))
    }

    fn membership_mask(&self, column: &str, values: &[Value]) -> Result<BooleanChunked> {
        let col = self.column(column)?;
        let want_null = values.iter().any(Value::is_null);
        let name = col.name().clone();
        let s = col.as_materialized_series();
        let mask: BooleanChunked = match s.dtype() {
            DataType::String => {
                let set: HashSet<String> = values.iter().filter_map(value_text).collect();
                s.str()
                    .context("reading a string column")?
                    .into_iter()
                    .map(|v| Some(v.map_or(want_null, |v| set.contains(v))))
                    .collect()
            }
            DataType::Boolean => {
                let set: HashSet<bool> = values.iter().filter_map(value_bool).collect();
                s.bool()
                    .context("reading a bool column")?
                    .into_iter()
                    .map(|v| Some(v.map_or(want_null, |v| set.contains(&v))))
                    .collect()
            }
            DataType::Datetime(tu, _) | DataType::Duration(tu) => {
                let is_dt = matches!(s.dtype(), DataType::Datetime(..));
                let tu = *tu;
                let mut set = HashSet::new();
                for v in values.iter().filter(|v| !v.is_null()) {
                    let ns = match v {
                        Value::String(t) if is_dt => parse_datetime(t),
                        Value::String(t) => parse_timespan(t).ok(),
                        Value::Number(n) => n.as_f64().and_then(|ms| from_ms(ms).ok()),
                        _ => None,
                    };
                    set.insert(ns.ok_or_else(|| {
                        Error::invalid(format!("'{v}' is not a {} for column '{column}'", if is_dt { "datetime" } else { "timespan" }))
                    })?);
                }
                let phys = s.to_physical_repr();
                phys.i64()
                    .context("reading a time column")?
                    .into_iter()
                    .map(|v| Some(v.map_or(want_null, |v| set.contains(&to_ns(v, tu)))))
                    .collect()
            }
            dt if dt.is_integer() => {
                let set: HashSet<i64> = values
                    .iter()
                    .filter_map(|v| v.as_i64().or_else(|| v.as_str().and_then(|s| s.trim().parse().ok())))
                    .collect();
                let cast = s.cast(&DataType::Int64).context("reading an integer column")?;
                cast.i64()
                    .context("reading an integer column")?
                    .into_iter()
                    .map(|v| Some(v.map_or(want_null, |v| set.contains(&v))))
                    .collect()
            }
            dt if dt.is_float() => {
                let set: Vec<f64> = values
                    .iter()
                    .filter_map(|v| v.as_f64().or_else(|| v.as_str().and_then(super::values::parse_real)))
                    .collect();
                let cast = s.cast(&DataType::Float64).context("reading a real column")?;
                cast.f64()
                    .context("reading a real column")?
                    .into_iter()
                    .map(|v| Some(v.map_or(want_null, |v| set.iter().any(|w| *w == v || (w.is_nan() && v.is_nan())))))
                    .collect()
            }
            other => return Err(Error::invalid(format!("cannot filter column '{column}' of type {other}"))),
        };
        Ok(mask.with_name(name))
    }

    /// One row per distinct combination of `by`, with the number of rows in a `count` column, ordered by the keys.
    pub fn group_count<S: AsRef<str>>(&self, by: &[S]) -> Result<Frame> {
        if by.is_empty() {
            return Err(Error::invalid("groupBy needs at least one column"));
        }
        self.check_columns(by)?;
        let names: Vec<String> = by.iter().map(|s| s.as_ref().to_string()).collect();
        let gb = self.df().group_by_stable(names.iter().cloned()).context("grouping")?;
        let mut cols = gb.keys();
        let count_name = unique_name(&names, "count");
        let mut counts = gb.get_groups().group_count();
        counts.rename(count_name.as_str().into());
        cols.push(counts.into_series().cast(&DataType::Int64).context("counting")?.into_column());
        let df = DataFrame::new(cols.first().map_or(0, |c| c.len()), cols).context("grouping")?;
        let sorted = df
            .sort(names, SortMultipleOptions::new().with_nulls_last(true).with_maintain_order(true))
            .context("sorting groups")?;
        Ok(self.with_df(sorted))
    }

    /// Distinct values of `column` and how often each occurs, most frequent first (ties in order of appearance).
    pub fn value_counts(&self, column: &str) -> Result<Frame> {
        self.column(column)?;
        let gb = self.df().group_by_stable([column]).context("counting values")?;
        let mut cols = gb.keys();
        let count_name = unique_name(&[column], "count");
        let mut counts = gb.get_groups().group_count();
        counts.rename(count_name.as_str().into());
        cols.push(counts.into_series().cast(&DataType::Int64).context("counting")?.into_column());
        let df = DataFrame::new(cols.first().map_or(0, |c| c.len()), cols).context("counting values")?;
        let sorted = df
            .sort(
                [count_name.as_str()],
                SortMultipleOptions::new().with_order_descending(true).with_maintain_order(true),
            )
            .context("sorting counts")?;
        Ok(self.with_df(sorted))
    }

    /// Renames columns; `pairs` are (old, new).
    pub fn rename(&self, pairs: &[(String, String)]) -> Result<Frame> {
        let mut out = self.clone();
        for (old, new) in pairs {
            out.column(old)?;
            if old != new && out.column(new).is_ok() {
                return Err(Error::invalid(format!("cannot rename '{old}' to '{new}': a column '{new}' exists")));
            }
            out.df_mut().rename(old, new.as_str().into()).context("renaming")?;
            out.rename_kind(old, new);
        }
        Ok(out)
    }

    /// Adds (or replaces) a column holding `value` in every row. Its type follows the JSON value; ISO datetime
    /// text becomes a datetime.
    pub fn with_constant(&self, name: &str, value: &Value) -> Result<Frame> {
        let kind = match value {
            Value::Null | Value::String(_) => match value.as_str() {
                Some(s) if s.len() >= 16 && parse_datetime_ns(s).is_some() => LaType::DateTime,
                _ => LaType::String,
            },
            Value::Bool(_) => LaType::Bool,
            Value::Number(n) if n.is_i64() => LaType::Long,
            Value::Number(_) => LaType::Real,
            Value::Array(_) | Value::Object(_) => LaType::Dynamic,
        };
        let mut b = ColumnBuilder::new(name, kind, self.height());
        for _ in 0..self.height() {
            b.push_value(value);
        }
        let mut out = self.clone();
        out.df_mut().with_column(b.finish()).context("adding a column")?;
        out.set_la_type(name, kind);
        Ok(out)
    }

    /// Adds `name` = datetime column `base` plus `offset`: a timespan column's name, a timespan text
    /// (`1.02:00:00`, `2h`, `-1d`, `30m`), or a number of milliseconds.
    pub fn add_time(&self, name: &str, base: &str, offset: &Value) -> Result<Frame> {
        let base_col = self.column(base)?;
        let DataType::Datetime(base_tu, _) = base_col.dtype() else {
            return Err(Error::invalid(format!(
                "column '{base}' is {}, not a datetime",
                LaType::of_dtype(base_col.dtype())
            )));
        };
        let base_tu = *base_tu;
        let base_ns: Vec<Option<i64>> = base_col
            .as_materialized_series()
            .to_physical_repr()
            .i64()
            .context("reading a datetime column")?
            .into_iter()
            .map(|v| v.map(|x| to_ns(x, base_tu)))
            .collect();
        let offsets: Vec<Option<i64>> = match offset {
            Value::String(s) if self.column(s).is_ok() => {
                let c = self.column(s)?;
                let DataType::Duration(tu) = c.dtype() else {
                    return Err(Error::invalid(format!("column '{s}' is not a timespan")));
                };
                let tu = *tu;
                c.as_materialized_series()
                    .to_physical_repr()
                    .i64()
                    .context("reading a timespan column")?
                    .into_iter()
                    .map(|v| v.map(|x| to_ns(x, tu)))
                    .collect()
            }
            Value::String(s) => {
                let ns = parse_timespan(s).map_err(|e| Error::invalid(format!("'{s}' is not a column, and {e}")))?;
                vec![Some(ns); self.height()]
            }
            Value::Number(n) => {
                let ms = n.as_f64().unwrap_or(f64::NAN);
                let ns = from_ms(ms).map_err(|_| Error::invalid(format!("{n} ms is not a timespan huntbook can hold")))?;
                vec![Some(ns); self.height()]
            }
            other => return Err(Error::invalid(format!("'{other}' is not a timespan"))),
        };
        let sum: Int64Chunked = base_ns
            .iter()
            .zip(&offsets)
            .map(|(a, b)| match (a, b) {
                (Some(a), Some(b)) => a.checked_add(*b),
                _ => None,
            })
            .collect();
        let col = sum
            .with_name(name.into())
            .into_datetime(TimeUnit::Nanoseconds, None)
            .into_series()
            .into_column();
        let mut out = self.clone();
        out.df_mut().with_column(col).context("adding a column")?;
        out.set_la_type(name, LaType::DateTime);
        Ok(out)
    }

    /// Sorted by `by` (each ascending unless `descending`), nulls last, stable.
    pub fn sort<S: AsRef<str>>(&self, by: &[S], descending: bool) -> Result<Frame> {
        if by.is_empty() {
            return Ok(self.clone());
        }
        self.check_columns(by)?;
        let df = self
            .df()
            .sort(
                by.iter().map(|s| s.as_ref().to_string()),
                SortMultipleOptions::new()
                    .with_order_descending(descending)
                    .with_nulls_last(true)
                    .with_maintain_order(true),
            )
            .context("sorting")?;
        Ok(self.with_df(df))
    }
}

/// `base` unless a key column has that name, else `base_`, `base__` …
fn unique_name<S: AsRef<str>>(taken: &[S], base: &str) -> String {
    let mut name = base.to_string();
    while taken.iter().any(|t| t.as_ref() == name) {
        name.push('_');
    }
    name
}

fn value_text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

fn value_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

impl Frame {
    /// The newest value of datetime column `column`, or of any datetime column when `None`.
    pub fn max_datetime_ns(&self, column: Option<&str>) -> Option<i64> {
        self.df()
            .columns()
            .iter()
            .filter(|c| column.is_none_or(|n| c.name().as_str() == n))
            .filter_map(|c| match c.dtype() {
                DataType::Datetime(tu, _) => {
                    let tu = *tu;
                    let phys = c.as_materialized_series().to_physical_repr();
                    phys.i64().ok()?.max().map(|v| to_ns(v, tu))
                }
                _ => None,
            })
            .max()
    }

    /// Every datetime column moved by `delta_ns`.
    pub fn shift_datetimes(&self, delta_ns: i64) -> Result<Frame> {
        let mut out = self.clone();
        let mut df = out.df().clone();
        let names: Vec<String> = df
            .columns()
            .iter()
            .filter(|c| matches!(c.dtype(), DataType::Datetime(..)))
            .map(|c| c.name().to_string())
            .collect();
        for name in names {
            let c = df.column(&name).context("shifting datetimes")?;
            let DataType::Datetime(tu, tz) = c.dtype().clone() else { continue };
            let delta = match tu {
                TimeUnit::Nanoseconds => delta_ns,
                TimeUnit::Microseconds => delta_ns / 1_000,
                TimeUnit::Milliseconds => delta_ns / 1_000_000,
            };
            let phys = c.as_materialized_series().to_physical_repr();
            let shifted: Int64Chunked = phys
                .i64()
                .context("shifting datetimes")?
                .into_iter()
                .map(|v| v.and_then(|x| x.checked_add(delta)))
                .collect();
            let col = shifted.with_name(name.as_str().into()).into_datetime(tu, tz).into_series().into_column();
            df.with_column(col).context("shifting datetimes")?;
        }
        out = out.with_df(df);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::loganalytics::parse_response;
    use serde_json::json;

    fn sample() -> Frame {
        let json = br#"{"tables":[{"name":"T","columns":[{"name":"ip","type":"string"},{"name":"n","type":"long"},
          {"name":"t","type":"datetime"},{"name":"ok","type":"bool"}],
          "rows":[["1.1.1.1",1,"2024-01-01T00:00:00Z",true],["2.2.2.2",2,"2024-01-02T00:00:00Z",false],
                  ["1.1.1.1",3,"2024-01-03T00:00:00Z",true],[null,4,null,null]]}]}"#;
        parse_response(json).unwrap().tables.remove(0)
    }

    fn strs(f: &Frame, c: &str) -> Vec<Option<String>> {
        f.df().column(c).unwrap().str().unwrap().into_iter().map(|v| v.map(String::from)).collect()
    }

    #[test]
    fn filters() {
        let f = sample();
        assert_eq!(f.filter_eq("ip", &json!("1.1.1.1")).unwrap().height(), 2);
        assert_eq!(f.filter_eq("n", &json!(2)).unwrap().height(), 1);
        assert_eq!(f.filter_eq("ok", &json!(true)).unwrap().height(), 2);
        assert_eq!(f.filter_eq("t", &json!("2024-01-02T00:00:00Z")).unwrap().height(), 1);
        // Zone-less text is UTC; epoch ms too.
        assert_eq!(f.filter_eq("t", &json!("2024-01-02 00:00")).unwrap().height(), 1);
        assert_eq!(f.filter_eq("t", &json!(1_704_153_600_000_i64)).unwrap().height(), 1);
        assert_eq!(f.filter_isin("n", &[json!(1), json!(4), json!(9)]).unwrap().height(), 2);
        assert_eq!(f.filter_isin("ip", &[json!(null)]).unwrap().height(), 1);
        let e = f.filter_eq("IP", &json!("x")).unwrap_err().to_string();
        assert!(e.contains("unknown column 'IP' (did you mean 'ip'?)") && e.contains("ip, n, t, ok"), "{e}");
    }

    #[test]
    fn counts() {
        let f = sample();
        let vc = f.value_counts("ip").unwrap();
        assert_eq!(strs(&vc, "ip"), [Some("1.1.1.1".into()), Some("2.2.2.2".into()), None]);
        let c: Vec<_> = vc.df().column("count").unwrap().i64().unwrap().into_iter().collect();
        assert_eq!(c, [Some(2), Some(1), Some(1)]);
        let g = f.group_count(&["ok"]).unwrap();
        assert_eq!(g.height(), 3);
        let c: Vec<_> = g.df().column("count").unwrap().i64().unwrap().into_iter().collect();
        assert_eq!(c, [Some(1), Some(2), Some(1)]); // false, true, null
    }

    #[test]
    fn columns_added_and_renamed() {
        let f = sample();
        let r = f.rename(&[("ip".into(), "IPAddress".into())]).unwrap();
        assert_eq!(r.column_names()[0], "IPAddress");
        assert!(f.rename(&[("ip".into(), "n".into())]).is_err());
        let c = f.with_constant("Source", &json!("demo")).unwrap();
        assert_eq!(strs(&c, "Source"), vec![Some("demo".to_string()); 4]);
        let t = f.add_time("later", "t", &json!("2h")).unwrap();
        let v = t.df().column("later").unwrap().datetime().unwrap().phys.get(0);
        assert_eq!(v, Some(1_704_067_200_000_000_000 + 7_200_000_000_000));
        assert_eq!(t.la_type("later").unwrap(), LaType::DateTime);
        assert!(f.add_time("x", "ip", &json!("2h")).is_err());
        let e = f.add_time("x", "t", &json!("soon")).unwrap_err().to_string();
        assert!(e.starts_with("'soon' is not a column, and 'soon' is not a timespan: use e.g. 1d"), "{e}");
        // Every timespan form of crate::time, and milliseconds with a fraction.
        for (offset, ns) in [
            (json!("1.5h"), 5_400_000_000_000),
            (json!("-1d"), -86_400_000_000_000),
            (json!("100ms"), 100_000_000),
            (json!("10microsecond"), 10_000),
            (json!("1.02:00:00"), 93_600_000_000_000),
            (json!(1.5), 1_500_000),
        ] {
            let t = f.add_time("later", "t", &offset).unwrap();
            let v = t.df().column("later").unwrap().datetime().unwrap().phys.get(0);
            assert_eq!(v, Some(1_704_067_200_000_000_000 + ns), "{offset}");
        }
        assert!(f.add_time("x", "t", &json!(1e300)).unwrap_err().to_string().contains("not a timespan"));
        assert!(f.add_time("x", "t", &json!("1mon")).unwrap_err().to_string().contains("no fixed length"));
    }

    #[test]
    fn sort_select_head() {
        let f = sample();
        let s = f.sort(&["n"], true).unwrap().select(&["n", "ip"]).unwrap().head(2);
        assert_eq!(s.column_names(), ["n", "ip"]);
        let n: Vec<_> = s.df().column("n").unwrap().i64().unwrap().into_iter().collect();
        assert_eq!(n, [Some(4), Some(3)]);
    }
}
