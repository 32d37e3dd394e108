//! Rows out of a [`Frame`]: JSON text of an array of row objects, and the display text of single cells.
//!
//! JSON cannot hold everything a table can, so a few values are written in a form the JS wrapper turns back:
//! datetimes as epoch milliseconds (→ `Date`), timespans as milliseconds, longs beyond ±2^53 as decimal strings
//! (→ `BigInt`), and non-finite reals as `"NaN"`/`"Infinity"`/`"-Infinity"` (→ `Number`).

use polars::prelude::*;

use crate::time::{format_datetime_ns, format_timespan_ns};
use super::Frame;

const MAX_SAFE_INT: i64 = (1 << 53) - 1;

/// The most a table may hold to be converted for JS (rows JSON, Arrow IPC): wasm32 has 4 GiB of memory and a
/// `String`/`Vec` at most 2 GiB, and a table can hold far more than that in shared buffers (one long text on
/// every row), which building the output would copy.
pub const MAX_CONVERT_BYTES: u64 = 1 << 30;

/// An error when rows `offset..offset+len` of `frame` are estimated (text by its length plus 32 bytes a cell) to
/// make more than [`MAX_CONVERT_BYTES`] of output `what` — instead of a capacity overflow trapping the module.
pub fn check_convert_size(frame: &Frame, offset: usize, len: usize, what: &str) -> crate::error::Result<()> {
    let df = frame.df();
    let end = offset.saturating_add(len).min(df.height());
    let rows = end.saturating_sub(offset);
    let mut bytes = (rows as u64).saturating_mul(df.width() as u64).saturating_mul(32);
    for c in df.columns() {
        if let Ok(t) = c.str() {
            let part = t.slice(offset as i64, rows);
            bytes = part.into_iter().map(|v| v.map_or(0, str::len) as u64).fold(bytes, u64::saturating_add);
        }
        if bytes > MAX_CONVERT_BYTES {
            break;
        }
    }
    if bytes > MAX_CONVERT_BYTES {
        return Err(crate::error::Error::invalid(format!(
            "the table is too large to convert to {what}: its {rows} row(s) hold more than {} MiB of values (one long \
             text repeated on many rows?); select fewer rows or columns (head, select, project) first",
            MAX_CONVERT_BYTES >> 20
        )));
    }
    Ok(())
}

/// [`to_json_rows`] after [`check_convert_size`].
pub fn to_json_rows_checked(frame: &Frame, offset: usize, len: usize) -> crate::error::Result<String> {
    check_convert_size(frame, offset, len, "rows")?;
    Ok(to_json_rows(frame, offset, len))
}

/// JSON text of rows `offset..offset+len` as an array of objects keyed by column name.
pub fn to_json_rows(frame: &Frame, offset: usize, len: usize) -> String {
    let df = frame.df();
    let end = offset.saturating_add(len).min(df.height());
    let names: Vec<String> = frame
        .column_names()
        .iter()
        .map(|n| serde_json::Value::String(n.clone()).to_string())
        .collect();
    let mut out = String::with_capacity((end.saturating_sub(offset)) * df.width() * 16 + 2);
    out.push('[');
    for i in offset..end {
        if i > offset {
            out.push(',');
        }
        out.push('{');
        for (j, col) in df.columns().iter().enumerate() {
            if j > 0 {
                out.push(',');
            }
            out.push_str(&names[j]);
            out.push(':');
            push_json_cell(&mut out, col.get(i).unwrap_or(AnyValue::Null));
        }
        out.push('}');
    }
    out.push(']');
    out
}

fn push_json_cell(out: &mut String, v: AnyValue) {
    use AnyValue as A;
    match v {
        A::Null => out.push_str("null"),
        A::Boolean(b) => out.push_str(if b { "true" } else { "false" }),
        A::Int8(x) => out.push_str(&x.to_string()),
        A::Int16(x) => out.push_str(&x.to_string()),
        A::Int32(x) => out.push_str(&x.to_string()),
        A::UInt8(x) => out.push_str(&x.to_string()),
        A::UInt16(x) => out.push_str(&x.to_string()),
        A::UInt32(x) => out.push_str(&x.to_string()),
        // unsigned_abs: abs() of i64::MIN wraps (release) or panics (debug)
        A::Int64(x) if x.unsigned_abs() <= MAX_SAFE_INT as u64 => out.push_str(&x.to_string()),
        A::Int64(x) => out.push_str(&format!("\"{x}\"")),
        A::UInt64(x) if x <= MAX_SAFE_INT as u64 => out.push_str(&x.to_string()),
        A::UInt64(x) => out.push_str(&format!("\"{x}\"")),
        A::Float32(x) => push_f64(out, x as f64),
        A::Float64(x) => push_f64(out, x),
        A::Datetime(x, tu, _) | A::DatetimeOwned(x, tu, _) => push_f64(out, to_ms(x, tu)),
        A::Duration(x, tu) => push_f64(out, to_ms(x, tu)),
        A::Date(d) => push_f64(out, d as f64 * 86_400_000.0),
        A::Binary(b) => push_hex_json(out, b),
        A::BinaryOwned(b) => push_hex_json(out, &b),
        other => {
            let s = match other {
                A::String(s) => s.to_string(),
                A::StringOwned(s) => s.to_string(),
                o => o.to_string(),
            };
            out.push_str(&serde_json::Value::String(s).to_string());
        }
    }
}

