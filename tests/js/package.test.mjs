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

test("the wasm alone is at most 3.0 MB gzip (issue #16)", () => {
  const wasm = fs.readFileSync(path.join(dist, "huntbook_wasm_bg.wasm"));
  const gz = zlib.gzipSync(wasm, { level: 9 }).length;
  assert.ok(gz <= 3_000_000, `huntbook_wasm_bg.wasm is ${gz} bytes gzip (budget 3,000,000)`);
  // The demo data is not inside it (it used to be embedded byte for byte).
  const demo = fs.readFileSync(path.join(dist, "huntbook_demo.la.json.gz"));
  assert.ok(!wasm.includes(demo.subarray(100, 4196)), "the demo data file is not embedded in the wasm");
});

test("the demo data is a file of the package, beside the wasm, and exported", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(dist, "package.json"), "utf8"));
  const file = "huntbook_demo.la.json.gz";
  assert.ok(pkg.files.includes(file));
  assert.equal(pkg.exports[`./${file}`], `./${file}`);
  const bytes = fs.readFileSync(path.join(dist, file));
  assert.deepEqual([...bytes.subarray(0, 2)], [0x1f, 0x8b], "gzip");
  const json = JSON.parse(zlib.gunzipSync(bytes).toString("utf8"));
  assert.equal(json.tables.length, 13);
  assert.ok(json.tables.some((t) => t.name === "SigninLogs" && t.rows.length > 1000));
});

test("npm pack ships every module the entry imports (and the files they fetch beside them)", async () => {
  const { execFileSync } = await import("node:child_process");
  const packed = new Set(JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: dist, encoding: "utf8" }))[0]
    .files.map((f) => f.path));
  const seen = new Set();
  const walk = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    assert.ok(packed.has(file), `${file} is imported but npm pack leaves it out (add it to pkg-template/package.json "files")`);
    const src = fs.readFileSync(path.join(dist, file), "utf8");
    for (const m of src.matchAll(/(?:from\s*|import\s*\(\s*)["'](\.{1,2}\/[^"']+)["']/g)) {
      walk(path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1])));
    }
  };
  walk("index.js");
  assert.ok(seen.size > 15, [...seen].join());
  for (const f of ["huntbook_wasm_bg.wasm", "huntbook_demo.la.json.gz", "huntbook_demo.mmdb", "huntbook.py"]) assert.ok(packed.has(f), f);
});
