//! Search: a [`SearchRequest`] in, [`SearchResults`] out ([`Hit`]s with
//! [`Snippet`]s, a total and optional [`Facets`]). [`SearchEngine`] opens the
//! index once and answers many requests; it reloads on new commits, so a
//! long-running `serve` sees what a concurrent ingest adds.
//!
//! Exact duplicates (same fingerprint) and syndicated near copies (close
//! near prints, mostly the same shingles) collapse into the best-ranked
//! copy, which lists the others in `duplicates`; `total` counts exact
//! duplicates once. Zero-hit or unknown words get "did you mean"
//! suggestions from the index's own terms; [`SearchEngine::similar`] finds
//! articles like a given one. It does not print anything.

pub mod facets;
pub mod near;
pub mod query;
pub mod snippet;

use std::collections::HashMap;
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};
use std::sync::{Arc, Mutex};

use serde::Serialize;
use tantivy::collector::{Collector, Count, TopDocs};
use tantivy::query::EnableScoring;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query, RangeQuery, TermQuery, Weight,
};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{
    DocAddress, Executor, IndexReader, Order, ReloadPolicy, Searcher, TantivyDocument, Term,
};
use tantivy::{DocSet, SeekDangerResult};

pub use facets::{Facets, SHARED_PRINTS_FILE};
pub use snippet::Snippet;

use crate::article::Article;
use crate::error::{Error, Result};
use crate::indexer::open_index;
use crate::schema::NewsSchema;

/// Result order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    /// Best match first, ties by key.
    #[default]
    Relevance,
    /// Latest publication first; undated last.
    Newest,
    /// Earliest publication first; undated last.
    Oldest,
}

/// One search.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    /// Query text in the query language.
    pub query: String,
    /// Hits to return.
    pub limit: usize,
    /// Hits to skip.
    pub offset: usize,
    /// Required people (each must match).
    pub person: Vec<String>,
    /// Required sources (any may match).
    pub source: Vec<String>,
    /// Earliest publication date (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`).
    pub since: Option<String>,
    /// Latest publication date, inclusive.
    pub until: Option<String>,
    /// Order.
    pub sort: Sort,
    /// Compute facet counts.
    pub facets: bool,
    /// Passages per hit.
    pub passages: usize,
    /// Approximate passage length in bytes.
    pub snippet_len: usize,
}

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest {
            query: String::new(),
            limit: 10,
            offset: 0,
            person: Vec::new(),
            source: Vec::new(),
            since: None,
            until: None,
            sort: Sort::Relevance,
            facets: false,
            passages: 3,
            snippet_len: 220,
        }
    }
}

/// One result.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Hit {
    /// 1-based rank in the whole result list.
    pub rank: usize,
    /// Relevance score (0 for date sorts).
    pub score: f32,
    /// Article key.
    pub key: String,
    /// Source file.
    pub path: String,
    /// Headline.
    pub title: String,
    /// Publication name.
    pub source: Option<String>,
    /// Publication date.
    pub published: Option<String>,
    /// People named.
    pub people: Vec<String>,
    /// Passages with highlights.
    pub snippets: Vec<Snippet>,
    /// Keys of exact copies collapsed into this hit.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub duplicates: Vec<String>,
}

/// The answer to a [`SearchRequest`].
#[derive(Debug, Clone, Serialize)]
pub struct SearchResults {
    /// The query as given.
    pub query: String,
    /// Matching articles (exact duplicates counted once).
    pub total: u64,
    /// The requested page of hits.
    pub hits: Vec<Hit>,
    /// Facet counts over all matches, when asked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub facets: Option<Facets>,
    /// Things the user should know about how the query was read.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<String>,
    /// Corrected queries ("did you mean") when a word is not in the index.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suggestions: Vec<String>,
}

/// Archive-wide numbers for `stats`.
#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    /// Stored articles, exact duplicates counted once.
    pub articles: u64,
    /// Stored documents including duplicates.
    pub documents: u64,
    /// Source -> articles.
    pub sources: std::collections::BTreeMap<String, u64>,
    /// Top 50 people -> articles.
    pub people: std::collections::BTreeMap<String, u64>,
    /// First and last publication dates.
    pub published: PublishedSpan,
    /// Bytes on disk.
    pub index_bytes: u64,
}

/// First and last publication date.
#[derive(Debug, Clone, Serialize)]
pub struct PublishedSpan {
    /// Earliest.
    pub first: Option<String>,
    /// Latest.
    pub last: Option<String>,
}

/// What [`SearchEngine::caches`] keeps for one searcher generation.
#[derive(Default)]
struct Caches {
    generation: Option<u64>,
    shared: Option<Arc<facets::SharedPrints>>,
    /// `Some(None)`: tried, and the columns do not fit the cache.
    columns: Option<Option<Arc<facets::FacetColumns>>>,
}

/// An open index, ready to answer searches.
pub struct SearchEngine {
    dir: PathBuf,
    schema: NewsSchema,
    reader: IndexReader,
    /// Counting caches of the current searcher generation (see
    /// [`SearchEngine::caches`]).
    caches: Mutex<Caches>,
    /// Searches run so far: the first never builds a cache.
    searches: AtomicU64,
    /// Count and rank one request on two threads. Only for a one-shot
    /// process ([`SearchEngine::open_once`]), which has the machine to
    /// itself; a server gets its parallelism from concurrent requests, and
    /// on a busy machine the second thread mostly waits for a core (the
    /// benchmark's median got worse, not better).
    parallel: bool,
    /// Threads that search one request's segments side by side (long-lived
    /// engines on a multi-core machine; see [`SearchEngine::run`]).
    executor: Option<Executor>,
    /// The analyzer snippets are cut with, kept so its stem cache stays
    /// warm across hits and searches (see [`SearchEngine::hits`]).
    snippet_analyzer: Mutex<TextAnalyzer>,
}

/// Fewer stored documents than this are loaded on one thread: a thread
/// costs about as much to start as reading a few documents.
const LOAD_SPLIT_MIN: usize = 8;

/// Archives smaller than this are searched on the calling thread: a
/// request's handover to other threads costs more than it saves.
const PARALLEL_MIN_DOCS: u64 = 100_000;

impl SearchEngine {
    /// Open the index at `dir`, reloading on new commits (for `serve`).
    pub fn open(dir: &Path) -> Result<SearchEngine> {
        Self::open_with(dir, ReloadPolicy::OnCommitWithDelay, false)
    }

    /// Open the index at `dir` for a few requests in a short-lived process
    /// (the CLI): no reload, so no thread watching the index's meta file,
    /// whose start and stop a one-shot search paid for; and counting runs
    /// beside ranking on a second thread.
    pub fn open_once(dir: &Path) -> Result<SearchEngine> {
        Self::open_with(dir, ReloadPolicy::Manual, true)
    }

