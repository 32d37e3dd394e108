//! Bindings of the analysis modules: base64 unpacking (`crate::decode`) and IoC extraction (`crate::ioc`).
//!
//! Options arrive as one JS object. Keys may be msticpy's snake_case names or camelCase (`max_depth`/`maxDepth`);
//! an unknown key or a value of the wrong kind is an error that names it and lists what is accepted.

use serde_json::{Map, Value};
use wasm_bindgen::prelude::*;

use super::frame::WasmFrame;
use super::{js_err, json_of, JsResult};
use crate::decode::{self, UnpackOptions, Unpacked};
use crate::ioc::{CustomIoc, IocExtractor, IocOptions};

/// `maxDepth` → `max_depth`.
fn snake(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The options object as `(snake_case key, value)` pairs; `undefined`/`null` give none.
fn options_of(v: &JsValue, what: &str) -> JsResult<Vec<(String, String, Value)>> {
    match json_of(v)? {
        Value::Null => Ok(Vec::new()),
        Value::Object(m) => Ok(m
            .into_iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| (snake(&k), k, v))
            .collect()),
        other => Err(JsError::new(&format!("{what}: options must be an object, got {other}"))),
    }
}

fn unknown(what: &str, key: &str, known: &[&str]) -> JsError {
    JsError::new(&format!("{what}: unknown option '{key}'. Options are: {}", known.join(", ")))
}

fn count(what: &str, key: &str, v: &Value) -> JsResult<usize> {
    match v.as_f64() {
        Some(x) if x >= 0.0 && x.fract() == 0.0 && x <= 9.0e15 => Ok(x as usize),
        _ => Err(JsError::new(&format!("{what}: '{key}' must be a whole number ≥ 0, got {v}"))),
    }
}

fn flag(what: &str, key: &str, v: &Value) -> JsResult<bool> {
    v.as_bool()
        .ok_or_else(|| JsError::new(&format!("{what}: '{key}' must be true or false, got {v}")))
}

const UNPACK_KEYS: &[&str] = &[
    "max_depth",
    "max_fragments_per_level",
    "max_total_bytes",
    "max_members",
    "utf16 (or utf16_detect)",
    "url_safe",
    "min_length",
    "max_display_bytes",
];

fn unpack_options(v: &JsValue, what: &str) -> JsResult<UnpackOptions> {
    let mut o = UnpackOptions::default();
    for (key, given, value) in options_of(v, what)? {
        match key.as_str() {
            "max_depth" => o.max_depth = count(what, &given, &value)?,
            "max_fragments_per_level" => o.max_fragments_per_level = count(what, &given, &value)?,
            "max_total_bytes" => o.max_total_bytes = count(what, &given, &value)?,
            "max_members" => o.max_members = count(what, &given, &value)?,
            "utf16" | "utf16_detect" | "utf_16" => o.utf16_detect = flag(what, &given, &value)?,
            "url_safe" => o.url_safe = flag(what, &given, &value)?,
            "min_length" => o.min_length = count(what, &given, &value)?,
            "max_display_bytes" => o.max_display_bytes = count(what, &given, &value)?,
            // msticpy's `trace` printed progress; there is nothing to print here.
            "trace" => {}
            _ => return Err(unknown(what, &given, UNPACK_KEYS)),
        }
    }
    Ok(o)
}

const IOC_KEYS: &[&str] = &["ioc_types (or types)", "include_paths", "ignore_tlds", "defanged", "custom"];

fn custom_of(what: &str, v: &Value) -> JsResult<Vec<CustomIoc>> {
    let list = match v {
        Value::Array(a) => a.clone(),
        one @ Value::Object(_) => vec![one.clone()],
        other => {
            return Err(JsError::new(&format!(
                "{what}: 'custom' must be a list of {{name, regex, priority, group}}, got {other}"
            )))
        }
    };
    let mut out = Vec::with_capacity(list.len());
    for item in list {
        let Value::Object(m) = item else {
            return Err(JsError::new(&format!(
                "{what}: each custom IoC type must be an object {{name, regex, priority, group}}, got {item}"
            )));
        };
        let text = |m: &Map<String, Value>, keys: &[&str]| {
            keys.iter().find_map(|k| m.get(*k).and_then(|v| v.as_str()).map(str::to_string))
        };
        let Some(name) = text(&m, &["name", "ioc_type", "iocType"]) else {
            return Err(JsError::new(&format!("{what}: a custom IoC type needs a 'name' (text)")));
        };
        let Some(pattern) = text(&m, &["regex", "ioc_regex", "iocRegex", "pattern"]) else {
            return Err(JsError::new(&format!(
                "{what}: custom IoC type '{name}' needs a 'regex' (text or a RegExp)"
            )));
        };
        let priority = match m.get("priority") {
            None | Some(Value::Null) => 0,
            Some(p) => {
                let p = count(what, "priority", p)?;
                u32::try_from(p).map_err(|_| JsError::new(&format!("{what}: 'priority' is too large: {p}")))?
            }
        };
        let mut c = CustomIoc::new(&name, &pattern, priority).map_err(js_err)?;
        if let Some(g) = text(&m, &["group"]) {
            c = c.with_group(&g).map_err(js_err)?;
        }
        out.push(c);
    }
    Ok(out)
}

fn ioc_extractor(v: &JsValue, what: &str) -> JsResult<IocExtractor> {
    let mut o = IocOptions::default();
    for (key, given, value) in options_of(v, what)? {
        match key.as_str() {
            "ioc_types" | "types" | "ioc_type" => {
                o.types = Some(match value {
                    Value::String(s) => vec![s],
                    Value::Array(a) => a
                        .into_iter()
                        .map(|x| match x {
                            Value::String(s) => Ok(s),
                            other => Err(JsError::new(&format!(
                                "{what}: '{given}' must list type names (text), got {other}"
                            ))),
                        })
                        .collect::<JsResult<_>>()?,
                    other => {
                        return Err(JsError::new(&format!(
                            "{what}: '{given}' must be a type name or a list of them, got {other}"
                        )))
                    }
                })
            }
            "include_paths" => o.include_paths = Some(flag(what, &given, &value)?),
            "ignore_tlds" => o.ignore_tlds = flag(what, &given, &value)?,
            "defanged" => o.defanged = flag(what, &given, &value)?,
            "custom" | "custom_types" | "custom_iocs" => o.custom = custom_of(what, &value)?,
            _ => return Err(unknown(what, &given, IOC_KEYS)),
        }
    }
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
    let ex = ioc_extractor(&options, "extractIocs")?;
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
