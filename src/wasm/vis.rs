//! Bindings of the visualisation module ([`crate::vis`]): the `Timeline` class (layout, rasterised views, overview
//! strip, hit-testing, zoom/pan/range-tool arithmetic) and the quick chart geometry functions.
//!
//! Times cross the boundary as epoch milliseconds (`f64`, as a JS `Date` holds them; a fraction keeps sub-millisecond
//! precision) and are nanoseconds inside. Pixel sizes are device pixels. Layouts and hits come back as JSON text the
//! JS wrapper parses; pixels come back as a `Uint8ClampedArray` *view* of wasm memory that the caller must use at once
//! (`new ImageData(view, w, h)` then `putImageData`), before any other call into wasm. Options objects arrive as
//! they are and are read with [`crate::options::read`] into the option structs of [`crate::vis`].

use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::frame::WasmFrame;
use super::{js_err, json_of, JsResult};
use crate::frame::rows::display_text;
use crate::frame::Frame;
use crate::options;
use crate::time::{self, to_ms as ms_of};
use crate::vis::charts::{required_column, BarOptions, HistogramOptions, LineOptions, PieOptions};
use crate::vis::hit::{self, RangeHandle};
use crate::vis::scale::TimeScale;
use crate::vis::timeline::{ref_events_of, Timeline, TimelineKind, TimelineOptions, View};
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

/// Reads the options object of `func` (see [`crate::options`]).
fn read_options<T: serde::de::DeserializeOwned>(func: &str, options: &JsValue) -> JsResult<T> {
    options::read(func, &json_of(options)?).map_err(js_err)
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
    /// Groups `frame` for a timeline of `kind` (`events`, `values` or `duration`) with the options object of JS
    /// function `func` ([`TimelineOptions`]: msticpy's names, times as epoch ms or ISO text).
    #[wasm_bindgen(constructor)]
    pub fn new(frame: &WasmFrame, kind: &str, options: JsValue, func: &str) -> JsResult<WasmTimeline> {
        let options: TimelineOptions = read_options(func, &options)?;
        WasmTimeline::build(frame, kind, options)
    }

    /// As the constructor, with a DataFrame given as `ref_events` (read by [`ref_events_of`]).
    #[wasm_bindgen(js_name = withRefFrame)]
    pub fn with_ref_frame(
        frame: &WasmFrame,
        kind: &str,
        options: JsValue,
        func: &str,
        ref_frame: &WasmFrame,
    ) -> JsResult<WasmTimeline> {
        let mut options: TimelineOptions = read_options(func, &options)?;
        options.ref_events = ref_events_of(ref_frame.inner(), &options).map_err(js_err)?;
        WasmTimeline::build(frame, kind, options)
    }

    fn build(frame: &WasmFrame, kind: &str, options: TimelineOptions) -> JsResult<WasmTimeline> {
        let kind = TimelineKind::from_name(kind).map_err(js_err)?;
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

/// A chart and the options it was drawn with (the page reads the title and labels from them), as JSON.
fn chart_json<C: Serialize, O: Serialize>(chart: crate::Result<C>, options: &O) -> JsResult<String> {
    chart.map(|c| serde_json::json!({"chart": c, "options": options}).to_string()).map_err(js_err)
}

/// Horizontal bar chart geometry of `column`'s value counts (top N + "other") and the options, as JSON.
#[wasm_bindgen(js_name = barChartJSON)]
pub fn bar_chart_json(frame: &WasmFrame, options: JsValue) -> JsResult<String> {
    let o: BarOptions = read_options("barChart", &options)?;
    let column = required_column(&o.column, "barChart").map_err(js_err)?;
    chart_json(bar_chart(frame.inner(), column, &o), &o)
}

/// Pie chart geometry of `column`'s value counts and the options, as JSON.
#[wasm_bindgen(js_name = pieChartJSON)]
pub fn pie_chart_json(frame: &WasmFrame, options: JsValue) -> JsResult<String> {
    let o: PieOptions = read_options("pieChart", &options)?;
    let column = required_column(&o.column, "pieChart").map_err(js_err)?;
    chart_json(pie_chart(frame.inner(), column, &o), &o)
}

/// Line chart geometry of the `y` columns against the time column `x` and the options, as JSON.
#[wasm_bindgen(js_name = lineChartJSON)]
pub fn line_chart_json(frame: &WasmFrame, options: JsValue) -> JsResult<String> {
    let o: LineOptions = read_options("lineChart", &options)?;
    chart_json(line_chart(frame.inner(), &o.x, &o.y, &o), &o)
}

/// Histogram geometry of a numeric or datetime column and the options, as JSON.
#[wasm_bindgen(js_name = histogramJSON)]
pub fn histogram_json(frame: &WasmFrame, options: JsValue) -> JsResult<String> {
    let o: HistogramOptions = read_options("histogram", &options)?;
    let column = required_column(&o.column, "histogram").map_err(js_err)?;
    chart_json(histogram(frame.inner(), column, &o), &o)
}

/// Runs the timeline code once on a small synthetic table so the browser has optimised it before the first real
/// timeline (see `crate::vis::warm`). Returns the events drawn.
#[wasm_bindgen(js_name = visWarmUp)]
pub fn vis_warm_up() -> JsResult<f64> {
    crate::vis::warm_up().map(|n| n as f64).map_err(js_err)
}
