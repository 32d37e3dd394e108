//! The Tor project's exit-node list (`GET /exit-addresses`, no key): one download answers every IP lookup of the
//! session (the response cache keeps it). Entries are `ExitNode`, `Published`, `LastStatus` and `ExitAddress`
//! lines.
//!
//! As msticpy's Tor provider: an exit node → warning (Details: NodeID, LastStatus); any other address → information
//! with Details "Not found." (Result true and Status ok: the list answered).

use serde_json::{json, Map, Value};

use super::Ask;
use super::{Severity, Verdict};
use crate::error::Result;
use crate::ioc::ip::parse_ip;
use crate::ioc::IocType;
use crate::net::HttpRequest;

pub(super) fn request(a: &Ask) -> Result<Option<HttpRequest>> {
    if !matches!(a.ty, IocType::Ipv4 | IocType::Ipv6) {
        return Ok(None);
    }
    Ok(Some(HttpRequest::get(a.svc.url(&["exit-addresses"], &[])?)))
}

pub(super) fn parse(ioc: &str, body: &[u8]) -> std::result::Result<Verdict, String> {
    let text = std::str::from_utf8(body).map_err(|_| "the exit list is not UTF-8 text")?;
    let wanted = parse_ip(ioc);
    let mut node = Map::new();
    let mut any = false;
    for line in text.lines() {
        let (key, rest) = line.trim().split_once(' ').unwrap_or((line.trim(), ""));
        match key {
            "ExitNode" => {
                any = true;
                node = Map::new();
                node.insert("ExitNode".into(), Value::from(rest));
            }
            "Published" | "LastStatus" => {
                node.insert(key.into(), Value::from(rest));
            }
            "ExitAddress" => {
                let addr = rest.split(' ').next().unwrap_or_default();
                if wanted.is_some() && parse_ip(addr) == wanted {
                    node.insert("ExitAddress".into(), Value::from(addr));
                    let details = json!({"NodeID": node.get("ExitNode"), "LastStatus": node.get("LastStatus")});
                    return Ok(Verdict::found(
                        Severity::Warning,
                        details,
                        Value::Object(node),
                    ));
                }
            }
            _ => {}
        }
    }
    if !any {
        return Err("it has no ExitNode lines (not the Tor exit list)".into());
    }
    Ok(Verdict::found(
        Severity::Information,
        Value::from("Not found."),
        Value::Null,
    ))
}
