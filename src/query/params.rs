//! Rendering a catalog query's template with parameter values into KQL, as msticpy's `create_query` does, plus
//! escaping so a value cannot break out of the string literal it is placed in.
//!
//! Templates use Python `str.format` placeholders: `{name}`, with `{{` and `}}` for literal braces. Values:
//!
//! - arguments match a parameter's name or one of its aliases (exact first, then case-insensitive, then as
//!   camelCase: `ipAddress` for `ip_address`), or are one of the [`CALL_OPTIONS`] every query takes. Any other
//!   name is an error from [`crate::options::normalize`] naming the query, the closest name and all names: a
//!   deliberate difference from msticpy, which ignores unknown arguments, so a misspelt parameter cannot silently
//!   fall back to its default. A missing value takes the default; a `datetime` parameter named `start`
//!   or `end` without either takes the time range ([`time_range`]: the `start`/`end` arguments, else the context's);
//!   anything else missing is an error listing every missing parameter;
//! - `datetime`: anything [`resolve_datetime`] accepts, written as `2024-01-15T00:00:00.0000000Z`;
//! - `list`: a JSON array or a comma-separated text (items trimmed, empty items dropped), written `'a', 'b'` (text
//!   items as escaped single-quoted KQL literals, numbers and booleans bare). An empty list writes nothing, as in
//!   msticpy;
//! - `int`/`float`/`bool`: numbers (or numeric text) and booleans, written bare; anything else is an error;
//! - `str` (and other types): text written as it is, which outside quotes is KQL (`{table}`, `{add_query_items}`).
//!   When the placeholder sits inside a string literal of the template (`"…"`, `'…'` with backslash escapes,
//!   verbatim `@"…"`/`@'…'`), a value the caller gave is escaped for that literal: `\`, `"`, `'` and line breaks
//!   get backslash escapes in a regular literal, the quote is doubled in a verbatim one. Defaults are written as
//!   they are: the query's author wrote them as KQL for that spot (e.g. `path_separator: '\\'` inside `"…"`).
//!
//! An `add_query_items` argument for a template without an `{add_query_items}` placeholder is appended on a new
//! line. The result is trimmed; nothing else is collapsed.

use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::query::catalog::{ParamDef, ParamType, QueryDef};
use crate::time::{format_kql_datetime, resolve_datetime, TimeRange, NS_PER_DAY};

/// What a rendering is relative to: the current time (for relative datetimes) and the default time range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RenderContext {
    pub now_ns: i64,
    /// Supplies `start`/`end` when the arguments do not.
    pub time_range: TimeRange,
}

impl RenderContext {
    /// `now_ns` with the default time range: the last day.
    pub fn new(now_ns: i64) -> Self {
        RenderContext {
            now_ns,
            time_range: TimeRange::last(now_ns, NS_PER_DAY),
        }
    }
}

/// Where a placeholder sits in the template's KQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quoting {
    /// Outside string literals (comments included): the value is KQL.
    Code,
    /// Inside a regular `"…"` or `'…'` literal with backslash escapes; the char is the quote.
    Regular(char),
    /// Inside a verbatim `@"…"` or `@'…'` literal, where the quote is doubled; the char is the quote.
    Verbatim(char),
}

/// A piece of a parsed template: literal text (with `{{`/`}}` already made single) or a `{name}` placeholder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    Field { name: String, quoting: Quoting },
}

