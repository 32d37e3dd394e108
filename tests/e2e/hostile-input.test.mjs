// The hostile-input suite in headless Chromium (issue #14, "Must show" 2): the same table of cases as the Node test
// (tests/js/hostile-cases.mjs, served to the page), run one by one in one page — one module instance — each with its
// specific error or noted result, within the hang guard, and `print 1` plus a small unpack working after it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { openBrowser, offLoopback } from "./browser.mjs";
import { root } from "../js/helpers.mjs";
import { cases, TIME_LIMIT_MS } from "../js/hostile-cases.mjs";

let b;
let page;
let errors;
before(async () => {
  b = await openBrowser();
  ({ page, errors } = await b.newPage());
  const source = fs.readFileSync(path.join(root, "tests", "js", "hostile-cases.mjs"));
  await page.route("**/hostile-cases.mjs", (r) => r.fulfill({ status: 200, contentType: "text/javascript", body: source }));
  await page.goto(`${b.base}/e2e/blank.html`);
  await page.evaluate(async () => {
    const hb = await import("/huntbook/index.js");
    await hb.init();
    const m = await import("/hostile-cases.mjs");
    const env = await m.makeEnv(hb);
    await m.trivialStillWorks(hb, env);
    window.runHostile = (id) => m.runCase(hb, env, m.cases.find((c) => c.id === id));
  });
});
after(async () => {
  await b?.close();
});

for (const c of cases) {
  test(`Chromium: ${c.weakness}: ${c.id}`, async () => {
    // the page's own timer cannot interrupt a synchronous wasm call: Playwright's timeout is the outer hang guard
    const r = await Promise.race([
      page.evaluate((id) => window.runHostile(id), c.id),
      new Promise((_, no) => setTimeout(() => no(new Error(`no answer within ${3 * TIME_LIMIT_MS} ms`)), 3 * TIME_LIMIT_MS)),
    ]);
    console.log(`hostile-chromium | ${r.ok ? "ok  " : "FAIL"} | ${String(r.ms).padStart(6)} ms | ${c.id} → ${r.got.slice(0, 120)}${r.failure ? `\n  failure: ${r.failure}` : ""}`);
    assert.equal(r.failure, null);
    assert.ok(r.ok);
  });
}

test("Chromium: no console errors and only loopback requests", () => {
  assert.deepEqual(errors, []);
  assert.deepEqual(offLoopback(b.requests), []);
});
