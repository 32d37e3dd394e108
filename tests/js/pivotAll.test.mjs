// pivotAll on the demo data in Node (offline: demo enrichment), against the built package: the C2 alert as a one-row
// DataFrame, its results and combined timeline checked against the result frames, the time range, the functions
// filter, progress, errors, and the typings.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { loadHuntbook, typecheck } from "./helpers.mjs";

let hb, qp, pivot, alerts;
const C2 = "Communication with known C2 domain";

before(async () => {
  hb = await loadHuntbook();
  await hb.loadDemo();
  hb.useDemoEnrichment(true);
  qp = new hb.QueryProvider("LocalData", { queryTime: new hb.QueryTime({ start: "-5d" }) });   // as the Tour
  pivot = new hb.Pivot({ queryProvider: qp });
  alerts = await qp.execQuery("SecurityAlert");
});

after(() => hb.useDemoEnrichment(false));

test("pivotAll on the C2 alert: every pivot, one combined timeline traceable to the result rows", async () => {
  const alert = alerts.filter("AlertName", C2);
  assert.equal(alert.numRows, 1);
  const progress = [];
  const inv = await hb.pivotAll(alert, { pivot, onProgress: (d, t) => progress.push([d, t]) });
  assert.deepEqual(inv.labels, [C2, "WKS-FIN-07.contoso.com", "10.0.2.17", "203.0.113.66", "cdn-updates.northwind-sync.xyz",
    "https://cdn-updates.northwind-sync.xyz/api/beacon"]);
  assert.equal(inv.results.length, 63);
  assert.equal(inv.complete, true, JSON.stringify(inv.results.filter((r) => r.error).map((r) => [r.function, r.error])));
  assert.deepEqual(progress[0], [0, 63]);
  assert.deepEqual(progress.at(-1), [63, 63]);
  assert.ok(progress.every(([d], i) => i === 0 || d === progress[i - 1][0] + 1), "one step per finished pivot");
  // The Url's Host is read from the alert's bare Url, so its DNS pivots run too: nothing is skipped.
  assert.deepEqual(inv.skipped.map((s) => [s.label, s.function, s.reason]), []);
  assert.equal(inv.results.find((r) => r.function === "Url.util.dns_components").frame.row(0).domain, "northwind-sync");
  // TI found the C2 address and domain; the firewall saw the beacons.
  const result = (fn, label) => inv.results.find((r) => r.function === fn && r.label === label);
  const tiIp = result("IpAddress.ti.lookup_ip", "203.0.113.66").frame.toRows();
  assert.ok(tiIp.some((r) => r.Result === true && r.Ioc === "203.0.113.66"), JSON.stringify(tiIp));
  const tiDns = result("Dns.ti.lookup_dns", "cdn-updates.northwind-sync.xyz").frame.toRows();
  assert.ok(tiDns.some((r) => r.Result === true), JSON.stringify(tiDns));
  assert.equal(result("Url.MSSentinel.list_traffic_to_url", "https://cdn-updates.northwind-sync.xyz/api/beacon").frame.numRows, 288);
  assert.equal(result("IpAddress.util.ip_type", "10.0.2.17").frame.row(0).result, "Private");

  // The timeline: every timed row of every result, oldest first, each traceable to its result row.
  const t = inv.timeline;
  assert.deepEqual(t.columns, ["TimeGenerated", "Entity", "EntityType", "Function", "Summary", "Source", "ResultIndex", "SourceRow"]);
  const timed = inv.results.filter((r) => r.frame && r.frame.schema.some((c) => c.type === "datetime"));
  const expected = timed.reduce((n, r) => n + r.frame.numRows, 0);
  assert.equal(t.numRows, expected);
  const rows = t.toRows();
  assert.ok(rows.every((r, i) => i === 0 || r.TimeGenerated >= rows[i - 1].TimeGenerated), "sorted by time");
  for (const i of [0, Math.floor(rows.length / 2), rows.length - 1]) {
    const r = rows[i];
    const src = inv.results[Number(r.ResultIndex)];
    assert.equal(r.Function, src.function);
    assert.equal(r.Entity, src.label);
    const srcRow = src.frame.row(Number(r.SourceRow));
    const time = srcRow.TimeGenerated ?? Object.values(srcRow).find((v) => v instanceof Date);
    assert.equal(r.TimeGenerated.getTime(), time.getTime());
  }
  const beacon = rows.find((r) => r.Function === "Url.MSSentinel.list_traffic_to_url");
  assert.equal(beacon.Source, "Url.MSSentinel.list_traffic_to_url", "a projection without Type: the result's name");
  const events = rows.filter((r) => r.Function === "Host.MSSentinel.wevt_events");
  assert.ok(events.length > 0 && events.every((r) => r.Source === "SecurityEvent"), "rows with a Type column: their table");
  assert.match(beacon.Summary, /RequestURL=https:\/\/cdn-updates\.northwind-sync\.xyz\/api\/beacon/);
  assert.equal(t.notes.length, 1, t.notes.join("\n"));
  assert.match(t.notes[0], /^results without a time column \(not on the timeline\): .*IpAddress\.util\.whois on 203\.0\.113\.66 \(1 rows\)/);
});

