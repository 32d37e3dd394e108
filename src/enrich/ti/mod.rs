//! Threat-intelligence lookups with msticpy's result table: one [`TiResult`] row per IoC per provider (columns Ioc,
//! IocType, SafeIoc, QuerySubtype, Provider, Result, Severity, Details, RawResult, Reference, Status).
//!
//! Each provider is a small module with a request builder and a response parser; [`lookup`] runs one IoC through
//! one provider's [`Service`] (so its cache, rate limit and `Retry-After` handling apply) and [`lookup_many`] runs
//! many through [`fan_out`]. Before any request the value is refanged and its type inferred (or checked) with the
//! IoC extractor's validators ([`crate::ioc::classify`]); a malformed value gets Status "bad format", and an IP that
//! is not public (private, loopback, link-local, reserved… by [`crate::ioc::ip::ip_type`]) is reported as "not looked
//! up" and never sent.

use std::fmt;

use serde_json::Value;

use crate::error::{Error, Result};
use crate::ioc::ip::{ip_type, parse_ip, IpType};
use crate::ioc::IocType;
use crate::net::{
    fan_out, Endpoint, HttpRequest, HttpResponse, NetError, RateLimit, ResponseCache, Secret, Service,
    Transport,
};

mod abuseipdb;
mod config;
mod greynoise;
mod otx;
pub mod sentinel;
mod table;
mod tor;
mod urlhaus;
mod virustotal;
mod xforce;

pub use config::{LookupOptions, ProviderConfig, TiConfig, TiSession};
pub use table::results_frame;

/// msticpy's `ResultSeverity`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Unknown,
    Information,
    Warning,
    High,
}

impl Severity {
    /// msticpy's name: `unknown`, `information`, `warning`, `high`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Unknown => "unknown",
            Severity::Information => "information",
            Severity::Warning => "warning",
            Severity::High => "high",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a lookup went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// The provider answered about the IoC.
    Ok,
    /// The provider does not know the IoC (HTTP 404 or its own "no results").
    NotFound,
    /// The value is not a valid IoC of its type; nothing was sent.
    BadFormat,
    /// The provider does not look up this IoC type; nothing was sent.
    NotSupported,
    /// A private, loopback, link-local, multicast, unspecified or reserved IP: never sent.
    NotLookedUp,
    /// The lookup failed: the HTTP status, or `None` for a network failure or a malformed answer.
    Error(Option<u16>),
}

impl Status {
    /// The text shown in the Status column.
    pub fn as_str(self) -> String {
        match self {
            Status::Ok => "ok".into(),
            Status::NotFound => "not found".into(),
            Status::BadFormat => "bad format".into(),
            Status::NotSupported => "not supported".into(),
            Status::NotLookedUp => "not looked up".into(),
            Status::Error(Some(s)) => format!("error (HTTP {s})"),
            Status::Error(None) => "error".into(),
        }
    }

    /// msticpy's numeric status: 0 ok, 1 not supported (also for addresses not looked up), 2 bad format, the HTTP
    /// status of a failed request (404 when not found), 3 (query failed) for other failures.
    pub fn code(self) -> i64 {
        match self {
            Status::Ok => 0,
            Status::NotSupported | Status::NotLookedUp => 1,
            Status::BadFormat => 2,
            Status::NotFound => 404,
            Status::Error(Some(s)) => i64::from(s),
            Status::Error(None) => 3,
        }
    }
}

/// One row of msticpy's TI result table.
#[derive(Debug, Clone, PartialEq)]
pub struct TiResult {
    /// The value as looked up (refanged).
    pub ioc: String,
    /// msticpy's type name (`ipv4`, `url`, `sha256_hash`…; `unknown` when it could not be inferred).
    pub ioc_type: String,
    /// The value as sent (URLs percent-encoded).
    pub safe_ioc: String,
    pub query_subtype: Option<String>,
    pub provider: String,
    /// Whether the provider answered about the IoC.
    pub result: bool,
    pub severity: Severity,
    /// The provider's key facts (a JSON object), or a sentence when there is no answer.
    pub details: Value,
    /// The provider's answer as it came (JSON; `null` when there is none).
    pub raw_result: Value,
    /// The URL asked (without any key), or the provider's site.
    pub reference: String,
    pub status: Status,
}

