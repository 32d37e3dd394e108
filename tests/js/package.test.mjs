// The built npm package: every file package.json lists is there, and the download stays in its budget.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { dist } from "./helpers.mjs";

test("every file listed in package.json is in the package", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(dist, "package.json"), "utf8"));
  for (const f of pkg.files) {
    const p = path.join(dist, f);
    assert.ok(fs.existsSync(p), `${f} is listed in package.json but missing from dist/huntbook`);
    if (f.endsWith("/")) assert.ok(fs.readdirSync(p).some((n) => n.endsWith(".js")), `${f} holds no module`);
  }
});

test("the wasm (with the demo data in it) is at most 5 MB gzip", () => {
  const wasm = fs.readFileSync(path.join(dist, "huntbook_wasm_bg.wasm"));
  const gz = zlib.gzipSync(wasm, { level: 9 }).length;
  assert.ok(gz <= 5_000_000, `huntbook_wasm_bg.wasm is ${gz} bytes gzip (budget 5,000,000)`);
});
