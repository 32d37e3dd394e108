// The Tour's pivot section in headless Chromium, offline on the demo workspace with demo enrichment: the pivot
// browser (entities, functions, help, search, copyable example), enrichment pivots on one value (resolved addresses,
// host-name parts, IP class, whois ASN, geolocation), whois joined onto sign-ins and drawn by ASN, a URL's TI in the
// TI browser, and pivotAll on the demo's C2 alert (its entities, every pivot's result, one combined timeline). Then
// pivotAll and pivotBrowser on hostile values: markup in entity names, function help and result rows stays text; a
// failing pivot is an error entry and the timeline says it is incomplete; cancelling rejects.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { openBrowser, screenshot } from "./browser.mjs";

let b;
before(async () => { b = await openBrowser(); });
after(async () => { await b.close(); });

const PIVOT = ["pivot-setup", "pivot-browser", "pivot-dns", "pivot-dns-components", "pivot-iptype", "pivot-whois",
  "pivot-geoloc", "pivot-whois-join", "pivot-whois-timeline", "pivot-ti-url", "pivot-all", "pivot-timeline"];
const TI_URL = "http://85.214.149.236:443/sugarcrm/themes/default/images/";

async function table(page, sel) {
  const h = await page.$$eval(`${sel} thead th`, (ths) => ths.map((th) => th.textContent));
  const rows = await page.$$eval(`${sel} tbody tr`, (trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent)));
  return rows.map((r) => Object.fromEntries(h.map((k, i) => [k, r[i]])));
}

/** Non-white pixels of a canvas. */
const inked = (page, selector) => page.$eval(selector, (c) => {
  const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && (d[i] < 250 || d[i + 1] < 250 || d[i + 2] < 250)) n++;
  return n;
});

