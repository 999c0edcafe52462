//! Stage: extract dates. Text in, dates out:
//!
//! - [`parse_published`]: a publication date from a metadata string (ISO,
//!   RFC 2822, "25 September 2020", Reuters SGML `26-FEB-1987 15:01:01.79`);
//! - [`from_dateline`] / [`dateline_month_day`]: the date in a wire-style
//!   dateline at the top of the body (`LONDON 1996-08-30`, `MOSCOW, Aug. 23 -`);
//! - [`from_file_name`]: a date embedded in a file name (`2020-09-25-pact.txt`);
//! - [`mentioned`] / [`mentions`]: every date the text mentions, normalized to
//!   ISO 8601 at the precision known (`"2020-09-09"`, `"2020-08"`, `"2016"`).
//!
//! Pure and total: no I/O, no panics on any input, only char-boundary slicing.
//! What it deliberately does not do: guess a year it has no evidence for
//! (day-month and weekday mentions need `published`), read decades ("1990s"),
//! relative spans ("three years ago", "six weeks ahead"), numeric day/month
//! orders in prose ("9/9/2020"), or tell past from future tense ("on Friday"
//! always means the Friday on or before publication).

use std::ops::Range;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};
use chrono::{Datelike, Days, NaiveDate, Weekday};
use regex::Regex;

use crate::clean::rules::TextRegex;

/// Month names as written in English news, longest spelling first so that
/// "Sept." is not read as "Sep" plus junk. Used inside `(...)` groups.
const MONTH: &str = "January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec";

/// Bare month names (no day, no year) count only in full spelling: "Jan",
/// "Mar" alone are too often names or words.
const MONTH_FULL: &str =
    "January|February|March|April|May|June|July|August|September|October|November|December";

/// Years of fully specified dates we accept. Wider than bare years because
/// "4 July 1776" is unambiguous; the bound keeps ids and amounts out.
const FULL_YEARS: std::ops::RangeInclusive<i32> = 1000..=2999;

/// Bare years need this range *and* context (see [`year_in_context`]).
const BARE_YEARS: std::ops::RangeInclusive<i32> = 1900..=2099;

/// A day-month mention without a year is put in the publication year unless
/// that lands it more than this many days after publication ("9 September" in
/// a January article is last September).
const FUTURE_SLACK_DAYS: u64 = 183;

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("static pattern is valid")
}

/// The month number of an English month name or abbreviation, any case,
/// with or without a trailing period.
pub fn month_number(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.').to_ascii_lowercase();
    Some(match w.as_str() {
        "january" | "jan" => 1,
        "february" | "feb" => 2,
        "march" | "mar" => 3,
        "april" | "apr" => 4,
        "may" => 5,
        "june" | "jun" => 6,
        "july" | "jul" => 7,
        "august" | "aug" => 8,
        "september" | "sept" | "sep" => 9,
        "october" | "oct" => 10,
        "november" | "nov" => 11,
        "december" | "dec" => 12,
        _ => return None,
    })
}

/// A calendar date from numbers found in text, `None` when it does not exist
/// (Feb 30) or the year is out of range. `i64` so huge inputs cannot overflow.
fn ymd(year: i64, month: i64, day: i64) -> Option<NaiveDate> {
    let year = i32::try_from(year)
        .ok()
        .filter(|y| FULL_YEARS.contains(y))?;
    NaiveDate::from_ymd_opt(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
}

/// Parse a capture group of ASCII digits; `None` for anything else.
fn num(s: Option<regex::Match<'_>>) -> Option<i64> {
    s?.as_str().parse().ok()
}

// ---------------------------------------------------------------------------
// parse_published
// ---------------------------------------------------------------------------

static PUB_ISO: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?:^|[^0-9])([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})(?:$|[^0-9])"));
static PUB_COMPACT: LazyLock<Regex> =
    LazyLock::new(|| re(r"^([0-9]{4})([0-9]{2})([0-9]{2})(?:$|[^0-9])"));
static PUB_DMY: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)\b([0-9]{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?[\s\-/.]*({MONTH})\b\.?,?[\s\-/.]*([0-9]{{4}})\b"
    ))
});
static PUB_MDY: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)\b({MONTH})\b\.?\s*([0-9]{{1,2}})(?:st|nd|rd|th)?,?\s+([0-9]{{4}})\b"
    ))
});
static PUB_NUMERIC: LazyLock<Regex> =
    LazyLock::new(|| re(r"^([0-9]{1,2})[/.]([0-9]{1,2})[/.]([0-9]{4})(?:$|[^0-9])"));

/// Parse a publication date/timestamp as found in metadata: ISO dates and
/// timestamps (`2020-09-25`, `2020-09-25T10:00:00+01:00`, `2020/09/25`,
/// `20200925`), RFC 2822 (`Fri, 25 Sep 2020 10:00:00 GMT`), `25 September
/// 2020`, `September 25, 2020`, `Sept. 25, 2020` and the Reuters SGML form
/// `26-FEB-1987 15:01:01.79`. Surrounding quotes, brackets and a label such as
/// "Published:" are ignored.
///
/// A timestamp yields the calendar date as written, not converted to UTC:
/// the date the publication printed is the one readers search for.
/// Numeric `dd/mm/yyyy` is read only when unambiguous (one part above 12).
pub fn parse_published(raw: &str) -> Option<NaiveDate> {
    let s = raw.trim_matches(|c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '"' | '\'' | '[' | ']' | '(' | ')' | '<' | '>' | ',' | ';'
            )
    });
    leading_iso(s).or_else(|| by_patterns(s))
}

/// `s` opening with a date written `YYYY-MM-DD` (or with `/` or `.`) and no
/// digit after it: the form our own parsers write (Reuters' dates, NDJSON's
/// ISO timestamps) and most metadata uses, read by hand exactly as
/// [`by_patterns`] reads it ([`PUB_COMPACT`] cannot match a separator in
/// the fifth byte; [`PUB_ISO`] matches at the start with these groups).
/// Two regex searches with captures per article were 0.7% of ingest's CPU.
/// `None` leaves the decision to [`by_patterns`].
fn leading_iso(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    let sep = |i: usize| matches!(b.get(i), Some(b'-' | b'/' | b'.'));
    if !sep(4) || !sep(7) || b.get(10).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let number = |from: usize, to: usize| {
        b.get(from..to)?.iter().try_fold(0i64, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + i64::from(c - b'0'))
        })
    };
    ymd(number(0, 4)?, number(5, 7)?, number(8, 10)?)
}

/// [`parse_published`] of a trimmed string by its patterns, in order.
fn by_patterns(s: &str) -> Option<NaiveDate> {
    if let Some(c) = PUB_COMPACT.captures(s)
        && let Some(d) = ymd(num(c.get(1))?, num(c.get(2))?, num(c.get(3))?)
    {
        return Some(d);
    }
    if let Some(c) = PUB_ISO.captures(s)
        && let Some(d) = ymd(num(c.get(1))?, num(c.get(2))?, num(c.get(3))?)
    {
        return Some(d);
    }
    if let Some(c) = PUB_DMY.captures(s) {
        let month = month_number(c.get(2)?.as_str())?;
        if let Some(d) = ymd(num(c.get(3))?, month.into(), num(c.get(1))?) {
            return Some(d);
        }
    }
    if let Some(c) = PUB_MDY.captures(s) {
        let month = month_number(c.get(1)?.as_str())?;
        if let Some(d) = ymd(num(c.get(3))?, month.into(), num(c.get(2))?) {
            return Some(d);
        }
    }
    if let Some(c) = PUB_NUMERIC.captures(s) {
        let (a, b, y) = (num(c.get(1))?, num(c.get(2))?, num(c.get(3))?);
        // "03/04/2020" is April in London and March in New York: refuse it.
        return match (a > 12, b > 12) {
            (true, false) => ymd(y, b, a),
            (false, true) => ymd(y, a, b),
            _ => None,
        };
    }
    None
}

// ---------------------------------------------------------------------------
// Datelines
// ---------------------------------------------------------------------------

/// How far into the body a dateline may sit.
const DATELINE_CHARS: usize = 200;

static DL_DASH: LazyLock<Regex> = LazyLock::new(|| re(r"\s(?:-{1,2}|–|—)(?:\s|$)"));
static DL_ISO: LazyLock<Regex> = LazyLock::new(|| re(r"\b([0-9]{4})-([0-9]{2})-([0-9]{2})\b"));
static DL_MDY: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"\b({MONTH})\b\.?\s+([0-9]{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+([0-9]{{4}})\b)?"
    ))
});
static DL_DMY: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"\b([0-9]{{1,2}})(?:st|nd|rd|th)?\s+({MONTH})\b\.?(?:,?\s+([0-9]{{4}})\b)?"
    ))
});
/// What may precede the date in a dateline: a place in capitalized words
/// ("NEW YORK", "Moscow,"), optionally a wire credit.
///
/// This and [`DL_SUFFIX`] are [`TextRegex`]es, and the credit's length
/// bound ([`DL_CREDIT_CHARS`]) is checked by [`credit_fits`] rather than
/// written `{1,30}`: with the bound written (thirty copies of a Unicode
/// class's automaton), the two patterns took 27 ms to build, about 4% of
/// the CPU of a BBC-sized ingest.
static DL_PREFIX: LazyLock<TextRegex> =
    LazyLock::new(|| TextRegex::new(r"^(?:\p{Lu}[\p{L}.'’-]*[\s,]*)*(?:\([\p{L} .&]+\)[\s,]*)?$"));
/// What may follow it: a wire credit and separators.
static DL_SUFFIX: LazyLock<TextRegex> =
    LazyLock::new(|| TextRegex::new(r"^[\s,]*(?:\([\p{L} .&]+\))?[\s,:]*$"));
/// The longest wire credit in a dateline, in characters.
const DL_CREDIT_CHARS: usize = 30;

/// Whether the wire credit of a text [`DL_PREFIX`] or [`DL_SUFFIX`]
/// matched is at most [`DL_CREDIT_CHARS`] long. Neither pattern lets a
/// parenthesis in anywhere else, so the credit is what lies between the
/// only `(` and `)`.
fn credit_fits(s: &str) -> bool {
    match (s.find('('), s.rfind(')')) {
        (Some(open), Some(close)) if open < close => {
            s[open + 1..close].chars().count() <= DL_CREDIT_CHARS
        }
        _ => true,
    }
}

