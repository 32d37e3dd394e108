//! Scalar expression evaluation over whole columns: names, literals, dynamic paths, comparison, arithmetic and
//! logic. Functions are in [`super::functions`], string predicates in [`super::strings`].
//!
//! An expression is evaluated once per table, never per row: a column reference yields the column, an operator
//! runs over both operand columns in one pass, and constants stay [`Scalar`]s (so `strcat("a", "b")` is computed
//! once). Kusto's null rules: string comparisons see null as empty; numeric and datetime comparisons with a null
//! are null, which `where` drops; `and`/`or` follow three-valued logic.

use std::cell::RefCell;
use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

use polars::prelude::*;
use serde_json::Value as Json;

use super::ast::*;
use super::plan::LetKind;
use super::strings;
use super::value::{dyn_parse, Col, Scalar, Ty, Val};
use super::KqlError;
use crate::error::closest;
use crate::frame::dynamic::{get_path, Step};
use crate::frame::Frame;
use crate::frame::Tables;

/// How many lets and function calls may be in evaluation at once (a let using a let using a function …).
const MAX_LET_NESTING: usize = 48;

/// What a name is bound to.
#[derive(Debug, Clone)]
pub enum Bound {
    Scalar(Scalar),
    Table(Frame),
    /// A function parameter given a column of the calling table.
    Column(Col),
}

/// Where a name was found.
pub enum Found<'e> {
    /// Let `idx` of that environment.
    Let(&'e Env<'e>, usize),
    /// A parameter of the function being evaluated.
    Param(&'e Bound),
}

/// The query-wide environment: tables, lets (evaluated lazily, once) and the clock. A user-defined function's body
/// is evaluated in a child environment: its parameters, its own lets, then the lets visible where it was defined.
pub struct Env<'a> {
    pub tables: &'a Tables,
    pub now_ns: i64,
    pub lets: &'a [Let],
    /// Function parameters (in a function's environment).
    params: Vec<(String, Bound)>,
    /// The environment the function was defined in, and how many of its lets it sees.
    parent: Option<(&'a Env<'a>, usize)>,
    cache: RefCell<HashMap<usize, Bound>>,
    in_progress: RefCell<HashSet<usize>>,
    /// Lets and calls in evaluation, over the whole chain of environments.
    nesting: std::rc::Rc<std::cell::Cell<usize>>,
}

