//! Stage: extract source. In: a publication name or host from metadata
//! ([`normalize`]), or an article body plus the boilerplate blocks cleaning
//! removed from it ([`from_text`]). Out: one canonical publication name, so
//! that "theguardian.com", "Guardian" and "The Guardian" facet as one source.
//!
//! Pure and total: no I/O, no panics. It does not look anything up: names come
//! from a small alias table of well-known publications plus a generic rule for
//! the rest, and from the text's own signature (footers, "(Reuters) -"
//! credits, "send your news to news@..." addresses). It does not try to tell a
//! wire service from the site that republished it beyond the priority order
//! documented on [`from_text`].

use std::sync::LazyLock;

use memchr::memmem;
use regex::Regex;

use crate::clean::rules::{Cues, TextRegex};

/// Well-known publications: canonical name, then aliases. Aliases are
/// matching keys: lowercase, without a leading "the", "&" spelled "and";
/// hosts appear as their registrable label ("theguardian" for
/// www.theguardian.com). A canonical name keeps its leading "The" because the
/// publication styles itself so.
const PUBLICATIONS: &[(&str, &[&str])] = &[
    (
        "The Guardian",
        &[
            "guardian",
            "theguardian",
            "guardian news and media",
            "guardian unlimited",
            "guardian.co.uk",
        ],
    ),
    (
        "BBC News",
        &[
            "bbc",
            "bbc news",
            "bbc news online",
            "bbc online",
            "british broadcasting corporation",
        ],
    ),
    ("Reuters", &["reuters", "thomson reuters", "reuters news"]),
    (
        "The New York Times",
        &["new york times", "nytimes", "nyt", "ny times"],
    ),
    (
        "The Washington Post",
        &["washington post", "washingtonpost", "wapo"],
    ),
    (
        "Associated Press",
        &["ap", "associated press", "apnews", "ap news"],
    ),
    (
        "Agence France-Presse",
        &["afp", "agence france-presse", "agence france presse"],
    ),
    ("CNN", &["cnn", "cable news network"]),
    (
        "Al Jazeera",
        &[
            "al jazeera",
            "aljazeera",
            "al-jazeera",
            "al jazeera english",
        ],
    ),
    ("Financial Times", &["financial times", "ft"]),
    ("The Wall Street Journal", &["wall street journal", "wsj"]),
    ("Bloomberg", &["bloomberg", "bloomberg news"]),
    ("The Independent", &["independent"]),
    (
        "Daily Mail",
        &["daily mail", "dailymail", "mail online", "mailonline"],
    ),
    ("The Telegraph", &["telegraph", "daily telegraph"]),
    ("Le Monde", &["le monde", "lemonde"]),
    ("Der Spiegel", &["der spiegel", "spiegel", "spiegel online"]),
    ("NPR", &["npr", "national public radio"]),
    ("Fox News", &["fox news", "foxnews"]),
    ("Politico", &["politico"]),
    ("The Times", &["times", "thetimes", "times of london"]),
];

/// Second-level labels under a country code that are not the publication's
/// name: "bbc.co.uk" is BBC, not "Co".
const SECOND_LEVEL: &[&str] = &["co", "com", "org", "net", "ac", "gov", "edu", "ltd", "plc"];

/// Subdomains and labels that never name a publication.
const NOT_A_NAME: &[&str] = &["www", "m", "mobile", "amp", ""];

static HOST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}$").expect("static pattern is valid")
});

/// The matching key of a name: lowercase, one space, no leading "the", "&"
/// as "and", no edge punctuation.
fn key(name: &str) -> String {
    let lower = name.to_lowercase().replace('&', " and ");
    let mut k = lower.split_whitespace().collect::<Vec<_>>().join(" ");
    k = k.trim_matches(|c: char| !c.is_alphanumeric()).to_string();
    if k == "the" {
        return String::new();
    }
    match k.strip_prefix("the ") {
        Some(rest) => rest.to_string(),
        None => k,
    }
}

/// If `s` is a host or URL, its registrable label: "www.theguardian.com" ->
/// "theguardian", "news.bbc.co.uk" -> "bbc", `https://edition.cnn.com/x` -> "cnn".
pub fn host_label(s: &str) -> Option<String> {
    let s = s.trim().to_lowercase();
    let s = s.split_once("://").map_or(s.as_str(), |(_, rest)| rest);
    let host = s.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host = host.split(':').next().unwrap_or("").trim_end_matches('.');
    if !HOST.is_match(host) {
        return None;
    }
    let mut labels: Vec<&str> = host.split('.').collect();
    labels.pop(); // the TLD
    if labels.len() >= 2 && labels.last().is_some_and(|l| SECOND_LEVEL.contains(l)) {
        labels.pop();
    }
    let label = labels.last().copied().filter(|l| !NOT_A_NAME.contains(l))?;
    Some(label.to_string())
}

