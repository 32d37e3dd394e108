//! Tabular execution: table names, lets and function calls, then each pipe operator over a [`Frame`].
//!
//! Operators: `where`, `extend`, `project`, `project-away`/`-keep`/`-rename`/`-reorder`, `take`/`limit`,
//! `sort`/`order`, `top`, `summarize`, `count`, `distinct`, `render` (recorded in the notes), `union` (with table
//! name wildcards), `mv-expand`, `join`, `lookup`, `make-series`, `parse`/`parse-where` and `invoke`. A `where`
//! whose predicate is a conjunction runs its parts one after the other on the shrinking table, comparisons on
//! datetime columns first (the usual time filter removes most rows).
//!
//! Speed: comparisons of a column with a constant use polars' vectorised kernels ([`super::eval::compare_const`]);
//! `summarize` groups by the key columns' dense value codes (`crate::frame::codes`, one hash lookup a row and key);
//! `top k` first keeps only the rows whose first key is at least the k-th best value (found with a selection, not a
//! sort), then sorts those few; case-insensitive `contains`/`has`/`startswith` compare ASCII bytes without
//! lowercasing each row.


use polars::prelude::*;
use serde_json::Value as Json;

use super::aggregates::{self, AggOut, Groups};
use super::ast::*;
use super::eval::{eval, to_mask, Bound, Ctx, Env};
use super::names::{next_column_name, result_name, unique};
use super::value::{dyn_parse, Col, Ty, Val};
use super::KqlError;
use crate::error::closest;
use crate::frame::codes::{column_codes, combine_codes};
use crate::frame::join::{assemble, JoinHow, KeyMatch, RowPairs, Source};
use crate::frame::{Frame, LaType};

fn perr(what: &str) -> impl Fn(PolarsError) -> KqlError + '_ {
    move |e| KqlError::msg(format!("{what}: {e}"))
}

/// Runs the query body.
pub fn run(q: &Query, env: &Env) -> Result<Frame, KqlError> {
    let _base = super::guard::Base::enter();
    let visible = q.lets.len();
    match &q.body.kind {
        ExprKind::Name(_)
        | ExprKind::Tabular(_)
        | ExprKind::Union(_)
        | ExprKind::Call { .. }
        | ExprKind::DataTable { .. }
        | ExprKind::Print(_)
        | ExprKind::Range { .. } => eval_tabular(&q.body, env, visible),
        _ => Err(KqlError::at(q.body.span, "a query must be a table expression (a table name, then '| operator …')")),
    }
}

/// Evaluates a tabular expression seeing the first `visible` lets.
pub fn eval_tabular(expr: &Expr, env: &Env, visible: usize) -> Result<Frame, KqlError> {
    super::guard::check(expr.span)?;
    // a call of a user-defined function
    if let ExprKind::Call { name, args } = &expr.kind {
        if let Some(super::eval::Found::Let(def_env, i)) = env.find(name, visible) {
            let ExprKind::Function(def) = &def_env.lets[i].value.kind else {
                return Err(KqlError::at(expr.span, format!("'{name}' is not a function")));
            };
            let ctx = Ctx::new(env, None, visible);
            return def_env.call_tabular(i, def, args, Some(&ctx), expr.span, None);
        }
    }
    match &expr.kind {
        ExprKind::Name(n) => table_named(n, expr.span, env, visible),
        ExprKind::Tabular(t) => {
            let mut f = match take_from_table(t, env, visible)? {
                Some(head) => head,
                None => eval_tabular(&t.source, env, visible)?,
            };
            for op in &t.ops {
                f = apply(f, op, env, visible).map_err(|e| e.or_at(op.span))?;
            }
            Ok(f)
        }
        ExprKind::Union(spec) => union(Vec::new(), spec, env, visible),
        ExprKind::DataTable { columns, values } => datatable(columns, values, env, visible),
        ExprKind::Print(items) => print(items, env, visible),
        ExprKind::Range { name, from, to, step } => range(name, from, to, step, env, visible),
        ExprKind::Call { name, args } if matches!(name.as_str(), "materialize" | "view") && args.len() == 1 => {
            eval_tabular(&args[0], env, visible)
        }
        ExprKind::Call { name, args } if name == "table" && args.len() == 1 => {
            let t = super::eval::eval_const(&args[0], env, visible)?.to_text();
            table_named(&t, args[0].span, env, visible)
        }
        ExprKind::Call { name, args } if name == "_GetWatchlist" && args.len() == 1 => {
            let alias = super::eval::eval_const(&args[0], env, visible)?.to_text();
            super::plugins::get_watchlist(&alias, env, expr.span)
        }
        ExprKind::Call { name, .. } if super::functions::is_function(name) || super::aggregates::is_aggregate(name) => {
            Err(KqlError::at(expr.span, format!("{name}() gives a value, not a table")))
        }
        ExprKind::Call { name, .. } => Err(unknown_tabular_function(name, expr.span)),
        _ => Err(KqlError::at(expr.span, "expected a table here (a table name, a tabular let, or '(T | …)')")),
    }
}

/// `T | take n …` where `T` is a table of the catalog: its first `n` rows, read without reading the rest of a lazy
/// table (the first look at a demo table, issue #16's cold start). The `take` still runs after it, on those rows.
fn take_from_table(t: &Tabular, env: &Env, visible: usize) -> Result<Option<Frame>, KqlError> {
    let (ExprKind::Name(n), Some(OpKind::Take(count))) = (&t.source.kind, t.ops.first().map(|op| &op.kind)) else {
        return Ok(None);
    };
    if env.value_of(n, visible).is_some() || !env.tables.table_names().iter().any(|name| name == n) {
        return Ok(None);
    }
    let k = count_arg(count, env, visible, "take").map_err(|e| e.or_at(t.ops[0].span))?;
    catalog_table(n, t.source.span, env, Some(k)).map(Some)
}

/// Table `n` of the catalog as a query starts from it (its load notes stay with the loaded table): all of it, or
/// only its first `head` rows ([`crate::frame::Tables::head`]: a lazy table not read yet is not read for them).
fn catalog_table(n: &str, span: Span, env: &Env, head: Option<usize>) -> Result<Frame, KqlError> {
    let mut f = match head {
        Some(k) => env.tables.head(n, k),
        None => env.tables.table(n).cloned(),
    }
    .map_err(|e| KqlError::at(span, e.to_string()))?;
    f.notes.clear();
    Ok(f)
}

fn table_named(n: &str, span: Span, env: &Env, visible: usize) -> Result<Frame, KqlError> {
    if let Some(b) = env.value_of(n, visible) {
        return match b? {
            Bound::Table(f) => Ok(f),
            Bound::Scalar(_) | Bound::Column(_) => Err(KqlError::at(span, format!("'{n}' is a value, not a table"))),
        };
    }
    let names = env.tables.table_names();
    if names.iter().any(|t| t == n) {
        return catalog_table(n, span, env, None);
    }
    Err(unknown_table(n, span, names, env.let_names(visible)))
}

/// "unknown table 'SigninLog' (did you mean 'SigninLogs'?). Tables are: …"
pub(super) fn unknown_table(n: &str, span: Span, names: Vec<String>, lets: Vec<String>) -> KqlError {
    let list = if names.is_empty() { "none are loaded".to_string() } else { names.join(", ") };
    let mut candidates = names;
    candidates.extend(lets);
    let hint = closest(n, &candidates).map(|s| format!(" (did you mean '{s}'?)")).unwrap_or_default();
    KqlError::at(span, format!("unknown table '{n}'{hint}. Tables are: {list}"))
}

pub(super) fn unknown_tabular_function(name: &str, span: Span) -> KqlError {
    KqlError::at(
        span,
        format!("unknown function '{name}' as a table (a workspace function such as an ASIM parser is not defined locally; define it with let)"),
    )
}

