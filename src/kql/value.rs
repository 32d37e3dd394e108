//! Runtime values of the executor: a [`Val`] is a constant ([`Scalar`]) or a whole column ([`Col`]).
//!
//! Columns are typed polars chunked arrays, one variant per KQL type: `bool`, `long` (int and long), `real`,
//! `string` (guid too), `datetime` and `timespan` (i64 nanoseconds), and `dynamic` (JSON text, one document per
//! cell). Operators and functions work on whole columns; constants stay constants until they meet a column, so
//! `1 + 2` or `split("a.b", ".")[0]` is computed once, not per row.
//!
//! Source `dynamic` cells are read leniently: JSON, or a Python repr (some exported data has that), else the text
//! is taken as a string.

use polars::prelude::*;
use serde_json::Value as Json;

use super::KqlError;
use crate::frame::dynamic::parse_dynamic;
use crate::frame::values::parse_real;
use crate::time::{format_datetime_ns, format_timespan_ns, parse_datetime_ns, parse_timespan_ns};
use crate::frame::LaType;

/// A KQL type as the executor holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ty {
    Bool,
    Long,
    Real,
    Str,
    DateTime,
    Timespan,
    Dyn,
}

impl Ty {
    pub fn name(self) -> &'static str {
        match self {
            Ty::Bool => "bool",
            Ty::Long => "long",
            Ty::Real => "real",
            Ty::Str => "string",
            Ty::DateTime => "datetime",
            Ty::Timespan => "timespan",
            Ty::Dyn => "dynamic",
        }
    }

    pub fn is_numeric(self) -> bool {
        matches!(self, Ty::Long | Ty::Real)
    }
}

/// A constant.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    Null,
    Bool(bool),
    Long(i64),
    Real(f64),
    Str(String),
    DateTime(i64),
    Timespan(i64),
    Dyn(Json),
}

impl Scalar {
    /// The type, or `None` for an untyped null.
    pub fn ty(&self) -> Option<Ty> {
        Some(match self {
            Scalar::Null => return None,
            Scalar::Bool(_) => Ty::Bool,
            Scalar::Long(_) => Ty::Long,
            Scalar::Real(_) => Ty::Real,
            Scalar::Str(_) => Ty::Str,
            Scalar::DateTime(_) => Ty::DateTime,
            Scalar::Timespan(_) => Ty::Timespan,
            Scalar::Dyn(_) => Ty::Dyn,
        })
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Scalar::Null | Scalar::Dyn(Json::Null))
    }

    /// The value as a JSON value (for dynamic arrays and bags).
    pub fn to_json(&self) -> Json {
        match self {
            Scalar::Null => Json::Null,
            Scalar::Bool(b) => Json::Bool(*b),
            Scalar::Long(v) => Json::from(*v),
            Scalar::Real(v) => serde_json::Number::from_f64(*v).map(Json::Number).unwrap_or(Json::Null),
            Scalar::Str(s) => Json::String(s.clone()),
            Scalar::DateTime(ns) => Json::String(format_datetime_ns(*ns)),
            Scalar::Timespan(ns) => Json::String(format_timespan_ns(*ns)),
            Scalar::Dyn(v) => v.clone(),
        }
    }

    /// `tostring()` of the value (null → empty).
    pub fn to_text(&self) -> String {
        match self {
            Scalar::Null => String::new(),
            Scalar::Bool(b) => b.to_string(),
            Scalar::Long(v) => v.to_string(),
            Scalar::Real(v) => format_real(*v),
            Scalar::Str(s) => s.clone(),
            Scalar::DateTime(ns) => format_datetime_ns(*ns),
            Scalar::Timespan(ns) => format_timespan_ns(*ns),
            Scalar::Dyn(v) => json_to_text(v),
        }
    }

    /// A scalar from a JSON value, keeping the JSON kind: numbers become long/real, strings string, the rest
    /// dynamic.
    pub fn from_json_plain(v: &Json) -> Scalar {
        match v {
            Json::Null => Scalar::Null,
            Json::Bool(b) => Scalar::Bool(*b),
            Json::Number(n) => n.as_i64().map(Scalar::Long).unwrap_or_else(|| Scalar::Real(n.as_f64().unwrap_or(f64::NAN))),
            Json::String(s) => Scalar::Str(s.clone()),
            other => Scalar::Dyn(other.clone()),
        }
    }
}

