// display(): the Jupyter MIME bundles (escaped HTML of a DataFrame, text, JSON), the Worker path's display_data
// message through an injected poster, and the errors where a timeline, chart or widget cannot be drawn (Node.js).
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { loadHuntbook, typecheck } from "./helpers.mjs";

let hb;
let hostile;
const EVIL = `<img src=x onerror="alert(1)">&'`;
before(async () => {
  hb = await loadHuntbook();
  hostile = hb.readTables(JSON.stringify([
    { UserPrincipalName: EVIL, Result: "Failure", TimeGenerated: "2024-05-01T10:00:00Z" },
    { UserPrincipalName: "alice@contoso.com", Result: "Success", TimeGenerated: "2024-05-01T11:00:00Z" },
  ]), { name: "Hostile", format: "json" }).tables[0];
});

test("a DataFrame's bundle is its escaped HTML table and its text; the hostile cell stays text", () => {
  const data = hb.displayBundle(hostile);
  assert.deepEqual(Object.keys(data).sort(), ["text/html", "text/plain"]);
  assert.equal(data["text/plain"], "DataFrame Hostile [2 × 3]");
  const html = data["text/html"];
  assert.equal(html, hostile.toHTML());
  assert.ok(!html.includes("<img"), html);
  assert.ok(html.includes("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;&#39;") || html.includes("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;&#x27;"), html);
  assert.ok(html.includes("alice@contoso.com"));
  assert.equal((html.match(/<tr/g) || []).length, 3, "a header row and two rows");
  // maxRows reaches toHTML
  assert.match(hb.displayBundle(hostile, { maxRows: 1 })["text/html"], /1 more row/);
});

test("strings are text/plain; objects are application/json with their text; BigInts survive", () => {
  assert.deepEqual(hb.displayBundle(EVIL), { "text/plain": EVIL });
  const obj = { ip: "203.0.113.66", hits: 3n, nested: [1, { a: null }] };
  const data = hb.displayBundle(obj);
  assert.deepEqual(data["application/json"], { ip: "203.0.113.66", hits: 3, nested: [1, { a: null }] });
  assert.equal(JSON.parse(data["text/plain"]).hits, 3);
  assert.deepEqual(hb.displayBundle(42), { "text/plain": "42" });
  const cyclic = { name: "c" };
  cyclic.self = cyclic;
  assert.deepEqual(hb.displayBundle(cyclic)["application/json"], { name: "c", self: "[cycle]" });
});

test("without a DOM, display posts one display_data message and returns undefined", () => {
  const posted = [];
  const r = hb.display(hostile, { post: (m) => posted.push(m) });
  assert.equal(r, undefined);
  assert.equal(posted.length, 1);
  assert.equal(posted[0].type, "display_data");
  assert.deepEqual(posted[0].bundle.metadata, {});
  assert.equal(posted[0].bundle.data["text/html"], hostile.toHTML());
  assert.equal(posted[0].bundle.data["text/plain"], "DataFrame Hostile [2 × 3]");
  hb.display("plain words", { post: (m) => posted.push(m) });
  assert.deepEqual(posted[1], { type: "display_data", bundle: { data: { "text/plain": "plain words" }, metadata: {} } });
  // Node.js has no postMessage: the error says what to pass
  assert.throws(() => hb.display(hostile), /no DOM and no postMessage here.*post/);
});

test("timelines and charts in Node.js (no DOM, no OffscreenCanvas) throw naming TimelineModel.render", () => {
  const calls = {
    timeline: () => hb.timeline(hostile, { group_by: "Result" }),
    timelineValues: () => hb.timelineValues(hostile, { value_column: "Result" }),
    timelineDuration: () => hb.timelineDuration(hostile, { group_by: "Result" }),
    barChart: () => hb.barChart(hostile, "Result"),
    pieChart: () => hb.pieChart(hostile, "Result"),
    histogram: () => hb.histogram(hostile, "TimeGenerated"),
  };
  for (const [name, call] of Object.entries(calls)) {
    assert.throws(call, (e) => {
      assert.match(e.message, new RegExp(`^${name}: drawing needs a DOM \\(a page or Observable\\) or an OffscreenCanvas`));
      assert.match(e.message, /TimelineModel's render\(\)/);
      return true;
    }, name);
  }
  // …and the model itself works here, as the message says
  const model = new hb.TimelineModel(hostile, { group_by: "Result" });
  const r = model.render(model.layout.view_start_ms, model.layout.view_end_ms, 100, 20, { copy: true });
  assert.equal(r.pixels.length, 100 * 20 * 4);
  assert.equal(r.visibleEvents, 2);
  model.free();
});

test("DOM widgets and toElement without a DOM name what to use instead", async () => {
  const qp = new hb.QueryProvider("LocalData", { data: await hb.loadDemo() });
  const cases = [
    [() => hb.dataSource(), /^dataSource\(\) is a DOM widget .*huntbook\.loadDemo\(\)/],
    [() => hb.queryBrowser(qp), /^queryBrowser\(\) is a DOM widget .*qp\.listQueries\(filter\)/],
    [() => hb.queryTime(), /^queryTime\(\) is a DOM widget .*new huntbook\.QueryTime/],
    [() => hb.pivotBrowser([]), /^pivotBrowser\(\) is a DOM widget .*pivot\.functions\(\)/],
    [() => hb.browseResults([]), /^browseResults\(\) is a DOM widget .*huntbook\.display\(results\)/],
    [() => hb.progress(async () => 1), /^progress\(\) is a DOM widget .*await the task/],
    [() => hostile.toElement(), /toElement\(\) needs a DOM .*huntbook\.display\(df\) or df\.toHTML\(\)/],
  ];
  for (const [call, re] of cases) assert.throws(call, { message: re });
});

test("display's typings: a program using display, displayBundle and Picture type-checks", () => {
  const out = typecheck(`
import * as huntbook from "huntbook";
async function show(df: huntbook.DataFrame): Promise<void> {
  const data: huntbook.MimeBundle = huntbook.displayBundle(df, { maxRows: 5 });
  const html: string | undefined = data["text/html"];
  const msg: huntbook.DisplayMessage = huntbook.displayMessage(data);
  huntbook.display(df, { post: (m: huntbook.DisplayMessage) => void m.bundle.data["text/plain"] });
  const pic = huntbook.timeline(df) as unknown as huntbook.Picture;
  const png: Uint8Array = await pic.toPNG();
  const bundle: huntbook.MimeBundle = await huntbook.displayBundle(pic);
  const w: number = pic.width + pic.height + (pic.layout?.groups.length ?? 0);
  await huntbook.display(pic);
  void html; void msg; void png; void bundle; void w;
}
void show;
`);
  assert.equal(out, "");
});
