//! Aggregation functions for `summarize`: `count`, `countif`, `dcount`, `dcountif`, `sum`, `sumif`, `avg`,
//! `avgif`, `min`, `max`, `minif`, `maxif`, `make_set`, `make_list` (and `_if`), `arg_max`, `arg_min`, `take_any`,
//! `stdev`, `variance`, `percentile`, `percentiles`, `percentiles_array` (and the weighted `percentilew`,
//! `percentilesw`, `percentilesw_array`), `make_bag` (and `_if`).
//!
//! `percentile` is exact (nearest rank: the smallest value with at least P% of the values at or below it), where
//! Kusto estimates with a t-digest; on small inputs the two agree.
//!
//! Each runs in one pass over its argument columns, with one accumulator per group ([`Groups`] maps each row to its
//! group). Nulls are ignored as in Kusto; string values are never null in Kusto, so a null string counts as "".
//! Results for a group with no values: count-like and sum 0, make_set/make_list `[]`, the rest null.

use std::collections::HashSet;

use polars::prelude::*;
use serde_json::Value as Json;

use super::ast::{Expr, ExprKind, Span};
use crate::frame::codes::column_codes;
use super::eval::{as_bool, eval, Ctx};
use super::names::result_name;
use super::value::{Col, Ty, Val};
use super::KqlError;

/// Aggregation function names.
pub const AGGREGATES: &[&str] = &[
    "count", "countif", "dcount", "dcountif", "count_distinct", "sum", "sumif", "avg", "avgif", "min", "max",
    "minif", "maxif", "make_set", "makeset", "make_set_if", "make_list", "makelist", "make_list_if", "arg_max",
    "arg_min", "take_any", "any", "take_anyif", "anyif", "stdev", "stdevp", "variance", "variancep", "percentile",
    "percentiles", "percentiles_array", "make_bag", "make_bag_if", "stdevif", "varianceif", "percentilew", "percentilesw",
    "percentilesw_array",
];

pub fn is_aggregate(name: &str) -> bool {
    AGGREGATES.contains(&name)
}

/// Which group each row is in.
pub struct Groups {
    pub row_group: Vec<u32>,
    pub n_groups: usize,
    /// The first row of each group (for the key values); none for an empty group.
    pub first_row: Vec<Option<usize>>,
}

impl Groups {
    /// One group holding all `n` rows (summarize without `by`; one group even with no rows).
    pub fn single(n: usize) -> Groups {
        Groups { row_group: vec![0; n], n_groups: 1, first_row: vec![(n > 0).then_some(0)] }
    }
}

/// One output column of an aggregation, named when the aggregation names it itself (arg_max, take_any).
pub struct AggOut {
    pub name: Option<String>,
    pub col: Col,
}

