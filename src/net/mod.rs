//! HTTP for every remote service (Log Analytics, Data Explorer, ARM, and the enrichment providers), through a small
//! [`Transport`] trait.
//!
//! The core never calls `fetch` itself: a provider builds an [`HttpRequest`] against its [`Endpoint`] (base URL, or
//! a proxy base URL in its place), and sends it through its [`Service`], which applies, in order, the per-session
//! [`ResponseCache`], the service's [`RateLimiter`] and the [`RetryPolicy`] (429/503 retried after `Retry-After`,
//! 500/502/504 after a short backoff, bounded), refuses bodies larger than the transport's response size cap
//! ([`DEFAULT_MAX_RESPONSE_BYTES`] unless the user raises it), and turns failures into errors that name the service
//! and say what to check. Tokens and keys are
//! [`Secret`]s from a [`SecretSource`]: their `Debug`/`Display` never show the value, and every message built from
//! a request has the request's secrets replaced by `[secret]`. [`fan_out`] runs many lookups with at most K in
//! flight, in input order, with progress and cancellation.
//!
//! In the browser the transport is `fetch` (in `crate::wasm`), with an `AbortSignal` for cancellation; natively
//! tests use the scripted double of [`testing`] (also available to integration tests with the `testing` feature).
//! Time (`now_ms`) and waiting (`sleep`) also go through the transport, so a cancelled query stops waiting at once,
//! and tests run rate limits and retries on a fake clock without sleeping. Asking a [`SecretSource`] for a token is
//! raced against the same cancellation and timeout ([`ask_secret`]), so a `getToken()` that never answers cannot
//! hang a query.

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
mod wait;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use cache::ResponseCache;
pub use fanout::fan_out;
pub use http::{Endpoint, HttpRequest, HttpResponse};
pub use limit::{RateLimit, RateLimiter};
pub use replay::Replay;
pub use retry::{parse_retry_after_ms, send_with_retry, RetryPolicy};
pub use secret::{ask_secret, Secret, SecretSource};
pub use service::Service;
pub use wait::{race, until_aborted, yield_now, Either};

/// The response size cap when the user sets none: 512 MiB. Log Analytics' largest answer (500,000 rows, the
/// service maximum) can be about 300 MB of JSON uncompressed.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 512 << 20;

/// What a user may set for one call to a query service (`connect()` / `execQuery()` options, read with
/// [`crate::options::read`]): `maxResponseBytes`, the response size cap.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CallOptions {
    #[serde(deserialize_with = "crate::options::whole")]
    pub max_response_bytes: u64,
}

impl Default for CallOptions {
    fn default() -> Self {
        CallOptions { max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES }
    }
}

/// Why a request got no response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetError {
    /// The network failed (DNS, refused connection, CORS, TLS…); the text is the platform's.
    Network(String),
    /// The caller cancelled (an `AbortSignal` fired).
    Cancelled,
    /// No answer within the client-side time limit (seconds).
    Timeout(u32),
    /// The body is larger than the response size cap: `bytes` as announced by `Content-Length` or as read whole,
    /// `None` when reading stopped at the cap.
    TooLarge { bytes: Option<u64>, cap: u64 },
    /// The body did not fit in memory: growing the buffer failed after `bytes` bytes had been read.
    OutOfMemory { bytes: u64 },
}

impl fmt::Display for NetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NetError::Network(m) => write!(f, "network error: {m}"),
            NetError::Cancelled => f.write_str("cancelled"),
            NetError::Timeout(s) => write!(f, "no answer within {s} s (timed out)"),
            NetError::TooLarge { cap, .. } => write!(f, "a body over the {cap}-byte response size cap"),
            NetError::OutOfMemory { bytes } => write!(f, "the body did not fit in memory after {bytes} bytes"),
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
    /// The largest response body accepted, in bytes. A transport that sees `Content-Length` (or counts bytes as
    /// they arrive) should stop early with [`NetError::TooLarge`]; [`Service::send`] checks every body after too.
    fn max_response_bytes(&self) -> u64 {
        DEFAULT_MAX_RESPONSE_BYTES
    }
}
