//! The nouns every stage passes along: [`Draft`] (what a parser read out of a
//! file, before cleaning) and [`Article`] (what ingest stores and search returns).
//!
//! Plain data only: no I/O, no tantivy types. Stages own the logic that fills them.

use serde::{Deserialize, Serialize};

/// The input format a record came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Plain text: title line, blank line, body.
    #[default]
    Text,
    /// A saved web page.
    Html,
    /// Markdown, optionally with YAML-ish front matter.
    Markdown,
    /// One JSON object per line.
    Ndjson,
    /// Reuters-21578 SGML.
    Reuters,
}

impl Format {
    /// The lowercase name used in JSON and in the index.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Html => "html",
            Format::Markdown => "markdown",
            Format::Ndjson => "ndjson",
            Format::Reuters => "reuters",
        }
    }

    /// Inverse of [`Format::as_str`].
    pub fn parse(name: &str) -> Option<Format> {
        Some(match name {
            "text" => Format::Text,
            "html" => Format::Html,
            "markdown" => Format::Markdown,
            "ndjson" => Format::Ndjson,
            "reuters" => Format::Reuters,
            _ => return None,
        })
    }
}

/// How sure the parser is that `body` is the article and all of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Extraction {
    /// The body was found with confidence (or the format needs no extraction).
    #[default]
    Ok,
    /// The extractor fell back to a heuristic; the body may hold noise or miss text.
    Doubtful,
}

/// One record as a parser read it: raw title, raw body, metadata strings.
///
/// `body` keeps paragraph breaks as blank lines (`\n\n`); it has not been
/// cleaned of boilerplate yet. Metadata fields are as found in the file
/// (strings, not yet normalized).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Draft {
    /// Headline, if the format carries one.
    pub title: Option<String>,
    /// Article text, paragraphs separated by blank lines.
    pub body: String,
    /// Publication date or timestamp as written in the metadata.
    pub published: Option<String>,
    /// Publication name as written in the metadata.
    pub source: Option<String>,
    /// Canonical URL, if known.
    pub url: Option<String>,
    /// Authors from bylines or metadata.
    pub authors: Vec<String>,
    /// People listed by the file's own metadata (e.g. Reuters `<PEOPLE>`).
    pub people: Vec<String>,
    /// Which parser produced it.
    pub format: Format,
    /// Confidence of main-content extraction.
    pub extraction: Extraction,
}

/// A cleaned, fielded article: what is stored in the index and printed by
/// `extract --json`, `show` and `export`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// Identity for updates: the file path, plus `#n` for the n-th record of a
    /// multi-article file.
    pub key: String,
    /// The file the article came from.
    pub path: String,
    /// Headline.
    pub title: String,
    /// Cleaned article text, paragraphs separated by blank lines.
    pub body: String,
    /// Canonical full names of the people the article names, each once.
    pub people: Vec<String>,
    /// Dates the text mentions, ISO 8601 at their precision (`2020-09-09`, `2020-09`, `2016`).
    pub dates: Vec<String>,
    /// Publication date, `YYYY-MM-DD`.
    pub published: Option<String>,
    /// Normalized publication name.
    pub source: Option<String>,
    /// Canonical URL.
    pub url: Option<String>,
    /// Authors.
    pub authors: Vec<String>,
    /// Input format.
    pub format: Format,
    /// Hex hash of the normalized body: equal fingerprints mean exact duplicates.
    pub fingerprint: String,
    /// Confidence of main-content extraction.
    #[serde(default)]
    pub extraction: Extraction,
}
