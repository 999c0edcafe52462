//! Tokenizer for people extraction. In: one line of text. Out: word,
//! initial, number and punctuation tokens with byte offsets, possessives
//! already cut off ("Biden’s" -> "Biden"). Does not classify words; it only
//! decides where words start and end.

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

/// Split a line into tokens. Total: any input gives some token list.
#[cfg(test)]
pub(super) fn tokenize(line: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    tokenize_into(line, &mut out);
    out
}

/// [`tokenize`] into `out`, which is emptied first. People extraction keeps
/// one buffer per article: a fresh `Vec` per line (and its regrowth) was a
/// large share of the allocator's time in ingest profiles.
///
/// It walks byte offsets and decodes one character at a time (no per-line
/// character list): this runs over every line of every article.
pub(super) fn tokenize_into<'a>(line: &'a str, out: &mut Vec<Token<'a>>) {
    out.clear();
    let mut i = 0;
    while let Some(c) = char_at(line, i) {
        let start = i;
        if c.is_whitespace() {
            i += c.len_utf8();
            continue;
        }
        if c.is_alphabetic() {
            // `j` is the byte offset of the next candidate character;
            // `prev`/`prev2` the last two characters taken, `taken` their count.
            let mut j = i + c.len_utf8();
            let (mut prev, mut prev2, mut taken) = (c, None, 1usize);
            let bytes = line.as_bytes();
            loop {
                // A run of ASCII letters and digits always joins: take it a
                // byte at a time, without decoding (most of a word is one).
                let run = bytes.get(j..).map_or(0, |rest| {
                    rest.iter()
                        .take_while(|b| b.is_ascii_alphanumeric())
                        .count()
                });
                if run > 0 {
                    prev2 = Some(if run == 1 {
                        prev
                    } else {
                        char::from(bytes[j + run - 2])
                    });
                    prev = char::from(bytes[j + run - 1]);
                    taken += run;
                    j += run;
                }
                let Some(d) = char_at(line, j) else {
                    break;
                };
                // The look-ahead is read only for a character that is not a
                // letter or digit (most are): it costs a decode per character.
                let next_alpha =
                    || char_at(line, j + d.len_utf8()).is_some_and(char::is_alphabetic);
                // Inner apostrophes and hyphens join: "O'Neill", "Jean-Marie".
                // "U.S", "J.R": dotted single capitals stay one token.
                let joins = d.is_alphanumeric()
                    || ((is_apostrophe(d) || d == '-') && next_alpha())
                    || (d == '.'
                        && prev.is_uppercase()
                        && (taken == 1 || prev2 == Some('.'))
                        && next_alpha());
                if !joins {
                    break;
                }
                prev2 = Some(prev);
                prev = d;
                taken += 1;
                j += d.len_utf8();
            }
            let single_cap = taken == 1 && c.is_uppercase();
            if single_cap && char_at(line, j) == Some('.') {
                out.push(Token {
                    text: &line[start..j + 1],
                    kind: Kind::Initial,
                });
                i = j + 1;
                continue;
            }
            let mut text = &line[start..j];
            // Possessive: "Biden's", "Biden’s" name Biden. Most words do
            // not end in "s", and then the four suffixes are not tried.
            if text.ends_with(['s', 'S']) {
                for suffix in ["'s", "’s", "'S", "’S"] {
                    if let Some(stem) = text.strip_suffix(suffix)
                        && !stem.is_empty()
                    {
                        text = stem;
                        break;
                    }
                }
            }
            out.push(Token {
                text,
                kind: Kind::Word,
            });
            i = j;
        } else if c.is_ascii_digit() {
            let mut j = i + 1;
            while let Some(d) = char_at(line, j) {
                // As above: the look-ahead only for a separator.
                let next_digit =
                    || char_at(line, j + d.len_utf8()).is_some_and(|n| n.is_ascii_digit());
                if d.is_alphanumeric() || (matches!(d, '.' | ',' | ':' | '-' | '/') && next_digit())
                {
                    j += d.len_utf8();
                } else {
                    break;
                }
            }
            out.push(Token {
                text: &line[start..j],
                kind: Kind::Number,
            });
            i = j;
        } else {
            i += c.len_utf8();
            out.push(Token {
                text: &line[start..i],
                kind: Kind::Punct,
            });
        }
    }
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
                });
                i = j;
            } else {
                out.push(Token {
                    text: &line[start..end_of(i + 1)],
                    kind: Kind::Punct,
                });
                i += 1;
            }
        }
        out
    }

    fn same(line: &str) {
        let got: Vec<(&str, Kind)> = tokenize(line).iter().map(|t| (t.text, t.kind)).collect();
        let want: Vec<(&str, Kind)> = reference(line).iter().map(|t| (t.text, t.kind)).collect();
        assert_eq!(got, want, "{line:?}");
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
        ] {
            same(line);
        }
    }

    proptest::proptest! {
        #[test]
        fn splits_like_the_reference_on_any_line(
            line in "[aAzZ09 .,'’:/()İé中-]{0,40}|.{0,30}"
        ) {
            same(&line);
        }
    }
}
