//! Requests, responses and endpoints.

use std::fmt;

use crate::error::{Error, Result};
use crate::net::Secret;

/// Where a service lives: its base URL, or a proxy base URL that takes its place (for services that refuse
/// browser origins, CORS). A request URL is the base (or proxy) with path segments and query parameters appended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub base_url: String,
    /// When set, requests go here instead of `base_url`, with the same path and query.
    pub proxy_url: Option<String>,
}

impl Endpoint {
    pub fn new(base_url: impl Into<String>) -> Endpoint {
        Endpoint { base_url: base_url.into(), proxy_url: None }
    }

    /// The same endpoint reached through a proxy base URL (`None` or blank: directly).
    pub fn with_proxy(mut self, proxy_url: Option<String>) -> Endpoint {
        self.proxy_url = proxy_url.filter(|p| !p.trim().is_empty());
        self
    }

    /// The URL of `path` (base or proxy `https://`, or `http://` on loopback only; segments, each percent-encoded; empty, `.` and `..` refused) with `query` parameters
    /// (form-encoded) appended to the base or proxy URL.
    pub fn url(&self, path: &[&str], query: &[(&str, &str)]) -> Result<String> {
        let (base, what) = match &self.proxy_url {
            Some(p) => (p.trim(), "proxy URL"),
            None => (self.base_url.trim(), "base URL"),
        };
        let mut url = url::Url::parse(base).map_err(|e| {
            Error::invalid(format!("the {what} '{base}' is not a valid URL ({e}): give e.g. https://host/path"))
        })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(Error::invalid(format!(
                "the {what} '{base}' must start with https:// (http:// only for this machine: localhost, 127.0.0.1, [::1])"
            )));
        }
        if url.scheme() == "http" && !is_loopback(&url) {
            // a token or key would cross the network in clear text
            return Err(Error::invalid(format!(
                "the {what} '{base}' uses http://, which would send tokens and keys unencrypted: use https:// \
                 (http:// is accepted only for this machine: localhost, 127.0.0.0/8, [::1])"
            )));
        }
        for seg in path {
            if matches!(seg.trim(), "" | "." | "..") {
                return Err(Error::invalid(format!(
                    "a URL path segment is empty or '{}' (an ID or name is missing or wrong)",
                    seg.trim()
                )));
            }
        }
        if !path.is_empty() {
            let mut segments = url
                .path_segments_mut()
                .map_err(|_| Error::invalid(format!("the {what} '{base}' cannot have a path")))?;
            segments.pop_if_empty();
            segments.extend(path.iter().map(|s| s.trim()));
        }
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        Ok(url.into())
    }
}

/// A request to send. Header values and URLs that hold a [`Secret`] are added with [`HttpRequest::bearer`],
/// [`HttpRequest::secret_header`] or [`HttpRequest::secret_query`], which remember the secret so that `Debug` and
/// every error message built from the request show `[secret]` instead.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
    secrets: Vec<Secret>,
}

impl HttpRequest {
    pub fn new(method: &str, url: impl Into<String>) -> HttpRequest {
        HttpRequest { method: method.into(), url: url.into(), headers: Vec::new(), body: None, secrets: Vec::new() }
    }

    pub fn get(url: impl Into<String>) -> HttpRequest {
        HttpRequest::new("GET", url)
    }

    pub fn post_json(url: impl Into<String>, body: &serde_json::Value) -> HttpRequest {
        HttpRequest::post(url, "application/json", body.to_string().into_bytes())
    }

    /// A POST of `body` bytes with the given content type.
    pub fn post(url: impl Into<String>, content_type: &str, body: Vec<u8>) -> HttpRequest {
        let mut r = HttpRequest::new("POST", url).header("Content-Type", content_type);
        r.body = Some(body);
        r
    }

    pub fn header(mut self, name: &str, value: impl Into<String>) -> HttpRequest {
        self.headers.push((name.to_string(), value.into()));
        self
    }

    /// `Authorization: Bearer <token>`.
    pub fn bearer(self, token: &Secret) -> HttpRequest {
        let value = format!("Bearer {}", token.expose());
        self.remember(token).header("Authorization", value)
    }

