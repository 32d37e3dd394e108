//! Parsers on real answers (msticpy's recorded results, a VirusTotal v3 file object) and the lookup flow on the
//! scripted transport.

use serde_json::{json, Value};

use super::*;
use crate::net::testing::*;
use crate::net::NetError;

const TI_RESULTS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/fixtures/enrich/msticpy_ti_results.json"
));
const VT3_FILE: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/fixtures/enrich/vt3_file_1.json"
));

fn fixture_rows(provider: &str) -> Vec<Value> {
    let all: Vec<Value> = serde_json::from_str(TI_RESULTS).unwrap();
    all.into_iter()
        .filter(|r| r["Provider"] == provider)
        .collect()
}

fn key(v: &str) -> Secret {
    Secret::new(v, "the test key").unwrap()
}

fn provider(kind: ProviderKind, k: &str) -> TiProvider {
    TiProvider::new(kind, Some(key(k)), None).unwrap()
}

fn run(t: &Scripted, p: &TiProvider, v: &str, ty: Option<IocType>) -> TiResult {
    block_on(lookup(t, p, v, ty, None)).unwrap()
}

#[test]
fn otx_rows_match_msticpy() {
    let rows = fixture_rows("OTX");
    assert_eq!(rows.len(), 9);
    for r in rows {
        let ty: IocType = r["IocType"].as_str().unwrap().parse().unwrap();
        let body = serde_json::to_vec(&r["RawResult"]).unwrap();
        let v = ProviderKind::Otx
            .parse(r["Ioc"].as_str().unwrap(), ty, &body)
            .unwrap();
        assert_eq!(v.severity.as_str(), r["Severity"], "{}", r["Ioc"]);
        assert_eq!(v.details, r["Details"]["OTX"], "{}", r["Ioc"]);
    }
}

#[test]
fn xforce_ip_and_hash_rows_match_msticpy() {
    let mut checked = 0;
    for r in fixture_rows("XForce") {
        let ty: IocType = r["IocType"].as_str().unwrap().parse().unwrap();
        if !r["RawResult"].is_object() || ty == IocType::Url || ty == IocType::Dns {
            continue;
        }
        let body = serde_json::to_vec(&r["RawResult"]).unwrap();
        let v = ProviderKind::XForce.parse("", ty, &body).unwrap();
        assert_eq!(v.severity.as_str(), r["Severity"], "{}", r["Ioc"]);
        assert_eq!(v.details, r["Details"]["XForce"], "{}", r["Ioc"]);
        checked += 1;
    }
    assert_eq!(checked, 5);
    // URLs and domains: the report is inside `result` (msticpy 2.x), a null score counts as 0.
    let url = fixture_rows("XForce")
        .into_iter()
        .find(|r| r["Ioc"] == "ajaraheritage.ge")
        .unwrap();
    let v = ProviderKind::XForce
        .parse(
            "",
            IocType::Dns,
            &serde_json::to_vec(&url["RawResult"]).unwrap(),
        )
        .unwrap();
    assert_eq!(v.severity, Severity::Information);
    assert_eq!(
        v.details,
        json!({"score": 0, "cats": {}, "categoryDescriptions": {}, "reason": null, "reasonDescription": 0, "tags": []})
    );
    let high = json!({"ip": "1.2.3.4", "score": 7.1, "tags": []});
    let v = ProviderKind::XForce
        .parse("", IocType::Ipv4, &serde_json::to_vec(&high).unwrap())
        .unwrap();
    assert_eq!(v.severity, Severity::High);
}

