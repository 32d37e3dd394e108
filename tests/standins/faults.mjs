// A loopback Log Analytics / Data Explorer server whose behaviour is scripted per request by the query text, for
// the fault-injection tests in Node (tests/js/faults.test.mjs) and Chromium (tests/e2e/faults.test.mjs). Answers
// carry permissive CORS headers so a page on another loopback origin can call it.
//
//   const f = await startFaultServer();
//   new QueryProvider("MSSentinel").connect({ workspaceId: WS, baseUrl: f.base, getToken })
//   new QueryProvider("Kusto").connect({ cluster: f.base, database: "db", getToken })
//   f.attempts["e500"]   // how many times that query arrived (Data Explorer: "adx:<csl>")
//   await f.close();
//
// Log Analytics queries: ok, reset (headers and half the body, then the socket is destroyed), truncated (JSON cut
// short), e500 / e502 / e504 (every attempt; Retry-After: 0 so the retries do not wait), e500-then-ok, e400,
// storm (429 every time, Retry-After: 0.01), storm-long-retry-after (429, Retry-After: 100000), slow-body (headers,
// then the body never ends), partial (a PartialError beside the rows), big (a BIG_BYTES-byte answer with
// Content-Length), big-chunked (the same without Content-Length, sent in chunks), lying-length (announces a
// 4,000,000,000-byte body, sends a small answer, then drops the connection). Data Explorer: cancelled,
// no-completion, complete, e503.
import http from "node:http";

export const WS = "52b1ab41-869e-4138-9e40-2a4457f09bf0";
export const TABLE = { name: "PrimaryResult", columns: [{ name: "Account", type: "string" }, { name: "n", type: "long" }], rows: [["alice", 3], ["bob", 4]] };
/** The size of the `big` answers in bytes. */
export const BIG_BYTES = 200_000;

const CORS = {
  "access-control-allow-origin": "*",
  "access-control-allow-headers": "authorization, content-type, prefer",
  "access-control-expose-headers": "retry-after, content-length",
};

const send = (res, status, body, headers = {}) => {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(typeof body === "string" ? body : JSON.stringify(body));
};

/** A valid query answer of exactly `bytes` bytes (one long string cell). */
function bigAnswer(bytes) {
  const shell = JSON.stringify({ tables: [{ name: "PrimaryResult", columns: [{ name: "s", type: "string" }], rows: [[""]] }] });
  return shell.replace('[[""]]', `[["${"x".repeat(bytes - shell.length)}"]]`);
}

function la(req, res, q, attempts) {
  attempts[q] = (attempts[q] ?? 0) + 1;
  const full = JSON.stringify({ tables: [TABLE] });
  const retryNow = { "retry-after": "0" };
  switch (q) {
    case "ok": return send(res, 200, { tables: [TABLE] });
    case "reset": // headers and half the body, then the connection is destroyed
      res.writeHead(200, { "content-type": "application/json", "content-length": String(full.length) });
      res.write(full.slice(0, 40));
      return setTimeout(() => req.socket.destroy(), 50);
    case "truncated": // a complete HTTP exchange whose JSON stops halfway
      return send(res, 200, full.slice(0, full.length - 20));
    case "e500": return send(res, 500, { error: { code: "InternalServerError", message: "boom" } }, retryNow);
    case "e502": return send(res, 502, "Bad Gateway", { "content-type": "text/plain", ...retryNow });
    case "e504": return send(res, 504, { error: { code: "GatewayTimeout", message: "gateway timed out" } }, retryNow);
    case "e500-then-ok": return attempts[q] < 2 ? send(res, 500, "oops", { "content-type": "text/plain", ...retryNow }) : send(res, 200, { tables: [TABLE] });
    case "e400": return send(res, 400, { error: { code: "BadArgumentError", message: "bad query" } });
    case "storm": return send(res, 429, { error: { code: "TooManyRequests", message: "storm" } }, { "retry-after": "0.01" });
    case "storm-long-retry-after": return send(res, 429, { error: { code: "TooManyRequests", message: "storm" } }, { "retry-after": "100000" });
    case "slow-body": // headers at once, then the body never finishes
      res.writeHead(200, { "content-type": "application/json" });
      return res.write(full.slice(0, 10));
    case "partial": return send(res, 200, { tables: [TABLE], error: { code: "PartialError", message: "There were some errors when processing your query.", details: [{ code: "EngineError", message: "<b>limit</b> exceeded" }] } });
    case "big": return send(res, 200, bigAnswer(BIG_BYTES), { "content-length": String(BIG_BYTES) });
    case "lying-length": // an announced size wasm32 cannot reserve: the reader must not trap, only fail the query
      res.writeHead(200, { "content-type": "application/json", "content-length": "4000000000" });
      res.write(full);
      return setTimeout(() => req.socket.destroy(), 50);
    case "big-chunked": { // no Content-Length: the size shows only while reading
      const body = bigAnswer(BIG_BYTES);
      res.writeHead(200, { "content-type": "application/json" });
      for (let i = 0; i < body.length; i += 16_384) res.write(body.slice(i, i + 16_384));
      return res.end();
    }
    default: return send(res, 400, { error: { code: "BadArgumentError", message: `unknown test query ${q}` } });
  }
}

const adxFrames = (last) => [
  { FrameType: "DataSetHeader", IsProgressive: false, Version: "v2.0" },
  { FrameType: "DataTable", TableId: 0, TableKind: "PrimaryResult", TableName: "PrimaryResult", Columns: [{ ColumnName: "Account", ColumnType: "string" }], Rows: [["alice"], ["bob"]] },
  ...(last ? [last] : []),
];

function adx(res, csl, attempts) {
  attempts[`adx:${csl}`] = (attempts[`adx:${csl}`] ?? 0) + 1;
  if (csl === "cancelled") return send(res, 200, adxFrames({ FrameType: "DataSetCompletion", HasErrors: false, Cancelled: true }));
  if (csl === "no-completion") return send(res, 200, adxFrames(null));
  if (csl === "complete") return send(res, 200, adxFrames({ FrameType: "DataSetCompletion", HasErrors: false, Cancelled: false }));
  if (csl === "e503") return send(res, 503, "Service Unavailable", { "content-type": "text/plain", "retry-after": "0" });
  return send(res, 404, { error: { code: "NotFound", message: "no route" } });
}

/** Starts the server on 127.0.0.1 (a free port): `{base, attempts, close()}`. */
export async function startFaultServer() {
  const attempts = {};
  const server = http.createServer((req, res) => {
    for (const [k, v] of Object.entries(CORS)) res.setHeader(k, v);
    if (req.method === "OPTIONS") { res.writeHead(204); return res.end(); }
    let data = "";
    req.on("data", (c) => (data += c));
    req.on("end", () => {
      if (req.url.startsWith(`/v1/workspaces/${WS}/query`)) return la(req, res, JSON.parse(data).query, attempts);
      if (req.url === "/v2/rest/query") return adx(res, JSON.parse(data).csl, attempts);
      send(res, 404, { error: { code: "NotFound", message: "no route" } });
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return {
    base: `http://127.0.0.1:${server.address().port}`,
    attempts,
    close: async () => {
      server.closeAllConnections?.();
      await new Promise((r) => server.close(r));
    },
  };
}
