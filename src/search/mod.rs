//! Search: a [`SearchRequest`] in, [`SearchResults`] out ([`Hit`]s with
//! [`Snippet`]s, a total and optional [`Facets`]). [`SearchEngine`] opens the
//! index once and answers many requests; it reloads on new commits, so a
//! long-running `serve` sees what a concurrent ingest adds.
//!
//! Exact duplicates (same fingerprint) collapse into the best-ranked copy,
//! which lists the others in `duplicates`. It does not print anything.

pub mod facets;
pub mod query;
pub mod snippet;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{AllQuery, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{
    DocAddress, Index, IndexReader, Order, ReloadPolicy, Searcher, TantivyDocument, Term,
};

pub use facets::Facets;
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

/// An open index, ready to answer searches.
pub struct SearchEngine {
    dir: PathBuf,
    schema: NewsSchema,
    reader: IndexReader,
    #[allow(dead_code)]
    index: Index,
}

impl SearchEngine {
    /// Open the index at `dir`.
    pub fn open(dir: &Path) -> Result<SearchEngine> {
        let (index, schema) = open_index(dir)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .try_into()?;
        Ok(SearchEngine {
            dir: dir.to_path_buf(),
            schema,
            reader,
            index,
        })
    }

    fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    /// Run one search.
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResults> {
        let parsed = query::parse(&req.query)?;
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
            filters.push(Box::new(tantivy::query::BooleanQuery::new(
                sources
                    .into_iter()
                    .map(|q| (tantivy::query::Occur::Should, q))
                    .collect(),
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
            filters.push(query::published_range(&self.schema, lo, hi));
        }
        let q = query::build(&self.schema, &parsed, filters);
        let searcher = self.searcher();
        let wanted = req.offset + req.limit;
        let (counts, raw_total) = if req.facets {
            let (c, n) = searcher.search(&q, &(facets::FacetCollector, Count))?;
            (Some(c), n)
        } else {
            (None, searcher.search(&q, &Count)?)
        };
        // Fetch more than needed so collapsing duplicates still fills the page.
        let mut fetch = (wanted * 2 + 10).min(raw_total.max(1));
        let collapsed = loop {
            let ranked = self.ranked(&searcher, &*q, req.sort, fetch)?;
            let fetched = ranked.len();
            let collapsed = self.collapse(&searcher, ranked)?;
            if collapsed.len() >= wanted || fetched < fetch || fetch >= raw_total {
                break collapsed;
            }
            fetch = (fetch * 2).min(raw_total);
        };
        let plan = query::highlight(&parsed);
        let mut hits = Vec::new();
        for (i, (score, doc, dups)) in collapsed
            .into_iter()
            .enumerate()
            .skip(req.offset)
            .take(req.limit)
        {
            let a = self.schema.to_article(&doc);
            hits.push(Hit {
                rank: i + 1,
                score,
                snippets: snippet::snippets(&a.body, &plan, req.passages, req.snippet_len),
                key: a.key,
                path: a.path,
                title: a.title,
                source: a.source,
                published: a.published,
                people: a.people,
                duplicates: dups,
            });
        }
        let total = match &counts {
            Some(c) => c.distinct,
            None => raw_total as u64,
        };
        Ok(SearchResults {
            query: req.query.clone(),
            total,
            hits,
            facets: counts.map(|c| c.facets),
            notices: parsed.notices,
        })
    }

    /// Top `n` documents in the requested order, ties broken by key.
    fn ranked(
        &self,
        searcher: &Searcher,
        q: &dyn Query,
        sort: Sort,
        n: usize,
    ) -> Result<Vec<(f32, DocAddress, TantivyDocument)>> {
        let n = n.max(1);
        let mut out: Vec<(f32, i64, DocAddress, TantivyDocument)> = Vec::new();
        match sort {
            Sort::Relevance => {
                for (score, addr) in searcher.search(q, &TopDocs::with_limit(n).order_by_score())? {
                    out.push((score, 0, addr, searcher.doc(addr)?));
                }
            }
            Sort::Newest | Sort::Oldest => {
                let order = if sort == Sort::Newest {
                    Order::Desc
                } else {
                    Order::Asc
                };
                // Dated first, in date order; then undated ones.
                let dated = query::published_range(&self.schema, 0, 99_991_231);
                let dated_q = tantivy::query::BooleanQuery::new(vec![
                    (tantivy::query::Occur::Must, q.box_clone()),
                    (tantivy::query::Occur::Must, dated.box_clone()),
                ]);
                let top = TopDocs::with_limit(n).order_by_fast_field::<i64>("published", order);
                for (day, addr) in searcher.search(&dated_q, &top)? {
                    out.push((0.0, day.unwrap_or(0), addr, searcher.doc(addr)?));
                }
                if out.len() < n {
                    let undated_q = tantivy::query::BooleanQuery::new(vec![
                        (tantivy::query::Occur::Must, q.box_clone()),
                        (tantivy::query::Occur::MustNot, dated),
                    ]);
                    let mut rest = Vec::new();
                    for (_, addr) in searcher.search(
                        &undated_q,
                        &TopDocs::with_limit(n - out.len()).order_by_score(),
                    )? {
                        rest.push((0.0, i64::MIN, addr, searcher.doc(addr)?));
                    }
                    out.extend(rest);
                }
            }
        }
        let key_of = |d: &TantivyDocument| -> String {
            use tantivy::schema::Value;
            d.get_first(self.schema.key)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string()
        };
        let mut keyed: Vec<(f32, i64, String, DocAddress, TantivyDocument)> = out
            .into_iter()
            .map(|(s, d, a, doc)| (s, d, key_of(&doc), a, doc))
            .collect();
        keyed.sort_by(|x, y| match sort {
            Sort::Relevance => y.0.total_cmp(&x.0).then_with(|| x.2.cmp(&y.2)),
            Sort::Newest => (x.1 == i64::MIN)
                .cmp(&(y.1 == i64::MIN))
                .then(y.1.cmp(&x.1))
                .then_with(|| x.2.cmp(&y.2)),
            Sort::Oldest => (x.1 == i64::MIN)
                .cmp(&(y.1 == i64::MIN))
                .then(x.1.cmp(&y.1))
                .then_with(|| x.2.cmp(&y.2)),
        });
        Ok(keyed.into_iter().map(|(s, _, _, a, d)| (s, a, d)).collect())
    }

    /// Collapse exact duplicates into their best-ranked copy.
    fn collapse(
        &self,
        _searcher: &Searcher,
        ranked: Vec<(f32, DocAddress, TantivyDocument)>,
    ) -> Result<Vec<(f32, TantivyDocument, Vec<String>)>> {
        use tantivy::schema::Value;
        let mut seen: Vec<String> = Vec::new();
        let mut out: Vec<(f32, TantivyDocument, Vec<String>)> = Vec::new();
        for (score, _, doc) in ranked {
            let print = doc
                .get_first(self.schema.fingerprint)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string();
            let key = doc
                .get_first(self.schema.key)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string();
            if let Some(i) = seen.iter().position(|p| !p.is_empty() && *p == print) {
                out[i].2.push(key);
                continue;
            }
            seen.push(print);
            out.push((score, doc, Vec::new()));
        }
        Ok(out)
    }

    /// The stored article with this key.
    pub fn article(&self, key: &str) -> Result<Article> {
        let searcher = self.searcher();
        let q = TermQuery::new(
            Term::from_field_text(self.schema.key, key),
            IndexRecordOption::Basic,
        );
        let top = searcher.search(&q, &TopDocs::with_limit(1).order_by_score())?;
        let (_, addr) = top
            .first()
            .ok_or_else(|| Error::NotFound(key.to_string()))?;
        let doc: TantivyDocument = searcher.doc(*addr)?;
        Ok(self.schema.to_article(&doc))
    }

    /// Archive-wide counts.
    pub fn stats(&self) -> Result<Stats> {
        let searcher = self.searcher();
        let (c, documents) = searcher.search(&AllQuery, &(facets::FacetCollector, Count))?;
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

    /// Every stored article, ordered by key.
    pub fn export(&self, sink: &mut dyn FnMut(&Article) -> Result<()>) -> Result<()> {
        let searcher = self.searcher();
        let mut addrs: Vec<(String, DocAddress)> = Vec::new();
        let mut buf = String::new();
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            let Some(keys) = segment.fast_fields().str("key")? else {
                continue;
            };
            let alive = segment.alive_bitset();
            for doc in 0..segment.max_doc() {
                if alive.is_some_and(|a| !a.is_alive(doc)) {
                    continue;
                }
                if let Some(o) = keys.term_ords(doc).next() {
                    buf.clear();
                    keys.ord_to_str(o, &mut buf)
                        .map_err(|e| Error::Index(e.to_string()))?;
                    addrs.push((buf.clone(), DocAddress::new(ord as u32, doc)));
                }
            }
        }
        addrs.sort();
        for (_, addr) in addrs {
            let doc: TantivyDocument = searcher.doc(addr)?;
            sink(&self.schema.to_article(&doc))?;
        }
        Ok(())
    }

    /// Close spellings from the index's own terms, for zero-hit queries.
    pub fn index_dir(&self) -> &Path {
        &self.dir
    }
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

/// Distinct values helper used by tests and the CLI.
pub fn distinct<T: Eq + std::hash::Hash + Clone>(items: &[T]) -> Vec<T> {
    let mut seen = HashSet::new();
    items
        .iter()
        .filter(|i| seen.insert((*i).clone()))
        .cloned()
        .collect()
}