/// Computes aggregation `name(args)` over `frame` (in `ctx`) per group.
pub fn aggregate(name: &str, args: &[Expr], span: Span, ctx: &Ctx, groups: &Groups, by_names: &[String]) -> Result<Vec<AggOut>, KqlError> {
    let arity = |min: usize, max: usize| -> Result<(), KqlError> {
        if args.len() < min || args.len() > max {
            let want = if min == max { min.to_string() } else { format!("{min} to {max}") };
            return Err(KqlError::at(span, format!("{name}() takes {want} argument(s)")));
        }
        Ok(())
    };
    let n = ctx.n;
    let col = |i: usize| -> Result<Col, KqlError> {
        if matches!(args[i].kind, ExprKind::Star) {
            return Err(KqlError::at(args[i].span, format!("'*' is not an argument of {name}()")));
        }
        Ok(eval(&args[i], ctx)?.into_col(n))
    };
    let pred = |i: usize| -> Result<BooleanChunked, KqlError> {
        let c = col(i)?;
        as_bool(&c, &format!("the condition of {name}()")).map_err(|e| e.or_at(args[i].span))
    };
    let one = |c: Col| Ok(vec![AggOut { name: None, col: c }]);
    let all = || BooleanChunked::full(PlSmallStr::EMPTY, true, n);
    match name {
        "count" => {
            arity(0, 1)?;
            one(Col::Long(count(&all(), groups)))
        }
        "countif" => {
            arity(1, 1)?;
            one(Col::Long(count(&pred(0)?, groups)))
        }
        "dcount" | "count_distinct" => {
            arity(1, 2)?;
            one(Col::Long(dcount(&col(0)?, &all(), groups)?))
        }
        "dcountif" => {
            arity(2, 3)?;
            one(Col::Long(dcount(&col(0)?, &pred(1)?, groups)?))
        }
        "sum" => {
            arity(1, 1)?;
            one(sum(&col(0)?, &all(), groups)?)
        }
        "sumif" => {
            arity(2, 2)?;
            one(sum(&col(0)?, &pred(1)?, groups)?)
        }
        "avg" => {
            arity(1, 1)?;
            one(avg(&col(0)?, &all(), groups)?)
        }
        "avgif" => {
            arity(2, 2)?;
            one(avg(&col(0)?, &pred(1)?, groups)?)
        }
        "min" | "max" => {
            arity(1, 1)?;
            let c = col(0)?;
            let best = arg_best(&c, &all(), groups, name == "max");
            one(c.take(&best)?)
        }
        "minif" | "maxif" => {
            arity(2, 2)?;
            let c = col(0)?;
            let best = arg_best(&c, &pred(1)?, groups, name == "maxif");
            one(c.take(&best)?)
        }
        "make_set" | "makeset" | "make_list" | "makelist" | "make_set_if" | "make_list_if" => {
            let is_if = name.ends_with("_if");
            arity(if is_if { 2 } else { 1 }, if is_if { 3 } else { 2 })?;
            let max_i = if is_if { 2 } else { 1 };
            let max = match args.get(max_i) {
                Some(e) => match eval(e, ctx)? {
                    Val::S(s) => s.to_text().parse::<usize>().map_err(|_| KqlError::at(e.span, "the maximum size must be a whole number"))?,
                    Val::C(_) => return Err(KqlError::at(e.span, "the maximum size must be a constant")),
                },
                None => 1_048_576,
            };
            let mask = if is_if { pred(1)? } else { all() };
            let set = name.contains("set");
            let values = col(0)?;
            // every value is copied into the lists: charged before (a large value on many rows multiplies here)
            super::guard::charge(name, super::guard::col_bytes(&values), Some(span))?;
            one(make_collection(&values, &mask, groups, set, max))
        }
        "percentile" | "percentiles" | "percentiles_array" | "percentilew" | "percentilesw" | "percentilesw_array" => {
            // the weighted forms take a whole-number weight per value after the values (a value counts that often)
            let weighted = name.ends_with('w') || name == "percentilesw_array";
            let first_p = if weighted { 2 } else { 1 };
            let single = name == "percentile" || name == "percentilew";
            if args.len() <= first_p || (single && args.len() != first_p + 1) {
                let values = if weighted { "the values, their weights" } else { "the values" };
                return Err(KqlError::at(span, format!("{name}() takes {values} and {}", if single { "one percentage" } else { "one or more percentages" })));
            }
            let weights = if weighted { Some(col(1)?.to_i64()) } else { None };
            let mut ps: Vec<f64> = Vec::new();
            for a in &args[first_p..] {
                match eval(a, ctx)? {
                    Val::S(s) => match s {
                        super::value::Scalar::Dyn(Json::Array(items)) => ps.extend(items.iter().filter_map(super::value::json_f64)),
                        other => ps.push(super::value::json_f64(&other.to_json()).ok_or_else(|| KqlError::at(a.span, "a percentage must be a number"))?),
                    },
                    Val::C(_) => return Err(KqlError::at(a.span, "a percentage must be a constant")),
                }
            }
            if ps.iter().any(|p| !(0.0..=100.0).contains(p)) {
                return Err(KqlError::at(span, "percentages must be between 0 and 100"));
            }
            let c = col(0)?;
            let picks = percentile_rows(&c, groups, &ps, weights.as_ref());
            let base = result_name(&args[0]).unwrap_or_default();
            if name.ends_with("_array") {
                let arrays = (0..groups.n_groups).map(|g| Json::Array(picks.iter().map(|idx| idx.get(g).map_or(Json::Null, |r| c.get_json(r as usize))).collect()));
                return Ok(vec![AggOut { name: Some(format!("percentiles_{base}")), col: Col::from_json(arrays) }]);
            }
            let mut out = Vec::new();
            for (p, idx) in ps.iter().zip(&picks) {
                let label = super::value::format_real(*p).replace('.', "_");
                out.push(AggOut { name: Some(format!("percentile_{base}_{label}")), col: c.take(idx)? });
            }
            Ok(out)
        }
        "make_bag" | "make_bag_if" => {
            let is_if = name == "make_bag_if";
            arity(if is_if { 2 } else { 1 }, if is_if { 3 } else { 2 })?;
            let mask = if is_if { pred(1)? } else { all() };
            let c = col(0)?;
            let mut bags: Vec<serde_json::Map<String, Json>> = vec![serde_json::Map::new(); groups.n_groups];
            for (i, (m, &grp)) in mask.into_iter().zip(&groups.row_group).enumerate() {
                if m != Some(true) {
                    continue;
                }
                if let Json::Object(props) = c.get_json(i) {
                    let bag = &mut bags[grp as usize];
                    for (k, v) in props {
                        bag.entry(k).or_insert(v);
                    }
                }
            }
            one(Col::from_json(bags.into_iter().map(Json::Object)))
        }
        "stdevif" | "varianceif" => {
            arity(2, 2)?;
            let mask = pred(1)?;
            let vals: Float64Chunked = col(0)?.to_f64().into_iter().zip(&mask).map(|(v, m)| if m == Some(true) { v } else { None }).collect();
            one(Col::Real(spread(&Col::Real(vals), groups, false, name == "stdevif")))
        }
        "stdev" | "stdevp" | "variance" | "variancep" => {
            arity(1, 1)?;
            let population = name.ends_with('p');
            let sd = name.starts_with("stdev");
            one(Col::Real(spread(&col(0)?, groups, population, sd)))
        }
        "arg_max" | "arg_min" => {
            if args.is_empty() {
                return Err(KqlError::at(span, format!("{name}() needs the expression to maximize/minimize")));
            }
            let key = col(0)?;
            let best = arg_best(&key, &all(), groups, name == "arg_max");
            let prefix = if name == "arg_max" { "max" } else { "min" };
            let primary = result_name(&args[0]);
            let mut out = vec![AggOut {
                name: Some(primary.clone().unwrap_or_else(|| format!("{prefix}_"))),
                col: key.take(&best)?,
            }];
            let any_star = args.iter().any(|a| matches!(a.kind, ExprKind::Star));
            let mut taken: Vec<String> = out.iter().filter_map(|o| o.name.clone()).collect();
            for (i, a) in args.iter().enumerate().skip(1) {
                if matches!(a.kind, ExprKind::Star) {
                    star_columns(ctx, &best, by_names, &mut taken, &mut out)?;
                    continue;
                }
                let nm = result_name(a).unwrap_or_else(|| format!("{prefix}_{}_arg{i}", primary.clone().unwrap_or_default()));
                if any_star && (taken.contains(&nm) || by_names.contains(&nm)) {
                    continue;
                }
                let c = eval(a, ctx)?.into_col(n);
                taken.push(nm.clone());
                out.push(AggOut { name: Some(nm), col: c.take(&best)? });
            }
            Ok(out)
        }
        "take_any" | "any" | "take_anyif" | "anyif" => {
            if args.is_empty() {
                return Err(KqlError::at(span, format!("{name}() needs an argument")));
            }
            if name.ends_with("if") {
                arity(2, 2)?;
                let c = col(0)?;
                let pick = first_present(&c, &pred(1)?, groups);
                return Ok(vec![AggOut { name: result_name(&args[0]), col: c.take(&pick)? }]);
            }
            let single = args.len() == 1 && !matches!(args[0].kind, ExprKind::Star);
            if single {
                let c = col(0)?;
                let pick = first_present(&c, &all(), groups);
                let nm = result_name(&args[0]).unwrap_or_else(|| "any_arg0".to_string());
                return Ok(vec![AggOut { name: Some(nm), col: c.take(&pick)? }]);
            }
            // several columns or *: one arbitrary (the first) row of each group
            let pick: IdxCa = groups.first_row.iter().map(|r| r.map(|r| r as IdxSize)).collect();
            let mut out = Vec::new();
            let mut taken: Vec<String> = Vec::new();
            for (i, a) in args.iter().enumerate() {
                if matches!(a.kind, ExprKind::Star) {
                    star_columns(ctx, &pick, by_names, &mut taken, &mut out)?;
                    continue;
                }
                let nm = result_name(a).unwrap_or_else(|| format!("any_arg{i}"));
                let c = eval(a, ctx)?.into_col(n);
                taken.push(nm.clone());
                out.push(AggOut { name: Some(nm), col: c.take(&pick)? });
            }
            Ok(out)
        }
        other => Err(KqlError::at(span, format!("'{other}' is not an aggregation function"))),
    }
}