/// Splits a template into text and placeholders, tracking KQL string literals and `//` comments to know where each
/// placeholder sits. A `{` without its `}`, a lone `}` and a placeholder that is not a plain name are errors.
pub fn parse_template(template: &str) -> Result<Vec<Piece>> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        Code,
        Comment,
        Regular(char),
        Verbatim(char),
    }
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut state = State::Code;
    let mut escaped = false;
    let mut prev: Option<char> = None;
    let mut chars = template.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        match c {
            '{' | '}' if next == Some(c) => {
                chars.next();
                text.push(c);
                (escaped, prev) = (false, Some(c));
                continue;
            }
            '{' => {
                let rest = template.get(i + 1..).unwrap_or_default();
                let end = rest.find('}').ok_or_else(|| {
                    Error::invalid(format!(
                        "unclosed '{{' at character {i} of the query template: {}",
                        snippet(template, i)
                    ))
                })?;
                let name = rest.get(..end).unwrap_or_default();
                let is_name = name.chars().next().is_some_and(|f| f.is_ascii_alphabetic() || f == '_')
                    && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                if !is_name {
                    return Err(Error::invalid(format!(
                        "unsupported placeholder at character {i} of the query template: {} (placeholders are \
                         {{name}}; write a literal brace as {{{{ or }}}})",
                        snippet(template, i)
                    )));
                }
                for _ in 0..=name.chars().count() {
                    chars.next();
                }
                if !text.is_empty() {
                    pieces.push(Piece::Text(std::mem::take(&mut text)));
                }
                let quoting = match state {
                    State::Code | State::Comment => Quoting::Code,
                    State::Regular(q) => Quoting::Regular(q),
                    State::Verbatim(q) => Quoting::Verbatim(q),
                };
                pieces.push(Piece::Field {
                    name: name.to_string(),
                    quoting,
                });
                (escaped, prev) = (false, Some('}'));
                continue;
            }
            '}' => {
                return Err(Error::invalid(format!(
                    "single '}}' at character {i} of the query template (write a literal brace as }}}}): {}",
                    snippet(template, i)
                )))
            }
            _ => {}
        }
        text.push(c);
        state = match state {
            State::Code if c == '/' && next == Some('/') => State::Comment,
            State::Code if c == '"' || c == '\'' => {
                if prev == Some('@') {
                    State::Verbatim(c)
                } else {
                    State::Regular(c)
                }
            }
            State::Comment if c == '\n' => State::Code,
            State::Regular(q) => {
                if escaped {
                    escaped = false;
                    state
                } else if c == '\\' {
                    escaped = true;
                    state
                } else if c == q {
                    State::Code
                } else {
                    state
                }
            }
            State::Verbatim(q) if c == q => {
                if next == Some(q) {
                    // a doubled quote is one quote inside the literal
                    chars.next();
                    text.push(q);
                    state
                } else {
                    State::Code
                }
            }
            other => other,
        };
        prev = Some(c);
    }
    if !text.is_empty() {
        pieces.push(Piece::Text(text));
    }
    Ok(pieces)
}

/// Up to 40 characters of `template` from byte `at`, for error messages.
fn snippet(template: &str, at: usize) -> String {
    let s: String = template.get(at..).unwrap_or_default().chars().take(40).collect();
    format!("'{}'", s.replace('\n', " "))
}

/// The time range of a rendering: the `start`/`end` arguments (any datetime form) where given, else the context's.
pub fn time_range(args: &Map<String, Value>, ctx: &RenderContext) -> Result<TimeRange> {
    let get = |key: &str, fallback: i64| -> Result<i64> {
        match lookup(args, key) {
            Some(v) => resolve_datetime(v, ctx.now_ns).map_err(|e| Error::invalid(format!("parameter '{key}': {e}"))),
            None => Ok(fallback),
        }
    };
    Ok(TimeRange {
        start_ns: get("start", ctx.time_range.start_ns)?,
        end_ns: get("end", ctx.time_range.end_ns)?,
    })
}

/// The names every catalog query takes besides its parameters: its time range, KQL to append, and the options of
/// the call itself (`print` returns the KQL instead of running it, `timeout` in seconds, `signal` to cancel).
pub const CALL_OPTIONS: &[&str] = &["start", "end", "add_query_items", "print", "timeout", "signal"];

