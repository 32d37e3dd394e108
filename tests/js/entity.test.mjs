// Entities in JS: the classes of huntbook.entities, entitiesFromAlert on the real Entities columns, detectEntities.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadHuntbook, fixture, fixtureJSON } from "./helpers.mjs";
const hb = await loadHuntbook();
// the generated wasm bindings (of the instance loadHuntbook initialised): the kinds list the JS classes must match
const { wasm } = hb.__internals;
const { IpAddress, Account, Host, Dns, Url, File, Process, Alert, GeoLocation, Mailbox } = hb.entities;
const demo = await hb.loadDemo({ now: Date.UTC(2026, 10, 29, 12, 0, 0) });

test("the classes: one per kind, named, extensible, exported under entities only", () => {
  const wasmKinds = JSON.parse(wasm.entityKindsJSON());
  assert.deepEqual(Object.keys(hb.entities), wasmKinds.map((k) => k.name));
  for (const k of wasmKinds) {
    const cls = hb.entities[k.name];
    assert.equal(cls.name, k.name);
    assert.equal(cls.kind, k.name);
    assert.ok(Object.getPrototypeOf(cls) === hb.Entity, `${k.name} extends Entity`);
    assert.deepEqual(cls.attributes, k.attributes);
    // the JS getters of derived attributes are exactly Rust's derived attributes
    const getters = Object.entries(Object.getOwnPropertyDescriptors(cls.prototype))
      .filter(([, d]) => d.get).map(([n]) => n);
    assert.deepEqual(getters, k.derived, `${k.name} derived attributes`);
  }
  // pivots attach functions and containers to the classes
  IpAddress.testPivot = (x) => `pivot:${x.Address}`;
  IpAddress.MSSentinel = { list: () => 1 };
  assert.equal(IpAddress.testPivot(new IpAddress("1.2.3.4")), "pivot:1.2.3.4");
  assert.equal(IpAddress.MSSentinel.list(), 1);
  delete IpAddress.testPivot;
  delete IpAddress.MSSentinel;
  assert.ok(!Object.isFrozen(IpAddress) && Object.isExtensible(IpAddress));
  // not at top level (File and URL are browser globals)
  assert.equal(hb.File, undefined);
  assert.equal(hb.IpAddress, undefined);
  assert.equal(hb.default.entities, hb.entities);
  assert.equal(hb.default.entitiesFromAlert, hb.entitiesFromAlert);
});

