//! `evaluate` plugins that run on local tables: `bag_unpack`, `pivot`, `basket`, `autocluster` and `narrow` (and Sentinel's
//! `_GetWatchlist`). Another plugin is a parse error that names
//! it and lists these (see `parser::EVALUATE_PLUGINS`).

use std::collections::HashMap;

use polars::prelude::*;
use serde_json::Value as Json;

use super::aggregates::{self, Groups};
use super::ast::*;
use super::eval::{eval, Ctx, Env};
use super::exec::{is_agg_call, make_groups, select, set_column, unknown_column};
use super::names::{next_column_name, unique};
use super::value::{dyn_parse, Col, Val};
use super::KqlError;
use crate::frame::{Frame, LaType};

// ----- bag_unpack ---------------------------------------------------------------------------------------------------

/// Most columns `bag_unpack` or `pivot` makes.
pub(super) const MAX_PLUGIN_COLUMNS: usize = 10_000;

/// `evaluate bag_unpack(Column [, OutputColumnPrefix] [, columnsConflict] [, ignoredProperties])`: the bag column
/// replaced by a dynamic column for each of its keys (in order of first appearance, prefixed); a row without the
/// key, or whose value is not a bag, has null there. A key that names an existing column is an error unless
/// `columnsConflict` is `'replace_source'` (the key's column wins) or `'keep_source'` (the table's wins).
pub(super) fn bag_unpack(f: Frame, args: &[Expr], span: Span, env: &Env, visible: usize) -> Result<Frame, KqlError> {
    let Some(col_expr) = args.first() else {
        return Err(KqlError::at(span, "bag_unpack() needs the column to unpack"));
    };
    if args.len() > 4 {
        return Err(KqlError::at(span, "bag_unpack() takes 1 to 4 argument(s)"));
    }
    let konst = |i: usize| -> Result<super::value::Scalar, KqlError> {
        match args.get(i) {
            Some(e) => super::eval::eval_const(e, env, visible).map_err(|err| err.or_at(e.span)),
            None => Ok(super::value::Scalar::Null),
        }
    };
    let prefix = konst(1)?.to_text();
    let conflict = match konst(2)? {
        super::value::Scalar::Null => "error".to_string(),
        s => s.to_text(),
    };
    if !matches!(conflict.as_str(), "error" | "replace_source" | "keep_source") {
        return Err(KqlError::at(args[2].span, format!("columnsConflict must be 'error', 'replace_source' or 'keep_source', not '{conflict}'")));
    }
    let ignored: Vec<String> = match konst(3)? {
        super::value::Scalar::Null => Vec::new(),
        super::value::Scalar::Dyn(Json::Array(v)) => v.iter().map(super::value::json_to_text).collect(),
        other => vec![other.to_text()],
    };
    let ctx = Ctx::new(env, Some(&f), visible);
    let h = f.height();
    let bags: Vec<Option<serde_json::Map<String, Json>>> = eval(col_expr, &ctx)?
        .into_col(h)
        .to_dyn()
        .into_iter()
        .map(|c| match c.map(dyn_parse) {
            Some(Json::Object(m)) => Some(m),
            _ => None,
        })
        .collect();
    let mut keys: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for m in bags.iter().flatten() {
        for k in m.keys() {
            if !ignored.contains(k) && seen.insert(k.clone()) {
                keys.push(k.clone());
                if keys.len() > MAX_PLUGIN_COLUMNS {
                    return Err(KqlError::at(span, format!("bag_unpack would make more than {MAX_PLUGIN_COLUMNS} columns")));
                }
            }
        }
    }
    super::guard::charge("bag_unpack", (h as u64).saturating_mul(keys.len() as u64).saturating_mul(super::guard::CELL), Some(span))?;
    // the unpacked column goes away when it is a plain column
    let mut out = match &col_expr.kind {
        ExprKind::Name(n) if f.column(n).is_ok() && !env.has_name(n, visible) => {
            let keep: Vec<String> = f.column_names().into_iter().filter(|c| c != n).collect();
            select(&f, &keep)?
        }
        _ => f.clone(),
    };
    for k in keys {
        let name = format!("{prefix}{k}");
        if out.column(&name).is_ok() {
            match conflict.as_str() {
                "keep_source" => continue,
                "replace_source" => {}
                _ => {
                    return Err(KqlError::at(span, format!("bag_unpack: the key '{k}' names an existing column '{name}' (use columnsConflict='replace_source' or 'keep_source', or a prefix)")));
                }
            }
        }
        let vals = Col::from_json(bags.iter().map(|b| b.as_ref().and_then(|m| m.get(&k)).cloned().unwrap_or(Json::Null)));
        out = set_column(&out, &name, Val::C(vals))?;
    }
    Ok(out)
}


