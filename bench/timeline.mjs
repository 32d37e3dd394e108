// Benchmark (issue #6, item 3): the event timeline, huntbook vs msticpy's Bokeh timeline, in one headless Chromium,
// in the same run, on the same data (10^4, 10^5, 10^6 sign-ins from one CSV file per size).
//
//   huntbook: dist/huntbook in a page; the CSV → a DataFrame with huntbook.readTables (timed apart), then
//             huntbook.timeline(df, {group_by, source_columns, ...}) appended to the page, and el.setRange(...) to zoom.
//   msticpy:  bench/timeline_bokeh.py (pandas 2.2.3 + msticpy 3.0.2 + Bokeh from bench/.venv) reads the same CSV and
//             saves display_timeline's plot as standalone HTML with BokehJS inlined; the page is opened and its
//             x_range set to the same zoom windows.
//
// Goals at 10^6 events: huntbook first draw ≤ 300 ms, zoom redraw ≤ 50 ms. Prints the ratio to Bokeh.
// Nothing leaves loopback: every non-loopback request is aborted (and counted).
//
// Env: TIMELINE_NS=10000,100000 (sizes), TIMELINE_TIMEOUT_S=180 (per Bokeh measurement),
//      TIMELINE_SCREENSHOTS=1 (PNG of both plots per size into bench/.out/).
import { execFile } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { launchChromium } from "../tests/e2e/browser.mjs";
import { ensureSignins, START, SPAN_MS, GROUP_BY, SOURCE_COLUMNS } from "./timeline_data.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..");
const outDir = path.join(here, ".out");
const dist = path.join(root, "dist", "huntbook");
const NS = (process.env.TIMELINE_NS ?? "10000,100000,1000000").split(",").map(Number);
const TIMEOUT_MS = Number(process.env.TIMELINE_TIMEOUT_S ?? 180) * 1000;
const PY_TIMEOUT_MS = 300_000;
const SCREENSHOTS = process.env.TIMELINE_SCREENSHOTS === "1";
const HB_DRAW_RUNS = 5;
const bokehRuns = (n) => (n >= 1e6 ? 2 : 3);
// Zoom windows, as fractions of the data's 30 days; each is applied in turn (twice over) and every redraw timed.
const ZOOMS = [[0.25, 0.75], [0.4, 0.6], [0.45, 0.55], [0.49, 0.51], [0.1, 0.9], [0, 1]];
const zoomWindows = [...ZOOMS, ...ZOOMS].map(([a, b]) => [START + a * SPAN_MS, START + b * SPAN_MS]);

fs.mkdirSync(outDir, { recursive: true });
const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmtMs = (ms) => (Number.isFinite(ms) ? `${ms < 10 ? ms.toFixed(2) : ms < 1000 ? ms.toFixed(1) : ms.toFixed(0)} ms` : "—");
const withTimeout = (p, ms, what) =>
  Promise.race([p, new Promise((_, rej) => setTimeout(() => rej(new Error(`timeout: ${what} > ${ms / 1000} s`)), ms).unref())]);

// ---- a loopback static server: /huntbook/ → dist/huntbook, /out/ → bench/.out, /page.html ----
const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".wasm": "application/wasm",
  ".json": "application/json", ".csv": "text/csv", ".css": "text/css" };
function safeJoin(base, rel) {
  const p = path.resolve(base, "." + path.posix.normalize("/" + rel));
  return p.startsWith(base) ? p : null;
}
const server = http.createServer((req, res) => {
  const p = decodeURIComponent(new URL(req.url, "http://x").pathname);
  let file = null;
  if (p === "/page.html") file = path.join(here, "timeline_page.html");
  else if (p.startsWith("/huntbook/")) file = safeJoin(dist, p.slice("/huntbook/".length));
  else if (p.startsWith("/out/")) file = safeJoin(outDir, p.slice("/out/".length));
  if (!file || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
    res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    return;
  }
  res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream",
    "content-length": fs.statSync(file).size, "cache-control": "no-store" });
  fs.createReadStream(file).pipe(res);
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const base = `http://127.0.0.1:${server.address().port}`;

