//! Facet counts over a whole result set: people, sources and publication
//! months, read from fast fields (never from stored documents), and the
//! number of distinct bodies (by the `print64` fast field) (exact duplicates counted once, in the facet
//! counts too, so they agree with the collapsed hit list).
//!
//! It does not rank or page; it counts every matching document.

use std::borrow::Cow;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::path::Path;
use std::sync::Arc;

use serde::Serialize;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::directory::{Directory, MmapDirectory, OwnedBytes};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, Score, Searcher, SegmentOrdinal, SegmentReader, Term};

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

/// The documents of a searcher whose `print64` occurs more than once in
/// the whole index (one bitset per segment, in segment order): only those
/// can be copies of another match. Every other document is certainly
/// counted, so with this at hand the collectors neither read its print nor
/// deduplicate it, which was most of counting a broad query.
///
/// A superset of the true set gives the same counts (a document wrongly
/// marked only takes the exact path), so deleted documents need no care.
pub struct SharedPrints {
    segments: Vec<SharedBits>,
}

/// One segment's marked documents, and their prints: reading a marked
/// document's print from the column (bitpacked decoding) showed in broad
/// facet queries' profiles, and the marked documents are few.
///
/// The three arrays are little-endian bytes, so a set loaded from the file
/// ingest saved is used where tantivy's directory maps it: a search touches
/// only the pages of the documents it counts, never reads the whole file.
struct SharedBits {
    /// One bit per document, 64 to a little-endian u64.
    bits: OwnedBytes,
    /// Marked documents before each word of `bits` (u32 each).
    ranks: OwnedBytes,
    /// Prints of the marked documents, in document order (u64 each).
    prints: OwnedBytes,
}

/// File name of the saved [`SharedPrints`] in the index directory.
pub const SHARED_PRINTS_FILE: &str = "shared-prints.bin";
/// The file [`SharedPrints::save`] writes first and renames.
pub const SHARED_PRINTS_TMP: &str = "shared-prints.tmp";
const SIDECAR_MAGIC: &[u8; 4] = b"NXSP";
const SIDECAR_VERSION: u32 = 2;

/// Little-endian integers of a byte array; `None` past its end.
fn le_u64(bytes: &[u8], i: usize) -> Option<u64> {
    let at = i.checked_mul(8)?;
    Some(u64::from_le_bytes(bytes.get(at..at + 8)?.try_into().ok()?))
}

