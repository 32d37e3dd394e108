//! Quick charts' geometry: `bar` (pandas `value_counts().plot.barh()`), `pie`, `line` (a time series) and
//! `histogram`, from a [`Frame`].
//!
//! Each returns plain structs — rectangles, wedges, points in plot-area pixels (origin top left), tick lists and
//! label text — that the JS (or `plotters-canvas`) draws; no text is drawn here. Categories are counted as
//! [`Frame::value_counts`] does (most frequent first, ties in order of appearance); the top `top_n` are kept and the
//! rest summed into an "other" bucket. Nulls are left out and counted unless `dropna` is false (then they are a
//! `(null)` category), as pandas does.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::frame::rows::display_text;
use crate::frame::Frame;

use super::args;
use super::color::{hex, palette_color, parse_color, CATEGORY10, CATEGORY20};
use super::data::{is_time_column, numbers, times_ns, NULL_LABEL};
use super::scale::{initial_window, LinearScale, Tick, TimeScale, TimeTicks, MAX_TICKS};

/// One category and its count.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Category {
    pub label: String,
    pub count: u64,
    /// Whether this is the "other" bucket.
    pub other: bool,
}

/// Categories of `column`, most frequent first, the top `top_n` and (if `include_other` and any remain) an
/// `other_label` bucket; also the number of nulls left out (`dropna`) and the number of distinct values.
fn categories(
    frame: &Frame,
    column: &str,
    top_n: usize,
    other_label: &str,
    include_other: bool,
    dropna: bool,
) -> Result<(Vec<Category>, u64, u64)> {
    let vc = frame.value_counts(column)?;
    let keys = vc.column(column)?;
    let counts = vc
        .df()
        .columns()
        .last()
        .ok_or_else(|| Error::invalid("value counts returned no columns"))?;
    let counts = counts
        .as_materialized_series()
        .cast(&DataType::Int64)
        .map_err(|e| Error::invalid(e.to_string()))?;
    let counts = counts.i64().map_err(|e| Error::invalid(e.to_string()))?;
    let mut all: Vec<Category> = Vec::new();
    let mut nulls = 0u64;
    for i in 0..vc.height() {
        let count = counts.get(i).unwrap_or(0).max(0) as u64;
        let key = keys.get(i).unwrap_or(AnyValue::Null);
        match display_text(&key) {
            None if dropna => nulls += count,
            None => all.push(Category {
                label: NULL_LABEL.into(),
                count,
                other: false,
            }),
            Some(label) => all.push(Category {
                label,
                count,
                other: false,
            }),
        }
    }
    let distinct = all.len() as u64;
    let top_n = top_n.max(1);
    if all.len() > top_n {
        let rest: u64 = all[top_n..].iter().map(|c| c.count).sum();
        all.truncate(top_n);
        if include_other {
            all.push(Category {
                label: other_label.to_string(),
                count: rest,
                other: true,
            });
        }
    }
    Ok((all, nulls, distinct))
}

/// The column a chart of one column names in its options, or an error saying how to name it.
pub fn required_column<'a>(column: &'a Option<String>, func: &str) -> Result<&'a str> {
    column.as_deref().ok_or_else(|| Error::invalid(format!("{func}: name the column ({func}(df, \"IPAddress\"))")))
}

/// Options of [`bar_chart`] (read with [`crate::options::read`]; `column`, `title` and `xlabel` are for the page).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BarOptions {
    /// The column counted.
    pub column: Option<String>,
    /// Title (default `<column> counts`) and x axis title (default `count`).
    pub title: Option<String>,
    pub xlabel: Option<String>,
    /// Categories kept (default 10).
    pub top_n: usize,
    /// Label of the bucket the rest are summed into (default `other`).
    pub other_label: String,
    /// Whether to show that bucket (default true).
    pub include_other: bool,
    /// Leave nulls out (default true, as pandas).
    pub dropna: bool,
    /// Plot area width (default 600) and height (default: 24 px a bar, at least 100).
    #[serde(deserialize_with = "args::pixels")]
    pub width: u32,
    #[serde(deserialize_with = "args::opt_pixels")]
    pub height: Option<u32>,
    /// Bar colour (default Category10 blue); the "other" bar is grey.
    pub color: Option<String>,
}

impl Default for BarOptions {
    fn default() -> Self {
        BarOptions {
            column: None,
            title: None,
            xlabel: None,
            top_n: 10,
            other_label: "other".into(),
            include_other: true,
            dropna: true,
            width: 600,
            height: None,
            color: None,
        }
    }
}

