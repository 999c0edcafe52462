//! Near-duplicate detection for syndicated copies: an article body in, a
//! 64-bit SimHash of its word 3-shingles out ([`near_print`], stored in the
//! index at ingest), plus the exact check used at search time
//! ([`is_near_duplicate`]: shingle containment of the shorter body in the
//! longer one), and [`is_revision`] for same-headline updates that grew.
//!
//! Why two steps: the print is cheap to compare (a popcount) but only says
//! "probably similar"; containment is exact but needs both bodies, so it runs
//! only on pairs whose prints are close. A wire story republished with an
//! extra intro paragraph, a dateline or a footer keeps most of its shingles,
//! so containment stays high where Jaccard similarity would not.
//!
//! Pure and total: no I/O, never panics. It does not decide which copy is
//! shown (the best-ranked one is).

use super::facets::PrintSet;

/// Prints further apart than this many bits are never compared in full.
/// Unrelated texts sit around 32 bits apart (σ ≈ 4); copies with an extra
/// paragraph a few bits apart.
pub const MAX_PRINT_DISTANCE: u32 = 16;

/// Share of the shorter body's shingles that must occur in the longer one.
/// High on purpose: templated stories (results, earnings briefs, council
/// notices) share most of their wording but differ in the numbers and names
/// that matter, and hiding one of them would lose an article; a syndicated
/// copy with an extra intro or footer still contains nearly all of the other.
pub const MIN_CONTAINMENT: f64 = 0.9;

/// Bodies with fewer shingles than this are too short to call near copies
/// (two one-line briefs may share most words by chance).
const MIN_SHINGLES: usize = 8;

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0100_0000_01b3;

