//! The pivot registry on the built-in catalog (`queries/`) and on msticpy's own query files.

use std::path::PathBuf;

use huntbook::entity::EntityKind;
use huntbook::pivot::{container_for_environment, FunctionKind, KeyRule, Registry};
use huntbook::query::{builtin, catalog::Catalog};

fn registry() -> Registry {
    let mut r = Registry::new();
    let catalog = builtin::catalog().unwrap();
    let container = container_for_environment(&catalog.queries()[0].data_environments[0]);
    assert_eq!(container, "MSSentinel");
    assert_eq!(r.add_catalog(&catalog, &container), 47);
    r
}

#[test]
fn function_counts_per_entity_from_our_catalog() {
    let r = registry();
    println!("pivot functions per entity (built-in catalog + enrichment/utility):");
    for (k, n) in r.counts() {
        let queries = r.functions(Some(k)).iter().filter(|f| f.kind == FunctionKind::Query).count();
        println!("  {:<14} {n:>3}  ({queries} queries, {} built-in)", k.name(), n - queries);
    }
    let counts: Vec<String> = r.counts().iter().map(|(k, n)| format!("{k}:{n}")).collect();
    assert_eq!(counts.join(" "), "Account:12 Host:15 IpAddress:17 Dns:6 Url:8 File:2 Process:4 AzureResource:1");
    assert_eq!(r.functions(None).len(), 65);
}

