//! Entities of a SecurityAlert: its `Entities` JSON ([`alert_entities`]) and the whole alert row
//! ([`alert_from_row`], [`alert_from_object`]).
//!
//! Sentinel writes each entity once with a `$id` and refers to it elsewhere with `{"$ref": "<id>"}` (Newtonsoft's
//! reference handling): a process's `Host`, `Account`, `ParentProcess` and `ImageFile`, an account's `Host`. A
//! `$ref` may point backward or forward, and a nested object (a process's `ImageFile`) may carry its own `$id` that a
//! later entity refers to. Every `$ref` is replaced by a copy of the entity it names, so each entity stands alone.
//!
//! The JSON is attacker-controlled (an alert's entities come from the logs an attacker wrote), so:
//! - the text is at most [`AlertLimits::max_bytes`] and JSON nesting at most 128 deep (serde_json's limit);
//! - a `$ref` cycle (A's Host is B, B's Account is A) ends where it closes: the entity met again is shown with its
//!   plain values only, and so is an entity nested deeper than [`AlertLimits::max_depth`];
//! - the entities made in all (with copies) are at most [`AlertLimits::max_entities`], else an error says so
//!   (references can make a small text expand exponentially);
//! - a `$ref` to an id that is not there is dropped; a `Type` huntbook does not model gives an
//!   [`EntityKind::Unknown`] entity that keeps its properties; `null` and non-object items are skipped.
//!
//! The top level may be a list (SecurityAlert's column), an object keyed by id (msticpy's test data) or one entity.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::model::{cell_value, Entity};
use super::EntityKind;
use crate::error::{Error, Result};
use crate::frame::Frame;

/// Bounds on the work done for one alert's entities.
#[derive(Debug, Clone, Copy)]
pub struct AlertLimits {
    /// Bytes of JSON text read (default 16 MiB).
    pub max_bytes: usize,
    /// JSON values walked to find the `$id`s (default 1,000,000).
    pub max_values: usize,
    /// Entities made, nested copies included (default 10,000).
    pub max_entities: usize,
    /// Nesting of entities in entities (default 8).
    pub max_depth: usize,
}

impl Default for AlertLimits {
    fn default() -> Self {
        AlertLimits { max_bytes: 16 << 20, max_values: 1_000_000, max_entities: 10_000, max_depth: 8 }
    }
}

/// The entities of a SecurityAlert's `Entities` JSON text, references resolved (see the module documentation).
pub fn alert_entities(json_text: &str) -> Result<Vec<Entity>> {
    alert_entities_with(json_text, AlertLimits::default())
}

/// [`alert_entities`] with other limits.
pub fn alert_entities_with(json_text: &str, limits: AlertLimits) -> Result<Vec<Entity>> {
    if json_text.len() > limits.max_bytes {
        return Err(Error::invalid(format!(
            "the alert's Entities JSON is {} bytes, more than the {} read: is this an alert's Entities column?",
            json_text.len(),
            limits.max_bytes
        )));
    }
    let text = json_text.trim();
    if text.is_empty() {
        return Ok(Vec::new());
    }
    let v: Value = serde_json::from_str(text).map_err(|e| Error::parse("the alert's Entities JSON", e))?;
    alert_entities_value_with(&v, limits)
}

/// [`alert_entities`] of already parsed JSON.
pub fn alert_entities_value(value: &Value) -> Result<Vec<Entity>> {
    alert_entities_value_with(value, AlertLimits::default())
}

fn alert_entities_value_with(value: &Value, limits: AlertLimits) -> Result<Vec<Entity>> {
    let items: Vec<&Value> = match value {
        Value::Null => return Ok(Vec::new()),
        Value::Array(items) => items.iter().collect(),
        Value::Object(m) if m.contains_key("Type") || m.contains_key("$ref") || m.contains_key("$id") => vec![value],
        Value::Object(m) => m.values().collect(),
        Value::String(s) => return alert_entities_with(s, limits),
        other => {
            return Err(Error::invalid(format!(
                "the alert's Entities must be a list of entity objects, got {}",
                super::model::json_kind(other)
            )))
        }
    };
    let ids = collect_ids(value, limits.max_values)?;
    let mut r = Resolver { ids, limits, made: 0, open: Vec::new() };
    let mut out = Vec::new();
    for item in items {
        if let Some(v) = r.resolve(item, 0)? {
            if let Ok(e) = Entity::from_json(&v) {
                out.push(e);
            }
        }
    }
    Ok(out)
}

