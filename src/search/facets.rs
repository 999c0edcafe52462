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

/// Per-segment state of [`FacetCollector`]: the matching documents, in
/// order. Nothing is looked up while collecting, so a document that turns
/// out to be a copy (of one in this or an earlier segment) costs nothing
/// but its print.
pub struct FacetSegment {
    columns: Columns,
    docs: Vec<(DocId, Option<u64>)>,
}

/// The fast fields a segment's facets are read from.
struct Columns {
    people: Option<StrColumn>,
    sources: Option<StrColumn>,
    prints: Column<u64>,
    published: Column<i64>,
}

/// What one segment found: its matching documents and where to read them.
pub struct SegmentFacets {
    columns: Columns,
    docs: Vec<(DocId, Option<u64>)>,
}

/// Counts per term ordinal of one segment's column: a plain array when the
/// matches are many next to the dictionary (no hashing per document), a
/// map when they are few (no array as long as the dictionary).
enum Tally {
    Dense(Vec<u32>),
    Sparse(HashMap<u64, u64>),
}

impl Tally {
    fn new(terms: usize, docs: usize) -> Tally {
        if docs.saturating_mul(4) >= terms {
            Tally::Dense(vec![0; terms])
        } else {
            Tally::Sparse(HashMap::new())
        }
    }

    fn add(&mut self, ord: u64) {
        match self {
            Tally::Dense(v) => {
                if let Some(n) = usize::try_from(ord).ok().and_then(|i| v.get_mut(i)) {
                    *n += 1;
                }
            }
            Tally::Sparse(m) => *m.entry(ord).or_default() += 1,
        }
    }

    /// The `n` most frequent ordinals, ties by ordinal (deterministic).
    fn top(self, n: usize) -> Vec<(u64, u64)> {
        let mut v: Vec<(u64, u64)> = match self {
            Tally::Dense(v) => v
                .into_iter()
                .enumerate()
                .filter(|(_, c)| *c > 0)
                .map(|(ord, c)| (ord as u64, u64::from(c)))
                .collect(),
            Tally::Sparse(m) => m.into_iter().collect(),
        };
        let order = |a: &(u64, u64), b: &(u64, u64)| b.1.cmp(&a.1).then(a.0.cmp(&b.0));
        if v.len() > n && n > 0 {
            // Only the top is sorted: a broad result set names tens of
            // thousands of people per segment.
            v.select_nth_unstable_by(n - 1, order);
        }
        v.truncate(n);
        v.sort_unstable_by(order);
        v
    }
}

/// The names of counted ordinals, looked up in one ordered walk of the
/// column's dictionary: looking each up on its own restarts a block scan
/// every time (hundreds of lookups per segment were most of a facet
/// query's time).
fn names(col: Option<&StrColumn>, mut counted: Vec<(u64, u64)>) -> Vec<(String, u64)> {
    let Some(col) = col else {
        return Vec::new();
    };
    counted.sort_unstable_by_key(|&(ord, _)| ord);
    let ords: Vec<u64> = counted.iter().map(|&(ord, _)| ord).collect();
    let mut found: Vec<Option<String>> = Vec::with_capacity(ords.len());
    // Names arrive in ord order; a walk that stops early (an ord the
    // dictionary lacks, a read error) leaves the names found so far, still
    // paired with their own counts below, and drops the rest.
    let _ = col.dictionary().sorted_ords_to_term_cb(&ords, |bytes| {
        found.push(std::str::from_utf8(bytes).ok().map(str::to_string));
    });
    found
        .into_iter()
        .zip(counted)
        .filter_map(|(name, (_, n))| Some((name?, n)))
        .collect()
}

/// The first occurrence of each value in `prints`, in order: `true` where
/// no earlier element is equal.
///
/// Why not one hash set: inserting every print of a broad result set
/// (100,000+) into a set that outgrows the cache cost more than walking
/// the postings. Two bitmaps addressed by the low bits of each print (they
/// are uniform hashes) sort out, in two cheap passes, the prints whose
/// slot nobody else uses, which are certainly first; only the few that
/// share a slot go through an exact set.
pub fn first_flags(prints: &[u64]) -> Vec<bool> {
    let bits = prints
        .len()
        .saturating_mul(16)
        .next_power_of_two()
        .clamp(1 << 12, 1 << 24);
    let mask = bits as u64 - 1;
    let at = |p: u64| {
        let slot = (p & mask) as usize;
        (slot / 64, 1u64 << (slot % 64))
    };
    let mut used = vec![0u64; bits / 64];
    let mut shared = vec![0u64; bits / 64];
    for &p in prints {
        let (w, b) = at(p);
        if used[w] & b != 0 {
            shared[w] |= b;
        } else {
            used[w] |= b;
        }
    }
    let mut exact = PrintSet::default();
    prints
        .iter()
        .map(|&p| {
            let (w, b) = at(p);
            shared[w] & b == 0 || exact.insert(p)
        })
        .collect()
}