// ---- Python: msticpy's timeline → standalone Bokeh HTML (once per size, every run) ----
function bokehHtml(csv, html) {
  const py = path.join(here, ".venv", "bin", "python");
  return new Promise((resolve) => {
    execFile(py, [path.join(here, "timeline_bokeh.py"), csv, html, GROUP_BY, ...SOURCE_COLUMNS],
      { timeout: PY_TIMEOUT_MS, maxBuffer: 1 << 24, encoding: "utf8" }, (err, stdout, stderr) => {
        if (err) resolve({ error: err.killed ? `> ${PY_TIMEOUT_MS / 1000} s (did not finish)` : String(stderr || err).trim().split("\n").pop() });
        else resolve(JSON.parse(stdout.trim().split("\n").pop()));
      });
  });
}

// ---- the browser ----
const browser = await launchChromium();
let blocked = 0;
async function newPage() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.route("**/*", (route) => {
    const u = new URL(route.request().url());
    if (u.protocol === "data:" || u.protocol === "blob:" || u.hostname === "127.0.0.1") return route.continue();
    blocked++;
    return route.abort();
  });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  return { page, context, errors };
}

// In every Bokeh page, before its scripts: wait for the Bokeh document, then for its `idle` signal (every root view
// has been built and painted once), then for the first task after that frame.
const BOKEH_PROBE = () => {
  const b = (window.__bench = { t: {}, drawn: false });
  const poll = () => {
    const doc = window.Bokeh?.documents?.[0];
    if (!doc) return void setTimeout(poll, 1);
    b.t.doc ??= performance.now();
    const done = () => {
      if (b.t.idle) return;
      b.t.idle = performance.now();
      setTimeout(() => { b.t.painted = performance.now(); b.drawn = true; }, 0);
    };
    doc.idle.connect(done);
    const check = () => {
      if (b.t.idle) return;
      if (doc.roots().length && doc.is_idle) done();
      else setTimeout(check, 1);
    };
    check();
  };
  poll();
};

async function bokehFirstDraw(url) {
  const { page, context, errors } = await newPage();
  await page.addInitScript(BOKEH_PROBE);
  try {
    await withTimeout((async () => {
      await page.goto(url, { waitUntil: "commit", timeout: TIMEOUT_MS });
      await page.waitForFunction(() => window.__bench?.drawn, null, { timeout: TIMEOUT_MS, polling: 50 });
    })(), TIMEOUT_MS, "Bokeh first draw");
    const r = await page.evaluate(() => {
      const nav = performance.getEntriesByType("navigation")[0];
      return { ...window.__bench.t, responseEnd: nav.responseEnd, domContentLoaded: nav.domContentLoadedEventEnd };
    });
    return { page, context, errors, ...r };
  } catch (e) {
    await context.close().catch(() => {});
    return { error: String(e.message ?? e), errors };
  }
}

async function bokehZooms(page, windows) {
  return page.evaluate(async (windows) => {
    const doc = window.Bokeh.documents[0];
    const xr = doc.get_model_by_name("bench_x_range");
    const plot = doc.get_model_by_name("bench_plot");
    const view = window.Bokeh.index.find_one(plot);
    if (!xr || !view?.repainted) throw new Error("bench_x_range / the plot view not found");
    const out = [];
    const { width, height } = view.frame.bbox;
    for (const [start, end] of windows) {
      await new Promise((r) => setTimeout(r, 100));
      const t0 = performance.now();
      const repainted = new Promise((res) => {
        const slot = () => { view.repainted.disconnect(slot); res(); };
        view.repainted.connect(slot);
      });
      xr.setv({ start, end });
      await repainted;
      const paint = performance.now() - t0;
      await new Promise((r) => setTimeout(r, 0));
      out.push({ total: performance.now() - t0, paint, ok: xr.start === start && xr.end === end });
    }
    return { zooms: out, frame: [Math.round(width), Math.round(height)] };
  }, windows);
}

