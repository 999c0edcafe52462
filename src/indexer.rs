//! The only writer. Opens or creates the index directory (checking the schema
//! version), holds tantivy's writer lock for the whole ingest, reads the
//! manifest of already-indexed files back from the index's own fast fields,
//! and applies deletes and adds in batched commits.
//!
//! Why the manifest lives in the index: it is then committed atomically with
//! the documents it describes, so a crash between "wrote articles" and
//! "updated manifest" cannot happen. Reading it needs only fast-field columns,
//! never the stored bodies, so a no-op re-ingest of a large archive is quick.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use tantivy::directory::error::LockError;
use tantivy::index::SegmentId;
use tantivy::merge_policy::LogMergePolicy;
use tantivy::{Index, IndexSettings, IndexWriter, ReloadPolicy, Searcher, TantivyError, Term};

use crate::article::Article;
use crate::directory::SyncAtCommit;
use crate::error::{Error, Result};
use crate::schema::{ArticleDoc, NewsSchema, SCHEMA_VERSION};
use crate::search::facets::{
    PrintSet, SHARED_PRINTS_FILE, SHARED_PRINTS_TMP, SharedPrints, first_flags,
};

/// File written beside tantivy's own files, naming the schema version.
pub const VERSION_FILE: &str = "newsidx.json";

/// Default memory budget of the index writer, shared by its threads.
pub const DEFAULT_WRITER_BYTES: usize = 200_000_000;

/// What the index knows about one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StoredFile {
    /// Modification time (ns) when it was indexed.
    pub modified: i64,
    /// Size in bytes when it was indexed.
    pub size: u64,
    /// Number of articles stored from it.
    pub articles: usize,
}

/// The already-indexed state of the source files.
#[derive(Debug, Default)]
pub struct Manifest {
    /// Source files by path.
    pub files: HashMap<String, StoredFile>,
}

/// An article already turned into an index document, so the expensive
/// conversion runs before tantivy's indexing thread (on ingest's workers,
/// or on the thread feeding the writer: `ingest::DocsOn`), which only
/// moves it in.
#[cfg_attr(test, derive(Debug, PartialEq))]
pub struct Prepared(ArticleDoc);

impl Prepared {
    /// Convert `article` from a file with the given modification time and size.
    pub fn new(schema: &NewsSchema, article: &Article, modified: i64, size: u64) -> Prepared {
        Prepared(schema.document(article, modified, size))
    }
}

/// The index, opened for writing.
pub struct Indexer {
    dir: PathBuf,
    index: Index,
    writer: IndexWriter<ArticleDoc>,
    schema: NewsSchema,
    pending: usize,
    /// Documents added by this run, committed or not.
    added: usize,
    /// The segments the index had when it was opened: tantivy never adds
    /// to a segment, so whatever is alive in one of them at the end was
    /// kept, not added (see [`count_duplicates`]).
    before: HashSet<SegmentId>,
}

/// Open an existing index for reading, or explain why not.
pub fn open_index(dir: &Path) -> Result<(Index, NewsSchema)> {
    if !dir.join("meta.json").exists() {
        return Err(Error::NoIndex(dir.to_path_buf()));
    }
    check_version(dir)?;
    let index = Index::open_in_dir(dir)?;
    NewsSchema::register(&index);
    let schema = NewsSchema::new();
    Ok((index, schema))
}

fn lock_error(dir: &Path, e: TantivyError) -> Error {
    match e {
        TantivyError::LockFailure(LockError::LockBusy, _) => Error::Locked(dir.to_path_buf()),
        other => Error::from(other),
    }
}

fn check_version(dir: &Path) -> Result<()> {
    let found = std::fs::read_to_string(dir.join(VERSION_FILE))
        .ok()
        .and_then(|s| serde_json::from_str::<serde_json::Value>(&s).ok())
        .and_then(|v| v.get("schema_version").and_then(|n| n.as_u64()));
    match found {
        Some(v) if v == u64::from(SCHEMA_VERSION) => Ok(()),
        other => Err(Error::SchemaVersion {
            path: dir.to_path_buf(),
            found: other.map_or_else(|| "unknown".to_string(), |v| v.to_string()),
            expected: SCHEMA_VERSION,
        }),
    }
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |error| Error::Io {
        path: path.to_path_buf(),
        error,
    }
}

