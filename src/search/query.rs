//! Query language: the user's query text in, a [`ParsedQuery`] out (a tree
//! of [`Item`]s: words, phrases, fields, groups, alternatives), then a
//! tantivy query built against the [`NewsSchema`] together with the
//! [`Highlight`] plan for snippets and the surface forms used to rank exact
//! forms above variants.
//!
//! Grammar (whitespace separates items; `OR` binds tighter than juxtaposition,
//! `AND` marks both neighbours required):
//!
//! ```text
//! group   := item*
//! item    := unary (OR unary)*  |  item AND item
//! unary   := ("+" | "-" | "NOT ") primary  |  primary
//! primary := "(" group ")" | "\"" phrase "\"" ["~" N] | field ":" value | word
//! field   := title | person | source | date | mentions      value := word | "\"...\"" | "(" group ")"
//! ```
//!
//! Plain words are optional, but a document holding all of them gets a
//! constant tier bonus, so "all words first, then fewer" holds strictly; quoted
//! phrases and field clauses are required unless negated. A malformed query
//! degrades with a notice (unclosed quote or bracket, stray operator) or is
//! refused with [`Error::Query`] naming what is wrong and at which character
//! (an empty `person:`, an impossible date). It does not run the query.

use std::collections::HashMap;

use tantivy::Term;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, RangeQuery,
    TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;

use crate::analyzer::text_analyzer;
use crate::error::{Error, Result};
use crate::schema::NewsSchema;

/// Score added to documents that contain every plain word of the query.
/// Larger than any BM25 sum we produce, so the tier decides first; it is
/// subtracted again before a score is shown.
pub const ALL_WORDS_TIER: f32 = 10_000.0;

/// Slop of the whole-query proximity phrase: words typed together and found
/// within a few words of each other rank above scattered mentions.
const PROXIMITY_SLOP: u32 = 4;

/// Deepest bracket nesting we follow; deeper brackets are ignored (with a
/// notice) so hostile input cannot exhaust the stack.
const MAX_DEPTH: usize = 16;

/// Whether an item must, may or must not match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Ranks higher when present.
    Should,
    /// Required.
    Must,
    /// Excluded.
    MustNot,
}

/// Which fields a word or phrase searches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Title, body, people and source.
    Text,
    /// Headline only.
    Title,
    /// The people field.
    Person,
    /// The source field.
    Source,
}

/// One node of a parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// A word (or a quoted phrase) searched in `scope`.
    Text {
        /// Field family.
        scope: Scope,
        /// Text as typed (without quotes).
        text: String,
        /// Whether the user quoted it.
        phrase: bool,
        /// Phrase slop (`"a b"~3`).
        slop: u32,
    },
    /// Publication date in an inclusive `YYYYMMDD` range.
    Published(i64, i64),
    /// A mentioned date at some precision (`2016`, `2020-09`, `2020-09-09`).
    Mentions(String),
    /// A bracketed group: its items combine like a whole query.
    Group(Vec<Item>),
    /// Alternatives joined by `OR`: any may match.
    Any(Vec<Item>),
}

/// A node with its presence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// Must, should or must not.
    pub presence: Presence,
    /// What it matches.
    pub node: Node,
}

/// A parsed query and anything the user should be told about it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedQuery {
    /// Top-level items in the order typed.
    pub items: Vec<Item>,
    /// Notices, e.g. a quote that was never closed.
    pub notices: Vec<String>,
}

impl ParsedQuery {
    /// Whether the query has anything that selects documents (else every
    /// document matches, narrowed only by filters).
    pub fn is_empty(&self) -> bool {
        !self.items.iter().any(|i| i.presence != Presence::MustNot)
    }

    /// The plain words (scope text, not quoted, not excluded) in order, as
    /// typed: the words "did you mean" may correct.
    pub fn plain_words(&self) -> Vec<String> {
        fn walk(items: &[Item], out: &mut Vec<String>) {
            for i in items {
                match &i.node {
                    Node::Text {
                        scope: Scope::Text | Scope::Title,
                        text,
                        phrase: false,
                        ..
                    } if i.presence != Presence::MustNot => out.push(text.clone()),
                    Node::Group(g) | Node::Any(g) if i.presence != Presence::MustNot => {
                        walk(g, out)
                    }
                    _ => {}
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.items, &mut out);
        out
    }
}

// ---------------------------------------------------------------- lexing

#[derive(Debug, Clone, PartialEq)]
enum FieldName {
    Title,
    Person,
    Source,
    Date,
    Mentions,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Open,
    Close,
    Or,
    And,
    Not,
    Sign(Presence),
    Phrase(String, u32),
    Word(String),
    /// `name:value`; `None` value means a bracketed group follows.
    Field(FieldName, Option<(String, bool, u32)>),
}

fn field_name(name: &str) -> Option<FieldName> {
    Some(match name.to_ascii_lowercase().as_str() {
        "title" => FieldName::Title,
        "person" | "people" => FieldName::Person,
        "source" => FieldName::Source,
        "date" | "published" => FieldName::Date,
        "mentions" | "mentioned" => FieldName::Mentions,
        _ => return None,
    })
}

fn is_quote(c: char) -> bool {
    matches!(c, '"' | '\u{201c}' | '\u{201d}' | '\u{201e}')
}

fn example(name: &FieldName) -> &'static str {
    match name {
        FieldName::Title => "title:pact or title:\"cyber pact\"",
        FieldName::Person => "person:putin or person:\"Vladimir Putin\"",
        FieldName::Source => "source:guardian",
        FieldName::Date => "date:2020-09 or date:2020-01..2020-06",
        FieldName::Mentions => "mentions:2016",
    }
}

fn field_label(name: &FieldName) -> &'static str {
    match name {
        FieldName::Title => "title",
        FieldName::Person => "person",
        FieldName::Source => "source",
        FieldName::Date => "date",
        FieldName::Mentions => "mentions",
    }
}

