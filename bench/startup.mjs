// Benchmark (issue #16): weight and cold start, huntbook beside DuckDB-Wasm (its eh build), in one run.
//
// Weight: the wasm each page downloads first, raw, gzip -9 (Node zlib) and brotli (quality 9, 16 MB window); huntbook's goal ≤ 3.0 MB gzip.
// Cold start: headless Chromium, a fresh browser context per run (empty HTTP cache), pages and files served from
// loopback by scripts/serve.mjs (`Content-Type: application/wasm`, so both compile while streaming). Times are from the page's
// navigation start (performance.now() in the page):
//   huntbook: `import()` of the package → `await init()` → `await loadDemo()` → the first demo table
//             (`SigninLogs | take 20`, `toElement()` appended) painted (the next animation frame);
//   DuckDB:   `import()` of its ES module → `await db.instantiate()` (worker + wasm) → the first query result
//             (`select 42`) → that result painted as a table.
// A second huntbook page adds the two preload hints README's "Loading huntbook" gives pages (the wasm's and the
// demo file's downloads start with the page). Each huntbook page also reports its phases from Resource Timing (the
// package's module files, the wasm's and the demo file's downloads) beside the steps, and one warm page after the
// cold runs splits loadDemo() (download, gunzip, JSON, each table's first read).
// Goals (medians of RUNS contexts): huntbook init ≤ 300 ms and first table on screen ≤ 400 ms from page start.
// Env: STARTUP_RUNS=5; STARTUP_WEIGHT=0 skips the weight table (its brotli of DuckDB's wasm takes a minute).
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { fileURLToPath } from "node:url";
import { launchChromium } from "../tests/e2e/browser.mjs";
import { startServer } from "../scripts/serve.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..");
const RUNS = Number(process.env.STARTUP_RUNS ?? 5);
const MB = 1_000_000;

const median = (xs) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (x) => `${Math.round(x)} ms`;
const verdict = (ok) => (ok ? "met" : "NOT met");

// ---- weight ----
function weight(file) {
  const bytes = fs.readFileSync(file);
  const gz = zlib.gzipSync(bytes, { level: 9 }).length;
  // brotli at quality 9 with a 16 MB window: quality 11 takes minutes on DuckDB's 34 MB wasm on this machine
  const br = zlib.brotliCompressSync(bytes, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 9,
    [zlib.constants.BROTLI_PARAM_LGWIN]: 24, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }).length;
  return { raw: bytes.length, gz, br };
}
const fmtMB = (b) => `${(b / MB).toFixed(2)} MB`;
if (process.env.STARTUP_WEIGHT !== "0") {
const hbWasm = weight(path.join(root, "dist", "huntbook", "huntbook_wasm_bg.wasm"));
const duckDir = path.join(root, "node_modules", "@duckdb", "duckdb-wasm", "dist");
const duckWasm = weight(path.join(duckDir, "duckdb-eh.wasm"));
console.log("Weight: the wasm a page downloads first (gzip -9 / brotli q9)");
console.log("| module | raw | gzip | brotli |");
console.log("|---|---:|---:|---:|");
for (const [name, w] of [["huntbook_wasm_bg.wasm", hbWasm], ["DuckDB-Wasm duckdb-eh.wasm", duckWasm]]) {
  console.log(`| ${name} | ${fmtMB(w.raw)} | ${fmtMB(w.gz)} | ${fmtMB(w.br)} |`);
}
console.log(`huntbook wasm gzip ${fmtMB(hbWasm.gz)} (goal ≤ 3.00 MB): ${verdict(hbWasm.gz <= 3 * MB)}; ` +
  `DuckDB-Wasm's is ${(duckWasm.gz / hbWasm.gz).toFixed(2)}× huntbook's`);
}

