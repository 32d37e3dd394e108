// huntbook: a Microsoft Sentinel threat hunter's notebook toolkit for the browser (Rust → WebAssembly).
//
// One import gives the whole API. Nothing here touches `document` or `window` when the module is imported, so it
// loads in a Web Worker (JupyterLite's JavaScript kernel) as well as on a page or in Observable.

import initWasm, * as wasm from "./huntbook_wasm.js";
import { DataFrame, wrapFrame, setArrow, getArrow, schemaFromJSON } from "./frame.js";
import { QueryProvider } from "./provider.js";
import { QueryTime, parseOffset } from "./time.js";
import { dataSource } from "./widgets/dataSource.js";
import { queryTime } from "./widgets/queryTime.js";
import { queryBrowser } from "./widgets/queryBrowser.js";
import { progress } from "./widgets/progress.js";
import { browseResults } from "./widgets/tiBrowser.js";
import { pivotBrowser } from "./widgets/pivotBrowser.js";
import { pivotAll } from "./pivotAll.js";
import { bytesAt, demoTables } from "./demo.js";
import { instantiateGuarded } from "./guard.js";
import * as analysis from "./analysis.js";
import * as vis from "./vis/index.js";
import * as enrich from "./enrich/index.js";
import { entities, Entity, entitiesFromAlert, detectEntities } from "./entity.js";
import { Pivot } from "./pivot.js";
import { display, displayBundle, displayMessage, Picture } from "./display.js";
import { worker, HuntbookWorker, WorkerTable, WorkerLocalData, WorkerTimelineModel } from "./workerClient.js";
import { visible } from "./widgets/dom.js";
import { fitText } from "./vis/canvas.js";

export { DataFrame, QueryProvider, QueryTime, parseOffset, dataSource, queryTime, queryBrowser, progress, browseResults };
export { pivotBrowser, pivotAll };
export * from "./analysis.js";
export * from "./vis/index.js";
export * from "./enrich/index.js";
// Entities: the classes stay under `entities` (a top-level `File` or `Url` would shadow the browser's globals).
export { entities, Entity, entitiesFromAlert, detectEntities };
// Pivots: functions attached to the entity classes (`new Pivot({queryProvider})`).
export { Pivot };
// display(x): a DOM Node on a page / in Observable, a Jupyter display_data message in a Worker (JupyterLite).
export { display, displayBundle, displayMessage, Picture };
// worker(): the same long-running calls in a module Web Worker (js/worker.js), tables held there (issue #16).
export { worker, HuntbookWorker, WorkerTable, WorkerLocalData, WorkerTimelineModel };

/**
 * Not API (not in the typings, may change): for huntbook's own tests, which can import no other file of the package
 * since index.js is one bundled module: this instance's raw wasm-bindgen bindings and two text helpers.
 */
export const __internals = Object.freeze({ wasm, visible, fitText });

let ready = null;

/**
 * Loads the WebAssembly module. Call once before anything else (later calls return the same promise).
 * `module_or_path` may be a URL, a `Response`, bytes (`ArrayBuffer`/`Uint8Array`) or a compiled
 * `WebAssembly.Module`; by default the `.wasm` next to this file is fetched (read from disk in Node.js).
 * `arrow`: the `apache-arrow` module to build `toArrow()` tables with (else it is imported when available).
 * `warmUp` (default true): once the page is quiet (~100 ms with nothing to do, or 3 s after init), run the timeline
 * code on a small synthetic table (~20 ms; more on a cold page) so the browser has optimised it before your first large
 * timeline (else the first timeline of 10^6 events takes ~2× longer).
 */
export function init({ module_or_path, arrow, warmUp = true } = {}) {
  if (arrow) setArrow(arrow);
  if (!ready) {
    ready = (async () => {
      let source = module_or_path ?? new URL("./huntbook_wasm_bg.wasm", import.meta.url);
      if (source instanceof URL && source.protocol === "file:") source = await bytesAt(source);
      // every export guarded: after a trap each call throws "huntbook's module stopped (…)" (js/guard.js)
      await instantiateGuarded(() => initWasm({ module_or_path: source }));
      if (warmUp) scheduleWarmUp();
      if (!getArrow()) {
        try {
          const arrowName = "apache-arrow";
          setArrow(await import(/* @vite-ignore */ arrowName));
        } catch {
          // No apache-arrow reachable from here: toArrow() will ask for it; toArrowIPC() always works.
        }
      }
      return api;
    })();
    ready.catch(() => {
      ready = null;
    });
  }
  return ready;
}

