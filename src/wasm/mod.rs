//! The `#[wasm_bindgen]` surface: the only code that knows about JavaScript.
//!
//! It converts JS values to core types and back, and turns every core error into a JS `Error` with the core's
//! message. The friendly API notebook users call is the JS wrapper in `js/`, which wraps these classes.

mod alloc;
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

// ----- panics ------------------------------------------------------------------------------------------------------
//
// The crate is built with `panic = "abort"`: a panic traps the module (a `WebAssembly.RuntimeError`), and a trapped
// instance must not be used again. The hook below keeps the panic's message and place so that the JS wrapper
// (`js/guard.js`), which sees the trap, can say which function stopped the module and why, and refuse every later
// call with that message instead of running on a broken instance.

static LAST_PANIC: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// Installs the panic hook (wasm-bindgen runs this when the module is instantiated).
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic".to_string());
        let at = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = Some(format!("{what}{at}"));
        }
    }));
}

/// The message of the panic that stopped the module, if one did (read by the JS wrapper after a trap).
#[wasm_bindgen(js_name = lastPanic)]
pub fn last_panic() -> Option<String> {
    LAST_PANIC.lock().ok().and_then(|l| l.clone())
}

/// Test-only: panics on purpose, so the tests can check what happens after a trap. Nothing in the API calls it;
/// no input reaches it.
#[doc(hidden)]
#[wasm_bindgen(js_name = __testTrap)]
pub fn test_trap(reason: &str) {
    panic!("test trap: {reason}");
}
