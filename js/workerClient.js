// `await huntbook.worker()`: huntbook in a module Web Worker, so long work (KQL over millions of rows, parsing a
// 100 MB response, IoC extraction, timeline grouping) never blocks the page. The page half; js/worker.js is the
// Worker half.
//
// The calls have the names and options of the main-thread API and return Promises. Tables stay in the Worker:
// a `WorkerTable` is a handle with what the table is (name, shape, columns, schema, notes, error) and methods that
// ask the Worker. Data crosses only when asked for: `toArrowIPC()`/`toArrow()` (Arrow IPC bytes, transferred),
// `toRows()`, `toHTML()`/`toElement()` (the table's HTML escaped in Rust, only the rows shown; the element is
// built here with the same code as `DataFrame.toElement`).
//
// Every call takes `{signal}` (an AbortSignal). wasm cannot be interrupted inside a call, so aborting terminates
// the Worker and starts a new one: the call rejects with an AbortError saying so, and every table, LocalData and
// timeline model the old Worker held is gone (their handles then say so when used).

import { tableElement } from "./html.js";
import { getArrow } from "./frame.js";

const TABLE = "__huntbookTable"; // js/worker.js reads a table argument as {[TABLE]: id}

/** An Error of the class `name` names (TypeError, RangeError, …; else Error), with `message`: what the Worker threw. */
function crossedError({ name, message }) {
  const Ctor = { TypeError, RangeError, SyntaxError }[name] ?? Error;
  const e = new Ctor(message);
  if (!(name in { TypeError: 1, RangeError: 1, SyntaxError: 1 }) && name !== "Error") e.name = name;
  return e;
}

function abortError(lost) {
  return new DOMException(
    `aborted: huntbook's worker was stopped and a new one started; the ${lost} table(s) and other objects the old ` +
      "worker held are gone (load or query them again)",
    "AbortError",
  );
}

/** `options` without `signal` (and `transfer`), which stay on this side; `{signal, transfer}` apart. */
function split(options) {
  if (options == null) return [options, {}];
  if (typeof options !== "object") return [options, {}];
  const { signal, transfer, ...rest } = options;
  return [rest, { signal, transfer }];
}

/** The table argument as the Worker reads it (a handle of another worker is refused). */
function tableArg(t, client, what) {
  if (!(t instanceof WorkerTable)) {
    throw new TypeError(`${what}: pass a table of this worker (a WorkerTable from its loadDemo, readTables, query, …)`);
  }
  t._check(client);
  return { [TABLE]: t._id };
}

/** Replaces WorkerTables in an options object (e.g. `ref_events`) by their ids. */
function optionTables(options, client, what) {
  if (!options || typeof options !== "object" || Array.isArray(options)) return options;
  const out = {};
  for (const [k, v] of Object.entries(options)) out[k] = v instanceof WorkerTable ? tableArg(v, client, what) : v;
  return out;
}

/**
 * The URL to start the Worker from. A Worker's script must have the page's origin, and a notebook usually loads
 * huntbook from a CDN (Observable: jsDelivr): then the Worker starts from a one-line `blob:` module that imports
 * js/worker.js from the CDN (a module import may cross origins; jsDelivr allows it with CORS). worker.js still finds
 * index.js and the wasm beside itself, on the CDN.
 */
function scriptUrl(url) {
  const href = String(url);
  const origin = globalThis.location?.origin;
  if (!origin || origin === "null" || new URL(href, globalThis.location?.href).origin === origin) return href;
  return URL.createObjectURL(new Blob([`import ${JSON.stringify(href)};\n`], { type: "text/javascript" }));
}

/** The page's side of one Worker: requests, replies, aborts and restarts. */
class Connection {
  constructor(url, initOptions) {
    this._url = url;
    this._initOptions = initOptions;
    this._nextId = 1;
    this._pending = new Map(); // id → {resolve, reject}
    this.generation = 0;
    this.live = 0; // objects the current Worker holds (for the abort message)
    this._start();
  }

