//! IPv4 functions (`parse_ipv4`, `ipv4_is_private`, `ipv4_is_in_range`, `ipv4_is_match`, `ipv4_compare`,
//! `format_ipv4_mask`) on [`crate::ioc::ip`].

use super::{ok_col, texts, Args, Def};
use crate::kql::eval::Ctx;
use crate::kql::value::{Col, Val};
use crate::ioc::ip::{is_rfc1918, mask_v4, IpNet};
use crate::kql::KqlError;

pub(super) static FUNCTIONS: &[Def] = &[
    Def::values(&["parse_ipv4"], 1, 1, parse_ipv4),
    Def::values(&["ipv4_is_private"], 1, 1, ipv4_is_private),
    Def::values(&["ipv4_is_in_range", "ipv4_is_match", "ipv4_compare"], 2, 3, ipv4_is_in_range),
    Def::values(&["format_ipv4_mask"], 1, 2, format_ipv4_mask),
];

/// `format_ipv4_mask(ip [, prefix])`: the network `a.b.c.d/bits` of the address, `bits` the smaller of the
/// address' own `/bits` and `prefix` (32 when absent); empty for an invalid address or a prefix outside 0–32.
fn format_ipv4_mask(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    let ips = texts(&a.col(0));
    let prefix = if a.len() == 2 { Some(a.col(1).to_i64()) } else { None };
    ok_col(Col::Str(
        (0..a.m)
            .map(|i| {
                let masked = (|| {
                    let (ip, bits) = ipv4_net(ips.get(i)?)?;
                    let p = match &prefix {
                        Some(p) => u8::try_from(p.get(i)?).ok().filter(|p| *p <= 32)?,
                        None => 32,
                    };
                    let bits = bits.min(p);
                    Some(format!("{}/{bits}", std::net::Ipv4Addr::from(mask_v4(ip, bits))))
                })();
                Some(masked.unwrap_or_default())
            })
            .collect(),
    ))
}

/// `parse_ipv4()`.
fn parse_ipv4(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    ok_col(Col::Long(texts(&a.col(0)).into_iter().map(|t| ipv4_net(t?).map(|(ip, bits)| i64::from(mask_v4(ip, bits)))).collect()))
}

/// `ipv4_is_private()`.
fn ipv4_is_private(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    ok_col(Col::Bool(
        texts(&a.col(0))
            .into_iter()
            .map(|t| Some(is_rfc1918(IpNet::parse(t?)?.v4()?.0)))
            .collect(),
    ))
}

/// `ipv4_is_in_range()`, `ipv4_is_match()`, `ipv4_compare()`.
fn ipv4_is_in_range(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    let x = texts(&a.col(0));
    let y = texts(&a.col(1));
    let prefix = if a.len() == 3 { Some(a.col(2).to_i64()) } else { None };
    let name = a.name;
    let vals = (0..a.m).map(|i| {
        let (ip1, b1) = ipv4_net(x.get(i)?)?;
        let (ip2, b2) = ipv4_net(y.get(i)?)?;
        let p = match &prefix {
            Some(p) => u8::try_from(p.get(i)?.clamp(0, 32)).ok()?,
            None => 32,
        };
        let bits = if name == "ipv4_is_in_range" { b2 } else { b1.min(b2).min(p) };
        let bits = if name == "ipv4_is_in_range" { bits } else { bits.min(p) };
        Some((mask_v4(ip1, bits), mask_v4(ip2, bits)))
    });
    if name == "ipv4_compare" {
        ok_col(Col::Long(vals.map(|v| v.map(|(p, q)| (i64::from(p) - i64::from(q)).signum())).collect()))
    } else {
        ok_col(Col::Bool(vals.map(|v| v.map(|(p, q)| p == q)).collect()))
    }
}

/// An IPv4 address with an optional `/bits` suffix: (address, prefix bits).
fn ipv4_net(t: &str) -> Option<(u32, u8)> {
    IpNet::parse(t)?.v4().map(|(ip, bits)| (u32::from(ip), bits))
}
