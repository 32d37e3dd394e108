// Net utilities of the built package against loopback stand-ins (DoH JSON, Cymru TXT over DoH, RDAP): whois of
// IPs and tables (each distinct IP asked once, non-public never sent, rdapUrl, join), dnsResolve, the sync parts
// (ipType on msticpy's fixture, dnsComponents, urlComponents), demo mode offline, and option errors.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { loadHuntbook, fixtureJSON } from "./helpers.mjs";
import { startNetStandins } from "../standins/net.mjs";

let hb;
let s;

before(async () => {
  hb = await loadHuntbook();
  s = await startNetStandins();
});

after(async () => {
  hb.useDemoEnrichment(false);
  await s.close();
});

const opts = () => ({ resolver: s.resolver, rdapUrl: s.rdapUrl });

test("whois of one IP: msticpy's fields from Cymru over DoH and RDAP, rel: up followed", async () => {
  s.requests.length = 0;
  const df = await hb.whois("13.107.4.50", opts());
  assert.equal(df.numRows, 1);
  assert.equal(df.demo, undefined);
  const r = df.row(0);
  assert.equal(r.query, "13.107.4.50");
  assert.equal(r.asn, "8068");
  assert.equal(r.asn_cidr, "13.107.4.0/24");
  assert.equal(r.asn_country_code, "US");
  assert.equal(r.asn_registry, "arin");
  assert.equal(r.asn_date, "2015-03-26");
  assert.equal(r.AsnDescription, "MICROSOFT-CORP-MSN-AS-BLOCK, US");
  assert.equal(r.IpType, "Public");
  assert.equal(r.Status, "ok");
  assert.equal(df.dtypes.nets, "dynamic");
  const nets = typeof r.nets === "string" ? JSON.parse(r.nets) : r.nets;
  assert.equal(nets.length, 2);
  assert.equal(nets[0].handle, "NET-13-64-0-0-1");
  assert.equal(nets[0].cidr, "13.64.0.0/11, 13.96.0.0/13, 13.104.0.0/14");
  assert.equal(nets[0].address, "One Microsoft Way\nRedmond\nWA\n98052\nUnited States");
  assert.deepEqual(nets[0].emails, ["IOC@microsoft.com", "abuse@microsoft.com", "iphostmaster@microsoft.com"]);
  assert.equal(nets[1].handle, "NET13");
  assert.equal(nets[1].cidr, "13.0.0.0/8");
  const data = typeof r.WhoIsData === "string" ? JSON.parse(r.WhoIsData) : r.WhoIsData;
  assert.equal(data.asn_description, "MICROSOFT-CORP-MSN-AS-BLOCK, US");
  const paths = s.requests.map((q) => q.kind === "rdap" ? q.ip : `${q.name} ${q.type}`);
  assert.deepEqual(paths, ["50.4.107.13.origin.asn.cymru.com TXT", "AS8068.asn.cymru.com TXT", "13.107.4.50", "13.0.0.0/8"]);
});

