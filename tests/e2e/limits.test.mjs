// Resource limits in headless Chromium (issue #14, "Must show" 5): a 500,000-row Log Analytics answer (the service's
// maximum) of SigninLogs-shaped rows generated in the page, read with readTables, summarized with KQL and turned into
// a timeline model, with the wasm memory and JSON size printed; and a timeline element over 10,000 groups drawn on a
// canvas with its rows bounded and a note. (10,000-deep dynamic JSON is a case of the hostile-input suite.)
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { openBrowser, offLoopback } from "./browser.mjs";

let b;
before(async () => {
  b = await openBrowser();
});
after(async () => {
  await b?.close();
});

/** Opens a page with huntbook initialised and `window.wasmMemory` = its WebAssembly.Memory. */
async function huntbookPage() {
  const { page, errors } = await b.newPage();
  await page.goto(`${b.base}/e2e/blank.html`);
  await page.evaluate(async () => {
    const { instantiate, instantiateStreaming } = WebAssembly;
    const keep = (r) => {
      const inst = r instanceof WebAssembly.Instance ? r : r.instance;
      if (inst?.exports?.memory && typeof inst.exports.lastPanic === "function") window.wasmMemory = inst.exports.memory;
      return r;
    };
    WebAssembly.instantiate = async (...a) => keep(await instantiate.apply(WebAssembly, a));
    WebAssembly.instantiateStreaming = async (...a) => keep(await instantiateStreaming.apply(WebAssembly, a));
    window.hb = await import("/huntbook/index.js");
    await window.hb.init();
    WebAssembly.instantiate = instantiate;
    WebAssembly.instantiateStreaming = instantiateStreaming;
  });
  return { page, errors };
}