/// A quoted string starting at `chars[open]` (a quote): its text, the index
/// after it (and after `~N`), its slop; `None` when it is never closed.
fn lex_quoted(
    chars: &[char],
    open: usize,
    notices: &mut Vec<String>,
) -> Option<(String, usize, u32)> {
    let close = chars[open + 1..].iter().position(|&c| is_quote(c))? + open + 1;
    let text: String = chars[open + 1..close].iter().collect();
    let mut next = close + 1;
    let mut slop = 0;
    if chars.get(next) == Some(&'~') {
        let digits: String = chars[next + 1..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        if digits.is_empty() {
            notices.push(format!(
                "\"~\" at character {} needs a number, e.g. \"a b\"~3: searched the exact phrase",
                next + 1
            ));
        }
        slop = digits.parse::<u32>().unwrap_or(0).min(50);
        next += 1 + digits.chars().count();
    }
    Some((text, next, slop))
}

fn lex(text: &str, notices: &mut Vec<String>) -> Result<Vec<(usize, Tok)>> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let pos = i + 1;
        if c.is_whitespace() {
            i += 1;
        } else if c == '(' {
            out.push((pos, Tok::Open));
            i += 1;
        } else if c == ')' {
            out.push((pos, Tok::Close));
            i += 1;
        } else if is_quote(c) {
            match lex_quoted(&chars, i, notices) {
                Some((phrase, next, slop)) => {
                    out.push((pos, Tok::Phrase(phrase, slop)));
                    i = next;
                }
                None => {
                    notices.push(format!(
                        "unclosed quote at character {pos}: searched the rest as plain words"
                    ));
                    i += 1;
                }
            }
        } else if (c == '+' || c == '-')
            && chars
                .get(i + 1)
                .is_some_and(|n| !n.is_whitespace() && !matches!(n, ')' | '+' | '-'))
        {
            let p = if c == '+' {
                Presence::Must
            } else {
                Presence::MustNot
            };
            out.push((pos, Tok::Sign(p)));
            i += 1;
        } else if c == '+' || c == '-' {
            // A lone sign means nothing; skipping it is what the user expects.
            i += 1;
        } else {
            let mut j = i;
            while j < chars.len()
                && !chars[j].is_whitespace()
                && !matches!(chars[j], '(' | ')')
                && !is_quote(chars[j])
            {
                j += 1;
            }
            let word: String = chars[i..j].iter().collect();
            i = j;
            match word.as_str() {
                "OR" | "|" | "||" => out.push((pos, Tok::Or)),
                "AND" | "&&" => out.push((pos, Tok::And)),
                "NOT" => out.push((pos, Tok::Not)),
                _ => {
                    let field = word
                        .split_once(':')
                        .and_then(|(name, rest)| Some((field_name(name)?, rest)));
                    let Some((name, rest)) = field else {
                        out.push((pos, Tok::Word(word)));
                        continue;
                    };
                    if !rest.is_empty() {
                        out.push((pos, Tok::Field(name, Some((rest.to_string(), false, 0)))));
                    } else if chars.get(i).is_some_and(|&c| is_quote(c)) {
                        match lex_quoted(&chars, i, notices) {
                            Some((v, next, slop)) if !v.trim().is_empty() => {
                                out.push((pos, Tok::Field(name, Some((v, true, slop)))));
                                i = next;
                            }
                            Some(_) => {
                                return Err(Error::Query(format!(
                                    "{}: at character {pos} has empty quotes; give a value, e.g. {}",
                                    field_label(&name),
                                    example(&name)
                                )));
                            }
                            None => {
                                return Err(Error::Query(format!(
                                    "{}: at character {pos}: the quote after it is never closed",
                                    field_label(&name)
                                )));
                            }
                        }
                    } else if chars.get(i) == Some(&'(') {
                        out.push((pos, Tok::Field(name, None)));
                    } else {
                        return Err(Error::Query(format!(
                            "{}: at character {pos} needs a value, e.g. {}",
                            field_label(&name),
                            example(&name)
                        )));
                    }
                }
            }
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------- parsing

struct Parser<'a> {
    toks: Vec<(usize, Tok)>,
    at: usize,
    notices: &'a mut Vec<String>,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.at).map(|(_, t)| t)
    }

    fn pos(&self) -> usize {
        self.toks.get(self.at).map(|(p, _)| *p).unwrap_or(0)
    }

    fn group(&mut self, scope: Scope, depth: usize) -> Result<Vec<Item>> {
        let mut items: Vec<Item> = Vec::new();
        let mut and_pending = false;
        // Whether the last item is an OR chain built here (so `a OR b OR c`
        // stays one flat list, but `(a OR b) OR c` keeps the group).
        let mut last_is_chain = false;
        loop {
            let pos = self.pos();
            match self.peek() {
                None => break,
                Some(Tok::Close) => {
                    if depth > 0 {
                        break;
                    }
                    self.notices
                        .push(format!("unmatched \")\" at character {pos}: ignored"));
                    self.at += 1;
                }
                Some(Tok::Or) => {
                    self.at += 1;
                    if items.is_empty() {
                        self.notices.push(format!(
                            "OR at character {pos} has nothing before it: ignored"
                        ));
                        continue;
                    }
                    let Some(rhs) = self.unary(scope, depth)? else {
                        self.notices.push(format!(
                            "OR at character {pos} has nothing after it: ignored"
                        ));
                        continue;
                    };
                    let rhs = alternative(rhs);
                    let lhs = items.pop().expect("checked non-empty above");
                    let merged = match lhs.node {
                        Node::Any(mut alts) if last_is_chain => {
                            alts.push(rhs);
                            Item {
                                presence: lhs.presence,
                                node: Node::Any(alts),
                            }
                        }
                        node => Item {
                            presence: if lhs.presence == Presence::Must {
                                Presence::Must
                            } else {
                                Presence::Should
                            },
                            node: Node::Any(vec![
                                alternative(Item {
                                    presence: lhs.presence,
                                    node,
                                }),
                                rhs,
                            ]),
                        },
                    };
                    items.push(merged);
                    last_is_chain = true;
                }
                Some(Tok::And) => {
                    self.at += 1;
                    match items.last_mut() {
                        Some(last) => {
                            if last.presence == Presence::Should {
                                last.presence = Presence::Must;
                            }
                            and_pending = true;
                        }
                        None => self.notices.push(format!(
                            "AND at character {pos} has nothing before it: ignored"
                        )),
                    }
                }
                _ => {
                    if let Some(mut item) = self.unary(scope, depth)? {
                        if and_pending && item.presence == Presence::Should {
                            item.presence = Presence::Must;
                        }
                        items.push(item);
                        last_is_chain = false;
                    }
                    and_pending = false;
                }
            }
        }
        if and_pending {
            self.notices
                .push("AND at the end has nothing after it: ignored".to_string());
        }
        Ok(items)
    }

    fn unary(&mut self, scope: Scope, depth: usize) -> Result<Option<Item>> {
        let pos = self.pos();
        let (sign, word) = match self.peek() {
            Some(Tok::Sign(Presence::Must)) => (Some(Presence::Must), "+"),
            Some(Tok::Sign(p)) => (Some(*p), "-"),
            Some(Tok::Not) => (Some(Presence::MustNot), "NOT"),
            _ => (None, ""),
        };
        if sign.is_some() {
            self.at += 1;
        }
        let Some((node, default)) = self.primary(scope, depth)? else {
            if sign.is_some() {
                self.notices.push(format!(
                    "{word} at character {pos} has nothing after it: ignored"
                ));
            }
            return Ok(None);
        };
        Ok(Some(Item {
            presence: sign.unwrap_or(default),
            node,
        }))
    }

    /// The next primary and its default presence.
    fn primary(&mut self, scope: Scope, depth: usize) -> Result<Option<(Node, Presence)>> {
        let pos = self.pos();
        let Some(tok) = self.peek().cloned() else {
            return Ok(None);
        };
        match tok {
            Tok::Open => {
                self.at += 1;
                if depth >= MAX_DEPTH {
                    self.notices.push(format!(
                        "brackets nested deeper than {MAX_DEPTH} at character {pos}: ignored"
                    ));
                    return Ok(None);
                }
                Ok(self
                    .bracketed(scope, depth, pos)?
                    .map(|n| (n, Presence::Should)))
            }
            Tok::Phrase(text, slop) => {
                self.at += 1;
                if text.trim().is_empty() || !text.chars().any(char::is_alphanumeric) {
                    self.notices
                        .push(format!("empty quotes at character {pos}: ignored"));
                    return Ok(None);
                }
                Ok(Some((
                    Node::Text {
                        scope,
                        text: text.trim().to_string(),
                        phrase: true,
                        slop,
                    },
                    Presence::Must,
                )))
            }
            Tok::Word(w) => {
                self.at += 1;
                if !w.chars().any(char::is_alphanumeric) {
                    return Ok(None);
                }
                Ok(Some((
                    Node::Text {
                        scope,
                        text: w,
                        phrase: false,
                        slop: 0,
                    },
                    Presence::Should,
                )))
            }
            Tok::Field(name, value) => {
                self.at += 1;
                let node = self.field(name, value, depth, pos)?;
                // A field clause is a filter: required unless negated.
                Ok(node.map(|n| (n, Presence::Must)))
            }
            // Operators and closing brackets belong to the caller's loop.
            Tok::Close | Tok::Or | Tok::And | Tok::Not | Tok::Sign(_) => Ok(None),
        }
    }

    fn bracketed(&mut self, scope: Scope, depth: usize, pos: usize) -> Result<Option<Node>> {
        let items = self.group(scope, depth + 1)?;
        if self.peek() == Some(&Tok::Close) {
            self.at += 1;
        } else {
            self.notices.push(format!(
                "unclosed \"(\" at character {pos}: closed at the end"
            ));
        }
        Ok(if items.is_empty() {
            None
        } else {
            Some(Node::Group(items))
        })
    }

    fn field(
        &mut self,
        name: FieldName,
        value: Option<(String, bool, u32)>,
        depth: usize,
        pos: usize,
    ) -> Result<Option<Node>> {
        let scope = match name {
            FieldName::Title => Some(Scope::Title),
            FieldName::Person => Some(Scope::Person),
            FieldName::Source => Some(Scope::Source),
            FieldName::Date | FieldName::Mentions => None,
        };
        let Some((value, quoted, slop)) = value else {
            // `title:( ... )`
            let Some(scope) = scope else {
                return Err(Error::Query(format!(
                    "{}: at character {pos} takes one value, not a group, e.g. {}",
                    field_label(&name),
                    example(&name)
                )));
            };
            if self.peek() == Some(&Tok::Open) {
                self.at += 1;
            }
            if depth >= MAX_DEPTH {
                self.notices.push(format!(
                    "brackets nested deeper than {MAX_DEPTH} at character {pos}: ignored"
                ));
                return Ok(None);
            }
            return self.bracketed(scope, depth, pos);
        };
        if let Some(scope) = scope {
            if !value.chars().any(char::is_alphanumeric) {
                return Err(Error::Query(format!(
                    "{}: at character {pos} needs a word, e.g. {}",
                    field_label(&name),
                    example(&name)
                )));
            }
            return Ok(Some(Node::Text {
                scope,
                phrase: quoted || value.contains(char::is_whitespace),
                text: value,
                slop,
            }));
        }
        let value = value.trim();
        let at = |e: Error| match e {
            Error::Query(m) => Error::Query(format!("{m} at character {pos}")),
            other => other,
        };
        if name == FieldName::Mentions {
            date_bound(value, false).map_err(at)?;
            return Ok(Some(Node::Mentions(value.to_string())));
        }
        let (lo, hi) = match value.split_once("..") {
            Some((a, b)) => (
                if a.is_empty() {
                    0
                } else {
                    date_bound(a, false).map_err(at)?
                },
                if b.is_empty() {
                    99_991_231
                } else {
                    date_bound(b, true).map_err(at)?
                },
            ),
            None => (
                date_bound(value, false).map_err(at)?,
                date_bound(value, true).map_err(at)?,
            ),
        };
        if lo > hi {
            return Err(Error::Query(format!(
                "date:{value} at character {pos}: the range ends before it starts"
            )));
        }
        Ok(Some(Node::Published(lo, hi)))
    }
}

