// Loopback stand-ins for the services whois and dnsResolve use: DNS over HTTPS (JSON), Team Cymru's TXT records
// asked over it, and RDAP, on one http server at 127.0.0.1 (no internet). Reusable by node tests, the bench and a
// browser test (answers carry `Access-Control-Allow-Origin: *`).
//
//   const s = await startNetStandins({ ips: ["24.16.133.227"] });
//   await huntbook.whois(ips, { resolver: s.resolver, rdapUrl: s.rdapUrl });
//   s.requests  // [{kind: "doh" | "rdap" | "cymru-verbose", name, type, ip, path}] in arrival order
//   await s.close();
//
// Answers:
// * 13.107.4.50: the shared fixtures (cymru_asn_13.107.4.50.txt, rdap_ip_13.107.4.50.json), its RDAP net with a
//   `rel: up` link to 13.0.0.0/8, which answers too (no further up link).
// * any other public IPv4 address: generated from its octets: AS 64496 + (7·a + b) mod 16, prefix a.b.0.0/16,
//   "STANDIN-NET-<asn>, US", registry arin, allocated 2015-03-26; RDAP net a.b.0.0/16 (handle NET-a-b-0-0-1,
//   registrant "Standin Networks <asn>", email abuse@standin-<asn>.example) with a `rel: up` link to a.0.0.0/8.
// * DNS: www.example.com CNAME example.com. + A 93.184.215.14 (TTL 300), example.com A, AAAA 2606:2800:21f:cb07:6820:80da:af6b:8b2c,
//   MX "0 ." (TTL 3600); cdn-updates.northwind-sync.xyz A 203.0.113.66 (TTL 60, the demo's C2); nxdomain.example → status 3 (NXDOMAIN); servfail.example → status 2; everything else no records.
// * /cymru-verbose?ip=…: Cymru's verbose whois table (what msticpy's port-43 query reads), for the bench.

import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "shared", "fixtures", "enrich");
const TYPES = { 1: "A", 5: "CNAME", 15: "MX", 16: "TXT", 28: "AAAA" };
const NUM = Object.fromEntries(Object.entries(TYPES).map(([n, t]) => [t, Number(n)]));

function fixtureText(name) {
  return fs.readFileSync(path.join(fixtures, name), "utf8");
}

/** The Cymru fields of an IPv4 address: `{asn, prefix, cc, registry, date, name}`. */
export function cymruOf(ip) {
  if (ip === "13.107.4.50") {
    return { asn: "8068", prefix: "13.107.4.0/24", cc: "US", registry: "arin", date: "2015-03-26", name: "MICROSOFT-CORP-MSN-AS-BLOCK, US" };
  }
  const [a, b] = ip.split(".").map(Number);
  const asn = String(64496 + ((7 * a + b) % 16));
  return { asn, prefix: `${a}.${b}.0.0/16`, cc: "US", registry: "arin", date: "2015-03-26", name: `STANDIN-NET-${asn}, US` };
}

function isV4(ip) {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(ip) && ip.split(".").every((o) => Number(o) < 256);
}

function parent(a, base) {
  return {
    objectClassName: "ip network", handle: `NET${a}`, name: `NET${a}`, startAddress: `${a}.0.0.0`, endAddress: `${a}.255.255.255`,
    cidr0_cidrs: [{ v4prefix: `${a}.0.0.0`, length: 8 }],
    events: [{ eventAction: "registration", eventDate: "1994-01-01T00:00:00Z" }],
    links: [{ rel: "self", href: `${base}/rdap/ip/${a}.0.0.0/8` }],
    entities: [],
  };
}

function rdapOf(ip, base) {
  if (ip === "13.107.4.50") {
    const v = JSON.parse(fixtureText("rdap_ip_13.107.4.50.json"));
    v.links.push({ rel: "up", href: `${base}/rdap/ip/13.0.0.0/8`, type: "application/rdap+json" });
    return v;
  }
  const [a, b] = ip.split(".").map(Number);
  const c = cymruOf(ip);
  return {
    objectClassName: "ip network", handle: `NET-${a}-${b}-0-0-1`, name: `STANDIN-${c.asn}`,
    startAddress: `${a}.${b}.0.0`, endAddress: `${a}.${b}.255.255`,
    cidr0_cidrs: [{ v4prefix: `${a}.${b}.0.0`, length: 16 }],
    events: [
      { eventAction: "registration", eventDate: "2015-03-26T00:00:00Z" },
      { eventAction: "last changed", eventDate: "2023-11-02T12:00:00Z" },
    ],
    entities: [{
      objectClassName: "entity", handle: `STANDIN-${c.asn}`, roles: ["registrant"],
      vcardArray: ["vcard", [["fn", {}, "text", `Standin Networks ${c.asn}`],
        ["adr", { label: `Standin Networks ${c.asn}\n1 Loopback Way\nLocalhost` }, "text", ["", "", "", "", "", "", ""]],
        ["email", {}, "text", `abuse@standin-${c.asn}.example`]]],
    }],
    links: [
      { rel: "self", href: `${base}/rdap/ip/${ip}` },
      { rel: "up", href: `${base}/rdap/ip/${a}.0.0.0/8`, type: "application/rdap+json" },
    ],
  };
}

