//! HTTP for every remote service (Log Analytics, Data Explorer, ARM, and the enrichment providers), through a small
//! [`Transport`] trait.
//!
//! The core never calls `fetch` itself: a provider builds an [`HttpRequest`] against its [`Endpoint`] (base URL, or
//! a proxy base URL in its place), and sends it through its [`Service`], which applies, in order, the per-session
//! [`ResponseCache`], the service's [`RateLimiter`] and the [`RetryPolicy`] (429/503 retried after `Retry-After`,
//! bounded), and turns failures into errors that name the service and say what to check. Tokens and keys are
//! [`Secret`]s from a [`SecretSource`]: their `Debug`/`Display` never show the value, and every message built from
//! a request has the request's secrets replaced by `[secret]`. [`fan_out`] runs many lookups with at most K in
//! flight, in input order, with progress and cancellation.
//!
//! In the browser the transport is `fetch` (in `crate::wasm`), with an `AbortSignal` for cancellation; natively
//! tests use the scripted double of [`testing`] (also available to integration tests with the `testing` feature).
//! Time (`now_ms`) and waiting (`sleep`) also go through the transport, so a cancelled query stops waiting at once,
//! and tests run rate limits and retries on a fake clock without sleeping.

use std::fmt;
use std::future::Future;

mod cache;
mod errors;
mod fanout;
mod http;
mod limit;
mod replay;
mod retry;
mod secret;
mod service;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use cache::ResponseCache;
pub use fanout::fan_out;
pub use http::{Endpoint, HttpRequest, HttpResponse};
pub use limit::{RateLimit, RateLimiter};
pub use replay::Replay;
pub use retry::{parse_retry_after_ms, send_with_retry, RetryPolicy};
pub use secret::{Secret, SecretSource};
pub use service::Service;

/// Why a request got no response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetError {
    /// The network failed (DNS, refused connection, CORS, TLS…); the text is the platform's.
    Network(String),
    /// The caller cancelled (an `AbortSignal` fired).
    Cancelled,
    /// No answer within the client-side time limit (seconds).
    Timeout(u32),
}

impl fmt::Display for NetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NetError::Network(m) => write!(f, "network error: {m}"),
            NetError::Cancelled => f.write_str("cancelled"),
            NetError::Timeout(s) => write!(f, "no answer within {s} s (timed out)"),
        }
    }
}

/// Sends requests, tells the time and waits. Implemented by `fetch` in the browser and by test doubles natively.
pub trait Transport {
    fn send(&self, request: &HttpRequest) -> impl Future<Output = Result<HttpResponse, NetError>>;
    /// Waits `ms` milliseconds; returns `Err(Cancelled)` (or `Err(Timeout)`) if cancelled meanwhile.
    fn sleep(&self, ms: u64) -> impl Future<Output = Result<(), NetError>>;
    /// Milliseconds since the Unix epoch (the clock rate limits and `Retry-After` dates are measured on).
    fn now_ms(&self) -> u64;
}
