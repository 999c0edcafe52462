//! Stage: clean, the rule table. One normalized block (a paragraph, or a line
//! inside one) goes in with its position and what came just before; a verdict
//! comes out: keep it, or drop it and name the [`Rule`] that matched.
//!
//! Each rule lives with its unit tests in the file for its family:
//! `prompts` (reader prompts: newsletters, donations, tips, shares, cookies,
//! "click here"), `markers` (page furniture: adverts, credits, comment counts,
//! copyright footers, wire staff credits), `lists` (headings that introduce something removable:
//! "Read more" link lists, "Before you go..." appeals).
//!
//! The rules combine a cue phrase with the block's shape (short, imperative,
//! carries an email or phone, starts the block) because news stories report on
//! newsletters, subscribers and donations all the time; a cue alone is never
//! enough to drop reporting. It does not decide where blocks start and end;
//! that is `clean_body`.

use std::cell::OnceCell;
use std::sync::{LazyLock, OnceLock};

use regex::Regex;

use super::{lists, markers, prompts};

/// What a dropped block was, named for what it removes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rule {
    /// "Subscribe to our newsletter", "Get the latest ... in your inbox".
    NewsletterPrompt,
    /// "Please consider donating", "Support our journalism".
    DonationAppeal,
    /// "Send your news and stories to us news@...", with contact details.
    NewsTipRequest,
    /// "Share this article", "Follow us on Twitter", a row of network names.
    ShareFollowPrompt,
    /// "We use cookies to improve your experience".
    CookieNotice,
    /// "Click here to ...".
    ClickHerePrompt,
    /// "Advertisement", "Sponsored", "Story continues below".
    AdvertisementMarker,
    /// "Photo: Getty Images", "Image copyright Reuters", "(Image: AFP)".
    ImageCredit,
    /// "12 comments", "View comments".
    CommentCount,
    /// "© 2020 ...", "All rights reserved", "Contact us | Privacy policy".
    CopyrightFooter,
    /// "(Reporting by ...; Editing by ...)" wire staff credits.
    ReportingCredit,
    /// "Read more", "Related", "More on this story", "Most read" headings.
    LinkListHeading,
    /// A headline line listed under such a heading.
    LinkListItem,
    /// "Read more: headline" on one line.
    InlineLink,
    /// "Before you go..." and similar appeal headings.
    AppealHeading,
    /// The appeal paragraph right after such a heading.
    AppealAfterHeading,
}

impl Rule {
    /// A stable snake_case name, for reports.
    pub fn name(self) -> &'static str {
        match self {
            Rule::NewsletterPrompt => "newsletter_prompt",
            Rule::DonationAppeal => "donation_appeal",
            Rule::NewsTipRequest => "news_tip_request",
            Rule::ShareFollowPrompt => "share_follow_prompt",
            Rule::CookieNotice => "cookie_notice",
            Rule::ClickHerePrompt => "click_here_prompt",
            Rule::AdvertisementMarker => "advertisement_marker",
            Rule::ImageCredit => "image_credit",
            Rule::CommentCount => "comment_count",
            Rule::CopyrightFooter => "copyright_footer",
            Rule::ReportingCredit => "reporting_credit",
            Rule::LinkListHeading => "link_list_heading",
            Rule::LinkListItem => "link_list_item",
            Rule::InlineLink => "inline_link",
            Rule::AppealHeading => "appeal_heading",
            Rule::AppealAfterHeading => "appeal_after_heading",
        }
    }
}

/// What the previous dropped block announces about the next one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Expect {
    /// Nothing: judge the next block on its own.
    #[default]
    Nothing,
    /// Link-list lines may follow ("Read more:" then headlines); `left`
    /// caps how many we take so a missed list end cannot eat a story.
    LinkItems { left: u8 },
    /// An appeal paragraph may follow ("Before you go...").
    Appeal,
}

/// The most link lines taken after one heading ("Most read" lists run to 10).
pub(crate) const MAX_LINK_ITEMS: u8 = 12;

/// One block as the rules see it.
#[derive(Debug, Clone)]
pub(crate) struct Block<'a> {
    /// Normalized text, one line (lines of a paragraph joined by a space).
    pub text: &'a str,
    /// Whitespace-separated word count.
    pub words: usize,
    /// Whether this is the first block of the body (the lede, usually).
    pub first: bool,
    /// Which [`Cue`]s' words the text contains, found on first use by one
    /// scan shared by every prompt rule.
    cues: OnceCell<u8>,
}

impl<'a> Block<'a> {
    /// Describe a block.
    pub fn new(text: &'a str, first: bool) -> Self {
        Block {
            text,
            words: word_count(text),
            first,
            cues: OnceCell::new(),
        }
    }

    /// Whether the block contains one of `cue`'s words, so that the rule's
    /// regex could match it.
    pub fn may_cue(&self, cue: Cue) -> bool {
        let found = *self.cues.get_or_init(|| prompts::CUES.scan(self.text));
        found & cue.bit() != 0
    }

    /// Whether the block is short enough for a cue rule with this word limit.
    /// The first block gets a tighter limit: the lede is the paragraph we
    /// can least afford to lose to a weak cue.
    pub fn within(&self, limit: usize) -> bool {
        let limit = if self.first { limit.min(30) } else { limit };
        self.words <= limit
    }
}

/// `text.split_whitespace().count()`, by a byte scan when the text is ASCII
/// (nearly always): every block of every article is counted, and the
/// `char`-decoding split showed in profiles. For ASCII, `char::is_whitespace`
/// is exactly space and `\t` to `\r`.
///
/// A word starts at each byte that is not a space and follows one (or
/// starts the text), so eight bytes are tested at once ([`crate::swar`]),
/// each against the byte before it: a loop that carried "after a space"
/// from byte to byte was 2% of ingest's CPU, and this is about 3.5 times
/// faster.
fn word_count(text: &str) -> usize {
    use crate::swar::{HIGHS, between};
    if !text.is_ascii() {
        return text.split_whitespace().count();
    }
    let spaces = |x: u64| between(x, b' ' - 1, b' ' + 1) | between(x, b'\t' - 1, b'\r' + 1);
    let mut words = 0;
    // The spaces of the last eight bytes; before the text counts as one.
    let mut last = HIGHS;
    let mut count = |eight: [u8; 8]| {
        let here = spaces(u64::from_le_bytes(eight));
        // Whether the byte before each one is a space: one byte up, the
        // first taking the last of the previous eight.
        let before = (here << 8) | (last >> 56);
        words += (before & !here & HIGHS).count_ones() as usize;
        last = here;
    };
    let mut chunks = text.as_bytes().chunks_exact(8);
    for chunk in &mut chunks {
        let mut eight = [0u8; 8];
        eight.copy_from_slice(chunk);
        count(eight);
    }
    // The last few bytes, padded with spaces, which start no word.
    let rest = chunks.remainder();
    let mut eight = [b' '; 8];
    eight[..rest.len()].copy_from_slice(rest);
    count(eight);
    words
}

