// QueryProvider against a loopback server that speaks the Log Analytics, Data Explorer and ARM wire formats:
// tables, partial errors, 204, 400/401/403, 429/503 retried after Retry-After, malformed JSON, network failure,
// client timeout and cancellation. The token may only travel in the Authorization header.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { loadHuntbook, fixture } from "./helpers.mjs";

const hb = await loadHuntbook();
const TOKEN = "test-token-5f1e";
const WS = "52b1ab41-869e-4138-9e40-2a4457f09bf0";
const requests = [];
const counters = {};
let server;
let base;

const TABLE = { name: "PrimaryResult", columns: [{ name: "Account", type: "string" }, { name: "n", type: "long" }], rows: [["alice", 3], ["bob", "@9007199254740993"]] };
const json = (res, status, body, headers = {}) => {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  // "@<digits>" stands for a long written as a bare JSON number (JS numbers cannot hold it exactly).
  res.end(typeof body === "string" ? body : JSON.stringify(body).replace(/"@(-?\d+)"/g, "$1"));
};

function handleLA(req, res, body) {
  const q = body.query;
  counters[q] = (counters[q] ?? 0) + 1;
  const n = counters[q];
  switch (q) {
    case "ok": return json(res, 200, { tables: [TABLE] });
    case "partial": return json(res, 200, { tables: [TABLE], error: { code: "PartialError", message: "There were some errors when processing your query.", details: [{ code: "EngineError", message: "Something went wrong processing your query on the server.", innererror: { code: "-2133196797", message: "The results of this query exceed the set limit of 64000000 bytes, so not all records were returned (E_QUERY_RESULT_SET_TOO_LARGE, 0x80DA0003)." } }] } });
    case "empty": res.writeHead(204); return res.end();
    case "semantic": return json(res, 400, { error: { message: "The request had some invalid properties", code: "BadArgumentError", correlationId: "c1", innererror: { code: "SemanticError", message: "A semantic error occurred.", innererror: { code: "SEM0100", message: "'where' operator: Failed to resolve table or column expression named 'IpAdress'" } } } });
    case "syntax": return json(res, 400, { error: { message: "The request had some invalid properties", code: "BadArgumentError", innererror: { code: "SyntaxError", message: "A recognition error occurred in the query.", innererror: { code: "SYN0002", message: "Query could not be parsed at '|' on line [1,10]" } } } });
    case "unauthorized": return json(res, 401, { error: { code: "AuthenticationFailed", message: "Authentication failed. The 'Authorization' header is missing." } });
    case "forbidden": return json(res, 403, { error: { code: "InsufficientAccessError", message: "The provided credentials have insufficient access to perform the requested operation" } });
    case "throttle": return n < 3 ? json(res, 429, { error: { code: "TooManyRequests", message: "throttled" } }, { "retry-after": "0.2" }) : json(res, 200, { tables: [TABLE] });
    case "unavailable": return n < 2 ? json(res, 503, "Service Unavailable", { "retry-after": "0.1" }) : json(res, 200, { tables: [TABLE] });
    case "throttle-forever": return json(res, 429, { error: { code: "TooManyRequests", message: "Rate limit is exceeded" } }, { "retry-after": "0.05" });
    case "cancel-during-retry": return json(res, 429, { error: { code: "TooManyRequests", message: "slow down" } }, { "retry-after": "10" });
    case "malformed": return json(res, 200, '{"tables": [{"name": "PrimaryResult", "columns": [');
    case "slow": case "cancel": return; // never answers
    case "timeout504": return json(res, 504, { error: { code: "GatewayTimeout", message: "ADX query timed out" } });
    default: return json(res, 400, { error: { code: "BadArgumentError", message: `unknown test query ${q}` } });
  }
}

