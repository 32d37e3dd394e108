// Timelines and charts without a DOM: the wasm Timeline through TimelineModel (grouping, rasterised views, hit
// tests, zoom/pan/range arithmetic) and the chart geometry, on the demo SigninLogs and on small tables.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadHuntbook } from "./helpers.mjs";

const hb = await loadHuntbook();
const demo = await hb.loadDemo();
const signins = demo.table("SigninLogs");

function frame(rows) {
  return hb.readTables(JSON.stringify(rows), { format: "json" }).tables[0];
}

function nonBackground(px) {
  let n = 0;
  for (let i = 0; i < px.length; i += 4) if (px[i] !== 255 || px[i + 1] !== 255 || px[i + 2] !== 255) n++;
  return n;
}

test("a grouped timeline of the demo sign-ins: layout, groups, colours", () => {
  const m = new hb.TimelineModel(signins, { group_by: "ResultType", sourceColumns: ["UserPrincipalName"] });
  const L = m.layout;
  assert.equal(L.kind, "events");
  assert.equal(L.title, "Timeline: Events");
  assert.equal(L.events, signins.numRows);
  assert.ok(L.groups.length >= 2);
  assert.equal(L.groups.reduce((a, g) => a + g.count, 0), L.events);
  assert.deepEqual(L.hover_columns, ["TimeGenerated", "ResultType", "UserPrincipalName"]);
  for (const g of L.groups) assert.match(g.color, /^#[0-9a-f]{6}$/);
  assert.equal(L.legend, "left");
  assert.ok(L.view_start_ms < L.data_start_ms && L.data_end_ms < L.view_end_ms);
  m.free();
});

test("render returns width×height×4 bytes with events drawn; hidden groups are not drawn", () => {
  const m = new hb.TimelineModel(signins, { group_by: "ResultType" });
  const L = m.layout;
  const r = m.render(L.view_start_ms, L.view_end_ms, 600, 200, { copy: true });
  assert.equal(r.pixels.length, 600 * 200 * 4);
  assert.equal(r.visibleEvents, L.events);
  const drawn = nonBackground(r.pixels);
  assert.ok(drawn > 1000, `${drawn} coloured pixels`);
  // The view (no copy) has the same bytes.
  const v = m.render(L.view_start_ms, L.view_end_ms, 600, 200);
  assert.deepEqual(Array.from(v.pixels.subarray(0, 4000)), Array.from(r.pixels.subarray(0, 4000)));
  m.setHidden(L.groups.map((g) => g.index));
  const none = m.render(L.view_start_ms, L.view_end_ms, 600, 200, { copy: true });
  assert.ok(nonBackground(none.pixels) < drawn / 4, "only the grid is left");
  const o = m.renderOverview(600, 80, { copy: true });
  assert.equal(o.pixels.length, 600 * 80 * 4);
  assert.ok(nonBackground(o.pixels) > 100);
  m.free();
});

test("the hit test finds the known row and gives its hover columns' text", () => {
  const df = frame([
    { TimeGenerated: "2024-03-01T10:00:00Z", UserPrincipalName: "alice@contoso.com", Result: "Success" },
    { TimeGenerated: "2024-03-01T11:00:00Z", UserPrincipalName: "bob@contoso.com", Result: "Failed" },
    { TimeGenerated: "2024-03-01T12:00:00Z", UserPrincipalName: "carol@contoso.com", Result: "Success" },
    { TimeGenerated: null, UserPrincipalName: "nobody@contoso.com", Result: "Success" },
  ]);
  const m = new hb.TimelineModel(df, { group_by: "Result", source_columns: ["UserPrincipalName"] });
  const L = m.layout;
  assert.equal(L.skipped_no_time, 1);
  assert.deepEqual(L.notes, ["1 event without a time was skipped"]);
  assert.deepEqual(L.groups.map((g) => g.label), ["Failed", "Success"]);
  const [W, H] = [800, 200];
  const e = m.eventOf(1);
  assert.deepEqual(e, { group: 0, time: Date.parse("2024-03-01T11:00:00Z"), value: null });
  const x = m.timeToPx(L.view_start_ms, L.view_end_ms, W, e.time);
  const y = m.rowCenter(e.group, H);
  const hits = m.hitTest(L.view_start_ms, L.view_end_ms, W, H, x, y);
  assert.equal(hits.hits.length, 1);
  assert.equal(hits.hits[0].row, 1);
  const cols = Object.fromEntries(hits.hits[0].columns);
  assert.equal(cols.UserPrincipalName, "bob@contoso.com");
  assert.equal(cols.Result, "Failed");
  assert.match(cols.TimeGenerated, /^2024-03-01T11:00:00/);
  assert.equal(m.hitTest(L.view_start_ms, L.view_end_ms, W, H, x + 200, y).hits.length, 0);
  assert.equal(m.eventOf(3), null, "the row without a time is not drawn");
  m.free();
});

test("zoom, pan, clamp and the range tool arithmetic keep the view valid", () => {
  const m = new hb.TimelineModel(signins, {});
  const L = m.layout;
  const [s, e] = [L.view_start_ms, L.view_end_ms];
  const [zs, ze] = m.zoom(s, e, 900, 2, 450);
  assert.ok(Math.abs((ze - zs) - (e - s) / 2) < 1, "zoomed in 2×");
  assert.ok(Math.abs((zs + ze) / 2 - (s + e) / 2) < 1, "about the middle");
  const [ps, pe] = m.pan(zs, ze, 900, 90);
  assert.ok(ps < zs && Math.abs((pe - ps) - (ze - zs)) < 1, "dragging right shows earlier times");
  const [cs, ce] = m.zoom(s, e, 900, 1e-9, 0);
  assert.deepEqual([cs, ce], [L.extent_start_ms, L.extent_end_ms], "zooming out stops at the extent");
  const [ms0, ms1] = m.clamp(s, s);
  assert.ok(ms1 - ms0 >= 1, "at least a millisecond");
  assert.equal(m.rangeHandleAt(900, zs, ze, m.overviewPx(900, (zs + ze) / 2)), "inside");
  assert.equal(m.rangeHandleAt(900, zs, ze, m.overviewPx(900, zs)), "left");
  const [ds, de] = m.dragRange(900, "inside", zs, ze, 30);
  assert.ok(ds > zs && Math.abs((de - ds) - (ze - zs)) < 1, "dragging the selection right moves it later");
  const ticks = m.ticks(zs, ze, 900);
  assert.ok(ticks.ticks.length >= 3 && ticks.ticks.every((t) => t.px >= 0 && t.px <= 900 && t.label));
  const msTicks = m.ticks(s, s + 50, 900);
  assert.equal(msTicks.unit, "millisecond");
  m.free();
});

test("values and duration timelines", () => {
  const df = frame([
    { TimeGenerated: "2024-03-01T10:00:00.1234567Z", SentBytes: 100, Host: "a" },
    { TimeGenerated: "2024-03-01T10:05:00Z", SentBytes: 5000, Host: "b" },
    { TimeGenerated: "2024-03-01T10:10:00Z", SentBytes: null, Host: "a" },
    { TimeGenerated: "2024-03-01T10:20:00Z", SentBytes: 300, Host: "a" },
  ]);
  const v = new hb.TimelineModel(df, { valueColumn: "SentBytes", kind: ["vbar", "circle"] }, "values");
  assert.equal(v.layout.events, 3);
  assert.equal(v.layout.skipped_no_value, 1);
  assert.ok(v.layout.value_max >= 5000 && v.layout.value_min <= 0);
  const e = v.eventOf(0);
  assert.equal(e.value, 100);
  assert.ok(Math.abs(e.time - (Date.parse("2024-03-01T10:00:00.123Z") + 0.4567)) < 1e-3, `sub-ms precision kept: ${e.time}`);
  const r = v.render(v.layout.view_start_ms, v.layout.view_end_ms, 400, 150, { copy: true });
  assert.ok(nonBackground(r.pixels) > 50);
  v.free();
  const d = new hb.TimelineModel(df, { group_by: "Host" }, "duration");
  assert.deepEqual(d.layout.groups.map((g) => [g.label, g.count]), [["a", 3], ["b", 1]]);
  assert.equal(d.layout.title, "Event Duration Timeline for Host");
  d.free();
});

test("bad input is an error that says what to do, never a crash", () => {
  assert.throws(() => new hb.TimelineModel(signins, { group_by: "UserPrincipalNam" }), /UserPrincipalNam.*UserPrincipalName/s);
  assert.throws(() => new hb.TimelineModel(signins, { time_column: "Nope" }), /Nope/);
  assert.throws(() => new hb.TimelineModel(signins, { groupby: "ResultType" }), /timeline: unknown option 'groupby' \(did you mean 'group_by'\?\)\. Options are: /);
  assert.throws(() => new hb.TimelineModel(signins, {}, "values"), /value_column/);
  assert.throws(() => new hb.TimelineModel(signins, { legend: "top" }), /legend/);
  assert.throws(() => new hb.TimelineModel(signins, { color: "notacolour" }), /notacolour/);
  assert.throws(() => new hb.TimelineModel(signins, { ref_time: "yesterday-ish" }), /ref_time/);
  assert.throws(() => new hb.TimelineModel({}, {}), /DataFrame/);
  assert.throws(() => hb.barChart(signins, "IPAdress"), /IPAddress/);
  // Degenerate views are blank, not crashes.
  const refs = frame([{ TimeGenerated: "2024-03-01T10:00:00Z", Label: "spray" }, { TimeGenerated: "2024-03-02T00:00:00Z", Label: "forward" }]);
  const withRefs = new hb.TimelineModel(signins, { ref_time: "2024-03-01T09:00:00", refLabel: "alert", ref_events: refs, ref_col: "Label" });
  assert.deepEqual(withRefs.layout.ref_lines.map((r) => [r.label, r.time_ms]), [
    ["alert", Date.parse("2024-03-01T09:00:00Z")], ["spray", Date.parse("2024-03-01T10:00:00Z")], ["forward", Date.parse("2024-03-02T00:00:00Z")],
  ]);
  withRefs.free();
  const m = new hb.TimelineModel(signins, { ref_time: new Date(), ref_events: [{ time: Date.now() - 3600e3, label: "x" }] });
  assert.equal(m.layout.ref_lines.length, 2);
  assert.equal(m.render(0, 0, 0, 0).pixels.length, 0);
  assert.equal(m.render(NaN, Infinity, 10, 10, { copy: true }).pixels.length, 400);
  assert.deepEqual(m.hitTest(NaN, NaN, 10, 10, NaN, NaN).hits, []);
  assert.throws(() => m.render(0, 1, 100000, 100000), /pixels|large|too/i);
  m.free();
  const empty = frame([{ TimeGenerated: null, A: 1 }]);
  const em = new hb.TimelineModel(empty, {});
  assert.equal(em.layout.events, 0);
  assert.ok(em.layout.notes.includes("No data to plot."));
  em.free();
});

test("options are read in Rust: a misspelt option is the options reader's error, values are typed", () => {
  const timelineOptions = "time_column, end_time_column, group_by, source_columns, title, height, width, color, legend, range_tool, "
    + "ref_time, ref_label, ref_events, ref_col, yaxis, xgrid, ygrid, value_column, kind";
  assert.throws(() => new hb.TimelineModel(signins, { titel: "x" }), {
    message: `timeline: unknown option 'titel' (did you mean 'title'?). Options are: ${timelineOptions}`,
  });
  assert.throws(() => hb.timelineModel(signins, { groupBy: "ResultType", refTme: 0 }), /timelineModel: unknown option 'refTme' \(did you mean 'ref_time'\?\)/);
  assert.throws(() => hb.barChart(signins, "AppDisplayName", { topn: 3 }), {
    message: "barChart: unknown option 'topn' (did you mean 'top_n'?). Options are: column, title, xlabel, top_n, other_label, "
      + "include_other, dropna, width, height, color",
  });
  assert.throws(() => hb.histogram(signins, "ResultType", { bin: 3 }), /histogram: unknown option 'bin' \(did you mean 'bins'\?\)/);
  assert.throws(() => new hb.TimelineModel(signins, { width: -5 }), { message: "timeline: option 'width': expected a positive number of pixels, got -5" });
  assert.throws(() => new hb.TimelineModel(signins, { legend: "top" }), /timeline: option 'legend': 'top' is not a legend position/);
  assert.throws(() => new hb.TimelineModel(signins, "wide"), { message: 'timeline: options must be an object like {name: value}, got text "wide"' });
  // camelCase, legend: false, one kind as text, times as Date / zone-less ISO text (UTC) / epoch ms, a row list.
  const t0 = Date.parse("2024-03-01T09:00:00Z");
  const m = new hb.TimelineModel(signins, {
    groupBy: ["ResultType"], legend: false, refTime: new Date(t0), refLabel: "alert", width: 640.4,
    refEvents: ["2024-03-01T10:00:00", { time: new Date(t0 + 7200e3), label: "forward" }, t0 + 0.5],
  });
  assert.equal(m.layout.legend, "none");
  assert.equal(m.layout.width, 640);
  assert.deepEqual(m.layout.ref_lines.map((r) => [r.label, r.time_ms]), [
    ["alert", t0], ["reference 0", t0 + 3600e3], ["forward", t0 + 7200e3], ["reference 2", t0 + 0.5],
  ]);
  m.free();
  const values = frame([{ TimeGenerated: "2024-03-01T10:00:00Z", V: 1 }, { TimeGenerated: "2024-03-01T11:00:00Z", V: 3 }]);
  const v = new hb.TimelineModel(values, { valueColumn: "V", kind: "LINE", legend: true }, "values");
  assert.deepEqual([v.layout.kinds, v.layout.legend, v.layout.events], [["line"], "none", 2]);
  v.free();
});

test("a million events: grouping and a redraw stay fast", () => {
  const n = 1_000_000;
  const t0 = Date.parse("2024-01-01T00:00:00Z");
  // Built as CSV text (not a million objects through JSON) to keep the setup quick.
  let csv = "TimeGenerated,Group\n";
  for (let i = 0; i < n; i++) csv += `${new Date(t0 + ((i * 7919) % n) * 600).toISOString()},g${i % 7}\n`;
  const df = hb.readTables(csv, { format: "csv" }).tables[0];
  assert.equal(df.numRows, n);
  let start = performance.now();
  const m = new hb.TimelineModel(df, { group_by: "Group" });
  const build = performance.now() - start;
  const L = m.layout;
  start = performance.now();
  m.render(L.view_start_ms, L.view_end_ms, 900, 300);
  const first = performance.now() - start;
  const [zs, ze] = m.zoom(L.view_start_ms, L.view_end_ms, 900, 1.5, 300);
  start = performance.now();
  m.render(zs, ze, 900, 300);
  const redraw = performance.now() - start;
  console.log(`10^6 events: group ${build.toFixed(0)} ms, first render ${first.toFixed(1)} ms, redraw ${redraw.toFixed(1)} ms`);
  assert.equal(L.events, n);
  assert.ok(build + first < 3000 && redraw < 500, "generous bounds for a slow CI machine; the browser bench has the real goals");
  m.free();
});
