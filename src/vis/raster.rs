//! Rasterising a timeline view into straight (not premultiplied) RGBA bytes for a canvas `ImageData`.
//!
//! The buffer is the plot area only, `width × height` device pixels, top row first; the JS draws axes, labels, the
//! legend and tooltips around and over it with the 2D canvas API.
//!
//! **Who draws what.** Our own tight loops write straight into the buffer: event diamonds (events, duration), value
//! circles, the overview strip's ticks, value bars, duration bars, and the steep pieces of value lines (a column's
//! min–max, a step to the next column) as bands of the line's width. plotters' generic polygon path costs far too much
//! per marker for 10^6 events, and its per-pixel fill of an RGBA buffer made the bars of a 10^6-value view take
//! ~17 ms. plotters' [`BitMapBackend`] draws the rest on the same buffer, with the straight-RGBA [`Rgba`] pixel format
//! defined here (plotters 0.3 ships only RGB and BGRX): grid lines, dashed reference lines, and the longer segments
//! of value lines (anti-aliased, 2 px, clipped to the buffer first).
//!
//! **Speed.** Each group's events are sorted by time (see [`Timeline`]), so a view binary-searches its time window
//! and never looks at events outside it. Inside, events that fall in a pixel column already drawn are skipped with an
//! exponential search to the next column's first event: a row costs O(visible pixel columns × log n), not O(events).
//! Diamonds of one row remember how far right each scanline is filled, so overlapping stamps never repaint a pixel.
//! Bars and lines reduce each pixel column to its first/min/max/last value, the min/max from per-block extremes
//! (O(1) a column, not O(events)). Circles (whose y varies) visit every visible event once, setting a bit a centre;
//! the bit mask is dilated by the disc with word shifts and each covered pixel painted once.
//!
//! **Colours.** All marks are opaque: msticpy's translucent glyphs are drawn as their colour blended over the
//! background (value marks at its alpha 0.7, duration bars at 0.4, reference lines at 0.5), except event diamonds,
//! which keep the full group colour so a lone event stays visible. The result therefore looks the same whether or not
//! the page composites it over white. On a transparent background (alpha 0) the colour channels of untouched pixels
//! are white, so anti-aliased line edges fade to white, not black.

use plotters::backend::{BitMapBackend, DrawingBackend, PixelFormat};
use plotters::style::{RGBAColor, ShapeStyle};

use crate::error::{Error, Result};

use super::color::{tint, Rgb};
use super::scale::{LinearScale, TimeScale};
use super::timeline::{diamond_size, row_height, Series, Timeline, TimelineKind, ValueKind, View};

/// The widest or tallest buffer allowed, in pixels (the largest canvas browsers allow).
pub const MAX_SIDE: u32 = 16_384;
/// The most pixels a buffer may hold (2^25: 128 MiB of RGBA).
pub const MAX_PIXELS: u64 = 1 << 25;

/// Grid line colour (Bokeh's default grid).
const GRID: Rgb = [0xe5, 0xe5, 0xe5];
/// Reference line colour (red at msticpy's alpha 0.5, blended over the background).
const REF_RED: Rgb = [0xff, 0x00, 0x00];

/// A rasterised layer: `width × height` straight RGBA pixels, rows top to bottom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Raster {
    pub width: u32,
    pub height: u32,
    /// `width × height × 4` bytes, ready for `new ImageData(new Uint8ClampedArray(rgba), width, height)`.
    pub rgba: Vec<u8>,
    /// Events inside the view's time window in the groups drawn.
    pub visible_events: u64,
}

impl Raster {
    /// The RGBA of pixel `(x, y)`, if it is inside.
    pub fn pixel(&self, x: u32, y: u32) -> Option<[u8; 4]> {
        if x >= self.width || y >= self.height {
            return None;
        }
        let i = (y as usize * self.width as usize + x as usize) * 4;
        let p = self.rgba.get(i..i + 4)?;
        Some([p[0], p[1], p[2], p[3]])
    }
}

/// plotters pixel format for straight RGBA: every pixel plotters touches becomes opaque (alpha 255), and partial
/// coverage blends the colour channels toward the mark's colour.
pub struct Rgba;

impl PixelFormat for Rgba {
    const PIXEL_SIZE: usize = 4;
    const EFFECTIVE_PIXEL_SIZE: usize = 4;

    #[inline(always)]
    fn byte_at(r: u8, g: u8, b: u8, _a: u64, idx: usize) -> u8 {
        match idx {
            0 => r,
            1 => g,
            2 => b,
            _ => 0xff,
        }
    }

    fn decode_pixel(data: &[u8]) -> (u8, u8, u8, u64) {
        let at = |i: usize| data.get(i).copied().unwrap_or(0);
        (at(0), at(1), at(2), at(3) as u64)
    }