  _start() {
    this.generation++;
    this.live = 0;
    const w = new Worker(scriptUrl(this._url), { type: "module" });
    this._worker = w;
    w.onmessage = ({ data: { id, value, error } }) => {
      const p = this._pending.get(id);
      if (!p) return;
      this._pending.delete(id);
      if (error) p.reject(crossedError(error));
      else p.resolve(value);
    };
    w.onerror = (ev) => {
      ev.preventDefault?.();
      const err = new Error(`huntbook's worker failed: ${ev.message || "it could not be loaded (see the console)"}`);
      for (const p of this._pending.values()) p.reject(err);
      this._pending.clear();
    };
    this.ready = this._send("init", [this._initOptions], {});
    this.ready.catch(() => {});
  }

  /** Terminates the Worker (and every call in it), rejecting its pending calls with `error`, and starts a new one. */
  restart(error) {
    this._worker.terminate();
    const pending = [...this._pending.values()];
    this._pending.clear();
    for (const p of pending) p.reject(error);
    this._start();
  }

  _send(op, args, { signal, transfer = [] }) {
    return new Promise((resolve, reject) => {
      const id = this._nextId++;
      this._pending.set(id, { resolve, reject });
      if (signal) {
        const onAbort = () => {
          if (!this._pending.has(id)) return;
          this.restart(abortError(this.live));
        };
        signal.addEventListener("abort", onAbort, { once: true });
        const done = () => signal.removeEventListener("abort", onAbort);
        this._pending.get(id).resolve = (v) => { done(); resolve(v); };
        this._pending.get(id).reject = (e) => { done(); reject(e); };
      }
      this._worker.postMessage({ id, op, args }, transfer);
    });
  }

  /** Runs `op` in the Worker once it is initialised; `{signal}` aborts it (restarting the Worker). */
  async call(op, args, opts = {}) {
    if (this.closed) throw new Error("huntbook's worker was terminated: start another with `await huntbook.worker()`");
    opts.signal?.throwIfAborted();
    await this.ready;
    opts.signal?.throwIfAborted();
    return this._send(op, args, opts);
  }

  close(error = new Error("huntbook's worker was terminated")) {
    this.closed = true;
    this._worker.terminate();
    for (const p of this._pending.values()) p.reject(error);
    this._pending.clear();
  }
}

/** A handle of an object held in the Worker (table, LocalData, timeline model): its id and the Worker it is in. */
class Remote {
  constructor(client, id) {
    this._client = client;
    this._conn = client._conn;
    this._gen = client._conn.generation;
    this._id = id;
    client._conn.live++;
  }
  _check(client) {
    if (client && client !== this._client) throw new TypeError("this table belongs to another huntbook worker");
    if (this._gen !== this._conn.generation) {
      throw new Error("this table was in huntbook's worker, which was restarted when a call was aborted: it is gone (load or query it again)");
    }
  }
  _call(op, args, opts) {
    this._check();
    return this._conn.call(op, args, opts);
  }
  /** Frees the object's memory in the Worker now. */
  async free() {
    if (this._gen !== this._conn.generation) return;
    await this._conn.call("free", [this._id]);
    this._conn.live--;
  }
}

