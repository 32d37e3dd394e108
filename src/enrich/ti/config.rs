//! A TI lookup session: the configured providers (`{providers: {VirusTotal: {key, proxy?, rateLimit?}, …}}`, read
//! with [`crate::options::read`]), one response cache for the session, and lookups that return msticpy's table with
//! rows IoC by IoC, providers in the configured order.
//!
//! Keys become [`Secret`]s as they are read; no message of this module holds one (a key of the wrong kind is
//! refused without showing it). Sentinel's `ThreatIntelligenceIndicator` provider ([`super::sentinel`]) is
//! configured here like the others, but its query is run by the caller (the JS query provider) and its table handed
//! to [`TiSession::lookup`].

use std::str::FromStr;

use serde::{de, Deserialize, Deserializer};
use serde_json::{Map, Value};

use super::{lookup_many, results_frame, sentinel, ProviderKind, TiProvider, TiResult};
use crate::error::{Error, Result};
use crate::frame::Frame;
use crate::ioc::IocType;
use crate::net::{RateLimit, ResponseCache, Secret, Transport};

/// The whole configuration: `{providers: {<name>: {…}}}` (msticpy's names; Sentinel also as AzSTI/MSSentinel).
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TiConfig {
    pub providers: Map<String, Value>,
}

/// One provider's options.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProviderConfig {
    /// The API key (X-Force: `ApiID:AuthKey`); a [`Secret`] from the moment it is read.
    #[serde(deserialize_with = "secret")]
    pub key: Option<Secret>,
    /// A proxy base URL used instead of the provider's own (for APIs that refuse browser origins).
    pub proxy: Option<String>,
    /// Requests a minute.
    #[serde(alias = "rateLimit", deserialize_with = "whole_opt")]
    pub rate_limit: Option<u32>,
    /// Seconds each request may take before its row says the provider did not answer (default
    /// [`super::REQUEST_TIMEOUT_S`]); the other lookups of the batch go on.
    #[serde(deserialize_with = "whole_opt")]
    pub timeout: Option<u32>,
    /// Sentinel: the query provider lives on the JS side; here only whether one was given.
    #[serde(alias = "queryProvider")]
    pub query_provider: Option<Value>,
}

fn whole_opt<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<u32>, D::Error> {
    crate::options::whole(d).map(Some)
}

fn secret<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<Secret>, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        Value::String(s) => Secret::new(&s, "the key").map(Some).map_err(de::Error::custom),
        _ => Err(de::Error::custom("the key must be text (the value is not shown)")),
    }
}

/// Options of one lookup call: `{type, providers}`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LookupOptions {
    /// msticpy's IoC type name (`ipv4`, `dns`, `url`, `sha256_hash`…); inferred per value when not given.
    #[serde(rename = "type", alias = "ioc_type")]
    pub ty: Option<String>,
    /// The providers to ask (default: all configured).
    #[serde(deserialize_with = "crate::options::one_or_many")]
    pub providers: Vec<String>,
}

/// At most this many values in one call.
pub const MAX_VALUES: usize = 10_000;
/// Requests in flight at once.
const IN_FLIGHT: usize = 6;

#[derive(Debug)]
enum Entry {
    Http(Box<TiProvider>),
    Sentinel,
}

impl Entry {
    fn name(&self) -> &'static str {
        match self {
            Entry::Http(p) => p.kind.name(),
            Entry::Sentinel => sentinel::NAME,
        }
    }
}

/// The configured providers and the session's response cache.
#[derive(Debug)]
pub struct TiSession {
    entries: Vec<Entry>,
    cache: ResponseCache,
}

fn kind_of(name: &str) -> Option<ProviderKind> {
    ProviderKind::ALL.into_iter().find(|k| k.name().eq_ignore_ascii_case(name))
}

fn known_names() -> String {
    let mut names: Vec<&str> = ProviderKind::ALL.iter().map(|k| k.name()).collect();
    names.push("Sentinel");
    names.join(", ")
}

