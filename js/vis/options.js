// Option handling shared by the timelines and charts: msticpy's snake_case names (camelCase accepted), checked
// against the known names (a misspelt option is a TypeError with a suggestion), times as Date / ISO text / epoch ms.

/** `groupBy` → `group_by`. */
export function snake(name) {
  return String(name).replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function distance(a, b) {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = d[j];
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return d[b.length];
}

/** Options with snake_case keys; throws a TypeError naming an unknown option (and the closest known one). */
export function normalizeOptions(opts, known, fn) {
  if (opts == null) return {};
  if (typeof opts !== "object" || Array.isArray(opts)) throw new TypeError(`${fn}: options must be an object`);
  const out = {};
  for (const [k, v] of Object.entries(opts)) {
    if (v === undefined) continue;
    const s = snake(k);
    if (!known.includes(s)) {
      const best = known.map((n) => [distance(s, n), n]).sort((a, b) => a[0] - b[0])[0];
      const hint = best && best[0] <= 3 ? ` (did you mean ${best[1]}?)` : "";
      throw new TypeError(`${fn}: unknown option '${k}'${hint}; options are ${known.join(", ")}`);
    }
    out[s] = v;
  }
  return out;
}

/** A Date, ISO text (UTC when it names no zone), or epoch ms → epoch ms (with any fraction); null for null. */
export function toMs(v, what) {
  if (v == null) return null;
  if (v instanceof Date) {
    const t = v.getTime();
    if (Number.isFinite(t)) return t;
  } else if (typeof v === "number" && Number.isFinite(v)) return v;
  else if (typeof v === "bigint") return Number(v);
  else if (typeof v === "string") {
    const s = v.trim();
    const zoned = /(Z|[+-]\d\d:?\d\d)$/i.test(s) || !/\d[T ]\d/.test(s);
    const t = Date.parse(zoned ? s : `${s}Z`);
    if (Number.isFinite(t)) return t;
  }
  throw new TypeError(`${what}: expected a Date, ISO date text or epoch milliseconds, got ${String(v)}`);
}

/** A column name or a list of them → a list. */
export function columnList(v, what) {
  if (v == null) return [];
  const list = Array.isArray(v) ? v : [v];
  for (const c of list) if (typeof c !== "string") throw new TypeError(`${what}: expected column names, got ${String(c)}`);
  return list;
}

export function positiveInt(v, what) {
  if (v == null) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new TypeError(`${what}: expected a positive number of pixels, got ${String(v)}`);
  return Math.round(n);
}

/** The wasm `Frame` inside a huntbook DataFrame. */
export function frameOf(df, fn) {
  const f = df && df._frame;
  if (!f || typeof f.rowsJSON !== "function") {
    throw new TypeError(`${fn}: expected a huntbook DataFrame (from a query, readTables or loadTable), got ${df === null ? "null" : typeof df}`);
  }
  return f;
}
