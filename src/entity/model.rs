//! [`Entity`]: a kind and a property bag (a JSON object), built from objects and table rows, with derived
//! attributes.

use serde_json::{Map, Value};

use super::aliases::{alias_for, aliases_of};
use super::EntityKind;
use crate::error::{Error, Result};
use crate::frame::rows::display_text;
use crate::frame::Frame;

/// How deep entities may nest inside one another (Process → ParentProcess → ImageFile …). Deeper nested entities
/// are kept as plain JSON values.
pub(crate) const MAX_NESTING: usize = 16;

/// One entity: its kind and its properties. Nested entities (Process `ImageFile`, Account `Host`) are JSON objects
/// with a `Type` inside the properties; [`Entity::nested`] gives them back as entities.
#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    pub kind: EntityKind,
    /// msticpy's class name, or for [`EntityKind::Unknown`] the `Type` the alert JSON gave.
    type_name: String,
    props: Map<String, Value>,
}

impl Entity {
    /// An entity of `kind` with no properties.
    pub fn new(kind: EntityKind) -> Entity {
        Entity { kind, type_name: kind.name().to_string(), props: Map::new() }
    }

    /// An entity of a type huntbook does not model, named `type_name`.
    pub fn unknown(type_name: &str) -> Entity {
        Entity { kind: EntityKind::Unknown, type_name: type_name.to_string(), props: Map::new() }
    }

    /// The type name: msticpy's class name ("IpAddress"), or an unknown kind's `Type` as the alert wrote it.
    pub fn type_name(&self) -> &str {
        &self.type_name
    }

    /// The stored properties (without `Type`), in the order they were set.
    pub fn properties(&self) -> &Map<String, Value> {
        &self.props
    }

