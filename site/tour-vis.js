// Tour cells: charts and event timelines. `cell(id, title, code, run)` makes a cell; `state` holds what earlier
// cells computed (state.qp, state.signins, state.geo …). Each output is the chart element itself, so tests find
// `#cell-<id> canvas.huntbook-plot` (and the timeline's `.huntbook-timeline` element with its API).
export function visCells({ cell, state, huntbook }) {
  const hover = ["UserPrincipalName", "IPAddress", "AppDisplayName", "Result"];
  return [
    cell("vis-bar", "IP address prevalence (bar chart)", `
huntbook.barChart(signins, "IPAddress", { top_n: 10, title: "Sign-ins per IP address" })`, async () =>
      huntbook.barChart(state.signins, "IPAddress", { top_n: 10, title: "Sign-ins per IP address" })),
    cell("vis-pie", "IP address prevalence (pie chart)", `
huntbook.pieChart(signins, "IPAddress", { top_n: 8, title: "Share of sign-ins by IP address" })`, async () =>
      huntbook.pieChart(state.signins, "IPAddress", { top_n: 8, title: "Share of sign-ins by IP address" })),
    cell("vis-line", "Sign-ins per hour (line chart)", `
const hourly = await qp.execQuery("SigninLogs | summarize SignIns = count() by bin(TimeGenerated, 1h)");
huntbook.lineChart(hourly, { x: "TimeGenerated", y: "SignIns", height: 200 })`, async () => {
      const hourly = await state.qp.execQuery("SigninLogs | summarize SignIns = count() by bin(TimeGenerated, 1h) | sort by TimeGenerated asc");
      return huntbook.lineChart(hourly, { x: "TimeGenerated", y: "SignIns", height: 200, title: "Sign-ins per hour" });
    }),
    cell("vis-timeline", "Timeline of sign-in events", `
const geo = await qp.Azure.list_all_signins_geo();
const hover = ["UserPrincipalName", "IPAddress", "AppDisplayName", "Result"];
viewof range = huntbook.timeline(geo, { title: "Sign-ins", source_columns: hover })   // range: {start, end} shown`,
    async () => huntbook.timeline(state.geo, { title: "Sign-ins", source_columns: hover })),
    cell("vis-result", "Sign-ins grouped by result", `
huntbook.timeline(geo, { group_by: "Result", source_columns: hover, title: "Sign-ins by result", legend: "inline" })`, async () =>
      huntbook.timeline(state.geo, { group_by: "Result", source_columns: hover, title: "Sign-ins by result", legend: "inline" })),
    cell("vis-app", "Sign-ins grouped by application", `
huntbook.timeline(geo, { group_by: "AppDisplayName", source_columns: hover, title: "Sign-ins by application", legend: "inline", width: 800 })`, async () =>
      huntbook.timeline(state.geo, { group_by: "AppDisplayName", source_columns: hover, title: "Sign-ins by application", legend: "inline", width: 800 })),
    cell("vis-ip", "Sign-ins grouped by IP address", `
huntbook.timeline(geo, { group_by: "IPAddress", source_columns: hover, title: "Sign-ins by IP address", legend: "right", width: 760 })`, async () =>
      huntbook.timeline(state.geo, { group_by: "IPAddress", source_columns: hover, title: "Sign-ins by IP address", legend: "right", width: 760 })),
    cell("vis-values", "Bytes sent to the C2 address over time", `
const c2 = await qp.execQuery('CommonSecurityLog | where DestinationIP == "203.0.113.66"');
huntbook.timelineValues(c2, { value_column: "SentBytes", kind: ["vbar", "circle"],
  source_columns: ["SourceIP", "DestinationIP", "DestinationPort", "DeviceAction"], title: "Bytes sent to 203.0.113.66" })`, async () => {
      const c2 = await state.qp.execQuery('CommonSecurityLog | where DestinationIP == "203.0.113.66"');
      return huntbook.timelineValues(c2, {
        value_column: "SentBytes", kind: ["vbar", "circle"],
        source_columns: ["SourceIP", "DestinationIP", "DestinationPort", "DeviceAction"], title: "Bytes sent to 203.0.113.66",
      });
    }),
    cell("vis-duration", "Sign-in activity per user (duration)", `
huntbook.timelineDuration(geo, { group_by: "UserPrincipalName" })`, async () =>
      huntbook.timelineDuration(state.geo, { group_by: "UserPrincipalName" })),
  ];
}
