//! abuse.ch URLhaus API v1: `POST /url/` (`url=`), `/host/` (`host=`, for IPs and domains), `/payload/`
//! (`md5_hash=` or `sha256_hash=`), form-encoded, key in the `Auth-Key` header. `query_status` "no_results" is
//! "not found"; another status than "ok" (e.g. "invalid_url") is an error.
//!
//! msticpy has no URLhaus provider; this one's rule: a known payload → high; a URL or host with a URL still
//! `online` → high; known but offline → warning.

use serde_json::{Map, Value};

use super::Ask;
use super::{Severity, Verdict};
use crate::error::Result;
use crate::ioc::IocType;
use crate::net::HttpRequest;

pub(super) fn request(a: &Ask) -> Result<Option<HttpRequest>> {
    let (ioc, ty) = (a.ioc, a.ty);
    let (path, field) = match ty {
        IocType::Url => ("url", "url"),
        IocType::Ipv4 | IocType::Ipv6 | IocType::Dns | IocType::Hostname => ("host", "host"),
        IocType::Md5Hash => ("payload", "md5_hash"),
        IocType::Sha256Hash => ("payload", "sha256_hash"),
        _ => return Ok(None),
    };
    let body = url::form_urlencoded::Serializer::new(String::new())
        .append_pair(field, ioc)
        .finish();
    let mut url = a.svc.url(&[path], &[])?;
    url.push('/');
    let mut req = HttpRequest::post(url, "application/x-www-form-urlencoded", body.into_bytes());
    if let Some(k) = a.key {
        req = req.secret_header("Auth-Key", k);
    }
    Ok(Some(req))
}

/// Fields kept in Details, when present.
const DETAIL_FIELDS: &[&str] = &[
    "threat",
    "url_status",
    "date_added",
    "tags",
    "urls_count",
    "blacklists",
    "file_type",
    "signature",
    "firstseen",
    "url_count",
];

pub(super) fn parse(raw: Value) -> std::result::Result<Verdict, String> {
    let status = raw
        .get("query_status")
        .and_then(Value::as_str)
        .ok_or("it has no query_status")?;
    match status {
        "ok" => {}
        "no_results" => return Ok(Verdict::not_found(raw)),
        other => return Err(format!("its query_status is '{other}'")),
    }
    let online = |v: &Value| v.get("url_status").and_then(Value::as_str) == Some("online");
    let urls_online = raw
        .get("urls")
        .and_then(Value::as_array)
        .is_some_and(|u| u.iter().any(online));
    let severity = if raw.get("md5_hash").is_some() || online(&raw) || urls_online {
        Severity::High
    } else {
        Severity::Warning
    };
    let details: Map<String, Value> = DETAIL_FIELDS
        .iter()
        .filter_map(|k| raw.get(*k).map(|v| (k.to_string(), v.clone())))
        .collect();
    Ok(Verdict::found(severity, Value::Object(details), raw))
}
