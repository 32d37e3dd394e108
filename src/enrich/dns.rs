//! DNS over HTTPS, JSON flavour (`GET {resolver}?name=…&type=…` with `Accept: application/dns-json`), the only DNS a
//! browser can ask: no UDP 53. The resolver is configurable (default Cloudflare's; Google's
//! `https://dns.google/resolve` speaks the same JSON); both send CORS headers.
//!
//! An answer `{"Status": 0, "Answer": [{"name", "type", "TTL", "data"}]}` becomes [`DnsRecord`] rows (A, AAAA,
//! CNAME, MX, TXT, NS, PTR; TXT data unquoted). Status 3 (NXDOMAIN) is no rows; any other non-zero status is an error
//! that names it.

use polars::prelude::*;
use serde::Deserialize;
use serde_json::Value;

use crate::error::{Error, PolarsContext, Result};
use crate::frame::Frame;
use crate::net::{Endpoint, HttpRequest, ResponseCache, Service, Transport};

/// `dnsResolve(name, options)`: the record types to ask (one type or a list; default A, AAAA, CNAME, MX) and the
/// DNS-over-HTTPS JSON endpoint (default [`CLOUDFLARE`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DnsOptions {
    #[serde(deserialize_with = "crate::options::one_or_many")]
    pub types: Vec<String>,
    pub resolver: Option<String>,
}

/// The types asked when none are given.
pub const DEFAULT_TYPES: [&str; 4] = ["A", "AAAA", "CNAME", "MX"];

/// `rows` as the table `dns` with columns Name, Type, TTL (long) and Data.
pub fn records_frame(rows: &[DnsRecord]) -> Result<Frame> {
    let text = |name: &str, f: &dyn Fn(&DnsRecord) -> String| {
        StringChunked::from_iter_values(name.into(), rows.iter().map(f)).into_series().into_column()
    };
    let ttl = Int64Chunked::from_iter_values("TTL".into(), rows.iter().map(|r| i64::try_from(r.ttl).unwrap_or(i64::MAX)));
    let cols = vec![
        text("Name", &|r| r.name.clone()),
        text("Type", &|r| r.record_type.clone()),
        ttl.into_series().into_column(),
        text("Data", &|r| r.data.clone()),
    ];
    let df = DataFrame::new(rows.len(), cols).context("building the DNS table")?;
    Ok(Frame::new("dns", df))
}

/// Cloudflare's DNS-over-HTTPS JSON endpoint.
pub const CLOUDFLARE: &str = "https://cloudflare-dns.com/dns-query";

/// Record types by name and number.
const TYPES: &[(&str, u64)] = &[
    ("A", 1),
    ("NS", 2),
    ("CNAME", 5),
    ("PTR", 12),
    ("MX", 15),
    ("TXT", 16),
    ("AAAA", 28),
];

/// The DNS response codes a resolver may put in `Status`.
const RCODES: &[(u64, &str)] = &[
    (1, "FORMERR (the query was malformed)"),
    (2, "SERVFAIL (the name's servers failed)"),
    (5, "REFUSED"),
];

/// One answer record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnsRecord {
    pub name: String,
    /// `A`, `AAAA`, `CNAME`, `MX`, `TXT`, `NS`, `PTR` (or `TYPE{n}` for another).
    pub record_type: String,
    pub ttl: u64,
    /// As given, except TXT: the quoted strings joined without quotes.
    pub data: String,
}

/// A DNS-over-HTTPS resolver: its [`Service`] (endpoint or proxy, retries, cache).
#[derive(Debug)]
pub struct DohResolver {
    pub service: Service,
}

impl DohResolver {
    /// The resolver at `url` (default [`CLOUDFLARE`]).
    pub fn new(url: Option<&str>) -> DohResolver {
        let endpoint = Endpoint::new(url.unwrap_or(CLOUDFLARE));
        DohResolver {
            service: Service::new(
                "the DNS-over-HTTPS resolver",
                endpoint,
                "the resolver URL is right",
            ),
        }
    }

    /// The request for `name`'s records of type `record_type` (`A`, `AAAA`, `CNAME`, `MX`, `TXT`, `NS`, `PTR`).
    pub fn request(&self, name: &str, record_type: &str) -> Result<HttpRequest> {
        let name = check_name(name)?;
        let ty = record_type.trim().to_ascii_uppercase();
        if !TYPES.iter().any(|(n, _)| *n == ty) {
            let names: Vec<&str> = TYPES.iter().map(|(n, _)| *n).collect();
            return Err(Error::invalid(format!(
                "'{record_type}' is not a DNS record type asked here: use one of {}",
                names.join(", ")
            )));
        }
        let url = self.service.url(&[], &[("name", name), ("type", &ty)])?;
        Ok(HttpRequest::get(url).header("Accept", "application/dns-json"))
    }

