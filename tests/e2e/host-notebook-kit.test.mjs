// The Tour as an Observable notebook (hosts/notebook-kit/tour.html, built by Observable Notebook Kit's own CLI into
// dist/hosts/notebook-kit/) in headless Chromium: every code cell of the notebook runs and settles without an error,
// the outputs hold the values huntbook computes in Node on the same demo workspace, `viewof` widgets drive the cells
// that read them, and every request — huntbook's `npm:` import, the libraries the runtime loads (Plot, Inputs,
// apache-arrow, htl) — is answered by the loopback server's jsDelivr-shaped /npm/ route.
//
// A cell's state comes from the notebook's template (hosts/notebook-kit/template.html): it puts the runtime
// observer's last call on the cell's element as data-state (pending / fulfilled / rejected); Notebook Kit shows
// errors as .observablehq--error.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { observableTourTests } from "./observable-tour.mjs";
import { openBrowser, offLoopback, reportHost, screenshot } from "./browser.mjs";
import { root, dist, loadHuntbook } from "../js/helpers.mjs";

const notebook = fs.readFileSync(path.join(root, "hosts", "notebook-kit", "tour.html"), "utf8");
const version = JSON.parse(fs.readFileSync(path.join(dist, "package.json"), "utf8")).version;

/** The notebook's code cells in order: {id, name} (name: what the cell declares, else its first line). */
const cells = [...notebook.matchAll(/<script id="(\d+)" type="([^"]+)"[^>]*>([\s\S]*?)<\/script>/g)]
  .filter(([, , type]) => type !== "text/markdown")
  .map(([, id, , body]) => {
    const code = body.trim();
    const declared = code.match(/^(viewof\s+)?([A-Za-z_$][\w$]*)\s*=(?!=)/);
    const name = declared ? `${declared[1] ?? ""}${declared[2]}` : code.split("\n")[0].slice(0, 50);
    return { id, name };
  });

let b, page, errors, hb, qp;
/** What the shared tests (./observable-tour.mjs) read, filled by before(). */
const env = {};
const results = [];

before(async () => {
  hb = await loadHuntbook();
  await hb.loadDemo();
  qp = new hb.QueryProvider("LocalData", { queryTime: new hb.QueryTime({ start: "-5d" }) });
  b = await openBrowser();
  ({ page, errors } = await b.newPage());
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`${b.base}/hosts/notebook-kit/`);
  // Every code cell has run to the end (the data source picks the demo workspace by itself after 3 s).
  await page.waitForFunction(
    (ids) => ids.every((id) => ["fulfilled", "rejected"].includes(document.getElementById(`cell-${id}`)?.dataset.state)),
    cells.map((c) => c.id),
    { timeout: 180000, polling: 250 },
  );
  for (const c of cells) {
    const [state, error] = await page.$eval(`#cell-${c.id}`, (el) => [el.dataset.state, el.querySelector(".observablehq--error")?.textContent ?? null]);
    results.push({ id: `${c.id} ${c.name}`, ok: state === "fulfilled" && !error, error: error ?? (state === "fulfilled" ? undefined : state) });
  }
  await screenshot(page, "host-notebook-kit");
  Object.assign(env, { page, b, errors, hb, qp });
});

after(async () => {
  if (results.length) reportHost("notebook-kit", results);
  await b?.close();
});

test("every code cell of the notebook runs to the end without an error", () => {
  assert.ok(cells.length >= 90, `${cells.length} code cells`);
  assert.deepEqual(results.filter((r) => !r.ok), []);
  assert.equal(results.length, cells.length);
  assert.deepEqual(errors, []);
});

test("nothing is requested off the loopback server: huntbook, Plot, Inputs, Arrow and htl come from /npm/", () => {
  assert.deepEqual(offLoopback(b.requests), []);
  const npm = b.requests.filter((u) => new URL(u).pathname.startsWith("/npm/")).map((u) => new URL(u).pathname);
  for (const p of [`/npm/huntbook@${version}/+esm`, `/npm/huntbook@${version}/huntbook_wasm_bg.wasm`,
    `/npm/huntbook@${version}/huntbook_demo.la.json.gz`, `/npm/huntbook@${version}/huntbook_demo.mmdb`,
    "/npm/@observablehq/plot/+esm", "/npm/@observablehq/inputs/+esm", "/npm/apache-arrow@17.0.0/+esm", "/npm/htl/+esm"]) {
    assert.ok(npm.includes(p), `${p} requested (${[...new Set(npm)].join(", ")})`);
  }
});

observableTourTests({ env, sel: (id) => `#cell-${id}` });
