//! The KQL syntax tree. Every node keeps its [`Span`] (byte offsets into the query text) so errors found while
//! running a query can still say `line 3, col 9`.
//!
//! A query is statements (`let`s) and one tabular expression. Tabular expressions are [`Expr`]s too
//! ([`ExprKind::Tabular`], [`ExprKind::Union`], or a bare name), because KQL mixes them: `toscalar(T | count)`,
//! `x in (T | project y)`, `let t = T | where …;`.

use serde_json::Value as Json;

/// Byte offsets `start..end` into the query text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// The span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// A parsed query.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// `let` statements in order.
    pub lets: Vec<Let>,
    /// The tabular expression whose result the query returns.
    pub body: Expr,
}

/// `let name = value;`
#[derive(Debug, Clone, PartialEq)]
pub struct Let {
    pub name: Ident,
    pub value: Expr,
    /// What the let gives, set by the plan pass ([`super::plan`]) before the query runs.
    pub kind: super::plan::LetKindCell,
}

/// A name with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// An expression: scalar or tabular.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
    /// Levels of the tree below and including this node (1 for a leaf). Evaluation, `Clone` and `Drop` recurse
    /// this deep, so the parser refuses trees higher than its limit; a tabular expression's height is set by the
    /// parser from the expressions inside it.
    pub height: u32,
}

