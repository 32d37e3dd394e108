//! The shipped IANA bootstrap, and whois of a table through scripted Cymru-over-DoH and RDAP answers: each distinct
//! IP asked once, non-public addresses never sent, `rdap_url` replacing every base (up links too), the join.

use serde_json::{json, Value};

use super::*;
use crate::enrich::dns::DohResolver;
use crate::enrich::whois::{parse_bootstrap, rdap_asn_base_url, rdap_base_url, rebase_rdap_url};
use crate::net::testing::*;
use crate::net::{HttpRequest, HttpResponse, NetError};

const BOOTSTRAP: &[u8] = include_bytes!("../rdap_bootstrap.json");

fn base(ip: &str) -> Option<String> {
    let boot = parse_bootstrap(BOOTSTRAP).unwrap();
    let addr = ip.parse().unwrap();
    boot.iter().find_map(|b| rdap_base_url(b, addr))
}

#[test]
fn shipped_bootstrap_chooses_registries() {
    let boot = parse_bootstrap(BOOTSTRAP).unwrap();
    assert_eq!(boot.len(), 3);
    let v: Value = serde_json::from_slice(BOOTSTRAP).unwrap();
    assert_eq!(v["ipv4"]["publication"], "2019-06-07T19:00:02Z");
    assert_eq!(v["ipv6"]["publication"], "2024-11-01T22:00:01Z");
    assert_eq!(v["asn"]["publication"], "2025-01-17T20:00:02Z");
    assert_eq!(base("13.107.4.50").as_deref(), Some("https://rdap.arin.net/registry/"));
    assert_eq!(base("24.16.133.227").as_deref(), Some("https://rdap.arin.net/registry/"));
    assert_eq!(base("185.220.101.45").as_deref(), Some("https://rdap.db.ripe.net/"));
    assert_eq!(base("1.1.1.1").as_deref(), Some("https://rdap.apnic.net/"));
    assert_eq!(base("41.1.2.3").as_deref(), Some("https://rdap.afrinic.net/rdap/"));
    assert_eq!(base("200.1.2.3").as_deref(), Some("https://rdap.lacnic.net/rdap/"));
    assert_eq!(base("2a00:1450:4001::1").as_deref(), Some("https://rdap.db.ripe.net/"));
    assert_eq!(base("2600:1f18::1").as_deref(), Some("https://rdap.arin.net/registry/"));
    assert_eq!(base("2001:4200::1").as_deref(), Some("https://rdap.afrinic.net/rdap/"));
    assert_eq!(base("2400:cb00::1").as_deref(), Some("https://rdap.apnic.net/"));
    assert_eq!(base("2800:3f0::1").as_deref(), Some("https://rdap.lacnic.net/rdap/"));
    assert_eq!(base("10.0.0.1"), None, "10/8 is not in the bootstrap");
    assert_eq!(rdap_asn_base_url(&v["asn"], 8068).as_deref(), Some("https://rdap.arin.net/registry/"));
    assert_eq!(rdap_asn_base_url(&v["asn"], 60729).as_deref(), Some("https://rdap.db.ripe.net/"));
    assert_eq!(rdap_asn_base_url(&v["asn"], 2043).as_deref(), Some("https://rdap.db.ripe.net/"));
    assert_eq!(rdap_asn_base_url(&v["asn"], 64512), None);
    let one = parse_bootstrap(v["ipv6"].to_string().as_bytes()).unwrap();
    assert_eq!(one.len(), 1);
    assert!(parse_bootstrap(b"{\"ipv4\": {}}").unwrap_err().to_string().contains("IANA's bootstrap JSON"));
    assert!(parse_bootstrap(b"[]").is_err());
    assert_eq!(
        rebase_rdap_url("https://rdap.arin.net/registry/ip/13.64.0.0/11", "http://127.0.0.1:9/rdap/").as_deref(),
        Some("http://127.0.0.1:9/rdap/ip/13.64.0.0/11")
    );
    assert_eq!(rebase_rdap_url("https://rdap.arin.net/registry/entity/X", "http://h/"), None);
}

