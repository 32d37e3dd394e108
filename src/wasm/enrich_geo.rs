//! Bindings of [`crate::enrich::geo`]: an open GeoLite2 `.mmdb` (`GeoLiteDb`) and its lookups. The JS `GeoLite`
//! class (js/enrich/geo.js) wraps it.

use wasm_bindgen::prelude::*;

use super::frame::WasmFrame;
use super::{js_err, json_of, JsResult};
use crate::enrich::geo::{GeoDb, GeolocOptions};
use crate::options;

/// An open `.mmdb` (City, Country or ASN edition).
#[wasm_bindgen(js_name = GeoLiteDb)]
pub struct WasmGeoDb {
    inner: GeoDb,
}

#[wasm_bindgen(js_class = GeoLiteDb)]
impl WasmGeoDb {
    /// Opens the `.mmdb` in `bytes`.
    #[wasm_bindgen(constructor)]
    pub fn new(bytes: Vec<u8>) -> JsResult<WasmGeoDb> {
        GeoDb::from_bytes(bytes).map(|inner| WasmGeoDb { inner }).map_err(js_err)
    }

    /// `City` or `ASN`.
    #[wasm_bindgen(getter)]
    pub fn edition(&self) -> String {
        self.inner.edition().as_str().to_string()
    }

    /// The metadata's `database_type` (`GeoLite2-City`).
    #[wasm_bindgen(getter, js_name = databaseType)]
    pub fn database_type(&self) -> String {
        self.inner.database_type().to_string()
    }

    /// The metadata's English description.
    #[wasm_bindgen(getter)]
    pub fn description(&self) -> Option<String> {
        self.inner.description().map(str::to_string)
    }

    /// When the database was built, in ms since 1970.
    #[wasm_bindgen(getter, js_name = buildTimeMs)]
    pub fn build_time_ms(&self) -> f64 {
        self.inner.build_epoch() as f64 * 1000.0
    }

    /// One row per address of `ips`, in order.
    #[wasm_bindgen(js_name = lookupIps)]
    pub fn lookup_ips(&self, ips: Vec<String>) -> JsResult<WasmFrame> {
        self.inner.lookup_table(&ips).map(Into::into).map_err(js_err)
    }

    /// The addresses of a column of `frame` (`options`: `column`, `join`).
    #[wasm_bindgen(js_name = lookupFrame)]
    pub fn lookup_frame(&self, frame: &WasmFrame, options: JsValue) -> JsResult<WasmFrame> {
        let o: GeolocOptions = options::read("geoloc", &json_of(&options)?).map_err(js_err)?;
        self.inner.lookup_frame(frame.inner(), &o).map(Into::into).map_err(js_err)
    }
}
