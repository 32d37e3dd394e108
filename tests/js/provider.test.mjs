// QueryProvider on local (demo) data: the catalog as namespaces, help, print-only KQL, escaping, QueryTime, and
// built-in queries and custom KQL executed on the embedded tables.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadHuntbook } from "./helpers.mjs";

const hb = await loadHuntbook();
await hb.loadDemo();
const qp = new hb.QueryProvider("LocalData");

test("built-in queries are namespaces by family", () => {
  const names = qp.listQueries();
  assert.ok(names.length >= 40, `${names.length} queries`);
  for (const n of ["Azure.list_all_signins_geo", "SecurityAlert.list_alerts", "WindowsSecurity.list_host_processes"]) {
    assert.ok(names.includes(n), n);
    const [family, name] = n.split(".");
    assert.equal(typeof qp[family][name], "function");
  }
  const alerts = qp.listQueries("ALERT");
  assert.ok(alerts.length >= 3 && alerts.every((n) => /alert/i.test(n) || /alert/i.test(qp.queryHelp(n))), alerts.join());
});

test("help text: description, parameters with types and defaults, template", () => {
  const help = qp.queryHelp("WindowsSecurity.list_host_processes");
  assert.match(help, /^Query:\s+WindowsSecurity\.list_host_processes/m);
  assert.match(help, /host_name: str\n/);
  assert.match(help, /add_query_items: str \(optional\)/);
  assert.match(help, /Default: ''/);
  assert.match(help, /SecurityEvent/);
  assert.equal(qp.WindowsSecurity.list_host_processes.help(), help);
  assert.throws(() => qp.queryHelp("WindowsSecurity.list_host_processez"), /list_host_processes/);
});

test("print-only rendering with time offsets, lists and escaping", () => {
  const kql = qp.renderQuery("WindowsSecurity.list_host_processes", {
    host_name: 'evil" | take 1 //', start: "2024-01-01T00:00:00Z", end: "2024-01-02T00:00:00Z",
  });
  assert.match(kql, /datetime\(2024-01-01T00:00:00\.0000000Z\)/);
  assert.ok(kql.includes('evil\\" | take 1 //'), kql);
  assert.ok(!kql.includes('evil" |'), "the value cannot close its string literal");
  assert.throws(() => qp.renderQuery("WindowsSecurity.list_host_processes", {}), /missing required parameter\(s\) for WindowsSecurity\.list_host_processes: host_name/);
  const ip = qp.renderQuery("Azure.list_aad_signins_for_ip", { ip_address_list: "1.2.3.4, 5.6.7.8" });
  assert.ok(ip.includes("'1.2.3.4', '5.6.7.8'"), ip);
  assert.equal(qp.Azure.list_aad_signins_for_ip({ print: true, ip_address_list: ["1.2.3.4"] }), qp.renderQuery("Azure.list_aad_signins_for_ip", { ip_address_list: "1.2.3.4" }));
  assert.match(qp.SecurityAlert.list_alerts("print"), /SecurityAlert/);
});

test("QueryTime supplies start/end; offsets and references", () => {
  const now = Date.UTC(2026, 0, 10, 12);
  const t = new hb.QueryTime({ start: "-2d", end: "0s", now });
  assert.equal(t.start.toISOString(), "2026-01-08T12:00:00.000Z");
  t.around("2026-01-05T00:00:00Z", { before: "1h", after: "30m" });
  assert.equal(t.toString(), "2026-01-04T23:00:00.000Z – 2026-01-05T00:30:00.000Z");
  assert.throws(() => t.set({ start: "2026-02-01T00:00:00Z" }), /after the end/);
  const p = new hb.QueryProvider("LocalData", { queryTime: t });
  assert.match(p.renderQuery("SecurityAlert.list_alerts"), /datetime\(2026-01-04T23:00:00\.0000000Z\)[\s\S]*datetime\(2026-01-05T00:30:00\.0000000Z\)/);
});

test("built-in queries run on the demo data", async () => {
  const week = { start: new Date(Date.now() - 7 * 86400000), end: new Date() };
  const geo = await qp.Azure.list_all_signins_geo(week);
  assert.ok(geo.numRows > 100);
  assert.deepEqual(new Set(geo.valueCounts("Result").toRows().map((r) => r.Result)), new Set(["Success", "Failed"]));
  assert.equal(geo.dtypes.Latitude, "real");
  const alerts = await qp.SecurityAlert.list_alerts({ ...week, add_query_items: "| summarize NumAlerts=count() by AlertName" });
  assert.deepEqual(alerts.columns, ["AlertName", "NumAlerts"]);
  const spray = alerts.filter("AlertName", "Password spray attack against Azure AD").row(0);
  assert.equal(spray.NumAlerts, 1);
  const procs = await qp.WindowsSecurity.list_host_processes({ ...week, host_name: "WKS-FIN-07" });
  assert.ok(procs.numRows > 0);
  assert.ok(procs.toRows().some((r) => /-EncodedCommand/i.test(r.CommandLine)));
});

test("custom KQL on local data", async () => {
  const office = await qp.execQuery("OfficeActivity | where TimeGenerated > ago(1d) | take 5");
  assert.equal(office.numRows, 5);
  for (const r of office.toRows()) assert.ok(Date.now() - r.TimeGenerated.getTime() <= 86400000 + 1000);
  assert.equal(await qp.exec_query("Heartbeat | count").then((d) => d.row(0).Count), await hbCount());
  await assert.rejects(qp.execQuery("SigninLogs | where IpAdress == '1'"), /unknown column 'IpAdress' \(did you mean 'IPAddress'\?\)/);
  assert.deepEqual((await qp.schema("SigninLogs")).find((c) => c.name === "Status"), { name: "Status", type: "dynamic" });
  assert.ok((await qp.schemaTables()).includes("DnsEvents"));
});

async function hbCount() {
  return (await hb.loadDemo()).table("Heartbeat").numRows;
}
