//! `top-nested`: hierarchical aggregation and selection. Each level splits the rows its parent kept by a value,
//! ranks the values by an aggregation and keeps the first N (all when N is not given); `with others = Value` adds a
//! row holding the aggregation over the values that were not kept (deeper levels are null on it, and it is added
//! only when some value was left out). The result has two columns per level: the value (its name, or the column's)
//! and the aggregation (its name, or `aggregated_<value column>`), one row per kept path, parents in rank order.
//!
//! Each level is one grouping and one aggregation over the whole table (the rows keyed by their parent's partition
//! and the level's value), not one per partition.

use polars::prelude::*;

use super::aggregates::{self, Groups};
use super::ast::*;
use super::eval::{eval, Ctx, Env};
use super::exec::{count_arg, make_groups};
use super::names::{next_column_name, result_name, unique};
use super::value::{select, Col, Scalar, Ty};
use super::KqlError;
use crate::frame::{Frame, LaType};

/// A kept value (or the `others` row) of one level.
struct Node {
    /// The node of the level above (none on the first level).
    parent: Option<usize>,
    /// A row holding the value (none for `others`).
    row: Option<usize>,
    /// The group whose aggregation this node shows: in the level's groups, or its `others` groups.
    agg: usize,
    others: bool,
}

/// One level's nodes and the columns they read.
struct Level {
    nodes: Vec<Node>,
    values: Col,
    aggs: Col,
    others_aggs: Option<Col>,
    others_value: Scalar,
}

/// A sort key for ranking aggregation results: numbers (and times) by value, anything else by text; nulls last.
#[derive(PartialEq, PartialOrd)]
enum Rank {
    Num(f64),
    Text(String),
}

fn rank_keys(c: &Col) -> Vec<Option<Rank>> {
    match c.ty() {
        Ty::Long | Ty::Real | Ty::Bool => c.to_f64().into_iter().map(|v| v.filter(|x| !x.is_nan()).map(Rank::Num)).collect(),
        Ty::DateTime | Ty::Timespan => c.to_i64_raw().into_iter().map(|v| v.map(|x| Rank::Num(x as f64))).collect(),
        _ => c.to_str().into_iter().map(|v| v.map(|s| Rank::Text(s.to_string()))).collect(),
    }
}

/// Runs an aggregation call over `groups`.
fn aggregate(level: &TopNestedLevel, ctx: &Ctx, groups: &Groups) -> Result<Col, KqlError> {
    let e = &level.agg.expr;
    let ExprKind::Call { name, args } = &e.kind else {
        return Err(KqlError::at(e.span, "top-nested needs an aggregation after 'by' (count(), sum(x), max(x) …)"));
    };
    if !aggregates::is_aggregate(name) {
        return Err(KqlError::at(e.span, format!("'{name}' is not an aggregation function (top-nested ranks by count(), sum(x), max(x) …)")));
    }
    let out = aggregates::aggregate(name, args, e.span, ctx, groups, &[])?;
    out.into_iter().next().map(|o| o.col).ok_or_else(|| KqlError::at(e.span, "the aggregation gave no values"))
}

