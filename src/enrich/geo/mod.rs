//! Geolocation from MaxMind GeoLite2 / GeoIP2 `.mmdb` files (msticpy's `GeoLiteLookup`), read from bytes with the
//! `maxminddb` crate.
//!
//! ```text
//! bytes ──GeoDb::from_bytes──▶ GeoDb (City or ASN edition, from the metadata's database_type)
//!        ──lookup / lookup_many / lookup_frame──▶ GeoRow ──rows_frame──▶ Frame "geolocation"
//! ```
//!
//! Rows have msticpy's `GeoLocation` columns: `IpAddress`, `CountryCode`, `CountryOrRegionName`, `State` (the first
//! subdivision), `City`, `Longitude`, `Latitude` (City and Country editions), or `IpAddress`, `Asn`,
//! `AsnDescription` (ASN edition), and `Note`, which says why a row has no location:
//!
//! - a non-public address (class by [`crate::ioc::ip::ip_type`]) is not looked up: like msticpy, its
//!   `CountryOrRegionName` is `"<class> address"` (`"Private address"`) and its `City` `"location unknown"`; the
//!   note says `"Private address (not in GeoLite2)"`;
//! - an address the database does not have: `"not found in the database"` (msticpy drops such rows);
//! - text that is not an IP address: `"not an IP address"`; an IPv6 address in an IPv4-only database says so.
//!
//! Lists keep their order and length (each distinct address is looked up once); [`GeoDb::lookup_frame`] looks up
//! the distinct addresses of a column and joins the rows back to the table with [`crate::frame::join`] (msticpy's
//! `df_lookup_ip`: a left join of the column with `IpAddress`).
//!
//! Limits: a file of at most [`MAX_MMDB_BYTES`]; a damaged file is an error when it is opened or when a lookup
//! reaches the damage (the `maxminddb` crate checks offsets and sizes, and bounds decoding), never a panic.

#[cfg(feature = "testing")]
pub mod write;

#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::net::IpAddr;

use maxminddb::{path, MaxMindDbError, PathElement, Reader};
use polars::prelude::*;
use serde::Deserialize;

use crate::error::{Error, PolarsContext, Result};
use crate::frame::join::{join, JoinHow, JoinOptions};
use crate::frame::Frame;
use crate::ioc::ip::{ip_type, parse_ip, IpType};

/// The largest `.mmdb` accepted (GeoLite2-City is about 60 MB; GeoIP2-City about 130 MB).
pub const MAX_MMDB_BYTES: usize = 512 * 1024 * 1024;

/// The most addresses one call looks up.
pub const MAX_LOOKUPS: usize = 10_000_000;

/// The name of the result table.
pub const TABLE_NAME: &str = "geolocation";

/// What the database holds, from its metadata's `database_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edition {
    /// City, Country or Enterprise records: country, subdivisions, city, location.
    City,
    /// ASN (or ISP) records: `autonomous_system_number`, `autonomous_system_organization`.
    Asn,
}

impl Edition {
    /// `City` or `ASN`.
    pub fn as_str(self) -> &'static str {
        match self {
            Edition::City => "City",
            Edition::Asn => "ASN",
        }
    }

    fn of(database_type: &str) -> Result<Edition> {
        let t = database_type.to_ascii_lowercase();
        if t.contains("asn") || t.contains("isp") {
            Ok(Edition::Asn)
        } else if t.contains("city") || t.contains("country") || t.contains("enterprise") {
            Ok(Edition::City)
        } else {
            Err(Error::invalid(format!(
                "GeoLite2: the database type is '{}', not a City, Country or ASN edition: open a GeoLite2-City, \
                 GeoLite2-Country or GeoLite2-ASN .mmdb",
                shorten(database_type)
            )))
        }
    }
}

/// The options of `geoloc` / `GeoLite.lookup` (read with [`crate::options::read`]).
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct GeolocOptions {
    /// The column of IP addresses (tables only; msticpy's `column`). Optional for a one-column table.
    pub column: Option<String>,
    /// Tables: the table with the location columns joined on (true, msticpy's `df_lookup_ip`) or one row per
    /// distinct address (false, msticpy's `lookup_ips`).
    pub join: bool,
}

impl Default for GeolocOptions {
    fn default() -> Self {
        GeolocOptions { column: None, join: true }
    }
}

/// One looked-up address.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GeoRow {
    /// The address as given.
    pub ip: String,
    pub country_code: Option<String>,
    pub country: Option<String>,
    pub state: Option<String>,
    pub city: Option<String>,
    pub longitude: Option<f64>,
    pub latitude: Option<f64>,
    pub asn: Option<u32>,
    pub asn_description: Option<String>,
    /// Why the row has no location (non-public, not found, not an address); `None` when it was found.
    pub note: Option<String>,
}