/** A table held in huntbook's Worker. Every verb returns a Promise of a new WorkerTable. */
export class WorkerTable extends Remote {
  constructor(client, info) {
    super(client, info.id);
    this.name = info.name;
    this.shape = info.shape;
    this.numRows = info.shape[0];
    this.columns = info.columns;
    this.schema = info.schema;
    this.dtypes = Object.fromEntries(info.schema.map(({ name, type }) => [name, type]));
    this.notes = info.notes;
    this.error = info.error;
  }
  _verb(name, args, opts) {
    return this._call("verb", [{ [TABLE]: this._id }, name, args], opts).then((info) => new WorkerTable(this._client, info));
  }
  head(n = 5, opts) { return this._verb("head", [n], opts); }
  slice(offset = 0, length = this.numRows, opts) { return this._verb("slice", [offset, length], opts); }
  select(columns, opts) { return this._verb("select", [columns], opts); }
  filter(column, value, opts) {
    if (column && typeof column === "object" && !Array.isArray(column)) return this._verb("filter", [column], value);
    return this._verb("filter", [column, value], opts);
  }
  isin(column, values, opts) { return this._verb("isin", [column, Array.from(values)], opts); }
  valueCounts(column, opts) { return this._verb("valueCounts", [column], opts); }
  rename(mapping, opts) { return this._verb("rename", [mapping], opts); }
  withColumn(name, value, opts) { return this._verb("withColumn", [name, value], opts); }
  addTime(name, base, offset, opts) { return this._verb("addTime", [name, base, offset], opts); }
  sort(by, options = {}) {
    const [rest, opts] = split(options);
    return this._verb("sort", [by, rest], opts);
  }
  dynamicPath(column, path, name, opts) {
    return this._verb("dynamicPath", name === undefined ? [column, path] : [column, path, name], opts);
  }
  shiftToNow(now = Date.now(), opts) { return this._verb("shiftToNow", [+now], opts); }
  /** `groupBy(by).count()`: a Promise of the counts table. */
  groupBy(by) {
    return {
      count: (opts) => this._call("groupCount", [{ [TABLE]: this._id }, by], opts).then((info) => new WorkerTable(this._client, info)),
    };
  }
  /** Row `i` as an object (negative counts from the end). */
  async row(i, opts) {
    const n = this.numRows;
    const k = i < 0 ? n + i : i;
    if (!(k >= 0 && k < n)) throw new RangeError(`row ${i} is outside the table (it has ${n} rows)`);
    return (await this.toRows(k, 1, opts))[0];
  }
  /** Rows as plain objects (as `DataFrame.toRows`: Dates, BigInts), copied from the Worker. */
  toRows(offset = 0, length = this.numRows, opts) {
    return this._call("toRows", [{ [TABLE]: this._id }, offset, length], opts);
  }
  /** Arrow IPC stream bytes (as `DataFrame.toArrowIPC`), transferred from the Worker. */
  toArrowIPC(options = {}) {
    const [rest, opts] = split(options);
    return this._call("toArrowIPC", [{ [TABLE]: this._id }, rest], opts);
  }
  /** An apache-arrow Table made here from the Worker's Arrow IPC (pass the module, or `useArrow`/`init({arrow})`). */
  async toArrow(arrow = this._client._arrow ?? getArrow(), options = {}) {
    if (!arrow || typeof arrow.tableFromIPC !== "function") {
      throw new Error(
        "toArrow() needs the apache-arrow module: pass it (t.toArrow(Arrow)), give worker({arrow}) or call huntbook.useArrow(Arrow) " +
          "once; toArrowIPC() gives the bytes without it",
      );
    }
    return arrow.tableFromIPC(await this.toArrowIPC(options));
  }
  /** The table's HTML string (every cell escaped in Rust; `maxRows` rows cross from the Worker). */
  toHTML(options = {}) {
    const [rest, opts] = split(options);
    return this._call("toHTML", [{ [TABLE]: this._id }, rest], opts);
  }
  /** A DOM element showing the table, as `DataFrame.toElement` makes it (its `value` is this handle). */
  async toElement(options = {}) {
    return tableElement(await this.toHTML(options), this);
  }
  toString() {
    return `WorkerTable ${this.name} [${this.shape.join(" × ")}]`;
  }
}

/** Local tables by name in the Worker (`LocalData` there): `query(kql)` runs KQL in the Worker. */
export class WorkerLocalData extends Remote {
  constructor(client, { id, tables }) {
    super(client, id);
    this.tables = tables;
  }
  /** The table `name` (a Promise of a WorkerTable). */
  async table(name, opts) {
    return new WorkerTable(this._client, await this._call("dataTable", [this._id, String(name)], opts));
  }
  /** `[{name, type}]` of a table's columns. */
  async schema(name, opts) {
    return this._call("dataSchema", [this._id, String(name)], opts);
  }
  /** Runs KQL in the Worker; options as `LocalData.query` (`now`) plus `signal`. */
  async query(kql, options) {
    const [rest, opts] = split(options);
    return new WorkerTable(this._client, await this._call("query", [this._id, String(kql), rest], opts));
  }
  /** `query` under the name of a LocalData provider's call (`qp.execQuery(kql)`). */
  execQuery(kql, options) {
    return this.query(kql, options);
  }
  /** Adds (or replaces) a table of this Worker. */
  async addTable(name, table, opts) {
    this.tables = await this._call("addTable", [this._id, String(name), tableArg(table, this._client, "addTable(name, table)")], opts);
    return this;
  }
}

