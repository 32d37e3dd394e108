// display(x): one call that shows huntbook's results in every notebook host (issue #13).
//
// With a DOM (a page, Observable Notebook Kit / Framework) it returns a DOM Node; without one (JupyterLite's
// JavaScript kernel runs each cell in a Web Worker) it posts a Jupyter MIME bundle as a `display_data` message.
// No HTML is built here: a DataFrame's HTML is huntbook's own (every cell escaped in Rust), everything else is text.

import { DataFrame, toJSONValue } from "./frame.js";
import { Picture } from "./vis/canvas.js";
import { WorkerTable } from "./workerClient.js";

export { Picture };

/** Base64 of bytes (chunked, so a large PNG does not overflow the argument list). */
function base64(bytes) {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** JSON text of any value: BigInts as numbers or strings, cycles marked, functions left out. */
function jsonText(x) {
  const seen = new WeakSet();
  try {
    const s = JSON.stringify(x, (_k, v) => {
      v = toJSONValue(v);
      if (v && typeof v === "object") {
        if (seen.has(v)) return "[cycle]";
        seen.add(v);
      }
      return v;
    }, 2);
    return s === undefined ? String(x) : s;
  } catch {
    return String(x);
  }
}

function isPlain(x) {
  return x !== null && typeof x === "object" && !(x instanceof Date) && !ArrayBuffer.isView(x);
}

/**
 * The Jupyter MIME bundle data of `x` (`{"text/html": …, "text/plain": …}` etc.): a DataFrame → its escaped HTML
 * table and `toString()`; a string → text/plain; an object or array → application/json and text/plain; anything
 * else → text/plain. For a Picture (a timeline or chart drawn in a Worker) it is a Promise of
 * `{"image/png": base64, "text/plain": …}`, since encoding a PNG is asynchronous.
 */
export function displayBundle(x, { maxRows, maxCellChars } = {}) {
  if (x instanceof Picture) {
    return x.toPNG().then((png) => ({ "image/png": base64(png), "text/plain": x.toString() }));
  }
  if (x instanceof DataFrame) {
    const html = x.toHTML({ ...(maxRows != null && { maxRows }), ...(maxCellChars != null && { maxCellChars }) });
    return { "text/html": html, "text/plain": x.toString() };
  }
  if (typeof x === "string") return { "text/plain": x };
  if (isPlain(x)) {
    const text = jsonText(x);
    let json;
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
    return json !== null && typeof json === "object" ? { "application/json": json, "text/plain": text } : { "text/plain": text };
  }
  return { "text/plain": typeof x === "bigint" ? `${x}n` : String(x) };
}

/** `{type: "display_data", bundle: {data, metadata: {}}}`: the message JupyterLite's JavaScript kernel shows. */
export function displayMessage(data) {
  return { type: "display_data", bundle: { data, metadata: {} } };
}

/** A DOM Node showing `x` (see `display`). */
function node(x, d, opts) {
  if (typeof Node !== "undefined" && x instanceof Node) return x;
  if (x instanceof DataFrame) return x.toElement(opts);
  if (x instanceof Picture) {
    const img = d.createElement("img");
    img.width = x.width;
    img.height = x.height;
    img.alt = x.toString();
    img.className = "huntbook-picture";
    img.decoded = x.toPNG().then((png) => {
      img.src = URL.createObjectURL(new Blob([png], { type: "image/png" }));
      return img.decode?.();
    });
    return img;
  }
  const pre = d.createElement("pre");
  pre.className = "huntbook-display";
  pre.textContent = typeof x === "string" ? x : jsonText(x);
  return pre;
}

/**
 * Shows `x` in any host. With a DOM: returns a Node (a Node as is, a DataFrame's table element, a Picture's
 * `<img>`, a string or other value as text in a `<pre>`) and appends it to `opts.into` when given. Without a DOM
 * (a Worker): posts `displayMessage(displayBundle(x))` with `opts.post` (default: the Worker's `postMessage`) and
 * returns undefined, so the kernel shows no second result; for a Picture it returns a Promise that resolves (to
 * undefined) once the PNG is posted — `await` it to keep the image in its cell. A `WorkerTable` (a table held in
 * `huntbook.worker()`) gives a Promise: of its table element (built here from its escaped HTML), or of undefined once
 * its bundle is posted.
 */
export function display(x, opts = {}) {
  const { into, post, ...rest } = opts ?? {};
  const d = globalThis.document;
  if (x instanceof WorkerTable) {
    // A table held in huntbook.worker(): its escaped HTML is asked for (only the rows shown cross), so a Promise.
    if (d && !post) return x.toElement(rest).then((n) => { if (into) into.append(n); return n; });
    const send = post ?? globalThis.postMessage?.bind(globalThis);
    return x.toHTML(rest).then((html) => { send(displayMessage({ "text/html": html, "text/plain": x.toString() })); });
  }
  if (d && !post) {
    const n = node(x, d, rest);
    if (into) into.append(n);
    return n;
  }
  const send = post ?? globalThis.postMessage?.bind(globalThis);
  if (typeof send !== "function") {
    throw new Error("display: no DOM and no postMessage here (Node.js?): pass {post: (message) => …}, or use displayBundle(x)");
  }
  const data = displayBundle(x, rest);
  if (data instanceof Promise) return data.then((b) => { send(displayMessage(b)); });
  send(displayMessage(data));
  return undefined;
}