    fn blend_rect_fast(
        target: &mut BitMapBackend<'_, Self>,
        upper_left: (i32, i32),
        bottom_right: (i32, i32),
        r: u8,
        g: u8,
        b: u8,
        a: f64,
    ) {
        let (w, h) = target.get_size();
        let x0 = upper_left.0.min(bottom_right.0).max(0);
        let y0 = upper_left.1.min(bottom_right.1).max(0);
        let x1 = upper_left.0.max(bottom_right.0).min(w as i32);
        let y1 = upper_left.1.max(bottom_right.1).min(h as i32);
        let a = if a.is_finite() { a.clamp(0.0, 1.0) } else { 1.0 };
        for y in y0..y1 {
            for x in x0..x1 {
                Self::draw_pixel(target, (x, y), (r, g, b), a);
            }
        }
    }

    fn fill_rect_fast(
        target: &mut BitMapBackend<'_, Self>,
        upper_left: (i32, i32),
        bottom_right: (i32, i32),
        r: u8,
        g: u8,
        b: u8,
    ) {
        Self::blend_rect_fast(target, upper_left, bottom_right, r, g, b, 1.0);
    }
}

/// An RGBA buffer being drawn.
pub(crate) struct Canvas {
    pub w: usize,
    pub h: usize,
    pub buf: Vec<u8>,
    /// The background colour marks are blended over (white when the background is transparent).
    pub under: Rgb,
}

impl Canvas {
    /// A `w × h` canvas filled with `background`; too large a size is an error.
    pub fn new(w: u32, h: u32, background: [u8; 4]) -> Result<Canvas> {
        if w > MAX_SIDE || h > MAX_SIDE || w as u64 * h as u64 > MAX_PIXELS {
            return Err(Error::invalid(format!(
                "a {w}×{h} image is too large (at most {MAX_SIDE} pixels a side and {MAX_PIXELS} pixels)"
            )));
        }
        let under: Rgb = if background[3] == 0 {
            [255, 255, 255]
        } else {
            [background[0], background[1], background[2]]
        };
        let px = [under[0], under[1], under[2], background[3]];
        let buf = px.repeat(w as usize * h as usize);
        Ok(Canvas {
            w: w as usize,
            h: h as usize,
            buf,
            under,
        })
    }

    pub fn into_raster(self, visible_events: u64) -> Raster {
        Raster {
            width: self.w as u32,
            height: self.h as u32,
            rgba: self.buf,
            visible_events,
        }
    }

    /// Fills pixels `x0..=x1` of row `y` (clipped).
    #[inline]
    pub fn span(&mut self, y: i64, x0: i64, x1: i64, c: [u8; 4]) {
        if y < 0 || y >= self.h as i64 {
            return;
        }
        let a = x0.max(0);
        let b = x1.min(self.w as i64 - 1);
        if a > b {
            return;
        }
        let row = y as usize * self.w;
        let (s, e) = ((row + a as usize) * 4, (row + b as usize + 1) * 4);
        if let Some(px) = self.buf.get_mut(s..e) {
            for p in px.chunks_exact_mut(4) {
                p.copy_from_slice(&c);
            }
        }
    }

    /// Fills the rectangle `x0..=x1 × y0..=y1` (clipped).
    pub fn rect(&mut self, x0: i64, y0: i64, x1: i64, y1: i64, c: [u8; 4]) {
        for y in y0.max(0)..=y1.min(self.h as i64 - 1) {
            self.span(y, x0, x1, c);
        }
    }