    /// `name`'s records of type `record_type` (CNAMEs on the way included, as the resolver gives them; none for a
    /// name that does not exist).
    pub async fn resolve<T: Transport>(
        &self,
        t: &T,
        name: &str,
        record_type: &str,
        cache: Option<&ResponseCache>,
    ) -> Result<Vec<DnsRecord>> {
        let req = self.request(name, record_type)?;
        let resp = self.service.send_ok(t, &req, cache).await?;
        parse_answer(&resp.body)
            .map_err(|e| Error::Service(format!("{} for {name}: {e}", self.service.name)))
    }

    /// `name`'s A, AAAA and MX records (and the CNAMEs that lead to them, each once).
    pub async fn resolve_all<T: Transport>(
        &self,
        t: &T,
        name: &str,
        cache: Option<&ResponseCache>,
    ) -> Result<Vec<DnsRecord>> {
        self.resolve_types(t, name, &["A", "AAAA", "MX"], cache).await
    }

    /// `name`'s records of each of `types` in turn (each record once; a CNAME asked for is not asked again when an
    /// earlier answer already gave it).
    pub async fn resolve_types<T: Transport, S: AsRef<str>>(
        &self,
        t: &T,
        name: &str,
        types: &[S],
        cache: Option<&ResponseCache>,
    ) -> Result<Vec<DnsRecord>> {
        let mut rows: Vec<DnsRecord> = Vec::new();
        for ty in types.iter().map(AsRef::as_ref) {
            for r in self.resolve(t, name, ty, cache).await? {
                if !rows.contains(&r) {
                    rows.push(r);
                }
            }
        }
        Ok(rows)
    }
}

/// `name` trimmed (a final dot dropped), or why it is not a DNS name.
fn check_name(name: &str) -> Result<&str> {
    let n = name.trim().trim_end_matches('.');
    let ok_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    if n.is_empty()
        || n.len() > 253
        || !n.chars().all(ok_char)
        || n.split('.').any(|l| l.is_empty() || l.len() > 63)
    {
        return Err(Error::invalid(format!(
            "'{name}' is not a DNS name (letters, digits, '-' and '_' in dot-separated labels of 1–63 characters)"
        )));
    }
    Ok(n)
}

/// The records of a DNS-over-HTTPS JSON answer (none for NXDOMAIN); `Err` says what is wrong with it.
pub fn parse_answer(body: &[u8]) -> std::result::Result<Vec<DnsRecord>, String> {
    let v: Value =
        serde_json::from_slice(body).map_err(|e| format!("the answer is not DNS JSON ({e})"))?;
    let status = v
        .get("Status")
        .and_then(Value::as_u64)
        .ok_or("the answer has no Status")?;
    match status {
        0 => {}
        3 => return Ok(Vec::new()),
        s => {
            let what = RCODES
                .iter()
                .find(|(c, _)| *c == s)
                .map_or("an error", |(_, w)| w);
            return Err(format!("the resolver answered status {s}, {what}"));
        }
    }
    let answers = v
        .get("Answer")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    answers.iter().map(record).collect()
}

fn record(a: &Value) -> std::result::Result<DnsRecord, String> {
    let num = a
        .get("type")
        .and_then(Value::as_u64)
        .ok_or("an answer record has no type")?;
    let record_type = TYPES
        .iter()
        .find(|(_, n)| *n == num)
        .map_or(format!("TYPE{num}"), |(t, _)| t.to_string());
    let data = a
        .get("data")
        .and_then(Value::as_str)
        .ok_or("an answer record has no data")?;
    Ok(DnsRecord {
        name: a
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .trim_end_matches('.')
            .to_string(),
        ttl: a.get("TTL").and_then(Value::as_u64).unwrap_or(0),
        data: if num == 16 {
            txt_text(data)
        } else {
            data.to_string()
        },
        record_type,
    })
}

