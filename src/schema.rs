//! The index schema: every tantivy field handle, the analyzers, and the
//! conversion between our [`Article`] and a tantivy document. This is the only
//! module (with `indexer`, `directory` and `search`) that knows tantivy's types.
//!
//! Why the fields look the way they do is in `docs/ARCHITECTURE.md`; in short:
//! `title`/`body` are stemmed, accent-folded text with positions (phrases) and
//! hyphen-aware tokens, analyzed before tantivy's indexing thread and indexed from that
//! pre-analyzed form, their text stored apart as `title_text`/`body_text`; `people`/`source` exist twice, tokenized for
//! `person:putin` and raw+fast for exact filters and facets; `published` is a
//! `YYYYMMDD` integer (ranges, sort, month histograms with one division);
//! `mentions` holds every mentioned date at year, month and day precision;
//! `near` is the SimHash of the body's shingles (version 2), so syndicated
//! copies can be collapsed at search time without re-reading every body;
//! `print64` is the fingerprint as a number, for cheap distinct counts.
//!
//! The text analyzer itself is in [`crate::analyzer`].

use std::cell::RefCell;

use tantivy::schema::document::{ReferenceValue, ReferenceValueLeaf};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions, Value,
};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, TantivyDocument};

use crate::analyzer::NewsTokenizer;
use crate::article::{Article, Extraction, Format};
use crate::extract::Fingerprint;

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
/// `similar`) read its fast column instead. Version 6: `key` is stored
/// only, and `key_hash` (a u64 fast field, [`key_hash`]) finds it: a
/// column of 830,000 unique strings cost the indexing thread a hash
/// entry per article and a sorted dictionary per segment (a trial on
/// eight replicas: 2% of ingest's CPU and 10-20 MB of peak). Version 7:
/// `title` and `body` are indexed from their pre-analyzed form (see
/// [`crate::analyzer::pre_analyze`]) and no longer stored; their text is
/// stored as `title_text` and `body_text`. The terms, positions and
/// fieldnorms are the same as version 6's; the analyzer moved from tantivy's
/// one indexing thread to ingest's workers. Version 8: `people_exact`
/// and `source_exact` are fast only, `format` and `extraction` stored
/// only. Nothing searched their terms (filters use the tokenized `people`
/// and `source`, facets the fast columns), and the four cost the indexing
/// thread about eight term insertions per article. Version 9: `near` is
/// built from the analyzer's words while the body is pre-analyzed
/// ([`crate::search::near::NearPrint`]), not by a byte-by-byte FNV pass of
/// its own (about 4% of ingest's CPU); prints of version 8 differ, and
/// mixing the two would keep copies from collapsing. Version 10: the
/// `fingerprint` is BLAKE3 over the same word hashes
/// ([`crate::extract::Fingerprint`]), taken in the same pass, not over a
/// lowercased copy of the body's words (about 4% of ingest's CPU).
pub const SCHEMA_VERSION: u32 = 10;

/// Name of the analyzer for article text.
pub const TEXT_ANALYZER: &str = "news";

/// Name of the index-time tokenizer of `title` and `body`, which replays
/// the tokens [`crate::analyzer::pre_analyze`] wrote before it.
pub const REPLAY_ANALYZER: &str = "news_replay";

