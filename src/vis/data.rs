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
    // Keys are offsets from the smallest time (as u64, so any i64 range fits), radix-sorted on as many bits as the
    // range has. Times that are all whole seconds or milliseconds are sorted in that unit (fewer bits, fewer passes).
    let min = times.iter().copied().min().unwrap_or(0);
    let mut keys: Vec<u64> = times.iter().map(|&t| t.wrapping_sub(min) as u64).collect();
    let unit = ExactUnit::of(&keys);
    if let Some(u) = unit {
        keys.iter_mut().for_each(|k| *k = u.divide(*k));
    }
    let range = keys.iter().copied().max().unwrap_or(0);
    let bits = 64 - range.leading_zeros();
    let scale = unit.map_or(1, |u| u.size);
    // When a key and the element's position fit in 64 bits together (a month in whole ms with millions of events, in
    // 100 ns ticks with up to ~500,000), they are sorted as one u64, key above position: one array moves instead of
    // two, and the rows are gathered by position at the end.
    let pos_bits = usize::BITS - n.saturating_sub(1).leading_zeros();
    if bits + pos_bits <= 64 {
        let mut packed: Vec<u64> = keys.iter().zip(0u64..).map(|(&k, i)| (k << pos_bits) | i).collect();
        drop(keys);
        radix_sort_by(&mut packed, |&p| p >> pos_bits, bits);
        let pos_mask = (1u64 << pos_bits) - 1;
        let rows_in = std::mem::take(rows);
        *rows = packed.iter().map(|&p| rows_in.get((p & pos_mask) as usize).copied().unwrap_or(0)).collect();
        for (t, p) in times.iter_mut().zip(&packed) {
            *t = min.wrapping_add((p >> pos_bits).wrapping_mul(scale) as i64);
        }
        return;
    }
    let mut pairs: Vec<(u64, u32)> = keys.into_iter().zip(rows.iter().copied()).collect();
    radix_sort_by(&mut pairs, |p| p.0, bits);
    for ((t, r), (k, row)) in times.iter_mut().zip(rows.iter_mut()).zip(pairs) {
        *t = min.wrapping_add(k.wrapping_mul(scale) as i64);
        *r = row;
    }
}

/// A stable LSD radix sort of `items` by `key`, whose values have at most `bits` bits: as few passes as that needs,
/// at most 13 bits a digit (a 30-day span in ns has 52 bits: 4 passes; in ms 32 bits: 3 passes).
fn radix_sort_by<T: Copy + Default>(items: &mut Vec<T>, key: impl Fn(&T) -> u64, bits: u32) {
    let passes = bits.div_ceil(13).max(1);
    let digit = bits.div_ceil(passes).max(1);
    let mask: u64 = (1u64 << digit) - 1;
    let mut other = vec![T::default(); items.len()];
    let mut counts = vec![0usize; 1 << digit];
    for pass in 0..passes {
        let shift = pass * digit;
        counts.fill(0);
        for it in items.iter() {
            if let Some(c) = counts.get_mut(((key(it) >> shift) & mask) as usize) {
                *c += 1;
            }
        }
        let mut sum = 0;
        for c in counts.iter_mut() {
            let here = *c;
            *c = sum;
            sum += here;
        }
        for it in items.iter() {
            let b = ((key(it) >> shift) & mask) as usize;
            if let Some(c) = counts.get_mut(b) {
                if let Some(slot) = other.get_mut(*c) {
                    *slot = *it;
                }
                *c += 1;
            }
        }
        std::mem::swap(items, &mut other);
    }
}

/// A unit (a second or a millisecond, in ns) that every key is a whole multiple of, divided out exactly with one
/// multiplication: `size` = 2^`shift` × `odd`, and for a multiple `k` of `size`, `(k >> shift) × odd⁻¹` (mod 2^64)
/// is `k / size`; for any other `k` it is above `u64::MAX / odd` (or `k` has a low bit set).
#[derive(Clone, Copy)]
struct ExactUnit {
    size: u64,
    shift: u32,
    inverse: u64,
    limit: u64,
}

