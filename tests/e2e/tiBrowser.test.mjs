// browseResults (msticpy's TI browser) in Chromium on hostile results: IoCs, Details, raw answers and references
// with markup and a javascript: URL stay text (no element, no handler, no link to script); the severity filter and
// the selection work; the raw JSON is collapsed.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { openBrowser } from "./browser.mjs";

let b;
before(async () => { b = await openBrowser(); });
after(async () => { await b.close(); });

test("browseResults filters by severity, shows provider details and keeps hostile text as text", async () => {
  const { page, errors } = await b.newPage();
  await page.goto(`${b.base}/e2e/blank.html`);
  const out = await page.evaluate(async () => {
    const huntbook = await import("/huntbook/index.js");
    await huntbook.init();
    const evil = `<img src=x onerror="window.pwned=1">`;
    const rows = [
      { Ioc: `evil${evil}.com`, IocType: "dns", Provider: "OTX", Result: true, Severity: "high",
        Details: JSON.stringify({ pulse: evil }), RawResult: JSON.stringify({ raw: evil }), Reference: "javascript:alert(1)", Status: "ok" },
      { Ioc: `evil${evil}.com`, IocType: "dns", Provider: "VirusTotal", Result: true, Severity: "warning",
        Details: JSON.stringify({ positives: 3 }), RawResult: "null", Reference: "https://www.virustotal.com/gui/domain/x", Status: "ok" },
      { Ioc: "8.8.8.8", IocType: "ipv4", Provider: "OTX", Result: false, Severity: "information",
        Details: "\"Not found.\"", RawResult: "null", Reference: "https://otx.alienvault.com", Status: "not found" },
    ];
    const w = huntbook.browseResults(rows);
    document.body.append(w);
    const first = {
      options: [...w.querySelectorAll("option")].map((o) => o.textContent),
      blocks: [...w.querySelectorAll(".huntbook-ti-provider")].map((d) => [d.dataset.severity, d.querySelector("h4").textContent]),
      details: w.querySelector(".huntbook-ti-details").textContent,
      raw: w.querySelector("details.huntbook-ti-raw pre").textContent,
      rawOpen: w.querySelector("details.huntbook-ti-raw").open,
      links: [...w.querySelectorAll("a")].map((a) => a.getAttribute("href")),
      imgs: w.querySelectorAll("img").length,
      value: w.value.length,
    };
    let inputs = 0;
    w.addEventListener("input", () => inputs++);
    w.querySelector("input[name=information]").click();
    const second = [...w.querySelectorAll("option")].map((o) => o.value);
    w.querySelector("select").value = "8.8.8.8";
    w.querySelector("select").dispatchEvent(new Event("change"));
    let bad = null;
    try { huntbook.browseResults(rows, { severities: ["severe"] }); } catch (e) { bad = e.message; }
    return { first, second, selected: w.value.map((r) => r.Provider), inputs, pwned: window.pwned ?? null, bad };
  });
  assert.deepEqual(out.first.options, [`evil<img src=x onerror="window.pwned=1">.com  [dns]  high`]);
  assert.deepEqual(out.first.blocks, [["high", "OTX high (ok)"], ["warning", "VirusTotal warning (ok)"]]);
  assert.match(out.first.details, /"pulse": "<img src=x onerror=\\"window.pwned=1\\">"/);
  assert.match(out.first.raw, /"raw"/);
  assert.equal(out.first.rawOpen, false);
  assert.deepEqual(out.first.links, ["https://www.virustotal.com/gui/domain/x"], "the javascript: reference is not a link");
  assert.equal(out.first.imgs, 0);
  assert.equal(out.first.value, 2);
  assert.equal(out.second.length, 2, "information added: 8.8.8.8 listed");
  assert.deepEqual(out.selected, ["OTX"]);
  assert.ok(out.inputs >= 2);
  assert.equal(out.pwned, null);
  assert.match(out.bad, /unknown severity 'severe'/);
  assert.deepEqual(errors, []);
});