// ----- pivot --------------------------------------------------------------------------------------------------------

/// Most cells (rows × pivoted columns) `pivot` makes.
const MAX_PIVOT_CELLS: u64 = 5_000_000;

/// The column names an expression reads (for pivot's default keys: every column but the pivoted and aggregated ones).
fn names_read(e: &Expr, out: &mut Vec<String>) {
    match &e.kind {
        ExprKind::Name(n) => out.push(n.clone()),
        ExprKind::Member(b, _) | ExprKind::Neg(b) | ExprKind::NamedArg(_, b) => names_read(b, out),
        ExprKind::Index(a, b) | ExprKind::Binary(_, a, b) => {
            names_read(a, out);
            names_read(b, out);
        }
        ExprKind::In { expr, list, .. } | ExprKind::HasAny { expr, list, .. } => {
            names_read(expr, out);
            list.iter().for_each(|x| names_read(x, out));
        }
        ExprKind::Between { expr, low, high, .. } => {
            names_read(expr, out);
            names_read(low, out);
            names_read(high, out);
        }
        ExprKind::Call { args, .. } => args.iter().for_each(|x| names_read(x, out)),
        _ => {}
    }
}

/// `evaluate pivot(PivotColumn [, agg(expr)] [, Key1, Key2 …])`: one row per distinct key combination (in order of
/// first appearance) with the keys, then one column per distinct value of `PivotColumn` (named by its text, in
/// order of first appearance) holding the aggregation (`count()` when not given) over the key's rows with that
/// value. A combination without such rows gets the aggregation's value over no rows (0 for count/dcount/sum, `[]`
/// for make_list/make_set, null otherwise). Without keys, every column but the pivoted one and those the
/// aggregation reads is a key.
pub(super) fn pivot(f: Frame, args: &[Expr], span: Span, env: &Env, visible: usize) -> Result<Frame, KqlError> {
    let Some(pivot_expr) = args.first() else {
        return Err(KqlError::at(span, "pivot() needs the column to pivot"));
    };
    let count_call = Expr::new(ExprKind::Call { name: "count".into(), args: Vec::new() }, span);
    let (agg, keys) = match args.get(1) {
        Some(e) if is_agg_call(e) => (e, &args[2..]),
        Some(e) if matches!(&e.kind, ExprKind::Call { .. }) => {
            return Err(KqlError::at(e.span, "the second argument of pivot() must be an aggregation (count(), sum(x), take_any(x) …) or a key column"));
        }
        _ => (&count_call, &args[1..]),
    };
    let ExprKind::Call { name: fname, args: agg_args } = &agg.kind else {
        return Err(KqlError::at(agg.span, "pivot() needs an aggregation"));
    };
    let key_names: Vec<String> = if keys.is_empty() {
        let mut read = Vec::new();
        names_read(pivot_expr, &mut read);
        names_read(agg, &mut read);
        f.column_names().into_iter().filter(|c| !read.contains(c)).collect()
    } else {
        let mut out = Vec::new();
        for k in keys {
            let ExprKind::Name(n) = &k.kind else {
                return Err(KqlError::at(k.span, "pivot() groups by column names; this is not one"));
            };
            if f.column(n).is_err() {
                return Err(unknown_column(&f, n, k.span));
            }
            out.push(n.clone());
        }
        out
    };
    let n = f.height();
    let ctx = Ctx::new(env, Some(&f), visible);
    let la = |c: &str| f.la_type(c).unwrap_or(LaType::String);
    let mut key_cols = Vec::with_capacity(key_names.len());
    for k in &key_names {
        let c = f.column(k).map_err(|e| KqlError::msg(e.to_string()))?;
        key_cols.push(Col::from_column(c, la(k))?);
    }
    let outer = make_groups(&key_cols, n)?;

    // the pivoted values, by first appearance (null reads as empty text)
    let texts = eval(pivot_expr, &ctx)?.into_col(n).to_str();
    let mut values: Vec<String> = Vec::new();
    let mut index: HashMap<String, u32> = HashMap::new();
    let mut value_of_row: Vec<u32> = Vec::with_capacity(n);
    for t in texts.into_iter() {
        let t = t.unwrap_or("");
        let i = match index.get(t) {
            Some(i) => *i,
            None => {
                if values.len() >= MAX_PLUGIN_COLUMNS {
                    return Err(KqlError::at(pivot_expr.span, format!("pivot would make more than {MAX_PLUGIN_COLUMNS} columns")));
                }
                let i = values.len() as u32;
                index.insert(t.to_string(), i);
                values.push(t.to_string());
                i
            }
        };
        value_of_row.push(i);
    }
    let (rows, p) = (outer.n_groups, values.len());
    let cells = (rows as u64).saturating_mul(p as u64);
    if cells > MAX_PIVOT_CELLS {
        return Err(KqlError::at(span, format!("pivot would make more than {MAX_PIVOT_CELLS} cells ({rows} rows of {p} columns)")));
    }
    super::guard::charge("pivot", cells.saturating_mul(super::guard::CELL), Some(span))?;

    // one group per (key row, pivoted value); an empty one gets the aggregation's value over no rows
    let mut first_row: Vec<Option<usize>> = vec![None; rows * p];
    let mut row_group: Vec<u32> = Vec::with_capacity(n);
    for (r, (&g, &v)) in outer.row_group.iter().zip(&value_of_row).enumerate() {
        let cell = g as usize * p + v as usize;
        if let Some(slot @ None) = first_row.get_mut(cell) {
            *slot = Some(r);
        }
        row_group.push(cell as u32);
    }
    let inner = Groups { row_group, n_groups: rows * p, first_row };
    let out = aggregates::aggregate(fname, agg_args, agg.span, &ctx, &inner, &key_names)?;
    let Some(agg_out) = out.into_iter().next() else {
        return Err(KqlError::at(agg.span, "the aggregation gave no values"));
    };

    let first: IdxCa = outer.first_row.iter().map(|r| r.map(|r| r as IdxSize)).collect();
    let mut names: Vec<String> = Vec::new();
    let mut cols: Vec<Column> = Vec::new();
    let mut kinds: Vec<LaType> = Vec::new();
    for k in &key_names {
        let src = f.column(k).map_err(|e| KqlError::msg(e.to_string()))?;
        let taken = src.as_materialized_series().take(&first).map_err(|e| KqlError::msg(format!("pivot: {e}")))?;
        names.push(k.clone());
        cols.push(taken.into_column());
        kinds.push(la(k));
    }
    for (v, text) in values.iter().enumerate() {
        let base = if text.is_empty() { next_column_name(&names) } else { text.clone() };
        let name = unique(&base, &names);
        let idx: IdxCa = (0..rows).map(|g| Some((g * p + v) as IdxSize)).collect();
        let (c, k) = agg_out.col.take(&idx)?.into_column(&name);
        names.push(name);
        cols.push(c);
        kinds.push(k);
    }
    let df = DataFrame::new(rows, cols).map_err(|e| KqlError::msg(format!("pivot: {e}")))?;
    let mut res = Frame::new(f.name.clone(), df);
    res.notes = f.notes.clone();
    for (nm, k) in names.iter().zip(kinds) {
        res.set_la_type(nm, k);
    }
    Ok(res)
}