/// A horizontal bar.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bar {
    pub label: String,
    pub count: u64,
    pub other: bool,
    /// The rectangle in plot-area pixels.
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    /// The y pixel of the bar's middle (where its category label goes).
    pub label_y: f64,
    pub color: String,
}

/// A horizontal bar chart of value counts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BarChart {
    pub column: String,
    pub width: u32,
    pub height: u32,
    /// Most frequent at the top.
    pub bars: Vec<Bar>,
    /// Count axis ticks (x).
    pub x_ticks: Vec<Tick>,
    /// Rows counted (excluding nulls left out).
    pub total: u64,
    /// Nulls left out.
    pub nulls: u64,
    /// Distinct values.
    pub categories: u64,
}

/// `frame[column].value_counts().head(top_n).plot.barh()`, most frequent at the top.
pub fn bar_chart(frame: &Frame, column: &str, options: &BarOptions) -> Result<BarChart> {
    let (cats, nulls, distinct) = categories(
        frame,
        column,
        options.top_n,
        &options.other_label,
        options.include_other,
        options.dropna,
    )?;
    let color = match &options.color {
        Some(c) => parse_color(c)?,
        None => CATEGORY10[0],
    };
    let n = cats.len();
    let width = if options.width > 0 {
        options.width.min(16_384)
    } else {
        600
    };
    let height = options
        .height
        .filter(|h| *h > 0)
        .unwrap_or((24 * n as u32).max(100))
        .min(16_384);
    let max = cats.iter().map(|c| c.count).max().unwrap_or(0);
    let xs = LinearScale::for_data(0.0, max as f64, 0.0, width as f64, true);
    let band = height as f64 / n.max(1) as f64;
    let thick = band * 0.8;
    let bars = cats
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let y = i as f64 * band + (band - thick) / 2.0;
            Bar {
                label: c.label.clone(),
                count: c.count,
                other: c.other,
                x: 0.0,
                y,
                width: xs.to_px(c.count as f64) - xs.to_px(0.0),
                height: thick,
                label_y: y + thick / 2.0,
                color: hex(if c.other { CATEGORY20[15] } else { color }),
            }
        })
        .collect();
    let max_ticks = ((width as f64 / 80.0).floor() as usize).clamp(2, MAX_TICKS);
    Ok(BarChart {
        column: column.to_string(),
        width,
        height,
        bars,
        x_ticks: integer_ticks(xs.ticks(max_ticks)),
        total: cats.iter().map(|c| c.count).sum(),
        nulls,
        categories: distinct,
    })
}

/// Count axes have no fractional ticks.
fn integer_ticks(ticks: Vec<Tick>) -> Vec<Tick> {
    ticks.into_iter().filter(|t| t.value.fract() == 0.0).collect()
}

/// Options of [`pie_chart`] (read with [`crate::options::read`]; `column`, `title` and `legend` are for the page).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PieOptions {
    /// The column counted.
    pub column: Option<String>,
    /// Title (default: the column).
    pub title: Option<String>,
    /// Whether the page draws the legend (default true).
    pub legend: bool,
    /// Categories kept (default 10) and the label of the rest (default `other`).
    pub top_n: usize,
    pub other_label: String,
    /// Leave nulls out (default true).
    pub dropna: bool,
    /// Diameter in pixels (default 400).
    #[serde(deserialize_with = "args::pixels")]
    pub size: u32,
}

impl Default for PieOptions {
    fn default() -> Self {
        PieOptions {
            column: None,
            title: None,
            legend: true,
            top_n: 10,
            other_label: "other".into(),
            dropna: true,
            size: 400,
        }
    }
}

/// A pie slice. Angles are radians in the canvas `arc()` convention (0 = 3 o'clock, increasing clockwise); the first
/// slice starts at 12 o'clock (−π/2) and slices follow clockwise, largest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Wedge {
    pub label: String,
    pub count: u64,
    pub other: bool,
    /// Share of the total (0–1) and as text (`33.3%`, pandas' `autopct="%1.1f%%"`).
    pub fraction: f64,
    pub percent: String,
    pub start_angle: f64,
    pub end_angle: f64,
    /// Where the percentage goes (60% of the radius along the middle angle) and where the label goes (110%).
    pub text_x: f64,
    pub text_y: f64,
    pub label_x: f64,
    pub label_y: f64,
    pub color: String,
}

/// A pie chart of value counts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PieChart {
    pub column: String,
    pub cx: f64,
    pub cy: f64,
    pub radius: f64,
    pub wedges: Vec<Wedge>,
    pub total: u64,
    pub nulls: u64,
}

