//! Word lists for people extraction, compiled into the binary from
//! `data/people/*.txt` with `include_str!`. In: nothing (static data). Out:
//! one lookup table from a lowercase word to the bits of the lists it is on,
//! built once on first use. Does not decide anything; the rules in the
//! parent module do.

use std::sync::LazyLock;

// foldhash: the sets here are only built once, but the rare long words
// (over 16 bytes) are looked up in a map with it.
use foldhash::{HashMap, HashMapExt};

/// Bits of [`Lexicon::flags`]: the lists a word is on.
pub(super) const GIVEN: u8 = 1;
pub(super) const SURNAME: u8 = 1 << 1;
pub(super) const TITLE: u8 = 1 << 2;
pub(super) const STOP: u8 = 1 << 3;
pub(super) const PLACE: u8 = 1 << 4;
pub(super) const ORG: u8 = 1 << 5;
pub(super) const SOFT_ORG: u8 = 1 << 6;
/// Not a list: the word is a place's name plus "s" ("Iraqis", "Chechens"),
/// the plural of a people. Stored so that asking costs no second lookup.
pub(super) const PLACE_PLURAL: u8 = 1 << 7;

/// Every list, lowercased, as one table (the lists were sets of `String`,
/// one lookup per list asked, then a `HashMap<String, u8>`: its probes,
/// each a cache miss into the table and another into the key's heap copy
/// plus a `memcmp` call, showed in profiles).
pub(super) struct Lexicon {
    /// Words of 16 bytes or fewer, keyed by their bytes packed in two
    /// integers ([`pack`]): a probe compares integers in the slot itself.
    slots: Vec<Slot>,
    /// Beside each slot, 16 bits of its word's hash ([`tag_of`]), 0 for an
    /// empty slot. A probe walks these and reads a slot only where the tag
    /// matches: the tags are 256 KB and stay in the core's L2 cache, the
    /// slots are 3 MB and do not, and most words asked (capitalised words
    /// that are on no list, and every near miss) are answered by the tags.
    tags: Vec<u16>,
    /// Longer words (a handful of names and organisations).
    long: HashMap<String, u8>,
    /// The bits at the [`title_key`] of each [`TITLE`] word: a word whose
    /// bit is not set is no title, and neither made of titles joined by
    /// hyphens ([`Lexicon::may_be_title`]).
    title_keys: Vec<u64>,
}

/// Where a word's bit is in [`Lexicon::title_keys`]: a hash of the first
/// two bytes and the length of its first part (up to a hyphen). A
/// hyphenated word has the key of its first part, so a word made of
/// titles ("major-general") passes if its first part is one.
fn title_key(lw: &[u8]) -> usize {
    let head = lw
        .iter()
        .position(|&b| b == b'-')
        .and_then(|at| lw.get(..at))
        .unwrap_or(lw);
    let at = |k: usize| u64::from(head.get(k).copied().unwrap_or(0));
    let len = head.len().min(255) as u64;
    let h = (at(0) | at(1) << 8 | len << 16).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    // The top 16 bits: 65,536 bits, so with ~200 titles few other words
    // share a title's bit.
    (h >> 48) as usize
}

/// One entry of [`Lexicon::slots`]; an empty slot has `len` 0 (and tag 0).
#[derive(Clone, Copy, Default)]
struct Slot {
    lo: u64,
    hi: u64,
    len: u8,
    bits: u8,
}

/// Longest word kept in [`Lexicon::slots`].
const PACKED: usize = 16;

/// A word of 1 to [`PACKED`] bytes as two integers that, with its length,
/// identify it: the first and last 8 bytes (overlapping for a short word),
/// or the first and last 4, or the first, middle and last byte. Together
/// they cover every byte, so two words of one length that differ differ
/// here. `None` for an empty or longer word.
fn pack(b: &[u8]) -> Option<(u64, u64)> {
    let n = b.len();
    let at = |k: usize| u64::from(b.get(k).copied().unwrap_or(0));
    let rd4 = |k: usize| {
        b.get(k..k + 4)
            .and_then(|s| <[u8; 4]>::try_from(s).ok())
            .map_or(0, |a| u64::from(u32::from_le_bytes(a)))
    };
    let rd8 = |k: usize| {
        b.get(k..k + 8)
            .and_then(|s| <[u8; 8]>::try_from(s).ok())
            .map_or(0, u64::from_le_bytes)
    };
    match n {
        1..=3 => Some((at(0) | at(n / 2) << 8 | at(n - 1) << 16, 0)),
        4..=7 => Some((rd4(0) | rd4(n - 4) << 32, 0)),
        8..=PACKED => Some((rd8(0), rd8(n - 8))),
        _ => None,
    }
}

