// Demo enrichment: answers without keys or the internet, for the demo workspace.
//
// `useDemoEnrichment(true)` (the Tour calls it after `loadDemo()`) makes the enrichment calls answer from demo
// sources instead of the real services: TI lookups from the demo ThreatIntelligenceIndicator table, geolocation
// from the generated demo mmdb beside the wasm, whois and DNS from recorded demo answers. Every frame such a call
// returns has `demo === true`, so a page can say plainly which answers are demo answers.

let demo = false;

/** Turns demo enrichment on (default) or off; returns the new setting. */
export function useDemoEnrichment(on = true) {
  demo = Boolean(on);
  return demo;
}

/** Whether enrichment answers from demo sources. */
export function demoEnrichment() {
  return demo;
}

/** Marks a result frame (or object) as a demo answer when demo enrichment is on; returns it. */
export function markDemo(result, isDemo = demo) {
  if (isDemo && result && typeof result === "object") result.demo = true;
  return result;
}