/// An `OR` operand: `+` means nothing inside alternatives.
fn alternative(mut item: Item) -> Item {
    if item.presence == Presence::Must {
        item.presence = Presence::Should;
    }
    item
}

/// Parse query text. Errors only for clauses that cannot mean anything (an
/// empty `person:`, an impossible date); the rest degrades with notices.
pub fn parse(text: &str) -> Result<ParsedQuery> {
    let mut notices = Vec::new();
    let toks = lex(text, &mut notices)?;
    let mut p = Parser {
        toks,
        at: 0,
        notices: &mut notices,
    };
    let items = p.group(Scope::Text, 0)?;
    Ok(ParsedQuery { items, notices })
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
    let num = |s: &str| {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) || s.len() > 4 {
            Err(bad("not a number"))
        } else {
            s.parse::<i64>().map_err(|_| bad("not a number"))
        }
    };
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

// ---------------------------------------------------------------- analysis

/// One analyzed token: position, byte range in the analyzed text, term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Analyzed {
    /// Token position (a joined compound shares its last part's position).
    pub position: usize,
    /// Byte offset where the token starts in the analyzed text.
    pub from: usize,
    /// Byte offset where the token ends.
    pub to: usize,
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
            to: t.offset_to,
            term: t.text.clone(),
        });
    }
    out
}

/// The split parts of analyzed tokens (joined compounds left out).
fn parts(tokens: &[Analyzed]) -> Vec<&Analyzed> {
    tokens
        .iter()
        .enumerate()
        .filter(|(i, t)| *i == 0 || tokens[i - 1].position != t.position)
        .map(|(_, t)| t)
        .collect()
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

// ---------------------------------------------------------------- building

/// What snippets should highlight: free terms, and phrases as sequences.
#[derive(Debug, Clone, Default)]
pub struct Highlight {
    /// Analyzed terms of unquoted words.
    pub terms: Vec<String>,
    /// Analyzed sequences of quoted phrases and compounds (every variant).
    pub phrases: Vec<Vec<String>>,
}

/// One clause of a boolean query.
type Clause = (Occur, Box<dyn Query>);

/// The proximity clauses of a query (see `Builder::proximity`).
pub type Proximity = Vec<Box<dyn Query>>;

/// [`Built::tier`] as its word clauses and its proximity clauses.
pub struct SplitTier {
    /// The tier without the proximity clauses.
    pub words: Box<dyn Query>,
    /// The proximity clauses, in the order the tier's union adds them.
    pub proximity: Proximity,
}

/// A surface form the user typed, for ranking exact forms above variants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Surface {
    /// Folded text ([`fold`]).
    pub text: String,
    /// Quoted phrases and hyphen compounds decide order within a tier;
    /// plain words only nudge the score.
    pub strict: bool,
    /// A single unquoted word without hyphen: a document that has it only
    /// split by a hyphen ("non-aggression" for "nonaggression") ranks below
    /// one that has it as typed.
    pub word: bool,
}

