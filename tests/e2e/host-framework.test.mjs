// The Tour as an Observable Framework page (hosts/framework/src/index.md, built by Framework's own CLI into
// dist/hosts/framework/) in headless Chromium: every code block of the page runs and settles without an error, the
// outputs hold the values huntbook computes in Node on the same demo workspace, `view()` widgets drive the blocks that
// read them, and every request — huntbook's bundle, its wasm and demo files, Plot, Inputs, apache-arrow, htl — is
// answered by the loopback server from the build (Framework bundled them from hosts/framework/node_modules).
//
// Each code block of the page is wrapped in <div id="c<N>" class="cell">; Framework renders its output into the
// wrapper's `.observablehq` div: an <observablehq-loading> element until the block first displays something, an
// `.observablehq--error` inspector when it throws (and a console error).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { openBrowser, offLoopback, reportHost, screenshot, artifacts } from "./browser.mjs";
import { root, dist, loadHuntbook } from "../js/helpers.mjs";

const page_md = fs.readFileSync(path.join(root, "hosts", "framework", "src", "index.md"), "utf8");
const version = JSON.parse(fs.readFileSync(path.join(dist, "package.json"), "utf8")).version;

/** The page's code blocks in order: {id, name} (name: the first name the block declares, else its first line). */
const cells = [...page_md.matchAll(/<div id="c(\d+)" class="cell">\s*```js[^\n]*\n([\s\S]*?)```/g)]
  .map(([, id, body]) => {
    const code = body.trim();
    const declared = code.match(/^(?:const|let)\s+(?:\{[^}]*\}|([A-Za-z_$][\w$]*))/m);
    const name = declared?.[1] ?? code.split("\n")[0].slice(0, 50);
    return { id, name };
  });

let b, page, errors, hb, qp;
const results = [];

before(async () => {
  hb = await loadHuntbook();
  await hb.loadDemo();
  qp = new hb.QueryProvider("LocalData", { queryTime: new hb.QueryTime({ start: "-5d" }) });
  b = await openBrowser();
  ({ page, errors } = await b.newPage());
  await page.setViewportSize({ width: 1280, height: 900 });
  // A block's state: "pending" (a loading indicator, or nothing shown yet), "ok", or the error it shows.
  await page.addInitScript(() => {
    window.blockState = (id) => {
      const out = document.querySelector(`#c${id} > .observablehq`);
      if (!out || out.querySelector("observablehq-loading") || out.childElementCount + out.textContent.length === 0) return "pending";
      return out.querySelector(".observablehq--error")?.textContent ?? "ok";
    };
  });
  await page.goto(`${b.base}/hosts/framework/`);
  // Every block has settled (the data source picks the demo workspace by itself after 3 s); one still pending after
  // 3 minutes is reported as failed below.
  await page.waitForFunction((ids) => ids.every((id) => window.blockState(id) !== "pending"), cells.map((c) => c.id),
    { timeout: 180000, polling: 250 }).catch(() => {});
  for (const c of cells) {
    const state = await page.evaluate((id) => window.blockState(id), c.id);
    results.push({ id: `${c.id} ${c.name}`, ok: state === "ok", error: state === "ok" ? undefined : state });
  }
  await screenshot(page, "host-framework");
  // the README's picture (docs/hosts/framework.png is a copy): the Arrow tables in Inputs.table and Plot
  const top = await page.$eval("#arrow-tables-for-inputs-table-and-plot", (h) => h.getBoundingClientRect().top + window.scrollY - 16);
  await page.screenshot({ path: path.join(artifacts, "host-framework-arrow.png"), fullPage: true, clip: { x: 0, y: top, width: 1200, height: 1500 } });
});

after(async () => {
  if (results.length) reportHost("framework", results);
  await b?.close();
});

const text = (id) => page.textContent(`#c${id} > .observablehq`);
const headers = (id) => page.$$eval(`#c${id} > .observablehq thead th`, (ths) => ths.map((th) => th.textContent.trim()));
const rows = (id) => page.$$eval(`#c${id} > .observablehq tbody tr`, (trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent.trim())));
const timeline = (id) => page.$eval(`#c${id} > .observablehq .huntbook-timeline`, (t) => ({
  events: t.layout.events, groups: t.layout.groups.map((g) => [g.label, g.count]),
  canvases: t.querySelectorAll("canvas").length, start: t.value.start.getTime(), end: t.value.end.getTime(),
}));
const num = (s) => Number(s.replace(/,/g, ""));
/** Milliseconds of a datetime as huntbook's tables show it (ISO 8601 with up to 7 fraction digits). */
const ms = (s) => Date.parse(s.replace(/(\.\d{3})\d*/, "$1"));

