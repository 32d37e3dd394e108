// Tour cells: enriching data — threat-intel lookups, the TI browser, DNS over HTTPS, host/URL parts, IP classes,
// whois/ASN and geolocation.
//
// On the demo workspace nothing needs a key or the internet: `huntbook.useDemoEnrichment()` makes TI answer from the
// demo ThreatIntelligenceIndicator table, geolocation from the demo mmdb beside the wasm and whois/DNS from recorded
// demo answers; every such output says so. With `?services=<JSON>` in the page URL (the browser test's loopback
// stand-ins of the real services) the same cells ask those services instead:
// {"ti": {"<Provider>": {"key", "proxy"}}, "resolver": DoH URL, "rdapUrl": RDAP base, "mmdb": URL of a .mmdb}.

import { el, labelled } from "./cells.js";

/** The output of a cell: a line saying whose answers these are, then the nodes. */
function answer(result, ...nodes) {
  const out = el("div");
  out.append(result?.demo
    ? el("p", "demo-note", "Demo answers: from the demo workspace and huntbook's generated demo files, not from the real services.")
    : el("p", "live-note", "Answers from the configured services."));
  out.append(...nodes);
  return out;
}

function services() {
  const text = new URLSearchParams(globalThis.location?.search ?? "").get("services");
  return text ? JSON.parse(text) : null;
}

export function enrichCells({ cell, state, huntbook }) {
  const svc = services();
  const net = svc ? { resolver: svc.resolver, rdapUrl: svc.rdapUrl } : {};
  return [
    cell("ti-setup", "Threat intelligence providers", svc ? `
const ti = new huntbook.TILookup({ providers: {
  VirusTotal: { key: "…" }, OTX: { key: "…" }, Tor: {},   // keys you supply; never logged or shown
} });
ti.providers` : `
huntbook.useDemoEnrichment();          // demo workspace: answers without keys or the internet
const ti = huntbook.TILookup.demo();   // the demo ThreatIntelligenceIndicator table as a TI provider
ti.providers`, async () => {
      if (svc) {
        huntbook.useDemoEnrichment(false);
        state.ti = new huntbook.TILookup({ providers: svc.ti });
      } else {
        huntbook.useDemoEnrichment(true);
        state.ti = huntbook.TILookup.demo();
      }
      const ul = el("ul", "providers");
      for (const p of state.ti.providers) ul.append(el("li", "", p));
      return ul;
    }),
    cell("ti-one", "Look up an IP address from the data", `await ti.lookupIoc("185.220.101.45")`, async () => {
      const df = await state.ti.lookupIoc("185.220.101.45");
      return answer(df, df.select(["Ioc", "IocType", "Provider", "Result", "Severity", "Details", "Status"]).toElement());
    }),
    cell("ti-many", "Look up the five IPs with the most failed sign-ins", `
const failed = await qp.execQuery(\`SigninLogs | where ResultType != "0"
  | summarize Failures = count() by IPAddress | top 5 by Failures\`);
const results = await ti.lookupIocs(failed, { column: "IPAddress" })`, async () => {
      const failed = await state.qp.execQuery(`SigninLogs | where ResultType != "0"
  | summarize Failures = count() by IPAddress | top 5 by Failures`);
      state.failedIps = failed;
      const holder = el("div");
      const bar = huntbook.progress((signal, report) =>
        state.ti.lookupIocs(failed, { column: "IPAddress", signal, onProgress: report }), { label: "Looking up" });
      holder.append(bar);
      state.tiResults = await bar.value;
      return answer(state.tiResults, holder,
        state.tiResults.select(["Ioc", "Provider", "Result", "Severity", "Status"]).toElement({ maxRows: 50 }));
    }),
    cell("ti-browse", "Browse the results", `huntbook.browseResults(results, { severities: ["information", "warning", "high"] })`, async () =>
      answer(state.tiResults, huntbook.browseResults(state.tiResults, { severities: ["information", "warning", "high"] }))),
    cell("dns", "Resolve the C2 domain (DNS over HTTPS)", `await huntbook.dnsResolve("cdn-updates.northwind-sync.xyz")`, async () => {
      const df = await huntbook.dnsResolve("cdn-updates.northwind-sync.xyz", net.resolver ? { resolver: net.resolver } : undefined);
      return answer(df, df.toElement());
    }),
    cell("dns-components", "Host name and URL parts", `
huntbook.dnsComponents("cdn-updates.northwind-sync.xyz")
huntbook.urlComponents("http://cdn-updates.northwind-sync.xyz/stage2.ps1")`, async () => {
      const out = el("div");
      const dns = huntbook.dnsComponents("cdn-updates.northwind-sync.xyz");
      const url = huntbook.urlComponents("http://cdn-updates.northwind-sync.xyz/stage2.ps1");
      out.append(labelled("dnsComponents", el("pre", "dns-components", JSON.stringify(dns, null, 2))),
        labelled("urlComponents", el("pre", "url-components", JSON.stringify(url, null, 2))));
      return out;
    }),
    cell("iptype", "What kind of address is it?", `huntbook.ipType("24.16.133.227")`, async () =>
      el("pre", "iptype", huntbook.ipType("24.16.133.227"))),
    cell("whois", "Whois/ASN of the failing IPs, joined to the table", `
await huntbook.whois(failed, { column: "IPAddress", join: true })`, async () => {
      const df = await huntbook.whois(state.failedIps, { column: "IPAddress", join: true, ...net });
      return answer(df, df.toElement({ maxRows: 10 }));
    }),
    cell("geoloc", "Where is 24.16.133.227?", `await huntbook.geoloc("24.16.133.227")`, async () => {
      const db = svc?.mmdb ? await huntbook.openGeoLite(svc.mmdb) : undefined;
      const df = await huntbook.geoloc("24.16.133.227", db ? { db } : undefined);
      return answer(df.demo || db?.demo ? Object.assign(df, { demo: true }) : df, df.toElement());
    }),
  ];
}
