//! Stage: extract people. In: an article's title and body as plain text
//! (modern prose, or CoNLL-style one-sentence-per-line newswire). Out: the
//! persons it names, each once, under the fullest form the article uses, in
//! order of first mention ([`people`]); or every surface form as written,
//! minus titles and possessives ([`mentions`]). Pure and total: never panics,
//! never does I/O. It does not use any statistical model and does not
//! resolve pronouns or link names across articles.
//!
//! How: capitalised word runs are cut at titles ("President"), function
//! words, weekdays and months, and leading nationalities; each piece is
//! accepted as a person on evidence (a known given name first, a title or
//! honorific before it, an initial as in scorecards, a "said"/age cue), and
//! rejected when an organisation, event, object or place word shows it is not
//! one ("Storm Daniel", "Golden Boot", "James Webb Space Telescope"). Then
//! document-level propagation: once "Phil Simmons" is a person, a bare
//! "Simmons" (also "SIMMONS" in an all-caps headline) is a mention of him,
//! and in [`people`] a bare "Phil" folds into him too when he is the only
//! Phil in the article.

mod lexicon;
mod lexicon_table;
mod tokens;

use std::cell::Cell;
use std::ops::Range;

// foldhash rather than SipHash: lexicon and map lookups run for every
// capitalised word, and SipHash showed in profiles. No code here depends on
// the iteration order of these maps and sets.
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use lexicon::{GIVEN, LEXICON, Lexicon, ORG, PLACE, PLACE_PLURAL, SOFT_ORG, STOP, SURNAME, TITLE};
use tokens::{Kind, Token, starts_with_possessive, tokenize_into};

/// The people named in an article (title and body): canonical full names,
/// each once, in order of first mention. "Mr Putin", "Putin" and "Vladimir
/// Putin" in one article give the single entry "Vladimir Putin".
pub fn people(title: &str, body: &str) -> Vec<String> {
    let forms = distinct(analyse(title, body));
    // Index the forms by lowercased last word, so folding stays linear in
    // the number of forms even on pathological input.
    let mut by_last: HashMap<String, Vec<&Found>> = HashMap::new();
    for f in &forms {
        if let Some(l) = f.last() {
            by_last.entry(l.to_lowercase()).or_default().push(f);
        }
    }
    // Multi-word forms by lowercased first word: "Sir Keir" and "Dr Tedros"
    // are the bare given names of "Keir Starmer" and "Tedros Adhanom
    // Ghebreyesus".
    let mut by_first: HashMap<String, Vec<&Found>> = HashMap::new();
    for f in forms.iter().filter(|f| f.len() >= 2 && !is_caps_form(f)) {
        by_first.entry(f[0].to_lowercase()).or_default().push(f);
    }
    let mut out: Vec<String> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for m in &forms {
        let same_last = m
            .last()
            .and_then(|l| by_last.get(&l.to_lowercase()))
            .map_or(&[][..], Vec::as_slice);
        let canon = match canonical(m, same_last) {
            Some(c) if m.len() == 1 && c == m[0] => Some(given_name_owner(m, &by_first, &by_last)),
            other => other,
        };
        if let Some(canon) = canon
            && seen.insert(canon.clone())
        {
            out.push(canon);
        }
    }
    out
}

/// The full name a bare one-word form belongs to when it is the first word
/// of exactly one person's fullest name in the article ("Keir" with "Keir
/// Starmer"); otherwise the word itself. Two people sharing the given name
/// ("Ralf" with Ralf Schumacher and Ralf Little) keep it unfolded.
fn given_name_owner(
    m: &Found,
    by_first: &HashMap<String, Vec<&Found>>,
    by_last: &HashMap<String, Vec<&Found>>,
) -> String {
    let word = m[0];
    let Some(cands) = by_first.get(&word.to_lowercase()) else {
        return word.to_string();
    };
    // Each candidate stands for its own fullest form.
    let mut owners: Vec<String> = cands
        .iter()
        .filter_map(|f| {
            let same_last = f
                .last()
                .and_then(|l| by_last.get(&l.to_lowercase()))
                .map_or(&[][..], Vec::as_slice);
            canonical(f, same_last)
        })
        .collect();
    owners.sort();
    owners.dedup();
    match owners.as_slice() {
        [one] => one.clone(),
        _ => word.to_string(),
    }
}

