//! The text analyzer of article text and of queries over it. In: a `&str`
//! (a title, a body, a query's words). Out: tantivy tokens: hyphen-aware
//! words, lowercased, accents folded ("Müller" finds "Muller"),
//! English-stemmed ("pacts" finds "pact"), with byte offsets and positions.
//! It does not decide which fields use it (`schema` registers it) and does
//! not remove stop words: "The Who" must stay findable.
//!
//! [`text_analyzer`] is one fused tokenizer, [`NewsTokenizer`], that gives
//! exactly the tokens of the filter chain it replaced: `HyphenTokenizer`
//! (kept in the tests as the reference), then tantivy's
//! `RemoveLongFilter::limit(40)`, `LowerCaser`, `AsciiFoldingFilter` and
//! English `Stemmer`; the tests compare it with that chain on any text.
//!
//! At ingest it runs over every title and body on the workers
//! ([`pre_analyze`]), and tantivy's one indexing thread, which was ingest's
//! critical path while it analyzed, only replays the tokens
//! ([`ReplayTokenizer`], in `replay`).

mod replay;

pub use replay::{ReplayTokenizer, pre_analyze, pre_analyze_words, word_hashes};

use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RawTokenizer, TextAnalyzer, Token, TokenStream, Tokenizer,
};

/// The analyzer for article text (and for queries against it).
pub fn text_analyzer() -> TextAnalyzer {
    TextAnalyzer::from(NewsTokenizer::default())
}

/// Words whose text (as the tokenizer cut it, before lowercasing) has this
/// many bytes or more are not indexed: tantivy's `RemoveLongFilter::limit(40)`.
const MAX_WORD_BYTES: usize = 40;

/// The slots of a [`StemCache`]'s table of short words (a power of two):
/// 65,536 slots of 24 bytes, 1.5 MB, inside a core's 2 MB L2 cache.
/// About half of the analyzer's time is the load of a looked-up slot. The
/// table is two-way set-associative (a word's hash picks a pair of
/// adjacent slots; see [`StemCache::get`]): a hit is one or two loads from
/// one place, and a full table needs no clearing. A hashbrown map of 28,672
/// words cost a control-byte load besides, and emptied itself when full.
/// `stage_profile` on r001+r002, analyzer over title and body, min of five:
/// 0.527 s (hashbrown) -> 0.489 (direct-mapped) -> 0.461 (and the key packed
/// straight from the text, [`pack_lowercase`]).
///
/// The size and the ways were then set on a long ingest, where a replica
/// has about 100,000 distinct words and a miss costs about 0.4 µs of
/// stemming. Misses over six bench replicas (a counting build): 938,000
/// with 32,768 direct-mapped slots, 342,000 now. `stage_profile` on
/// r001-r008: analyzer 2.16 -> 1.78 s, the whole document stage 3.54 ->
/// 2.95 s. The raw files of those replicas on one thread: 2.52 s ->
/// 2.23 s (direct-mapped 65,536 slots: 2.30 s; two-way 131,072, 3 MB:
/// 2.19 s).
const STEM_CACHE_SLOTS: usize = 65_536;

/// The slots a [`StemCache`]'s table starts with (24 KB); it doubles as it
/// fills, up to [`STEM_CACHE_SLOTS`].
const STEM_CACHE_FIRST_SLOTS: usize = 1_024;

/// Byte classes for the word scan: an ASCII byte is a separator, a digit or
/// a letter; any other byte starts (or continues) a multi-byte character,
/// which is decoded and asked `char::is_alphanumeric`.
const SEPARATOR: u8 = 0;
const DIGIT: u8 = 1;
const LETTER: u8 = 2;
const MULTIBYTE: u8 = 3;

static CLASS: [u8; 256] = {
    let mut t = [MULTIBYTE; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = if c.is_ascii_digit() {
            DIGIT
        } else if c.is_ascii_alphabetic() {
            LETTER
        } else {
            SEPARATOR
        };
        b += 1;
    }
    t
};

/// The whole analyzer as one tokenizer. The chain it replaces cost about
/// 11% of ingest's CPU, then all of it on tantivy's indexing thread: each token
/// went through five stream layers, was scanned char by char, checked for
/// ASCII twice and lowercased in a second pass. Here an ASCII word (nearly
/// all of news text) is found by a byte-class scan, copied lowercased in
/// one pass and needs no folding; a word with other characters goes
/// through tantivy's own `LowerCaser` and `AsciiFoldingFilter`, so it is
/// by construction what the chain gave. A word of digits only skips the
/// stemmer, which leaves such words as they are (a test checks it).
#[derive(Clone)]
pub struct NewsTokenizer {
    token: Token,
    cache: StemCache,
    /// tantivy's lowercaser and folder over one whole word, for words
    /// with a non-ASCII character.
    unicode: TextAnalyzer,
    /// A joined compound's text before lowercasing, for the Unicode path.
    scratch: String,
}

impl Default for NewsTokenizer {
    fn default() -> Self {
        NewsTokenizer::with_cache_limit(STEM_CACHE_SLOTS)
    }
}

impl NewsTokenizer {
    /// A tokenizer whose stem cache has `limit` slots (rounded up to a power
    /// of two) for words of up to 15 bytes, and remembers at most `limit`
    /// longer ones.
    pub fn with_cache_limit(limit: usize) -> NewsTokenizer {
        NewsTokenizer {
            token: Token::default(),
            cache: StemCache::new(limit),
            unicode: TextAnalyzer::builder(RawTokenizer::default())
                .filter(LowerCaser)
                .filter(AsciiFoldingFilter)
                .build(),
            scratch: String::new(),
        }
    }
}

impl Tokenizer for NewsTokenizer {
    type TokenStream<'a> = NewsTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> NewsTokenStream<'a> {
        self.token.reset();
        NewsTokenStream {
            text,
            cursor: 0,
            position: 0,
            prev_end: None,
            chain_start: 0,
            pending: None,
            word_hash: 0,
            tokenizer: self,
        }
    }
}

