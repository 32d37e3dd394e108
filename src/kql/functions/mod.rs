//! Scalar functions (`ago`, `bin`, `iif`, `case`, `tostring`, `split`, `strcat`, `extract`, `startofday`,
//! `format_datetime` …), each over whole columns.
//!
//! Every function is one entry `{names, arity, fn}` ([`Def`]) in the table of its family ([`logic`],
//! [`conversion`], [`string`], [`encoding`], [`datetime`], [`math`], [`dynamic`], [`ip`]); [`FAMILIES`] collects
//! them into one registry, a hash map built once, from which the list of known names (for "did you mean") comes.
//! A name is called through one lookup; the arity is checked there, after the arguments are evaluated. The plan
//! pass (`super::plan`) checks names and arities from the same registry ([`check_arity`]) before the query runs,
//! so a function added to a family is known to both.
//!
//! Arguments are evaluated first; when every argument is a constant the function runs once on one row and the
//! result stays a constant. Arguments that Kusto requires to be constants (regexes, format strings, bin sizes)
//! are read once.
//!
//! A `let` function of the same name (`let f = (x:long) { … }`) hides a built-in one. Also here: IPv4
//! (`parse_ipv4`, `ipv4_is_private`, `ipv4_is_in_range`, `ipv4_is_match`, `ipv4_compare`, on
//! [`crate::ioc::ip`]), hashes (`hash_md5`, `hash_sha1`, `hash_sha256`: lowercase hex of the UTF-8 text), base64
//! and URL encoding, `parse_url`, `parse_xml`, bags and sets (`bag_keys`, `bag_merge`, `set_union` …),
//! `array_slice`, `datetime_part`; `hash()` (Kusto's xxhash64 of the UTF-8 text), `new_guid()`, `parse_path()`,
//! `next`/`prev`, `row_number`, `row_cumsum`, `row_rank_min`/`row_rank_dense`, `row_window_session` and `ingestion_time()` ([`window`]).

mod conversion;
mod datetime;
mod dynamic;
mod encoding;
mod ip;
mod logic;
mod math;
mod string;
mod window;

use std::collections::HashMap;
use std::sync::OnceLock;

use polars::prelude::*;

use super::ast::{Expr, ExprKind, Span};
use super::eval::{self, eval, Ctx};
use super::value::{Col, Scalar, Val};
use super::KqlError;
use crate::error::closest;

/// A function over evaluated arguments.
type ValuesFn = fn(&Args, &Ctx) -> Result<Val, KqlError>;
/// A function that looks at its argument expressions before (or instead of) evaluating them.
type ExprsFn = fn(&[Expr], &Ctx) -> Result<Val, KqlError>;

#[derive(Clone, Copy)]
enum Run {
    Values(ValuesFn),
    Exprs(ExprsFn),
}

/// One scalar function: its names (aliases share one entry), how many arguments it takes (`min..=max`) and what
/// runs it (the function sees the name it was called by).
pub(super) struct Def {
    names: &'static [&'static str],
    min: usize,
    max: usize,
    run: Run,
}

impl Def {
    const fn values(names: &'static [&'static str], min: usize, max: usize, f: ValuesFn) -> Def {
        Def { names, min, max, run: Run::Values(f) }
    }

    const fn exprs(names: &'static [&'static str], min: usize, max: usize, f: ExprsFn) -> Def {
        Def { names, min, max, run: Run::Exprs(f) }
    }

    /// The arity error when `name` is called with `n` arguments, if any.
    fn check_arity(&self, name: &str, n: usize) -> Result<(), KqlError> {
        if n < self.min || n > self.max {
            let (min, max) = (self.min, self.max);
            let want = if min == max { min.to_string() } else if max == usize::MAX { format!("{min} or more") } else { format!("{min} to {max}") };
            return Err(arity(name, &want));
        }
        Ok(())
    }
}

