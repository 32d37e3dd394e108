//! Numbers: rounding, `abs`, `sign`, powers and logarithms, `isnan`/`isfinite`, `tohex`.

use super::{ok_col, Args, Def};
use crate::kql::eval::Ctx;
use crate::kql::value::{Col, Ty, Val};
use crate::kql::KqlError;

pub(super) static FUNCTIONS: &[Def] = &[
    Def::values(&["round"], 1, 2, round),
    Def::values(&["abs"], 1, 1, abs),
    Def::values(&["ceiling", "sqrt", "log", "log10", "exp"], 1, 1, ceiling),
    Def::values(&["pow"], 2, 2, pow),
    Def::values(&["isnan", "isfinite"], 1, 1, isnan),
    Def::values(&["tohex"], 1, 2, tohex),
    Def::values(&["sign"], 1, 1, sign),
    Def::values(&["log2", "exp2", "exp10"], 1, 1, log2),
];

/// `round()`.
fn round(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    let digits = if a.len() == 2 { a.konst_i64(1)? } else { 0 };
    let col = a.col(0);
    if col.ty() == Ty::Long && digits >= 0 {
        return ok_col(col);
    }
    let k = 10f64.powi(digits.clamp(-300, 300) as i32);
    ok_col(Col::Real(col.to_f64().into_iter().map(|v| v.map(|x| (x * k).round() / k)).collect()))
}

/// `abs()`.
fn abs(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    match a.col(0) {
        Col::Long(x) => ok_col(Col::Long(x.into_iter().map(|v| v.and_then(i64::checked_abs)).collect())),
        Col::Timespan(x) => ok_col(Col::Timespan(x.into_iter().map(|v| v.and_then(i64::checked_abs)).collect())),
        other => ok_col(Col::Real(other.to_f64().into_iter().map(|v| v.map(f64::abs)).collect())),
    }
}

/// `ceiling()`, `sqrt()`, `log()`, `log10()`, `exp()`.
fn ceiling(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    let f: fn(f64) -> f64 = match a.name {
        "ceiling" => f64::ceil,
        "sqrt" => f64::sqrt,
        "log" => f64::ln,
        "log10" => f64::log10,
        _ => f64::exp,
    };
    ok_col(Col::Real(a.col(0).to_f64().into_iter().map(|v| v.map(f)).collect()))
}

/// `pow()`.
fn pow(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    let x = a.col(0).to_f64();
    let y = a.col(1).to_f64();
    ok_col(Col::Real(x.into_iter().zip(&y).map(|(x, y)| Some(x?.powf(y?))).collect()))
}

/// `isnan()`, `isfinite()`.
fn isnan(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    let nan = a.name == "isnan";
    ok_col(Col::Bool(a.col(0).to_f64().into_iter().map(|v| v.map(|x| if nan { x.is_nan() } else { x.is_finite() })).collect()))
}

/// `tohex()`.
fn tohex(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    ok_col(Col::Str(a.col(0).to_i64().into_iter().map(|v| v.map(|x| format!("{x:x}"))).collect()))
}

/// `sign()`.
fn sign(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    match a.col(0) {
        Col::Long(x) => ok_col(Col::Long(x.into_iter().map(|v| v.map(i64::signum)).collect())),
        other => ok_col(Col::Real(other.to_f64().into_iter().map(|v| v.map(|x| if x == 0.0 { 0.0 } else { x.signum() })).collect())),
    }
}

/// `log2()`, `exp2()`, `exp10()`.
fn log2(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    let f: fn(f64) -> f64 = match a.name {
        "log2" => f64::log2,
        "exp2" => f64::exp2,
        _ => |x| 10f64.powf(x),
    };
    ok_col(Col::Real(a.col(0).to_f64().into_iter().map(|v| v.map(f)).collect()))
}
