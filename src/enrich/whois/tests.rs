//! Cymru and RDAP parsers on the fixtures, and whois of 13.107.4.50 through scripted DoH and RDAP answers
//! (including `rel: up` hops and their bound).

use serde_json::{json, Value};

use super::*;
use crate::net::testing::*;
use crate::net::{HttpResponse, NetError};

const CYMRU: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/fixtures/enrich/cymru_asn_13.107.4.50.txt"
));
const RDAP: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/fixtures/enrich/rdap_ip_13.107.4.50.json"
));

fn msft_asn() -> AsnInfo {
    AsnInfo {
        asn: "8068".into(),
        asn_cidr: "13.107.4.0/24".into(),
        asn_country_code: "US".into(),
        asn_registry: "arin".into(),
        asn_date: "2015-03-26".into(),
        asn_description: "MICROSOFT-CORP-MSN-AS-BLOCK, US".into(),
    }
}

fn msft_net() -> Net {
    Net {
        cidr: "13.64.0.0/11, 13.96.0.0/13, 13.104.0.0/14".into(),
        handle: "NET-13-64-0-0-1".into(),
        name: "MSFT".into(),
        start_address: "13.64.0.0".into(),
        end_address: "13.107.255.255".into(),
        created: Some("2015-03-26T13:58:18-04:00".into()),
        updated: Some("2021-12-14T20:28:53-05:00".into()),
        address: Some("One Microsoft Way\nRedmond\nWA\n98052\nUnited States".into()),
        emails: vec![
            "IOC@microsoft.com".into(),
            "abuse@microsoft.com".into(),
            "iphostmaster@microsoft.com".into(),
        ],
    }
}

#[test]
fn cymru_names_and_answers() {
    assert_eq!(
        cymru_origin_name("13.107.4.50".parse().unwrap()),
        "50.4.107.13.origin.asn.cymru.com"
    );
    assert_eq!(
        cymru_origin_name("2001:db8::1".parse().unwrap()),
        "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.origin6.asn.cymru.com"
    );
    assert_eq!(parse_cymru_verbose(CYMRU).unwrap(), msft_asn());
    let mut origin = parse_cymru_origin("8068 | 13.107.4.0/24 | US | arin | 2015-03-26").unwrap();
    origin.asn_description =
        parse_cymru_as_name("8068 | US | arin | 2015-03-26 | MICROSOFT-CORP-MSN-AS-BLOCK, US")
            .unwrap();
    assert_eq!(origin, msft_asn());
    let e = parse_cymru_origin("8068 | 13.107.4.0/24")
        .unwrap_err()
        .to_string();
    assert!(e.contains("expected 5 '|'-separated fields"), "{e}");
}

/// Found by `make fuzz` (target `enrich`): a header with more fields than the row, its `AS Name` past the row's end.
#[test]
fn cymru_verbose_header_longer_than_its_row() {
    let text = "AS | IP | BGP Prefix | X | X | X | X | CC | Registry | Allocated | AS Name\n\
                8068 | 13.107.4.50 | 13.107.4.0/24 | US | arin | 2015-03-26 | MICROSOFT-CORP-MSN-AS-BLOCK, US";
    let info = parse_cymru_verbose(text).unwrap();
    assert_eq!((info.asn.as_str(), info.asn_cidr.as_str()), ("8068", "13.107.4.0/24"));
    assert_eq!((info.asn_registry.as_str(), info.asn_description.as_str()), ("", ""));
}

#[test]
fn rdap_net_and_bootstrap() {
    let v: Value = serde_json::from_str(RDAP).unwrap();
    assert_eq!(parse_rdap_net(&v).unwrap(), msft_net());
    assert_eq!(rdap_up_link(&v), None);
    assert!(parse_rdap_net(&json!({"objectClassName": "entity"})).is_err());
    let boot = json!({"services": [
        [["13.0.0.0/8", "20.0.0.0/8"], ["http://rdap.arin.net/registry/", "https://rdap.arin.net/registry/"]],
        [["13.107.0.0/16"], ["https://rdap.example/"]],
        [["2001:db8::/32"], ["https://rdap.v6.example/"]]
    ]});
    assert_eq!(
        rdap_base_url(&boot, "13.1.2.3".parse().unwrap()).as_deref(),
        Some("https://rdap.arin.net/registry/")
    );
    assert_eq!(
        rdap_base_url(&boot, "13.107.4.50".parse().unwrap()).as_deref(),
        Some("https://rdap.example/")
    );
    assert_eq!(
        rdap_base_url(&boot, "2001:db8::1".parse().unwrap()).as_deref(),
        Some("https://rdap.v6.example/")
    );
    assert_eq!(rdap_base_url(&boot, "8.8.8.8".parse().unwrap()), None);
    assert_eq!(
        registry_rdap_base("RIPENCC"),
        Some("https://rdap.db.ripe.net/")
    );
    assert_eq!(registry_rdap_base("other"), None);
}

