// The wasm transport (gloo-net's global fetch) in Chromium, on a page and in a module Web Worker: a Log Analytics
// query against a loopback stand-in that allows the page's origin (CORS), the token asked from getToken() by the
// core and sent only in the Authorization header, a 429 retried after Retry-After, and cancellation.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { openBrowser } from "./browser.mjs";

const TOKEN = "e2e-token-7c2a";
const WS = "52b1ab41-869e-4138-9e40-2a4457f09bf0";
const TABLE = { name: "PrimaryResult", columns: [{ name: "Account", type: "string" }, { name: "n", type: "long" }], rows: [["alice", 3], ["bob", 4]] };
const seen = [];
const counts = {};
let b;
let la;
let laBase;

before(async () => {
  b = await openBrowser();
  la = http.createServer((req, res) => {
    const cors = {
      "access-control-allow-origin": "*",
      "access-control-allow-headers": "authorization, content-type, prefer",
      "access-control-expose-headers": "retry-after",
    };
    if (req.method === "OPTIONS") { res.writeHead(204, cors); return res.end(); }
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const q = JSON.parse(body || "{}").query;
      seen.push({ url: req.url, auth: req.headers.authorization, body });
      counts[q] = (counts[q] ?? 0) + 1;
      const send = (status, payload, extra = {}) => {
        res.writeHead(status, { ...cors, "content-type": "application/json", ...extra });
        res.end(JSON.stringify(payload));
      };
      if (q === "hang") return; // never answers
      if (q.startsWith("throttle") && counts[q] === 1) return send(429, { error: { code: "TooManyRequests", message: "slow down" } }, { "retry-after": "0.2" });
      send(200, { tables: [TABLE] });
    });
  });
  await new Promise((r) => la.listen(0, "127.0.0.1", r));
  laBase = `http://127.0.0.1:${la.address().port}`;
});
after(async () => {
  la.closeAllConnections?.();
  await new Promise((r) => la.close(r));
  await b.close();
});

// Runs in the page or in the Worker: the same code, given the package URL and the stand-in's base URL.
const scenario = `
  async function run(pkg, laBase, token, ws, tag) {
    const huntbook = await import(pkg);
    await huntbook.init();
    const qp = new huntbook.QueryProvider("MSSentinel").connect({ workspaceId: ws, baseUrl: laBase, getToken: async () => ({ token }) });
    const rows = (await qp.execQuery("throttle-" + tag)).toRows();
    const c = new AbortController();
    setTimeout(() => c.abort("stop"), 200);
    const cancelled = await qp.execQuery("hang", { signal: c.signal }).then(() => "resolved", (e) => e.message);
    const again = (await qp.execQuery("ok-" + tag)).numRows;
    return { rows, cancelled, again, hasWindow: typeof window !== "undefined" };
  }`;

test("a Log Analytics query through the wasm transport, on a page and in a module Web Worker", async () => {
  const { page, errors } = await b.newPage();
  await page.goto(`${b.base}/e2e/blank.html`);
  const pkg = `${b.base}/huntbook/index.js`;
  const got = await page.evaluate(async ({ scenario, pkg, laBase, TOKEN, WS }) => {
    const onPage = await new Function(`${scenario}; return run;`)()(pkg, laBase, TOKEN, WS, "page");
    const code = `${scenario}
      self.onmessage = async (e) => {
        try { self.postMessage(await run(...e.data)); } catch (err) { self.postMessage({ error: String(err && err.stack || err) }); }
      };`;
    const worker = new Worker(URL.createObjectURL(new Blob([code], { type: "text/javascript" })), { type: "module" });
    const inWorker = await new Promise((resolve) => {
      worker.onmessage = (e) => resolve(e.data);
      worker.onerror = (e) => resolve({ error: e.message });
      worker.postMessage([pkg, laBase, TOKEN, WS, "worker"]);
    });
    worker.terminate();
    return { onPage, inWorker };
  }, { scenario, pkg, laBase, TOKEN, WS });
  for (const [where, r] of Object.entries(got)) {
    assert.equal(r.error, undefined, `${where}: ${r.error}`);
    assert.deepEqual(r.rows, [{ Account: "alice", n: 3 }, { Account: "bob", n: 4 }], where);
    assert.equal(r.cancelled, "cancelled", where);
    assert.equal(r.again, 2, `${where}: the module works after a non-Error abort reason`);
  }
  assert.equal(got.onPage.hasWindow, true);
  assert.equal(got.inWorker.hasWindow, false, "the Worker has no window: fetch is the global one");
  assert.equal(counts["throttle-page"], 2, "429 retried once after Retry-After");
  assert.equal(counts["throttle-worker"], 2);
  for (const s of seen) {
    assert.equal(s.url, `/v1/workspaces/${WS}/query`);
    assert.equal(s.auth, `Bearer ${TOKEN}`);
    assert.ok(!s.body.includes(TOKEN));
  }
  assert.deepEqual(errors.filter((e) => !/429|Too Many Requests/.test(e)), []);
});
