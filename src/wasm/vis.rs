//! Bindings of the visualisation module ([`crate::vis`]): the `Timeline` class (layout, rasterised views, overview
//! strip, hit-testing, zoom/pan/range-tool arithmetic) and the quick chart geometry functions.
//!
//! Times cross the boundary as epoch milliseconds (`f64`, as a JS `Date` holds them; a fraction keeps sub-millisecond
//! precision) and are nanoseconds inside. Pixel sizes are device pixels. Layouts and hits come back as JSON text the
//! JS wrapper parses; pixels come back as a `Uint8ClampedArray` *view* of wasm memory that the caller must use at once
//! (`new ImageData(view, w, h)` then `putImageData`), before any other call into wasm.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::frame::WasmFrame;
use super::{js_err, JsResult};
use crate::frame::rows::display_text;
use crate::frame::Frame;
use crate::time::{self, to_ms as ms_of};
use crate::vis::charts::{BarOptions, HistogramOptions, LineOptions, PieOptions};
use crate::vis::hit::{self, RangeHandle};
use crate::vis::scale::TimeScale;
use crate::vis::timeline::{RefEvent, Timeline, TimelineKind, TimelineOptions, View};
use crate::vis::{bar_chart, histogram, line_chart, pie_chart, Raster};

/// Epoch ms (with a fraction) → ns ([`time::from_ms`]); a view edge past what ns hold is clamped to the edge of time
/// and NaN is the epoch (view arithmetic never fails).
fn ns_of(ms: f64) -> i64 {
    let edge = time::to_ms(i64::MAX).floor();
    time::from_ms(ms.clamp(-edge, edge)).unwrap_or(0)
}

fn to_json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

fn bad_options(what: &str, e: impl std::fmt::Display) -> JsError {
    JsError::new(&format!("{what} options: {e}"))
}

/// Reads the timeline options JSON. `ref_time` (epoch ms) and `ref_events` (`[{time, label}]`, time in epoch ms)
/// are converted to nanoseconds here; everything else is [`TimelineOptions`] as is.
fn timeline_options(json: &str) -> JsResult<TimelineOptions> {
    let mut v: serde_json::Value = if json.trim().is_empty() {
        serde_json::Value::Object(Default::default())
    } else {
        serde_json::from_str(json).map_err(|e| bad_options("timeline", e))?
    };
    let Some(map) = v.as_object_mut() else {
        return Err(JsError::new("timeline options must be an object"));
    };
    let ref_time = map.remove("ref_time");
    let ref_events = map.remove("ref_events");
    let mut o: TimelineOptions = serde_json::from_value(v).map_err(|e| bad_options("timeline", e))?;
    match ref_time {
        None | Some(serde_json::Value::Null) => {}
        Some(serde_json::Value::Number(n)) => o.ref_time = n.as_f64().map(ns_of),
        Some(other) => return Err(JsError::new(&format!("ref_time: expected a Date or epoch milliseconds, got {other}"))),
    }
    if let Some(serde_json::Value::Array(list)) = ref_events {
        for (i, e) in list.into_iter().enumerate() {
            let time = e.get("time").and_then(|t| t.as_f64());
            let Some(time) = time else {
                return Err(JsError::new(&format!("ref_events[{i}]: expected {{time, label}} with a time, got {e}")));
            };
            let label = e.get("label").map(|l| match l {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Null => String::new(),
                other => other.to_string(),
            });
            o.ref_events.push(RefEvent { time_ns: ns_of(time), label: label.unwrap_or_default() });
        }
    }
    Ok(o)
}

/// One hover row: the hit and its source columns as `[name, text]` pairs (text of null is `null`).
#[derive(Serialize)]
struct HoverRow {
    group: u32,
    row: u32,
    time: f64,
    value: Option<f64>,
    x: f64,
    y: f64,
    columns: Vec<(String, Option<String>)>,
}

#[derive(Serialize)]
struct HoverResult {
    hits: Vec<HoverRow>,
    total: u64,
    group: Option<u32>,
}

