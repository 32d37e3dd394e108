//! Microsoft Sentinel's own threat intelligence: the workspace's `ThreatIntelligenceIndicator` table as a TI
//! provider (msticpy's `AzSTI`).
//!
//! The lookup is one KQL query for a whole batch of IoCs ([`query`]), run by the caller's query provider (Log
//! Analytics, or LocalData for the demo workspace); the table it returns is read back into one [`TiResult`] row per
//! IoC ([`rows`]). IoCs are prepared as for every provider (refanged, typed, private IPs and malformed values left
//! out), so only well-formed values reach the query, and each one is written as an escaped KQL string literal (the
//! values are attacker-controlled).
//!
//! Indicator columns by IoC type: IPs in `NetworkIP`, `NetworkSourceIP`, `NetworkDestinationIP` and
//! `EmailSourceIpAddress`; domains and host names in `DomainName`; URLs in `Url`; hashes in `FileHashValue`; email
//! addresses in `EmailSenderAddress`. Only `Active` indicators that have not expired count; of each `IndicatorId`
//! the newest record.
//!
//! Severity as msticpy's `AzSTI`: an indicator whose `Action` is "alert" or "block", or whose `ConfidenceScore` is
//! 80 or more → high; any other match → warning; no match → information ("Not found."). Details: Action,
//! ThreatType, ThreatSeverity, Active, Description, ConfidenceScore (lists of the distinct values when several
//! indicators match).

use serde_json::{Map, Value};

use super::{blank_row, prepare, Severity, Status, TiResult};
use crate::frame::rows::to_json_rows;
use crate::frame::Frame;
use crate::ioc::IocType;
use crate::query::params::escape_regular;

/// msticpy's provider name (the Provider column).
pub const NAME: &str = "AzSTI";
/// The names a configuration may use for this provider.
pub const ALIASES: [&str; 4] = ["AzSTI", "Sentinel", "MSSentinel", "AzureSentinel"];
/// The table searched.
pub const TABLE: &str = "ThreatIntelligenceIndicator";
/// At most this many distinct values go into one query (Log Analytics limits the query text).
pub const MAX_VALUES: usize = 2000;
/// At most this many indicator records are read back.
pub const MAX_RECORDS: usize = 100_000;
/// msticpy's threshold of a high-confidence indicator.
const HIGH_CONFIDENCE: f64 = 80.0;

/// Whether `name` names this provider (case-insensitive).
pub fn is_name(name: &str) -> bool {
    ALIASES.iter().any(|a| a.eq_ignore_ascii_case(name))
}

/// The indicator columns that hold IoCs of type `ty` (`None`: the table has no column for the type).
pub fn columns(ty: IocType) -> Option<&'static [&'static str]> {
    Some(match ty {
        IocType::Ipv4 | IocType::Ipv6 => &[
            "NetworkIP",
            "NetworkSourceIP",
            "NetworkDestinationIP",
            "EmailSourceIpAddress",
        ],
        IocType::Dns | IocType::Hostname => &["DomainName"],
        IocType::Url => &["Url"],
        IocType::Md5Hash | IocType::Sha1Hash | IocType::Sha256Hash => &["FileHashValue"],
        IocType::Email => &["EmailSenderAddress"],
        _ => return None,
    })
}

/// Each value prepared: `(ioc, type)` to look up, or the row that says why not.
#[allow(clippy::result_large_err)]
fn prepared(values: &[(String, Option<IocType>)]) -> Vec<std::result::Result<(String, IocType), TiResult>> {
    values
        .iter()
        .map(|(v, ty)| {
            // Private addresses are looked up too: the query stays in your own workspace.
            let (ioc, ty) = match prepare(v, *ty) {
                Ok(p) => p,
                Err((ioc, Status::NotLookedUp, _)) => {
                    let ty = crate::ioc::classify(&ioc).unwrap_or(IocType::Ipv4);
                    (ioc, ty)
                }
                Err((ioc, status, why)) => return Err(blank_row(NAME, TABLE, ioc, *ty, status, why)),
            };
            if columns(ty).is_none() {
                let why = format!("{NAME} does not look up {ty} values ({TABLE} has no column for them)");
                return Err(blank_row(NAME, TABLE, ioc, Some(ty), Status::NotSupported, why));
            }
            Ok((ioc, ty))
        })
        .collect()
}