/// Token stream of [`NewsTokenizer`]; the word and compound logic is
/// the chain's `HyphenTokenizer`'s.
pub struct NewsTokenStream<'a> {
    text: &'a str,
    /// Byte offset where scanning resumes.
    cursor: usize,
    /// Position the next word gets.
    position: usize,
    /// End of the previous word, if any.
    prev_end: Option<usize>,
    /// Start of the current hyphen chain.
    chain_start: usize,
    /// A joined compound to emit next: `(from, to, position)`.
    pending: Option<(usize, usize, usize)>,
    /// [`word_hash`] of the last term's word, lowercased and folded but
    /// not stemmed; [`pre_analyze_words`] hands it on.
    word_hash: u64,
    tokenizer: &'a mut NewsTokenizer,
}

/// One word found by [`NewsTokenStream::next_word`].
struct Word {
    start: usize,
    end: usize,
    /// Every byte is ASCII.
    ascii: bool,
    /// Every character is an ASCII digit.
    digits: bool,
}

impl NewsTokenStream<'_> {
    /// The character at byte `i` (a character boundary) and its length.
    fn char_at(&self, i: usize) -> Option<(char, usize)> {
        let c = self.text.get(i..)?.chars().next()?;
        Some((c, c.len_utf8()))
    }

    /// The next maximal run of letters and digits from the cursor.
    fn next_word(&self) -> Option<Word> {
        let bytes = self.text.as_bytes();
        let mut i = self.cursor;
        loop {
            let b = *bytes.get(i)?;
            match CLASS[usize::from(b)] {
                SEPARATOR => i += 1,
                MULTIBYTE => {
                    let (c, len) = self.char_at(i)?;
                    if c.is_alphanumeric() {
                        break;
                    }
                    i += len;
                }
                _ => break,
            }
        }
        let start = i;
        let (mut ascii, mut digits) = (true, true);
        while let Some(&b) = bytes.get(i) {
            match CLASS[usize::from(b)] {
                DIGIT => i += 1,
                LETTER => {
                    digits = false;
                    i += 1;
                }
                MULTIBYTE => match self.char_at(i) {
                    Some((c, len)) if c.is_alphanumeric() => {
                        ascii = false;
                        digits = false;
                        i += len;
                    }
                    _ => break,
                },
                _ => break,
            }
        }
        Some(Word {
            start,
            end: i,
            ascii,
            digits,
        })
    }

    /// Append the term of the word or joined compound `from..to` to
    /// `dest`; false, with `dest` as it was, when it is too long to index
    /// (the chain's `RemoveLongFilter`). Appending, not filling a token,
    /// lets [`pre_analyze`] write terms straight into its output.
    fn append_term(
        &mut self,
        from: usize,
        to: usize,
        joined: bool,
        word: Option<&Word>,
        dest: &mut String,
    ) -> bool {
        let source: &str = self.text;
        let Some(text) = source.get(from..to) else {
            return false;
        };
        let (ascii, digits) = match word {
            Some(w) => (w.ascii, w.digits),
            None => (
                text.is_ascii(),
                text.bytes().all(|b| b.is_ascii_digit() || b == b'-'),
            ),
        };
        let start = dest.len();
        let tok = &mut *self.tokenizer;
        // The common case, a plain ASCII word of 3 to 15 bytes with letters:
        // its lowercased bytes are packed straight from the text, and a
        // cached stem is written from the packed copy, so the word is
        // neither copied and lowercased in `dest` first nor packed again.
        if ascii
            && !joined
            && !digits
            && let Some(key) = pack_lowercase(source.as_bytes(), from, to)
        {
            // The word's hash from its packed bytes, as `word_hash` would
            // give it from them: one multiply, no second pass.
            self.word_hash = packed_word_hash(key);
            if let Some(edit) = tok.cache.get(key) {
                edit.apply_packed(key, dest);
                return true;
            }
        }
        if ascii {
            if joined {
                dest.extend(text.bytes().filter(|&b| b != b'-').map(char::from));
            } else {
                dest.push_str(text);
            }
            if dest.len() - start >= MAX_WORD_BYTES {
                dest.truncate(start);
                return false;
            }
            if let Some(term) = dest.get_mut(start..) {
                term.make_ascii_lowercase();
            }
        } else {
            let original = &mut tok.scratch;
            original.clear();
            if joined {
                original.extend(text.chars().filter(|c| !is_hyphen(*c)));
            } else {
                original.push_str(text);
            }
            if original.len() >= MAX_WORD_BYTES {
                return false;
            }
            let mut stream = tok.unicode.token_stream(original);
            // The raw tokenizer yields its one token; keeping the word as
            // it is otherwise is the total fallback.
            if stream.advance() {
                dest.push_str(&stream.token().text);
            } else {
                dest.push_str(original);
            }
        }
        self.word_hash = word_hash(dest.as_bytes().get(start..).unwrap_or_default());
        if !digits {
            tok.cache.stem(dest, start);
        }
        true
    }

    /// Append the next term to `dest`: its source range and position, or
    /// `None` at the end of the text.
    fn next_term(&mut self, dest: &mut String) -> Option<(usize, usize, usize)> {
        loop {
            if let Some((from, to, position)) = self.pending.take() {
                if self.append_term(from, to, true, None, dest) {
                    return Some((from, to, position));
                }
                continue;
            }
            let Some(word) = self.next_word() else {
                self.cursor = self.text.len();
                return None;
            };
            // A word continues a chain when exactly one hyphen separates it
            // from the previous word ("non-aggression"), not " - " or "--".
            let continues = self
                .prev_end
                .and_then(|prev| self.text.get(prev..word.start))
                .is_some_and(is_one_hyphen);
            if !continues {
                self.chain_start = word.start;
            }
            let position = self.position;
            self.position += 1;
            self.prev_end = Some(word.end);
            self.cursor = word.end;
            if continues {
                self.pending = Some((self.chain_start, word.end, position));
            }
            if self.append_term(word.start, word.end, false, Some(&word), dest) {
                return Some((word.start, word.end, position));
            }
        }
    }
}