    /// A stored property's JSON value (attribute names are matched case-insensitively).
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.props.get(name).or_else(|| {
            self.props.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v)
        })
    }

    /// Sets a stored property as it is (no parsing); `Value::Null` removes it.
    pub fn set(&mut self, name: &str, value: Value) {
        let name = self.canonical(name).unwrap_or(name).to_string();
        if value.is_null() {
            self.props.shift_remove(&name);
        } else {
            self.props.insert(name, value);
        }
    }

    /// The attribute of this kind named `name` case-insensitively (its canonical spelling).
    fn canonical(&self, name: &str) -> Option<&'static str> {
        self.kind.attributes().iter().copied().find(|a| a.eq_ignore_ascii_case(name))
    }

    /// The nested entity in property `name` (Process `ImageFile`, Account `Host`), if that property holds one.
    pub fn nested(&self, name: &str) -> Option<Entity> {
        let kind = self.canonical(name).and_then(|a| self.kind.entity_attribute(a));
        match self.get(name)? {
            v @ Value::Object(_) => entity_of_value(v, kind, 0).ok(),
            _ => None,
        }
    }

    /// An attribute as text: a stored property (numbers and booleans as text, a list of values joined with ", ",
    /// a nested entity as its [`Entity::key`]) or a derived attribute: Host `fqdn`, Account `QualifiedName`, File
    /// `file_hash` and `FullPath`, Process `ProcessFilePath` and `ProcessName`, Url `Host`, `Path` … read from `Url`.
    /// `None` when it is empty or absent.
    pub fn attr(&self, name: &str) -> Option<String> {
        let canonical = self.canonical(name);
        let derived = match (self.kind, canonical.unwrap_or(name)) {
            (EntityKind::Host, "fqdn") => self.fqdn(),
            (EntityKind::Account, "QualifiedName") => self.qualified_name(),
            (EntityKind::File, "file_hash") => self.file_hash(),
            (EntityKind::File, "FullPath") => self.full_path(),
            (EntityKind::Process, "ProcessFilePath") => self
                .stored_text("ProcessFilePath")
                .or_else(|| self.nested("ImageFile").and_then(|f| f.full_path())),
            (EntityKind::Process, "ProcessName") => self.stored_text("ProcessName").or_else(|| {
                let f = self.nested("ImageFile")?;
                f.stored_text("Name").or_else(|| f.full_path().map(|p| last_segment(&p).to_string()))
            }),
            (EntityKind::Url, part @ ("Scheme" | "Host" | "Port" | "Path" | "Query" | "Fragment")) => {
                // Alert JSON gives only `Url`: its parts are read from it (as `Entity::parse` stores them).
                self.stored_text(part).or_else(|| {
                    let url = self.stored_text("Url")?;
                    Entity::parse(EntityKind::Url, &url).ok()?.stored_text(part)
                })
            }
            _ => return self.stored_text(name),
        };
        derived.filter(|s| !s.is_empty())
    }

    /// The text of a stored property (see [`Entity::attr`]).
    fn stored_text(&self, name: &str) -> Option<String> {
        let v = self.get(name)?;
        let text = match v {
            Value::Null => return None,
            Value::String(s) => s.clone(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => n.to_string(),
            Value::Array(items) => {
                let parts: Vec<String> = items
                    .iter()
                    .filter_map(|x| match x {
                        Value::String(s) => Some(s.clone()),
                        Value::Number(n) => Some(n.to_string()),
                        Value::Bool(b) => Some(b.to_string()),
                        Value::Object(_) => entity_of_value(x, None, 0).ok().and_then(|e| e.key()),
                        _ => None,
                    })
                    .filter(|s| !s.is_empty())
                    .collect();
                parts.join(", ")
            }
            Value::Object(_) => entity_of_value(v, None, 0).ok()?.key()?,
        };
        Some(text).filter(|s| !s.is_empty())
    }

    /// The value that names this entity: the first of its kind's [`EntityKind::key_attributes`] that is set
    /// (Host `fqdn`, Account `QualifiedName`, IpAddress `Address` …); for unknown kinds the first text property.
    pub fn key(&self) -> Option<String> {
        if self.kind == EntityKind::Unknown {
            return self.props.values().find_map(|v| v.as_str().filter(|s| !s.is_empty()).map(str::to_string));
        }
        self.kind.key_attributes().iter().find_map(|a| self.attr(a))
    }

    fn fqdn(&self) -> Option<String> {
        let host = self.stored_text("HostName").or_else(|| self.stored_text("NetBiosName"))?;
        Some(match self.stored_text("DnsDomain") {
            Some(d) => format!("{host}.{d}"),
            None => host,
        })
    }

    /// msticpy's `qualified_name`: NTDomain\Name, else Name@UPNSuffix, else Host\Name, else Name.
    fn qualified_name(&self) -> Option<String> {
        let name = self.stored_text("Name")?;
        if let Some(d) = self.stored_text("NTDomain") {
            return Some(format!("{d}\\{name}"));
        }
        if let Some(u) = self.stored_text("UPNSuffix") {
            return Some(format!("{name}@{u}"));
        }
        if let Some(h) = self.nested("Host").and_then(|h| h.stored_text("HostName")) {
            return Some(format!("{h}\\{name}"));
        }
        Some(name)
    }

    /// The first hash in msticpy's order: Sha256, Sha1, Md5, Sha256Ac, then the `FileHashes` list by algorithm.
    fn file_hash(&self) -> Option<String> {
        for a in ["Sha256", "Sha1", "Md5", "Sha256Ac"] {
            if let Some(h) = self.stored_text(a) {
                return Some(h);
            }
        }
        let hashes = self.get("FileHashes")?.as_array()?;
        let rank = |alg: &str| match alg.to_ascii_lowercase().as_str() {
            "sha256" => 0,
            "sha1" => 1,
            "md5" => 2,
            "sha256ac" => 3,
            _ => 4,
        };
        hashes
            .iter()
            .filter_map(|h| {
                let alg = h.get("Algorithm").and_then(Value::as_str).unwrap_or("");
                let v = h.get("Value").and_then(Value::as_str).filter(|s| !s.is_empty())?;
                Some((rank(alg), v.to_string()))
            })
            .min_by_key(|(r, _)| *r)
            .map(|(_, v)| v)
    }

    /// The stored FullPath, else Directory joined with Name (with the directory's separator).
    fn full_path(&self) -> Option<String> {
        if let Some(p) = self.stored_text("FullPath") {
            return Some(p);
        }
        let name = self.stored_text("Name")?;
        match self.stored_text("Directory") {
            Some(dir) => {
                let sep = if dir.contains('\\') || dir.as_bytes().get(1) == Some(&b':') { '\\' } else { '/' };
                Some(format!("{}{sep}{name}", dir.trim_end_matches(['\\', '/'])))
            }
            None => None,
        }
    }

    /// Sets attribute `name` from a value a user or a table gave. Derived attributes parse it (Account
    /// `QualifiedName` "CONTOSO\jdoe" → NTDomain + Name; Host `fqdn` → HostName + DnsDomain; File `FullPath` →
    /// FullPath, Directory, Name; File `file_hash` → Md5/Sha1/Sha256; Process `ProcessFilePath` → ImageFile), an
    /// attribute holding an entity takes an object or text parsed as that entity, Alert `SystemAlertIds` takes one
    /// id or a list. Attributes already set are not overwritten by a parse. Other values are stored as they are.
    pub fn set_attr(&mut self, name: &str, value: Value) -> Result<()> {
        self.set_attr_at(name, value, 0)
    }

    pub(crate) fn set_attr_at(&mut self, name: &str, value: Value, depth: usize) -> Result<()> {
        if value.is_null() || value.as_str().is_some_and(|s| s.trim().is_empty()) {
            return Ok(());
        }
        let attr = self.canonical(name).unwrap_or(name);
        let parse_into = |me: &mut Entity, kind: EntityKind, text: &str| -> Result<()> {
            let parsed = Entity::parse(kind, text)?;
            me.merge_missing(parsed);
            Ok(())
        };
        match (self.kind, attr, &value) {
            (EntityKind::Account, "QualifiedName", Value::String(s)) => return parse_into(self, EntityKind::Account, s),
            (EntityKind::Host, "fqdn", Value::String(s)) => return parse_into(self, EntityKind::Host, s),
            (EntityKind::File, "FullPath" | "file_hash", Value::String(s)) => return parse_into(self, EntityKind::File, s),
            (EntityKind::Process, "ProcessFilePath" | "ProcessName", Value::String(s)) => {
                if self.get("ImageFile").is_none() {
                    let file = Entity::parse(EntityKind::File, s)?;
                    self.props.insert("ImageFile".into(), file.to_json());
                }
                return Ok(());
            }
            (EntityKind::Alert, "SystemAlertIds", Value::String(_)) => {
                self.props.insert(attr.to_string(), Value::Array(vec![value]));
                return Ok(());
            }
            _ => {}
        }
        if let Some(sub) = self.kind.entity_attribute(attr) {
            let v = nested_value(sub, value, depth + 1)?;
            self.props.insert(attr.to_string(), v);
            return Ok(());
        }
        self.props.insert(attr.to_string(), value);
        Ok(())
    }

    /// Copies the properties of `other` that this entity does not have.
    pub(crate) fn merge_missing(&mut self, other: Entity) {
        for (k, v) in other.props {
            if self.get(&k).is_none() {
                self.props.insert(k, v);
            }
        }
    }

    /// An entity of `kind` from an object: names matched case-insensitively to the kind's attributes (derived ones
    /// parse their value, see [`Entity::set_attr`]), then to the alias table (`UserPrincipalName` for Account), other
    /// names kept as they are. `Type` and `$id` are ignored; objects with a `Type` inside become nested entities.
    pub fn from_object(kind: EntityKind, object: &Map<String, Value>) -> Result<Entity> {
        Entity::from_object_at(kind, object, 0)
    }

    fn from_object_at(kind: EntityKind, object: &Map<String, Value>, depth: usize) -> Result<Entity> {
        let mut e = Entity::new(kind);
        // attributes first, so an alias never overwrites what the object says directly
        for (k, v) in object {
            if let Some(a) = e.canonical(k) {
                e.set_attr_at(a, v.clone(), depth)?;
            }
        }
        for (k, v) in object {
            if k == "$id" || k.eq_ignore_ascii_case("Type") || e.canonical(k).is_some() {
                continue;
            }
            match alias_for(kind, k) {
                Some(alias) if e.attr(alias.attribute).is_none() => e.set_attr_at(alias.attribute, v.clone(), depth)?,
                Some(_) => {}
                None if !v.is_null() => {
                    e.props.insert(k.clone(), v.clone());
                }
                None => {}
            }
        }
        Ok(e)
    }

    /// An entity from its JSON (what [`Entity::to_json`] gives): an object with a `Type` (msticpy's class name or
    /// Sentinel's type string; an unknown one gives an [`EntityKind::Unknown`] entity).
    pub fn from_json(value: &Value) -> Result<Entity> {
        entity_of_value(value, None, 0)
    }

    /// An entity of `kind` from row `row` of `frame`: the columns of the alias table for this kind (`IPAddress`,
    /// `SrcIpAddr`, `ClientIP` → IpAddress `Address`; `Computer` → Host `fqdn` …; earlier entries win) and every
    /// other column named like one of the kind's attributes (case-insensitively). Null and empty cells are skipped;
    /// datetimes become ISO 8601 UTC text.
    pub fn from_row(kind: EntityKind, frame: &Frame, row: usize) -> Result<Entity> {
        if row >= frame.height() {
            return Err(Error::invalid(format!(
                "{kind}.fromRow: row {row} is outside the table (it has {} rows)",
                frame.height()
            )));
        }
        let names = frame.column_names();
        Ok(Entity::from_record(kind, &names, |name| cell_value(frame, name, row)))
    }

    /// An entity from a record (a row's column names and a way to read a cell): first the kind's entries of the
    /// alias table, in table order (so SecurityEvent's `NewProcessId` wins over its `ProcessId`, the creator's),
    /// then the other columns named like an attribute. An attribute already set is not overwritten; a value that
    /// does not parse is kept as it is.
    pub(crate) fn from_record(kind: EntityKind, names: &[String], cell: impl Fn(&str) -> Option<Value>) -> Entity {
        let mut e = Entity::new(kind);
        for alias in super::ALIASES.iter().filter(|a| a.kind == kind) {
            let Some(col) = names.iter().find(|n| n.eq_ignore_ascii_case(alias.column)) else { continue };
            if e.attr(alias.attribute).is_some() {
                continue;
            }
            if let Some(v) = cell(col) {
                e.set_attr_lenient(alias.attribute, v);
            }
        }
        for name in names {
            let Some(a) = e.canonical(name) else { continue };
            if e.get(a).is_some() || e.attr(a).is_some() {
                continue;
            }
            if let Some(v) = cell(name) {
                e.set_attr_lenient(a, v);
            }
        }
        e
    }

    /// [`Entity::set_attr`] for table cells: a value that does not parse is stored as it is.
    fn set_attr_lenient(&mut self, name: &str, value: Value) {
        if self.set_attr(name, value.clone()).is_err() {
            let attr = self.canonical(name).unwrap_or(name);
            // a derived attribute that did not parse: keep the text in the stored attribute it comes from
            let stored = match (self.kind, attr) {
                (EntityKind::Host, "fqdn") => "HostName",
                (EntityKind::Account, "QualifiedName") => "Name",
                (EntityKind::File, "file_hash") => "FileHashValue",
                _ => attr,
            };
            if self.get(stored).is_none() {
                self.props.insert(stored.to_string(), value);
            }
        }
    }

    /// The entity as JSON: `{"Type": "<type name>", …properties}`.
    pub fn to_json(&self) -> Value {
        let mut m = Map::with_capacity(self.props.len() + 1);
        m.insert("Type".into(), Value::String(self.type_name.clone()));
        for (k, v) in &self.props {
            m.insert(k.clone(), v.clone());
        }
        Value::Object(m)
    }

    /// The attribute of `kind` that a column named `column` fills: the attribute named alike (case-insensitively),
    /// else the alias table's entry for this kind (`IPAddress` → `Address` for IpAddress).
    pub fn attribute_for_column(kind: EntityKind, column: &str) -> Option<&'static str> {
        kind.attributes()
            .iter()
            .copied()
            .find(|a| a.eq_ignore_ascii_case(column))
            .or_else(|| aliases_of(column).find(|a| a.kind == kind).map(|a| a.attribute))
    }
}

