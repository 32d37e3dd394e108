// TILookup against loopback stand-ins of the TI providers (tests/standins/ti.mjs): one row per IoC per provider with
// msticpy's columns, severities and statuses; private and malformed values never sent; 401, 429 + Retry-After,
// malformed JSON and a dropped connection (what a browser reports for a CORS block); keys never shown anywhere;
// cancellation and progress; Sentinel's ThreatIntelligenceIndicator provider and the demo TILookup.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { loadHuntbook } from "./helpers.mjs";
import {
  startTiStandins, KEYS, MALICIOUS_IPS, C2_DOMAIN, STAGE2_URL, MALICIOUS_HASH, TRIGGERS,
} from "../standins/ti.mjs";

// Console lines of the whole run, to check no key is ever logged.
const consoleLines = [];
for (const m of ["log", "info", "warn", "error", "debug"]) {
  const orig = console[m].bind(console);
  console[m] = (...args) => {
    consoleLines.push(args.map((a) => (a instanceof Error ? `${a.message}\n${a.stack}` : typeof a === "string" ? a : JSON.stringify(a))).join(" "));
    orig(...args);
  };
}

const hb = await loadHuntbook();
await hb.loadDemo();
const s = await startTiStandins();
after(() => s.close());

const PROVIDERS = ["VirusTotal", "OTX", "AbuseIPDB", "GreyNoise", "XForce", "Tor", "URLhaus"];
const COLUMNS = ["Ioc", "IocType", "SafeIoc", "QuerySubtype", "Provider", "Result", "Severity", "Details", "RawResult", "Reference", "Status"];
const seen = []; // every row and error text, for the key check
// Details and RawResult are `dynamic` columns: JSON text in each row.
const rowsOf = (df) => {
  const rows = df.toRows();
  seen.push(JSON.stringify(rows));
  return rows.map((r) => ({ ...r, Details: JSON.parse(r.Details), RawResult: JSON.parse(r.RawResult) }));
};
const row = (rows, ioc, provider) => {
  const r = rows.find((x) => x.Ioc === ioc && x.Provider === provider);
  assert.ok(r, `a row for ${ioc} / ${provider}`);
  return r;
};
const ti = new hb.TILookup({ providers: s.config });
const sent = (from) => s.requests.slice(from);

test("providers are configured from an object or JSON text, in the configured order", () => {
  assert.deepEqual(ti.providers, PROVIDERS);
  const fromText = new hb.TILookup(JSON.stringify({ providers: { Tor: { proxy: s.config.Tor.proxy }, OTX: s.config.OTX } }));
  assert.deepEqual(fromText.providers, ["Tor", "OTX"]);
  assert.throws(() => new hb.TILookup({ providers: { VirusTotl: { key: "x" } } }), /unknown provider 'VirusTotl'\. Providers are: VirusTotal, OTX/);
  assert.throws(() => new hb.TILookup({ providers: { VirusTotal: {} } }), /VirusTotal needs an API key/);
  assert.throws(() => new hb.TILookup({ providers: { VirusTotal: { key: "k", rateLimt: 5 } } }), /unknown option 'rateLimt' \(did you mean 'rate_limit'\?\)/);
  assert.throws(() => new hb.TILookup("{not json"), /not valid JSON/);
  assert.throws(() => new hb.TILookup({ providers: { Sentinel: {} } }), /needs \{queryProvider\}/);
});