/// `*` in `arg_max(…, *)` / `take_any(*)`: every column of the input not already taken and not a `by` key, at the
/// rows `pick` chooses (one per group).
fn star_columns(ctx: &Ctx, pick: &IdxCa, by_names: &[String], taken: &mut Vec<String>, out: &mut Vec<AggOut>) -> Result<(), KqlError> {
    let Some(frame) = ctx.frame else { return Ok(()) };
    for cname in frame.column_names() {
        if taken.contains(&cname) || by_names.contains(&cname) {
            continue;
        }
        let column = frame.column(&cname).map_err(|e| KqlError::msg(e.to_string()))?;
        let c = Col::from_column(column, frame.la_type(&cname).unwrap_or(crate::frame::LaType::String))?;
        out.push(AggOut { name: Some(cname.clone()), col: c.take(pick)? });
        taken.push(cname);
    }
    Ok(())
}

/// Kusto's default name of an unnamed aggregation (`count_`, `dcount_IPAddress`, `set_X` …).
pub fn default_name(name: &str, args: &[Expr]) -> Option<String> {
    let prefix = match name {
        "count" => "count",
        "countif" => "countif",
        "dcount" => "dcount",
        "count_distinct" => "count_distinct",
        "dcountif" => "dcountif",
        "sum" => "sum",
        "sumif" => "sumif",
        "avg" => "avg",
        "avgif" => "avgif",
        "min" => "min",
        "max" => "max",
        "minif" => "minif",
        "maxif" => "maxif",
        "make_set" | "makeset" | "make_set_if" => "set",
        "make_bag" | "make_bag_if" => "bag",
        "stdevif" | "varianceif" => name,
        "make_list" | "makelist" | "make_list_if" => "list",
        "stdev" | "stdevp" | "variance" | "variancep" => name,
        "percentile" | "percentilew" => {
            let p = args.get(if name == "percentile" { 1 } else { 2 }).and_then(|a| match &a.kind {
                ExprKind::Lit(super::ast::Lit::Long(v)) => Some(v.to_string()),
                ExprKind::Lit(super::ast::Lit::Real(v)) => Some(super::value::format_real(*v).replace('.', "_")),
                _ => None,
            })?;
            return Some(format!("percentile_{}_{p}", args.first().and_then(result_name).unwrap_or_default()));
        }
        _ => return None,
    };
    let arg = args.first().and_then(result_name).unwrap_or_default();
    Some(format!("{prefix}_{arg}"))
}

