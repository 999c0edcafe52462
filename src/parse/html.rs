//! Parser: HTML. A saved web page in, a [`Draft`] out: the main article text
//! (paragraphs as blank-line separated blocks) and the page's metadata
//! (title, published, authors, source, canonical URL). Does not remove
//! text-level boilerplate inside the article (that is `clean`).

use crate::article::{Draft, Extraction, Format};

/// Parse one HTML page.
pub fn parse(html: &str) -> Draft {
    let _ = html;
    Draft {
        format: Format::Html,
        extraction: Extraction::Doubtful,
        ..Draft::default()
    }
}