/// A prepared timeline. The JS `timeline()` element wraps it.
#[wasm_bindgen(js_name = Timeline)]
pub struct WasmTimeline {
    inner: Timeline,
    frame: Frame,
    hidden: Vec<u32>,
    ratio: f64,
    background: [u8; 4],
    /// The last raster: `pixels()` views its bytes.
    last: Raster,
}

#[wasm_bindgen(js_class = Timeline)]
impl WasmTimeline {
    /// Groups `frame` for a timeline of `kind` (`events`, `values` or `duration`) with options as JSON text
    /// (msticpy's snake_case names; `ref_time` and `ref_events[].time` in epoch ms).
    #[wasm_bindgen(constructor)]
    pub fn new(frame: &WasmFrame, kind: &str, options_json: &str) -> JsResult<WasmTimeline> {
        let kind = TimelineKind::from_name(kind).map_err(js_err)?;
        let options = timeline_options(options_json)?;
        let frame = frame.inner().clone();
        let inner = Timeline::new(&frame, kind, &options).map_err(js_err)?;
        Ok(WasmTimeline {
            inner,
            frame,
            hidden: Vec::new(),
            ratio: 1.0,
            background: [255, 255, 255, 255],
            last: Raster { width: 0, height: 0, rgba: Vec::new(), visible_events: 0 },
        })
    }

    /// The view-independent layout as JSON: title, sizes, groups (label, colour, count), hover columns, notes, and
    /// the data / initial view / extent / overview domains (the `*_ns` fields also given as `*_ms`).
    #[wasm_bindgen(js_name = layoutJSON)]
    pub fn layout_json(&self) -> String {
        let l = self.inner.layout();
        let mut v = serde_json::to_value(l).unwrap_or(serde_json::Value::Null);
        if let Some(map) = v.as_object_mut() {
            let ms: Vec<(String, serde_json::Value)> = map
                .iter()
                .filter_map(|(k, x)| {
                    let base = k.strip_suffix("_ns")?;
                    Some((format!("{base}_ms"), x.as_i64().map(|n| ms_of(n).into()).unwrap_or(serde_json::Value::Null)))
                })
                .collect();
            map.extend(ms);
            for (list, keys) in [("ref_lines", &["time_ns"][..]), ("groups", &["first_ns", "last_ns"][..])] {
                if let Some(serde_json::Value::Array(items)) = map.get_mut(list) {
                    for item in items {
                        for key in keys {
                            if let Some(n) = item.get(*key).and_then(|t| t.as_i64()) {
                                item[key.replace("_ns", "_ms")] = ms_of(n).into();
                            }
                        }
                    }
                }
            }
        }
        v.to_string()
    }

    /// Groups the legend has turned off (indices), for the following renders and hit tests.
    #[wasm_bindgen(js_name = setHidden)]
    pub fn set_hidden(&mut self, hidden: Vec<u32>) {
        self.hidden = hidden;
    }

    /// Device pixels per CSS pixel (marker sizes scale with it).
    #[wasm_bindgen(js_name = setPixelRatio)]
    pub fn set_pixel_ratio(&mut self, ratio: f64) {
        self.ratio = if ratio.is_finite() && ratio > 0.0 { ratio } else { 1.0 };
    }

    /// The background of renders, straight RGBA (default opaque white).
    #[wasm_bindgen(js_name = setBackground)]
    pub fn set_background(&mut self, r: u8, g: u8, b: u8, a: u8) {
        self.background = [r, g, b, a];
    }

    fn view(&self, start_ms: f64, end_ms: f64, width: u32, height: u32) -> View {
        View {
            hidden: self.hidden.clone(),
            pixel_ratio: self.ratio,
            background: self.background,
            ..View::new(ns_of(start_ms), ns_of(end_ms), width, height)
        }
    }

    /// Rasterises the plot area of `[start_ms, end_ms]` on `width × height` device pixels; returns the number of
    /// visible events. Read the pixels with `pixels()`.
    pub fn render(&mut self, start_ms: f64, end_ms: f64, width: u32, height: u32) -> JsResult<f64> {
        let view = self.view(start_ms, end_ms, width, height);
        self.last = self.inner.render(&view).map_err(js_err)?;
        Ok(self.last.visible_events as f64)
    }

