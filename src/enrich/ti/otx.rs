//! AlienVault OTX: `GET /indicators/{IPv4|IPv6|domain|hostname|url|file}/{ioc}/general`, key in the
//! `X-OTX-API-KEY` header.
//!
//! Severity as msticpy's OTX provider: the number of pulses (`pulse_info.pulses`) — none → information (Details:
//! `pulse_count` and `sections_available`), one → warning, more → high (Details: `pulse_count` and each pulse's
//! `names`, `tags`, `references`). An answer without `pulse_info` is information with empty Details.

use serde_json::{json, Value};

use super::Ask;
use super::{Severity, Verdict};
use crate::error::Result;
use crate::ioc::IocType;
use crate::net::HttpRequest;

pub(super) fn request(a: &Ask) -> Result<Option<HttpRequest>> {
    let (ioc, ty) = (a.ioc, a.ty);
    let section = match ty {
        IocType::Ipv4 => "IPv4",
        IocType::Ipv6 => "IPv6",
        IocType::Dns => "domain",
        IocType::Hostname => "hostname",
        IocType::Url => "url",
        IocType::Md5Hash | IocType::Sha1Hash | IocType::Sha256Hash => "file",
        _ => return Ok(None),
    };
    a.get_json(
        &["indicators", section, ioc, "general"],
        &[],
        "X-OTX-API-KEY",
    )
    .map(Some)
}

pub(super) fn parse(raw: Value) -> std::result::Result<Verdict, String> {
    if !raw.is_object() {
        return Err("it is not a JSON object".into());
    }
    let Some(pulses) = raw.pointer("/pulse_info/pulses") else {
        return Ok(Verdict::found(Severity::Information, json!({}), raw));
    };
    let pulses = pulses.as_array().ok_or("pulse_info.pulses is not a list")?;
    let field = |k: &str| -> Vec<Value> {
        pulses
            .iter()
            .map(|p| p.get(k).cloned().unwrap_or(Value::Null))
            .collect()
    };
    let (severity, details) = match pulses.len() {
        0 => (
            Severity::Information,
            json!({"pulse_count": 0, "sections_available": raw.get("sections")}),
        ),
        n => (
            if n == 1 {
                Severity::Warning
            } else {
                Severity::High
            },
            json!({"pulse_count": n, "names": field("name"), "tags": field("tags"), "references": field("references")}),
        ),
    };
    Ok(Verdict::found(severity, details, raw))
}
