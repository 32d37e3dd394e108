// Fault injection (issue #14, item 4) against the loopback Log Analytics / Data Explorer server of
// tests/standins/faults.mjs, scripted per request. Covers what tests/js/loganalytics.test.mjs does not: a connection
// reset mid-body, a body whose JSON stops halfway, 500/502/504 (retried, then a clear error), a 429 storm and a
// Retry-After past the timeout, a body that stalls after its headers (timeout and cancel), a getToken() that never
// answers (timeout and cancel), the response size cap, a PartialError flagged in df.error, verbs and toHTML, Data
// Explorer Cancelled / missing DataSetCompletion; and no unhandled promise rejection through all of it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { loadHuntbook } from "./helpers.mjs";
import { startFaultServer, WS, BIG_BYTES } from "../standins/faults.mjs";
import { startTiStandins, TRIGGERS, BENIGN, MALICIOUS_IPS } from "../standins/ti.mjs";

const hb = await loadHuntbook();
const unhandled = [];
const onUnhandled = (r) => unhandled.push(r);
let f;
let base;
let attempts;

before(async () => {
  process.on("unhandledRejection", onUnhandled);
  f = await startFaultServer();
  ({ base, attempts } = f);
});
after(async () => {
  await f.close();
  process.off("unhandledRejection", onUnhandled);
});

const la_ = (extra = {}) => new hb.QueryProvider("MSSentinel").connect({ workspaceId: WS, baseUrl: base, getToken: async () => "tok", ...extra });
const adx_ = (extra = {}) => new hb.QueryProvider("Kusto").connect({ cluster: base, database: "db", getToken: async () => "tok", ...extra });
const adx = () => adx_();

test("a connection reset mid-body is a network failure that names the service, not a parse error", async () => {
  await assert.rejects(la_().execQuery("reset"), (e) => { console.log("reset:", e.message); assert.match(e.message, /^could not reach Log Analytics at http:\/\/127\.0\.0\.1:\d+\/v1\/workspaces\/[^ ]+\/query: terminated\. Check the network/); return true; });
  assert.equal((await la_().execQuery("ok")).numRows, 2, "the module still works");
});

test("a truncated JSON body says the body is not a valid query response", async () => {
  await assert.rejects(la_().execQuery("truncated"), /answered 200 but the body is not a valid query response/);
  assert.equal(attempts.truncated, 1, "a malformed 200 is not retried");
});

