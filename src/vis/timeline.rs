//! Timeline layouts: msticpy's `display_timeline` (events), `display_timeline_values` (values) and
//! `display_timeline_duration` (duration), prepared once from a [`Frame`] so every redraw is cheap.
//!
//! [`Timeline::new`] reads the time column (a datetime of any precision, a date, or ISO text; converted to
//! nanoseconds), groups the rows by the `group_by` columns and keeps, per group, its events sorted by time (with
//! their source row indices, and values for the values kind). Rows without a time are skipped and counted
//! ([`TimelineLayout::skipped_no_time`]) so the page can print "N events without a time were skipped"; for the values
//! kind, rows whose value is null, NaN or infinite are skipped and counted too.
//!
//! **Groups** are ordered by their key, ascending as the column's type orders (text lexicographically, numbers and
//! datetimes numerically, `false` before `true`), the null group — labelled `(null)` — last; with several `group_by`
//! columns the keys compare column by column and labels join the values with `" / "`. This is msticpy's order (pandas
//! `groupby` sorts), but row 0 is drawn at the **top** (Bokeh puts it at the bottom) so rows read like the legend. A
//! group with no timed event is left out. Groups are coloured from [`CATEGORY10`](super::color::CATEGORY10) (more
//! than ten: `CATEGORY20`, cycled) in this order; without `group_by` (and for the duration kind, as in msticpy) every
//! event is drawn in `color` (default navy).
//!
//! **Rows** share the plot height evenly: group `g`'s row is centred at `(g + 0.5) × height / groups` pixels from the
//! top. The auto height is msticpy's: 40 px a group (25 px beyond 15 groups), at least 300 px (at most 16,384);
//! `height` overrides it. At most [`MAX_GROUPS`] rows are drawn: beyond that the groups with the most events are kept
//! (in their usual order) and a note says how many groups and events were left out.
//!
//! Times are `i64` nanoseconds since the Unix epoch throughout; the [`View`] says what to draw.

use serde::{Deserialize, Deserializer, Serialize};

use crate::error::{Error, Result};
use crate::frame::rows::display_text;
use crate::frame::Frame;

use super::args::{self, time_ns};
use super::color::{hex, palette_color, parse_color, Rgb, NAVY};
use super::data::{group_rows, numbers, sort_by_time, times_ns};
use super::raster::MAX_SIDE;
use super::scale::{allowed_extent, initial_window, LinearScale, Tick, TimeScale, TimeTicks, DAY, MAX_TICKS};

/// Which msticpy timeline this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TimelineKind {
    /// `display_timeline`: one row a group, events as diamonds.
    Events,
    /// `display_timeline_values`: `value_column` against time, as bars, lines and/or circles.
    Values,
    /// `display_timeline_duration`: one bar a group from its first to its last event, events overlaid.
    Duration,
}

impl TimelineKind {
    /// `events`, `values` or `duration`.
    pub fn from_name(name: &str) -> Result<TimelineKind> {
        match name.trim().to_ascii_lowercase().as_str() {
            "events" | "timeline" => Ok(TimelineKind::Events),
            "values" | "timeline_values" => Ok(TimelineKind::Values),
            "duration" | "timeline_duration" => Ok(TimelineKind::Duration),
            _ => Err(Error::invalid(format!(
                "'{name}' is not a timeline kind (events, values or duration)"
            ))),
        }
    }
}

/// Where the legend goes (msticpy's `legend` option). The JS draws it from [`TimelineLayout::groups`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LegendPosition {
    Left,
    Right,
    Inline,
    None,
}

impl LegendPosition {
    /// `left`, `right`, `inline` or `none`.
    pub fn from_name(name: &str) -> Result<LegendPosition> {
        match name.trim().to_ascii_lowercase().as_str() {
            "left" => Ok(LegendPosition::Left),
            "right" => Ok(LegendPosition::Right),
            "inline" => Ok(LegendPosition::Inline),
            "none" | "" => Ok(LegendPosition::None),
            _ => Err(Error::invalid(format!(
                "'{name}' is not a legend position (left, right, inline or none)"
            ))),
        }
    }
}

/// How the values kind draws each value (msticpy's `kind`; several may be combined).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ValueKind {
    /// A vertical bar from 0 to the value.
    Vbar,
    /// A line through the values in time order.
    Line,
    /// A small circle at each value.
    Circle,
}

impl ValueKind {
    /// `vbar`, `line` or `circle`.
    pub fn from_name(name: &str) -> Result<ValueKind> {
        match name.trim().to_ascii_lowercase().as_str() {
            "vbar" | "bar" => Ok(ValueKind::Vbar),
            "line" => Ok(ValueKind::Line),
            "circle" | "scatter" => Ok(ValueKind::Circle),
            _ => Err(Error::invalid(format!(
                "'{name}' is not a value plot kind (vbar, line or circle)"
            ))),
        }
    }
}

/// A reference line: a time and its label. Read from options as a time (epoch ms, ISO text) or a row
/// `{time, label}` (the time may be `TimeGenerated`, the label `Label` or `ref_label`; other keys are ignored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RefEvent {
    /// ns since the epoch.
    pub time_ns: i64,
    /// The label the JS draws beside the line.
    pub label: String,
}

