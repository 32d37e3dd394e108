//! Dynamic arrays and property bags: `pack`, `array_*`, `bag_*`, `set_*`.

use polars::prelude::*;
use serde_json::Value as Json;

use super::{ok_col, texts, Args, Def};
use crate::frame::dynamic::{get_path, parse_path, Step};
use crate::kql::ast::{Expr, ExprKind};
use crate::kql::eval::{eval, Ctx};
use crate::kql::value::{cast_to, dyn_parse, json_to_text, type_named, Col, Ty, Val};
use crate::kql::KqlError;

pub(super) static FUNCTIONS: &[Def] = &[
    Def::values(&["array_length", "arraylength"], 1, 1, array_length),
    Def::values(&["pack_array"], 0, usize::MAX, pack_array),
    Def::values(&["pack", "bag_pack"], 0, usize::MAX, pack),
    Def::values(&["strcat_array", "array_strcat"], 2, 2, strcat_array),
    Def::values(&["array_concat"], 0, usize::MAX, array_concat),
    Def::values(&["bag_keys"], 1, 1, bag_keys),
    Def::values(&["bag_has_key"], 2, 2, bag_has_key),
    Def::values(&["bag_merge"], 1, 64, bag_merge),
    Def::values(&["array_slice"], 3, 3, array_slice),
    Def::values(&["array_reverse", "array_sort_asc", "array_sort_desc"], 1, 2, array_reverse),
    Def::values(&["array_index_of", "set_has_element"], 2, 2, array_index_of),
    Def::values(&["set_union", "set_intersect", "set_difference"], 2, 64, set_union),
    Def::values(&["dynamic_to_json"], 1, 1, dynamic_to_json),
    Def::exprs(&["extractjson", "extract_json"], 2, 3, extractjson),
];

/// `extractjson(jsonPath, dataSource [, typeof(T)])`: the element at a JSONPath (`$`, `.name`, `['name']`,
/// `[index]`) of JSON text, as text (strings unquoted, objects and arrays as JSON), or converted to `T`. The path
/// after `$` is read by the same path grammar and lookup as `x.a["b"][0]` on a dynamic value.
fn extractjson(args: &[Expr], ctx: &Ctx) -> Result<Val, KqlError> {
    let ty = match args.get(2).map(|e| &e.kind) {
        None => None,
        Some(ExprKind::Call { name, args: t }) if name == "typeof" => match t.as_slice() {
            [Expr { kind: ExprKind::Name(n), .. }] => Some(type_named(n)?),
            _ => return Err(KqlError::msg("extractjson(): typeof() takes one type name")),
        },
        Some(_) => return Err(KqlError::at(args[2].span, "argument 3 of extractjson() must be typeof(type)")),
    };
    let path = match eval(&args[0], ctx)? {
        Val::S(s) => s.to_text(),
        Val::C(_) => return Err(KqlError::at(args[0].span, "argument 1 of extractjson() must be a constant")),
    };
    let Some(rest) = path.trim().strip_prefix('$') else {
        return Err(KqlError::at(args[0].span, format!("extractjson(): the JSONPath '{path}' does not start with '$'")));
    };
    let steps: Vec<Step> = if rest.is_empty() {
        Vec::new()
    } else if rest.starts_with("..") || rest.contains('*') || rest.contains('?') {
        return Err(KqlError::at(args[0].span, format!("extractjson(): '{path}': only $, .name, ['name'] and [index] are supported")));
    } else {
        parse_path(rest).map_err(|e| KqlError::at(args[0].span, format!("extractjson(): {e}")))?
    };
    let data = eval(&args[1], ctx)?;
    let konst = matches!(data, Val::S(_));
    let texts = texts(&data.into_col(if konst { 1 } else { ctx.n }));
    let found: Col = Col::Str(
        texts
            .into_iter()
            .map(|t| {
                let v = dyn_parse(t?);
                get_path(&v, &steps).filter(|x| !x.is_null()).map(json_to_text)
            })
            .collect(),
    );
    let out = match ty {
        None | Some(Ty::Str) => Col::Str(found.to_str().into_iter().map(|v| Some(v.unwrap_or(""))).collect()),
        Some(t) => cast_to(&found, t),
    };
    Ok(if konst { Val::S(out.get(0)) } else { Val::C(out) })
}

/// `dynamic_to_json()`: the value as JSON text with the keys of every bag sorted (Kusto's canonical form).
fn dynamic_to_json(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    fn sorted(v: Json) -> Json {
        match v {
            Json::Object(m) => {
                let mut pairs: Vec<(String, Json)> = m.into_iter().collect();
                pairs.sort_by(|x, y| x.0.cmp(&y.0));
                Json::Object(pairs.into_iter().map(|(k, v)| (k, sorted(v))).collect())
            }
            Json::Array(items) => Json::Array(items.into_iter().map(sorted).collect()),
            other => other,
        }
    }
    let c = a.col(0);
    ok_col(Col::Str((0..a.m).map(|r| Some(sorted(c.get_json(r)).to_string())).collect()))
}

