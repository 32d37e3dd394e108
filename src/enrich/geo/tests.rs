use polars::prelude::*;

use super::write::{asn_mmdb, city_mmdb, text_mmdb, AsnEntry, CityEntry, DbInfo};
use super::*;

fn info(kind: &str) -> DbInfo {
    DbInfo { database_type: kind.into(), description: "huntbook test data".into(), build_epoch: 1_700_000_000 }
}

#[allow(clippy::too_many_arguments)]
fn city(net: &str, cc: &str, country: &str, state: Option<&str>, name: Option<&str>, lat: f64, lon: f64) -> CityEntry {
    CityEntry {
        network: net.into(),
        country_code: cc.into(),
        country: country.into(),
        continent_code: "NA".into(),
        state: state.map(|s| ("XX".to_string(), s.to_string())),
        city: name.map(str::to_string),
        latitude: lat,
        longitude: lon,
        time_zone: None,
    }
}

fn city_db_bytes() -> Vec<u8> {
    city_mmdb(
        &info("GeoLite2-City"),
        &[
            city("24.16.0.0/16", "US", "United States", Some("Washington"), Some("Seattle"), 47.6062, -122.3321),
            city("81.2.69.0/24", "GB", "United Kingdom", Some("England"), Some("London"), 51.5072, -0.1276),
            // a country-only record (no subdivision, no city)
            city("5.0.0.0/8", "IR", "Iran", None, None, 32.0, 53.0),
            city("2001:4860::/32", "US", "United States", Some("California"), Some("Mountain View"), 37.386, -122.0838),
        ],
    )
    .unwrap()
}

fn city_db() -> GeoDb {
    GeoDb::from_bytes(city_db_bytes()).unwrap()
}

fn asn_db() -> GeoDb {
    let bytes = asn_mmdb(
        &info("GeoLite2-ASN"),
        &[
            AsnEntry { network: "185.220.101.0/24".into(), number: 60729, organization: "Example Relays e.V.".into() },
            AsnEntry { network: "2a0b:f4c0::/32".into(), number: 60729, organization: "Example Relays e.V.".into() },
        ],
    )
    .unwrap();
    GeoDb::from_bytes(bytes).unwrap()
}

fn text_col<'a>(f: &'a Frame, name: &str) -> Vec<Option<&'a str>> {
    f.column(name).unwrap().str().unwrap().into_iter().collect()
}

fn real_col(f: &Frame, name: &str) -> Vec<Option<f64>> {
    f.column(name).unwrap().f64().unwrap().into_iter().collect()
}

#[test]
fn city_edition_reads_ipv4_and_ipv6() {
    let db = city_db();
    assert_eq!(db.edition(), Edition::City);
    assert_eq!(db.database_type(), "GeoLite2-City");
    assert_eq!(db.description(), Some("huntbook test data"));
    assert_eq!(db.build_epoch(), 1_700_000_000);
    let r = db.lookup("24.16.133.227").unwrap();
    assert_eq!(
        r,
        GeoRow {
            ip: "24.16.133.227".into(),
            country_code: Some("US".into()),
            country: Some("United States".into()),
            state: Some("Washington".into()),
            city: Some("Seattle".into()),
            longitude: Some(-122.3321),
            latitude: Some(47.6062),
            asn: None,
            asn_description: None,
            note: None,
        }
    );
    let v6 = db.lookup("2001:4860:4860::8888").unwrap();
    assert_eq!(v6.city.as_deref(), Some("Mountain View"));
    assert_eq!(v6.state.as_deref(), Some("California"));
    assert_eq!(v6.note, None);
    // an IPv4-mapped IPv6 address is its IPv4 address
    assert_eq!(db.lookup("::ffff:81.2.69.142").unwrap().city.as_deref(), Some("London"));
    // a country-level record
    let ir = db.lookup("5.2.245.153").unwrap();
    assert_eq!((ir.country_code.as_deref(), ir.state.as_deref(), ir.city.as_deref()), (Some("IR"), None, None));
    assert_eq!((ir.latitude, ir.longitude), (Some(32.0), Some(53.0)));
}