/// Every object with a `$id` anywhere in the tree (the first of an id wins), walked without recursion.
fn collect_ids(root: &Value, max_values: usize) -> Result<HashMap<String, &Value>> {
    let mut ids = HashMap::new();
    let mut stack = vec![root];
    let mut seen = 0usize;
    while let Some(v) = stack.pop() {
        seen += 1;
        if seen > max_values {
            return Err(Error::invalid(format!(
                "the alert's Entities JSON holds more than {max_values} values: too large to read as an alert"
            )));
        }
        match v {
            Value::Object(m) => {
                if let Some(id) = m.get("$id").and_then(id_text) {
                    if !m.contains_key("$ref") {
                        ids.entry(id).or_insert(v);
                    }
                }
                stack.extend(m.values());
            }
            Value::Array(items) => stack.extend(items.iter()),
            _ => {}
        }
    }
    Ok(ids)
}

fn id_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

struct Resolver<'a> {
    ids: HashMap<String, &'a Value>,
    limits: AlertLimits,
    made: usize,
    /// The `$id`s of the entities being expanded (a `$ref` to one of them closes a cycle).
    open: Vec<String>,
}

impl<'a> Resolver<'a> {
    /// An entity object with every `$ref` inside replaced by a copy of what it names; `None` for a dangling `$ref`
    /// or a non-object.
    fn resolve(&mut self, v: &'a Value, depth: usize) -> Result<Option<Value>> {
        let Value::Object(m) = v else { return Ok(None) };
        let target: &'a Value = match m.get("$ref") {
            Some(r) => match id_text(r).and_then(|id| self.ids.get(&id).copied()) {
                Some(t) => t,
                None => return Ok(None),
            },
            None => v,
        };
        let Value::Object(tm) = target else { return Ok(None) };
        self.made += 1;
        if self.made > self.limits.max_entities {
            return Err(Error::invalid(format!(
                "the alert's Entities expand to more than {} entities (with the copies its $ref references make): \
                 too large to read as an alert",
                self.limits.max_entities
            )));
        }
        let id = tm.get("$id").and_then(id_text);
        let cycle = id.as_ref().is_some_and(|id| self.open.contains(id));
        let shallow = cycle || depth >= self.limits.max_depth;
        if let Some(id) = &id {
            self.open.push(id.clone());
        }
        let mut out = Map::with_capacity(tm.len());
        for (k, val) in tm {
            if k == "$id" {
                continue;
            }
            let resolved = if shallow {
                (!is_entity_like(val)).then(|| val.clone())
            } else {
                self.resolve_value(val, depth)?
            };
            if let Some(x) = resolved {
                out.insert(k.clone(), x);
            }
        }
        if id.is_some() {
            self.open.pop();
        }
        Ok(Some(Value::Object(out)))
    }

    /// A property value: entity objects and lists of them resolved, other values as they are.
    fn resolve_value(&mut self, val: &'a Value, depth: usize) -> Result<Option<Value>> {
        Ok(match val {
            Value::Object(m) if m.contains_key("$ref") || m.contains_key("Type") || m.contains_key("$id") => {
                self.resolve(val, depth + 1)?
            }
            Value::Array(items) if items.iter().any(is_entity_object) => {
                let mut list = Vec::with_capacity(items.len());
                for item in items {
                    if is_entity_object(item) {
                        if let Some(x) = self.resolve(item, depth + 1)? {
                            list.push(x);
                        }
                    } else {
                        list.push(item.clone());
                    }
                }
                Some(Value::Array(list))
            }
            other => Some(other.clone()),
        })
    }
}

fn is_entity_object(v: &Value) -> bool {
    matches!(v, Value::Object(m) if m.contains_key("$ref") || m.contains_key("Type") || m.contains_key("$id"))
}

/// An entity, a reference, or a list holding one (left out of a shallow copy).
fn is_entity_like(v: &Value) -> bool {
    is_entity_object(v) || matches!(v, Value::Array(items) if items.iter().any(is_entity_object))
}

