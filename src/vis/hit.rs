//! Hover hit-testing and the range tool's drag arithmetic.
//!
//! [`Timeline::hit_test`] takes a pointer position in the view's buffer pixels (CSS pixels × `pixel_ratio`) and
//! returns the events under it or nearest to it within a tolerance, nearest first, as row indices into the source
//! frame — the JS shows their `hover_columns` (setting `textContent`, so nothing needs escaping). For events and
//! duration timelines the row comes from `y` and the events from a binary search of that group's time index, so a
//! hover costs O(log n + hits) however dense the data; between rows nothing is hit. For values timelines every
//! visible group is searched around `x` and hits are ranked by distance to the mark (anywhere on a bar counts).
//!
//! The range tool's selection box lives on the overview strip ([`Timeline::overview_scale`]); [`range_handle_at`]
//! says which part of it a pointer is on and [`drag_range`] turns a drag into the new main view, kept inside the
//! overview domain, at least 1 ms wide and never inverted.

use serde::{Deserialize, Serialize};

use super::raster::window;
use super::scale::{clamp_window, sat, TimeScale, MIN_SPAN_NS};
use super::timeline::{diamond_size, row_height, Timeline, TimelineKind, ValueKind, View};

/// One event under the pointer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    /// The group (row / series) index.
    pub group: u32,
    /// The row index in the source frame.
    pub row: u32,
    /// The event time (ns).
    pub time_ns: i64,
    /// Values kind: the event's value.
    pub value: Option<f64>,
    /// The mark's centre in buffer pixels.
    pub x: f64,
    pub y: f64,
    /// Distance from the pointer to the mark's centre (for bars: horizontally), in buffer pixels.
    pub distance: f64,
}

/// What is under the pointer.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Hits {
    /// The nearest events, nearest first (at most the `max_hits` asked for).
    pub hits: Vec<Hit>,
    /// How many events are within the tolerance (may exceed `hits.len()`: "and N more").
    pub total: u64,
    /// Events and duration: the group row under the pointer when it is on a mark or on a duration bar.
    pub group: Option<u32>,
}

impl Timeline {
    /// The events within `radius_px` (plus the marker's own size) of pointer `(x, y)` in `view`, nearest first, at
    /// most `max_hits` of them. Hidden groups are never hit. Non-finite coordinates hit nothing.
    pub fn hit_test(&self, view: &View, x: f64, y: f64, radius_px: f64, max_hits: usize) -> Hits {
        if !x.is_finite() || !y.is_finite() || view.width == 0 || view.height == 0 {
            return Hits::default();
        }
        let radius = if radius_px.is_finite() {
            radius_px.clamp(0.0, 1000.0)
        } else {
            0.0
        };
        match self.layout().kind {
            TimelineKind::Values => self.hit_values(view, x, y, radius, max_hits),
            kind => self.hit_rows(view, kind, x, y, radius, max_hits),
        }
    }

    fn hit_rows(&self, view: &View, kind: TimelineKind, x: f64, y: f64, radius: f64, max_hits: usize) -> Hits {
        let series = self.series();
        let h = view.height as f64;
        let row_h = row_height(h, series.len());
        if row_h <= 0.0 || y < 0.0 || y >= h {
            return Hits::default();
        }
        let g = (y / row_h).floor() as usize;
        let (Some(s), true) = (
            series.get(g),
            view.visible(series.len()).get(g).copied().unwrap_or(false),
        ) else {
            return Hits::default();
        };
        let ratio = view.ratio();
        let size = if kind == TimelineKind::Events { 10.0 } else { 6.0 };
        let (ry, rx) = diamond_size(size, row_h, ratio);
        let cy = ((g as f64 + 0.5) * row_h).floor();
        let scale = view.scale();
        let dy = (y - cy).abs();
        let mut out = Hits::default();
        if dy <= ry as f64 + radius {
            let col = x.floor();
            let tol = rx as f64 + radius.round();
            let (i0, i1) = window(
                &s.times,
                scale.to_time(col - tol),
                scale.to_time(col + tol + 1.0).saturating_sub(1),
            );
            out.total = (i1 - i0) as u64;
            // Nearest first: walk outwards from the pointer's time.
            let t = scale.to_time(x);
            let split = i0 + s.times[i0..i1].partition_point(|&e| e < t);
            let (mut left, mut right) = (split, split); // next candidates: left - 1, right
            while out.hits.len() < max_hits && (left > i0 || right < i1) {
                let take_left = match (left > i0, right < i1) {
                    (true, true) => t.abs_diff(s.times[left - 1]) <= s.times[right].abs_diff(t),
                    (l, _) => l,
                };
                let i = if take_left {
                    left -= 1;
                    left
                } else {
                    right += 1;
                    right - 1
                };
                let px = scale.to_px(s.times[i]).floor();
                out.hits.push(Hit {
                    group: g as u32,
                    row: s.rows.get(i).copied().unwrap_or(0),
                    time_ns: s.times[i],
                    value: None,
                    x: px,
                    y: cy,
                    distance: (px - x).hypot(cy - y),
                });
            }
        }
        let on_bar = kind == TimelineKind::Duration && {
            let half = (row_h * 0.15).max(ratio);
            let (x0, x1) = (scale.to_px(s.bar_start).floor(), scale.to_px(s.bar_end).floor());
            dy <= half + radius && x >= x0.min(x1 - 1.0) - radius && x <= x1.max(x0 + 1.0) + 1.0 + radius
        };
        if !out.hits.is_empty() || on_bar {
            out.group = Some(g as u32);
        }
        out
    }

