//! A rate limit per provider: at most N requests in any window of W milliseconds (VirusTotal's public API: 4 a
//! minute), measured on the transport's clock and waited out with the transport's `sleep`.

use std::cell::RefCell;
use std::collections::VecDeque;

use crate::net::{NetError, Transport};

/// At most `requests` requests in any `per_ms` milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub requests: u32,
    pub per_ms: u64,
}

impl RateLimit {
    /// `n` requests a minute.
    pub fn per_minute(n: u32) -> RateLimit {
        RateLimit { requests: n, per_ms: 60_000 }
    }
}

/// Keeps the send times of the last `requests` requests; one per provider, shared by all its lookups.
#[derive(Debug)]
pub struct RateLimiter {
    limit: RateLimit,
    sent: RefCell<VecDeque<u64>>,
}

impl RateLimiter {
    pub fn new(limit: RateLimit) -> RateLimiter {
        let limit = RateLimit { requests: limit.requests.max(1), per_ms: limit.per_ms };
        RateLimiter { limit, sent: RefCell::new(VecDeque::new()) }
    }

    pub fn limit(&self) -> RateLimit {
        self.limit
    }

    /// How long to wait at `now_ms` before another request fits the window (0: now).
    pub fn wait_ms(&self, now_ms: u64) -> u64 {
        let mut sent = self.sent.borrow_mut();
        while sent.front().is_some_and(|&t| t.saturating_add(self.limit.per_ms) <= now_ms) {
            sent.pop_front();
        }
        if sent.len() < self.limit.requests as usize {
            return 0;
        }
        sent.front().map_or(0, |&t| t.saturating_add(self.limit.per_ms).saturating_sub(now_ms))
    }

    /// Waits until a request fits the window, then counts one request as sent now. Cancellation while waiting
    /// (the transport's `sleep` failing) is returned.
    pub async fn acquire<T: Transport>(&self, transport: &T) -> Result<(), NetError> {
        loop {
            let now = transport.now_ms();
            let wait = self.wait_ms(now);
            if wait == 0 {
                self.sent.borrow_mut().push_back(now);
                return Ok(());
            }
            transport.sleep(wait).await?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::testing::*;

    #[test]
    fn four_a_minute_on_a_fake_clock() {
        let t = Scripted::new(vec![]);
        let lim = RateLimiter::new(RateLimit::per_minute(4));
        let mut at = Vec::new();
        for _ in 0..10 {
            block_on(lim.acquire(&t)).unwrap();
            at.push(t.clock.get());
            t.clock.advance(1_000); // each request takes a second
        }
        assert_eq!(at, [0, 1_000, 2_000, 3_000, 60_000, 61_000, 62_000, 63_000, 120_000, 121_000]);
        for w in at.windows(5) {
            assert!(w[4] - w[0] >= 60_000, "five requests within a minute: {w:?}");
        }
        assert_eq!(*t.slept.borrow(), [56_000, 56_000], "waited only when the window was full");
    }

    #[test]
    fn waits_are_computed_from_the_oldest_request_in_the_window() {
        let lim = RateLimiter::new(RateLimit { requests: 2, per_ms: 1_000 });
        let t = Scripted::new(vec![]);
        block_on(lim.acquire(&t)).unwrap();
        t.clock.set(400);
        block_on(lim.acquire(&t)).unwrap();
        assert_eq!(lim.wait_ms(500), 500);
        assert_eq!(lim.wait_ms(1_000), 0, "the first request left the window");
        assert_eq!(lim.wait_ms(1_300), 0);
        assert_eq!(RateLimiter::new(RateLimit { requests: 0, per_ms: 10 }).limit().requests, 1);
    }

    #[test]
    fn cancelled_while_waiting() {
        let mut t = Scripted::new(vec![]);
        t.cancel_sleep = true;
        let lim = RateLimiter::new(RateLimit::per_minute(1));
        block_on(lim.acquire(&t)).unwrap();
        assert_eq!(block_on(lim.acquire(&t)), Err(NetError::Cancelled));
    }
}