/// A provider's reading of an answer.
pub(crate) struct Verdict {
    /// False when the answer says the provider does not know the IoC.
    pub found: bool,
    pub severity: Severity,
    pub details: Value,
    pub raw: Value,
}

impl Verdict {
    pub(crate) fn found(severity: Severity, details: Value, raw: Value) -> Verdict {
        Verdict {
            found: true,
            severity,
            details,
            raw,
        }
    }

    pub(crate) fn not_found(raw: Value) -> Verdict {
        Verdict {
            found: false,
            severity: Severity::Information,
            details: Value::from("Not found."),
            raw,
        }
    }
}

/// What a provider's request builder is asked: the IoC (refanged, typed) and the provider's service and key.
#[derive(Clone, Copy)]
pub(crate) struct Ask<'a> {
    pub svc: &'a Service,
    pub ioc: &'a str,
    pub ty: IocType,
    pub key: Option<&'a Secret>,
}

impl Ask<'_> {
    /// A GET of `path` and `query` on the provider's endpoint, JSON accepted, the key (if any) in `key_header`.
    pub(crate) fn get_json(
        &self,
        path: &[&str],
        query: &[(&str, &str)],
        key_header: &str,
    ) -> Result<HttpRequest> {
        let mut req =
            HttpRequest::get(self.svc.url(path, query)?).header("Accept", "application/json");
        if let Some(k) = self.key {
            req = req.secret_header(key_header, k);
        }
        Ok(req)
    }
}

/// A body as JSON, or the reason it is not.
pub(crate) fn json(body: &[u8]) -> std::result::Result<Value, String> {
    serde_json::from_slice(body).map_err(|e| format!("the answer is not valid JSON ({e})"))
}

/// The threat-intelligence providers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProviderKind {
    /// VirusTotal API v3 (key in the `x-apikey` header).
    VirusTotal,
    /// AlienVault OTX (key in `X-OTX-API-KEY`).
    Otx,
    /// AbuseIPDB API v2 (key in the `Key` header; IPs only).
    AbuseIpdb,
    /// GreyNoise community API (key in the `key` header, optional; IPv4 only).
    GreyNoise,
    /// IBM X-Force Exchange (`ApiID:AuthKey` as HTTP Basic authentication).
    XForce,
    /// The Tor project's exit-node list (no key; IPs only).
    Tor,
    /// abuse.ch URLhaus (key in `Auth-Key`).
    UrlHaus,
}

impl ProviderKind {
    pub const ALL: [ProviderKind; 7] = [
        ProviderKind::VirusTotal,
        ProviderKind::Otx,
        ProviderKind::AbuseIpdb,
        ProviderKind::GreyNoise,
        ProviderKind::XForce,
        ProviderKind::Tor,
        ProviderKind::UrlHaus,
    ];

