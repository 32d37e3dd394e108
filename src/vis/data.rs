//! Reading what a chart needs out of a [`Frame`]: a time column as nanoseconds, a numeric column as `f64`, rows
//! grouped by one or more columns (with sortable keys and display labels), and sorting events by time.

use std::cmp::Ordering;

use polars::prelude::*;

use crate::error::{Error, PolarsContext, Result};
use crate::frame::codes::{column_codes, combine_codes};
use crate::frame::rows::{display_text, to_ns};
use crate::frame::values::parse_real;
use crate::time::parse_datetime_ns;
use crate::frame::{Frame, LaType};

use super::scale::DAY;

/// The label of a null group key.
pub const NULL_LABEL: &str = "(null)";

/// Column `name` as nanoseconds since the epoch: datetime columns of any precision, dates, and text holding ISO
/// datetimes (text that is not one becomes `None`). Other types are an error.
pub(crate) fn times_ns(frame: &Frame, name: &str) -> Result<Vec<Option<i64>>> {
    let col = frame.column(name)?;
    match col.dtype() {
        DataType::Datetime(tu, _) => {
            let tu = *tu;
            let phys = col.as_materialized_series().to_physical_repr();
            Ok(phys
                .i64()
                .context("reading a datetime column")?
                .iter()
                .map(|v| v.map(|x| to_ns(x, tu)))
                .collect())
        }
        DataType::Date => {
            let phys = col.as_materialized_series().to_physical_repr();
            Ok(phys
                .i32()
                .context("reading a date column")?
                .iter()
                .map(|v| v.map(|d| (d as i64).saturating_mul(DAY)))
                .collect())
        }
        DataType::String => Ok(col
            .as_materialized_series()
            .str()
            .context("reading a text column")?
            .iter()
            .map(|v| v.and_then(parse_datetime_ns))
            .collect()),
        other => Err(Error::invalid(format!(
            "column '{name}' is {}, not a datetime",
            frame.la_type(name).unwrap_or_else(|_| LaType::of_dtype(other))
        ))),
    }
}

/// Whether column `name` holds times (a datetime or date column).
pub(crate) fn is_time_column(frame: &Frame, name: &str) -> Result<bool> {
    Ok(matches!(
        frame.column(name)?.dtype(),
        DataType::Datetime(..) | DataType::Date
    ))
}

/// Column `name` as numbers: any integer or real column (NaN and infinities kept), booleans as 0/1, text holding
/// numbers (other text becomes `None`). Other types are an error.
pub(crate) fn numbers(frame: &Frame, name: &str) -> Result<Vec<Option<f64>>> {
    let col = frame.column(name)?;
    let s = col.as_materialized_series();
    match s.dtype() {
        dt if dt.is_primitive_numeric() => {
            let cast = s.cast(&DataType::Float64).context("reading a numeric column")?;
            Ok(cast.f64().context("reading a numeric column")?.iter().collect())
        }
        DataType::Boolean => Ok(s
            .bool()
            .context("reading a bool column")?
            .iter()
            .map(|v| v.map(|b| b as u8 as f64))
            .collect()),
        DataType::String => Ok(s
            .str()
            .context("reading a text column")?
            .iter()
            .map(|v| v.and_then(parse_real))
            .collect()),
        other => Err(Error::invalid(format!(
            "column '{name}' is {}, not a number",
            frame.la_type(name).unwrap_or_else(|_| LaType::of_dtype(other))
        ))),
    }
}

/// One part of a group key, ordered as the column's type orders (nulls last).
#[derive(Debug, Clone)]
enum KeyPart {
    Bool(bool),
    Int(i128),
    Real(f64),
    Text(String),
    Null,
}

impl KeyPart {
    fn of(v: &AnyValue) -> KeyPart {
        use AnyValue as A;
        match v {
            A::Null => KeyPart::Null,
            A::Boolean(b) => KeyPart::Bool(*b),
            A::Int8(x) => KeyPart::Int(*x as i128),
            A::Int16(x) => KeyPart::Int(*x as i128),
            A::Int32(x) => KeyPart::Int(*x as i128),
            A::Int64(x) => KeyPart::Int(*x as i128),
            A::UInt8(x) => KeyPart::Int(*x as i128),
            A::UInt16(x) => KeyPart::Int(*x as i128),
            A::UInt32(x) => KeyPart::Int(*x as i128),
            A::UInt64(x) => KeyPart::Int(*x as i128),
            A::Float32(x) => KeyPart::Real(*x as f64),
            A::Float64(x) => KeyPart::Real(*x),
            A::Datetime(x, tu, _) => KeyPart::Int(to_ns(*x, *tu) as i128),
            A::Duration(x, tu) => KeyPart::Int(to_ns(*x, *tu) as i128),
            A::Date(d) => KeyPart::Int(*d as i128),
            A::String(s) => KeyPart::Text(s.to_string()),
            A::StringOwned(s) => KeyPart::Text(s.to_string()),
            other => KeyPart::Text(display_text(other).unwrap_or_default()),
        }
    }

