// Benchmark: the same query set on a generated 1,000,000-row SigninLogs-shaped table, huntbook's KQL (wasm, node)
// vs DuckDB-Wasm's SQL (npm @duckdb/duckdb-wasm), in the same run. Each result is checked against the other engine's
// so the two really computed the same thing. Goal: within 2× of DuckDB-Wasm on where + summarize count() by + top.
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const ROWS = Number(process.env.KQL_BENCH_ROWS ?? 1_000_000);
const RUNS = 5;

// ---- deterministic data ----------------------------------------------------------------------------------------
function generate(n, end) {
  let seed = 20240115;
  const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const apps = ["Azure Portal", "Office 365 Exchange Online", "Microsoft Teams", "SharePoint Online", "Azure CLI", "Windows Sign In"];
  const results = ["0", "0", "0", "0", "0", "0", "50126", "50074", "0", "50140"];
  const rows = [];
  const span = 14 * 86400000;
  for (let i = 0; i < n; i++) {
    const t = new Date(end - Math.floor(rnd() * span)).toISOString();
    const user = `user${Math.floor(rnd() ** 2 * 2000)}@contoso.com`;
    const ip = `${10 + Math.floor(rnd() * 200)}.${Math.floor(rnd() * 50)}.${Math.floor(rnd() * 20)}.${Math.floor(rnd() * 250)}`;
    rows.push([t, user, ip, results[Math.floor(rnd() * 10)], apps[Math.floor(rnd() * 6)], rnd() < 0.9 ? "US" : "DE", Math.floor(rnd() * 5000)]);
  }
  return rows;
}

// The same rows, typed as Log Analytics would type them: huntbook reads a Log Analytics response (ResultType is a
// string there, as in Sentinel), DuckDB reads CSV with the same column types declared.
const COLUMNS = [["TimeGenerated", "datetime"], ["UserPrincipalName", "string"], ["IPAddress", "string"], ["ResultType", "string"],
  ["AppDisplayName", "string"], ["Location", "string"], ["DurationMs", "long"]];
function toLogAnalytics(rows) {
  return JSON.stringify({ tables: [{ name: "SigninLogs", columns: COLUMNS.map(([name, type]) => ({ name, type })), rows }] });
}
function toCsv(rows) {
  return COLUMNS.map((c) => c[0]).join(",") + "\n" + rows.map((r) => r.join(",")).join("\n") + "\n";
}

const END = Date.UTC(2026, 0, 15);
const DAY_AGO = new Date(END - 86400000).toISOString();
const QUERIES = [
  {
    name: "where + summarize count() by + top",
    kql: `SigninLogs | where ResultType != "0" | summarize count() by IPAddress | top 10 by count_ desc, IPAddress asc`,
    sql: `SELECT IPAddress, count(*) AS count_ FROM SigninLogs WHERE ResultType <> '0' GROUP BY IPAddress ORDER BY count_ DESC, IPAddress ASC LIMIT 10`,
    goal: true,
  },
  {
    name: "time filter + summarize count() by",
    kql: `SigninLogs | where TimeGenerated > datetime(${DAY_AGO}) | summarize count() by AppDisplayName | sort by AppDisplayName asc`,
    sql: `SELECT AppDisplayName, count(*) AS count_ FROM SigninLogs WHERE TimeGenerated > TIMESTAMP '${DAY_AGO.replace("T", " ").replace("Z", "")}' GROUP BY AppDisplayName ORDER BY AppDisplayName`,
    goal: true,
  },
  {
    name: "summarize count() by 2 keys + top",
    kql: `SigninLogs | where Location == "DE" | summarize count() by UserPrincipalName, ResultType | top 5 by count_ desc, UserPrincipalName asc, ResultType asc`,
    sql: `SELECT UserPrincipalName, ResultType, count(*) AS count_ FROM SigninLogs WHERE Location = 'DE' GROUP BY UserPrincipalName, ResultType ORDER BY count_ DESC, UserPrincipalName ASC, ResultType ASC LIMIT 5`,
    goal: true,
  },
  {
    name: "contains + count",
    kql: `SigninLogs | where UserPrincipalName contains "user42@" | count`,
    sql: `SELECT count(*) AS Count FROM SigninLogs WHERE contains(lower(UserPrincipalName), 'user42@')`,
  },
  {
    name: "dcount by + top",
    kql: `SigninLogs | summarize dcount(IPAddress) by UserPrincipalName | top 5 by dcount_IPAddress desc, UserPrincipalName asc`,
    sql: `SELECT UserPrincipalName, count(DISTINCT IPAddress) AS dcount_IPAddress FROM SigninLogs GROUP BY UserPrincipalName ORDER BY dcount_IPAddress DESC, UserPrincipalName ASC LIMIT 5`,
  },
  {
    name: "in + take",
    kql: `SigninLogs | where IPAddress in ("10.1.2.3", "11.2.3.4", "12.3.4.5") | take 100`,
    sql: `SELECT * FROM SigninLogs WHERE IPAddress IN ('10.1.2.3', '11.2.3.4', '12.3.4.5') LIMIT 100`,
  },
];

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}
function time(f) {
  f();
  const xs = [];
  let out;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    out = f();
    xs.push(performance.now() - t0);
  }
  return { ms: median(xs), out };
}