test("the Tour's pivot cells on the demo workspace", async () => {
  const { page, errors } = await b.newPage();
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: b.base });
  await page.goto(`${b.base}/tour/`);
  await page.click("#cell-source button[name=demo]");
  await page.waitForSelector("body[data-tour=done]", { timeout: 180000 });
  for (const id of PIVOT) {
    const [state, err] = await page.$eval(`#cell-${id}`, (c) => [c.dataset.state, c.querySelector(".error")?.textContent]);
    assert.equal(state, "done", `${id}: ${err}`);
  }
  await page.$eval("#cell-pivot-setup", (c) => c.scrollIntoView());
  await screenshot(page, "pivot");

  // Function counts per entity (printed).
  const counts = Object.fromEntries(await page.$$eval("#cell-pivot-setup li", (lis) =>
    lis.map((li) => [li.dataset.entity, Number(li.dataset.count)])));
  console.log("pivot functions per entity:", JSON.stringify(counts));
  for (const e of ["IpAddress", "Dns", "Url", "Host", "Account"]) assert.ok(counts[e] > 0, `${e}: ${counts[e]}`);

  // The browser: entities, the IpAddress functions, help and the example.
  const B = "#cell-pivot-browser";
  const entities = await page.$$eval(`${B} select[name=entities] option`, (os) => os.map((o) => o.value));
  assert.ok(["IpAddress", "Dns", "Url", "Host", "Account"].every((e) => entities.includes(e)), entities.join());
  assert.equal(await page.inputValue(`${B} select[name=entities]`), "IpAddress");
  const ipFns = await page.$$eval(`${B} select[name=functions] option`, (os) => os.map((o) => o.value));
  assert.equal(ipFns.length, counts.IpAddress);
  for (const f of ["IpAddress.util.whois", "IpAddress.util.ip_type", "IpAddress.util.geoloc", "IpAddress.ti.lookup_ip",
    "IpAddress.MSSentinel.list_aad_signins_for_ip"]) {
    assert.ok(ipFns.includes(f), `${f} in ${ipFns.join()}`);
  }
  const whoisFn = "IpAddress.util.whois";
  await page.selectOption(`${B} select[name=functions]`, whoisFn);
  assert.equal(await page.textContent(`${B} .huntbook-pivot-help h3`), whoisFn);
  assert.equal(await page.$eval(`${B} .huntbook-pivot`, (w) => w.value), whoisFn);
  assert.equal(await page.textContent(`${B} .huntbook-pivot-example`), 'await IpAddress.whois(["185.220.101.45"])');
  assert.match(await page.textContent(`${B} .huntbook-pivot-names`), /IpAddress\.whois/);
  // A query pivot shows its parameters and KQL template.
  const queryFn = "IpAddress.MSSentinel.list_aad_signins_for_ip";
  await page.selectOption(`${B} select[name=functions]`, queryFn);
  assert.match(await page.textContent(`${B} .huntbook-pivot-help`), /Query: Azure\.list_aad_signins_for_ip/);
  assert.match(await page.textContent(`${B} .huntbook-pivot-names`), /IpAddress\.MSSentinel\.aad_signins/);
  assert.match(await page.textContent(`${B} .huntbook-pivot-template`), /\| where IPAddress in \(\{ip_address_list\}\)/);
  const params = await table(page, `${B} .huntbook-pivot-params`);
  assert.ok(params.some((p) => p.name === "table" && p.default === "SigninLogs"), JSON.stringify(params));
  assert.ok(params.some((p) => p.name === "start" && /datetime/.test(p.type)), JSON.stringify(params));
  // Search across every entity's functions.
  await page.fill(`${B} input[name=search]`, "tilookup");
  const found = await page.$$eval(`${B} select[name=functions] option`, (os) => os.map((o) => o.value));
  assert.deepEqual([...found].sort(), ["Dns.ti.lookup_dns", "File.ti.lookup_file_hash", "IpAddress.ti.lookup_ip", "Url.ti.lookup_url"]);
  assert.ok(new Set(found.map((v) => v.split(".")[0])).size >= 3, "matches from several entities");
  // Copy: the clipboard holds the example call (or, without a clipboard, the example is selected).
  await page.click(`${B} button[name=copy]`);
  await page.waitForFunction((sel) => document.querySelector(`${sel} .huntbook-pivot-copied`).textContent !== "", B);
  const example = await page.textContent(`${B} .huntbook-pivot-example`);
  const copied = await page.textContent(`${B} .huntbook-pivot-copied`);
  if (copied === "copied") assert.equal(await page.evaluate(() => navigator.clipboard.readText()), example);
  else assert.equal(await page.evaluate(() => String(getSelection())), example);

  // Enrichment pivots on one value.
  for (const id of ["pivot-dns", "pivot-whois", "pivot-geoloc", "pivot-whois-join", "pivot-ti-url", "pivot-all"]) {
    assert.match(await page.textContent(`#cell-${id} .output`), /Demo answers/, id);
  }
  const dns = await table(page, "#cell-pivot-dns");
  assert.ok(dns.some((r) => Object.values(r).includes("23.55.124.197") && Object.values(r).includes("A")), JSON.stringify(dns));
  assert.ok(dns.some((r) => Object.values(r).includes("CNAME")), JSON.stringify(dns));
  const parts = await table(page, "#cell-pivot-dns-components");
  assert.equal(parts.length, 1);
  assert.equal(parts[0].subdomain, "www");
  assert.equal(parts[0].domain, "microsoft");
  assert.equal(parts[0].suffix, "com");
  assert.ok(Object.values((await table(page, "#cell-pivot-iptype"))[0]).includes("Public"));
  const whois = await table(page, "#cell-pivot-whois");
  assert.equal(whois.length, 1);
  assert.equal(whois[0].asn, "7922");
  assert.equal(whois[0].asn_description, "COMCAST-7922, US");
  const geo = await table(page, "#cell-pivot-geoloc");
  assert.equal(geo[0].CountryCode, "US");
  assert.equal(geo[0].City, "Seattle");

  // whois joined onto the sign-ins (a left join keeps every sign-in), then a timeline by ASN.
  const [logons, joined] = await page.$eval("#cell-pivot-whois-join .pivot-join-counts", (p) => [Number(p.dataset.logons), Number(p.dataset.joined)]);
  assert.ok(logons > 50, `${logons} sign-ins`);
  assert.equal(joined, logons);
  const joinHeaders = await page.$$eval("#cell-pivot-whois-join thead th", (ths) => ths.map((th) => th.textContent));
  assert.ok(joinHeaders.includes("UserPrincipalName") && joinHeaders.includes("asn_description"), joinHeaders.join());
  const groups = await page.$eval("#cell-pivot-whois-timeline .huntbook-timeline", (t) => t.layout.groups.map((g) => [g.label, g.count]));
  const byAsn = Object.fromEntries(groups);
  assert.equal(byAsn["NORDLICHT-HOSTING, DE"], 15 + 18, `the spray IP's sign-ins: ${JSON.stringify(groups)}`);
  assert.equal(groups.reduce((n, [, c]) => n + c, 0), logons);
  assert.ok(await inked(page, "#cell-pivot-whois-timeline canvas.huntbook-plot") > 2000, "the ASN timeline is drawn");

  // The URL's TI in the TI browser: the answer matches the demo ThreatIntelligenceIndicator table.
  const expected = await page.evaluate(async (url) => {
    const huntbook = await import("/huntbook/index.js");
    const df = await new huntbook.QueryProvider("LocalData").execQuery(`ThreatIntelligenceIndicator | where Url == "${url}" | count`);
    return Number(df.row(0).Count);
  }, TI_URL);
  const ti = await table(page, "#cell-pivot-ti-url .huntbook-frame");
  assert.ok(ti.length >= 1 && ti.every((r) => r.Ioc === TI_URL && r.IocType === "url"), JSON.stringify(ti));
  if (expected > 0) assert.ok(ti.some((r) => r.Result === "true" && ["warning", "high"].includes(r.Severity)), JSON.stringify(ti));
  else assert.ok(ti.every((r) => r.Result === "false" && r.Status === "not found"), `not in the demo TI table: ${JSON.stringify(ti)}`);
  const tiOptions = await page.$$eval("#cell-pivot-ti-url .huntbook-ti select option", (os) => os.map((o) => o.value));
  assert.deepEqual(tiOptions, [TI_URL]);
  assert.match(await page.textContent("#cell-pivot-ti-url .huntbook-ti-detail h3"), /\[url\]/);

  // pivotAll on the C2 alert: its entities, a result per pivot, nothing failing silently.
  const types = await page.$$eval("#cell-pivot-all .pivot-entities li", (lis) => lis.map((li) => li.dataset.type));
  assert.deepEqual([...types].sort(), ["Alert", "Dns", "Host", "IpAddress", "IpAddress", "Url"]);
  const entityText = await page.textContent("#cell-pivot-all .pivot-entities");
  for (const v of ["Alert: Communication with known C2 domain", "Host: WKS-FIN-07.contoso.com", "10.0.2.17", "203.0.113.66", "cdn-updates.northwind-sync.xyz", "https://cdn-updates.northwind-sync.xyz/api/beacon"]) {
    assert.ok(entityText.includes(v), `${v} in ${entityText}`);
  }
  assert.equal(await page.$eval("#cell-pivot-all .huntbook-progress", (p) => p.dataset.state), "done");
  const results = await table(page, "#cell-pivot-all .pivot-results");
  assert.equal(results.length, 63, "one result per planned pivot (tests/pivot_investigate.rs prints the plan)");
  const shown = await page.$eval("#cell-pivot-all .pivot-complete, #cell-pivot-all .pivot-incomplete", (p) => [p.className, p.textContent]);
  const failed = results.filter((r) => r.Error !== "" && r.Error !== "None");
  console.log("failed pivots:", JSON.stringify(failed));
  assert.equal(shown[0] === "pivot-complete", failed.length === 0, `${shown[1]} / ${JSON.stringify(failed)}`);
  assert.deepEqual(failed, [], "every pivot of the demo alert answers on the demo workspace");
  const row = (fn, entity) => results.find((r) => r.Function.endsWith(fn) && r.Entity.includes(entity));
  // TI: the C2 address and domain are C2 indicators in the demo feed.
  assert.ok(Number(row("ti.lookup_ip", "203.0.113.66")?.Rows) >= 1, JSON.stringify(results.map((r) => r.Function)));
  assert.ok(Number(row("ti.lookup_dns", "cdn-updates.northwind-sync.xyz")?.Rows) >= 1);
  assert.ok(row("util.whois", "203.0.113.66"), "whois of each IP");
  assert.ok(row("util.whois", "10.0.2.17"), "whois of each IP");
  // Data queries: the host's processes and events were found.
  const hostRows = results.filter((r) => r.EntityType === "Host" && r.Kind === "query").reduce((n, r) => n + Number(r.Rows), 0);
  assert.ok(hostRows > 100, `rows from the host's query pivots: ${hostRows}`);
  console.log(`pivotAll on the C2 alert: ${results.length} pivots, ${failed.length} failed, host rows ${hostRows}`);

  // One combined timeline: rows from several functions, non-blank canvas, grouped by function.
  const tlRows = await page.$eval("#cell-pivot-timeline .pivot-timeline-rows", (p) => Number(p.dataset.rows));
  assert.ok(tlRows >= hostRows, `${tlRows} timeline rows`);
  const tlGroups = await page.$eval("#cell-pivot-timeline .huntbook-timeline", (t) => t.layout.groups.map((g) => [g.label, g.count]));
  assert.ok(tlGroups.length >= 2, JSON.stringify(tlGroups));
  assert.equal(tlGroups.reduce((n, [, c]) => n + c, 0), tlRows);
  assert.ok(await inked(page, "#cell-pivot-timeline canvas.huntbook-plot") > 2000, "the combined timeline is drawn");
  const tlHeaders = await page.$$eval("#cell-pivot-timeline thead th", (ths) => ths.map((th) => th.textContent));
  assert.deepEqual(tlHeaders.slice(0, 6), ["TimeGenerated", "Entity", "EntityType", "Function", "Summary", "Source"]);

  assert.deepEqual(errors, []);
  assert.ok(b.requests.every((u) => u.startsWith(b.base)), "nothing requested off the loopback server");
});