fn apply(f: Frame, op: &Op, env: &Env, visible: usize) -> Result<Frame, KqlError> {
    match &op.kind {
        OpKind::Where(e) => where_(f, e, env, visible),
        OpKind::Extend(items) => extend(f, items, env, visible),
        OpKind::Project(items) => project(f, items, env, visible),
        OpKind::ProjectAway(pats) => {
            let drop = match_patterns(&f, pats)?;
            let keep: Vec<String> = f.column_names().into_iter().filter(|c| !drop.contains(c)).collect();
            select(&f, &keep)
        }
        OpKind::ProjectKeep(pats) => {
            let keep = match_patterns(&f, pats)?;
            let keep: Vec<String> = f.column_names().into_iter().filter(|c| keep.contains(c)).collect();
            select(&f, &keep)
        }
        OpKind::ProjectReorder(pats) => {
            let mut order = match_patterns(&f, pats)?;
            for c in f.column_names() {
                if !order.contains(&c) {
                    order.push(c);
                }
            }
            select(&f, &order)
        }
        OpKind::ProjectRename(pairs) => {
            let mut out = f;
            for (new, old) in pairs {
                if out.column(&old.name).is_err() {
                    return Err(unknown_column(&out, &old.name, old.span));
                }
                out = out.rename(&[(old.name.clone(), new.name.clone())]).map_err(|e| KqlError::at(new.span, e.to_string()))?;
            }
            Ok(out)
        }
        OpKind::Take(e) => {
            let n = count_arg(e, env, visible, "take")?;
            Ok(f.head(n))
        }
        OpKind::Sort(keys) => sort(f, keys, env, visible),
        OpKind::Top { n, by } => {
            let k = count_arg(n, env, visible, "top")?;
            // top puts nulls last unless told otherwise
            let by: Vec<SortKey> = by.iter().map(|s| SortKey { nulls_last: Some(s.nulls_last.unwrap_or(true)), ..s.clone() }).collect();
            let f = top_candidates(f, &by, k, env, visible)?;
            Ok(sort(f, &by, env, visible)?.head(k))
        }
        OpKind::Summarize { aggs, by } => summarize(&f, aggs, by, env, visible),
        OpKind::TopNested(levels) => super::top_nested::top_nested(f, levels, env, visible),
        OpKind::Count => {
            let col = Int64Chunked::from_vec("Count".into(), vec![f.height() as i64]).into_series().into_column();
            let df = DataFrame::new(1, vec![col]).map_err(perr("counting"))?;
            let mut out = Frame::new(f.name.clone(), df);
            out.notes = f.notes.clone();
            Ok(out)
        }
        OpKind::Distinct { cols, star } => {
            let by: Vec<Assign> = if *star {
                f.column_names()
                    .into_iter()
                    .map(|c| Assign { name: None, expr: Expr::new(ExprKind::Name(c), op.span), more_names: Vec::new() })
                    .collect()
            } else {
                cols.clone()
            };
            summarize(&f, &[], &by, env, visible)
        }
        OpKind::Render { kind } => {
            let mut out = f;
            out.notes.retain(|n| !n.starts_with("render: "));
            out.notes.push(format!("render: {kind}"));
            Ok(out)
        }
        OpKind::Union(spec) => union(vec![(f.name.clone(), f)], spec, env, visible),
        OpKind::MvExpand { items, limit, item_index } => {
            Ok(mv_expand(f, items, limit.as_ref(), item_index.as_ref(), env, visible)?.0)
        }
        OpKind::MvApply { items, limit, item_index, ops } => mv_apply(f, items, limit.as_ref(), item_index.as_ref(), ops, env, visible),
        OpKind::Join { kind, right, on } => {
            let r = eval_tabular(right, env, visible)?;
            join(f, r, *kind, on)
        }
        OpKind::Lookup { inner, right, on } => {
            let r = eval_tabular(right, env, visible)?;
            lookup(f, r, *inner, on)
        }
        OpKind::MakeSeries(spec) => make_series(&f, spec, env, visible),
        OpKind::Parse(spec) => parse_op(f, spec, env, visible),
        OpKind::Invoke { name, args } => {
            let Some(super::eval::Found::Let(def_env, i)) = env.find(&name.name, visible) else {
                return Err(KqlError::at(name.span, format!("unknown function '{}' (invoke needs a function defined with let)", name.name)));
            };
            let ExprKind::Function(def) = &def_env.lets[i].value.kind else {
                return Err(KqlError::at(name.span, format!("'{}' is not a function", name.name)));
            };
            let ctx = Ctx::new(env, Some(&f), visible);
            def_env.call_tabular(i, def, args, Some(&ctx), name.span, Some(f.clone()))
        }
        OpKind::Evaluate { plugin, args } => match plugin.name.as_str() {
            "bag_unpack" => super::plugins::bag_unpack(f, args, plugin.span, env, visible),
            "pivot" => super::plugins::pivot(f, args, plugin.span, env, visible),
            "basket" | "autocluster" => super::plugins::basket(f, args, plugin.span, env, visible, plugin.name == "autocluster"),
            "narrow" => super::plugins::narrow(f, args, plugin.span),
            other => Err(KqlError::at(plugin.span, format!("the evaluate plugin '{other}' is not supported yet"))),
        },
        OpKind::NoOp => Ok(f),
    }
}

pub(super) fn unknown_column(f: &Frame, name: &str, span: Span) -> KqlError {
    unknown_column_in(&f.column_names(), name, span)
}

pub(super) fn unknown_column_in(cols: &[String], name: &str, span: Span) -> KqlError {
    match closest(name, cols) {
        Some(s) => KqlError::at(span, format!("unknown column '{name}' (did you mean '{s}'?)")),
        None => KqlError::at(span, format!("unknown column '{name}'")),
    }
}

/// A row count argument (`take 5`, `top 3`).
pub(super) fn count_arg(e: &Expr, env: &Env, visible: usize, what: &str) -> Result<usize, KqlError> {
    match super::eval::eval_const(e, env, visible).map_err(|err| err.or_at(e.span))? {
        super::value::Scalar::Long(n) => Ok(n.max(0) as usize),
        super::value::Scalar::Real(r) if r.is_finite() => Ok(r.max(0.0) as usize),
        other => Err(KqlError::at(e.span, format!("'{what}' needs a number of rows, not '{}'", other.to_text()))),
    }
}

pub(super) fn select(f: &Frame, names: &[String]) -> Result<Frame, KqlError> {
    f.select(names).map_err(|e| KqlError::msg(e.to_string()))
}

/// Columns matching names with `*` wildcards; a plain name that matches nothing is an error.
fn match_patterns(f: &Frame, pats: &[Ident]) -> Result<Vec<String>, KqlError> {
    let cols = f.column_names();
    let mut out = Vec::new();
    for p in pats {
        if p.name.contains('*') {
            for c in &cols {
                if glob(&p.name, c) && !out.contains(c) {
                    out.push(c.clone());
                }
            }
        } else if cols.contains(&p.name) {
            if !out.contains(&p.name) {
                out.push(p.name.clone());
            }
        } else {
            return Err(unknown_column(f, &p.name, p.span));
        }
    }
    Ok(out)
}

/// `*` matches any run of characters.
pub(super) fn glob(pat: &str, s: &str) -> bool {
    let parts: Vec<&str> = pat.split('*').collect();
    let mut rest = s;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            match rest.strip_prefix(part) {
                Some(r) => rest = r,
                None => return false,
            }
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            match rest.find(part) {
                Some(at) => rest = &rest[at + part.len()..],
                None => return false,
            }
        }
    }
    rest.is_empty()
}

/// Adds or replaces column `name`.
pub(super) fn set_column(f: &Frame, name: &str, v: Val) -> Result<Frame, KqlError> {
    let (col, la) = v.into_col(f.height()).into_column(name);
    let mut df = f.df().clone();
    df.with_column(col).map_err(perr("adding a column"))?;
    let mut out = f.with_df(df);
    out.set_la_type(name, la);
    Ok(out)
}

// ----- sources: datatable, print, range -----------------------------------------------------------------------

fn datatable(columns: &[(Ident, String)], values: &[Expr], env: &Env, visible: usize) -> Result<Frame, KqlError> {
    let n = columns.len();
    if n == 0 || !values.len().is_multiple_of(n) {
        let span = values.last().map_or(columns.first().map(|c| c.0.span).unwrap_or_default(), |v| v.span);
        return Err(KqlError::at(span, format!("datatable has {} column(s) but {} value(s): not whole rows", n, values.len())));
    }
    let rows = values.len() / n;
    let mut builders: Vec<crate::frame::ColumnBuilder> = columns
        .iter()
        .map(|(id, ty)| crate::frame::ColumnBuilder::new(&id.name, LaType::from_wire(ty), rows))
        .collect();
    for (i, v) in values.iter().enumerate() {
        let s = super::eval::eval_const(v, env, visible)?;
        let b = &mut builders[i % n];
        match s {
            super::value::Scalar::Null => b.push_null(),
            super::value::Scalar::Dyn(j) if !matches!(j, Json::Object(_) | Json::Array(_)) && b.kind() == LaType::Dynamic => b.push_json(&j),
            other => b.push_value(&other.to_json()),
        }
        if b.rejected > 0 {
            return Err(KqlError::at(v.span, format!("this value is not a {}", b.kind())));
        }
    }
    let kinds: Vec<LaType> = builders.iter().map(|b| b.kind()).collect();
    let cols: Vec<Column> = builders.into_iter().map(|b| b.finish()).collect();
    let df = DataFrame::new(rows, cols).map_err(perr("datatable"))?;
    let mut f = Frame::new("datatable", df);
    for ((id, _), k) in columns.iter().zip(kinds) {
        f.set_la_type(&id.name, k);
    }
    Ok(f)
}

fn print(items: &[Assign], env: &Env, visible: usize) -> Result<Frame, KqlError> {
    let ctx = Ctx::new(env, None, visible);
    let mut names: Vec<String> = Vec::new();
    let mut cols = Vec::new();
    let mut kinds = Vec::new();
    for (i, a) in items.iter().enumerate() {
        let base = match &a.name {
            Some(id) => id.name.clone(),
            None => result_name(&a.expr).unwrap_or_else(|| format!("print_{i}")),
        };
        let name = unique(&base, &names);
        let (c, la) = eval(&a.expr, &ctx)?.into_col(1).into_column(&name);
        names.push(name);
        cols.push(c);
        kinds.push(la);
    }
    let df = DataFrame::new(1, cols).map_err(perr("print"))?;
    let mut f = Frame::new("print", df);
    for (n, k) in names.iter().zip(kinds) {
        f.set_la_type(n, k);
    }
    Ok(f)
}

