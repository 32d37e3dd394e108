// progress(task): runs `task(signal, report)` (e.g. signal => qp.execQuery(kql, {signal}), or
// (signal, report) => ti.lookupIocs(df, {column, signal, onProgress: report})) and shows the elapsed time and a
// Cancel button while it runs; a task that calls `report(done, total)` also shows a bar and "done / total".
// `.value` is the task's promise; `input` fires when it settles.
import { el, emit, needDom } from "./dom.js";

export function progress(task, { label = "Running query" } = {}) {
  needDom("progress", "await the task itself (it gets no Cancel button)");
  const controller = new AbortController();
  const time = el("span", { class: "huntbook-elapsed", text: "0.0 s" });
  const cancel = el("button", { type: "button", name: "cancel", text: "Cancel", onclick: () => controller.abort() });
  const bar = el("progress", { class: "huntbook-progress-bar", max: 1, value: 0, hidden: true });
  const count = el("span", { class: "huntbook-count" });
  const root = el("div", { class: "huntbook-progress" }, el("span", { text: `${label}… ` }), time, " ", bar, count, " ", cancel);
  const report = (done, total) => {
    const d = Number(done), t = Number(total);
    if (!Number.isFinite(d) || !Number.isFinite(t) || t < 0) return;
    bar.hidden = false;
    bar.max = Math.max(t, 1);
    bar.value = Math.min(Math.max(d, 0), t);
    count.textContent = ` ${Math.min(Math.max(d, 0), t)} / ${t}`;
    root.dataset.done = String(d);
    root.dataset.total = String(t);
  };
  const started = performance.now();
  const timer = setInterval(() => (time.textContent = `${((performance.now() - started) / 1000).toFixed(1)} s`), 100);
  root.value = Promise.resolve().then(() => task(controller.signal, report));
  root.value.then(
    () => { root.dataset.state = "done"; },
    (e) => { root.dataset.state = controller.signal.aborted ? "cancelled" : "error"; root.append(el("div", { class: "huntbook-error", text: e.message })); },
  ).finally(() => {
    clearInterval(timer);
    cancel.disabled = true;
    time.textContent = `${((performance.now() - started) / 1000).toFixed(1)} s`;
    emit(root);
  });
  return root;
}
