//! Bindings of [`crate::frame`]: the `Frame`, `TableSet` and `LocalData` (a [`Tables`] catalog) classes.

use wasm_bindgen::prelude::*;

use super::{js_err, json_of, JsResult};
use crate::time::from_ms;
use crate::frame::html::{to_html, HtmlOptions};
use crate::frame::text::{read_tables, TableFormat};
use crate::frame::{arrow, dynamic, rows, Frame, QueryResult};
use crate::frame::Tables;


/// A table held in wasm memory. The JS `DataFrame` class wraps it.
#[wasm_bindgen(js_name = Frame)]
pub struct WasmFrame {
    inner: Frame,
}

impl From<Frame> for WasmFrame {
    fn from(inner: Frame) -> Self {
        WasmFrame { inner }
    }
}

impl WasmFrame {
    /// The core table (for the other binding modules).
    pub(crate) fn inner(&self) -> &Frame {
        &self.inner
    }
}

fn strings(v: &JsValue, what: &str) -> JsResult<Vec<String>> {
    match json_of(v)? {
        serde_json::Value::String(s) => Ok(vec![s]),
        serde_json::Value::Array(a) => a
            .into_iter()
            .map(|x| match x {
                serde_json::Value::String(s) => Ok(s),
                other => Err(JsError::new(&format!("{what}: expected column names, got {other}"))),
            })
            .collect(),
        other => Err(JsError::new(&format!("{what}: expected a column name or a list of them, got {other}"))),
    }
}

#[wasm_bindgen(js_class = Frame)]
impl WasmFrame {
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> String {
        self.inner.name.clone()
    }

    #[wasm_bindgen(getter)]
    pub fn height(&self) -> usize {
        self.inner.height()
    }

    #[wasm_bindgen(getter)]
    pub fn width(&self) -> usize {
        self.inner.width()
    }

    #[wasm_bindgen(getter)]
    pub fn columns(&self) -> Vec<String> {
        self.inner.column_names()
    }

    /// `[[name, type], …]` with Log Analytics type names, as JSON text.
    #[wasm_bindgen(js_name = schemaJSON)]
    pub fn schema_json(&self) -> String {
        schema_json(self.inner.schema())
    }

    /// Notes from the reader or service (partial errors, values that became null).
    #[wasm_bindgen(getter)]
    pub fn notes(&self) -> Vec<String> {
        self.inner.notes.clone()
    }

    /// The service's message when this table is a partial result, else `undefined`.
    #[wasm_bindgen(getter)]
    pub fn partial(&self) -> Option<String> {
        self.inner.partial.clone()
    }

    /// Marks this table partial with `message` (or whole again with `undefined`).
    #[wasm_bindgen(js_name = setPartial)]
    pub fn set_partial(&mut self, message: Option<String>) {
        self.inner.partial = message;
    }

    /// Arrow IPC stream bytes (LargeUtf8 strings; millisecond timestamps unless `full_precision`).
    #[wasm_bindgen(js_name = toIPC)]
    pub fn to_ipc(&self, full_precision: bool) -> JsResult<Vec<u8>> {
        let precision = if full_precision { arrow::TimePrecision::Full } else { arrow::TimePrecision::Milliseconds };
        arrow::to_ipc_stream(&self.inner, precision).map_err(js_err)
    }

    /// JSON text of rows `offset..offset+len`.
    #[wasm_bindgen(js_name = rowsJSON)]
    pub fn rows_json(&self, offset: usize, len: usize) -> JsResult<String> {
        rows::to_json_rows_checked(&self.inner, offset, len).map_err(js_err)
    }

    /// An escaped HTML table of the first `max_rows` rows.
    #[wasm_bindgen(js_name = toHTML)]
    pub fn to_html(&self, max_rows: usize, max_cell_chars: usize) -> String {
        to_html(&self.inner, &HtmlOptions { max_rows, max_cell_chars })
    }

    pub fn head(&self, n: usize) -> WasmFrame {
        self.inner.head(n).into()
    }

    pub fn slice(&self, offset: usize, len: usize) -> WasmFrame {
        self.inner.slice(offset, len).into()
    }

    pub fn select(&self, columns: JsValue) -> JsResult<WasmFrame> {
        let cols = strings(&columns, "select")?;
        self.inner.select(&cols).map(Into::into).map_err(js_err)
    }

