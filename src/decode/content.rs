//! What decoded bytes are: a file type by magic bytes, text (UTF-16LE or UTF-8), or binary; plus the hashes and
//! the hex dump every fragment carries.

use md5::{Digest, Md5};
use sha1::Sha1;
use sha2::Sha256;

/// A file type recognised by its magic bytes. Archive types are unpacked; the others are reported as binaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileType {
    Zip,
    Gzip,
    Tar,
    Bzip2,
    SevenZip,
    Rar,
    Pdf,
    Exe,
    Dll,
    Sys,
    Msi,
    Wim,
    Elf,
}

impl FileType {
    /// The name used in tags and tables (msticpy's names: `zip`, `gz`, `tar`, `exe`, `dll`, …; `bz2` and `elf`
    /// are ours).
    pub fn name(self) -> &'static str {
        match self {
            FileType::Zip => "zip",
            FileType::Gzip => "gz",
            FileType::Tar => "tar",
            FileType::Bzip2 => "bz2",
            FileType::SevenZip => "7z",
            FileType::Rar => "rar",
            FileType::Pdf => "pdf",
            FileType::Exe => "exe",
            FileType::Dll => "dll",
            FileType::Sys => "sys",
            FileType::Msi => "msi",
            FileType::Wim => "wim",
            FileType::Elf => "elf",
        }
    }

    /// Archives huntbook unpacks.
    pub fn is_archive(self) -> bool {
        matches!(self, FileType::Zip | FileType::Gzip | FileType::Tar | FileType::Bzip2)
    }
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    let s = b.get(at..at.checked_add(2)?)?;
    Some(u16::from_le_bytes([*s.first()?, *s.get(1)?]))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    let mut a = [0u8; 4];
    a.copy_from_slice(s);
    Some(u32::from_le_bytes(a))
}

/// The file type of `b` from its magic bytes (not from the base64 text, which breaks for stored zips and any
/// header that does not fall on a 3-byte boundary).
pub fn sniff(b: &[u8]) -> Option<FileType> {
    if b.starts_with(b"PK\x03\x04") || b.starts_with(b"PK\x05\x06") || b.starts_with(b"PK\x07\x08") {
        return Some(FileType::Zip);
    }
    if b.starts_with(&[0x1f, 0x8b, 0x08]) {
        return Some(FileType::Gzip);
    }
    if b.starts_with(b"BZh") && b.get(3).is_some_and(|c| (b'1'..=b'9').contains(c)) {
        return Some(FileType::Bzip2);
    }
    if b.get(257..262) == Some(b"ustar".as_slice()) {
        return Some(FileType::Tar);
    }
    if b.starts_with(&[b'7', b'z', 0xbc, 0xaf, 0x27, 0x1c]) {
        return Some(FileType::SevenZip);
    }
    if b.starts_with(b"Rar!\x1a\x07") {
        return Some(FileType::Rar);
    }
    if b.starts_with(b"%PDF-") {
        return Some(FileType::Pdf);
    }
    if b.starts_with(&[0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]) {
        return Some(FileType::Msi);
    }
    if b.starts_with(b"MSWIM\0\0\0") {
        return Some(FileType::Wim);
    }
    if b.starts_with(b"\x7fELF") {
        return Some(FileType::Elf);
    }
    if b.starts_with(b"MZ") {
        return pe_type(b);
    }
    None
}

/// `exe`, `dll` or `sys` for a PE image; `exe` for a DOS header with the usual stub but no PE header (a cut image).
fn pe_type(b: &[u8]) -> Option<FileType> {
    let pe = u32_at(b, 0x3c).map(|v| v as usize);
    let has_pe = pe.and_then(|p| b.get(p..p.checked_add(4)?)) == Some(b"PE\0\0".as_slice());
    if let (true, Some(pe)) = (has_pe, pe) {
        let characteristics = u16_at(b, pe.saturating_add(22)).unwrap_or(0);
        if characteristics & 0x2000 != 0 {
            return Some(FileType::Dll);
        }
        // Optional header starts at pe + 24; Subsystem is at offset 68 in both PE32 and PE32+.
        if u16_at(b, pe.saturating_add(24 + 68)) == Some(1) {
            return Some(FileType::Sys);
        }
        return Some(FileType::Exe);
    }
    (b.get(2..4) == Some([0x90, 0x00].as_slice())).then_some(FileType::Exe)
}

/// Encoding of a decoded fragment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
    Binary,
}

impl Encoding {
    /// msticpy's names: `utf-8`, `utf-16`, `binary`.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf16 => "utf-16",
            Encoding::Binary => "binary",
        }
    }
}

/// Text when `b` is printable UTF-16LE (PowerShell's `-EncodedCommand`; only with `utf16`) or printable UTF-8;
/// `None` for binary. Trailing NULs are dropped; a BOM is dropped. Stops at the first non-text character, so a
/// large binary costs little.
pub fn as_text(b: &[u8], utf16: bool) -> Option<(String, Encoding)> {
    if utf16 {
        if let Some(s) = utf16le(b) {
            return Some((s, Encoding::Utf16));
        }
    }
    let body = b.strip_prefix(&[0xef, 0xbb, 0xbf]).unwrap_or(b);
    let end = body.iter().rposition(|x| *x != 0).map_or(0, |p| p + 1);
    let body = body.get(..end).unwrap_or_default();
    if body.is_empty() || body.iter().any(|x| x.is_ascii_control() && !text_control(*x as char)) {
        return None;
    }
    let s = std::str::from_utf8(body).ok()?;
    printable(s).then(|| (s.to_string(), Encoding::Utf8))
}