fn le_u32(bytes: &[u8], i: usize) -> Option<u32> {
    let at = i.checked_mul(4)?;
    Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

/// A cursor over the saved set's bytes; `None` past the end.
struct Reader(OwnedBytes);

impl Reader {
    fn take(&mut self, n: usize) -> Option<OwnedBytes> {
        if self.0.len() < n {
            return None;
        }
        let (head, rest) = self.0.clone().split(n);
        self.0 = rest;
        Some(head)
    }

    fn u32(&mut self) -> Option<u32> {
        le_u32(self.take(4)?.as_slice(), 0)
    }
}

impl SharedBits {
    /// A segment's marked documents (`bits`) and their prints in document
    /// order, with the rank table [`SharedSegment::print`] needs.
    fn new(bits: Vec<u64>, prints: Vec<u64>) -> SharedBits {
        let mut ranks = Vec::with_capacity(bits.len() * 4);
        let mut before = 0u32;
        for w in &bits {
            ranks.extend_from_slice(&before.to_le_bytes());
            before = before.saturating_add(w.count_ones());
        }
        let le = |words: &[u64]| -> OwnedBytes {
            OwnedBytes::new(
                words
                    .iter()
                    .flat_map(|w| w.to_le_bytes())
                    .collect::<Vec<u8>>(),
            )
        };
        SharedBits {
            bits: le(&bits),
            ranks: OwnedBytes::new(ranks),
            prints: le(&prints),
        }
    }

    fn marked(&self) -> usize {
        self.prints.len() / 8
    }
}

impl SharedPrints {
    /// Reads every document's print once: tens of ms on a million
    /// articles, so callers build it once per searcher and keep it.
    pub fn build(searcher: &Searcher) -> tantivy::Result<SharedPrints> {
        let mut columns = Vec::with_capacity(searcher.segment_readers().len());
        let mut prints: Vec<u64> = Vec::new();
        for reader in searcher.segment_readers() {
            let col = reader.fast_fields().u64("print64")?;
            prints.extend((0..reader.max_doc()).filter_map(|d| col.first(d)));
            columns.push((col, reader.max_doc()));
        }
        // A print whose first occurrence is not this one occurs twice.
        let repeated: PrintSet = first_flags(&prints)
            .into_iter()
            .zip(&prints)
            .filter(|(first, _)| !first)
            .map(|(_, &p)| p)
            .collect();
        let segments = columns
            .into_iter()
            .map(|(col, max_doc)| {
                let mut bits = crate::pages::owned_zeroed((max_doc as usize).div_ceil(64));
                let mut marked = Vec::new();
                for d in 0..max_doc {
                    if let Some(p) = col.first(d).filter(|p| repeated.contains(p)) {
                        bits[d as usize / 64] |= 1 << (d % 64);
                        marked.push(p);
                    }
                }
                SharedBits::new(bits, marked)
            })
            .collect();
        Ok(SharedPrints { segments })
    }

    /// Write the set into the index directory `dir` (through a temporary
    /// file and a rename, so a reader never sees half of it, and a mapped
    /// old file stays valid), naming each segment by its id and
    /// size: [`SharedPrints::load`] uses it only for exactly these
    /// segments. Ingest writes it when it finishes, so a one-shot search
    /// gets the set without reading every document's print (about 7% of a
    /// broad CLI search).
    ///
    /// Layout, little-endian: `NXSP`, version (u32), segment count (u32);
    /// per segment its id (32 hex bytes), max doc (u32), marked count (u32),
    /// then the segment's bits (u64 per 64 documents), ranks (u32 per bits
    /// word) and prints (u64 per marked document), as `SharedBits` holds
    /// them.
    pub fn save(&self, searcher: &Searcher, dir: &Path) -> std::io::Result<()> {
        let readers = searcher.segment_readers();
        if readers.len() != self.segments.len() {
            return Err(std::io::Error::other(
                "segments changed since the set was built",
            ));
        }
        let mut out = Vec::new();
        out.extend_from_slice(SIDECAR_MAGIC);
        out.extend_from_slice(&SIDECAR_VERSION.to_le_bytes());
        out.extend_from_slice(&(readers.len() as u32).to_le_bytes());
        for (reader, seg) in readers.iter().zip(&self.segments) {
            out.extend_from_slice(reader.segment_id().uuid_string().as_bytes());
            out.extend_from_slice(&reader.max_doc().to_le_bytes());
            out.extend_from_slice(&(seg.marked() as u32).to_le_bytes());
            out.extend_from_slice(seg.bits.as_slice());
            out.extend_from_slice(seg.ranks.as_slice());
            out.extend_from_slice(seg.prints.as_slice());
        }
        let tmp = dir.join(SHARED_PRINTS_TMP);
        std::fs::write(&tmp, &out)?;
        std::fs::rename(&tmp, dir.join(SHARED_PRINTS_FILE))
    }

    /// The set [`SharedPrints::save`] wrote to the index directory `dir`,
    /// if it describes exactly the segments of `searcher`, in its order
    /// (same ids, same sizes; segments never change once written, and
    /// deletes only make the set a superset, which counts the same). `None`
    /// when the file is missing, malformed or stale (a later ingest that
    /// did not finish, a merge). tantivy's `MmapDirectory` maps it, so
    /// nothing is read until a count looks a document up.
    pub fn load(dir: &Path, searcher: &Searcher) -> Option<SharedPrints> {
        // Not through the index's own (managed) directory, which expects
        // tantivy's footer on every file.
        let file = MmapDirectory::open(dir)
            .ok()?
            .open_read(Path::new(SHARED_PRINTS_FILE))
            .ok()?;
        let mut r = Reader(file.read_bytes().ok()?);
        if r.take(4)?.as_slice() != SIDECAR_MAGIC || r.u32()? != SIDECAR_VERSION {
            return None;
        }
        let readers = searcher.segment_readers();
        if r.u32()? as usize != readers.len() {
            return None;
        }
        // Saved in the searcher's segment order, which is the index
        // meta's: another order means another index state anyway.
        let mut segments = Vec::with_capacity(readers.len());
        for reader in readers {
            let max_doc = reader.max_doc();
            if r.take(32)?.as_slice() != reader.segment_id().uuid_string().as_bytes()
                || r.u32()? != max_doc
            {
                return None;
            }
            let marked = r.u32()? as usize;
            let words = (max_doc as usize).div_ceil(64);
            let seg = SharedBits {
                bits: r.take(words * 8)?,
                ranks: r.take(words * 4)?,
                prints: r.take(marked.checked_mul(8)?)?,
            };
            // The last word's rank and bits account for every print (a
            // check that reads one page, not the file).
            if let Some(last) = words.checked_sub(1) {
                let before = le_u32(seg.ranks.as_slice(), last)? as usize;
                let ones = le_u64(seg.bits.as_slice(), last)?.count_ones() as usize;
                if before + ones != marked {
                    return None;
                }
            }
            segments.push(seg);
        }
        if !r.0.is_empty() {
            return None;
        }
        Some(SharedPrints { segments })
    }

    /// The bitset of segment `ord`; `None` (treat every document as
    /// possibly shared) for a segment it does not know.
    fn segment(self: &Arc<Self>, ord: SegmentOrdinal) -> Option<SharedSegment> {
        let ord = ord as usize;
        (ord < self.segments.len()).then(|| SharedSegment {
            all: Arc::clone(self),
            ord,
        })
    }
}

/// One segment's part of [`SharedPrints`].
struct SharedSegment {
    all: Arc<SharedPrints>,
    ord: usize,
}

impl SharedSegment {
    /// The segment's arrays as plain slices: a block of matches looks
    /// them up once, not once per document (through the `Arc`, the
    /// segment list and three `OwnedBytes`), which was most of a broad
    /// count's time beside the postings.
    fn marks(&self) -> Marks<'_> {
        let seg = &self.all.segments[self.ord];
        Marks {
            bits: seg.bits.as_slice(),
            ranks: seg.ranks.as_slice(),
            prints: seg.prints.as_slice(),
        }
    }
}

/// One segment's [`SharedBits`], borrowed for a block of matches.
#[derive(Clone, Copy)]
struct Marks<'a> {
    bits: &'a [u8],
    ranks: &'a [u8],
    prints: &'a [u8],
}

