//! Stage: extract bylines. In: a cleaned article body (plain text, paragraphs
//! separated by a blank line), or one block that cleaning removed. Out: the
//! byline paragraph's authors, outlet and date ([`parse`]), the body without
//! that paragraph ([`split_body`]), and the reporters named in a wire credit
//! such as "(Reporting by Helen Marsh; Editing by Ruth Calloway)"
//! ([`credit_authors`]).
//!
//! Plain-text and Markdown files carry no author metadata: the byline is a
//! body paragraph ("By Priya Raman, Climate Reporter", "By Lena Hoffmann —
//! Harbour Gazette Sport — 15 July 2024"). Left in, it shows as the first
//! line of every snippet and its names and job titles pass as people.
//!
//! Pure and total: `&str` in, value out, no I/O, no panic. It does not look
//! past the first two paragraphs, and it does not take a story sentence that
//! happens to start with "By" ("By Friday the talks had collapsed.", "By
//! 2030, emissions ..."): the whole paragraph must read as names plus an
//! optional role, place, outlet and date, with no sentence-final stop.

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

use super::dates;

/// What a byline paragraph says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Byline {
    /// The writers, as written ("Priya Raman").
    pub authors: Vec<String>,
    /// The publication it names, section words dropped ("Harbour Gazette").
    pub outlet: Option<String>,
    /// A date it gives ("15 July 2024").
    pub date: Option<NaiveDate>,
}

/// Longest byline, in words: a byline is a label, not a sentence.
const MAX_WORDS: usize = 20;

/// Words that make a comma part a job title, not another author ("Climate
/// Reporter", "Technology Editor", "Europe correspondent").
const ROLE_WORDS: &[&str] = &[
    "reporter",
    "reporters",
    "correspondent",
    "correspondents",
    "editor",
    "editors",
    "writer",
    "writers",
    "columnist",
    "analyst",
    "producer",
    "staff",
    "contributor",
    "critic",
    "chief",
    "bureau",
    "desk",
    "journalist",
    "presenter",
    "commentator",
    "author",
    "team",
    "staffer",
];

/// Capitalised words that open a time phrase, not a name: "By Monday
/// Morning", "By Christmas Eve".
const NOT_NAME_START: &[&str] = &[
    "the",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "christmas",
    "easter",
    "new",
    "next",
    "last",
    "this",
    "then",
    "now",
];

/// Lowercase particles that may sit inside a name ("Ursula von der Leyen").
const PARTICLES: &[&str] = &[
    "de", "van", "von", "der", "den", "da", "di", "du", "del", "della", "dos", "das", "le", "la",
    "al", "bin", "ibn", "ter", "ten", "y",
];

/// Section names an outlet may carry after its name ("Harbour Gazette
/// Sport"): the publication is the name without them.
const SECTIONS: &[&str] = &[
    "sport",
    "sports",
    "business",
    "politics",
    "world",
    "opinion",
    "culture",
    "science",
    "technology",
    "tech",
    "travel",
    "money",
    "health",
    "environment",
    "lifestyle",
    "entertainment",
];

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("static regex is valid")
}

/// Parse one paragraph as a byline; `None` when it is anything else.
pub fn parse(paragraph: &str) -> Option<Byline> {
    // Markdown emphasis may survive parsing ("*By Lena Hoffmann*").
    let text = paragraph.trim().trim_matches(['*', '_']).trim();
    let rest = text
        .strip_prefix("By ")
        .or_else(|| text.strip_prefix("BY "))?
        .trim();
    if text.contains('\n')
        || text.split_whitespace().count() > MAX_WORDS
        || rest.ends_with(['.', '!', '?', ':', ';'])
    {
        return None;
    }
    // " — Outlet — Date" segments.
    static SEPARATOR: LazyLock<Regex> = LazyLock::new(|| re(r"\s+[—–|]\s+|\s+-\s+"));
    let mut segments = SEPARATOR.split(rest);
    let names_part = segments.next()?;
    let mut byline = Byline::default();
    for seg in segments {
        let seg = seg.trim();
        if let Some(d) = dates::parse_published(seg) {
            byline.date = byline.date.or(Some(d));
        } else if let Some(o) = outlet(seg) {
            byline.outlet = byline.outlet.or(Some(o));
        } else {
            return None;
        }
    }
    byline.authors = names(names_part)?;
    Some(byline)
}

