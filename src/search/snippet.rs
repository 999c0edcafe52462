//! Snippets: a stored body and the query's [`Highlight`] plan in, up to N
//! [`Snippet`]s out: passages cut at sentence boundaries, chosen where the
//! query's terms are densest, with whole phrase matches highlighted as one
//! span (byte offsets into the passage text).
//!
//! It does not decide which documents match; it only explains a hit.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::query::Highlight;
use crate::schema::text_analyzer;

/// One passage of an article with highlighted byte ranges.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Snippet {
    /// The passage text (may start or end with "…").
    pub text: String,
    /// `[start, end)` byte ranges into `text` to highlight, in order.
    pub highlights: Vec<[usize; 2]>,
}

/// A matched span in the body and what it matched.
#[derive(Debug, Clone, Copy)]
struct Span {
    from: usize,
    to: usize,
    /// Index of the term or phrase it matched (for distinct-match scoring).
    what: usize,
    phrase: bool,
}

/// Build up to `passages` snippets of about `max_len` characters each.
pub fn snippets(body: &str, plan: &Highlight, passages: usize, max_len: usize) -> Vec<Snippet> {
    if body.is_empty() || passages == 0 {
        return Vec::new();
    }
    let spans = find_spans(body, plan);
    let sentences = sentences(body);
    if spans.is_empty() {
        // Nothing to show in the body (the match was in the title or a
        // field): the lead is the most useful context.
        return sentences
            .first()
            .map(|&(a, b)| vec![cut(body, a, b, &[], max_len)])
            .unwrap_or_default();
    }
    // Score sentences: distinct things matched weigh most, phrases double.
    let mut scored: Vec<(f32, usize)> = Vec::new();
    for (i, &(a, b)) in sentences.iter().enumerate() {
        let inside: Vec<&Span> = spans.iter().filter(|s| s.from >= a && s.to <= b).collect();
        if inside.is_empty() {
            continue;
        }
        let distinct: HashSet<usize> = inside.iter().map(|s| s.what).collect();
        let phrases = inside.iter().filter(|s| s.phrase).count();
        let score = distinct.len() as f32 * 2.0 + inside.len() as f32 * 0.5 + phrases as f32 * 3.0
            - i as f32 * 0.001;
        scored.push((score, i));
    }
    scored.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
    let mut chosen: Vec<usize> = scored.iter().take(passages).map(|&(_, i)| i).collect();
    chosen.sort_unstable();
    chosen
        .into_iter()
        .map(|i| {
            let (a, b) = sentences[i];
            let inside: Vec<Span> = spans
                .iter()
                .copied()
                .filter(|s| s.from >= a && s.to <= b)
                .collect();
            cut(body, a, b, &inside, max_len)
        })
        .collect()
}

/// Every match of the plan's terms and phrases in `body`, by byte range.
/// Free terms inside a phrase match are not reported twice.
fn find_spans(body: &str, plan: &Highlight) -> Vec<Span> {
    let mut analyzer = text_analyzer();
    let mut stream = analyzer.token_stream(body);
    // (position, from, to, term)
    let mut tokens: Vec<(usize, usize, usize, String)> = Vec::new();
    while let Some(t) = stream.next() {
        tokens.push((t.position, t.offset_from, t.offset_to, t.text.clone()));
    }
    let mut by_pos: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, t) in tokens.iter().enumerate() {
        by_pos.entry(t.0).or_default().push(i);
    }
    let mut spans: Vec<Span> = Vec::new();
    for (pi, phrase) in plan.phrases.iter().enumerate() {
        let Some(first) = phrase.first() else {
            continue;
        };
        for (i, t) in tokens.iter().enumerate() {
            if &t.3 != first {
                continue;
            }
            let mut end = (t.2, true);
            for (k, term) in phrase.iter().enumerate().skip(1) {
                let hit = by_pos
                    .get(&(t.0 + k))
                    .and_then(|ids| ids.iter().find(|&&j| &tokens[j].3 == term));
                match hit {
                    Some(&j) => end = (tokens[j].2, true),
                    None => {
                        end.1 = false;
                        break;
                    }
                }
            }
            if end.1 {
                spans.push(Span {
                    from: tokens[i].1,
                    to: end.0,
                    what: pi,
                    phrase: true,
                });
            }
        }
    }
    let base = plan.phrases.len();
    let term_index: HashMap<&str, usize> = plan
        .terms
        .iter()
        .enumerate()
        .map(|(i, t)| (t.as_str(), base + i))
        .collect();
    for t in &tokens {
        if let Some(&what) = term_index.get(t.3.as_str()) {
            let covered = spans
                .iter()
                .any(|s| s.phrase && s.from <= t.1 && t.2 <= s.to);
            if !covered {
                spans.push(Span {
                    from: t.1,
                    to: t.2,
                    what,
                    phrase: false,
                });
            }
        }
    }
    spans.sort_by_key(|s| (s.from, std::cmp::Reverse(s.to)));
    // Drop spans nested in an earlier one (a joined compound inside its parts).
    let mut out: Vec<Span> = Vec::new();
    for s in spans {
        if out.last().is_some_and(|l| s.from < l.to) {
            continue;
        }
        out.push(s);
    }
    out
}