    fn rank(&self) -> u8 {
        match self {
            KeyPart::Bool(_) => 0,
            KeyPart::Int(_) => 1,
            KeyPart::Real(_) => 2,
            KeyPart::Text(_) => 3,
            KeyPart::Null => 4,
        }
    }

    fn cmp(&self, other: &KeyPart) -> Ordering {
        match (self, other) {
            (KeyPart::Bool(a), KeyPart::Bool(b)) => a.cmp(b),
            (KeyPart::Int(a), KeyPart::Int(b)) => a.cmp(b),
            (KeyPart::Real(a), KeyPart::Real(b)) => a.total_cmp(b),
            (KeyPart::Text(a), KeyPart::Text(b)) => a.cmp(b),
            (a, b) => a.rank().cmp(&b.rank()),
        }
    }
}

/// Rows grouped by key columns.
#[derive(Debug, Clone, Default)]
pub(crate) struct Groups {
    /// Each group's label: its key values' display text joined with " / ", nulls as "(null)". In key order
    /// (ascending by the columns' types, nulls last).
    pub labels: Vec<String>,
    /// The group of each row (an index into `labels`).
    pub of_row: Vec<u32>,
}

/// The rows of `frame` grouped by the columns `by`, groups sorted by key. No columns: one group labelled
/// `single_label`.
pub(crate) fn group_rows(frame: &Frame, by: &[String], single_label: &str) -> Result<Groups> {
    let cols: Vec<&Column> = by.iter().map(|b| frame.column(b)).collect::<Result<_>>()?;
    let n = frame.height();
    if cols.is_empty() {
        return Ok(Groups {
            labels: vec![single_label.to_string()],
            of_row: vec![0; n],
        });
    }
    // Combine the columns' codes into one dense code a row.
    let mut codes = column_codes(cols[0])?;
    for c in &cols[1..] {
        combine_codes(&mut codes, &column_codes(c)?);
    }
    // The first row of each group stands for its key.
    let mut first_row: Vec<usize> = Vec::new();
    for (i, &c) in codes.iter().enumerate() {
        if c as usize == first_row.len() {
            first_row.push(i);
        }
    }
    let count = first_row.len();
    let mut parts: Vec<Vec<KeyPart>> = Vec::with_capacity(count);
    let mut labels: Vec<String> = Vec::with_capacity(count);
    for &row in &first_row {
        let mut key = Vec::with_capacity(cols.len());
        let mut text = Vec::with_capacity(cols.len());
        for c in &cols {
            let v = c.get(row).unwrap_or(AnyValue::Null);
            text.push(display_text(&v).unwrap_or_else(|| NULL_LABEL.to_string()));
            key.push(KeyPart::of(&v));
        }
        parts.push(key);
        labels.push(text.join(" / "));
    }
    let mut order: Vec<usize> = (0..count).collect();
    order.sort_by(|&a, &b| {
        parts[a]
            .iter()
            .zip(&parts[b])
            .map(|(x, y)| x.cmp(y))
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
            .then(a.cmp(&b))
    });
    let mut rank = vec![0u32; count];
    for (r, &g) in order.iter().enumerate() {
        rank[g] = r as u32;
    }
    let of_row = codes
        .into_iter()
        .map(|c| rank.get(c as usize).copied().unwrap_or(0))
        .collect();
    Ok(Groups {
        labels: order.into_iter().map(|g| std::mem::take(&mut labels[g])).collect(),
        of_row,
    })
}