    #[wasm_bindgen(js_name = filterEq)]
    pub fn filter_eq(&self, column: &str, value: JsValue) -> JsResult<WasmFrame> {
        self.inner.filter_eq(column, &json_of(&value)?).map(Into::into).map_err(js_err)
    }

    #[wasm_bindgen(js_name = filterIn)]
    pub fn filter_in(&self, column: &str, values: JsValue) -> JsResult<WasmFrame> {
        let values = match json_of(&values)? {
            serde_json::Value::Array(a) => a,
            one => vec![one],
        };
        self.inner.filter_isin(column, &values).map(Into::into).map_err(js_err)
    }

    #[wasm_bindgen(js_name = groupCount)]
    pub fn group_count(&self, by: JsValue) -> JsResult<WasmFrame> {
        let by = strings(&by, "groupBy")?;
        self.inner.group_count(&by).map(Into::into).map_err(js_err)
    }

    #[wasm_bindgen(js_name = valueCounts)]
    pub fn value_counts(&self, column: &str) -> JsResult<WasmFrame> {
        self.inner.value_counts(column).map(Into::into).map_err(js_err)
    }

    /// Renames columns: `{old: new, …}`.
    pub fn rename(&self, mapping: JsValue) -> JsResult<WasmFrame> {
        let serde_json::Value::Object(map) = json_of(&mapping)? else {
            return Err(JsError::new("rename takes an object {oldName: newName}"));
        };
        let mut pairs = Vec::new();
        for (k, v) in map {
            let serde_json::Value::String(new) = v else {
                return Err(JsError::new(&format!("rename: the new name for '{k}' must be a string")));
            };
            pairs.push((k, new));
        }
        self.inner.rename(&pairs).map(Into::into).map_err(js_err)
    }

    #[wasm_bindgen(js_name = withConstant)]
    pub fn with_constant(&self, name: &str, value: JsValue) -> JsResult<WasmFrame> {
        self.inner.with_constant(name, &json_of(&value)?).map(Into::into).map_err(js_err)
    }

    #[wasm_bindgen(js_name = addTime)]
    pub fn add_time(&self, name: &str, base: &str, offset: JsValue) -> JsResult<WasmFrame> {
        self.inner.add_time(name, base, &json_of(&offset)?).map(Into::into).map_err(js_err)
    }

    pub fn sort(&self, by: JsValue, descending: bool) -> JsResult<WasmFrame> {
        let by = strings(&by, "sort")?;
        self.inner.sort(&by, descending).map(Into::into).map_err(js_err)
    }

    #[wasm_bindgen(js_name = dynamicPath)]
    pub fn dynamic_path(&self, column: &str, path: &str, name: &str) -> JsResult<WasmFrame> {
        dynamic::extract_path(&self.inner, column, path, name).map(Into::into).map_err(js_err)
    }

    /// Every datetime moved so the newest `TimeGenerated` (else the newest datetime) is `now_ms`.
    #[wasm_bindgen(js_name = shiftToNow)]
    pub fn shift_to_now(&self, now_ms: f64) -> JsResult<WasmFrame> {
        let mut frames = [self.inner.clone()];
        crate::demo::shift_to_now(&mut frames, from_ms(now_ms).map_err(js_err)?).map_err(js_err)?;
        let [f] = frames;
        Ok(f.into())
    }

    #[wasm_bindgen(js_name = withName)]
    pub fn with_name(&self, name: &str) -> WasmFrame {
        let mut f = self.inner.clone();
        f.name = name.to_string();
        f.into()
    }
}

/// The tables a response or a file held, and the service's error if it reported one beside them.
#[wasm_bindgen(js_name = TableSet)]
pub struct WasmTableSet {
    inner: QueryResult,
}

impl From<QueryResult> for WasmTableSet {
    fn from(inner: QueryResult) -> Self {
        WasmTableSet { inner }
    }
}

#[wasm_bindgen(js_class = TableSet)]
impl WasmTableSet {
    #[wasm_bindgen(getter)]
    pub fn length(&self) -> usize {
        self.inner.tables.len()
    }

    pub fn table(&self, i: usize) -> JsResult<WasmFrame> {
        self.inner
            .tables
            .get(i)
            .cloned()
            .map(Into::into)
            .ok_or_else(|| JsError::new(&format!("no table {i}: there are {}", self.inner.tables.len())))
    }

