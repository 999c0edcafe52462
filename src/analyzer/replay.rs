//! Article text analyzed ahead of time, so tantivy's indexing thread does
//! not have to. In: the [`NewsTokenizer`]'s tokens of a title or a body,
//! written by [`pre_analyze`] on an ingest worker (or the feeder) into one
//! compact string.
//! Out: the same tokens (term, position) streamed back by
//! [`ReplayTokenizer`], the index-time tokenizer of `title` and `body`.
//! It does not analyze anything itself and keeps no offsets: the index
//! records positions only, and highlighting re-analyzes the stored text.
//!
//! Why: ingest has one indexing thread, and its work (tantivy's postings
//! plus our analyzer, about a fifth of ingest's CPU) bounded the whole
//! pipeline while the workers had slack. Analyzing on the workers moves
//! the analyzer off that thread; replaying a string costs a byte scan.
//!
//! The form: every token is one marker byte and its term. [`NEXT`] puts
//! the term at the position after the previous one, [`SAME`] at the same
//! position (a joined compound, "nonaggression" beside "aggression"), and
//! a [`SKIP`] byte stands for a word too long to index, which still takes
//! a position. Terms never hold a byte below 0x20: they are lowercased
//! letters and digits.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use super::NewsTokenizer;

/// Marker: the term takes the next position.
pub const NEXT: u8 = 0x01;
/// Marker: the term shares the previous term's position.
pub const SAME: u8 = 0x02;
/// Marker: a word took a position but was not indexed (too long).
pub const SKIP: u8 = 0x03;

/// The markers as text, for `String` edits.
const SAME_STR: &str = "\u{2}";
const SKIP_STR: &str = "\u{3}";
const _: () = assert!(SAME_STR.as_bytes()[0] == SAME && SKIP_STR.as_bytes()[0] == SKIP);

/// Append the tokens of `text` to `out` in the pre-analyzed form
/// [`ReplayTokenizer`] reads. `out` is not cleared, so the caller can reuse
/// one buffer.
pub fn pre_analyze(tokenizer: &mut NewsTokenizer, text: &str, out: &mut String) {
    pre_analyze_words(tokenizer, text, out, |_| {});
}

/// [`pre_analyze`], calling `word` with the hash of each indexed word in
/// text order (its own position; not a joined compound, not a word too long
/// to index). The hash is of the word lowercased and folded, before
/// stemming (`analyzer::word_hash`): the near print and the fingerprint
/// are built from it (`search::near::NearPrint`, `extract::Fingerprint`),
/// so their words cost no second scan of the body and no hashing byte by
/// byte.
pub fn pre_analyze_words(
    tokenizer: &mut NewsTokenizer,
    text: &str,
    out: &mut String,
    mut word: impl FnMut(u64),
) {
    let mut stream = tokenizer.token_stream(text);
    // The position the next NEXT term gets.
    let mut next = 0usize;
    loop {
        // Each term is written straight after its marker, which is set
        // once the term's position is known.
        let mark = out.len();
        out.push(char::from(NEXT));
        let Some((_, _, position)) = stream.next_term(out) else {
            out.truncate(mark);
            return;
        };
        if position < next {
            // Only a joined compound goes back, and only to the position
            // of the part just before it (the tests hold the analyzer to
            // that), which is the only way back this form has.
            debug_assert_eq!(position + 1, next, "{text:?}");
            out.replace_range(mark..=mark, SAME_STR);
        } else {
            if position > next {
                // Rare: words too long to index before this one.
                out.insert_str(mark, &SKIP_STR.repeat(position - next));
            }
            next = position + 1;
            word(stream.word_hash);
        }
    }
}

/// The word hashes [`pre_analyze_words`] hands on for `text`, on their
/// own: for a fingerprint or near print outside ingest (`newsidx extract`,
/// tests), which builds both while it analyzes the body for the index.
/// The thread keeps one analyzer for it, its stem cache warm across calls.
pub fn word_hashes(text: &str, word: impl FnMut(u64)) {
    thread_local! {
        static ANALYZER: std::cell::RefCell<(NewsTokenizer, String)> =
            std::cell::RefCell::default();
    }
    ANALYZER.with_borrow_mut(|(tokenizer, terms)| {
        terms.clear();
        pre_analyze_words(tokenizer, text, terms, word);
    });
}

/// The index-time tokenizer of pre-analyzed text: each term of the string
/// [`pre_analyze`] wrote, at its position. Any other string is read as
/// best it can be (text between marker bytes as terms), never a panic.
#[derive(Clone, Default)]
pub struct ReplayTokenizer {
    token: Token,
}

impl Tokenizer for ReplayTokenizer {
    type TokenStream<'a> = ReplayStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> ReplayStream<'a> {
        self.token.reset();
        ReplayStream {
            text,
            cursor: 0,
            next: 0,
            token: &mut self.token,
        }
    }
}

/// Token stream of [`ReplayTokenizer`].
pub struct ReplayStream<'a> {
    text: &'a str,
    /// Byte offset of the next marker.
    cursor: usize,
    /// The position the next NEXT term gets.
    next: usize,
    token: &'a mut Token,
}

