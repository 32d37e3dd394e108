//! `fetch` as a [`Transport`] (through `gloo-net`), and the user's `getToken()` as a [`SecretSource`].
//!
//! `gloo-net` binds the global `fetch` (not `window.fetch`), so this works in pages, Web Workers and Node alike.
//! Cancellation and the client timeout arrive as one `AbortSignal` from the JS wrapper; when it fires, a request in
//! flight is aborted and a retry or rate-limit wait ends at once. A signal aborted with a `TimeoutError` reason is
//! reported as a timeout, any other as a cancellation.
//!
//! What `gloo-net` cannot do safely, and how this file works around it: it turns a rejected `fetch` into its error
//! type only when the rejection is a JS `Error`, and panics (which aborts the whole wasm module) otherwise, while
//! `fetch` rejects with the signal's abort reason, which a caller may set to anything (`controller.abort("stop")`).
//! So the caller's signal is never handed to `gloo-net`: each request gets its own `AbortController`, aborted with
//! a `DOMException` when the caller's signal fires. `gloo-net`'s header setters throw on invalid values, so
//! requests are checked first ([`HttpRequest::check`]). Waiting uses the global `setTimeout` (gloo-net has no timer).
//! The body is read chunk by chunk from its stream so that the response size cap stops a large answer early (a
//! `Content-Length` over the cap before reading anything); a request whose future is dropped (a per-request timeout
//! won the race) is aborted, so its connection does not linger.

use gloo_net::http::{Method, RequestBuilder};
use js_sys::{Function, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal, DomException, ReadableStreamDefaultReader};

use crate::error::{Error, Result};
use crate::net::{HttpRequest, HttpResponse, NetError, Secret, SecretSource, Transport};

/// `fetch` with an optional abort signal; `timeout_s` names the client limit in timeout errors;
/// `max_response_bytes` is the response size cap.
pub struct FetchTransport {
    pub signal: Option<AbortSignal>,
    pub timeout_s: u32,
    pub max_response_bytes: u64,
}

impl FetchTransport {
    /// A transport with the default response size cap.
    pub fn new(signal: Option<AbortSignal>, timeout_s: u32) -> FetchTransport {
        FetchTransport { signal, timeout_s, max_response_bytes: crate::net::DEFAULT_MAX_RESPONSE_BYTES }
    }
}

/// A controller that follows the caller's signal, aborting with a `DOMException`; unhooked and aborted when dropped
/// (a no-op for a request already answered in full).
struct Follower {
    controller: AbortController,
    outer: Option<AbortSignal>,
    on_abort: Option<Closure<dyn FnMut()>>,
}

impl Follower {
    fn new(outer: Option<&AbortSignal>) -> std::result::Result<Follower, NetError> {
        let controller = AbortController::new().map_err(|e| NetError::Network(js_text(&e)))?;
        let mut f = Follower { controller, outer: outer.cloned(), on_abort: None };
        if let Some(outer) = outer {
            let c = f.controller.clone();
            let cb = Closure::<dyn FnMut()>::new(move || {
                match DomException::new_with_message_and_name("cancelled", "AbortError") {
                    Ok(reason) => c.abort_with_reason(&reason),
                    Err(_) => c.abort(),
                }
            });
            let _ = outer.add_event_listener_with_callback("abort", cb.as_ref().unchecked_ref());
            f.on_abort = Some(cb);
        }
        Ok(f)
    }
}

impl Drop for Follower {
    fn drop(&mut self) {
        self.controller.abort();
        if let (Some(outer), Some(cb)) = (&self.outer, &self.on_abort) {
            let _ = outer.remove_event_listener_with_callback("abort", cb.as_ref().unchecked_ref());
        }
    }
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

    /// The body from `reader`, chunk by chunk, stopping with `TooLarge` as soon as it passes `cap` bytes. `expected`
    /// (the `Content-Length`, when given) is reserved at once, so a large body is not copied as it grows.
    async fn read_capped(
        &self,
        reader: ReadableStreamDefaultReader,
        cap: u64,
        expected: Option<u64>,
    ) -> std::result::Result<Vec<u8>, NetError> {
        // Reserve what Content-Length announces only if memory allows (a server may announce far more than it
        // sends); grow fallibly as chunks arrive, so a body that does not fit is an error, not a trapped module.
        let mut body = Vec::new();
        let _ = body.try_reserve_exact(usize::try_from(expected.unwrap_or(0).min(cap)).unwrap_or(0));
        loop {
            let chunk = JsFuture::from(reader.read()).await.map_err(|e| self.failed(js_text(&e)))?;
            if Reflect::get(&chunk, &"done".into()).ok().and_then(|d| d.as_bool()).unwrap_or(true) {
                return Ok(body);
            }
            let value: Uint8Array = Reflect::get(&chunk, &"value".into())
                .map_err(|e| self.failed(js_text(&e)))?
                .unchecked_into();
            let start = body.len();
            if (start as u64).saturating_add(u64::from(value.length())) > cap {
                return Err(NetError::TooLarge { bytes: None, cap });
            }
            body.try_reserve(value.length() as usize)
                .map_err(|_| NetError::OutOfMemory { bytes: start as u64 })?;
            body.resize(start + value.length() as usize, 0);
            value.copy_to(&mut body[start..]);
        }
    }