/// The [`key`] of each canonical name in [`PUBLICATIONS`], in table order:
/// [`alias`] runs for every article's source, and computing the keys there
/// took several allocations per table row.
static CANONICAL_KEYS: LazyLock<Vec<String>> =
    LazyLock::new(|| PUBLICATIONS.iter().map(|(c, _)| key(c)).collect());

fn alias(k: &str) -> Option<&'static str> {
    PUBLICATIONS
        .iter()
        .zip(CANONICAL_KEYS.iter())
        .find(|((_, aliases), canonical_key)| *canonical_key == k || aliases.contains(&k))
        .map(|((canonical, _), _)| *canonical)
}

/// Normalize a publication name so one publication is one source.
///
/// Known publications map to their canonical name through the alias table
/// (matching ignores case and a leading "the": "guardian.com",
/// "www.theguardian.com", "Guardian" -> "The Guardian"; "bbc.co.uk", "BBC"
/// -> "BBC News"). Other hosts become their capitalized registrable label
/// ("climaxnewsroom.com" -> "Climaxnewsroom"). Other names are trimmed, spaces
/// collapsed and edge punctuation dropped; a leading "The" is kept, as the
/// publication wrote it. Never empty for
/// input with any non-space character: the trimmed input is the fallback.
pub fn normalize(name: &str) -> String {
    // A folder's articles name the same few publications over and over
    // (every Reuters record says "Reuters"), so each thread remembers its
    // last answer: the collect, join and alias lookups were 0.5% of ingest.
    thread_local! {
        static LAST: std::cell::RefCell<(String, String)> =
            const { std::cell::RefCell::new((String::new(), String::new())) };
    }
    LAST.with_borrow_mut(|(input, output)| {
        if input != name {
            *output = normalize_uncached(name);
            input.clear();
            input.push_str(name);
        }
        output.clone()
    })
}

fn normalize_uncached(name: &str) -> String {
    let trimmed = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if trimmed.is_empty() {
        return trimmed;
    }
    if let Some(label) = host_label(&trimmed) {
        if let Some(canonical) = alias(&label) {
            return canonical.to_string();
        }
        let mut chars = label.chars();
        if let Some(first) = chars.next() {
            return first.to_uppercase().chain(chars).collect();
        }
    }
    if let Some(canonical) = alias(&key(&trimmed)) {
        return canonical.to_string();
    }
    let bare = trimmed.trim_matches(|c: char| !c.is_alphanumeric() && c != ')' && c != '(');
    // An unknown publication keeps its own "The": it is how it signs
    // ("The Climax News Room"); known ones were canonicalized above.
    if bare.is_empty() {
        trimmed
    } else {
        bare.to_string()
    }
}

/// A publication name in running text: capitalized words, possibly joined by
/// "of"/"and"/"&"/"for", optionally after "The". Periods end it except in
/// initials ("U.S."), so a sentence end never glues two names together.
const NAME: &str = r"((?:The\s+)?(?:(?:\p{Lu}\.){2,}|\p{Lu}[\p{L}\p{N}'’&-]*)(?:[ \t]+(?:(?:of|and|for|&)[ \t]+)?(?:(?:\p{Lu}\.){2,}|\p{Lu}[\p{L}\p{N}'’&-]*)){0,5})";

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("static pattern is valid")
}

/// Appeals that name the publication: "please consider donating to X".
static DONATE: LazyLock<TextRegex> =
    LazyLock::new(|| TextRegex::new(format!(r"(?i:\bdonat(?:e|es|ing|ion|ions)\s+to)\s+{NAME}")));
/// "support X" only counts in removed boilerplate: in an article "to support
/// Ukraine" names a country, not the publisher.
static SUPPORT: LazyLock<TextRegex> =
    LazyLock::new(|| TextRegex::new(format!(r"(?i:\bsupport)\s+{NAME}")));
/// "© 2020 X", "Copyright (c) 2019-2020 X".
static COPYRIGHT: LazyLock<TextRegex> = LazyLock::new(|| {
    TextRegex::new(format!(
        r"(?:©|\((?i:c)\)|(?i:\bcopyright\b))\s*(?:©\s*)?(?:[0-9]{{4}}(?:\s*[-–]\s*[0-9]{{4}})?\s*,?\s*)?{NAME}"
    ))
});
/// "The Climax News Room", "Acme Newsroom".
static NEWSROOM: LazyLock<TextRegex> = LazyLock::new(|| {
    TextRegex::new(
        r"((?:The[ \t]+)?(?:\p{Lu}[\p{L}\p{N}'’&-]*[ \t]+){1,4}(?:News[ \t]?[Rr]oom|Newsroom))\b",
    )
});
/// Wire credits at the top: "WASHINGTON (Reuters) -", "(AP) —". The
/// name's length bound ([`CREDIT_CHARS`]) is checked on each match by
/// [`credit_name`], not written in the pattern: `[\p{L}...]{0,30}` is a
/// Unicode class compiled thirty times, 14 ms to build for the first text
/// beyond plain ASCII, against about 1 ms for this pattern.
static CREDIT: LazyLock<TextRegex> =
    LazyLock::new(|| TextRegex::new(r"\((\p{Lu}[\p{L}.&' -]*)\)\s*(?:-{1,2}|–|—)"));
