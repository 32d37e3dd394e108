//! Bindings of [`crate::pivot`]: the registry (functions listed as JSON) and one planned call ([`PivotCall`]):
//! its calls as JSON, the results handed back one by one (tables, JSON rows or errors), the assembled (and joined)
//! table. `js/pivot.js` runs the calls.

use serde_json::Value;
use wasm_bindgen::prelude::*;

use super::frame::WasmFrame;
use super::query::WasmCatalog;
use super::{js_err, json_of, JsResult};
use crate::entity::{Entity, EntityKind};
use crate::frame::text::read_json_rows;
use crate::frame::Frame;
use crate::pivot::{self, container_for_environment, PivotCall, PivotFunction, Registry, Source, UserSpec};
use crate::{options, Error};

fn kind(name: &str) -> JsResult<EntityKind> {
    EntityKind::parse_name(name).map_err(js_err)
}

fn list_json(fs: &[&PivotFunction]) -> String {
    Value::Array(fs.iter().map(|f| f.to_json()).collect()).to_string()
}

/// The pivot functions of every entity.
#[wasm_bindgen(js_name = PivotRegistry)]
pub struct WasmPivotRegistry {
    inner: Registry,
}

#[wasm_bindgen(js_class = PivotRegistry)]
impl WasmPivotRegistry {
    /// The built-in enrichment and utility functions.
    #[wasm_bindgen(constructor)]
    pub fn new() -> WasmPivotRegistry {
        WasmPivotRegistry { inner: Registry::new() }
    }

    /// Adds `catalog`'s query pivots under the container of data environment `environment` (`LocalData` and
    /// `LogAnalytics` → `MSSentinel`); returns how many functions were added.
    #[wasm_bindgen(js_name = addCatalog)]
    pub fn add_catalog(&mut self, catalog: &WasmCatalog, environment: &str) -> usize {
        self.inner.add_catalog(catalog.inner(), &container_for_environment(environment))
    }

    /// `[{entity, container, name, names, fullName, …}]` of `entity` (all entities: undefined).
    #[wasm_bindgen(js_name = functionsJSON)]
    pub fn functions_json(&self, entity: Option<String>) -> JsResult<String> {
        let k = entity.map(|e| kind(&e)).transpose()?;
        Ok(list_json(&self.inner.functions(k)))
    }

    /// The function of `entity` named `path` (`MSSentinel.aad_signins`, `whois`) as JSON.
    #[wasm_bindgen(js_name = findJSON)]
    pub fn find_json(&self, entity: &str, path: &str) -> JsResult<String> {
        Ok(self.inner.find(kind(entity)?, path).map_err(js_err)?.to_json().to_string())
    }

    /// The functions whose names or description contain every word of `text`, as JSON.
    #[wasm_bindgen(js_name = searchJSON)]
    pub fn search_json(&self, text: &str) -> String {
        list_json(&self.inner.search(text))
    }

    /// `{entity: count}` as JSON.
    #[wasm_bindgen(js_name = countsJSON)]
    pub fn counts_json(&self) -> String {
        let m: serde_json::Map<String, Value> =
            self.inner.counts().into_iter().map(|(k, n)| (k.name().to_string(), Value::from(n))).collect();
        Value::Object(m).to_string()
    }

    /// Registers a user function (`{entity, name, container, description, attribute, inputParam, keyColumn,
    /// list, direct}`; `func` stays in JS) and returns it as JSON.
    #[wasm_bindgen(js_name = registerUser)]
    pub fn register_user(&mut self, spec: JsValue) -> JsResult<String> {
        let s: UserSpec = options::read("register", &json_of(&spec)?).map_err(js_err)?;
        Ok(self.inner.register_user(&s).map_err(js_err)?.to_json().to_string())
    }

    /// Plans a call of `entity`'s function `path` on a value or a list of values.
    #[wasm_bindgen(js_name = prepareValues)]
    pub fn prepare_values(&self, entity: &str, path: &str, input: JsValue, options: JsValue) -> JsResult<WasmPivotCall> {
        let f = self.inner.find(kind(entity)?, path).map_err(js_err)?;
        let v = json_of(&input)?;
        WasmPivotCall::new(pivot::prepare(f, Source::Json(&v), &json_of(&options)?))
    }

    /// Plans a call on a table (`options.column` names the input column).
    #[wasm_bindgen(js_name = prepareFrame)]
    pub fn prepare_frame(&self, entity: &str, path: &str, frame: &WasmFrame, options: JsValue) -> JsResult<WasmPivotCall> {
        let f = self.inner.find(kind(entity)?, path).map_err(js_err)?;
        WasmPivotCall::new(pivot::prepare(f, Source::Frame(frame.inner()), &json_of(&options)?))
    }

