// QueryTime: the time range queries use for `start`/`end` when they are not given (default: the last day).
// Plain JS (no DOM), so it works in Workers; the widget in widgets/queryTime.js edits one.

const UNITS = { s: 1e3, m: 6e4, h: 36e5, d: 864e5, w: 6048e5 };

/** Parses "-1d", "2h", "-30m" into milliseconds; null if it is not one. */
export function parseOffset(text) {
  const m = /^\s*([+-]?\d+(?:\.\d+)?)\s*([smhdw])\s*$/i.exec(String(text));
  return m ? Number(m[1]) * UNITS[m[2].toLowerCase()] : null;
}

function toDate(v, now) {
  if (v instanceof Date) return new Date(v.getTime());
  if (typeof v === "number") return new Date(v);
  const off = parseOffset(v);
  if (off !== null) return new Date(now + off);
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw new TypeError(`'${v}' is not a date, an ISO datetime or an offset like -1d`);
  return d;
}

export class QueryTime {
  /** `start`/`end`: Dates, ISO text, epoch ms or offsets ("-1d"); default the last day. */
  constructor({ start = "-1d", end = "0s", now = Date.now() } = {}) {
    this.set({ start, end, now });
  }
  /** Changes the range; returns this. */
  set({ start = this.start, end = this.end, now = Date.now() } = {}) {
    const s = toDate(start, now);
    const e = toDate(end, now);
    if (s > e) throw new RangeError(`the start (${s.toISOString()}) is after the end (${e.toISOString()})`);
    this.start = s;
    this.end = e;
    return this;
  }
  /** The last `span` ("1h", "1d", "7d") before now. */
  last(span, now = Date.now()) {
    const ms = parseOffset(span);
    if (ms === null) throw new TypeError(`'${span}' is not a span like 1h, 1d, 7d`);
    return this.set({ start: new Date(now - Math.abs(ms)), end: new Date(now), now });
  }
  /** `before`/`after` a reference time (e.g. an alert's time): the range [ref − before, ref + after]. */
  around(reference, { before = "1h", after = "1h" } = {}) {
    const ref = toDate(reference, Date.now()).getTime();
    return this.set({ start: new Date(ref - Math.abs(parseOffset(before))), end: new Date(ref + Math.abs(parseOffset(after))) });
  }
  get value() {
    return { start: this.start, end: this.end };
  }
  toString() {
    return `${this.start.toISOString()} – ${this.end.toISOString()}`;
  }
}