/// A column of values, one variant per type.
#[derive(Debug, Clone)]
pub enum Col {
    Bool(BooleanChunked),
    Long(Int64Chunked),
    Real(Float64Chunked),
    Str(StringChunked),
    DateTime(Int64Chunked),
    Timespan(Int64Chunked),
    /// JSON text per cell.
    Dyn(StringChunked),
}

/// An evaluated expression: a constant or a column as long as the table.
#[derive(Debug, Clone)]
pub enum Val {
    S(Scalar),
    C(Col),
}

impl Val {
    /// A column of `n` rows (constants are repeated).
    pub fn into_col(self, n: usize) -> Col {
        match self {
            Val::C(c) => c,
            Val::S(s) => Col::full(&s, n),
        }
    }

    /// The type; `None` for an untyped null constant.
    pub fn ty(&self) -> Option<Ty> {
        match self {
            Val::S(s) => s.ty(),
            Val::C(c) => Some(c.ty()),
        }
    }
}

/// `tostring()` text of a real: `1` for 1.0, `1.5`, `NaN`.
pub fn format_real(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 { "Infinity".into() } else { "-Infinity".into() }
    } else {
        v.to_string()
    }
}

/// Parses a dynamic cell: JSON (or a Python repr); other non-empty text is a string; empty is null.
pub fn dyn_parse(text: &str) -> Json {
    let t = text.trim_start();
    if t.is_empty() {
        return Json::Null;
    }
    match t.as_bytes()[0] {
        b'{' | b'[' | b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n' => parse_dynamic(text).unwrap_or_else(|| Json::String(text.to_string())),
        _ => Json::String(text.to_string()),
    }
}