    /// A header whose value is a key (e.g. VirusTotal's `x-apikey`).
    pub fn secret_header(self, name: &str, key: &Secret) -> HttpRequest {
        let value = key.expose().to_string();
        self.remember(key).header(name, value)
    }

    /// A key as a query parameter: only for APIs that accept it nowhere else (the README lists them).
    pub fn secret_query(mut self, name: &str, key: &Secret) -> HttpRequest {
        if let Ok(mut u) = url::Url::parse(&self.url) {
            u.query_pairs_mut().append_pair(name, key.expose());
            self.url = u.into();
        }
        self.remember(key)
    }

    fn remember(mut self, secret: &Secret) -> HttpRequest {
        self.secrets.push(secret.clone());
        self
    }

    /// The body as text (lossy), for tests and messages.
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(self.body.as_deref().unwrap_or_default()).into_owned()
    }

    /// `text` with this request's secrets (raw and percent-encoded) replaced by `[secret]`.
    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_string();
        for s in &self.secrets {
            let raw = s.expose();
            if raw.is_empty() {
                continue;
            }
            let encoded: String = url::form_urlencoded::byte_serialize(raw.as_bytes()).collect();
            for form in [raw, encoded.as_str()] {
                if out.contains(form) {
                    out = out.replace(form, "[secret]");
                }
            }
        }
        out
    }

    /// Refuses what `fetch` would throw on, before anything is sent: a method or header name that is not a token,
    /// or a header value with control or non-ASCII characters. The message names the header, never its value.
    pub fn check(&self) -> Result<()> {
        let token =
            |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
        if !token(&self.method) {
            return Err(Error::invalid(format!("'{}' is not an HTTP method", self.redact(&self.method))));
        }
        for (name, value) in &self.headers {
            if !token(name) {
                return Err(Error::invalid(format!("'{}' is not a valid HTTP header name", self.redact(name))));
            }
            if value.chars().any(|c| c != '\t' && (c.is_control() || !c.is_ascii())) {
                return Err(Error::invalid(format!(
                    "the value of HTTP header '{name}' contains a control or non-ASCII character; it was not sent"
                )));
            }
        }
        Ok(())
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, String)> = self.headers.iter().map(|(k, v)| (k.as_str(), self.redact(v))).collect();
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.redact(&self.url))
            .field("headers", &headers)
            .field("body", &self.body.as_ref().map(|_| self.redact(&self.body_text())))
            .finish()
    }
}

/// A response: status, all headers (names as sent; looked up case-insensitively) and body bytes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// Bytes held (body and headers), as the cache counts them.
    pub fn size(&self) -> usize {
        self.body.len() + self.headers.iter().map(|(k, v)| k.len() + v.len()).sum::<usize>()
    }
}