/// A single-block rule: does this block match?
type RuleFn = fn(&Block<'_>) -> bool;

/// The verdict on one block: `None` keeps it.
pub(crate) fn judge(block: &Block<'_>, expect: Expect) -> Option<(Rule, Expect)> {
    match expect {
        Expect::LinkItems { left } if left > 0 && lists::link_list_item(block) => {
            return Some((Rule::LinkListItem, Expect::LinkItems { left: left - 1 }));
        }
        Expect::Appeal if lists::appeal_after_heading(block) => {
            return Some((Rule::AppealAfterHeading, Expect::Nothing));
        }
        _ => {}
    }
    if lists::link_list_heading(block) {
        let next = Expect::LinkItems {
            left: MAX_LINK_ITEMS,
        };
        return Some((Rule::LinkListHeading, next));
    }
    if lists::appeal_heading(block) {
        return Some((Rule::AppealHeading, Expect::Appeal));
    }
    // Exact-shape rules first (cheap, anchored), then cue rules.
    const SINGLE: &[(Rule, RuleFn)] = &[
        (Rule::AdvertisementMarker, markers::advertisement_marker),
        (Rule::ImageCredit, markers::image_credit),
        (Rule::CommentCount, markers::comment_count),
        (Rule::InlineLink, lists::inline_link),
        (Rule::CopyrightFooter, markers::copyright_footer),
        (Rule::ReportingCredit, markers::reporting_credit),
        (Rule::NewsletterPrompt, prompts::newsletter_prompt),
        (Rule::DonationAppeal, prompts::donation_appeal),
        (Rule::NewsTipRequest, prompts::news_tip_request),
        (Rule::ShareFollowPrompt, prompts::share_follow_prompt),
        (Rule::CookieNotice, prompts::cookie_notice),
        (Rule::ClickHerePrompt, prompts::click_here_prompt),
    ];
    SINGLE
        .iter()
        .find(|(_, matches)| matches(block))
        .map(|&(rule, _)| (rule, Expect::Nothing))
}

/// Whether a block is a heading that announces what follows (used to split
/// a paragraph whose heading has no colon: "Related stories\nheadline").
pub(crate) fn is_heading(block: &Block<'_>) -> bool {
    lists::link_list_heading(block) || lists::appeal_heading(block)
}

/// Words and marks that show a block is reporting, not addressing the reader:
/// a reporting verb, or a block that opens a quotation. Forced by sentences
/// like "Readers were urged to subscribe to the newsletter, he said." and by
/// multi-paragraph quotes that open with a quote mark and no "said".
pub(crate) fn reads_as_reporting(text: &str) -> bool {
    static VERBS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)\b(?:said|says|saying|told|tells|according\s+to|reported(?:ly)?|announced|claimed|added|urged|asked|appealed|warned|explained|insisted|wrote)\b",
        )
        .expect("static regex is valid")
    });
    text.starts_with(['"', '“', '‘', '«']) || VERBS.is_match(text)
}

/// An email address, a URL, a phone number or a messaging handle: the shape of
/// a contact line ("Send your news to us news@..., WhatsApp: +44...").
pub(crate) fn has_contact(text: &str) -> bool {
    static CONTACT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)[\w.+-]+@[\w-]+\.[\w.-]+|\bhttps?://|\bwww\.|\+?\d[\d ().-]{7,}\d|\bwhatsapp\b|\btelegram\b|(?:^|\s)@\w{2,}",
        )
        .expect("static regex is valid")
    });
    CONTACT.is_match(text)
}

/// A prompt rule whose cue regex sits behind a word scan ([`Cues`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cue {
    Newsletter,
    /// `newsletter_pitch`'s "in your inbox every ..." regex.
    Inbox,
    Donation,
    Tip,
    Share,
    Cookie,
    Click,
    /// The unanchored forms of `markers::copyright_footer`'s regex.
    Footer,
}

impl Cue {
    fn bit(self) -> u8 {
        1 << self as u8
    }
}

/// Cheap necessary conditions for the cue regexes: per [`Cue`], words at
/// least one of which every match of the rule's regex contains. One
/// pass over a block finds the words of every rule at once, so
/// a rule rules out most story paragraphs before its regex ever runs.
///
/// The regexes are Unicode case-insensitive, under which `ſ` (long s) matches
/// `s` and `K` (Kelvin sign) matches `k`; the scan here is ASCII
/// case-insensitive, so a block holding either character passes every cue.
///
/// With a few words ([`PACKED_MAX_WORDS`], as `extract::source` has), a
/// block of 64 bytes or more is copied, lowercased (ASCII only, so the
/// copy stays UTF-8 and its offsets the text's), into a buffer each worker
/// reuses, and aho-corasick's packed searcher (Teddy: SIMD over the words'
/// first bytes) finds the leftmost place some word starts; every word is
/// compared there, and the search goes on one byte further, so overlapping
/// words and words sharing a start all count.
///
/// Other blocks (many words, as `clean`'s table has, short texts, CPUs
/// without Teddy) take a table walk: each three
/// bytes of the block are looked up in a bit table of the words' anchors
/// ([`tri_key`], 4 KB): three bytes of each word, picked to be rare (see
/// [`anchor`]). Only where the table has a bit set (about one position in
/// a hundred in news text) are the words with that anchor compared. The
/// tests hold both paths to the overlapping, case-insensitive Aho-Corasick
/// scan (`Cues::automaton_scan`, in tests), which walks its automaton a
/// byte at a time, each step waiting on the state before; the table's
/// lookups do not depend on each other. Replacing that automaton, the
/// table took the scan from 1.76% to 1.18% of stage_profile's perf
/// samples (r001+r002), clean from 0.451 to 0.429 s. Tried and slower:
/// looking words up by byte pairs (pairs common in English passed one
/// position in ten), an `AhoCorasick` automaton over a lowercased copy,
/// and Teddy for all 45 of `clean`'s words ([`PACKED_MAX_WORDS`]).
pub(crate) struct Cues {
    /// One bit per [`tri_key`]: set for the anchor of some word.
    tris: Box<[u64; 512]>,
    /// `(tri_key, index into words, offset of the anchor in the word)`,
    /// sorted.
    anchors: Vec<(usize, usize, usize)>,
    /// The distinct words of three bytes or more, lowercased, with their
    /// cues.
    words: Vec<(Box<[u8]>, u8)>,
    /// Shorter words (none in `clean`'s table), searched for one by one.
    short: Vec<(Box<[u8]>, u8)>,
    /// A SIMD search (Teddy) for the words of [`Cues::words`] over a
    /// lowercased copy of the text; `None` for more than
    /// [`PACKED_MAX_WORDS`] words or where the CPU has no Teddy (then the
    /// table above does the work).
    packed: Option<aho_corasick::packed::Searcher>,
}

