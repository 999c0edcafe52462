//! Tokenizer for people extraction. In: one line of text. Out: word,
//! initial, number and punctuation tokens with byte offsets, possessives
//! already cut off ("Biden’s" -> "Biden"), each word marked when it may be
//! part of a name (capitalised, or an initial), and the line's count of
//! words in capitals. It decides where words start and end and what case
//! they are in; it does not look words up in any list.

use crate::swar::{HIGHS, ONES, between};

/// What a token is, as far as name finding cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// Letters, with inner apostrophes, hyphens or dotted initials ("O'Neill", "Jean-Marie", "U.S").
    Word,
    /// One capital letter and a full stop ("P."), as in scorecards.
    Initial,
    /// Starts with a digit ("69", "4-38", "1996-08-30").
    Number,
    /// Any other single character.
    Punct,
}

/// One token of a line.
#[derive(Debug, Clone, Copy)]
pub(super) struct Token<'a> {
    /// The token text, possessive removed.
    pub text: &'a str,
    /// Its kind.
    pub kind: Kind,
    /// A capitalised word ([`is_cap_word`]) or an initial: the tokens a
    /// name is made of.
    pub namey: bool,
}

/// What the tokenizer counted over a line, for telling a line in capitals
/// (a headline) from prose.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Shape {
    /// Words of two characters or more.
    pub words: usize,
    /// Those of them with no lowercase letter ([`is_caps`]).
    pub caps: usize,
    /// Some token is [`Token::namey`].
    pub namey: bool,
}

/// Does `rest`, the line right after a word, start with the possessive
/// ending the tokenizer cuts off ("'s", "’s")? How the people rules learn
/// that a token was "Minister's" without tokens carrying it.
pub(super) fn starts_with_possessive(rest: &[u8]) -> bool {
    matches!(
        rest,
        [b'\'', b's' | b'S', ..] | [0xE2, 0x80, 0x99, b's' | b'S', ..]
    )
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '’'
}

/// The character starting at byte `at`, if any (ASCII without decoding).
fn char_at(line: &str, at: usize) -> Option<char> {
    match line.as_bytes().get(at) {
        Some(&b) if b.is_ascii() => Some(char::from(b)),
        Some(_) => line.get(at..).and_then(|rest| rest.chars().next()),
        None => None,
    }
}

/// A capitalised word such as a name starts with: uppercase first letter and
/// some lowercase after it ("O'Neill", "McCague"), or an "al-"/"el-" prefix;
/// not an acronym's plural ("MPs").
fn is_cap_word(text: &str) -> bool {
    // Most words start with a lowercase ASCII letter: decide those from the
    // first byte, without decoding a character.
    match text.as_bytes().first() {
        None => false,
        Some(b) if b.is_ascii_uppercase() => has_lower(text) && !is_plural_acronym(text.as_bytes()),
        Some(b'a' | b'e') => {
            (text.starts_with("al-") || text.starts_with("el-"))
                && text
                    .get(3..)
                    .and_then(|rest| rest.chars().next())
                    .is_some_and(char::is_uppercase)
        }
        Some(b) if b.is_ascii() => false,
        Some(_) => text.chars().next().is_some_and(char::is_uppercase) && has_lower(text),
    }
}

/// Two capitals or more and a final lowercase "s", nothing else: "MPs",
/// "NGOs".
fn is_plural_acronym(b: &[u8]) -> bool {
    match b {
        [caps @ .., b's'] => caps.len() >= 2 && caps.iter().all(u8::is_ascii_uppercase),
        _ => false,
    }
}

/// A word with letters that are all capitals ("LEICESTERSHIRE", "US").
fn is_caps(text: &str) -> bool {
    if text.is_ascii() {
        text.bytes().any(|b| b.is_ascii_alphabetic()) && !has_lower(text)
    } else {
        text.chars().any(char::is_alphabetic) && !has_lower(text)
    }
}

