// pivotBrowser(pivot, {entity, search}): msticpy's PivotBrowser as a DOM widget.
//
// Left: the entities that have pivot functions (with how many); middle: the selected entity's functions, or — with
// text in the search box — the functions of every entity whose name, other names or description contain it; right:
// the selected function's help (description, kind, parameters with type/required/default, the KQL template of the
// query it runs or the enrichment it calls) and an example call with a Copy button. Everything comes from
// `pivot.functions()` (or an array of the same objects) and is set with textContent: nothing is parsed as HTML.
// `.value` is the selected function's fullName; `input` fires when it changes.
import { doc, el, emit, needDom } from "./dom.js";
import { ensureStyle } from "../html.js";

const CSS = `
.huntbook-pivot { font: 12px/1.4 system-ui, sans-serif; display: flex; flex-direction: column; gap: 6px; }
.huntbook-pivot-lists { display: flex; gap: 10px; align-items: flex-start; }
.huntbook-pivot-lists select { font: inherit; min-height: 16em; }
.huntbook-pivot-help { flex: 1; min-width: 0; }
.huntbook-pivot-help h3 { margin: 0 0 4px; font-size: 1.1em; word-break: break-all; }
.huntbook-pivot-help table { border-collapse: collapse; margin: 4px 0; }
.huntbook-pivot-help th, .huntbook-pivot-help td { border-bottom: 1px solid #ddd; padding: 1px 6px; text-align: left; vertical-align: top; }
.huntbook-pivot pre { white-space: pre-wrap; word-break: break-all; background: #f6f6f8; padding: 3px 5px; margin: 2px 0;
  max-height: 18em; overflow: auto; user-select: text; }
.huntbook-pivot-kind { font-size: .85em; text-transform: uppercase; color: #555; }
`;

/** The function list: `pivot.functions()` or an array of the same objects. */
function listOf(pivot) {
  const list = Array.isArray(pivot) ? pivot : typeof pivot?.functions === "function" ? pivot.functions() : null;
  if (!Array.isArray(list)) {
    throw new TypeError("pivotBrowser(pivot): give a huntbook.Pivot (new huntbook.Pivot({queryProvider: qp})) or the array of pivot.functions()");
  }
  return list.filter((f) => f && typeof f.fullName === "string" && typeof f.entity === "string");
}

const text = (v) => (v === undefined || v === null ? "" : typeof v === "string" ? v : JSON.stringify(v));

/** A sample input for an entity's example call. */
const SAMPLES = {
  IpAddress: '"24.16.133.227"', Dns: '"www.microsoft.com"', Url: '"http://85.214.149.236:443/sugarcrm/themes/default/images/"',
  Host: '"WKS-FIN-07.contoso.com"', Account: '"CONTOSO\\\\mjones"', File: '"C:\\\\Windows\\\\System32\\\\cmd.exe"',
  Process: '"powershell.exe -nop -w hidden -EncodedCommand …"',
};

/** `f.example`, else a call with a sample value (and the time range for a query). */
export function exampleCall(f) {
  if (typeof f.example === "string" && f.example.trim()) return f.example;
  const arg = SAMPLES[f.entity] ?? '"…"';
  return `await ${f.fullName}(${arg}${f.kind === "query" ? ", { start, end }" : ""})`;
}

/** The function's other full names: its other names in the container, and its name directly on the entity. */
function otherNames(f) {
  const names = (Array.isArray(f.names) ? f.names : []).filter(Boolean)
    .map((n) => (f.container ? `${f.entity}.${f.container}.${n}` : `${f.entity}.${n}`));
  if (f.direct) names.push(`${f.entity}.${f.direct}`);
  return [...new Set(names)].filter((n) => n !== f.fullName);
}

function matches(f, q) {
  const hay = [f.fullName, ...otherNames(f), f.description, f.query, f.kind]
    .map(text).join("\n").toLowerCase();
  return q.split(/\s+/).filter(Boolean).every((w) => hay.includes(w));
}

function paramsTable(params) {
  if (!Array.isArray(params) || !params.length) return el("p", { class: "huntbook-pivot-noparams", text: "No parameters." });
  const head = el("tr", {}, ["name", "type", "required", "default", "description"].map((h) => el("th", { text: h })));
  const rows = params.map((p) => el("tr", {},
    el("td", { text: text(p.name) }), el("td", { text: text(p.type) }), el("td", { text: p.required ? "yes" : "" }),
    el("td", { text: text(p.default) }), el("td", { text: text(p.description) })));
  return el("table", { class: "huntbook-pivot-params" }, el("thead", {}, head), el("tbody", {}, rows));
}

