// Loopback stand-ins of the TI providers' public APIs, speaking each one's documented format, one path prefix per
// provider (configure `proxy: base + "/<prefix>"`):
//   /virustotal  VirusTotal v3: GET /ip_addresses/{ip}, /domains/{d}, /urls/{base64url id}, /files/{hash}; x-apikey
//   /otx         AlienVault OTX: GET /indicators/{IPv4|IPv6|domain|hostname|url|file}/{ioc}/general; X-OTX-API-KEY
//   /abuseipdb   AbuseIPDB v2: GET /check?ipAddress=&maxAgeInDays=; Key
//   /greynoise   GreyNoise community v3: GET /community/{ip}; key (optional)
//   /xforce      IBM X-Force Exchange: GET /ipr/{ip}, /url/{url|domain}, /malware/{hash}; HTTP Basic ApiID:AuthKey
//   /tor         Tor project: GET /exit-addresses (no key)
//   /urlhaus     abuse.ch URLhaus v1: POST /url/ (url=), /host/ (host=), /payload/ (md5_hash= | sha256_hash=); Auth-Key
//
// What an IoC gets (the same on every provider, in that provider's format):
//   MALICIOUS (the story's IPs, C2 domain and stage-2 URL, the vt3_file_1 hash) → a positive answer (high);
//   BENIGN (8.8.8.8, 1.1.1.1, example.com) → known and harmless (information; URLhaus: no_results);
//   anything else → the provider's "not found" answer;
//   TRIGGERS.throttled → 429 with `Retry-After: 1` on the first request of each provider, then the benign answer;
//   TRIGGERS.malformed → 200 with a body that is not JSON; TRIGGERS.dropped → the socket is destroyed (what a
//   browser reports for a CORS block: a network-level TypeError).
// Faults (tests/js/faults.test.mjs), after the key check: TRIGGERS.e500 → 500 and TRIGGERS.e503 → 503 on every
//   request, TRIGGERS.storm → 429 on every request (all with `Retry-After: 0`); TRIGGERS.reset → headers and half a
//   body, then the socket is destroyed; TRIGGERS.stall → headers are never sent.
// A wrong key gets the provider's 401 (never echoing the key). Every request is recorded (not OPTIONS preflights);
// answers carry permissive CORS headers so a page on another loopback origin can call them, except under
// `/nocors/<prefix>`, which answers the same without them (a browser blocks those: the real APIs' CORS refusal).
import http from "node:http";
import fs from "node:fs";

/** VirusTotal's recorded v3 file object (shared fixture), the answer for MALICIOUS_HASH. */
const VT_FILE = JSON.parse(fs.readFileSync(new URL("../../../shared/fixtures/enrich/vt3_file_1.json", import.meta.url), "utf8"));

export const MALICIOUS_IPS = ["185.220.101.45", "45.153.160.2", "193.142.146.213"];
export const C2_DOMAIN = "cdn-updates.northwind-sync.xyz";
export const STAGE2_URL = "http://cdn-updates.northwind-sync.xyz/stage2.ps1";
/** SHA-256 of the vt3_file_1 fixture's file. */
export const MALICIOUS_HASH = VT_FILE.id;
export const BENIGN = ["8.8.8.8", "1.1.1.1", "example.com"];
export const TRIGGERS = {
  throttled: "1.0.0.42", malformed: "1.0.0.66", dropped: "1.0.0.99",
  e500: "1.0.0.50", e503: "1.0.0.53", storm: "1.0.0.29", reset: "1.0.0.77", stall: "1.0.0.111",
};

/** The test keys (configured by `config`); assert none of them appears anywhere. */
export const KEYS = {
  VirusTotal: "vt-KEY-7f3a9c1e5b",
  OTX: "otx-KEY-2b8d4f6a0c",
  AbuseIPDB: "abuse-KEY-9e1c3a5b7d",
  GreyNoise: "gn-KEY-4d6f8b0a2c",
  XForce: "xf-ID-1a2b3c:xf-SECRET-4d5e6f",
  URLhaus: "uh-KEY-8c0e2a4b6d",
};

const PREFIX = {
  VirusTotal: "virustotal", OTX: "otx", AbuseIPDB: "abuseipdb", GreyNoise: "greynoise", XForce: "xforce", Tor: "tor",
  URLhaus: "urlhaus",
};

