// The Tour page: each cell shows its code, runs it, and shows the output (or the error) below.
// The one import of the library:
import * as huntbook from "/huntbook/index.js";
import { visCells } from "./tour-vis.js";
import { analysisCells } from "./tour-analysis.js";
import { enrichCells } from "./tour-enrich.js";
import { pivotCells } from "./tour-pivot.js";
import { appendixCells } from "./tour-appendix.js";

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
  cell("source", "Choose the data source", `
viewof source = huntbook.dataSource({ timeout: 15000 })   // "Demo data" by itself after 15 s`, async () => {
    const picker = huntbook.dataSource({ timeout: 15000 });
    const holder = document.createElement("div");
    holder.append(picker);
    document.getElementById("cell-source").querySelector(".output").append(holder);
    state.source = await picker.chosen;
    if (state.source === "sentinel") state.qp = await connectSentinel(holder);
    else {
      await huntbook.loadDemo(); // fetches the demo workspace file beside the wasm
      state.qp = new huntbook.QueryProvider("LocalData", { queryTime: new huntbook.QueryTime({ start: "-5d" }) });
    }
    return `${state.qp.environment}: ${state.source === "demo" ? "the demo workspace, shifted so its newest event is now" : "connected"}`;
  }),
  cell("tables", "List tables", `await qp.schemaTables()`, async () => list(await state.qp.schemaTables(), "tables")),
  cell("schema", "Schema of SigninLogs", `await qp.schema("SigninLogs")`, async () => {
    const schema = await state.qp.schema("SigninLogs");
    return huntbook.readTables(JSON.stringify(schema), { name: "SigninLogs schema" }).tables[0].toElement({ maxRows: 200 });
  }),
  cell("browser", "Browse the built-in queries", `viewof query = huntbook.queryBrowser(qp)`, async () =>
    huntbook.queryBrowser(state.qp, { filter: "signins" })),
  cell("querytime", "Query time range", `viewof range = huntbook.queryTime({ queryTime: qp.queryTime })`, async () =>
    huntbook.queryTime({ queryTime: state.qp.queryTime })),
  cell("signins-geo", "Sign-ins with their locations", `(await qp.Azure.list_all_signins_geo()).head(10)`, async () => {
    state.geo = await state.qp.Azure.list_all_signins_geo();
    return state.geo.select(["TimeGenerated", "UserPrincipalName", "IPAddress", "Result", "Latitude", "Longitude", "AppDisplayName"]).head(10).toElement();
  }),
  cell("alerts", "Alerts by name", `
await qp.SecurityAlert.list_alerts({ add_query_items: "| summarize NumAlerts=count() by AlertName" })`, async () => {
    const df = await state.qp.SecurityAlert.list_alerts({ add_query_items: "| summarize NumAlerts=count() by AlertName" });
    return df.sort("NumAlerts", { descending: true }).toElement();
  }),
  cell("kql", "Your own KQL", `await qp.execQuery("OfficeActivity | where TimeGenerated > ago(1d) | take 5")`, async () => {
    const df = await state.qp.execQuery("OfficeActivity | where TimeGenerated > ago(1d) | take 5");
    return df.select(["TimeGenerated", "UserId", "Operation", "ClientIP", "OfficeWorkload"]).toElement();
  }),
  cell("signins", "Latest rows of SigninLogs", `(await qp.execQuery("SigninLogs | sort by TimeGenerated desc | take 10"))`, async () => {
    state.signins = await state.qp.execQuery("SigninLogs | sort by TimeGenerated desc");
    return state.signins.head(10).toElement();
  }),
  cell("ipcounts", "Sign-ins per IP address", `signins.valueCounts("IPAddress")`, async () => {
    return state.signins.valueCounts("IPAddress").toElement({ maxRows: 15 });
  }),
  ...visCells({ cell, state, huntbook }),
  ...analysisCells({ cell, state, huntbook }),
  ...enrichCells({ cell, state, huntbook }),
  ...pivotCells({ cell, state, huntbook }),
  ...appendixCells({ cell, state, huntbook }),
];

/** A small form to connect to a Microsoft Sentinel workspace with a token you paste (nothing is stored). */
function connectSentinel(holder) {
  return new Promise((resolve) => {
    const form = document.createElement("form");
    const field = (name, label, type = "text") => {
      const l = document.createElement("label");
      l.textContent = `${label} `;
      const i = document.createElement("input");
      i.name = name;
      i.type = type;
      i.size = 40;
      l.append(i);
      form.append(l, document.createElement("br"));
      return i;
    };
    const ws = field("workspaceId", "Workspace ID");
    const token = field("token", "Bearer token (az account get-access-token --resource https://api.loganalytics.io)", "password");
    const button = document.createElement("button");
    button.textContent = "Connect";
    form.append(button);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const qp = new huntbook.QueryProvider("MSSentinel");
      const t = token.value.trim();
      qp.connect({ workspaceId: ws.value.trim(), getToken: () => t });
      resolve(qp);
    });
    holder.append(form);
  });
}

for (const run of cells) await run();
document.body.dataset.tour = "done";