impl<'de> Deserialize<'de> for RefEvent {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        use serde::de::Error as _;
        let v = serde_json::Value::deserialize(d)?;
        let (time, label) = match &v {
            serde_json::Value::Object(row) => {
                let time = ["time", "TimeGenerated"].iter().find_map(|k| row.get(*k).filter(|t| !t.is_null()));
                let label = ["label", "Label", "ref_label"].iter().find_map(|k| row.get(*k));
                let time = time.ok_or_else(|| D::Error::custom(format!("expected a time or {{time, label}}, got {v}")))?;
                (time, label)
            }
            t => (t, None),
        };
        let label = match label {
            None | Some(serde_json::Value::Null) => String::new(),
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
        };
        Ok(RefEvent { time_ns: time_ns(time).map_err(D::Error::custom)?, label })
    }
}

/// The reference lines of a DataFrame given as `ref_events` (msticpy's way): times from its `time`, `time_column`
/// or `TimeGenerated` column (the first it has), labels from `ref_col` (else a `label`, `Label` or `ref_label`
/// column, else none). A row without a time is an error.
pub fn ref_events_of(frame: &Frame, options: &TimelineOptions) -> Result<Vec<RefEvent>> {
    let has = |c: &str| frame.column(c).is_ok();
    let time_col = ["time", options.time_column.as_str(), "TimeGenerated"].into_iter().find(|c| has(c));
    let time_col = time_col.unwrap_or(options.time_column.as_str());
    let times = times_ns(frame, time_col)?;
    let label_col = match &options.ref_col {
        Some(c) => Some(frame.column(c)?),
        None => ["label", "Label", "ref_label"].into_iter().find(|c| has(c)).and_then(|c| frame.column(c).ok()),
    };
    times
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let time_ns = t.ok_or_else(|| Error::invalid(format!("ref_events row {i}: no time in column '{time_col}'")))?;
            let label = label_col.and_then(|c| c.get(i).ok()).and_then(|v| display_text(&v)).unwrap_or_default();
            Ok(RefEvent { time_ns, label })
        })
        .collect()
}

/// Timeline options, named as msticpy names them: read with [`crate::options::read`] (every field optional;
/// snake_case or camelCase). `kind`, `group_by` and `source_columns` may be one name or a list; times are epoch ms
/// or ISO text; `legend: false` means none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TimelineOptions {
    /// The time column (default `TimeGenerated`).
    pub time_column: String,
    /// Duration kind: the column giving each group's end (default: `time_column`).
    pub end_time_column: Option<String>,
    /// Columns whose values make the groups (none: one group). Required for the duration kind.
    #[serde(deserialize_with = "args::names")]
    pub group_by: Vec<String>,
    /// Extra columns for the hover tooltip (checked to exist; see [`TimelineLayout::hover_columns`]).
    #[serde(deserialize_with = "args::names")]
    pub source_columns: Vec<String>,
    /// Title text (default per kind, as msticpy).
    pub title: Option<String>,
    /// Plot height in pixels (default: from the number of groups).
    #[serde(deserialize_with = "args::opt_pixels")]
    pub height: Option<u32>,
    /// Plot width in pixels (default 900).
    #[serde(deserialize_with = "args::pixels")]
    pub width: u32,
    /// The colour of ungrouped events and of duration bars (CSS `#rrggbb`, `#rgb` or a name; default `navy`).
    pub color: Option<String>,
    /// Legend position (default: `left` for grouped events, `inline` for grouped values, else `none`).
    #[serde(deserialize_with = "args::legend")]
    pub legend: Option<LegendPosition>,
    /// Whether to show the range tool (overview strip) below the plot (default true).
    pub range_tool: bool,
    /// A reference time drawn as a line (ns; read from epoch ms or ISO text).
    #[serde(deserialize_with = "args::opt_time")]
    pub ref_time: Option<i64>,
    /// The label of `ref_time` (default `Ref time`).
    pub ref_label: Option<String>,
    /// More reference lines (an empty label becomes `reference N`). A DataFrame given here is read by
    /// [`ref_events_of`].
    pub ref_events: Vec<RefEvent>,
    /// The label column of a DataFrame given as `ref_events`.
    pub ref_col: Option<String>,
    /// Whether the JS shows the y axis and its labels. Default: on for values and durations (their y axis is the
    /// data); for events only when there is no legend to name the rows (msticpy shows no y axis beside a legend).
    pub yaxis: Option<bool>,
    /// Vertical grid lines at the time ticks (default true).
    pub xgrid: bool,
    /// Horizontal grid lines at the rows or value ticks (default false).
    pub ygrid: bool,
    /// Values kind: the numeric column plotted against time (required for that kind).
    pub value_column: Option<String>,
    /// Values kind: how values are drawn (default `[vbar]`).
    #[serde(deserialize_with = "args::value_kinds")]
    pub kind: Vec<ValueKind>,
}

impl Default for TimelineOptions {
    fn default() -> Self {
        TimelineOptions {
            time_column: "TimeGenerated".into(),
            end_time_column: None,
            group_by: Vec::new(),
            source_columns: Vec::new(),
            title: None,
            height: None,
            width: 900,
            color: None,
            legend: None,
            range_tool: true,
            ref_time: None,
            ref_label: None,
            ref_events: Vec::new(),
            ref_col: None,
            yaxis: None,
            xgrid: true,
            ygrid: false,
            value_column: None,
            kind: vec![ValueKind::Vbar],
        }
    }
}

