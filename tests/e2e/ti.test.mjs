// TILookup in headless Chromium against the loopback TI stand-ins: lookups through the page's fetch, the progress
// widget showing done / total, and a provider that refuses the page's origin (no CORS headers): the browser blocks
// it and the row says to set a proxy, without the key anywhere on the page or the console.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { openBrowser } from "./browser.mjs";
import { startTiStandins, MALICIOUS_IPS } from "../standins/ti.mjs";

let b, s;
before(async () => { b = await openBrowser(); s = await startTiStandins(); });
after(async () => { await b.close(); await s.close(); });

test("TI lookups in the browser: progress counts to the total; a CORS refusal says to set the proxy", async () => {
  const { page } = await b.newPage();
  const lines = [];
  page.on("console", (m) => lines.push(m.text()));
  await page.goto(`${b.base}/e2e/blank.html`);
  const config = {
    VirusTotal: s.config.VirusTotal,
    GreyNoise: { ...s.config.GreyNoise, proxy: `${s.base}/nocors/greynoise` },
  };
  const rows = await page.evaluate(async (config) => {
    const huntbook = await import("/huntbook/index.js");
    await huntbook.init();
    const ti = new huntbook.TILookup({ providers: config });
    const bar = huntbook.progress((signal, report) =>
      ti.lookupIocs(["8.8.8.8", "185.220.101.45"], { signal, onProgress: report }), { label: "Looking up" });
    bar.id = "ti";
    document.body.append(bar);
    return (await bar.value).toRows();
  }, config);
  await page.waitForSelector("#ti[data-state=done]");
  assert.equal(await page.textContent("#ti .huntbook-count"), " 4 / 4");
  assert.deepEqual(await page.$eval("#ti progress", (p) => [p.value, p.max, p.hidden]), [4, 4, false]);
  assert.deepEqual(rows.map((r) => [r.Ioc, r.Provider, r.Status]), [
    ["8.8.8.8", "VirusTotal", "ok"], ["8.8.8.8", "GreyNoise", "error"],
    [MALICIOUS_IPS[0], "VirusTotal", "ok"], [MALICIOUS_IPS[0], "GreyNoise", "error"],
  ]);
  assert.equal(rows[2].Severity, "high");
  const cors = JSON.parse(rows[1].Details);
  assert.match(cors, /^GreyNoise did not answer through the proxy at http:\/\/127\.0\.0\.1:\d+\/nocors\/greynoise/);
  assert.match(cors, /allows this page's origin \(CORS\)/);
  // The key header makes the browser ask first (a preflight); refused, the request itself is never sent.
  assert.ok(s.preflights.some((u) => u.startsWith("/greynoise/community/")), s.preflights.join());
  assert.ok(!s.requests.some((r) => r.provider === "GreyNoise"));
  assert.ok(s.requests.some((r) => r.provider === "VirusTotal" && r.headers["x-apikey"] === s.config.VirusTotal.key));
  const text = (await page.textContent("body")) + JSON.stringify(rows) + lines.join("\n");
  for (const k of s.keys) assert.ok(!text.includes(k), "no key on the page, in a row or on the console");
});