    /// msticpy's provider name (the Provider column).
    pub fn name(self) -> &'static str {
        match self {
            ProviderKind::VirusTotal => "VirusTotal",
            ProviderKind::Otx => "OTX",
            ProviderKind::AbuseIpdb => "AbuseIPDB",
            ProviderKind::GreyNoise => "GreyNoise",
            ProviderKind::XForce => "XForce",
            ProviderKind::Tor => "Tor",
            ProviderKind::UrlHaus => "URLhaus",
        }
    }

    /// The public base URL.
    pub fn base_url(self) -> &'static str {
        match self {
            ProviderKind::VirusTotal => "https://www.virustotal.com/api/v3",
            ProviderKind::Otx => "https://otx.alienvault.com/api/v1",
            ProviderKind::AbuseIpdb => "https://api.abuseipdb.com/api/v2",
            ProviderKind::GreyNoise => "https://api.greynoise.io/v3",
            ProviderKind::XForce => "https://api.xforce.ibmcloud.com",
            ProviderKind::Tor => "https://check.torproject.org",
            ProviderKind::UrlHaus => "https://urlhaus-api.abuse.ch/v1",
        }
    }

    /// Whether a lookup needs a key.
    pub fn needs_key(self) -> bool {
        !matches!(self, ProviderKind::Tor | ProviderKind::GreyNoise)
    }

    /// The request for `ioc` of type `ty`, or `None` when the provider does not look up that type.
    fn request(self, a: &Ask) -> Result<Option<HttpRequest>> {
        match self {
            ProviderKind::VirusTotal => virustotal::request(a),
            ProviderKind::Otx => otx::request(a),
            ProviderKind::AbuseIpdb => abuseipdb::request(a),
            ProviderKind::GreyNoise => greynoise::request(a),
            ProviderKind::XForce => xforce::request(a),
            ProviderKind::Tor => tor::request(a),
            ProviderKind::UrlHaus => urlhaus::request(a),
        }
    }

    /// Reads a 2xx answer about `ioc`; `Err` says why the body is malformed.
    fn parse(self, ioc: &str, ty: IocType, body: &[u8]) -> std::result::Result<Verdict, String> {
        match self {
            ProviderKind::VirusTotal => virustotal::parse(json(body)?),
            ProviderKind::Otx => otx::parse(json(body)?),
            ProviderKind::AbuseIpdb => abuseipdb::parse(json(body)?),
            ProviderKind::GreyNoise => greynoise::parse(json(body)?),
            ProviderKind::XForce => xforce::parse(ty, json(body)?),
            ProviderKind::Tor => tor::parse(ioc, body),
            ProviderKind::UrlHaus => urlhaus::parse(json(body)?),
        }
    }
}

/// A configured provider: its kind, its [`Service`] (endpoint or proxy, rate limit, retries) and its key.
#[derive(Debug)]
pub struct TiProvider {
    pub kind: ProviderKind,
    pub service: Service,
    key: Option<Secret>,
}

impl TiProvider {
    /// `kind` at its public base URL (or through `proxy_url`), with `key` (required unless the provider needs none).
    /// VirusTotal is limited to its public API's 4 requests a minute; [`TiProvider::rate_limit`] changes that.
    pub fn new(
        kind: ProviderKind,
        key: Option<Secret>,
        proxy_url: Option<String>,
    ) -> Result<TiProvider> {
        let name = kind.name();
        if kind.needs_key() && key.is_none() {
            return Err(Error::invalid(format!(
                "{name} needs an API key: give it in the provider's options (it is sent only to {name})"
            )));
        }
        if let (ProviderKind::XForce, Some(k)) = (kind, &key) {
            xforce::basic(k)?;
        }
        let endpoint = Endpoint::new(kind.base_url()).with_proxy(proxy_url);
        let mut service = Service::new(name, endpoint, format!("the {name} API key is valid"));
        if kind == ProviderKind::VirusTotal {
            service = service.rate_limit(RateLimit::per_minute(4));
        }
        service = service.timeout_ms(u64::from(REQUEST_TIMEOUT_S) * 1000);
        Ok(TiProvider { kind, service, key })
    }

    /// The same provider with another rate limit (e.g. a VirusTotal premium key's).
    pub fn rate_limit(mut self, limit: RateLimit) -> TiProvider {
        self.service = self.service.rate_limit(limit);
        self
    }
}

