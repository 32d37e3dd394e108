// The Tour's charts and timelines in headless Chromium: every canvas is drawn (pixel check), hover shows a known
// event's UserPrincipalName, wheel zoom and the range tool change the visible range, the legend hides a group,
// PNG export downloads a PNG, and no console errors. Screenshots of each chart go to test-results/vis-*.png.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { openBrowser, artifacts } from "./browser.mjs";

let b;
let page;
let errors;
before(async () => {
  b = await openBrowser();
  ({ page, errors } = await b.newPage());
  await page.setViewportSize({ width: 1400, height: 1000 });
  await page.goto(`${b.base}/tour/`);
  await page.click("#cell-source button[name=demo]");
  await page.waitForSelector("body[data-tour=done]", { timeout: 90000 });
});
after(async () => { await b.close(); });

const CHARTS = ["vis-bar", "vis-pie", "vis-line"];
const TIMELINES = ["vis-timeline", "vis-result", "vis-app", "vis-ip", "vis-values", "vis-duration"];

/** Non-white pixels of a canvas (device pixels). */
const inked = (selector) => page.$eval(selector, (c) => {
  const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && (d[i] < 250 || d[i + 1] < 250 || d[i + 2] < 250)) n++;
  return n;
});

const value = (id) => page.$eval(`#cell-${id} .huntbook-timeline`, (el) => [el.value.start.getTime(), el.value.end.getTime()]);

test("every chart and timeline cell is drawn (non-blank canvases), with screenshots", async () => {
  fs.mkdirSync(artifacts, { recursive: true });
  for (const id of [...CHARTS, ...TIMELINES]) {
    const state = await page.$eval(`#cell-${id}`, (c) => [c.dataset.state, c.querySelector(".error")?.textContent]);
    assert.equal(state[0], "done", `${id}: ${state[1]}`);
    const n = await inked(`#cell-${id} canvas.huntbook-plot`);
    assert.ok(n > 2000, `${id}: ${n} drawn pixels`);
    await page.locator(`#cell-${id} .output`).screenshot({ path: path.join(artifacts, `${id}.png`) });
  }
  for (const id of TIMELINES) {
    const n = await inked(`#cell-${id} canvas.huntbook-range`);
    assert.ok(n > 500, `${id} range tool: ${n} drawn pixels`);
    const draw = await page.$eval(`#cell-${id} .huntbook-timeline`, (el) => el.lastDrawMs);
    assert.ok(draw > 0 && draw < 1000, `${id} drew in ${draw} ms`);
  }
  // The bar chart's top bar is the most frequent IP of the sign-ins table shown by the ipcounts cell.
  const topIp = await page.$eval("#cell-ipcounts tbody tr td", (td) => td.textContent);
  const bars = await page.$eval("#cell-vis-bar .huntbook-chart", (el) => el.chart.bars.map((x) => x.label));
  assert.equal(bars[0], topIp);
  assert.equal(bars.length, 11, "top 10 and other");
  assert.equal(bars[10], "other");
  assert.deepEqual(errors, []);
});

test("hovering over a known event shows its UserPrincipalName (escaped text in the tooltip)", async () => {
  // Row 0 of the sign-ins table the timelines draw is shown by the signins-geo cell.
  const [time, upn] = await page.$eval("#cell-signins-geo tbody tr", (tr) => [tr.cells[0].textContent, tr.cells[1].textContent]);
  assert.match(upn, /@/);
  for (const id of ["vis-timeline", "vis-result"]) {
    const t = Date.parse(time);
    const p = await page.$eval(`#cell-${id} .huntbook-timeline`, (el, t) => {
      el.setRange(t - 2000, t + 2000);
      return el.pixelOf(0);
    }, t);
    assert.ok(p, `${id}: row 0 is drawn`);
    await page.locator(`#cell-${id} canvas.huntbook-plot`).scrollIntoViewIfNeeded();
    const box = await page.locator(`#cell-${id} canvas.huntbook-plot`).boundingBox();
    await page.mouse.move(box.x + p.x, box.y + p.y);
    const tip = page.locator(`#cell-${id} .huntbook-tooltip`);
    await tip.waitFor({ state: "visible", timeout: 5000 });
    const text = await tip.textContent();
    assert.ok(text.includes(upn), `${id} tooltip shows ${upn}: ${text}`);
    assert.ok(text.includes("TimeGenerated"), text);
    const vp = page.viewportSize();
    const clip = { x: Math.max(0, box.x - 10), y: Math.max(0, box.y - 10) };
    Object.assign(clip, { width: Math.min(vp.width - clip.x, 1100), height: Math.min(vp.height - clip.y, 500) });
    await page.screenshot({ path: path.join(artifacts, `${id}-hover.png`), clip });
    await page.mouse.move(box.x - 20, box.y - 20);
    await page.$eval(`#cell-${id} .huntbook-timeline`, (el) => el.reset());
  }
  assert.deepEqual(errors, []);
});