impl Indexer {
    /// Open the index at `dir` for writing, creating it if needed. With
    /// `rebuild`, an existing newsidx index (of any version) is replaced.
    pub fn open(dir: &Path, rebuild: bool, writer_bytes: usize) -> Result<Indexer> {
        Indexer::open_as(dir, rebuild, writer_bytes, false)
    }

    /// [`Indexer::open`] for an ingest that found no index (no `meta.json`
    /// when it looked) or rebuilds it, and so began reading files before
    /// opening it, on the understanding that nothing is indexed yet. If
    /// another ingest has created the index since, that is an error: its
    /// files would otherwise be added a second time.
    pub fn open_new(dir: &Path, rebuild: bool, writer_bytes: usize) -> Result<Indexer> {
        Indexer::open_as(dir, rebuild, writer_bytes, true)
    }

    fn open_as(dir: &Path, rebuild: bool, writer_bytes: usize, new: bool) -> Result<Indexer> {
        std::fs::create_dir_all(dir).map_err(io_err(dir))?;
        let has_index = dir.join("meta.json").exists();
        if has_index && new && !rebuild {
            return Err(Error::Index(format!(
                "another ingest created an index in {} while this one started; run it again",
                dir.display()
            )));
        }
        if has_index && rebuild {
            // Hold the old index's writer lock while clearing, so a rebuild
            // never pulls files from under a running ingest.
            let old = Index::open_in_dir(dir)?;
            let guard: IndexWriter = old.writer(15_000_000).map_err(|e| lock_error(dir, e))?;
            clear_index_dir(dir)?;
            drop(guard);
        } else if !has_index {
            let foreign = std::fs::read_dir(dir)
                .map_err(io_err(dir))?
                .filter_map(|e| e.ok())
                .any(|e| {
                    e.file_name() != VERSION_FILE
                        && !e.file_name().to_string_lossy().starts_with('.')
                });
            if foreign {
                return Err(Error::Index(format!(
                    "{} is not empty and holds no newsidx index; refusing to write there",
                    dir.display()
                )));
            }
        }
        let schema = NewsSchema::new();
        // Segment files are synced at each commit, not as each is written
        // (see `crate::directory`).
        let folder = SyncAtCommit::open(dir)?;
        let index = if dir.join("meta.json").exists() {
            check_version(dir)?;
            Index::open(folder)?
        } else {
            let index = Index::create(folder, schema.schema.clone(), IndexSettings::default())?;
            let version = serde_json::json!({ "schema_version": SCHEMA_VERSION });
            let path = dir.join(VERSION_FILE);
            std::fs::write(&path, version.to_string()).map_err(io_err(&path))?;
            index
        };
        NewsSchema::register(&index);
        let threads = writer_threads(writer_bytes);
        let writer: IndexWriter<ArticleDoc> = index
            .writer_with_num_threads(threads, writer_bytes)
            .map_err(|e| lock_error(dir, e))?;
        writer.set_merge_policy(Box::new(merge_policy()));
        let before = index.searchable_segment_ids()?.into_iter().collect();
        Ok(Indexer {
            dir: dir.to_path_buf(),
            index,
            writer,
            schema,
            pending: 0,
            added: 0,
            before,
        })
    }

    fn manifest_searcher(&self) -> Result<Searcher> {
        committed_searcher(&self.index)
    }

    /// Read what is already indexed, from fast fields only.
    ///
    /// Cost matters here: a no-op re-ingest of a 1 GB archive is this plus a
    /// stat per file. Each segment's paths are collected as term ordinals
    /// first and each distinct ordinal is turned into a string once, so a
    /// 1,000-record `.sgm` file costs one string, not a thousand.
    pub fn manifest(&self) -> Result<Manifest> {
        let searcher = self.manifest_searcher()?;
        let mut manifest = Manifest::default();
        let mut buf = String::new();
        for segment in searcher.segment_readers() {
            let ff = segment.fast_fields();
            let Some(paths) = ff.str("path")? else {
                continue;
            };
            let modified = ff.i64("modified")?;
            let sizes = ff.u64("size")?;
            let alive = segment.alive_bitset();
            // ord -> (modified, size, live articles) for this segment.
            let mut by_ord: HashMap<u64, StoredFile> = HashMap::new();
            for doc in 0..segment.max_doc() {
                if alive.is_some_and(|a| !a.is_alive(doc)) {
                    continue;
                }
                if let Some(ord) = paths.term_ords(doc).next() {
                    let entry = by_ord.entry(ord).or_insert_with(|| StoredFile {
                        modified: modified.first(doc).unwrap_or(0),
                        size: sizes.first(doc).unwrap_or(0),
                        articles: 0,
                    });
                    entry.articles += 1;
                }
            }
            // Ascending ordinals walk the term dictionary front to back.
            let mut by_ord: Vec<(u64, StoredFile)> = by_ord.into_iter().collect();
            by_ord.sort_unstable_by_key(|&(ord, _)| ord);
            for (ord, stored) in by_ord {
                buf.clear();
                paths
                    .ord_to_str(ord, &mut buf)
                    .map_err(|e| Error::Index(e.to_string()))?;
                // tantivy's indexing threads share one queue, so the records
                // of one file can land in several segments: add them up.
                let entry = manifest.files.entry(buf.clone()).or_insert(StoredFile {
                    articles: 0,
                    ..stored
                });
                entry.articles += stored.articles;
            }
        }
        Ok(manifest)
    }

