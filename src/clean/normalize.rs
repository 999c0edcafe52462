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

/// One paragraph: its lines, each trimmed and with inner spaces collapsed
/// (borrowed from the text when it already was, as most lines are).
pub(crate) type Paragraph<'a> = Vec<Cow<'a, str>>;

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
    // ASCII text is NFC as it is; the quick check decodes every character,
    // which showed in profiles, and most bodies are ASCII.
    let composed: Cow<'_, str> =
        if decoded.is_ascii() || is_nfc_quick(decoded.chars()) == IsNormalized::Yes {
            decoded
        } else {
            Cow::Owned(decoded.nfc().collect())
        };

    let mut out = String::with_capacity(composed.len());
    let mut rest: &str = &composed;
    while !rest.is_empty() {
        // Printable ASCII and `\n` stay as they are: copy the whole run at
        // once (most of any text) and go character by character only for
        // the rest.
        let run = plain_run(rest.as_bytes());
        out.push_str(&rest[..run]);
        let mut chars = rest[run..].chars();
        let Some(c) = chars.next() else {
            break;
        };
        rest = chars.as_str();
        match c {
            '\r' => {
                // Windows `\r\n` and old Mac `\r` both end a line.
                out.push('\n');
                rest = rest.strip_prefix('\n').unwrap_or(rest);
            }
            '\n' | '\u{2028}' => out.push('\n'),
            '\u{2029}' => out.push_str("\n\n"),
            '\u{AD}' => {
                // A soft hyphen marks where a word may break; drop it so the
                // word joins. Typeset text also breaks the line there
                // ("cyber\u{AD}\nwarfare"), so swallow that line break too,
                // unless a blank line follows (that is a paragraph end).
                let ahead = rest.trim_start_matches(is_inline_space);
                let broken = match ahead.strip_prefix('\r') {
                    Some(after) => Some(after.strip_prefix('\n').unwrap_or(after)),
                    None => ahead.strip_prefix('\n'),
                };
                if let Some(after) = broken {
                    let after = after.trim_start_matches(is_inline_space);
                    if after.starts_with(|n: char| n != '\n' && n != '\r') {
                        rest = after;
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

/// How many bytes at the start of `bytes` are printable ASCII or `\n`, the
/// bytes [`normalize_chars`] copies unchanged. Whole 16-byte chunks are
/// tested without a branch per byte (the test vectorizes); the byte loop
/// this replaces showed in profiles, as it runs over every body.
fn plain_run(bytes: &[u8]) -> usize {
    const CHUNK: usize = 16;
    let plain = |b: u8| b == b'\n' || (0x20..0x7f).contains(&b);
    let mut at = 0;
    while let Some(chunk) = bytes
        .get(at..at + CHUNK)
        .and_then(|c| <&[u8; CHUNK]>::try_from(c).ok())
    {
        let mut all = true;
        for &b in chunk {
            all &= plain(b);
        }
        if !all {
            break;
        }
        at += CHUNK;
    }
    at + bytes
        .get(at..)
        .unwrap_or_default()
        .iter()
        .position(|&b| !plain(b))
        .unwrap_or(bytes.len() - at)
}

/// Horizontal whitespace: any Unicode space except the line breaks.
fn is_inline_space(c: char) -> bool {
    c.is_whitespace() && c != '\n' && c != '\r'
}

/// Split character-normalized text into paragraphs (runs of non-blank lines),
/// each line trimmed with its spaces collapsed.
pub(crate) fn split_paragraphs(text: &str) -> Vec<Paragraph<'_>> {
    let mut paragraphs = Vec::new();
    let mut current: Paragraph<'_> = Vec::new();
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

/// Trim and collapse runs of whitespace into one space. A line whose words
/// are already single-spaced (no whitespace inside it but single plain
/// spaces) is borrowed, trimmed, not copied.
fn collapse_spaces(line: &str) -> Cow<'_, str> {
    // Trimmed first: an indented line (wire copy indents every paragraph's
    // first line) is then borrowed too, not copied.
    let line = line.trim();
    if is_tidy(line) {
        return Cow::Borrowed(line);
    }
    if line.is_ascii() {
        return Cow::Owned(collapse_ascii(line));
    }
    let mut out = String::with_capacity(line.len());
    for word in line.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    Cow::Owned(out)
}

/// [`collapse_spaces`] of an ASCII line. Wire copy indents its lines and
/// leaves double spaces inside them, so most of its lines come here; a
/// character loop (`split_whitespace`) or a byte loop with a branch per word
/// showed in profiles. Instead the line is cut at its few "bad" bytes (a
/// whitespace byte other than a space, or a space after a space), found 16
/// bytes at a time by a branch-free test, and the tidy stretches between
/// them are copied whole. For ASCII, whitespace is a space or `\t` to `\r`.
fn collapse_ascii(line: &str) -> String {
    let bytes = line.as_bytes();
    let n = bytes.len();
    let ws = |b: u8| b == b' ' || is_ascii_break(b);
    let skip_ws = |mut i: usize| {
        while bytes.get(i).is_some_and(|&b| ws(b)) {
            i += 1;
        }
        i
    };
    let mut out = String::with_capacity(n);
    let piece = |out: &mut String, from: usize, to: usize| {
        // A piece ends before a bad byte, so at most one space trails it.
        let text = line.get(from..to).unwrap_or_default();
        let text = text.strip_suffix(' ').unwrap_or(text);
        if !text.is_empty() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(text);
        }
    };
    // `start` is where the current tidy piece began (never whitespace).
    let mut start = skip_ws(0);
    let mut j = start + 1;
    while j < n {
        let bad = next_bad(bytes, j);
        if bad >= n {
            break;
        }
        piece(&mut out, start, bad);
        start = skip_ws(bad);
        j = start + 1;
    }
    if start < n {
        piece(&mut out, start, n);
    }
    out
}

/// ASCII whitespace other than a space: `\t` to `\r`, by one subtraction
/// and compare (no branch, so the loops using it vectorize).
#[inline]
fn is_ascii_break(b: u8) -> bool {
    b.wrapping_sub(b'\t') <= b'\r' - b'\t'
}

/// The first `j >= from` (`from >= 1`) where `bytes[j]` is whitespace other
/// than a space, or a space after a space; `bytes.len()` when there is none.
fn next_bad(bytes: &[u8], from: usize) -> usize {
    const CHUNK: usize = 16;
    let is_bad = |prev: u8, b: u8| is_ascii_break(b) | ((b == b' ') & (prev == b' '));
    let mut j = from;
    // Whole chunks with no bad byte are passed over without a branch per
    // byte (the test vectorizes); the first chunk with one is then scanned.
    while let Some(w) = j
        .checked_sub(1)
        .and_then(|p| bytes.get(p..p + CHUNK + 1))
        .and_then(|w| <&[u8; CHUNK + 1]>::try_from(w).ok())
    {
        let mut any = false;
        for k in 0..CHUNK {
            any |= is_bad(w[k], w[k + 1]);
        }
        if any {
            break;
        }
        j += CHUNK;
    }
    while let (Some(&prev), Some(&b)) = (bytes.get(j.wrapping_sub(1)), bytes.get(j)) {
        if is_bad(prev, b) {
            return j;
        }
        j += 1;
    }
    bytes.len()
}

/// Whether a line has no whitespace but single plain spaces between words
/// (an empty line is tidy). One pass over the bytes that decodes a character
/// only when its first byte can start a non-ASCII whitespace character
/// (U+0085 and U+00A0 start with 0xC2, the others with 0xE1 to 0xE3): a
/// line with one curly quote or dash used to be checked char by char, which
/// showed in profiles. Any whitespace but a space makes the line untidy, so
/// a continuation byte is simply not a space.
fn is_tidy(line: &str) -> bool {
    let bytes = line.as_bytes();
    // ASCII lines (nearly all) by one branch-free pass that the compiler
    // vectorizes: the byte loop below takes a data-dependent branch at
    // every space, mispredicted about once a word, and it showed in
    // profiles. For ASCII, whitespace is a space or `\t` to `\r`.
    let (mut other, mut ctrl, mut double) = (false, false, false);
    // Each byte with the one after it; the last byte on its own.
    for (&a, &b) in bytes.iter().zip(bytes.get(1..).unwrap_or_default()) {
        other |= a >= 0x80;
        ctrl |= is_ascii_break(a);
        double |= (a == b' ') & (b == b' ');
    }
    if let Some(&z) = bytes.last() {
        other |= z >= 0x80;
        ctrl |= is_ascii_break(z);
    }
    if !other {
        return !ctrl && !double && bytes.first() != Some(&b' ') && bytes.last() != Some(&b' ');
    }
    // Whether the previous byte was a space; true at the start, so a
    // leading space is untidy.
    let mut after_space = true;
    for (i, &b) in line.as_bytes().iter().enumerate() {
        match b {
            b' ' if after_space => return false,
            b' ' => after_space = true,
            // The rest of ASCII whitespace (`char::is_whitespace`).
            b'\t'..=b'\r' => return false,
            0xC2 | 0xE1..=0xE3 => {
                let c = line.get(i..).and_then(|rest| rest.chars().next());
                if c.is_none_or(char::is_whitespace) {
                    return false;
                }
                after_space = false;
            }
            _ => after_space = false,
        }
    }
    // A trailing space leaves `after_space` set; an empty line is tidy.
    !after_space || line.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    // The character pass and the space collapsing as first written (one
    // char at a time; a String per line): the faster ones must agree.
    fn normalize_chars_reference(text: &str) -> String {
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
    fn collapse_spaces_reference(line: &str) -> String {
        let mut out = String::with_capacity(line.len());
        for word in line.split_whitespace() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
        out
    }

    fn same(text: &str) {
        assert_eq!(
            normalize_chars(text),
            normalize_chars_reference(text),
            "{text:?}"
        );
        for line in text.split('\n') {
            assert_eq!(
                collapse_spaces(line),
                collapse_spaces_reference(line),
                "{line:?}"
            );
        }
    }

    #[test]
    fn fast_paths_agree_with_the_reference() {
        for text in [
            "",
            "plain ascii line\nnext line",
            "a\r\nb\rc\u{2028}d\u{2029}e\u{85}f\u{A0}g\t\x0Bh\x0C\x7F\x00",
            "cyber\u{AD}  \r\n  warfare end\u{AD}\n\nnext soft\u{AD}\u{AD} x\u{AD}",
            "x\u{AD} \r\r y\u{AD}\n \n z\u{AD}\n",
            "Pu\u{200B}tin\u{FEFF} &amp; caf\u{65}\u{301} “quotes” — …",
            "  lead  and  trail  ",
            " ",
            "a\u{3000}b",
            "“quoted” — text\u{1680}x caf\u{E9} \u{202F}end\u{205F}",
            "\u{A0}lead “and” trail\u{85}",
        ] {
            same(text);
        }
    }

    proptest::proptest! {
        #[test]
        fn fast_paths_agree_on_any_text(
            text in "(?s)[a \\t\\r\\n\u{AD}\u{A0}\u{2028}\u{200B}é&;#x0-9]{0,60}|.{0,60}|[ab  \\t\\x0b\\x0c\\r\\n\\x1c-\\x1f]{0,90}"
        ) {
            same(&text);
        }
    }

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
