//! Joins of two frames on key columns: inner, left, right and outer, like pandas' `merge`.
//!
//! ```text
//! key columns ──codes──▶ KeyMatch (right rows of each key) ──pairs──▶ RowPairs ──take──▶ Frame
//! ```
//!
//! [`join`] is the pandas-like verb the notebook and the pivots use. [`KeyMatch`] is its core and is shared: KQL's
//! `join` (all nine kinds) and `lookup` build on it (with Kusto's own key conversions and column naming), so there
//! is one join in the crate.
//!
//! Semantics of [`join`]:
//!
//! - **Keys**: `left_on[i]` is matched with `right_on[i]`; several keys match when all are equal. Key types must
//!   agree: text with text, numbers with numbers (integers and reals compare by value), booleans, datetimes (any
//!   precision, and dates), timespans. Other pairs are an error that names both columns and types; convert one side
//!   first. `case_insensitive` compares text keys after Unicode lower-casing.
//! - **Nulls never match** (SQL's rule, not pandas', which matches null with null): a row with a null (or NaN) in
//!   any key matches no row; left / right / outer joins still keep it, unmatched.
//! - **Duplicate keys** give every pair (the cross product). **Row order** is stable for every kind: left rows in
//!   order, each followed by its matching right rows in right-table order (a left row without a match, in a left or
//!   outer join, sits in its place with nulls on the right); then, for right and outer joins, the right rows no
//!   left row matched, in right-table order.
//! - **Columns**: the left columns, then the right ones. A key pair with the same name on both sides gives one
//!   column (for a right-only row its value is the right one); key pairs with different names keep both columns.
//!   Any other name on both sides is suffixed: `suffixes.0` on the left, `suffixes.1` on the right (default `_x`,
//!   `_y`, as pandas). A result with two columns of one name is an error (choose other suffixes).
//! - A join may give at most [`MAX_JOIN_ROWS`] rows; more is an error (join on more keys or filter first).

use std::borrow::Cow;
use std::collections::HashSet;

use polars::prelude::*;
use serde::Deserialize;

use super::codes::{column_codes, combine_codes};
use super::{Frame, LaType};
use crate::error::{Error, PolarsContext, Result};

/// The most rows a join may give.
pub const MAX_JOIN_ROWS: usize = 10_000_000;

/// Which rows a join keeps. As an option it is written `"inner"`, `"left"`, `"right"` or `"outer"` (or `"full"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JoinHow {
    /// Only pairs of matching rows.
    #[default]
    Inner,
    /// Every left row; left rows without a match get nulls on the right.
    Left,
    /// Every right row; right rows without a match get nulls on the left.
    Right,
    /// Every row of both sides (a full outer join).
    #[serde(alias = "full")]
    Outer,
}

impl JoinHow {
    fn keeps_left(self) -> bool {
        matches!(self, JoinHow::Left | JoinHow::Outer)
    }

    fn keeps_right(self) -> bool {
        matches!(self, JoinHow::Right | JoinHow::Outer)
    }
}

/// What [`join`] does: the kind, the key columns of each side, how text keys compare, and the suffixes of clashing
/// column names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinOptions {
    pub how: JoinHow,
    pub left_on: Vec<String>,
    pub right_on: Vec<String>,
    /// Text keys compare without regard to case.
    pub case_insensitive: bool,
    /// Appended to a non-key column name found on both sides: `.0` on the left one, `.1` on the right one.
    pub suffixes: (String, String),
}

impl Default for JoinOptions {
    fn default() -> Self {
        JoinOptions {
            how: JoinHow::Inner,
            left_on: Vec::new(),
            right_on: Vec::new(),
            case_insensitive: false,
            suffixes: ("_x".to_string(), "_y".to_string()),
        }
    }
}

impl JoinOptions {
    /// A join on columns named alike on both sides.
    pub fn on<S: AsRef<str>>(how: JoinHow, keys: &[S]) -> JoinOptions {
        JoinOptions::left_right(how, keys, keys)
    }

    /// A join of `left_on[i]` with `right_on[i]`.
    pub fn left_right<S: AsRef<str>, T: AsRef<str>>(how: JoinHow, left_on: &[S], right_on: &[T]) -> JoinOptions {
        JoinOptions {
            how,
            left_on: left_on.iter().map(|s| s.as_ref().to_string()).collect(),
            right_on: right_on.iter().map(|s| s.as_ref().to_string()).collect(),
            ..JoinOptions::default()
        }
    }
}