impl<'a> Env<'a> {
    pub fn new(tables: &'a Tables, now_ns: i64, lets: &'a [Let]) -> Env<'a> {
        Env {
            tables,
            now_ns,
            lets,
            params: Vec::new(),
            parent: None,
            cache: RefCell::new(HashMap::new()),
            in_progress: RefCell::new(HashSet::new()),
            nesting: Default::default(),
        }
    }

    /// The environment of a call to the function defined by let `idx` of `self`.
    fn child<'b>(&'b self, idx: usize, def: &'b FuncDef, params: Vec<(String, Bound)>) -> Env<'b> {
        Env {
            tables: self.tables,
            now_ns: self.now_ns,
            lets: &def.lets,
            params,
            parent: Some((self, idx)),
            cache: RefCell::new(HashMap::new()),
            in_progress: RefCell::new(HashSet::new()),
            nesting: self.nesting.clone(),
        }
    }

    /// The newest `let` called `name` among the first `visible` ones of this environment.
    pub fn find_let(&self, name: &str, visible: usize) -> Option<usize> {
        self.lets[..visible.min(self.lets.len())].iter().rposition(|l| l.name.name == name)
    }

    /// `name` as a let or parameter, looking outwards from this environment.
    pub fn find(&self, name: &str, visible: usize) -> Option<Found<'_>> {
        if let Some(i) = self.find_let(name, visible) {
            return Some(Found::Let(self, i));
        }
        if let Some((_, b)) = self.params.iter().rev().find(|(n, _)| n == name) {
            return Some(Found::Param(b));
        }
        let (parent, pvis) = self.parent?;
        parent.find(name, pvis)
    }

    /// Whether `name` is a let or parameter here (which hides a column of the same name).
    pub fn has_name(&self, name: &str, visible: usize) -> bool {
        self.find(name, visible).is_some()
    }

    /// The value of `name` if it is a let or parameter.
    pub fn value_of(&self, name: &str, visible: usize) -> Option<Result<Bound, KqlError>> {
        Some(match self.find(name, visible)? {
            Found::Let(env, i) => env.let_value(i),
            Found::Param(b) => Ok(b.clone()),
        })
    }

    /// Names of the lets and parameters visible (for suggestions).
    pub fn let_names(&self, visible: usize) -> Vec<String> {
        let mut out: Vec<String> = self.lets[..visible.min(self.lets.len())].iter().map(|l| l.name.name.clone()).collect();
        out.extend(self.params.iter().map(|(n, _)| n.clone()));
        if let Some((p, pvis)) = self.parent {
            out.extend(p.let_names(pvis));
        }
        out
    }

    fn enter(&self, span: Span) -> Result<(), KqlError> {
        let n = self.nesting.get() + 1;
        if n > MAX_LET_NESTING {
            return Err(KqlError::at(span, "lets and functions depend on each other too deeply"));
        }
        self.nesting.set(n);
        Ok(())
    }

    fn leave(&self) {
        self.nesting.set(self.nesting.get().saturating_sub(1));
    }

    /// The value of let `idx`, computed on first use. A function with no parameters used as a plain name is
    /// called (`let f = () { T | … }; f`).
    pub fn let_value(&self, idx: usize) -> Result<Bound, KqlError> {
        if let Some(b) = self.cache.borrow().get(&idx) {
            return Ok(b.clone());
        }
        let span = self.lets[idx].name.span;
        if !self.in_progress.borrow_mut().insert(idx) {
            return Err(KqlError::at(span, format!("'{}' refers to itself", self.lets[idx].name.name)));
        }
        // each let evaluated inside another nests the stack; keep that bounded
        if let Err(e) = self.enter(span) {
            self.in_progress.borrow_mut().remove(&idx);
            return Err(e);
        }
        let value = &self.lets[idx].value;
        let bound = match (&value.kind, self.lets[idx].kind.get()) {
            (ExprKind::Function(def), _) if !def.params.iter().all(|p| p.default.is_some()) => {
                Err(KqlError::at(span, format!("'{}' is a function: call it with its arguments, {}(…)", self.lets[idx].name.name, self.lets[idx].name.name)))
            }
            (ExprKind::Function(def), LetKind::Function { tabular: true }) => self.call_tabular(idx, def, &[], None, span, None).map(Bound::Table),
            (ExprKind::Function(def), _) => self.call_function(idx, def, &[], None, span, None).map(|r| match r {
                Val::S(s) => Bound::Scalar(s),
                Val::C(c) => Bound::Column(c),
            }),
            (_, LetKind::Table) => super::exec::eval_tabular(value, self, idx).map(Bound::Table),
            _ => eval_const(value, self, idx).map(Bound::Scalar),
        };
        self.leave();
        self.in_progress.borrow_mut().remove(&idx);
        let bound = bound?;
        self.cache.borrow_mut().insert(idx, bound.clone());
        Ok(bound)
    }

    /// Whether `expr` denotes a table (seen from a point where `visible` lets exist), by the lets' kinds the plan
    /// pass set. A parameter is a table when a table was given for it (known only at the call).
    pub fn is_tabular(&self, expr: &Expr, visible: usize) -> bool {
        match &expr.kind {
            ExprKind::Tabular(_) | ExprKind::Union(_) | ExprKind::DataTable { .. } | ExprKind::Print(_) | ExprKind::Range { .. } => true,
            ExprKind::Name(n) => match self.find(n, visible) {
                Some(Found::Let(env, i)) => match (env.lets[i].kind.get(), &env.lets[i].value.kind) {
                    (LetKind::Table, _) => true,
                    (LetKind::Function { tabular }, ExprKind::Function(def)) => tabular && def.params.iter().all(|p| p.default.is_some()),
                    _ => false,
                },
                Some(Found::Param(b)) => matches!(b, Bound::Table(_)),
                None => self.tables.table_names().iter().any(|t| t == n),
            },
            ExprKind::Call { name, .. } => match self.find(name, visible) {
                Some(Found::Let(env, i)) => env.lets[i].kind.get() == LetKind::Function { tabular: true },
                _ => matches!(name.as_str(), "materialize" | "table" | "view"),
            },
            _ => false,
        }
    }

    /// Binds a call's arguments to the function's parameters (in the caller's context). `piped` is the table of
    /// `T | invoke f(…)`, bound to the first parameter.
    fn bind_args(&self, def: &FuncDef, args: &[Expr], caller: Option<&Ctx>, span: Span, piped: Option<Frame>) -> Result<Vec<(String, Bound)>, KqlError> {
        let given = args.len() + usize::from(piped.is_some());
        let required = def.params.iter().filter(|p| p.default.is_none()).count();
        if given < required || given > def.params.len() {
            return Err(KqlError::at(span, format!("the function takes {} argument(s), {} given", def.params.len(), given)));
        }
        // positional arguments in order (after a piped table), then named ones by parameter name
        let mut slots: Vec<Option<&Expr>> = vec![None; def.params.len()];
        let mut next = usize::from(piped.is_some());
        for a in args {
            let k = match &a.kind {
                ExprKind::NamedArg(id, _) => def.params.iter().position(|p| p.name.name == id.name).ok_or_else(|| {
                    let names: Vec<&str> = def.params.iter().map(|p| p.name.name.as_str()).collect();
                    KqlError::at(id.span, format!("the function has no parameter '{}' (its parameters are {})", id.name, names.join(", ")))
                })?,
                _ => {
                    next += 1;
                    next - 1
                }
            };
            match slots.get_mut(k) {
                Some(slot @ None) => *slot = Some(a),
                _ => return Err(KqlError::at(a.span, format!("the argument '{}' is given twice", def.params.get(k).map_or("?", |p| p.name.name.as_str())))),
            }
        }
        let mut out = Vec::new();
        for (k, p) in def.params.iter().enumerate() {
            let name = p.name.name.clone();
            if k == 0 {
                if let Some(f) = &piped {
                    out.push((name, Bound::Table(f.clone())));
                    continue;
                }
            }
            let arg = slots.get(k).copied().flatten().map(|a| match &a.kind {
                ExprKind::NamedArg(_, v) => &**v,
                _ => a,
            });
            let bound = match (arg, caller) {
                (Some(a), Some(ctx)) if p.ty.is_none() || ctx.env.is_tabular(a, ctx.visible) => {
                    Bound::Table(super::exec::eval_tabular(a, ctx.env, ctx.visible)?)
                }
                (Some(a), Some(ctx)) => match eval(a, ctx)? {
                    Val::S(s) => Bound::Scalar(convert_param(s, p.ty.as_deref())),
                    Val::C(c) => Bound::Column(c),
                },
                (Some(a), None) => return Err(KqlError::at(a.span, "arguments need a caller")),
                (None, _) => match &p.default {
                    Some(d) => Bound::Scalar(eval_const(d, self, 0)?),
                    None => return Err(KqlError::at(span, format!("missing argument '{}'", p.name.name))),
                },
            };
            out.push((name, bound));
        }
        Ok(out)
    }

    /// Calls the function of let `idx` for a scalar result. `caller` evaluates the arguments and gives the rows.
    pub fn call_function(&self, idx: usize, def: &FuncDef, args: &[Expr], caller: Option<&Ctx>, span: Span, piped: Option<Frame>) -> Result<Val, KqlError> {
        if self.lets[idx].kind.get() == (LetKind::Function { tabular: true }) {
            return Err(table_not_value(&self.lets[idx].name.name, span));
        }
        let params = self.bind_args(def, args, caller, span, piped)?;
        self.enter(span)?;
        let child = self.child(idx, def, params);
        let ctx = Ctx { env: &child, frame: caller.and_then(|c| c.frame), n: caller.map_or(1, |c| c.n), visible: def.lets.len() };
        let r = eval(&def.body, &ctx);
        self.leave();
        r
    }

    /// Calls the function of let `idx` for a table result.
    pub fn call_tabular(&self, idx: usize, def: &FuncDef, args: &[Expr], caller: Option<&Ctx>, span: Span, piped: Option<Frame>) -> Result<Frame, KqlError> {
        let params = self.bind_args(def, args, caller, span, piped)?;
        self.enter(span)?;
        let child = self.child(idx, def, params);
        let r = super::exec::eval_tabular(&def.body, &child, def.lets.len());
        self.leave();
        r
    }
}