/// Some character of `text` is lowercase; for ASCII, a byte test.
fn has_lower(text: &str) -> bool {
    if text.is_ascii() {
        text.bytes().any(|b| b.is_ascii_lowercase())
    } else {
        text.chars().any(char::is_lowercase)
    }
}

/// Split a line into tokens, into `out` (emptied first), and return the
/// line's [`Shape`]. Total: any input gives some token list. People
/// extraction keeps one buffer per article: a fresh `Vec` per line (and its
/// regrowth) was a large share of the allocator's time in ingest profiles.
///
/// It walks bytes, and decodes a character only where one is not ASCII: this
/// runs over every line of every article. Each word's case is read here,
/// while its bytes are at hand, rather than in passes over the token list
/// after it (those passes, `is_shouting` and `is_cap_word` per token, took
/// about a tenth of people extraction's time).
pub(super) fn tokenize_into<'a>(line: &'a str, out: &mut Vec<Token<'a>>) -> Shape {
    out.clear();
    let mut shape = Shape::default();
    let bytes = line.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let start = i;
        // ASCII first: whitespace as `char::is_whitespace` has it (which,
        // unlike `u8::is_ascii_whitespace`, includes the vertical tab).
        if matches!(b, b' ' | b'\t'..=b'\r') {
            i += 1;
            continue;
        }
        if b.is_ascii_lowercase()
            && let Some(end) = lower_word(line, start, out, &mut shape)
        {
            i = end;
            continue;
        }
        if b.is_ascii_alphabetic() {
            i = word(line, start, char::from(b), out, &mut shape);
            continue;
        }
        if b.is_ascii_digit() {
            i = number(line, start, out);
            continue;
        }
        if b.is_ascii() {
            i += 1;
            push_punct(line, start, i, out);
            continue;
        }
        let Some(c) = char_at(line, i) else {
            // Not a character boundary: cannot happen in a `str`; stop.
            break;
        };
        if c.is_whitespace() {
            i += c.len_utf8();
        } else if c.is_alphabetic() {
            i = word(line, start, c, out, &mut shape);
        } else {
            i += c.len_utf8();
            push_punct(line, start, i, out);
        }
    }
    shape
}

fn push_punct<'a>(line: &'a str, start: usize, end: usize, out: &mut Vec<Token<'a>>) {
    if let Some(text) = line.get(start..end) {
        out.push(Token {
            text,
            kind: Kind::Punct,
            namey: false,
        });
    }
}

/// Bits of [`CLASS`]: what an ASCII byte is, for the word scanner.
const LOWER: u8 = 1;
const UPPER: u8 = 1 << 1;
const DIGIT: u8 = 1 << 2;
/// Not a bit of [`CLASS`]: the word took a character that is not ASCII.
const WIDE: u8 = 1 << 3;

/// [`LOWER`], [`UPPER`] or [`DIGIT`] per byte value; 0 for every other byte
/// (including those of multi-byte characters).
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = if c.is_ascii_lowercase() {
            LOWER
        } else if c.is_ascii_uppercase() {
            UPPER
        } else if c.is_ascii_digit() {
            DIGIT
        } else {
            0
        };
        b += 1;
    }
    t
};

/// [`CLASS`] of a byte (a `u8` indexes 256 entries: never out of bounds).
#[inline]
fn class(b: u8) -> u8 {
    CLASS[usize::from(b)]
}

/// How many of the eight bytes of `x` (in text order, little-endian) are
/// ASCII letters or digits before the first that is not, and whether a
/// lowercase letter is among them. A byte loop ends every word on a branch
/// the processor cannot predict (words differ in length); eight bytes
/// tested at once end most words within one test.
fn alnum_run(x: u64) -> (usize, bool) {
    let lower = between(x, b'a' - 1, b'z' + 1);
    // `| 0x20` folds capitals onto lowercase and no other byte into a..z.
    let alpha = between(x | (ONES * 0x20), b'a' - 1, b'z' + 1);
    let digit = between(x, b'0' - 1, b'9' + 1);
    let stop = !(alpha | digit) & HIGHS;
    // The bytes before the first stop (all eight if none).
    let run = (stop.trailing_zeros() / 8) as usize;
    let before = u64::MAX.checked_shr(64 - 8 * run as u32).unwrap_or(0);
    (run, lower & before != 0)
}