/// Sorts `times` ascending, carrying `rows` along; equal times keep their order (stable). Already sorted or
/// reverse-sorted input is detected in one pass; otherwise an LSD radix sort on the offsets from the smallest time.
pub(crate) fn sort_by_time(times: &mut Vec<i64>, rows: &mut Vec<u32>) {
    let n = times.len().min(rows.len());
    times.truncate(n);
    rows.truncate(n);
    if times.windows(2).all(|w| w[0] <= w[1]) {
        return;
    }
    if times.windows(2).all(|w| w[0] > w[1]) {
        times.reverse();
        rows.reverse();
        return;
    }
    if n < 256 {
        let mut pairs: Vec<(i64, u32)> = times.iter().copied().zip(rows.iter().copied()).collect();
        pairs.sort_by_key(|p| p.0);
        for (i, (t, r)) in pairs.into_iter().enumerate() {
            times[i] = t;
            rows[i] = r;
        }
        return;
    }
    // Keys are offsets from the smallest time (as u64, so any i64 range fits); only as many digits as the range has
    // bits are sorted, at most 13 bits a digit (a 30-day span in ns has 52 bits: 4 passes).
    let min = times.iter().copied().min().unwrap_or(0);
    let mut keys: Vec<u64> = times.iter().map(|&t| t.wrapping_sub(min) as u64).collect();
    let range = keys.iter().copied().max().unwrap_or(0);
    let bits = 64 - range.leading_zeros();
    let passes = bits.div_ceil(13).max(1);
    let digit = bits.div_ceil(passes).max(1);
    let mask: u64 = (1u64 << digit) - 1;
    let mut rows_a = std::mem::take(rows);
    let mut keys_b = vec![0u64; n];
    let mut rows_b = vec![0u32; n];
    let mut counts = vec![0usize; 1 << digit];
    for pass in 0..passes {
        let shift = pass * digit;
        counts.fill(0);
        for &k in &keys {
            counts[((k >> shift) & mask) as usize] += 1;
        }
        let mut sum = 0;
        for c in counts.iter_mut() {
            let here = *c;
            *c = sum;
            sum += here;
        }
        for (&k, &r) in keys.iter().zip(&rows_a) {
            let b = ((k >> shift) & mask) as usize;
            let p = counts[b];
            keys_b[p] = k;
            rows_b[p] = r;
            counts[b] = p + 1;
        }
        std::mem::swap(&mut keys, &mut keys_b);
        std::mem::swap(&mut rows_a, &mut rows_b);
    }
    for (t, k) in times.iter_mut().zip(&keys) {
        *t = min.wrapping_add(*k as i64);
    }
    *rows = rows_a;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn radix_sort_is_stable_and_handles_extremes() {
        let mut times: Vec<i64> = (0..1000).map(|i: i64| ((i * 7919) % 1000 - 500) * 1_000_003).collect();
        times.extend([i64::MIN, i64::MAX, 0, 0, -1]);
        let mut rows: Vec<u32> = (0..times.len() as u32).collect();
        let mut want: Vec<(i64, u32)> = times.iter().copied().zip(rows.iter().copied()).collect();
        want.sort_by_key(|p| p.0);
        sort_by_time(&mut times, &mut rows);
        let got: Vec<(i64, u32)> = times.into_iter().zip(rows).collect();
        assert_eq!(got, want);
        let (mut t, mut r) = (vec![3, 2, 1], vec![0, 1, 2]);
        sort_by_time(&mut t, &mut r);
        assert_eq!((t, r), (vec![1, 2, 3], vec![2, 1, 0]));
    }
}

#[cfg(test)]
mod group_tests {
    use super::*;
    use crate::frame::loganalytics::parse_response;

    #[test]
    fn groups_sort_by_type_with_nulls_last() {
        let json = br#"{"tables":[{"name":"T","columns":[{"name":"n","type":"long"},{"name":"b","type":"bool"},
          {"name":"t","type":"string"}],
          "rows":[[10,true,"2024-01-01"],[9,false,"x"],[null,true,null],[10,false,"2024-01-01T00:00:00Z"],[-1,null,"x"]]}]}"#;
        let f = parse_response(json).unwrap().tables.remove(0);
        let g = group_rows(&f, &["n".into()], "").unwrap();
        assert_eq!(g.labels, ["-1", "9", "10", "(null)"]);
        assert_eq!(g.of_row, [2, 1, 3, 2, 0]);
        let g = group_rows(&f, &["b".into(), "n".into()], "").unwrap();
        assert_eq!(
            g.labels,
            ["false / 9", "false / 10", "true / 10", "true / (null)", "(null) / -1"]
        );
        let g = group_rows(&f, &[], "all").unwrap();
        assert_eq!((g.labels, g.of_row), (vec!["all".to_string()], vec![0; 5]));
        let times = times_ns(&f, "t").unwrap();
        assert_eq!(times[0], times[3]);
        assert_eq!((times[1], times[2]), (None, None));
        assert!(times_ns(&f, "b").is_err());
        assert_eq!(
            numbers(&f, "b").unwrap(),
            [Some(1.0), Some(0.0), Some(1.0), Some(0.0), None]
        );
        assert!(numbers(&f, "missing").is_err());
    }
}
