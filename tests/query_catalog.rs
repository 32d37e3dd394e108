//! The query catalog against msticpy's real Sentinel query files (`../shared/fixtures/msticpy-queries/`): loading,
//! help text, rendering with every kind of parameter value, escaping, and garbage input.

use std::path::PathBuf;

use huntbook::query::catalog::{Catalog, ParamType, QueryDef};
use huntbook::query::params::{render, time_range, RenderContext};
use huntbook::time::{TimeRange, NS_PER_DAY};
use serde_json::{json, Map, Value};

/// 2024-01-15T10:30:00Z
const NOW: i64 = 1_705_314_600_000_000_000;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/msticpy-queries")
}

fn read(name: &str) -> String {
    std::fs::read_to_string(fixtures().join(name)).unwrap()
}

/// The 18 `kql_sent_*.yaml` files, sorted.
fn sentinel_files() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("kql_sent_") && n.ends_with(".yaml"))
        .collect();
    names.sort();
    names
}

fn sentinel() -> Catalog {
    let mut c = Catalog::new();
    for f in sentinel_files() {
        c.load_yaml(&read(&f), &f).unwrap_or_else(|e| panic!("{f}: {e}"));
    }
    c
}

fn args(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

fn run(def: &QueryDef, a: Value) -> huntbook::Result<String> {
    render(def, &args(a), &RenderContext::new(NOW))
}

/// A one-query catalog from an inline template and parameter block.
fn inline(template: &str, params: &str) -> QueryDef {
    let yaml = format!(
        "metadata:\n  data_families: [Test]\nsources:\n  q:\n    args:\n      query: {}\n    parameters: {params}\n",
        serde_json::to_string(template).unwrap()
    );
    let mut c = Catalog::new();
    c.load_yaml(&yaml, "inline.yaml").unwrap();
    c.get("Test.q").unwrap().clone()
}

#[test]
fn every_sentinel_query_loads_and_renders() {
    let files = sentinel_files();
    assert_eq!(files.len(), 18);
    let mut c = Catalog::new();
    let loaded: usize = files.iter().map(|f| c.load_yaml(&read(f), f).unwrap()).sum();
    assert_eq!(loaded, 96);
    assert_eq!(c.len(), 96);
    assert_eq!(
        c.families(),
        [
            "Azure",
            "AzureNetwork",
            "AzureSentinel",
            "Heartbeat",
            "LinuxAudit",
            "LinuxSyslog",
            "MultiDataSource",
            "Office365",
            "SecurityAlert",
            "ThreatIntelligence",
            "WindowsSecurity"
        ]
    );
    let ctx = RenderContext {
        now_ns: NOW,
        time_range: TimeRange::last(NOW, 7 * NS_PER_DAY),
    };
    for q in c.queries() {
        let mut a = Map::new();
        for p in q
            .params
            .iter()
            .filter(|p| p.required() && p.kind != ParamType::Datetime)
        {
            let dummy = match p.kind {
                ParamType::List => json!(["a", "b"]),
                ParamType::Int => json!(1),
                _ => json!("x"),
            };
            a.insert(p.name.clone(), dummy);
        }
        let text = render(q, &a, &ctx).unwrap_or_else(|e| panic!("{}: {e}", q.qualified_name()));
        assert!(!text.is_empty());
        for p in &q.params {
            assert!(
                !text.contains(&format!("{{{}}}", p.name)),
                "{}: {{{}}} left in {text}",
                q.qualified_name(),
                p.name
            );
        }
        assert!(!text.contains("$<"), "{}: macro left in {text}", q.qualified_name());
        if q.template.contains("{start}") {
            assert!(
                text.contains("2024-01-08T10:30:00.0000000Z"),
                "{}: {text}",
                q.qualified_name()
            );
        }
        assert!(c.help(&q.qualified_name()).unwrap().contains(&q.description));
    }
    // The macro-built queries of kql_sent_lxsyslog_logon.yaml.
    let q = c.get("LinuxSyslog.list_ip_logon_failures").unwrap();
    let text = run(q, json!({"ip_address": "10.1.2.3"})).unwrap();
    assert!(
        text.contains(
            "<= datetime(2024-01-15T10:30:00.0000000Z) | where SyslogMessage has \"10.1.2.3\" | where Facility"
        ),
        "{text}"
    );
    assert!(
        text.contains(r#"SourceIP = extract("((?:[0-9]{1,3}\\.){3}[0-9]{1,3})", 1, SyslogMessage)"#),
        "{text}"
    );

    let mut local = Catalog::new();
    assert_eq!(local.load_yaml(&read("local_data.yaml"), "local_data.yaml").unwrap(), 9);
    let q = local.get("WindowsSecurity.list_host_processes").unwrap();
    assert_eq!(
        (q.template.as_str(), q.data_environments.as_slice()),
        ("processes_on_host.pkl", &["LocalData".to_string()][..])
    );
}

#[test]
fn help_text() {
    let c = sentinel();
    let expected = "\
Query:  SecurityAlert.list_alerts
Data source:  security_alert
Returns security alerts for a given time range

Parameters
----------
add_query_items: str (optional)
    Additional query clauses
    Default: ''
end: datetime
    Query end time
query_project: str (optional)
    Column project statement
    Default: ' | project-rename StartTimeUtc = StartTime, EndTim...'
start: datetime
    Query start time
table: str (optional)
    Table name
    Default: 'SecurityAlert'
Query:
 {table} {query_project} | where TimeGenerated >= datetime({start}) | where TimeGenerated <= datetime({end}) \
| extend extendedProps = parse_json(ExtendedProperties) | extend CompromisedEntity = \
tostring(extendedProps[\"Compromised Host\"]) | project-away extendedProps {add_query_items}";
    assert_eq!(c.help("SecurityAlert.list_alerts").unwrap(), expected);
    assert_eq!(c.help("list_alerts").unwrap(), expected);
    let h = c.help("Azure.list_azure_activity_for_resource").unwrap();
    assert!(
        h.contains("resource_id: str\n    ResourceId or substring\n    Aliases: 'resource'\n"),
        "{h}"
    );
    let e = c.help("SecurityAlert.list_alert").unwrap_err().to_string();
    assert!(
        e.starts_with("unknown query 'SecurityAlert.list_alert' (did you mean 'SecurityAlert.list_alerts'?)"),
        "{e}"
    );
}

#[test]
fn lookup_and_listing() {
    let c = sentinel();
    assert_eq!(
        c.get("get_process_tree").unwrap().qualified_name(),
        "WindowsSecurity.get_process_tree"
    );
    assert_eq!(
        c.get("windowssecurity.GET_PROCESS_TREE").unwrap().name,
        "get_process_tree"
    );
    let alerts: Vec<String> = c.list("securityalert.").iter().map(|q| q.qualified_name()).collect();
    assert_eq!(
        alerts,
        [
            "SecurityAlert.get_alert",
            "SecurityAlert.list_alerts",
            "SecurityAlert.list_alerts_counts",
            "SecurityAlert.list_alerts_for_ip",
            "SecurityAlert.list_related_alerts"
        ]
    );
    assert_eq!(c.list("").len(), 96);
    assert!(c
        .list("FAILED USER LOGON")
        .iter()
        .any(|q| q.name == "list_host_logon_failures"));
    let q = c.get("SecurityAlert.list_related_alerts").unwrap();
    assert_eq!(q.pivot.as_ref().unwrap()["short_name"], "alerts");
    assert_eq!(q.file, "kql_sent_alert.yaml");
}

fn geo(start: &str, end: &str) -> String {
    format!(
        "SigninLogs | where TimeGenerated >= datetime({start}) | where TimeGenerated <= datetime({end}) \
         | extend Result = iif(ResultType==0, \"Sucess\", \"Failed\") \
         | extend Latitude = tostring(parse_json(tostring(LocationDetails.geoCoordinates)).latitude) \
         | extend Longitude = tostring(parse_json(tostring(LocationDetails.geoCoordinates)).longitude)"
    )
}

#[test]
fn start_and_end_in_every_form() {
    let c = sentinel();
    let q = c.get("Azure.list_all_signins_geo").unwrap();
    let cases = [
        (
            json!({}),
            "2024-01-14T10:30:00.0000000Z",
            "2024-01-15T10:30:00.0000000Z",
        ),
        (
            json!({"start": "2024-01-01T00:00:00Z", "end": "2024-01-02T12:00:00+02:00"}),
            "2024-01-01T00:00:00.0000000Z",
            "2024-01-02T10:00:00.0000000Z",
        ),
        (
            json!({"start": -3, "end": 0}),
            "2024-01-12T10:30:00.0000000Z",
            "2024-01-15T10:30:00.0000000Z",
        ),
        (
            json!({"start": "-1d"}),
            "2024-01-14T10:30:00.0000000Z",
            "2024-01-15T10:30:00.0000000Z",
        ),
        (
            json!({"start": "-2w@d", "end": "-3h"}),
            "2024-01-01T00:00:00.0000000Z",
            "2024-01-15T07:30:00.0000000Z",
        ),
        (
            json!({"Start": "2024-01-10", "END": "+1d@d"}),
            "2024-01-10T00:00:00.0000000Z",
            "2024-01-17T00:00:00.0000000Z",
        ),
    ];
    for (a, start, end) in cases {
        assert_eq!(run(q, a.clone()).unwrap(), geo(start, end), "{a}");
    }
    // The context's range when none is given, and the range the provider sends as `timespan`.
    let ctx = RenderContext {
        now_ns: NOW,
        time_range: TimeRange::last(NOW, 3 * NS_PER_DAY),
    };
    let text = render(q, &Map::new(), &ctx).unwrap();
    assert_eq!(
        text,
        geo("2024-01-12T10:30:00.0000000Z", "2024-01-15T10:30:00.0000000Z")
    );
    let range = time_range(&args(json!({"start": "-2w@d"})), &ctx).unwrap();
    assert_eq!(
        range.timespan_iso(),
        "2024-01-01T00:00:00.000Z/2024-01-15T10:30:00.000Z"
    );
    let e = run(q, json!({"start": "last tuesday"})).unwrap_err().to_string();
    assert!(
        e.starts_with("parameter 'start': 'last tuesday' is not a datetime: use ISO 8601 text"),
        "{e}"
    );
}

#[test]
fn lists_aliases_and_overrides() {
    let c = sentinel();
    let ti = c.get("ThreatIntelligence.list_indicators_by_ip").unwrap();
    let from_array = run(
        ti,
        json!({"ip_address_list": ["10.0.0.1", "10.0.0.2"], "query_project": "", "start": "2024-01-14"}),
    )
    .unwrap();
    assert_eq!(
        from_array,
        "ThreatIntelIndicators  | where TimeGenerated >= datetime(2024-01-14T00:00:00.0000000Z) \
         | where TimeGenerated <= datetime(2024-01-15T10:30:00.0000000Z) \
         | where ObservableKey in (\"ipv4-addr:value\", \"ipv6-addr:value\") and ObservableValue in ('10.0.0.1', '10.0.0.2') \
         | extend IoC = tolower(ObservableValue) | summarize arg_max(TimeGenerated, *) by Id"
    );
    // A comma-separated string, given under the parameter's alias.
    let from_text = run(
        ti,
        json!({"observables": " 10.0.0.1,10.0.0.2 , ", "query_project": "", "start": "2024-01-14"}),
    )
    .unwrap();
    assert_eq!(from_text, from_array);

    let events = c.get("WindowsSecurity.list_events_by_id").unwrap();
    let text = run(
        events,
        json!({"event_list": [4624, 4625], "query_project": "", "add_query_items": "| take 10"}),
    )
    .unwrap();
    assert_eq!(
        text,
        "SecurityEvent  | where EventID in (4624, 4625) | where TimeGenerated >= datetime(2024-01-14T10:30:00.0000000Z) \
         | where TimeGenerated <= datetime(2024-01-15T10:30:00.0000000Z) | take 10"
    );

    // The source-level alias `resource` for `resource_id`, and a raw `{table}` override (KQL, not escaped).
    let res = c.get("Azure.list_azure_activity_for_resource").unwrap();
    let text = run(
        res,
        json!({"resource": "/subscriptions/abc", "table": "AzureActivity | where Level == 'Error'"}),
    )
    .unwrap();
    assert_eq!(
        text,
        "AzureActivity | where Level == 'Error' | where ResourceId has \"/subscriptions/abc\" \
         | where TimeGenerated >= datetime(2024-01-14T10:30:00.0000000Z) \
         | where TimeGenerated <= datetime(2024-01-15T10:30:00.0000000Z)"
    );
    // Unknown names are an error (msticpy ignores them), with the closest name and every name.
    let e = run(res, json!({"resource": "/subscriptions/abc", "resource_ids": "x"})).unwrap_err().to_string();
    assert_eq!(
        e,
        "Azure.list_azure_activity_for_resource: unknown option 'resource_ids' (did you mean 'resource_id'?). \
         Options are: table, resource_id, resource, start, end, add_query_items, print, timeout, signal"
    );
}

#[test]
fn missing_required_parameters() {
    let c = sentinel();
    let q = c.get("WindowsSecurity.get_process_tree").unwrap();
    let e = run(q, json!({"process_name": "cmd.exe"})).unwrap_err().to_string();
    assert_eq!(
        e,
        "missing required parameter(s) for WindowsSecurity.get_process_tree: host_name, logon_session_id, process_id"
    );
    let e = run(q, json!({})).unwrap_err().to_string();
    assert_eq!(
        e,
        "missing required parameter(s) for WindowsSecurity.get_process_tree: host_name, logon_session_id, process_id, process_name"
    );
    // null counts as not given
    let e = run(
        c.get("SecurityAlert.get_alert").unwrap(),
        json!({"system_alert_id": null}),
    )
    .unwrap_err()
    .to_string();
    assert_eq!(
        e,
        "missing required parameter(s) for SecurityAlert.get_alert: system_alert_id"
    );
}

#[test]
fn values_cannot_break_out_of_string_literals() {
    let c = sentinel();
    let q = c.get("WindowsSecurity.get_host_logon").unwrap();
    let text = run(
        q,
        json!({"host_name": "x\" | take 1 //", "logon_session_id": "0x3e7", "event_filter": "", "query_project": ""}),
    )
    .unwrap();
    assert_eq!(
        text,
        r#"SecurityEvent   | where true | where Computer has "x\" | take 1 //" | where TimeGenerated >= datetime(2024-01-14T10:30:00.0000000Z) | where TimeGenerated <= datetime(2024-01-15T10:30:00.0000000Z) | where TargetLogonId == "0x3e7""#
    );
    let q = inline(
        "T | where a == '{name}' | where b == @'{name}' | where c == \"{path}\" | where d matches regex @\"{path}\"",
        "{name: {type: str}, path: {type: str}}",
    );
    let text = run(&q, json!({"name": "it's", "path": "C:\\Users\\bob\"\n"})).unwrap();
    assert_eq!(
        text,
        "T | where a == 'it\\'s' | where b == @'it''s' | where c == \"C:\\\\Users\\\\bob\\\"\\n\" \
         | where d matches regex @\"C:\\Users\\bob\"\"\n\""
    );
    // A list item is a single-quoted literal of its own.
    let q = inline("T | where x in ({l})", "{l: {type: list}}");
    assert_eq!(
        run(&q, json!({"l": ["a'b", "c\\d"]})).unwrap(),
        r"T | where x in ('a\'b', 'c\\d')"
    );
    // Defaults are the author's KQL: msticpy's path separator '\\' stays as it is.
    let q = c.get("SecurityAlert.list_related_alerts").unwrap();
    assert!(run(q, json!({})).unwrap().contains(r#"split(src_proc, "\\")[-1]"#));
}

#[test]
fn braces_and_extra_items() {
    let q = inline(
        "T | extend d = dynamic({{\"a\": {n}}}) | where s == \"{{{s}}}\" {add_query_items}",
        "{n: {type: int}, s: {type: str}, add_query_items: {type: str, default: ''}}",
    );
    assert_eq!(
        run(&q, json!({"n": "5", "s": "x"})).unwrap(),
        r#"T | extend d = dynamic({"a": 5}) | where s == "{x}""#
    );
    assert_eq!(
        run(&q, json!({"n": 5, "s": "x", "add_query_items": "| take 3"})).unwrap(),
        r#"T | extend d = dynamic({"a": 5}) | where s == "{x}" | take 3"#
    );
    // No placeholder for it: appended on a new line.
    let q = inline("  T | take 5  ", "{}");
    assert_eq!(
        run(&q, json!({"add_query_items": "| project A"})).unwrap(),
        "T | take 5\n| project A"
    );
    assert_eq!(run(&q, json!({})).unwrap(), "T | take 5");
}

#[test]
fn macros_in_both_syntaxes() {
    let yaml = r#"
metadata: {data_families: [Test]}
defaults:
  query_macros:
    cond: {description: default, value: '| where Host == "{host}"'}
sources:
  q:
    args: {query: 'T $<cond>$ {proj} $<missing>$ | take 1'}
    parameters: {host: {type: str}}
    query_macros:
      proj: {description: projection, value: '| project Host'}
"#;
    let mut c = Catalog::new();
    c.load_yaml(yaml, "macros.yaml").unwrap();
    let q = c.get("q").unwrap();
    assert_eq!(
        run(q, json!({"host": "a\"b"})).unwrap(),
        r#"T | where Host == "a\"b" | project Host  | take 1"#
    );
}

#[test]
fn garbage_is_an_error_never_a_panic() {
    let mut c = Catalog::new();
    for (text, want) in [
        ("", "could not read query file g.yaml: the file is empty"),
        (
            "sources: 5",
            "could not read query file g.yaml: `sources` must be a mapping of queries, not a number",
        ),
        ("metadata: [unclosed\n  sources:", "could not read query file g.yaml: "),
        ("\t- :\n:\n", "could not read query file g.yaml: "),
        ("just text", "expected a mapping"),
        (
            "metadata: {data_families: F}\nsources: {q: {args: {query: 5}}}",
            "`args.query`",
        ),
    ] {
        let e = c.load_yaml(text, "g.yaml").unwrap_err().to_string();
        assert!(
            e.starts_with("could not read query file g.yaml") && e.contains(want),
            "{text:?}: {e}"
        );
    }
    let e = c
        .load_yaml("metadata: [unclosed\n  sources:", "g.yaml")
        .unwrap_err()
        .to_string();
    assert!(e.contains("line"), "{e}");
    assert!(c.is_empty());

    for (template, want) in [
        (
            "T | where x == {a",
            "Test.q: unclosed '{' at character 15 of the query template: '{a'",
        ),
        ("T | where x == a}", "Test.q: single '}' at character 16"),
        ("T {a} {b.c}", "Test.q: unsupported placeholder at character 6"),
        (
            "T {zzz}",
            "Test.q: the template uses {zzz}, which is not one of its parameters (a)",
        ),
    ] {
        let q = inline(template, "{a: {type: str, default: x}}");
        assert_eq!(q.template, template);
        let e = run(&q, json!({})).unwrap_err().to_string();
        assert!(e.starts_with(want), "{template}: {e}");
        // help still works on a broken template
        assert!(!q.template.is_empty());
    }
    // Odd argument values are errors too.
    let q = inline(
        "T {n} {d} {l}",
        "{n: {type: int, default: 1}, d: {type: datetime, default: -1}, l: {type: list, default: []}}",
    );
    assert_eq!(run(&q, json!({})).unwrap(), "T 1 2024-01-14T10:30:00.0000000Z");
    for a in [
        json!({"n": [1]}),
        json!({"n": 1e300}),
        json!({"d": {}}),
        json!({"d": "-1x"}),
        json!({"l": {"a": 1}}),
        json!({"d": 1e300}),
    ] {
        assert!(run(&q, a.clone()).is_err(), "{a}");
    }
}

#[test]
fn hostile_yaml() {
    let mut c = Catalog::new();
    let deep = format!("sources: {}{}", "[".repeat(100_000), "]".repeat(100_000));
    let e = c.load_yaml(&deep, "deep.yaml").unwrap_err().to_string();
    assert!(e.contains("brackets nested more than 256 deep"), "{e}");
    let e = c
        .load_yaml(&format!("sources: {}{}", "[".repeat(200), "]".repeat(200)), "deep.yaml")
        .unwrap_err()
        .to_string();
    assert!(e.contains("recursion limit"), "{e}");
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 0..12 {
        bomb.push_str(&format!(
            "b{i}: &b{i} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n",
            p = if i == 0 { "a".to_string() } else { format!("b{}", i - 1) }
        ));
    }
    let e = c.load_yaml(&bomb, "bomb.yaml").unwrap_err().to_string();
    assert!(e.contains("repetition limit"), "{e}");
    let e = c.load_yaml("a: 1\n---\nb: 2\n", "two.yaml").unwrap_err().to_string();
    assert!(e.contains("more than one document"), "{e}");
}