/// Most rows `range` makes.
const MAX_RANGE_ROWS: u64 = 10_000_000;

fn range(name: &Ident, from: &Expr, to: &Expr, step: &Expr, env: &Env, visible: usize) -> Result<Frame, KqlError> {
    use super::value::Scalar as S;
    let c = |e: &Expr| super::eval::eval_const(e, env, visible).map_err(|err| err.or_at(e.span));
    let (a, b, s) = (c(from)?, c(to)?, c(step)?);
    let too_many = || KqlError::at(step.span, format!("range would make more than {MAX_RANGE_ROWS} rows"));
    let col = match (&a, &b, &s) {
        (S::Long(a), S::Long(b), S::Long(s)) if *s != 0 => {
            let count = if (*s > 0 && b >= a) || (*s < 0 && b <= a) { ((*b as i128 - *a as i128) / *s as i128) as u64 + 1 } else { 0 };
            if count > MAX_RANGE_ROWS {
                return Err(too_many());
            }
            super::guard::charge("range", count * super::guard::CELL, Some(step.span))?;
            Col::Long((0..count as i64).map(|i| Some(a + i * s)).collect())
        }
        (S::DateTime(a), S::DateTime(b), S::Timespan(s)) if *s != 0 => {
            let count = if (*s > 0 && b >= a) || (*s < 0 && b <= a) { ((*b as i128 - *a as i128) / *s as i128) as u64 + 1 } else { 0 };
            if count > MAX_RANGE_ROWS {
                return Err(too_many());
            }
            super::guard::charge("range", count * super::guard::CELL, Some(step.span))?;
            Col::DateTime((0..count as i64).map(|i| Some(a + i * s)).collect())
        }
        (S::Long(_) | S::Real(_), S::Long(_) | S::Real(_), S::Long(_) | S::Real(_)) => {
            let f = |x: &S| match x {
                S::Long(v) => *v as f64,
                S::Real(v) => *v,
                _ => 0.0,
            };
            let (a, b, s) = (f(&a), f(&b), f(&s));
            let count = ((b - a) / s).floor();
            if !(s != 0.0 && count.is_finite()) {
                return Err(KqlError::at(step.span, "range needs a step that is not zero"));
            }
            if count > MAX_RANGE_ROWS as f64 {
                return Err(too_many());
            }
            let count = if count < 0.0 { 0 } else { count as i64 + 1 };
            Col::Real((0..count).map(|i| Some(a + i as f64 * s)).collect())
        }
        _ => {
            return Err(KqlError::at(
                from.span.to(step.span),
                "range needs numbers (from 1 to 10 step 1) or datetimes with a timespan step, and a step that is not zero",
            ));
        }
    };
    let h = col.len();
    let (column, la) = col.into_column(&name.name);
    let df = DataFrame::new(h, vec![column]).map_err(perr("range"))?;
    let mut f = Frame::new("range", df);
    f.set_la_type(&name.name, la);
    Ok(f)
}

// ----- where ------------------------------------------------------------------------------------------------------

fn conjuncts<'a>(e: &'a Expr, out: &mut Vec<&'a Expr>) {
    match &e.kind {
        ExprKind::Binary(BinOp::And, l, r) => {
            conjuncts(l, out);
            conjuncts(r, out);
        }
        _ => out.push(e),
    }
}

/// Whether a conjunct compares a datetime column (cheap, and usually the most selective).
fn is_time_filter(e: &Expr, f: &Frame) -> bool {
    let is_dt_col = |x: &Expr| matches!(&x.kind, ExprKind::Name(n) if matches!(f.la_type(n), Ok(LaType::DateTime)));
    match &e.kind {
        ExprKind::Binary(BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge | BinOp::Eq, l, r) => is_dt_col(l) || is_dt_col(r),
        ExprKind::Between { expr, .. } => is_dt_col(expr),
        _ => false,
    }
}

fn where_(f: Frame, e: &Expr, env: &Env, visible: usize) -> Result<Frame, KqlError> {
    let mut parts = Vec::new();
    conjuncts(e, &mut parts);
    let (mut time, rest): (Vec<&Expr>, Vec<&Expr>) = parts.into_iter().partition(|p| is_time_filter(p, &f));
    time.extend(rest);
    let mut cur = f;
    for p in time {
        let ctx = Ctx::new(env, Some(&cur), visible);
        let v = eval(p, &ctx)?;
        let mask = to_mask(v, cur.height()).map_err(|e| e.or_at(p.span))?;
        if mask.all() {
            continue;
        }
        let df = cur.df().filter(&mask).map_err(perr("filtering rows"))?;
        cur = cur.with_df(df);
    }
    Ok(cur)
}

// ----- extend / project -------------------------------------------------------------------------------------------

fn extend(f: Frame, items: &[Assign], env: &Env, visible: usize) -> Result<Frame, KqlError> {
    let mut cur = f;
    for a in items {
        let name = match &a.name {
            Some(id) => id.name.clone(),
            None => {
                let cols = cur.column_names();
                match (&a.expr.kind, result_name(&a.expr)) {
                    // `extend Col` keeps the column as it is
                    (ExprKind::Name(n), _) if cols.contains(n) && !env.has_name(n, visible) => continue,
                    (_, Some(n)) => unique(&n, &cols),
                    (_, None) => next_column_name(&cols),
                }
            }
        };
        let ctx = Ctx::new(env, Some(&cur), visible);
        if !a.more_names.is_empty() {
            let vals = super::functions::call_multi(&a.expr, &ctx)?;
            let names: Vec<&Ident> = a.name.iter().chain(a.more_names.iter()).collect();
            if vals.len() != names.len() {
                return Err(KqlError::at(a.expr.span, format!("this gives {} values, but {} names are given", vals.len(), names.len())));
            }
            for (id, v) in names.into_iter().zip(vals) {
                cur = set_column(&cur, &id.name, v).map_err(|e| e.or_at(a.expr.span))?;
            }
            continue;
        }
        let v = eval(&a.expr, &ctx)?;
        cur = set_column(&cur, &name, v).map_err(|e| e.or_at(a.expr.span))?;
    }
    Ok(cur)
}

fn project(f: Frame, items: &[Assign], env: &Env, visible: usize) -> Result<Frame, KqlError> {
    let ctx = Ctx::new(env, Some(&f), visible);
    let mut names: Vec<String> = Vec::new();
    let mut cols: Vec<Column> = Vec::new();
    let mut kinds: Vec<LaType> = Vec::new();
    for a in items {
        let base = match &a.name {
            Some(id) => id.name.clone(),
            None => result_name(&a.expr).unwrap_or_else(|| next_column_name(&names)),
        };
        let name = unique(&base, &names);
        // a plain column keeps its exact type (int, guid …)
        let plain = match &a.expr.kind {
            ExprKind::Name(n) if !env.has_name(n, visible) => f.column(n).ok().map(|c| (c.clone(), f.la_type(n).unwrap_or(LaType::String))),
            _ => None,
        };
        let (col, la) = match plain {
            Some((c, la)) => (c.with_name(name.as_str().into()), la),
            None => eval(&a.expr, &ctx)?.into_col(f.height()).into_column(&name),
        };
        names.push(name);
        cols.push(col);
        kinds.push(la);
    }
    let df = DataFrame::new(f.height(), cols).map_err(perr("projecting"))?;
    let mut out = Frame::new(f.name.clone(), df);
    out.notes = f.notes.clone();
    for (n, k) in names.iter().zip(kinds) {
        out.set_la_type(n, k);
    }
    Ok(out)
}

// ----- sort -------------------------------------------------------------------------------------------------------

fn sort(f: Frame, keys: &[SortKey], env: &Env, visible: usize) -> Result<Frame, KqlError> {
    let ctx = Ctx::new(env, Some(&f), visible);
    let mut df = f.df().clone();
    let mut by = Vec::new();
    let mut temps = Vec::new();
    for (i, k) in keys.iter().enumerate() {
        match &k.expr.kind {
            ExprKind::Name(n) if f.column(n).is_ok() && !env.has_name(n, visible) => by.push(n.clone()),
            _ => {
                let name = format!("__kql_sort_{i}");
                let (col, _) = eval(&k.expr, &ctx)?.into_col(f.height()).into_column(&name);
                df.with_column(col).map_err(perr("sorting"))?;
                by.push(name.clone());
                temps.push(name);
            }
        }
    }
    let desc: Vec<bool> = keys.iter().map(|k| k.desc).collect();
    let nulls_last: Vec<bool> = keys.iter().map(|k| k.nulls_last.unwrap_or(k.desc)).collect();
    let mut sorted = df
        .sort(
            by,
            SortMultipleOptions::new()
                .with_order_descending_multi(desc)
                .with_nulls_last_multi(nulls_last)
                .with_maintain_order(true),
        )
        .map_err(perr("sorting"))?;
    for t in temps {
        sorted = sorted.drop(&t).map_err(perr("sorting"))?;
    }
    Ok(f.with_df(sorted))
}