/// How many people (and sources) each segment contributes to a facet list.
/// Exact for one segment; with several, a value just outside every
/// segment's top may be undercounted (as in Elasticsearch's `shard_size`).
pub const FACET_VALUES_PER_SEGMENT: usize = 200;

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
            columns: Columns {
                people: ff.str("people_exact")?,
                sources: ff.str("source_exact")?,
                prints: ff.u64("print64")?,
                published: ff.i64("published")?,
            },
            docs: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, parts: Vec<SegmentFacets>) -> tantivy::Result<FacetCounts> {
        let mut out = FacetCounts::default();
        // The first copy in segment and document order counts; later ones
        // (in this segment or a later one) are skipped.
        let prints: Vec<u64> = parts
            .iter()
            .flat_map(|p| p.docs.iter().filter_map(|&(_, print)| print))
            .collect();
        let mut first = first_flags(&prints).into_iter();
        let mut distinct = 0u64;
        let mut months: HashMap<i64, u64> = HashMap::new();
        for part in parts {
            let c = &part.columns;
            // Count by term ordinal first and turn only the most frequent
            // ordinals into names: resolving every person of a broad result
            // set costs a dictionary lookup each (tens of ms on 2,000
            // articles), and nobody reads past the top of a facet list.
            let terms = |col: &Option<StrColumn>| col.as_ref().map_or(0, |c| c.num_terms());
            let mut people_ords = Tally::new(terms(&c.people), part.docs.len());
            let mut source_ords = Tally::new(terms(&c.sources), part.docs.len());
            // Documents of a segment mostly come in publication order, so
            // months are tallied in runs rather than hashed per document.
            let mut run: Option<(i64, u64)> = None;
            for &(doc, print) in &part.docs {
                if print.is_some() && first.next() == Some(false) {
                    continue;
                }
                distinct += 1;
                if let Some(col) = &c.people {
                    col.term_ords(doc).for_each(|o| people_ords.add(o));
                }
                if let Some(col) = &c.sources {
                    col.term_ords(doc).for_each(|o| source_ords.add(o));
                }
                if let Some(day) = c.published.first(doc) {
                    out.first_last = merge_span(out.first_last, Some((day, day)));
                    let month = day / 100;
                    match &mut run {
                        Some((m, n)) if *m == month => *n += 1,
                        _ => {
                            if let Some((m, n)) = run.replace((month, 1)) {
                                *months.entry(m).or_default() += n;
                            }
                        }
                    }
                }
            }
            if let Some((m, n)) = run {
                *months.entry(m).or_default() += n;
            }
            let people = people_ords.top(FACET_VALUES_PER_SEGMENT);
            for (name, n) in names(c.people.as_ref(), people) {
                *out.facets.people.entry(name).or_default() += n;
            }
            let sources = source_ords.top(FACET_VALUES_PER_SEGMENT);
            for (name, n) in names(c.sources.as_ref(), sources) {
                *out.facets.sources.entry(name).or_default() += n;
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
        self.docs.push((doc, self.columns.prints.first(doc)));
    }

    fn harvest(self) -> SegmentFacets {
        SegmentFacets {
            columns: self.columns,
            docs: self.docs,
        }
    }
}

/// Counts matching documents with exact duplicates counted once: the
/// `total` of a search without facets.
pub struct DistinctCount;

/// Per-segment state of [`DistinctCount`]: the prints of matching
/// documents, deduplicated only when all segments are in ([`first_flags`]).
pub struct DistinctSegment {
    prints: Column<u64>,
    found: Vec<u64>,
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
            found: Vec::new(),
            unprinted: 0,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, parts: Vec<(Vec<u64>, u64)>) -> tantivy::Result<u64> {
        let unprinted: u64 = parts.iter().map(|(_, u)| u).sum();
        let prints: Vec<u64> = parts.into_iter().flat_map(|(p, _)| p).collect();
        let firsts = first_flags(&prints).into_iter().filter(|&f| f).count();
        Ok(firsts as u64 + unprinted)
    }
}

impl SegmentCollector for DistinctSegment {
    type Fruit = (Vec<u64>, u64);

    fn collect(&mut self, doc: DocId, _score: Score) {
        match self.prints.first(doc) {
            Some(p) => self.found.push(p),
            None => self.unprinted += 1,
        }
    }

    fn harvest(self) -> (Vec<u64>, u64) {
        (self.found, self.unprinted)
    }
}

/// The `n` largest counts, ties by name.
pub fn top(map: &BTreeMap<String, u64>, n: usize) -> Vec<(String, u64)> {
    let mut v: Vec<(String, u64)> = map.iter().map(|(k, v)| (k.clone(), *v)).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v.truncate(n);
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `first_flags` against the obvious hash-set answer, on prints that
    /// share bitmap slots (equal low bits) as well as true duplicates.
    #[test]
    fn first_flags_marks_exactly_the_first_copies() {
        let mut prints: Vec<u64> = Vec::new();
        for i in 0..20_000u64 {
            // Mixed so low bits collide often; every 7th repeats an earlier one.
            let p = if i % 7 == 3 {
                (i / 2).wrapping_mul(0x9e37_79b9_7f4a_7c15)
            } else {
                i.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ ((i % 5) << 40)
            };
            prints.push(p);
        }
        prints.extend([0, 0, 1 << 63, 1 << 63]);
        let mut seen = HashSet::new();
        let expected: Vec<bool> = prints.iter().map(|p| seen.insert(*p)).collect();
        assert_eq!(first_flags(&prints), expected);
        assert!(first_flags(&[]).is_empty());
    }
}