/// Joins `left` and `right` on key columns (see the [module](self) for the rules). The result is named as `left`.
pub fn join(left: &Frame, right: &Frame, opts: &JoinOptions) -> Result<Frame> {
    let lcols = opts
        .left_on
        .iter()
        .map(|n| left.column(n))
        .collect::<Result<Vec<_>>>()?;
    let rcols = opts
        .right_on
        .iter()
        .map(|n| right.column(n))
        .collect::<Result<Vec<_>>>()?;
    let matched = KeyMatch::new(&lcols, &rcols, opts.case_insensitive)?;
    let pairs = matched.pairs(opts.how, 0..left.height())?;

    // key pairs named alike give one column
    let shared: HashSet<&str> = opts
        .left_on
        .iter()
        .zip(&opts.right_on)
        .filter(|(l, r)| l == r)
        .map(|(l, _)| l.as_str())
        .collect();
    let (lnames, rnames) = (left.column_names(), right.column_names());
    let clashes = |n: &String| !shared.contains(n.as_str()) && lnames.contains(n) && rnames.contains(n);
    let mut columns: Vec<(Source, String)> = Vec::with_capacity(lnames.len() + rnames.len());
    for n in &lnames {
        let source = if shared.contains(n.as_str()) && opts.how.keeps_right() {
            Source::Coalesce(n.clone(), n.clone())
        } else {
            Source::Left(n.clone())
        };
        let name = if clashes(n) {
            format!("{n}{}", opts.suffixes.0)
        } else {
            n.clone()
        };
        columns.push((source, name));
    }
    for n in rnames.iter().filter(|n| !shared.contains(n.as_str())) {
        let name = if clashes(n) {
            format!("{n}{}", opts.suffixes.1)
        } else {
            n.clone()
        };
        columns.push((Source::Right(n.clone()), name));
    }
    let mut seen = HashSet::new();
    if let Some((_, dup)) = columns.iter().find(|(_, n)| !seen.insert(n.as_str())) {
        return Err(Error::invalid(format!(
            "join: the result would have two columns named '{dup}'; choose other suffixes (now '{}' and '{}') or \
             rename a column first",
            opts.suffixes.0, opts.suffixes.1
        )));
    }
    assemble(left, right, &pairs, &columns)
}

/// The rows of a join: `left[i]` pairs with `right[i]`; a null index means no row on that side.
#[derive(Debug, Clone)]
pub struct RowPairs {
    pub left: IdxCa,
    pub right: IdxCa,
}

/// A row key that matches nothing (a null in a key).
const NO_KEY: u32 = u32::MAX;

/// Which rows of two tables have equal keys. Built once from the key columns (each value hashed once into a dense
/// code shared by both sides); then [`KeyMatch::pairs`] lists the rows of a join, and [`KeyMatch::matches`] /
/// [`KeyMatch::right_matched`] answer semi and anti joins.
#[derive(Debug, Clone)]
pub struct KeyMatch {
    /// The key code of each left row ([`NO_KEY`] if a key is null).
    left: Vec<u32>,
    /// The key code of each right row.
    right: Vec<u32>,
    /// The right rows with key code `c` are `rows[starts[c]..starts[c + 1]]`, in right-table order.
    starts: Vec<usize>,
    rows: Vec<IdxSize>,
    /// Whether some left row has key code `c`.
    in_left: Vec<bool>,
}