/// splitmix64's finalizer: spreads a combined hash over every bit.
fn mix(mut h: u64) -> u64 {
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// Calls `f` with the FNV-1a hash of each lowercased word of `body` (runs of
/// letters and digits), in order, computed without allocating: the words
/// of the shingle sets that containment compares at search time (both
/// sides hashed then, so nothing of it is stored).
fn for_each_word_hash(body: &str, mut f: impl FnMut(u64)) {
    let mut h = FNV_OFFSET;
    let mut in_word = false;
    let feed = |h: &mut u64, b: u8| {
        *h ^= u64::from(b);
        *h = h.wrapping_mul(FNV_PRIME);
    };
    for c in body.chars() {
        if c.is_alphanumeric() {
            in_word = true;
            if c.is_ascii() {
                feed(&mut h, c.to_ascii_lowercase() as u8);
            } else {
                let mut buf = [0u8; 4];
                for l in c.to_lowercase() {
                    for &b in l.encode_utf8(&mut buf).as_bytes() {
                        feed(&mut h, b);
                    }
                }
            }
        } else if in_word {
            f(h);
            h = FNV_OFFSET;
            in_word = false;
        }
    }
    if in_word {
        f(h);
    }
}

/// Lowercased words of `body` (letters and digits only): the reference
/// [`normalized_title`] is tested against.
#[cfg(test)]
fn words(body: &str) -> Vec<String> {
    body.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Calls `f` with the hash of each word 3-shingle of `body`, in text order
/// (each single word for bodies shorter than three words).
fn for_each_shingle(body: &str, mut f: impl FnMut(u64)) {
    let mut window = Window::default();
    for_each_word_hash(body, |h| window.push(h, &mut f));
    window.finish(f);
}

/// A three-word window over word hashes: the hash of each 3-shingle as
/// its last word comes, or of each word alone for a text shorter than
/// three words. Shared by the search-time shingle sets and [`NearPrint`].
#[derive(Default)]
struct Window {
    /// The last two word hashes (`a` the older) and how many words so far.
    a: u64,
    b: u64,
    n: usize,
}

impl Window {
    /// The next word's hash; `f` gets the shingle it ends, if any.
    #[inline]
    fn push(&mut self, h: u64, mut f: impl FnMut(u64)) {
        if self.n >= 2 {
            f(mix(self.a ^ self.b.rotate_left(21) ^ h.rotate_left(42)));
        }
        (self.a, self.b) = (self.b, h);
        self.n += 1;
    }

    /// After the last word: `f` gets each word alone if there were only
    /// one or two.
    fn finish(self, mut f: impl FnMut(u64)) {
        match self.n {
            1 => f(mix(self.b)),
            2 => {
                f(mix(self.a));
                f(mix(self.b));
            }
            _ => {}
        }
    }
}

/// Hashes of the word 3-shingles of `body`, in text order (single words
/// for bodies shorter than three words).
#[cfg(test)]
fn shingle_list(body: &str) -> Vec<u64> {
    let mut out = Vec::new();
    for_each_shingle(body, |h| out.push(h));
    out
}

/// Words of [`Shingles::map`]: 4,096 bits.
const MAP_WORDS: usize = 64;

/// A body's shingles as containment tests read them: the exact set, and a
/// 4,096-bit map of it (each shingle sets the bit its top 12 bits name).
///
/// Why the map: a results page of one story's many versions (a wire story
/// in every paper that ran it, under one headline) tests every pair, and
/// most pairs fail. A bit the smaller body's map has and the larger one's
/// lacks stands for at least one of its shingles missing from the larger
/// body, so counting such bits (64 AND-NOT and popcounts) bounds the misses
/// from below, exactly, and settles most failing pairs without a lookup.
pub struct Shingles {
    set: PrintSet,
    map: [u64; MAP_WORDS],
}

impl Shingles {
    /// The map of `set`.
    fn from_set(set: PrintSet) -> Shingles {
        let mut map = [0u64; MAP_WORDS];
        for &h in &set {
            let bit = (h >> 52) as usize;
            map[bit / 64] |= 1 << (bit % 64);
        }
        Shingles { set, map }
    }

    /// Distinct shingles.
    pub fn len(&self) -> usize {
        self.set.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.set.is_empty()
    }

    /// At most this many of `self`'s shingles are in `other` (see the type).
    fn misses_at_least(&self, other: &Shingles) -> usize {
        self.map
            .iter()
            .zip(&other.map)
            .map(|(mine, theirs)| (mine & !theirs).count_ones() as usize)
            .sum()
    }
}

/// Hashes of the word 3-shingles of `body` (single words for very short bodies).
/// The set does not hash them again: they are mixed 64-bit hashes already,
/// and SipHash on every insert and lookup was a tenth of a one-shot search.
pub fn shingles(body: &str) -> Shingles {
    // Listed first so the set is sized once: growing it insert by insert
    // rehashed it several times per body.
    let mut list = Vec::with_capacity(body.len() / 6);
    for_each_shingle(body, |h| list.push(h));
    let mut out = PrintSet::with_capacity_and_hasher(list.len(), Default::default());
    out.extend(list);
    Shingles::from_set(out)
}

/// Multiples of this many shingles are counted in byte lanes before they
/// could overflow one (a lane holds at most 255).
const LANE_BATCH: u32 = 255;

/// Per-bit counts of shingle hashes: [`near_print`]'s accumulator.
///
/// The set bits are counted eight at a time: `lanes[j]` holds, in byte `k`,
/// how many shingles had bit `8k + j`, so a shingle costs 8 shift-mask-adds
/// instead of 64 (this runs on every body at ingest). The counts are sums,
/// so the order shingles come in does not matter.
struct BitCounts {
    ones: [u64; 64],
    lanes: [u64; 8],
    pending: u32,
    total: u64,
}

impl BitCounts {
    const LOW_BITS: u64 = 0x0101_0101_0101_0101;

    fn new() -> BitCounts {
        BitCounts {
            ones: [0; 64],
            lanes: [0; 8],
            pending: 0,
            total: 0,
        }
    }

    fn add(&mut self, h: u64) {
        for (j, lane) in self.lanes.iter_mut().enumerate() {
            *lane += h >> j & Self::LOW_BITS;
        }
        self.pending += 1;
        self.total += 1;
        if self.pending == LANE_BATCH {
            self.flush();
        }
    }

    fn flush(&mut self) {
        for (j, lane) in self.lanes.iter_mut().enumerate() {
            for k in 0..8 {
                self.ones[8 * k + j] += *lane >> (8 * k) & 0xff;
            }
            *lane = 0;
        }
        self.pending = 0;
    }

    /// The bits more than half of the shingles have; `0` for none.
    fn print(mut self) -> u64 {
        if self.total == 0 {
            return 0;
        }
        self.flush();
        self.ones
            .iter()
            .enumerate()
            .filter(|&(_, &n)| 2 * n > self.total)
            .fold(0u64, |acc, (bit, _)| acc | 1 << bit)
    }
}

/// The SimHash of a body's word 3-shingles, built from its words' hashes
/// in text order ([`NearPrint::word`]); `0` for a body without words.
///
/// A bit of the print is set when more than half of the shingles have it.
/// The words are the analyzer's indexed words, lowercased and folded but
/// not stemmed, hashed by `analyzer::word_hash`: ingest hands them over
/// while it pre-analyzes the body (`schema::NewsSchema::document`), so the
/// print costs no scan of its own. Its own pass, hashing every byte with
/// FNV-1a, had been about 4% of ingest's CPU on the 1 GB bench corpus.
pub struct NearPrint {
    window: Window,
    counts: BitCounts,
}

impl Default for NearPrint {
    fn default() -> Self {
        NearPrint {
            window: Window::default(),
            counts: BitCounts::new(),
        }
    }
}

impl NearPrint {
    /// The next word's hash.
    #[inline]
    pub fn word(&mut self, h: u64) {
        let counts = &mut self.counts;
        self.window.push(h, |s| counts.add(s));
    }

    /// The print; a body of one or two words counts each word alone.
    pub fn finish(self) -> u64 {
        let NearPrint { window, mut counts } = self;
        window.finish(|s| counts.add(s));
        counts.print()
    }
}

/// [`NearPrint`] of `body` on its own (ingest builds it while it analyzes
/// the body, see the type).
pub fn near_print(body: &str) -> u64 {
    let mut print = NearPrint::default();
    crate::analyzer::word_hashes(body, |h| print.word(h));
    print.finish()
}

/// The exact-duplicate fingerprint (any string) as a u64, for fast fields.
pub fn print64(fingerprint: &str) -> u64 {
    let mut h = FNV_OFFSET;
    for &b in fingerprint.as_bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(FNV_PRIME);
    }
    mix(h)
}

/// Bits in which two prints differ.
pub fn distance(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

/// Share of the smaller shingle set contained in the larger one: the
/// reference [`mostly_contained`] is tested against.
#[cfg(test)]
fn containment(a: &Shingles, b: &Shingles) -> f64 {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if small.is_empty() {
        return 0.0;
    }
    small.set.iter().filter(|h| large.set.contains(h)).count() as f64 / small.len() as f64
}

/// Whether two bodies are copies of one story: prints close, and most of the
/// shorter body's shingles found in the longer one.
pub fn is_near_duplicate(a: &str, print_a: u64, b: &str, print_b: u64) -> bool {
    if print_a == 0 || print_b == 0 || distance(print_a, print_b) > MAX_PRINT_DISTANCE {
        return false;
    }
    let (sa, sb) = (shingles(a), shingles(b));
    mostly_contained(&sa, &sb)
}

/// Whether one body is a revision of the other: most of the shorter one's
/// shingles occur in the longer one, whatever the length difference (an
/// updated story that grew). Callers pair it with an identical headline,
/// since the print alone cannot see such pairs.
pub fn is_revision(a: &str, b: &str) -> bool {
    let (sa, sb) = (shingles(a), shingles(b));
    mostly_contained(&sa, &sb)
}

/// Whether most of the smaller shingle set is in the larger one: the same
/// answer as `containment(a, b) >= MIN_CONTAINMENT` with at least
/// [`MIN_SHINGLES`] in the smaller set, but it stops as soon as the share
/// is decided (collapsing a results page tests many pairs, most of them
/// far from the line).
fn mostly_contained(a: &Shingles, b: &Shingles) -> bool {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let n = small.len();
    if n < MIN_SHINGLES {
        return false;
    }
    // The fewest hits that pass, found with the very division
    // `containment` makes, so rounding cannot move the line.
    let passes = |hits: usize| hits as f64 / n as f64 >= MIN_CONTAINMENT;
    let mut need = ((MIN_CONTAINMENT * n as f64).ceil() as usize).min(n);
    while need > 0 && passes(need - 1) {
        need -= 1;
    }
    while need <= n && !passes(need) {
        need += 1;
    }
    if need > n {
        return false;
    }
    let allowed_misses = n - need;
    if small.misses_at_least(large) > allowed_misses {
        return false;
    }
    let (mut hits, mut misses) = (0usize, 0usize);
    for h in &small.set {
        if large.set.contains(h) {
            hits += 1;
            if hits >= need {
                return true;
            }
        } else {
            misses += 1;
            if misses > allowed_misses {
                return false;
            }
        }
    }
    hits >= need
}

/// One hit as the collapse step sees it; shingles are computed at most
/// once, and only when a cheap test (close prints, same headline) asks.
/// It borrows the fingerprint and body from the loaded document: copying
/// every fetched body was a large part of collapsing a page.
pub struct Copy<'a> {
    fingerprint: &'a str,
    print: u64,
    body: &'a str,
    title: String,
    shingles: std::cell::OnceCell<Shingles>,
}

impl<'a> Copy<'a> {
    /// A hit with its exact fingerprint, near print, body and headline.
    pub fn new(fingerprint: &'a str, print: u64, body: &'a str, title: &str) -> Copy<'a> {
        Copy {
            fingerprint,
            print,
            body,
            title: normalized_title(title),
            shingles: std::cell::OnceCell::new(),
        }
    }

    fn shingles(&self) -> &Shingles {
        self.shingles.get_or_init(|| shingles(self.body))
    }

    fn contained(&self, other: &Copy) -> bool {
        mostly_contained(self.shingles(), other.shingles())
    }

    /// Near copies: close prints and mostly the same shingles.
    pub fn is_near(&self, other: &Copy) -> bool {
        self.print != 0
            && other.print != 0
            && distance(self.print, other.print) <= MAX_PRINT_DISTANCE
            && self.contained(other)
    }

    /// One story: same fingerprint, a near copy, or a revision under the
    /// same headline (the shorter body mostly inside the longer one).
    pub fn same_story(&self, other: &Copy) -> bool {
        (!self.fingerprint.is_empty() && self.fingerprint == other.fingerprint)
            || self.is_near(other)
            || (!self.title.is_empty() && self.title == other.title && self.contained(other))
    }
}

