//! `dynamic` columns: JSON text in a string column, and reading a path out of it.
//!
//! `LocationDetails.geoCoordinates.latitude` in KQL is `dynamic_path(frame, "LocationDetails",
//! "geoCoordinates.latitude")` here. Paths are dotted names with `[index]` or `["key"]` steps. Cells that are not
//! JSON give null; cells written as a Python repr (`{'errorCode': 0}`, which some exported demo data holds) are read
//! too.

use serde_json::Value;

use super::builder::ColumnBuilder;
use super::{Frame, LaType};
use crate::error::{Error, PolarsContext, Result};

/// One step of a path.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Key(String),
    Index(i64),
}

/// Parses `a.b[0]["c d"]` into steps.
pub fn parse_path(path: &str) -> Result<Vec<Step>> {
    let mut steps = Vec::new();
    let chars: Vec<char> = path.chars().collect();
    let mut i = 0;
    let bad = |why: &str| Error::invalid(format!("bad path '{path}': {why}"));
    while i < chars.len() {
        match chars[i] {
            '.' => i += 1,
            '[' => {
                let close = chars[i..].iter().position(|c| *c == ']').ok_or_else(|| bad("'[' without ']'"))? + i;
                let inner: String = chars[i + 1..close].iter().collect();
                let inner = inner.trim();
                if let Some(q) = inner.strip_prefix('"').and_then(|s| s.strip_suffix('"')).or_else(|| {
                    inner.strip_prefix('\'').and_then(|s| s.strip_suffix('\''))
                }) {
                    steps.push(Step::Key(q.to_string()));
                } else {
                    steps.push(Step::Index(inner.parse().map_err(|_| bad("index is not a number"))?));
                }
                i = close + 1;
            }
            _ => {
                let end = chars[i..].iter().position(|c| *c == '.' || *c == '[').map_or(chars.len(), |p| p + i);
                steps.push(Step::Key(chars[i..end].iter().collect()));
                i = end;
            }
        }
    }
    if steps.is_empty() {
        return Err(bad("it is empty"));
    }
    Ok(steps)
}

/// Parses dynamic text: JSON, or failing that a Python repr of a dict/list.
pub fn parse_dynamic(text: &str) -> Option<Value> {
    serde_json::from_str(text).ok().or_else(|| {
        let t = text.trim_start();
        if t.starts_with('{') || t.starts_with('[') {
            serde_json::from_str(&python_repr_to_json(text)).ok()
        } else {
            None
        }
    })
}

/// Rewrites a Python literal (single-quoted strings, True/False/None) as JSON.
fn python_repr_to_json(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' => {
                let quote = c;
                out.push('"');
                while let Some(d) = chars.next() {
                    match d {
                        '\\' => {
                            if let Some(e) = chars.next() {
                                if e == '\'' {
                                    out.push('\'');
                                } else {
                                    out.push('\\');
                                    out.push(e);
                                }
                            }
                        }
                        '"' if quote == '\'' => out.push_str("\\\""),
                        d if d == quote => break,
                        d => out.push(d),
                    }
                }
                out.push('"');
            }
            c if c.is_ascii_alphabetic() => {
                let mut word = String::from(c);
                while let Some(&d) = chars.peek() {
                    if d.is_ascii_alphanumeric() || d == '_' {
                        word.push(d);
                        chars.next();
                    } else {
                        break;
                    }
                }
                out.push_str(match word.as_str() {
                    "True" => "true",
                    "False" => "false",
                    "None" => "null",
                    w => w,
                });
            }
            c => out.push(c),
        }
    }
    out
}

/// The value at `steps` in `value`; negative indexes count from the end.
pub fn get_path<'a>(value: &'a Value, steps: &[Step]) -> Option<&'a Value> {
    let mut cur = value;
    for step in steps {
        cur = match (step, cur) {
            (Step::Key(k), Value::Object(m)) => m.get(k)?,
            (Step::Index(i), Value::Array(a)) => {
                let idx = if *i < 0 { a.len() as i64 + i } else { *i };
                a.get(usize::try_from(idx).ok()?)?
            }
            _ => return None,
        };
    }
    Some(cur)
}

/// Adds column `name` holding `path` read out of the dynamic (JSON text) column `column`. The new column is long,
/// real or bool when every value found is one, dynamic when they are objects/arrays, else string.
pub fn extract_path(frame: &Frame, column: &str, path: &str, name: &str) -> Result<Frame> {
    let steps = parse_path(path)?;
    let col = frame.column(column)?;
    let ca = col.str().map_err(|_| {
        Error::invalid(format!("column '{column}' is not dynamic/string, so it has no path '{path}'"))
    })?;
    let found: Vec<Option<Value>> = ca
        .into_iter()
        .map(|cell| cell.and_then(parse_dynamic).and_then(|v| get_path(&v, &steps).cloned()))
        .collect();
    let present = || found.iter().flatten().filter(|v| !v.is_null());
    let kind = if present().next().is_none() {
        LaType::String
    } else if present().all(Value::is_i64) {
        LaType::Long
    } else if present().all(Value::is_number) {
        LaType::Real
    } else if present().all(Value::is_boolean) {
        LaType::Bool
    } else if present().all(|v| v.is_object() || v.is_array()) {
        LaType::Dynamic
    } else {
        LaType::String
    };
    let mut b = ColumnBuilder::new(name, kind, found.len());
    for v in &found {
        match v {
            None => b.push_null(),
            Some(v) => b.push_value(v),
        }
    }
    let mut out = frame.clone();
    let mut df = out.df().clone();
    df.with_column(b.finish()).context("adding a column")?;
    out = out.with_df(df);
    out.set_la_type(name, kind);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths() {
        let v = json!({"geo": {"lat": 1.5}, "list": [1, 2, 3], "odd key": "x"});
        assert_eq!(get_path(&v, &parse_path("geo.lat").unwrap()), Some(&json!(1.5)));
        assert_eq!(get_path(&v, &parse_path("list[-1]").unwrap()), Some(&json!(3)));
        assert_eq!(get_path(&v, &parse_path("[\"odd key\"]").unwrap()), Some(&json!("x")));
        assert_eq!(get_path(&v, &parse_path("geo.nope").unwrap()), None);
        assert!(parse_path("a[").is_err());
        assert!(parse_path("").is_err());
    }

    #[test]
    fn python_repr_is_read() {
        assert_eq!(parse_dynamic("{'errorCode': 0, 'ok': True, 'x': None}"), Some(json!({"errorCode":0,"ok":true,"x":null})));
        assert_eq!(parse_dynamic("{'a': \"it's\"}"), Some(json!({"a":"it's"})));
        assert_eq!(parse_dynamic("plain text"), None);
    }
}
