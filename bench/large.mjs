// Benchmark (issue #16, "the service's largest answer"): generated SigninLogs-shaped Log Analytics responses of
// 25,000 / 100,000 / 200,000 / 500,000 rows (20 columns: strings, two dynamic, a guid, datetimes, a bool, a long, two
// reals; bench/large_data.mjs) and the 500,000-row answer with all of SigninLogs' columns, each read into a table:
//
//   huntbook, Node   readTables(bytes of the file) — the one-shot reader; and QueryProvider("MSSentinel").execQuery
//                    against a loopback server that sends the file as the query's answer (the fetch body is read
//                    chunk by chunk into wasm memory; the text is never one JS string)
//   huntbook, Chromium the same execQuery in a headless page (500,000 rows)
//   pandas            bench/parse_pandas.py: json.loads + DataFrame, as msticpy does, on the same file
//
// Each huntbook figure comes from a fresh process (or page), so its peak wasm memory is the memory's size after the
// read (wasm memory only grows). Then, on the 500,000-row table: a KQL `summarize count() by` and the timeline's
// grouping (Node), a full timeline draw (Chromium). Prints every figure with its goal: linear scaling (ms per MB at
// the largest size within 1.5× of the smallest), ≥ 3× pandas at 500,000 rows, peak memory ≤ 3× the JSON size.
// The files go to $TMPDIR/huntbook-large (kept between runs, remade when the generator changes).
//
// Env: LARGE_ROWS=25000,100000,200000,500000  LARGE_ALL=1 (the all-columns answer)  LARGE_CHROMIUM=1
//      LARGE_DIST=<a built dist/huntbook> (default ../dist/huntbook)  LARGE_COMPARE=<another one>: readTables with that build too, in the same run (an A/B column)
import { execFileSync, spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { write } from "./large_data.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.resolve(process.env.LARGE_DIST ?? path.join(here, "..", "dist", "huntbook"));
const WS = "52b1ab41-869e-4138-9e40-2a4457f09bf0";
const MB = 1e6;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** A loopback server answering every Log Analytics query with `file`, written in 64 KiB pieces (as a socket would
 * deliver it). CORS is open so a page on another loopback port may ask. */
async function answerServer(file) {
  const server = http.createServer((req, res) => {
    const cors = { "access-control-allow-origin": "*", "access-control-allow-headers": "authorization, content-type, prefer" };
    if (req.method === "OPTIONS") { res.writeHead(204, cors); return res.end(); }
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json", "content-length": fs.statSync(file).size, ...cors });
      fs.createReadStream(file, { highWaterMark: 64 * 1024 }).pipe(res);
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return { server, base: `http://127.0.0.1:${server.address().port}` };
}

/** `answerServer` in a process of its own (so its reads and writes do not share the measured process's thread). */
async function answerProcess(file) {
  const p = spawn(process.execPath, [fileURLToPath(import.meta.url), "--serve", file], { stdio: ["ignore", "pipe", "inherit"] });
  const base = await new Promise((resolve) => p.stdout.once("data", (d) => resolve(String(d).trim())));
  return { base, server: { close: () => p.kill() } };
}
if (process.argv[2] === "--serve") {
  console.log((await answerServer(process.argv[3])).base);
  await new Promise(() => {});
}

// ---- child: one reader in a fresh wasm instance ---------------------------------------------------------------
// `node large.mjs --child <dist> <bytes|fetch> <file> <runs> <warm file> [analyse]` prints one JSON line.
if (process.argv[2] === "--child") {
  const [dist, mode, file, runsText, warmFile, analyse] = process.argv.slice(3);
  const hb = await import(pathToFileURL(path.join(dist, "index.js")));
  await hb.init({ warmUp: false });
  // the instance's exports (the package entry bundles the glue: importing huntbook_wasm.js would make a second one)
  const memory = hb.__internals.wasm.default;
  const mem = async () => (await memory()).memory.buffer.byteLength;
  let read;
  let server;
  // the file's bytes are read from disk before the clock starts, as parse_pandas.py reads its file before its clock
  // (reading the file is not reading the answer, and its time depends on what the page cache still holds)
  let load = (f) => f;
  if (mode === "bytes") {
    load = (f) => fs.readFileSync(f);
    read = async (bytes) => hb.readTables(bytes).tables[0];
  } else {
    server = await answerProcess(file);
    const warmServer = await answerProcess(warmFile);
    const qp = (base) => new hb.QueryProvider("MSSentinel").connect({ workspaceId: WS, baseUrl: base, getToken: () => "t", maxResponseBytes: 2 ** 32 });
    read = async (f) => qp(f === warmFile ? warmServer.base : server.base).execQuery("SigninLogs");
    server.warm = warmServer;
  }
  // warm-up (V8 tiers hot wasm code up after some calls): the small file, freed
  (await read(load(warmFile))).free();
  const base = await mem();
  const times = [];
  let shape;
  let df;
  for (let i = 0; i < Number(runsText); i++) {
    df?.free();
    const input = load(file);
    const t0 = performance.now();
    df = await read(input);
    times.push(performance.now() - t0);
    shape = df.shape;
  }
  const out = { times, shape, mem: await mem(), base };
  if (analyse) {
    const local = new hb.LocalData().addTable("SigninLogs", df);
    let t0 = performance.now();
    const counts = local.query("SigninLogs | summarize count() by AppDisplayName | sort by AppDisplayName asc");
    out.summarizeMs = performance.now() - t0;
    out.summarizeRows = counts.numRows;
    out.summarizeTotal = counts.toRows().reduce((a, r) => a + Number(r.count_), 0);
    t0 = performance.now();
    const model = hb.timelineModel(df, { time_column: "TimeGenerated", group_by: "ResultType", source_columns: ["UserPrincipalName", "IPAddress"] });
    out.timelineModelMs = performance.now() - t0;
    model.free?.();
    out.memAfter = await mem();
  }
  server?.server.close();
  server?.warm.server.close();
  console.log(JSON.stringify(out));
  process.exit(0);
}

// ---- the data --------------------------------------------------------------------------------------------------
const ROWS = (process.env.LARGE_ROWS ?? "25000,100000,200000,500000").split(",").map(Number);
const ALL = process.env.LARGE_ALL !== "0";
const CHROMIUM = process.env.LARGE_CHROMIUM !== "0";
const COMPARE = process.env.LARGE_COMPARE ? path.resolve(process.env.LARGE_COMPARE) : null;
const dir = path.join(os.tmpdir(), "huntbook-large");
fs.mkdirSync(dir, { recursive: true });
const stamp = crypto.createHash("sha1").update(fs.readFileSync(path.join(here, "large_data.mjs"))).digest("hex").slice(0, 12);
function ensure(rows, shape) {
  const file = path.join(dir, `signins-${shape}-${rows}.la.json`);
  const mark = `${file}.${stamp}`;
  if (!fs.existsSync(mark)) {
    const t0 = performance.now();
    process.stderr.write(`large bench: generating ${path.basename(file)}… `);
    write(file, rows, shape);
    for (const old of fs.readdirSync(dir).filter((f) => f.startsWith(path.basename(file) + "."))) fs.rmSync(path.join(dir, old));
    fs.writeFileSync(mark, "");
    process.stderr.write(`${(fs.statSync(file).size / MB).toFixed(0)} MB in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  }
  return file;
}
const warmFile = ensure(2000, "20");
const cases = ROWS.map((rows) => ({ rows, shape: "20", file: ensure(rows, "20") }));
if (ALL) cases.push({ rows: 500_000, shape: "all", file: ensure(500_000, "all") });
const runsFor = (c) => (c.shape === "all" ? 1 : c.rows >= 200_000 ? 2 : c.rows >= 100_000 ? 3 : 5);

function child(args) {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ["--max-old-space-size=4096", fileURLToPath(import.meta.url), "--child", ...args], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    p.stdout.on("data", (d) => (out += d));
    p.on("close", (code) => (code === 0 ? resolve(JSON.parse(out.trim().split("\n").pop())) : reject(new Error(`child ${args.join(" ")} exited ${code}: ${out}`))));
  });
}
function pandas(file, runs) {
  const py = path.join(here, ".venv", "bin", "python");
  return JSON.parse(execFileSync(py, [path.join(here, "parse_pandas.py"), file, String(runs), "nowarm"], { encoding: "utf8", maxBuffer: 1 << 20 }));
}

// ---- Node ------------------------------------------------------------------------------------------------------
const results = [];
for (const c of cases) {
  const size = fs.statSync(c.file).size;
  const runs = runsFor(c);
  const big = c.rows === 500_000;
  process.stderr.write(`large bench: ${c.rows} rows (${c.shape})… `);
  const bytes = await child([dist, "bytes", c.file, String(runs), warmFile, big && c.shape === "20" ? "analyse" : ""]);
  const fetched = await child([dist, "fetch", c.file, String(big ? 1 : runs), warmFile]);
  const before = COMPARE ? await child([COMPARE, "bytes", c.file, String(runs), warmFile]).catch((e) => ({ error: e.message })) : null;
  const py = pandas(c.file, c.rows >= 200_000 ? 1 : Math.min(runs, 3));
  process.stderr.write("done\n");
  results.push({ ...c, size, runs, bytes, fetched, py, before });
}

// ---- Chromium (500,000 rows through execQuery, then a timeline) ------------------------------------------------
let chromium = null;
if (CHROMIUM) {
  const c = cases.find((x) => x.rows === 500_000 && x.shape === "20") ?? cases.at(-1);
  chromium = await inChromium(c.file);
}

async function inChromium(file) {
  const { launchChromium } = await import("../tests/e2e/browser.mjs");
  const { startServer } = await import("../scripts/serve.mjs");
  const site = await startServer({ port: 0 });
  const data = await answerServer(file);
  const warm = await answerServer(warmFile);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    const off = [];
    await page.route("**/*", (route) => {
      const u = new URL(route.request().url());
      if (u.hostname === "127.0.0.1" || u.protocol === "data:" || u.protocol === "blob:") return route.continue();
      off.push(u.href);
      return route.abort();
    });
    await page.goto(`http://127.0.0.1:${site.address().port}/e2e/blank.html`);
    const r = await page.evaluate(async ({ base, warmBase, WS }) => {
      const hb = await import("/huntbook/index.js");
      await hb.init({ warmUp: false });
      const raw = await hb.__internals.wasm.default(); // this instance's exports (its memory)
      const qp = (b) => new hb.QueryProvider("MSSentinel").connect({ workspaceId: WS, baseUrl: b, getToken: () => "t", maxResponseBytes: 2 ** 32 });
      (await qp(warmBase).execQuery("SigninLogs")).free();
      let t0 = performance.now();
      const df = await qp(base).execQuery("SigninLogs");
      const readMs = performance.now() - t0;
      const mem = raw.memory.buffer.byteLength;
      t0 = performance.now();
      const counts = new hb.LocalData().addTable("SigninLogs", df).query("SigninLogs | summarize count() by AppDisplayName");
      const summarizeMs = performance.now() - t0;
      t0 = performance.now();
      const el = hb.timeline(df, { time_column: "TimeGenerated", group_by: "ResultType", source_columns: ["UserPrincipalName", "IPAddress"], title: "Sign-ins" });
      document.body.append(el);
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const timelineMs = performance.now() - t0;
      return { readMs, mem, shape: df.shape, summarizeMs, summarizeRows: counts.numRows, timelineMs, drawn: el.lastDrawMs > 0 };
    }, { base: data.base, warmBase: warm.base, WS });
    return { ...r, off, version: browser.version() };
  } catch (e) {
    return { error: String(e.message ?? e) };
  } finally {
    await browser.close();
    site.close();
    data.server.close();
    warm.server.close();
  }
}

// ---- report ----------------------------------------------------------------------------------------------------
const fmt = (x, d = 0) => x.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });
const mark = (ok) => (ok ? "met" : "NOT met");
console.log(`\nThe service's largest answer: SigninLogs-shaped Log Analytics JSON → a table (Node ${process.version}; huntbook`);
console.log(`median of the runs shown; peak = wasm memory after the read, base = before it; execQuery: the file as a loopback server's answer, read chunk by chunk from the fetch body; pandas ${results[0]?.py.pandas} json.loads + DataFrame)`);
console.log(`  ${"rows".padStart(9)} ${"cols".padStart(4)} ${"MB".padStart(6)} | ${"readTables".padStart(10)} ${"ms/MB".padStart(5)} ${"peak".padStart(9)} | ${"execQuery".padStart(9)} ${"peak".padStart(9)} | ${"pandas".padStart(8)} ${"ratio".padStart(6)}`);
for (const r of results) {
  const ms = median(r.bytes.times);
  const fetchMs = median(r.fetched.times);
  r.msPerMB = ms / (r.size / MB);
  r.memX = Math.max(r.bytes.mem, r.fetched.mem) / r.size;
  r.ratio = r.py.ms / ms;
  console.log(`  ${fmt(r.rows).padStart(9)} ${String(r.bytes.shape[1]).padStart(4)} ${fmt(r.size / MB, 1).padStart(6)} | ${fmt(ms).padStart(7)} ms ${fmt(r.msPerMB, 1).padStart(5)} ${fmt(r.bytes.mem / MB).padStart(6)} MB | ${fmt(fetchMs).padStart(6)} ms ${fmt(r.fetched.mem / MB).padStart(6)} MB | ${fmt(r.py.ms).padStart(5)} ms ${fmt(r.ratio, 1).padStart(5)}×   [${r.runs} run(s); base ${fmt(r.bytes.base / MB)} MB]`);
}
if (COMPARE) {
  console.log(`  A/B, same run: readTables with ${COMPARE}`);
  for (const r of results) {
    if (!r.before || r.before.error) { console.log(`    ${fmt(r.rows).padStart(9)}: ${r.before?.error ?? "-"}`); continue; }
    const ms = median(r.before.times);
    console.log(`    ${fmt(r.rows).padStart(9)} ${String(r.bytes.shape[1]).padStart(4)}: ${fmt(ms)} ms (${fmt(ms / (r.size / MB), 1)} ms/MB), peak ${fmt(r.before.mem / MB)} MB — this build ${fmt(median(r.bytes.times))} ms`);
  }
}
const s20 = results.filter((r) => r.shape === "20");
const first = s20[0];
const last = s20.at(-1);
if (first && last && first !== last) {
  const k = last.msPerMB / first.msPerMB;
  console.log(`  goal: linear scaling — ms/MB at ${fmt(last.size / MB)} MB is ${fmt(k, 2)}× that at ${fmt(first.size / MB)} MB (goal ≤ 1.5×: ${mark(k <= 1.5)})`);
}
for (const r of results.filter((x) => x.rows === 500_000)) {
  console.log(`  goal: ≥ 3× pandas at 500,000 rows (${r.bytes.shape[1]} columns): ${fmt(r.ratio, 1)}× (${mark(r.ratio >= 3)})`);
}
// The memory goal is about large answers: a small one is dwarfed by the module's own memory (its data, the stack,
// the first 16 MiB the allocator grows ahead; see the base column).
for (const r of results.filter((x) => x.rows === 500_000)) {
  console.log(`  goal: peak wasm memory ≤ 3× the JSON at 500,000 rows (${r.bytes.shape[1]} columns): readTables ${fmt(r.bytes.mem / r.size, 2)}×, execQuery ${fmt(r.fetched.mem / r.size, 2)}× (${mark(r.memX <= 3)}); pandas' peak RSS ${fmt(r.py.rss_mb ?? 0)} MB (${fmt((r.py.rss_mb ?? 0) * 2 ** 20 / r.size, 2)}×)`);
}
const a = s20.find((r) => r.bytes.summarizeMs != null);
if (a) {
  console.log(`  on the 500,000-row table (Node): summarize count() by AppDisplayName ${fmt(a.bytes.summarizeMs, 1)} ms (${a.bytes.summarizeRows} groups, ${fmt(a.bytes.summarizeTotal)} rows counted); timeline grouping (timelineModel by ResultType) ${fmt(a.bytes.timelineModelMs, 1)} ms`);
}
if (chromium) {
  if (chromium.error) console.log(`  Chromium: failed — ${chromium.error}`);
  else {
    const size = fs.statSync(cases.find((x) => x.rows === 500_000 && x.shape === "20")?.file ?? cases.at(-1).file).size;
    console.log(`  Chromium ${chromium.version}: execQuery of the ${fmt(size / MB)} MB answer ${fmt(chromium.readMs)} ms (${fmt(chromium.readMs / (size / MB), 1)} ms/MB), peak ${fmt(chromium.mem / MB)} MB (${fmt(chromium.mem / size, 2)}×), ${chromium.shape.join(" × ")}; summarize ${fmt(chromium.summarizeMs, 1)} ms; timeline drawn ${fmt(chromium.timelineMs)} ms${chromium.drawn ? "" : " (NOT drawn)"}; requests off loopback: ${chromium.off.length}`);
  }
}