    /// Runs `f` with a plotters backend drawing on this canvas.
    pub fn plot(&mut self, f: impl FnOnce(&mut BitMapBackend<'_, Rgba>)) {
        let size = (self.w as u32, self.h as u32);
        if size.0 == 0 || size.1 == 0 {
            return;
        }
        if let Ok(mut backend) = BitMapBackend::<Rgba>::with_buffer_and_format(&mut self.buf, size) {
            f(&mut backend);
        }
    }
}

fn opaque(c: Rgb) -> [u8; 4] {
    [c[0], c[1], c[2], 255]
}

fn style(c: Rgb, stroke: u32) -> ShapeStyle {
    ShapeStyle {
        color: RGBAColor(c[0], c[1], c[2], 1.0),
        filled: true,
        stroke_width: stroke.max(1),
    }
}

/// A pixel coordinate as `i32`, clamped well outside any buffer (NaN → far outside).
fn coord(v: f64) -> i32 {
    if v.is_nan() {
        return -100_000;
    }
    v.round().clamp(-100_000.0, 100_000.0) as i32
}

/// The segment clipped to `[xmin, xmax] × [ymin, ymax]` (Liang–Barsky), or `None` if it lies outside or is not finite.
pub(crate) fn clip_segment(
    p: (f64, f64),
    q: (f64, f64),
    xmin: f64,
    ymin: f64,
    xmax: f64,
    ymax: f64,
) -> Option<((f64, f64), (f64, f64))> {
    if ![p.0, p.1, q.0, q.1].iter().all(|v| v.is_finite()) {
        return None;
    }
    let (dx, dy) = (q.0 - p.0, q.1 - p.1);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (pk, qk) in [(-dx, p.0 - xmin), (dx, xmax - p.0), (-dy, p.1 - ymin), (dy, ymax - p.1)] {
        if pk == 0.0 {
            if qk < 0.0 {
                return None;
            }
        } else {
            let r = qk / pk;
            if pk < 0.0 {
                t0 = t0.max(r);
            } else {
                t1 = t1.min(r);
            }
        }
    }
    if t0 > t1 {
        return None;
    }
    Some(((p.0 + t0 * dx, p.1 + t0 * dy), (p.0 + t1 * dx, p.1 + t1 * dy)))
}

/// Draws a segment with plotters, clipped to the canvas (plus a margin for the line width).
fn line(b: &mut BitMapBackend<'_, Rgba>, p: (f64, f64), q: (f64, f64), c: Rgb, stroke: u32) {
    let (w, h) = b.get_size();
    let m = stroke as f64 + 2.0;
    if let Some((p, q)) = clip_segment(p, q, -m, -m, w as f64 + m, h as f64 + m) {
        let _ = b.draw_line((coord(p.0), coord(p.1)), (coord(q.0), coord(q.1)), &style(c, stroke));
    }
}

/// Indices `[i0, i1)` of `times` within `[t0, t1]`.
pub(crate) fn window(times: &[i64], t0: i64, t1: i64) -> (usize, usize) {
    let i0 = times.partition_point(|&t| t < t0);
    let i1 = times.partition_point(|&t| t <= t1).max(i0);
    (i0, i1)
}

/// The first index in `[from, to)` whose time is at least `target` (exponential then binary search), else `to`.
#[inline]
pub(crate) fn gallop(times: &[i64], from: usize, to: usize, target: i64) -> usize {
    let to = to.min(times.len());
    if from >= to || times[from] >= target {
        return from.min(to);
    }
    let mut lo = from; // times[lo] < target
    let mut step = 1;
    let mut hi = from + 1;
    while hi < to && times[hi] < target {
        lo = hi;
        step *= 2;
        hi = lo.saturating_add(step);
    }
    let hi = hi.min(to);
    lo + 1 + times[lo + 1..hi].partition_point(|&t| t < target)
}

/// Pixel columns of the events of `times` in `[i0, i1)`: calls `f(px)` once per distinct column, in order, skipping
/// the other events of a column by galloping.
pub(crate) fn for_each_column(times: &[i64], i0: usize, i1: usize, scale: &TimeScale, mut f: impl FnMut(i64)) {
    let mut i = i0;
    let mut last = i64::MIN;
    let i1 = i1.min(times.len());
    while i < i1 {
        let px = scale.to_px(times[i]).floor() as i64;
        if px != last {
            f(px);
            last = px;
        }
        let next = scale.to_time(px.saturating_add(1) as f64);
        i = gallop(times, i + 1, i1, next);
    }
}

/// Like [`for_each_column`], with the index range `[a, b)` of the column's events: `f(px, a, b)`.
pub(crate) fn for_each_column_range(
    times: &[i64],
    i0: usize,
    i1: usize,
    scale: &TimeScale,
    mut f: impl FnMut(i64, usize, usize),
) {
    let mut i = i0;
    let i1 = i1.min(times.len());
    while i < i1 {
        let px = scale.to_px(times[i]).floor() as i64;
        let next = scale.to_time(px.saturating_add(1) as f64);
        let j = gallop(times, i + 1, i1, next);
        f(px, i, j);
        i = j;
    }
}

/// Stamps a row of diamonds (half-height `ry`, half-width `rx`) centred on `cy` at the pixel columns of `times`
/// visible on `scale`.
fn diamond_row(c: &mut Canvas, times: &[i64], scale: &TimeScale, cy: i64, ry: i64, rx: i64, color: [u8; 4]) {
    let margin = rx as f64 + 1.0;
    let (i0, i1) = window(times, scale.to_time(-margin), scale.to_time(c.w as f64 + margin));
    let ry = ry.max(0);
    let hw: Vec<i64> = (-ry..=ry)
        .map(|dy| {
            if ry == 0 {
                rx
            } else {
                ((rx * (ry - dy.abs())) as f64 / ry as f64).round() as i64
            }
        })
        .collect();
    let mut filled = vec![i64::MIN; hw.len()];
    for_each_column(times, i0, i1, scale, |px| {
        for (k, dy) in (-ry..=ry).enumerate() {
            let a = (px - hw[k]).max(filled[k].saturating_add(1));
            let b = px + hw[k];
            if a <= b {
                c.span(cy + dy, a, b, color);
                filled[k] = b;
            }
        }
    });
}

/// Half-widths of a disc of radius `r` by row offset.
fn disc(r: i64) -> Vec<i64> {
    (-r..=r)
        .map(|dy| (((r * r - dy * dy) as f64).sqrt()).round() as i64)
        .collect()
}

/// Events in `[start, end]` of the drawn groups.
fn visible_events(series: &[Series], visible: &[bool], scale: &TimeScale) -> u64 {
    series
        .iter()
        .zip(visible)
        .filter(|(_, v)| **v)
        .map(|(s, _)| {
            let (a, b) = window(&s.times, scale.start(), scale.end());
            (b - a) as u64
        })
        .sum()
}

impl Timeline {
    /// Draws the plot area of `view`: grid, duration bars / value marks / event diamonds of the groups not hidden,
    /// and reference lines. Sizes beyond [`MAX_SIDE`]/[`MAX_PIXELS`] are an error; a zero size gives an empty raster.
    pub fn render(&self, view: &View) -> Result<Raster> {
        let mut c = Canvas::new(view.width, view.height, view.background)?;
        let scale = view.scale();
        let series = self.series();
        let visible = view.visible(series.len());
        let visible_count = visible_events(series, &visible, &scale);
        if c.w == 0 || c.h == 0 {
            return Ok(c.into_raster(visible_count));
        }
        let ratio = view.ratio();
        let (w, h) = (c.w as f64, c.h as f64);
        let kind = self.layout().kind;
        let rows = series.len();
        let row_h = row_height(h, rows);
        let value_scale = self.value_scale(h, ratio);

        // Grid.
        let layout = self.layout();
        let ticks = scale.ticks();
        let ygrid: Vec<f64> = match kind {
            _ if !layout.ygrid => Vec::new(),
            TimelineKind::Values => self.y_ticks(view).iter().map(|t| t.px).collect(),
            _ => (0..rows).map(|r| (r as f64 + 0.5) * row_h).collect(),
        };
        c.plot(|b| {
            if layout.xgrid {
                for t in &ticks.ticks {
                    let x = t.px.round();
                    line(b, (x, 0.0), (x, h - 1.0), GRID, 1);
                }
            }
            for y in &ygrid {
                let y = y.round();
                line(b, (0.0, y), (w - 1.0, y), GRID, 1);
            }
        });

        let colors = self.colors();
        match kind {
            TimelineKind::Events | TimelineKind::Duration => {
                let size = if kind == TimelineKind::Events { 10.0 } else { 6.0 };
                let (ry, rx) = diamond_size(size, row_h, ratio);
                for (g, s) in series.iter().enumerate() {
                    if !visible[g] {
                        continue;
                    }
                    let color = colors.get(g).copied().unwrap_or([0, 0, 0]);
                    let cy = ((g as f64 + 0.5) * row_h).floor();
                    if kind == TimelineKind::Duration {
                        let half = (row_h * 0.15).max(1.0 * ratio);
                        let (x0, x1) = (scale.to_px(s.bar_start), scale.to_px(s.bar_end));
                        let (x0, x1) = (x0.floor().min(x1.floor() - 1.0), x1.floor().max(x0.floor() + 1.0));
                        let fill = opaque(tint(color, c.under, 0.4));
                        let (y0, y1) = (coord(cy - half) as i64, coord(cy + half) as i64);
                        c.rect(coord(x0) as i64, y0, coord(x1) as i64, y1, fill);
                    }
                    diamond_row(&mut c, &s.times, &scale, cy as i64, ry, rx, opaque(color));
                }
            }
            TimelineKind::Values => {
                let tints: Vec<Rgb> = colors.iter().map(|&col| tint(col, c.under, 0.7)).collect();
                if layout.kinds.contains(&ValueKind::Vbar) {
                    value_bars(&mut c, series, &visible, &tints, &scale, &value_scale, ratio);
                }
                for (g, s) in series.iter().enumerate() {
                    if !visible[g] {
                        continue;
                    }
                    let color = tints.get(g).copied().unwrap_or([0, 0, 0]);
                    for k in &layout.kinds {
                        match k {
                            ValueKind::Vbar => {}
                            ValueKind::Line => value_line(&mut c, s, &scale, &value_scale, color, ratio),
                            ValueKind::Circle => value_circles(&mut c, s, &scale, &value_scale, color, ratio),
                        }
                    }
                }
            }
        }

        // Reference lines on top: dashed, red at half strength.
        let red = tint(REF_RED, c.under, 0.5);
        let dash = (4.0 * ratio).round().max(1.0);
        let stroke = ratio.round().max(1.0) as u32;
        c.plot(|b| {
            for r in &layout.ref_lines {
                let x = scale.to_px(r.time_ns).floor();
                if !(-1.0..=w).contains(&x) {
                    continue;
                }
                let mut y = 0.0;
                while y < h {
                    line(b, (x, y), (x, (y + dash - 1.0).min(h - 1.0)), red, stroke);
                    y += 2.0 * dash;
                }
            }
        });
        Ok(c.into_raster(visible_count))
    }