/// Three bytes as [`Cues`] indexes them: the low five bits of each byte
/// with bit 5 set, which tells the ASCII letters apart and ignores their
/// case (other bytes fold onto letters: the table only picks positions to
/// compare).
fn tri_key(a: u8, b: u8, c: u8) -> usize {
    roll(roll(roll(0, a), b), c)
}

/// [`tri_key`] of the last three bytes, from that of the three before and
/// the next byte: the oldest byte's five bits shift out of the 15.
fn roll(key: usize, next: u8) -> usize {
    (key << 5 | usize::from((next | 0x20) & 0x1F)) & 0x7FFF
}

/// The most frequent letter pairs of English, most frequent first.
const COMMON_PAIRS: &str = "th he in er an re on at en nd ti es or te of ed is it al ar st \
    to nt ng se ha as ou io le ve co me de hi ri ro ic ne ea ra ce li ch ll be ma si om ur";

/// Where in `word` (three bytes or more) the three bytes that [`Cues`]
/// looks it up by start: the two adjacent pairs rarest together in English
/// by [`COMMON_PAIRS`] (a pair not listed counts as rarer than any listed;
/// ties go to the earliest). Words start with frequent pairs ("re", "en",
/// "co", "st"), which would pass far more positions.
fn anchor(word: &[u8]) -> usize {
    let rank = |k: usize| {
        let pair = word.get(k..k + 2).unwrap_or_default().to_ascii_lowercase();
        COMMON_PAIRS
            .split_whitespace()
            .position(|p| p.as_bytes() == pair.as_slice())
            .unwrap_or(COMMON_PAIRS.len())
    };
    let both = |k: usize| rank(k) + rank(k + 1);
    let mut best = 0;
    for k in 1..word.len().saturating_sub(2) {
        if both(k) > both(best) {
            best = k;
        }
    }
    best
}

impl Cues {
    /// Cues from lowercase ASCII words; the words are literals in this module
    /// tree, so failure is a programming error caught by the unit tests.
    pub fn new(table: &[(Cue, &[&str])]) -> Cues {
        let bits: Vec<(u8, &[&str])> = table.iter().map(|&(c, w)| (c.bit(), w)).collect();
        Cues::with_bits(&bits)
    }

    /// Cues named by the caller's own bits (at most 8), for rules outside
    /// this module (`extract::source`). A non-ASCII word such as "©" is
    /// matched as it is.
    pub fn with_bits(table: &[(u8, &[&str])]) -> Cues {
        let mut all: Vec<(Box<[u8]>, u8)> = Vec::new();
        for &(bit, list) in table {
            for &word in list {
                // Kept lowercased: every scan ignores ASCII case, and the
                // SIMD search runs over a lowercased copy of the text.
                let word = word.as_bytes().to_ascii_lowercase();
                match all.iter_mut().find(|(w, _)| **w == *word) {
                    Some((_, cues)) => *cues |= bit,
                    None => all.push((word.into(), bit)),
                }
            }
        }
        let (words, short): (Vec<_>, Vec<_>) = all.into_iter().partition(|(w, _)| w.len() >= 3);
        let mut anchors = Vec::new();
        let mut tris = Box::new([0u64; 512]);
        for (i, (w, _)) in words.iter().enumerate() {
            let k = anchor(w);
            if let [a, b, c, ..] = w.get(k..).unwrap_or_default() {
                let key = tri_key(*a, *b, *c);
                tris[key / 64] |= 1 << (key % 64);
                anchors.push((key, i, k));
            }
        }
        anchors.sort_unstable();
        let packed = if words.len() <= PACKED_MAX_WORDS {
            aho_corasick::packed::Config::new()
                .match_kind(aho_corasick::packed::MatchKind::LeftmostFirst)
                .builder()
                .extend(words.iter().map(|(w, _)| w))
                .build()
        } else {
            None
        };
        Cues {
            tris,
            anchors,
            words,
            short,
            packed,
        }
    }

    /// The cues whose words occur in `text`, one bit per [`Cue`].
    pub fn scan(&self, text: &str) -> u8 {
        if !text.is_ascii() && text.contains(FOLDS_TO_ASCII) {
            return u8::MAX;
        }
        let bytes = text.as_bytes();
        let mut found = match &self.packed {
            Some(packed) if bytes.len() >= PACKED_MIN_BYTES => self.scan_packed(packed, bytes),
            _ => self.scan_table(bytes),
        };
        for (word, cues) in &self.short {
            // A word without ASCII letters ("©") has one case: memmem's
            // SIMD search finds it.
            let occurs = if word.iter().any(u8::is_ascii_alphabetic) {
                bytes
                    .windows(word.len())
                    .any(|t| t.eq_ignore_ascii_case(word))
            } else {
                memchr::memmem::find(bytes, word).is_some()
            };
            if occurs {
                found |= cues;
            }
        }
        found
    }

    /// The words of three bytes or more in `bytes`, by the SIMD search: each
    /// position it stops at is the leftmost where some word starts, and
    /// every word is compared there, so words that start at the same place
    /// or inside another's occurrence all count.
    fn scan_packed(&self, packed: &aho_corasick::packed::Searcher, bytes: &[u8]) -> u8 {
        LOWERED.with_borrow_mut(|low| {
            low.clear();
            low.extend_from_slice(bytes);
            low.make_ascii_lowercase();
            let mut found = 0;
            let mut at = 0;
            while let Some(m) = packed.find_in(&low[..], aho_corasick::Span::from(at..low.len())) {
                let rest = low.get(m.start()..).unwrap_or_default();
                for (word, cues) in &self.words {
                    if rest.starts_with(word) {
                        found |= cues;
                    }
                }
                at = m.start() + 1;
            }
            if low.capacity() > LOWERED_KEEP_BYTES {
                *low = Vec::new();
            }
            found
        })
    }

