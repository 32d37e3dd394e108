//! VirusTotal API v3: `GET /ip_addresses/{ip}`, `/domains/{name}`, `/urls/{id}` (the id is the URL in unpadded
//! base64url), `/files/{hash}`, key in the `x-apikey` header. 404 `NotFoundError` is "not found".
//!
//! Severity as msticpy's VirusTotal provider, with v3's `last_analysis_stats.malicious` as its "positives": more than
//! one engine → high, one → warning, none → information; no analysis stats → unknown.

use base64::Engine;
use serde_json::{json, Value};

use super::Ask;
use super::{Severity, Verdict};
use crate::error::Result;
use crate::ioc::IocType;
use crate::net::HttpRequest;

pub(super) fn request(a: &Ask) -> Result<Option<HttpRequest>> {
    let (ioc, ty) = (a.ioc, a.ty);
    let url_id;
    let (collection, id) = match ty {
        IocType::Ipv4 | IocType::Ipv6 => ("ip_addresses", ioc),
        IocType::Dns | IocType::Hostname => ("domains", ioc),
        IocType::Md5Hash | IocType::Sha1Hash | IocType::Sha256Hash => ("files", ioc),
        IocType::Url => {
            url_id = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(ioc);
            ("urls", url_id.as_str())
        }
        _ => return Ok(None),
    };
    a.get_json(&[collection, id], &[], "x-apikey").map(Some)
}

pub(super) fn parse(raw: Value) -> std::result::Result<Verdict, String> {
    let attrs = raw
        .pointer("/data/attributes")
        .ok_or("it has no data.attributes (not a VirusTotal v3 object)")?;
    let Some(stats) = attrs.get("last_analysis_stats").filter(|s| s.is_object()) else {
        let details = json!({"reputation": attrs.get("reputation"), "positives": null});
        return Ok(Verdict::found(Severity::Unknown, details, raw));
    };
    let count = |k: &str| stats.get(k).and_then(Value::as_u64).unwrap_or(0);
    let positives = count("malicious");
    let severity = match positives {
        0 => Severity::Information,
        1 => Severity::Warning,
        _ => Severity::High,
    };
    let details = json!({
        "positives": positives,
        "suspicious": count("suspicious"),
        "harmless": count("harmless"),
        "undetected": count("undetected"),
        "reputation": attrs.get("reputation"),
        "threat_label": attrs.pointer("/popular_threat_classification/suggested_threat_label"),
        "tags": attrs.get("tags"),
    });
    Ok(Verdict::found(severity, details, raw))
}