    /// Rasterises the range tool's overview strip (every event over the overview domain) on `width × height`.
    #[wasm_bindgen(js_name = renderOverview)]
    pub fn render_overview(&mut self, width: u32, height: u32) -> JsResult<f64> {
        self.last = self.inner.render_overview(width, height, self.background).map_err(js_err)?;
        Ok(self.last.visible_events as f64)
    }

    /// A view of the last raster's RGBA bytes in wasm memory. Use it before the next call into wasm (which may
    /// move memory); `new ImageData(view, w, h)` + `putImageData` copies it out.
    pub fn pixels(&self) -> js_sys::Uint8ClampedArray {
        // SAFETY: the view is of `self.last.rgba`, which lives as long as `self`; the JS uses it immediately (before
        // any allocation can grow the memory), as documented.
        unsafe { js_sys::Uint8ClampedArray::view(&self.last.rgba) }
    }

    /// A copy of the last raster's RGBA bytes (for tests and workers).
    #[wasm_bindgen(js_name = pixelsCopy)]
    pub fn pixels_copy(&self) -> Vec<u8> {
        self.last.rgba.clone()
    }

    /// Time-axis ticks of a view `width` pixels wide, as JSON (`unit`, `ticks: [{time_ms, px, label}]`, `context`).
    #[wasm_bindgen(js_name = ticksJSON)]
    pub fn ticks_json(&self, start_ms: f64, end_ms: f64, width: f64) -> String {
        let t = TimeScale::new(ns_of(start_ms), ns_of(end_ms), width).ticks();
        let ticks: Vec<serde_json::Value> = t
            .ticks
            .iter()
            .map(|k| serde_json::json!({"time_ms": ms_of(k.time_ns), "px": k.px, "label": k.label}))
            .collect();
        serde_json::json!({"unit": t.unit, "count": t.count, "step_ms": ms_of(t.step_ns), "ticks": ticks, "context": t.context})
            .to_string()
    }

    /// Y-axis ticks (`[{value, px, label}]`) of a plot `height` pixels high: the group rows, or the value ticks.
    #[wasm_bindgen(js_name = yTicksJSON)]
    pub fn y_ticks_json(&self, height: u32) -> String {
        let view = self.view(0.0, 1.0, 1, height);
        to_json(&self.inner.y_ticks(&view))
    }

    /// The events near `(x, y)` in the view, nearest first (at most `max_hits`), each with the hover columns' text:
    /// JSON `{hits: [{group, row, time, value, x, y, columns: [[name, text]]}], total, group}`.
    #[wasm_bindgen(js_name = hitTestJSON)]
    #[allow(clippy::too_many_arguments)]
    pub fn hit_test_json(
        &self,
        start_ms: f64,
        end_ms: f64,
        width: u32,
        height: u32,
        x: f64,
        y: f64,
        radius: f64,
        max_hits: u32,
    ) -> String {
        let view = self.view(start_ms, end_ms, width, height);
        let hits = self.inner.hit_test(&view, x, y, radius, max_hits.min(1000) as usize);
        let cols = &self.inner.layout().hover_columns;
        let rows = hits
            .hits
            .iter()
            .map(|h| HoverRow {
                group: h.group,
                row: h.row,
                time: ms_of(h.time_ns),
                value: h.value,
                x: h.x,
                y: h.y,
                columns: cols
                    .iter()
                    .map(|c| {
                        let text = self
                            .frame
                            .column(c)
                            .ok()
                            .and_then(|col| col.get(h.row as usize).ok())
                            .and_then(|v| display_text(&v));
                        (c.clone(), text)
                    })
                    .collect(),
            })
            .collect();
        to_json(&HoverResult { hits: rows, total: hits.total, group: hits.group })
    }

