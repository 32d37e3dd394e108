// Secrets (issue #14 item 6): Log Analytics, Data Explorer, ARM and the TI providers driven against loopback servers
// with distinctive tokens and keys, through successes and failures (401, 500, malformed JSON, a dropped connection,
// a token with CR/LF). The secrets may appear only in the header the API requires (Authorization, or the TI
// provider's key header); every request URL and body, every console message, every error message, every note and
// every table's rows/HTML are grepped for them. (Browser storage is checked in tests/e2e/secrets.test.mjs.)
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { loadHuntbook } from "./helpers.mjs";
import { startTiStandins, KEYS, MALICIOUS_IPS, BENIGN, TRIGGERS } from "../standins/ti.mjs";

const TOKEN = "SECRET-TOKEN-7f3a1c9e";
const ARM_TOKEN = "SECRET-ARMTOKEN-5d2b8e";
const BAD = "SECRET-CRLF-0a1b\r\nX-Injected: 1";
const SECRETS = [TOKEN, ARM_TOKEN, "SECRET-CRLF-0a1b", ...Object.values(KEYS), ...KEYS.XForce.split(":")];
const b64 = (s) => Buffer.from(s).toString("base64");
const leaks = (text) => SECRETS.filter((k) => text.includes(k) || text.includes(b64(k)) || text.includes(encodeURIComponent(k)));

let hb;
let ti;
let server;
let base;
const seen = []; // {url, headers, body} of every request to the Azure stand-in
const texts = []; // everything shown to a user: errors, notes, console, rows, HTML
const consoleLines = [];
const original = {};

const LA_OK = { tables: [{ name: "PrimaryResult", columns: [{ name: "x", type: "long" }], rows: [[1]] }] };
const ADX_OK = [
  { FrameType: "DataSetHeader", IsProgressive: false, Version: "v2.0" },
  { FrameType: "DataTable", TableId: 0, TableKind: "PrimaryResult", TableName: "PrimaryResult", Columns: [{ ColumnName: "x", ColumnType: "long" }], Rows: [[1]] },
  { FrameType: "DataSetCompletion", HasErrors: false, Cancelled: false },
];