/// Whether `s` passes `frame` ([`DL_PREFIX`] or [`DL_SUFFIX`]) with a
/// credit of at most [`DL_CREDIT_CHARS`].
fn frames(frame: &TextRegex, s: &str) -> bool {
    frame.is_match(s) && credit_fits(s)
}

/// Capitalized words that start a sentence, not a place: "On September 25,
/// 2020 -" opens a story, it is not a dateline.
const NOT_PLACES: &[&str] = &[
    "On", "In", "By", "Since", "From", "Until", "The", "At", "As",
];

/// The dateline segment candidates: up to three non-empty lines of the first
/// [`DATELINE_CHARS`] characters, each cut at its " - " separator. A line
/// without a separator counts only when short (CoNLL's "LONDON 1996-08-30").
fn dateline_parts(body: &str) -> Option<(Option<i32>, u32, u32)> {
    let head = match body.char_indices().nth(DATELINE_CHARS) {
        Some((i, _)) => &body[..i],
        None => body,
    };
    for line in head
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(3)
    {
        let seg = match DL_DASH.find(line) {
            Some(m) => &line[..m.start()],
            None if line.chars().count() <= 60 => line,
            None => continue,
        };
        if let Some(found) = dateline_segment(seg) {
            return Some(found);
        }
    }
    None
}

fn dateline_segment(seg: &str) -> Option<(Option<i32>, u32, u32)> {
    let framed = |start: usize, end: usize| {
        let prefix = &seg[..start];
        frames(&DL_PREFIX, prefix)
            && frames(&DL_SUFFIX, &seg[end..])
            && !prefix
                .split_whitespace()
                .next()
                .is_some_and(|w| NOT_PLACES.contains(&w))
    };
    if let Some(c) = DL_ISO.captures(seg) {
        let m = c.get(0)?;
        if framed(m.start(), m.end()) {
            let d = ymd(num(c.get(1))?, num(c.get(2))?, num(c.get(3))?)?;
            return Some((Some(d.year()), d.month(), d.day()));
        }
    }
    for (rx, mi, di) in [(&*DL_MDY, 1, 2), (&*DL_DMY, 2, 1)] {
        if let Some(c) = rx.captures(seg) {
            let m = c.get(0)?;
            if !framed(m.start(), m.end()) {
                continue;
            }
            let month = month_number(c.get(mi)?.as_str())?;
            let day = u32::try_from(num(c.get(di))?).ok()?;
            let year = match c.get(3) {
                Some(y) => {
                    let d = ymd(y.as_str().parse().ok()?, month.into(), day.into())?;
                    Some(d.year())
                }
                // A month/day must exist in some year (Feb 29 does: 2000).
                None => ymd(2000, month.into(), day.into()).map(|_| None)?,
            };
            return Some((year, month, day));
        }
    }
    None
}

/// A publication date from a dateline at the top of the body
/// (`LONDON 1996-08-30`, `LONDON, Sept 25, 2020 -`). Only the first few
/// lines / ~200 characters are read. A dateline without a year
/// (`MOSCOW, Aug. 23 -`) gives `None` here; see [`dateline_month_day`].
pub fn from_dateline(body: &str) -> Option<NaiveDate> {
    let (year, month, day) = dateline_parts(body)?;
    NaiveDate::from_ymd_opt(year?, month, day)
}

/// Month and day of a dateline, with or without a year (`Sept 25 (Reuters) -`
/// gives `(9, 25)`), for a caller that knows the year from elsewhere (the
/// Reuters `<DATE>` field, a file name).
pub fn dateline_month_day(body: &str) -> Option<(u32, u32)> {
    dateline_parts(body).map(|(_, m, d)| (m, d))
}

// ---------------------------------------------------------------------------
// File names
// ---------------------------------------------------------------------------

static FN_SEPARATED: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?:^|[^0-9])([0-9]{4})[-_./\\]([0-9]{2})[-_./\\]([0-9]{2})(?:$|[^0-9])"));
static FN_COMPACT: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?:^|[^0-9])([0-9]{4})([0-9]{2})([0-9]{2})(?:$|[^0-9])"));

/// A date embedded in a file name or path: `2020-09-25-putin-pact.txt`,
/// `20200925_story.html`, `putin_2020_09_25.md`, `2020/09/25/story.html`.
/// The digits must stand alone (`1234567890.txt` is an id, not a date), the
/// date must exist and the year lie in 1900–2099.
pub fn from_file_name(name: &str) -> Option<NaiveDate> {
    let valid = |c: regex::Captures<'_>| {
        let d = ymd(num(c.get(1))?, num(c.get(2))?, num(c.get(3))?)?;
        BARE_YEARS.contains(&d.year()).then_some(d)
    };
    // captures_iter does not overlap; the separators are single characters,
    // so a later candidate never starts inside the previous one's digits.
    FN_SEPARATED
        .captures_iter(name)
        .find_map(valid)
        .or_else(|| FN_COMPACT.captures_iter(name).find_map(valid))
}

// ---------------------------------------------------------------------------
// Mentioned dates
// ---------------------------------------------------------------------------

/// One date mention in a text: where it is and what it means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// Byte offset where the phrase starts.
    pub start: usize,
    /// Byte offset one past the phrase.
    pub end: usize,
    /// ISO 8601 at the precision known: `"2020-09-09"`, `"2020-09"`, `"2020"`.
    pub value: String,
}

static M_ISO: LazyLock<Regex> = LazyLock::new(|| re(r"\b([0-9]{4})[-/]([0-9]{2})[-/]([0-9]{2})\b"));
/// The month-based mention patterns, each without the `\b` it starts with:
/// they are compiled anchored with `^` ([`ANCHORED`], tried only where a
/// match can start: [`Starts::matches`]) and, in the tests, as written.
fn mention_patterns() -> [String; 5] {
    [
        // Day month year: "9 September 2020", "9th of Sept. 2020".
        format!(r"([0-9]{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?\s+({MONTH})\b\.?,?\s+([0-9]{{4}})\b"),
        // Month day year: "September 9, 2020".
        format!(r"({MONTH})\b\.?\s+([0-9]{{1,2}})(?:st|nd|rd|th)?,?\s+([0-9]{{4}})\b"),
        // Month year: "September 2020".
        format!(r"({MONTH})\b\.?,?\s+([0-9]{{4}})\b"),
        // Day month: "9 September".
        format!(r"([0-9]{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?\s+({MONTH})\b\.?"),
        // Month day: "Sept 25".
        format!(r"({MONTH})\b\.?\s+([0-9]{{1,2}})(?:st|nd|rd|th)?\b"),
    ]
}

/// Indexes into [`mention_patterns`].
const DMY: usize = 0;
const MDY: usize = 1;
const MY: usize = 2;
const DM: usize = 3;
const MD: usize = 4;

/// [`mention_patterns`] anchored at the start of the haystack.
static ANCHORED: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    mention_patterns()
        .iter()
        .map(|p| re(&format!("^{p}")))
        .collect()
});

/// Any month name as a whole word. Every month-based pattern puts its
/// month between word boundaries, so every match of theirs holds one of
/// these ([`Marks`] lists them).
static M_ANY_MONTH: LazyLock<Regex> = LazyLock::new(|| re(&format!(r"\b(?:{MONTH})\b")));
/// A month spelt in full as a whole word: the bare months of [`month_cands`].
/// Its matches are the [`M_ANY_MONTH`] matches spelt in full (both are whole
/// words, so they cannot overlap), which is how [`month_cands`] finds them.
#[cfg(test)]
static M_MONTH: LazyLock<Regex> = LazyLock::new(|| re(&format!(r"\b({MONTH_FULL})\b")));

/// Where the word-led mentions stand: the matches of [`M_ANY_MONTH`],
/// [`M_WEEKDAY`], [`M_RELATIVE`] and [`M_YEAR`], each in text order.
///
/// An ASCII text (nearly every body) is read in one pass by
/// [`Marks::ascii`]; any other asks the regexes, whose `\b` and `(?i)` are
/// Unicode-aware. The month, weekday and relative regexes were whole-text
/// scans each, and the month patterns five more: most of the stage's time.
#[derive(Default)]
struct Marks {
    months: Vec<Range<usize>>,
    weekdays: Vec<Range<usize>>,
    relative: Vec<Range<usize>>,
    years: Vec<Range<usize>>,
}

/// What a month name, a weekday or a relative mention's "yesterday" /
/// "year" begins with: the first three letters (ASCII case folded for the
/// relative words, matched under `(?i)`), the weekdays in full (their
/// prefixes lead many other words: "Money", "Wedding").
static LEADS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    let mut leads: Vec<String> = MONTH_FULL.split('|').map(|m| m[..3].to_string()).collect();
    leads.extend(WEEKDAYS.iter().map(|d| d.to_string()));
    for stem in ["yes", "yea"] {
        // Every ASCII case spelling of the stem.
        for bits in 0..8u8 {
            let spelt = stem
                .bytes()
                .enumerate()
                .map(|(i, c)| {
                    if bits >> i & 1 == 1 {
                        c.to_ascii_uppercase()
                    } else {
                        c
                    }
                })
                .collect::<Vec<u8>>();
            leads.push(String::from_utf8_lossy(&spelt).into_owned());
        }
    }
    AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostFirst)
        .build(&leads)
        .expect("static leads are valid")
});

/// The weekday names of [`M_WEEKDAY`].
const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

impl Marks {
    /// The marks of `text`. Weekdays and relative words are read only
    /// against a publication date, so without one (`with_relative` false)
    /// the regex path skips their scans; the ASCII scan finds them anyway,
    /// at no extra cost.
    fn find(text: &str, with_relative: bool) -> Marks {
        if let Some(marks) = Marks::ascii(text) {
            return marks;
        }
        let spans = |rx: &Regex| rx.find_iter(text).map(|m| m.range()).collect();
        Marks {
            months: spans(&M_ANY_MONTH),
            weekdays: if with_relative {
                spans(&M_WEEKDAY)
            } else {
                Vec::new()
            },
            relative: if with_relative {
                spans(&M_RELATIVE)
            } else {
                Vec::new()
            },
            years: spans(&M_YEAR),
        }
    }

