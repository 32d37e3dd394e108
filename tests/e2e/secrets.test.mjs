// Secrets in Chromium (issue #14 item 6): Log Analytics, Data Explorer and the TI providers called from a page with
// distinctive tokens and keys, through successes and failures (401, 500, malformed JSON, a dropped connection, a
// CR/LF token); the results and errors are shown on the page. Every request URL (and POST body), every console
// message, localStorage, sessionStorage, IndexedDB, cookies, the Cache API and the DOM text are grepped: the secrets
// appear only in the Authorization header or the TI provider's key header.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { openBrowser, offLoopback } from "./browser.mjs";
import { startTiStandins, KEYS, MALICIOUS_IPS, BENIGN, TRIGGERS } from "../standins/ti.mjs";

const TOKEN = "SECRET-TOKEN-7f3a1c9e";
const SECRETS = [TOKEN, "SECRET-CRLF", ...Object.values(KEYS), ...KEYS.XForce.split(":")];
const b64 = (s) => Buffer.from(s).toString("base64");
const leaks = (text) => SECRETS.filter((k) => text.includes(k) || text.includes(b64(k)) || text.includes(encodeURIComponent(k)));

let b;
let ti;
let az;
let azBase;
const azSeen = [];
before(async () => {
  b = await openBrowser();
  ti = await startTiStandins();
  az = http.createServer((req, res) => {
    const cors = { "access-control-allow-origin": "*", "access-control-allow-headers": "*", "access-control-allow-methods": "GET, POST" };
    if (req.method === "OPTIONS") return res.writeHead(204, cors).end();
    let body = "";
    req.on("data", (c) => { body += c; });
    req.on("end", () => {
      azSeen.push({ url: req.url, headers: req.headers, body });
      const mode = /mode-(\w+)/.exec(body)?.[1] ?? "ok";
      const h = { ...cors, "content-type": "application/json" };
      if (mode === "401") return res.writeHead(401, h).end(JSON.stringify({ error: { code: "InvalidAuthenticationToken", message: "bad token" } }));
      if (mode === "500") return res.writeHead(500, h).end(JSON.stringify({ error: { code: "InternalServerError", message: "boom" } }));
      if (mode === "malformed") return res.writeHead(200, h).end("{not json");
      if (req.url.startsWith("/v2/rest/query")) {
        return res.writeHead(200, h).end(JSON.stringify([{ FrameType: "DataSetHeader", IsProgressive: false, Version: "v2.0" },
          { FrameType: "DataTable", TableId: 0, TableKind: "PrimaryResult", TableName: "PrimaryResult", Columns: [{ ColumnName: "x", ColumnType: "long" }], Rows: [[1]] },
          { FrameType: "DataSetCompletion", HasErrors: false, Cancelled: false }]));
      }
      res.writeHead(200, h).end(JSON.stringify({ tables: [{ name: "PrimaryResult", columns: [{ name: "x", type: "long" }], rows: [[1]] }] }));
    });
  });
  await new Promise((r) => az.listen(0, "127.0.0.1", r));
  azBase = `http://127.0.0.1:${az.address().port}`;
});
after(async () => {
  await b.close();
  await ti.close();
  await new Promise((r) => az.close(r));
});

test("tokens and keys stay out of URLs, console, storage, cookies and the page; only in the required header", async () => {
  const { page } = await b.newPage();
  const consoleAll = [];
  page.on("console", (m) => consoleAll.push(`${m.type()} ${m.text()}`));
  page.on("pageerror", (e) => consoleAll.push(String(e)));
  const posts = [];
  page.on("request", (r) => posts.push(r.postData() ?? ""));
  await page.goto(`${b.base}/e2e/blank.html`);
  const out = await page.evaluate(async ({ azBase, config, TOKEN, iocs }) => {
    const huntbook = await import("/huntbook/index.js");
    await huntbook.init();
    const results = [];
    const show = async (label, fn) => {
      const pre = document.createElement("pre");
      try {
        const r = await fn();
        document.body.append(r.toElement());
        pre.textContent = `${label}: ok ${JSON.stringify(r.notes)} ${r.error ?? ""}`;
        results.push("ok");
      } catch (e) {
        pre.textContent = `${label}: ${e.message}`;
        console.error(e); // what a notebook shows of a failed cell
        results.push(e.message);
      }
      document.body.append(pre);
    };
    const la = new huntbook.QueryProvider("LogAnalytics").connect({ workspaceId: "ws-1", baseUrl: azBase, getToken: async () => TOKEN });
    const adx = new huntbook.QueryProvider("Kusto").connect({ cluster: azBase, database: "db", getToken: () => TOKEN });
    for (const mode of ["ok", "401", "500", "malformed"]) {
      await show(`la ${mode}`, () => la.execQuery(`print "mode-${mode}"`));
      await show(`adx ${mode}`, () => adx.execQuery(`print "mode-${mode}"`));
    }
    const crlf = new huntbook.QueryProvider("LogAnalytics").connect({ workspaceId: "ws", baseUrl: azBase, getToken: () => "SECRET-CRLF\r\nX: 1" });
    await show("crlf", () => crlf.execQuery("print 1"));
    await show("ti", () => new huntbook.TILookup({ providers: config }).lookupIocs(iocs));
    const wrong = Object.fromEntries(Object.entries(config).map(([k, v]) => [k, v.key ? { ...v, key: `${v.key}-WRONG` } : v]));
    await show("ti wrong keys", () => new huntbook.TILookup({ providers: wrong }).lookupIocs([iocs[0]]));
    await show("ti crlf key", async () => new huntbook.TILookup({ providers: { OTX: { key: "SECRET-CRLF\r\n" } } }));
    const dbs = indexedDB.databases ? await indexedDB.databases() : [];
    const caches_ = self.caches ? await caches.keys() : [];
    return {
      results,
      storage: JSON.stringify([{ ...localStorage }, { ...sessionStorage }, document.cookie, dbs, caches_]),
      dom: document.body.innerText,
    };
  }, { azBase, config: ti.config, TOKEN, iocs: [MALICIOUS_IPS[0], BENIGN[0], TRIGGERS.malformed, TRIGGERS.dropped] });
  const cookies = await page.context().cookies();
  assert.deepEqual(out.results.slice(0, 2), ["ok", "ok"]);
  assert.equal(out.results.filter((r) => r !== "ok").length, 8, JSON.stringify(out.results));
  assert.ok(azSeen.length >= 8 && ti.requests.length >= 10, `${azSeen.length} Azure, ${ti.requests.length} TI requests`);
  assert.ok(azSeen.every((r) => r.headers.authorization === `Bearer ${TOKEN}`));
  assert.deepEqual(leaks(b.requests.join("\n")), [], "request URLs");
  assert.deepEqual(leaks(posts.join("\n")), [], "request bodies");
  assert.deepEqual(leaks(consoleAll.join("\n")), [], "console");
  assert.deepEqual(leaks(out.storage + JSON.stringify(cookies)), [], "storage and cookies");
  assert.deepEqual(leaks(out.dom), [], "page text");
  assert.ok(out.dom.includes("la 401:") && out.dom.includes("ti: ok"), out.dom.slice(0, 300));
  assert.deepEqual(offLoopback(b.requests), []);
});