impl Marks<'_> {
    /// The print of a marked document (`Some(Some(_))`), or `Some(None)`
    /// when it is unmarked (certainly counted); `None` when the bitset does
    /// not cover it (read the column).
    #[inline]
    fn print(self, doc: DocId) -> Option<Option<u64>> {
        let w = doc as usize / 64;
        let word = le_u64(self.bits, w)?;
        let bit = 1u64 << (doc % 64);
        if word & bit == 0 {
            return Some(None);
        }
        self.print_at(w, word, bit).map(Some)
    }

    /// The print of the marked document at `bit` of word `w`, whose marks
    /// are `word`: its rank among the marked documents indexes `prints`.
    #[inline]
    fn print_at(self, w: usize, word: u64, bit: u64) -> Option<u64> {
        let rank = le_u32(self.ranks, w)? as usize + (word & (bit - 1)).count_ones() as usize;
        le_u64(self.prints, rank)
    }

    /// The prints of the marked documents among `matches` (a segment's
    /// matching documents, 64 to a word), word by word; `None` when the
    /// marks do not cover every word.
    fn matched(self, matches: &[u64]) -> Option<Vec<u64>> {
        let mut found = Vec::new();
        for (w, &matching) in matches.iter().enumerate() {
            let marked = le_u64(self.bits, w)?;
            let mut both = marked & matching;
            while both != 0 {
                let bit = both & both.wrapping_neg();
                found.push(self.print_at(w, marked, bit)?);
                both ^= bit;
            }
        }
        Some(found)
    }
}

/// The print `doc` is deduplicated by: `None` for a document unique in the
/// index (it counts like one without a print, nothing read), the cached
/// print of a marked one, else the column's.
#[inline]
fn print_of(marks: Option<Marks<'_>>, prints: &Column<u64>, doc: DocId) -> Option<u64> {
    match marks.and_then(|m| m.print(doc)) {
        Some(known) => known,
        None => prints.first(doc),
    }
}

/// The facet columns of every segment of a searcher, read once into plain
/// arrays: a broad facet query reads three columns for each of 100,000+
/// matches, and the columnar readers' per-document decoding (optional
/// index rank, bitpacked and linear values, multi-value row ranges) was
/// about a third of its time. Term ordinals are the columns' own, so names
/// are still looked up in the segment's dictionary.
pub struct FacetColumns {
    segments: Vec<CachedColumns>,
}

/// One segment's part of [`FacetColumns`].
struct CachedColumns {
    people: Ords,
    sources: Ords,
    /// The columns' dictionaries: naming the top ordinals of a query
    /// otherwise walks (decodes) most of the people dictionary of every
    /// segment, which was most of a narrow facet query's time.
    people_names: Names,
    source_names: Names,
    /// Publication day per document, [`NO_DAY`] when undated.
    days: Vec<i32>,
}

/// `days` entry of an undated document.
const NO_DAY: i32 = i32::MIN;

/// Term ordinals per document of one multi-valued string column, as one
/// flat list with each document's start.
struct Ords {
    starts: Vec<u32>,
    ords: Vec<u32>,
}

impl Ords {
    fn read(col: Option<&StrColumn>, max_doc: DocId) -> Option<Ords> {
        let mut starts = Vec::with_capacity(max_doc as usize + 1);
        let mut ords = Vec::new();
        starts.push(0);
        for d in 0..max_doc {
            if let Some(col) = col {
                for o in col.term_ords(d) {
                    ords.push(u32::try_from(o).ok()?);
                }
            }
            starts.push(u32::try_from(ords.len()).ok()?);
        }
        Some(Ords { starts, ords })
    }

    fn of(&self, doc: DocId) -> &[u32] {
        let d = doc as usize;
        match (self.starts.get(d), self.starts.get(d + 1)) {
            (Some(&a), Some(&b)) => self.ords.get(a as usize..b as usize).unwrap_or(&[]),
            _ => &[],
        }
    }
}

/// All terms of one string column's dictionary, by ordinal.
#[derive(Default)]
struct Names {
    text: String,
    ends: Vec<u32>,
    /// Ordinals whose bytes are not UTF-8 (dropped, as by [`names`]).
    bad: Vec<u64>,
}

impl Names {
    fn read(col: Option<&StrColumn>) -> Option<Names> {
        let mut out = Names::default();
        let Some(col) = col else {
            return Some(out);
        };
        let mut terms = col.dictionary().stream().ok()?;
        while terms.advance() {
            match std::str::from_utf8(terms.key()) {
                Ok(name) => out.text.push_str(name),
                Err(_) => out.bad.push(out.ends.len() as u64),
            }
            out.ends.push(u32::try_from(out.text.len()).ok()?);
        }
        Some(out)
    }

    fn get(&self, ord: u64) -> Option<&str> {
        if self.bad.binary_search(&ord).is_ok() {
            return None;
        }
        let i = usize::try_from(ord).ok()?;
        let end = *self.ends.get(i)? as usize;
        let start = match i.checked_sub(1) {
            Some(j) => *self.ends.get(j)? as usize,
            None => 0,
        };
        self.text.get(start..end)
    }
}