    /// The marks of an ASCII text, `None` for any other. There `\b` is the
    /// edge of a run of `[A-Za-z0-9_]`, so every match of the four regexes
    /// is a whole run (plus, for "last year", one space and the run before
    /// it), and `(?i)` folds only ASCII case (its other folds, such as ſ for
    /// s, are not ASCII). Such a run starts with one of the [`LEADS`], found
    /// by one literal scan; each is then tested whole ([`Marks::ascii_word`]).
    fn ascii(text: &str) -> Option<Marks> {
        if !text.is_ascii() {
            return None;
        }
        let bytes = text.as_bytes();
        let mut marks = Marks {
            years: year_spans(text),
            ..Marks::default()
        };
        // A lead never holds a non-word byte, so it cannot cover the start
        // of a run: the non-overlapping scan misses none.
        for lead in LEADS.find_iter(bytes) {
            let start = lead.start();
            let before = start.checked_sub(1).and_then(|p| bytes.get(p));
            if !before.is_some_and(|&b| b.is_ascii_alphanumeric() || b == b'_') {
                marks.ascii_word(bytes, start);
            }
        }
        Some(marks)
    }

    /// Look at the run of word bytes starting at `start`: a match when it
    /// is a month or weekday name, "yesterday" or the "year" of "last year".
    fn ascii_word(&mut self, bytes: &[u8], start: usize) {
        let rest = bytes.get(start..).unwrap_or_default();
        let end = start
            + rest
                .iter()
                .take_while(|&&b| b.is_ascii_alphanumeric() || b == b'_')
                .count();
        let word = bytes.get(start..end).unwrap_or_default();
        if word.eq_ignore_ascii_case(b"yesterday") {
            self.relative.push(start..end);
        } else if word.eq_ignore_ascii_case(b"year") {
            // "last year" etc.: exactly one space, after a whole word.
            let Some(first) = start.checked_sub(5) else {
                return;
            };
            let before = first.checked_sub(1).and_then(|p| bytes.get(p));
            let cue = bytes.get(first..start - 1).unwrap_or_default();
            if bytes.get(start - 1) == Some(&b' ')
                && !before.is_some_and(|&b| b.is_ascii_alphanumeric() || b == b'_')
                && [b"last", b"this", b"next"]
                    .iter()
                    .any(|w| cue.eq_ignore_ascii_case(*w))
            {
                self.relative.push(first..end);
            }
        } else {
            // A `match` on the bytes: a jump on the length, then compares.
            match word {
                b"January" | b"February" | b"March" | b"April" | b"May" | b"June" | b"July"
                | b"August" | b"September" | b"October" | b"November" | b"December" | b"Jan"
                | b"Feb" | b"Mar" | b"Apr" | b"Jun" | b"Jul" | b"Aug" | b"Sept" | b"Sep"
                | b"Oct" | b"Nov" | b"Dec" => self.months.push(start..end),
                b"Monday" | b"Tuesday" | b"Wednesday" | b"Thursday" | b"Friday" | b"Saturday"
                | b"Sunday" => self.weekdays.push(start..end),
                _ => {}
            }
        }
    }
}
static M_WEEKDAY: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"));
static M_RELATIVE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\b(yesterday|last year|this year|next year)\b"));
static M_RANGE: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b([0-9]{4}) ?[-–/] ?([0-9]{4}|[0-9]{2}|[0-9])\b"));
static M_YEAR: LazyLock<Regex> = LazyLock::new(|| re(r"\b([0-9]{4})\b"));
/// "March last year", "9 September this year": the year is stated relatively.
static YEAR_SUFFIX: LazyLock<Regex> = LazyLock::new(|| re(r"^,?\s+(?i:(last|this|next)\s+year)\b"));
/// "Friday, 25 September" / "Friday September 25": the date carries the meaning.
static DATE_AFTER_WEEKDAY: LazyLock<Regex> =
    LazyLock::new(|| re(&format!(r"^,?\s+(?:[0-9]|(?:{MONTH})\b)")));

/// Words before a bare month that make it a time ("in August", "since May").
/// "May" is also a name and a verb: "by May" / "from May" are too often
/// Theresa May, so it gets the shorter list.
const MONTH_CUES: &[&str] = &[
    "in",
    "since",
    "by",
    "until",
    "till",
    "from",
    "during",
    "early",
    "late",
    "mid",
    "last",
    "next",
    "this",
    "before",
    "after",
    "through",
    "throughout",
    "end",
    "of",
];
const MAY_CUES: &[&str] = &[
    "in",
    "since",
    "until",
    "till",
    "during",
    "early",
    "late",
    "mid",
    "last",
    "next",
    "this",
    "through",
    "throughout",
];

/// Words before a 4-digit number that make it a year on their own ("in 2017",
/// "since 2007", "the year 2000", "summer 2005").
const YEAR_STRONG_CUES: &[&str] = &[
    "in",
    "since",
    "by",
    "until",
    "till",
    "from",
    "of",
    "during",
    "before",
    "after",
    "early",
    "late",
    "mid",
    "pre",
    "post",
    "year",
    "fiscal",
    "between",
    "circa",
    "spring",
    "summer",
    "autumn",
    "fall",
    "winter",
    "christmas",
    "easter",
    "end",
    "start",
    "beginning",
    "throughout",
    "through",
    "for",
    // "up 2.6% on 2003", "into 2005", "beyond 2009", "unlike 2001".
    "on",
    "into",
    "over",
    "beyond",
    "unlike",
    // "first quarter 2005", "fourth-quarter 2004 profits".
    "quarter",
    // Titles that carry a year: "Terrorism Act 2000", "Euro 2004".
    "act",
    "euro",
];
/// Two-word cues whose last word is too common alone: "back to 1993",
/// "compared with 2003", "up to 2010".
const YEAR_PAIR_CUES: &[(&str, &str)] = &[
    ("back", "to"),
    ("compared", "to"),
    ("compared", "with"),
    ("up", "to"),
    ("dating", "to"),
    ("forward", "to"),
    ("run-up", "to"),
];
/// Verbs that make a number the subject of a sentence about a year: "2004
/// was a good year", "2005 will see". Plural "were" is left out: "2000 were
/// killed" counts people.
const YEAR_VERBS: &[&str] = &[
    "was",
    "will",
    "is",
    "has",
    "had",
    "should",
    "must",
    "may",
    "could",
    "would",
    "might",
    "looks",
    "offers",
    "promises",
    "saw",
    "sees",
    "proved",
    "proves",
    "marked",
    "marks",
    "brought",
    "brings",
    "begins",
    "began",
    "ended",
    "ends",
    "progressed",
];
/// Words skipped when looking back for a cue: "since at least 2007",
/// "by about 2010", "as early as 2004".
const YEAR_FILLERS: &[&str] = &[
    "at",
    "least",
    "about",
    "around",
    "approximately",
    "roughly",
    "as",
    "far",
    "back",
    "only",
    "even",
    "just",
    "already",
    "possibly",
    "perhaps",
    "either",
    "both",
];
/// Determiners that make a following number a year only when a name or an
/// event follows: "a 1972 US-Soviet treaty", "the 2016 election", but not
/// "the 2016 people".
const YEAR_WEAK_CUES: &[&str] = &[
    "a", "an", "the", "its", "his", "her", "their", "our", "this", "that", "each", "every",
];
/// Nouns that, within three words after a number, make it a year
/// ("the 2016 US presidential election", "2005 general election").
const EVENT_NOUNS: &[&str] = &[
    "election",
    "elections",
    "season",
    "olympics",
    "olympic",
    "games",
    "census",
    "budget",
    "campaign",
    "championship",
    "championships",
    "cup",
    "final",
    "finals",
    "tournament",
    "summit",
    "war",
    "crisis",
    "recession",
    "referendum",
    "act",
    "treaty",
    "agreement",
    "accord",
    "report",
    "survey",
    "figures",
    "results",
    "edition",
    "vintage",
    "tour",
    "series",
    "poll",
    "polls",
    "vote",
    "manifesto",
    "conference",
    "festival",
    "awards",
    "oscars",
    "ceremony",
    "contest",
    "race",
    "deadline",
    "target",
    "film",
    "album",
    "movie",
    "release",
    "law",
    "bill",
    "plan",
    "strategy",
    "draft",
    "world",
    "model",
    "results",
    "earnings",
    "sales",
    "profits",
    "revenues",
    "killings",
    "shootings",
    "riots",
    "attacks",
    "levels",
    "accounts",
];
/// Counted things: a number followed by one of these is an amount
/// ("2016 people", "won by 2016 votes", "2016 points").
const COUNT_NOUNS: &[&str] = &[
    "people",
    "persons",
    "votes",
    "points",
    "runs",
    "goals",
    "yards",
    "metres",
    "meters",
    "miles",
    "km",
    "kilometres",
    "kilometers",
    "feet",
    "ft",
    "tonnes",
    "tons",
    "pounds",
    "dollars",
    "euros",
    "pence",
    "cents",
    "jobs",
    "homes",
    "houses",
    "cases",
    "deaths",
    "members",
    "users",
    "copies",
    "units",
    "shares",
    "troops",
    "soldiers",
    "students",
    "workers",
    "employees",
    "staff",
    "children",
    "men",
    "women",
    "times",
    "words",
    "pages",
    "seats",
    "matches",
    "hours",
    "minutes",
    "seconds",
    "days",
    "weeks",
    "months",
    "years",
    "calories",
    "acres",
    "hectares",
    "barrels",
    "households",
    "patients",
    "visitors",
    "fans",
    "customers",
    "subscribers",
    "residents",
    "passengers",
    "flights",
    "vehicles",
    "cars",
    "pupils",
    "teachers",
    "companies",
    "firms",
    "signatures",
    "complaints",
    "arrests",
    "bn",
    "m",
    "mph",
    "kg",
    "mw",
    "gb",
    "mb",
    "mhz",
    "ghz",
    "per",
    "percent",
    "pc",
    "bytes",
    "pixels",
    "items",
    "titles",
    "songs",
    "tracks",
    "images",
    "photos",
    "messages",
    "emails",
    "calls",
    "downloads",
    "sites",
    "websites",
    "computers",
    "machines",
    "viruses",
    "more",
    "extra",
];
/// Words that make a 4-digit number a clock time ("2000 GMT").
const TIME_ZONES: &[&str] = &[
    "gmt", "bst", "utc", "cet", "cest", "et", "est", "edt", "pt", "pst", "pdt", "hrs", "hours",
    "local",
];
/// Capitalized words that turn a weekday into a named day, not a date
/// ("Good Friday", "Super Tuesday", "Mail on Sunday").
const WEEKDAY_NAMERS: &[&str] = &[
    "Good", "Black", "Super", "Ash", "Easter", "Bloody", "Palm", "Cyber", "Holy", "Maundy", "Whit",
    "Mail", "Man", "Girl",
];
/// Newspapers named after a weekday ("Sunday Times").
const WEEKDAY_PAPERS: &[&str] = &[
    "Times",
    "Telegraph",
    "Mirror",
    "People",
    "Express",
    "Herald",
    "Post",
    "Tribune",
    "Independent",
    "Sport",
    "Mail",
    "Night",
    "Club",
    "Bloody",
];