impl TokenStream for NewsTokenStream<'_> {
    fn advance(&mut self) -> bool {
        // The token's own buffer, taken out for the call and put back.
        let mut text = std::mem::take(&mut self.tokenizer.token.text);
        text.clear();
        let next = self.next_term(&mut text);
        let token = &mut self.tokenizer.token;
        token.text = text;
        let Some((from, to, position)) = next else {
            return false;
        };
        token.offset_from = from;
        token.offset_to = to;
        token.position = position;
        token.position_length = 1;
        true
    }

    fn token(&self) -> &Token {
        &self.tokenizer.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokenizer.token
    }
}

/// The gap between two words is exactly one hyphen character.
fn is_one_hyphen(gap: &str) -> bool {
    let mut chars = gap.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if is_hyphen(c))
}

/// Word -> stem, plus the stemmer that fills it.
///
/// Words of up to 15 bytes (nearly all) are keyed by their bytes packed
/// into 16 bytes with the length in the last byte (two `u64`s, not a
/// `u128`, whose 16-byte alignment would pad every slot from 24 to 32
/// bytes), and their stems kept inline as an edit of the word ([`Edit`]):
/// a lookup then hashes and compares integers in the table itself. With
/// `String` keys every lookup followed a pointer to the key's bytes and
/// called `memcmp`, about a tenth of ingest's CPU on the indexing thread.
struct StemCache {
    /// Two-way set-associative: a packed word's hash picks a pair of
    /// slots, the even one first. A new word goes into the odd slot, and a
    /// word found there swaps into the even one, so a word seen once cannot
    /// push out one that is found again and again (a direct-mapped table
    /// lost its frequent words to the long tail of names and numbers,
    /// three in a hundred lookups missing). A slot is the packed key and
    /// the packed [`Edit`]; all zeros is an empty slot (a packed word has
    /// its length, at least 3, in the last byte).
    ///
    /// The table starts at [`STEM_CACHE_FIRST_SLOTS`] and doubles (up to
    /// `max_slots`) each time it has taken in half its size of new words.
    /// A one-shot search makes several tokenizers and stems a few hundred
    /// words with each: a full table from the start (768 KB then) cost it 1.2 ms
    /// of page faults and writes (5.9 -> 7.1 ms end to end on the 1 GB
    /// index), while an ingest's tokenizers reach full size within their
    /// first thousand articles or so.
    slots: Box<[[u64; 3]]>,
    /// `64 - log2(slots.len())`: the hash's top bits, the last one
    /// cleared, pick the pair.
    shift: u32,
    /// The size the table stops doubling at.
    max_slots: usize,
    /// New words taken in since the table last doubled.
    taken: usize,
    /// Words of more than 15 bytes (few): emptied when it holds `limit`.
    stems: foldhash::HashMap<String, String>,
    limit: usize,
    /// The Snowball stemmer tantivy's `Stemmer` filter calls, called
    /// directly: a cached stem is by construction the one the uncached
    /// chain would give, without a boxed token stream, a token copy and
    /// two more strings per new word (48,744 of them in a BBC ingest).
    stemmer: frostem::Stemmer,
}

impl StemCache {
    fn new(limit: usize) -> StemCache {
        let max_slots = limit.next_power_of_two().max(2);
        let n = max_slots.min(STEM_CACHE_FIRST_SLOTS);
        StemCache {
            slots: crate::pages::owned_zeroed(n).into_boxed_slice(),
            shift: 64 - n.trailing_zeros(),
            max_slots,
            taken: 0,
            stems: foldhash::HashMap::default(),
            limit,
            stemmer: frostem::Stemmer::new(frostem::Algorithm::English),
        }
    }