/// A cell as a JSON value: text, numbers, booleans; datetimes as ISO 8601 UTC text (`2024-01-13T00:09:31Z`),
/// timespans as text; `None` for null or empty.
pub(crate) fn cell_value(frame: &Frame, column: &str, row: usize) -> Option<Value> {
    use polars::prelude::AnyValue as A;
    let v = frame.column(column).ok()?.get(row).ok()?;
    let value = match &v {
        A::Null => return None,
        A::Boolean(b) => Value::Bool(*b),
        A::Int8(_) | A::Int16(_) | A::Int32(_) | A::Int64(_) | A::UInt8(_) | A::UInt16(_) | A::UInt32(_) | A::UInt64(_) => {
            let text = v.to_string();
            text.parse::<i64>().map(Value::from).unwrap_or(Value::String(text))
        }
        A::Float64(x) => serde_json::Number::from_f64(*x).map(Value::Number)?,
        A::Float32(x) => serde_json::Number::from_f64(f64::from(*x)).map(Value::Number)?,
        A::Datetime(x, tu, _) | A::DatetimeOwned(x, tu, _) => Value::String(crate::time::format_datetime_ns(crate::frame::rows::to_ns(*x, *tu))),
        other => Value::String(display_text(other)?),
    };
    match &value {
        Value::String(s) if s.trim().is_empty() => None,
        _ => Some(value),
    }
}

