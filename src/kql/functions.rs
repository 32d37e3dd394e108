//! Scalar functions (`ago`, `bin`, `iif`, `case`, `tostring`, `split`, `strcat`, `extract`, `startofday`,
//! `format_datetime` …), each over whole columns.
//!
//! Arguments are evaluated first; when every argument is a constant the function runs once on one row and the
//! result stays a constant. Arguments that Kusto requires to be constants (regexes, format strings, bin sizes)
//! are read once.
//!
//! A `let` function of the same name (`let f = (x:long) { … }`) hides a built-in one. Also here: IPv4
//! (`parse_ipv4`, `ipv4_is_private`, `ipv4_is_in_range`, `ipv4_is_match`, `ipv4_compare`), hashes (`hash_md5`,
//! `hash_sha1`, `hash_sha256`: lowercase hex of the UTF-8 text), base64 and URL encoding, `parse_url`,
//! `parse_xml`, bags and sets (`bag_keys`, `bag_merge`, `set_union` …), `array_slice`, `datetime_part`.
//! Kusto's `hash()` (xxhash) is not provided.

use chrono::{DateTime, Datelike, Months, NaiveDate, Timelike, Utc};
use polars::prelude::*;
use serde_json::Value as Json;

use super::ast::{BinOp, Expr, ExprKind, Span};
use super::eval::{self, as_bool, eval, Ctx};
use super::strings::compile_regex;
use super::value::{dyn_parse, json_to_text, Col, Scalar, Ty, Val};
use super::KqlError;
use crate::error::closest;

use crate::time::NS_PER_DAY;
/// 0001-01-01T00:00:00Z in nanoseconds since the Unix epoch: Kusto's origin for `bin` on datetimes.
const KUSTO_EPOCH_NS: i128 = -62_135_596_800_000_000_000;

/// Every scalar function name known here (for suggestions).
pub const SCALAR_FUNCTIONS: &[&str] = &[
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
];

/// Calls function `name`.
pub fn call(name: &str, args: &[Expr], span: Span, ctx: &Ctx) -> Result<Val, KqlError> {
    // a user-defined function (a let) hides a built-in one of the same name
    if let Some(super::eval::Found::Let(env, i)) = ctx.env.find(name, ctx.visible) {
        if let ExprKind::Function(def) = &env.lets[i].value.kind {
            return env.call_function(i, def, args, Some(ctx), span, None).map_err(|e| {
                if e.msg == super::eval::TABLE_RESULT {
                    KqlError::at(span, format!("{name}() gives a table, not a value (use toscalar({name}(…)) or '… in ({name}(…))')"))
                } else {
                    e
                }
            });
        }
        return Err(KqlError::at(span, format!("'{name}' is not a function")));
    }
    // functions that look at their arguments before evaluating them
    match name {
        "toscalar" => {
            let [arg] = args else { return Err(arity(name, "1")) };
            let f = super::exec::eval_tabular(arg, ctx.env, ctx.visible)?;
            let Some(first) = f.df().columns().first() else { return Ok(Val::S(Scalar::Null)) };
            let la = f.la_type(first.name().as_str()).unwrap_or(crate::frame::LaType::String);
            return Ok(Val::S(Col::from_column(first, la)?.get(0)));
        }
        "column_ifexists" => {
            let [col, default] = args else { return Err(arity(name, "2")) };
            let cname = eval::eval_const(col, ctx.env, ctx.visible)?.to_text();
            if let Some(f) = ctx.frame {
                if let Ok(c) = f.column(&cname) {
                    return Col::from_column(c, f.la_type(&cname).unwrap_or(crate::frame::LaType::String)).map(Val::C);
                }
            }
            return eval(default, ctx);
        }
        "materialize" | "table" | "view" => {
            return Err(KqlError::msg(format!("{name}() gives a table, not a value")));
        }
        _ => {}
    }
    if super::aggregates::is_aggregate(name) {
        return Err(KqlError::msg(format!("{name}() is an aggregation: use it in summarize")));
    }
    if !SCALAR_FUNCTIONS.contains(&name) {
        let known: Vec<String> = SCALAR_FUNCTIONS.iter().map(|s| s.to_string()).collect();
        let hint = closest(name, &known).map(|s| format!(" (did you mean '{s}'?)")).unwrap_or_default();
        return Err(KqlError::msg(format!("unknown function '{name}'{hint}")));
    }
    let mut vals = Vec::with_capacity(args.len());
    for a in args {
        if matches!(a.kind, ExprKind::Star) {
            return Err(KqlError::at(a.span, format!("'*' is not an argument of {name}()")));
        }
        vals.push(eval(a, ctx)?);
    }
    let all_const = vals.iter().all(|v| matches!(v, Val::S(_)));
    let a = Args { name, vals, spans: args.iter().map(|e| e.span).collect(), m: if all_const { 1 } else { ctx.n } };
    let out = dispatch(&a, ctx).map_err(|e| e.or_at(span))?;
    Ok(match out {
        Val::C(c) if all_const => Val::S(c.get(0)),
        other => other,
    })
}

