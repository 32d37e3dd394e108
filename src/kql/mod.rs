//! KQL on local tables: the same Kusto query text Sentinel runs, over in-memory polars tables.
//!
//! ```text
//! query text ──lexer──▶ tokens ──parser──▶ Query (AST, spans) ──plan──▶ (checked, lets classified) ──exec──▶ Frame
//! ```
//!
//! - `lexer`: tokens with byte spans; literals decoded (strings, timespans, `datetime(…)`).
//! - `ast`: the syntax tree; every node keeps its span so runtime errors still say `line 3, col 9`.
//! - `parser`: statements (`let`, user-defined functions), tabular expressions and pipe operators, scalar
//!   expressions.
//! - `plan`: binds every name once (let, parameter, column, table, built-in), classifies lets, carries the
//!   columns through the pipeline and types expressions; unknown names, arities and type mismatches are errors
//!   before any row is read.
//! - `exec`: tables and pipe operators over [`Frame`]s (`eval` for scalar expressions over whole columns and
//!   the environment of lets and function calls, `functions` scalar functions, `strings` `has`/`contains`/`in`…,
//!   `aggregates` for `summarize`/`make-series`, `series` the `series_*` functions, `xml` `parse_xml`,
//!   `names` Kusto's column naming, `value` the runtime values).
//!
//! Entry points (the whole public API): [`parse`] (giving a [`Query`]) and [`execute`]; the submodules are
//! internal. Errors are [`Error::Invalid`] values whose text starts with the position: `line 3, col 9: unknown
//! column 'IpAdress' (did you mean 'IPAddress'?)`. Nothing here panics on any input.
//!
//! # What is supported
//!
//! - Statements: `let name = scalar | tabular;`, user-defined functions `let f = (a:string, n:long = 5,
//!   T:(*)) { [let …;] body };` (scalar or tabular body, called as `f(…)`, with `T | invoke f(…)`, or by its bare
//!   name when it takes no arguments), `let v = view () { … }`; `set`/`declare`/`alias`/`restrict` are skipped.
//! - Sources: table names, `union` (with `kind=`, `withsource=`, `isfuzzy=`, `Name*` wildcards), `datatable`,
//!   `print`, `range`, `materialize()`, `table()`, `toscalar()`.
//! - Operators: `where`/`filter`, `extend` (also `(a, b) = series_…(…)`), `project`, `project-away`/`-keep`/
//!   `-rename`/`-reorder`, `take`/`limit`, `sort`/`order`, `top`, `top-nested` (`with others`), `summarize`, `count`,
//!   `distinct`, `render`
//!   (recorded in the notes), `union`, `mv-expand` (with `with_itemindex=`, `to typeof()`, `limit`), `mv-apply`
//!   (the same items, `on (subquery)`), `join` (all kinds), `lookup`, `make-series` (`default=`, `on`,
//!   `from`/`to`/`step` or `in range(…)`, `by`), `parse` and `parse-where` (`kind=simple|relaxed|regex`, `*`, typed
//!   columns), `invoke`, `serialize [Name = Expr, …]` (an `extend`; with `row_number`, `row_cumsum`), `as`,
//!   `evaluate bag_unpack(…)` and `evaluate pivot(…)` (`plugins`; another plugin is an error that
//!   names it).
//! - Named arguments where Kusto names them: `make_set(X, MaxSize=8)` and the other `make_*` aggregations,
//!   `bag_unpack(X, columnsConflict='replace_source')`; another name is an error that lists the known ones.
//! - Aggregations: see `aggregates` (count, dcount, sum, avg, min/max, arg_max/arg_min, make_set/list/bag,
//!   percentile(s), stdev, variance, take_any and their `if` forms).
//! - Scalar functions: see `functions` (conversions, strings, regexes, datetimes, dynamic
//!   arrays and bags, IPv4, hashes, base64, URLs, math).
//!
//! Not supported yet (a clear error): `evaluate` plugins other than `bag_unpack`, `pivot`, `basket`, `autocluster`
//! and `narrow`, `sample`, `search`, `find`,
//! `parse-kv`, `scan`, `partition`, `fork`, `facet`, `externaldata`.
//!
//! # Limits (hostile queries stop with an error, never a trap)
//!
//! Nesting of parentheses/pipelines: 64. Expression tree height: 256 (`a + b + …`, `x.a.b…`, `x[0][0]…` chains;
//! `and`/`or` chains are built balanced, so a 200,000-term `or` is fine). Lets depending on lets: 48. Evaluation
//! also stops when it has used 128 KiB of (shadow) stack in wasm, 512 KiB natively (those limits multiply; see `guard.rs` for why not more), with "the query nests too deeply to
//! evaluate". Output: one budget of 256 MiB (8 bytes a cell plus text) for everything a query makes with
//! operators that multiply their input — `strrep` (nested), `join`/`lookup`, `mv-expand`, `mv-apply`, `evaluate
//! bag_unpack`, `evaluate pivot`, `range`, `make-series`, and `strcat`/`pack_array`/`make_list`/`make_set`, which copy values into new
//! ones — charged before building (`src/kql/guard.rs`), besides `range`'s 10 million rows and `make-series`' 5
//! million values.
//!
//! # Deliberate differences from Kusto
//!
//! - **Tolerances for msticpy template quirks** (Kusto rejects these; the queries are msticpy's and the intent is
//!   clear, so they are read as meant): a table name written twice at the start of the query
//!   (`HuntingBookmark  HuntingBookmark | …`) is read once; `x in~ in (…)` is read as `x in~ (…)`; unbalanced `)`
//!   at the very end of the query are ignored.
//! - A function without parameters may be used by its bare name (`let f = () { T }; f`).
//! - `toint()` gives a long (there is no separate int type at run time); `union` of columns whose types differ
//!   gives a string column, where Kusto makes `column_type` variants.
//! - `dcount()` is exact (values whose hashes collide are compared) where Kusto estimates; `percentile()` is exact (nearest
//!   rank) where Kusto estimates with a t-digest.
//! - `series_decompose*` do not detect seasonality (see `series`).
//! - `parse` in simple mode matches the whole text (a pattern that does not end in `*` or a column must reach the
//!   end); a string column of a row that does not match is empty, others are null.
//! - A `make-series` axis without `from`/`to` runs from the smallest to the largest value (inclusive); `to` is
//!   exclusive and `in range(a, b, s)` includes `b`. Datetimes inside dynamic values are written without the
//!   7-digit fraction (`2024-01-01T00:00:00Z`).
//! - `mv-apply`'s subquery sees the row's other columns as well as the expanded ones (Kusto's sub-table has only
//!   the expanded columns); the result is the same for every query Kusto accepts.
//! - String comparisons see null as empty, as in Kusto; a long column compared with a number's text (`ResultType
//!   != "0"` on a column that was read as long) compares the number's text.

