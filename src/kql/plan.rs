//! The plan pass: after parsing and before any row is read, every name of the query is bound once and the
//! expressions are typed where their types are known.
//!
//! - Each `let` is classified ([`LetKind`]: a value, a table, or a user-defined function whose body gives a value
//!   or a table); `exec` and `eval` read that classification instead of working it out while running.
//! - Each name is resolved in Kusto's order: a `let` or function parameter, then a column of the row (whose set of
//!   columns, the schema, is carried through the pipeline from the workspace's tables operator by operator), then
//!   a table of the workspace; each call to a let function, a built-in function (the registry of
//!   [`super::functions`], with its arity) or an aggregation ([`super::aggregates`]).
//! - Types: literals, columns, conversions and arithmetic; the operators are checked with the interpreter's own
//!   kernels on empty columns, so the plan reports exactly the mismatches a run would (`string - timespan`), and
//!   nothing Kusto allows (numbers compared across types, `dynamic` anywhere). What is not known is "unknown" and
//!   never an error.
//!
//! A schema is *open* after an operator whose columns depend on the data (`evaluate` plugins, `mv-apply`,
//! `top-nested`, `make-series`, `invoke`, `arg_max(…, *)`, a tabular parameter `T:(*)`): unknown-column checks stop
//! there. Errors of a `let` are raised where the let is used (an unused let with a mistake does not fail, as when
//! the query runs). Left to run time: values (a regex that does not compile, `take` of a string), plugins'
//! arguments, and functions that read their argument expressions themselves (`extractjson`, `next`, …).

use std::cell::Cell;

use super::ast::*;
use super::names::{next_column_name, result_name, unique};
use super::value::{type_named, Col, Ty};
use super::KqlError;
use crate::frame::{Frame, LaType, Tables};

/// What a `let` gives; set by the plan pass and read by `eval`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LetKind {
    /// A scalar value.
    #[default]
    Value,
    /// A table.
    Table,
    /// A user-defined function (or `view`); `tabular` when its body gives a table.
    Function { tabular: bool },
}

/// The kind stored in a [`Let`], interior-mutable so the plan can fill it in on the parsed tree.
pub type LetKindCell = Cell<LetKind>;

/// The columns of a table at one point of a pipeline.
#[derive(Debug, Clone, Default)]
struct Schema {
    cols: Vec<(String, Option<Ty>)>,
    /// More columns may exist (their names depend on the data).
    open: bool,
}

impl Schema {
    fn open() -> Schema {
        Schema { cols: Vec::new(), open: true }
    }

    fn of(f: &Frame) -> Schema {
        let cols = f
            .column_names()
            .into_iter()
            .map(|n| {
                let la = f.la_type(&n).unwrap_or(LaType::String);
                // the interpreter's own view of the column (on no rows): exact
                let ty = f.column(&n).ok().and_then(|c| Col::from_column(&c.slice(0, 0), la).ok()).map(|c| c.ty());
                (n, ty)
            })
            .collect();
        Schema { cols, open: false }
    }

    fn get(&self, n: &str) -> Option<Option<Ty>> {
        self.cols.iter().find(|(c, _)| c == n).map(|(_, t)| *t)
    }

    fn names(&self) -> Vec<String> {
        self.cols.iter().map(|(c, _)| c.clone()).collect()
    }

    fn set(&mut self, n: &str, ty: Option<Ty>) {
        match self.cols.iter_mut().find(|(c, _)| c == n) {
            Some(slot) => slot.1 = ty,
            None => self.cols.push((n.to_string(), ty)),
        }
    }
}

/// What a name in scope stands for.
enum Sym<'q> {
    Value(Option<Ty>),
    Table(Schema),
    Func(&'q FuncDef, bool),
}

struct Binding<'q> {
    name: &'q str,
    sym: Sym<'q>,
    /// The let's own error, raised where it is used.
    err: Option<KqlError>,
}

struct Planner<'q> {
    tables: &'q Tables,
    scope: Vec<Binding<'q>>,
}

/// Plans `q` against the workspace `tables`: classifies its lets and reports unknown names, wrong arities and type
/// mismatches with their positions.
pub(crate) fn check(q: &Query, tables: &Tables) -> Result<(), KqlError> {
    let mut p = Planner { tables, scope: Vec::new() };
    for l in &q.lets {
        p.let_(l);
    }
    match &q.body.kind {
        ExprKind::Name(_) | ExprKind::Tabular(_) | ExprKind::Union(_) | ExprKind::Call { .. } | ExprKind::DataTable { .. } | ExprKind::Print(_) | ExprKind::Range { .. } => {
            p.tabular(&q.body).map(drop)
        }
        _ => Ok(()),
    }
}

