//! Writes `demo_data/demo.mmdb`: a small GeoLite2-City-format database of made-up locations for the public IP
//! addresses of the demo workspace (`demo_data/demo.la.json.gz`). The package ships it as `huntbook_demo.mmdb`;
//! `geoloc` answers from it in demo mode. It is huntbook demo data, not MaxMind's.
//!
//!     cargo run --features testing --example demo_mmdb [-- OUT.mmdb]
//!
//! Deterministic: the same demo data gives the same bytes (fixed build time, entries in a fixed order).
//!
//! - Sign-in addresses get the location their SigninLogs rows give (`LocationDetails`: city, state, coordinates).
//! - The addresses `demo_data/README.md` names (attacker, office, DMZ) and the Tour's `24.16.133.227` (Seattle, WA)
//!   get a city; a few well-known service addresses (Microsoft, Google, Cloudflare…) a plausible US/AU one.
//! - Every other public address (internet scanners, threat-intel indicators) gets a country-level location by its
//!   first octet (a made-up but RIR-plausible country).
//!
//! The run fails if any public IPv4 address in the demo tables is left without a location.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::net::{IpAddr, Ipv4Addr};

use huntbook::enrich::geo::write::{city_mmdb, CityEntry, DbInfo};
use huntbook::enrich::geo::GeoDb;
use huntbook::ioc::ip::{ip_type, IpType};
use serde_json::Value;

/// 2024-01-15T00:00:00Z, the end of the demo data.
const BUILD_EPOCH: u64 = 1_705_276_800;

/// Country code → (name, continent, latitude, longitude of the country's centre or capital).
const COUNTRIES: &[(&str, &str, &str, f64, f64)] = &[
    ("AR", "Argentina", "SA", -34.6037, -58.3816),
    ("AU", "Australia", "OC", -33.8688, 151.2093),
    ("BG", "Bulgaria", "EU", 42.6977, 23.3219),
    ("BR", "Brazil", "SA", -23.5505, -46.6333),
    ("CA", "Canada", "NA", 43.6532, -79.3832),
    ("CN", "China", "AS", 39.9042, 116.4074),
    ("CO", "Colombia", "SA", 4.711, -74.0721),
    ("DE", "Germany", "EU", 52.52, 13.405),
    ("EG", "Egypt", "AF", 30.0444, 31.2357),
    ("ES", "Spain", "EU", 40.4168, -3.7038),
    ("FR", "France", "EU", 48.8566, 2.3522),
    ("GB", "United Kingdom", "EU", 51.5072, -0.1276),
    ("ID", "Indonesia", "AS", -6.2088, 106.8456),
    ("IN", "India", "AS", 19.076, 72.8777),
    ("IR", "Iran", "AS", 35.6892, 51.389),
    ("IT", "Italy", "EU", 41.9028, 12.4964),
    ("JP", "Japan", "AS", 35.6762, 139.6503),
    ("KR", "South Korea", "AS", 37.5665, 126.978),
    ("MX", "Mexico", "NA", 19.4326, -99.1332),
    ("NL", "Netherlands", "EU", 52.3676, 4.9041),
    ("PL", "Poland", "EU", 52.2297, 21.0122),
    ("RO", "Romania", "EU", 44.4268, 26.1025),
    ("RU", "Russia", "EU", 55.7558, 37.6173),
    ("SE", "Sweden", "EU", 59.3293, 18.0686),
    ("SG", "Singapore", "AS", 1.3521, 103.8198),
    ("TR", "Turkey", "AS", 41.0082, 28.9784),
    ("TW", "Taiwan", "AS", 25.033, 121.5654),
    ("UA", "Ukraine", "EU", 50.4501, 30.5234),
    ("US", "United States", "NA", 39.76, -98.5),
    ("VN", "Vietnam", "AS", 21.0278, 105.8342),
];

