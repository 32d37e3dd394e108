//! Reader of Log Analytics query responses (`{"tables":[{"name","columns","rows"}], "error"?}`).
//!
//! The rows are streamed straight into typed column builders as serde reads them, without building a JSON tree:
//! a 10 MB response becomes a table in one pass. A `PartialError` beside the tables is returned with them.

use std::fmt;

use polars::prelude::*;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::builder::ColumnBuilder;
use super::{Frame, LaType, QueryResult, ServiceError};
use crate::error::{Error, Result};

/// Parses a Log Analytics query response.
pub fn parse_response(bytes: &[u8]) -> Result<QueryResult> {
    super::room::check_room(bytes.len() as u64, false)?;
    let (raw, lone) = match read_text(bytes) {
        Ok(raw) => (raw, 0),
        // serde_json refuses lone UTF-16 surrogate escapes: when the text has some, they are repaired and the text
        // read again (a scan for them up front cost a fifth of a large answer's read in wasm, issue #16)
        Err(first) => match repair_lone_surrogates(bytes) {
            (_, 0) => return Err(first),
            (repaired, lone) => (read_text(&repaired)?, lone),
        },
    };
    let error = raw.error.as_ref().map(service_error);
    if raw.tables.is_none() && error.is_none() {
        return Err(Error::parse(
            "the Log Analytics response",
            "it has neither 'tables' nor 'error' (is this a Log Analytics query response?)",
        ));
    }
    let mut tables: Vec<Frame> = raw.tables.unwrap_or_default().into_iter().map(RawTable::finish).collect::<Result<_>>()?;
    if lone > 0 {
        for t in &mut tables {
            t.notes.push(format!(
                "{lone} lone UTF-16 surrogate escape(s) in the response (not valid text) were read as U+FFFD"
            ));
        }
    }
    Ok(QueryResult { tables, error }.mark_partial())
}

/// The response's tables and error (`bytes` read to their end).
fn read_text(bytes: &[u8]) -> Result<RawResponse> {
    ROWS_HINT.with(|h| h.set((rows_hint(bytes), bytes.len())));
    // UTF-8 checked once for the whole text (a word at a time), not string by string as a byte reader does: a
    // large answer is ~10^7 short strings (issue #16). Not UTF-8: the byte reader says where it breaks.
    let raw = match std::str::from_utf8(bytes) {
        Ok(text) => read_response(serde_json::Deserializer::from_str(text)),
        Err(_) => read_response(serde_json::Deserializer::from_slice(bytes)),
    };
    ROWS_HINT.with(|h| h.set((0, 0)));
    raw.map_err(|e| Error::parse("the Log Analytics response", e))
}

fn read_response<'de, R: serde_json::de::Read<'de>>(
    mut de: serde_json::Deserializer<R>,
) -> serde_json::Result<RawResponse> {
    let raw = RawResponse::deserialize(&mut de)?;
    de.end()?;
    Ok(raw)
}

std::thread_local! {
    /// How many rows the response being read has, about ([`rows_hint`]), and its size in bytes: the first table's
    /// column builders take the count as their capacity.
    static ROWS_HINT: std::cell::Cell<(usize, usize)> = const { std::cell::Cell::new((0, 0)) };
}

/// About how many rows the response `bytes` holds: the row separators `],[` counted (a large answer's columns then
/// never regrow, which copied each column's values and left up to half of their memory unused: the 500,000-row
/// answer with all of SigninLogs' columns peaked at 3.1× its JSON size). Found from each `]` (a byte search that
/// reads a word at a time: substring searches, this one and a scan for `\u` escapes, took a fifth of a large answer's
/// read in wasm, which has no SIMD). A dynamic value written as JSON text may hold `],[` too, so the count is capped
/// by [`row_capacity`]; a low count costs only a regrowth. Small responses get
/// no hint. Above [`SAMPLED_FROM`] bytes the separators are counted in [`SAMPLES`] evenly spaced windows and scaled
/// to the whole text, with 1/16 more for rows shorter than the sampled ones ([`rows_in_samples`]): counting all of a
/// 771 MB answer's `]` (SigninLogs' dynamic columns hold many `[]`) was ~5 % of its read (issue #16).
fn rows_hint(bytes: &[u8]) -> usize {
    if bytes.len() < 1 << 20 {
        return 0;
    }
    if bytes.len() < SAMPLED_FROM {
        return row_separators(bytes) + 1;
    }
    rows_in_samples(bytes, SAMPLES, SAMPLE_BYTES)
}