/// Every family's table; the order is the order of suggestions.
static FAMILIES: &[&[Def]] = &[
    TABULAR,
    logic::FUNCTIONS,
    conversion::FUNCTIONS,
    string::FUNCTIONS,
    encoding::FUNCTIONS,
    datetime::FUNCTIONS,
    math::FUNCTIONS,
    dynamic::FUNCTIONS,
    ip::FUNCTIONS,
    window::FUNCTIONS,
];

/// Functions whose argument is a query or a column name.
static TABULAR: &[Def] = &[Def::exprs(&["toscalar"], 1, 1, toscalar), Def::exprs(&["column_ifexists"], 2, 2, column_ifexists)];

/// The registry: every function by name.
fn registry() -> &'static HashMap<&'static str, &'static Def> {
    static REGISTRY: OnceLock<HashMap<&'static str, &'static Def>> = OnceLock::new();
    REGISTRY.get_or_init(|| FAMILIES.iter().flat_map(|f| f.iter()).flat_map(|d| d.names.iter().map(move |n| (*n, d))).collect())
}

/// Every scalar function name, in the families' order.
fn known_names() -> impl Iterator<Item = &'static str> {
    FAMILIES.iter().flat_map(|f| f.iter()).flat_map(|d| d.names.iter().copied())
}

/// Whether `name` is a built-in scalar function.
pub(super) fn is_function(name: &str) -> bool {
    registry().contains_key(name)
}

/// Calls function `name`.
pub(super) fn call(name: &str, args: &[Expr], span: Span, ctx: &Ctx) -> Result<Val, KqlError> {
    // a user-defined function (a let) hides a built-in one of the same name
    if let Some(eval::Found::Let(env, i)) = ctx.env.find(name, ctx.visible) {
        if let ExprKind::Function(def) = &env.lets[i].value.kind {
            return env.call_function(i, def, args, Some(ctx), span, None);
        }
        return Err(KqlError::at(span, format!("'{name}' is not a function")));
    }
    if matches!(name, "materialize" | "table" | "view") {
        return Err(KqlError::msg(format!("{name}() gives a table, not a value")));
    }
    let def = registry().get(name).copied();
    if let Some(d @ Def { run: Run::Exprs(f), .. }) = def {
        d.check_arity(name, args.len())?;
        return f(args, ctx);
    }
    if super::aggregates::is_aggregate(name) {
        return Err(KqlError::msg(format!("{name}() is an aggregation: use it in summarize")));
    }
    let Some(def @ Def { run: Run::Values(f), .. }) = def else {
        return Err(unknown_function(name));
    };
    let mut vals = Vec::with_capacity(args.len());
    for a in args {
        if matches!(a.kind, ExprKind::Star) {
            return Err(KqlError::at(a.span, format!("'*' is not an argument of {name}()")));
        }
        vals.push(eval(a, ctx)?);
    }
    let all_const = vals.iter().all(|v| matches!(v, Val::S(_)));
    let a = Args { name, vals, spans: args.iter().map(|e| e.span).collect(), m: if all_const { 1 } else { ctx.n } };
    let out = def.check_arity(name, a.len()).and_then(|()| f(&a, ctx)).map_err(|e| e.or_at(span))?;
    Ok(match out {
        // a null keeps its type (`todatetime('x') - 1h` is a null datetime), which a constant null has not
        Val::C(c) if all_const && c.get(0).is_null() => Val::C(Col::nulls(c.ty(), ctx.n)),
        Val::C(c) if all_const => Val::S(c.get(0)),
        other => other,
    })
}

/// "unknown function 'strcta' (did you mean 'strcat'?)"
fn unknown_function(name: &str) -> KqlError {
    let known: Vec<String> = known_names().map(str::to_string).collect();
    let hint = closest(name, &known).map(|s| format!(" (did you mean '{s}'?)")).unwrap_or_default();
    KqlError::msg(format!("unknown function '{name}'{hint}"))
}

