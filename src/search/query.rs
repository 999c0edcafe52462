//! Query language: the user's query text in, a [`ParsedQuery`] out (clauses
//! with their occurrence and field), then a tantivy query built against the
//! [`NewsSchema`]. Also reports what snippets should highlight.
//!
//! Supported: plain words (any may match; more matches rank higher), `+word`
//! (required), `-word` (excluded), `"exact phrase"` and `"phrase"~N`
//! (required), `OR`/`AND` between words, `title:`, `person:`, `source:`,
//! `date:2020-09` / `date:2020-01..2020-06` (publication), `mentions:2016`.
//! A malformed query degrades to plain words with a notice, or is refused
//! with what is wrong where it cannot mean anything sensible.

use tantivy::Term;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;

use crate::error::{Error, Result};
use crate::schema::{NewsSchema, text_analyzer};

/// Whether a clause must, may or must not match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Ranks higher when present.
    Should,
    /// Required.
    Must,
    /// Excluded.
    MustNot,
}

/// What a clause searches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Title, body, people and source.
    Text,
    /// Headline only.
    Title,
    /// The people field.
    Person,
    /// The source field.
    Source,
    /// Publication date in an inclusive `YYYYMMDD` range.
    Published(i64, i64),
    /// A mentioned date at some precision (`2016`, `2020-09`, `2020-09-09`).
    Mentions(String),
}

/// One clause of a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    /// Must, should or must not.
    pub presence: Presence,
    /// Field family.
    pub target: Target,
    /// Text as typed (without quotes); empty for date targets.
    pub text: String,
    /// Whether the user quoted it.
    pub phrase: bool,
    /// Phrase slop (`"a b"~3`).
    pub slop: u32,
}

/// A parsed query and anything the user should be told about it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedQuery {
    /// Clauses in the order typed.
    pub clauses: Vec<Clause>,
    /// Notices, e.g. a quote that was never closed.
    pub notices: Vec<String>,
}

/// Parse query text. Errors only for clauses that cannot mean anything
/// (an empty `person:`, an impossible date); the rest degrades with notices.
pub fn parse(text: &str) -> Result<ParsedQuery> {
    let mut out = ParsedQuery::default();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    let mut and_next = false;
    while i < chars.len() {
        let (start, c) = chars[i];
        let _ = start;
        if c.is_whitespace() || c == '(' || c == ')' {
            i += 1;
            continue;
        }
        let mut presence = Presence::Should;
        let mut j = i;
        if c == '+' || c == '-' {
            presence = if c == '+' {
                Presence::Must
            } else {
                Presence::MustNot
            };
            j += 1;
        }
        if j < chars.len() && chars[j].1 == '"' {
            let open = chars[j].0;
            let close = chars[j + 1..]
                .iter()
                .position(|&(_, c)| c == '"')
                .map(|p| p + j + 1);
            let (inner, next) = match close {
                Some(k) => (&text[chars[j].0 + 1..chars[k].0], k + 1),
                None => {
                    out.notices.push(format!(
                        "unclosed quote at character {}: searched the rest as plain words",
                        text[..open].chars().count() + 1
                    ));
                    let rest = &text[open + 1..];
                    for w in rest.split_whitespace() {
                        push_word(&mut out, w, Presence::Should);
                    }
                    break;
                }
            };
            let mut next = next;
            let mut slop = 0;
            if next < chars.len() && chars[next].1 == '~' {
                let digits: String = chars[next + 1..]
                    .iter()
                    .take_while(|(_, c)| c.is_ascii_digit())
                    .map(|&(_, c)| c)
                    .collect();
                slop = digits.parse().unwrap_or(0).min(50);
                next += 1 + digits.len();
            }
            if !inner.trim().is_empty() {
                out.clauses.push(Clause {
                    presence: if presence == Presence::Should {
                        Presence::Must
                    } else {
                        presence
                    },
                    target: Target::Text,
                    text: inner.trim().to_string(),
                    phrase: true,
                    slop,
                });
            }
            i = next;
            continue;
        }
        // A bare token up to whitespace (a field value may be quoted).
        let mut k = j;
        while k < chars.len()
            && !chars[k].1.is_whitespace()
            && chars[k].1 != '('
            && chars[k].1 != ')'
        {
            if chars[k].1 == ':' && k + 1 < chars.len() && chars[k + 1].1 == '"' {
                // field:"quoted value"
                if let Some(p) = chars[k + 2..].iter().position(|&(_, c)| c == '"') {
                    k = k + 2 + p + 1;
                    continue;
                }
            }
            k += 1;
        }
        let end = if k < chars.len() {
            chars[k].0
        } else {
            text.len()
        };
        let token_start = if j < chars.len() {
            chars[j].0
        } else {
            text.len()
        };
        let token = &text[token_start.min(end)..end];
        i = k;
        match token {
            // Plain words already match any of them; OR only documents it.
            "OR" => continue,
            "AND" => {
                // `a AND b`: both required.
                if let Some(last) = out.clauses.last_mut()
                    && last.presence == Presence::Should
                {
                    last.presence = Presence::Must;
                }
                and_next = true;
                continue;
            }
            _ => {}
        }
        if and_next && presence == Presence::Should {
            presence = Presence::Must;
        }
        and_next = false;
        if let Some((field, value)) = token.split_once(':')
            && let Some(target) = field_target(field, value)?
        {
            let value = value.trim_matches('"');
            let is_text = matches!(target, Target::Title | Target::Person | Target::Source);
            out.clauses.push(Clause {
                // A field clause is a filter: required unless excluded.
                presence: if presence == Presence::MustNot {
                    Presence::MustNot
                } else {
                    Presence::Must
                },
                target,
                text: if is_text {
                    value.to_string()
                } else {
                    String::new()
                },
                phrase: is_text && value.contains(char::is_whitespace),
                slop: 0,
            });
            continue;
        }
        push_word(&mut out, token, presence);
    }
    out.clauses
        .retain(|c| !(c.target == Target::Text && c.text.is_empty()));
    Ok(out)
}