    fn open_with(dir: &Path, policy: ReloadPolicy, parallel: bool) -> Result<SearchEngine> {
        let (index, schema) = open_index(dir)?;
        // A long-lived engine (`serve`) searches the segments of one big
        // request on every core: a broad query's counting pass over 800k
        // articles is most of its time, and it splits by segment.
        let executor = if parallel {
            None
        } else {
            let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
            (cores > 1)
                .then(|| Executor::multi_thread(cores, "newsidx-search-"))
                .transpose()?
        };
        let mut reader = index.reader_builder().reload_policy(policy);
        if parallel {
            // A one-shot search decompresses each store block it reads
            // once: keeping them (tantivy keeps 100 by default) only makes
            // every block land in fresh memory, four page faults each,
            // where without the cache the next block reuses the freed one.
            // `election blair` on the 1 GB bench archive: 665 -> 526 page
            // faults (bare tantivy's search: 533), 0.6-1.2 ms less end to
            // end (docs/BENCHMARKS.md).
            reader = reader.doc_store_cache_num_blocks(0);
        }
        let reader = reader.try_into()?;
        Ok(SearchEngine {
            dir: dir.to_path_buf(),
            schema,
            reader,
            caches: Mutex::new(Caches::default()),
            searches: AtomicU64::new(0),
            parallel,
            executor,
            snippet_analyzer: Mutex::new(crate::analyzer::text_analyzer()),
        })
    }

    fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    /// Run `collector` over `q`, on every core when the engine has an
    /// executor and the archive is big enough for it to pay: handing a
    /// request to other threads costs a few tenths of a millisecond, which
    /// is more than a whole query on a small archive.
    fn run<C: Collector>(
        &self,
        searcher: &Searcher,
        q: &dyn Query,
        collector: &C,
    ) -> tantivy::Result<C::Fruit> {
        match &self.executor {
            Some(executor)
                if searcher.num_docs() >= PARALLEL_MIN_DOCS
                    && searcher.segment_readers().len() > 1 =>
            {
                let scoring = scoring_for(searcher, collector);
                searcher.search_with_executor(q, collector, executor, scoring)
            }
            _ => searcher.search(q, collector),
        }
    }

    /// [`SearchEngine::run`] for the one-shot CLI's ranking, which runs
    /// beside the count's own thread: a big archive's segments are split
    /// in two halves by document count and one half is ranked on a second
    /// thread. The fruit is tantivy's own (each segment collected as
    /// `Searcher::search` does, merged in segment order), so the answer is
    /// the same.
    fn run_split<C: Collector>(
        &self,
        searcher: &Searcher,
        q: &dyn Query,
        collector: &C,
    ) -> tantivy::Result<C::Fruit> {
        if !self.parallel || searcher.num_docs() < PARALLEL_MIN_DOCS {
            return self.run(searcher, q, collector);
        }
        collect_in_two(searcher, q, collector)
    }

    /// Per-searcher caches for counting: which documents can be exact
    /// copies (lets totals and facets skip every other print) and, when
    /// `facets`, the facet columns as arrays. Built once per searcher
    /// generation, but never on an engine's first search: a one-shot CLI
    /// search would pay for reading the whole index to save on one query.
    /// The print set the last ingest saved is the exception: it describes
    /// these segments already and is only mapped, so even a first search
    /// takes it. `None` means "not cached": counts are the same either way.
    fn caches(&self, searcher: &Searcher, facets: bool) -> Caches {
        let generation = searcher.generation().generation_id();
        let first = self.searches.fetch_add(1, AtomicOrdering::Relaxed) == 0;
        let Ok(mut slot) = self.caches.lock() else {
            return Caches::default();
        };
        if slot.generation != Some(generation) {
            // What the last ingest saved, when it still describes these
            // segments: a small file instead of every document's print.
            let saved = facets::SharedPrints::load(&self.dir, searcher);
            if saved.is_none() && first {
                return Caches::default();
            }
            let shared = saved.or_else(|| facets::SharedPrints::build(searcher).ok());
            *slot = Caches {
                generation: Some(generation),
                shared: shared.map(Arc::new),
                columns: None,
            };
        }
        if facets && slot.columns.is_none() {
            let built = facets::FacetColumns::build(searcher).ok().flatten();
            slot.columns = Some(built.map(Arc::new));
        }
        Caches {
            generation: slot.generation,
            shared: slot.shared.clone(),
            columns: if facets { slot.columns.clone() } else { None },
        }
    }

    /// Run one search.
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResults> {
        let parsed = query::parse(&req.query)?;
        let mut notices = parsed.notices.clone();
        let mut filters: Vec<Box<dyn Query>> = Vec::new();
        for p in &req.person {
            if let Some(q) = query::name_filter(&self.schema, true, p) {
                filters.push(q);
            }
        }
        let sources: Vec<Box<dyn Query>> = req
            .source
            .iter()
            .filter_map(|s| query::name_filter(&self.schema, false, s))
            .collect();
        if !sources.is_empty() {
            filters.push(Box::new(BooleanQuery::new(
                sources.into_iter().map(|q| (Occur::Should, q)).collect(),
            )));
        }
        if req.since.is_some() || req.until.is_some() {
            let lo = match &req.since {
                Some(s) => query::date_bound(s, false)?,
                None => 0,
            };
            let hi = match &req.until {
                Some(s) => query::date_bound(s, true)?,
                None => 99_991_231,
            };
            if lo > hi {
                return Err(Error::Query(format!(
                    "--since {} is after --until {}",
                    req.since.as_deref().unwrap_or_default(),
                    req.until.as_deref().unwrap_or_default()
                )));
            }
            filters.push(query::published_range(&self.schema, lo, hi));
        }
        if parsed.is_empty() && !req.query.trim().is_empty() {
            notices.push(format!(
                "{:?} has no words to search for: showing every article that passes the filters",
                req.query
            ));
        }
        let searcher = self.searcher();
        let doc_freq = |t: &Term| searcher.doc_freq(t).unwrap_or(0);
        let built = query::Builder::new(&self.schema, &doc_freq).build(&parsed, filters);
        let q = built.query;
        let tier = built
            .tier
            .as_deref()
            .filter(|_| req.sort == Sort::Relevance)
            .map(|whole| Tier {
                whole,
                split: built.split_tier.as_ref(),
            });
        let wanted = req.offset + req.limit;
        // Fetch more than needed so collapsing duplicates still fills the page.
        let first_fetch = (wanted * 2 + 10).max(1);
        // Counting needs every match but no score. Without a tier to rank
        // first, ranking scores every match anyway, so the same pass
        // counts (one walk over the postings instead of two); with a tier,
        // counting walks the broad query unscored and ranking scores only
        // the tier (see `select`).
        // A plain union of terms is the exception: ranked alone it skips
        // most matches (block-max WAND), so a separate unscored count is
        // cheaper than scoring every match once.
        // The one-shot CLI has no executor, so its one pass is split by
        // segments over two threads (`run_split`), as a tier's ranking is:
        // a phrase scores every match, and did so on one core.
        let one_pass = req.sort == Sort::Relevance && tier.is_none() && !built.prunable;
        let mut picked: Option<Vec<Picked>> = None;
        // The counting collectors, with the caches that speed them up.
        // Getting the caches can mean reading the saved print set, so the
        // CLI does it on the counting thread, beside the ranking.
        let collectors = |searcher: &Searcher| {
            let caches = self.caches(searcher, req.facets);
            let facet_collector = facets::FacetCollector {
                shared: caches.shared.clone(),
                columns: caches.columns.clone().flatten(),
            };
            let distinct = facets::DistinctCount {
                shared: caches.shared,
            };
            (facet_collector, distinct)
        };
        let (facet_counts, total, raw_total) = match (req.facets, one_pass) {
            (true, true) => {
                let (facet_collector, _) = collectors(&searcher);
                let top = TopDocs::with_limit(first_fetch).order_by_score();
                let (c, raw, top) =
                    self.run_split(&searcher, &*q, &(facet_collector, Count, top))?;
                picked = Some(by_score(top, 0.0));
                (Some(c.facets), c.distinct, raw)
            }
            (false, true) => {
                let (_, distinct) = collectors(&searcher);
                let top = TopDocs::with_limit(first_fetch).order_by_score();
                let (n, raw, top) = self.run_split(&searcher, &*q, &(distinct, Count, top))?;
                picked = Some(by_score(top, 0.0));
                (None, n, raw)
            }
            (facets, false) => {
                let matching = &*built.matching;
                let union_terms = built.union_terms.as_deref();
                let searcher = &searcher;
                let count = move || {
                    let (facet_collector, distinct) = collectors(searcher);
                    if facets {
                        return self
                            .run(searcher, matching, &(facet_collector, Count))
                            .map(|(c, raw)| (Some(c.facets), c.distinct, raw));
                    }
                    // A plain union of terms (most broad queries' count)
                    // is counted from the postings, without walking every
                    // match through tantivy's union.
                    if let Some(terms) = union_terms
                        && let Some((n, raw)) = distinct.count_union(searcher, terms)?
                    {
                        return Ok((None, n, raw));
                    }
                    self.run(searcher, matching, &(distinct, Count))
                        .map(|(n, raw)| (None, n, raw))
                };
                if self.parallel {
                    // Counting and ranking walk different queries, so they
                    // can run side by side. The ranking asks for
                    // `first_fetch`, which is what the loop below asks for
                    // unless the count turns out smaller; then it is thrown
                    // away and redone.
                    let (ranked, counted) = side_by_side(
                        || self.select(searcher, &*q, tier, req.sort, first_fetch),
                        count,
                        "counting",
                    );
                    let (facet_counts, total, raw) = counted?;
                    if first_fetch <= raw.max(1) {
                        picked = Some(ranked?);
                    }
                    (facet_counts, total, raw)
                } else {
                    count()?
                }
            }
        };
        let mut fetch = first_fetch.min(raw_total.max(1));
        // Documents read by one round, for the next: a round that collapsed
        // short fetches twice as many, most of them read already.
        let mut at_hand: HashMap<DocAddress, TantivyDocument> = HashMap::new();
        let collapsed = loop {
            let chosen = match picked.take() {
                Some(p) => p,
                None => self.select(&searcher, &*q, tier, req.sort, fetch)?,
            };
            let mut ranked = self.load(&searcher, chosen, req.sort, &mut at_hand)?;
            let fetched = ranked.len();
            if req.sort == Sort::Relevance {
                rerank(&mut ranked, &built.surfaces, &self.schema);
            }
            let collapsed = self.collapse(ranked, None, &mut at_hand);
            if collapsed.len() >= wanted || fetched < fetch || fetch >= raw_total {
                break collapsed;
            }
            at_hand.extend(collapsed.into_iter().map(|r| (r.addr, r.doc)));
            fetch = (fetch * 2).min(raw_total);
        };
        let hits = self.hits(collapsed, req, &built.highlight);
        let suggestions = self.suggest(&searcher, &parsed, &req.query);
        Ok(SearchResults {
            query: req.query.clone(),
            total,
            hits,
            facets: facet_counts,
            notices,
            suggestions,
        })
    }