/// `args` (an object; `null` for none) with every name checked by [`crate::options::normalize`] against `def`'s
/// parameter names and aliases and [`CALL_OPTIONS`]; a name equal to one of them but for case is taken as that one.
pub fn check_args(def: &QueryDef, args: &Value) -> Result<Map<String, Value>> {
    let mut known: Vec<&str> = Vec::new();
    let names = def.params.iter().flat_map(|p| std::iter::once(&p.name).chain(&p.aliases));
    for n in names.map(String::as_str).chain(CALL_OPTIONS.iter().copied()) {
        if !known.contains(&n) {
            known.push(n);
        }
    }
    let Value::Object(args) = args else {
        return crate::options::normalize(&def.qualified_name(), args, &known);
    };
    let mut given = Map::with_capacity(args.len());
    for (k, v) in args {
        let same_but_case = match known.contains(&k.as_str()) {
            true => None,
            false => known.iter().find(|n| n.eq_ignore_ascii_case(k)),
        };
        let name = match same_but_case {
            Some(n) if !args.contains_key(*n) && !given.contains_key(*n) => n.to_string(),
            _ => k.clone(),
        };
        given.insert(name, v.clone());
    }
    crate::options::normalize(&def.qualified_name(), &Value::Object(given), &known)
}

/// Renders `def`'s template with `args` (parameter name → value), see the module doc.
pub fn render(def: &QueryDef, args: &Map<String, Value>, ctx: &RenderContext) -> Result<String> {
    let qname = def.qualified_name();
    let args = &check_args(def, &Value::Object(args.clone()))?;
    let template = def
        .expanded_template()
        .map_err(|e| Error::invalid(format!("{qname}: {e}")))?;
    let pieces = parse_template(&template).map_err(|e| Error::invalid(format!("{qname}: {e}")))?;
    let range = time_range(args, ctx)?;

    // Each parameter's text, and whether the caller gave it (only those are escaped inside literals).
    let mut values: Vec<(&ParamDef, String, bool)> = Vec::with_capacity(def.params.len());
    let mut missing: Vec<&str> = Vec::new();
    for p in &def.params {
        let (text, given) = if let Some(v) = find_arg(args, p) {
            (format_value(p, v, ctx.now_ns, &qname)?, true)
        } else if let Some(d) = &p.default {
            (format_value(p, d, ctx.now_ns, &qname)?, false)
        } else if p.kind == ParamType::Datetime && (p.name == "start" || p.name == "end") {
            let ns = if p.name == "start" {
                range.start_ns
            } else {
                range.end_ns
            };
            (format_kql_datetime(ns), false)
        } else {
            missing.push(&p.name);
            continue;
        };
        values.push((p, text, given));
    }
    if !missing.is_empty() {
        missing.sort_unstable();
        return Err(Error::invalid(format!(
            "missing required parameter(s) for {qname}: {}",
            missing.join(", ")
        )));
    }

    let mut out = String::with_capacity(template.len());
    for piece in &pieces {
        match piece {
            Piece::Text(t) => out.push_str(t),
            Piece::Field { name, quoting } => {
                let (p, text, given) = values.iter().find(|(p, _, _)| &p.name == name).ok_or_else(|| {
                    let known: Vec<&str> = def.params.iter().map(|p| p.name.as_str()).collect();
                    Error::invalid(format!(
                        "{qname}: the template uses {{{name}}}, which is not one of its parameters ({})",
                        known.join(", ")
                    ))
                })?;
                let textual = matches!(p.kind, ParamType::Str | ParamType::List | ParamType::Other(_));
                match quoting {
                    Quoting::Regular(_) if *given && textual => out.push_str(&escape_regular(text)),
                    Quoting::Verbatim(q) if *given && textual => out.push_str(&text.replace(*q, &format!("{q}{q}"))),
                    _ => out.push_str(text),
                }
            }
        }
    }

    let has_placeholder = pieces
        .iter()
        .any(|p| matches!(p, Piece::Field { name, .. } if name == "add_query_items"));
    if !has_placeholder {
        let extra = match def.param("add_query_items") {
            Some(p) => find_arg(args, p),
            None => lookup(args, "add_query_items"),
        };
        match extra {
            Some(Value::String(s)) if !s.trim().is_empty() => {
                out.truncate(out.trim_end().len());
                out.push('\n');
                out.push_str(s);
            }
            Some(Value::String(_)) | None => {}
            Some(other) => {
                return Err(Error::invalid(format!("add_query_items must be KQL text, not {other}")));
            }
        }
    }
    Ok(out.trim().to_string())
}