/// TXT record data as text: `"a" "b"` → `ab`, escapes (`\"`, `\\`) undone; unquoted data as it is.
pub fn txt_text(data: &str) -> String {
    let d = data.trim();
    if !d.starts_with('"') {
        return d.to_string();
    }
    let (mut out, mut inside, mut escaped) = (String::new(), false, false);
    for c in d.chars() {
        match (inside, escaped, c) {
            (true, true, c) => {
                out.push(c);
                escaped = false;
            }
            (true, false, '\\') => escaped = true,
            (_, false, '"') => inside = !inside,
            (true, false, c) => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::testing::*;

    const ANSWER: &str = r#"{"Status":0,"TC":false,"RD":true,"RA":true,"AD":false,"CD":false,
        "Question":[{"name":"www.microsoft.com","type":1}],
        "Answer":[{"name":"www.microsoft.com","type":5,"TTL":3600,"data":"www.microsoft.com-c-3.edgekey.net."},
                  {"name":"e13678.dscb.akamaiedge.net","type":1,"TTL":20,"data":"23.45.229.117"}]}"#;

    #[test]
    fn requests_and_answers() {
        let r = DohResolver::new(None);
        let req = r.request(" www.microsoft.com. ", "aaaa").unwrap();
        assert_eq!(
            req.url,
            "https://cloudflare-dns.com/dns-query?name=www.microsoft.com&type=AAAA"
        );
        assert_eq!(
            req.headers,
            [("Accept".to_string(), "application/dns-json".to_string())]
        );
        let g = DohResolver::new(Some("https://dns.google/resolve"))
            .request("a.com", "MX")
            .unwrap();
        assert_eq!(g.url, "https://dns.google/resolve?name=a.com&type=MX");
        assert!(r
            .request("a..com", "A")
            .unwrap_err()
            .to_string()
            .contains("is not a DNS name"));
        assert!(r.request("a b.com", "A").is_err());
        assert!(r
            .request("a.com", "SOA")
            .unwrap_err()
            .to_string()
            .contains("use one of A, NS"));
        let rows = parse_answer(ANSWER.as_bytes()).unwrap();
        assert_eq!(rows[0].record_type, "CNAME");
        assert_eq!(rows[0].data, "www.microsoft.com-c-3.edgekey.net.");
        assert_eq!(
            rows[1],
            DnsRecord {
                name: "e13678.dscb.akamaiedge.net".into(),
                record_type: "A".into(),
                ttl: 20,
                data: "23.45.229.117".into()
            }
        );
        assert_eq!(parse_answer(br#"{"Status":3,"Authority":[]}"#).unwrap(), []);
        assert!(parse_answer(br#"{"Status":2}"#)
            .unwrap_err()
            .contains("status 2, SERVFAIL"));
        assert!(parse_answer(b"<html>")
            .unwrap_err()
            .starts_with("the answer is not DNS JSON"));
        assert_eq!(
            txt_text(r#""8068 | 13.107.4.0/24 | US" " | arin""#),
            "8068 | 13.107.4.0/24 | US | arin"
        );
        assert_eq!(
            txt_text(r#""v=spf1 \"x\" \\ -all""#),
            r#"v=spf1 "x" \ -all"#
        );
    }

    #[test]
    fn types_and_table() {
        let t = Scripted::routed(|req| {
            let body = if req.url.ends_with("type=A") || req.url.ends_with("type=CNAME") {
                ANSWER
            } else {
                r#"{"Status":0}"#
            };
            response(200, &[], body)
        });
        let o: DnsOptions = crate::options::read("dnsResolve", &serde_json::json!({"types": "cname"})).unwrap();
        assert_eq!(o.types, ["cname"]);
        let rows = block_on(DohResolver::new(None).resolve_types(&t, "www.microsoft.com", &DEFAULT_TYPES, None)).unwrap();
        assert_eq!(rows.len(), 2, "the CNAME answer repeats the A answer's records: each once");
        assert_eq!(t.sent.borrow().len(), 4);
        let f = records_frame(&rows).unwrap();
        assert_eq!(f.column_names(), ["Name", "Type", "TTL", "Data"]);
        assert_eq!(f.column("TTL").unwrap().i64().unwrap().get(1), Some(20));
        assert_eq!(f.column("Data").unwrap().str().unwrap().get(1), Some("23.45.229.117"));
        let e = crate::options::read::<DnsOptions>("dnsResolve", &serde_json::json!({"type": "A"})).unwrap_err();
        assert!(e.to_string().contains("unknown option 'type' (did you mean 'types'?)"), "{e}");
    }

    #[test]
    fn resolves_through_the_service() {
        let t = Scripted::routed(|req| {
            let body = if req.url.ends_with("type=A") {
                ANSWER
            } else if req.url.ends_with("type=MX") {
                r#"{"Status":0,"Answer":[{"name":"microsoft.com.","type":15,"TTL":5,"data":"10 mx.microsoft.com."}]}"#
            } else {
                r#"{"Status":0}"#
            };
            response(200, &[("Content-Type", "application/dns-json")], body)
        });
        let rows =
            block_on(DohResolver::new(None).resolve_all(&t, "www.microsoft.com", None)).unwrap();
        let types: Vec<&str> = rows.iter().map(|r| r.record_type.as_str()).collect();
        assert_eq!(types, ["CNAME", "A", "MX"]);
        assert_eq!(rows[2].data, "10 mx.microsoft.com.");
        let t = Scripted::new(vec![response(200, &[], r#"{"Status":2}"#)]);
        let e = block_on(DohResolver::new(None).resolve(&t, "x.com", "A", None))
            .unwrap_err()
            .to_string();
        assert_eq!(e, "the DNS-over-HTTPS resolver for x.com: the resolver answered status 2, SERVFAIL (the name's servers failed)");
    }
}
