//! `ColumnBuilder`: collects the cells of one column, converting each to the column's Log Analytics type.
//!
//! The wire is loose (a long may come as a number or a string, a bool as `1`), so every `push_*` takes what came
//! and stores what the type says; a value that cannot be converted becomes null and is counted, so the reader can
//! say so in the table's notes rather than fail or silently lose it.

use polars::prelude::*;

use super::values::parse_real;
use crate::time::{parse_datetime_ns, parse_timespan_ns};
use super::LaType;

enum Cells {
    Bool(Vec<Option<bool>>),
    I32(Vec<Option<i32>>),
    I64(Vec<Option<i64>>),
    F64(Vec<Option<f64>>),
    Str(StringChunkedBuilder),
}

/// Builds one column of a given [`LaType`] from wire values.
pub struct ColumnBuilder {
    name: String,
    kind: LaType,
    cells: Cells,
    len: usize,
    /// How many values could not be converted and became null.
    pub rejected: usize,
    /// The first value that could not be converted, to show in the note.
    pub first_rejected: Option<String>,
    /// How many nested values were deeper than [`MAX_JSON_DEPTH`] (kept as their JSON text), and the first one's row.
    deep: usize,
    first_deep_row: usize,
    /// How many lone UTF-16 surrogate escapes in arrays/objects were read as U+FFFD.
    lone: usize,
}

/// The deepest nesting of a JSON array/object a cell is parsed to (serde_json refuses 128 levels; parsing deeper
/// would need a stack wasm does not have). Deeper cells of `dynamic` columns are kept as their JSON text.
pub const MAX_JSON_DEPTH: usize = 100;

/// Calls `f(at, byte)` for each `[`, `{`, `]` and `}` of JSON text `t` outside strings, in order, until `f` returns
/// false. The one bracket scanner: nesting depth here, the demo file's row ends (`crate::demo`).
#[inline]
pub fn json_brackets(t: &[u8], mut f: impl FnMut(usize, u8) -> bool) {
    let (mut in_str, mut escaped) = (false, false);
    for (at, &c) in t.iter().enumerate() {
        if in_str {
            match c {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_str = false,
                _ => {}
            }
            continue;
        }
        match c {
            b'"' => in_str = true,
            b'[' | b'{' | b']' | b'}' if !f(at, c) => return,
            _ => {}
        }
    }
}

/// How deeply the arrays and objects of JSON text `t` nest (brackets inside strings do not count).
pub fn json_depth(t: &str) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    json_brackets(t.as_bytes(), |_, c| {
        if matches!(c, b'[' | b'{') {
            depth += 1;
            max = max.max(depth);
        } else {
            depth = depth.saturating_sub(1);
        }
        true
    });
    max
}

impl ColumnBuilder {
    pub fn new(name: &str, kind: LaType, capacity: usize) -> Self {
        let cells = match kind {
            LaType::Bool => Cells::Bool(Vec::with_capacity(capacity)),
            LaType::Int => Cells::I32(Vec::with_capacity(capacity)),
            LaType::Long | LaType::DateTime | LaType::Timespan => Cells::I64(Vec::with_capacity(capacity)),
            LaType::Real => Cells::F64(Vec::with_capacity(capacity)),
            LaType::String | LaType::Guid | LaType::Decimal | LaType::Dynamic => {
                Cells::Str(StringChunkedBuilder::new(name.into(), capacity))
            }
        };
        ColumnBuilder {
            name: name.to_string(),
            kind,
            cells,
            len: 0,
            rejected: 0,
            first_rejected: None,
            deep: 0,
            first_deep_row: 0,
            lone: 0,
        }
    }