/// The argument for `p`: by name or alias, exact first, then case-insensitive. Null counts as not given.
fn find_arg<'a>(args: &'a Map<String, Value>, p: &ParamDef) -> Option<&'a Value> {
    let names = || std::iter::once(&p.name).chain(&p.aliases);
    names()
        .find_map(|n| args.get(n).filter(|v| !v.is_null()))
        .or_else(|| names().find_map(|n| lookup(args, n)))
}

/// The non-null argument `key`, exact first, then case-insensitive.
fn lookup<'a>(args: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    args.get(key).filter(|v| !v.is_null()).or_else(|| {
        args.iter()
            .find(|(k, v)| k.eq_ignore_ascii_case(key) && !v.is_null())
            .map(|(_, v)| v)
    })
}

/// A value as KQL text for parameter `p`.
fn format_value(p: &ParamDef, v: &Value, now_ns: i64, qname: &str) -> Result<String> {
    let bad = |expected: &str| Error::invalid(format!("parameter '{}' of {qname} expects {expected}, not {v}", p.name));
    match &p.kind {
        ParamType::Datetime => resolve_datetime(v, now_ns)
            .map(format_kql_datetime)
            .map_err(|e| Error::invalid(format!("parameter '{}' of {qname}: {e}", p.name))),
        ParamType::List => format_list(v).ok_or_else(|| bad("a list of text or numbers, or comma-separated text")),
        ParamType::Int => whole_number(v)
            .map(|n| n.to_string())
            .ok_or_else(|| bad("a whole number")),
        ParamType::Float => {
            let f = match v {
                Value::Number(n) => n.as_f64(),
                Value::String(s) => s.trim().parse::<f64>().ok(),
                _ => None,
            };
            f.filter(|f| f.is_finite())
                .map(|f| f.to_string())
                .ok_or_else(|| bad("a number"))
        }
        ParamType::Bool => match v {
            Value::Bool(b) => Ok(b.to_string()),
            Value::String(s) if s.trim().eq_ignore_ascii_case("true") => Ok("true".into()),
            Value::String(s) if s.trim().eq_ignore_ascii_case("false") => Ok("false".into()),
            _ => Err(bad("true or false")),
        },
        ParamType::Str | ParamType::Other(_) => match v {
            Value::String(s) => Ok(s.clone()),
            Value::Number(n) => Ok(n.to_string()),
            Value::Bool(b) => Ok(b.to_string()),
            _ => Err(bad("text")),
        },
    }
}

/// An integer from a JSON number (JS numbers arrive as floats: `1.0` is fine) or numeric text.
fn whole_number(v: &Value) -> Option<i64> {
    let from_f64 = |f: f64| (f.fract() == 0.0 && f.abs() < 9.2e18).then_some(f as i64);
    match v {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().and_then(from_f64)),
        Value::String(s) => {
            let s = s.trim();
            s.parse::<i64>()
                .ok()
                .or_else(|| s.parse::<f64>().ok().and_then(from_f64))
        }
        _ => None,
    }
}

/// `'a', 'b', 1` from an array or comma-separated text; `None` for values that cannot be list items.
fn format_list(v: &Value) -> Option<String> {
    let item = |v: &Value| match v {
        Value::String(s) => Some(format!("'{}'", escape_regular(s))),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    };
    let items: Vec<String> = match v {
        Value::Array(values) => values.iter().map(item).collect::<Option<_>>()?,
        Value::String(s) => s
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| format!("'{}'", escape_regular(s)))
            .collect(),
        Value::Number(_) | Value::Bool(_) => vec![item(v)?],
        _ => return None,
    };
    Some(items.join(", "))
}