test("pivotAll: the time range, the functions filter, entities as input", async () => {
  const row = alerts.filter("AlertName", C2).row(0);
  const start = new Date(row.StartTime.getTime() - 3600_000);
  const end = new Date(row.EndTime.getTime() + 3600_000);
  const inv = await hb.pivotAll(row, { pivot, start, end, functions: ["MSSentinel.list_traffic_for_ip", "whois"] });
  assert.deepEqual(inv.results.map((r) => [r.label, r.function]), [
    ["10.0.2.17", "IpAddress.MSSentinel.list_traffic_for_ip"], ["10.0.2.17", "IpAddress.util.whois"],
    ["203.0.113.66", "IpAddress.MSSentinel.list_traffic_for_ip"], ["203.0.113.66", "IpAddress.util.whois"],
  ]);
  const times = inv.timeline.toRows().map((r) => r.TimeGenerated.getTime());
  assert.ok(times.length > 0 && times.every((x) => x >= start.getTime() && x <= end.getTime()), "only the alert's window");
  const all = await hb.pivotAll(row, { pivot, functions: "MSSentinel.list_traffic_for_ip" });
  assert.ok(all.timeline.numRows > inv.timeline.numRows);

  // a list of entities you built
  const { IpAddress } = hb.entities;
  const mine = await hb.pivotAll([new IpAddress("185.220.101.45")], { pivot, functions: ["whois", "aad_signins"], concurrency: 1 });
  assert.deepEqual(mine.results.map((r) => r.function), ["IpAddress.MSSentinel.list_aad_signins_for_ip", "IpAddress.util.whois"]);
  const whois = mine.results[1].frame.toRows()[0];
  assert.equal(whois.asn, "60729");
  assert.equal(mine.results[0].frame.numRows, 33);
  assert.equal(mine.timeline.numRows, 33);
});

test("pivotAll errors say what to do", async () => {
  const row = alerts.filter("AlertName", C2).row(0);
  await assert.rejects(hb.pivotAll(alerts, { pivot }), /give one alert — a one-row DataFrame \(df\.slice\(i, 1\)\) or df\.row\(i\); this one has 41 rows/);
  await assert.rejects(hb.pivotAll(row, {}), /give the Pivot/);
  await assert.rejects(hb.pivotAll(row, { pivot, functions: ["whos"] }), /no pivot function is called 'whos' \(did you mean 'whois'\?\)/);
  await assert.rejects(hb.pivotAll(row, { pivot, concurrency: 0 }), /concurrency must be a whole number from 1 to 64/);
  await assert.rejects(hb.pivotAll(row, { pivot, signal: "x" }), /signal must be an AbortSignal/);
  await assert.rejects(hb.pivotAll(row, { pivot, onProgres: () => {} }), /pivotAll: unknown option 'onProgres' \(did you mean 'on_?progress'\?\)/i);
  await assert.rejects(hb.pivotAll([{ type: "IpAddress" }], { pivot }), /every item must be a huntbook entity/);
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(hb.pivotAll(row, { pivot, signal: ac.signal }), { name: "AbortError" });
});

test("the typings describe pivotAll and pivotBrowser", () => {
  const check = (code) => typecheck(code);
  const ok = check(`
import * as huntbook from "huntbook";
export async function use(alerts: huntbook.DataFrame): Promise<number> {
  const pivot = new huntbook.Pivot({ queryProvider: new huntbook.QueryProvider("LocalData") });
  const inv: huntbook.PivotAllInvestigation = await huntbook.pivotAll(alerts.row(0), {
    pivot, start: new Date(), end: "2024-01-15", signal: new AbortController().signal,
    onProgress: (d: number, t: number) => void (d + t), functions: ["whois"], concurrency: 2 });
  const byEntities = await huntbook.pivotAll([new huntbook.entities.IpAddress("1.2.3.4")], { pivot });
  const r: huntbook.PivotAllResult = inv.results[0];
  const rows: number = (r.frame?.numRows ?? 0) + (r.error ? 1 : 0) + inv.timeline.numRows + byEntities.labels.length;
  const w = huntbook.pivotBrowser(pivot, { entity: "IpAddress", search: "whois" });
  const w2 = huntbook.pivotBrowser(pivot.functions("Dns"));
  const v: string | null = w.value;
  return rows + (inv.complete ? 1 : 0) + inv.skipped.length + (v ?? "").length + w2.childElementCount;
}
`);
  assert.equal(ok.trim(), "");
  assert.notEqual(check(`import * as huntbook from "huntbook"; export const n: number = huntbook.pivotBrowser([]).value;`).trim(), "", "a type error is reported");
});
