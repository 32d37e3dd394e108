// Enrichment (net): whois/ASN of IPs, DNS over HTTPS, host-name and URL parts, IP address classes.
//
// whois(ip | ips | df, {column, join, resolver, rdapUrl, signal})
//                         → DataFrame                              msticpy: get_whois_df(df, ip_column) / ip_whois
// dnsResolve(name, {types, resolver, signal}) → DataFrame Name, Type, TTL, Data
// dnsComponents(name)     → {subdomain, domain, suffix}           msticpy: dns_components
// urlComponents(url)      → {scheme, netloc, path, params, query, fragment}   msticpy: url_components
// ipType(ip)              → "Public" | "Private" | …              msticpy: get_ip_type
//
// Every request goes through the wasm (src/net: cache, retries, error wording); nothing here calls fetch for a
// provider. whois asks Team Cymru's DNS service over DNS over HTTPS and the registry's RDAP server, which IANA's
// bootstrap (huntbook_rdap_bootstrap.json beside the wasm, loaded once) chooses. In demo mode
// (`useDemoEnrichment()`), whois and dnsResolve answer from the recorded demo answers beside the wasm
// (huntbook_demo_answers.json) and their frames have `demo === true`.

import * as wasm from "../huntbook_wasm.js";
import { DataFrame, wrapFrame, ready } from "../frame.js";
import { bytesAt, packageFile } from "../demo.js";
import { demoEnrichment, markDemo } from "./demo.js";

/** The IANA RDAP bootstrap file beside the wasm (listed in package.json's `exports` and `files`). */
export const RDAP_BOOTSTRAP_FILE = "huntbook_rdap_bootstrap.json";
/** The recorded demo answers for whois and DNS beside the wasm. */
export const DEMO_ANSWERS_FILE = "huntbook_demo_answers.json";

const loaded = new Map(); // file name → Promise<Uint8Array>, each file fetched once per page

function fileBeside(name) {
  if (!loaded.has(name)) {
    const bytes = bytesAt(packageFile(name));
    bytes.catch(() => loaded.delete(name)); // a failed load is tried again by the next call
    loaded.set(name, bytes);
  }
  return loaded.get(name);
}

/** `options` without `signal` (read in JS), undefined values dropped; the wasm side checks the names. */
function split(options, what) {
  if (options === undefined || options === null) return [{}, undefined];
  if (typeof options !== "object" || Array.isArray(options)) {
    throw new TypeError(`${what}: options must be an object like {resolver: "https://…"}, got ${typeof options}`);
  }
  const { signal, ...rest } = options;
  if (signal !== undefined && !(typeof AbortSignal !== "undefined" && signal instanceof AbortSignal)) {
    throw new TypeError(`${what}: options.signal must be an AbortSignal (from new AbortController().signal)`);
  }
  const out = {};
  for (const [k, v] of Object.entries(rest)) if (v !== undefined) out[k] = v;
  return [out, signal];
}

/**
 * Whois of IP addresses, as msticpy's `get_whois_df` / `ip_whois`: the ASN fields from Team Cymru (asked over DNS
 * over HTTPS) and the networks from the registry's RDAP server (the IP's network, then up to 3 `rel: up` parents).
 *
 * `ips`: one IP, a list, or a DataFrame with the IPs in `column`. Each distinct IP is asked once (and not again in
 * this session: answers are cached); addresses that are not public get a row saying so and are never sent.
 * Returns one row per distinct value with columns `query`, `asn`, `asn_cidr`, `asn_country_code`, `asn_registry`,
 * `asn_date`, `asn_description`, `nets` (dynamic: msticpy's net objects), `AsnDescription`, `WhoIsData` (dynamic:
 * all fields), `IpType`, `Status` (`ok`, `not public (Private): not looked up`, `not an IP address`, or the error);
 * with `{join: true}` (a DataFrame only) the input table with those columns joined on (a left join on `column`).
 *
 * Options: `column` (the IP column of a DataFrame), `join` (false), `resolver` (DNS-over-HTTPS JSON endpoint,
 * default Cloudflare's), `rdapUrl` (a base URL used for every RDAP request instead of the registry's: a proxy or a
 * stand-in), `signal` (an AbortSignal that cancels the lookups).
 */
export async function whois(ips, options) {
  ready("whois");
  const [opts, signal] = split(options, "whois");
  wasm.whoisCheckOptions(opts);
  let values;
  const isFrame = ips instanceof DataFrame;
  if (isFrame) {
    if (typeof opts.column !== "string") {
      throw new TypeError(`whois(df, {column}): name the IP column, e.g. {column: "IPAddress"}; columns are ${ips.columns.join(", ")}`);
    }
    values = wasm.whoisColumnValues(ips._frame, opts.column);
  } else {
    if (opts.join) throw new TypeError("whois: {join: true} needs a DataFrame (and its IP column)");
    if (typeof ips === "string") values = [ips];
    else if (Array.isArray(ips) || (ips && typeof ips[Symbol.iterator] === "function")) values = Array.from(ips, (v) => String(v ?? ""));
    else throw new TypeError(`whois(ips): give an IP, a list of IPs or a DataFrame, got ${ips === null ? "null" : typeof ips}`);
  }
  const demo = demoEnrichment();
  const [bootstrap, answers] = await Promise.all([fileBeside(RDAP_BOOTSTRAP_FILE), demo ? fileBeside(DEMO_ANSWERS_FILE) : undefined]);
  const found = await wasm.whoisLookup(values, opts, bootstrap, answers, signal);
  let frame = found;
  if (isFrame && opts.join) {
    frame = wasm.whoisJoin(ips._frame, opts.column, found);
    found.free();
  }
  return markDemo(wrapFrame(frame), demo);
}

/**
 * The DNS records of `name` over DNS over HTTPS (JSON): one row per record with `Name`, `Type`, `TTL`, `Data`
 * (CNAMEs on the way included; none for a name that does not exist).
 * Options: `types` (one or a list of A, AAAA, CNAME, MX, TXT, NS, PTR; default A, AAAA, CNAME, MX), `resolver`
 * (default Cloudflare's `https://cloudflare-dns.com/dns-query`; Google's `https://dns.google/resolve` also works),
 * `signal`.
 */
export async function dnsResolve(name, options) {
  ready("dnsResolve");
  if (typeof name !== "string") throw new TypeError(`dnsResolve(name): name must be a string, got ${typeof name}`);
  const [opts, signal] = split(options, "dnsResolve");
  const demo = demoEnrichment();
  const answers = demo ? await fileBeside(DEMO_ANSWERS_FILE) : undefined;
  return markDemo(wrapFrame(await wasm.dnsResolve(name, opts, answers, signal)), demo);
}

/** A host name's parts by the public-suffix list (msticpy's `dns_components`): `{subdomain, domain, suffix}`. */
export function dnsComponents(name) {
  ready("dnsComponents");
  return JSON.parse(wasm.dnsComponentsJSON(String(name)));
}

/** A URL's parts, named as Python's `urlparse` (msticpy's `url_components`); throws for a relative URL. */
export function urlComponents(url) {
  ready("urlComponents");
  return JSON.parse(wasm.urlComponentsJSON(String(url)));
}

/**
 * msticpy's class of an IP address (`get_ip_type`): `Public`, `Private`, `Multicast`, `Loopback`, `Link Local`,
 * `Unspecified` or `Reserved` (documentation ranges such as 203.0.113.0/24); `Unspecified` for text that is not an
 * IP address, as msticpy.
 */
export function ipType(ip) {
  ready("ipType");
  return wasm.ipType(String(ip));
}
