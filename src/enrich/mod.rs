//! Enrichment: threat intelligence providers, geolocation, whois (Tour TI/GeoIP sections). Not built yet.
