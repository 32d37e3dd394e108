//! Room for a read: an answer too large for the memory left is refused before it is read, with an error that says
//! so, instead of an allocation failing halfway through the read.
//!
//! Reading a Log Analytics answer makes about 1.6–1.8× its size in columns and buffers beside the text itself
//! (Benchmarks, issue #16: wasm memory peaks of 2.59× and 2.79× the JSON, text included). In wasm32 all of it must
//! fit in 4 GiB, and an allocation that fails there stops the module (a trap: every table it holds is lost). So
//! before a read of [`CHECK_FROM`] bytes or more, [`check_room`] compares what the read will make ([`READ_FACTOR`]
//! times the input, plus the input when it is still to be copied in) with the memory not in use: 4 GiB less
//! [`LIVE_BYTES`], what the allocator has handed out and not had back (so the space of tables freed earlier counts as
//! free). The check allocates nothing. Natively the memory is the machine's: only sizes whose arithmetic overflows
//! are refused.

use std::sync::atomic::{AtomicUsize, Ordering};

use crate::error::{Error, Result};

/// Bytes a read makes beyond its input, per input byte: measured 1.6–1.8×, so 2 with a margin.
pub const READ_FACTOR: u64 = 2;

/// Inputs smaller than this are read without the check.
pub const CHECK_FROM: u64 = 16 << 20;

/// wasm32's largest memory: 65,536 pages of 64 KiB.
const WASM32_MEMORY: u64 = 1 << 32;

/// Memory the check keeps out of its count: the stack and static data below the heap, and the allocator's own
/// overhead and fragmentation.
const RESERVE: u64 = 64 << 20;

/// Bytes allocated and not yet freed. The wasm build's global allocator (`src/wasm/alloc.rs`) keeps it; it stays 0
/// natively, where [`check_room`] does not use it.
pub static LIVE_BYTES: AtomicUsize = AtomicUsize::new(0);

/// `Ok` when a read of `len` input bytes can have the memory it needs: [`READ_FACTOR`] × `len`, plus `len` more when
/// `copy` (the input is not in memory yet: `readTables` checks before copying the bytes in). Otherwise an error that
/// says what to do.
pub fn check_room(len: u64, copy: bool) -> Result<()> {
    check_room_in(len, copy, free())
}

/// [`check_room`] with `free` bytes of memory not in use (`None`: no bound but the arithmetic's).
fn check_room_in(len: u64, copy: bool, free: Option<u64>) -> Result<()> {
    if len < CHECK_FROM {
        return Ok(());
    }
    let fits = match (len.checked_mul(READ_FACTOR + u64::from(copy)), free) {
        (None, _) => false,
        (Some(need), Some(free)) => need <= free,
        (Some(_), None) => true,
    };
    if fits {
        return Ok(());
    }
    let in_use = free.map_or(String::new(), |f| format!(" ({} MiB of them in use)", (WASM32_MEMORY - RESERVE).saturating_sub(f) >> 20));
    Err(Error::TooLarge(format!(
        "{len} bytes ({} MiB) are too many to read here: reading them takes about {} times their size of memory, and \
         wasm's memory ends at 4 GiB{in_use}. Ask for less (project the columns you need, where, take, summarize, a \
         shorter time range), or free tables you no longer need (df.free()) or reload the page, and read it again.",
        len >> 20,
        READ_FACTOR + 1,
    )))
}

/// Bytes of wasm memory not in use (the memory's 4 GiB less what is allocated and [`RESERVE`]); `None` natively.
fn free() -> Option<u64> {
    cfg!(target_arch = "wasm32")
        .then(|| WASM32_MEMORY.saturating_sub(LIVE_BYTES.load(Ordering::Relaxed) as u64).saturating_sub(RESERVE))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_and_ordinary_reads_pass_and_impossible_sizes_are_errors() {
        assert!(check_room(0, true).is_ok());
        assert!(check_room(CHECK_FROM - 1, true).is_ok());
        assert!(check_room(64 << 20, true).is_ok());
        assert!(check_room(64 << 20, false).is_ok());
        // sizes whose need overflows: refused, with the sizes and what to do
        for len in [u64::MAX, u64::MAX / 2] {
            let e = check_room(len, true).unwrap_err().to_string();
            assert!(e.contains(&format!("{len} bytes")), "{e}");
            assert!(e.contains("about 3 times their size") && e.contains("4 GiB") && e.contains("project the columns"), "{e}");
        }
        assert!(check_room(u64::MAX / 2 + 1, false).is_err(), "2 × this overflows");
        assert!(check_room(u64::MAX / 3 + 1, true).is_err(), "3 × this overflows");
    }

    #[test]
    fn a_read_fits_when_twice_its_input_is_free_and_three_times_before_the_copy() {
        const MIB: u64 = 1 << 20;
        let free = Some(1200 * MIB);
        assert!(check_room_in(600 * MIB, false, free).is_ok(), "1200 MiB needed");
        assert!(check_room_in(600 * MIB + 1, false, free).is_err());
        assert!(check_room_in(400 * MIB, true, free).is_ok(), "1200 MiB needed, the copy included");
        let e = check_room_in(401 * MIB, true, free).unwrap_err().to_string();
        let used = (WASM32_MEMORY - RESERVE - 1200 * MIB) >> 20;
        assert!(e.starts_with(&format!("{} bytes (401 MiB) are too many to read here", 401 * MIB)), "{e}");
        assert!(e.contains(&format!("wasm's memory ends at 4 GiB ({used} MiB of them in use)")), "{e}");
        // small inputs are never refused
        assert!(check_room_in(CHECK_FROM - 1, true, Some(0)).is_ok());
        assert!(check_room_in(CHECK_FROM, true, Some(0)).is_err());
    }
}