// ----- _GetWatchlist ------------------------------------------------------------------------------------------------

/// Sentinel's `_GetWatchlist('alias')`: from the `Watchlist` table, the latest version (by `_DTTimestamp`) of each
/// item (`_DTItemId`) of the watchlist, unless that version deletes it, as `_DTItemId`, `LastUpdatedTimeUTC`,
/// `SearchKey` (string), `WatchlistItem` and a column for each of the item's fields. Without a `Watchlist` table
/// it fails naming it.
#[inline(never)] // kept out of the recursive eval_tabular/apply frames (deep queries' stack)
pub(super) fn get_watchlist(alias: &str, env: &Env, span: Span) -> Result<Frame, KqlError> {
    if alias.chars().any(|c| c.is_control() || c == '"' || c == '\\') {
        return Err(KqlError::at(span, "_GetWatchlist: the alias has a quote, backslash or control character"));
    }
    let text = format!(
        "Watchlist | where TimeGenerated < now() and _DTItemType == 'watchlist-item' and WatchlistAlias == \"{alias}\" \
         | summarize arg_max(_DTTimestamp, *) by _DTItemId | where _DTItemStatus != 'Delete' \
         | project _DTItemId, LastUpdatedTimeUTC, SearchKey = tostring(SearchKey), WatchlistItem, _Item = WatchlistItem \
         | evaluate bag_unpack(_Item, columnsConflict='keep_source')"
    );
    let fail = |e: KqlError| KqlError::at(span, format!("_GetWatchlist('{alias}'): {}", e.msg));
    let q = super::parser::parse_query(&text).map_err(fail)?;
    let inner = Env::new(env.tables, env.now_ns, &q.lets);
    super::exec::run(&q, &inner).map_err(fail)
}