test("whois of a table asks each distinct IP once, never sends non-public ones, joins onto the table", async () => {
  s.requests.length = 0;
  const ips = ["24.16.133.227", "45.153.160.2", "10.0.0.1", "203.0.113.66", "not an ip"];
  const lines = ["IPAddress,User"];
  for (let i = 0; i < 200; i++) lines.push(`${ips[i % ips.length]},u${i}`);
  const { tables: [table] } = hb.readTables(lines.join("\n"), { name: "SigninLogs", format: "csv" });
  const joined = await hb.whois(table, { ...opts(), column: "IPAddress", join: true });
  assert.equal(joined.numRows, 200);
  assert.equal(joined.name, "SigninLogs");
  assert.deepEqual(joined.columns.slice(0, 2), ["IPAddress", "User"]);
  const rows = joined.toRows();
  assert.equal(rows[0].AsnDescription, `STANDIN-NET-${64496 + ((7 * 24 + 16) % 16)}, US`);
  assert.equal(rows[5].asn, rows[0].asn);
  assert.equal(rows[1].asn_cidr, "45.153.0.0/16");
  assert.equal(rows[2].Status, "not public (Private): not looked up");
  assert.equal(rows[2].asn, null);
  assert.equal(rows[3].IpType, "Reserved");
  assert.equal(rows[4].Status, "not an IP address");
  const origin = s.requests.filter((q) => q.kind === "doh" && q.name.endsWith(".origin.asn.cymru.com"));
  assert.deepEqual(origin.map((q) => q.name).sort(), ["2.160.153.45.origin.asn.cymru.com", "227.133.16.24.origin.asn.cymru.com"]);
  const rdap = s.requests.filter((q) => q.kind === "rdap").map((q) => q.ip).sort();
  assert.deepEqual(rdap, ["24.0.0.0/8", "24.16.133.227", "45.0.0.0/8", "45.153.160.2"]);
  assert.ok(!s.requests.some((q) => /10\.0\.0\.1|203\.0\.113\.66|0\.0\.10\.origin/.test(q.path)), "non-public IPs are never sent");

  // One row per distinct value without join; a repeat in the session is answered from the cache.
  const before = s.requests.length;
  const one = await hb.whois(table, { ...opts(), column: "IPAddress" });
  assert.equal(one.numRows, 5);
  assert.deepEqual(one.toRows().map((r) => r.query), ips);
  assert.equal(s.requests.length, before, "answered from the session cache");
});

test("whois reports failures as rows, cancels on a signal, checks its options", async () => {
  const df = await hb.whois(["24.16.133.227", "2001:4860:4860::8888"], { resolver: s.resolver, rdapUrl: `${s.base}/nowhere/` });
  const rows = df.toRows();
  assert.match(rows[0].Status, /^error: RDAP answered HTTP 404/);
  assert.equal(rows[1].Status, "error: Team Cymru has no ASN for 2001:4860:4860::8888");
  assert.equal(rows[1].IpType, "Public");
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(hb.whois("8.8.4.4", { ...opts(), signal: ac.signal }), /cancel/i);
  await assert.rejects(hb.whois("8.8.8.8", { resolver: s.resolver, rdpUrl: "x" }), /whois: unknown option 'rdpUrl' \(did you mean 'rdap_url'\?\)/);
  await assert.rejects(hb.whois("8.8.8.8", { ...opts(), rdap_url: "x" }), /option 'rdap_url' is given twice/);
  await assert.rejects(hb.whois("8.8.8.8", { join: "yes" }), /whois: option 'join'/);
  await assert.rejects(hb.whois("8.8.8.8", { join: true }), /join: true\} needs a DataFrame/);
  const { tables: [t] } = hb.readTables("IP\n1.2.3.4", { format: "csv" });
  await assert.rejects(hb.whois(t, opts()), /name the IP column/);
  await assert.rejects(hb.whois(t, { ...opts(), column: "IPAddress" }), /IPAddress/);
  await assert.rejects(hb.whois(42), /give an IP, a list of IPs or a DataFrame/);
  await assert.rejects(hb.whois("8.8.8.8", { signal: "stop" }), /AbortSignal/);
});