impl TiSession {
    /// The providers of `config` (`{providers: {…}}` as JSON: an object, or JSON text).
    pub fn from_json(config: &Value) -> Result<TiSession> {
        let parsed;
        let config = match config {
            Value::String(text) => {
                parsed = serde_json::from_str::<Value>(text)
                    .map_err(|e| Error::invalid(format!("TILookup: the configuration is not valid JSON ({e})")))?;
                &parsed
            }
            other => other,
        };
        let cfg: TiConfig = crate::options::read("TILookup", config)?;
        TiSession::new(&cfg)
    }

    pub fn new(cfg: &TiConfig) -> Result<TiSession> {
        if cfg.providers.is_empty() {
            return Err(Error::invalid(format!(
                "TILookup: configure at least one provider, e.g. {{providers: {{VirusTotal: {{key: \"…\"}}, Tor: {{}}}}}}. \
                 Providers are: {}",
                known_names()
            )));
        }
        let mut entries = Vec::new();
        for (name, v) in &cfg.providers {
            let what = format!("TILookup: providers.{name}");
            if !v.is_object() && !v.is_null() {
                return Err(Error::invalid(format!(
                    "{what} must be an object like {{key: \"…\", proxy: \"…\"}} (the value is not shown)"
                )));
            }
            let pc: ProviderConfig = crate::options::read(&what, v)?;
            let entry = if sentinel::is_name(name) {
                if pc.key.is_some() || pc.proxy.is_some() || pc.timeout.is_some() {
                    return Err(Error::invalid(format!(
                        "{what}: Sentinel's indicators are queried through your query provider: give {{queryProvider}} \
                         (no key, proxy or timeout)"
                    )));
                }
                Entry::Sentinel
            } else {
                let Some(kind) = kind_of(name) else {
                    return Err(Error::invalid(format!("TILookup: unknown provider '{name}'. Providers are: {}", known_names())));
                };
                let mut p = TiProvider::new(kind, pc.key, pc.proxy)?;
                if let Some(n) = pc.rate_limit {
                    if n == 0 {
                        return Err(Error::invalid(format!("{what}.rateLimit must be at least 1 request a minute")));
                    }
                    p = p.rate_limit(RateLimit::per_minute(n));
                }
                if let Some(secs) = pc.timeout {
                    if secs == 0 {
                        return Err(Error::invalid(format!("{what}.timeout must be at least 1 second")));
                    }
                    p.service = p.service.timeout_ms(u64::from(secs) * 1000);
                }
                Entry::Http(Box::new(p))
            };
            if entries.iter().any(|e: &Entry| e.name() == entry.name()) {
                return Err(Error::invalid(format!("TILookup: provider {} is configured twice", entry.name())));
            }
            entries.push(entry);
        }
        Ok(TiSession { entries, cache: ResponseCache::new(2000, 32 << 20) })
    }

    /// The demo session: only Sentinel's provider (the demo `ThreatIntelligenceIndicator` table).
    pub fn demo() -> TiSession {
        TiSession { entries: vec![Entry::Sentinel], cache: ResponseCache::new(16, 1 << 20) }
    }

    /// The provider names, in the configured order.
    pub fn provider_names(&self) -> Vec<String> {
        self.entries.iter().map(|e| e.name().to_string()).collect()
    }

    /// The entries `opts.providers` selects (all when empty), in the configured order.
    fn selected(&self, opts: &LookupOptions) -> Result<Vec<&Entry>> {
        for want in &opts.providers {
            let known = self.entries.iter().any(|e| {
                e.name().eq_ignore_ascii_case(want) || (matches!(e, Entry::Sentinel) && sentinel::is_name(want))
            });
            if !known {
                return Err(Error::invalid(format!(
                    "lookup: provider '{want}' is not configured. Configured: {}",
                    self.provider_names().join(", ")
                )));
            }
        }
        Ok(self
            .entries
            .iter()
            .filter(|e| {
                opts.providers.is_empty()
                    || opts.providers.iter().any(|w| {
                        e.name().eq_ignore_ascii_case(w) || (matches!(e, Entry::Sentinel) && sentinel::is_name(w))
                    })
            })
            .collect())
    }

