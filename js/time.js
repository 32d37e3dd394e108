// QueryTime: the time range queries use for `start`/`end` when they are not given (default: the last day).
// Times are read by the wasm core's one time grammar (crate::time): a Date, epoch ms, ISO 8601 text — text without
// a zone is UTC, unlike `new Date("2024-01-15T10:00")` — or an offset from now ("-1d", "-2w@d", "+3h"), exactly as
// a query parameter reads it. No DOM, so it works in Workers; the widget in widgets/queryTime.js edits one.
import * as wasm from "./huntbook_wasm.js";

/** A timespan ("-1d", "2h", "1.5h", "30m", "100ms", "1.02:00:00") in milliseconds; null if it is not one. */
export function parseOffset(text) {
  try {
    return wasm.timespanMs(String(text));
  } catch {
    return null;
  }
}

/** Epoch ms of a Date, epoch ms, ISO text (UTC when it names no zone) or an offset from `now` ("-2w@d"). */
export function resolveTime(value, now = Date.now()) {
  try {
    return wasm.resolveTime(value, now);
  } catch (e) {
    throw new TypeError(e.message);
  }
}

function spanMs(span) {
  try {
    return Math.abs(wasm.timespanMs(String(span)));
  } catch (e) {
    throw new TypeError(e.message);
  }
}

export class QueryTime {
  /** `start`/`end`: Dates, ISO text (UTC when zone-less), epoch ms or offsets ("-1d", "-2w@d"); default the last day. */
  constructor(options) {
    const { start = "-1d", end = "0s", now = Date.now() } = wasm.checkOptions("QueryTime", options, ["start", "end", "now"]);
    this.set({ start, end, now });
  }
  /** Changes the range; returns this. */
  set(options) {
    const { start = this.start, end = this.end, now = Date.now() } =
      wasm.checkOptions("QueryTime.set", options, ["start", "end", "now"]);
    const s = new Date(resolveTime(start, now));
    const e = new Date(resolveTime(end, now));
    if (s > e) throw new RangeError(`the start (${s.toISOString()}) is after the end (${e.toISOString()})`);
    this.start = s;
    this.end = e;
    return this;
  }
  /** The last `span` ("1h", "1d", "7d") before now. */
  last(span, now = Date.now()) {
    return this.set({ start: now - spanMs(span), end: now, now });
  }
  /** `before`/`after` a reference time (e.g. an alert's time): the range [ref − before, ref + after]. */
  around(reference, options) {
    const { before = "1h", after = "1h" } = wasm.checkOptions("QueryTime.around", options, ["before", "after"]);
    const ref = resolveTime(reference);
    return this.set({ start: ref - spanMs(before), end: ref + spanMs(after) });
  }
  get value() {
    return { start: this.start, end: this.end };
  }
  toString() {
    return `${this.start.toISOString()} – ${this.end.toISOString()}`;
  }
}
