//! Enrichment (the Tour's "Enriching data" section): threat-intelligence lookups ([`ti`]), DNS over HTTPS
//! ([`dns`]), whois/ASN from Team Cymru and RDAP ([`whois`]), GeoLite2 geolocation ([`geo`]), and host-name and
//! URL parts ([`components`]).
//!
//! Everything here is plain Rust: request builders, response parsers and the lookup flow. Every request goes
//! through a [`crate::net::Service`] (cache, rate limit, retries, error wording); keys are
//! [`crate::net::Secret`]s and never appear in a row or an error. The browser binding is a thin skin over these.

pub mod components;
pub mod geo;
pub mod dns;
pub mod ti;
pub mod whois;