impl KeyMatch {
    /// Matches `left[i]` with `right[i]` for every `i` (as many columns on both sides, at least one). Key types must
    /// agree (see the [module](self)); null and NaN keys match nothing.
    pub fn new(left: &[&Column], right: &[&Column], case_insensitive: bool) -> Result<KeyMatch> {
        if left.is_empty() || left.len() != right.len() {
            return Err(Error::invalid(format!(
                "join: give as many key columns for the left table as for the right one, at least one (got {} and {})",
                left.len(),
                right.len()
            )));
        }
        let nl = left.first().map_or(0, |c| c.len());
        let nr = right.first().map_or(0, |c| c.len());
        if left.iter().any(|c| c.len() != nl) || right.iter().any(|c| c.len() != nr) {
            return Err(Error::invalid(
                "join: the key columns of one side must be equally long (columns of one table)",
            ));
        }
        let mut valid = vec![true; nl + nr];
        let mut codes: Vec<u32> = Vec::new();
        for (i, (l, r)) in left.iter().zip(right).enumerate() {
            let both = key_values(l, r, case_insensitive)?;
            if both.null_count() > 0 {
                for (ok, null) in valid.iter_mut().zip(both.is_null().iter()) {
                    *ok &= null != Some(true);
                }
            }
            if let Ok(reals) = both.f64() {
                for (ok, v) in valid.iter_mut().zip(reals.iter()) {
                    *ok &= !v.is_some_and(f64::is_nan);
                }
            }
            let more = column_codes(&both.into_column())?;
            if i == 0 {
                codes = more;
            } else {
                combine_codes(&mut codes, &more);
            }
        }
        for (c, ok) in codes.iter_mut().zip(&valid) {
            if !ok {
                *c = NO_KEY;
            }
        }
        let right_codes = codes.split_off(nl.min(codes.len()));
        let (left_codes, right_codes) = (codes, right_codes);
        let n_codes = left_codes
            .iter()
            .chain(&right_codes)
            .filter(|&&c| c != NO_KEY)
            .max()
            .map_or(0, |&c| c as usize + 1);
        let mut in_left = vec![false; n_codes];
        for &c in left_codes.iter().filter(|&&c| c != NO_KEY) {
            in_left[c as usize] = true;
        }
        // counting sort of the right rows by code (stable: right-table order within a code)
        let mut starts = vec![0usize; n_codes + 1];
        for &c in right_codes.iter().filter(|&&c| c != NO_KEY) {
            starts[c as usize + 1] += 1;
        }
        for c in 0..n_codes {
            starts[c + 1] += starts[c];
        }
        let mut fill = starts.clone();
        let mut rows = vec![0 as IdxSize; starts[n_codes]];
        for (r, &c) in right_codes.iter().enumerate().filter(|(_, &c)| c != NO_KEY) {
            rows[fill[c as usize]] = r as IdxSize;
            fill[c as usize] += 1;
        }
        Ok(KeyMatch {
            left: left_codes,
            right: right_codes,
            starts,
            rows,
            in_left,
        })
    }

    /// The key code of a left row (equal codes: equal keys), or `None` if one of its keys is null.
    pub fn left_key(&self, row: usize) -> Option<usize> {
        self.left.get(row).filter(|&&c| c != NO_KEY).map(|&c| c as usize)
    }

    /// How many key codes there are (every [`KeyMatch::left_key`] is below it).
    pub fn key_count(&self) -> usize {
        self.in_left.len()
    }

    /// The right rows matching left row `row`, in right-table order.
    pub fn matches(&self, row: usize) -> &[IdxSize] {
        match self.left_key(row) {
            Some(c) => &self.rows[self.starts[c]..self.starts[c + 1]],
            None => &[],
        }
    }

    /// Whether some left row matches right row `row`.
    pub fn right_matched(&self, row: usize) -> bool {
        self.right
            .get(row)
            .is_some_and(|&c| c != NO_KEY && self.in_left[c as usize])
    }

    /// The rows of a `how` join of the left rows `left_rows` (in that order) with every right row, in the order the
    /// [module](self) describes. More than [`MAX_JOIN_ROWS`] rows is an error.
    pub fn pairs(&self, how: JoinHow, left_rows: impl IntoIterator<Item = usize> + Clone) -> Result<RowPairs> {
        let unmatched_right = if how.keeps_right() {
            (0..self.right.len()).filter(|&r| !self.right_matched(r)).count()
        } else {
            0
        };
        let count = left_rows
            .clone()
            .into_iter()
            .map(|i| match self.matches(i).len() {
                0 if how.keeps_left() => 1,
                n => n,
            })
            .fold(unmatched_right, usize::saturating_add);
        if count > MAX_JOIN_ROWS {
            return Err(Error::invalid(format!(
                "the join would give {count} rows, more than the {MAX_JOIN_ROWS} allowed: join on more keys or \
                 filter the tables first"
            )));
        }
        let mut li: Vec<Option<IdxSize>> = Vec::with_capacity(count);
        let mut ri: Vec<Option<IdxSize>> = Vec::with_capacity(count);
        for i in left_rows {
            let rows = self.matches(i);
            if rows.is_empty() {
                if how.keeps_left() {
                    li.push(Some(i as IdxSize));
                    ri.push(None);
                }
                continue;
            }
            for &r in rows {
                li.push(Some(i as IdxSize));
                ri.push(Some(r));
            }
        }
        if how.keeps_right() {
            for r in (0..self.right.len()).filter(|&r| !self.right_matched(r)) {
                li.push(None);
                ri.push(Some(r as IdxSize));
            }
        }
        Ok(RowPairs {
            left: li.into_iter().collect(),
            right: ri.into_iter().collect(),
        })
    }
}