/// The longest wire credit name, in characters.
const CREDIT_CHARS: usize = 31;
static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| re(r"[A-Za-z0-9._%+-]+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)"));
/// Blocks where an address is the publication's own: "Send your news to".
static EMAIL_CONTEXT: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\b(?:send|news|tips?|contact|email|e-mail|write to|stories)\b"));

/// Free mail hosts say nothing about the publication.
const FREE_MAIL: &[&str] = &[
    "gmail",
    "googlemail",
    "yahoo",
    "hotmail",
    "outlook",
    "live",
    "aol",
    "icloud",
    "protonmail",
    "proton",
    "gmx",
    "mail",
    "yandex",
    "msn",
];
/// Corporate suffixes of a copyright holder: "Guardian News & Media Limited".
const CORPORATE: &[&str] = &[
    "Limited", "Ltd", "Inc", "LLC", "plc", "PLC", "Corp", "GmbH", "SA", "AG",
];
/// Capitalized words that follow the patterns but are not publications.
const NOT_PUBLICATIONS: &[&str] = &["us", "our", "we", "me", "it", "this", "them", "all", "you"];

/// Longest stretch of any block we search; footers are short, and this keeps
/// the cost flat for pathological input.
const BLOCK_CHARS: usize = 5000;

/// The first `n` characters of `s`. A string of at most `n` bytes has at
/// most `n` characters, so it is returned without walking it: the walk of
/// up to 5000 characters per block was a sixth of this stage's profile.
fn head_chars(s: &str, n: usize) -> &str {
    if s.len() <= n {
        return s;
    }
    match s.char_indices().nth(n) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// The last `n` characters of `s` (all of it for `n == 0`, as first
/// written). Short strings are returned as they are, longer ones walked from
/// the end only: counting every character first cost as much as the scan.
fn tail_chars(s: &str, n: usize) -> &str {
    if s.len() <= n || n == 0 {
        return s;
    }
    match s.char_indices().rev().nth(n - 1) {
        Some((i, _)) => &s[i..],
        None => s,
    }
}

/// Clean a captured name: drop corporate suffixes and edge punctuation,
/// reject pronouns and bare "The".
fn accept_name(raw: &str) -> Option<String> {
    let mut words: Vec<&str> = raw.split_whitespace().collect();
    while words
        .last()
        .is_some_and(|w| CORPORATE.contains(&w.trim_end_matches(['.', ','])))
    {
        words.pop();
    }
    while words
        .last()
        .is_some_and(|w| matches!(*w, "and" | "of" | "for" | "&"))
    {
        words.pop();
    }
    let name = words.join(" ");
    let name = name.trim_matches(|c: char| !c.is_alphanumeric());
    let k = key(name);
    if k.is_empty() || NOT_PUBLICATIONS.contains(&k.as_str()) {
        return None;
    }
    Some(normalize(name))
}

/// Words every match of a pattern holds, one bit per pattern, found in one
/// scan of a block ([`scan_cues`], which also covers the patterns'
/// case-blind `s` matching `ſ`): nearly every block holds none, and the
/// patterns' Unicode classes made them most of this stage's time.
const DONATE_CUE: u8 = 1;
const COPYRIGHT_CUE: u8 = 1 << 1;
const NEWSROOM_CUE: u8 = 1 << 2;
const SUPPORT_CUE: u8 = 1 << 3;
/// The cue words, each with its bit, scanned for by `clean`'s [`Cues`]
/// (a SIMD search over a lowercased copy; see [`Cues::scan`]). The
/// NEWSROOM pattern wants "News" as written; the scan ignores case.
static CUES: LazyLock<Cues> = LazyLock::new(|| {
    Cues::with_bits(&[
        (DONATE_CUE, &["donat"]),
        (COPYRIGHT_CUE, &["copyright", "(c)", "©"]),
        (NEWSROOM_CUE, &["news"]),
        (SUPPORT_CUE, &["support"]),
    ])
});

/// Which of the patterns' cue words `text` holds ([`CUES`]).
///
/// Was a byte-pair bit table walked a byte at a time (about ten
/// instructions a byte, 2.4% of a BBC ingest's); the SIMD search
/// costs a fraction of that.
fn scan_cues(text: &str) -> u8 {
    CUES.scan(text)
}

/// An explicitly named publication in `block`; `appeals` admits "support X".
/// Each pattern runs only on a block holding its cue words ([`scan_cues`]).
fn explicit_name(block: &str, appeals: bool) -> Option<String> {
    let block = head_chars(block, BLOCK_CHARS);
    let mut cues = scan_cues(block);
    if !appeals {
        cues &= !SUPPORT_CUE;
    }
    // An array, not a Vec per call; a pattern is compiled on first use.
    let patterns: [(&LazyLock<TextRegex>, u8); 4] = [
        (&DONATE, DONATE_CUE),
        (&COPYRIGHT, COPYRIGHT_CUE),
        (&NEWSROOM, NEWSROOM_CUE),
        (&SUPPORT, SUPPORT_CUE),
    ];
    patterns
        .into_iter()
        .filter(|&(_, cue)| cues & cue != 0)
        .filter(|&(_, cue)| cue != NEWSROOM_CUE || says_newsroom(block))
        .find_map(|(rx, _)| {
            rx.captures(block)
                .and_then(|c| c.get(1))
                .and_then(|m| accept_name(m.as_str()))
        })
}

/// Whether `block` holds the words every [`NEWSROOM`] match ends with:
/// "News", a space or tab or nothing, then "room" or "Room" (the pattern is
/// case-sensitive). The cue scan's "news" passes most stories, and the
/// pattern's exact form, four copies of a Unicode capitalized word, took
/// 8.8 ms to build for the first story beyond plain ASCII, of 22-26 ms
/// for all the regexes a BBC ingest builds (timed per build).
fn says_newsroom(block: &str) -> bool {
    let bytes = block.as_bytes();
    memmem::find_iter(bytes, b"News").any(|i| {
        let rest = bytes.get(i + 4..).unwrap_or_default();
        let rest = match rest {
            [b' ' | b'\t', after @ ..] => after,
            _ => rest,
        };
        rest.starts_with(b"room") || rest.starts_with(b"Room")
    })
}

fn email_name(block: &str) -> Option<String> {
    let block = head_chars(block, BLOCK_CHARS);
    // No address without an '@': skip the context pattern.
    if !block.contains('@') || !EMAIL_CONTEXT.is_match(block) {
        return None;
    }
    EMAIL.captures_iter(block).find_map(|c| {
        let host = c.get(1)?.as_str();
        let label = host_label(host)?;
        (!FREE_MAIL.contains(&label.as_str())).then(|| normalize(host))
    })
}

fn credit_name(first: &str) -> Option<String> {
    accept_name(credit(head_chars(first, 300))?.as_str())
}

/// The first wire credit name of `head` no longer than [`CREDIT_CHARS`]:
/// what `\((\p{Lu}[\p{L}.&' -]{0,30}?)\)\s*(?:-{1,2}|–|—)` captures. The
/// name's class holds no parenthesis, so each `(` opens one candidate (the
/// text up to the next `)`), and no candidate holds another's `(`:
/// skipping a long one skips no other.
fn credit(head: &str) -> Option<regex::Match<'_>> {
    CREDIT
        .captures_iter(head)
        .filter_map(|c| c.get(1))
        .find(|name| name.as_str().chars().count() <= CREDIT_CHARS)
}

