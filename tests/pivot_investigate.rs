//! pivotAll's plan on the real registry (built-in catalog + enrichment/utility pivots) and the demo data's
//! "Communication with known C2 domain" alert: which pivots run on which of its entities (printed), and which not.

use huntbook::entity::alert_entities;
use huntbook::pivot::investigate::{plan, FunctionSpec, PlanOptions};
use huntbook::pivot::{container_for_environment, Registry};
use huntbook::query::builtin;

/// The `Entities` of the demo's C2 alert (demo_data/README.md, story step 4), as SecurityAlert holds them.
const C2_ENTITIES: &str = r#"[{"$id":"2","Type":"host","HostName":"WKS-FIN-07","DnsDomain":"contoso.com","OSFamily":"Windows"},
  {"$id":"3","Type":"ip","Address":"10.0.2.17"},{"$id":"4","Type":"ip","Address":"203.0.113.66"},
  {"$id":"5","Type":"dns","DomainName":"cdn-updates.northwind-sync.xyz"},
  {"$id":"6","Type":"url","Url":"https://cdn-updates.northwind-sync.xyz/api/beacon"}]"#;

fn functions() -> Vec<FunctionSpec> {
    let mut r = Registry::new();
    let catalog = builtin::catalog().unwrap();
    let container = container_for_environment(&catalog.queries()[0].data_environments[0]);
    r.add_catalog(&catalog, &container);
    let json: Vec<serde_json::Value> = r.functions(None).iter().map(|f| f.to_json()).collect();
    serde_json::from_value(serde_json::Value::Array(json)).unwrap()
}

#[test]
fn the_c2_alerts_plan() {
    let fs = functions();
    let entities = alert_entities(C2_ENTITIES).unwrap();
    let p = plan(&fs, &entities, &PlanOptions::default()).unwrap();
    assert_eq!(p.labels, ["WKS-FIN-07.contoso.com", "10.0.2.17", "203.0.113.66", "cdn-updates.northwind-sync.xyz",
        "https://cdn-updates.northwind-sync.xyz/api/beacon"]);
    println!("pivotAll on the C2 alert: {} calls, {} skipped", p.calls.len(), p.skipped.len());
    for c in &p.calls {
        println!("  run  {:<32} {}", p.labels[c.entity], c.function);
    }
    for s in &p.skipped {
        println!("  skip {:<32} {}: {}", p.labels[s.entity], s.function, s.reason);
    }
    let runs = |entity: usize, f: &str| p.calls.iter().any(|c| c.entity == entity && c.function == f);
    for ip in [1, 2] {
        for f in ["IpAddress.util.whois", "IpAddress.util.ip_type", "IpAddress.util.geoloc", "IpAddress.ti.lookup_ip",
            "IpAddress.MSSentinel.list_aad_signins_for_ip"] {
            assert!(runs(ip, f), "{f} on {}", p.labels[ip]);
        }
    }
    assert!(runs(0, "Host.MSSentinel.list_host_processes"));
    assert!(runs(3, "Dns.ti.lookup_dns") && runs(3, "Dns.util.dns_resolve"));
    assert!(runs(4, "Url.ti.lookup_url"));
    // the alert gives the Url alone: its Host is read from it, so the Url's DNS pivots run
    assert!(runs(4, "Url.util.dns_resolve") && runs(4, "Url.util.dns_components"));
    assert!(p.skipped.is_empty(), "{:?}", p.skipped.iter().map(|s| &s.reason).collect::<Vec<_>>());
    // every function of these entities' kinds is either run or skipped with a reason, each once
    let kinds = ["Host", "IpAddress", "IpAddress", "Dns", "Url"];
    for (i, k) in kinds.iter().enumerate() {
        let all = fs.iter().filter(|f| f.entity == *k).count();
        let seen = p.calls.iter().filter(|c| c.entity == i).count() + p.skipped.iter().filter(|s| s.entity == i).count();
        assert_eq!(seen, all, "{k} #{i}");
    }
    // only the functions asked for
    let only = PlanOptions { functions: Some(vec!["whois".into(), "MSSentinel.aad_signins".into()]) };
    let p = plan(&fs, &entities, &only).unwrap();
    let names: Vec<(usize, &str)> = p.calls.iter().map(|c| (c.entity, c.function.as_str())).collect();
    assert_eq!(names, [(1, "IpAddress.MSSentinel.list_aad_signins_for_ip"), (1, "IpAddress.util.whois"),
        (2, "IpAddress.MSSentinel.list_aad_signins_for_ip"), (2, "IpAddress.util.whois")]);
}
