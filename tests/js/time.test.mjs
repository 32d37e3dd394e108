// One time grammar: QueryTime, query parameters and frame reading all read times through the wasm core — offsets
// like "-2w@d" work everywhere, text without a zone is UTC everywhere, and a Date works wherever a time is read.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadHuntbook } from "./helpers.mjs";

// A zone far from UTC, so reading zone-less text as local time (JS's `new Date("2024-01-15T10:00")`) would show.
process.env.TZ = "Pacific/Chatham";

const hb = await loadHuntbook();
await hb.loadDemo();
const qp = new hb.QueryProvider("LocalData");

/** The datetime(…) literals of rendered KQL. */
const literals = (kql) => [...kql.matchAll(/datetime\(([^)]+)\)/g)].map((m) => m[1]);
/** A Date as the query catalog writes it into KQL (7 fraction digits). */
const kqlText = (d) => d.toISOString().replace(/\.(\d{3})Z$/, ".$10000Z");

test('new QueryTime({start: "-2w@d"}) works and equals what the query parameter "-2w@d" renders to', () => {
  const before = new hb.QueryTime({ start: "-2w@d" });
  const kql = qp.renderQuery("SecurityAlert.list_alerts", { start: "-2w@d" });
  const after = new hb.QueryTime({ start: "-2w@d" });
  const rendered = literals(kql)[0];
  // Rendering happened between the two (a midnight may pass in between: then it equals one of them).
  assert.ok([kqlText(before.start), kqlText(after.start)].includes(rendered), `${rendered} vs ${before.start.toISOString()}`);
  // Midnight UTC of the day two weeks ago.
  assert.match(before.start.toISOString(), /T00:00:00\.000Z$/);
  const twoWeeks = 14 * 86400e3;
  assert.ok(Date.now() - before.start.getTime() >= twoWeeks && Date.now() - before.start.getTime() < twoWeeks + 86400e3);
});

test("QueryTime offsets are counted from `now`, with msticpy's units and rounding", () => {
  const now = Date.UTC(2024, 0, 15, 10, 30, 45, 500);
  const at = (start) => new hb.QueryTime({ start, end: now, now }).start.toISOString();
  assert.equal(at("-2w@d"), "2024-01-01T00:00:00.000Z");
  assert.equal(at("-1mon@mon"), "2023-12-01T00:00:00.000Z");
  assert.equal(at("-1y"), "2023-01-15T10:30:45.500Z");
  assert.equal(at("-1.5h"), "2024-01-15T09:00:45.500Z");
  assert.equal(at("-1d@h"), "2024-01-14T10:00:00.000Z");
  assert.equal(at("-1"), "2024-01-14T10:30:45.500Z"); // a number of days, as msticpy reads text
  assert.equal(at(new Date(Date.UTC(2024, 0, 2))), "2024-01-02T00:00:00.000Z");
  assert.equal(at(Date.UTC(2024, 0, 3)), "2024-01-03T00:00:00.000Z"); // a number is epoch ms
  assert.equal(at("Wed, 03 Jan 2024 00:00:00 GMT"), "2024-01-03T00:00:00.000Z");
  const t = new hb.QueryTime({ now }).last("7d", now);
  assert.equal(t.toString(), "2024-01-08T10:30:45.500Z – 2024-01-15T10:30:45.500Z");
  assert.throws(() => new hb.QueryTime({ start: "last tuesday", now }), (e) => e instanceof TypeError && /'last tuesday' is not a datetime: use ISO 8601 text/.test(e.message));
  assert.throws(() => new hb.QueryTime({ start: "-1d@w", now }), /cannot round to '@w'/);
  assert.throws(() => new hb.QueryTime({ start: "-99999999d", now }), /out of range/);
  assert.throws(() => new hb.QueryTime({ start: new Date(NaN), now }), /invalid Date/);
  assert.throws(() => t.last("soon"), /'soon' is not a timespan/);
  assert.equal(hb.parseOffset("-1d"), -86400e3);
  assert.equal(hb.parseOffset("1.5h"), 5400e3);
  assert.equal(hb.parseOffset("100ms"), 100);
  assert.equal(hb.parseOffset("1.02:00:00"), 26 * 3600e3);
  assert.equal(hb.parseOffset("soon"), null);
});

test("zone-less dates are UTC: QueryTime, query parameters and frame reading", () => {
  const utc = "2024-01-15T10:00:00.000Z";
  assert.notEqual(new Date("2024-01-15T10:00").toISOString(), utc, "the test runs in a zone other than UTC");
  // QueryTime (JS's new Date("2024-01-15T10:00") would be local time).
  const t = new hb.QueryTime({ start: "2024-01-15T10:00", end: "2024-01-15 12:00:00" });
  assert.equal(t.start.toISOString(), utc);
  assert.equal(t.end.toISOString(), "2024-01-15T12:00:00.000Z");
  // A query parameter, and the default range from that QueryTime.
  const kql = qp.renderQuery("SecurityAlert.list_alerts", { start: "2024-01-15T10:00", end: "2024-01-15 12:00" });
  assert.deepEqual(literals(kql).slice(0, 2), ["2024-01-15T10:00:00.0000000Z", "2024-01-15T12:00:00.0000000Z"]);
  const withTime = new hb.QueryProvider("LocalData", { queryTime: t });
  assert.deepEqual(literals(withTime.renderQuery("SecurityAlert.list_alerts")).slice(0, 2), ["2024-01-15T10:00:00.0000000Z", "2024-01-15T12:00:00.0000000Z"]);
  // Frame reading: a Log Analytics response and CSV text with zone-less datetimes.
  const la = JSON.stringify({ tables: [{ name: "T", columns: [{ name: "t", type: "datetime" }], rows: [["2024-01-15T10:00:00"], ["2024-01-15 10:00"]] }] });
  const df = hb.readTables(la).tables[0];
  assert.deepEqual(df.toRows().map((r) => r.t.toISOString()), [utc, utc]);
  const csv = hb.readTables("t,n\n2024-01-15 10:00:00,1\n2024-01-16 10:00:00,2\n", { format: "csv" }).tables[0];
  assert.equal(csv.dtypes.t, "datetime");
  assert.equal(csv.row(0).t.toISOString(), utc);
  // Filtering a datetime column by zone-less text, a Date or epoch ms picks the same row.
  for (const v of ["2024-01-15T10:00", new Date(utc), Date.parse(utc)]) assert.equal(csv.filter("t", v).row(0).n, 1, String(v));
});

test("a Date works as a query parameter; a number there is days from now (msticpy)", () => {
  const start = new Date("2024-01-15T10:00:00Z");
  const kql = qp.renderQuery("SecurityAlert.list_alerts", { start, end: new Date("2024-01-15T12:00:00.250Z") });
  assert.deepEqual(literals(kql).slice(0, 2), ["2024-01-15T10:00:00.0000000Z", "2024-01-15T12:00:00.2500000Z"]);
  // A number as a query parameter is a number of days from now (msticpy), not epoch ms.
  const days = literals(qp.renderQuery("SecurityAlert.list_alerts", { start: -3 }))[0];
  const ago = Date.now() - Date.parse(days);
  assert.ok(ago >= 3 * 86400e3 && ago < 3 * 86400e3 + 60e3, days);
});
