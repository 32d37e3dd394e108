//! Helpers shared by the KQL integration tests (each test file is its own crate: `mod common;` brings this in).
//!
//! - reading a result [`Frame`]'s cells as plain Rust values (`strs`, `longs`, `reals`, `nanos`);
//! - the Sentinel corpus fixture (`tests/fixtures/sentinel_corpus.json`), the demo workspace it runs on and the
//!   portal's `{{StartTimeISO}}` / `{{EndTimeISO}}` filling.
#![allow(dead_code)] // each test crate uses a part

use std::path::PathBuf;

use huntbook::frame::Tables;
use huntbook::time::format_iso_ms;
use huntbook::Frame;
use polars::prelude::*;
use serde_json::Value;

// ----- cells of a result -------------------------------------------------------------------------------------------

pub fn col<'a>(f: &'a Frame, c: &str) -> &'a Column {
    f.df().column(c).unwrap_or_else(|_| panic!("no column {c} in {:?}", f.column_names()))
}

pub fn strs(f: &Frame, c: &str) -> Vec<String> {
    col(f, c).str().unwrap().into_iter().map(|v| v.unwrap_or("").to_string()).collect()
}

pub fn longs(f: &Frame, c: &str) -> Vec<Option<i64>> {
    col(f, c).cast(&DataType::Int64).unwrap().i64().unwrap().into_iter().collect()
}

pub fn reals(f: &Frame, c: &str) -> Vec<Option<f64>> {
    col(f, c).cast(&DataType::Float64).unwrap().f64().unwrap().into_iter().collect()
}

/// A datetime or timespan column's physical values (nanoseconds: huntbook stores both at full precision).
pub fn nanos(f: &Frame, c: &str) -> Vec<Option<i64>> {
    col(f, c).as_materialized_series().to_physical_repr().i64().unwrap().into_iter().collect()
}

// ----- the Sentinel corpus on the demo workspace --------------------------------------------------------------------

/// 2024-06-01T12:00:00Z: the demo data's newest event is put here.
pub const NOW: i64 = 1_717_243_200_000_000_000;
pub const DAY: i64 = 86_400_000_000_000;
/// The demo data spans three weeks; the portal's time range covers all of it.
pub const RANGE_DAYS: i64 = 30;

/// One hunting query or analytics rule of the corpus.
pub struct Entry {
    pub path: String,
    pub kind: String,
    pub query: String,
}

pub fn corpus() -> Vec<Entry> {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sentinel_corpus.json");
    let doc: Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
    doc["queries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| Entry {
            path: q["path"].as_str().unwrap().to_string(),
            kind: q["kind"].as_str().unwrap().to_string(),
            query: q["query"].as_str().unwrap().to_string(),
        })
        .collect()
}

/// The demo workspace, its newest event at [`NOW`].
pub fn demo_workspace() -> Tables {
    huntbook::demo::load(include_bytes!("../../demo_data/demo.la.json.gz"), NOW).unwrap()
}

/// The portal's substitution of its time-range placeholders.
pub fn fill_placeholders(query: &str) -> String {
    query
        .replace("{{StartTimeISO}}", &format_iso_ms(NOW - RANGE_DAYS * DAY))
        .replace("{{EndTimeISO}}", &format_iso_ms(NOW))
}
