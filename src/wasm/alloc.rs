//! The global allocator on wasm: the standard one (dlmalloc), but its memory grows ahead in large steps.
//!
//! dlmalloc asks for more wasm memory only as much as the allocation in hand needs (64 KiB at a time for small
//! ones), and each `memory.grow` costs time in proportion to the memory already there (V8 replaces the memory's
//! `ArrayBuffer` and accounts it as external memory, which starts garbage collections: growing a memory to 350 MB
//! 64 KiB at a time took 9.7 s in Node 20, 16 pages at a time 0.76 s). Reading a 300 MB Log Analytics answer grew
//! it thousands of times, so the reader slowed down as answers grew (issue #16, "the service's largest answer":
//! 25,000 rows at 32 ms/MB, 500,000 at 36 ms/MB and 10.5 s). Here, whenever an allocation made the memory grow, a
//! block of a sixteenth of the memory (16–128 MiB) is allocated and freed at once: dlmalloc grows once for it and keeps
//! it as free space at the top of its heap (wasm memory never shrinks), so the next allocations find room without
//! growing. The memory then grows O(log n) times, each by ≤ 6.25 % (≤ 128 MiB) more than was needed.
//!
//! It also counts the bytes handed out and not yet freed (`frame::room::LIVE_BYTES`): a large read is refused up front
//! when the memory not in use cannot hold what it would make (`frame::room`), instead of trapping halfway.

use std::alloc::{GlobalAlloc, Layout, System};
use std::arch::wasm32::memory_size;
use std::sync::atomic::Ordering::Relaxed;

use crate::frame::room::LIVE_BYTES;

const PAGE: usize = 64 * 1024;
const MIN_AHEAD: usize = 16 << 20;
const MAX_AHEAD: usize = 128 << 20;

struct GrowAhead;

#[global_allocator]
static ALLOC: GrowAhead = GrowAhead;

impl GrowAhead {
    /// After an allocation that grew the memory from `before` pages: reserve room ahead (see the module docs).
    #[inline]
    fn after(&self, before: usize) {
        if memory_size(0) != before {
            grow_ahead();
        }
    }
}

#[cold]
#[inline(never)]
fn grow_ahead() {
    let ahead = (memory_size(0) * PAGE / 16).clamp(MIN_AHEAD, MAX_AHEAD);
    // SAFETY: a valid, non-zero layout; the block is freed with the same layout and never touched.
    unsafe {
        let layout = Layout::from_size_align_unchecked(ahead, 16);
        let p = System.alloc(layout);
        if !p.is_null() {
            System.dealloc(p, layout);
        }
    }
}

// Not inlined: each is one call from the allocator shim, as `System`'s are (inlined at every allocation site, the
// memory check made the wasm 55 KB gzip larger). SAFETY: every call is passed to `System` unchanged; `grow_ahead` only allocates and frees a block of its own.
unsafe impl GlobalAlloc for GrowAhead {
    #[inline(never)]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let before = memory_size(0);
        let p = System.alloc(layout);
        self.after(before);
        if !p.is_null() {
            LIVE_BYTES.fetch_add(layout.size(), Relaxed);
        }
        p
    }

    #[inline(never)]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let before = memory_size(0);
        let p = System.alloc_zeroed(layout);
        self.after(before);
        if !p.is_null() {
            LIVE_BYTES.fetch_add(layout.size(), Relaxed);
        }
        p
    }

    #[inline(never)]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size(), Relaxed);
        System.dealloc(ptr, layout)
    }

    #[inline(never)]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let before = memory_size(0);
        let p = System.realloc(ptr, layout, new_size);
        self.after(before);
        if !p.is_null() {
            LIVE_BYTES.fetch_add(new_size, Relaxed);
            LIVE_BYTES.fetch_sub(layout.size(), Relaxed);
        }
        p
    }
}
