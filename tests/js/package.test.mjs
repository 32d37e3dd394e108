// The built npm package: every file package.json lists is there, and the download stays in its budget.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { dist, root } from "./helpers.mjs";

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

test("the entry is one ES module; npm pack ships it, the Worker's entry, every typing they name and the files they fetch", async () => {
  const { execFileSync } = await import("node:child_process");
  const packed = new Set(JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: dist, encoding: "utf8" }))[0]
    .files.map((f) => f.path));
  const relImports = (file) => [...fs.readFileSync(path.join(dist, file), "utf8")
    .matchAll(/(?:from\s*|import\s*\(\s*)["'](\.{1,2}\/[^"']+)["']/g)].map((m) => m[1]);
  // issue #16: one file to fetch before the wasm (esbuild's bundle of js/ and the wasm-bindgen glue)
  assert.deepEqual(relImports("index.js"), [], "index.js imports no other file");
  const api = await import(path.join(dist, "index.js"));
  assert.equal(typeof api.loadDemo, "function", "the bundle holds the API");
  // Minified with names kept: notebooks' inspectors show the classes' own names.
  assert.deepEqual([api.DataFrame.name, api.QueryProvider.name, api.loadDemo.name], ["DataFrame", "QueryProvider", "loadDemo"]);
  // Its source map names the repository's files and holds their text.
  const map = JSON.parse(fs.readFileSync(path.join(dist, "index.js.map"), "utf8"));
  assert.ok(fs.readFileSync(path.join(dist, "index.js"), "utf8").trimEnd().endsWith("//# sourceMappingURL=index.js.map"));
  assert.ok(map.sources.includes("huntbook/js/frame.js") && map.sources.every((s) => s.startsWith("huntbook/js/")), map.sources.join());
  assert.equal(map.sourcesContent[map.sources.indexOf("huntbook/js/frame.js")], fs.readFileSync(path.join(root, "js", "frame.js"), "utf8"));
  assert.ok(packed.has("index.js.map"), "npm pack ships the source map");
  assert.deepEqual(relImports("worker.js"), ["./index.js"]);
  const seen = new Set();
  const walk = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    assert.ok(packed.has(file), `${file} is needed but npm pack leaves it out (add it to pkg-template/package.json "files")`);
    for (const rel of relImports(file)) {
      walk(path.posix.normalize(path.posix.join(path.posix.dirname(file), rel)).replace(/\.js$/, file.endsWith(".d.ts") ? ".d.ts" : ".js"));
    }
  };
  for (const f of ["index.js", "worker.js", "index.d.ts", "workerClient.d.ts"]) walk(f);
  assert.ok(seen.size > 8, [...seen].join());
  for (const f of ["huntbook_wasm_bg.wasm", "huntbook_demo.la.json.gz", "huntbook_demo.mmdb", "huntbook.py"]) assert.ok(packed.has(f), f);
  assert.ok(![...packed].some((f) => f.endsWith(".js") && !["index.js", "worker.js"].includes(f)), [...packed].join());
});
