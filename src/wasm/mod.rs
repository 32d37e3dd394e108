//! The `#[wasm_bindgen]` surface: the only code that knows about JavaScript.
//!
//! It converts JS values to core types and back, and turns every core error into a JS `Error` with the core's
//! message. The friendly API notebook users call is the JS wrapper in `js/`, which wraps these classes.

mod analysis;
mod frame;
mod net;
mod options;
mod query;
mod vis;

pub use frame::{WasmFrame, WasmLocalData, WasmTableSet};
pub use query::WasmCatalog;

use wasm_bindgen::prelude::*;

/// What exported functions return: a value, or a JS `Error` with the core's message.
pub(crate) type JsResult<T> = Result<T, JsError>;

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

/// Epoch milliseconds from JS (a `Date`'s value) as whole nanoseconds; non-finite values give the epoch.
pub(crate) fn ms_to_ns(ms: f64) -> i64 {
    if ms.is_finite() {
        (ms.round() as i64).saturating_mul(1_000_000)
    } else {
        0
    }
}