    /// A page of collapsed documents as hits with snippets.
    fn hits(
        &self,
        collapsed: Vec<Ranked>,
        req: &SearchRequest,
        plan: &query::Highlight,
    ) -> Vec<Hit> {
        // One analyzer for the page: stems cached for one hit serve the
        // next, and a long-lived engine's cache serves every search. A
        // request that finds it busy (another request cutting snippets)
        // takes a fresh one rather than wait; stems are the same either way.
        let mut guard = self.snippet_analyzer.try_lock();
        let mut fresh = None;
        let analyzer = match &mut guard {
            Ok(analyzer) => &mut **analyzer,
            Err(_) => fresh.insert(crate::analyzer::text_analyzer()),
        };
        collapsed
            .into_iter()
            .enumerate()
            .skip(req.offset)
            .take(req.limit)
            .map(|(i, r)| {
                let a = self.schema.to_article(&r.doc);
                Hit {
                    rank: i + 1,
                    score: r.score,
                    snippets: snippet::snippets_with(
                        analyzer,
                        &a.body,
                        plan,
                        req.passages,
                        req.snippet_len,
                    ),
                    key: a.key,
                    path: a.path,
                    title: a.title,
                    source: a.source,
                    published: a.published,
                    people: a.people,
                    duplicates: r.duplicates,
                }
            })
            .collect()
    }

    /// What snippets of `query` would highlight (terms and phrase variants),
    /// for callers that highlight a whole stored body, like the web page's
    /// article view.
    pub fn highlight_plan(&self, query_text: &str) -> Result<query::Highlight> {
        let parsed = query::parse(query_text)?;
        let searcher = self.searcher();
        let doc_freq = |t: &Term| searcher.doc_freq(t).unwrap_or(0);
        Ok(query::Builder::new(&self.schema, &doc_freq)
            .build(&parsed, Vec::new())
            .highlight)
    }

