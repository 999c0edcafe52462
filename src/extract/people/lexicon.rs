//! Word lists for people extraction, compiled into the binary from
//! `data/people/*.txt` with `include_str!`. In: nothing (static data). Out:
//! lowercase lookup sets built once on first use. Does not decide anything;
//! the rules in the parent module do.

use std::sync::LazyLock;

// foldhash: these sets are probed for nearly every capitalised word of every
// article, where SipHash was a visible cost.
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

/// Bits of [`Lexicon::flags`]: the lists a word is on.
pub(super) const GIVEN: u8 = 1;
pub(super) const SURNAME: u8 = 1 << 1;
pub(super) const TITLE: u8 = 1 << 2;
pub(super) const STOP: u8 = 1 << 3;
pub(super) const PLACE: u8 = 1 << 4;
pub(super) const ORG: u8 = 1 << 5;
pub(super) const SOFT_ORG: u8 = 1 << 6;

/// Every list, lowercased, built on first use.
pub(super) struct Lexicon {
    /// Given names (Faker-derived plus our own supplement).
    pub given: HashSet<String>,
    /// Surnames (Faker-derived).
    pub surnames: HashSet<String>,
    /// Titles and role words that precede a name.
    pub titles: HashSet<String>,
    /// Capitalised words that are never a name alone.
    pub stop: HashSet<String>,
    /// Countries, cities, regions, nationalities.
    pub places: HashSet<String>,
    /// Organisation words that always reject a candidate.
    pub orgs: HashSet<String>,
    /// Organisation words that are also common surnames ("Hill").
    pub soft_orgs: HashSet<String>,
    /// Every word of the lists above with the bits of the lists it is on:
    /// judging a segment asks up to a dozen questions of each word, and one
    /// lookup answers them all.
    by_word: HashMap<String, u8>,
}

impl Lexicon {
    /// The lists (bits [`GIVEN`] to [`SOFT_ORG`]) a lowercase word is on.
    pub fn flags(&self, lw: &str) -> u8 {
        self.by_word.get(lw).copied().unwrap_or(0)
    }
}

/// Lines of a data file that are not blank and not `#` comments, lowercased.
fn entries(text: &'static str) -> impl Iterator<Item = String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_lowercase)
}

/// The shared lexicon; building it costs a few milliseconds once.
pub(super) static LEXICON: LazyLock<Lexicon> = LazyLock::new(|| {
    let mut given: HashSet<String> =
        entries(include_str!("../../../data/people/given_names.txt")).collect();
    given.extend(entries(include_str!(
        "../../../data/people/extra_given_names.txt"
    )));
    let mut orgs = HashSet::new();
    let mut soft_orgs = HashSet::new();
    for e in entries(include_str!("../../../data/people/orgs.txt")) {
        match e.strip_suffix('?') {
            Some(soft) => soft_orgs.insert(soft.to_string()),
            None => orgs.insert(e),
        };
    }
    let mut lex = Lexicon {
        given,
        surnames: entries(include_str!("../../../data/people/surnames.txt")).collect(),
        titles: entries(include_str!("../../../data/people/titles.txt")).collect(),
        stop: entries(include_str!("../../../data/people/stopwords.txt")).collect(),
        places: entries(include_str!("../../../data/people/places.txt")).collect(),
        orgs,
        soft_orgs,
        by_word: HashMap::new(),
    };
    let mut by_word: HashMap<String, u8> = HashMap::new();
    for (set, bit) in [
        (&lex.given, GIVEN),
        (&lex.surnames, SURNAME),
        (&lex.titles, TITLE),
        (&lex.stop, STOP),
        (&lex.places, PLACE),
        (&lex.orgs, ORG),
        (&lex.soft_orgs, SOFT_ORG),
    ] {
        for w in set {
            *by_word.entry(w.clone()).or_default() |= bit;
        }
    }
    lex.by_word = by_word;
    lex
});