    /// The overlapping, ASCII-case-insensitive Aho-Corasick scan the table
    /// replaced, over the same words: the reference [`Cues::scan`] must
    /// agree with on any text (here and in `extract::source`).
    #[cfg(test)]
    pub(crate) fn automaton_scan(&self, text: &str) -> u8 {
        use aho_corasick::{AhoCorasick, MatchKind};
        if !text.is_ascii() && text.contains(FOLDS_TO_ASCII) {
            return u8::MAX;
        }
        let all: Vec<&(Box<[u8]>, u8)> = self.words.iter().chain(&self.short).collect();
        let words: Vec<&[u8]> = all.iter().map(|(w, _)| &**w).collect();
        let scan = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&words)
            .expect("cue words build");
        let mut found = 0;
        for m in scan.find_overlapping_iter(text) {
            found |= all[m.pattern().as_usize()].1;
        }
        found
    }

    /// The words of three bytes or more in `bytes`, by the anchor table.
    fn scan_table(&self, bytes: &[u8]) -> u8 {
        let mut found = 0;
        // The key rolls from byte to byte ([`tri_key`] of the three bytes
        // ending at `end`): one byte folded in per position instead of
        // three (cachegrind, BBC ingest: the scan 97.4 -> 91.3 million
        // instructions).
        let mut key = 0usize;
        for (end, &b) in bytes.iter().enumerate() {
            key = roll(key, b);
            let Some(i) = end.checked_sub(2) else {
                continue;
            };
            if self.tris[key / 64] >> (key % 64) & 1 == 0 {
                continue;
            }
            let from = self.anchors.partition_point(|a| a.0 < key);
            let anchors = self.anchors.get(from..).unwrap_or_default();
            for &(_, w, offset) in anchors.iter().take_while(|a| a.0 == key) {
                let Some((word, cues)) = self.words.get(w) else {
                    continue;
                };
                // Overlapping: a word counts wherever it occurs, even inside
                // another word's occurrence.
                let occurs = i
                    .checked_sub(offset)
                    .and_then(|start| bytes.get(start..start + word.len()))
                    .is_some_and(|t| t.eq_ignore_ascii_case(word));
                if occurs {
                    found |= cues;
                }
            }
        }
        found
    }
}

/// The most words [`Cues`] gives the SIMD search; more go to the anchor
/// table. Teddy compares each place where some word's first three bytes
/// may start: for `extract::source`'s five words that is rare, and its
/// scan cost a tenth of the table's instructions with half its
/// mispredicted branches (cachegrind). For `clean`'s 45 words, many of
/// them common ("enter", "share", "press"), it took half the
/// instructions but five times the mispredicted branches, and a clean of
/// BBC took as long as with the table (20.2-21.0 ms, best of 60 passes).
const PACKED_MAX_WORDS: usize = 8;

/// Texts shorter than this go to the anchor table: Teddy needs a few
/// dozen bytes to start, and below that `find_in` falls back to
/// Rabin-Karp, slower than the table.
const PACKED_MIN_BYTES: usize = 64;

/// A worker keeps its lowercase buffer up to this size (a longer block's
/// buffer is freed after its scan).
const LOWERED_KEEP_BYTES: usize = 1 << 20;

thread_local! {
    /// The lowercased copy of the text [`Cues::scan_packed`] searches,
    /// reused from block to block.
    static LOWERED: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The only non-ASCII characters a case-insensitive regex matches against
/// an ASCII letter: `ſ` (long s, for `s`) and `K` (Kelvin sign, for `k`).
/// Text holding one defeats the ASCII-only shortcuts of [`Cues`] and
/// [`RuleRegex`] (a test checks the list is complete).
pub(crate) const FOLDS_TO_ASCII: [char; 2] = ['\u{17F}', '\u{212A}'];

/// Build a case-insensitive static regex; patterns are literals in this
/// module tree, so failure is a programming error caught by the unit tests.
pub(crate) fn regex(pattern: &str) -> Regex {
    Regex::new(pattern).expect("static regex is valid")
}

/// A regex with the bytes its matches can start with, when it is anchored
/// at the start of the text ([`first_bytes`]): a text starting with any
/// other byte is answered without running it. Most rules anchored so run
/// on every short block, or every line, and almost never match; the regex
/// crate fails such a search within a byte or two, but each call still
/// costs its setup (a cache from the pool, the search's configuration),
/// which showed in ingest profiles as about 2% of the CPU.
pub(crate) struct GatedRegex {
    regex: BlockRegex,
    first: Option<Box<[bool; 256]>>,
}

impl GatedRegex {
    /// Build it (the pattern is a literal in this crate; failure is a
    /// programming error caught by the unit tests).
    pub fn new(pattern: &str) -> GatedRegex {
        GatedRegex {
            regex: block_regex(pattern),
            first: first_bytes(pattern),
        }
    }

    /// Whether the regex matches `text`.
    pub fn is_match(&self, text: &str) -> bool {
        passes(self.first.as_deref(), text) && self.regex.is_match(text)
    }

    /// Whether the pattern got a gate (for tests).
    #[cfg(test)]
    pub fn is_gated(&self) -> bool {
        self.first.is_some()
    }
}

/// Whether `text` gets past a [`first_bytes`] gate: it has none, the text is
/// empty (an empty match needs no first byte), or its first byte is in it.
fn passes(first: Option<&[bool; 256]>, text: &str) -> bool {
    match (first, text.as_bytes().first()) {
        (Some(set), Some(&b)) => set[usize::from(b)],
        _ => true,
    }
}

/// The bytes a match of `pattern` can start with, when every match starts
/// at the start of the text (`^` outside multi-line mode) and consumes at
/// least one character; else `None`. Worked out on the pattern's syntax
/// tree, after case folding (`(?i)s` is also `ſ`), as a superset: a class
/// of characters gives every UTF-8 lead byte from its first character's to
/// its last's.
pub(crate) fn first_bytes(pattern: &str) -> Option<Box<[bool; 256]>> {
    // Only `^` and `\A` anchor at the start, so a pattern holding neither
    // is answered without parsing it (with its case folding, the parse
    // is most of the cost: every `TextRegex` comes here).
    if !pattern.contains('^') && !pattern.contains(r"\A") {
        return None;
    }
    let hir = regex_syntax::parse(pattern).ok()?;
    if !hir
        .properties()
        .look_set_prefix()
        .contains(regex_syntax::hir::Look::Start)
    {
        return None;
    }
    let mut set = Box::new([false; 256]);
    // A match that may consume nothing has no first byte to test.
    (!starts(&hir, &mut set)).then_some(set)
}

/// Add to `set` the bytes a match of `hir` can start with; true when a
/// match of it may be empty (the bytes after it can start the match too).
fn starts(hir: &regex_syntax::hir::Hir, set: &mut [bool; 256]) -> bool {
    use regex_syntax::hir::{Class, HirKind};
    let mut lead = |from: u8, to: u8| {
        for b in from..=to {
            set[usize::from(b)] = true;
        }
    };
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => true,
        HirKind::Literal(lit) => match lit.0.first() {
            Some(&b) => {
                lead(b, b);
                false
            }
            None => true,
        },
        HirKind::Class(Class::Unicode(class)) => {
            let first = |c: char| c.encode_utf8(&mut [0; 4]).as_bytes()[0];
            for r in class.ranges() {
                lead(first(r.start()), first(r.end()));
            }
            class.ranges().is_empty()
        }
        HirKind::Class(Class::Bytes(class)) => {
            for r in class.ranges() {
                lead(r.start(), r.end());
            }
            class.ranges().is_empty()
        }
        HirKind::Repetition(rep) => starts(&rep.sub, set) || rep.min == 0,
        HirKind::Capture(cap) => starts(&cap.sub, set),
        HirKind::Concat(items) => items.iter().all(|h| starts(h, set)),
        HirKind::Alternation(items) => {
            // Every branch adds its bytes, so no short circuit.
            items.iter().fold(false, |empty, h| starts(h, set) | empty)
        }
    }
}