fn push_word(out: &mut ParsedQuery, word: &str, presence: Presence) {
    let word = word.trim_matches(|c: char| c == '"' || c == '+');
    if word.chars().any(char::is_alphanumeric) {
        out.clauses.push(Clause {
            presence,
            target: Target::Text,
            text: word.to_string(),
            phrase: false,
            slop: 0,
        });
    }
}

/// The target of `field:value`, `None` when `field` is not one of ours
/// (then the token is searched as a word, e.g. a time "10:30").
fn field_target(field: &str, value: &str) -> Result<Option<Target>> {
    let field = field.to_ascii_lowercase();
    let needs_value = |name: &str| -> Result<()> {
        if value.trim_matches('"').trim().is_empty() {
            Err(Error::Query(format!(
                "{name}: needs a value, e.g. {name}:{}",
                match name {
                    "person" => "putin",
                    "source" => "guardian",
                    "date" => "2020-09 or date:2020-01..2020-06",
                    "mentions" => "2016",
                    _ => "pact",
                }
            )))
        } else {
            Ok(())
        }
    };
    Ok(Some(match field.as_str() {
        "title" => {
            needs_value("title")?;
            Target::Title
        }
        "person" | "people" => {
            needs_value("person")?;
            Target::Person
        }
        "source" => {
            needs_value("source")?;
            Target::Source
        }
        "date" | "published" => {
            needs_value("date")?;
            let (lo, hi) = match value.split_once("..") {
                Some((a, b)) => (
                    if a.is_empty() {
                        0
                    } else {
                        date_bound(a, false)?
                    },
                    if b.is_empty() {
                        99_991_231
                    } else {
                        date_bound(b, true)?
                    },
                ),
                None => (date_bound(value, false)?, date_bound(value, true)?),
            };
            if lo > hi {
                return Err(Error::Query(format!(
                    "date:{value}: the range ends before it starts"
                )));
            }
            Target::Published(lo, hi)
        }
        "mentions" | "mentioned" => {
            needs_value("mentions")?;
            date_bound(value, false)?;
            Target::Mentions(value.to_string())
        }
        _ => return Ok(None),
    }))
}

