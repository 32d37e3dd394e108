//! Published Sentinel hunting queries and analytics rules on the demo workspace, each answer compared with the one
//! computed independently of huntbook's KQL engine (issue #15, "Must show" 2).
//!
//! `tests/fixtures/corpus_expected.py` translates each query by hand into standard-library Python over the raw rows
//! of `demo_data/demo.la.json.gz` (shifted as `huntbook::demo::load` shifts them) and writes
//! `tests/fixtures/corpus_expected.json`: per query (named by its path in `tests/fixtures/sentinel_corpus.json`)
//! the columns compared, their kinds and the expected rows. This test runs the corpus' own text of each query with
//! the portal's placeholders filled as `tests/kql_sentinel_corpus.rs` fills them, and compares the row count and
//! those columns' values; row order counts only where the fixture says the query fixes it. Only named columns are
//! compared, so columns the demo data gains later do not disturb the comparison.
//!
//! Cell kinds: `str` (null is ""), `int`, `real` (6 decimals), `time` (ISO 8601 with 7 fraction digits) and `set`
//! (a dynamic array compared as the sorted list of its elements as text).

use std::path::PathBuf;

use huntbook::frame::LaType;
use huntbook::kql::execute;
use huntbook::time::format_kql_datetime;
use huntbook::Frame;
use serde_json::Value;

mod common;
use common::{corpus, demo_workspace, fill_placeholders, longs, nanos, reals, strs, NOW};

/// Queries compared (at least): the issue asks for 20.
const COMPARED_MIN: usize = 20;

struct Expected {
    path: String,
    columns: Vec<(String, String)>,
    ordered: bool,
    rows: Vec<Vec<Value>>,
}

fn expected() -> Vec<Expected> {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus_expected.json");
    let doc: Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
    doc["queries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| Expected {
            path: q["path"].as_str().unwrap().to_string(),
            columns: q["columns"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| (c[0].as_str().unwrap().to_string(), c[1].as_str().unwrap().to_string()))
                .collect(),
            ordered: q["ordered"].as_bool().unwrap(),
            rows: q["rows"].as_array().unwrap().iter().map(|r| r.as_array().unwrap().clone()).collect(),
        })
        .collect()
}

/// A dynamic cell's JSON (text that is not JSON stays text).
fn dynamic(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_string()))
}

fn value_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Column `c` of `f` in the fixture's cell form for `kind`.
fn cells(f: &Frame, c: &str, kind: &str) -> Vec<Value> {
    let is_dynamic = f.la_type(c).unwrap() == LaType::Dynamic;
    match kind {
        // a string, or a dynamic holding one (split(…)[0] without tostring())
        "str" if is_dynamic => strs(f, c).iter().map(|t| Value::String(value_text(&dynamic(t)))).collect(),
        "str" => strs(f, c).into_iter().map(Value::String).collect(),
        "int" => longs(f, c).into_iter().map(|n| Value::String(n.map(|n| n.to_string()).unwrap_or_default())).collect(),
        "real" => reals(f, c).into_iter().map(|x| Value::String(x.map(|x| format!("{x:.6}")).unwrap_or_default())).collect(),
        "time" => nanos(f, c).into_iter().map(|t| Value::String(t.map(format_kql_datetime).unwrap_or_default())).collect(),
        "set" => strs(f, c)
            .iter()
            .map(|t| {
                let mut items: Vec<String> = match dynamic(t) {
                    Value::Array(a) => a.iter().map(value_text).collect(),
                    other => panic!("{c}: expected an array, got {other}"),
                };
                items.sort();
                Value::Array(items.into_iter().map(Value::String).collect())
            })
            .collect(),
        other => panic!("unknown cell kind {other}"),
    }
}

/// The result's rows restricted to the fixture's columns, in the fixture's order.
fn rows_of(f: &Frame, columns: &[(String, String)]) -> Vec<Vec<Value>> {
    let cols: Vec<Vec<Value>> = columns.iter().map(|(c, k)| cells(f, c, k)).collect();
    (0..f.height()).map(|i| cols.iter().map(|c| c[i].clone()).collect()).collect()
}

fn sort_rows(rows: &mut [Vec<Value>]) {
    rows.sort_by_key(|r| serde_json::to_string(r).unwrap());
}

#[test]
fn corpus_queries_match_independently_computed_results() {
    let data = demo_workspace();
    let queries = corpus();
    let want = expected();
    assert!(want.len() >= COMPARED_MIN, "{} queries in the fixture", want.len());

    let mut failures = Vec::new();
    println!("\nSentinel corpus queries compared with tests/fixtures/corpus_expected.json:");
    for e in &want {
        let entry = queries.iter().find(|q| q.path == e.path).unwrap_or_else(|| panic!("{} is not in the corpus", e.path));
        let text = fill_placeholders(&entry.query);
        let f = match execute(&text, &data, NOW) {
            Ok(f) => f,
            Err(err) => {
                failures.push(format!("{}: {err}", e.path));
                continue;
            }
        };
        let names = f.column_names();
        let missing: Vec<&str> = e.columns.iter().map(|(c, _)| c.as_str()).filter(|c| !names.iter().any(|n| n == c)).collect();
        if !missing.is_empty() {
            failures.push(format!("{}: no column {missing:?} in the result {names:?}", e.path));
            continue;
        }
        let mut got = rows_of(&f, &e.columns);
        let mut exp = e.rows.clone();
        if !e.ordered {
            sort_rows(&mut got);
            sort_rows(&mut exp);
        }
        let same = got == exp;
        println!("  {:<4} {:>4} rows, {} columns  {}", if same { "same" } else { "DIFF" }, got.len(), e.columns.len(), e.path);
        if !same {
            let names: Vec<&str> = e.columns.iter().map(|(c, _)| c.as_str()).collect();
            let mut msg = format!("{}: {} rows, expected {}; columns {names:?}\n", e.path, got.len(), exp.len());
            for (i, (g, x)) in got.iter().zip(&exp).enumerate().filter(|(_, (g, x))| g != x).take(5) {
                msg.push_str(&format!("  row {i}\n    got      {}\n    expected {}\n", Value::Array(g.clone()), Value::Array(x.clone())));
            }
            failures.push(msg);
        }
    }
    assert!(failures.is_empty(), "{} of {} queries differ:\n{}", failures.len(), want.len(), failures.join("\n"));
    assert!(want.iter().any(|e| !e.rows.is_empty()));
}