/// For `top k`: only the rows that can be among the first `k` by the first key (its k-th best value or better,
/// ties kept), so the full sort runs on a few rows instead of the whole table. Number and datetime keys only.
fn top_candidates(f: Frame, by: &[SortKey], k: usize, env: &Env, visible: usize) -> Result<Frame, KqlError> {
    let n = f.height();
    let Some(first) = by.first() else { return Ok(f) };
    if k == 0 || n <= 2 * k + 64 || first.nulls_last != Some(true) {
        return Ok(f);
    }
    let ctx = Ctx::new(env, Some(&f), visible);
    let col = eval(&first.expr, &ctx)?.into_col(n);
    let mask = match &col {
        Col::Long(ca) | Col::DateTime(ca) | Col::Timespan(ca) => {
            let mut vals: Vec<i64> = ca.into_iter().flatten().collect();
            if vals.len() < k {
                return Ok(f);
            }
            let thr = if first.desc { *vals.select_nth_unstable_by(k - 1, |a, b| b.cmp(a)).1 } else { *vals.select_nth_unstable(k - 1).1 };
            if first.desc { ca.gt_eq(thr) } else { ca.lt_eq(thr) }
        }
        Col::Real(ca) => {
            let mut vals: Vec<f64> = ca.into_iter().flatten().collect();
            if vals.len() < k || vals.iter().any(|v| v.is_nan()) {
                return Ok(f);
            }
            let thr = if first.desc { *vals.select_nth_unstable_by(k - 1, |a, b| b.total_cmp(a)).1 } else { *vals.select_nth_unstable_by(k - 1, f64::total_cmp).1 };
            if first.desc { ca.gt_eq(thr) } else { ca.lt_eq(thr) }
        }
        _ => return Ok(f),
    };
    let mask = mask.fill_null_with_values(false).map_err(perr("top"))?;
    let df = f.df().filter(&mask).map_err(perr("top"))?;
    Ok(f.with_df(df))
}

// ----- summarize --------------------------------------------------------------------------------------------------

/// Which row of each group each row belongs to, by the key columns (first appearance order): the frame's dense
/// value codes (`column_codes`, one column after another combined with `combine_codes`), the grouping charts and
/// joins use too.
pub(super) fn make_groups(keys: &[Col], n: usize) -> Result<Groups, KqlError> {
    if keys.is_empty() {
        return Ok(Groups::single(n));
    }
    let coded = |k: &Col| {
        if k.len() != n {
            return Err(KqlError::msg(format!("grouping: a key has {} rows, the table {n}", k.len())));
        }
        let (col, _) = k.clone().into_column("k");
        column_codes(&col).map_err(|e| KqlError::msg(format!("grouping: {e}")))
    };
    let mut row_group = coded(&keys[0])?;
    for k in &keys[1..] {
        combine_codes(&mut row_group, &coded(k)?);
    }
    // codes are given in order of first appearance: a row whose code is the next new one starts its group
    let mut first_row = Vec::new();
    for (row, &g) in row_group.iter().enumerate() {
        if g as usize == first_row.len() {
            first_row.push(Some(row));
        }
    }
    Ok(Groups { row_group, n_groups: first_row.len(), first_row })
}

pub(super) fn is_agg_call(e: &Expr) -> bool {
    matches!(&e.kind, ExprKind::Call { name, .. } if aggregates::is_aggregate(name))
}

/// Replaces aggregation calls inside `e` by names `__agg{k}`, collecting them.
pub(super) fn lift_aggs(e: &Expr, found: &mut Vec<(String, Expr)>) -> Expr {
    if is_agg_call(e) {
        let name = format!("__kql_agg_{}", found.len());
        found.push((name.clone(), e.clone()));
        return Expr::new(ExprKind::Name(name), e.span);
    }
    let k = |x: &Expr, found: &mut Vec<(String, Expr)>| Box::new(lift_aggs(x, found));
    let kind = match &e.kind {
        ExprKind::Member(b, s) => ExprKind::Member(k(b, found), s.clone()),
        ExprKind::Index(b, i) => ExprKind::Index(k(b, found), k(i, found)),
        ExprKind::Neg(x) => ExprKind::Neg(k(x, found)),
        ExprKind::Binary(op, l, r) => ExprKind::Binary(*op, k(l, found), k(r, found)),
        ExprKind::In { expr, list, negated, case_insensitive } => ExprKind::In {
            expr: k(expr, found),
            list: list.iter().map(|x| lift_aggs(x, found)).collect(),
            negated: *negated,
            case_insensitive: *case_insensitive,
        },
        ExprKind::HasAny { expr, list, all } => ExprKind::HasAny {
            expr: k(expr, found),
            list: list.iter().map(|x| lift_aggs(x, found)).collect(),
            all: *all,
        },
        ExprKind::Between { expr, low, high, negated } => ExprKind::Between {
            expr: k(expr, found),
            low: k(low, found),
            high: k(high, found),
            negated: *negated,
        },
        ExprKind::Call { name, args } => ExprKind::Call { name: name.clone(), args: args.iter().map(|x| lift_aggs(x, found)).collect() },
        other => other.clone(),
    };
    Expr::new(kind, e.span)
}

fn summarize(f: &Frame, aggs: &[Assign], by: &[Assign], env: &Env, visible: usize) -> Result<Frame, KqlError> {
    let ctx = Ctx::new(env, Some(f), visible);
    // group keys
    let mut key_names: Vec<String> = Vec::new();
    let mut key_cols: Vec<Col> = Vec::new();
    let mut key_plain: Vec<Option<String>> = Vec::new();
    for b in by {
        if is_agg_call(&b.expr) {
            return Err(KqlError::at(b.expr.span, "an aggregation cannot be a 'by' key"));
        }
        let base = match &b.name {
            Some(id) => id.name.clone(),
            None => result_name(&b.expr).unwrap_or_else(|| next_column_name(&key_names)),
        };
        let plain = match &b.expr.kind {
            ExprKind::Name(n) if b.name.is_none() && !env.has_name(n, visible) && f.column(n).is_ok() => Some(n.clone()),
            _ => None,
        };
        key_names.push(unique(&base, &key_names));
        key_cols.push(eval(&b.expr, &ctx)?.into_col(f.height()));
        key_plain.push(plain);
    }
    let groups = make_groups(&key_cols, f.height())?;
    let first: IdxCa = groups.first_row.iter().map(|r| r.map(|r| r as IdxSize)).collect();

    // the key columns of the result
    let mut names: Vec<String> = Vec::new();
    let mut cols: Vec<Column> = Vec::new();
    let mut kinds: Vec<LaType> = Vec::new();
    for ((name, col), plain) in key_names.iter().zip(&key_cols).zip(&key_plain) {
        let (c, la) = match plain {
            Some(p) => {
                let src = f.column(p).map_err(|e| KqlError::msg(e.to_string()))?;
                let taken = src.as_materialized_series().take(&first).map_err(perr("grouping"))?;
                (taken.into_column(), f.la_type(p).unwrap_or(LaType::String))
            }
            None => col.take(&first)?.into_column(name),
        };
        names.push(name.clone());
        cols.push(c.with_name(name.as_str().into()));
        kinds.push(la);
    }

    // aggregations
    let mut key_frame: Option<Frame> = None;
    for a in aggs {
        if is_agg_call(&a.expr) {
            let ExprKind::Call { name: fname, args } = &a.expr.kind else { continue };
            let outs = aggregates::aggregate(fname, args, a.expr.span, &ctx, &groups, &key_names)?;
            let default = aggregates::default_name(fname, args);
            for (i, AggOut { name, col }) in outs.into_iter().enumerate() {
                let base = match (&a.name, i) {
                    (Some(id), 0) => id.name.clone(),
                    _ => name.or_else(|| default.clone()).unwrap_or_else(|| next_column_name(&names)),
                };
                let nm = unique(&base, &names);
                let (c, la) = col.into_column(&nm);
                names.push(nm);
                cols.push(c);
                kinds.push(la);
            }
            continue;
        }
        // an expression over aggregations: compute them, then the expression over the grouped rows
        let mut found = Vec::new();
        let rewritten = lift_aggs(&a.expr, &mut found);
        if found.is_empty() {
            return Err(not_an_aggregation(&a.expr, |n| env.has_name(n, visible)));
        }
        let base = key_frame.get_or_insert_with(|| {
            let df = DataFrame::new(groups.n_groups, cols[..key_names.len()].to_vec()).unwrap_or_default();
            let mut fr = Frame::new(f.name.clone(), df);
            for (n, k) in names.iter().zip(&kinds) {
                fr.set_la_type(n, *k);
            }
            fr
        });
        let mut grouped = base.clone();
        for (tmp, call) in &found {
            let ExprKind::Call { name: fname, args } = &call.kind else { continue };
            let mut outs = aggregates::aggregate(fname, args, call.span, &ctx, &groups, &key_names)?;
            let first_out = outs.remove(0);
            grouped = set_column(&grouped, tmp, Val::C(first_out.col))?;
        }
        let gctx = Ctx::new(env, Some(&grouped), visible);
        let v = eval(&rewritten, &gctx)?;
        let base_name = a.name.as_ref().map(|id| id.name.clone()).unwrap_or_else(|| next_column_name(&names));
        let nm = unique(&base_name, &names);
        let (c, la) = v.into_col(groups.n_groups).into_column(&nm);
        names.push(nm);
        cols.push(c);
        kinds.push(la);
    }
    let df = DataFrame::new(groups.n_groups, cols).map_err(perr("summarizing"))?;
    let mut out = Frame::new(f.name.clone(), df);
    out.notes = f.notes.clone();
    for (n, k) in names.iter().zip(kinds) {
        out.set_la_type(n, k);
    }
    Ok(out)
}