mod aggregates;
mod ast;
mod eval;
mod exec;
mod functions;
mod lexer;
mod names;
mod parser;
mod plan;
mod plugins;
mod series;
mod guard;
mod strings;
mod top_nested;
mod value;
mod xml;

pub use ast::Query;

use crate::error::{Error, Result};
use crate::frame::Frame;
use crate::frame::Tables;

/// An error inside the KQL engine: a message and, when known, where in the query text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct KqlError {
    pub(crate) span: Option<ast::Span>,
    pub(crate) msg: String,
}

impl KqlError {
    pub(crate) fn at(span: ast::Span, msg: impl Into<String>) -> KqlError {
        KqlError { span: Some(span), msg: msg.into() }
    }

    pub(crate) fn msg(msg: impl Into<String>) -> KqlError {
        KqlError { span: None, msg: msg.into() }
    }

    /// Sets the position if none is known yet (the innermost position wins).
    pub(crate) fn or_at(mut self, span: ast::Span) -> KqlError {
        if self.span.is_none() {
            self.span = Some(span);
        }
        self
    }
}

/// `line L, col C` of byte offset `offset` (1-based; columns count characters).
fn position_text(src: &str, offset: usize) -> String {
    let offset = (0..=offset.min(src.len())).rev().find(|i| src.is_char_boundary(*i)).unwrap_or(0);
    let before = &src[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    format!("line {line}, col {col}")
}

/// The error's text with its position: `line 3, col 9: …`.
fn render_error(src: &str, e: &KqlError) -> String {
    match e.span {
        Some(span) => format!("{}: {}", position_text(src, span.start), e.msg),
        None => e.msg.clone(),
    }
}

fn to_error(src: &str, e: KqlError) -> Error {
    Error::invalid(render_error(src, &e))
}

/// Parses a query into its syntax tree.
pub fn parse(query: &str) -> Result<Query> {
    parser::parse_query(query).map_err(|e| to_error(query, e))
}

/// Runs a query on local tables. `now_ns` (nanoseconds since the Unix epoch) is what `now()` and `ago()` use.
///
/// The result is the query's table; `render` is noted in its notes as `render: <kind>`.
pub fn execute(query: &str, tables: &Tables, now_ns: i64) -> Result<Frame> {
    let q = parse(query)?;
    let _base = guard::Base::enter();
    // names, arities and types, before any row is read
    plan::check(&q, tables).map_err(|e| to_error(query, e))?;
    let env = eval::Env::new(tables, now_ns, &q.lets);
    let out = exec::run(&q, &env).map_err(|e| to_error(query, e))?;
    hide_standard_columns(query, out)
}

/// Log Analytics' standard columns that a workspace leaves out of a query's output unless the query names them
/// ("Standard columns in Azure Monitor Logs"). Queries read them like any column.
pub const HIDDEN_COLUMNS: [&str; 7] =
    ["_ResourceId", "_SubscriptionId", "_ItemId", "_IsBillable", "_BilledSize", "_TimeReceived", "_IngestionTime"];

/// The result without the [hidden standard columns](HIDDEN_COLUMNS) the query text does not name (as a whole
/// word). A simplification of Kusto, which shows one only where an operator outputs it by name: here
/// `T | where _ResourceId != ""` shows `_ResourceId` too.
fn hide_standard_columns(query: &str, frame: Frame) -> Result<Frame> {
    let names = frame.column_names();
    let keep: Vec<&String> = names
        .iter()
        .filter(|n| !HIDDEN_COLUMNS.contains(&n.as_str()) || names_word(query, n))
        .collect();
    if keep.len() == names.len() {
        return Ok(frame);
    }
    let df = frame
        .df()
        .select(keep.iter().map(|s| s.as_str()))
        .map_err(|e| Error::invalid(e.to_string()))?;
    Ok(frame.with_df(df))
}

/// Whether `word` occurs in `text` with no identifier character on either side.
fn names_word(text: &str, word: &str) -> bool {
    let ident = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    text.match_indices(word).any(|(i, _)| {
        !ident(text[..i].chars().next_back()) && !ident(text[i + word.len()..].chars().next())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_columns_show_only_when_the_query_names_them() {
        let json = br#"{"tables":[{"name":"T","columns":[{"name":"A","type":"string"},{"name":"_ResourceId","type":"string"},{"name":"_IsBillable","type":"string"}],"rows":[["x","/subscriptions/s/r","True"]]}]}"#;
        let mut tables = Tables::new();
        for f in crate::frame::loganalytics::parse_response(json).unwrap().tables {
            tables.add(f);
        }
        let cols = |q: &str| execute(q, &tables, 0).unwrap().column_names();
        assert_eq!(cols("T"), ["A"]);
        assert_eq!(cols("T | project A, _ResourceId"), ["A", "_ResourceId"]);
        // the simplification: the query names it, so it shows (Kusto would show only r)
        assert_eq!(cols("T | extend r = _ResourceId"), ["A", "_ResourceId", "r"]);
        assert_eq!(cols("T | summarize count() by _IsBillable"), ["_IsBillable", "count_"]);
        assert_eq!(cols("T | extend x_ResourceId = 1"), ["A", "x_ResourceId"]);
        let f = execute("T | where _ResourceId startswith '/subscriptions/' | project A", &tables, 0).unwrap();
        assert_eq!(f.height(), 1);
        assert!(names_word("x | project ['_ItemId']", "_ItemId"));
        assert!(!names_word("_ItemIds", "_ItemId"));
    }

    #[test]
    fn positions() {
        let src = "T\n| where x\n| take 5";
        assert_eq!(position_text(src, 0), "line 1, col 1");
        assert_eq!(position_text(src, 10), "line 2, col 9");
        assert_eq!(position_text("é|x", 3), "line 1, col 3");
        assert_eq!(position_text("ab", 99), "line 1, col 3");
    }
}