/// A group: a timeline row (events, duration) or series (values), and its legend entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupInfo {
    /// Its index (= row; group indices are what `View::hidden` and hits use).
    pub index: u32,
    /// Its key values as text, joined with " / "; `(null)` for a null key.
    pub label: String,
    /// Its colour as `#rrggbb`.
    pub color: String,
    /// Its colour as bytes.
    pub rgb: Rgb,
    /// Events drawn for it.
    pub count: u64,
    /// Its first event time (ns).
    pub first_ns: i64,
    /// Its last event time, or for the duration kind the latest end time (ns).
    pub last_ns: i64,
}

/// Everything about a timeline that does not depend on the view: what the JS needs to lay out the title, legend,
/// axes labels and footnotes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimelineLayout {
    pub kind: TimelineKind,
    /// The title to show.
    pub title: String,
    /// Suggested plot width and height in CSS pixels (options, or msticpy's auto height).
    pub width: u32,
    pub height: u32,
    /// Suggested height of the range tool's overview strip (msticpy: 20% of the plot, at least 120).
    pub overview_height: u32,
    pub range_tool: bool,
    pub legend: LegendPosition,
    pub yaxis: bool,
    pub xgrid: bool,
    pub ygrid: bool,
    /// Axis titles.
    pub x_label: String,
    pub y_label: String,
    pub time_column: String,
    pub group_by: Vec<String>,
    pub value_column: Option<String>,
    pub kinds: Vec<ValueKind>,
    /// Columns to show on hover, in order: the time column, the group columns, the value column, then
    /// `source_columns` (each once).
    pub hover_columns: Vec<String>,
    /// The groups, in row order: legend entries (label, colour, count).
    pub groups: Vec<GroupInfo>,
    /// Events drawn (all groups).
    pub events: u64,
    /// Rows skipped because their time was null or not a datetime.
    pub skipped_no_time: u64,
    /// Values kind: rows skipped because their value was null, NaN or infinite.
    pub skipped_no_value: u64,
    /// First and last event time (ns; absent with no events).
    pub data_start_ns: Option<i64>,
    pub data_end_ns: Option<i64>,
    /// The initial view: the data with 10% padding each side.
    pub view_start_ns: i64,
    pub view_end_ns: i64,
    /// How far the view may zoom out / pan: 10× the data span about its middle.
    pub extent_start_ns: i64,
    pub extent_end_ns: i64,
    /// The range tool's overview domain: the data with 15% padding each side.
    pub overview_start_ns: i64,
    pub overview_end_ns: i64,
    /// Values kind: the value axis domain (nice, including 0 for bars).
    pub value_min: Option<f64>,
    pub value_max: Option<f64>,
    /// Reference lines to draw (Rust draws the line, the JS its label).
    pub ref_lines: Vec<RefEvent>,
    /// Footnotes for the page: skipped rows, no data.
    pub notes: Vec<String>,
}

/// What to draw: a time window on a pixel size, with legend-hidden groups. Deserializable with every field but the
/// domain and size optional.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct View {
    /// Time domain (ns); inverted or narrower than 1 ms is fixed as [`TimeScale`] does.
    pub start_ns: i64,
    pub end_ns: i64,
    /// Buffer size in device pixels.
    pub width: u32,
    pub height: u32,
    /// Group indices the legend has turned off (not drawn, not hit).
    #[serde(default)]
    pub hidden: Vec<u32>,
    /// Device pixels per CSS pixel: marker sizes and line widths scale with it (default 1).
    #[serde(default = "one")]
    pub pixel_ratio: f64,
    /// The background, straight RGBA (default opaque white; `[0,0,0,0]` for transparent).
    #[serde(default = "white")]
    pub background: [u8; 4],
}

fn one() -> f64 {
    1.0
}

fn white() -> [u8; 4] {
    [255, 255, 255, 255]
}

impl View {
    /// A view of `[start_ns, end_ns]` on `width × height` pixels, nothing hidden, ratio 1, white background.
    pub fn new(start_ns: i64, end_ns: i64, width: u32, height: u32) -> View {
        View {
            start_ns,
            end_ns,
            width,
            height,
            hidden: Vec::new(),
            pixel_ratio: 1.0,
            background: [255, 255, 255, 255],
        }
    }

    /// The view of `scale`'s domain and width, `height` pixels high.
    pub fn of_scale(scale: &TimeScale, height: u32) -> View {
        View::new(
            scale.start(),
            scale.end(),
            scale.width().round().clamp(0.0, u32::MAX as f64) as u32,
            height,
        )
    }

    /// The time scale of this view (domain made valid, any position allowed).
    pub fn scale(&self) -> TimeScale {
        TimeScale::new(self.start_ns, self.end_ns, self.width as f64)
    }

    /// The pixel ratio, made sane (finite, 0.25–8).
    pub fn ratio(&self) -> f64 {
        if self.pixel_ratio.is_finite() {
            self.pixel_ratio.clamp(0.25, 8.0)
        } else {
            1.0
        }
    }

