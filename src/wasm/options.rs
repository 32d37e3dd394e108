//! The names of options objects that the JS wrapper reads itself (`new QueryProvider`, `connect`, `execQuery`,
//! `schemaTables`): their values are host objects (functions, `AbortSignal`s, `LocalData`) that do not cross into
//! Rust, so only the names are checked here, by the one options reader ([`crate::options::normalize`]).

use js_sys::{Array, Object, Reflect};
use serde_json::{Map, Value};
use wasm_bindgen::prelude::*;

use super::{js_err, json_of, JsResult};
use crate::options;

/// `options` of JS function `func` with every name checked against `known` (the names as the JS code reads them,
/// e.g. `getToken`; `get_token` is accepted too): a new object under the known names with the values untouched.
/// `undefined`/`null` options and values are left out.
#[wasm_bindgen(js_name = checkOptions)]
pub fn check_options(func: &str, options: &JsValue, known: Vec<String>) -> JsResult<Object> {
    let out = Object::new();
    if options.is_undefined() || options.is_null() {
        return Ok(out);
    }
    let snake: Vec<String> = known.iter().map(|k| options::snake_case(k)).collect();
    let snake_refs: Vec<&str> = snake.iter().map(String::as_str).collect();
    // Each given name → itself, for `normalize` to check and rename.
    let names = match options.dyn_ref::<Object>() {
        Some(obj) if !Array::is_array(options) && options.is_object() => {
            let mut m = Map::new();
            for key in Object::keys(obj).iter().filter_map(|k| k.as_string()) {
                let v = Reflect::get(obj, &JsValue::from_str(&key)).unwrap_or(JsValue::UNDEFINED);
                if !v.is_undefined() && !v.is_null() {
                    m.insert(key.clone(), Value::String(key));
                }
            }
            Value::Object(m)
        }
        _ => json_of(options)
            .unwrap_or_else(|_| Value::String(options.js_typeof().as_string().unwrap_or_default())),
    };
    for (name, given) in options::normalize(func, &names, &snake_refs).map_err(js_err)? {
        let (Some(i), Some(given)) = (snake.iter().position(|s| *s == name), given.as_str()) else {
            continue;
        };
        let v = Reflect::get(options, &JsValue::from_str(given)).unwrap_or(JsValue::UNDEFINED);
        Reflect::set(&out, &JsValue::from_str(&known[i]), &v)
            .map_err(|_| JsError::new(&format!("{func}: cannot copy option '{given}'")))?;
    }
    Ok(out)
}
