//! `fetch` as a [`Transport`], in pages and in Web Workers (it uses the global `fetch`, not `window.fetch`).
//!
//! Cancellation and the client timeout arrive as one `AbortSignal` from the JS wrapper; when it fires, a request in
//! flight is aborted and a retry wait ends at once. A signal aborted with a `TimeoutError` reason is reported as a
//! timeout, any other as a cancellation.

use js_sys::{Function, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, Headers, RequestInit, Response};

use crate::net::{HttpRequest, HttpResponse, NetError, Transport};

/// `fetch` with an optional abort signal; `timeout_s` names the client limit in timeout errors.
pub struct FetchTransport {
    pub signal: Option<AbortSignal>,
    pub timeout_s: u32,
}

impl FetchTransport {
    fn aborted(&self) -> Option<NetError> {
        let signal = self.signal.as_ref()?;
        if !signal.aborted() {
            return None;
        }
        let reason = signal.reason();
        let name = Reflect::get(&reason, &"name".into()).ok().and_then(|n| n.as_string());
        Some(if name.as_deref() == Some("TimeoutError") {
            NetError::Timeout(self.timeout_s)
        } else {
            NetError::Cancelled
        })
    }

    fn global_fn(name: &str) -> Result<Function, NetError> {
        Reflect::get(&js_sys::global(), &name.into())
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok())
            .ok_or_else(|| NetError::Network(format!("this JavaScript host has no global {name}()")))
    }

    fn js_text(e: &JsValue) -> String {
        e.as_string()
            .or_else(|| Reflect::get(e, &"message".into()).ok().and_then(|m| m.as_string()))
            .unwrap_or_else(|| "fetch failed".into())
    }
}

impl Transport for FetchTransport {
    async fn send(&self, req: &HttpRequest) -> Result<HttpResponse, NetError> {
        if let Some(e) = self.aborted() {
            return Err(e);
        }
        let init = RequestInit::new();
        init.set_method(&req.method);
        let headers = Headers::new().map_err(|e| NetError::Network(Self::js_text(&e)))?;
        for (k, v) in &req.headers {
            headers.append(k, v).map_err(|e| NetError::Network(Self::js_text(&e)))?;
        }
        init.set_headers(&headers);
        if let Some(body) = &req.body {
            init.set_body(&JsValue::from_str(body));
        }
        if let Some(signal) = &self.signal {
            init.set_signal(Some(signal));
        }
        let fetch = Self::global_fn("fetch")?;
        let promise: Promise = fetch
            .call2(&JsValue::UNDEFINED, &JsValue::from_str(&req.url), &init)
            .map_err(|e| NetError::Network(Self::js_text(&e)))?
            .dyn_into()
            .map_err(|_| NetError::Network("fetch() did not return a promise".into()))?;
        let resp: Response = match JsFuture::from(promise).await {
            Ok(r) => r.dyn_into().map_err(|_| NetError::Network("fetch() did not give a Response".into()))?,
            Err(e) => return Err(self.aborted().unwrap_or_else(|| NetError::Network(Self::js_text(&e)))),
        };
        let mut out_headers = Vec::new();
        for name in ["retry-after", "content-type", "x-ms-correlation-request-id"] {
            if let Ok(Some(v)) = resp.headers().get(name) {
                out_headers.push((name.to_string(), v));
            }
        }
        let buf = resp.array_buffer().map_err(|e| NetError::Network(Self::js_text(&e)))?;
        let body = match JsFuture::from(buf).await {
            Ok(b) => Uint8Array::new(&b).to_vec(),
            Err(e) => return Err(self.aborted().unwrap_or_else(|| NetError::Network(Self::js_text(&e)))),
        };
        Ok(HttpResponse {
            status: resp.status(),
            headers: out_headers,
            body,
        })
    }

    async fn sleep(&self, ms: u64) -> Result<(), NetError> {
        // Wait in short steps so an abort ends the wait promptly.
        let set_timeout = Self::global_fn("setTimeout")?;
        let mut left = ms;
        while left > 0 {
            if let Some(e) = self.aborted() {
                return Err(e);
            }
            let step = left.min(100);
            let promise = Promise::new(&mut |resolve, _| {
                let _ = set_timeout.call2(&JsValue::UNDEFINED, &resolve, &JsValue::from_f64(step as f64));
            });
            let _ = JsFuture::from(promise).await;
            left -= step;
        }
        self.aborted().map_or(Ok(()), Err)
    }
}
