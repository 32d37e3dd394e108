//! Test support: a transport that answers from a script (or a routing function), records what it was asked and
//! when, and runs on a fake clock that only `sleep` (or the test) moves, so nothing waits for real.
//!
//! Unit tests use it directly; integration tests in `tests/` get it with the `testing` feature (a dev-dependency of
//! the crate on itself turns it on for `cargo test`).

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::Future;

use crate::net::{HttpRequest, HttpResponse, NetError, Transport};

/// A clock in milliseconds that moves only when told.
#[derive(Debug, Default)]
pub struct FakeClock(Cell<u64>);

impl FakeClock {
    pub fn get(&self) -> u64 {
        self.0.get()
    }
    pub fn set(&self, ms: u64) {
        self.0.set(ms);
    }
    pub fn advance(&self, ms: u64) {
        self.0.set(self.0.get().saturating_add(ms));
    }
}

type Route = Box<dyn Fn(&HttpRequest) -> Result<HttpResponse, NetError>>;
type Stall = Box<dyn Fn(&HttpRequest) -> bool>;

/// A scripted transport: answers in order from `answers` (or from `route`), and records each request with the
/// clock time it was sent at. `sleep` moves the clock; with `cancel_sleep` it fails as a cancelled wait would.
/// `latency_polls` makes each answer take that many polls (so several requests can be in flight at once).
/// `deadline_ms` is the client timeout on the fake clock: a sleep that would pass it ends there with
/// `Err(Timeout)`. A request for which `stall` answers true is recorded and never answered. `max_response_bytes`
/// is the response size cap the transport reports (it does not enforce it: the service does).
pub struct Scripted {
    pub answers: RefCell<VecDeque<Result<HttpResponse, NetError>>>,
    pub route: Option<Route>,
    pub sent: RefCell<Vec<HttpRequest>>,
    sent_times: RefCell<Vec<u64>>,
    pub slept: RefCell<Vec<u64>>,
    pub clock: FakeClock,
    pub cancel_sleep: bool,
    pub latency_polls: u32,
    pub deadline_ms: Option<u64>,
    pub stall: Option<Stall>,
    pub max_response_bytes: u64,
}

impl Scripted {
    pub fn new(answers: Vec<Result<HttpResponse, NetError>>) -> Self {
        Scripted {
            answers: RefCell::new(answers.into()),
            route: None,
            sent: RefCell::new(Vec::new()),
            sent_times: RefCell::new(Vec::new()),
            slept: RefCell::new(Vec::new()),
            clock: FakeClock::default(),
            cancel_sleep: false,
            latency_polls: 0,
            deadline_ms: None,
            stall: None,
            max_response_bytes: crate::net::DEFAULT_MAX_RESPONSE_BYTES,
        }
    }

    /// A transport that answers each request with `route(request)`.
    pub fn routed(route: impl Fn(&HttpRequest) -> Result<HttpResponse, NetError> + 'static) -> Self {
        let mut s = Scripted::new(Vec::new());
        s.route = Some(Box::new(route));
        s
    }

    /// The clock time of each request sent, in order.
    pub fn sent_at(&self) -> Vec<u64> {
        self.sent_times.borrow().clone()
    }
}

/// A scripted answer: status, headers and a text body.
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
        self.sent_times.borrow_mut().push(self.clock.get());
        if self.stall.as_ref().is_some_and(|stall| stall(request)) {
            std::future::pending::<()>().await;
        }
        for _ in 0..self.latency_polls {
            yield_now().await;
        }
        match &self.route {
            Some(route) => route(request),
            None => self.answers.borrow_mut().pop_front().unwrap_or(Err(NetError::Network("script exhausted".into()))),
        }
    }
    async fn sleep(&self, ms: u64) -> Result<(), NetError> {
        self.slept.borrow_mut().push(ms);
        if self.cancel_sleep {
            return Err(NetError::Cancelled);
        }
        if let Some(deadline) = self.deadline_ms {
            if self.clock.get().saturating_add(ms) >= deadline {
                self.clock.set(deadline.max(self.clock.get()));
                return Err(NetError::Timeout(u32::try_from(deadline.div_ceil(1000)).unwrap_or(u32::MAX)));
            }
        }
        self.clock.advance(ms);
        Ok(())
    }
    fn now_ms(&self) -> u64 {
        self.clock.get()
    }
    fn max_response_bytes(&self) -> u64 {
        self.max_response_bytes
    }
}

pub use crate::net::yield_now;

/// Runs a future to completion on this thread, polling until it is ready (the scripted transport never truly
/// waits, so this ends as soon as the work does).
pub fn block_on<F: Future>(fut: F) -> F::Output {
    use std::pin::pin;
    use std::task::{Context, Poll, Waker};
    let mut cx = Context::from_waker(Waker::noop());
    let mut fut = pin!(fut);
    loop {
        if let Poll::Ready(v) = fut.as_mut().poll(&mut cx) {
            return v;
        }
    }
}
