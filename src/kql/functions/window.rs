//! Functions that read other rows or hidden columns of the table: `next`/`prev` (Kusto's window functions over a
//! serialized table; local tables always keep their row order, so after `sort`/`serialize` or not they read the
//! neighbouring row), `row_number`/`row_cumsum`/`row_rank_min`/`row_rank_dense` (also over a serialized table: the row order as it is),
//! `row_window_session` and `ingestion_time()`.

use polars::prelude::*;

use super::{arity, Def};
use crate::kql::ast::Expr;
use crate::kql::eval::{eval, eval_const, Ctx};
use crate::kql::value::{select, Col, Scalar, Val};
use crate::kql::KqlError;

pub(super) static FUNCTIONS: &[Def] = &[
    Def::exprs(&["next"], 1, 3, next),
    Def::exprs(&["prev"], 1, 3, prev),
    Def::exprs(&["ingestion_time"], 0, 0, ingestion_time),
    Def::exprs(&["row_window_session"], 3, 4, row_window_session),
    Def::exprs(&["row_number"], 0, 2, row_number),
    Def::exprs(&["row_cumsum"], 1, 2, row_cumsum),
    Def::exprs(&["row_rank_min"], 1, 1, row_rank_min),
    Def::exprs(&["row_rank_dense", "row_rank"], 1, 1, row_rank_dense),
];

/// `row_rank_min(Term)`: the row number of the first row of the run of equal `Term`s this row is in (a sorted
/// table gives ties the same rank, and the next value the row number it is on: 1, 2, 2, 4).
fn row_rank_min(args: &[Expr], ctx: &Ctx) -> Result<Val, KqlError> {
    row_rank(args, ctx, false)
}

/// `row_rank_dense(Term)` (formerly `row_rank`): 1 for the first row, one more at each row whose `Term` differs
/// from the row before (1, 2, 2, 3).
fn row_rank_dense(args: &[Expr], ctx: &Ctx) -> Result<Val, KqlError> {
    row_rank(args, ctx, true)
}

fn row_rank(args: &[Expr], ctx: &Ctx, dense: bool) -> Result<Val, KqlError> {
    let col = eval(&args[0], ctx)?.into_col(ctx.n);
    let (mut rank, mut prev) = (0i64, None);
    let out: Vec<i64> = (0..ctx.n)
        .map(|i| {
            let v = col.get(i);
            if prev.as_ref() != Some(&v) {
                rank = if dense { rank + 1 } else { i as i64 + 1 };
                prev = Some(v);
            }
            rank
        })
        .collect();
    Ok(Val::C(Col::Long(Int64Chunked::from_vec("".into(), out))))
}

/// The `restart` argument of `row_number`/`row_cumsum`/`row_window_session`: a bool per row, or none.
fn restart_flags(e: Option<&Expr>, ctx: &Ctx) -> Result<Option<BooleanChunked>, KqlError> {
    match e {
        Some(e) => Ok(Some(eval(e, ctx)?.into_col(ctx.n).to_bool())),
        None => Ok(None),
    }
}

/// `row_number([StartingIndex [, Restart]])`: the row's index in row order, from `StartingIndex` (1 by default, a
/// constant whole number); where `Restart` is true the count starts again at `StartingIndex` on that row.
fn row_number(args: &[Expr], ctx: &Ctx) -> Result<Val, KqlError> {
    let start = match args.first() {
        Some(e) => match eval_const(e, ctx.env, ctx.visible).map_err(|err| err.or_at(e.span))? {
            Scalar::Long(v) => v,
            other => return Err(KqlError::at(e.span, format!("the starting index of row_number() must be a constant whole number, not '{}'", other.to_text()))),
        },
        None => 1,
    };
    let restart = restart_flags(args.get(1), ctx)?;
    let mut out: Vec<Option<i64>> = Vec::with_capacity(ctx.n);
    let mut next = start;
    for i in 0..ctx.n {
        if restart.as_ref().and_then(|r| r.get(i)).unwrap_or(false) {
            next = start;
        }
        out.push(Some(next));
        next = next.checked_add(1).ok_or_else(|| KqlError::msg("row_number() is out of range: it passes a 64-bit long"))?;
    }
    Ok(Val::C(Col::Long(out.into_iter().collect())))
}

/// `row_cumsum(Term [, Restart])`: the sum of `Term` over this row and the rows before it (back to the last row
/// where `Restart` is true, which starts a new sum with its own term). Longs and timespans sum as such (an error
/// past 64 bits, as `sum()`), other numbers as reals; a null term adds nothing.
fn row_cumsum(args: &[Expr], ctx: &Ctx) -> Result<Val, KqlError> {
    let [term, rest @ ..] = args else { return Err(arity("row_cumsum", "1 to 2")) };
    let col = eval(term, ctx)?.into_col(ctx.n);
    let restart = restart_flags(rest.first(), ctx)?;
    let restart_at = |i: usize| restart.as_ref().and_then(|r| r.get(i)).unwrap_or(false);
    match &col {
        Col::Long(ca) | Col::Timespan(ca) => {
            let mut acc = 0i64;
            let mut out: Vec<Option<i64>> = Vec::with_capacity(ctx.n);
            for (i, v) in ca.into_iter().enumerate() {
                if restart_at(i) {
                    acc = 0;
                }
                acc = acc.checked_add(v.unwrap_or(0)).ok_or_else(|| {
                    KqlError::at(term.span, "row_cumsum() is out of range: the total passes a 64-bit long (sum todouble(…) instead)")
                })?;
                out.push(Some(acc));
            }
            let ca: Int64Chunked = out.into_iter().collect();
            Ok(Val::C(if matches!(col, Col::Timespan(_)) { Col::Timespan(ca) } else { Col::Long(ca) }))
        }
        Col::Real(_) | Col::Bool(_) => {
            let mut acc = 0f64;
            let mut out: Vec<Option<f64>> = Vec::with_capacity(ctx.n);
            for (i, v) in col.to_f64().into_iter().enumerate() {
                if restart_at(i) {
                    acc = 0.0;
                }
                acc += v.unwrap_or(0.0);
                out.push(Some(acc));
            }
            Ok(Val::C(Col::Real(out.into_iter().collect())))
        }
        other => Err(KqlError::at(term.span, format!("row_cumsum() needs numbers or timespans, not {} values", other.ty().name()))),
    }
}

