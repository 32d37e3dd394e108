// Hostile strings through every DOM output under a strict CSP (tests/e2e/pages/hostile.html: default-src 'self';
// script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline' — huntbook injects its <style> elements).
// The page reads a Log Analytics response whose string, dynamic and column-name cells hold <img onerror>, <script>,
// "><svg onload>, javascript: URLs, U+202E, NUL and a 1 MiB string, and shows it through toElement, toHTML (as
// HTML), timeline (legend, tooltip by hover), timelineValues/Duration, bar/pie/line/histogram, queryBrowser (a
// hostile catalog), browseResults, pivotBrowser (a registered hostile function), dataSource/queryTime and an entity's
// toHTML. Every payload pushes to window.__xss: it stays empty, no CSP violation is reported, the text is literal.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { openBrowser, offLoopback, screenshot } from "./browser.mjs";

let b;
let page;
let errors;
let result;
before(async () => {
  b = await openBrowser();
  ({ page, errors } = await b.newPage());
  await page.setViewportSize({ width: 1400, height: 1000 });
  await page.goto(`${b.base}/e2e/hostile.html`);
  result = await page.evaluate(() => window.hostile);
});
after(async () => { await b.close(); });

const trap = () => page.evaluate(() => ({ xss: window.__xss, csp: window.__csp }));
const text = (sel) => page.$eval(sel, (e) => e.textContent);
const shown = (s) => s.replace(/\u202E/g, "⟨U+202E⟩").replace(/\u0000/g, "⟨U+0000⟩");

test("every output is built under the CSP; nothing ran, nothing was blocked, print 1 still answers", async () => {
  assert.equal(result.ok, true, result.error);
  const { info } = result;
  assert.deepEqual(info.sections, ["surrogate", "element", "html", "timeline", "values", "duration", "bar", "pie", "line",
    "histogram", "queries", "ti", "pivot", "source", "qtime", "entity"]);
  assert.deepEqual(info.print, [{ print_0: 1 }]);
  assert.deepEqual(await trap(), { xss: [], csp: [] });
  assert.equal(await page.$$eval("body img, body svg, body script:not([src])", (x) => x.length), 0, "no element from a payload");
  await screenshot(page, "hostile");
});