    /// `{code, message, innermost, details}` as JSON text, or `undefined` when the service reported no error.
    #[wasm_bindgen(js_name = errorJSON)]
    pub fn error_json(&self) -> Option<String> {
        self.inner.error.as_ref().map(|e| {
            serde_json::json!({"code": e.code, "message": e.message, "innermost": e.innermost(), "details": e.details})
                .to_string()
        })
    }
}

/// `[[name, type], …]` with Log Analytics type names, as JSON text.
fn schema_json(schema: Vec<(String, crate::frame::LaType)>) -> String {
    let pairs: Vec<(String, &str)> = schema.into_iter().map(|(n, t)| (n, t.wire_name())).collect();
    serde_json::to_string(&pairs).unwrap_or_else(|_| "[]".into())
}

/// Reads tables from bytes: a Log Analytics response, JSON rows or CSV (`format`: "la", "json", "csv", or a file
/// name to take the extension from; sniffed from the content when not given).
#[wasm_bindgen(js_name = readTables)]
pub fn read_tables_js(bytes: &[u8], name: &str, format: Option<String>) -> JsResult<WasmTableSet> {
    let fmt = match format.as_deref() {
        Some("json") | Some("jsonrows") => Some(TableFormat::JsonRows),
        Some(f) => TableFormat::from_name(f),
        None => None,
    };
    read_tables(bytes, name, fmt).map(|inner| WasmTableSet { inner }).map_err(js_err)
}

/// `frame::room::check_room` for `len` bytes still to be copied into wasm memory (`readTables` asks before the copy,
/// which would itself trap when the memory has no room for it).
#[wasm_bindgen(js_name = checkReadRoom)]
pub fn check_read_room(len: f64) -> JsResult<()> {
    crate::frame::room::check_room(len as u64, true).map_err(js_err)
}

/// In-memory tables by name: the demo data set and whatever the user loads.
#[wasm_bindgen(js_name = LocalData)]
pub struct WasmLocalData {
    inner: Tables,
}

#[wasm_bindgen(js_class = LocalData)]
impl WasmLocalData {
    #[wasm_bindgen(constructor)]
    pub fn new() -> WasmLocalData {
        WasmLocalData { inner: Tables::new() }
    }

    /// The demo data set from the bytes of `huntbook_demo.la.json.gz`, shifted so its newest event is at `now_ms`.
    pub fn demo(bytes: &[u8], now_ms: f64) -> JsResult<WasmLocalData> {
        crate::demo::load(bytes, from_ms(now_ms).map_err(js_err)?).map(|inner| WasmLocalData { inner }).map_err(js_err)
    }

    #[wasm_bindgen(js_name = tableNames)]
    pub fn table_names(&self) -> Vec<String> {
        self.inner.table_names()
    }

    pub fn table(&self, name: &str) -> JsResult<WasmFrame> {
        self.inner.table(name).cloned().map(Into::into).map_err(js_err)
    }

    /// `[[name, type], …]` of a table's columns as JSON text (a demo table that is not read yet stays unread).
    #[wasm_bindgen(js_name = schemaJSON)]
    pub fn schema_json(&self, name: &str) -> JsResult<String> {
        self.inner.schema(name).map(schema_json).map_err(js_err)
    }

    /// A copy: the same tables (shared, read or not), under names of its own (`addTable` on one does not change the
    /// other).
    pub fn copy(&self) -> WasmLocalData {
        WasmLocalData { inner: self.inner.clone() }
    }

    /// Names of the tables read so far: the demo's tables are read the first time something asks for them.
    #[wasm_bindgen(js_name = readTableNames)]
    pub fn read_table_names(&self) -> Vec<String> {
        self.inner.read_table_names()
    }

    /// Adds a table under `name` (replacing one of that name).
    #[wasm_bindgen(js_name = addTable)]
    pub fn add_table(&mut self, name: &str, frame: &WasmFrame) {
        let mut f = frame.inner.clone();
        f.name = name.to_string();
        self.inner.add(f);
    }
}

impl WasmLocalData {
    pub(crate) fn inner(&self) -> &Tables {
        &self.inner
    }
}

impl Default for WasmLocalData {
    fn default() -> Self {
        Self::new()
    }
}

/// `text` with bidi controls and other invisible characters written visibly (`⟨U+202E⟩`): for text from logs that
/// JS puts on the page (tooltips, legends, chart labels).
#[wasm_bindgen(js_name = visibleText)]
pub fn visible_text(text: &str) -> String {
    crate::frame::html::show_hidden(text).into_owned()
}
