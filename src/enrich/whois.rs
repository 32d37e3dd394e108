//! Whois of an IP as msticpy returns it (`asn`, `asn_cidr`, `asn_country_code`, `asn_registry`, `asn_date`,
//! `asn_description`, `nets[…]`), from services a browser can reach: the ASN fields from Team Cymru's DNS service
//! asked through DNS over HTTPS, the network details from RDAP (JSON over HTTPS).
//!
//! Cymru: TXT `d.c.b.a.origin.asn.cymru.com` (IPv6: reversed nibbles under `origin6.asn.cymru.com`) answers
//! `"8068 | 13.107.4.0/24 | US | arin | 2015-03-26"`, and `AS8068.asn.cymru.com` answers
//! `"8068 | US | arin | 2015-03-26 | MICROSOFT-CORP-MSN-AS-BLOCK, US"` (the description). RDAP: the registry's base
//! URL comes from IANA's bootstrap registries ([`rdap_base_url`]; the package ships them beside the wasm as
//! `huntbook_rdap_bootstrap.json`, read by [`parse_bootstrap`]), else from the registry Cymru named
//! ([`registry_rdap_base`]); a caller's `rdap_url` replaces every base (a proxy or stand-in). `rel: up` links are
//! followed at most [`MAX_UP_LINKS`] times, each adding a net. Many IPs at once: [`table`].
//!
//! Differences from msticpy's `_create_net`, which it gets wrong: `created` is the registration date and `updated`
//! the last change (msticpy swaps them and keeps only the last event's); `cidr` lists every `cidr0_cidrs` prefix,
//! comma-separated (msticpy only the first); `address` is the registrant's (msticpy takes the last entity's);
//! `emails` are the vCard emails of the entities (msticpy greps the whole answer, remarks included).

use std::net::IpAddr;

use serde_json::Value;

use crate::enrich::dns::DohResolver;
use crate::error::{Error, Result};
use crate::ioc::ip::{ip_type, IpType};
use crate::net::{Endpoint, HttpRequest, ResponseCache, Service, Transport};

/// How many `rel: up` links are followed from the first RDAP answer.
pub const MAX_UP_LINKS: usize = 3;

/// The ASN fields (msticpy's names, from Team Cymru).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AsnInfo {
    pub asn: String,
    pub asn_cidr: String,
    pub asn_country_code: String,
    pub asn_registry: String,
    pub asn_date: String,
    pub asn_description: String,
}

/// One network from RDAP (msticpy's `nets[…]` fields).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Net {
    pub cidr: String,
    pub handle: String,
    pub name: String,
    pub start_address: String,
    pub end_address: String,
    pub created: Option<String>,
    pub updated: Option<String>,
    pub address: Option<String>,
    pub emails: Vec<String>,
}

/// Whois of one IP.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Whois {
    pub query: String,
    pub asn: AsnInfo,
    /// The IP's network first, then the networks above it (`rel: up`).
    pub nets: Vec<Net>,
}

/// The Cymru origin name for `ip`: `50.4.107.13.origin.asn.cymru.com`, or reversed nibbles under
/// `origin6.asn.cymru.com` for IPv6.
pub fn cymru_origin_name(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            format!("{}.{}.{}.{}.origin.asn.cymru.com", o[3], o[2], o[1], o[0])
        }
        IpAddr::V6(v6) => {
            let hex = format!("{:032x}", u128::from(v6));
            let nibbles: Vec<String> = hex.chars().rev().map(String::from).collect();
            format!("{}.origin6.asn.cymru.com", nibbles.join("."))
        }
    }
}

/// The `|`-separated fields of a Cymru answer, trimmed; `Err` when there are not `n`.
fn fields(txt: &str, n: usize, what: &str) -> Result<Vec<String>> {
    let f: Vec<String> = txt.split('|').map(|s| s.trim().to_string()).collect();
    if f.len() < n || f[0].is_empty() {
        return Err(Error::parse(
            what,
            format!("expected {n} '|'-separated fields, got '{}'", txt.trim()),
        ));
    }
    Ok(f)
}

/// An origin answer (`ASN | prefix | CC | registry | date`) as ASN fields (no description yet).
pub fn parse_cymru_origin(txt: &str) -> Result<AsnInfo> {
    let f = fields(txt, 5, "Team Cymru's origin answer")?;
    Ok(AsnInfo {
        asn: f[0].clone(),
        asn_cidr: f[1].clone(),
        asn_country_code: f[2].clone(),
        asn_registry: f[3].clone(),
        asn_date: f[4].clone(),
        asn_description: String::new(),
    })
}

/// The AS name of an `ASnnn.asn.cymru.com` answer (`ASN | CC | registry | date | name`).
pub fn parse_cymru_as_name(txt: &str) -> Result<String> {
    Ok(fields(txt, 5, "Team Cymru's AS answer")?[4..].join("|"))
}