    /// Articles most like the one stored under `key`: its most telling terms
    /// (tf·idf over title and body) as one weighted query, without the
    /// article itself and its exact or near copies.
    pub fn similar(&self, key: &str, req: &SearchRequest) -> Result<SearchResults> {
        let searcher = self.searcher();
        let (_, source_doc) = self.find(&searcher, key)?;
        let source = self.schema.to_article(&source_doc);
        let print = near_of(&self.schema, &source_doc);
        let n_docs = searcher.num_docs().max(1) as f64;
        let mut analyzer = crate::analyzer::text_analyzer();
        let mut tf: HashMap<String, f64> = HashMap::new();
        for (text, weight) in [(&source.title, 3.0), (&source.body, 1.0)] {
            for t in query::analyze(&mut analyzer, text) {
                if t.term.chars().count() >= 3 && !t.term.chars().all(|c| c.is_ascii_digit()) {
                    *tf.entry(t.term).or_default() += weight;
                }
            }
        }
        let mut weighted: Vec<(f64, String)> = tf
            .into_iter()
            .filter_map(|(term, f)| {
                let df = searcher
                    .doc_freq(&Term::from_field_text(self.schema.body, &term))
                    .unwrap_or(0) as f64;
                // Terms in almost every article say nothing about this one.
                (df >= 1.0 && df / n_docs < 0.2).then(|| (f.sqrt() * (n_docs / df).ln(), term))
            })
            .collect();
        weighted.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        weighted.truncate(25);
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (w, term) in &weighted {
            for (field, boost) in [(self.schema.title, 1.5f32), (self.schema.body, 1.0)] {
                let tq = TermQuery::new(
                    Term::from_field_text(field, term),
                    IndexRecordOption::WithFreqs,
                );
                clauses.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(tq), *w as f32 * boost)),
                ));
            }
        }
        if clauses.is_empty() {
            return Ok(SearchResults {
                query: format!("similar:{key}"),
                total: 0,
                hits: Vec::new(),
                facets: None,
                notices: vec![format!("{key} has no distinctive words to compare")],
                suggestions: Vec::new(),
            });
        }
        clauses.push((Occur::MustNot, key_query(&self.schema, key)));
        if !source.fingerprint.is_empty() {
            // Exact copies share `print64`, a fast-only field: a one-value
            // range over it is a column scan, cheap next to the scoring.
            let print64 =
                Term::from_field_u64(self.schema.print64, near::print64(&source.fingerprint));
            clauses.push((
                Occur::MustNot,
                Box::new(RangeQuery::new(
                    Bound::Included(print64.clone()),
                    Bound::Included(print64),
                )),
            ));
        }
        let q = BooleanQuery::new(clauses);
        let wanted = req.offset + req.limit;
        let ranked = self.ranked(&searcher, &q, Sort::Relevance, wanted * 2 + 10)?;
        let collapsed = self.collapse(ranked, Some((&source.body, print)), &mut HashMap::new());
        let total = collapsed.len() as u64;
        let plan = query::Highlight {
            terms: weighted.iter().take(10).map(|(_, t)| t.clone()).collect(),
            phrases: Vec::new(),
        };
        Ok(SearchResults {
            query: format!("similar:{key}"),
            total,
            hits: self.hits(collapsed, req, &plan),
            facets: None,
            notices: Vec::new(),
            suggestions: Vec::new(),
        })
    }

    /// The address and stored document of `key`.
    fn find(&self, searcher: &Searcher, key: &str) -> Result<(DocAddress, TantivyDocument)> {
        let q = key_query(&self.schema, key);
        // Keys that share the 64-bit hash are told apart by the stored key.
        let top = searcher.search(&*q, &TopDocs::with_limit(16).order_by_score())?;
        for (_, addr) in top {
            let doc: TantivyDocument = searcher.doc(addr)?;
            if str_of(&doc, self.schema.key) == key {
                return Ok((addr, doc));
            }
        }
        Err(Error::NotFound(key.to_string()))
    }

    /// "Did you mean": for each plain word the index does not know, the
    /// closest indexed words (edit distance 1, else 2; most frequent first),
    /// assembled into up to three corrected queries. Only computed when
    /// nothing matched or a word is unknown.
    fn suggest(&self, searcher: &Searcher, parsed: &query::ParsedQuery, text: &str) -> Vec<String> {
        let mut analyzer = crate::analyzer::text_analyzer();
        let mut fixes: Vec<(String, Vec<String>)> = Vec::new();
        for word in parsed.plain_words() {
            let toks = query::analyze(&mut analyzer, &word);
            let [t] = toks.as_slice() else { continue };
            let known = [self.schema.title, self.schema.body].iter().any(|&f| {
                searcher
                    .doc_freq(&Term::from_field_text(f, &t.term))
                    .unwrap_or(0)
                    > 0
            });
            if known || t.term.chars().count() < 3 {
                continue;
            }
            let candidates = self.close_terms(searcher, &t.term);
            let surfaces: Vec<String> = candidates
                .into_iter()
                .filter_map(|term| self.surface_of(searcher, &term))
                .filter(|s| !s.eq_ignore_ascii_case(&word))
                .map(|s| match_case(&word, &s))
                .take(3)
                .collect();
            if !surfaces.is_empty() {
                fixes.push((word, surfaces));
            }
        }
        if fixes.is_empty() {
            return Vec::new();
        }
        let most = fixes.iter().map(|(_, s)| s.len()).max().unwrap_or(0);
        let mut out: Vec<String> = Vec::new();
        for k in 0..most {
            let mut q = text.to_string();
            for (word, surfaces) in &fixes {
                let s = surfaces.get(k).unwrap_or(&surfaces[0]);
                q = q.replacen(word.as_str(), s, 1);
            }
            if !out.contains(&q) {
                out.push(q);
            }
        }
        out
    }

    /// Indexed title/body terms within edit distance 1 (else 2) of `term`,
    /// most frequent first.
    fn close_terms(&self, searcher: &Searcher, term: &str) -> Vec<String> {
        let max = if term.chars().count() >= 6 { 2 } else { 1 };
        for distance in 1..=max {
            let mut df: HashMap<String, u64> = HashMap::new();
            for field in [self.schema.title, self.schema.body] {
                let fuzzy = FuzzyTermQuery::new(Term::from_field_text(field, term), distance, true);
                for segment in searcher.segment_readers() {
                    let (Ok(automaton), Ok(inverted)) =
                        (fuzzy.automaton(), segment.inverted_index(field))
                    else {
                        continue;
                    };
                    let Ok(mut stream) = inverted.terms().search(automaton).into_stream() else {
                        continue;
                    };
                    while stream.advance() {
                        if let Ok(k) = std::str::from_utf8(stream.key()) {
                            *df.entry(k.to_string()).or_default() +=
                                u64::from(stream.value().doc_freq);
                        }
                    }
                }
            }
            if !df.is_empty() {
                let mut v: Vec<(u64, String)> = df.into_iter().map(|(k, n)| (n, k)).collect();
                v.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
                return v.into_iter().take(5).map(|(_, k)| k).collect();
            }
        }
        Vec::new()
    }

    /// A written form of an analyzed term, read from an article holding it
    /// ("kentéris" is stored as `kenteri`; we show "kenteris").
    fn surface_of(&self, searcher: &Searcher, term: &str) -> Option<String> {
        let mut analyzer = crate::analyzer::text_analyzer();
        let s = &self.schema;
        for (field, stored) in [(s.title, s.title_text), (s.body, s.body_text)] {
            let q = TermQuery::new(Term::from_field_text(field, term), IndexRecordOption::Basic);
            let top = searcher
                .search(&q, &TopDocs::with_limit(1).order_by_score())
                .ok()?;
            let Some((_, addr)) = top.first() else {
                continue;
            };
            let doc: TantivyDocument = searcher.doc(*addr).ok()?;
            let text = doc.get_first(stored).and_then(|v| v.as_str())?.to_string();
            for t in query::analyze(&mut analyzer, &text) {
                let surface = &text[t.from..t.to];
                if t.term == term && !surface.contains(['-', '\u{2010}', '\u{2011}']) {
                    return Some(surface.to_lowercase());
                }
            }
        }
        None
    }

    /// Top `n` documents in the requested order, ties broken by key.
    fn ranked(
        &self,
        searcher: &Searcher,
        q: &dyn Query,
        sort: Sort,
        n: usize,
    ) -> Result<Vec<Ranked>> {
        let chosen = self.select(searcher, q, None, sort, n)?;
        self.load(searcher, chosen, sort, &mut HashMap::new())
    }

    /// The addresses of the top `n` documents of `q` in the requested order
    /// (not yet in final order: [`SearchEngine::load`] sorts).
    ///
    /// With a `tier` (relevance only), the tier is ranked first: its
    /// documents outrank every other match, so when it holds `n` or more
    /// they are the answer and the broad query is never scored. A tier
    /// with proximity clauses is ranked by its words and the clauses are
    /// added to a window of the best (see [`RESCORE_WINDOW`]). Otherwise
    /// `q` is ranked whole, which puts the tier first by its bonus.
    fn select(
        &self,
        searcher: &Searcher,
        q: &dyn Query,
        tier: Option<Tier>,
        sort: Sort,
        n: usize,
    ) -> Result<Vec<Picked>> {
        let n = n.max(1);
        let top = || TopDocs::with_limit(n).order_by_score();
        match sort {
            Sort::Relevance => {
                if let Some(tier) = tier {
                    let found = match tier.split {
                        Some(split) => {
                            let window =
                                TopDocs::with_limit((n * 16).max(RESCORE_WINDOW)).order_by_score();
                            let candidates = self.run_split(searcher, &*split.words, &window)?;
                            if candidates.len() >= n {
                                add_proximity(
                                    searcher,
                                    &split.proximity,
                                    candidates,
                                    n,
                                    self.parallel,
                                )?
                            } else {
                                candidates
                            }
                        }
                        None => self.run(searcher, tier.whole, &top())?,
                    };
                    if found.len() >= n {
                        return Ok(by_score(found, query::ALL_WORDS_TIER));
                    }
                }
                Ok(by_score(self.run(searcher, q, &top())?, 0.0))
            }
            Sort::Newest | Sort::Oldest => {
                let mut out: Vec<Picked> = Vec::new();
                let order = if sort == Sort::Newest {
                    Order::Desc
                } else {
                    Order::Asc
                };
                // Dated first, in date order; then undated ones.
                let dated = query::published_range(&self.schema, 0, 99_991_231);
                let dated_q = BooleanQuery::new(vec![
                    (Occur::Must, q.box_clone()),
                    (Occur::Must, dated.box_clone()),
                ]);
                let by_day = TopDocs::with_limit(n).order_by_fast_field::<i64>("published", order);
                for (day, addr) in self.run(searcher, &dated_q, &by_day)? {
                    out.push((0.0, day.unwrap_or(0), addr));
                }
                if out.len() < n {
                    let undated_q = BooleanQuery::new(vec![
                        (Occur::Must, q.box_clone()),
                        (Occur::MustNot, dated),
                    ]);
                    for (_, addr) in self.run(
                        searcher,
                        &undated_q,
                        &TopDocs::with_limit(n - out.len()).order_by_score(),
                    )? {
                        out.push((0.0, i64::MIN, addr));
                    }
                }
                Ok(out)
            }
        }
    }

    /// The stored documents of `chosen`, in the requested order, ties by key.
    /// Documents in `at_hand` (read by an earlier round of the same search)
    /// are taken from it instead of being read again.
    fn load(
        &self,
        searcher: &Searcher,
        chosen: Vec<Picked>,
        sort: Sort,
        at_hand: &mut HashMap<DocAddress, TantivyDocument>,
    ) -> Result<Vec<Ranked>> {
        // Each slot holds its document when it is at hand; the others are
        // read below, in order.
        let mut slots: Vec<(Picked, Option<TantivyDocument>)> = Vec::with_capacity(chosen.len());
        let mut missing: Vec<DocAddress> = Vec::new();
        for picked in chosen {
            let doc = at_hand.remove(&picked.2);
            if doc.is_none() {
                missing.push(picked.2);
            }
            slots.push((picked, doc));
        }
        let read = |addrs: &[DocAddress]| -> tantivy::Result<Vec<TantivyDocument>> {
            addrs.iter().map(|&addr| searcher.doc(addr)).collect()
        };
        // Each document is a block of the store to decompress, about 13 µs:
        // on a big archive half of them are read on a second core, by a
        // thread of its own in the one-shot CLI (about 0.4 ms of 0.8 for
        // the 30 a first page reads on the 1 GB bench archive) and on the
        // executor's threads in `serve` (bench p50 −0.1 to −0.3 ms). On a
        // small archive the page's documents share a few blocks, and the
        // handover costs more than it saves (BBC: +0.35 ms).
        let split = missing.len() >= LOAD_SPLIT_MIN && searcher.num_docs() >= PARALLEL_MIN_DOCS;
        let (first, second) = missing.split_at(missing.len() / 2);
        let read_docs = match (&self.executor, split) {
            (_, true) if self.parallel => {
                let (mine, theirs) = side_by_side(|| read(first), || read(second), "loading");
                let mut docs = mine?;
                docs.extend(theirs?);
                docs
            }
            (Some(executor), true) => executor
                .map(read, [first, second].into_iter())?
                .into_iter()
                .flatten()
                .collect(),
            _ => read(&missing)?,
        };
        let mut read_docs = read_docs.into_iter();
        let mut out: Vec<(f32, i64, DocAddress, TantivyDocument)> = Vec::with_capacity(slots.len());
        for ((score, day, addr), doc) in slots {
            let doc = match doc.or_else(|| read_docs.next()) {
                Some(doc) => doc,
                None => searcher.doc(addr)?,
            };
            out.push((score, day, addr, doc));
        }
        let mut keyed: Vec<(f32, i64, Ranked)> = out
            .into_iter()
            .map(|(raw, day, addr, doc)| {
                let key = text_of(&doc, self.schema.key);
                // The all-words tier decides order but is not a score to show.
                let tier = raw >= query::ALL_WORDS_TIER;
                let score = if tier {
                    raw - query::ALL_WORDS_TIER
                } else {
                    raw
                };
                (
                    raw,
                    day,
                    Ranked {
                        score,
                        tier,
                        exact: 0,
                        split_only: 0,
                        key,
                        addr,
                        doc,
                        duplicates: Vec::new(),
                    },
                )
            })
            .collect();
        keyed.sort_by(|x, y| match sort {
            Sort::Relevance => y.0.total_cmp(&x.0).then_with(|| x.2.key.cmp(&y.2.key)),
            Sort::Newest => (x.1 == i64::MIN)
                .cmp(&(y.1 == i64::MIN))
                .then(y.1.cmp(&x.1))
                .then_with(|| x.2.key.cmp(&y.2.key)),
            Sort::Oldest => (x.1 == i64::MIN)
                .cmp(&(y.1 == i64::MIN))
                .then(x.1.cmp(&y.1))
                .then_with(|| x.2.key.cmp(&y.2.key)),
        });
        Ok(keyed.into_iter().map(|(_, _, r)| r).collect())
    }

    /// Collapse copies into their best-ranked one: exact duplicates (same
    /// fingerprint), syndicated near copies (close near prints and mostly
    /// the same shingles) and revisions (same headline, the shorter body
    /// mostly inside the longer one: an updated story whose print moved).
    /// With `exclude`, copies of that body are dropped altogether (for
    /// `similar`). The copies' documents go to `spare`, for a next round of
    /// the search to take instead of reading them again.
    fn collapse(
        &self,
        ranked: Vec<Ranked>,
        exclude: Option<(&str, u64)>,
        spare: &mut HashMap<DocAddress, TantivyDocument>,
    ) -> Vec<Ranked> {
        /// What becomes of one ranked document.
        enum Fate {
            Keep,
            /// A copy of the kept document at this place in the output.
            CopyOf(usize),
            Drop,
        }
        // Decide first, move after: the copies borrow the documents'
        // stored text instead of copying every body.
        let fates: Vec<Fate> = {
            let exclude = exclude.map(|(body, print)| near::Copy::new("", print, body, ""));
            let mut kept: Vec<near::Copy> = Vec::new();
            ranked
                .iter()
                .map(|r| {
                    let copy = near::Copy::new(
                        str_of(&r.doc, self.schema.fingerprint),
                        near_of(&self.schema, &r.doc),
                        str_of(&r.doc, self.schema.body_text),
                        str_of(&r.doc, self.schema.title_text),
                    );
                    if let Some(src) = &exclude
                        && copy.is_near(src)
                    {
                        return Fate::Drop;
                    }
                    if let Some(i) = kept.iter().position(|k| copy.same_story(k)) {
                        return Fate::CopyOf(i);
                    }
                    kept.push(copy);
                    Fate::Keep
                })
                .collect()
        };
        let mut out: Vec<Ranked> = Vec::new();
        for (r, fate) in ranked.into_iter().zip(fates) {
            match fate {
                Fate::Keep => out.push(r),
                Fate::CopyOf(i) => {
                    out[i].duplicates.push(r.key);
                    spare.insert(r.addr, r.doc);
                }
                Fate::Drop => {
                    spare.insert(r.addr, r.doc);
                }
            }
        }
        out
    }

    /// The stored article with this key.
    pub fn article(&self, key: &str) -> Result<Article> {
        let (_, doc) = self.find(&self.searcher(), key)?;
        Ok(self.schema.to_article(&doc))
    }

    /// Archive-wide counts.
    pub fn stats(&self) -> Result<Stats> {
        let searcher = self.searcher();
        let (c, documents) =
            searcher.search(&AllQuery, &(facets::FacetCollector::default(), Count))?;
        Ok(Stats {
            articles: c.distinct,
            documents: documents as u64,
            people: facets::top(&c.facets.people, 50).into_iter().collect(),
            sources: c.facets.sources,
            published: PublishedSpan {
                first: c.first_last.map(|(a, _)| crate::schema::day_to_date(a)),
                last: c.first_last.map(|(_, b)| crate::schema::day_to_date(b)),
            },
            index_bytes: dir_size(&self.dir),
        })
    }

    /// Every stored article, ordered by key. The keys are read from the
    /// store first (one sequential pass per segment), the articles then
    /// loaded in key order, so memory holds keys, not articles.
    pub fn export(&self, sink: &mut dyn FnMut(&Article) -> Result<()>) -> Result<()> {
        let searcher = self.searcher();
        let mut addrs: Vec<(String, DocAddress)> = Vec::new();
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            let store = segment
                .get_store_reader(STORE_BLOCKS_CACHED)
                .map_err(|e| Error::Index(e.to_string()))?;
            let alive = segment.alive_bitset();
            for doc in 0..segment.max_doc() {
                if alive.is_some_and(|a| !a.is_alive(doc)) {
                    continue;
                }
                let stored: TantivyDocument = store.get(doc)?;
                addrs.push((
                    str_of(&stored, self.schema.key).to_string(),
                    DocAddress::new(ord as u32, doc),
                ));
            }
        }
        addrs.sort();
        for (_, addr) in addrs {
            let doc: TantivyDocument = searcher.doc(addr)?;
            sink(&self.schema.to_article(&doc))?;
        }
        Ok(())
    }

    /// The index directory.
    pub fn index_dir(&self) -> &Path {
        &self.dir
    }
}

