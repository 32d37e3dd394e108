// The Tour page in headless Chromium: every cell runs, the SigninLogs rows and columns are in the DOM, no console
// errors, nothing requested off the loopback server.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { openBrowser, screenshot } from "./browser.mjs";
import { dist } from "../js/helpers.mjs";

let b;
before(async () => { b = await openBrowser(); });
after(async () => { await b.close(); });

const version = JSON.parse(fs.readFileSync(path.join(dist, "package.json"), "utf8")).version;

test("the Tour page runs its cells on demo data", async () => {
  const { page, errors } = await b.newPage();
  await page.goto(`${b.base}/`);
  await page.waitForSelector("body[data-tour=done]", { timeout: 60000 });
  await screenshot(page, "tour");
  const states = await page.$$eval(".cell", (cells) => cells.map((c) => [c.id, c.dataset.state, c.querySelector(".error")?.textContent]));
  for (const [id, s, err] of states) assert.equal(s, "done", `${id}: ${err}`);

  const tables = await page.$$eval("#cell-tables li", (lis) => lis.map((li) => li.textContent));
  assert.ok(tables.includes("SigninLogs") && tables.includes("SecurityAlert") && tables.length >= 10, tables.join());

  const schema = await page.$$eval("#cell-schema tbody tr", (trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent)));
  assert.deepEqual(schema.find((r) => r[0] === "LocationDetails"), ["LocationDetails", "dynamic"]);
  assert.deepEqual(schema.find((r) => r[0] === "TimeGenerated"), ["TimeGenerated", "datetime"]);

  const headers = await page.$$eval("#cell-signins thead th", (ths) => ths.map((th) => th.textContent));
  for (const c of ["TimeGenerated", "UserPrincipalName", "IPAddress", "ResultType", "AppDisplayName", "LocationDetails"]) {
    assert.ok(headers.includes(c), `SigninLogs column ${c} shown`);
  }
  const rows = await page.$$eval("#cell-signins tbody tr", (trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent)));
  assert.equal(rows.length, 10);
  const upn = headers.indexOf("UserPrincipalName");
  const tg = headers.indexOf("TimeGenerated");
  assert.ok(rows.every((r) => /@contoso\.com$/.test(r[upn]) || r[upn] === ""), rows.map((r) => r[upn]).join());
  const newest = Date.parse(rows[0][tg]);
  assert.ok(Date.now() - newest < 86400000 && Date.now() - newest >= -60000, `newest sign-in ${rows[0][tg]} is within the last day`);

  const counts = await page.$$eval("#cell-ipcounts tbody tr", (trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent)));
  assert.equal(counts.length, 15);
  const n = counts.map((r) => Number(r[1]));
  assert.deepEqual(n, [...n].sort((a, b) => b - a), "most frequent first");
  assert.match(counts[0][0], /^\d+\.\d+\.\d+\.\d+$/);
  assert.ok(n[0] > 1);

  assert.deepEqual(errors, []);
  assert.ok(b.requests.every((u) => u.startsWith(b.base)), "nothing loaded from off the loopback server");
});

test("huntbook runs inside a dedicated module Web Worker (as in JupyterLite)", async () => {
  const { page, errors } = await b.newPage();
  await page.goto(`${b.base}/e2e/worker.html`);
  const result = await page.evaluate(() => window.workerResult);
  assert.equal(result.ok, true, result.error);
  assert.equal(result.hasDocument, false);
  assert.ok(result.tables.includes("SigninLogs"));
  assert.ok(result.shape[0] > 100 && result.shape[1] > 50, JSON.stringify(result.shape));
  assert.match(result.top.UserPrincipalName, /@contoso\.com$/);
  assert.ok(result.html.startsWith('<table class="huntbook-table">'));
  assert.deepEqual(errors, []);
});

test("huntbook loads from a jsDelivr-shaped /npm/huntbook@<v>/+esm URL (as Observable imports npm:)", async () => {
  const { page, errors } = await b.newPage();
  const wasmRequests = [];
  page.on("request", (r) => { if (r.url().endsWith(".wasm")) wasmRequests.push(new URL(r.url()).pathname); });
  await page.goto(`${b.base}/e2e/esm.html?v=${version}`);
  const result = await page.evaluate(() => window.esmResult);
  assert.equal(result.error, undefined, result.error);
  assert.equal(result.version, version);
  assert.ok(result.tables >= 10);
  assert.ok(result.rows > 10);
  assert.deepEqual(wasmRequests, [`/npm/huntbook@${version}/huntbook_wasm_bg.wasm`]);
  assert.deepEqual(errors, []);
});

test("the Tour's real tables load from URLs and from a File in the browser", async () => {
  const { page, errors } = await b.newPage();
  await page.goto(`${b.base}/e2e/blank.html`);
  const files = fs.readdirSync(path.join(dist, "..", "..", "..", "shared", "fixtures", "tour")).filter((f) => f.endsWith(".la.json"));
  const got = await page.evaluate(async (files) => {
    const huntbook = await import("/huntbook/index.js");
    await huntbook.init();
    const out = {};
    for (const f of files) {
      const df = await huntbook.loadTable(`/fixtures/tour/${f}`, { shiftToNow: true });
      out[f] = { name: df.name, shape: df.shape, newest: df.columns.includes("TimeGenerated") ? df.sort("TimeGenerated", { descending: true }).row(0).TimeGenerated.getTime() : null };
    }
    const text = await (await fetch("/fixtures/tour/mp_failed_logons.la.json")).text();
    const file = new File([text], "mp_failed_logons.la.json", { type: "application/json" });
    out.file = (await huntbook.loadTable(file)).shape;
    return out;
  }, files);
  for (const f of files) {
    const raw = JSON.parse(fs.readFileSync(path.join(dist, "..", "..", "..", "shared", "fixtures", "tour", f), "utf8")).tables[0];
    assert.deepEqual(got[f].shape, [raw.rows.length, raw.columns.length], f);
    assert.equal(got[f].name, f.replace(".la.json", ""));
    if (got[f].newest !== null) assert.ok(Math.abs(Date.now() - got[f].newest) < 5 * 60 * 1000, `${f} shifted to now`);
  }
  assert.deepEqual(got.file, [4, 20]);
  assert.deepEqual(errors, []);
});
