// The DataFrame bridge of the built package: Log Analytics fixtures in, values, verbs, rows, HTML and errors out.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { loadHuntbook, fixture, fixtureJSON, fixtures, dist } from "./helpers.mjs";

const hb = await loadHuntbook();

const TOUR = fs.readdirSync(path.join(fixtures, "tour")).filter((f) => f.endsWith(".la.json"));

test("package.json has exports, types and the wasm beside the entry", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(dist, "package.json"), "utf8"));
  assert.equal(pkg.type, "module");
  assert.equal(pkg.exports["."].default, "./index.js");
  assert.equal(pkg.exports["."].types, "./index.d.ts");
  assert.equal(pkg.types, "./index.d.ts");
  assert.ok(pkg.exports["./huntbook_wasm_bg.wasm"]);
  for (const f of pkg.files) assert.ok(fs.existsSync(path.join(dist, f)), `${f} is in the package`);
  const dts = fs.readFileSync(path.join(dist, "index.d.ts"), "utf8");
  for (const name of ["loadDemo", "loadTable", "readTables", "class DataFrame", "valueCounts", "toArrow"]) {
    assert.ok(dts.includes(name), `index.d.ts describes ${name}`);
  }
});

for (const file of [...TOUR.map((f) => `tour/${f}`), "loganalytics/az_mon_raw_query.json"]) {
  test(`reads ${file} with the row count, types and values of the response`, () => {
    const raw = fixtureJSON(file).tables[0];
    const { tables, error } = hb.readTables(fixture(file));
    assert.equal(error, null);
    const df = tables[0];
    assert.deepEqual(df.shape, [raw.rows.length, raw.columns.length]);
    assert.deepEqual(df.columns, raw.columns.map((c) => c.name));
    assert.deepEqual(Object.values(df.dtypes), raw.columns.map((c) => c.type));
    assert.deepEqual(df.notes, []);
    // Compare every string and number of the first, middle and last rows with the JSON itself.
    const rows = [0, raw.rows.length >> 1, raw.rows.length - 1];
    for (const i of rows) {
      const got = df.row(i);
      raw.columns.forEach((c, j) => {
        const want = raw.rows[i][j];
        const v = got[c.name];
        if (want === null) assert.equal(v, null, `${c.name}[${i}]`);
        else if (c.type === "datetime") assert.equal(v.getTime(), Date.parse(want), `${c.name}[${i}]`);
        else if (c.type === "timespan") assert.equal(typeof v, "number");
        else if (c.type === "real" && typeof want === "string") assert.ok(Number.isNaN(v) || v === Number(want));
        else assert.equal(v, want, `${c.name}[${i}]`);
      });
    }
  });
}

test("tour values: alert names, accounts, sign-in IPs", () => {
  const alerts = hb.readTables(fixture("tour/asn_alerts_list.la.json")).tables[0];
  const counts = alerts.valueCounts("AlertName").toRows();
  assert.deepEqual(counts[0], { AlertName: "SSH Anomalous Login ML", count: 30 });
  assert.deepEqual(counts[1], { AlertName: "Detected suspicious file download", count: 4 });
  const procs = hb.readTables(fixture("tour/asn_processes_on_host.la.json")).tables[0];
  assert.equal(procs.numRows, 22979);
  const byAccount = procs.valueCounts("Account").toRows(0, 3);
  assert.deepEqual(byAccount.map((r) => [r.Account, r.count]), [
    ["WORKGROUP\\MSTICAlertsWin1$", 22715],
    ["MSTICAlertsWin1\\MSTICAdmin", 162],
    ["MSTICAlertsWin1\\ian", 56],
  ]);
  const logons = hb.readTables(fixture("tour/asn_aad_logons.la.json")).tables[0];
  assert.deepEqual(logons.valueCounts("IPAddress").row(0), { IPAddress: "109.88.218.99", count: 61 });
  assert.equal(logons.filter("IPAddress", "109.88.218.99").numRows, 61);
  assert.equal(logons.isin("IPAddress", ["109.88.218.99", "73.35.204.105"]).numRows, 72);
});

test("exchange admin timespans and dynamic lists", () => {
  const df = hb.readTables(fixture("tour/asn_exchange_admin.la.json")).tables[0];
  assert.equal(df.dtypes.duration, "timespan");
  assert.equal(df.dtypes.cmds, "dynamic");
  const first = df.row(0);
  assert.equal(first.duration, 0);
  assert.equal(JSON.parse(first.cmds)[0], "Set-ConditionalAccessPolicy");
  const withEnd = df.addTime("end2", "begin", "duration");
  const r = withEnd.toRows();
  for (const row of r) if (row.begin && row.end) assert.equal(row.end2.getTime(), row.end.getTime());
});

test("exact longs beyond 2^53, NaN reals and 7-digit datetimes survive rows", () => {
  const json = JSON.stringify({
    tables: [{
      name: "PrimaryResult",
      columns: [{ name: "Big", type: "long" }, { name: "R", type: "real" }, { name: "T", type: "datetime" }],
      rows: [["9007199254740993", "NaN", "2024-01-01T00:00:00.1234567Z"], [5, "-Infinity", null]],
    }],
  }).replace('"9007199254740993"', "9007199254740993");
  const df = hb.readTables(json).tables[0];
  const rows = df.toRows();
  assert.equal(rows[0].Big, 9007199254740993n);
  assert.equal(rows[1].Big, 5);
  assert.ok(Number.isNaN(rows[0].R));
  assert.equal(rows[1].R, -Infinity);
  assert.equal(rows[0].T.toISOString(), "2024-01-01T00:00:00.123Z");
  assert.ok(df.toHTML().includes("2024-01-01T00:00:00.1234567Z"), "HTML keeps the full precision");
});