impl Expr {
    /// A node whose height is one more than its highest scalar child's.
    pub fn new(kind: ExprKind, span: Span) -> Expr {
        let h = |e: &Expr| e.height;
        let hs = |l: &[Expr]| l.iter().map(|e| e.height).max().unwrap_or(0);
        let below = match &kind {
            ExprKind::Member(b, _) | ExprKind::Neg(b) | ExprKind::NamedArg(_, b) => h(b),
            ExprKind::Index(a, b) | ExprKind::Binary(_, a, b) => h(a).max(h(b)),
            ExprKind::In { expr, list, .. } | ExprKind::HasAny { expr, list, .. } => h(expr).max(hs(list)),
            ExprKind::Between { expr, low, high, .. } => h(expr).max(h(low)).max(h(high)),
            ExprKind::Call { args, .. } => hs(args),
            ExprKind::Range { from, to, step, .. } => h(from).max(h(to)).max(h(step)),
            _ => 0,
        };
        Expr { kind, span, height: below.saturating_add(1) }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Lit(Lit),
    /// A column, a `let` name or a table (`['Col Name']` too).
    Name(String),
    /// `expr.name` (dynamic property access).
    Member(Box<Expr>, String),
    /// `expr[index]` (dynamic element or property access).
    Index(Box<Expr>, Box<Expr>),
    Neg(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `expr in (…)`, `!in`, `in~`, `!in~`.
    In { expr: Box<Expr>, list: Vec<Expr>, negated: bool, case_insensitive: bool },
    /// `expr has_any (…)` / `has_all`.
    HasAny { expr: Box<Expr>, list: Vec<Expr>, all: bool },
    /// `expr between (low .. high)` / `!between`.
    Between { expr: Box<Expr>, low: Box<Expr>, high: Box<Expr>, negated: bool },
    /// `name(args)`.
    Call { name: String, args: Vec<Expr> },
    /// `*` as a function argument (`arg_max(t, *)`, `distinct *`).
    Star,
    /// `name = value` as an argument of a user-defined function (bound by parameter name when it is called).
    NamedArg(Ident, Box<Expr>),
    /// `source | op | op …`.
    Tabular(Box<Tabular>),
    /// `union T1, T2` as a source.
    Union(Box<UnionSpec>),
    /// `datatable(a:string, b:long) ["x", 1, …]`.
    DataTable { columns: Vec<(Ident, String)>, values: Vec<Expr> },
    /// `print a = 1, b = "x"`: one row.
    Print(Vec<Assign>),
    /// `range x from 1 to 10 step 1`.
    Range { name: Ident, from: Box<Expr>, to: Box<Expr>, step: Box<Expr> },
    /// A user-defined function: `(a:string, T:(*)) { let x = …; body }` (the value of a `let`).
    Function(Box<FuncDef>),
}

/// The parameters and body of a user-defined function.
#[derive(Debug, Clone, PartialEq)]
pub struct FuncDef {
    pub params: Vec<FuncParam>,
    /// `let` statements inside the body.
    pub lets: Vec<Let>,
    /// The body's result: a scalar or a tabular expression.
    pub body: Expr,
}

/// `name:type [= default]`; a tabular parameter is `T:(*)` or `T:(col:type, …)`.
#[derive(Debug, Clone, PartialEq)]
pub struct FuncParam {
    pub name: Ident,
    /// The scalar type's name, or `None` for a tabular parameter.
    pub ty: Option<String>,
    pub default: Option<Expr>,
}

/// A literal value.
#[derive(Debug, Clone, PartialEq)]
pub enum Lit {
    Null,
    Bool(bool),
    Long(i64),
    Real(f64),
    Str(String),
    /// Nanoseconds since the Unix epoch.
    DateTime(i64),
    /// Nanoseconds.
    Timespan(i64),
    Dynamic(Json),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Or,
    And,
    Eq,
    Ne,
    EqCi,
    NeCi,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    /// A string operator (`has`, `!contains_cs`, `startswith` …).
    Str(StrOp),
}

/// A string predicate operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StrOp {
    pub kind: StrOpKind,
    pub case_sensitive: bool,
    pub negated: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StrOpKind {
    Has,
    Contains,
    StartsWith,
    EndsWith,
    HasPrefix,
    HasSuffix,
    MatchesRegex,
}

impl StrOp {
    /// The operator's KQL spelling.
    pub fn text(&self) -> String {
        let base = match self.kind {
            StrOpKind::Has => "has",
            StrOpKind::Contains => "contains",
            StrOpKind::StartsWith => "startswith",
            StrOpKind::EndsWith => "endswith",
            StrOpKind::HasPrefix => "hasprefix",
            StrOpKind::HasSuffix => "hassuffix",
            StrOpKind::MatchesRegex => "matches regex",
        };
        format!("{}{}{}", if self.negated { "!" } else { "" }, base, if self.case_sensitive && self.kind != StrOpKind::MatchesRegex { "_cs" } else { "" })
    }
}

/// `source | op | op …`
#[derive(Debug, Clone, PartialEq)]
pub struct Tabular {
    pub source: Expr,
    pub ops: Vec<Op>,
}

/// One pipe stage.
#[derive(Debug, Clone, PartialEq)]
pub struct Op {
    pub kind: OpKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum OpKind {
    Where(Expr),
    Extend(Vec<Assign>),
    Project(Vec<Assign>),
    ProjectAway(Vec<Ident>),
    ProjectKeep(Vec<Ident>),
    ProjectReorder(Vec<Ident>),
    /// `new = old` pairs.
    ProjectRename(Vec<(Ident, Ident)>),
    Take(Expr),
    Sort(Vec<SortKey>),
    Top { n: Expr, by: Vec<SortKey> },
    Summarize { aggs: Vec<Assign>, by: Vec<Assign> },
    Count,
    /// `distinct *` is an empty list with `star`.
    Distinct { cols: Vec<Assign>, star: bool },
    Render { kind: String },
    Union(UnionSpec),
    /// `mv-expand [with_itemindex=Name] items [limit n]`.
    MvExpand { items: Vec<MvItem>, limit: Option<Expr>, item_index: Option<Ident> },
    /// `mv-apply [with_itemindex=Name] items [limit n] on (subquery)`: each row's arrays expanded into a table of
    /// their own, the subquery's operators run on it, and the row crossed with the result.
    MvApply { items: Vec<MvItem>, limit: Option<Expr>, item_index: Option<Ident>, ops: Vec<Op> },
    Join { kind: JoinKind, right: Expr, on: Vec<JoinKey> },
    /// `lookup [kind=leftouter|inner] (T) on keys`: a join that keeps the left columns and adds the right ones
    /// that are not keys.
    Lookup { inner: bool, right: Expr, on: Vec<JoinKey> },
    /// `make-series aggs on Axis [from a] [to b] step s [by keys]` (or `on Axis in range(a, b, s)`).
    MakeSeries(Box<MakeSeries>),
    /// `parse [kind=…] expr with * "lit" Col:type …`; `parse-where` drops rows that do not match.
    Parse(Box<ParseSpec>),
    /// `invoke f(args)`: the function called with the table as its first argument.
    Invoke { name: Ident, args: Vec<Expr> },
    /// `evaluate plugin(args)`; the parser lets only the plugins that run here through (`bag_unpack`, `pivot`).
    Evaluate { plugin: Ident, args: Vec<Expr> },
    /// `top-nested [N] of [Name =] Expr [with others = Value] by [Name =] Aggregation [asc|desc], top-nested …`.
    TopNested(Vec<TopNestedLevel>),
    /// `serialize` (without columns; with them it is an `Extend`), `as`: no effect on local tables.
    NoOp,
}

/// One level of `top-nested`.
#[derive(Debug, Clone, PartialEq)]
pub struct TopNestedLevel {
    /// How many values this level keeps (all when not given).
    pub n: Option<Expr>,
    /// The level's value (`[Name =] Expr`).
    pub value: Assign,
    /// `with others = Value`: a row for the values that are not kept, aggregated together.
    pub others: Option<Expr>,
    /// The aggregation that ranks the values (`[Name =] Aggregation`).
    pub agg: Assign,
    pub desc: bool,
}

/// `[name =] expr` in `extend`, `project`, `summarize`; `(a, b) = expr` names several result columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Assign {
    pub name: Option<Ident>,
    pub expr: Expr,
    /// The names after the first of `(a, b, c) = expr` (the first is in `name`).
    pub more_names: Vec<Ident>,
}

/// One aggregation of `make-series`, with its `default=` value.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesAgg {
    pub assign: Assign,
    pub default: Option<Expr>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MakeSeries {
    pub aggs: Vec<SeriesAgg>,
    pub axis: Expr,
    pub from: Option<Expr>,
    pub to: Option<Expr>,
    /// `in range(a, b, s)` includes `b`; `to b` does not.
    pub to_inclusive: bool,
    pub step: Expr,
    pub by: Vec<Assign>,
}

/// How `parse` reads its pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseKind {
    Simple,
    Relaxed,
    Regex,
}

/// One element of a `parse` pattern.
#[derive(Debug, Clone, PartialEq)]
pub enum ParsePart {
    /// `*`: any text.
    Star,
    /// A string constant (text; a regex fragment with `kind=regex`).
    Lit(String),
    /// A column to extract, with its type (`string` when not given).
    Col(Ident, String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ParseSpec {
    pub kind: ParseKind,
    /// `parse-where`: rows that do not match are dropped.
    pub drop_unmatched: bool,
    pub expr: Expr,
    pub parts: Vec<ParsePart>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SortKey {
    pub expr: Expr,
    pub desc: bool,
    /// `nulls first|last`; `None` = Kusto's default (first when ascending, last when descending).
    pub nulls_last: Option<bool>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UnionSpec {
    /// `kind=inner` keeps only the columns every table has.
    pub inner: bool,
    pub withsource: Option<String>,
    pub isfuzzy: bool,
    /// The tables; a name with `*` (`union Security*`) stands for every loaded table whose name matches.
    pub tables: Vec<Expr>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MvItem {
    pub name: Option<Ident>,
    pub expr: Expr,
    /// `to typeof(t)`.
    pub to_type: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinKind {
    InnerUnique,
    Inner,
    LeftOuter,
    RightOuter,
    FullOuter,
    LeftAnti,
    RightAnti,
    LeftSemi,
    RightSemi,
}

/// `on Key` or `on $left.A == $right.B`.
#[derive(Debug, Clone, PartialEq)]
pub struct JoinKey {
    pub left: Ident,
    pub right: Ident,
}
