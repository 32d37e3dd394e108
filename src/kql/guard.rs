//! The per-query guards: the stack used by evaluation, and the output-size budget.
//!
//! **Stack.** The parser bounds the height of each expression tree and the nesting of
//! parentheses and pipelines, and lets may depend on each other only so deeply; but those limits multiply (a
//! chain of lets, each a long expression, each calling a function…), so evaluation also measures the stack it
//! has used since the query started and stops with an error, never a trap, before wasm's 1 MiB stack runs out.
//!
//! The measure is the distance between the address of a local at [`Base::enter`] and one at [`check`]: the stack
//! grows down both natively and in wasm's shadow stack (where address-taken locals live).
//!
//! **Output.** One budget for the whole query ([`MAX_OUTPUT`] bytes, estimated as 8 bytes a cell plus the text
//! made): everything that can make more than it reads — `strrep` (whose products nest), `join`/`lookup` (every
//! pair of matching rows), `mv-expand` (and the text each made row repeats), `mv-apply`, `bag_unpack`, `pivot`, `range`,
//! `make-series`, and the functions that copy values into new ones (`strcat`, `pack_array`, `make_list`/`make_set`:
//! one large value broadcast to every row, or repeated as arguments, multiplies there) — charges it *before*
//! building, so a small query cannot demand gigabytes; passing it is an error that names the operator and the limit.

use std::cell::Cell;

use super::ast::Span;
use super::KqlError;

/// Shadow stack a query may use for evaluation. Two stacks run out in wasm: the shadow stack in linear memory (1 MiB,
/// measured here) and the engine's own stack of wasm frames (V8: ~984 KB in Node and a page), which is not
/// measurable from inside. Their ratio depends on the build and on V8's tiers: with huntbook at `opt-level = "s"`,
/// after V8 optimised the evaluator (a 200,000-term `or` query run first), 512 KiB of shadow stack took ~2 MB of
/// V8's stack (a trap at Node's default, none at `--stack-size=2000`). 128 KiB keeps that worst case near 0.5 MB,
/// leaving the rest to polars, regex and the JS below; an expression tree of the parser's full height (256) uses
/// about 60 KiB. Natively (tests, debug builds with large frames, 2 MiB+ thread stacks) the limit stays 512 KiB.
#[cfg(target_arch = "wasm32")]
pub(crate) const MAX_STACK: usize = 128 * 1024;
#[cfg(not(target_arch = "wasm32"))]
pub(crate) const MAX_STACK: usize = 512 * 1024;

/// Bytes of values a query may make with the operators that multiply their input (see the module docs).
pub(crate) const MAX_OUTPUT: u64 = 256 * 1024 * 1024;

/// Bytes a cell counts for in [`charge`] (text adds its length).
pub(crate) const CELL: u64 = 8;

thread_local! {
    static BASE: Cell<usize> = const { Cell::new(0) };
    static OUTPUT: Cell<u64> = const { Cell::new(0) };
}

#[inline(always)]
fn here() -> usize {
    let marker = 0u8;
    std::hint::black_box(&marker) as *const u8 as usize
}

/// Marks where a query's evaluation starts (the outermost query of this thread; nested runs keep it).
pub(crate) struct Base {
    set: bool,
}

impl Base {
    pub(crate) fn enter() -> Base {
        let set = BASE.with(|b| {
            if b.get() == 0 {
                b.set(here());
                OUTPUT.with(|o| o.set(0));
                true
            } else {
                false
            }
        });
        Base { set }
    }
}

impl Drop for Base {
    fn drop(&mut self) {
        if self.set {
            BASE.with(|b| b.set(0));
        }
    }
}

/// An error if evaluation has used more than [`MAX_STACK`] since [`Base::enter`].
#[inline(always)]
pub(crate) fn check(span: Span) -> Result<(), KqlError> {
    let base = BASE.with(Cell::get);
    if base != 0 && base.saturating_sub(here()) > MAX_STACK {
        return Err(KqlError::at(
            span,
            format!(
                "the query nests too deeply to evaluate (lets, functions, subqueries and long expressions inside each \
                 other use more than {} KiB of stack); simplify it or split it into steps",
                MAX_STACK / 1024
            ),
        ));
    }
    Ok(())
}

/// The bytes the values of `c` count for when they are copied into new values: text by its length, other values
/// a [`CELL`] each.
pub(crate) fn col_bytes(c: &super::value::Col) -> u64 {
    use super::value::Col;
    match c {
        Col::Str(t) | Col::Dyn(t) => t.into_iter().map(|v| v.map_or(0, str::len) as u64).fold(0, u64::saturating_add),
        other => other.len() as u64 * CELL,
    }
}

/// Charges `bytes` made by `what` to the query's output budget; an error (at `span`) when it would pass
/// [`MAX_OUTPUT`].
pub(crate) fn charge(what: &str, bytes: u64, span: Option<Span>) -> Result<(), KqlError> {
    let total = OUTPUT.with(|o| {
        let t = o.get().saturating_add(bytes);
        o.set(t);
        t
    });
    if total > MAX_OUTPUT {
        let msg = format!(
            "{what} would take the query past its output budget of {} MiB (the values made by strrep, strcat, \
             pack_array, make_list/make_set, join, lookup, mv-expand, mv-apply, bag_unpack, pivot, range and make-series); \
             filter, project or take fewer rows first",
            MAX_OUTPUT >> 20
        );
        return Err(match span {
            Some(s) => KqlError::at(s, msg),
            None => KqlError::msg(msg),
        });
    }
    Ok(())
}