/// `tostring()` of a JSON value: strings unquoted, null empty, the rest compact JSON.
pub fn json_to_text(v: &Json) -> String {
    match v {
        Json::Null => String::new(),
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `tostring()` of dynamic cell text without building the whole JSON tree when it is not a string.
pub fn dyn_text_to_string(text: &str) -> String {
    let t = text.trim_start();
    if t.starts_with('"') {
        if let Ok(s) = serde_json::from_str::<String>(text) {
            return s;
        }
    }
    if t == "null" {
        return String::new();
    }
    text.to_string()
}

fn json_cell(v: &Json) -> Option<String> {
    (!v.is_null()).then(|| v.to_string())
}

impl Col {
    pub fn len(&self) -> usize {
        match self {
            Col::Bool(c) => c.len(),
            Col::Long(c) | Col::DateTime(c) | Col::Timespan(c) => c.len(),
            Col::Real(c) => c.len(),
            Col::Str(c) | Col::Dyn(c) => c.len(),
        }
    }

    pub fn ty(&self) -> Ty {
        match self {
            Col::Bool(_) => Ty::Bool,
            Col::Long(_) => Ty::Long,
            Col::Real(_) => Ty::Real,
            Col::Str(_) => Ty::Str,
            Col::DateTime(_) => Ty::DateTime,
            Col::Timespan(_) => Ty::Timespan,
            Col::Dyn(_) => Ty::Dyn,
        }
    }

    /// `n` copies of `s`.
    pub fn full(s: &Scalar, n: usize) -> Col {
        let name = PlSmallStr::EMPTY;
        match s {
            Scalar::Null => Col::Str(StringChunked::full_null(name, n)),
            Scalar::Bool(b) => Col::Bool(BooleanChunked::full(name, *b, n)),
            Scalar::Long(v) => Col::Long(Int64Chunked::full(name, *v, n)),
            Scalar::Real(v) => Col::Real(Float64Chunked::full(name, *v, n)),
            Scalar::Str(v) => Col::Str(StringChunked::full(name, v, n)),
            Scalar::DateTime(v) => Col::DateTime(Int64Chunked::full(name, *v, n)),
            Scalar::Timespan(v) => Col::Timespan(Int64Chunked::full(name, *v, n)),
            Scalar::Dyn(Json::Null) => Col::Dyn(StringChunked::full_null(name, n)),
            Scalar::Dyn(v) => Col::Dyn(StringChunked::full(name, &v.to_string(), n)),
        }
    }

    /// `n` nulls of type `ty`.
    pub fn nulls(ty: Ty, n: usize) -> Col {
        let name = PlSmallStr::EMPTY;
        match ty {
            Ty::Bool => Col::Bool(BooleanChunked::full_null(name, n)),
            Ty::Long => Col::Long(Int64Chunked::full_null(name, n)),
            Ty::Real => Col::Real(Float64Chunked::full_null(name, n)),
            Ty::Str => Col::Str(StringChunked::full_null(name, n)),
            Ty::DateTime => Col::DateTime(Int64Chunked::full_null(name, n)),
            Ty::Timespan => Col::Timespan(Int64Chunked::full_null(name, n)),
            Ty::Dyn => Col::Dyn(StringChunked::full_null(name, n)),
        }
    }

    /// A dynamic column from JSON values (JSON null → null cell).
    pub fn from_json(values: impl Iterator<Item = Json>) -> Col {
        Col::Dyn(values.map(|v| json_cell(&v)).collect())
    }

    /// The value in row `i` (null past the end).
    pub fn get(&self, i: usize) -> Scalar {
        if i >= self.len() {
            return Scalar::Null;
        }
        match self {
            Col::Bool(c) => c.get(i).map_or(Scalar::Null, Scalar::Bool),
            Col::Long(c) => c.get(i).map_or(Scalar::Null, Scalar::Long),
            Col::Real(c) => c.get(i).map_or(Scalar::Null, Scalar::Real),
            Col::Str(c) => c.get(i).map_or(Scalar::Null, |s| Scalar::Str(s.to_string())),
            Col::DateTime(c) => c.get(i).map_or(Scalar::Null, Scalar::DateTime),
            Col::Timespan(c) => c.get(i).map_or(Scalar::Null, Scalar::Timespan),
            Col::Dyn(c) => c.get(i).map_or(Scalar::Null, |s| Scalar::Dyn(dyn_parse(s))),
        }
    }

    /// Row `i` as JSON (for dynamic arrays).
    pub fn get_json(&self, i: usize) -> Json {
        self.get(i).to_json()
    }

    /// Rows at `idx` (a null index gives a null row).
    pub fn take(&self, idx: &IdxCa) -> Result<Col, KqlError> {
        let e = |e: PolarsError| KqlError::msg(format!("gathering rows: {e}"));
        Ok(match self {
            Col::Bool(c) => Col::Bool(c.take(idx).map_err(e)?),
            Col::Long(c) => Col::Long(c.take(idx).map_err(e)?),
            Col::Real(c) => Col::Real(c.take(idx).map_err(e)?),
            Col::Str(c) => Col::Str(c.take(idx).map_err(e)?),
            Col::DateTime(c) => Col::DateTime(c.take(idx).map_err(e)?),
            Col::Timespan(c) => Col::Timespan(c.take(idx).map_err(e)?),
            Col::Dyn(c) => Col::Dyn(c.take(idx).map_err(e)?),
        })
    }

    /// A column of a table as a value, by its polars type and Log Analytics type.
    pub fn from_column(col: &Column, la: LaType) -> Result<Col, KqlError> {
        let s = col.as_materialized_series();
        let e = |e: PolarsError| KqlError::msg(format!("reading column '{}': {e}", col.name()));
        Ok(match s.dtype() {
            DataType::Boolean => Col::Bool(s.bool().map_err(e)?.clone()),
            DataType::Int64 => Col::Long(s.i64().map_err(e)?.clone()),
            dt if dt.is_integer() => Col::Long(s.cast(&DataType::Int64).map_err(e)?.i64().map_err(e)?.clone()),
            dt if dt.is_float() => Col::Real(s.cast(&DataType::Float64).map_err(e)?.f64().map_err(e)?.clone()),
            DataType::String if la == LaType::Dynamic => Col::Dyn(s.str().map_err(e)?.clone()),
            DataType::String => Col::Str(s.str().map_err(e)?.clone()),
            DataType::Datetime(tu, _) => Col::DateTime(to_ns_ca(s, *tu).map_err(e)?),
            DataType::Date => {
                let days = s.cast(&DataType::Int32).map_err(e)?;
                let ca: Int64Chunked = days.i32().map_err(e)?.into_iter().map(|d| d.map(|d| d as i64 * 86_400_000_000_000)).collect();
                Col::DateTime(ca)
            }
            DataType::Duration(tu) => Col::Timespan(to_ns_ca(s, *tu).map_err(e)?),
            DataType::Null => Col::Str(StringChunked::full_null(PlSmallStr::EMPTY, s.len())),
            other => {
                let cast = s.cast(&DataType::String).map_err(|_| KqlError::msg(format!("column '{}' has type {other}, which KQL here cannot use", col.name())))?;
                Col::Str(cast.str().map_err(e)?.clone())
            }
        })
    }

    /// The column as a polars column named `name`, with its Log Analytics type. Dynamic cells holding a JSON
    /// string are written unquoted (what Log Analytics shows).
    pub fn into_column(self, name: &str) -> (Column, LaType) {
        let n: PlSmallStr = name.into();
        match self {
            Col::Bool(c) => (c.with_name(n).into_series().into_column(), LaType::Bool),
            Col::Long(c) => (c.with_name(n).into_series().into_column(), LaType::Long),
            Col::Real(c) => (c.with_name(n).into_series().into_column(), LaType::Real),
            Col::Str(c) => (c.with_name(n).into_series().into_column(), LaType::String),
            Col::DateTime(c) => (c.with_name(n).into_datetime(TimeUnit::Nanoseconds, None).into_series().into_column(), LaType::DateTime),
            Col::Timespan(c) => (c.with_name(n).into_duration(TimeUnit::Nanoseconds).into_series().into_column(), LaType::Timespan),
            Col::Dyn(c) => {
                let needs = c.into_iter().any(|v| v.is_some_and(|s| s.starts_with('"')));
                let c = if needs {
                    c.into_iter().map(|v| v.map(|s| if s.starts_with('"') { dyn_text_to_string(s) } else { s.to_string() })).collect::<StringChunked>()
                } else {
                    c
                };
                (c.with_name(n).into_series().into_column(), LaType::Dynamic)
            }
        }
    }

    // ----- conversions (the `to*()` functions and implicit conversions) ----------------------------------------

    /// `tostring()`: text of every value; nulls stay null.
    pub fn to_str(&self) -> StringChunked {
        match self {
            Col::Str(c) => c.clone(),
            Col::Bool(c) => c.into_iter().map(|v| v.map(|b| if b { "true" } else { "false" })).collect(),
            Col::Long(c) => c.into_iter().map(|v| v.map(|x| x.to_string())).collect(),
            Col::Real(c) => c.into_iter().map(|v| v.map(format_real)).collect(),
            Col::DateTime(c) => c.into_iter().map(|v| v.map(format_datetime_ns)).collect(),
            Col::Timespan(c) => c.into_iter().map(|v| v.map(format_timespan_ns)).collect(),
            Col::Dyn(c) => c.into_iter().map(|v| v.map(dyn_text_to_string)).collect(),
        }
    }

    /// Numbers as reals; text that is not a number becomes null.
    pub fn to_f64(&self) -> Float64Chunked {
        match self {
            Col::Real(c) => c.clone(),
            Col::Long(c) => c.into_iter().map(|v| v.map(|x| x as f64)).collect(),
            Col::Bool(c) => c.into_iter().map(|v| v.map(|b| if b { 1.0 } else { 0.0 })).collect(),
            Col::Str(c) => c.into_iter().map(|v| v.and_then(parse_real)).collect(),
            // Kusto converts datetimes and timespans to ticks (100 ns)
            Col::DateTime(c) | Col::Timespan(c) => c.into_iter().map(|v| v.map(|x| (x / 100) as f64)).collect(),
            Col::Dyn(c) => c.into_iter().map(|v| v.and_then(|t| json_f64(&dyn_parse(t)))).collect(),
        }
    }

    /// Numbers as longs (reals truncated); text that is not a number becomes null.
    pub fn to_i64(&self) -> Int64Chunked {
        match self {
            Col::Long(c) => c.clone(),
            Col::Real(c) => c.into_iter().map(|v| v.and_then(f64_to_i64)).collect(),
            Col::Bool(c) => c.into_iter().map(|v| v.map(i64::from)).collect(),
            Col::Str(c) => c.into_iter().map(|v| v.and_then(str_i64)).collect(),
            Col::DateTime(c) | Col::Timespan(c) => c.into_iter().map(|v| v.map(|x| x / 100)).collect(),
            Col::Dyn(c) => c.into_iter().map(|v| v.and_then(|t| json_f64(&dyn_parse(t)).and_then(f64_to_i64))).collect(),
        }
    }

    /// `tobool()`.
    pub fn to_bool(&self) -> BooleanChunked {
        match self {
            Col::Bool(c) => c.clone(),
            Col::Long(c) => c.into_iter().map(|v| v.map(|x| x != 0)).collect(),
            Col::Real(c) => c.into_iter().map(|v| v.map(|x| x != 0.0)).collect(),
            Col::Str(c) => c.into_iter().map(|v| v.and_then(str_bool)).collect(),
            Col::Dyn(c) => c
                .into_iter()
                .map(|v| {
                    v.and_then(|t| match dyn_parse(t) {
                        Json::Bool(b) => Some(b),
                        Json::Number(n) => n.as_f64().map(|x| x != 0.0),
                        Json::String(s) => str_bool(&s),
                        _ => None,
                    })
                })
                .collect(),
            Col::DateTime(c) | Col::Timespan(c) => c.into_iter().map(|_| None::<bool>).collect(),
        }
    }

    /// `todatetime()`.
    pub fn to_datetime(&self) -> Int64Chunked {
        match self {
            Col::DateTime(c) => c.clone(),
            Col::Str(c) => c.into_iter().map(|v| v.and_then(parse_datetime_ns)).collect(),
            Col::Dyn(c) => c
                .into_iter()
                .map(|v| v.and_then(|t| match dyn_parse(t) {
                    Json::String(s) => parse_datetime_ns(&s),
                    _ => None,
                }))
                .collect(),
            other => other.to_str().into_iter().map(|_| None::<i64>).collect(),
        }
    }

    /// `totimespan()`.
    pub fn to_timespan(&self) -> Int64Chunked {
        match self {
            Col::Timespan(c) => c.clone(),
            Col::Str(c) => c.into_iter().map(|v| v.and_then(|s| crate::time::parse_timespan(s).ok())).collect(),
            Col::Dyn(c) => c
                .into_iter()
                .map(|v| v.and_then(|t| match dyn_parse(t) {
                    Json::String(s) => parse_timespan_ns(&s),
                    _ => None,
                }))
                .collect(),
            // a number is ticks
            Col::Long(c) => c.into_iter().map(|v| v.and_then(|x| x.checked_mul(100))).collect(),
            Col::Real(c) => c.into_iter().map(|v| v.and_then(|x| f64_to_i64(x * 100.0))).collect(),
            other => other.to_str().into_iter().map(|_| None::<i64>).collect(),
        }
    }

    /// `todynamic()` of a column: JSON text per cell (strings are parsed as JSON when they are JSON).
    pub fn to_dyn(&self) -> StringChunked {
        match self {
            Col::Dyn(c) => c.clone(),
            Col::Str(c) => c
                .into_iter()
                .map(|v| v.and_then(|s| json_cell(&dyn_parse(s))))
                .collect(),
            other => (0..other.len()).map(|i| json_cell(&other.get_json(i))).collect(),
        }
    }
}

fn to_ns_ca(s: &Series, tu: TimeUnit) -> PolarsResult<Int64Chunked> {
    let phys = s.to_physical_repr();
    let ca = phys.i64()?;
    Ok(match tu {
        TimeUnit::Nanoseconds => ca.clone(),
        TimeUnit::Microseconds => ca.into_iter().map(|v| v.and_then(|x| x.checked_mul(1_000))).collect(),
        TimeUnit::Milliseconds => ca.into_iter().map(|v| v.and_then(|x| x.checked_mul(1_000_000))).collect(),
    })
}

pub fn f64_to_i64(x: f64) -> Option<i64> {
    (x.is_finite() && x.abs() < 9.2e18).then(|| x.trunc() as i64)
}

pub fn str_i64(s: &str) -> Option<i64> {
    let t = s.trim();
    t.parse::<i64>().ok().or_else(|| parse_real(t).and_then(f64_to_i64))
}

pub fn str_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

pub fn json_f64(v: &Json) -> Option<f64> {
    match v {
        Json::Number(n) => n.as_f64(),
        Json::String(s) => parse_real(s),
        Json::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
        _ => None,
    }
}

/// A type name from `typeof(…)`/the 4th argument of `extract`.
pub fn type_named(t: &str) -> Result<Ty, KqlError> {
    Ok(match t {
        "string" | "guid" => Ty::Str,
        "int" | "long" => Ty::Long,
        "real" | "double" | "decimal" => Ty::Real,
        "bool" | "boolean" => Ty::Bool,
        "datetime" | "date" => Ty::DateTime,
        "timespan" | "time" => Ty::Timespan,
        "dynamic" => Ty::Dyn,
        other => return Err(KqlError::msg(format!("unknown type '{other}'"))),
    })
}

/// The type several branches share: the same type, real for long+real, else string.
pub fn common_type(tys: impl Iterator<Item = Ty>) -> Ty {
    let mut acc: Option<Ty> = None;
    for t in tys {
        acc = Some(match acc {
            None => t,
            Some(a) if a == t => a,
            Some(Ty::Long | Ty::Real) if t.is_numeric() => Ty::Real,
            Some(_) => Ty::Str,
        });
    }
    acc.unwrap_or(Ty::Str)
}

/// A column converted to `ty`.
pub fn cast_to(c: &Col, ty: Ty) -> Col {
    if c.ty() == ty {
        return c.clone();
    }
    match ty {
        Ty::Bool => Col::Bool(c.to_bool()),
        Ty::Long => Col::Long(c.to_i64()),
        Ty::Real => Col::Real(c.to_f64()),
        Ty::Str => Col::Str(c.to_str()),
        Ty::DateTime => Col::DateTime(c.to_datetime()),
        Ty::Timespan => Col::Timespan(c.to_timespan()),
        Ty::Dyn => Col::Dyn(c.to_dyn()),
    }
}

/// Two branch values as columns of one type.
pub fn unify(a: Val, b: Val, m: usize) -> (Col, Col) {
    let target = common_type([a.ty(), b.ty()].into_iter().flatten());
    (cast_to(&a.into_col(m), target), cast_to(&b.into_col(m), target))
}

/// Row-wise `mask ? a : b` (null mask → b); `a` and `b` have one type.
pub fn select(mask: &BooleanChunked, a: &Col, b: &Col) -> Result<Col, KqlError> {
    let m: BooleanChunked = mask.into_iter().map(|v| Some(v.unwrap_or(false))).collect();
    let e = |e: PolarsError| KqlError::msg(format!("choosing values: {e}"));
    Ok(match (a, b) {
        (Col::Bool(x), Col::Bool(y)) => Col::Bool(x.zip_with(&m, y).map_err(e)?),
        (Col::Long(x), Col::Long(y)) => Col::Long(x.zip_with(&m, y).map_err(e)?),
        (Col::Real(x), Col::Real(y)) => Col::Real(x.zip_with(&m, y).map_err(e)?),
        (Col::Str(x), Col::Str(y)) => Col::Str(x.zip_with(&m, y).map_err(e)?),
        (Col::DateTime(x), Col::DateTime(y)) => Col::DateTime(x.zip_with(&m, y).map_err(e)?),
        (Col::Timespan(x), Col::Timespan(y)) => Col::Timespan(x.zip_with(&m, y).map_err(e)?),
        (Col::Dyn(x), Col::Dyn(y)) => Col::Dyn(x.zip_with(&m, y).map_err(e)?),
        (x, y) => return select(mask, x, &cast_to(y, x.ty())),
    })
}

impl Col {
    /// True where the value is null.
    pub fn is_null_mask(&self) -> BooleanChunked {
        match self {
            Col::Bool(c) => c.is_null(),
            Col::Long(c) | Col::DateTime(c) | Col::Timespan(c) => c.is_null(),
            Col::Real(c) => c.is_null(),
            Col::Str(c) => c.is_null(),
            Col::Dyn(c) => c.into_iter().map(|v| Some(v.is_none_or(|t| t.is_empty() || t == "null"))).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_types() {
        assert_eq!(common_type([Ty::Long, Ty::Real].into_iter()), Ty::Real);
        assert_eq!(common_type([Ty::Long, Ty::Str].into_iter()), Ty::Str);
    }

    #[test]
    fn dynamic_cells() {
        assert_eq!(dyn_parse("{\"a\":1}"), serde_json::json!({"a": 1}));
        assert_eq!(dyn_parse("plain"), Json::String("plain".into()));
        assert_eq!(dyn_parse(""), Json::Null);
        assert_eq!(dyn_text_to_string("\"x\""), "x");
        assert_eq!(dyn_text_to_string("[1,2]"), "[1,2]");
    }

    #[test]
    fn conversions() {
        let c = Col::Str(["1.5", "x", "2"].iter().map(|s| Some(*s)).collect());
        assert_eq!(c.to_f64().into_iter().collect::<Vec<_>>(), vec![Some(1.5), None, Some(2.0)]);
        assert_eq!(c.to_i64().into_iter().collect::<Vec<_>>(), vec![Some(1), None, Some(2)]);
        let d = Col::Dyn(["{\"a\":1}", "\"s\"", "3"].iter().map(|s| Some(*s)).collect());
        assert_eq!(d.to_str().into_iter().collect::<Vec<_>>(), vec![Some("{\"a\":1}"), Some("s"), Some("3")]);
        let (col, la) = d.into_column("x");
        assert_eq!(la, LaType::Dynamic);
        assert_eq!(col.str().unwrap().get(1), Some("s"));
        assert_eq!(format_real(1.0), "1");
        assert_eq!(Col::full(&Scalar::Long(3), 2).get(1), Scalar::Long(3));
    }
}