test("positive, negative and unknown IPs: one row per IoC per provider with msticpy's columns", async () => {
  const from = s.requests.length;
  const df = await ti.lookupIocs([MALICIOUS_IPS[0], "8.8.8.8", "9.9.9.9"]);
  assert.deepEqual(df.columns, COLUMNS);
  const rows = rowsOf(df);
  assert.equal(rows.length, 3 * PROVIDERS.length);
  // IoC by IoC, providers in the configured order.
  assert.deepEqual(rows.slice(0, 7).map((r) => r.Provider), PROVIDERS);
  assert.ok(rows.slice(0, 7).every((r) => r.Ioc === MALICIOUS_IPS[0] && r.IocType === "ipv4"));

  const sev = (ioc) => Object.fromEntries(PROVIDERS.map((p) => [p, [row(rows, ioc, p).Severity, row(rows, ioc, p).Status]]));
  assert.deepEqual(sev(MALICIOUS_IPS[0]), {
    VirusTotal: ["high", "ok"], OTX: ["high", "ok"], AbuseIPDB: ["high", "ok"], GreyNoise: ["high", "ok"],
    XForce: ["high", "ok"], Tor: ["warning", "ok"], URLhaus: ["high", "ok"],
  });
  assert.deepEqual(sev("8.8.8.8"), {
    VirusTotal: ["information", "ok"], OTX: ["information", "ok"], AbuseIPDB: ["information", "ok"],
    GreyNoise: ["information", "ok"], XForce: ["information", "ok"], Tor: ["information", "ok"],
    URLhaus: ["information", "not found"],
  });
  assert.deepEqual(sev("9.9.9.9"), {
    VirusTotal: ["information", "not found"], OTX: ["information", "not found"], AbuseIPDB: ["information", "ok"],
    GreyNoise: ["information", "not found"], XForce: ["information", "not found"], Tor: ["information", "ok"],
    URLhaus: ["information", "not found"],
  });
  // Details are the providers' key facts; RawResult the answer.
  const vt = row(rows, MALICIOUS_IPS[0], "VirusTotal");
  assert.equal(vt.Result, true);
  assert.equal(vt.Details.positives, 12);
  assert.equal(vt.Details.threat_label, "trojan.cobaltstrike");
  assert.equal(vt.RawResult.data.id, MALICIOUS_IPS[0]);
  assert.equal(vt.Reference, `${s.config.VirusTotal.proxy}/ip_addresses/${MALICIOUS_IPS[0]}`);
  assert.equal(row(rows, MALICIOUS_IPS[0], "AbuseIPDB").Details.abuseConfidenceScore, 100);
  assert.equal(row(rows, MALICIOUS_IPS[0], "OTX").Details.pulse_count, 2);
  assert.equal(row(rows, MALICIOUS_IPS[0], "GreyNoise").Details.Classification, "malicious");
  assert.equal(row(rows, MALICIOUS_IPS[0], "Tor").Details.NodeID, "A1B2C3D4E5F60718293A4B5C6D7E8F9012345678");
  assert.equal(row(rows, "9.9.9.9", "VirusTotal").Result, false);
  assert.equal(row(rows, "9.9.9.9", "VirusTotal").Details, "Not found.");
  // Keys travel in headers only. The Tor list is kept for the session (lookups already in flight before the first
  // download finished may fetch it too).
  const reqs = sent(from);
  const torFetches = reqs.filter((r) => r.provider === "Tor").length;
  assert.ok(torFetches >= 1 && torFetches <= 3, `Tor list fetched ${torFetches} times`);
  const vtReq = reqs.find((r) => r.provider === "VirusTotal");
  assert.equal(vtReq.headers["x-apikey"], KEYS.VirusTotal);
  assert.equal(reqs.find((r) => r.provider === "AbuseIPDB").headers.key, KEYS.AbuseIPDB);
  assert.equal(reqs.find((r) => r.provider === "URLhaus").headers["auth-key"], KEYS.URLhaus);
  assert.equal(reqs.find((r) => r.provider === "XForce").headers.authorization, `Basic ${Buffer.from(KEYS.XForce).toString("base64")}`);
  assert.ok(reqs.every((r) => Object.values(KEYS).every((k) => !r.url.includes(k) && !r.body.includes(k))), "no key in a URL or body");
});

test("a second lookup of the same IoC is answered from the session cache", async () => {
  const from = s.requests.length;
  const rows = rowsOf(await ti.lookupIoc(MALICIOUS_IPS[0], { providers: ["VirusTotal", "OTX"] }));
  assert.deepEqual(rows.map((r) => [r.Provider, r.Severity]), [["VirusTotal", "high"], ["OTX", "high"]]);
  const tor = rowsOf(await ti.lookupIocs(["8.8.4.4", MALICIOUS_IPS[1]], { providers: ["Tor"] }));
  assert.deepEqual(tor.map((r) => r.Status), ["ok", "ok"]);
  assert.equal(sent(from).length, 0, "answered from the cache: no request");
});

