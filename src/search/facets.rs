//! Facet counts over a whole result set: people, sources and publication
//! months, read from fast fields (never from stored documents), and the
//! number of distinct bodies (by the `print64` fast field) (exact duplicates counted once, in the facet
//! counts too, so they agree with the collapsed hit list).
//!
//! It does not rank or page; it counts every matching document.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use serde::Serialize;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// Counts for the result set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Facets {
    /// Person -> matching articles naming them.
    pub people: BTreeMap<String, u64>,
    /// Source -> matching articles.
    pub sources: BTreeMap<String, u64>,
    /// `YYYY-MM` -> matching articles published that month.
    pub months: BTreeMap<String, u64>,
}

/// Raw per-run output of [`FacetCollector`].
#[derive(Debug, Default)]
pub struct FacetCounts {
    /// The facets.
    pub facets: Facets,
    /// Distinct fingerprints among matches.
    pub distinct: u64,
    /// Earliest and latest publication day (`YYYYMMDD`) among matches.
    pub first_last: Option<(i64, i64)>,
}

/// Collects [`FacetCounts`]. Exact duplicates (same fingerprint) are
/// counted once, also when the copies sit in different segments, so facet
/// counts agree with the collapsed hit list and `total`.
pub struct FacetCollector;

/// What one matching, first-in-its-segment document contributes.
struct Contribution {
    people: Vec<u64>,
    sources: Vec<u64>,
    day: Option<i64>,
}

/// Per-segment state of [`FacetCollector`].
pub struct FacetSegment {
    people: Option<StrColumn>,
    sources: Option<StrColumn>,
    prints: Column<u64>,
    published: Column<i64>,
    /// Print ord -> contribution of its first matching document.
    firsts: PrintMap<Contribution>,
    /// Documents without a fingerprint: never duplicates of anything.
    unprinted: Vec<Contribution>,
}

/// What one segment found, ords kept so cross-segment copies can be taken back out.
pub struct SegmentFacets {
    people: Option<StrColumn>,
    sources: Option<StrColumn>,
    by_print: Vec<(u64, Contribution)>,
    unprinted: Vec<Contribution>,
}

/// Resolves ords to strings, once per ord.
struct Resolver<'a> {
    col: Option<&'a StrColumn>,
    cache: HashMap<u64, Option<String>>,
}

impl Resolver<'_> {
    fn get(&mut self, ord: u64) -> Option<String> {
        let col = self.col?;
        self.cache
            .entry(ord)
            .or_insert_with(|| {
                let mut buf = String::new();
                col.ord_to_str(ord, &mut buf)
                    .ok()
                    .filter(|found| *found)
                    .map(|_| buf)
            })
            .clone()
    }
}

/// How many people (and sources) each segment contributes to a facet list.
/// Exact for one segment; with several, a value just outside every
/// segment's top may be undercounted (as in Elasticsearch's `shard_size`).
pub const FACET_VALUES_PER_SEGMENT: usize = 200;

/// The `n` most frequent ordinals, ties by ordinal (deterministic).
fn top_ords(counts: HashMap<u64, u64>, n: usize) -> Vec<(u64, u64)> {
    let mut v: Vec<(u64, u64)> = counts.into_iter().collect();
    v.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    v.truncate(n);
    v
}

/// Hasher for `print64` values, which are already uniform 64-bit hashes:
/// hashing them again (SipHash) was a tenth of a broad query's time, since
/// totals insert one print per matching document.
#[derive(Default)]
pub struct PrintHasher(u64);

impl Hasher for PrintHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// A set of `print64` values.
pub type PrintSet = HashSet<u64, BuildHasherDefault<PrintHasher>>;
/// A map keyed by `print64` values.
pub type PrintMap<V> = HashMap<u64, V, BuildHasherDefault<PrintHasher>>;

