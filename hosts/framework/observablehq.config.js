// Observable Framework config for the huntbook Tour page (hosts/framework/build.sh builds it offline).
// Nothing is loaded from a CDN: no Google Fonts (globalStylesheets: []), every library is imported from this folder's
// node_modules (bare specifiers in src/index.md, never `npm:`), so `_npm/` stays empty and the build needs no network.
export default {
  root: "src",
  output: "../../dist/hosts/framework",
  title: "huntbook Tour",
  globalStylesheets: [],
  style: "style.css",
  sidebar: false,
  pager: false,
  search: false,
  toc: false,
  head: '<link rel="icon" href="data:,">', // no /favicon.ico request (a 404 in the console)
  footer: "huntbook Tour, built with Observable Framework.",
};
