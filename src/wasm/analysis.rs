//! Bindings of the analysis modules: base64 unpacking (`crate::decode`) and IoC extraction (`crate::ioc`).
//!
//! Options arrive as one JS object and are read by [`crate::options::read`] into the core's option structs
//! ([`UnpackOptions`], [`IocOptions`]), which own the names, aliases and value checks.

use serde_json::Value;
use wasm_bindgen::prelude::*;

use super::frame::WasmFrame;
use super::{js_err, json_of, JsResult};
use crate::decode::{self, UnpackOptions, Unpacked};
use crate::ioc::{IocExtractor, IocOptions};
use crate::options;

fn unpack_options(v: &JsValue, what: &str) -> JsResult<UnpackOptions> {
    options::read(what, &json_of(v)?).map_err(js_err)
}

fn ioc_extractor(v: &JsValue, what: &str) -> JsResult<IocExtractor> {
    let o: IocOptions = options::read(what, &json_of(v)?).map_err(js_err)?;
    IocExtractor::new(&o).map_err(js_err)
}

/// What `unpackText` found: the rewritten text, the fragment table and the notes of limits hit.
#[wasm_bindgen(js_name = Unpacked)]
pub struct WasmUnpacked {
    inner: Unpacked,
}

#[wasm_bindgen(js_class = Unpacked)]
impl WasmUnpacked {
    /// The input with each decoded run replaced by its `<decoded …>` tag.
    #[wasm_bindgen(getter)]
    pub fn text(&self) -> String {
        self.inner.text.clone()
    }

    /// What limits stopped, damaged archives, encrypted members.
    #[wasm_bindgen(getter)]
    pub fn notes(&self) -> Vec<String> {
        self.inner.notes.clone()
    }

    /// A limit stopped or cut something.
    #[wasm_bindgen(getter)]
    pub fn truncated(&self) -> bool {
        self.inner.truncated
    }

    /// The fragments with msticpy's columns.
    pub fn table(&self) -> JsResult<WasmFrame> {
        self.inner.table().map(Into::into).map_err(js_err)
    }
}

/// Decodes and unpacks the base64 in `text` (msticpy's `unpack`).
#[wasm_bindgen(js_name = unpackText)]
pub fn unpack_text(text: &str, options: JsValue) -> JsResult<WasmUnpacked> {
    let o = unpack_options(&options, "unpack")?;
    decode::unpack(text, &o).map(|inner| WasmUnpacked { inner }).map_err(js_err)
}

/// [`unpack_text`] over every cell of text column `column`: one table of all fragments (msticpy's `unpack_df`).
#[wasm_bindgen(js_name = unpackFrame)]
pub fn unpack_frame(frame: &WasmFrame, column: &str, options: JsValue) -> JsResult<WasmFrame> {
    let o = unpack_options(&options, "unpackTable")?;
    decode::unpack_frame(frame.inner(), column, &o).map(Into::into).map_err(js_err)
}

/// Text the JS sent as UTF-8 bytes (`TextEncoder` output: a large string crosses faster as bytes than as a string).
fn utf8<'a>(bytes: &'a [u8], what: &str) -> JsResult<&'a str> {
    std::str::from_utf8(bytes).map_err(|e| JsError::new(&format!("{what}: the text is not UTF-8 ({e})")))
}

/// The indicators in `text` as JSON text: `[{"type", "observable", "refanged"}, …]` in order of first appearance.
#[wasm_bindgen(js_name = extractIocsJSON)]
pub fn extract_iocs_json(text: &[u8], options: JsValue) -> JsResult<String> {
    let ex = ioc_extractor(&options, "extractIocs")?;
    let text = utf8(text, "extractIocs")?;
    let list: Vec<Value> = ex
        .extract(text)
        .into_iter()
        .map(|i| serde_json::json!({"type": i.ioc_type, "observable": i.observable, "refanged": i.refanged}))
        .collect();
    Ok(Value::Array(list).to_string())
}

/// The indicators in `text` as a table (`IoCType`, `Observable`, `SourceIndex`, `Input`, `Refanged`).
#[wasm_bindgen(js_name = extractIocsTextTable)]
pub fn extract_iocs_text_table(text: &[u8], options: JsValue) -> JsResult<WasmFrame> {
    let ex = ioc_extractor(&options, "extractIocsTable")?;
    let text = utf8(text, "extractIocsTable")?;
    ex.extract_table(text).map(Into::into).map_err(js_err)
}

/// One row per indicator per cell of `columns` (msticpy's `extract(data=df, columns=[…])`).
#[wasm_bindgen(js_name = extractIocsFrame)]
pub fn extract_iocs_frame(frame: &WasmFrame, columns: Vec<String>, options: JsValue) -> JsResult<WasmFrame> {
    if columns.is_empty() {
        return Err(JsError::new(
            "extractIocsTable: name the text columns to search, e.g. extractIocsTable(df, [\"CommandLine\"])",
        ));
    }
    let ex = ioc_extractor(&options, "extractIocsTable")?;
    ex.extract_frame(frame.inner(), &columns).map(Into::into).map_err(js_err)
}
