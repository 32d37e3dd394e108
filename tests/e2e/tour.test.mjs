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

const cellRows = (page, id) =>
  page.$$eval(`#cell-${id} tbody tr`, (trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent)));
const cellHeaders = (page, id) => page.$$eval(`#cell-${id} thead th`, (ths) => ths.map((th) => th.textContent));

test("the Tour page runs its cells on demo data", async () => {
  const { page, errors } = await b.newPage();
  await page.goto(`${b.base}/tour/`);
  await page.click("#cell-source button[name=demo]");
  await page.waitForSelector("body[data-tour=done]", { timeout: 60000 });
  await screenshot(page, "tour");
  const states = await page.$$eval(".cell", (cells) => cells.map((c) => [c.id, c.dataset.state, c.querySelector(".error")?.textContent]));
  for (const [id, s, err] of states) assert.equal(s, "done", `${id}: ${err}`);

  const tables = await page.$$eval("#cell-tables li", (lis) => lis.map((li) => li.textContent));
  assert.ok(tables.includes("SigninLogs") && tables.includes("SecurityAlert") && tables.length >= 10, tables.join());

  const schema = await cellRows(page, "schema");
  assert.deepEqual(schema.find((r) => r[0] === "LocationDetails"), ["LocationDetails", "dynamic"]);
  assert.deepEqual(schema.find((r) => r[0] === "TimeGenerated"), ["TimeGenerated", "datetime"]);

  // Query browser: filtered list, help text and an example call.
  const options = await page.$$eval("#cell-browser option", (os) => os.map((o) => o.value));
  assert.ok(options.includes("Azure.list_all_signins_geo"), options.join());
  await page.selectOption("#cell-browser select", "Azure.list_all_signins_geo");
  const help = await page.textContent("#cell-browser .huntbook-help");
  assert.match(help, /Query:\s+Azure\.list_all_signins_geo/);
  assert.match(help, /start: datetime/);
  assert.match(await page.textContent("#cell-browser .huntbook-example"), /await qp\.Azure\.list_all_signins_geo\(/);
  await page.fill("#cell-browser input[type=search]", "alerts");
  const filtered = await page.$$eval("#cell-browser option", (os) => os.map((o) => o.value));
  assert.ok(filtered.length > 0 && filtered.every((o) => /alert/i.test(o)), filtered.join());

  // QueryTime: start/end shown, quick ranges change them.
  const startBefore = await page.inputValue("#cell-querytime input[name=start]");
  const endValue = await page.inputValue("#cell-querytime input[name=end]");
  assert.match(startBefore, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);
  assert.equal(Date.parse(endValue + "Z") - Date.parse(startBefore + "Z"), 5 * 86400000);
  await page.click("#cell-querytime button[name=last-7d]");
  const startAfter = await page.inputValue("#cell-querytime input[name=start]");
  assert.equal(Date.parse(endValue + "Z") - Date.parse(startAfter + "Z") >= 7 * 86400000 - 60000, true);

  // Azure.list_all_signins_geo(): derived Result/Latitude/Longitude.
  const geoHeaders = await cellHeaders(page, "signins-geo");
  assert.deepEqual(geoHeaders, ["TimeGenerated", "UserPrincipalName", "IPAddress", "Result", "Latitude", "Longitude", "AppDisplayName"]);
  const geo = await cellRows(page, "signins-geo");
  assert.equal(geo.length, 10);
  for (const r of geo) {
    assert.ok(["Success", "Failed"].includes(r[3]), r.join("|"));
    assert.ok(Number.isFinite(Number(r[4])) && Number.isFinite(Number(r[5])), r.join("|"));
  }

  // SecurityAlert.list_alerts + summarize.
  assert.deepEqual(await cellHeaders(page, "alerts"), ["AlertName", "NumAlerts"]);
  const alerts = await cellRows(page, "alerts");
  const byName = Object.fromEntries(alerts.map((r) => [r[0], Number(r[1])]));
  assert.equal(byName["Password spray attack against Azure AD"], 1, JSON.stringify(byName));
  assert.equal(byName["Suspicious PowerShell command line"], 1);
  assert.ok(alerts.every((r) => Number(r[1]) >= 1));

  // Custom KQL.
  const kql = await cellRows(page, "kql");
  assert.equal(kql.length, 5);
  for (const r of kql) assert.ok(Date.now() - Date.parse(r[0]) <= 86400000 + 60000, r[0]);

  const headers = await cellHeaders(page, "signins");
  for (const c of ["TimeGenerated", "UserPrincipalName", "IPAddress", "ResultType", "AppDisplayName", "LocationDetails"]) {
    assert.ok(headers.includes(c), `SigninLogs column ${c} shown`);
  }
  const rows = await cellRows(page, "signins");
  assert.equal(rows.length, 10);
  const upn = headers.indexOf("UserPrincipalName");
  const tg = headers.indexOf("TimeGenerated");
  assert.ok(rows.every((r) => /@contoso\.com$/.test(r[upn]) || r[upn] === ""), rows.map((r) => r[upn]).join());
  const newest = Date.parse(rows[0][tg]);
  assert.ok(Date.now() - newest < 86400000 && Date.now() - newest >= -60000, `newest sign-in ${rows[0][tg]} is within the last day`);

  const counts = await cellRows(page, "ipcounts");
  assert.equal(counts.length, 15);
  const n = counts.map((r) => Number(r[1]));
  assert.deepEqual(n, [...n].sort((a, b) => b - a), "most frequent first");
  assert.match(counts[0][0], /^\d+\.\d+\.\d+\.\d+$/);
  assert.ok(n[0] > 1);

  assert.deepEqual(errors, []);
  assert.ok(b.requests.every((u) => u.startsWith(b.base)), "nothing loaded from off the loopback server");
});

test("the data source picks demo data by itself after its timeout", async () => {
  const { page, errors } = await b.newPage();
  await page.goto(`${b.base}/e2e/blank.html`);
  const value = await page.evaluate(async () => {
    const huntbook = await import("/huntbook/index.js");
    const picker = huntbook.dataSource({ timeout: 300 });
    document.body.append(picker);
    let events = 0;
    picker.addEventListener("input", () => events++);
    const before = picker.value;
    const chosen = await picker.chosen;
    return { before, chosen, value: picker.value, events };
  });
  assert.deepEqual(value, { before: null, chosen: "demo", value: "demo", events: 1 });
  assert.deepEqual(errors, []);
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

test("progress shows the elapsed time of a running query and cancels it", async () => {
  const { page, errors } = await b.newPage();
  await page.goto(`${b.base}/e2e/blank.html`);
  await page.evaluate(async () => {
    const huntbook = await import("/huntbook/index.js");
    await huntbook.loadDemo();
    const qp = new huntbook.QueryProvider("LocalData");
    const done = huntbook.progress((signal) => qp.execQuery("SigninLogs | summarize count() by IPAddress", { signal }), { label: "Counting" });
    done.id = "done";
    const slow = huntbook.progress((signal) => new Promise((_, reject) => signal.addEventListener("abort", () => reject(new Error("cancelled")))), { label: "Waiting" });
    slow.id = "slow";
    document.body.append(done, slow);
    window.doneRows = (await done.value).numRows;
  });
  await page.waitForSelector("#done[data-state=done]");
  assert.ok((await page.evaluate(() => window.doneRows)) > 10);
  await page.waitForTimeout(350);
  const elapsed = parseFloat(await page.textContent("#slow .huntbook-elapsed"));
  assert.ok(elapsed >= 0.2, `elapsed ${elapsed}`);
  await page.click("#slow button[name=cancel]");
  await page.waitForSelector("#slow[data-state=cancelled]");
  assert.equal(await page.textContent("#slow .huntbook-error"), "cancelled");
  assert.equal(await page.isDisabled("#slow button[name=cancel]"), true);
  assert.deepEqual(errors, []);
});