/// A cue regex, built for the text it meets: its [`Forms`], as a
/// [`TextRegex`]'s, whose ASCII form serves ASCII text (nearly all) and
/// text whose only other characters are plain symbols, with a prefilter
/// for the rest.
///
/// Such text goes to [`ascii_pattern`]'s form, which on it is the same
/// regex (see [`ascii_forms_hold`]) and is far cheaper to build: the share
/// cue's exact regex, with a Unicode `\w` repeated up to forty times, took
/// 20 ms to compile and its ASCII form 1.3 ms; all seven cue regexes 30 ms
/// against 9. Regexes are built on first use on the workers, which meet the
/// same rules at the start of an ingest and wait on each other's builds, so
/// for a small ingest this was a fifth of its CPU.
///
/// Other text stays on the lazy DFA too. The regex crate's lazy DFA
/// handles a Unicode `\b` only on ASCII text: at the first non-ASCII byte
/// (a curly quote, a pound sign) it gives up and the search starts again in
/// the NFA simulation, which on these large regexes (Unicode `\w`, case
/// folding) took ~300 µs per block: the few hundred non-ASCII blocks that
/// pass the cue scan were a tenth of the clean stage. So non-ASCII text
/// first goes through a looser twin that the DFA runs on any text, and only
/// a block the twin matches goes on to the exact regex.
///
/// The twin has ASCII word boundaries and `\S` for `\w` (a wider class that
/// compiles to a far smaller automaton: the share regex's twin took 18 ms to
/// build with `\w`). It matches whatever the exact regex matches, provided
/// every `\b` in the pattern has an ASCII letter on its pattern side and no
/// `\w` sits in a negated class (true of every pattern given here;
/// `twin_passes_whatever_the_exact_regex_matches` checks it on generated
/// text): a Unicode boundary then has a non-word character on the text
/// side, which is no ASCII word character either. The one exception is a
/// pattern letter matched, case-insensitively, by `ſ` or the Kelvin sign,
/// which are not ASCII, so text holding either goes to the exact regex
/// alone. The twin is built for the first text that needs it, the exact
/// regex only for the first text the twin matches.
///
/// All three forms are built without a literal prefilter
/// ([`block_regex`]): a rule runs its cue regex only on a block whose cue
/// words the cue scan found, so the prefilter would skip little, and
/// building it was about a third of each build.
pub(crate) struct RuleRegex {
    forms: Forms<BlockRegex>,
    twin: OnceLock<BlockRegex>,
}

/// A regex that only answers whether a block matches (see [`block_regex`]).
type BlockRegex = regex_automata::meta::Regex;

/// Build a regex for rules that only ask whether a block matches, and
/// ask it only of blocks a cheaper test let through (a cue scan, a first
/// byte): `regex_automata`'s meta regex, the engine behind the `regex`
/// crate with the same syntax and the same answers, but without a literal
/// prefilter, which on such blocks skips little and was about a third of
/// each build. Best of 30 builds in a loop: the eight cue patterns' ASCII
/// forms 5.0 ms with the `regex` crate, 3.3 ms so; the eight anchored
/// [`GatedRegex`] patterns 2.65 ms and 1.92 ms. The pattern is a literal
/// in this module tree; failure is a programming error caught by the unit
/// tests.
fn block_regex(pattern: &str) -> BlockRegex {
    BlockRegex::builder()
        .configure(BlockRegex::config().auto_prefilter(false))
        .build(pattern)
        .expect("static regex is valid")
}

impl RuleRegex {
    /// Build the ASCII form (the pattern is a literal in this module tree;
    /// failure is a programming error caught by the unit tests).
    pub fn new(pattern: &'static str) -> RuleRegex {
        RuleRegex {
            forms: Forms::new(pattern.to_string(), block_regex),
            twin: OnceLock::new(),
        }
    }

    /// Whether the exact regex matches `text`.
    pub fn is_match(&self, text: &str) -> bool {
        if !self.forms.passes(text) {
            return false;
        }
        let plain = ascii_forms_hold(text);
        if plain || text.contains(FOLDS_TO_ASCII) {
            return self.forms.choose(plain).is_match(text);
        }
        // The twin first, and the exact regex only for text the twin
        // lets through: the twin turns away nearly every block, so most
        // ingests never build the exact form (about a millisecond of
        // build per cue regex, the largest of all the rules' builds).
        let twin = self.twin.get_or_init(|| {
            block_regex(
                &self
                    .forms
                    .pattern
                    .replace(r"\b", r"(?-u:\b)")
                    .replace(r"\w", r"\S"),
            )
        });
        twin.is_match(text) && self.forms.choose(false).is_match(text)
    }
}

/// `pattern` with ASCII classes for `\w`, `\b`, `\p{Lu}`, `\p{L}` and
/// `\p{N}`: the same regex on ASCII text, where each of these matches only
/// ASCII characters anyway, and a far smaller automaton to build. Inside a
/// class they become `[:word:]`, `A-Z`, `[:alpha:]` and `[:digit:]`,
/// outside the same in brackets; escapes are skipped whole, so `\\w`
/// stays as written.
fn ascii_pattern(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 64);
    let mut depth = 0usize;
    let mut rest = pattern;
    while let Some(c) = rest.chars().next() {
        rest = &rest[c.len_utf8()..];
        if c != '\\' {
            match c {
                '[' => depth += 1,
                ']' if depth > 0 => depth -= 1,
                _ => {}
            }
            out.push(c);
            continue;
        }
        let class = |inner: &str| {
            if depth > 0 {
                inner.to_string()
            } else {
                format!("[{inner}]")
            }
        };
        let (taken, with) = if rest.starts_with('w') {
            (1, class("[:word:]"))
        } else if rest.starts_with('b') && depth == 0 {
            (1, "(?-u:\\b)".to_string())
        } else if rest.starts_with("p{Lu}") {
            (5, class("A-Z"))
        } else if rest.starts_with("p{L}") {
            (4, class("[:alpha:]"))
        } else if rest.starts_with("p{N}") {
            (4, class("[:digit:]"))
        } else {
            // Any other escape, whole: its next character.
            let n = rest.chars().next().map_or(0, char::len_utf8);
            (n, format!("\\{}", &rest[..n]))
        };
        out.push_str(&with);
        rest = &rest[taken..];
    }
    out
}

