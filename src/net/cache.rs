//! A per-session response cache, bounded in entries and bytes, least recently used out first.
//!
//! The key is a SHA-256 of method, URL and body, so a key placed in a URL (where an API demands it) is not kept
//! in the clear, and `Debug` shows only counts. Headers are not part of the key: within a session the same
//! request answers the same, whichever token sent it.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::fmt;

use sha2::{Digest, Sha256};

use crate::net::{HttpRequest, HttpResponse};

type Key = [u8; 32];

#[derive(Default)]
struct Inner {
    entries: HashMap<Key, (HttpResponse, u64)>,
    by_use: BTreeMap<u64, Key>,
    tick: u64,
    bytes: usize,
    hits: u64,
    misses: u64,
}

/// Responses kept for the session: at most `max_entries` of them and `max_bytes` in all.
pub struct ResponseCache {
    max_entries: usize,
    max_bytes: usize,
    inner: RefCell<Inner>,
}

impl ResponseCache {
    pub fn new(max_entries: usize, max_bytes: usize) -> ResponseCache {
        ResponseCache { max_entries, max_bytes, inner: RefCell::default() }
    }

    fn key(req: &HttpRequest) -> Key {
        let mut h = Sha256::new();
        for part in [req.method.as_bytes(), b"\0", req.url.as_bytes(), b"\0", req.body.as_deref().unwrap_or_default()] {
            h.update(part);
        }
        h.finalize().into()
    }

    /// The cached answer to `req`, if any (counted as a hit or a miss).
    pub fn get(&self, req: &HttpRequest) -> Option<HttpResponse> {
        let key = Self::key(req);
        let mut inner = self.inner.borrow_mut();
        let inner = &mut *inner;
        inner.tick += 1;
        let Some((resp, used)) = inner.entries.get_mut(&key) else {
            inner.misses += 1;
            return None;
        };
        inner.by_use.remove(used);
        *used = inner.tick;
        inner.by_use.insert(inner.tick, key);
        inner.hits += 1;
        Some(resp.clone())
    }

    /// Keeps `resp` as the answer to `req`, evicting the least recently used entries to stay within bounds.
    /// A response larger than the whole budget is not kept.
    pub fn put(&self, req: &HttpRequest, resp: &HttpResponse) {
        let size = resp.size();
        if self.max_entries == 0 || size > self.max_bytes {
            return;
        }
        let key = Self::key(req);
        let mut inner = self.inner.borrow_mut();
        let inner = &mut *inner;
        if let Some((old, used)) = inner.entries.remove(&key) {
            inner.bytes -= old.size();
            inner.by_use.remove(&used);
        }
        while inner.entries.len() >= self.max_entries || inner.bytes + size > self.max_bytes {
            let Some((_, oldest)) = inner.by_use.pop_first() else { break };
            if let Some((old, _)) = inner.entries.remove(&oldest) {
                inner.bytes -= old.size();
            }
        }
        inner.tick += 1;
        inner.by_use.insert(inner.tick, key);
        inner.entries.insert(key, (resp.clone(), inner.tick));
        inner.bytes += size;
    }

    /// Entries held.
    pub fn len(&self) -> usize {
        self.inner.borrow().entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes held (bodies and headers).
    pub fn bytes(&self) -> usize {
        self.inner.borrow().bytes
    }

    /// (hits, misses) so far.
    pub fn stats(&self) -> (u64, u64) {
        let i = self.inner.borrow();
        (i.hits, i.misses)
    }

    pub fn clear(&self) {
        let mut i = self.inner.borrow_mut();
        i.entries.clear();
        i.by_use.clear();
        i.bytes = 0;
    }
}

impl fmt::Debug for ResponseCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (hits, misses) = self.stats();
        f.debug_struct("ResponseCache")
            .field("entries", &self.len())
            .field("bytes", &self.bytes())
            .field("hits", &hits)
            .field("misses", &misses)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(body: &str) -> HttpResponse {
        HttpResponse { status: 200, headers: Vec::new(), body: body.as_bytes().to_vec() }
    }

    #[test]
    fn hit_miss_and_key_parts() {
        let c = ResponseCache::new(10, 1_000);
        let a = HttpRequest::get("https://h/ip/1.2.3.4");
        assert_eq!(c.get(&a), None);
        c.put(&a, &resp("one"));
        assert_eq!(c.get(&a).unwrap().body, b"one");
        assert_eq!(c.get(&HttpRequest::get("https://h/ip/1.2.3.5")), None, "another URL");
        assert_eq!(c.get(&HttpRequest::new("HEAD", "https://h/ip/1.2.3.4")), None, "another method");
        let p1 = HttpRequest::post("https://h/q", "text/plain", b"x".to_vec());
        let p2 = HttpRequest::post("https://h/q", "text/plain", b"y".to_vec());
        c.put(&p1, &resp("for x"));
        assert_eq!(c.get(&p2), None, "another body");
        assert_eq!(c.get(&p1).unwrap().body, b"for x");
        assert_eq!(c.stats(), (2, 4));
        c.put(&a, &resp("again"));
        assert_eq!((c.len(), c.bytes()), (2, 10), "a replaced entry is counted once");
    }

    #[test]
    fn evicts_least_recently_used_by_count_and_by_bytes() {
        let c = ResponseCache::new(3, 100);
        let req = |i: u32| HttpRequest::get(format!("https://h/{i}"));
        for i in 0..3 {
            c.put(&req(i), &resp("0123456789"));
        }
        assert!(c.get(&req(0)).is_some(), "0 is now the most recently used");
        c.put(&req(3), &resp("abc"));
        assert_eq!(c.len(), 3);
        assert!(c.get(&req(1)).is_none(), "1 was the least recently used");
        assert!(c.get(&req(0)).is_some() && c.get(&req(2)).is_some() && c.get(&req(3)).is_some());
        c.put(&req(4), &resp(&"x".repeat(90)));
        assert_eq!(c.bytes(), 93, "the two least recently used made room: {c:?}");
        assert!(c.get(&req(0)).is_none() && c.get(&req(2)).is_none());
        assert!(c.get(&req(3)).is_some() && c.get(&req(4)).is_some());
        c.put(&req(5), &resp(&"x".repeat(101)));
        assert!(c.get(&req(5)).is_none(), "larger than the budget: not kept");
        assert_eq!(c.len(), 2);
        c.clear();
        assert!(c.is_empty() && c.bytes() == 0);
    }

    #[test]
    fn debug_shows_no_urls() {
        let c = ResponseCache::new(3, 100);
        c.put(&HttpRequest::get("https://h/x?key=SECRETKEY"), &resp("r"));
        let d = format!("{c:?}");
        assert!(!d.contains("SECRETKEY") && d.contains("entries: 1"), "{d}");
    }
}
