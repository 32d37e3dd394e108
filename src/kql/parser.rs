//! The KQL parser: tokens → [`Query`] (recursive descent; expressions by precedence climbing).
//!
//! Precedence, loosest first: `or`, `and`, comparisons and string/set operators (`==`, `has`, `in`, `between` …),
//! `+ -`, `* / %`, unary `-`, postfix `.name` / `[index]`. KQL keywords are not reserved, so operator words
//! (`has`, `by`, `asc`) are recognised by position. Nothing here panics: every lookahead past the end sees `Eof`,
//! and nesting is capped so a hostile query cannot overflow the stack.
//!
//! Three tolerances for msticpy's template quirks, which Kusto itself rejects (see the module docs of
//! [`super`]): a table name repeated at the start of the query body, `in~ in (…)`, and unbalanced `)` at the very
//! end of the query.

use serde_json::Value as Json;

use super::ast::*;
use super::lexer::{tokenize, Tok, Token};
use super::KqlError;
use crate::error::closest;
use crate::time::{format_datetime_ns, format_timespan_ns, parse_datetime, parse_timespan};

/// Deepest nesting of expressions/pipelines accepted.
const MAX_DEPTH: usize = 64;

/// Highest expression tree accepted ([`Expr::height`]): chains written flat (`a + b + c …`, `x.a.b.c …`,
/// `x[0][0] …`, `a == b == c …`) build one level per operator, and evaluation recurses through every level.
/// `and`/`or` chains are built balanced, so they are not limited by this.
pub(crate) const MAX_HEIGHT: u32 = 256;

/// Operators this parser knows (for "did you mean" on a typo).
const KNOWN_OPS: [&str; 33] = [
    "where", "filter", "extend", "project", "project-away", "project-keep", "project-reorder", "project-rename",
    "take", "limit", "sort", "order", "top", "summarize", "count", "distinct", "render", "union", "mv-expand",
    "mvexpand", "join", "serialize", "as", "getschema", "make-series", "parse", "parse-where", "lookup", "invoke",
    "project-smart", "mv-apply", "evaluate", "top-nested",
];

/// The `evaluate` plugins that run on local tables.
const EVALUATE_PLUGINS: [&str; 5] = ["bag_unpack", "pivot", "basket", "autocluster", "narrow"];

/// Operators that exist in KQL but are not implemented yet.
const LATER_OPS: [&str; 10] = [
    "parse-kv", "sample", "sample-distinct", "top-hitters", "search", "find",
    "scan", "partition", "fork", "facet",
];

/// `a op b op c …` (`and`/`or`, which are associative) as a balanced tree: a chain of n terms is log2(n) high.
fn balanced(op: BinOp, mut terms: Vec<Expr>) -> Expr {
    // Pair neighbours until one is left: the order of the terms is kept, so spans and evaluation order stay.
    while terms.len() > 1 {
        let mut next = Vec::with_capacity(terms.len().div_ceil(2));
        let mut it = terms.into_iter();
        while let Some(l) = it.next() {
            match it.next() {
                Some(r) => {
                    let span = l.span.to(r.span);
                    next.push(Expr::new(ExprKind::Binary(op, Box::new(l), Box::new(r)), span));
                }
                None => next.push(l),
            }
        }
        terms = next;
    }
    terms.pop().unwrap_or_else(|| Expr::new(ExprKind::Lit(Lit::Null), Span::default()))
}

/// The parameter names of the built-in functions whose arguments Kusto lets a query name (`make_set(X,
/// MaxSize=8)`, the `evaluate bag_unpack(X, columnsConflict='replace_source')` plugin), in their positions, and how
/// many are required; names compare without case.
fn named_params(function: &str) -> Option<(&'static [&'static str], usize)> {
    Some(match function {
        "make_set" | "makeset" | "make_list" | "makelist" | "make_bag" | "make_list_with_nulls" => (&["Expr", "MaxSize"], 1),
        "make_set_if" | "make_list_if" | "make_bag_if" => (&["Expr", "Predicate", "MaxSize"], 2),
        "bag_unpack" => (&["Column", "OutputColumnPrefix", "columnsConflict", "ignoredProperties"], 1),
        _ => return None,
    })
}

/// Puts named arguments (`MaxSize=8`) in their positions among `args` (an optional one left out before them is
/// null); an unknown name, a position given twice or a required one left out is an error.
fn place_named(function: &str, args: &mut Vec<Expr>, named: Vec<(Ident, Expr)>) -> Result<(), KqlError> {
    let Some((params, required)) = named_params(function) else {
        // another function's parameters are known when it is called (a user-defined function binds them by name)
        args.extend(named.into_iter().map(|(id, e)| {
            let span = id.span.to(e.span);
            Expr::new(ExprKind::NamedArg(id, Box::new(e)), span)
        }));
        return Ok(());
    };
    let mut slots: Vec<Option<Expr>> = std::mem::take(args).into_iter().map(Some).collect();
    for (id, e) in named {
        let Some(i) = params.iter().position(|p| p.eq_ignore_ascii_case(&id.name)) else {
            return Err(KqlError::at(id.span, format!("{function}() has no argument named '{}' (its arguments are {})", id.name, params.join(", "))));
        };
        if slots.len() <= i {
            slots.resize(i + 1, None);
        }
        if slots[i].is_some() {
            return Err(KqlError::at(id.span, format!("the argument '{}' of {function}() is given twice", params[i])));
        }
        slots[i] = Some(e);
    }
    for (i, s) in slots.into_iter().enumerate() {
        match s {
            Some(e) => args.push(e),
            None if i >= required => args.push(Expr::new(ExprKind::Lit(Lit::Null), Span::default())),
            None => return Err(KqlError::msg(format!("{function}() needs its argument '{}'", params[i]))),
        }
    }
    Ok(())
}

/// The error for an `evaluate` plugin that does not run here.
fn plugin_unsupported(plugin: &Ident) -> KqlError {
    KqlError::at(plugin.span, format!("the evaluate plugin '{}' is not supported yet (supported: {})", plugin.name, EVALUATE_PLUGINS.join(", ")))
}

/// Parses a whole query.
pub fn parse_query(src: &str) -> Result<Query, KqlError> {
    let toks = tokenize(src)?;
    let mut p = Parser { toks, pos: 0, depth: 0, max_height: 0, src };
    p.query()
}

struct Parser<'a> {
    toks: Vec<Token>,
    pos: usize,
    depth: usize,
    /// The highest expression finished inside the tabular expression being parsed (its height is one more).
    max_height: u32,
    src: &'a str,
}

