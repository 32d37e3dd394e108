//! Encodings and digests: `hash_md5`/`sha1`/`sha256`, base64, URL encoding, `parse_url`, `parse_xml`.

use polars::prelude::*;
use serde_json::Value as Json;

use super::{map_text, ok_col, texts, Args, Def};
use crate::kql::eval::Ctx;
use crate::kql::value::{Col, Val};
use crate::kql::KqlError;

pub(super) static FUNCTIONS: &[Def] = &[
    Def::values(&["parse_xml"], 1, 1, parse_xml),
    Def::values(&["hash_md5", "hash_sha1", "hash_sha256"], 1, 1, hash_md5),
    Def::values(&["hash"], 1, 2, hash),
    Def::exprs(&["new_guid"], 0, 0, new_guid),
    Def::values(&["base64_decode_tostring", "base64_decodestring"], 1, 1, base64_decode_tostring),
    Def::values(&["base64_encode_tostring", "base64_encodestring"], 1, 1, base64_encode_tostring),
    Def::values(&["url_encode", "url_encode_component"], 1, 1, url_encode),
    Def::values(&["url_decode"], 1, 1, url_decode),
    Def::values(&["parse_url"], 1, 1, parse_url_call),
    Def::values(&["parse_path"], 1, 1, parse_path_call),
];

/// `parse_xml()`.
fn parse_xml(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    ok_col(Col::from_json(texts(&a.col(0)).into_iter().map(|t| t.and_then(crate::kql::xml::parse_xml).unwrap_or(Json::Null))))
}

/// `hash_md5()`, `hash_sha1()`, `hash_sha256()`.
fn hash_md5(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    let name = a.name;
    ok_col(map_text(&a.col(0), |s| {
        use md5::Digest;
        let b = s.as_bytes();
        match name {
            "hash_md5" => hex_bytes(&md5::Md5::digest(b)),
            "hash_sha1" => hex_bytes(&sha1::Sha1::digest(b)),
            _ => hex_bytes(&sha2::Sha256::digest(b)),
        }
    }))
}

/// `hash(x [, mod])`: Kusto's xxhash64 (seed 0) of the value's UTF-8 text, as a long; with `mod`, the unsigned hash
/// modulo `mod` (null when `mod` is not positive). Strings give Kusto's values; other types hash their text, where
/// Kusto hashes its own binary form.
fn hash(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    let text = texts(&a.col(0));
    let modulo = (a.len() > 1).then(|| a.col(1).to_i64());
    let out: Int64Chunked = text
        .into_iter()
        .enumerate()
        .map(|(r, t)| {
            let h = xxh64(t.unwrap_or("").as_bytes(), 0);
            match &modulo {
                None => Some(h as i64),
                Some(m) => m.get(r).filter(|&m| m > 0).map(|m| (h % m as u64) as i64),
            }
        })
        .collect();
    ok_col(Col::Long(out))
}

