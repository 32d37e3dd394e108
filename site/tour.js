// The Tour page: each cell shows its code, runs it, and shows the output (or the error) below.
// The one import of the library:
import * as huntbook from "/huntbook/index.js";

const cellsEl = document.getElementById("cells");
const state = {};

function cell(id, title, code, run) {
  const section = document.createElement("section");
  section.className = "cell";
  section.id = `cell-${id}`;
  section.dataset.state = "pending";
  const h = document.createElement("h2");
  h.textContent = title;
  const pre = document.createElement("pre");
  pre.className = "code";
  pre.textContent = code.trim();
  const out = document.createElement("div");
  out.className = "output";
  section.append(h, pre, out);
  cellsEl.append(section);
  return async () => {
    try {
      const result = await run();
      if (result instanceof Node) out.append(result);
      else if (result !== undefined) {
        const p = document.createElement("pre");
        p.textContent = typeof result === "string" ? result : JSON.stringify(result, null, 2);
        out.append(p);
      }
      section.dataset.state = "done";
    } catch (e) {
      const p = document.createElement("div");
      p.className = "error";
      p.textContent = String(e && e.message ? e.message : e);
      out.append(p);
      section.dataset.state = "error";
    }
  };
}

function list(items, className) {
  const ul = document.createElement("ul");
  ul.className = className;
  for (const i of items) {
    const li = document.createElement("li");
    li.textContent = i;
    ul.append(li);
  }
  return ul;
}

const cells = [
  cell("init", "Load huntbook", `
import * as huntbook from "huntbook";
await huntbook.init();
huntbook.version()`, async () => {
    await huntbook.init();
    return `huntbook ${huntbook.version()} loaded`;
  }),
  cell("source", "Data source: demo data", `
const qp = huntbook.loadDemo();   // embedded demo workspace, shifted so the newest event is now`, async () => {
    state.qp = huntbook.loadDemo();
    return `Demo data: ${state.qp.tables.length} tables`;
  }),
  cell("tables", "List tables", `qp.tables`, async () => list(state.qp.tables, "tables")),
  cell("schema", "Schema of SigninLogs", `qp.schema("SigninLogs")`, async () => {
    const schema = state.qp.schema("SigninLogs");
    return huntbook.readTables(JSON.stringify(schema), { name: "SigninLogs schema" }).tables[0].toElement({ maxRows: 200 });
  }),
  cell("signins", "First rows of SigninLogs", `qp.table("SigninLogs").head(10)`, async () => {
    state.signins = state.qp.table("SigninLogs").sort("TimeGenerated", { descending: true });
    return state.signins.head(10).toElement();
  }),
  cell("ipcounts", "Sign-ins per IP address", `signins.valueCounts("IPAddress")`, async () => {
    return state.signins.valueCounts("IPAddress").toElement({ maxRows: 15 });
  }),
];

for (const run of cells) await run();
document.body.dataset.tour = "done";