    /// The first slot of a packed word's pair.
    fn pair(&self, key: [u64; 2]) -> usize {
        let h = (key[0] ^ key[1].rotate_left(29)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        (h >> self.shift) as usize & !1
    }

    /// Cache a new word's stem, doubling the table first if it has taken
    /// in half its size since it last did.
    fn take(&mut self, key: [u64; 2], edit: Edit) {
        self.taken += 1;
        if self.taken > self.slots.len() / 2 && self.slots.len() < self.max_slots {
            let n = self.slots.len() * 2;
            let old = std::mem::replace(
                &mut self.slots,
                crate::pages::owned_zeroed(n).into_boxed_slice(),
            );
            self.shift = 64 - n.trailing_zeros();
            self.taken = 0;
            // Each pair of the old table spreads over two pairs of the
            // new one; the words keep their order within a pair.
            for s in old.iter().filter(|s| s[0] != 0 || s[1] != 0) {
                let i = self.pair([s[0], s[1]]);
                let way = usize::from(self.slots.get(i).is_some_and(|t| t[0] != 0 || t[1] != 0));
                self.put(i + way, *s);
            }
        }
        let i = self.pair(key);
        self.put(i + 1, [key[0], key[1], edit.pack()]);
    }

    /// Write a slot (packed key and packed edit).
    fn put(&mut self, i: usize, slot: [u64; 3]) {
        if let Some(s) = self.slots.get_mut(i) {
            *s = slot;
        }
    }

    /// The cached stem of a packed word, as an edit of the word. A word
    /// found in the second slot of its pair moves to the first.
    fn get(&mut self, key: [u64; 2]) -> Option<Edit> {
        let i = self.pair(key);
        if let Some(&[k0, k1, edit]) = self.slots.get(i)
            && [k0, k1] == key
        {
            return Some(Edit::unpack(edit));
        }
        match self.slots.get(i + 1) {
            Some(&[k0, k1, edit]) if [k0, k1] == key => {
                self.slots.swap(i, i + 1);
                Some(Edit::unpack(edit))
            }
            _ => None,
        }
    }

    /// Replace the word that makes up `buf` from byte `start` on with its
    /// stem.
    fn stem(&mut self, buf: &mut String, start: usize) {
        let Some(word) = buf.get(start..) else {
            return;
        };
        // The English stemmer leaves words of one or two letters as they
        // are ("not hop 3" in its Snowball source; a test checks every
        // such ASCII word): a quarter of news tokens ("of", "to", "a")
        // need no lookup.
        if word.len() <= 2 {
            return;
        }
        let packed = pack(word);
        if let Some(key) = packed {
            if let Some(edit) = self.get(key) {
                edit.apply(buf, start);
                return;
            }
        } else if let Some(stem) = self.stems.get(word) {
            buf.truncate(start);
            buf.push_str(stem);
            return;
        }
        let stem = self.stemmer.stem(word);
        if let (Some(key), Some(edit)) = (packed, Edit::of(word, &stem)) {
            self.take(key, edit);
            edit.apply(buf, start);
            return;
        }
        let (word, stem) = (word.to_string(), stem.into_owned());
        buf.truncate(start);
        buf.push_str(&stem);
        if self.stems.len() >= self.limit {
            self.stems.clear();
        }
        self.stems.insert(word, stem);
    }
}

const _: () = assert!(Edit::MAX_TAIL + 2 == 8, "an edit packs into a u64");

/// `text` of at most 15 bytes as its bytes and, in the last byte, its
/// length (so "a" and "a\0" differ).
fn pack(text: &str) -> Option<[u64; 2]> {
    pack_bytes(text.as_bytes())
}

/// [`pack`] of any bytes.
fn pack_bytes(bytes: &[u8]) -> Option<[u64; 2]> {
    if bytes.len() > 15 {
        return None;
    }
    let mut b = [0u8; 16];
    b[..bytes.len()].copy_from_slice(bytes);
    b[15] = bytes.len() as u8;
    Some(key_of(b))
}

/// Sixteen bytes as a packed key: two little-endian `u64`s.
fn key_of(b: [u8; 16]) -> [u64; 2] {
    let (mut lo, mut hi) = ([0u8; 8], [0u8; 8]);
    lo.copy_from_slice(&b[..8]);
    hi.copy_from_slice(&b[8..]);
    [u64::from_le_bytes(lo), u64::from_le_bytes(hi)]
}

/// The constants of [`word_hash`] (wyhash's secrets: every one has bytes
/// of 0x80 and above, which a packed ASCII word never equals).
const WORD_SEED: [u64; 3] = [
    0xa076_1d64_78bd_642f,
    0xe703_7ed1_a0b4_28db,
    0x8ebc_6af0_9c88_c6e3,
];

/// The 128-bit product of `a` and `b`, its halves folded together: every
/// bit of either input reaches every bit of the result (wyhash's core). A
/// plain 64-bit multiply does not carry high bits down: with it, "uniq123"
/// and "uniq1231" collided one pair in 256.
fn fold_mul(a: u64, b: u64) -> u64 {
    let p = u128::from(a) * u128::from(b);
    (p as u64) ^ (p >> 64) as u64
}

/// A word's hash from its [`pack`]ed bytes: one wide multiply.
fn packed_word_hash(key: [u64; 2]) -> u64 {
    fold_mul(key[0] ^ WORD_SEED[0], key[1] ^ WORD_SEED[1])
}

/// A stable 64-bit hash of a term's bytes (the word lowercased and
/// folded, before stemming), the same for a word whichever way the
/// analyzer took: words of up to 15 bytes by their packed bytes, longer
/// ones eight bytes at a time. Defined here, not by a hasher crate, because
/// near prints and fingerprints built from it are stored in the index.
pub(crate) fn word_hash(term: &[u8]) -> u64 {
    if let Some(key) = pack_bytes(term) {
        return packed_word_hash(key);
    }
    let mut h = WORD_SEED[2] ^ term.len() as u64;
    for chunk in term.chunks(8) {
        let mut b = [0u8; 8];
        b[..chunk.len()].copy_from_slice(chunk);
        h = fold_mul(h ^ u64::from_le_bytes(b), WORD_SEED[1]);
    }
    h
}

/// [`key_of`] undone.
fn bytes_of(key: [u64; 2]) -> [u8; 16] {
    let mut b = [0u8; 16];
    b[..8].copy_from_slice(&key[0].to_le_bytes());
    b[8..].copy_from_slice(&key[1].to_le_bytes());
    b
}

/// Bit 5 of each byte: ORed into an ASCII letter it lowercases it, and an
/// ASCII digit has it already.
const LOWER_BITS: u64 = 0x2020_2020_2020_2020;

/// [`pack`] of `text[from..to]` lowercased, for a word of ASCII letters and
/// digits only of 3 to 15 bytes (`None` for any other length). The bytes are
/// read as two words straight from the text when 16 bytes follow `from`,
/// masked to the word, and lowercased by setting bit 5 of each byte.
fn pack_lowercase(text: &[u8], from: usize, to: usize) -> Option<[u64; 2]> {
    let len = to.checked_sub(from)?;
    if !(3..=15).contains(&len) {
        return None;
    }
    let mut b = [0u8; 16];
    match text.get(from..from + 16) {
        Some(window) => b.copy_from_slice(window),
        None => b.get_mut(..len)?.copy_from_slice(text.get(from..to)?),
    }
    let [lo, hi] = key_of(b);
    // The word's bytes in each half.
    let lo_mask = if len >= 8 {
        u64::MAX
    } else {
        (1u64 << (8 * len)) - 1
    };
    let hi_mask = if len <= 8 {
        0
    } else {
        (1u64 << (8 * (len - 8))) - 1
    };
    Some([
        (lo & lo_mask) | (LOWER_BITS & lo_mask),
        (hi & hi_mask) | (LOWER_BITS & hi_mask) | (len as u64) << 56,
    ])
}

/// A stem as an edit of its word: keep the word's first `keep` bytes, then
/// append `tail` (at most [`Edit::MAX_TAIL`] bytes). English stems are
/// nearly always the word itself or the word with its ending cut or
/// swapped ("said" keeps all, "pacts" keeps 4, "skies" keeps 3 and appends
/// "i"), so a cache hit mostly only truncates the token in place: writing
/// the whole stem back from a packed copy checked it as UTF-8 every time,
/// ~1% of ingest's CPU.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Edit {
    keep: u8,
    len: u8,
    tail: [u8; Edit::MAX_TAIL],
}