    /// Per group, whether it is drawn.
    pub(crate) fn visible(&self, groups: usize) -> Vec<bool> {
        let mut v = vec![true; groups];
        for &h in &self.hidden {
            if let Some(slot) = v.get_mut(h as usize) {
                *slot = false;
            }
        }
        v
    }
}

/// One group's events, sorted by time.
#[derive(Debug, Clone, Default)]
pub(crate) struct Series {
    pub times: Vec<i64>,
    pub rows: Vec<u32>,
    /// Values kind: the value of each event (finite).
    pub values: Vec<f64>,
    /// Values kind: min/max of `values` by blocks, for bars and lines over many events a pixel column.
    pub extremes: MinMax,
    /// Duration kind: the bar's ends.
    pub bar_start: i64,
    pub bar_end: i64,
}

/// Minimum and maximum of a value series by blocks of 32 and of 1024 values, so the extremes of any index range
/// cost at most ~130 steps however long it is.
#[derive(Debug, Clone, Default)]
pub(crate) struct MinMax {
    small: Vec<(f64, f64)>,
    large: Vec<(f64, f64)>,
}

const SMALL: usize = 32;
const LARGE: usize = 1024;

fn extremes(values: &[f64]) -> (f64, f64) {
    values.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
        (lo.min(v), hi.max(v))
    })
}

impl MinMax {
    pub fn new(values: &[f64]) -> MinMax {
        MinMax {
            small: values.chunks(SMALL).map(extremes).collect(),
            large: values.chunks(LARGE).map(extremes).collect(),
        }
    }

    /// `(min, max)` of `values[a..b]` (`values` being what this was built from), or `None` for an empty range.
    pub fn range(&self, values: &[f64], a: usize, b: usize) -> Option<(f64, f64)> {
        let b = b.min(values.len());
        if a >= b {
            return None;
        }
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        let mut take = |(l, h): (f64, f64)| {
            lo = lo.min(l);
            hi = hi.max(h);
        };
        let mut i = a;
        while i < b && !i.is_multiple_of(SMALL) {
            take((values[i], values[i]));
            i += 1;
        }
        while i + SMALL <= b && !i.is_multiple_of(LARGE) {
            take(
                self.small
                    .get(i / SMALL)
                    .copied()
                    .unwrap_or_else(|| extremes(&values[i..i + SMALL])),
            );
            i += SMALL;
        }
        while i + LARGE <= b {
            take(
                self.large
                    .get(i / LARGE)
                    .copied()
                    .unwrap_or_else(|| extremes(&values[i..i + LARGE])),
            );
            i += LARGE;
        }
        while i + SMALL <= b {
            take(
                self.small
                    .get(i / SMALL)
                    .copied()
                    .unwrap_or_else(|| extremes(&values[i..i + SMALL])),
            );
            i += SMALL;
        }
        take(extremes(&values[i..b]));
        Some((lo, hi))
    }
}

/// A prepared timeline: the layout and the per-group sorted time index that [`render`](Timeline::render),
/// [`hit_test`](Timeline::hit_test) and the tick functions work on.
#[derive(Debug, Clone)]
pub struct Timeline {
    layout: TimelineLayout,
    series: Vec<Series>,
    colors: Vec<Rgb>,
}