/// Paragraphs of a body: blank-line separated, or line separated when the
/// text has no blank lines. The reference [`Ends`] is tested against.
#[cfg(test)]
fn paragraphs(body: &str) -> Vec<&str> {
    let blank: Vec<&str> = body
        .split("\n\n")
        .flat_map(|p| p.split("\r\n\r\n"))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if blank.len() > 1 {
        return blank;
    }
    body.lines()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

static BLANK_LINE: LazyLock<memmem::Finder<'static>> =
    LazyLock::new(|| memmem::Finder::new("\n\n"));
static CRLF_BLANK_LINE: LazyLock<memmem::Finder<'static>> =
    LazyLock::new(|| memmem::Finder::new("\r\n\r\n"));

/// Calls `f` with each piece of `text` between non-overlapping matches of
/// `sep`, leftmost first: `str::split` with a SIMD search.
fn split_each<'a>(text: &'a str, sep: &memmem::Finder<'_>, mut f: impl FnMut(&'a str)) {
    let mut start = 0;
    for at in sep.find_iter(text.as_bytes()) {
        // Matches of a whole UTF-8 needle fall on character boundaries.
        f(text.get(start..at).unwrap_or_default());
        start = at + sep.needle().len();
    }
    f(text.get(start..).unwrap_or_default());
}

