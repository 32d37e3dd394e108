// queryTime(): start/end inputs plus quick ranges (last hour/day/week) and a range around a reference time.
// `.value` is {start, end} (Dates); `input` fires on every change; `.queryTime` is the QueryTime it edits, which
// a QueryProvider can share: new QueryProvider("LocalData", {queryTime: widget.queryTime}).
import { el, emit, needDom } from "./dom.js";
import { QueryTime } from "../time.js";

function local(d) {
  // <input type=datetime-local> works in local time without a zone; show UTC instead (Sentinel's times are UTC).
  return d.toISOString().slice(0, 16);
}

export function queryTime({ queryTime = new QueryTime(), label = "Query time (UTC)" } = {}) {
  needDom("queryTime", "use new huntbook.QueryTime({start, end})");
  const qt = queryTime;
  const start = el("input", { type: "datetime-local", name: "start", step: 60 });
  const end = el("input", { type: "datetime-local", name: "end", step: 60 });
  const ref = el("input", { type: "datetime-local", name: "reference", step: 60 });
  const message = el("span", { class: "huntbook-error" });
  const form = el("form", { class: "huntbook-querytime" });
  const sync = () => {
    start.value = local(qt.start);
    end.value = local(qt.end);
    form.value = qt.value;
  };
  const update = (f) => {
    try {
      f();
      message.textContent = "";
      sync();
      emit(form);
    } catch (e) {
      message.textContent = e.message;
    }
  };
  // The inputs' zone-less text is read as UTC (QueryTime's rule for every time).
  start.addEventListener("change", () => update(() => qt.set({ start: start.value })));
  end.addEventListener("change", () => update(() => qt.set({ end: end.value })));
  const quick = (text, span) => el("button", { type: "button", text, name: `last-${span}`, onclick: () => update(() => qt.last(span)) });
  const around = (text, opts) =>
    el("button", { type: "button", text, onclick: () => update(() => qt.around(ref.value, opts)) });
  form.append(
    el("strong", { text: label }), " ",
    el("label", {}, "start ", start), " ", el("label", {}, "end ", end), " ",
    quick("last hour", "1h"), quick("last day", "1d"), quick("last week", "7d"), " ",
    el("label", {}, "reference ", ref), around("1 h before", { before: "1h", after: "0s" }),
    around("1 h after", { before: "0s", after: "1h" }), around("± 1 h", { before: "1h", after: "1h" }), " ",
    message,
  );
  form.addEventListener("submit", (e) => e.preventDefault());
  form.queryTime = qt;
  ref.value = local(qt.end);
  sync();
  return form;
}