/// Where a result column comes from: a left column, a right column, or a left key filled from the right key on
/// right-only rows.
#[derive(Debug, Clone)]
pub(crate) enum Source {
    Left(String),
    Right(String),
    Coalesce(String, String),
}

/// The result table of a join: `columns` (source, name) taken at `pairs`, with their Log Analytics types; named as
/// `left`, with its notes.
pub(crate) fn assemble(left: &Frame, right: &Frame, pairs: &RowPairs, columns: &[(Source, String)]) -> Result<Frame> {
    let take = |f: &Frame, n: &str, idx: &IdxCa| -> Result<Column> { f.column(n)?.take(idx).context("joining") };
    let mut cols = Vec::with_capacity(columns.len());
    let mut types = Vec::with_capacity(columns.len());
    for (source, name) in columns {
        let (col, ty) = match source {
            Source::Left(n) => (take(left, n, &pairs.left)?, left.la_type(n)?),
            Source::Right(n) => (take(right, n, &pairs.right)?, right.la_type(n)?),
            Source::Coalesce(l, r) => {
                let (mut lc, mut rc) = (take(left, l, &pairs.left)?, take(right, r, &pairs.right)?);
                if lc.dtype() != rc.dtype() {
                    let dtype = key_dtype(lc.dtype(), rc.dtype()).unwrap_or(DataType::String);
                    lc = lc.cast(&dtype).context("joining")?;
                    rc = rc.cast(&dtype).context("joining")?;
                }
                let has_left = pairs.left.is_not_null();
                (lc.zip_with(&has_left, &rc).context("joining")?, left.la_type(l)?)
            }
        };
        cols.push(col.with_name(name.as_str().into()));
        types.push((name, ty));
    }
    let df = DataFrame::new(pairs.left.len(), cols).context("joining")?;
    let mut out = left.with_df(df);
    // a partial table on either side makes the joined table partial (never shown as complete)
    if out.partial.is_none() {
        out.partial = right.partial.clone();
    }
    for (name, ty) in types {
        out.set_la_type(name, ty);
    }
    Ok(out)
}

/// The type both keys are compared as, if they can be compared.
fn key_dtype(l: &DataType, r: &DataType) -> Option<DataType> {
    use DataType::*;
    let time = |d: &DataType| matches!(d, Datetime(..) | Date);
    Some(match (l, r) {
        (Null, Null) => String,
        (Null, d) | (d, Null) => return key_dtype(d, d),
        (String, String) => String,
        (Boolean, Boolean) => Boolean,
        (a, b) if a.is_integer() && b.is_integer() => Int64,
        (a, b) if a.is_primitive_numeric() && b.is_primitive_numeric() => Float64,
        (a, b) if time(a) && time(b) => Datetime(TimeUnit::Nanoseconds, None),
        (Duration(_), Duration(_)) => Duration(TimeUnit::Nanoseconds),
        _ => return None,
    })
}

/// The left key's values followed by the right key's, as one series of their common type (text lower-cased if
/// `case_insensitive`), or an error if the types cannot be compared.
fn key_values(l: &Column, r: &Column, case_insensitive: bool) -> Result<Series> {
    let dtype = key_dtype(l.dtype(), r.dtype()).ok_or_else(|| {
        let ty = |c: &Column| LaType::of_dtype(c.dtype()).wire_name();
        Error::invalid(format!(
            "join: cannot match the left key '{}' ({}) with the right key '{}' ({}): their types differ; convert one \
             of them first (e.g. to text)",
            l.name(),
            ty(l),
            r.name(),
            ty(r)
        ))
    })?;
    let cast = |c: &Column| -> Result<Series> {
        let s = c.as_materialized_series().cast(&dtype).context("joining")?;
        if case_insensitive && dtype == DataType::String {
            Ok(lowercase(s.str().context("joining")?).into_series())
        } else {
            Ok(s)
        }
    };
    let mut both = cast(l)?;
    both.append(&cast(r)?).context("joining")?;
    Ok(both)
}

/// Text lower-cased (Unicode), allocating only for values that change.
fn lowercase(ca: &StringChunked) -> StringChunked {
    if !ca.iter().flatten().any(|t| t.chars().any(char::is_uppercase)) {
        return ca.clone();
    }
    ca.iter()
        .map(|v| {
            v.map(|t| {
                if t.chars().any(char::is_uppercase) {
                    Cow::Owned(t.to_lowercase())
                } else {
                    Cow::Borrowed(t)
                }
            })
        })
        .collect()
}