/// A function whose body gives a table, called where a value is needed.
pub fn table_not_value(name: &str, span: Span) -> KqlError {
    KqlError::at(span, format!("{name}() gives a table, not a value (use toscalar({name}(…)) or '… in ({name}(…))')"))
}

/// A scalar argument converted to its parameter's declared type.
fn convert_param(s: Scalar, ty: Option<&str>) -> Scalar {
    let target = match ty {
        Some("string") => Ty::Str,
        Some("long" | "int") => Ty::Long,
        Some("real" | "double" | "decimal") => Ty::Real,
        Some("bool" | "boolean") => Ty::Bool,
        Some("datetime" | "date") => Ty::DateTime,
        Some("timespan" | "time") => Ty::Timespan,
        Some("dynamic") => Ty::Dyn,
        _ => return s,
    };
    if s.is_null() || s.ty() == Some(target) {
        return s;
    }
    super::value::cast_to(&Col::full(&s, 1), target).get(0)
}

/// Where an expression is evaluated: the environment, and the table whose columns names refer to.
#[derive(Clone, Copy)]
pub struct Ctx<'e, 'a> {
    pub env: &'e Env<'a>,
    pub frame: Option<&'e Frame>,
    /// Rows of `frame` (1 without a table).
    pub n: usize,
    /// How many lets are visible.
    pub visible: usize,
}

impl<'e, 'a> Ctx<'e, 'a> {
    pub fn new(env: &'e Env<'a>, frame: Option<&'e Frame>, visible: usize) -> Self {
        Ctx { env, frame, n: frame.map_or(1, |f| f.height()), visible }
    }
}

/// Evaluates an expression with no table: must give a constant.
pub fn eval_const(expr: &Expr, env: &Env, visible: usize) -> Result<Scalar, KqlError> {
    let ctx = Ctx::new(env, None, visible);
    match eval(expr, &ctx)? {
        Val::S(s) => Ok(s),
        Val::C(c) => Ok(c.get(0)),
    }
}

/// Evaluates an expression over the rows of `ctx.frame`.
pub fn eval(expr: &Expr, ctx: &Ctx) -> Result<Val, KqlError> {
    super::guard::check(expr.span)?;
    eval_inner(expr, ctx).map_err(|e| e.or_at(expr.span))
}

fn eval_inner(expr: &Expr, ctx: &Ctx) -> Result<Val, KqlError> {
    match &expr.kind {
        ExprKind::Lit(l) => Ok(Val::S(lit_scalar(l))),
        ExprKind::Name(name) => resolve_name(name, expr.span, ctx),
        ExprKind::Member(..) | ExprKind::Index(..) => eval_path(expr, ctx),
        ExprKind::Neg(e) => {
            let v = eval(e, ctx)?;
            unary_neg(v, ctx.n)
        }
        ExprKind::Binary(op, l, r) => eval_binary(*op, l, r, ctx),
        ExprKind::In { .. } | ExprKind::HasAny { .. } | ExprKind::Between { .. } => eval_set_op(expr, ctx),
        ExprKind::Call { name, args } => super::functions::call(name, args, expr.span, ctx),
        ExprKind::Star => Err(KqlError::msg("'*' is only allowed in arg_max/arg_min/take_any(*) and distinct *")),
        ExprKind::NamedArg(id, _) => Err(KqlError::at(
            id.span,
            format!("'{} = …' names an argument: only user-defined functions, make_set/make_list/make_bag (MaxSize) and bag_unpack take named arguments", id.name),
        )),
        ExprKind::Function(_) => Err(KqlError::msg("a function is not a value: call it")),
        ExprKind::Tabular(_) | ExprKind::Union(_) | ExprKind::DataTable { .. } | ExprKind::Print(_) | ExprKind::Range { .. } => {
            Err(KqlError::msg("a table is not a scalar value here (use toscalar(…) to take its first value)"))
        }
    }
}

/// A binary operator (its own function, so the frame of [`eval_inner`], which every level of a tree recurses
/// through, stays small).
#[inline(never)]
fn eval_binary(op: BinOp, l: &Expr, r: &Expr, ctx: &Ctx) -> Result<Val, KqlError> {
    if matches!(op, BinOp::And | BinOp::Or) {
        return eval_logic(op, l, r, ctx);
    }
    let a = eval(l, ctx)?;
    let b = eval(r, ctx)?;
    apply_binary(op, a, b, ctx.n)
}

/// A binary operator on evaluated operands (not `and`/`or`, which may skip their right side).
#[inline(never)]
fn apply_binary(op: BinOp, a: Val, b: Val, n: usize) -> Result<Val, KqlError> {
    match op {
        BinOp::And | BinOp::Or => binary(a, b, n, |x, y| logic(op, x, y)),
        BinOp::Str(sop) => strings::str_op(sop, a, b, n),
        BinOp::Eq | BinOp::Ne | BinOp::EqCi | BinOp::NeCi | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
            // a column against a constant: polars' vectorised comparison when the types allow
            match (&a, &b) {
                (Val::C(c), Val::S(k)) => {
                    if let Some(out) = compare_const(op, c, k) {
                        return Ok(Val::C(out));
                    }
                }
                (Val::S(k), Val::C(c)) => {
                    if let Some(out) = compare_const(flip(op), c, k) {
                        return Ok(Val::C(out));
                    }
                }
                _ => {}
            }
            binary(a, b, n, |x, y| compare(op, x, y))
        }
        BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Mod => binary(a, b, n, |x, y| arith(op, x, y)),
    }
}