/// Every field handle of the newsidx index.
#[derive(Debug, Clone)]
pub struct NewsSchema {
    /// The tantivy schema.
    pub schema: Schema,
    /// Identity: path plus `#record`.
    pub key: Field,
    /// [`key_hash`] of the key, fast only: how `show` and `similar` find it.
    pub key_hash: Field,
    /// Source file path; several keys share it for multi-record files.
    pub path: Field,
    /// Source file modification time (ns), for incremental ingest.
    pub modified: Field,
    /// Source file size in bytes, for incremental ingest.
    pub size: Field,
    /// Headline terms, indexed from the pre-analyzed title (not stored).
    pub title: Field,
    /// Article terms, indexed from the pre-analyzed body (not stored).
    pub body: Field,
    /// Headline text, stored.
    pub title_text: Field,
    /// Article text, stored.
    pub body_text: Field,
    /// People, tokenized (`person:putin`).
    pub people: Field,
    /// People, exact names, fast only (facets).
    pub people_exact: Field,
    /// Source, tokenized.
    pub source: Field,
    /// Source, exact name, fast only (facets).
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
        // Text with positions (phrases), by the named tokenizer.
        let analyzed = |tokenizer: &str| {
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(tokenizer)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            )
        };
        let text = analyzed(TEXT_ANALYZER).set_stored();
        let replayed = analyzed(REPLAY_ANALYZER);
        let key = b.add_text_field("key", STORED);
        let key_hash = b.add_u64_field("key_hash", FAST);
        let path = b.add_text_field("path", STRING | STORED | FAST);
        let modified = b.add_i64_field("modified", FAST);
        let size = b.add_u64_field("size", FAST);
        let title = b.add_text_field("title", replayed.clone());
        let body = b.add_text_field("body", replayed);
        let title_text = b.add_text_field("title_text", STORED);
        let body_text = b.add_text_field("body_text", STORED);
        let people = b.add_text_field("people", text.clone());
        let people_exact = b.add_text_field("people_exact", FAST);
        let source = b.add_text_field("source", text.clone());
        let source_exact = b.add_text_field("source_exact", FAST);
        let published = b.add_i64_field("published", INDEXED | FAST | STORED);
        let dates = b.add_text_field("dates", STORED);
        let mentions = b.add_text_field("mentions", STRING);
        let url = b.add_text_field("url", STORED);
        let authors = b.add_text_field("authors", text);
        let format = b.add_text_field("format", STORED);
        // Stored only: exact-duplicate counting and exclusion read `print64`,
        // so indexing it and keeping a fast dictionary of 800k unique
        // 32-character strings cost ~40 MB on a 1 GB archive for nothing.
        let fingerprint = b.add_text_field("fingerprint", STORED);
        let extraction = b.add_text_field("extraction", STORED);
        let near = b.add_u64_field("near", STORED | FAST);
        let print64 = b.add_u64_field("print64", FAST);
        NewsSchema {
            schema: b.build(),
            key,
            key_hash,
            path,
            modified,
            size,
            title,
            body,
            title_text,
            body_text,
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
        index
            .tokenizers()
            .register(TEXT_ANALYZER, crate::analyzer::text_analyzer());
        index.tokenizers().register(
            REPLAY_ANALYZER,
            TextAnalyzer::from(crate::analyzer::ReplayTokenizer::default()),
        );
    }

    /// Turn an article into an index document. `modified`/`size` describe
    /// the source file. The work that needs the text (the analyzer, the
    /// near print, the fingerprint, the hashes) is done here, on the calling
    /// thread (an ingest worker or the feeder, see `ingest::DocsOn`);
    /// tantivy's indexing thread then only reads the fields
    /// ([`ArticleDoc::values`]).
    /// The fingerprint is the body's own ([`crate::extract::fingerprint`]);
    /// the article's `fingerprint` is not read, and ingest leaves it empty.
    pub fn document(&self, a: &Article, modified: i64, size: u64) -> ArticleDoc {
        use Stored::{I64, Static, U64};
        PRE_ANALYZER.with_borrow_mut(|(tokenizer, buf, fingerprint)| {
            // Written into the thread's buffer, then copied out at its
            // exact size.
            buf.clear();
            let mut d = ArticleDoc {
                text: std::mem::take(buf),
                values: Vec::with_capacity(24 + 2 * a.people.len() + 4 * a.dates.len()),
                print64: 0,
            };
            d.text(self.key, &a.key);
            d.values.push((self.key_hash, U64(key_hash(&a.key))));
            d.text(self.path, &a.path);
            d.values.push((self.modified, I64(modified)));
            d.values.push((self.size, U64(size)));
            // In field order from here on: tantivy sorts each document's
            // values by field before indexing them, and a sorted list is one
            // pass for its sort.
            d.analyzed(self.title, tokenizer, &a.title);
            // The near print and the fingerprint are built from the body's
            // words as they are analyzed (see `near::NearPrint` and
            // `extract::Fingerprint`), so every ingest path fills them and
            // neither scans the body again.
            let mut near = crate::search::near::NearPrint::default();
            d.analyzed_words(self.body, tokenizer, &a.body, |h| {
                near.word(h);
                fingerprint.word(h);
            });
            d.text(self.title_text, &a.title);
            d.text(self.body_text, &a.body);
            // The exact names are the same bytes as the tokenized ones.
            let names = d.values.len();
            for p in &a.people {
                d.text(self.people, p);
            }
            d.same_text(names, self.people_exact);
            if let Some(source) = &a.source {
                let at = d.values.len();
                d.text(self.source, source);
                d.same_text(at, self.source_exact);
            }
            if let Some(day) = a.published.as_deref().and_then(date_to_day) {
                d.values.push((self.published, I64(day)));
            }
            let dates = d.values.len();
            for date in &a.dates {
                d.text(self.dates, date);
            }
            for i in dates..d.values.len() {
                if let Some(&(_, Stored::Text(start, end))) = d.values.get(i) {
                    // The prefixes are the date's own first bytes.
                    let date = d.text.get(start..end).unwrap_or_default();
                    for prefix in date_prefixes(date) {
                        let end = start + prefix.len();
                        d.values.push((self.mentions, Stored::Text(start, end)));
                    }
                }
            }
            if let Some(u) = &a.url {
                d.text(self.url, u);
            }
            for au in &a.authors {
                d.text(self.authors, au);
            }
            d.values.push((self.format, Static(a.format.as_str())));
            let print = fingerprint.finish();
            d.text(self.fingerprint, &print);
            let extraction = match a.extraction {
                Extraction::Ok => "ok",
                Extraction::Doubtful => "doubtful",
            };
            d.values.push((self.extraction, Static(extraction)));
            d.values.push((self.near, U64(near.finish())));
            d.print64 = crate::search::near::print64(&print);
            d.values.push((self.print64, U64(d.print64)));
            let exact = d.text.as_str().to_owned();
            *buf = std::mem::replace(&mut d.text, exact);
            // A rare huge body must not keep its buffer alive per thread.
            if buf.capacity() > 1 << 20 {
                *buf = String::new();
            }
            d
        })
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
            title: text(self.title_text),
            body: text(self.body_text),
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

thread_local! {
    /// Each building thread's analyzer (its stem cache warm across
    /// documents), buffer for the pre-analyzed form, and fingerprint
    /// builder (its buffer of word hashes reused).
    static PRE_ANALYZER: RefCell<(NewsTokenizer, String, Fingerprint)> = RefCell::default();
}

/// An article as an index document: every text of it, and the
/// pre-analyzed title and body, end to end in one string, and each field's
/// value in the order the document store keeps them. tantivy reads the
/// fields straight from it through [`tantivy::Document`]: a
/// `TantivyDocument` encoded every value into its own buffer on the
/// worker, and the indexing thread decoded them again (together about 2%
/// of ingest's CPU).
///
/// Why one string, not the article's own strings moved in: the document
/// is freed on tantivy's indexing thread, and a dozen small blocks per
/// article freed on another thread than the one that allocated them
/// raised the 1 GB ingest's peak from 308 to 340-349 MB (eight replicas:
/// 211-216 MB with one buffer per document, 251-254 MB with the
/// article's strings). The copy is one `memcpy` of a few kilobytes.
#[cfg_attr(test, derive(Debug, PartialEq))]
pub struct ArticleDoc {
    text: String,
    values: Vec<(Field, Stored)>,
    /// The body's fingerprint as a number ([`crate::search::near::print64`]).
    print64: u64,
}

/// A value of an [`ArticleDoc`]: a range of its text, a fixed name, or a
/// number.
#[derive(Debug, Clone, Copy)]
#[cfg_attr(test, derive(PartialEq))]
enum Stored {
    Text(usize, usize),
    Static(&'static str),
    U64(u64),
    I64(i64),
}

impl ArticleDoc {
    /// Append `value` to the text as a value of `field`.
    fn text(&mut self, field: Field, value: &str) {
        let start = self.text.len();
        self.text.push_str(value);
        self.values
            .push((field, Stored::Text(start, self.text.len())));
    }

    /// Give `field` the text of each value from index `from` on, again.
    fn same_text(&mut self, from: usize, field: Field) {
        for i in from..self.values.len() {
            if let Some(&(_, Stored::Text(start, end))) = self.values.get(i) {
                self.values.push((field, Stored::Text(start, end)));
            }
        }
    }

    /// Append `value`'s tokens in the pre-analyzed form (see
    /// `crate::analyzer::replay`) as a value of `field`.
    fn analyzed(&mut self, field: Field, tokenizer: &mut NewsTokenizer, value: &str) {
        self.analyzed_words(field, tokenizer, value, |_| {});
    }

    /// [`ArticleDoc::analyzed`], handing each indexed word's hash to `word`
    /// (see [`crate::analyzer::pre_analyze_words`]).
    fn analyzed_words(
        &mut self,
        field: Field,
        tokenizer: &mut NewsTokenizer,
        value: &str,
        word: impl FnMut(u64),
    ) {
        let start = self.text.len();
        crate::analyzer::pre_analyze_words(tokenizer, value, &mut self.text, word);
        self.values
            .push((field, Stored::Text(start, self.text.len())));
    }

    /// The body's fingerprint as a number, as the `print64` field holds it.
    pub fn print64(&self) -> u64 {
        self.print64
    }

    /// Every field's values, in the order the document store keeps them.
    pub fn values(&self) -> Values<'_> {
        Values { doc: self, next: 0 }
    }
}

/// The values of an [`ArticleDoc`], borrowed from it.
pub struct Values<'a> {
    doc: &'a ArticleDoc,
    next: usize,
}