/// `value` refanged and typed: its type (given, or inferred), or the row that says why it is not looked up.
pub(crate) fn prepare(
    value: &str,
    given: Option<IocType>,
) -> std::result::Result<(String, IocType), (String, Status, String)> {
    let ioc = crate::ioc::refang::refang(value.trim()).text.into_owned();
    let inferred = crate::ioc::classify(&ioc);
    let ty = match (given, inferred) {
        (Some(IocType::Hostname), Some(IocType::Dns)) => IocType::Hostname,
        (Some(g), Some(i)) if g == i => g,
        (Some(g), i) => {
            let seen = i.map_or("no known type".to_string(), |i| {
                format!("it looks like {i}")
            });
            return Err((
                ioc,
                Status::BadFormat,
                format!("'{value}' is not a valid {g} ({seen})"),
            ));
        }
        (None, Some(i)) => i,
        (None, None) => {
            return Err((
                ioc,
                Status::BadFormat,
                format!("'{value}' is not a recognised IoC (IP, domain, URL, hash…)"),
            ))
        }
    };
    if matches!(ty, IocType::Ipv4 | IocType::Ipv6) {
        let class = parse_ip(&ioc).map(ip_type);
        if class != Some(IpType::Public) {
            let class = class.map_or("not an address", |c| c.as_str());
            return Err((
                ioc,
                Status::NotLookedUp,
                format!("not looked up: {class} address (only public IPs are sent)"),
            ));
        }
    }
    Ok((ioc, ty))
}

/// The value as sent: URLs percent-encoded (as msticpy's SafeIoc), anything else as it is.
fn safe_ioc(ioc: &str, ty: IocType) -> String {
    if ty == IocType::Url {
        url::form_urlencoded::byte_serialize(ioc.as_bytes()).collect()
    } else {
        ioc.to_string()
    }
}

/// A row with no answer (not sent, or failed).
fn row_without_answer(
    p: &TiProvider,
    ioc: String,
    ty: Option<IocType>,
    status: Status,
    why: String,
) -> TiResult {
    blank_row(p.kind.name(), p.kind.base_url(), ioc, ty, status, why)
}

/// A row of provider `provider` with no answer; `reference` is the provider's site (or query).
pub(crate) fn blank_row(
    provider: &str,
    reference: &str,
    ioc: String,
    ty: Option<IocType>,
    status: Status,
    why: String,
) -> TiResult {
    let ty_name = ty.map_or("unknown", IocType::as_str).to_string();
    TiResult {
        safe_ioc: ty.map_or(ioc.clone(), |t| safe_ioc(&ioc, t)),
        ioc,
        ioc_type: ty_name,
        query_subtype: None,
        provider: provider.to_string(),
        result: false,
        severity: Severity::Information,
        details: Value::from(why),
        raw_result: Value::Null,
        reference: reference.to_string(),
        status,
    }
}

/// What a failed request's row says when the network refused it (as a browser does when the provider does not
/// allow requests from a web page: CORS). Never holds the key.
fn network_failure(p: &TiProvider) -> String {
    let name = p.kind.name();
    match &p.service.endpoint.proxy_url {
        Some(proxy) => format!(
            "{name} did not answer through the proxy at {proxy}: the request failed at the network level. Check that \
             the proxy runs, forwards to {} and allows this page's origin (CORS).",
            p.kind.base_url()
        ),
        None => format!(
            "{name} does not accept requests from a web page (CORS): the browser blocked the request (or the network \
             failed). Set providers.{name}.proxy to a proxy base URL that forwards to {}.",
            p.kind.base_url()
        ),
    }
}

/// Seconds a provider may take to answer one request before that lookup's row says it did not answer (a provider's
/// `timeout` option changes it).
pub const REQUEST_TIMEOUT_S: u32 = 30;

/// A transport that notes whether a send failed at the network level (so the row can say what to do about CORS).
struct Watch<'a, T> {
    inner: &'a T,
    network_failed: std::cell::Cell<bool>,
}

impl<T: Transport> Transport for Watch<'_, T> {
    async fn send(&self, request: &HttpRequest) -> std::result::Result<HttpResponse, NetError> {
        let r = self.inner.send(request).await;
        self.network_failed.set(matches!(r, Err(NetError::Network(_))));
        r
    }
    async fn sleep(&self, ms: u64) -> std::result::Result<(), NetError> {
        self.inner.sleep(ms).await
    }
    fn now_ms(&self) -> u64 {
        self.inner.now_ms()
    }
    fn max_response_bytes(&self) -> u64 {
        self.inner.max_response_bytes()
    }
}

