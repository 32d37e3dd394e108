// The demo data set: `huntbook_demo.la.json.gz`, a file beside the wasm in the package, fetched by `loadDemo()`.
//
// Design: the wasm does not embed the data (it would add 1.3 MB to every download), so loading it is async:
// `const demo = await huntbook.loadDemo()`. The file is fetched once per page (later calls reuse the bytes) and
// the tables of the last `loadDemo()` are remembered, so `new QueryProvider("LocalData")` without `data` stays
// synchronous and queries a copy of them (a provider's `addTable` does not change your `demo`). Before any
// `loadDemo()` that constructor throws and says to call `await huntbook.loadDemo()` first; `init()` never fetches it.
// The package's file is one gzip member that opens with an index and compresses each table on its own
// (demo_data/generate.py `pack`): the wasm reads the index and each table's columns at once, and a table's rows the first time something needs them
// (src/demo.rs); copies share the tables, read or not.

import * as wasm from "./huntbook_wasm.js";

/** The demo file's name in the package (also listed in package.json's `exports` and `files`). */
export const DEMO_FILE = "huntbook_demo.la.json.gz";

let cached = null; // { url, bytes: Promise<Uint8Array> } of the last file fetched
let last = null; // the wasm LocalData the last loadDemo() made
let lastSource = null; // {now, url} of the last loadDemo(): what huntbook's Worker loads to query the same tables

/**
 * The URL of `name`, a file at the package root beside the wasm. Resolved here, in a module at the root, so it is
 * right both in the package and in a single-file bundle such as jsDelivr's `/+esm` (whose import.meta.url is the
 * bundle's URL at the package root): a module in a subfolder resolving `../name` would miss it in the bundle.
 */
export function packageFile(name) {
  return new URL(`./${name}`, import.meta.url);
}

/** The bytes at `url`: fetched, or read from disk for a `file:` URL (Node.js). `what` names them in errors. */
export async function bytesAt(url, what = "the demo data") {
  if (url.protocol === "file:") {
    const fsName = "node:fs/promises";
    const fs = await import(/* @vite-ignore */ fsName);
    return new Uint8Array(await fs.readFile(url));
  }
  const res = await fetch(url);
  if (!res.ok) throw new Error(`could not load ${what} from ${url}: HTTP ${res.status} ${res.statusText}`);
  return new Uint8Array(await res.arrayBuffer());
}

/**
 * The demo tables (a wasm LocalData) shifted so the newest event is `nowMs`, from `url` (default: the file beside
 * this module, which is beside the wasm).
 */
export async function demoTables(nowMs, url) {
  const where = url ? new URL(url, import.meta.url) : packageFile(DEMO_FILE);
  if (!cached || cached.url !== where.href) {
    const entry = { url: where.href, bytes: bytesAt(where) };
    entry.bytes.catch(() => {
      if (cached === entry) cached = null; // a failed fetch is tried again by the next call
    });
    cached = entry;
  }
  last = wasm.LocalData.demo(await cached.bytes, nowMs);
  lastSource = { now: nowMs, url: url ? where.href : undefined };
  return last;
}

/** `{now, url}` of the last `loadDemo()` (url: undefined for the file beside the package), or null before one. */
export function loadedDemoSource() {
  return lastSource;
}

/** A copy of the tables the last `loadDemo()` made (for QueryProvider("LocalData")), or a clear error. */
export function loadedDemoCopy() {
  if (!last) {
    throw new Error(
      'QueryProvider("LocalData") queries the demo data unless you pass {data}: call `await huntbook.loadDemo()` first',
    );
  }
  return last.copy(); // shares the tables, read or not (a demo table is read once, by whichever asks first)
}
