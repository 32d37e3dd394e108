// qp.importSentinelQueries (issue #15): real Azure-Sentinel YAML (tests/fixtures/sentinel_yaml/) as texts and from
// the loopback server, run on the demo data with {{StartTimeISO}}/{{EndTimeISO}} filled from the time range.
import test from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { loadHuntbook, root } from "./helpers.mjs";
import { startServer } from "../../scripts/serve.mjs";

const hb = await loadHuntbook();
await hb.loadDemo();
const yaml = (f) => fs.readFileSync(path.join(root, "tests", "fixtures", "sentinel_yaml", f), "utf8");

test("YAML texts import as a family and run like built-in queries", async () => {
  const qp = new hb.QueryProvider("LocalData");
  const r = await qp.importSentinelQueries([yaml("AdminConsentGrantedToApplication.yaml"), yaml("MailPermissionsAddedToApplication.yaml"), "name: x\n"]);
  assert.deepEqual(r.imported, ["SentinelHunting.Admin_consent_granted_to_application", "SentinelAnalytics.MailRead_Permissions_Granted_to_Application"]);
  assert.equal(r.failed.length, 1);
  assert.equal(r.failed[0].source, "text 3");
  assert.match(r.failed[0].error, /Sentinel query text 3: it has no `query` \(the KQL\)/);
  assert.ok(qp.listQueries("consent").includes("SentinelHunting.Admin_consent_granted_to_application"));

  const q = qp.SentinelHunting.Admin_consent_granted_to_application;
  const kql = q.kql({ start: "2026-01-01T00:00:00Z", end: "2026-01-31T00:00:00Z" });
  assert.match(kql, /^let starttime = todatetime\('2026-01-01T00:00:00.0000000Z'\);\nlet endtime = todatetime\('2026-01-31T00:00:00.0000000Z'\);/);
  const df = await q({ start: "-30d", end: "0s" });
  const rows = df.toRows();
  assert.deepEqual(rows.map((x) => [x.AppName, x.Actor, x.AccountName]), [["contoso hr connector", "james.miller@contoso.com", "james.miller"]]);
  // the time range of the provider is used when the call gives none; appended KQL works
  qp.queryTime.last("30d");
  const rule = await qp.SentinelAnalytics.MailRead_Permissions_Granted_to_Application({ add_query_items: "| project UserIPAddress, AppName" });
  assert.deepEqual(rule.toRows(), [{ UserIPAddress: "185.220.101.45", AppName: "Mail Backup Sync" }]);

  // metadata, entity mappings for the pivot layer
  assert.deepEqual(q.metadata.tactics, ["CredentialAccess", "Persistence"]);
  assert.deepEqual(q.metadata.relevantTechniques, ["T1528", "T1098"]);
  assert.deepEqual(q.metadata.entityMappings[1], { entityType: "IP", fieldMappings: [{ identifier: "Address", columnName: "ActorIp" }] });
  const info = qp.queryInfo("MailRead")[0];
  assert.equal(info.sentinel.severity, "Medium");
  assert.equal(info.sentinel.queryFrequency, "1d");
  assert.equal(qp.queryInfo("list_alerts")[0].sentinel, null);
  assert.match(qp.queryHelp("SentinelHunting.Admin_consent_granted_to_application"), /Tactics: {2}CredentialAccess, Persistence\nTechniques: {2}T1528, T1098/);
  // another provider's catalog is untouched
  assert.equal(new hb.QueryProvider("LocalData").SentinelHunting, undefined);
});

test("URLs are fetched from the loopback server; a missing file is reported and the rest imported", async () => {
  const server = await startServer({ port: 0 });
  try {
    const base = `http://127.0.0.1:${server.address().port}/sentinel/`;
    const qp = new hb.QueryProvider("LocalData");
    const r = await qp.importSentinelQueries([`${base}sharepoint_downloads.yaml`, new URL(`${base}nope.yaml`), `${base}RareProcess_forWinHost.yaml`], { family: "Imported" });
    assert.deepEqual(r.imported, ["Imported.sharepoint_downloads", "Imported.RareProcess_forWinHost"]);
    assert.equal(r.failed.length, 1);
    assert.equal(r.failed[0].source, `${base}nope.yaml`);
    assert.match(r.failed[0].error, /404/);
    assert.equal(qp.Imported.sharepoint_downloads.metadata.sourceFileName, `${base}sharepoint_downloads.yaml`);
    const rare = await qp.Imported.RareProcess_forWinHost({ start: "-30d", end: "0s" });
    assert.ok(rare.numRows > 0);
    assert.ok(rare.toRows().every((x) => typeof x.HostCustomEntity === "string" && x.HostCustomEntity.length > 0));
    const creds = await qp.importSentinelQueries("http://user:pw@127.0.0.1:1/x.yaml");
    assert.deepEqual(creds.imported, []);
    assert.match(creds.failed[0].error, /secrets never go in URLs/);
    assert.equal(creds.failed[0].source, "http://127.0.0.1:1/x.yaml");
    assert.doesNotMatch(creds.failed[0].error, /pw/);
  } finally {
    server.close();
  }
});