function help(f, copy) {
  if (!f) return [el("p", { text: "No function selected." })];
  const out = [
    el("h3", { text: f.fullName }),
    el("div", { class: "huntbook-pivot-kind", text: [f.kind, f.list ? "list input" : ""].filter(Boolean).join(" · ") }),
    el("p", { class: "huntbook-pivot-description", text: text(f.description) }),
  ];
  const other = otherNames(f);
  if (other.length) out.push(el("p", { class: "huntbook-pivot-names", text: `Also: ${other.join(", ")}` }));
  if (f.inputParam || f.attribute) {
    out.push(el("p", { class: "huntbook-pivot-input", text: `Input: ${f.entity}.${f.attribute ?? "?"} → ${f.inputParam ?? "value"}` }));
  }
  out.push(el("h4", { text: "Parameters" }), paramsTable(f.params));
  if (f.kind === "query") {
    out.push(el("h4", { text: `Query: ${text(f.query)}` }), el("pre", { class: "huntbook-pivot-template", text: text(f.template) }));
  } else if (f.query || f.template) {
    out.push(el("h4", { text: `Calls: ${text(f.query)}` }));
    if (f.template) out.push(el("pre", { class: "huntbook-pivot-template", text: text(f.template) }));
  }
  out.push(el("h4", { text: "Example" }),
    el("div", { class: "huntbook-pivot-example-row" }, el("pre", { class: "huntbook-pivot-example", text: exampleCall(f) }), copy));
  return out;
}

/**
 * msticpy's pivot browser. `pivot`: a `huntbook.Pivot` or the array of its `functions()`. Options: `entity` (the
 * entity selected first, default the first), `search` (initial search text), `rows` (list height, default 16).
 */
export function pivotBrowser(pivot, { entity, search = "", rows = 16 } = {}) {
  needDom("pivotBrowser", "use pivot.functions() (name, entity, description of each)");
  const all = listOf(pivot);
  ensureStyle(doc(), "huntbook-pivot-style", CSS);
  const byEntity = new Map();
  for (const f of all) {
    if (!byEntity.has(f.entity)) byEntity.set(f.entity, []);
    byEntity.get(f.entity).push(f);
  }
  if (entity !== undefined && !byEntity.has(String(entity))) {
    throw new TypeError(`pivotBrowser: no pivot functions for entity '${entity}'; entities with functions: ${[...byEntity.keys()].join(", ")}`);
  }
  const searchBox = el("input", { type: "search", name: "search", placeholder: "search all functions", value: search, size: 32 });
  const entities = el("select", { size: rows, name: "entities" },
    [...byEntity].map(([name, fs]) => el("option", { value: name, text: `${name} (${fs.length})` })));
  const funcs = el("select", { size: rows, name: "functions", style: "min-width: 22em" });
  const count = el("span", { class: "huntbook-count" });
  const status = el("span", { class: "huntbook-pivot-copied", role: "status" });
  const copy = el("button", { type: "button", name: "copy", text: "Copy" });
  const helpBox = el("div", { class: "huntbook-pivot-help" });
  const root = el("div", { class: "huntbook-pivot" },
    el("div", {}, searchBox, count),
    el("div", { class: "huntbook-pivot-lists" }, entities, funcs, helpBox));
  root.value = null;
  entities.value = entity !== undefined ? String(entity) : (byEntity.keys().next().value ?? "");

  let shown = [];
  const show = (fullName) => {
    const f = shown.find((x) => x.fullName === fullName) ?? null;
    if (f) {
      funcs.value = f.fullName;
      if (entities.value !== f.entity) entities.value = f.entity;
    }
    status.textContent = "";
    helpBox.replaceChildren(...help(f, el("span", {}, copy, " ", status)));
    root.value = f ? f.fullName : null;
    emit(root);
  };
  const fill = () => {
    const q = searchBox.value.trim().toLowerCase();
    shown = q ? all.filter((f) => matches(f, q)) : (byEntity.get(entities.value) ?? []);
    funcs.replaceChildren(...shown.map((f) => el("option", { value: f.fullName, text: q ? f.fullName : f.fullName.slice(f.entity.length + 1) })));
    count.textContent = q ? ` ${shown.length} of ${all.length} functions match` : ` ${shown.length} functions of ${entities.value}`;
    show(shown.some((f) => f.fullName === root.value) ? root.value : shown[0]?.fullName);
  };
  copy.addEventListener("click", async () => {
    const code = root.querySelector(".huntbook-pivot-example")?.textContent ?? "";
    try {
      if (!globalThis.navigator?.clipboard?.writeText) throw new Error("no clipboard here: select the text and copy it");
      await navigator.clipboard.writeText(code);
      status.textContent = "copied";
    } catch (e) {
      const sel = globalThis.getSelection?.();
      const pre = root.querySelector(".huntbook-pivot-example");
      if (sel && pre) sel.selectAllChildren(pre);
      status.textContent = `not copied (${e.message}): the example is selected`;
    }
  });
  searchBox.addEventListener("input", (e) => { e.stopPropagation(); fill(); });
  entities.addEventListener("change", (e) => {
    e.stopPropagation();
    if (searchBox.value.trim()) searchBox.value = "";
    fill();
  });
  funcs.addEventListener("change", (e) => { e.stopPropagation(); show(funcs.value); });
  for (const s of [entities, funcs]) s.addEventListener("input", (e) => e.stopPropagation());
  fill();
  return root;
}
