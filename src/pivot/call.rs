//! The calling conventions every pivot function shares.
//!
//! ```text
//! input (value | list | entities | frame + column) ──▶ Input: one value (or none) per input row
//!        ──prepare──▶ PivotCall: options read, calls planned (one list call, or one call per distinct value)
//!        ──(the caller runs the calls)──▶ assemble: one frame, each row with src_row_index
//!        ──join (optional)──▶ the input table with the results merged on
//! ```
//!
//! - **Input**: a value; a list (one row per element); entities (the function's attribute of each); or a frame
//!   and `column` (a wrong column is the crate's unknown-column error, which lists the columns). Null, empty and
//!   blank values are never looked up.
//! - **Planning**: a function whose input is a list parameter gets one call with all distinct values (in chunks
//!   of [`MAX_LIST_VALUES`]); any other gets one call per distinct value. At most `max_calls` calls (default 1000)
//!   are planned; more is an error (filter the input first, or raise it). Running them, with bounded concurrency,
//!   is the caller's.
//! - **Assembling**: each call's rows get `src_row_index`, the first input row holding the value they were found
//!   for (each distinct value is looked up once). A per-value call knows its value; a list call's rows are
//!   attributed through the function's key columns (the value equals, or for `has_any`-style queries contains,
//!   an input value, ignoring case). Rows no input value explains get a null `src_row_index`.
//! - **Joining** (`join`: inner / left / right / outer, with [`crate::frame::join`]): input rows are matched
//!   with the result rows found for their value — every input row with that value, duplicates included; null
//!   values match nothing. `left_on`/`right_on` join on named columns instead (`right_on` alone: the input column
//!   ↔ that result column); `ignore_case` compares text keys without case; clashing column names get
//!   `suffixes` (msticpy's `_src`, `_res`). The joined table has the input's columns, the result's, and
//!   `src_row_index` = the input row (null for result rows no input row matched).

use std::collections::HashMap;

use polars::prelude::*;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::names::KeyRule;
use super::registry::{FunctionKind, PivotFunction};
use crate::entity::EntityKind;
use crate::error::{Error, PolarsContext, Result};
use crate::frame::concat::concat;
use crate::frame::join::{join, JoinHow, JoinOptions};
use crate::frame::rows::display_text;
use crate::frame::{Frame, LaType};
use crate::options;

/// The most values one list call takes; more are split over several calls.
pub const MAX_LIST_VALUES: usize = 1000;
/// The column of the input row each result row came from.
pub const SRC_ROW_INDEX: &str = "src_row_index";
/// The internal key column of a default join (never in a result).
const KEY: &str = "__pivot_key";

/// The options every pivot function takes (besides its own parameters), read with [`crate::options::read`].
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct PivotOptions {
    /// The input column of a table input.
    pub column: Option<String>,
    /// Merge the results onto the input: `inner`, `left`, `right`, `outer`; `true` is `left`.
    #[serde(deserialize_with = "join_how")]
    pub join: Option<JoinHow>,
    /// The input column to join on (default: `column`).
    pub left_on: Option<String>,
    /// The result column to join on (default: the value each result row was found for).
    pub right_on: Option<String>,
    /// Text keys compare without case.
    #[serde(alias = "join_ignore_case")]
    pub ignore_case: bool,
    /// Suffixes of column names found on both sides (default msticpy's `["_src", "_res"]`).
    pub suffixes: Option<(String, String)>,
    /// Calls in flight at once (default 4, at most 32).
    #[serde(deserialize_with = "options::whole")]
    pub concurrency: usize,
    /// The most calls one pivot plans (default 1000).
    #[serde(deserialize_with = "options::whole")]
    pub max_calls: usize,
    /// An `AbortSignal` (read by the JS wrapper).
    pub signal: Option<Value>,
    /// `(done, total) => …` progress callback (read by the JS wrapper).
    pub on_progress: Option<Value>,
}