/** A timeline grouped in the Worker (`TimelineModel` there): `layout` here, renders as RGBA bytes transferred. */
export class WorkerTimelineModel extends Remote {
  constructor(client, { id, layout }) {
    super(client, id);
    this.layout = layout;
  }
  /** `{visibleEvents, width, height, pixels}` of `[startMs, endMs]` (pixels: a Uint8ClampedArray this page owns). */
  render(startMs, endMs, width, height, opts) {
    return this._call("render", [this._id, startMs, endMs, width, height], opts);
  }
  renderOverview(width, height, opts) {
    return this._call("renderOverview", [this._id, width, height], opts);
  }
}

/** Bytes as something the Worker can take: `{transfer: true}` moves an ArrayBuffer (it is empty here afterwards). */
function bytesArg(data, transfer) {
  if (!transfer) return [data, []];
  if (data instanceof ArrayBuffer) return [data, [data]];
  if (ArrayBuffer.isView(data) && data.byteOffset === 0 && data.byteLength === data.buffer.byteLength) return [data, [data.buffer]];
  return [data, []];
}

/** huntbook in a Worker: see `worker()`. */
export class HuntbookWorker {
  constructor(url, initOptions, arrow) {
    this._conn = new Connection(url, initOptions);
    this._arrow = arrow;
  }
  /** The huntbook version in the Worker. */
  version() {
    return this._conn.ready;
  }
  /** An empty LocalData in the Worker (add tables, then `query`). */
  async localData(opts = {}) {
    return new WorkerLocalData(this, await this._conn.call("localData", [], opts));
  }
  /** `loadDemo({now, url, signal})` in the Worker (it fetches the demo file itself). */
  async loadDemo(options) {
    const [rest, opts] = split(options);
    return new WorkerLocalData(this, await this._conn.call("loadDemo", [rest], opts));
  }
  /**
   * `readTables(data, {name, format, transfer, signal})` in the Worker → `{tables, error}`. `data`: text, bytes or a
   * Blob; with `transfer: true` an ArrayBuffer (or a Uint8Array over a whole one) is moved, not copied.
   */
  async readTables(data, options) {
    const [rest, opts] = split(options);
    const [arg, transfer] = bytesArg(data, opts.transfer);
    const { tables, error } = await this._conn.call("readTables", [arg, rest], { signal: opts.signal, transfer });
    return { tables: tables.map((info) => new WorkerTable(this, info)), error };
  }
  /**
   * `loadTable(source, options)` in the Worker: a URL (resolved against this page) is fetched by the Worker; a
   * `Response` is read here first; text, bytes, Blob/File as `readTables`.
   */
  async loadTable(source, options) {
    const [rest, opts] = split(options);
    if (typeof Response !== "undefined" && source instanceof Response) {
      if (!source.ok) throw new Error(`could not load ${source.url || "the table"}: HTTP ${source.status} ${source.statusText}`);
      if (source.url && rest.name == null && rest.format == null) rest.format = /\.(csv|json)$/i.test(new URL(source.url).pathname) ? new URL(source.url).pathname : undefined;
      source = new Uint8Array(await source.arrayBuffer());
    } else if (source instanceof URL) {
      source = source.href;
    } else if (typeof source === "string" && /^(https?:|blob:|data:|\.{0,2}\/)/.test(source) && globalThis.document) {
      source = new URL(source, globalThis.document.baseURI).href;
    }
    const [arg, transfer] = bytesArg(source, opts.transfer);
    return new WorkerTable(this, await this._conn.call("loadTable", [arg, rest], { signal: opts.signal, transfer }));
  }
  /** `extractIocsTable(table | text, columns, options)` in the Worker (options may hold `signal`). */
  async extractIocsTable(table, columns, options) {
    let args;
    let opts;
    if (typeof table === "string") {
      const both = columns && typeof columns === "object" && !Array.isArray(columns);
      const [rest, o] = split(both ? columns : options);
      args = [table, rest];
      opts = o;
    } else if (columns && typeof columns === "object" && !Array.isArray(columns)) {
      const [rest, o] = split(columns);
      args = [tableArg(table, this, "extractIocsTable(table, …)"), rest];
      opts = o;
    } else {
      const [rest, o] = split(options);
      args = [tableArg(table, this, "extractIocsTable(table, …)"), columns, rest];
      opts = o;
    }
    return new WorkerTable(this, await this._conn.call("extractIocsTable", args, opts));
  }
  /** `unpackTable(table, column, options)` in the Worker. */
  async unpackTable(table, column, options) {
    const [rest, opts] = split(options);
    return new WorkerTable(this, await this._conn.call("unpackTable", [tableArg(table, this, "unpackTable(table, …)"), column, rest], opts));
  }
  /** `extractIocs(text, options)` in the Worker (`{type: [values]}`). */
  extractIocs(text, options) {
    const [rest, opts] = split(options);
    return this._conn.call("extractIocs", [text, rest], opts);
  }
  /** `unpack(text, options)` in the Worker → `{text, table (a WorkerTable), notes, truncated}`. */
  async unpack(text, options) {
    const [rest, opts] = split(options);
    const u = await this._conn.call("unpack", [text, rest], opts);
    return { ...u, table: new WorkerTable(this, u.table) };
  }
  /** A timeline's grouping step in the Worker (`TimelineModel`): `layout` and RGBA `render`s. */
  async timelineModel(table, options = {}, kind = "events") {
    const [rest, opts] = split(options);
    const args = [tableArg(table, this, "timelineModel(table, …)"), optionTables(rest, this, "timelineModel ref_events"), kind];
    return new WorkerTimelineModel(this, await this._conn.call("timelineModel", args, opts));
  }
  /** Stops the Worker; every handle of it is gone. */
  terminate() {
    this._conn.close();
  }
}