/// A built query with its side products.
pub struct Built {
    /// The tantivy query, for ranking.
    pub query: Box<dyn Query>,
    /// The same matches without ranking-only clauses, for counting.
    pub matching: Box<dyn Query>,
    /// When the query has an all-words tier: only the documents holding
    /// every plain word, scored as `query` scores them minus
    /// [`ALL_WORDS_TIER`]. Those documents rank above every other match, so
    /// when this yields a full page the broad query never needs scoring.
    pub tier: Option<Box<dyn Query>>,
    /// When [`Built::tier`] has proximity clauses: the tier without them
    /// (the same documents ranked by their words alone, which reads no
    /// positions) and the proximity clauses alone. A tier document's
    /// score is the first's plus, where it matches, the second's, summed
    /// as tantivy sums them; ranking the whole tier instead scores the
    /// proximity phrases of every all-words document, most of a broad
    /// two-word query's time (see `SearchEngine::select`).
    pub split_tier: Option<SplitTier>,
    /// The terms of `matching` when it is a plain union of them (the
    /// documents holding any), which can be counted straight from the
    /// postings ([`crate::search::facets::DistinctCount::count_union`]).
    pub union_terms: Option<Vec<Term>>,
    /// Whether `query` is a plain union of terms, which tantivy ranks with
    /// block-max WAND when it only has to find the top documents: then
    /// ranking and counting are cheaper as two passes than as one that
    /// scores every match.
    pub prunable: bool,
    /// What snippets highlight.
    pub highlight: Highlight,
    /// Typed surface forms.
    pub surfaces: Vec<Surface>,
}

/// Builds tantivy queries; `doc_freq` answers how many documents hold a term
/// (used to add joined-compound variants only when the index has them).
pub struct Builder<'a> {
    s: &'a NewsSchema,
    analyzer: TextAnalyzer,
    doc_freq: &'a dyn Fn(&Term) -> u64,
    highlight: Highlight,
    surfaces: Vec<Surface>,
    /// Whether to add the clauses that only rank (tier, proximity, joined).
    ranking: bool,
    /// Top-level clauses of [`Built::tier`], set while building `query`.
    tier: Option<Vec<Clause>>,
    /// The same without the proximity clauses, and those clauses.
    split_tier: Option<(Vec<Clause>, Proximity)>,
    /// Whether filters are required on top of the query's own clauses.
    filtered: bool,
}

