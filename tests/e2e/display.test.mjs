// huntbook.display in a module Web Worker (JupyterLite's JavaScript kernel runs cells so): a table posts escaped
// text/html; a timeline grouped by Result, a timelineValues and a bar chart post PNGs of their first view, which the
// page decodes and measures (size, the first group's colour, title ink); DOM widgets throw naming what to use.
// On the page itself display(df) returns the table element. No console errors, nothing off the loopback server.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { openBrowser, offLoopback, artifacts } from "./browser.mjs";

let b;
let page;
let errors;
let done;
let shown;
before(async () => {
  b = await openBrowser();
  ({ page, errors } = await b.newPage());
  await page.goto(`${b.base}/e2e/display-worker.html`);
  done = await page.evaluate(() => window.workerDone);
  shown = await page.evaluate(() => window.shown);
});
after(async () => { await b.close(); });

/** `color` at `alpha` over white, as the wasm raster draws value marks (alpha 0.7, src/vis/raster.rs "Colours"). */
const overWhite = (color, alpha) => `#${[1, 3, 5].map((i) => Math.round(alpha * parseInt(color.slice(i, i + 2), 16) + (1 - alpha) * 255)
  .toString(16).padStart(2, "0")).join("")}`;

const measure = (b64, color, rows) => page.evaluate(([x, c, r]) => window.measurePNG(x, c, r), [b64, color, rows]);

test("the worker ran without a document and posted four display_data messages", () => {
  assert.equal(done.ok, true, done.error);
  assert.equal(done.info.hasDocument, false);
  assert.equal(shown.length, 4);
  for (const m of shown) {
    assert.equal(m.type, "display_data");
    assert.deepEqual(m.bundle.metadata, {});
  }
  assert.equal(done.info.tableReturned, undefined, "display returns undefined in a Worker");
});

test("the table's bundle is its escaped HTML and text", () => {
  const { data } = shown[0].bundle;
  assert.deepEqual(Object.keys(data).sort(), ["text/html", "text/plain"]);
  assert.equal(data["text/html"], done.info.headHTML);
  assert.equal(data["text/plain"], done.info.headText);
  assert.equal(data["text/plain"], `DataFrame SigninLogs [3 × ${done.info.cols}]`);
  assert.equal((data["text/html"].match(/<tr/g) || []).length, 4);
});

test("the timeline grouped by Result is a PNG of the picture's size with the first group's colour and a title", async () => {
  const t = done.info.timeline;
  assert.equal(t.constructor, "Picture");
  assert.equal(t.kind, "timeline");
  assert.equal(t.layout.width, 640, "the requested plot width");
  assert.equal(t.layout.height, 160, "the requested plot height");
  assert.deepEqual(t.layout.groups.map((g) => g.label).sort(), ["Failed", "Success"]);
  assert.equal(t.layout.groups.reduce((n, g) => n + g.count, 0), done.info.rows);
  assert.ok(t.width > 640 && t.height > 160, `${t.width}×${t.height}`);
  const { data } = shown[1].bundle;
  assert.deepEqual(Object.keys(data).sort(), ["image/png", "text/plain"]);
  assert.equal(data["text/plain"], t.text);
  assert.equal(t.title, "Timeline: Sign-ins by result");
  assert.equal(t.text, `timeline picture "Timeline: Sign-ins by result" ${t.width}×${t.height} (huntbook.display(it) shows it)`);
  const m = await measure(data["image/png"], t.layout.groups[0].color, [0, 24]);
  assert.equal(m.png, true);
  assert.equal(m.width, t.width);
  assert.equal(m.height, t.height);
  assert.ok(m.colored > 50, `${m.colored} pixels of ${t.layout.groups[0].color}`);
  assert.ok(m.titleInk > 100, `${m.titleInk} title pixels`);
  assert.equal(done.info.timelineReturned, undefined);
  fs.mkdirSync(artifacts, { recursive: true });
  fs.writeFileSync(path.join(artifacts, "display-worker-timeline.png"), Buffer.from(data["image/png"], "base64"));
});