    /// Delete every article of a source file (all its records).
    pub fn delete_file(&mut self, path: &str) {
        self.writer
            .delete_term(Term::from_field_text(self.schema.path, path));
        self.pending += 1;
    }

    /// Add a document prepared by [`Prepared::new`].
    pub fn add_prepared(&mut self, doc: Prepared) -> Result<()> {
        self.writer
            .add_document(doc.0)
            .map_err(|e| write_error(&self.dir, e))?;
        self.pending += 1;
        self.added += 1;
        Ok(())
    }

    /// Operations since the last commit.
    pub fn pending(&self) -> usize {
        self.pending
    }

    /// Make everything so far durable and visible to searchers, atomically.
    pub fn commit(&mut self) -> Result<()> {
        if self.pending > 0 {
            self.writer
                .commit()
                .map_err(|e| write_error(&self.dir, e))?;
            self.pending = 0;
        }
        Ok(())
    }

    /// Commit, then wait for background merges so the directory is tidy,
    /// count the run's duplicates (see [`count_duplicates`]; `manifest` is
    /// what the index held when the run began), and save which documents
    /// can be exact copies for searches to come (see [`SharedPrints::save`]).
    pub fn finish(mut self, manifest: &Manifest) -> Result<Finished> {
        self.commit()?;
        self.writer
            .wait_merging_threads()
            .map_err(|e| write_error(&self.dir, e))?;
        // One searcher over the commit for both what follows (opening one
        // reads every segment's footers and term dictionaries).
        let searcher = committed_searcher(&self.index)?;
        // Counted now, with the writer and its budget gone, rather than
        // with a set of every print met kept through the run (38 MB at 3.3
        // million articles, on top of the writer's peak).
        let duplicates = if self.added == 0 {
            0
        } else {
            count_duplicates(&searcher, &self.before, manifest)?
        };
        // Only a speed-up: a search without the file (or with a stale one,
        // which it recognises) reads the prints itself, so failing to
        // write it must not fail an ingest that is already committed.
        let _ = save_shared_prints(&searcher, &self.dir);
        Ok(Finished { duplicates })
    }
}

/// A searcher over the index's last commit.
fn committed_searcher(index: &Index) -> Result<Searcher> {
    let reader: tantivy::IndexReader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?;
    Ok(reader.searcher())
}

/// What [`Indexer::finish`] found once everything was committed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Finished {
    /// Articles added by the run whose body print another live article
    /// shares: one kept from before, or one added earlier in the run.
    pub duplicates: usize,
}