/// DoH and RDAP stand-ins: the fixture for 13.107.4.50 with an `up` link to a parent that links up to itself.
fn services(req: &HttpRequest) -> std::result::Result<HttpResponse, NetError> {
    let txt = |s: &str| json!({"Status": 0, "Answer": [{"name": "x", "type": 16, "TTL": 60, "data": format!("\"{s}\"")}]});
    let body = match req.url.as_str() {
        u if u.contains("name=50.4.107.13.origin.asn.cymru.com") => {
            txt("8068 | 13.107.4.0/24 | US | arin | 2015-03-26")
        }
        u if u.contains("name=AS8068.asn.cymru.com") => {
            txt("8068 | US | arin | 2015-03-26 | MICROSOFT-CORP-MSN-AS-BLOCK, US")
        }
        "https://rdap.arin.net/registry/ip/13.107.4.50" => {
            let mut v: Value = serde_json::from_str(RDAP).unwrap();
            v["links"]
                .as_array_mut()
                .unwrap()
                .push(json!({"rel": "up", "href": "https://rdap.arin.net/registry/ip/13.0.0.0"}));
            v
        }
        "https://rdap.arin.net/registry/ip/13.0.0.0" => json!({
            "objectClassName": "ip network", "handle": "NET-13-0-0-0-0", "name": "NET13", "startAddress": "13.0.0.0",
            "endAddress": "13.255.255.255", "cidr0_cidrs": [{"v4prefix": "13.0.0.0", "length": 8}],
            "links": [{"rel": "up", "href": "https://rdap.arin.net/registry/ip/13.0.0.0"}]
        }),
        _ => return response(404, &[], "{}"),
    };
    response(200, &[], &body.to_string())
}

#[test]
fn whois_of_13_107_4_50() {
    let t = Scripted::routed(services);
    let client = WhoisClient::new(DohResolver::new(None));
    let w = block_on(client.whois(&t, "13.107.4.50", None)).unwrap();
    assert_eq!(w.query, "13.107.4.50");
    assert_eq!(w.asn, msft_asn());
    assert_eq!(
        w.nets.len(),
        1 + MAX_UP_LINKS,
        "the self-referring up link is followed a bounded number of times"
    );
    assert_eq!(w.nets[0], msft_net());
    assert_eq!(
        (w.nets[1].handle.as_str(), w.nets[1].cidr.as_str()),
        ("NET-13-0-0-0-0", "13.0.0.0/8")
    );
    assert_eq!(w.nets[1].created, None);
    assert_eq!(t.sent.borrow().len(), 2 + 1 + MAX_UP_LINKS);
    assert_eq!(
        t.sent.borrow()[2].headers,
        [("Accept".to_string(), "application/rdap+json".to_string())]
    );

    let cache = ResponseCache::new(100, 1 << 20);
    block_on(client.whois(&t, "13.107.4.50", Some(&cache))).unwrap();
    let before = t.sent.borrow().len();
    block_on(client.whois(&t, "13.107.4.50", Some(&cache))).unwrap();
    assert_eq!(
        t.sent.borrow().len(),
        before,
        "a second whois of the same IP is answered from the cache"
    );

    let mut boot = WhoisClient::new(DohResolver::new(None));
    boot.bootstrap = vec![json!({"services": [[["13.107.0.0/16"], ["https://rdap.example/"]]]})];
    let e = block_on(boot.whois(&t, "13.107.4.50", None))
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("RDAP answered HTTP 404"),
        "the bootstrap chose the server: {e}"
    );
}

#[test]
fn private_and_unknown_addresses() {
    let t = Scripted::routed(|_| response(200, &[], r#"{"Status":3}"#));
    let client = WhoisClient::new(DohResolver::new(None));
    let e = block_on(client.whois(&t, "10.0.0.1", None))
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "10.0.0.1 is a Private address: whois is only for public IPs"
    );
    assert!(t.sent.borrow().is_empty());
    assert!(block_on(client.whois(&t, "13.107.4", None))
        .unwrap_err()
        .to_string()
        .contains("is not an IP address"));
    let e = block_on(client.whois(&t, "8.8.8.8", None))
        .unwrap_err()
        .to_string();
    assert_eq!(e, "Team Cymru has no ASN for 8.8.8.8");
}
