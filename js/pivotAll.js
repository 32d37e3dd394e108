// pivotAll(alert, {pivot, …}): from one alert to every pivot of every one of its entities, in one call.
//
// The entities come from the alert (`entitiesFromAlert`: a SecurityAlert row, a one-row DataFrame, its Entities
// JSON text, or a list of entities you already have). Which pivot function runs on which entity is decided in Rust
// (`src/pivot/investigate.rs`: the functions of `pivot.functions()` whose input the entity has and whose other
// required parameters have defaults); this file only runs those calls, at most `concurrency` at a time, and hands
// every result to Rust, which stacks the rows that have a time into one timeline table.
//
// A function that fails gives a result with `error` (and no frame, or the partial frame with its error): nothing is
// dropped silently, and the timeline's `notes` say it is incomplete. Cancelling (`signal`) rejects the whole call.

import * as wasm from "./huntbook_wasm.js";
import { DataFrame, wrapFrame, ready } from "./frame.js";
import { entitiesFromAlert } from "./entity.js";

const OPTIONS = ["pivot", "start", "end", "signal", "onProgress", "functions", "concurrency"];

/** The entities of `alert`: a list of entities as given, a one-row DataFrame's row, or entitiesFromAlert(alert). */
function entitiesOf(alert) {
  if (Array.isArray(alert)) {
    for (const e of alert) {
      if (!e || typeof e !== "object" || typeof e.type !== "string" || typeof e.toJSON !== "function") {
        throw new TypeError("pivotAll(entities): every item must be a huntbook entity (e.g. new huntbook.entities.IpAddress(\"1.2.3.4\"))");
      }
    }
    return alert;
  }
  if (alert instanceof DataFrame) {
    if (alert.numRows !== 1) {
      throw new TypeError(`pivotAll(df): give one alert — a one-row DataFrame (df.slice(i, 1)) or df.row(i); this one has ${alert.numRows} rows`);
    }
    return entitiesFromAlert(alert.row(0));
  }
  return entitiesFromAlert(alert);
}

/** JSON.stringify that writes BigInts (long columns of alert rows) as numbers, or text beyond 2^53. */
function stringify(value) {
  return JSON.stringify(value, (_k, v) =>
    typeof v === "bigint" ? (Number.isSafeInteger(Number(v)) ? Number(v) : v.toString()) : v);
}

/** The function `fullName` ("IpAddress.MSSentinel.aad_signins") on `entity`'s class, with its container as `this`. */
function resolve(entity, fullName) {
  const parts = fullName.split(".");
  let holder = null;
  let obj = entity.constructor;
  if (parts[0] === entity.type || parts[0] === obj?.name) parts.shift();
  for (const p of parts) {
    holder = obj;
    obj = obj?.[p];
  }
  if (typeof obj !== "function") {
    throw new Error(`pivot function ${fullName} is not attached to ${entity.type}: create the Pivot (new huntbook.Pivot(…)) before pivotAll`);
  }
  return (...args) => obj.apply(holder, args);
}

function message(e) {
  return e && typeof e === "object" && "message" in e ? String(e.message) : String(e);
}

/** Runs `work(item, i)` for each item with at most `limit` in flight; stops starting new ones once `signal` fires. */
async function pool(items, limit, work, signal) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      if (signal?.aborted) return;
      const i = next++;
      await work(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
}

/**
 * The investigation of one alert: its entities, every pivot that applies to each of them (data queries and
 * enrichments), and one timeline of every result row that has a time.
 *
 * `alert`: a SecurityAlert row object (`df.row(i)`), a one-row SecurityAlert DataFrame, the alert's `Entities` JSON
 * text, or a list of entities. Options: `pivot` (a `huntbook.Pivot`, required), `start`/`end` (the time range of
 * the query pivots; default the query provider's `queryTime`), `signal` (cancels: the promise rejects),
 * `onProgress(done, total)`, `functions` (only these, by name: `["whois", "MSSentinel.aad_signins"]`),
 * `concurrency` (calls in flight, default 4).
 *
 * Returns `{entities, labels, results: [{entity, label, function, kind, frame, error}], skipped: [{entity, label,
 * function, reason}], timeline, complete}` (`labels[i]` names `entities[i]`: Host fqdn, IpAddress Address, …): `timeline` is one DataFrame `TimeGenerated, Entity, EntityType, Function, Summary, Source,
 * ResultIndex, SourceRow` (oldest first; `results[ResultIndex].frame.row(SourceRow)` is the full row), ready for
 * `huntbook.timeline(timeline, {groupBy: "Function"})`; `complete` is false when any function failed (the
 * timeline's `notes` name them).
 */