fn utf16le(b: &[u8]) -> Option<String> {
    let (body, bom) = match b.strip_prefix(&[0xff, 0xfe]) {
        Some(rest) => (rest, true),
        None => (b, false),
    };
    if body.len() < 2 || body.len() % 2 != 0 {
        return None;
    }
    // Trailing NUL code units are padding, not text.
    let mut end = body.len();
    while end >= 2 && body.get(end - 2..end) == Some([0u8, 0].as_slice()) {
        end -= 2;
    }
    let body = body.get(..end).unwrap_or_default();
    if body.is_empty() {
        return None;
    }
    let pairs = body.len() / 2;
    if !bom {
        // Mostly-ASCII UTF-16LE has a zero high byte in most pairs; random bytes almost never do.
        let zero_high = body.chunks_exact(2).filter(|p| p.get(1) == Some(&0)).count();
        if zero_high * 2 < pairs {
            return None;
        }
    }
    let units = body
        .chunks_exact(2)
        .map(|p| u16::from_le_bytes([p.first().copied().unwrap_or(0), p.get(1).copied().unwrap_or(0)]));
    let mut s = String::with_capacity(pairs);
    for c in char::decode_utf16(units) {
        let c = c.ok()?;
        if c.is_control() && !text_control(c) {
            return None;
        }
        s.push(c);
    }
    Some(s)
}

/// Control characters text may hold: tab, line breaks, form feed, escape.
fn text_control(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\x0c' | '\x1b')
}

/// Non-empty, and no control characters but [`text_control`] ones.
fn printable(s: &str) -> bool {
    !s.is_empty() && !s.chars().any(|c| c.is_control() && !text_control(c))
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// `b` as lowercase hex without separators.
pub fn hex(b: &[u8]) -> String {
    let mut s = String::with_capacity(b.len() * 2);
    for x in b {
        s.push(HEX[(x >> 4) as usize] as char);
        s.push(HEX[(x & 15) as usize] as char);
    }
    s
}

/// msticpy's printable form: hex bytes separated by spaces (`49 6e 76`), at most `max` bytes, then a note of how
/// many more there are.
pub fn printable_bytes(b: &[u8], max: usize) -> String {
    let shown = b.get(..max.min(b.len())).unwrap_or(b);
    let mut s = String::with_capacity(shown.len() * 3 + 32);
    for (i, x) in shown.iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        s.push(HEX[(x >> 4) as usize] as char);
        s.push(HEX[(x & 15) as usize] as char);
    }
    if shown.len() < b.len() {
        s.push_str(&format!(" … ({} more bytes)", b.len() - shown.len()));
    }
    s
}

/// MD5, SHA-1 and SHA-256 of `b`, as lowercase hex.
pub fn hashes(b: &[u8]) -> (String, String, String) {
    (hex(&Md5::digest(b)), hex(&Sha1::digest(b)), hex(&Sha256::digest(b)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_magic() {
        assert_eq!(sniff(b"PK\x03\x04rest"), Some(FileType::Zip));
        assert_eq!(sniff(&[0x1f, 0x8b, 0x08, 0]), Some(FileType::Gzip));
        assert_eq!(sniff(b"BZh91AY"), Some(FileType::Bzip2));
        assert_eq!(sniff(b"%PDF-1.7"), Some(FileType::Pdf));
        assert_eq!(sniff(b"MZ\x90\x00"), Some(FileType::Exe));
        assert_eq!(sniff(b"MZ"), None);
        let mut pe = vec![0u8; 512];
        pe[..2].copy_from_slice(b"MZ");
        pe[0x3c] = 0x80;
        pe[0x80..0x84].copy_from_slice(b"PE\0\0");
        assert_eq!(sniff(&pe), Some(FileType::Exe));
        pe[0x80 + 22 + 1] = 0x20;
        assert_eq!(sniff(&pe), Some(FileType::Dll));
        let mut bad = pe.clone();
        bad[0x3c..0x40].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(sniff(&bad), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn text_detection() {
        let ps: Vec<u8> = "Get-Process".encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        assert_eq!(as_text(&ps, true), Some(("Get-Process".to_string(), Encoding::Utf16)));
        assert_eq!(as_text(&ps, false), None); // NUL-laced: not text
        assert_eq!(as_text(b"hello\0\0", true), Some(("hello".to_string(), Encoding::Utf8)));
        assert_eq!(as_text(b"\0\0\0", true), None);
        assert_eq!(as_text(&[0xff, 0x00, 0x13], true), None);
        assert_eq!(printable_bytes(b"Inv", 2), "49 6e … (1 more bytes)");
        assert_eq!(hashes(b"").0, "d41d8cd98f00b204e9800998ecf8427e");
    }
}