/// A headline folded for comparison: lowercase words joined by one space.
/// Built in one string: a `String` per word cost more than the compare.
pub fn normalized_title(title: &str) -> String {
    let mut out = String::with_capacity(title.len());
    let words = title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty());
    for (i, w) in words.enumerate() {
        if i > 0 {
            out.push(' ');
        }
        if w.is_ascii() {
            out.extend(w.chars().map(|c| c.to_ascii_lowercase()));
        } else {
            // The whole word at once: `str::to_lowercase` treats a final
            // sigma differently from lowercasing letter by letter.
            out.push_str(&w.to_lowercase());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const WIRE: &str = "The Bank of England kept interest rates at a record low of 0.1% on Thursday but said the case for raising them had strengthened, sending sterling higher. The Monetary Policy Committee voted unanimously to leave Bank Rate unchanged. Two of its nine members voted to end the central bank's bond-buying programme early. Sterling rose as much as half a cent against the U.S. dollar after the announcement, and two-year gilt yields climbed to their highest level since March 2020. Governor Andrew Bailey has said repeatedly that the central bank will not overreact to price rises it considers temporary.";

    #[test]
    fn copy_with_extra_intro_and_footer_is_near() {
        let copy = format!(
            "Homeowners on tracker mortgages could face higher payments within months.\n\n{WIRE}\n\nSign up for our newsletter."
        );
        let (a, b) = (near_print(WIRE), near_print(&copy));
        assert!(distance(a, b) <= MAX_PRINT_DISTANCE, "{}", distance(a, b));
        assert!(is_near_duplicate(WIRE, a, &copy, b));
    }

    #[test]
    fn different_stories_are_not_near() {
        let other = "Manchester United have agreed to open their books to Malcolm Glazer, the American tycoon who wants to buy the club. The board said it would give him access to financial details so that he could firm up his bid, which fans oppose. Shareholders will meet next month to consider the approach and any revised offer from the Glazer family.";
        assert!(!is_near_duplicate(
            WIRE,
            near_print(WIRE),
            other,
            near_print(other)
        ));
    }

    /// The print as first written (a Vec of word hashes, a Vec of shingles,
    /// a signed counter per bit), over the words of the analyzer's
    /// reference chain: the streaming one must give the same number.
    fn near_print_reference(body: &str) -> u64 {
        let w = crate::analyzer::reference_word_hashes(body);
        let list: Vec<u64> = if w.len() < 3 {
            w.into_iter().map(mix).collect()
        } else {
            w.windows(3)
                .map(|s| mix(s[0] ^ s[1].rotate_left(21) ^ s[2].rotate_left(42)))
                .collect()
        };
        if list.is_empty() {
            return 0;
        }
        let mut counts = [0i32; 64];
        for h in &list {
            for (bit, c) in counts.iter_mut().enumerate() {
                *c += ((h >> bit & 1) as i32) * 2 - 1;
            }
        }
        counts
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0)
            .fold(0u64, |acc, (bit, _)| acc | 1 << bit)
    }

    #[test]
    fn print_equals_the_reference() {
        let mut bodies: Vec<String> = ["", "one", "one two", "one two three", "é ü — …", WIRE]
            .map(String::from)
            .to_vec();
        bodies.push(WIRE.repeat(40));
        // Short shapes, compounds, and runs past the lanes' 255 shingles.
        for words in 0..8 {
            for sep in [" ", "  ", ".\n\n", "-"] {
                let body: Vec<String> = (0..words).map(|i| format!("w{i}")).collect();
                bodies.push(body.join(sep));
            }
        }
        for n in [254, 255, 256, 257, 600] {
            bodies.push("a ".repeat(n));
            bodies.push(format!("{} {}", "x".repeat(n), "y z"));
        }
        for body in &bodies {
            assert_eq!(near_print(body), near_print_reference(body), "{body:?}");
        }
        assert_eq!(shingle_list("a b").len(), 2);
        assert_eq!(shingle_list("a b c d").len(), 2);
    }

    #[test]
    fn prints_ignore_case_accents_and_punctuation() {
        let plain = near_print(WIRE);
        let shouted = WIRE.to_uppercase().replace(['.', ','], " ");
        assert_eq!(near_print(&shouted), plain);
        assert_eq!(
            near_print("Müller said the café would reopen on Monday"),
            near_print("muller said the cafe would reopen on monday")
        );
    }

    proptest::proptest! {
        #[test]
        fn print_equals_the_reference_on_any_text(
            body in "(?s)(?:[a-cA-C0-9é]{1,3}[ .,\n-]{1,2}){0,700}|[ -~\n\t]{0,600}|.{0,300}|(?:[a-z]{1,41}[- ]){0,20}"
        ) {
            proptest::prop_assert_eq!(near_print(&body), near_print_reference(&body));
        }

        /// The map's bound never turns a contained pair away: the answer
        /// is the plain share's, for sets from far apart to nearly equal
        /// and small to larger than the map.
        #[test]
        fn containment_with_the_map_is_the_share(
            common in proptest::collection::vec(proptest::num::u64::ANY, 0..3000),
            only_a in proptest::collection::vec(proptest::num::u64::ANY, 0..400),
            only_b in proptest::collection::vec(proptest::num::u64::ANY, 0..6000),
        ) {
            let a: PrintSet = common.iter().chain(&only_a).copied().collect();
            let b: PrintSet = common.iter().chain(&only_b).copied().collect();
            let (a, b) = (Shingles::from_set(a), Shingles::from_set(b));
            let share =
                a.len().min(b.len()) >= MIN_SHINGLES && containment(&a, &b) >= MIN_CONTAINMENT;
            proptest::prop_assert_eq!(mostly_contained(&a, &b), share);
            proptest::prop_assert_eq!(mostly_contained(&b, &a), share);
        }
    }

    #[test]
    fn early_stopping_containment_agrees_with_the_share() {
        // Small numbers all fall on the map's first bit (no bound), and
        // spread over the hash space they fill it (the bound decides).
        let sets = |n: u64, shared: u64, spread: u64| {
            let a: PrintSet = (0..n).map(|h| h.wrapping_mul(spread)).collect();
            let b: PrintSet = (0..shared)
                .chain(1000..1000 + n - shared)
                .map(|h| h.wrapping_mul(spread))
                .collect();
            (Shingles::from_set(a), Shingles::from_set(b))
        };
        for n in [0, 1, 7, 8, 9, 10, 11, 19, 20, 21, 100, 101, 333] {
            for (shared, spread) in (0..=n).flat_map(|k| [(k, 1), (k, 0x9e37_79b9_7f4a_7c15)]) {
                let (a, b) = sets(n, shared, spread);
                let share =
                    a.len().min(b.len()) >= MIN_SHINGLES && containment(&a, &b) >= MIN_CONTAINMENT;
                assert_eq!(mostly_contained(&a, &b), share, "{n} {shared}");
                assert_eq!(mostly_contained(&b, &a), share, "{n} {shared}");
            }
        }
    }

    #[test]
    fn normalized_title_matches_words_joined() {
        for t in [
            "",
            "  ",
            "Blair wins ELECTION",
            "Müller's  Non-Aggression!",
            "ΟΔΟΣ ΣΟΦΟΣ",
            "a--b  c",
            "—",
        ] {
            assert_eq!(normalized_title(t), words(t).join(" "), "{t}");
        }
    }

    #[test]
    fn prints_are_stable_and_total() {
        assert_eq!(near_print(""), 0);
        assert_eq!(near_print(WIRE), near_print(WIRE));
        let _ = near_print("é ü — …");
        assert!(!is_near_duplicate(
            "a b",
            near_print("a b"),
            "a b",
            near_print("a b")
        ));
    }
}