/// XXH64 (Yann Collet's xxHash, 64-bit) of `data`.
fn xxh64(data: &[u8], seed: u64) -> u64 {
    const P1: u64 = 0x9E37_79B1_85EB_CA87;
    const P2: u64 = 0xC2B2_AE3D_27D4_EB4F;
    const P3: u64 = 0x1656_67B1_9E37_79F9;
    const P4: u64 = 0x85EB_CA77_C2B2_AE63;
    const P5: u64 = 0x27D4_EB2F_1656_67C5;
    let round = |acc: u64, input: u64| acc.wrapping_add(input.wrapping_mul(P2)).rotate_left(31).wrapping_mul(P1);
    let merge = |acc: u64, v: u64| (acc ^ round(0, v)).wrapping_mul(P1).wrapping_add(P4);
    let u64_at = |i: usize| data.get(i..i + 8).and_then(|b| b.try_into().ok()).map_or(0, u64::from_le_bytes);
    let u32_at = |i: usize| data.get(i..i + 4).and_then(|b| b.try_into().ok()).map_or(0, u32::from_le_bytes);
    let len = data.len();
    let mut i = 0;
    let mut h = if len >= 32 {
        let mut v = [seed.wrapping_add(P1).wrapping_add(P2), seed.wrapping_add(P2), seed, seed.wrapping_sub(P1)];
        while i + 32 <= len {
            for (k, acc) in v.iter_mut().enumerate() {
                *acc = round(*acc, u64_at(i + 8 * k));
            }
            i += 32;
        }
        let mut h = v[0].rotate_left(1).wrapping_add(v[1].rotate_left(7)).wrapping_add(v[2].rotate_left(12)).wrapping_add(v[3].rotate_left(18));
        for acc in v {
            h = merge(h, acc);
        }
        h
    } else {
        seed.wrapping_add(P5)
    };
    h = h.wrapping_add(len as u64);
    while i + 8 <= len {
        h = (h ^ round(0, u64_at(i))).rotate_left(27).wrapping_mul(P1).wrapping_add(P4);
        i += 8;
    }
    if i + 4 <= len {
        h = (h ^ (u32_at(i) as u64).wrapping_mul(P1)).rotate_left(23).wrapping_mul(P2).wrapping_add(P3);
        i += 4;
    }
    while i < len {
        h = (h ^ (data[i] as u64).wrapping_mul(P5)).rotate_left(11).wrapping_mul(P1);
        i += 1;
    }
    h ^= h >> 33;
    h = h.wrapping_mul(P2);
    h ^= h >> 29;
    h = h.wrapping_mul(P3);
    h ^ (h >> 32)
}

/// `new_guid()`: a random (version 4) GUID for every row.
fn new_guid(_: &[crate::kql::ast::Expr], ctx: &Ctx) -> Result<Val, KqlError> {
    let mut bytes = vec![0u8; ctx.n.saturating_mul(16)];
    random_bytes(&mut bytes)?;
    let guids: StringChunked = bytes
        .chunks_exact(16)
        .map(|b| {
            let mut b: [u8; 16] = b.try_into().unwrap_or([0; 16]);
            b[6] = (b[6] & 0x0f) | 0x40;
            b[8] = (b[8] & 0x3f) | 0x80;
            let h = hex_bytes(&b);
            Some(format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32]))
        })
        .collect();
    ok_col(Col::Str(guids))
}

/// Random bytes: the browser's or Node's crypto in wasm.
#[cfg(target_arch = "wasm32")]
fn random_bytes(buf: &mut [u8]) -> Result<(), KqlError> {
    getrandom::fill(buf).map_err(|e| KqlError::msg(format!("new_guid(): no random numbers: {e}")))
}

/// Random bytes natively: std's randomly keyed SipHash of a counter (no extra dependency; not for secrets).
#[cfg(not(target_arch = "wasm32"))]
fn random_bytes(buf: &mut [u8]) -> Result<(), KqlError> {
    use std::hash::{BuildHasher, Hasher};
    let state = std::collections::hash_map::RandomState::new();
    for (i, chunk) in buf.chunks_mut(8).enumerate() {
        let mut h = state.build_hasher();
        h.write_usize(i);
        chunk.copy_from_slice(&h.finish().to_le_bytes()[..chunk.len()]);
    }
    Ok(())
}

/// `base64_decode_tostring()`, `base64_decodestring()`.
fn base64_decode_tostring(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    use base64::Engine as _;
    ok_col(Col::Str(
        texts(&a.col(0))
            .into_iter()
            .map(|t| {
                let t = t?.trim();
                let engine = base64::engine::general_purpose::GeneralPurpose::new(
                    &base64::alphabet::STANDARD,
                    base64::engine::general_purpose::GeneralPurposeConfig::new().with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
                );
                let bytes = engine.decode(t).ok()?;
                String::from_utf8(bytes).ok()
            })
            .collect(),
    ))
}

/// `base64_encode_tostring()`, `base64_encodestring()`.
fn base64_encode_tostring(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    use base64::Engine as _;
    ok_col(map_text(&a.col(0), |s| base64::engine::general_purpose::STANDARD.encode(s.as_bytes())))
}

/// `url_encode()`, `url_encode_component()`.
fn url_encode(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    ok_col(map_text(&a.col(0), |s| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>().replace('+', "%20")))
}

