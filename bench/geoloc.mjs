// Benchmark: geolocation of 100,000 IP addresses from a GeoLite2-City-format mmdb, huntbook (wasm, node) vs msticpy
// 3.0.2's GeoLiteLookup (Python, bench/.venv), on the same file and addresses, in the same run. Goal: ≥ 10×.
//
// The mmdb (30,000 made-up /24 networks) and the addresses (90% in those networks, 5% private, 5% public but not in
// the file) are written by `examples/bench_mmdb.rs` (deterministic) into a temporary folder.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..");
const NETWORKS = 30_000;
const COUNT = 100_000;
const RUNS = 7;
const WARMUP = 3;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "huntbook-geoloc-"));
try {
  execFileSync("cargo", ["run", "--quiet", "--features", "testing", "--example", "bench_mmdb", "--", dir, String(NETWORKS), String(COUNT)], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
  });
  const mmdb = fs.readFileSync(path.join(dir, "GeoLite2-City.mmdb"));
  const ips = fs.readFileSync(path.join(dir, "ips.txt"), "utf8").split("\n").filter(Boolean);

  // ---- huntbook --------------------------------------------------------------------------------------------------
  const hb = await import(path.join(root, "dist", "huntbook", "index.js"));
  await hb.init({ warmUp: false });
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  function time(f) {
    const t0 = performance.now();
    f();
    const first = performance.now() - t0;
    for (let i = 1; i < WARMUP; i++) f();
    const xs = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      f();
      xs.push(performance.now() - t);
    }
    return { ms: median(xs), first };
  }
  const t0 = performance.now();
  const geo = await hb.openGeoLite(new Uint8Array(mmdb));
  const openMs = performance.now() - t0;
  const list = time(() => geo.lookup(ips).free());
  const { tables } = hb.readTables("IPAddress\n" + ips.join("\n") + "\n", { format: "csv" });
  const df = tables[0];
  // (geoloc(df, {column, db}) is this call behind a promise)
  const tableSync = time(() => geo.lookup(df, { column: "IPAddress" }).free());
  const result = geo.lookup(ips);
  const rows = result.toRows();
  result.free();
  const found = rows.filter((r) => r.Note == null).length;
  const seattle = rows.filter((r) => r.City === "Seattle").length;
  const joinedRows = geo.lookup(df, { column: "IPAddress" }).numRows;

  // ---- msticpy ---------------------------------------------------------------------------------------------------
  const py = path.join(here, ".venv", "bin", "python");
  const m = JSON.parse(execFileSync(py, [path.join(here, "geoloc_msticpy.py"), dir], { encoding: "utf8", maxBuffer: 1 << 26 }).trim().split("\n").pop());

  // ---- report ----------------------------------------------------------------------------------------------------
  const fmt = (ms) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1)).padStart(8) + "ms";
  console.log(`\nGeolocation of ${COUNT.toLocaleString("en-US")} IPs from a GeoLite2-City-format mmdb ` +
    `(${NETWORKS.toLocaleString("en-US")} networks, ${(mmdb.length / 1024).toFixed(0)} KiB): huntbook (wasm, node ${process.version}, ` +
    `median of ${RUNS}) vs msticpy 3.0.2 GeoLiteLookup (one run)`);
  console.log(`  ${"task".padEnd(40)} ${"huntbook".padStart(10)} ${"msticpy".padStart(10)}    ratio   goal`);
  let met = true;
  for (const [name, h, p] of [
    ["list of IPs (lookup_ip(ip_addr_list=…))", list.ms, m.list_ms],
    ["table column, joined (df_lookup_ip)", tableSync.ms, m.df_ms],
  ]) {
    const ratio = p / h;
    if (ratio < 10) met = false;
    console.log(`  ${name.padEnd(40)} ${fmt(h)} ${fmt(p)}  ${ratio.toFixed(0).padStart(5)}×   ≥10× ${ratio >= 10 ? "met" : "NOT met"}`);
  }
  console.log(`  (huntbook: open ${fmt(openMs).trim()}, first list call ${fmt(list.first).trim()}; msticpy: open ${fmt(m.open_ms).trim()})`);
  console.log(`  rows: huntbook ${rows.length} (${found} located, ${seattle} Seattle; table ${joinedRows} rows), ` +
    `msticpy ${m.rows} (${m.found} located, ${m.seattle} Seattle; table ${m.df_rows} rows; it drops addresses not in the file)`);
  if (found !== m.found || seattle !== m.seattle) {
    console.log("  RESULTS DIFFER");
    met = false;
  }
  console.log(`\n  goal (≥10× geoloc): ${met ? "met" : "NOT met"}`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
