//! HTTP through a small [`Transport`] trait, and retries that honour `Retry-After`.
//!
//! The core never calls `fetch` itself: providers build an [`HttpRequest`], hand it to a `Transport`, and read the
//! [`HttpResponse`]. In the browser the transport is `fetch` (in `crate::wasm`), with an `AbortSignal` for
//! cancellation; natively, tests use a scripted double. Waiting between retries also goes through the transport,
//! so a cancelled query stops waiting at once and tests do not sleep.

use std::fmt;
use std::future::Future;

/// A request to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
}

impl HttpRequest {
    pub fn post_json(url: impl Into<String>, body: &serde_json::Value) -> HttpRequest {
        HttpRequest {
            method: "POST".into(),
            url: url.into(),
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: Some(body.to_string()),
        }
    }

    pub fn get(url: impl Into<String>) -> HttpRequest {
        HttpRequest {
            method: "GET".into(),
            url: url.into(),
            headers: Vec::new(),
            body: None,
        }
    }

    pub fn header(mut self, name: &str, value: impl Into<String>) -> HttpRequest {
        self.headers.push((name.to_string(), value.into()));
        self
    }
}

/// A response: status, headers (names as sent; looked up case-insensitively) and body bytes.
#[derive(Debug, Clone, Default)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
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

/// Sends requests and waits. Implemented by `fetch` in the browser and by test doubles natively.
pub trait Transport {
    fn send(&self, request: &HttpRequest) -> impl Future<Output = Result<HttpResponse, NetError>>;
    /// Waits `ms` milliseconds; returns `Err(Cancelled)` if cancelled meanwhile.
    fn sleep(&self, ms: u64) -> impl Future<Output = Result<(), NetError>>;
}

/// When to try again: on 429 (throttled) and 503 (unavailable), after `Retry-After` seconds (or a growing default),
/// at most `max_retries` times and never waiting longer than `max_wait_ms` at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    pub max_retries: u32,
    pub max_wait_ms: u64,
    pub default_wait_ms: u64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            max_wait_ms: 60_000,
            default_wait_ms: 2_000,
        }
    }
}

impl RetryPolicy {
    /// The wait before retry number `attempt` (1-based) after `response`, or `None` when not to retry.
    pub fn delay(&self, attempt: u32, response: &HttpResponse) -> Option<u64> {
        if !matches!(response.status, 429 | 503) || attempt > self.max_retries {
            return None;
        }
        let wait = response
            .header("Retry-After")
            .and_then(parse_retry_after_ms)
            .unwrap_or(self.default_wait_ms.saturating_mul(1 << (attempt - 1).min(10)));
        Some(wait.min(self.max_wait_ms))
    }
}

/// `Retry-After` as whole or fractional seconds (the HTTP-date form is not used by these services).
pub fn parse_retry_after_ms(value: &str) -> Option<u64> {
    let secs: f64 = value.trim().parse().ok()?;
    (secs.is_finite() && secs >= 0.0).then(|| (secs * 1000.0).round() as u64)
}

/// Sends `request`, retrying as `policy` says. `on_retry(attempt, wait_ms, status)` is told before each wait.
pub async fn send_with_retry<T: Transport>(
    transport: &T,
    request: &HttpRequest,
    policy: &RetryPolicy,
    mut on_retry: impl FnMut(u32, u64, u16),
) -> Result<HttpResponse, NetError> {
    let mut attempt = 0;
    loop {
        let response = transport.send(request).await?;
        attempt += 1;
        match policy.delay(attempt, &response) {
            Some(wait) => {
                on_retry(attempt, wait, response.status);
                transport.sleep(wait).await?;
            }
            None => return Ok(response),
        }
    }
}