test("domains, URLs and hashes go to the providers that look them up", async () => {
  const from = s.requests.length;
  const rows = rowsOf(await ti.lookupIocs([C2_DOMAIN, STAGE2_URL, MALICIOUS_HASH]));
  assert.equal(rows.length, 3 * PROVIDERS.length);
  assert.deepEqual(rows.filter((r) => r.Ioc === C2_DOMAIN).map((r) => r.IocType), Array(7).fill("dns"));
  const status = (ioc) => PROVIDERS.map((p) => `${p}:${row(rows, ioc, p).Severity}/${row(rows, ioc, p).Status}`);
  assert.deepEqual(status(C2_DOMAIN), ["VirusTotal:high/ok", "OTX:high/ok", "AbuseIPDB:information/not supported",
    "GreyNoise:information/not supported", "XForce:high/ok", "Tor:information/not supported", "URLhaus:high/ok"]);
  assert.deepEqual(status(STAGE2_URL), ["VirusTotal:high/ok", "OTX:high/ok", "AbuseIPDB:information/not supported",
    "GreyNoise:information/not supported", "XForce:high/ok", "Tor:information/not supported", "URLhaus:high/ok"]);
  const url = row(rows, STAGE2_URL, "VirusTotal");
  assert.equal(url.SafeIoc, encodeURIComponent(STAGE2_URL));
  // VirusTotal's URL id is the URL in unpadded base64url.
  const id = Buffer.from(STAGE2_URL).toString("base64url");
  assert.ok(sent(from).some((r) => r.path === `/virustotal/urls/${id}`));
  // The hash: VirusTotal answers with the recorded v3 file object.
  const hash = row(rows, MALICIOUS_HASH, "VirusTotal");
  assert.equal(hash.IocType, "sha256_hash");
  assert.equal(hash.RawResult.data.id, MALICIOUS_HASH);
  assert.ok(hash.Details.positives > 1 && hash.Severity === "high", JSON.stringify(hash.Details));
  assert.equal(row(rows, MALICIOUS_HASH, "XForce").Severity, "high");
  assert.equal(row(rows, MALICIOUS_HASH, "URLhaus").Status, "ok");
  assert.ok(!sent(from).some((r) => ["AbuseIPDB", "GreyNoise", "Tor"].includes(r.provider)), "unsupported types are not sent");
});

test("private and malformed values are never sent", async () => {
  const from = s.requests.length;
  const values = ["10.0.0.1", "192.168.1.10", "127.0.0.1", "203.0.113.66", "not an ioc", "999.1.1.1", ""];
  const rows = rowsOf(await ti.lookupIocs(values));
  assert.equal(rows.length, values.length * PROVIDERS.length);
  const statuses = (v) => [...new Set(rows.filter((r) => r.Ioc === v).map((r) => r.Status))];
  for (const v of ["10.0.0.1", "192.168.1.10", "127.0.0.1", "203.0.113.66"]) assert.deepEqual(statuses(v), ["not looked up"], v);
  for (const v of ["not an ioc", "999.1.1.1", ""]) assert.deepEqual(statuses(v), ["bad format"], v);
  assert.match(row(rows, "10.0.0.1", "VirusTotal").Details, /not looked up: Private address/);
  const typed = rowsOf(await ti.lookupIoc("8.8.8.8", { type: "dns", providers: ["VirusTotal"] }));
  assert.equal(typed[0].Status, "bad format");
  assert.match(typed[0].Details, /'8\.8\.8\.8' is not a valid dns/);
  assert.deepEqual(sent(from), [], "the stand-ins saw no request");
  await assert.rejects(ti.lookupIoc("8.8.8.8", { type: "ipv5" }), /unknown IoC type 'ipv5'/);
  await assert.rejects(ti.lookupIoc("8.8.8.8", { providers: ["Shodan"] }), /provider 'Shodan' is not configured/);
});

test("a wrong key is HTTP 401 with what to check, and the key is not shown", async () => {
  const wrong = {};
  for (const [p, c] of Object.entries(s.config)) wrong[p] = c.key ? { ...c, key: p === "XForce" ? "WRONG-ID:WRONG-SECRET-42" : "WRONG-KEY-42" } : c;
  const bad = new hb.TILookup({ providers: wrong });
  const rows = rowsOf(await bad.lookupIoc("1.1.1.1"));
  for (const p of ["VirusTotal", "OTX", "AbuseIPDB", "GreyNoise", "XForce", "URLhaus"]) {
    const r = row(rows, "1.1.1.1", p);
    assert.equal(r.Status, "error (HTTP 401)", p);
    assert.equal(r.Result, false);
    assert.match(r.Details, new RegExp(`^${p} answered HTTP 401.*Check that the ${p} API key is valid`), r.Details);
    assert.ok(!JSON.stringify(r).includes("WRONG-"), `${p}: the wrong key is not in the row`);
  }
  assert.equal(row(rows, "1.1.1.1", "Tor").Status, "ok");
});