const isMalicious = (v) => MALICIOUS_IPS.includes(v) || v === C2_DOMAIN || v === STAGE2_URL || v.toLowerCase() === MALICIOUS_HASH;
const isBenign = (v) => BENIGN.includes(v);

function json(res, status, body, headers = {}) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(typeof body === "string" ? body : JSON.stringify(body));
}

const b64urlDecode = (s) => Buffer.from(s.replace(/-/g, "+").replace(/_/g, "/"), "base64").toString("utf8");

// ---- provider answers: (ioc, kind) → [status, body] -----------------------------------------------------------

function virustotal(ioc, collection) {
  if (collection === "files" && ioc.toLowerCase() === MALICIOUS_HASH) return [200, { data: VT_FILE }];
  if (isMalicious(ioc)) {
    return [200, { data: { id: ioc, type: collection, attributes: {
      last_analysis_stats: { malicious: 12, suspicious: 1, harmless: 60, undetected: 10 }, reputation: -42,
      tags: ["c2"], popular_threat_classification: { suggested_threat_label: "trojan.cobaltstrike" } } } }];
  }
  if (isBenign(ioc)) {
    return [200, { data: { id: ioc, type: collection, attributes: {
      last_analysis_stats: { malicious: 0, suspicious: 0, harmless: 80, undetected: 8 }, reputation: 12, tags: [] } } }];
  }
  return [404, { error: { code: "NotFoundError", message: `Resource not found` } }];
}

function otx(ioc, section) {
  const base = { indicator: ioc, type: section, sections: ["general", "geo", "malware"] };
  if (isMalicious(ioc)) {
    const pulse = (n) => ({ name: `Northwind-sync C2 infrastructure ${n}`, tags: ["c2", "cobaltstrike"], references: [`https://intel.example/${n}`] });
    return [200, { ...base, pulse_info: { count: 2, pulses: [pulse(1), pulse(2)], references: [] } }];
  }
  if (isBenign(ioc)) return [200, { ...base, pulse_info: { count: 0, pulses: [], references: [] } }];
  return [404, { detail: "Not found." }];
}

function abuseipdb(ip) {
  const score = isMalicious(ip) ? 100 : 0;
  return [200, { data: {
    ipAddress: ip, isPublic: true, ipVersion: ip.includes(":") ? 6 : 4, isWhitelisted: isBenign(ip),
    abuseConfidenceScore: score, countryCode: isMalicious(ip) ? "DE" : "US", usageType: "Data Center/Web Hosting/Transit",
    isp: isMalicious(ip) ? "Stand-in Hosting GmbH" : "Stand-in DNS", domain: "standin.example", hostnames: [],
    totalReports: isMalicious(ip) ? 1234 : 0, numDistinctUsers: isMalicious(ip) ? 200 : 0,
    lastReportedAt: isMalicious(ip) ? "2024-01-10T21:09:03+00:00" : null } }];
}

function greynoise(ip) {
  if (isMalicious(ip)) {
    return [200, { ip, noise: true, riot: false, classification: "malicious", name: "unknown",
      link: `https://viz.greynoise.io/ip/${ip}`, last_seen: "2024-01-10", message: "Success" }];
  }
  if (isBenign(ip)) {
    return [200, { ip, noise: false, riot: true, classification: "benign", name: "Stand-in DNS",
      link: `https://viz.greynoise.io/riot/${ip}`, last_seen: "2024-01-10", message: "Success" }];
  }
  return [404, { ip, noise: false, riot: false, message: "IP not observed scanning the internet or contained in RIOT data set." }];
}

function xforce(ioc, kind) {
  if (kind === "malware") {
    if (isMalicious(ioc)) return [200, { malware: { risk: "high", family: ["cobaltstrike"], type: "md5", origins: {} }, tags: [] }];
    return [404, { error: "Not found." }];
  }
  if (!isMalicious(ioc) && !isBenign(ioc)) return [404, { error: "Not found." }];
  const score = isMalicious(ioc) ? 7.1 : 0;
  const report = { score, cats: isMalicious(ioc) ? { "Botnet Command and Control Server": 100 } : {},
    categoryDescriptions: {}, reason: isMalicious(ioc) ? "Regional Internet Registry" : "Content found on multihoster",
    reasonDescription: "One of the five RIRs announced a (new) location mapping of the IP." };
  return [200, kind === "ipr" ? { ip: ioc, ...report, tags: [] } : { result: { url: ioc, ...report }, associated: [], tags: [] }];
}