// ---- cold start ----
// The second huntbook page is the same plus the preload hints README's "Loading huntbook" gives pages: the wasm's
// (and the demo file's) download starts with the page instead of after the package's module is imported.
const PRELOAD = `<link rel="preload" href="/huntbook/huntbook_wasm_bg.wasm" as="fetch" type="application/wasm" crossorigin>
<link rel="preload" href="/huntbook/huntbook_demo.la.json.gz" as="fetch" crossorigin>`;
const hbPage = (head) => `<!doctype html><meta charset="utf-8">${head}<body><script type="module">
const m = {};
const hb = await import("/huntbook/index.js"); m.import = performance.now();
await hb.init(); m.init = performance.now();
const qp = await hb.loadDemo(); m.demo = performance.now();
const df = await qp.query("SigninLogs | take 20"); m.queryEnd = performance.now();
document.body.append(df.toElement());
await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
m.table = performance.now();
m.rows = document.querySelectorAll("tbody tr").length;
m.tableHTML = document.body.lastElementChild.outerHTML;
m.css = document.getElementById("huntbook-style")?.textContent;
// phases from the Resource Timing entries: the package's modules, the wasm and the demo file
const res = performance.getEntriesByType("resource");
const js = res.filter((e) => e.name.includes("/huntbook/") && e.name.endsWith(".js"));
const one = (end) => res.find((e) => e.name.endsWith(end));
const wasmE = one(".wasm"), demoE = one("demo.la.json.gz");
m.modules = js.length;
m.modulesEnd = Math.max(...js.map((e) => e.responseEnd));
m.wasmStart = wasmE?.startTime; m.wasmEnd = wasmE?.responseEnd;
m.demoStart = demoE?.startTime; m.demoEnd = demoE?.responseEnd;
window.__done = m;
</script>`;
const HB_PAGE = hbPage("");
const HB_PRELOAD_PAGE = hbPage(PRELOAD);
const DUCK_PAGE = `<!doctype html><meta charset="utf-8"><body><script type="module">
const m = {};
const duckdb = await import("/npm/@duckdb/duckdb-wasm/+esm"); m.import = performance.now();
const dist = new URL("/npm/@duckdb/duckdb-wasm/dist/", location.href).href;
const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), new Worker(dist + "duckdb-browser-eh.worker.js"));
await db.instantiate(dist + "duckdb-eh.wasm"); m.init = performance.now();
const conn = await db.connect();
const res = await conn.query("select 42 as x, 'SigninLogs' as t");
m.demo = performance.now();
const table = document.createElement("table");
for (const row of res.toArray()) {
  const tr = table.insertRow();
  for (const v of Object.values(row.toJSON())) tr.insertCell().textContent = String(v);
}
document.body.append(table);
await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
m.table = performance.now();
m.rows = table.rows.length;
window.__done = m;
</script>`;

// The machine's floors, for the goals: a page that only downloads the wasm (no compile), and a page without huntbook
// that only paints the first table's element (the HTML and stylesheet the huntbook page showed).
const FETCH_PAGE = `<!doctype html><meta charset="utf-8"><body><script type="module">
const m = {};
await (await fetch("/huntbook/huntbook_wasm_bg.wasm")).arrayBuffer(); m.fetched = performance.now();
const e = performance.getEntriesByType("resource").find((e) => e.name.endsWith(".wasm"));
m.wasmStart = e.startTime; m.wasmEnd = e.responseEnd;
window.__done = m;
</script>`;
const paintPage = (html, css) => `<!doctype html><meta charset="utf-8"><body><script type="module">
const m = {};
const style = document.createElement("style"); style.textContent = ${JSON.stringify(css)}; document.head.append(style);
const t = performance.now();
const div = document.createElement("div"); div.innerHTML = ${JSON.stringify(html)}; document.body.append(div);
await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
m.paint = performance.now() - t;
m.rows = document.querySelectorAll("tbody tr").length;
window.__done = m;
</script>`;

