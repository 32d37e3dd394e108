// `qp.execQuery(kql, {worker})` and `readTables(bytes, {format, status})` in Node (issue #16): the provider fetches
// on this side (same request, retries and errors as `execQuery`) and hands the Worker only the answer's bytes and
// status, which `readTables` reads exactly as `execQuery` does. Node has no Web Worker, so the worker here is a
// stand-in `HuntbookWorker` whose `readTables` runs huntbook's own `readTables` in-process, as js/worker.js does, and
// records what it was given. The browser test (tests/e2e/worker-query.test.mjs) runs the real Worker.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { loadHuntbook, fixture } from "./helpers.mjs";

const hb = await loadHuntbook();
const TOKEN = "node-worker-token-3d1c";
const WS = "52b1ab41-869e-4138-9e40-2a4457f09bf0";
const LA = fixture("loganalytics/az_mon_raw_query.json").toString();
const ADX = fixture("loganalytics/kusto_raw_resp.json").toString();
const PARTIAL = JSON.stringify({
  ...JSON.parse(LA),
  error: { code: "PartialError", message: "There were some errors when processing your query.", details: [{ code: "EngineError", message: "Something went wrong.", innererror: { code: "-2133196797", message: "The results of this query exceed the set limit of 64000000 bytes" } }] },
});
let server;
let base;
const attempts = {};