test("entities from text, objects and other entities", () => {
  const ip = new IpAddress("1.2.3.4");
  assert.equal(ip.type, "IpAddress");
  assert.equal(ip.Address, "1.2.3.4");
  assert.ok(ip instanceof IpAddress && ip instanceof hb.Entity);
  assert.deepEqual(ip.toJSON(), { Type: "IpAddress", Address: "1.2.3.4" });
  assert.equal(String(ip), "IpAddress\n  Address: 1.2.3.4");
  assert.throws(() => new IpAddress("abc"), { message: "IpAddress: 'abc' is not an IP address: give an IPv4 or IPv6 address such as 1.2.3.4" });

  const a = new Account({ Name: "jdoe", NTDomain: "CONTOSO" });
  assert.equal(a.QualifiedName, "CONTOSO\\jdoe");
  assert.equal(new Account("jdoe@contoso.com").UPNSuffix, "contoso.com");
  assert.equal(new Account("CONTOSO\\jdoe").NTDomain, "CONTOSO");
  assert.equal(new Account("S-1-5-21-1-2-3-500").Sid, "S-1-5-21-1-2-3-500");
  assert.equal(new Account("4ecde3e9-bfd0-49cc-9041-cbd7efc6b34c").AadUserId, "4ecde3e9-bfd0-49cc-9041-cbd7efc6b34c");
  // names are case-insensitive, Sentinel column names are read, others kept
  const b = new Account({ upnsuffix: "contoso.com", name: "ana", Department: "Finance" });
  assert.deepEqual(b.toJSON(), { Type: "Account", UPNSuffix: "contoso.com", Name: "ana", Department: "Finance" });
  assert.equal(new Account({ UserPrincipalName: "bob@contoso.com" }).Name, "bob");

  const h = new Host("wks-fin-07.contoso.com");
  assert.deepEqual([h.HostName, h.DnsDomain, h.fqdn], ["wks-fin-07", "contoso.com", "wks-fin-07.contoso.com"]);
  // a derived attribute follows the stored ones
  h.DnsDomain = "fabrikam.com";
  assert.equal(h.fqdn, "wks-fin-07.fabrikam.com");
  assert.equal(h.attr("fqdn"), "wks-fin-07.fabrikam.com");

  assert.equal(new Dns("cdn-updates.northwind-sync.xyz").DomainName, "cdn-updates.northwind-sync.xyz");
  assert.throws(() => new Dns("1.2.3.4"), /Dns: '1\.2\.3\.4' is an IP address, not a domain name: use IpAddress/);
  const u = new Url("https://cdn-updates.northwind-sync.xyz/api/beacon?x=1");
  assert.deepEqual([u.Scheme, u.Host, u.Path, u.Query], ["https", "cdn-updates.northwind-sync.xyz", "/api/beacon", "x=1"]);
  const f = new File("C:\\Users\\Public\\Downloads\\driver_updater.exe");
  assert.deepEqual([f.Directory, f.Name], ["C:\\Users\\Public\\Downloads", "driver_updater.exe"]);
  const sha = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  assert.equal(new File(sha).file_hash, sha);
  const p = new Process("\"C:\\Program Files\\App\\app.exe\" --run");
  assert.equal(p.ProcessName, "app.exe");
  assert.equal(p.ProcessFilePath, "C:\\Program Files\\App\\app.exe");
  assert.ok(p.ImageFile instanceof File);
  assert.equal(p.ImageFile.Name, "app.exe");
  assert.throws(() => new GeoLocation("Seattle"), /GeoLocation: build it from an object/);
  assert.equal(new GeoLocation({ City: "Seattle", CountryCode: "US" }).City, "Seattle");

  // the base class picks the kind from Type; unknown types stay generic
  const viaBase = new hb.Entity({ Type: "ip", Address: "10.0.0.1" });
  assert.ok(viaBase instanceof IpAddress);
  const odd = new hb.Entity({ Type: "iotdevice", DeviceId: "d1" });
  assert.equal(odd.type, "iotdevice");
  assert.equal(odd.DeviceId, "d1");
  assert.throws(() => new hb.Entity("1.2.3.4"), /must be an object with a Type/);
  // an empty entity, and a copy of another
  assert.deepEqual(new Host().toJSON(), { Type: "Host" });
  assert.deepEqual(new Host(h).toJSON(), h.toJSON());
  // nested entities round-trip through toJSON
  const proc = new Process({ CommandLine: "x", Host: h, Account: a });
  assert.ok(proc.Host instanceof Host);
  assert.equal(proc.Host.fqdn, "wks-fin-07.fabrikam.com");
  assert.deepEqual(proc.toJSON().Account, { Type: "Account", Name: "jdoe", NTDomain: "CONTOSO" });
});

test("toHTML escapes and nests; user subclasses keep their kind", () => {
  const evil = new Account({ Name: "<img src=x onerror=alert(1)>", Host: { HostName: "<b>h</b>" } });
  const html = evil.toHTML();
  assert.ok(html.startsWith('<div class="huntbook-entity"><h3>Account</h3>'), html);
  assert.ok(!html.includes("<img") && !html.includes("<b>h"), html);
  assert.ok(html.includes("&lt;img src=x onerror=alert(1)&gt;"), html);
  assert.ok(html.includes('<div class="huntbook-entity huntbook-entity-nested"><b>Host</b>'), html);
  // properties named like the methods (alert JSON is attacker-controlled) do not break them
  const [odd] = hb.entitiesFromAlert('[{"Type": "host", "HostName": "h", "toString": "x", "toHTML": 1, "type": "evil", "constructor": 2}]');
  assert.equal(odd.type, "Host");
  assert.equal(String(odd).split("\n")[0], "Host");
  assert.ok(odd.toHTML().includes("<th>toString</th><td>x</td>"));
  assert.equal(odd.toJSON().toString, "x");
  class MyHost extends Host {}
  const m = new MyHost("a.contoso.com");
  assert.equal(m.type, "Host");
  assert.equal(m.fqdn, "a.contoso.com");
});