pub(super) fn top_nested(f: Frame, levels: &[TopNestedLevel], env: &Env, visible: usize) -> Result<Frame, KqlError> {
    let n = f.height();
    let ctx = Ctx::new(env, Some(&f), visible);
    // the partition each row is in at the current level (none: not kept above)
    let mut part: Vec<Option<u32>> = vec![Some(0); n];
    // the node of the level above each partition stands for
    let mut part_node: Vec<Option<usize>> = vec![None];
    let mut done: Vec<Level> = Vec::with_capacity(levels.len());
    for lv in levels {
        let limit = match &lv.n {
            Some(e) => count_arg(e, env, visible, "top-nested")?,
            None => usize::MAX,
        };
        let values = eval(&lv.value.expr, &ctx)?.into_col(n);
        let pid = Col::Long(part.iter().map(|p| Some(p.map_or(-1, i64::from))).collect());
        let groups = make_groups(&[pid, values.clone()], n)?;
        let aggs = aggregate(lv, &ctx, &groups)?;
        let keys = rank_keys(&aggs);
        // each partition's groups, ranked
        let mut by_part: Vec<Vec<usize>> = vec![Vec::new(); part_node.len()];
        for (g, first) in groups.first_row.iter().enumerate() {
            if let Some(p) = first.and_then(|r| part[r]) {
                by_part[p as usize].push(g);
            }
        }
        let mut nodes: Vec<Node> = Vec::new();
        let mut next_part: Vec<Option<u32>> = vec![None; groups.n_groups];
        let mut others_of: Vec<Option<u32>> = vec![None; part_node.len()];
        let mut n_others = 0u32;
        for (p, gs) in by_part.iter_mut().enumerate() {
            gs.sort_by(|&a, &b| {
                let (x, y) = (&keys[a], &keys[b]);
                match (x, y) {
                    (Some(x), Some(y)) => {
                        let o = x.partial_cmp(y).unwrap_or(std::cmp::Ordering::Equal);
                        if lv.desc { o.reverse() } else { o }
                    }
                    (Some(_), None) => std::cmp::Ordering::Less,
                    (None, Some(_)) => std::cmp::Ordering::Greater,
                    (None, None) => std::cmp::Ordering::Equal,
                }
            });
            for &g in gs.iter().take(limit) {
                next_part[g] = Some(nodes.len() as u32);
                nodes.push(Node { parent: part_node[p], row: groups.first_row[g], agg: g, others: false });
            }
            if lv.others.is_some() && gs.len() > limit {
                others_of[p] = Some(n_others);
                nodes.push(Node { parent: part_node[p], row: None, agg: n_others as usize, others: true });
                n_others += 1;
            }
        }
        super::guard::charge("top-nested", (nodes.len() as u64).saturating_mul(2 * super::guard::CELL), Some(lv.value.expr.span))?;
        // the others rows: every row of its partition whose value was not kept
        let (others_aggs, others_value) = match &lv.others {
            Some(e) if n_others > 0 => {
                let dummy = n_others;
                let mut first_row: Vec<Option<usize>> = vec![None; n_others as usize + 1];
                let row_group: Vec<u32> = (0..n)
                    .map(|r| {
                        let g = groups.row_group[r] as usize;
                        match (part[r], next_part[g]) {
                            (Some(p), None) => others_of[p as usize].unwrap_or(dummy),
                            _ => dummy,
                        }
                    })
                    .collect();
                for (r, &g) in row_group.iter().enumerate() {
                    if let Some(slot @ None) = first_row.get_mut(g as usize) {
                        *slot = Some(r);
                    }
                }
                let og = Groups { row_group, n_groups: n_others as usize + 1, first_row };
                (Some(aggregate(lv, &ctx, &og)?), super::eval::eval_const(e, env, visible).map_err(|err| err.or_at(e.span))?)
            }
            _ => (None, Scalar::Null),
        };
        part = (0..n).map(|r| part[r].and(next_part[groups.row_group[r] as usize])).collect();
        part_node = (0..nodes.len()).map(Some).collect();
        done.push(Level { nodes, values, aggs, others_aggs, others_value });
    }

    // one row per path from a first-level node down to the last level (or to an others node)
    let depth = done.len();
    let mut children: Vec<Vec<Vec<usize>>> = done.iter().map(|l| vec![Vec::new(); l.nodes.len()]).collect();
    for k in 1..depth {
        for (i, node) in done[k].nodes.iter().enumerate() {
            if let Some(p) = node.parent {
                children[k - 1][p].push(i);
            }
        }
    }
    let mut paths: Vec<Vec<Option<usize>>> = Vec::new();
    let mut stack: Vec<(usize, usize, Vec<Option<usize>>)> =
        (0..done.first().map_or(0, |l| l.nodes.len())).rev().map(|i| (0, i, Vec::new())).collect();
    while let Some((k, i, mut path)) = stack.pop() {
        path.push(Some(i));
        if done[k].nodes[i].others || k + 1 == depth {
            path.resize(depth, None);
            paths.push(path);
            continue;
        }
        for &c in children[k][i].iter().rev() {
            stack.push((k + 1, c, path.clone()));
        }
    }
    super::guard::charge("top-nested", (paths.len() as u64).saturating_mul(depth as u64 * 2 * super::guard::CELL), None)?;

    let mut names: Vec<String> = Vec::new();
    let mut cols: Vec<Column> = Vec::new();
    let mut kinds: Vec<LaType> = Vec::new();
    for (k, (lv, level)) in levels.iter().zip(&done).enumerate() {
        let at = |path: &Vec<Option<usize>>| path[k].map(|i| &level.nodes[i]);
        // true except on this level's others rows (a path that ended above is null here)
        let kept: BooleanChunked = paths.iter().map(|p| Some(!at(p).is_some_and(|nd| nd.others))).collect();
        let rows: IdxCa = paths.iter().map(|p| at(p).and_then(|nd| nd.row).map(|r| r as IdxSize)).collect();
        let values = level.values.take(&rows)?;
        let values = match &lv.others {
            Some(_) => select(&kept, &values, &Col::full(&level.others_value, paths.len()))?,
            None => values,
        };
        let groups: IdxCa = paths.iter().map(|p| at(p).filter(|nd| !nd.others).map(|nd| nd.agg as IdxSize)).collect();
        let mut aggs = level.aggs.take(&groups)?;
        if let Some(oa) = &level.others_aggs {
            let og: IdxCa = paths.iter().map(|p| at(p).filter(|nd| nd.others).map(|nd| nd.agg as IdxSize)).collect();
            aggs = select(&kept, &aggs, &oa.take(&og)?)?;
        }
        let vname = match &lv.value.name {
            Some(id) => id.name.clone(),
            None => result_name(&lv.value.expr).unwrap_or_else(|| next_column_name(&names)),
        };
        let vname = unique(&vname, &names);
        let aname = unique(&lv.agg.name.as_ref().map_or_else(|| format!("aggregated_{vname}"), |id| id.name.clone()), &names);
        for (name, col) in [(vname, values), (aname, aggs)] {
            let (c, la) = col.into_column(&name);
            names.push(name);
            cols.push(c);
            kinds.push(la);
        }
    }
    let df = DataFrame::new(paths.len(), cols).map_err(|e| KqlError::msg(format!("top-nested: {e}")))?;
    let mut out = Frame::new(f.name.clone(), df);
    out.notes = f.notes.clone();
    for (nm, k) in names.iter().zip(kinds) {
        out.set_la_type(nm, k);
    }
    Ok(out)
}