/// How many of the all-words tier's best documents by their words alone
/// (at least; 16 per wanted document) get the proximity clauses added. A
/// document outside this window would need a proximity bonus bigger than
/// its words-score gap to the page to reach it. The window is wide because
/// an archive holds many copies of one story, which crowd the top of the
/// words ranking: on the 1 GB bench archive (about 35 copies of each
/// story) a window of 300 changed one page in 300 searches, 500 none (240
/// bench queries and 60 CLI searches, compared with the whole tier
/// scored). The same trade as a rescore window in Elasticsearch or Vespa's
/// second-phase `rerank-count`: positions are read for a few hundred
/// documents instead of every one holding the words.
const RESCORE_WINDOW: usize = 500;

/// The all-words tier of a relevance search: `whole` with the proximity
/// clauses, and `split` into words and proximity when it has them.
#[derive(Clone, Copy)]
struct Tier<'q> {
    whole: &'q dyn Query,
    split: Option<&'q query::SplitTier>,
}

/// The best `n` of `candidates` (documents ranked by a tier's words) once
/// the tier's `proximity` clauses are added where they match, in the order
/// and the way tantivy's union and required-plus-optional scorers add
/// them, so scores equal the whole tier's. Each clause's scorer is asked
/// only about the candidates, in document order, with `seek_danger`: a
/// plain `seek` on a phrase runs on to its next match, reading positions
/// of every document in between, which is what this avoids. Ties go to the
/// lower address, as in tantivy's `TopDocs`. With `two_threads` (the
/// one-shot CLI), the segments' candidates are split in two halves and one
/// half is scored on a second thread.
fn add_proximity(
    searcher: &Searcher,
    proximity: &[Box<dyn Query>],
    mut candidates: Vec<(f32, DocAddress)>,
    n: usize,
    two_threads: bool,
) -> tantivy::Result<Vec<(f32, DocAddress)>> {
    candidates.sort_by_key(|&(_, a)| a);
    let scoring = EnableScoring::enabled_from_searcher(searcher);
    let weights = proximity
        .iter()
        .map(|q| q.weight(scoring))
        .collect::<tantivy::Result<Vec<_>>>()?;
    // At a segment boundary near the middle, so each half is whole segments
    // (on one thread, everything is the first half).
    let cut = if two_threads {
        (candidates.len() / 2..candidates.len())
            .find(|&i| i > 0 && candidates[i].1.segment_ord != candidates[i - 1].1.segment_ord)
            .unwrap_or(candidates.len())
    } else {
        candidates.len()
    };
    let (first, second) = candidates.split_at_mut(cut);
    if !first.is_empty() && !second.is_empty() {
        let (mine, theirs) = side_by_side(
            || add_proximity_to(searcher, &weights, first),
            || add_proximity_to(searcher, &weights, second),
            "proximity",
        );
        mine.and(theirs)?;
    } else {
        add_proximity_to(searcher, &weights, &mut candidates)?;
    }
    candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    candidates.truncate(n);
    Ok(candidates)
}