// Where loadDemo()'s time goes (one warm page after the cold runs, so it is not in their numbers): the download,
// gunzip (the browser's DecompressionStream, for comparison), JSON.parse of the whole text (JS, for comparison),
// loadDemo() itself, and Rust's parse of each table alone (readTables of that table's JSON).
const PHASES_PAGE = `<!doctype html><meta charset="utf-8"><body><script type="module">
const m = {};
const hb = await import("/huntbook/index.js");
await hb.init();
let t = performance.now();
const gz = new Uint8Array(await (await fetch("/huntbook/huntbook_demo.la.json.gz")).arrayBuffer());
m.fetch = performance.now() - t; t = performance.now();
const text = await new Response(new Blob([gz]).stream().pipeThrough(new DecompressionStream("gzip"))).text().catch(() => null);
m.gunzip = performance.now() - t; t = performance.now();
let json = null;
try { json = JSON.parse(text); } catch {}
m.jsonParse = json ? performance.now() - t : NaN;
if (!json) m.gunzip = NaN;
m.mb = json ? text.length / 1e6 : NaN;
t = performance.now();
const demo = await hb.loadDemo();
m.loadDemo = performance.now() - t; t = performance.now();
demo.query("SigninLogs | take 20");
m.firstQuery = performance.now() - t;
// each table's first use (the lazy read of it; nothing left to read when loadDemo() read them all)
m.firstUse = demo.tables.map((name) => {
  const t0 = performance.now();
  demo.table(name).free();
  return [name, Math.round(performance.now() - t0)];
});
// Rust's parse of each table's JSON alone (readTables)
m.tables = (json?.tables ?? []).map((tb) => {
  const one = JSON.stringify({ tables: [tb] });
  const t0 = performance.now();
  hb.readTables(one).tables[0].free();
  return [tb.name, (one.length / 1e6).toFixed(1) + " MB", Math.round(performance.now() - t0)];
});
window.__done = m;
</script>`;

// The pages are served by the same loopback server as the package (not fulfilled by the test driver: Playwright's
// request interception puts a round trip to it before every request of the page, ~60 ms on this machine).
const pages = { huntbook: HB_PAGE, preload: HB_PRELOAD_PAGE, duckdb: DUCK_PAGE, phases: PHASES_PAGE, fetch: FETCH_PAGE };
const served = Object.fromEntries(Object.entries(pages).map(([k, v]) => [`/bench-${k}.html`, v]));
const server = await startServer({ port: 0, pages: served });
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await launchChromium();
const offLoopback = new Set();
async function coldRun(name) {
  const context = await browser.newContext(); // a fresh context: empty HTTP and code caches
  const page = await context.newPage();
  page.on("request", (r) => { if (!r.url().startsWith(base) && !r.url().startsWith("data:")) offLoopback.add(r.url()); });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(`${base}/bench-${name}.html`);
  const m = await page.waitForFunction(() => window.__done, null, { timeout: 60_000 }).then((h) => h.jsonValue())
    .catch((e) => { throw new Error(`${name}: ${errors.join("; ") || e.message}`); });
  await context.close();
  return m;
}
// Warm the server's one-off esbuild bundle of DuckDB's module so its build time is not counted.
await fetch(`${base}/npm/@duckdb/duckdb-wasm/+esm`).then((r) => r.text());
const runs = { huntbook: [], preload: [], duckdb: [], fetch: [], paint: [] };
for (let i = 0; i < RUNS; i++) {
  runs.huntbook.push(await coldRun("huntbook"));
  runs.preload.push(await coldRun("preload"));
  runs.duckdb.push(await coldRun("duckdb"));
  runs.fetch.push(await coldRun("fetch"));
  served["/bench-paint.html"] = paintPage(runs.huntbook.at(-1).tableHTML, runs.huntbook.at(-1).css);
  runs.paint.push(await coldRun("paint"));
}
const phases = await coldRun("phases");
await browser.close();
await new Promise((r) => server.close(r));

