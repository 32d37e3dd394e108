//! Text functions: case, concatenation, substrings, splitting, trimming, replacing, regex extraction, counting.

use polars::prelude::*;
use serde_json::Value as Json;

use super::{map_text, ok_col, texts, Args, Def};
use crate::kql::eval::Ctx;
use crate::kql::strings::compile_regex;
use crate::kql::value::{cast_to, type_named, Col, Scalar, Val};
use crate::kql::KqlError;

pub(super) static FUNCTIONS: &[Def] = &[
    Def::values(&["tolower"], 1, 1, tolower),
    Def::values(&["toupper"], 1, 1, toupper),
    Def::values(&["strcat"], 1, 64, strcat),
    Def::values(&["strcat_delim"], 2, 64, strcat),
    Def::values(&["strlen"], 1, 1, strlen),
    Def::values(&["substring"], 2, 3, substring),
    Def::values(&["split"], 2, 3, split),
    Def::values(&["trim", "trim_start", "trim_end"], 2, 2, trim),
    Def::values(&["replace_string"], 3, 3, replace_string),
    Def::values(&["replace_regex", "replace"], 3, 3, replace_regex),
    Def::values(&["extract"], 3, 4, extract),
    Def::values(&["extract_all", "extractall"], 2, 3, extract_all),
    Def::values(&["indexof"], 2, 2, indexof),
    Def::values(&["countof"], 2, 3, countof),
    Def::values(&["strrep"], 2, 3, strrep),
    Def::values(&["reverse"], 1, 1, reverse),
    Def::values(&["isascii", "isutf8"], 1, 1, isascii),
    Def::values(&["string_size"], 1, 1, string_size),
];

/// `tolower()`.
fn tolower(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    ok_col(map_text(&a.col(0), |s| s.to_lowercase()))
}

/// `toupper()`.
fn toupper(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    ok_col(map_text(&a.col(0), |s| s.to_uppercase()))
}

/// `strcat()`, `strcat_delim()`.
fn strcat(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    let delim_first = a.name == "strcat_delim";
    let delim = if delim_first { a.konst_str(0)? } else { String::new() };
    let parts: Vec<StringChunked> = (usize::from(delim_first)..a.len()).map(|i| texts(&a.col(i))).collect();
    // charged before making: one large value given many times (or broadcast to every row) multiplies here
    let made = parts.iter().map(|p| crate::kql::guard::col_bytes(&Col::Str(p.clone()))).fold(0u64, u64::saturating_add)
        + (a.m as u64).saturating_mul(crate::kql::guard::CELL + delim.len() as u64 * parts.len().saturating_sub(1) as u64);
    crate::kql::guard::charge(a.name, made, None)?;
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
    ok_col(Col::Str(out.into_iter().collect()))
}

/// `strlen()`.
fn strlen(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    ok_col(Col::Long(texts(&a.col(0)).into_iter().map(|v| Some(v.unwrap_or("").chars().count() as i64)).collect()))
}

/// `substring()`.
fn substring(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
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
    ok_col(Col::Str(out))
}

/// `split()`.
fn split(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
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
    ok_col(Col::Dyn(out))
}