test("dnsResolve: A, AAAA, CNAME, MX rows from DoH JSON", async () => {
  s.requests.length = 0;
  const df = await hb.dnsResolve("www.example.com", { resolver: s.resolver });
  assert.deepEqual(df.columns, ["Name", "Type", "TTL", "Data"]);
  assert.deepEqual(df.toRows(), [
    { Name: "www.example.com", Type: "CNAME", TTL: 300, Data: "example.com." },
    { Name: "example.com", Type: "A", TTL: 300, Data: "93.184.215.14" },
  ]);
  assert.deepEqual(s.requests.map((q) => q.type), ["A", "AAAA", "CNAME", "MX"]);
  const mx = await hb.dnsResolve("example.com", { resolver: s.resolver, types: ["MX", "AAAA"] });
  assert.deepEqual(mx.toRows().map((r) => [r.Type, r.Data]), [["MX", "0 ."], ["AAAA", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"]]);
  assert.equal((await hb.dnsResolve("nxdomain.example", { resolver: s.resolver })).numRows, 0);
  await assert.rejects(hb.dnsResolve("servfail.example", { resolver: s.resolver }), /status 2, SERVFAIL/);
  await assert.rejects(hb.dnsResolve("a..b", { resolver: s.resolver }), /is not a DNS name/);
  await assert.rejects(hb.dnsResolve("example.com", { type: "A" }), /unknown option 'type' \(did you mean 'types'\?\)/);
  await assert.rejects(hb.dnsResolve("example.com", { types: ["SOA"], resolver: s.resolver }), /use one of A, NS/);
});

test("ipType matches msticpy's fixture; dnsComponents and urlComponents", () => {
  const fx = fixtureJSON("enrich/msticpy_ip_types.json");
  let n = 0;
  for (const family of ["ipv4", "ipv6"]) {
    for (const [want, ip] of Object.entries(fx[family])) {
      assert.equal(hb.ipType(ip), want, ip);
      n++;
    }
  }
  assert.equal(n, 14);
  assert.equal(hb.ipType("24.16.133.227"), "Public");
  assert.equal(hb.ipType("203.0.113.66"), "Reserved");
  assert.equal(hb.ipType("not an ip"), "Unspecified");
  assert.deepEqual(hb.dnsComponents("www.bbc.co.uk"), { subdomain: "www", domain: "bbc", suffix: "co.uk" });
  assert.deepEqual(hb.dnsComponents("cdn-updates.northwind-sync.xyz"), { subdomain: "cdn-updates", domain: "northwind-sync", suffix: "xyz" });
  assert.deepEqual(hb.urlComponents("https://User@Example.com:8443/a/b;p?q=1#f"), {
    scheme: "https", netloc: "User@example.com:8443", path: "/a/b", params: "p", query: "q=1", fragment: "f",
  });
  assert.throws(() => hb.urlComponents("/relative"), /is not an absolute URL/);
});

test("demo mode: whois and dnsResolve answer offline from the recorded demo answers", async () => {
  hb.useDemoEnrichment(true);
  try {
    s.requests.length = 0;
    const dns = await hb.dnsResolve("cdn-updates.northwind-sync.xyz");
    assert.equal(dns.demo, true);
    assert.deepEqual(dns.toRows(), [{ Name: "cdn-updates.northwind-sync.xyz", Type: "A", TTL: 60, Data: "203.0.113.66" }]);
    const mx = await hb.dnsResolve("contoso.com", { types: "MX" });
    assert.equal(mx.row(0).Data, "10 contoso-com.mail.protection.outlook.com.");
    const w = await hb.whois(["24.16.133.227", "185.220.101.45", "203.0.113.66", "9.9.9.9"]);
    assert.equal(w.demo, true);
    const rows = w.toRows();
    assert.equal(rows[0].AsnDescription, "COMCAST-7922, US");
    const nets = typeof rows[0].nets === "string" ? JSON.parse(rows[0].nets) : rows[0].nets;
    assert.deepEqual(nets.map((n) => n.handle), ["NET-24-16-0-0-1", "NET24"]);
    assert.equal(rows[1].asn, "60729");
    assert.equal(rows[1].asn_registry, "ripencc");
    assert.equal(rows[2].Status, "not public (Reserved): not looked up");
    assert.match(rows[3].Status, /no recorded demo answer for GET https:\/\/cloudflare-dns\.com\/dns-query\?name=9\.9\.9\.9\.origin/);
    await assert.rejects(hb.dnsResolve("unknown.example"), /no recorded demo answer/);
    assert.equal(s.requests.length, 0, "demo mode sends nothing");
  } finally {
    hb.useDemoEnrichment(false);
  }
});