test("every code block of the page runs to the end without an error", () => {
  assert.ok(cells.length >= 90, `${cells.length} code blocks`);
  assert.deepEqual(results.filter((r) => !r.ok), []);
  assert.equal(results.length, cells.length);
  assert.deepEqual(errors, []);
});

test("nothing is requested off the loopback server: huntbook, Plot, Inputs, Arrow and htl come from the build", () => {
  assert.deepEqual(offLoopback(b.requests), []);
  const paths = b.requests.map((u) => new URL(u).pathname);
  assert.deepEqual(paths.filter((p) => p.startsWith("/npm/")), []); // not the jsDelivr-shaped route: the build has all
  const node = `/hosts/framework/_node/huntbook@${version}/`;
  for (const p of [`${node}huntbook_wasm_bg.wasm`, `${node}huntbook_demo.la.json.gz`, `${node}huntbook_demo.mmdb`,
    `${node}huntbook_demo_answers.json`]) {
    assert.ok(paths.includes(p), `${p} requested`);
  }
  for (const re of [/^\/hosts\/framework\/_node\/huntbook@[^/]+\/index\.[0-9a-f]+\.js$/,
    /^\/hosts\/framework\/_node\/@observablehq\/plot@0\.6\.17\/index\.[0-9a-f]+\.js$/,
    /^\/hosts\/framework\/_node\/@observablehq\/inputs@0\.12\.0\/index\.[0-9a-f]+\.js$/,
    /^\/hosts\/framework\/_node\/apache-arrow@17\.0\.0\/index\.[0-9a-f]+\.js$/,
    /^\/hosts\/framework\/_node\/htl@0\.3\.1\/index\.[0-9a-f]+\.js$/,
    /^\/hosts\/framework\/_file\/data\/threat-report\.[0-9a-f]+\.xml$/]) {
    assert.ok(paths.some((p) => re.test(p)), `${re} requested`);
  }
});

test("setup, data source, tables and schema", async () => {
  const imports = await text(100);
  const exports = (m) => Number(imports.match(new RegExp(`${m} \\((\\d+)`))?.[1]);
  assert.equal(exports("huntbook"), Object.keys(hb).length, imports); // the same package, bundled by Framework
  for (const m of ["apache-arrow", "Plot", "Inputs"]) assert.ok(exports(m) > 10, `${m} in ${imports}`);
  assert.equal((await text(101)).trim(), `"huntbook ${version} loaded"`);
  assert.match(await text(102), /Using demo data/);
  assert.match(await text(106), /"demo"/);
  assert.match(await page.inputValue("#c104 > .observablehq input[type=password]"), /^$/);
  assert.equal(await page.$eval("#c104 > .observablehq input[type=password]", (i) => i.disabled), true);
  const tables = await text(201);
  for (const t of await qp.schemaTables()) assert.ok(tables.includes(`"${t}"`), `${t} in ${tables}`);
  assert.ok(tables.includes('"SigninLogs"'));
  // Inputs.table of qp.schema("SigninLogs"): [{name, type}]
  assert.deepEqual((await headers(202)).slice(1), ["name", "type"]);
  const schema = (await qp.schema("SigninLogs")).slice(0, 5).map((c) => [c.name, c.type]);
  assert.deepEqual((await rows(202)).slice(0, 5).map((r) => r.slice(1)), schema);
});

test("queries: the browser and the time range are views the cells below follow", async () => {
  const options = await page.$$eval("#c301 > .observablehq option", (os) => os.map((o) => o.value));
  assert.deepEqual(options, qp.listQueries("signins"));
  await page.selectOption("#c301 > .observablehq select", "Azure.list_all_signins_geo");
  await page.waitForFunction(() => document.querySelector("#c302 > .observablehq code")?.textContent === "Azure.list_all_signins_geo");
  assert.match(await page.textContent("#c301 > .observablehq .huntbook-help"), /Query:\s+Azure\.list_all_signins_geo/);
  const start = await page.inputValue("#c303 > .observablehq input[name=start]");
  const end = await page.inputValue("#c303 > .observablehq input[name=end]");
  assert.equal(Date.parse(`${end}Z`) - Date.parse(`${start}Z`), 5 * 86400000);

  const geo = await qp.Azure.list_all_signins_geo();
  assert.deepEqual(await headers(305), ["TimeGenerated", "UserPrincipalName", "IPAddress", "Result", "Latitude", "Longitude", "AppDisplayName"]);
  assert.equal((await rows(305)).length, 10);
  const alerts = (await qp.SecurityAlert.list_alerts({ add_query_items: "| summarize NumAlerts=count() by AlertName" }))
    .sort("NumAlerts", { descending: true }).toRows();
  assert.deepEqual((await rows(306)).map((r) => [r[0], Number(r[1])]), alerts.map((r) => [r.AlertName, Number(r.NumAlerts)]));
  const printed = await text(307);
  assert.match(printed, /SecurityEvent/);
  assert.match(printed, /WKS-FIN-07/);
  assert.deepEqual(await headers(309), ["TimeGenerated", "UserId", "Operation", "ClientIP", "OfficeWorkload"]);
  assert.equal((await rows(309)).length, 5);
  const signins = await qp.execQuery("SigninLogs | sort by TimeGenerated desc");
  assert.equal((await rows(311)).length, 10);
  const upn = (await headers(311)).indexOf("UserPrincipalName");
  assert.deepEqual((await rows(311)).map((r) => r[upn]), signins.head(10).toRows().map((r) => r.UserPrincipalName));
  assert.ok(geo.numRows > 0);
});