    fn hit_values(&self, view: &View, x: f64, y: f64, radius: f64, max_hits: usize) -> Hits {
        let series = self.series();
        let visible = view.visible(series.len());
        let ratio = view.ratio();
        let scale = view.scale();
        let ys = self.value_scale(view.height as f64, ratio);
        let kinds = &self.layout().kinds;
        let bars = kinds.contains(&ValueKind::Vbar);
        let mark = if bars {
            (1.5 * ratio - 0.5).round().max(0.0)
        } else {
            (2.0 * ratio).round().max(1.0)
        };
        let tol = mark + radius;
        let base = ys.to_px(0.0);
        let mut found: Vec<(f64, usize, usize)> = Vec::new();
        for (g, s) in series.iter().enumerate() {
            if !visible.get(g).copied().unwrap_or(false) {
                continue;
            }
            let (i0, i1) = window(&s.times, scale.to_time(x - tol - 1.0), scale.to_time(x + tol + 1.0));
            for i in i0..i1.min(s.values.len()) {
                let px = scale.to_px(s.times[i]).floor() + 0.5;
                let py = ys.to_px(s.values[i]);
                let dx = (px - x).abs();
                if dx > tol + 0.5 {
                    continue;
                }
                let on_bar = bars && y >= py.min(base) - radius && y <= py.max(base) + radius;
                let d = if on_bar { dx } else { dx.hypot(py - y) };
                if on_bar || d <= tol + 0.5 {
                    found.push((d, g, i));
                }
            }
        }
        let total = found.len() as u64;
        let keep = max_hits.min(found.len());
        if keep < found.len() && keep > 0 {
            found.select_nth_unstable_by(keep - 1, |a, b| a.0.total_cmp(&b.0));
        }
        found.truncate(keep);
        found.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        let hits = found
            .into_iter()
            .filter_map(|(d, g, i)| {
                let s = series.get(g)?;
                Some(Hit {
                    group: g as u32,
                    row: *s.rows.get(i)?,
                    time_ns: *s.times.get(i)?,
                    value: s.values.get(i).copied(),
                    x: scale.to_px(s.times[i]).floor() + 0.5,
                    y: ys.to_px(s.values[i]),
                    distance: d,
                })
            })
            .collect();
        Hits {
            hits,
            total,
            group: None,
        }
    }
}

/// The part of the range tool's selection box under the pointer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RangeHandle {
    /// Not on the box: nothing to drag (a click may recentre the box with [`center_range_at`]).
    Outside,
    /// On the left edge: dragging resizes the start.
    Left,
    /// On the right edge: dragging resizes the end.
    Right,
    /// Inside the box: dragging moves it.
    Inside,
}

/// A time range (ns).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TimeRange {
    pub start_ns: i64,
    pub end_ns: i64,
}

/// `[start, end]` made a valid range in `[lo, hi]`: ordered, at least 1 ms wide (or the whole of `[lo, hi]` if that
/// is narrower), no wider than `[lo, hi]`, and moved (not shrunk) to lie inside it.
pub fn clamp_range(start_ns: i64, end_ns: i64, lo: i64, hi: i64) -> TimeRange {
    let (s, e) = clamp_window(
        start_ns as i128,
        end_ns as i128,
        lo as i128,
        hi as i128,
        MIN_SPAN_NS as i128,
    );
    TimeRange {
        start_ns: sat(s),
        end_ns: sat(e),
    }
}

