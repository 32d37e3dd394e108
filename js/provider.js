// QueryProvider: built-in queries as namespaces (qp.Azure.list_all_signins_geo(...)), help, your own KQL, schemas —
// against local/demo data (default), Microsoft Sentinel's Log Analytics, or Azure Data Explorer.

import * as wasm from "./huntbook_wasm.js";
import { wrapFrame, schemaFromJSON } from "./frame.js";
import { QueryTime, resolveTime } from "./time.js";
import { bytesAt, loadedDemoCopy, loadedDemoSource } from "./demo.js";
import { HuntbookWorker } from "./workerClient.js";

// The names of the option objects read here (their values are host objects); checked by wasm.checkOptions.
const CONNECT_OPTIONS = {
  LogAnalytics: ["workspaceId", "getToken", "baseUrl", "additionalWorkspaces", "serverTimeout", "timeout", "maxResponseBytes", "arm"],
  Kusto: ["cluster", "database", "getToken", "timeout", "maxResponseBytes"],
};
const ARM_OPTIONS = ["subscriptionId", "resourceGroup", "workspaceName", "getToken", "baseUrl"];

const ENVIRONMENTS = {
  localdata: "LocalData", local: "LocalData", demo: "LocalData",
  loganalytics: "LogAnalytics", mssentinel: "LogAnalytics", azuresentinel: "LogAnalytics", sentinel: "LogAnalytics",
  kusto: "Kusto", adx: "Kusto", azuredataexplorer: "Kusto",
};

function tableSetToFrames(set) {
  const frames = [];
  for (let i = 0; i < set.length; i++) frames.push(wrapFrame(set.table(i)));
  const errorText = set.errorJSON();
  set.free();
  const error = errorText ? JSON.parse(errorText) : null;
  for (const f of frames) f.error = error;
  return frames;
}

/** Epoch ms of a Date, epoch ms, ISO text (UTC when zone-less) or an offset ("-1d"); undefined for none. */
function ms(d, now = Date.now()) {
  return d == null ? undefined : resolveTime(d, now);
}

/** Query parameters as the catalog reads them (msticpy's forms: a number is days from now, so Dates go as ISO). */
function queryArgs(params) {
  // Parameter names are checked by the catalog (wasm); here only host objects are made plain: the signal stays in
  // JS, and a Date becomes ISO text (a bare number is a number of days from now, as in msticpy).
  if (!params || typeof params !== "object" || Array.isArray(params)) return params;
  const args = {};
  for (const [k, v] of Object.entries(params)) {
    if (!(v instanceof AbortSignal)) args[k] = v instanceof Date ? v.toISOString() : v;
  }
  return args;
}

/** Runs `task(signal)` with a client timeout; cancellation via `signal`. */
async function withSignal(task, { signal, timeout = 300 } = {}) {
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal.reason ?? new DOMException("cancelled", "AbortError"));
  if (signal) {
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  }
  const timer = setTimeout(
    () => controller.abort(new DOMException(`no answer within ${timeout} s`, "TimeoutError")),
    timeout * 1000,
  );
  try {
    return await task(controller.signal, timeout);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  }
}

/** HuntbookWorker → Map("now|url" → {promise, data}): each Worker's copies of demo loads, for execQuery({worker}). */
const workerDemos = new WeakMap();

export class QueryProvider {
  /**
   * `environment`: "LocalData" (default: the `loadDemo()` tables, no credentials), "LogAnalytics" (Microsoft
   * Sentinel; aliases "MSSentinel", "Sentinel") or "Kusto" (Azure Data Explorer). `data`: a LocalData to query
   * instead of the demo data. `queryTime`: the QueryTime used when a query's start/end are not given.
   */
  constructor(environment = "LocalData", options = {}) {
    const { data, queryTime } = wasm.checkOptions("QueryProvider", options, ["data", "queryTime"]);
    const env = ENVIRONMENTS[String(environment).toLowerCase().replace(/[^a-z]/g, "")];
    if (!env) throw new TypeError(`unknown environment '${environment}': use LocalData, LogAnalytics or Kusto`);
    this.environment = env;
    this.queryTime = queryTime ?? new QueryTime();
    this._catalog = wasm.Catalog.builtin();
    // LocalData without `data`: a copy of the tables `await loadDemo()` loaded (else an error saying to call it).
    this._data = data?._inner ?? (env === "LocalData" ? loadedDemoCopy() : null);
    // The demo load these tables are a copy of ({now, url}; null for your own `data`): what `execQuery(kql, {worker})`
    // loads in huntbook's Worker to run the KQL on the same tables there.
    this._demoSource = env === "LocalData" && !data ? loadedDemoSource() : null;
    this._added = []; // names of tables addTable() put in (the Worker's copy of the demo does not have them)
    this._connection = null;
    this._attachQueries();
  }