/// The bytes of text a cell has at the least, as far as the columns' capacity goes ([`row_capacity`]): the widest
/// cell a builder stores is 16 bytes (a string's view, an optional long, real or datetime).
const MIN_CELL_BYTES: usize = 16;

/// The rows each of `cols` columns takes as its capacity, from the row count `hint` of a `bytes`-long text: at most one
/// row per [`MIN_CELL_BYTES`] of text a column, so all the columns reserve no more memory than the text's size. A
/// dynamic value written as JSON text may hold `],[`, and text full of them would otherwise have the columns reserve
/// up to 4× the text: beyond the memory `room::check_room` counted on, a failed allocation, which stops the wasm
/// module. Real answers have more text a cell (the Tour's 26 bytes, the large bench's 20–29); a text with less gets a
/// lower capacity and its columns regrow.
fn row_capacity(hint: usize, bytes: usize, cols: usize) -> usize {
    hint.min(bytes / MIN_CELL_BYTES.saturating_mul(cols.max(1)))
}

/// The size from which [`rows_hint`] counts in samples (the samples are then at most 1/64 of the text).
const SAMPLED_FROM: usize = 64 << 20;
const SAMPLES: usize = 32;
const SAMPLE_BYTES: usize = 32 << 10;

fn row_separators(bytes: &[u8]) -> usize {
    memchr::memchr_iter(b']', bytes).filter(|&i| bytes.get(i + 1..i + 3) == Some(b",[")).count()
}

/// The row separators in `samples` windows of `window` bytes spread evenly over `bytes`, scaled to its length, plus
/// 1/16 (and one). Needs `samples * window <= bytes.len()`.
fn rows_in_samples(bytes: &[u8], samples: usize, window: usize) -> usize {
    let step = bytes.len() / samples.max(1);
    let seen: usize = (0..samples).map(|k| row_separators(&bytes[k * step..(k * step + window).min(bytes.len())])).sum();
    let scaled = (seen as u128 * bytes.len() as u128 / (samples * window).max(1) as u128) as usize;
    scaled.saturating_add(scaled / 16).saturating_add(1)
}

/// JSON text with every lone UTF-16 surrogate escape (`\ud800` without its pair, or a stray `\udc00`) replaced by
/// `\ufffd`, and how many there were. serde_json refuses such escapes, which would lose a whole response to one
/// attacker-planted string; Kusto writes them for strings that hold unpaired surrogates. Borrows when there are none.
pub(crate) fn repair_lone_surrogates(bytes: &[u8]) -> (std::borrow::Cow<'_, [u8]>, usize) {
    fn escape_at(b: &[u8], i: usize) -> Option<u16> {
        let hex = b.get(i..i + 6)?;
        if hex[0] != b'\\' || hex[1] != b'u' {
            return None;
        }
        u16::from_str_radix(std::str::from_utf8(&hex[2..6]).ok()?, 16).ok()
    }
    let mut out: Option<Vec<u8>> = None;
    let mut count = 0;
    let mut copied = 0;
    let mut next = 0; // escapes before this were read already (the second half of a pair)
    // only `\u` can be a surrogate: a substring search skips the many other escapes (`\"` in dynamic values)
    for i in memchr::memmem::find_iter(bytes, b"\\u") {
        // a real escape when an odd run of backslashes ends here (`\\u` is a backslash, then the letter u)
        let run = bytes[..=i].iter().rev().take_while(|&&b| b == b'\\').count();
        if i < next || run % 2 == 0 {
            continue;
        }
        let Some(unit) = escape_at(bytes, i) else { continue };
        let high = (0xD800..0xDC00).contains(&unit);
        let low = (0xDC00..0xE000).contains(&unit);
        if high && escape_at(bytes, i + 6).is_some_and(|u| (0xDC00..0xE000).contains(&u)) {
            next = i + 12;
            continue;
        }
        if high || low {
            let o = out.get_or_insert_with(|| Vec::with_capacity(bytes.len()));
            o.extend_from_slice(&bytes[copied..i]);
            o.extend_from_slice(b"\\ufffd");
            count += 1;
            copied = i + 6;
        }
        next = i + 6;
    }
    match out {
        None => (std::borrow::Cow::Borrowed(bytes), 0),
        Some(mut o) => {
            o.extend_from_slice(&bytes[copied..]);
            (std::borrow::Cow::Owned(o), count)
        }
    }
}

