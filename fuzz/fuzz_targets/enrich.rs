//! Enrichment answers: the first byte picks what reads the rest —
//! 0 a GeoLite2 `.mmdb` file (opened, looked up for IPv4/IPv6 addresses, as a table);
//! 1 a whois: the rest split at a NUL byte into the DNS-over-HTTPS answer (Team Cymru's TXT records) and the RDAP
//!   answer, served by a scripted transport to the real whois client;
//! 2 Team Cymru text, RDAP JSON and the IANA bootstrap read by the parsers directly, DNS-over-HTTPS JSON, and the
//!   text as a DNS name and a URL (`dns_components`, `url_components`);
//! 3–9 one threat-intelligence provider's answer (VirusTotal, OTX, AbuseIPDB, GreyNoise, X-Force, Tor, URLhaus),
//!   with the status from the next byte, to a real `TiSession` lookup of an IPv4, an IPv6, a domain, a URL, hashes
//!   and an email; 10 Sentinel's provider reading a Log Analytics answer as its indicator table.
#![no_main]

use std::net::IpAddr;

use huntbook::enrich::components::{dns_components, url_components};
use huntbook::enrich::dns::{parse_answer, records_frame, txt_text, DohResolver};
use huntbook::enrich::geo::GeoDb;
use huntbook::enrich::ti::{LookupOptions, TiSession};
use huntbook::enrich::whois::{
    parse_bootstrap, parse_cymru_as_name, parse_cymru_origin, parse_cymru_verbose, parse_rdap_net,
    rdap_asn_base_url, rdap_base_url, rdap_up_link, rebase_rdap_url, WhoisClient,
};
use huntbook::frame::loganalytics::parse_response;
use huntbook::net::testing::{block_on, Scripted};
use huntbook::net::HttpResponse;
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};

const IPS: [&str; 6] = ["8.8.8.8", "13.107.4.50", "1.2.3.4", "::1", "2001:4860:4860::8888", "255.255.255.255"];
const PROVIDERS: [(&str, Option<&str>); 7] = [
    ("VirusTotal", Some("vt-key")),
    ("OTX", Some("otx-key")),
    ("AbuseIPDB", Some("abuse-key")),
    ("GreyNoise", None),
    ("XForce", Some("api-id:auth-key")),
    ("Tor", None),
    ("URLhaus", Some("urlhaus-key")),
];
const STATUSES: [u16; 8] = [200, 200, 200, 200, 404, 429, 204, 500];

fn values() -> Vec<String> {
    [
        "8.8.8.8",
        "2001:4860:4860::8888",
        "evil.example.com",
        "http://evil.example.com/a?b=c",
        "44d88612fea8a8f36de82e1278abb02f",
        "3395856ce81f2b7382dee72602f798b642f14140",
        "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f",
        "a@evil.example.com",
    ]
    .map(String::from)
    .to_vec()
}

fn answer(status: u16, body: &[u8]) -> Result<HttpResponse, huntbook::net::NetError> {
    Ok(HttpResponse { status, headers: Vec::new(), body: body.to_vec() })
}

fn mmdb(bytes: &[u8]) {
    let Ok(db) = GeoDb::from_bytes(bytes.to_vec()) else { return };
    let _ = (db.edition(), db.database_type(), db.description(), db.build_epoch(), db.ip_version());
    for ip in IPS {
        let _ = db.lookup(ip);
    }
    let _ = db.lookup_table(&IPS);
}

fn whois(rest: &[u8]) {
    let (doh, rdap) = match rest.iter().position(|b| *b == 0) {
        Some(i) => (rest[..i].to_vec(), rest[i + 1..].to_vec()),
        None => (rest.to_vec(), rest.to_vec()),
    };
    let t = Scripted::routed(move |req| {
        if req.url.contains("cloudflare-dns.com") {
            answer(200, &doh)
        } else {
            answer(200, &rdap)
        }
    });
    let client = WhoisClient::new(DohResolver::new(None));
    for ip in ["13.107.4.50", "2001:4860:4860::8888"] {
        let _ = block_on(client.whois(&t, ip, None));
    }
}

fn parsers(rest: &[u8]) {
    let text = String::from_utf8_lossy(rest);
    let _ = parse_cymru_origin(&text);
    let _ = parse_cymru_as_name(&text);
    let _ = parse_cymru_verbose(&text);
    let _ = txt_text(&text);
    let _ = dns_components(&text);
    let _ = url_components(&text);
    if let Ok(records) = parse_answer(rest) {
        let _ = records_frame(&records);
    }
    if let Ok(v) = serde_json::from_slice::<Value>(rest) {
        let _ = parse_rdap_net(&v);
        if let Some(up) = rdap_up_link(&v) {
            let _ = rebase_rdap_url(&up, "https://rdap.arin.net/registry/");
        }
        for ip in IPS {
            if let Ok(addr) = ip.parse::<IpAddr>() {
                let _ = rdap_base_url(&v, addr);
            }
        }
        let _ = rdap_asn_base_url(&v, 8075);
    }
    if let Ok(list) = parse_bootstrap(rest) {
        for b in &list {
            let _ = rdap_base_url(b, "13.107.4.50".parse().unwrap());
        }
    }
}

fn ti(which: usize, rest: &[u8]) {
    let (status, body) = match rest.split_first() {
        Some((s, b)) => (STATUSES[*s as usize % STATUSES.len()], b.to_vec()),
        None => (200, Vec::new()),
    };
    let (name, key) = PROVIDERS[which];
    let config = match key {
        Some(k) => json!({"providers": {name: {"key": k, "rateLimit": 100000}}}),
        None => json!({"providers": {name: {}}}),
    };
    let session = TiSession::from_json(&config).expect("the fuzz TI configuration is valid");
    let t = Scripted::routed(move |_| answer(status, &body));
    let _ = block_on(session.lookup(&t, &values(), &LookupOptions::default(), None, || false, |_, _| {}));
}

fn sentinel(rest: &[u8]) {
    let session = TiSession::from_json(&json!({"providers": {"Sentinel": {"queryProvider": true}}}))
        .expect("the Sentinel TI configuration is valid");
    let t = Scripted::new(Vec::new());
    let vals = values();
    let opts = LookupOptions::default();
    let _ = session.sentinel_query(&vals, &opts);
    if let Ok(result) = parse_response(rest) {
        if let Some(frame) = result.tables.first() {
            let _ = block_on(session.lookup(&t, &vals, &opts, Some(Ok(frame)), || false, |_, _| {}));
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else { return };
    match which % 11 {
        0 => mmdb(rest),
        1 => whois(rest),
        2 => parsers(rest),
        10 => sentinel(rest),
        k => ti(k as usize - 3, rest),
    }
});