    /// The values with the call's type (checked), bounded.
    pub fn values(values: &[String], opts: &LookupOptions) -> Result<Vec<(String, Option<IocType>)>> {
        if values.len() > MAX_VALUES {
            return Err(Error::invalid(format!(
                "lookup: {} values in one call; at most {MAX_VALUES}: split them into batches",
                values.len()
            )));
        }
        let ty = match opts.ty.as_deref() {
            None => None,
            Some(t) => Some(IocType::from_str(t).ok().filter(|t| *t != IocType::Unknown).ok_or_else(|| {
                Error::invalid(format!(
                    "lookup: unknown IoC type '{t}'. Types are: ipv4, ipv6, dns, hostname, url, email, md5_hash, \
                     sha1_hash, sha256_hash"
                ))
            })?),
        };
        Ok(values.iter().map(|v| (v.clone(), ty)).collect())
    }

    /// The KQL the caller runs for Sentinel's provider, when it is selected and some value can be looked up there.
    pub fn sentinel_query(&self, values: &[String], opts: &LookupOptions) -> Result<Option<String>> {
        let values = Self::values(values, opts)?;
        let wanted = self.selected(opts)?.iter().any(|e| matches!(e, Entry::Sentinel));
        Ok(if wanted { sentinel::query(&values) } else { None })
    }

