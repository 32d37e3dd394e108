//! Recorded answers as a [`Transport`]: demo mode answers whois and DNS from a file of recorded responses (request
//! URL → response), with no network at all.
//!
//! The file is JSON: `{"answers": {"<GET url>": {"status": 200, "contentType": "…", "body": <JSON or text>}}}`
//! (a `body` that is not a string is sent as its JSON text). A request whose URL is not recorded fails with a
//! network error that says so: `no recorded demo answer for GET <url>`. Waiting returns at once and the clock
//! stands at 0, so rate limits and retries cost nothing.

use std::collections::HashMap;

use serde_json::Value;

use crate::error::{Error, Result};
use crate::net::{HttpRequest, HttpResponse, NetError, Transport};

/// Answers from a map of request URL → response.
#[derive(Debug, Default, Clone)]
pub struct Replay {
    answers: HashMap<String, HttpResponse>,
}

impl Replay {
    /// An empty replay (every request fails as unrecorded); add answers with [`Replay::insert`].
    pub fn new() -> Replay {
        Replay::default()
    }

    /// Records `body` (with `status` and `content_type`) as the answer to `GET url`.
    pub fn insert(&mut self, url: &str, status: u16, content_type: &str, body: Vec<u8>) {
        let headers = vec![("content-type".to_string(), content_type.to_string())];
        self.answers.insert(url.to_string(), HttpResponse { status, headers, body });
    }

    /// The recorded answers of a JSON file (see the module docs); `what` names the file in errors.
    pub fn from_json(bytes: &[u8], what: &str) -> Result<Replay> {
        let v: Value = serde_json::from_slice(bytes).map_err(|e| Error::parse(what, e.to_string()))?;
        let answers = v
            .get("answers")
            .and_then(Value::as_object)
            .ok_or_else(|| Error::parse(what, "it has no \"answers\" object of URL → response"))?;
        let mut replay = Replay::new();
        for (url, a) in answers {
            let status = a.get("status").and_then(Value::as_u64).unwrap_or(200);
            let status = u16::try_from(status)
                .map_err(|_| Error::parse(what, format!("the status of {url} is not an HTTP status")))?;
            let content_type = a.get("contentType").and_then(Value::as_str).unwrap_or("application/json");
            let body = match a.get("body") {
                Some(Value::String(s)) => s.clone().into_bytes(),
                Some(Value::Null) | None => Vec::new(),
                Some(other) => other.to_string().into_bytes(),
            };
            replay.insert(url, status, content_type, body);
        }
        Ok(replay)
    }

    /// How many answers are recorded.
    pub fn len(&self) -> usize {
        self.answers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.answers.is_empty()
    }
}

impl Transport for Replay {
    async fn send(&self, request: &HttpRequest) -> std::result::Result<HttpResponse, NetError> {
        self.answers
            .get(&request.url)
            .cloned()
            .ok_or_else(|| NetError::Network(format!("no recorded demo answer for {} {}", request.method, request.url)))
    }

    async fn sleep(&self, _ms: u64) -> std::result::Result<(), NetError> {
        Ok(())
    }

    fn now_ms(&self) -> u64 {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::testing::block_on;

    #[test]
    fn answers_recorded_urls_only() {
        let file = br#"{"answers": {
            "https://dns.example/q?name=a.com&type=A": {"status": 200, "contentType": "application/dns-json",
                "body": {"Status": 0, "Answer": [{"name": "a.com", "type": 1, "TTL": 5, "data": "192.0.2.1"}]}},
            "https://rdap.example/ip/1.2.3.4": {"status": 404, "body": "not here"}}}"#;
        let r = Replay::from_json(file, "the demo answers").unwrap();
        assert_eq!(r.len(), 2);
        let ok = block_on(r.send(&HttpRequest::get("https://dns.example/q?name=a.com&type=A"))).unwrap();
        assert_eq!(ok.status, 200);
        assert_eq!(ok.headers, [("content-type".to_string(), "application/dns-json".to_string())]);
        let v: Value = serde_json::from_slice(&ok.body).unwrap();
        assert_eq!(v["Answer"][0]["data"], "192.0.2.1");
        let missing = block_on(r.send(&HttpRequest::get("https://dns.example/q?name=b.com&type=A")));
        assert_eq!(
            missing.unwrap_err().to_string(),
            "network error: no recorded demo answer for GET https://dns.example/q?name=b.com&type=A"
        );
        let nf = block_on(r.send(&HttpRequest::get("https://rdap.example/ip/1.2.3.4"))).unwrap();
        assert_eq!((nf.status, nf.body.as_slice()), (404, b"not here".as_slice()));
        assert_eq!(block_on(r.sleep(10_000)), Ok(()));
        assert_eq!(r.now_ms(), 0);
        assert!(Replay::from_json(b"{}", "the demo answers")
            .unwrap_err()
            .to_string()
            .contains("no \"answers\" object"));
        assert!(Replay::from_json(b"<html>", "the demo answers").is_err());
    }
}