// The timeline warm-up waits for the page to be quiet: QUIET idle periods in a row that each had nearly the
// whole 50 ms an idle period can have, i.e. ~100 ms with nothing to do, or at most WARM_UP_WAIT ms. A page's first
// steps (init() → loadDemo() → a first query → its table) leave only short gaps, such as a loopback fetch; a warm-up
// run in one of them delayed the first table by up to 100 ms (issue #16's cold start).
const QUIET = 2;
const WARM_UP_WAIT = 3000;

function scheduleWarmUp() {
  const run = () => {
    try {
      wasm.visWarmUp();
    } catch {
      // Only a speed-up: a failure here shows up (with its message) when a timeline is drawn.
    }
  };
  if (typeof requestIdleCallback !== "function") {
    setTimeout(run, 0);
    return;
  }
  const until = performance.now() + WARM_UP_WAIT;
  let quiet = 0;
  const idle = (deadline) => {
    quiet = deadline.timeRemaining() >= 45 ? quiet + 1 : 0;
    if (quiet >= QUIET || deadline.didTimeout || performance.now() >= until) run();
    else requestIdleCallback(idle, { timeout: Math.max(1, until - performance.now()) });
  };
  requestIdleCallback(idle, { timeout: WARM_UP_WAIT });
}

function requireReady() {
  if (!ready) throw new Error("huntbook is not initialised: call `await huntbook.init()` first");
}

/** Sets the apache-arrow module `toArrow()` uses (e.g. Observable's `Arrow`). */
export function useArrow(arrowModule) {
  setArrow(arrowModule);
}

/** The huntbook version. */
export function version() {
  requireReady();
  return wasm.version();
}

/**
 * Local tables by name: the demo data set (`loadDemo()`) plus tables you add.
 */
export class LocalData {
  constructor(inner) {
    this._inner = inner ?? new wasm.LocalData();
  }
  /** Names of the tables, sorted. */
  get tables() {
    return this._inner.tableNames();
  }
  /** The table `name` as a DataFrame (error lists the tables there are). */
  table(name) {
    return wrapFrame(this._inner.table(String(name)));
  }
  /** `[{name, type}]` of a table's columns (Log Analytics type names). A demo table is not read for it. */
  schema(name) {
    return schemaFromJSON(this._inner.schemaJSON(String(name)));
  }
  /**
   * Names of the tables read so far, sorted: `loadDemo()` reads a demo table's rows the first time a query (or
   * `table()`) needs it, so after `SigninLogs | take 20` only SigninLogs is read.
   */
  get tablesRead() {
    return this._inner.readTableNames();
  }
  /** Runs KQL on these tables now (synchronously) and returns a DataFrame; `now` is what now()/ago() mean. */
  query(kql, options) {
    const { now = Date.now() } = wasm.checkOptions("query", options, ["now"]);
    return wrapFrame(wasm.kqlExecute(this._inner, String(kql), +now));
  }
  /** Adds (or replaces) a table. */
  addTable(name, df) {
    if (!(df instanceof DataFrame)) throw new TypeError("addTable(name, df): df must be a huntbook DataFrame");
    this._inner.addTable(String(name), df._frame);
    return this;
  }
}

/**
 * The demo data set (a generated Sentinel workspace with an attack story), shifted so that its newest event is
 * `now` (a Date or epoch milliseconds; default: the current time): `const demo = await huntbook.loadDemo()`.
 * The data is the file `huntbook_demo.la.json.gz` beside the wasm (fetched once; read from disk in Node.js); `url`
 * loads it from elsewhere. Initialises huntbook if needed. After it, `new QueryProvider("LocalData")` queries these
 * tables (a copy). It resolves once the file is fetched and its index read: the package's file opens with an index
 * and compresses each table on its own, and a table's rows are unpacked and read the first time a query needs it (`tablesRead` lists those
 * read); names and schemas need no reading.
 */
export async function loadDemo(options) {
  await init();
  const { now = Date.now(), url } = wasm.checkOptions("loadDemo", options, ["now", "url"]);
  return new LocalData(await demoTables(+now, url));
}

function toBytes(data) {
  if (typeof data === "string") return new TextEncoder().encode(data);
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new TypeError("expected text, bytes, a Blob/File, a Response or a URL");
}