#[cfg(test)]
mod surrogate_tests {
    use super::*;

    #[test]
    fn lone_surrogates_become_replacement_characters_and_pairs_stay() {
        let text = br#"{"tables":[{"name":"T","columns":[{"name":"s","type":"string"}],"rows":[["a\ud800b"],["\udc00"],["\ud83d\ude00"],["\\ud800"],["x\ud800"]]}]}"#;
        let (fixed, n) = repair_lone_surrogates(text);
        assert_eq!(n, 3);
        let r = parse_response(text).unwrap();
        let t = &r.tables[0];
        let col = t.df().column("s").unwrap().str().unwrap();
        let v: Vec<&str> = col.into_no_null_iter().collect();
        assert_eq!(v, vec!["a\u{fffd}b", "\u{fffd}", "\u{1f600}", "\\ud800", "x\u{fffd}"]);
        assert!(t.notes.iter().any(|n| n.contains("3 lone UTF-16 surrogate")), "{:?}", t.notes);
        assert!(std::str::from_utf8(&fixed).is_ok());
        // nothing to repair: borrowed, no note
        let ok = br#"{"tables":[{"name":"T","columns":[{"name":"s","type":"string"}],"rows":[["\ud83d\ude00"]]}]}"#;
        assert!(matches!(repair_lone_surrogates(ok), (std::borrow::Cow::Borrowed(_), 0)));
        assert!(parse_response(ok).unwrap().tables[0].notes.is_empty());
        // a run of backslashes: odd before u is an escape (a backslash, then a lone surrogate), even is text
        let runs = br#"{"tables":[{"name":"T","columns":[{"name":"s","type":"string"}],"rows":[["\\\ud800"],["\\\\ud800"],["\u0041\ud83d\ude00\\"]]}]}"#;
        let v: Vec<String> = parse_response(runs).unwrap().tables[0].df().column("s").unwrap().str().unwrap()
            .into_no_null_iter().map(String::from).collect();
        assert_eq!(v, ["\\\u{fffd}", "\\\\ud800", "A\u{1f600}\\"]);
        // inside arrays/objects of dynamic cells (their members are read as raw text): repaired cell by cell, noted
        let bags = br#"{"tables":[{"name":"T","columns":[{"name":"d","type":"dynamic"}],"rows":[[{"a":"x\ud800"}],[["\udc00",1]],[{"b":2}]]}]}"#;
        let t = parse_response(bags).unwrap().tables.remove(0);
        let v: Vec<&str> = t.df().column("d").unwrap().str().unwrap().into_no_null_iter().collect();
        assert_eq!(v, ["{\"a\":\"x\u{fffd}\"}", "[\"\u{fffd}\",1]", "{\"b\":2}"]);
        assert_eq!(
            t.notes,
            ["column 'd': 2 lone UTF-16 surrogate escape(s) in arrays/objects (not valid text) were read as U+FFFD"]
        );
        // in a key (read as text by serde): the whole response is repaired and read again
        let key = br#"{"tables":[{"name":"T","columns":[{"name":"d","type":"dynamic"}],"rows":[[{"\ud800":1}]]}]}"#;
        let t = parse_response(key).unwrap().tables.remove(0);
        assert_eq!(t.df().column("d").unwrap().str().unwrap().get(0), Some("{\"\u{fffd}\":1}"));
        assert!(t.notes[0].starts_with("1 lone UTF-16 surrogate escape(s) in the response"), "{:?}", t.notes);
        // truncated escape at the end stays for serde to report
        assert_eq!(repair_lone_surrogates(br#""\ud8"#).1, 0);
    }
}

/// Reads a service error object (`{"code","message","innererror":{…},"details":[…]}`) with its nested messages.
pub fn service_error(v: &serde_json::Value) -> ServiceError {
    let text = |v: &serde_json::Value, k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string();
    let mut details = Vec::new();
    collect_inner(v, &mut details, 0);
    ServiceError {
        code: text(v, "code"),
        message: text(v, "message"),
        details,
    }
}

fn collect_inner(v: &serde_json::Value, out: &mut Vec<String>, depth: usize) {
    if depth > 16 {
        return;
    }
    if let Some(details) = v.get("details").and_then(|d| d.as_array()) {
        for d in details.iter().take(20) {
            push_message(d, out);
            if let Some(inner) = d.get("innererror") {
                push_message(inner, out);
                collect_inner(inner, out, depth + 1);
            }
        }
    }
    if let Some(inner) = v.get("innererror") {
        push_message(inner, out);
        collect_inner(inner, out, depth + 1);
    }
}

fn push_message(m: &serde_json::Value, out: &mut Vec<String>) {
    if let Some(msg) = m.get("message").and_then(|x| x.as_str()) {
        if !msg.is_empty() && out.last().map(String::as_str) != Some(msg) {
            out.push(msg.to_string());
        }
    }
}

struct RawResponse {
    tables: Option<Vec<RawTable>>,
    error: Option<serde_json::Value>,
}

impl<'de> Deserialize<'de> for RawResponse {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawResponse;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object with 'tables'")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<RawResponse, A::Error> {
                let mut out = RawResponse { tables: None, error: None };
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    match key.as_ref() {
                        "tables" | "Tables" => out.tables = Some(map.next_value::<Vec<RawTable>>()?),
                        "error" => out.error = Some(map.next_value()?),
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(out)
            }
        }
        d.deserialize_map(V)
    }
}

