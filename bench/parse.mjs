// Benchmark: a 10.7 MB Log Analytics response (the Tour's 22,979 process events) → a table.
// huntbook (wasm, in node) vs Python's json + pandas (what msticpy does), measured in the same run.
// Goal: huntbook ≥ 3× faster.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = path.resolve(here, "..", "..", "shared", "fixtures", "tour", "asn_processes_on_host.la.json");
const RUNS = 7;

const hb = await import(path.resolve(here, "..", "dist", "huntbook", "index.js"));
await hb.init();
const bytes = fs.readFileSync(fixture);

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

// Warm up once (JIT, allocator), then time RUNS parses. Each table is freed after its run, as the Python side's
// DataFrame is dropped, so wasm memory does not grow across runs.
hb.readTables(bytes).tables[0].free();
const times = [];
let shape;
for (let i = 0; i < RUNS; i++) {
  const t0 = performance.now();
  const df = hb.readTables(bytes).tables[0];
  times.push(performance.now() - t0);
  shape = df.shape;
  df.free();
}
const hbMs = median(times);

const py = JSON.parse(
  execFileSync(path.join(here, ".venv", "bin", "python"), [path.join(here, "parse_pandas.py"), fixture, String(RUNS)], {
    encoding: "utf8",
  }),
);

console.log(`\nLog Analytics JSON → table: ${path.basename(fixture)} (${(bytes.length / 1e6).toFixed(1)} MB)`);
console.log(`  huntbook (wasm, node ${process.version})  ${hbMs.toFixed(1).padStart(8)} ms   ${shape[0]} × ${shape[1]}`);
console.log(`  python json + pandas ${py.pandas}         ${py.ms.toFixed(1).padStart(8)} ms   ${py.shape[0]} × ${py.shape[1]}`);
const ratio = py.ms / hbMs;
console.log(`  ratio: huntbook is ${ratio.toFixed(1)}× faster (goal ≥ 3×: ${ratio >= 3 ? "met" : "NOT met"})  [median of ${RUNS} runs each]`);