/// Looks up one IoC in one provider (type inferred when `ty` is `None`). Every outcome is a row (bad format, not
/// supported, not looked up, not found, HTTP or network error with a message that never holds the key); only
/// cancellation is an `Err`. Answers are kept in `cache` for the session.
pub async fn lookup<T: Transport>(
    t: &T,
    p: &TiProvider,
    value: &str,
    ty: Option<IocType>,
    cache: Option<&ResponseCache>,
) -> Result<TiResult> {
    let (ioc, ty) = match prepare(value, ty) {
        Ok(v) => v,
        Err((ioc, status, why)) => return Ok(row_without_answer(p, ioc, ty, status, why)),
    };
    let name = p.kind.name();
    let ask = Ask {
        svc: &p.service,
        ioc: &ioc,
        ty,
        key: p.key.as_ref(),
    };
    let req = match p.kind.request(&ask) {
        Ok(Some(r)) => r,
        Ok(None) => {
            let why = format!("{name} does not look up {ty} values");
            return Ok(row_without_answer(
                p,
                ioc,
                Some(ty),
                Status::NotSupported,
                why,
            ));
        }
        Err(e) => {
            return Ok(row_without_answer(
                p,
                ioc,
                Some(ty),
                Status::BadFormat,
                e.to_string(),
            ))
        }
    };
    let watch = Watch { inner: t, network_failed: std::cell::Cell::new(false) };
    let resp = match p.service.send(&watch, &req, cache).await {
        Ok(r) => r,
        Err(Error::Cancelled) => return Err(Error::Cancelled),
        Err(e) => {
            let why = if watch.network_failed.get() { network_failure(p) } else { e.to_string() };
            return Ok(row_without_answer(p, ioc, Some(ty), Status::Error(None), req.redact(&why)));
        }
    };
    let reference = req.redact(&req.url);
    let mut row = row_without_answer(p, ioc, Some(ty), Status::Ok, String::new());
    row.reference = reference;
    let verdict = match resp.status {
        200..=299 => p.kind.parse(&row.ioc, ty, &resp.body),
        404 => Ok(Verdict::not_found(json(&resp.body).unwrap_or(Value::Null))),
        s => {
            row.status = Status::Error(Some(s));
            row.details = Value::from(p.service.status_error(&req, &resp).to_string());
            return Ok(row);
        }
    };
    match verdict {
        Ok(v) => {
            row.status = if v.found {
                Status::Ok
            } else {
                Status::NotFound
            };
            (row.result, row.severity, row.details, row.raw_result) =
                (v.found, v.severity, v.details, v.raw);
        }
        Err(why) => {
            row.status = Status::Error(None);
            row.details =
                Value::from(req.redact(&format!("{name} answered HTTP {} but {why}", resp.status)));
        }
    }
    Ok(row)
}

/// Looks up every value in every provider (rows IoC by IoC, providers in the given order), at most
/// `max_in_flight` requests at a time; each provider's rate limit still holds. `progress(done, total)` and
/// `cancelled()` as for [`fan_out`].
pub async fn lookup_many<T: Transport, P: std::borrow::Borrow<TiProvider>>(
    t: &T,
    providers: &[P],
    values: &[(String, Option<IocType>)],
    cache: Option<&ResponseCache>,
    max_in_flight: usize,
    cancelled: impl Fn() -> bool,
    progress: impl FnMut(usize, usize),
) -> Result<Vec<TiResult>> {
    let jobs: Vec<_> = values
        .iter()
        .flat_map(|(v, ty)| providers.iter().map(move |p| lookup(t, p.borrow(), v, *ty, cache)))
        .collect();
    fan_out(jobs, max_in_flight, cancelled, progress)
        .await?
        .into_iter()
        .collect()
}

#[cfg(test)]
mod tests;