    /// Plans a call on entities (a JSON list of entity objects `{"Type": …, …}`).
    #[wasm_bindgen(js_name = prepareEntities)]
    pub fn prepare_entities(&self, entity: &str, path: &str, entities_json: &str, options: JsValue) -> JsResult<WasmPivotCall> {
        let f = self.inner.find(kind(entity)?, path).map_err(js_err)?;
        let list: Vec<Value> = serde_json::from_str(entities_json).map_err(|e| js_err(Error::parse("the entities", e)))?;
        let entities = list.iter().map(Entity::from_json).collect::<crate::Result<Vec<_>>>().map_err(js_err)?;
        WasmPivotCall::new(pivot::prepare(f, Source::Entities(&entities), &json_of(&options)?))
    }
}

impl Default for WasmPivotRegistry {
    fn default() -> Self {
        Self::new()
    }
}

/// One planned pivot call: run the calls of `callsJSON()`, hand each result back (`setFrame` / `setRows` /
/// `setError`, or `runLocal()`), then `finish()`.
#[wasm_bindgen(js_name = PivotCall)]
pub struct WasmPivotCall {
    inner: PivotCall,
    results: Vec<Option<Result<Frame, String>>>,
}

impl WasmPivotCall {
    fn new(call: crate::Result<PivotCall>) -> JsResult<WasmPivotCall> {
        let inner = call.map_err(js_err)?;
        let n = inner.calls().len();
        Ok(WasmPivotCall { inner, results: vec![None; n] })
    }

    fn slot(&mut self, i: usize) -> JsResult<&mut Option<Result<Frame, String>>> {
        let n = self.results.len();
        self.results.get_mut(i).ok_or_else(|| JsError::new(&format!("pivot: call {i} does not exist (there are {n})")))
    }
}

#[wasm_bindgen(js_class = PivotCall)]
impl WasmPivotCall {
    /// `[{values, args}]`: the calls to run, in order.
    #[wasm_bindgen(js_name = callsJSON)]
    pub fn calls_json(&self) -> String {
        serde_json::to_string(self.inner.calls()).unwrap_or_else(|_| "[]".into())
    }

    /// The function as JSON.
    #[wasm_bindgen(js_name = functionJSON)]
    pub fn function_json(&self) -> String {
        self.inner.function().to_json().to_string()
    }

    /// Calls in flight at once.
    #[wasm_bindgen(getter)]
    pub fn concurrency(&self) -> usize {
        self.inner.options().concurrency
    }

    /// Runs every call here when the function is a local utility (`ip_type`, `dns_components`,
    /// `url_components`); false (nothing done) otherwise.
    #[wasm_bindgen(js_name = runLocal)]
    pub fn run_local(&mut self) -> bool {
        match self.inner.run_local() {
            Some(results) => {
                self.results = results.into_iter().map(Some).collect();
                true
            }
            None => false,
        }
    }

    /// Call `i`'s result table (copied; the DataFrame stays usable).
    #[wasm_bindgen(js_name = setFrame)]
    pub fn set_frame(&mut self, i: usize, frame: &WasmFrame) -> JsResult<()> {
        *self.slot(i)? = Some(Ok(frame.inner().clone()));
        Ok(())
    }

    /// Call `i`'s result as JSON rows (`[{…}, …]`).
    #[wasm_bindgen(js_name = setRows)]
    pub fn set_rows(&mut self, i: usize, rows_json: &str) -> JsResult<()> {
        let frame = read_json_rows(rows_json.as_bytes(), "rows").map_err(|e| e.to_string());
        *self.slot(i)? = Some(frame);
        Ok(())
    }

    /// Call `i` failed with `message`.
    #[wasm_bindgen(js_name = setError)]
    pub fn set_error(&mut self, i: usize, message: &str) -> JsResult<()> {
        *self.slot(i)? = Some(Err(message.to_string()));
        Ok(())
    }

    /// The assembled table (joined onto the input when the `join` option asks for it).
    pub fn finish(&mut self) -> JsResult<WasmFrame> {
        let results: Vec<Result<Frame, String>> = std::mem::take(&mut self.results)
            .into_iter()
            .enumerate()
            .map(|(i, r)| r.unwrap_or_else(|| Err(format!("call {i} has no result"))))
            .collect();
        self.inner.finish(results).map(Into::into).map_err(js_err)
    }
}