/// `frame[column].value_counts().plot.pie()` with the top `top_n` and an "other" slice.
pub fn pie_chart(frame: &Frame, column: &str, options: &PieOptions) -> Result<PieChart> {
    let (cats, nulls, _) = categories(frame, column, options.top_n, &options.other_label, true, options.dropna)?;
    let size = if options.size > 0 {
        options.size.min(16_384)
    } else {
        400
    } as f64;
    let (cx, cy, r) = (size / 2.0, size / 2.0, size / 2.0 * 0.8);
    let total: u64 = cats.iter().map(|c| c.count).sum();
    let n = cats.len();
    let mut angle = -std::f64::consts::FRAC_PI_2;
    let mut wedges = Vec::with_capacity(n);
    for (i, c) in cats.iter().enumerate() {
        let fraction = if total > 0 { c.count as f64 / total as f64 } else { 0.0 };
        let sweep = fraction * std::f64::consts::TAU;
        let mid = angle + sweep / 2.0;
        wedges.push(Wedge {
            label: c.label.clone(),
            count: c.count,
            other: c.other,
            fraction,
            percent: format!("{:.1}%", fraction * 100.0),
            start_angle: angle,
            end_angle: angle + sweep,
            text_x: cx + 0.6 * r * mid.cos(),
            text_y: cy + 0.6 * r * mid.sin(),
            label_x: cx + 1.1 * r * mid.cos(),
            label_y: cy + 1.1 * r * mid.sin(),
            color: hex(if c.other { CATEGORY20[15] } else { palette_color(i, n) }),
        });
        angle += sweep;
    }
    Ok(PieChart {
        column: column.to_string(),
        cx,
        cy,
        radius: r,
        wedges,
        total,
        nulls,
    })
}

/// Options of [`line_chart`] (read with [`crate::options::read`]; `title` and `ylabel` are for the page).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LineOptions {
    /// The time column (default `TimeGenerated`).
    #[serde(alias = "time_column")]
    pub x: String,
    /// The numeric column(s), one line each.
    #[serde(alias = "columns", deserialize_with = "args::names")]
    pub y: Vec<String>,
    /// Title (default: the y columns) and y axis title.
    pub title: Option<String>,
    pub ylabel: Option<String>,
    /// Plot area size (default 900 × 300).
    #[serde(deserialize_with = "args::pixels")]
    pub width: u32,
    #[serde(deserialize_with = "args::pixels")]
    pub height: u32,
}

impl Default for LineOptions {
    fn default() -> Self {
        LineOptions {
            x: "TimeGenerated".into(),
            y: Vec::new(),
            title: None,
            ylabel: None,
            width: 900,
            height: 300,
        }
    }
}

/// A point of a line, in plot-area pixels, with the data it stands for.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LinePoint {
    pub x: f64,
    pub y: f64,
    pub time_ns: i64,
    pub value: f64,
    /// Row index in the source frame.
    pub row: u32,
}

/// One y column's line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LineSeries {
    pub label: String,
    pub color: String,
    /// In time order; at most about 4 a pixel column (each column's first, min, max and last value).
    pub points: Vec<LinePoint>,
}

/// A time series chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LineChart {
    pub width: u32,
    pub height: u32,
    pub series: Vec<LineSeries>,
    pub x_ticks: TimeTicks,
    pub y_ticks: Vec<Tick>,
    pub x_start_ns: i64,
    pub x_end_ns: i64,
    pub y_min: f64,
    pub y_max: f64,
    /// Rows left out: no time, or a null / NaN / infinite value.
    pub skipped: u64,
}