  _attachQueries() {
    for (const q of JSON.parse(this._catalog.listJSON(""))) {
      if (this[q.family]?.[q.name]?.queryName === q.qualifiedName) continue;
      const family = (this[q.family] ??= {});
      // msticpy's print mode: fn("print") or fn({..., print: true}) returns the KQL instead of running it.
      const fn = (params = {}) =>
        params === "print" ? this.renderQuery(q.qualifiedName, {})
          : params?.print ? this.renderQuery(q.qualifiedName, params)
          : this._runBuiltin(q.qualifiedName, params);
      fn.help = () => this.queryHelp(q.qualifiedName);
      fn.kql = (params = {}) => this.renderQuery(q.qualifiedName, params);
      fn.queryName = q.qualifiedName;
      // An imported Sentinel query's metadata (tactics, relevantTechniques, entityMappings, …); null for others.
      Object.defineProperty(fn, "metadata", { get: () => this.queryInfo(q.qualifiedName).find((i) => i.qualifiedName === q.qualifiedName)?.sentinel ?? null });
      family[q.name] = fn;
    }
  }

  /**
   * Log Analytics: `{workspaceId, getToken, baseUrl, additionalWorkspaces, serverTimeout, timeout, maxResponseBytes,
   * arm}` where `getToken()` returns (a promise of) a bearer token for https://api.loganalytics.io/.default, and `arm`
   * (`{subscriptionId, resourceGroup, workspaceName, getToken, baseUrl}`) enables schemaTables() via ARM.
   * Kusto: `{cluster, database, getToken, timeout, maxResponseBytes}`. `timeout` (seconds, default 300) covers the
   * whole call, getToken() included; `maxResponseBytes` is the response size cap (default 512 MiB).
   */
  connect(options = {}) {
    if (this.environment === "LocalData") throw new Error("LocalData needs no connection: it queries the tables in memory");
    options = wasm.checkOptions("connect", options, CONNECT_OPTIONS[this.environment]);
    if (options.arm) options.arm = wasm.checkOptions("connect: arm", options.arm, ARM_OPTIONS);
    if (typeof options.getToken !== "function") throw new TypeError("connect() needs getToken: an (async) function returning a bearer token");
    if (this.environment === "LogAnalytics" && !options.workspaceId) throw new TypeError("connect() needs workspaceId (the Log Analytics workspace GUID)");
    if (this.environment === "Kusto" && !(options.cluster && options.database)) throw new TypeError("connect() needs cluster (URL) and database");
    this._connection = { ...options };
    return this;
  }

  get connected() {
    return this.environment === "LocalData" || !!this._connection;
  }

  /**
   * Imports Microsoft Sentinel hunting queries / analytics rules: `input` is YAML text, a URL (string or URL), or an
   * array of them; `{family}` names the family (default SentinelHunting / SentinelAnalytics by kind); `{signal}`
   * stops before the next download. URLs are fetched with the package's `bytesAt` (as the demo data). Resolves to `{imported: ["Family.name"], failed: [{source, error}]}`: a file that
   * cannot be fetched or read is reported and the others are still imported.
   */
  async importSentinelQueries(input, options = {}) {
    const { family, signal } = wasm.checkOptions("importSentinelQueries", options, ["family", "signal"]);
    const items = Array.isArray(input) ? input : [input];
    const files = [], failed = [];
    let n = 0;
    for (const item of items) {
      n++;
      const isUrl = item instanceof URL || (typeof item === "string" && /^(https?:|\.{0,2}\/)\S*$/.test(item.trim()));
      if (!isUrl) {
        if (typeof item === "string") files.push([`text ${n}`, item]);
        else failed.push({ source: `input ${n}`, error: "expected YAML text or a URL" });
        continue;
      }
      const url = new URL(String(item).trim(), globalThis.location?.href);
      const shown = Object.assign(new URL(url), { username: "", password: "" }).href; // never a secret in a report
      try {
        if (url.username || url.password) throw new Error("a URL with a user name or password was refused: secrets never go in URLs");
        if (signal?.aborted) throw new Error("cancelled");
        files.push([shown, new TextDecoder("utf-8", { fatal: true }).decode(await bytesAt(url, "the Sentinel query"))]);
      } catch (e) {
        failed.push({ source: shown, error: String(e?.message ?? e) });
      }
    }
    const report = JSON.parse(this._catalog.importSentinel(files, family ?? undefined));
    this._attachQueries();
    return { imported: report.imported, failed: [...failed, ...report.failed] };
  }

