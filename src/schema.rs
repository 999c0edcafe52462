//! The index schema: every tantivy field handle, the analyzers, and the
//! conversion between our [`Article`] and a tantivy document. This is the only
//! module (with `indexer` and `search`) that knows tantivy's types.
//!
//! Why the fields look the way they do is in `docs/ARCHITECTURE.md`; in short:
//! `title`/`body` are stemmed, accent-folded text with positions (phrases) and
//! hyphen-aware tokens; `people`/`source` exist twice, tokenized for
//! `person:putin` and raw+fast for exact filters and facets; `published` is a
//! `YYYYMMDD` integer (ranges, sort, month histograms with one division);
//! `mentions` holds every mentioned date at year, month and day precision;
//! `near` is the SimHash of the body's shingles (version 2), so syndicated
//! copies can be collapsed at search time without re-reading every body;
//! `print64` is the fingerprint as a number, for cheap distinct counts.
//!
//! The text analyzer stems through [`CachedStemmer`], tantivy's English
//! Snowball stemmer behind a bounded word cache: same tokens, a fraction of
//! the stemming work on Zipfian news text.

use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions, Value,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, RemoveLongFilter, Stemmer,
    TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};
use tantivy::{Index, TantivyDocument};

use crate::article::{Article, Extraction, Format};

/// Bumped whenever fields, analyzers or the on-disk encoding change; an index
/// with another version is refused with a "re-ingest with --rebuild" message.
/// Version 3: fast-field dictionaries are no longer zstd-compressed (tantivy's
/// `columnar-zstd-compression` is off), because every dictionary lookup at
/// query time built a fresh zstd context and facets spent most of their time
/// there; the index grows by about 1%. Version 4: `fingerprint` is stored
/// only (no term dictionary, no fast dictionary); `print64` does its work.
/// Version 5: `key` is stored and fast only. Its term dictionary held one
/// unique term per article, each a new entry in the writer's term table (a
/// hash, an arena block and a sorted FST entry at every flush), about 3% of
/// ingest's CPU on the 1 GB bench corpus; the two lookups by key (`show`,
/// `similar`) read its fast column instead.
pub const SCHEMA_VERSION: u32 = 5;

/// Name of the analyzer for article text.
pub const TEXT_ANALYZER: &str = "news";

/// Every field handle of the newsidx index.
#[derive(Debug, Clone)]
pub struct NewsSchema {
    /// The tantivy schema.
    pub schema: Schema,
    /// Identity: path plus `#record`.
    pub key: Field,
    /// Source file path; several keys share it for multi-record files.
    pub path: Field,
    /// Source file modification time (ns), for incremental ingest.
    pub modified: Field,
    /// Source file size in bytes, for incremental ingest.
    pub size: Field,
    /// Headline text.
    pub title: Field,
    /// Article text.
    pub body: Field,
    /// People, tokenized (`person:putin`).
    pub people: Field,
    /// People, exact names, fast (filters and facets).
    pub people_exact: Field,
    /// Source, tokenized.
    pub source: Field,
    /// Source, exact name, fast.
    pub source_exact: Field,
    /// Publication date as `YYYYMMDD`.
    pub published: Field,
    /// Mentioned dates as stored (`2020-09-09`, `2020-09`, `2016`).
    pub dates: Field,
    /// Mentioned dates indexed at every precision (`2020`, `2020-09`, `2020-09-09`).
    pub mentions: Field,
    /// Canonical URL.
    pub url: Field,
    /// Authors.
    pub authors: Field,
    /// Input format name.
    pub format: Field,
    /// Exact-duplicate fingerprint.
    pub fingerprint: Field,
    /// `ok` or `doubtful`.
    pub extraction: Field,
    /// Near-duplicate print of the body ([`crate::search::near::near_print`]).
    pub near: Field,
    /// The fingerprint hashed to a u64 (fast only), so counting distinct
    /// bodies over a large result set reads numbers, not a dictionary.
    pub print64: Field,
}

