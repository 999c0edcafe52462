//! Zeroed lookup tables whose memory is the process's own from the start.
//! In: a length. Out: a `Vec` of that many default (all-zero) entries,
//! one entry in every 4 KiB page already written. It does not choose sizes
//! or layouts; the tables' owners do.
//!
//! Why: `vec![0; n]` takes the allocator's zeroed path, and a large block
//! there is fresh memory that the kernel maps only when it is touched. A
//! hash table's first touch of a slot is a lookup, a read, which maps the
//! kernel's shared zero page; the insert that follows writes to it, and
//! swapping that mapping for a page of our own is a second fault plus a
//! flush of the old mapping on every core the process runs on (an
//! interrupt each; the faulting thread waits for all of them). Over six
//! BBC ingests `perf` took 182 samples in those second faults, 124 of them
//! in the feeder's stem cache (its growing table) and 28 in the people
//! lexicon's tags; 16 after this change. A write per page up front costs
//! one plain fault each and nothing after.

/// The page size the writes are spaced by. Where pages are larger, some
/// writes land in the same page; where smaller (none of ours), a few pages
/// keep the old behaviour. Neither is wrong, only slower.
const PAGE: usize = 4096;

/// `n` default entries, one in every [`PAGE`] bytes written once, so no
/// later read finds the kernel's zero page there.
pub(crate) fn owned_zeroed<T: Clone + Default>(n: usize) -> Vec<T> {
    let mut table = vec![T::default(); n];
    let step = (PAGE / std::mem::size_of::<T>().max(1)).max(1);
    for entry in table.iter_mut().step_by(step) {
        // `black_box` hides that the memory is known to be zero, so the
        // store is not optimised away.
        *std::hint::black_box(entry) = T::default();
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_all_default_whatever_their_size() {
        for n in [0, 1, 170, 171, 4096, 100_000] {
            let t: Vec<[u64; 3]> = owned_zeroed(n);
            assert_eq!(t.len(), n);
            assert!(t.iter().all(|s| *s == [0; 3]));
            let t: Vec<u16> = owned_zeroed(n);
            assert_eq!(t.len(), n);
            assert!(t.iter().all(|&s| s == 0));
        }
        let t: Vec<()> = owned_zeroed(3);
        assert_eq!(t.len(), 3);
    }
}