/// Mentions with repeats removed, first occurrence kept.
fn distinct(found: Vec<Found<'_>>) -> Vec<Found<'_>> {
    // Which to keep, worked out on references: no copy of any mention.
    let mut seen: HashSet<&Found<'_>> = HashSet::new();
    let first: Vec<bool> = found.iter().map(|f| seen.insert(f)).collect();
    drop(seen);
    found
        .into_iter()
        .zip(first)
        .filter_map(|(f, first)| first.then_some(f))
        .collect()
}

/// Every distinct surface form under which the article names a person, in
/// order of first appearance, with titles and possessives removed but no
/// folding ("Simmons", "P. Simmons" and "Phil Simmons" are three entries).
/// This is what token-level annotations such as CoNLL-2003 record; the
/// product stores [`people`].
pub fn mentions(title: &str, body: &str) -> Vec<String> {
    distinct(analyse(title, body))
        .into_iter()
        .map(|m| m.join(" "))
        .collect()
}

/// A fixed list of lowercase words as a function: a `match` on the word,
/// which compiles to a switch on its length and compares inline (`contains`
/// on a slice of `&str` called `memcmp` per same-length entry, and these
/// lists are asked for most segments; the calls showed in profiles).
macro_rules! word_list {
    ($(#[$doc:meta])* fn $name:ident = [$($w:literal),* $(,)?];) => {
        $(#[$doc])*
        fn $name(w: &str) -> bool {
            matches!(w, $($w)|*)
        }
    };
}

word_list! {
    /// Verbs of saying that mark the name next to them as a person.
    fn is_said = [
        "said", "says", "told", "added", "noted", "wrote", "explained", "recalled", "insisted",
        "argued", "warned", "admitted",
    ];
}

word_list! {
    /// Title abbreviations that may be written with a full stop ("Mr. Frolov",
    /// "Dr. Rigby"). A full title word before a full stop ends a sentence: in
    /// "the president. Speaking to supporters" the next word is no name.
    fn is_abbreviated_title = [
        "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "capt", "sgt", "cpl", "adm",
        "gov", "sen", "rep", "rev", "fr", "st", "supt", "insp", "det", "cllr", "pres", "hon",
        "brig", "cmdr", "cdr", "messrs", "mme", "mlle", "sec", "amb", "pte", "cpt",
    ];
}

word_list! {
    /// Job titles that follow a name in a byline or caption ("Priya Raman,
    /// Climate Reporter"): a capitalised run ending in one is a role.
    fn is_role_noun = [
        "reporter", "reporters", "correspondent", "editor", "writer", "columnist", "analyst",
        "producer", "presenter", "commentator", "photographer", "journalist",
    ];
}

word_list! {
    /// First words of named weather events: "Storm Daniel", "Hurricane Katrina",
    /// "Tropical Storm Alberto" name storms, not people.
    fn is_event_lead = [
        "storm", "hurricane", "typhoon", "cyclone", "tropical",
    ];
}

word_list! {
    /// Words that, right after a name, make it part of an object's or award's
    /// name ("the James Webb telescope", "a Nobel prize"): the name is not a
    /// person mentioned in the story. Inside the run they are in `orgs.txt`.
    fn is_thing_after = [
        "telescope", "prize", "award", "awards", "trophy", "cup", "medal", "observatory",
        "spacecraft",
    ];
}

word_list! {
    /// Ministers' portfolios, on the title list for "Foreign Secretary Jack
    /// Straw" and "Trade Minister Ahmed Sami": before a name they are a
    /// title only with another after them. Alone they head a body's name,
    /// and the word after is no person: "Ministry of Foreign Affairs",
    /// "Indian Trade Unions". ("State" and "Justice" are titles alone:
    /// "Secretary of State Colin Powell", "Justice Ginsburg".)
    fn is_portfolio = [
        "foreign", "finance", "defence", "defense", "interior", "trade", "economy", "health",
        "education", "agriculture", "labour", "labor", "energy", "environment", "transport",
        "industry",
    ];
}

word_list! {
    /// Kinds of organisation, and of work, that name what comes right
    /// after them: "literary agency Curtis Brown", "investment bank Morgan
    /// Stanley", "the band Franz Ferdinand", "Mike Leigh's film Vera
    /// Drake". Only kinds that BBC News never put before a person's name
    /// this way: not "broadcaster", "publisher", "agent" or "maker"
    /// ("broadcaster Cyril Fletcher", "film-maker Theo Van Gogh").
    fn is_kind_before_name = [
        "firm", "company", "giant", "bank", "group", "band", "label", "agency", "studio",
        "magazine", "newspaper", "airline", "insurer", "retailer", "operator", "network",
        "carmaker", "supermarket", "brewer", "conglomerate", "film", "movie", "musical",
        "novel", "album",
    ];
}

word_list! {
    /// Credits in film, television and music, which a work's or a band's
    /// name comes right before, with the person credited after them:
    /// "Vera Drake director Mike Leigh", "Westlife star Brian McFadden",
    /// "Sideways producer Michael London". Not the roles a person's name
    /// comes before in the news ("Blair aide", "Bush spokesman").
    fn is_credit = [
        "star", "stars", "actress", "actor", "director", "producer", "singer", "frontman",
        "guitarist", "drummer", "bassist", "rapper",
    ];
}

/// Endings of English common nouns, gerunds and adjectives ("Developing",
/// "Gymnastics", "Intelligence"), singular and plural. A lone capitalised
/// word shaped so is the start or tail of a phrase, not a surname, unless
/// a name list knows it ("Fleming", "Manning").
const COMMON_WORD_ENDINGS: &[&str] = &[
    "ing", "ics", "ence", "ance", "tion", "sion", "ment", "ness", "ity", "ism", "ship",
    // Their plurals ("Questions", "Elections", "Settlements").
    "ings", "ences", "ances", "tions", "sions", "ments", "ities", "isms", "ships",
];

word_list! {
    /// Particles that may sit inside a name ("Ludwig van Beethoven").
    fn is_particle = [
        "de", "van", "von", "der", "den", "bin", "ibn", "al", "el", "da", "di", "du", "del",
        "della", "dos", "das", "le", "la", "ter", "ten", "y", "bint", "abu", "wa",
    ];
}

/// `s.lines()`: the text between line feeds, less a carriage return before
/// the feed. The same split, found with `memchr` and the line ending cut by
/// a byte pattern: `lines` finds each feed with a char searcher that checks
/// its match with `memcmp`, and strips the ending with two `strip_suffix`
/// calls, each a `memcmp` call, for every line of every article.
fn lines(s: &str) -> impl Iterator<Item = &str> {
    let mut rest = s;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let Some(at) = memchr::memchr(b'\n', rest.as_bytes()) else {
            // The last line, with no line feed: kept whole.
            return Some(std::mem::take(&mut rest));
        };
        let line = rest.get(..at).unwrap_or_default();
        rest = rest.get(at + 1..).unwrap_or_default();
        Some(match line.as_bytes() {
            [.., b'\r'] => line.get(..line.len() - 1).unwrap_or(line),
            _ => line,
        })
    })
}

/// `s.ends_with(suffix)` byte by byte, without a `memcmp` call.
fn ends_with_bytes(s: &[u8], suffix: &[u8]) -> bool {
    let Some(tail) = s.len().checked_sub(suffix.len()).and_then(|at| s.get(at..)) else {
        return false;
    };
    let mut i = 0;
    while let (Some(x), Some(y)) = (tail.get(i), suffix.get(i)) {
        if x != y {
            return false;
        }
        i += 1;
    }
    true
}

/// A title word, or a hyphenated one made of titles ("Major-General").
fn is_title(lw: &str) -> bool {
    let lex = &LEXICON;
    let title = |w: &str| lex.flags(w) & TITLE != 0;
    title(lw) || (lw.as_bytes().contains(&b'-') && lw.split('-').all(title))
}

/// A bit of [`word_flags`]: the word is a place or people, plurals included
/// ("Iraqis", "Chechens"). The lexicon's [`PLACE_PLURAL`] bit, widened.
const PLACE_OR_PLURAL: u8 = PLACE_PLURAL;

/// The lexicon bits of a lowercase word, with [`PLACE_OR_PLURAL`] set for a
/// place too: the lists looked up once per word instead of once per
/// question. One lookup: the lexicon stores the plurals (a second lookup of
/// the word without its "s" was a profiled cost for every name ending in s).
fn word_flags(lex: &Lexicon, lw: &str) -> u8 {
    let f = lex.flags(lw);
    if f & PLACE != 0 {
        f | PLACE_OR_PLURAL
    } else {
        f
    }
}

/// [`is_title`] for a word whose [`word_flags`] are `f`.
fn is_title_flagged(lw: &str, f: u8) -> bool {
    f & TITLE != 0 || (lw.as_bytes().contains(&b'-') && is_title(lw))
}

/// `s.to_lowercase()`, borrowed when `s` is lowercase ASCII already (most
/// words are), and without allocating for a short ASCII word: the lexicon
/// lookups lowercase nearly every capitalised word of every article, and a
/// `String` each showed in profiles as malloc and free.
fn lower(s: &str) -> Lower<'_> {
    if !s.is_ascii() {
        Lower::Owned(s.to_lowercase())
    } else if !s.bytes().any(|b| b.is_ascii_uppercase()) {
        Lower::Borrowed(s)
    } else if s.len() <= INLINE_LOWER {
        let mut buf = [0u8; INLINE_LOWER];
        buf[..s.len()].copy_from_slice(s.as_bytes());
        buf[..s.len()].make_ascii_lowercase();
        Lower::Inline(buf, s.len())
    } else {
        Lower::Owned(s.to_ascii_lowercase())
    }
}