/// `in`, `has_any`/`has_all`, `between`.
#[inline(never)]
fn eval_set_op(expr: &Expr, ctx: &Ctx) -> Result<Val, KqlError> {
    match &expr.kind {
        ExprKind::In { expr: e, list, negated, case_insensitive } => {
            let v = eval(e, ctx)?;
            let items = eval_list(list, ctx)?;
            strings::in_list(v, &items, *negated, *case_insensitive, ctx.n)
        }
        ExprKind::HasAny { expr: e, list, all } => {
            let v = eval(e, ctx)?;
            let items = eval_list(list, ctx)?;
            strings::has_any(v, &items, *all, ctx.n)
        }
        ExprKind::Between { expr: e, low, high, negated } => {
            let v = eval(e, ctx)?;
            let lo = eval(low, ctx)?;
            let mut hi = eval(high, ctx)?;
            // `between (start .. 1d)`: a timespan after a datetime is a length
            if lo.ty() == Some(Ty::DateTime) && hi.ty() == Some(Ty::Timespan) {
                hi = binary(lo.clone(), hi, ctx.n, |x, y| arith(BinOp::Add, x, y))?;
            }
            let ge = binary(v.clone(), lo, ctx.n, |x, y| compare(BinOp::Ge, x, y))?;
            let le = binary(v, hi, ctx.n, |x, y| compare(BinOp::Le, x, y))?;
            let both = binary(ge, le, ctx.n, |x, y| logic(BinOp::And, x, y))?;
            if *negated {
                unary_not(both, ctx.n)
            } else {
                Ok(both)
            }
        }
        _ => Err(KqlError::msg("not a set operator")),
    }
}

pub fn lit_scalar(l: &Lit) -> Scalar {
    match l {
        Lit::Null => Scalar::Null,
        Lit::Bool(b) => Scalar::Bool(*b),
        Lit::Long(v) => Scalar::Long(*v),
        Lit::Real(v) => Scalar::Real(*v),
        Lit::Str(s) => Scalar::Str(s.clone()),
        Lit::DateTime(v) => Scalar::DateTime(*v),
        Lit::Timespan(v) => Scalar::Timespan(*v),
        Lit::Dynamic(j) => Scalar::Dyn(j.clone()),
    }
}

fn resolve_name(name: &str, span: Span, ctx: &Ctx) -> Result<Val, KqlError> {
    if let Some(b) = ctx.env.value_of(name, ctx.visible) {
        return match b? {
            Bound::Scalar(s) => Ok(Val::S(s)),
            Bound::Column(c) if c.len() == ctx.n => Ok(Val::C(c)),
            Bound::Column(_) => Err(KqlError::at(span, format!("'{name}' holds the values of another table's rows here"))),
            Bound::Table(_) => Err(KqlError::at(
                span,
                format!("'{name}' is a table, not a value (use toscalar({name}) or '… in ({name})')"),
            )),
        };
    }
    if let Some(frame) = ctx.frame {
        if let Ok(col) = frame.column(name) {
            let la = frame.la_type(name).unwrap_or(crate::frame::LaType::String);
            return Col::from_column(col, la).map(Val::C);
        }
    }
    Err(unknown_name(name, span, ctx))
}

/// "unknown column 'IpAdress' (did you mean 'IPAddress'?)"
pub fn unknown_name(name: &str, span: Span, ctx: &Ctx) -> KqlError {
    unknown_name_in(name, span, ctx.frame.map(|f| f.column_names()), ctx.env.let_names(ctx.visible))
}

/// [`unknown_name`] given the row's columns (`None` without a table) and the lets and parameters in scope.
pub fn unknown_name_in(name: &str, span: Span, columns: Option<Vec<String>>, lets: Vec<String>) -> KqlError {
    let has_frame = columns.is_some();
    let mut candidates = columns.unwrap_or_default();
    candidates.extend(lets);
    match closest(name, &candidates) {
        Some(s) => KqlError::at(span, format!("unknown column '{name}' (did you mean '{s}'?)")),
        None if has_frame && candidates.len() <= 40 => {
            KqlError::at(span, format!("unknown column '{name}'. Columns are: {}", candidates.join(", ")))
        }
        None if has_frame => KqlError::at(span, format!("unknown column '{name}'")),
        None => KqlError::at(span, format!("unknown name '{name}'")),
    }
}

/// Evaluates the items of `in (…)`/`has_any (…)`: constants, dynamic arrays (flattened) and tables (their first
/// column).
pub fn eval_list(list: &[Expr], ctx: &Ctx) -> Result<Vec<Scalar>, KqlError> {
    let mut out = Vec::new();
    for item in list {
        if ctx.env.is_tabular(item, ctx.visible) {
            let f = super::exec::eval_tabular(item, ctx.env, ctx.visible)?;
            if let Some(first) = f.df().columns().first() {
                let la = f.la_type(first.name().as_str()).unwrap_or(crate::frame::LaType::String);
                let c = Col::from_column(first, la)?;
                for i in 0..c.len() {
                    push_flat(c.get(i), &mut out);
                }
            }
            continue;
        }
        match eval(item, ctx)? {
            Val::S(s) => push_flat(s, &mut out),
            Val::C(_) => {
                return Err(KqlError::at(item.span, "the list of in()/has_any() must be constants, not columns"));
            }
        }
    }
    Ok(out)
}

fn push_flat(s: Scalar, out: &mut Vec<Scalar>) {
    match s {
        Scalar::Dyn(Json::Array(items)) => {
            for v in items {
                match v {
                    Json::Array(_) => push_flat(Scalar::Dyn(v), out),
                    other => out.push(Scalar::from_json_plain(&other)),
                }
            }
        }
        Scalar::Dyn(v) => out.push(Scalar::from_json_plain(&v)),
        other => out.push(other),
    }
}

// ----- dynamic paths ----------------------------------------------------------------------------------------------