/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD` as the first (or, with `end`, the last)
/// day it covers, as `YYYYMMDD`.
pub fn date_bound(value: &str, end: bool) -> Result<i64> {
    let bad = |why: &str| {
        Error::Query(format!(
            "date {value:?}: {why} (use YYYY, YYYY-MM or YYYY-MM-DD)"
        ))
    };
    let parts: Vec<&str> = value.split('-').collect();
    let num = |s: &str| s.parse::<i64>().map_err(|_| bad("not a number"));
    match parts.as_slice() {
        [y] if y.len() == 4 => {
            let y = num(y)?;
            Ok(y * 10_000 + if end { 1231 } else { 101 })
        }
        [y, m] if y.len() == 4 => {
            let (y, m) = (num(y)?, num(m)?);
            if !(1..=12).contains(&m) {
                return Err(bad("month must be 01 to 12"));
            }
            Ok(y * 10_000 + m * 100 + if end { 31 } else { 1 })
        }
        [y, m, d] if y.len() == 4 => {
            let (y, m, d) = (num(y)?, num(m)?, num(d)?);
            if chrono::NaiveDate::from_ymd_opt(y as i32, m as u32, d as u32).is_none() {
                return Err(bad("no such day"));
            }
            Ok(y * 10_000 + m * 100 + d)
        }
        _ => Err(bad("unrecognized date")),
    }
}

/// One analyzed token: position, byte offset of its start, term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Analyzed {
    /// Token position (a joined compound shares its last part's position).
    pub position: usize,
    /// Byte offset where the token starts in the analyzed text.
    pub from: usize,
    /// The term.
    pub term: String,
}

/// Analyzed tokens of `text`, joined compounds included.
pub fn analyze(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Analyzed> {
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while let Some(t) = stream.next() {
        out.push(Analyzed {
            position: t.position,
            from: t.offset_from,
            term: t.text.clone(),
        });
    }
    out
}

/// Token sequences a phrase may appear as: the split parts and, for
/// hyphenated compounds, the joined form ("non-aggression pact" ->
/// [non aggress pact] and [nonaggress pact]).
pub fn phrase_variants(tokens: &[Analyzed]) -> Vec<Vec<String>> {
    let mut parts: Vec<String> = Vec::new();
    let mut joined: Vec<&Analyzed> = Vec::new();
    let mut has_joined = false;
    for (i, t) in tokens.iter().enumerate() {
        let is_joined = i > 0 && tokens[i - 1].position == t.position;
        if is_joined {
            // The compound replaces every part it spans (they start at or after it).
            has_joined = true;
            while joined.last().is_some_and(|p| p.from >= t.from) {
                joined.pop();
            }
            joined.push(t);
        } else {
            parts.push(t.term.clone());
            joined.push(t);
        }
    }
    let mut out = vec![parts];
    if has_joined {
        out.push(joined.iter().map(|t| t.term.clone()).collect());
    }
    out
}

/// Term queries built for one field set with boosts.
fn text_fields(s: &NewsSchema, target: &Target) -> Vec<(Field, f32)> {
    match target {
        Target::Text => vec![
            (s.title, 2.0),
            (s.body, 1.0),
            (s.people, 1.5),
            (s.source, 1.0),
        ],
        Target::Title => vec![(s.title, 1.0)],
        Target::Person => vec![(s.people, 1.0)],
        Target::Source => vec![(s.source, 1.0)],
        _ => Vec::new(),
    }
}

fn sequence_query(field: Field, seq: &[String], slop: u32) -> Box<dyn Query> {
    if seq.len() == 1 {
        return Box::new(TermQuery::new(
            Term::from_field_text(field, &seq[0]),
            IndexRecordOption::WithFreqs,
        ));
    }
    let terms: Vec<(usize, Term)> = seq
        .iter()
        .enumerate()
        .map(|(i, t)| (i, Term::from_field_text(field, t)))
        .collect();
    Box::new(PhraseQuery::new_with_offset_and_slop(terms, slop))
}

/// A text clause as a query over its fields: any field, any variant.
fn text_clause_query(
    s: &NewsSchema,
    analyzer: &mut TextAnalyzer,
    clause: &Clause,
) -> Option<Box<dyn Query>> {
    let tokens = analyze(analyzer, &clause.text);
    if tokens.is_empty() {
        return None;
    }
    let variants = phrase_variants(&tokens);
    let mut shoulds: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for (field, boost) in text_fields(s, &clause.target) {
        for seq in &variants {
            let q = sequence_query(field, seq, clause.slop);
            shoulds.push((Occur::Should, Box::new(BoostQuery::new(q, boost))));
        }
    }
    Some(Box::new(BooleanQuery::new(shoulds)))
}

/// Build the tantivy query for a parsed query plus extra required filters.
pub fn build(s: &NewsSchema, parsed: &ParsedQuery, filters: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    let mut analyzer = text_analyzer();
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let mut shoulds: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for c in &parsed.clauses {
        let occur = match c.presence {
            Presence::Should => Occur::Should,
            Presence::Must => Occur::Must,
            Presence::MustNot => Occur::MustNot,
        };
        let q: Option<Box<dyn Query>> = match &c.target {
            Target::Published(lo, hi) => Some(published_range(s, *lo, *hi)),
            Target::Mentions(d) => Some(Box::new(TermQuery::new(
                Term::from_field_text(s.mentions, d),
                IndexRecordOption::Basic,
            ))),
            _ => text_clause_query(s, &mut analyzer, c),
        };
        if let Some(q) = q {
            if occur == Occur::Should {
                shoulds.push((occur, q));
            } else {
                clauses.push((occur, q));
            }
        }
    }
    // Plain words: at least one must match, unless required words already
    // decide the result set (then they only lift the ranking). Without this,
    // a filter (`--source X`) would turn them optional and match everything.
    if !shoulds.is_empty() {
        let has_required_text = parsed
            .clauses
            .iter()
            .any(|c| c.presence == Presence::Must && matches!(c.target, Target::Text));
        let group: Box<dyn Query> = Box::new(BooleanQuery::new(shoulds));
        clauses.push((
            if has_required_text {
                Occur::Should
            } else {
                Occur::Must
            },
            group,
        ));
    }
    for f in filters {
        clauses.push((Occur::Must, f));
    }
    if !clauses.iter().any(|(o, _)| *o != Occur::MustNot) {
        clauses.push((Occur::Must, Box::new(AllQuery)));
    }
    Box::new(BooleanQuery::new(clauses))
}

/// Publication dates in an inclusive `YYYYMMDD` range.
pub fn published_range(s: &NewsSchema, lo: i64, hi: i64) -> Box<dyn Query> {
    use std::ops::Bound::Included;
    Box::new(RangeQuery::new(
        Included(Term::from_field_i64(s.published, lo)),
        Included(Term::from_field_i64(s.published, hi)),
    ))
}

/// A `--person`/`--source` filter: the analyzed name as a phrase in the
/// tokenized field, so `--person putin` and `--person "Vladimir Putin"` both work.
pub fn name_filter(s: &NewsSchema, field_is_person: bool, name: &str) -> Option<Box<dyn Query>> {
    let clause = Clause {
        presence: Presence::Must,
        target: if field_is_person {
            Target::Person
        } else {
            Target::Source
        },
        text: name.to_string(),
        phrase: true,
        slop: 0,
    };
    text_clause_query(s, &mut text_analyzer(), &clause)
}

/// What snippets should highlight: free terms, and phrases as sequences.
#[derive(Debug, Clone, Default)]
pub struct Highlight {
    /// Analyzed terms of unquoted words.
    pub terms: Vec<String>,
    /// Analyzed sequences of quoted phrases (every variant).
    pub phrases: Vec<Vec<String>>,
}

/// The highlight plan of a parsed query (excluded words are not highlighted).
pub fn highlight(parsed: &ParsedQuery) -> Highlight {
    let mut analyzer = text_analyzer();
    let mut h = Highlight::default();
    for c in &parsed.clauses {
        if c.presence == Presence::MustNot || !matches!(c.target, Target::Text | Target::Title) {
            continue;
        }
        let tokens = analyze(&mut analyzer, &c.text);
        let positions: std::collections::HashSet<usize> =
            tokens.iter().map(|t| t.position).collect();
        if c.phrase || positions.len() > 1 {
            h.phrases.extend(phrase_variants(&tokens));
        } else {
            h.terms.extend(tokens.into_iter().map(|t| t.term));
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(q: &str) -> Vec<(Presence, String, bool)> {
        parse(q)
            .expect("parses")
            .clauses
            .into_iter()
            .map(|c| (c.presence, c.text, c.phrase))
            .collect()
    }

    #[test]
    fn words_phrases_and_signs() {
        assert_eq!(
            texts(r#"cyber +pact -trade "non-aggression pact""#),
            vec![
                (Presence::Should, "cyber".into(), false),
                (Presence::Must, "pact".into(), false),
                (Presence::MustNot, "trade".into(), false),
                (Presence::Must, "non-aggression pact".into(), true),
            ]
        );
    }

    #[test]
    fn unclosed_quote_degrades_with_notice() {
        let p = parse(r#"putin "cyber pact"#).expect("degrades");
        assert_eq!(p.clauses.len(), 3);
        assert!(p.notices[0].contains("unclosed quote"));
    }

    #[test]
    fn fields_and_errors() {
        let p = parse("person:putin date:2020-09 mentions:2016").expect("parses");
        assert_eq!(p.clauses[0].target, Target::Person);
        assert_eq!(p.clauses[1].target, Target::Published(20200901, 20200931));
        assert_eq!(p.clauses[2].target, Target::Mentions("2016".into()));
        assert!(parse("person:").is_err());
        assert!(
            parse("date:2020-13")
                .unwrap_err()
                .to_string()
                .contains("month")
        );
        assert!(parse("date:2020-01..2020-06").is_ok());
        assert!(parse("date:2021..2020").is_err());
    }

    #[test]
    fn and_makes_both_required() {
        let t = texts("putin AND biden");
        assert_eq!(t[0].0, Presence::Must);
        assert_eq!(t[1].0, Presence::Must);
    }

    #[test]
    fn hyphen_variants() {
        let mut a = text_analyzer();
        let v = phrase_variants(&analyze(&mut a, "non-aggression pact"));
        assert_eq!(
            v,
            vec![vec!["non", "aggress", "pact"], vec!["nonaggress", "pact"]]
        );
        let v = phrase_variants(&analyze(&mut a, "nonaggression pact"));
        assert_eq!(v, vec![vec!["nonaggress", "pact"]]);
    }

    #[test]
    fn never_panics_on_odd_input() {
        for q in [
            "", "\"", "+", "-", "~", "\"\"~", "a:b:c", "(((", "date:..", "é\"ü", "OR", "AND AND",
        ] {
            let _ = parse(q);
        }
    }
}
