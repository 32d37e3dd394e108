// Arrow IPC hand-off from the built wasm to apache-arrow 17 (pinned by Observable Notebook Kit) and 21:
// LargeUtf8 strings (not Utf8View), Timestamp(ms), exact Int64, on raw and derived tables (group-by, slices, filters).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as arrow21 from "apache-arrow";
import * as arrow17 from "apache-arrow-17";
import { loadHuntbook, fixture, fixtureJSON } from "./helpers.mjs";

const hb = await loadHuntbook();

const BIG = {
  tables: [{
    name: "PrimaryResult",
    columns: [
      { name: "Big", type: "long" }, { name: "When", type: "datetime" }, { name: "Name", type: "string" },
      { name: "Ok", type: "bool" }, { name: "R", type: "real" }, { name: "Span", type: "timespan" }, { name: "N", type: "int" },
    ],
    rows: [
      ["@9007199254740993", "2024-03-01T12:34:56.7654321Z", "alpha", true, 1.5, "1.00:00:00.5", 7],
      ["@-9223372036854775807", "2024-03-02T00:00:00Z", "βeta ünïcode", false, null, "00:00:01", null],
      [42, null, "", null, -2.25, null, -1],
    ],
  }],
};
const BIG_TEXT = JSON.stringify(BIG).replace(/"@(-?\d+)"/g, "$1");

for (const [label, Arrow] of [["apache-arrow 17", arrow17], ["apache-arrow 21", arrow21]]) {
  test(`${label}: types are LargeUtf8, Timestamp(ms), Int64, Duration(ms)`, () => {
    const t = hb.readTables(BIG_TEXT).tables[0].toArrow(Arrow);
    const type = (n) => t.schema.fields.find((f) => f.name === n).type;
    assert.equal(type("Name").typeId, Arrow.Type.LargeUtf8);
    assert.equal(type("When").typeId, Arrow.Type.Timestamp);
    assert.equal(type("When").unit, Arrow.TimeUnit.MILLISECOND);
    assert.equal(type("Big").typeId, Arrow.Type.Int);
    assert.equal(type("Big").bitWidth, 64);
    assert.equal(type("N").bitWidth, 32);
    assert.equal(type("Ok").typeId, Arrow.Type.Bool);
    assert.equal(type("Span").typeId, Arrow.Type.Duration);
  });

  test(`${label}: values survive the round trip`, () => {
    const t = hb.readTables(BIG_TEXT).tables[0].toArrow(Arrow);
    assert.equal(t.numRows, 3);
    assert.deepEqual(Array.from(t.getChild("Big")), [9007199254740993n, -9223372036854775807n, 42n]);
    const when = t.getChild("When");
    assert.equal(Number(when.get(0)), Date.parse("2024-03-01T12:34:56.765Z"));
    assert.equal(when.get(2), null);
    assert.deepEqual(Array.from(t.getChild("Name")), ["alpha", "βeta ünïcode", ""]);
    assert.deepEqual(Array.from(t.getChild("Ok")), [true, false, null]);
    assert.deepEqual(Array.from(t.getChild("R")), [1.5, null, -2.25]);
    assert.equal(Number(t.getChild("Span").get(0)), 86400500);
    assert.deepEqual(Array.from(t.getChild("N")), [7, null, -1]);
  });

  test(`${label}: Log Analytics fixture and derived tables (group-by, slices, filter)`, () => {
    const raw = fixtureJSON("loganalytics/az_mon_raw_query.json").tables[0];
    const df = hb.readTables(fixture("loganalytics/az_mon_raw_query.json")).tables[0];
    const t = df.toArrow(Arrow);
    assert.equal(t.numRows, raw.rows.length);
    assert.equal(t.numCols, raw.columns.length);
    const name = raw.columns.findIndex((c) => c.name === "AlertName");
    assert.deepEqual(Array.from(t.getChild("AlertName")), raw.rows.map((r) => r[name]));

    const procs = hb.readTables(fixture("tour/asn_processes_on_host.la.json")).tables[0];
    const counts = procs.valueCounts("Account").toArrow(Arrow);
    assert.equal(counts.getChild("Account").get(0), "WORKGROUP\\MSTICAlertsWin1$");
    assert.equal(Number(counts.getChild("count").get(0)), 22715);
    const total = Array.from(counts.getChild("count")).reduce((a, b) => a + Number(b), 0);
    assert.equal(total, 22979);

    const rawP = fixtureJSON("tour/asn_processes_on_host.la.json").tables[0];
    const cmd = rawP.columns.findIndex((c) => c.name === "CommandLine");
    const tg = rawP.columns.findIndex((c) => c.name === "TimeGenerated");
    const slice = procs.slice(10000, 7).toArrow(Arrow);
    assert.deepEqual(Array.from(slice.getChild("CommandLine")), rawP.rows.slice(10000, 10007).map((r) => r[cmd]));
    assert.deepEqual(
      Array.from(slice.getChild("TimeGenerated"), Number),
      rawP.rows.slice(10000, 10007).map((r) => Math.floor(Date.parse(r[tg]))),
    );
    const admin = procs.filter("Account", "MSTICAlertsWin1\\MSTICAdmin").toArrow(Arrow);
    assert.equal(admin.numRows, 162);
    assert.ok(Array.from(admin.getChild("Account")).every((a) => a === "MSTICAlertsWin1\\MSTICAdmin"));
    const grouped = procs.groupBy(["Account", "EventID"]).count().head(3).toArrow(Arrow);
    assert.equal(grouped.numRows, 3);
    assert.equal(grouped.getChild("EventID").get(0), 4688);
  });
}
