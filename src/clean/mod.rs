//! Stage: clean. A parsed body goes in; the article text comes out with
//! boilerplate blocks (newsletter prompts, donation appeals, "send us your
//! news" lines, share prompts, cookie notices, related-link lists...) removed
//! and whitespace/Unicode normalized. The removed blocks are returned too,
//! because a footer often names the publication (see `extract::source`).
//!
//! A block is a paragraph (lines between blank lines), or a run of its lines
//! that ends a sentence, a heading or a list item: boilerplate often arrives
//! as one-per-line lists with no blank lines ("Read more:" then headlines), or
//! glued under a story paragraph. A prompt hard-wrapped so that a line ends
//! exactly at a sentence end is judged per sentence, so part of it may stay;
//! we accept that over ever dropping story text.
//!
//! Files: `normalize` (characters and whitespace), `entities` (HTML entity
//! decoding), `rules` (the verdict per block and the shared guards),
//! `prompts`, `markers`, `lists` (the rules, each with its test table).
//!
//! Pure and total: `&str` in, value out, never panics, never does I/O.
//! It does not pick the main content out of HTML (that is `parse::html`), and
//! it keeps corrections and editor's notes ("This article was amended...")
//! because they are content.

mod entities;
mod lists;
mod markers;
mod normalize;
mod prompts;
pub(crate) mod rules;

pub use rules::Rule;

use std::borrow::Cow;

use rules::{Block, Expect};

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
    clean_body_explained(body).0
}

/// [`clean_body`], plus the [`Rule`] that dropped each block: `rules[i]`
/// explains `removed[i]`. For evaluation reports and debugging.
pub fn clean_body_explained(body: &str) -> (Cleaned, Vec<Rule>) {
    let chars = normalize::normalize_chars(body);
    let paragraphs = normalize::split_paragraphs(&chars);

    // Kept text goes straight into the body: segments of a paragraph joined
    // by a space, paragraphs by a blank line.
    let mut kept = String::with_capacity(chars.len());
    let mut removed = Vec::new();
    let mut reasons = Vec::new();
    let mut expect = Expect::Nothing;
    let mut segment: Vec<&str> = Vec::new();

    for lines in &paragraphs {
        // Judge each segment of the paragraph: usually the paragraph itself,
        // but a paragraph glued from separate lines ("story.\nFollow us on
        // Twitter", "Read more:\nheadline\nheadline") is judged line by line,
        // so a story sentence never goes down with a prompt stuck to it.
        let mut kept_here = false;
        for (j, line) in lines.iter().enumerate() {
            segment.push(line);
            let closes = lines
                .get(j + 1)
                .is_none_or(|next| segment_ends(line, next, expect));
            if !closes {
                continue;
            }
            let text: Cow<'_, str> = match segment.as_slice() {
                [one] => Cow::Borrowed(one),
                many => Cow::Owned(many.join(" ")),
            };
            segment.clear();
            // The lede is the first block that would survive, not just index 0
            // (a leading "Photo: Getty Images" must not shift the guard).
            let first = kept.is_empty();
            match rules::judge(&Block::new(&text, first), expect) {
                Some((rule, next)) => {
                    removed.push(text.into_owned());
                    reasons.push(rule);
                    expect = next;
                }
                None => {
                    if kept_here {
                        kept.push(' ');
                    } else if !kept.is_empty() {
                        kept.push_str("\n\n");
                    }
                    kept.push_str(&text);
                    kept_here = true;
                    expect = Expect::Nothing;
                }
            }
        }
        // A link list written one line per item ends at the blank line; what
        // follows is a story subheading ("What happens next?"), not an item.
        if lines.len() > 1 && matches!(expect, Expect::LinkItems { .. }) {
            expect = Expect::Nothing;
        }
    }

    let cleaned = Cleaned {
        body: kept,
        removed,
    };
    (cleaned, reasons)
}

/// Normalize text for storage: NFC, HTML entities decoded, soft hyphens and
/// zero-width characters removed, non-breaking and other spaces made plain
/// and collapsed, `\r\n` to `\n`, lines of a paragraph joined by one space,
/// paragraphs separated by exactly one blank line, ends trimmed. Curly quotes
/// and dashes are kept as written.
pub fn normalize_text(text: &str) -> String {
    normalize::normalize_text(text)
}

/// Whether a paragraph line ends a block of its own rather than wrapping into
/// the next line. A hard-wrapped story line ("...readers can\nclick here to
/// ...") must not be judged out of its sentence, so only a sentence end, a
/// heading, a list item or a pending link list ends a block mid-paragraph
/// (a wrapped appeal after "Before you go..." stays one block).
fn segment_ends(line: &str, next: &str, expect: Expect) -> bool {
    matches!(expect, Expect::LinkItems { .. })
        || ends_sentence(line)
        || lists::bullet_line(next)
        || rules::is_heading(&Block::new(line, false))
}

/// Whether a line ends a sentence or a label (so the next line starts anew).
fn ends_sentence(line: &str) -> bool {
    line.trim_end_matches(['"', '”', '’', '\'', ')'])
        .ends_with(['.', '!', '?', ':', '…'])
}

#[cfg(test)]
mod tests;
