//! msticpy's 96 Sentinel queries (`../shared/fixtures/msticpy-queries/kql_sent_*.yaml`), rendered as msticpy would
//! render them (defaults, a time range, dummy values for required parameters), through the KQL engine:
//!
//! - every one of them parses;
//! - each is run on the demo data (`huntbook::demo::load`), and a report says, per query, `ok (N rows)`,
//!   `missing table X`, `missing column …` or the error. Run with `--nocapture` to see it. The test asserts how
//!   many run, and that every failure is a table or column the demo data does not have — never an unsupported
//!   operator or function, never a crash;
//! - again with values that occur in the demo data (a host, an account, an IP …), so that most filters find rows;
//! - the five time-series queries (make-series, series_decompose …) with their `table` made from the demo
//!   sign-ins.
//!
//! Three of the queries have msticpy template quirks that Kusto itself rejects (a table name written twice,
//! `in~ in (…)`, an unbalanced `)`); the parser reads them as meant (see `huntbook::kql`'s module docs).

use std::collections::BTreeMap;
use std::path::PathBuf;

use huntbook::kql::{execute, parse};
use huntbook::query::catalog::{Catalog, ParamType, QueryDef};
use huntbook::query::params::{render, RenderContext};
use huntbook::time::{TimeRange, NS_PER_DAY};
use serde_json::{json, Map, Value};

/// 2024-06-01T12:00:00Z: the demo data's newest event is put here.
const NOW: i64 = 1_717_243_200_000_000_000;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/msticpy-queries")
}

fn catalog() -> Catalog {
    let mut names: Vec<String> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("kql_sent_") && n.ends_with(".yaml"))
        .collect();
    names.sort();
    let mut c = Catalog::new();
    for f in &names {
        let text = std::fs::read_to_string(fixtures().join(f)).unwrap();
        c.load_yaml(&text, f).unwrap_or_else(|e| panic!("{f}: {e}"));
    }
    c
}

/// Dummy values for the required parameters, as `tests/query_catalog.rs` renders them.
fn dummy_args(q: &QueryDef) -> Map<String, Value> {
    let mut a = Map::new();
    for p in q.params.iter().filter(|p| p.required() && p.kind != ParamType::Datetime) {
        let dummy = match p.kind {
            ParamType::List => json!(["a", "b"]),
            ParamType::Int => json!(1),
            _ => json!("x"),
        };
        a.insert(p.name.clone(), dummy);
    }
    a
}

/// Every query rendered: (qualified name, KQL).
fn rendered() -> Vec<(String, String)> {
    let c = catalog();
    let ctx = RenderContext { now_ns: NOW, time_range: TimeRange::last(NOW, 30 * NS_PER_DAY) };
    c.queries()
        .iter()
        .map(|q| {
            let text = render(q, &dummy_args(q), &ctx).unwrap_or_else(|e| panic!("{}: {e}", q.qualified_name()));
            (q.qualified_name(), text)
        })
        .collect()
}

#[test]
fn all_96_sentinel_queries_parse() {
    let queries = rendered();
    assert_eq!(queries.len(), 96);
    let mut failed = Vec::new();
    for (name, text) in &queries {
        if let Err(e) = parse(text) {
            failed.push(format!("{name}: {e}\n    {text}"));
        }
    }
    assert!(failed.is_empty(), "{} of 96 do not parse:\n{}", failed.len(), failed.join("\n"));
}

/// How one query fared on the demo data.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    Ok(usize),
    MissingTable(String),
    MissingColumn(String),
    Error(String),
}

fn classify(result: huntbook::Result<huntbook::Frame>) -> Outcome {
    match result {
        Ok(f) => Outcome::Ok(f.height()),
        Err(e) => {
            let msg = e.to_string();
            if let Some(rest) = msg.split("unknown table '").nth(1) {
                return Outcome::MissingTable(rest.split('\'').next().unwrap_or("").to_string());
            }
            if let Some(rest) = msg.split("unknown column '").nth(1).or_else(|| msg.split("has no column '").nth(1)) {
                return Outcome::MissingColumn(rest.split('\'').next().unwrap_or("").to_string());
            }
            Outcome::Error(msg)
        }
    }
}