const AGG_MULTI: &[&str] = &["arg_max", "arg_min", "take_any", "any", "take_anyif", "anyif", "percentiles", "percentilesw"];

impl<'q> Planner<'q> {
    fn find(&self, n: &str) -> Option<&Binding<'q>> {
        self.scope.iter().rev().find(|b| b.name == n)
    }

    /// The binding of `n`, raising the let's own error.
    fn bound(&self, n: &str) -> Result<Option<&Sym<'q>>, KqlError> {
        match self.find(n) {
            Some(Binding { err: Some(e), .. }) => Err(e.clone()),
            Some(b) => Ok(Some(&b.sym)),
            None => Ok(None),
        }
    }

    fn let_names(&self) -> Vec<String> {
        self.scope.iter().map(|b| b.name.to_string()).collect()
    }

    fn let_(&mut self, l: &'q Let) {
        let (kind, sym, err) = match &l.value.kind {
            ExprKind::Function(def) => {
                let base = self.scope.len();
                for p in &def.params {
                    let sym = if p.ty.is_none() { Sym::Table(Schema::open()) } else { Sym::Value(None) };
                    self.scope.push(Binding { name: &p.name.name, sym, err: None });
                }
                for bl in &def.lets {
                    self.let_(bl);
                }
                let tabular = self.is_tabular(&def.body);
                // the body sees the caller's row: any column
                let r = if tabular { self.tabular(&def.body).map(drop) } else { self.scalar(&def.body, Some(&Schema::open())).map(drop) };
                self.scope.truncate(base);
                (LetKind::Function { tabular }, Sym::Func(def, tabular), r.err())
            }
            _ if self.is_tabular(&l.value) => match self.tabular(&l.value) {
                Ok(s) => (LetKind::Table, Sym::Table(s), None),
                Err(e) => (LetKind::Table, Sym::Table(Schema::open()), Some(e)),
            },
            _ => match self.scalar(&l.value, None) {
                Ok(t) => (LetKind::Value, Sym::Value(t), None),
                Err(e) => (LetKind::Value, Sym::Value(None), Some(e)),
            },
        };
        l.kind.set(kind);
        self.scope.push(Binding { name: &l.name.name, sym, err });
    }

    /// Whether `e` denotes a table (the same rule `eval::Env::is_tabular` applies with the kinds set here).
    fn is_tabular(&self, e: &Expr) -> bool {
        match &e.kind {
            ExprKind::Tabular(_) | ExprKind::Union(_) | ExprKind::DataTable { .. } | ExprKind::Print(_) | ExprKind::Range { .. } => true,
            ExprKind::Name(n) => match self.find(n).map(|b| &b.sym) {
                Some(Sym::Table(_)) => true,
                Some(Sym::Func(def, tabular)) => *tabular && def.params.iter().all(|p| p.default.is_some()),
                Some(Sym::Value(_)) => false,
                None => self.tables.table_names().iter().any(|t| t == n),
            },
            ExprKind::Call { name, .. } => match self.find(name).map(|b| &b.sym) {
                Some(Sym::Func(_, tabular)) => *tabular,
                Some(_) => false,
                None => matches!(name.as_str(), "materialize" | "table" | "view" | "_GetWatchlist"),
            },
            _ => false,
        }
    }

    // ----- tables ---------------------------------------------------------------------------------------------

    fn tabular(&self, e: &Expr) -> Result<Schema, KqlError> {
        super::guard::check(e.span)?;
        match &e.kind {
            ExprKind::Call { name, args } if self.find(name).is_some() => {
                match self.bound(name)? {
                    Some(Sym::Func(def, _)) => self.call_args(def, args, None, e.span, false)?,
                    _ => return Err(KqlError::at(e.span, format!("'{name}' is not a function"))),
                }
                Ok(Schema::open())
            }
            ExprKind::Name(n) => match self.bound(n)? {
                Some(Sym::Table(s)) => Ok(s.clone()),
                Some(Sym::Value(_)) => Err(KqlError::at(e.span, format!("'{n}' is a value, not a table"))),
                Some(Sym::Func(..)) => Ok(Schema::open()),
                None => match self.tables.layout(n) {
                    Ok(f) => Ok(Schema::of(f)),
                    Err(_) => Err(super::exec::unknown_table(n, e.span, self.tables.table_names(), self.let_names())),
                },
            },
            ExprKind::Tabular(t) => {
                let s = self.tabular(&t.source)?;
                self.ops(s, &t.ops)
            }
            ExprKind::Union(spec) => self.union(Vec::new(), spec),
            ExprKind::DataTable { columns, values } => {
                for v in values {
                    self.scalar(v, None)?;
                }
                Ok(Schema { cols: columns.iter().map(|(id, ty)| (id.name.clone(), type_named(ty).ok())).collect(), open: false })
            }
            ExprKind::Print(items) => {
                let mut s = Schema::default();
                for (i, a) in items.iter().enumerate() {
                    let base = match &a.name {
                        Some(id) => id.name.clone(),
                        None => result_name(&a.expr).unwrap_or_else(|| format!("print_{i}")),
                    };
                    let ty = self.scalar(&a.expr, None)?;
                    s.cols.push((unique(&base, &s.names()), ty));
                }
                Ok(s)
            }
            ExprKind::Range { name, from, to, step } => {
                for x in [from, to, step] {
                    self.scalar(x, None)?;
                }
                Ok(Schema { cols: vec![(name.name.clone(), None)], open: false })
            }
            ExprKind::Call { name, args } if matches!(name.as_str(), "materialize" | "view") && args.len() == 1 => self.tabular(&args[0]),
            // `_GetWatchlist('alias')`: the item fields become columns, known only from the data (exec.rs)
            ExprKind::Call { name, args } if (name == "table" || name == "_GetWatchlist") && args.len() == 1 => {
                self.scalar(&args[0], None)?;
                Ok(Schema::open())
            }
            ExprKind::Call { name, .. } if super::functions::is_function(name) || super::aggregates::is_aggregate(name) => {
                Err(KqlError::at(e.span, format!("{name}() gives a value, not a table")))
            }
            ExprKind::Call { name, .. } => Err(super::exec::unknown_tabular_function(name, e.span)),
            _ => Err(KqlError::at(e.span, "expected a table here (a table name, a tabular let, or '(T | …)')")),
        }
    }

    fn ops(&self, mut s: Schema, ops: &[Op]) -> Result<Schema, KqlError> {
        for op in ops {
            s = self.op(s, op).map_err(|e| e.or_at(op.span))?;
        }
        Ok(s)
    }

    fn op(&self, s: Schema, op: &Op) -> Result<Schema, KqlError> {
        let row = Some(&s);
        Ok(match &op.kind {
            OpKind::Where(e) => {
                self.scalar(e, row)?;
                s
            }
            OpKind::Extend(items) => {
                let mut cur = s;
                for a in items {
                    if !a.more_names.is_empty() {
                        // `(a, b) = series_…(…)`: the series functions name their results themselves
                        if let ExprKind::Call { args, .. } = &a.expr.kind {
                            for x in args {
                                self.scalar(x, Some(&cur))?;
                            }
                        }
                        for id in a.name.iter().chain(&a.more_names) {
                            cur.set(&id.name, None);
                        }
                        continue;
                    }
                    let name = match &a.name {
                        Some(id) => id.name.clone(),
                        None => match (&a.expr.kind, result_name(&a.expr)) {
                            (ExprKind::Name(n), _) if cur.get(n).is_some() && self.find(n).is_none() => continue,
                            (_, Some(n)) => unique(&n, &cur.names()),
                            (_, None) => next_column_name(&cur.names()),
                        },
                    };
                    let ty = self.scalar(&a.expr, Some(&cur))?;
                    cur.set(&name, ty);
                }
                cur
            }
            OpKind::Project(items) => {
                let mut out = Schema::default();
                for a in items {
                    let base = match &a.name {
                        Some(id) => id.name.clone(),
                        None => result_name(&a.expr).unwrap_or_else(|| next_column_name(&out.names())),
                    };
                    let ty = self.scalar(&a.expr, row)?;
                    out.cols.push((unique(&base, &out.names()), ty));
                }
                out
            }
            OpKind::ProjectAway(pats) => {
                let drop = self.patterns(&s, pats)?;
                Schema { cols: s.cols.into_iter().filter(|(c, _)| !drop.contains(c)).collect(), open: s.open }
            }
            OpKind::ProjectKeep(pats) | OpKind::ProjectReorder(pats) => {
                let keep = self.patterns(&s, pats)?;
                if matches!(op.kind, OpKind::ProjectKeep(_)) {
                    Schema { cols: s.cols.into_iter().filter(|(c, _)| keep.contains(c)).collect(), open: s.open }
                } else {
                    s
                }
            }
            OpKind::ProjectRename(pairs) => {
                let mut out = s;
                for (new, old) in pairs {
                    match out.cols.iter().position(|(c, _)| *c == old.name) {
                        Some(i) => {
                            let ty = out.cols.remove(i).1;
                            out.cols.retain(|(c, _)| *c != new.name);
                            out.cols.insert(i.min(out.cols.len()), (new.name.clone(), ty));
                        }
                        None if out.open => out.set(&new.name, None),
                        None => return Err(super::exec::unknown_column_in(&out.names(), &old.name, old.span)),
                    }
                }
                out
            }
            OpKind::Take(e) => {
                self.scalar(e, None)?;
                s
            }
            OpKind::Sort(keys) => {
                for k in keys {
                    self.scalar(&k.expr, row)?;
                }
                s
            }
            OpKind::Top { n, by } => {
                self.scalar(n, None)?;
                for k in by {
                    self.scalar(&k.expr, row)?;
                }
                s
            }
            OpKind::Summarize { aggs, by } => self.summarize(&s, aggs, by)?,
            OpKind::Distinct { cols, star } => {
                if *star {
                    s
                } else {
                    self.summarize(&s, &[], cols)?
                }
            }
            OpKind::Count => Schema { cols: vec![("Count".into(), Some(Ty::Long))], open: false },
            OpKind::Render { .. } | OpKind::NoOp => s,
            OpKind::Union(spec) => self.union(vec![s], spec)?,
            OpKind::MvExpand { items, limit, item_index } => self.mv_expand(s, items, limit.as_ref(), item_index.as_ref())?,
            OpKind::MvApply { items, limit, item_index, ops } => {
                let expanded = self.mv_expand(s, items, limit.as_ref(), item_index.as_ref())?;
                self.ops(expanded, ops)?;
                Schema::open()
            }
            OpKind::Join { kind, right, on } => {
                let r = self.tabular(right)?;
                self.keys(&s, &r, on, "join")?;
                match kind {
                    JoinKind::LeftSemi | JoinKind::LeftAnti => s,
                    JoinKind::RightSemi | JoinKind::RightAnti => r,
                    _ => joined(s, r, &[]),
                }
            }
            OpKind::Lookup { right, on, .. } => {
                let r = self.tabular(right)?;
                self.keys(&s, &r, on, "lookup")?;
                let keys: Vec<&str> = on.iter().map(|k| k.right.name.as_str()).collect();
                joined(s, r, &keys)
            }
            OpKind::MakeSeries(spec) => {
                for a in &spec.aggs {
                    self.agg_args(&a.assign.expr, row)?;
                    if let Some(d) = &a.default {
                        self.scalar(d, None)?;
                    }
                }
                self.scalar(&spec.axis, row)?;
                for x in [&spec.from, &spec.to].into_iter().flatten().chain([&spec.step]) {
                    self.scalar(x, None)?;
                }
                for b in &spec.by {
                    self.scalar(&b.expr, row)?;
                }
                Schema::open()
            }
            OpKind::Parse(spec) => {
                self.scalar(&spec.expr, row)?;
                let mut out = s;
                for p in &spec.parts {
                    if let ParsePart::Col(id, ty) = p {
                        out.set(&id.name, type_named(ty).ok());
                    }
                }
                out
            }
            OpKind::Invoke { name, args } => {
                match self.bound(&name.name)? {
                    Some(Sym::Func(def, _)) => self.call_args(def, args, row, name.span, true)?,
                    Some(_) => return Err(KqlError::at(name.span, format!("'{}' is not a function", name.name))),
                    None => {
                        return Err(KqlError::at(name.span, format!("unknown function '{}' (invoke needs a function defined with let)", name.name)));
                    }
                }
                Schema::open()
            }
            // plugins' columns depend on the data, and their arguments are theirs to read
            OpKind::Evaluate { .. } | OpKind::TopNested(_) => Schema::open(),
        })
    }

    /// The columns `pats` (with `*` wildcards) name; a plain name that is not a column is an error.
    fn patterns(&self, s: &Schema, pats: &[Ident]) -> Result<Vec<String>, KqlError> {
        let mut out = Vec::new();
        for p in pats {
            if p.name.contains('*') {
                out.extend(s.cols.iter().filter(|(c, _)| super::exec::glob(&p.name, c)).map(|(c, _)| c.clone()));
            } else if s.get(&p.name).is_some() || s.open {
                out.push(p.name.clone());
            } else {
                return Err(super::exec::unknown_column_in(&s.names(), &p.name, p.span));
            }
        }
        Ok(out)
    }

    fn keys(&self, l: &Schema, r: &Schema, on: &[JoinKey], what: &str) -> Result<(), KqlError> {
        for k in on {
            for (s, id, side) in [(l, &k.left, "left"), (r, &k.right, "right")] {
                if !s.open && s.get(&id.name).is_none() {
                    return Err(super::exec::no_key_column(&s.names(), id, side, what));
                }
            }
        }
        Ok(())
    }

    fn mv_expand(&self, s: Schema, items: &[MvItem], limit: Option<&Expr>, item_index: Option<&Ident>) -> Result<Schema, KqlError> {
        if let Some(e) = limit {
            self.scalar(e, None)?;
        }
        let mut out = s.clone();
        let mut taken = s.names();
        for it in items {
            self.scalar(&it.expr, Some(&s))?;
            let name = it.name.as_ref().map(|id| id.name.clone()).or_else(|| result_name(&it.expr)).unwrap_or_else(|| next_column_name(&taken));
            taken.push(name.clone());
            let ty = match it.to_type.as_deref() {
                None | Some("dynamic") => None,
                Some(t) => type_named(t).ok(),
            };
            out.set(&name, ty);
        }
        if let Some(id) = item_index {
            out.set(&id.name, Some(Ty::Long));
        }
        Ok(out)
    }

    fn union(&self, mut parts: Vec<Schema>, spec: &UnionSpec) -> Result<Schema, KqlError> {
        let mut first_err = None;
        for t in &spec.tables {
            let r = match &t.kind {
                ExprKind::Name(n) if n.contains('*') => {
                    for name in self.tables.table_names().into_iter().filter(|name| super::exec::glob(n, name)) {
                        parts.extend(self.tables.layout(&name).ok().map(Schema::of));
                    }
                    continue;
                }
                _ => self.tabular(t),
            };
            match r {
                Ok(s) => parts.push(s),
                Err(e) if spec.isfuzzy => {
                    first_err.get_or_insert(e);
                }
                Err(e) => return Err(e),
            }
        }
        if parts.is_empty() {
            return first_err.map_or(Ok(Schema::open()), Err);
        }
        let mut out = Schema { cols: Vec::new(), open: parts.iter().any(|p| p.open) };
        for p in &parts {
            for (c, ty) in &p.cols {
                match out.get(c) {
                    None => out.cols.push((c.clone(), *ty)),
                    // a column whose types differ is renamed by type (`X_string` …): leave the names to run time
                    Some(t) if t != *ty || t.is_none() => out.open = true,
                    Some(_) => {}
                }
            }
        }
        if spec.inner && !out.open {
            out.cols.retain(|(c, _)| parts.iter().all(|p| p.get(c).is_some()));
        }
        if let Some(ws) = &spec.withsource {
            out.cols.retain(|(c, _)| c != ws);
            out.cols.insert(0, (ws.clone(), Some(Ty::Str)));
        }
        Ok(out)
    }

    fn summarize(&self, s: &Schema, aggs: &[Assign], by: &[Assign]) -> Result<Schema, KqlError> {
        let row = Some(s);
        let mut out = Schema::default();
        for b in by {
            let base = match &b.name {
                Some(id) => id.name.clone(),
                None => result_name(&b.expr).unwrap_or_else(|| next_column_name(&out.names())),
            };
            let ty = self.scalar(&b.expr, row)?;
            out.cols.push((unique(&base, &out.names()), ty));
        }
        let keys = out.clone();
        for a in aggs {
            if let ExprKind::Call { name, args } = &a.expr.kind {
                if super::aggregates::is_aggregate(name) {
                    self.agg_args(&a.expr, row)?;
                    if AGG_MULTI.contains(&name.as_str()) {
                        out.open = true;
                        continue;
                    }
                    let base = match &a.name {
                        Some(id) => id.name.clone(),
                        None => super::aggregates::default_name(name, args).unwrap_or_else(|| next_column_name(&out.names())),
                    };
                    let ty = match name.as_str() {
                        "count" | "countif" | "dcount" | "dcountif" | "count_distinct" => Some(Ty::Long),
                        _ => None,
                    };
                    out.cols.push((unique(&base, &out.names()), ty));
                    continue;
                }
            }
            // an expression over aggregations, computed over the groups' keys and the aggregations' values
            let mut found = Vec::new();
            let rewritten = super::exec::lift_aggs(&a.expr, &mut found);
            if found.is_empty() {
                return Err(super::exec::not_an_aggregation(&a.expr, |n| self.find(n).is_some()));
            }
            let mut grouped = keys.clone();
            for (tmp, call) in &found {
                self.agg_args(call, row)?;
                grouped.set(tmp, None);
            }
            let ty = self.scalar(&rewritten, Some(&grouped))?;
            let base = a.name.as_ref().map(|id| id.name.clone()).unwrap_or_else(|| next_column_name(&out.names()));
            out.cols.push((unique(&base, &out.names()), ty));
        }
        Ok(out)
    }

    /// The arguments of an aggregation call (`*` and `MaxSize = n` are the aggregation's to read).
    fn agg_args(&self, call: &Expr, row: Option<&Schema>) -> Result<(), KqlError> {
        let ExprKind::Call { args, .. } = &call.kind else { return self.scalar(call, row).map(drop) };
        for a in args {
            match &a.kind {
                ExprKind::Star => {}
                ExprKind::NamedArg(_, v) => drop(self.scalar(v, row)?),
                _ => drop(self.scalar(a, row)?),
            }
        }
        Ok(())
    }

    /// A call of a let function: the arguments against its parameters (`piped`: `T | invoke f(…)`).
    fn call_args(&self, def: &FuncDef, args: &[Expr], row: Option<&Schema>, span: Span, piped: bool) -> Result<(), KqlError> {
        let given = args.len() + usize::from(piped);
        let required = def.params.iter().filter(|p| p.default.is_none()).count();
        if given < required || given > def.params.len() {
            return Err(KqlError::at(span, format!("the function takes {} argument(s), {} given", def.params.len(), given)));
        }
        let mut next = usize::from(piped);
        for a in args {
            let (param, value) = match &a.kind {
                ExprKind::NamedArg(id, v) => (def.params.iter().find(|p| p.name.name == id.name), &**v),
                _ => {
                    next += 1;
                    (def.params.get(next - 1), a)
                }
            };
            if param.is_some_and(|p| p.ty.is_none()) || self.is_tabular(value) {
                self.tabular(value)?;
            } else {
                self.scalar(value, row)?;
            }
        }
        Ok(())
    }

    // ----- scalars --------------------------------------------------------------------------------------------

    /// Checks a scalar expression over rows of `row` (`None`: no table, as in a `let` or `take n`); its type when
    /// known.
    fn scalar(&self, e: &Expr, row: Option<&Schema>) -> Result<Option<Ty>, KqlError> {
        super::guard::check(e.span)?;
        self.scalar_inner(e, row).map_err(|err| err.or_at(e.span))
    }

    fn scalar_inner(&self, e: &Expr, row: Option<&Schema>) -> Result<Option<Ty>, KqlError> {
        Ok(match &e.kind {
            ExprKind::Lit(l) => super::eval::lit_scalar(l).ty(),
            ExprKind::Name(n) => self.name(n, e.span, row)?,
            ExprKind::Member(b, _) => {
                self.scalar(b, row)?;
                Some(Ty::Dyn)
            }
            ExprKind::Index(b, i) => {
                self.scalar(b, row)?;
                self.scalar(i, row)?;
                Some(Ty::Dyn)
            }
            // a constant result may be null, whose type a run does not know
            ExprKind::Neg(x) => self.scalar(x, row)?.filter(|t| matches!(t, Ty::Long | Ty::Real | Ty::Timespan) && self.uses_row(x)),
            ExprKind::Binary(op, l, r) => self.binary(*op, l, r, e, row)?,
            ExprKind::In { .. } | ExprKind::HasAny { .. } | ExprKind::Between { .. } => self.set_op(e, row)?,
            ExprKind::Call { name, args } => self.call(name, args, e.span, row)?,
            ExprKind::NamedArg(_, v) => {
                self.scalar(v, row)?;
                None
            }
            _ => None,
        })
    }

    #[inline(never)]
    fn name(&self, n: &str, span: Span, row: Option<&Schema>) -> Result<Option<Ty>, KqlError> {
        Ok(match self.bound(n)? {
            Some(Sym::Value(t)) => *t,
            Some(_) => None,
            None => match row {
                Some(s) if s.open => s.get(n).flatten(),
                Some(s) => match s.get(n) {
                    Some(t) => t,
                    None => return Err(super::eval::unknown_name_in(n, span, Some(s.names()), self.let_names())),
                },
                None => return Err(super::eval::unknown_name_in(n, span, None, self.let_names())),
            },
        })
    }

    /// `in`, `has_any`/`has_all`, `between`: the items of a list may be tables.
    #[inline(never)]
    fn set_op(&self, e: &Expr, row: Option<&Schema>) -> Result<Option<Ty>, KqlError> {
        match &e.kind {
            ExprKind::In { expr, list, .. } | ExprKind::HasAny { expr, list, .. } => {
                self.scalar(expr, row)?;
                for x in list {
                    if self.is_tabular(x) {
                        self.tabular(x)?;
                    } else {
                        self.scalar(x, row)?;
                    }
                }
            }
            ExprKind::Between { expr, low, high, .. } => {
                for x in [expr, low, high] {
                    self.scalar(x, row)?;
                }
            }
            _ => {}
        }
        Ok(Some(Ty::Bool))
    }

    /// A binary operator (its own function, so the frame of [`Planner::scalar_inner`], which every level of a tree
    /// recurses through, stays small).
    #[inline(never)]
    fn binary(&self, op: BinOp, l: &Expr, r: &Expr, e: &Expr, row: Option<&Schema>) -> Result<Option<Ty>, KqlError> {
        let (a, b) = (self.scalar(l, row)?, self.scalar(r, row)?);
        let arith = matches!(op, BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Mod);
        let (Some(a), Some(b)) = (a, b) else { return Ok(if arith { None } else { Some(Ty::Bool) }) };
        // the interpreter's kernels on empty columns: the same verdict as a run, before any row
        let (x, y) = (Col::nulls(a, 0), Col::nulls(b, 0));
        let out = match op {
            _ if arith => super::eval::arith(op, &x, &y)?,
            BinOp::Eq | BinOp::Ne | BinOp::EqCi | BinOp::NeCi | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => super::eval::compare(op, &x, &y)?,
            BinOp::And | BinOp::Or => super::eval::logic(op, &x, &y)?,
            BinOp::Str(_) | BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Mod => return Ok(Some(Ty::Bool)),
        };
        // a constant result may be null, whose type a run does not know
        Ok(if arith && !self.uses_row(e) { None } else { Some(out.ty()) })
    }

    /// Whether `e` reads a column of the row (else it is a constant, which may be an untyped null).
    fn uses_row(&self, e: &Expr) -> bool {
        match &e.kind {
            ExprKind::Name(n) => self.find(n).is_none(),
            ExprKind::Member(b, _) | ExprKind::Neg(b) | ExprKind::NamedArg(_, b) => self.uses_row(b),
            ExprKind::Index(a, b) | ExprKind::Binary(_, a, b) => self.uses_row(a) || self.uses_row(b),
            ExprKind::Call { args, .. } => args.iter().any(|a| self.uses_row(a)),
            ExprKind::In { expr, .. } | ExprKind::HasAny { expr, .. } | ExprKind::Between { expr, .. } => self.uses_row(expr),
            _ => false,
        }
    }

    #[inline(never)]
    fn call(&self, name: &str, args: &[Expr], span: Span, row: Option<&Schema>) -> Result<Option<Ty>, KqlError> {
        if self.find(name).is_some() {
            let Some(Sym::Func(def, tabular)) = self.bound(name)? else {
                return Err(KqlError::at(span, format!("'{name}' is not a function")));
            };
            self.call_args(def, args, row, span, false)?;
            if *tabular {
                return Err(super::eval::table_not_value(name, span));
            }
            return Ok(None);
        }
        match name {
            "materialize" | "table" | "view" => return Err(KqlError::at(span, format!("{name}() gives a table, not a value"))),
            "toscalar" => {
                super::functions::check_arity(name, args.len())?;
                return match args.first() {
                    Some(a) if self.is_tabular(a) => self.tabular(a).map(|_| None),
                    Some(a) => self.scalar(a, None),
                    None => Ok(None),
                };
            }
            "column_ifexists" => {
                super::functions::check_arity(name, args.len())?;
                if let [c, d] = args {
                    self.scalar(c, None)?;
                    self.scalar(d, row)?;
                }
                return Ok(None);
            }
            // a type name as the argument
            "typeof" => return Ok(None),
            _ => {}
        }
        if super::aggregates::is_aggregate(name) && !super::functions::is_function(name) {
            return Err(KqlError::at(span, format!("{name}() is an aggregation: use it in summarize")));
        }
        let reads_exprs = super::functions::check_arity(name, args.len()).map_err(|e| e.or_at(span))?;
        if !reads_exprs {
            for a in args {
                if matches!(a.kind, ExprKind::Star) {
                    return Err(KqlError::at(a.span, format!("'*' is not an argument of {name}()")));
                }
                self.scalar(a, row)?;
            }
        }
        Ok(result_type(name, args, row, self))
    }
}