/// Longest word [`lower`] keeps on the stack; names are rarely longer.
const INLINE_LOWER: usize = 24;

/// A lowercased word: borrowed, ASCII on the stack, or an owned `String`.
enum Lower<'a> {
    Borrowed(&'a str),
    /// Lowercased ASCII bytes and their length.
    Inline([u8; INLINE_LOWER], usize),
    Owned(String),
}

impl std::ops::Deref for Lower<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        match self {
            Lower::Borrowed(s) => s,
            // Lowercased ASCII is valid UTF-8; the fallback is unreachable.
            Lower::Inline(buf, len) => buf
                .get(..*len)
                .and_then(|b| std::str::from_utf8(b).ok())
                .unwrap_or_default(),
            Lower::Owned(s) => s,
        }
    }
}

/// A line with its text lowercased once when it is ASCII (most lines are):
/// the lowercase of any of its words is then a slice, with no copy and no
/// UTF-8 check ([`lower`] per word showed in profiles as a copy and a
/// `from_utf8`). Other lines fall back to [`lower`].
struct LineLower<'l> {
    line: &'l str,
    /// `line` lowercased, or empty when `line` is not ASCII.
    low: &'l str,
    /// Per token of the line, its [`word_flags`] once looked up, else
    /// [`UNSEEN`]: segmenting, peeling and judging ask about the same words,
    /// and the lexicon lookups (one or two hash probes each) showed in
    /// profiles.
    seen: &'l [Cell<u16>],
}

/// A token whose [`word_flags`] are not looked up yet (they fit in a `u8`).
const UNSEEN: u16 = u16::MAX;

impl<'l> LineLower<'l> {
    /// [`word_flags`] of token `i` of the line (`toks`), looked up once.
    fn flags(&self, i: usize, toks: &[Token]) -> u8 {
        let cell = self.seen.get(i);
        if let Some(f) = cell.map(Cell::get).filter(|&f| f != UNSEEN) {
            return u8::try_from(f).unwrap_or_default();
        }
        let f = toks
            .get(i)
            .map_or(0, |t| word_flags(&LEXICON, &self.get(t.text)));
        if let Some(c) = cell {
            c.set(u16::from(f));
        }
        f
    }

    /// `lower(word)`, a slice of the lowercased line when `word` lies in it.
    fn get<'w>(&self, word: &'w str) -> Lower<'w>
    where
        'l: 'w,
    {
        // Where `word` starts in the line; a word before it wraps to a huge
        // offset, and then, like a word after it, fails the bounds test.
        let at = (word.as_ptr() as usize).wrapping_sub(self.line.as_ptr() as usize);
        let inside = at <= self.line.len() && word.len() <= self.line.len() - at;
        if !self.low.is_empty()
            && inside
            && let Some(w) = self.low.get(at..at + word.len())
        {
            return Lower::Borrowed(w);
        }
        lower(word)
    }

    /// Did the tokenizer cut a possessive off `word` ("Minister" of
    /// "Minister's")? Read from the line after the word, so tokens need
    /// not carry it; false for a word that is not a slice of the line.
    fn possessive(&self, word: &str) -> bool {
        let at = (word.as_ptr() as usize).wrapping_sub(self.line.as_ptr() as usize);
        let rest = at
            .checked_add(word.len())
            .and_then(|end| self.line.as_bytes().get(end..))
            .unwrap_or_default();
        starts_with_possessive(rest)
    }
}

