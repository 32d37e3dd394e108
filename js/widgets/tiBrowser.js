// browseResults(results, {severities}): msticpy's TI results browser as a DOM widget.
//
// Left: the IoCs whose results include one of `severities` (default msticpy's ["warning", "high"]), each with its
// highest severity; checkboxes change the filter. Right: for the selected IoC, one block per provider: severity,
// status, the provider's Details, a link to its Reference (http/https only) and the raw answer as JSON in a
// collapsed <details>. Results are attacker-influenced (provider answers, IoCs from logs): every text is set with
// textContent, nothing is parsed as HTML. `.value` is the selected IoC's rows; `input` fires when it changes.
import { DataFrame } from "../frame.js";
import { doc, el, emit, needDom } from "./dom.js";
import { ensureStyle } from "../html.js";

const SEVERITIES = ["unknown", "information", "warning", "high"];
const RANK = Object.fromEntries(SEVERITIES.map((s, i) => [s, i]));

const CSS = `
.huntbook-ti { display: flex; gap: 12px; font: 12px/1.4 system-ui, sans-serif; align-items: flex-start; }
.huntbook-ti-list { display: flex; flex-direction: column; gap: 4px; min-width: 18em; }
.huntbook-ti-list select { min-height: 12em; font: inherit; }
.huntbook-ti-detail { flex: 1; min-width: 0; }
.huntbook-ti-provider { border-left: 3px solid #bbb; padding: 2px 8px; margin: 0 0 8px; }
.huntbook-ti-provider[data-severity="high"] { border-color: #c33; }
.huntbook-ti-provider[data-severity="warning"] { border-color: #e90; }
.huntbook-ti-provider[data-severity="information"] { border-color: #4a8; }
.huntbook-ti-provider h4 { margin: 0; font-size: 1em; }
.huntbook-ti pre { white-space: pre-wrap; word-break: break-all; margin: 2px 0; max-height: 20em; overflow: auto;
  background: #f6f6f8; padding: 2px 4px; }
.huntbook-ti-severity { font-weight: 600; text-transform: uppercase; font-size: .85em; }
`;

function json(v) {
  if (typeof v !== "string") return v ?? null;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

function pretty(v) {
  const x = json(v);
  return typeof x === "string" ? x : JSON.stringify(x, null, 2);
}

/** Rows of a TI result table (a huntbook DataFrame from TILookup, or an array of row objects). */
function rowsOf(results) {
  if (results instanceof DataFrame) return results.toRows();
  if (Array.isArray(results)) return results;
  throw new TypeError("browseResults(results): results must be the DataFrame of TILookup.lookupIoc/lookupIocs");
}

/** The IoCs with their rows and highest severity, in order of first appearance. */
function byIoc(rows) {
  const map = new Map();
  for (const r of rows) {
    const key = String(r.Ioc ?? "");
    let e = map.get(key);
    if (!e) map.set(key, (e = { ioc: key, type: String(r.IocType ?? ""), rows: [], top: "unknown" }));
    e.rows.push(r);
    const s = String(r.Severity ?? "unknown");
    if ((RANK[s] ?? 0) > RANK[e.top]) e.top = s;
  }
  return [...map.values()];
}

function providerBlock(r) {
  const sev = String(r.Severity ?? "unknown");
  const block = el("div", { class: "huntbook-ti-provider" });
  block.dataset.severity = sev;
  block.append(
    el("h4", {}, el("span", { text: String(r.Provider ?? "") }), " ",
      el("span", { class: "huntbook-ti-severity", text: sev }), " ",
      el("span", { class: "huntbook-ti-status", text: `(${r.Status ?? ""})` })),
    el("pre", { class: "huntbook-ti-details", text: pretty(r.Details) }),
  );
  const ref = String(r.Reference ?? "");
  if (ref) {
    let safe = null;
    try {
      const u = new URL(ref);
      if (u.protocol === "https:" || u.protocol === "http:") safe = u.href;
    } catch {
      // not a URL: shown as text only
    }
    block.append(safe
      ? el("a", { class: "huntbook-ti-reference", href: safe, target: "_blank", rel: "noopener noreferrer", text: ref })
      : el("div", { class: "huntbook-ti-reference", text: ref }));
  }
  const raw = json(r.RawResult);
  if (raw != null) {
    block.append(el("details", { class: "huntbook-ti-raw" }, el("summary", { text: "Raw result" }),
      el("pre", { text: pretty(r.RawResult) })));
  }
  return block;
}

/**
 * msticpy's `browse_results`: the IoCs of a TI result table whose results include one of `severities`
 * (default ["warning", "high"]; pass all four to see every result), and for the one selected, each provider's
 * severity, details, reference and raw answer.
 */
export function browseResults(results, { severities = ["warning", "high"] } = {}) {
  needDom("browseResults", "use huntbook.display(results) or results.toHTML()");
  const wanted = new Set([severities].flat().map((s) => String(s).toLowerCase()));
  for (const s of wanted) {
    if (!(s in RANK)) throw new Error(`browseResults: unknown severity '${s}' (use ${SEVERITIES.join(", ")})`);
  }
  const iocs = byIoc(rowsOf(results));
  ensureStyle(doc(), "huntbook-ti-style", CSS);
  const select = el("select", { size: 12, name: "ioc" });
  const detail = el("div", { class: "huntbook-ti-detail" });
  const count = el("div", { class: "huntbook-ti-count" });
  const boxes = SEVERITIES.map((s) => {
    const box = el("input", { type: "checkbox", name: s, checked: wanted.has(s), onchange: () => refill() });
    return el("label", {}, box, ` ${s}`);
  });
  const root = el("div", { class: "huntbook-ti" },
    el("div", { class: "huntbook-ti-list" }, el("div", { class: "huntbook-ti-filter" }, boxes), count, select), detail);
  root.value = [];

  function show() {
    const e = iocs.find((x) => x.ioc === select.value);
    detail.replaceChildren(...(e ? [el("h3", { text: `${e.ioc} [${e.type}]` }), ...e.rows.map(providerBlock)] : []));
    root.value = e ? e.rows : [];
    emit(root);
  }

  function refill() {
    const on = new Set(boxes.map((l) => l.firstChild).filter((b) => b.checked).map((b) => b.name));
    const shown = iocs.filter((e) => e.rows.some((r) => on.has(String(r.Severity ?? "unknown"))));
    const keep = select.value;
    select.replaceChildren(...shown.map((e) =>
      el("option", { value: e.ioc, text: `${e.ioc}  [${e.type}]  ${e.top}` })));
    count.textContent = `${shown.length} of ${iocs.length} IoCs`;
    select.value = shown.some((e) => e.ioc === keep) ? keep : (shown[0]?.ioc ?? "");
    show();
  }

  select.addEventListener("change", show);
  refill();
  return root;
}
