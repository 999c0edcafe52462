//! Big blocks on 2 MB pages: the allocator's path for tantivy's indexing
//! memory. In: allocation requests of exactly [`BLOCK`] bytes (tantivy's
//! 1 MB arena pages) or of at least [`BIG`] (its term table). Out: blocks
//! carved from anonymous mappings that ask the kernel for transparent huge
//! pages (`MADV_HUGEPAGE`), or null when this path does not take the
//! request (the caller then asks mimalloc).
//!
//! Why: tantivy's indexing thread spends most of its time putting each token
//! into its term table and appending to the token's postings in its arena,
//! random accesses over ~200 MB. On 4 KB pages nearly every one misses the
//! TLB too; on 2 MB pages the whole arena fits the TLB. Only these blocks
//! get huge pages: mimalloc's own heap (the articles, small and short-lived)
//! stays on 4 KB pages, where a few live blocks do not keep 2 MB resident.
//!
//! How: a block of exactly [`BLOCK`] bytes (the arena's page size) takes
//! one half of a 2 MB chunk; a [`BIG`] one gets its own mapping, rounded
//! up to whole 2 MB pages. A fixed table (no allocation under its lock)
//! records every chunk and mapping so `dealloc` knows what is ours; when it
//! is full, requests go to mimalloc. A chunk is unmapped as soon as both
//! halves are free, a mapping when its block is freed: the memory goes back
//! to the system as mimalloc's purge would.
//!
//! It does not serve blocks aligned to more than 2 MB, and it is only used
//! once [`super::use_mimalloc`] switched ingest to its own allocator.

use std::sync::Mutex;

/// tantivy's arena page (`1 << 20`): requests of exactly this size are
/// taken here.
pub const BLOCK: usize = 1 << 20;

/// Other requests are taken from this size up: tantivy's term table on a
/// big budget (it doubles past 8 MB early in a segment). Not from a
/// megabyte: every 1.3 MB Reuters file read on a worker then faulted in a
/// fresh 2 MB page, zeroed by the kernel, which cost the workers 2.6% of
/// their time while mimalloc reuses such buffers warm.
pub const BIG: usize = 8 << 20;

/// A transparent huge page.
const HUGE: usize = 2 << 20;

/// Chunks and mappings tracked at once: 4,096 cover 8 GB of 1 MB blocks,
/// far past any writer budget; past that, mimalloc serves.
const SLOTS: usize = 4096;

/// One tracked mapping: its 2 MB-aligned start and length (0: free slot),
/// and for a chunk of two [`BLOCK`]s, which halves are in use (bits 0, 1).
#[derive(Clone, Copy)]
struct Slot {
    base: usize,
    len: usize,
    halves: u8,
}

const EMPTY: Slot = Slot {
    base: 0,
    len: 0,
    halves: 0,
};

// A [`BIG`] block's mapping is longer than one huge page, so a mapping of
// exactly one is a chunk of two halves.
const _: () = assert!(BIG > HUGE && 2 * BLOCK == HUGE);

impl Slot {
    /// A chunk of two [`BLOCK`]s (rather than one big block).
    fn split(&self) -> bool {
        self.len == HUGE
    }
}

static TABLE: Mutex<[Slot; SLOTS]> = Mutex::new([EMPTY; SLOTS]);

/// Whether a block of `size` bytes is served here.
fn taken(size: usize) -> bool {
    size == BLOCK || size >= BIG
}

/// A fresh mapping of `len` bytes (a multiple of [`HUGE`]) at a 2 MB
/// boundary, advised to use huge pages; null on failure.
fn map(len: usize) -> *mut u8 {
    let over = len + HUGE;
    // SAFETY: an anonymous private mapping at an address of the kernel's
    // choosing; no existing memory is touched.
    let raw = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            over,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
            -1,
            0,
        )
    };
    if raw == libc::MAP_FAILED {
        return std::ptr::null_mut();
    }
    let raw = raw as usize;
    let base = (raw + HUGE - 1) & !(HUGE - 1);
    // SAFETY: both trims are inside the mapping just made and leave
    // `base..base + len` mapped; the advice only concerns that range.
    unsafe {
        if base > raw {
            libc::munmap(raw as *mut libc::c_void, base - raw);
        }
        let tail = raw + over - (base + len);
        if tail > 0 {
            libc::munmap((base + len) as *mut libc::c_void, tail);
        }
        libc::madvise(base as *mut libc::c_void, len, libc::MADV_HUGEPAGE);
    }
    base as *mut u8
}

fn unmap(base: usize, len: usize) {
    // SAFETY: `base..base + len` is a mapping made by `map` whose blocks
    // have all been freed.
    unsafe {
        libc::munmap(base as *mut libc::c_void, len);
    }
}

