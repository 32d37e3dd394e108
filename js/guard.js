// After a trap (a Rust panic — huntbook is built with panic = "abort" — a stack overflow, an out-of-bounds access),
// a WebAssembly instance must not be used again: its stack pointer and borrow flags are left mid-call. This wraps
// every export of the instance so that the trap becomes an Error naming the function and the panic's message, and
// every later call throws the same clear Error instead of running on a broken module: never a silent dead module.

import { lastPanic } from "./huntbook_wasm.js";

let stopped = null;

/** The Error every call gets once the module has stopped. */
function stoppedError() {
  return new Error(
    `huntbook's module stopped (${stopped}); reload the page (or restart the notebook's kernel) to use huntbook again`,
  );
}

function isTrap(e) {
  return (
    (typeof WebAssembly.RuntimeError === "function" && e instanceof WebAssembly.RuntimeError) ||
    (e instanceof RangeError && /call stack/i.test(e.message))
  );
}

/** `exports` with every function wrapped: a trap stops the module with a message naming `name` and the panic. */
export function guardExports(exports) {
  const guarded = {};
  for (const [name, value] of Object.entries(exports)) {
    if (typeof value !== "function") {
      guarded[name] = value;
      continue;
    }
    guarded[name] = function (...args) {
      if (stopped) throw stoppedError();
      try {
        return value.apply(this, args);
      } catch (e) {
        if (!isTrap(e)) throw e;
        let panic = null;
        try {
          panic = lastPanic(); // the glue's function (through these guarded exports: not stopped yet)
        } catch {
          // the instance is too broken to say; the trap's own message is used
        }
        const why = typeof panic === "string" && panic ? `panicked: ${panic}` : `${e.constructor.name}: ${e.message}`;
        stopped = `in ${name}: ${why}`;
        throw stoppedError();
      }
    };
  }
  return Object.freeze(guarded);
}

/** Whether a trap has stopped the module, and why (`null` while it works). */
export function moduleStopped() {
  return stopped;
}

/**
 * Runs `init` (the wasm-bindgen glue's loader) so that the instance it makes has guarded exports: while it runs,
 * `WebAssembly.instantiate`/`instantiateStreaming` hand the glue an instance whose exports are wrapped.
 */
export async function instantiateGuarded(init) {
  const { instantiate, instantiateStreaming } = WebAssembly;
  const wrap = (result) => {
    const instance = result instanceof WebAssembly.Instance ? result : result.instance;
    // only huntbook's instance (other code may instantiate its own modules meanwhile, e.g. Node's fetch its parser)
    if (typeof instance?.exports?.lastPanic !== "function" || typeof instance.exports.__testTrap !== "function") return result;
    const fake = { exports: guardExports(instance.exports) };
    return { instance: fake, module: result.module };
  };
  // `instantiate(module)` gives an Instance, `instantiate(bytes)` {instance, module}: the glue takes either shape
  WebAssembly.instantiate = async (...a) => wrap(await instantiate.apply(WebAssembly, a));
  if (instantiateStreaming) WebAssembly.instantiateStreaming = async (...a) => wrap(await instantiateStreaming.apply(WebAssembly, a));
  try {
    return await init();
  } finally {
    WebAssembly.instantiate = instantiate;
    if (instantiateStreaming) WebAssembly.instantiateStreaming = instantiateStreaming;
  }
}
