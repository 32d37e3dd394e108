//! One remote service as the providers see it: name, endpoint, retries, rate limit, and the one send path.

use crate::error::Result;
use crate::net::{
    race, send_with_retry, Either, Endpoint, HttpRequest, HttpResponse, NetError, RateLimit, RateLimiter,
    ResponseCache, RetryPolicy, Transport,
};

/// A remote service (Log Analytics, Data Explorer, ARM, a threat-intel provider…). Its `name` is in every message;
/// `credential` says what to check on 401 (e.g. "the VirusTotal API key is valid"), and `hints` replace the generic
/// advice for some statuses (e.g. 400 for a query service: "check the query text"). `timeout_ms`, when set, ends
/// each attempt that has no answer by then (a lookup service that stalls does not hold up a whole batch); a query
/// service leaves it unset, since its caller's timeout covers the whole call.
#[derive(Debug)]
pub struct Service {
    pub name: String,
    pub endpoint: Endpoint,
    pub retry: RetryPolicy,
    pub limiter: Option<RateLimiter>,
    pub credential: String,
    pub hints: &'static [(u16, &'static str)],
    pub timeout_ms: Option<u64>,
}

impl Service {
    /// A service with the default retry policy, no rate limit and no special hints.
    pub fn new(name: impl Into<String>, endpoint: Endpoint, credential: impl Into<String>) -> Service {
        Service {
            name: name.into(),
            endpoint,
            retry: RetryPolicy::default(),
            limiter: None,
            credential: credential.into(),
            hints: &[],
            timeout_ms: None,
        }
    }

    /// The same service with this retry policy.
    pub fn retry(mut self, policy: RetryPolicy) -> Service {
        self.retry = policy;
        self
    }

    /// The same service limited to `limit` (every attempt, retries included, waits for it).
    pub fn rate_limit(mut self, limit: RateLimit) -> Service {
        self.limiter = Some(RateLimiter::new(limit));
        self
    }

    /// The same service with its own advice for some statuses.
    pub fn hints(mut self, hints: &'static [(u16, &'static str)]) -> Service {
        self.hints = hints;
        self
    }

    /// The same service giving up on each attempt after `ms` milliseconds without an answer.
    pub fn timeout_ms(mut self, ms: u64) -> Service {
        self.timeout_ms = Some(ms);
        self
    }

    /// The URL of `path` segments and `query` parameters on this service's endpoint (or its proxy).
    pub fn url(&self, path: &[&str], query: &[(&str, &str)]) -> Result<String> {
        self.endpoint.url(path, query)
    }

    /// Sends `req`: the cached answer if `cache` has one; else (each attempt waiting for the rate limit) sent with
    /// retries, and a 2xx or 404 answer kept in `cache`. Network failure, cancellation, timeout and a body over the
    /// transport's response size cap are errors naming the service; an HTTP status is returned for the caller to
    /// read ([`Service::status_error`] words it).
    pub async fn send<T: Transport>(
        &self,
        t: &T,
        req: &HttpRequest,
        cache: Option<&ResponseCache>,
    ) -> Result<HttpResponse> {
        req.check()?;
        if let Some(hit) = cache.and_then(|c| c.get(req)) {
            return Ok(hit);
        }
        let limited = Guarded { inner: t, limiter: self.limiter.as_ref(), timeout_ms: self.timeout_ms };
        let resp =
            send_with_retry(&limited, req, &self.retry, |_, _, _| {}).await.map_err(|e| self.network_error(req, e))?;
        if let Some(c) = cache {
            if (200..300).contains(&resp.status) || resp.status == 404 {
                c.put(req, &resp);
            }
        }
        Ok(resp)
    }

    /// [`Service::send`], with any status other than 2xx turned into [`Service::status_error`].
    pub async fn send_ok(
        &self,
        t: &impl Transport,
        r: &HttpRequest,
        c: Option<&ResponseCache>,
    ) -> Result<HttpResponse> {
        let resp = self.send(t, r, c).await?;
        match resp.status {
            200..=299 => Ok(resp),
            _ => Err(self.status_error(r, &resp)),
        }
    }
}

/// A transport whose every send first waits for the rate limit (so retries count against it too), then gives up
/// after `timeout_ms` without an answer, and refuses a body over the response size cap (whatever the transport
/// checked already).
struct Guarded<'a, T> {
    inner: &'a T,
    limiter: Option<&'a RateLimiter>,
    timeout_ms: Option<u64>,
}

