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

/// Split a line into tokens. Total: any input gives some token list.
pub(super) fn tokenize(line: &str) -> Vec<Token<'_>> {
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
                    && (j == i + 1 || chars.get(j.wrapping_sub(2)).is_some_and(|&(_, p)| p == '.'))
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
                if d.is_alphanumeric() || (matches!(d, '.' | ',' | ':' | '-' | '/') && next_digit) {
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
