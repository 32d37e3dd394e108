// Issue #16's cold start: loadDemo() reads the demo file's index, and a table's rows only when something needs them.
// Its own file: a fresh process, so no other test has read a demo table before these look.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { loadHuntbook, dist } from "./helpers.mjs";

const hb = await loadHuntbook();
const NOW = Date.UTC(2026, 10, 29, 12, 0, 0);
const TABLES = ["AADNonInteractiveUserSignInLogs", "AuditLogs", "AzureActivity", "CommonSecurityLog", "DnsEvents",
  "Heartbeat", "OfficeActivity", "SecurityAlert", "SecurityEvent", "SigninLogs", "Syslog", "ThreatIntelligenceIndicator", "Watchlist"];
// the spray's failures, per account (demo_data/README.md's story)
const SPRAY = `SigninLogs | where IPAddress in ("185.220.101.45", "45.153.160.2", "193.142.146.213") and ResultType == "50126"
  | summarize n = count(), first = min(TimeGenerated) by UserPrincipalName | order by UserPrincipalName asc | take 3`;

test("loadDemo() lists all 13 tables and their schemas and reads only the table a query needs", async () => {
  const demo = await hb.loadDemo({ now: NOW });
  assert.deepEqual(demo.tables, TABLES);
  assert.deepEqual(demo.tablesRead, [], "nothing is read by loadDemo()");
  const schemas = Object.fromEntries(TABLES.map((t) => [t, demo.schema(t)]));
  assert.equal(schemas.SigninLogs.length, 79);
  assert.deepEqual(schemas.SigninLogs.slice(0, 2), [{ name: "TenantId", type: "string" }, { name: "TimeGenerated", type: "datetime" }]);
  assert.deepEqual(schemas.SigninLogs.find((c) => c.name === "LocationDetails"), { name: "LocationDetails", type: "dynamic" });
  assert.equal(schemas.SecurityEvent.length, 227);
  for (const t of TABLES) assert.ok(schemas[t].some((c) => c.name === "_ResourceId"), t);
  // a provider's schema listing reads nothing either
  const qp = new hb.QueryProvider("LocalData");
  assert.deepEqual(await qp.schemaTables(), TABLES);
  assert.deepEqual(await qp.schema("AuditLogs"), schemas.AuditLogs);
  assert.deepEqual(demo.tablesRead, []);

  const spray = demo.query(SPRAY, { now: NOW }).toRows();
  assert.deepEqual(demo.tablesRead, ["SigninLogs"], "only SigninLogs is read");
  assert.equal(spray.length, 3);
  assert.ok(spray.every((r) => r.n >= 1 && r.first.getTime() < NOW), JSON.stringify(spray));
  assert.equal(demo.query("SigninLogs | count").row(0).Count, 2973);
  assert.equal(demo.query("SecurityAlert | count").row(0).Count, 41);
  assert.deepEqual(demo.tablesRead, ["SecurityAlert", "SigninLogs"]);
  // the provider's copy shares what is read (each table is read once)
  assert.equal((await qp.execQuery("SigninLogs | count")).row(0).Count, 2973);
  assert.deepEqual(demo.tablesRead, ["SecurityAlert", "SigninLogs"]);
});

test("the lazily read tables equal the same file read whole (gzipped plainly, or un-gzipped as a server may send it)", async () => {
  const packed = fs.readFileSync(path.join(dist, "huntbook_demo.la.json.gz"));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "huntbook-demo-"));
  const json = zlib.gunzipSync(packed); // one gzip member: any reader gets the whole JSON
  assert.equal(JSON.parse(json).tables.length, 13);
  fs.writeFileSync(path.join(dir, "demo.la.json.gz"), zlib.gzipSync(json));
  fs.writeFileSync(path.join(dir, "demo.la.json"), json);
  const eager = await hb.loadDemo({ now: NOW, url: new URL(`file://${dir}/demo.la.json.gz`) });
  assert.deepEqual(eager.tablesRead, TABLES, "any other gzip is read up front");
  const plain = await hb.loadDemo({ now: NOW, url: new URL(`file://${dir}/demo.la.json`) });
  assert.deepEqual(plain.tablesRead, TABLES);
  assert.deepEqual(plain.query("SigninLogs | summarize count(), max(TimeGenerated)", { now: NOW }).toRows(),
    eager.query("SigninLogs | summarize count(), max(TimeGenerated)", { now: NOW }).toRows());
  const lazy = await hb.loadDemo({ now: NOW });
  for (const q of [SPRAY, "SecurityEvent | where EventID == 4688 | summarize count(), max(TimeGenerated) by Computer | order by Computer asc",
    "union * | summarize count(), max(TimeGenerated) by Type | order by Type asc",
    "Heartbeat | summarize arg_max(TimeGenerated, *) by Computer | order by Computer asc | take 5"]) {
    assert.deepEqual(lazy.query(q, { now: NOW }).toRows(), eager.query(q, { now: NOW }).toRows(), q);
  }
  const newest = lazy.query("union * | summarize max(TimeGenerated)", { now: NOW }).row(0);
  assert.equal(Object.values(newest)[0].getTime(), NOW, "the newest event is now");
  assert.deepEqual(lazy.tablesRead, TABLES);
});