#[test]
fn virustotal_v3_file_object() {
    let file: Value = serde_json::from_str(VT3_FILE).unwrap();
    let body = serde_json::to_vec(&json!({ "data": file })).unwrap();
    let v = ProviderKind::VirusTotal
        .parse("", IocType::Sha256Hash, &body)
        .unwrap();
    assert_eq!(v.severity, Severity::High);
    assert_eq!(v.details["positives"], 40);
    assert_eq!(v.details["undetected"], 28);
    assert_eq!(v.details["reputation"], 0);
    assert_eq!(v.details["threat_label"], "trojan.msil/tasker");
    let one =
        json!({"data": {"attributes": {"last_analysis_stats": {"malicious": 1, "harmless": 60}}}});
    let v = ProviderKind::VirusTotal
        .parse("", IocType::Ipv4, &serde_json::to_vec(&one).unwrap())
        .unwrap();
    assert_eq!(v.severity, Severity::Warning);
    let e = ProviderKind::VirusTotal
        .parse("", IocType::Ipv4, br#"{"error": 1}"#)
        .err()
        .unwrap();
    assert!(e.contains("no data.attributes"), "{e}");
}

#[test]
fn abuseipdb_greynoise_urlhaus_severities() {
    let parse =
        |k: ProviderKind, ty, v: Value| k.parse("", ty, &serde_json::to_vec(&v).unwrap()).unwrap();
    let abuse = |score: u64| json!({"data": {"ipAddress": "1.2.3.4", "abuseConfidenceScore": score, "isp": "X"}});
    let sev: Vec<Severity> = [0, 1, 50, 51]
        .iter()
        .map(|s| parse(ProviderKind::AbuseIpdb, IocType::Ipv4, abuse(*s)).severity)
        .collect();
    assert_eq!(
        sev,
        [
            Severity::Information,
            Severity::Warning,
            Severity::Warning,
            Severity::High
        ]
    );
    assert_eq!(
        parse(ProviderKind::AbuseIpdb, IocType::Ipv4, abuse(3)).details["isp"],
        "X"
    );
    let gn = |c: &str| json!({"ip": "1.2.3.4", "noise": true, "riot": false, "classification": c, "name": "unknown"});
    assert_eq!(
        parse(ProviderKind::GreyNoise, IocType::Ipv4, gn("malicious")).severity,
        Severity::High
    );
    let benign = parse(ProviderKind::GreyNoise, IocType::Ipv4, gn("benign"));
    assert_eq!(benign.severity, Severity::Information);
    assert_eq!(benign.details["Classification"], "benign");
    let uh = json!({"query_status": "ok", "url_status": "online", "threat": "malware_download", "tags": ["elf"]});
    let v = parse(ProviderKind::UrlHaus, IocType::Url, uh);
    assert_eq!(
        (v.severity, v.details["threat"].as_str()),
        (Severity::High, Some("malware_download"))
    );
    let host = json!({"query_status": "ok", "urls_count": 2, "urls": [{"url_status": "offline"}]});
    assert_eq!(
        parse(ProviderKind::UrlHaus, IocType::Dns, host).severity,
        Severity::Warning
    );
    assert!(
        !parse(
            ProviderKind::UrlHaus,
            IocType::Dns,
            json!({"query_status": "no_results"})
        )
        .found
    );
}

const TOR_LIST: &str =
    "ExitNode 0011BD2485AD45D984EC4159C88FC066E5E3300E\nPublished 2024-05-01 10:00:00\n\
LastStatus 2024-05-01 11:00:00\nExitAddress 162.247.74.201 2024-05-01 11:06:23\n\
ExitNode 00F2D93EBAF2F51D6EE4DCB0F37D91D72F824B16\nPublished 2024-05-01 09:00:00\n\
LastStatus 2024-05-01 10:00:00\nExitAddress 2001:db8::1 2024-05-01 10:01:00\n";

#[test]
fn tor_exit_list_is_fetched_once_and_searched() {
    let t = Scripted::routed(|_| response(200, &[], TOR_LIST));
    let p = TiProvider::new(ProviderKind::Tor, None, None).unwrap();
    let cache = ResponseCache::new(10, 1 << 20);
    let hit = block_on(lookup(&t, &p, "162.247.74.201", None, Some(&cache))).unwrap();
    assert_eq!(
        (hit.severity, hit.status, hit.result),
        (Severity::Warning, Status::Ok, true)
    );
    assert_eq!(
        hit.details,
        json!({"NodeID": "0011BD2485AD45D984EC4159C88FC066E5E3300E", "LastStatus": "2024-05-01 11:00:00"})
    );
    assert_eq!(hit.reference, "https://check.torproject.org/exit-addresses");
    let miss = block_on(lookup(&t, &p, "51.75.29.61", None, Some(&cache))).unwrap();
    let want = fixture_rows("Tor")
        .into_iter()
        .find(|r| r["Ioc"] == "51.75.29.61")
        .unwrap();
    assert_eq!(miss.details, want["Details"]);
    assert_eq!(
        (miss.severity.as_str(), miss.result, miss.status.code()),
        ("information", true, 0)
    );
    assert_eq!(t.sent.borrow().len(), 1, "the list is downloaded once");
    assert!(ProviderKind::Tor
        .parse("1.2.3.4", IocType::Ipv4, b"<html>")
        .is_err());
}

#[test]
fn requests_carry_the_key_in_a_header_and_never_in_the_url() {
    let cases: &[(ProviderKind, &str, &str, &str)] = &[
        (
            ProviderKind::VirusTotal,
            "8.8.8.8",
            "https://www.virustotal.com/api/v3/ip_addresses/8.8.8.8",
            "x-apikey",
        ),
        (
            ProviderKind::VirusTotal,
            "hxxp://evil[.]com/a",
            "https://www.virustotal.com/api/v3/urls/aHR0cDovL2V2aWwuY29tL2E",
            "x-apikey",
        ),
        (
            ProviderKind::Otx,
            "evil.com",
            "https://otx.alienvault.com/api/v1/indicators/domain/evil.com/general",
            "X-OTX-API-KEY",
        ),
        (
            ProviderKind::AbuseIpdb,
            "8.8.8.8",
            "https://api.abuseipdb.com/api/v2/check?ipAddress=8.8.8.8&maxAgeInDays=90",
            "Key",
        ),
        (
            ProviderKind::GreyNoise,
            "8.8.8.8",
            "https://api.greynoise.io/v3/community/8.8.8.8",
            "key",
        ),
        (
            ProviderKind::XForce,
            "8.8.8.8",
            "https://api.xforce.ibmcloud.com/ipr/8.8.8.8",
            "Authorization",
        ),
        (
            ProviderKind::UrlHaus,
            "evil.com",
            "https://urlhaus-api.abuse.ch/v1/host/",
            "Auth-Key",
        ),
    ];
    for (kind, ioc, url, header) in cases {
        let t = Scripted::routed(|_| response(500, &[], "no"));
        let p = TiProvider::new(*kind, Some(key("id:S3CRET")), None).unwrap();
        let row = run(&t, &p, ioc, None);
        let sent = t.sent.borrow()[0].clone();
        assert_eq!(sent.url, *url);
        assert!(
            sent.headers.iter().any(|(k, _)| k == header),
            "{kind:?}: {:?}",
            sent.headers
        );
        assert!(!row.details.to_string().contains("S3CRET") && !row.reference.contains("S3CRET"));
    }
    let t = Scripted::routed(|_| response(200, &[], r#"{"query_status":"no_results"}"#));
    let row = run(
        &t,
        &provider(ProviderKind::UrlHaus, "k"),
        "http://evil.com/x",
        None,
    );
    assert_eq!(
        t.sent.borrow()[0].body_text(),
        "url=http%3A%2F%2Fevil.com%2Fx"
    );
    assert_eq!(
        (row.status, row.safe_ioc.as_str()),
        (Status::NotFound, "http%3A%2F%2Fevil.com%2Fx")
    );
    let xf = &t.sent.borrow()[0];
    assert_eq!(xf.method, "POST");
}

#[test]
fn values_are_checked_before_anything_is_sent() {
    let t = Scripted::new(Vec::new());
    let vt = provider(ProviderKind::VirusTotal, "k");
    let abuse = provider(ProviderKind::AbuseIpdb, "k");
    for (v, status, detail) in [
        (
            "10.1.2.3",
            Status::NotLookedUp,
            "not looked up: Private address",
        ),
        ("127.0.0.1", Status::NotLookedUp, "Loopback"),
        ("169.254.1.1", Status::NotLookedUp, "Link Local"),
        ("fe80::1", Status::NotLookedUp, "Link Local"),
        ("not an ioc", Status::BadFormat, "is not a recognised IoC"),
    ] {
        let row = run(&t, &vt, v, None);
        assert_eq!(row.status, status, "{v}");
        assert!(
            row.details.as_str().unwrap().contains(detail),
            "{v}: {}",
            row.details
        );
        assert!(!row.result);
    }
    let row = run(&t, &vt, "evil.com", Some(IocType::Ipv4));
    assert_eq!(
        row.details,
        "'evil.com' is not a valid ipv4 (it looks like dns)"
    );
    let row = run(&t, &abuse, "d41d8cd98f00b204e9800998ecf8427e", None);
    assert_eq!(
        (row.status, row.ioc_type.as_str()),
        (Status::NotSupported, "md5_hash")
    );
    assert_eq!(row.details, "AbuseIPDB does not look up md5_hash values");
    assert!(t.sent.borrow().is_empty());
}

#[test]
fn http_answers_become_statuses() {
    let t = Scripted::new(vec![
        response(
            404,
            &[],
            r#"{"error":{"code":"NotFoundError","message":"not found"}}"#,
        ),
        response(
            401,
            &[],
            r#"{"error":{"code":"WrongCredentialsError","message":"Wrong API key k-SECRET-1"}}"#,
        ),
        response(200, &[], "{not json"),
        Err(NetError::Network("Failed to fetch".into())),
    ]);
    let vt = provider(ProviderKind::VirusTotal, "k-SECRET-1");
    let row = run(&t, &vt, "8.8.8.8", None);
    assert_eq!(
        (row.status, row.result, row.details.as_str()),
        (Status::NotFound, false, Some("Not found."))
    );
    let row = run(&t, &vt, "8.8.4.4", None);
    assert_eq!(row.status, Status::Error(Some(401)));
    assert_eq!(row.status.as_str(), "error (HTTP 401)");
    let d = row.details.as_str().unwrap();
    assert!(
        d.contains("Check that the VirusTotal API key is valid") && !d.contains("k-SECRET-1"),
        "{d}"
    );
    let row = run(&t, &vt, "1.1.1.1", None);
    assert_eq!(row.status, Status::Error(None));
    assert!(row
        .details
        .as_str()
        .unwrap()
        .starts_with("VirusTotal answered HTTP 200 but the answer is not valid JSON"));
    let row = run(&t, &vt, "9.9.9.9", None);
    assert!(
        row.details
            .as_str()
            .unwrap()
            .starts_with("VirusTotal does not accept requests from a web page (CORS)")
            && row.details.as_str().unwrap().contains("Set providers.VirusTotal.proxy to a proxy base URL"),
        "{}",
        row.details
    );
    for s in t.sent.borrow().iter() {
        assert!(!s.url.contains("SECRET") && !format!("{s:?}").contains("SECRET"));
    }
}

#[test]
fn retry_after_and_the_virustotal_limit_hold_on_the_fake_clock() {
    let ok = r#"{"data":{"attributes":{"last_analysis_stats":{"malicious":0}}}}"#;
    let t = Scripted::new(vec![
        response(429, &[("Retry-After", "7")], ""),
        response(200, &[], ok),
    ]);
    let otx = provider(ProviderKind::Otx, "k");
    let row = run(&t, &otx, "8.8.8.8", None);
    assert_eq!(row.status, Status::Ok);
    assert_eq!(*t.slept.borrow(), [7_000]);
    assert_eq!(t.sent_at(), [0, 7_000]);

    let t = Scripted::routed(move |_| response(200, &[], ok));
    let vt = [provider(ProviderKind::VirusTotal, "k")];
    let values: Vec<(String, Option<IocType>)> =
        (1..=9).map(|i| (format!("8.8.8.{i}"), None)).collect();
    let mut progress = Vec::new();
    let rows = block_on(lookup_many(
        &t,
        &vt,
        &values,
        None,
        4,
        || false,
        |d, n| progress.push((d, n)),
    ))
    .unwrap();
    assert_eq!(rows.len(), 9);
    assert!(rows
        .iter()
        .all(|r| r.status == Status::Ok && r.severity == Severity::Information));
    assert_eq!(rows[8].ioc, "8.8.8.9", "input order");
    assert_eq!(
        t.sent_at(),
        [0, 0, 0, 0, 60_000, 60_000, 60_000, 60_000, 120_000]
    );
    assert_eq!(progress.last(), Some(&(9, 9)));
}

#[test]
fn providers_need_their_keys() {
    let e = TiProvider::new(ProviderKind::VirusTotal, None, None)
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("VirusTotal needs an API key"), "{e}");
    assert!(TiProvider::new(ProviderKind::GreyNoise, None, None).is_ok());
    let e = TiProvider::new(ProviderKind::XForce, Some(key("no-colon-KEY")), None)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("'ApiID:AuthKey'") && !e.contains("no-colon-KEY"),
        "{e}"
    );
    let p = TiProvider::new(
        ProviderKind::Otx,
        Some(key("k")),
        Some("http://127.0.0.1:9/otx".into()),
    )
    .unwrap();
    let t = Scripted::routed(|_| {
        response(
            200,
            &[],
            r#"{"pulse_info":{"pulses":[]},"sections":["general"]}"#,
        )
    });
    let row = run(&t, &p, "evil.com", None);
    assert_eq!(
        t.sent.borrow()[0].url,
        "http://127.0.0.1:9/otx/indicators/domain/evil.com/general"
    );
    assert_eq!(
        row.details,
        json!({"pulse_count": 0, "sections_available": ["general"]})
    );
}

#[test]
fn rows_become_msticpys_table() {
    let t = Scripted::new(vec![response(
        200,
        &[],
        r#"{"pulse_info":{"pulses":[{"name":"p1"}]}}"#,
    )]);
    let otx = provider(ProviderKind::Otx, "k");
    let rows = vec![
        run(&t, &otx, "evil[.]com", None),
        run(&t, &otx, "10.0.0.1", None),
    ];
    let f = results_frame(&rows).unwrap();
    let names = [
        "Ioc",
        "IocType",
        "SafeIoc",
        "QuerySubtype",
        "Provider",
        "Result",
        "Severity",
        "Details",
        "RawResult",
        "Reference",
        "Status",
    ];
    assert_eq!(f.column_names(), names);
    assert_eq!(f.la_type("Details").unwrap(), crate::frame::LaType::Dynamic);
    let cell = |c: &str, i: usize| f.column(c).unwrap().get(i).unwrap().to_string();
    assert_eq!(cell("Ioc", 0), "\"evil.com\"");
    assert_eq!(cell("Severity", 0), "\"warning\"");
    assert_eq!(cell("Result", 0), "true");
    assert_eq!(cell("Status", 1), "\"not looked up\"");
    assert_eq!(cell("QuerySubtype", 1), "null");
    let details: Value =
        serde_json::from_str(f.column("Details").unwrap().str().unwrap().get(0).unwrap()).unwrap();
    assert_eq!(details["names"], json!(["p1"]));
}