// ----- basket and autocluster ---------------------------------------------------------------------------------------

/// Most patterns `basket`/`autocluster` consider, and most columns they read.
const MAX_PATTERNS: usize = 20_000;
const MAX_PATTERN_COLUMNS: usize = 64;

/// `evaluate basket([Threshold])` (Apriori, up to 5 columns a pattern) and `evaluate autocluster([SizeWeight])`:
/// rows `SegmentId`, `Count`, `Percent`, then each column holding the pattern's value or the wildcard (null; `""`
/// for a string column). basket gives every closed frequent pattern (no pattern with one more column has the same
/// count) of at least `Threshold` (0.05) of the rows, most frequent first. autocluster picks from those (at 0.05)
/// greedily the pattern scoring best on (rows it newly covers / rows)^SizeWeight × (its columns / columns)^(1 −
/// SizeWeight) (SizeWeight 0.5), until none newly covers 5 % of the rows (Kusto's own choice is not documented and
/// may differ). Weight columns, MaxDimensions and custom wildcards are not supported.
#[inline(never)] // kept out of the recursive eval_tabular/apply frames (deep queries' stack)
pub(super) fn basket(f: Frame, args: &[Expr], span: Span, env: &Env, visible: usize, auto: bool) -> Result<Frame, KqlError> {
    let what = if auto { "autocluster" } else { "basket" };
    if args.len() > 1 {
        return Err(KqlError::at(span, format!("{what}() takes only its first argument here ({})", if auto { "SizeWeight" } else { "Threshold" })));
    }
    let arg = match args.first() {
        Some(e) => super::eval::eval_const(e, env, visible)?.to_text().parse::<f64>().ok().filter(|x| (0.0..=1.0).contains(x))
            .ok_or_else(|| KqlError::at(e.span, format!("the first argument of {what}() must be a number from 0 to 1")))?,
        None if auto => 0.5,
        None => 0.05,
    };
    let names = f.column_names();
    if names.len() > MAX_PATTERN_COLUMNS {
        return Err(KqlError::at(span, format!("{what} reads at most {MAX_PATTERN_COLUMNS} columns; project the ones to look at")));
    }
    let n = f.height();
    super::guard::charge(what, (n as u64).saturating_mul(names.len() as u64).saturating_mul(super::guard::CELL), Some(span))?;
    let cols: Vec<Col> = names.iter().map(|c| Col::from_column(f.df().column(c).unwrap(), f.la_type(c).unwrap_or(LaType::String))).collect::<Result<_, _>>()?;
    // each cell as the number of its distinct value in its column
    let codes: Vec<Vec<u32>> = cols.iter().map(|c| {
        let mut ids: HashMap<String, u32> = HashMap::new();
        (0..n).map(|i| { let k = format!("{:?}", c.get(i)); let l = ids.len() as u32; *ids.entry(k).or_insert(l) }).collect()
    }).collect();
    let min = ((if auto { 0.05 } else { arg }) * n as f64).ceil().max(1.0) as usize;
    // Apriori: a pattern is (column, value) pairs in column order, with the rows it matches
    type Pattern = (Vec<(usize, u32)>, Vec<u32>);
    let mut level: Vec<Pattern> = Vec::new();
    for (c, cc) in codes.iter().enumerate() {
        let mut by: HashMap<u32, Vec<u32>> = HashMap::new();
        (0..n).for_each(|i| by.entry(cc[i]).or_default().push(i as u32));
        let mut items: Vec<_> = by.into_iter().filter(|(_, r)| r.len() >= min).map(|(v, r)| (vec![(c, v)], r)).collect();
        items.sort_by_key(|(p, _)| p[0].1);
        level.extend(items);
    }
    let singles: Vec<(usize, u32)> = level.iter().map(|(p, _)| p[0]).collect();
    let mut found = Vec::new();
    while !level.is_empty() {
        let mut next = Vec::new();
        for (p, rows) in &level {
            if p.len() < 5 {
                for &(c, v) in singles.iter().filter(|(c, _)| *c > p[p.len() - 1].0) {
                    let r: Vec<u32> = rows.iter().copied().filter(|&i| codes[c][i as usize] == v).collect();
                    if r.len() >= min {
                        next.push(([p.as_slice(), &[(c, v)]].concat(), r));
                    }
                }
            }
            if found.len() + next.len() > MAX_PATTERNS {
                return Err(KqlError::at(span, format!("{what} found more than {MAX_PATTERNS} patterns; raise the threshold or project fewer columns")));
            }
        }
        // closed: no column outside the pattern is constant over its rows (with 5 columns, as many as a pattern has)
        found.extend(level.into_iter().filter(|(p, rows)| {
            p.len() == 5 || !(0..codes.len()).any(|c| !p.iter().any(|x| x.0 == c) && rows.iter().all(|&i| codes[c][i as usize] == codes[c][rows[0] as usize]))
        }));
        level = next;
    }
    found.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.len().cmp(&b.0.len())).then(a.0.cmp(&b.0)));
    if auto {
        let (mut covered, mut picked) = (vec![false; n], Vec::new());
        loop {
            let score = |(p, rows): &(Vec<(usize, u32)>, Vec<u32>)| {
                let new = rows.iter().filter(|&&i| !covered[i as usize]).count();
                (new, (new as f64 / n as f64).powf(arg) * (p.len() as f64 / names.len() as f64).powf(1.0 - arg))
            };
            let best = found.iter().enumerate().map(|(i, s)| (i, score(s))).filter(|(_, (new, _))| *new >= min)
                .fold(None, |b: Option<(usize, f64)>, (i, (_, s))| if b.is_none_or(|b| s > b.1) { Some((i, s)) } else { b });
            let Some((i, _)) = best else { break };
            let s = found.remove(i);
            s.1.iter().for_each(|&r| covered[r as usize] = true);
            picked.push(s);
        }
        found = picked;
    }
    let m = found.len();
    let seg = Val::C(Col::Long((0..m as i64).map(Some).collect()));
    let count = Val::C(Col::Long(found.iter().map(|s| Some(s.1.len() as i64)).collect()));
    let pct = Val::C(Col::Real(found.iter().map(|s| Some(s.1.len() as f64 * 100.0 / n as f64)).collect()));
    let idx0: IdxCa = (0..m).map(|_| Some(0 as IdxSize)).collect();
    let mut out = f.with_df(f.df().take(&idx0).map_err(|e| KqlError::at(span, e.to_string()))?);
    for (c, name) in names.iter().enumerate() {
        let idx: IdxCa = found.iter().map(|(p, rows)| p.iter().any(|x| x.0 == c).then_some(rows[0] as IdxSize)).collect();
        let mut v = cols[c].take(&idx)?;
        if let Col::Str(_) = v {
            v = super::value::select(&idx.is_not_null(), &v, &Col::full(&super::value::Scalar::Str(String::new()), m))?;
        }
        out = set_column(&out, name, Val::C(v))?;
    }
    for (name, v) in [("SegmentId", seg), ("Count", count), ("Percent", pct)] {
        out = set_column(&out, &unique(name, &names), v)?;
    }
    let order: Vec<String> = out.column_names().into_iter().rev().take(3).collect::<Vec<_>>().into_iter().rev().chain(names).collect();
    select(&out, &order)
}