/// `trim()`, `trim_start()`, `trim_end()`.
fn trim(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    let re = a.konst_str(0)?;
    let start = compile_regex(&format!("^(?:{re})+"))?;
    let end = compile_regex(&format!("(?:{re})+$"))?;
    let (do_start, do_end) = match a.name {
        "trim_start" => (true, false),
        "trim_end" => (false, true),
        _ => (true, true),
    };
    ok_col(map_text(&a.col(1), |s| {
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

/// `replace_string()`.
fn replace_string(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    let s = texts(&a.col(0));
    let l = texts(&a.col(1));
    let r = texts(&a.col(2));
    let out: StringChunked = (0..a.m)
        .map(|i| {
            let (s, l, r) = (s.get(i).unwrap_or(""), l.get(i).unwrap_or(""), r.get(i).unwrap_or(""));
            Some(if l.is_empty() { s.to_string() } else { s.replace(l, r) })
        })
        .collect();
    ok_col(Col::Str(out))
}

/// `replace_regex()`, `replace()`.
fn replace_regex(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    // replace_regex(text, regex, rewrite); replace(regex, rewrite, text)
    let (ti, ri, wi) = if a.name == "replace" { (2, 0, 1) } else { (0, 1, 2) };
    let re = compile_regex(&a.konst_str(ri)?)?;
    let rewrite = kusto_rewrite(&a.konst_str(wi)?);
    ok_col(map_text(&a.col(ti), |s| re.replace_all(s, rewrite.as_str()).into_owned()))
}

/// `extract()`.
fn extract(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    let re = compile_regex(&a.konst_str(0)?)?;
    let group = a.konst_i64(1)?.max(0) as usize;
    let out: StringChunked = texts(&a.col(2))
        .into_iter()
        .map(|s| re.captures(s.unwrap_or("")).and_then(|caps| caps.get(group)).map(|m| m.as_str().to_string()))
        .collect();
    let col = Col::Str(out);
    if a.len() == 4 {
        let ty = a.konst_str(3)?;
        return ok_col(cast_to(&col, type_named(&ty)?));
    }
    ok_col(col)
}

/// `extract_all()`, `extractall()`.
fn extract_all(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    let re = compile_regex(&a.konst_str(0)?)?;
    let groups: Option<Vec<usize>> = if a.len() == 3 {
        match a.konst(1)? {
            Scalar::Dyn(Json::Array(v)) => Some(v.iter().map(|g| capture_group(&re, g)).collect::<Result<_, _>>()?),
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
    ok_col(Col::Dyn(out))
}

/// One element of extract_all()'s capture-group list: a group number, or the name of a named group
/// (`(?P<name>…)`), as its number.
fn capture_group(re: &regex::Regex, g: &Json) -> Result<usize, KqlError> {
    let found = match g {
        Json::Number(n) => n.as_u64().map(|n| n as usize).filter(|n| (1..re.captures_len()).contains(n)),
        Json::String(name) => re.capture_names().position(|c| c == Some(name.as_str())),
        _ => None,
    };
    found.ok_or_else(|| KqlError::msg(format!("extract_all(): the regular expression has no capture group {g}")))
}

/// `indexof()`.
fn indexof(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    ok_col(long_of_pairs(&texts(&a.col(0)), &texts(&a.col(1)), |s, l| s.find(l).map_or(-1, |b| s[..b].chars().count() as i64)))
}

/// `countof()`.
fn countof(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    let regex = a.len() == 3 && a.konst_str(2)? == "regex";
    let s = texts(&a.col(0));
    if regex {
        let re = compile_regex(&a.konst_str(1)?)?;
        return ok_col(Col::Long(s.into_iter().map(|s| Some(re.find_iter(s.unwrap_or("")).count() as i64)).collect()));
    }
    ok_col(long_of_pairs(&s, &texts(&a.col(1)), |s, l| if l.is_empty() { 0 } else { count_overlapping(s, l) }))
}

/// `f(text, needle)` row by row (null as empty).
fn long_of_pairs(s: &StringChunked, l: &StringChunked, f: impl Fn(&str, &str) -> i64) -> Col {
    Col::Long(s.into_iter().zip(l).map(|(s, l)| Some(f(s.unwrap_or(""), l.unwrap_or("")))).collect())
}

/// `strrep()`.
fn strrep(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    let times = a.col(1).to_i64();
    let delim = if a.len() == 3 { a.konst_str(2)? } else { String::new() };
    let s = texts(&a.col(0));
    // the bytes this call makes, charged before making them (nested strrep multiplies)
    let made: u64 = (&s)
        .into_iter()
        .zip(&times)
        .map(|(s, k)| {
            let k = k.unwrap_or(0).clamp(0, 1024) as u64;
            let len = s.map_or(0, str::len) as u64;
            k * len + k.saturating_sub(1) * delim.len() as u64 + crate::kql::guard::CELL
        })
        .fold(0u64, u64::saturating_add);
    crate::kql::guard::charge("strrep", made, None)?;
    ok_col(Col::Str(
        s.into_iter()
            .zip(&times)
            .map(|(s, k)| {
                let k = k?.clamp(0, 1024) as usize;
                Some(vec![s.unwrap_or(""); k].join(&delim))
            })
            .collect(),
    ))
}

/// `reverse()`.
fn reverse(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    ok_col(map_text(&a.col(0), |s| s.chars().rev().collect()))
}

/// `isascii()`, `isutf8()`.
fn isascii(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    let ascii = a.name == "isascii";
    ok_col(Col::Bool(texts(&a.col(0)).into_iter().map(|t| t.map(|s| !ascii || s.is_ascii())).collect()))
}

/// `string_size()`.
fn string_size(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    ok_col(Col::Long(texts(&a.col(0)).into_iter().map(|t| Some(t.unwrap_or("").len() as i64)).collect()))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrite_and_count() {
        assert_eq!(kusto_rewrite(r"x\1y$"), "x${1}y$$");
        assert_eq!(count_overlapping("aaa", "aa"), 2);
    }
}