#[test]
fn sentinel_queries_on_the_demo_data() {
    let data = huntbook::demo::load(include_bytes!("../demo_data/demo.la.json.gz"), NOW).unwrap();
    let queries = rendered();
    let mut report: Vec<(String, Outcome)> = Vec::new();
    for (name, text) in &queries {
        let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| execute(text, &data, NOW)));
        let outcome = match out {
            Ok(r) => classify(r),
            Err(_) => Outcome::Error("PANIC".into()),
        };
        report.push((name.clone(), outcome));
    }
    let width = report.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
    eprintln!("\n{:width$}  result", "query");
    eprintln!("{}  {}", "-".repeat(width), "-".repeat(40));
    let mut tally: BTreeMap<&str, usize> = BTreeMap::new();
    for (name, o) in &report {
        let text = match o {
            Outcome::Ok(n) => {
                *tally.entry("ok").or_default() += 1;
                format!("ok ({n} rows)")
            }
            Outcome::MissingTable(t) => {
                *tally.entry("missing table").or_default() += 1;
                format!("missing table {t}")
            }
            Outcome::MissingColumn(c) => {
                *tally.entry("missing column").or_default() += 1;
                format!("missing column {c}")
            }
            Outcome::Error(e) => {
                *tally.entry("error").or_default() += 1;
                format!("ERROR {e}")
            }
        };
        eprintln!("{name:width$}  {text}");
    }
    eprintln!("\n{tally:?}\n");
    // the minimal form of the report: how many run, and which tables the demo data lacks
    let missing: std::collections::BTreeSet<&str> = report
        .iter()
        .filter_map(|(_, o)| match o {
            Outcome::MissingTable(t) => Some(t.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        missing.into_iter().collect::<Vec<_>>(),
        [
            "AuditLog_CL",
            "AzureNetworkAnalytics_CL",
            "DynamicSummary",
            "HuntingBookmark",
            "StorageFileLogs",
            "ThreatIntelIndicators",
            "VMComputer",
            "x"
        ]
    );
    assert_eq!(tally.get("ok"), Some(&66), "queries that run");
    assert_eq!(tally.get("missing table"), Some(&30));
    assert_eq!(tally.get("missing column"), None);
    // every query whose tables are in the demo data runs
    let demo_tables = data.table_names();
    for (name, o) in &report {
        if let Outcome::MissingTable(t) = o {
            assert!(!demo_tables.contains(t), "{name}: {t}");
        }
    }
    let errors: Vec<String> = report
        .iter()
        .filter_map(|(n, o)| match o {
            Outcome::Error(e) => Some(format!("{n}: {e}")),
            _ => None,
        })
        .collect();
    assert!(errors.is_empty(), "queries that fail for another reason than a missing table/column:\n{}", errors.join("\n"));
}

/// The same queries with values that occur in the demo data (a host, an account, an IP …) instead of dummies,
/// so their filters find rows and the rest of each query runs on them.
#[test]
fn sentinel_queries_with_demo_values() {
    let data = huntbook::demo::load(include_bytes!("../demo_data/demo.la.json.gz"), NOW).unwrap();
    let c = catalog();
    let ctx = RenderContext { now_ns: NOW, time_range: TimeRange::last(NOW, 30 * NS_PER_DAY) };
    let values = json!({
        "host_name": "SRV-FS01", "account_name": "jmiller", "ip_address": "64.124.38.10",
        "ip_address_list": ["64.124.38.10", "81.2.69.142"], "source_ip_list": "64.124.38.10,10.0.2.17", "user": "mike.jones@contoso.com",
        "process_name": "svchost.exe", "logon_session_id": "0x3e7", "process_id": "0x48b4", "commandline": "chrome",
        "domain": "outlook.office365.com", "url": "outlook.office365.com", "system_alert_id": "d57b90dc-6d7e-413c-ab1f-e74d1fe7b1be",
    });
    let values = values.as_object().unwrap();
    let mut with_rows = Vec::new();
    let mut errors = Vec::new();
    for q in c.queries() {
        let mut a = dummy_args(q);
        for p in &q.params {
            if let Some(v) = values.get(&p.name) {
                a.insert(p.name.clone(), v.clone());
            }
        }
        if q.qualified_name() == "Azure.list_storage_ops_for_ip" {
            // the template has `ClientIP == {ip_address}` without quotes: an address there is not KQL (Kusto
            // rejects it too), so the value carries its own quotes
            a.insert("ip_address".into(), json!("'64.124.38.10'"));
        }
        let text = render(q, &a, &ctx).unwrap();
        match classify(execute(&text, &data, NOW)) {
            Outcome::Ok(n) if n > 0 => with_rows.push(format!("{} ({n} rows)", q.qualified_name())),
            Outcome::Ok(_) | Outcome::MissingTable(_) => {}
            other => errors.push(format!("{}: {other:?}", q.qualified_name())),
        }
    }
    eprintln!("{} queries find rows with demo values:\n  {}", with_rows.len(), with_rows.join("\n  "));
    assert!(errors.is_empty(), "{errors:#?}");
    assert!(with_rows.len() >= 30, "{}", with_rows.len());
}

/// The time-series queries (make-series, series_decompose…) on a real table: their `table` parameter made from the
/// demo sign-ins.
#[test]
fn time_series_queries_on_demo_signins() {
    let data = huntbook::demo::load(include_bytes!("../demo_data/demo.la.json.gz"), NOW).unwrap();
    let c = catalog();
    let ctx = RenderContext { now_ns: NOW, time_range: TimeRange::last(NOW, 30 * NS_PER_DAY) };
    let table = "SigninLogs | summarize Total = count() by bin(TimeGenerated, 1h), Type";
    let mut args = Map::new();
    args.insert("table".into(), json!(table));
    let run = |name: &str| {
        let q = c.get(name).unwrap();
        let text = render(q, &args, &ctx).unwrap();
        execute(&text, &data, NOW).unwrap_or_else(|e| panic!("{name}: {e}\n{text}"))
    };
    let hours_with_signins = execute(&format!("{table} | where TimeGenerated >= ago(30d) | count"), &data, NOW).unwrap();
    let want_total = hours_with_signins.df().column("Count").unwrap().i64().unwrap().get(0).unwrap();
    let f = run("MultiDataSource.get_timeseries_data");
    assert_eq!(f.column_names(), ["Type", "Total", "TimeGenerated"]);
    assert_eq!(f.height(), 1);
    let totals: Vec<i64> = serde_json::from_str(f.df().column("Total").unwrap().str().unwrap().get(0).unwrap()).unwrap();
    assert_eq!(totals.len(), 30 * 24);
    assert_eq!(totals.iter().sum::<i64>(), want_total);
    for name in ["MultiDataSource.get_timeseries_decompose", "MultiDataSource.get_timeseries_anomalies"] {
        let f = run(name);
        assert_eq!(f.height(), 30 * 24, "{name}");
        assert!(f.column_names().contains(&"baseline".to_string()), "{name}");
    }
    let f = run("MultiDataSource.plot_timeseries_datawithbaseline");
    assert_eq!(f.column_names(), ["TimeGenerated", "Total", "baseline"]);
    assert!(f.notes.iter().any(|n| n == "render: timechart"));
    let f = run("MultiDataSource.plot_timeseries_scoreanomolies");
    assert_eq!((f.height(), f.column_names()), (30 * 24, vec!["TimeGenerated".to_string(), "score".to_string()]));
}

#[test]
#[ignore]
fn dump_rendered() {
    for (n, t) in rendered() {
        println!("=== {n}\n{t}\n");
    }
}