before(async () => {
  hb = await loadHuntbook();
  for (const m of ["log", "info", "warn", "error", "debug", "trace"]) {
    original[m] = console[m];
    console[m] = (...a) => { consoleLines.push(a.map(String).join(" ")); original[m](...a); };
  }
  ti = await startTiStandins();
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => { body += c; });
    req.on("end", () => {
      seen.push({ url: req.url, headers: req.headers, body });
      const mode = /mode-(\w+)/.exec(body)?.[1] ?? /mode-(\w+)/.exec(req.url)?.[1] ?? "ok";
      const adx = req.url.startsWith("/v2/rest/query");
      if (mode === "401") return res.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ error: { code: "InvalidAuthenticationToken", message: "bad token" } }));
      if (mode === "500") return res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ error: { code: "InternalServerError", message: "boom" } }));
      if (mode === "malformed") return res.writeHead(200, { "content-type": "application/json" }).end("{not json");
      if (req.url.includes("/tables")) return res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ value: [] }));
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(adx ? ADX_OK : LA_OK));
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${server.address().port}`;
});

after(async () => {
  Object.assign(console, original);
  await ti.close();
  await new Promise((r) => server.close(r));
});

/** Runs `fn`, keeping what a user would see of its outcome (the table's rows, HTML and notes, or the error). */
async function outcome(fn) {
  try {
    const r = await fn();
    const frames = [r, ...(r?.tables ?? [])].filter((x) => x && typeof x.toHTML === "function");
    for (const df of frames) texts.push(JSON.stringify(df.toRows()), df.toHTML(), JSON.stringify(df.notes ?? []), String(df.error ?? ""));
    return "ok";
  } catch (e) {
    texts.push(String(e?.message), String(e?.stack), JSON.stringify(e));
    return e.message;
  }
}

test("Log Analytics, ARM and Data Explorer: the token only in Authorization, through successes and failures", async () => {
  const la = new hb.QueryProvider("LogAnalytics").connect({ workspaceId: "ws-1", baseUrl: base, getToken: async () => TOKEN,
    arm: { subscriptionId: "sub", resourceGroup: "rg", workspaceName: "w", baseUrl: base, getToken: () => ARM_TOKEN } });
  const adx = new hb.QueryProvider("Kusto").connect({ cluster: base, database: "db", getToken: () => ({ token: TOKEN }) });
  const results = [];
  for (const mode of ["ok", "401", "500", "malformed"]) {
    results.push(await outcome(() => la.execQuery(`print "mode-${mode}"`)));
    results.push(await outcome(() => adx.execQuery(`print "mode-${mode}"`)));
  }
  results.push(await outcome(() => la.schemaTables()));
  const badLa = new hb.QueryProvider("LogAnalytics").connect({ workspaceId: "ws", baseUrl: base, getToken: () => BAD });
  const badAdx = new hb.QueryProvider("Kusto").connect({ cluster: base, database: "db", getToken: () => BAD });
  const before = seen.length;
  results.push(await outcome(() => badLa.execQuery("print 1")), await outcome(() => badAdx.execQuery("print 1")));
  assert.equal(seen.length, before, "a CR/LF token is refused before any request");
  assert.equal(results[0], "ok");
  assert.equal(results[1], "ok");
  assert.equal(results.filter((r) => r !== "ok").length, 8, JSON.stringify(results));
  assert.ok(seen.length >= 9, `${seen.length} requests`);
  for (const r of seen) {
    const { authorization, ...other } = r.headers;
    assert.ok([`Bearer ${TOKEN}`, `Bearer ${ARM_TOKEN}`].includes(authorization), authorization);
    assert.deepEqual(leaks(r.url + r.body + JSON.stringify(other)), [], r.url);
  }
  assert.deepEqual(leaks(texts.join("\n")), [], "errors, notes and tables");
  assert.deepEqual(leaks(consoleLines.join("\n")), [], "console");
});

test("TI providers: keys only in each provider's key header (none in a URL), through 401, malformed and dropped answers", async () => {
  const lookup = new hb.TILookup({ providers: ti.config });
  const iocs = [MALICIOUS_IPS[0], BENIGN[0], TRIGGERS.malformed, TRIGGERS.dropped, "cdn-updates.northwind-sync.xyz", "http://evil.example/x?a=1"];
  assert.equal(await outcome(() => lookup.lookupIocs(iocs)), "ok");
  const wrong = Object.fromEntries(Object.entries(ti.config).map(([k, v]) => [k, v.key ? { ...v, key: `${v.key}-WRONG` } : v]));
  assert.equal(await outcome(() => new hb.TILookup({ providers: wrong }).lookupIocs([MALICIOUS_IPS[1]])), "ok");
  for (const provider of ["VirusTotal", "OTX", "AbuseIPDB", "GreyNoise", "URLhaus"]) {
    await outcome(() => new hb.TILookup({ providers: { [provider]: { key: BAD } } }));
  }
  assert.ok(ti.requests.length > 20, `${ti.requests.length} TI requests`);
  const keyHeaders = ["x-apikey", "x-otx-api-key", "key", "auth-key", "authorization"];
  for (const r of ti.requests) {
    const other = Object.fromEntries(Object.entries(r.headers).filter(([h]) => !keyHeaders.includes(h)));
    assert.deepEqual(leaks(r.url + (r.body ?? "") + JSON.stringify(other)), [], `${r.provider} ${r.url}`);
  }
  assert.ok(ti.requests.some((r) => r.headers["x-apikey"] === KEYS.VirusTotal), "the key is sent where the API wants it");
  assert.deepEqual(leaks(texts.join("\n")), [], "errors, notes and result rows (Details, RawResult)");
  assert.deepEqual(leaks(consoleLines.join("\n")), [], "console");
});