/// First octet → country, for the addresses without a more precise entry.
const BY_FIRST_OCTET: &[(u8, &str)] = &[
    (1, "AU"), (4, "US"), (5, "IR"), (8, "US"), (13, "US"), (18, "US"), (20, "US"), (23, "US"), (24, "US"),
    (31, "UA"), (37, "TR"), (45, "NL"), (46, "RU"), (52, "US"), (62, "DE"), (64, "US"), (67, "US"), (71, "US"),
    (73, "US"), (76, "US"), (77, "PL"), (78, "RO"), (81, "GB"), (86, "GB"), (89, "RU"), (90, "GB"), (91, "IN"),
    (93, "ES"), (94, "IT"), (98, "US"), (103, "ID"), (104, "US"), (109, "BG"), (112, "CN"), (117, "IN"),
    (118, "KR"), (120, "CN"), (122, "VN"), (125, "JP"), (139, "CN"), (140, "TW"), (141, "DE"), (142, "CA"),
    (151, "IT"), (159, "SG"), (162, "US"), (167, "US"), (168, "US"), (170, "BR"), (172, "US"), (176, "UA"),
    (178, "RU"), (179, "BR"), (181, "AR"), (185, "NL"), (186, "CO"), (188, "FR"), (190, "MX"), (193, "SE"),
    (195, "GB"), (197, "EG"), (201, "BR"), (204, "US"), (212, "DE"), (213, "FR"), (217, "IT"), (222, "CN"),
];

/// State name → ISO 3166-2 subdivision code.
const STATE_CODES: &[(&str, &str)] = &[
    ("Washington", "WA"), ("Oregon", "OR"), ("Texas", "TX"), ("California", "CA"), ("Virginia", "VA"),
    ("Massachusetts", "MA"), ("England", "ENG"), ("Ontario", "ON"), ("Berlin", "BE"), ("Moscow", "MOW"),
    ("Noord-Holland", "NH"), ("New South Wales", "NSW"),
];

/// Addresses and networks with a city: (network, country, state, city, latitude, longitude).
const CITIES: &[(&str, &str, &str, &str, f64, f64)] = &[
    // the Tour's example
    ("24.16.133.0/24", "US", "Washington", "Seattle", 47.6062, -122.3321),
    // demo_data/README.md: office egress, DMZ, attacker infrastructure
    ("64.124.38.0/24", "US", "Washington", "Seattle", 47.6062, -122.3321),
    ("81.2.69.142/32", "GB", "England", "London", 51.5072, -0.1276),
    ("185.220.101.0/24", "DE", "Berlin", "Berlin", 52.52, 13.4),
    ("45.153.160.0/24", "NL", "Noord-Holland", "Amsterdam", 52.37, 4.89),
    ("193.142.146.0/24", "RU", "Moscow", "Moscow", 55.75, 37.62),
    ("142.114.83.0/24", "CA", "Ontario", "Toronto", 43.6532, -79.3832),
    // well-known services the demo hosts talk to
    ("13.107.0.0/16", "US", "Washington", "Redmond", 47.674, -122.1215),
    ("20.42.0.0/16", "US", "Virginia", "Boydton", 36.6676, -78.3875),
    ("20.190.128.0/18", "US", "Washington", "Redmond", 47.674, -122.1215),
    ("52.96.0.0/14", "US", "Washington", "Redmond", 47.674, -122.1215),
    ("52.112.0.0/14", "US", "Washington", "Redmond", 47.674, -122.1215),
    ("52.175.0.0/16", "US", "Washington", "Quincy", 47.2343, -119.8526),
    ("204.79.197.0/24", "US", "Washington", "Redmond", 47.674, -122.1215),
    ("8.8.8.0/24", "US", "California", "Mountain View", 37.386, -122.0838),
    ("1.1.1.0/24", "AU", "New South Wales", "Sydney", -33.8688, 151.2093),
    ("18.160.0.0/15", "US", "Virginia", "Ashburn", 39.0438, -77.4874),
    ("23.55.124.0/24", "US", "Massachusetts", "Cambridge", 42.3736, -71.1097),
];

fn country(code: &str) -> (&'static str, &'static str, f64, f64) {
    let (_, name, continent, lat, lon) = COUNTRIES
        .iter()
        .find(|c| c.0 == code)
        .unwrap_or_else(|| panic!("no country {code} in COUNTRIES"));
    (name, continent, *lat, *lon)
}

fn entry(net: &str, cc: &str, state: Option<&str>, city: Option<&str>, lat: f64, lon: f64) -> CityEntry {
    let (name, continent, _, _) = country(cc);
    CityEntry {
        network: net.to_string(),
        country_code: cc.to_string(),
        country: name.to_string(),
        continent_code: continent.to_string(),
        state: state.map(|s| {
            let code = STATE_CODES.iter().find(|x| x.0 == s).unwrap_or_else(|| panic!("no code for state {s}")).1;
            (code.to_string(), s.to_string())
        }),
        city: city.map(str::to_string),
        latitude: lat,
        longitude: lon,
        time_zone: None,
    }
}

/// Every string in the JSON document.
fn strings<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::String(s) => out.push(s),
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(m) => m.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