impl<'a> Iterator for Values<'a> {
    type Item = (Field, FieldValue<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        let &(field, stored) = self.doc.values.get(self.next)?;
        self.next += 1;
        let value = match stored {
            Stored::Text(start, end) => {
                FieldValue::Str(self.doc.text.get(start..end).unwrap_or_default())
            }
            Stored::Static(s) => FieldValue::Str(s),
            Stored::U64(n) => FieldValue::U64(n),
            Stored::I64(n) => FieldValue::I64(n),
        };
        Some((field, value))
    }
}

/// One value of an [`ArticleDoc`]'s field, borrowed from it.
#[derive(Debug, Clone, Copy)]
pub enum FieldValue<'a> {
    /// Text.
    Str(&'a str),
    /// An unsigned number.
    U64(u64),
    /// A signed number.
    I64(i64),
}

impl<'a> Value<'a> for FieldValue<'a> {
    type ArrayIter = std::iter::Empty<Self>;
    type ObjectIter = std::iter::Empty<(&'a str, Self)>;

    fn as_value(&self) -> ReferenceValue<'a, Self> {
        ReferenceValue::Leaf(match *self {
            FieldValue::Str(s) => ReferenceValueLeaf::Str(s),
            FieldValue::U64(n) => ReferenceValueLeaf::U64(n),
            FieldValue::I64(n) => ReferenceValueLeaf::I64(n),
        })
    }
}