fn txt(s: &str) -> Value {
    json!({"Status": 0, "Answer": [{"name": "x", "type": 16, "TTL": 60, "data": format!("\"{s}\"")}]})
}

/// Cymru and RDAP for 13.107.4.50 (arin, an up link), 24.16.133.227 (arin) and 185.220.101.45 (ripe), anywhere.
fn services(req: &HttpRequest) -> std::result::Result<HttpResponse, NetError> {
    let u = req.url.as_str();
    let rdap = |handle: &str, start: &str, up: Option<&str>| {
        let mut v = json!({"objectClassName": "ip network", "handle": handle, "name": handle, "startAddress": start,
            "endAddress": start, "cidr0_cidrs": [{"v4prefix": start, "length": 24}], "links": []});
        if let Some(up) = up {
            v["links"] = json!([{"rel": "up", "href": up}]);
        }
        v
    };
    let body = if u.contains("name=50.4.107.13.origin.asn.cymru.com") {
        txt("8068 | 13.107.4.0/24 | US | arin | 2015-03-26")
    } else if u.contains("name=227.133.16.24.origin.asn.cymru.com") {
        txt("7922 | 24.16.0.0/13 | US | arin | 1996-07-10")
    } else if u.contains("name=45.101.220.185.origin.asn.cymru.com") {
        txt("60729 | 185.220.101.0/24 | DE | ripencc | 2016-03-08")
    } else if u.contains("name=AS8068.asn.cymru.com") {
        txt("8068 | US | arin | 2015-03-26 | MICROSOFT-CORP-MSN-AS-BLOCK, US")
    } else if u.contains("name=AS7922.asn.cymru.com") {
        txt("7922 | US | arin | 1996-07-10 | COMCAST-7922, US")
    } else if u.contains("name=AS60729.asn.cymru.com") {
        txt("60729 | DE | ripencc | 2016-03-08 | ZWIEBELFREUNDE, DE")
    } else if u.ends_with("/ip/13.107.4.50") {
        rdap("NET-13-107-4-0", "13.107.4.0", Some("https://rdap.arin.net/registry/ip/13.64.0.0/11"))
    } else if u.ends_with("/ip/13.64.0.0/11") {
        rdap("NET-13-64-0-0-1", "13.64.0.0", None)
    } else if u.ends_with("/ip/24.16.133.227") {
        rdap("NET-24-16-0-0-1", "24.16.0.0", None)
    } else if u.ends_with("/ip/185.220.101.45") {
        rdap("ZWIEBEL-NET", "185.220.101.0", None)
    } else if u.contains(".cymru.com") {
        json!({"Status": 3})
    } else {
        return response(404, &[], "{}");
    };
    response(200, &[], &body.to_string())
}

fn client(rdap_url: Option<&str>) -> WhoisClient {
    let mut c = WhoisClient::new(DohResolver::new(Some("https://doh.test/dns-query")));
    c.bootstrap = parse_bootstrap(BOOTSTRAP).unwrap();
    c.rdap_url = rdap_url.map(String::from);
    c
}

fn values() -> Vec<String> {
    let mut v = Vec::new();
    for i in 0..300 {
        v.push(["13.107.4.50", "24.16.133.227", "185.220.101.45", "10.0.0.1", "203.0.113.66", "not-an-ip"][i % 6].into());
    }
    v.push(" 13.107.4.50 ".into()); // the same address written differently: still asked once
    v
}

