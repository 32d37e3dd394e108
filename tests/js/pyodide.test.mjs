// huntbook.py (the package's Python shim for JupyterLite's Pyodide kernel) in Pyodide under Node.js: Python loads
// the built package through Pyodide's JS bridge and gets rows (datetimes, exact longs), Arrow IPC bytes and
// huntbook's errors as Python exceptions. pandas and pyarrow are not in Pyodide's core offline, so the test checks
// the rows / bytes that to_pandas reads and the message to_pandas gives without pandas.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { loadPyodide } from "pyodide";
import { dist, loadHuntbook } from "./helpers.mjs";

let py, hb, qp;
const run = (code) => py.runPythonAsync(code);

before(async () => {
  hb = await loadHuntbook();
  await hb.loadDemo();
  qp = new hb.QueryProvider("LocalData");
  py = await loadPyodide();
  py.FS.writeFile("/home/pyodide/huntbook.py", fs.readFileSync(path.join(dist, "huntbook.py")));
  py.globals.set("PKG_URL", pathToFileURL(path.join(dist, "index.js")).href);
  await run(`
import huntbook
hb = await huntbook.load(PKG_URL)
qp = await hb.load_demo()
`);
});

test("the shim knows the package version and loads the same module", async () => {
  const version = JSON.parse(fs.readFileSync(path.join(dist, "package.json"), "utf8")).version;
  assert.equal(await run("huntbook.VERSION"), version);
  assert.equal(await run("huntbook.DEFAULT_URL"), `https://cdn.jsdelivr.net/npm/huntbook@${version}/index.js`);
  assert.equal(await run("hb.version()"), hb.version());
  const tables = (await run("await qp.schema_tables()")).toJs();
  assert.deepEqual(tables, await qp.schemaTables());
});

test("to_rows: the same values as the JS API, datetimes aware, longs exact", async () => {
  const kql = "SigninLogs | summarize n = count(), last = max(TimeGenerated) by ResultType | sort by ResultType asc";
  py.globals.set("KQL", kql);
  const [rowsJSON, frame] = (await run(`
import json
frame = await qp.exec_query(KQL)
rows = huntbook.to_rows(frame)
assert all(r["last"].tzinfo is not None for r in rows)
[json.dumps([{"ResultType": r["ResultType"], "n": r["n"], "last_ms": round(r["last"].timestamp() * 1000)} for r in rows]), frame.js]
`)).toJs({ depth: 1 });
  const rows = JSON.parse(rowsJSON);
  // the JS DataFrame Python got: its rows as the JS API gives them (Python's load_demo shifted its own demo workspace
  // to "now", so a query made here would differ by the seconds between the two loads)
  const expected = frame.toRows();
  assert.ok(expected.length > 1);
  assert.deepEqual(expected.map((r) => r.ResultType), (await qp.execQuery(kql)).toRows().map((r) => r.ResultType));
  assert.deepEqual(rows, expected.map((r) => ({ ResultType: r.ResultType, n: Number(r.n), last_ms: r.last.getTime() })));
  assert.equal(await run(`(await qp.exec_query("print x = 9007199254740993")).to_rows()[0]["x"] == 9007199254740993`), true);
  assert.equal(await run(`huntbook.to_rows(await qp.exec_query('print d = dynamic({"a": [1, 2]})'))[0]["d"] == {"a": [1, 2]}`), true);
});

test("built-in queries by name, with msticpy's parameters", async () => {
  const expected = await qp.Azure.list_all_signins_geo();
  const shape = (await run(`(await qp.query("Azure.list_all_signins_geo")).shape`)).toJs();
  assert.deepEqual(shape, expected.shape);
  await assert.rejects(run(`await qp.query("Azure.no_such_query")`), /HuntbookError: no query 'Azure.no_such_query'/);
  assert.ok((await run("qp.list_queries()")).toJs().includes("Azure.list_all_signins_geo"));
});

test("arrow_bytes: the Arrow IPC stream as Python bytes", async () => {
  const df = await qp.execQuery("SigninLogs | take 50");
  const ipc = df.toArrowIPC();
  const [isBytes, n, head] = (await run(`
b = huntbook.arrow_bytes(await qp.exec_query("SigninLogs | take 50"))
[isinstance(b, bytes), len(b), list(b[:4])]`)).toJs();
  assert.equal(isBytes, true);
  assert.equal(n, ipc.length);
  assert.deepEqual(head, [0xff, 0xff, 0xff, 0xff]); // the IPC stream's continuation marker
});

test("huntbook's errors are Python exceptions with its message; to_pandas says how to get pandas", async () => {
  let jsMessage;
  try { await qp.execQuery("SigninLogs | where NoSuchColumn == 1"); } catch (e) { jsMessage = e.message; }
  assert.ok(jsMessage);
  assert.equal(await run(`
try:
    await qp.exec_query("SigninLogs | where NoSuchColumn == 1")
    msg = None
except huntbook.HuntbookError as e:
    msg = str(e)
msg`), jsMessage);
  await assert.rejects(run(`huntbook.to_pandas(await qp.exec_query("print 1"))`),
    /HuntbookError: to_pandas needs pandas: in JupyterLite run `import micropip; await micropip.install\('pandas'\)`/);
});
