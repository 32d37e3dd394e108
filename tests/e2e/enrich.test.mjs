// The Tour's enrichment cells in headless Chromium: offline on the demo workspace (demo TI provider, demo mmdb,
// recorded whois/DNS answers, each output marked as a demo answer), and against loopback stand-ins of the real
// services (TI APIs, DNS over HTTPS, Team Cymru over DoH, RDAP) configured through the page's `?services=`; values
// asserted, the test keys never on the page or the console, nothing requested off the loopback.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { openBrowser, screenshot } from "./browser.mjs";
import { startTiStandins } from "../standins/ti.mjs";
import { startNetStandins } from "../standins/net.mjs";

let b;
before(async () => { b = await openBrowser(); });
after(async () => { await b.close(); });

const ENRICH = ["ti-setup", "ti-one", "ti-many", "ti-browse", "dns", "dns-components", "iptype", "whois", "geoloc"];
const rowsOf = (page, sel) =>
  page.$$eval(`${sel} tbody tr`, (trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent)));
const headersOf = (page, sel) => page.$$eval(`${sel} thead th`, (ths) => ths.map((th) => th.textContent));
async function table(page, sel) {
  const h = await headersOf(page, sel);
  return (await rowsOf(page, sel)).map((r) => Object.fromEntries(h.map((k, i) => [k, r[i]])));
}

async function runTour(page, query = "") {
  await page.goto(`${b.base}/tour/${query}`);
  await page.click("#cell-source button[name=demo]");
  await page.waitForSelector("body[data-tour=done]", { timeout: 120000 });
  for (const id of ENRICH) {
    const [state, err] = await page.$eval(`#cell-${id}`, (c) => [c.dataset.state, c.querySelector(".error")?.textContent]);
    assert.equal(state, "done", `${id}: ${err}`);
  }
}

test("enrichment cells answer offline on the demo workspace, marked as demo answers", async () => {
  const { page, errors } = await b.newPage();
  await runTour(page);
  await page.$eval("#cell-ti-one", (c) => c.scrollIntoView());
  await screenshot(page, "enrich-demo");

  for (const id of ["ti-one", "ti-many", "dns", "whois", "geoloc"]) {
    assert.match(await page.textContent(`#cell-${id} .output`), /Demo answers/, `${id} says it shows demo answers`);
  }
  // lookupIoc: the spray IP is a Proxy indicator in the demo ThreatIntelligenceIndicator table.
  const one = await table(page, "#cell-ti-one");
  assert.equal(one.length, 1);
  assert.equal(one[0].Ioc, "185.220.101.45");
  assert.equal(one[0].IocType, "ipv4");
  assert.equal(one[0].Result, "true");
  assert.equal(one[0].Status, "ok");
  assert.ok(["warning", "high"].includes(one[0].Severity), one[0].Severity);

  // lookupIocs on five IPs: one row each; the three spray IPs are found.
  const many = await table(page, "#cell-ti-many .huntbook-frame");
  assert.equal(many.length, 5);
  const found = many.filter((r) => r.Result === "true").map((r) => r.Ioc).sort();
  assert.deepEqual(found, ["185.220.101.45", "193.142.146.213", "45.153.160.2"]);
  assert.equal(await page.$eval("#cell-ti-many .huntbook-progress", (p) => p.dataset.state), "done");

  // The TI browser lists the IoCs and shows the selected one's provider details, raw JSON collapsed.
  const options = await page.$$eval("#cell-ti-browse select option", (os) => os.map((o) => o.value));
  assert.ok(options.includes("185.220.101.45") && options.length === 5, options.join());
  await page.selectOption("#cell-ti-browse select", "45.153.160.2");
  assert.match(await page.textContent("#cell-ti-browse .huntbook-ti-detail h3"), /^45\.153\.160\.2 \[ipv4\]/);
  assert.equal(await page.$eval("#cell-ti-browse details.huntbook-ti-raw", (d) => d.open), false);
  await page.click("#cell-ti-browse input[name=information]");
  const afterFilter = await page.$$eval("#cell-ti-browse select option", (os) => os.length);
  assert.equal(afterFilter, 3, "without 'information' only the three found IPs stay");

  // DNS, parts, IP class, whois and geolocation.
  const dns = await table(page, "#cell-dns");
  assert.ok(dns.some((r) => r.Type === "A" && r.Data === "203.0.113.66"), JSON.stringify(dns));
  const parts = JSON.parse(await page.textContent("#cell-dns-components pre.dns-components"));
  assert.equal(parts.subdomain, "cdn-updates");
  assert.equal(parts.domain, "northwind-sync");
  assert.equal(parts.suffix, "xyz");
  assert.equal(await page.textContent("#cell-iptype pre.iptype"), "Public");
  const whois = await table(page, "#cell-whois");
  assert.equal(whois.length, 5);
  const spray = whois.find((r) => r.IPAddress === "185.220.101.45");
  assert.ok(spray && /60729/.test(JSON.stringify(spray)), JSON.stringify(spray));
  const geo = await table(page, "#cell-geoloc");
  assert.equal(geo[0].CountryCode, "US");
  assert.equal(geo[0].City, "Seattle");

  assert.deepEqual(errors, []);
  assert.ok(b.requests.every((u) => u.startsWith(b.base)), "nothing requested off the loopback server");
});

test("enrichment cells against loopback stand-ins of the real services", async () => {
  const ti = await startTiStandins();
  const net = await startNetStandins();
  try {
    const { page, errors } = await b.newPage();
    const consoleLines = [];
    page.on("console", (m) => consoleLines.push(m.text()));
    const services = {
      ti: ti.config,
      resolver: net.resolver,
      rdapUrl: net.rdapUrl,
      mmdb: `${b.base}/huntbook/huntbook_demo.mmdb`,
    };
    await runTour(page, `?services=${encodeURIComponent(JSON.stringify(services))}`);
    await screenshot(page, "enrich-services");
    for (const id of ["ti-one", "ti-many", "dns", "whois"]) {
      assert.doesNotMatch(await page.textContent(`#cell-${id} .output`), /Demo answers/, id);
    }
    const one = await table(page, "#cell-ti-one");
    assert.deepEqual(one.map((r) => r.Provider).sort(), Object.keys(ti.config).sort());
    assert.ok(one.every((r) => r.Ioc === "185.220.101.45" && r.Status === "ok"), JSON.stringify(one));
    const many = await table(page, "#cell-ti-many .huntbook-frame");
    assert.equal(many.length, 5 * Object.keys(ti.config).length);

    const dns = await table(page, "#cell-dns");
    assert.ok(dns.some((r) => r.Type === "A" && r.Data === "203.0.113.66"), JSON.stringify(dns));
    const whois = await table(page, "#cell-whois");
    assert.equal(whois.length, 5);
    assert.ok(net.requests.length > 0, "whois and DNS asked the stand-ins");

    const page_text = await page.textContent("body");
    for (const key of ti.keys) {
      assert.ok(!page_text.includes(key), "no key on the page");
      assert.ok(consoleLines.every((l) => !l.includes(key)), "no key on the console");
      assert.ok(ti.requests.every((r) => !r.url.includes(key)), "no key in a URL");
    }
    // A provider's documented "not found" is HTTP 404, which Chromium logs as a failed resource: not a page error.
    assert.deepEqual(errors.filter((e) => !/status of 404 \(Not Found\)/.test(e)), []);
  } finally {
    await ti.close();
    await net.close();
  }
});