    /// Draws the range tool's overview strip: every event of every group over the overview domain
    /// ([`Timeline::overview_scale`]) as a short tick in its group's row. The selection box is the JS's to draw
    /// (it moves with the pointer without a redraw here).
    pub fn render_overview(&self, width: u32, height: u32, background: [u8; 4]) -> Result<Raster> {
        let mut c = Canvas::new(width, height, background)?;
        let scale = self.overview_scale(width as f64);
        let series = self.series();
        let all = vec![true; series.len()];
        let count = visible_events(series, &all, &scale);
        if c.w == 0 || c.h == 0 {
            return Ok(c.into_raster(count));
        }
        let row_h = row_height(c.h as f64, series.len());
        let half = ((row_h * 0.3).round() as i64).clamp(0, 4);
        for (g, s) in series.iter().enumerate() {
            let color = opaque(self.colors().get(g).copied().unwrap_or([0, 0, 0]));
            let cy = ((g as f64 + 0.5) * row_h).floor() as i64;
            let (i0, i1) = window(&s.times, scale.start(), scale.end());
            for_each_column(&s.times, i0, i1, &scale, |px| {
                c.rect(px, cy - half, px, cy + half, color)
            });
        }
        Ok(c.into_raster(count))
    }
}

/// Index window of `s` on `scale` with `margin` pixels each side, plus one event beyond each end (for lines).
fn value_window(s: &Series, scale: &TimeScale, w: f64, margin: f64) -> (usize, usize) {
    window(&s.times, scale.to_time(-margin), scale.to_time(w + margin))
}

/// Bars from 0 to the value, 3 CSS px wide, one per pixel column (the column's extremes), for every visible group;
/// later groups cover earlier ones. Every bar contains the zero line, so what is already covered in a pixel column
/// is one interval: groups are drawn last to first and each pixel is painted once.
fn value_bars(
    c: &mut Canvas,
    series: &[Series],
    visible: &[bool],
    colors: &[Rgb],
    scale: &TimeScale,
    ys: &LinearScale,
    ratio: f64,
) {
    let half = (1.5 * ratio - 0.5).round().max(0.0) as i64;
    let (w, h) = (c.w as i64, c.h as i64);
    let base = ys.to_px(0.0);
    let mut covered: Vec<(i64, i64)> = vec![(i64::MAX, i64::MIN); c.w]; // (top, bottom), empty when top > bottom
    for (g, s) in series.iter().enumerate().rev() {
        if !visible.get(g).copied().unwrap_or(false) {
            continue;
        }
        let fill = opaque(colors.get(g).copied().unwrap_or([0, 0, 0]));
        let (i0, i1) = value_window(s, scale, w as f64, half as f64 + 1.0);
        let mut paint = |x: i64, y0: i64, y1: i64| {
            for y in y0.max(0)..=y1.min(h - 1) {
                let p = ((y * w + x) * 4) as usize;
                if let Some(px) = c.buf.get_mut(p..p + 4) {
                    px.copy_from_slice(&fill);
                }
            }
        };
        for_each_column_range(&s.times, i0, i1, scale, |col, a, b| {
            let Some((lo, hi)) = s.extremes.range(&s.values, a, b) else {
                return;
            };
            let top = coord(ys.to_px(hi.max(0.0)).min(base)) as i64;
            let bottom = coord(ys.to_px(lo.min(0.0)).max(base)) as i64;
            for x in (col - half).max(0)..=(col + half).min(w - 1) {
                let Some(cov) = covered.get_mut(x as usize) else {
                    continue;
                };
                let (ct, cb) = *cov;
                if ct > cb {
                    paint(x, top, bottom);
                    *cov = (top, bottom);
                } else {
                    if top < ct {
                        paint(x, top, ct - 1);
                    }
                    if bottom > cb {
                        paint(x, cb + 1, bottom);
                    }
                    *cov = (ct.min(top), cb.max(bottom));
                }
            }
        });
    }
}

/// A 2 px line through the values in time order; each pixel column is reduced to its first, min, max and last value.
fn value_line(c: &mut Canvas, s: &Series, scale: &TimeScale, ys: &LinearScale, color: Rgb, ratio: f64) {
    let w = c.w;
    let (i0, i1) = value_window(s, scale, w as f64, 0.0);
    let n = s.times.len().min(s.values.len());
    // first, last, min, max per column
    let mut cols: Vec<Option<[f64; 4]>> = vec![None; w];
    for_each_column_range(&s.times, i0, i1.min(n), scale, |px, a, b| {
        if px < 0 || px as usize >= w {
            return;
        }
        let Some((lo, hi)) = s.extremes.range(&s.values, a, b) else {
            return;
        };
        let (first, last) = (s.values[a], s.values[b - 1]);
        let slot = &mut cols[px as usize];
        *slot = Some(match *slot {
            None => [first, last, lo, hi],
            Some([f, _, l, h]) => [f, last, l.min(lo), h.max(hi)],
        });
    });
    let point = |i: usize| (scale.to_px(s.times[i]), ys.to_px(s.values[i]));
    let before = (i0 > 0 && i0 <= n).then(|| point(i0 - 1));
    let after = (i1 < n).then(|| point(i1));
    let stroke = (2.0 * ratio).round().max(1.0) as u32;
    // Steep pieces (a column's min–max, a step between neighbouring columns) are filled bands of the line's width;
    // only the longer segments between sparse points go through plotters' anti-aliased lines.
    let width = stroke as i64;
    let mut bands: Vec<(f64, f64, f64)> = Vec::new(); // (x, y0, y1)
    let mut segments: Vec<((f64, f64), (f64, f64))> = Vec::new();
    let mut join = |p: (f64, f64), q: (f64, f64)| {
        if (q.0 - p.0).abs() <= 1.5 {
            bands.push((p.0.min(q.0), p.1, q.1));
        } else {
            segments.push((p, q));
        }
    };
    let mut prev = before;
    for (x, col) in cols.iter().enumerate() {
        let Some([first, last, lo, hi]) = col else { continue };
        let x = x as f64 + 0.5;
        if let Some(p) = prev {
            join(p, (x, ys.to_px(*first)));
        }
        if lo < hi {
            join((x, ys.to_px(*lo)), (x, ys.to_px(*hi)));
        }
        prev = Some((x, ys.to_px(*last)));
    }
    if let (Some(p), Some(q)) = (prev, after) {
        join(p, q);
    }
    let fill = opaque(color);
    let half = (width - 1) / 2;
    for (x, y0, y1) in bands {
        let x0 = coord(x.floor()) as i64 - half;
        let (ya, yb) = (
            coord(y0.min(y1) - (width as f64) / 2.0) as i64,
            coord(y0.max(y1) + (width as f64) / 2.0) as i64,
        );
        c.rect(x0, ya, x0 + width - 1, yb.max(ya + width - 1), fill);
    }
    c.plot(|b| {
        for (p, q) in segments {
            line(b, p, q, color, stroke);
        }
    });
}

/// Circles of msticpy's size 4 at each value. Dense data is common here (every event of the view is visited), so the
/// circles are not stamped one by one: the visible centres go into a bit mask (with a margin of a radius), the mask
/// is dilated by the disc a row at a time with word shifts, and the covered pixels are painted once.
fn value_circles(c: &mut Canvas, s: &Series, scale: &TimeScale, ys: &LinearScale, color: Rgb, ratio: f64) {
    let r = (2.0 * ratio).round().clamp(1.0, 32.0) as i64;
    let hw = disc(r);
    let (w, h) = (c.w as i64, c.h as i64);
    let (mw, mh) = (w + 2 * r, h + 2 * r); // mask size with a margin of r on every side
    let words = (mw as usize).div_ceil(64);
    let mut centres = vec![0u64; words * mh as usize];
    let mut row_used = vec![false; mh as usize];
    let (i0, i1) = value_window(s, scale, w as f64, r as f64 + 1.0);
    // to_px and ys.to_px as one multiply-add each (the hot loop visits every visible event).
    let kx = if scale.span() > 0 {
        w as f64 / scale.span() as f64
    } else {
        0.0
    };
    let (d0, d1) = ys.domain();
    let (r0, r1) = ys.range();
    let ky = (r1 - r0) / (d1 - d0);
    let start = scale.start();
    for i in i0..i1.min(s.times.len()).min(s.values.len()) {
        // Inside the window an offset from the start fits in i64 unless the view spans more than ~146 years.
        let off = s.times[i]
            .checked_sub(start)
            .map_or_else(|| (s.times[i] as i128 - start as i128) as f64, |d| d as f64);
        let x = (off * kx).floor() + r as f64;
        let y = (r0 + (s.values[i] - d0) * ky).floor() + r as f64;
        if x >= 0.0 && y >= 0.0 && x < mw as f64 && y < mh as f64 {
            let (x, y) = (x as usize, y as usize);
            centres[y * words + x / 64] |= 1 << (x % 64);
            row_used[y] = true;
        }
    }
    let fill = opaque(color);
    let mut out = vec![0u64; words];
    for y in 0..h {
        out.fill(0);
        let mut any = false;
        for (k, dy) in (-r..=r).enumerate() {
            let sy = (y + r - dy) as usize; // the mask row whose discs reach row y at offset dy
            if !row_used.get(sy).copied().unwrap_or(false) {
                continue;
            }
            any = true;
            let src = &centres[sy * words..(sy + 1) * words];
            for shift in -hw[k]..=hw[k] {
                or_shifted(&mut out, src, shift);
            }
        }
        if !any {
            continue;
        }
        for (i, &word) in out.iter().enumerate() {
            let mut bits = word;
            while bits != 0 {
                let x = (i * 64 + bits.trailing_zeros() as usize) as i64 - r;
                bits &= bits - 1;
                if (0..w).contains(&x) {
                    let p = ((y * w + x) * 4) as usize;
                    if let Some(px) = c.buf.get_mut(p..p + 4) {
                        px.copy_from_slice(&fill);
                    }
                }
            }
        }
    }
}

/// `out |= src` shifted by `shift` bits towards higher bit positions (negative: lower), `|shift| < 64`.
fn or_shifted(out: &mut [u64], src: &[u64], shift: i64) {
    let n = out.len().min(src.len());
    if shift == 0 {
        for i in 0..n {
            out[i] |= src[i];
        }
    } else if shift > 0 {
        let b = shift as u32;
        for i in 0..n {
            let carry = if i > 0 { src[i - 1] >> (64 - b) } else { 0 };
            out[i] |= (src[i] << b) | carry;
        }
    } else {
        let b = (-shift) as u32;
        for i in 0..n {
            let carry = if i + 1 < n { src[i + 1] << (64 - b) } else { 0 };
            out[i] |= (src[i] >> b) | carry;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gallop_matches_a_linear_search() {
        let times: Vec<i64> = vec![1, 1, 2, 5, 5, 5, 5, 9, 12, 12, 40, 41, 41, 100];
        for from in 0..=times.len() {
            for to in from..=times.len() + 2 {
                for target in -1..=101 {
                    let want = (from..to.min(times.len()))
                        .find(|&i| times[i] >= target)
                        .unwrap_or(to.min(times.len()));
                    assert_eq!(gallop(&times, from, to, target), want, "{from} {to} {target}");
                }
            }
        }
        assert_eq!(window(&times, 5, 12), (3, 10));
        assert_eq!(window(&times, 50, 10), (13, 13));
    }

    #[test]
    fn one_call_per_pixel_column() {
        let scale = TimeScale::new(0, 1_000_000_000, 10.0); // 100 ms a pixel
        let times: Vec<i64> = (0..1000)
            .map(|i| i * 1_000_000)
            .chain([950_000_000, 999_999_999])
            .collect();
        let mut sorted = times.clone();
        sorted.sort();
        let mut cols = Vec::new();
        for_each_column(&sorted, 0, sorted.len(), &scale, |px| cols.push(px));
        assert_eq!(cols, (0..10).collect::<Vec<i64>>());
    }

    #[test]
    fn circles_match_naive_stamping() {
        let times: Vec<i64> = (0..400).map(|i| i * 2_500_000 - 20_000_000).collect(); // some off the left/right edges
        let values: Vec<f64> = (0..400).map(|i| ((i * 37) % 23) as f64 - 3.0).collect(); // some above/below
        let s = Series {
            rows: (0..400).collect(),
            times,
            values,
            ..Series::default()
        };
        let scale = TimeScale::new(0, 1_000_000_000, 97.0);
        let ys = LinearScale::new(0.0, 16.0, 40.0, 0.0);
        for ratio in [1.0, 2.0, 3.3] {
            let mut c = Canvas::new(97, 40, [255; 4]).unwrap();
            value_circles(&mut c, &s, &scale, &ys, [1, 2, 3], ratio);
            let mut want = Canvas::new(97, 40, [255; 4]).unwrap();
            let r = (2.0 * ratio).round() as i64;
            let hw = disc(r);
            for (t, v) in s.times.iter().zip(&s.values) {
                let x = ((*t as i128 - scale.start() as i128) as f64 * 97.0 / scale.span() as f64).floor() as i64;
                let y = ys.to_px(*v).floor() as i64;
                for (k, dy) in (-r..=r).enumerate() {
                    want.span(y + dy, x - hw[k], x + hw[k], [1, 2, 3, 255]);
                }
            }
            assert!(c.buf == want.buf, "ratio {ratio}");
            assert!(c.buf.chunks(4).any(|p| p == [1, 2, 3, 255]));
        }
    }

    #[test]
    fn bars_paint_later_groups_over_earlier_ones() {
        let mk = |times: Vec<i64>, values: Vec<f64>| {
            let extremes = super::super::timeline::MinMax::new(&values);
            Series {
                rows: (0..times.len() as u32).collect(),
                times,
                values,
                extremes,
                ..Series::default()
            }
        };
        let ms = 1_000_000;
        let series = vec![
            mk(vec![0, 10 * ms, 11 * ms, 30 * ms], vec![5.0, -3.0, 9.0, 2.0]),
            mk(vec![10 * ms, 20 * ms, 31 * ms], vec![4.0, -1.0, -8.0]),
            mk(vec![29 * ms], vec![1.0]),
        ];
        let scale = TimeScale::new(0, 40 * ms, 40.0); // 1 ms a pixel
        let ys = LinearScale::new(-10.0, 10.0, 40.0, 0.0); // 2 px a unit, zero at y 20
        let colors = [[1, 1, 1], [2, 2, 2], [3, 3, 3]];
        let mut c = Canvas::new(40, 40, [255; 4]).unwrap();
        value_bars(&mut c, &series, &[true, true, true], &colors, &scale, &ys, 1.0);
        // The naive way: every bar of every group in order, overwriting.
        let mut want = Canvas::new(40, 40, [255; 4]).unwrap();
        for (g, s) in series.iter().enumerate() {
            let mut cols: Vec<Option<(f64, f64)>> = vec![None; 40];
            for (t, v) in s.times.iter().zip(&s.values) {
                let x = scale.to_px(*t).floor() as usize;
                cols[x] = Some(cols[x].map_or((*v, *v), |(lo, hi): (f64, f64)| (lo.min(*v), hi.max(*v))));
            }
            for (x, col) in cols.iter().enumerate() {
                let Some((lo, hi)) = col else { continue };
                let top = ys.to_px(hi.max(0.0)).min(20.0).round() as i64;
                let bottom = ys.to_px(lo.min(0.0)).max(20.0).round() as i64;
                let k = colors[g];
                want.rect(x as i64 - 1, top, x as i64 + 1, bottom, [k[0], k[1], k[2], 255]);
            }
        }
        assert!(c.buf == want.buf);
        let r = c.into_raster(0);
        assert_eq!(r.pixel(11, 3), Some([1, 1, 1, 255])); // group 0's 9 at 11 ms rises above group 1's 4 at 10 ms
        assert_eq!(r.pixel(10, 15), Some([2, 2, 2, 255]));
        assert_eq!(r.pixel(30, 19), Some([3, 3, 3, 255])); // group 2 at 29 ms covers group 0 at 30 ms
    }

    #[test]
    fn clipping() {
        assert_eq!(
            clip_segment((-10.0, 5.0), (20.0, 5.0), 0.0, 0.0, 10.0, 10.0),
            Some(((0.0, 5.0), (10.0, 5.0)))
        );
        assert_eq!(clip_segment((-10.0, -5.0), (-1.0, 50.0), 0.0, 0.0, 10.0, 10.0), None);
        assert_eq!(clip_segment((f64::NAN, 0.0), (1.0, 1.0), 0.0, 0.0, 10.0, 10.0), None);
        let big = clip_segment((-1e6, -1e6), (1e6, 1e6), 0.0, 0.0, 10.0, 10.0).unwrap();
        assert!((big.0 .0).abs() < 1e-6 && (big.1 .1 - 10.0).abs() < 1e-6);
        assert!(clip_segment((-1e300, -1e300), (1e300, 1e300), 0.0, 0.0, 10.0, 10.0).is_some());
    }

    #[test]
    fn canvas_and_plotters_rgba() {
        assert!(Canvas::new(MAX_SIDE + 1, 1, [0; 4]).is_err());
        assert!(Canvas::new(MAX_SIDE, MAX_SIDE, [0; 4]).is_err());
        let mut c = Canvas::new(8, 4, [0, 0, 0, 0]).unwrap();
        assert_eq!(c.buf[..4], [255, 255, 255, 0]);
        c.plot(|b| {
            line(b, (-50.0, 1.0), (50.0, 1.0), [10, 20, 30], 1);
            let _ = b.draw_rect((6, 2), (100, 100), &style([1, 2, 3], 1), true);
        });
        let r = c.into_raster(0);
        assert_eq!(r.pixel(0, 1), Some([10, 20, 30, 255]));
        assert_eq!(r.pixel(7, 1), Some([10, 20, 30, 255]));
        assert_eq!(r.pixel(6, 3), Some([1, 2, 3, 255]));
        assert_eq!(r.pixel(5, 3), Some([255, 255, 255, 0]));
        assert_eq!(r.pixel(8, 0), None);
        let mut c = Canvas::new(5, 5, [255; 4]).unwrap();
        c.rect(-3, 1, 1, 100, [9, 9, 9, 255]);
        c.span(-1, 0, 4, [1, 1, 1, 255]);
        c.span(2, 10, 3, [1, 1, 1, 255]);
        let r = c.into_raster(0);
        assert_eq!(
            (r.pixel(1, 4), r.pixel(2, 4), r.pixel(0, 0)),
            (Some([9, 9, 9, 255]), Some([255; 4]), Some([255; 4]))
        );
        assert_eq!(disc(2), [0, 2, 2, 2, 0]);
        let mut out = vec![0u64; 2];
        or_shifted(&mut out, &[1 << 63, 1], 1);
        assert_eq!(out, [0, 0b11]); // bit 63 → 64, bit 64 → 65
        let mut out = vec![0u64; 2];
        or_shifted(&mut out, &[1, 1], -1);
        assert_eq!(out, [1 << 63, 0]);
    }
}