/// msticpy's auto plot height for `groups` rows (40 px a row, 25 beyond 15 rows, at least 300), capped at the
/// largest raster ([`MAX_SIDE`]).
pub fn auto_height(groups: usize) -> u32 {
    let per_row = if groups > 15 { 25 } else { 40 };
    (groups.min(100_000) as u32 * per_row).clamp(300, MAX_SIDE)
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The columns a timeline reads, checked: times (ns), values (values kind), end times (duration kind with an
/// `end_time_column`) and the single colour.
struct Columns {
    times: Vec<Option<i64>>,
    value_column: Option<String>,
    values: Option<Vec<Option<f64>>>,
    end_times: Option<Vec<Option<i64>>>,
    color: Rgb,
}

impl Columns {
    fn read(frame: &Frame, kind: TimelineKind, o: &TimelineOptions) -> Result<Columns> {
        let times = times_ns(frame, &o.time_column)?;
        for c in &o.source_columns {
            frame.column(c)?;
        }
        let value_column = match (kind, &o.value_column) {
            (TimelineKind::Values, Some(v)) => Some(v.clone()),
            (TimelineKind::Values, None) => {
                return Err(Error::invalid("a values timeline needs value_column (the numeric column to plot)"))
            }
            _ => None,
        };
        let values = match &value_column {
            Some(v) => Some(numbers(frame, v)?),
            None => None,
        };
        if kind == TimelineKind::Duration && o.group_by.is_empty() {
            return Err(Error::invalid("a duration timeline needs group_by (the columns whose values make the bars)"));
        }
        let end_times = match (kind, &o.end_time_column) {
            (TimelineKind::Duration, Some(c)) if c != &o.time_column => Some(times_ns(frame, c)?),
            _ => None,
        };
        let color = match &o.color {
            Some(c) => parse_color(c)?,
            None => NAVY,
        };
        Ok(Columns { times, value_column, values, end_times, color })
    }
}

/// Timed rows bucketed by group (unsorted), each group's latest end time, and the rows skipped.
struct Buckets {
    series: Vec<Series>,
    ends: Vec<Option<i64>>,
    skipped_no_time: u64,
    skipped_no_value: u64,
}

impl Buckets {
    /// Buckets the rows of `of_row` (their group) into `ngroups` series sized by a first count of rows a group.
    fn fill(of_row: &[u32], ngroups: usize, cols: &Columns) -> Buckets {
        let mut counts = vec![0usize; ngroups];
        for &g in of_row {
            if let Some(c) = counts.get_mut(g as usize) {
                *c += 1;
            }
        }
        let has_values = cols.values.is_some();
        let series = counts
            .iter()
            .map(|&c| Series {
                times: Vec::with_capacity(c),
                rows: Vec::with_capacity(c),
                values: Vec::with_capacity(if has_values { c } else { 0 }),
                ..Series::default()
            })
            .collect();
        let mut b = Buckets { series, ends: vec![None; ngroups], skipped_no_time: 0, skipped_no_value: 0 };
        for (i, (&g, t)) in of_row.iter().zip(&cols.times).enumerate() {
            let Some(t) = *t else {
                b.skipped_no_time += 1;
                continue;
            };
            let value = match &cols.values {
                Some(v) => match v.get(i).copied().flatten() {
                    Some(x) if x.is_finite() => Some(x),
                    _ => {
                        b.skipped_no_value += 1;
                        continue;
                    }
                },
                None => None,
            };
            let Some(s) = b.series.get_mut(g as usize) else { continue };
            s.times.push(t);
            s.rows.push(i as u32);
            if let Some(x) = value {
                s.values.push(x);
            }
            if let Some(Some(e)) = cols.end_times.as_ref().and_then(|v| v.get(i)) {
                let slot = &mut b.ends[g as usize];
                *slot = Some(slot.map_or(*e, |x: i64| x.max(*e)));
            }
        }
        b
    }
}

/// Each group sorted by time, with its bar ends; the groups that have events, with their labels.
fn sorted_groups(labels: Vec<String>, series: Vec<Series>, ends: Vec<Option<i64>>, values: bool) -> Vec<(String, Series)> {
    let mut kept: Vec<(String, Series)> = Vec::new();
    for ((label, mut s), end) in labels.into_iter().zip(series).zip(ends) {
        if s.times.is_empty() {
            continue;
        }
        if values {
            // Sort positions within the group, then gather rows and values from the group's own (small) arrays.
            let mut perm: Vec<u32> = (0..s.times.len() as u32).collect();
            sort_by_time(&mut s.times, &mut perm);
            s.rows = perm.iter().map(|&p| s.rows.get(p as usize).copied().unwrap_or(0)).collect();
            s.values = perm.iter().map(|&p| s.values.get(p as usize).copied().unwrap_or(0.0)).collect();
            s.extremes = MinMax::new(&s.values);
        } else {
            sort_by_time(&mut s.times, &mut s.rows);
        }
        let first = s.times.first().copied().unwrap_or(0);
        let last = s.times.last().copied().unwrap_or(0);
        s.bar_start = first;
        s.bar_end = end.map_or(last, |e| e.max(last));
        kept.push((label, s));
    }
    kept
}

/// The most groups (rows, legend entries) a timeline draws: 1,000 rows fill the tallest plot ([`MAX_SIDE`],
/// 16,384 px) at 16 px a row; more would be unreadable slivers and a legend nobody can use.
pub const MAX_GROUPS: usize = 1_000;

/// Keeps the `max` groups with the most events (ties: the earlier group), in their order; a note for the rest.
fn limit_groups(kept: Vec<(String, Series)>, max: usize) -> (Vec<(String, Series)>, Option<String>) {
    let total = kept.len();
    if total <= max {
        return (kept, None);
    }
    let mut order: Vec<usize> = (0..total).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(kept[i].1.times.len()), i));
    let mut keep = vec![false; total];
    for &i in &order[..max] {
        keep[i] = true;
    }
    let mut out = Vec::with_capacity(max);
    let mut left_events = 0u64;
    for ((label, s), k) in kept.into_iter().zip(keep) {
        if k {
            out.push((label, s));
        } else {
            left_events += s.times.len() as u64;
        }
    }
    let note = format!(
        "showing {max} of {total} groups (those with the most events): {} with {} are not drawn; filter the table \
         or group by a column with fewer values",
        plural((total - max) as u64, "group", "groups"),
        plural(left_events, "event", "events"),
    );
    (out, Some(note))
}

/// The legend entries of the kept groups.
fn group_infos(kept: &[(String, Series)], colors: &[Rgb]) -> Vec<GroupInfo> {
    kept.iter()
        .zip(colors)
        .enumerate()
        .map(|(i, ((label, s), &rgb))| GroupInfo {
            index: i as u32,
            label: label.clone(),
            color: hex(rgb),
            rgb,
            count: s.times.len() as u64,
            first_ns: s.bar_start,
            last_ns: s.bar_end,
        })
        .collect()
}

/// The time domains of a timeline: the data, the initial view, the zoom extent, the overview strip.
struct Domains {
    data_start: Option<i64>,
    data_end: Option<i64>,
    view: (i64, i64),
    extent: (i64, i64),
    overview: (i64, i64),
}