impl Parser<'_> {
    // ----- token helpers -------------------------------------------------------------------------------------

    fn tok_at(&self, i: usize) -> &Token {
        let last = self.toks.len().saturating_sub(1);
        &self.toks[i.min(last)]
    }

    fn peek(&self) -> &Tok {
        &self.tok_at(self.pos).tok
    }

    fn peek_n(&self, n: usize) -> &Tok {
        &self.tok_at(self.pos + n).tok
    }

    fn span(&self) -> Span {
        self.tok_at(self.pos).span
    }

    fn prev_span(&self) -> Span {
        if self.pos == 0 {
            Span::default()
        } else {
            self.tok_at(self.pos - 1).span
        }
    }

    fn bump(&mut self) -> Token {
        let t = self.tok_at(self.pos).clone();
        if self.pos < self.toks.len() {
            self.pos += 1;
        }
        t
    }

    fn is_punct(&self, p: &str) -> bool {
        matches!(self.peek(), Tok::Punct(q) if *q == p)
    }

    fn is_punct_n(&self, n: usize, p: &str) -> bool {
        matches!(self.peek_n(n), Tok::Punct(q) if *q == p)
    }

    fn is_word(&self, w: &str) -> bool {
        matches!(self.peek(), Tok::Ident(s) if s == w)
    }

    fn is_word_n(&self, n: usize, w: &str) -> bool {
        matches!(self.peek_n(n), Tok::Ident(s) if s == w)
    }

    /// Whether tokens `pos+n` and `pos+n+1` touch (no space between).
    fn adjacent(&self, n: usize) -> bool {
        self.tok_at(self.pos + n).span.end == self.tok_at(self.pos + n + 1).span.start
    }

    fn eat_punct(&mut self, p: &str) -> bool {
        if self.is_punct(p) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn eat_word(&mut self, w: &str) -> bool {
        if self.is_word(w) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// How the current token reads in an error message.
    fn found(&self) -> String {
        let t = self.tok_at(self.pos);
        match t.tok {
            Tok::Eof => "the end of the query".to_string(),
            _ => {
                let text = self.src.get(t.span.start..t.span.end).unwrap_or("?");
                let short: String = text.chars().take(40).collect();
                format!("'{short}'")
            }
        }
    }

    fn error(&self, expected: &str) -> KqlError {
        KqlError::at(self.span(), format!("expected {expected}, found {}", self.found()))
    }

    fn expect_punct(&mut self, p: &str) -> Result<Span, KqlError> {
        if self.is_punct(p) {
            Ok(self.bump().span)
        } else {
            Err(self.error(&format!("'{p}'")))
        }
    }

    fn expect_word(&mut self, w: &str) -> Result<Span, KqlError> {
        if self.is_word(w) {
            Ok(self.bump().span)
        } else {
            Err(self.error(&format!("'{w}'")))
        }
    }

    fn enter(&mut self) -> Result<(), KqlError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(KqlError::at(self.span(), "the query is nested too deeply"));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// Refuses an expression tree higher than [`MAX_HEIGHT`] (see there), and remembers the highest one seen.
    fn check_height(&mut self, e: &Expr) -> Result<(), KqlError> {
        if e.height > MAX_HEIGHT {
            return Err(KqlError::at(
                e.span,
                format!(
                    "the expression is too long: more than {MAX_HEIGHT} levels of chained operators ('+', '-', '*', \
                     comparisons, '.name', '[index]') or nesting; split it with extend, or use in (…) / has_any (…) \
                     for long lists of alternatives"
                ),
            ));
        }
        self.max_height = self.max_height.max(e.height);
        Ok(())
    }

    // ----- statements ----------------------------------------------------------------------------------------

    fn query(&mut self) -> Result<Query, KqlError> {
        let mut lets = Vec::new();
        let mut body: Option<Expr> = None;
        loop {
            while self.eat_punct(";") {}
            if matches!(self.peek(), Tok::Eof) {
                break;
            }
            if self.is_word("let") && matches!(self.peek_n(1), Tok::Ident(_)) {
                lets.push(self.let_statement()?);
            } else if self.is_word("set") || self.is_word("declare") || self.is_word("alias") || self.is_word("restrict") {
                // query options / parameter declarations: nothing to do locally
                while !matches!(self.peek(), Tok::Eof) && !self.is_punct(";") {
                    self.bump();
                }
            } else {
                // Tolerance: a table name written twice (`HuntingBookmark  HuntingBookmark | where …`, a msticpy
                // template quirk) is read once.
                if let (Tok::Ident(a), Tok::Ident(b)) = (self.peek(), self.peek_n(1)) {
                    if a == b && (self.is_punct_n(2, "|") || self.is_punct_n(2, ";") || matches!(self.peek_n(2), Tok::Eof)) {
                        self.bump();
                    }
                }
                if let Some(prev) = &body {
                    return Err(KqlError::at(
                        self.span(),
                        format!(
                            "a query has one tabular expression; another starts here after the one at {} (is a ';' misplaced?)",
                            super::position_text(self.src, prev.span.start)
                        ),
                    ));
                }
                body = Some(self.expr_or_tabular()?);
                // Tolerance: unbalanced ')' at the very end of the query (a msticpy template quirk) are ignored.
                let mut k = 0;
                while self.is_punct_n(k, ")") {
                    k += 1;
                }
                if k > 0 && (matches!(self.peek_n(k), Tok::Eof) || self.is_punct_n(k, ";")) {
                    for _ in 0..k {
                        self.bump();
                    }
                }
            }
            if !self.eat_punct(";") && !matches!(self.peek(), Tok::Eof) {
                return Err(self.error("'|', ';' or the end of the query"));
            }
        }
        let body = body.ok_or_else(|| {
            KqlError::at(Span::new(self.src.len(), self.src.len()), "the query has no tabular expression (only lets, or nothing)")
        })?;
        Ok(Query { lets, body })
    }

    fn let_statement(&mut self) -> Result<Let, KqlError> {
        self.expect_word("let")?;
        let name = self.ident("a name")?;
        self.expect_punct("=")?;
        let is_view = self.is_word("view") && self.is_punct_n(1, "(");
        let off = usize::from(is_view);
        let is_function = self.is_punct_n(off, "(")
            && (self.is_punct_n(off + 1, ")") && self.is_punct_n(off + 2, "{")
                || matches!(self.peek_n(off + 1), Tok::Ident(_)) && self.is_punct_n(off + 2, ":"));
        if is_function {
            let start = self.span();
            if is_view {
                self.bump();
            }
            let def = self.function_def()?;
            let value = Expr::new(ExprKind::Function(Box::new(def)), start.to(self.prev_span()));
            return Ok(Let { name, value, kind: Default::default() });
        }
        let value = self.expr_or_tabular()?;
        Ok(Let { name, value, kind: Default::default() })
    }

    /// `(params) { [let …;]* body }` of a user-defined function.
    fn function_def(&mut self) -> Result<FuncDef, KqlError> {
        self.enter()?;
        let r = self.function_def_inner();
        self.leave();
        r
    }

    fn function_def_inner(&mut self) -> Result<FuncDef, KqlError> {
        self.expect_punct("(")?;
        let mut params = Vec::new();
        while !self.is_punct(")") {
            let name = self.ident("a parameter name")?;
            self.expect_punct(":")?;
            let ty = if self.eat_punct("(") {
                // a tabular parameter: `(*)` or `(col:type, …)`
                let mut depth = 1usize;
                while depth > 0 {
                    match self.bump().tok {
                        Tok::Punct("(") => depth += 1,
                        Tok::Punct(")") => depth -= 1,
                        Tok::Eof => return Err(self.error("')' closing the tabular parameter's schema")),
                        _ => {}
                    }
                }
                None
            } else {
                Some(self.ident("a parameter type (string, long, datetime, dynamic …)")?.name)
            };
            let default = if self.eat_punct("=") { Some(self.expr()?) } else { None };
            params.push(FuncParam { name, ty, default });
            if !self.eat_punct(",") {
                break;
            }
        }
        self.expect_punct(")")?;
        self.expect_punct("{")?;
        let mut lets = Vec::new();
        let mut body: Option<Expr> = None;
        loop {
            while self.eat_punct(";") {}
            if self.is_punct("}") {
                break;
            }
            if self.is_word("let") && matches!(self.peek_n(1), Tok::Ident(_)) && body.is_none() {
                lets.push(self.let_statement()?);
            } else if body.is_none() {
                body = Some(self.expr_or_tabular()?);
            } else {
                return Err(self.error("'}' closing the function body"));
            }
            if !self.eat_punct(";") && !self.is_punct("}") {
                return Err(self.error("';' or '}'"));
            }
        }
        let end = self.expect_punct("}")?;
        let body = body.ok_or_else(|| KqlError::at(end, "the function body has no expression"))?;
        Ok(FuncDef { params, lets, body })
    }

    fn ident(&mut self, what: &str) -> Result<Ident, KqlError> {
        match self.peek().clone() {
            Tok::Ident(name) => {
                let span = self.bump().span;
                Ok(Ident { name, span })
            }
            Tok::Punct("[") => {
                if let (Tok::Str(s), true) = (self.peek_n(1).clone(), self.is_punct_n(2, "]")) {
                    let start = self.bump().span;
                    self.bump();
                    let end = self.bump().span;
                    Ok(Ident { name: s, span: start.to(end) })
                } else {
                    Err(self.error(what))
                }
            }
            _ => Err(self.error(what)),
        }
    }

    // ----- tabular expressions -------------------------------------------------------------------------------

    /// A scalar expression, or a tabular one when pipes follow (`T | where …`) or it starts with `union`.
    fn expr_or_tabular(&mut self) -> Result<Expr, KqlError> {
        self.enter()?;
        let outer = std::mem::replace(&mut self.max_height, 0);
        let r = self.expr_or_tabular_inner();
        let inner = std::mem::replace(&mut self.max_height, outer);
        self.leave();
        let mut e = r?;
        if matches!(
            e.kind,
            ExprKind::Tabular(_) | ExprKind::Union(_) | ExprKind::DataTable { .. } | ExprKind::Print(_) | ExprKind::Range { .. }
        ) {
            e.height = e.height.max(inner.saturating_add(1));
        }
        self.check_height(&e)?;
        Ok(e)
    }

    fn expr_or_tabular_inner(&mut self) -> Result<Expr, KqlError> {
        let start = self.span();
        let source = match self.special_source()? {
            Some(src) => src,
            None => self.expr()?,
        };
        if !self.is_punct("|") {
            return Ok(source);
        }
        self.pipeline(source, start)
    }

    /// The pipe operators after `source`.
    #[inline(never)]
    fn pipeline(&mut self, source: Expr, start: Span) -> Result<Expr, KqlError> {
        let mut ops = Vec::new();
        while self.eat_punct("|") {
            ops.push(self.operator()?);
        }
        let span = start.to(self.prev_span());
        Ok(Expr::new(ExprKind::Tabular(Box::new(Tabular { source, ops })), span))
    }

    /// A source that is not an expression: `union …`, `datatable(…) […]`, `print …`, `range …`.
    #[inline(never)]
    fn special_source(&mut self) -> Result<Option<Expr>, KqlError> {
        let start = self.span();
        let src = if self.is_word("union") && !self.is_punct_n(1, "|") {
            self.bump();
            let spec = self.union_spec()?;
            Expr::new(ExprKind::Union(Box::new(spec)), start.to(self.prev_span()))
        } else if self.is_word("datatable") && self.is_punct_n(1, "(") {
            self.bump();
            self.datatable(start)?
        } else if self.is_word("print") && !self.is_punct_n(1, "|") && !self.is_punct_n(1, "(") {
            self.bump();
            let items = self.assign_list(false)?;
            Expr::new(ExprKind::Print(items), start.to(self.prev_span()))
        } else if self.is_word("range") && matches!(self.peek_n(1), Tok::Ident(_)) && self.is_word_n(2, "from") {
            self.bump();
            let name = self.ident("a column name")?;
            self.expect_word("from")?;
            let from = self.expr()?;
            self.expect_word("to")?;
            let to = self.expr()?;
            self.expect_word("step")?;
            let step = self.expr()?;
            Expr::new(ExprKind::Range { name, from: Box::new(from), to: Box::new(to), step: Box::new(step) }, start.to(self.prev_span()))
        } else {
            if self.is_word("evaluate") && matches!(self.peek_n(1), Tok::Ident(_)) && self.is_punct_n(2, "(") {
                // a plugin as a source (`evaluate python(…)`, `evaluate sql_request(…)`): none runs here
                self.bump();
                let plugin = self.ident("a plugin name")?;
                return Err(plugin_unsupported(&plugin));
            }
            for later in ["externaldata", "evaluate", "find", "search"] {
                if self.is_word(later) && !self.is_punct_n(1, "|") && !self.is_punct_n(1, ")") && !self.is_punct_n(1, ";") {
                    return Err(KqlError::at(self.span(), format!("'{later}' is not supported yet")));
                }
            }
            return Ok(None);
        };
        Ok(Some(src))
    }

    /// `(a:string, b:long) [values…]` after `datatable`.
    fn datatable(&mut self, start: Span) -> Result<Expr, KqlError> {
        self.expect_punct("(")?;
        let mut columns = Vec::new();
        loop {
            let name = self.ident("a column name")?;
            self.expect_punct(":")?;
            let ty = self.ident("a type (string, long, real, bool, datetime, timespan, dynamic …)")?;
            columns.push((name, ty.name));
            if !self.eat_punct(",") {
                break;
            }
        }
        self.expect_punct(")")?;
        self.expect_punct("[")?;
        let mut values = Vec::new();
        while !self.is_punct("]") {
            values.push(self.expr()?);
            if !self.eat_punct(",") {
                break;
            }
        }
        self.expect_punct("]")?;
        Ok(Expr::new(ExprKind::DataTable { columns, values }, start.to(self.prev_span())))
    }

    /// `[kind=…] [withsource=…] [isfuzzy=…] T1, (T2 | …), …`
    fn union_spec(&mut self) -> Result<UnionSpec, KqlError> {
        let mut spec = UnionSpec { inner: false, withsource: None, isfuzzy: false, tables: Vec::new() };
        while let (Tok::Ident(param), true) = (self.peek().clone(), self.is_punct_n(1, "=")) {
            self.bump();
            self.bump();
            let value = self.param_value()?;
            match param.as_str() {
                "kind" => spec.inner = value == "inner",
                "withsource" | "WithSource" => spec.withsource = Some(value),
                "isfuzzy" => spec.isfuzzy = value == "true",
                _ => {}
            }
        }
        loop {
            let start = self.span();
            if self.eat_punct("(") {
                let inner = self.expr_or_tabular()?;
                self.expect_punct(")")?;
                spec.tables.push(Expr::new(inner.kind, start.to(self.prev_span())));
            } else if matches!(self.peek(), Tok::Ident(_) | Tok::Punct("*")) {
                // a name, or a pattern with `*` glued to it (`Security*`, `*`)
                let mut name = String::new();
                loop {
                    match self.peek().clone() {
                        Tok::Ident(s) => name.push_str(&s),
                        Tok::Punct("*") => name.push('*'),
                        _ => break,
                    }
                    let glued = self.adjacent(0) && matches!(self.peek_n(1), Tok::Ident(_) | Tok::Punct("*"));
                    self.bump();
                    if !glued {
                        break;
                    }
                }
                spec.tables.push(Expr::new(ExprKind::Name(name), start.to(self.prev_span())));
            } else {
                let id = self.ident("a table name")?;
                spec.tables.push(Expr::new(ExprKind::Name(id.name), id.span));
            }
            if !self.eat_punct(",") {
                break;
            }
        }
        Ok(spec)
    }

    /// A `name=value` parameter value: a word, a literal or a dotted name.
    fn param_value(&mut self) -> Result<String, KqlError> {
        let t = self.bump();
        let mut v = match t.tok {
            Tok::Ident(s) | Tok::Str(s) => s,
            Tok::Long(n) => n.to_string(),
            Tok::Real(r) => r.to_string(),
            _ => return Err(KqlError::at(t.span, "expected a parameter value")),
        };
        while self.is_punct(".") && matches!(self.peek_n(1), Tok::Ident(_)) {
            self.bump();
            if let Tok::Ident(s) = self.bump().tok {
                v.push('.');
                v.push_str(&s);
            }
        }
        Ok(v)
    }

    /// Skips `hint.x = value` style parameters.
    fn skip_hints(&mut self) -> Result<(), KqlError> {
        while self.is_word("hint") && self.is_punct_n(1, ".") {
            self.bump();
            self.bump();
            self.ident("a hint name")?;
            self.expect_punct("=")?;
            self.param_value()?;
        }
        Ok(())
    }

    /// The operator's name, dashes joined (`project-away`).
    fn op_name(&mut self) -> Result<(String, Span), KqlError> {
        if !matches!(self.peek(), Tok::Ident(_)) {
            return Err(self.error("an operator after '|'"));
        }
        let t = self.bump();
        let Tok::Ident(mut name) = t.tok else {
            return Err(KqlError::at(t.span, "expected an operator after '|'"));
        };
        let mut span = t.span;
        while self.is_punct("-")
            && self.tok_at(self.pos - 1).span.end == self.span().start
            && matches!(self.peek_n(1), Tok::Ident(_))
            && self.adjacent(0)
        {
            self.bump();
            if let Token { tok: Tok::Ident(part), span: s } = self.bump() {
                name.push('-');
                name.push_str(&part);
                span = span.to(s);
            }
        }
        Ok((name, span))
    }

    fn operator(&mut self) -> Result<Op, KqlError> {
        let (name, name_span) = self.op_name()?;
        let kind = match name.as_str() {
            "where" | "filter" => OpKind::Where(self.expr()?),
            "extend" => OpKind::Extend(self.assign_list(false)?),
            "project" => OpKind::Project(self.assign_list(false)?),
            "project-away" => OpKind::ProjectAway(self.name_list()?),
            "project-keep" => OpKind::ProjectKeep(self.name_list()?),
            "project-reorder" => OpKind::ProjectReorder(self.name_list()?),
            "project-rename" => {
                let mut pairs = Vec::new();
                loop {
                    let new = self.ident("a new column name")?;
                    self.expect_punct("=")?;
                    let old = self.ident("the column to rename")?;
                    pairs.push((new, old));
                    if !self.eat_punct(",") {
                        break;
                    }
                }
                OpKind::ProjectRename(pairs)
            }
            "take" | "limit" => OpKind::Take(self.expr()?),
            "sort" | "order" => {
                self.expect_word("by")?;
                OpKind::Sort(self.sort_keys()?)
            }
            "top" => {
                let n = self.expr()?;
                self.expect_word("by")?;
                OpKind::Top { n, by: self.sort_keys()? }
            }
            "top-nested" => self.top_nested()?,
            "summarize" => {
                self.skip_hints()?;
                let aggs = if self.is_word("by") { Vec::new() } else { self.assign_list(true)? };
                let by = if self.eat_word("by") { self.assign_list(false)? } else { Vec::new() };
                if aggs.is_empty() && by.is_empty() {
                    return Err(self.error("an aggregation or 'by'"));
                }
                OpKind::Summarize { aggs, by }
            }
            "count" => OpKind::Count,
            "distinct" => {
                if self.is_punct("*") {
                    self.bump();
                    OpKind::Distinct { cols: Vec::new(), star: true }
                } else {
                    OpKind::Distinct { cols: self.assign_list(false)?, star: false }
                }
            }
            "render" => {
                let kind = self.ident("a chart kind")?.name;
                // `with (…)` and anything else up to the next pipe is presentation only
                let mut depth = 0usize;
                loop {
                    match self.peek() {
                        Tok::Eof => break,
                        Tok::Punct("(") => depth += 1,
                        Tok::Punct(")") if depth == 0 => break,
                        Tok::Punct(")") => depth -= 1,
                        Tok::Punct("|") | Tok::Punct(";") if depth == 0 => break,
                        _ => {}
                    }
                    self.bump();
                }
                OpKind::Render { kind }
            }
            "union" => OpKind::Union(self.union_spec()?),
            "mv-expand" | "mvexpand" => self.mv_expand()?,
            "mv-apply" => self.mv_apply()?,
            "evaluate" => self.evaluate()?,
            "join" => self.join()?,
            "lookup" => self.lookup()?,
            "make-series" => self.make_series()?,
            "parse" | "parse-where" => self.parse_op(name == "parse-where")?,
            "invoke" => {
                let fname = self.ident("a function name")?;
                let start = fname.span;
                let call = self.call(fname.name.clone(), start)?;
                let ExprKind::Call { args, .. } = call.kind else { return Err(KqlError::at(start, "expected a function call")) };
                OpKind::Invoke { name: fname, args }
            }
            "project-smart" => OpKind::NoOp,
            "serialize" => {
                // `serialize [Name = Expr, …]`: local tables keep their row order, so only the columns are work
                if !self.is_punct("|") && !self.is_punct(")") && !self.is_punct(";") && !matches!(self.peek(), Tok::Eof) {
                    OpKind::Extend(self.assign_list(false)?)
                } else {
                    OpKind::NoOp
                }
            }
            "as" => {
                self.skip_hints()?;
                self.ident("a name")?;
                OpKind::NoOp
            }
            other if LATER_OPS.contains(&other) => {
                return Err(KqlError::at(name_span, format!("the '{other}' operator is not supported yet")));
            }
            other => {
                let known: Vec<String> = KNOWN_OPS.iter().chain(LATER_OPS.iter()).map(|s| s.to_string()).collect();
                let hint = closest(other, &known).map(|s| format!(" (did you mean '{s}'?)")).unwrap_or_default();
                return Err(KqlError::at(name_span, format!("unknown operator '{other}'{hint}")));
            }
        };
        Ok(Op { kind, span: name_span.to(self.prev_span()) })
    }

    fn sort_keys(&mut self) -> Result<Vec<SortKey>, KqlError> {
        let mut keys = Vec::new();
        loop {
            let expr = self.expr()?;
            let mut desc = true;
            if self.eat_word("asc") {
                desc = false;
            } else if self.eat_word("desc") {
                desc = true;
            }
            let mut nulls_last = None;
            if self.eat_word("nulls") {
                if self.eat_word("first") {
                    nulls_last = Some(false);
                } else if self.eat_word("last") {
                    nulls_last = Some(true);
                } else {
                    return Err(self.error("'first' or 'last'"));
                }
            }
            keys.push(SortKey { expr, desc, nulls_last });
            if !self.eat_punct(",") {
                break;
            }
        }
        Ok(keys)
    }

    /// `[name =] expr, …`; in `summarize` (`stop_at_by`) the list ends at `by`.
    fn assign_list(&mut self, stop_at_by: bool) -> Result<Vec<Assign>, KqlError> {
        let mut out = Vec::new();
        loop {
            if stop_at_by && self.is_word("by") {
                break;
            }
            out.push(self.assign()?);
            if !self.eat_punct(",") {
                break;
            }
        }
        Ok(out)
    }

    fn assign(&mut self) -> Result<Assign, KqlError> {
        let named = match self.peek() {
            Tok::Ident(_) => self.is_punct_n(1, "="),
            Tok::Punct("[") => matches!(self.peek_n(1), Tok::Str(_)) && self.is_punct_n(2, "]") && self.is_punct_n(3, "="),
            Tok::Punct("(") => {
                // `(a, b) = f(…)`
                let mut i = 1;
                while matches!(self.peek_n(i), Tok::Ident(_)) && self.is_punct_n(i + 1, ",") {
                    i += 2;
                }
                if matches!(self.peek_n(i), Tok::Ident(_)) && self.is_punct_n(i + 1, ")") && self.is_punct_n(i + 2, "=") && !self.is_punct_n(i + 3, "=") {
                    self.bump();
                    let mut names = Vec::new();
                    loop {
                        names.push(self.ident("a column name")?);
                        if !self.eat_punct(",") {
                            break;
                        }
                    }
                    self.expect_punct(")")?;
                    self.expect_punct("=")?;
                    let expr = self.expr()?;
                    let first = names.remove(0);
                    return Ok(Assign { name: Some(first), expr, more_names: names });
                }
                false
            }
            _ => false,
        };
        let name = if named {
            let id = self.ident("a column name")?;
            self.expect_punct("=")?;
            Some(id)
        } else {
            None
        };
        let expr = self.expr()?;
        Ok(Assign { name, expr, more_names: Vec::new() })
    }

    /// Column names, with `*` wildcards (`Tenant*`), for `project-away` and friends.
    fn name_list(&mut self) -> Result<Vec<Ident>, KqlError> {
        let mut out = Vec::new();
        loop {
            let start = self.span();
            let mut name = String::new();
            if let (Tok::Punct("["), Tok::Str(s)) = (self.peek().clone(), self.peek_n(1).clone()) {
                if self.is_punct_n(2, "]") {
                    self.bump();
                    self.bump();
                    self.bump();
                    name = s;
                }
            }
            if name.is_empty() {
                loop {
                    match self.peek().clone() {
                        Tok::Ident(s) => name.push_str(&s),
                        Tok::Punct("*") => name.push('*'),
                        // digits after a wildcard: `project-away *1` (the `Key1` columns a join adds)
                        Tok::Long(n) if !name.is_empty() && n >= 0 => name.push_str(&n.to_string()),
                        _ => break,
                    }
                    let glued = self.adjacent(0) && matches!(self.peek_n(1), Tok::Ident(_) | Tok::Punct("*") | Tok::Long(_));
                    self.bump();
                    if !glued {
                        break;
                    }
                }
            }
            if name.is_empty() {
                return Err(self.error("a column name"));
            }
            out.push(Ident { name, span: start.to(self.prev_span()) });
            // project-reorder: `asc`/`desc`/`granny-asc` after a name only orders wildcard matches
            while self.is_word("asc") || self.is_word("desc") {
                self.bump();
            }
            if !self.eat_punct(",") {
                break;
            }
        }
        Ok(out)
    }

    fn mv_expand(&mut self) -> Result<OpKind, KqlError> {
        let mut item_index = None;
        while let (Tok::Ident(p), true) = (self.peek().clone(), self.is_punct_n(1, "=")) {
            if p == "bagexpansion" || p == "with_itemindex" || p == "kind" {
                self.bump();
                self.bump();
                if p == "with_itemindex" {
                    item_index = Some(self.ident("a column name for the item index")?);
                } else {
                    self.param_value()?;
                }
            } else {
                break;
            }
        }
        let mut items = Vec::new();
        loop {
            let a = self.assign()?;
            let mut to_type = None;
            if self.eat_word("to") {
                self.expect_word("typeof")?;
                self.expect_punct("(")?;
                to_type = Some(self.ident("a type name")?.name);
                self.expect_punct(")")?;
            }
            items.push(MvItem { name: a.name, expr: a.expr, to_type });
            if !self.eat_punct(",") {
                break;
            }
        }
        let limit = if self.eat_word("limit") { Some(self.expr()?) } else { None };
        Ok(OpKind::MvExpand { items, limit, item_index })
    }

    /// `mv-apply … on (op | op …)`: the items as `mv-expand` reads them, then a subquery whose input is implicit (it
    /// starts with an operator).
    fn mv_apply(&mut self) -> Result<OpKind, KqlError> {
        let OpKind::MvExpand { items, limit, item_index } = self.mv_expand()? else {
            return Err(self.error("the columns to expand"));
        };
        self.expect_word("on")?;
        self.expect_punct("(")?;
        self.enter()?;
        let r = self.sub_operators();
        self.leave();
        let ops = r?;
        self.expect_punct(")")?;
        Ok(OpKind::MvApply { items, limit, item_index, ops })
    }

    /// `evaluate [hint.x = …] plugin(args)`: a plugin that does not run here is named in the error.
    fn evaluate(&mut self) -> Result<OpKind, KqlError> {
        self.skip_hints()?;
        let plugin = self.ident("a plugin name")?;
        if !EVALUATE_PLUGINS.contains(&plugin.name.as_str()) {
            return Err(plugin_unsupported(&plugin));
        }
        let call = self.call(plugin.name.clone(), plugin.span)?;
        let ExprKind::Call { args, .. } = call.kind else { return Err(KqlError::at(plugin.span, "expected a plugin call")) };
        Ok(OpKind::Evaluate { plugin, args })
    }

    /// `top-nested [N] of [Name =] Expr [with others = Value] by [Name =] Aggregation [asc|desc] [, top-nested …]`.
    fn top_nested(&mut self) -> Result<OpKind, KqlError> {
        let mut levels = Vec::new();
        loop {
            if levels.len() >= MAX_DEPTH {
                return Err(KqlError::at(self.span(), format!("top-nested has more than {MAX_DEPTH} levels")));
            }
            let n = if self.is_word("of") { None } else { Some(self.expr()?) };
            self.expect_word("of")?;
            let value = self.assign()?;
            let others = if self.eat_word("with") {
                self.expect_word("others")?;
                self.expect_punct("=")?;
                Some(self.expr()?)
            } else {
                None
            };
            self.expect_word("by")?;
            let agg = self.assign()?;
            let desc = !self.eat_word("asc");
            if desc {
                self.eat_word("desc");
            }
            levels.push(TopNestedLevel { n, value, others, agg, desc });
            let more = self.is_punct(",") && self.is_word_n(1, "top") && self.is_punct_n(2, "-") && self.is_word_n(3, "nested");
            if !more {
                break;
            }
            self.bump();
            let (name, span) = self.op_name()?;
            if name != "top-nested" {
                return Err(KqlError::at(span, "expected 'top-nested'"));
            }
        }
        Ok(OpKind::TopNested(levels))
    }

    /// `op | op …` without a source (the subquery of `mv-apply`).
    fn sub_operators(&mut self) -> Result<Vec<Op>, KqlError> {
        let mut ops = vec![self.operator()?];
        while self.eat_punct("|") {
            ops.push(self.operator()?);
        }
        Ok(ops)
    }

    fn join(&mut self) -> Result<OpKind, KqlError> {
        let mut kind = JoinKind::InnerUnique;
        loop {
            if self.is_word("kind") && self.is_punct_n(1, "=") {
                let kspan = self.span();
                self.bump();
                self.bump();
                let k = self.param_value()?;
                kind = match k.as_str() {
                    "innerunique" => JoinKind::InnerUnique,
                    "inner" => JoinKind::Inner,
                    "leftouter" => JoinKind::LeftOuter,
                    "rightouter" => JoinKind::RightOuter,
                    "fullouter" | "outer" => JoinKind::FullOuter,
                    "leftanti" | "anti" | "leftantisemi" => JoinKind::LeftAnti,
                    "rightanti" | "rightantisemi" => JoinKind::RightAnti,
                    "leftsemi" | "semi" => JoinKind::LeftSemi,
                    "rightsemi" => JoinKind::RightSemi,
                    other => return Err(KqlError::at(kspan.to(self.prev_span()), format!("unknown join kind '{other}'"))),
                };
            } else if self.is_word("hint") {
                self.skip_hints()?;
            } else {
                break;
            }
        }
        let (right, on) = self.join_right_and_keys()?;
        Ok(OpKind::Join { kind, right, on })
    }

    /// `lookup [kind=leftouter|inner] (T) on keys`.
    fn lookup(&mut self) -> Result<OpKind, KqlError> {
        let mut inner = false;
        while let (Tok::Ident(p), true) = (self.peek().clone(), self.is_punct_n(1, "=")) {
            let pspan = self.span();
            self.bump();
            self.bump();
            let v = self.param_value()?;
            if p == "kind" {
                inner = match v.as_str() {
                    "inner" => true,
                    "leftouter" => false,
                    other => return Err(KqlError::at(pspan.to(self.prev_span()), format!("unknown lookup kind '{other}' (leftouter or inner)"))),
                };
            }
        }
        let (right, on) = self.join_right_and_keys()?;
        Ok(OpKind::Lookup { inner, right, on })
    }

    /// The right table of a join/lookup and its `on` keys.
    fn join_right_and_keys(&mut self) -> Result<(Expr, Vec<JoinKey>), KqlError> {
        let start = self.span();
        let right = if self.eat_punct("(") {
            let inner = self.expr_or_tabular()?;
            self.expect_punct(")")?;
            Expr::new(inner.kind, start.to(self.prev_span()))
        } else {
            let id = self.ident("the right table of the join")?;
            Expr::new(ExprKind::Name(id.name), id.span)
        };
        self.expect_word("on")?;
        let mut on = Vec::new();
        loop {
            let side = |p: &mut Self, want: &str| -> Result<Ident, KqlError> {
                if p.is_word(want) && p.is_punct_n(1, ".") {
                    p.bump();
                    p.bump();
                    p.ident("a column name")
                } else {
                    Err(p.error(&format!("'{want}.Column'")))
                }
            };
            if self.is_word("$left") || self.is_word("$right") {
                let first_is_left = self.is_word("$left");
                let a = side(self, if first_is_left { "$left" } else { "$right" })?;
                self.expect_punct("==")?;
                let b = side(self, if first_is_left { "$right" } else { "$left" })?;
                let (left, right) = if first_is_left { (a, b) } else { (b, a) };
                on.push(JoinKey { left, right });
            } else {
                let id = self.ident("a join key column")?;
                on.push(JoinKey { left: id.clone(), right: id });
            }
            // keys are separated by ',' or, between `$left.A == $right.B` conditions, by `and`
            if !self.eat_punct(",") && !(self.is_word("and") && (self.is_word_n(1, "$left") || self.is_word_n(1, "$right")) && self.eat_word("and")) {
                break;
            }
        }
        Ok((right, on))
    }

    /// `make-series [Name =] agg [default = v], … on Axis (from a)? (to b)? step s | in range(a, b, s) [by …]`.
    fn make_series(&mut self) -> Result<OpKind, KqlError> {
        self.skip_hints()?;
        let mut aggs = Vec::new();
        loop {
            let assign = self.assign()?;
            let default = if self.is_word("default") && self.is_punct_n(1, "=") {
                self.bump();
                self.bump();
                Some(self.expr()?)
            } else {
                None
            };
            aggs.push(SeriesAgg { assign, default });
            if !self.eat_punct(",") {
                break;
            }
        }
        self.expect_word("on")?;
        // the axis stops before `in range(…)`
        let axis = self.add_expr()?;
        let (mut from, mut to, step);
        let to_inclusive = self.is_word("in");
        if self.eat_word("in") {
            self.expect_word("range")?;
            self.expect_punct("(")?;
            from = Some(self.expr()?);
            self.expect_punct(",")?;
            to = Some(self.expr()?);
            self.expect_punct(",")?;
            step = self.expr()?;
            self.expect_punct(")")?;
        } else {
            from = None;
            to = None;
            if self.eat_word("from") {
                from = Some(self.expr()?);
            }
            if self.eat_word("to") {
                to = Some(self.expr()?);
            }
            self.expect_word("step")?;
            step = self.expr()?;
        }
        let by = if self.eat_word("by") { self.assign_list(false)? } else { Vec::new() };
        Ok(OpKind::MakeSeries(Box::new(MakeSeries { aggs, axis, from, to, to_inclusive, step, by })))
    }

    /// `parse [kind=simple|regex|relaxed] [flags=…] expr with pattern`.
    fn parse_op(&mut self, drop_unmatched: bool) -> Result<OpKind, KqlError> {
        let mut kind = ParseKind::Simple;
        while let (Tok::Ident(p), true) = (self.peek().clone(), self.is_punct_n(1, "=")) {
            if p != "kind" && p != "flags" {
                break;
            }
            let pspan = self.span();
            self.bump();
            self.bump();
            let v = self.param_value()?;
            if p == "kind" {
                kind = match v.as_str() {
                    "simple" => ParseKind::Simple,
                    "relaxed" => ParseKind::Relaxed,
                    "regex" => ParseKind::Regex,
                    other => return Err(KqlError::at(pspan.to(self.prev_span()), format!("unknown parse kind '{other}' (simple, relaxed or regex)"))),
                };
            }
        }
        let expr = self.expr()?;
        self.expect_word("with")?;
        let mut parts = Vec::new();
        loop {
            match self.peek().clone() {
                Tok::Punct("*") => {
                    self.bump();
                    parts.push(ParsePart::Star);
                }
                Tok::Str(s) => {
                    self.bump();
                    parts.push(ParsePart::Lit(s));
                }
                Tok::Ident(_) | Tok::Punct("[") => {
                    let id = self.ident("a column name")?;
                    let ty = if self.eat_punct(":") { self.ident("a type")?.name } else { "string".to_string() };
                    parts.push(ParsePart::Col(id, ty));
                }
                _ => break,
            }
        }
        if !parts.iter().any(|p| matches!(p, ParsePart::Col(..))) {
            return Err(self.error("a column to extract in the parse pattern"));
        }
        Ok(OpKind::Parse(Box::new(ParseSpec { kind, drop_unmatched, expr, parts })))
    }

    // ----- scalar expressions --------------------------------------------------------------------------------

    fn expr(&mut self) -> Result<Expr, KqlError> {
        self.enter()?;
        let r = self.or_expr();
        self.leave();
        let e = r?;
        self.check_height(&e)?;
        Ok(e)
    }

    fn or_expr(&mut self) -> Result<Expr, KqlError> {
        let mut terms = vec![self.and_expr()?];
        while self.eat_word("or") {
            terms.push(self.and_expr()?);
        }
        Ok(balanced(BinOp::Or, terms))
    }

    fn and_expr(&mut self) -> Result<Expr, KqlError> {
        let mut terms = vec![self.cmp_expr()?];
        while self.eat_word("and") {
            terms.push(self.cmp_expr()?);
        }
        Ok(balanced(BinOp::And, terms))
    }

    /// The string operator at the cursor (and how many tokens it takes), if any.
    fn str_op_here(&self) -> Option<(StrOp, usize)> {
        let (negated, off) = if self.is_punct("!") && self.adjacent(0) { (true, 1) } else { (false, 0) };
        let Tok::Ident(word) = self.peek_n(off) else { return None };
        let (base, cs) = match word.strip_suffix("_cs") {
            Some(b) => (b, true),
            None => (word.as_str(), false),
        };
        let kind = match base {
            "has" => StrOpKind::Has,
            "contains" => StrOpKind::Contains,
            "startswith" => StrOpKind::StartsWith,
            "endswith" => StrOpKind::EndsWith,
            "hasprefix" => StrOpKind::HasPrefix,
            "hassuffix" => StrOpKind::HasSuffix,
            "matches" if !negated && !cs && self.is_word_n(off + 1, "regex") => {
                return Some((StrOp { kind: StrOpKind::MatchesRegex, case_sensitive: true, negated: false }, 2));
            }
            _ => return None,
        };
        Some((StrOp { kind, case_sensitive: cs, negated }, off + 1))
    }

    fn cmp_expr(&mut self) -> Result<Expr, KqlError> {
        let mut l = self.add_expr()?;
        loop {
            let op = match self.peek() {
                Tok::Punct("==") => Some(BinOp::Eq),
                Tok::Punct("!=") | Tok::Punct("<>") => Some(BinOp::Ne),
                Tok::Punct("=~") => Some(BinOp::EqCi),
                Tok::Punct("!~") => Some(BinOp::NeCi),
                Tok::Punct("<") => Some(BinOp::Lt),
                Tok::Punct("<=") => Some(BinOp::Le),
                Tok::Punct(">") => Some(BinOp::Gt),
                Tok::Punct(">=") => Some(BinOp::Ge),
                _ => None,
            };
            if let Some(op) = op {
                self.bump();
                let r = self.add_expr()?;
                let span = l.span.to(r.span);
                l = Expr::new(ExprKind::Binary(op, Box::new(l), Box::new(r)), span);
                self.check_height(&l)?;
                continue;
            }
            if let Some((sop, ntoks)) = self.str_op_here() {
                for _ in 0..ntoks {
                    self.bump();
                }
                let r = self.add_expr()?;
                let span = l.span.to(r.span);
                l = Expr::new(ExprKind::Binary(BinOp::Str(sop), Box::new(l), Box::new(r)), span);
                self.check_height(&l)?;
                continue;
            }
            // in, !in, in~, !in~, between, !between, has_any, has_all
            let (negated, off) = if self.is_punct("!") && self.adjacent(0) { (true, 1) } else { (false, 0) };
            if self.is_word_n(off, "in") {
                let ci = self.is_punct_n(off + 1, "~") && self.adjacent(off);
                for _ in 0..off + 1 + usize::from(ci) {
                    self.bump();
                }
                // Tolerance: `in~ in (…)` (a msticpy template quirk) reads as `in~ (…)`.
                if self.is_word("in") && self.is_punct_n(1, "(") {
                    self.bump();
                }
                let list = self.paren_list()?;
                let span = l.span.to(self.prev_span());
                l = Expr::new(ExprKind::In { expr: Box::new(l), list, negated, case_insensitive: ci }, span);
                self.check_height(&l)?;
                continue;
            }
            if self.is_word_n(off, "between") {
                for _ in 0..off + 1 {
                    self.bump();
                }
                self.expect_punct("(")?;
                let low = self.expr()?;
                self.expect_punct("..")?;
                let high = self.expr()?;
                self.expect_punct(")")?;
                let span = l.span.to(self.prev_span());
                l = Expr::new(
                    ExprKind::Between { expr: Box::new(l), low: Box::new(low), high: Box::new(high), negated },
                    span,
                );
                self.check_height(&l)?;
                continue;
            }
            if !negated && (self.is_word("has_any") || self.is_word("has_all")) {
                let all = self.is_word("has_all");
                self.bump();
                let list = self.paren_list()?;
                let span = l.span.to(self.prev_span());
                l = Expr::new(ExprKind::HasAny { expr: Box::new(l), list, all }, span);
                self.check_height(&l)?;
                continue;
            }
            break;
        }
        Ok(l)
    }

    /// `( item, … )` where items may be tabular.
    fn paren_list(&mut self) -> Result<Vec<Expr>, KqlError> {
        self.expect_punct("(")?;
        let mut items = Vec::new();
        if self.eat_punct(")") {
            return Ok(items);
        }
        loop {
            items.push(self.expr_or_tabular()?);
            if !self.eat_punct(",") {
                break;
            }
        }
        self.expect_punct(")")?;
        Ok(items)
    }

    fn add_expr(&mut self) -> Result<Expr, KqlError> {
        self.left_assoc(&[("+", BinOp::Add), ("-", BinOp::Sub)], Self::mul_expr)
    }

    fn mul_expr(&mut self) -> Result<Expr, KqlError> {
        self.left_assoc(&[("*", BinOp::Mul), ("/", BinOp::Div), ("%", BinOp::Mod)], Self::unary_expr)
    }

    /// `operand (op operand)*` for one precedence level of arithmetic operators, folded to the left.
    fn left_assoc(
        &mut self,
        ops: &[(&str, BinOp)],
        operand: fn(&mut Self) -> Result<Expr, KqlError>,
    ) -> Result<Expr, KqlError> {
        let mut l = operand(self)?;
        while let Some(op) = ops.iter().find(|(p, _)| self.is_punct(p)).map(|(_, op)| *op) {
            self.bump();
            let r = operand(self)?;
            let span = l.span.to(r.span);
            l = Expr::new(ExprKind::Binary(op, Box::new(l), Box::new(r)), span);
            self.check_height(&l)?;
        }
        Ok(l)
    }

    fn unary_expr(&mut self) -> Result<Expr, KqlError> {
        if self.is_punct("-") || self.is_punct("+") {
            let neg = self.is_punct("-");
            let start = self.bump().span;
            self.enter()?;
            let inner = self.unary_expr();
            self.leave();
            let inner = inner?;
            let span = start.to(inner.span);
            if !neg {
                let height = inner.height;
                let mut e = Expr::new(inner.kind, span);
                e.height = e.height.max(height);
                return Ok(e);
            }
            return Ok(match inner.kind {
                ExprKind::Lit(Lit::Long(v)) if v != i64::MIN => Expr::new(ExprKind::Lit(Lit::Long(-v)), span),
                ExprKind::Lit(Lit::Real(v)) => Expr::new(ExprKind::Lit(Lit::Real(-v)), span),
                ExprKind::Lit(Lit::Timespan(v)) if v != i64::MIN => Expr::new(ExprKind::Lit(Lit::Timespan(-v)), span),
                kind => Expr::new(ExprKind::Neg(Box::new(Expr::new(kind, inner.span))), span),
            });
        }
        self.postfix_expr()
    }

    fn postfix_expr(&mut self) -> Result<Expr, KqlError> {
        let mut e = self.primary()?;
        loop {
            if self.is_punct(".") && self.is_punct_n(1, "[") && !matches!(self.peek_n(2), Tok::Str(_)) {
                // `x.[0]` is read as `x[0]` (Kusto accepts the dot; `x.['name']` stays a bracketed name)
                self.bump();
                continue;
            } else if self.is_punct(".") {
                self.bump();
                let id = self.ident("a property name after '.'")?;
                let span = e.span.to(id.span);
                e = Expr::new(ExprKind::Member(Box::new(e), id.name), span);
                self.check_height(&e)?;
            } else if self.is_punct("[") {
                self.bump();
                let idx = self.expr()?;
                self.expect_punct("]")?;
                let span = e.span.to(self.prev_span());
                e = Expr::new(ExprKind::Index(Box::new(e), Box::new(idx)), span);
                self.check_height(&e)?;
            } else {
                break;
            }
        }
        Ok(e)
    }

    fn primary(&mut self) -> Result<Expr, KqlError> {
        let start = self.span();
        match self.peek().clone() {
            Tok::Str(s) => {
                self.bump();
                let mut s = s;
                // adjacent string literals concatenate
                while let Tok::Str(more) = self.peek().clone() {
                    self.bump();
                    s.push_str(&more);
                }
                Ok(Expr::new(ExprKind::Lit(Lit::Str(s)), start.to(self.prev_span())))
            }
            Tok::Long(v) => {
                self.bump();
                Ok(Expr::new(ExprKind::Lit(Lit::Long(v)), start))
            }
            Tok::Real(v) => {
                self.bump();
                Ok(Expr::new(ExprKind::Lit(Lit::Real(v)), start))
            }
            Tok::Timespan(v) => {
                self.bump();
                Ok(Expr::new(ExprKind::Lit(Lit::Timespan(v)), start))
            }
            Tok::Typed { kind, raw } => {
                self.bump();
                let lit = typed_literal(&kind, &raw).map_err(|m| KqlError::at(start, m))?;
                Ok(Expr::new(ExprKind::Lit(lit), start))
            }
            Tok::Ident(name) => {
                if matches!(name.as_str(), "true" | "false" | "True" | "False" | "TRUE" | "FALSE") {
                    self.bump();
                    return Ok(Expr::new(ExprKind::Lit(Lit::Bool(name.eq_ignore_ascii_case("true"))), start));
                }
                if name == "null" && !self.is_punct_n(1, "(") {
                    self.bump();
                    return Ok(Expr::new(ExprKind::Lit(Lit::Null), start));
                }
                if name == "dynamic" && self.is_punct_n(1, "(") {
                    return self.dynamic_literal(start);
                }
                self.bump();
                if self.is_punct("(") {
                    return self.call(name, start);
                }
                Ok(Expr::new(ExprKind::Name(name), start))
            }
            Tok::Punct("[") => {
                let id = self.ident("a bracketed name like ['Column Name']")?;
                Ok(Expr::new(ExprKind::Name(id.name), id.span))
            }
            Tok::Punct("(") => {
                self.bump();
                let inner = self.expr_or_tabular()?;
                self.expect_punct(")")?;
                // parentheses only group: keep the inner node (and its height), spanning the parentheses
                let height = inner.height;
                let mut e = Expr::new(inner.kind, start.to(self.prev_span()));
                e.height = e.height.max(height);
                Ok(e)
            }
            Tok::Punct("*") => {
                self.bump();
                Ok(Expr::new(ExprKind::Star, start))
            }
            _ => Err(self.error("an expression")),
        }
    }

    /// `name(args)` after the name; `*` is an argument too (`arg_max(t, *)`), and an argument may be named where
    /// Kusto names it (`make_set(X, MaxSize=8)`, see [`named_params`]).
    #[inline(never)]
    fn call(&mut self, name: String, start: Span) -> Result<Expr, KqlError> {
        self.expect_punct("(")?;
        let mut args = Vec::new();
        let mut named: Vec<(Ident, Expr)> = Vec::new();
        if !self.is_punct(")") {
            loop {
                if self.is_punct("*") && (self.is_punct_n(1, ",") || self.is_punct_n(1, ")")) {
                    let s = self.bump().span;
                    args.push(Expr::new(ExprKind::Star, s));
                } else if matches!(self.peek(), Tok::Ident(_)) && self.is_punct_n(1, "=") {
                    let id = self.ident("an argument name")?;
                    self.bump();
                    named.push((id, self.expr_or_tabular()?));
                } else if let Some((id, _)) = named.first() {
                    return Err(KqlError::at(self.span(), format!("an unnamed argument cannot follow the named argument '{}'", id.name)));
                } else {
                    args.push(self.expr_or_tabular()?);
                }
                if !self.eat_punct(",") {
                    break;
                }
            }
        }
        self.expect_punct(")")?;
        if !named.is_empty() {
            place_named(&name, &mut args, named)?;
        }
        Ok(Expr::new(ExprKind::Call { name, args }, start.to(self.prev_span())))
    }

    /// `dynamic(…)`.
    #[inline(never)]
    fn dynamic_literal(&mut self, start: Span) -> Result<Expr, KqlError> {
        self.bump();
        self.expect_punct("(")?;
        let v = if self.is_punct(")") { Json::Null } else { self.dyn_value(0)? };
        self.expect_punct(")")?;
        Ok(Expr::new(ExprKind::Lit(Lit::Dynamic(v)), start.to(self.prev_span())))
    }

    /// A value inside `dynamic(…)`: JSON-like, with KQL literals.
    fn dyn_value(&mut self, depth: usize) -> Result<Json, KqlError> {
        if depth > MAX_DEPTH {
            return Err(KqlError::at(self.span(), "dynamic literal nested too deeply"));
        }
        let start = self.span();
        match self.peek().clone() {
            Tok::Punct("[") => {
                self.bump();
                let mut items = Vec::new();
                if !self.eat_punct("]") {
                    loop {
                        items.push(self.dyn_value(depth + 1)?);
                        if !self.eat_punct(",") {
                            break;
                        }
                    }
                    self.expect_punct("]")?;
                }
                Ok(Json::Array(items))
            }
            Tok::Punct("{") => {
                self.bump();
                let mut map = serde_json::Map::new();
                if !self.eat_punct("}") {
                    loop {
                        let key = match self.bump().tok {
                            Tok::Str(s) | Tok::Ident(s) => s,
                            _ => return Err(KqlError::at(self.prev_span(), "expected a property name in dynamic({…})")),
                        };
                        self.expect_punct(":")?;
                        let v = self.dyn_value(depth + 1)?;
                        map.insert(key, v);
                        if !self.eat_punct(",") {
                            break;
                        }
                    }
                    self.expect_punct("}")?;
                }
                Ok(Json::Object(map))
            }
            Tok::Str(s) => {
                self.bump();
                Ok(Json::String(s))
            }
            Tok::Long(v) => {
                self.bump();
                Ok(Json::from(v))
            }
            Tok::Real(v) => {
                self.bump();
                Ok(serde_json::Number::from_f64(v).map(Json::Number).unwrap_or(Json::Null))
            }
            Tok::Punct("-") => {
                self.bump();
                match self.dyn_value(depth + 1)? {
                    Json::Number(n) if n.is_i64() => Ok(Json::from(-n.as_i64().unwrap_or(0))),
                    Json::Number(n) => Ok(serde_json::Number::from_f64(-n.as_f64().unwrap_or(0.0)).map(Json::Number).unwrap_or(Json::Null)),
                    _ => Err(KqlError::at(start, "'-' before something that is not a number")),
                }
            }
            Tok::Ident(w) if w == "true" || w == "false" || w == "null" => {
                self.bump();
                Ok(match w.as_str() {
                    "true" => Json::Bool(true),
                    "false" => Json::Bool(false),
                    _ => Json::Null,
                })
            }
            Tok::Typed { kind, raw } => {
                self.bump();
                match typed_literal(&kind, &raw).map_err(|m| KqlError::at(start, m))? {
                    Lit::DateTime(ns) => Ok(Json::String(format_datetime_ns(ns))),
                    Lit::Timespan(ns) => Ok(Json::String(format_timespan_ns(ns))),
                    Lit::Long(v) => Ok(Json::from(v)),
                    Lit::Real(v) => Ok(serde_json::Number::from_f64(v).map(Json::Number).unwrap_or(Json::Null)),
                    Lit::Bool(b) => Ok(Json::Bool(b)),
                    Lit::Str(s) => Ok(Json::String(s)),
                    _ => Ok(Json::Null),
                }
            }
            _ => Err(self.error("a value in dynamic(…)")),
        }
    }
}

/// The value of `kind(raw)`: `datetime(2024-01-01)`, `time(1d)`, `int(null)` …
pub fn typed_literal(kind: &str, raw: &str) -> Result<Lit, String> {
    let raw = raw.trim();
    if raw == "null" {
        return Ok(Lit::Null);
    }
    let bad = |what: &str| format!("'{raw}' is not a valid {what} literal");
    match kind {
        "datetime" | "date" => parse_datetime(raw)
            .map(Lit::DateTime)
            .ok_or_else(|| format!("{} (use e.g. datetime(2024-01-31), datetime(2024-01-31 10:00) or datetime(2024-01-31T10:00:00Z))", bad("datetime"))),
        "time" | "timespan" => parse_timespan(raw).map(Lit::Timespan).map_err(|e| e.to_string()),
        "guid" => Ok(Lit::Str(raw.to_string())),
        "int" | "long" => raw.parse::<i64>().map(Lit::Long).map_err(|_| bad(kind)),
        "real" | "double" | "decimal" => match raw.to_ascii_lowercase().as_str() {
            "nan" => Ok(Lit::Real(f64::NAN)),
            "+inf" | "inf" => Ok(Lit::Real(f64::INFINITY)),
            "-inf" => Ok(Lit::Real(f64::NEG_INFINITY)),
            t => t.parse::<f64>().map(Lit::Real).map_err(|_| bad(kind)),
        },
        "bool" | "boolean" => match raw {
            "true" | "1" => Ok(Lit::Bool(true)),
            "false" | "0" => Ok(Lit::Bool(false)),
            _ => Err(bad("bool")),
        },
        _ => Err(format!("unknown literal type '{kind}'")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Query {
        parse_query(s).unwrap_or_else(|e| panic!("{s}: {e:?}"))
    }

    fn err(s: &str) -> String {
        let e = parse_query(s).unwrap_err();
        super::super::render_error(s, &e)
    }

    fn ops(q: &Query) -> &[Op] {
        match &q.body.kind {
            ExprKind::Tabular(t) => &t.ops,
            _ => &[],
        }
    }

    #[test]
    fn pipeline() {
        let q = parse("SigninLogs\n| where TimeGenerated > ago(1d) and ResultType == \"0\"\n| take 5");
        assert_eq!(ops(&q).len(), 2);
        let ExprKind::Tabular(t) = &q.body.kind else { panic!() };
        assert_eq!(t.source.kind, ExprKind::Name("SigninLogs".into()));
        let OpKind::Where(w) = &t.ops[0].kind else { panic!() };
        let ExprKind::Binary(BinOp::And, l, r) = &w.kind else { panic!("{w:?}") };
        assert!(matches!(l.kind, ExprKind::Binary(BinOp::Gt, _, _)));
        assert!(matches!(r.kind, ExprKind::Binary(BinOp::Eq, _, _)));
        assert!(matches!(t.ops[1].kind, OpKind::Take(Expr { kind: ExprKind::Lit(Lit::Long(5)), .. })));
    }

    #[test]
    fn precedence() {
        let q = parse("T | extend x = 1 + 2 * 3 - -4");
        let OpKind::Extend(a) = &ops(&q)[0].kind else { panic!() };
        let ExprKind::Binary(BinOp::Sub, l, r) = &a[0].expr.kind else { panic!() };
        assert!(matches!(l.kind, ExprKind::Binary(BinOp::Add, _, _)));
        assert_eq!(r.kind, ExprKind::Lit(Lit::Long(-4)));
        let q = parse("T | where a or b and not(c)");
        let OpKind::Where(w) = &ops(&q)[0].kind else { panic!() };
        assert!(matches!(w.kind, ExprKind::Binary(BinOp::Or, _, _)));
    }

    #[test]
    fn lets_and_string_ops() {
        let q = parse("let a = \"x\";\nlet t = T | where c !has a;\nt | where d !in~ (\"A\", \"b\") and e has_cs 'Q' and f !startswith_cs \"z\"");
        assert_eq!(q.lets.len(), 2);
        assert!(matches!(q.lets[1].value.kind, ExprKind::Tabular(_)));
        let ExprKind::Tabular(t) = &q.lets[1].value.kind else { panic!() };
        let OpKind::Where(w) = &t.ops[0].kind else { panic!() };
        assert!(matches!(w.kind, ExprKind::Binary(BinOp::Str(StrOp { kind: StrOpKind::Has, negated: true, case_sensitive: false }), _, _)));
        let OpKind::Where(w) = &ops(&q)[0].kind else { panic!() };
        let ExprKind::Binary(BinOp::And, l, r) = &w.kind else { panic!() };
        assert!(matches!(r.kind, ExprKind::Binary(BinOp::Str(StrOp { kind: StrOpKind::StartsWith, negated: true, case_sensitive: true }), _, _)));
        let ExprKind::Binary(BinOp::And, l2, _) = &l.kind else { panic!() };
        assert!(matches!(l2.kind, ExprKind::In { negated: true, case_insensitive: true, .. }));
    }

    #[test]
    fn operators() {
        let q = parse(
            "T | project-away a, b* | project-rename n = o | sort by x asc nulls last, y | top 3 by z \
             | summarize n = count(), dcount(u) by bin(TimeGenerated, 1h), k = tostring(p.q) \
             | distinct * | render barchart with (title='x') | count",
        );
        let o = ops(&q);
        assert!(matches!(&o[0].kind, OpKind::ProjectAway(v) if v[1].name == "b*"));
        assert!(matches!(&o[1].kind, OpKind::ProjectRename(v) if v[0].0.name == "n" && v[0].1.name == "o"));
        assert!(matches!(&o[2].kind, OpKind::Sort(k) if !k[0].desc && k[0].nulls_last == Some(true) && k[1].desc));
        assert!(matches!(&o[4].kind, OpKind::Summarize { aggs, by } if aggs.len() == 2 && by.len() == 2));
        assert!(matches!(&o[5].kind, OpKind::Distinct { star: true, .. }));
        assert!(matches!(&o[6].kind, OpKind::Render { kind } if kind == "barchart"));
        assert!(matches!(&o[7].kind, OpKind::Count));
    }

    #[test]
    fn join_union_mvexpand() {
        let q = parse("T | join kind=leftouter (U | where x) on $left.A == $right.B, C | union V, (W | take 1) | mv-expand e = arr to typeof(string) limit 5");
        let o = ops(&q);
        let OpKind::Join { kind, on, .. } = &o[0].kind else { panic!() };
        assert_eq!(*kind, JoinKind::LeftOuter);
        assert_eq!((on[0].left.name.as_str(), on[0].right.name.as_str()), ("A", "B"));
        assert_eq!((on[1].left.name.as_str(), on[1].right.name.as_str()), ("C", "C"));
        assert!(matches!(&o[1].kind, OpKind::Union(u) if u.tables.len() == 2));
        assert!(matches!(&o[2].kind, OpKind::MvExpand { items, limit: Some(_), .. } if items[0].to_type.as_deref() == Some("string")));
        let q = parse("union withsource=Src T1, T2 | count");
        let ExprKind::Tabular(t) = &q.body.kind else { panic!() };
        assert!(matches!(&t.source.kind, ExprKind::Union(u) if u.withsource.as_deref() == Some("Src")));
    }

    #[test]
    fn literals() {
        let q = parse("T | extend a = datetime(2024-01-01), b = time(1d), c = dynamic({\"k\": [1, 'x', null]}), d = ['Col Name'], e = x.y[0][\"z\"], f = @\"c:\\t\"");
        let OpKind::Extend(a) = &ops(&q)[0].kind else { panic!() };
        assert_eq!(a[0].expr.kind, ExprKind::Lit(Lit::DateTime(1_704_067_200_000_000_000)));
        assert_eq!(a[1].expr.kind, ExprKind::Lit(Lit::Timespan(86_400_000_000_000)));
        assert_eq!(a[2].expr.kind, ExprKind::Lit(Lit::Dynamic(serde_json::json!({"k": [1, "x", null]}))));
        assert_eq!(a[3].expr.kind, ExprKind::Name("Col Name".into()));
        assert!(matches!(&a[4].expr.kind, ExprKind::Index(b, _) if matches!(b.kind, ExprKind::Index(..))));
        assert_eq!(a[5].expr.kind, ExprKind::Lit(Lit::Str("c:\\t".into())));
    }

    #[test]
    fn error_positions() {
        assert_eq!(err("T\n| where x ==\n| take 5"), "line 3, col 1: expected an expression, found '|'");
        assert_eq!(err("T | wher x"), "line 1, col 5: unknown operator 'wher' (did you mean 'where'?)");
        assert_eq!(err("T | where a = 1"), "line 1, col 13: expected '|', ';' or the end of the query, found '='");
        assert_eq!(err("T | extend x = datetime(yesterday)").split(" (use").next().unwrap(), "line 1, col 16: 'yesterday' is not a valid datetime literal");
        assert_eq!(err("T | scan x"), "line 1, col 5: the 'scan' operator is not supported yet");
        assert_eq!(err("let x = 1;"), "line 1, col 11: the query has no tabular expression (only lets, or nothing)");
        assert_eq!(err("T | where x == 'abc"), "line 1, col 16: unterminated string literal");
    }

    #[test]
    fn msticpy_quirks_are_tolerated() {
        // a table name written twice, `in~ in (…)`, a stray `)` at the end: read as meant
        let q = parse("HuntingBookmark  HuntingBookmark | where Tag in~ in ('a', 'b') | take 1)");
        let ExprKind::Tabular(t) = &q.body.kind else { panic!() };
        assert_eq!(t.source.kind, ExprKind::Name("HuntingBookmark".into()));
        let OpKind::Where(w) = &t.ops[0].kind else { panic!() };
        assert!(matches!(&w.kind, ExprKind::In { case_insensitive: true, negated: false, list, .. } if list.len() == 2));
        // only at the very end, and only a repeated name
        assert!(parse_query("T | take 1) | count").is_err());
        assert!(parse_query("T U | take 1").is_err());
    }

    #[test]
    fn functions_series_and_parse() {
        let q = parse("let f = (a:string, T:(*), n:long = 3) { let x = 1; T | take n }; let g = () { 1 }; f('x', U)");
        let ExprKind::Function(def) = &q.lets[0].value.kind else { panic!() };
        assert_eq!(def.params.len(), 3);
        assert_eq!((def.params[1].ty.as_deref(), def.params[2].default.is_some()), (None, true));
        assert_eq!(def.lets.len(), 1);
        assert!(matches!(def.body.kind, ExprKind::Tabular(_)));
        let q = parse("T | make-series c = count() default = 0, avg(x) on TimeGenerated from ago(1d) to now() step 1h by k | extend (a, b) = series_fit_line(c)");
        let OpKind::MakeSeries(ms) = &ops(&q)[0].kind else { panic!() };
        assert_eq!((ms.aggs.len(), ms.by.len(), ms.from.is_some(), ms.to_inclusive), (2, 1, true, false));
        let OpKind::Extend(a) = &ops(&q)[1].kind else { panic!() };
        assert_eq!((a[0].name.as_ref().map(|n| n.name.as_str()), a[0].more_names.len()), (Some("a"), 1));
        let q = parse("T | make-series count() on x in range(1, 10, 1)");
        let OpKind::MakeSeries(ms) = &ops(&q)[0].kind else { panic!() };
        assert!(ms.to_inclusive && matches!(ms.axis.kind, ExprKind::Name(_)));
        let q = parse("T | parse kind=relaxed m with * 'id=' Id:long ',' Rest | parse-where m with A '-' B");
        let OpKind::Parse(p) = &ops(&q)[0].kind else { panic!() };
        assert_eq!((p.kind, p.parts.len(), p.drop_unmatched), (ParseKind::Relaxed, 5, false));
        assert!(matches!(&ops(&q)[1].kind, OpKind::Parse(p) if p.drop_unmatched));
        assert!(matches!(&parse("T | lookup kind=inner (U) on k").body.kind, ExprKind::Tabular(t) if matches!(t.ops[0].kind, OpKind::Lookup { inner: true, .. })));
        assert!(parse_query("let f = (a:string { a }; f('x')").is_err());
        assert!(parse_query("let f = (a:string) { a ; f('x')").is_err());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let q = format!("T | where {}1{}", "(".repeat(5000), ")".repeat(5000));
        assert!(parse_query(&q).is_err());
        let q = format!("T | where x == {}1", "-".repeat(5000));
        assert!(parse_query(&q).is_err());
    }

    #[test]
    fn deepest_accepted_query_fits_a_small_stack() {
        // wasm gets 1 MB of stack; the deepest query the parser accepts must parse and run in it (even unoptimised)
        let handle = std::thread::Builder::new()
            .stack_size(1024 * 1024)
            .spawn(|| {
                let mut depth = 0;
                let mut last_ok = None;
                while depth < 200 {
                    let q = format!("print | extend x = {}1{}", "1 + (".repeat(depth), ")".repeat(depth));
                    let q = q.replacen("print", "T", 1);
                    match parse_query(&q) {
                        Ok(parsed) => last_ok = Some((depth, parsed)),
                        Err(_) => break,
                    }
                    depth += 1;
                }
                let (d, q) = last_ok.expect("some depth parses");
                assert!(d >= 20, "only {d} levels parse");
                let mut data = crate::frame::Tables::new();
                let df = polars::prelude::DataFrame::new(1, vec![polars::prelude::Column::new("a".into(), [1i64])]).unwrap();
                data.add(crate::frame::Frame::new("T", df));
                let env = super::super::eval::Env::new(&data, 0, &q.lets);
                let out = super::super::exec::run(&q, &env).unwrap();
                assert_eq!(out.df().column("x").unwrap().i64().unwrap().get(0), Some(d as i64 + 1));
            })
            .unwrap();
        handle.join().unwrap();
    }
}