impl NewsSchema {
    /// Build the schema.
    pub fn new() -> NewsSchema {
        let mut b = Schema::builder();
        let text = TextOptions::default()
            .set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(TEXT_ANALYZER)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            )
            .set_stored();
        let text_unstored = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(TEXT_ANALYZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        let key = b.add_text_field("key", STORED | FAST);
        let path = b.add_text_field("path", STRING | STORED | FAST);
        let modified = b.add_i64_field("modified", FAST);
        let size = b.add_u64_field("size", FAST);
        let title = b.add_text_field("title", text.clone());
        let body = b.add_text_field("body", text.clone());
        let people = b.add_text_field("people", text.clone());
        let people_exact = b.add_text_field("people_exact", STRING | FAST);
        let source = b.add_text_field("source", text);
        let source_exact = b.add_text_field("source_exact", STRING | FAST);
        let published = b.add_i64_field("published", INDEXED | FAST | STORED);
        let dates = b.add_text_field("dates", STORED);
        let mentions = b.add_text_field("mentions", STRING);
        let url = b.add_text_field("url", STORED);
        let authors = b.add_text_field("authors", text_unstored.set_stored());
        let format = b.add_text_field("format", STRING | STORED);
        // Stored only: exact-duplicate counting and exclusion read `print64`,
        // so indexing it and keeping a fast dictionary of 800k unique
        // 32-character strings cost ~40 MB on a 1 GB archive for nothing.
        let fingerprint = b.add_text_field("fingerprint", STORED);
        let extraction = b.add_text_field("extraction", STRING | STORED);
        let near = b.add_u64_field("near", STORED | FAST);
        let print64 = b.add_u64_field("print64", FAST);
        NewsSchema {
            schema: b.build(),
            key,
            path,
            modified,
            size,
            title,
            body,
            people,
            people_exact,
            source,
            source_exact,
            published,
            dates,
            mentions,
            url,
            authors,
            format,
            fingerprint,
            extraction,
            near,
            print64,
        }
    }

    /// Register our analyzers on an index (needed after every open).
    pub fn register(index: &Index) {
        index.tokenizers().register(TEXT_ANALYZER, text_analyzer());
    }

    /// Turn an article into a document. `modified`/`size` describe the source file.
    pub fn to_document(&self, a: &Article, modified: i64, size: u64) -> TantivyDocument {
        let mut d = TantivyDocument::default();
        d.add_text(self.key, &a.key);
        d.add_text(self.path, &a.path);
        d.add_i64(self.modified, modified);
        d.add_u64(self.size, size);
        d.add_text(self.title, &a.title);
        d.add_text(self.body, &a.body);
        for p in &a.people {
            d.add_text(self.people, p);
            d.add_text(self.people_exact, p);
        }
        if let Some(s) = &a.source {
            d.add_text(self.source, s);
            d.add_text(self.source_exact, s);
        }
        if let Some(day) = a.published.as_deref().and_then(date_to_day) {
            d.add_i64(self.published, day);
        }
        for date in &a.dates {
            d.add_text(self.dates, date);
            for prefix in date_prefixes(date) {
                d.add_text(self.mentions, prefix);
            }
        }
        if let Some(u) = &a.url {
            d.add_text(self.url, u);
        }
        for au in &a.authors {
            d.add_text(self.authors, au);
        }
        d.add_text(self.format, a.format.as_str());
        d.add_text(self.fingerprint, &a.fingerprint);
        // Computed here from the body itself, so every ingest path fills it.
        d.add_u64(self.near, crate::search::near::near_print(&a.body));
        if !a.fingerprint.is_empty() {
            d.add_u64(self.print64, crate::search::near::print64(&a.fingerprint));
        }
        d.add_text(
            self.extraction,
            match a.extraction {
                Extraction::Ok => "ok",
                Extraction::Doubtful => "doubtful",
            },
        );
        d
    }

    /// Turn a stored document back into an article.
    pub fn to_article(&self, d: &TantivyDocument) -> Article {
        let text = |f: Field| {
            d.get_first(f)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string()
        };
        let texts = |f: Field| {
            d.get_all(f)
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect::<Vec<_>>()
        };
        let opt = |f: Field| Some(text(f)).filter(|s| !s.is_empty());
        Article {
            key: text(self.key),
            path: text(self.path),
            title: text(self.title),
            body: text(self.body),
            people: texts(self.people),
            dates: texts(self.dates),
            published: d
                .get_first(self.published)
                .and_then(|v| v.as_i64())
                .map(day_to_date),
            source: opt(self.source),
            url: opt(self.url),
            authors: texts(self.authors),
            format: Format::parse(&text(self.format)).unwrap_or_default(),
            fingerprint: text(self.fingerprint),
            extraction: if text(self.extraction) == "doubtful" {
                Extraction::Doubtful
            } else {
                Extraction::Ok
            },
        }
    }
}

impl Default for NewsSchema {
    fn default() -> Self {
        NewsSchema::new()
    }
}

