// The Worker half of `huntbook.worker()` (js/workerClient.js is the page half): this module runs in a module Web
// Worker, loads huntbook itself (index.js beside it) and answers the page's requests. Tables stay here, in this
// Worker's wasm memory, under numeric ids; the page holds handles carrying the id and what the table is (name,
// shape, columns, schema, notes, error). Only what the page asks for crosses: Arrow IPC bytes (transferred, not
// copied), rows, or the table's escaped HTML (a few rows).
//
// Protocol: page → `{id, op, args}`; Worker → `{id, value}` or `{id, error: {name, message}}` (transfer lists for
// bytes). A table given as an argument is `{[TABLE]: id}` at any depth of the arguments (e.g. `ref_events`).
//
// Nothing here logs or stores a token or key: the Worker runs local work only (no queries to a service). A Log
// Analytics / Data Explorer answer reaches it as bytes (`readTables(bytes, {format, status})`), fetched on the page
// by `qp.execQuery(kql, {worker})`, which keeps the token there.

import * as hb from "./index.js";

const TABLE = "__huntbookTable";
const objects = new Map(); // id → DataFrame | LocalData | TimelineModel
let nextId = 1;

function keep(obj) {
  const id = nextId++;
  objects.set(id, obj);
  return id;
}

function get(id, what = "object") {
  const obj = objects.get(id);
  if (!obj) throw new Error(`this ${what} is no longer in huntbook's worker (it was freed)`);
  return obj;
}

/** What the page's handle of DataFrame `df` carries. */
function tableInfo(df) {
  return {
    id: keep(df), name: df.name, shape: df.shape, columns: df.columns, schema: df.schema, notes: df.notes, error: df.error,
  };
}

/** The arguments with every `{[TABLE]: id}` replaced by its DataFrame (at any depth of plain objects and arrays). */
function revive(x) {
  if (Array.isArray(x)) return x.map(revive);
  if (x && typeof x === "object" && Object.getPrototypeOf(x) === Object.prototype) {
    if (TABLE in x) return get(x[TABLE], "table");
    const out = {};
    for (const [k, v] of Object.entries(x)) out[k] = revive(v);
    return out;
  }
  return x;
}

// DataFrame verbs that return a DataFrame: the page's handle has the same methods.
const VERBS = new Set(["head", "slice", "select", "filter", "isin", "valueCounts", "rename", "withColumn", "addTime", "sort",
  "dynamicPath", "shiftToNow"]);

/** Copies of `pixels` (a view of wasm memory) that the page can own. */
function ownedRender(r) {
  const pixels = new Uint8ClampedArray(r.pixels);
  return [{ ...r, pixels }, [pixels.buffer]];
}

const ops = {
  async init(options) {
    await hb.init(options);
    return hb.version();
  },
  localData() {
    return { id: keep(new hb.LocalData()), tables: [] };
  },
  async loadDemo(options) {
    const data = await hb.loadDemo(options);
    return { id: keep(data), tables: data.tables };
  },
  dataTable(id, name) {
    return tableInfo(get(id, "LocalData").table(name));
  },
  dataSchema(id, name) {
    return get(id, "LocalData").schema(name); // a demo table is not read for it
  },
  dataTables(id) {
    return get(id, "LocalData").tables;
  },
  query(id, kql, options) {
    return tableInfo(get(id, "LocalData").query(kql, options));
  },
  addTable(id, name, df) {
    get(id, "LocalData").addTable(name, df);
    return get(id, "LocalData").tables;
  },
  async loadTable(source, options) {
    return tableInfo(await hb.loadTable(source, options));
  },
  readTables(data, options) {
    const { tables, error } = hb.readTables(data, options);
    return { tables: tables.map(tableInfo), error };
  },
  verb(df, name, args) {
    if (!VERBS.has(name)) throw new TypeError(`${name} is not a DataFrame verb`);
    return tableInfo(df[name](...args));
  },
  groupCount(df, by) {
    return tableInfo(df.groupBy(by).count());
  },
  toRows(df, offset, length) {
    return df.toRows(offset, length);
  },
  toArrowIPC(df, options) {
    const bytes = df.toArrowIPC(options);
    return [bytes, [bytes.buffer]];
  },
  toHTML(df, options) {
    return df.toHTML(options);
  },
  extractIocsTable(df, columns, options) {
    return tableInfo(hb.extractIocsTable(df, columns, options));
  },
  unpackTable(df, column, options) {
    return tableInfo(hb.unpackTable(df, column, options));
  },
  extractIocs(text, options) {
    return hb.extractIocs(text, options);
  },
  unpack(text, options) {
    const u = hb.unpack(text, options);
    return { ...u, table: tableInfo(u.table) };
  },
  timelineModel(df, options, kind) {
    const model = new hb.TimelineModel(df, options, kind, "timelineModel");
    return { id: keep(model), layout: model.layout };
  },
  render(id, startMs, endMs, width, height) {
    return ownedRender(get(id, "timeline model").render(startMs, endMs, width, height));
  },
  renderOverview(id, width, height) {
    return ownedRender(get(id, "timeline model").renderOverview(width, height));
  },
  free(id) {
    const obj = objects.get(id);
    objects.delete(id);
    obj?.free?.();
  },
};

self.onmessage = async ({ data: { id, op, args } }) => {
  try {
    if (!Object.hasOwn(ops, op)) throw new Error(`huntbook's worker has no call '${op}'`);
    let value = await ops[op](...revive(args));
    let transfer = [];
    if (op === "toArrowIPC" || op === "render" || op === "renderOverview") [value, transfer] = value;
    self.postMessage({ id, value }, transfer);
  } catch (e) {
    const error = e instanceof Error || (e && typeof e === "object")
      ? { name: String(e.name ?? "Error"), message: String(e.message ?? e) }
      : { name: "Error", message: String(e) };
    self.postMessage({ id, error });
  }
};