/// A block of `size` bytes ([`BLOCK`], or at least [`BIG`]) with alignment
/// at most [`HUGE`], zeroed; null when this path does not serve it.
pub fn alloc(size: usize, align: usize) -> *mut u8 {
    if !taken(size) || align > HUGE {
        return std::ptr::null_mut();
    }
    let Ok(mut table) = TABLE.lock() else {
        return std::ptr::null_mut();
    };
    if size == BLOCK {
        // A free half of an existing chunk: zeroed again, as callers of
        // `alloc_zeroed` expect (a fresh mapping is zero already).
        if let Some(slot) = table.iter_mut().find(|s| s.split() && s.halves != 0b11) {
            let half = if slot.halves & 1 == 0 { 0 } else { 1 };
            slot.halves |= 1 << half;
            let ptr = (slot.base + half * BLOCK) as *mut u8;
            // SAFETY: the half is inside a live mapping of ours and no
            // block uses it.
            unsafe { std::ptr::write_bytes(ptr, 0, BLOCK) };
            return ptr;
        }
    }
    let Some(free) = table.iter_mut().find(|s| s.len == 0) else {
        return std::ptr::null_mut();
    };
    let len = size.div_ceil(HUGE) * HUGE;
    let base = map(len);
    if base.is_null() {
        return base;
    }
    *free = Slot {
        base: base as usize,
        len,
        halves: 1,
    };
    base
}

/// Free `ptr` if this path made it; false (nothing done) otherwise.
pub fn dealloc(ptr: *mut u8, size: usize) -> bool {
    if !taken(size) {
        return false;
    }
    let Ok(mut table) = TABLE.lock() else {
        return false;
    };
    let at = ptr as usize;
    let base = at & !(HUGE - 1);
    let Some(slot) = table.iter_mut().find(|s| s.len != 0 && s.base == base) else {
        return false;
    };
    if slot.split() {
        slot.halves &= !(1 << ((at - base) / BLOCK));
        if slot.halves != 0 {
            return true;
        }
    }
    let (base, len) = (slot.base, slot.len);
    *slot = EMPTY;
    drop(table);
    unmap(base, len);
    true
}

/// Whether `ptr` (a live block of `size` bytes) was made by this path. It
/// looks the mapping up, not the half: only ask about live blocks.
pub fn owns(ptr: *mut u8, size: usize) -> bool {
    if !taken(size) {
        return false;
    }
    let base = ptr as usize & !(HUGE - 1);
    TABLE
        .lock()
        .is_ok_and(|t| t.iter().any(|s| s.len != 0 && s.base == base))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two arena pages share a chunk, a bigger block gets its own whole 2 MB
    /// pages, every block comes zeroed (a reused half too), and each is ours
    /// until freed.
    #[test]
    fn blocks_share_chunks_and_come_back_zeroed() {
        let a = alloc(BLOCK, 1);
        let b = alloc(BLOCK, 1);
        assert!(!a.is_null() && !b.is_null());
        assert_eq!(
            a as usize & !(HUGE - 1),
            b as usize & !(HUGE - 1),
            "one chunk"
        );
        assert_eq!((a as usize).abs_diff(b as usize), BLOCK);
        // SAFETY: `a` is a live block of BLOCK bytes.
        unsafe { std::ptr::write_bytes(a, 7, BLOCK) };
        assert!(owns(a, BLOCK) && owns(b, BLOCK));
        assert!(dealloc(a, BLOCK));
        let c = alloc(BLOCK, 1);
        assert_eq!(c, a, "the free half is reused");
        // SAFETY: `c` is a live block of BLOCK bytes.
        let zeroed = unsafe { std::slice::from_raw_parts(c, BLOCK) };
        assert!(zeroed.iter().all(|&x| x == 0));
        assert!(dealloc(c, BLOCK) && dealloc(b, BLOCK));
        assert!(!owns(b, BLOCK), "both halves free: unmapped");

        let big = alloc(BIG + 1, 64);
        assert!(!big.is_null());
        assert_eq!(big as usize % HUGE, 0);
        assert!(owns(big, BIG + 1));
        assert!(dealloc(big, BIG + 1));
        assert!(!owns(big, BIG + 1));

        assert!(alloc(BLOCK - 1, 1).is_null(), "small blocks are not ours");
        assert!(alloc(BLOCK + 1, 1).is_null(), "nor file-sized ones");
        assert!(alloc(BLOCK, 2 * HUGE).is_null(), "nor over-aligned ones");
        let mut x = 0u8;
        assert!(!dealloc(&mut x, BLOCK), "a block we did not make");
    }
}