fn scope_fields(s: &NewsSchema, scope: Scope) -> Vec<(Field, f32)> {
    match scope {
        Scope::Text => vec![
            (s.title, 2.0),
            (s.body, 1.0),
            (s.people, 1.5),
            (s.source, 1.0),
        ],
        Scope::Title => vec![(s.title, 1.0)],
        Scope::Person => vec![(s.people, 1.0)],
        Scope::Source => vec![(s.source, 1.0)],
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

fn occur(p: Presence) -> Occur {
    match p {
        Presence::Should => Occur::Should,
        Presence::Must => Occur::Must,
        Presence::MustNot => Occur::MustNot,
    }
}

/// Text folded for surface comparison: lowercase, accents removed, runs of
/// anything but letters, digits and hyphens as one space, padded with
/// spaces so `" word "` finds whole words only. Hyphens stay: they are what
/// tells "non-aggression" from "nonaggression" and "non aggression".
pub fn fold(text: &str) -> String {
    let mut f = Folder::new(String::with_capacity(text.len() + 2));
    f.push(text);
    f.finish()
}

/// What [`Folder`] makes of each ASCII byte: letters and digits lowercased,
/// the hyphen kept, anything else a space (runs of them collapse into one).
const ASCII_FOLD: [u8; 128] = {
    let mut t = [b' '; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() || c == b'-' {
            t[b] = c.to_ascii_lowercase();
        }
        b += 1;
    }
    t
};

/// [`fold`] fed in pieces: pushing `a` then `b` folds as `a + b` would,
/// into a buffer the caller may reuse, so ranking folds a headline and
/// body without first joining them into a new string.
pub struct Folder {
    /// Folded bytes: whole characters only, so always UTF-8.
    out: Vec<u8>,
    /// Whether the output ends in a space (runs collapse into one).
    space: bool,
}

impl Folder {
    /// Start folding into `out` (cleared first).
    pub fn new(out: String) -> Folder {
        let mut out = out.into_bytes();
        out.clear();
        out.push(b' ');
        Folder { out, space: true }
    }

    /// Fold `text` onto what is there.
    pub fn push(&mut self, text: &str) {
        // This runs over every fetched hit's headline and body on every
        // search. ASCII goes byte by byte through a table and without a
        // branch on the byte's kind: every byte is written and a separator
        // after a separator is then overwritten (decoding chars and
        // branching on letter or space was about 4 ns a byte, mostly
        // mispredicted word ends). Other characters are decoded.
        let bytes = text.as_bytes();
        let out = &mut self.out;
        let mut space = self.space;
        let mut pos = out.len();
        // Room for every byte of `text`; the unused tail is cut at the end.
        out.resize(pos + bytes.len(), 0);
        let mut scratch: Vec<u8> = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b.is_ascii() {
                let folded = ASCII_FOLD[usize::from(b)];
                let sep = folded == b' ';
                out[pos] = folded;
                pos += usize::from(!(sep & space));
                space = sep;
                i += 1;
                continue;
            }
            let Some(c) = text.get(i..).and_then(|rest| rest.chars().next()) else {
                break;
            };
            i += c.len_utf8();
            // Folded into `scratch` first: lowercasing may lengthen a
            // character beyond the room its own bytes left, and then only
            // the shortfall is added (everything past `pos` is room;
            // cutting and regrowing it for each character made a page of
            // Greek quadratic).
            fold_char(c, &mut space, &mut scratch);
            let needed = pos + scratch.len() + (bytes.len() - i);
            if out.len() < needed {
                out.resize(needed, 0);
            }
            if let Some(room) = out.get_mut(pos..pos + scratch.len()) {
                room.copy_from_slice(&scratch);
            }
            pos += scratch.len();
        }
        out.truncate(pos);
        self.space = space;
    }

    /// The folded text, padded with a closing space.
    pub fn finish(mut self) -> String {
        if !self.space {
            self.out.push(b' ');
        }
        // Only whole characters went in, so this is UTF-8; the lossy
        // fallback keeps the function total all the same.
        String::from_utf8(self.out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }
}

/// One non-ASCII character folded as [`Folder`] folds, onto `out`: its
/// decomposition without combining marks, letters and digits lowercased,
/// Unicode hyphens as `-`, anything else a space unless one precedes.
/// Out of line: it is rare, and inlined it slowed the ASCII loop.
#[inline(never)]
fn fold_char(c: char, space: &mut bool, out: &mut Vec<u8>) {
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::is_combining_mark;
    out.clear();
    let mut utf8 = [0u8; 4];
    for d in std::iter::once(c).nfd().filter(|d| !is_combining_mark(*d)) {
        if d.is_alphanumeric() {
            for l in d.to_lowercase() {
                out.extend_from_slice(l.encode_utf8(&mut utf8).as_bytes());
            }
            *space = false;
        } else if matches!(d, '\u{2010}' | '\u{2011}') {
            out.push(b'-');
            *space = false;
        } else if !*space {
            out.push(b' ');
            *space = true;
        }
    }
}

impl<'a> Builder<'a> {
    /// A builder over `s`; `doc_freq` counts documents holding a term.
    pub fn new(s: &'a NewsSchema, doc_freq: &'a dyn Fn(&Term) -> u64) -> Builder<'a> {
        Builder {
            s,
            analyzer: text_analyzer(),
            doc_freq,
            highlight: Highlight::default(),
            surfaces: Vec::new(),
            ranking: true,
            tier: None,
            split_tier: None,
            filtered: false,
        }
    }

    /// Build the query for `parsed`, with `filters` required on top.
    pub fn build(mut self, parsed: &ParsedQuery, filters: Vec<Box<dyn Query>>) -> Built {
        let finish = |mut clauses: Vec<(Occur, Box<dyn Query>)>| -> Box<dyn Query> {
            for f in &filters {
                clauses.push((Occur::Must, f.box_clone()));
            }
            if !clauses.iter().any(|(o, _)| *o != Occur::MustNot) {
                clauses.push((Occur::Must, Box::new(AllQuery)));
            }
            // One optional clause alone is that clause: unwrapping it lets
            // tantivy see a one-word query as the plain union of its field
            // terms, which it ranks with block-max WAND (skipping blocks
            // that cannot reach the top) instead of scoring every match.
            if let [(Occur::Should, only)] = clauses.as_slice()
                && let Some(inner) = only.downcast_ref::<BooleanQuery>()
            {
                return Box::new(inner.clone());
            }
            Box::new(BooleanQuery::new(clauses))
        };
        self.filtered = !filters.is_empty();
        // Counting and facets need only which documents match: without
        // the tier, proximity and joined-only clauses (optional, each a
        // subset of the words) a count does not read positions.
        self.ranking = false;
        let matching = for_counting(finish(self.items(&parsed.items, true)));
        self.highlight = Highlight::default();
        self.surfaces.clear();
        self.ranking = true;
        let query = finish(self.items(&parsed.items, true));
        let tier = self.tier.take().map(finish);
        let split_tier = self.split_tier.take().map(|(words, proximity)| SplitTier {
            words: finish(words),
            proximity,
        });
        Built {
            prunable: term_union(&*query),
            union_terms: union_terms(&*matching),
            query,
            matching,
            tier,
            split_tier,
            highlight: self.highlight,
            surfaces: self.surfaces,
        }
    }

    fn in_index(&self, term: &str) -> bool {
        [self.s.title, self.s.body]
            .iter()
            .any(|&f| (self.doc_freq)(&Term::from_field_text(f, term)) > 0)
    }

    /// The single analyzed term of `a` and `b` written together, when the
    /// index has it ("non" + "aggression" -> "nonaggress").
    fn joined(&mut self, a: &str, b: &str) -> Option<String> {
        let joined = format!("{a}{b}");
        let toks = analyze(&mut self.analyzer, &joined);
        match toks.as_slice() {
            [t] if self.in_index(&t.term) => Some(t.term.clone()),
            _ => None,
        }
    }

    fn items(&mut self, items: &[Item], top: bool) -> Vec<(Occur, Box<dyn Query>)> {
        // Adjacent plain words whose joined form is indexed ("non aggression"
        // -> "nonaggression"): each word also accepts the joined term, so an
        // article that wrote the compound counts as holding both words.
        let mut alts: HashMap<usize, Vec<String>> = HashMap::new();
        let mut pairs: Vec<(usize, (String, String))> = Vec::new();
        for i in 1..items.len() {
            if let (Some((sa, a)), Some((sb, b))) =
                (plain_word(&items[i - 1]), plain_word(&items[i]))
                && sa == sb
                && !a.contains('-')
                && !b.contains('-')
                && let Some(j) = self.joined(a, b)
            {
                alts.entry(i - 1).or_default().push(j.clone());
                alts.entry(i).or_default().push(j);
                pairs.push((i - 1, (a.to_string(), b.to_string())));
                self.surfaces.push(Surface {
                    text: fold(&format!("{a} {b}")),
                    strict: false,
                    word: false,
                });
            }
        }
        let mut out: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut coord: Vec<Box<dyn Query>> = Vec::new();
        // For each word in `coord`: its place in `out`, and whether the
        // clause there is the same query (no joined alternative).
        let mut coord_at: Vec<(usize, bool)> = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let highlight = item.presence != Presence::MustNot;
            let extra = alts.get(&i).cloned().unwrap_or_default();
            let Some(q) = self.node(&item.node, &extra, highlight) else {
                continue;
            };
            let should = item.presence == Presence::Should;
            if should && !matches!(item.node, Node::Published(..) | Node::Mentions(_)) {
                coord.push(q.box_clone());
                coord_at.push((out.len(), extra.is_empty()));
            }
            // An optional word scores without the joined alternative: the
            // joined term is scored once below, not once per word it joins.
            let q = if should && !extra.is_empty() {
                self.node(&item.node, &[], false).unwrap_or(q)
            } else {
                q
            };
            out.push((occur(item.presence), q));
        }
        // A document that wrote the joined form ("nonaggression") scores
        // for it as for the two words, but only where the split form is
        // absent: "non-aggression" already scores through its parts.
        for (i, (a, b)) in pairs.into_iter().filter(|_| self.ranking) {
            if items[i].presence != Presence::Should || items[i + 1].presence != Presence::Should {
                continue;
            }
            let Some((scope, _)) = plain_word(&items[i]) else {
                continue;
            };
            let Some(term) = alts.get(&i).and_then(|v| v.last()).cloned() else {
                continue;
            };
            let split: Vec<String> = [a, b]
                .iter()
                .filter_map(|w| {
                    analyze(&mut self.analyzer, w)
                        .first()
                        .map(|t| t.term.clone())
                })
                .collect();
            if split.len() != 2 {
                continue;
            }
            let shoulds: Vec<(Occur, Box<dyn Query>)> = scope_fields(self.s, scope)
                .into_iter()
                .map(|(field, boost)| {
                    let only_joined = BooleanQuery::new(vec![
                        (
                            Occur::Must,
                            sequence_query(field, std::slice::from_ref(&term), 0),
                        ),
                        (Occur::MustNot, sequence_query(field, &split, 0)),
                    ]);
                    (
                        Occur::Should,
                        Box::new(BoostQuery::new(Box::new(only_joined), boost * 1.6))
                            as Box<dyn Query>,
                    )
                })
                .collect();
            out.push((Occur::Should, Box::new(BooleanQuery::new(shoulds))));
        }
        let prox_clauses = if top && self.ranking {
            self.proximity(items)
        } else {
            None
        };
        let prox = prox_clauses.as_ref().map(|clauses| -> Box<dyn Query> {
            Box::new(BooleanQuery::new(
                clauses
                    .iter()
                    .map(|q| (Occur::Should, q.box_clone()))
                    .collect(),
            ))
        });
        if top && self.ranking && coord.len() >= 2 {
            // The tier alone: every word required. A word clause that is
            // also its coord query becomes Must and scores as before; one
            // with a joined alternative keeps scoring as Should, and its
            // coord query (which accepts the joined form) is required at
            // no score, so the matches are exactly the tier's.
            let mut tier: Vec<(Occur, Box<dyn Query>)> =
                out.iter().map(|(o, q)| (*o, q.box_clone())).collect();
            for (&(at, same), q) in coord_at.iter().zip(&coord) {
                if same {
                    tier[at].0 = Occur::Must;
                } else {
                    tier.push((
                        Occur::Must,
                        Box::new(ConstScoreQuery::new(q.box_clone(), 0.0)),
                    ));
                }
            }
            if let (Some(q), Some(clauses)) = (&prox, prox_clauses) {
                let words = tier.iter().map(|(o, q)| (*o, q.box_clone())).collect();
                self.split_tier = Some((words, clauses));
                tier.push((Occur::Should, q.box_clone()));
            }
            self.tier = Some(tier);
        }
        // Plain words next to filters only (fields, dates, `--person`...)
        // still have to match at least once: `pact source:x` means pact
        // articles from x, not every article from x. Next to a required
        // word or phrase they are optional and only rank.
        let required_text = items.iter().any(|i| {
            i.presence == Presence::Must
                && match &i.node {
                    Node::Text { scope, .. } => *scope == Scope::Text,
                    Node::Group(_) | Node::Any(_) => true,
                    Node::Published(..) | Node::Mentions(_) => false,
                }
        });
        // Without any required clause (no filter, field or date next to
        // the words) the optional clauses already have to match at least
        // once, and every one of them is a word or ranks only a subset of
        // the words' matches: then the requirement would be a no-op that
        // still costs a scorer per document.
        let all_optional = !(top && self.filtered)
            && items.iter().all(|i| match i.presence {
                Presence::MustNot => true,
                Presence::Must => false,
                Presence::Should => !matches!(i.node, Node::Published(..) | Node::Mentions(_)),
            });
        if !coord.is_empty() && !required_text && !all_optional {
            // Scored as a constant, so its words can be one flat union.
            let mut any = Vec::new();
            for q in &coord {
                push_union(&mut any, &**q);
            }
            let any = BooleanQuery::new(any);
            out.push((
                Occur::Must,
                Box::new(ConstScoreQuery::new(Box::new(any), 0.0)),
            ));
        }
        if coord.len() >= 2 && self.ranking {
            let all = BooleanQuery::new(coord.into_iter().map(|q| (Occur::Must, q)).collect());
            let bonus: Box<dyn Query> = if top {
                Box::new(ConstScoreQuery::new(Box::new(all), ALL_WORDS_TIER))
            } else {
                // Inside brackets a tier would swamp the outer ranking; a
                // plain boost keeps "more words first" as a tendency.
                Box::new(BoostQuery::new(Box::new(all), 0.5))
            };
            out.push((Occur::Should, bonus));
        }
        if let Some(q) = prox {
            out.push((Occur::Should, q));
        }
        out
    }

    /// The plain words of `items`, in order, as one sloppy phrase over title
    /// and body: articles where they sit close together rank higher. The
    /// clauses are optional; the caller makes them one union.
    fn proximity(&mut self, items: &[Item]) -> Option<Proximity> {
        let mut seq: Vec<String> = Vec::new();
        for item in items {
            if item.presence == Presence::MustNot {
                continue;
            }
            if let Some((Scope::Text, w)) = plain_word(item) {
                let toks = analyze(&mut self.analyzer, w);
                seq.extend(parts(&toks).into_iter().map(|t| t.term.clone()));
            }
        }
        if seq.len() < 2 || seq.len() > 12 {
            return None;
        }
        let mut shoulds: Proximity = vec![
            Box::new(BoostQuery::new(
                sequence_query(self.s.title, &seq, PROXIMITY_SLOP),
                2.0,
            )),
            sequence_query(self.s.body, &seq, PROXIMITY_SLOP),
        ];
        // Adjacent pairs too: a long query rarely sits together whole, but
        // two of its words often do ("Kelly Holmes", "hunting ban").
        if seq.len() > 2 {
            for pair in seq.windows(2) {
                shoulds.push(Box::new(BoostQuery::new(
                    sequence_query(self.s.body, pair, 1),
                    0.5,
                )));
            }
        }
        Some(shoulds)
    }

    fn node(&mut self, node: &Node, extra: &[String], highlight: bool) -> Option<Box<dyn Query>> {
        match node {
            Node::Published(lo, hi) => Some(published_range(self.s, *lo, *hi)),
            Node::Mentions(d) => Some(Box::new(TermQuery::new(
                Term::from_field_text(self.s.mentions, d),
                IndexRecordOption::Basic,
            ))),
            Node::Group(items) => {
                let mut clauses = self.items(items, false);
                if clauses.is_empty() {
                    return None;
                }
                if !clauses.iter().any(|(o, _)| *o != Occur::MustNot) {
                    clauses.push((Occur::Must, Box::new(AllQuery)));
                }
                Some(Box::new(BooleanQuery::new(clauses)))
            }
            Node::Any(alts) => {
                let mut shoulds: Vec<(Occur, Box<dyn Query>)> = Vec::new();
                for alt in alts {
                    let q = if alt.presence == Presence::MustNot {
                        // `a OR -b`: "not b" as an alternative of its own.
                        let inner = self.node(&alt.node, &[], false)?;
                        Box::new(BooleanQuery::new(vec![
                            (Occur::Must, Box::new(AllQuery) as Box<dyn Query>),
                            (Occur::MustNot, inner),
                        ])) as Box<dyn Query>
                    } else {
                        self.node(&alt.node, &[], highlight)?
                    };
                    shoulds.push((Occur::Should, q));
                }
                Some(Box::new(BooleanQuery::new(shoulds)))
            }
            Node::Text {
                scope,
                text,
                phrase,
                slop,
            } => self.text(*scope, text, *phrase, *slop, extra, highlight),
        }
    }

    fn text(
        &mut self,
        scope: Scope,
        text: &str,
        phrase: bool,
        slop: u32,
        extra: &[String],
        highlight: bool,
    ) -> Option<Box<dyn Query>> {
        let tokens = analyze(&mut self.analyzer, text);
        if tokens.is_empty() {
            return None;
        }
        // (sequence, boost): the typed form first and highest.
        let mut variants: Vec<(Vec<String>, f32)> = phrase_variants(&tokens)
            .into_iter()
            .map(|v| (v, 1.0))
            .collect();
        let part_toks = parts(&tokens);
        if part_toks.len() > 1 && part_toks.len() <= 8 {
            // "non aggression pact" typed with a space also finds
            // "nonaggression pact", when the index knows "nonaggression".
            for k in 0..part_toks.len() - 1 {
                let (a, b) = (part_toks[k], part_toks[k + 1]);
                // Only words separated by whitespace: a hyphenated pair's
                // joined form is already a variant.
                if !text[a.to..b.from].chars().all(char::is_whitespace) {
                    continue;
                }
                if let Some(j) = self.joined(&text[a.from..a.to], &text[b.from..b.to]) {
                    let mut seq: Vec<String> =
                        part_toks[..k].iter().map(|t| t.term.clone()).collect();
                    seq.push(j);
                    seq.extend(part_toks[k + 2..].iter().map(|t| t.term.clone()));
                    variants.push((seq, 0.8));
                }
            }
        }
        for e in extra {
            variants.push((vec![e.clone()], 0.8));
        }
        if highlight && matches!(scope, Scope::Text | Scope::Title) {
            if phrase || variants.iter().any(|(v, _)| v.len() > 1) {
                for (v, _) in &variants {
                    if v.len() > 1 {
                        self.highlight.phrases.push(v.clone());
                    } else {
                        self.highlight.terms.push(v[0].clone());
                    }
                }
            } else {
                self.highlight
                    .terms
                    .extend(variants.iter().map(|(v, _)| v[0].clone()));
            }
            let hyphen = text.contains(['-', '\u{2010}', '\u{2011}']);
            self.surfaces.push(Surface {
                text: fold(text),
                strict: phrase || hyphen,
                word: !phrase && !hyphen && part_toks.len() == 1,
            });
        }
        let mut shoulds: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (field, boost) in scope_fields(self.s, scope) {
            for (seq, vboost) in &variants {
                let q = sequence_query(field, seq, slop);
                shoulds.push((Occur::Should, Box::new(BoostQuery::new(q, boost * vboost))));
            }
        }
        Some(Box::new(BooleanQuery::new(shoulds)))
    }
}