/// Binary cells (decoded base64) as hex text, `"4d5a9000…"`.
fn push_hex_json(out: &mut String, b: &[u8]) {
    out.reserve(b.len() * 2 + 2);
    out.push('"');
    for x in b {
        out.push_str(&format!("{x:02x}"));
    }
    out.push('"');
}

/// Bytes of a binary cell shown by [`display_text`]; the rest are counted.
pub const MAX_DISPLAY_BINARY: usize = 1024;

fn hex_display(b: &[u8]) -> String {
    let shown = b.len().min(MAX_DISPLAY_BINARY);
    let mut s = String::with_capacity(shown * 3 + 24);
    for (i, x) in b.iter().take(shown).enumerate() {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(&format!("{x:02x}"));
    }
    if b.len() > shown {
        s.push_str(&format!(" … ({} bytes)", b.len()));
    }
    s
}

fn push_f64(out: &mut String, x: f64) {
    if x.is_nan() {
        out.push_str("\"NaN\"");
    } else if x.is_infinite() {
        out.push_str(if x > 0.0 { "\"Infinity\"" } else { "\"-Infinity\"" });
    } else {
        out.push_str(&serde_json::Number::from_f64(x).map(|n| n.to_string()).unwrap_or_else(|| "null".into()));
    }
}

/// Milliseconds, whole part exact: `x as f64 / 1e6` of a nanosecond time today gives …481.9998 for .482 (the
/// nanoseconds do not fit an f64), which `new Date` truncates to the millisecond before.
fn to_ms(x: i64, tu: TimeUnit) -> f64 {
    let per_ms: i64 = match tu {
        TimeUnit::Nanoseconds => 1_000_000,
        TimeUnit::Microseconds => 1_000,
        TimeUnit::Milliseconds => 1,
    };
    x.div_euclid(per_ms) as f64 + x.rem_euclid(per_ms) as f64 / per_ms as f64
}

pub(crate) fn to_ns(x: i64, tu: TimeUnit) -> i64 {
    match tu {
        TimeUnit::Nanoseconds => x,
        TimeUnit::Microseconds => x.saturating_mul(1_000),
        TimeUnit::Milliseconds => x.saturating_mul(1_000_000),
    }
}

/// The text a person reads for a cell: datetimes in ISO UTC, timespans as `d.hh:mm:ss`, binary as hex bytes
/// (`4d 5a 90 00`, at most [`MAX_DISPLAY_BINARY`] of them), null as `None`.
pub fn display_text(v: &AnyValue) -> Option<String> {
    use AnyValue as A;
    Some(match v {
        A::Null => return None,
        A::String(s) => s.to_string(),
        A::StringOwned(s) => s.to_string(),
        A::Datetime(x, tu, _) | A::DatetimeOwned(x, tu, _) => format_datetime_ns(to_ns(*x, *tu)),
        A::Duration(x, tu) => format_timespan_ns(to_ns(*x, *tu)),
        A::Float64(x) => format_real(*x),
        A::Float32(x) => format_real(*x as f64),
        A::Binary(b) => hex_display(b),
        A::BinaryOwned(b) => hex_display(b),
        other => other.to_string(),
    })
}

fn format_real(x: f64) -> String {
    if x.is_nan() {
        "NaN".into()
    } else if x.is_infinite() {
        if x > 0.0 { "Infinity".into() } else { "-Infinity".into() }
    } else {
        x.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_too_large_to_convert_are_an_error() {
        // 1,100 rows sharing one 1 MiB text: little memory, 1.1 GB of rows JSON
        let big = "x".repeat(1 << 20);
        let col = StringChunked::full("s".into(), &big, 1100).into_series().into_column();
        let f = Frame::new("T", DataFrame::new(1100, vec![col]).unwrap());
        let e = to_json_rows_checked(&f, 0, 1100).unwrap_err().to_string();
        assert!(e.contains("too large to convert to rows") && e.contains("1024 MiB"), "{e}");
        let e = crate::frame::arrow::to_ipc_stream(&f, Default::default()).unwrap_err().to_string();
        assert!(e.contains("too large to convert to Arrow"), "{e}");
        // a slice that fits converts
        assert_eq!(to_json_rows_checked(&f, 5, 2).unwrap().len(), 2 * ((1 << 20) + 8) + 3);
    }

    #[test]
    fn the_smallest_long_is_written_as_text_not_a_rounded_number() {
        let df = DataFrame::new(3, vec![Column::new("x".into(), [i64::MIN, i64::MAX, -5])]).unwrap();
        let f = Frame::new("T", df);
        assert_eq!(
            to_json_rows(&f, 0, 3),
            r#"[{"x":"-9223372036854775808"},{"x":"9223372036854775807"},{"x":-5}]"#
        );
    }
}