fn lower_in(word: &str, list: &[&str]) -> bool {
    let w = word.to_lowercase();
    list.contains(&w.as_str())
}

/// The word ending just before byte `at` (skipping spaces and hyphens, so
/// "mid-August" gives "mid") and the separator between it and `at`.
fn prev_word(text: &str, at: usize) -> (&str, &str) {
    let head = text.get(..at).unwrap_or("");
    let trimmed = head.trim_end_matches(|c: char| c.is_whitespace() || c == '-' || c == '–');
    let start = trimmed
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric() || *c == '\'' || *c == '’')
        .last()
        .map_or(trimmed.len(), |(i, _)| i);
    (&trimmed[start..], &head[trimmed.len()..])
}

/// Up to `n` words after byte `at`, stopping at the end of the clause, with
/// edge punctuation removed.
fn next_words(text: &str, at: usize, n: usize) -> Vec<&str> {
    let mut out = Vec::new();
    for raw in text.get(at..).unwrap_or("").split_whitespace().take(n) {
        let w = raw.trim_matches(|c: char| !c.is_alphanumeric());
        if !w.is_empty() {
            out.push(w);
        }
        if raw.ends_with(['.', ',', ';', ':', '?', '!', ')']) || w.is_empty() {
            break;
        }
    }
    out
}

fn starts_upper(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_uppercase)
}

fn is_all_digits(w: &str) -> bool {
    !w.is_empty() && w.chars().all(|c| c.is_ascii_digit())
}

/// The date of a day-month mention without a year, put in the publication
/// year unless that is more than half a year after publication.
fn infer_day(month: u32, day: u32, published: NaiveDate, shift: i32) -> Option<NaiveDate> {
    let year = published.year().checked_add(shift)?;
    let d = NaiveDate::from_ymd_opt(year, month, day)?;
    let limit = published.checked_add_days(Days::new(FUTURE_SLACK_DAYS));
    if shift == 0 && limit.is_some_and(|l| d > l) {
        NaiveDate::from_ymd_opt(year - 1, month, day)
    } else {
        Some(d)
    }
}

/// The year of a bare month mention ("in August"), by the same rule.
fn infer_month_year(month: u32, published: NaiveDate, cue: &str) -> i32 {
    let (y, pm) = (published.year(), published.month());
    match cue {
        "last" if month >= pm => y - 1,
        "next" if month <= pm => y + 1,
        "last" | "next" | "this" => y,
        _ if month > pm + 6 => y - 1,
        _ => y,
    }
}

/// A candidate phrase: its span, priority (lower wins an overlap) and values.
/// An empty `values` still claims its span: "30 February 2020" must not leave
/// "2020" behind as a bare year.
struct Cand {
    start: usize,
    end: usize,
    rank: u8,
    values: Vec<String>,
}

/// "March last year": shift the year of the preceding mention; returns the
/// shift and how many bytes the phrase adds.
fn year_suffix(text: &str, at: usize) -> (i32, usize) {
    match YEAR_SUFFIX.captures(text.get(at..).unwrap_or("")) {
        Some(c) => {
            let len = c.get(0).map_or(0, |m| m.end());
            let word = c.get(1).map_or("", |m| m.as_str()).to_ascii_lowercase();
            let shift = match word.as_str() {
                "last" => -1,
                "next" => 1,
                _ => 0,
            };
            (shift, len)
        }
        None => (0, 0),
    }
}

/// `d` as `YYYY-MM-DD`, as chrono's `%Y-%m-%d` writes it. Years 0-9999
/// (every real one) are written directly: chrono parses the format string
/// on every call (a few percent of the stage once the scans were cheap).
pub(crate) fn iso_day(d: NaiveDate) -> String {
    let year = d.year();
    if let Ok(y @ 0..=9999) = u32::try_from(year) {
        // Digit by digit: `format!` goes through `core::fmt`, a lot of code
        // for ten bytes, run for every article.
        let (m, day) = (d.month(), d.day());
        let digits = [
            y / 1000,
            y / 100 % 10,
            y / 10 % 10,
            y % 10,
            10,
            m / 10,
            m % 10,
            10,
            day / 10,
            day % 10,
        ];
        digits
            .iter()
            .map(|&n| {
                if n == 10 {
                    '-'
                } else {
                    char::from(b'0' + n as u8)
                }
            })
            .collect()
    } else {
        // chrono's own signed, wider form.
        d.format("%Y-%m-%d").to_string()
    }
}

/// Where the month-based patterns ([`mention_patterns`]) may match, from
/// the month words. Each pattern used to scan the whole text on its own
/// (five scans, with capture searches); now each is tried, anchored, only
/// where a match could start.
struct Starts {
    /// The month words ([`M_ANY_MONTH`] matches), in order. A match of a
    /// pattern that starts with its month starts at one of these.
    months: Vec<Range<usize>>,
    /// Where a day-first pattern may match: a digit at a word boundary,
    /// followed by nothing but digits, whitespace, "st"/"nd"/"rd"/"th"/"of"
    /// letters and then a month word. Every such match starts at one.
    days: Vec<usize>,
    /// The starts of the month words followed by an optional `.`, an
    /// optional `,`, whitespace and an ASCII digit. After its month, a
    /// month-first pattern goes on with `\.?,?\s+` (month-year) or `\.?\s+`
    /// and then a digit, so every match of one starts at one of these: most
    /// month words have no number after them, and a regex call costs far
    /// more than this test.
    numbered: Vec<usize>,
}

impl Starts {
    /// `months`: the [`M_ANY_MONTH`] matches of `text`, in order.
    fn find(text: &str, months: Vec<Range<usize>>) -> Starts {
        let mut days = Vec::new();
        for m in &months {
            let head = text.get(..m.start).unwrap_or_default();
            let reach = head
                .char_indices()
                .rev()
                .take_while(|&(_, c)| {
                    c.is_ascii_digit()
                        || c.is_whitespace()
                        || matches!(c, 's' | 't' | 'n' | 'd' | 'r' | 'h' | 'o' | 'f')
                })
                .last()
                .map_or(m.start, |(i, _)| i);
            let span = head.get(reach..).unwrap_or_default();
            for (i, c) in span.char_indices() {
                let at = reach + i;
                let before = head.get(..at).unwrap_or_default().chars().next_back();
                if c.is_ascii_digit() && !before.is_some_and(is_word_char) {
                    days.push(at);
                }
            }
        }
        let numbered = months
            .iter()
            .filter(|m| {
                let after = text.get(m.end..).unwrap_or_default();
                let after = after.strip_prefix('.').unwrap_or(after);
                let after = after.strip_prefix(',').unwrap_or(after);
                let spaced = after.trim_start_matches(char::is_whitespace);
                spaced.len() < after.len() && spaced.starts_with(|c: char| c.is_ascii_digit())
            })
            .map(|m| m.start)
            .collect();
        Starts {
            months,
            days,
            numbered,
        }
    }

    /// What `captures_iter` of pattern `which` (with its leading `\b`)
    /// would give: it finds the leftmost match, then looks on from its end,
    /// and trying the anchored pattern at each possible start in order,
    /// from the last match's end on, finds the same ones.
    fn matches(&self, text: &str, which: usize) -> Vec<Groups> {
        let Some(anchored) = ANCHORED.get(which) else {
            return Vec::new();
        };
        let starts = match which {
            DMY | DM => &self.days,
            _ => &self.numbered,
        };
        let mut out = Vec::new();
        if starts.is_empty() {
            return out;
        }
        let mut locs = anchored.capture_locations();
        let mut from = 0;
        for &start in starts {
            if start < from {
                continue;
            }
            // `\b` holds at every start, as `^` does at the slice's; all
            // else the pattern looks at lies after the start.
            let Some(rest) = text.get(start..) else {
                continue;
            };
            if anchored.captures_read(&mut locs, rest).is_none() {
                continue;
            }
            let groups = Groups(
                (0..locs.len())
                    .map(|i| locs.get(i).map(|(a, b)| start + a..start + b))
                    .collect(),
            );
            if let Some(m) = groups.get(0) {
                from = m.end;
            }
            out.push(groups);
        }
        out
    }
}

/// The spans of a match's groups in the text (0: the whole match).
struct Groups(Vec<Option<Range<usize>>>);

impl Groups {
    fn get(&self, i: usize) -> Option<Range<usize>> {
        self.0.get(i).cloned().flatten()
    }

    fn str<'t>(&self, text: &'t str, i: usize) -> Option<&'t str> {
        text.get(self.get(i)?)
    }

    /// A group of ASCII digits as a number.
    fn num(&self, text: &str, i: usize) -> Option<i64> {
        self.str(text, i)?.parse().ok()
    }
}

/// A found word in a text, read as the regex's `Match` was.
struct Span<'t> {
    start: usize,
    end: usize,
    text: &'t str,
}

impl<'t> Span<'t> {
    fn of(text: &'t str, r: &Range<usize>) -> Option<Span<'t>> {
        Some(Span {
            start: r.start,
            end: r.end,
            text: text.get(r.clone())?,
        })
    }
    fn start(&self) -> usize {
        self.start
    }
    fn end(&self) -> usize {
        self.end
    }
    fn as_str(&self) -> &'t str {
        self.text
    }
}