/// `q` as optional clauses of a union: a query that is itself a union
/// (optional clauses only) contributes its clauses, recursively. Only for
/// queries whose scores do not matter: a nested union sums its own scores
/// before its parent does, and the flat one adds in another order.
fn push_union(out: &mut Vec<Clause>, q: &dyn Query) {
    match q.downcast_ref::<BooleanQuery>() {
        Some(b) if b.clauses().iter().all(|(o, _)| *o == Occur::Should) => {
            for (_, c) in b.clauses() {
                push_union(out, &**c);
            }
        }
        _ => out.push((Occur::Should, q.box_clone())),
    }
}

/// The same matches as `q`, shaped for an unscored count. Next to a
/// required clause the optional ones only rank, so they go (tantivy would
/// still open their postings in every segment); without one, the words'
/// nested unions become one flat union of terms, which tantivy walks as a
/// single merge of postings instead of a union of unions.
fn for_counting(q: Box<dyn Query>) -> Box<dyn Query> {
    let Some(b) = q.downcast_ref::<BooleanQuery>() else {
        return q;
    };
    let required = b.clauses().iter().any(|(o, _)| *o == Occur::Must);
    let mut clauses = Vec::new();
    for (occur, c) in b.clauses() {
        match occur {
            Occur::Should if required => {}
            Occur::Should => push_union(&mut clauses, &**c),
            _ => clauses.push((*occur, c.box_clone())),
        }
    }
    Box::new(BooleanQuery::new(clauses))
}