/// The alert of row `row` of a SecurityAlert table and its entities: the first entity is the Alert (DisplayName
/// from `DisplayName`/`AlertDisplayName`/`AlertName`, Severity from `Severity`/`AlertSeverity`, StartTimeUtc,
/// EndTimeUtc, SystemAlertIds, CompromisedEntity, AlertType, VendorName, ProviderName, and `Entities`: the list of
/// its entities), then the entities of its `Entities` column.
pub fn alert_from_row(frame: &Frame, row: usize) -> Result<Vec<Entity>> {
    if row >= frame.height() {
        return Err(Error::invalid(format!(
            "entitiesFromAlert: row {row} is outside the table (it has {} rows)",
            frame.height()
        )));
    }
    let mut alert = Entity::from_row(EntityKind::Alert, frame, row)?;
    alert.set("Entities", Value::Null);
    let entities_col = frame.column_names().into_iter().find(|c| c.eq_ignore_ascii_case("Entities"));
    let entities = match entities_col.and_then(|c| cell_value(frame, &c, row)) {
        Some(v) => alert_entities_value(&v)?,
        None => Vec::new(),
    };
    Ok(with_alert(alert, entities))
}

/// [`alert_from_row`] for an alert row as an object (`Entities` as JSON text or already parsed).
pub fn alert_from_object(row: &Map<String, Value>) -> Result<Vec<Entity>> {
    let entities = match row.iter().find(|(k, _)| k.eq_ignore_ascii_case("Entities")) {
        Some((_, v)) => alert_entities_value(v)?,
        None => Vec::new(),
    };
    // as a row: attributes and aliases only (a row has dozens of other columns)
    let names: Vec<String> = row.keys().filter(|k| !k.eq_ignore_ascii_case("Entities")).cloned().collect();
    let alert = Entity::from_record(EntityKind::Alert, &names, |name| {
        row.get(name).filter(|v| !v.is_null() && v.as_str().is_none_or(|s| !s.trim().is_empty())).cloned()
    });
    if entities.is_empty() && alert.properties().is_empty() {
        let mut keys: Vec<&str> = row.keys().map(String::as_str).take(10).collect();
        if row.len() > 10 {
            keys.push("…");
        }
        return Err(Error::invalid(format!(
            "entitiesFromAlert: the object has no Entities and no alert fields (AlertName, DisplayName, Severity, \
             SystemAlertId, …); its keys are: {}. Give a SecurityAlert row or its Entities JSON",
            keys.join(", ")
        )));
    }
    Ok(with_alert(alert, entities))
}