impl FacetColumns {
    /// Reads the people, source and publication columns of every document;
    /// `None` when a value does not fit the compact form (then the
    /// collector reads the columns as before).
    pub fn build(searcher: &Searcher) -> tantivy::Result<Option<FacetColumns>> {
        let mut segments = Vec::with_capacity(searcher.segment_readers().len());
        for reader in searcher.segment_readers() {
            let ff = reader.fast_fields();
            let max_doc = reader.max_doc();
            let published = ff.i64("published")?;
            let mut days = Vec::with_capacity(max_doc as usize);
            for d in 0..max_doc {
                days.push(match published.first(d) {
                    Some(day) => match i32::try_from(day) {
                        Ok(day) if day != NO_DAY => day,
                        _ => return Ok(None),
                    },
                    None => NO_DAY,
                });
            }
            let people_col = ff.str("people_exact")?;
            let source_col = ff.str("source_exact")?;
            let (Some(people), Some(sources), Some(people_names), Some(source_names)) = (
                Ords::read(people_col.as_ref(), max_doc),
                Ords::read(source_col.as_ref(), max_doc),
                Names::read(people_col.as_ref()),
                Names::read(source_col.as_ref()),
            ) else {
                return Ok(None);
            };
            segments.push(CachedColumns {
                people,
                sources,
                people_names,
                source_names,
                days,
            });
        }
        Ok(Some(FacetColumns { segments }))
    }
}

/// Collects [`FacetCounts`]. Exact duplicates (same fingerprint) are
/// counted once, also when the copies sit in different segments, so facet
/// counts agree with the collapsed hit list and `total`.
#[derive(Default)]
pub struct FacetCollector {
    /// The documents that can be copies, when known (faster, same counts).
    pub shared: Option<Arc<SharedPrints>>,
    /// The facet columns as arrays, when known (faster, same counts).
    pub columns: Option<Arc<FacetColumns>>,
}

/// Per-segment state of [`FacetCollector`]. A matching document that cannot
/// be a copy (no print, or a print unique in the index) is tallied as it is
/// collected, on the thread searching its segment; one that can is kept
/// with its print until `merge_fruits` knows, in segment and document
/// order, whether it is the first copy. So a broad result set is counted in
/// one pass, without holding its documents.
pub struct FacetSegment {
    part: SegmentFacets,
    shared: Option<SharedSegment>,
}

/// The fast fields a segment's facets are read from.
struct Columns {
    people: Option<StrColumn>,
    sources: Option<StrColumn>,
    prints: Column<u64>,
    published: Column<i64>,
}

/// What one segment found: its tallies so far, the documents still waiting
/// for deduplication, and where to read them.
pub struct SegmentFacets {
    columns: Columns,
    cached: Option<(Arc<FacetColumns>, usize)>,
    /// Documents that may be copies, with their prints, in document order.
    deferred: Vec<(DocId, u64)>,
    tallies: Tallies,
}

/// One segment's counts: people and sources by term ordinal, months, the
/// publication span and the documents counted.
struct Tallies {
    people: Tally,
    sources: Tally,
    months: HashMap<i64, u64>,
    /// The month being counted and its count: documents of a segment mostly
    /// come in publication order, so months are tallied in runs rather than
    /// hashed per document.
    run: Option<(i64, u64)>,
    /// Earliest and latest day counted; `(i64::MAX, i64::MIN)` while none
    /// is (two compares per document, not an `Option` merge).
    span: (i64, i64),
    distinct: u64,
}

impl Tallies {
    fn new(people: usize, sources: usize) -> Tallies {
        Tallies {
            people: Tally::new(people),
            sources: Tally::new(sources),
            months: HashMap::new(),
            run: None,
            span: (i64::MAX, i64::MIN),
            distinct: 0,
        }
    }

    /// Count one document's publication day.
    fn day(&mut self, day: i64) {
        self.span.0 = self.span.0.min(day);
        self.span.1 = self.span.1.max(day);
        let month = day / 100;
        match &mut self.run {
            Some((m, n)) if *m == month => *n += 1,
            _ => {
                if let Some((m, n)) = self.run.replace((month, 1)) {
                    *self.months.entry(m).or_default() += n;
                }
            }
        }
    }

    /// Count one document from the cached arrays.
    fn count_cached(&mut self, cached: &CachedColumns, doc: DocId) {
        self.distinct += 1;
        self.people.add_all(cached.people.of(doc));
        self.sources.add_all(cached.sources.of(doc));
        if let Some(&day) = cached.days.get(doc as usize)
            && day != NO_DAY
        {
            self.day(i64::from(day));
        }
    }

    /// Count one document from the segment's columns.
    fn count_columns(&mut self, c: &Columns, doc: DocId) {
        self.distinct += 1;
        if let Some(col) = &c.people {
            col.term_ords(doc).for_each(|o| self.people.add(o));
        }
        if let Some(col) = &c.sources {
            col.term_ords(doc).for_each(|o| self.sources.add(o));
        }
        if let Some(day) = c.published.first(doc) {
            self.day(day);
        }
    }

    fn first_last(&self) -> Option<(i64, i64)> {
        (self.span.0 <= self.span.1).then_some(self.span)
    }
}

impl SegmentFacets {
    /// Count one document (known not to be a later copy).
    fn count(&mut self, doc: DocId) {
        match self
            .cached
            .as_ref()
            .and_then(|(all, i)| all.segments.get(*i))
        {
            Some(cached) => self.tallies.count_cached(cached, doc),
            None => self.tallies.count_columns(&self.columns, doc),
        }
    }
}