/// Whether `q` is optional terms only (each maybe boosted), the shape
/// tantivy's block-max WAND ranks; no phrase, since a phrase reads positions.
fn term_union(q: &dyn Query) -> bool {
    let Some(b) = q.downcast_ref::<BooleanQuery>() else {
        return false;
    };
    let mut positions = false;
    q.query_terms(&mut |_, needs| positions |= needs);
    !positions
        && b.clauses().iter().all(|(occur, c)| {
            *occur == Occur::Should && (c.is::<TermQuery>() || c.is::<BoostQuery>())
        })
}

/// The terms of `q` when it matches exactly the documents holding any of
/// them: one term query, or optional term queries only (each maybe
/// boosted). A boost is looked through only when it wraps a single term
/// without positions, so a boosted phrase or group is no union of terms.
fn union_terms(q: &dyn Query) -> Option<Vec<Term>> {
    let single = |c: &dyn Query| -> Option<Term> {
        if let Some(t) = c.downcast_ref::<TermQuery>() {
            return Some(t.term().clone());
        }
        c.downcast_ref::<BoostQuery>()?;
        let mut terms = Vec::new();
        let mut positions = false;
        c.query_terms(&mut |t, needs| {
            terms.push(t.clone());
            positions |= needs;
        });
        match terms.as_slice() {
            [t] if !positions => Some(t.clone()),
            _ => None,
        }
    };
    if let Some(b) = q.downcast_ref::<BooleanQuery>() {
        if b.clauses().is_empty() || b.get_minimum_number_should_match() > 1 {
            return None;
        }
        return b
            .clauses()
            .iter()
            .map(|(occur, c)| (*occur == Occur::Should).then(|| single(&**c)).flatten())
            .collect();
    }
    single(q).map(|t| vec![t])
}