test("500/502/504 are retried 3 times, then a clear error with the attempts and what to do; 400 is not retried", async () => {
  await assert.rejects(la_().execQuery("e500"), /^Error: Log Analytics answered HTTP 500 InternalServerError: boom\. Gave up after 4 attempts \(3 retries\)\. The service failed on its side: try again in a few minutes; if it keeps failing, check the service's status page\.$/);
  assert.equal(attempts.e500, 4);
  await assert.rejects(la_().execQuery("e502"), /^Error: Log Analytics answered HTTP 502: Bad Gateway\. Gave up after 4 attempts \(3 retries\)\. The service failed on its side/);
  assert.equal(attempts.e502, 4);
  await assert.rejects(la_().execQuery("e504"), /^Error: Log Analytics answered HTTP 504 GatewayTimeout: gateway timed out\. Gave up after 4 attempts \(3 retries\)\. The query ran out of time on the server/);
  assert.equal(attempts.e504, 4);
  assert.equal((await la_().execQuery("e500-then-ok")).numRows, 2, "a passing failure is retried away");
  assert.equal(attempts["e500-then-ok"], 2);
  await assert.rejects(la_().execQuery("e400"), (e) => !/attempts/.test(e.message) && /HTTP 400 BadArgumentError: bad query/.test(e.message));
  assert.equal(attempts.e400, 1, "a 400 is never retried");
});

test("a 429 storm: one try and three retries, then a clear error; a huge Retry-After does not hang past the timeout", async () => {
  await assert.rejects(la_().execQuery("storm"), /^Error: Log Analytics answered HTTP 429 TooManyRequests: storm\. Gave up after 4 attempts \(3 retries\)\. The service is throttling requests: wait a minute and try again, or send fewer requests at once\.$/);
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

test("a getToken() that never answers ends at the client timeout, and on cancel; nothing is sent", async () => {
  const hang = () => new Promise(() => {});
  const before = attempts.ok ?? 0;
  await assert.rejects(la_({ timeout: 1, getToken: hang }).execQuery("ok"), /^Error: getToken\(\) \(an access token for https:\/\/api\.loganalytics\.io\/\.default\) did not answer within 1 s \(client timeout\), so nothing was sent\. Check that it resolves/);
  const c = new AbortController();
  setTimeout(() => c.abort(), 100);
  await assert.rejects(la_({ getToken: hang }).execQuery("ok", { signal: c.signal }), /^Error: cancelled$/);
  await assert.rejects(adx_({ timeout: 1, getToken: hang }).execQuery("complete"), /^Error: getToken\(\) \(an access token for http:\/\/127\.0\.0\.1:\d+\/\.default\) did not answer within 1 s \(client timeout\)/);
  assert.equal(attempts.ok ?? 0, before, "no query was sent without a token");
  assert.equal((await la_().execQuery("ok")).numRows, 2, "the next query works");
});

test("the response size cap: Content-Length over it, or a body that grows past it while read; raising it reads the answer", async () => {
  const msg = (size) => new RegExp(`^Error: Log Analytics answered with ${size}, over the response size cap of 100000 bytes \\(0\\.10 MiB\\); it was not read\\. Ask for less \\(take, project, summarize, a shorter time range\\) or raise the cap with the maxResponseBytes option\\.$`);
  await assert.rejects(la_({ maxResponseBytes: 100_000 }).execQuery("big"), msg(`a body of ${BIG_BYTES} bytes \\(0\\.19 MiB\\)`));
  await assert.rejects(la_().execQuery("big-chunked", { maxResponseBytes: 100_000 }), msg("a body larger than that \\(reading stopped at the cap\\)"));
  assert.equal(attempts.big, 1, "not retried");
  const df = await la_({ maxResponseBytes: 100_000 }).execQuery("big", { maxResponseBytes: BIG_BYTES });
  assert.equal(df.toRows()[0].s.length, BIG_BYTES - 92, "the execQuery option wins over connect's");
  assert.equal((await la_().execQuery("big-chunked")).numRows, 1, "the default cap (512 MiB) reads it");
  // a Content-Length of 4 GB under a raised cap: nothing is reserved up front that memory cannot give, so the short
  // body ends as a network error and the module still answers
  await assert.rejects(la_({ maxResponseBytes: 8e9 }).execQuery("lying-length"), /^Error: could not reach Log Analytics at http:\/\/127\.0\.0\.1:\d+\/v1\/workspaces\/[-0-9a-f]+\/query: /);
  assert.equal((await la_().execQuery("ok")).numRows, 2, "the module still answers");
  await assert.rejects(la_().execQuery("ok", { maxResponseBytes: "big" }), /^Error: execQuery: option 'max_response_bytes': expected a whole number ≥ 0, got text "big"/);
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
  await assert.rejects(adx().execQuery("e503"), /^Error: Data Explorer answered HTTP 503: Service Unavailable\. Gave up after 4 attempts \(3 retries\)\. The service is unavailable: try again in a few minutes\.$/);
  assert.equal(attempts["adx:e503"], 4);
});

test("TILookup: each faulty provider answer is its own row with a specific message; the rest of the batch completes", async () => {
  const s = await startTiStandins();
  try {
    const providers = ["VirusTotal", "AbuseIPDB", "GreyNoise"];
    const config = Object.fromEntries(providers.map((p) => [p, { ...s.config[p], timeout: 1 }]));
    const ti = new hb.TILookup({ providers: config });
    const values = [BENIGN[0], TRIGGERS.e500, TRIGGERS.e503, TRIGGERS.storm, TRIGGERS.reset, TRIGGERS.malformed, TRIGGERS.stall, MALICIOUS_IPS[0]];
    const rows = (await ti.lookupIocs(values, { providers })).toRows().map((r) => ({ ...r, Details: JSON.parse(r.Details) }));
    assert.equal(rows.length, values.length * providers.length, "one row per IoC per provider");
    const at = (ioc) => rows.filter((r) => r.Ioc === ioc);
    const proxy = (p) => `${s.base}/${s.prefixes[p]}`.replace(/[.]/g, "\\.");
    const want = {
      [TRIGGERS.e500]: (p) => new RegExp(`^${p} answered HTTP 500: Internal Server Error\\. Gave up after 4 attempts \\(3 retries\\)\\. The service failed on its side`),
      [TRIGGERS.e503]: (p) => new RegExp(`^${p} answered HTTP 503: down for maintenance\\. Gave up after 4 attempts \\(3 retries\\)\\. The service is unavailable`),
      [TRIGGERS.storm]: (p) => new RegExp(`^${p} answered HTTP 429.*Gave up after 4 attempts \\(3 retries\\)\\. The service is throttling requests`),
      [TRIGGERS.reset]: (p) => new RegExp(`^${p} did not answer through the proxy at ${proxy(p)}: the request failed at the network level`),
      [TRIGGERS.malformed]: (p) => new RegExp(`^${p} answered HTTP 200 but the answer is not valid JSON`),
      [TRIGGERS.stall]: (p) => new RegExp(`^${p} did not answer within 1 s \\(the request timeout of this service\\)\\. Try again later, or raise its timeout option\\.$`),
    };
    for (const [ioc, re] of Object.entries(want)) {
      for (const r of at(ioc)) {
        const http = { [TRIGGERS.e500]: " (HTTP 500)", [TRIGGERS.e503]: " (HTTP 503)", [TRIGGERS.storm]: " (HTTP 429)" }[ioc] ?? "";
        assert.equal(r.Status, `error${http}`, `${ioc} / ${r.Provider}`);
        assert.equal(r.Result, false);
        assert.match(r.Details, re(r.Provider), `${ioc} / ${r.Provider}`);
      }
    }
    console.log("TI fault rows:", JSON.stringify(rows.filter((r) => r.Provider === "VirusTotal").map((r) => [r.Ioc, r.Details])));
    for (const r of at(BENIGN[0])) assert.equal(r.Status, "ok", `benign ${r.Provider}`);
    for (const r of at(MALICIOUS_IPS[0])) assert.deepEqual([r.Status, r.Result, r.Severity], ["ok", true, "high"], `malicious ${r.Provider}`);
    const sent = (ioc, p) => s.requests.filter((q) => q.ioc === ioc && q.provider === p).length;
    assert.equal(sent(TRIGGERS.e500, "VirusTotal"), 4, "500 tried 4 times");
    assert.equal(sent(TRIGGERS.storm, "AbuseIPDB"), 4, "429 storm tried 4 times");
    assert.equal(sent(TRIGGERS.malformed, "GreyNoise"), 1, "a malformed 200 is not retried");
  } finally {
    await s.close();
  }
});

test("no unhandled promise rejection through all the faults", async () => {
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(unhandled.map(String), []);
});
