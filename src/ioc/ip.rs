//! IP addresses for enrichment, entities and KQL: parsing (with an optional `/prefix`), network matching and
//! msticpy's address classes ([`ip_type`]: `Public`, `Private`, `Multicast`, `Loopback`, `Link Local`,
//! `Unspecified`, `Reserved`).
//!
//! [`ip_type`] follows msticpy's `get_ip_type` exactly: the first of multicast, global (public), loopback,
//! link-local, unspecified, private, reserved that holds, by Python's `ipaddress` rules (the IANA special-purpose
//! registries, as in Python 3.13: `100.64.0.0/10` is neither global nor private, so it is `Unspecified`), except
//! that the documentation ranges (`192.0.2.0/24`, `198.51.100.0/24`, `203.0.113.0/24`, `2001:db8::/32`,
//! `3fff::/20`) are `Reserved`, as msticpy's own tests expect (Python's `ipaddress` counts them private). An
//! IPv4-mapped IPv6 address (`::ffff:10.0.0.1`) is classified as its IPv4 address.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

/// msticpy's class of an IP address (`get_ip_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IpType {
    Public,
    Private,
    Multicast,
    Loopback,
    LinkLocal,
    Unspecified,
    Reserved,
}

impl IpType {
    /// Every class.
    pub const ALL: [IpType; 7] = [
        IpType::Public,
        IpType::Private,
        IpType::Multicast,
        IpType::Loopback,
        IpType::LinkLocal,
        IpType::Unspecified,
        IpType::Reserved,
    ];

    /// msticpy's name: `Public`, `Private`, `Multicast`, `Loopback`, `Link Local`, `Unspecified`, `Reserved`.
    pub fn as_str(self) -> &'static str {
        match self {
            IpType::Public => "Public",
            IpType::Private => "Private",
            IpType::Multicast => "Multicast",
            IpType::Loopback => "Loopback",
            IpType::LinkLocal => "Link Local",
            IpType::Unspecified => "Unspecified",
            IpType::Reserved => "Reserved",
        }
    }
}

impl fmt::Display for IpType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for IpType {
    type Err = String;

    /// msticpy's name, any case (`Link Local`, `link local`).
    fn from_str(s: &str) -> Result<IpType, String> {
        IpType::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                let names: Vec<&str> = IpType::ALL.iter().map(|t| t.as_str()).collect();
                format!("unknown IP type '{s}': types are {}", names.join(", "))
            })
    }
}

/// An IPv4 or IPv6 address, surrounding spaces ignored (`None` when it is not one).
pub fn parse_ip(s: &str) -> Option<IpAddr> {
    s.trim().parse().ok()
}

/// msticpy's class of `addr` (see the module documentation for the rules).
pub fn ip_type(addr: IpAddr) -> IpType {
    if let IpAddr::V6(v6) = addr {
        if let Some(v4) = v6.to_ipv4_mapped() {
            return ip_type(IpAddr::V4(v4));
        }
    }
    let flags = Flags::of(addr);
    if flags.multicast {
        IpType::Multicast
    } else if flags.global {
        IpType::Public
    } else if flags.loopback {
        IpType::Loopback
    } else if flags.link_local {
        IpType::LinkLocal
    } else if flags.unspecified {
        IpType::Unspecified
    } else if is_documentation(addr) {
        IpType::Reserved
    } else if flags.private {
        IpType::Private
    } else if flags.reserved {
        IpType::Reserved
    } else {
        IpType::Unspecified
    }
}

/// The documentation ranges (RFC 5737, RFC 3849, RFC 9637): msticpy's `Reserved`.
fn is_documentation(addr: IpAddr) -> bool {
    match addr {
        IpAddr::V4(v4) => in_v4(
            u32::from(v4),
            &[(0xc000_0200, 24), (0xc633_6400, 24), (0xcb00_7100, 24)],
        ),
        IpAddr::V6(v6) => in_v6(
            u128::from(v6),
            &[(0x2001_0db8 << 96, 32), (0x3fff << 112, 20)],
        ),
    }
}

