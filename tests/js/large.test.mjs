// A large Log Analytics answer (issue #16, "the service's largest answer"): 50,000 generated SigninLogs-shaped rows
// (bench/large_data.mjs) read whole from bytes (readTables) and as a query's answer streamed by a loopback server in
// small pieces (QueryProvider → fetch body read chunk by chunk into wasm) give the same table, cell for cell. A
// truncated answer — cut at a row boundary, so every byte up to there is valid, or by a dropped connection — is an
// error, never a shorter table shown as complete.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { loadHuntbook } from "./helpers.mjs";
import { write } from "../../bench/large_data.mjs";

const hb = await loadHuntbook();
const WS = "52b1ab41-869e-4138-9e40-2a4457f09bf0";
const ROWS = 50_000;
const file = path.join(os.tmpdir(), `huntbook-large-test-${process.pid}.la.json`);
let bytes;
let server;
let base;

// How the server answers each query: the whole body in 7,919-byte pieces (a prime, so piece edges fall inside
// strings, escapes and numbers) with no Content-Length; or cut.
function answer(req, res, query) {
  const pieces = (body, then) => {
    let at = 0;
    const next = () => {
      while (at < body.length) {
        const piece = body.subarray(at, at + 7919);
        at += piece.length;
        if (!res.write(piece)) return res.once("drain", next);
      }
      then();
    };
    next();
  };
  if (query === "whole") {
    res.writeHead(200, { "content-type": "application/json" });
    return pieces(bytes, () => res.end());
  }
  if (query === "cut-at-row") {
    // everything up to the end of row 30,000 and its comma: valid JSON so far, the answer just stops
    const text = bytes.toString("latin1");
    let at = text.indexOf('"rows":[') + 8;
    for (let i = 0; i < 30_000; i++) at = text.indexOf("],[", at) + 3;
    res.writeHead(200, { "content-type": "application/json" });
    return pieces(bytes.subarray(0, at), () => res.end());
  }
  if (query === "dropped") {
    // announces the whole length, sends half, then the connection drops
    res.writeHead(200, { "content-type": "application/json", "content-length": bytes.length });
    return pieces(bytes.subarray(0, bytes.length >> 1), () => res.socket.destroy());
  }
  res.writeHead(400, { "content-type": "application/json" });
  res.end(JSON.stringify({ error: { code: "BadArgumentError", message: `unknown test query ${query}` } }));
}

before(async () => {
  write(file, ROWS, "20");
  bytes = fs.readFileSync(file);
  server = http.createServer((req, res) => {
    let data = "";
    req.on("data", (c) => (data += c));
    req.on("end", () => answer(req, res, JSON.parse(data).query));
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${server.address().port}`;
});
after(() => {
  server.closeAllConnections?.();
  server.close();
  fs.rmSync(file, { force: true });
});

const sentinel = () => new hb.QueryProvider("MSSentinel").connect({ workspaceId: WS, baseUrl: base, getToken: () => "tok" });

test("50,000 rows streamed in pieces read to the same table as the one-shot reader, cell for cell", async () => {
  const whole = hb.readTables(bytes).tables[0];
  const streamed = await sentinel().execQuery("whole");
  try {
    assert.deepEqual(whole.shape, [ROWS, 20]);
    assert.deepEqual(streamed.shape, [ROWS, 20]);
    assert.deepEqual(streamed.schema, whole.schema);
    assert.deepEqual(whole.schema.map((c) => c.type), ["datetime", "datetime", "string", "string", "string", "string",
      "string", "string", "string", "string", "string", "guid", "dynamic", "dynamic", "bool", "long", "real", "real",
      "string", "string"]);
    assert.equal(whole.notes.length, 0, whole.notes.join("; "));
    // every cell, in slices of 5,000 rows
    for (let at = 0; at < ROWS; at += 5000) assert.deepEqual(streamed.toRows(at, 5000), whole.toRows(at, 5000), `rows ${at}…`);
    // and the values are the generator's: the rows of the JSON text, by JSON.parse
    const rows = JSON.parse(bytes.toString("utf8")).tables[0].rows;
    const cols = whole.columns;
    for (const i of [0, 1, 12_345, ROWS - 1]) {
      const got = whole.row(i);
      const want = rows[i];
      assert.equal(new Date(got.TimeGenerated).toISOString(), want[cols.indexOf("TimeGenerated")], `row ${i}`);
      for (const name of ["UserPrincipalName", "IPAddress", "CorrelationId", "DeviceDetail", "LocationDetails", "IsInteractive", "Latitude"]) {
        const w = want[cols.indexOf(name)];
        assert.equal(typeof got[name] === "object" ? JSON.stringify(got[name]) : got[name], w, `row ${i} ${name}`);
      }
      assert.equal(Number(got.DurationMs), want[cols.indexOf("DurationMs")], `row ${i} DurationMs`);
    }
    const failed = rows.filter((r) => r[cols.indexOf("ResultType")] === "50126").length;
    assert.ok(failed > 1000);
    const local = new hb.LocalData().addTable("SigninLogs", streamed);
    const n = local.query('SigninLogs | where ResultType == "50126" | count').toRows()[0].Count;
    assert.equal(Number(n), failed);
  } finally {
    whole.free();
    streamed.free();
  }
});

test("an answer cut at a row boundary is an error, not a 30,000-row table", async () => {
  await assert.rejects(sentinel().execQuery("cut-at-row"),
    /answered 200 but the body is not a valid query response: .*EOF while parsing/);
  const text = bytes.toString("latin1");
  assert.throws(() => hb.readTables(bytes.subarray(0, text.lastIndexOf("],[") + 3)), /EOF while parsing/);
  assert.throws(() => hb.readTables(bytes.subarray(0, bytes.length - 3)), /EOF while parsing/, "only the closing ]}] missing");
});

test("an answer whose connection drops mid-body is an error; the module still works after", async () => {
  // (undici calls a body that stops early "terminated"; on a loaded machine the drop can come before the headers
  // were flushed, which undici reports as "fetch failed": an error either way, never a table)
  await assert.rejects(sentinel().execQuery("dropped"), /^Error: could not reach Log Analytics at http:\/\/127\.0\.0\.1:\d+\/v1\/workspaces\/[^ ]+\/query: (terminated|fetch failed)\./);
  const again = await sentinel().execQuery("whole");
  assert.equal(again.numRows, ROWS);
  again.free();
});
