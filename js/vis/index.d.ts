// Types of js/vis/index.js (re-exported by index.d.ts).
export {};