/// `"2020-09-25"` -> `20200925`.
pub fn date_to_day(date: &str) -> Option<i64> {
    let d = chrono::NaiveDate::parse_from_str(date.get(..10)?, "%Y-%m-%d").ok()?;
    use chrono::Datelike;
    Some(d.year() as i64 * 10_000 + d.month() as i64 * 100 + d.day() as i64)
}

/// `20200925` -> `"2020-09-25"`.
pub fn day_to_date(day: i64) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        day / 10_000,
        day / 100 % 100,
        day % 100
    )
}

/// `"2020-09-09"` -> `["2020", "2020-09", "2020-09-09"]`, so `mentions:2020`
/// finds an article that mentions any day of 2020.
pub fn date_prefixes(date: &str) -> Vec<&str> {
    [4, 7, 10]
        .iter()
        .filter(|&&n| n <= date.len())
        .filter_map(|&n| date.get(..n))
        .collect()
}

/// The analyzer for article text: hyphen-aware words, lowercased, accents
/// folded (so "Müller" finds "Muller"), English-stemmed ("pacts" finds "pact").
///
/// The stemmer is tantivy's English Snowball stemmer behind a word cache
/// ([`CachedStemmer`]): stemming was about 70% of the analyzer's time, and in
/// news text a few thousand words make up most tokens.
pub fn text_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(HyphenTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(CachedStemmer::default())
        .build()
}

/// The most words a [`CachedStemmer`] remembers before it starts afresh: a
/// few MB per analyzer, enough for the words that make up most of news text.
const STEM_CACHE_WORDS: usize = 32_768;

/// A token filter that stems exactly like tantivy's
/// `Stemmer::new(Language::English)` (it calls it for every word it has not
/// seen), remembering each word's stem. The memory stays flat: the cache is
/// emptied when it holds `limit` words. Each analyzer clone (tantivy makes
/// one per field and indexing thread) has its own cache, so no lock is taken.
#[derive(Clone)]
pub struct CachedStemmer {
    limit: usize,
}

impl Default for CachedStemmer {
    fn default() -> Self {
        CachedStemmer::with_limit(STEM_CACHE_WORDS)
    }
}

impl CachedStemmer {
    /// A cached stemmer that remembers at most `limit` words.
    pub fn with_limit(limit: usize) -> CachedStemmer {
        CachedStemmer { limit }
    }
}

impl TokenFilter for CachedStemmer {
    type Tokenizer<T: Tokenizer> = CachedStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> CachedStemmerFilter<T> {
        CachedStemmerFilter {
            inner,
            cache: StemCache::new(self.limit),
        }
    }
}

/// [`CachedStemmer`] applied to a tokenizer.
#[derive(Clone)]
pub struct CachedStemmerFilter<T> {
    inner: T,
    cache: StemCache,
}

/// Word -> stem, plus the stemmer that fills it.
///
/// Words of up to 15 bytes (nearly all) are keyed by their bytes packed
/// into a `u128` with the length in the last byte, and their stems kept
/// inline as an edit of the word ([`Edit`]): a lookup then hashes and
/// compares two integers in the table itself. With `String` keys every
/// lookup followed a pointer to the key's bytes and called `memcmp`, about
/// a tenth of ingest's CPU on the indexing thread.
struct StemCache {
    short: foldhash::HashMap<u128, Edit>,
    stems: foldhash::HashMap<String, String>,
    limit: usize,
    /// tantivy's own stemmer over a one-token tokenizer, so a cached stem is
    /// by construction the one the uncached chain would give.
    stemmer: TextAnalyzer,
}

impl StemCache {
    fn new(limit: usize) -> StemCache {
        StemCache {
            short: foldhash::HashMap::default(),
            stems: foldhash::HashMap::default(),
            limit,
            stemmer: TextAnalyzer::builder(RawTokenizer::default())
                .filter(Stemmer::new(Language::English))
                .build(),
        }
    }

