// Pivots: functions on the entity classes for every query, enrichment and utility that takes the entity, as
// msticpy's `Pivot` attaches them.
//
// const pivot = new huntbook.Pivot({ queryProvider: qp });       msticpy: Pivot()
// const { IpAddress } = huntbook.entities;
// await IpAddress.whois("185.220.101.45")                        → DataFrame (also IpAddress.util.whois)
// await IpAddress.MSSentinel.list_aad_signins_for_ip(["185.220.101.45", "…"])   one query for the whole list
// await IpAddress.whois(df, { column: "IPAddress", join: "left" })              the table with the whois columns
// pivot.functions("IpAddress")  → [{entity, container, name, names, fullName, kind, description, params, …}]
// pivot.register({ entity: "IpAddress", name: "my_lookup", func: async (values) => rows })
// pivot.pivotsFor(df)           → [{column, entity, attribute, functions: [fullName, …]}]
//
// The registry (names, inputs, key columns), the planning of calls (one list call or one call per distinct value),
// assembling the results with `src_row_index` and joining them onto the input are Rust (src/pivot/); this file runs
// the planned calls through the query provider or the enrichment functions, with bounded concurrency.

import * as wasm from "./huntbook_wasm.js";
import { DataFrame, wrapFrame, ready } from "./frame.js";
import { QueryProvider } from "./provider.js";
import { entities, Entity, detectEntities } from "./entity.js";
import { whois, dnsResolve } from "./enrich/net.js";
import { geoloc, openGeoLite, GeoLite } from "./enrich/geo.js";
import { TILookup } from "./enrich/ti.js";
import { demoEnrichment, markDemo } from "./enrich/demo.js";
import { unpack, extractIocsTable } from "./analysis.js";

const PIVOT_OPTIONS = ["queryProvider", "ti", "geo", "concurrency"];
/** Properties this module put on the entity classes (removed when a new Pivot attaches its own). */
const attached = [];

/** The message of an error thrown by anything. */
function message(e) {
  return String(e?.message ?? e);
}

/** A JS value as the wasm side reads a value or a list of values. */
function plainValue(v) {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "bigint") return v.toString();
  return v;
}

function isIterable(v) {
  return v != null && typeof v !== "string" && typeof v[Symbol.iterator] === "function";
}

/** Runs `task(i)` for i in 0..n with at most `limit` at once; stops starting new ones once `signal` aborts. */
async function pool(n, limit, task, signal) {
  let next = 0;
  const worker = async () => {
    while (next < n) {
      if (signal?.aborted) return;
      const i = next++;
      await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, n) }, worker));
}

function cancelled(signal) {
  return signal?.reason instanceof Error ? signal.reason : new DOMException("cancelled", "AbortError");
}

/**
 * Pivot functions for the entity classes of `huntbook.entities`.
 *
 * `new Pivot({queryProvider, ti, geo, concurrency})`, all optional:
 * - `queryProvider`: a QueryProvider whose built-in queries become query pivots in its data environment's
 *   container (`MSSentinel` for Log Analytics and the local demo data). Default: a LocalData provider on the loaded
 *   demo data, when `loadDemo()` has been called.
 * - `ti`: the TILookup the `tilookup_*` functions ask (default: `TILookup.demo()` in demo mode).
 * - `geo`: a GeoLite (or a source for `openGeoLite`) for `geoloc` (default: as `huntbook.geoloc`).
 * - `concurrency`: calls in flight at once for per-value functions (default 4).
 *
 * Creating a Pivot attaches its functions to the classes (replacing those of an earlier Pivot): in containers
 * (`IpAddress.util.whois`, `IpAddress.ti.lookup_ip`, `IpAddress.MSSentinel.list_aad_signins_for_ip`, and every
 * other name of a function) and directly (`IpAddress.whois`, `IpAddress.tilookup_ip`, `IpAddress.aad_signins`);
 * direct names also work on instances (`new IpAddress("1.2.3.4").whois()`).
 */