impl Default for PivotOptions {
    fn default() -> Self {
        PivotOptions {
            column: None,
            join: None,
            left_on: None,
            right_on: None,
            ignore_case: false,
            suffixes: None,
            concurrency: 4,
            max_calls: 1000,
            signal: None,
            on_progress: None,
        }
    }
}

fn join_how<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Option<JoinHow>, D::Error> {
    use serde::de::Error as _;
    match Value::deserialize(d)? {
        Value::Bool(true) => Ok(Some(JoinHow::Left)),
        Value::Bool(false) | Value::Null => Ok(None),
        Value::String(s) => JoinHow::deserialize(Value::String(s.to_ascii_lowercase()))
            .map(Some)
            .map_err(|_| D::Error::custom(format!("expected \"inner\", \"left\", \"right\" or \"outer\", got \"{s}\""))),
        other => Err(D::Error::custom(format!("expected \"inner\", \"left\", \"right\" or \"outer\", got {other}"))),
    }
}

/// What a pivot is called on.
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    /// A value or a list of values (JSON: text, number, boolean, null, or an array of these).
    Json(&'a Value),
    /// A table; `column` (an option) names the input column.
    Frame(&'a Frame),
    /// Entities; each gives the function's attribute.
    Entities(&'a [crate::entity::Entity]),
}

/// The input values, one (or none) per input row.
#[derive(Debug, Clone)]
pub struct Input {
    pub values: Vec<Option<String>>,
    /// The input column (a table's `column`; else the function's attribute).
    pub column: String,
    frame: Option<Frame>,
}

impl Input {
    /// Values given as JSON: one value, or an array (one row per element).
    fn from_json(v: &Value, column: &str, what: &str) -> Result<Input> {
        let one = |v: &Value, i: Option<usize>| -> Result<Option<String>> {
            Ok(match v {
                Value::Null => None,
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                Value::Bool(b) => Some(b.to_string()),
                other => {
                    let at = i.map(|i| format!(" (element {i})")).unwrap_or_default();
                    return Err(Error::invalid(format!(
                        "{what}: the input{at} must be a value, a list of values, entities or a DataFrame with {{column}}, got {}",
                        if other.is_array() { "a nested list" } else { "an object" }
                    )));
                }
            })
        };
        let values = match v {
            Value::Array(items) => items.iter().enumerate().map(|(i, x)| one(x, Some(i))).collect::<Result<Vec<_>>>()?,
            other => vec![one(other, None)?],
        };
        Ok(Input { values: values.into_iter().map(clean).collect(), column: column.to_string(), frame: None })
    }

    /// The values of `column` of `frame` (cells as text; datetimes as ISO text).
    fn from_frame(frame: &Frame, column: &str) -> Result<Input> {
        let col = frame.column(column)?;
        let series = col.as_materialized_series();
        let values = series.iter().map(|v| clean(display_text(&v))).collect();
        Ok(Input { values, column: column.to_string(), frame: Some(frame.clone()) })
    }

    /// `attribute` of each entity (an entity of another kind, or without the attribute, gives none).
    fn from_entities(entities: &[crate::entity::Entity], kind: EntityKind, attribute: &str) -> Input {
        let values = entities.iter().map(|e| if e.kind == kind { clean(e.attr(attribute)) } else { None }).collect();
        // (prepare refuses entities of another kind before this)
        Input { values, column: attribute.to_string(), frame: None }
    }

    /// The input as a table: the input frame, or one column of the values.
    fn table(&self) -> Frame {
        match &self.frame {
            Some(f) => f.clone(),
            None => {
                let col = Column::new(self.column.as_str().into(), self.values.clone());
                Frame::new("input", DataFrame::new(self.values.len(), vec![col]).unwrap_or_default())
            }
        }
    }
}

/// A value worth looking up: trimmed, not empty.
fn clean(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// One call of the function: its values (one, or all of a list call) and its arguments.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Call {
    pub values: Vec<String>,
    /// The caller's parameters; for queries also the input parameter (the value, or the list) and parameters read
    /// from the input entity.
    pub args: Map<String, Value>,
}

/// A planned pivot: the input, the options, the calls to run.
#[derive(Debug, Clone)]
pub struct PivotCall {
    function: PivotFunction,
    input: Input,
    options: PivotOptions,
    calls: Vec<Call>,
    /// Each distinct value (in order of first appearance) → the first input row holding it.
    first_row: HashMap<String, usize>,
}

/// Reads the options of a call to `function` (its [`PivotOptions`] and its own parameters), normalises the
/// input and plans the calls.
pub fn prepare(function: &PivotFunction, source: Source<'_>, options: &Value) -> Result<PivotCall> {
    let what = function.full_name();
    let own: Vec<String> = function.params.iter().map(|p| p.name.clone()).collect();
    let mut known: Vec<&str> = options::fields::<PivotOptions>().to_vec();
    known.extend(own.iter().map(String::as_str));
    let all = options::normalize(&what, options, &known)?;
    let (mut pivot_map, mut params) = (Map::new(), Map::new());
    for (k, v) in all {
        if own.contains(&k) {
            params.insert(k, v);
        } else {
            pivot_map.insert(k, v);
        }
    }
    let opts: PivotOptions = options::read(&what, &Value::Object(std::mem::take(&mut pivot_map)))?;
    if !(1..=32).contains(&opts.concurrency) {
        return Err(Error::invalid(format!("{what}: option 'concurrency' must be 1 to 32, got {}", opts.concurrency)));
    }
    if opts.max_calls == 0 {
        return Err(Error::invalid(format!("{what}: option 'max_calls' must be at least 1")));
    }
    let input = match source {
        Source::Json(v) => {
            if opts.column.is_some() {
                return Err(Error::invalid(format!("{what}: option 'column' is for a DataFrame input; give a DataFrame or leave it out")));
            }
            Input::from_json(v, &function.attribute, &what)?
        }
        Source::Frame(f) => {
            let column = match &opts.column {
                Some(c) => c.clone(),
                None if f.column(&function.attribute).is_ok() => function.attribute.clone(),
                None if f.width() == 1 => f.column_names().remove(0),
                None => {
                    return Err(Error::invalid(format!(
                        "{what}(df, {{column}}): name the column holding the {} {} values. Columns are: {}",
                        function.entity.name(),
                        function.attribute,
                        f.column_names().join(", ")
                    )))
                }
            };
            Input::from_frame(f, &column).map_err(|e| Error::invalid(format!("{what}: {e}")))?
        }
        Source::Entities(list) => {
            if opts.column.is_some() {
                return Err(Error::invalid(format!("{what}: option 'column' is for a DataFrame input")));
            }
            if let Some(other) = list.iter().find(|e| e.kind != function.entity) {
                return Err(Error::invalid(format!(
                    "{what}: takes {} entities, got a {}; use a function of {} (pivot.functions(\"{}\"))",
                    function.entity.name(),
                    other.type_name(),
                    other.type_name(),
                    other.type_name()
                )));
            }
            // parameters read from the same entity (one entity only)
            if let [one] = list {
                for (param, attr) in &function.entity_params {
                    if !params.contains_key(param) {
                        if let Some(v) = clean(one.attr(attr)) {
                            params.insert(param.clone(), Value::String(v));
                        }
                    }
                }
            }
            Input::from_entities(list, function.entity, &function.attribute)
        }
    };
    if function.kind == FunctionKind::Query {
        let missing: Vec<String> = function
            .params
            .iter()
            .filter(|p| p.required && !params.contains_key(&p.name))
            .map(|p| format!("{} ({}: {})", p.name, p.kind, p.description))
            .collect();
        if !missing.is_empty() {
            return Err(Error::invalid(format!(
                "{what}: the query also needs {}; give {} in the options",
                missing.join(", "),
                if missing.len() == 1 { "it" } else { "them" }
            )));
        }
    }
    plan(function, input, opts, params)
}

/// One list call (in chunks) or one call per distinct value.
fn plan(function: &PivotFunction, input: Input, options: PivotOptions, params: Map<String, Value>) -> Result<PivotCall> {
    let what = function.full_name();
    let mut first_row: HashMap<String, usize> = HashMap::new();
    let mut distinct: Vec<String> = Vec::new();
    for (row, v) in input.values.iter().enumerate() {
        if let Some(v) = v {
            if !first_row.contains_key(v) {
                first_row.insert(v.clone(), row);
                distinct.push(v.clone());
            }
        }
    }
    let groups: Vec<Vec<String>> = if function.list {
        distinct.chunks(MAX_LIST_VALUES).map(<[String]>::to_vec).collect()
    } else {
        distinct.iter().map(|v| vec![v.clone()]).collect()
    };
    if groups.len() > options.max_calls {
        return Err(Error::invalid(format!(
            "{what}: the input has {} distinct values, which would take {} calls (at most {} are made): filter the \
             input first, or raise option 'max_calls'",
            distinct.len(),
            groups.len(),
            options.max_calls
        )));
    }
    let calls = groups
        .into_iter()
        .map(|values| {
            let mut args = params.clone();
            if function.kind == FunctionKind::Query {
                let v = if function.list {
                    Value::Array(values.iter().cloned().map(Value::String).collect())
                } else {
                    Value::String(values[0].clone())
                };
                args.insert(function.input_param.clone(), v);
            }
            Call { values, args }
        })
        .collect();
    Ok(PivotCall { function: function.clone(), input, options, calls, first_row })
}

impl PivotCall {
    /// The calls to run, in order.
    pub fn calls(&self) -> &[Call] {
        &self.calls
    }

    pub fn options(&self) -> &PivotOptions {
        &self.options
    }

    pub fn function(&self) -> &PivotFunction {
        &self.function
    }

    pub fn input(&self) -> &Input {
        &self.input
    }

    /// One frame of every call's rows (in call order), each row with `src_row_index`. `results[i]` is call `i`'s
    /// table, or the error it failed with: failed calls are listed in the frame's notes; when every call failed
    /// the first error is returned.
    pub fn assemble(&self, results: Vec<std::result::Result<Frame, String>>) -> Result<Frame> {
        let what = self.function.full_name();
        if results.len() != self.calls.len() {
            return Err(Error::invalid(format!(
                "{what}: {} results for {} calls (one each, in order)",
                results.len(),
                self.calls.len()
            )));
        }
        let mut notes: Vec<String> = Vec::new();
        let mut frames: Vec<Frame> = Vec::new();
        let mut failed = 0usize;
        let mut first_error: Option<String> = None;
        for (call, result) in self.calls.iter().zip(results) {
            match result {
                Ok(f) => frames.push(self.with_src_rows(call, f, &mut notes)?),
                Err(e) => {
                    failed += 1;
                    let shown = if call.values.len() == 1 { format!("'{}'", call.values[0]) } else { format!("{} values", call.values.len()) };
                    notes.push(format!("{what}({shown}) failed: {e}"));
                    first_error.get_or_insert(e);
                }
            }
        }
        if failed > 0 && failed == self.calls.len() {
            let e = first_error.unwrap_or_default();
            return Err(Error::invalid(if failed == 1 { format!("{what}: {e}") } else { format!("{what}: all {failed} calls failed; the first: {e}") }));
        }
        let refs: Vec<&Frame> = frames.iter().collect();
        let mut out = if refs.is_empty() {
            Frame::new(what.clone(), DataFrame::new(0, vec![Column::new(SRC_ROW_INDEX.into(), Vec::<Option<i64>>::new())]).context("assembling")?)
        } else {
            concat(&what, &refs, None)?
        };
        if failed > 0 && out.partial.is_none() {
            // rows of the failed calls are missing: the table must not look complete
            let e = first_error.unwrap_or_default();
            out.partial = Some(format!("{failed} of {} calls of {what} failed; the first: {e}", self.calls.len()));
        }
        out.name = what;
        out.notes.extend(notes);
        Ok(out)
    }

    /// `frame` (call `call`'s rows) with `src_row_index` (replacing one it has).
    fn with_src_rows(&self, call: &Call, frame: Frame, notes: &mut Vec<String>) -> Result<Frame> {
        let h = frame.height();
        let rows: Vec<Option<i64>> = if call.values.len() == 1 && !self.function.list {
            let row = self.first_row.get(&call.values[0]).map(|&r| r as i64);
            vec![row; h]
        } else {
            self.attribute_rows(call, &frame, notes)
        };
        let mut cols: Vec<Column> = frame.df().columns().iter().filter(|c| c.name().as_str() != SRC_ROW_INDEX).cloned().collect();
        cols.push(Column::new(SRC_ROW_INDEX.into(), rows));
        let df = DataFrame::new(h, cols).context("adding src_row_index")?;
        Ok(frame.with_df(df))
    }

    /// The input row of each row of a list call's result, through the key columns.
    fn attribute_rows(&self, call: &Call, frame: &Frame, notes: &mut Vec<String>) -> Vec<Option<i64>> {
        let h = frame.height();
        let keys: Vec<&String> = self.function.key_columns.iter().filter(|k| frame.column(k).is_ok()).collect();
        if keys.is_empty() {
            if h > 0 {
                let wanted = if self.function.key_columns.is_empty() {
                    "the function names no key column".to_string()
                } else {
                    format!("the result has no column {}", self.function.key_columns.join(" or "))
                };
                notes.push(format!(
                    "{}: the rows of a list call could not be traced to input rows ({wanted}); src_row_index is null: \
                     join with {{right_on}}",
                    self.function.full_name()
                ));
            }
            return vec![None; h];
        }
        let lower: HashMap<String, usize> = call
            .values
            .iter()
            .rev()
            .filter_map(|v| self.first_row.get(v).map(|&r| (v.to_lowercase(), r)))
            .collect();
        let lowered_values: Vec<(String, usize)> =
            call.values.iter().filter_map(|v| self.first_row.get(v).map(|&r| (v.to_lowercase(), r))).collect();
        let texts: Vec<Vec<Option<String>>> = keys
            .iter()
            .map(|k| {
                frame.column(k).map(|c| c.as_materialized_series().iter().map(|v| display_text(&v).map(|s| s.to_lowercase())).collect()).unwrap_or_default()
            })
            .collect();
        (0..h)
            .map(|i| {
                texts.iter().find_map(|col| {
                    let cell = col.get(i)?.as_deref()?;
                    match self.function.key_rule {
                        KeyRule::Equal => lower.get(cell.trim()).map(|&r| r as i64),
                        KeyRule::Contains => lowered_values.iter().find(|(v, _)| cell.contains(v.as_str())).map(|&(_, r)| r as i64),
                    }
                })
            })
            .collect()
    }

    /// The input table with `results` (from [`PivotCall::assemble`]) merged on, as the `join` option says.
    pub fn join(&self, results: &Frame) -> Result<Frame> {
        let what = self.function.full_name();
        let how = self.options.join.unwrap_or(JoinHow::Left);
        let input = self.input.table();
        let n = input.height();
        // the left side: the input without any src_row_index of its own, then the row numbers
        let mut lcols: Vec<Column> = input.df().columns().iter().filter(|c| c.name().as_str() != SRC_ROW_INDEX).cloned().collect();
        let explicit = self.options.left_on.is_some() || self.options.right_on.is_some();
        if !explicit {
            lcols.push(Column::new(KEY.into(), self.input.values.clone()));
        }
        lcols.push(Column::new(SRC_ROW_INDEX.into(), (0..n as i64).map(Some).collect::<Vec<_>>()));
        let left = input.with_df(DataFrame::new(n, lcols).context("joining")?);
        // the right side: the results, keyed by the value each row was found for
        let rh = results.height();
        let mut rcols: Vec<Column> = results.df().columns().iter().filter(|c| c.name().as_str() != SRC_ROW_INDEX && c.name().as_str() != KEY).cloned().collect();
        if !explicit {
            let keys: Vec<Option<String>> = match results.column(SRC_ROW_INDEX) {
                Ok(c) => c
                    .as_materialized_series()
                    .iter()
                    .map(|v| match v {
                        AnyValue::Int64(r) => usize::try_from(r).ok().and_then(|r| self.input.values.get(r).cloned().flatten()),
                        _ => None,
                    })
                    .collect(),
                Err(_) => vec![None; rh],
            };
            rcols.push(Column::new(KEY.into(), keys));
        }
        let right = results.with_df(DataFrame::new(rh, rcols).context("joining")?);
        let (left_on, right_on) = match (&self.options.left_on, &self.options.right_on) {
            (None, None) => (KEY.to_string(), KEY.to_string()),
            (l, Some(r)) => (l.clone().unwrap_or_else(|| self.input.column.clone()), r.clone()),
            (Some(_), None) => {
                return Err(Error::invalid(format!(
                    "{what}: with 'left_on' give 'right_on' too: the result column to join on{}",
                    self.function.key_column().map(|k| format!(" (the key column is '{k}')")).unwrap_or_default()
                )))
            }
        };
        if left_on != KEY {
            left.column(&left_on).map_err(|e| Error::invalid(format!("{what}: left_on: {e}")))?;
            right.column(&right_on).map_err(|e| Error::invalid(format!("{what}: right_on: {e}")))?;
        }
        let opts = JoinOptions {
            how,
            left_on: vec![left_on],
            right_on: vec![right_on],
            case_insensitive: self.options.ignore_case,
            suffixes: self.options.suffixes.clone().unwrap_or_else(|| ("_src".into(), "_res".into())),
        };
        let joined = join(&left, &right, &opts).map_err(|e| Error::invalid(format!("{what}: {e}")))?;
        // drop the internal key; src_row_index last
        let order: Vec<String> = joined
            .column_names()
            .into_iter()
            .filter(|c| c != KEY && c != SRC_ROW_INDEX)
            .chain(std::iter::once(SRC_ROW_INDEX.to_string()))
            .collect();
        let mut out = joined.select(&order)?;
        out.set_la_type(SRC_ROW_INDEX, LaType::Long);
        out.notes = results.notes.clone();
        Ok(out)
    }

    /// Every call's result when the function is a utility run here ([`super::local`]: `ip_type`,
    /// `dns_components`, `url_components`); `None` for functions the caller runs.
    pub fn run_local(&self) -> Option<Vec<std::result::Result<Frame, String>>> {
        let runs = self.function.runs.as_str();
        if !super::local::is_local(runs) {
            return None;
        }
        let one = |c: &Call| -> std::result::Result<Frame, String> {
            let value = c.values.first().map(String::as_str).unwrap_or_default();
            match super::local::run_local(runs, value) {
                Some(r) => r.map_err(|e| e.to_string()),
                None => Err(format!("{runs} is not a local utility")),
            }
        };
        Some(self.calls.iter().map(one).collect())
    }

    /// [`PivotCall::assemble`], then [`PivotCall::join`] when the `join` option asks for it.
    pub fn finish(&self, results: Vec<std::result::Result<Frame, String>>) -> Result<Frame> {
        let assembled = self.assemble(results)?;
        if self.options.join.is_some() {
            self.join(&assembled)
        } else {
            Ok(assembled)
        }
    }
}
