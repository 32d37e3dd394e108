// dataSource(): choose "Microsoft Sentinel" or "Demo data"; demo is chosen by itself after `timeout` ms (the Tour
// waits 15 s). `.value` is null until chosen, then "sentinel" or "demo"; `input` fires on the choice;
// `.chosen` is a promise of it.
import { el, emit, needDom } from "./dom.js";

export function dataSource({ timeout = 15000, label = "Data source" } = {}) {
  needDom("dataSource", `use huntbook.loadDemo() or new huntbook.QueryProvider("MSSentinel", {...}) directly`);
  let resolve;
  const form = el("form", { class: "huntbook-datasource" });
  form.value = null;
  form.chosen = new Promise((r) => (resolve = r));
  const status = el("span", { class: "huntbook-countdown" });
  const choose = (v) => {
    if (form.value) return;
    form.value = v;
    clearInterval(timer);
    status.textContent = v === "demo" ? "Using demo data" : "Using Microsoft Sentinel";
    for (const b of form.querySelectorAll("button")) b.disabled = true;
    emit(form);
    resolve(v);
  };
  const started = Date.now();
  const timer = setInterval(() => {
    const left = Math.max(0, Math.ceil((timeout - (Date.now() - started)) / 1000));
    status.textContent = `Demo data in ${left} s`;
    if (Date.now() - started >= timeout) choose("demo");
  }, 250);
  status.textContent = `Demo data in ${Math.ceil(timeout / 1000)} s`;
  form.append(
    el("strong", { text: `${label}: ` }),
    el("button", { type: "button", name: "sentinel", text: "Microsoft Sentinel", onclick: () => choose("sentinel") }),
    " ",
    el("button", { type: "button", name: "demo", text: "Demo data", onclick: () => choose("demo") }),
    " ",
    status,
  );
  form.addEventListener("submit", (e) => e.preventDefault());
  return form;
}
