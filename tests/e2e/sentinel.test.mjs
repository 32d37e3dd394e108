// Imported Sentinel queries in headless Chromium (issue #15): real Azure-Sentinel YAML fetched from the loopback
// server by relative URL, the query browser filtered by tactic and technique, and the selected query run on the
// demo data. Markup in a tactic stays text.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { openBrowser, offLoopback, screenshot } from "./browser.mjs";

let b;
before(async () => { b = await openBrowser(); });
after(async () => { await b.close(); });

test("the query browser filters imported queries by tactic and technique, and one runs", async () => {
  const { page, errors } = await b.newPage();
  await page.goto(`${b.base}/e2e/blank.html`);
  const report = await page.evaluate(async () => {
    const hb = await import("/huntbook/index.js");
    await hb.init();
    await hb.loadDemo();
    window.qp = new hb.QueryProvider("LocalData");
    const files = ["AdminConsentGrantedToApplication", "sharepoint_downloads", "MailPermissionsAddedToApplication", "RareProcess_forWinHost"];
    const r = await qp.importSentinelQueries(files.map((f) => `/sentinel/${f}.yaml`));
    const hostile = "id: h\nname: hostile\ntactics: ['<img src=x onerror=\"window.pwned=1\">']\nquery: print 1\n";
    r.hostile = await qp.importSentinelQueries(hostile);
    document.body.append(hb.queryBrowser(qp, { rows: 20 }));
    return r;
  });
  assert.deepEqual(report.imported, ["SentinelHunting.AdminConsentGrantedToApplication", "SentinelHunting.sharepoint_downloads",
    "SentinelAnalytics.MailPermissionsAddedToApplication", "SentinelHunting.RareProcess_forWinHost"]);
  assert.deepEqual(report.failed, []);
  assert.deepEqual(report.hostile.imported, ["SentinelHunting.hostile"]);

  const listed = () => page.$$eval("select[name=queries] option", (os) => os.map((o) => o.value));
  const tactics = await page.$$eval("select[name=tactic] option", (os) => os.map((o) => o.textContent));
  assert.deepEqual(tactics, ["any tactic", "<img src=x onerror=\"window.pwned=1\">", "Collection", "CredentialAccess", "Discovery",
    "Execution", "Exfiltration", "LateralMovement", "Persistence"]);
  assert.equal(await page.$$eval(".huntbook-querybrowser img", (i) => i.length), 0);

  await page.selectOption("select[name=tactic]", "Persistence");
  assert.deepEqual(await listed(), ["SentinelAnalytics.MailPermissionsAddedToApplication", "SentinelHunting.AdminConsentGrantedToApplication",
    "SentinelHunting.RareProcess_forWinHost"]);
  await page.selectOption("select[name=technique]", "T1528");
  assert.deepEqual(await listed(), ["SentinelHunting.AdminConsentGrantedToApplication"]);
  await page.selectOption("select[name=technique]", "");
  await page.selectOption("select[name=tactic]", "Exfiltration");
  assert.deepEqual(await listed(), ["SentinelHunting.sharepoint_downloads"]);
  await page.selectOption("select[name=tactic]", "CredentialAccess");
  assert.match(await page.textContent(".huntbook-help"), /Tactics: {2}CredentialAccess, Persistence\nTechniques: {2}T1528, T1098\nEntities: {2}Account\(FullName=Actor/);
  assert.equal(await page.textContent(".huntbook-example"), "await qp.SentinelHunting.AdminConsentGrantedToApplication()");
  await screenshot(page, "sentinel-browser");

  // run the selected query, as its example says, over the last 30 days
  const rows = await page.evaluate(async () => {
    const name = document.querySelector(".huntbook-querybrowser").value;
    const [family, q] = name.split(".");
    const df = await qp[family][q]({ start: "-30d", end: "0s" });
    return df.toRows().map((r) => [r.AppName, r.Actor, r.AccountName, r.AccountUPNSuffix]);
  });
  assert.deepEqual(rows, [["contoso hr connector", "james.miller@contoso.com", "james.miller", "contoso.com"]]);
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  assert.deepEqual(errors, []);
  assert.deepEqual(offLoopback(b.requests), []);
});