    /// Replace `word` with its stem.
    fn stem(&mut self, word: &mut String) {
        // The English stemmer leaves words of one or two letters as they
        // are ("not hop 3" in its Snowball source; a test checks every
        // such ASCII word): a quarter of news tokens ("of", "to", "a")
        // need no lookup.
        if word.len() <= 2 {
            return;
        }
        let packed = pack(word);
        if let Some(key) = packed {
            if let Some(&edit) = self.short.get(&key) {
                edit.apply(word);
                return;
            }
        } else if let Some(stem) = self.stems.get(word.as_str()) {
            word.clear();
            word.push_str(stem);
            return;
        }
        let mut stream = self.stemmer.token_stream(word);
        // The raw tokenizer always yields its one token; keeping the word
        // unstemmed otherwise is the total fallback.
        let stem = if stream.advance() {
            stream.token().text.clone()
        } else {
            word.clone()
        };
        drop(stream);
        if self.short.len() + self.stems.len() >= self.limit {
            self.short.clear();
            self.stems.clear();
        }
        match (packed, Edit::of(word, &stem)) {
            (Some(key), Some(edit)) => {
                self.short.insert(key, edit);
                *word = stem;
            }
            _ => {
                self.stems
                    .insert(std::mem::replace(word, stem.clone()), stem);
            }
        }
    }
}

/// `text` of at most 15 bytes as its bytes and, in the last byte, its
/// length (so "a" and "a\0" differ).
fn pack(text: &str) -> Option<u128> {
    let bytes = text.as_bytes();
    if bytes.len() > 15 {
        return None;
    }
    let mut b = [0u8; 16];
    b[..bytes.len()].copy_from_slice(bytes);
    b[15] = bytes.len() as u8;
    Some(u128::from_le_bytes(b))
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

    /// Turn the word this edit was made from into its stem.
    fn apply(&self, word: &mut String) {
        let keep = usize::from(self.keep);
        if keep < word.len() && word.is_char_boundary(keep) {
            word.truncate(keep);
        }
        if self.len > 0 {
            // Whole characters cut from a `&str` by `of`; the check is on a
            // few bytes and only for the stems that append.
            let n = usize::from(self.len).min(Edit::MAX_TAIL);
            if let Ok(tail) = std::str::from_utf8(&self.tail[..n]) {
                word.push_str(tail);
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

impl<T: Tokenizer> Tokenizer for CachedStemmerFilter<T> {
    type TokenStream<'a> = CachedStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CachedStemmerStream {
            tail: self.inner.token_stream(text),
            cache: &mut self.cache,
        }
    }
}

/// Token stream of [`CachedStemmerFilter`].
pub struct CachedStemmerStream<'a, S> {
    tail: S,
    cache: &'a mut StemCache,
}

impl<S: TokenStream> TokenStream for CachedStemmerStream<'_, S> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        self.cache.stem(&mut self.tail.token_mut().text);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

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
pub struct HyphenTokenizer {
    token: Token,
}

/// Token stream of [`HyphenTokenizer`].
pub struct HyphenTokenStream<'a> {
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

fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}')
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
        let Some((rel_start, _)) = rest.char_indices().find(|(_, c)| c.is_alphanumeric()) else {
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
pub fn hyphen_tokens(text: &str) -> Vec<Token> {
    let mut tokenizer = HyphenTokenizer::default();
    let mut stream = tokenizer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(stream.token().clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let mut tiny = TextAnalyzer::builder(HyphenTokenizer::default())
            .filter(RemoveLongFilter::limit(40))
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .filter(CachedStemmer::with_limit(3))
            .build();
        for _ in 0..2 {
            for text in texts {
                assert_same_tokens(&mut tiny, text);
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn cached_stems_equal_tantivy_stems_on_any_text(
            text in "(?s)[a-zA-Z0-9 ,.'’-]{0,80}|.{0,60}|(?:[A-Za-zéüßİ]{1,12}[ -]){0,12}"
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

    #[test]
    fn packed_words_differ() {
        assert_ne!(pack("a"), pack("a\0"));
        assert_ne!(pack("pact"), pack("pacts"));
        assert!(pack("fifteen_bytes__").is_some());
        assert_eq!(pack("sixteen_bytes___"), None);
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
            edit.apply(&mut out);
            assert_eq!(out, stem, "{word}");
        }
        assert_eq!(Edit::of("a", "abcdefgh"), None, "tail longer than 6 bytes");
    }

    #[test]
    fn date_helpers() {
        assert_eq!(date_to_day("2020-09-25"), Some(20200925));
        assert_eq!(date_to_day("2020-13-01"), None);
        assert_eq!(day_to_date(20200925), "2020-09-25");
        assert_eq!(
            date_prefixes("2020-09-09"),
            ["2020", "2020-09", "2020-09-09"]
        );
        assert_eq!(date_prefixes("2020-09"), ["2020", "2020-09"]);
        assert_eq!(date_prefixes("2016"), ["2016"]);
    }
}