test("fromRow on demo tables", () => {
  const signins = demo.table("SigninLogs");
  const row = signins.row(0);
  const acct = Account.fromRow(signins, 0);
  assert.equal(acct.QualifiedName, row.UserPrincipalName);
  assert.equal(IpAddress.fromRow(signins, 0).Address, row.IPAddress);
  const events = demo.query("SecurityEvent | where CommandLine startswith 'powershell.exe -NoProfile -EncodedCommand UgBlAHMA' | take 1");
  const p = Process.fromRow(events, 0);
  assert.equal(p.ProcessFilePath, "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe");
  assert.equal(p.ProcessId, "0x65e4");
  assert.equal(Host.fromRow(events, 0).fqdn, "SRV-DC01.contoso.com");
  assert.equal(Account.fromRow(events, -1).QualifiedName, "CONTOSO\\dwilson");
  assert.throws(() => Host.fromRow(events, 5), { name: "RangeError", message: "Host.fromRow: row 5 is outside the table (it has 1 rows)" });
  assert.throws(() => Host.fromRow([], 0), /df must be a huntbook DataFrame/);
});

test("entitiesFromAlert: the demo C2 alert as a one-row DataFrame, a row object, and its Entities text", () => {
  const alerts = demo.query("SecurityAlert | where AlertName == 'Communication with known C2 domain' | take 1");
  const fromDf = hb.entitiesFromAlert(alerts);
  const keys = (es) => es.map((e) => `${e.type}:${e.Address ?? e.fqdn ?? e.DomainName ?? e.Url ?? e.DisplayName}`);
  assert.deepEqual(keys(fromDf), [
    "Alert:Communication with known C2 domain",
    "Host:WKS-FIN-07.contoso.com",
    "IpAddress:10.0.2.17",
    "IpAddress:203.0.113.66",
    "Dns:cdn-updates.northwind-sync.xyz",
    "Url:https://cdn-updates.northwind-sync.xyz/api/beacon",
  ]);
  const alert = fromDf[0];
  assert.ok(alert instanceof Alert);
  const row = alerts.row(0);
  assert.equal(alert.Severity, row.AlertSeverity);
  assert.deepEqual(alert.SystemAlertIds, [row.SystemAlertId]);
  assert.equal(alert.CompromisedEntity, row.CompromisedEntity);
  assert.equal(alert.StartTimeUtc, row.StartTime.toISOString().replace(/\.(\d{3})Z$/, (_, ms) => (ms === "000" ? "Z" : `.${ms}0000Z`)));
  assert.match(alert.StartTimeUtc, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{7})?Z$/);
  assert.equal(alert.Entities.length, 5);
  assert.ok(alert.Entities[0] instanceof Host);
  // a row object (Dates and all), the Entities text, the parsed list, the Alert entity: the same entities
  // (a Date holds milliseconds: the table's 100 ns ticks of EndTime are cut in a row object)
  const fromRow = hb.entitiesFromAlert(row).map((e) => e.toJSON());
  assert.equal(fromRow[0].EndTimeUtc.slice(0, 23), fromDf[0].EndTimeUtc.slice(0, 23));
  delete fromRow[0].EndTimeUtc;
  const want = fromDf.map((e) => e.toJSON());
  delete want[0].EndTimeUtc;
  assert.deepEqual(fromRow, want);
  assert.deepEqual(keys(hb.entitiesFromAlert(row.Entities)), keys(fromDf.slice(1)));
  assert.deepEqual(keys(hb.entitiesFromAlert(JSON.parse(row.Entities))), keys(fromDf.slice(1)));
  assert.deepEqual(keys(hb.entitiesFromAlert({ ...row, Entities: JSON.parse(row.Entities) })), keys(fromDf));
  assert.deepEqual(keys(hb.entitiesFromAlert(alert)), keys(fromDf));
  // a table of many alerts needs the row index
  const all = demo.table("SecurityAlert");
  assert.throws(() => hb.entitiesFromAlert(all), /the table has 41 rows: give the row index/);
  assert.equal(hb.entitiesFromAlert(all, 0)[0].type, "Alert");
  assert.throws(() => hb.entitiesFromAlert(42), /alert must be an alert row object/);
  assert.throws(() => hb.entitiesFromAlert({ Name: "x" }), /the object has no Entities and no alert fields .*its keys are: Name\./);
  assert.throws(() => hb.entitiesFromAlert("[{"), /could not read the alert's Entities JSON/);
});

