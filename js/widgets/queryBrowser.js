// queryBrowser(qp): a filterable list of the provider's queries (by text, tactic and technique); the selected one's help text, template and an
// example call. `.value` is the selected query's name; `input` fires when it changes.
import { el, emit, needDom } from "./dom.js";

export function queryBrowser(qp, { filter = "", rows = 12 } = {}) {
  needDom("queryBrowser", "use qp.listQueries(filter) and qp.queryHelp(name)");
  const search = el("input", { type: "search", placeholder: "filter queries", value: filter, name: "filter" });
  const list = el("select", { size: rows, name: "queries", style: "min-width: 24em" });
  // Tactic and technique filters (imported Sentinel queries carry them; see qp.importSentinelQueries).
  const tactic = el("select", { name: "tactic" });
  const technique = el("select", { name: "technique" });
  // Shown only when some listed query has tactics/techniques (the built-in ones have none).
  const choices = (select, label, values) => {
    const keep = select.value;
    const options = [...values].sort().map((v) => el("option", { value: v, text: v }));
    select.replaceChildren(...(options.length ? [el("option", { value: "", text: label }), ...options] : []));
    select.value = values.has(keep) ? keep : "";
    select.hidden = !options.length;
  };
  const help = el("pre", { class: "huntbook-help" });
  const example = el("pre", { class: "huntbook-example" });
  const root = el("div", { class: "huntbook-querybrowser" },
    el("div", {}, search, el("span", { class: "huntbook-count" })),
    el("div", { style: "display: flex; gap: 1em; align-items: flex-start" }, list, el("div", {}, help, example)),
    el("div", { class: "huntbook-filters" }, tactic, technique));
  root.value = null;
  const show = (name) => {
    root.value = name;
    help.textContent = name ? qp.queryHelp(name) : "";
    if (name) {
      const info = qp.queryInfo(name).find((q) => q.qualifiedName === name);
      const required = (info?.params ?? []).filter((p) => p.required && p.name !== "start" && p.name !== "end");
      const args = required.map((p) => `${p.name}: ${p.type === "list" ? '["…"]' : '"…"'}`).join(", ");
      example.textContent = `await qp.${name}(${args ? `{${args}}` : ""})`;
    } else example.textContent = "";
    emit(root);
  };
  const fill = () => {
    const infos = qp.queryInfo(search.value);
    const meta = (i, key) => i.sentinel?.[key] ?? [];
    choices(tactic, "any tactic", new Set(infos.flatMap((i) => meta(i, "tactics"))));
    choices(technique, "any technique", new Set(infos.flatMap((i) => meta(i, "relevantTechniques"))));
    const names = infos
      .filter((i) => !tactic.value || meta(i, "tactics").includes(tactic.value))
      .filter((i) => !technique.value || meta(i, "relevantTechniques").some((t) => t === technique.value || t.startsWith(`${technique.value}.`)))
      .map((i) => i.qualifiedName);
    list.replaceChildren(...names.map((n) => el("option", { value: n, text: n })));
    root.querySelector(".huntbook-count").textContent = ` ${names.length} queries`;
    if (names.length) {
      list.value = names.includes(root.value) ? root.value : names[0];
      show(list.value);
    } else show(null);
  };
  search.addEventListener("input", (e) => { e.stopPropagation(); fill(); });
  for (const f of [tactic, technique]) {
    f.addEventListener("change", (e) => { e.stopPropagation(); fill(); });
    f.addEventListener("input", (e) => e.stopPropagation());
  }
  list.addEventListener("change", (e) => { e.stopPropagation(); show(list.value); });
  list.addEventListener("input", (e) => e.stopPropagation());
  fill();
  return root;
}