impl Edit {
    const MAX_TAIL: usize = 6;

    /// The edit as one integer: `keep`, `len`, then the tail's bytes
    /// (which is why the tail is six bytes).
    fn pack(&self) -> u64 {
        let mut b = [0u8; 8];
        b[0] = self.keep;
        b[1] = self.len;
        b[2..].copy_from_slice(&self.tail);
        u64::from_le_bytes(b)
    }

    /// [`Edit::pack`] undone.
    fn unpack(packed: u64) -> Edit {
        let b = packed.to_le_bytes();
        let mut tail = [0u8; Edit::MAX_TAIL];
        tail.copy_from_slice(&b[2..]);
        Edit {
            keep: b[0],
            len: b[1],
            tail,
        }
    }

    /// The edit turning `word` into `stem`, if its tail fits.
    fn of(word: &str, stem: &str) -> Option<Edit> {
        let mut keep = word
            .bytes()
            .zip(stem.bytes())
            .take_while(|(a, b)| a == b)
            .count();
        // Cut between characters in both, so `tail` is whole characters.
        while !(word.is_char_boundary(keep) && stem.is_char_boundary(keep)) {
            keep -= 1;
        }
        let rest = stem.get(keep..)?.as_bytes();
        if rest.len() > Edit::MAX_TAIL {
            return None;
        }
        let mut tail = [0u8; Edit::MAX_TAIL];
        tail[..rest.len()].copy_from_slice(rest);
        Some(Edit {
            keep: u8::try_from(keep).ok()?,
            len: rest.len() as u8,
            tail,
        })
    }

    /// Append the stem of the word packed as `key` (see [`pack`]) to `buf`.
    fn apply_packed(&self, key: [u64; 2], buf: &mut String) {
        let bytes = bytes_of(key);
        let len = usize::from(bytes[15]).min(15);
        let keep = usize::from(self.keep).min(len);
        // The key's word bytes are lowercased ASCII letters and digits.
        buf.extend(bytes.iter().take(keep).map(|&b| char::from(b)));
        let n = usize::from(self.len).min(Edit::MAX_TAIL);
        if n > 0
            && let Ok(tail) = std::str::from_utf8(&self.tail[..n])
        {
            buf.push_str(tail);
        }
    }

    /// Turn the word this edit was made from, `buf` from byte `start`
    /// on, into its stem.
    fn apply(&self, buf: &mut String, start: usize) {
        let keep = start + usize::from(self.keep);
        if keep < buf.len() && buf.is_char_boundary(keep) {
            buf.truncate(keep);
        }
        if self.len > 0 {
            // Whole characters cut from a `&str` by `of`; the check is on a
            // few bytes and only for the stems that append.
            let n = usize::from(self.len).min(Edit::MAX_TAIL);
            if let Ok(tail) = std::str::from_utf8(&self.tail[..n]) {
                buf.push_str(tail);
            }
        }
    }
}

impl Clone for StemCache {
    /// A clone starts empty: copying a full cache would cost more than
    /// refilling it, and the clones serve other fields and threads anyway.
    fn clone(&self) -> StemCache {
        StemCache::new(self.limit)
    }
}

/// The characters that join a compound: ASCII hyphen-minus, U+2010 and U+2011.
fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}')
}

/// The tokenizer of the filter chain [`NewsTokenizer`] replaced, kept as
/// the reference the tests compare it with.
#[cfg(test)]
mod chain {
    use super::is_hyphen;
    use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

    /// Splits on anything that is not a letter or digit, like tantivy's simple
    /// tokenizer, and additionally emits the joined form of a hyphenated compound
    /// at the position of its last part: "non-aggression pact" gives `non`(0),
    /// `aggression`(1), `nonaggression`(1), `pact`(2). So the phrase
    /// "non-aggression pact" matches, and so does "nonaggression pact" against an
    /// article that wrote the hyphen.
    ///
    /// It streams with one reused [`Token`] (no allocation per word): the
    /// analyzer runs over every body at ingest, where it is a large share of the
    /// indexing cost.
    #[derive(Clone, Default)]
    pub(super) struct HyphenTokenizer {
        token: Token,
    }

    /// Token stream of [`HyphenTokenizer`].
    pub(super) struct HyphenTokenStream<'a> {
        text: &'a str,
        /// Byte offset where scanning resumes.
        cursor: usize,
        /// Position the next word gets.
        position: usize,
        /// End of the previous word, if any.
        prev_end: Option<usize>,
        /// Start of the current hyphen chain.
        chain_start: usize,
        /// A joined compound to emit next: `(from, to, position)`.
        pending: Option<(usize, usize, usize)>,
        token: &'a mut Token,
    }

    impl Tokenizer for HyphenTokenizer {
        type TokenStream<'a> = HyphenTokenStream<'a>;
        fn token_stream<'a>(&'a mut self, text: &'a str) -> HyphenTokenStream<'a> {
            self.token.reset();
            HyphenTokenStream {
                text,
                cursor: 0,
                position: 0,
                prev_end: None,
                chain_start: 0,
                pending: None,
                token: &mut self.token,
            }
        }
    }

    impl HyphenTokenStream<'_> {
        fn set(&mut self, from: usize, to: usize, position: usize, joined: bool) {
            self.token.offset_from = from;
            self.token.offset_to = to;
            self.token.position = position;
            self.token.position_length = 1;
            self.token.text.clear();
            if joined {
                self.token
                    .text
                    .extend(self.text[from..to].chars().filter(|c| !is_hyphen(*c)));
            } else {
                self.token.text.push_str(&self.text[from..to]);
            }
        }
    }

    impl TokenStream for HyphenTokenStream<'_> {
        fn advance(&mut self) -> bool {
            if let Some((from, to, position)) = self.pending.take() {
                self.set(from, to, position, true);
                return true;
            }
            let rest = &self.text[self.cursor..];
            let Some((rel_start, _)) = rest.char_indices().find(|(_, c)| c.is_alphanumeric())
            else {
                self.cursor = self.text.len();
                return false;
            };
            let start = self.cursor + rel_start;
            let end = self.text[start..]
                .char_indices()
                .find(|(_, c)| !c.is_alphanumeric())
                .map_or(self.text.len(), |(i, _)| start + i);
            // A word continues a chain when exactly one hyphen separates it from
            // the previous word ("non-aggression"), not " - " or "--".
            let continues = self.prev_end.is_some_and(|prev| {
                let gap = &self.text[prev..start];
                let mut chars = gap.chars();
                matches!((chars.next(), chars.next()), (Some(c), None) if is_hyphen(c))
            });
            if !continues {
                self.chain_start = start;
            }
            let position = self.position;
            self.position += 1;
            self.prev_end = Some(end);
            self.cursor = end;
            self.set(start, end, position, false);
            if continues {
                self.pending = Some((self.chain_start, end, position));
            }
            true
        }

        fn token(&self) -> &Token {
            self.token
        }

        fn token_mut(&mut self) -> &mut Token {
            self.token
        }
    }

    /// The tokens of [`HyphenTokenizer`], with byte offsets into `text`.
    pub(super) fn hyphen_tokens(text: &str) -> Vec<Token> {
        let mut tokenizer = HyphenTokenizer::default();
        let mut stream = tokenizer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            out.push(stream.token().clone());
        }
        out
    }
}