/// Whether the [`ascii_pattern`] form of a regex answers on `text` exactly
/// as the regex as written: `text` is ASCII, or its other characters are
/// all [`plain_symbol`]s. The rewritten classes (`\w`, `\b`, `\p{Lu}`,
/// `\p{L}`, `\p{N}`) differ only on letters, digits, marks and connectors
/// beyond ASCII, and case-insensitive ASCII letters only reach `ſ` and `K`
/// ([`FOLDS_TO_ASCII`]); none of those is a plain symbol. A third of the
/// BBC's stories hold a `£` and nothing else beyond ASCII: they took the
/// exact regexes, whose Unicode classes cost a build of tens of
/// milliseconds each and a slower search.
pub(crate) fn ascii_forms_hold(text: &str) -> bool {
    text.is_ascii() || text.chars().all(|c| c.is_ascii() || plain_symbol(c))
}

/// Punctuation, symbols and spaces common in news text that no word, letter
/// or digit class matches, Unicode or not: currency signs, typographic
/// quotes and dashes, the ellipsis, bullets, no-break spaces, `©`, `°`.
/// Connector punctuation (`‿`, `⁀`) and the joiners (U+200C, U+200D) are
/// word characters to `\w` and stay out.
pub(crate) fn plain_symbol(c: char) -> bool {
    matches!(c,
        '\u{A0}'..='\u{A9}' | '\u{AB}'..='\u{B1}' | '\u{B4}' | '\u{B6}'..='\u{B8}'
        | '\u{BB}' | '\u{BF}' | '\u{D7}' | '\u{F7}'
        | '\u{2000}'..='\u{200A}' | '\u{2010}'..='\u{2027}' | '\u{202F}'..='\u{203E}'
        | '\u{20A0}'..='\u{20C0}' | '\u{2122}')
}

/// A regex built for the text it meets, like [`RuleRegex`] but for plain
/// searches with captures: its [`ascii_pattern`] form where that answers
/// exactly ([`ascii_forms_hold`]: ASCII text, or ASCII and plain symbols),
/// the exact regex built on the first text where it may not. On such text
/// the two find the same matches with the same groups.
pub(crate) struct TextRegex(Forms<Regex>);

/// A pattern's [`ascii_pattern`] form, built at once, and its exact form,
/// built by the first text that needs it, both by `build`; with the exact
/// pattern's [`first_bytes`]: on text where the ASCII form answers, it
/// answers as the exact one, so the gate holds for both. What
/// [`TextRegex`] (the `regex` crate, for captures) and [`RuleRegex`]
/// ([`block_regex`]s, yes or no) share.
struct Forms<R> {
    pattern: String,
    ascii: R,
    exact: OnceLock<R>,
    first: Option<Box<[bool; 256]>>,
    build: fn(&str) -> R,
}

impl<R> Forms<R> {
    fn new(pattern: String, build: fn(&str) -> R) -> Forms<R> {
        Forms {
            ascii: build(&ascii_pattern(&pattern)),
            first: first_bytes(&pattern),
            pattern,
            exact: OnceLock::new(),
            build,
        }
    }

    /// Whether `text` gets past the first-byte gate.
    fn passes(&self, text: &str) -> bool {
        passes(self.first.as_deref(), text)
    }

    /// The ASCII form where it holds ([`ascii_forms_hold`] said `plain`),
    /// else the exact regex (built now if this is the first text that
    /// needs it).
    fn choose(&self, plain: bool) -> &R {
        if plain {
            &self.ascii
        } else {
            self.exact.get_or_init(|| (self.build)(&self.pattern))
        }
    }

    /// The form to run on `text`.
    fn for_text(&self, text: &str) -> &R {
        self.choose(ascii_forms_hold(text))
    }
}

impl TextRegex {
    /// Build the ASCII form (the pattern is a literal of this crate;
    /// failure is a programming error caught by the unit tests).
    pub fn new(pattern: impl Into<String>) -> TextRegex {
        TextRegex(Forms::new(pattern.into(), regex))
    }

    /// The leftmost-first match of `text` with its groups.
    pub fn captures<'t>(&self, text: &'t str) -> Option<regex::Captures<'t>> {
        if !self.0.passes(text) {
            return None;
        }
        self.0.for_text(text).captures(text)
    }

    /// Whether the regex matches `text`.
    pub fn is_match(&self, text: &str) -> bool {
        self.0.passes(text) && self.0.for_text(text).is_match(text)
    }

    /// Every non-overlapping match of `text` with its groups, leftmost
    /// first.
    pub fn captures_iter<'r, 't>(&'r self, text: &'t str) -> regex::CaptureMatches<'r, 't> {
        self.0.for_text(text).captures_iter(text)
    }

    /// The regex as written, for tests that hold the ASCII form to it.
    #[cfg(test)]
    pub fn exact(&self) -> Regex {
        regex(&self.0.pattern)
    }
}

