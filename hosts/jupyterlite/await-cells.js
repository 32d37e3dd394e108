// await-cells.js — makes JupyterLite's JavaScript kernel (jupyterlite-javascript-kernel 0.3) wait for a cell whose
// value is a Promise, show a rejected Promise as the cell's error, and show a cell's value as huntbook displays it.
//
// The kernel runs each cell in a Web Worker with `self.eval(code)` and reports the cell finished at once: a cell
// whose value is a Promise (an async IIFE, since there is no top-level await) shows `Promise [Promise] {}` and
// finishes while its work is still running, so the next cell starts before it is done, what it displays later lands
// in whichever cell is running by then, and a rejection never reaches the notebook. Load this file once, in the
// kernel, with the classic Worker's synchronous `importScripts` (the Worker runs from
// <site>/extensions/@jupyterlite/javascript-kernel-extension/static/):
//
//     importScripts(new URL("../../../../files/await-cells.js", location.href).href)
//
// From then on, when the kernel has evaluated a cell:
//   - a Promise value (any thenable) is awaited; the kernel's "done" answer for the cell is held until it settles,
//     so JupyterLab (which sends one cell at a time) runs the next cell only after it, and what the cell displays
//     while it runs (huntbook.display) stays in it;
//   - a rejection (or a throw) becomes the cell's error (ename, evalue, traceback) and the cell's status "error";
//   - the value, when not undefined, is the cell's result: huntbook.displayBundle(value) when huntbook is loaded as
//     the global `huntbook` (a DataFrame as its escaped HTML table), else JSON or text.
//
// How: the kernel calls `self.eval(code)`, posts `{type: "execute_result"}` and answers its Comlink call with
// `{id, type: "RAW", value: {status, user_expressions}}`, all through the Worker's global `eval` and `postMessage`.
// This file wraps both: `eval` still returns the real value (so `var`s and functions still become globals shared by
// the cells) and remembers the outermost call's value; `postMessage` replaces the kernel's result for that value and
// holds the kernel's answer until the value has settled. One difference remains: code that calls `eval(...)` itself
// gets an indirect eval (global scope). Loading the file twice is harmless.
(() => {
  "use strict";
  if (self.__huntbookAwaitCells) return;
  self.__huntbookAwaitCells = true;

  const realEval = self.eval;
  const realPost = self.postMessage.bind(self);
  const NONE = Symbol("no value");
  let depth = 0;
  let last = NONE; // the value of the kernel's latest eval (the outermost call)
  let cell = null; // the cell being awaited: {done, error, reply}
  let count = 0;

  self.eval = function evalCell(code) {
    depth += 1;
    try {
      const value = realEval(code);
      if (depth === 1) last = value;
      return value;
    } finally {
      depth -= 1;
    }
  };

  /** The MIME bundle data of a cell's value. */
  function resultData(value) {
    const hb = self.huntbook;
    if (hb && typeof hb.displayBundle === "function") {
      try {
        const data = hb.displayBundle(value);
        if (data && typeof data.then !== "function") return data;
      } catch {
        // fall back to text
      }
    }
    let text;
    try {
      text = typeof value === "object" && value !== null
        ? JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? `${v}n` : v), 2) ?? String(value)
        : typeof value === "string" ? JSON.stringify(value) : String(value);
    } catch {
      text = String(value);
    }
    return { "text/plain": text };
  }

  function isThenable(v) {
    return v !== null && (typeof v === "object" || typeof v === "function") && typeof v.then === "function";
  }

  async function settle(c, value) {
    try {
      const v = isThenable(value) ? await value : value;
      if (v !== undefined && v !== NONE) {
        realPost({ type: "execute_result", bundle: { data: resultData(v), metadata: {}, execution_count: c.count } });
      }
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      c.error = { ename: error.name || "Error", evalue: error.message, traceback: [String(error.stack ?? error)] };
      realPost({ type: "execute_error", bundle: c.error });
    }
    c.done = true;
    finish(c);
  }

  /** Sends the kernel's answer for the cell once both the answer and the value are in. */
  function finish(c) {
    if (!c.done || !c.reply) return;
    if (cell === c) cell = null;
    const reply = c.error ? { ...c.reply, value: { status: "error", ...c.error } } : c.reply;
    realPost(reply);
  }

  self.postMessage = function postCellMessage(message, transfer) {
    if (message && message.type === "execute_result" && !cell) {
      // The kernel has evaluated a cell: show its value ourselves, after awaiting it.
      const value = last;
      last = NONE;
      count += 1;
      cell = { done: false, error: null, reply: null, count };
      settle(cell, value);
      return undefined;
    }
    if (cell && !cell.reply && message && message.id && message.type === "RAW" && message.value &&
        typeof message.value === "object" && "user_expressions" in message.value) {
      cell.reply = message; // the kernel's "done" for the cell: held until the value settles
      finish(cell);
      return undefined;
    }
    return transfer === undefined ? realPost(message) : realPost(message, transfer);
  };
})();
