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
    let mut people = people::people(&title, &body);
    for p in &draft.people {
        if !people.iter().any(|q| q.eq_ignore_ascii_case(p)) {
            people.push(p.clone());
        }
    }
    let dates = dates::mentioned(&body, published);
    Article {
        key: origin.key.to_string(),
        path: origin.path.to_string(),
        title,
        fingerprint: fingerprint(&body),
        body,
        people,
        dates,
        published: published.map(|d| d.format("%Y-%m-%d").to_string()),
        source,
        url: draft.url.clone(),
        authors,
        format: draft.format,
        extraction: draft.extraction,
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

/// Hash of the body's words, lowercased: equal for copies that differ only
/// in whitespace, punctuation or case (exact duplicates).
pub fn fingerprint(body: &str) -> String {
    // The hash is of "word word ... " (each word lowercased, then a space).
    // It is built in one buffer and hashed in one call: BLAKE3 is far faster
    // over one long input than over two tiny ones per word, and ASCII words
    // (nearly all) lowercase without a String each.
    //
    // Words are the maximal runs of alphanumeric characters (as splitting at
    // every other character and dropping the empty pieces gives them), found
    // by a byte scan that decodes only non-ASCII characters: the body is
    // nearly all ASCII and this runs over all of it.
    if body.is_ascii() {
        return hex32(&ascii_words(body.as_bytes()));
    }
    let mut words: Vec<u8> = Vec::with_capacity(body.len() + 1);
    let bytes = body.as_bytes();
    // The current word: its start in `body`, its start in `words`, and
    // whether it has a non-ASCII character. ASCII bytes are lowercased into
    // `words` as they are scanned; a word with any other character is
    // lowercased again whole when it ends.
    let mut word: Option<(usize, usize, bool)> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii() {
            if b.is_ascii_alphanumeric() {
                // The whole ASCII run at once: one copy, then lowercased in place.
                let run = bytes[i..]
                    .iter()
                    .position(|b| !b.is_ascii_alphanumeric())
                    .map_or(bytes.len(), |n| i + n);
                if word.is_none() {
                    word = Some((i, words.len(), false));
                }
                let at = words.len();
                words.extend_from_slice(&bytes[i..run]);
                words[at..].make_ascii_lowercase();
                i = run;
            } else {
                if let Some(w) = word.take() {
                    end_word(&mut words, body.get(w.0..i), w);
                }
                i += 1;
            }
            continue;
        }
        // `i` is a character boundary: it only moves by whole characters.
        let (alnum, len) = match body.get(i..).and_then(|rest| rest.chars().next()) {
            Some(c) => (c.is_alphanumeric(), c.len_utf8()),
            None => (false, 1),
        };
        if alnum {
            match &mut word {
                Some((_, _, other)) => *other = true,
                None => word = Some((i, words.len(), true)),
            }
        } else if let Some(w) = word.take() {
            end_word(&mut words, body.get(w.0..i), w);
        }
        i += len;
    }
    if let Some(w) = word {
        end_word(&mut words, body.get(w.0..), w);
    }
    hex32(&words)
}

/// The first 32 hex digits of the BLAKE3 hash of `words`.
fn hex32(words: &[u8]) -> String {
    blake3::hash(words).to_hex()[..32].to_string()
}

/// Per ASCII byte, what [`ascii_words`] writes: the byte lowercased when it
/// is a letter or digit, else a space. The near-duplicate print
/// (`search::near`) reads words the same way and hashes these bytes.
pub(crate) static WORD_BYTE: [u8; 128] = {
    let mut t = [b' '; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() {
            t[b] = c.to_ascii_lowercase();
        }
        b += 1;
    }
    t
};

/// [`fingerprint`]'s input for an all-ASCII body, without a branch per
/// word: every byte is written (lowercased, or a space for a separator) and
/// the output position moves on for a word byte, or for the first
/// separator after a word, which becomes that word's space. Word ends were
/// a mispredicted branch each in the general scan, and bodies are nearly
/// all ASCII. At most one byte per input byte plus the last word's space.
fn ascii_words(bytes: &[u8]) -> Vec<u8> {
    let mut words = vec![0u8; bytes.len() + 1];
    let mut at = 0;
    let mut in_word = false;
    for &b in bytes {
        // `at` never passes the input position, so the slot always exists.
        let w = WORD_BYTE[usize::from(b & 0x7f)];
        if let Some(out) = words.get_mut(at) {
            *out = w;
        }
        let word = w != b' ';
        at += usize::from(word || in_word);
        in_word = word;
    }
    if in_word && let Some(out) = words.get_mut(at) {
        *out = b' ';
        at += 1;
    }
    words.truncate(at);
    words
}

/// Finish a word of [`fingerprint`]'s input: `text` is the word, `at` its
/// start in `words`, where its ASCII bytes are already, lowercased. A word
/// with other characters is redone with `str::to_lowercase`, not per
/// character: a final Σ becomes ς. Then the space after every word.
fn end_word(words: &mut Vec<u8>, text: Option<&str>, (_, at, other): (usize, usize, bool)) {
    if other {
        words.truncate(at);
        words.extend_from_slice(text.unwrap_or_default().to_lowercase().as_bytes());
    }
    words.push(b' ');
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

    /// The fingerprint as first written (two hasher updates per word): it
    /// is stored in every index, so the faster one must give the same hex.
    fn fingerprint_per_word(body: &str) -> String {
        let mut hasher = blake3::Hasher::new();
        for word in body
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
        {
            hasher.update(word.to_lowercase().as_bytes());
            hasher.update(b" ");
        }
        hasher.finalize().to_hex()[..32].to_string()
    }

    #[test]
    fn fingerprint_is_unchanged() {
        for body in [
            "",
            "Hello,  World.\n\nAgain",
            "ΟΔΥΣΣΕΥΣ and ΣΊΣΥΦΟΣ ran; Müller İstanbul ǅemal ß ﬁnance",
            &"The quick brown fox jumps over the lazy dog. ".repeat(500),
        ] {
            assert_eq!(fingerprint(body), fingerprint_per_word(body), "{body}");
        }
    }

    proptest::proptest! {
        #[test]
        fn fingerprint_is_unchanged_on_any_text(body in "(?s).{0,200}") {
            proptest::prop_assert_eq!(fingerprint(&body), fingerprint_per_word(&body));
        }

        /// The all-ASCII path (any text above is rarely ASCII).
        #[test]
        fn fingerprint_is_unchanged_on_ascii(body in "[a-zA-Z0-9 .,'\n\t\x00-\x1f\x7f-]{0,200}") {
            proptest::prop_assert_eq!(fingerprint(&body), fingerprint_per_word(&body));
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