/// Test helper for the rule modules: each `(text, expected)` case, read as
/// one block that is not the first, must be judged `expected` by `rule`.
#[cfg(test)]
pub(super) fn check(rule: fn(&Block<'_>) -> bool, cases: &[(&str, bool)]) {
    for &(text, expected) in cases {
        let block = Block::new(text, false);
        assert_eq!(rule(&block), expected, "{text}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_bytes_are_those_an_anchored_match_can_start_with() {
        let set = |p: &str| {
            first_bytes(p).map(|s| {
                (0..=255u8)
                    .filter(|&b| s[usize::from(b)])
                    .collect::<Vec<u8>>()
            })
        };
        // Case folding is in the tree: `(?i)s` is also `ſ` (0xC5 0xBF).
        assert_eq!(set(r"(?i)^(?:read|see)\s"), Some(b"RSrs\xC5".to_vec()));
        let bullet = set(r"^(?:[-*]|\d{1,2}[.)])\s").expect("gated");
        assert!(b"*-0123456789".iter().all(|b| bullet.contains(b)));
        assert!(!bullet.contains(&b'a') && !bullet.contains(&b'.'));
        // A class gives the lead bytes of its ranges: `\s` holds U+0085
        // and U+3000, so every lead byte from 0xC2 to 0xE3 comes in.
        let spaced = set(r"^\s*(?:ab|c)").expect("gated");
        assert!(
            [b' ', b'\t', b'a', b'c', 0xC2, 0xE3]
                .iter()
                .all(|b| spaced.contains(b))
        );
        assert!(!spaced.contains(&b'b') && !spaced.contains(&b'A'));
        // No gate: unanchored, anchored per line, or a match that may be
        // empty.
        for p in [r"(?i)read", r"(?m)^read", r"^(?:a|)$", r"^\w*", r"[^.]+\."] {
            assert_eq!(set(p), None, "{p}");
        }
        // `\A` anchors as `^` does (the shortcut for patterns without a
        // `^` must not skip it).
        assert_eq!(set(r"\A(?:ab|c)"), Some(b"ac".to_vec()));
    }

    /// Anchored patterns of the rule shapes: alternatives, case folding,
    /// optional and repeated prefixes, classes, non-ASCII literals.
    const GATED: &[&str] = &[
        r"^(?:[-*•·▪►>»]|\d{1,2}[.)])\s",
        r"(?i)^(?:read\s+(?:more|next)|see\s+also|watch|listen)\s*(?::|»|\s-)\s*\S",
        r"(?ix)^(?: sign(?:ing)?[\s-]?up\s+(?:to|for)\s+\S | get\s+(?:our|the)\s+\w{0,5}\b )",
        r"(?i)^(?:ſtop|kelvin|straße|über)\b",
        r"(?i)^\(?(?:getty|afp)\)?\.?$",
    ];

    /// A pattern of [`GATED`] and a text it may match, generated from the
    /// pattern without its anchors and boundaries.
    fn gated_case() -> impl proptest::strategy::Strategy<Value = (usize, String)> {
        use proptest::prelude::*;
        (0..GATED.len()).prop_flat_map(|i| {
            let body = GATED[i]
                .replacen('^', "", 1)
                .replace('$', "")
                .replace(r"\b", "");
            (
                Just(i),
                proptest::string::string_regex(&body).expect("pattern generates"),
            )
        })
    }

    proptest::proptest! {
        /// The gate never turns away a text the regex matches: texts made
        /// from the patterns themselves, after edge characters or not.
        #[test]
        fn a_gated_regex_answers_as_the_regex(
            (i, body) in gated_case(),
            lead in proptest::sample::select(vec!["", "", " ", "K", "k", "ſ", "é", "(", "“"]),
            tail in "[a-zA-Z :.)-]{0,6}",
        ) {
            let p = GATED[i];
            let gated = GatedRegex::new(p);
            proptest::prop_assert!(gated.is_gated(), "{}", p);
            let exact = regex(p);
            for t in [format!("{lead}{body}{tail}"), format!("{body}{tail}"), body.clone()] {
                proptest::prop_assert_eq!(gated.is_match(&t), exact.is_match(&t), "{:?} {:?}", p, t);
            }
        }
    }

    #[test]
    fn ascii_pattern_rewrites_only_word_classes_and_boundaries() {
        let cases = [
            (r"\bshare\s+\w+", r"(?-u:\b)share\s+[[:word:]]+"),
            (r"[\w.'’\ ]{1,40}?", r"[[:word:].'’\ ]{1,40}?"),
            (r"[^\w]\W\B", r"[^[:word:]]\W\B"),
            (r"a\\w\\b", r"a\\w\\b"),
            (r"[[:alpha:]\w]\w", r"[[:alpha:][:word:]][[:word:]]"),
            ("trailing\\", "trailing\\"),
            (
                r"\((\p{Lu}[\p{L}\p{N}.&' -]{0,30}?)\)",
                r"\(([A-Z][[:alpha:][:digit:].&' -]{0,30}?)\)",
            ),
            (r"\p{L}+\p{N}\p{Greek}", r"[[:alpha:]]+[[:digit:]]\p{Greek}"),
        ];
        for (pattern, want) in cases {
            assert_eq!(ascii_pattern(pattern), want, "{pattern}");
        }
    }

    #[test]
    fn word_count_is_split_whitespace() {
        for text in [
            "",
            " ",
            "one",
            "  two  words ",
            "a\tb\nc\x0Bd\x0Ce\rf",
            "x\x1Fy \x00 z",
            "caf\u{e9} \u{A0} na\u{EF}ve\u{2003}word\u{85}end",
        ] {
            assert_eq!(
                word_count(text),
                text.split_whitespace().count(),
                "{text:?}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn word_count_is_split_whitespace_on_any_text(
            text in "[ \t\n\x0B\x0C\r\x1F\x7Fab.]{0,40}|.{0,20}"
        ) {
            proptest::prop_assert_eq!(word_count(&text), text.split_whitespace().count());
        }
    }

    /// No plain symbol is a word character, letter or digit to Unicode,
    /// or a case-insensitive match of an ASCII letter: on them each
    /// rewritten class and its ASCII form agree (both refuse). Checked over
    /// every character the list takes.
    #[test]
    fn plain_symbols_are_in_no_rewritten_class() {
        let classes = Regex::new(r"^[\w\p{L}\p{N}\p{Lu}]$").expect("valid");
        let folds = Regex::new(r"(?i)^[a-z]$").expect("valid");
        let symbols: Vec<char> = (0..=char::MAX as u32)
            .filter_map(char::from_u32)
            .filter(|&c| plain_symbol(c))
            .collect();
        assert!(symbols.len() > 100, "{}", symbols.len());
        for c in symbols {
            assert!(!c.is_ascii(), "{c:?}");
            let t = c.to_string();
            assert!(
                !classes.is_match(&t) && !folds.is_match(&t),
                "{c:?} U+{:04X}",
                c as u32
            );
        }
        assert!(ascii_forms_hold("A £5 “deal” — at 20°C…"));
        assert!(!ascii_forms_hold("Café"));
        assert!(!ascii_forms_hold("½ of the vote"));
        assert!(!ascii_forms_hold("\u{200D}"));
    }

    #[test]
    fn reporting_guard_table() {
        let cases = [
            ("The company said subscribers fell.", true),
            ("“We need your support,” the mayor told reporters.", true),
            ("\"Please consider donating to the hospice.\"", true),
            ("Subscribe to our newsletter", false),
            ("Please consider donating to The Climax News Room.", false),
        ];
        for (text, expected) in cases {
            assert_eq!(reads_as_reporting(text), expected, "{text}");
        }
    }

    #[test]
    fn contact_table() {
        let cases = [
            ("news@climaxradio.co.uk", true),
            ("WhatsApp: +447747873668", true),
            ("call 0800 123 4567", true),
            ("see https://example.com", true),
            ("follow @bbcnews", true),
            ("profits rose 2% to $11.1bn", false),
            ("in 2004 and 2005", false),
            ("the 1991 Chemical Weapons Act", false),
        ];
        for (text, expected) in cases {
            assert_eq!(has_contact(text), expected, "{text}");
        }
    }

    /// `Cues` assumes that only `ſ` and `K` are non-ASCII characters that
    /// a case-insensitive regex matches against an ASCII letter.
    #[test]
    fn only_long_s_and_kelvin_fold_to_ascii_letters() {
        let letter = regex(r"(?i)^[a-z]$");
        let folding: Vec<char> = (0x80..=0x10FFFFu32)
            .filter_map(char::from_u32)
            .filter(|c| letter.is_match(c.encode_utf8(&mut [0; 4])))
            .collect();
        assert_eq!(folding, FOLDS_TO_ASCII);
    }

    #[test]
    fn cues_ignore_ascii_case_and_pass_folding_characters() {
        let cues = Cues::new(&[
            (Cue::Newsletter, &["subscrib", "inbox"]),
            (Cue::Inbox, &["inbox"]),
            (Cue::Click, &["scri"]),
        ]);
        let (n, i, c) = (Cue::Newsletter.bit(), Cue::Inbox.bit(), Cue::Click.bit());
        assert_eq!(cues.scan("SUBSCRIBE now"), n | c);
        assert_eq!(cues.scan("in your InBox"), n | i);
        assert_eq!(cues.scan("The minister said nothing."), 0);
        assert_eq!(cues.scan("ſubscribe"), u8::MAX);
        assert_eq!(cues.scan("\u{212A}"), u8::MAX);
    }

    /// Few enough words for the SIMD search ([`PACKED_MAX_WORDS`]), with
    /// shared starts and words inside others.
    static FEW_CUES: LazyLock<Cues> = LazyLock::new(|| {
        Cues::with_bits(&[
            (1, &["subscrib", "newsletter"]),
            (2, &["share", "enter"]),
            (4, &["reserv", "contribut", "sub"]),
            (8, &["news"]),
        ])
    });

    #[test]
    fn few_words_get_the_simd_search_on_x86_64() {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("ssse3") {
            assert!(FEW_CUES.packed.is_some());
        }
        assert!(prompts::CUES.packed.is_none());
        let long = format!("{} NEWSLETTERS and reserves", "plain words here ".repeat(5));
        assert_eq!(FEW_CUES.scan(&long), 1 | 4 | 8);
    }

    #[test]
    fn anchors_avoid_common_pairs() {
        assert_eq!(anchor(b"subscrib"), 0);
        assert_eq!(anchor(b"newsletter"), 1);
        assert_eq!(anchor(b"reserved"), 4);
        assert_eq!(anchor(b"(c)"), 0);
        assert_eq!(anchor(b"ab"), 0);
    }

    #[test]
    fn short_and_empty_words_match_the_automaton() {
        let cues = Cues::with_bits(&[(1, &["\u{a9}", "x"]), (2, &["(c)", "ab"]), (4, &[""])]);
        for text in ["", "x", "X", "\u{a9} 2020", "(C)", "aB", "nothing", "bxa"] {
            assert_eq!(cues.scan(text), cues.automaton_scan(text), "{text:?}");
        }
    }

    #[test]
    fn cue_scan_matches_the_automaton_on_examples() {
        let cues = &*prompts::CUES;
        let long = "The minister said nothing new about the London supply. ".repeat(40);
        for text in [
            "",
            "x",
            "Subscribe to our NEWSLETTER",
            "tipress",
            "newsletterenter",
            "reserve reserved RESERVEDreproduc",
            "contribute, become, whatsapp and facebook",
            "Please consider donating to our journalism",
            "a cookie site: click, tap or press",
            "\u{e9}touch \u{201c}send\u{201d} story",
            "ſign",
            "\u{212A}",
            &long,
            &format!("{long}sig"),
            &format!("{long}sign"),
            &format!("sign{long}"),
        ] {
            assert_eq!(cues.scan(text), cues.automaton_scan(text), "{text:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn cue_scan_matches_the_automaton_on_cue_letters(
            text in "(?i)(?:[subcrigneoxwltpadjmhfkvy ]|subscrib|newsletter|reserv|reproduc|\
                whatsapp|facebook|journalism|contribut|ſ|\u{212A}|é|\\PC){0,200}"
        ) {
            let cues = &*prompts::CUES;
            proptest::prop_assert_eq!(cues.scan(&text), cues.automaton_scan(&text));
        }

        #[test]
        fn cue_scan_matches_the_automaton_on_any_text(text in "(?s).{0,100}") {
            let cues = &*prompts::CUES;
            proptest::prop_assert_eq!(cues.scan(&text), cues.automaton_scan(&text));
        }

        /// The SIMD search and the anchor table find the same words, at
        /// any length (`scan` picks one by the text's length).
        #[test]
        fn packed_and_table_scans_agree(
            text in "(?i)(?:[subcrigneoxwltpadjmhfkvy ]|subscrib|newsletter|reserv|share|\
                enter|contribut|é|\\PC){0,120}"
        ) {
            let cues = &*FEW_CUES;
            let bytes = text.as_bytes();
            if let Some(packed) = &cues.packed {
                proptest::prop_assert_eq!(cues.scan_packed(packed, bytes), cues.scan_table(bytes));
            }
            proptest::prop_assert_eq!(cues.scan(&text), cues.automaton_scan(&text));
        }
    }

    #[test]
    fn first_block_gets_a_tighter_limit() {
        let long = "word ".repeat(40);
        assert!(Block::new(&long, false).within(60));
        assert!(!Block::new(&long, true).within(60));
    }

    #[test]
    fn heading_then_items_then_story() {
        let heading = Block::new("Read more:", false);
        let (rule, expect) = judge(&heading, Expect::Nothing).expect("heading matches");
        assert_eq!(rule, Rule::LinkListHeading);
        let item = Block::new("Putin warns the West over sanctions", false);
        let (rule, expect) = judge(&item, expect).expect("item matches");
        assert_eq!(rule, Rule::LinkListItem);
        let story = Block::new(
            "The Kremlin has denied all the accusations and has made several claims of its own.",
            false,
        );
        assert_eq!(judge(&story, expect), None);
    }
}