before(async () => {
  server = http.createServer((req, res) => {
    let data = "";
    req.on("data", (c) => (data += c));
    req.on("end", () => {
      requests.push({ method: req.method, url: req.url, headers: req.headers, body: data });
      if (req.url.startsWith(`/v1/workspaces/${WS}/query`)) return handleLA(req, res, JSON.parse(data));
      if (req.url === "/v2/rest/query") {
        const b = JSON.parse(data);
        if (b.csl === "errors") {
          const frames = JSON.parse(fixture("loganalytics/kusto_raw_resp.json"));
          frames[frames.length - 1] = { FrameType: "DataSetCompletion", HasErrors: true, Cancelled: false, OneApiErrors: [{ error: { code: "LimitsExceeded", message: "Request is invalid and cannot be executed." } }] };
          return json(res, 200, frames);
        }
        return json(res, 200, fixture("loganalytics/kusto_raw_resp.json").toString());
      }
      if (req.url.includes("/providers/Microsoft.OperationalInsights/workspaces/ws1/tables?api-version=")) {
        return json(res, 200, fixture("loganalytics/az_mon_schema.json").toString());
      }
      json(res, 404, { error: { code: "NotFound", message: "no route" } });
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${server.address().port}`;
});
after(() => { server.closeAllConnections?.(); server.close(); });

function sentinel(extra = {}) {
  const qp = new hb.QueryProvider("MSSentinel");
  qp.connect({ workspaceId: WS, baseUrl: base, getToken: async () => TOKEN, ...extra });
  return qp;
}

test("200: tables, with the wire format and the token only in the Authorization header", async () => {
  const qp = sentinel();
  const start = new Date("2022-11-05T00:00:00Z"), end = new Date("2022-11-08T00:00:00Z");
  const df = await qp.execQuery("ok", { start, end });
  assert.deepEqual(df.toRows(), [{ Account: "alice", n: 3 }, { Account: "bob", n: 9007199254740993n }]);
  const r = requests.findLast((x) => JSON.parse(x.body || "{}").query === "ok");
  assert.equal(r.method, "POST");
  assert.equal(r.url, `/v1/workspaces/${WS}/query`);
  assert.equal(r.headers.authorization, `Bearer ${TOKEN}`);
  assert.equal(r.headers.prefer, "wait=180");
  assert.match(r.headers["content-type"], /application\/json/);
  assert.deepEqual(JSON.parse(r.body), { query: "ok", timespan: "2022-11-05T00:00:00.000Z/2022-11-08T00:00:00.000Z" });
  assert.ok(!r.url.includes(TOKEN) && !r.body.includes(TOKEN));
});

test("200 with PartialError: the table and the error, both", async () => {
  const df = await sentinel().execQuery("partial");
  assert.equal(df.numRows, 2);
  assert.equal(df.error.code, "PartialError");
  assert.match(df.error.innermost, /exceed the set limit of 64000000 bytes/);
});

test("204: an empty table that says why", async () => {
  const df = await sentinel().execQuery("empty");
  assert.equal(df.numRows, 0);
  assert.match(df.notes[0], /204 No Content/);
});

test("400 semantic and syntax errors show their innermost message", async () => {
  await assert.rejects(sentinel().execQuery("semantic"), /HTTP 400 BadArgumentError: .*Failed to resolve table or column expression named 'IpAdress'/);
  await assert.rejects(sentinel().execQuery("syntax"), /Query could not be parsed at '\|' on line \[1,10\]/);
});

test("401 and 403 say what to check", async () => {
  await assert.rejects(sentinel().execQuery("unauthorized"), /HTTP 401 AuthenticationFailed.*getToken\(\) returns a valid, unexpired token/);
  await assert.rejects(sentinel().execQuery("forbidden"), /HTTP 403 InsufficientAccessError.*read access/);
  await assert.rejects(sentinel().execQuery("timeout504"), /HTTP 504 GatewayTimeout: ADX query timed out.*Narrow the time range/);
});

test("429 and 503 are retried after Retry-After; retries are bounded", async () => {
  const t0 = Date.now();
  const df = await sentinel().execQuery("throttle");
  assert.equal(df.numRows, 2);
  assert.equal(counters.throttle, 3);
  assert.ok(Date.now() - t0 >= 400, "waited Retry-After twice");
  assert.equal((await sentinel().execQuery("unavailable")).numRows, 2);
  assert.equal(counters.unavailable, 2);
  await assert.rejects(sentinel().execQuery("throttle-forever"), /HTTP 429 TooManyRequests: Rate limit is exceeded\. Gave up after 4 attempts \(3 retries\)\. The service is throttling requests/);
  assert.equal(counters["throttle-forever"], 4, "one try and three retries");
});

test("cancellation with an AbortSignal, during a request and during a retry wait", async () => {
  const c1 = new AbortController();
  setTimeout(() => c1.abort(), 150);
  await assert.rejects(sentinel().execQuery("cancel", { signal: c1.signal }), /cancelled/);
  const c2 = new AbortController();
  const t0 = Date.now();
  setTimeout(() => c2.abort(), 300);
  await assert.rejects(sentinel().execQuery("cancel-during-retry", { signal: c2.signal }), /cancelled/);
  assert.ok(Date.now() - t0 < 3000, "stopped waiting at once");
});

test("client timeout, malformed JSON and network failure", async () => {
  await assert.rejects(sentinel({ timeout: 1 }).execQuery("slow"), /did not answer within 1 s \(client timeout\)/);
  await assert.rejects(sentinel().execQuery("malformed"), /answered 200 but the body is not a valid query response/);
  const closed = http.createServer();
  await new Promise((r) => closed.listen(0, "127.0.0.1", r));
  const port = closed.address().port;
  await new Promise((r) => closed.close(r));
  const qp = new hb.QueryProvider("LogAnalytics").connect({ workspaceId: WS, baseUrl: `http://127.0.0.1:${port}`, getToken: () => TOKEN });
  await assert.rejects(qp.execQuery("ok"), /could not reach Log Analytics at http:\/\/127\.0\.0\.1:\d+\/v1\/workspaces\/.*CORS/);
});

test("built-in queries are rendered and sent unchanged", async () => {
  const qp = sentinel();
  const kql = qp.SecurityAlert.list_alerts({ print: true, start: "2024-01-01T00:00:00Z", end: "2024-01-02T00:00:00Z" });
  assert.match(await kql, /SecurityAlert/);
  await assert.rejects(qp.SecurityAlert.list_alerts({ start: "2024-01-01T00:00:00Z", end: "2024-01-02T00:00:00Z" }), /unknown test query/);
  const sent = JSON.parse(requests.at(-1).body);
  assert.equal(sent.query, await kql);
  assert.equal(sent.timespan, "2024-01-01T00:00:00.000Z/2024-01-02T00:00:00.000Z");
});

test("the timespan sent is the rendered range: zone-less text is UTC, offsets and days as query parameters", async () => {
  const qp = sentinel();
  await assert.rejects(qp.SecurityAlert.list_alerts({ start: "2024-01-01T10:00", end: "2024-01-02" }), /unknown test query/);
  assert.equal(JSON.parse(requests.at(-1).body).timespan, "2024-01-01T10:00:00.000Z/2024-01-02T00:00:00.000Z");
  const kql = qp.SecurityAlert.list_alerts({ print: true, start: "-2w@d", end: -1 });
  await assert.rejects(qp.SecurityAlert.list_alerts({ start: "-2w@d", end: -1 }), /unknown test query/);
  const [start, end] = JSON.parse(requests.at(-1).body).timespan.split("/").map(Date.parse);
  const [kqlStart, kqlEnd] = [...kql.matchAll(/datetime\(([^)]+)\)/g)].map((m) => Date.parse(m[1]));
  assert.equal(start % 86400e3, 0);
  assert.equal(start, kqlStart); // midnight two weeks ago, in the KQL and the timespan alike
  assert.ok(Math.abs(end - kqlEnd) < 60e3, `${end} ${kqlEnd}`);
  assert.ok(Math.abs(Date.now() - 86400e3 - end) < 60e3);
});

test("Data Explorer v2 frames, and HasErrors surfaced", async () => {
  const qp = new hb.QueryProvider("Kusto").connect({ cluster: base, database: "Samples", getToken: () => TOKEN });
  const df = await qp.execQuery("DeviceProcessEvents | take 10");
  assert.deepEqual(df.shape, [10, 130]);
  assert.equal(df.dtypes.CreatedProcessIsElevated, "bool");
  assert.equal(df.error, null);
  const sent = requests.findLast((r) => r.url === "/v2/rest/query");
  assert.deepEqual(JSON.parse(sent.body), { db: "Samples", csl: "DeviceProcessEvents | take 10" });
  assert.equal(sent.headers.authorization, `Bearer ${TOKEN}`);
  const withErrors = await qp.execQuery("errors");
  assert.equal(withErrors.numRows, 10);
  assert.equal(withErrors.error.code, "LimitsExceeded");
});

test("schema from the ARM tables API", async () => {
  const qp = sentinel({ arm: { subscriptionId: "sub1", resourceGroup: "rg1", workspaceName: "ws1", baseUrl: base, getToken: () => "arm-token" } });
  const tables = await qp.schemaTables();
  assert.equal(tables.length, 17);
  assert.ok(tables.includes("AuditLog_CL"));
  const cols = await qp.schema("AuditLog_CL");
  assert.deepEqual(cols[0], { name: "TenantId", type: "guid" });
  const r = requests.findLast((x) => x.url.includes("/tables?"));
  assert.equal(r.url, "/subscriptions/sub1/resourceGroups/rg1/providers/Microsoft.OperationalInsights/workspaces/ws1/tables?api-version=2021-12-01-preview");
  assert.equal(r.headers.authorization, "Bearer arm-token");
  await assert.rejects(sentinel().schemaTables(), /needs the workspace's ARM address/);
});

test("the core asks getToken(): {token} objects, bad tokens refused unseen, failures named, any abort reason", async () => {
  const connect = (getToken) => new hb.QueryProvider("MSSentinel").connect({ workspaceId: WS, baseUrl: base, getToken });
  let asked = 0;
  const azureStyle = connect(async () => { asked++; return { token: TOKEN, expiresOnTimestamp: Date.now() + 3600e3 }; });
  assert.equal((await azureStyle.execQuery("ok")).numRows, 2);
  assert.equal((await azureStyle.execQuery("throttle-forever").catch(() => null)), null);
  assert.equal(asked, 2, "once per query, not per retry");
  assert.equal(requests.findLast((x) => JSON.parse(x.body || "{}").query === "ok").headers.authorization, `Bearer ${TOKEN}`);
  const n = requests.length;
  await assert.rejects(connect(() => "abc\r\nX-Evil: 1").execQuery("ok"), (e) => {
    assert.match(e.message, /^getToken\(\) \(an access token for https:\/\/api\.loganalytics\.io\/\.default\) gave a token or key with a control or non-ASCII character/);
    assert.ok(!e.message.includes("abc") && !e.message.includes("X-Evil"), e.message);
    return true;
  });
  await assert.rejects(connect(() => "  ").execQuery("ok"), /gave an empty token or key/);
  await assert.rejects(connect(() => { throw new Error("login required"); }).execQuery("ok"), /getToken\(\) \(an access token for https:\/\/api\.loganalytics\.io\/\.default\) failed: login required/);
  await assert.rejects(connect(async () => 42).execQuery("ok"), /must return a string \(or an object with a string `token`\)/);
  assert.equal(requests.length, n, "nothing was sent with a bad token");
  const c = new AbortController();
  setTimeout(() => c.abort("stop"), 100); // a reason that is not an Error must not break the module
  await assert.rejects(sentinel().execQuery("cancel", { signal: c.signal }), /cancelled/);
  assert.equal((await sentinel().execQuery("ok")).numRows, 2, "the module still works");
});
