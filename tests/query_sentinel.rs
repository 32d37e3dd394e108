//! Importing Microsoft Sentinel hunting queries and analytics rules (issue #15): real YAML files from the
//! Azure-Sentinel repository (`tests/fixtures/sentinel_yaml/`, paths and commits in its README) become catalog
//! queries, render with the time range in place of `{{StartTimeISO}}`/`{{EndTimeISO}}`, and run on the demo data.

mod common;

use common::{demo_workspace, strs, DAY, NOW};
use huntbook::kql::execute;
use huntbook::query::catalog::Catalog;
use huntbook::query::params::{render, RenderContext};
use huntbook::time::{format_kql_datetime, TimeRange};
use serde_json::{json, Map, Value};

const FILES: [&str; 4] = [
    "AdminConsentGrantedToApplication.yaml",
    "sharepoint_downloads.yaml",
    "MailPermissionsAddedToApplication.yaml",
    "RareProcess_forWinHost.yaml",
];

fn read(name: &str) -> String {
    let path = format!("{}/tests/fixtures/sentinel_yaml/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn imported() -> Catalog {
    let mut c = Catalog::new();
    let files: Vec<(String, String)> = FILES.iter().map(|f| (format!("fixtures/{f}"), read(f))).collect();
    let r = c.import_sentinel_files(&files, None);
    assert!(r.failed.is_empty(), "{:?}", r.failed);
    assert_eq!(
        r.imported,
        [
            "SentinelHunting.AdminConsentGrantedToApplication",
            "SentinelHunting.sharepoint_downloads",
            "SentinelAnalytics.MailPermissionsAddedToApplication",
            "SentinelHunting.RareProcess_forWinHost",
        ]
    );
    c
}

/// The KQL of `name` over the 30 days up to `NOW`.
fn kql(c: &Catalog, name: &str, args: Value) -> String {
    let ctx = RenderContext { now_ns: NOW, time_range: TimeRange { start_ns: NOW - 30 * DAY, end_ns: NOW } };
    let args: Map<String, Value> = args.as_object().cloned().unwrap_or_default();
    render(c.get(name).unwrap(), &args, &ctx).unwrap()
}

#[test]
fn metadata_is_kept_with_msticpy_names() {
    let c = imported();
    let q = c.get("SentinelHunting.AdminConsentGrantedToApplication").unwrap();
    assert_eq!(q.data_source, "AuditLogs");
    assert!(q.description.starts_with("Hunting query that identifies admin consent grants"), "{}", q.description);
    let names: Vec<&str> = q.params.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["start", "end"]);
    let m = q.sentinel.as_ref().unwrap();
    assert_eq!(m["queryId"], "0364b6b6-65cf-4ba2-ad0d-9ce80e0ae71e");
    assert_eq!(m["name"], "Admin consent granted to application");
    assert_eq!(m["queryType"], "hunting");
    assert_eq!(m["tactics"], json!(["CredentialAccess", "Persistence"]));
    assert_eq!(m["relevantTechniques"], json!(["T1528", "T1098"]));
    assert_eq!(m["entityMappings"][1], json!({"entityType": "IP", "fieldMappings": [{"identifier": "Address", "columnName": "ActorIp"}]}));
    assert_eq!(m["entityMappings"][0]["fieldMappings"][0], json!({"identifier": "FullName", "columnName": "Actor"}));
    assert_eq!(m["requiredDataConnectors"][0]["connectorId"], "AzureActiveDirectory");
    assert_eq!(m["version"], "1.0.0");

    let rule = c.get("SentinelAnalytics.MailPermissionsAddedToApplication").unwrap().sentinel.clone().unwrap();
    assert_eq!(
        (&rule["queryType"], &rule["severity"], &rule["queryFrequency"], &rule["queryPeriod"], &rule["kind"]),
        (&json!("analytics"), &json!("Medium"), &json!("1d"), &json!("1d"), &json!("Scheduled"))
    );
    assert_eq!((&rule["triggerOperator"], &rule["triggerThreshold"]), (&json!("gt"), &json!("0")));
    assert_eq!(rule["tags"], json!(["Solorigate", "NOBELIUM"]));
    // No placeholders: no start/end parameters; the rule's own `ago()`-free text is unchanged.
    assert!(c.get("SentinelAnalytics.MailPermissionsAddedToApplication").unwrap().params.is_empty());

    let help = c.help("AdminConsentGrantedToApplication").unwrap();
    assert!(help.contains("Tactics:  CredentialAccess, Persistence\nTechniques:  T1528, T1098\n"), "{help}");
    assert!(help.contains("Entities:  Account(FullName=Actor, Name=AccountName, UPNSuffix=AccountUPNSuffix), IP(Address=ActorIp)"), "{help}");
    assert!(help.contains("let starttime = todatetime('{{StartTimeISO}}');"), "{help}");
}

