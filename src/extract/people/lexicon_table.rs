//! The people lexicon's lookup table, built from the word lists: shared by
//! the build script, which builds it once and writes it as bytes into the
//! binary, and by [`super::lexicon`], which reads those bytes in place. In:
//! the text of each list with the bits its words get. Out: the table's
//! parts as little-endian bytes ([`Built`]). Does not look words up; the
//! layout written here is the one `lexicon` reads, so the two cannot
//! disagree. Self-contained (std only): `build.rs` includes this file with
//! `#[path]`.

// The build script uses only the builder; the crate uses only the layout.
#![allow(dead_code)]

/// Bits of a word's entry: the lists it is on.
pub const GIVEN: u8 = 1;
pub const SURNAME: u8 = 1 << 1;
pub const TITLE: u8 = 1 << 2;
pub const STOP: u8 = 1 << 3;
pub const PLACE: u8 = 1 << 4;
pub const ORG: u8 = 1 << 5;
pub const SOFT_ORG: u8 = 1 << 6;
/// Not a list: the word is a place's name plus "s" ("Iraqis", "Chechens"),
/// the plural of a people. Stored so that asking costs no second lookup.
pub const PLACE_PLURAL: u8 = 1 << 7;

/// The lists, files of `data/people/`, and the bit each gives its words.
pub const LISTS: [(&str, u8); 7] = [
    ("given_names.txt", GIVEN),
    ("extra_given_names.txt", GIVEN),
    ("surnames.txt", SURNAME),
    ("titles.txt", TITLE),
    ("stopwords.txt", STOP),
    ("places.txt", PLACE),
    ("orgs.txt", ORG),
];

/// Longest word kept in the slots; longer ones go to a sorted list.
pub const PACKED: usize = 16;

/// Bytes of one slot: its word packed in two `u64`s ([`pack`]) at 0 and
/// 8, the word's length at [`LEN_AT`] and its bits at [`BITS_AT`], then
/// padding (24 bytes, as the `Slot` struct the table was built of at run
/// time).
pub const SLOT_BYTES: usize = 24;
/// Where a slot holds its word's length (0 in an empty slot).
pub const LEN_AT: usize = 16;
/// Where a slot holds its word's bits.
pub const BITS_AT: usize = 17;

/// Bits in the title filter ([`title_key`]'s range): 65,536, 8 KB.
pub const TITLE_KEY_BITS: usize = 1 << 16;