/// Text escaped for a regular KQL string literal (either quote).
pub(crate) fn escape_regular(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::catalog::Catalog;
    use serde_json::json;

    /// 2024-01-15T00:00:00Z
    const NOW: i64 = 1_705_276_800_000_000_000;

    fn query(template: &str, params: &str) -> QueryDef {
        let yaml = format!(
            "metadata: {{data_families: [T]}}\nsources:\n  q:\n    args: {{query: {}}}\n    parameters: {params}\n",
            serde_json::to_string(template).unwrap()
        );
        let mut c = Catalog::new();
        c.load_yaml(&yaml, "t.yaml").unwrap();
        c.get("T.q").unwrap().clone()
    }

    fn run(def: &QueryDef, args: Value) -> Result<String> {
        render(def, args.as_object().unwrap(), &RenderContext::new(NOW))
    }

    #[test]
    fn finds_literals() {
        let pieces = parse_template(
            r#"a "x\"{p}" '{q}' @"c:\{r}" @'{s}''' // it's {t}
{{u}} '\\' {v}"#,
        )
        .unwrap();
        let fields: Vec<(String, Quoting)> = pieces
            .into_iter()
            .filter_map(|p| match p {
                Piece::Field { name, quoting } => Some((name, quoting)),
                Piece::Text(_) => None,
            })
            .collect();
        use Quoting::*;
        let want = [
            ("p", Regular('"')),
            ("q", Regular('\'')),
            ("r", Verbatim('"')),
            ("s", Verbatim('\'')),
            ("t", Code),
            ("v", Code),
        ];
        let want: Vec<(String, Quoting)> = want.iter().map(|(n, q)| (n.to_string(), *q)).collect();
        assert_eq!(fields, want);
        assert_eq!(parse_template("{{x}}").unwrap(), [Piece::Text("{x}".into())]);
    }

    #[test]
    fn bad_templates() {
        for (t, want) in [
            ("T | where x == {a", "unclosed '{'"),
            ("a } b", "single '}'"),
            ("{}", "unsupported placeholder"),
            ("{0}", "unsupported placeholder"),
            ("{a.b}", "unsupported placeholder"),
            ("{a:>10}", "unsupported placeholder"),
            ("dynamic({ \"a\": 1 })", "unsupported placeholder"),
            ("é{", "unclosed"),
        ] {
            let e = parse_template(t).unwrap_err().to_string();
            assert!(e.contains(want), "{t}: {e}");
        }
    }

    #[test]
    fn value_types() {
        let def = query(
            "{n} {f} {b} {l} {s}",
            "{n: {type: int}, f: {type: real}, b: {type: bool}, l: {type: list}, s: {type: str}}",
        );
        let out = run(
            &def,
            json!({"n": 2.0, "f": "1.5", "b": "TRUE", "l": [1, "a'b", true], "s": 7}),
        )
        .unwrap();
        assert_eq!(out, r"2 1.5 true 1, 'a\'b', true 7");
        assert_eq!(
            run(&def, json!({"n": "3", "f": 2, "b": false, "l": " x, ,y ", "s": "v"})).unwrap(),
            "3 2 false 'x', 'y' v"
        );
        assert_eq!(
            run(&def, json!({"n": 1, "f": 1, "b": true, "l": [], "s": ""})).unwrap(),
            "1 1 true"
        );
        for (args, want) in [
            (
                json!({"n": 1.5, "f": 1, "b": true, "l": [], "s": ""}),
                "parameter 'n' of T.q expects a whole number, not 1.5",
            ),
            (
                json!({"n": "x", "f": 1, "b": true, "l": [], "s": ""}),
                "expects a whole number",
            ),
            (
                json!({"n": 1, "f": "NaN", "b": true, "l": [], "s": ""}),
                "expects a number",
            ),
            (
                json!({"n": 1, "f": 1, "b": 1, "l": [], "s": ""}),
                "expects true or false",
            ),
            (
                json!({"n": 1, "f": 1, "b": true, "l": [[1]], "s": ""}),
                "expects a list",
            ),
            (json!({"n": 1, "f": 1, "b": true, "l": {}, "s": ""}), "expects a list"),
            (
                json!({"n": 1, "f": 1, "b": true, "l": [], "s": {"a": 1}}),
                "expects text",
            ),
        ] {
            let e = run(&def, args).unwrap_err().to_string();
            assert!(e.contains(want), "{e}");
        }
    }

    #[test]
    fn escapes_caller_values_inside_literals_only() {
        let def = query(
            r#"T | where a == "{s}" and b == '{s}' and c == @"{s}" and d == @'{s}' {s} | where e == "{d}""#,
            r#"{s: {type: str}, d: {type: str, default: '\\'}}"#,
        );
        let out = run(&def, json!({"s": "a\"b'c\\d\ne"})).unwrap();
        assert_eq!(
            out,
            "T | where a == \"a\\\"b\\'c\\\\d\\ne\" and b == 'a\\\"b\\'c\\\\d\\ne' and c == @\"a\"\"b'c\\d\ne\" \
             and d == @'a\"b''c\\d\ne' a\"b'c\\d\ne | where e == \"\\\\\""
        );
    }

    #[test]
    fn unknown_placeholders_and_extra_items() {
        let def = query("T | where x == {y}", "{x: {type: str}}");
        let e = run(&def, json!({"x": 1})).unwrap_err().to_string();
        assert_eq!(e, "T.q: the template uses {y}, which is not one of its parameters (x)");
        let def = query("T", "{}");
        assert_eq!(run(&def, json!({"add_query_items": "| take 5"})).unwrap(), "T\n| take 5");
        assert!(run(&def, json!({"add_query_items": 5})).is_err());
        let e = run(&def, json!({"start": "tomorrow"})).unwrap_err().to_string();
        assert!(e.starts_with("parameter 'start': 'tomorrow' is not a datetime"), "{e}");
    }

    #[test]
    fn parameter_names_are_checked() {
        let def = query(
            "T | where a == '{ip_address}' | take {n}",
            "{ip_address: {type: str, aliases: [ip]}, n: {type: int, default: 5}}",
        );
        // Name, alias, any case, camelCase, and the call options.
        for args in [
            json!({"ip_address": "1.2.3.4"}),
            json!({"IP_Address": "1.2.3.4"}),
            json!({"ipAddress": "1.2.3.4"}),
            json!({"IP": "1.2.3.4", "start": "-1d", "print": true, "timeout": 30, "signal": {}, "end": null}),
        ] {
            assert_eq!(run(&def, args.clone()).unwrap(), "T | where a == '1.2.3.4' | take 5", "{args}");
        }
        let e = run(&def, json!({"ip_adress": "1.2.3.4"})).unwrap_err().to_string();
        assert_eq!(
            e,
            "T.q: unknown option 'ip_adress' (did you mean 'ip_address'?). Options are: ip_address, ip, n, start, \
             end, add_query_items, print, timeout, signal"
        );
        let e = run(&def, json!({"ip": "1.2.3.4", "N": 3, "ignored_in_msticpy": 1})).unwrap_err().to_string();
        assert!(e.starts_with("T.q: unknown option 'ignored_in_msticpy'. Options are: "), "{e}");
        let e = run(&def, json!({"ip_address": "1.2.3.4", "IP_ADDRESS": "5.6.7.8"})).unwrap_err().to_string();
        assert_eq!(e, "T.q: option 'ip_address' is given twice (as snake_case and camelCase)");
    }
}