/// One step of a dynamic path: the same for every row, or a column of indexes (`arr[idx]`).
enum PathStep {
    Const(Step),
    Col(Col),
}

/// The step an index value stands for.
fn index_step(v: &Scalar) -> Option<Step> {
    match v {
        Scalar::Long(i) => Some(Step::Index(*i)),
        Scalar::Str(s) => Some(Step::Key(s.clone())),
        Scalar::Real(r) if r.fract() == 0.0 && r.abs() < 9.0e18 => Some(Step::Index(*r as i64)),
        Scalar::Dyn(Json::Number(n)) => n.as_i64().map(Step::Index),
        Scalar::Dyn(Json::String(s)) => Some(Step::Key(s.clone())),
        _ => None,
    }
}

/// `a.b[0]["c"]`: the base value, then the steps.
fn eval_path(expr: &Expr, ctx: &Ctx) -> Result<Val, KqlError> {
    let mut steps_rev: Vec<PathStep> = Vec::new();
    let mut cur = expr;
    loop {
        match &cur.kind {
            ExprKind::Member(base, key) => {
                steps_rev.push(PathStep::Const(Step::Key(key.clone())));
                cur = base;
            }
            ExprKind::Index(base, idx) => {
                let step = match eval(idx, ctx)? {
                    Val::S(s) => PathStep::Const(index_step(&s).ok_or_else(|| {
                        KqlError::at(idx.span, format!("an index must be a number or a string, not {}", s.to_text()))
                    })?),
                    Val::C(c) => PathStep::Col(c),
                };
                steps_rev.push(step);
                cur = base;
            }
            _ => break,
        }
    }
    steps_rev.reverse();
    let steps = steps_rev;
    let varying = steps.iter().any(|s| matches!(s, PathStep::Col(_)));
    let const_steps = || -> Vec<Step> {
        steps.iter().filter_map(|s| match s {
            PathStep::Const(st) => Some(st.clone()),
            PathStep::Col(_) => None,
        }).collect()
    };
    let row_steps = |i: usize| -> Option<Vec<Step>> {
        steps
            .iter()
            .map(|s| match s {
                PathStep::Const(st) => Some(st.clone()),
                PathStep::Col(c) => index_step(&c.get(i)),
            })
            .collect()
    };
    let base = eval(cur, ctx)?;
    let base = match (base, varying) {
        (Val::S(s), true) => Val::C(Col::full(&s, ctx.n)),
        (b, _) => b,
    };
    match base {
        Val::S(s) => {
            let v = match s {
                Scalar::Dyn(v) => v,
                Scalar::Str(t) => dyn_parse(&t),
                Scalar::Null => Json::Null,
                other => {
                    return Err(KqlError::at(cur.span, format!("a {} value has no properties or elements", other.ty().map_or("null", |t| t.name()))));
                }
            };
            Ok(Val::S(Scalar::Dyn(get_path(&v, &const_steps()).cloned().unwrap_or(Json::Null))))
        }
        Val::C(c) => {
            let text = match &c {
                Col::Dyn(t) | Col::Str(t) => t,
                other => {
                    return Err(KqlError::at(cur.span, format!("a {} column has no properties or elements (only dynamic ones do)", other.ty().name())));
                }
            };
            let fixed = if varying { Vec::new() } else { const_steps() };
            let out: StringChunked = text
                .into_iter()
                .enumerate()
                .map(|(i, cell)| {
                    let v = dyn_parse(cell?);
                    let found = if varying { get_path(&v, &row_steps(i)?) } else { get_path(&v, &fixed) };
                    found.filter(|x| !x.is_null()).map(|x| x.to_string())
                })
                .collect();
            Ok(Val::C(Col::Dyn(out)))
        }
    }
}

// ----- broadcasting -----------------------------------------------------------------------------------------------

/// Applies a column kernel to two values: constant folding when both are constants, else over `n` rows.
pub fn binary(a: Val, b: Val, n: usize, f: impl Fn(&Col, &Col) -> Result<Col, KqlError>) -> Result<Val, KqlError> {
    match (a, b) {
        (Val::S(x), Val::S(y)) => {
            let out = f(&Col::full(&x, 1), &Col::full(&y, 1))?;
            Ok(Val::S(out.get(0)))
        }
        (a, b) => {
            let x = typed_null(a, b.ty(), n);
            let y = typed_null(b, x.ty(), n);
            Ok(Val::C(f(&x.into_col(n), &y.into_col(n))?))
        }
    }
}

/// An untyped null constant takes the other operand's type.
fn typed_null(v: Val, other: Option<Ty>, n: usize) -> Val {
    match (&v, other) {
        (Val::S(Scalar::Null), Some(t)) => Val::C(Col::nulls(t, n)),
        _ => v,
    }
}

// ----- comparison -------------------------------------------------------------------------------------------------

fn ord_result(op: BinOp, o: Ordering) -> bool {
    match op {
        BinOp::Eq | BinOp::EqCi => o == Ordering::Equal,
        BinOp::Ne | BinOp::NeCi => o != Ordering::Equal,
        BinOp::Lt => o == Ordering::Less,
        BinOp::Le => o != Ordering::Greater,
        BinOp::Gt => o == Ordering::Greater,
        BinOp::Ge => o != Ordering::Less,
        _ => false,
    }
}

fn cmp_i64(op: BinOp, a: &Int64Chunked, b: &Int64Chunked) -> BooleanChunked {
    if a.len() == b.len() {
        match op {
            BinOp::Eq => return a.equal(b),
            BinOp::Ne => return a.not_equal(b),
            BinOp::Lt => return a.lt(b),
            BinOp::Le => return a.lt_eq(b),
            BinOp::Gt => return a.gt(b),
            BinOp::Ge => return a.gt_eq(b),
            _ => {}
        }
    }
    a.into_iter()
        .zip(b)
        .map(|(x, y)| match (x, y) {
            (Some(x), Some(y)) => Some(ord_result(op, x.cmp(&y))),
            _ => None,
        })
        .collect()
}

