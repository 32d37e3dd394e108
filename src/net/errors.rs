//! Failed requests as messages that name the service, give its innermost explanation and say what to check.
//! Every message has the request's secrets replaced by `[secret]`.

use crate::error::Error;
use crate::frame::loganalytics::service_error;
use crate::net::{HttpRequest, HttpResponse, NetError, Service};

/// The advice for a status when the service has none of its own.
fn generic_hint(status: u16) -> &'static str {
    match status {
        400 => "Check the request: the message says what the service did not accept.",
        403 => "Check that the credential is allowed to do this (role, plan or quota).",
        404 => "Check the IDs and names in the request and the base URL.",
        429 => "The service is throttling requests: wait a minute and try again, or send fewer requests at once.",
        500 | 502 => {
            "The service failed on its side: try again in a few minutes; if it keeps failing, check the service's \
             status page."
        }
        503 => "The service is unavailable: try again in a few minutes.",
        504 => "The service (or a gateway before it) ran out of time: try again later, or ask for less.",
        _ => "",
    }
}

/// `bytes` in MiB for people ("0.5 MiB", "512 MiB").
fn mib(bytes: u64) -> String {
    let m = bytes as f64 / (1u64 << 20) as f64;
    if m >= 10.0 || m.fract() == 0.0 {
        format!("{m:.0} MiB")
    } else {
        format!("{m:.2} MiB")
    }
}

/// The service's own explanation in a body: an Azure-style `{"error": {code, message, innererror…}}`, an
/// `error`/`message`/`detail` text, or else the start of the body (control characters dropped).
fn explanation(body: &[u8]) -> (String, String) {
    let parsed: Option<serde_json::Value> = serde_json::from_slice(body).ok();
    let text_of = |k: &str| parsed.as_ref()?.get(k)?.as_str().map(str::to_string);
    if let Some(e) = parsed.as_ref().and_then(|v| v.get("error")).filter(|e| e.is_object()) {
        let e = service_error(e);
        let detail = if e.innermost() != e.message && !e.message.is_empty() {
            format!("{} — {}", e.message, e.innermost())
        } else {
            e.innermost().to_string()
        };
        return (e.code, detail);
    }
    if let Some(t) = text_of("error").or_else(|| text_of("message")).or_else(|| text_of("detail")) {
        return (String::new(), t);
    }
    let text = String::from_utf8_lossy(body);
    let snippet: String = text.chars().filter(|c| !c.is_control() || *c == ' ').take(300).collect();
    (String::new(), snippet.trim().to_string())
}

impl Service {
    /// The error for an answer that is not a success: `"{name} answered HTTP {status} {code}: {explanation}. {what to check}"`.
    pub fn status_error(&self, req: &HttpRequest, resp: &HttpResponse) -> Error {
        let status = resp.status;
        let (code, detail) = explanation(&resp.body);
        let code = if code.is_empty() { String::new() } else { format!(" {code}") };
        let own = self.hints.iter().find(|(s, _)| *s == status).map(|(_, h)| h.to_string());
        let hint = own.unwrap_or_else(|| match status {
            401 => format!("Check that {}.", self.credential),
            s => generic_hint(s).to_string(),
        });
        let mut msg = format!("{} answered HTTP {status}{code}: {detail}", self.name);
        if self.retry.retries(status) && self.retry.max_retries > 0 {
            // The last answer of a retried status is returned only when the retries have run out.
            msg.push_str(if msg.ends_with('.') { " " } else { ". " });
            msg.push_str(&format!(
                "Gave up after {} attempts ({} retries).",
                self.retry.attempts(),
                self.retry.max_retries
            ));
        }
        if !hint.is_empty() {
            msg.push_str(if msg.ends_with('.') { " " } else { ". " });
            msg.push_str(&hint);
        }
        Error::Service(req.redact(&msg))
    }

