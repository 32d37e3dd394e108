//! `pivotAll`'s core: from the entities of one alert to every pivot that applies to them, and from their results to
//! one timeline.
//!
//! Two pieces, both plain data in and out, so the JS wrapper (`js/pivotAll.js`) only runs the calls:
//!
//! - [`plan`] reads the pivot registry's function list (the JSON of `pivot.functions()`: [`FunctionSpec`]) and the
//!   entities ([`Entity`]: their kind and attributes, derived ones such as Host `fqdn` included) and says which
//!   function runs on which entity ([`Plan::calls`]), which were left out and why ([`Plan::skipped`]: a required
//!   parameter the entity cannot give, an attribute the entity does not have), and how each entity is named on the
//!   timeline ([`Plan::labels`]: [`Entity::key`]). The same function listed under two names (msticpy's long and short
//!   query names, `IpAddress.whois` and `IpAddress.util.whois`) runs once.
//! - [`TimelineBuilder`] stacks every result row that has a time into one table — `TimeGenerated`, `Entity`,
//!   `EntityType`, `Function`, `Summary` (the row described in a few `Column=value` pairs), `Source` (the row's
//!   table: its `Type` column, as Log Analytics rows have, else the result table's name), `ResultIndex` and `SourceRow` (where the full row is) — ready for a timeline grouped by
//!   `Function` or `Entity`. Each result's time column is chosen by [`time_column`] (`TimeGenerated` first). A failed
//!   function is recorded in the table's notes ([`TimelineBuilder::add_error`]), so an incomplete timeline says so.
//!
//! Limits: at most [`MAX_TIMELINE_ROWS`] rows (then a note), summaries of at most [`MAX_SUMMARY_CHARS`] characters.

use std::collections::HashSet;

use polars::prelude::*;
use serde::Deserialize;

use crate::entity::Entity;
use crate::error::{closest, Error, PolarsContext, Result};
use crate::frame::rows::{display_text, to_ns};
use crate::frame::{Frame, LaType};

/// Rows the combined timeline holds at most; results beyond are left out and the notes say so.
pub const MAX_TIMELINE_ROWS: usize = 2_000_000;
/// Characters of a row's `Summary` at most.
pub const MAX_SUMMARY_CHARS: usize = 320;
/// Characters of one value inside a summary at most.
const MAX_VALUE_CHARS: usize = 100;
/// `Column=value` pairs in a summary at most.
const MAX_SUMMARY_FIELDS: usize = 5;
/// Characters of an `Entity` label at most (one line).
const MAX_ENTITY_CHARS: usize = 120;
/// Notes about failed functions listed one by one at most (then a count).
const MAX_FAILURE_NOTES: usize = 50;

/// One pivot function as `pivot.functions()` lists it (only the fields planning needs; others are ignored).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FunctionSpec {
    /// The entity class ("IpAddress").
    pub entity: String,
    /// The name to call it by ("IpAddress.MSSentinel.list_aad_signins_for_ip").
    pub full_name: String,
    /// "query" | "enrichment" | "utility" | "user".
    #[serde(default)]
    pub kind: String,
    /// Its container ("util", "ti", "MSSentinel", a user's).
    #[serde(default)]
    pub container: Option<String>,
    /// Its names in the container ("list_aad_signins_for_ip", "aad_signins").
    #[serde(default)]
    pub names: Vec<String>,
    /// Its name directly on the entity ("whois", "tilookup_ip"), if any.
    #[serde(default)]
    pub direct: Option<String>,
    #[serde(default)]
    pub params: Vec<ParamSpec>,
    /// The parameter the entity's value goes to.
    #[serde(default)]
    pub input_param: Option<String>,
    /// The entity attribute the input value is read from ("Address").
    #[serde(default)]
    pub attribute: Option<String>,
    /// The query a query pivot runs ("Azure.list_aad_signins_for_ip").
    #[serde(default)]
    pub query: Option<String>,
    /// Other parameters the pivot reads from the same entity (`process_name` ← `ProcessFilePath`).
    #[serde(default)]
    pub entity_params: Vec<EntityParam>,
}

/// A parameter a pivot reads from an attribute of its entity.
#[derive(Debug, Clone, Deserialize)]
pub struct EntityParam {
    pub param: String,
    pub attribute: String,
}

/// One parameter of a pivot function.
#[derive(Debug, Clone, Deserialize)]
pub struct ParamSpec {
    pub name: String,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub default: Option<serde_json::Value>,
}