/// `row_window_session(value, maxDistanceFromFirst, maxDistanceBetweenNeighbors [, restart])`: for each row, the
/// value of the first row of its session, in row order. A session starts at the first row, where `restart` is
/// true, or where the value is farther than `maxDistanceFromFirst` from the session's first value or than
/// `maxDistanceBetweenNeighbors` from the previous row's. Values are datetimes, timespans or numbers (compared as
/// whole numbers: nanoseconds for times); a null value gives null and leaves the session as it is.
fn row_window_session(args: &[Expr], ctx: &Ctx) -> Result<Val, KqlError> {
    let [value, from_first, between, rest @ ..] = args else { return Err(arity("row_window_session", "3 to 4")) };
    let n = ctx.n;
    let col = eval(value, ctx)?.into_col(n);
    let limit = |e: &Expr| -> Result<i64, KqlError> {
        match eval_const(e, ctx.env, ctx.visible).map_err(|err| err.or_at(e.span))? {
            Scalar::Timespan(v) | Scalar::Long(v) if v >= 0 => Ok(v),
            other => Err(KqlError::at(e.span, format!("row_window_session() needs a constant distance 0 or more (a timespan for times), not '{}'", other.to_text()))),
        }
    };
    let (max_first, max_between) = (limit(from_first)?, limit(between)?);
    let restart = restart_flags(rest.first(), ctx)?;
    let raw = col.to_i64_raw();
    let mut out: Vec<Option<i64>> = Vec::with_capacity(n);
    let mut session: Option<(i64, i64)> = None; // (first value, previous value)
    for (i, v) in raw.into_iter().enumerate() {
        let Some(v) = v else {
            out.push(None);
            continue;
        };
        let restart_here = restart.as_ref().and_then(|r| r.get(i)).unwrap_or(false);
        let start = match session {
            Some((first, prev)) if !restart_here && v.abs_diff(first) <= max_first as u64 && v.abs_diff(prev) <= max_between as u64 => first,
            _ => v,
        };
        session = Some((start, v));
        out.push(Some(start));
    }
    let ca: Int64Chunked = out.into_iter().collect();
    Ok(Val::C(match col {
        Col::DateTime(_) => Col::DateTime(ca),
        Col::Timespan(_) => Col::Timespan(ca),
        _ => Col::Long(ca),
    }))
}

/// `next(col [, offset [, default]])`: the value `offset` rows later (1 by default), `default` (null if not given)
/// past the end.
fn next(args: &[Expr], ctx: &Ctx) -> Result<Val, KqlError> {
    shifted("next", args, ctx, 1)
}

/// `prev(col [, offset [, default]])`: the value `offset` rows earlier.
fn prev(args: &[Expr], ctx: &Ctx) -> Result<Val, KqlError> {
    shifted("prev", args, ctx, -1)
}

fn shifted(name: &str, args: &[Expr], ctx: &Ctx, dir: i64) -> Result<Val, KqlError> {
    let [value, rest @ ..] = args else { return Err(arity(name, "1 to 3")) };
    let offset = match rest.first() {
        Some(e) => match eval_const(e, ctx.env, ctx.visible).map_err(|err| err.or_at(e.span))? {
            Scalar::Long(v) if v >= 0 => v,
            other => return Err(KqlError::at(e.span, format!("the offset of {name}() must be a constant whole number of rows, 0 or more, not '{}'", other.to_text()))),
        },
        None => 1,
    };
    let n = ctx.n;
    let col = eval(value, ctx)?.into_col(n);
    let step = offset.saturating_mul(dir);
    let src = |i: usize| -> Option<IdxSize> {
        let j = (i as i64).checked_add(step)?;
        (0..n as i64).contains(&j).then_some(j as IdxSize)
    };
    let idx: IdxCa = (0..n).map(src).collect();
    let out = col.take(&idx)?;
    match rest.get(1) {
        None => Ok(Val::C(out)),
        Some(d) => {
            // only the rows past the ends take the default; a null neighbour stays null
            let inside: BooleanChunked = (0..n).map(|i| Some(src(i).is_some())).collect();
            let default = eval(d, ctx)?.into_col(n);
            Ok(Val::C(select(&inside, &out, &default)?))
        }
    }
}

/// `ingestion_time()`: the hidden `_IngestionTime` column when the table has one, else `TimeGenerated` (local
/// tables are not ingested: the event's own time stands in), else null.
fn ingestion_time(_: &[Expr], ctx: &Ctx) -> Result<Val, KqlError> {
    if let Some(f) = ctx.frame {
        for name in ["_IngestionTime", "TimeGenerated"] {
            if let Ok(c) = f.column(name) {
                let col = Col::from_column(c, f.la_type(name).unwrap_or(crate::frame::LaType::DateTime))?;
                return Ok(Val::C(crate::kql::value::cast_to(&col, crate::kql::value::Ty::DateTime)));
            }
        }
    }
    Ok(Val::S(Scalar::Null))
}