/// Count the live articles added by this run whose body print (`print64`)
/// another live article already has: one kept from before the run, or
/// another added one (all but the first of equal added prints count).
///
/// Which articles were added is read back from the committed index, not
/// tracked while feeding: an article is kept when its segment is one of
/// `before` (the segments when the run began; tantivy never adds to a
/// segment), or, in a segment written or merged since, when its file's
/// modification time and size are those `manifest` recorded (an updated
/// file's new articles carry the new ones; its old ones are deleted, so
/// an unchanged article of an updated file is not its own copy).
/// Only the added prints are held, kept ones are streamed past them.
fn count_duplicates(
    searcher: &Searcher,
    before: &HashSet<SegmentId>,
    manifest: &Manifest,
) -> Result<usize> {
    let mut added: Vec<u64> = Vec::new();
    // Kept articles in segments written or merged during the run.
    let mut kept: Vec<u64> = Vec::new();
    let mut old_segments = Vec::new();
    let mut buf = String::new();
    for segment in searcher.segment_readers() {
        if before.contains(&segment.segment_id()) {
            old_segments.push(segment);
            continue;
        }
        let ff = segment.fast_fields();
        let prints = ff.u64("print64")?;
        let live = segment
            .doc_ids_alive()
            .filter_map(|d| Some((d, prints.first(d)?)));
        let paths = ff.str("path")?;
        let Some(paths) = paths.filter(|_| !manifest.files.is_empty()) else {
            // Nothing was indexed before the run: every article is added.
            added.extend(live.map(|(_, print)| print));
            continue;
        };
        let (modified, sizes) = (ff.i64("modified")?, ff.u64("size")?);
        // Kept or not, by path ordinal: a file's live articles share
        // their time and size, and a path is read out once a segment.
        let mut by_ord: HashMap<u64, bool> = HashMap::new();
        for (doc, print) in live {
            let Some(ord) = paths.term_ords(doc).next() else {
                added.push(print);
                continue;
            };
            let was_kept = match by_ord.get(&ord) {
                Some(&k) => k,
                None => {
                    buf.clear();
                    paths
                        .ord_to_str(ord, &mut buf)
                        .map_err(|e| Error::Index(e.to_string()))?;
                    let k = manifest.files.get(buf.as_str()).is_some_and(|f| {
                        modified.first(doc) == Some(f.modified) && sizes.first(doc) == Some(f.size)
                    });
                    by_ord.insert(ord, k);
                    k
                }
            };
            if was_kept {
                kept.push(print);
            } else {
                added.push(print);
            }
        }
    }
    let firsts = first_flags(&added);
    let repeats = firsts.iter().filter(|first| !**first).count();
    if kept.is_empty() && old_segments.is_empty() {
        return Ok(repeats);
    }
    // The distinct added prints, then those a kept article also has.
    let distinct: PrintSet = added
        .iter()
        .zip(&firsts)
        .filter(|(_, first)| **first)
        .map(|(&p, _)| p)
        .collect();
    drop((added, firsts));
    let mut met = PrintSet::default();
    let mut meet = |p: u64| {
        if distinct.contains(&p) {
            met.insert(p);
        }
    };
    kept.into_iter().for_each(&mut meet);
    for segment in old_segments {
        let prints = segment.fast_fields().u64("print64")?;
        segment
            .doc_ids_alive()
            .filter_map(|d| prints.first(d))
            .for_each(&mut meet);
    }
    Ok(repeats + met.len())
}

/// Indexing threads of the writer: about two for every five cores, at least
/// one, and never so many that a thread's share of the budget falls under
/// tantivy's minimum.
///
/// Why not tantivy's default of one per core: tantivy's own work is about
/// a third of an ingest's CPU (the rest is decoding, cleaning, extraction
/// and analysis on the worker pool), so that many threads keep up; and each thread fills
/// its own segment with its share of the budget. On 2 cores one thread
/// instead of two halves the segment count (14 -> 4 on the 1 GB bench
/// corpus), and every search pays per segment: opening its term
/// dictionaries, reading its footers, setting up its scorers. Not even for
/// a small ingest, whose one segment is written on one core at the end
/// (70 ms of a 5 MB run's 0.35 s): two threads shorten that tail by a
/// third, but their second term table and segment cost more CPU than the
/// tail saves, on a busy host and on a quieter one (docs/BENCHMARKS.md,
/// "Tried and dropped"; the runs in docs/bench-log.md).
pub(crate) fn writer_threads(writer_bytes: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let by_budget = writer_bytes / TANTIVY_MIN_THREAD_BYTES;
    // A big budget needs enough threads that no share reaches tantivy's
    // per-thread maximum (about 4.3 GB).
    let needed = writer_bytes / TANTIVY_MAX_THREAD_BYTES + 1;
    (cores * 2)
        .div_ceil(5)
        .max(needed)
        .min(by_budget)
        .clamp(1, 8)
}

/// tantivy's smallest budget per indexing thread (its
/// `MEMORY_BUDGET_NUM_BYTES_MIN`, which it does not export).
const TANTIVY_MIN_THREAD_BYTES: usize = 15_000_000;

/// tantivy's per-thread budget must stay under this (its
/// `MEMORY_BUDGET_NUM_BYTES_MAX`, not exported either).
const TANTIVY_MAX_THREAD_BYTES: usize = u32::MAX as usize - 1_000_000;

/// Segments with at least this many documents are never merged again.
const MAX_DOCS_MERGED: usize = 50_000;