/// The last segment of a Windows or Linux path.
pub(crate) fn last_segment(path: &str) -> &str {
    path.rsplit(['\\', '/']).next().unwrap_or(path)
}

/// A nested entity's value for an attribute holding entities of `kind`: an object (with or without a `Type`),
/// text parsed as that kind, or a list of either. Too deep: kept as given.
fn nested_value(kind: EntityKind, value: Value, depth: usize) -> Result<Value> {
    if depth > MAX_NESTING {
        return Ok(value);
    }
    Ok(match value {
        Value::Object(ref m) => {
            if m.contains_key("$ref") {
                return Ok(value);
            }
            entity_of_value(&value, Some(kind), depth)?.to_json()
        }
        Value::String(ref s) => match Entity::parse(kind, s) {
            Ok(e) => e.to_json(),
            Err(_) => value,
        },
        Value::Array(items) => Value::Array(
            items.into_iter().map(|x| nested_value(kind, x, depth)).collect::<Result<Vec<_>>>()?,
        ),
        other => other,
    })
}

/// An entity from a JSON object: its `Type` if it has one, else `default`; nested objects at most
/// [`MAX_NESTING`] deep.
pub(crate) fn entity_of_value(value: &Value, default: Option<EntityKind>, depth: usize) -> Result<Entity> {
    let Value::Object(m) = value else {
        return Err(Error::invalid(format!(
            "an entity must be an object with a Type, got {}",
            json_kind(value)
        )));
    };
    let type_text = m.iter().find(|(k, _)| k.eq_ignore_ascii_case("Type")).and_then(|(_, v)| v.as_str());
    let kind = match (type_text.and_then(EntityKind::from_name), type_text, default) {
        (Some(k), _, _) => k,
        (None, Some(t), _) if !t.is_empty() && t != "Unknown" => {
            let mut e = Entity::unknown(t);
            for (k, v) in m {
                if k != "$id" && !k.eq_ignore_ascii_case("Type") && !v.is_null() {
                    e.props.insert(k.clone(), v.clone());
                }
            }
            return Ok(e);
        }
        (_, _, Some(k)) => k,
        _ => {
            return Err(Error::invalid(
                "an entity object needs a Type (e.g. {\"Type\": \"IpAddress\", \"Address\": \"1.2.3.4\"})",
            ))
        }
    };
    Entity::from_object_at(kind, m, depth)
}