test("pandas-appendix verbs", () => {
  const df = hb.readTables(fixture("tour/asn_host_logons.la.json")).tables[0];
  assert.deepEqual(df.head(3).shape, [3, df.shape[1]]);
  const sel = df.select(["Account", "LogonType"]);
  assert.deepEqual(sel.columns, ["Account", "LogonType"]);
  const grouped = df.groupBy("LogonType").count().toRows();
  const raw = fixtureJSON("tour/asn_host_logons.la.json").tables[0];
  const lt = raw.columns.findIndex((c) => c.name === "LogonType");
  const want = {};
  for (const r of raw.rows) want[r[lt]] = (want[r[lt]] ?? 0) + 1;
  assert.deepEqual(Object.fromEntries(grouped.map((r) => [r.LogonType, r.count])), want);
  assert.deepEqual(grouped.map((r) => r.LogonType), [...grouped.map((r) => r.LogonType)].sort((a, b) => a - b));
  const renamed = sel.rename({ Account: "User" });
  assert.deepEqual(renamed.columns, ["User", "LogonType"]);
  const constant = sel.withColumn("Source", "tour");
  assert.equal(constant.row(-1).Source, "tour");
  const sorted = df.sort("TimeGenerated", { descending: true }).toRows(0, 2);
  assert.ok(sorted[0].TimeGenerated >= sorted[1].TimeGenerated);
  const later = df.addTime("Later", "TimeGenerated", "1d").row(0);
  assert.equal(later.Later - later.TimeGenerated, 86400000);
});

test("bad column names say which columns exist", () => {
  const df = hb.readTables(fixture("tour/asn_aad_logons.la.json")).tables[0];
  assert.throws(() => df.valueCounts("IpAdress"), /unknown column 'IpAdress' \(did you mean 'IPAddress'\?\)\. Columns are: TenantId, SourceSystem/);
  assert.throws(() => df.select(["Nope"]), /Columns are:/);
  assert.throws(() => df.row(1000), /outside the table/);
  assert.throws(() => hb.readTables("{not json"), /could not read/);
});

test("HTML escapes attacker-controlled cells and truncates long tables", () => {
  const evil = '<img src=x onerror="alert(1)">';
  const json = JSON.stringify({
    tables: [{ name: "T", columns: [{ name: "<b>col</b>", type: "string" }], rows: Array.from({ length: 30 }, () => [evil]) }],
  });
  const html = hb.readTables(json).tables[0].toHTML({ maxRows: 10 });
  assert.ok(!html.includes("<img"), "no markup from the data");
  assert.ok(!html.includes("<b>"), "no markup from column names");
  assert.ok(html.includes("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"));
  assert.ok(html.includes("20 more rows"));
  assert.equal((html.match(/<tr>/g) || []).length, 11);
});

test("partial errors come back beside the table", () => {
  const json = JSON.stringify({
    tables: [{ name: "PrimaryResult", columns: [{ name: "x", type: "long" }], rows: [[1], [2]] }],
    error: {
      code: "PartialError", message: "There were some errors when processing your query.",
      details: [{ code: "EngineError", message: "Something went wrong", innererror: { code: "LimitsExceeded", message: "Query result set has exceeded the internal data size limit 64000000" } }],
    },
  });
  const { tables, error } = hb.readTables(json);
  assert.equal(tables[0].numRows, 2);
  assert.equal(error.code, "PartialError");
  assert.equal(error.innermost, "Query result set has exceeded the internal data size limit 64000000");
  assert.deepEqual(tables[0].error, error);
});

test("tables load from a File/Blob, CSV text and JSON rows", async () => {
  const file = new File([fixture("tour/mp_failed_logons.la.json")], "mp_failed_logons.la.json");
  const df = await hb.loadTable(file, { shiftToNow: true, now: Date.UTC(2030, 0, 1) });
  assert.equal(df.name, "mp_failed_logons");
  assert.equal(df.numRows, 4);
  const newest = Math.max(...df.toRows().map((r) => r.TimeGenerated.getTime()));
  assert.equal(newest, Date.UTC(2030, 0, 1));
  const csv = await hb.loadTable(new Blob(["When,User,Count\n2024-01-01T00:00:00Z,alice,3\n2024-01-02T00:00:00Z,\"bob, jr\",4\n"]), { format: "csv", name: "c" });
  assert.deepEqual(csv.dtypes, { When: "datetime", User: "string", Count: "long" });
  assert.equal(csv.row(1).User, "bob, jr");
  const rows = await hb.loadTable('[{"a":1,"b":{"x":[1,2]}},{"a":2}]', { name: "j" });
  assert.deepEqual(rows.dtypes, { a: "long", b: "dynamic" });
  assert.equal(rows.dynamicPath("b", "x[1]", "x1").row(0).x1, 2);
});
