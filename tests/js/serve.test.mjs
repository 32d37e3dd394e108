// `make demo` runs scripts/serve.mjs: it prints the Tour's URL, and the page and the wasm are served from it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { root } from "./helpers.mjs";
import { startServer } from "../../scripts/serve.mjs";

test("the demo server prints its URL and serves the index, the Tour page and the wasm", { timeout: 30000 }, async () => {
  const child = spawn(process.execPath, [path.join(root, "scripts", "serve.mjs"), "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
  try {
    const url = await new Promise((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (d) => {
        out += d;
        const m = out.match(/huntbook: (http:\/\/127\.0\.0\.1:\d+\/)/);
        if (m) resolve(m[1]);
      });
      child.on("exit", (code) => reject(new Error(`server exited ${code}: ${out}`)));
    });
    const home = await fetch(url);
    assert.equal(home.status, 200);
    const homeText = await home.text();
    assert.match(homeText, /<title>huntbook — the Tour in every host/);
    const links = [...homeText.matchAll(/href="([^"]+)"/g)].map((m) => m[1]);
    for (const l of ["/tour/", "/hosts/notebook-kit/", "/hosts/framework/"]) assert.ok(links.includes(l), links.join());
    assert.ok(links.some((l) => l.startsWith("/hosts/jupyterlite/")), links.join());
    const page = await fetch(new URL("tour/", url));
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<title>huntbook — a Tour/);
    const wasm = await fetch(new URL("huntbook/huntbook_wasm_bg.wasm", url));
    assert.equal(wasm.status, 200);
    assert.equal(wasm.headers.get("content-type"), "application/wasm");
    const bytes = new Uint8Array(await wasm.arrayBuffer());
    assert.deepEqual([...bytes.slice(0, 4)], [0x00, 0x61, 0x73, 0x6d]);
    assert.equal((await fetch(new URL("../etc/passwd", url + "site/"))).status, 404);
  } finally {
    child.kill();
  }
});

test("/npm/<name>@<version>/+esm serves other packages jsDelivr-shaped: one ES module from the hosts' node_modules", async () => {
  const server = await startServer({ port: 0 });
  const base = `http://127.0.0.1:${server.address().port}`;
  try {
    // apache-arrow 17.0.0 is Notebook Kit's pin (hosts/notebook-kit/node_modules); 21 is the root's devDependency.
    for (const [spec, version] of [["apache-arrow@17.0.0", "17.0.0"], ["apache-arrow@21", "21."]]) {
      const res = await fetch(`${base}/npm/${spec}/+esm`);
      assert.equal(res.status, 200, spec);
      assert.match(res.headers.get("content-type"), /^text\/javascript/);
      const text = await res.text();
      assert.doesNotMatch(text, /^\s*import\s|\bfrom\s*["'](?!\.)[\w@]/m, `${spec}: dependencies inlined, no bare imports`);
      // the bundle is a working ES module: import it and use it
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "huntbook-esm-")), "arrow.mjs");
      fs.writeFileSync(file, text);
      const Arrow = await import(pathToFileURL(file).href);
      const table = Arrow.tableFromArrays({ n: Int32Array.from([1, 2, 3]) });
      assert.deepEqual([...table.getChild("n")], [1, 2, 3]);
      const pkg = await (await fetch(`${base}/npm/${spec}/package.json`)).json();
      assert.ok(pkg.version.startsWith(version), `${spec} → ${pkg.version}`);
    }
    const plot = await fetch(`${base}/npm/@observablehq/plot/+esm`);
    assert.equal(plot.status, 200);
    assert.match(await plot.text(), /export\s*\{[^}]*\bbarX\b/);
    const css = await fetch(`${base}/npm/@observablehq/inputs/dist/index.css`);
    assert.equal(css.status, 200);
    assert.equal(css.headers.get("content-type"), "text/css");
    // no such version, no such package, and nothing outside the package folders
    for (const p of ["/npm/apache-arrow@9.9.9/+esm", "/npm/no-such-package/+esm", "/npm/%2e%2e/package.json",
      "/npm/htl/%2e%2e/%2e%2e/package.json", "/npm/@observablehq/..%2f..%2fpackage.json"]) {
      assert.equal((await fetch(base + p)).status, 404, p);
    }
  } finally {
    await new Promise((r) => server.close(r));
  }
});