/// Functions that give several values, for `extend (a, b, …) = f(…)`.
pub fn call_multi(expr: &Expr, ctx: &Ctx) -> Result<Vec<Val>, KqlError> {
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

    fn check(&self, min: usize, max: usize) -> Result<(), KqlError> {
        if self.len() < min || self.len() > max {
            let want = if min == max { min.to_string() } else if max == usize::MAX { format!("{min} or more") } else { format!("{min} to {max}") };
            return Err(arity(self.name, &want));
        }
        Ok(())
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

/// Text of every row, null as empty.
fn texts(c: &Col) -> StringChunked {
    c.to_str()
}

fn map_text(c: &Col, f: impl Fn(&str) -> String) -> Col {
    Col::Str(texts(c).into_iter().map(|v| Some(f(v.unwrap_or("")))).collect())
}

fn dispatch(a: &Args, ctx: &Ctx) -> Result<Val, KqlError> {
    let now = ctx.env.now_ns;
    let c = |v: Col| Ok(Val::C(v));
    match a.name {
        "now" => {
            a.check(0, 1)?;
            let off = if a.len() == 1 { timespan_const(&a.konst(0)?)? } else { 0 };
            Ok(Val::S(Scalar::DateTime(now.saturating_add(off))))
        }
        "ago" => {
            a.check(1, 1)?;
            let spans = span_col(&a.col(0))?;
            c(Col::DateTime(spans.into_iter().map(|v| v.and_then(|x| now.checked_sub(x))).collect()))
        }
        "bin" | "floor" => {
            a.check(2, 2)?;
            c(bin(&a.col(0), &a.konst(1)?, None)?)
        }
        "bin_at" => {
            a.check(3, 3)?;
            c(bin(&a.col(0), &a.konst(1)?, Some(&a.konst(2)?))?)
        }
        "iif" | "iff" => {
            a.check(3, 3)?;
            if let Val::S(cond) = &a.vals[0] {
                let b = as_bool(&Col::full(cond, 1), "iif()")?.get(0).unwrap_or(false);
                let (x, y) = unify(a.vals[1].clone(), a.vals[2].clone(), a.m);
                return Ok(if b { Val::C(x) } else { Val::C(y) });
            }
            let cond = as_bool(&a.col(0), "iif()")?;
            let (x, y) = unify(a.vals[1].clone(), a.vals[2].clone(), a.m);
            c(select(&cond, &x, &y)?)
        }
        "case" => {
            if a.len() < 3 || a.len().is_multiple_of(2) {
                return Err(KqlError::msg("case() takes pairs of (condition, value) and a last 'else' value"));
            }
            let values: Vec<Val> = a.vals.iter().skip(1).step_by(2).cloned().chain(std::iter::once(a.vals[a.len() - 1].clone())).collect();
            let target = common_type(values.iter().filter_map(Val::ty));
            let mut result = cast_to(&a.col(a.len() - 1), target);
            for i in (0..a.len() - 1).step_by(2).rev() {
                let cond = as_bool(&a.col(i), "case()")?;
                let v = cast_to(&a.col(i + 1), target);
                result = select(&cond, &v, &result)?;
            }
            c(result)
        }
        "isempty" | "isnotempty" => {
            a.check(1, 1)?;
            let want = a.name == "isempty";
            let col = a.col(0);
            let empty: BooleanChunked = match &col {
                Col::Str(s) => s.into_iter().map(|v| Some(v.is_none_or(str::is_empty) == want)).collect(),
                Col::Dyn(s) => s
                    .into_iter()
                    .map(|v| Some(v.is_none_or(|t| t.is_empty() || t == "null" || t == "\"\"") == want))
                    .collect(),
                other => {
                    let nulls = other.is_null_mask();
                    nulls.into_iter().map(|v| Some(v.unwrap_or(true) == want)).collect()
                }
            };
            c(Col::Bool(empty))
        }
        "isnull" | "isnotnull" => {
            a.check(1, 1)?;
            let want = a.name == "isnull";
            let nulls = a.col(0).is_null_mask();
            c(Col::Bool(nulls.into_iter().map(|v| Some(v.unwrap_or(true) == want)).collect()))
        }
        "not" => {
            a.check(1, 1)?;
            eval::unary_not(a.vals[0].clone(), a.m)
        }
        "tostring" => {
            a.check(1, 1)?;
            c(Col::Str(texts(&a.col(0)).into_iter().map(|v| Some(v.unwrap_or(""))).collect()))
        }
        "toint" | "tolong" => {
            a.check(1, 1)?;
            c(Col::Long(a.col(0).to_i64()))
        }
        "todouble" | "toreal" | "todecimal" => {
            a.check(1, 1)?;
            c(Col::Real(a.col(0).to_f64()))
        }
        "tobool" | "toboolean" => {
            a.check(1, 1)?;
            c(Col::Bool(a.col(0).to_bool()))
        }
        "todatetime" => {
            a.check(1, 1)?;
            c(Col::DateTime(a.col(0).to_datetime()))
        }
        "totimespan" | "totime" => {
            a.check(1, 1)?;
            c(Col::Timespan(a.col(0).to_timespan()))
        }
        "todynamic" | "toobject" | "parse_json" => {
            a.check(1, 1)?;
            c(Col::Dyn(a.col(0).to_dyn()))
        }
        "tolower" => {
            a.check(1, 1)?;
            c(map_text(&a.col(0), |s| s.to_lowercase()))
        }
        "toupper" => {
            a.check(1, 1)?;
            c(map_text(&a.col(0), |s| s.to_uppercase()))
        }
        "strcat" | "strcat_delim" => {
            let delim_first = a.name == "strcat_delim";
            a.check(if delim_first { 2 } else { 1 }, 64)?;
            let delim = if delim_first { a.konst_str(0)? } else { String::new() };
            let parts: Vec<StringChunked> = (usize::from(delim_first)..a.len()).map(|i| texts(&a.col(i))).collect();
            let mut iters: Vec<_> = parts.iter().map(|p| p.into_iter()).collect();
            let mut out = Vec::with_capacity(a.m);
            for _ in 0..a.m {
                let mut s = String::new();
                for (k, it) in iters.iter_mut().enumerate() {
                    if k > 0 {
                        s.push_str(&delim);
                    }
                    s.push_str(it.next().flatten().unwrap_or(""));
                }
                out.push(Some(s));
            }
            c(Col::Str(out.into_iter().collect()))
        }
        "strlen" => {
            a.check(1, 1)?;
            c(Col::Long(texts(&a.col(0)).into_iter().map(|v| Some(v.unwrap_or("").chars().count() as i64)).collect()))
        }
        "substring" => {
            a.check(2, 3)?;
            let s = texts(&a.col(0));
            let start = a.col(1).to_i64();
            let len = if a.len() == 3 { Some(a.col(2).to_i64()) } else { None };
            let out: StringChunked = (0..a.m)
                .map(|i| {
                    let text = s.get(i).unwrap_or("");
                    let st = start.get(i)?.max(0) as usize;
                    let chars = text.chars().skip(st);
                    Some(match len.as_ref().map(|l| l.get(i)) {
                        Some(Some(l)) => chars.take(l.max(0) as usize).collect::<String>(),
                        Some(None) => return None,
                        None => chars.collect::<String>(),
                    })
                })
                .collect();
            c(Col::Str(out))
        }
        "split" => {
            a.check(2, 3)?;
            let s = texts(&a.col(0));
            let d = texts(&a.col(1));
            let idx = if a.len() == 3 { Some(a.konst_i64(2)?) } else { None };
            let out: StringChunked = s
                .into_iter()
                .zip(&d)
                .map(|(s, d)| {
                    let s = s.unwrap_or("");
                    let parts: Vec<Json> = match d {
                        Some(d) if !d.is_empty() => s.split(d).map(|p| Json::String(p.to_string())).collect(),
                        _ => vec![Json::String(s.to_string())],
                    };
                    match idx {
                        None => Some(Json::Array(parts).to_string()),
                        Some(i) => {
                            let i = if i < 0 { parts.len() as i64 + i } else { i };
                            // an index out of range gives an empty array
                            let picked: Vec<Json> = usize::try_from(i).ok().and_then(|i| parts.get(i)).cloned().into_iter().collect();
                            Some(Json::Array(picked).to_string())
                        }
                    }
                })
                .collect();
            c(Col::Dyn(out))
        }
        "trim" | "trim_start" | "trim_end" => {
            a.check(2, 2)?;
            let re = a.konst_str(0)?;
            let start = compile_regex(&format!("^(?:{re})+"))?;
            let end = compile_regex(&format!("(?:{re})+$"))?;
            let (do_start, do_end) = match a.name {
                "trim_start" => (true, false),
                "trim_end" => (false, true),
                _ => (true, true),
            };
            c(map_text(&a.col(1), |s| {
                let mut t = s;
                if do_start {
                    if let Some(m) = start.find(t) {
                        t = &t[m.end()..];
                    }
                }
                if do_end {
                    if let Some(m) = end.find(t) {
                        t = &t[..m.start()];
                    }
                }
                t.to_string()
            }))
        }
        "replace_string" => {
            a.check(3, 3)?;
            let s = texts(&a.col(0));
            let l = texts(&a.col(1));
            let r = texts(&a.col(2));
            let out: StringChunked = (0..a.m)
                .map(|i| {
                    let (s, l, r) = (s.get(i).unwrap_or(""), l.get(i).unwrap_or(""), r.get(i).unwrap_or(""));
                    Some(if l.is_empty() { s.to_string() } else { s.replace(l, r) })
                })
                .collect();
            c(Col::Str(out))
        }
        "replace_regex" | "replace" => {
            a.check(3, 3)?;
            // replace_regex(text, regex, rewrite); replace(regex, rewrite, text)
            let (ti, ri, wi) = if a.name == "replace" { (2, 0, 1) } else { (0, 1, 2) };
            let re = compile_regex(&a.konst_str(ri)?)?;
            let rewrite = kusto_rewrite(&a.konst_str(wi)?);
            c(map_text(&a.col(ti), |s| re.replace_all(s, rewrite.as_str()).into_owned()))
        }
        "extract" => {
            a.check(3, 4)?;
            let re = compile_regex(&a.konst_str(0)?)?;
            let group = a.konst_i64(1)?.max(0) as usize;
            let out: StringChunked = texts(&a.col(2))
                .into_iter()
                .map(|s| re.captures(s.unwrap_or("")).and_then(|caps| caps.get(group)).map(|m| m.as_str().to_string()))
                .collect();
            let col = Col::Str(out);
            if a.len() == 4 {
                let ty = a.konst_str(3)?;
                return c(cast_to(&col, type_named(&ty)?));
            }
            c(col)
        }
        "extract_all" | "extractall" => {
            a.check(2, 3)?;
            let re = compile_regex(&a.konst_str(0)?)?;
            let groups: Option<Vec<usize>> = if a.len() == 3 {
                match a.konst(1)? {
                    Scalar::Dyn(Json::Array(v)) => Some(v.iter().filter_map(|x| x.as_u64().map(|x| x as usize)).collect()),
                    _ => return Err(KqlError::msg("extract_all(): capture groups must be a dynamic array like dynamic([1, 2])")),
                }
            } else {
                None
            };
            let text_i = a.len() - 1;
            let out: StringChunked = texts(&a.col(text_i))
                .into_iter()
                .map(|s| {
                    let s = s.unwrap_or("");
                    let n_groups = re.captures_len() - 1;
                    let mut all = Vec::new();
                    for caps in re.captures_iter(s) {
                        let pick = |g: usize| caps.get(g).map_or(Json::String(String::new()), |m| Json::String(m.as_str().to_string()));
                        let item = match &groups {
                            Some(gs) if gs.len() == 1 => pick(gs[0]),
                            Some(gs) => Json::Array(gs.iter().map(|g| pick(*g)).collect()),
                            None if n_groups <= 1 => pick(n_groups),
                            None => Json::Array((1..=n_groups).map(pick).collect()),
                        };
                        all.push(item);
                    }
                    (!all.is_empty()).then(|| Json::Array(all).to_string())
                })
                .collect();
            c(Col::Dyn(out))
        }
        "coalesce" => {
            a.check(1, 64)?;
            let target = common_type(a.vals.iter().filter_map(Val::ty));
            let mut result = cast_to(&a.col(a.len() - 1), target);
            for i in (0..a.len() - 1).rev() {
                let v = cast_to(&a.col(i), target);
                let present: BooleanChunked = match &v {
                    Col::Str(s) => s.into_iter().map(|x| Some(x.is_some_and(|x| !x.is_empty()))).collect(),
                    other => other.is_null_mask().into_iter().map(|x| Some(!x.unwrap_or(true))).collect(),
                };
                result = select(&present, &v, &result)?;
            }
            c(result)
        }
        "startofday" | "startofweek" | "startofmonth" | "startofyear" | "endofday" | "endofweek" | "endofmonth" | "endofyear" => {
            a.check(1, 2)?;
            let offset = if a.len() == 2 { a.konst_i64(1)? } else { 0 };
            let d = a.col(0).to_datetime();
            let name = a.name;
            c(Col::DateTime(d.into_iter().map(|v| v.and_then(|ns| start_or_end_of(name, ns, offset))).collect()))
        }
        "format_datetime" => {
            a.check(2, 2)?;
            let fmt = a.konst_str(1)?;
            let d = a.col(0).to_datetime();
            c(Col::Str(d.into_iter().map(|v| v.map(|ns| format_datetime(ns, &fmt))).collect()))
        }
        "datetime_diff" => {
            a.check(3, 3)?;
            let part = a.konst_str(0)?.to_lowercase();
            if datetime_diff(&part, 0, 0).is_none() {
                return Err(KqlError::msg(format!("datetime_diff(): unknown period '{part}' (year, quarter, month, week, day, hour, minute, second …)")));
            }
            let x = a.col(1).to_datetime();
            let y = a.col(2).to_datetime();
            c(Col::Long(x.into_iter().zip(&y).map(|(x, y)| datetime_diff(&part, x?, y?)).collect()))
        }
        "datetime_add" => {
            a.check(3, 3)?;
            let part = a.konst_str(0)?.to_lowercase();
            let amount = a.col(1).to_i64();
            let d = a.col(2).to_datetime();
            c(Col::DateTime(d.into_iter().zip(&amount).map(|(d, k)| datetime_add(&part, k?, d?)).collect()))
        }
        "dayofweek" => {
            a.check(1, 1)?;
            let d = a.col(0).to_datetime();
            c(Col::Timespan(d.into_iter().map(|v| v.and_then(to_utc).map(|t| t.weekday().num_days_from_sunday() as i64 * NS_PER_DAY)).collect()))
        }
        "dayofmonth" | "dayofyear" | "hourofday" | "monthofyear" | "getmonth" | "getyear" => {
            a.check(1, 1)?;
            let d = a.col(0).to_datetime();
            let name = a.name;
            c(Col::Long(
                d.into_iter()
                    .map(|v| {
                        v.and_then(to_utc).map(|t| match name {
                            "dayofmonth" => t.day() as i64,
                            "dayofyear" => t.ordinal() as i64,
                            "hourofday" => t.hour() as i64,
                            "monthofyear" | "getmonth" => t.month() as i64,
                            _ => t.year() as i64,
                        })
                    })
                    .collect(),
            ))
        }
        "array_length" | "arraylength" => {
            a.check(1, 1)?;
            let d = a.col(0).to_dyn();
            c(Col::Long(d.into_iter().map(|v| v.and_then(|t| dyn_parse(t).as_array().map(|x| x.len() as i64))).collect()))
        }
        "pack_array" => {
            let cols: Vec<Col> = (0..a.len()).map(|i| a.col(i)).collect();
            c(Col::from_json((0..a.m).map(|r| Json::Array(cols.iter().map(|c| c.get_json(r)).collect()))))
        }
        "pack" | "bag_pack" => {
            if !a.len().is_multiple_of(2) {
                return Err(KqlError::msg(format!("{}() takes pairs of key and value", a.name)));
            }
            let cols: Vec<Col> = (0..a.len()).map(|i| a.col(i)).collect();
            c(Col::from_json((0..a.m).map(|r| {
                let mut m = serde_json::Map::new();
                for pair in cols.chunks(2) {
                    m.insert(pair[0].get(r).to_text(), pair[1].get_json(r));
                }
                Json::Object(m)
            })))
        }
        "strcat_array" | "array_strcat" => {
            a.check(2, 2)?;
            let arr = a.col(0).to_dyn();
            let d = texts(&a.col(1));
            c(Col::Str(
                arr.into_iter()
                    .zip(&d)
                    .map(|(arr, d)| {
                        let items = arr.map(dyn_parse);
                        let items = items.as_ref().and_then(|j| j.as_array()).map(|v| v.iter().map(json_to_text).collect::<Vec<_>>()).unwrap_or_default();
                        Some(items.join(d.unwrap_or("")))
                    })
                    .collect(),
            ))
        }
        "array_concat" => {
            let cols: Vec<StringChunked> = (0..a.len()).map(|i| a.col(i).to_dyn()).collect();
            c(Col::from_json((0..a.m).map(|r| {
                let mut all = Vec::new();
                for col in &cols {
                    if let Some(Json::Array(v)) = col.get(r).map(dyn_parse) {
                        all.extend(v);
                    }
                }
                Json::Array(all)
            })))
        }
        "round" => {
            a.check(1, 2)?;
            let digits = if a.len() == 2 { a.konst_i64(1)? } else { 0 };
            let col = a.col(0);
            if col.ty() == Ty::Long && digits >= 0 {
                return c(col);
            }
            let k = 10f64.powi(digits.clamp(-300, 300) as i32);
            c(Col::Real(col.to_f64().into_iter().map(|v| v.map(|x| (x * k).round() / k)).collect()))
        }
        "abs" => {
            a.check(1, 1)?;
            match a.col(0) {
                Col::Long(x) => c(Col::Long(x.into_iter().map(|v| v.map(i64::wrapping_abs)).collect())),
                Col::Timespan(x) => c(Col::Timespan(x.into_iter().map(|v| v.map(i64::wrapping_abs)).collect())),
                other => c(Col::Real(other.to_f64().into_iter().map(|v| v.map(f64::abs)).collect())),
            }
        }
        "ceiling" | "sqrt" | "log" | "log10" | "exp" => {
            a.check(1, 1)?;
            let f: fn(f64) -> f64 = match a.name {
                "ceiling" => f64::ceil,
                "sqrt" => f64::sqrt,
                "log" => f64::ln,
                "log10" => f64::log10,
                _ => f64::exp,
            };
            c(Col::Real(a.col(0).to_f64().into_iter().map(|v| v.map(f)).collect()))
        }
        "pow" => {
            a.check(2, 2)?;
            let x = a.col(0).to_f64();
            let y = a.col(1).to_f64();
            c(Col::Real(x.into_iter().zip(&y).map(|(x, y)| Some(x?.powf(y?))).collect()))
        }
        "isnan" | "isfinite" => {
            a.check(1, 1)?;
            let nan = a.name == "isnan";
            c(Col::Bool(a.col(0).to_f64().into_iter().map(|v| v.map(|x| if nan { x.is_nan() } else { x.is_finite() })).collect()))
        }
        "min_of" | "max_of" => {
            a.check(2, 64)?;
            let op = if a.name == "min_of" { BinOp::Lt } else { BinOp::Gt };
            let target = common_type(a.vals.iter().filter_map(Val::ty));
            let mut best = cast_to(&a.col(0), target);
            for i in 1..a.len() {
                let v = cast_to(&a.col(i), target);
                let Col::Bool(better) = eval::compare(op, &v, &best)? else { unreachable!("compare gives bools") };
                let best_null = best.is_null_mask();
                let take: BooleanChunked = better.into_iter().zip(&best_null).map(|(b, n)| Some(b.unwrap_or(false) || n.unwrap_or(false))).collect();
                best = select(&take, &v, &best)?;
            }
            c(best)
        }
        "tohex" => {
            a.check(1, 2)?;
            c(Col::Str(a.col(0).to_i64().into_iter().map(|v| v.map(|x| format!("{x:x}"))).collect()))
        }
        "indexof" => {
            a.check(2, 2)?;
            let s = texts(&a.col(0));
            let l = texts(&a.col(1));
            c(Col::Long(
                s.into_iter()
                    .zip(&l)
                    .map(|(s, l)| {
                        let (s, l) = (s.unwrap_or(""), l.unwrap_or(""));
                        Some(s.find(l).map_or(-1, |b| s[..b].chars().count() as i64))
                    })
                    .collect(),
            ))
        }
        "countof" => {
            a.check(2, 3)?;
            let regex = a.len() == 3 && a.konst_str(2)? == "regex";
            let s = texts(&a.col(0));
            if regex {
                let re = compile_regex(&a.konst_str(1)?)?;
                return c(Col::Long(s.into_iter().map(|s| Some(re.find_iter(s.unwrap_or("")).count() as i64)).collect()));
            }
            let l = texts(&a.col(1));
            c(Col::Long(
                s.into_iter()
                    .zip(&l)
                    .map(|(s, l)| {
                        let (s, l) = (s.unwrap_or(""), l.unwrap_or(""));
                        Some(if l.is_empty() { 0 } else { count_overlapping(s, l) })
                    })
                    .collect(),
            ))
        }
        "gettype" => {
            a.check(1, 1)?;
            let col = a.col(0);
            c(Col::Str(
                (0..a.m)
                    .map(|i| {
                        Some(match col.get(i) {
                            Scalar::Null => "null",
                            Scalar::Dyn(Json::Array(_)) => "array",
                            Scalar::Dyn(Json::Object(_)) => "dictionary",
                            Scalar::Dyn(Json::String(_)) => "string",
                            Scalar::Dyn(Json::Bool(_)) => "bool",
                            Scalar::Dyn(Json::Number(n)) if n.is_i64() => "long",
                            Scalar::Dyn(Json::Number(_)) => "real",
                            Scalar::Dyn(Json::Null) => "null",
                            s => s.ty().map_or("null", Ty::name),
                        })
                    })
                    .collect(),
            ))
        }
        "strrep" => {
            a.check(2, 3)?;
            let times = a.col(1).to_i64();
            let delim = if a.len() == 3 { a.konst_str(2)? } else { String::new() };
            let s = texts(&a.col(0));
            c(Col::Str(
                s.into_iter()
                    .zip(&times)
                    .map(|(s, k)| {
                        let k = k?.clamp(0, 1024) as usize;
                        Some(vec![s.unwrap_or(""); k].join(&delim))
                    })
                    .collect(),
            ))
        }
        "reverse" => {
            a.check(1, 1)?;
            c(map_text(&a.col(0), |s| s.chars().rev().collect()))
        }
        "make_datetime" => {
            a.check(3, 7)?;
            let parts: Vec<Float64Chunked> = (0..a.len()).map(|i| a.col(i).to_f64()).collect();
            c(Col::DateTime(
                (0..a.m)
                    .map(|r| {
                        let p = |i: usize| parts.get(i).map_or(Some(0.0), |c| c.get(r));
                        let d = NaiveDate::from_ymd_opt(p(0)? as i32, p(1)? as u32, p(2)? as u32)?;
                        let secs = p(5)?;
                        let t = d.and_hms_opt(p(3)? as u32, p(4)? as u32, 0)?.and_utc();
                        t.timestamp_nanos_opt()?.checked_add((secs * 1e9) as i64)
                    })
                    .collect(),
            ))
        }
        "parse_xml" => {
            a.check(1, 1)?;
            c(Col::from_json(texts(&a.col(0)).into_iter().map(|t| t.and_then(super::xml::parse_xml).unwrap_or(Json::Null))))
        }
        "parse_ipv4" => {
            a.check(1, 1)?;
            c(Col::Long(texts(&a.col(0)).into_iter().map(|t| ipv4_net(t?).map(|(ip, bits)| masked(ip, bits) as i64)).collect()))
        }
        "ipv4_is_private" => {
            a.check(1, 1)?;
            c(Col::Bool(
                texts(&a.col(0))
                    .into_iter()
                    .map(|t| {
                        let (ip, _) = ipv4_net(t?)?;
                        Some(ip >> 24 == 10 || ip >> 20 == (172 << 4 | 1) || ip >> 16 == (192 << 8 | 168))
                    })
                    .collect(),
            ))
        }
        "ipv4_is_in_range" | "ipv4_is_match" | "ipv4_compare" => {
            a.check(2, 3)?;
            let x = texts(&a.col(0));
            let y = texts(&a.col(1));
            let prefix = if a.len() == 3 { Some(a.col(2).to_i64()) } else { None };
            let name = a.name;
            let vals = (0..a.m).map(|i| {
                let (ip1, b1) = ipv4_net(x.get(i)?)?;
                let (ip2, b2) = ipv4_net(y.get(i)?)?;
                let p = match &prefix {
                    Some(p) => u32::try_from(p.get(i)?.clamp(0, 32)).ok()?,
                    None => 32,
                };
                let bits = if name == "ipv4_is_in_range" { b2 } else { b1.min(b2).min(p) };
                let bits = if name == "ipv4_is_in_range" { bits } else { bits.min(p) };
                Some((masked(ip1, bits), masked(ip2, bits)))
            });
            if name == "ipv4_compare" {
                c(Col::Long(vals.map(|v| v.map(|(p, q)| (p as i64 - q as i64).signum())).collect()))
            } else {
                c(Col::Bool(vals.map(|v| v.map(|(p, q)| p == q)).collect()))
            }
        }
        "hash_md5" | "hash_sha1" | "hash_sha256" => {
            a.check(1, 1)?;
            let name = a.name;
            c(map_text(&a.col(0), |s| {
                use md5::Digest;
                let b = s.as_bytes();
                match name {
                    "hash_md5" => hex_bytes(&md5::Md5::digest(b)),
                    "hash_sha1" => hex_bytes(&sha1::Sha1::digest(b)),
                    _ => hex_bytes(&sha2::Sha256::digest(b)),
                }
            }))
        }
        "base64_decode_tostring" | "base64_decodestring" => {
            a.check(1, 1)?;
            use base64::Engine as _;
            c(Col::Str(
                texts(&a.col(0))
                    .into_iter()
                    .map(|t| {
                        let t = t?.trim();
                        let engine = base64::engine::general_purpose::GeneralPurpose::new(
                            &base64::alphabet::STANDARD,
                            base64::engine::general_purpose::GeneralPurposeConfig::new().with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
                        );
                        let bytes = engine.decode(t).ok()?;
                        String::from_utf8(bytes).ok()
                    })
                    .collect(),
            ))
        }
        "base64_encode_tostring" | "base64_encodestring" => {
            a.check(1, 1)?;
            use base64::Engine as _;
            c(map_text(&a.col(0), |s| base64::engine::general_purpose::STANDARD.encode(s.as_bytes())))
        }
        "url_encode" | "url_encode_component" => {
            a.check(1, 1)?;
            c(map_text(&a.col(0), |s| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>().replace('+', "%20")))
        }
        "url_decode" => {
            a.check(1, 1)?;
            c(Col::Str(texts(&a.col(0)).into_iter().map(|t| percent_decode(t?)).collect()))
        }
        "parse_url" => {
            a.check(1, 1)?;
            c(Col::from_json(texts(&a.col(0)).into_iter().map(|t| parse_url(t.unwrap_or("")))))
        }
        "bag_keys" => {
            a.check(1, 1)?;
            c(Col::from_json(a.col(0).to_dyn().into_iter().map(|t| match t.map(dyn_parse) {
                Some(Json::Object(m)) => Json::Array(m.keys().map(|k| Json::String(k.clone())).collect()),
                _ => Json::Null,
            })))
        }
        "bag_has_key" => {
            a.check(2, 2)?;
            let bags = a.col(0).to_dyn();
            let keys = texts(&a.col(1));
            c(Col::Bool(bags.into_iter().zip(&keys).map(|(b, k)| match b.map(dyn_parse) {
                Some(Json::Object(m)) => Some(m.contains_key(k.unwrap_or(""))),
                _ => None,
            }).collect()))
        }
        "bag_merge" => {
            a.check(1, 64)?;
            let cols: Vec<StringChunked> = (0..a.len()).map(|i| a.col(i).to_dyn()).collect();
            c(Col::from_json((0..a.m).map(|r| {
                let mut out = serde_json::Map::new();
                for col in &cols {
                    if let Some(Json::Object(m)) = col.get(r).map(dyn_parse) {
                        for (k, v) in m {
                            out.entry(k).or_insert(v);
                        }
                    }
                }
                Json::Object(out)
            })))
        }
        "array_slice" => {
            a.check(3, 3)?;
            let arrs = a.col(0).to_dyn();
            let from = a.col(1).to_i64();
            let to = a.col(2).to_i64();
            c(Col::from_json((0..a.m).map(|r| {
                let Some(Json::Array(v)) = arrs.get(r).map(dyn_parse) else { return Json::Null };
                let n = v.len() as i64;
                let norm = |i: i64| if i < 0 { n + i } else { i };
                let (Some(f), Some(t)) = (from.get(r), to.get(r)) else { return Json::Null };
                let (f, t) = (norm(f).max(0), norm(t).min(n - 1));
                if f > t || f >= n {
                    return Json::Array(Vec::new());
                }
                Json::Array(v[f as usize..=t as usize].to_vec())
            })))
        }
        "array_reverse" | "array_sort_asc" | "array_sort_desc" => {
            a.check(1, 2)?;
            let name = a.name;
            c(Col::from_json(a.col(0).to_dyn().into_iter().map(|t| match t.map(dyn_parse) {
                Some(Json::Array(mut v)) => {
                    match name {
                        "array_reverse" => v.reverse(),
                        _ => {
                            v.sort_by(json_order);
                            if name == "array_sort_desc" {
                                v.reverse();
                            }
                        }
                    }
                    Json::Array(v)
                }
                _ => Json::Null,
            })))
        }
        "array_index_of" | "set_has_element" => {
            a.check(2, 2)?;
            let arrs = a.col(0).to_dyn();
            let needle = a.col(1);
            let idx = (0..a.m).map(|r| {
                let Some(Json::Array(v)) = arrs.get(r).map(dyn_parse) else { return None };
                let want = needle.get_json(r);
                Some(v.iter().position(|x| json_eq(x, &want)).map_or(-1, |p| p as i64))
            });
            if a.name == "set_has_element" {
                c(Col::Bool(idx.map(|v| v.map(|p| p >= 0)).collect()))
            } else {
                c(Col::Long(idx.collect()))
            }
        }
        "set_union" | "set_intersect" | "set_difference" => {
            a.check(2, 64)?;
            let cols: Vec<StringChunked> = (0..a.len()).map(|i| a.col(i).to_dyn()).collect();
            let name = a.name;
            c(Col::from_json((0..a.m).map(|r| {
                let arrays: Vec<Vec<Json>> = cols.iter().map(|col| match col.get(r).map(dyn_parse) {
                    Some(Json::Array(v)) => v,
                    _ => Vec::new(),
                }).collect();
                let mut out: Vec<Json> = Vec::new();
                let push = |out: &mut Vec<Json>, x: &Json| if !out.iter().any(|y| json_eq(y, x)) { out.push(x.clone()) };
                match name {
                    "set_union" => arrays.iter().flatten().for_each(|x| push(&mut out, x)),
                    "set_intersect" => arrays[0].iter().filter(|x| arrays[1..].iter().all(|arr| arr.iter().any(|y| json_eq(x, y)))).for_each(|x| push(&mut out, x)),
                    _ => arrays[0].iter().filter(|x| !arrays[1..].iter().any(|arr| arr.iter().any(|y| json_eq(x, y)))).for_each(|x| push(&mut out, x)),
                }
                Json::Array(out)
            })))
        }
        "datetime_part" => {
            a.check(2, 2)?;
            let part = a.konst_str(0)?.to_lowercase();
            let d = a.col(1).to_datetime();
            let known = ["year", "quarter", "month", "week_of_year", "week", "day", "dayofyear", "hour", "minute", "second", "millisecond", "microsecond", "nanosecond"];
            if !known.contains(&part.as_str()) {
                return Err(KqlError::msg(format!("datetime_part(): unknown part '{part}' ({})", known.join(", "))));
            }
            c(Col::Long(d.into_iter().map(|v| {
                let ns = v?;
                let t = to_utc(ns)?;
                let frac = ns.rem_euclid(1_000_000_000);
                Some(match part.as_str() {
                    "year" => t.year() as i64,
                    "quarter" => (t.month0() / 3 + 1) as i64,
                    "month" => t.month() as i64,
                    "week_of_year" | "week" => t.iso_week().week() as i64,
                    "day" => t.day() as i64,
                    "dayofyear" => t.ordinal() as i64,
                    "hour" => t.hour() as i64,
                    "minute" => t.minute() as i64,
                    "second" => t.second() as i64,
                    "millisecond" => frac / 1_000_000,
                    "microsecond" => frac / 1_000,
                    _ => frac,
                })
            }).collect()))
        }
        "week_of_year" | "weekofyear" => {
            a.check(1, 1)?;
            c(Col::Long(a.col(0).to_datetime().into_iter().map(|v| v.and_then(to_utc).map(|t| t.iso_week().week() as i64)).collect()))
        }
        "unixtime_seconds_todatetime" | "unixtime_milliseconds_todatetime" => {
            a.check(1, 1)?;
            let k = if a.name.contains("milli") { 1e6 } else { 1e9 };
            c(Col::DateTime(a.col(0).to_f64().into_iter().map(|v| super::value::f64_to_i64(v? * k)).collect()))
        }
        "isascii" | "isutf8" => {
            a.check(1, 1)?;
            let ascii = a.name == "isascii";
            c(Col::Bool(texts(&a.col(0)).into_iter().map(|t| t.map(|s| !ascii || s.is_ascii())).collect()))
        }
        "string_size" => {
            a.check(1, 1)?;
            c(Col::Long(texts(&a.col(0)).into_iter().map(|t| Some(t.unwrap_or("").len() as i64)).collect()))
        }
        "sign" => {
            a.check(1, 1)?;
            match a.col(0) {
                Col::Long(x) => c(Col::Long(x.into_iter().map(|v| v.map(i64::signum)).collect())),
                other => c(Col::Real(other.to_f64().into_iter().map(|v| v.map(|x| if x == 0.0 { 0.0 } else { x.signum() })).collect())),
            }
        }
        "log2" | "exp2" | "exp10" => {
            a.check(1, 1)?;
            let f: fn(f64) -> f64 = match a.name {
                "log2" => f64::log2,
                "exp2" => f64::exp2,
                _ => |x| 10f64.powf(x),
            };
            c(Col::Real(a.col(0).to_f64().into_iter().map(|v| v.map(f)).collect()))
        }
        "toguid" => {
            a.check(1, 1)?;
            c(Col::Str(texts(&a.col(0)).into_iter().map(|t| t.filter(|s| is_guid(s)).map(str::to_string)).collect()))
        }
        "typeof" => Err(KqlError::msg("typeof() is only used in 'to typeof(…)' and similar type arguments")),
        other => Err(KqlError::msg(format!("the function '{other}' is not supported yet"))),
    }
}

fn is_guid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5 && parts.iter().zip([8, 4, 4, 4, 12]).all(|(p, n)| p.len() == n && p.chars().all(|c| c.is_ascii_hexdigit()))
}

/// Lowercase hex of bytes.
fn hex_bytes(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// An IPv4 address with an optional `/bits` suffix: (address, prefix bits).
fn ipv4_net(t: &str) -> Option<(u32, u32)> {
    let t = t.trim();
    let (ip, bits) = match t.split_once('/') {
        Some((ip, b)) => (ip, b.trim().parse::<u32>().ok().filter(|b| *b <= 32)?),
        None => (t, 32),
    };
    let addr: std::net::Ipv4Addr = ip.trim().parse().ok()?;
    Some((u32::from(addr), bits))
}

/// The address with only its first `bits` bits.
fn masked(ip: u32, bits: u32) -> u32 {
    if bits == 0 { 0 } else { ip & (u32::MAX << (32 - bits.min(32))) }
}

/// `%xx` escapes (and `+` as space) decoded; not UTF-8 → null.
fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 3 <= b.len() => {
                match std::str::from_utf8(&b[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(v) => {
                        out.push(v);
                        i += 3;
                    }
                    None => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            x => {
                out.push(x);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// `parse_url()`: Kusto's property bag of a URL's parts (empty strings for missing parts).
fn parse_url(s: &str) -> Json {
    let mut m = serde_json::Map::new();
    let u = url::Url::parse(s.trim()).ok();
    let text = |v: Option<&str>| Json::String(v.unwrap_or("").to_string());
    m.insert("Scheme".into(), text(u.as_ref().map(|u| u.scheme())));
    m.insert("Host".into(), text(u.as_ref().and_then(|u| u.host_str())));
    m.insert("Port".into(), Json::String(u.as_ref().and_then(|u| u.port()).map(|p| p.to_string()).unwrap_or_default()));
    m.insert("Path".into(), text(u.as_ref().map(|u| u.path())));
    m.insert("Username".into(), text(u.as_ref().map(|u| u.username())));
    m.insert("Password".into(), text(u.as_ref().and_then(|u| u.password())));
    let mut q = serde_json::Map::new();
    if let Some(u) = &u {
        for (k, v) in u.query_pairs() {
            q.insert(k.into_owned(), Json::String(v.into_owned()));
        }
    }
    m.insert("Query Parameters".into(), Json::Object(q));
    m.insert("Fragment".into(), text(u.as_ref().and_then(|u| u.fragment())));
    Json::Object(m)
}

/// Equality of dynamic values (numbers by value).
fn json_eq(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

/// An order for sorting dynamic arrays: nulls, then numbers, then strings, then the rest by their JSON text.
fn json_order(a: &Json, b: &Json) -> std::cmp::Ordering {
    let rank = |v: &Json| match v {
        Json::Null => 0,
        Json::Bool(_) => 1,
        Json::Number(_) => 2,
        Json::String(_) => 3,
        _ => 4,
    };
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => x.as_f64().unwrap_or(0.0).total_cmp(&y.as_f64().unwrap_or(0.0)),
        (Json::String(x), Json::String(y)) => x.cmp(y),
        _ => rank(a).cmp(&rank(b)).then_with(|| a.to_string().cmp(&b.to_string())),
    }
}

/// Kusto rewrite text (`\1`) → regex crate replacement (`${1}`).
fn kusto_rewrite(r: &str) -> String {
    let mut out = String::new();
    let mut chars = r.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '\\' if chars.peek().is_some_and(|d| d.is_ascii_digit()) => {
                let mut num = String::new();
                while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                    num.push(*d);
                    chars.next();
                }
                out.push_str(&format!("${{{num}}}"));
            }
            '$' => out.push_str("$$"),
            other => out.push(other),
        }
    }
    out
}

fn count_overlapping(s: &str, l: &str) -> i64 {
    let mut n = 0;
    let mut from = 0;
    while let Some(i) = s.get(from..).and_then(|t| t.find(l)) {
        n += 1;
        from += i + s[from + i..].chars().next().map_or(1, char::len_utf8);
    }
    n
}

/// A type name from `typeof(…)`/the 4th argument of `extract`.
pub fn type_named(t: &str) -> Result<Ty, KqlError> {
    Ok(match t {
        "string" | "guid" => Ty::Str,
        "int" | "long" => Ty::Long,
        "real" | "double" | "decimal" => Ty::Real,
        "bool" | "boolean" => Ty::Bool,
        "datetime" | "date" => Ty::DateTime,
        "timespan" | "time" => Ty::Timespan,
        "dynamic" => Ty::Dyn,
        other => return Err(KqlError::msg(format!("unknown type '{other}'"))),
    })
}

/// The type several branches share: the same type, real for long+real, else string.
pub fn common_type(tys: impl Iterator<Item = Ty>) -> Ty {
    let mut acc: Option<Ty> = None;
    for t in tys {
        acc = Some(match acc {
            None => t,
            Some(a) if a == t => a,
            Some(Ty::Long | Ty::Real) if t.is_numeric() => Ty::Real,
            Some(_) => Ty::Str,
        });
    }
    acc.unwrap_or(Ty::Str)
}

/// A column converted to `ty`.
pub fn cast_to(c: &Col, ty: Ty) -> Col {
    if c.ty() == ty {
        return c.clone();
    }
    match ty {
        Ty::Bool => Col::Bool(c.to_bool()),
        Ty::Long => Col::Long(c.to_i64()),
        Ty::Real => Col::Real(c.to_f64()),
        Ty::Str => Col::Str(c.to_str()),
        Ty::DateTime => Col::DateTime(c.to_datetime()),
        Ty::Timespan => Col::Timespan(c.to_timespan()),
        Ty::Dyn => Col::Dyn(c.to_dyn()),
    }
}

/// Two branch values as columns of one type.
fn unify(a: Val, b: Val, m: usize) -> (Col, Col) {
    let target = common_type([a.ty(), b.ty()].into_iter().flatten());
    (cast_to(&a.into_col(m), target), cast_to(&b.into_col(m), target))
}

/// Row-wise `mask ? a : b` (null mask → b); `a` and `b` have one type.
pub fn select(mask: &BooleanChunked, a: &Col, b: &Col) -> Result<Col, KqlError> {
    let m: BooleanChunked = mask.into_iter().map(|v| Some(v.unwrap_or(false))).collect();
    let e = |e: PolarsError| KqlError::msg(format!("choosing values: {e}"));
    Ok(match (a, b) {
        (Col::Bool(x), Col::Bool(y)) => Col::Bool(x.zip_with(&m, y).map_err(e)?),
        (Col::Long(x), Col::Long(y)) => Col::Long(x.zip_with(&m, y).map_err(e)?),
        (Col::Real(x), Col::Real(y)) => Col::Real(x.zip_with(&m, y).map_err(e)?),
        (Col::Str(x), Col::Str(y)) => Col::Str(x.zip_with(&m, y).map_err(e)?),
        (Col::DateTime(x), Col::DateTime(y)) => Col::DateTime(x.zip_with(&m, y).map_err(e)?),
        (Col::Timespan(x), Col::Timespan(y)) => Col::Timespan(x.zip_with(&m, y).map_err(e)?),
        (Col::Dyn(x), Col::Dyn(y)) => Col::Dyn(x.zip_with(&m, y).map_err(e)?),
        (x, y) => return select(mask, x, &cast_to(y, x.ty())),
    })
}

impl Col {
    /// True where the value is null.
    pub fn is_null_mask(&self) -> BooleanChunked {
        match self {
            Col::Bool(c) => c.is_null(),
            Col::Long(c) | Col::DateTime(c) | Col::Timespan(c) => c.is_null(),
            Col::Real(c) => c.is_null(),
            Col::Str(c) => c.is_null(),
            Col::Dyn(c) => c.into_iter().map(|v| Some(v.is_none_or(|t| t.is_empty() || t == "null"))).collect(),
        }
    }
}

/// A constant timespan (a timespan, or a number of days… as Kusto reads `now(-1)`).
fn timespan_const(s: &Scalar) -> Result<i64, KqlError> {
    match s {
        Scalar::Timespan(v) => Ok(*v),
        Scalar::Long(d) => Ok(d.saturating_mul(NS_PER_DAY)),
        Scalar::Null => Ok(0),
        other => Err(KqlError::msg(format!("'{}' is not a timespan", other.to_text()))),
    }
}

/// A column of timespans (`ago(1d)`; a string like '1d' is read too).
fn span_col(c: &Col) -> Result<Int64Chunked, KqlError> {
    match c.ty() {
        Ty::Timespan | Ty::Str | Ty::Dyn => Ok(c.to_timespan()),
        Ty::Long => Ok(c.to_i64().into_iter().map(|v| v.and_then(|d| d.checked_mul(NS_PER_DAY))).collect()),
        other => Err(KqlError::msg(format!("ago() needs a timespan, not a {} value", other.name()))),
    }
}

/// `bin(value, size)` / `bin_at(value, size, origin)`.
fn bin(v: &Col, size: &Scalar, at: Option<&Scalar>) -> Result<Col, KqlError> {
    match (v.ty(), size) {
        (Ty::DateTime, Scalar::Timespan(s)) | (Ty::Timespan, Scalar::Timespan(s)) => {
            let origin: i128 = match (at, v.ty()) {
                (Some(Scalar::DateTime(o)) | Some(Scalar::Timespan(o)), _) => *o as i128,
                (_, Ty::DateTime) => KUSTO_EPOCH_NS,
                _ => 0,
            };
            let s = *s as i128;
            let out: Int64Chunked = v
                .to_i64_raw()
                .into_iter()
                .map(|x| {
                    if s <= 0 {
                        return None;
                    }
                    let x = x? as i128;
                    i64::try_from((x - origin).div_euclid(s) * s + origin).ok()
                })
                .collect();
            Ok(if v.ty() == Ty::DateTime { Col::DateTime(out) } else { Col::Timespan(out) })
        }
        (Ty::Long, Scalar::Long(s)) => {
            let o = match at {
                Some(Scalar::Long(o)) => *o,
                _ => 0,
            };
            let s = *s;
            Ok(Col::Long(
                v.to_i64().into_iter().map(|x| if s <= 0 { None } else { Some((x? - o).div_euclid(s) * s + o) }).collect(),
            ))
        }
        (Ty::Long | Ty::Real | Ty::Dyn | Ty::Str, Scalar::Long(_) | Scalar::Real(_)) => {
            let s = match size {
                Scalar::Long(x) => *x as f64,
                Scalar::Real(x) => *x,
                _ => 1.0,
            };
            let o = match at {
                Some(Scalar::Long(o)) => *o as f64,
                Some(Scalar::Real(o)) => *o,
                _ => 0.0,
            };
            Ok(Col::Real(
                v.to_f64().into_iter().map(|x| if s <= 0.0 { None } else { Some(((x? - o) / s).floor() * s + o) }).collect(),
            ))
        }
        (t, s) => Err(KqlError::msg(format!(
            "bin() of a {} value by '{}' (use a timespan like 1h for datetimes, a number for numbers)",
            t.name(),
            s.to_text()
        ))),
    }
}

pub fn to_utc(ns: i64) -> Option<DateTime<Utc>> {
    DateTime::<Utc>::from_timestamp(ns.div_euclid(1_000_000_000), ns.rem_euclid(1_000_000_000) as u32)
}

fn from_utc(t: DateTime<Utc>) -> Option<i64> {
    t.timestamp_nanos_opt()
}

fn start_or_end_of(name: &str, ns: i64, offset: i64) -> Option<i64> {
    let t = to_utc(ns)?;
    let date = t.date_naive();
    let off = i32::try_from(offset).ok()?;
    let (start, next) = match &name[name.len() - 3..] {
        "day" => {
            let s = date.checked_add_signed(chrono::Duration::days(offset))?;
            (s, s.succ_opt()?)
        }
        "eek" => {
            let back = date.weekday().num_days_from_sunday() as i64;
            let s = date.checked_sub_signed(chrono::Duration::days(back))?.checked_add_signed(chrono::Duration::weeks(offset))?;
            (s, s.checked_add_signed(chrono::Duration::days(7))?)
        }
        "nth" => {
            let first = NaiveDate::from_ymd_opt(date.year(), date.month(), 1)?;
            let s = if off >= 0 { first.checked_add_months(Months::new(off as u32))? } else { first.checked_sub_months(Months::new(off.unsigned_abs()))? };
            (s, s.checked_add_months(Months::new(1))?)
        }
        _ => {
            let s = NaiveDate::from_ymd_opt(date.year().checked_add(off)?, 1, 1)?;
            (s, NaiveDate::from_ymd_opt(s.year() + 1, 1, 1)?)
        }
    };
    let s_ns = from_utc(start.and_hms_opt(0, 0, 0)?.and_utc())?;
    if name.starts_with("end") {
        // Kusto's end of a period is its last tick (100 ns)
        Some(from_utc(next.and_hms_opt(0, 0, 0)?.and_utc())? - 100)
    } else {
        Some(s_ns)
    }
}

/// `datetime_diff(part, a, b)`: how many `part` boundaries lie between b and a.
fn datetime_diff(part: &str, a: i64, b: i64) -> Option<i64> {
    match part {
        "year" | "years" => Some(to_utc(a)?.year() as i64 - to_utc(b)?.year() as i64),
        "quarter" | "quarters" => {
            let q = |t: DateTime<Utc>| t.year() as i64 * 4 + (t.month0() / 3) as i64;
            Some(q(to_utc(a)?) - q(to_utc(b)?))
        }
        "month" | "months" => {
            let m = |t: DateTime<Utc>| t.year() as i64 * 12 + t.month0() as i64;
            Some(m(to_utc(a)?) - m(to_utc(b)?))
        }
        "week" | "weeks" => {
            let wa = start_or_end_of("startofweek", a, 0)?;
            let wb = start_or_end_of("startofweek", b, 0)?;
            Some((wa - wb) / (7 * NS_PER_DAY))
        }
        p => {
            let u = crate::time::unit_ns(p)?;
            Some(a.div_euclid(u) - b.div_euclid(u))
        }
    }
}

fn datetime_add(part: &str, k: i64, d: i64) -> Option<i64> {
    match part {
        "year" | "years" | "quarter" | "quarters" | "month" | "months" => {
            let months = match part {
                "year" | "years" => k.checked_mul(12)?,
                "quarter" | "quarters" => k.checked_mul(3)?,
                _ => k,
            };
            let t = to_utc(d)?;
            let m = u32::try_from(months.unsigned_abs()).ok()?;
            let t = if months >= 0 { t.checked_add_months(Months::new(m))? } else { t.checked_sub_months(Months::new(m))? };
            from_utc(t)
        }
        p => d.checked_add(crate::time::unit_ns(p)?.checked_mul(k)?),
    }
}

/// .NET-style custom format: `yyyy-MM-dd HH:mm:ss.fff tt`.
pub fn format_datetime(ns: i64, fmt: &str) -> String {
    let Some(t) = to_utc(ns) else { return String::new() };
    let chars: Vec<char> = fmt.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let ch = chars[i];
        let mut run = 1;
        while i + run < chars.len() && chars[i + run] == ch {
            run += 1;
        }
        let frac = t.nanosecond() % 1_000_000_000;
        match ch {
            'y' => {
                if run <= 2 {
                    out.push_str(&format!("{:02}", t.year().rem_euclid(100)));
                } else {
                    out.push_str(&format!("{:0width$}", t.year(), width = run));
                }
            }
            'M' => out.push_str(&if run >= 2 { format!("{:02}", t.month()) } else { t.month().to_string() }),
            'd' => out.push_str(&if run >= 2 { format!("{:02}", t.day()) } else { t.day().to_string() }),
            'H' => out.push_str(&if run >= 2 { format!("{:02}", t.hour()) } else { t.hour().to_string() }),
            'h' => {
                let h = match t.hour() % 12 {
                    0 => 12,
                    h => h,
                };
                out.push_str(&if run >= 2 { format!("{h:02}") } else { h.to_string() });
            }
            'm' => out.push_str(&if run >= 2 { format!("{:02}", t.minute()) } else { t.minute().to_string() }),
            's' => out.push_str(&if run >= 2 { format!("{:02}", t.second()) } else { t.second().to_string() }),
            'f' | 'F' => {
                let digits = run.min(9);
                let s = format!("{frac:09}");
                let mut part = s[..digits].to_string();
                if ch == 'F' {
                    part = part.trim_end_matches('0').to_string();
                }
                out.push_str(&part);
            }
            't' => out.push_str(if t.hour() < 12 { "AM" } else { "PM" }),
            other => {
                for _ in 0..run {
                    out.push(other);
                }
            }
        }
        i += run;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: i64 = 1_704_067_200_000_000_000; // 2024-01-01T00:00:00Z (a Monday)

    #[test]
    fn bins() {
        let v = Col::DateTime([Some(D + 90 * 60 * 1_000_000_000)].into_iter().collect());
        assert_eq!(bin(&v, &Scalar::Timespan(3_600_000_000_000), None).unwrap().get(0), Scalar::DateTime(D + 3_600_000_000_000));
        assert_eq!(bin(&v, &Scalar::Timespan(NS_PER_DAY), None).unwrap().get(0), Scalar::DateTime(D));
        // weekly bins start on Mondays (Kusto's origin 0001-01-01 was a Monday)
        let thu = Col::DateTime([Some(D + 3 * NS_PER_DAY)].into_iter().collect());
        assert_eq!(bin(&thu, &Scalar::Timespan(7 * NS_PER_DAY), None).unwrap().get(0), Scalar::DateTime(D));
        let n = Col::Long([Some(17), Some(-3)].into_iter().collect());
        let b = bin(&n, &Scalar::Long(5), None).unwrap();
        assert_eq!((b.get(0), b.get(1)), (Scalar::Long(15), Scalar::Long(-5)));
        let r = Col::Real([Some(2.7)].into_iter().collect());
        assert_eq!(bin(&r, &Scalar::Real(0.5), None).unwrap().get(0), Scalar::Real(2.5));
    }

    #[test]
    fn calendar() {
        let t = D + 13 * 3_600_000_000_000 + 5 * 60_000_000_000 + 7_123_000_000; // 13:05:07.123
        assert_eq!(start_or_end_of("startofday", t, 0), Some(D));
        assert_eq!(start_or_end_of("endofday", t, 0), Some(D + NS_PER_DAY - 100));
        assert_eq!(start_or_end_of("startofweek", t, 0), Some(D - NS_PER_DAY)); // Sunday
        assert_eq!(start_or_end_of("startofmonth", t + 20 * NS_PER_DAY, 0), Some(D));
        assert_eq!(start_or_end_of("startofyear", t, 1), Some(D + 366 * NS_PER_DAY));
        assert_eq!(format_datetime(t, "yyyy-MM-dd HH:mm:ss.fff"), "2024-01-01 13:05:07.123");
        assert_eq!(format_datetime(t, "M/d/yy h:mm tt"), "1/1/24 1:05 PM");
        assert_eq!(datetime_diff("day", D + 3 * NS_PER_DAY, D + 1), Some(3));
        assert_eq!(datetime_diff("month", D, D - NS_PER_DAY), Some(1));
        assert_eq!(datetime_add("month", 1, D), Some(D + 31 * NS_PER_DAY));
    }

    #[test]
    fn rewrite_and_types() {
        assert_eq!(kusto_rewrite(r"x\1y$"), "x${1}y$$");
        assert_eq!(common_type([Ty::Long, Ty::Real].into_iter()), Ty::Real);
        assert_eq!(common_type([Ty::Long, Ty::Str].into_iter()), Ty::Str);
        assert_eq!(count_overlapping("aaa", "aa"), 2);
    }
}
