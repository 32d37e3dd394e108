// Issue #14 in the built package: partial results stay flagged through every verb and rendering; hostile display
// characters show visibly; tokens with control characters are refused without being echoed; and after a trap the
// module says so or recovers — never a silent dead module.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadHuntbook } from "./helpers.mjs";

const hb = await loadHuntbook();

const PARTIAL = JSON.stringify({
  tables: [{
    name: "PrimaryResult",
    columns: [{ name: "TimeGenerated", type: "datetime" }, { name: "User", type: "string" }, { name: "N", type: "long" }],
    rows: [["2024-01-01T00:00:00Z", "alice", 1], ["2024-01-01T01:00:00Z", "bob", 2], ["2024-01-01T02:00:00Z", "alice", 3]],
  }],
  error: { code: "PartialError", message: "There were some errors <img src=x onerror=alert(1)> processing." },
});

test("a PartialError is carried by every DataFrame verb and shown by toHTML", () => {
  const { tables, error } = hb.readTables(PARTIAL);
  assert.equal(error.code, "PartialError");
  const df = tables[0];
  assert.equal(df.error.code, "PartialError");
  const derived = {
    head: df.head(2), slice: df.slice(1, 1), select: df.select(["User"]), filter: df.filter("User", "alice"),
    isin: df.isin("User", ["bob"]), sort: df.sort("N", { descending: true }), groupBy: df.groupBy("User").count(),
    valueCounts: df.valueCounts("User"), rename: df.rename({ User: "Account" }), withColumn: df.withColumn("k", 1),
    addTime: df.addTime("t2", "TimeGenerated", "1h"), shiftToNow: df.shiftToNow(),
    chained: df.filter("User", "alice").sort("N").head(1).select(["N"]),
  };
  for (const [verb, d] of Object.entries(derived)) {
    assert.equal(d.error?.code, "PartialError", `${verb} keeps df.error`);
    const html = d.toHTML();
    assert.match(html, /^<div class="huntbook-partial" role="alert">Partial result — the service reported: PartialError: There were some errors &lt;img src=x onerror=alert\(1\)&gt; processing\.<\/div>/, verb);
    assert.ok(!html.includes("<img"), verb);
  }
  // A whole table: no banner, no error.
  const whole = hb.readTables(JSON.stringify({ tables: [{ name: "T", columns: [{ name: "x", type: "long" }], rows: [[1]] }] })).tables[0];
  assert.equal(whole.error, null);
  assert.ok(!whole.head(1).toHTML().includes("huntbook-partial"));
  // Setting df.error marks a table (a provider's error), clearing it unmarks.
  const marked = whole.head(1);
  marked.error = { code: "Cancelled", message: "stopped" };
  assert.match(marked.select(["x"]).toHTML(), /huntbook-partial[^>]*>Partial result — the service reported: stopped</);
  marked.error = null;
  assert.ok(!marked.toHTML().includes("huntbook-partial"));
});

test("the timeline model's footnotes say the result is partial", () => {
  const df = hb.readTables(PARTIAL).tables[0].head(2);
  const model = new hb.TimelineModel(df, {});
  const notes = model.layout.notes;
  assert.ok(notes[0].startsWith("Partial result — the service reported: PartialError"), JSON.stringify(notes));
});

test("bidi controls and invisible characters show visibly in HTML and in text JS puts on the page", async () => {
  const df = hb.readTables(JSON.stringify({
    tables: [{ name: "T", columns: [{ name: "File", type: "string" }], rows: [["invoice\u202Efdp.exe"], ["micro\u200Bsoft.com"]] }],
  })).tables[0];
  const html = df.toHTML();
  assert.ok(html.includes("<td>invoice⟨U+202E⟩fdp.exe</td>"), html);
  assert.ok(html.includes("<td>micro⟨U+200B⟩soft.com</td>"), html);
  assert.ok(!/[\u202A-\u202E\u2066-\u2069\u200B]/.test(html));
  // the helper every widget, tooltip, legend and canvas label goes through (widgets/dom.js → Rust show_hidden)
  const { visible, fitText } = hb.__internals; // widgets/dom.js and vis/canvas.js, inside the one-module index.js
  assert.equal(visible("a\u2067b\u2069 c\u200Fd"), "a⟨U+2067⟩b⟨U+2069⟩ c⟨U+200F⟩d");
  assert.equal(visible("plain ascii"), "plain ascii");
  const ctx = { measureText: (t) => ({ width: t.length }) };
  assert.equal(fitText(ctx, "evil\u202Egnp.js", 100), "evil⟨U+202E⟩gnp.js");
});

test("a token or key with CR/LF is refused on every path without being echoed", async () => {
  const BAD = "tok-SECRET-123\r\nX-Injected: 1";
  const base = "http://127.0.0.1:9"; // loopback: never reached, the token is refused first
  const noEcho = (e) => {
    assert.ok(!e.message.includes("SECRET") && !e.message.includes("Injected"), `echoed: ${e.message}`);
    assert.match(e.message, /control or non-ASCII character/);
    return true;
  };
  const la = new hb.QueryProvider("LogAnalytics").connect({ workspaceId: "ws", baseUrl: base, getToken: () => BAD });
  await assert.rejects(la.execQuery("T | take 1"), noEcho);
  const adx = new hb.QueryProvider("Kusto").connect({ cluster: base, database: "db", getToken: async () => BAD });
  await assert.rejects(adx.execQuery("T | take 1"), noEcho);
  const arm = new hb.QueryProvider("MSSentinel").connect({
    workspaceId: "ws", baseUrl: base, getToken: () => "fine",
    arm: { subscriptionId: "s", resourceGroup: "r", workspaceName: "w", baseUrl: base, getToken: () => BAD },
  });
  await assert.rejects(arm.schemaTables(), noEcho);
  for (const provider of ["VirusTotal", "OTX", "AbuseIPDB"]) {
    assert.throws(() => new hb.TILookup({ providers: { [provider]: { key: BAD } } }), noEcho, provider);
  }
});

test("http:// base URLs, clusters and proxies are refused unless they are loopback", async () => {
  const la = new hb.QueryProvider("LogAnalytics").connect({ workspaceId: "ws", baseUrl: "http://api.loganalytics.io", getToken: () => "SECRET" });
  await assert.rejects(la.execQuery("T | take 1"), /uses http:\/\/, which would send tokens and keys unencrypted: use https:\/\//);
  const adx = new hb.QueryProvider("Kusto").connect({ cluster: "http://help.kusto.windows.net", database: "db", getToken: () => "SECRET" });
  await assert.rejects(adx.execQuery("T | take 1"), /uses http:\/\//);
  const ti = new hb.TILookup({ providers: { OTX: { key: "k", proxy: "http://10.1.2.3:8080/otx/" } } });
  const df = await ti.lookupIoc("8.8.8.8", { providers: ["OTX"] });
  assert.match(JSON.stringify(df.toRows()), /uses http:\/\//);
});