    pub fn kind(&self) -> LaType {
        self.kind
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn reject(&mut self, shown: &dyn std::fmt::Display) {
        self.rejected += 1;
        if self.first_rejected.is_none() {
            let mut s = shown.to_string();
            if s.len() > 60 {
                let cut = (0..=60).rev().find(|i| s.is_char_boundary(*i)).unwrap_or(0);
                s.truncate(cut);
                s.push('…');
            }
            self.first_rejected = Some(s);
        }
        self.push_null();
    }

    pub fn push_null(&mut self) {
        self.len += 1;
        match &mut self.cells {
            Cells::Bool(v) => v.push(None),
            Cells::I32(v) => v.push(None),
            Cells::I64(v) => v.push(None),
            Cells::F64(v) => v.push(None),
            Cells::Str(b) => b.append_null(),
        }
    }

    pub fn push_str(&mut self, s: &str) {
        match (&mut self.cells, self.kind) {
            (Cells::Str(b), _) => {
                b.append_value(s);
                self.len += 1;
            }
            (Cells::Bool(v), _) => match s.trim().to_ascii_lowercase().as_str() {
                "true" | "1" => {
                    v.push(Some(true));
                    self.len += 1
                }
                "false" | "0" => {
                    v.push(Some(false));
                    self.len += 1
                }
                "" => self.push_null(),
                _ => self.reject(&s),
            },
            (Cells::I32(v), _) => match s.trim().parse::<i32>() {
                Ok(x) => {
                    v.push(Some(x));
                    self.len += 1
                }
                Err(_) if s.trim().is_empty() => self.push_null(),
                Err(_) => self.reject(&s),
            },
            (Cells::I64(v), kind) => {
                let parsed = match kind {
                    LaType::DateTime => parse_datetime_ns(s),
                    LaType::Timespan => parse_timespan_ns(s),
                    _ => s.trim().parse::<i64>().ok(),
                };
                match parsed {
                    Some(x) => {
                        v.push(Some(x));
                        self.len += 1
                    }
                    None if s.trim().is_empty() => self.push_null(),
                    None => self.reject(&s),
                }
            }
            (Cells::F64(v), _) => match parse_real(s) {
                Some(x) => {
                    v.push(Some(x));
                    self.len += 1
                }
                None if s.trim().is_empty() => self.push_null(),
                None => self.reject(&s),
            },
        }
    }

    pub fn push_i64(&mut self, x: i64) {
        match (&mut self.cells, self.kind) {
            (Cells::I64(v), LaType::Long) => {
                v.push(Some(x));
                self.len += 1
            }
            (Cells::I32(v), _) if i32::try_from(x).is_ok() => {
                v.push(Some(x as i32));
                self.len += 1
            }
            (Cells::F64(v), _) => {
                v.push(Some(x as f64));
                self.len += 1
            }
            (Cells::Bool(v), _) if x == 0 || x == 1 => {
                v.push(Some(x == 1));
                self.len += 1
            }
            (Cells::Str(b), _) => {
                b.append_value(x.to_string());
                self.len += 1
            }
            _ => self.reject(&x),
        }
    }

    pub fn push_u64(&mut self, x: u64) {
        match i64::try_from(x) {
            Ok(v) => self.push_i64(v),
            Err(_) => match &mut self.cells {
                Cells::F64(v) => {
                    v.push(Some(x as f64));
                    self.len += 1
                }
                Cells::Str(b) => {
                    b.append_value(x.to_string());
                    self.len += 1
                }
                _ => self.reject(&x),
            },
        }
    }

    pub fn push_f64(&mut self, x: f64) {
        match (&mut self.cells, self.kind) {
            (Cells::F64(v), _) => {
                v.push(Some(x));
                self.len += 1
            }
            (Cells::I64(_) | Cells::I32(_), LaType::Int | LaType::Long) if x.fract() == 0.0 && x.abs() < 9.2e18 => {
                self.push_i64(x as i64)
            }
            (Cells::Str(b), _) => {
                b.append_value(x.to_string());
                self.len += 1
            }
            _ => self.reject(&x),
        }
    }

    pub fn push_bool(&mut self, x: bool) {
        match &mut self.cells {
            Cells::Bool(v) => {
                v.push(Some(x));
                self.len += 1
            }
            Cells::Str(b) => {
                b.append_value(if x { "true" } else { "false" });
                self.len += 1
            }
            _ => self.reject(&x),
        }
    }

    /// A nested JSON value (an object or array): kept as its JSON text in string columns.
    pub fn push_json(&mut self, value: &serde_json::Value) {
        match &mut self.cells {
            Cells::Str(b) => {
                b.append_value(value.to_string());
                self.len += 1
            }
            _ => self.reject(value),
        }
    }

    /// The raw JSON text of one cell (an array or object as it came on the wire), dispatched like
    /// [`Self::push_value`]; one nested deeper than [`MAX_JSON_DEPTH`] is kept as its text (string columns) and
    /// counted for [`Self::deep_note`], never parsed.
    pub fn push_raw_json(&mut self, raw: &str) {
        let t = raw.trim();
        if t.starts_with(['[', '{']) && json_depth(t) > MAX_JSON_DEPTH {
            match &mut self.cells {
                Cells::Str(b) => {
                    if self.deep == 0 {
                        self.first_deep_row = self.len;
                    }
                    self.deep += 1;
                    b.append_value(t);
                    self.len += 1
                }
                _ => self.reject(&t),
            }
            return;
        }
        match serde_json::from_str::<serde_json::Value>(t) {
            Ok(v) => self.push_value(&v),
            // serde_json refuses lone UTF-16 surrogate escapes (which it skips unchecked in a member read as raw
            // text): repaired to U+FFFD as in string cells, and noted
            Err(_) => match super::loganalytics::repair_lone_surrogates(t.as_bytes()) {
                (fixed, lone @ 1..) => match serde_json::from_slice::<serde_json::Value>(&fixed) {
                    Ok(v) => {
                        self.lone += lone;
                        self.push_value(&v)
                    }
                    Err(_) => self.reject(&t),
                },
                _ => self.reject(&t),
            },
        }
    }

    /// Any JSON value, dispatched to the right `push_*`.
    pub fn push_value(&mut self, value: &serde_json::Value) {
        use serde_json::Value as V;
        match value {
            V::Null => self.push_null(),
            V::Bool(b) => self.push_bool(*b),
            V::Number(n) => {
                if let Some(i) = n.as_i64() {
                    self.push_i64(i)
                } else if let Some(u) = n.as_u64() {
                    self.push_u64(u)
                } else {
                    self.push_f64(n.as_f64().unwrap_or(f64::NAN))
                }
            }
            V::String(s) => self.push_str(s),
            V::Array(_) | V::Object(_) => self.push_json(value),
        }
    }

    /// Pads with nulls to `len` rows (rows that were shorter than the column list).
    pub fn pad_to(&mut self, len: usize) {
        while self.len < len {
            self.push_null();
        }
    }

    /// The finished polars column, in the column type's full-precision dtype.
    pub fn finish(self) -> Column {
        let name: PlSmallStr = self.name.as_str().into();
        let series = match self.cells {
            Cells::Bool(v) => BooleanChunked::from_iter_options(name, v.into_iter()).into_series(),
            Cells::I32(v) => Int32Chunked::from_iter_options(name, v.into_iter()).into_series(),
            Cells::F64(v) => Float64Chunked::from_iter_options(name, v.into_iter()).into_series(),
            Cells::Str(b) => b.finish().into_series(),
            Cells::I64(v) => {
                let ca = Int64Chunked::from_iter_options(name, v.into_iter());
                match self.kind {
                    LaType::DateTime => ca.into_datetime(TimeUnit::Nanoseconds, None).into_series(),
                    LaType::Timespan => ca.into_duration(TimeUnit::Nanoseconds).into_series(),
                    _ => ca.into_series(),
                }
            }
        };
        series.into_column()
    }

    /// A note for the table if values nested too deeply to be parsed were kept as text.
    pub fn deep_note(&self) -> Option<String> {
        (self.deep > 0).then(|| {
            format!(
                "column '{}': {} value(s) nest arrays/objects more than {MAX_JSON_DEPTH} levels deep (first at row {}); \
                 kept as their JSON text, not parsed (paths into them read as null)",
                self.name, self.deep, self.first_deep_row
            )
        })
    }

    /// A note for the table if arrays/objects held lone UTF-16 surrogate escapes (read as U+FFFD).
    pub fn lone_surrogate_note(&self) -> Option<String> {
        (self.lone > 0).then(|| {
            format!(
                "column '{}': {} lone UTF-16 surrogate escape(s) in arrays/objects (not valid text) were read as U+FFFD",
                self.name, self.lone
            )
        })
    }

    /// A note for the table if values were rejected.
    pub fn rejection_note(&self) -> Option<String> {
        (self.rejected > 0).then(|| {
            format!(
                "column '{}': {} value(s) were not valid {} and became null (first: '{}')",
                self.name,
                self.rejected,
                self.kind,
                self.first_rejected.as_deref().unwrap_or("")
            )
        })
    }
}
