// Tiny DOM helpers shared by the widgets. Text is only ever set with textContent: nothing from data is parsed as HTML,
// and bidi controls and invisible characters in it are shown visibly (`⟨U+202E⟩`, huntbook's one Rust function).

import * as wasm from "../huntbook_wasm.js";

/** `text` with bidi controls and invisible characters written visibly (Rust `show_hidden`); ASCII passes as is. */
export function visible(text) {
  const s = String(text);
  return /[^\x20-\x7e\t\n\r]/.test(s) ? wasm.visibleText(s) : s;
}

export function doc() {
  const d = globalThis.document;
  if (!d) throw new Error("widgets need a DOM (a page or Observable); in a Worker use the non-DOM API");
  return d;
}

/**
 * Throws, naming `instead`, when DOM widget `fn` is called where there is no document (a Web Worker such as
 * JupyterLite's JavaScript kernel, or Node.js).
 */
export function needDom(fn, instead) {
  if (!globalThis.document) {
    throw new Error(`${fn}() is a DOM widget and there is no document here (a Worker or Node.js): ${instead}`);
  }
}

export function el(tag, props = {}, ...children) {
  const e = doc().createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = visible(v);
    else if (k === "title") e.title = visible(v);
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (k === "style") e.style.cssText = v;
    else if (k in e) e[k] = v;
    else e.setAttribute(k, v);
  }
  for (const c of children.flat()) if (c != null) e.append(c instanceof Node ? c : visible(c));
  return e;
}

export function emit(element) {
  element.dispatchEvent(new Event("input", { bubbles: true }));
}