/// The paragraphs [`from_text`] reads: the first and the last three (as
/// [`paragraphs`] splits them), found without a list of all of them. The
/// list, and `str::split`'s scalar Two-Way search for "\n\n" and
/// "\r\n\r\n" in every paragraph, were a fifth of this stage.
#[derive(Default)]
struct Ends<'a> {
    first: Option<&'a str>,
    /// The last three seen, as a ring indexed by `n % 3`.
    ring: [&'a str; 3],
    /// Paragraphs seen.
    n: usize,
}

impl<'a> Ends<'a> {
    fn of(body: &'a str) -> Ends<'a> {
        let mut ends = Ends::default();
        // No "\r" at all (nearly every body): no "\r\n\r\n" to split at.
        let crlf = memchr::memchr(b'\r', body.as_bytes()).is_some();
        split_each(body, &BLANK_LINE, |piece| {
            if crlf {
                split_each(piece, &CRLF_BLANK_LINE, |p| ends.push(p));
            } else {
                ends.push(piece);
            }
        });
        if ends.n > 1 {
            return ends;
        }
        let mut ends = Ends::default();
        body.lines().for_each(|p| ends.push(p));
        ends
    }

    /// Counts `p` trimmed, unless it is blank.
    fn push(&mut self, p: &'a str) {
        let p = p.trim();
        if p.is_empty() {
            return;
        }
        if self.n == 0 {
            self.first = Some(p);
        }
        self.ring[self.n % 3] = p;
        self.n += 1;
    }

    /// The `k`th paragraph from the end (0 is the last), among the last three.
    fn nth_last(&self, k: usize) -> Option<&'a str> {
        (k < self.n.min(3)).then(|| self.ring[(self.n - 1 - k) % 3])
    }
}

/// The publication named by the text itself, normalized with [`normalize`].
///
/// Searched in `removed` (boilerplate cleaning dropped: footers, appeals,
/// contact lines), the last three paragraphs and the first paragraph of
/// `body`. In order of trust:
/// 1. an explicit name in a removed block: "donating to X", "support X",
///    "© 2020 X", "Copyright X", "X News Room";
/// 2. a wire credit in the first paragraph: "(Reuters) -", "(AP) -";
/// 3. an explicit name in the body's last paragraphs, then its first;
/// 4. the host of a contact address in a block about sending news
///    ("send your news to news@climaxnewsroom.com"), removed blocks first.
///
/// An explicit name beats an address: a newsroom's mail host is often a
/// sister site (the seed's footer gives news@climaxradio.co.uk, but the
/// publication signs as "The Climax News Room").
pub fn from_text(body: &str, removed: &[String]) -> Option<String> {
    let ends = Ends::of(body);
    let first = ends.first.unwrap_or("");
    let mut last = [""; 3];
    let mut n_last = 0;
    while let Some(p) = ends.nth_last(n_last) {
        last[n_last] = tail_chars(p, BLOCK_CHARS);
        n_last += 1;
    }
    let last = &last[..n_last];
    // With three paragraphs or fewer the first is among the last, searched
    // whole when it is short enough for `tail_chars` to keep all of it: the
    // same search again can only find nothing again.
    let first_searched =
        (1..=3).contains(&ends.n) && tail_chars(first, BLOCK_CHARS).len() == first.len();
    removed
        .iter()
        .find_map(|b| explicit_name(b, true))
        .or_else(|| credit_name(first))
        .or_else(|| last.iter().find_map(|b| explicit_name(b, false)))
        .or_else(|| {
            if first_searched {
                None
            } else {
                explicit_name(first, false)
            }
        })
        .or_else(|| removed.iter().find_map(|b| email_name(b)))
        .or_else(|| last.iter().find_map(|b| email_name(b)))
}

/// [`from_text`] as first written, on the full paragraph list: the
/// reference the streaming version is tested against.
#[cfg(test)]
fn from_text_reference(body: &str, removed: &[String]) -> Option<String> {
    let paras = paragraphs(body);
    let first = paras.first().copied().unwrap_or("");
    let last: Vec<&str> = paras
        .iter()
        .rev()
        .take(3)
        .map(|p| tail_chars_reference(p, BLOCK_CHARS))
        .collect();
    removed
        .iter()
        .find_map(|b| explicit_name(b, true))
        .or_else(|| credit_name(first))
        .or_else(|| last.iter().find_map(|b| explicit_name(b, false)))
        .or_else(|| explicit_name(first, false))
        .or_else(|| removed.iter().find_map(|b| email_name(b)))
        .or_else(|| last.iter().find_map(|b| email_name(b)))
}