/// For each percentage, each group's row holding that percentile (nearest rank), nulls skipped. With `weights`, a
/// row counts as many times as its weight (one of 0 or less, or null, not at all): the rank is taken over the total
/// weight.
fn percentile_rows(c: &Col, g: &Groups, ps: &[f64], weights: Option<&Int64Chunked>) -> Vec<IdxCa> {
    // each group's non-null rows, sorted by value
    let mut rows: Vec<Vec<usize>> = vec![Vec::new(); g.n_groups];
    match c {
        Col::Real(x) => {
            for (i, (v, &grp)) in x.into_iter().zip(&g.row_group).enumerate() {
                if v.is_some_and(|v| !v.is_nan()) {
                    rows[grp as usize].push(i);
                }
            }
            for r in &mut rows {
                r.sort_by(|a, b| x.get(*a).unwrap_or(0.0).total_cmp(&x.get(*b).unwrap_or(0.0)));
            }
        }
        Col::Str(s) | Col::Dyn(s) if c.ty() == Ty::Str => {
            for (i, (v, &grp)) in s.into_iter().zip(&g.row_group).enumerate() {
                if v.is_some() {
                    rows[grp as usize].push(i);
                }
            }
            for r in &mut rows {
                r.sort_by(|a, b| s.get(*a).cmp(&s.get(*b)));
            }
        }
        other => {
            let x: Float64Chunked = match other {
                Col::Long(_) | Col::DateTime(_) | Col::Timespan(_) => other.to_i64_raw().into_iter().map(|v| v.map(|v| v as f64)).collect(),
                o => o.to_f64(),
            };
            for (i, (v, &grp)) in x.into_iter().zip(&g.row_group).enumerate() {
                if v.is_some_and(|v| !v.is_nan()) {
                    rows[grp as usize].push(i);
                }
            }
            if let Col::Long(l) | Col::DateTime(l) | Col::Timespan(l) = other {
                for r in &mut rows {
                    r.sort_by_key(|i| l.get(*i));
                }
            } else {
                for r in &mut rows {
                    r.sort_by(|a, b| x.get(*a).unwrap_or(0.0).total_cmp(&x.get(*b).unwrap_or(0.0)));
                }
            }
        }
    }
    ps.iter()
        .map(|p| {
            rows.iter()
                .map(|r| {
                    if let Some(w) = weights {
                        let weight = |i: usize| w.get(i).unwrap_or(0).max(0) as u64;
                        let total = r.iter().map(|&i| weight(i)).fold(0u64, u64::saturating_add);
                        if total == 0 {
                            return None;
                        }
                        let rank = (((p / 100.0) * total as f64).ceil() as u64).clamp(1, total);
                        let mut seen = 0u64;
                        return r.iter().find(|&&i| {
                            seen = seen.saturating_add(weight(i));
                            seen >= rank
                        }).map(|&i| i as IdxSize);
                    }
                    if r.is_empty() {
                        return None;
                    }
                    let rank = ((p / 100.0) * r.len() as f64).ceil() as usize;
                    Some(r[rank.clamp(1, r.len()) - 1] as IdxSize)
                })
                .collect()
        })
        .collect()
}