#[test]
fn a_table_asks_each_distinct_ip_once() {
    let t = Scripted::routed(services);
    let cache = ResponseCache::new(1000, 1 << 20);
    let rows = block_on(lookup_many(&client(None), &t, values(), Some(&cache), || false)).unwrap();
    assert_eq!(rows.len(), 7, "one row per distinct value");
    let sent: Vec<String> = t.sent.borrow().iter().map(|r| r.url.clone()).collect();
    let count = |needle: &str| sent.iter().filter(|u| u.contains(needle)).count();
    assert_eq!(count("origin.asn.cymru.com"), 3, "{sent:#?}");
    assert_eq!(count("name=50.4.107.13.origin"), 1);
    assert_eq!(count("/ip/13.107.4.50"), 1);
    assert_eq!(count("/ip/24.16.133.227"), 1);
    assert_eq!(count("https://rdap.db.ripe.net/ip/185.220.101.45"), 1, "ripe from the bootstrap");
    assert_eq!(count("https://rdap.arin.net/registry/ip/13.64.0.0/11"), 1, "the up link");
    assert_eq!(count("10.0.0.1") + count("203.0.113.66") + count("not-an-ip"), 0, "never sent");
    assert_eq!(sent.len(), 3 + 3 + 3 + 1);

    let f = whois_frame(&rows).unwrap();
    let text = |col: &str, row: usize| -> Option<String> {
        f.column(col).unwrap().str().unwrap().get(row).map(String::from)
    };
    assert_eq!(text("query", 0).as_deref(), Some("13.107.4.50"));
    assert_eq!(text("asn", 0).as_deref(), Some("8068"));
    assert_eq!(text("AsnDescription", 0).as_deref(), Some("MICROSOFT-CORP-MSN-AS-BLOCK, US"));
    assert_eq!(text("asn_registry", 2).as_deref(), Some("ripencc"));
    assert_eq!(text("Status", 1).as_deref(), Some("ok"));
    let nets: Value = serde_json::from_str(&text("nets", 0).unwrap()).unwrap();
    assert_eq!(nets[0]["handle"], "NET-13-107-4-0");
    assert_eq!(nets[1]["handle"], "NET-13-64-0-0-1");
    assert_eq!(nets[1]["startAddress"], "13.64.0.0");
    let data: Value = serde_json::from_str(&text("WhoIsData", 1).unwrap()).unwrap();
    assert_eq!(data["asn_cidr"], "24.16.0.0/13");
    assert_eq!(data["query"], "24.16.133.227");
    assert_eq!(text("Status", 3).as_deref(), Some("not public (Private): not looked up"));
    assert_eq!(text("IpType", 4).as_deref(), Some("Reserved"));
    assert_eq!(text("asn", 4), None);
    assert_eq!(text("Status", 5).as_deref(), Some("not an IP address"));
    assert_eq!(text("IpType", 5), None);
    assert_eq!(text("query", 6).as_deref(), Some(" 13.107.4.50 "));
    assert_eq!(text("asn", 6).as_deref(), Some("8068"));
    assert_eq!(f.la_type("nets").unwrap(), LaType::Dynamic);

    // A second call in the session: the cache answers, nothing is sent.
    block_on(lookup_many(&client(None), &t, values(), Some(&cache), || false)).unwrap();
    assert_eq!(t.sent.borrow().len(), 10);
}

#[test]
fn rdap_url_replaces_every_base_and_errors_are_rows() {
    let t = Scripted::routed(services);
    let rows = block_on(lookup_many(
        &client(Some("http://127.0.0.1:9/rdap/")),
        &t,
        ["13.107.4.50".to_string(), "8.8.8.8".to_string()],
        None,
        || false,
    ))
    .unwrap();
    let rdap: Vec<String> =
        t.sent.borrow().iter().map(|r| r.url.clone()).filter(|u| !u.contains("cymru")).collect();
    assert_eq!(rdap, ["http://127.0.0.1:9/rdap/ip/13.107.4.50", "http://127.0.0.1:9/rdap/ip/13.64.0.0/11"]);
    match &rows[0].outcome {
        Outcome::Found(w) => assert_eq!(w.nets.len(), 2),
        other => panic!("{other:?}"),
    }
    assert_eq!(rows[1].outcome, Outcome::Failed("Team Cymru has no ASN for 8.8.8.8".into()));
    let f = whois_frame(&rows).unwrap();
    assert_eq!(
        f.column("Status").unwrap().str().unwrap().get(1),
        Some("error: Team Cymru has no ASN for 8.8.8.8")
    );
    let cancelled = block_on(lookup_many(&client(None), &t, ["13.107.4.50".to_string()], None, || true));
    assert!(matches!(cancelled, Err(Error::Cancelled)));
}