/// The word (or initial) starting at byte `start` with the alphabetic
/// character `c`: pushed to `out` and counted in `shape`. Returns the byte
/// offset after it.
///
/// While it scans, it ORs together the [`CLASS`] bits of the bytes taken:
/// for an ASCII word they answer [`is_cap_word`] and [`is_caps`] without
/// another pass (three passes per word over its bytes took a third of the
/// tokenizer's time). Inlined into the line loop: a call per word, with its
/// register saves, showed in profiles.
#[inline(always)]
fn word<'a>(
    line: &'a str,
    start: usize,
    c: char,
    out: &mut Vec<Token<'a>>,
    shape: &mut Shape,
) -> usize {
    let bytes = line.as_bytes();
    let first_end = start + c.len_utf8();
    let mut mask = u8::try_from(c)
        .ok()
        .filter(u8::is_ascii)
        .map_or(WIDE, class);
    let mut j = first_end;
    loop {
        // A run of ASCII letters and digits always joins: take it eight
        // bytes at a time while eight are left, then a byte at a time,
        // without decoding (most of a word is one).
        while let Some(chunk) = bytes
            .get(j..j + 8)
            .and_then(|c| <[u8; 8]>::try_from(c).ok())
        {
            let (run, lower) = alnum_run(u64::from_le_bytes(chunk));
            if lower {
                mask |= LOWER;
            }
            j += run;
            if run < 8 {
                break;
            }
        }
        while let Some(&b) = bytes.get(j) {
            let k = class(b);
            if k == 0 {
                break;
            }
            mask |= k;
            j += 1;
        }
        let Some(&b) = bytes.get(j) else {
            break;
        };
        // Most words end at a space or an ASCII mark that never joins.
        if b.is_ascii() && !matches!(b, b'\'' | b'-' | b'.') {
            break;
        }
        let Some(d) = char_at(line, j) else {
            break;
        };
        // The look-ahead is read only for a character that is not a letter
        // or digit (most are): it costs a decode per character.
        let next_alpha = || char_at(line, j + d.len_utf8()).is_some_and(char::is_alphabetic);
        // Inner apostrophes and hyphens join: "O'Neill", "Jean-Marie".
        // "U.S", "J.R": dotted single capitals stay one token. The last
        // two characters taken are decoded only here, at a full stop.
        let joins = d.is_alphanumeric()
            || ((is_apostrophe(d) || d == '-') && next_alpha())
            || (d == '.' && dotted_capital(line, start, first_end, j) && next_alpha());
        if !joins {
            break;
        }
        if !d.is_ascii() {
            mask |= WIDE;
        }
        j += d.len_utf8();
    }
    if j == first_end && c.is_uppercase() && bytes.get(j) == Some(&b'.') {
        if let Some(text) = line.get(start..j + 1) {
            out.push(Token {
                text,
                kind: Kind::Initial,
                namey: true,
            });
            shape.namey = true;
        }
        return j + 1;
    }
    let Some(mut text) = line.get(start..j) else {
        return j.max(start + 1);
    };
    // Possessive: "Biden's", "Biden’s" name Biden (’ is E2 80 99 in UTF-8).
    // Byte patterns, not `strip_suffix`: a `memcmp` call per suffix showed
    // in profiles. Each pattern leaves a stem of one byte or more. The
    // same endings as [`starts_with_possessive`].
    let cut = match text.as_bytes() {
        [_, .., b'\'', b's' | b'S'] => 2,
        [_, .., 0xE2, 0x80, 0x99, b's' | b'S'] => 4,
        _ => 0,
    };
    text = text.get(..text.len() - cut).unwrap_or(text);
    let (namey, long, caps) = if mask & WIDE == 0 && cut == 0 {
        // All ASCII, and every byte's class is in `mask`. The first byte
        // is a letter, so the word has one: it is in capitals when it has
        // no lowercase letter.
        let lower = mask & LOWER != 0;
        let namey = match text.as_bytes().first() {
            // An acronym's plural ("MPs", "MEPs", "CEOs") names a group,
            // never a person: "MPs said" was kept as one.
            Some(b) if b.is_ascii_uppercase() => lower && !is_plural_acronym(text.as_bytes()),
            // Only "al-" and "el-" words can be capitalised so.
            Some(b'a' | b'e') => text.as_bytes().get(1..3) == Some(b"l-") && is_cap_word(text),
            _ => false,
        };
        (namey, text.len() >= 2, !lower)
    } else {
        // The possessive's "s" is in `mask` but not in the word, and other
        // characters need Unicode's case tables.
        let long = text.chars().nth(1).is_some();
        (is_cap_word(text), long, long && is_caps(text))
    };
    if long {
        shape.words += 1;
        shape.caps += usize::from(caps);
    }
    shape.namey |= namey;
    out.push(Token {
        text,
        kind: Kind::Word,
        namey,
    });
    j
}