    /// Where source row `row` is drawn: `[group, time_ms, value]` (value NaN but for the values kind), or
    /// `undefined` when it is not on the timeline (no time, no value). A linear scan: for tests and tours.
    #[wasm_bindgen(js_name = eventOf)]
    pub fn event_of(&self, row: u32) -> Option<Vec<f64>> {
        self.inner.series().iter().enumerate().find_map(|(g, s)| {
            let i = s.rows.iter().position(|&r| r == row)?;
            Some(vec![g as f64, ms_of(*s.times.get(i)?), s.values.get(i).copied().unwrap_or(f64::NAN)])
        })
    }

    /// The y pixel of row `group`'s centre in a plot `height` pixels high (events and duration kinds).
    #[wasm_bindgen(js_name = rowCenter)]
    pub fn row_center(&self, group: u32, height: f64) -> f64 {
        ((group as f64 + 0.5) * self.inner.row_height(height)).floor()
    }

    /// Values kind: the y pixel of `value` in a plot `height` device pixels high.
    #[wasm_bindgen(js_name = valueToPx)]
    pub fn value_to_px(&self, value: f64, height: f64) -> f64 {
        self.inner.value_scale(height, self.ratio).to_px(value)
    }

    /// Zooms the view `[start_ms, end_ms]` (`width` px) by `factor` (> 1 in) about pixel `anchor`, kept inside the
    /// timeline's extent: `[start_ms, end_ms]`.
    pub fn zoom(&self, start_ms: f64, end_ms: f64, width: f64, factor: f64, anchor: f64) -> Vec<f64> {
        let mut s = self.scale(start_ms, end_ms, width);
        s.zoom(factor, anchor);
        vec![ms_of(s.start()), ms_of(s.end())]
    }

    /// Pans the view by `dx` pixels (dragging right shows earlier times): `[start_ms, end_ms]`.
    pub fn pan(&self, start_ms: f64, end_ms: f64, width: f64, dx: f64) -> Vec<f64> {
        let mut s = self.scale(start_ms, end_ms, width);
        s.pan(dx);
        vec![ms_of(s.start()), ms_of(s.end())]
    }

    /// Makes `[start_ms, end_ms]` a valid view: ordered, at least 1 ms, inside the extent.
    pub fn clamp(&self, start_ms: f64, end_ms: f64) -> Vec<f64> {
        let s = self.scale(start_ms, end_ms, 1.0);
        vec![ms_of(s.start()), ms_of(s.end())]
    }

    fn scale(&self, start_ms: f64, end_ms: f64, width: f64) -> TimeScale {
        let l = self.inner.layout();
        TimeScale::with_extent(ns_of(start_ms), ns_of(end_ms), width, l.extent_start_ns, l.extent_end_ns)
    }

    /// The pixel of `time_ms` in the view.
    #[wasm_bindgen(js_name = timeToPx)]
    pub fn time_to_px(&self, start_ms: f64, end_ms: f64, width: f64, time_ms: f64) -> f64 {
        TimeScale::new(ns_of(start_ms), ns_of(end_ms), width).to_px(ns_of(time_ms))
    }

    /// The time (ms) at pixel `px` of the view.
    #[wasm_bindgen(js_name = pxToTime)]
    pub fn px_to_time(&self, start_ms: f64, end_ms: f64, width: f64, px: f64) -> f64 {
        ms_of(TimeScale::new(ns_of(start_ms), ns_of(end_ms), width).to_time(px))
    }

    /// The overview strip's pixel of `time_ms` (strip `width` px wide).
    #[wasm_bindgen(js_name = overviewPx)]
    pub fn overview_px(&self, width: f64, time_ms: f64) -> f64 {
        self.inner.overview_scale(width).to_px(ns_of(time_ms))
    }

    /// Which part of the range tool's selection `[sel_start_ms, sel_end_ms]` is at pixel `x` of the strip:
    /// `outside`, `left`, `right` or `inside`.
    #[wasm_bindgen(js_name = rangeHandleAt)]
    pub fn range_handle_at(&self, width: f64, sel_start_ms: f64, sel_end_ms: f64, x: f64, tolerance: f64) -> String {
        let o = self.inner.overview_scale(width);
        match hit::range_handle_at(&o, ns_of(sel_start_ms), ns_of(sel_end_ms), x, tolerance) {
            RangeHandle::Outside => "outside",
            RangeHandle::Left => "left",
            RangeHandle::Right => "right",
            RangeHandle::Inside => "inside",
        }
        .into()
    }