impl<T: Transport> Transport for Guarded<'_, T> {
    async fn send(&self, request: &HttpRequest) -> std::result::Result<HttpResponse, NetError> {
        if let Some(l) = self.limiter {
            l.acquire(self.inner).await?;
        }
        let resp = match self.timeout_ms {
            None => self.inner.send(request).await?,
            Some(ms) => match race(self.inner.send(request), self.inner.sleep(ms)).await {
                Either::First(r) => r?,
                Either::Second(Ok(())) => {
                    return Err(NetError::Timeout(u32::try_from(ms.div_ceil(1000)).unwrap_or(u32::MAX)))
                }
                Either::Second(Err(e)) => return Err(e),
            },
        };
        let (bytes, cap) = (resp.body.len() as u64, self.inner.max_response_bytes());
        if bytes > cap {
            return Err(NetError::TooLarge { bytes: Some(bytes), cap });
        }
        Ok(resp)
    }
    async fn sleep(&self, ms: u64) -> std::result::Result<(), NetError> {
        self.inner.sleep(ms).await
    }
    fn now_ms(&self) -> u64 {
        self.inner.now_ms()
    }
    fn max_response_bytes(&self) -> u64 {
        self.inner.max_response_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;
    use crate::net::testing::*;
    use crate::net::Secret;

    fn vt() -> Service {
        Service::new(
            "VirusTotal",
            Endpoint::new("https://www.virustotal.com/api/v3"),
            "the VirusTotal API key is valid",
        )
        .rate_limit(RateLimit::per_minute(4))
    }

    #[test]
    fn cache_then_limit_then_retry() {
        let s = vt();
        let cache = ResponseCache::new(100, 1 << 20);
        let key = Secret::new("vt-key-0001", "the VirusTotal key").unwrap();
        let t = Scripted::new(vec![
            response(200, &[], "a"),
            response(404, &[], "not found"),
            response(429, &[("Retry-After", "1")], ""),
            response(200, &[], "c"),
            response(403, &[], "forbidden"),
            response(200, &[], "d"),
        ]);
        let req =
            |ioc: &str| HttpRequest::get(s.url(&["ip_addresses", ioc], &[]).unwrap()).secret_header("x-apikey", &key);
        let run = |r: &HttpRequest| block_on(s.send(&t, r, Some(&cache))).unwrap();
        assert_eq!(run(&req("1.1.1.1")).body, b"a");
        assert_eq!(run(&req("1.1.1.1")).body, b"a", "from the cache");
        assert_eq!(run(&req("2.2.2.2")).status, 404);
        assert_eq!(run(&req("2.2.2.2")).status, 404, "404 (not found) is an answer worth keeping");
        assert_eq!(run(&req("3.3.3.3")).body, b"c");
        assert_eq!(run(&req("4.4.4.4")).status, 403);
        assert_eq!(run(&req("4.4.4.4")).body, b"d", "a failure is not cached");
        assert_eq!(t.sent.borrow().len(), 6);
        assert_eq!(cache.stats(), (2, 5));
        // Four a minute, the retry included: the fifth request waited until the first three left the window.
        assert_eq!(t.sent_at(), [0, 0, 0, 1_000, 60_000, 60_000]);
        assert_eq!(t.sent.borrow()[0].url, "https://www.virustotal.com/api/v3/ip_addresses/1.1.1.1");
    }

    #[test]
    fn a_body_over_the_cap_is_refused_with_its_size_and_the_cap() {
        let mut t = Scripted::new(vec![response(200, &[], &"x".repeat(2000)), response(200, &[], "ok")]);
        t.max_response_bytes = 1000;
        let s = vt();
        let req = HttpRequest::get("https://h/a");
        let e = block_on(s.send(&t, &req, None)).unwrap_err().to_string();
        assert!(e.starts_with("VirusTotal answered with a body of 2000 bytes (0.00 MiB), over the response size cap of 1000 bytes"), "{e}");
        assert!(e.contains("maxResponseBytes"), "{e}");
        assert_eq!(t.sent.borrow().len(), 1, "not retried");
        assert_eq!(block_on(s.send(&t, &req, None)).unwrap().body, b"ok", "a body within the cap is read");
    }

    #[test]
    fn an_attempt_that_stalls_ends_at_the_service_timeout() {
        let mut t = Scripted::routed(|_| response(200, &[], "{}"));
        t.stall = Some(Box::new(|r: &HttpRequest| r.url.ends_with("/slow")));
        let s = vt().timeout_ms(1_500);
        let e = block_on(s.send(&t, &HttpRequest::get("https://h/slow"), None)).unwrap_err().to_string();
        assert_eq!(
            e,
            "VirusTotal did not answer within 2 s (the request timeout of this service). Try again later, or raise its \
             timeout option."
        );
        assert_eq!(t.clock.get(), 1_500, "it gave up after the timeout on the fake clock");
        assert_eq!(block_on(s.send(&t, &HttpRequest::get("https://h/fast"), None)).unwrap().body, b"{}");
        let mut c = Scripted::routed(|_| response(200, &[], "{}"));
        c.stall = Some(Box::new(|_| true));
        c.cancel_sleep = true;
        assert!(matches!(block_on(s.send(&c, &HttpRequest::get("https://h/slow"), None)), Err(Error::Cancelled)));
    }

    #[test]
    fn refuses_bad_headers_before_sending() {
        let t = Scripted::new(vec![response(200, &[], "")]);
        let req = HttpRequest::get("https://h/").header("X-Note", "a\nb");
        assert!(matches!(block_on(vt().send(&t, &req, None)), Err(Error::Invalid(_))));
        assert!(t.sent.borrow().is_empty());
    }

    #[test]
    fn send_ok_words_the_status() {
        let t = Scripted::new(vec![response(
            401,
            &[],
            r#"{"error":{"code":"WrongCredentialsError","message":"Wrong API key"}}"#,
        )]);
        let e = block_on(vt().send_ok(&t, &HttpRequest::get("https://h/"), None)).unwrap_err().to_string();
        assert_eq!(
            e,
            "VirusTotal answered HTTP 401 WrongCredentialsError: Wrong API key. Check that the VirusTotal API key is valid."
        );
    }
}