/// Counts per term ordinal of one segment's column: a plain array when the
/// matches are many next to the dictionary (no hashing per document), a
/// map when they are few (no array as long as the dictionary).
enum Tally {
    Dense(Vec<u32>),
    Sparse {
        counts: HashMap<u64, u64, BuildHasherDefault<OrdHasher>>,
        terms: usize,
        adds: usize,
    },
}

/// Hasher for term ordinals (small dense integers): one multiply, where
/// SipHash per person per matching document showed in profiles.
#[derive(Default)]
struct OrdHasher(u64);

impl Hasher for OrdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(*b)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }
    fn write_u64(&mut self, n: u64) {
        // The multiply spreads the ordinal into the high bits, which the
        // table uses to tag its slots.
        self.0 = n.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

impl Tally {
    /// A tally for a column of `terms` ordinals. It starts as a map and
    /// turns into an array once it has counted a sixteenth as many values as
    /// the dictionary holds: how many documents will match is not known
    /// while collecting. (At a quarter, hashing and growing the maps of a
    /// broad query's 14 segments was a twentieth of its time; the array's
    /// cost, a zeroed allocation and a vectorised scan in `top`, is small.)
    fn new(terms: usize) -> Tally {
        Tally::Sparse {
            counts: HashMap::default(),
            terms,
            adds: 0,
        }
    }

    /// Count one document's ordinals: one dispatch per document, not per
    /// ordinal (`add` in the per-person loop showed in profiles).
    fn add_all(&mut self, ords: &[u32]) {
        match self {
            Tally::Dense(v) => {
                for &o in ords {
                    if let Some(n) = v.get_mut(o as usize) {
                        *n += 1;
                    }
                }
            }
            Tally::Sparse { .. } => ords.iter().for_each(|&o| self.add(u64::from(o))),
        }
    }

    fn add(&mut self, ord: u64) {
        match self {
            Tally::Dense(v) => {
                if let Some(n) = usize::try_from(ord).ok().and_then(|i| v.get_mut(i)) {
                    *n += 1;
                }
            }
            Tally::Sparse {
                counts,
                terms,
                adds,
            } => {
                *counts.entry(ord).or_default() += 1;
                *adds += 1;
                // The array stays within 32-bit ordinals (see `top`).
                if adds.saturating_mul(16) >= *terms && u32::try_from(*terms).is_ok() {
                    let mut v = crate::pages::owned_zeroed(*terms);
                    for (&o, &n) in counts.iter() {
                        if let Some(slot) = usize::try_from(o).ok().and_then(|i| v.get_mut(i)) {
                            *slot = u32::try_from(n).unwrap_or(u32::MAX);
                        }
                    }
                    *self = Tally::Dense(v);
                }
            }
        }
    }

    /// The `n` most frequent ordinals, ties by ordinal (deterministic).
    fn top(self, n: usize) -> Vec<(u64, u64)> {
        let mut v: Vec<(u64, u64)> = match self {
            Tally::Dense(v) => {
                // One pass keeping the best `n` in a small heap: collecting
                // every counted ordinal (tens of thousands per segment on a
                // broad query) to select from was most of merging. Once the
                // heap is full, almost every ordinal fails one compare.
                // Keys pack count over inverted ordinal, so one integer
                // compare is the list's order (count down, ordinal up);
                // ordinals fit 32 bits, as the array is no longer (`add`).
                let key = |ord: usize, c: u32| {
                    u32::try_from(ord)
                        .ok()
                        .map(|o| (u64::from(c) << 32) | u64::from(u32::MAX - o))
                };
                let mut heap: BinaryHeap<Reverse<u64>> = BinaryHeap::with_capacity(n + 1);
                // The least count that can still enter: any count while the
                // heap fills, then more than its least (a later ordinal loses
                // a tie). Whole chunks below it are skipped on their maximum,
                // which compiles to vector code: most of the array is zeros
                // and ones, and walking it one ordinal at a time was what
                // this cost.
                let mut floor = 1u64;
                const CHUNK: usize = 32;
                for (i, chunk) in v.chunks(CHUNK).enumerate() {
                    if n == 0 || u64::from(chunk.iter().copied().max().unwrap_or(0)) < floor {
                        continue;
                    }
                    for (j, &c) in chunk.iter().enumerate() {
                        if u64::from(c) < floor {
                            continue;
                        }
                        let Some(k) = key(i * CHUNK + j, c) else {
                            continue;
                        };
                        if heap.len() < n {
                            heap.push(Reverse(k));
                        } else if let Some(mut least) = heap.peek_mut() {
                            *least = Reverse(k);
                        }
                        if heap.len() >= n
                            && let Some(Reverse(least)) = heap.peek()
                        {
                            floor = (least >> 32) + 1;
                        }
                    }
                }
                heap.into_iter()
                    .map(|Reverse(k)| (u64::from(u32::MAX - k as u32), k >> 32))
                    .collect()
            }
            Tally::Sparse { counts, .. } => counts.into_iter().collect(),
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
    let mut used: Vec<u64> = crate::pages::owned_zeroed(bits / 64);
    let mut shared: Vec<u64> = crate::pages::owned_zeroed(bits / 64);
    for &p in prints {
        let (w, b) = at(p);
        if used[w] & b != 0 {
            shared[w] |= b;
        } else {
            used[w] |= b;
        }
    }
    // The prints in shared slots, counted first so the exact set is made
    // once at its size. With the index's shared-print set at hand (every
    // search but a fresh engine's first), the prints that reach here are
    // those of possible copies, nearly all in shared slots: a hash set
    // grown insert by insert was about a tenth of a broad one-word query.
    let in_shared = prints
        .iter()
        .filter(|&&p| {
            let (w, b) = at(p);
            shared[w] & b != 0
        })
        .count();
    let mut exact = FirstSeen::with_room(in_shared);
    prints
        .iter()
        .map(|&p| {
            let (w, b) = at(p);
            shared[w] & b == 0 || exact.insert(p)
        })
        .collect()
}

/// An insert-only set of prints with room for a number of them fixed
/// when made: open addressing with linear probing over a table at most
/// half full, so a probe always ends at the print or at an empty slot.
/// 0 marks an empty slot, so the print 0 has a flag of its own.
struct FirstSeen {
    slots: Vec<u64>,
    mask: usize,
    zero: bool,
}

impl FirstSeen {
    /// Room for `n` inserts.
    fn with_room(n: usize) -> FirstSeen {
        let len = n.saturating_mul(2).next_power_of_two().max(16);
        FirstSeen {
            slots: crate::pages::owned_zeroed(len),
            mask: len - 1,
            zero: false,
        }
    }

    /// `true` when `p` was not in the set (it is now). At most the room
    /// given to [`FirstSeen::with_room`] may be inserted.
    fn insert(&mut self, p: u64) -> bool {
        if p == 0 {
            return !std::mem::replace(&mut self.zero, true);
        }
        // The low bits chose the bitmap slot these prints share, so the
        // table is addressed by the high ones (prints are uniform hashes).
        let mut i = (p >> 32) as usize & self.mask;
        loop {
            match self.slots.get_mut(i) {
                Some(slot) if *slot == 0 => {
                    *slot = p;
                    return true;
                }
                Some(slot) if *slot == p => return false,
                _ => i = (i + 1) & self.mask,
            }
        }
    }
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
        ord: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<FacetSegment> {
        let ff = reader.fast_fields();
        let columns = Columns {
            people: ff.str("people_exact")?,
            sources: ff.str("source_exact")?,
            prints: ff.u64("print64")?,
            published: ff.i64("published")?,
        };
        let terms = |col: &Option<StrColumn>| col.as_ref().map_or(0, |c| c.num_terms());
        let tallies = Tallies::new(terms(&columns.people), terms(&columns.sources));
        Ok(FacetSegment {
            part: SegmentFacets {
                columns,
                cached: self
                    .columns
                    .as_ref()
                    .filter(|c| (ord as usize) < c.segments.len())
                    .map(|c| (Arc::clone(c), ord as usize)),
                deferred: Vec::new(),
                tallies,
            },
            shared: self.shared.as_ref().and_then(|s| s.segment(ord)),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, mut parts: Vec<SegmentFacets>) -> tantivy::Result<FacetCounts> {
        let mut out = FacetCounts::default();
        // Of the documents that may be copies, the first in segment and
        // document order counts; later ones (in this segment or a later
        // one) are skipped.
        let prints: Vec<u64> = parts
            .iter()
            .flat_map(|p| p.deferred.iter().map(|&(_, print)| print))
            .collect();
        let mut first = first_flags(&prints).into_iter();
        for part in &mut parts {
            for (doc, _) in std::mem::take(&mut part.deferred) {
                if first.next() == Some(true) {
                    part.count(doc);
                }
            }
        }
        let mut months: HashMap<i64, u64> = HashMap::new();
        // Names borrowed from the cache while counting: one allocation per
        // distinct name at the end, not one per segment and name.
        let mut people: BTreeMap<Cow<str>, u64> = BTreeMap::new();
        let mut sources: BTreeMap<Cow<str>, u64> = BTreeMap::new();
        for part in parts {
            let SegmentFacets {
                columns: c,
                cached,
                tallies: t,
                ..
            } = part;
            out.distinct += t.distinct;
            out.first_last = merge_span(out.first_last, t.first_last());
            for (m, n) in t.months.into_iter().chain(t.run) {
                *months.entry(m).or_default() += n;
            }
            // Only the most frequent ordinals become names: resolving every
            // person of a broad result set costs a dictionary lookup each
            // (tens of ms on 2,000 articles), and nobody reads past the top
            // of a facet list.
            let top_people = t.people.top(FACET_VALUES_PER_SEGMENT);
            let top_sources = t.sources.top(FACET_VALUES_PER_SEGMENT);
            // The collector holds the same cache, so names can be borrowed
            // from it past this part.
            let cached =
                cached.and_then(|(_, i)| self.columns.as_ref().and_then(|all| all.segments.get(i)));
            if let Some(cached) = cached {
                for (ord, n) in top_people {
                    if let Some(name) = cached.people_names.get(ord) {
                        *people.entry(Cow::Borrowed(name)).or_default() += n;
                    }
                }
                for (ord, n) in top_sources {
                    if let Some(name) = cached.source_names.get(ord) {
                        *sources.entry(Cow::Borrowed(name)).or_default() += n;
                    }
                }
            } else {
                for (name, n) in names(c.people.as_ref(), top_people) {
                    *people.entry(Cow::Owned(name)).or_default() += n;
                }
                for (name, n) in names(c.sources.as_ref(), top_sources) {
                    *sources.entry(Cow::Owned(name)).or_default() += n;
                }
            }
        }
        out.facets.people = people
            .into_iter()
            .map(|(k, n)| (k.into_owned(), n))
            .collect();
        out.facets.sources = sources
            .into_iter()
            .map(|(k, n)| (k.into_owned(), n))
            .collect();
        for (month, n) in months {
            out.facets
                .months
                .insert(format!("{:04}-{:02}", month / 100, month % 100), n);
        }
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
        let marks = self.shared.as_ref().map(SharedSegment::marks);
        match print_of(marks, &self.part.columns.prints, doc) {
            Some(p) => self.part.deferred.push((doc, p)),
            None => self.part.count(doc),
        }
    }

    /// A block of matches at a time (unscored counting): the segment's
    /// cached arrays and the shared-print bitset are looked up once per
    /// block rather than once per document.
    fn collect_block(&mut self, docs: &[DocId]) {
        let part = &mut self.part;
        let cached = part
            .cached
            .as_ref()
            .and_then(|(all, i)| all.segments.get(*i));
        match (&self.shared, cached) {
            (Some(shared), Some(cached)) => {
                let marks = Some(shared.marks());
                for &doc in docs {
                    match print_of(marks, &part.columns.prints, doc) {
                        Some(p) => part.deferred.push((doc, p)),
                        None => part.tallies.count_cached(cached, doc),
                    }
                }
            }
            _ => {
                for &doc in docs {
                    self.collect(doc, 0.0);
                }
            }
        }
    }

    fn harvest(self) -> SegmentFacets {
        self.part
    }
}

/// Counts matching documents with exact duplicates counted once: the
/// `total` of a search without facets.
#[derive(Default)]
pub struct DistinctCount {
    /// The documents that can be copies, when known (faster, same count).
    pub shared: Option<Arc<SharedPrints>>,
}

/// Per-segment state of [`DistinctCount`]: the prints of matching
/// documents, deduplicated only when all segments are in ([`first_flags`]).
pub struct DistinctSegment {
    prints: Column<u64>,
    shared: Option<SharedSegment>,
    found: Vec<u64>,
    certain: u64,
}

impl Collector for DistinctCount {
    type Fruit = u64;
    type Child = DistinctSegment;

    fn for_segment(
        &self,
        ord: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<DistinctSegment> {
        Ok(DistinctSegment {
            prints: reader.fast_fields().u64("print64")?,
            shared: self.shared.as_ref().and_then(|s| s.segment(ord)),
            found: Vec::new(),
            certain: 0,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, parts: Vec<(Vec<u64>, u64)>) -> tantivy::Result<u64> {
        // Documents without a print, or whose print is unique in the
        // index, count without deduplication.
        let certain: u64 = parts.iter().map(|(_, u)| u).sum();
        let prints: Vec<u64> = parts.into_iter().flat_map(|(p, _)| p).collect();
        let firsts = first_flags(&prints).into_iter().filter(|&f| f).count();
        Ok(firsts as u64 + certain)
    }
}

impl DistinctCount {
    /// This collector's count and tantivy's `Count` (distinct, raw) of the
    /// documents holding any of `terms`, read straight from the postings:
    /// each segment's matches are set in a bitset, the raw count is its
    /// popcount, and only the matches the shared-print set marks (the few
    /// that can be copies) are looked at one by one. The collectors walk
    /// every match through tantivy's union, one document at a time: about
    /// twice as long for a broad word (`bank`, 123,000 matches on the 1 GB
    /// bench archive: 1.0-1.5 ms against 0.7; split over two threads by
    /// segment it was no faster). `None` when the shared-print set is not
    /// at hand or does not cover a segment; the collectors count then,
    /// with the same answer.
    pub fn count_union(
        &self,
        searcher: &Searcher,
        terms: &[Term],
    ) -> tantivy::Result<Option<(u64, usize)>> {
        let Some(shared) = &self.shared else {
            return Ok(None);
        };
        let mut fruits = Vec::new();
        let mut raw = 0;
        for (ord, reader) in searcher.segment_readers().iter().enumerate() {
            let Some(seg) = u32::try_from(ord).ok().and_then(|o| shared.segment(o)) else {
                return Ok(None);
            };
            let Some((found, certain, n)) = union_segment(reader, terms, seg.marks())? else {
                return Ok(None);
            };
            raw += n;
            fruits.push((found, certain));
        }
        Ok(Some((self.merge_fruits(fruits)?, raw)))
    }
}

/// [`DistinctCount::count_union`] in one segment: the prints of its marked
/// matches, how many others it has (certainly counted) and how many in
/// all; `None` when `marks` do not cover the segment.
fn union_segment(
    reader: &SegmentReader,
    terms: &[Term],
    marks: Marks<'_>,
) -> tantivy::Result<Option<(Vec<u64>, u64, usize)>> {
    let mut matches = vec![0u64; (reader.max_doc() as usize).div_ceil(64)];
    for term in terms {
        let index = reader.inverted_index(term.field())?;
        if let Some(mut block) = index.read_block_postings(term, IndexRecordOption::Basic)? {
            while !block.docs().is_empty() {
                for &doc in block.docs() {
                    if let Some(word) = matches.get_mut(doc as usize / 64) {
                        *word |= 1 << (doc % 64);
                    }
                }
                block.advance();
            }
        }
    }
    // Deleted documents out (segments with deletes are the rare ones, so
    // a lookup per match there is fine).
    if let Some(alive) = reader.alive_bitset() {
        for (w, word) in matches.iter_mut().enumerate() {
            let mut bits = *word;
            while bits != 0 {
                let bit = bits & bits.wrapping_neg();
                let doc = (w * 64) as u32 + bit.trailing_zeros();
                if !alive.is_alive(doc) {
                    *word &= !bit;
                }
                bits ^= bit;
            }
        }
    }
    let n: usize = matches.iter().map(|w| w.count_ones() as usize).sum();
    Ok(marks.matched(&matches).map(|found| {
        let certain = (n - found.len()) as u64;
        (found, certain, n)
    }))
}

impl SegmentCollector for DistinctSegment {
    type Fruit = (Vec<u64>, u64);

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.collect_block(&[doc]);
    }

    /// A block of matches at a time (unscored counting, every broad
    /// query's total): the shared-print bitset is looked up once per block.
    fn collect_block(&mut self, docs: &[DocId]) {
        let marks = self.shared.as_ref().map(SharedSegment::marks);
        // Counted in a local: `self.certain` in memory made every
        // document wait for the previous one's store.
        let mut certain = 0;
        for &doc in docs {
            match print_of(marks, &self.prints, doc) {
                Some(p) => self.found.push(p),
                None => certain += 1,
            }
        }
        self.certain += certain;
    }

    fn harvest(self) -> (Vec<u64>, u64) {
        (self.found, self.certain)
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

    proptest::proptest! {
        /// The same on arbitrary lists drawn from few values (mostly
        /// repeats, as the prints of possible copies are) with equal low
        /// or high halves, 0 included.
        #[test]
        fn first_flags_matches_a_hash_set(
            picks in proptest::collection::vec((0u64..40, 0u64..3), 0..600)
        ) {
            let prints: Vec<u64> = picks
                .iter()
                .map(|&(v, half)| match half {
                    0 => v,
                    1 => v << 32,
                    _ => v.wrapping_mul(0x9e37_79b9_7f4a_7c15),
                })
                .collect();
            let mut seen = HashSet::new();
            let expected: Vec<bool> = prints.iter().map(|p| seen.insert(*p)).collect();
            proptest::prop_assert_eq!(first_flags(&prints), expected);
        }
    }

    /// An ingested archive with exact copies: the set ingest saved loads
    /// back equal to one built from the columns, and a damaged or stale
    /// file is refused rather than trusted.
    #[test]
    fn saved_shared_prints_load_only_for_their_segments() {
        use crate::ingest::{IngestOptions, ingest};
        let dir = tempfile::tempdir().expect("temp dir");
        let corpus = dir.path().join("corpus");
        std::fs::create_dir_all(&corpus).expect("temp dir is writable");
        for i in 0..12 {
            // Every third story twice, under two names.
            let story = i - i % 3 * (i % 2);
            let text =
                format!("Story {story}\n\nThe council met on day {story} to debate the budget.\n");
            std::fs::write(corpus.join(format!("{i}.txt")), text).expect("write");
        }
        let index_dir = dir.path().join("index");
        ingest(&index_dir, &[corpus], &IngestOptions::default(), &|_| {}).expect("ingest");
        let path = index_dir.join(SHARED_PRINTS_FILE);
        assert!(path.exists(), "ingest saves the set");
        let (index, _) = crate::indexer::open_index(&index_dir).expect("open");
        let reader = index.reader().expect("reader");
        let searcher = reader.searcher();
        let built = SharedPrints::build(&searcher).expect("build");
        let marked: usize = built.segments.iter().map(|s| s.marked()).sum();
        assert!(marked >= 2, "the copies are marked");
        let loaded = SharedPrints::load(&index_dir, &searcher).expect("loads for its segments");
        assert_eq!(loaded.segments.len(), built.segments.len());
        for (a, b) in loaded.segments.iter().zip(&built.segments) {
            for (x, y) in [
                (&a.bits, &b.bits),
                (&a.ranks, &b.ranks),
                (&a.prints, &b.prints),
            ] {
                assert_eq!(x.as_slice(), y.as_slice());
            }
        }
        drop(loaded);
        // Truncated, or one byte of a segment id changed: not this index's.
        // Replaced through a rename, as `save` does: the loaded set maps
        // the file, and truncating a mapped file in place is not allowed.
        let replace = |bytes: &[u8]| {
            let tmp = path.with_extension("test");
            std::fs::write(&tmp, bytes).expect("write");
            std::fs::rename(&tmp, &path).expect("rename");
        };
        let good = std::fs::read(&path).expect("read");
        replace(&good[..good.len() - 1]);
        assert!(SharedPrints::load(&index_dir, &searcher).is_none());
        let mut other = good.clone();
        other[12] = if other[12] == b'0' { b'1' } else { b'0' };
        replace(&other);
        assert!(SharedPrints::load(&index_dir, &searcher).is_none());
        replace(&good);
        assert!(
            SharedPrints::load(&index_dir, &searcher).is_some(),
            "the good file again"
        );
        std::fs::remove_file(&path).expect("remove");
        assert!(SharedPrints::load(&index_dir, &searcher).is_none());
    }
}