test("wheel zoom narrows the visible range about the pointer and emits input; drag pans", async () => {
  const id = "vis-result";
  await page.$eval(`#cell-${id} .huntbook-timeline`, (el) => {
    el.reset();
    window.__inputs = 0;
    el.addEventListener("input", () => window.__inputs++);
  });
  const [s0, e0] = await value(id);
  await page.locator(`#cell-${id} canvas.huntbook-plot`).scrollIntoViewIfNeeded();
  const box = await page.locator(`#cell-${id} canvas.huntbook-plot`).boundingBox();
  const g = await page.$eval(`#cell-${id} .huntbook-timeline`, (el) => el.geometry);
  await page.mouse.move(box.x + g.left + g.plotWidth / 2, box.y + g.top + g.plotHeight / 2);
  await page.mouse.wheel(0, -300);
  await page.waitForFunction(() => window.__inputs > 0);
  const [s1, e1] = await value(id);
  assert.ok(e1 - s1 < (e0 - s0) * 0.8, `zoomed in: ${e0 - s0} → ${e1 - s1}`);
  assert.ok(s1 > s0 && e1 < e0, "about the pointer in the middle");
  await page.locator(`#cell-${id} .output`).screenshot({ path: path.join(artifacts, "vis-zoomed.png") });
  // Drag right to pan to earlier times.
  const cx = box.x + g.left + g.plotWidth / 2;
  const cy = box.y + g.top + 5;
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  await page.mouse.move(cx + 100, cy, { steps: 5 });
  await page.mouse.up();
  const [s2, e2] = await value(id);
  assert.ok(s2 < s1 && Math.abs((e2 - s2) - (e1 - s1)) < 2, `panned: ${s1} → ${s2}`);
  assert.deepEqual(errors, []);
});

test("dragging the range tool's selection moves the visible range; edges resize it", async () => {
  const id = "vis-app";
  const el = `#cell-${id} .huntbook-timeline`;
  const [s0, e0] = await page.$eval(el, (x) => {
    const L = x.layout;
    const mid = (L.data_start_ms + L.data_end_ms) / 2;
    const span = (L.data_end_ms - L.data_start_ms) / 6;
    x.setRange(mid - span / 2, mid + span / 2);
    return [x.value.start.getTime(), x.value.end.getTime()];
  });
  const g = await page.$eval(el, (x) => x.geometry);
  const [a, bpx] = await page.$eval(el, (x) => [x.model.overviewPx(x.geometry.plotWidth, x.value.start.getTime()), x.model.overviewPx(x.geometry.plotWidth, x.value.end.getTime())]);
  await page.locator(`#cell-${id} canvas.huntbook-range`).scrollIntoViewIfNeeded();
  const box = await page.locator(`#cell-${id} canvas.huntbook-range`).boundingBox();
  const y = box.y + g.stripHeight / 2;
  const mid = box.x + g.left + (a + bpx) / 2;
  await page.mouse.move(mid, y);
  await page.mouse.down();
  await page.mouse.move(mid + 80, y, { steps: 4 });
  await page.mouse.up();
  const [s1, e1] = await value(id);
  assert.ok(s1 > s0 + 1000, `moved later: ${s0} → ${s1}`);
  assert.ok(Math.abs((e1 - s1) - (e0 - s0)) < 2, "same span");
  // Drag the right edge further right: the span grows.
  const right = await page.$eval(el, (x) => x.model.overviewPx(x.geometry.plotWidth, x.value.end.getTime()));
  await page.mouse.move(box.x + g.left + right, y);
  await page.mouse.down();
  await page.mouse.move(box.x + g.left + right + 40, y, { steps: 3 });
  await page.mouse.up();
  const [s2, e2] = await value(id);
  assert.ok(Math.abs(s2 - s1) < 2 && e2 > e1 + 1000, "resized at the right edge");
  await page.locator(`#cell-${id} .output`).screenshot({ path: path.join(artifacts, "vis-range-dragged.png") });
  assert.deepEqual(errors, []);
});