fn cmp_f64(op: BinOp, a: &Float64Chunked, b: &Float64Chunked) -> BooleanChunked {
    a.into_iter()
        .zip(b)
        .map(|(x, y)| match (x, y) {
            (Some(x), Some(y)) => Some(match x.partial_cmp(&y) {
                Some(o) => ord_result(op, o),
                None => matches!(op, BinOp::Ne),
            }),
            _ => None,
        })
        .collect()
}

/// String comparison, null as empty.
fn cmp_str(op: BinOp, a: &StringChunked, b: &StringChunked) -> BooleanChunked {
    let ci = matches!(op, BinOp::EqCi | BinOp::NeCi);
    a.into_iter()
        .zip(b)
        .map(|(x, y)| {
            let (x, y) = (x.unwrap_or(""), y.unwrap_or(""));
            if ci {
                let eq = if x.is_ascii() && y.is_ascii() { x.eq_ignore_ascii_case(y) } else { x.to_lowercase() == y.to_lowercase() };
                Some(eq == (op == BinOp::EqCi))
            } else {
                Some(ord_result(op, x.cmp(y)))
            }
        })
        .collect()
}

fn cmp_bool(op: BinOp, a: &BooleanChunked, b: &BooleanChunked) -> BooleanChunked {
    a.into_iter()
        .zip(b)
        .map(|(x, y)| match (x, y) {
            (Some(x), Some(y)) => Some(ord_result(op, x.cmp(&y))),
            _ => None,
        })
        .collect()
}

/// `a op b` as `b op' a`.
fn flip(op: BinOp) -> BinOp {
    match op {
        BinOp::Lt => BinOp::Gt,
        BinOp::Le => BinOp::Ge,
        BinOp::Gt => BinOp::Lt,
        BinOp::Ge => BinOp::Le,
        other => other,
    }
}

/// Integer column `op` constant with polars' kernels (nulls stay null).
fn cmp_i64_const(op: BinOp, ca: &Int64Chunked, v: i64) -> Option<BooleanChunked> {
    Some(match op {
        BinOp::Eq => ca.equal(v),
        BinOp::Ne => ca.not_equal(v),
        BinOp::Lt => ca.lt(v),
        BinOp::Le => ca.lt_eq(v),
        BinOp::Gt => ca.gt(v),
        BinOp::Ge => ca.gt_eq(v),
        _ => return None,
    })
}

/// `column op constant` without expanding the constant, for the common cases (string equality, numbers, datetimes);
/// `None` when the general path must decide. Same results as [`compare`].
pub fn compare_const(op: BinOp, c: &Col, k: &Scalar) -> Option<Col> {
    let out = match (c, k) {
        // null text is "": equal to "" only
        (Col::Str(ca), Scalar::Str(s)) if matches!(op, BinOp::Eq | BinOp::Ne) => {
            let m = if op == BinOp::Eq { ca.equal(s.as_str()) } else { ca.not_equal(s.as_str()) };
            let null_is = (op == BinOp::Eq) == s.is_empty();
            if m.null_count() > 0 { m.fill_null_with_values(null_is).ok()? } else { m }
        }
        (Col::Long(ca), Scalar::Long(v)) => cmp_i64_const(op, ca, *v)?,
        (Col::DateTime(ca), Scalar::DateTime(v)) | (Col::Timespan(ca), Scalar::Timespan(v)) => cmp_i64_const(op, ca, *v)?,
        // a long column against text (`ResultType != "0"`): equality of the number's text
        (Col::Long(ca), Scalar::Str(s)) if matches!(op, BinOp::Eq | BinOp::Ne) => {
            let v: i64 = s.parse().ok()?;
            if v.to_string() != *s {
                return None;
            }
            let m = cmp_i64_const(op, ca, v)?;
            // a null long is "" as text: never equal to a number's text
            if m.null_count() > 0 { m.fill_null_with_values(op == BinOp::Ne).ok()? } else { m }
        }
        _ => return None,
    };
    Some(Col::Bool(out))
}

/// `==`, `!=`, `=~`, `!~`, `<`, `<=`, `>`, `>=` over two columns of equal length.
pub fn compare(op: BinOp, a: &Col, b: &Col) -> Result<Col, KqlError> {
    use Ty::*;
    if matches!(op, BinOp::EqCi | BinOp::NeCi) {
        return Ok(Col::Bool(cmp_str(op, &a.to_str(), &b.to_str())));
    }
    let eq_only = matches!(op, BinOp::Eq | BinOp::Ne);
    let out = match (a.ty(), b.ty()) {
        (Long, Long) => cmp_i64(op, &a.to_i64(), &b.to_i64()),
        (Long | Real, Long | Real) => cmp_f64(op, &a.to_f64(), &b.to_f64()),
        (DateTime, DateTime) | (Timespan, Timespan) => cmp_i64(op, &a.to_i64_raw(), &b.to_i64_raw()),
        (DateTime, Str | Dyn) => cmp_i64(op, &a.to_i64_raw(), &b.to_datetime()),
        (Str | Dyn, DateTime) => cmp_i64(op, &a.to_datetime(), &b.to_i64_raw()),
        (Timespan, Str | Dyn) => cmp_i64(op, &a.to_i64_raw(), &b.to_timespan()),
        (Str | Dyn, Timespan) => cmp_i64(op, &a.to_timespan(), &b.to_i64_raw()),
        (Bool, Bool) => cmp_bool(op, &a.to_bool(), &b.to_bool()),
        (Bool, Dyn) | (Dyn, Bool) => cmp_bool(op, &a.to_bool(), &b.to_bool()),
        (Bool, Long | Real) | (Long | Real, Bool) => cmp_f64(op, &a.to_f64(), &b.to_f64()),
        (Dyn, Long | Real) | (Long | Real, Dyn) => cmp_f64(op, &a.to_f64(), &b.to_f64()),
        (Str, Str) | (Str, Dyn) | (Dyn, Str) | (Dyn, Dyn) => cmp_str(op, &a.to_str(), &b.to_str()),
        // a number against text: equality compares text (EventID == "4624"), order compares numbers
        (Str, Long | Real) | (Long | Real, Str) if eq_only => cmp_str(op, &a.to_str(), &b.to_str()),
        (Str, Long | Real) | (Long | Real, Str) => cmp_f64(op, &a.to_f64(), &b.to_f64()),
        (Str, Bool) | (Bool, Str) if eq_only => cmp_str(op, &a.to_str(), &b.to_str()),
        (x, y) => {
            return Err(KqlError::msg(format!("cannot compare {} with {}", x.name(), y.name())));
        }
    };
    Ok(Col::Bool(out))
}

