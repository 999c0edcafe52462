//! Stage: extract. A parsed [`Draft`] and its [`Cleaned`] body in, an
//! [`Article`] out: title, people, mentioned dates, publication date, source
//! and fingerprint, one module per field family. A byline paragraph at the
//! top of the body (plain text, Markdown) is taken out of the body first and
//! gives authors, outlet and date when the metadata has none. Pure and total.
//!
//! It does not read files or clean text; it decides fields from what the
//! earlier stages produced.

pub mod byline;
pub mod dates;
pub mod people;
pub mod source;

use crate::article::{Article, Draft};
use crate::clean::Cleaned;

/// What extraction needs to know about where a record came from.
#[derive(Debug, Clone, Copy)]
pub struct Origin<'a> {
    /// The article's key (path plus `#record`).
    pub key: &'a str,
    /// The source file path.
    pub path: &'a str,
    /// The user's `ingest --source NAME`, the last resort for `source`.
    pub default_source: Option<&'a str>,
}

/// Longest title taken from the body when the file has none.
const MAX_DERIVED_TITLE: usize = 120;

/// Build the article for one record.
pub fn assemble(draft: &Draft, cleaned: &Cleaned, origin: Origin<'_>) -> Article {
    let mut article = assemble_unprinted(draft, cleaned, origin);
    article.fingerprint = fingerprint(&article.body);
    article
}

/// [`assemble`] without the fingerprint (left empty), for ingest: the
/// index document takes it from the analyzer's pass over the body
/// (`schema::NewsSchema::document`), so it costs no pass of its own.
pub fn assemble_unprinted(draft: &Draft, cleaned: &Cleaned, origin: Origin<'_>) -> Article {
    let mut one = assemble_unprinted_batch(&[(draft, cleaned, origin)]);
    one.pop().unwrap_or_default()
}

