//! Whois of many IPs as a table, as msticpy's `get_whois_df` / `ip_whois` give it: each distinct IP is asked once
//! (duplicates are folded before the fan-out, and the session cache answers repeats across calls), addresses that
//! are not public get a row that says so and are never sent, and the rows can be joined back onto the input table
//! with [`crate::frame::join`] (msticpy's left merge on the IP column, suffixes `""` / `"_whois"`).
//!
//! Columns: `query`, `asn`, `asn_cidr`, `asn_country_code`, `asn_registry`, `asn_date`, `asn_description`, `nets`
//! (JSON list of msticpy's net objects: `cidr`, `handle`, `name`, `startAddress`, `endAddress`, `created`,
//! `updated`, `address`, `emails`), `AsnDescription`, `WhoIsData` (JSON object of all the fields, as msticpy's
//! column), then `IpType` (msticpy's class) and `Status` (`ok`, `not public (Private): not looked up`, `not an IP
//! address`, or the error).

use std::collections::HashMap;
use std::net::IpAddr;

use polars::prelude::*;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{Whois, WhoisClient};
use crate::error::{Error, PolarsContext, Result};
use crate::frame::join::{join, JoinHow, JoinOptions};
use crate::frame::{Frame, LaType};
use crate::ioc::ip::{ip_type, parse_ip, IpType};
use crate::net::{fan_out, ResponseCache, Transport};

/// How many IPs are looked up at once.
pub const MAX_IN_FLIGHT: usize = 8;
/// The most distinct IPs one call looks up.
pub const MAX_DISTINCT: usize = 10_000;

/// `whois(…, options)`: the IP column of a table, whether to join the result onto it, the DNS-over-HTTPS resolver
/// for Team Cymru, and an RDAP base URL that replaces every registry's (a proxy or stand-in).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WhoisOptions {
    /// The column of IPs (msticpy's `ip_column`); needed for a table.
    #[serde(alias = "ip_column")]
    pub column: Option<String>,
    /// Return the input table with the whois columns joined on (msticpy's `get_whois_df`); else one row per
    /// distinct IP.
    pub join: bool,
    /// DNS-over-HTTPS JSON endpoint (default Cloudflare's).
    pub resolver: Option<String>,
    /// Base URL used for every RDAP request instead of the registry's.
    pub rdap_url: Option<String>,
}

/// What became of one distinct input value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Found(Whois),
    NotPublic(IpType),
    NotIp,
    Failed(String),
}

/// One distinct input value and its outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhoisRow {
    pub query: String,
    pub outcome: Outcome,
}

/// The distinct non-empty values of `values`, in first-appearance order.
pub fn distinct(values: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    values
        .into_iter()
        .filter(|v| !v.trim().is_empty())
        .filter(|v| seen.insert(v.clone()))
        .collect()
}

/// The text of column `column` of `frame` (nulls left out), for [`lookup_many`].
pub fn column_values(frame: &Frame, column: &str) -> Result<Vec<String>> {
    let col = frame.column(column)?;
    let text = col
        .cast(&DataType::String)
        .context(&format!("reading column '{column}' as text"))?;
    let ca = text.str().context(&format!("reading column '{column}' as text"))?;
    Ok(ca.into_iter().flatten().map(String::from).collect())
}

/// Whois of every distinct value of `values`: public IPs through `client` (each address asked once, at most
/// [`MAX_IN_FLIGHT`] at a time), the others as rows saying why they were not asked. `Err` only when cancelled or
/// when there are more than [`MAX_DISTINCT`] distinct values.
pub async fn lookup_many<T: Transport>(
    client: &WhoisClient,
    t: &T,
    values: impl IntoIterator<Item = String>,
    cache: Option<&ResponseCache>,
    cancelled: impl Fn() -> bool,
) -> Result<Vec<WhoisRow>> {
    let values = distinct(values);
    if values.len() > MAX_DISTINCT {
        return Err(Error::invalid(format!(
            "whois: {} distinct IPs is more than the {MAX_DISTINCT} one call looks up; split the table",
            values.len()
        )));
    }
    let mut addrs: Vec<IpAddr> = Vec::new();
    let mut index: HashMap<IpAddr, usize> = HashMap::new();
    for v in &values {
        if let Some(a) = parse_ip(v).filter(|a| ip_type(*a) == IpType::Public) {
            index.entry(a).or_insert_with(|| {
                addrs.push(a);
                addrs.len() - 1
            });
        }
    }
    let texts: Vec<String> = addrs.iter().map(IpAddr::to_string).collect();
    let jobs: Vec<_> = texts.iter().map(|a| client.whois(t, a, cache)).collect();
    let results = fan_out(jobs, MAX_IN_FLIGHT, cancelled, |_, _| {}).await?;
    Ok(values
        .into_iter()
        .map(|query| {
            let outcome = match parse_ip(&query) {
                None => Outcome::NotIp,
                Some(a) => match ip_type(a) {
                    IpType::Public => match &results[index[&a]] {
                        Ok(w) => Outcome::Found(w.clone()),
                        Err(e) => Outcome::Failed(e.to_string()),
                    },
                    other => Outcome::NotPublic(other),
                },
            };
            WhoisRow { query, outcome }
        })
        .collect())
}