#[test]
fn joins_onto_the_input_table() {
    let input = Frame::new(
        "SigninLogs",
        df!("IPAddress" => ["24.16.133.227", "10.0.0.1", "24.16.133.227"], "User" => ["a", "b", "c"]).unwrap(),
    );
    let values = column_values(&input, "IPAddress").unwrap();
    assert_eq!(values.len(), 3);
    let t = Scripted::routed(services);
    let rows = block_on(lookup_many(&client(None), &t, values, None, || false)).unwrap();
    assert_eq!(rows.len(), 2);
    let joined = join_whois(&input, "IPAddress", &whois_frame(&rows).unwrap()).unwrap();
    assert_eq!(joined.height(), 3);
    assert_eq!(joined.name, "SigninLogs");
    let names = joined.column_names();
    assert!(names.starts_with(&["IPAddress".to_string(), "User".to_string()]), "{names:?}");
    assert!(names.contains(&"AsnDescription".to_string()) && names.contains(&"WhoIsData".to_string()));
    let asn = joined.column("AsnDescription").unwrap().str().unwrap().clone();
    assert_eq!(asn.get(0), Some("COMCAST-7922, US"));
    assert_eq!(asn.get(1), None);
    assert_eq!(asn.get(2), Some("COMCAST-7922, US"));
    assert!(column_values(&input, "IP").unwrap_err().to_string().contains("IPAddress"));
}

#[test]
fn demo_answers_replay_offline() {
    let answers = include_bytes!("../../../../demo_data/demo_answers.json");
    let replay = crate::net::Replay::from_json(answers, "the demo answers").unwrap();
    let mut c = WhoisClient::new(DohResolver::new(None));
    c.bootstrap = parse_bootstrap(BOOTSTRAP).unwrap();
    let ips = ["24.16.133.227", "185.220.101.45", "203.0.113.66", "9.9.9.9"].map(String::from);
    let rows = block_on(lookup_many(&c, &replay, ips, None, || false)).unwrap();
    let Outcome::Found(w) = &rows[0].outcome else { panic!("{:?}", rows[0]) };
    assert_eq!(w.asn.asn, "7922");
    assert_eq!(w.asn.asn_description, "COMCAST-7922, US");
    assert_eq!(w.nets.len(), 2, "the ARIN net and its /8 parent (rel: up)");
    assert_eq!(w.nets[1].handle, "NET24");
    let Outcome::Found(w) = &rows[1].outcome else { panic!("{:?}", rows[1]) };
    assert_eq!((w.asn.asn.as_str(), w.asn.asn_registry.as_str()), ("60729", "ripencc"));
    assert_eq!(rows[2].outcome, Outcome::NotPublic(IpType::Reserved));
    let Outcome::Failed(e) = &rows[3].outcome else { panic!("{:?}", rows[3]) };
    assert!(e.contains("no recorded demo answer for GET https://cloudflare-dns.com/dns-query?name=9.9.9.9.origin"), "{e}");
    let dns = block_on(DohResolver::new(None).resolve_types(
        &replay,
        "cdn-updates.northwind-sync.xyz",
        &crate::enrich::dns::DEFAULT_TYPES,
        None,
    ))
    .unwrap();
    assert_eq!(dns.len(), 1);
    assert_eq!((dns[0].record_type.as_str(), dns[0].data.as_str(), dns[0].ttl), ("A", "203.0.113.66", 60));
}