/// [`add_proximity`]'s work on `candidates` (in address order).
fn add_proximity_to(
    searcher: &Searcher,
    weights: &[Box<dyn Weight>],
    candidates: &mut [(f32, DocAddress)],
) -> tantivy::Result<()> {
    for group in candidates.chunk_by_mut(|a, b| a.1.segment_ord == b.1.segment_ord) {
        let reader = searcher.segment_reader(group[0].1.segment_ord);
        // Each scorer with the lowest document it can still hold: below
        // it, a candidate is known not to match without asking.
        let mut scorers = weights
            .iter()
            .map(|w| {
                let s = w.scorer(reader, 1.0)?;
                let from = s.doc();
                Ok((s, from))
            })
            .collect::<tantivy::Result<Vec<_>>>()?;
        for (score, addr) in group.iter_mut() {
            let target = addr.doc_id;
            let mut sum: Option<f32> = None;
            for (scorer, from) in &mut scorers {
                if target < *from {
                    continue;
                }
                match scorer.seek_danger(target) {
                    SeekDangerResult::Found => {
                        *sum.get_or_insert(0.0) += scorer.score();
                        *from = target + 1;
                    }
                    SeekDangerResult::SeekLowerBound(next) => *from = next,
                }
            }
            if let Some(sum) = sum {
                *score += sum;
            }
        }
    }
    Ok(())
}