/// Sentence byte ranges: split at paragraph breaks and at `.`/`?`/`!`
/// (optionally followed by a closing quote) before whitespace.
fn sentences(body: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let bytes = body.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let mut boundary = None;
        if c == b'\n' {
            boundary = Some(i);
        } else if matches!(c, b'.' | b'?' | b'!') {
            let mut j = i + 1;
            // Closing quotes: ASCII or the 3-byte UTF-8 curly ones.
            if j < bytes.len() && (bytes[j] == b'"' || bytes[j] == b'\'') {
                j += 1;
            } else if body[j..].starts_with('\u{201d}') || body[j..].starts_with('\u{2019}') {
                j += 3;
            }
            if j >= bytes.len() || bytes[j] == b' ' || bytes[j] == b'\n' {
                boundary = Some(j.min(bytes.len()));
            }
        }
        if let Some(end) = boundary {
            if body[start..end].trim().len() > 1 {
                out.push(trim_range(body, start, end));
            }
            start = end;
            i = end.max(i + 1);
            continue;
        }
        i += 1;
    }
    if body[start..].trim().len() > 1 {
        out.push(trim_range(body, start, body.len()));
    }
    out
}

fn trim_range(body: &str, a: usize, b: usize) -> (usize, usize) {
    let s = &body[a..b];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    (a + lead, b - trail)
}

/// The passage `[a, b)` as a snippet, shortened to about `max_len` chars
/// around its first highlight at word boundaries.
fn cut(body: &str, a: usize, b: usize, spans: &[Span], max_len: usize) -> Snippet {
    let (mut from, mut to) = (a, b);
    let max_bytes = max_len.max(40);
    if to - from > max_bytes {
        let anchor = spans.first().map(|s| s.from).unwrap_or(from);
        // Keep some context before the first match.
        let lead = max_bytes / 4;
        from = floor_boundary(body, anchor.saturating_sub(lead).max(a));
        to = floor_boundary(body, (from + max_bytes).min(b));
        // Move to word boundaries.
        if from > a
            && let Some(sp) = body[from..to].find(' ')
        {
            from += sp + 1;
        }
        if to < b
            && let Some(sp) = body[from..to].rfind(' ')
        {
            to = from + sp;
        }
    }
    let mut text = String::new();
    let prefix = if from > a { "…" } else { "" };
    text.push_str(prefix);
    text.push_str(&body[from..to]);
    if to < b {
        text.push('…');
    }
    let shift = prefix.len();
    let highlights = spans
        .iter()
        .filter(|s| s.from >= from && s.to <= to)
        .map(|s| [s.from - from + shift, s.to - from + shift])
        .collect();
    Snippet { text, highlights }
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(terms: &[&str], phrases: &[&[&str]]) -> Highlight {
        Highlight {
            terms: terms.iter().map(|s| s.to_string()).collect(),
            phrases: phrases
                .iter()
                .map(|p| p.iter().map(|s| s.to_string()).collect())
                .collect(),
        }
    }

    const BODY: &str = "The pact was signed. Putin proposed a new non-aggression pact on cyberwarfare. Nobody expected it.\n\nA second pact followed.";

    #[test]
    fn phrase_is_one_span_and_stray_terms_are_not_lit() {
        let s = snippets(BODY, &plan(&[], &[&["non", "aggress", "pact"]]), 3, 200);
        assert_eq!(s.len(), 1);
        let sn = &s[0];
        assert_eq!(
            sn.text,
            "Putin proposed a new non-aggression pact on cyberwarfare."
        );
        let [a, b] = sn.highlights[0];
        assert_eq!(&sn.text[a..b], "non-aggression pact");
        assert_eq!(sn.highlights.len(), 1);
    }

    #[test]
    fn terms_pick_densest_sentences_in_order() {
        let s = snippets(BODY, &plan(&["putin", "pact"], &[]), 2, 200);
        assert_eq!(s.len(), 2);
        assert!(s[0].text.starts_with("The pact"));
        assert!(s[1].text.starts_with("Putin proposed"));
    }

    #[test]
    fn long_sentence_is_cut_around_match_with_valid_offsets() {
        let body = format!(
            "{} Müller scored {}.",
            "word ".repeat(80),
            "again ".repeat(80)
        );
        let s = snippets(&body, &plan(&["muller"], &[]), 1, 100);
        let sn = &s[0];
        assert!(sn.text.starts_with('…') && sn.text.ends_with('…'));
        let [a, b] = sn.highlights[0];
        assert_eq!(&sn.text[a..b], "Müller");
    }

    #[test]
    fn no_match_gives_the_lead() {
        let s = snippets(BODY, &plan(&["zzz"], &[]), 3, 200);
        assert_eq!(s[0].text, "The pact was signed.");
        assert!(s[0].highlights.is_empty());
    }

    #[test]
    fn odd_bodies_do_not_panic() {
        for b in ["", ".", "é.é.", "\n\n\n", "“quoted.” Next.", "a…b"] {
            let _ = snippets(b, &plan(&["a"], &[&["a", "b"]]), 3, 10);
        }
    }
}
