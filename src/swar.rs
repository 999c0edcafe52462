//! Byte tests eight at a time in a `u64` ("SIMD within a register"). In:
//! eight bytes of text read as one little-endian `u64`. Out: a mask with
//! 0x80 in each byte that passes the test. It does not read text itself;
//! the scans that use it (people's tokenizer, the cleaner's word count,
//! the replay of pre-analyzed terms) load the words and handle the bytes
//! left over at the end.
//!
//! Why: a scan that tests byte by byte ends on a branch it cannot predict,
//! or carries a state from each byte to the next; testing eight at once
//! does neither.

/// Eight copies of a byte value, and masks of each byte's high and low bits.
pub(crate) const ONES: u64 = 0x0101_0101_0101_0101;
pub(crate) const HIGHS: u64 = 0x8080_8080_8080_8080;
pub(crate) const LOWS: u64 = 0x7F7F_7F7F_7F7F_7F7F;

/// Per byte of `x`, 0x80 where the byte `b` has `m < b < n` (and is ASCII),
/// else 0. Exact for every byte: `m` and `n` at most 127 and 128, no sum
/// or difference crosses into the next byte.
#[inline]
pub(crate) fn between(x: u64, m: u8, n: u8) -> u64 {
    let y = x & LOWS;
    (ONES * (127 + u64::from(n)) - y) & !x & (y + ONES * (127 - u64::from(m))) & HIGHS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn between_tests_every_byte_on_its_own() {
        for m in [0u8, 8, 31, 64, 96, 126] {
            for n in [m.saturating_add(2), 33, 91, 123, 128] {
                for b in 0..=255u8 {
                    // The byte among neighbours that could carry into it.
                    let x = u64::from_le_bytes([0xFF, 0, b, 0x7F, b, 0x80, 1, b]);
                    let want = u8::from(b.is_ascii() && m < b && b < n) * 0x80;
                    let got = between(x, m, n).to_le_bytes();
                    assert_eq!([got[2], got[4], got[7]], [want; 3], "{m} < {b} < {n}");
                }
            }
        }
    }
}