impl Lexicon {
    /// The lists (bits [`GIVEN`] to [`PLACE_PLURAL`]) a lowercase word is on.
    pub fn flags(&self, lw: &str) -> u8 {
        let b = lw.as_bytes();
        let Some((lo, hi)) = pack(b) else {
            return if b.is_empty() {
                0
            } else {
                self.long.get(lw).copied().unwrap_or(0)
            };
        };
        // A miss ends at an empty tag: its slot is not read.
        match self.probe(lo, hi, b.len()) {
            Some(i) if self.tags.get(i).is_some_and(|&t| t != 0) => {
                self.slots.get(i).map_or(0, |s| s.bits)
            }
            _ => 0,
        }
    }

    /// False when the lowercase word is surely no title: neither on the
    /// list nor made of titles joined by hyphens. One bit read from a
    /// table of 8 KB, where [`Lexicon::flags`] probes tables of 256 KB and
    /// 3 MB: the word before every capitalised word is asked whether it is
    /// a title, and most ("the", "and", "said") are not.
    pub fn may_be_title(&self, lw: &str) -> bool {
        let k = title_key(lw.as_bytes());
        self.title_keys
            .get(k / 64)
            .is_some_and(|bits| bits >> (k % 64) & 1 != 0)
    }

    /// Add `bits` to a word's entry, creating it.
    fn add(&mut self, w: &str, bits: u8) {
        let b = w.as_bytes();
        let Some((lo, hi)) = pack(b) else {
            if !b.is_empty() {
                *self.long.entry(w.to_string()).or_default() |= bits;
            }
            return;
        };
        let Some(i) = self.probe(lo, hi, b.len()) else {
            return;
        };
        let (Some(s), Some(t)) = (self.slots.get_mut(i), self.tags.get_mut(i)) else {
            return;
        };
        if *t == 0 {
            *s = Slot {
                lo,
                hi,
                len: u8::try_from(b.len()).unwrap_or(0),
                bits,
            };
            *t = tag_of(hash(lo, hi, b.len()));
        } else {
            s.bits |= bits;
        }
    }

    /// The slot holding the packed word, or the empty slot where it would
    /// go (an empty slot's `bits` are 0, its tag 0). `None` only if the
    /// table were full, which it never is: the bound keeps the loop finite
    /// on any input.
    fn probe(&self, lo: u64, hi: u64, len: usize) -> Option<usize> {
        let mask = self.slots.len().wrapping_sub(1);
        let h = hash(lo, hi, len);
        let tag = tag_of(h);
        // The top 32 bits, masked to the table's size (2^32 slots at most:
        // far above the lists' size).
        let mut i = (h >> 32) as usize & mask;
        for _ in 0..self.slots.len() {
            let t = *self.tags.get(i)?;
            if t == 0 {
                return Some(i);
            }
            if t == tag {
                let s = self.slots.get(i)?;
                if s.lo == lo && s.hi == hi && usize::from(s.len) == len {
                    return Some(i);
                }
            }
            i = (i + 1) & mask;
        }
        None
    }
}

/// A packed word's hash: multiplicative, so the high bits are the mixed ones.
fn hash(lo: u64, hi: u64, len: usize) -> u64 {
    (lo ^ hi.rotate_left(29) ^ (len as u64)).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// A word's tag in [`Lexicon::tags`]: 16 bits of its hash below those that
/// pick the slot, never 0 (the empty slot's tag).
fn tag_of(h: u64) -> u16 {
    (h >> 16) as u16 | 1
}

/// Lines of a data file that are not blank and not `#` comments, lowercased.
#[cfg(test)]
fn entries(text: &'static str) -> impl Iterator<Item = String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_lowercase)
}

/// Calls `f` with each line of a data file that is not blank and not a `#`
/// comment, lowercased (as the tests' `entries` yields them), but without a
/// `String` per entry: an ASCII line (nearly all of them) is lowercased in one
/// reused buffer.
fn for_each_entry(text: &str, buf: &mut String, mut f: impl FnMut(&str)) {
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.is_ascii() {
            buf.clear();
            buf.push_str(line);
            buf.make_ascii_lowercase();
            f(buf);
        } else {
            f(&line.to_lowercase());
        }
    }
}

/// The data files and the bit each gives its words. `orgs.txt` gives
/// [`SOFT_ORG`] instead to a word written with a trailing `?`, and every
/// place also gives its plural [`PLACE_PLURAL`].
const LISTS: [(&str, u8); 7] = [
    (include_str!("../../../data/people/given_names.txt"), GIVEN),
    (
        include_str!("../../../data/people/extra_given_names.txt"),
        GIVEN,
    ),
    (include_str!("../../../data/people/surnames.txt"), SURNAME),
    (include_str!("../../../data/people/titles.txt"), TITLE),
    (include_str!("../../../data/people/stopwords.txt"), STOP),
    (include_str!("../../../data/people/places.txt"), PLACE),
    (include_str!("../../../data/people/orgs.txt"), ORG),
];

