// Types of js/analysis.js (re-exported by index.d.ts).
export {};