impl tantivy::Document for ArticleDoc {
    type Value<'a> = FieldValue<'a>;
    type FieldsValuesIter<'a> = Values<'a>;

    fn iter_fields_and_values(&self) -> Self::FieldsValuesIter<'_> {
        self.values()
    }
}

impl Default for NewsSchema {
    fn default() -> Self {
        NewsSchema::new()
    }
}

/// The 64-bit hash that finds an article by its key (the FNV-1a hash
/// [`crate::search::near::print64`] also uses). Two keys may share it, so
/// whoever looks a key up compares the stored key too.
pub fn key_hash(key: &str) -> u64 {
    crate::search::near::print64(key)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_article_doc_stores_every_field_of_the_article() {
        let schema = NewsSchema::new();
        let article = Article {
            key: "news/a.ndjson#3".into(),
            path: "news/a.ndjson".into(),
            title: "Pact signed".into(),
            body: "Leaders signed a non-aggression pact on 9 September 2020.".into(),
            people: vec!["Ada Lovelace".into(), "Alan Turing".into()],
            dates: vec!["2020-09-09".into(), "2016".into()],
            published: Some("2020-09-10".into()),
            source: Some("Example Times".into()),
            url: Some("https://example.com/pact".into()),
            authors: vec!["Grace Hopper".into()],
            format: Format::Ndjson,
            // Ingest leaves it empty; the document takes the body's own.
            fingerprint: String::new(),
            extraction: Extraction::Doubtful,
        };
        let doc = schema.document(&article, 7, 99);
        let print = crate::extract::fingerprint(&article.body);
        assert_eq!(doc.print64(), crate::search::near::print64(&print));
        let near = doc.values().find_map(|(f, v)| match v {
            FieldValue::U64(n) if f == schema.near => Some(n),
            _ => None,
        });
        assert_eq!(near, Some(crate::search::near::near_print(&article.body)));
        let values: Vec<_> = doc.values().collect();
        let of = |f: Field| values.iter().filter(|(g, _)| *g == f).count();
        // Indexed only: the pre-analyzed text, the date prefixes, the numbers.
        assert_eq!((of(schema.title), of(schema.body)), (1, 1));
        assert_eq!(of(schema.mentions), 4);
        assert_eq!(
            (of(schema.near), of(schema.print64), of(schema.size)),
            (1, 1, 1)
        );
        // In field order, so tantivy's sort of them is one pass.
        assert!(values.iter().map(|(f, _)| *f).is_sorted());
        let exact: Vec<_> = values
            .iter()
            .filter(|(f, _)| *f == schema.people_exact)
            .filter_map(|(_, v)| v.as_str())
            .collect();
        assert_eq!(exact, ["Ada Lovelace", "Alan Turing"]);
        let stored = tantivy::Document::into_tantivy_document(doc);
        let article = Article {
            fingerprint: print,
            ..article
        };
        assert_eq!(schema.to_article(&stored), article);
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
