//! Conditions and choices: `iif`, `case`, `coalesce`, `isempty`/`isnull` and their negations, `not`,
//! `min_of`/`max_of`.

use polars::prelude::*;

use super::{ok_col, Args, Def};
use crate::kql::ast::BinOp;
use crate::kql::eval::{self, as_bool, Ctx};
use crate::kql::value::{cast_to, common_type, select, unify, Col, Val};
use crate::kql::KqlError;

pub(super) static FUNCTIONS: &[Def] = &[
    Def::values(&["iif", "iff"], 3, 3, iif),
    Def::values(&["case"], 0, usize::MAX, case),
    Def::values(&["isempty", "isnotempty"], 1, 1, isempty),
    Def::values(&["isnull", "isnotnull"], 1, 1, isnull),
    Def::values(&["not"], 1, 1, not),
    Def::values(&["coalesce"], 1, 64, coalesce),
    Def::values(&["min_of", "max_of"], 2, 64, min_of),
];

/// `iif()`, `iff()`.
fn iif(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    if let Val::S(cond) = &a.vals[0] {
        let b = as_bool(&Col::full(cond, 1), "iif()")?.get(0).unwrap_or(false);
        let (x, y) = unify(a.vals[1].clone(), a.vals[2].clone(), a.m);
        return Ok(if b { Val::C(x) } else { Val::C(y) });
    }
    let cond = as_bool(&a.col(0), "iif()")?;
    let (x, y) = unify(a.vals[1].clone(), a.vals[2].clone(), a.m);
    ok_col(select(&cond, &x, &y)?)
}

/// `case()`.
fn case(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    if a.len() < 3 || a.len().is_multiple_of(2) {
        return Err(KqlError::msg("case() takes pairs of (condition, value) and a last 'else' value"));
    }
    let values: Vec<Val> = a.vals.iter().skip(1).step_by(2).cloned().chain(std::iter::once(a.vals[a.len() - 1].clone())).collect();
    let target = common_type(values.iter().filter_map(Val::ty));
    let mut result = cast_to(&a.col(a.len() - 1), target);
    for i in (0..a.len() - 1).step_by(2).rev() {
        let cond = as_bool(&a.col(i), "case()")?;
        let v = cast_to(&a.col(i + 1), target);
        result = select(&cond, &v, &result)?;
    }
    ok_col(result)
}

/// `isempty()`, `isnotempty()`.
fn isempty(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    let want = a.name == "isempty";
    let col = a.col(0);
    let empty: BooleanChunked = match &col {
        Col::Str(s) => s.into_iter().map(|v| Some(v.is_none_or(str::is_empty) == want)).collect(),
        Col::Dyn(s) => s
            .into_iter()
            .map(|v| Some(v.is_none_or(|t| t.is_empty() || t == "null" || t == "\"\"") == want))
            .collect(),
        other => {
            let nulls = other.is_null_mask();
            nulls.into_iter().map(|v| Some(v.unwrap_or(true) == want)).collect()
        }
    };
    ok_col(Col::Bool(empty))
}

/// `isnull()`, `isnotnull()`.
fn isnull(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    let want = a.name == "isnull";
    let nulls = a.col(0).is_null_mask();
    ok_col(Col::Bool(nulls.into_iter().map(|v| Some(v.unwrap_or(true) == want)).collect()))
}

/// `not()`.
fn not(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    eval::unary_not(a.vals[0].clone(), a.m)
}

/// `coalesce()`.
fn coalesce(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    let target = common_type(a.vals.iter().filter_map(Val::ty));
    let mut result = cast_to(&a.col(a.len() - 1), target);
    for i in (0..a.len() - 1).rev() {
        let v = cast_to(&a.col(i), target);
        let present: BooleanChunked = match &v {
            Col::Str(s) => s.into_iter().map(|x| Some(x.is_some_and(|x| !x.is_empty()))).collect(),
            other => other.is_null_mask().into_iter().map(|x| Some(!x.unwrap_or(true))).collect(),
        };
        result = select(&present, &v, &result)?;
    }
    ok_col(result)
}

/// `min_of()`, `max_of()`.
fn min_of(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    let op = if a.name == "min_of" { BinOp::Lt } else { BinOp::Gt };
    let target = common_type(a.vals.iter().filter_map(Val::ty));
    let mut best = cast_to(&a.col(0), target);
    for i in 1..a.len() {
        let v = cast_to(&a.col(i), target);
        let Col::Bool(better) = eval::compare(op, &v, &best)? else { unreachable!("compare gives bools") };
        let best_null = best.is_null_mask();
        let take: BooleanChunked = better.into_iter().zip(&best_null).map(|(b, n)| Some(b.unwrap_or(false) || n.unwrap_or(false))).collect();
        best = select(&take, &v, &best)?;
    }
    ok_col(best)
}