/// `url_decode()`.
fn url_decode(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    ok_col(Col::Str(texts(&a.col(0)).into_iter().map(|t| percent_decode(t?)).collect()))
}

/// `parse_url()`.
fn parse_url_call(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    ok_col(Col::from_json(texts(&a.col(0)).into_iter().map(|t| parse_url(t.unwrap_or("")))))
}

/// `parse_path()`.
fn parse_path_call(a: &Args, _: &Ctx) -> Result<Val, KqlError> {
    ok_col(Col::from_json(texts(&a.col(0)).into_iter().map(|t| parse_path(t.unwrap_or("")))))
}

/// Kusto's `parse_path`: a file path (Windows, UNC, Unix) or a URL split into `Scheme`, `RootPath` (a drive `C:` or
/// a URL's host), `DirectoryPath`, `DirectoryName`, `Filename`, `Extension` and `AlternateDataStreamName` (after a
/// `:` in the file name).
fn parse_path(path: &str) -> Json {
    let (scheme, rest) = match path.find("://") {
        Some(i) if i > 0 && path[..i].chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) => (&path[..i], &path[i + 3..]),
        _ => ("", path),
    };
    let root = if !scheme.is_empty() {
        rest.split(['/', '\\']).next().unwrap_or("")
    } else {
        let b = rest.as_bytes();
        if b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':' { &rest[..2] } else { "" }
    };
    let (dir, file) = match path.rfind(['/', '\\']) {
        Some(i) if i >= path.len() - rest.len() + root.len() => (&path[..i], &path[i + 1..]),
        _ if !root.is_empty() => (&path[..path.len() - rest.len() + root.len()], &path[path.len() - rest.len() + root.len()..]),
        _ => ("", path),
    };
    let (file, stream) = match file.find(':') {
        Some(i) if scheme.is_empty() => (&file[..i], &file[i + 1..]),
        _ => (file, ""),
    };
    let dir_name = dir.rsplit(['/', '\\']).next().filter(|d| *d != root).unwrap_or("");
    let ext = file.rfind('.').map_or("", |i| &file[i + 1..]);
    let mut m = serde_json::Map::new();
    for (k, v) in [
        ("Scheme", scheme),
        ("RootPath", root),
        ("DirectoryPath", dir),
        ("DirectoryName", dir_name),
        ("Filename", file),
        ("Extension", ext),
        ("AlternateDataStreamName", stream),
    ] {
        m.insert(k.to_string(), Json::String(v.to_string()));
    }
    Json::Object(m)
}

/// Lowercase hex of bytes.
fn hex_bytes(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// `%xx` escapes (and `+` as space) decoded; not UTF-8 → null.
fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 3 <= b.len() => {
                match std::str::from_utf8(&b[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(v) => {
                        out.push(v);
                        i += 3;
                    }
                    None => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            x => {
                out.push(x);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// `parse_url()`: Kusto's property bag of a URL's parts (empty strings for missing parts).
fn parse_url(s: &str) -> Json {
    let mut m = serde_json::Map::new();
    let u = url::Url::parse(s.trim()).ok();
    let text = |v: Option<&str>| Json::String(v.unwrap_or("").to_string());
    m.insert("Scheme".into(), text(u.as_ref().map(|u| u.scheme())));
    m.insert("Host".into(), text(u.as_ref().and_then(|u| u.host_str())));
    m.insert("Port".into(), Json::String(u.as_ref().and_then(|u| u.port()).map(|p| p.to_string()).unwrap_or_default()));
    m.insert("Path".into(), text(u.as_ref().map(|u| u.path())));
    m.insert("Username".into(), text(u.as_ref().map(|u| u.username())));
    m.insert("Password".into(), text(u.as_ref().and_then(|u| u.password())));
    let mut q = serde_json::Map::new();
    if let Some(u) = &u {
        for (k, v) in u.query_pairs() {
            q.insert(k.into_owned(), Json::String(v.into_owned()));
        }
    }
    m.insert("Query Parameters".into(), Json::Object(q));
    m.insert("Fragment".into(), text(u.as_ref().and_then(|u| u.fragment())));
    Json::Object(m)
}
