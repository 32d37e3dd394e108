// The host half of the visualisation options: the options objects go to wasm as they are (names and values are
// read in Rust by src/options.rs and the option structs of src/vis); only what the JSON bridge cannot carry is
// converted here.

/**
 * `v` with every `Date` (at any depth of plain objects and lists) as its epoch milliseconds, the one host value the
 * JSON bridge cannot carry. TODO(lead): drop once `src/wasm/mod.rs` `json_of` reads Dates itself.
 */
export function plain(v, depth = 0) {
  if (v instanceof Date) return v.getTime();
  if (depth > 4 || v == null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map((x) => plain(x, depth + 1));
  if (Object.getPrototypeOf(v) !== Object.prototype && Object.getPrototypeOf(v) !== null) return v;
  const out = {};
  for (const [k, x] of Object.entries(v)) out[k] = plain(x, depth + 1);
  return out;
}

/** The wasm `Frame` inside a huntbook DataFrame. */
export function frameOf(df, fn) {
  const f = df && df._frame;
  if (!f || typeof f.rowsJSON !== "function") {
    throw new TypeError(`${fn}: expected a huntbook DataFrame (from a query, readTables or loadTable), got ${df === null ? "null" : typeof df}`);
  }
  return f;
}
