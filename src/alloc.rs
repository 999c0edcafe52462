//! The binary's global allocator: the system's malloc until
//! [`use_mimalloc`] is called, mimalloc from then on. `ingest` switches at
//! its start; every other command (a one-shot search, `serve`) stays on the
//! system allocator.
//!
//! Why two: on the 1 GB bench corpus mimalloc cuts ingest's user CPU by a
//! quarter (117 -> 88 s; wall 72 -> 51 s) at the same peak RSS, because
//! ingest allocates article text on the rayon workers and frees it on
//! tantivy's indexing thread, which glibc's malloc handles poorly. But a
//! one-shot search touches more fresh pages under mimalloc (871 page faults
//! against 620) and starts 0.5-1 ms slower, which is most of our budget
//! against a bare tantivy search.
//!
//! How: the switch only goes one way, so while it is off every pointer is
//! the system's, and once it is on a pointer is mimalloc's exactly when
//! mimalloc's page map knows it (`mi_is_in_heap_region`, one lookup).
//! Blocks allocated before the switch are freed and grown by the system
//! allocator as before.
//!
//! tantivy's big blocks (its 1 MB arena pages and its term table) go on
//! 2 MB pages instead ([`huge`]): tantivy's indexing thread spent 7%
//! less CPU (three alternating pairs on the 1 GB corpus: 26.7 / 24.2 / 25.8
//! s against 28.5 / 26.4 / 29.0 s, its share of the workers' CPU 0.50
//! against 0.55), peak RSS 357-363 against 345-359 MB.
//!
//! It does not choose per thread, and it is not used by the
//! library's examples and benches (they measure search, which stays on the
//! system allocator).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, Ordering};

use mimalloc::MiMalloc;

#[cfg(target_os = "linux")]
mod huge;

/// Set once, never cleared.
static MIMALLOC: AtomicBool = AtomicBool::new(false);

/// mimalloc's option numbers (`mi_option_e` in mimalloc.h of the mimalloc
/// 3 sources that libmimalloc-sys 0.1.49 builds; its Rust bindings name
/// only the older ones). The test below checks their defaults (options.c).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
const MI_OPTION_ALLOW_THP: libmimalloc_sys::mi_option_t = 43;

/// How long freed memory stays with the process before mimalloc returns it.
const PURGE_DELAY_MS: std::ffi::c_long = 100;

/// From now on allocate with mimalloc, tuned for a flat peak: freed memory
/// is returned to the OS after 100 ms (mimalloc waits a second by default),
/// and no transparent huge pages (2 MB pages that a few live blocks keep
/// resident). Measured on the 1 GB corpus: 378 MB peak and 60 s with huge
/// pages off alone, 348 MB and 51 s with both (purge at once). Since the
/// key left the term table (schema 5) the peak is ~320 MB, and 5 ms
/// instead of 0 keeps it there (320-326 MB in three pairs of runs) while
/// sparing the page faults and `madvise` calls of memory freed and soon
/// reused (system CPU 6.2-8.2 -> 5.0-6.1 s per GB). 100 ms instead of 5:
/// system CPU 4.2-4.9 -> 3.4 s per GB (minor faults 700-780k -> 560-570k),
/// peak 325-332 -> 331-333 MB; six 40 MB dumps 281 -> 288 MB. A second
/// (1000 ms): 2.7-3.3 s but 347 MB.
pub fn use_mimalloc() {
    // SAFETY: setting options is allowed at any time; mimalloc reads them
    // when it next needs them.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS);
        libmimalloc_sys::mi_option_set(MI_OPTION_ALLOW_THP, 0);
    }
    // The option only stops mimalloc asking for huge pages; where the
    // kernel gives them unasked (THP "always"), say no for this process,
    // as mimalloc does itself when the option is set in its environment.
    // That also refuses them to the big blocks of [`huge`], so it is done
    // only there: in "madvise" mode (the common default) nothing is huge
    // unless asked for, and only those blocks ask.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if thp_always() {
        // SAFETY: a flag on this process's future mappings; a refusal (old
        // kernel) leaves the default in place.
        unsafe {
            libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
        }
    }
    MIMALLOC.store(true, Ordering::Release);
}

/// Whether the kernel backs every anonymous mapping with huge pages when it
/// can (transparent huge pages in "always" mode).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn thp_always() -> bool {
    std::fs::read_to_string("/sys/kernel/mm/transparent_hugepage/enabled")
        .is_ok_and(|mode| mode.contains("[always]"))
}

/// The system allocator, or mimalloc after [`use_mimalloc`], with tantivy's
/// big blocks on huge pages ([`huge`]).
pub struct Switch;

fn on() -> bool {
    MIMALLOC.load(Ordering::Acquire)
}