    /// A request that got no answer: cancelled, timed out, or the network (or CORS) failed.
    pub fn network_error(&self, req: &HttpRequest, e: NetError) -> Error {
        let name = &self.name;
        let msg = match e {
            NetError::Cancelled => return Error::Cancelled,
            NetError::Timeout(s) if self.timeout_ms.is_some() => format!(
                "{name} did not answer within {s} s (the request timeout of this service). Try again later, or raise \
                 its timeout option."
            ),
            NetError::Timeout(s) => {
                format!("{name} did not answer within {s} s (client timeout). Narrow the query or raise the timeout.")
            }
            NetError::TooLarge { bytes, cap } => {
                let size = match bytes {
                    Some(b) => format!("a body of {b} bytes ({})", mib(b)),
                    None => "a body larger than that (reading stopped at the cap)".to_string(),
                };
                format!(
                    "{name} answered with {size}, over the response size cap of {cap} bytes ({}); it was not read. \
                     Ask for less (take, project, summarize, a shorter time range) or raise the cap with the \
                     maxResponseBytes option.",
                    mib(cap)
                )
            }
            NetError::OutOfMemory { bytes } => format!(
                "{name}'s answer did not fit in this page's memory: growing the buffer failed after {bytes} bytes \
                 ({}); it was not read. Ask for less (take, project, summarize, a shorter time range), or free memory \
                 (drop large tables, reload the page).",
                mib(bytes)
            ),
            NetError::Network(m) if self.endpoint.proxy_url.is_some() => format!(
                "could not reach {name} through the proxy at {}: {m}. Check the network, and that the proxy runs and \
                 allows this page's origin (CORS).",
                req.url
            ),
            NetError::Network(m) => format!(
                "could not reach {name} at {}: {m}. Check the network, the base URL, and that the service allows this \
                 page's origin (CORS); a service that refuses browsers needs a proxy base URL.",
                req.url
            ),
        };
        Error::Service(req.redact(&msg))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::{Endpoint, Secret};

    fn svc(hints: &'static [(u16, &'static str)]) -> Service {
        let mut s =
            Service::new("GreyNoise", Endpoint::new("https://api.greynoise.io"), "the GreyNoise API key is valid");
        s.hints = hints;
        s
    }

    fn err(s: &Service, status: u16, body: &str) -> String {
        let resp = HttpResponse { status, headers: Vec::new(), body: body.as_bytes().to_vec() };
        s.status_error(&HttpRequest::get("https://api.greynoise.io/v3/community/1.2.3.4"), &resp).to_string()
    }

    #[test]
    fn each_status_says_what_to_check() {
        let s = svc(&[]);
        let cases: &[(u16, &str, &str)] = &[
            (
                400,
                r#"{"message":"invalid IP"}"#,
                "GreyNoise answered HTTP 400: invalid IP. Check the request: the message says",
            ),
            (
                401,
                r#"{"error":{"code":"Unauthorized","message":"bad key"}}"#,
                "HTTP 401 Unauthorized: bad key. Check that the GreyNoise API key is valid.",
            ),
            (403, r#"{"error":"forbidden"}"#, "HTTP 403: forbidden. Check that the credential is allowed"),
            (404, r#"{"detail":"no such path"}"#, "HTTP 404: no such path. Check the IDs and names"),
            (429, "", "HTTP 429: . Gave up after 4 attempts (3 retries). The service is throttling requests:"),
            (500, "<html>\r\noops</html>", "HTTP 500: <html>oops</html>. Gave up after 4 attempts (3 retries). The service failed on its side: try again in a few minutes; if it keeps failing, check the service's status page."),
            (502, "bad gateway", "HTTP 502: bad gateway. Gave up after 4 attempts (3 retries). The service failed"),
            (503, "", "HTTP 503: . Gave up after 4 attempts (3 retries). The service is unavailable: try again in a few minutes."),
            (504, "", "Gave up after 4 attempts (3 retries). The service (or a gateway before it) ran out of time"),
            (418, "teapot", "GreyNoise answered HTTP 418: teapot"),
        ];
        for (status, body, want) in cases {
            let e = err(&s, *status, body);
            assert!(e.contains(want), "{status}: {e}");
        }
        assert!(err(&s, 500, &"x".repeat(1000)).len() < 500, "long bodies are cut");
        assert!(!err(&s, 400, "").contains("attempts") && !err(&s, 401, "").contains("attempts"), "4xx: one attempt");
        let own = svc(&[(400, "Check the query text.")]);
        assert_eq!(err(&own, 400, r#"{"message":"bad"}"#), "GreyNoise answered HTTP 400: bad. Check the query text.");
    }

    #[test]
    fn network_timeout_cancel_and_proxy() {
        let s = svc(&[]);
        let req = HttpRequest::get("https://api.greynoise.io/v3/community/1.2.3.4");
        assert!(matches!(s.network_error(&req, NetError::Cancelled), Error::Cancelled));
        assert_eq!(
            s.network_error(&req, NetError::Timeout(30)).to_string(),
            "GreyNoise did not answer within 30 s (client timeout). Narrow the query or raise the timeout."
        );
        let e = s.network_error(&req, NetError::Network("Failed to fetch".into())).to_string();
        assert!(
            e.starts_with(
                "could not reach GreyNoise at https://api.greynoise.io/v3/community/1.2.3.4: Failed to fetch."
            ),
            "{e}"
        );
        assert!(e.contains("(CORS); a service that refuses browsers needs a proxy base URL"), "{e}");
        assert_eq!(
            s.network_error(&req, NetError::TooLarge { bytes: Some(3 << 20), cap: 1 << 20 }).to_string(),
            "GreyNoise answered with a body of 3145728 bytes (3 MiB), over the response size cap of 1048576 bytes \
             (1 MiB); it was not read. Ask for less (take, project, summarize, a shorter time range) or raise the cap \
             with the maxResponseBytes option."
        );
        let mut p = svc(&[]);
        p.endpoint = p.endpoint.with_proxy(Some("http://127.0.0.1:1/gn".into()));
        let e = s.network_error(&req, NetError::OutOfMemory { bytes: 5 << 20 }).to_string();
        assert!(e.contains("did not fit in this page's memory") && e.contains("5242880 bytes (5 MiB)"), "{e}");
        let e = p.network_error(&req, NetError::Network("refused".into())).to_string();
        assert!(e.contains("through the proxy at") && e.contains("proxy runs"), "{e}");
    }

    #[test]
    fn secrets_never_appear_in_messages() {
        let key = Secret::new("KEY-abc123", "the AbuseIPDB key").unwrap();
        let s = svc(&[]);
        let req = HttpRequest::get("https://api.abuseipdb.com/api/v2/check?ip=1.2.3.4").secret_query("key", &key);
        let echo = HttpResponse {
            status: 401,
            headers: Vec::new(),
            body: br#"{"message":"key KEY-abc123 is not valid"}"#.to_vec(),
        };
        let e1 = s.status_error(&req, &echo).to_string();
        let e2 = s.network_error(&req, NetError::Network("failed KEY-abc123".into())).to_string();
        for e in [e1, e2] {
            assert!(!e.contains("KEY-abc123") && e.contains("[secret]"), "{e}");
        }
    }
}