before(async () => {
  server = http.createServer((req, res) => {
    let data = "";
    req.on("data", (c) => (data += c));
    req.on("end", () => {
      const send = (status, body, headers = {}) => { res.writeHead(status, { "content-type": "application/json", ...headers }); res.end(body); };
      const b = JSON.parse(data || "{}");
      if (req.url === "/v2/rest/query") return b.csl === "errors"
        ? send(200, JSON.stringify(JSON.parse(ADX).map((f) => (f.FrameType === "DataSetCompletion" ? { ...f, HasErrors: true, OneApiErrors: [{ error: { code: "LimitsExceeded", message: "Request is invalid and cannot be executed." } }] } : f))))
        : send(200, ADX);
      attempts[b.query] = (attempts[b.query] ?? 0) + 1;
      switch (b.query) {
        case "ok": return send(200, LA);
        case "partial": return send(200, PARTIAL);
        case "empty": res.writeHead(204); return res.end();
        case "malformed": return send(200, '{"tables": [{"name": "PrimaryResult", "columns": [');
        case "throttle": return attempts[b.query] < 2 ? send(429, '{"error":{"code":"TooManyRequests","message":"slow"}}', { "retry-after": "0.1" }) : send(200, LA);
        case "forbidden": return send(403, '{"error":{"code":"InsufficientAccessError","message":"no access"}}');
        default: return send(400, '{"error":{"code":"BadArgumentError","message":"unknown test query"}}');
      }
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${server.address().port}`;
});
after(() => { server.closeAllConnections?.(); server.close(); });

/** A HuntbookWorker stand-in: readTables runs here (as js/worker.js runs it) and records its arguments. */
function standInWorker() {
  const w = Object.create(hb.HuntbookWorker.prototype);
  w.calls = [];
  w.freed = 0;
  w.readTables = async (data, options) => {
    const { signal, transfer, ...rest } = options;
    w.calls.push({ bytes: data instanceof Uint8Array && data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? "whole Uint8Array" : typeof data,
      text: new TextDecoder().decode(data), options: { ...rest, transfer } });
    const { tables, error } = hb.readTables(data, rest);
    for (const t of tables) t.free = async () => { w.freed++; };
    return { tables, error };
  };
  return w;
}

const sentinel = () => new hb.QueryProvider("MSSentinel").connect({ workspaceId: WS, baseUrl: base, getToken: async () => TOKEN });
const adx = () => new hb.QueryProvider("Kusto").connect({ cluster: base, database: "Samples", getToken: () => TOKEN });
const same = (a, b) => {
  assert.deepEqual([b.name, b.shape, b.schema, b.notes, b.error], [a.name, a.shape, a.schema, a.notes, a.error]);
  assert.deepEqual(b.toRows(), a.toRows());
};

test("Log Analytics: the answer's bytes and status go to the worker and read to execQuery's table", async () => {
  for (const q of ["ok", "partial", "empty", "throttle"]) {
    const w = standInWorker();
    const page = await sentinel().execQuery(q === "throttle" ? "ok" : q);
    const t = await sentinel().execQuery(q, { worker: w });
    same(page, t);
    assert.equal(w.calls.length, 1, q);
    const [call] = w.calls;
    assert.deepEqual(call.options, { format: "la", status: q === "empty" ? 204 : 200, transfer: true }, q);
    assert.equal(call.bytes, "whole Uint8Array", "a buffer of its own, so it can be transferred");
    assert.equal(call.text, { ok: LA, partial: PARTIAL, empty: "", throttle: LA }[q], "the service's bytes as sent");
    assert.ok(!call.text.includes(TOKEN) && !JSON.stringify(call.options).includes(TOKEN));
  }
  assert.equal(attempts.throttle, 2, "429 retried on the page before anything went to the worker");
  const ok = await sentinel().execQuery("ok", { worker: standInWorker() });
  const raw = JSON.parse(LA).tables[0];
  assert.deepEqual(ok.shape, [raw.rows.length, raw.columns.length]);
  assert.equal(ok.row(0).AlertName, raw.rows[0][raw.columns.findIndex((c) => c.name === "AlertName")]);
  const partial = await sentinel().execQuery("partial", { worker: standInWorker() });
  assert.equal(partial.error.code, "PartialError");
  assert.match(partial.error.innermost, /64000000 bytes/);
  assert.match(partial.toHTML(), /Partial result/, "a partial answer is never shown as complete");
  const empty = await sentinel().execQuery("empty", { worker: standInWorker() });
  assert.deepEqual([empty.shape, empty.notes], [[0, 0], ["Log Analytics answered 204 No Content: the workspace has no data for this query"]]);
});

test("Log Analytics errors: the page's error, word for word, and nothing goes to the worker", async () => {
  for (const q of ["forbidden", "semantic-unknown"]) {
    const w = standInWorker();
    const page = await sentinel().execQuery(q).then(() => null, (e) => e.message);
    const worker = await sentinel().execQuery(q, { worker: w }).then(() => null, (e) => e.message);
    assert.ok(page && page.startsWith("Log Analytics answered HTTP 4"), page);
    assert.equal(worker, page);
    assert.equal(w.calls.length, 0, q);
  }
  // malformed: fetched fine, then read in the worker, which says what execQuery says
  const page = await sentinel().execQuery("malformed").then(() => null, (e) => e.message);
  const w = standInWorker();
  const worker = await sentinel().execQuery("malformed", { worker: w }).then(() => null, (e) => e.message);
  assert.match(page, /^Log Analytics answered 200 but the body is not a valid query response/);
  assert.equal(worker, page);
  assert.equal(w.calls.length, 1);
  await assert.rejects(sentinel().execQuery("ok", { worker: {} }), /^TypeError: execQuery: option 'worker' must be huntbook's worker/);
  const closed = Object.assign(standInWorker(), { _conn: { closed: true } });
  const before = attempts.ok;
  await assert.rejects(sentinel().execQuery("ok", { worker: closed }), /^Error: execQuery: the worker was terminated: start another with `await huntbook.worker\(\)`/);
  assert.equal(attempts.ok, before, "nothing fetched for a terminated worker");
  await assert.rejects(sentinel().execQuery("ok", { wroker: standInWorker() }), /did you mean 'worker'/);
});

test("Data Explorer: the v2 answer read in the worker, HasErrors kept beside the table", async () => {
  for (const csl of ["StormEvents | take 10", "errors"]) {
    const w = standInWorker();
    const page = await adx().execQuery(csl);
    const t = await adx().execQuery(csl, { worker: w });
    same(page, t);
    assert.deepEqual(w.calls[0].options, { format: "kusto", status: 200, transfer: true });
    assert.ok(t.numRows > 0);
    if (csl === "errors") assert.equal(t.error.code, "LimitsExceeded");
    else assert.equal(t.error, null);
  }
});

test("readTables: format 'kusto' and status read a service's answer as execQuery does", () => {
  const a = hb.readTables(ADX, { format: "kusto" });
  const frames = JSON.parse(ADX);
  const primary = frames.find((f) => f.TableKind === "PrimaryResult");
  assert.equal(a.tables.length, 1);
  assert.deepEqual(a.tables[0].shape, [primary.Rows.length, primary.Columns.length]);
  assert.deepEqual(a.tables[0].columns, primary.Columns.map((c) => c.ColumnName));
  assert.equal(hb.readTables(ADX, { format: "adx", name: "Storms" }).tables[0].name, "Storms");
  const cut = hb.readTables(JSON.stringify(frames.slice(0, -1)), { format: "kusto" });
  assert.equal(cut.error.code, "Incomplete");
  assert.equal(cut.tables[0].error.code, "Incomplete");
  const none = hb.readTables("", { status: 204 });
  assert.match(none.tables[0].notes[0], /204 No Content/);
  assert.deepEqual(hb.readTables(LA, { status: 200 }).tables[0].toRows(), hb.readTables(LA).tables[0].toRows());
  assert.throws(() => hb.readTables(LA, { status: 500 }), /status 500 is not a successful answer/);
  assert.throws(() => hb.readTables(LA, { status: "200" }), /option 'status' must be an HTTP status/);
  assert.throws(() => hb.readTables(LA, { status: 200, format: "csv" }), /a service answer's format is "la" \(Log Analytics\) or "kusto"/);
  assert.throws(() => hb.readTables(LA, { statsu: 200 }), /did you mean 'status'/);
});

test("LocalData with {worker}: your own data or addTable tables are refused with what to do", async () => {
  const demo = await hb.loadDemo();
  const w = standInWorker();
  await assert.rejects(new hb.QueryProvider("LocalData", { data: demo }).execQuery("SigninLogs", { worker: w }),
    /this provider queries a LocalData of the page \(\{data\}\), which cannot move into huntbook's worker\. Load the tables there instead/);
  const qp = new hb.QueryProvider("LocalData").addTable("Mine", demo.table("SigninLogs").head(1));
  await assert.rejects(qp.execQuery("Mine", { worker: w }), /the table\(s\) 'Mine' added with addTable are on the page only/);
});

test("typings: execQuery with {worker} is a WorkerTable, without it a DataFrame; readTables takes status and 'kusto'", async () => {
  const { typecheck } = await import("./helpers.mjs");
  const out = typecheck(`
    import * as huntbook from "huntbook";
    async function f(qp: huntbook.QueryProvider, hb: huntbook.HuntbookWorker) {
      const t: huntbook.WorkerTable = await qp.execQuery("T", { worker: hb, signal: new AbortController().signal });
      const df: huntbook.DataFrame = await qp.execQuery("T", { timeout: 30 });
      const { tables } = huntbook.readTables(new Uint8Array(0), { format: "kusto", status: 200 });
      const w = await hb.readTables(new Uint8Array(0), { format: "la", status: 204, transfer: true });
      return [t.numRows, df.numRows, tables.length, w.tables.length];
    }
    export { f };
  `);
  assert.equal(out, "");
});