/// `frame.plot(x=x_column, y=y_columns)`: one line per y column against a datetime x, sorted by time.
pub fn line_chart(frame: &Frame, x_column: &str, y_columns: &[String], options: &LineOptions) -> Result<LineChart> {
    if y_columns.is_empty() {
        return Err(Error::invalid("a line chart needs at least one y column"));
    }
    let times = times_ns(frame, x_column)?;
    let width = if options.width > 0 {
        options.width.min(16_384)
    } else {
        900
    };
    let height = if options.height > 0 {
        options.height.min(16_384)
    } else {
        300
    };
    let mut raw: Vec<Vec<(i64, f64, u32)>> = Vec::new();
    let mut skipped = 0u64;
    for y in y_columns {
        let vals = numbers(frame, y)?;
        let mut pts: Vec<(i64, f64, u32)> = Vec::new();
        for (i, (t, v)) in times.iter().zip(&vals).enumerate() {
            match (t, v) {
                (Some(t), Some(v)) if v.is_finite() => pts.push((*t, *v, i as u32)),
                _ => skipped += 1,
            }
        }
        pts.sort_by_key(|p| (p.0, p.2));
        raw.push(pts);
    }
    let tmin = raw.iter().filter_map(|p| p.first().map(|x| x.0)).min();
    let tmax = raw.iter().filter_map(|p| p.last().map(|x| x.0)).max();
    let (t0, t1) = match (tmin, tmax) {
        (Some(a), Some(b)) if a < b => (a, b),
        (Some(a), Some(b)) => initial_window(a, b, 0.0),
        _ => (0, super::scale::DAY),
    };
    let xs = TimeScale::new(t0, t1, width as f64);
    let (vmin, vmax) = raw
        .iter()
        .flatten()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
            (lo.min(p.1), hi.max(p.1))
        });
    let ys = LinearScale::for_data(vmin, vmax, height as f64, 0.0, false);
    let n = raw.len();
    let series = raw
        .into_iter()
        .zip(y_columns)
        .enumerate()
        .map(|(i, (pts, label))| LineSeries {
            label: label.clone(),
            color: hex(palette_color(i, n)),
            points: decimate(&pts, &xs, width as usize)
                .into_iter()
                .map(|(t, v, row)| LinePoint {
                    x: xs.to_px(t),
                    y: ys.to_px(v),
                    time_ns: t,
                    value: v,
                    row,
                })
                .collect(),
        })
        .collect();
    let (y_min, y_max) = ys.domain();
    let max_y = ((height as f64 / 40.0).floor() as usize).clamp(2, MAX_TICKS);
    Ok(LineChart {
        width,
        height,
        series,
        x_ticks: xs.ticks(),
        y_ticks: ys.ticks(max_y),
        x_start_ns: xs.start(),
        x_end_ns: xs.end(),
        y_min,
        y_max,
        skipped,
    })
}

/// Time-sorted points reduced to each pixel column's first, min, max and last (in time order, each once) when there
/// are more than 4 a column.
fn decimate(pts: &[(i64, f64, u32)], xs: &TimeScale, width: usize) -> Vec<(i64, f64, u32)> {
    if pts.len() <= 4 * width.max(1) {
        return pts.to_vec();
    }
    let mut out = Vec::with_capacity(4 * width);
    let mut i = 0;
    while i < pts.len() {
        let col = xs.to_px(pts[i].0).floor();
        let mut j = i;
        let (mut lo, mut hi) = (i, i);
        while j < pts.len() && xs.to_px(pts[j].0).floor() == col {
            if pts[j].1 < pts[lo].1 {
                lo = j;
            }
            if pts[j].1 > pts[hi].1 {
                hi = j;
            }
            j += 1;
        }
        let last = j - 1;
        let mut keep = [i, lo, hi, last];
        keep.sort_unstable();
        let mut prev = usize::MAX;
        for k in keep {
            if k != prev {
                out.push(pts[k]);
                prev = k;
            }
        }
        i = j;
    }
    out
}

/// Options of [`histogram`] (read with [`crate::options::read`]; `column` and `title` are for the page).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct HistogramOptions {
    /// The column binned.
    pub column: Option<String>,
    /// Title (default `<column> histogram`).
    pub title: Option<String>,
    /// Number of equal-width bins (default 10, at most 10,000).
    #[serde(deserialize_with = "args::count")]
    pub bins: usize,
    /// Plot area size (default 600 × 300).
    #[serde(deserialize_with = "args::pixels")]
    pub width: u32,
    #[serde(deserialize_with = "args::pixels")]
    pub height: u32,
    /// Bar colour (default Category10 blue).
    pub color: Option<String>,
}

impl Default for HistogramOptions {
    fn default() -> Self {
        HistogramOptions {
            column: None,
            title: None,
            bins: 10,
            width: 600,
            height: 300,
            color: None,
        }
    }
}