const TOR_LIST = [
  ["A1B2C3D4E5F60718293A4B5C6D7E8F9012345678", MALICIOUS_IPS[0]],
  ["0F1E2D3C4B5A69788796A5B4C3D2E1F001234567", "198.51.100.250"],
].map(([id, ip]) => `ExitNode ${id}\nPublished 2024-01-10 08:00:00\nLastStatus 2024-01-10 09:00:00\nExitAddress ${ip} 2024-01-10 09:05:00\n`).join("");

function urlhaus(field, value) {
  if (!isMalicious(value)) return [200, { query_status: "no_results" }];
  if (field === "url") {
    return [200, { query_status: "ok", id: "123456", url: value, url_status: isMalicious(value) ? "online" : "offline",
      host: new URL(value).hostname, date_added: "2024-01-09 04:12:35 UTC", threat: "malware_download",
      blacklists: { spamhaus_dbl: "not listed", surbl: "not listed" }, tags: ["ps1", "stager"], payloads: [] }];
  }
  if (field === "host") {
    return [200, { query_status: "ok", host: value, firstseen: "2024-01-09 04:12:35 UTC", url_count: "1",
      blacklists: { spamhaus_dbl: "not listed", surbl: "not listed" },
      urls: [{ id: "123456", url: STAGE2_URL, url_status: isMalicious(value) ? "online" : "offline", date_added: "2024-01-09 04:12:35 UTC",
        threat: "malware_download", tags: ["ps1"] }] }];
  }
  return [200, { query_status: "ok", md5_hash: "0".repeat(32), sha256_hash: value, file_type: "exe", file_size: "73802",
    signature: "CobaltStrike", firstseen: "2024-01-09 04:12:40", url_count: "1", urls: [] }];
}

// ---- routing ---------------------------------------------------------------------------------------------------

function readBody(req) {
  return new Promise((resolve) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });
}

const UNAUTHORIZED = {
  VirusTotal: [401, { error: { code: "WrongCredentialsError", message: "Wrong API key" } }],
  OTX: [401, { detail: "Invalid API key." }],
  AbuseIPDB: [401, { errors: [{ detail: "Authentication failed. Your API key is either missing, incorrect, or revoked.", status: 401 }] }],
  GreyNoise: [401, { message: "Invalid API key" }],
  XForce: [401, { error: "Not authorized." }],
  URLhaus: [401, { query_status: "unknown_auth_key" }],
};

/** The key a request carries for `provider` (header only; none of these APIs is asked with a key in the URL). */
function keyOf(provider, headers) {
  switch (provider) {
    case "VirusTotal": return headers["x-apikey"];
    case "OTX": return headers["x-otx-api-key"];
    case "AbuseIPDB": return headers.key;
    case "GreyNoise": return headers.key;
    case "URLhaus": return headers["auth-key"];
    case "XForce": {
      const m = /^Basic (.+)$/.exec(headers.authorization ?? "");
      return m ? Buffer.from(m[1], "base64").toString("utf8") : undefined;
    }
    default: return undefined;
  }
}

/**
 * Starts the stand-ins on 127.0.0.1. Returns `{base, requests, preflights, config, keys, prefixes, close}`:
 * `config` is a TILookup `providers` object for all seven providers (the test keys, `proxy: base + "/<prefix>"`,
 * VirusTotal's rate limit raised for tests); `requests` lists `{provider, method, url, path, headers, body, ioc}`.
 */
