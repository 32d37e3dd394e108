//! A stack guard for evaluation. The parser bounds the height of each expression tree and the nesting of
//! parentheses and pipelines, and lets may depend on each other only so deeply; but those limits multiply (a
//! chain of lets, each a long expression, each calling a function…), so evaluation also measures the stack it
//! has used since the query started and stops with an error, never a trap, before wasm's 1 MiB stack runs out.
//!
//! The measure is the distance between the address of a local at [`Base::enter`] and one at [`check`]: the stack
//! grows down both natively and in wasm's shadow stack (where address-taken locals live).

use std::cell::Cell;

use super::ast::Span;
use super::KqlError;

/// Stack a query may use for evaluation (half of wasm's 1 MiB: the rest is for the leaves — polars, regex).
pub(crate) const MAX_STACK: usize = 512 * 1024;

thread_local! {
    static BASE: Cell<usize> = const { Cell::new(0) };
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