/// Cymru's verbose whois table (`AS | IP | BGP Prefix | CC | Registry | Allocated | AS Name` and one row), as
/// msticpy reads it.
pub fn parse_cymru_verbose(text: &str) -> Result<AsnInfo> {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header = fields(
        lines.next().unwrap_or_default(),
        7,
        "Team Cymru's whois answer",
    )?;
    let row = fields(
        lines.next().unwrap_or_default(),
        7,
        "Team Cymru's whois answer",
    )?;
    let get = |k: &str| {
        header
            .iter()
            .position(|h| h == k)
            .and_then(|i| row.get(i..))
            .map(|rest| rest.join("|"))
            .unwrap_or_default()
    };
    let at = |k: &str| {
        header
            .iter()
            .position(|h| h == k)
            .and_then(|i| row.get(i).cloned())
            .unwrap_or_default()
    };
    Ok(AsnInfo {
        asn: at("AS"),
        asn_cidr: at("BGP Prefix"),
        asn_country_code: at("CC"),
        asn_registry: at("Registry"),
        asn_date: at("Allocated"),
        asn_description: get("AS Name"),
    })
}

/// The RDAP base URL of a regional registry as Cymru names it (`arin`, `ripencc`, `apnic`, `lacnic`, `afrinic`):
/// the same bases IANA's bootstrap lists.
pub fn registry_rdap_base(registry: &str) -> Option<&'static str> {
    Some(match registry.trim().to_ascii_lowercase().as_str() {
        "arin" => "https://rdap.arin.net/registry/",
        "ripencc" | "ripe" => "https://rdap.db.ripe.net/",
        "apnic" => "https://rdap.apnic.net/",
        "lacnic" => "https://rdap.lacnic.net/rdap/",
        "afrinic" => "https://rdap.afrinic.net/rdap/",
        _ => return None,
    })
}

/// The base URL IANA's RDAP bootstrap JSON (`ipv4.json` / `ipv6.json`: `{"services": [[[prefixes…], [urls…]]…]}`)
/// gives for `ip`: the longest matching prefix, its first https URL.
pub fn rdap_base_url(bootstrap: &Value, ip: IpAddr) -> Option<String> {
    let services = bootstrap.get("services")?.as_array()?;
    let mut best: Option<(u8, &str)> = None;
    for s in services {
        let urls = s.get(1).and_then(Value::as_array);
        let url = urls.and_then(|u| {
            u.iter()
                .filter_map(Value::as_str)
                .find(|u| u.starts_with("https://"))
        });
        let prefixes = s
            .get(0)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        for p in prefixes.iter().filter_map(Value::as_str) {
            let Some(net) = crate::ioc::ip::IpNet::parse(p) else {
                continue;
            };
            if net.contains(ip) && best.is_none_or(|(len, _)| net.prefix() > len) {
                best = url.map(|u| (net.prefix(), u));
            }
        }
    }
    best.map(|(_, u)| u.to_string())
}

/// IANA's bootstrap registries from `bytes`: the shipped file (`{"ipv4": {…}, "ipv6": {…}, "asn": {…}}`) or one
/// IANA file (`{"services": […]}`). Each registry must have a `services` list.
pub fn parse_bootstrap(bytes: &[u8]) -> Result<Vec<Value>> {
    let what = "the RDAP bootstrap";
    let v: Value = serde_json::from_slice(bytes).map_err(|e| Error::parse(what, e.to_string()))?;
    let registries: Vec<Value> = if v.get("services").is_some() {
        vec![v]
    } else {
        ["ipv4", "ipv6", "asn"].iter().filter_map(|k| v.get(*k).cloned()).collect()
    };
    if registries.is_empty() || registries.iter().any(|r| !r.get("services").is_some_and(Value::is_array)) {
        return Err(Error::parse(
            what,
            "expected IANA's bootstrap JSON ({\"services\": [...]}, or {\"ipv4\", \"ipv6\", \"asn\"} of them)",
        ));
    }
    Ok(registries)
}

/// The base URL IANA's ASN bootstrap (`asn.json`: ranges `"64512-65534"` or single numbers) gives for `asn`.
pub fn rdap_asn_base_url(bootstrap: &Value, asn: u32) -> Option<String> {
    let services = bootstrap.get("services")?.as_array()?;
    services.iter().find_map(|s| {
        let ranges = s.get(0)?.as_array()?;
        let hit = ranges.iter().filter_map(Value::as_str).any(|r| {
            let (lo, hi) = r.split_once('-').unwrap_or((r, r));
            matches!((lo.trim().parse::<u32>(), hi.trim().parse::<u32>()), (Ok(lo), Ok(hi)) if lo <= asn && asn <= hi)
        });
        if !hit {
            return None;
        }
        let urls = s.get(1)?.as_array()?;
        urls.iter().filter_map(Value::as_str).find(|u| u.starts_with("https://")).map(String::from)
    })
}

