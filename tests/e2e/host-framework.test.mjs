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
import { observableTourTests } from "./observable-tour.mjs";
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
  Object.assign(env, { page, b, errors, hb, qp });
});

after(async () => {
  if (results.length) reportHost("framework", results);
  await b?.close();
});

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

test("the import block shows what Framework bundled: the same huntbook, apache-arrow, Plot and Inputs", async () => {
  const imports = await page.textContent("#c100 > .observablehq");
  const exports = (m) => Number(imports.match(new RegExp(`${m} \\((\\d+)`))?.[1]);
  assert.equal(exports("huntbook"), Object.keys(hb).length, imports); // the same package, bundled by Framework
  for (const m of ["apache-arrow", "Plot", "Inputs"]) assert.ok(exports(m) > 10, `${m} in ${imports}`);
});

observableTourTests({ env, sel: (id) => `#c${id} > .observablehq` });