/// `collector` over `q` as `Searcher::search` runs it (each segment
/// collected, the fruits merged in segment order), with the segments split
/// in two halves by document count and the second half on a second thread.
fn collect_in_two<C: Collector>(
    searcher: &Searcher,
    q: &dyn Query,
    collector: &C,
) -> tantivy::Result<C::Fruit> {
    let segments = searcher.segment_readers();
    if segments.len() < 2 {
        return searcher.search(q, collector);
    }
    let weight = q.weight(scoring_for(searcher, collector))?;
    // The first segments up to about half the documents stay here.
    let half = segments.iter().map(|r| u64::from(r.max_doc())).sum::<u64>() / 2;
    let mut docs = 0u64;
    let cut = segments
        .iter()
        .position(|r| {
            docs += u64::from(r.max_doc());
            docs >= half
        })
        .map_or(segments.len(), |i| i + 1)
        .clamp(1, segments.len() - 1);
    let collect = |from: usize, to: usize| -> tantivy::Result<Vec<_>> {
        (from..to)
            .map(|ord| collector.collect_segment(&*weight, ord as u32, &segments[ord]))
            .collect()
    };
    let (fruits, rest) = side_by_side(
        || collect(0, cut),
        || collect(cut, segments.len()),
        "ranking",
    );
    let mut fruits = fruits?;
    fruits.extend(rest?);
    collector.merge_fruits(fruits)
}

/// Scoring on or off as `collector` needs it, as `Searcher::search` sets it.
fn scoring_for<'a, C: Collector>(searcher: &'a Searcher, collector: &C) -> EnableScoring<'a> {
    if collector.requires_scoring() {
        EnableScoring::enabled_from_searcher(searcher)
    } else {
        EnableScoring::disabled_from_searcher(searcher)
    }
}

/// `here` on this thread and `there` on a second one, side by side (the
/// one-shot CLI's way of using both cores for one request). A panic on the
/// second thread comes back as an error naming its `work`.
fn side_by_side<A, B: Send>(
    here: impl FnOnce() -> A,
    there: impl FnOnce() -> tantivy::Result<B> + Send,
    work: &str,
) -> (A, tantivy::Result<B>) {
    std::thread::scope(|scope| {
        let other = scope.spawn(there);
        let mine = here();
        let theirs = other.join().unwrap_or_else(|_| {
            Err(tantivy::TantivyError::InternalError(format!(
                "{work} thread panicked"
            )))
        });
        (mine, theirs)
    })
}

/// A chosen document before loading: raw score (tier bonus included),
/// publication day for date sorts, address.
type Picked = (f32, i64, DocAddress);

/// Score-ordered top docs as [`Picked`], with `bonus` added to each score
/// (the tier bonus, for documents ranked by the tier query alone).
fn by_score(top: Vec<(f32, DocAddress)>, bonus: f32) -> Vec<Picked> {
    top.into_iter()
        .map(|(score, addr)| (score + bonus, 0, addr))
        .collect()
}

/// One ranked document on its way to becoming a [`Hit`].
struct Ranked {
    /// Score to show (without the all-words tier bonus).
    score: f32,
    /// Whether it holds every plain word of the query.
    tier: bool,
    /// How many strict surface forms (quoted phrases, compounds) it has verbatim.
    exact: usize,
    /// How many typed words it has only as a hyphenated compound.
    split_only: usize,
    key: String,
    /// Where it is stored, to find it again in the next round of a search
    /// whose page collapsing left short.
    addr: DocAddress,
    doc: TantivyDocument,
    /// Keys of copies collapsed into it.
    duplicates: Vec<String>,
}

/// Exact forms above variants: within the all-words tier, documents holding
/// more of the typed phrases and compounds verbatim (case and accents aside)
/// come first, e.g. "non-aggression pact" above "nonaggression pact" for a
/// query typed with the hyphen; plain words typed in a form the document
/// uses verbatim nudge the score by up to 10%. Only the fetched window is
/// reordered, which is where the stored text is at hand anyway.
fn rerank(ranked: &mut [Ranked], surfaces: &[query::Surface], schema: &NewsSchema) {
    if surfaces.is_empty() {
        return;
    }
    let soft_total = surfaces.iter().filter(|s| !s.strict).count().max(1) as f32;
    // Two buffers reused across the window: the fetched texts are folded
    // on every search, and allocating for each was part of the cost.
    let mut folded = String::new();
    let mut joined = String::new();
    for r in ranked.iter_mut() {
        // Headline and body folded as one text, as if joined by " \n ".
        let mut folder = query::Folder::new(std::mem::take(&mut folded));
        folder.push(str_of(&r.doc, schema.title_text));
        folder.push(" \n ");
        folder.push(str_of(&r.doc, schema.body_text));
        folded = folder.finish();
        let found = |s: &&query::Surface| folded.contains(s.text.as_str());
        r.exact = surfaces.iter().filter(|s| s.strict).filter(found).count();
        // Without a hyphen in the text, dropping hyphens changes nothing,
        // so a word not found as typed is not found split either.
        r.split_only = 0;
        if folded.contains('-') {
            let mut split = surfaces.iter().filter(|s| s.word && !found(s)).peekable();
            if split.peek().is_some() {
                joined.clear();
                joined.extend(folded.split('-'));
                r.split_only = split.filter(|s| joined.contains(s.text.as_str())).count();
            }
        }
        let soft = surfaces.iter().filter(|s| !s.strict).filter(found).count() as f32;
        r.score *= 1.0 + 0.1 * soft / soft_total;
    }
    ranked.sort_by(|a, b| {
        b.tier
            .cmp(&a.tier)
            .then(b.exact.cmp(&a.exact))
            .then(a.split_only.cmp(&b.split_only))
            .then(b.score.total_cmp(&a.score))
            .then_with(|| a.key.cmp(&b.key))
    });
}

/// `suggestion` capitalized like `typed` ("Mulller" -> "Müller").
fn match_case(typed: &str, suggestion: &str) -> String {
    let mut chars = suggestion.chars();
    match (typed.chars().next(), chars.next()) {
        (Some(t), Some(first)) if t.is_uppercase() => first.to_uppercase().chain(chars).collect(),
        _ => suggestion.to_string(),
    }
}

/// Store blocks a sequential pass over a segment keeps decompressed.
const STORE_BLOCKS_CACHED: usize = 4;

/// The articles whose key hashes like this one (schema version 6: the key
/// is stored only, its hash a u64 fast field), as a one-value range over
/// the hash's column: a scan of the column, paid only by `show` and
/// `similar`. A different key with the same hash matches too, so callers
/// compare the stored key (`find`); `similar`'s exclusion of the article
/// itself would also drop such a twin, a 2^-64 chance per pair.
fn key_query(schema: &NewsSchema, key: &str) -> Box<dyn Query> {
    let term = Term::from_field_u64(schema.key_hash, crate::schema::key_hash(key));
    Box::new(RangeQuery::new(
        Bound::Included(term.clone()),
        Bound::Included(term),
    ))
}

/// The first text value of `field`, or "".
fn text_of(doc: &TantivyDocument, field: Field) -> String {
    str_of(doc, field).to_string()
}

/// The first text value of `field`, or "", borrowed from the document.
fn str_of(doc: &TantivyDocument, field: Field) -> &str {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
}