impl Domains {
    fn of(series: &[Series]) -> Domains {
        let data_start = series.iter().filter_map(|s| s.times.first().copied()).min();
        let data_end = series.iter().map(|s| s.bar_end).max();
        let (d0, d1) = match (data_start, data_end) {
            (Some(a), Some(b)) => (a, b),
            _ => (0, DAY),
        };
        Domains {
            data_start,
            data_end,
            view: initial_window(d0, d1, 0.1),
            extent: allowed_extent(d0, d1),
            overview: initial_window(d0, d1, 0.15),
        }
    }
}

/// Values kind: how values are drawn (default `[vbar]`); none for the other kinds.
fn value_kinds(kind: TimelineKind, o: &TimelineOptions) -> Vec<ValueKind> {
    match kind {
        TimelineKind::Values if o.kind.is_empty() => vec![ValueKind::Vbar],
        TimelineKind::Values => o.kind.clone(),
        _ => Vec::new(),
    }
}

/// Values kind: the value axis domain (nice, including 0 for bars).
fn value_domain(kind: TimelineKind, series: &[Series], kinds: &[ValueKind]) -> (Option<f64>, Option<f64>) {
    if kind != TimelineKind::Values {
        return (None, None);
    }
    let (lo, hi) = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let (a, b) = LinearScale::for_data(lo, hi, 1.0, 0.0, kinds.contains(&ValueKind::Vbar)).domain();
    (Some(a), Some(b))
}

/// msticpy's title of each kind.
fn title(kind: TimelineKind, o: &TimelineOptions) -> String {
    match (kind, &o.title) {
        (TimelineKind::Events, t) => format!("Timeline: {}", t.as_deref().unwrap_or("Events")),
        (TimelineKind::Values, Some(t)) => t.clone(),
        (TimelineKind::Values, None) => "Timeline".to_string(),
        (TimelineKind::Duration, Some(t)) => format!("Timeline: {t}"),
        (TimelineKind::Duration, None) => format!("Event Duration Timeline for {}", o.group_by.join(", ")),
    }
}

/// The legend position: the option, else left for several event rows, inline for grouped values, else none.
fn legend_position(kind: TimelineKind, legend: Option<LegendPosition>, groups: usize, grouped: bool) -> LegendPosition {
    match (kind, legend) {
        (TimelineKind::Duration, _) => LegendPosition::None,
        (_, Some(l)) => l,
        (TimelineKind::Events, None) if groups > 1 => LegendPosition::Left,
        (TimelineKind::Values, None) if grouped => LegendPosition::Inline,
        _ => LegendPosition::None,
    }
}

/// The time column, the group columns, the value column, then `source_columns`, each once.
fn hover_columns(o: &TimelineOptions, value_column: Option<&String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in std::iter::once(&o.time_column).chain(&o.group_by).chain(value_column).chain(&o.source_columns) {
        if !out.contains(c) {
            out.push(c.clone());
        }
    }
    out
}

/// `ref_time` (labelled `ref_label`, default `Ref time`) and `ref_events` (an empty label becomes `reference N`).
fn ref_lines(o: &TimelineOptions) -> Vec<RefEvent> {
    let reference = o.ref_time.map(|t| RefEvent { time_ns: t, label: o.ref_label.clone().unwrap_or_else(|| "Ref time".into()) });
    let events = o.ref_events.iter().enumerate().map(|(i, r)| RefEvent {
        time_ns: r.time_ns,
        label: if r.label.is_empty() { format!("reference {i}") } else { r.label.clone() },
    });
    reference.into_iter().chain(events).collect()
}

/// Footnotes: rows skipped, no data.
fn notes(skipped_no_time: u64, skipped_no_value: u64, events: u64) -> Vec<String> {
    let mut notes = Vec::new();
    if skipped_no_time > 0 {
        notes.push(format!("{} skipped", plural(skipped_no_time, "event without a time was", "events without a time were")));
    }
    if skipped_no_value > 0 {
        let what = plural(skipped_no_value, "event without a numeric value was", "events without a numeric value were");
        notes.push(format!("{what} skipped"));
    }
    if events == 0 {
        notes.push("No data to plot.".into());
    }
    notes
}

impl Timeline {
    /// `display_timeline`.
    pub fn events(frame: &Frame, options: &TimelineOptions) -> Result<Timeline> {
        Timeline::new(frame, TimelineKind::Events, options)
    }

    /// `display_timeline_values` (needs `value_column`).
    pub fn values(frame: &Frame, options: &TimelineOptions) -> Result<Timeline> {
        Timeline::new(frame, TimelineKind::Values, options)
    }

    /// `display_timeline_duration` (needs `group_by`).
    pub fn duration(frame: &Frame, options: &TimelineOptions) -> Result<Timeline> {
        Timeline::new(frame, TimelineKind::Duration, options)
    }