/// How many of the eight bytes of `x` (in text order, little-endian) are
/// ASCII letters or digits before the first that is not: [`alnum_run`]
/// without the lowercase test, for a word already known to have a
/// lowercase letter.
fn alnum_len(x: u64) -> usize {
    let alpha = between(x | (ONES * 0x20), b'a' - 1, b'z' + 1);
    let digit = between(x, b'0' - 1, b'9' + 1);
    let stop = !(alpha | digit) & HIGHS;
    (stop.trailing_zeros() / 8) as usize
}

/// [`word`] for a word starting with a lowercase ASCII letter (most words
/// of prose): pushed to `out` and counted in `shape`; returns the byte
/// offset after it, or `None` (nothing pushed) when [`word`] must decide.
/// Such a word is never an initial, never in capitals (it has a lowercase
/// letter), and is capitalised only as "al-"/"el-"; when it
/// ends at an ASCII byte that never joins, or at a full stop, it has no
/// possessive either, and only its end and length are left to find. A full
/// stop joins only after a capital that is the word's first character or
/// follows a full stop ([`dotted_capital`]): here the character before it
/// is an ASCII letter or digit after another, or the lowercase first one.
/// Any other ending (an apostrophe, hyphen or character that is not ASCII,
/// which may join) is left to [`word`] from the start, which decides it
/// as before. The generic path's case mask, initial and possessive tests per
/// lowercase word were most of the tokenizer's time per word.
#[inline(always)]
fn lower_word<'a>(
    line: &'a str,
    start: usize,
    out: &mut Vec<Token<'a>>,
    shape: &mut Shape,
) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut j = start + 1;
    while let Some(chunk) = bytes
        .get(j..j + 8)
        .and_then(|c| <[u8; 8]>::try_from(c).ok())
    {
        let run = alnum_len(u64::from_le_bytes(chunk));
        j += run;
        if run < 8 {
            break;
        }
    }
    while bytes.get(j).is_some_and(|&b| class(b) != 0) {
        j += 1;
    }
    let plain = match bytes.get(j) {
        None => true,
        Some(&b) => b.is_ascii() && !matches!(b, b'\'' | b'-'),
    };
    if !plain {
        return None;
    }
    let text = line.get(start..j)?;
    shape.words += usize::from(text.len() >= 2);
    out.push(Token {
        text,
        kind: Kind::Word,
        namey: false,
    });
    Some(j)
}

/// Before the full stop at `j` in the word from `start` (whose first
/// character ends at `first_end`): the last character taken is a capital,
/// and it is the word's first or comes after a full stop ("U.S", "J.R.R").
fn dotted_capital(line: &str, start: usize, first_end: usize, j: usize) -> bool {
    let Some(taken) = line.get(start..j) else {
        return false;
    };
    let mut back = taken.chars().rev();
    back.next().is_some_and(char::is_uppercase) && (j == first_end || back.next() == Some('.'))
}