const generated = generate(ROWS, END);
const csv = toCsv(generated);

// ---- huntbook --------------------------------------------------------------------------------------------------
const hb = await import(path.resolve(here, "..", "dist", "huntbook", "index.js"));
await hb.init();
const data = new hb.LocalData();
data.addTable("SigninLogs", hb.readTables(toLogAnalytics(generated)).tables[0]);

// ---- DuckDB-Wasm -----------------------------------------------------------------------------------------------
const duckdb = require("@duckdb/duckdb-wasm/dist/duckdb-node-blocking.cjs");
const ddist = path.dirname(require.resolve("@duckdb/duckdb-wasm/dist/duckdb-node-blocking.cjs"));
const db = await duckdb.createDuckDB(
  {
    mvp: { mainModule: path.join(ddist, "duckdb-mvp.wasm"), mainWorker: path.join(ddist, "duckdb-node-mvp.worker.cjs") },
    eh: { mainModule: path.join(ddist, "duckdb-eh.wasm"), mainWorker: path.join(ddist, "duckdb-node-eh.worker.cjs") },
  },
  new duckdb.VoidLogger(),
  duckdb.NODE_RUNTIME,
);
await db.instantiate(() => {});
db.registerFileText("signins.csv", csv);
const conn = db.connect();
conn.query(`CREATE TABLE SigninLogs AS SELECT * FROM read_csv('signins.csv', header = true, timestampformat = '%Y-%m-%dT%H:%M:%S.%gZ',
  columns = {'TimeGenerated': 'TIMESTAMP', 'UserPrincipalName': 'VARCHAR', 'IPAddress': 'VARCHAR', 'ResultType': 'VARCHAR',
             'AppDisplayName': 'VARCHAR', 'Location': 'VARCHAR', 'DurationMs': 'BIGINT'})`);

const key = (rows) => JSON.stringify(rows.map((r) => Object.values(r).map((v) => String(v instanceof Date ? v.getTime() : v))));

console.log(`\nKQL on ${ROWS.toLocaleString("en-US")} SigninLogs rows: huntbook (wasm, node ${process.version}) vs DuckDB-Wasm SQL, median of ${RUNS}`);
console.log(`  ${"query".padEnd(38)} ${"huntbook".padStart(10)} ${"duckdb".padStart(10)}   ratio   same result`);
let goalOk = true;
for (const q of QUERIES) {
  const h = time(() => { const df = data.query(q.kql); const rows = df.toRows(); df.free(); return rows; });
  const d = time(() => conn.query(q.sql).toArray().map((r) => r.toJSON()));
  const ratio = h.ms / d.ms;
  const same = q.name === "in + take" ? h.out.length === d.out.length : key(h.out) === key(d.out);
  if (!same && process.env.KQL_BENCH_DEBUG) console.log(key(h.out), "\n", key(d.out));
  if (q.goal && ratio > 2) goalOk = false;
  console.log(`  ${q.name.padEnd(38)} ${h.ms.toFixed(1).padStart(8)}ms ${d.ms.toFixed(1).padStart(8)}ms  ${ratio.toFixed(2).padStart(5)}×   ${same ? "yes" : "NO"}`);
}
console.log(`  goal (huntbook within 2× of DuckDB-Wasm on where + summarize count() by + top): ${goalOk ? "met" : "NOT met"}`);
conn.close();