impl Col {
    /// The raw i64 of a long/datetime/timespan column (others converted to long).
    pub fn to_i64_raw(&self) -> Int64Chunked {
        match self {
            Col::Long(c) | Col::DateTime(c) | Col::Timespan(c) => c.clone(),
            other => other.to_i64(),
        }
    }
}

// ----- arithmetic -------------------------------------------------------------------------------------------------

fn i64_op(op: BinOp, x: i64, y: i64) -> Option<i64> {
    match op {
        BinOp::Add => x.checked_add(y),
        BinOp::Sub => x.checked_sub(y),
        BinOp::Mul => x.checked_mul(y),
        BinOp::Div => x.checked_div(y),
        BinOp::Mod => x.checked_rem(y),
        _ => None,
    }
}

fn f64_op(op: BinOp, x: f64, y: f64) -> f64 {
    match op {
        BinOp::Add => x + y,
        BinOp::Sub => x - y,
        BinOp::Mul => x * y,
        BinOp::Div => x / y,
        BinOp::Mod => x % y,
        _ => f64::NAN,
    }
}

fn zip_i64(op: BinOp, a: &Int64Chunked, b: &Int64Chunked) -> Int64Chunked {
    a.into_iter()
        .zip(b)
        .map(|(x, y)| match (x, y) {
            (Some(x), Some(y)) => i64_op(op, x, y),
            _ => None,
        })
        .collect()
}

fn zip_f64(op: BinOp, a: &Float64Chunked, b: &Float64Chunked) -> Float64Chunked {
    a.into_iter()
        .zip(b)
        .map(|(x, y)| match (x, y) {
            (Some(x), Some(y)) => Some(f64_op(op, x, y)),
            _ => None,
        })
        .collect()
}

/// Timespan × or ÷ a number.
fn scale_span(op: BinOp, span: &Int64Chunked, k: &Float64Chunked) -> Int64Chunked {
    span.into_iter()
        .zip(k)
        .map(|(s, k)| match (s, k) {
            (Some(s), Some(k)) => super::value::f64_to_i64(f64_op(op, s as f64, k)),
            _ => None,
        })
        .collect()
}

fn op_sym(op: BinOp) -> &'static str {
    match op {
        BinOp::Add => "+",
        BinOp::Sub => "-",
        BinOp::Mul => "*",
        BinOp::Div => "/",
        BinOp::Mod => "%",
        _ => "?",
    }
}

/// `+ - * / %` over two columns, with Kusto's datetime/timespan rules.
pub fn arith(op: BinOp, a: &Col, b: &Col) -> Result<Col, KqlError> {
    use BinOp::*;
    use Ty::*;
    let bad = || {
        let hint = if op == Add && (a.ty() == Ty::Str || b.ty() == Ty::Str) { " (use strcat() to join strings)" } else { "" };
        KqlError::msg(format!("cannot compute {} {} {}{hint}", a.ty().name(), op_sym(op), b.ty().name()))
    };
    Ok(match (a.ty(), op, b.ty()) {
        (Long, _, Long) => Col::Long(zip_i64(op, &a.to_i64(), &b.to_i64())),
        (Long | Real | Dyn, _, Long | Real | Dyn) => Col::Real(zip_f64(op, &a.to_f64(), &b.to_f64())),
        (DateTime, Add | Sub, Timespan) => Col::DateTime(zip_i64(op, &a.to_i64_raw(), &b.to_i64_raw())),
        (Timespan, Add, DateTime) => Col::DateTime(zip_i64(op, &a.to_i64_raw(), &b.to_i64_raw())),
        (DateTime, Sub, DateTime) => Col::Timespan(zip_i64(op, &a.to_i64_raw(), &b.to_i64_raw())),
        (Timespan, Add | Sub | Mod, Timespan) => Col::Timespan(zip_i64(op, &a.to_i64_raw(), &b.to_i64_raw())),
        (Timespan, Div, Timespan) => Col::Real(zip_f64(op, &a.to_i64_raw().cast_f64(), &b.to_i64_raw().cast_f64())),
        (Timespan, Mul | Div, Long | Real) => Col::Timespan(scale_span(op, &a.to_i64_raw(), &b.to_f64())),
        (Long | Real, Mul, Timespan) => Col::Timespan(scale_span(op, &b.to_i64_raw(), &a.to_f64())),
        _ => return Err(bad()),
    })
}

trait CastF64 {
    fn cast_f64(&self) -> Float64Chunked;
}

impl CastF64 for Int64Chunked {
    fn cast_f64(&self) -> Float64Chunked {
        self.into_iter().map(|v| v.map(|x| x as f64)).collect()
    }
}

fn unary_neg(v: Val, n: usize) -> Result<Val, KqlError> {
    match v {
        Val::S(Scalar::Long(x)) => Ok(Val::S(x.checked_neg().map_or(Scalar::Null, Scalar::Long))),
        Val::S(Scalar::Real(x)) => Ok(Val::S(Scalar::Real(-x))),
        Val::S(Scalar::Timespan(x)) => Ok(Val::S(x.checked_neg().map_or(Scalar::Null, Scalar::Timespan))),
        other => binary(Val::S(Scalar::Long(0)), other, n, |x, y| {
            if y.ty() == Ty::Timespan {
                arith(BinOp::Sub, &Col::Timespan(Int64Chunked::full(PlSmallStr::EMPTY, 0, y.len())), y)
            } else {
                arith(BinOp::Sub, x, y)
            }
        }),
    }
}