/** readTables' formats that are a query service's answer, read as `execQuery` reads it (`src/query` read_answer). */
const ANSWER_FORMATS = new Set(["kusto", "adx"]);

/**
 * Reads tables from text or bytes: a Log Analytics query response, JSON rows or CSV; `format: "kusto"` a Data
 * Explorer v2 answer. `status` (an HTTP status) reads the bytes as that answer of the service (`format` "la", the
 * default, or "kusto") exactly as `execQuery` does — 204 is Log Analytics' empty answer — which is how
 * `execQuery(kql, {worker})` hands an answer to huntbook's Worker.
 * Returns `{tables: DataFrame[], error}` where `error` is the service's error reported beside the tables
 * (a Log Analytics PartialError, an incomplete Data Explorer answer) or null.
 */
export function readTables(data, options) {
  requireReady();
  const { name = "", format, status } = wasm.checkOptions("readTables", options, ["name", "format", "status"]);
  if (status != null && !(Number.isInteger(status) && status >= 100 && status <= 599)) {
    throw new TypeError(`readTables: option 'status' must be an HTTP status (an integer 100–599), got ${String(status)}`);
  }
  const answer = status != null || ANSWER_FORMATS.has(String(format).toLowerCase());
  const bytes = toBytes(data);
  wasm.checkReadRoom(bytes.length); // before the bytes are copied into wasm memory: an error, not a trap, when too large
  const set = answer
    ? wasm.readAnswer(bytes, String(format ?? "la"), status ?? 200, String(name))
    : wasm.readTables(bytes, String(name), format ?? undefined);
  const tables = [];
  for (let i = 0; i < set.length; i++) tables.push(wrapFrame(set.table(i)));
  const errorText = set.errorJSON();
  set.free();
  const error = errorText ? JSON.parse(errorText) : null;
  if (error) for (const t of tables) t.error = error;
  return { tables, error };
}

/**
 * Loads one table from a URL, a `File`/`Blob`, a `Response`, text or bytes. The format is taken from `format`
 * ("la", "json", "csv"), else the file name, else the content. `shiftToNow: true` moves every datetime so the
 * newest TimeGenerated is now (as the Tour does with its demo data).
 */
export async function loadTable(source, options) {
  await init();
  const { name, format, shiftToNow = false, now = Date.now(), signal } =
    wasm.checkOptions("loadTable", options, ["name", "format", "shiftToNow", "now", "signal"]);
  let data = source;
  let fileName = "";
  if (typeof source === "string" && /^(https?:|blob:|data:|\.{0,2}\/)/.test(source)) {
    fileName = source;
    source = await fetch(source, { signal });
  } else if (source instanceof URL) {
    fileName = source.pathname;
    source = await fetch(source, { signal });
  }
  if (typeof Response !== "undefined" && source instanceof Response) {
    if (!source.ok) throw new Error(`could not load ${source.url || "the table"}: HTTP ${source.status} ${source.statusText}`);
    fileName = fileName || source.url;
    data = new Uint8Array(await source.arrayBuffer());
  } else if (typeof Blob !== "undefined" && source instanceof Blob) {
    fileName = source.name ?? "";
    data = new Uint8Array(await source.arrayBuffer());
  }
  const baseName = (fileName.split(/[?#]/)[0].split("/").pop() || "").replace(/(\.la)?\.(json|csv)$/i, "");
  const fmt = format ?? (/\.(csv|json)$/i.test(fileName.split(/[?#]/)[0]) ? fileName.split(/[?#]/)[0] : undefined);
  const { tables, error } = readTables(data, { name: name ?? baseName, format: fmt });
  if (!tables.length) throw new Error(error ? `the response holds no table: ${error.message}` : "the input holds no table");
  let df = tables[0];
  if (shiftToNow) df = df.shiftToNow(now);
  if (error) df.error = error;
  return df;
}

const api = {
  init, version, loadDemo, loadTable, readTables, useArrow, LocalData, DataFrame,
  QueryProvider, QueryTime, parseOffset, dataSource, queryTime, queryBrowser, progress, browseResults,
  pivotBrowser, pivotAll,
  ...analysis, ...vis, ...enrich,
  entities, Entity, entitiesFromAlert, detectEntities,
  Pivot,
  display, displayBundle, displayMessage, Picture,
  worker,
};
export default api;