/// Whether `url`'s host is this machine: `localhost` (or a name under it), 127.0.0.0/8 or `::1`.
fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => {
            let d = d.trim_end_matches('.').to_ascii_lowercase();
            d == "localhost" || d.ends_with(".localhost")
        }
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_built_against_the_base_or_the_proxy_and_encoded() {
        let e = Endpoint::new("https://api.example.com/");
        assert_eq!(
            e.url(&["v1", "workspaces", "a b/c?", "query"], &[]).unwrap(),
            "https://api.example.com/v1/workspaces/a%20b%2Fc%3F/query"
        );
        assert_eq!(
            e.url(&["ip", "1.2.3.4"], &[("q", "a&b=c d"), ("x", "é")]).unwrap(),
            "https://api.example.com/ip/1.2.3.4?q=a%26b%3Dc+d&x=%C3%A9"
        );
        let p = Endpoint::new("https://www.virustotal.com/api/v3").with_proxy(Some("http://127.0.0.1:8080/vt/".into()));
        assert_eq!(p.url(&["files", "abc"], &[]).unwrap(), "http://127.0.0.1:8080/vt/files/abc");
        assert_eq!(Endpoint::new("https://h/x").with_proxy(Some(" ".into())).proxy_url, None);
        assert!(e.url(&["v1", ".."], &[]).unwrap_err().to_string().contains("'..'"));
        assert!(e.url(&["v1", " "], &[]).is_err());
        assert!(Endpoint::new("api.example.com").url(&[], &[]).unwrap_err().to_string().contains("not a valid URL"));
        assert!(Endpoint::new("ftp://h/").url(&[], &[]).unwrap_err().to_string().contains("https://"));
    }

    #[test]
    fn secrets_are_redacted_in_debug_and_checked_before_sending() {
        let key = Secret::new("k3y/+&=", "the test key").unwrap();
        let tok = Secret::new("tok-123", "getToken()").unwrap();
        let r =
            HttpRequest::get("https://h/x?a=1").secret_query("key", &key).bearer(&tok).secret_header("x-apikey", &key);
        assert_eq!(r.url, "https://h/x?a=1&key=k3y%2F%2B%26%3D");
        assert!(r.headers.contains(&("Authorization".into(), "Bearer tok-123".into())));
        let dbg = format!("{r:?}");
        assert!(!dbg.contains("tok-123") && !dbg.contains("k3y") && dbg.contains("[secret]"), "{dbg}");
        assert_eq!(
            r.redact("at https://h/x?a=1&key=k3y%2F%2B%26%3D: bad k3y/+&="),
            "at https://h/x?a=1&key=[secret]: bad [secret]"
        );
        assert!(r.check().is_ok());
        let bad = HttpRequest::get("https://h/").header("X-Trace", "a\r\nInjected: 1");
        let e = bad.check().unwrap_err().to_string();
        assert!(e.contains("'X-Trace'") && !e.contains("Injected"), "{e}");
        assert!(HttpRequest::get("https://h/").header("Bad Name", "v").check().is_err());
        assert!(HttpRequest::get("https://h/").header("X", "ü").check().is_err());
        assert!(HttpRequest::new("GE T", "https://h/").check().is_err());
    }

    #[test]
    fn bodies_are_bytes_and_headers_case_insensitive() {
        let r = HttpRequest::post("https://h/", "application/octet-stream", vec![0, 159, 1]);
        assert_eq!(r.body.as_deref(), Some(&[0u8, 159, 1][..]));
        assert_eq!(r.headers, [("Content-Type".to_string(), "application/octet-stream".to_string())]);
        let j = HttpRequest::post_json("https://h/", &serde_json::json!({"a": 1}));
        assert_eq!(j.body_text(), r#"{"a":1}"#);
        let resp = HttpResponse { status: 200, headers: vec![("Retry-After".into(), "3".into())], body: vec![1, 2] };
        assert_eq!(resp.header("retry-after"), Some("3"));
        assert_eq!(resp.header("x"), None);
        assert_eq!(resp.size(), 2 + "Retry-After".len() + 1);
    }

    #[test]
    fn http_is_refused_except_on_loopback() {
        for base in ["http://api.loganalytics.io/", "http://10.0.0.5:8080/", "http://127.example.com/", "http://[::2]/"] {
            let e = Endpoint::new(base).url(&["v1"], &[]).unwrap_err().to_string();
            assert!(e.contains("uses http://") && e.contains("use https://"), "{base}: {e}");
            let e = Endpoint::new("https://api.example.com/").with_proxy(Some(base.into())).url(&[], &[]).unwrap_err();
            assert!(e.to_string().contains("proxy URL"), "{base}: {e}");
        }
        for base in ["http://127.0.0.1:9/", "http://127.1.2.3/", "http://localhost:8080/x", "http://LOCALHOST./", "http://[::1]:80/", "https://h/"] {
            assert!(Endpoint::new(base).url(&["v1"], &[]).is_ok(), "{base}");
        }
    }

    #[test]
    fn tokens_with_control_characters_are_refused_without_showing_them() {
        use crate::net::Secret;
        for bad in ["tok-SECRET\r\nX-Injected: 1", "tok-SECRET\nX", "tok\u{0}SECRET", "tok-SECRET\u{7f}", "tok-SECRET\u{85}x"] {
            let e = Secret::new(bad, "getToken()").unwrap_err().to_string();
            assert!(e.contains("getToken()") && e.contains("control or non-ASCII"), "{e}");
            assert!(!e.contains("SECRET") && !e.contains("Injected"), "the value is echoed: {e}");
        }
    }

}