/// The word hashes [`pre_analyze_words`] hands on, from the reference
/// chain without its stemmer: each indexed word at its own position
/// (not a joined compound, which shares the position of its last part),
/// lowercased and folded, through [`word_hash`].
#[cfg(test)]
pub(crate) fn reference_word_hashes(text: &str) -> Vec<u64> {
    let mut chain = TextAnalyzer::builder(chain::HyphenTokenizer::default())
        .filter(tantivy::tokenizer::RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build();
    let mut stream = chain.token_stream(text);
    let mut out = Vec::new();
    let mut next = 0;
    while stream.advance() {
        let token = stream.token();
        if token.position >= next {
            next = token.position + 1;
            out.push(word_hash(token.text.as_bytes()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::chain::{HyphenTokenizer, hyphen_tokens};
    use super::*;
    use tantivy::tokenizer::{Language, RemoveLongFilter, Stemmer};

    fn analyze(text: &str) -> Vec<(usize, String)> {
        let mut a = text_analyzer();
        let mut s = a.token_stream(text);
        let mut out = Vec::new();
        while let Some(t) = s.next() {
            out.push((t.position, t.text.clone()));
        }
        out
    }

    #[test]
    fn hyphenated_compounds_also_index_joined_form() {
        assert_eq!(
            analyze("non-aggression pacts"),
            [
                (0, "non".to_string()),
                (1, "aggress".to_string()),
                (1, "nonaggress".to_string()),
                (2, "pact".to_string())
            ]
        );
    }

    #[test]
    fn chains_join_every_part_so_far() {
        let t: Vec<(usize, String)> = hyphen_tokens("state-of-the-art kit")
            .into_iter()
            .map(|t| (t.position, t.text))
            .collect();
        let want = [
            (0, "state"),
            (1, "of"),
            (1, "stateof"),
            (2, "the"),
            (2, "stateofthe"),
            (3, "art"),
            (3, "stateoftheart"),
            (4, "kit"),
        ];
        assert_eq!(t.len(), want.len());
        for ((p, s), (wp, ws)) in t.iter().zip(want) {
            assert_eq!((*p, s.as_str()), (wp, ws));
        }
    }

    #[test]
    fn spaced_dash_is_not_a_compound() {
        let t = analyze("war - peace");
        assert_eq!(t.len(), 2);
    }

    #[test]
    fn accents_are_folded() {
        assert_eq!(analyze("Müller")[0].1, "muller");
        assert_eq!(analyze("Mélenchon")[0].1, "melenchon");
    }

    #[test]
    fn offsets_are_bytes_into_text() {
        let toks = hyphen_tokens("Café non-aggression");
        assert_eq!(
            &"Café non-aggression"[toks[0].offset_from..toks[0].offset_to],
            "Café"
        );
        assert_eq!(toks[3].text, "nonaggression");
    }

    /// The analyzer before the stem cache: tantivy's plain stemmer.
    fn uncached_analyzer() -> TextAnalyzer {
        TextAnalyzer::builder(HyphenTokenizer::default())
            .filter(RemoveLongFilter::limit(40))
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .filter(Stemmer::new(Language::English))
            .build()
    }

    fn tokens_of(a: &mut TextAnalyzer, text: &str) -> Vec<Token> {
        let mut s = a.token_stream(text);
        let mut out = Vec::new();
        while s.advance() {
            out.push(s.token().clone());
        }
        out
    }

    /// The cached analyzer must give exactly the old chain's tokens (text,
    /// offsets, positions): the index and the query side depend on it.
    fn assert_same_tokens(cached: &mut TextAnalyzer, text: &str) {
        let mut old = uncached_analyzer();
        assert_eq!(tokens_of(cached, text), tokens_of(&mut old, text), "{text}");
    }

    #[test]
    fn cached_stems_equal_tantivy_stems() {
        let texts = [
            "Dogs are the bests! The running runners ran; connections, connected.",
            "Müller, Mélenchon and Øresund: naïve café résumé Ærø straße İstanbul ΣΊΣΥΦΟΣ",
            "non-aggression pacts, state-of-the-art, e‐mail and co‑operation - war -- peace",
            "Русский текст, 中文字符, emoji 🎉 done, ﬁnance Ⅻ ½ ²",
            "Supercalifragilisticexpialidociousnessesxyzzyplughwordsmore is long, and \
             Ééééééééééééééééééééééééééééééééééééééé too; a-b-c-d-e-f-g-h-i-j-k-l-m-n-o-p-q-r-s-t",
            "generously generalizations, hopefulness, ideally, dying, lying, skies, news's",
            "",
            "   ---   ",
        ];
        let mut cached = text_analyzer();
        // Twice: the second pass is served from the cache.
        for _ in 0..2 {
            for text in texts {
                assert_same_tokens(&mut cached, text);
            }
        }
        // A tiny cache, emptied every few words, must not change anything.
        let mut tiny = TextAnalyzer::from(NewsTokenizer::with_cache_limit(3));
        for _ in 0..2 {
            for text in texts {
                assert_same_tokens(&mut tiny, text);
            }
        }
    }

    /// Thousands of distinct words: the table doubles from its first size
    /// to its last on the way, and every stem stays the chain's.
    #[test]
    fn a_word_found_again_outlives_words_seen_once() {
        // A table that never grows, and four words that share one pair.
        let mut cache = StemCache::new(1_024);
        let key = |w: &str| pack(w).expect("a short word");
        let pair = cache.pair(key("w0x"));
        let same: Vec<String> = (0..100_000)
            .map(|n| format!("w{n}x"))
            .filter(|w| cache.pair(key(w)) == pair)
            .take(4)
            .collect();
        assert_eq!(same.len(), 4);
        let mut buf = String::new();
        // The first word is stemmed, then found; the others are only seen.
        for w in [&same[0], &same[0], &same[1], &same[2], &same[3]] {
            buf.clear();
            buf.push_str(w);
            cache.stem(&mut buf, 0);
        }
        assert!(cache.get(key(&same[0])).is_some(), "the word found again");
        assert!(cache.get(key(&same[3])).is_some(), "the newest word");
        assert!(cache.get(key(&same[1])).is_none());
        assert!(cache.get(key(&same[2])).is_none());
    }

    #[test]
    fn a_growing_cache_keeps_every_stem() {
        let words: Vec<String> = (0..6_000u32)
            .map(|n| {
                let mut w: String = (0..4)
                    .map(|k| char::from(b'a' + (n / 26u32.pow(k) % 26) as u8))
                    .collect();
                w.push_str(["s", "ing", "ed", "ly", "ness", ""][(n % 6) as usize]);
                w
            })
            .collect();
        let text = words.join(" ");
        let mut tokenizer = NewsTokenizer::default();
        assert_eq!(tokenizer.cache.slots.len(), STEM_CACHE_FIRST_SLOTS);
        let mut cached = TextAnalyzer::from(tokenizer.clone());
        for _ in 0..2 {
            assert_same_tokens(&mut cached, &text);
        }
        // The same words through a tokenizer kept at hand, to see its table.
        let mut out = String::new();
        crate::analyzer::pre_analyze(&mut tokenizer, &text, &mut out);
        assert!(tokenizer.cache.slots.len() > STEM_CACHE_FIRST_SLOTS);
        assert!(tokenizer.cache.slots.len() <= STEM_CACHE_SLOTS);
    }

    /// The hashes handed on while pre-analyzing are the reference chain's
    /// words hashed, whichever path each word took (cached or not, ASCII
    /// or not, digits, compounds, words too long to index).
    fn assert_same_word_hashes(tokenizer: &mut NewsTokenizer, text: &str) {
        let mut hashes = Vec::new();
        let mut out = String::new();
        pre_analyze_words(tokenizer, text, &mut out, |h| hashes.push(h));
        assert_eq!(hashes, reference_word_hashes(text), "{text}");
    }

    #[test]
    fn word_hashes_equal_the_reference() {
        let mut tokenizer = NewsTokenizer::default();
        for _ in 0..2 {
            for text in [
                "Dogs are the bests! The running runners ran; connections, connected.",
                "Müller, Mélenchon and Øresund: naïve café résumé İstanbul ΣΊΣΥΦΟΣ",
                "non-aggression pacts, state-of-the-art, e‐mail and co‑operation - war",
                "In 2020, 1,500 of 36 G7 members; x y zz ab abc",
                "Supercalifragilisticexpialidociousnessesxyzzyplughwordsmore is long",
                "Ééééééééééééééééééééééééééééééééééééééé and a sixteen-byte-wordsss",
                "",
            ] {
                assert_same_word_hashes(&mut tokenizer, text);
            }
        }
        // A word of 3 to 15 letters hashes the same on the packed path.
        assert_eq!(
            packed_word_hash(pack_lowercase(b"Pacts", 0, 5).expect("packed")),
            word_hash(b"pacts")
        );
    }

    /// Distinct words hash apart: numbered words of every length up to
    /// 15 bytes and past it, where only high bytes or the length differ,
    /// and every word of one to three letters.
    #[test]
    fn word_hashes_do_not_collide() {
        let mut words: Vec<String> = Vec::new();
        for stem in ["uniq", "w", "abcdefghijk", "sixteenbytesword"] {
            words.extend((0..20_000).map(|i| format!("{stem}{i}")));
        }
        let letters = || (b'a'..=b'z').map(char::from);
        for a in letters() {
            words.push(a.to_string());
            for b in letters() {
                words.push(format!("{a}{b}"));
                words.extend(letters().map(|c| format!("{a}{b}{c}")));
            }
        }
        let mut seen = std::collections::HashMap::new();
        for w in &words {
            if let Some(other) = seen.insert(word_hash(w.as_bytes()), w) {
                panic!("{other} and {w} hash alike");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn word_hashes_equal_the_reference_on_any_text(
            text in "(?s)[a-zA-Z0-9 ,.'’-]{0,80}|.{0,60}|(?:[A-Za-zéüßİ]{1,12}[ -]){0,12}|(?:[a-z0-9]{1,45}[- ‐‑]{1,2}){0,6}"
        ) {
            assert_same_word_hashes(&mut NewsTokenizer::default(), &text);
        }

        #[test]
        fn cached_stems_equal_tantivy_stems_on_any_text(
            text in "(?s)[a-zA-Z0-9 ,.'’-]{0,80}|.{0,60}|(?:[A-Za-zéüßİ]{1,12}[ -]){0,12}|(?:[a-z0-9]{1,25}[- ‐‑]{1,2}){0,6}"
        ) {
            let mut cached = text_analyzer();
            for _ in 0..2 {
                assert_same_tokens(&mut cached, &text);
            }
        }
    }

    /// Every ASCII word of one or two letters or digits (as tokens reach
    /// the stemmer: lowercased) is its own stem, which the cache relies on.
    #[test]
    fn short_words_are_their_own_stems() {
        let mut stemmer = TextAnalyzer::builder(RawTokenizer::default())
            .filter(Stemmer::new(Language::English))
            .build();
        let chars: Vec<char> = ('a'..='z').chain('0'..='9').collect();
        let mut words: Vec<String> = chars.iter().map(|c| c.to_string()).collect();
        for a in &chars {
            for b in &chars {
                words.push(format!("{a}{b}"));
            }
        }
        for w in words {
            let mut stream = stemmer.token_stream(&w);
            assert!(stream.advance());
            assert_eq!(stream.token().text, w);
        }
    }

    /// A word of ASCII digits only is its own stem, which lets
    /// [`NewsTokenizer`] skip the stem cache for numbers (years, amounts):
    /// every number up to 99,999, with leading zeros, and long ones.
    #[test]
    fn digit_words_are_their_own_stems() {
        let mut stemmer = TextAnalyzer::builder(RawTokenizer::default())
            .filter(Stemmer::new(Language::English))
            .build();
        let mut words: Vec<String> = (0..100_000).map(|n| n.to_string()).collect();
        words.extend(
            [
                "000",
                "0000",
                "007",
                "1234567890123456789012345678901234567",
            ]
            .map(String::from),
        );
        for w in words {
            let mut stream = stemmer.token_stream(&w);
            assert!(stream.advance());
            assert_eq!(stream.token().text, w);
        }
    }

    /// Numbers, hyphenated numbers and long words through the fused
    /// tokenizer and the chain.
    #[test]
    fn numbers_compounds_and_long_words_match_the_chain() {
        let mut fused = text_analyzer();
        for text in [
            "In 1987 profits rose 12.5 pct to 1,234,567 dlrs; 1980s and 3rd-quarter 2-for-1 split",
            "COVID-19, F-16s, 737-MAX, 9‐11 and 24‑7, x-1-2-3-y",
            "a-very-long-chain-of-words-that-keeps-going-past-forty-bytes-total here",
            "naïve-café co-opération Zürich-based 1990‐talet",
            "0123456789012345678901234567890123456789 012345678901234567890123456789012345678",
        ] {
            assert_same_tokens(&mut fused, text);
        }
    }

    #[test]
    fn packed_words_differ() {
        assert_ne!(pack("a"), pack("a\0"));
        assert_ne!(pack("pact"), pack("pacts"));
        assert!(pack("fifteen_bytes__").is_some());
        assert_eq!(pack("sixteen_bytes___"), None);
        // The cache's slot: key and edit in 24 bytes (see STEM_CACHE_SLOTS).
        assert_eq!(std::mem::size_of::<[u64; 3]>(), 24);
    }

    #[test]
    fn packed_lowercase_is_pack_of_the_lowercased_word() {
        let text = "The UN's NATO-led 2020 Peacekeepers SAID abc123 Xy Internationally";
        // The, NATO, led, Peacekeepers, SAID, abc123, Internationally (the
        // last with fewer than 16 bytes after it even in the whole text).
        for (from, to) in [
            (0, 3),
            (9, 13),
            (14, 17),
            (23, 35),
            (36, 40),
            (41, 47),
            (51, 66),
        ] {
            let word = &text[from..to];
            assert_eq!(
                pack_lowercase(text.as_bytes(), from, to),
                pack(&word.to_ascii_lowercase()),
                "{word}"
            );
            // At the very end of a text, with fewer than 16 bytes after it.
            let short = &text[..to];
            assert_eq!(
                pack_lowercase(short.as_bytes(), from, to),
                pack(&word.to_ascii_lowercase()),
                "{word} at the end"
            );
        }
        assert_eq!(pack_lowercase(text.as_bytes(), 48, 50), None, "two bytes");
        assert_eq!(
            pack_lowercase(text.as_bytes(), 50, 66),
            None,
            "sixteen bytes"
        );
        assert_eq!(pack_lowercase(b"abc", 2, 9), None, "out of the text");
    }

    #[test]
    fn packed_edits_write_the_stem() {
        for (word, stem) in [
            ("pacts", "pact"),
            ("skies", "ski"),
            ("said", "said"),
            ("happy", "happi"),
        ] {
            let edit = Edit::of(word, stem).expect("short tail");
            let key = pack(word).expect("short word");
            let mut out = String::from("\u{1}x\u{1}");
            edit.apply_packed(key, &mut out);
            assert_eq!(out, format!("\u{1}x\u{1}{stem}"), "{word}");
        }
    }

    #[test]
    fn edits_turn_words_into_stems() {
        for (word, stem) in [
            ("said", "said"),
            ("pacts", "pact"),
            ("skies", "ski"),
            ("happy", "happi"),
            ("generalization", "general"),
            ("né", "nè"),
            ("ßßß", "ßß"),
            ("a", "abcdef"),
            ("", ""),
        ] {
            let edit = Edit::of(word, stem).expect("short tail");
            let mut out = word.to_string();
            edit.apply(&mut out, 0);
            assert_eq!(out, stem, "{word}");
            // After other text, as in a pre-analyzed string.
            let mut out = format!("\u{1}x\u{1}{word}");
            edit.apply(&mut out, 3);
            assert_eq!(out, format!("\u{1}x\u{1}{stem}"), "{word}");
        }
        assert_eq!(Edit::of("a", "abcdefgh"), None, "tail longer than 6 bytes");
        // Packed into a slot and back.
        for (word, stem) in [("pacts", "pact"), ("a", "abcdef"), ("ßßß", "ßß")] {
            let edit = Edit::of(word, stem).expect("short tail");
            assert_eq!(Edit::unpack(edit.pack()), edit, "{word}");
        }
        assert_ne!(
            Edit::of("said", "said").map(|e| e.pack()),
            Some(0),
            "a full keep is not empty"
        );
    }
}
