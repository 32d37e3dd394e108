//! Retries of answers that say "try again": 429/503 after `Retry-After`, 500/502/504 after a short backoff, bounded
//! in count and in each wait. Every request huntbook retries is a read (a query or a lookup), so sending it again is
//! safe; other 4xx answers are never retried (sending the same request again gets the same refusal).

use crate::net::{HttpRequest, HttpResponse, NetError, Transport};

/// When to try again, at most `max_retries` times:
/// - 429 (throttled) and 503 (unavailable): after `Retry-After` (seconds or an HTTP date; else `default_wait_ms`,
///   doubling), never waiting longer than `max_wait_ms` at once;
/// - 500, 502 and 504 (the service or a gateway failed): after `server_error_wait_ms`, doubling (or `Retry-After`
///   when given), never longer than `max_server_error_wait_ms` at once: a short backoff, since such failures are
///   usually brief and a long wait helps no one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    pub max_retries: u32,
    pub max_wait_ms: u64,
    pub default_wait_ms: u64,
    pub server_error_wait_ms: u64,
    pub max_server_error_wait_ms: u64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            max_wait_ms: 60_000,
            default_wait_ms: 2_000,
            server_error_wait_ms: 1_000,
            max_server_error_wait_ms: 8_000,
        }
    }
}

impl RetryPolicy {
    /// Whether an answer with `status` is tried again (while retries last).
    pub fn retries(&self, status: u16) -> bool {
        matches!(status, 429 | 500 | 502 | 503 | 504)
    }

    /// How many times a request is sent at most (1 + retries).
    pub fn attempts(&self) -> u32 {
        self.max_retries.saturating_add(1)
    }

    /// The wait before retry number `attempt` (1-based) after `response` received at `now_ms`, or `None` when not
    /// to retry.
    pub fn delay(&self, attempt: u32, response: &HttpResponse, now_ms: u64) -> Option<u64> {
        if !self.retries(response.status) || attempt > self.max_retries {
            return None;
        }
        let (first, cap) = match response.status {
            429 | 503 => (self.default_wait_ms, self.max_wait_ms),
            _ => (self.server_error_wait_ms, self.max_server_error_wait_ms),
        };
        let told = response.header("Retry-After").and_then(|v| {
            parse_retry_after_ms(v).or_else(|| {
                let at = chrono::DateTime::parse_from_rfc2822(v.trim()).ok()?.timestamp_millis();
                Some(u64::try_from(at).unwrap_or(0).saturating_sub(now_ms))
            })
        });
        let wait = told.unwrap_or(first.saturating_mul(1 << (attempt - 1).min(10)));
        Some(wait.min(cap))
    }
}

/// `Retry-After` as whole or fractional seconds (`None` for anything else, e.g. the HTTP-date form).
pub fn parse_retry_after_ms(value: &str) -> Option<u64> {
    let secs: f64 = value.trim().parse().ok()?;
    (secs.is_finite() && secs >= 0.0).then(|| (secs.min(1e9) * 1000.0).round() as u64)
}

/// Sends `request`, retrying as `policy` says. `on_retry(attempt, wait_ms, status)` is told before each wait.
/// The last answer is returned when retries run out, for the caller to report.
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
        match policy.delay(attempt, &response, transport.now_ms()) {
            Some(wait) => {
                on_retry(attempt, wait, response.status);
                transport.sleep(wait).await?;
            }
            None => return Ok(response),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::testing::*;

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
        assert_eq!(t.sent_at(), [0, 3000, 3500], "each retry waited on the (fake) clock");
    }

    #[test]
    fn retries_are_bounded_and_waits_capped() {
        let policy = RetryPolicy { max_retries: 2, max_wait_ms: 10_000, default_wait_ms: 1000, ..Default::default() };
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
    fn retry_after_as_an_http_date_is_measured_on_the_transport_clock() {
        let dates = ["Wed, 21 Oct 2015 07:28:00 GMT", "Wed, 21 Oct 2015 07:27:00 GMT"];
        let mut answers: Vec<_> = dates.iter().map(|d| response(429, &[("Retry-After", d)], "")).collect();
        answers.push(response(200, &[], ""));
        let t = Scripted::new(answers);
        t.clock.set(1_445_412_470_000); // 07:27:50
        let r = block_on(send_with_retry(&t, &HttpRequest::get("http://x/"), &RetryPolicy::default(), |_, _, _| {}));
        assert_eq!(r.unwrap().status, 200);
        assert_eq!(*t.slept.borrow(), [10_000, 0], "a date in the past means now");
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
    fn server_errors_are_retried_after_a_short_capped_backoff_then_returned() {
        for status in [500, 502, 504] {
            let t = Scripted::new((0..4).map(|_| response(status, &[], "oops")).collect());
            let mut told = Vec::new();
            let r = block_on(send_with_retry(&t, &HttpRequest::get("http://x/"), &RetryPolicy::default(), |a, w, s| {
                told.push((a, w, s))
            }));
            assert_eq!(r.unwrap().status, status, "the last answer is returned for the caller to report");
            assert_eq!(*t.slept.borrow(), [1_000, 2_000, 4_000], "{status}: 1 s, 2 s, 4 s");
            assert_eq!(t.sent_at(), [0, 1_000, 3_000, 7_000]);
            assert_eq!(told.len(), 3);
        }
        // A Retry-After on a server error is followed, but never past the short cap; a recovery ends the retries.
        let t = Scripted::new(vec![
            response(502, &[("Retry-After", "3600")], "Bad Gateway"),
            response(500, &[], ""),
            response(200, &[], "{}"),
        ]);
        let r = block_on(send_with_retry(&t, &HttpRequest::get("http://x/"), &RetryPolicy::default(), |_, _, _| {}));
        assert_eq!(r.unwrap().status, 200);
        assert_eq!(*t.slept.borrow(), [8_000, 2_000]);
        assert!(RetryPolicy::default().retries(503) && !RetryPolicy::default().retries(501));
        assert_eq!(RetryPolicy::default().attempts(), 4);
    }

    #[test]
    fn no_retry_for_other_statuses() {
        for status in [200, 204, 400, 401, 403, 404, 409, 413, 501, 505] {
            let t = Scripted::new(vec![response(status, &[("Retry-After", "1")], "")]);
            let r =
                block_on(send_with_retry(&t, &HttpRequest::get("http://x/"), &RetryPolicy::default(), |_, _, _| {}));
            assert_eq!(r.unwrap().status, status);
            assert!(t.slept.borrow().is_empty());
        }
        assert_eq!(parse_retry_after_ms("abc"), None);
        assert_eq!(parse_retry_after_ms("-1"), None);
        assert_eq!(parse_retry_after_ms("1e300"), Some(1_000_000_000_000));
    }
}
