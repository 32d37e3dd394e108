//! GreyNoise community API: `GET /community/{ip}` (IPv4 only), key in the `key` header when given (the community
//! API also answers without one, at a lower daily quota). 404 is "IP not observed": not found.
//!
//! Severity as msticpy's GreyNoise provider: `classification` "malicious" → high, anything else → information.
//! Details: Classification, Name, Last Seen, Message, Noise, RIOT (msticpy's names).

use serde_json::{json, Value};

use super::Ask;
use super::{Severity, Verdict};
use crate::error::Result;
use crate::ioc::IocType;
use crate::net::HttpRequest;

pub(super) fn request(a: &Ask) -> Result<Option<HttpRequest>> {
    let (ioc, ty) = (a.ioc, a.ty);
    if ty != IocType::Ipv4 {
        return Ok(None);
    }
    a.get_json(&["community", ioc], &[], "key").map(Some)
}

pub(super) fn parse(raw: Value) -> std::result::Result<Verdict, String> {
    let class = raw
        .get("classification")
        .ok_or("it has no classification")?;
    let severity = if class.as_str() == Some("malicious") {
        Severity::High
    } else {
        Severity::Information
    };
    let details = json!({
        "Classification": class,
        "Name": raw.get("name"),
        "Last Seen": raw.get("last_seen"),
        "Message": raw.get("message"),
        "Noise": raw.get("noise"),
        "RIOT": raw.get("riot"),
    });
    Ok(Verdict::found(severity, details, raw))
}
