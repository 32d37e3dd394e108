//! Readers of tables that people bring: CSV, JSON rows, and any of the service formats, told apart by content.
//!
//! CSV cells are all text, so column types are inferred: a column whose every non-empty cell is a bool, an integer,
//! a number or an ISO datetime becomes that; anything else stays a string. JSON rows (`[{"a":1}, …]`) keep their
//! JSON types; strings that are all ISO datetimes become datetimes, objects and arrays become `dynamic`.

use std::io::Cursor;

use polars::prelude::*;

use super::builder::ColumnBuilder;
use crate::time::parse_datetime_ns;
use super::{loganalytics, Frame, LaType, QueryResult};
use crate::error::{Error, PolarsContext, Result};

/// The format of a table's bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    /// A Log Analytics query response (`{"tables":[…]}`).
    LogAnalytics,
    /// An array of row objects.
    JsonRows,
    /// Comma-separated values with a header row.
    Csv,
}

impl TableFormat {
    /// The format named by a user (`"la"`, `"json"`, `"csv"`) or a file name's extension.
    pub fn from_name(name: &str) -> Option<TableFormat> {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".la.json") || lower == "la" || lower == "loganalytics" {
            Some(TableFormat::LogAnalytics)
        } else if lower.ends_with(".csv") || lower == "csv" {
            Some(TableFormat::Csv)
        } else {
            // ".json", "json" and "jsonrows" included: JSON may be either rows or a response, so it is sniffed.
            None
        }
    }

    /// The format of `bytes`, by their first non-blank character and first key.
    pub fn sniff(bytes: &[u8]) -> TableFormat {
        let start = bytes.iter().position(|b| !b.is_ascii_whitespace() && *b != 0xEF && *b != 0xBB && *b != 0xBF);
        match start.map(|i| bytes[i]) {
            Some(b'{') => TableFormat::LogAnalytics,
            Some(b'[') => TableFormat::JsonRows,
            _ => TableFormat::Csv,
        }
    }
}

/// Reads a table of any supported format; `format` overrides sniffing. Returns every table the input holds.
pub fn read_tables(bytes: &[u8], name: &str, format: Option<TableFormat>) -> Result<QueryResult> {
    let format = format.unwrap_or_else(|| TableFormat::sniff(bytes));
    let result = match format {
        TableFormat::LogAnalytics => loganalytics::parse_response(bytes)?,
        TableFormat::JsonRows => QueryResult {
            tables: vec![read_json_rows(bytes, name)?],
            error: None,
        },
        TableFormat::Csv => QueryResult {
            tables: vec![read_csv(bytes, name)?],
            error: None,
        },
    };
    // A single unnamed result table takes the name the user gave it.
    Ok(result.name_single(name))
}

/// Reads CSV with a header row; column types are inferred from the text.
pub fn read_csv(bytes: &[u8], name: &str) -> Result<Frame> {
    super::room::check_room(bytes.len() as u64, false)?;
    let df = CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .into_reader_with_file_handle(Cursor::new(bytes))
        .finish()
        .map_err(|e| Error::parse(format!("CSV '{name}'"), e))?;
    let mut cols = Vec::with_capacity(df.width());
    let mut kinds = Vec::new();
    for col in df.columns() {
        let ca = col.str().context("reading CSV text")?;
        let cells: Vec<Option<&str>> = ca.into_iter().collect();
        let kind = infer_text_kind(&cells, true);
        let mut b = ColumnBuilder::new(col.name(), kind, ca.len());
        for v in cells {
            match v {
                Some(s) => b.push_str(s),
                None if kind == LaType::String => b.push_str(""),
                None => b.push_null(),
            }
        }
        kinds.push((col.name().to_string(), kind));
        cols.push(b.finish());
    }
    let df = DataFrame::new(df.height(), cols).context("building the CSV table")?;
    let mut frame = Frame::new(name, df);
    for (n, k) in kinds {
        frame.set_la_type(&n, k);
    }
    Ok(frame)
}

/// The type that every non-empty value of a text column fits. `numbers` allows bool/long/real (CSV); JSON strings
/// are only checked for datetimes, since a JSON string that holds digits is a string on purpose.
fn infer_text_kind(values: &[Option<&str>], numbers: bool) -> LaType {
    let non_empty = || values.iter().flatten().map(|s| s.trim()).filter(|s| !s.is_empty());
    if non_empty().next().is_none() {
        return LaType::String;
    }
    if numbers {
        if non_empty().all(|s| s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false")) {
            return LaType::Bool;
        }
        if non_empty().all(|s| s.parse::<i64>().is_ok()) {
            return LaType::Long;
        }
        if non_empty().all(|s| super::values::parse_real(s).is_some()) {
            return LaType::Real;
        }
    }
    if non_empty().all(|s| s.len() >= 16 && parse_datetime_ns(s).is_some()) {
        return LaType::DateTime;
    }
    LaType::String
}