/// `array_length()`, `arraylength()`.
fn array_length(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    let d = a.col(0).to_dyn();
    ok_col(Col::Long(d.into_iter().map(|v| v.and_then(|t| dyn_parse(t).as_array().map(|x| x.len() as i64))).collect()))
}

/// `pack_array()`.
fn pack_array(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    let cols: Vec<Col> = (0..a.len()).map(|i| a.col(i)).collect();
    // charged before making: one large value given many times (or broadcast to every row) multiplies here
    let made = cols.iter().map(crate::kql::guard::col_bytes).fold((a.m as u64) * crate::kql::guard::CELL, u64::saturating_add);
    crate::kql::guard::charge("pack_array", made, None)?;
    ok_col(Col::from_json((0..a.m).map(|r| Json::Array(cols.iter().map(|c| c.get_json(r)).collect()))))
}

/// `pack()`, `bag_pack()`.
fn pack(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    if !a.len().is_multiple_of(2) {
        return Err(KqlError::msg(format!("{}() takes pairs of key and value", a.name)));
    }
    let cols: Vec<Col> = (0..a.len()).map(|i| a.col(i)).collect();
    ok_col(Col::from_json((0..a.m).map(|r| {
        let mut m = serde_json::Map::new();
        for pair in cols.chunks(2) {
            m.insert(pair[0].get(r).to_text(), pair[1].get_json(r));
        }
        Json::Object(m)
    })))
}

/// `strcat_array()`, `array_strcat()`.
fn strcat_array(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    let arr = a.col(0).to_dyn();
    let d = texts(&a.col(1));
    ok_col(Col::Str(
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

/// `array_concat()`.
fn array_concat(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    let cols: Vec<StringChunked> = (0..a.len()).map(|i| a.col(i).to_dyn()).collect();
    ok_col(Col::from_json((0..a.m).map(|r| {
        let mut all = Vec::new();
        for col in &cols {
            if let Some(Json::Array(v)) = col.get(r).map(dyn_parse) {
                all.extend(v);
            }
        }
        Json::Array(all)
    })))
}

/// `bag_keys()`.
fn bag_keys(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    ok_col(Col::from_json(a.col(0).to_dyn().into_iter().map(|t| match t.map(dyn_parse) {
        Some(Json::Object(m)) => Json::Array(m.keys().map(|k| Json::String(k.clone())).collect()),
        _ => Json::Null,
    })))
}

/// `bag_has_key()`.
fn bag_has_key(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    let bags = a.col(0).to_dyn();
    let keys = texts(&a.col(1));
    ok_col(Col::Bool(bags.into_iter().zip(&keys).map(|(b, k)| match b.map(dyn_parse) {
        Some(Json::Object(m)) => Some(m.contains_key(k.unwrap_or(""))),
        _ => None,
    }).collect()))
}

/// `bag_merge()`.
fn bag_merge(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    let cols: Vec<StringChunked> = (0..a.len()).map(|i| a.col(i).to_dyn()).collect();
    ok_col(Col::from_json((0..a.m).map(|r| {
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

/// `array_slice()`.
fn array_slice(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    let arrs = a.col(0).to_dyn();
    let from = a.col(1).to_i64();
    let to = a.col(2).to_i64();
    ok_col(Col::from_json((0..a.m).map(|r| {
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

/// `array_reverse()`, `array_sort_asc()`, `array_sort_desc()`.
fn array_reverse(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    let name = a.name;
    ok_col(Col::from_json(a.col(0).to_dyn().into_iter().map(|t| match t.map(dyn_parse) {
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

/// `array_index_of()`, `set_has_element()`.
fn array_index_of(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    let arrs = a.col(0).to_dyn();
    let needle = a.col(1);
    let idx = (0..a.m).map(|r| {
        let Some(Json::Array(v)) = arrs.get(r).map(dyn_parse) else { return None };
        let want = needle.get_json(r);
        Some(v.iter().position(|x| json_eq(x, &want)).map_or(-1, |p| p as i64))
    });
    if a.name == "set_has_element" {
        ok_col(Col::Bool(idx.map(|v| v.map(|p| p >= 0)).collect()))
    } else {
        ok_col(Col::Long(idx.collect()))
    }
}

/// `set_union()`, `set_intersect()`, `set_difference()`.
fn set_union(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    let cols: Vec<StringChunked> = (0..a.len()).map(|i| a.col(i).to_dyn()).collect();
    let name = a.name;
    ok_col(Col::from_json((0..a.m).map(|r| {
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
