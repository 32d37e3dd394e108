//! Bindings of [`crate::pivot::investigate`] for `huntbook.pivotAll`: the plan of which pivots run on which
//! entities, and the builder that stacks their results into one timeline. No logic here: JSON and frames in, the
//! core's answers out.

use wasm_bindgen::prelude::*;

use super::frame::WasmFrame;
use super::{js_err, json_of, JsResult};
use crate::options;
use crate::entity::Entity;
use crate::pivot::investigate::{plan, FunctionSpec, PlanOptions, TimelineBuilder};

/// The plan as JSON text `{calls: [{entity, function, kind}], skipped: [{entity, function, reason}], labels}` for
/// the functions (the JSON text of `pivot.functions()`) and the entities (the JSON text of a list of `toJSON()`s).
#[wasm_bindgen(js_name = pivotAllPlanJSON)]
pub fn pivot_all_plan_json(functions: &str, entities: &str, plan_options: JsValue) -> JsResult<String> {
    let functions: Vec<FunctionSpec> = serde_json::from_str(functions)
        .map_err(|e| JsError::new(&format!("pivotAll: pivot.functions() did not give the function list ({e})")))?;
    let list: Vec<serde_json::Value> =
        serde_json::from_str(entities).map_err(|e| JsError::new(&format!("pivotAll: bad entity list ({e})")))?;
    let entities = list.iter().map(Entity::from_json).collect::<crate::Result<Vec<_>>>().map_err(js_err)?;
    let o: PlanOptions = options::read("pivotAll", &json_of(&plan_options)?).map_err(js_err)?;
    let p = plan(&functions, &entities, &o).map_err(js_err)?;
    serde_json::to_string(&p).map_err(|e| JsError::new(&format!("pivotAll: {e}")))
}

/// Stacks pivot results into one timeline table ([`TimelineBuilder`]).
#[wasm_bindgen(js_name = PivotTimelineBuilder)]
pub struct WasmPivotTimeline {
    inner: Option<TimelineBuilder>,
}

impl WasmPivotTimeline {
    fn builder(&mut self) -> JsResult<&mut TimelineBuilder> {
        self.inner.as_mut().ok_or_else(|| JsError::new("pivotAll: this timeline is already finished"))
    }
}

#[wasm_bindgen(js_class = PivotTimelineBuilder)]
impl WasmPivotTimeline {
    #[wasm_bindgen(constructor)]
    pub fn new() -> WasmPivotTimeline {
        WasmPivotTimeline { inner: Some(TimelineBuilder::new()) }
    }

    /// Adds the rows of `frame` that have a time; returns how many.
    pub fn add(&mut self, result: usize, entity: &str, entity_type: &str, function: &str, frame: &WasmFrame) -> JsResult<usize> {
        let added = self.builder()?.add(result, entity, entity_type, function, frame.inner()).map_err(js_err)?;
        Ok(added.rows)
    }

    /// Records a failed function (the timeline's notes say it is incomplete).
    #[wasm_bindgen(js_name = addError)]
    pub fn add_error(&mut self, entity: &str, function: &str, message: &str) -> JsResult<()> {
        self.builder()?.add_error(entity, function, message);
        Ok(())
    }

    /// The timeline table, oldest first.
    pub fn finish(&mut self) -> JsResult<WasmFrame> {
        let b = self.inner.take().ok_or_else(|| JsError::new("pivotAll: this timeline is already finished"))?;
        b.finish().map(Into::into).map_err(js_err)
    }
}

impl Default for WasmPivotTimeline {
    fn default() -> Self {
        Self::new()
    }
}
