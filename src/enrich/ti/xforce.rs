//! IBM X-Force Exchange: `GET /ipr/{ip}`, `/url/{url or domain}`, `/malware/{hash}`, with the key `ApiID:AuthKey`
//! sent as HTTP Basic authentication.
//!
//! Severity as msticpy's X-Force provider. IPs, URLs and domains by the report's `score` (inside `result` for URLs
//! and domains; `null` counts as 0): below 1 → information, 1 to below 5 → warning, 5 and above → high. (msticpy
//! 2.x moved the warning threshold to 2; its recorded results in the fixtures, and this code, take a score of 1 as a
//! warning.) Hashes with a `malware` report → high (Details: risk, family, reasonDescription).

use base64::Engine;
use serde_json::{json, Value};

use super::Ask;
use super::{Severity, Verdict};
use crate::error::{Error, Result};
use crate::ioc::IocType;
use crate::net::{HttpRequest, Secret};

/// The `Authorization: Basic …` value for a key given as `ApiID:AuthKey`.
pub(super) fn basic(key: &Secret) -> Result<Secret> {
    if !key.expose().contains(':') {
        return Err(Error::invalid(
            "the X-Force key must be given as 'ApiID:AuthKey' (the value is not shown)",
        ));
    }
    let b64 = base64::engine::general_purpose::STANDARD.encode(key.expose());
    Secret::new(&format!("Basic {b64}"), "the X-Force key")
}

pub(super) fn request(a: &Ask) -> Result<Option<HttpRequest>> {
    let (ioc, ty) = (a.ioc, a.ty);
    let kind = match ty {
        IocType::Ipv4 | IocType::Ipv6 => "ipr",
        IocType::Url | IocType::Dns | IocType::Hostname => "url",
        IocType::Md5Hash | IocType::Sha1Hash | IocType::Sha256Hash => "malware",
        _ => return Ok(None),
    };
    let basic = a.key.map(basic).transpose()?;
    Ask {
        key: basic.as_ref(),
        ..*a
    }
    .get_json(&[kind, ioc], &[], "Authorization")
    .map(Some)
}

pub(super) fn parse(ty: IocType, raw: Value) -> std::result::Result<Verdict, String> {
    if !raw.is_object() {
        return Err("it is not a JSON object".into());
    }
    if ty.as_str().ends_with("_hash") {
        let Some(m) = raw.get("malware").filter(|m| m.is_object()) else {
            return Ok(Verdict::found(Severity::Information, json!({}), raw));
        };
        let details = json!({
            "risk": m.get("risk"),
            "family": m.get("family"),
            "reasonDescription": raw.get("reasonDescription").cloned().unwrap_or(json!(0)),
        });
        return Ok(Verdict::found(Severity::High, details, raw));
    }
    let report = raw.get("result").filter(|r| r.is_object()).unwrap_or(&raw);
    let score = report.get("score").and_then(Value::as_f64).unwrap_or(0.0);
    let severity = match score {
        s if s < 1.0 => Severity::Information,
        s if s < 5.0 => Severity::Warning,
        _ => Severity::High,
    };
    let or = |k: &str, d: Value| report.get(k).cloned().unwrap_or(d);
    let details = json!({
        "score": report.get("score").filter(|s| !s.is_null()).cloned().unwrap_or(json!(0)),
        "cats": or("cats", Value::Null),
        "categoryDescriptions": or("categoryDescriptions", Value::Null),
        "reason": or("reason", Value::Null),
        "reasonDescription": or("reasonDescription", json!(0)),
        "tags": raw.get("tags").cloned().unwrap_or(json!(0)),
    });
    Ok(Verdict::found(severity, details, raw))
}