test("the timelineValues and the bar chart are PNGs of their pictures with their colours and titles", async () => {
  fs.mkdirSync(artifacts, { recursive: true });
  fs.writeFileSync(path.join(artifacts, "display-worker-values.png"), Buffer.from(shown[2].bundle.data["image/png"], "base64"));
  fs.writeFileSync(path.join(artifacts, "display-worker-bar.png"), Buffer.from(shown[3].bundle.data["image/png"], "base64"));
  const v = done.info.values;
  assert.equal(v.layout.width, 600);
  const markColor = overWhite(v.layout.groups[0].color, 0.7);
  const vm = await measure(shown[2].bundle.data["image/png"], markColor, [0, 24]);
  assert.deepEqual([vm.width, vm.height], [v.width, v.height]);
  assert.ok(vm.colored > 50, `${vm.colored} pixels of ${markColor} (${v.layout.groups[0].color} at 0.7)`);
  assert.ok(vm.titleInk > 100, `${vm.titleInk} title pixels`);
  const bar = done.info.bar;
  assert.equal(bar.kind, "bar");
  assert.equal(bar.chart.bars.length, 6, "top 5 and other");
  const bm = await measure(shown[3].bundle.data["image/png"], bar.chart.bars[0].color, [0, 22]);
  assert.deepEqual([bm.width, bm.height], [bar.width, bar.height]);
  assert.ok(bm.colored > 200, `${bm.colored} pixels of ${bar.chart.bars[0].color}`);
  assert.ok(bm.titleInk > 100, `${bm.titleInk} title pixels`);
  assert.match(shown[3].bundle.data["text/plain"], /^bar picture "Sign-ins per IP address"/);
});

test("DOM widgets in the worker throw naming what to use instead", () => {
  const e = done.info.errors;
  const there = "is a DOM widget and there is no document here (a Worker or Node.js): ";
  assert.equal(e.dataSource, `dataSource() ${there}use huntbook.loadDemo() or new huntbook.QueryProvider("MSSentinel", {...}) directly`);
  assert.equal(e.queryBrowser, `queryBrowser() ${there}use qp.listQueries(filter) and qp.queryHelp(name)`);
  assert.equal(e.queryTime, `queryTime() ${there}use new huntbook.QueryTime({start, end})`);
  assert.equal(e.pivotBrowser, `pivotBrowser() ${there}use pivot.functions() (name, entity, description of each)`);
  assert.equal(e.browseResults, `browseResults() ${there}use huntbook.display(results) or results.toHTML()`);
  assert.equal(e.toElement, "toElement() needs a DOM (a page or Observable); in a Worker use huntbook.display(df) or df.toHTML()");
});

test("on the page display(df) returns the table element with the query's rows; strings and objects are text", async () => {
  const r = await page.evaluate(async () => {
    const hb = await import("/huntbook/index.js");
    await hb.init();
    const demo = await hb.loadDemo();
    const df = demo.query("SigninLogs | sort by TimeGenerated asc | take 3 | project UserPrincipalName, IPAddress");
    const host = document.createElement("div");
    document.body.append(host);
    const n = hb.display(df, { into: host });
    const pre = hb.display('<img src=x onerror="window.owned=1">');
    const json = hb.display({ ip: "203.0.113.66", n: 2n });
    const off = new OffscreenCanvas(30, 20);
    off.getContext("2d").fillRect(0, 0, 30, 20);
    const img = hb.display(new hb.Picture(off, { kind: "test", title: "t" }));
    await img.decoded;
    return {
      cls: n.className, inHost: n.parentNode === host, same: hb.display(n) === n,
      rows: [...n.querySelectorAll("tbody tr")].map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent)),
      expected: df.toRows().map((row) => [row.UserPrincipalName, row.IPAddress]),
      pre: [pre.tagName, pre.textContent, pre.children.length], json: json.textContent,
      img: [img.tagName, img.naturalWidth, img.naturalHeight], owned: window.owned ?? null,
    };
  });
  assert.equal(r.cls, "huntbook-frame");
  assert.equal(r.inHost, true);
  assert.equal(r.same, true);
  assert.equal(r.rows.length, 3);
  assert.deepEqual(r.rows, r.expected);
  assert.deepEqual(r.pre, ["PRE", '<img src=x onerror="window.owned=1">', 0]);
  assert.deepEqual(JSON.parse(r.json), { ip: "203.0.113.66", n: 2 });
  assert.deepEqual(r.img, ["IMG", 30, 20]);
  assert.equal(r.owned, null);
});