impl TokenStream for ReplayStream<'_> {
    fn advance(&mut self) -> bool {
        let bytes = self.text.as_bytes();
        loop {
            let Some(&marker) = bytes.get(self.cursor) else {
                return false;
            };
            let position = match marker {
                SKIP => {
                    self.next += 1;
                    self.cursor += 1;
                    continue;
                }
                SAME => self.next.saturating_sub(1),
                _ => {
                    self.next += 1;
                    self.next - 1
                }
            };
            // A term starts after its marker; text that is not ours has no
            // marker there, and its first byte starts the term instead.
            let start = if marker <= SKIP {
                self.cursor + 1
            } else {
                self.cursor
            };
            let end = term_end(bytes, start);
            self.cursor = end;
            // Markers are ASCII, so both ends are character boundaries.
            let Some(term) = self.text.get(start..end).filter(|t| !t.is_empty()) else {
                continue;
            };
            let token = &mut *self.token;
            token.text.clear();
            token.text.push_str(term);
            token.position = position;
            token.position_length = 1;
            token.offset_from = start;
            token.offset_to = end;
            return true;
        }
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// Where the term starting at byte `start` of `bytes` ends: at the next
/// marker, or at the end of the text.
///
/// Why not `memchr3`: a term is one word, six bytes on average, and the
/// vector search's setup cost more than such a scan; the indexing thread
/// replays every token of every title and body. Eight bytes are tested at
/// a time in a register ([`crate::swar`]) instead, the last few one by one.
fn term_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start;
    while let Some(eight) = bytes
        .get(i..i + 8)
        .and_then(|c| <[u8; 8]>::try_from(c).ok())
    {
        // The markers are the bytes 1 to 3.
        let markers = crate::swar::between(u64::from_le_bytes(eight), NEXT - 1, SKIP + 1);
        if markers != 0 {
            return i + (markers.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    bytes
        .get(i..)
        .and_then(|rest| rest.iter().position(|b| (NEXT..=SKIP).contains(b)))
        .map_or(bytes.len(), |n| i + n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::tokenizer::TextAnalyzer;

    /// (position, term) of every token: the part of a token the index keeps.
    fn tokens(a: &mut TextAnalyzer, text: &str) -> Vec<(usize, String)> {
        let mut s = a.token_stream(text);
        let mut out = Vec::new();
        while s.advance() {
            assert_eq!(s.token().position_length, 1);
            out.push((s.token().position, s.token().text.clone()));
        }
        out
    }

    /// The pre-analyzed form of `text` and the tokens replayed from it.
    fn replayed(text: &str) -> (String, Vec<(usize, String)>) {
        let mut pre = String::new();
        pre_analyze(&mut NewsTokenizer::default(), text, &mut pre);
        let mut replay = TextAnalyzer::from(ReplayTokenizer::default());
        let tokens = tokens(&mut replay, &pre);
        (pre, tokens)
    }

    fn assert_replays(text: &str) {
        let analyzed = tokens(&mut super::super::text_analyzer(), text);
        assert_eq!(replayed(text).1, analyzed, "{text:?}");
    }

    #[test]
    fn term_end_is_the_next_marker_or_the_end() {
        let reference = |bytes: &[u8], start: usize| {
            bytes[start..]
                .iter()
                .position(|&b| b == NEXT || b == SAME || b == SKIP)
                .map_or(bytes.len(), |n| start + n)
        };
        // Every length around the eight-byte steps, a marker at every
        // place, and bytes that only look like markers to a careless test
        // (0, 4, 0x81-0x83, which a carry could turn into 1-3).
        for len in 0..20 {
            for at in 0..=len {
                for marker in [NEXT, SAME, SKIP, 0, 4, 0x81, 0x82, 0x83, 0xFF] {
                    let mut bytes = vec![b'a'; len];
                    if at < len {
                        bytes[at] = marker;
                    }
                    for start in 0..=len {
                        assert_eq!(
                            term_end(&bytes, start),
                            reference(&bytes, start),
                            "{bytes:?} from {start}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn replay_gives_the_analyzer_tokens() {
        for text in [
            "The non-aggression pacts of 1939, signed; state-of-the-art e‐mail.",
            "Müller and Mélenchon: naïve café, İstanbul ΣΊΣΥΦΟΣ 中文 🎉",
            "Supercalifragilisticexpialidociousnessesxyzzyplughwordsmore long-word \
             x-Supercalifragilisticexpialidociousnessesxyzzyplughwordsmore end",
            "",
            " -- ",
        ] {
            assert_replays(text);
        }
    }

    #[test]
    fn the_form_is_compact_and_readable() {
        let (pre, _) = replayed("Non-aggression pacts");
        assert_eq!(pre, "\u{1}non\u{1}aggress\u{2}nonaggress\u{1}pact");
        // A long word keeps its position as one SKIP byte.
        let long = "a".repeat(50);
        assert_eq!(replayed(&format!("{long} dogs")).0, "\u{3}\u{1}dog");
    }

    #[test]
    fn text_that_is_not_pre_analyzed_does_not_panic() {
        let mut a = TextAnalyzer::from(ReplayTokenizer::default());
        for text in ["plain words", "\u{2}\u{2}x", "\u{3}", "é\u{1}\u{1}ü\u{3}"] {
            let mut s = a.token_stream(text);
            while s.advance() {
                assert!(!s.token().text.is_empty());
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn replay_gives_the_analyzer_tokens_on_any_text(
            text in "(?s)[a-zA-Z0-9 ,.'’-]{0,80}|.{0,60}|(?:[A-Za-zéüßİ]{1,45}[ -]){0,12}|(?:[a-z0-9]{1,45}[- ‐‑]{1,2}){0,6}"
        ) {
            assert_replays(&text);
        }
    }
}