impl Collector for FacetCollector {
    type Fruit = FacetCounts;
    type Child = FacetSegment;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<FacetSegment> {
        let ff = reader.fast_fields();
        Ok(FacetSegment {
            people: ff.str("people_exact")?,
            sources: ff.str("source_exact")?,
            prints: ff.u64("print64")?,
            published: ff.i64("published")?,
            firsts: PrintMap::default(),
            unprinted: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, parts: Vec<SegmentFacets>) -> tantivy::Result<FacetCounts> {
        let mut out = FacetCounts::default();
        let mut seen = PrintSet::default();
        let mut distinct = 0u64;
        let mut months: HashMap<i64, u64> = HashMap::new();
        for part in parts {
            // Count by term ordinal first and turn only the most frequent
            // ordinals into names: resolving every person of a broad result
            // set costs a dictionary lookup each (tens of ms on 2,000
            // articles), and nobody reads past the top of a facet list.
            let mut people_ords: HashMap<u64, u64> = HashMap::new();
            let mut source_ords: HashMap<u64, u64> = HashMap::new();
            let kept = part
                .by_print
                .into_iter()
                .filter(|(print, _)| seen.insert(*print))
                .map(|(_, c)| c)
                .chain(part.unprinted);
            for c in kept {
                distinct += 1;
                for ord in c.people {
                    *people_ords.entry(ord).or_default() += 1;
                }
                for ord in c.sources {
                    *source_ords.entry(ord).or_default() += 1;
                }
                if let Some(day) = c.day {
                    *months.entry(day / 100).or_default() += 1;
                    out.first_last = merge_span(out.first_last, Some((day, day)));
                }
            }
            let mut people = Resolver {
                col: part.people.as_ref(),
                cache: HashMap::new(),
            };
            let mut sources = Resolver {
                col: part.sources.as_ref(),
                cache: HashMap::new(),
            };
            for (ord, n) in top_ords(people_ords, FACET_VALUES_PER_SEGMENT) {
                if let Some(name) = people.get(ord) {
                    *out.facets.people.entry(name).or_default() += n;
                }
            }
            for (ord, n) in top_ords(source_ords, FACET_VALUES_PER_SEGMENT) {
                if let Some(name) = sources.get(ord) {
                    *out.facets.sources.entry(name).or_default() += n;
                }
            }
        }
        for (month, n) in months {
            out.facets
                .months
                .insert(format!("{:04}-{:02}", month / 100, month % 100), n);
        }
        out.distinct = distinct;
        Ok(out)
    }
}

fn merge_span(a: Option<(i64, i64)>, b: Option<(i64, i64)>) -> Option<(i64, i64)> {
    match (a, b) {
        (Some((a0, a1)), Some((b0, b1))) => Some((a0.min(b0), a1.max(b1))),
        (x, None) | (None, x) => x,
    }
}

impl SegmentCollector for FacetSegment {
    type Fruit = SegmentFacets;

    fn collect(&mut self, doc: DocId, _score: Score) {
        let print = self.prints.first(doc);
        if print.is_some_and(|p| self.firsts.contains_key(&p)) {
            return;
        }
        let ords = |col: &Option<StrColumn>| -> Vec<u64> {
            col.as_ref()
                .map(|c| c.term_ords(doc).collect())
                .unwrap_or_default()
        };
        let c = Contribution {
            people: ords(&self.people),
            sources: ords(&self.sources),
            day: self.published.first(doc),
        };
        match print {
            Some(p) => {
                self.firsts.insert(p, c);
            }
            None => self.unprinted.push(c),
        }
    }

    fn harvest(self) -> SegmentFacets {
        let mut by_print: Vec<(u64, Contribution)> = self.firsts.into_iter().collect();
        // Segment-local order is a hash order; sort so which copy is counted
        // never depends on it (the counts are the same either way).
        by_print.sort_by_key(|(print, _)| *print);
        SegmentFacets {
            people: self.people,
            sources: self.sources,
            by_print,
            unprinted: self.unprinted,
        }
    }
}

/// Counts matching documents with exact duplicates counted once: the
/// `total` of a search without facets.
pub struct DistinctCount;

/// Per-segment state of [`DistinctCount`].
pub struct DistinctSegment {
    prints: Column<u64>,
    seen: PrintSet,
    unprinted: u64,
}

impl Collector for DistinctCount {
    type Fruit = u64;
    type Child = DistinctSegment;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<DistinctSegment> {
        Ok(DistinctSegment {
            prints: reader.fast_fields().u64("print64")?,
            seen: PrintSet::default(),
            unprinted: 0,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, parts: Vec<(PrintSet, u64)>) -> tantivy::Result<u64> {
        let mut all = PrintSet::default();
        let mut unprinted = 0;
        for (prints, n) in parts {
            all.extend(prints);
            unprinted += n;
        }
        Ok(all.len() as u64 + unprinted)
    }
}

impl SegmentCollector for DistinctSegment {
    type Fruit = (PrintSet, u64);

    fn collect(&mut self, doc: DocId, _score: Score) {
        match self.prints.first(doc) {
            Some(p) => {
                self.seen.insert(p);
            }
            None => self.unprinted += 1,
        }
    }

    fn harvest(self) -> (PrintSet, u64) {
        (self.seen, self.unprinted)
    }
}

/// The `n` largest counts, ties by name.
pub fn top(map: &BTreeMap<String, u64>, n: usize) -> Vec<(String, u64)> {
    let mut v: Vec<(String, u64)> = map.iter().map(|(k, v)| (k.clone(), *v)).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v.truncate(n);
    v
}