    /// Reads `frame` into a timeline of `kind`. Unknown columns give the frame's unknown-column error; a time column
    /// that is not a datetime, date or text, or a value column that is not numeric, is an error.
    pub fn new(frame: &Frame, kind: TimelineKind, options: &TimelineOptions) -> Result<Timeline> {
        let o = options;
        let cols = Columns::read(frame, kind, o)?;
        let single_label = match (&cols.value_column, &o.title) {
            (Some(v), _) => v.clone(),
            (None, Some(t)) if !t.is_empty() => t.clone(),
            _ => "Events".to_string(),
        };
        let groups = group_rows(frame, &o.group_by, &single_label)?;
        let buckets = Buckets::fill(&groups.of_row, groups.labels.len(), &cols);
        let kept = sorted_groups(groups.labels, buckets.series, buckets.ends, cols.values.is_some());
        let (kept, groups_note) = limit_groups(kept, MAX_GROUPS);
        let n = kept.len();
        let grouped = !o.group_by.is_empty();
        let colors: Vec<Rgb> = (0..n)
            .map(|i| if grouped && kind != TimelineKind::Duration { palette_color(i, n) } else { cols.color })
            .collect();
        let groups_info = group_infos(&kept, &colors);
        let series: Vec<Series> = kept.into_iter().map(|(_, s)| s).collect();
        let events: u64 = series.iter().map(|s| s.times.len() as u64).sum();
        let d = Domains::of(&series);
        let kinds = value_kinds(kind, o);
        let (value_min, value_max) = value_domain(kind, &series, &kinds);
        let legend = legend_position(kind, o.legend, n, grouped);
        let height = o.height.filter(|h| *h > 0).unwrap_or_else(|| auto_height(n));
        let layout = TimelineLayout {
            kind,
            title: title(kind, o),
            width: if o.width > 0 { o.width } else { 900 },
            height,
            overview_height: ((height as f64 * 0.2).round() as u32).max(120),
            range_tool: o.range_tool,
            legend,
            yaxis: o.yaxis.unwrap_or(match kind {
                TimelineKind::Events => matches!(legend, LegendPosition::None),
                TimelineKind::Values | TimelineKind::Duration => true,
            }),
            xgrid: o.xgrid,
            ygrid: o.ygrid,
            x_label: "Event Time".into(),
            y_label: match kind {
                TimelineKind::Values => cols.value_column.clone().unwrap_or_default(),
                TimelineKind::Duration => o.group_by.join(", "),
                TimelineKind::Events => String::new(),
            },
            time_column: o.time_column.clone(),
            group_by: o.group_by.clone(),
            hover_columns: hover_columns(o, cols.value_column.as_ref()),
            value_column: cols.value_column,
            kinds,
            groups: groups_info,
            events,
            skipped_no_time: buckets.skipped_no_time,
            skipped_no_value: buckets.skipped_no_value,
            data_start_ns: d.data_start,
            data_end_ns: d.data_end,
            view_start_ns: d.view.0,
            view_end_ns: d.view.1,
            extent_start_ns: d.extent.0,
            extent_end_ns: d.extent.1,
            overview_start_ns: d.overview.0,
            overview_end_ns: d.overview.1,
            value_min,
            value_max,
            ref_lines: ref_lines(o),
            notes: {
                let mut n = notes(buckets.skipped_no_time, buckets.skipped_no_value, events);
                n.extend(groups_note);
                if let Some(p) = &frame.partial {
                    n.insert(0, format!("Partial result — the service reported: {p}"));
                }
                n
            },
        };
        Ok(Timeline { layout, series, colors })
    }

    /// The view-independent layout: title, legend entries, extents, notes.
    pub fn layout(&self) -> &TimelineLayout {
        &self.layout
    }

    /// The number of groups (rows).
    pub fn group_count(&self) -> usize {
        self.series.len()
    }

    pub(crate) fn series(&self) -> &[Series] {
        &self.series
    }

    pub(crate) fn colors(&self) -> &[Rgb] {
        &self.colors
    }

    /// The scale the timeline opens with, `width` pixels wide: the initial view, allowed to zoom out to the extent.
    pub fn initial_scale(&self, width: f64) -> TimeScale {
        let l = &self.layout;
        TimeScale::with_extent(
            l.view_start_ns,
            l.view_end_ns,
            width,
            l.extent_start_ns,
            l.extent_end_ns,
        )
    }

    /// The initial view on `width × height` pixels.
    pub fn initial_view(&self, width: u32, height: u32) -> View {
        View::of_scale(&self.initial_scale(width as f64), height)
    }

    /// The range tool's overview scale, `width` pixels wide (the data with 15% padding).
    pub fn overview_scale(&self, width: f64) -> TimeScale {
        let l = &self.layout;
        TimeScale::with_extent(
            l.overview_start_ns,
            l.overview_end_ns,
            width,
            l.overview_start_ns,
            l.overview_end_ns,
        )
    }

    /// The height of one row in a plot `height` pixels high.
    pub fn row_height(&self, height: f64) -> f64 {
        row_height(height, self.series.len())
    }

    /// The y pixel of the centre of row `row` in a plot `height` pixels high.
    pub fn row_center(&self, row: u32, height: f64) -> f64 {
        (row as f64 + 0.5) * self.row_height(height)
    }