test("pivotAll and pivotBrowser keep hostile values as text; a failing pivot is an error entry; cancel rejects", async () => {
  const { page, errors } = await b.newPage();
  await page.goto(`${b.base}/e2e/blank.html`);
  const out = await page.evaluate(async () => {
    const huntbook = await import("/huntbook/index.js");
    await huntbook.init();
    await huntbook.loadDemo();
    huntbook.useDemoEnrichment(true);
    const evil = `<img src=x onerror="window.pwned=1">`;
    const qp = new huntbook.QueryProvider("LocalData");
    const pivot = new huntbook.Pivot({ queryProvider: qp });
    const events = huntbook.readTables(JSON.stringify([
      { TimeGenerated: "2024-01-13T00:09:31Z", Computer: `WKS${evil}`, Activity: `4688 ${evil}`, Type: `Events${evil}` },
      { TimeGenerated: "2024-01-13T00:11:02Z", Computer: `WKS${evil}`, Activity: "4688", Type: `Events${evil}` },
    ]), { format: "json", name: `Events${evil}` }).tables[0];
    pivot.register({ entity: "Host", container: "custom", name: "evil_events", func: async () => events, inputParam: "value" });
    pivot.register({ entity: "Host", container: "custom", name: "broken", func: async () => { throw new Error(`boom ${evil}`); }, inputParam: "value" });
    pivot.register({ entity: "Host", container: "custom", name: "slow", func: () => new Promise((r) => setTimeout(() => r(events), 500)), inputParam: "value" });
    const alert = { AlertName: "x", Entities: JSON.stringify([{ $id: "1", Type: "host", HostName: `pc${evil}`, DnsDomain: "contoso.com" }]) };

    const inv = await huntbook.pivotAll(alert, { pivot, functions: ["custom.evil_events", "custom.broken"] });
    const tl = huntbook.timeline(inv.timeline, { groupBy: "Function", sourceColumns: ["Entity", "Summary"] });
    document.body.append(tl, inv.timeline.toElement(), ...inv.results.filter((r) => r.frame).map((r) => r.frame.toElement()));
    const browser = huntbook.pivotBrowser([
      { entity: "Host", fullName: `Host.custom.x${evil}`, kind: "query", description: evil, query: evil, template: `<script>window.pwned=3</script>`,
        params: [{ name: evil, type: "str", required: true, default: evil, description: evil }], example: `await x("${evil}")` },
      ...pivot.functions(),
    ], { search: "pwned" });
    document.body.append(browser);

    let cancelled = null;
    const controller = new AbortController();
    const slow = huntbook.pivotAll(alert, { pivot, functions: ["custom.slow"], signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    try { await slow; } catch (e) { cancelled = e.name; }

    const errorsSeen = [];
    for (const bad of [
      () => huntbook.pivotAll(alert, { pivot, functions: ["custom.evil_event"] }),
      () => huntbook.pivotAll(alert, { pivot, functons: ["x"] }),
      () => huntbook.pivotAll(alert, {}),
    ]) {
      try { await bad(); errorsSeen.push(null); } catch (e) { errorsSeen.push(e.message); }
    }
    const rows = inv.timeline.toRows();
    return {
      results: inv.results.map((r) => [r.function, r.frame ? r.frame.numRows : null, r.error]),
      complete: inv.complete,
      labels: inv.labels,
      types: inv.entities.map((e) => e.type),
      timeline: rows.map((r) => [r.Entity, r.Function, r.Summary, r.Source, Number(r.ResultIndex), Number(r.SourceRow)]),
      notes: inv.timeline.notes,
      imgs: document.querySelectorAll("img").length,
      scripts: document.querySelectorAll("body script").length,
      options: [...browser.querySelectorAll("select[name=functions] option")].map((o) => o.textContent),
      help: browser.querySelector(".huntbook-pivot-help h3").textContent,
      template: browser.querySelector(".huntbook-pivot-template").textContent,
      pwned: window.pwned ?? null,
      cancelled,
      errorsSeen,
    };
  });
  const evil = `<img src=x onerror="window.pwned=1">`;
  assert.deepEqual(out.types, ["Alert", "Host"]);
  assert.equal(out.labels[1], `pc${evil}.contoso.com`, "the host's fqdn names it");
  const byFn = Object.fromEntries(out.results.map((r) => [r[0], r.slice(1)]));
  assert.deepEqual(Object.keys(byFn).sort(), ["Host.custom.broken", "Host.custom.evil_events"]);
  assert.deepEqual(byFn["Host.custom.evil_events"], [2, null]);
  assert.deepEqual(byFn["Host.custom.broken"], [null, `Host.custom.broken: boom ${evil}`]);
  const evilIndex = out.results.findIndex((r) => r[0] === "Host.custom.evil_events");
  assert.equal(out.complete, false);
  assert.equal(out.timeline.length, 2);
  assert.deepEqual(out.timeline.map((r) => [r[1], r[3], r[4], r[5]]),
    [["Host.custom.evil_events", `Events${evil}`, evilIndex, 0], ["Host.custom.evil_events", `Events${evil}`, evilIndex, 1]]);
  assert.ok(out.timeline[0][0].includes(evil), "the hostile host name is the Entity, as text");
  assert.equal(out.timeline[0][2], `Activity=4688 ${evil}, Computer=WKS${evil}`);
  assert.match(out.notes[0], /^incomplete: 1 pivot function\(s\) failed — Host\.custom\.broken on .*: boom /);
  assert.equal(out.imgs, 0, "no markup from values became an element");
  assert.equal(out.scripts, 0);
  assert.equal(out.pwned, null);
  assert.deepEqual(out.options, [`Host.custom.x${evil}`]);
  assert.equal(out.help, `Host.custom.x${evil}`);
  assert.equal(out.template, "<script>window.pwned=3</script>");
  assert.equal(out.cancelled, "AbortError");
  assert.match(out.errorsSeen[0], /no pivot function is called 'custom\.evil_event' \(did you mean/);
  assert.match(out.errorsSeen[1], /pivotAll: unknown option 'functons' \(did you mean 'functions'\?\)/);
  assert.match(out.errorsSeen[2], /give the Pivot/);
  assert.deepEqual(errors, []);
});