/// What `pivotAll` runs: `(entity index, function)` pairs, what it left out, and each entity's label.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Plan {
    pub calls: Vec<PlannedCall>,
    pub skipped: Vec<Skipped>,
    /// Per entity, the value that names it ([`Entity::key`]: Host `fqdn`, IpAddress `Address` …, else its type):
    /// the `Entity` column of the timeline.
    pub labels: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PlannedCall {
    /// Index into the entities given to [`plan`].
    pub entity: usize,
    /// The function's `fullName`.
    pub function: String,
    /// Its kind (a query gets the time range; enrichments do not take one).
    pub kind: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Skipped {
    pub entity: usize,
    pub function: String,
    pub reason: String,
}

/// Options of [`plan`] (`pivotAll`'s `functions` option).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PlanOptions {
    /// Only these functions (by `fullName`, by the name after the entity — `whois`, `MSSentinel.aad_signins` — or
    /// by any of their `names`; case-insensitive; one name or a list). Absent: every function that applies.
    #[serde(deserialize_with = "opt_names")]
    pub functions: Option<Vec<String>>,
}

fn opt_names<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Option<Vec<String>>, D::Error> {
    crate::options::one_or_many(d).map(Some)
}

/// Parameters a pivot call fills by itself: the time range.
const TIME_PARAMS: [&str; 2] = ["start", "end"];

