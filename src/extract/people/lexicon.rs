//! Word lists for people extraction, compiled into the binary from
//! `data/people/*.txt` with `include_str!`. In: nothing (static data). Out:
//! lowercase lookup sets built once on first use. Does not decide anything;
//! the rules in the parent module do.

use std::sync::LazyLock;

// foldhash: these sets are probed for nearly every capitalised word of every
// article, where SipHash was a visible cost.
use foldhash::{HashSet, HashSetExt};

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
    Lexicon {
        given,
        surnames: entries(include_str!("../../../data/people/surnames.txt")).collect(),
        titles: entries(include_str!("../../../data/people/titles.txt")).collect(),
        stop: entries(include_str!("../../../data/people/stopwords.txt")).collect(),
        places: entries(include_str!("../../../data/people/places.txt")).collect(),
        orgs,
        soft_orgs,
    }
});
