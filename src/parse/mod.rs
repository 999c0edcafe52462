//! Stage: parse. The decoded text of one file in, its records out as
//! [`Draft`]s (raw title, body with paragraph breaks, metadata strings), one
//! module per input format. A multi-record file (NDJSON, Reuters SGML) gives
//! several drafts, each with a record id that becomes the `#id` of its key,
//! and may report bad records without losing the good ones.
//!
//! It does not remove boilerplate inside a body (that is `clean`) nor decide
//! fields such as people or dates (that is `extract`).

pub mod html;
pub mod markdown;
pub mod ndjson;
pub mod reuters;
pub mod text;

use std::path::Path;

use crate::article::{Draft, Format};

/// The records of one file.
#[derive(Debug, Default)]
pub struct Parsed {
    /// `(record id, draft)`: the id is empty for single-record files.
    pub records: Vec<(String, Draft)>,
    /// Records that could not be read, each with the reason (e.g. "line 3: invalid JSON").
    pub problems: Vec<String>,
}

impl Parsed {
    fn single(draft: Draft) -> Parsed {
        Parsed {
            records: vec![(String::new(), draft)],
            problems: Vec::new(),
        }
    }
}

/// The format a path's extension says it is (plain text for unknown ones,
/// since a file named explicitly on the command line is taken as text).
pub fn format_of(path: &Path) -> Format {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" | "xhtml" => Format::Html,
        "md" | "markdown" => Format::Markdown,
        "jsonl" | "ndjson" => Format::Ndjson,
        "sgm" | "sgml" => Format::Reuters,
        _ => Format::Text,
    }
}

/// Parse a file's text according to its format.
pub fn parse(format: Format, text: &str) -> Parsed {
    match format {
        Format::Html => Parsed::single(html::parse(text)),
        Format::Markdown => Parsed::single(markdown::parse(text)),
        Format::Text => Parsed::single(text::parse(text)),
        Format::Ndjson => ndjson::parse(text),
        Format::Reuters => reuters::parse(text),
    }
}