fn count(mask: &BooleanChunked, g: &Groups) -> Int64Chunked {
    let mut acc = vec![0i64; g.n_groups];
    for (m, &grp) in mask.into_iter().zip(&g.row_group) {
        if m == Some(true) {
            acc[grp as usize] += 1;
        }
    }
    acc.into_iter().map(Some).collect()
}

/// Distinct values per group, exactly: the values' dense codes (`column_codes`, the coding grouping uses), the rows'
/// groups put in order of their value's code (a counting sort), then each value's run counts each group once.
/// Kusto estimates `dcount` (HyperLogLog); this is exact. Nulls are not counted, but a null text counts as the empty
/// string (a string column's null is `""` in Kusto); dynamic values are compared as their JSON text.
fn dcount(c: &Col, mask: &BooleanChunked, g: &Groups) -> Result<Int64Chunked, KqlError> {
    let col = match c {
        // raw JSON text: `into_column` would turn the dynamic string "1" into the text 1, equal to the number 1
        Col::Str(s) | Col::Dyn(s) => s.clone().into_series().into_column(),
        other => other.clone().into_column("v").0,
    };
    let codes = column_codes(&col).map_err(|e| KqlError::msg(format!("dcount: {e}")))?;
    let null_code = match col.null_count() {
        0 => None,
        _ => col.is_null().into_iter().position(|v| v == Some(true)).and_then(|r| codes.get(r).copied()),
    };
    // a string column's null counts as "" (the code of its first empty string, or its own code if there is none)
    let null_as = match (c, null_code) {
        (Col::Str(s), Some(nc)) => Some(s.into_iter().position(|v| v == Some("")).and_then(|r| codes.get(r).copied()).unwrap_or(nc)),
        _ => None,
    };
    // the counted rows' (value code, group), and how many rows each code has
    let n_codes = codes.iter().max().map_or(0, |&m| m as usize + 1);
    let mut start = vec![0usize; n_codes + 1];
    let mut counted: Vec<(u32, u32)> = Vec::with_capacity(codes.len());
    for ((m, &grp), &code) in mask.into_iter().zip(&g.row_group).zip(&codes) {
        let code = match null_as {
            _ if m != Some(true) => continue,
            Some(empty) if Some(code) == null_code => empty,
            _ if Some(code) == null_code => continue,
            _ => code,
        };
        start[code as usize + 1] += 1;
        counted.push((code, grp));
    }
    for i in 1..start.len() {
        start[i] += start[i - 1];
    }
    let mut groups_by_code = vec![0u32; counted.len()];
    let mut at = start.clone();
    for &(code, grp) in &counted {
        groups_by_code[at[code as usize]] = grp;
        at[code as usize] += 1;
    }
    drop(counted);
    // the last value each group counted: a value's rows are together, so a repeat of (group, value) is seen there
    let mut last = vec![u32::MAX; g.n_groups];
    let mut counts = vec![0i64; g.n_groups];
    for (code, run) in start.windows(2).enumerate() {
        for &grp in &groups_by_code[run[0]..run[1]] {
            let seen = &mut last[grp as usize];
            if *seen != code as u32 {
                *seen = code as u32;
                counts[grp as usize] += 1;
            }
        }
    }
    Ok(counts.into_iter().map(Some).collect())
}