  /** Qualified names ("Family.name") of the built-in queries, filtered case-insensitively. */
  listQueries(filter = "") {
    return JSON.parse(this._catalog.listJSON(String(filter))).map((q) => q.qualifiedName);
  }
  /** Descriptions of the queries (name, family, description, parameters, template). */
  queryInfo(filter = "") {
    return JSON.parse(this._catalog.listJSON(String(filter)));
  }
  /** The help text of a query: description, data source, parameters, template. */
  queryHelp(name) {
    return this._catalog.help(String(name));
  }
  /** The KQL a built-in query runs with `params` (print-only; nothing is run). */
  renderQuery(name, params = {}) {
    const now = Date.now();
    const { start, end } = this._defaultRange(now);
    return this._catalog.render(String(name), queryArgs(params), now, start, end);
  }

  /** The QueryTime's range in epoch ms. */
  _defaultRange(now) {
    const qt = this.queryTime.value ?? this.queryTime;
    return { start: ms(qt.start, now), end: ms(qt.end, now) };
  }

  /** The range a built-in query with `params` covers: its start/end parameters, else the QueryTime's. */
  _range(params) {
    const now = Date.now();
    const { start, end } = this._defaultRange(now);
    const [s, e] = wasm.queryRange(queryArgs(params), now, start, end);
    return { start: s, end: e };
  }

  async _runBuiltin(name, params = {}) {
    const kql = this.renderQuery(name, params);
    const { start, end } = this._range(params);
    return this.execQuery(kql, { signal: params?.signal, timeout: params?.timeout, start, end });
  }

  /**
   * Runs KQL: on the local tables, or sent unchanged to Log Analytics / Data Explorer. Resolves to a DataFrame.
   * With `{worker}` (a `huntbook.worker()`) it resolves to a `WorkerTable` held in that Worker instead: a service's
   * answer is fetched here (token, retries, timeout, errors as without it) and its bytes moved to the Worker, which
   * reads them; on the demo data the Worker runs the KQL on its own copy of the same demo load.
   */
  async execQuery(kql, options = {}) {
    const known = ["signal", "timeout", "start", "end", "maxResponseBytes", "worker"];
    const { signal, timeout, start, end, maxResponseBytes, worker } = wasm.checkOptions("execQuery", options, known);
    if (typeof kql !== "string" || !kql.trim()) throw new TypeError("execQuery needs KQL text");
    if (worker != null && !(worker instanceof HuntbookWorker)) {
      throw new TypeError("execQuery: option 'worker' must be huntbook's worker (from `await huntbook.worker()`)");
    }
    if (worker?._conn?.closed) {
      // before anything is fetched or sent
      throw new Error("execQuery: the worker was terminated: start another with `await huntbook.worker()`");
    }
    if (this.environment === "LocalData") {
      if (signal?.aborted) throw new Error("cancelled");
      if (worker) return (await this._workerDemo(worker, signal)).query(kql, { signal });
      return wrapFrame(wasm.kqlExecute(this._data, kql, Date.now()));
    }
    if (!this._connection) throw new Error(`not connected: call connect({...}) before querying ${this.environment}`);
    const c = this._connection;
    // The token is asked for by the core (once per query) through this function, and checked there.
    const getToken = () => c.getToken();
    const call = { maxResponseBytes: maxResponseBytes ?? c.maxResponseBytes };
    const la = this.environment === "LogAnalytics";
    const ws = la ? { workspaceId: c.workspaceId, baseUrl: c.baseUrl, additionalWorkspaces: c.additionalWorkspaces, serverTimeout: c.serverTimeout } : null;
    const limits = { signal, timeout: timeout ?? c.timeout ?? 300 };
    if (worker) {
      // The same request, retries and status handling as below (the core's fetch_answer), then only the answer's
      // status and body bytes go to the Worker — moved, not copied; never the token or a header.
      const answer = await withSignal(async (sig, t) => la
        ? wasm.laFetch(ws, getToken, kql, ms(start), ms(end), sig, t, call)
        : wasm.kustoFetch(c.cluster, c.database, getToken, kql, sig, t, call), limits);
      const status = answer.status;
      const body = answer.takeBody();
      answer.free();
      const { tables } = await worker.readTables(body, { format: la ? "la" : "kusto", status, transfer: true, signal });
      if (!tables.length) throw new Error("the service returned no table");
      for (const t of tables.slice(1)) t.free().catch(() => {});
      return tables[0];
    }
    const frames = await withSignal(async (sig, t) => {
      if (la) return tableSetToFrames(await wasm.laQuery(ws, getToken, kql, ms(start), ms(end), sig, t, call));
      return tableSetToFrames(await wasm.kustoQuery(c.cluster, c.database, getToken, kql, sig, t, call));
    }, limits);
    if (!frames.length) throw new Error("the service returned no table");
    return frames[0];
  }

