// Fault injection (issue #14, item 4) against a loopback Log Analytics / Data Explorer server whose behaviour is
// scripted per request. Covers what tests/js/loganalytics.test.mjs does not: a connection reset mid-body, a body
// whose JSON stops halfway, 500/502, a 429 storm and a Retry-After past the timeout, a body that stalls after its
// headers (timeout and cancel), a PartialError flagged in df.error, verbs and toHTML, Data Explorer
// Cancelled / missing DataSetCompletion; and no unhandled promise rejection through all of it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { loadHuntbook } from "./helpers.mjs";

const hb = await loadHuntbook();
const WS = "52b1ab41-869e-4138-9e40-2a4457f09bf0";
const TABLE = { name: "PrimaryResult", columns: [{ name: "Account", type: "string" }, { name: "n", type: "long" }], rows: [["alice", 3], ["bob", 4]] };
const attempts = {};
const unhandled = [];
const onUnhandled = (r) => unhandled.push(r);
let server;
let base;

const send = (res, status, body, headers = {}) => {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(typeof body === "string" ? body : JSON.stringify(body));
};

function la(req, res, q) {
  attempts[q] = (attempts[q] ?? 0) + 1;
  const full = JSON.stringify({ tables: [TABLE] });
  switch (q) {
    case "ok": return send(res, 200, { tables: [TABLE] });
    case "reset": // headers and half the body, then the connection is destroyed
      res.writeHead(200, { "content-type": "application/json", "content-length": String(full.length) });
      res.write(full.slice(0, 40));
      return setTimeout(() => req.socket.destroy(), 50);
    case "truncated": // a complete HTTP exchange whose JSON stops halfway
      return send(res, 200, full.slice(0, full.length - 20));
    case "e500": return send(res, 500, { error: { code: "InternalServerError", message: "boom" } });
    case "e502": return send(res, 502, "Bad Gateway", { "content-type": "text/plain", "retry-after": "0" });
    case "e502-then-ok": return attempts[q] < 2 ? send(res, 502, "Bad Gateway", { "content-type": "text/plain", "retry-after": "0" }) : send(res, 200, { tables: [TABLE] });
    case "storm": return send(res, 429, { error: { code: "TooManyRequests", message: "storm" } }, { "retry-after": "0.01" });
    case "storm-long-retry-after": return send(res, 429, { error: { code: "TooManyRequests", message: "storm" } }, { "retry-after": "100000" });
    case "slow-body": // headers at once, then the body never finishes
      res.writeHead(200, { "content-type": "application/json" });
      return res.write(full.slice(0, 10));
    case "partial": return send(res, 200, { tables: [TABLE], error: { code: "PartialError", message: "There were some errors when processing your query.", details: [{ code: "EngineError", message: "<b>limit</b> exceeded" }] } });
    default: return send(res, 400, { error: { code: "BadArgumentError", message: `unknown test query ${q}` } });
  }
}

const adxFrames = (last) => [
  { FrameType: "DataSetHeader", IsProgressive: false, Version: "v2.0" },
  { FrameType: "DataTable", TableId: 0, TableKind: "PrimaryResult", TableName: "PrimaryResult", Columns: [{ ColumnName: "Account", ColumnType: "string" }], Rows: [["alice"], ["bob"]] },
  ...(last ? [last] : []),
];