/// Whether `\b` counts `c` as a word character (Unicode `\w`).
fn is_word_char(c: char) -> bool {
    static WORD: LazyLock<Regex> = LazyLock::new(|| re(r"^\w$"));
    if c.is_ascii() {
        c.is_ascii_alphanumeric() || c == '_'
    } else {
        WORD.is_match(c.encode_utf8(&mut [0; 4]))
    }
}

/// `has_year`: whether the text has an [`M_YEAR`] match; without one the
/// patterns needing it are skipped. `has_iso`: whether a year match is
/// followed by `-` or `/`, as the start of every [`M_ISO`] match is.
/// `starts`: where month and day-month patterns may match ([`Starts`]).
fn full_date_cands(
    text: &str,
    has_year: bool,
    has_iso: bool,
    starts: &Starts,
    out: &mut Vec<Cand>,
) {
    if !has_year {
        return;
    }
    if has_iso {
        for c in M_ISO.captures_iter(text) {
            let Some(m) = c.get(0) else { continue };
            let d = (|| ymd(num(c.get(1))?, num(c.get(2))?, num(c.get(3))?))();
            out.push(Cand {
                start: m.start(),
                end: m.end(),
                rank: 0,
                values: d.map(iso_day).into_iter().collect(),
            });
        }
    }
    if starts.months.is_empty() {
        return;
    }
    for (which, mi, di, yi) in [(DMY, 2, 1, 3), (MDY, 1, 2, 3)] {
        for g in starts.matches(text, which) {
            let Some(m) = g.get(0) else { continue };
            let d = (|| {
                let month = month_number(g.str(text, mi)?)?;
                ymd(g.num(text, yi)?, month.into(), g.num(text, di)?)
            })();
            out.push(Cand {
                start: m.start,
                end: m.end,
                rank: 1,
                values: d.map(iso_day).into_iter().collect(),
            });
        }
    }
    for g in starts.matches(text, MY) {
        let Some(m) = g.get(0) else { continue };
        let v = (|| {
            let month = month_number(g.str(text, 1)?)?;
            let y = i32::try_from(g.num(text, 2)?)
                .ok()
                .filter(|y| FULL_YEARS.contains(y))?;
            Some(format!("{y:04}-{month:02}"))
        })();
        out.push(Cand {
            start: m.start,
            end: m.end,
            rank: 2,
            values: v.into_iter().collect(),
        });
    }
}

/// "9 September", "Sept 25": need `published` for the year.
fn day_month_cands(text: &str, published: Option<NaiveDate>, starts: &Starts, out: &mut Vec<Cand>) {
    for (which, mi, di) in [(DM, 2, 1), (MD, 1, 2)] {
        for g in starts.matches(text, which) {
            let (Some(m), Some(mm), Some(dm)) = (g.get(0), g.get(mi), g.get(di)) else {
                continue;
            };
            let month_word = text.get(mm.clone()).unwrap_or_default();
            let matched = text.get(m.clone()).unwrap_or_default();
            // The day must be a number of its own: not "1,5 March", not
            // "March 1,000", not "May 10 people", not "Theresa May 10".
            let before = text.get(..m.start).unwrap_or_default().chars().next_back();
            let after = text.get(m.end..).unwrap_or_default();
            let mut after_chars = after.chars();
            let glued = matches!(after_chars.next(), Some('.' | ',' | ':' | '/'))
                && after_chars.next().is_some_and(|c| c.is_ascii_digit());
            if glued || matches!(before, Some(',' | '.' | ':' | '/' | '£' | '$' | '€')) {
                continue;
            }
            if dm.end == m.end
                && next_words(text, m.end, 1)
                    .first()
                    .is_some_and(|w| lower_in(w, COUNT_NOUNS))
            {
                continue;
            }
            if month_word == "May" && mm.start == m.start {
                let (pw, _) = prev_word(text, m.start);
                if starts_upper(pw) && !lower_in(pw, MAY_CUES) {
                    continue;
                }
            }
            // "31 December." ends a sentence: the period is not "Dec." shorthand.
            let end = if matched.ends_with('.') && month_word.len() > 4 {
                m.end - 1
            } else {
                m.end
            };
            let (shift, extra) = year_suffix(text, end);
            let d = (|| {
                let month = month_number(month_word)?;
                let day = u32::try_from(g.num(text, di)?).ok()?;
                infer_day(month, day, published?, shift)
            })();
            out.push(Cand {
                start: m.start,
                end: end + extra,
                rank: 3,
                values: d.map(iso_day).into_iter().collect(),
            });
        }
    }
}

/// "in August", "since May", "mid-March", "last November".
fn month_cands(text: &str, published: Option<NaiveDate>, starts: &Starts, out: &mut Vec<Cand>) {
    let Some(published) = published else { return };
    // The bare month pattern is `\b(<full month name>)\b`: its matches are
    // the month words spelt in full (no two month words overlap).
    for m in &starts.months {
        let Some(word) = text.get(m.clone()) else {
            continue;
        };
        if !MONTH_FULL.split('|').any(|full| full == word) {
            continue;
        }
        let (pw, _) = prev_word(text, m.start);
        let pw = pw.to_lowercase();
        let cues = if word == "May" { MAY_CUES } else { MONTH_CUES };
        if !cues.contains(&pw.as_str()) {
            continue;
        }
        let Some(month) = month_number(word) else {
            continue;
        };
        let (shift, extra) = year_suffix(text, m.end);
        let year = if extra > 0 {
            published.year() + shift
        } else {
            infer_month_year(month, published, &pw)
        };
        out.push(Cand {
            start: m.start,
            end: m.end + extra,
            rank: 4,
            values: vec![format!("{year:04}-{month:02}")],
        });
    }
}

/// "on Friday", "last Tuesday", "Friday's summit": resolved against
/// `published` to the weekday on or before it ("last": strictly before;
/// "next"/"this": after). Without `published` nothing is emitted.
/// `weekdays`: the [`M_WEEKDAY`] matches, in order.
fn weekday_cands(
    text: &str,
    published: Option<NaiveDate>,
    weekdays: &[Range<usize>],
    out: &mut Vec<Cand>,
) {
    let Some(published) = published else { return };
    for m in weekdays.iter().filter_map(|r| Span::of(text, r)) {
        let (pw, _) = prev_word(text, m.start());
        if WEEKDAY_NAMERS.contains(&pw) {
            continue;
        }
        // "Mail on Sunday": the cue belongs to the paper's name.
        if pw == "on"
            && WEEKDAY_NAMERS.contains(&prev_word(text, m.start().saturating_sub(pw.len() + 1)).0)
        {
            continue;
        }
        let next = next_words(text, m.end(), 1);
        if next.first().is_some_and(|w| WEEKDAY_PAPERS.contains(w)) {
            continue;
        }
        if DATE_AFTER_WEEKDAY.is_match(&text[m.end()..]) {
            continue;
        }
        let Ok(target) = m.as_str().parse::<Weekday>() else {
            continue;
        };
        let from = i64::from(published.weekday().num_days_from_monday());
        let to = i64::from(target.num_days_from_monday());
        let back = (from - to).rem_euclid(7);
        let fwd = (to - from).rem_euclid(7);
        let d = match pw.to_lowercase().as_str() {
            "last" => {
                published.checked_sub_days(Days::new(if back == 0 { 7 } else { back as u64 }))
            }
            "next" => published.checked_add_days(Days::new(if fwd == 0 { 7 } else { fwd as u64 })),
            "this" | "coming" => published.checked_add_days(Days::new(fwd as u64)),
            _ => published.checked_sub_days(Days::new(back as u64)),
        };
        out.push(Cand {
            start: m.start(),
            end: m.end(),
            rank: 5,
            values: d.map(iso_day).into_iter().collect(),
        });
    }
}

/// "yesterday", "last year", "this year", "next year" against `published`.
/// `relative`: the [`M_RELATIVE`] matches, in order.
fn relative_cands(
    text: &str,
    published: Option<NaiveDate>,
    relative: &[Range<usize>],
    out: &mut Vec<Cand>,
) {
    let Some(published) = published else { return };
    for m in relative.iter().filter_map(|r| Span::of(text, r)) {
        // "over the last year" is a span of twelve months, not a year.
        let (pw, _) = prev_word(text, m.start());
        if lower_in(pw, &["the", "past", "over", "a", "every", "per", "each"]) {
            continue;
        }
        let y = published.year();
        let v = match m.as_str().to_ascii_lowercase().as_str() {
            "yesterday" => published.pred_opt().map(iso_day),
            "last year" => Some(format!("{:04}", y - 1)),
            "next year" => Some(format!("{:04}", y + 1)),
            _ => Some(format!("{y:04}")),
        };
        out.push(Cand {
            start: m.start(),
            end: m.end(),
            rank: 5,
            values: v.into_iter().collect(),
        });
    }
}

/// "2019-20", "2004-2008", "1999/00", "2003/4": both ends of a span of
/// seasons/years.
/// A two-digit end that is not a plausible span but is a month ("2020-09")
/// gives a year-month.
fn range_cands(text: &str, out: &mut Vec<Cand>) {
    for c in M_RANGE.captures_iter(text) {
        let (Some(m), Some(a), Some(b)) = (c.get(0), c.get(1), c.get(2)) else {
            continue;
        };
        if glued_number(text, m.start(), m.end()) {
            continue;
        }
        let (Ok(y1), Ok(raw2)) = (a.as_str().parse::<i32>(), b.as_str().parse::<i32>()) else {
            continue;
        };
        if !BARE_YEARS.contains(&y1) {
            continue;
        }
        // "2019-20", "1998/9", "1973-90": the end repeats the start's leading
        // digits; a span of more than a lifetime is not a span of years.
        let y2 = match b.as_str().len() {
            1 => {
                let y = y1 / 10 * 10 + raw2;
                if y < y1 { y + 10 } else { y }
            }
            2 => {
                let y = y1 / 100 * 100 + raw2;
                if y < y1 { y + 100 } else { y }
            }
            _ => raw2,
        };
        let values = if y2 > y1 && y2 <= y1 + 100 && BARE_YEARS.contains(&y2) {
            vec![format!("{y1:04}"), format!("{y2:04}")]
        } else if b.as_str().len() == 2 && (1..=12).contains(&raw2) && !m.as_str().contains(' ') {
            vec![format!("{y1:04}-{raw2:02}")]
        } else {
            continue;
        };
        out.push(Cand {
            start: m.start(),
            end: m.end(),
            rank: 6,
            values,
        });
    }
}