/// The columns of a join: the left ones, then the right ones (but `skip`) renamed where taken (`Key` → `Key1`).
fn joined(l: Schema, r: Schema, skip: &[&str]) -> Schema {
    let mut out = Schema { open: l.open || r.open, cols: l.cols };
    for (c, ty) in r.cols {
        if !skip.contains(&c.as_str()) {
            let nm = unique(&c, &out.names());
            out.cols.push((nm, ty));
        }
    }
    out
}

/// The type of a built-in function's result where it does not depend on the data (others are unknown).
fn result_type(name: &str, args: &[Expr], row: Option<&Schema>, p: &Planner) -> Option<Ty> {
    if !matches!(name, "now" | "ago") && !args.iter().any(|a| p.uses_row(a)) {
        // constant arguments give a constant, which may be a null of no type (`tolong('x')`)
        return None;
    }
    Some(match name {
        "tostring" | "strcat" | "strcat_delim" | "tolower" | "toupper" => Ty::Str,
        "tolong" | "toint" | "strlen" => Ty::Long,
        "todouble" | "toreal" => Ty::Real,
        "tobool" | "toboolean" | "isempty" | "isnotempty" | "isnull" | "isnotnull" => Ty::Bool,
        "todatetime" | "now" | "ago" | "startofday" | "startofweek" | "startofmonth" | "startofyear" | "endofday" => Ty::DateTime,
        "totimespan" | "totime" => Ty::Timespan,
        "todynamic" | "parse_json" | "pack_array" | "split" => Ty::Dyn,
        // bin of a datetime or timespan keeps its type
        "bin" | "floor" => match args.first().map(|a| p.scalar(a, row)) {
            Some(Ok(Some(t @ (Ty::DateTime | Ty::Timespan)))) => t,
            _ => return None,
        },
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_types_are_the_interpreters() {
        let mut tables = Tables::new();
        let mut f = crate::kql::execute("print x = 1, s = '1', d = datetime(2024-01-01), t = 1h", &tables, 0).unwrap();
        f.name = "T".into();
        let schema = Schema::of(&f);
        tables.add(f);
        let p = Planner { tables: &tables, scope: Vec::new() };
        for (expr, ty) in [
            ("tostring(x)", Ty::Str),
            ("strcat('a', s)", Ty::Str),
            ("strcat_delim('-', s, x)", Ty::Str),
            ("tolower(s)", Ty::Str),
            ("toupper(s)", Ty::Str),
            ("tolong(s)", Ty::Long),
            ("toint(x)", Ty::Long),
            ("strlen(s)", Ty::Long),
            ("todouble(s)", Ty::Real),
            ("toreal(x)", Ty::Real),
            ("tobool(s)", Ty::Bool),
            ("toboolean(x)", Ty::Bool),
            ("isempty(s)", Ty::Bool),
            ("isnotempty(s)", Ty::Bool),
            ("isnull(x)", Ty::Bool),
            ("isnotnull(x)", Ty::Bool),
            ("todatetime(s)", Ty::DateTime),
            ("now()", Ty::DateTime),
            ("ago(1h)", Ty::DateTime),
            ("ago(t)", Ty::DateTime),
            ("startofday(d)", Ty::DateTime),
            ("startofweek(d)", Ty::DateTime),
            ("startofmonth(d)", Ty::DateTime),
            ("startofyear(d)", Ty::DateTime),
            ("endofday(d)", Ty::DateTime),
            ("totimespan(s)", Ty::Timespan),
            ("totime(s)", Ty::Timespan),
            ("todynamic(s)", Ty::Dyn),
            ("parse_json(s)", Ty::Dyn),
            ("pack_array(x)", Ty::Dyn),
            ("split(s, ',')", Ty::Dyn),
            ("bin(d, 1h)", Ty::DateTime),
            ("floor(t, 1m)", Ty::Timespan),
            ("d - t", Ty::DateTime),
            ("d - d", Ty::Timespan),
            ("x + 1.5", Ty::Real),
            ("-t", Ty::Timespan),
            ("x == 1", Ty::Bool),
        ] {
            // what the plan says is what a run gives
            let q = format!("T | extend v = {expr}");
            let out = crate::kql::execute(&q, &tables, 0).unwrap();
            let got = Col::from_column(&out.column("v").unwrap().slice(0, 0), out.la_type("v").unwrap()).unwrap().ty();
            assert_eq!(got, ty, "{q}");
            let parsed = super::super::parser::parse_query(&q).unwrap();
            let ExprKind::Tabular(t) = &parsed.body.kind else { panic!() };
            let OpKind::Extend(items) = &t.ops[0].kind else { panic!() };
            assert_eq!(p.scalar(&items[0].expr, Some(&schema)).unwrap(), Some(ty), "{expr}");
        }
        // constants may be untyped nulls: not typed
        let parsed = super::super::parser::parse_query("print tolong('x'), 1 / 0, -9223372036854775807 - 1").unwrap();
        let ExprKind::Print(items) = &parsed.body.kind else { panic!() };
        for a in items {
            assert_eq!(p.scalar(&a.expr, None).unwrap(), None);
        }
    }
}
