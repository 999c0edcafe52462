//! Word lists for people extraction, `data/people/*.txt`, as one lookup
//! table from a lowercase word to the bits of the lists it is on. In:
//! nothing (static data). Out: [`LEXICON`]. The table is built by the
//! build script (`build.rs`, with [`super::lexicon_table`]) and compiled
//! into the binary as bytes, read in place: nothing is built at run time.
//! Does not decide anything; the rules in the parent module do.

use super::lexicon_table::{BITS_AT, LEN_AT, SLOT_BYTES, hash, home, pack, tag_of, title_key};
pub(super) use super::lexicon_table::{
    GIVEN, ORG, PLACE, PLACE_PLURAL, SOFT_ORG, STOP, SURNAME, TITLE,
};

/// Every list, lowercased, as one table (the lists were sets of `String`,
/// one lookup per list asked, then a `HashMap<String, u8>`: its probes,
/// each a cache miss into the table and another into the key's heap copy
/// plus a `memcmp` call, showed in profiles; then this table built at
/// start-up, about 5 ms of CPU per process and 3 MB of fresh pages, which
/// ingest hid on a thread of its own).
pub(super) struct Lexicon {
    /// Words of 16 bytes or fewer, keyed by their bytes packed in two
    /// integers ([`pack`]): a probe compares integers in the slot itself.
    /// [`SLOT_BYTES`] per slot: `lo`, `hi`, length, bits.
    slots: &'static [u8],
    /// Beside each slot, 16 bits of its word's hash ([`tag_of`]), 0 for an
    /// empty slot, two bytes each. A probe walks these and reads a slot
    /// only where the tag matches: the tags are 256 KB and stay in the
    /// core's L2 cache, the slots are 3 MB and do not, and most words asked
    /// (capitalised words that are on no list, and every near miss) are
    /// answered by the tags.
    tags: &'static [u8],
    /// Longer words (a handful of names and organisations), sorted.
    long: &'static [(&'static str, u8)],
    /// The bits at the [`title_key`] of each [`TITLE`] word, as `u64`s: a
    /// word whose bit is not set is no title, and neither made of titles
    /// joined by hyphens ([`Lexicon::may_be_title`]).
    title_keys: &'static [u8],
}

/// The shared lexicon: the table `build.rs` wrote into `OUT_DIR`.
pub(super) static LEXICON: Lexicon = Lexicon {
    slots: include_bytes!(concat!(env!("OUT_DIR"), "/lexicon-slots.bin")),
    tags: include_bytes!(concat!(env!("OUT_DIR"), "/lexicon-tags.bin")),
    long: include!(concat!(env!("OUT_DIR"), "/lexicon-long.rs")),
    title_keys: include_bytes!(concat!(env!("OUT_DIR"), "/lexicon-titles.bin")),
};

/// `N` little-endian bytes at `at` of `bytes`, if there are that many.
fn read<const N: usize>(bytes: &[u8], at: usize) -> Option<[u8; N]> {
    bytes
        .get(at..at.checked_add(N)?)
        .and_then(|s| <[u8; N]>::try_from(s).ok())
}

impl Lexicon {
    /// The lists (bits [`GIVEN`] to [`PLACE_PLURAL`]) a lowercase word is on.
    pub fn flags(&self, lw: &str) -> u8 {
        let b = lw.as_bytes();
        let Some((lo, hi)) = pack(b) else {
            return self
                .long
                .binary_search_by(|(w, _)| (*w).cmp(lw))
                .ok()
                .and_then(|i| self.long.get(i))
                .map_or(0, |&(_, bits)| bits);
        };
        self.find(lo, hi, b.len())
            .and_then(|i| read::<SLOT_BYTES>(self.slots, i * SLOT_BYTES))
            .map_or(0, |s| s[BITS_AT])
    }

    /// False when the lowercase word is surely no title: neither on the
    /// list nor made of titles joined by hyphens. One bit read from a
    /// table of 8 KB, where [`Lexicon::flags`] probes tables of 256 KB and
    /// 3 MB: the word before every capitalised word is asked whether it is
    /// a title, and most ("the", "and", "said") are not.
    pub fn may_be_title(&self, lw: &str) -> bool {
        let k = title_key(lw.as_bytes());
        read::<8>(self.title_keys, k / 64 * 8)
            .is_some_and(|bits| u64::from_le_bytes(bits) >> (k % 64) & 1 != 0)
    }

    /// The slot holding the packed word, or `None` when a probe meets an
    /// empty slot first (a miss reads no slot). The bound keeps the loop
    /// finite on any table.
    fn find(&self, lo: u64, hi: u64, len: usize) -> Option<usize> {
        let n = self.tags.len() / 2;
        let mask = n.wrapping_sub(1);
        let h = hash(lo, hi, len);
        let tag = tag_of(h);
        let mut i = home(h, mask);
        for _ in 0..n {
            let t = u16::from_le_bytes(read::<2>(self.tags, i * 2)?);
            if t == 0 {
                return None;
            }
            if t == tag {
                let s = read::<SLOT_BYTES>(self.slots, i * SLOT_BYTES)?;
                let word = |k: usize| read::<8>(&s, k).map(u64::from_le_bytes);
                if word(0) == Some(lo) && word(8) == Some(hi) && usize::from(s[LEN_AT]) == len {
                    return Some(i);
                }
            }
            i = (i + 1) & mask;
        }
        None
    }
}

/// Lines of a data file that are not blank and not `#` comments, lowercased.
#[cfg(test)]
fn entries(text: &str) -> impl Iterator<Item = String> + '_ {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_lowercase)
}

#[cfg(test)]
mod tests {
    use super::super::lexicon_table::LISTS;
    use super::*;
    use std::collections::HashMap;

    /// Each list's text, read from `data/people/`, with its bit.
    fn lists() -> Vec<(String, u8)> {
        LISTS
            .iter()
            .map(|&(file, bit)| {
                let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("data/people")
                    .join(file);
                let text = std::fs::read_to_string(&path)
                    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                (text, bit)
            })
            .collect()
    }

    /// The table answers like a plain map from word to bits, built the way
    /// the lexicon was before it: for every entry, and for near misses
    /// (a letter more or less, another length, the plural).
    #[test]
    fn table_matches_a_plain_map() {
        // The files as the lexicon lists them; the map is built the plain way.
        let mut want: HashMap<String, u8> = HashMap::new();
        for (text, bit) in lists() {
            for e in entries(&text) {
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
        let lex = &LEXICON;
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
        let lex = &LEXICON;
        let titles: Vec<String> = lists()
            .iter()
            .filter(|(_, bit)| *bit == TITLE)
            .flat_map(|(t, _)| entries(t))
            .collect();
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
