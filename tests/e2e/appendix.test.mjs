// The Tour page's pandas appendix: each DataFrame verb's output checked against the same question asked in KQL on
// the same demo workspace, in the same page and module instance.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { openBrowser, offLoopback } from "./browser.mjs";

let b, page, errors;
before(async () => {
  b = await openBrowser();
  ({ page, errors } = await b.newPage());
  await page.goto(`${b.base}/tour/`);
  await page.click("#cell-source button[name=demo]");
  await page.waitForSelector("body[data-tour=done]", { timeout: 120000 });
});
after(async () => { await b.close(); });

const rows = (id) => page.$$eval(`#cell-${id} tbody tr`, (trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent)));
const headers = (id) => page.$$eval(`#cell-${id} thead th`, (ths) => ths.map((th) => th.textContent));
const json = async (id) => JSON.parse(await page.textContent(`#cell-${id} .output pre`));
/** Runs KQL in the page on the Tour's demo workspace; rows as objects. */
const kql = (q) => page.evaluate(async (q) => {
  const hb = await import("/huntbook/index.js");
  const qp = new hb.QueryProvider("LocalData");
  return JSON.parse(JSON.stringify((await qp.execQuery(q)).toRows(), (_, x) => (typeof x === "bigint" ? Number(x) : x)));
}, q);

test("every appendix cell ran", async () => {
  const states = await page.$$eval(".cell[id^=cell-pd-]", (cs) => cs.map((c) => [c.id, c.dataset.state, c.querySelector(".error")?.textContent]));
  assert.equal(states.length, 15);
  for (const [id, s, err] of states) assert.equal(s, "done", `${id}: ${err}`);
});

test("shape, columns, dtypes and row(0) describe SigninLogs", async () => {
  const [{ n }] = await kql("SigninLogs | count | project n = Count");
  const shape = await json("pd-shape");
  const columns = await json("pd-columns");
  assert.equal(shape[0], n);
  assert.ok(n > 100, String(n));
  assert.equal(shape[1], columns.length);
  assert.ok(columns.includes("LocationDetails") && columns.includes("UserPrincipalName"), columns.join());
  const dtypes = await json("pd-dtypes");
  assert.equal(dtypes.TimeGenerated, "datetime");
  assert.equal(dtypes.LocationDetails, "dynamic");
  assert.equal(dtypes.UserPrincipalName, "string");
  const [latest] = await kql("SigninLogs | summarize arg_max(TimeGenerated, *) | project TimeGenerated");
  assert.equal(new Date((await json("pd-row")).TimeGenerated).getTime(), new Date(latest.TimeGenerated).getTime());
  assert.equal((await rows("pd-head")).length, 3);
});

test("select, filter and isin agree with KQL", async () => {
  assert.deepEqual(await headers("pd-select"), ["TimeGenerated", "UserPrincipalName", "IPAddress", "ResultType"]);
  const filtered = await rows("pd-filter");
  assert.ok(filtered.length > 0);
  for (const r of filtered) assert.equal(r[2], "185.220.101.45");
  const isin = await rows("pd-isin");
  const expected = await kql(`SigninLogs | where IPAddress in ("185.220.101.45", "45.153.160.2") | summarize c = count() by IPAddress | sort by c desc`);
  assert.deepEqual(isin.map((r) => [r[0], Number(r[1])]).sort(), expected.map((e) => [e.IPAddress, e.c]).sort());
});

test("groupBy().count() and valueCounts() add up to the table", async () => {
  const [{ n }] = await kql("SigninLogs | count | project n = Count");
  const groups = await rows("pd-groupby");
  assert.equal(groups.reduce((s, r) => s + Number(r[r.length - 1]), 0), n);
  const apps = await kql("SigninLogs | summarize c = count() by AppDisplayName");
  assert.equal(groups.length, apps.length);
  const counts = await rows("pd-valuecounts");
  const byResult = await kql("SigninLogs | summarize c = count() by ResultType");
  assert.deepEqual(counts.map((r) => [r[0], Number(r[1])]).sort(), byResult.map((e) => [e.ResultType, e.c]).sort());
});

test("rename, withColumn, addTime, sort and dynamicPath", async () => {
  assert.deepEqual(await headers("pd-rename"), ["Account", "IPAddress"]);
  const withColumn = await rows("pd-withcolumn");
  assert.equal(withColumn.length, 3);
  for (const r of withColumn) assert.equal(r[2], "tour");
  const addTime = await rows("pd-addtime");
  assert.equal(addTime.length, 3);
  for (const [t, , later] of addTime) assert.equal(Date.parse(later) - Date.parse(t), 3600000, `${t} → ${later}`);
  const sorted = (await rows("pd-sort")).map((r) => r[0]);
  assert.deepEqual(sorted, [...sorted].sort());
  const [first] = await kql("SigninLogs | summarize arg_min(UserPrincipalName, *) | project UserPrincipalName");
  assert.equal(sorted[0], first.UserPrincipalName);
  const dyn = await rows("pd-dynamic");
  assert.equal(dyn.length, 5);
  for (const [, loc, country] of dyn) assert.equal(country, JSON.parse(loc).countryOrRegion, loc);
  assert.ok(dyn.some((r) => /^[A-Z]{2}$/.test(r[2])), JSON.stringify(dyn));
});

test("no console errors, nothing off the loopback server", () => {
  assert.deepEqual(errors, []);
  assert.deepEqual(offLoopback(b.requests), []);
});