test("entitiesFromAlert on the Tour's alert list and msticpy's test entities", () => {
  const table = fixtureJSON("tour/asn_alerts_list.la.json").tables[0];
  const col = table.columns.findIndex((c) => c.name === "Entities");
  const counts = {};
  for (const r of table.rows) for (const e of hb.entitiesFromAlert(r[col])) counts[e.type] = (counts[e.type] ?? 0) + 1;
  assert.deepEqual(counts, { IpAddress: 34, Host: 38, Account: 38, Process: 14, HostLogonSession: 7, File: 9, Alert: 10 });
  const { tables } = hb.readTables(fixture("tour/asn_alerts_list.la.json"));
  const es = hb.entitiesFromAlert(tables[0], 0);
  assert.equal(es[0].DisplayName, "SSH Anomalous Login ML");
  assert.equal(es[1].Address, "23.97.60.214");

  const ents = hb.entitiesFromAlert(fixture("enrich/entities.json").toString("utf8"));
  const mimikatz = ents.find((e) => e.CommandLine === ".\\mimikatz.exe");
  assert.equal(mimikatz.ProcessName, "mimikatz.exe");
  assert.equal(mimikatz.ProcessFilePath, "c:\\windows\\servic~2\\networ~1\\appdata\\local\\temp\\mimikatz.exe");
  assert.equal(mimikatz.Host.HostName, "MSTICALERTSWIN1");
  assert.equal(mimikatz.Account.QualifiedName, "WORKGROUP\\MSTICAlertsWin1$");
  assert.equal(mimikatz.ParentProcess.ImageFile.Name, "cmd.exe");
  assert.match(mimikatz.toString(), /^Process\n {2}ProcessId: 0x6b8\n {2}CommandLine: \.\\mimikatz\.exe\n/);
});

test("detectEntities on demo tables", () => {
  const has = (list, column, entity, attribute, by) =>
    assert.ok(list.some((c) => c.column === column && c.entity === entity && c.attribute === attribute && c.by === by),
      `${column} → ${entity}.${attribute} (${by}) in ${JSON.stringify(list)}`);
  const s = hb.detectEntities(demo.table("SigninLogs"));
  has(s, "IPAddress", "IpAddress", "Address", "name");
  has(s, "UserPrincipalName", "Account", "QualifiedName", "name");
  const e = hb.detectEntities(demo.table("SecurityEvent"));
  has(e, "Computer", "Host", "fqdn", "name");
  has(e, "CommandLine", "Process", "CommandLine", "name");
  const d = hb.detectEntities(demo.table("DnsEvents"));
  has(d, "Name", "Dns", "DomainName", "value");
  assert.deepEqual(Object.keys(d[0]), ["column", "entity", "attribute", "by"]);
  assert.throws(() => hb.detectEntities({}), /df must be a huntbook DataFrame/);
});

test("a Mailbox from an alert keeps its kind", () => {
  const alerts = demo.query("SecurityAlert | where AlertName == 'Suspicious inbox forwarding rule' | take 1");
  const mb = hb.entitiesFromAlert(alerts).find((e) => e instanceof Mailbox);
  assert.equal(mb.MailboxPrimaryAddress, "mike.jones@contoso.com");
});

test("a program using the entity API type-checks against dist/huntbook's typings", async () => {
  const { typecheck } = await import("./helpers.mjs");
  const check = (file, source) => typecheck(source, file).trim();
  assert.equal(check("use.ts", `
import * as huntbook from "huntbook";
export async function f(): Promise<number> {
  await huntbook.init();
  const demo = await huntbook.loadDemo();
  const df = demo.table("SigninLogs");
  const { IpAddress, Account, Host, Process } = huntbook.entities;
  const ip = new IpAddress("1.2.3.4");
  const addr: string | undefined = ip.Address;
  const acct = Account.fromRow(df, 0);
  const q: string | undefined = acct.QualifiedName;
  const h = new Host({ HostName: "wks", DnsDomain: "contoso.com" });
  const fqdn: string | undefined = h.fqdn;
  const p = new Process("cmd.exe /c whoami");
  const name: string | undefined = p.ProcessName;
  const text: string = ip.toString() + ip.toHTML() + ip.type;
  const json: Record<string, unknown> = ip.toJSON();
  IpAddress.whois = async (x: unknown) => x;
  IpAddress.MSSentinel = { aad_signins: () => df };
  const es: huntbook.Entity[] = huntbook.entitiesFromAlert(demo.table("SecurityAlert"), 0);
  const cols: huntbook.ColumnEntity[] = huntbook.detectEntities(df);
  const e2 = new huntbook.Entity({ Type: "ip", Address: "1.2.3.4" });
  return (addr ?? "").length + (q ?? "").length + (fqdn ?? "").length + (name ?? "").length + text.length + Object.keys(json).length + es.length + cols.length + (e2.attr("Address") ?? "").length;
}
`), "");
  assert.notEqual(check("bad.ts", `import * as huntbook from "huntbook"; export const n: number = new huntbook.entities.Host("h").fqdn;`), "");
});