/// Python `ipaddress`' properties of one address.
struct Flags {
    multicast: bool,
    global: bool,
    loopback: bool,
    link_local: bool,
    unspecified: bool,
    private: bool,
    reserved: bool,
}

/// Python's `_private_networks` (IPv4) and the exceptions in them.
const V4_PRIVATE: &[(u32, u8)] = &[
    (0x0000_0000, 8),  // 0.0.0.0/8
    (0x0a00_0000, 8),  // 10.0.0.0/8
    (0x7f00_0000, 8),  // 127.0.0.0/8
    (0xa9fe_0000, 16), // 169.254.0.0/16
    (0xac10_0000, 12), // 172.16.0.0/12
    (0xc000_0000, 24), // 192.0.0.0/24
    (0xc000_00aa, 31), // 192.0.0.170/31
    (0xc000_0200, 24), // 192.0.2.0/24
    (0xc0a8_0000, 16), // 192.168.0.0/16
    (0xc612_0000, 15), // 198.18.0.0/15
    (0xc633_6400, 24), // 198.51.100.0/24
    (0xcb00_7100, 24), // 203.0.113.0/24
    (0xf000_0000, 4),  // 240.0.0.0/4
    (0xffff_ffff, 32), // 255.255.255.255/32
];
const V4_PRIVATE_EXCEPTIONS: &[(u32, u8)] = &[(0xc000_0009, 32), (0xc000_000a, 32)];
/// Shared address space (RFC 6598): neither global nor private.
const V4_SHARED: (u32, u8) = (0x6440_0000, 10);

/// Python's `_private_networks` (IPv6), its exceptions and `_reserved_networks`.
const V6_PRIVATE: &[(u128, u8)] = &[
    (1, 128),                     // ::1
    (0, 128),                     // ::
    (0xffff_0000_0000, 96),       // ::ffff:0:0/96
    (0x0064_ff9b_0001 << 80, 48), // 64:ff9b:1::/48
    (0x0100 << 112, 64),          // 100::/64
    (0x2001 << 112, 23),          // 2001::/23
    (0x2001_0db8 << 96, 32),      // 2001:db8::/32
    (0x2002 << 112, 16),          // 2002::/16
    (0x3fff << 112, 20),          // 3fff::/20
    (0xfc00 << 112, 7),           // fc00::/7
    (0xfe80 << 112, 10),          // fe80::/10
];
const V6_PRIVATE_EXCEPTIONS: &[(u128, u8)] = &[
    ((0x2001_0001 << 96) | 1, 128), // 2001:1::1
    ((0x2001_0001 << 96) | 2, 128), // 2001:1::2
    (0x2001_0003 << 96, 32),        // 2001:3::/32
    (0x2001_0004_0112 << 80, 48),   // 2001:4:112::/48
    (0x2001_0020 << 96, 28),        // 2001:20::/28
    (0x2001_0030 << 96, 28),        // 2001:30::/28
];
const V6_RESERVED: &[(u128, u8)] = &[
    (0, 8),
    (0x0100 << 112, 8),
    (0x0200 << 112, 7),
    (0x0400 << 112, 6),
    (0x0800 << 112, 5),
    (0x1000 << 112, 4),
    (0x4000 << 112, 3),
    (0x6000 << 112, 3),
    (0x8000 << 112, 3),
    (0xa000 << 112, 3),
    (0xc000 << 112, 3),
    (0xe000 << 112, 4),
    (0xf000 << 112, 5),
    (0xf800 << 112, 6),
    (0xfe00 << 112, 9),
];

fn in_v4(a: u32, nets: &[(u32, u8)]) -> bool {
    nets.iter().any(|&(n, bits)| mask_v4(a, bits) == n)
}

fn in_v6(a: u128, nets: &[(u128, u8)]) -> bool {
    nets.iter().any(|&(n, bits)| mask_v6(a, bits) == n)
}