impl ExactUnit {
    const fn new(size: u64) -> ExactUnit {
        let shift = size.trailing_zeros();
        let odd = size >> shift;
        // Newton's iteration for the inverse of an odd number mod 2^64: `odd` is its own inverse mod 8 (3 bits), and
        // each step doubles the bits: 6, 12, 24, 48, 96.
        let mut inverse = odd;
        let mut i = 0;
        while i < 5 {
            inverse = inverse.wrapping_mul(2u64.wrapping_sub(odd.wrapping_mul(inverse)));
            i += 1;
        }
        ExactUnit {
            size,
            shift,
            inverse,
            limit: u64::MAX / odd,
        }
    }

    fn divides(self, k: u64) -> bool {
        k.trailing_zeros() >= self.shift && (k >> self.shift).wrapping_mul(self.inverse) <= self.limit
    }

    fn divide(self, k: u64) -> u64 {
        (k >> self.shift).wrapping_mul(self.inverse)
    }

    /// The largest of a second and a millisecond that divides every key, if one does.
    fn of(keys: &[u64]) -> Option<ExactUnit> {
        const UNITS: [ExactUnit; 2] = [ExactUnit::new(1_000_000_000), ExactUnit::new(1_000_000)];
        UNITS.into_iter().find(|u| keys.iter().all(|&k| u.divides(k)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_units_divide_only_their_multiples() {
        for size in [1_000_000_000u64, 1_000_000] {
            let u = ExactUnit::new(size);
            for q in [0u64, 1, 2, 7, 999, 1 << 20, 2_592_000_000, u64::MAX / size] {
                assert!(u.divides(q * size), "{q} × {size}");
                assert_eq!(u.divide(q * size), q, "{q} × {size}");
                for off in [1u64, 2, 64, 15_625, size / 2, size - 1] {
                    if let Some(k) = (q * size).checked_add(off) {
                        assert!(!u.divides(k), "{q} × {size} + {off}");
                    }
                }
            }
            assert!(!u.divides(u64::MAX));
        }
        // Whole milliseconds sort in ms (a 30-day span: 32 bits, 3 passes) and come back as the same ns values.
        let ms: Vec<i64> = (0..5000i64).map(|i| 1_790_000_000_000_000_000 + (i * 7919 % 5000) * 518_400_000_000 / 1000 * 1000).collect();
        let mut times = ms.clone();
        let mut rows: Vec<u32> = (0..5000).collect();
        sort_by_time(&mut times, &mut rows);
        let mut want: Vec<(i64, u32)> = ms.iter().copied().zip(0..).collect();
        want.sort_by_key(|p| p.0);
        assert_eq!(times, want.iter().map(|p| p.0).collect::<Vec<_>>());
        assert_eq!(rows, want.iter().map(|p| p.1).collect::<Vec<_>>());
        assert!(ExactUnit::of(&[0, 1_000_000, 5_000_000]).is_some_and(|u| u.size == 1_000_000));
        assert!(ExactUnit::of(&[0, 3_000_000_000]).is_some_and(|u| u.size == 1_000_000_000));
        assert!(ExactUnit::of(&[0, 1_000_000, 5_000_100]).is_none());
    }

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
        // A small range (key and position packed in one u64), many ties, rows not in order: still stable.
        let mut times: Vec<i64> = (0..3000).map(|i: i64| 1_700_000_000_000_000_123 + (i * 7919 % 37) * 101).collect();
        let mut rows: Vec<u32> = (0..3000u32).map(|i| 90_000 - i * 7).collect();
        let mut want: Vec<(i64, u32)> = times.iter().copied().zip(rows.iter().copied()).collect();
        want.sort_by_key(|p| p.0);
        sort_by_time(&mut times, &mut rows);
        assert_eq!(times.into_iter().zip(rows).collect::<Vec<_>>(), want);
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