pub(crate) fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn from_object_matches_names_case_insensitively_and_keeps_others() {
        let e = Entity::from_object(EntityKind::Account, &obj(json!({"name": "jdoe", "ntdomain": "CONTOSO", "Extra": 1}))).unwrap();
        assert_eq!(e.attr("Name").as_deref(), Some("jdoe"));
        assert_eq!(e.attr("QualifiedName").as_deref(), Some("CONTOSO\\jdoe"));
        assert_eq!(e.get("Extra"), Some(&json!(1)));
        assert_eq!(e.to_json(), json!({"Type": "Account", "Name": "jdoe", "NTDomain": "CONTOSO", "Extra": 1}));
        // an alias of the kind parses its value
        let e = Entity::from_object(EntityKind::Account, &obj(json!({"UserPrincipalName": "ana@contoso.com"}))).unwrap();
        assert_eq!((e.attr("Name").as_deref(), e.attr("UPNSuffix").as_deref()), (Some("ana"), Some("contoso.com")));
    }

    #[test]
    fn derived_attributes() {
        let h = Entity::from_object(EntityKind::Host, &obj(json!({"HostName": "WKS-FIN-07", "DnsDomain": "contoso.com"}))).unwrap();
        assert_eq!(h.attr("fqdn").as_deref(), Some("WKS-FIN-07.contoso.com"));
        assert_eq!(h.key().as_deref(), Some("WKS-FIN-07.contoso.com"));
        let a = Entity::from_object(EntityKind::Account, &obj(json!({"Name": "root", "Host": {"HostName": "lnx"}}))).unwrap();
        assert_eq!(a.attr("QualifiedName").as_deref(), Some("lnx\\root"));
        assert_eq!(a.nested("host").unwrap().type_name(), "Host");
        let f = Entity::from_object(EntityKind::File, &obj(json!({"Md5": "a", "Sha1": "b"}))).unwrap();
        assert_eq!(f.attr("file_hash").as_deref(), Some("b"));
        let f = Entity::from_object(EntityKind::File, &obj(json!({"FileHashes": [{"Algorithm": "MD5", "Value": "m"}, {"Algorithm": "SHA256", "Value": "s"}]}))).unwrap();
        assert_eq!(f.attr("file_hash").as_deref(), Some("s"));
        let p = Entity::from_object(EntityKind::Process, &obj(json!({"ImageFile": {"Directory": "c:\\windows\\system32", "Name": "cmd.exe"}}))).unwrap();
        assert_eq!(p.attr("ProcessFilePath").as_deref(), Some("c:\\windows\\system32\\cmd.exe"));
        assert_eq!(p.attr("ProcessName").as_deref(), Some("cmd.exe"));
        assert_eq!(p.attr("ImageFile").as_deref(), Some("c:\\windows\\system32\\cmd.exe"));
        // a string for an entity attribute is parsed as that entity
        let p = Entity::from_object(EntityKind::Process, &obj(json!({"ImageFile": "/usr/bin/wget"}))).unwrap();
        assert_eq!(p.nested("ImageFile").unwrap().attr("Directory").as_deref(), Some("/usr/bin"));
        assert_eq!(p.attr("ProcessName").as_deref(), Some("wget"));
    }

    #[test]
    fn url_parts_are_read_from_a_bare_url() {
        let mut m = serde_json::Map::new();
        m.insert("Url".into(), Value::String("https://cdn-updates.northwind-sync.xyz/api/beacon".into()));
        let u = Entity::from_object(EntityKind::Url, &m).unwrap();
        assert_eq!(u.attr("Host").as_deref(), Some("cdn-updates.northwind-sync.xyz"));
        assert_eq!(u.attr("Path").as_deref(), Some("/api/beacon"));
        assert_eq!(u.attr("Port"), None);
        m.insert("Url".into(), Value::String("not a url".into()));
        assert_eq!(Entity::from_object(EntityKind::Url, &m).unwrap().attr("Host"), None);
    }

    #[test]
    fn unknown_types_are_kept() {
        let e = Entity::from_json(&json!({"Type": "iotdevice", "DeviceId": "d1"})).unwrap();
        assert_eq!((e.kind, e.type_name()), (EntityKind::Unknown, "iotdevice"));
        assert_eq!(e.key().as_deref(), Some("d1"));
        assert_eq!(e.to_json(), json!({"Type": "iotdevice", "DeviceId": "d1"}));
        let err = Entity::from_json(&json!({"Address": "1.2.3.4"})).unwrap_err().to_string();
        assert!(err.contains("needs a Type"), "{err}");
    }
}