/// Which part of the selection `[sel_start, sel_end]` drawn on `overview` is under pointer `x`: an edge within
/// `tolerance_px` (the nearer one), else inside or outside.
pub fn range_handle_at(
    overview: &TimeScale,
    sel_start_ns: i64,
    sel_end_ns: i64,
    x: f64,
    tolerance_px: f64,
) -> RangeHandle {
    if !x.is_finite() {
        return RangeHandle::Outside;
    }
    let tol = if tolerance_px.is_finite() {
        tolerance_px.clamp(0.0, 100.0)
    } else {
        0.0
    };
    let (a, b) = (
        overview.to_px(sel_start_ns.min(sel_end_ns)),
        overview.to_px(sel_start_ns.max(sel_end_ns)),
    );
    if x > a + tol && x < b - tol {
        return RangeHandle::Inside;
    }
    let (dl, dr) = ((x - a).abs(), (x - b).abs());
    if dl.min(dr) <= tol {
        return if dl < dr || (dl == dr && x < (a + b) / 2.0) {
            RangeHandle::Left
        } else {
            RangeHandle::Right
        };
    }
    if x > a && x < b {
        RangeHandle::Inside
    } else {
        RangeHandle::Outside
    }
}

/// The selection after dragging `handle` by `dx_px` pixels on `overview`, from the selection `[start, end]` at the
/// start of the drag: `Inside` moves it (span kept, stopped at the overview's domain), `Left`/`Right` move that edge
/// (stopped at the domain and 1 ms from the other edge, never crossing it), `Outside` leaves it. The result is always
/// a valid range inside the overview's domain.
pub fn drag_range(overview: &TimeScale, handle: RangeHandle, start_ns: i64, end_ns: i64, dx_px: f64) -> TimeRange {
    let (lo, hi) = (overview.start() as i128, overview.end() as i128);
    let (s, e) = clamp_window(
        start_ns.min(end_ns) as i128,
        start_ns.max(end_ns) as i128,
        lo,
        hi,
        MIN_SPAN_NS as i128,
    );
    let d = if dx_px.is_finite() {
        (dx_px.clamp(-1e9, 1e9) * overview.ns_per_px())
            .clamp(-3e19, 3e19)
            .round() as i128
    } else {
        0
    };
    let min = (MIN_SPAN_NS as i128).min(hi - lo);
    let (s, e) = match handle {
        RangeHandle::Outside => (s, e),
        RangeHandle::Inside => {
            let d = d.clamp(lo - s, hi - e);
            (s + d, e + d)
        }
        RangeHandle::Left => ((s + d).clamp(lo, (e - min).max(lo)), e),
        RangeHandle::Right => (s, (e + d).clamp((s + min).min(hi), hi)),
    };
    let (s, e) = clamp_window(s, e, lo, hi, MIN_SPAN_NS as i128);
    TimeRange {
        start_ns: sat(s),
        end_ns: sat(e),
    }
}

/// The selection `[start, end]` moved so its middle is at pointer `x` on `overview` (a click outside the box),
/// kept inside the overview's domain.
pub fn center_range_at(overview: &TimeScale, start_ns: i64, end_ns: i64, x: f64) -> TimeRange {
    let (lo, hi) = (overview.start(), overview.end());
    let r = clamp_range(start_ns, end_ns, lo, hi);
    if !x.is_finite() {
        return r;
    }
    let span = r.end_ns as i128 - r.start_ns as i128;
    let mid = overview.to_time(x) as i128;
    let (s, e) = clamp_window(
        mid - span / 2,
        mid - span / 2 + span,
        lo as i128,
        hi as i128,
        MIN_SPAN_NS as i128,
    );
    TimeRange {
        start_ns: sat(s),
        end_ns: sat(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_of_a_tiny_box() {
        let ov = TimeScale::new(0, 1_000_000, 1000.0); // 1 µs a pixel
        let us = 1_000;
        // A 2 px box: the edges win; the nearer edge is chosen.
        assert_eq!(range_handle_at(&ov, 500 * us, 502 * us, 499.0, 3.0), RangeHandle::Left);
        assert_eq!(range_handle_at(&ov, 500 * us, 502 * us, 503.0, 3.0), RangeHandle::Right);
        assert_eq!(
            range_handle_at(&ov, 502 * us, 500 * us, 501.0, 0.0),
            RangeHandle::Inside
        );
        assert_eq!(
            range_handle_at(&ov, 500 * us, 502 * us, 510.0, 3.0),
            RangeHandle::Outside
        );
    }

    #[test]
    fn ranges_are_always_valid() {
        for (a, b, lo, hi) in [
            (5, 5, 0, 10),
            (10, 0, 0, 10),
            (i64::MIN, i64::MIN, i64::MIN, i64::MIN),
            (3, 4, 10, 0),
        ] {
            let r = clamp_range(a, b, lo, hi);
            assert!(
                r.start_ns <= r.end_ns && r.start_ns >= lo.min(hi) && r.end_ns <= lo.max(hi),
                "{r:?}"
            );
        }
        assert_eq!(
            clamp_range(5, 5, 0, 10),
            TimeRange {
                start_ns: 0,
                end_ns: 10
            }
        ); // narrower than 1 ms: all of it
    }
}