/// [`assemble_unprinted`] for several records, in their order, stage by
/// stage: every record's byline, title, dates of publication and source,
/// then every record's people, then every record's mentioned dates. Each
/// stage is a lot of code; run record by record, they evicted one another
/// from the core's instruction cache (see `ingest::STAGE_BATCH`).
pub fn assemble_unprinted_batch(records: &[(&Draft, &Cleaned, Origin<'_>)]) -> Vec<Article> {
    let mut heads: Vec<Head> = records
        .iter()
        .map(|&(draft, cleaned, origin)| head(draft, cleaned, origin))
        .collect();
    for (h, &(draft, ..)) in heads.iter_mut().zip(records) {
        let mut people = people::people(&h.article.title, &h.article.body);
        for p in &draft.people {
            if !people.iter().any(|q| q.eq_ignore_ascii_case(p)) {
                people.push(p.clone());
            }
        }
        h.article.people = people;
    }
    heads
        .into_iter()
        .map(|h| Article {
            dates: dates::mentioned(&h.article.body, h.published),
            ..h.article
        })
        .collect()
}

/// An article with everything but its people and mentioned dates, and the
/// publication date the mentioned dates are read against.
struct Head {
    article: Article,
    published: Option<chrono::NaiveDate>,
}

/// The first stage of [`assemble_unprinted_batch`] for one record.
fn head(draft: &Draft, cleaned: &Cleaned, origin: Origin<'_>) -> Head {
    // The byline goes before anything reads the body: its names are writers,
    // not people in the story, and its role ("Climate Reporter") no name.
    let (body, byline) = byline::split_body(&cleaned.body);
    let byline = byline.unwrap_or_default();
    let title = draft
        .title
        .as_deref()
        .map(crate::clean::normalize_text)
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| derived_title(&body, origin.path));
    let file_name = std::path::Path::new(origin.path)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let published = draft
        .published
        .as_deref()
        .and_then(dates::parse_published)
        .or(byline.date)
        .or_else(|| dates::from_dateline(&body))
        .or_else(|| dates::from_file_name(file_name));
    let source = draft
        .source
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(str::to_string)
        .or_else(|| byline.outlet.clone())
        .or_else(|| source::from_text(&body, &cleaned.removed))
        .or_else(|| draft.url.as_deref().and_then(host_of).map(str::to_string))
        .or_else(|| origin.default_source.map(str::to_string))
        .map(|s| source::normalize(&s));
    let authors = if !draft.authors.is_empty() {
        draft.authors.clone()
    } else if !byline.authors.is_empty() {
        byline.authors
    } else {
        // A wire credit ("(Reporting by ...)") that cleaning cut off the end.
        cleaned
            .removed
            .iter()
            .map(|b| byline::credit_authors(b))
            .find(|a| !a.is_empty())
            .unwrap_or_default()
    };
    Head {
        article: Article {
            key: origin.key.to_string(),
            path: origin.path.to_string(),
            title,
            fingerprint: String::new(),
            body,
            people: Vec::new(),
            dates: Vec::new(),
            published: published.map(dates::iso_day),
            source,
            url: draft.url.clone(),
            authors,
            format: draft.format,
            extraction: draft.extraction,
        },
        published,
    }
}

/// A title for a record without one: its first sentence, cut at a word
/// boundary, else the file name.
fn derived_title(body: &str, path: &str) -> String {
    let first = body.split("\n\n").next().unwrap_or_default();
    let sentence = first
        .split_inclusive(['.', '!', '?'])
        .next()
        .unwrap_or(first)
        .trim();
    if sentence.is_empty() {
        return std::path::Path::new(path)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or(path)
            .to_string();
    }
    if sentence.chars().count() <= MAX_DERIVED_TITLE {
        return sentence.to_string();
    }
    let mut out = String::new();
    for word in sentence.split_whitespace() {
        if out.chars().count() + word.chars().count() + 1 > MAX_DERIVED_TITLE {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out.push('…');
    out
}

/// The host of a URL, without `www.`.
fn host_of(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', '?', '#', ':']).next()?;
    let host = host.strip_prefix("www.").unwrap_or(host);
    Some(host).filter(|h| h.contains('.'))
}

/// Hash of the body's words, lowercased and folded: equal for copies that
/// differ only in whitespace, punctuation, case or accents (exact
/// duplicates). The first 32 hex digits of the BLAKE3 hash of the words'
/// 64-bit hashes ([`Fingerprint`]), over the words the analyzer indexes
/// (a word of 40 bytes or more, which it does not index, is not counted).
pub fn fingerprint(body: &str) -> String {
    let mut print = Fingerprint::default();
    crate::analyzer::word_hashes(body, |h| print.word(h));
    print.finish()
}

/// Builds a [`fingerprint`] from a body's word hashes in text order
/// (`analyzer::pre_analyze_words` hands them over). Why hashes of words,
/// not the words: ingest computes the fingerprint while it analyzes the
/// body for the index, where each word's hash is two multiplies of bytes
/// already loaded; its own pass lowercasing every word into a copy of the
/// body had been about 4% of ingest's CPU. BLAKE3 over the hashes keeps
/// the result free of any weakness of a home-made combiner.
#[derive(Default)]
pub struct Fingerprint {
    hashes: Vec<u8>,
}

impl Fingerprint {
    /// The next word's hash.
    #[inline]
    pub fn word(&mut self, h: u64) {
        self.hashes.extend_from_slice(&h.to_le_bytes());
    }

    /// The fingerprint of the words so far; the builder starts again empty.
    pub fn finish(&mut self) -> String {
        let hex = blake3::hash(&self.hashes).to_hex();
        self.hashes.clear();
        // A rare huge body must not keep its buffer alive per thread.
        if self.hashes.capacity() > 1 << 20 {
            self.hashes = Vec::new();
        }
        hex[..32].to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_ignores_spacing_and_case() {
        assert_eq!(
            fingerprint("Hello,  World.\n\nAgain"),
            fingerprint("hello world again")
        );
        assert_ne!(fingerprint("hello world"), fingerprint("hello there"));
    }

    /// The fingerprint spelled out: BLAKE3 over the reference chain's
    /// word hashes.
    fn fingerprint_reference(body: &str) -> String {
        let bytes: Vec<u8> = crate::analyzer::reference_word_hashes(body)
            .iter()
            .flat_map(|h| h.to_le_bytes())
            .collect();
        blake3::hash(&bytes).to_hex()[..32].to_string()
    }

    #[test]
    fn fingerprint_equals_the_reference() {
        for body in [
            "",
            "Hello,  World.\n\nAgain",
            "ΟΔΥΣΣΕΥΣ and ΣΊΣΥΦΟΣ ran; Müller İstanbul ǅemal ß ﬁnance",
            &"The quick brown fox jumps over the lazy dog. ".repeat(500),
        ] {
            assert_eq!(fingerprint(body), fingerprint_reference(body), "{body}");
        }
        // Words differ: fingerprints differ, even stems alike.
        assert_ne!(fingerprint("the pact"), fingerprint("the pacts"));
        assert_ne!(fingerprint("a b c"), fingerprint("a c b"));
        assert_eq!(fingerprint("Café au lait"), fingerprint("cafe AU LAIT!"));
        // Bodies one numbered word apart are all told apart.
        let prints: std::collections::HashSet<String> = (0..5_000)
            .map(|i| fingerprint(&format!("The council discussed item uniq{i}, a matter.")))
            .collect();
        assert_eq!(prints.len(), 5_000);
    }

    proptest::proptest! {
        #[test]
        fn fingerprint_equals_the_reference_on_any_text(body in "(?s).{0,200}|[a-zA-Z0-9 .,'\n\t\x00-\x1f\x7f-]{0,200}") {
            proptest::prop_assert_eq!(fingerprint(&body), fingerprint_reference(&body));
        }
    }

    #[test]
    fn derived_title_uses_first_sentence() {
        assert_eq!(
            derived_title("Short one. Then more.", "x.txt"),
            "Short one."
        );
        assert_eq!(derived_title("", "dir/story.txt"), "story");
        let long = format!("{}.", "word ".repeat(60));
        assert!(derived_title(&long, "x").chars().count() <= MAX_DERIVED_TITLE + 1);
    }

    #[test]
    fn url_host() {
        assert_eq!(host_of("https://www.example.com/a/b"), Some("example.com"));
        assert_eq!(host_of("not a url"), None);
    }
}