/**
 * Starts huntbook in a module Web Worker (js/worker.js, beside this file) and resolves once the wasm is loaded
 * there. Options as `init`: `module_or_path` (a URL — resolved against this page —, bytes or a compiled
 * `WebAssembly.Module`; default: the wasm beside the package), `warmUp`; `arrow` (the apache-arrow module for
 * `toArrow()`, kept on this side); `workerUrl` (where js/worker.js is, for a bundle that moved it).
 */
export async function worker(options = {}) {
  if (typeof Worker !== "function") throw new Error("huntbook.worker() needs Web Workers (a page or Observable)");
  const { arrow, workerUrl, signal, ...init } = options ?? {};
  let { module_or_path } = init;
  if (typeof Response !== "undefined" && module_or_path instanceof Response) module_or_path = new Uint8Array(await module_or_path.arrayBuffer());
  else if (module_or_path instanceof URL) module_or_path = module_or_path.href;
  else if (typeof module_or_path === "string" && globalThis.document) module_or_path = new URL(module_or_path, globalThis.document.baseURI).href;
  if (module_or_path !== undefined) init.module_or_path = module_or_path;
  const hbw = new HuntbookWorker(workerUrl ?? new URL("./worker.js", import.meta.url), init, arrow);
  const aborted = () => hbw._conn.close(new DOMException("aborted: huntbook's worker was stopped before it was ready", "AbortError"));
  signal?.addEventListener("abort", aborted, { once: true });
  try {
    await hbw._conn.ready;
  } catch (e) {
    hbw.terminate();
    throw e;
  } finally {
    signal?.removeEventListener("abort", aborted);
  }
  return hbw;
}