fn same_entity(a: &str, b: &str) -> bool {
    match (crate::entity::EntityKind::from_name(a), crate::entity::EntityKind::from_name(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a.eq_ignore_ascii_case(b),
    }
}

/// The names `only` may use for `f`, lower-cased.
fn aliases(f: &FunctionSpec) -> Vec<String> {
    let mut out = vec![f.full_name.to_lowercase()];
    let prefix = format!("{}.", f.entity.to_lowercase());
    if let Some(rest) = out[0].strip_prefix(&prefix) {
        out.push(rest.to_string());
    }
    for n in &f.names {
        let n = n.to_lowercase();
        if let Some(c) = &f.container {
            out.push(format!("{}.{n}", c.to_lowercase()));
        }
        out.push(n.strip_prefix(&prefix).map(str::to_string).unwrap_or(n));
    }
    out.extend(f.direct.iter().map(|d| d.to_lowercase()));
    if let Some(last) = f.full_name.rsplit('.').next() {
        out.push(last.to_lowercase());
    }
    out
}

/// What makes two entries the same function: the query a query pivot runs; for a built-in enrichment or utility the
/// name after its container (`whois`, `util.whois`); else (user functions) the full name.
fn identity(f: &FunctionSpec) -> String {
    let base = match (&f.query, f.kind.as_str()) {
        (Some(q), "query") if !q.is_empty() => format!("query:{}", q.to_lowercase()),
        (_, "enrichment" | "utility") => format!("{}:{}", f.kind, f.full_name.rsplit('.').next().unwrap_or("").to_lowercase()),
        _ => format!("{}:{}", f.kind, f.full_name.to_lowercase()),
    };
    format!("{}|{base}", f.entity.to_lowercase())
}

/// Which functions run on which entities (see the module doc). An unknown name in `options.functions` is an error
/// with the closest known name.
pub fn plan(functions: &[FunctionSpec], entities: &[Entity], options: &PlanOptions) -> Result<Plan> {
    let wanted: Option<Vec<String>> = options.functions.as_ref().map(|l| l.iter().map(|s| s.trim().to_lowercase()).collect());
    if let Some(w) = &wanted {
        let all: Vec<String> = functions.iter().flat_map(aliases).collect();
        for (name, given) in w.iter().zip(options.functions.iter().flatten()) {
            if !all.contains(name) {
                let full: Vec<String> = functions.iter().map(|f| f.full_name.clone()).collect();
                let hint = closest(given, &full)
                    .or_else(|| closest(given, &all))
                    .map(|s| format!(" (did you mean '{s}'?)"))
                    .unwrap_or_default();
                return Err(Error::invalid(format!(
                    "pivotAll: no pivot function is called '{given}'{hint}. See pivot.functions() or huntbook.pivotBrowser(pivot)"
                )));
            }
        }
    }
    let mut out = Plan {
        labels: entities.iter().map(|e| e.key().unwrap_or_else(|| e.type_name().to_string())).collect(),
        ..Plan::default()
    };
    for (i, e) in entities.iter().enumerate() {
        let mut seen: HashSet<String> = HashSet::new();
        for f in functions.iter().filter(|f| same_entity(&f.entity, e.type_name())) {
            if let Some(w) = &wanted {
                if !aliases(f).iter().any(|a| w.contains(a)) {
                    continue;
                }
            }
            if !seen.insert(f.full_name.to_lowercase()) || !seen.insert(identity(f)) {
                continue;
            }
            let input = f.input_param.as_deref().unwrap_or("");
            let has = |attr: &str| e.attr(attr).is_some_and(|v| !v.trim().is_empty());
            let skip = |reason: String| Skipped { entity: i, function: f.full_name.clone(), reason };
            // Required parameters: the input, the time range and the ones read from the entity are filled.
            let mut missing: Vec<&str> = Vec::new();
            let mut lacking: Vec<&str> = Vec::new();
            for p in f.params.iter().filter(|p| p.required && p.default.as_ref().is_none_or(|d| d.is_null())) {
                let name = p.name.as_str();
                if name == input || TIME_PARAMS.contains(&name) {
                    continue;
                }
                match f.entity_params.iter().find(|ep| ep.param == name) {
                    Some(ep) if has(&ep.attribute) => {}
                    Some(ep) => lacking.push(ep.attribute.as_str()),
                    None => missing.push(name),
                }
            }
            if !missing.is_empty() {
                out.skipped.push(skip(format!("needs {} (not taken from the entity)", missing.join(", "))));
                continue;
            }
            if let Some(attr) = f.attribute.as_deref().filter(|a| !a.is_empty()) {
                if !has(attr) {
                    lacking.insert(0, attr);
                }
            }
            if !lacking.is_empty() {
                out.skipped.push(skip(format!("the {} has no {}", e.type_name(), lacking.join(", "))));
                continue;
            }
            out.calls.push(PlannedCall { entity: i, function: f.full_name.clone(), kind: f.kind.clone() });
        }
    }
    Ok(out)
}

/// Columns tried first as a result row's time, in order; then the first datetime column.
const TIME_COLUMNS: [&str; 9] = [
    "TimeGenerated",
    "TimeCreatedUtc",
    "StartTimeUtc",
    "StartTime",
    "TimeCreated",
    "EventTime",
    "CreationTime",
    "Timestamp",
    "timestamp",
];

/// The column that gives a result row its time: the first of `TimeGenerated`, `TimeCreatedUtc`, `StartTimeUtc`,
/// `StartTime`, `TimeCreated`, `EventTime`, `CreationTime`, `Timestamp` that is a datetime column, else the first
/// datetime column; `None` when the frame has no datetime column (whois, IP class, TI results).
pub fn time_column(frame: &Frame) -> Option<String> {
    let is_time = |name: &str| frame.la_type(name).is_ok_and(|t| t == LaType::DateTime);
    TIME_COLUMNS
        .iter()
        .find(|n| is_time(n))
        .map(|n| n.to_string())
        .or_else(|| frame.column_names().into_iter().find(|n| is_time(n)))
}

/// Columns a summary shows first when a result has them (what happened, who, from where, on what), in this order.
const SUMMARY_COLUMNS: [&str; 44] = [
    "AlertName", "Activity", "Operation", "OperationNameValue", "OperationName", "Ioc", "Provider", "Severity",
    "CommandLine", "ResultType", "ResultDescription", "Result", "UserPrincipalName", "Account", "TargetUserName",
    "UserId", "Caller", "IPAddress", "IpAddress", "ClientIP", "CallerIpAddress", "SourceIP", "DestinationIP",
    "DestinationPort", "Name", "QueryType", "IPAddresses", "RequestURL", "DeviceAction", "Url", "DomainName",
    "Computer", "HostName", "NewProcessName", "ProcessName", "AppDisplayName", "Details", "asn_description",
    "CountryCode", "City", "SyslogMessage", "Description", "Status", "Data",
];

/// Columns never worth showing in a summary.
const DULL_COLUMNS: [&str; 9] =
    ["TenantId", "Type", "SourceSystem", "src_row_index", "_ResourceId", "MG", "ManagementGroupName", "WorkspaceId", "_ItemId"];

/// The columns whose values describe a row of `frame` (at most six): known informative names first, then the
/// other columns in order, the time column and housekeeping columns left out.
pub fn summary_columns(frame: &Frame, time: Option<&str>) -> Vec<String> {
    let names = frame.column_names();
    let mut out: Vec<String> =
        SUMMARY_COLUMNS.iter().filter(|c| names.iter().any(|n| n == *c)).map(|c| c.to_string()).collect();
    for n in &names {
        if out.len() > MAX_SUMMARY_FIELDS {
            break;
        }
        if Some(n.as_str()) != time && !DULL_COLUMNS.contains(&n.as_str()) && !out.contains(n) {
            out.push(n.clone());
        }
    }
    out.truncate(MAX_SUMMARY_FIELDS + 1);
    out
}

fn clip(s: &str, max: usize) -> String {
    let one_line: String = s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let one_line = one_line.trim();
    if one_line.chars().count() <= max {
        return one_line.to_string();
    }
    let mut t: String = one_line.chars().take(max.saturating_sub(1)).collect();
    t.push('…');
    t
}

/// Row `row` of `frame` in words: `Column=value` pairs of `columns` with a value (empty and `-` are none; at most
/// five), each value on one line and clipped, the whole at most [`MAX_SUMMARY_CHARS`] characters.
pub fn describe_row(frame: &Frame, row: usize, columns: &[String]) -> String {
    let mut parts: Vec<String> = Vec::new();
    for c in columns {
        if parts.len() >= MAX_SUMMARY_FIELDS {
            break;
        }
        let Ok(col) = frame.column(c) else { continue };
        let Ok(v) = col.get(row) else { continue };
        let Some(text) = display_text(&v) else { continue };
        // Empty, and Windows' "-" for "no value"
        if matches!(text.trim(), "" | "-") {
            continue;
        }
        parts.push(format!("{c}={}", clip(&text, MAX_VALUE_CHARS)));
    }
    clip(&parts.join(", "), MAX_SUMMARY_CHARS)
}

/// The nanosecond times of datetime column `name` (null where the cell is null).
fn times_ns(frame: &Frame, name: &str) -> Result<Vec<Option<i64>>> {
    let col = frame.column(name)?;
    let DataType::Datetime(tu, _) = col.dtype().clone() else {
        return Err(Error::invalid(format!("column '{name}' is not a datetime column")));
    };
    let phys = col.as_materialized_series().to_physical_repr();
    let ca = phys.i64().context("reading times")?;
    Ok(ca.into_iter().map(|v| v.map(|x| to_ns(x, tu))).collect())
}

/// Stacks pivot results into one timeline table (see the module doc).
#[derive(Debug, Default)]
pub struct TimelineBuilder {
    time: Vec<i64>,
    entity: Vec<String>,
    entity_type: Vec<String>,
    function: Vec<String>,
    summary: Vec<String>,
    source: Vec<String>,
    result_index: Vec<i64>,
    source_row: Vec<i64>,
    failures: Vec<String>,
    failed: usize,
    untimed: Vec<String>,
    no_time_rows: usize,
    left_out: usize,
}

/// What [`TimelineBuilder::add`] did with one result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Added {
    /// Rows put on the timeline.
    pub rows: usize,
    /// The time column used (`None`: the result has none, so none of its rows are on the timeline).
    pub time_column: Option<String>,
}