/// The number starting at byte `start` (an ASCII digit), pushed to `out`.
/// Returns the byte offset after it.
fn number<'a>(line: &'a str, start: usize, out: &mut Vec<Token<'a>>) -> usize {
    let bytes = line.as_bytes();
    let mut j = start + 1;
    loop {
        while bytes.get(j).is_some_and(u8::is_ascii_alphanumeric) {
            j += 1;
        }
        let Some(d) = char_at(line, j) else {
            break;
        };
        // As above: the look-ahead only for a separator.
        let next_digit = || char_at(line, j + d.len_utf8()).is_some_and(|n| n.is_ascii_digit());
        if d.is_alphanumeric() || (matches!(d, '.' | ',' | ':' | '-' | '/') && next_digit()) {
            j += d.len_utf8();
        } else {
            break;
        }
    }
    if let Some(text) = line.get(start..j) {
        out.push(Token {
            text,
            kind: Kind::Number,
            namey: false,
        });
    }
    j
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tokenizer as it was, over a collected character list: the
    /// byte-walking one must split every line exactly like it.
    fn reference(line: &str) -> Vec<Token<'_>> {
        let chars: Vec<(usize, char)> = line.char_indices().collect();
        let end_of = |i: usize| chars.get(i).map_or(line.len(), |&(b, _)| b);
        let mut out = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let (start, c) = chars[i];
            if c.is_whitespace() {
                i += 1;
                continue;
            }
            if c.is_alphabetic() {
                let mut j = i + 1;
                while j < chars.len() {
                    let d = chars[j].1;
                    let next_alpha = chars.get(j + 1).is_some_and(|&(_, n)| n.is_alphabetic());
                    // Inner apostrophes and hyphens join: "O'Neill", "Jean-Marie".
                    if d.is_alphanumeric() || ((is_apostrophe(d) || d == '-') && next_alpha) {
                        j += 1;
                    } else if d == '.'
                        && next_alpha
                        && chars[j - 1].1.is_uppercase()
                        && (j == i + 1
                            || chars.get(j.wrapping_sub(2)).is_some_and(|&(_, p)| p == '.'))
                    {
                        // "U.S", "J.R": dotted single capitals stay one token.
                        j += 1;
                    } else {
                        break;
                    }
                }
                let mut text = &line[start..end_of(j)];
                let single_cap = j == i + 1 && c.is_uppercase();
                if single_cap && chars.get(j).is_some_and(|&(_, d)| d == '.') {
                    out.push(Token {
                        text: &line[start..end_of(j + 1)],
                        kind: Kind::Initial,
                        namey: false,
                    });
                    i = j + 1;
                    continue;
                }
                // Possessive: "Biden's", "Biden’s" name Biden.
                for suffix in ["'s", "’s", "'S", "’S"] {
                    if let Some(stem) = text.strip_suffix(suffix)
                        && !stem.is_empty()
                    {
                        text = stem;
                        break;
                    }
                }
                out.push(Token {
                    text,
                    kind: Kind::Word,
                    namey: false,
                });
                i = j;
            } else if c.is_ascii_digit() {
                let mut j = i + 1;
                while j < chars.len() {
                    let d = chars[j].1;
                    let next_digit = chars.get(j + 1).is_some_and(|&(_, n)| n.is_ascii_digit());
                    if d.is_alphanumeric()
                        || (matches!(d, '.' | ',' | ':' | '-' | '/') && next_digit)
                    {
                        j += 1;
                    } else {
                        break;
                    }
                }
                out.push(Token {
                    text: &line[start..end_of(j)],
                    kind: Kind::Number,
                    namey: false,
                });
                i = j;
            } else {
                out.push(Token {
                    text: &line[start..end_of(i + 1)],
                    kind: Kind::Punct,
                    namey: false,
                });
                i += 1;
            }
        }
        out
    }

    /// `is_cap_word` as it was, over characters: a capitalised word.
    fn reference_cap_word(t: &Token) -> bool {
        let plural_acronym = t.text.len() >= 3
            && t.text.ends_with('s')
            && t.text[..t.text.len() - 1]
                .chars()
                .all(|c| c.is_ascii_uppercase());
        t.kind == Kind::Word
            && (t.text.chars().next().is_some_and(char::is_uppercase)
                && t.text.chars().any(char::is_lowercase)
                && !plural_acronym
                || (t.text.starts_with("al-") || t.text.starts_with("el-"))
                    && t.text[3..].chars().next().is_some_and(char::is_uppercase))
    }

    /// The line's shape as the people module counted it, over characters.
    fn reference_shape(toks: &[Token]) -> Shape {
        let mut shape = Shape::default();
        for t in toks {
            if t.kind == Kind::Word && t.text.chars().nth(1).is_some() {
                shape.words += 1;
                shape.caps += usize::from(
                    t.text.chars().any(char::is_alphabetic)
                        && !t.text.chars().any(char::is_lowercase),
                );
            }
            shape.namey |= t.kind == Kind::Initial || reference_cap_word(t);
        }
        shape
    }

    /// Same tokens, same name marks and same shape as the reference.
    fn same(line: &str) {
        let mut toks = Vec::new();
        let shape = tokenize_into(line, &mut toks);
        let got: Vec<(&str, Kind, bool)> = toks.iter().map(|t| (t.text, t.kind, t.namey)).collect();
        let want_toks = reference(line);
        let want: Vec<(&str, Kind, bool)> = want_toks
            .iter()
            .map(|t| {
                let namey = t.kind == Kind::Initial || reference_cap_word(t);
                (t.text, t.kind, namey)
            })
            .collect();
        assert_eq!(got, want, "{line:?}");
        assert_eq!(shape, reference_shape(&want_toks), "{line:?}");
    }

    #[test]
    fn splits_like_the_reference() {
        for line in [
            "",
            "Mr. Frolov said U.S. and J.R.R. Tolkien's O'Neill Jean-Marie Biden’s P. Simmons",
            "Scorers: Shearer (23rd minute), Ronaldo 45. 4-38 1996-08-30 1,000.5 12:30 a/b",
            "Ünal Çelik-Öz İstanbul ΣΊΣΥΦΟΣ's 中文 é' 'x -y A. B.C.d",
            "A.",
            "A",
            "a's",
            "'s",
            "X.Y.",
            "9",
            "9.",
            "9.9",
            "x--y",
            "x-",
            "U.S.A.",
            "al-Assad el-Sisi al-qaeda el- alBashir ALI al-ÖZ",
            "US UK's NATO's SIMMONS’S Simmons’s é's É É. Éa ÉA Ünal ÜNAL ǅemal",
            "BBC NEWS: OBAMA WINS, said Mr Smith",
            "Ab AB aB a1 A1 1A \u{b}Mr\u{c}Smith\u{85}Jones\u{a0}Brown",
        ] {
            same(line);
        }
    }

    /// `alnum_run` counts like a byte loop, on every byte value in every
    /// position and on mixed words.
    fn alnum_run_like_bytes(b: [u8; 8]) {
        let run = b.iter().take_while(|c| c.is_ascii_alphanumeric()).count();
        let lower = b.iter().take(run).any(u8::is_ascii_lowercase);
        assert_eq!(alnum_run(u64::from_le_bytes(b)), (run, lower), "{b:?}");
    }

    #[test]
    fn alnum_run_counts_like_a_byte_loop() {
        for v in 0..=255u8 {
            for at in 0..8 {
                let mut b = *b"Abcdefgh";
                b[at] = v;
                alnum_run_like_bytes(b);
                let mut b = *b"ABC12XYZ";
                b[at] = v;
                alnum_run_like_bytes(b);
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn alnum_run_on_any_bytes(b in proptest::array::uniform8(0u8..=255)) {
            alnum_run_like_bytes(b);
        }

        #[test]
        fn splits_like_the_reference_on_any_line(
            line in "[aAzZ09 .,'’:/()İéÉs中-]{0,40}|[aelAELS'’ -]{0,20}|.{0,30}"
        ) {
            same(&line);
        }
    }
}
