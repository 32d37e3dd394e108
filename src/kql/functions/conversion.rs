//! Conversions between types (`tostring`, `toint`, `todatetime`, `todynamic` …, on [`Col`]'s casts), `toguid`
//! and `gettype`.

use serde_json::Value as Json;

use super::{ok_col, texts, Args, Def};
use crate::kql::eval::Ctx;
use crate::kql::value::{Col, Scalar, Ty, Val};
use crate::kql::KqlError;

pub(super) static FUNCTIONS: &[Def] = &[
    Def::values(&["tostring"], 1, 1, tostring),
    Def::values(&["toint", "tolong"], 1, 1, toint),
    Def::values(&["todouble", "toreal", "todecimal"], 1, 1, todouble),
    Def::values(&["tobool", "toboolean"], 1, 1, tobool),
    Def::values(&["todatetime"], 1, 1, todatetime),
    Def::values(&["totimespan", "totime"], 1, 1, totimespan),
    Def::values(&["todynamic", "toobject", "parse_json"], 1, 1, todynamic),
    Def::values(&["gettype"], 1, 1, gettype),
    Def::values(&["toguid"], 1, 1, toguid),
    Def::values(&["typeof"], 0, usize::MAX, type_of),
];

/// `tostring()`.
fn tostring(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    ok_col(Col::Str(texts(&a.col(0)).into_iter().map(|v| Some(v.unwrap_or(""))).collect()))
}

/// `toint()`, `tolong()`.
fn toint(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    ok_col(Col::Long(a.col(0).to_i64()))
}

/// `todouble()`, `toreal()`, `todecimal()`.
fn todouble(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    ok_col(Col::Real(a.col(0).to_f64()))
}

/// `tobool()`, `toboolean()`.
fn tobool(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    ok_col(Col::Bool(a.col(0).to_bool()))
}

/// `todatetime()`.
fn todatetime(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    ok_col(Col::DateTime(a.col(0).to_datetime()))
}

/// `totimespan()`, `totime()`.
fn totimespan(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    ok_col(Col::Timespan(a.col(0).to_timespan()))
}

/// `todynamic()`, `toobject()`, `parse_json()`.
fn todynamic(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    ok_col(Col::Dyn(a.col(0).to_dyn()))
}

/// `gettype()`.
fn gettype(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    let col = a.col(0);
    ok_col(Col::Str(
        (0..a.m)
            .map(|i| {
                Some(match col.get(i) {
                    Scalar::Null => "null",
                    Scalar::Dyn(Json::Array(_)) => "array",
                    Scalar::Dyn(Json::Object(_)) => "dictionary",
                    Scalar::Dyn(Json::String(_)) => "string",
                    Scalar::Dyn(Json::Bool(_)) => "bool",
                    Scalar::Dyn(Json::Number(n)) if n.is_i64() => "long",
                    Scalar::Dyn(Json::Number(_)) => "real",
                    Scalar::Dyn(Json::Null) => "null",
                    s => s.ty().map_or("null", Ty::name),
                })
            })
            .collect(),
    ))
}

/// `toguid()`.
fn toguid(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    ok_col(Col::Str(texts(&a.col(0)).into_iter().map(|t| t.filter(|s| is_guid(s)).map(str::to_string)).collect()))
}

/// `typeof()`.
fn type_of(_: &Args, _: &Ctx) -> Result<Val, KqlError> {
    Err(KqlError::msg("typeof() is only used in 'to typeof(…)' and similar type arguments"))
}

fn is_guid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5 && parts.iter().zip([8, 4, 4, 4, 12]).all(|(p, n)| p.len() == n && p.chars().all(|c| c.is_ascii_hexdigit()))
}