test("a 500,000-row SigninLogs answer parses, summarizes and makes a timeline in Chromium; peak memory printed", async () => {
  const { page, errors } = await huntbookPage();
  const r = await page.evaluate(async (n) => {
    const hb = window.hb;
    const MiB = (x) => Math.round(x / 2 ** 20);
    const mem0 = window.wasmMemory.buffer.byteLength;
    // the answer, written as bytes 10,000 rows at a time (a 286 MB JS string would be near V8's limit)
    const cols = [["TenantId", "string"], ["TimeGenerated", "datetime"], ["OperationName", "string"], ["ResultType", "string"],
      ["ResultDescription", "string"], ["Identity", "string"], ["Level", "string"], ["Location", "string"],
      ["AppDisplayName", "string"], ["AppId", "string"], ["ClientAppUsed", "string"], ["CorrelationId", "guid"],
      ["CreatedDateTime", "datetime"], ["DeviceDetail", "dynamic"], ["IPAddress", "string"], ["IsInteractive", "bool"],
      ["LocationDetails", "dynamic"], ["UserPrincipalName", "string"], ["RiskScore", "long"], ["Latitude", "real"], ["Longitude", "real"]];
    const enc = new TextEncoder();
    const parts = [enc.encode(`{"tables":[{"name":"PrimaryResult","columns":${JSON.stringify(cols.map(([name, type]) => ({ name, type })))},"rows":[`)];
    const hex = (i, w) => (i >>> 0).toString(16).padStart(w, "0");
    const t0 = Date.UTC(2024, 0, 1);
    let batch = [];
    for (let i = 0; i < n; i++) {
      const t = new Date(t0 + i * 1000).toISOString();
      const lat = -60 + (i % 1200) / 10;
      const lon = -170 + (i % 3400) / 10;
      batch.push(JSON.stringify(["72f988bf-86f1-41af-91ab-2d7cd011db47", t, "Sign-in activity", i % 7 === 0 ? "50126" : "0",
        i % 7 === 0 ? "Invalid username or password." : "", `User ${i % 5000}`, "4", ["US", "GB", "DE", "FR", "JP"][i % 5],
        ["Azure Portal", "Office 365", "Microsoft Teams"][i % 3], "c44b4083-3bb0-49c1-b47d-974e53cbdf3c", "Browser",
        `${hex(i, 8)}-0000-4000-8000-${hex(i * 7, 12)}`, t,
        JSON.stringify({ deviceId: "", operatingSystem: "Windows 10", browser: "Edge 120.0", isCompliant: i % 2 === 0 }),
        `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, i % 3 !== 0,
        JSON.stringify({ city: "Redmond", state: "Washington", countryOrRegion: "US", geoCoordinates: { latitude: lat, longitude: lon } }),
        `user${i % 5000}@contoso.com`, i % 100, lat, lon]));
      if (batch.length === 10_000 || i === n - 1) {
        parts.push(enc.encode((parts.length > 1 ? "," : "") + batch.join(",")));
        batch = [];
      }
    }
    parts.push(enc.encode("]}]}"));
    const size = parts.reduce((s, p) => s + p.length, 0);
    const bytes = new Uint8Array(size);
    let o = 0;
    for (const p of parts) {
      bytes.set(p, o);
      o += p.length;
    }
    parts.length = 0;
    let t = performance.now();
    const { tables, error } = hb.readTables(bytes);
    const parseMs = Math.round(performance.now() - t);
    const memParsed = window.wasmMemory.buffer.byteLength;
    const df = tables[0];
    const row = df.row(123_456);
    const data = new hb.LocalData();
    data.addTable("SigninLogs", df);
    t = performance.now();
    const sum = data.query("SigninLogs | summarize n = count(), users = dcount(UserPrincipalName), risk = sum(RiskScore) by ResultType, Location | sort by ResultType asc, Location asc").toRows();
    const byLat = data.query("SigninLogs | where toreal(LocationDetails.geoCoordinates.latitude) > 59.8 | count").toRows();
    const summarizeMs = Math.round(performance.now() - t);
    t = performance.now();
    const model = new hb.TimelineModel(df, { group_by: "ResultType", source_columns: ["UserPrincipalName", "IPAddress"] });
    const px = model.render(model.layout.view_start_ms, model.layout.view_end_ms, 900, 300);
    const timelineMs = Math.round(performance.now() - t);
    const layout = { groups: model.layout.groups.map((g) => [g.label, g.count]), events: model.layout.events, notes: model.layout.notes };
    const inked = px.pixels.some((v) => v !== 255);
    const visible = px.visibleEvents;
    let uaMemory = null;
    if (typeof performance.measureUserAgentSpecificMemory === "function" && self.crossOriginIsolated) {
      uaMemory = MiB((await performance.measureUserAgentSpecificMemory()).bytes);
    }
    return {
      error, rows: df.numRows, columns: df.columns.length, notes: df.notes, row, sum, byLat, layout, inked, visible,
      jsonBytes: size, parseMs, summarizeMs, timelineMs,
      wasmMiB: { start: MiB(mem0), afterParse: MiB(memParsed), peak: MiB(window.wasmMemory.buffer.byteLength) },
      jsHeapMiB: performance.memory ? MiB(performance.memory.usedJSHeapSize) : null, uaMemory,
      stillWorks: data.query("print 1").toRows(),
    };
  }, 500_000);
  console.log(`limits | 500,000 rows: JSON ${r.jsonBytes} bytes (${(r.jsonBytes / 2 ** 20).toFixed(1)} MiB), ${r.columns} columns; ` +
    `readTables ${r.parseMs} ms, summarize+where ${r.summarizeMs} ms, timeline model+render ${r.timelineMs} ms; ` +
    `wasm memory ${r.wasmMiB.start} MiB at start → ${r.wasmMiB.afterParse} MiB after parsing → peak ${r.wasmMiB.peak} MiB; ` +
    `JS heap ${r.jsHeapMiB} MiB; measureUserAgentSpecificMemory ${r.uaMemory ?? "unavailable (page not cross-origin isolated)"}`);
  assert.equal(r.error, null);
  assert.equal(r.rows, 500_000);
  assert.equal(r.columns, 21);
  assert.deepEqual(r.notes, []);
  assert.equal(r.row.UserPrincipalName, "user3456@contoso.com");
  assert.equal(r.row.IPAddress, "10.1.226.64");
  assert.equal(r.row.CorrelationId, "0001e240-0000-4000-8000-0000000d2fc0");
  assert.equal(new Date(r.row.TimeGenerated).toISOString(), "2024-01-02T10:17:36.000Z");
  assert.equal(r.row.IsInteractive, false);
  assert.equal(r.row.RiskScore, 56);
  assert.equal(r.row.Latitude, -60 + (123_456 % 1200) / 10);
  assert.equal(JSON.parse(r.row.LocationDetails).geoCoordinates.longitude, -170 + (123_456 % 3400) / 10);
  // 500,000 rows: every 7th is a failure (71,429), locations cycle through 5
  assert.equal(r.sum.length, 10);
  assert.equal(r.sum.reduce((s, x) => s + x.n, 0), 500_000);
  assert.equal(r.sum.filter((x) => x.ResultType === "50126").reduce((s, x) => s + x.n, 0), 71_429);
  assert.deepEqual([r.sum[0].ResultType, r.sum[0].Location, r.sum[0].n, r.sum[0].users], ["0", "DE", 85_714, 1000]);
  assert.deepEqual(r.byLat, [{ Count: 416 }]); // latitude 59.9, once every 1,200 rows, through the dynamic column
  assert.deepEqual(r.layout.groups, [["0", 428_571], ["50126", 71_429]]);
  assert.equal(r.layout.events, 500_000);
  assert.ok(r.visible > 0 && r.inked, `${r.visible} events visible`);
  assert.deepEqual(r.stillWorks, [{ print_0: 1 }]);
  assert.ok(r.wasmMiB.peak < 4096);
  assert.deepEqual(errors, []);
});

test("a timeline element over 10,000 groups draws on a canvas with 1,000 rows and a note", async () => {
  const { page, errors } = await huntbookPage();
  const r = await page.evaluate(() => {
    const hb = window.hb;
    const rows = [];
    for (let i = 0; i < 10_000; i++) {
      const t = Date.UTC(2024, 2, 1) + i * 1000;
      const name = `host-${String(i).padStart(5, "0")}`;
      rows.push([new Date(t).toISOString(), name]);
      if (i % 10 === 0) rows.push([new Date(t + 86_400_000).toISOString(), name]);
    }
    const df = hb.readTables(JSON.stringify({ tables: [{ name: "T", columns: [{ name: "TimeGenerated", type: "datetime" }, { name: "Computer", type: "string" }], rows }] })).tables[0];
    const el = hb.timeline(df, { group_by: "Computer", title: "10,000 hosts" });
    document.body.append(el);
    const canvas = el.querySelector("canvas");
    return {
      groups: el.layout.groups.length, notes: el.layout.notes, legendItems: el.querySelectorAll(".huntbook-legend li").length,
      footnote: el.querySelector(".huntbook-notes")?.textContent, canvas: canvas && [canvas.width, canvas.height],
    };
  });
  console.log(`limits | 10,000 groups: ${r.groups} rows drawn, ${r.legendItems} legend entries, canvas ${r.canvas}; note: ${r.footnote}`);
  assert.equal(r.groups, 1000);
  assert.equal(r.legendItems, 1000);
  assert.equal(r.footnote, "showing 1000 of 10000 groups (those with the most events): 9000 groups with 9000 events are not drawn; filter the table or group by a column with fewer values");
  assert.ok(r.canvas[0] > 0 && r.canvas[1] > 0);
  assert.deepEqual(errors, []);
  assert.deepEqual(offLoopback(b.requests), []);
});