fn main() {
    let out = std::env::args().nth(1).unwrap_or_else(|| "demo_data/demo.mmdb".to_string());
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open("demo_data/demo.la.json.gz").expect("run from the repository root"))
        .read_to_string(&mut text)
        .expect("reading demo_data/demo.la.json.gz");
    let doc: Value = serde_json::from_str(&text).expect("demo data JSON");

    // every public IPv4 address in the demo tables
    let re = regex::Regex::new(r"(?:^|[^\d.])(\d{1,3}(?:\.\d{1,3}){3})(?:$|[^\d.])").expect("regex");
    let mut all = Vec::new();
    strings(&doc, &mut all);
    let mut public: BTreeSet<Ipv4Addr> = BTreeSet::new();
    for s in all {
        for c in re.captures_iter(s) {
            if let Ok(ip) = c[1].parse::<Ipv4Addr>() {
                if ip_type(IpAddr::V4(ip)) == IpType::Public {
                    public.insert(ip);
                }
            }
        }
    }

    // sign-in addresses: the location their SigninLogs rows give
    let mut sign_ins: BTreeMap<Ipv4Addr, Value> = BTreeMap::new();
    for t in doc["tables"].as_array().expect("tables") {
        if t["name"] != "SigninLogs" {
            continue;
        }
        let cols: Vec<&str> = t["columns"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
        let ip_at = cols.iter().position(|c| *c == "IPAddress").unwrap();
        let loc_at = cols.iter().position(|c| *c == "LocationDetails").unwrap();
        for row in t["rows"].as_array().unwrap() {
            let (Some(ip), loc) = (row[ip_at].as_str().and_then(|s| s.parse().ok()), &row[loc_at]) else { continue };
            let loc = match loc {
                Value::String(s) => serde_json::from_str(s).unwrap_or(Value::Null),
                other => other.clone(),
            };
            if loc.is_object() {
                sign_ins.entry(ip).or_insert(loc);
            }
        }
    }

    // broad entries first: later (more specific) inserts win where networks overlap
    let mut entries = Vec::new();
    for (octet, cc) in BY_FIRST_OCTET {
        let (_, _, lat, lon) = country(cc);
        entries.push(entry(&format!("{octet}.0.0.0/8"), cc, None, None, lat, lon));
    }
    for (net, cc, state, city, lat, lon) in CITIES {
        entries.push(entry(net, cc, Some(state), Some(city), *lat, *lon));
    }
    for (ip, loc) in &sign_ins {
        let geo = &loc["geoCoordinates"];
        entries.push(entry(
            &format!("{ip}/32"),
            loc["countryOrRegion"].as_str().expect("countryOrRegion"),
            loc["state"].as_str(),
            loc["city"].as_str(),
            geo["latitude"].as_f64().expect("latitude"),
            geo["longitude"].as_f64().expect("longitude"),
        ));
    }
    let info = DbInfo {
        database_type: "GeoLite2-City".into(),
        description: "huntbook demo data: made-up locations for the demo workspace's IP addresses \
                      (GeoLite2-City format; not MaxMind data)"
            .into(),
        build_epoch: BUILD_EPOCH,
    };
    let bytes = city_mmdb(&info, &entries).expect("writing the mmdb");

    // check: every public address has a location, and the README's addresses have theirs
    let db = GeoDb::from_bytes(bytes.clone()).expect("reading the mmdb back");
    let missing: Vec<String> = public
        .iter()
        .filter(|ip| db.lookup(&ip.to_string()).map(|r| r.note.is_some()).unwrap_or(true))
        .map(|ip| ip.to_string())
        .collect();
    assert!(missing.is_empty(), "public demo addresses without a location: {missing:?}");
    for (ip, city, cc) in [
        ("24.16.133.227", "Seattle", "US"),
        ("185.220.101.45", "Berlin", "DE"),
        ("45.153.160.2", "Amsterdam", "NL"),
        ("193.142.146.213", "Moscow", "RU"),
        ("142.114.83.20", "Toronto", "CA"),
        ("64.124.38.10", "Seattle", "US"),
        ("81.2.69.142", "London", "GB"),
    ] {
        let r = db.lookup(ip).expect("lookup");
        assert_eq!((r.city.as_deref(), r.country_code.as_deref()), (Some(city), Some(cc)), "{ip}");
    }
    std::fs::write(&out, &bytes).expect("writing the file");
    println!(
        "demo_mmdb: {out}: {} bytes, {} entries ({} sign-in addresses), covers all {} public IPv4 addresses of the demo data",
        bytes.len(),
        entries.len(),
        sign_ins.len(),
        public.len()
    );
}