/// The error for a `summarize` item with no aggregation in it (`is_let`: whether a name is a let or parameter).
pub(super) fn not_an_aggregation(e: &Expr, is_let: impl Fn(&str) -> bool) -> KqlError {
    if let ExprKind::Call { name, .. } = &e.kind {
        if !super::functions::is_function(name) && !is_let(name) {
            let hint = closest(name, &aggregates::AGGREGATES.iter().map(|s| s.to_string()).collect::<Vec<_>>()).map(|s| format!(" (did you mean '{s}'?)")).unwrap_or_default();
            return KqlError::at(e.span, format!("unknown function '{name}': not an aggregation summarize knows{hint}"));
        }
    }
    KqlError::at(e.span, "summarize needs an aggregation here (count(), sum(x), dcount(x) …)")
}

// ----- union ------------------------------------------------------------------------------------------------------

fn union(mut frames: Vec<(String, Frame)>, spec: &UnionSpec, env: &Env, visible: usize) -> Result<Frame, KqlError> {
    // `Security*`: the loaded tables whose names match, in name order
    let mut tables: Vec<Expr> = Vec::new();
    for t in &spec.tables {
        match &t.kind {
            ExprKind::Name(n) if n.contains('*') => {
                let mut names: Vec<String> = env.tables.table_names().into_iter().filter(|name| glob(n, name)).collect();
                names.sort();
                tables.extend(names.into_iter().map(|name| Expr::new(ExprKind::Name(name), t.span)));
            }
            _ => tables.push(t.clone()),
        }
    }
    let mut first_err: Option<KqlError> = None;
    for (i, t) in tables.iter().enumerate() {
        match eval_tabular(t, env, visible) {
            Ok(f) => {
                let label = match &t.kind {
                    ExprKind::Name(n) => n.clone(),
                    _ => format!("union_arg{}", frames.len().max(i)),
                };
                frames.push((label, f));
            }
            Err(e) if spec.isfuzzy => {
                first_err.get_or_insert(e);
            }
            Err(e) => return Err(e),
        }
    }
    let Some((_, first)) = frames.first() else {
        // isfuzzy and every table missing: say why the first one failed
        return Err(first_err.unwrap_or_else(|| KqlError::msg("union of no tables")));
    };
    let name = first.name.clone();
    // a column whose type differs between tables becomes one column per type, `X_dynamic`, `X_string` …, as in Kusto
    let mut clashing: Vec<String> = Vec::new();
    for (i, (_, f)) in frames.iter().enumerate() {
        for c in f.column_names() {
            let ty = f.la_type(&c).ok();
            if !clashing.contains(&c) && frames[i + 1..].iter().any(|(_, g)| g.column(&c).is_ok() && g.la_type(&c).ok() != ty) {
                clashing.push(c);
            }
        }
    }
    for (_, f) in frames.iter_mut() {
        let pairs: Vec<(String, String)> = clashing
            .iter()
            .filter_map(|c| Some((c.clone(), format!("{c}_{}", f.la_type(c).ok()?.wire_name()))))
            .collect();
        if !pairs.is_empty() {
            *f = f.rename(&pairs).map_err(|e| KqlError::msg(format!("union: {e}")))?;
        }
    }
    // columns by name, in order of first appearance; kind=inner keeps only the shared ones
    let mut order: Vec<String> = Vec::new();
    for (_, f) in &frames {
        for c in f.column_names() {
            if !order.contains(&c) {
                order.push(c);
            }
        }
    }
    if spec.inner {
        order.retain(|c| frames.iter().all(|(_, f)| f.column(c).is_ok()));
    }
    if let Some(ws) = &spec.withsource {
        // the source column first: each table's label, as a column of its own
        for (label, f) in frames.iter_mut() {
            let h = f.height();
            let mut cols = vec![StringChunked::full(ws.as_str().into(), label, h).into_series().into_column()];
            cols.extend(f.df().columns().iter().filter(|c| c.name().as_str() != ws.as_str()).cloned());
            *f = f.with_df(DataFrame::new(h, cols).map_err(perr("union"))?);
        }
        order.retain(|c| c != ws);
        order.insert(0, ws.clone());
    }
    let refs: Vec<&Frame> = frames.iter().map(|(_, f)| f).collect();
    let mut out = crate::frame::concat::concat(&name, &refs, Some(&order)).map_err(|e| KqlError::msg(format!("union: {e}")))?;
    out.notes.clear();
    Ok(out)
}

// ----- mv-expand --------------------------------------------------------------------------------------------------

/// The expanded table, with the source row of each of its rows (in order).
fn mv_expand(f: Frame, items: &[MvItem], limit: Option<&Expr>, item_index: Option<&Ident>, env: &Env, visible: usize) -> Result<(Frame, Vec<IdxSize>), KqlError> {
    let ctx = Ctx::new(env, Some(&f), visible);
    let limit = match limit {
        Some(e) => count_arg(e, env, visible, "mv-expand limit")?,
        None => usize::MAX,
    };
    let h = f.height();
    let cols = (f.width() + items.len() + usize::from(item_index.is_some())) as u64;
    // the elements of each expanded value, per row
    let mut expanded: Vec<(String, Vec<Vec<Json>>, Option<String>)> = Vec::new();
    for (it, name) in items.iter().zip(mv_item_names(&f, items)) {
        let col = eval(&it.expr, &ctx)?.into_col(h);
        let text = match &col {
            Col::Dyn(t) | Col::Str(t) => t.clone(),
            other => {
                return Err(KqlError::at(it.expr.span, format!("mv-expand needs a dynamic array or bag, not a {} value", other.ty().name())));
            }
        };
        let mut rows: Vec<Vec<Json>> = Vec::with_capacity(h);
        for cell in text.into_iter() {
            let elements = match cell.map(dyn_parse).unwrap_or(Json::Null) {
                Json::Array(v) => v,
                Json::Object(m) => m.into_iter().map(|(k, v)| Json::Object(std::iter::once((k, v)).collect())).collect(),
                Json::Null => vec![Json::Null],
                other => vec![other],
            };
            // each element becomes a row of every column: charged as the rows are read, before they are built
            let made = (elements.len().min(limit) as u64).saturating_mul(cols).saturating_mul(super::guard::CELL);
            super::guard::charge("mv-expand", made, Some(it.expr.span))?;
            rows.push(elements);
        }
        expanded.push((name, rows, it.to_type.clone()));
    }
    let mut idx: Vec<IdxSize> = Vec::new();
    let mut pos: Vec<usize> = Vec::new();
    // every row made repeats its source row's text (a 1 MB string expanded 10,000 times is 10 GB to show)
    let text = row_text_bytes(f.df());
    let mut repeated = 0u64;
    for r in 0..h {
        let count = expanded.iter().map(|(_, rows, _)| rows[r].len()).max().unwrap_or(0).min(limit);
        repeated = repeated.saturating_add((count as u64).saturating_mul(text.get(r).copied().unwrap_or(0)));
        for k in 0..count {
            idx.push(r as IdxSize);
            pos.push(k);
        }
    }
    super::guard::charge("mv-expand", repeated, items.first().map(|it| it.expr.span))?;
    let idx_ca = IdxCa::from_vec("".into(), idx.clone());
    let df = f.df().take(&idx_ca).map_err(perr("mv-expand"))?;
    let mut out = f.with_df(df);
    for (name, rows, to_type) in expanded {
        let vals = Col::from_json(idx.iter().zip(&pos).map(|(&r, &k)| rows[r as usize].get(k).cloned().unwrap_or(Json::Null)));
        let v = match to_type.as_deref() {
            None | Some("dynamic") => vals,
            Some(t) => {
                let ty = super::value::type_named(t)
                    .map_err(|_| KqlError::msg(format!("unknown type '{t}' in mv-expand … to typeof()")))?;
                super::value::cast_to(&vals, ty)
            }
        };
        out = set_column(&out, &name, Val::C(v))?;
    }
    if let Some(id) = item_index {
        out = set_column(&out, &id.name, Val::C(Col::Long(pos.iter().map(|&k| Some(k as i64)).collect())))?;
    }
    Ok((out, idx))
}

/// The names `mv-expand` gives its items' columns: the given name, the column's or property's name, else the next
/// free `ColumnN` (`mv-expand split(x, ";")`).
fn mv_item_names(f: &Frame, items: &[MvItem]) -> Vec<String> {
    let mut taken = f.column_names();
    items
        .iter()
        .map(|it| {
            let name = it.name.as_ref().map(|id| id.name.clone()).or_else(|| result_name(&it.expr)).unwrap_or_else(|| next_column_name(&taken));
            taken.push(name.clone());
            name
        })
        .collect()
}

// ----- mv-apply ---------------------------------------------------------------------------------------------------

/// The hidden column that carries each expanded row's source row through a row-wise subquery.
const MV_APPLY_ROW: &str = "__kql_mv_apply_row";

