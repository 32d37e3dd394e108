//! Encodings and digests: `hash_md5`/`sha1`/`sha256`, base64, URL encoding, `parse_url`, `parse_xml`.

use serde_json::Value as Json;

use super::{map_text, ok_col, texts, Args, Def};
use crate::kql::eval::Ctx;
use crate::kql::value::{Col, Val};
use crate::kql::KqlError;

pub(super) static FUNCTIONS: &[Def] = &[
    Def::values(&["parse_xml"], 1, 1, parse_xml),
    Def::values(&["hash_md5", "hash_sha1", "hash_sha256"], 1, 1, hash_md5),
    Def::values(&["base64_decode_tostring", "base64_decodestring"], 1, 1, base64_decode_tostring),
    Def::values(&["base64_encode_tostring", "base64_encodestring"], 1, 1, base64_encode_tostring),
    Def::values(&["url_encode", "url_encode_component"], 1, 1, url_encode),
    Def::values(&["url_decode"], 1, 1, url_decode),
    Def::values(&["parse_url"], 1, 1, parse_url_call),
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