/// `href` (an RDAP URL with an `/ip/…` path) moved onto `base`: `https://rdap.arin.net/registry/ip/13.64.0.0/11`
/// on `http://127.0.0.1:9/rdap/` → `http://127.0.0.1:9/rdap/ip/13.64.0.0/11`. `None` when there is no `/ip/`.
pub fn rebase_rdap_url(href: &str, base: &str) -> Option<String> {
    let at = href.rfind("/ip/")?;
    Some(format!("{}{}", base.trim_end_matches('/'), &href[at..]))
}

/// A string field of an RDAP object.
fn text(v: &Value, k: &str) -> String {
    v.get(k)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// The array at `pointer` in `v` (empty when there is none).
fn list<'a>(v: &'a Value, pointer: &str) -> &'a [Value] {
    v.pointer(pointer)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// The vCard properties named `prop` of an entity (`vcardArray: ["vcard", [[name, params, type, value]…]]`).
fn vcard<'a>(entity: &'a Value, prop: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
    let props = list(entity, "/vcardArray/1");
    props
        .iter()
        .filter(move |p| p.get(0).and_then(Value::as_str) == Some(prop))
}

/// The entity and its nested entities, depth first (bounded depth).
fn entities<'a>(v: &'a Value, depth: usize, out: &mut Vec<&'a Value>) {
    for e in list(v, "/entities") {
        out.push(e);
        if depth < 4 {
            entities(e, depth + 1, out);
        }
    }
}

/// An RDAP IP-network answer as msticpy's net fields (see the module docs for the differences).
pub fn parse_rdap_net(v: &Value) -> Result<Net> {
    if v.get("objectClassName")
        .and_then(Value::as_str)
        .is_some_and(|c| c != "ip network")
        || !v.is_object()
    {
        return Err(Error::parse(
            "the RDAP answer",
            "it is not an IP network object",
        ));
    }
    let cidrs: Vec<String> = list(v, "/cidr0_cidrs")
        .iter()
        .filter_map(|c| {
            let p = c.get("v4prefix").or_else(|| c.get("v6prefix"))?.as_str()?;
            Some(format!("{p}/{}", c.get("length")?.as_u64()?))
        })
        .collect();
    let event = |action: &str| {
        let events = list(v, "/events");
        events
            .iter()
            .find(|e| e.get("eventAction").and_then(Value::as_str) == Some(action))
            .map(|e| text(e, "eventDate"))
    };
    let mut all = Vec::new();
    entities(v, 0, &mut all);
    let has_role = |e: &Value, r: &str| {
        e.get("roles")
            .and_then(Value::as_array)
            .is_some_and(|a| a.iter().any(|x| x == r))
    };
    let label = |e: &Value| {
        vcard(e, "adr").find_map(|a| {
            a.pointer("/1/label")
                .and_then(Value::as_str)
                .map(String::from)
        })
    };
    let address = all
        .iter()
        .filter(|e| has_role(e, "registrant"))
        .find_map(|e| label(e))
        .or_else(|| all.iter().find_map(|e| label(e)));
    let mut emails: Vec<String> = Vec::new();
    for e in vcard_emails(&all) {
        if !emails.contains(&e) {
            emails.push(e);
        }
    }
    Ok(Net {
        cidr: if cidrs.is_empty() {
            "No network data retrieved.".into()
        } else {
            cidrs.join(", ")
        },
        handle: text(v, "handle"),
        name: text(v, "name"),
        start_address: text(v, "startAddress"),
        end_address: text(v, "endAddress"),
        created: event("registration"),
        updated: event("last changed"),
        address,
        emails,
    })
}

fn vcard_emails(all: &[&Value]) -> Vec<String> {
    all.iter()
        .flat_map(|e| vcard(e, "email"))
        .filter_map(|p| p.get(3).and_then(Value::as_str))
        .map(String::from)
        .collect()
}

/// The `rel: up` link of an RDAP answer (an https URL), if any.
pub fn rdap_up_link(v: &Value) -> Option<String> {
    let links = v.get("links")?.as_array()?;
    let up = links
        .iter()
        .find(|l| l.get("rel").and_then(Value::as_str) == Some("up"))?;
    let href = up.get("href")?.as_str()?;
    href.starts_with("https://").then(|| href.to_string())
}

/// Whois lookups: a DNS-over-HTTPS resolver for Cymru and a service for RDAP.
#[derive(Debug)]
pub struct WhoisClient {
    pub doh: DohResolver,
    pub rdap: Service,
    /// IANA's RDAP bootstrap registries ([`parse_bootstrap`]; when given, they choose the registry).
    pub bootstrap: Vec<Value>,
    /// Replaces every RDAP base URL, `rel: up` links included (a proxy or a stand-in).
    pub rdap_url: Option<String>,
}

