// Tiny DOM helpers shared by the widgets. Text is only ever set with textContent: nothing from data is parsed as HTML.

export function doc() {
  const d = globalThis.document;
  if (!d) throw new Error("widgets need a DOM (a page or Observable); in a Worker use the non-DOM API");
  return d;
}

export function el(tag, props = {}, ...children) {
  const e = doc().createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (k === "style") e.style.cssText = v;
    else if (k in e) e[k] = v;
    else e.setAttribute(k, v);
  }
  for (const c of children.flat()) if (c != null) e.append(c instanceof Node ? c : String(c));
  return e;
}

export function emit(element) {
  element.dispatchEvent(new Event("input", { bubbles: true }));
}