/// An open `.mmdb`.
pub struct GeoDb {
    reader: Reader<Vec<u8>>,
    edition: Edition,
}

impl std::fmt::Debug for GeoDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GeoDb")
            .field("database_type", &self.database_type())
            .field("edition", &self.edition)
            .finish()
    }
}

/// At most 60 characters of attacker-controlled text for an error.
fn shorten(s: &str) -> String {
    let mut out: String = s.chars().take(60).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

fn damaged(e: MaxMindDbError) -> Error {
    Error::invalid(format!(
        "GeoLite2: the .mmdb file is damaged or not a MaxMind DB ({e}); download it again from MaxMind"
    ))
}

impl GeoDb {
    /// Opens a `.mmdb` from its bytes; the edition comes from the metadata's `database_type`.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<GeoDb> {
        if bytes.is_empty() {
            return Err(Error::invalid("GeoLite2: the .mmdb file is empty: give the bytes of a GeoLite2 .mmdb file"));
        }
        if bytes.len() > MAX_MMDB_BYTES {
            return Err(Error::invalid(format!(
                "GeoLite2: the file is {} MiB; at most {} MiB is read: give a GeoLite2 City, Country or ASN .mmdb",
                bytes.len() >> 20,
                MAX_MMDB_BYTES >> 20
            )));
        }
        let reader = Reader::from_source(bytes).map_err(damaged)?;
        let edition = Edition::of(&reader.metadata().database_type)?;
        Ok(GeoDb { reader, edition })
    }

    pub fn edition(&self) -> Edition {
        self.edition
    }

    /// The metadata's `database_type` (`GeoLite2-City`).
    pub fn database_type(&self) -> &str {
        &self.reader.metadata().database_type
    }

    /// The metadata's English description (or the first one), if any.
    pub fn description(&self) -> Option<&str> {
        let d = &self.reader.metadata().description;
        d.get("en").or_else(|| d.values().next()).map(String::as_str)
    }

    /// When the database was built (seconds since 1970).
    pub fn build_epoch(&self) -> u64 {
        self.reader.metadata().build_epoch
    }

    /// The metadata's IP version (4 or 6).
    pub fn ip_version(&self) -> u16 {
        self.reader.metadata().ip_version
    }

    /// The row of one address (see the [module](self) for notes).
    pub fn lookup(&self, ip: &str) -> Result<GeoRow> {
        let mut row = GeoRow { ip: ip.to_string(), ..GeoRow::default() };
        let Some(addr) = parse_ip(ip) else {
            row.note = Some("not an IP address".into());
            return Ok(row);
        };
        let class = ip_type(addr);
        if class != IpType::Public {
            if self.edition == Edition::City {
                row.country = Some(format!("{class} address"));
                row.city = Some("location unknown".into());
            }
            row.note = Some(format!("{class} address (not in GeoLite2)"));
            return Ok(row);
        }
        let addr = match addr {
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => IpAddr::V4(v4),
                None if self.ip_version() == 4 => {
                    row.note = Some("an IPv6 address: this database is IPv4-only".into());
                    return Ok(row);
                }
                None => addr,
            },
            v4 => v4,
        };
        let found = self.reader.lookup(addr).map_err(damaged)?;
        if !found.has_data() {
            row.note = Some("not found in the database".into());
            return Ok(row);
        }
        // Only the fields msticpy reads, each by its path (one small decoder per value type keeps the wasm small).
        let text = |path: &[PathElement<'_>]| -> Result<Option<String>> {
            Ok(found.decode_path::<&str>(path).map_err(damaged)?.map(str::to_string))
        };
        let real = |path: &[PathElement<'_>]| found.decode_path::<f64>(path).map_err(damaged);
        match self.edition {
            Edition::City => {
                row.country_code = text(&path!["country", "iso_code"])?;
                row.country = text(&path!["country", "names", "en"])?;
                row.state = text(&path!["subdivisions", 0, "names", "en"])?;
                row.city = text(&path!["city", "names", "en"])?;
                row.longitude = real(&path!["location", "longitude"])?;
                row.latitude = real(&path!["location", "latitude"])?;
            }
            Edition::Asn => {
                row.asn = found.decode_path::<u32>(&path!["autonomous_system_number"]).map_err(damaged)?;
                row.asn_description = text(&path!["autonomous_system_organization"])?;
            }
        }
        Ok(row)
    }

    /// One row per address, in order; each distinct address is looked up once.
    pub fn lookup_many<S: AsRef<str>>(&self, ips: &[S]) -> Result<Vec<GeoRow>> {
        check_count(ips.len())?;
        let mut seen: HashMap<&str, usize> = HashMap::new();
        let mut distinct: Vec<GeoRow> = Vec::new();
        let mut index = Vec::with_capacity(ips.len());
        for ip in ips {
            let ip = ip.as_ref();
            let i = match seen.get(ip) {
                Some(&i) => i,
                None => {
                    distinct.push(self.lookup(ip)?);
                    seen.insert(ip, distinct.len() - 1);
                    distinct.len() - 1
                }
            };
            index.push(i);
        }
        if distinct.len() == ips.len() {
            return Ok(distinct);
        }
        Ok(index.into_iter().map(|i| distinct[i].clone()).collect())
    }

    /// The rows of `ips` as a table (see [`GeoDb::rows_frame`]).
    pub fn lookup_table<S: AsRef<str>>(&self, ips: &[S]) -> Result<Frame> {
        self.rows_frame(&self.lookup_many(ips)?)
    }

    /// The distinct addresses of text column `column` of `frame` looked up once each, as the table joined back to
    /// `frame` (left join of `column` with `IpAddress`; `join: true`) or as one row per distinct address.
    pub fn lookup_frame(&self, frame: &Frame, opts: &GeolocOptions) -> Result<Frame> {
        let column = match &opts.column {
            Some(c) => c.clone(),
            None if frame.width() == 1 => frame.column_names().remove(0),
            None => {
                return Err(Error::invalid(format!(
                    "geoloc: give the column of IP addresses: {{column: \"…\"}} (columns: {})",
                    frame.column_names().join(", ")
                )))
            }
        };
        let col = frame.column(&column)?;
        let text = col.str().map_err(|_| {
            Error::invalid(format!(
                "geoloc: column '{column}' holds {}, not text: choose the column of IP addresses",
                col.dtype()
            ))
        })?;
        check_count(text.len())?;
        let mut seen = std::collections::HashSet::new();
        let ips: Vec<&str> = text.into_iter().flatten().filter(|s| seen.insert(*s)).collect();
        let rows = ips.iter().map(|ip| self.lookup(ip)).collect::<Result<Vec<_>>>()?;
        let found = self.rows_frame(&rows)?;
        if !opts.join {
            return Ok(found);
        }
        join(frame, &found, &JoinOptions::left_right(JoinHow::Left, &[column.as_str()], &["IpAddress"]))
    }

    /// `rows` as the table `geolocation` with this edition's columns.
    pub fn rows_frame(&self, rows: &[GeoRow]) -> Result<Frame> {
        let text = |name: &str, f: &dyn Fn(&GeoRow) -> Option<&str>| {
            StringChunked::from_iter_options(name.into(), rows.iter().map(f)).into_series().into_column()
        };
        let real = |name: &str, f: &dyn Fn(&GeoRow) -> Option<f64>| {
            Float64Chunked::from_iter_options(name.into(), rows.iter().map(f)).into_series().into_column()
        };
        let mut cols = vec![text("IpAddress", &|r| Some(r.ip.as_str()))];
        match self.edition {
            Edition::City => {
                cols.push(text("CountryCode", &|r| r.country_code.as_deref()));
                cols.push(text("CountryOrRegionName", &|r| r.country.as_deref()));
                cols.push(text("State", &|r| r.state.as_deref()));
                cols.push(text("City", &|r| r.city.as_deref()));
                cols.push(real("Longitude", &|r| r.longitude));
                cols.push(real("Latitude", &|r| r.latitude));
            }
            Edition::Asn => {
                let asn: Vec<Option<String>> = rows.iter().map(|r| r.asn.map(|n| n.to_string())).collect();
                cols.push(StringChunked::from_iter_options("Asn".into(), asn.iter().map(|a| a.as_deref()))
                    .into_series()
                    .into_column());
                cols.push(text("AsnDescription", &|r| r.asn_description.as_deref()));
            }
        }
        cols.push(text("Note", &|r| r.note.as_deref()));
        let df = DataFrame::new(rows.len(), cols).context("building the geolocation table")?;
        Ok(Frame::new(TABLE_NAME, df))
    }
}

fn check_count(n: usize) -> Result<()> {
    if n > MAX_LOOKUPS {
        return Err(Error::invalid(format!(
            "geoloc: {n} addresses; at most {MAX_LOOKUPS} are looked up in one call: look up the distinct ones or \
             split the list"
        )));
    }
    Ok(())
}
