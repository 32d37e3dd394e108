// Small DOM helpers shared by the Tour's cell modules. Text goes in only as textContent (never HTML).

/** `<tag class=className>` holding `text` as text. */
export function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** A cell's output under an `<h3>` label. */
export function labelled(label, node) {
  const d = el("div", "labelled");
  d.append(el("h3", "", label), node);
  return d;
}
