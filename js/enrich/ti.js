// Threat intelligence: look IoCs up in TI providers and get msticpy's result table (Ioc, IocType, SafeIoc,
// QuerySubtype, Provider, Result, Severity, Details, RawResult, Reference, Status), one row per IoC per provider.
//
// The HTTP providers run in wasm (keys kept there, one response cache per TILookup, rate limits, Retry-After);
// Microsoft Sentinel's ThreatIntelligenceIndicator table is searched with one KQL query through your query provider.

import * as wasm from "../huntbook_wasm.js";
import { wrapFrame } from "../frame.js";
import { QueryProvider } from "../provider.js";
import { demoEnrichment, markDemo } from "./demo.js";

const SENTINEL_NAMES = ["azsti", "sentinel", "mssentinel", "azuresentinel"];
const isSentinel = (name) => SENTINEL_NAMES.includes(String(name).toLowerCase());
/** Seconds named in a client-side timeout message. */
const TIMEOUT_S = 120;

/** Splits the user's config: the query provider stays in JS, the rest (keys included) goes to wasm at once. */
function splitConfig(config) {
  if (typeof config === "string") return { wasmConfig: config, queryProvider: null };
  if (!config || typeof config !== "object" || Array.isArray(config)) {
    throw new TypeError('TILookup(config): give {providers: {VirusTotal: {key: "…"}, Tor: {}, …}} or its JSON text');
  }
  let queryProvider = null;
  const providers = {};
  for (const [name, p] of Object.entries(config.providers ?? {})) {
    if (isSentinel(name) && p && typeof p === "object") {
      const { queryProvider: qp, ...rest } = p;
      if (!qp || typeof qp.execQuery !== "function") {
        throw new TypeError(`TILookup: providers.${name} needs {queryProvider}: a huntbook QueryProvider (LocalData or a connected LogAnalytics)`);
      }
      queryProvider = qp;
      providers[name] = { ...rest, queryProvider: true };
    } else {
      providers[name] = p;
    }
  }
  return { wasmConfig: { ...config, providers }, queryProvider };
}

/** The values of `data` (a DataFrame column, an array, or one value). */
function valuesOf(data, column) {
  if (data && typeof data === "object" && typeof data.toRows === "function") {
    const cols = data.columns;
    const col = column ?? (cols.length === 1 ? cols[0] : null);
    if (!col) throw new TypeError(`lookupIocs(df, {column}): name the column holding the IoCs; columns are: ${cols.join(", ")}`);
    if (!cols.includes(col)) throw new TypeError(`lookupIocs: unknown column '${col}'; columns are: ${cols.join(", ")}`);
    return data.select([col]).toRows().map((r) => (r[col] == null ? "" : String(r[col])));
  }
  if (Array.isArray(data)) return data.map((v) => (v == null ? "" : String(v)));
  if (typeof data === "string") return [data];
  throw new TypeError("lookupIocs(data): give a DataFrame (with {column}), an array of values, or one value");
}

/**
 * Threat-intelligence lookups in several providers.
 *
 * `config`: `{providers: {VirusTotal: {key, proxy?, rateLimit?}, OTX: {key}, AbuseIPDB: {key}, GreyNoise: {key?},
 * XForce: {key: "ApiID:AuthKey"}, Tor: {}, URLhaus: {key}, Sentinel: {queryProvider}}}`, or its JSON text. Keys go
 * into wasm memory at once and are never shown, logged or put in a URL. `proxy`: a base URL used instead of the
 * provider's, for APIs that refuse requests from web pages (CORS). With demo enrichment on
 * (`useDemoEnrichment()`), `new TILookup()` with no config is `TILookup.demo()`.
 */
export class TILookup {
  constructor(config) {
    if (config === undefined && demoEnrichment()) return TILookup.demo();
    if (config === undefined) {
      throw new TypeError('TILookup(config): give {providers: {VirusTotal: {key: "…"}, Tor: {}, …}} (or use TILookup.demo() on the demo workspace)');
    }
    const { wasmConfig, queryProvider } = splitConfig(config);
    this._session = new wasm.TiSession(wasmConfig);
    this._qp = queryProvider;
    this._demo = false;
    if (this._session.providers.includes("AzSTI") && !this._qp) {
      this._session.free();
      throw new TypeError("TILookup: the Sentinel provider needs {queryProvider} (a configuration in JSON text cannot hold one)");
    }
  }

  /**
   * A TILookup whose only provider is the demo ThreatIntelligenceIndicator table (no key, offline): `localData` (a
   * LocalData or a LocalData QueryProvider; default: the tables of the last `loadDemo()`). Results are marked `demo`.
   */
  static demo(localData) {
    const t = Object.create(TILookup.prototype);
    t._qp = typeof localData?.execQuery === "function"
      ? localData
      : new QueryProvider("LocalData", localData ? { data: localData } : {});
    t._session = wasm.TiSession.demo();
    t._demo = true;
    return t;
  }

  /** The configured providers' names (msticpy's: VirusTotal, OTX, AbuseIPDB, GreyNoise, XForce, Tor, URLhaus, AzSTI). */
  get providers() {
    return this._session.providers;
  }

  /** Looks one IoC up: `{type, providers, signal}` → the results DataFrame (one row per provider). */
  async lookupIoc(value, options = {}) {
    const { type, providers, signal } = options ?? {};
    return this.lookupIocs([value], { type, providers, signal });
  }

  /**
   * Looks IoCs up: `data` is a DataFrame (`column` names the IoC column) or an array of values. `type`: msticpy's
   * IoC type for all values (default: inferred per value). `providers`: names to ask (default: all). `signal`
   * cancels; `onProgress(done, total)` is told as lookups finish. Private IPs and malformed values are never sent.
   */
  async lookupIocs(data, options = {}) {
    const { column, type, providers, signal, onProgress, ...rest } = options ?? {};
    const values = valuesOf(data, column);
    const opts = { ...rest };
    if (type !== undefined) opts.type = type;
    if (providers !== undefined) opts.providers = providers;
    if (signal?.aborted) throw new DOMException("cancelled", "AbortError");
    const kql = this._session.sentinelQuery(values, opts);
    let frame, error;
    if (kql) {
      try {
        const df = await this._qp.execQuery(kql, { signal });
        frame = df._frame;
      } catch (e) {
        if (signal?.aborted) throw e;
        error = String(e?.message ?? e);
      }
    }
    const progress = typeof onProgress === "function" ? (done, total) => {
      try { onProgress(done, total); } catch { /* a failing progress callback does not stop the lookups */ }
    } : undefined;
    try {
      const out = await this._session.lookup(values, opts, frame, error, signal, progress, TIMEOUT_S);
      return markDemo(wrapFrame(out), this._demo);
    } catch (e) {
      if (signal?.aborted && !(e instanceof DOMException)) throw new DOMException("cancelled", "AbortError");
      throw e;
    }
  }
}