// ----- narrow -------------------------------------------------------------------------------------------------------

/// `evaluate narrow()`: the table unpivoted into `Row` (the row's 0-based index, long), `Column` (its name) and
/// `Value` (the cell as text, `tostring`'s form), one row a cell, row by row. The standard hidden columns
/// (`_ResourceId` …, [`super::HIDDEN_COLUMNS`]) are left out, as they are of a workspace's output.
pub(super) fn narrow(f: Frame, args: &[Expr], span: Span) -> Result<Frame, KqlError> {
    if let Some(a) = args.first() {
        return Err(KqlError::at(a.span, "narrow() takes no arguments"));
    }
    let names: Vec<String> = f.column_names().into_iter().filter(|n| !super::HIDDEN_COLUMNS.contains(&n.as_str())).collect();
    let (h, w) = (f.height(), names.len());
    let cells = (h as u64).saturating_mul(w as u64);
    if cells > MAX_PIVOT_CELLS {
        return Err(KqlError::at(span, format!("narrow would make more than {MAX_PIVOT_CELLS} rows ({h} rows of {w} columns)")));
    }
    super::guard::charge("narrow", cells.saturating_mul(3 * super::guard::CELL), Some(span))?;
    let mut texts = Vec::with_capacity(w);
    for n in &names {
        let c = f.column(n).map_err(|e| KqlError::msg(e.to_string()))?;
        texts.push(Col::from_column(c, f.la_type(n).unwrap_or(LaType::String))?.to_str());
    }
    let n = cells as usize;
    let (mut row, mut column, mut value) = (Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n));
    for r in 0..h {
        for (name, t) in names.iter().zip(&texts) {
            row.push(r as i64);
            column.push(name.as_str());
            value.push(t.get(r).unwrap_or(""));
        }
    }
    let cols = vec![
        Int64Chunked::from_vec("Row".into(), row).into_series().into_column(),
        StringChunked::from_iter_values("Column".into(), column.into_iter()).into_series().into_column(),
        StringChunked::from_iter_values("Value".into(), value.into_iter()).into_series().into_column(),
    ];
    let df = DataFrame::new(n, cols).map_err(|e| KqlError::msg(format!("narrow: {e}")))?;
    let mut res = Frame::new(f.name.clone(), df);
    res.notes = f.notes.clone();
    res.set_la_type("Row", LaType::Long);
    res.set_la_type("Column", LaType::String);
    res.set_la_type("Value", LaType::String);
    Ok(res)
}