impl WhoisClient {
    /// Cymru through `doh`, RDAP directly (registries send CORS headers), no bootstrap.
    pub fn new(doh: DohResolver) -> WhoisClient {
        let rdap = Service::new(
            "RDAP",
            Endpoint::new("https://rdap.arin.net/registry/"),
            "the RDAP URL is right",
        );
        WhoisClient {
            doh,
            rdap,
            bootstrap: Vec::new(),
            rdap_url: None,
        }
    }

    /// The ASN fields of `ip` from Cymru over DNS over HTTPS (the most specific prefix when several answer).
    pub async fn asn<T: Transport>(
        &self,
        t: &T,
        ip: IpAddr,
        cache: Option<&ResponseCache>,
    ) -> Result<AsnInfo> {
        let answers = self
            .doh
            .resolve(t, &cymru_origin_name(ip), "TXT", cache)
            .await?;
        let mut best: Option<AsnInfo> = None;
        for a in answers.iter().filter(|r| r.record_type == "TXT") {
            let info = parse_cymru_origin(&a.data)?;
            let len = |i: &AsnInfo| {
                i.asn_cidr
                    .rsplit('/')
                    .next()
                    .and_then(|l| l.parse::<u8>().ok())
                    .unwrap_or(0)
            };
            if best.as_ref().is_none_or(|b| len(&info) > len(b)) {
                best = Some(info);
            }
        }
        let mut info =
            best.ok_or_else(|| Error::Service(format!("Team Cymru has no ASN for {ip}")))?;
        let first_asn = info
            .asn
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_string();
        let names = self
            .doh
            .resolve(t, &format!("AS{first_asn}.asn.cymru.com"), "TXT", cache)
            .await?;
        if let Some(n) = names.iter().find(|r| r.record_type == "TXT") {
            info.asn_description = parse_cymru_as_name(&n.data)?;
        }
        Ok(info)
    }

    /// The networks of `ip` from RDAP at `base`, then up to [`MAX_UP_LINKS`] `rel: up` networks.
    pub async fn nets<T: Transport>(
        &self,
        t: &T,
        ip: IpAddr,
        base: &str,
        cache: Option<&ResponseCache>,
    ) -> Result<Vec<Net>> {
        let mut url = Endpoint::new(base).url(&["ip", &ip.to_string()], &[])?;
        let mut nets = Vec::new();
        for _ in 0..=MAX_UP_LINKS {
            let req = HttpRequest::get(url).header("Accept", "application/rdap+json");
            let resp = self.rdap.send_ok(t, &req, cache).await?;
            let v: Value = serde_json::from_slice(&resp.body).map_err(|e| {
                Error::parse(format!("the RDAP answer from {}", req.url), e.to_string())
            })?;
            nets.push(parse_rdap_net(&v)?);
            let up = match &self.rdap_url {
                Some(base) => v
                    .pointer("/links")
                    .and_then(Value::as_array)
                    .and_then(|l| l.iter().find(|l| l.get("rel").and_then(Value::as_str) == Some("up")))
                    .and_then(|l| l.get("href")?.as_str())
                    .and_then(|h| rebase_rdap_url(h, base)),
                None => rdap_up_link(&v),
            };
            match up {
                Some(up) => url = up,
                None => break,
            }
        }
        Ok(nets)
    }

    /// msticpy's whois of a public IP: Cymru's ASN fields and RDAP's nets.
    pub async fn whois<T: Transport>(
        &self,
        t: &T,
        ip: &str,
        cache: Option<&ResponseCache>,
    ) -> Result<Whois> {
        let addr: IpAddr = ip
            .trim()
            .parse()
            .map_err(|_| Error::invalid(format!("'{ip}' is not an IP address")))?;
        let class = ip_type(addr);
        if class != IpType::Public {
            return Err(Error::invalid(format!(
                "{addr} is a {class} address: whois is only for public IPs"
            )));
        }
        let asn = self.asn(t, addr, cache).await?;
        let from_bootstrap = self.bootstrap.iter().find_map(|b| rdap_base_url(b, addr));
        let base = self
            .rdap_url
            .clone()
            .or(from_bootstrap)
            .or_else(|| registry_rdap_base(&asn.asn_registry).map(String::from))
            .ok_or_else(|| {
                Error::Service(format!(
                    "no RDAP server known for {addr} (registry '{}'): give the IANA bootstrap",
                    asn.asn_registry
                ))
            })?;
        let nets = self.nets(t, addr, &base, cache).await?;
        Ok(Whois {
            query: addr.to_string(),
            asn,
            nets,
        })
    }
}

pub mod table;

#[cfg(test)]
mod tests;