/// Whether an operator works on each row alone (so the subquery can run once over every row's sub-table).
fn is_row_wise(op: &Op) -> bool {
    matches!(
        op.kind,
        OpKind::Where(_)
            | OpKind::Extend(_)
            | OpKind::Project(_)
            | OpKind::ProjectAway(_)
            | OpKind::ProjectKeep(_)
            | OpKind::ProjectReorder(_)
            | OpKind::ProjectRename(_)
            | OpKind::Parse(_)
            | OpKind::NoOp
    )
}

/// `mv-apply`: each row's arrays expanded into a sub-table (the row's other columns repeated, so the subquery can
/// read them), the subquery run on it, and the row's unexpanded columns put before each result row. A row whose
/// subquery gives no rows is dropped. A subquery of row-wise operators only (`where`, `extend`, `project` …) runs
/// once over all sub-tables, which gives the same rows.
#[allow(clippy::too_many_arguments)]
fn mv_apply(f: Frame, items: &[MvItem], limit: Option<&Expr>, item_index: Option<&Ident>, ops: &[Op], env: &Env, visible: usize) -> Result<Frame, KqlError> {
    let at = ops.first().map(|o| o.span).unwrap_or_default();
    super::guard::check(at)?;
    let mut expanded_names = mv_item_names(&f, items);
    if let Some(id) = item_index {
        expanded_names.push(id.name.clone());
    }
    let (expanded, rows) = mv_expand(f.clone(), items, limit, item_index, env, visible)?;
    let run_ops = |mut t: Frame| -> Result<Frame, KqlError> {
        for op in ops {
            t = apply(t, op, env, visible).map_err(|e| e.or_at(op.span))?;
        }
        Ok(t)
    };
    let (res, res_rows): (Frame, Vec<IdxSize>) = if ops.iter().all(is_row_wise) {
        let ids = Col::Long(rows.iter().map(|&r| Some(r as i64)).collect());
        let mut cur = set_column(&expanded, MV_APPLY_ROW, Val::C(ids))?;
        for op in ops {
            let ids = cur.column(MV_APPLY_ROW).map_err(|e| KqlError::msg(e.to_string()))?.clone();
            let mut next = apply(cur, op, env, visible).map_err(|e| e.or_at(op.span))?;
            if next.column(MV_APPLY_ROW).is_err() {
                // project and friends keep every row: the ids still line up
                let mut df = next.df().clone();
                df.with_column(ids).map_err(perr("mv-apply"))?;
                next = next.with_df(df);
            }
            cur = next;
        }
        let ids = cur.column(MV_APPLY_ROW).map_err(|e| KqlError::msg(e.to_string()))?;
        let ids: Vec<IdxSize> = ids.i64().map_err(perr("mv-apply"))?.into_iter().map(|v| v.unwrap_or(0) as IdxSize).collect();
        let keep: Vec<String> = cur.column_names().into_iter().filter(|c| c != MV_APPLY_ROW).collect();
        (select(&cur, &keep)?, ids)
    } else {
        // each source row's expanded rows are consecutive
        let mut parts: Vec<Frame> = Vec::new();
        let mut part_rows: Vec<IdxSize> = Vec::new();
        let mut start = 0usize;
        for r in 0..f.height() {
            let len = rows[start..].iter().take_while(|&&x| x as usize == r).count();
            let out = run_ops(expanded.slice(start, len))?;
            start += len;
            // the sub-tables' results are kept until they are put together: charged as they are made
            let made = (out.height() as u64).saturating_mul(out.width() as u64).saturating_mul(super::guard::CELL);
            super::guard::charge("mv-apply", made, Some(at))?;
            if out.height() > 0 || parts.is_empty() {
                part_rows.extend(std::iter::repeat_n(r as IdxSize, out.height()));
                if parts.len() == 1 && parts[0].height() == 0 {
                    parts.clear();
                }
                parts.push(out);
            }
        }
        if parts.is_empty() {
            // no rows: the subquery on an empty sub-table gives the columns
            parts.push(run_ops(expanded.slice(0, 0))?.head(0));
        }
        let refs: Vec<&Frame> = parts.iter().collect();
        let res = crate::frame::concat::concat(&f.name, &refs, None).map_err(|e| KqlError::msg(format!("mv-apply: {e}")))?;
        (res, part_rows)
    };
    // the row's columns that were not expanded, then the subquery's own
    let src_cols: Vec<String> = f.column_names().into_iter().filter(|c| !expanded_names.contains(c)).collect();
    let res_names = res.column_names();
    let width = (src_cols.len() + res_names.len()) as u64;
    super::guard::charge("mv-apply", (res.height() as u64).saturating_mul(width).saturating_mul(super::guard::CELL), Some(at))?;
    let idx = IdxCa::from_vec("".into(), res_rows);
    let mut names: Vec<String> = Vec::new();
    let mut cols: Vec<Column> = Vec::new();
    let mut kinds: Vec<LaType> = Vec::new();
    for c in &src_cols {
        let (col, la) = if res_names.contains(c) {
            (res.column(c).map_err(|e| KqlError::msg(e.to_string()))?.clone(), res.la_type(c).unwrap_or(LaType::String))
        } else {
            let src = f.column(c).map_err(|e| KqlError::msg(e.to_string()))?;
            (src.take(&idx).map_err(perr("mv-apply"))?, f.la_type(c).unwrap_or(LaType::String))
        };
        names.push(c.clone());
        cols.push(col);
        kinds.push(la);
    }
    for c in res_names.iter().filter(|c| !src_cols.contains(c)) {
        names.push(c.clone());
        cols.push(res.column(c).map_err(|e| KqlError::msg(e.to_string()))?.clone());
        kinds.push(res.la_type(c).unwrap_or(LaType::String));
    }
    let df = DataFrame::new(res.height(), cols).map_err(perr("mv-apply"))?;
    let mut out = Frame::new(f.name.clone(), df);
    out.notes = f.notes.clone();
    for (n, k) in names.iter().zip(kinds) {
        out.set_la_type(n, k);
    }
    Ok(out)
}

/// The bytes of text (string and dynamic cells) in each row of `df`.
fn row_text_bytes(df: &DataFrame) -> Vec<u64> {
    let mut bytes = vec![0u64; df.height()];
    for c in df.columns() {
        if let Ok(s) = c.str() {
            for (b, v) in bytes.iter_mut().zip(s) {
                *b += v.map_or(0, |v| v.len() as u64);
            }
        }
    }
    bytes
}

// ----- make-series ------------------------------------------------------------------------------------------------

/// The axis value of bin `b`.
type BinTick = Box<dyn Fn(u64) -> Json>;

/// Most cells (groups × bins) `make-series` makes.
const MAX_SERIES_CELLS: u64 = 5_000_000;

/// A constant of `make-series` (`from`, `to`, `step`, `default`).
fn series_const(e: &Expr, env: &Env, visible: usize) -> Result<super::value::Scalar, KqlError> {
    super::eval::eval_const(e, env, visible).map_err(|err| err.or_at(e.span))
}

