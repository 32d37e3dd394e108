//! Visualisation: scales, ticks, timeline layouts, rasteriser and charts (issue #6). Not built yet.
