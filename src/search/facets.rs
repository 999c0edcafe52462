//! Facet counts over a whole result set: people, sources and publication
//! months, read from fast fields (never from stored documents), and the
//! number of distinct bodies (exact duplicates counted once).
//!
//! It does not rank or page; it counts every matching document.

use std::collections::{BTreeMap, HashMap, HashSet};

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

/// Collects [`FacetCounts`].
pub struct FacetCollector;

/// Per-segment state of [`FacetCollector`].
pub struct FacetSegment {
    people: Option<StrColumn>,
    sources: Option<StrColumn>,
    prints: Option<StrColumn>,
    published: Column<i64>,
    people_ords: HashMap<u64, u64>,
    source_ords: HashMap<u64, u64>,
    print_ords: HashSet<u64>,
    months: HashMap<i64, u64>,
    first_last: Option<(i64, i64)>,
}

/// What one segment found, with ords already resolved to strings.
#[derive(Default)]
pub struct SegmentFacets {
    people: HashMap<String, u64>,
    sources: HashMap<String, u64>,
    prints: HashSet<String>,
    months: HashMap<i64, u64>,
    first_last: Option<(i64, i64)>,
}

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
            prints: ff.str("fingerprint")?,
            published: ff.i64("published")?,
            people_ords: HashMap::new(),
            source_ords: HashMap::new(),
            print_ords: HashSet::new(),
            months: HashMap::new(),
            first_last: None,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, parts: Vec<SegmentFacets>) -> tantivy::Result<FacetCounts> {
        let mut out = FacetCounts::default();
        let mut prints: HashSet<String> = HashSet::new();
        for p in parts {
            for (k, v) in p.people {
                *out.facets.people.entry(k).or_default() += v;
            }
            for (k, v) in p.sources {
                *out.facets.sources.entry(k).or_default() += v;
            }
            for (m, v) in p.months {
                *out.facets
                    .months
                    .entry(format!("{:04}-{:02}", m / 100, m % 100))
                    .or_default() += v;
            }
            prints.extend(p.prints);
            out.first_last = merge_span(out.first_last, p.first_last);
        }
        out.distinct = prints.len() as u64;
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
        if let Some(col) = &self.people {
            for ord in col.term_ords(doc) {
                *self.people_ords.entry(ord).or_default() += 1;
            }
        }
        if let Some(col) = &self.sources {
            for ord in col.term_ords(doc) {
                *self.source_ords.entry(ord).or_default() += 1;
            }
        }
        if let Some(col) = &self.prints {
            self.print_ords.extend(col.term_ords(doc));
        }
        if let Some(day) = self.published.first(doc) {
            *self.months.entry(day / 100).or_default() += 1;
            self.first_last = merge_span(self.first_last, Some((day, day)));
        }
    }

    fn harvest(self) -> SegmentFacets {
        let resolve = |col: &Option<StrColumn>, ords: HashMap<u64, u64>| {
            let mut out = HashMap::new();
            if let Some(col) = col {
                let mut buf = String::new();
                for (ord, n) in ords {
                    buf.clear();
                    if col.ord_to_str(ord, &mut buf).unwrap_or(false) {
                        out.insert(buf.clone(), n);
                    }
                }
            }
            out
        };
        let mut prints = HashSet::new();
        if let Some(col) = &self.prints {
            let mut buf = String::new();
            for ord in &self.print_ords {
                buf.clear();
                if col.ord_to_str(*ord, &mut buf).unwrap_or(false) {
                    prints.insert(buf.clone());
                }
            }
        }
        SegmentFacets {
            people: resolve(&self.people, self.people_ords),
            sources: resolve(&self.sources, self.source_ords),
            prints,
            months: self.months,
            first_last: self.first_last,
        }
    }
}

/// The `n` largest counts, ties by name.
pub fn top(map: &BTreeMap<String, u64>, n: usize) -> Vec<(String, u64)> {
    let mut v: Vec<(String, u64)> = map.iter().map(|(k, v)| (k.clone(), *v)).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v.truncate(n);
    v
}
