// Benchmark: whois of a 1,000-row table with 50 distinct public IPs, huntbook (wasm, node) vs msticpy 3.0.2's
// get_whois_df (Python, bench/.venv), both against the same loopback stand-ins (tests/standins/net.mjs: Team Cymru
// over DNS over HTTPS or its verbose whois table, RDAP with a `rel: up` parent for each net). Prints both times,
// their ratio, and the goal "asks each distinct IP once" (met / NOT met) from the stand-ins' request counts.
// Each tool runs once, cold: a second huntbook call in the same session would be answered from its cache.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startNetStandins } from "../tests/standins/net.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const hb = await import(path.join(here, "..", "dist", "huntbook", "index.js"));
await hb.init({ warmUp: false });

const DISTINCT = 50;
const ROWS = 1000;
const ips = Array.from({ length: DISTINCT }, (_, i) => `${20 + i}.${(i * 37) % 256}.${(i * 11) % 256}.${1 + i}`);
const column = Array.from({ length: ROWS }, (_, i) => ips[(i * 7) % DISTINCT]);
const csv = ["IPAddress,Row", ...column.map((ip, i) => `${ip},${i}`)].join("\n");
const { tables: [table] } = hb.readTables(csv, { name: "bench", format: "csv" });

const s = await startNetStandins();
function askedOnce(requests, ipOf) {
  const counts = new Map(ips.map((ip) => [ip, 0]));
  for (const r of requests) {
    const ip = ipOf(r);
    if (counts.has(ip)) counts.set(ip, counts.get(ip) + 1);
  }
  return [...counts.values()];
}

// huntbook
s.requests.length = 0;
let t = performance.now();
const joined = await hb.whois(table, { column: "IPAddress", join: true, resolver: s.resolver, rdapUrl: s.rdapUrl });
const hbMs = performance.now() - t;
const hbRows = joined.numRows;
const hbDesc = joined.row(0).AsnDescription;
const origin = askedOnce(s.requests, (r) => (r.kind === "doh" && r.name.endsWith(".origin.asn.cymru.com") ? r.name.replace(".origin.asn.cymru.com", "").split(".").reverse().join(".") : null));
const rdap = askedOnce(s.requests, (r) => (r.kind === "rdap" ? r.ip : null));
const hbRequests = s.requests.length;
const met = origin.every((n) => n === 1) && rdap.every((n) => n === 1);

// msticpy
s.requests.length = 0;
const tmp = path.join(os.tmpdir(), `huntbook-whois-bench-${process.pid}.json`);
fs.writeFileSync(tmp, JSON.stringify({ IPAddress: column }));
const py = process.env.BENCH_PYTHON ?? path.join(here, ".venv", "bin", "python");
let m;
try {
  const { stdout } = await promisify(execFile)(py, [path.join(here, "whois_msticpy.py"), s.base, tmp], { maxBuffer: 1 << 24 });
  m = JSON.parse(stdout.trim().split("\n").pop());
} finally {
  fs.rmSync(tmp, { force: true });
}
const mpCymru = askedOnce(s.requests, (r) => (r.kind === "cymru-verbose" ? r.ip : null));
const mpRdap = askedOnce(s.requests, (r) => (r.kind === "rdap" ? r.ip : null));
const mpRequests = s.requests.length;
await s.close();

if (hbRows !== ROWS || m.rows !== ROWS) throw new Error(`row counts differ: huntbook ${hbRows}, msticpy ${m.rows} (want ${ROWS})`);
if (hbDesc !== m.first_asn_description) throw new Error(`AsnDescription differs: huntbook '${hbDesc}', msticpy '${m.first_asn_description}'`);
const mpMs = m.seconds * 1000;
console.log(`whois: ${ROWS} rows, ${DISTINCT} distinct public IPs, loopback Cymru/RDAP stand-ins`);
console.log(`  huntbook (wasm, node)      ${hbMs.toFixed(1).padStart(8)} ms   ${hbRequests} requests (Cymru over DoH: origin + AS name, RDAP + up)`);
console.log(`  msticpy 3.0.2 get_whois_df ${mpMs.toFixed(1).padStart(8)} ms   ${mpRequests} requests (Cymru verbose, RDAP + up); each IP asked ${Math.min(...mpCymru)}–${Math.max(...mpCymru)}× (Cymru), ${Math.min(...mpRdap)}–${Math.max(...mpRdap)}× (RDAP)`);
console.log(`  ratio (msticpy / huntbook) ${(mpMs / hbMs).toFixed(1)}×`);
console.log(`  goal: asks each distinct IP once: ${met ? "met" : "NOT met"} (huntbook: Cymru origin ${Math.min(...origin)}–${Math.max(...origin)}×, RDAP ${Math.min(...rdap)}–${Math.max(...rdap)}× per IP)`);