fn sum(c: &Col, mask: &BooleanChunked, g: &Groups) -> Result<Col, KqlError> {
    let rows = || mask.into_iter().zip(g.row_group.iter());
    match c.ty() {
        Ty::Long | Ty::Timespan | Ty::Bool => {
            let x = match c {
                Col::Bool(b) => b.into_iter().map(|v| v.map(i64::from)).collect(),
                o => o.to_i64_raw(),
            };
            let mut acc = vec![0i64; g.n_groups];
            for (v, (m, &grp)) in x.into_iter().zip(rows()) {
                if let (Some(v), Some(true)) = (v, m) {
                    let slot = &mut acc[grp as usize];
                    *slot = slot.checked_add(v).ok_or_else(|| {
                        KqlError::msg(format!("sum() is out of range: the total passes a 64-bit {} (sum todouble(…) instead)", c.ty().name()))
                    })?;
                }
            }
            let ca: Int64Chunked = acc.into_iter().map(Some).collect();
            Ok(if c.ty() == Ty::Timespan { Col::Timespan(ca) } else { Col::Long(ca) })
        }
        Ty::DateTime => Err(KqlError::msg("sum() of datetimes is not defined")),
        _ => {
            let mut acc = vec![0f64; g.n_groups];
            for (v, (m, &grp)) in c.to_f64().into_iter().zip(rows()) {
                if let (Some(v), Some(true)) = (v, m) {
                    acc[grp as usize] += v;
                }
            }
            Ok(Col::Real(acc.into_iter().map(Some).collect()))
        }
    }
}

fn avg(c: &Col, mask: &BooleanChunked, g: &Groups) -> Result<Col, KqlError> {
    let mut total = vec![0f64; g.n_groups];
    let mut n = vec![0u64; g.n_groups];
    let is_time = matches!(c.ty(), Ty::DateTime | Ty::Timespan);
    let vals: Float64Chunked = if is_time { c.to_i64_raw().into_iter().map(|v| v.map(|x| x as f64)).collect() } else { c.to_f64() };
    for (v, (m, &grp)) in vals.into_iter().zip(mask.into_iter().zip(&g.row_group)) {
        if let (Some(v), Some(true)) = (v, m) {
            total[grp as usize] += v;
            n[grp as usize] += 1;
        }
    }
    let means = total.iter().zip(&n).map(|(t, k)| (*k > 0).then(|| t / *k as f64));
    Ok(match c.ty() {
        Ty::DateTime => Col::DateTime(means.map(|m| m.map(|x| x.round() as i64)).collect()),
        Ty::Timespan => Col::Timespan(means.map(|m| m.map(|x| x.round() as i64)).collect()),
        _ => Col::Real(means.collect()),
    })
}

