// Fault injection in Chromium (issue #14, item 4): Log Analytics queries through huntbook's wasm transport (fetch)
// against the loopback fault server of tests/standins/faults.mjs (the same server the Node tier uses): a connection
// reset mid-body, truncated JSON, 500 (retried, then a clear error), a 429 storm, a body that stalls (timeout and
// cancel), a getToken() that never answers (timeout and cancel), the response size cap (Content-Length and while
// reading), PartialError (flagged in toElement() and toHTML()); then no unhandled rejection on the page, no console
// error other than the browser's own log of the failed loads, and a good query and `print 1` still answer.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { openBrowser } from "./browser.mjs";
import { startFaultServer, WS, BIG_BYTES } from "../standins/faults.mjs";

let b;
let f;

before(async () => {
  b = await openBrowser();
  f = await startFaultServer();
});
after(async () => {
  await f.close();
  await b.close();
});

test("faults in Chromium: each gives its specific message, partial results are flagged, the page keeps working", async () => {
  const { page, errors } = await b.newPage();
  await page.goto(`${b.base}/e2e/blank.html`);
  const got = await page.evaluate(async ({ pkg, base, WS }) => {
    const unhandled = [];
    window.addEventListener("unhandledrejection", (e) => unhandled.push(String(e.reason?.message ?? e.reason)));
    const huntbook = await import(pkg);
    await huntbook.init();
    const connect = (extra = {}) => new huntbook.QueryProvider("MSSentinel")
      .connect({ workspaceId: WS, baseUrl: base, getToken: async () => "tok", ...extra });
    const message = (p) => p.then(() => "resolved", (e) => String(e?.message ?? e));
    const out = {};
    out.reset = await message(connect().execQuery("reset"));
    out.truncated = await message(connect().execQuery("truncated"));
    out.e500 = await message(connect().execQuery("e500"));
    out.storm = await message(connect().execQuery("storm"));
    out.stallTimeout = await message(connect({ timeout: 1 }).execQuery("slow-body"));
    const c1 = new AbortController();
    setTimeout(() => c1.abort(), 200);
    out.stallCancel = await message(connect().execQuery("slow-body", { signal: c1.signal }));
    const hang = () => new Promise(() => {});
    out.tokenTimeout = await message(connect({ timeout: 1, getToken: hang }).execQuery("ok"));
    const c2 = new AbortController();
    setTimeout(() => c2.abort(), 200);
    out.tokenCancel = await message(connect({ getToken: hang }).execQuery("ok", { signal: c2.signal }));
    out.bigAnnounced = await message(connect({ maxResponseBytes: 100000 }).execQuery("big"));
    out.bigRead = await message(connect({ maxResponseBytes: 100000 }).execQuery("big-chunked"));
    out.bigRaised = (await connect().execQuery("big-chunked")).toRows()[0].s.length;
    out.lyingLength = await message(connect({ maxResponseBytes: 8e9 }).execQuery("lying-length"));
    const partial = await connect().execQuery("partial");
    const el = partial.toElement();
    document.body.append(el);
    out.partial = {
      code: partial.error?.code,
      rows: partial.numRows,
      elementText: el.textContent,
      elementHasBold: !!el.querySelector("b"),
      html: partial.toHTML(),
      headHtml: partial.head(1).toHTML(),
    };
    out.okAfter = (await connect().execQuery("ok")).toRows();
    out.print1 = new huntbook.LocalData().query("print x = 1").toRows();
    await new Promise((r) => setTimeout(r, 300));
    out.unhandled = unhandled;
    return out;
  }, { pkg: `${b.base}/huntbook/index.js`, base: f.base, WS });

  const la = `Log Analytics`;
  const url = new RegExp(`^could not reach ${la} at http://127\\.0\\.0\\.1:\\d+/v1/workspaces/${WS}/query: `);
  assert.match(got.reset, url, got.reset);
  assert.match(got.reset, /Check the network/);
  assert.match(got.lyingLength, url, "a 4 GB Content-Length on a short body: a network error, not a trapped module");
  assert.match(got.truncated, /^Log Analytics answered 200 but the body is not a valid query response/);
  assert.equal(got.e500, "Log Analytics answered HTTP 500 InternalServerError: boom. Gave up after 4 attempts (3 retries). The service failed on its side: try again in a few minutes; if it keeps failing, check the service's status page.");
  assert.equal(f.attempts.e500, 4);
  assert.match(got.storm, /^Log Analytics answered HTTP 429 TooManyRequests: storm\. Gave up after 4 attempts \(3 retries\)\. The service is throttling requests/);
  assert.equal(f.attempts.storm, 4);
  assert.equal(got.stallTimeout, "Log Analytics did not answer within 1 s (client timeout). Narrow the query or raise the timeout.");
  assert.equal(got.stallCancel, "cancelled");
  assert.match(got.tokenTimeout, /^getToken\(\) \(an access token for https:\/\/api\.loganalytics\.io\/\.default\) did not answer within 1 s \(client timeout\), so nothing was sent\./);
  assert.equal(got.tokenCancel, "cancelled");
  assert.equal(f.attempts.ok, 1, "only the final good query reached the server: no query went out without a token");
  assert.equal(got.bigAnnounced, `Log Analytics answered with a body of ${BIG_BYTES} bytes (0.19 MiB), over the response size cap of 100000 bytes (0.10 MiB); it was not read. Ask for less (take, project, summarize, a shorter time range) or raise the cap with the maxResponseBytes option.`);
  assert.match(got.bigRead, /^Log Analytics answered with a body larger than that \(reading stopped at the cap\), over the response size cap of 100000 bytes/);
  assert.equal(got.bigRaised, BIG_BYTES - 92, "with the default cap the whole answer is read");

  assert.equal(got.partial.code, "PartialError");
  assert.equal(got.partial.rows, 2);
  assert.match(got.partial.elementText, /Partial result/);
  assert.match(got.partial.elementText, /<b>limit<\/b> exceeded/, "the server's text shows literally");
  assert.equal(got.partial.elementHasBold, false);
  for (const h of [got.partial.html, got.partial.headHtml]) {
    assert.match(h, /Partial result/);
    assert.ok(!h.includes("<b>limit</b>"), "escaped in toHTML");
  }

  assert.deepEqual(got.okAfter, [{ Account: "alice", n: 3 }, { Account: "bob", n: 4 }]);
  assert.deepEqual(got.print1, [{ x: 1 }]);
  assert.deepEqual(got.unhandled, []);
  // Chromium logs each failed load itself ("Failed to load resource: … 500/429", net::ERR_…); nothing else.
  const unexpected = errors.filter((e) => !/^Failed to load resource: (the server responded with a status of (429|500) |net::ERR_)/.test(e));
  assert.deepEqual(unexpected, []);
  console.log("reset in Chromium:", got.reset);
  console.log("console errors (the browser's own):", errors.length, JSON.stringify([...new Set(errors)]));
});