#[test]
fn private_not_found_and_bad_rows_say_why() {
    let db = city_db();
    let p = db.lookup("10.0.2.17").unwrap();
    assert_eq!(p.country.as_deref(), Some("Private address"));
    assert_eq!(p.city.as_deref(), Some("location unknown"));
    assert_eq!(p.country_code, None);
    assert_eq!(p.note.as_deref(), Some("Private address (not in GeoLite2)"));
    assert_eq!(db.lookup("127.0.0.1").unwrap().note.as_deref(), Some("Loopback address (not in GeoLite2)"));
    assert_eq!(db.lookup("fe80::1").unwrap().note.as_deref(), Some("Link Local address (not in GeoLite2)"));
    let nf = db.lookup("8.8.8.8").unwrap();
    assert_eq!(nf.note.as_deref(), Some("not found in the database"));
    assert_eq!((nf.country_code, nf.country, nf.city, nf.latitude), (None, None, None, None));
    for bad in ["", "not-an-ip", "999.1.1.1", "1.2.3"] {
        let r = db.lookup(bad).unwrap();
        assert_eq!(r.note.as_deref(), Some("not an IP address"), "{bad}");
        assert_eq!(r.ip, bad);
    }
}

#[test]
fn ipv4_only_database_says_so_for_ipv6() {
    let bytes = {
        let mut w = mmdb_writer::Writer::builder("GeoLite2-City").ip_version(mmdb_writer::IpVersion::V4).build();
        let mut rec = std::collections::BTreeMap::new();
        rec.insert("country".to_string(), {
            let mut c = std::collections::BTreeMap::new();
            c.insert("iso_code".to_string(), "US".to_string());
            c
        });
        w.insert("24.16.0.0/16".parse::<mmdb_writer::ipnet::IpNet>().unwrap(), &rec).unwrap();
        w.to_bytes().unwrap()
    };
    let db = GeoDb::from_bytes(bytes).unwrap();
    assert_eq!(db.ip_version(), 4);
    assert_eq!(db.lookup("24.16.1.1").unwrap().country_code.as_deref(), Some("US"));
    assert_eq!(
        db.lookup("2001:4860::1").unwrap().note.as_deref(),
        Some("an IPv6 address: this database is IPv4-only")
    );
}

#[test]
fn asn_edition_has_asn_columns() {
    let db = asn_db();
    assert_eq!(db.edition(), Edition::Asn);
    let r = db.lookup("185.220.101.45").unwrap();
    assert_eq!((r.asn, r.asn_description.as_deref(), r.note.as_deref()), (Some(60729), Some("Example Relays e.V."), None));
    assert_eq!(db.lookup("2a0b:f4c0::1").unwrap().asn, Some(60729));
    let t = db.lookup_table(&["185.220.101.45", "10.1.1.1", "8.8.8.8"]).unwrap();
    assert_eq!(t.column_names(), ["IpAddress", "Asn", "AsnDescription", "Note"]);
    assert_eq!(text_col(&t, "Asn"), [Some("60729"), None, None]);
    assert_eq!(
        text_col(&t, "Note"),
        [None, Some("Private address (not in GeoLite2)"), Some("not found in the database")]
    );
    // no location columns for ASN rows, and no "Private address" country
    assert_eq!(db.lookup("10.1.1.1").unwrap().country, None);
}

#[test]
fn lists_keep_order_and_duplicates() {
    let db = city_db();
    let ips = ["81.2.69.142", "24.16.133.227", "81.2.69.142", "bogus", "192.168.1.1"];
    let rows = db.lookup_many(&ips).unwrap();
    assert_eq!(rows.iter().map(|r| r.ip.as_str()).collect::<Vec<_>>(), ips);
    assert_eq!(rows[0], rows[2]);
    let t = db.lookup_table(&ips).unwrap();
    assert_eq!(t.name, "geolocation");
    assert_eq!(
        t.column_names(),
        ["IpAddress", "CountryCode", "CountryOrRegionName", "State", "City", "Longitude", "Latitude", "Note"]
    );
    assert_eq!(text_col(&t, "City"), [Some("London"), Some("Seattle"), Some("London"), None, Some("location unknown")]);
    assert_eq!(real_col(&t, "Latitude")[1], Some(47.6062));
    assert_eq!(text_col(&t, "Note")[3], Some("not an IP address"));
}

fn sign_ins() -> Frame {
    let ip = StringChunked::from_iter_options(
        "IPAddress".into(),
        [Some("24.16.133.227"), Some("10.0.2.17"), None, Some("24.16.133.227"), Some("81.2.69.142")].into_iter(),
    );
    let user = StringChunked::from_iter_values("User".into(), ["a", "b", "c", "d", "e"].into_iter());
    let df = DataFrame::new(5, vec![user.into_series().into_column(), ip.into_series().into_column()]).unwrap();
    Frame::new("SigninLogs", df)
}