/// Reads an array of JSON objects; columns appear in the order their keys are first seen.
pub fn read_json_rows(bytes: &[u8], name: &str) -> Result<Frame> {
    super::room::check_room(bytes.len() as u64, false)?;
    let rows: Vec<serde_json::Map<String, serde_json::Value>> =
        serde_json::from_slice(bytes).map_err(|e| Error::parse(format!("JSON rows '{name}'"), e))?;
    let mut names: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for row in &rows {
        for k in row.keys() {
            if seen.insert(k.as_str()) {
                names.push(k.clone());
            }
        }
    }
    let mut cols = Vec::with_capacity(names.len());
    let mut kinds = Vec::new();
    for n in &names {
        let values = rows.iter().map(|r| r.get(n).unwrap_or(&serde_json::Value::Null));
        let kind = infer_json_kind(values.clone());
        let mut b = ColumnBuilder::new(n, kind, rows.len());
        for v in values {
            b.push_value(v);
        }
        kinds.push(kind);
        cols.push(b.finish());
    }
    let df = DataFrame::new(rows.len(), cols).context("building the JSON table")?;
    let mut frame = Frame::new(name, df);
    for (n, k) in names.iter().zip(kinds) {
        frame.set_la_type(n, k);
    }
    Ok(frame)
}

fn infer_json_kind<'a>(values: impl Iterator<Item = &'a serde_json::Value> + Clone) -> LaType {
    use serde_json::Value as V;
    let non_null = || values.clone().filter(|v| !v.is_null());
    if non_null().next().is_none() {
        return LaType::String;
    }
    if non_null().all(|v| v.is_boolean()) {
        LaType::Bool
    } else if non_null().all(|v| v.is_i64()) {
        LaType::Long
    } else if non_null().all(|v| v.is_number()) {
        LaType::Real
    } else if non_null().all(|v| v.is_string()) {
        let texts: Vec<Option<&str>> = non_null().map(|v| v.as_str()).collect();
        infer_text_kind(&texts, false)
    } else if non_null().all(|v| matches!(v, V::Object(_) | V::Array(_))) {
        LaType::Dynamic
    } else {
        LaType::String
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lone_primary_result_takes_the_given_name_and_no_other_table_does() {
        let one = br#"{"tables":[{"name":"PrimaryResult","columns":[{"name":"n","type":"long"}],"rows":[[1]]}]}"#;
        let names = |b: &[u8], name| -> Vec<String> {
            read_tables(b, name, None).unwrap().tables.into_iter().map(|t| t.name).collect()
        };
        assert_eq!(names(one, "Mine"), ["Mine"]);
        assert_eq!(names(one, ""), ["PrimaryResult"]);
        let named = br#"{"tables":[{"name":"SigninLogs","columns":[{"name":"n","type":"long"}],"rows":[[1]]}]}"#;
        assert_eq!(names(named, "Mine"), ["SigninLogs"]);
        let two = br#"{"tables":[{"name":"PrimaryResult","columns":[],"rows":[]},{"name":"T","columns":[],"rows":[]}]}"#;
        assert_eq!(names(two, "Mine"), ["PrimaryResult", "T"]);
    }

    #[test]
    fn csv_types_are_inferred() {
        let csv = b"When,Count,Ratio,Ok,Who\n2024-01-01T10:00:00Z,3,0.5,true,alice\n2024-01-02T10:00:00.5Z,,1e3,false,\"bob, jr\"\n";
        let f = read_csv(csv, "t").unwrap();
        let kinds: Vec<_> = f.schema().into_iter().map(|(_, k)| k).collect();
        assert_eq!(kinds, [LaType::DateTime, LaType::Long, LaType::Real, LaType::Bool, LaType::String]);
        assert_eq!(f.df().column("Who").unwrap().str().unwrap().get(1), Some("bob, jr"));
        assert_eq!(f.df().column("Count").unwrap().i64().unwrap().get(1), None);
    }

    #[test]
    fn json_rows_keep_types() {
        let json = br#"[{"a":1,"b":"2024-01-01T00:00:00Z","c":{"x":1},"d":"0"},{"a":2,"e":true}]"#;
        let f = read_json_rows(json, "t").unwrap();
        assert_eq!(f.column_names(), ["a", "b", "c", "d", "e"]);
        let kinds: Vec<_> = f.schema().into_iter().map(|(_, k)| k).collect();
        assert_eq!(kinds, [LaType::Long, LaType::DateTime, LaType::Dynamic, LaType::String, LaType::Bool]);
        assert_eq!(f.df().column("c").unwrap().str().unwrap().get(0), Some(r#"{"x":1}"#));
    }

    #[test]
    fn sniffing() {
        assert_eq!(TableFormat::sniff(b"  {\"tables\":[]}"), TableFormat::LogAnalytics);
        assert_eq!(TableFormat::sniff(b"[{}]"), TableFormat::JsonRows);
        assert_eq!(TableFormat::sniff(b"a,b\n1,2"), TableFormat::Csv);
        assert!(read_tables(b"[1,2,3]", "x", None).is_err());
    }
}
