// The host half of the visualisation options: the options objects go to wasm as they are (names and values are
// read in Rust by src/options.rs and the option structs of src/vis; `Date`s cross as epoch ms in src/wasm json_of).
// Only a huntbook DataFrame, which the JSON bridge cannot carry, is unwrapped here.

/** The wasm `Frame` inside a huntbook DataFrame. */
export function frameOf(df, fn) {
  const f = df && df._frame;
  if (!f || typeof f.rowsJSON !== "function") {
    throw new TypeError(`${fn}: expected a huntbook DataFrame (from a query, readTables or loadTable), got ${df === null ? "null" : typeof df}`);
  }
  return f;
}
