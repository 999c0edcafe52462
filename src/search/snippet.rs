//! Snippets: a stored body and the query's [`Highlight`] plan in, up to N
//! [`Snippet`]s out: passages cut at sentence boundaries (and at clause
//! boundaries inside a long sentence), chosen where the query's terms are
//! densest and closest, with whole phrase matches highlighted as one span
//! (byte offsets into the passage text). Only sentences a cheap byte scan
//! finds a query term in are analyzed, never the whole body.
//!
//! It does not decide which documents match; it only explains a hit.

use std::collections::HashSet;

use serde::Serialize;
use tantivy::tokenizer::TextAnalyzer;

use super::query::Highlight;
use crate::analyzer::text_analyzer;

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
///
/// Only sentences that can hold a query term are analyzed: a cheap
/// lowercase scan for each term's stem prefix picks them (issue 6: analyzing
/// every whole body per hit was the cost of a results page on a 1 GB index).
pub fn snippets(body: &str, plan: &Highlight, passages: usize, max_len: usize) -> Vec<Snippet> {
    snippets_with(&mut text_analyzer(), body, plan, passages, max_len)
}

/// [`snippets`] with the caller's analyzer: one analyzer kept across a
/// page of hits (or a long-lived engine's searches) keeps its stem cache
/// warm, and stemming cache misses were half of a results page's snippet
/// cost.
pub fn snippets_with(
    analyzer: &mut TextAnalyzer,
    body: &str,
    plan: &Highlight,
    passages: usize,
    max_len: usize,
) -> Vec<Snippet> {
    if body.is_empty() || passages == 0 {
        return Vec::new();
    }
    let sentences = sentences(body);
    let spans = body_spans(analyzer, body, plan, &sentences);
    if spans.is_empty() {
        // Nothing to show in the body (the match was in the title or a
        // field): the lead is the most useful context.
        return sentences
            .first()
            .map(|&(a, b)| vec![cut(body, a, b, &[], max_len)])
            .unwrap_or_default();
    }
    // Score sentences: distinct things matched weigh most, phrases more,
    // and different query terms sitting close together add to it.
    let mut scored: Vec<(f32, usize)> = Vec::new();
    for (i, &(a, b)) in sentences.iter().enumerate() {
        let inside: Vec<&Span> = spans.iter().filter(|s| s.from >= a && s.to <= b).collect();
        if inside.is_empty() {
            continue;
        }
        let distinct: HashSet<usize> = inside.iter().map(|s| s.what).collect();
        let phrases = inside.iter().filter(|s| s.phrase).count();
        let closeness: f32 = inside
            .windows(2)
            .filter(|w| w[0].what != w[1].what)
            .map(|w| 1.0 / (1.0 + w[1].from.saturating_sub(w[0].to) as f32 / 20.0))
            .sum();
        let score = distinct.len() as f32 * 2.0
            + inside.len() as f32 * 0.5
            + phrases as f32 * 3.0
            + closeness
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

/// Every match of the plan in a whole body as `[start, end)` byte ranges, in
/// order: what the web page's article view highlights.
pub fn highlights(body: &str, plan: &Highlight) -> Vec<[usize; 2]> {
    body_spans(&mut text_analyzer(), body, plan, &sentences(body))
        .iter()
        .map(|s| [s.from, s.to])
        .collect()
}

/// The spans of every sentence that can hold a query term (a cheap byte
/// scan decides), analyzed sentence by sentence.
fn body_spans(
    analyzer: &mut TextAnalyzer,
    body: &str,
    plan: &Highlight,
    sentences: &[(usize, usize)],
) -> Vec<Span> {
    let needles = needles(plan);
    // Built once per body, not per sentence; a later duplicate term wins,
    // as it did when each sentence collected its own map.
    let base = plan.phrases.len();
    let term_index: foldhash::HashMap<&str, usize> = plan
        .terms
        .iter()
        .enumerate()
        .map(|(i, t)| (t.as_str(), base + i))
        .collect();
    let mut spans: Vec<Span> = Vec::new();
    let mut scratch = String::new();
    let mut tokens = Tokens::default();
    for &(a, b) in sentences {
        if is_candidate(&body[a..b], &needles, &mut scratch) {
            find_spans(
                analyzer,
                &body[a..b],
                a,
                plan,
                &term_index,
                &mut tokens,
                &mut spans,
            );
        }
    }
    spans
}

/// Lowercase ASCII prefixes every surface form of the plan's terms
/// contains: the stem minus its last letter ("happi" comes from "happy").
fn needles(plan: &Highlight) -> Vec<String> {
    let mut out: Vec<String> = plan
        .terms
        .iter()
        .chain(plan.phrases.iter().flatten())
        .map(|t| {
            let n = t.chars().count();
            let keep = if n <= 3 { n } else { n - 1 };
            t.chars().take(keep).collect::<String>()
        })
        .filter(|t| !t.is_empty())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Whether `sentence` may hold a term: one of the needles occurs in it
/// (lowercased, hyphens dropped so "non-aggression" shows "nonaggress"),
/// or it has non-ASCII letters, whose folded forms a byte scan cannot see.
fn is_candidate(sentence: &str, needles: &[String], scratch: &mut String) -> bool {
    // The character scan only matters for non-ASCII text; the ASCII check
    // runs a word at a time.
    let ascii = sentence.is_ascii();
    if !ascii && sentence.chars().any(|c| !c.is_ascii() && c.is_alphabetic()) {
        return true;
    }
    scratch.clear();
    if ascii {
        // Byte by byte, the same text without decoding characters.
        scratch.extend(
            sentence
                .bytes()
                .filter(|&b| b != b'-')
                .map(|b| char::from(b.to_ascii_lowercase())),
        );
    } else {
        scratch.extend(
            sentence
                .chars()
                .filter(|&c| c != '-')
                .map(|c| c.to_ascii_lowercase()),
        );
    }
    needles.iter().any(|n| scratch.contains(n.as_str()))
}

/// One sentence's analyzed tokens, kept between sentences so their
/// buffers are reused: the terms share one string instead of a `String`
/// per token.
#[derive(Default)]
struct Tokens {
    list: Vec<Tok>,
    terms: String,
}

/// One analyzed token of a sentence.
struct Tok {
    position: usize,
    /// Byte range in the body.
    from: usize,
    to: usize,
    /// Byte range of its term in [`Tokens::terms`].
    term: std::ops::Range<usize>,
}

impl Tokens {
    fn term(&self, i: usize) -> &str {
        &self.terms[self.list[i].term.clone()]
    }
}

/// Every match of the plan's terms and phrases in `text` (a sentence that
/// starts at byte `base` of the body), by body byte range, appended to
/// `out`. Free terms inside a phrase match are not reported twice.
fn find_spans(
    analyzer: &mut TextAnalyzer,
    text: &str,
    base: usize,
    plan: &Highlight,
    term_index: &foldhash::HashMap<&str, usize>,
    tokens: &mut Tokens,
    out: &mut Vec<Span>,
) {
    tokens.list.clear();
    tokens.terms.clear();
    let mut stream = analyzer.token_stream(text);
    while let Some(t) = stream.next() {
        let start = tokens.terms.len();
        tokens.terms.push_str(&t.text);
        tokens.list.push(Tok {
            position: t.position,
            from: base + t.offset_from,
            to: base + t.offset_to,
            term: start..tokens.terms.len(),
        });
    }
    drop(stream);
    let tokens = &*tokens;
    let mut spans: Vec<Span> = Vec::new();
    if !plan.phrases.is_empty() {
        // Only phrases look tokens up by position: (position, index)
        // sorted, so each position's tokens are a run in text order (no
        // map with a list per position).
        let mut by_pos: Vec<(usize, usize)> = tokens
            .list
            .iter()
            .enumerate()
            .map(|(i, t)| (t.position, i))
            .collect();
        by_pos.sort_unstable();
        let at = |pos: usize| {
            let from = by_pos.partition_point(|&(p, _)| p < pos);
            by_pos[from..]
                .iter()
                .take_while(move |&&(p, _)| p == pos)
                .map(|&(_, j)| j)
        };
        for (pi, phrase) in plan.phrases.iter().enumerate() {
            let Some(first) = phrase.first() else {
                continue;
            };
            for (i, t) in tokens.list.iter().enumerate() {
                if tokens.term(i) != first {
                    continue;
                }
                let mut end = (t.to, true);
                for (k, term) in phrase.iter().enumerate().skip(1) {
                    match at(t.position + k).find(|&j| tokens.term(j) == term) {
                        Some(j) => end = (tokens.list[j].to, true),
                        None => {
                            end.1 = false;
                            break;
                        }
                    }
                }
                if end.1 {
                    spans.push(Span {
                        from: t.from,
                        to: end.0,
                        what: pi,
                        phrase: true,
                    });
                }
            }
        }
    }
    for (i, t) in tokens.list.iter().enumerate() {
        if let Some(&what) = term_index.get(tokens.term(i)) {
            let covered = spans
                .iter()
                .any(|s| s.phrase && s.from <= t.from && t.to <= s.to);
            if !covered {
                spans.push(Span {
                    from: t.from,
                    to: t.to,
                    what,
                    phrase: false,
                });
            }
        }
    }
    spans.sort_by_key(|s| (s.from, std::cmp::Reverse(s.to)));
    // Drop spans nested in an earlier one (a joined compound inside its parts).
    let mut last_to: Option<usize> = None;
    for s in spans {
        if last_to.is_some_and(|to| s.from < to) {
            continue;
        }
        last_to = Some(s.to);
        out.push(s);
    }
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

/// Byte offsets just after each clause boundary in `body[a..b]`: a comma,
/// semicolon, colon or dash followed by a space, or an opening bracket.
fn clause_starts(body: &str, a: usize, b: usize) -> Vec<usize> {
    let text = &body[a..b];
    let mut out = Vec::new();
    for (i, c) in text.char_indices() {
        let after = i + c.len_utf8();
        let spaced = text[after..].starts_with(' ');
        match c {
            ',' | ';' | ':' if spaced => out.push(a + after + 1),
            '\u{2014}' | '\u{2013}' if spaced => out.push(a + after + 1),
            '-' if spaced && i > 0 && text[..i].ends_with(' ') => out.push(a + after + 1),
            '(' => out.push(a + i),
            _ => {}
        }
    }
    out
}

/// The passage `[a, b)` as a snippet. A sentence longer than about
/// `max_len` bytes is cut around its first highlight, preferably at clause
/// boundaries (after a comma, semicolon, colon or dash), else between words.
fn cut(body: &str, a: usize, b: usize, spans: &[Span], max_len: usize) -> Snippet {
    let (mut from, mut to) = (a, b);
    let max_bytes = max_len.max(40);
    if to - from > max_bytes {
        let anchor = spans.first().map(|s| s.from).unwrap_or(from);
        let clauses = clause_starts(body, a, b);
        // Start: the last clause start at or before the anchor that leaves
        // room for it, else a little context before the anchor.
        let earliest = anchor.saturating_sub(max_bytes / 2).max(a);
        from = match clauses
            .iter()
            .rev()
            .find(|&&c| c <= anchor && c >= earliest)
        {
            Some(&c) => c,
            None => {
                let mut f = floor_boundary(body, anchor.saturating_sub(max_bytes / 4).max(a));
                if f > a
                    && let Some(sp) = body[f..anchor.max(f)].find(' ')
                {
                    f += sp + 1;
                }
                f
            }
        };
        let limit = floor_boundary(body, (from + max_bytes).min(b));
        // End: the last clause boundary that keeps at least half the room
        // (and every highlight that starts there), else the last space.
        let must_reach = spans
            .iter()
            .filter(|s| s.from < limit)
            .map(|s| s.to)
            .filter(|&t| t <= limit)
            .max()
            .unwrap_or(from)
            .max(from + max_bytes / 2);
        to = if limit >= b {
            b
        } else {
            match clauses
                .iter()
                .rev()
                .find(|&&c| c <= limit && c > must_reach)
            {
                // Cut before the boundary's punctuation and space.
                Some(&c) => body[..c]
                    .trim_end_matches([' ', ',', ';', ':'])
                    .len()
                    .max(from),
                None => match body[from..limit].rfind(' ') {
                    Some(sp) if from + sp > from => from + sp,
                    _ => limit,
                },
            }
        };
        to = floor_boundary(body, to.max(from));
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
    fn long_sentence_is_cut_at_a_clause_boundary() {
        let body = "After a long night of talks in the Egyptian resort, which ran well past the official close of the summit, delegates agreed a loss and damage fund, a victory for poorer nations that had pressed for it for three decades.";
        let s = snippets(
            body,
            &plan(&[], &[&["loss", "and", "damag", "fund"]]),
            1,
            90,
        );
        let sn = &s[0];
        assert!(sn.text.starts_with("…delegates agreed"), "{}", sn.text);
        let [a, b] = sn.highlights[0];
        assert_eq!(&sn.text[a..b], "loss and damage fund");
    }

    #[test]
    fn scan_finds_compounds_accents_and_stems() {
        let body =
            "Unrelated opening line. Müller signed a non-aggression deal. The countries met.";
        let s = snippets(
            body,
            &plan(&["muller", "nonaggress", "countri"], &[]),
            3,
            200,
        );
        let lit: Vec<&str> = s
            .iter()
            .flat_map(|sn| sn.highlights.iter().map(move |[a, b]| &sn.text[*a..*b]))
            .collect();
        assert_eq!(lit, ["Müller", "non-aggression", "countries"]);
    }

    #[test]
    fn closest_terms_win() {
        let body =
            "Putin spoke first. Much later, far away, there was a pact. Putin signed the pact.";
        let s = snippets(body, &plan(&["putin", "pact"], &[]), 1, 200);
        assert_eq!(s[0].text, "Putin signed the pact.");
    }

    #[test]
    fn odd_bodies_do_not_panic() {
        for b in ["", ".", "é.é.", "\n\n\n", "“quoted.” Next.", "a…b"] {
            let _ = snippets(b, &plan(&["a"], &[&["a", "b"]]), 3, 10);
        }
    }
}