/// For the plan: whether `name` is a built-in function taking `n` arguments (the same errors as a call);
/// `Ok(true)` when the function reads its argument expressions itself.
pub(super) fn check_arity(name: &str, n: usize) -> Result<bool, KqlError> {
    let def = registry().get(name).ok_or_else(|| unknown_function(name))?;
    def.check_arity(name, n)?;
    Ok(matches!(def.run, Run::Exprs(_)))
}

/// `toscalar(T | …)`: the first column's first value; `toscalar(expr)` of a scalar expression is its value, computed
/// once (`toscalar(a + 1.5 * (a - b))`).
fn toscalar(args: &[Expr], ctx: &Ctx) -> Result<Val, KqlError> {
    let [arg] = args else { return Err(arity("toscalar", "1")) };
    if !ctx.env.is_tabular(arg, ctx.visible) {
        return eval::eval_const(arg, ctx.env, ctx.visible).map(Val::S);
    }
    let f = super::exec::eval_tabular(arg, ctx.env, ctx.visible)?;
    let Some(first) = f.df().columns().first() else { return Ok(Val::S(Scalar::Null)) };
    let la = f.la_type(first.name().as_str()).unwrap_or(crate::frame::LaType::String);
    Ok(Val::S(Col::from_column(first, la)?.get(0)))
}

/// `column_ifexists(name, default)`: the column if the table has it, else the default.
fn column_ifexists(args: &[Expr], ctx: &Ctx) -> Result<Val, KqlError> {
    let [col, default] = args else { return Err(arity("column_ifexists", "2")) };
    let cname = eval::eval_const(col, ctx.env, ctx.visible)?.to_text();
    if let Some(f) = ctx.frame {
        if let Ok(c) = f.column(&cname) {
            return Col::from_column(c, f.la_type(&cname).unwrap_or(crate::frame::LaType::String)).map(Val::C);
        }
    }
    eval(default, ctx)
}

/// Functions that give several values, for `extend (a, b, …) = f(…)`.
pub(super) fn call_multi(expr: &Expr, ctx: &Ctx) -> Result<Vec<Val>, KqlError> {
    let ExprKind::Call { name, args } = &expr.kind else {
        return Err(KqlError::at(expr.span, "(a, b, …) = needs a function that gives several values (series_decompose, series_fit_line …)"));
    };
    super::series::call_multi(name, args, expr.span, ctx)
}

fn arity(name: &str, want: &str) -> KqlError {
    KqlError::msg(format!("{name}() takes {want} argument(s)"))
}

/// Evaluated arguments; `m` is the row count results have (1 when all arguments are constants).
struct Args<'a> {
    name: &'a str,
    vals: Vec<Val>,
    spans: Vec<Span>,
    m: usize,
}

impl Args<'_> {
    fn len(&self) -> usize {
        self.vals.len()
    }

    fn col(&self, i: usize) -> Col {
        self.vals.get(i).cloned().unwrap_or(Val::S(Scalar::Null)).into_col(self.m)
    }

    /// Argument `i`, which must be a constant.
    fn konst(&self, i: usize) -> Result<Scalar, KqlError> {
        match self.vals.get(i) {
            Some(Val::S(s)) => Ok(s.clone()),
            Some(Val::C(_)) => Err(KqlError::at(
                self.spans.get(i).copied().unwrap_or_default(),
                format!("argument {} of {}() must be a constant", i + 1, self.name),
            )),
            None => Ok(Scalar::Null),
        }
    }

    fn konst_str(&self, i: usize) -> Result<String, KqlError> {
        Ok(self.konst(i)?.to_text())
    }

    fn konst_i64(&self, i: usize) -> Result<i64, KqlError> {
        match self.konst(i)? {
            Scalar::Long(v) => Ok(v),
            Scalar::Real(v) if v.fract() == 0.0 => Ok(v as i64),
            other => Err(KqlError::msg(format!("argument {} of {}() must be a whole number, not '{}'", i + 1, self.name, other.to_text()))),
        }
    }
}

/// A column result.
fn ok_col(c: Col) -> Result<Val, KqlError> {
    Ok(Val::C(c))
}

