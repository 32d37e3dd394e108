//! [`detect_columns`]: which columns of a table hold which entity.
//!
//! By name first: a column in the alias table ([`super::ALIASES`]: `IPAddress` → IpAddress `Address`,
//! `UserPrincipalName` → Account `QualifiedName`, `Computer` → Host `fqdn`, `CommandLine` → Process …) is reported
//! with `by: "name"`. Other text columns are judged by their values: the first [`SAMPLE`] non-empty values (looking
//! at no more than [`SCAN_ROWS`] rows) are classified with [`crate::ioc::classify`], and when at least 90% of them
//! are IP addresses (IpAddress `Address`), URLs (Url `Url`), domain names (Dns `DomainName`), MD5/SHA1/SHA256 hashes
//! (File `Md5`/`Sha1`/`Sha256`, mixed: `file_hash`) or e-mail-like names (Account `QualifiedName`), the column is
//! reported with `by: "value"`. Paths are not reported by value (too many columns hold some path).

use polars::prelude::DataType;

use super::aliases::aliases_of;
use super::EntityKind;
use crate::frame::Frame;
use crate::ioc::{classify, IocType};

/// Non-empty values classified per column.
pub const SAMPLE: usize = 50;
/// Rows looked at per column to find them.
pub const SCAN_ROWS: usize = 2_000;
/// Values longer than this are not classified (command lines, JSON).
const MAX_VALUE_LEN: usize = 2_048;

/// A column that holds an entity attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnEntity {
    pub column: String,
    pub kind: EntityKind,
    pub attribute: &'static str,
    /// `"name"` (the column's name is in the alias table) or `"value"` (its values are of the entity's kind).
    pub by: &'static str,
}

impl ColumnEntity {
    /// `{"column", "entity", "attribute", "by"}` (what JS `detectEntities` gives).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({"column": self.column, "entity": self.kind.name(), "attribute": self.attribute, "by": self.by})
    }
}

/// The columns of `frame` that hold an entity, in column order; columns with no value are left out, and so are the
/// alias table's Alert columns (an alert row's own fields). A column named for several kinds is reported once per
/// kind.
pub fn detect_columns(frame: &Frame) -> Vec<ColumnEntity> {
    let mut out = Vec::new();
    for name in frame.column_names() {
        if !has_value(frame, &name) {
            continue;
        }
        let mut by_name = false;
        // Alert columns (StartTime, EndTime) name an alert's own fields: no pivot takes them from a table
        for a in aliases_of(&name).filter(|a| a.kind != EntityKind::Alert) {
            by_name = true;
            out.push(ColumnEntity { column: name.clone(), kind: a.kind, attribute: a.attribute, by: "name" });
        }
        if by_name {
            continue;
        }
        if let Some((kind, attribute)) = by_value(frame, &name) {
            out.push(ColumnEntity { column: name, kind, attribute, by: "value" });
        }
    }
    out
}

/// Whether the column holds a value other than null and empty text.
fn has_value(frame: &Frame, name: &str) -> bool {
    let Ok(col) = frame.column(name) else { return false };
    if col.null_count() == col.len() {
        return false;
    }
    match col.str() {
        Ok(ca) => ca.into_iter().any(|v| v.is_some_and(|s| !s.trim().is_empty())),
        Err(_) => true,
    }
}

/// What most sampled values of a text column are.
fn by_value(frame: &Frame, name: &str) -> Option<(EntityKind, &'static str)> {
    let col = frame.column(name).ok()?;
    if col.dtype() != &DataType::String {
        return None;
    }
    let ca = col.str().ok()?;
    let mut counts: Vec<(IocType, usize)> = Vec::new();
    let mut n = 0usize;
    for v in ca.into_iter().take(SCAN_ROWS).flatten() {
        let v = v.trim();
        if v.is_empty() || v.len() > MAX_VALUE_LEN {
            continue;
        }
        n += 1;
        if let Some(t) = classify(v) {
            match counts.iter_mut().find(|(k, _)| *k == t) {
                Some((_, c)) => *c += 1,
                None => counts.push((t, 1)),
            }
        }
        if n >= SAMPLE {
            break;
        }
    }
    if n == 0 {
        return None;
    }
    let count = |f: &dyn Fn(IocType) -> bool| counts.iter().filter(|(t, _)| f(*t)).map(|(_, c)| c).sum::<usize>();
    let enough = |c: usize| c * 10 >= n * 9;
    let hashes = |t: IocType| matches!(t, IocType::Md5Hash | IocType::Sha1Hash | IocType::Sha256Hash);
    if enough(count(&|t| matches!(t, IocType::Ipv4 | IocType::Ipv6))) {
        return Some((EntityKind::IpAddress, "Address"));
    }
    if enough(count(&|t| t == IocType::Url)) {
        return Some((EntityKind::Url, "Url"));
    }
    if enough(count(&|t| t == IocType::Dns)) {
        return Some((EntityKind::Dns, "DomainName"));
    }
    if enough(count(&|t| t == IocType::Email)) {
        return Some((EntityKind::Account, "QualifiedName"));
    }
    if enough(count(&hashes)) {
        for (t, attr) in [(IocType::Md5Hash, "Md5"), (IocType::Sha1Hash, "Sha1"), (IocType::Sha256Hash, "Sha256")] {
            if enough(count(&|x| x == t)) {
                return Some((EntityKind::File, attr));
            }
        }
        return Some((EntityKind::File, "file_hash"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use polars::prelude::*;

    #[test]
    fn by_name_and_by_value() {
        let df = df!(
            "SrcIpAddr" => ["1.2.3.4", "x"],
            "Peer" => ["10.0.0.1", "2001:db8::1"],
            "Link" => ["https://a.com/x", "http://b.org/"],
            "Site" => ["a.com", "www.b.org"],
            "Hash" => ["d41d8cd98f00b204e9800998ecf8427e", "d41d8cd98f00b204e9800998ecf8427f"],
            "Mixed" => ["d41d8cd98f00b204e9800998ecf8427e", "da39a3ee5e6b4b0d3255bfef95601890afd80709"],
            "Who" => ["ana@contoso.com", "bob@contoso.com"],
            "Note" => ["hello", "1.2.3.4"],
            "Computer" => ["", ""],
            "StartTime" => ["2024-01-01", "2024-01-02"],
            "N" => [1i64, 2]
        )
        .unwrap();
        let got: Vec<(String, &str, &str, &str)> = detect_columns(&Frame::new("t", df))
            .into_iter()
            .map(|c| (c.column, c.kind.name(), c.attribute, c.by))
            .collect();
        let s = |a: &str, b: &'static str, c: &'static str, d: &'static str| (a.to_string(), b, c, d);
        assert_eq!(
            got,
            vec![
                s("SrcIpAddr", "IpAddress", "Address", "name"),
                s("Peer", "IpAddress", "Address", "value"),
                s("Link", "Url", "Url", "value"),
                s("Site", "Dns", "DomainName", "value"),
                s("Hash", "File", "Md5", "value"),
                s("Mixed", "File", "file_hash", "value"),
                s("Who", "Account", "QualifiedName", "value"),
            ]
        );
    }
}