/// Whether mimalloc allocated `ptr` (only asked once the switch is on).
fn mimalloc_owns(ptr: *mut u8) -> bool {
    // SAFETY: a pure lookup in mimalloc's page map; any address is allowed.
    unsafe { libmimalloc_sys::mi_is_in_heap_region(ptr.cast()) }
}

// SAFETY: every block is freed and resized by the allocator that made it:
// before the switch that is always the system's; after it, the huge-page
// table (`huge`, which knows every mapping it made) and then mimalloc's
// page map say which.
unsafe impl GlobalAlloc for Switch {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe {
            if on() {
                let big = big_alloc(layout);
                if !big.is_null() {
                    return big;
                }
                MiMalloc.alloc(layout)
            } else {
                System.alloc(layout)
            }
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for alloc.
        unsafe {
            if on() {
                let big = big_alloc(layout);
                if !big.is_null() {
                    return big;
                }
                MiMalloc.alloc_zeroed(layout)
            } else {
                System.alloc_zeroed(layout)
            }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` goes back to the allocator that made it.
        unsafe {
            if on() && big_dealloc(ptr, layout) {
                return;
            }
            if on() && mimalloc_owns(ptr) {
                MiMalloc.dealloc(ptr, layout)
            } else {
                System.dealloc(ptr, layout)
            }
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: each branch resizes with the allocator that made `ptr`,
        // or moves the block to mimalloc and frees it where it was made.
        unsafe {
            if !on() {
                return System.realloc(ptr, layout, new_size);
            }
            let new_layout = Layout::from_size_align_unchecked(new_size, layout.align());
            let big = big_alloc(new_layout);
            if !big.is_null() || big_owns(ptr, layout) {
                // Into or out of a huge-page block: moved, as neither
                // allocator can grow the other's blocks.
                let new = if big.is_null() {
                    MiMalloc.alloc(new_layout)
                } else {
                    big
                };
                if !new.is_null() {
                    std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                    self.dealloc(ptr, layout);
                }
                return new;
            }
            if mimalloc_owns(ptr) {
                return MiMalloc.realloc(ptr, layout, new_size);
            }
            let new = MiMalloc.alloc(new_layout);
            if !new.is_null() {
                std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                System.dealloc(ptr, layout);
            }
            new
        }
    }
}

/// A huge-page block for a big request ([`huge`]), else null.
fn big_alloc(layout: Layout) -> *mut u8 {
    #[cfg(target_os = "linux")]
    return huge::alloc(layout.size(), layout.align());
    #[cfg(not(target_os = "linux"))]
    return std::ptr::null_mut();
}

/// Free `ptr` if it is a huge-page block; false otherwise.
fn big_dealloc(ptr: *mut u8, layout: Layout) -> bool {
    #[cfg(target_os = "linux")]
    return huge::dealloc(ptr, layout.size());
    #[cfg(not(target_os = "linux"))]
    return false;
}

/// Whether `ptr` is a huge-page block.
fn big_owns(ptr: *mut u8, layout: Layout) -> bool {
    #[cfg(target_os = "linux")]
    return huge::owns(ptr, layout.size());
    #[cfg(not(target_os = "linux"))]
    return false;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One test, as the switch is process-wide: the option numbers still
    /// name the options we mean (each holds its documented default), and
    /// blocks made before the switch stay with the system allocator when
    /// freed or grown after it, while new blocks come from mimalloc.
    #[test]
    fn blocks_stay_with_the_allocator_that_made_them() {
        assert!(!on(), "nothing else in this binary switches");
        // SAFETY: reading options is allowed at any time.
        let get = |o| unsafe { libmimalloc_sys::mi_option_get(o) };
        assert_eq!(get(MI_OPTION_PURGE_DELAY), 1000, "purge_delay, in ms");
        assert_eq!(get(MI_OPTION_ALLOW_THP), 1, "allow_thp");

        let before: Vec<u64> = (0..1000).collect();
        let mut grown = before.clone();
        let text = String::from("made before the switch");
        use_mimalloc();
        assert_eq!(get(MI_OPTION_PURGE_DELAY), PURGE_DELAY_MS);
        assert!(!mimalloc_owns(before.as_ptr() as *mut u8));
        assert!(!mimalloc_owns(text.as_ptr() as *mut u8));
        let after: Vec<u64> = (0..1000).collect();
        assert!(mimalloc_owns(after.as_ptr() as *mut u8));
        grown.extend(0..100_000);
        assert!(mimalloc_owns(grown.as_ptr() as *mut u8), "moved on growth");
        assert_eq!(&grown[..1000], &before[..]);
        assert_eq!(grown.len(), 101_000);
        drop(text);
        drop(before);
    }
}