/// A number glued to money, ids, decimals or thousands: "£2016", "#2016",
/// "1,2016", "2016.5", "2016%", "COVID-2019".
fn glued_number(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let mut after = text[end..].chars();
    let (a1, a2) = (after.next(), after.next());
    if matches!(
        before,
        Some('£' | '$' | '€' | '¥' | '#' | '/' | '@' | '+' | '.' | ',' | ':' | '\\' | '_' | '=')
    ) {
        return true;
    }
    if a1 == Some('%')
        || (matches!(a1, Some('.' | ',' | ':' | '/')) && a2.is_some_and(|c| c.is_ascii_digit()))
    {
        return true;
    }
    if before == Some('-') {
        // "mid-2016", "post-2016" are years; "COVID-2019", "F-2016" are names.
        let (pw, sep) = prev_word(text, start);
        return !(sep == "-" && lower_in(pw, &["mid", "pre", "post"]));
    }
    false
}

/// Whether a bare 4-digit number at `start..end` is a year, by its context.
/// `prev_end` is the end of the nearest accepted date before it, for lists
/// ("in 2004, 2005 and 2006").
///
/// The rule, in order: glued to money/ids -> no; a decade "the 1990's" -> no;
/// followed by a counted noun ("2016 people") -> no; "(2004)" -> yes; an event
/// noun within three words ("2016 election") -> yes; a possessive ("2003's")
/// or a singular verb ("2004 was") -> yes; a strong cue before it
/// ("in", "since", "by", ..., looking past "at least"/"about") -> yes; right
/// after another accepted date joined by "and"/"or"/"to"/"," -> yes; an
/// article or possessive before it and a capitalized word or singular noun
/// after it ("a 1972 US-Soviet treaty", "the 2002 champion") -> yes; then
/// lists chain backwards too ("the 2004 and 2005 model years"); otherwise no.
fn year_in_context(text: &str, start: usize, end: usize, prev_end: Option<usize>) -> bool {
    if glued_number(text, start, end) {
        return false;
    }
    let year: i32 = match text[start..end].parse() {
        Ok(y) => y,
        Err(_) => return false,
    };
    if !BARE_YEARS.contains(&year) {
        return false;
    }
    let after = &text[end..];
    if (after.starts_with("'s") || after.starts_with("’s")) && year % 10 == 0 {
        let (pw, _) = prev_word(text, start);
        if lower_in(pw, &["the", "mid", "early", "late"]) {
            return false;
        }
    }
    let next = next_words(text, end, 3);
    if next
        .first()
        .is_some_and(|w| lower_in(w, COUNT_NOUNS) || is_all_digits(w))
    {
        return false;
    }
    // "between 2000 and 2100 GMT": clock times, not years.
    if next_words(text, end, 3)
        .iter()
        .any(|w| lower_in(w, TIME_ZONES))
    {
        return false;
    }
    let before_c = text[..start].chars().next_back();
    if before_c == Some('(') && after.starts_with(')') {
        return true;
    }
    // "2003's imbalance": only years take a possessive (decades went above).
    if after.starts_with("'s") || after.starts_with("’s") {
        return true;
    }
    if after.starts_with(char::is_whitespace)
        && next.first().is_some_and(|w| YEAR_VERBS.contains(w))
    {
        return true;
    }
    if next.iter().any(|w| lower_in(w, EVENT_NOUNS)) {
        return true;
    }
    // Look back past fillers for a cue.
    let mut at = start;
    let mut first_prev = None;
    for _ in 0..4 {
        let (pw, _) = prev_word(text, at);
        if pw.is_empty() || is_all_digits(pw) {
            if is_all_digits(pw) {
                return false; // "+44 7747 2016": a group of a longer number
            }
            break;
        }
        first_prev.get_or_insert(pw);
        if lower_in(pw, YEAR_STRONG_CUES) {
            return true;
        }
        let pw2 = prev_word(text, text[..at].rfind(pw).unwrap_or(0))
            .0
            .to_lowercase();
        let pwl = pw.to_lowercase();
        if YEAR_PAIR_CUES.contains(&(pw2.as_str(), pwl.as_str())) {
            return true;
        }
        if !lower_in(pw, YEAR_FILLERS) {
            break;
        }
        at = text[..at].rfind(pw).unwrap_or(0);
    }
    if prev_end.is_some_and(|pe| joined_list(text, pe, start)) {
        return true;
    }
    let pw = first_prev.unwrap_or("");
    let weak = lower_in(pw, YEAR_WEAK_CUES) || pw.ends_with("'s") || pw.ends_with("’s");
    // After a determiner, a name ("a 1972 US-Soviet treaty") or a singular
    // noun ("the 2002 champion", "a 2004 law") makes it a year; a plural
    // ("the 2000 refugees") makes it a count. The noun must be a word of its
    // own: "a 2048-bit key" is a size.
    weak && after.starts_with(char::is_whitespace)
        && next.first().is_some_and(|w| {
            (starts_upper(w) && !is_all_digits(w))
                || (w.chars().all(char::is_alphabetic) && !w.ends_with('s'))
        })
}

/// Whether `text[from..to]` only joins two items of a list: ", ", " and ",
/// " or ", " to ".
fn joined_list(text: &str, from: usize, to: usize) -> bool {
    if from > to || to - from > 12 {
        return false;
    }
    text.get(from..to).is_some_and(|gap| {
        gap.split(|c: char| c.is_whitespace() || c == ',')
            .filter(|w| !w.is_empty())
            .all(|w| {
                matches!(
                    w.to_lowercase().as_str(),
                    "and" | "or" | "to" | "&" | "-" | "–" | "through" | "until"
                )
            })
    })
}

/// The spans of the [`M_YEAR`] matches of `text`, in order. ASCII text
/// (nearly every body) is scanned by hand: the regex begins with a digit
/// class, gets no literal prefilter, and was a full scan of every text.
/// There a match is a run of exactly four ASCII digits with no word
/// character (`[A-Za-z0-9_]`) on either side; other text asks the regex,
/// whose `\b` is Unicode-aware.
fn year_spans(text: &str) -> Vec<Range<usize>> {
    if !text.is_ascii() {
        return M_YEAR.find_iter(text).map(|m| m.range()).collect();
    }
    const CHUNK: usize = 16;
    let bytes = text.as_bytes();
    let word = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_';
    let mut out = Vec::new();
    let mut at = 0;
    loop {
        // Whole 16-byte chunks without a digit are passed over without a
        // branch per byte; digits are rare in prose.
        while let Some(chunk) = bytes
            .get(at..at + CHUNK)
            .and_then(|c| <&[u8; CHUNK]>::try_from(c).ok())
        {
            let mut any = false;
            for b in chunk {
                any |= b.is_ascii_digit();
            }
            if any {
                break;
            }
            at += CHUNK;
        }
        let rest = bytes.get(at..).unwrap_or_default();
        let Some(start) = rest.iter().position(u8::is_ascii_digit).map(|n| at + n) else {
            break;
        };
        let digits = bytes.get(start..).unwrap_or_default();
        let end = start + digits.iter().take_while(|b| b.is_ascii_digit()).count();
        let before = start.checked_sub(1).and_then(|p| bytes.get(p));
        if end - start == 4 && !before.is_some_and(word) && !bytes.get(end).is_some_and(word) {
            out.push(start..end);
        }
        at = end;
    }
    out
}

/// Every date the text mentions, with its span, in text order. Ranges
/// ("2019-20") give two mentions with the same span. See [`mentioned`].
pub fn mentions(text: &str, published: Option<NaiveDate>) -> Vec<Mention> {
    // Skipping a pattern that cannot match changes nothing, and most
    // articles lack a month name or a four-digit number. Every pattern with
    // a year (ISO, day-month-year, month-year, ranges) holds a four-digit
    // number between word boundaries, i.e. an [`M_YEAR`] match; every
    // pattern with a month name holds an [`M_ANY_MONTH`] match. The bare
    // year matches are needed at the end anyway, so they are found once.
    let marks = Marks::find(text, published.is_some());
    let year_matches = marks.years;
    let has_year = !year_matches.is_empty();
    let starts = Starts::find(text, marks.months);
    let has_month = !starts.months.is_empty();
    // Sharper cues from the year matches: an ISO date or a range starts
    // with four digits between word boundaries, i.e. with a year match,
    // then goes on with `-` or `/` ([`M_ISO`]) or an optional space and
    // `-`, `–` or `/` ([`M_RANGE`]). A year match is a whole word of four
    // digits, so no two overlap and the list holds every one. Both regexes
    // begin with a digit class and get no literal prefilter: each was a
    // full scan of every text with a year in it.
    let after = |m: &Range<usize>| &text[m.end..];
    let has_iso = year_matches
        .iter()
        .any(|m| after(m).starts_with(['-', '/']));
    let has_range = year_matches.iter().any(|m| {
        let a = after(m);
        a.strip_prefix(' ')
            .unwrap_or(a)
            .starts_with(['-', '–', '/'])
    });
    let mut cands = Vec::new();
    full_date_cands(text, has_year, has_iso, &starts, &mut cands);
    if has_month {
        day_month_cands(text, published, &starts, &mut cands);
        month_cands(text, published, &starts, &mut cands);
    }
    weekday_cands(text, published, &marks.weekdays, &mut cands);
    relative_cands(text, published, &marks.relative, &mut cands);
    if has_range {
        range_cands(text, &mut cands);
    }
    // The most specific reading of each stretch of text wins.
    cands.sort_by_key(|c| (c.rank, c.start));
    let mut taken: Vec<Cand> = Vec::new();
    for c in cands {
        if !taken.iter().any(|t| c.start < t.end && t.start < c.end) {
            taken.push(c);
        }
    }
    taken.sort_by_key(|c| c.start);
    // Bare years last, in text order, so lists can chain off earlier dates.
    let mut years = Vec::new();
    for m in year_matches {
        if taken
            .iter()
            .chain(years.iter())
            .any(|t: &Cand| m.start < t.end && t.start < m.end)
        {
            continue;
        }
        let prev_end = taken
            .iter()
            .chain(years.iter())
            .filter(|t| !t.values.is_empty() && t.end <= m.start)
            .map(|t| t.end)
            .max();
        let accepted = year_in_context(text, m.start, m.end, prev_end);
        years.push(Cand {
            start: m.start,
            end: m.end,
            rank: 7,
            values: if accepted {
                vec![text[m.start..m.end].to_string()]
            } else {
                Vec::new()
            },
        });
    }
    // "the 2004 and 2005 model years": the first of a list learns it is a
    // year from the next one.
    for i in (0..years.len().saturating_sub(1)).rev() {
        let (head, tail) = years.split_at_mut(i + 1);
        let (this, next) = (&mut head[i], &tail[0]);
        if this.values.is_empty()
            && !next.values.is_empty()
            && joined_list(text, this.end, next.start)
        {
            this.values = vec![text[this.start..this.end].to_string()];
        }
    }
    years.retain(|y| !y.values.is_empty());
    taken.extend(years);
    taken.sort_by_key(|c| (c.start, c.rank));
    taken
        .into_iter()
        .flat_map(|c| {
            let (start, end) = (c.start, c.end);
            c.values
                .into_iter()
                .map(move |value| Mention { start, end, value })
        })
        .collect()
}