/// A table while it is being read: its columns (if seen) and its rows, either already in builders (when the
/// columns came first, as they do on the wire) or buffered until the columns are known.
pub struct RawTable {
    name: String,
    columns: Option<Vec<(String, LaType)>>,
    builders: Option<Vec<ColumnBuilder>>,
    buffered_rows: Option<Vec<Vec<serde_json::Value>>>,
    rows: usize,
    ragged: usize,
}

#[derive(Deserialize)]
struct WireColumn {
    #[serde(alias = "ColumnName")]
    name: String,
    #[serde(alias = "ColumnType", alias = "DataType", default)]
    r#type: String,
}

impl<'de> Deserialize<'de> for RawTable {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawTable;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a table object with 'name', 'columns' and 'rows'")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<RawTable, A::Error> {
                let mut t = RawTable {
                    name: String::new(),
                    columns: None,
                    builders: None,
                    buffered_rows: None,
                    rows: 0,
                    ragged: 0,
                };
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    match key.as_ref() {
                        "name" | "TableName" => t.name = map.next_value()?,
                        "columns" | "Columns" => {
                            let cols: Vec<WireColumn> = map.next_value()?;
                            let cols: Vec<(String, LaType)> =
                                cols.into_iter().map(|c| (c.name, LaType::from_wire(&c.r#type))).collect();
                            // the first table with columns takes the response's row count hint (then it is 0)
                            let (hint, bytes) = ROWS_HINT.with(|h| h.replace((0, 0)));
                            let hint = row_capacity(hint, bytes, cols.len());
                            t.builders = Some(cols.iter().map(|(n, k)| ColumnBuilder::new(n, *k, hint)).collect());
                            t.columns = Some(cols);
                        }
                        "rows" | "Rows" => match t.builders.as_mut() {
                            Some(builders) => {
                                let (rows, ragged) = map.next_value_seed(RowsSeed { builders })?;
                                t.rows = rows;
                                t.ragged = ragged;
                            }
                            None => t.buffered_rows = Some(map.next_value()?),
                        },
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(t)
            }
        }
        d.deserialize_map(V)
    }
}

impl RawTable {
    pub fn finish(mut self) -> Result<Frame> {
        let columns = self.columns.take().ok_or_else(|| {
            Error::parse(format!("table '{}'", self.name), "it has no 'columns' list")
        })?;
        let mut builders = self.builders.take().unwrap_or_default();
        if let Some(rows) = self.buffered_rows.take() {
            for row in &rows {
                if row.len() != builders.len() {
                    self.ragged += 1;
                }
                for (b, v) in builders.iter_mut().zip(row) {
                    b.push_value(v);
                }
                self.rows += 1;
                for b in builders.iter_mut() {
                    b.pad_to(self.rows);
                }
            }
        }
        let mut notes = Vec::new();
        if self.ragged > 0 {
            notes.push(format!(
                "{} row(s) did not have one value per column ({} columns); missing values are null, extra ones dropped",
                self.ragged,
                columns.len()
            ));
        }
        notes.extend(builders.iter().filter_map(ColumnBuilder::rejection_note));
        notes.extend(builders.iter().filter_map(ColumnBuilder::deep_note));
        notes.extend(builders.iter().filter_map(ColumnBuilder::lone_surrogate_note));
        let cols: Vec<Column> = builders.into_iter().map(ColumnBuilder::finish).collect();
        let df = DataFrame::new(self.rows, cols).map_err(|e| Error::parse(format!("table '{}'", self.name), e))?;
        let mut frame = Frame::new(self.name, df);
        for (name, kind) in &columns {
            frame.set_la_type(name, *kind);
        }
        frame.notes = notes;
        Ok(frame)
    }
}

/// Streams the `rows` array into the builders; returns (row count, ragged row count).
struct RowsSeed<'a> {
    builders: &'a mut Vec<ColumnBuilder>,
}