export class Pivot {
  constructor(options = {}) {
    ready("new Pivot");
    const { queryProvider, ti, geo, concurrency } = wasm.checkOptions("Pivot", options, PIVOT_OPTIONS);
    if (queryProvider !== undefined && !(queryProvider instanceof QueryProvider)) {
      throw new TypeError("Pivot: queryProvider must be a huntbook QueryProvider (new huntbook.QueryProvider(\"LocalData\") after loadDemo())");
    }
    if (ti !== undefined && !(ti instanceof TILookup)) throw new TypeError("Pivot: ti must be a huntbook TILookup");
    if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= 32)) {
      throw new TypeError(`Pivot: concurrency must be a whole number from 1 to 32, got ${concurrency}`);
    }
    this._registry = new wasm.PivotRegistry();
    this.queryProvider = queryProvider ?? defaultProvider();
    this.ti = ti ?? null;
    this.geo = geo ?? null;
    this.concurrency = concurrency ?? 4;
    this._user = new Map(); // fullName → the user's function
    this._functions = new Map(); // fullName → the JS pivot function
    if (this.queryProvider) this._registry.addCatalog(this.queryProvider._catalog, this.queryProvider.environment);
    this._attach();
  }

  /** The TILookup the TI functions use: the one given, else the demo one in demo mode. */
  _tiLookup() {
    if (this.ti) return this.ti;
    if (demoEnrichment()) return (this._demoTi ??= TILookup.demo());
    throw new Error("the tilookup functions need a TILookup: new huntbook.Pivot({ti: new huntbook.TILookup({providers: {…}})}), or demo mode (huntbook.useDemoEnrichment())");
  }

  /** The GeoLite of option `geo`, opened once. */
  _geoDb() {
    if (this.geo instanceof GeoLite) return this.geo;
    this._geoOpened ??= openGeoLite(this.geo);
    this._geoOpened.catch(() => { this._geoOpened = null; });
    return this._geoOpened;
  }

  /**
   * The functions of `entity` (a name such as "IpAddress", or an entity class; all entities: nothing):
   * `[{entity, container, name, names, fullName, direct, kind, description, params, inputParam, attribute,
   * keyColumn, list, query, template, example}]`.
   */
  functions(entity) {
    const name = entity === undefined ? undefined : typeof entity === "function" ? entity.kind : String(entity);
    return JSON.parse(this._registry.functionsJSON(name));
  }

  /** Functions whose names or description contain every word of `text` (case-insensitive). */
  search(text) {
    return JSON.parse(this._registry.searchJSON(String(text ?? "")));
  }

  /** `{IpAddress: 17, …}`: how many functions each entity has. */
  counts() {
    return JSON.parse(this._registry.countsJSON());
  }

  /** The function named `fullName` ("IpAddress.MSSentinel.aad_signins", "IpAddress.whois"): `await fn(input, options)`. */
  get(fullName) {
    const text = String(fullName);
    const dot = text.indexOf(".");
    if (dot < 0) throw new TypeError(`pivot.get: give Entity.container.name or Entity.name, e.g. "IpAddress.whois", got '${text}'`);
    const info = JSON.parse(this._registry.findJSON(text.slice(0, dot), text.slice(dot + 1)));
    return this._functions.get(info.fullName);
  }

  /**
   * Registers a user function: `{entity, name, func, container = "custom", description, attribute, inputParam,
   * keyColumn, list = false, direct = true}`. `func(value, options)` (or with `list: true`, `func(values,
   * options)`) returns (a promise of) a DataFrame, an array of row objects or one row object. Returns the pivot
   * function, attached like the built-ins (`IpAddress.custom.my_lookup`, `IpAddress.my_lookup`).
   */
  register(spec) {
    if (!spec || typeof spec !== "object") throw new TypeError("pivot.register({entity, name, func, …})");
    const { func, ...rest } = spec;
    if (typeof func !== "function") throw new TypeError("pivot.register: func must be a function (value or values → DataFrame or rows)");
    const info = JSON.parse(this._registry.registerUser(rest));
    this._user.set(info.fullName, func);
    this._attachOne(info);
    return this._functions.get(info.fullName);
  }

  /**
   * What can be pivoted on in `df`: `[{column, entity, attribute, by, functions: [fullName, …]}]` for every column
   * holding an entity (by its name or by its values), with the functions that take that attribute.
   */
  pivotsFor(df) {
    if (!(df instanceof DataFrame)) throw new TypeError("pivot.pivotsFor(df): df must be a huntbook DataFrame");
    return detectEntities(df).map((c) => {
      const fns = this.functions(c.entity);
      const same = fns.filter((f) => f.attribute === c.attribute);
      return { ...c, functions: (same.length ? same : fns).map((f) => f.fullName) };
    });
  }

  /** Puts every function on its entity class (after removing what an earlier Pivot attached). */
  _attach() {
    while (attached.length) {
      const [target, key] = attached.pop();
      delete target[key];
    }
    for (const info of this.functions()) this._attachOne(info);
  }

  _attachOne(info) {
    const cls = entities[info.entity];
    if (!cls) return;
    const fn = this._makeFunction(info);
    this._functions.set(info.fullName, fn);
    let container = Object.hasOwn(cls, info.container) ? cls[info.container] : undefined;
    if (!container) {
      container = {};
      Object.defineProperty(cls, info.container, { value: container, configurable: true, enumerable: false, writable: true });
      attached.push([cls, info.container]);
    }
    for (const name of info.names) container[name] = fn;
    if (info.direct && !(info.direct in cls && !attached.some(([t, k]) => t === cls && k === info.direct))) {
      Object.defineProperty(cls, info.direct, { value: fn, configurable: true, enumerable: false, writable: true });
      attached.push([cls, info.direct]);
      if (!(info.direct in cls.prototype)) {
        // on instances: new IpAddress("1.2.3.4").whois(options)
        Object.defineProperty(cls.prototype, info.direct, {
          value(options) {
            return fn(this, options);
          },
          configurable: true,
          enumerable: false,
          writable: true,
        });
        attached.push([cls.prototype, info.direct]);
      }
    }
  }

  _makeFunction(info) {
    const pivot = this;
    const path = `${info.container}.${info.names[0]}`;
    const fn = async function (input, options = {}) {
      return pivot._run(info, path, input, options);
    };
    Object.defineProperty(fn, "name", { value: info.names[0] });
    fn.fullName = info.fullName;
    fn.info = info;
    fn.help = () => helpText(info);
    return fn;
  }

  /** Plans the call in wasm, runs it here, assembles (and joins) in wasm. */
  async _run(info, path, input, options) {
    ready(info.fullName);
    if (options === null || typeof options !== "object" || Array.isArray(options)) {
      throw new TypeError(`${info.fullName}(input, options): options must be an object like {column: "IPAddress", join: "left"}`);
    }
    const { signal, onProgress, ...rest } = options;
    if (signal !== undefined && !(signal instanceof AbortSignal)) throw new TypeError(`${info.fullName}: options.signal must be an AbortSignal`);
    if (onProgress !== undefined && typeof onProgress !== "function") throw new TypeError(`${info.fullName}: options.onProgress must be a function (done, total)`);
    if (rest.concurrency === undefined) rest.concurrency = this.concurrency;
    for (const [k, v] of Object.entries(rest)) if (v instanceof Date) rest[k] = v.toISOString();
    const call = this._prepare(info, path, input, rest);
    try {
      const calls = JSON.parse(call.callsJSON());
      const total = calls.length;
      let done = 0;
      const progress = () => {
        if (onProgress) {
          try { onProgress(done, total); } catch { /* a failing progress callback does not stop the pivot */ }
        }
      };
      progress();
      if (signal?.aborted) throw cancelled(signal);
      if (!call.runLocal()) {
        await pool(total, call.concurrency, async (i) => {
          try {
            const result = await this._runOne(info, calls[i], signal);
            if (result instanceof DataFrame) call.setFrame(i, result._frame);
            else call.setRows(i, JSON.stringify(rowsOf(result, info)));
          } catch (e) {
            if (signal?.aborted) return;
            call.setError(i, message(e));
          }
          done++;
          progress();
        }, signal);
        if (signal?.aborted) throw cancelled(signal);
      } else {
        done = total;
        progress();
      }
      const df = wrapFrame(call.finish());
      if (info.kind === "enrichment" && demoEnrichment()) markDemo(df);
      return df;
    } finally {
      call.free();
    }
  }

  _prepare(info, path, input, options) {
    if (input === undefined) {
      throw new TypeError(`${info.fullName}(input, options): give a value, a list, an entity, entities or a DataFrame with {column}; e.g. ${info.example}`);
    }
    if (input instanceof DataFrame) return this._registry.prepareFrame(info.entity, path, input._frame, options);
    const list = isIterable(input) ? Array.from(input) : [input];
    const isEntity = (x) => x instanceof Entity;
    if (list.some(isEntity)) {
      if (!list.every(isEntity)) throw new TypeError(`${info.fullName}: give values or entities, not both in one list`);
      const json = JSON.stringify(list.map((e) => e.toJSON()));
      return this._registry.prepareEntities(info.entity, path, json, options);
    }
    const value = isIterable(input) ? list.map(plainValue) : plainValue(input);
    return this._registry.prepareValues(info.entity, path, value ?? null, options);
  }

  /** One call: the values (one, or all of a list call) and the arguments Rust planned. */
  async _runOne(info, { values, args }, signal) {
    const one = values[0];
    switch (info.runs) {
      case "query": {
        if (!this.queryProvider) throw new Error(`${info.fullName}: this Pivot has no query provider`);
        return this.queryProvider._runBuiltin(info.query, { ...args, signal });
      }
      case "whois":
        return whois(values, { ...args, signal });
      case "geoloc":
        return geoloc(values, this.geo ? { ...args, db: await this._geoDb() } : args);
      case "ti_lookup":
        return this._tiLookup().lookupIocs(values, { ...args, signal });
      case "dns_resolve":
        return dnsResolve(one, { ...args, signal });
      case "b64decode":
        return unpack(one, args).table;
      case "extract_iocs":
        return extractIocsTable(one, args);
      case "user": {
        const func = this._user.get(info.fullName);
        return func(info.list ? values : one, { ...args, signal });
      }
      default:
        throw new Error(`${info.fullName}: nothing runs '${info.runs}'`);
    }
  }
}

/** A user function's result as rows. */
function rowsOf(result, info) {
  if (Array.isArray(result)) return result;
  if (result && typeof result === "object") return [result];
  throw new TypeError(`${info.fullName}: the function must return a DataFrame, an array of row objects or one row object, got ${result === null ? "null" : typeof result}`);
}

/** The help text of a function: description, call, parameters, the query's template. */
function helpText(info) {
  const lines = [info.fullName, info.description, "", `Example: ${info.example}`, `Input: ${info.entity}.${info.attribute} as '${info.inputParam}'${info.list ? " (all values in one call)" : " (one call per value)"}`];
  if (info.keyColumn) lines.push(`Key column of the result: ${info.keyColumn}`);
  if (info.params.length) {
    lines.push("Parameters:");
    for (const p of info.params) lines.push(`  ${p.name}: ${p.type}${p.required ? "" : " (optional)"}  ${p.description}`);
  }
  if (info.query) lines.push(`Query: ${info.query}`, info.template ?? "");
  return lines.join("\n");
}

/** A LocalData provider on the loaded demo data, or null before loadDemo(). */
function defaultProvider() {
  try {
    return new QueryProvider("LocalData");
  } catch {
    return null;
  }
}

