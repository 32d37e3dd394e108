// huntbook.worker() from Node.js: the package ships the Worker module and its typings; without Web Workers the
// call says what it needs; a program using the worker API type-checks. (The Worker itself runs in Chromium:
// tests/e2e/worker.test.mjs.)
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { dist, typecheck } from "./helpers.mjs";

test("the package holds worker.js and exports it", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(dist, "package.json"), "utf8"));
  for (const f of ["worker.js", "workerClient.d.ts"]) {
    assert.ok(pkg.files.includes(f), `package.json files lists ${f}`);
    assert.ok(fs.existsSync(path.join(dist, f)), `${f} is in dist/huntbook`);
  }
  assert.equal(pkg.exports["./worker.js"], "./worker.js");
  // js/workerClient.js is inside the one-module index.js, at the package root beside worker.js
  assert.match(fs.readFileSync(path.join(dist, "index.js"), "utf8"), /new URL\("\.\/worker\.js",\s*import\.meta\.url\)/);
});

test("worker() without Web Workers (Node.js) says what it needs", async () => {
  const hb = await import(path.join(dist, "index.js"));
  assert.equal(typeof hb.worker, "function");
  assert.equal(hb.default.worker, hb.worker);
  await assert.rejects(hb.worker(), { message: "huntbook.worker() needs Web Workers (a page or Observable)" });
});

test("a program using the worker API type-checks against dist/huntbook's typings", () => {
  assert.equal(typecheck(`import * as huntbook from "huntbook";
export async function run(signal: AbortSignal): Promise<number> {
  const hb: huntbook.HuntbookWorker = await huntbook.worker({ module_or_path: "/x.wasm" });
  const demo = await hb.loadDemo({ now: Date.now(), signal });
  const t: huntbook.WorkerTable = await demo.query("SigninLogs | take 5", { signal });
  const rows: Record<string, unknown>[] = await t.toRows();
  const bytes: Uint8Array = await t.toArrowIPC();
  const el: HTMLElement = await t.toElement({ maxRows: 3 });
  const iocs = await hb.extractIocsTable(t, ["CommandLine"], { ioc_types: ["ipv4"], signal });
  const un = await hb.unpackTable(t, "CommandLine");
  const { tables } = await hb.readTables(new ArrayBuffer(8), { transfer: true, format: "la" });
  const m = await hb.timelineModel(t, { group_by: "Result" });
  const r = await m.render(0, 1, 10, 10);
  const shown = await huntbook.display(t);
  await t.free();
  return rows.length + bytes.length + el.childElementCount + iocs.numRows + un.shape[0] + tables.length + m.layout.groups.length + r.pixels.length + (shown ? 1 : 0);
}
`), "");
  assert.notEqual(typecheck(`import * as huntbook from "huntbook";
export async function run(): Promise<number> { const hb = await huntbook.worker(); const t = await (await hb.loadDemo()).query("x"); return t.toRows().length; }
`, "bad.ts"), "");
});