test("429 with Retry-After is waited out and retried", async () => {
  const from = s.requests.length;
  const t0 = Date.now();
  const rows = rowsOf(await ti.lookupIoc(TRIGGERS.throttled, { providers: ["VirusTotal", "AbuseIPDB"] }));
  assert.deepEqual(rows.map((r) => [r.Provider, r.Status, r.Severity]), [["VirusTotal", "ok", "information"], ["AbuseIPDB", "ok", "information"]]);
  assert.ok(Date.now() - t0 >= 900, "waited for Retry-After: 1");
  assert.equal(sent(from).filter((r) => r.provider === "VirusTotal").length, 2);
  assert.equal(sent(from).filter((r) => r.provider === "AbuseIPDB").length, 2);
});

test("a malformed answer is an error row that says so", async () => {
  const rows = rowsOf(await ti.lookupIoc(TRIGGERS.malformed, { providers: ["VirusTotal", "OTX", "GreyNoise"] }));
  for (const r of rows) {
    assert.equal(r.Status, "error");
    assert.equal(r.Result, false);
    assert.match(r.Details, new RegExp(`^${r.Provider} answered HTTP 200 but the answer is not valid JSON`));
  }
});

test("a dropped connection (a browser's CORS block) says what to set", async () => {
  const rows = rowsOf(await ti.lookupIoc(TRIGGERS.dropped, { providers: ["VirusTotal", "AbuseIPDB"] }));
  assert.equal(rows.length, 2);
  for (const r of rows) {
    assert.equal(r.Status, "error");
    assert.match(r.Details, new RegExp(`^${r.Provider} did not answer through the proxy at ${s.base.replace(/[.]/g, "\\.")}/`));
    assert.match(r.Details, /allows this page's origin \(CORS\)/);
  }
});

test("AbortSignal cancels a batch", async () => {
  // One request a minute: the second lookup waits for the rate limit until the signal fires.
  const slow = new hb.TILookup({ providers: { VirusTotal: { ...s.config.VirusTotal, rateLimit: 1 } } });
  const controller = new AbortController();
  const t0 = Date.now();
  setTimeout(() => controller.abort(), 300);
  await assert.rejects(slow.lookupIocs(["8.8.8.8", "1.1.1.1", "9.9.9.9"], { signal: controller.signal }), (e) => {
    assert.equal(e.name, "AbortError");
    return true;
  });
  assert.ok(Date.now() - t0 < 5000, "cancelled promptly");
  await assert.rejects(ti.lookupIoc("8.8.8.8", { signal: AbortSignal.abort() }), { name: "AbortError" });
});

test("onProgress counts lookups up to the total", async () => {
  const calls = [];
  const df = await ti.lookupIocs(["8.8.8.8", "1.1.1.1", MALICIOUS_IPS[1]], { providers: ["VirusTotal", "GreyNoise"], onProgress: (d, t) => calls.push([d, t]) });
  rowsOf(df);
  assert.deepEqual(calls[0], [0, 6]);
  assert.deepEqual(calls.at(-1), [6, 6]);
  assert.ok(calls.every(([d, t], i) => t === 6 && (i === 0 || d >= calls[i - 1][0])));
});

test("lookupIocs reads a DataFrame column", async () => {
  const demo = await hb.loadDemo();
  const failed = demo.query(`SigninLogs | where IPAddress in ("${MALICIOUS_IPS.join('","')}") | distinct IPAddress | order by IPAddress asc`);
  assert.equal(failed.numRows, 3);
  const rows = rowsOf(await ti.lookupIocs(failed, { column: "IPAddress", providers: ["GreyNoise"] }));
  assert.deepEqual(rows.map((r) => [r.Ioc, r.Severity]), [...MALICIOUS_IPS].sort().map((ip) => [ip, "high"]));
  await assert.rejects(ti.lookupIocs(demo.table("SigninLogs")), /name the column holding the IoCs/);
  await assert.rejects(ti.lookupIocs(failed, { column: "Nope" }), /unknown column 'Nope'/);
});

test("Sentinel: the demo ThreatIntelligenceIndicator table as a provider", async () => {
  const demoTi = hb.TILookup.demo();
  assert.deepEqual(demoTi.providers, ["AzSTI"]);
  const story = ["203.0.113.66", ...MALICIOUS_IPS, C2_DOMAIN, STAGE2_URL];
  const df = await demoTi.lookupIocs([...story, "8.8.8.8", "not an ioc"]);
  assert.equal(df.demo, true);
  const rows = rowsOf(df);
  assert.equal(rows.length, story.length + 2);
  for (const ioc of story) {
    const r = row(rows, ioc, "AzSTI");
    assert.equal(r.Result, true, ioc);
    assert.equal(r.Status, "ok");
    assert.equal(r.Severity, "high", `${ioc}: Action alert → high`);
    assert.ok(r.Details.ThreatType, JSON.stringify(r.Details));
    assert.match(r.Reference, /^ThreatIntelligenceIndicator\n\| where Active == true/);
  }
  assert.equal(row(rows, "185.220.101.45", "AzSTI").Details.ThreatType, "Proxy");
  assert.equal(row(rows, "203.0.113.66", "AzSTI").Details.ThreatType, "C2");
  assert.deepEqual([row(rows, "8.8.8.8", "AzSTI").Status, row(rows, "8.8.8.8", "AzSTI").Severity], ["not found", "information"]);
  assert.equal(row(rows, "not an ioc", "AzSTI").Status, "bad format");
  assert.equal(s.requests.filter((r) => r.ioc === "203.0.113.66").length, 0, "nothing went to the network");

  // Demo enrichment on: new TILookup() with no config is the demo one.
  hb.useDemoEnrichment(true);
  try {
    const d = new hb.TILookup();
    assert.deepEqual(d.providers, ["AzSTI"]);
    const one = await d.lookupIoc("185.220.101.45");
    assert.equal(one.demo, true);
    assert.deepEqual(rowsOf(one).map((r) => [r.Ioc, r.IocType, r.Result, r.Status]), [["185.220.101.45", "ipv4", true, "ok"]]);
  } finally {
    hb.useDemoEnrichment(false);
  }
  assert.throws(() => new hb.TILookup(), /give \{providers/);
});

test("Sentinel beside HTTP providers: rows interleaved; a failed query is an error row", async () => {
  const mixed = new hb.TILookup({ providers: { VirusTotal: s.config.VirusTotal, Sentinel: { queryProvider: new hb.QueryProvider("LocalData") } } });
  assert.deepEqual(mixed.providers, ["VirusTotal", "AzSTI"]);
  const rows = rowsOf(await mixed.lookupIocs([MALICIOUS_IPS[2], "8.8.8.8"]));
  assert.deepEqual(rows.map((r) => [r.Ioc, r.Provider, r.Severity]), [
    [MALICIOUS_IPS[2], "VirusTotal", "high"], [MALICIOUS_IPS[2], "AzSTI", "high"],
    ["8.8.8.8", "VirusTotal", "information"], ["8.8.8.8", "AzSTI", "information"],
  ]);
  const failing = new hb.TILookup({ providers: { Sentinel: { queryProvider: { execQuery: async () => { throw new Error("workspace unreachable"); } } } } });
  const f = rowsOf(await failing.lookupIoc("8.8.8.8"));
  assert.deepEqual([f[0].Status, f[0].Details], ["error", "Query failure: workspace unreachable"]);
  // Hostile values never reach the query unescaped: a URL with a quote is looked up as one literal.
  const hostile = rowsOf(await hb.TILookup.demo().lookupIoc("http://evil.example/x')or(1==1"));
  assert.deepEqual([hostile[0].IocType, hostile[0].Status], ["url", "not found"]);
});

test("the test keys appear in no error, Details, row, request URL or console line", async () => {
  // Errors built from configuration mistakes never echo the key either.
  const errors = [];
  for (const bad of [
    { providers: { XForce: { key: "no-colon-SECRET-XF-1" } } },
    { providers: { VirusTotal: { key: "bad\nSECRET-VT-2" } } },
    { providers: { VirusTotal: "SECRET-VT-3" } },
    { providers: { VirusTotal: { key: 12345678901 } } },
  ]) {
    try { new hb.TILookup(bad); errors.push("no error"); } catch (e) { errors.push(e.message); }
  }
  assert.ok(errors.every((m) => m !== "no error"), errors.join("\n"));
  for (const m of errors) assert.doesNotMatch(m, /SECRET-|12345678901/, m);
  console.log(`ti test: ${errors.length} config errors checked`);
  const everything = [...seen, ...errors, ...consoleLines, ...s.requests.map((r) => r.url + r.body)].join("\n");
  for (const k of [...Object.values(KEYS), ...KEYS.XForce.split(":"), Buffer.from(KEYS.XForce).toString("base64")]) {
    assert.ok(!everything.includes(k), `the key ${k.slice(0, 6)}… appears nowhere`);
  }
  assert.ok(seen.length > 10, "rows were collected");
});
