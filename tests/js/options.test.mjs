// One options reader: the same misspelt option gives the same "did you mean" error through every API.
// Each case is one line: [what, call (may return a promise), the exact message]. The vis cases go in the same table.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadHuntbook, fixture } from "./helpers.mjs";

const hb = await loadHuntbook();

await hb.loadDemo();
const qp = new hb.QueryProvider("LocalData");
const sentinel = () => new hb.QueryProvider("LogAnalytics");
const getToken = () => "t";
const { tables } = hb.readTables(fixture("tour/asn_processes_on_host.la.json"));
const procs = tables[0];
const AAD = "Options are: table, ip_address_list, start, end, add_query_items, print, timeout, signal";

const CASES = [
  ["unpack", () => hb.unpack("x", { maxDepht: 3 }),
    "unpack: unknown option 'maxDepht' (did you mean 'max_depth'?). Options are: max_depth, max_fragments_per_level, " +
    "max_total_bytes, max_members, utf16, utf16_detect, utf_16, url_safe, min_length, max_display_bytes, trace"],
  ["unpackTable", () => hb.unpackTable(procs, "CommandLine", { min_lenght: 3 }),
    "unpackTable: unknown option 'min_lenght' (did you mean 'min_length'?). Options are: max_depth, " +
    "max_fragments_per_level, max_total_bytes, max_members, utf16, utf16_detect, utf_16, url_safe, min_length, " +
    "max_display_bytes, trace"],
  ["extractIocs", () => hb.extractIocs("x", { includePath: true }),
    "extractIocs: unknown option 'includePath' (did you mean 'include_paths'?). Options are: include_paths, ioc_type, " +
    "ioc_types, types, custom, custom_iocs, custom_types, defanged, ignore_tlds"],
  ["extractIocs custom type", () => hb.extractIocs("x", { custom: [{ name: "t", regx: /a/ }] }),
    "extractIocs: option 'custom': custom IoC type: unknown option 'regx' (did you mean 'regex'?). Options are: " +
    "ioc_type, name, ioc_regex, pattern, regex, priority, group"],
  ["extractIocsTable (text)", () => hb.extractIocsTable("x", { include_path: true }),
    "extractIocsTable: unknown option 'include_path' (did you mean 'include_paths'?). Options are: include_paths, " +
    "ioc_type, ioc_types, types, custom, custom_iocs, custom_types, defanged, ignore_tlds"],
  ["extractIocsTable (table)", () => hb.extractIocsTable(procs, ["CommandLine"], { include_path: true }),
    "extractIocsTable: unknown option 'include_path' (did you mean 'include_paths'?). Options are: include_paths, " +
    "ioc_type, ioc_types, types, custom, custom_iocs, custom_types, defanged, ignore_tlds"],
  ["catalog query", () => qp.Azure.list_aad_signins_for_ip({ ip_adress_list: "1.2.3.4" }),
    `Azure.list_aad_signins_for_ip: unknown option 'ip_adress_list' (did you mean 'ip_address_list'?). ${AAD}`],
  ["catalog query print", () => qp.Azure.list_aad_signins_for_ip({ ip_adress_list: "1.2.3.4", print: true }),
    `Azure.list_aad_signins_for_ip: unknown option 'ip_adress_list' (did you mean 'ip_address_list'?). ${AAD}`],
  ["query.kql", () => qp.Azure.list_aad_signins_for_ip.kql({ ipAdressList: "1.2.3.4" }),
    `Azure.list_aad_signins_for_ip: unknown option 'ipAdressList' (did you mean 'ip_address_list'?). ${AAD}`],
  ["renderQuery", () => qp.renderQuery("Azure.list_aad_signins_for_ip", { ip_address_list: "1.2.3.4", timout: 9 }),
    `Azure.list_aad_signins_for_ip: unknown option 'timout' (did you mean 'timeout'?). ${AAD}`],
  ["execQuery", () => qp.execQuery("SigninLogs | take 1", { timout: 9 }),
    "execQuery: unknown option 'timout' (did you mean 'timeout'?). Options are: signal, timeout, start, end, max_response_bytes, worker"],
  ["connect", () => sentinel().connect({ workspaceId: "w", getToken, timout: 9 }),
    "connect: unknown option 'timout' (did you mean 'timeout'?). Options are: workspace_id, get_token, base_url, " +
    "additional_workspaces, server_timeout, timeout, max_response_bytes, arm"],
  ["connect arm", () => sentinel().connect({ workspaceId: "w", getToken, arm: { subscriptonId: "s" } }),
    "connect: arm: unknown option 'subscriptonId' (did you mean 'subscription_id'?). Options are: subscription_id, " +
    "resource_group, workspace_name, get_token, base_url"],
  ["connect Kusto", () => new hb.QueryProvider("Kusto").connect({ cluster: "c", databse: "d", getToken }),
    "connect: unknown option 'databse' (did you mean 'database'?). Options are: cluster, database, get_token, timeout, max_response_bytes"],
  ["QueryProvider", () => new hb.QueryProvider("LocalData", { queryTme: new hb.QueryTime() }),
    "QueryProvider: unknown option 'queryTme' (did you mean 'query_time'?). Options are: data, query_time"],
  ["timeline (TimelineModel)", () => new hb.TimelineModel(procs, { titel: "x" }),
    "timeline: unknown option 'titel' (did you mean 'title'?). Options are: time_column, end_time_column, group_by, " +
    "source_columns, title, height, width, color, legend, range_tool, ref_time, ref_label, ref_events, ref_col, yaxis, " +
    "xgrid, ygrid, value_column, kind"],
  ["barChart", () => hb.barChart(procs, "Account", { topn: 5 }),
    "barChart: unknown option 'topn' (did you mean 'top_n'?). Options are: column, title, xlabel, top_n, other_label, " +
    "include_other, dropna, width, height, color"],
  ["readTables", () => hb.readTables("a,b\n1,2", { fromat: "csv" }),
    "readTables: unknown option 'fromat' (did you mean 'format'?). Options are: name, format, status"],
  ["loadTable", () => hb.loadTable("a,b\n1,2", { shiftToNw: true }),
    "loadTable: unknown option 'shiftToNw' (did you mean 'shift_to_now'?). Options are: name, format, shift_to_now, now, signal"],
  ["loadDemo", () => hb.loadDemo({ nwo: 0 }),
    "loadDemo: unknown option 'nwo' (did you mean 'now'?). Options are: now, url"],
  ["QueryTime", () => new hb.QueryTime({ strat: "-2d" }),
    "QueryTime: unknown option 'strat' (did you mean 'start'?). Options are: start, end, now"],
  ["QueryTime.around", () => new hb.QueryTime().around(Date.now(), { befor: "1h" }),
    "QueryTime.around: unknown option 'befor' (did you mean 'before'?). Options are: before, after"],
  ["schemaTables", () => qp.schemaTables({ signl: null, sigal: new AbortController().signal }),
    "schemaTables: unknown option 'sigal' (did you mean 'signal'?). Options are: signal"],
];