before(async () => {
  process.on("unhandledRejection", onUnhandled);
  server = http.createServer((req, res) => {
    let data = "";
    req.on("data", (c) => (data += c));
    req.on("end", () => {
      if (req.url.startsWith(`/v1/workspaces/${WS}/query`)) return la(req, res, JSON.parse(data).query);
      if (req.url === "/v2/rest/query") {
        const csl = JSON.parse(data).csl;
        attempts[`adx:${csl}`] = (attempts[`adx:${csl}`] ?? 0) + 1;
        if (csl === "cancelled") return send(res, 200, adxFrames({ FrameType: "DataSetCompletion", HasErrors: false, Cancelled: true }));
        if (csl === "no-completion") return send(res, 200, adxFrames(null));
        if (csl === "complete") return send(res, 200, adxFrames({ FrameType: "DataSetCompletion", HasErrors: false, Cancelled: false }));
        if (csl === "e503") return send(res, 503, "Service Unavailable", { "content-type": "text/plain", "retry-after": "0" });
      }
      send(res, 404, { error: { code: "NotFound", message: "no route" } });
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${server.address().port}`;
});
after(() => {
  server.closeAllConnections?.();
  server.close();
  process.off("unhandledRejection", onUnhandled);
});

const la_ = (extra = {}) => new hb.QueryProvider("MSSentinel").connect({ workspaceId: WS, baseUrl: base, getToken: async () => "tok", ...extra });
const adx = () => new hb.QueryProvider("Kusto").connect({ cluster: base, database: "db", getToken: async () => "tok" });

test("a connection reset mid-body is a network failure that names the service, not a parse error", async () => {
  await assert.rejects(la_().execQuery("reset"), (e) => { console.log("reset:", e.message); assert.match(e.message, /^could not reach Log Analytics at http:\/\/127\.0\.0\.1:\d+\/v1\/workspaces\/[^ ]+\/query: terminated\. Check the network/); return true; });
  assert.equal((await la_().execQuery("ok")).numRows, 2, "the module still works");
});

test("a truncated JSON body says the body is not a valid query response", async () => {
  await assert.rejects(la_().execQuery("truncated"), /answered 200 but the body is not a valid query response/);
  assert.equal(attempts.truncated, 1, "a malformed 200 is not retried");
});

test("500 and 502 fail at once with what went wrong and what to do (only 429/503 are retried today)", async () => {
  await assert.rejects(la_().execQuery("e500"), /^Error: Log Analytics answered HTTP 500 InternalServerError: boom\. The service failed on its side\. Try again later\.$/);
  assert.equal(attempts.e500, 1);
  await assert.rejects(la_().execQuery("e502"), /^Error: Log Analytics answered HTTP 502: Bad Gateway\. The service failed on its side\. Try again later\.$/);
  assert.equal(attempts.e502, 1);
});

test("a 429 storm: one try and three retries, then a clear error; a huge Retry-After does not hang past the timeout", async () => {
  await assert.rejects(la_().execQuery("storm"), /HTTP 429 TooManyRequests: storm.*retries were exhausted/);
  assert.equal(attempts.storm, 4);
  // a Retry-After longer than the client timeout is not waited for: the timeout ends the query
  await assert.rejects(la_({ timeout: 2 }).execQuery("storm-long-retry-after"), /^Error: Log Analytics did not answer within 2 s \(client timeout\)\. Narrow the query or raise the timeout\.$/);
  assert.equal(attempts["storm-long-retry-after"], 1);
});

test("a body that stalls after its headers ends at the client timeout; cancel ends it too", async () => {
  await assert.rejects(la_({ timeout: 1 }).execQuery("slow-body"), /did not answer within 1 s \(client timeout\)/);
  const c = new AbortController();
  setTimeout(() => c.abort(), 100);
  await assert.rejects(la_().execQuery("slow-body", { signal: c.signal }), /cancelled/);
});

test("PartialError: the rows, df.error, and an escaped banner in toHTML", async () => {
  const df = await la_().execQuery("partial");
  assert.equal(df.numRows, 2);
  assert.equal(df.error.code, "PartialError");
  const html = df.toHTML();
  assert.match(html, /Partial result/);
  assert.ok(!html.includes("<b>limit</b>"), "the server's text is escaped");
  assert.equal(df.head(1).error.code, "PartialError", "verbs keep the mark");
});

test("Data Explorer: Cancelled and a missing DataSetCompletion are partial; complete is not; 503 is bounded", async () => {
  const cancelled = await adx().execQuery("cancelled");
  assert.equal(cancelled.numRows, 2);
  assert.ok(cancelled.error, "Cancelled is flagged");
  console.log("adx cancelled:", JSON.stringify(cancelled.error));
  const open = await adx().execQuery("no-completion");
  assert.ok(open.error, "a missing DataSetCompletion is flagged");
  console.log("adx no completion:", JSON.stringify(open.error));
  assert.match(open.toHTML(), /Partial result/);
  const done = await adx().execQuery("complete");
  assert.equal(done.numRows, 2);
  assert.ok(!done.error, "a complete answer is not flagged");
  await assert.rejects(adx().execQuery("e503"), /HTTP 503.*retries were exhausted/);
  assert.equal(attempts["adx:e503"], 4);
});

test("no unhandled promise rejection through all the faults", async () => {
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(unhandled.map(String), []);
});
