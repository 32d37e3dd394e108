// Tour cells: the seed notebook's pandas appendix — the DataFrame verbs on the sign-ins table (`state.signins`), each
// the counterpart of a pandas idiom named in the shown code. Tables are elements; values are shown as JSON text.
// The Observable hosts (hosts/notebook-kit/tour.html, hosts/framework/src/index.md) show the same verbs.

const JSONText = (v) => JSON.stringify(v, (_, x) => (typeof x === "bigint" ? x.toString() : x), 2);

export function appendixCells({ cell, state }) {
  const s = () => state.signins;
  return [
    cell("pd-head", "Appendix: the first rows", `signins.head(3)   // df.head(3)`, async () => s().head(3).toElement()),
    cell("pd-shape", "Rows and columns", `signins.shape   // df.shape`, async () => JSONText(s().shape)),
    cell("pd-row", "One row", `signins.row(0)   // df.iloc[0]`, async () => {
      const r = s().select(["TimeGenerated", "UserPrincipalName", "IPAddress", "ResultType"]).row(0);
      return JSONText(r);
    }),
    cell("pd-columns", "Column names", `signins.columns   // df.columns`, async () => JSONText(s().columns)),
    cell("pd-dtypes", "Column types", `signins.dtypes   // df.dtypes`, async () => JSONText(s().dtypes)),
    cell("pd-select", "Some columns", `
signins.select(["TimeGenerated", "UserPrincipalName", "IPAddress", "ResultType"]).head(5)   // df[[...]]`, async () =>
      s().select(["TimeGenerated", "UserPrincipalName", "IPAddress", "ResultType"]).head(5).toElement()),
    cell("pd-filter", "Rows where a column equals a value", `
signins.filter("IPAddress", "185.220.101.45")   // df[df.IPAddress == "185.220.101.45"]`, async () =>
      s().filter("IPAddress", "185.220.101.45").select(["TimeGenerated", "UserPrincipalName", "IPAddress", "ResultType"]).toElement({ maxRows: 5 })),
    cell("pd-isin", "Rows where a column is one of several values", `
signins.isin("IPAddress", ["185.220.101.45", "45.153.160.2"]).valueCounts("IPAddress")   // df[df.IPAddress.isin([...])]`, async () =>
      s().isin("IPAddress", ["185.220.101.45", "45.153.160.2"]).valueCounts("IPAddress").toElement()),
    cell("pd-groupby", "Group and count", `signins.groupBy("AppDisplayName").count()   // df.groupby("AppDisplayName").count()`, async () =>
      s().groupBy("AppDisplayName").count().toElement({ maxRows: 50 })),
    cell("pd-rename", "Rename a column", `
signins.select(["UserPrincipalName", "IPAddress"]).rename({ UserPrincipalName: "Account" })   // df.rename(columns={...})`, async () =>
      s().select(["UserPrincipalName", "IPAddress"]).rename({ UserPrincipalName: "Account" }).head(3).toElement()),
    cell("pd-withcolumn", "Add a constant column", `signins.withColumn("Source", "tour")   // df["Source"] = "tour"`, async () =>
      s().select(["TimeGenerated", "IPAddress"]).withColumn("Source", "tour").head(3).toElement()),
    cell("pd-addtime", "Add a time offset", `
signins.addTime("OneHourLater", "TimeGenerated", "1h")   // df.TimeGenerated + pd.Timedelta("1h")`, async () =>
      s().select(["TimeGenerated", "IPAddress"]).addTime("OneHourLater", "TimeGenerated", "1h").head(3).toElement()),
    cell("pd-valuecounts", "Count the values of a column", `signins.valueCounts("ResultType")   // df.ResultType.value_counts()`, async () =>
      s().valueCounts("ResultType").toElement()),
    cell("pd-sort", "Sort by columns", `
signins.sort(["UserPrincipalName", "TimeGenerated"])   // df.sort_values(["UserPrincipalName", "TimeGenerated"])`, async () =>
      s().sort(["UserPrincipalName", "TimeGenerated"]).select(["UserPrincipalName", "TimeGenerated", "IPAddress"]).head(5).toElement()),
    cell("pd-dynamic", "A value out of a dynamic column", `
signins.dynamicPath("LocationDetails", "countryOrRegion", "Country")   // df.LocationDetails.apply(lambda d: d["countryOrRegion"])`, async () =>
      s().dynamicPath("LocationDetails", "countryOrRegion", "Country").select(["IPAddress", "LocationDetails", "Country"]).head(5).toElement()),
  ];
}