export async function startTiStandins({ keys = KEYS } = {}) {
  const requests = [];
  const preflights = [];
  const throttledOnce = new Set();
  const server = http.createServer(async (req, res) => {
    const noCors = req.url.startsWith("/nocors/");
    if (noCors) req.url = req.url.slice("/nocors".length);
    else {
      res.setHeader("access-control-allow-origin", "*");
      res.setHeader("access-control-allow-headers", "*, authorization");
      res.setHeader("access-control-allow-methods", "GET, POST, OPTIONS");
      res.setHeader("access-control-expose-headers", "retry-after");
    }
    if (req.method === "OPTIONS") {
      preflights.push(req.url);
      res.writeHead(204);
      res.end();
      return;
    }
    const body = await readBody(req);
    const url = new URL(req.url, "http://127.0.0.1");
    const parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
    const provider = Object.keys(PREFIX).find((p) => PREFIX[p] === parts[0]);
    const rest = parts.slice(1);
    let ioc = null, answer = null;
    try {
      switch (provider) {
        case "VirusTotal": {
          const [collection, id] = rest;
          ioc = collection === "urls" ? b64urlDecode(id ?? "") : id;
          answer = () => virustotal(ioc, collection);
          break;
        }
        case "OTX": {
          const [, section, value] = rest;
          ioc = value;
          answer = () => otx(ioc, section);
          break;
        }
        case "AbuseIPDB":
          ioc = url.searchParams.get("ipAddress");
          answer = () => abuseipdb(ioc);
          break;
        case "GreyNoise":
          ioc = rest[1];
          answer = () => greynoise(ioc);
          break;
        case "XForce":
          ioc = rest[1];
          answer = () => xforce(ioc, rest[0]);
          break;
        case "Tor":
          answer = () => [200, TOR_LIST];
          break;
        case "URLhaus": {
          const form = new URLSearchParams(body);
          const field = ["url", "host", "md5_hash", "sha256_hash"].find((f) => form.has(f));
          ioc = field ? form.get(field) : null;
          answer = () => urlhaus(field, ioc ?? "");
          break;
        }
        default:
          json(res, 404, { error: `no stand-in at ${url.pathname}` });
          return;
      }
    } catch (e) {
      json(res, 400, { error: String(e) });
      return;
    }
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
    requests.push({ provider, method: req.method, url: req.url, path: url.pathname, headers, body, ioc });

    if (ioc === TRIGGERS.dropped) {
      req.socket.destroy();
      return;
    }
    const expected = keys[provider];
    const given = keyOf(provider, headers);
    if (expected !== undefined && given !== expected && !(provider === "GreyNoise" && given === undefined)) {
      const [status, b] = UNAUTHORIZED[provider];
      json(res, status, b);
      return;
    }
    if (ioc === TRIGGERS.throttled && !throttledOnce.has(provider)) {
      throttledOnce.add(provider);
      json(res, 429, { error: { code: "QuotaExceededError", message: "Quota exceeded" } }, { "retry-after": "1" });
      return;
    }
    if (ioc === TRIGGERS.e500) return json(res, 500, "Internal Server Error", { "content-type": "text/plain", "retry-after": "0" });
    if (ioc === TRIGGERS.e503) return json(res, 503, { message: "down for maintenance" }, { "retry-after": "0" });
    if (ioc === TRIGGERS.storm) return json(res, 429, { error: { code: "QuotaExceededError", message: "Quota exceeded" } }, { "retry-after": "0" });
    if (ioc === TRIGGERS.reset) {
      res.writeHead(200, { "content-type": "application/json", "content-length": "400" });
      res.write('{"data": {"attributes": {"last_analysis_stats"');
      setTimeout(() => req.socket.destroy(), 50);
      return;
    }
    if (ioc === TRIGGERS.stall) return; // never answers
    if (ioc === TRIGGERS.malformed) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end("{\"data\": {\"attributes\": ");
      return;
    }
    const [status, b] = answer();
    if (provider === "Tor") {
      res.writeHead(status, { "content-type": "text/plain" });
      res.end(b);
      return;
    }
    // The throttled IoC answers like a benign one once the client has waited.
    if (ioc === TRIGGERS.throttled) {
      const [s2, b2] = { VirusTotal: () => virustotal("8.8.8.8", "ip_addresses"), OTX: () => otx("8.8.8.8", "IPv4"),
        AbuseIPDB: () => abuseipdb("8.8.8.8"), GreyNoise: () => greynoise("8.8.8.8"), XForce: () => xforce("8.8.8.8", "ipr"),
        URLhaus: () => urlhaus("host", "8.8.8.8") }[provider]();
      json(res, s2, b2);
      return;
    }
    json(res, status, b);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  const config = {};
  for (const [name, prefix] of Object.entries(PREFIX)) {
    config[name] = { proxy: `${base}/${prefix}` };
    if (keys[name] !== undefined) config[name].key = keys[name];
  }
  config.VirusTotal.rateLimit = 6000;
  return {
    base,
    requests,
    preflights,
    config,
    keys: Object.values(keys),
    prefixes: { ...PREFIX },
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(() => resolve()); }),
  };
}