impl<'de> DeserializeSeed<'de> for RowsSeed<'_> {
    type Value = (usize, usize);
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for RowsSeed<'_> {
    type Value = (usize, usize);
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of rows")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Self::Value, A::Error> {
        let (mut rows, mut ragged) = (0usize, 0usize);
        while let Some(ok) = seq.next_element_seed(RowSeed { builders: &mut *self.builders })? {
            rows += 1;
            if !ok {
                ragged += 1;
                for b in self.builders.iter_mut() {
                    b.pad_to(rows);
                }
            }
        }
        Ok((rows, ragged))
    }
}

/// One row: its cells go to the builders in order. Returns whether it had exactly one cell per column.
struct RowSeed<'a> {
    builders: &'a mut Vec<ColumnBuilder>,
}

impl<'de> DeserializeSeed<'de> for RowSeed<'_> {
    type Value = bool;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<bool, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for RowSeed<'_> {
    type Value = bool;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a row (an array of values)")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<bool, A::Error> {
        let mut i = 0;
        let mut extra = false;
        loop {
            match self.builders.get_mut(i) {
                Some(b) => match seq.next_element_seed(CellSeed(b))? {
                    Some(()) => i += 1,
                    None => break,
                },
                None => {
                    if seq.next_element::<IgnoredAny>()?.is_none() {
                        break;
                    }
                    extra = true;
                }
            }
        }
        Ok(i == self.builders.len() && !extra)
    }
}

/// One cell, pushed into its column's builder whatever JSON type it has.
struct CellSeed<'a>(&'a mut ColumnBuilder);