fn make_series(f: &Frame, spec: &MakeSeries, env: &Env, visible: usize) -> Result<Frame, KqlError> {
    use super::value::Scalar as S;
    let ctx = Ctx::new(env, Some(f), visible);
    let n = f.height();
    let axis = eval(&spec.axis, &ctx)?.into_col(n);
    let axis_ty = axis.ty();
    let numeric = matches!(axis_ty, Ty::Long | Ty::Real);
    if !numeric && !matches!(axis_ty, Ty::DateTime | Ty::Timespan) {
        return Err(KqlError::at(spec.axis.span, format!("make-series needs a datetime, timespan or number axis, not {}", axis_ty.name())));
    }
    // axis values and bounds as f64 (numbers) or i64 (datetime/timespan nanoseconds)
    let as_num = |s: &S, e: &Expr| -> Result<f64, KqlError> {
        match s {
            S::Long(v) if numeric => Ok(*v as f64),
            S::Real(v) if numeric => Ok(*v),
            other => Err(KqlError::at(e.span, format!("'{}' does not fit a {} axis", other.to_text(), axis_ty.name()))),
        }
    };
    // datetime and timespan axes stay in exact i64 nanoseconds
    let as_int = |s: &S, e: &Expr| -> Result<i64, KqlError> {
        match s {
            S::DateTime(v) | S::Timespan(v) => Ok(*v),
            other => Err(KqlError::at(e.span, format!("'{}' does not fit a {} axis", other.to_text(), axis_ty.name()))),
        }
    };
    let step_s = series_const(&spec.step, env, visible)?;
    let from_s = spec.from.as_ref().map(|e| series_const(e, env, visible).map(|v| (v, e))).transpose()?;
    let to_s = spec.to.as_ref().map(|e| series_const(e, env, visible).map(|v| (v, e))).transpose()?;
    let end_inclusive = spec.to.is_none() || spec.to_inclusive;
    // bins: the first bin's start, the step, how many, and each row's bin
    let (n_bins, bins, tick): (u64, Vec<Option<u64>>, BinTick) = if numeric {
        let step = as_num(&step_s, &spec.step)?;
        if !(step.is_finite() && step > 0.0) {
            return Err(KqlError::at(spec.step.span, "make-series needs a step greater than zero"));
        }
        let values: Vec<Option<f64>> = axis.to_f64().into_iter().map(|v| v.filter(|x| x.is_finite())).collect();
        let start = match &from_s {
            Some((v, e)) => as_num(v, e)?,
            None => values.iter().flatten().copied().fold(f64::INFINITY, f64::min),
        };
        let end = match &to_s {
            Some((v, e)) => as_num(v, e)?,
            None => values.iter().flatten().copied().fold(f64::NEG_INFINITY, f64::max),
        };
        let n_bins = if start.is_finite() && end.is_finite() && end >= start {
            let span_bins = (end - start) / step;
            let n = if end_inclusive { span_bins.floor() + 1.0 } else { span_bins.ceil() };
            if n > MAX_SERIES_CELLS as f64 { MAX_SERIES_CELLS + 1 } else { n as u64 }
        } else {
            0
        };
        let bins = values
            .iter()
            .map(|v| {
                let v = (*v)?;
                let b = ((v - start) / step).floor();
                (b >= 0.0 && b < n_bins as f64).then_some(b as u64)
            })
            .collect();
        let whole = axis_ty == Ty::Long && step.fract() == 0.0 && start.fract() == 0.0;
        (n_bins, bins, Box::new(move |b: u64| if whole { (b as i64).checked_mul(step as i64).and_then(|x| x.checked_add(start as i64)).map_or_else(|| S::Real(start + b as f64 * step).to_json(), Json::from) } else { S::Real(start + b as f64 * step).to_json() }))
    } else {
        let step = as_int(&step_s, &spec.step).map_err(|_| KqlError::at(spec.step.span, "make-series on a datetime or timespan axis needs a timespan step"))?;
        if step <= 0 {
            return Err(KqlError::at(spec.step.span, "make-series needs a step greater than zero"));
        }
        let values: Vec<Option<i64>> = axis.to_i64_raw().into_iter().collect();
        let start = match &from_s {
            Some((v, e)) => as_int(v, e)?,
            None => values.iter().flatten().copied().min().unwrap_or(0),
        };
        let end = match &to_s {
            Some((v, e)) => Some(as_int(v, e)?),
            None => values.iter().flatten().copied().max(),
        };
        let n_bins: u64 = match end {
            Some(end) if end >= start => {
                let span = (end as i128 - start as i128) as u128;
                let step = step as u128;
                let n = if end_inclusive { span / step + 1 } else { span.div_ceil(step) };
                n.min(MAX_SERIES_CELLS as u128 + 1) as u64
            }
            _ => 0,
        };
        let bins = values
            .iter()
            .map(|v| {
                let v = (*v)?;
                if v < start {
                    return None;
                }
                let b = ((v as i128 - start as i128) / step as i128) as u128;
                (b < n_bins as u128).then_some(b as u64)
            })
            .collect();
        let is_dt = axis_ty == Ty::DateTime;
        (
            n_bins,
            bins,
            Box::new(move |b: u64| {
                let t = start.saturating_add((b as i64).saturating_mul(step));
                if is_dt { S::DateTime(t).to_json() } else { S::Timespan(t).to_json() }
            }),
        )
    };
    // rows inside the range
    let mask: BooleanChunked = bins.iter().map(|b| Some(b.is_some())).collect();
    let kept = f.df().filter(&mask).map_err(perr("make-series"))?;
    let kept = f.with_df(kept);
    let bins: Vec<u64> = bins.into_iter().flatten().collect();
    let kctx = Ctx::new(env, Some(&kept), visible);
    let m = kept.height();

    // groups by the keys, and by keys + bin
    let mut key_names: Vec<String> = Vec::new();
    let mut key_cols: Vec<Col> = Vec::new();
    for b in &spec.by {
        let base = match &b.name {
            Some(id) => id.name.clone(),
            None => result_name(&b.expr).unwrap_or_else(|| next_column_name(&key_names)),
        };
        key_names.push(unique(&base, &key_names));
        key_cols.push(eval(&b.expr, &kctx)?.into_col(m));
    }
    let outer = make_groups(&key_cols, m)?;
    let n_outer = if spec.by.is_empty() { 1 } else { outer.n_groups };
    if (n_outer as u64).saturating_mul(n_bins) > MAX_SERIES_CELLS {
        return Err(KqlError::at(spec.step.span, format!("make-series would make more than {MAX_SERIES_CELLS} values ({n_outer} series of {n_bins} bins)")));
    }
    super::guard::charge("make-series", (n_outer as u64).saturating_mul(n_bins).saturating_mul(super::guard::CELL), Some(spec.step.span))?;
    let mut inner_keys = key_cols.clone();
    inner_keys.push(Col::Long(bins.iter().map(|&b| Some(b as i64)).collect()));
    let inner = make_groups(&inner_keys, m)?;

    let mut names: Vec<String> = Vec::new();
    let mut cols: Vec<Column> = Vec::new();
    let mut kinds: Vec<LaType> = Vec::new();
    let first: IdxCa = outer.first_row.iter().map(|r| r.map(|r| r as IdxSize)).collect();
    if !spec.by.is_empty() {
        for (name, col) in key_names.iter().zip(&key_cols) {
            let (c, la) = col.take(&first)?.into_column(name);
            names.push(name.clone());
            cols.push(c);
            kinds.push(la);
        }
    }
    // where each inner group's value goes: (series, bin)
    let slots: Vec<Option<(usize, usize)>> = inner
        .first_row
        .iter()
        .map(|r| r.map(|r| (outer.row_group[r] as usize, bins[r] as usize)))
        .collect();
    for sa in &spec.aggs {
        let a = &sa.assign;
        let ExprKind::Call { name: fname, args } = &a.expr.kind else {
            return Err(KqlError::at(a.expr.span, "make-series needs an aggregation here (count(), sum(x), avg(x) …)"));
        };
        if !aggregates::is_aggregate(fname) {
            return Err(KqlError::at(a.expr.span, format!("'{fname}' is not an aggregation function")));
        }
        let outs = aggregates::aggregate(fname, args, a.expr.span, &kctx, &inner, &key_names)?;
        let Some(out) = outs.into_iter().next() else { continue };
        let default = match &sa.default {
            Some(e) => series_const(e, env, visible)?.to_json(),
            None => Json::from(0),
        };
        let mut series: Vec<Vec<Json>> = vec![vec![default; n_bins as usize]; n_outer];
        for (g, slot) in slots.iter().enumerate() {
            if let Some((o, b)) = slot {
                let v = out.col.get_json(g);
                if !v.is_null() {
                    if let Some(cell) = series.get_mut(*o).and_then(|s| s.get_mut(*b)) {
                        *cell = v;
                    }
                }
            }
        }
        let base = match &a.name {
            Some(id) => id.name.clone(),
            None => out.name.or_else(|| aggregates::default_name(fname, args)).unwrap_or_else(|| next_column_name(&names)),
        };
        let nm = unique(&base, &names);
        let (c, la) = Col::from_json(series.into_iter().map(Json::Array)).into_column(&nm);
        names.push(nm);
        cols.push(c);
        kinds.push(la);
    }
    // the axis: each bin's start
    let axis_name = unique(&result_name(&spec.axis).unwrap_or_else(|| "Column1".into()), &names);
    let ticks: Vec<Json> = (0..n_bins).map(&tick).collect();
    let (c, la) = Col::from_json((0..n_outer).map(|_| Json::Array(ticks.clone()))).into_column(&axis_name);
    names.push(axis_name);
    cols.push(c);
    kinds.push(la);
    let df = DataFrame::new(n_outer, cols).map_err(perr("make-series"))?;
    let mut out = Frame::new(f.name.clone(), df);
    out.notes = f.notes.clone();
    for (nm, k) in names.iter().zip(kinds) {
        out.set_la_type(nm, k);
    }
    Ok(out)
}

// ----- parse ------------------------------------------------------------------------------------------------------

/// Most columns one `parse` extracts.
const MAX_PARSE_COLUMNS: usize = 200;

/// The regex a `parse` pattern stands for, and the columns of its capture groups.
pub fn parse_pattern(spec: &ParseSpec) -> Result<(regex::Regex, Vec<(Ident, Ty)>), KqlError> {
    let mut re = String::from("(?s)");
    let anchored = spec.kind != ParseKind::Regex;
    if anchored {
        re.push_str("\\A");
    }
    let mut cols = Vec::new();
    let n = spec.parts.len();
    for (i, part) in spec.parts.iter().enumerate() {
        match part {
            ParsePart::Star => re.push_str(".*?"),
            ParsePart::Lit(text) if spec.kind == ParseKind::Regex => {
                re.push_str("(?:");
                re.push_str(text);
                re.push(')');
            }
            ParsePart::Lit(text) => re.push_str(&regex::escape(text)),
            ParsePart::Col(id, ty) => {
                let t = super::value::type_named(ty).map_err(|e| e.or_at(id.span))?;
                let last = i + 1 == n;
                let group = match t {
                    Ty::Long => r"([-+]?\d+)",
                    Ty::Real => r"([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)",
                    _ if last => "(.*)",
                    _ => "(.*?)",
                };
                re.push_str(group);
                cols.push((id.clone(), t));
            }
        }
    }
    if anchored {
        // a pattern that ends with a column takes the rest of the text; otherwise the text must end there too
        re.push_str("\\z");
    }
    if cols.len() > MAX_PARSE_COLUMNS {
        return Err(KqlError::msg(format!("parse extracts at most {MAX_PARSE_COLUMNS} columns")));
    }
    let compiled = super::strings::compile_regex(&re)?;
    Ok((compiled, cols))
}