async function huntbookRun(csvUrl, opts, { drawRuns = HB_DRAW_RUNS, windows = zoomWindows } = {}) {
  const { page, context, errors } = await newPage();
  try {
    await page.goto(`${base}/page.html`);
    const version = await page.evaluate(() => window.hbReady);
    const r = await withTimeout(page.evaluate(async ({ csvUrl, opts, windows, drawRuns }) => {
      const hb = window.hb;
      const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
      let t0 = performance.now();
      const bytes = new Uint8Array(await (await fetch(csvUrl)).arrayBuffer());
      const fetchMs = performance.now() - t0;
      const loads = [];
      let df = null;
      for (let i = 0; i < 3; i++) {
        df?.free();
        t0 = performance.now();
        df = hb.readTables(bytes, { name: "signins", format: "csv" }).tables[0];
        loads.push(performance.now() - t0);
      }
      const shape = df.shape;
      const dtypes = df.dtypes;
      if (typeof hb.timeline !== "function") return { fetchMs, loads, shape, dtypes, missing: true };
      const draws = [];
      let el = null;
      for (let i = 0; i < drawRuns; i++) {
        if (el) { el.dispose?.(); el.remove(); el = null; }
        await sleep(100);
        t0 = performance.now();
        el = hb.timeline(df, opts);
        document.body.append(el);
        const sync = performance.now() - t0;
        await frame();
        for (let k = 0; k < 5 && !(el.lastDrawMs > 0); k++) await frame(); // in case a draw is ever deferred
        draws.push({ total: performance.now() - t0, sync, lastDrawMs: el.lastDrawMs });
      }
      const zooms = [];
      for (const [start, end] of windows) {
        await sleep(100);
        t0 = performance.now();
        el.setRange(start, end);
        const sync = performance.now() - t0;
        const lastDrawMs = el.lastDrawMs;
        await frame();
        const v = el.value;
        zooms.push({ total: performance.now() - t0, sync, lastDrawMs,
          ok: Math.abs(+v.start - start) < 1 && Math.abs(+v.end - end) < 1 });
      }
      const box = (el.querySelector("canvas.huntbook-plot") ?? el.querySelector("canvas"))?.getBoundingClientRect();
      return { fetchMs, loads, shape, dtypes, draws, zooms, canvas: box ? [Math.round(box.width), Math.round(box.height)] : null };
    }, { csvUrl, opts, windows, drawRuns }), TIMEOUT_MS, "huntbook");
    return { page, context, errors, version, ...r };
  } catch (e) {
    await context.close().catch(() => {});
    return { error: String(e.message ?? e), errors };
  }
}

// ---- run ----
const results = [];
const chromiumVersion = browser.version();
let pyInfo = null;
for (const n of NS) {
  const csv = ensureSignins(n, path.join(outDir, `signins_v1_${n}.csv`));
  const htmlName = `bokeh_${n}.html`;
  process.stderr.write(`timeline bench: ${n.toLocaleString("en-US")} events: msticpy → Bokeh HTML… `);
  const py = await bokehHtml(csv, path.join(outDir, htmlName));
  if (!py.error) pyInfo = py;
  process.stderr.write(py.error ? `failed: ${py.error}\n` : `${(py.html_bytes / 1e6).toFixed(1)} MB; browser… `);
  const row = { n, csvBytes: fs.statSync(csv).size, py, bokeh: { draws: [], zooms: [] }, hb: null };

  // huntbook: same CSV, same plot size as msticpy's figure.
  const opts = { time_column: "TimeGenerated", group_by: GROUP_BY, source_columns: SOURCE_COLUMNS, title: "Sign-ins",
    width: py.plot_width ?? 900, height: py.plot_height ?? undefined, range_tool: true };
  // The first timeline in a fresh page (wasm code not yet tiered up, like Bokeh's fresh page) is the "first draw":
  // one per page over HB_DRAW_RUNS pages; the last page also times later (warm) draws and the zooms.
  const cold = [];
  for (let i = 1; i < HB_DRAW_RUNS; i++) {
    const one = await huntbookRun(`${base}/out/signins_v1_${n}.csv`, opts, { drawRuns: 1, windows: [] });
    if (one.page) await one.context.close();
    if (one.draws?.length) cold.push(one.draws[0]);
  }
  const hb = await huntbookRun(`${base}/out/signins_v1_${n}.csv`, opts);
  if (hb.draws?.length) {
    cold.push(hb.draws[0]);
    hb.warmDraws = hb.draws.slice(1);
    hb.draws = cold;
  }
  row.hb = hb;
  if (hb.page) {
    if (SCREENSHOTS && !hb.missing) await hb.page.screenshot({ path: path.join(outDir, `huntbook_${n}.png`) });
    await hb.context.close();
  }

  // Bokeh: first draw (a fresh page each run), then the zooms on the last page.
  if (!py.error) {
    for (let i = 0; i < bokehRuns(n); i++) {
      const r = await bokehFirstDraw(`${base}/out/${htmlName}`);
      if (r.error) {
        row.bokeh.error = r.error;
        break;
      }
      row.bokeh.draws.push(r);
      if (i === bokehRuns(n) - 1) {
        try {
          const z = await withTimeout(bokehZooms(r.page, zoomWindows), TIMEOUT_MS, "Bokeh zooms");
          row.bokeh.zooms = z.zooms;
          row.bokeh.frame = z.frame;
          if (SCREENSHOTS) await r.page.screenshot({ path: path.join(outDir, `bokeh_${n}.png`) });
        } catch (e) {
          row.bokeh.zoomError = String(e.message ?? e);
        }
      }
      row.bokeh.errors = r.errors;
      await r.context.close().catch(() => {});
    }
  }
  process.stderr.write("done\n");
  results.push(row);
}
await browser.close();
server.close();

