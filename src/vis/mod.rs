//! Visualisation (issue #6): the numeric core of the Tour's event timelines and quick charts, drawn on `<canvas>`.
//!
//! msticpy draws timelines with Bokeh, which bogs down past ~10^5 events. Here the split is:
//!
//! * **Rust** (this module) does everything numeric and every event pixel: time and value scales with ticks and
//!   their label text ([`scale`]), grouping a [`Frame`](crate::frame::Frame) into timeline rows with colours and legend
//!   entries ([`timeline`]), rasterising the event layer of a view into straight RGBA bytes for `ImageData`
//!   ([`raster`]), hit-testing for hover and the range tool's drag arithmetic ([`hit`]), and the geometry of quick
//!   bar / pie / line / histogram charts ([`charts`]).
//! * **JS** owns the DOM, pointer and wheel events, and draws all text with the 2D canvas API: the title, axis tick
//!   labels (their text and pixel positions come from here), the legend (entries come from here), tooltips (the
//!   source rows come from [`hit`]; the JS escapes nothing because it only sets `textContent`), reference-line labels
//!   and the range tool's selection box over the overview strip.
//!
//! Options objects are read by the one options reader, [`crate::options::read`], into the option structs here
//! ([`TimelineOptions`], [`charts::BarOptions`], …), which are their one definition; `args` has the readers of their
//! values (a name or a list, pixel sizes, times as epoch ms or ISO text, legend positions).
//!
//! A [`timeline::Timeline`] holds the prepared data (one time-sorted index per group), so a redraw after a zoom or a
//! pan is `render(view)` on that index: binary searches for the visible window and one stamp per pixel column.
//!
//! Every public number is a plain type (`i64` nanoseconds since the epoch, `f64` pixels, `u32` sizes and row
//! indices, `Vec<u8>` RGBA), and the output structs derive `Serialize`, so a thin wasm binding can expose them.
//! Nothing here panics on any input: empty data, zero-width views, a single event, NaN values and `i64` extremes
//! all give a (possibly blank) result or an [`Error`](crate::error::Error).

pub(crate) mod args;
pub mod charts;
pub mod color;
mod data;
pub mod hit;
pub mod raster;
pub mod scale;
pub mod timeline;
pub mod warm;

pub use charts::{bar_chart, histogram, line_chart, pie_chart};
pub use hit::{Hit, Hits, RangeHandle};
pub use raster::Raster;
pub use scale::{LinearScale, TimeScale, TimeTicks};
pub use timeline::{ref_events_of, Timeline, TimelineKind, TimelineLayout, TimelineOptions, View};
pub use warm::warm_up;