/// tantivy's log merge policy, except that big segments are final. With the
/// default, ingesting the 1 GB bench corpus ended with one merge rewriting
/// the whole index: +40% wall time, and the merge's reads of the mapped
/// segments pushed peak RSS from ~250 MB to 1.2 GB. A segment of 50,000
/// articles is ~70 MB of news, which a query crosses in microseconds; the
/// small segments of incremental runs still merge into such sizes. So a 1 GB
/// archive stays around ten segments, and an archive far bigger is the
/// point to move (docs/SCALING.md).
fn merge_policy() -> LogMergePolicy {
    let mut p = LogMergePolicy::default();
    p.set_max_docs_before_merge(MAX_DOCS_MERGED);
    p
}

/// A failed index write, said so the user knows what to check and that
/// nothing was lost. tantivy often reports a full disk only as "an index
/// writer was killed" (the io::Error dies in its worker thread), so the
/// likely causes are named here; the commit protocol (new segment files
/// first, `meta.json` replaced atomically last) guarantees the last commit
/// is intact.
fn write_error(dir: &Path, e: TantivyError) -> Error {
    if let TantivyError::LockFailure(..) = e {
        return lock_error(dir, e);
    }
    Error::Index(format!(
        "cannot write the index at {} ({e}); the disk may be full or the folder not writable. \
         The index still holds its last commit: make room and run ingest again",
        dir.display()
    ))
}

/// Build the shared-prints set of the index's current segments and save
/// it beside them; reading every document's print takes tens of ms on a
/// million articles.
fn save_shared_prints(searcher: &Searcher, dir: &Path) -> tantivy::Result<()> {
    if SharedPrints::load(dir, searcher).is_some() {
        // Nothing changed since it was saved (a re-ingest with nothing to do).
        return Ok(());
    }
    SharedPrints::build(searcher)?.save(searcher, dir)?;
    Ok(())
}

/// Remove a newsidx index's files (only files tantivy or newsidx wrote).
fn clear_index_dir(dir: &Path) -> Result<()> {
    let entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io_err(dir))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    for path in entries {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let ours = name == "meta.json"
            || name == VERSION_FILE
            // The saved print set, and its temporary file if a crash
            // came mid-write.
            || name == SHARED_PRINTS_FILE
            || name == SHARED_PRINTS_TMP
            || name == ".managed.json"
            || is_segment_file(name);
        if ours && path.is_file() {
            std::fs::remove_file(&path).map_err(io_err(&path))?;
        }
    }
    Ok(())
}

/// tantivy segment files are `<32 hex>.<ext>`.
fn is_segment_file(name: &str) -> bool {
    name.split_once('.')
        .is_some_and(|(stem, _)| stem.len() == 32 && stem.chars().all(|c| c.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// However many cores: at least one thread, at most eight, and never a
    /// thread with less than tantivy's minimum share of the budget.
    #[test]
    fn writer_threads_respect_the_budget() {
        assert_eq!(writer_threads(TANTIVY_MIN_THREAD_BYTES), 1);
        assert_eq!(writer_threads(1), 1, "tantivy reports a too small budget");
        let n = writer_threads(DEFAULT_WRITER_BYTES);
        assert!((1..=8).contains(&n));
        assert!(DEFAULT_WRITER_BYTES / n >= TANTIVY_MIN_THREAD_BYTES);
        let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
        assert!(n <= cores.max(1), "fewer threads than cores, not more");
        // `ingest --memory 5000`: no thread's share may reach tantivy's cap.
        let big = 5_000_000_000;
        assert!(big / writer_threads(big) < TANTIVY_MAX_THREAD_BYTES);
    }

    /// An ingest that found no index starts reading before it creates one;
    /// if another ingest created it meanwhile, adding everything to it
    /// would index those files twice, so opening it as new is refused. A
    /// rebuild replaces it, as it would have anyway.
    #[test]
    fn an_index_made_meanwhile_is_not_taken_for_a_new_one() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("idx");
        let fresh = Indexer::open_new(&path, false, TANTIVY_MIN_THREAD_BYTES * 2)
            .expect("a new index is created");
        fresh.finish(&Manifest::default()).expect("commit");
        let again = Indexer::open_new(&path, false, TANTIVY_MIN_THREAD_BYTES * 2);
        let message = again.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(
            message.contains("another ingest created an index"),
            "{message}"
        );
        assert!(Indexer::open_new(&path, true, TANTIVY_MIN_THREAD_BYTES * 2).is_ok());
        assert!(Indexer::open(&path, false, TANTIVY_MIN_THREAD_BYTES * 2).is_ok());
    }
}