#[test]
fn names_of_real_queries() {
    let r = registry();
    let ip = EntityKind::IpAddress;
    let f = r.find(ip, "MSSentinel.list_aad_signins_for_ip").unwrap();
    assert_eq!(f.names, ["list_aad_signins_for_ip", "aad_signins", "Azure_list_aad_signins_for_ip"]);
    assert_eq!(f.direct.as_deref(), Some("aad_signins"));
    assert_eq!((f.input_param.as_str(), f.attribute.as_str(), f.list), ("ip_address_list", "Address", true));
    assert_eq!((f.key_columns.as_slice(), f.key_rule), (&["IPAddress".to_string()][..], KeyRule::Equal));
    assert_eq!(f.query.as_deref(), Some("Azure.list_aad_signins_for_ip"));
    assert!(f.template.as_deref().unwrap().contains("| where IPAddress in ({ip_address_list})"));
    // the same function by every name
    for path in ["MSSentinel.aad_signins", "aad_signins", "MSSentinel.Azure_list_aad_signins_for_ip", "IpAddress.MSSentinel.aad_signins"] {
        assert_eq!(r.find(ip, path).unwrap().full_name(), "IpAddress.MSSentinel.list_aad_signins_for_ip", "{path}");
    }
    // AzureActivity and Office365 both have list_activity_for_ip: the name goes to neither
    let e = r.find(ip, "MSSentinel.list_activity_for_ip").unwrap_err().to_string();
    assert!(e.starts_with("pivot: IpAddress has no function 'MSSentinel.list_activity_for_ip'"), "{e}");
    assert_eq!(r.find(ip, "MSSentinel.AzureActivity_list_activity_for_ip").unwrap().full_name(), "IpAddress.MSSentinel.azure_azure_activity");
    assert_eq!(r.find(ip, "o365_activity").unwrap().full_name(), "IpAddress.MSSentinel.o365_activity");
    assert_eq!(r.find(ip, "MSSentinel.Office365_list_activity_for_ip").unwrap().query.as_deref(), Some("Office365.list_activity_for_ip"));
    // a list query on several columns, and one matched by has_any
    let t = r.find(ip, "MSSentinel.list_traffic_for_ip").unwrap();
    assert_eq!((t.key_columns.clone(), t.key_rule), (vec!["SourceIP".to_string(), "DestinationIP".to_string()], KeyRule::Equal));
    let a = r.find(ip, "MSSentinel.list_alerts_for_ip").unwrap();
    assert_eq!((a.input_param.as_str(), a.key_rule), ("source_ip_list", KeyRule::Contains));
    // Host and Account
    assert_eq!(r.find(EntityKind::Host, "wevt_processes").unwrap().full_name(), "Host.MSSentinel.list_host_processes");
    assert_eq!(r.find(EntityKind::Host, "MSSentinel.list_host_processes").unwrap().attribute, "fqdn");
    assert_eq!(r.find(EntityKind::Account, "wevt_logons").unwrap().query.as_deref(), Some("WindowsSecurity.list_logons_for_account"));
    assert_eq!(r.find(EntityKind::Account, "syslog_ssh_logons").unwrap().query.as_deref(), Some("LinuxSyslog.list_logons_for_account"));
    // a query whose other required parameter no Process attribute gives: listed, the caller gives it
    let p = r.find(EntityKind::Process, "MSSentinel.list_processes_for_host_and_parent").unwrap();
    assert_eq!((p.input_param.as_str(), p.attribute.as_str()), ("process_id", "ProcessId"));
    assert_eq!(p.entity_params, [("process_name".to_string(), "ProcessFilePath".to_string())]);
    let host = p.params.iter().find(|x| x.name == "host_name").unwrap();
    assert!(host.required);
    assert_eq!(p.example(), "await Process.MSSentinel.list_processes_for_host_and_parent(\"0x1a2c\", { host_name: <str> })");
    // the built-ins are there too, in their containers and directly
    assert_eq!(r.find(ip, "tilookup_ip").unwrap().full_name(), "IpAddress.ti.lookup_ip");
    assert_eq!(r.find(EntityKind::Dns, "dns_resolve").unwrap().full_name(), "Dns.util.dns_resolve");
    // did you mean
    let e = r.find(ip, "MSSentinel.aad_signin").unwrap_err().to_string();
    assert!(e.contains("(did you mean 'MSSentinel.aad_signins'?)") && e.contains("It has 17 functions in containers MSSentinel, ti, util"), "{e}");
    // search
    let found: Vec<String> = r.search("whois").iter().map(|f| f.full_name()).collect();
    assert_eq!(found, ["IpAddress.util.whois"]);
    let found: Vec<String> = r.search("signins account").iter().map(|f| f.full_name()).collect();
    assert_eq!(found, ["Account.MSSentinel.list_aad_signins_for_account"]);
    // the JSON the JS API lists
    let j = f.to_json();
    assert_eq!(j["fullName"], "IpAddress.MSSentinel.list_aad_signins_for_ip");
    assert_eq!(j["entity"], "IpAddress");
    assert_eq!(j["kind"], "query");
    assert_eq!(j["keyColumn"], "IPAddress");
    assert_eq!(j["example"], "await IpAddress.aad_signins([\"185.220.101.45\"])");
    assert_eq!(j["params"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect::<Vec<_>>(), ["table", "start", "end", "add_query_items"]);
}

#[test]
fn msticpys_own_query_files_load_into_the_registry() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/msticpy-queries");
    let mut catalog = Catalog::new();
    catalog.load_yaml(&std::fs::read_to_string(dir.join("kql_sent_azure.yaml")).unwrap(), "kql_sent_azure.yaml").unwrap();
    let mut r = Registry::new();
    let added = r.add_catalog(&catalog, &container_for_environment("LogAnalytics"));
    assert_eq!(added, 9, "10 queries; list_all_signins_geo takes no entity");
    let ip = EntityKind::IpAddress;
    assert_eq!(r.find(ip, "MSSentinel.aad_signins").unwrap().query.as_deref(), Some("Azure.list_aad_signins_for_ip"));
    assert_eq!(r.find(ip, "MSSentinel.az_stor_storage_ops").unwrap().query.as_deref(), Some("Azure.list_storage_ops_for_ip"));
    assert_eq!(r.find(ip, "MSSentinel.VMComputer_vmcomputer").unwrap().query.as_deref(), Some("Azure.get_vmcomputer_for_ip"));
    assert_eq!(r.find(EntityKind::File, "MSSentinel.list_storage_ops_for_hash").unwrap().attribute, "file_hash");
    assert_eq!(r.find(EntityKind::AzureResource, "azure_activity").unwrap().query.as_deref(), Some("Azure.list_azure_activity_for_resource"));
    // every msticpy Sentinel file together
    let mut all = Catalog::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.starts_with("kql_sent_") {
            all.load_yaml(&std::fs::read_to_string(&path).unwrap(), &name).unwrap();
        }
    }
    let mut r = Registry::new();
    let n = r.add_catalog(&all, "MSSentinel");
    println!("msticpy's Sentinel queries: {} queries → {n} query pivots", all.len());
    for (k, n) in r.counts() {
        println!("  {:<14} {n:>3}", k.name());
    }
    assert!(n > 60, "{n}");
    // every query pivot has a unique full name, and every name finds its function
    let fulls: Vec<String> = r.functions(None).iter().map(|f| f.full_name()).collect();
    let mut dedup = fulls.clone();
    dedup.sort();
    dedup.dedup();
    assert_eq!(dedup.len(), fulls.len());
    for f in r.functions(None) {
        for name in &f.names {
            assert_eq!(r.find(f.entity, &format!("{}.{name}", f.container)).unwrap().full_name(), f.full_name());
        }
    }
}