    /// A failure: the abort if the signal fired, else the platform's text.
    fn failed(&self, text: String) -> NetError {
        self.aborted().unwrap_or(NetError::Network(text))
    }
}

fn js_text(e: &JsValue) -> String {
    e.as_string()
        .or_else(|| Reflect::get(e, &"message".into()).ok().and_then(|m| m.as_string()))
        .unwrap_or_else(|| "fetch failed".into())
}

fn gloo_text(e: gloo_net::Error) -> String {
    match e {
        gloo_net::Error::JsError(e) => e.message,
        other => other.to_string(),
    }
}

impl Transport for FetchTransport {
    async fn send(&self, req: &HttpRequest) -> std::result::Result<HttpResponse, NetError> {
        if let Some(e) = self.aborted() {
            return Err(e);
        }
        req.check().map_err(|e| NetError::Network(e.to_string()))?;
        let method = Method::from_bytes(req.method.as_bytes()).map_err(|e| NetError::Network(e.to_string()))?;
        let follower = Follower::new(self.signal.as_ref())?;
        let signal = follower.controller.signal();
        let mut builder = RequestBuilder::new(&req.url).method(method).abort_signal(Some(&signal));
        for (k, v) in &req.headers {
            builder = builder.header(k, v);
        }
        let request = match &req.body {
            Some(body) => builder.body(Uint8Array::from(body.as_slice())),
            None => builder.build(),
        }
        .map_err(|e| NetError::Network(gloo_text(e)))?;
        let resp = request.send().await.map_err(|e| self.failed(gloo_text(e)))?;
        let headers: Vec<(String, String)> = resp.headers().entries().collect();
        let cap = self.max_response_bytes;
        let announced = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, v)| v.trim().parse::<u64>().ok());
        if let Some(bytes) = announced.filter(|n| *n > cap) {
            return Err(NetError::TooLarge { bytes: Some(bytes), cap });
        }
        let body = match resp.body() {
            Some(stream) => self.read_capped(stream.get_reader().unchecked_into(), cap, announced).await?,
            None => Vec::new(),
        };
        drop(follower);
        Ok(HttpResponse { status: resp.status(), headers, body })
    }

    async fn sleep(&self, ms: u64) -> std::result::Result<(), NetError> {
        // Wait in short steps so an abort ends the wait promptly.
        let set_timeout = Reflect::get(&js_sys::global(), &"setTimeout".into())
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok())
            .ok_or_else(|| NetError::Network("this JavaScript host has no global setTimeout()".into()))?;
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

    fn now_ms(&self) -> u64 {
        js_sys::Date::now().max(0.0) as u64
    }

    fn max_response_bytes(&self) -> u64 {
        self.max_response_bytes
    }
}

/// The user's `getToken()` (sync or async; a string, or an object with a string `token` as `@azure/identity`
/// returns), asked each time a request needs a token. `source` names it and what it must return, for messages.
pub struct JsSecretSource {
    pub get_token: Function,
    pub source: String,
}

impl SecretSource for JsSecretSource {
    async fn get(&self) -> Result<Secret> {
        let failed = |e: JsValue| Error::Service(format!("{} failed: {}", self.source, js_text(&e)));
        let value = self.get_token.call0(&JsValue::UNDEFINED).map_err(failed)?;
        let value = JsFuture::from(Promise::resolve(&value)).await.map_err(failed)?;
        let text = value.as_string().or_else(|| Reflect::get(&value, &"token".into()).ok().and_then(|t| t.as_string()));
        match text {
            Some(t) => Secret::new(&t, &self.source),
            None => Err(Error::invalid(format!(
                "{} must return a string (or an object with a string `token`); it returned something else",
                self.source
            ))),
        }
    }
}
