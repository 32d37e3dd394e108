// Visualisation: canvas event timelines and quick charts (wraps the wasm `vis` bindings).
//
// timeline / timelineValues / timelineDuration → an interactive element (hover, zoom, pan, range tool, PNG);
// barChart / pieChart / lineChart / histogram → a chart element; TimelineModel → the same timelines without a DOM.

export { timeline, timelineValues, timelineDuration } from "./timeline.js";
export { barChart, pieChart, lineChart, histogram } from "./charts.js";
export { TimelineModel, timelineModel } from "./model.js";