/// The stored near print, 0 when absent.
fn near_of(schema: &NewsSchema, doc: &TantivyDocument) -> u64 {
    doc.get_first(schema.near)
        .and_then(|v| v.as_u64())
        .unwrap_or(0)
}

fn dir_size(dir: &Path) -> u64 {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{IngestOptions, ingest};

    /// Forty articles holding "oil" and "prices", in varied amounts and
    /// distances, some with the two words side by side, some in the title.
    fn archive() -> (tempfile::TempDir, SearchEngine) {
        archive_committing_every(usize::MAX)
    }

    /// [`archive`] with a commit every `every` articles (one segment each).
    fn archive_committing_every(every: usize) -> (tempfile::TempDir, SearchEngine) {
        let dir = tempfile::tempdir().expect("temp dir");
        let corpus = dir.path().join("corpus");
        std::fs::create_dir_all(&corpus).expect("temp dir is writable");
        let mut lines = Vec::new();
        for i in 0..40 {
            let filler = "traders said markets were calm ".repeat(i % 7 + 1);
            let body = match i % 4 {
                0 => format!("Oil prices rose. {filler} Oil output fell."),
                1 => format!(
                    "Oil demand rose. {filler} Food prices fell. {}",
                    "oil ".repeat(i % 5)
                ),
                2 => format!("Prices of oil and prices of gas. {filler}"),
                _ => format!("{filler} oil {filler} prices {filler}"),
            };
            let title = if i % 5 == 0 {
                "Oil prices climb"
            } else {
                "Market report"
            };
            lines.push(
                serde_json::json!({"title": format!("{title} {i}"), "body": body}).to_string(),
            );
        }
        // One file per commit: no commit falls inside a file.
        for (k, chunk) in lines.chunks(every.min(lines.len())).enumerate() {
            std::fs::write(
                corpus.join(format!("wire{k}.ndjson")),
                chunk.join("\n") + "\n",
            )
            .expect("temp dir is writable");
        }
        let index = dir.path().join("index");
        let opts = IngestOptions {
            commit_every: every,
            ..IngestOptions::default()
        };
        ingest(&index, &[corpus], &opts, &|_| {}).expect("ingest");
        let engine = SearchEngine::open(&index).expect("open index");
        (dir, engine)
    }

    /// The CLI ranks on two threads (segments split in two halves, and the
    /// proximity window's candidates too): the answer must be the one
    /// thread's, ties included.
    #[test]
    fn ranking_on_two_threads_gives_the_same_answer() {
        let (_dir, engine) = archive_committing_every(6);
        let searcher = engine.searcher();
        assert!(searcher.segment_readers().len() >= 3, "several segments");
        let parsed = query::parse("oil prices").expect("parses");
        let doc_freq = |t: &Term| searcher.doc_freq(t).unwrap_or(0);
        let built = query::Builder::new(&engine.schema, &doc_freq).build(&parsed, Vec::new());
        let split = built.split_tier.expect("two words rank by proximity");
        for limit in [1, 7, 40, 100] {
            let top = TopDocs::with_limit(limit).order_by_score();
            let one = searcher.search(&*split.words, &top).expect("search");
            let two = collect_in_two(&searcher, &*split.words, &top).expect("search");
            assert_eq!(one, two, "top {limit}");
            let (a, b) = (
                add_proximity(&searcher, &split.proximity, one.clone(), 15, false),
                add_proximity(&searcher, &split.proximity, one, 15, true),
            );
            assert_eq!(a.expect("rescore"), b.expect("rescore"), "top {limit}");
        }
        let counted = collect_in_two(&searcher, &*built.matching, &Count).expect("count");
        assert_eq!(counted, 40);
    }

    /// Counting a union of terms from the postings gives the collectors'
    /// distinct and raw counts, over several segments, exact duplicates
    /// (the archive repeats bodies) and deleted documents; a phrase or an
    /// exclusion is no union of terms.
    #[test]
    fn union_counts_from_the_postings_are_the_collectors() {
        let (dir, engine) = archive_committing_every(7);
        // Delete a few articles (by the number in their headline), so that
        // segments hold deleted documents; no merge may purge them.
        let (index, _) = open_index(&dir.path().join("index")).expect("open");
        let mut writer: tantivy::IndexWriter<TantivyDocument> =
            index.writer(15_000_000).expect("writer");
        writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        for n in ["3", "12", "25"] {
            writer.delete_term(Term::from_field_text(engine.schema.title, n));
        }
        writer.commit().expect("commit");
        drop(writer);
        let engine = SearchEngine::open(&dir.path().join("index")).expect("reopen");
        let searcher = engine.searcher();
        assert!(searcher.segment_readers().len() >= 3, "several segments");
        assert!(
            searcher
                .segment_readers()
                .iter()
                .any(|r| r.alive_bitset().is_some()),
            "a segment with deletes"
        );
        let shared = Arc::new(facets::SharedPrints::build(&searcher).expect("prints"));
        let doc_freq = |t: &Term| searcher.doc_freq(t).unwrap_or(0);
        for q in [
            "oil",
            "Oil prices",
            "gas food",
            "traders calm",
            "climb",
            "zebra",
        ] {
            let parsed = query::parse(q).expect("parses");
            let built = query::Builder::new(&engine.schema, &doc_freq).build(&parsed, Vec::new());
            let terms = built.union_terms.expect("plain words are a union of terms");
            let counted = facets::DistinctCount {
                shared: Some(Arc::clone(&shared)),
            }
            .count_union(&searcher, &terms)
            .expect("count")
            .expect("the print set covers every segment");
            let collected = searcher
                .search(&*built.matching, &(facets::DistinctCount::default(), Count))
                .expect("count");
            assert_eq!(counted, collected, "{q}");
            if q == "oil" {
                assert!(counted.0 < counted.1 as u64, "copies counted once");
            }
        }
        for q in ["\"oil prices\"", "oil -gas"] {
            let parsed = query::parse(q).expect("parses");
            let built = query::Builder::new(&engine.schema, &doc_freq).build(&parsed, Vec::new());
            assert!(built.union_terms.is_none(), "{q}");
        }
    }

    #[test]
    fn proximity_added_to_the_words_window_scores_as_the_whole_tier() {
        let (_dir, engine) = archive();
        let searcher = engine.searcher();
        let parsed = query::parse("oil prices").expect("parses");
        let doc_freq = |t: &Term| searcher.doc_freq(t).unwrap_or(0);
        let built = query::Builder::new(&engine.schema, &doc_freq).build(&parsed, Vec::new());
        let tier = built.tier.expect("two words make a tier");
        let split = built.split_tier.expect("two words rank by proximity");
        let all = TopDocs::with_limit(100).order_by_score();
        let whole = searcher.search(&*tier, &all).expect("search");
        assert_eq!(whole.len(), 40, "every article holds both words");
        let words = searcher.search(&*split.words, &all).expect("search");
        let rescored =
            add_proximity(&searcher, &split.proximity, words.clone(), 15, false).expect("rescore");
        // Bit for bit the whole tier's best 15, ties included.
        assert_eq!(rescored, whole[..15].to_vec());
        // And proximity did change the order the words alone give.
        let by_words: Vec<DocAddress> = words.iter().take(15).map(|&(_, a)| a).collect();
        let by_all: Vec<DocAddress> = rescored.iter().map(|&(_, a)| a).collect();
        assert_ne!(by_words, by_all);
    }
}