  /**
   * The Worker's copy of the demo load this provider queries (loaded there once per Worker, with the same `now` and
   * file, so `ago()` and every row agree with the page's), or an error when the provider's tables cannot be there.
   */
  async _workerDemo(worker, signal) {
    if (!this._demoSource) {
      throw new Error(
        "execQuery({worker}): this provider queries a LocalData of the page ({data}), which cannot move into huntbook's worker. " +
          "Load the tables there instead (hb.loadTable(url), hb.readTables(bytes), hb.localData().addTable) and query them " +
          "with .query(kql), or call execQuery without {worker}",
      );
    }
    if (this._added.length) {
      throw new Error(
        `execQuery({worker}): the table(s) ${this._added.map((n) => `'${n}'`).join(", ")} added with addTable are on the page ` +
          "only, and a page table cannot move into huntbook's worker. Load them in the worker (hb.loadTable, hb.readTables) " +
          "and add them to a worker LocalData, or call execQuery without {worker}",
      );
    }
    const { now, url } = this._demoSource;
    const key = `${now}|${url ?? ""}`;
    const cache = (workerDemos.get(worker) ?? workerDemos.set(worker, new Map()).get(worker));
    let entry = cache.get(key);
    // a handle of a Worker restarted by an abort is gone: load the demo again in the new one
    if (entry?.data && entry.data._gen !== entry.data._conn.generation) entry = null;
    if (!entry) {
      entry = { promise: worker.loadDemo(url ? { now, url, signal } : { now, signal }) };
      entry.promise.then((d) => { entry.data = d; }, () => { if (cache.get(key) === entry) cache.delete(key); });
      cache.set(key, entry);
    }
    return entry.promise;
  }

  /** msticpy's name for execQuery. */
  exec_query(kql, options) {
    return this.execQuery(kql, options);
  }

  /** Table names: local tables, or the workspace's tables from ARM (connect({arm})). */
  async schemaTables(options = {}) {
    const { signal } = wasm.checkOptions("schemaTables", options, ["signal"]);
    return Object.keys(await this._schemas({ signal })).sort();
  }

  /** `[{name, type}]` of a table's columns. */
  async schema(table, options = {}) {
    const { signal } = wasm.checkOptions("schema", options, ["signal"]);
    if (this.environment === "LocalData") return schemaFromJSON(this._data.schemaJSON(String(table)));
    const all = await this._schemas({ signal });
    const cols = all[table] ?? all[Object.keys(all).find((k) => k.toLowerCase() === String(table).toLowerCase())];
    if (!cols) throw new Error(`unknown table '${table}'. Tables are: ${Object.keys(all).sort().join(", ")}`);
    return cols;
  }

  async _schemas({ signal } = {}) {
    if (this.environment === "LocalData") {
      // from the columns alone: the demo's tables are not read for it
      return Object.fromEntries(this._data.tableNames().map((t) => [t, schemaFromJSON(this._data.schemaJSON(t))]));
    }
    if (this._schemaCache) return this._schemaCache;
    const arm = this._connection?.arm;
    if (!arm) throw new Error("schemaTables needs the workspace's ARM address: connect({..., arm: {subscriptionId, resourceGroup, workspaceName, getToken}})");
    const getToken = arm.getToken ?? this._connection.getToken;
    const address = { subscriptionId: arm.subscriptionId, resourceGroup: arm.resourceGroup, workspaceName: arm.workspaceName, baseUrl: arm.baseUrl };
    const text = await withSignal((sig, t) => wasm.armTables(address, () => getToken(), sig, t), { signal, timeout: this._connection.timeout ?? 120 });
    this._schemaCache = Object.fromEntries(JSON.parse(text).map((t) => [t.name, t.columns.map(([name, type]) => ({ name, type }))]));
    return this._schemaCache;
  }

  /** LocalData: adds a table that queries can use. */
  addTable(name, df) {
    if (this.environment !== "LocalData") throw new Error("addTable is for LocalData");
    this._data.addTable(String(name), df._frame);
    if (!this._added.includes(String(name))) this._added.push(String(name));
    return this;
  }

  /** LocalData: names of the local tables. */
  get tables() {
    if (this.environment !== "LocalData") throw new Error("use await schemaTables() for remote workspaces");
    return this._data.tableNames();
  }
}