/// `a.to_lowercase() == b.to_lowercase()`, without allocating for ASCII.
fn eq_lower(a: &str, b: &str) -> bool {
    // Most pairs differ in their first letter: an ASCII character
    // lowercases to one ASCII character whatever follows it, so two ASCII
    // first bytes that differ but for case settle it (this runs for every
    // word of a line in capitals against every known name).
    if let (Some(x), Some(y)) = (a.as_bytes().first(), b.as_bytes().first())
        && x.is_ascii()
        && y.is_ascii()
        && !x.eq_ignore_ascii_case(y)
    {
        return false;
    }
    if a.is_ascii() && b.is_ascii() {
        a.eq_ignore_ascii_case(b)
    } else {
        a.to_lowercase() == b.to_lowercase()
    }
}

/// `lower(s).starts_with(prefix)` for a lowercase ASCII `prefix` without
/// `k` or `i`: the only characters that lowercase into ASCII letters are
/// ASCII letters, the Kelvin sign (`k`) and `İ` (`i` plus a dot), so the
/// prefix must be the ASCII start of `s`.
fn starts_with_lower(s: &str, prefix: &str) -> bool {
    s.get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

/// A piece of a capitalised run that may be a name. Its words are the texts
/// of the line's tokens `start..end` (a run never skips a token), so it
/// borrows nothing and holds no `Vec`: most segments are rejected, and a
/// `Vec` of words each showed as malloc and free.
#[derive(Clone, Copy)]
struct Segment {
    /// Index in the line's tokens of the first and one past the last word.
    start: usize,
    end: usize,
    /// A title or honorific stands right before it.
    titled: bool,
}

/// What the rules make of a segment.
enum Verdict {
    Person,
    Maybe,
    Reject,
    /// Named a work, band or body by what stands next to it ("the band
    /// Franz Ferdinand", "Vera Drake director Mike Leigh"): not a person
    /// here, nor anywhere else in the article, where the same words may
    /// stand without that context ("Franz Ferdinand beat Morrissey").
    Named,
}

/// A found mention: its words, borrowed from the title or body (a `String`
/// per word of every mention, and their copies in [`distinct`], showed as
/// malloc and free in profiles).
type Found<'a> = Vec<&'a str>;

/// Tokens of a line the per-line buffers are first made for: most lines
/// (paragraphs) have fewer; a longer one grows them.
const LINE_TOKENS: usize = 256;

/// Find all person mentions in document order.
fn analyse<'a>(title: &'a str, body: &'a str) -> Vec<Found<'a>> {
    let lex = &LEXICON;
    // (line, token index, words, verdict) of the segments that can be kept:
    // persons, and one-word maybes that a known person may confirm. The
    // words stay borrowed from the text, in one buffer for the article
    // (`words`, the segment holding its range): a `Vec` per kept segment
    // showed as malloc/free.
    let mut words: Vec<&str> = Vec::new();
    let mut segs: Vec<(usize, usize, Range<usize>, Verdict)> = Vec::new();
    // Lines in capitals: their line number and the range of their tokens in
    // one buffer (a copy of the token `Vec` per such line was a malloc each;
    // many titles are in capitals).
    let mut shout_toks: Vec<Token> = Vec::new();
    let mut shouting: Vec<(usize, Range<usize>)> = Vec::new();
    // Buffers reused for every line (a fresh `Vec` per line showed as
    // malloc/free): tokens; the line's segments and verdicts; the lexicon
    // bits of the words `judge` reads; the lowercased line and its per-token
    // lexicon cache (see [`LineLower`]). The token buffers start at a size
    // most lines fit: growing them from empty, for every article, was about
    // a twentieth of the time (realloc).
    let mut toks: Vec<Token> = Vec::with_capacity(LINE_TOKENS);
    let mut judged: Vec<(Segment, Verdict)> = Vec::new();
    let mut flags: Vec<u8> = Vec::new();
    let mut low_buf = String::with_capacity(LINE_TOKENS * 8);
    let mut seen: Vec<Cell<u16>> = Vec::with_capacity(LINE_TOKENS);
    for (li, line) in std::iter::once(title).chain(lines(body)).enumerate() {
        let shape = tokenize_into(line, &mut toks);
        // A line written in capitals (a headline or dateline): its words are
        // not evidence of names, since every word is capitalised.
        if shape.caps * 2 > shape.words {
            let at = shout_toks.len();
            shout_toks.extend_from_slice(&toks);
            shouting.push((li, at..shout_toks.len()));
            continue;
        }
        // No word that can start a name: nothing to segment or judge (most
        // lines of prose have some, but captions and short lines may not).
        if !shape.namey {
            continue;
        }
        low_buf.clear();
        if line.is_ascii() {
            low_buf.push_str(line);
            low_buf.make_ascii_lowercase();
        }
        seen.clear();
        seen.resize(toks.len(), Cell::new(UNSEEN));
        let low = LineLower {
            line,
            low: &low_buf,
            seen: &seen,
        };
        segments_into(&toks, &low, &mut judged);
        for (seg, v) in judged.iter_mut() {
            peel_descriptor(seg, &toks, &low);
            *v = judge(seg, &toks, &low, &mut flags);
        }
        coordinate(&mut judged, &toks);
        for (seg, v) in judged.drain(..) {
            let keep = match v {
                Verdict::Person | Verdict::Named => true,
                Verdict::Maybe => seg.end - seg.start == 1,
                Verdict::Reject => false,
            };
            if keep {
                let at = words.len();
                words.extend(toks[seg.start..seg.end].iter().map(|t| t.text));
                segs.push((li, seg.start, at..words.len(), v));
            }
        }
    }
    let words_of = |r: &Range<usize>| words.get(r.clone()).unwrap_or_default();
    // Words the article names as a work, band or body somewhere: never a
    // person in it, wherever else they stand.
    let named: HashSet<&[&str]> = segs
        .iter()
        .filter(|s| matches!(s.3, Verdict::Named))
        .map(|s| words_of(&s.2))
        .collect();
    // Names known in this document: full forms and their last words.
    // Sets, not scans: a huge article must stay linear.
    let mut known_set: HashSet<&[&str]> = HashSet::new();
    let known: Vec<&[&str]> = segs
        .iter()
        .filter(|s| matches!(s.3, Verdict::Person))
        .map(|s| words_of(&s.2))
        .filter(|k| !named.contains(k) && known_set.insert(k))
        .collect();
    // No person: no maybe is confirmed and no line in capitals matches
    // anything (most articles' titles are such lines, and many articles
    // name no one).
    if known.is_empty() {
        return Vec::new();
    }
    let known_last: HashSet<&str> = known.iter().filter_map(|k| k.last().copied()).collect();
    let known_last_lower: HashSet<String> = known_last.iter().map(|w| w.to_lowercase()).collect();
    let known_multi: Vec<&[&str]> = known.iter().copied().filter(|k| k.len() >= 2).collect();
    let is_known_last = |w: &str| known_last.contains(w);
    let mut found: Vec<(usize, usize, Found<'a>)> = Vec::new();
    for (li, ti, r, v) in &segs {
        let words = words_of(r);
        let keep = match v {
            Verdict::Person => !named.contains(words),
            Verdict::Maybe => words.len() == 1 && is_known_last(words[0]),
            Verdict::Reject | Verdict::Named => false,
        };
        if keep {
            found.push((*li, *ti, words.to_vec()));
        }
    }
    // All-caps lines: only names already known from mixed-case text count,
    // matched case-insensitively ("HINGIS" after "Martina Hingis").
    for (li, r) in &shouting {
        let toks = shout_toks.get(r.clone()).unwrap_or_default();
        let mut ti = 0;
        while ti < toks.len() {
            let mut matched = 0;
            for k in &known_multi {
                let n = k.len();
                if ti + n <= toks.len() && (0..n).all(|x| eq_lower(toks[ti + x].text, k[x])) {
                    matched = n;
                    break;
                }
            }
            // Three characters or more (`nth`, not a count of them all); the
            // small set of known names is asked before the lexicon.
            if matched == 0 && toks[ti].kind == Kind::Word && toks[ti].text.chars().nth(2).is_some()
            {
                let lw = lower(toks[ti].text);
                if known_last_lower.contains(&*lw) && lex.flags(&lw) & STOP == 0 {
                    matched = 1;
                }
            }
            if matched > 0 {
                let words = toks[ti..ti + matched].iter().map(|t| t.text).collect();
                found.push((*li, ti, words));
                ti += matched;
            } else {
                ti += 1;
            }
        }
    }
    found.sort_by_key(|f| (f.0, f.1));
    found.into_iter().map(|f| f.2).collect()
}

/// Cut a line into candidate segments: runs of capitalised words, initials
/// and inner particles, split at titles, function words and leading
/// nationalities. A token may be part of a name when it is
/// [`Token::namey`] (worked out once per token by the tokenizer, not at every
/// look). The segments go into `out` (emptied first), each with a
/// placeholder verdict.
fn segments_into(toks: &[Token], low: &LineLower, out: &mut Vec<(Segment, Verdict)>) {
    out.clear();
    let mut cur: Option<Segment> = None;
    let mut titled = false;
    let mut i = 0;
    let flush = |cur: &mut Option<Segment>, out: &mut Vec<(Segment, Verdict)>| {
        if let Some(s) = cur.take() {
            out.push((s, Verdict::Maybe));
        }
    };
    let next_is_name = |k: usize| toks.get(k).is_some_and(|t| t.namey);
    // Is token `k` a word on the title list? The small title filter
    // first: most words asked are not titles, and would cost a probe of
    // the big table.
    let title_at = |k: usize| {
        toks.get(k).is_some_and(|t| {
            let lw = low.get(t.text);
            t.kind == Kind::Word
                && LEXICON.may_be_title(&lw)
                && is_title_flagged(&lw, low.flags(k, toks))
        })
    };
    // The first name-like token at or after `i`, once found.
    let mut next_namey = 0;
    while i < toks.len() {
        // Outside a segment, with no title pending, a token more than two
        // before the next name-like one changes nothing: no name follows it
        // close enough for a title, it starts nothing and ends nothing. Jump
        // to two before that token (a title, perhaps "Mr ."). Prose has
        // seven or eight tokens for each name-like one, and walking them
        // all was a profiled cost.
        if cur.is_none() && !titled {
            if next_namey < i {
                next_namey = toks
                    .get(i..)
                    .and_then(|rest| rest.iter().position(|t| t.namey))
                    .map_or(toks.len(), |d| i + d);
            }
            i = i.max(next_namey.saturating_sub(2));
            if i >= toks.len() {
                break;
            }
        }
        let t = &toks[i];
        // Titles: "President Biden", "Mr. Frolov", "former president Barack Obama".
        // The cheap test (a name follows) goes first: most words are not
        // before a name, and then the title lookup is skipped.
        if t.kind == Kind::Word {
            let after_dot = toks.get(i + 1).is_some_and(|n| n.text == ".");
            let k = if after_dot { i + 2 } else { i + 1 };
            if next_is_name(k) {
                let lw = low.get(t.text);
                if title_at(i)
                    && (!after_dot || is_abbreviated_title(&lw))
                    && (!is_portfolio(&lw) || title_at(k))
                {
                    flush(&mut cur, out);
                    // A title's possessive owns what follows, it does not
                    // name it: "Prime Minister's Questions", "the
                    // President's Office".
                    titled = !low.possessive(t.text);
                    i = k;
                    continue;
                }
            }
        }
        if t.namey {
            let leading = cur.is_none();
            // A stop word that is also a surname may end a name after a
            // given name ("Peter Such"), never start one ("Such a").
            // Asked only for a stop word (the word before is looked up once
            // per line, in the line's cache).
            let prev_given = || {
                cur.as_ref()
                    .is_some_and(|c| low.flags(c.end.wrapping_sub(1), toks) & GIVEN != 0)
            };
            let f = low.flags(i, toks);
            let stop = f & STOP != 0 && !(prev_given() && !next_is_name(i + 1) && f & SURNAME != 0);
            let nationality_lead = leading && f & PLACE != 0 && next_is_name(i + 1);
            if stop || nationality_lead {
                flush(&mut cur, out);
                // "Russian President Putin": the title after still counts.
                titled = false;
                i += 1;
                continue;
            }
            // An organisation's word, then a given name and a surname: the
            // body's name ends and a person's begins ("Lib Dems Simon
            // Hughes" was one run, rejected whole for the party's word).
            // Both on the name lists, so that "Dow Jones Industrial" and
            // "Red Star Belgrade" stay one body's name (and "Lib Dems David
            // Laws" too: "Laws" is on no list).
            if f & GIVEN != 0
                && f & (ORG | PLACE) == 0
                && next_is_name(i + 1)
                && cur
                    .as_ref()
                    .is_some_and(|c| low.flags(c.end - 1, toks) & ORG != 0)
                && {
                    let g = low.flags(i + 1, toks);
                    g & SURNAME != 0 && g & (ORG | PLACE) == 0
                }
            {
                flush(&mut cur, out);
            }
            match cur.as_mut() {
                Some(c) => c.end = i + 1,
                None => {
                    cur = Some(Segment {
                        start: i,
                        end: i + 1,
                        titled,
                    });
                    titled = false;
                }
            }
            // A possessive ends a name: in "Lord Conrad Black's Hollinger
            // International" the run was one segment, a person named
            // "Conrad Black Hollinger".
            if low.possessive(t.text) {
                flush(&mut cur, out);
            }
            i += 1;
            continue;
        }
        // A middle initial without its full stop, as the BBC and others
        // write them, joins a given name to the next name word: "George W
        // Bush", "John F Kennedy" (before, the letter cut them in two, and
        // the first name alone was taken for a person). Not "I", which is
        // the pronoun far more often than an initial.
        if let Some(c) = cur.as_mut() {
            let initial = t.kind == Kind::Word
                && t.text.len() == 1
                && t.text != "I"
                && t.text.as_bytes()[0].is_ascii_uppercase();
            if initial
                && next_is_name(i + 1)
                && low.flags(c.end - 1, toks) & GIVEN != 0
                && low.flags(i + 1, toks) & STOP == 0
            {
                c.end = i + 1;
                i += 1;
                continue;
            }
        }
        // Particles join two name words: "Ludwig van Beethoven".
        // Particles may chain: "Joost van der Westhuizen".
        if let Some(c) = cur.as_mut() {
            let mut k = i;
            while toks.get(k).is_some_and(|n| is_particle(n.text)) {
                k += 1;
            }
            if k > i && next_is_name(k) {
                c.end = i + 1;
                i += 1;
                continue;
            }
        }
        flush(&mut cur, out);
        titled = false;
        i += 1;
    }
    flush(&mut cur, out);
}

/// Does token `i` start a sentence: first of the line but for punctuation
/// and numbers, or after a sentence's end (quotes and brackets between)?
fn starts_sentence(toks: &[Token], i: usize) -> bool {
    let before = toks.get(..i).unwrap_or_default();
    before
        .iter()
        .all(|t| t.kind == Kind::Punct || t.kind == Kind::Number)
        || before
            .iter()
            .rev()
            .find(|t| !matches!(t.text, "\"" | "“" | "‘" | "'" | "(" | "[" | "—" | "–"))
            .is_some_and(|t| matches!(t.text, "." | "!" | "?" | ":" | ";"))
}

/// Drop a capitalised descriptor before a given name: "Democrat Walter
/// Mondale", "Briton Tim Henman". And the verb of an inverted quote's
/// lead, which a sentence's start capitalises: "Said Williams: ...",
/// "Said Wales assistant coach Scott Johnson: ..." ("Said" is a name too,
/// as in "Said Aouita won the race.", so only when the sentence goes on
/// to a colon).
fn peel_descriptor(seg: &mut Segment, toks: &[Token], low: &LineLower) {
    if seg.end - seg.start >= 2
        && toks[seg.start].text == "Said"
        && starts_sentence(toks, seg.start)
        && toks
            .get(seg.end..)
            .unwrap_or_default()
            .iter()
            .find(|t| matches!(t.text, ":" | "." | "!" | "?" | "\"" | "“"))
            .is_some_and(|t| t.text == ":")
    {
        seg.start += 1;
        seg.titled = false;
        return;
    }
    if seg.end - seg.start >= 3 {
        let word0 = toks[seg.start].text;
        let first = low.flags(seg.start, toks);
        let second = low.flags(seg.start + 1, toks);
        if first & GIVEN == 0
            && word0.as_bytes().last() != Some(&b'.')
            && second & GIVEN != 0
            && second & (PLACE | STOP) == 0
        {
            seg.start += 1;
            seg.titled = false;
        }
    }
}

/// Names listed together are alike: a multi-word "maybe" joined by a comma
/// or "and" to a person is a person too (team sheets: "Romesh
/// Kaluwitharana, Asanka Gurusinha, Aravinda de Silva").
fn coordinate(judged: &mut [(Segment, Verdict)], toks: &[Token]) {
    let linked = |a: &Segment, b: &Segment| {
        b.start > a.end
            && toks[a.end..b.start]
                .iter()
                .all(|t| matches!(t.text, "," | ";" | "and" | "&"))
    };
    for _ in 0..4 {
        let mut changed = false;
        for k in 0..judged.len() {
            if !matches!(judged[k].1, Verdict::Maybe) || judged[k].0.end - judged[k].0.start < 2 {
                continue;
            }
            let prev = k > 0
                && matches!(judged[k - 1].1, Verdict::Person)
                && linked(&judged[k - 1].0, &judged[k].0);
            let next = k + 1 < judged.len()
                && matches!(judged[k + 1].1, Verdict::Person)
                && linked(&judged[k].0, &judged[k + 1].0);
            if prev || next {
                judged[k].1 = Verdict::Person;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
}

/// Decide whether a segment names a person, using its words and the tokens
/// around it. `flags` is scratch space for the [`word_flags`] of its words,
/// reused across segments so that judging allocates nothing.
fn judge(seg: &Segment, toks: &[Token], low: &LineLower, flags: &mut Vec<u8>) -> Verdict {
    flags.clear();
    flags.extend((seg.start..seg.end).map(|i| low.flags(i, toks)));
    let lw: &[u8] = flags;
    let n = lw.len();
    let (first, ff) = (low.get(toks[seg.start].text), lw[0]);
    let (last, lf) = (low.get(toks[seg.end - 1].text), lw[n - 1]);
    let (first, last): (&str, &str) = (&first, &last);
    let first_given = ff & GIVEN != 0 && ff & (PLACE | STOP) == 0;
    let word0 = toks[seg.start].text;
    // One character and a full stop ("P."), without counting characters.
    let first_initial = word0.as_bytes().last() == Some(&b'.')
        && word0.get(..word0.len() - 1).is_some_and(|init| {
            let mut cs = init.chars();
            cs.next().is_some() && cs.next().is_none()
        });

    // Organisation words reject; surname-like ones ("Hill") only when the
    // segment is not shaped like given name + surname.
    for (k, &f) in lw.iter().enumerate() {
        if f & ORG != 0 {
            return Verdict::Reject;
        }
        let name_shaped = n >= 2 && k == n - 1 && (first_given || first_initial);
        if f & SOFT_ORG != 0 && !name_shaped {
            return Verdict::Reject;
        }
    }
    if lw.iter().all(|&f| f & (PLACE_OR_PLURAL | STOP) != 0) {
        return Verdict::Reject;
    }
    // "Storm Daniel"; "Climate Reporter" after a byline comma.
    if is_event_lead(first) || is_role_noun(last) {
        return Verdict::Reject;
    }

    let before = seg.start.checked_sub(1).and_then(|k| toks.get(k));
    let after = toks.get(seg.end);
    // "the James Webb telescope", "Nobel prize".
    // The word after, lowercased once for both lists.
    let after_lw = after.map(|t| low.get(t.text));
    if after_lw.as_deref().is_some_and(is_thing_after) {
        return Verdict::Reject;
    }
    // Named by the kind of thing it is, right before it, in lowercase (the
    // list's words are): "the band Franz Ferdinand". Not after a
    // possessive ("the company's John Smith" is its employee).
    if before.is_some_and(|t| is_kind_before_name(t.text) && !low.possessive(t.text)) {
        return Verdict::Named;
    }
    // The work or band a credit after it belongs to, when a name follows
    // the credit: "Vera Drake director Mike Leigh" (the director is the
    // person). A possessive name is one ("Madonna's producer William Orbit").
    let last_word = toks[seg.end - 1].text;
    if after_lw.as_deref().is_some_and(is_credit)
        && toks.get(seg.end + 1).is_some_and(|t| t.namey)
        && !low.possessive(last_word)
    {
        return Verdict::Named;
    }
    // The head of an organisation's or event's name whose last word also
    // ends a run (so the run stopped before it): "Sky News", "Davis Cup",
    // "Gartner Group", and across a plural's apostrophe "Transport and
    // General Workers' Union" when no word is a known name ("Kelly
    // Holmes' Olympic victory" stays). A possessive name owns what
    // follows ("Murdoch's News Corp") and stays.
    let org_at = |k: usize| toks.get(k).is_some_and(|t| t.namey) && low.flags(k, toks) & ORG != 0;
    let no_known_name = || lw.iter().all(|&f| f & (GIVEN | SURNAME) == 0);
    if !low.possessive(last_word)
        && (org_at(seg.end)
            || after.is_some_and(|t| matches!(t.text, "'" | "’"))
                && org_at(seg.end + 1)
                && no_known_name())
    {
        return Verdict::Reject;
    }
    // "St Kitts", "St Andrews", "St Helens": after "St" a name is a
    // place's far more often than a saint's in the news.
    if seg.titled {
        let mut k = seg.start;
        while k > 0 && toks[k - 1].text == "." {
            k -= 1;
        }
        if k > 0 && matches!(&*low.get(toks[k - 1].text), "st" | "saint") {
            return Verdict::Reject;
        }
    }
    let said_after = after_lw.as_deref().is_some_and(is_said);
    let said_before = before.is_some_and(|t| is_said(&low.get(t.text)));
    // "Chris Adams, 123," is a score; "Smith, 45," an age. Both are people.
    let age = after.is_some_and(|t| t.text == ",")
        && toks.get(seg.end + 1).is_some_and(|t| {
            t.kind == Kind::Number
                && t.text.len() <= 3
                && t.text.chars().all(|c| c.is_ascii_digit())
        })
        && toks
            .get(seg.end + 2)
            .is_some_and(|t| t.text == "," || t.text == "." || t.text == ";");
    // Results lists: "Aliuska Lopez (Cuba) 12.92".
    let country_after = after.is_some_and(|t| t.text == "(")
        && low.flags(seg.end + 1, toks) & PLACE != 0
        && toks.get(seg.end + 2).is_some_and(|t| t.text == ")");
    // A sentence's first word is capitalised whatever it is, so there it is
    // weaker evidence ("Developing countries...", "Speaking to supporters").
    let line_start = starts_sentence(toks, seg.start);
    let last_place = lf & PLACE_OR_PLURAL != 0;

    if n >= 2 {
        if first_initial && !last_place {
            return Verdict::Person;
        }
        if first_given {
            return Verdict::Person;
        }
        if ff & PLACE_OR_PLURAL != 0 {
            return Verdict::Reject;
        }
        if (seg.titled || said_after || said_before || age || country_after) && !last_place {
            return Verdict::Person;
        }
        if n == 2 && lf & SURNAME != 0 && ff & GIVEN != 0 {
            return Verdict::Person;
        }
        return Verdict::Maybe;
    }
    if ff & (PLACE_OR_PLURAL | STOP) != 0 || is_title_flagged(first, ff) {
        return Verdict::Reject;
    }
    let known_word = ff & (SURNAME | GIVEN) != 0;
    // Seven characters take seven bytes or more: the length first, then the
    // endings (byte by byte), then the dearer count of characters.
    let common_shape = first.len() >= 7
        && COMMON_WORD_ENDINGS
            .iter()
            .any(|e| ends_with_bytes(first.as_bytes(), e.as_bytes()))
        && first.chars().count() >= 7;
    if common_shape && !known_word {
        return Verdict::Reject;
    }
    // A lone word the name lists do not know, right before a title that
    // names someone, describes that person: "former Worldcom boss Bernie
    // Ebbers", "Friends actress Lisa Kudrow", "Westlife star Brian
    // McFadden" (a company, a show, a band). A known name stays: "Clinton
    // spokesman Mike McCurry" mentions Clinton.
    if !known_word
        && low.flags(seg.end, toks) & TITLE != 0
        && toks.get(seg.end + 1).is_some_and(|t| t.namey)
    {
        return Verdict::Reject;
    }
    if seg.titled || country_after {
        return Verdict::Person;
    }
    // A lone word next to "said" with another word on its other side is
    // as often a company or a body as a person: "analysts at Sophos
    // said", "said Yukos did not", "said Opera spokeswoman Berit
    // Hanson". Unless the name lists know it, it waits for a fuller name
    // of the same person. Between "said" and a comma or a full stop, or
    // after one ("Later, Ryabkov said", "said Zhirinovsky, ..."), it is a
    // person.
    let word_before = before.is_some_and(|t| t.kind == Kind::Word);
    let word_after = after.is_some_and(|t| t.kind == Kind::Word);
    let said =
        said_before && (!word_after || known_word) || said_after && (!word_before || known_word);
    if (said || age) && (!line_start || known_word) {
        return Verdict::Person;
    }
    // Soccer scorer lists: "Scorers: Shearer (23rd minute), Ronaldo 45".
    // The line is scanned for "Scorers" only here, when the rest fits: a
    // scan of every line showed in profiles, and few segments get this far.
    if after.is_some_and(|t| t.kind == Kind::Number || t.text == "(")
        && toks
            .iter()
            .any(|t| t.kind == Kind::Word && starts_with_lower(t.text, "scorer"))
    {
        return Verdict::Person;
    }
    Verdict::Maybe
}

/// Does a word of a shorter form match a word of a fuller one? Equal
/// (ignoring case), or an initial of it ("P." for "Phil").
fn word_matches(short: &str, full: &str) -> bool {
    if eq_lower(short, full) {
        return true;
    }
    match short.strip_suffix('.') {
        Some(init) if init.chars().count() == 1 => full.starts_with(init),
        _ => false,
    }
}

/// Is `short` a form of the name `full`: same last word, other words found
/// in order?
fn is_form_of(short: &[&str], full: &[&str]) -> bool {
    let (Some(sl), Some(fl)) = (short.last(), full.last()) else {
        return false;
    };
    if !word_matches(sl, fl) || short.len() > full.len() {
        return false;
    }
    let mut k = 0;
    for w in &short[..short.len() - 1] {
        while k < full.len() - 1 && !word_matches(w, full[k]) {
            k += 1;
        }
        if k >= full.len() - 1 {
            return false;
        }
        k += 1;
    }
    true
}

/// The fullest form in the document of the person mention `m` names; `None`
/// when a bare surname fits two different people ("Schumacher" with both
/// "Michael Schumacher" and "Ralf Schumacher").
fn canonical(m: &Found, all: &[&Found]) -> Option<String> {
    let fuller: Vec<&Found> = all
        .iter()
        .copied()
        .filter(|f| is_form_of(m, f) && !is_caps_form(f))
        .collect();
    let best = fuller
        .iter()
        .copied()
        .max_by_key(|f| (f.len(), f.iter().map(|w| w.len()).sum::<usize>()));
    let Some(best) = best else {
        // Only an all-caps form: keep it as written.
        return Some(m.join(" "));
    };
    let ambiguous = fuller
        .iter()
        .any(|f| !is_form_of(f, best) && !is_form_of(best, f));
    if ambiguous && m.len() == 1 {
        return None;
    }
    Some(best.join(" "))
}

/// A form written in capitals (from a headline); never the canonical one
/// when a mixed-case form exists.
fn is_caps_form(f: &Found) -> bool {
    f.iter()
        .all(|w| !w.chars().any(char::is_lowercase) && w.chars().count() > 2)
}

#[cfg(test)]
mod tests;