impl TimelineBuilder {
    pub fn new() -> TimelineBuilder {
        TimelineBuilder::default()
    }

    /// Adds every row of `frame` (result number `result` of `function` on `entity`, an `entity_type`) that has a
    /// time.
    pub fn add(&mut self, result: usize, entity: &str, entity_type: &str, function: &str, frame: &Frame) -> Result<Added> {
        let Some(tc) = time_column(frame) else {
            if frame.height() > 0 {
                self.untimed.push(format!("{function} on {} ({} rows)", clip(entity, 60), frame.height()));
            }
            return Ok(Added { rows: 0, time_column: None });
        };
        let times = times_ns(frame, &tc)?;
        let label = clip(entity, MAX_ENTITY_CHARS);
        let columns = summary_columns(frame, Some(&tc));
        // The table each row came from: Log Analytics rows carry it in `Type`; else the result's name.
        let types: Option<Vec<Option<String>>> = frame
            .column("Type")
            .ok()
            .and_then(|c| c.str().ok().map(|ca| ca.into_iter().map(|v| v.map(|s| clip(s, 60))).collect()));
        let source = frame.name.clone();
        let result = i64::try_from(result).map_err(|_| Error::invalid("pivotAll: too many results"))?;
        let mut rows = 0usize;
        for (row, t) in times.into_iter().enumerate() {
            let Some(t) = t else {
                self.no_time_rows += 1;
                continue;
            };
            if self.time.len() >= MAX_TIMELINE_ROWS {
                self.left_out += 1;
                continue;
            }
            self.time.push(t);
            self.entity.push(label.clone());
            self.entity_type.push(entity_type.to_string());
            self.function.push(function.to_string());
            self.summary.push(describe_row(frame, row, &columns));
            let from_type = types.as_ref().and_then(|t| t.get(row).cloned().flatten()).filter(|s| !s.is_empty());
            self.source.push(from_type.unwrap_or_else(|| source.clone()));
            self.result_index.push(result);
            self.source_row.push(i64::try_from(row).unwrap_or(i64::MAX));
            rows += 1;
        }
        Ok(Added { rows, time_column: Some(tc) })
    }