/// A word of 1 to [`PACKED`] bytes as two integers that, with its length,
/// identify it: the first and last 8 bytes (overlapping for a short word),
/// or the first and last 4, or the first, middle and last byte. Together
/// they cover every byte, so two words of one length that differ differ
/// here. `None` for an empty or longer word.
pub fn pack(b: &[u8]) -> Option<(u64, u64)> {
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

/// A packed word's hash: multiplicative, so the high bits are the mixed ones.
pub fn hash(lo: u64, hi: u64, len: usize) -> u64 {
    (lo ^ hi.rotate_left(29) ^ (len as u64)).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// A word's tag: 16 bits of its hash below those that pick the slot, never
/// 0 (the empty slot's tag).
pub fn tag_of(h: u64) -> u16 {
    (h >> 16) as u16 | 1
}

/// The slot a probe for this hash starts at: the top 32 bits, masked to
/// the table's size (a power of two).
pub fn home(h: u64, mask: usize) -> usize {
    (h >> 32) as usize & mask
}

/// Where a word's bit is in the title filter: a hash of the first two
/// bytes and the length of its first part (up to a hyphen). A hyphenated
/// word has the key of its first part, so a word made of titles
/// ("major-general") passes if its first part is one.
pub fn title_key(lw: &[u8]) -> usize {
    let head = lw
        .iter()
        .position(|&b| b == b'-')
        .and_then(|at| lw.get(..at))
        .unwrap_or(lw);
    let at = |k: usize| u64::from(head.get(k).copied().unwrap_or(0));
    let len = head.len().min(255) as u64;
    let h = (at(0) | at(1) << 8 | len << 16).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    // The top 16 bits: with ~200 titles few other words share a title's bit.
    (h >> 48) as usize
}

/// Calls `f` with each line of a list that is not blank and not a `#`
/// comment, lowercased.
pub fn for_each_entry(text: &str, mut f: impl FnMut(&str)) {
    let mut buf = String::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.is_ascii() {
            buf.clear();
            buf.push_str(line);
            buf.make_ascii_lowercase();
            f(&buf);
        } else {
            f(&line.to_lowercase());
        }
    }
}

/// The table's parts, each as the bytes the binary holds.
pub struct Built {
    /// [`SLOT_BYTES`] per slot; a power-of-two count of slots.
    pub slots: Vec<u8>,
    /// A `u16` tag per slot, 0 for an empty one.
    pub tags: Vec<u8>,
    /// The title filter: [`TITLE_KEY_BITS`] bits as `u64` words.
    pub title_keys: Vec<u8>,
    /// Words longer than [`PACKED`] bytes with their bits, sorted.
    pub long: Vec<(String, u8)>,
}

/// Build the table from each list's text and the bit its words get.
/// `orgs` words written with a trailing `?` get [`SOFT_ORG`] instead of
/// [`ORG`], and every place also gives its plural [`PLACE_PLURAL`].
pub fn build(lists: &[(&str, u8)]) -> Built {
    // Every line is at most one word (places twice, with the plural), so
    // this bounds the words; at most half full, probes stay short and a
    // miss (most lowercase words) soon meets an empty slot.
    let lines: usize = lists.iter().map(|(text, _)| text.lines().count()).sum();
    let places: usize = lists
        .iter()
        .filter(|(_, bit)| *bit == PLACE)
        .map(|(text, _)| text.lines().count())
        .sum();
    let size = (2 * (lines + places)).next_power_of_two().max(2);
    let mut t = Builder {
        slots: vec![(0, 0, 0, 0); size],
        tags: vec![0; size],
        long: std::collections::BTreeMap::new(),
        title_keys: vec![0; TITLE_KEY_BITS / 64],
    };
    for &(text, bit) in lists {
        for_each_entry(text, |w| match bit {
            ORG => match w.strip_suffix('?') {
                Some(soft) => t.add(soft, SOFT_ORG),
                None => t.add(w, ORG),
            },
            PLACE => {
                t.add(w, PLACE);
                t.add(&format!("{w}s"), PLACE_PLURAL);
            }
            TITLE => {
                t.add(w, TITLE);
                let k = title_key(w.as_bytes());
                if let Some(bits) = t.title_keys.get_mut(k / 64) {
                    *bits |= 1 << (k % 64);
                }
            }
            _ => t.add(w, bit),
        });
    }
    let mut slots = Vec::with_capacity(size * SLOT_BYTES);
    for &(lo, hi, len, bits) in &t.slots {
        let mut slot = [0u8; SLOT_BYTES];
        slot[..8].copy_from_slice(&lo.to_le_bytes());
        slot[8..16].copy_from_slice(&hi.to_le_bytes());
        slot[LEN_AT] = len;
        slot[BITS_AT] = bits;
        slots.extend_from_slice(&slot);
    }
    Built {
        slots,
        tags: t.tags.iter().flat_map(|t| t.to_le_bytes()).collect(),
        title_keys: t.title_keys.iter().flat_map(|k| k.to_le_bytes()).collect(),
        long: t.long.into_iter().collect(),
    }
}

/// The table while it is filled: linear probing, entries as
/// (lo, hi, len, bits).
struct Builder {
    slots: Vec<(u64, u64, u8, u8)>,
    tags: Vec<u16>,
    long: std::collections::BTreeMap<String, u8>,
    title_keys: Vec<u64>,
}

impl Builder {
    /// Add `bits` to a word's entry, creating it (a word met twice gets
    /// the bits of both).
    fn add(&mut self, w: &str, bits: u8) {
        let b = w.as_bytes();
        let Some((lo, hi)) = pack(b) else {
            if !b.is_empty() {
                *self.long.entry(w.to_string()).or_default() |= bits;
            }
            return;
        };
        let h = hash(lo, hi, b.len());
        let mask = self.slots.len() - 1;
        let mut i = home(h, mask);
        // The table is at most half full, so an empty slot comes.
        loop {
            if self.tags[i] == 0 {
                self.slots[i] = (lo, hi, b.len() as u8, bits);
                self.tags[i] = tag_of(h);
                return;
            }
            let s = &mut self.slots[i];
            if s.0 == lo && s.1 == hi && usize::from(s.2) == b.len() {
                s.3 |= bits;
                return;
            }
            i = (i + 1) & mask;
        }
    }
}