/// `(scope, text)` of an unquoted single word item that is not excluded.
fn plain_word(item: &Item) -> Option<(Scope, &str)> {
    match &item.node {
        Node::Text {
            scope,
            text,
            phrase: false,
            ..
        } if item.presence != Presence::MustNot => Some((*scope, text.as_str())),
        _ => None,
    }
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
    let no_df = |_: &Term| 0u64;
    let mut b = Builder::new(s, &no_df);
    let scope = if field_is_person {
        Scope::Person
    } else {
        Scope::Source
    };
    b.text(scope, name, true, 0, &[], false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat(q: &str) -> Vec<(Presence, String, bool)> {
        parse(q)
            .expect("parses")
            .items
            .into_iter()
            .filter_map(|i| match i.node {
                Node::Text { text, phrase, .. } => Some((i.presence, text, phrase)),
                _ => None,
            })
            .collect()
    }

    fn word(p: Presence, w: &str) -> Item {
        Item {
            presence: p,
            node: Node::Text {
                scope: Scope::Text,
                text: w.into(),
                phrase: false,
                slop: 0,
            },
        }
    }

    #[test]
    fn words_phrases_and_signs() {
        assert_eq!(
            flat(r#"cyber +pact -trade "non-aggression pact"~2"#),
            vec![
                (Presence::Should, "cyber".into(), false),
                (Presence::Must, "pact".into(), false),
                (Presence::MustNot, "trade".into(), false),
                (Presence::Must, "non-aggression pact".into(), true),
            ]
        );
        let p = parse(r#""a b"~3"#).expect("parses");
        assert!(matches!(p.items[0].node, Node::Text { slop: 3, .. }));
    }

    #[test]
    fn or_groups_and_brackets() {
        let p = parse("sanctions (putin OR medvedev) -trade").expect("parses");
        assert_eq!(p.items.len(), 3);
        let Node::Group(g) = &p.items[1].node else {
            panic!("expected a group: {:?}", p.items[1]);
        };
        assert_eq!(
            g[0].node,
            Node::Any(vec![
                word(Presence::Should, "putin"),
                word(Presence::Should, "medvedev")
            ])
        );
        let p = parse("a OR b OR c d").expect("parses");
        assert_eq!(p.items.len(), 2);
        assert!(matches!(&p.items[0].node, Node::Any(v) if v.len() == 3));
    }

    #[test]
    fn and_not_and_field_groups() {
        let t = flat("putin AND biden");
        assert_eq!(t[0].0, Presence::Must);
        assert_eq!(t[1].0, Presence::Must);
        assert_eq!(flat("pact NOT trade")[1].0, Presence::MustNot);
        let p = parse(r#"title:(cyber OR pact) title:"a b""#).expect("parses");
        assert_eq!(p.items[0].presence, Presence::Must);
        assert!(matches!(
            &p.items[1].node,
            Node::Text {
                scope: Scope::Title,
                phrase: true,
                ..
            }
        ));
    }

    #[test]
    fn unclosed_quote_and_bracket_degrade_with_notice() {
        let p = parse(r#"putin "cyber pact"#).expect("degrades");
        assert_eq!(p.items.len(), 3);
        assert!(p.notices[0].contains("unclosed quote at character 7"));
        let p = parse("(putin OR biden").expect("degrades");
        assert!(p.notices[0].contains("unclosed \"(\""));
        let p = parse("putin)").expect("degrades");
        assert!(p.notices[0].contains("unmatched"));
    }

    #[test]
    fn fields_and_errors() {
        let p = parse("person:putin date:2020-09 mentions:2016").expect("parses");
        assert!(matches!(
            p.items[0].node,
            Node::Text {
                scope: Scope::Person,
                ..
            }
        ));
        assert_eq!(p.items[1].node, Node::Published(20200901, 20200931));
        assert_eq!(p.items[2].node, Node::Mentions("2016".into()));
        let e = parse("cyber person:").unwrap_err().to_string();
        assert!(e.contains("person:") && e.contains("character 7"), "{e}");
        let e = parse("date:2020-13").unwrap_err().to_string();
        assert!(e.contains("month") && e.contains("character 1"), "{e}");
        assert!(parse("date:2020-01..2020-06").is_ok());
        assert!(parse("date:2021..2020").is_err());
        assert!(parse("date:2020-1x").is_err());
        // Unknown prefixes are words, e.g. a time.
        assert_eq!(flat("10:30")[0].1, "10:30");
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
    fn spaced_phrase_gets_joined_variant_when_indexed() {
        let s = NewsSchema::new();
        let df = |t: &Term| u64::from(t.value().as_str() == Some("nonaggress"));
        let p = parse(r#""non aggression pact""#).expect("parses");
        let built = Builder::new(&s, &df).build(&p, Vec::new());
        assert!(
            built
                .highlight
                .phrases
                .contains(&vec!["nonaggress".to_string(), "pact".to_string()])
        );
        let none = |_: &Term| 0u64;
        let built = Builder::new(&s, &none).build(&p, Vec::new());
        assert_eq!(built.highlight.phrases.len(), 1);
    }

    /// Only a plain union of terms is ranked on its own (block-max WAND):
    /// one word is, anything that reads positions or requires a clause is
    /// not. Whether it is, is only a matter of speed; the CLI tests check
    /// that the answers are the same.
    #[test]
    fn only_plain_term_unions_are_prunable() {
        let s = NewsSchema::new();
        let none = |_: &Term| 0u64;
        let prunable = |q: &str, filtered: bool| {
            let filters: Vec<Box<dyn Query>> = if filtered {
                vec![published_range(&s, 20200101, 20201231)]
            } else {
                Vec::new()
            };
            Builder::new(&s, &none)
                .build(&parse(q).expect("parses"), filters)
                .prunable
        };
        assert!(prunable("oil", false));
        assert!(prunable("Oil", false));
        assert!(!prunable("oil", true), "a filter is a required clause");
        assert!(!prunable("oil prices", false), "two words rank by tier");
        assert!(
            !prunable("\"oil prices\"", false),
            "a phrase reads positions"
        );
        assert!(!prunable("non-aggression", false), "a compound is a phrase");
        assert!(!prunable("oil -gas", false));
        assert!(!prunable("oil date:2020", false));
        assert!(!prunable("title:oil source:reuters", false));
    }

    /// The count's query: optional words become one flat union of field
    /// terms; next to a required clause the optional ones are dropped.
    #[test]
    fn counting_query_is_flat_or_required_only() {
        let s = NewsSchema::new();
        let none = |_: &Term| 0u64;
        let matching = |q: &str| {
            Builder::new(&s, &none)
                .build(&parse(q).expect("parses"), Vec::new())
                .matching
        };
        let flat = matching("oil prices");
        let b = flat
            .downcast_ref::<BooleanQuery>()
            .expect("a boolean query");
        assert!(b.clauses().len() >= 4, "both words' field terms");
        assert!(
            b.clauses()
                .iter()
                .all(|(o, c)| *o == Occur::Should && (c.is::<TermQuery>() || c.is::<BoostQuery>()))
        );
        let required = matching("oil +gas");
        let b = required
            .downcast_ref::<BooleanQuery>()
            .expect("a boolean query");
        assert!(b.clauses().iter().all(|(o, _)| *o == Occur::Must));
    }

    /// `fold` as first written (one whole text, one character path),
    /// which folding in pieces must match.
    fn fold_reference(text: &str) -> String {
        use unicode_normalization::UnicodeNormalization;
        use unicode_normalization::char::is_combining_mark;
        let mut out = String::from(" ");
        let mut space = true;
        for c in text.chars() {
            for d in std::iter::once(c).nfd().filter(|d| !is_combining_mark(*d)) {
                if d.is_alphanumeric() {
                    out.extend(d.to_lowercase());
                    space = false;
                } else if matches!(d, '-' | '\u{2010}' | '\u{2011}') {
                    out.push('-');
                    space = false;
                } else if !space {
                    out.push(' ');
                    space = true;
                }
            }
        }
        if !space {
            out.push(' ');
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn fold_is_unchanged_on_any_text(a in "(?s).{0,80}", b in "[ -~é‐Ü]{0,80}") {
            proptest::prop_assert_eq!(fold(&a), fold_reference(&a));
            proptest::prop_assert_eq!(fold(&b), fold_reference(&b));
            let mut f = Folder::new(String::from("left over"));
            f.push(&a);
            f.push(" \n ");
            f.push(&b);
            proptest::prop_assert_eq!(f.finish(), fold_reference(&format!("{a} \n {b}")));
        }
    }

    #[test]
    fn fold_keeps_hyphens_and_drops_accents() {
        assert_eq!(
            fold("Müller's  Non-Aggression!"),
            " muller s non-aggression "
        );
        assert_eq!(fold("Mélenchon"), " melenchon ");
    }

    #[test]
    fn never_panics_on_odd_input() {
        for q in [
            "", "\"", "+", "-", "~", "\"\"~", "a:b:c", "(((", "date:..", "é\"ü", "OR", "AND AND",
            "NOT", "()", ")(", "title:(", "title:\"", "\"a\"~", "-(", "+-a", "a OR", "OR OR a",
        ] {
            if let Ok(p) = parse(q) {
                let s = NewsSchema::new();
                let df = |_: &Term| 1u64;
                let _ = Builder::new(&s, &df).build(&p, Vec::new());
            }
        }
        let deep = "(".repeat(5000) + "a" + &")".repeat(5000);
        assert!(parse(&deep).is_ok());
    }

    proptest::proptest! {
        #[test]
        fn parse_and_build_never_panic(q in "\\PC{0,60}") {
            if let Ok(p) = parse(&q) {
                let s = NewsSchema::new();
                let df = |_: &Term| 1u64;
                let _ = Builder::new(&s, &df).build(&p, Vec::new());
            }
        }

        #[test]
        fn parse_and_build_never_panic_on_query_alphabet(
            q in "[a-c \"()+~:\\-0-9]{0,40}|(title|person|date|mentions|OR|AND|NOT|[a-z\"()~+-]| ){0,12}"
        ) {
            if let Ok(p) = parse(&q) {
                let s = NewsSchema::new();
                let df = |_: &Term| 1u64;
                let _ = Builder::new(&s, &df).build(&p, Vec::new());
            }
        }
    }
}