test("Arrow tables in Inputs.table and Plot", async () => {
  const signins = await qp.execQuery("SigninLogs | sort by TimeGenerated desc");
  const counts = signins.valueCounts("IPAddress").toRows();
  // Inputs.table(ipCounts.toArrow()): the Arrow columns as headers, the rows in order (count an Int64 → shown as a number)
  assert.deepEqual(await headers(313), ["", "IPAddress", "count"]);
  const shown = await rows(313);
  assert.ok(shown.length >= 12);
  assert.deepEqual(shown.slice(0, 5).map((r) => [r[1], num(r[2])]), counts.slice(0, 5).map((r) => [r.IPAddress, Number(r.count)]));
  assert.deepEqual(await headers(314), ["", "TimeGenerated", "UserPrincipalName", "IPAddress", "ResultType", "AppDisplayName"]);
  const first = (await rows(314))[0];
  assert.equal(first[2], signins.row(0).UserPrincipalName);
  assert.match(first[1], /^\d{4}-\d{2}-\d{2}/); // Timestamp(ms) → a date in Inputs.table
  // Plot.barX on the Arrow table: one bar per IP of the top 10, the top IP labelled
  const bars = await page.$$eval("#c315 > .observablehq svg [aria-label=bar] rect", (r) => r.length);
  assert.equal(bars, 10);
  const labels = await page.$$eval("#c315 > .observablehq svg [aria-label='y-axis tick label'] text", (t) => t.map((x) => x.textContent));
  assert.ok(labels.includes(counts[0].IPAddress), labels.join());
  // Plot.dot on the geo table's Arrow: a dot per sign-in in the query time range (as many as the timeline of geo
  // draws: the page's own "-5d" window, which may differ from one computed here by the events of a second)
  const dots = await page.$$eval("#c316 > .observablehq svg [aria-label=dot] circle", (c) => c.length);
  assert.equal(dots, (await timeline(406)).events);
  assert.ok(Math.abs(dots - (await qp.Azure.list_all_signins_geo()).numRows) <= 2, `${dots} dots`);
});

test("charts and timelines; the timeline's range is a view", async () => {
  for (const id of [401, 402, 404]) assert.equal(await page.$$eval(`#c${id} > .observablehq canvas`, (c) => c.length) >= 1, true, `canvas in ${id}`);
  const geo = await qp.Azure.list_all_signins_geo();
  const t = await timeline(406);
  assert.ok(Math.abs(t.events - geo.numRows) <= 2, `${t.events} events, ${geo.numRows} rows here`); // see the Plot.dot check
  assert.ok(t.canvases >= 2);
  const byIp = await timeline(410);
  assert.ok(byIp.groups.length > 10);
  assert.equal(byIp.groups.reduce((a, [, n]) => a + Number(n), 0), t.events);
  const results = new Set(geo.toRows().map((r) => r.Result));
  assert.deepEqual(new Set((await timeline(408)).groups.map(([g]) => g)), results);
  const c2 = await qp.execQuery('CommonSecurityLog | where DestinationIP == "203.0.113.66"');
  assert.equal((await timeline(412)).events, c2.numRows);
  assert.ok((await timeline(413)).groups.length > 1);
  // viewof range: setting the timeline's range updates the cell that reads it
  const mid = (t.start + t.end) / 2;
  const [s, e] = [Math.round(mid - 3600000), Math.round(mid + 3600000)];
  await page.$eval("#c406 > .observablehq .huntbook-timeline", (el, [a, z]) => el.setRange(a, z), [s, e]);
  const iso = new Date(s).toISOString();
  await page.waitForFunction((want) => document.querySelector("#c407 > .observablehq").textContent.includes(want.slice(0, 16)), iso);
});

