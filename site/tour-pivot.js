// Tour cells: entities and pivot functions — the pivot browser, enrichment pivots on one value (DNS, IP class, whois,
// geolocation), whois joined onto a sign-in table and drawn as a timeline by ASN, a URL's threat intelligence in the
// TI browser, and the investigation of one alert with `pivotAll`: every query and enrichment of every one of its
// entities in one call, as tables and one combined timeline.
//
// The section runs on the demo workspace with demo enrichment (TI from the demo ThreatIntelligenceIndicator table,
// whois/DNS from recorded answers, geolocation from the demo mmdb); every output says "Demo answers".

import { el, labelled } from "./cells.js";

/** A line saying whose answers these are, then the nodes. */
function answer(demo, ...nodes) {
  const out = el("div");
  out.append(demo
    ? el("p", "demo-note", "Demo answers: from the demo workspace and huntbook's generated demo files, not from the real services.")
    : el("p", "live-note", "Answers from the configured services."));
  out.append(...nodes);
  return out;
}

/** The alert the investigation starts from. */
export const C2_ALERT = "Communication with known C2 domain";
export const TI_URL = "http://85.214.149.236:443/sugarcrm/themes/default/images/";

export function pivotCells({ cell, state, huntbook }) {
  const E = () => huntbook.entities;
  return [
    cell("pivot-setup", "Pivot functions on entities", `
const pivot = new huntbook.Pivot({ queryProvider: qp });   // demo workspace: TI, whois, DNS and geo answer offline
const { IpAddress, Dns, Url, Host, Account } = huntbook.entities;
pivot.functions().length`, async () => {
      // The section always uses demo enrichment (with ?services= the enrichment cells above used the stand-ins).
      huntbook.useDemoEnrichment(true);
      state.pivot = new huntbook.Pivot({ queryProvider: state.qp });
      const fns = state.pivot.functions();
      const counts = new Map();
      for (const f of fns) counts.set(f.entity, (counts.get(f.entity) ?? 0) + 1);
      const ul = el("ul", "pivot-counts");
      for (const [entity, n] of counts) {
        const li = el("li", "", `${entity}: ${n}`);
        li.dataset.entity = entity;
        li.dataset.count = String(n);
        ul.append(li);
      }
      return labelled(`${fns.length} pivot functions`, ul);
    }),
    cell("pivot-browser", "Browse the pivot functions", `viewof fn = huntbook.pivotBrowser(pivot, { entity: "IpAddress" })`, async () =>
      huntbook.pivotBrowser(state.pivot, { entity: "IpAddress" })),
    cell("pivot-dns", "Resolve a host name", `await Dns.dns_resolve("www.microsoft.com")`, async () => {
      const df = await E().Dns.dns_resolve("www.microsoft.com");
      return answer(df.demo, df.toElement());
    }),
    cell("pivot-dns-components", "Host name parts", `await Dns.dns_components("www.microsoft.com")`, async () => {
      const df = await E().Dns.dns_components("www.microsoft.com");
      return df.toElement();
    }),
    cell("pivot-iptype", "What kind of address is it?", `await IpAddress.ip_type("24.16.133.227")`, async () => {
      const df = await E().IpAddress.ip_type("24.16.133.227");
      return df.toElement();
    }),
    cell("pivot-whois", "Whois of an address", `await IpAddress.whois("24.16.133.227")`, async () => {
      const df = await E().IpAddress.whois("24.16.133.227");
      return answer(df.demo, df.toElement());
    }),
    cell("pivot-geoloc", "Where is it?", `await IpAddress.geoloc("24.16.133.227")`, async () => {
      const df = await E().IpAddress.geoloc("24.16.133.227");
      return answer(df.demo, df.toElement());
    }),
    cell("pivot-whois-join", "Whois of every sign-in's address, joined onto the sign-ins", `
const logons = await qp.execQuery(\`SigninLogs | where TimeGenerated > ago(4d)
  | project TimeGenerated, UserPrincipalName, IPAddress, ResultType, AppDisplayName\`);
const joined = await IpAddress.whois(logons, { column: "IPAddress", join: "left" })`, async () => {
      const logons = await state.qp.execQuery(`SigninLogs | where TimeGenerated > ago(4d)
  | project TimeGenerated, UserPrincipalName, IPAddress, ResultType, AppDisplayName`);
      state.logons = logons;
      state.joined = await E().IpAddress.whois(logons, { column: "IPAddress", join: "left" });
      const out = el("div");
      const counts = el("p", "pivot-join-counts", `${logons.numRows} sign-ins → ${state.joined.numRows} rows after the left join`);
      counts.dataset.logons = String(logons.numRows);
      counts.dataset.joined = String(state.joined.numRows);
      out.append(counts, state.joined.toElement({ maxRows: 10 }));
      return answer(state.joined.demo, out);
    }),
    cell("pivot-whois-timeline", "Sign-ins by the ASN of their address", `
huntbook.timeline(joined, { groupBy: "asn_description", sourceColumns: ["UserPrincipalName", "IPAddress", "ResultType"] })`, async () =>
      huntbook.timeline(state.joined, {
        groupBy: "asn_description", sourceColumns: ["UserPrincipalName", "IPAddress", "ResultType"],
        title: "Sign-ins of the last 4 days by ASN",
      })),
    cell("pivot-ti-url", "Threat intelligence on a URL, in the TI browser", `
const tiUrl = await Url.tilookup_url("${TI_URL}");
huntbook.browseResults(tiUrl, { severities: ["unknown", "information", "warning", "high"] })`, async () => {
      const df = await E().Url.tilookup_url(TI_URL);
      return answer(df.demo, df.select(["Ioc", "IocType", "Provider", "Result", "Severity", "Status"]).toElement(),
        huntbook.browseResults(df, { severities: ["unknown", "information", "warning", "high"] }));
    }),
    cell("pivot-all", `Investigate an alert: every pivot of every entity, in one call`, `
const alerts = await qp.SecurityAlert.list_alerts();
const alert = alerts.filter("AlertName", "${C2_ALERT}").row(0);
const investigation = await huntbook.pivotAll(alert, { pivot, onProgress: (done, total) => … });
investigation.results   // [{entity, label, function, kind, frame, error}]`, async () => {
      const alerts = await state.qp.SecurityAlert.list_alerts();
      const alert = alerts.filter("AlertName", C2_ALERT).row(0);
      const holder = el("div");
      const bar = huntbook.progress((signal, report) =>
        huntbook.pivotAll(alert, { pivot: state.pivot, signal, onProgress: report }), { label: "Investigating" });
      holder.append(bar);
      const inv = (state.investigation = await bar.value);
      const ents = el("ul", "pivot-entities");
      for (const [i, e] of inv.entities.entries()) {
        const li = el("li", "", `${e.type}: ${inv.labels[i]}`);
        li.dataset.type = e.type;
        ents.append(li);
      }
      const summary = inv.results.map((r) => ({
        Entity: r.label, EntityType: r.entity.type, Function: r.function, Kind: r.kind,
        Rows: r.frame ? r.frame.numRows : 0, Error: r.error ?? "",
      }));
      const table = huntbook.readTables(JSON.stringify(summary), { format: "json", name: "pivotAll results" }).tables[0];
      const status = el("p", inv.complete ? "pivot-complete" : "pivot-incomplete",
        inv.complete ? `Complete: ${inv.results.length} pivots on ${inv.entities.length} entities.`
          : `Incomplete: ${inv.results.filter((r) => r.error).length} of ${inv.results.length} pivots failed (see Error).`);
      const frames = el("div", "pivot-frames");
      inv.results.forEach((r, i) => {
        if (!r.frame || !r.frame.numRows) return;
        const d = el("details", "pivot-result");
        d.dataset.index = String(i);
        d.append(el("summary", "", `${r.function} on ${r.label} — ${r.frame.numRows} rows`), r.frame.toElement({ maxRows: 10 }));
        frames.append(d);
      });
      const skipped = el("details", "pivot-skipped");
      skipped.append(el("summary", "", `${inv.skipped.length} functions not run`),
        ...inv.skipped.map((s) => el("div", "", `${s.function} on ${s.label}: ${s.reason}`)));
      const resultsBox = el("div", "pivot-results");
      resultsBox.append(table.toElement({ maxRows: 200 }));
      return answer(inv.results.some((r) => r.frame?.demo), holder, labelled("Entities of the alert", ents), status, resultsBox, frames, skipped);
    }),
    cell("pivot-timeline", "Everything the pivots found, on one timeline", `
huntbook.timeline(investigation.timeline, { groupBy: "Function", sourceColumns: ["Entity", "Summary"] })`, async () => {
      const t = state.investigation.timeline;
      const out = el("div");
      const p = el("p", "pivot-timeline-rows", `${t.numRows} events from ${new Set(t.toRows().map((r) => r.Function)).size} functions`);
      p.dataset.rows = String(t.numRows);
      out.append(p);
      for (const n of t.notes) out.append(el("p", "pivot-note", n));
      out.append(huntbook.timeline(t, { groupBy: "Function", sourceColumns: ["Entity", "Summary"], title: `Pivots of "${C2_ALERT}"` }),
        t.toElement({ maxRows: 15 }));
      return out;
    }),
  ];
}