/// A net as msticpy's dict.
fn net_json(n: &super::Net) -> Value {
    json!({
        "cidr": n.cidr, "handle": n.handle, "name": n.name, "startAddress": n.start_address,
        "endAddress": n.end_address, "created": n.created, "updated": n.updated, "address": n.address,
        "emails": n.emails,
    })
}

/// `rows` as the table `whois` (see the module docs for the columns).
pub fn whois_frame(rows: &[WhoisRow]) -> Result<Frame> {
    let found = |r: &WhoisRow| match &r.outcome {
        Outcome::Found(w) => Some(w.clone()),
        _ => None,
    };
    let whois: Vec<Option<Whois>> = rows.iter().map(found).collect();
    let opt_text = |name: &str, f: &dyn Fn(&Whois) -> String| {
        StringChunked::from_iter_options(name.into(), whois.iter().map(|w| w.as_ref().map(f)))
            .into_series()
            .into_column()
    };
    let data: Vec<Option<Value>> = whois
        .iter()
        .map(|w| {
            w.as_ref().map(|w| {
                json!({
                    "asn": w.asn.asn, "query": w.query, "asn_cidr": w.asn.asn_cidr,
                    "asn_country_code": w.asn.asn_country_code, "asn_registry": w.asn.asn_registry,
                    "asn_date": w.asn.asn_date, "asn_description": w.asn.asn_description,
                    "nets": w.nets.iter().map(net_json).collect::<Vec<_>>(),
                })
            })
        })
        .collect();
    let ip_types = rows.iter().map(|r| match &r.outcome {
        Outcome::NotIp => None,
        _ => parse_ip(&r.query).map(|a| ip_type(a).as_str()),
    });
    let status = rows.iter().map(|r| match &r.outcome {
        Outcome::Found(_) => "ok".to_string(),
        Outcome::NotPublic(t) => format!("not public ({t}): not looked up"),
        Outcome::NotIp => "not an IP address".to_string(),
        Outcome::Failed(e) => format!("error: {e}"),
    });
    let cols = vec![
        StringChunked::from_iter_values("query".into(), rows.iter().map(|r| r.query.clone()))
            .into_series()
            .into_column(),
        opt_text("asn", &|w| w.asn.asn.clone()),
        opt_text("asn_cidr", &|w| w.asn.asn_cidr.clone()),
        opt_text("asn_country_code", &|w| w.asn.asn_country_code.clone()),
        opt_text("asn_registry", &|w| w.asn.asn_registry.clone()),
        opt_text("asn_date", &|w| w.asn.asn_date.clone()),
        opt_text("asn_description", &|w| w.asn.asn_description.clone()),
        opt_text("nets", &|w| Value::Array(w.nets.iter().map(net_json).collect()).to_string()),
        opt_text("AsnDescription", &|w| w.asn.asn_description.clone()),
        StringChunked::from_iter_options("WhoIsData".into(), data.iter().map(|d| d.as_ref().map(Value::to_string)))
            .into_series()
            .into_column(),
        StringChunked::from_iter_options("IpType".into(), ip_types).into_series().into_column(),
        StringChunked::from_iter_values("Status".into(), status).into_series().into_column(),
    ];
    let df = DataFrame::new(rows.len(), cols).context("building the whois table")?;
    let mut frame = Frame::new("whois", df);
    frame.set_la_type("nets", LaType::Dynamic);
    frame.set_la_type("WhoIsData", LaType::Dynamic);
    Ok(frame)
}

/// `input` with the whois columns of `whois` joined on (left join of `column` with `query`; msticpy's suffixes).
pub fn join_whois(input: &Frame, column: &str, whois: &Frame) -> Result<Frame> {
    let mut opts = JoinOptions::left_right(JoinHow::Left, &[column], &["query"]);
    opts.suffixes = (String::new(), "_whois".to_string());
    join(input, whois, &opts)
}

#[cfg(test)]
mod tests;