function reversedV4(name, suffix) {
  const ip = name.slice(0, -suffix.length).split(".").reverse().join(".");
  return isV4(ip) ? ip : null;
}

function dohAnswer(name, type) {
  const lower = name.toLowerCase();
  const rec = (n, t, ttl, data) => ({ name: n, type: NUM[t], TTL: ttl, data });
  const ok = (answers) => ({ Status: 0, TC: false, RD: true, RA: true, AD: false, CD: false, Question: [{ name, type: NUM[type] }], ...(answers.length ? { Answer: answers } : {}) });
  if (lower === "nxdomain.example") return { Status: 3, Question: [{ name, type: NUM[type] }] };
  if (lower === "servfail.example") return { Status: 2, Question: [{ name, type: NUM[type] }] };
  if (type === "TXT" && lower.endsWith(".origin.asn.cymru.com")) {
    const ip = reversedV4(lower, ".origin.asn.cymru.com");
    if (!ip) return { Status: 3 };
    const c = cymruOf(ip);
    return ok([rec(name, "TXT", 14400, `"${c.asn} | ${c.prefix} | ${c.cc} | ${c.registry} | ${c.date}"`)]);
  }
  const as = /^as(\d+)\.asn\.cymru\.com$/.exec(lower);
  if (type === "TXT" && as) {
    const name8068 = "MICROSOFT-CORP-MSN-AS-BLOCK, US";
    const asName = as[1] === "8068" ? name8068 : `STANDIN-NET-${as[1]}, US`;
    return ok([rec(name, "TXT", 14400, `"${as[1]} | US | arin | 2015-03-26 | ${asName}"`)]);
  }
  if (lower === "www.example.com" && (type === "A" || type === "CNAME")) {
    const cname = rec("www.example.com", "CNAME", 300, "example.com.");
    return ok(type === "A" ? [cname, rec("example.com", "A", 300, "93.184.215.14")] : [cname]);
  }
  if (lower === "cdn-updates.northwind-sync.xyz" && type === "A") return ok([rec(name, "A", 60, "203.0.113.66")]);
  if (lower === "example.com") {
    if (type === "A") return ok([rec("example.com", "A", 300, "93.184.215.14")]);
    if (type === "AAAA") return ok([rec("example.com", "AAAA", 300, "2606:2800:21f:cb07:6820:80da:af6b:8b2c")]);
    if (type === "MX") return ok([rec("example.com", "MX", 3600, "0 .")]);
  }
  return ok([]);
}

/** Starts the stand-ins on a free loopback port. */
export async function startNetStandins() {
  const requests = [];
  let base = "";
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    const send = (status, body, type = "application/json") => {
      res.writeHead(status, { "Content-Type": type, "Access-Control-Allow-Origin": "*" });
      res.end(typeof body === "string" ? body : JSON.stringify(body));
    };
    if (url.pathname === "/dns-query") {
      const name = url.searchParams.get("name") ?? "";
      const type = (url.searchParams.get("type") ?? "A").toUpperCase();
      requests.push({ kind: "doh", name, type, path: req.url });
      return send(200, dohAnswer(name, type), "application/dns-json");
    }
    if (url.pathname.startsWith("/rdap/ip/")) {
      const ip = decodeURIComponent(url.pathname.slice("/rdap/ip/".length));
      requests.push({ kind: "rdap", ip, path: req.url });
      const m = /^(\d+)\.0\.0\.0\/8$/.exec(ip);
      if (m) return send(200, parent(Number(m[1]), base), "application/rdap+json");
      if (!isV4(ip)) return send(404, { errorCode: 404, title: "Not Found" }, "application/rdap+json");
      return send(200, rdapOf(ip, base), "application/rdap+json");
    }
    if (url.pathname === "/cymru-verbose") {
      const ip = url.searchParams.get("ip") ?? "";
      requests.push({ kind: "cymru-verbose", ip, path: req.url });
      if (ip === "13.107.4.50") return send(200, fixtureText("cymru_asn_13.107.4.50.txt"), "text/plain");
      const c = cymruOf(ip);
      return send(200, `AS      | IP               | BGP Prefix          | CC | Registry | Allocated  | AS Name\n${c.asn} | ${ip} | ${c.prefix} | ${c.cc} | ${c.registry} | ${c.date} | ${c.name}\n`, "text/plain");
    }
    send(404, { error: `no stand-in for ${req.url}` });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${server.address().port}`;
  return {
    base,
    resolver: `${base}/dns-query`,
    rdapUrl: `${base}/rdap/`,
    requests,
    close: () => new Promise((resolve) => {
      server.close(resolve);
      server.closeAllConnections();
    }),
  };
}
