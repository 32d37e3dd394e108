//! The `#[wasm_bindgen]` surface: the only code that knows about JavaScript.
//!
//! It converts JS values to core types and back, and turns every core error into a JS `Error` with the core's
//! message. The friendly API notebook users call is the JS wrapper in `js/`, which wraps these classes.

mod analysis;
mod enrich_geo;
mod enrich_net;
mod enrich_ti;
mod entity;
mod frame;
mod net;
mod options;
mod pivot;
mod pivot_all;
mod query;
mod time;
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

/// Reads a JS value (options, scalars, lists) as JSON. A `Date`, at any depth of plain objects and arrays, becomes
/// its epoch milliseconds (a number, what [`crate::time::When`] reads), so a `Date` works wherever a time is read;
/// `undefined` becomes null.
pub(crate) fn json_of(v: &JsValue) -> Result<serde_json::Value, JsError> {
    json_at(v, 0)
}

/// How deep `json_of` looks for `Date`s (deeper values are read as they are).
const DATE_DEPTH: usize = 32;

fn json_at(v: &JsValue, depth: usize) -> Result<serde_json::Value, JsError> {
    use serde_json::Value;
    if v.is_undefined() {
        return Ok(Value::Null);
    }
    if let Some(date) = v.dyn_ref::<js_sys::Date>() {
        return serde_json::Number::from_f64(date.get_time())
            .map(Value::Number)
            .ok_or_else(|| JsError::new("an invalid Date (its time is NaN): give a valid Date, ISO text or epoch ms"));
    }
    if depth < DATE_DEPTH {
        if let Some(list) = v.dyn_ref::<js_sys::Array>() {
            return list.iter().map(|x| json_at(&x, depth + 1)).collect::<Result<_, _>>().map(Value::Array);
        }
        if is_plain_object(v) {
            let mut map = serde_json::Map::new();
            for entry in js_sys::Object::entries(v.unchecked_ref()).iter() {
                let pair: js_sys::Array = entry.unchecked_into();
                map.insert(pair.get(0).as_string().unwrap_or_default(), json_at(&pair.get(1), depth + 1)?);
            }
            return Ok(Value::Object(map));
        }
    }
    serde_wasm_bindgen::from_value(v.clone()).map_err(|e| JsError::new(&format!("unsupported value: {e}")))
}

/// An object literal (`{…}` or `Object.create(null)`), not a `Map`, typed array or class instance.
fn is_plain_object(v: &JsValue) -> bool {
    if !v.is_object() || v.is_function() {
        return false;
    }
    let proto = js_sys::Object::get_prototype_of(v);
    proto.is_null() || js_sys::Object::is(&proto, &js_sys::Object::get_prototype_of(&js_sys::Object::new()))
}

/// The package version.
#[wasm_bindgen(js_name = version)]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
