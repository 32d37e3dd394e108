//! Writes the geoloc bench inputs (bench/geoloc.mjs, bench/geoloc_msticpy.py) into a folder:
//! `GeoLite2-City.mmdb` (a GeoLite2-City-format database of made-up locations for NETWORKS random /24 networks) and
//! `ips.txt` (COUNT addresses, one a line: 90% inside those networks, 5% private, 5% public but not in the file).
//!
//!     cargo run --release --features testing --example bench_mmdb -- DIR [NETWORKS=30000] [COUNT=100000]
//!
//! Deterministic (a fixed xorshift seed and build time).

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr};

use huntbook::enrich::geo::write::{city_mmdb, CityEntry, DbInfo};
use huntbook::ioc::ip::{ip_type, IpType};

/// Country code, country, continent, state code, state, city, latitude, longitude.
type Place = (&'static str, &'static str, &'static str, &'static str, &'static str, &'static str, f64, f64);

const PLACES: &[Place] = &[
    ("US", "United States", "NA", "WA", "Washington", "Seattle", 47.6062, -122.3321),
    ("US", "United States", "NA", "TX", "Texas", "Austin", 30.2672, -97.7431),
    ("US", "United States", "NA", "VA", "Virginia", "Ashburn", 39.0438, -77.4874),
    ("GB", "United Kingdom", "EU", "ENG", "England", "London", 51.5072, -0.1276),
    ("DE", "Germany", "EU", "BE", "Berlin", "Berlin", 52.52, 13.405),
    ("NL", "Netherlands", "EU", "NH", "North Holland", "Amsterdam", 52.3676, 4.9041),
    ("RU", "Russia", "EU", "MOW", "Moscow", "Moscow", 55.7558, 37.6173),
    ("CA", "Canada", "NA", "ON", "Ontario", "Toronto", 43.6532, -79.3832),
    ("JP", "Japan", "AS", "13", "Tokyo", "Tokyo", 35.6762, 139.6503),
    ("BR", "Brazil", "SA", "SP", "Sao Paulo", "Sao Paulo", -23.5505, -46.6333),
    ("AU", "Australia", "OC", "NSW", "New South Wales", "Sydney", -33.8688, 151.2093),
    ("IN", "India", "AS", "MH", "Maharashtra", "Mumbai", 19.076, 72.8777),
];

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args.next().expect("usage: bench_mmdb DIR [NETWORKS] [COUNT]");
    let networks: usize = args.next().map(|s| s.parse().expect("NETWORKS")).unwrap_or(30_000);
    let count: usize = args.next().map(|s| s.parse().expect("COUNT")).unwrap_or(100_000);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);

    let public24 = |x: u32| ip_type(IpAddr::V4(Ipv4Addr::from(x << 8 | 1))) == IpType::Public;
    let mut nets: BTreeSet<u32> = BTreeSet::new();
    while nets.len() < networks {
        let x = (rng.next() as u32) >> 8; // a /24: its first 24 bits
        if public24(x) {
            nets.insert(x);
        }
    }
    let nets: Vec<u32> = nets.into_iter().collect();
    let entries: Vec<CityEntry> = nets
        .iter()
        .map(|&x| {
            let (cc, country, continent, scode, state, city, lat, lon) = PLACES[(x as usize) % PLACES.len()];
            let jitter = ((x % 1000) as f64) / 10_000.0;
            CityEntry {
                network: format!("{}/24", Ipv4Addr::from(x << 8)),
                country_code: cc.into(),
                country: country.into(),
                continent_code: continent.into(),
                state: Some((scode.into(), state.into())),
                city: Some(city.into()),
                latitude: lat + jitter,
                longitude: lon - jitter,
                time_zone: None,
            }
        })
        .collect();
    let info = DbInfo {
        database_type: "GeoLite2-City".into(),
        description: "huntbook bench data: made-up locations (GeoLite2-City format; not MaxMind data)".into(),
        build_epoch: 1_705_276_800,
    };
    let bytes = city_mmdb(&info, &entries).expect("writing the mmdb");
    std::fs::create_dir_all(&dir).expect("creating DIR");
    std::fs::write(format!("{dir}/GeoLite2-City.mmdb"), &bytes).expect("writing the mmdb");

    let known: BTreeSet<u32> = nets.iter().copied().collect();
    let mut ips = String::with_capacity(count * 16);
    for _ in 0..count {
        let roll = rng.below(100);
        let ip = if roll < 90 {
            let x = nets[rng.below(nets.len() as u64) as usize];
            Ipv4Addr::from(x << 8 | (1 + rng.below(254) as u32))
        } else if roll < 95 {
            Ipv4Addr::new(10, rng.below(256) as u8, rng.below(256) as u8, 1 + rng.below(254) as u8)
        } else {
            loop {
                let x = (rng.next() as u32) >> 8;
                if public24(x) && !known.contains(&x) {
                    break Ipv4Addr::from(x << 8 | 7);
                }
            }
        };
        ips.push_str(&ip.to_string());
        ips.push('\n');
    }
    std::fs::write(format!("{dir}/ips.txt"), ips).expect("writing ips.txt");
    println!("bench_mmdb: {dir}/GeoLite2-City.mmdb ({} KiB, {networks} networks), {dir}/ips.txt ({count} addresses)", bytes.len() / 1024);
}