#[test]
fn placeholders_take_the_time_range_and_the_rest_stays_as_written() {
    let c = imported();
    let text = kql(&c, "SentinelHunting.sharepoint_downloads", json!({}));
    let start = format_kql_datetime(NOW - 30 * DAY);
    assert!(text.starts_with(&format!("let starttime = todatetime('{start}');\nlet endtime = todatetime('{}');\nlet lookback = starttime - 14d;", format_kql_datetime(NOW))), "{text}");
    assert!(!text.contains("{{") && !text.contains("StartTimeISO"), "{text}");
    // the call's own start/end (any datetime form) win; added KQL is appended
    let text = kql(&c, "SentinelHunting.sharepoint_downloads", json!({"start": "2024-05-01", "end": "2024-05-02T06:00:00Z", "add_query_items": "| take 1"}));
    assert!(text.contains("todatetime('2024-05-01T00:00:00.0000000Z')") && text.contains("todatetime('2024-05-02T06:00:00.0000000Z')"), "{text}");
    assert!(text.ends_with("| extend IP_0_Address = ClientIP\n| take 1"), "{text}");
    // braces in the KQL are literal: AdminConsent's regex `[^,\]]*` and the rule's `(...)` survive
    let admin = kql(&c, "AdminConsentGrantedToApplication", json!({}));
    assert!(admin.contains(r"extract(@'Scope:\s*([^,\]]*)', 1, NewValue)"), "{admin}");
    let rule = kql(&c, "MailPermissionsAddedToApplication", json!({}));
    assert_eq!(rule, read("MailPermissionsAddedToApplication.yaml").split("query: |\n").nth(1).unwrap().split("\nentityMappings").next().unwrap().lines().map(|l| l.strip_prefix("  ").unwrap_or(l)).collect::<Vec<_>>().join("\n").trim());
}

#[test]
fn imported_queries_find_the_story_on_the_demo_data() {
    let c = imported();
    let data = demo_workspace();
    let admin = execute(&kql(&c, "AdminConsentGrantedToApplication", json!({})), &data, NOW).unwrap();
    assert_eq!(strs(&admin, "AppName"), ["contoso hr connector"]);
    assert_eq!(strs(&admin, "Actor"), ["james.miller@contoso.com"]);
    let mail = execute(&kql(&c, "MailPermissionsAddedToApplication", json!({})), &data, NOW).unwrap();
    assert_eq!(strs(&mail, "AppName"), ["Mail Backup Sync"]);
    assert_eq!(strs(&mail, "UserIPAddress"), ["185.220.101.45"]);
    // a range before the story's events finds nothing
    let early = kql(&c, "AdminConsentGrantedToApplication", json!({"start": "2024-01-01", "end": "2024-01-02"}));
    assert_eq!(execute(&early, &data, NOW).unwrap().height(), 0);
    let rare = execute(&kql(&c, "RareProcess_forWinHost", json!({})), &data, NOW).unwrap();
    assert!(rare.height() > 0 && strs(&rare, "HostCustomEntity").iter().all(|h| !h.is_empty()));
}

#[test]
fn names_families_and_collisions() {
    let mut c = imported();
    let admin = read("AdminConsentGrantedToApplication.yaml");
    // the same file again replaces it; another file with the same name gets a suffix
    assert_eq!(c.import_sentinel(&admin, "x/AdminConsentGrantedToApplication.yaml", None).unwrap(), "SentinelHunting.AdminConsentGrantedToApplication");
    let other = admin.replace("id: 0364b6b6", "id: 1364b6b6");
    assert_eq!(c.import_sentinel(&other, "AdminConsentGrantedToApplication.yml", None).unwrap(), "SentinelHunting.AdminConsentGrantedToApplication_2");
    assert_eq!(c.import_sentinel(&other.replace("id: 1", "id: 2"), "AdminConsentGrantedToApplication.yaml", None).unwrap(), "SentinelHunting.AdminConsentGrantedToApplication_3");
    // text without a file name: named from `name` (msticpy's rule); a family the caller names
    assert_eq!(c.import_sentinel(&read("MailPermissionsAddedToApplication.yaml"), "inline text 1", Some("MyRules")).unwrap(), "MyRules.MailRead_Permissions_Granted_to_Application");
    let e = c.import_sentinel(&admin, "a.yaml", Some("My Rules")).unwrap_err().to_string();
    assert!(e.contains("family 'My Rules' is not an identifier") && e.contains("'My_Rules'"), "{e}");
    assert_eq!(c.len(), 7);
}

#[test]
fn a_batch_imports_the_good_files_and_names_each_bad_one() {
    let mut c = Catalog::new();
    let files: Vec<(String, String)> = [
        ("good.yaml", read("sharepoint_downloads.yaml")),
        ("no_query.yaml", "id: x\nname: No query\ntactics: [Execution]\n".into()),
        ("bad.yaml", "name: [unclosed\nquery: x\n".into()),
        ("list.yaml", "- a\n- b\n".into()),
        ("empty.yaml", "".into()),
        ("deep.yaml", format!("query: {}", "[".repeat(300))),
        ("tactics.yaml", "query: T\nentityMappings: {a: 1}\n".into()),
        ("big.yaml", format!("query: '{}'", "x".repeat(1 << 20))),
    ]
    .into_iter()
    .map(|(s, t)| (s.to_string(), t))
    .collect();
    let r = c.import_sentinel_files(&files, None);
    assert_eq!(r.imported, ["SentinelHunting.good"]);
    let failed: Vec<(&str, &str)> = r.failed.iter().map(|(s, e)| (s.as_str(), e.as_str())).collect();
    let want = [
        ("no_query.yaml", "it has no `query` (the KQL)"),
        ("bad.yaml", "line 2"),
        ("list.yaml", "expected a mapping with `name` and `query`, found a list"),
        ("empty.yaml", "the file is empty"),
        ("deep.yaml", "brackets nested more than 256 deep"),
        ("tactics.yaml", "`entityMappings` must be a list, not a mapping"),
        ("big.yaml", "over the limit of 1048576"),
    ];
    assert_eq!(failed.len(), want.len(), "{failed:?}");
    for ((source, error), (ws, we)) in failed.iter().zip(want) {
        assert_eq!(*source, ws);
        assert!(error.contains(&format!("Sentinel query {ws}")) && error.contains(we), "{source}: {error}");
    }
    assert_eq!(c.len(), 1);
}