#[test]
fn tables_are_joined_back() {
    let db = city_db();
    let opts = GeolocOptions { column: Some("IPAddress".into()), join: true };
    let t = db.lookup_frame(&sign_ins(), &opts).unwrap();
    assert_eq!(t.name, "SigninLogs");
    assert_eq!(t.height(), 5);
    assert_eq!(
        t.column_names(),
        [
            "User", "IPAddress", "IpAddress", "CountryCode", "CountryOrRegionName", "State", "City", "Longitude",
            "Latitude", "Note"
        ]
    );
    assert_eq!(text_col(&t, "User"), [Some("a"), Some("b"), Some("c"), Some("d"), Some("e")]);
    assert_eq!(
        text_col(&t, "City"),
        [Some("Seattle"), Some("location unknown"), None, Some("Seattle"), Some("London")]
    );
    assert_eq!(text_col(&t, "CountryCode"), [Some("US"), None, None, Some("US"), Some("GB")]);

    // join: false → one row per distinct address (nulls skipped)
    let d = db.lookup_frame(&sign_ins(), &GeolocOptions { join: false, ..opts }).unwrap();
    assert_eq!(text_col(&d, "IpAddress"), [Some("24.16.133.227"), Some("10.0.2.17"), Some("81.2.69.142")]);
}

#[test]
fn table_errors_name_the_column() {
    let db = city_db();
    let e = db.lookup_frame(&sign_ins(), &GeolocOptions::default()).unwrap_err().to_string();
    assert!(e.contains("give the column of IP addresses") && e.contains("User, IPAddress"), "{e}");
    let e = db
        .lookup_frame(&sign_ins(), &GeolocOptions { column: Some("Nope".into()), join: true })
        .unwrap_err()
        .to_string();
    assert!(e.contains("Nope"), "{e}");
    let n = Int64Chunked::from_iter_values("N".into(), [1i64, 2].into_iter());
    let f = Frame::new("t", DataFrame::new(2, vec![n.into_series().into_column()]).unwrap());
    let e = db.lookup_frame(&f, &GeolocOptions::default()).unwrap_err().to_string();
    assert!(e.contains("column 'N' holds i64, not text"), "{e}");
}

#[test]
fn options_are_read_by_the_options_reader() {
    let o: GeolocOptions =
        crate::options::read("geoloc", &serde_json::json!({"column": "IPAddress", "join": false})).unwrap();
    assert_eq!((o.column.as_deref(), o.join), (Some("IPAddress"), false));
    let o: GeolocOptions = crate::options::read("geoloc", &serde_json::Value::Null).unwrap();
    assert!(o.join && o.column.is_none());
    let e = crate::options::read::<GeolocOptions>("geoloc", &serde_json::json!({"colum": "x"})).unwrap_err();
    assert!(e.to_string().contains("did you mean 'column'"), "{e}");
    let e = crate::options::read::<GeolocOptions>("geoloc", &serde_json::json!({"join": "yes"})).unwrap_err();
    assert!(e.to_string().contains("option 'join'"), "{e}");
}

#[test]
fn other_database_types_are_refused() {
    let mut rec = std::collections::BTreeMap::new();
    rec.insert("x".to_string(), "y".to_string());
    let bytes = text_mmdb(&info("Example-Anonymous-IP"), &[("1.0.0.0/8", rec)]).unwrap();
    let e = GeoDb::from_bytes(bytes).unwrap_err().to_string();
    assert!(e.contains("'Example-Anonymous-IP'") && e.contains("not a City, Country or ASN edition"), "{e}");
}

#[test]
fn odd_records_give_empty_fields_not_errors() {
    // a City-type database whose records lack the usual maps
    let mut rec = std::collections::BTreeMap::new();
    rec.insert("something".to_string(), "else".to_string());
    let db = GeoDb::from_bytes(text_mmdb(&info("GeoLite2-City"), &[("1.0.0.0/8", rec)]).unwrap()).unwrap();
    let r = db.lookup("1.1.1.1").unwrap();
    assert_eq!((r.country_code, r.city, r.note), (None, None, None));
}