impl<'de> DeserializeSeed<'de> for CellSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for CellSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a cell value")
    }
    fn visit_unit<E: de::Error>(self) -> std::result::Result<(), E> {
        self.0.push_null();
        Ok(())
    }
    fn visit_none<E: de::Error>(self) -> std::result::Result<(), E> {
        self.0.push_null();
        Ok(())
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> std::result::Result<(), E> {
        self.0.push_bool(v);
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<(), E> {
        self.0.push_i64(v);
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<(), E> {
        self.0.push_u64(v);
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<(), E> {
        self.0.push_f64(v);
        Ok(())
    }
    /// A string (what Log Analytics sends for every dynamic value too): unescaped once, by serde, as it is read.
    fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<(), E> {
        self.0.push_str(v);
        Ok(())
    }
    // An array or object (Data Explorer's dynamic values) may nest deeper than serde_json (or a wasm stack) can
    // recurse: its members are read as raw text (serde_json skips a value without recursing) and the cell's text
    // put back together, which the builder parses if it is shallow enough, else keeps as text. One hostile cell
    // must not lose the whole response.
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        let mut text = String::from("[");
        while let Some(item) = seq.next_element::<&'de serde_json::value::RawValue>()? {
            if text.len() > 1 {
                text.push(',');
            }
            text.push_str(item.get());
        }
        text.push(']');
        self.0.push_raw_json(&text);
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        let mut text = String::from("{");
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value::<&'de serde_json::value::RawValue>()?;
            if text.len() > 1 {
                text.push(',');
            }
            text.push_str(&serde_json::Value::from(key).to_string());
            text.push(':');
            text.push_str(value.get());
        }
        text.push('}');
        self.0.push_raw_json(&text);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_type() {
        let json = br#"{"tables":[{"name":"PrimaryResult","columns":[
            {"name":"t","type":"datetime"},{"name":"i","type":"int"},{"name":"l","type":"long"},
            {"name":"r","type":"real"},{"name":"b","type":"bool"},{"name":"s","type":"string"},
            {"name":"g","type":"guid"},{"name":"ts","type":"timespan"},{"name":"d","type":"dynamic"},
            {"name":"dec","type":"decimal"}],
          "rows":[["2021-06-30T00:18:34.4563041Z",1,9007199254740993,"NaN",true,"x","7a0a3e4f-1b2c-4d5e-8f90-a1b2c3d4e5f6","1.00:00:01","{\"a\":[1,2]}","1.25"],
                  [null,null,null,null,null,"",null,null,{"nested":true},null]]}]}"#;
        let res = parse_response(json).unwrap();
        let f = res.primary().unwrap();
        assert_eq!(f.height(), 2);
        let types: Vec<_> = f.schema().into_iter().map(|(_, t)| t.wire_name()).collect();
        assert_eq!(types, ["datetime", "int", "long", "real", "bool", "string", "guid", "timespan", "dynamic", "decimal"]);
        let df = f.df();
        assert_eq!(df.column("l").unwrap().i64().unwrap().get(0), Some(9_007_199_254_740_993));
        assert!(df.column("r").unwrap().f64().unwrap().get(0).unwrap().is_nan());
        assert_eq!(
            df.column("t").unwrap().datetime().unwrap().phys.get(0),
            Some(1_625_012_314_456_304_100)
        );
        assert_eq!(df.column("ts").unwrap().duration().unwrap().phys.get(0), Some(86_401_000_000_000));
        assert_eq!(df.column("d").unwrap().str().unwrap().get(1), Some(r#"{"nested":true}"#));
        assert_eq!(df.column("s").unwrap().str().unwrap().get(1), Some(""));
        assert!(f.notes.is_empty(), "{:?}", f.notes);
    }

    #[test]
    fn partial_error_is_kept_beside_the_table() {
        let json = br#"{"tables":[{"name":"PrimaryResult","columns":[{"name":"x","type":"long"}],"rows":[[1]]}],
            "error":{"code":"PartialError","message":"There were some errors when processing your query.",
            "details":[{"code":"EngineError","message":"Something went wrong processing your query on the server.",
            "innererror":{"code":"-2133196797","message":"The results of this query exceed the set limit of 64000000 bytes"}}]}}"#;
        let res = parse_response(json).unwrap();
        assert_eq!(res.tables[0].height(), 1);
        let e = res.error.unwrap();
        assert_eq!(e.code, "PartialError");
        assert_eq!(e.innermost(), "The results of this query exceed the set limit of 64000000 bytes");
    }

    #[test]
    fn bad_values_and_ragged_rows_are_noted_not_dropped() {
        let json = br#"{"tables":[{"name":"T","columns":[{"name":"n","type":"long"},{"name":"s","type":"string"}],
            "rows":[["12","a"],["zebra","b"],[3],[4,"d","extra"]]}]}"#;
        let f = parse_response(json).unwrap().tables.remove(0);
        assert_eq!(f.height(), 4);
        let n: Vec<_> = f.df().column("n").unwrap().i64().unwrap().into_iter().collect();
        assert_eq!(n, [Some(12), None, Some(3), Some(4)]);
        let s: Vec<_> = f.df().column("s").unwrap().str().unwrap().into_iter().collect();
        assert_eq!(s, [Some("a"), Some("b"), None, Some("d")]);
        assert_eq!(f.notes.len(), 2, "{:?}", f.notes);
        assert!(f.notes.iter().any(|n| n.contains("'zebra'")));
    }

    #[test]
    fn every_cell_lands_in_its_row_and_column_among_escapes_arrays_and_ragged_rows() {
        // 1,500 rows of 3 columns: escaped strings (serde lends them unescaped only for the call), arrays put back
        // together as text, a short row and a long one: each cell must land in its row and column
        let rows: Vec<String> = (0..1500)
            .map(|i| match i {
                1000 => r#"["short"]"#.to_string(),
                1200 => r#"["long",1200,"[1200]","extra"]"#.to_string(),
                _ if i % 7 == 0 => format!(r#"["q\"{i}\"",{i},[{i},"x"]]"#),
                _ => format!(r#"["s{i}",{i},"{{\"k\":{i}}}"]"#),
            })
            .collect();
        let json = format!(
            r#"{{"tables":[{{"name":"T","columns":[{{"name":"s","type":"string"}},{{"name":"n","type":"long"}},{{"name":"d","type":"dynamic"}}],"rows":[{}]}}]}}"#,
            rows.join(",")
        );
        let f = parse_response(json.as_bytes()).unwrap().tables.remove(0);
        assert_eq!(f.height(), 1500);
        let df = f.df();
        let s = df.column("s").unwrap().str().unwrap();
        let n = df.column("n").unwrap().i64().unwrap();
        let d = df.column("d").unwrap().str().unwrap();
        for i in [0usize, 1, 511, 512, 513, 700, 1023, 1024, 1499] {
            let (want_s, want_d) = if i % 7 == 0 {
                (format!("q\"{i}\""), format!(r#"[{i},"x"]"#))
            } else {
                (format!("s{i}"), format!(r#"{{"k":{i}}}"#))
            };
            assert_eq!(s.get(i), Some(want_s.as_str()), "row {i}");
            assert_eq!(n.get(i), Some(i as i64), "row {i}");
            assert_eq!(d.get(i), Some(want_d.as_str()), "row {i}");
        }
        assert_eq!((s.get(1000), n.get(1000), d.get(1000)), (Some("short"), None, None));
        assert_eq!((s.get(1200), n.get(1200), d.get(1200)), (Some("long"), Some(1200), Some("[1200]")));
        assert_eq!(f.notes.len(), 1, "{:?}", f.notes);
        assert!(f.notes[0].starts_with("2 row(s) did not have one value per column"), "{:?}", f.notes);
    }

    #[test]
    fn rows_before_columns_still_read() {
        let json = br#"{"tables":[{"rows":[[1,"a"]],"name":"T","columns":[{"name":"n","type":"long"},{"name":"s","type":"string"}]}]}"#;
        let f = parse_response(json).unwrap().tables.remove(0);
        assert_eq!(f.height(), 1);
        assert_eq!(f.df().column("s").unwrap().str().unwrap().get(0), Some("a"));
    }

    #[test]
    fn dynamic_cells_nested_10000_deep_are_kept_as_text_with_a_note() {
        // Issue #14: a dynamic cell that nests 10,000 arrays (as a JSON tree on the wire, or as JSON text in a
        // string) must not lose the response; run on a thread with wasm's 1 MiB stack.
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let bag = format!("{}1{}", r#"{"a":"#.repeat(10_000), "}".repeat(10_000));
        let text = serde_json::to_string(&deep).unwrap();
        let json = format!(
            r#"{{"tables":[{{"name":"T","columns":[{{"name":"n","type":"long"}},{{"name":"d","type":"dynamic"}}],
            "rows":[[1,{{"a":[1,2]}}],[2,{deep}],[3,{text}],[4,{bag}],[5,"x"],[6,null],[7,[[[1]]]]]}}]}}"#
        );
        let f = std::thread::Builder::new()
            .stack_size(1 << 20)
            .spawn(move || parse_response(json.as_bytes()).map_err(|e| e.to_string()))
            .unwrap()
            .join()
            .unwrap()
            .unwrap()
            .tables
            .remove(0);
        assert_eq!(f.height(), 7);
        let d: Vec<Option<&str>> = f.df().column("d").unwrap().str().unwrap().into_iter().collect();
        assert_eq!(d[0], Some(r#"{"a":[1,2]}"#));
        assert_eq!(d[1], Some(deep.as_str()));
        assert_eq!(d[2], Some(deep.as_str()));
        assert_eq!(d[3], Some(bag.as_str()));
        assert_eq!(&d[4..], [Some("x"), None, Some("[[[1]]]")]);
        let n: Vec<Option<i64>> = f.df().column("n").unwrap().i64().unwrap().into_iter().collect();
        assert_eq!(n, (1..=7).map(Some).collect::<Vec<_>>());
        // the tree cells are noted (the text cell was a string on the wire: stored as it came, as every dynamic
        // string is)
        assert_eq!(
            f.notes,
            ["column 'd': 2 value(s) nest arrays/objects more than 100 levels deep (first at row 1); kept as their \
              JSON text, not parsed (paths into them read as null)"]
        );
        // 100 levels are parsed (and written back compactly); 101 kept as text
        let ok = format!("{} 1 {}", "[".repeat(100), "]".repeat(100));
        let over = format!("{}1{}", "[".repeat(101), "]".repeat(101));
        let json = format!(r#"{{"tables":[{{"name":"T","columns":[{{"name":"d","type":"dynamic"}}],"rows":[[{ok}],[{over}]]}}]}}"#);
        let f = parse_response(json.as_bytes()).unwrap().tables.remove(0);
        let d: Vec<Option<&str>> = f.df().column("d").unwrap().str().unwrap().into_iter().collect();
        assert_eq!(d, [Some(ok.replace(' ', "").as_str()), Some(over.as_str())]);
        assert_eq!(f.notes.len(), 1);
        assert!(f.notes[0].contains("1 value(s)") && f.notes[0].contains("row 1"), "{:?}", f.notes);
    }

    #[test]
    fn a_large_response_is_read_with_its_row_count_as_capacity_and_the_same_values() {
        // > 1 MiB, so the row hint is used; dynamic text holding "],[" makes the count high, never the table wrong
        let rows: Vec<String> = (0..40_000)
            .map(|i| format!(r#"["u{i}@contoso.com",{i},"[[1],[2]]",{}]"#, if i % 3 == 0 { "null" } else { "1.5" }))
            .collect();
        let json = format!(
            r#"{{"tables":[{{"name":"T","columns":[{{"name":"u","type":"string"}},{{"name":"n","type":"long"}},{{"name":"d","type":"dynamic"}},{{"name":"r","type":"real"}}],"rows":[{}]}}]}}"#,
            rows.join(",")
        );
        assert!(json.len() > 1 << 20);
        assert_eq!(rows_hint(json.as_bytes()), 80_000, "40,000 row separators plus 40,000 inside the dynamic text");
        assert_eq!(rows_hint(br#"{"tables":[]}"#), 0, "small responses get no hint");
        // counted in samples (as from 64 MiB), the estimate is within 1/16 above the count of the whole text
        let sampled = rows_in_samples(json.as_bytes(), 32, 8 << 10);
        assert!((80_001..=80_000 * 17 / 16 + 1_000).contains(&sampled), "{sampled}");
        // a text whose every cell is `],[` repeated: the hint counts them all, the capacity stays within the text's size
        let hostile = format!(r#"{{"tables":[{{"name":"T","columns":[{{"name":"d","type":"dynamic"}}],"rows":[["{}"]]}}]}}"#, "],[".repeat(1 << 19));
        let hint = rows_hint(hostile.as_bytes());
        assert_eq!(hint, (1 << 19) + 1);
        assert_eq!(row_capacity(hint, hostile.len(), 1), hostile.len() / 16);
        assert!(row_capacity(usize::MAX, 1 << 30, 78) * 78 * 16 <= 1 << 30);
        assert_eq!(row_capacity(531_330, 771_127_511, 78), 531_330, "the large bench's 78-column answer keeps its hint");
        assert_eq!(parse_response(hostile.as_bytes()).unwrap().tables[0].height(), 1);
        let f = parse_response(json.as_bytes()).unwrap().tables.remove(0);
        assert_eq!(f.height(), 40_000);
        let df = f.df();
        assert_eq!(df.column("u").unwrap().str().unwrap().get(39_999), Some("u39999@contoso.com"));
        assert_eq!(df.column("n").unwrap().i64().unwrap().sum(), Some((0..40_000i64).sum()));
        assert_eq!(df.column("d").unwrap().str().unwrap().get(7), Some("[[1],[2]]"));
        assert_eq!(df.column("r").unwrap().f64().unwrap().null_count(), 13_334);
        assert!(f.notes.is_empty(), "{:?}", f.notes);
        // the hint is used once: a second read sees none left over
        assert_eq!(ROWS_HINT.with(|h| h.get()), (0, 0));
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for bad in [&b"not json"[..], b"{}", b"[1,2]", b"{\"tables\":[{\"name\":\"x\"}]}", b"{\"tables\":5}", b""] {
            assert!(parse_response(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
    }
}