/** The message of what `call` throws or rejects with; fails if it does neither. */
async function errorOf(call) {
  try {
    await call();
  } catch (e) {
    return e.message;
  }
  assert.fail("no error");
}

for (const [what, call, message] of CASES) {
  test(`misspelt option: ${what}`, async () => {
    assert.equal(await errorOf(call), message);
  });
}

test("options that are not an object say so, naming the function", async () => {
  assert.equal(await errorOf(() => hb.unpack("x", [1])), "unpack: options must be an object like {name: value}, got a list");
  assert.equal(await errorOf(() => hb.extractIocs("x", "url")), 'extractIocs: options must be an object like {name: value}, got text "url"');
  assert.equal(await errorOf(() => qp.execQuery("T", 5)), "execQuery: options must be an object like {name: value}, got 5");
  assert.equal(await errorOf(() => qp.renderQuery("Azure.list_aad_signins_for_ip", [1])),
    "Azure.list_aad_signins_for_ip: options must be an object like {name: value}, got a list");
});

test("both spellings, msticpy's aliases and the call options are accepted", async () => {
  const a = qp.renderQuery("Azure.list_aad_signins_for_ip", { ip_address_list: "1.2.3.4", start: "2024-01-01", end: "2024-01-02" });
  for (const params of [{ ipAddressList: "1.2.3.4" }, { IP_ADDRESS_LIST: "1.2.3.4" }]) {
    const b = qp.renderQuery("Azure.list_aad_signins_for_ip", { ...params, start: "2024-01-01", end: "2024-01-02", timeout: 5, print: true });
    assert.equal(b, a);
  }
  assert.match(a, /IPAddress in \('1\.2\.3\.4'\)/);
  const signal = new AbortController().signal;
  assert.equal(qp.Azure.list_aad_signins_for_ip({ ip_address_list: "1.2.3.4", print: true, signal }), qp.Azure.list_aad_signins_for_ip.kql({ ip_address_list: "1.2.3.4" }));
  const df = await qp.execQuery("SigninLogs | take 2", { timeout: 5, signal, start: undefined });
  assert.equal(df.numRows, 2);
  // snake_case and camelCase in connect; undefined values are as if not given.
  for (const opts of [{ workspaceId: "w", getToken }, { workspace_id: "w", get_token: getToken, base_url: undefined }]) {
    assert.equal(sentinel().connect(opts).connected, true);
  }
  assert.equal(new hb.QueryProvider("LocalData", { query_time: undefined, data: undefined }).environment, "LocalData");
  // msticpy's spellings of the analysis options.
  assert.equal(hb.unpack("x", { utf16: false, trace: true, maxDepth: 2 }).truncated, false);
  assert.deepEqual(hb.extractIocs("INC-20231 at 10.1.2.3", { types: ["ticket"], custom_iocs: { ioc_type: "ticket", pattern: /INC-\d+/ } }), { ticket: ["INC-20231"] });
  assert.equal(await errorOf(() => hb.unpack("x", { url_safe: "no" })), 'unpack: option \'url_safe\': invalid type: string "no", expected a boolean');
});