// ----- logic ------------------------------------------------------------------------------------------------------

/// A value as bools (dynamic converted; other types are an error).
pub fn as_bool(c: &Col, what: &str) -> Result<BooleanChunked, KqlError> {
    match c.ty() {
        Ty::Bool | Ty::Dyn => Ok(c.to_bool()),
        other => Err(KqlError::msg(format!("{what} needs a bool, not a {} value", other.name()))),
    }
}

pub fn logic(op: BinOp, a: &Col, b: &Col) -> Result<Col, KqlError> {
    let name = if op == BinOp::And { "'and'" } else { "'or'" };
    let x = as_bool(a, name)?;
    let y = as_bool(b, name)?;
    let out: BooleanChunked = x
        .into_iter()
        .zip(&y)
        .map(|(p, q)| match op {
            BinOp::And => match (p, q) {
                (Some(false), _) | (_, Some(false)) => Some(false),
                (Some(true), Some(true)) => Some(true),
                _ => None,
            },
            _ => match (p, q) {
                (Some(true), _) | (_, Some(true)) => Some(true),
                (Some(false), Some(false)) => Some(false),
                _ => None,
            },
        })
        .collect();
    Ok(Col::Bool(out))
}

fn eval_logic(op: BinOp, l: &Expr, r: &Expr, ctx: &Ctx) -> Result<Val, KqlError> {
    let a = eval(l, ctx)?;
    // constants decide without the other side when they can
    match (&a, op) {
        (Val::S(Scalar::Bool(false)), BinOp::And) => return Ok(Val::S(Scalar::Bool(false))),
        (Val::S(Scalar::Bool(true)), BinOp::Or) => return Ok(Val::S(Scalar::Bool(true))),
        _ => {}
    }
    let b = eval(r, ctx)?;
    binary(a, b, ctx.n, |x, y| logic(op, x, y))
}

pub fn unary_not(v: Val, _n: usize) -> Result<Val, KqlError> {
    match v {
        Val::S(s) => {
            let c = Col::full(&s, 1);
            let b = as_bool(&c, "not()")?;
            Ok(Val::S(b.get(0).map_or(Scalar::Null, |x| Scalar::Bool(!x))))
        }
        Val::C(c) => {
            let b = as_bool(&c, "not()")?;
            Ok(Val::C(Col::Bool(b.into_iter().map(|x| x.map(|x| !x)).collect())))
        }
    }
}

/// A `where` predicate's value as a row mask (null → false).
pub fn to_mask(v: Val, n: usize) -> Result<BooleanChunked, KqlError> {
    match v {
        Val::S(s) => {
            let c = Col::full(&s, 1);
            let keep = as_bool(&c, "'where'")?.get(0).unwrap_or(false);
            Ok(BooleanChunked::full(PlSmallStr::EMPTY, keep, n))
        }
        Val::C(c) => {
            let b = as_bool(&c, "'where'")?;
            if b.null_count() == 0 {
                return Ok(b);
            }
            b.fill_null_with_values(false).map_err(|e| KqlError::msg(format!("filtering: {e}")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn longs(v: &[Option<i64>]) -> Col {
        Col::Long(v.iter().copied().collect())
    }

    #[test]
    fn comparisons_follow_kusto_nulls() {
        let a = longs(&[Some(1), None, Some(3)]);
        let b = longs(&[Some(1), Some(2), Some(2)]);
        let Col::Bool(r) = compare(BinOp::Eq, &a, &b).unwrap() else { panic!() };
        assert_eq!(r.into_iter().collect::<Vec<_>>(), vec![Some(true), None, Some(false)]);
        let s = Col::Str([Some("A"), None].into_iter().collect());
        let t = Col::Str([Some("a"), Some("")].into_iter().collect());
        let Col::Bool(r) = compare(BinOp::Eq, &s, &t).unwrap() else { panic!() };
        assert_eq!(r.into_iter().collect::<Vec<_>>(), vec![Some(false), Some(true)]);
        let Col::Bool(r) = compare(BinOp::EqCi, &s, &t).unwrap() else { panic!() };
        assert_eq!(r.into_iter().collect::<Vec<_>>(), vec![Some(true), Some(true)]);
    }

    #[test]
    fn datetime_arithmetic() {
        let d = Col::DateTime([Some(1_000)].into_iter().collect());
        let t = Col::Timespan([Some(10)].into_iter().collect());
        assert_eq!(arith(BinOp::Sub, &d, &t).unwrap().get(0), Scalar::DateTime(990));
        assert_eq!(arith(BinOp::Sub, &d, &d).unwrap().get(0), Scalar::Timespan(0));
        assert_eq!(arith(BinOp::Mul, &t, &longs(&[Some(3)])).unwrap().get(0), Scalar::Timespan(30));
        assert_eq!(arith(BinOp::Div, &longs(&[Some(7)]), &longs(&[Some(2)])).unwrap().get(0), Scalar::Long(3));
        assert_eq!(arith(BinOp::Div, &longs(&[Some(7)]), &longs(&[Some(0)])).unwrap().get(0), Scalar::Null);
        let s = Col::Str([Some("a")].into_iter().collect());
        let e = arith(BinOp::Add, &s, &longs(&[Some(1)])).unwrap_err();
        assert_eq!(e.msg, "cannot compute string + long (use strcat() to join strings)");
    }

    #[test]
    fn three_valued_logic() {
        let a = Col::Bool([Some(true), None, None, Some(false)].into_iter().collect());
        let b = Col::Bool([None, Some(false), Some(true), None].into_iter().collect());
        let Col::Bool(r) = logic(BinOp::And, &a, &b).unwrap() else { panic!() };
        assert_eq!(r.into_iter().collect::<Vec<_>>(), vec![None, Some(false), None, Some(false)]);
        let Col::Bool(r) = logic(BinOp::Or, &a, &b).unwrap() else { panic!() };
        assert_eq!(r.into_iter().collect::<Vec<_>>(), vec![Some(true), None, Some(true), None]);
    }
}