impl Flags {
    fn of(addr: IpAddr) -> Flags {
        match addr {
            IpAddr::V4(v4) => {
                let a = u32::from(v4);
                let private = in_v4(a, V4_PRIVATE) && !in_v4(a, V4_PRIVATE_EXCEPTIONS);
                Flags {
                    multicast: v4.is_multicast(),
                    global: !private && !in_v4(a, &[V4_SHARED]),
                    loopback: v4.is_loopback(),
                    link_local: v4.is_link_local(),
                    unspecified: v4.is_unspecified(),
                    private,
                    reserved: in_v4(a, &[(0xf000_0000, 4)]),
                }
            }
            IpAddr::V6(v6) => {
                let a = u128::from(v6);
                let private = in_v6(a, V6_PRIVATE) && !in_v6(a, V6_PRIVATE_EXCEPTIONS);
                Flags {
                    multicast: v6.is_multicast(),
                    global: !private,
                    loopback: v6.is_loopback(),
                    link_local: in_v6(a, &[(0xfe80 << 112, 10)]),
                    unspecified: v6.is_unspecified(),
                    private,
                    reserved: in_v6(a, V6_RESERVED),
                }
            }
        }
    }
}

/// The first `bits` bits of an IPv4 address (as a number), the rest zero.
pub fn mask_v4(addr: u32, bits: u8) -> u32 {
    if bits == 0 {
        0
    } else {
        addr & (u32::MAX << (32 - u32::from(bits.min(32))))
    }
}

/// The first `bits` bits of an IPv6 address (as a number), the rest zero.
pub fn mask_v6(addr: u128, bits: u8) -> u128 {
    if bits == 0 {
        0
    } else {
        addr & (u128::MAX << (128 - u32::from(bits.min(128))))
    }
}

/// A private IPv4 address in RFC 1918's sense (`10/8`, `172.16/12`, `192.168/16`), as Kusto's
/// `ipv4_is_private`; [`ip_type`] is the wider, msticpy class.
pub fn is_rfc1918(addr: Ipv4Addr) -> bool {
    addr.is_private()
}

/// An address with a prefix length: `10.1.0.0/16`, `2001:db8::/32`, or a bare address (the full length).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IpNet {
    addr: IpAddr,
    prefix: u8,
}

impl IpNet {
    /// Reads `address[/bits]`, spaces around either part ignored; `None` when the address does not parse or the
    /// prefix is longer than the address (32 or 128 bits).
    pub fn parse(s: &str) -> Option<IpNet> {
        let s = s.trim();
        let (ip, bits) = match s.split_once('/') {
            Some((ip, b)) => (ip, Some(b.trim().parse::<u8>().ok()?)),
            None => (s, None),
        };
        let addr = parse_ip(ip)?;
        let full = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = bits.unwrap_or(full);
        (prefix <= full).then_some(IpNet { addr, prefix })
    }

    /// The address as written (host bits kept).
    pub fn addr(&self) -> IpAddr {
        self.addr
    }

    /// The prefix length in bits.
    pub fn prefix(&self) -> u8 {
        self.prefix
    }

    /// The IPv4 address and prefix, when this is an IPv4 network.
    pub fn v4(&self) -> Option<(Ipv4Addr, u8)> {
        match self.addr {
            IpAddr::V4(a) => Some((a, self.prefix)),
            IpAddr::V6(_) => None,
        }
    }

    /// The network address: the host bits cleared.
    pub fn network(&self) -> IpAddr {
        match self.addr {
            IpAddr::V4(a) => IpAddr::V4(Ipv4Addr::from(mask_v4(u32::from(a), self.prefix))),
            IpAddr::V6(a) => IpAddr::V6(Ipv6Addr::from(mask_v6(u128::from(a), self.prefix))),
        }
    }

    /// Whether `addr` is in this network (an address of the other family never is).
    pub fn contains(&self, addr: IpAddr) -> bool {
        match (self.addr, addr) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                mask_v4(u32::from(a), self.prefix) == mask_v4(u32::from(n), self.prefix)
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                mask_v6(u128::from(a), self.prefix) == mask_v6(u128::from(n), self.prefix)
            }
            _ => false,
        }
    }
}