    /// Values kind: the value scale on a plot `height` device pixels high (4 CSS px padding top and bottom).
    pub fn value_scale(&self, height: f64, ratio: f64) -> LinearScale {
        let pad = (4.0 * ratio).min(height / 4.0).max(0.0);
        let (a, b) = (
            self.layout.value_min.unwrap_or(0.0),
            self.layout.value_max.unwrap_or(1.0),
        );
        LinearScale::new(a, b, height - pad, pad)
    }

    /// Time axis ticks for `view`.
    pub fn x_ticks(&self, view: &View) -> TimeTicks {
        view.scale().ticks()
    }

    /// Y axis ticks for `view`: the value ticks (values kind) or one tick a row at its centre labelled with the
    /// group label (`value` = the row index).
    pub fn y_ticks(&self, view: &View) -> Vec<Tick> {
        let h = view.height as f64;
        match self.layout.kind {
            TimelineKind::Values => {
                let max = ((h / 40.0).floor() as usize).clamp(2, MAX_TICKS);
                self.value_scale(h, view.ratio()).ticks(max)
            }
            _ => self
                .layout
                .groups
                .iter()
                .map(|g| Tick {
                    value: g.index as f64,
                    px: self.row_center(g.index, h),
                    label: g.label.clone(),
                })
                .collect(),
        }
    }
}

/// The height of one of `rows` rows in `height` pixels.
pub(crate) fn row_height(height: f64, rows: usize) -> f64 {
    if height.is_finite() && height > 0.0 {
        height / rows.max(1) as f64
    } else {
        0.0
    }
}

/// The half-height and half-width of an event diamond in a row `row_h` high: Bokeh's diamond of `size` CSS pixels
/// (half-width = half-height / 1.5), shrunk to fit the row.
pub(crate) fn diamond_size(size: f64, row_h: f64, ratio: f64) -> (i64, i64) {
    let want = (size / 2.0 * ratio).round();
    let fit = (row_h * 0.45).floor();
    let ry = want.min(fit).max(1.0) as i64;
    let rx = ((ry as f64) / 1.5).round().max(1.0) as i64;
    (ry, rx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_extremes_match_a_scan() {
        let values: Vec<f64> = (0..5000).map(|i| ((i * 7919) % 4999) as f64 - 2500.0).collect();
        let mm = MinMax::new(&values);
        for (a, b) in [
            (0, 5000),
            (1, 4999),
            (31, 33),
            (32, 64),
            (1000, 3100),
            (4096, 5000),
            (17, 17),
            (4999, 6000),
            (7000, 8000),
        ] {
            let want = (a < b.min(5000)).then(|| extremes(&values[a..b.min(5000)]));
            assert_eq!(mm.range(&values, a, b), want, "{a}..{b}");
        }
        assert_eq!(
            MinMax::default().range(&values, 10, 20),
            Some(extremes(&values[10..20]))
        );
    }

    #[test]
    fn sizes_and_names() {
        assert_eq!(
            (auto_height(1), auto_height(10), auto_height(15), auto_height(16)),
            (300, 400, 600, 400)
        );
        assert_eq!(auto_height(usize::MAX), MAX_SIDE);
        assert_eq!(diamond_size(10.0, 100.0, 1.0), (5, 3));
        assert_eq!(diamond_size(10.0, 100.0, 2.0), (10, 7));
        assert_eq!(diamond_size(10.0, 4.0, 1.0), (1, 1));
        assert_eq!(diamond_size(10.0, 0.0, 1.0), (1, 1));
        assert_eq!(LegendPosition::from_name(" Right ").unwrap(), LegendPosition::Right);
        assert_eq!(ValueKind::from_name("circle").unwrap(), ValueKind::Circle);
        assert!(ValueKind::from_name("pie").is_err());
        assert!(TimelineKind::from_name("gantt").is_err());
        let v = View {
            hidden: vec![1, 7],
            ..View::new(0, 10, 1, 1)
        };
        assert_eq!(v.visible(3), [true, false, true]);
        assert_eq!(
            View {
                pixel_ratio: -1.0,
                ..v.clone()
            }
            .ratio(),
            0.25
        );
        assert_eq!(row_height(f64::NAN, 3), 0.0);
        assert_eq!(row_height(300.0, 0), 300.0);
        assert_eq!(plural(1, "event was", "events were"), "1 event was");
        let o: TimelineOptions = serde_json::from_str(
            r#"{"group_by":["Result"],"kind":"line","legend":"right","ref_events":[{"time":"1970-01-01T00:00:00.000000005Z","label":"x"}]}"#,
        )
        .unwrap();
        assert_eq!(
            (o.kind, o.legend, o.time_column.as_str(), o.width),
            (vec![ValueKind::Line], Some(LegendPosition::Right), "TimeGenerated", 900)
        );
        assert_eq!(o.ref_events, [RefEvent { time_ns: 5, label: "x".into() }]);
        let o: TimelineOptions = serde_json::from_str(r#"{"kind":["vbar","circle"]}"#).unwrap();
        assert_eq!(o.kind, [ValueKind::Vbar, ValueKind::Circle]);
        assert!(serde_json::from_str::<TimelineOptions>(r#"{"kind":"pie"}"#).is_err());
        let v: View = serde_json::from_str(r#"{"start_ns":1,"end_ns":2,"width":3,"height":4}"#).unwrap();
        assert_eq!(v, View::new(1, 2, 3, 4));
    }
}