#[test]
fn malformed_files_are_errors() {
    let good = city_db_bytes();
    let msg = |b: Vec<u8>| GeoDb::from_bytes(b).unwrap_err().to_string();
    assert!(msg(Vec::new()).contains("empty"));
    let e = msg(b"this is not a MaxMind database at all".repeat(100));
    assert!(e.contains("damaged or not a MaxMind DB"), "{e}");
    // truncated: the metadata is gone
    let e = msg(good[..good.len() / 2].to_vec());
    assert!(e.contains("damaged or not a MaxMind DB"), "{e}");
    // truncated: the search tree and data are gone, only the metadata is left
    let marker = b"\xAB\xCD\xEFMaxMind.com";
    let at = good.windows(marker.len()).rposition(|w| w == marker).unwrap();
    let e = msg(good[at..].to_vec());
    assert!(e.contains("damaged or not a MaxMind DB"), "{e}");
    // an absurd node count: the search tree would extend far beyond the file
    let mut huge = good.clone();
    let key = b"node_count";
    let k = huge.windows(key.len()).rposition(|w| w == key).unwrap() + key.len();
    let ctrl = huge[k];
    assert_eq!(ctrl >> 5, 6, "node_count is a uint32");
    let size = (ctrl & 0x1f) as usize;
    assert!((1..=4).contains(&size));
    // the value becomes 0xFFFFFFFF (4 bytes): a 24-bit-record tree of 25 GB
    huge.splice(k..k + 1 + size, [0xc4, 0xff, 0xff, 0xff, 0xff]);
    let e = msg(huge);
    assert!(e.contains("damaged or not a MaxMind DB") && e.contains("search tree"), "{e}");
}

#[test]
fn damaged_bytes_never_panic() {
    let good = city_db_bytes();
    let ips = ["24.16.133.227", "81.2.69.142", "5.1.1.1", "2001:4860::1", "8.8.8.8", "1.1.1.1"];
    let (mut opened, mut failed) = (0, 0);
    for i in 0..good.len() {
        for flip in [0xffu8, 0x55] {
            let mut b = good.clone();
            b[i] ^= flip;
            let Ok(db) = GeoDb::from_bytes(b) else {
                failed += 1;
                continue;
            };
            opened += 1;
            for ip in ips {
                if let Err(e) = db.lookup(ip) {
                    assert!(e.to_string().contains("damaged"), "{e}");
                }
            }
        }
    }
    assert!(opened > 0 && failed > 0, "opened {opened}, failed {failed}");
}

#[test]
fn oversized_files_are_refused_before_parsing() {
    let e = GeoDb::from_bytes(vec![0u8; MAX_MMDB_BYTES + 1]).unwrap_err().to_string();
    assert!(e.contains("at most 512 MiB"), "{e}");
}

#[test]
fn the_demo_mmdb_has_the_demo_locations() {
    let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/demo_data/demo.mmdb")).unwrap();
    assert!(bytes.len() < 64 * 1024, "the demo mmdb stays small: {} bytes", bytes.len());
    let db = GeoDb::from_bytes(bytes).unwrap();
    assert_eq!(db.database_type(), "GeoLite2-City");
    assert!(db.description().unwrap().contains("huntbook demo data") && db.description().unwrap().contains("not MaxMind"));
    let t = db.lookup("24.16.133.227").unwrap();
    assert_eq!(
        (t.country_code.as_deref(), t.state.as_deref(), t.city.as_deref(), t.latitude),
        (Some("US"), Some("Washington"), Some("Seattle"), Some(47.6062))
    );
    for (ip, cc, city) in [
        ("185.220.101.45", "DE", "Berlin"),
        ("45.153.160.2", "NL", "Amsterdam"),
        ("193.142.146.213", "RU", "Moscow"),
        ("142.114.83.20", "CA", "Toronto"),
        ("64.124.38.10", "US", "Seattle"),
        ("81.2.69.142", "GB", "London"),
        ("24.202.84.216", "US", "Austin"),    // a home IP (SigninLogs says Austin, Texas)
        ("31.94.4.124", "GB", "Guildford"),   // a GB mobile IP
    ] {
        let r = db.lookup(ip).unwrap();
        assert_eq!((r.country_code.as_deref(), r.city.as_deref()), (Some(cc), Some(city)), "{ip}");
    }
    // a scanner: country level only
    let s = db.lookup("5.2.245.153").unwrap();
    assert_eq!((s.country_code.as_deref(), s.city.as_deref(), s.note.as_deref()), (Some("IR"), None, None));
    assert_eq!(db.lookup("10.0.2.17").unwrap().note.as_deref(), Some("Private address (not in GeoLite2)"));
}
