//! Bindings of [`crate::entity`]: entities cross as JSON text (`{"Type": "IpAddress", "Address": …}`), tables as
//! [`WasmFrame`]s. The JS classes of `js/entity.js` wrap them.

use serde_json::Value;
use wasm_bindgen::prelude::*;

use super::frame::WasmFrame;
use super::{js_err, JsResult};
use crate::entity::{self, Entity, EntityKind};

fn kind(name: &str) -> JsResult<EntityKind> {
    EntityKind::parse_name(name).map_err(js_err)
}

fn json(text: &str, what: &str) -> JsResult<Value> {
    serde_json::from_str(text).map_err(|e| js_err(crate::Error::parse(what, e)))
}

fn entity_of(text: &str) -> JsResult<Entity> {
    Entity::from_json(&json(text, "the entity JSON")?).map_err(js_err)
}

fn list_json(entities: &[Entity]) -> String {
    Value::Array(entities.iter().map(Entity::to_json).collect()).to_string()
}

/// `Entity::parse(kind, text)` as entity JSON (text starting with `{` is an object of attributes:
/// `Entity::from_object`).
#[wasm_bindgen(js_name = entityParse)]
pub fn entity_parse(kind_name: &str, text: &str) -> JsResult<String> {
    Entity::parse(kind(kind_name)?, text).map(|e| e.to_json().to_string()).map_err(js_err)
}

/// `Entity::from_row(kind, frame, row)` as entity JSON.
#[wasm_bindgen(js_name = entityFromRow)]
pub fn entity_from_row(kind_name: &str, frame: &WasmFrame, row: usize) -> JsResult<String> {
    Entity::from_row(kind(kind_name)?, frame.inner(), row).map(|e| e.to_json().to_string()).map_err(js_err)
}

/// `entity.attr(name)` of entity JSON (derived attributes included); undefined when absent.
#[wasm_bindgen(js_name = entityAttr)]
pub fn entity_attr(entity_json: &str, name: &str) -> JsResult<Option<String>> {
    Ok(entity_of(entity_json)?.attr(name))
}

/// `entity.to_html()` (escaped) when `html`, else `entity.to_text()`, of entity JSON.
#[wasm_bindgen(js_name = entityDisplay)]
pub fn entity_display(entity_json: &str, html: bool) -> JsResult<String> {
    let e = entity_of(entity_json)?;
    Ok(if html { e.to_html() } else { e.to_text() })
}

/// The entities of a SecurityAlert `Entities` JSON text, as a JSON list.
#[wasm_bindgen(js_name = alertEntities)]
pub fn alert_entities(json_text: &str) -> JsResult<String> {
    entity::alert_entities(json_text).map(|es| list_json(&es)).map_err(js_err)
}

/// The Alert of row `row` and its entities, as a JSON list (the Alert first).
#[wasm_bindgen(js_name = alertEntitiesFromRow)]
pub fn alert_entities_from_row(frame: &WasmFrame, row: usize) -> JsResult<String> {
    entity::alert_from_row(frame.inner(), row).map(|es| list_json(&es)).map_err(js_err)
}

/// The Alert of an alert row object (JSON text) and its entities, as a JSON list (the Alert first).
#[wasm_bindgen(js_name = alertEntitiesFromObject)]
pub fn alert_entities_from_object(row_json: &str) -> JsResult<String> {
    match json(row_json, "the alert row")? {
        Value::Object(m) => entity::alert_from_object(&m).map(|es| list_json(&es)).map_err(js_err),
        _ => Err(JsError::new("entitiesFromAlert: expected an alert row object")),
    }
}

/// `detect_columns(frame)` as JSON `[{column, entity, attribute, by}]`.
#[wasm_bindgen(js_name = detectEntitiesJSON)]
pub fn detect_entities_json(frame: &WasmFrame) -> String {
    Value::Array(entity::detect_columns(frame.inner()).iter().map(entity::ColumnEntity::to_json).collect()).to_string()
}

/// The entity kinds as JSON `[{name, sentinelType, attributes, derived}]`.
#[wasm_bindgen(js_name = entityKindsJSON)]
pub fn entity_kinds_json() -> String {
    entity::kinds_json().to_string()
}
