//! Bindings of `crate::enrich::ti`: a lookup session (configured providers, one response cache) whose lookups run
//! through `fetch` ([`FetchTransport`]) with a JS progress callback. The JS wrapper (`js/enrich/ti.js`) runs
//! Sentinel's query through the user's query provider and hands the table back.

use std::rc::Rc;

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;
use web_sys::AbortSignal;

use super::frame::WasmFrame;
use super::net::FetchTransport;
use super::{js_err, json_of, JsResult};
use crate::enrich::ti::{LookupOptions, TiSession};
use crate::options;

/// A TI lookup session (the wasm side of `TILookup`).
#[wasm_bindgen(js_name = TiSession)]
pub struct WasmTiSession {
    inner: Rc<TiSession>,
}

fn lookup_options(v: &JsValue) -> JsResult<LookupOptions> {
    options::read("lookupIocs", &json_of(v)?).map_err(js_err)
}

#[wasm_bindgen(js_class = TiSession)]
impl WasmTiSession {
    /// `config`: `{providers: {…}}` as an object or JSON text (Sentinel's `queryProvider` replaced by `true`).
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue) -> JsResult<WasmTiSession> {
        let inner = TiSession::from_json(&json_of(&config)?).map_err(js_err)?;
        Ok(WasmTiSession { inner: Rc::new(inner) })
    }

    /// The demo session: only the Sentinel provider (demo `ThreatIntelligenceIndicator` table).
    pub fn demo() -> WasmTiSession {
        WasmTiSession { inner: Rc::new(TiSession::demo()) }
    }

    /// The provider names in the configured order.
    #[wasm_bindgen(getter)]
    pub fn providers(&self) -> Vec<String> {
        self.inner.provider_names()
    }

    /// The KQL to run for Sentinel's provider, or `undefined` when it is not asked.
    #[wasm_bindgen(js_name = sentinelQuery)]
    pub fn sentinel_query(&self, values: Vec<String>, options: JsValue) -> JsResult<Option<String>> {
        let o = lookup_options(&options)?;
        self.inner.sentinel_query(&values, &o).map_err(js_err)
    }

    /// Looks `values` up (a Promise of the results table). `sentinel`: the table Sentinel's query returned, or
    /// `sentinel_error` the reason it failed; `progress(done, total)` is called as lookups finish.
    pub fn lookup(
        &self,
        values: Vec<String>,
        options: JsValue,
        sentinel: Option<WasmFrame>,
        sentinel_error: Option<String>,
        signal: Option<AbortSignal>,
        progress: Option<Function>,
        timeout_s: u32,
    ) -> JsResult<Promise> {
        let o = lookup_options(&options)?;
        let inner = Rc::clone(&self.inner);
        Ok(future_to_promise(async move {
            let watch = signal.clone();
            let transport = FetchTransport::new(signal, timeout_s);
            let answer = match (&sentinel, sentinel_error) {
                (Some(f), _) => Some(Ok(f.inner())),
                (None, Some(e)) => Some(Err(e)),
                (None, None) => None,
            };
            let cancelled = move || watch.as_ref().is_some_and(AbortSignal::aborted);
            let report = |done: usize, total: usize| {
                if let Some(f) = &progress {
                    let _ = f.call2(&JsValue::UNDEFINED, &(done as f64).into(), &(total as f64).into());
                }
            };
            let frame = inner
                .lookup(&transport, &values, &o, answer, cancelled, report)
                .await
                .map_err(|e| JsValue::from(js_err(e)))?;
            Ok(JsValue::from(WasmFrame::from(frame)))
        }))
    }
}
