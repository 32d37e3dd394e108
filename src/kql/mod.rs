//! KQL on local tables: the same Kusto query text Sentinel runs, over in-memory polars tables.
//!
//! ```text
//! query text ──lexer──▶ tokens ──parser──▶ Query (AST, spans) ──exec──▶ Frame
//! ```
//!
//! - [`lexer`]: tokens with byte spans; literals decoded (strings, timespans, `datetime(…)`).
//! - [`ast`]: the syntax tree; every node keeps its span so runtime errors still say `line 3, col 9`.
//! - [`parser`]: statements (`let`), tabular expressions and pipe operators, scalar expressions.
//! - [`exec`]: tables and pipe operators over [`Frame`]s ([`eval`] for scalar expressions over whole columns,
//!   [`functions`] scalar functions, [`strings`] `has`/`contains`/`in`…, [`aggregates`] for `summarize`,
//!   [`names`] Kusto's column naming, [`value`] the runtime values).
//!
//! Entry points: [`parse`] and [`execute`]. Errors are [`Error::Invalid`] values whose text starts with the
//! position: `line 3, col 9: unknown column 'IpAdress' (did you mean 'IPAddress'?)`. Nothing here panics on any
//! input.

pub mod aggregates;
pub mod ast;
pub mod eval;
pub mod exec;
pub mod functions;
pub mod lexer;
pub mod names;
pub mod parser;
pub mod series;
pub mod strings;
pub mod value;
pub mod xml;

pub use ast::Query;

use crate::error::{Error, Result};
use crate::frame::Frame;
use crate::query::local::LocalData;

/// An error inside the KQL engine: a message and, when known, where in the query text.
#[derive(Debug, Clone, PartialEq)]
pub struct KqlError {
    pub span: Option<ast::Span>,
    pub msg: String,
}

impl KqlError {
    pub fn at(span: ast::Span, msg: impl Into<String>) -> KqlError {
        KqlError { span: Some(span), msg: msg.into() }
    }

    pub fn msg(msg: impl Into<String>) -> KqlError {
        KqlError { span: None, msg: msg.into() }
    }

    /// Sets the position if none is known yet (the innermost position wins).
    pub fn or_at(mut self, span: ast::Span) -> KqlError {
        if self.span.is_none() {
            self.span = Some(span);
        }
        self
    }
}

/// `line L, col C` of byte offset `offset` (1-based; columns count characters).
pub fn position_text(src: &str, offset: usize) -> String {
    let offset = (0..=offset.min(src.len())).rev().find(|i| src.is_char_boundary(*i)).unwrap_or(0);
    let before = &src[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    format!("line {line}, col {col}")
}

/// The error's text with its position: `line 3, col 9: …`.
pub fn render_error(src: &str, e: &KqlError) -> String {
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
pub fn execute(query: &str, tables: &LocalData, now_ns: i64) -> Result<Frame> {
    let q = parse(query)?;
    let env = eval::Env::new(tables, now_ns, &q.lets);
    exec::run(&q, &env).map_err(|e| to_error(query, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions() {
        let src = "T\n| where x\n| take 5";
        assert_eq!(position_text(src, 0), "line 1, col 1");
        assert_eq!(position_text(src, 10), "line 2, col 9");
        assert_eq!(position_text("é|x", 3), "line 1, col 3");
        assert_eq!(position_text("ab", 99), "line 1, col 3");
    }
}