test("enrichment on demo answers", async () => {
  hb.useDemoEnrichment(true);
  assert.match(await text(503), new RegExp(`Array\\(1\\) \\["${hb.TILookup.demo().providers[0]}"\\]`)); // AzSTI: the demo TI table
  const one = await hb.TILookup.demo().lookupIoc("185.220.101.45");
  assert.match(await text(504), /Demo answers/);
  assert.deepEqual((await rows(504)).map((r) => r[0]), one.toRows().map((r) => r.Ioc));
  const failed = await qp.execQuery(`SigninLogs | where ResultType != "0"
      | summarize Failures = count() by IPAddress | top 5 by Failures`);
  const lookups = await hb.TILookup.demo().lookupIocs(failed, { column: "IPAddress" });
  assert.equal(await page.$eval("#c506 > .observablehq .huntbook-progress", (p) => p.dataset.state), "done");
  assert.equal((await rows(507)).length, lookups.numRows);
  for (const id of [507, 509, 513, 514]) assert.match(await text(id), /^\s*Demo answers: /, `cell ${id}`);
  assert.ok((await page.$$eval("#c508 > .observablehq option", (o) => o.length)) > 0);
  const dns = await hb.dnsResolve("cdn-updates.northwind-sync.xyz");
  assert.deepEqual((await rows(509)).map((r) => r[3]), dns.toRows().map((r) => String(r.Data)));
  assert.match(await text(510), /subdomain: "cdn-updates", domain: "northwind-sync", suffix: "xyz"/);
  assert.match(await text(511), /netloc: "cdn-updates\.northwind-sync\.xyz"|cdn-updates\.northwind-sync\.xyz/);
  assert.equal((await text(512)).trim(), `"${hb.ipType("24.16.133.227")}"`);
  const whoisHeaders = await headers(513);
  for (const c of ["IPAddress", "Failures", "asn", "asn_description"]) assert.ok(whoisHeaders.includes(c), `${c} in ${whoisHeaders}`);
  assert.equal((await rows(513)).length, failed.numRows);
  const geo = await hb.geoloc("24.16.133.227");
  const g = geo.row(0);
  assert.deepEqual((await headers(514)).slice(0, 3), ["IpAddress", "CountryCode", "CountryOrRegionName"]);
  assert.deepEqual((await rows(514))[0].slice(0, 3), [g.IpAddress, g.CountryCode, g.CountryOrRegionName]);
});

test("decoding and IoCs", async () => {
  const decoded = "Invoke-WebRequest https://contoso.com/malware -OutFile C:\\malware.exe";
  assert.equal(await page.textContent("#c602 > .observablehq pre.decoded"), decoded);
  assert.match(await page.textContent("#c602 > .observablehq pre.unpacked-text"), /<decoded type='string' name='\[None\]' index='1' depth='1'>Invoke-WebRequest/);
  const procs = await qp.execQuery(`SecurityEvent
      | where EventID == 4688 and (CommandLine contains "-enc" or CommandLine contains "FromBase64String")
      | project TimeGenerated, Computer, Account, CommandLine`);
  const fragments = hb.unpackTable(procs, "CommandLine");
  assert.ok(fragments.numRows > 0);
  assert.equal((await page.textContent("#c605 > .observablehq .summary")).trim(), `${procs.numRows} command lines with base64, ${fragments.numRows} decoded fragments`);
  const iocs = hb.extractIocsTable(fragments, ["decoded_string"], { ioc_types: ["url", "dns", "ipv4"] });
  assert.equal((await rows(606)).length, Math.min(iocs.numRows, 30));
  const urls = await text(608);
  assert.ok(urls.includes('"http://198.51.100.23:8080/gate.php"'), urls);
  assert.deepEqual((await headers(609)).slice(1), ["IoCType", "Observable", "Refanged"]);
});