#[cfg(test)]
fn head_chars_reference(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

#[cfg(test)]
fn tail_chars_reference(s: &str, n: usize) -> &str {
    let count = s.chars().count();
    match s.char_indices().nth(count.saturating_sub(n)) {
        Some((i, _)) => &s[i..],
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cues_gate_the_patterns() {
        assert_eq!(CUES.scan("Please DONATE to us"), DONATE_CUE);
        assert_eq!(CUES.scan("© 2020 Acme"), COPYRIGHT_CUE);
        assert_eq!(CUES.scan("Copyright (C) Acme"), COPYRIGHT_CUE);
        assert_eq!(CUES.scan("The Acme News Room"), NEWSROOM_CUE);
        assert_eq!(CUES.scan("The minister said nothing."), 0);
        assert_eq!(scan_cues("Copyright (C) Acme"), COPYRIGHT_CUE);
        assert_eq!(scan_cues("The minister said nothing."), 0);
    }

    proptest::proptest! {
        /// On ASCII text, and ASCII with plain symbols, each pattern's
        /// ASCII form (what [`TextRegex`] runs there) finds the same match
        /// with the same groups as the pattern as written.
        #[test]
        fn ascii_forms_capture_what_the_patterns_capture(
            text in r"((The|Reuters|BBC|AP|News|Room|Newsroom|donate|donating to|support|Copyright|©|\(c\)|\(|\)|-|--|—|2019|2019-2020|2019–2020|O'Neil|O’Neil|U\.S\.|A&B|Climax-Media|£5|“BBC”|[a-zA-Z0-9]{1,6}|[ ,.\t\u{A0}])[ ]?){0,14}"
        ) {
            // Each pattern as written, compiled once for all cases.
            static PAIRS: LazyLock<Vec<(&'static TextRegex, Regex)>> = LazyLock::new(|| {
                [&*DONATE, &*SUPPORT, &*COPYRIGHT, &*NEWSROOM, &*CREDIT]
                    .into_iter()
                    .map(|rx| (rx, rx.exact()))
                    .collect()
            });
            for (rx, exact) in PAIRS.iter() {
                let groups = |c: Option<regex::Captures<'_>>| {
                    c.map(|c| c.iter().map(|g| g.map(|m| m.range())).collect::<Vec<_>>())
                };
                proptest::prop_assert_eq!(
                    groups(rx.captures(&text)),
                    groups(exact.captures(&text)),
                    "{:?}",
                    text
                );
            }
        }
    }

    proptest::proptest! {
        /// Every text [`NEWSROOM`] matches passes [`says_newsroom`]; the
        /// words around it come from the pattern and from near misses.
        #[test]
        fn newsroom_matches_say_newsroom(
            text in r"((The|Acme|Zürich|News|NEWS|news|Newsroom|NewsRoom|room|Room|ROOM|[a-z]{1,4}|Ü)[ \t]?){0,8}"
        ) {
            if NEWSROOM.captures(&text).is_some() || NEWSROOM.exact().is_match(&text) {
                proptest::prop_assert!(says_newsroom(&text), "{:?}", text);
            }
        }
    }

    #[test]
    fn says_newsroom_wants_the_pattern_ending() {
        for yes in [
            "The Acme News Room",
            "Acme Newsroom",
            "Acme News\troom",
            "NewsNewsroom",
        ] {
            assert!(says_newsroom(yes), "{yes}");
        }
        for no in [
            "news room",
            "The News at ten",
            "Acme News  Room",
            "NEWSROOM",
            "News",
        ] {
            assert!(!says_newsroom(no), "{no}");
        }
    }

    proptest::proptest! {
        /// [`credit`] finds what the pattern with its bound written in
        /// (`{0,30}?`) captures, on names around the bound, several
        /// parentheses, dashes, and letters beyond ASCII.
        #[test]
        fn credit_is_the_bounded_pattern(
            text in r"(WASHINGTON |Zürich |said )?(\((Reuters|AP|Y{28,33}|Ü{28,33}|Agence France-Presse|x|)\) ?(-|--|—|–|:)? ?){0,3}(more|\(|\))?"
        ) {
            static BOUNDED: LazyLock<Regex> = LazyLock::new(|| {
                re(r"\((\p{Lu}[\p{L}.&' -]{0,30}?)\)\s*(?:-{1,2}|–|—)")
            });
            let want = BOUNDED.captures(&text).and_then(|c| c.get(1)).map(|m| m.range());
            proptest::prop_assert_eq!(credit(&text).map(|m| m.range()), want, "{:?}", text);
        }
    }

    #[test]
    fn normalize_remembers_only_the_same_name() {
        let names = [
            "Reuters",
            "guardian.com",
            "Reuters",
            "Reuters",
            "",
            "  BBC ",
            "BBC",
            "",
        ];
        for name in names.iter().chain(names.iter().rev()) {
            assert_eq!(normalize(name), normalize_uncached(name), "{name:?}");
        }
    }

    #[test]
    fn normalize_table() {
        let cases: &[(&str, &str)] = &[
            ("The Guardian", "The Guardian"),
            ("guardian", "The Guardian"),
            ("guardian.com", "The Guardian"),
            ("theguardian.com", "The Guardian"),
            ("www.theguardian.com", "The Guardian"),
            (
                "https://www.theguardian.com/world/2020/sep/25/x",
                "The Guardian",
            ),
            ("Guardian News & Media", "The Guardian"),
            ("bbc.co.uk", "BBC News"),
            ("news.bbc.co.uk", "BBC News"),
            ("bbc.com", "BBC News"),
            ("BBC", "BBC News"),
            ("  BBC   News ", "BBC News"),
            ("nytimes.com", "The New York Times"),
            ("New York Times", "The New York Times"),
            ("the new york times", "The New York Times"),
            ("washingtonpost.com", "The Washington Post"),
            ("AP", "Associated Press"),
            ("The Associated Press", "Associated Press"),
            ("edition.cnn.com", "CNN"),
            ("aljazeera.com", "Al Jazeera"),
            ("ft.com", "Financial Times"),
            ("wsj.com", "The Wall Street Journal"),
            ("Bloomberg News", "Bloomberg"),
            ("independent.co.uk", "The Independent"),
            ("dailymail.co.uk", "Daily Mail"),
            ("telegraph.co.uk", "The Telegraph"),
            ("lemonde.fr", "Le Monde"),
            ("spiegel.de", "Der Spiegel"),
            ("npr.org", "NPR"),
            ("foxnews.com", "Fox News"),
            ("politico.eu", "Politico"),
            ("thetimes.co.uk", "The Times"),
            ("climaxnewsroom.com", "Climaxnewsroom"),
            ("climaxradio.co.uk", "Climaxradio"),
            ("example-news.com", "Example-news"),
            ("The Hindu", "The Hindu"),
            ("Acme Gazette.", "Acme Gazette"),
            ("The", "The"),
            ("...", "..."),
            ("   ", ""),
            ("", ""),
            ("Süddeutsche Zeitung", "Süddeutsche Zeitung"),
        ];
        for (input, want) in cases {
            assert_eq!(normalize(input), *want, "{input:?}");
        }
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn from_text_table() {
        let cases: &[(&str, &[&str], Option<&str>)] = &[
            (
                "Story.",
                &["please consider donating to The Climax News Room."],
                Some("The Climax News Room"),
            ),
            (
                "Story.",
                &[
                    "Send your news and stories to us news@climaxradio.co.uk or newstories@climaxnewsroom.com and WhatsApp: +447747873668.",
                    "we need your support, so please consider donating to The Climax News Room.",
                ],
                Some("The Climax News Room"),
            ),
            (
                "Story.",
                &["Send your news to news@climaxnewsroom.com"],
                Some("Climaxnewsroom"),
            ),
            (
                "Story.",
                &["Send your tips to tips@acmegazette.com"],
                Some("Acmegazette"),
            ),
            ("Story.", &["Contact me at jane@gmail.com"], None),
            (
                "Story.",
                &["© 2020 Guardian News & Media Limited. All rights reserved."],
                Some("The Guardian"),
            ),
            (
                "Story.",
                &["Copyright 2019 Acme Gazette Ltd"],
                Some("Acme Gazette"),
            ),
            (
                "Story.",
                &["Support The Acme Post today"],
                Some("The Acme Post"),
            ),
            ("Story.", &["We need your support. Thank you."], None),
            (
                "WASHINGTON (Reuters) - The US said.\n\nMore.",
                &[],
                Some("Reuters"),
            ),
            (
                "NEW YORK (AP) — Stocks fell.\n\nMore.",
                &[],
                Some("Associated Press"),
            ),
            ("PARIS (AFP) - x", &[], Some("Agence France-Presse")),
            (
                "First.\n\nSecond.\n\nThe aid group asked people to support Ukraine.",
                &[],
                None,
            ),
            (
                "First.\n\nSecond.\n\nReporting by Jane; © 2021 Reuters.",
                &[],
                Some("Reuters"),
            ),
            ("Plain story with no signature.", &[], None),
            ("", &[], None),
            ("Story.", &["donating to The."], None),
            ("Story.", &["donate to Oxfam. Then more"], Some("Oxfam")),
        ];
        for (body, removed, want) in cases {
            assert_eq!(
                from_text(body, &strings(removed)).as_deref(),
                *want,
                "{body:?} {removed:?}"
            );
        }
    }

    /// Text shaped like bodies and footers: paragraphs split by "\n",
    /// "\n\n", "\r\n\r\n" and stray spaces, with the cue words, names,
    /// credits and addresses the patterns look for.
    const PIECES: &str = "(?:[ \t]|\n|\n\n|\r\n|\r\n\r\n|\r|Story|The|Acme|News Room|Newsroom|\
        donating to|Support|support|© 2020|Copyright|\\(c\\)|\\(Reuters\\) -|\\(AP\\) —|send your news to|\
        news@acme.com|tips@bbc.co.uk|me@gmail.com|Guardian|ſ|é|[a-zA-Z.,]{1,6})";

    fn text(max: usize) -> proptest::string::RegexGeneratorStrategy<String> {
        proptest::string::string_regex(&format!("{PIECES}{{0,{max}}}")).expect("valid pattern")
    }

    #[test]
    fn scan_cues_matches_the_automaton_on_examples() {
        for text in [
            "Please DONATE to us",
            "© 2020 Acme",
            "Copyright (C) Acme",
            "The Acme News Room",
            "The minister said nothing.",
            "newsupport",
            "ſupport",
            "Dd(c(C)",
            "x",
            "",
        ] {
            assert_eq!(scan_cues(text), CUES.automaton_scan(text), "{text:?}");
        }
        let long = "The minister said nothing new about the London supply. ".repeat(40);
        for text in [
            long.clone(),
            format!("{long}donaT"),
            format!("(c){long}"),
            format!("{long}x©"),
        ] {
            assert_eq!(scan_cues(&text), CUES.automaton_scan(&text), "{text:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn scan_cues_matches_the_automaton(text in text(60)) {
            proptest::prop_assert_eq!(scan_cues(&text), CUES.automaton_scan(&text));
        }

        #[test]
        fn scan_cues_matches_the_automaton_on_cue_letters(
            text in "(?i)(?:[donatcpyrighewsu() ]|©|ſ|K|\\PC){0,300}"
        ) {
            proptest::prop_assert_eq!(scan_cues(&text), CUES.automaton_scan(&text));
        }

        #[test]
        fn scan_cues_matches_the_automaton_on_any_text(text in "(?s).{0,100}") {
            proptest::prop_assert_eq!(scan_cues(&text), CUES.automaton_scan(&text));
        }

        #[test]
        fn ends_match_the_paragraph_list(body in text(40)) {
            let paras = paragraphs(&body);
            let ends = Ends::of(&body);
            proptest::prop_assert_eq!(ends.n, paras.len());
            proptest::prop_assert_eq!(ends.first, paras.first().copied());
            for k in 0..4 {
                let want = (k < 3).then(|| paras.iter().rev().nth(k).copied()).flatten();
                proptest::prop_assert_eq!(ends.nth_last(k), want);
            }
        }

        #[test]
        fn from_text_matches_the_reference(
            body in text(40),
            removed in proptest::collection::vec(text(12), 0..3),
        ) {
            proptest::prop_assert_eq!(from_text(&body, &removed), from_text_reference(&body, &removed));
        }

        #[test]
        fn head_and_tail_chars_match_the_reference(s in "(?s).{0,40}", n in 0usize..45) {
            proptest::prop_assert_eq!(head_chars(&s, n), head_chars_reference(&s, n));
            proptest::prop_assert_eq!(tail_chars(&s, n), tail_chars_reference(&s, n));
        }
    }

    #[test]
    fn long_paragraphs_match_the_reference() {
        // Past BLOCK_CHARS, where head and tail are cut.
        let long = "Word é ".repeat(1200);
        for body in [
            long.clone(),
            format!("{long}\n\nSupport The Acme Post today"),
            format!("Copyright 2019 Acme Gazette Ltd {long}"),
            format!("{long} Copyright 2019 Acme Gazette Ltd"),
            format!("First.\n\n{long} Copyright 2019 Acme Gazette Ltd"),
            format!("A\r\n\r\nB\n\n{long}\r\nThe Acme News Room"),
        ] {
            assert_eq!(from_text(&body, &[]), from_text_reference(&body, &[]));
            assert_eq!(
                from_text(&body, std::slice::from_ref(&body)),
                from_text_reference(&body, std::slice::from_ref(&body))
            );
        }
        for n in [0, 1, 4999, 5000, 5001, 8400, 9000] {
            assert_eq!(head_chars(&long, n), head_chars_reference(&long, n));
            assert_eq!(tail_chars(&long, n), tail_chars_reference(&long, n));
        }
    }

    #[test]
    fn seed_cyber_pact() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/seed/cyber-pact.txt");
        let Ok(text) = std::fs::read_to_string(path) else {
            eprintln!("skipping: {path} not found");
            return;
        };
        let paras: Vec<&str> = text
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        let cut = paras.len().saturating_sub(5);
        let body = paras[..cut].join("\n\n");
        let removed: Vec<String> = paras[cut..].iter().map(|p| p.to_string()).collect();
        assert_eq!(
            from_text(&body, &removed).as_deref(),
            Some("The Climax News Room")
        );
        // Without the footer, the body alone names no publication.
        assert_eq!(from_text(&body, &[]), None);
    }
}
