//! Parser: plain text. A `.txt` article in, a [`Draft`] out: the first
//! non-empty line is the headline when it looks like one (short, followed by a
//! blank line or a paragraph), the rest is the body. Single line breaks inside
//! a paragraph are kept for `clean` to join.
//!
//! It does not detect datelines or bylines (that is `extract`).

use std::borrow::Cow;

use crate::article::{Draft, Format};

/// Longest first line still taken as a headline; a longer one is story text
/// from a file saved without a title.
const MAX_TITLE_CHARS: usize = 300;

/// Parse a plain-text article.
pub fn parse(text: &str) -> Draft {
    // Copied only when it has a carriage return: two whole-text copies per
    // article were most of this parser's time (0.7% of a BBC ingest's
    // instructions), for files that nearly all end their lines in `\n`.
    let text: Cow<'_, str> = if text.contains('\r') {
        Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        Cow::Borrowed(text)
    };
    let trimmed = text.trim_start();
    let (first, rest) = trimmed.split_once('\n').unwrap_or((trimmed, ""));
    let first = first.trim();
    let (title, body) = if !first.is_empty() && first.chars().count() <= MAX_TITLE_CHARS {
        (Some(first.to_string()), rest.to_string())
    } else {
        (None, trimmed.to_string())
    };
    Draft {
        title,
        body,
        format: Format::Text,
        ..Draft::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_then_body() {
        let d = parse("Headline here\n\nFirst para.\n\nSecond para.\n");
        assert_eq!(d.title.as_deref(), Some("Headline here"));
        assert_eq!(d.body.trim(), "First para.\n\nSecond para.");
    }

    #[test]
    fn crlf_and_leading_blank_lines() {
        let d = parse("\r\n\r\nTitle\r\n\r\nBody\r\n");
        assert_eq!(d.title.as_deref(), Some("Title"));
        assert_eq!(d.body.trim(), "Body");
    }

    #[test]
    fn a_long_first_line_is_body() {
        let long = "word ".repeat(100);
        let d = parse(&long);
        assert_eq!(d.title, None);
        assert!(d.body.starts_with("word"));
    }
}