impl fmt::Display for IpNet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(s: &str) -> IpType {
        ip_type(parse_ip(s).unwrap())
    }

    /// msticpy's own test cases (`tests/context/test_ip_utils.py`, in `../shared/fixtures/enrich`), every class
    /// exactly (the documentation ranges are `Reserved`).
    #[test]
    fn msticpy_ip_types_fixture() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/fixtures/enrich/msticpy_ip_types.json"
        );
        let Ok(text) = std::fs::read_to_string(path) else {
            panic!("fixture {path} is missing");
        };
        let fixture: serde_json::Value = serde_json::from_str(&text).unwrap();
        let mut n = 0;
        for family in ["ipv4", "ipv6"] {
            for (class, addr) in fixture[family].as_object().unwrap() {
                let want: IpType = class.parse().unwrap();
                let got = ty(addr.as_str().unwrap());
                assert_eq!(got, want, "{addr}");
                n += 1;
            }
        }
        assert_eq!(n, 14);
    }

    #[test]
    fn classes_beyond_the_fixture() {
        assert_eq!(ty("24.16.133.227"), IpType::Public);
        assert_eq!(ty("13.107.4.50"), IpType::Public);
        assert_eq!(ty("100.64.1.1"), IpType::Unspecified); // shared address space: neither global nor private
        assert_eq!(ty("192.0.0.9"), IpType::Public); // an exception inside 192.0.0.0/24
        assert_eq!(ty("192.0.0.8"), IpType::Private);
        assert_eq!(ty("255.255.255.255"), IpType::Private);
        assert_eq!(ty("239.255.255.250"), IpType::Multicast);
        assert_eq!(ty("::ffff:10.1.2.3"), IpType::Private);
        assert_eq!(ty("::ffff:8.8.8.8"), IpType::Public);
        assert_eq!(ty("2001:4860:4860::8888"), IpType::Public);
        assert_eq!(ty("2001:20::1"), IpType::Public); // ORCHIDv2, an exception inside 2001::/23
        assert_eq!(ty("fe80::1"), IpType::LinkLocal);
        assert_eq!(ty("203.0.113.66"), IpType::Reserved); // documentation ranges
        assert_eq!(ty("192.0.2.1"), IpType::Reserved);
        assert_eq!(ty("::ffff:198.51.100.7"), IpType::Reserved);
        assert_eq!(ty("3fff::1"), IpType::Reserved);
        assert_eq!(ty("192.0.3.1"), IpType::Public);
        assert_eq!("link local".parse::<IpType>(), Ok(IpType::LinkLocal));
        assert!("Local"
            .parse::<IpType>()
            .unwrap_err()
            .contains("Link Local"));
        assert_eq!(IpType::LinkLocal.to_string(), "Link Local");
        assert_eq!(
            parse_ip(" 10.0.0.1 "),
            Some(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)))
        );
        assert_eq!(parse_ip("10.0.0.256"), None);
        assert_eq!(parse_ip("1.2.3.4.5"), None);
    }

    #[test]
    fn networks() {
        let n = IpNet::parse(" 10.1.2.3 / 16 ").unwrap();
        assert_eq!(
            (n.prefix(), n.network().to_string()),
            (16, "10.1.0.0".to_string())
        );
        assert!(n.contains(parse_ip("10.1.255.1").unwrap()));
        assert!(!n.contains(parse_ip("10.2.0.1").unwrap()));
        assert!(!n.contains(parse_ip("::1").unwrap()));
        assert_eq!(IpNet::parse("10.0.0.1").unwrap().prefix(), 32);
        assert_eq!(IpNet::parse("10.0.0.1/33"), None);
        assert_eq!(IpNet::parse("10.0.0.1/x"), None);
        let v6 = IpNet::parse("2001:db8::/32").unwrap();
        assert!(v6.contains(parse_ip("2001:db8:ffff::1").unwrap()));
        assert!(!v6.contains(parse_ip("2001:db9::1").unwrap()));
        assert_eq!(v6.to_string(), "2001:db8::/32");
        assert_eq!(IpNet::parse("::/0").unwrap().network().to_string(), "::");
        assert_eq!(mask_v4(0xffff_ffff, 0), 0);
        assert_eq!(mask_v4(0xc0a8_0101, 24), 0xc0a8_0100);
        assert!(is_rfc1918(Ipv4Addr::new(172, 31, 0, 1)));
        assert!(!is_rfc1918(Ipv4Addr::new(172, 32, 0, 1)));
    }
}
