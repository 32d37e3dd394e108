//! AbuseIPDB API v2: `GET /check?ipAddress={ip}&maxAgeInDays=90`, key in the `Key` header; IPs only.
//!
//! Severity as msticpy's AbuseIPDB provider, from `data.abuseConfidenceScore`: 0 → information, 1–50 → warning,
//! above 50 → high (no score → unknown).

use serde_json::{json, Value};

use super::Ask;
use super::{Severity, Verdict};
use crate::error::Result;
use crate::ioc::IocType;
use crate::net::HttpRequest;

pub(super) fn request(a: &Ask) -> Result<Option<HttpRequest>> {
    let (ioc, ty) = (a.ioc, a.ty);
    if !matches!(ty, IocType::Ipv4 | IocType::Ipv6) {
        return Ok(None);
    }
    a.get_json(
        &["check"],
        &[("ipAddress", ioc), ("maxAgeInDays", "90")],
        "Key",
    )
    .map(Some)
}

pub(super) fn parse(raw: Value) -> std::result::Result<Verdict, String> {
    let data = raw
        .get("data")
        .filter(|d| d.is_object())
        .ok_or("it has no data object")?;
    let severity = match data.get("abuseConfidenceScore").and_then(Value::as_u64) {
        Some(0) => Severity::Information,
        Some(1..=50) => Severity::Warning,
        Some(_) => Severity::High,
        None => Severity::Unknown,
    };
    let details = json!({
        "abuseConfidenceScore": data.get("abuseConfidenceScore"),
        "countryCode": data.get("countryCode"),
        "usage": data.get("usageType"),
        "isp": data.get("isp"),
        "domain": data.get("domain"),
        "hostNames": data.get("hostnames"),
        "totalReports": data.get("totalReports"),
        "lastReportedAt": data.get("lastReportedAt"),
    });
    Ok(Verdict::found(severity, details, raw))
}