/// A histogram bin: `[start, end)` (the last bin includes its end), its count and its bar.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistogramBin {
    /// The edges as numbers (for a datetime column: ns since the epoch as `f64`).
    pub start: f64,
    pub end: f64,
    /// For a datetime column, the exact edges (ns).
    pub start_ns: Option<i64>,
    pub end_ns: Option<i64>,
    pub count: u64,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// A histogram of a numeric or datetime column.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Histogram {
    pub column: String,
    /// Whether the column holds times (x ticks are then calendar ticks and `x_context` may be set).
    pub is_time: bool,
    pub width: u32,
    pub height: u32,
    pub color: String,
    pub bins: Vec<HistogramBin>,
    pub x_ticks: Vec<Tick>,
    pub x_context: Option<String>,
    pub y_ticks: Vec<Tick>,
    /// Values counted.
    pub total: u64,
    /// Null, NaN or infinite values left out.
    pub skipped: u64,
}

/// numpy/pandas `hist`: `bins` equal-width bins from the minimum to the maximum (a single value gets a bin of width 1
/// about it, or a minute for times).
pub fn histogram(frame: &Frame, column: &str, options: &HistogramOptions) -> Result<Histogram> {
    let nb = options.bins.clamp(1, 10_000);
    let width = if options.width > 0 {
        options.width.min(16_384)
    } else {
        600
    };
    let height = if options.height > 0 {
        options.height.min(16_384)
    } else {
        300
    };
    let color = match &options.color {
        Some(c) => parse_color(c)?,
        None => CATEGORY10[0],
    };
    let w = width as f64;
    let is_time = is_time_column(frame, column)?;
    let (mut bins, x_ticks, x_context, skipped) = if is_time {
        let vals = times_ns(frame, column)?;
        let skipped = vals.iter().filter(|v| v.is_none()).count() as u64;
        let ts: Vec<i64> = vals.into_iter().flatten().collect();
        let (lo, hi) = match (ts.iter().min(), ts.iter().max()) {
            (Some(&a), Some(&b)) if a < b => (a, b),
            (Some(&a), Some(&b)) => initial_window(a, b, 0.0),
            _ => (0, super::scale::DAY),
        };
        let (lo, hi) = (lo as i128, hi as i128);
        let span = hi - lo;
        let edge = |i: usize| (lo + span * i as i128 / nb as i128) as i64;
        let mut counts = vec![0u64; nb];
        for t in ts {
            let k = ((t as i128 - lo) * nb as i128 / span).clamp(0, nb as i128 - 1) as usize;
            counts[k] += 1;
        }
        let xs = TimeScale::new(lo as i64, hi as i64, w);
        let bins = (0..nb)
            .map(|i| {
                let (a, b) = (edge(i), edge(i + 1));
                HistogramBin {
                    start: a as f64,
                    end: b as f64,
                    start_ns: Some(a),
                    end_ns: Some(b),
                    count: counts[i],
                    x: xs.to_px(a),
                    y: 0.0,
                    width: xs.to_px(b) - xs.to_px(a),
                    height: 0.0,
                }
            })
            .collect::<Vec<_>>();
        let ticks = xs.ticks();
        let x_ticks = ticks
            .ticks
            .iter()
            .map(|t| Tick {
                value: t.time_ns as f64,
                px: t.px,
                label: t.label.clone(),
            })
            .collect();
        (bins, x_ticks, ticks.context, skipped)
    } else {
        let vals = numbers(frame, column)?;
        let skipped = vals.iter().filter(|v| !v.is_some_and(f64::is_finite)).count() as u64;
        let xsv: Vec<f64> = vals.into_iter().flatten().filter(|v| v.is_finite()).collect();
        let (mut lo, mut hi) = xsv
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| (a.min(v), b.max(v)));
        if !(lo.is_finite() && hi.is_finite()) {
            (lo, hi) = (0.0, 1.0);
        } else if lo == hi {
            (lo, hi) = (lo - 0.5, hi + 0.5);
            if lo == hi {
                (lo, hi) = (lo - lo.abs() * 0.1, hi + hi.abs() * 0.1);
            }
        }
        let edge = |i: usize| {
            let f = i as f64 / nb as f64;
            lo * (1.0 - f) + hi * f
        };
        let half_span = hi * 0.5 - lo * 0.5;
        let mut counts = vec![0u64; nb];
        for v in xsv {
            let k = ((v * 0.5 - lo * 0.5) / half_span * nb as f64).floor();
            let k = if k.is_finite() {
                k.clamp(0.0, nb as f64 - 1.0) as usize
            } else {
                0
            };
            counts[k] += 1;
        }
        let xs = LinearScale::new(lo, hi, 0.0, w);
        let bins = (0..nb)
            .map(|i| {
                let (a, b) = (edge(i), edge(i + 1));
                HistogramBin {
                    start: a,
                    end: b,
                    start_ns: None,
                    end_ns: None,
                    count: counts[i],
                    x: xs.to_px(a),
                    y: 0.0,
                    width: xs.to_px(b) - xs.to_px(a),
                    height: 0.0,
                }
            })
            .collect::<Vec<_>>();
        let max_ticks = ((w / 80.0).floor() as usize).clamp(2, MAX_TICKS);
        (bins, xs.ticks(max_ticks), None, skipped)
    };
    let max = bins.iter().map(|b| b.count).max().unwrap_or(0);
    let ys = LinearScale::for_data(0.0, max as f64, height as f64, 0.0, true);
    let base = ys.to_px(0.0);
    for b in &mut bins {
        b.y = ys.to_px(b.count as f64);
        b.height = base - b.y;
    }
    let max_y = ((height as f64 / 40.0).floor() as usize).clamp(2, MAX_TICKS);
    Ok(Histogram {
        column: column.to_string(),
        is_time,
        width,
        height,
        color: hex(color),
        total: bins.iter().map(|b| b.count).sum(),
        bins,
        x_ticks,
        x_context,
        y_ticks: integer_ticks(ys.ticks(max_y)),
        skipped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::loganalytics::parse_response;

    fn sample() -> Frame {
        let json = br#"{"tables":[{"name":"T","columns":[{"name":"c","type":"string"},{"name":"n","type":"real"},
          {"name":"t","type":"datetime"}],
          "rows":[["a",1,"2024-01-01T00:00:00Z"],["b",2,"2024-01-01T00:00:10Z"],["a",2,null],[null,"NaN","2024-01-01T00:00:10Z"],
                  ["c",4,"2024-01-01T00:00:00Z"],["a",4,"2024-01-01T00:00:00Z"]]}]}"#;
        parse_response(json).unwrap().tables.remove(0)
    }

    #[test]
    fn categories_with_and_without_nulls() {
        let f = sample();
        let (c, nulls, distinct) = categories(&f, "c", 2, "rest", true, true).unwrap();
        let got: Vec<(&str, u64, bool)> = c.iter().map(|c| (c.label.as_str(), c.count, c.other)).collect();
        assert_eq!(got, [("a", 3, false), ("b", 1, false), ("rest", 1, true)]);
        assert_eq!((nulls, distinct), (1, 3));
        let (c, nulls, _) = categories(&f, "c", 10, "rest", true, false).unwrap();
        assert_eq!(
            c.iter().map(|c| c.label.as_str()).collect::<Vec<_>>(),
            ["a", "b", "(null)", "c"]
        );
        assert_eq!(nulls, 0);
    }

    #[test]
    fn histograms_of_numbers_and_single_values() {
        let f = sample();
        let h = histogram(
            &f,
            "n",
            &HistogramOptions {
                bins: 3,
                ..HistogramOptions::default()
            },
        )
        .unwrap();
        assert_eq!(h.bins.iter().map(|b| b.count).collect::<Vec<_>>(), [1, 2, 2]);
        assert_eq!((h.bins[0].start, h.bins[2].end, h.skipped), (1.0, 4.0, 1));
        let one = f.filter_eq("c", &serde_json::json!("b")).unwrap();
        let h = histogram(
            &one,
            "n",
            &HistogramOptions {
                bins: 2,
                ..HistogramOptions::default()
            },
        )
        .unwrap();
        assert_eq!((h.bins[0].start, h.bins[1].end, h.total), (1.5, 2.5, 1));
        let h = histogram(
            &f,
            "t",
            &HistogramOptions {
                bins: 2,
                ..HistogramOptions::default()
            },
        )
        .unwrap();
        assert_eq!(h.bins.iter().map(|b| b.count).collect::<Vec<_>>(), [3, 2]);
        assert_eq!((h.skipped, h.x_context.as_deref()), (1, Some("2024-01-01")));
        assert!(histogram(&f, "c", &HistogramOptions::default()).is_ok()); // text: every value unparsable
    }

    #[test]
    fn decimation_keeps_extremes_in_order() {
        let xs = TimeScale::new(0, 10, 2.0);
        let pts: Vec<(i64, f64, u32)> = (0..10)
            .map(|i| {
                (
                    i,
                    [3.0, 9.0, 1.0, 4.0, 5.0, 2.0, 8.0, 0.0, 6.0, 7.0][i as usize],
                    i as u32,
                )
            })
            .collect();
        let d = decimate(&pts, &xs, 1);
        assert_eq!(d.iter().map(|p| p.2).collect::<Vec<_>>(), [0, 1, 2, 4, 5, 6, 7, 9]);
    }
}
