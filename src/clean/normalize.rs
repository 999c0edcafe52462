//! Stage: clean, normalization. Any article text goes in; text fit for storage
//! and indexing comes out: HTML entities decoded, Unicode NFC, soft hyphens and
//! zero-width characters gone, every kind of space a plain space, line endings
//! `\n`, lines of a paragraph joined by one space, paragraphs separated by
//! exactly one blank line, no leading or trailing whitespace.
//!
//! It deliberately keeps typography: curly quotes, dashes and ellipses stay as
//! written (NFC, not NFKC), because snippets show them and the analyzers fold
//! them anyway. It does not remove anything that is visible text; that is
//! `rules`.

use std::borrow::Cow;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

use super::entities;

/// One paragraph: its lines, each trimmed and with inner spaces collapsed.
pub(crate) type Paragraph = Vec<String>;

/// Normalize text for storage (see the module docs for the exact contract).
pub(crate) fn normalize_text(text: &str) -> String {
    let chars = normalize_chars(text);
    let paragraphs = split_paragraphs(&chars);
    let joined: Vec<String> = paragraphs.iter().map(|p| p.join(" ")).collect();
    joined.join("\n\n")
}

/// The character-level pass: entities, NFC, invisible and space characters,
/// line endings. Keeps the line structure so blocks can still be found.
pub(crate) fn normalize_chars(text: &str) -> String {
    let decoded = entities::decode(text);
    // NFC only when needed: the quick check answers "yes" for nearly all
    // news text, and composing allocates a second copy.
    let composed: Cow<'_, str> = if is_nfc_quick(decoded.chars()) == IsNormalized::Yes {
        decoded
    } else {
        Cow::Owned(decoded.nfc().collect())
    };

    let mut out = String::with_capacity(composed.len());
    let mut chars = composed.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                // Windows `\r\n` and old Mac `\r` both end a line.
                out.push('\n');
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
            }
            '\n' | '\u{2028}' => out.push('\n'),
            '\u{2029}' => out.push_str("\n\n"),
            '\u{AD}' => {
                // A soft hyphen marks where a word may break; drop it so the
                // word joins. Typeset text also breaks the line there
                // ("cyber\u{AD}\nwarfare"), so swallow that line break too,
                // unless a blank line follows (that is a paragraph end).
                let mut ahead = chars.clone();
                while ahead.next_if(|&n| is_inline_space(n)).is_some() {}
                let mut broke = false;
                if ahead.next_if_eq(&'\r').is_some() {
                    ahead.next_if_eq(&'\n');
                    broke = true;
                } else if ahead.next_if_eq(&'\n').is_some() {
                    broke = true;
                }
                if broke {
                    while ahead.next_if(|&n| is_inline_space(n)).is_some() {}
                    if ahead.peek().is_some_and(|&n| n != '\n' && n != '\r') {
                        chars = ahead;
                    }
                }
            }
            // Zero-width space, non-joiner, joiner, word joiner, BOM: invisible,
            // they only split words for the tokenizer (pasted from CMS editors).
            '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' => {}
            // Tabs, NBSP, narrow NBSP, figure space, em spaces, NEL...
            c if c.is_whitespace() => out.push(' '),
            // Other control characters are never text.
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Horizontal whitespace: any Unicode space except the line breaks.
fn is_inline_space(c: char) -> bool {
    c.is_whitespace() && c != '\n' && c != '\r'
}

/// Split character-normalized text into paragraphs (runs of non-blank lines),
/// each line trimmed with its spaces collapsed.
pub(crate) fn split_paragraphs(text: &str) -> Vec<Paragraph> {
    let mut paragraphs = Vec::new();
    let mut current: Paragraph = Vec::new();
    for line in text.split('\n') {
        let collapsed = collapse_spaces(line);
        if collapsed.is_empty() {
            if !current.is_empty() {
                paragraphs.push(std::mem::take(&mut current));
            }
        } else {
            current.push(collapsed);
        }
    }
    if !current.is_empty() {
        paragraphs.push(current);
    }
    paragraphs
}

/// Trim and collapse runs of whitespace into one space.
fn collapse_spaces(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for word in line.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::normalize_text;

    #[test]
    fn normalizes_text_table() {
        let cases = [
            // Line endings and paragraph spacing.
            ("a\r\nb\r\n\r\n\r\nc", "a b\n\nc"),
            ("a\rb\r\rc", "a b\n\nc"),
            ("  \n\n lead and trail \n\n  ", "lead and trail"),
            ("one\n\n\n\n\ntwo", "one\n\ntwo"),
            ("one\n \t \ntwo", "one\n\ntwo"),
            // Lines inside a paragraph join with one space.
            ("wrapped\nline\nhere", "wrapped line here"),
            // Spaces: tabs, NBSP, narrow NBSP, runs.
            ("a\t\tb   c", "a b c"),
            ("10\u{A0}000 and 5\u{202F}km", "10 000 and 5 km"),
            // Soft hyphens join the word, even across a line break.
            ("cyber\u{AD}warfare", "cyberwarfare"),
            ("cyber\u{AD}\nwarfare", "cyberwarfare"),
            ("end\u{AD}\n\nnext", "end\n\nnext"),
            // Zero-width characters vanish.
            ("Pu\u{200B}tin\u{FEFF}", "Putin"),
            // Entities, including ones that become spaces or soft hyphens.
            ("AT&amp;T&nbsp;said", "AT&T said"),
            ("non&shy;aggression", "nonaggression"),
            ("Kremlin&#8217;s", "Kremlin’s"),
            // NFC: e + combining acute becomes é.
            ("cafe\u{301}", "caf\u{E9}"),
            // Typography is kept.
            ("“hostage” – 2007…", "“hostage” – 2007…"),
            // Control characters dropped.
            ("a\u{0}b\u{7}c", "abc"),
            // Paragraph and line separators.
            ("a\u{2029}b\u{2028}c", "a\n\nb c"),
            ("", ""),
            ("\n\n", ""),
        ];
        for (input, expected) in cases {
            assert_eq!(normalize_text(input), expected, "input: {input:?}");
        }
    }
}