/// For each group, the row whose value is largest (`max`) or smallest, among rows where `mask` holds; nulls are
/// skipped. Ties keep the first row.
fn arg_best(c: &Col, mask: &BooleanChunked, g: &Groups, max: bool) -> IdxCa {
    let mut best: Vec<Option<usize>> = vec![None; g.n_groups];
    let better = |o: std::cmp::Ordering| if max { o == std::cmp::Ordering::Greater } else { o == std::cmp::Ordering::Less };
    let rows = mask.into_iter().zip(&g.row_group).enumerate();
    match c {
        Col::Real(x) => {
            for (i, (m, &grp)) in rows {
                let Some(v) = x.get(i).filter(|v| !v.is_nan()) else { continue };
                if m != Some(true) {
                    continue;
                }
                let slot = &mut best[grp as usize];
                if slot.is_none_or(|b| x.get(b).and_then(|bv| v.partial_cmp(&bv)).is_some_and(better)) {
                    *slot = Some(i);
                }
            }
        }
        Col::Str(s) | Col::Dyn(s) => {
            for (i, (m, &grp)) in rows {
                let Some(v) = s.get(i) else { continue };
                if m != Some(true) {
                    continue;
                }
                let slot = &mut best[grp as usize];
                if slot.is_none_or(|b| better(v.cmp(s.get(b).unwrap_or("")))) {
                    *slot = Some(i);
                }
            }
        }
        other => {
            let x: Int64Chunked = match other {
                Col::Bool(b) => b.into_iter().map(|v| v.map(i64::from)).collect(),
                o => o.to_i64_raw(),
            };
            for (i, (m, &grp)) in rows {
                let Some(v) = x.get(i) else { continue };
                if m != Some(true) {
                    continue;
                }
                let slot = &mut best[grp as usize];
                if slot.is_none_or(|b| x.get(b).is_some_and(|bv| better(v.cmp(&bv)))) {
                    *slot = Some(i);
                }
            }
        }
    }
    // a group with no value gives null
    best.iter().map(|b| b.map(|b| b as IdxSize)).collect()
}

/// For each group, the first row with a non-null, non-empty value where `mask` holds.
fn first_present(c: &Col, mask: &BooleanChunked, g: &Groups) -> IdxCa {
    let nulls = c.is_null_mask();
    let empty: Vec<bool> = match c {
        Col::Str(s) => s.into_iter().map(|v| v.is_none_or(str::is_empty)).collect(),
        _ => nulls.into_iter().map(|v| v.unwrap_or(true)).collect(),
    };
    let mut pick: Vec<Option<IdxSize>> = vec![None; g.n_groups];
    for (i, (m, &grp)) in mask.into_iter().zip(&g.row_group).enumerate() {
        if m == Some(true) && !empty[i] && pick[grp as usize].is_none() {
            pick[grp as usize] = Some(i as IdxSize);
        }
    }
    pick.into_iter().collect()
}

fn make_collection(c: &Col, mask: &BooleanChunked, g: &Groups, set: bool, max: usize) -> Col {
    let mut lists: Vec<Vec<Json>> = vec![Vec::new(); g.n_groups];
    let mut seen: Vec<HashSet<String>> = if set { vec![HashSet::new(); g.n_groups] } else { Vec::new() };
    let is_dyn = matches!(c, Col::Dyn(_));
    for (i, (m, &grp)) in mask.into_iter().zip(&g.row_group).enumerate() {
        if m != Some(true) {
            continue;
        }
        let v = c.get_json(i);
        if v.is_null() {
            continue;
        }
        let grp = grp as usize;
        // make_set of dynamic arrays collects their elements
        let items = match v {
            Json::Array(items) if set && is_dyn => items,
            other => vec![other],
        };
        for item in items {
            if lists[grp].len() >= max {
                break;
            }
            if set && !seen[grp].insert(item.to_string()) {
                continue;
            }
            lists[grp].push(item);
        }
    }
    Col::from_json(lists.into_iter().map(Json::Array))
}

