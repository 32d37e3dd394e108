//! The `#[wasm_bindgen]` surface: the only code that knows about JavaScript.
//!
//! It converts JS values to core types and back, and turns every core error into a JS `Error` with the core's
//! message. The friendly API notebook users call is the JS wrapper in `js/`, which wraps these classes.

mod frame;

pub use frame::{WasmFrame, WasmLocalData, WasmTableSet};

use wasm_bindgen::prelude::*;

/// Turns a core error into a JS `Error`.
pub(crate) fn js_err(e: crate::Error) -> JsError {
    JsError::new(&e.to_string())
}

/// Reads a JS value (options, scalars, lists) as JSON.
pub(crate) fn json_of(v: &JsValue) -> Result<serde_json::Value, JsError> {
    if v.is_undefined() {
        return Ok(serde_json::Value::Null);
    }
    serde_wasm_bindgen::from_value(v.clone()).map_err(|e| JsError::new(&format!("unsupported value: {e}")))
}

/// The package version.
#[wasm_bindgen(js_name = version)]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
