// `make demo` runs scripts/serve.mjs: it prints the Tour's URL, and the page and the wasm are served from it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import path from "node:path";
import { root } from "./helpers.mjs";

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
    const index = await fetch(url);
    assert.equal(index.status, 200);
    const links = [...(await index.text()).matchAll(/href="([^"]+)"/g)].map((m) => m[1]);
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
