//! Bindings of the net utilities of `crate::enrich`: whois ([`crate::enrich::whois::table`]), DNS over HTTPS
//! ([`crate::enrich::dns`]), host-name and URL parts ([`crate::enrich::components`]) and msticpy's IP classes
//! ([`crate::ioc::ip::ip_type`]).
//!
//! Requests go through `fetch` ([`FetchTransport`]) with the session's response cache, or, in demo mode, through
//! the recorded demo answers ([`Replay`]). The JS wrapper (`js/enrich/net.js`) loads the IANA bootstrap and the
//! demo answers beside the wasm once and passes their bytes in.

use serde_json::json;
use wasm_bindgen::prelude::*;
use web_sys::AbortSignal;

use super::frame::WasmFrame;
use super::net::FetchTransport;
use super::{js_err, json_of, JsResult};
use crate::enrich::components::{dns_components, url_components};
use crate::enrich::dns::{records_frame, DnsOptions, DohResolver, DEFAULT_TYPES};
use crate::enrich::whois::table::{column_values, join_whois, lookup_many, whois_frame, WhoisOptions};
use crate::enrich::whois::{parse_bootstrap, WhoisClient};
use crate::ioc::ip::{ip_type, parse_ip};
use crate::net::{HttpRequest, HttpResponse, NetError, Replay, ResponseCache, Transport};
use crate::options;

/// Client time limit of one request, in seconds.
const TIMEOUT_S: u32 = 30;

thread_local! {
    /// The session's response cache for whois and DNS (4096 answers, 16 MiB).
    static CACHE: &'static ResponseCache = Box::leak(Box::new(ResponseCache::new(4096, 16 << 20)));
}

fn cache() -> &'static ResponseCache {
    CACHE.with(|c| *c)
}

/// `fetch`, or the recorded demo answers: one transport type, so the lookup code is compiled once (wasm size).
enum Net {
    Fetch(FetchTransport),
    Demo(Replay),
}

impl Transport for Net {
    async fn send(&self, r: &HttpRequest) -> Result<HttpResponse, NetError> {
        match self {
            Net::Fetch(t) => t.send(r).await,
            Net::Demo(t) => t.send(r).await,
        }
    }
    async fn sleep(&self, ms: u64) -> Result<(), NetError> {
        match self {
            Net::Fetch(t) => t.sleep(ms).await,
            Net::Demo(t) => t.sleep(ms).await,
        }
    }
    fn now_ms(&self) -> u64 {
        match self {
            Net::Fetch(t) => t.now_ms(),
            Net::Demo(t) => t.now_ms(),
        }
    }
}

/// The transport and cache of a call: the demo answers when given (no cache), else `fetch` with the session cache.
fn transport(
    demo_answers: Option<Vec<u8>>,
    signal: Option<AbortSignal>,
) -> JsResult<(Net, Option<&'static ResponseCache>)> {
    Ok(match demo_answers {
        Some(b) => (
            Net::Demo(Replay::from_json(&b, "the demo answers (huntbook_demo_answers.json)").map_err(js_err)?),
            None,
        ),
        None => (Net::Fetch(FetchTransport::new(signal, TIMEOUT_S)), Some(cache())),
    })
}

fn whois_options(v: &JsValue) -> JsResult<WhoisOptions> {
    options::read("whois", &json_of(v)?).map_err(js_err)
}


/// Whois of the distinct values of `values` (one row each). `bootstrap`: IANA's RDAP bootstrap file; `demo_answers`:
/// the recorded demo answers (then nothing goes to the network).
#[wasm_bindgen(js_name = whoisLookup)]
pub async fn whois_lookup(
    values: Vec<String>,
    options: JsValue,
    bootstrap: Option<Vec<u8>>,
    demo_answers: Option<Vec<u8>>,
    signal: Option<AbortSignal>,
) -> JsResult<WasmFrame> {
    let o = whois_options(&options)?;
    let mut client = WhoisClient::new(DohResolver::new(o.resolver.as_deref()));
    if let Some(b) = bootstrap {
        client.bootstrap = parse_bootstrap(&b).map_err(js_err)?;
    }
    client.rdap_url = o.rdap_url;
    let (t, cache) = transport(demo_answers, signal.clone())?;
    let cancelled = || signal.as_ref().is_some_and(AbortSignal::aborted);
    let rows = lookup_many(&client, &t, values, cache, cancelled).await.map_err(js_err)?;
    whois_frame(&rows).map(Into::into).map_err(js_err)
}

/// The text of `column` of `frame` (the IPs to look up).
#[wasm_bindgen(js_name = whoisColumnValues)]
pub fn whois_column_values(frame: &WasmFrame, column: &str) -> JsResult<Vec<String>> {
    column_values(frame.inner(), column).map_err(js_err)
}

/// `input` with the whois rows joined on `column` (msticpy's `get_whois_df`).
#[wasm_bindgen(js_name = whoisJoin)]
pub fn whois_join(input: &WasmFrame, column: &str, whois: &WasmFrame) -> JsResult<WasmFrame> {
    join_whois(input.inner(), column, whois.inner()).map(Into::into).map_err(js_err)
}

/// Checks `whois` options (so a wrong name fails before any lookup).
#[wasm_bindgen(js_name = whoisCheckOptions)]
pub fn whois_check_options(options: JsValue) -> JsResult<()> {
    whois_options(&options).map(|_| ())
}

/// `name`'s records of the asked types (Name, Type, TTL, Data).
#[wasm_bindgen(js_name = dnsResolve)]
pub async fn dns_resolve(
    name: String,
    options: JsValue,
    demo_answers: Option<Vec<u8>>,
    signal: Option<AbortSignal>,
) -> JsResult<WasmFrame> {
    let o: DnsOptions = options::read("dnsResolve", &json_of(&options)?).map_err(js_err)?;
    let doh = DohResolver::new(o.resolver.as_deref());
    let types: Vec<String> =
        if o.types.is_empty() { DEFAULT_TYPES.iter().map(|s| s.to_string()).collect() } else { o.types };
    let (t, cache) = transport(demo_answers, signal)?;
    let rows = doh.resolve_types(&t, &name, &types, cache).await.map_err(js_err)?;
    records_frame(&rows).map(Into::into).map_err(js_err)
}

/// msticpy's `dns_components`: `{subdomain, domain, suffix}` as JSON text.
#[wasm_bindgen(js_name = dnsComponentsJSON)]
pub fn dns_components_json(name: &str) -> String {
    let c = dns_components(name);
    json!({"subdomain": c.subdomain, "domain": c.domain, "suffix": c.suffix}).to_string()
}

/// msticpy's `url_components`: `{scheme, netloc, path, params, query, fragment}` as JSON text.
#[wasm_bindgen(js_name = urlComponentsJSON)]
pub fn url_components_json(url: &str) -> JsResult<String> {
    let c = url_components(url).map_err(js_err)?;
    Ok(json!({"scheme": c.scheme, "netloc": c.netloc, "path": c.path, "params": c.params, "query": c.query,
        "fragment": c.fragment})
    .to_string())
}

/// msticpy's `get_ip_type`: `Public`, `Private`, `Multicast`, `Loopback`, `Link Local`, `Unspecified`, `Reserved`
/// (`Unspecified` for text that is not an IP address, as msticpy).
#[wasm_bindgen(js_name = ipType)]
pub fn ip_type_of(ip: &str) -> String {
    parse_ip(ip).map_or("Unspecified", |a| ip_type(a).as_str()).to_string()
}