/// Every date the text mentions, ISO 8601 at its precision, each once, in
/// order of first mention. Day-month and month mentions without a year, and
/// weekdays, resolve against `published` and are skipped without it; bare
/// years count only in date context (see [`mentions`] and the module docs).
pub fn mentioned(text: &str, published: Option<NaiveDate>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for m in mentions(text, published) {
        if !out.contains(&m.value) {
            out.push(m.value);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(rx: &Regex, text: &str) -> Vec<Range<usize>> {
        rx.find_iter(text).map(|m| m.range()).collect()
    }

    proptest::proptest! {
        /// A dateline's prefix and suffix are judged as by the patterns
        /// with the credit's bound written in (`{1,30}`), on credits around
        /// the bound, stray parentheses and letters beyond ASCII.
        #[test]
        fn dateline_frames_are_the_bounded_patterns(
            text in r"[ ,]{0,2}((NEW YORK|Moscow|ZÜRICH|São Paulo|O’Brien)[ ,]{0,2}){0,2}(\((Reuters|AP|x{28,32}|Ü{28,32}|Ünal \& Co\.){0,2}\)[ ,:]{0,2}){0,2}(said|\(|\))?"
        ) {
            static BOUNDED: LazyLock<[Regex; 2]> = LazyLock::new(|| {
                [
                    re(r"^(?:\p{Lu}[\p{L}.'’-]*[\s,]*)*(?:\([\p{L} .&]{1,30}\)[\s,]*)?$"),
                    re(r"^[\s,]*(?:\([\p{L} .&]{1,30}\))?[\s,:]*$"),
                ]
            });
            for (rx, bounded) in [&*DL_PREFIX, &*DL_SUFFIX].into_iter().zip(BOUNDED.iter()) {
                proptest::prop_assert_eq!(
                    frames(rx, &text),
                    bounded.is_match(&text),
                    "{:?}",
                    text
                );
            }
        }
    }

    proptest::proptest! {
        /// The one-pass scan of ASCII text finds exactly the regexes'
        /// matches, and gives up on any other text.
        #[test]
        fn ascii_marks_are_the_regex_matches(
            text in "(May|Mayo|Sept|September|Dec|June|Jun|OMay|Friday|Fridays|Sunday|yesterday|YESTERDAY|yEsterday|year|Year|yEaR|years|last|LAST|laSt|this|Next|nexts| year|last year|tHIS YEAR|next  year|_next year|y|Y|2016|20166|016|1999|[ ,.\n\t_-]|x|A|T|[0-9]|é|\u{A0}){0,24}|[0-9a_ .,\\-]{0,80}|([0-9]{3,5}[ a_.-]{0,2}){0,8}|(?s).{0,40}"
        ) {
            let Some(got) = Marks::ascii(&text) else {
                proptest::prop_assert!(!text.is_ascii());
                return Ok(());
            };
            proptest::prop_assert!(text.is_ascii());
            proptest::prop_assert_eq!(got.months, spans(&M_ANY_MONTH, &text));
            proptest::prop_assert_eq!(got.weekdays, spans(&M_WEEKDAY, &text));
            proptest::prop_assert_eq!(got.relative, spans(&M_RELATIVE, &text));
            proptest::prop_assert_eq!(got.years, spans(&M_YEAR, &text));
        }

        /// The bare month regex finds the month words spelt in full, as
        /// [`month_cands`] reads them.
        #[test]
        fn full_months_are_the_month_regex_matches(
            text in "(May|Mayo|Sept|September|Dec|December|June|Jun|OMay|[ ,.\n0-9_]|\u{A0}|é|\u{300}|x){0,12}"
        ) {
            let full: Vec<Range<usize>> = Marks::find(&text, false)
                .months
                .into_iter()
                .filter(|m| MONTH_FULL.split('|').any(|f| text.get(m.clone()) == Some(f)))
                .collect();
            proptest::prop_assert_eq!(full, spans(&M_MONTH, &text));
        }

        /// Trying each month pattern, anchored, at the possible starts finds
        /// exactly what `captures_iter` of the pattern as written finds.
        #[test]
        fn anchored_matches_are_captures_iter(
            text in "([0-9]{1,3}|st|th|of|May|Mayo|Sept|September|Dec|June|Jun|[ ,.\n\t]|\u{A0}|é|_|x){0,14}"
        ) {
            let starts = Starts::find(&text, spans(&M_ANY_MONTH, &text));
            for (which, pattern) in mention_patterns().iter().enumerate() {
                let rx = re(&format!(r"\b{pattern}"));
                let want: Vec<Vec<Option<Range<usize>>>> = rx
                    .captures_iter(&text)
                    .map(|c| c.iter().map(|g| g.map(|m| m.range())).collect())
                    .collect();
                let got: Vec<Vec<Option<Range<usize>>>> = starts
                    .matches(&text, which)
                    .into_iter()
                    .map(|g| g.0)
                    .collect();
                proptest::prop_assert_eq!(got, want, "pattern {}", which);
            }
        }
    }

    proptest::proptest! {
        /// The direct form is chrono's, on both sides of the years it covers.
        #[test]
        fn iso_day_is_chrono_format(year in -500i32..=10_500, ordinal in 1u32..=366) {
            let date = NaiveDate::from_yo_opt(year, ordinal);
            proptest::prop_assume!(date.is_some());
            let date = date.unwrap_or_default();
            proptest::prop_assert_eq!(iso_day(date), date.format("%Y-%m-%d").to_string());
        }
    }

    #[test]
    fn iso_day_edges() {
        for (y, m, dd) in [
            (0, 1, 1),
            (1, 2, 3),
            (999, 12, 31),
            (9999, 12, 31),
            (10000, 1, 1),
            (-1, 6, 30),
        ] {
            let date = NaiveDate::from_ymd_opt(y, m, dd).expect("valid test date");
            assert_eq!(iso_day(date), date.format("%Y-%m-%d").to_string());
        }
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
    }

    #[test]
    fn parse_published_table() {
        let cases: &[(&str, Option<&str>)] = &[
            ("2020-09-25", Some("2020-09-25")),
            ("  2020-09-25T10:00:00Z ", Some("2020-09-25")),
            ("2020-09-25T10:00:00+01:00", Some("2020-09-25")),
            ("2020-09-25T23:30:00-05:00", Some("2020-09-25")),
            ("2020/09/25", Some("2020-09-25")),
            ("20200925", Some("2020-09-25")),
            ("20200925T100000Z", Some("2020-09-25")),
            ("Fri, 25 Sep 2020 10:00:00 GMT", Some("2020-09-25")),
            ("25 September 2020", Some("2020-09-25")),
            ("September 25, 2020", Some("2020-09-25")),
            ("Sept. 25, 2020", Some("2020-09-25")),
            ("25-SEP-1987 12:34:56.78", Some("1987-09-25")),
            (" 26-FEB-1987 15:01:01.79", Some("1987-02-26")),
            (" 5-MAR-1987 09:08:22.35", Some("1987-03-05")),
            ("19-OCT-1987 15:37:46.32", Some("1987-10-19")),
            ("\"Published: 2020-09-25\"", Some("2020-09-25")),
            ("25/09/2020", Some("2020-09-25")),
            ("09/25/2020", Some("2020-09-25")),
            ("03/04/2020", None),
            ("2020-02-30", None),
            ("30 February 2020", None),
            ("99999999999999999999", None),
            ("", None),
            ("yesterday", None),
            ("Σεπτέμβριος 2020 ünïcödé", None),
        ];
        for (raw, want) in cases {
            assert_eq!(parse_published(raw), want.map(d), "{raw:?}");
        }
    }

    /// Wherever the hand-read ISO date decides, the patterns decide the
    /// same: on the table's edge cases here, and on any string shaped like
    /// one below.
    #[test]
    fn leading_iso_agrees_with_the_patterns() {
        for s in [
            "1987-02-26T15:01:01",
            "2020/09/25",
            "2020.09.25 10:00",
            "2020-02-30",
            "2020-13-01",
            "0999-01-01",
            "2020-09-251",
            "2020-9-25",
            "2020-09-2",
            "2020-0x-25",
            "2020-09-25-",
            "2020-09-25é",
        ] {
            if let Some(day) = leading_iso(s) {
                assert_eq!(by_patterns(s), Some(day), "{s:?}");
            }
        }
        assert_eq!(leading_iso("1987-02-26T15:01:01"), Some(d("1987-02-26")));
        assert_eq!(leading_iso("2020-02-30"), None);
        assert_eq!(leading_iso("2020-09-251"), None);
    }

    proptest::proptest! {
        #[test]
        fn leading_iso_agrees_on_any_iso_shape(
            s in "[0-9]{4}[-/.x][0-9x]{1,3}[-/.][0-9]{1,3}[-T 0-9:.Z+a]{0,8}"
        ) {
            if let Some(day) = leading_iso(&s) {
                proptest::prop_assert_eq!(by_patterns(&s), Some(day));
            }
            proptest::prop_assert_eq!(
                parse_published(&s),
                by_patterns(s.trim_matches(char::is_whitespace))
            );
        }
    }

    #[test]
    fn dateline_table() {
        type Case<'a> = (&'a str, Option<&'a str>, Option<(u32, u32)>);
        let cases: &[Case] = &[
            (
                "LONDON 1996-08-30\n\nShares rose.",
                Some("1996-08-30"),
                Some((8, 30)),
            ),
            // CoNLL-2003: headline (with its own " - "), then the dateline line.
            (
                "CRICKET - LEICESTERSHIRE TAKE OVER AT TOP.\nLONDON 1996-08-30\nWest Indian all-rounder",
                Some("1996-08-30"),
                Some((8, 30)),
            ),
            // Reuters-21578 <DATELINE> text: no year.
            ("    LOS ANGELES, Feb 26 - ", None, Some((2, 26))),
            (
                "    LONDON, March 9 - The Bank of England said",
                None,
                Some((3, 9)),
            ),
            ("MOSCOW, Aug. 23 - Russia said", None, Some((8, 23))),
            ("WASHINGTON (Reuters) - The US said", None, None),
            ("Sept 25 (Reuters) - Oil rose", None, Some((9, 25))),
            (
                "LONDON, Sept 25, 2020 - Shares fell",
                Some("2020-09-25"),
                Some((9, 25)),
            ),
            ("NEW YORK, Feb 26 -\nText", None, Some((2, 26))),
            (
                "LONDON, 25 September 2020 (Reuters) - x",
                Some("2020-09-25"),
                Some((9, 25)),
            ),
            ("On September 25, 2020 - the day", None, None),
            (
                "The minister said on 25 September 2020 that a long sentence follows here and goes on.",
                None,
                None,
            ),
            ("LONDON, Feb 30 - x", None, None),
            ("", None, None),
            ("ZÜRICH 1996-08-30", Some("1996-08-30"), Some((8, 30))),
        ];
        for (body, want, md) in cases {
            assert_eq!(from_dateline(body), want.map(d), "{body:?}");
            assert_eq!(dateline_month_day(body), *md, "{body:?}");
        }
        // Only the top of the body counts.
        let late = format!("{}\nLONDON 1996-08-30", "word ".repeat(60));
        assert_eq!(from_dateline(&late), None);
    }

    #[test]
    fn file_name_table() {
        let cases: &[(&str, Option<&str>)] = &[
            ("2020-09-25-putin-pact.txt", Some("2020-09-25")),
            ("20200925_story.html", Some("2020-09-25")),
            ("putin_2020_09_25.md", Some("2020-09-25")),
            ("archive/2020/09/25/story.html", Some("2020-09-25")),
            ("1234567890.txt", None),
            ("2020-02-30-x.txt", None),
            ("20201399.txt", None),
            ("story-12020092512.txt", None),
            ("report-1850-01-01.txt", None),
            ("plain.txt", None),
            ("ünï-2020-09-25-ç.txt", Some("2020-09-25")),
        ];
        for (name, want) in cases {
            assert_eq!(from_file_name(name), want.map(d), "{name:?}");
        }
    }

    #[test]
    fn mentioned_table() {
        let pub_ = Some(d("2020-09-25")); // a Friday
        let cases: &[(&str, Option<NaiveDate>, &[&str])] = &[
            ("on 9 September the US", pub_, &["2020-09-09"]),
            ("on September 9 the US", pub_, &["2020-09-09"]),
            ("on 9 September 2020", None, &["2020-09-09"]),
            ("on 9 September", None, &[]),
            ("on 9th of September 2019", None, &["2019-09-09"]),
            ("September 25, 2020", None, &["2020-09-25"]),
            ("Sept. 25, 2020", None, &["2020-09-25"]),
            ("on 30 February 2020", None, &[]),
            ("on 20 December", pub_, &["2020-12-20"]),
            ("on 20 December", Some(d("2020-03-01")), &["2019-12-20"]),
            ("on 20 December", Some(d("2020-12-01")), &["2020-12-20"]),
            ("in March last year", pub_, &["2019-03"]),
            ("in August", pub_, &["2020-08"]),
            ("in August", None, &[]),
            ("In August, Oleg", pub_, &["2020-08"]),
            ("in December", pub_, &["2020-12"]),
            ("in December", Some(d("2020-03-01")), &["2019-12"]),
            ("in December", Some(d("2020-07-01")), &["2020-12"]),
            ("mid-August", pub_, &["2020-08"]),
            ("last November", pub_, &["2019-11"]),
            ("next January", pub_, &["2021-01"]),
            ("in September 2020", None, &["2020-09"]),
            ("Theresa May said", pub_, &[]),
            ("Theresa May 10 Downing", pub_, &[]),
            ("a letter from May", pub_, &[]),
            ("since May", pub_, &["2020-05"]),
            ("on May 5", pub_, &["2020-05-05"]),
            ("it may rain in May", pub_, &["2020-05"]),
            ("on Friday", pub_, &["2020-09-25"]),
            ("on Friday", None, &[]),
            ("on Monday", pub_, &["2020-09-21"]),
            ("last Friday", pub_, &["2020-09-18"]),
            ("next Monday", pub_, &["2020-09-28"]),
            ("Good Friday", pub_, &[]),
            ("the Mail on Sunday", pub_, &[]),
            ("the Sunday Times", pub_, &[]),
            ("on Friday, 25 September 2020", pub_, &["2020-09-25"]),
            ("yesterday", pub_, &["2020-09-24"]),
            ("over the last year", pub_, &[]),
            ("since 2007", None, &["2007"]),
            ("since at least 2007 – when", None, &["2007"]),
            ("in 2017", None, &["2017"]),
            ("the 2016 US presidential election", None, &["2016"]),
            ("a 1972 US-Soviet treaty", None, &["1972"]),
            ("the 1991 Chemical Weapons Act", None, &["1991"]),
            ("the 2005 general election", None, &["2005"]),
            ("between 2004 and 2007", None, &["2004", "2007"]),
            ("in 2004, 2005 and 2006", None, &["2004", "2005", "2006"]),
            ("the 2019-20 season", None, &["2019", "2020"]),
            ("in 1999/00", None, &["1999", "2000"]),
            ("mid-2016", None, &["2016"]),
            ("Ray (2004) won", None, &["2004"]),
            ("ISO 1996-08-30 here", None, &["1996-08-30"]),
            ("1,972 votes", None, &[]),
            ("2016 points", None, &[]),
            ("in 2016 points", None, &[]),
            ("£2016", None, &[]),
            ("2016 people", None, &[]),
            ("the 2016 people", None, &[]),
            ("Boeing 2016", None, &[]),
            ("the 1990s", None, &[]),
            ("the 1990's", None, &[]),
            ("since the mid 1990's", None, &[]),
            ("2003's figures", None, &["2003"]),
            ("between 2000 and 2100 GMT", None, &[]),
            ("at 2030 local time", None, &[]),
            ("COVID-19 and COVID-2019", None, &[]),
            ("WhatsApp: +447747873668.", None, &[]),
            ("call +44 7747 2016 668", None, &[]),
            ("three-quarters of", None, &[]),
            ("2016.5 and 2016%", None, &[]),
            ("in 3000", None, &[]),
            ("in 1850", None, &[]),
            ("in 2016 and in 2016", None, &["2016"]),
            ("2004 was a good year", None, &["2004"]),
            ("2000 were killed", None, &[]),
            ("well above 2003's level", None, &["2003"]),
            ("up 2.6% on 2003.", None, &["2003"]),
            ("dating back to 1993", None, &["1993"]),
            ("the 2002 champion", None, &["2002"]),
            ("the 2000 refugees", None, &[]),
            ("It is a 2048-bit number", None, &[]),
            ("the 2004 and 2005 model years", None, &["2004", "2005"]),
            ("in either 2006 or 2007", None, &["2006", "2007"]),
            (
                "in 2003/4 and 2000-1",
                None,
                &["2003", "2004", "2000", "2001"],
            ),
            ("his 1973-90 rule", None, &["1973", "1990"]),
            ("the Terrorism Act 2000", None, &["2000"]),
            ("a 2020-09 report", None, &["2020-09"]),
            ("Windows 95, 98, ME, NT, 2000 and XP", None, &[]),
        ];
        // Collect every miss so one run shows them all.
        let misses: Vec<String> = cases
            .iter()
            .filter_map(|(text, published, want)| {
                let got = mentioned(text, *published);
                (got != *want)
                    .then(|| format!("{text:?} ({published:?}): got {got:?}, want {want:?}"))
            })
            .collect();
        assert!(misses.is_empty(), "\n{}", misses.join("\n"));
    }

    #[test]
    fn never_panics_on_odd_input() {
        let odd = [
            "",
            " ",
            "ü",
            "9 Sept",
            "May",
            "Friday",
            "2016",
            "-2016",
            "(2016",
            "2016)",
            "—2016—",
            "on 99 September",
            "on 0 May",
            "on 31 April",
            "in 9999999999999999999999",
            "29 February",
            "Friday 29 February",
            "ßMay 5ü",
            "on Friday's",
            "2019-2",
            "mid-",
        ];
        for s in odd {
            for p in [
                None,
                Some(d("2020-02-29")),
                NaiveDate::from_ymd_opt(1, 1, 1),
                Some(NaiveDate::MAX),
                Some(NaiveDate::MIN),
            ] {
                let _ = mentioned(s, p);
            }
            let _ = (parse_published(s), from_dateline(s), from_file_name(s));
        }
    }

    /// The project's seed article, when present next to the repo.
    #[test]
    fn seed_cyber_pact() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/seed/cyber-pact.txt");
        let Ok(text) = std::fs::read_to_string(path) else {
            eprintln!("skipping: {path} not found");
            return;
        };
        let got = mentioned(&text, Some(d("2020-09-25")));
        for want in [
            "2020-09-25",
            "1972",
            "2007",
            "2016",
            "2020-09-09",
            "2020-08",
            "2017",
            "1991",
        ] {
            assert!(got.iter().any(|g| g == want), "missing {want} in {got:?}");
        }
        assert_eq!(got.len(), 8, "unexpected extras in {got:?}");
        let bare = mentioned(&text, None);
        assert_eq!(bare, ["1972", "2007", "2016", "2017", "1991"]);
    }
}
