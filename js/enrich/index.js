// Enrichment (issue #11): threat-intel lookups, GeoLite2 geolocation, whois/ASN, DNS over HTTPS, IP/DNS/URL parts.
export * from "./ti.js";
export * from "./geo.js";
export * from "./net.js";
export { useDemoEnrichment, demoEnrichment } from "./demo.js";