export async function pivotAll(alert, options) {
  ready("pivotAll");
  const { pivot, start, end, signal, onProgress, functions, concurrency = 4 } = wasm.checkOptions("pivotAll", options, OPTIONS);
  if (!pivot || typeof pivot.functions !== "function") {
    throw new TypeError("pivotAll(alert, {pivot}): give the Pivot, e.g. {pivot: new huntbook.Pivot({queryProvider: qp})}");
  }
  if (signal !== undefined && !(typeof AbortSignal !== "undefined" && signal instanceof AbortSignal)) {
    throw new TypeError("pivotAll: options.signal must be an AbortSignal (from new AbortController().signal)");
  }
  if (onProgress !== undefined && typeof onProgress !== "function") {
    throw new TypeError("pivotAll: options.onProgress must be a function (done, total) => …");
  }
  const limit = Number(concurrency);
  if (!Number.isInteger(limit) || limit < 1 || limit > 64) {
    throw new TypeError(`pivotAll: options.concurrency must be a whole number from 1 to 64, got ${concurrency}`);
  }
  signal?.throwIfAborted();

  const entities = entitiesOf(alert);
  const list = pivot.functions();
  const plan = JSON.parse(wasm.pivotAllPlanJSON(stringify(list), stringify(entities.map((e) => e.toJSON())),
    functions === undefined ? undefined : { functions }));

  const total = plan.calls.length;
  let done = 0;
  onProgress?.(0, total);
  const results = new Array(total);
  await pool(plan.calls, limit, async (call, i) => {
    const entity = entities[call.entity];
    const result = { entity, label: plan.labels[call.entity], function: call.function, kind: call.kind, frame: null, error: null };
    try {
      const fn = resolve(entity, call.function);
      const opts = { signal };
      if (call.kind === "query") {
        if (start !== undefined) opts.start = start;
        if (end !== undefined) opts.end = end;
      }
      const frame = await fn(entity, opts);
      if (!(frame instanceof DataFrame)) throw new Error(`returned ${frame === null ? "null" : typeof frame}, not a DataFrame`);
      result.frame = frame;
      // A service's partial error, or calls of this function that failed while others worked (the pivot lists
      // them in the frame's notes as "<fullName>(…) failed: …"): the frame is kept, and the result is an error.
      const failedCalls = frame.notes.filter((n) => n.startsWith(`${call.function}(`) && n.includes(") failed: "));
      if (frame.error) result.error = `partial result: ${frame.error.message ?? JSON.stringify(frame.error)}`;
      else if (failedCalls.length) result.error = `partial result: ${failedCalls.join("; ")}`;
    } catch (e) {
      if (signal?.aborted) return;
      result.error = message(e);
    }
    results[i] = result;
    onProgress?.(++done, total);
  }, signal);
  if (signal?.aborted) throw signal.reason ?? new DOMException("pivotAll was cancelled", "AbortError");

  const builder = new wasm.PivotTimelineBuilder();
  let timeline;
  try {
    results.forEach((r, i) => {
      if (r.frame) builder.add(i, r.label, r.entity.type, r.function, r.frame._frame);
      if (r.error) builder.addError(r.label, r.function, r.error);
    });
    timeline = wrapFrame(builder.finish());
  } finally {
    builder.free();
  }
  if (results.some((r) => r.frame?.demo)) timeline.demo = true;
  return {
    entities,
    labels: plan.labels,
    results,
    skipped: plan.skipped.map((s) => ({ entity: entities[s.entity], label: plan.labels[s.entity], function: s.function, reason: s.reason })),
    timeline,
    complete: results.every((r) => !r.error),
  };
}