fn spread(c: &Col, g: &Groups, population: bool, sd: bool) -> Float64Chunked {
    let mut s = vec![0f64; g.n_groups];
    let mut s2 = vec![0f64; g.n_groups];
    let mut n = vec![0f64; g.n_groups];
    for (v, &grp) in c.to_f64().into_iter().zip(&g.row_group) {
        if let Some(v) = v {
            s[grp as usize] += v;
            s2[grp as usize] += v * v;
            n[grp as usize] += 1.0;
        }
    }
    (0..g.n_groups)
        .map(|i| {
            let k = n[i];
            let denom = if population { k } else { k - 1.0 };
            if denom <= 0.0 {
                return if k > 0.0 { Some(0.0) } else { None };
            }
            let var = ((s2[i] - s[i] * s[i] / k) / denom).max(0.0);
            Some(if sd { var.sqrt() } else { var })
        })
        .collect()
}

#[cfg(test)]
mod dcount_tests {
    use crate::frame::{Frame, Tables};
    use polars::prelude::*;

    fn table(cols: Vec<Column>) -> Tables {
        let n = cols[0].len();
        let mut t = Tables::new();
        t.add(Frame::new("T", DataFrame::new(n, cols).unwrap()));
        t
    }

    fn longs(t: &Tables, q: &str, col: &str) -> Vec<Option<i64>> {
        let f = crate::kql::execute(q, t, 0).unwrap();
        f.df().column(col).unwrap().i64().unwrap().into_iter().collect()
    }

    /// Values that a hash could confuse (same length, one byte apart, a prefix of another) stay apart: dcount
    /// compares values, not hashes.
    #[test]
    fn counts_values_exactly_per_group() {
        let s = ["evil.comAAAAAAAA", "evil.comAAAAAAAB", "evil.comAAAAAAAA", "evil.com", "evil.comAAAAAAAB", "x"];
        let t = table(vec![
            Column::new("s".into(), s),
            Column::new("g".into(), [1i64, 1, 1, 1, 2, 2]),
        ]);
        assert_eq!(longs(&t, "T | summarize d = dcount(s)", "d"), vec![Some(4)]);
        assert_eq!(longs(&t, "T | summarize d = dcount(s) by g | sort by g asc", "d"), vec![Some(3), Some(2)]);
        assert_eq!(longs(&t, "T | summarize d = dcountif(s, g == 1)", "d"), vec![Some(3)]);
        // 10,000 rows, 7 values in a cycle, 3 groups in a cycle: every group sees every value
        let big: Vec<String> = (0..10_000).map(|i| format!("v{}", i % 7)).collect();
        let grp: Vec<i64> = (0..10_000).map(|i| i % 3).collect();
        let t = table(vec![Column::new("s".into(), big), Column::new("g".into(), grp)]);
        assert_eq!(longs(&t, "T | summarize d = dcount(s) by g | sort by g asc", "d"), vec![Some(7); 3]);
    }

    /// A null text is the empty string; null numbers and null dynamic values are not counted; the dynamic string
    /// "1" is not the number 1.
    #[test]
    fn nulls_and_dynamic_values() {
        let t = table(vec![
            Column::new("s".into(), [Some("a"), None, Some(""), Some("a")]),
            Column::new("n".into(), [Some(1i64), None, Some(1), Some(2)]),
        ]);
        assert_eq!(longs(&t, "T | summarize d = dcount(s)", "d"), vec![Some(2)]);
        assert_eq!(longs(&t, "T | summarize d = dcount(n)", "d"), vec![Some(2)]);
        let t = table(vec![Column::new("s".into(), [Some("a"), None, Some("b")])]);
        assert_eq!(longs(&t, "T | summarize d = dcount(s)", "d"), vec![Some(3)]);
        let t = table(vec![Column::new("j".into(), [r#"{"v":"1"}"#, r#"{"v":1}"#, r#"{"v":1}"#, r#"{"w":null}"#])]);
        assert_eq!(
            longs(&t, "T | extend d = parse_json(j) | summarize a = dcount(d.v), b = dcount(d.w)", "a"),
            vec![Some(2)]
        );
        assert_eq!(longs(&t, "T | extend d = parse_json(j) | summarize a = dcount(d.v), b = dcount(d.w)", "b"), vec![Some(0)]);
    }
}