test("table cells and headers (toElement and toHTML) show the payloads literally; bidi and NUL made visible", async () => {
  const { payloads: P, columns } = result.info;
  assert.equal(columns[5], `Col${P.img}${P.svg}`);
  for (const sec of ["element", "html"]) {
    const heads = await page.$$eval(`#${sec} th`, (x) => x.map((t) => t.textContent));
    assert.ok(heads.includes(columns[5]), `${sec} header: ${heads}`);
    const cells = await page.$$eval(`#${sec} tbody tr`, (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));
    const names = cells.map((r) => r.find((c, i) => i > 0 && !/^grp /.test(c)));
    for (const p of Object.values(P)) {
      assert.ok(cells.some((r) => r.includes(shown(p))), `${sec}: a cell reads ${JSON.stringify(shown(p))}: ${JSON.stringify(names)}`);
      assert.ok(cells.some((r) => r.includes(JSON.stringify({ k: p, [p]: [p] }).replace(/\\u0000/g, "⟨U+0000⟩").replace(/\u202E/g, "⟨U+202E⟩"))
        || r.some((c) => c.startsWith('{"k":') && c.includes(shown(p).replace(/"/g, '\\"'))) || p === P.nul), `${sec}: dynamic cell of ${p}`);
    }
    // The 1 MiB string is shown truncated with an indication, not in full.
    const longest = Math.max(...cells.flat().map((c) => c.length));
    assert.ok(longest < 2000, `${sec}: longest cell ${longest} chars`);
    const big = cells.flat().find((c) => c.startsWith("AAAA"));
    assert.ok(big && big.length === 201 && big.endsWith("…"), `${sec}: the long cell is cut to 200 characters and "…": ${big?.length}`);
  }
});

test("timeline legend and hover tooltip show the group and source columns as text", async () => {
  const { payloads: P } = result.info;
  const legend = await page.$$eval("#timeline .huntbook-legend li", (x) => x.map((l) => l.textContent));
  for (const p of [P.img, P.script, P.svg, P.js]) assert.ok(legend.some((l) => l.includes(`grp ${p}`)), `legend ${JSON.stringify(legend)}`);
  assert.ok(legend.some((l) => l.includes("grp abc⟨U+202E⟩gpj.exe")), `legend bidi: ${JSON.stringify(legend)}`);
  const t = Date.parse("2024-01-13T00:00:00Z");
  const p = await page.$eval("#timeline .huntbook-timeline", (el, t) => { el.setRange(t - 20000, t + 20000); return el.pixelOf(0); }, t);
  assert.ok(p, "row 0 is drawn");
  const box = await page.locator("#timeline canvas.huntbook-plot").boundingBox();
  await page.mouse.move(box.x + p.x, box.y + p.y);
  const tip = page.locator("#timeline .huntbook-tooltip");
  await tip.waitFor({ state: "visible", timeout: 5000 });
  const tipText = await tip.textContent();
  assert.ok(tipText.includes(P.img), tipText);
  assert.equal(await page.$$eval("#timeline .huntbook-tooltip *", (x) => x.filter((e) => !["DIV", "SPAN", "B", "TABLE", "TBODY", "TR", "TD", "TH", "STRONG"].includes(e.tagName)).length), 0);
  assert.deepEqual(await trap(), { xss: [], csp: [] });
});

test("charts keep hostile labels as data; widgets, browsers and the entity show them literally", async () => {
  const { payloads: P } = result.info;
  const bars = await page.$eval("#bar .huntbook-chart", (el) => el.chart.bars.map((x) => x.label));
  for (const p of [P.img, P.script, P.svg, P.js]) assert.ok(bars.includes(p), `bar labels ${JSON.stringify(bars)}`);
  assert.ok(bars.includes(P.bidi) && bars.includes(P.nul), `bar labels are the data (drawn through visibleText): ${JSON.stringify(bars)}`);
  const wedges = await page.$eval("#pie .huntbook-chart", (el) => el.chart.wedges.map((x) => x.label));
  assert.ok(wedges.includes(`grp ${P.img}`), JSON.stringify(wedges));
  for (const id of ["bar", "pie", "line", "histogram", "values", "duration"]) {
    assert.equal(await page.$$eval(`#${id} canvas`, (x) => x.length > 0), true, id);
  }
  const q = await text("#queries");
  assert.ok(q.includes(`Evil.q0${P.img}`) && q.includes(P.img), q.slice(0, 200));
  assert.ok(q.includes("Evil.q4abc⟨U+202E⟩gpj.exe"), "query names show bidi visibly");
  const pv = await text("#pivot");
  assert.ok(pv.includes("Host.custom.evil_fn") && pv.includes(`${P.img} ${P.script} ${P.svg} ${P.js}`), pv.slice(0, 300));
  assert.ok((await text("#source")).includes(`Source ${P.img}abc⟨U+202E⟩gpj.exe`));
  assert.ok((await text("#qtime")).includes(`Time ${P.svg}`));
  const ent = await text("#entity");
  assert.ok(ent.includes(`pc${P.img}`) && ent.includes(P.svg) && ent.includes("abc⟨U+202E⟩gpj.exe"), ent);
  // TI browser: every IoC is listed as text; selecting the one with a javascript: Reference makes no such link.
  const iocs = await page.$$eval("#ti option", (x) => x.map((o) => o.textContent));
  assert.ok(iocs.some((o) => o.includes(`${P.img}.example`)), JSON.stringify(iocs));
  await page.$eval("#ti select", (s, v) => { s.value = v; s.dispatchEvent(new Event("change")); }, `${P.js}.example`);
  const ti = await text("#ti .huntbook-ti-detail");
  assert.ok(ti.includes(`Prov${P.js}`), ti.slice(0, 200));
  const hrefs = await page.$$eval("a", (x) => x.map((a) => a.getAttribute("href")));
  assert.ok(hrefs.every((h) => /^https?:/.test(h)), JSON.stringify(hrefs));
  assert.deepEqual(await trap(), { xss: [], csp: [] });
});

test("a lone surrogate escape in Log Analytics JSON is read as U+FFFD with a note; no console errors", async () => {
  assert.deepEqual(result.info.surrogate.value, "lone\uFFFDx", JSON.stringify(result.info.surrogate));
  assert.ok(result.info.surrogate.notes.some((n) => n.includes("1 lone UTF-16 surrogate escape(s)")), JSON.stringify(result.info.surrogate));
  assert.ok((await text("#surrogate")).includes("lone\uFFFDx"));
  assert.deepEqual(errors, []);
  assert.deepEqual(offLoopback(b.requests), []);
});