test("a legend click hides a group and a second click shows it again", async () => {
  const id = "vis-result";
  await page.$eval(`#cell-${id} .huntbook-timeline`, (el) => el.reset());
  const before = await inked(`#cell-${id} canvas.huntbook-plot`);
  const item = page.locator(`#cell-${id} .huntbook-legend li`).first();
  await item.click();
  assert.match(await item.getAttribute("class"), /huntbook-off/);
  const hidden = await inked(`#cell-${id} canvas.huntbook-plot`);
  assert.ok(hidden < before, `fewer pixels with a group hidden: ${before} → ${hidden}`);
  await page.locator(`#cell-${id} .output`).screenshot({ path: path.join(artifacts, "vis-legend-hidden.png") });
  await item.click();
  assert.equal(await inked(`#cell-${id} canvas.huntbook-plot`), before);
  assert.deepEqual(errors, []);
});

test("the PNG button downloads a PNG of the current view", async () => {
  const id = "vis-ip";
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.click(`#cell-${id} button[name=png]`),
  ]);
  const file = path.join(artifacts, `vis-export-${download.suggestedFilename()}`);
  await download.saveAs(file);
  const bytes = fs.readFileSync(file);
  assert.ok(bytes.length > 1000, `${bytes.length} bytes`);
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.match(download.suggestedFilename(), /\.png$/);
  assert.deepEqual(errors, []);
});

test("a timeline made before it is attached shows when appended; dispose frees it", async () => {
  const r = await page.evaluate(async () => {
    const huntbook = await import("/huntbook/index.js");
    const df = huntbook.readTables(JSON.stringify([
      { TimeGenerated: "2024-01-01T00:00:00Z", User: "<img src=x onerror=alert(1)>" },
      { TimeGenerated: "2024-01-01T01:00:00Z", User: "b" },
    ]), { format: "json" }).tables[0];
    const el = huntbook.timeline(df, { source_columns: ["User"], range_tool: false });
    const c = el.querySelector("canvas.huntbook-plot");
    const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] < 250) n++;
    document.body.append(el);
    el.scrollIntoView();
    const p = el.pixelOf(0);
    const rect = c.getBoundingClientRect();
    return { n, p, x: rect.x, y: rect.y, range: !!el.querySelector("canvas.huntbook-range") };
  });
  assert.ok(r.n > 100, "drawn before being attached");
  assert.equal(r.range, false);
  await page.mouse.move(r.x + r.p.x, r.y + r.p.y);
  const tip = page.locator("body > .huntbook-timeline .huntbook-tooltip");
  await tip.waitFor({ state: "visible" });
  assert.match(await tip.textContent(), /<img src=x onerror=alert\(1\)>/, "markup shown as text");
  assert.equal(await page.locator("body > .huntbook-timeline .huntbook-tooltip img").count(), 0);
  await page.evaluate(() => document.querySelector("body > .huntbook-timeline").dispose());
  assert.deepEqual(errors, []);
});

test("histogram and the chart options: drawn, and a wrong column says which ones exist", async () => {
  const r = await page.evaluate(async () => {
    const huntbook = await import("/huntbook/index.js");
    const df = (await huntbook.loadDemo()).table("CommonSecurityLog");
    const h = huntbook.histogram(df, "SentBytes", { bins: 20, title: "SentBytes" });
    const c = h.querySelector("canvas.huntbook-plot");
    const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] < 250 || d[i + 1] < 250 || d[i + 2] < 250) n++;
    let message = "";
    try { huntbook.pieChart(df, "SourceIp"); } catch (e) { message = e.message; }
    let option = "";
    try { huntbook.barChart(df, "SourceIP", { topn: 3 }); } catch (e) { option = e.message; }
    const bars = huntbook.barChart(df, "SourceIP", { top_n: 3, include_other: false }).chart.bars.length;
    document.body.append(h);
    return { n, message, option, bins: h.chart.bins.length, bars };
  });
  assert.ok(r.n > 1000, `${r.n} drawn pixels`);
  assert.equal(r.bins, 20);
  assert.equal(r.bars, 3);
  assert.match(r.message, /SourceIp.*SourceIP/s);
  assert.match(r.option, /^barChart: unknown option 'topn' \(did you mean 'top_n'\?\)\. Options are: /);
  await page.locator("body > .huntbook-chart").last().screenshot({ path: path.join(artifacts, "vis-histogram.png") });
  assert.deepEqual(errors, []);
});