    /// The selection after dragging `handle` (`left`, `right`, `inside`) by `dx` strip pixels: `[start_ms, end_ms]`.
    #[wasm_bindgen(js_name = dragRange)]
    pub fn drag_range(&self, width: f64, handle: &str, start_ms: f64, end_ms: f64, dx: f64) -> Vec<f64> {
        let handle = match handle {
            "left" => RangeHandle::Left,
            "right" => RangeHandle::Right,
            "inside" => RangeHandle::Inside,
            _ => RangeHandle::Outside,
        };
        let o = self.inner.overview_scale(width);
        let r = hit::drag_range(&o, handle, ns_of(start_ms), ns_of(end_ms), dx);
        vec![ms_of(r.start_ns), ms_of(r.end_ns)]
    }

    /// The selection of the same span centred at strip pixel `x` (a click outside it): `[start_ms, end_ms]`.
    #[wasm_bindgen(js_name = centerRangeAt)]
    pub fn center_range_at(&self, width: f64, start_ms: f64, end_ms: f64, x: f64) -> Vec<f64> {
        let o = self.inner.overview_scale(width);
        let r = hit::center_range_at(&o, ns_of(start_ms), ns_of(end_ms), x);
        vec![ms_of(r.start_ns), ms_of(r.end_ns)]
    }
}

fn chart_options<T: serde::de::DeserializeOwned + Default>(json: &str, what: &str) -> JsResult<T> {
    if json.trim().is_empty() {
        return Ok(T::default());
    }
    serde_json::from_str(json).map_err(|e| bad_options(what, e))
}

/// Horizontal bar chart geometry of `column`'s value counts (top N + "other"), as JSON.
#[wasm_bindgen(js_name = barChartJSON)]
pub fn bar_chart_json(frame: &WasmFrame, column: &str, options_json: &str) -> JsResult<String> {
    let o: BarOptions = chart_options(options_json, "barChart")?;
    bar_chart(frame.inner(), column, &o).map(|c| to_json(&c)).map_err(js_err)
}

/// Pie chart geometry of `column`'s value counts, as JSON.
#[wasm_bindgen(js_name = pieChartJSON)]
pub fn pie_chart_json(frame: &WasmFrame, column: &str, options_json: &str) -> JsResult<String> {
    let o: PieOptions = chart_options(options_json, "pieChart")?;
    pie_chart(frame.inner(), column, &o).map(|c| to_json(&c)).map_err(js_err)
}

/// Line chart geometry of `y_columns` against the time column `x_column`, as JSON.
#[wasm_bindgen(js_name = lineChartJSON)]
pub fn line_chart_json(frame: &WasmFrame, x_column: &str, y_columns: Vec<String>, options_json: &str) -> JsResult<String> {
    let o: LineOptions = chart_options(options_json, "lineChart")?;
    line_chart(frame.inner(), x_column, &y_columns, &o).map(|c| to_json(&c)).map_err(js_err)
}

/// Histogram geometry of a numeric or datetime column, as JSON.
#[wasm_bindgen(js_name = histogramJSON)]
pub fn histogram_json(frame: &WasmFrame, column: &str, options_json: &str) -> JsResult<String> {
    let o: HistogramOptions = chart_options(options_json, "histogram")?;
    histogram(frame.inner(), column, &o).map(|c| to_json(&c)).map_err(js_err)
}

/// Runs the timeline code once on a small synthetic table so the browser has optimised it before the first real
/// timeline (see `crate::vis::warm`). Returns the events drawn.
#[wasm_bindgen(js_name = visWarmUp)]
pub fn vis_warm_up() -> JsResult<f64> {
    crate::vis::warm_up().map(|n| n as f64).map_err(js_err)
}