/// Test support: a transport that answers from a script and records what it was asked.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;
    use std::cell::RefCell;
    use std::collections::VecDeque;

    pub struct Scripted {
        pub answers: RefCell<VecDeque<Result<HttpResponse, NetError>>>,
        pub sent: RefCell<Vec<HttpRequest>>,
        pub slept: RefCell<Vec<u64>>,
        pub cancel_sleep: bool,
    }

    impl Scripted {
        pub fn new(answers: Vec<Result<HttpResponse, NetError>>) -> Self {
            Scripted {
                answers: RefCell::new(answers.into()),
                sent: RefCell::new(Vec::new()),
                slept: RefCell::new(Vec::new()),
                cancel_sleep: false,
            }
        }
    }

    pub fn response(status: u16, headers: &[(&str, &str)], body: &str) -> Result<HttpResponse, NetError> {
        Ok(HttpResponse {
            status,
            headers: headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            body: body.as_bytes().to_vec(),
        })
    }

    impl Transport for Scripted {
        async fn send(&self, request: &HttpRequest) -> Result<HttpResponse, NetError> {
            self.sent.borrow_mut().push(request.clone());
            self.answers
                .borrow_mut()
                .pop_front()
                .unwrap_or(Err(NetError::Network("script exhausted".into())))
        }
        async fn sleep(&self, ms: u64) -> Result<(), NetError> {
            self.slept.borrow_mut().push(ms);
            if self.cancel_sleep {
                Err(NetError::Cancelled)
            } else {
                Ok(())
            }
        }
    }

    /// Runs a future that never truly waits (the scripted transport is synchronous) to completion.
    pub fn block_on<F: Future>(fut: F) -> F::Output {
        use std::pin::pin;
        use std::task::{Context, Poll, RawWaker, RawWakerVTable, Waker};
        fn noop_raw() -> RawWaker {
            fn clone(_: *const ()) -> RawWaker {
                noop_raw()
            }
            fn noop(_: *const ()) {}
            static VTABLE: RawWakerVTable = RawWakerVTable::new(clone, noop, noop, noop);
            RawWaker::new(std::ptr::null(), &VTABLE)
        }
        // SAFETY: the vtable's functions do nothing and never dereference the data pointer.
        let waker = unsafe { Waker::from_raw(noop_raw()) };
        let mut cx = Context::from_waker(&waker);
        let mut fut = pin!(fut);
        loop {
            if let Poll::Ready(v) = fut.as_mut().poll(&mut cx) {
                return v;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::*;
    use super::*;

    #[test]
    fn retries_429_and_503_after_retry_after_then_stops() {
        let t = Scripted::new(vec![
            response(429, &[("Retry-After", "3")], ""),
            response(503, &[("retry-after", "0.5")], ""),
            response(200, &[], "{}"),
        ]);
        let mut told = Vec::new();
        let req = HttpRequest::get("http://x/");
        let r = block_on(send_with_retry(&t, &req, &RetryPolicy::default(), |a, w, s| told.push((a, w, s)))).unwrap();
        assert_eq!(r.status, 200);
        assert_eq!(*t.slept.borrow(), [3000, 500]);
        assert_eq!(told, [(1, 3000, 429), (2, 500, 503)]);
        assert_eq!(t.sent.borrow().len(), 3);
    }

    #[test]
    fn retries_are_bounded_and_waits_capped() {
        let policy = RetryPolicy { max_retries: 2, max_wait_ms: 10_000, default_wait_ms: 1000 };
        let t = Scripted::new(vec![
            response(429, &[("Retry-After", "120")], ""),
            response(429, &[], ""),
            response(429, &[], "throttled"),
        ]);
        let r = block_on(send_with_retry(&t, &HttpRequest::get("http://x/"), &policy, |_, _, _| {})).unwrap();
        assert_eq!(r.status, 429, "the last answer is returned for the caller to report");
        assert_eq!(*t.slept.borrow(), [10_000, 2000]);
    }

    #[test]
    fn cancelling_while_waiting_stops() {
        let mut t = Scripted::new(vec![response(429, &[("Retry-After", "5")], "")]);
        t.cancel_sleep = true;
        let r = block_on(send_with_retry(&t, &HttpRequest::get("http://x/"), &RetryPolicy::default(), |_, _, _| {}));
        assert_eq!(r.unwrap_err(), NetError::Cancelled);
        assert_eq!(t.sent.borrow().len(), 1);
    }

    #[test]
    fn no_retry_for_other_statuses() {
        for status in [200, 204, 400, 401, 403, 500, 504] {
            let t = Scripted::new(vec![response(status, &[("Retry-After", "1")], "")]);
            let r = block_on(send_with_retry(&t, &HttpRequest::get("http://x/"), &RetryPolicy::default(), |_, _, _| {}));
            assert_eq!(r.unwrap().status, status);
            assert!(t.slept.borrow().is_empty());
        }
        assert_eq!(parse_retry_after_ms("abc"), None);
        assert_eq!(parse_retry_after_ms("-1"), None);
    }
}