/// The shared lexicon, built once on first use (about 5 ms).
///
/// Each list's lines go straight into the table: the table ORs the bits of
/// a word met twice, so nothing needs de-duplicating first. Collecting
/// each list into a set of lowercased `String`s first took about 9 ms (the
/// median first `people()` call of a process) and was a fifth of a
/// two-file ingest's perf samples.
pub(super) static LEXICON: LazyLock<Lexicon> = LazyLock::new(|| {
    // Every line is at most one word (places twice, with the plural), so
    // this bounds the words; at most half full, probes stay short and a
    // miss (most lowercase words) soon meets an empty slot.
    let lines: usize = LISTS.iter().map(|(text, _)| text.lines().count()).sum();
    let places = LISTS
        .iter()
        .filter(|(_, bit)| *bit == PLACE)
        .map(|(text, _)| text.lines().count())
        .sum::<usize>();
    let size = (2 * (lines + places)).next_power_of_two().max(2);
    let mut lex = Lexicon {
        slots: vec![Slot::default(); size],
        tags: crate::pages::owned_zeroed(size),
        long: HashMap::new(),
        title_keys: vec![0; (1 << 16) / 64],
    };
    let mut buf = String::new();
    for (text, bit) in LISTS {
        for_each_entry(text, &mut buf, |w| match bit {
            ORG => match w.strip_suffix('?') {
                Some(soft) => lex.add(soft, SOFT_ORG),
                None => lex.add(w, ORG),
            },
            PLACE => {
                lex.add(w, PLACE);
                lex.add(&format!("{w}s"), PLACE_PLURAL);
            }
            TITLE => {
                lex.add(w, TITLE);
                let k = title_key(w.as_bytes());
                if let Some(bits) = lex.title_keys.get_mut(k / 64) {
                    *bits |= 1 << (k % 64);
                }
            }
            _ => lex.add(w, bit),
        });
    }
    lex
});

#[cfg(test)]
mod tests {
    use super::*;

    /// The table answers like a plain map from word to bits, built the way
    /// the lexicon was before it: for every entry, and for near misses
    /// (a letter more or less, another length, the plural).
    #[test]
    fn table_matches_a_plain_map() {
        // The files as the lexicon lists them; the map is built the plain way.
        let mut want: HashMap<String, u8> = HashMap::new();
        for (text, bit) in LISTS {
            for e in entries(text) {
                match (bit, e.strip_suffix('?')) {
                    (ORG, Some(soft)) => *want.entry(soft.to_string()).or_default() |= SOFT_ORG,
                    _ => *want.entry(e).or_default() |= bit,
                }
            }
        }
        let reference = |w: &str| {
            let plural = w
                .strip_suffix('s')
                .is_some_and(|st| want.get(st).is_some_and(|f| f & PLACE != 0));
            want.get(w).copied().unwrap_or(0) | if plural { PLACE_PLURAL } else { 0 }
        };
        let lex = &*LEXICON;
        let mut asked = 0;
        for w in want.keys() {
            let mut probes = vec![
                w.clone(),
                format!("{w}s"),
                format!("{w}a"),
                format!("a{w}"),
                w.to_uppercase(),
            ];
            let mut cut = w.clone();
            cut.pop();
            probes.push(cut);
            for p in probes {
                assert_eq!(lex.flags(&p), reference(&p), "{p:?}");
                asked += 1;
            }
        }
        assert!(asked > 100_000);
        for p in ["", "s", "x", "the", "zzzzzzzzzzzzzzzzzzzzzzzzz"] {
            assert_eq!(lex.flags(p), reference(p), "{p:?}");
        }
    }

    /// Every title passes [`Lexicon::may_be_title`], alone and as the
    /// first part of a hyphenated word; common words do not.
    #[test]
    fn title_filter_passes_every_title() {
        let lex = &*LEXICON;
        let titles: Vec<String> =
            entries(include_str!("../../../data/people/titles.txt")).collect();
        for t in &titles {
            assert!(lex.may_be_title(t), "{t:?}");
            for u in ["", "x", &titles[0]] {
                let joined = format!("{t}-{u}");
                assert!(lex.may_be_title(&joined), "{joined:?}");
            }
        }
        for w in ["the", "and", "of", "said", "", "-"] {
            assert!(!lex.may_be_title(w), "{w:?}");
        }
    }
}