/// Text of every row, null as empty.
fn texts(c: &Col) -> StringChunked {
    c.to_str()
}

fn map_text(c: &Col, f: impl Fn(&str) -> String) -> Col {
    Col::Str(texts(c).into_iter().map(|v| Some(f(v.unwrap_or("")))).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names before the split into families: none lost, none added by accident.
    const BEFORE_SPLIT: &[&str] = &[
        "now", "ago", "bin", "floor", "bin_at", "iif", "iff", "case", "isempty", "isnotempty", "isnull", "isnotnull",
        "not", "tostring", "toint", "tolong", "todouble", "toreal", "todecimal", "tobool", "toboolean", "todatetime",
        "totimespan", "totime", "todynamic", "toobject", "parse_json", "tolower", "toupper", "strcat", "strcat_delim",
        "strlen", "substring", "split", "trim", "trim_start", "trim_end", "replace_string", "replace_regex", "replace",
        "extract", "extract_all", "extractall", "coalesce", "startofday", "startofweek", "startofmonth", "startofyear",
        "endofday", "endofweek", "endofmonth", "endofyear", "format_datetime", "datetime_diff", "datetime_add",
        "dayofweek", "dayofmonth", "dayofyear", "hourofday", "monthofyear", "getmonth", "getyear", "array_length",
        "arraylength", "pack_array", "pack", "bag_pack", "strcat_array", "array_strcat", "array_concat", "round",
        "abs", "ceiling", "sqrt", "log", "log10", "exp", "pow", "min_of", "max_of", "tohex", "indexof", "countof",
        "gettype", "strrep", "reverse", "toscalar", "column_ifexists", "isnan", "isfinite", "make_datetime",
        "parse_xml", "parse_ipv4", "ipv4_is_private", "ipv4_is_in_range", "ipv4_is_match", "ipv4_compare", "hash_md5",
        "hash_sha1", "hash_sha256", "base64_decode_tostring", "base64_encode_tostring", "base64_decodestring",
        "base64_encodestring", "url_encode", "url_decode", "url_encode_component", "parse_url", "bag_keys",
        "array_slice", "datetime_part", "array_index_of", "set_has_element", "array_sort_asc", "array_sort_desc",
        "set_union", "set_intersect", "set_difference", "bag_merge", "isascii", "toguid", "array_reverse", "bag_has_key",
        "unixtime_seconds_todatetime", "unixtime_milliseconds_todatetime", "week_of_year", "weekofyear", "sign",
        "typeof", "exp2", "exp10", "log2", "isutf8", "string_size",
        // added since the split
        "next", "prev", "ingestion_time", "hash", "new_guid", "dynamic_to_json", "parse_path", "row_window_session",
        "row_number", "row_cumsum", "extractjson", "extract_json", "format_ipv4_mask", "row_rank_min", "row_rank_dense",
        "row_rank",
    ];

    #[test]
    fn one_table_every_name_once() {
        let mut names: Vec<&str> = known_names().collect();
        let n = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), n, "a name is registered twice");
        assert_eq!(registry().len(), n);
        let mut before = BEFORE_SPLIT.to_vec();
        before.sort_unstable();
        assert_eq!(names, before);
        let d = registry()["substring"];
        assert_eq!((d.min, d.max), (2, 3));
        assert_eq!(d.check_arity("substring", 1).unwrap_err().msg, "substring() takes 2 to 3 argument(s)");
        assert_eq!(registry()["coalesce"].check_arity("coalesce", 65).unwrap_err().msg, "coalesce() takes 1 to 64 argument(s)");
        assert_eq!(registry()["make_datetime"].check_arity("make_datetime", 2).unwrap_err().msg, "make_datetime() takes 3 to 7 argument(s)");
        assert!(std::ptr::eq(registry()["iif"], registry()["iff"]));
        assert!(registry()["strcat"].check_arity("strcat", 0).is_err() && registry()["strcat"].check_arity("strcat", 1).is_ok());
    }
}