// ---- report ----
const pad = (s, w) => String(s).padStart(w);
const ratio = (bokeh, hb) => (Number.isFinite(bokeh) && Number.isFinite(hb) && hb > 0 ? `${(bokeh / hb).toFixed(bokeh / hb >= 10 ? 0 : 1)}×` : "—");
const v = pyInfo ?? {};
console.log(`\nEvent timeline, ${results.map((r) => r.n.toLocaleString("en-US")).join(" / ")} sign-ins (same CSV both sides), headless Chromium ${chromiumVersion}`);
console.log(`  huntbook.timeline (wasm + canvas) vs msticpy ${v.msticpy ?? "?"} display_timeline → Bokeh ${v.bokeh ?? "?"} (standalone HTML, BokehJS inline)`);
console.log(`  ${"events".padStart(10)}  ${"first draw: huntbook".padStart(21)} ${"Bokeh".padStart(11)} ${"ratio".padStart(6)}   ${"zoom redraw: huntbook".padStart(22)} ${"Bokeh".padStart(10)} ${"ratio".padStart(6)}`);
const summary = [];
for (const r of results) {
  const hbDraw = median((r.hb.draws ?? []).map((d) => d.total));
  const hbZoom = median((r.hb.zooms ?? []).map((d) => d.total));
  const bkDraw = median(r.bokeh.draws.map((d) => d.painted));
  const bkZoom = median(r.bokeh.zooms.map((d) => d.total));
  const to = `> ${TIMEOUT_MS / 1000} s (did not finish)`;
  const bkDrawS = r.py.error ? "no HTML" : r.bokeh.error && !r.bokeh.draws.length ? to : fmtMs(bkDraw);
  const bkZoomS = r.bokeh.zoomError ? to : fmtMs(bkZoom);
  const hbDrawS = r.hb.error ? "error" : r.hb.missing ? "not built" : fmtMs(hbDraw);
  const hbZoomS = r.hb.error ? "error" : r.hb.missing ? "not built" : fmtMs(hbZoom);
  const bkDrawR = Number.isFinite(bkDraw) ? ratio(bkDraw, hbDraw) : r.bokeh.error && hbDraw > 0 ? `> ${(TIMEOUT_MS / hbDraw).toFixed(0)}×` : "—";
  const bkZoomR = Number.isFinite(bkZoom) ? ratio(bkZoom, hbZoom) : r.bokeh.zoomError && hbZoom > 0 ? `> ${(TIMEOUT_MS / hbZoom).toFixed(0)}×` : "—";
  console.log(`  ${pad(r.n.toLocaleString("en-US"), 10)}  ${pad(hbDrawS, 21)} ${pad(bkDrawS, 11)} ${pad(bkDrawR, 6)}   ${pad(hbZoomS, 22)} ${pad(bkZoomS, 10)} ${pad(bkZoomR, 6)}`);
  summary.push({ r, hbDraw, hbZoom, bkDraw, bkZoom });
}
const big = summary.find((s) => s.r.n === 1e6);
if (big) {
  const goal = (x, lim) => (Number.isFinite(x) ? (x <= lim ? "met" : "NOT met") : "not measured");
  console.log(`  goal at 10^6: huntbook first draw ≤ 300 ms: ${goal(big.hbDraw, 300)} (${fmtMs(big.hbDraw)}); zoom redraw ≤ 50 ms: ${goal(big.hbZoom, 50)} (${fmtMs(big.hbZoom)})`);
}
console.log(`  also measured (medians):`);
for (const { r } of summary) {
  const n = r.n.toLocaleString("en-US");
  const hb = r.hb;
  if (hb.error) console.log(`    ${pad(n, 10)}  huntbook error: ${hb.error} ${hb.errors?.join(" | ") ?? ""}`);
  else {
    const parts = [`CSV ${(r.csvBytes / 1e6).toFixed(1)} MB → table (readTables) ${fmtMs(median(hb.loads))}`];
    if (!hb.missing) {
      parts.push(`lastDrawMs first ${fmtMs(median(hb.draws.map((d) => d.lastDrawMs)))}, zoom ${fmtMs(median(hb.zooms.map((d) => d.lastDrawMs)))}`);
      if (hb.warmDraws?.length) parts.push(`a later timeline in the same page ${fmtMs(median(hb.warmDraws.map((d) => d.total)))}`);
      const both = median(hb.loads) + median(hb.draws.map((d) => d.total));
      const bk = median(r.bokeh.draws.map((d) => d.painted));
      parts.push(`CSV → table + first draw ${fmtMs(both)}${Number.isFinite(bk) ? ` (Bokeh page open → drawn is ${ratio(bk, both)} that)` : ""}`);
      const bad = hb.zooms.filter((z) => !z.ok).length;
      if (bad) parts.push(`${bad} zooms did not reach the asked range!`);
    }
    console.log(`    ${pad(n, 10)}  huntbook: ${parts.join("; ")}`);
  }
  if (r.py.error) console.log(`    ${pad(n, 10)}  msticpy → HTML failed: ${r.py.error}`);
  else {
    const p = r.py;
    console.log(`    ${pad(n, 10)}  Bokeh page: HTML ${(p.html_bytes / 1e6).toFixed(1)} MB, downloaded ${fmtMs(median(r.bokeh.draws.map((d) => d.responseEnd)))}, ` +
      `DOMContentLoaded ${fmtMs(median(r.bokeh.draws.map((d) => d.domContentLoaded)))}, document built ${fmtMs(median(r.bokeh.draws.map((d) => d.doc)))}, ` +
      `then views + first paint ${fmtMs(median(r.bokeh.draws.map((d) => d.painted - d.doc)))}, ` +
      `zoom paint alone ${fmtMs(median(r.bokeh.zooms.map((d) => d.paint)))}` +
      (r.bokeh.zooms.some((z) => !z.ok) ? "; SOME ZOOMS DID NOT APPLY" : "") + (r.bokeh.errors?.length ? `; page errors: ${r.bokeh.errors.slice(0, 2).join(" | ")}` : ""));
    console.log(`    ${pad(n, 10)}  Python (not compared): read_csv ${fmtMs(p.read_csv_ms)}, display_timeline ${fmtMs(p.display_timeline_ms)}, file_html ${fmtMs(p.file_html_ms)}`);
  }
}
const sizes = results.map((r) => `huntbook ${r.hb.canvas?.join("×") ?? "?"}, Bokeh ${r.bokeh.frame?.join("×") ?? "?"}`);
console.log(`  plot areas (CSS px): ${[...new Set(sizes)].join("; ")} (huntbook's plot canvas includes its axes)`);
const runsLine = `huntbook first draw median of ${HB_DRAW_RUNS} fresh pages, Bokeh first draw median of ${NS.map(bokehRuns).join("/")} page loads; zoom: median of ${zoomWindows.length} zooms each`;
console.log(`  runs: ${runsLine}; requests off loopback blocked: ${blocked}`);
console.log(`  definitions:
    first draw, huntbook: the first timeline in a fresh page: from calling huntbook.timeline(df, opts) on a loaded
      DataFrame, through appending the element, to the first task after the next animation frame (rAF → setTimeout 0),
      i.e. the frame that shows the plot. As in a notebook, the page called huntbook.init() and loaded the table first;
      init() warms the timeline code up on a small synthetic table once the page is quiet (option warmUp, default on),
      so the browser has optimised it by then.
    first draw, Bokeh: from navigation start (performance.now() = 0) to the first task after Bokeh's document signals
      \`idle\` (every root view built and painted once; Bokeh paints inside an animation frame) — it includes fetching and
      parsing the HTML, BokehJS and the embedded data, as opening msticpy's saved plot does.
    zoom redraw, huntbook: el.setRange(start, end) (redraws synchronously) to the first task after the next animation frame.
    zoom redraw, Bokeh: setting the main figure's x_range (start, end) to the first task after that plot view's
      \`repainted\` signal (Bokeh repaints in its next animation frame). Same zoom windows on both sides, 100 ms apart.
      (A mouse-wheel zoom in Bokeh first paints a downsampled level of detail, then this full repaint ~0.5 s later.)`);
