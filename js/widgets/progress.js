// progress(task): runs `task(signal)` (e.g. signal => qp.execQuery(kql, {signal})) and shows the elapsed time and
// a Cancel button while it runs. `.value` is the task's promise; `input` fires when it settles.
import { el, emit } from "./dom.js";

export function progress(task, { label = "Running query" } = {}) {
  const controller = new AbortController();
  const time = el("span", { class: "huntbook-elapsed", text: "0.0 s" });
  const cancel = el("button", { type: "button", name: "cancel", text: "Cancel", onclick: () => controller.abort() });
  const root = el("div", { class: "huntbook-progress" }, el("span", { text: `${label}… ` }), time, " ", cancel);
  const started = performance.now();
  const timer = setInterval(() => (time.textContent = `${((performance.now() - started) / 1000).toFixed(1)} s`), 100);
  root.value = Promise.resolve().then(() => task(controller.signal));
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