    /// Looks `values` up in the selected providers: HTTP providers through `t` (cache, rate limits, at most a few
    /// requests at a time), Sentinel's from `sentinel_answer` (the table the [`TiSession::sentinel_query`] returned,
    /// or why it failed; `None` when there was no query). Rows IoC by IoC, providers in the configured order.
    /// `progress(done, total)` counts lookups (Sentinel's rows are done before the first request).
    pub async fn lookup<T: Transport>(
        &self,
        t: &T,
        values: &[String],
        opts: &LookupOptions,
        sentinel_answer: Option<std::result::Result<&Frame, String>>,
        cancelled: impl Fn() -> bool,
        mut progress: impl FnMut(usize, usize),
    ) -> Result<Frame> {
        let values = Self::values(values, opts)?;
        let chosen = self.selected(opts)?;
        let http: Vec<&TiProvider> = chosen
            .iter()
            .filter_map(|e| match e {
                Entry::Http(p) => Some(&**p),
                Entry::Sentinel => None,
            })
            .collect();
        let wants_sentinel = chosen.iter().any(|e| matches!(e, Entry::Sentinel));
        let sentinel_rows = if wants_sentinel {
            let answer = sentinel_answer.unwrap_or(Err(
                "no answer was given for the ThreatIntelligenceIndicator query".to_string(),
            ));
            sentinel::rows(&values, answer)
        } else {
            Vec::new()
        };
        let s = sentinel_rows.len();
        let http_rows =
            lookup_many(t, &http, &values, Some(&self.cache), IN_FLIGHT, cancelled, |d, n| progress(d + s, n + s))
                .await?;
        let mut http_rows = http_rows.into_iter();
        let mut sentinel_rows = sentinel_rows.into_iter();
        let mut rows: Vec<TiResult> = Vec::with_capacity(values.len() * chosen.len());
        for _ in &values {
            for e in &chosen {
                let next = match e {
                    Entry::Http(_) => http_rows.next(),
                    Entry::Sentinel => sentinel_rows.next(),
                };
                rows.extend(next);
            }
        }
        results_frame(&rows)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::net::testing::{block_on, response, Scripted};

    fn session(v: Value) -> Result<TiSession> {
        TiSession::from_json(&v)
    }

    #[test]
    fn config_is_read_in_order_and_keys_are_never_echoed() {
        let s = session(json!({"providers": {"Tor": {}, "VirusTotal": {"key": "vt-SECRET-1", "rateLimit": 500}, "MSSentinel": {"queryProvider": true}}})).unwrap();
        assert_eq!(s.provider_names(), ["Tor", "VirusTotal", "AzSTI"]);
        let text = session(Value::from(r#"{"providers": {"OTX": {"key": "otx-SECRET-2"}}}"#)).unwrap();
        assert_eq!(text.provider_names(), ["OTX"]);
        assert!(!format!("{s:?}").contains("SECRET"), "Debug never shows a key");
        for (bad, want) in [
            (json!({"providers": {"VirusTotal": "SECRET-3"}}), "must be an object"),
            (json!({"providers": {"VirusTotal": {"key": 1234567}}}), "the key must be text"),
            (json!({"providers": {"XForce": {"key": "SECRET-4"}}}), "ApiID:AuthKey"),
            (json!({"providers": {"VirusTotal": {"key": "SECRET-5\n"}, "virustotal": {"key": "SECRET-6"}}}), "configured twice"),
            (json!({"providers": {"Shodan": {"key": "SECRET-7"}}}), "unknown provider 'Shodan'"),
            (json!({"providers": {"VirusTotal": {"key": "SECRET-8", "rateLimit": 0}}}), "at least 1"),
            (json!({"providers": {}}), "configure at least one provider"),
        ] {
            let e = session(bad).unwrap_err().to_string();
            assert!(e.contains(want), "{e}");
            assert!(!e.contains("SECRET") && !e.contains("1234567"), "{e}");
        }
    }

    #[test]
    fn rows_interleave_http_and_sentinel_providers_and_progress_counts_both() {
        let s = session(json!({"providers": {"VirusTotal": {"key": "k-1"}, "Sentinel": {"queryProvider": true}}})).unwrap();
        let vals = vec!["8.8.8.8".to_string(), "1.1.1.1".to_string()];
        let opts = LookupOptions::default();
        let kql = s.sentinel_query(&vals, &opts).unwrap().unwrap();
        assert!(kql.contains("\"8.8.8.8\", \"1.1.1.1\""), "{kql}");
        let only_vt = LookupOptions { providers: vec!["virustotal".into()], ..Default::default() };
        assert_eq!(s.sentinel_query(&vals, &only_vt).unwrap(), None);
        let t = Scripted::routed(|_| response(200, &[], r#"{"data":{"attributes":{"last_analysis_stats":{"malicious":3}}}}"#));
        let mut seen = Vec::new();
        let f = block_on(s.lookup(&t, &vals, &opts, Some(Err("offline".into())), || false, |d, n| seen.push((d, n))))
            .unwrap();
        let rows = serde_json::from_str::<Vec<Value>>(&crate::frame::rows::to_json_rows(&f, 0, 10)).unwrap();
        let got: Vec<(String, String, String)> = rows
            .iter()
            .map(|r| (r["Ioc"].as_str().unwrap().into(), r["Provider"].as_str().unwrap().into(), r["Status"].as_str().unwrap().into()))
            .collect();
        assert_eq!(got, [
            ("8.8.8.8".into(), "VirusTotal".into(), "ok".into()),
            ("8.8.8.8".into(), "AzSTI".into(), "error".into()),
            ("1.1.1.1".into(), "VirusTotal".into(), "ok".into()),
            ("1.1.1.1".into(), "AzSTI".into(), "error".into()),
        ]);
        assert_eq!(seen.first(), Some(&(2, 4)));
        assert_eq!(seen.last(), Some(&(4, 4)));
        let bad_type = LookupOptions { ty: Some("ipv5".into()), ..Default::default() };
        assert!(s.sentinel_query(&vals, &bad_type).unwrap_err().to_string().contains("unknown IoC type 'ipv5'"));
    }
}