/// The authors of a names part: "Priya Raman, Climate Reporter", "Claire
/// Dufresne in Paris", "Anna Karlsson and Daniel Brooks". `None` when a part
/// is neither a name nor a role, or no name is found.
fn names(part: &str) -> Option<Vec<String>> {
    // " in Paris", " in New York": where the writer filed from.
    static PLACE: LazyLock<Regex> =
        LazyLock::new(|| re(r"\s+in\s+\p{Lu}[\p{L}'’.-]*(?:\s+\p{Lu}[\p{L}'’.-]*){0,3}$"));
    static LIST: LazyLock<Regex> = LazyLock::new(|| re(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*"));
    let mut authors = Vec::new();
    for item in LIST.split(part.trim()) {
        let item = PLACE.replace(item.trim(), "");
        let item = item.trim();
        if is_role(item) {
            // A role describes the name before it; it never comes first.
            if authors.is_empty() {
                return None;
            }
        } else if is_name(item) {
            authors.push(item.to_string());
        } else {
            return None;
        }
    }
    (!authors.is_empty()).then_some(authors)
}

/// A person's name: two to five capitalised words or initials, particles
/// only inside, not opening like a time phrase.
fn is_name(s: &str) -> bool {
    let words: Vec<&str> = s.split_whitespace().collect();
    if !(2..=5).contains(&words.len()) {
        return false;
    }
    let cap = |w: &str| {
        let mut cs = w.chars();
        let initial = w.chars().count() == 2 && w.ends_with('.');
        cs.next().is_some_and(char::is_uppercase)
            && (initial
                || (w.chars().any(char::is_lowercase)
                    && w.chars()
                        .all(|c| c.is_alphabetic() || matches!(c, '\'' | '’' | '-' | '.'))))
    };
    let last = words.len() - 1;
    words.iter().enumerate().all(|(k, w)| {
        let lw = w.to_lowercase();
        if ROLE_WORDS.contains(&lw.as_str()) {
            return false;
        }
        if k == 0 && NOT_NAME_START.contains(&lw.as_str()) {
            return false;
        }
        cap(w) || (k > 0 && k < last && PARTICLES.contains(w))
    })
}

/// A job title after a name: short, with a role word.
fn is_role(s: &str) -> bool {
    let words: Vec<String> = s.split_whitespace().map(str::to_lowercase).collect();
    !words.is_empty() && words.len() <= 6 && words.iter().any(|w| ROLE_WORDS.contains(&w.as_str()))
}

/// An outlet segment: capitalised words (with "of", "and", "the", "&"),
/// trailing section names dropped.
fn outlet(seg: &str) -> Option<String> {
    let words: Vec<&str> = seg.split_whitespace().collect();
    if words.is_empty() || words.len() > 6 {
        return None;
    }
    let ok = words.iter().all(|w| {
        w.chars().next().is_some_and(char::is_uppercase) || matches!(*w, "of" | "and" | "&")
    });
    if !ok {
        return None;
    }
    let mut end = words.len();
    while end > 1 && SECTIONS.contains(&words[end - 1].to_lowercase().as_str()) {
        end -= 1;
    }
    Some(words[..end].join(" "))
}

/// A paragraph that is only a dateline ("MOSCOW", "LONDON, 23 September
/// 2021"): a byline may follow it.
fn is_dateline(p: &str) -> bool {
    static DATELINE: LazyLock<Regex> =
        LazyLock::new(|| re(r"^\p{Lu}{2,}[\p{Lu} .'’-]*(?:,[\p{L}\p{N} ,.]*)?$"));
    p.split_whitespace().count() <= 8 && !p.ends_with('.') && DATELINE.is_match(p.trim())
}

/// The body without its byline paragraph (the first, or the second after a
/// dateline), and the byline. A body that is only a byline is kept whole:
/// an article never loses its only text.
pub fn split_body(body: &str) -> (String, Option<Byline>) {
    // Only the first two paragraphs are looked at, so only they are split
    // off: splitting (and rejoining) the whole body showed in profiles.
    // Splitting at "\n\n" and joining the pieces with it again gives the
    // text back, so what follows a paragraph is the rest of the body as is.
    let mut paras = body.split("\n\n");
    let first = paras.next().unwrap_or_default();
    let second = paras.next();
    let (at, byline) = match parse(first) {
        Some(b) => (0, b),
        None => match second.filter(|_| is_dateline(first)).and_then(parse) {
            Some(b) => (1, b),
            None => return (body.to_string(), None),
        },
    };
    let Some(second) = second else {
        return (body.to_string(), None);
    };
    let after_first = body.get(first.len() + 2..).unwrap_or_default();
    if at == 0 {
        return (after_first.to_string(), Some(byline));
    }
    let mut rest = String::with_capacity(body.len());
    rest.push_str(first);
    if let Some(after_second) = after_first.get(second.len() + 2..) {
        rest.push_str("\n\n");
        rest.push_str(after_second);
    }
    (rest, Some(byline))
}

/// The reporters named in a wire credit: "(Reporting by Helen Marsh and Owen
/// Pryce; Editing by Ruth Calloway)" gives Helen Marsh and Owen Pryce.
/// "Writing by" counts as authorship; editors and graphics do not. Empty
/// when the block is not a credit.
pub fn credit_authors(block: &str) -> Vec<String> {
    static PART: LazyLock<Regex> =
        LazyLock::new(|| re(r"^(?i:(?:additional\s+)?(?:reporting|writing)\s+by)\s+(.+)$"));
    let inner = block
        .trim()
        .trim_end_matches('.')
        .trim_start_matches('(')
        .trim_end_matches(')');
    let mut out = Vec::new();
    for part in inner.split(';') {
        if let Some(c) = PART.captures(part.trim())
            && let Some(found) = c.get(1).and_then(|m| names(m.as_str()))
        {
            out.extend(found);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn authors(p: &str) -> Option<Vec<String>> {
        parse(p).map(|b| b.authors)
    }

    #[test]
    fn bylines_give_authors() {
        let cases: &[(&str, &[&str])] = &[
            ("By Priya Raman, Climate Reporter", &["Priya Raman"]),
            ("By Claire Dufresne in Paris", &["Claire Dufresne"]),
            ("By Anna Karlsson", &["Anna Karlsson"]),
            ("By Marcus Hale, Technology Editor", &["Marcus Hale"]),
            (
                "By Anna Karlsson and Daniel Brooks",
                &["Anna Karlsson", "Daniel Brooks"],
            ),
            ("*By Ursula von der Leyen*", &["Ursula von der Leyen"]),
            ("BY J. K. Rowling in New York", &["J. K. Rowling"]),
        ];
        for (p, want) in cases {
            let want: Vec<String> = want.iter().map(|w| w.to_string()).collect();
            assert_eq!(authors(p), Some(want), "{p}");
        }
    }

    #[test]
    fn byline_tail_gives_outlet_and_date() {
        let b = parse("By Lena Hoffmann — Harbour Gazette Sport — 15 July 2024").expect("a byline");
        assert_eq!(b.authors, ["Lena Hoffmann"]);
        assert_eq!(b.outlet.as_deref(), Some("Harbour Gazette"));
        assert_eq!(b.date, NaiveDate::from_ymd_opt(2024, 7, 15));
    }

    #[test]
    fn story_sentences_are_not_bylines() {
        for p in [
            "By Friday the talks had collapsed.",
            "By 2030, emissions must fall by half",
            "By contrast, the Conservatives lost 20 seats",
            "By Monday Morning",
            "By Tuesday evening the roads had reopened",
            "By the time police arrived, the crowd had gone",
            "By Anna Karlsson.",
            "By Reuters",
            "By Priya Raman — who broke the story in 2019 — and others",
            "Priya Raman, Climate Reporter",
        ] {
            assert_eq!(parse(p), None, "{p}");
        }
    }

    /// `split_body` as first written (split all, drop one, join): the lazy
    /// one must agree on every text.
    fn split_body_reference(body: &str) -> (String, Option<Byline>) {
        let paras: Vec<&str> = body.split("\n\n").collect();
        let at = match paras.first() {
            Some(first) if parse(first).is_some() => 0,
            Some(first)
                if is_dateline(first) && paras.get(1).is_some_and(|p| parse(p).is_some()) =>
            {
                1
            }
            _ => return (body.to_string(), None),
        };
        if paras.len() < 2 {
            return (body.to_string(), None);
        }
        let byline = paras.get(at).and_then(|p| parse(p));
        let rest: Vec<&str> = paras
            .iter()
            .enumerate()
            .filter(|&(k, _)| k != at)
            .map(|(_, p)| *p)
            .collect();
        (rest.join("\n\n"), byline)
    }

    proptest::proptest! {
        #[test]
        fn split_body_agrees_with_the_reference(
            parts in proptest::collection::vec(
                "By Anna Karlsson|LONDON, 23 September|Story\\.|\\n|By Priya Raman, Climate Reporter|[a-z \\n]{0,6}",
                0..6,
            ),
            seps in proptest::collection::vec("\\n\\n|\\n\\n\\n|\\n| ", 6),
        ) {
            let mut body = String::new();
            for (p, sep) in parts.iter().zip(&seps) {
                body.push_str(p);
                body.push_str(sep);
            }
            for text in [body.as_str(), body.trim_end()] {
                proptest::prop_assert_eq!(split_body(text), split_body_reference(text));
            }
        }
    }

    #[test]
    fn split_body_removes_the_byline_paragraph() {
        let (body, b) = split_body("By Anna Karlsson\n\nMOSCOW — Russia has asked.\n\nMore.");
        assert_eq!(body, "MOSCOW — Russia has asked.\n\nMore.");
        assert_eq!(
            b.map(|b| b.authors),
            Some(vec!["Anna Karlsson".to_string()])
        );
        // After a dateline paragraph.
        let (body, b) = split_body("LONDON, 23 September\n\nBy Anna Karlsson\n\nStory.");
        assert_eq!(body, "LONDON, 23 September\n\nStory.");
        assert!(b.is_some());
        // Not in the third paragraph, and never a story's first sentence.
        let text = "Story.\n\nMore.\n\nBy Anna Karlsson";
        assert_eq!(split_body(text), (text.to_string(), None));
        let text = "By Friday the talks had collapsed.\n\nMore.";
        assert_eq!(split_body(text), (text.to_string(), None));
        // A body that is only a byline stays.
        assert_eq!(split_body("By Anna Karlsson").0, "By Anna Karlsson");
    }

    #[test]
    fn wire_credits_name_the_reporters() {
        assert_eq!(
            credit_authors("(Reporting by Helen Marsh and Owen Pryce; Editing by Ruth Calloway)"),
            ["Helen Marsh", "Owen Pryce"]
        );
        assert_eq!(
            credit_authors("Additional reporting by Tom Ashworth in London"),
            ["Tom Ashworth"]
        );
        assert!(credit_authors("(Editing by Ruth Calloway)").is_empty());
        assert!(credit_authors("Reporting by the BBC revealed the scandal.").is_empty());
    }
}