fn with_alert(mut alert: Entity, entities: Vec<Entity>) -> Vec<Entity> {
    if !entities.is_empty() {
        alert.set("Entities", Value::Array(entities.iter().map(Entity::to_json).collect()));
    }
    let mut out = Vec::with_capacity(entities.len() + 1);
    out.push(alert);
    out.extend(entities);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn refs_forward_backward_and_nested_ids() {
        let text = r#"[
            {"$id": "2", "Type": "process", "ProcessId": "1", "Host": {"$ref": "3"},
             "ImageFile": {"$id": "4", "Type": "file", "Directory": "c:\\w", "Name": "a.exe"}},
            {"$id": "3", "Type": "host", "HostName": "H"},
            {"$id": "5", "Type": "process", "ProcessId": "2", "ParentProcess": {"$ref": "2"}, "ImageFile": {"$ref": "4"}},
            {"$ref": "4"}
        ]"#;
        let es = alert_entities(text).unwrap();
        assert_eq!(es.len(), 4);
        assert_eq!(es[0].nested("Host").unwrap().attr("HostName").as_deref(), Some("H"));
        assert_eq!(es[2].attr("ProcessFilePath").as_deref(), Some("c:\\w\\a.exe"));
        let parent = es[2].nested("ParentProcess").unwrap();
        assert_eq!(parent.nested("Host").unwrap().attr("HostName").as_deref(), Some("H"));
        assert_eq!(es[3].type_name(), "File");
        assert_eq!(es[3].attr("Name").as_deref(), Some("a.exe"));
    }

    #[test]
    fn cycles_end_and_dangling_refs_drop() {
        let text = r#"[
            {"$id": "1", "Type": "account", "Name": "a", "Host": {"$ref": "2"}},
            {"$id": "2", "Type": "host", "HostName": "h", "Owner": {"$ref": "1"}, "Gone": {"$ref": "99"}},
            {"$id": "3", "Type": "process", "ParentProcess": {"$ref": "3"}, "CommandLine": "x"}
        ]"#;
        let es = alert_entities(text).unwrap();
        assert_eq!(es.len(), 3);
        let host = es[0].nested("Host").unwrap();
        // the account met again inside its own host is shown with its plain values only
        assert_eq!(host.get("Owner"), Some(&json!({"Name": "a", "Type": "account"})));
        assert!(host.get("Gone").is_none());
        let p = es[2].nested("ParentProcess").unwrap();
        assert_eq!(p.to_json(), json!({"Type": "Process", "CommandLine": "x"}));
    }

    #[test]
    fn unknown_types_kept_and_junk_skipped() {
        let es = alert_entities(r#"[{"Type": "iotdevice", "DeviceId": "d"}, null, 3, {"Type": "alerts", "DisplayName": "x"}]"#).unwrap();
        assert_eq!(es.len(), 2);
        assert_eq!((es[0].kind, es[0].type_name()), (EntityKind::Unknown, "iotdevice"));
        assert_eq!(es[1].kind, EntityKind::Alert);
        assert!(alert_entities("").unwrap().is_empty());
        let e = alert_entities("[{").unwrap_err().to_string();
        assert!(e.starts_with("could not read the alert's Entities JSON"), "{e}");
        let e = alert_entities("42").unwrap_err().to_string();
        assert!(e.contains("must be a list of entity objects"), "{e}");
    }

    #[test]
    fn expansion_and_size_are_bounded() {
        // each level refers to the previous one 20 times: 20^8 copies within the depth cap if expanded naively
        let mut items = vec![json!({"$id": "0", "Type": "host", "HostName": "h"})];
        for i in 1..40 {
            let refs: Vec<Value> = (0..20).map(|_| json!({"$ref": (i - 1).to_string()})).collect();
            items.push(json!({"$id": i.to_string(), "Type": "malware", "Processes": refs}));
        }
        let text = Value::Array(items).to_string();
        match alert_entities(&text) {
            Ok(es) => panic!("expected an error, got {} entities", es.len()),
            Err(e) => assert!(e.to_string().contains("expand to more than 10000 entities"), "{e}"),
        }
        // two refs a level: the depth cap bounds each entity's copies (2^8)
        let mut items = vec![json!({"$id": "0", "Type": "host", "HostName": "h"})];
        for i in 1..15 {
            items.push(json!({"$id": i.to_string(), "Type": "process", "ParentProcess": {"$ref": (i - 1).to_string()},
                              "Host": {"$ref": (i - 1).to_string()}}));
        }
        let es = alert_entities(&Value::Array(items).to_string()).map_err(|e| e.to_string());
        assert_eq!(es.as_ref().map(Vec::len), Ok(15));
        // depth is capped, so a chain is fine
        let mut items = vec![json!({"$id": "0", "Type": "process", "ProcessId": "0"})];
        for i in 1..200 {
            items.push(json!({"$id": i.to_string(), "Type": "process", "ProcessId": i.to_string(), "ParentProcess": {"$ref": (i - 1).to_string()}}));
        }
        let es = alert_entities(&Value::Array(items).to_string()).unwrap();
        assert_eq!(es.len(), 200);
        let big = "x".repeat(17 << 20);
        assert!(alert_entities(&big).unwrap_err().to_string().contains("more than the 16777216 read"));
        // deep JSON: serde's recursion limit answers, no stack overflow
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(alert_entities(&deep).unwrap_err().to_string().starts_with("could not read"));
    }

    #[test]
    fn alert_from_an_object_row() {
        let row = json!({"AlertName": "C2", "AlertSeverity": "High", "SystemAlertId": "id-1", "StartTime": "2024-01-13T00:00:00Z",
                         "Other": "x", "Entities": "[{\"$id\":\"2\",\"Type\":\"ip\",\"Address\":\"203.0.113.66\"}]"});
        let es = alert_from_object(row.as_object().unwrap()).unwrap();
        assert_eq!(es.len(), 2);
        assert_eq!(
            es[0].to_json(),
            json!({"Type": "Alert", "DisplayName": "C2", "Severity": "High", "SystemAlertIds": ["id-1"], "StartTimeUtc": "2024-01-13T00:00:00Z",
                   "Entities": [{"Type": "IpAddress", "Address": "203.0.113.66"}]})
        );
        assert_eq!(es[1].attr("Address").as_deref(), Some("203.0.113.66"));
        let e = alert_from_object(json!({"foo": 1}).as_object().unwrap()).unwrap_err().to_string();
        assert!(e.starts_with("entitiesFromAlert: the object has no Entities and no alert fields"), "{e}");
        assert!(e.contains("its keys are: foo."), "{e}");
    }
}