test("pivots: functions, the browser view, enrichment pivots, whois joined, pivotAll and its timeline", async () => {
  hb.useDemoEnrichment(true);
  const pivot = new hb.Pivot({ queryProvider: qp });
  assert.match(await text(701), new RegExp(`"${pivot.functions().length} pivot functions"`));
  const { IpAddress } = hb.entities;
  const fns = await page.$$eval("#c702 > .observablehq select[name=functions] option", (o) => o.map((x) => x.value));
  assert.ok(fns.length > 1, fns.join());
  const other = fns.find((f) => f.endsWith(".geoloc")) ?? fns[1];
  await page.selectOption("#c702 > .observablehq select[name=functions]", other);
  await page.waitForFunction((f) => document.querySelector("#c703 > .observablehq code")?.textContent === f, other);
  assert.match(await text(704), /Demo answers/);
  assert.ok((await rows(704)).length > 0);
  const whois = await IpAddress.whois("24.16.133.227");
  const headersWhois = await headers(707);
  assert.ok(headersWhois.includes("asn_description"), headersWhois.join());
  assert.equal((await rows(707))[0][headersWhois.indexOf("asn_description")], whois.row(0).asn_description);
  // whois left-joined onto 4 days of sign-ins: every row kept, the ASN columns added
  const counts = await page.textContent("#c711 > .observablehq .pivot-join-counts");
  const [, logons, joined] = counts.match(/(\d+) sign-ins → (\d+) rows/);
  assert.equal(logons, joined);
  const joinedHeaders = await headers(711);
  for (const c of ["IPAddress", "asn", "asn_cidr", "asn_country_code", "asn_description"]) assert.ok(joinedHeaders.includes(c), c);
  const asn = await timeline(712);
  assert.ok(asn.groups.some(([g]) => g === "NORDLICHT-HOSTING, DE"), asn.groups.map(([g]) => g).join());
  assert.equal(asn.events, Number(logons));
  assert.match(await text(714), /^\s*Demo answers: /);
  assert.match(await text(714), /85\.214\.149\.236/);
  // pivotAll on the C2 alert
  const status = await page.textContent("#c718 > .observablehq p");
  const alert = (await qp.SecurityAlert.list_alerts()).filter("AlertName", "Communication with known C2 domain").row(0);
  const inv = await hb.pivotAll(alert, { pivot });
  assert.ok(inv.complete);
  assert.equal(status, `Complete: ${inv.results.length} pivots on ${inv.entities.length} entities (${inv.entities.map((e) => e.type).join(", ")}).`);
  assert.deepEqual((await headers(717)).slice(1), ["Entity", "EntityType", "Function", "Kind", "Rows", "Error"]);
  const all = await timeline(719);
  assert.ok(all.events > 0 && all.groups.length > 1);
  assert.equal(all.groups.reduce((a, [, n]) => a + Number(n), 0), all.events);
});

test("the pandas appendix", async () => {
  const signins = await qp.execQuery("SigninLogs | sort by TimeGenerated desc");
  assert.equal((await rows(801)).length, 3);
  assert.match(await text(802), new RegExp(`\\[${signins.shape[0]}, ${signins.shape[1]}\\]`));
  assert.match(await text(803), new RegExp(`^\\s*Object \\{TenantId: "${signins.row(0).TenantId}", TimeGenerated: \\d{4}-.*AppDisplayName: "${signins.row(0).AppDisplayName}"`));
  assert.match(await text(804), /"TimeGenerated", "AADTenantId"/);
  assert.match(await text(805), /TimeGenerated: "datetime"/);
  assert.deepEqual(await headers(806), ["TimeGenerated", "UserPrincipalName", "IPAddress", "ResultType"]);
  const spray = signins.filter("IPAddress", "185.220.101.45");
  assert.equal((await rows(807)).length, Math.min(5, spray.numRows));
  assert.deepEqual((await rows(808)).map((r) => r[0]).sort(), ["185.220.101.45", "45.153.160.2"].filter((ip) => signins.filter("IPAddress", ip).numRows > 0).sort());
  const apps = signins.groupBy("AppDisplayName").count().toRows();
  assert.equal((await rows(809)).length, apps.length);
  assert.deepEqual(await headers(810), ["Account", "IPAddress"]);
  assert.deepEqual(await headers(811), ["TimeGenerated", "IPAddress", "Source"]);
  assert.equal((await rows(811))[0][2], "tour");
  const later = (await rows(812))[0];
  assert.equal(ms(later[2]) - ms(later[0]), 3600000);
  assert.deepEqual((await rows(813)).map((r) => r[0]), signins.valueCounts("ResultType").toRows().map((r) => String(r.ResultType)));
  assert.deepEqual(await headers(814), ["UserPrincipalName", "TimeGenerated", "IPAddress"]);
  assert.deepEqual(await headers(815), ["IPAddress", "LocationDetails", "Latitude"]);
  const lat = signins.dynamicPath("LocationDetails", "geoCoordinates.latitude", "Latitude").row(0).Latitude;
  assert.equal(Number((await rows(815))[0][2]), lat);
});

test("no console errors and nothing off loopback after the interactions above", () => {
  assert.deepEqual(errors, []);
  assert.deepEqual(offLoopback(b.requests), []);
});
