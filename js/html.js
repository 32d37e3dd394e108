// DOM helpers: turning huntbook's escaped HTML into elements, with a small stylesheet scoped by class prefix.
// Only called when an element is asked for, so importing huntbook never touches `document`.
// A wide table's columns beyond the first window-widths are shown a frame later (showColumnsLater).
// Only cells huntbook marks `huntbook-long` (more than 40 characters, src/frame/html.rs CLIP_CHARS) are capped at
// 40em with an ellipsis: clipping every cell of a wide table cost a quarter of its paint in Chromium.

const CSS = `
.huntbook-frame { max-width: 100%; overflow: auto; font: 12px/1.4 system-ui, sans-serif; }
.huntbook-frame .huntbook-caption { color: #555; margin: 2px 0 4px; }
.huntbook-table { border-collapse: collapse; }
.huntbook-table th, .huntbook-table td { border-bottom: 1px solid #ddd; padding: 2px 8px; text-align: left;
  white-space: nowrap; vertical-align: top; }
.huntbook-table .huntbook-long { max-width: 40em; overflow: hidden; text-overflow: ellipsis; }
.huntbook-table th { position: sticky; top: 0; background: #f6f6f6; }
.huntbook-table td.huntbook-null { background: #fafafa; }
.huntbook-first .huntbook-later { display: none; }
.huntbook-more { color: #777; font-style: italic; margin-top: 4px; }
.huntbook-partial { background: #fff4e5; border-left: 4px solid #e67700; color: #5c3c00; padding: 4px 8px; margin: 2px 0 4px; }
`;

/** Adds stylesheet `css` to `doc` once (per document), under element id `id`. */
export function ensureStyle(doc, id, css) {
  if (doc.getElementById(id)) return;
  const style = doc.createElement("style");
  style.id = id;
  style.textContent = css;
  (doc.head || doc.documentElement).appendChild(style);
}

/** A `<div class="huntbook-frame">` holding huntbook's already-escaped table HTML and a caption. */
export function tableElement(html, df) {
  const doc = globalThis.document;
  if (!doc) throw new Error("toElement() needs a DOM (a page or Observable); in a Worker use huntbook.display(df) or df.toHTML()");
  ensureStyle(doc, "huntbook-style", CSS);
  const div = doc.createElement("div");
  div.className = "huntbook-frame";
  const caption = doc.createElement("div");
  caption.className = "huntbook-caption";
  caption.textContent = `${df.name} — ${df.shape[0]} rows × ${df.shape[1]} columns`;
  div.appendChild(caption);
  const body = doc.createElement("div");
  body.innerHTML = html; // built by huntbook with every header and cell escaped
  div.appendChild(body);
  const table = body.querySelector("table");
  if (table) showColumnsLater(doc, div, table);
  div.value = df;
  return div;
}

/**
 * A wide table's first frame shows only the columns that fill about twice the window's width; the others are in
 * the DOM from the start (`display: none`) and shown by the first task after that frame, or at once when the table
 * is scrolled sideways before it, or a second after the element was made if it has not been shown by then.
 * Chromium lays out every cell of a table before its first frame: SigninLogs' 20 rows × 76 columns took ~80 ms,
 * ~25 ms with the 12 columns that fill a 1280-pixel window twice (issue #16's cold start). Widths are estimated
 * from the cells' text (12px text, a cell clipped at 40 characters' width).
 */
function showColumnsLater(doc, div, table) {
  const rows = table.rows;
  const n = rows.length ? rows[0].cells.length : 0;
  const target = 2 * ((doc.defaultView && doc.defaultView.innerWidth) || 1280);
  const sample = Array.from(rows).slice(0, 11);
  let shown = 0;
  for (let width = 0; shown < n && width < target; shown++) {
    let chars = 0;
    for (const row of sample) chars = Math.max(chars, Math.min(row.cells[shown]?.textContent.length ?? 0, 40));
    width += chars * 7.5 + 17;
  }
  if (shown >= n || typeof ResizeObserver !== "function") return;
  for (const row of rows) for (let i = shown; i < row.cells.length; i++) row.cells[i].classList.add("huntbook-later");
  table.classList.add("huntbook-first");
  // A ResizeObserver reports once the table is laid out for a frame, before that frame is painted; a task queued
  // then runs after the paint. An element not shown within a second (held, or its HTML copied) gets every column
  // then, so no copy of it stays without them.
  const observer = new ResizeObserver(() => {
    observer.disconnect();
    setTimeout(showAll, 0);
  });
  const timer = setTimeout(showAll, 1000);
  function showAll() {
    observer.disconnect();
    clearTimeout(timer);
    table.classList.remove("huntbook-first");
  }
  observer.observe(table);
  div.addEventListener("scroll", showAll, { once: true, passive: true });
}