    /// Records that `function` on `entity` failed with `message`: the timeline's notes say it is incomplete.
    pub fn add_error(&mut self, entity: &str, function: &str, message: &str) {
        self.failed += 1;
        if self.failures.len() < MAX_FAILURE_NOTES {
            self.failures.push(format!("{function} on {}: {}", clip(entity, 60), clip(message, 200)));
        }
    }

    /// How many rows are on the timeline so far.
    pub fn len(&self) -> usize {
        self.time.len()
    }

    pub fn is_empty(&self) -> bool {
        self.time.is_empty()
    }

    /// The timeline, oldest first (rows of equal time in the order they were added), with notes saying what failed
    /// and what is not on it.
    pub fn finish(self) -> Result<Frame> {
        let n = self.time.len();
        let str_col = |name: &str, v: Vec<String>| StringChunked::from_iter_values(name.into(), v.into_iter()).into_series().into_column();
        let time = Int64Chunked::from_vec("TimeGenerated".into(), self.time)
            .into_datetime(TimeUnit::Nanoseconds, None)
            .into_series()
            .into_column();
        let cols = vec![
            time,
            str_col("Entity", self.entity),
            str_col("EntityType", self.entity_type),
            str_col("Function", self.function),
            str_col("Summary", self.summary),
            str_col("Source", self.source),
            Int64Chunked::from_vec("ResultIndex".into(), self.result_index).into_series().into_column(),
            Int64Chunked::from_vec("SourceRow".into(), self.source_row).into_series().into_column(),
        ];
        let df = DataFrame::new(n, cols).context("building the pivot timeline")?;
        let mut frame = Frame::new("PivotTimeline", df).sort(&["TimeGenerated"], false)?;
        if self.failed > 0 {
            let mut note = format!("incomplete: {} pivot function(s) failed — ", self.failed);
            note.push_str(&self.failures.join("; "));
            if self.failed > self.failures.len() {
                note.push_str(&format!("; and {} more", self.failed - self.failures.len()));
            }
            frame.notes.push(note);
        }
        if self.left_out > 0 {
            frame.notes.push(format!(
                "incomplete: {} rows left out (the timeline holds at most {MAX_TIMELINE_ROWS} rows)",
                self.left_out
            ));
        }
        if self.no_time_rows > 0 {
            frame.notes.push(format!("{} result rows have no time and are not on the timeline", self.no_time_rows));
        }
        if !self.untimed.is_empty() {
            frame.notes.push(format!("results without a time column (not on the timeline): {}", self.untimed.join(", ")));
        }
        Ok(frame)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::text::read_json_rows;

    fn rows(name: &str, json: &str) -> Frame {
        let mut f = read_json_rows(json.as_bytes(), name).unwrap();
        f.name = name.to_string();
        f
    }

    fn f(entity: &str, full: &str, kind: &str, input: &str, attr: &str) -> FunctionSpec {
        FunctionSpec {
            entity: entity.into(),
            full_name: full.into(),
            kind: kind.into(),
            names: vec![],
            params: vec![ParamSpec { name: input.into(), required: true, default: None }],
            input_param: Some(input.into()),
            attribute: Some(attr.into()),
            query: None,
            container: None,
            direct: None,
            entity_params: vec![],
        }
    }

    fn e(kind: &str, attrs: &[(&str, &str)]) -> Entity {
        let mut m = serde_json::Map::new();
        m.insert("Type".into(), kind.into());
        for (k, v) in attrs {
            m.insert(k.to_string(), (*v).into());
        }
        Entity::from_json(&serde_json::Value::Object(m)).unwrap()
    }

    fn registry() -> Vec<FunctionSpec> {
        let mut signins = f("IpAddress", "IpAddress.MSSentinel.list_aad_signins_for_ip", "query", "ip_address_list", "Address");
        signins.query = Some("Azure.list_aad_signins_for_ip".into());
        signins.names = vec!["MSSentinel.aad_signins".into()];
        signins.params.push(ParamSpec { name: "start".into(), required: true, default: None });
        signins.params.push(ParamSpec { name: "end".into(), required: true, default: None });
        let mut short = signins.clone();
        short.full_name = "IpAddress.MSSentinel.aad_signins".into();
        let mut needs_more = f("Account", "Account.MSSentinel.list_logons_for_account_on_host", "query", "account_name", "Name");
        needs_more.query = Some("WindowsSecurity.list_logons_for_account_on_host".into());
        needs_more.params.push(ParamSpec { name: "host_name".into(), required: true, default: None });
        let mut with_default = f("Account", "Account.MSSentinel.list_logons_for_account", "query", "account_name", "Name");
        with_default.query = Some("WindowsSecurity.list_logons_for_account".into());
        with_default.params.push(ParamSpec { name: "limit".into(), required: true, default: Some(serde_json::json!(100)) });
        vec![
            f("IpAddress", "IpAddress.whois", "enrichment", "value", "Address"),
            f("IpAddress", "IpAddress.util.whois", "enrichment", "value", "Address"),
            f("IpAddress", "IpAddress.ip_type", "utility", "value", "Address"),
            signins,
            short,
            f("Dns", "Dns.dns_resolve", "enrichment", "value", "DomainName"),
            needs_more,
            with_default,
            f("Host", "Host.MSSentinel.list_host_processes", "query", "host_name", "fqdn"),
        ]
    }

    #[test]
    fn plan_runs_each_applicable_function_once_per_entity() {
        let entities = vec![
            e("ip", &[("Address", "203.0.113.66")]),
            e("Account", &[("Name", "mjones"), ("NTDomain", "CONTOSO")]),
            e("Dns", &[("DomainName", "cdn-updates.northwind-sync.xyz")]),
            e("Host", &[("AzureID", "/subscriptions/x")]),
            e("Process", &[("CommandLine", "powershell.exe")]),
        ];
        let p = plan(&registry(), &entities, &PlanOptions::default()).unwrap();
        assert_eq!(p.labels, ["203.0.113.66", "CONTOSO\\mjones", "cdn-updates.northwind-sync.xyz", "/subscriptions/x", "powershell.exe"]);
        let calls: Vec<(usize, &str)> = p.calls.iter().map(|c| (c.entity, c.function.as_str())).collect();
        assert_eq!(
            calls,
            [
                (0, "IpAddress.whois"),
                (0, "IpAddress.ip_type"),
                (0, "IpAddress.MSSentinel.list_aad_signins_for_ip"),
                (1, "Account.MSSentinel.list_logons_for_account"),
                (2, "Dns.dns_resolve"),
            ]
        );
        assert_eq!(p.calls[2].kind, "query");
        let skipped: Vec<(usize, &str, &str)> =
            p.skipped.iter().map(|s| (s.entity, s.function.as_str(), s.reason.as_str())).collect();
        assert_eq!(
            skipped,
            [
                (1, "Account.MSSentinel.list_logons_for_account_on_host", "needs host_name (not taken from the entity)"),
                (3, "Host.MSSentinel.list_host_processes", "the Host has no fqdn"),
            ]
        );
    }

    #[test]
    fn plan_filters_by_name_and_rejects_unknown_names() {
        let entities = vec![e("IpAddress", &[("Address", "1.2.3.4")]), e("Dns", &[("DomainName", "a.com")])];
        let only = PlanOptions { functions: Some(vec!["whois".into(), "MSSentinel.aad_signins".into(), "DNS.DNS_RESOLVE".into()]) };
        let p = plan(&registry(), &entities, &only).unwrap();
        let names: Vec<&str> = p.calls.iter().map(|c| c.function.as_str()).collect();
        assert_eq!(names, ["IpAddress.whois", "IpAddress.MSSentinel.list_aad_signins_for_ip", "Dns.dns_resolve"]);
        let one: PlanOptions = crate::options::read("pivotAll", &serde_json::json!({"functions": "ip_type"})).unwrap();
        let p = plan(&registry(), &entities, &one).unwrap();
        assert_eq!(p.calls.iter().map(|c| c.function.as_str()).collect::<Vec<_>>(), ["IpAddress.ip_type"]);
        let bad = PlanOptions { functions: Some(vec!["IpAddress.whos".into()]) };
        let err = plan(&registry(), &entities, &bad).unwrap_err().to_string();
        assert!(err.contains("no pivot function is called 'IpAddress.whos'"), "{err}");
        assert!(err.contains("did you mean 'IpAddress.whois'?"), "{err}");
    }

    #[test]
    fn plan_reads_required_parameters_from_the_entity() {
        let mut procs = f("Process", "Process.MSSentinel.list_processes_on_host", "query", "commandline", "CommandLine");
        procs.params.push(ParamSpec { name: "host_name".into(), required: true, default: None });
        procs.entity_params = vec![EntityParam { param: "host_name".into(), attribute: "Host".into() }];
        procs.container = Some("MSSentinel".into());
        procs.names = vec!["list_processes_on_host".into(), "procs".into()];
        let with_host = e("Process", &[("CommandLine", "cmd.exe"), ("Host", "WKS-FIN-07")]);
        let without = e("Process", &[("CommandLine", "cmd.exe")]);
        let fs = [procs];
        let p = plan(&fs, &[with_host, without], &PlanOptions { functions: Some(vec!["MSSentinel.procs".into()]) }).unwrap();
        assert_eq!(p.calls.iter().map(|c| c.entity).collect::<Vec<_>>(), [0]);
        assert_eq!(p.skipped[0].reason, "the Process has no Host");
    }

    #[test]
    fn plan_reads_the_contract_json() {
        let json = r#"[{"entity": "IpAddress", "container": "MSSentinel", "name": "list_aad_signins_for_ip",
            "names": ["list_aad_signins_for_ip", "aad_signins"], "fullName": "IpAddress.MSSentinel.list_aad_signins_for_ip",
            "kind": "query", "description": "Sign-ins from an IP", "params": [{"name": "ip_address_list", "type": "list",
            "required": true, "default": null, "description": ""}, {"name": "start", "type": "datetime", "required": true}],
            "inputParam": "ip_address_list", "attribute": "Address", "list": true, "query": "Azure.list_aad_signins_for_ip",
            "template": "SigninLogs | where …", "example": "await IpAddress.MSSentinel.aad_signins(\"1.2.3.4\")"}]"#;
        let fs: Vec<FunctionSpec> = serde_json::from_str(json).unwrap();
        let es = vec![e("ip", &[("Address", "1.2.3.4")]), e("IpAddress", &[])];
        let p = plan(&fs, &es, &PlanOptions::default()).unwrap();
        assert_eq!(p.calls.len(), 1);
        assert_eq!(p.calls[0].entity, 0);
        assert_eq!(p.skipped.len(), 1);
        assert_eq!(p.skipped[0].reason, "the IpAddress has no Address");
    }

    #[test]
    fn time_column_prefers_time_generated_then_any_datetime() {
        let a = rows("SigninLogs", r#"[{"CreatedDateTime": "2024-01-12T00:00:00Z", "TimeGenerated": "2024-01-12T00:31:47Z", "IPAddress": "185.220.101.45"}]"#);
        assert_eq!(time_column(&a).as_deref(), Some("TimeGenerated"));
        let b = rows("x", r#"[{"name": "a", "FirstSeen": "2024-01-12T00:00:00Z"}]"#);
        assert_eq!(time_column(&b).as_deref(), Some("FirstSeen"));
        let c = rows("whois", r#"[{"query": "1.2.3.4", "asn": "64496"}]"#);
        assert_eq!(time_column(&c), None);
    }

    #[test]
    fn timeline_stacks_rows_with_times_sorted_with_summaries_and_notes() {
        let signins = rows(
            "SigninLogs",
            r#"[{"TimeGenerated": "2024-01-12T00:31:47Z", "UserPrincipalName": "mike.jones@contoso.com", "IPAddress": "185.220.101.45", "ResultType": "0", "TenantId": "t"},
                {"TimeGenerated": "2024-01-12T00:04:13Z", "UserPrincipalName": "anna.schmidt@contoso.com", "IPAddress": "185.220.101.45", "ResultType": "50126", "TenantId": "t"},
                {"TimeGenerated": null, "UserPrincipalName": "x", "IPAddress": "185.220.101.45", "ResultType": "0", "TenantId": "t"}]"#,
        );
        let procs = rows(
            "Host.MSSentinel.list_host_processes",
            r#"[{"TimeGenerated": "2024-01-13T00:09:31Z", "Computer": "WKS-FIN-07.contoso.com", "CommandLine": "powershell.exe -nop -w hidden\n-EncodedCommand SQBF", "Account": "CONTOSO\\mjones", "TargetUserName": "-", "Type": "SecurityEvent"}]"#,
        );
        let whois = rows("whois", r#"[{"query": "185.220.101.45", "asn_description": "EXAMPLE-AS"}]"#);
        let mut b = TimelineBuilder::new();
        let a1 = b.add(0, "185.220.101.45", "IpAddress", "IpAddress.MSSentinel.list_aad_signins_for_ip", &signins).unwrap();
        assert_eq!(a1, Added { rows: 2, time_column: Some("TimeGenerated".into()) });
        assert_eq!(b.add(1, "185.220.101.45", "IpAddress", "IpAddress.whois", &whois).unwrap().rows, 0);
        assert_eq!(b.add(2, "WKS-FIN-07", "Host", "Host.MSSentinel.list_host_processes", &procs).unwrap().rows, 1);
        b.add_error("mjones", "Account.MSSentinel.list_aad_signins_for_account", "HTTP 503: the service is busy");
        let t = b.finish().unwrap();
        assert_eq!(t.name, "PivotTimeline");
        assert_eq!(
            t.column_names(),
            ["TimeGenerated", "Entity", "EntityType", "Function", "Summary", "Source", "ResultIndex", "SourceRow"]
        );
        assert_eq!(t.la_type("TimeGenerated").unwrap(), LaType::DateTime);
        assert_eq!(t.height(), 3);
        let text = |c: &str| -> Vec<String> {
            t.df().column(c).unwrap().str().unwrap().into_iter().map(|s| s.unwrap_or_default().to_string()).collect()
        };
        assert_eq!(text("Source"), ["SigninLogs", "SigninLogs", "SecurityEvent"]);
        assert_eq!(
            text("Summary"),
            [
                "ResultType=50126, UserPrincipalName=anna.schmidt@contoso.com, IPAddress=185.220.101.45",
                "ResultType=0, UserPrincipalName=mike.jones@contoso.com, IPAddress=185.220.101.45",
                "CommandLine=powershell.exe -nop -w hidden -EncodedCommand SQBF, Account=CONTOSO\\mjones, Computer=WKS-FIN-07.contoso.com",
            ]
        );
        assert_eq!(text("Entity"), ["185.220.101.45", "185.220.101.45", "WKS-FIN-07"]);
        let src_rows: Vec<Option<i64>> = t.df().column("SourceRow").unwrap().i64().unwrap().into_iter().collect();
        assert_eq!(src_rows, [Some(1), Some(0), Some(0)]);
        let results: Vec<Option<i64>> = t.df().column("ResultIndex").unwrap().i64().unwrap().into_iter().collect();
        assert_eq!(results, [Some(0), Some(0), Some(2)]);
        assert_eq!(t.notes.len(), 3, "{:?}", t.notes);
        assert!(t.notes[0].starts_with("incomplete: 1 pivot function(s) failed — Account.MSSentinel.list_aad_signins_for_account on mjones: HTTP 503"), "{:?}", t.notes);
        assert_eq!(t.notes[1], "1 result rows have no time and are not on the timeline");
        assert_eq!(t.notes[2], "results without a time column (not on the timeline): IpAddress.whois on 185.220.101.45 (1 rows)");
    }

    #[test]
    fn hostile_values_stay_bounded_text() {
        let long = "A".repeat(10_000);
        let json = format!(r#"[{{"TimeGenerated": "2024-01-12T00:00:00Z", "Name": "<img src=x onerror=alert(1)>\u0007", "CommandLine": "{long}"}}]"#);
        let f = rows("x", &json);
        let mut b = TimelineBuilder::new();
        b.add(0, &format!("powershell\n{}", "E".repeat(1000)), "Process", "Process.f", &f).unwrap();
        b.add_error(&"E".repeat(1000), "Process.g", &long);
        let t = b.finish().unwrap();
        let s = t.df().column("Summary").unwrap().str().unwrap().get(0).unwrap().to_string();
        assert!(s.chars().count() <= MAX_SUMMARY_CHARS, "{}", s.len());
        assert!(s.starts_with("CommandLine=AAAA"), "{s}");
        assert!(s.contains("Name=<img src=x onerror=alert(1)>"), "kept as text; escaped where it is shown: {s}");
        assert!(!s.contains('\u{7}'));
        let entity = t.df().column("Entity").unwrap().str().unwrap().get(0).unwrap().to_string();
        assert_eq!(entity.chars().count(), MAX_ENTITY_CHARS);
        assert!(entity.starts_with("powershell EEE") && entity.ends_with('…'), "{entity}");
        assert!(t.notes[0].chars().count() < 400);
    }

    #[test]
    fn an_empty_investigation_is_an_empty_timeline() {
        let t = TimelineBuilder::new().finish().unwrap();
        assert_eq!(t.height(), 0);
        assert_eq!(t.width(), 8);
        assert!(t.notes.is_empty());
    }
}