const med = (name, k) => median(runs[name].map((m) => m[k]));
const steps = (name) => ({ import: med(name, "import"), init: med(name, "init"), demo: med(name, "demo"), table: med(name, "table") });
const hb = steps("huntbook");
const pre = steps("preload");
const dk = steps("duckdb");
console.log(`\nCold start in headless Chromium, fresh context each run, from page start (medians of ${RUNS}):`);
console.log("| step | huntbook | huntbook, page with preload hints | DuckDB-Wasm |");
console.log("|---|---:|---:|---:|");
console.log(`| module imported | ${ms(hb.import)} | ${ms(pre.import)} | ${ms(dk.import)} |`);
console.log(`| init() / instantiate() resolved | ${ms(hb.init)} | ${ms(pre.init)} | ${ms(dk.init)} |`);
console.log(`| loadDemo() / first query result | ${ms(hb.demo)} | ${ms(pre.demo)} | ${ms(dk.demo)} |`);
console.log(`| first table on screen | ${ms(hb.table)} | ${ms(pre.table)} | ${ms(dk.table)} |`);
console.log(`\nloadDemo() in one warm page: fetch ${ms(phases.fetch)}, DecompressionStream gunzip ` +
  (Number.isFinite(phases.gunzip) ? `of ${phases.mb.toFixed(1)} MB ${ms(phases.gunzip)}, JS JSON.parse ${ms(phases.jsonParse)}` : "n/a (it failed)") +
  `; loadDemo() ${ms(phases.loadDemo)}, then the first query (SigninLogs | take 20) ${ms(phases.firstQuery)}; ` +
  `each table's first use after it: ${phases.firstUse.map(([n, t]) => `${n} ${t} ms`).join(", ")}` +
  (phases.tables.length ? `; Rust parse per table (readTables of its JSON): ${phases.tables.map(([n, size, t]) => `${n} ${size} ${t} ms`).join(", ")}` : ""));
for (const name of ["huntbook", "preload"]) {
  const p = (k) => med(name, k);
  console.log(`\n${name === "preload" ? "huntbook with preload hints" : "huntbook"} phases (medians, ms from page start): ` +
    `${runs[name][0].modules} module file(s) fetched by ${ms(p("modulesEnd"))}, imported ${ms(p("import"))}; ` +
    `wasm fetch ${ms(p("wasmStart"))} → ${ms(p("wasmEnd"))}, init() resolved ${ms(p("init"))}; ` +
    `demo file fetch ${ms(p("demoStart"))} → ${ms(p("demoEnd"))}, loadDemo() resolved ${ms(p("demo"))}; ` +
    `first query ${ms(p("queryEnd"))}; painted ${ms(p("table"))}`);
}
console.log(`\nThe machine's floors (medians, fresh contexts): a page that only downloads the wasm (no compile) has it ` +
  `${ms(med("fetch", "wasmStart"))} → ${ms(med("fetch", "wasmEnd"))} from its start (${ms(med("fetch", "wasmEnd") - med("fetch", "wasmStart"))}); ` +
  `a page without huntbook that only shows the first table's element (same HTML and stylesheet) paints it in ` +
  `${ms(med("paint", "paint"))}`);
for (const name of ["huntbook", "preload", "duckdb", "paint"]) {
  const want = name === "duckdb" ? 1 : 20;
  if (runs[name].some((m) => m.rows !== want)) throw new Error(`wrong table on screen (${name}): ${runs[name].map((m) => m.rows)} rows`);
}
for (const [what, st] of [["huntbook", hb], ["huntbook (page with preload hints)", pre]]) {
  console.log(`${what} init ${ms(st.init)} (goal ≤ 300 ms): ${verdict(st.init <= 300)}; ` +
    `first table on screen ${ms(st.table)} (goal ≤ 400 ms): ${verdict(st.table <= 400)}`);
}
console.log(`DuckDB-Wasm instantiate → first result ${ms(dk.demo - dk.import)}, huntbook init → first table ${ms(hb.table - hb.import)}`);
if (offLoopback.size) throw new Error(`requests left loopback: ${[...offLoopback].join(", ")}`);
