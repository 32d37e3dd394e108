//! Warming the timeline code up on a small synthetic table, so a notebook's first large timeline runs at full speed.
//!
//! Browsers run WebAssembly first with a baseline compiler and re-compile a function with the optimising one only
//! after it has run for a while, in the background; a call already running keeps its baseline code. So the first
//! `timeline()` over 10^6 events would group and sort them all in baseline code (about 2× slower) although every
//! later one is fast. Running the same functions once on ~16,000 events right after the module loads (the JS does
//! it when the page is idle) lets the optimised code be ready by the time real data has been loaded.

use polars::prelude::*;

use super::timeline::{Timeline, TimelineKind, TimelineOptions, View};
use crate::error::{PolarsContext, Result};
use crate::frame::Frame;

/// Rows of the synthetic table.
const ROWS: usize = 16_384;

/// Builds, renders, overviews and hit-tests a grouped events timeline and a values timeline of a synthetic table.
/// Returns the number of events drawn (for a test to check the work was done).
pub fn warm_up() -> Result<u64> {
    let frame = synthetic()?;
    let options = TimelineOptions {
        group_by: vec!["Result".into()],
        source_columns: vec!["UserPrincipalName".into()],
        value_column: Some("Bytes".into()),
        ..TimelineOptions::default()
    };
    let mut drawn = 0;
    for kind in [TimelineKind::Events, TimelineKind::Values] {
        let timeline = Timeline::new(&frame, kind, &options)?;
        let layout = timeline.layout();
        let view = View::new(layout.view_start_ns, layout.view_end_ns, 900, 400);
        drawn += timeline.render(&view)?.visible_events;
        timeline.render_overview(900, 120, [255, 255, 255, 255])?;
        timeline.hit_test(&view, 450.0, 200.0, 3.0, 10);
    }
    Ok(drawn)
}

/// A sign-in-shaped table in no particular time order: TimeGenerated (ns), Result (8 values), UserPrincipalName,
/// Bytes.
fn synthetic() -> Result<Frame> {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    const START: i64 = 1_700_000_000_000_000_000;
    const SPAN: u64 = 30 * 86_400_000_000_000;
    let results = ["Success", "Failed", "Interrupted", "MFA required", "Blocked", "Expired", "Locked", "Other"];
    let mut times = Vec::with_capacity(ROWS);
    let mut groups = Vec::with_capacity(ROWS);
    let mut users = Vec::with_capacity(ROWS);
    let mut bytes = Vec::with_capacity(ROWS);
    for _ in 0..ROWS {
        let r = next();
        times.push(START + (r % SPAN) as i64);
        groups.push(results[(r >> 40) as usize % results.len()]);
        users.push(format!("user{}@contoso.com", (r >> 20) % 400));
        bytes.push((r >> 8) as f64 % 100_000.0);
    }
    let t = Int64Chunked::from_vec("TimeGenerated".into(), times)
        .into_datetime(TimeUnit::Nanoseconds, None)
        .into_series()
        .into_column();
    let columns = vec![
        t,
        Column::new("Result".into(), groups),
        Column::new("UserPrincipalName".into(), users),
        Column::new("Bytes".into(), bytes),
    ];
    let df = DataFrame::new(ROWS, columns).context("building the warm-up table")?;
    Ok(Frame::new("warm-up", df))
}

#[cfg(test)]
mod tests {
    #[test]
    fn warm_up_draws_every_event_twice() {
        // Events and values kinds, full view: every synthetic event is drawn in each.
        assert_eq!(super::warm_up().unwrap(), 2 * super::ROWS as u64);
    }
}