/// A KQL string literal of `s` (escaped; safe for any text).
pub fn kql_string(s: &str) -> String {
    format!("\"{}\"", escape_regular(s))
}

/// The KQL that finds the active, unexpired indicators of the looked-up values (`None` when no value can be looked
/// up: all malformed, private or of types the table does not hold). Values are lower-cased and deduplicated; at
/// most [`MAX_VALUES`] of them (the rest are reported by [`rows`] as not looked up).
pub fn query(values: &[(String, Option<IocType>)]) -> Option<String> {
    let mut by_column: Vec<(&'static str, Vec<String>)> = Vec::new();
    for (ioc, ty) in queried(values) {
        for col in columns(ty).unwrap_or(&[]) {
            let lower = ioc.to_lowercase();
            match by_column.iter_mut().find(|(c, _)| c == col) {
                Some((_, list)) if !list.contains(&lower) => list.push(lower),
                Some(_) => {}
                None => by_column.push((col, vec![lower])),
            }
        }
    }
    if by_column.is_empty() {
        return None;
    }
    let conditions: Vec<String> = by_column
        .iter()
        .map(|(col, list)| {
            let items: Vec<String> = list.iter().map(|v| kql_string(v)).collect();
            format!("{col} in~ ({})", items.join(", "))
        })
        .collect();
    Some(format!(
        "{TABLE}\n| where Active == true and (isnull(ExpirationDateTime) or ExpirationDateTime > now())\n\
         | where {}\n| summarize arg_max(TimeGenerated, *) by IndicatorId",
        conditions.join("\n    or ")
    ))
}

/// The distinct values that go into the query (well-formed, supported, first [`MAX_VALUES`]).
fn queried(values: &[(String, Option<IocType>)]) -> Vec<(String, IocType)> {
    let mut out: Vec<(String, IocType)> = Vec::new();
    for (ioc, ty) in prepared(values).into_iter().flatten() {
        if out.len() >= MAX_VALUES {
            break;
        }
        if !out.iter().any(|(o, t)| *t == ty && o.eq_ignore_ascii_case(&ioc)) {
            out.push((ioc, ty));
        }
    }
    out
}

/// One row per value from the answer to [`query`]: the table it returned, or why the query failed (that text
/// becomes the Details of every row that was asked).
pub fn rows(values: &[(String, Option<IocType>)], answer: std::result::Result<&Frame, String>) -> Vec<TiResult> {
    let kql = query(values).unwrap_or_default();
    let asked = queried(values);
    let records: std::result::Result<Vec<Map<String, Value>>, String> = answer.and_then(|f| {
        let n = f.height().min(MAX_RECORDS);
        serde_json::from_str::<Vec<Map<String, Value>>>(&to_json_rows(f, 0, n))
            .map_err(|e| format!("the {TABLE} answer could not be read ({e})"))
    });
    prepared(values)
        .into_iter()
        .map(|p| {
            let (ioc, ty) = match p {
                Ok(v) => v,
                Err(row) => return row,
            };
            let mut row = blank_row(NAME, &kql, ioc.clone(), Some(ty), Status::Ok, String::new());
            if !asked.iter().any(|(o, t)| *t == ty && o.eq_ignore_ascii_case(&ioc)) {
                row.status = Status::NotLookedUp;
                row.details = Value::from(format!(
                    "not looked up: a query holds at most {MAX_VALUES} distinct values; look the rest up in another call"
                ));
                return row;
            }
            let records = match &records {
                Ok(r) => r,
                Err(why) => {
                    row.status = Status::Error(None);
                    row.details = Value::from(format!("Query failure: {why}"));
                    return row;
                }
            };
            let cols = columns(ty).unwrap_or(&[]);
            let matching: Vec<&Map<String, Value>> = records
                .iter()
                .filter(|r| {
                    cols.iter()
                        .any(|c| r.get(*c).and_then(Value::as_str).is_some_and(|v| v.trim().eq_ignore_ascii_case(&ioc)))
                })
                .collect();
            if matching.is_empty() {
                row.status = Status::NotFound;
                row.details = Value::from("Not found.");
                return row;
            }
            row.result = true;
            row.severity = severity(&matching);
            row.details = details(&matching);
            row.raw_result = match matching.as_slice() {
                [one] => Value::Object((*one).clone()),
                many => Value::Array(many.iter().map(|m| Value::Object((*m).clone())).collect()),
            };
            row
        })
        .collect()
}

/// msticpy's defaults for the summary fields a record lacks.
fn field(r: &Map<String, Value>, name: &str) -> Value {
    match (name, r.get(name)) {
        (_, Some(v)) if !v.is_null() => v.clone(),
        ("Action", _) => Value::from("alert"),
        ("ThreatSeverity", _) => Value::from("unknown"),
        ("ThreatType", _) => Value::from("unknown"),
        ("Active", _) => Value::from(false),
        ("Description", _) => Value::from(""),
        ("ConfidenceScore", _) => Value::from(0),
        _ => Value::Null,
    }
}

const SUMMARY: [&str; 6] = ["Action", "ThreatType", "ThreatSeverity", "Active", "Description", "ConfidenceScore"];

fn severity(records: &[&Map<String, Value>]) -> Severity {
    let high = records.iter().any(|r| {
        let action = field(r, "Action");
        let acts = action.as_str().is_some_and(|a| a.eq_ignore_ascii_case("alert") || a.eq_ignore_ascii_case("block"));
        acts || field(r, "ConfidenceScore").as_f64().is_some_and(|c| c >= HIGH_CONFIDENCE)
    });
    if high {
        Severity::High
    } else {
        Severity::Warning
    }
}

fn details(records: &[&Map<String, Value>]) -> Value {
    let mut out = Map::new();
    for name in SUMMARY {
        let v = match records {
            [one] => field(one, name),
            many => {
                let mut distinct: Vec<Value> = Vec::new();
                for r in many {
                    let v = field(r, name);
                    if !distinct.contains(&v) {
                        distinct.push(v);
                    }
                }
                Value::Array(distinct)
            }
        };
        out.insert(name.to_string(), v);
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vals(v: &[&str]) -> Vec<(String, Option<IocType>)> {
        v.iter().map(|s| (s.to_string(), None)).collect()
    }

    static DEMO: &[u8] = include_bytes!("../../../demo_data/demo.la.json.gz");
    /// Mid-January 2024 (the demo tables end "now").
    const NOW: i64 = 1_705_276_800_000_000_000;

    fn demo_answer(values: &[(String, Option<IocType>)]) -> Vec<TiResult> {
        let tables = crate::demo::load(DEMO, NOW).unwrap();
        let kql = query(values).expect("a query");
        let frame = crate::kql::execute(&kql, &tables, NOW).unwrap();
        rows(values, Ok(&frame))
    }

    #[test]
    fn hostile_values_are_escaped_string_literals() {
        // URLs may hold quotes and backslashes; they stay inside their literal.
        let hostile = vals(&[r"http://evil.example/x')or(1==1", r"http://evil.example/a\b"]);
        let kql = query(&hostile).unwrap();
        assert!(kql.contains(r#"Url in~ ("http://evil.example/x\')or(1==1", "http://evil.example/a\\b")"#), "{kql}");
        // The query runs (the literals read back as the values: nothing matches, nothing else runs).
        let tables = crate::demo::load(DEMO, NOW).unwrap();
        let frame = crate::kql::execute(&kql, &tables, NOW).unwrap();
        assert_eq!(frame.height(), 0);
        let r = rows(&hostile, Ok(&frame));
        assert_eq!(r.iter().map(|r| r.status).collect::<Vec<_>>(), [Status::NotFound, Status::NotFound]);
        assert_eq!(r[0].ioc, r"http://evil.example/x')or(1==1");
        // Any text, quotes and line breaks included, is one literal.
        assert_eq!(kql_string("a\"b\\\nc'\r"), r#""a\"b\\\nc\'\r""#);
        let lit = kql_string("\") | take 1 //\n| union *");
        let t = crate::kql::execute(&format!("print x = {lit}"), &tables, NOW).unwrap();
        assert_eq!(crate::frame::rows::to_json_rows(&t, 0, 1), r#"[{"x":"\") | take 1 //\n| union *"}]"#);
        // A value that is not a recognised IoC never reaches the query.
        assert_eq!(query(&vals(&["\") | take 1 //", "not an ioc"])), None);
        let r = rows(&vals(&["\") | take 1 //"]), Err("unused".into()));
        assert_eq!(r[0].status, Status::BadFormat);
    }

    #[test]
    fn private_values_are_queried_in_the_workspace_unsupported_ones_not() {
        let v = vals(&["10.1.2.3", "C:\\Windows\\evil.exe", "8.8.8.8"]);
        let kql = query(&v).unwrap();
        assert!(kql.contains("\"10.1.2.3\"") && !kql.contains("evil.exe") && kql.contains("\"8.8.8.8\""), "{kql}");
        let r = rows(&v, Err("x".into()));
        assert_eq!(r.iter().map(|r| r.status).collect::<Vec<_>>(), [
            Status::Error(None),
            Status::NotSupported,
            Status::Error(None)
        ]);
        assert_eq!(r[2].details, Value::from("Query failure: x"));
        assert!(r.iter().all(|r| r.provider == NAME));
    }

    #[test]
    fn the_story_indicators_are_found_in_the_demo_table() {
        let v = vals(&[
            "203.0.113.66",
            "185.220.101.45",
            "45.153.160.2",
            "193.142.146.213",
            "cdn-updates[.]northwind-sync[.]xyz",
            "http://cdn-updates.northwind-sync.xyz/stage2.ps1",
            "8.8.8.8",
            "not-a-value",
        ]);
        let r = demo_answer(&v);
        assert_eq!(r.len(), 8);
        for row in &r[..6] {
            assert_eq!((row.status, row.result), (Status::Ok, true), "{row:?}");
            assert!(matches!(row.severity, Severity::High | Severity::Warning), "{row:?}");
            let active = &row.details["Active"];
            assert!(active == &Value::from(true) || active == &serde_json::json!([true]), "{row:?}");
        }
        assert_eq!(r[0].details["ThreatType"], Value::from("C2"));
        assert_eq!(r[1].details["ThreatType"], Value::from("Proxy"));
        assert_eq!(r[2].details["ThreatType"], Value::from("Botnet"));
        assert_eq!(r[4].ioc, "cdn-updates.northwind-sync.xyz");
        assert_eq!(r[4].ioc_type, "dns");
        // The domain is in two indicators (the C2 domain, and the stage-2 URL's DomainName): one row, both listed.
        assert_eq!(r[4].details["ThreatType"], serde_json::json!(["C2", "MaliciousUrl"]));
        assert_eq!(r[4].details["ConfidenceScore"], serde_json::json!([90.0]));
        assert_eq!(r[4].raw_result.as_array().map(Vec::len), Some(2));
        assert_eq!(r[5].details["ThreatType"], Value::from("MaliciousUrl"));
        assert_eq!(r[5].ioc_type, "url");
        assert_eq!(r[0].severity, Severity::High, "Action alert → high");
        assert_eq!(r[6].status, Status::NotFound);
        assert_eq!((r[6].result, r[6].severity), (false, Severity::Information));
        assert_eq!(r[7].status, Status::BadFormat);
        assert!(r[0].reference.starts_with(TABLE));
    }

    #[test]
    fn severity_and_details_follow_msticpy() {
        let rec = |action: &str, conf: f64| {
            serde_json::json!({"Action": action, "ConfidenceScore": conf, "ThreatType": "Botnet", "Active": true})
                .as_object()
                .unwrap()
                .clone()
        };
        let (a, b, c) = (rec("alert", 10.0), rec("none", 85.0), rec("none", 50.0));
        assert_eq!(severity(&[&a]), Severity::High);
        assert_eq!(severity(&[&b]), Severity::High);
        assert_eq!(severity(&[&c]), Severity::Warning);
        let d = details(&[&b, &c]);
        assert_eq!(d["ConfidenceScore"], serde_json::json!([85.0, 50.0]));
        assert_eq!(d["ThreatType"], serde_json::json!(["Botnet"]));
        assert_eq!(d["ThreatSeverity"], serde_json::json!(["unknown"]));
    }
}