fn parse_op(f: Frame, spec: &ParseSpec, env: &Env, visible: usize) -> Result<Frame, KqlError> {
    let ctx = Ctx::new(env, Some(&f), visible);
    let n = f.height();
    let text = eval(&spec.expr, &ctx)?.into_col(n).to_str();
    let (re, cols) = parse_pattern(spec)?;
    let mut values: Vec<Vec<Option<String>>> = vec![Vec::with_capacity(n); cols.len()];
    let mut matched: Vec<bool> = Vec::with_capacity(n);
    for t in text.into_iter() {
        let caps = t.and_then(|t| re.captures(t));
        matched.push(caps.is_some());
        for (k, v) in values.iter_mut().enumerate() {
            v.push(caps.as_ref().and_then(|c| c.get(k + 1)).map(|m| m.as_str().to_string()));
        }
    }
    let mut out = f;
    for ((id, ty), vals) in cols.iter().zip(values) {
        // a string column of a row that does not match is empty (Kusto's strings are never null)
        let strs: StringChunked = if *ty == Ty::Str {
            vals.into_iter().map(|v| Some(v.unwrap_or_default())).collect()
        } else {
            vals.into_iter().collect()
        };
        let col = super::value::cast_to(&Col::Str(strs), *ty);
        out = set_column(&out, &id.name, Val::C(col))?;
    }
    if spec.drop_unmatched {
        let mask: BooleanChunked = matched.into_iter().map(Some).collect();
        let df = out.df().filter(&mask).map_err(perr("parse-where"))?;
        out = out.with_df(df);
    }
    Ok(out)
}

// ----- join and lookup ----------------------------------------------------------------------------------------------
//
// Both run on the frame join's core ([`crate::frame::join::KeyMatch`]); what is Kusto's own here is how keys compare
// (below), the nine join kinds, and the naming of the right side's columns (`Key` → `Key1`).

/// One key column pair as columns the frame join can match, with Kusto's comparison: keys of different types (other
/// than two numbers) and text or dynamic keys compare as text, where null text is the empty string; numbers compare as
/// reals if either is real; other keys by their raw values (datetimes and timespans in ns).
fn kusto_keys(l: &Col, r: &Col) -> (Column, Column) {
    let (lt, rt) = (l.ty(), r.ty());
    let text = lt != rt && !(lt.is_numeric() && rt.is_numeric()) || matches!(lt, Ty::Str | Ty::Dyn) || matches!(rt, Ty::Str | Ty::Dyn);
    let real = !text && (lt == Ty::Real || rt == Ty::Real);
    let conv = |c: &Col| -> Column {
        let s = if text {
            let t = c.to_str();
            let t = if t.null_count() > 0 { t.iter().map(|v| Some(v.unwrap_or(""))).collect() } else { t };
            t.into_series()
        } else if real {
            c.to_f64().into_series()
        } else if let Col::Bool(b) = c {
            b.clone().into_series()
        } else {
            c.to_i64_raw().into_series()
        };
        s.into_column()
    };
    (conv(l), conv(r))
}

fn column_of(f: &Frame, name: &Ident, side: &str, what: &str) -> Result<Col, KqlError> {
    let c = f.column(&name.name).map_err(|_| no_key_column(&f.column_names(), name, side, what))?;
    Col::from_column(c, f.la_type(&name.name).unwrap_or(LaType::String))
}

/// "the left side of the join has no column 'X' (did you mean …)"
pub(super) fn no_key_column(cols: &[String], name: &Ident, side: &str, what: &str) -> KqlError {
    let hint = closest(&name.name, cols).map(|s| format!(" (did you mean '{s}'?)")).unwrap_or_default();
    KqlError::at(name.span, format!("the {side} side of the {what} has no column '{}'{hint}", name.name))
}

/// Which rows of `left` and `right` have equal keys `on`, compared as Kusto does.
fn key_match(left: &Frame, right: &Frame, on: &[JoinKey], what: &str) -> Result<KeyMatch, KqlError> {
    let mut lkeys = Vec::with_capacity(on.len());
    let mut rkeys = Vec::with_capacity(on.len());
    for k in on {
        let (l, r) = kusto_keys(&column_of(left, &k.left, "left", what)?, &column_of(right, &k.right, "right", what)?);
        lkeys.push(l);
        rkeys.push(r);
    }
    let (lrefs, rrefs): (Vec<&Column>, Vec<&Column>) = (lkeys.iter().collect(), rkeys.iter().collect());
    KeyMatch::new(&lrefs, &rrefs, false).map_err(|e| KqlError::msg(e.to_string()))
}

/// The rows `rows` of `f`.
fn take_rows(f: &Frame, rows: impl Iterator<Item = usize>) -> Result<Frame, KqlError> {
    let idx: IdxCa = rows.map(|r| r as IdxSize).collect_ca("".into());
    let df = f.df().take(&idx).map_err(perr("join"))?;
    Ok(f.with_df(df))
}

/// `columns` of `left` and `right` at `pairs`, the right ones renamed where their names are taken (`Key` → `Key1`).
fn joined(left: &Frame, right: &Frame, pairs: &RowPairs, right_columns: Vec<String>) -> Result<Frame, KqlError> {
    let mut names = left.column_names();
    let mut columns: Vec<(Source, String)> = names.iter().map(|n| (Source::Left(n.clone()), n.clone())).collect();
    for c in right_columns {
        let nm = unique(&c, &names);
        names.push(nm.clone());
        columns.push((Source::Right(c), nm));
    }
    assemble(left, right, pairs, &columns).map_err(|e| KqlError::msg(e.to_string()))
}

/// `lookup`: a left-outer (or inner) join that adds the right table's non-key columns; the keys appear once.
fn lookup(left: Frame, right: Frame, inner: bool, on: &[JoinKey]) -> Result<Frame, KqlError> {
    let matched = key_match(&left, &right, on, "lookup")?;
    let rows: Vec<usize> = (0..left.height()).collect();
    charge_pairs("lookup", &rows, &left, &right, &matched)?;
    let how = if inner { JoinHow::Inner } else { JoinHow::Left };
    let pairs = matched.pairs(how, 0..left.height()).map_err(|e| KqlError::msg(e.to_string()))?;
    let keys: Vec<&str> = on.iter().map(|k| k.right.name.as_str()).collect();
    let rest = right.column_names().into_iter().filter(|c| !keys.contains(&c.as_str())).collect();
    joined(&left, &right, &pairs, rest)
}

/// `join kind=…`: Kusto's nine kinds on the frame join's key matching.
/// Charges the output budget for the most rows a join of `left` and `right` can make (every matching pair plus
/// every unmatched row), before the pairs are built.
fn charge_pairs(what: &str, rows: &[usize], left: &Frame, right: &Frame, matched: &KeyMatch) -> Result<(), KqlError> {
    let pairs = rows.iter().map(|&i| matched.matches(i).len() as u64).fold(0u64, u64::saturating_add);
    let rows = pairs.saturating_add(left.height() as u64).saturating_add(right.height() as u64);
    let cols = (left.width() + right.width()) as u64;
    super::guard::charge(what, rows.saturating_mul(cols).saturating_mul(super::guard::CELL), None)
}

fn join(left: Frame, right: Frame, kind: JoinKind, on: &[JoinKey]) -> Result<Frame, KqlError> {
    let matched = key_match(&left, &right, on, "join")?;
    let how = match kind {
        JoinKind::LeftSemi | JoinKind::LeftAnti => {
            let want = kind == JoinKind::LeftSemi;
            return take_rows(&left, (0..left.height()).filter(|&i| matched.matches(i).is_empty() != want));
        }
        JoinKind::RightSemi | JoinKind::RightAnti => {
            let want = kind == JoinKind::RightSemi;
            return take_rows(&right, (0..right.height()).filter(|&r| matched.right_matched(r) == want));
        }
        JoinKind::InnerUnique | JoinKind::Inner => JoinHow::Inner,
        JoinKind::LeftOuter => JoinHow::Left,
        JoinKind::RightOuter => JoinHow::Right,
        JoinKind::FullOuter => JoinHow::Outer,
    };
    let rows: Vec<usize> = if kind == JoinKind::InnerUnique {
        // innerunique: the first left row of each key only
        let mut seen = vec![false; matched.key_count()];
        (0..left.height())
            .filter(|&i| matched.left_key(i).is_some_and(|k| !std::mem::replace(&mut seen[k], true)))
            .collect()
    } else {
        (0..left.height()).collect()
    };
    charge_pairs("join", &rows, &left, &right, &matched)?;
    let pairs = matched.pairs(how, rows.iter().copied()).map_err(|e| KqlError::msg(e.to_string()))?;
    joined(&left, &right, &pairs, right.column_names())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob("Tenant*", "TenantId"));
        assert!(glob("*Id", "TenantId"));
        assert!(glob("*", "x"));
        assert!(glob("a*c*e", "abcde"));
        assert!(!glob("a*c*e", "abcd"));
        assert!(!glob("Tenant*", "Tenan"));
    }
}
