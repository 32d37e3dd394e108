//! Writes small MaxMind DB files in the GeoLite2 City and ASN layouts, for the tests, the demo mmdb
//! (`examples/demo_mmdb.rs`) and the bench. Only with the `testing` feature (never in the wasm); the format work is
//! the `mmdb-writer` crate's.

use std::collections::BTreeMap;
use std::time::{Duration, UNIX_EPOCH};

use mmdb_writer::ipnet::IpNet;
use mmdb_writer::Writer;
use serde::Serialize;

use crate::error::{Error, Result};

/// One network of a City-layout database.
#[derive(Debug, Clone, PartialEq)]
pub struct CityEntry {
    /// `"192.0.2.0/24"`, `"2001:db8::/32"` or one address (`/32`, `/128`).
    pub network: String,
    pub country_code: String,
    pub country: String,
    pub continent_code: String,
    /// The first subdivision (`State`), with its ISO code.
    pub state: Option<(String, String)>,
    pub city: Option<String>,
    pub latitude: f64,
    pub longitude: f64,
    pub time_zone: Option<String>,
}

/// One network of an ASN-layout database.
#[derive(Debug, Clone, PartialEq)]
pub struct AsnEntry {
    pub network: String,
    pub number: u32,
    pub organization: String,
}

/// What every file written here says about itself.
#[derive(Debug, Clone, PartialEq)]
pub struct DbInfo {
    /// `database_type`: `GeoLite2-City`, `GeoLite2-ASN`.
    pub database_type: String,
    /// The English description.
    pub description: String,
    /// The build time written to the metadata (fixed, so a file is the same every run).
    pub build_epoch: u64,
}

#[derive(Serialize)]
struct Names<'a> {
    en: &'a str,
}

#[derive(Serialize)]
struct Country<'a> {
    iso_code: &'a str,
    names: Names<'a>,
}

#[derive(Serialize)]
struct Continent<'a> {
    code: &'a str,
}

#[derive(Serialize)]
struct Named<'a> {
    names: Names<'a>,
}

#[derive(Serialize)]
struct Location<'a> {
    accuracy_radius: u16,
    latitude: f64,
    longitude: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    time_zone: Option<&'a str>,
}

#[derive(Serialize)]
struct CityRecord<'a> {
    continent: Continent<'a>,
    country: Country<'a>,
    registered_country: Country<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    subdivisions: Vec<Country<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    city: Option<Named<'a>>,
    location: Location<'a>,
}

#[derive(Serialize)]
struct AsnRecord<'a> {
    autonomous_system_number: u32,
    autonomous_system_organization: &'a str,
}

fn network(s: &str) -> Result<IpNet> {
    s.parse::<IpNet>()
        .or_else(|_| s.parse::<std::net::IpAddr>().map(IpNet::from))
        .map_err(|_| Error::invalid(format!("mmdb writer: '{s}' is not a network")))
}

fn writer(info: &DbInfo) -> Writer {
    Writer::builder(info.database_type.clone())
        .description(&[("en", info.description.as_str())])
        .build_epoch(UNIX_EPOCH + Duration::from_secs(info.build_epoch))
        .build()
}

fn err(e: mmdb_writer::Error) -> Error {
    Error::invalid(format!("mmdb writer: {e}"))
}

/// A City-layout (GeoLite2-City) database of `entries`; later entries win where networks overlap.
pub fn city_mmdb(info: &DbInfo, entries: &[CityEntry]) -> Result<Vec<u8>> {
    let mut w = writer(info);
    for e in entries {
        let country = || Country { iso_code: &e.country_code, names: Names { en: &e.country } };
        let record = CityRecord {
            continent: Continent { code: &e.continent_code },
            country: country(),
            registered_country: country(),
            subdivisions: e
                .state
                .iter()
                .map(|(code, name)| Country { iso_code: code, names: Names { en: name } })
                .collect(),
            city: e.city.as_deref().map(|c| Named { names: Names { en: c } }),
            location: Location {
                accuracy_radius: 20,
                latitude: e.latitude,
                longitude: e.longitude,
                time_zone: e.time_zone.as_deref(),
            },
        };
        w.insert(network(&e.network)?, &record).map_err(err)?;
    }
    w.to_bytes().map_err(err)
}

/// An ASN-layout (GeoLite2-ASN) database of `entries`.
pub fn asn_mmdb(info: &DbInfo, entries: &[AsnEntry]) -> Result<Vec<u8>> {
    let mut w = writer(info);
    for e in entries {
        let record = AsnRecord { autonomous_system_number: e.number, autonomous_system_organization: &e.organization };
        w.insert(network(&e.network)?, &record).map_err(err)?;
    }
    w.to_bytes().map_err(err)
}

/// A database whose records are arbitrary maps of text (for tests of odd layouts).
pub fn text_mmdb(info: &DbInfo, entries: &[(&str, BTreeMap<String, String>)]) -> Result<Vec<u8>> {
    let mut w = writer(info);
    for (net, record) in entries {
        w.insert(network(net)?, record).map_err(err)?;
    }
    w.to_bytes().map_err(err)
}
