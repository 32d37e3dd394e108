//! Bindings of [`crate::time`]: what JS's `QueryTime`, the query-time widget and the query provider call to read a
//! time, so JS parses no dates or offsets of its own.

use wasm_bindgen::prelude::*;

use super::{js_err, json_of, JsResult};
use crate::time::{self, When};

/// Epoch ms of a point in time `value` (a `Date`, epoch ms, ISO 8601 text — no zone means UTC — or an offset from
/// now like `"-2w@d"`, see [`When`]), offsets counted from `now_ms`.
#[wasm_bindgen(js_name = resolveTime)]
pub fn resolve_time(value: JsValue, now_ms: f64) -> JsResult<f64> {
    let when: When =
        serde_json::from_value(json_of(&value)?).map_err(|e| JsError::new(&e.to_string()))?;
    let now_ns = time::from_ms(now_ms).map_err(js_err)?;
    when.resolve(now_ns).map(time::to_ms).map_err(js_err)
}

/// Milliseconds of a timespan: `"1h"`, `"-1d"`, `"1.5h"`, `"100ms"`, `"1.02:00:00"` (see [`time::parse_timespan`]).
#[wasm_bindgen(js_name = timespanMs)]
pub fn timespan_ms(text: &str) -> JsResult<f64> {
    time::parse_timespan(text).map(time::to_ms).map_err(js_err)
}