test("a wide table shows the columns that fill the window first, every column a frame later; it clips only its long cells, at 40em with an ellipsis", async () => {
  const r = await page.evaluate(async () => {
    const hb = await import("/huntbook/index.js");
    await hb.init();
    const demo = await hb.loadDemo();
    const n = demo.query("SigninLogs | take 5").toElement();
    const held = demo.query("SigninLogs | take 5").toElement(); // never shown
    const heldBefore = held.querySelector("table").classList.contains("huntbook-first");
    document.body.append(n);
    // the first frame: the columns that fill the window (and more), the others not laid out yet
    const first = await new Promise((ok) => requestAnimationFrame(() => {
      const ths = [...n.querySelectorAll("th")];
      ok({ pending: n.querySelector("table").classList.contains("huntbook-first"), columns: ths.length,
        laidOut: ths.filter((th) => th.offsetWidth > 0).length, width: n.querySelector("table").offsetWidth,
        window: innerWidth });
    }));
    // then every column, in the first task after that frame
    await new Promise((ok) => requestAnimationFrame(() => setTimeout(ok, 0)));
    const later = { pending: n.querySelector("table").classList.contains("huntbook-first"),
      laidOut: [...n.querySelectorAll("th")].filter((th) => th.offsetWidth > 0).length };
    const em = parseFloat(getComputedStyle(n.querySelector("td")).fontSize);
    const cells = [...n.querySelectorAll("th, td")].map((c) => ({
      long: c.classList.contains("huntbook-long"), chars: [...c.textContent].length, width: c.clientWidth,
      cut: c.scrollWidth > c.clientWidth + 1, ellipsis: getComputedStyle(c).textOverflow,
      padding: parseFloat(getComputedStyle(c).paddingLeft) + parseFloat(getComputedStyle(c).paddingRight),
    }));
    n.remove();
    // an element never shown gets every column after a second: its HTML copied then is the whole table
    await new Promise((ok) => setTimeout(ok, 1100));
    const heldAfter = held.querySelector("table").classList.contains("huntbook-first");
    return { em, cells, first, later, held: [heldBefore, heldAfter] };
  });
  assert.equal(r.first.pending, true);
  assert.equal(r.first.columns, 76);
  assert.ok(r.first.laidOut >= 8 && r.first.laidOut < 40, JSON.stringify(r.first));
  assert.ok(r.first.width > r.first.window, `the first frame's columns fill the window: ${JSON.stringify(r.first)}`);
  assert.deepEqual(r.later, { pending: false, laidOut: 76 });
  assert.deepEqual(r.held, [true, false]);
  const long = r.cells.filter((c) => c.long);
  const short = r.cells.filter((c) => !c.long);
  assert.ok(r.cells.length > 5 * 70, `${r.cells.length} cells`);
  assert.ok(long.length > 5 && short.length > long.length * 5, `${long.length} long of ${r.cells.length}`);
  for (const c of long) assert.ok(c.chars > 40 && c.ellipsis === "ellipsis", JSON.stringify(c));
  for (const c of short) assert.ok(c.chars <= 40 && !c.cut && c.ellipsis === "clip", JSON.stringify(c));
  // SigninLogs' JSON columns are far wider than 40em: they are cut there.
  const cut = long.filter((c) => c.cut);
  assert.ok(cut.length >= 5, `${cut.length} cut`);
  for (const c of cut) assert.ok(Math.abs(c.width - c.padding - 40 * r.em) <= 1, JSON.stringify({ ...c, em: r.em }));
});

test("no console errors and nothing off the loopback server", () => {
  assert.deepEqual(errors, []);
  assert.deepEqual(offLoopback(b.requests), []);
});
