//! The one place the stages join: walk -> (per group of neighbouring
//! files, in parallel on the rayon pool; see [`groups`]) read -> decode ->
//! parse -> clean -> extract -> [`Article`]s
//! -> index documents -> (a channel bounded in bytes, files in batches) -> the
//! single [`Indexer`], whose tantivy writer indexes on its own threads and
//! commits in batches. Decides what is new, changed, unchanged or vanished
//! by comparing the walk with the index's manifest (size and mtime, so
//! unchanged files are never read), and collects every skipped file with
//! its reason. Once a read goes to the disk, files not in the page cache
//! are asked for ahead of the workers ([`crate::readahead`]).
//!
//! It never prints: progress goes to the caller's callback, the outcome is a
//! [`Summary`].

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};

use rayon::prelude::*;
use serde::Serialize;

use crate::article::{Article, Draft, Format};
use crate::clean;
use crate::decode;
use crate::error::Result;
use crate::extract::{self, Origin};
use crate::indexer::{self, DEFAULT_WRITER_BYTES, Indexer, Manifest, Prepared};
use crate::parse::{self, ndjson};
use crate::readahead;
use crate::schema::NewsSchema;
use crate::walk::{self, Skipped, SourceFile};

/// Default cap on one file's size: larger files are skipped, not read.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 50 * 1024 * 1024;

/// Settings of one ingest run.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    /// Files larger than this are skipped with a reason.
    pub max_file_bytes: u64,
    /// Source name for articles whose source cannot be found.
    pub default_source: Option<String>,
    /// Replace an existing index (e.g. after a schema change).
    pub rebuild: bool,
    /// Commit after this many added articles (bounds the work a crash can lose).
    pub commit_every: usize,
    /// Also commit after this many bytes of source files were added.
    pub commit_bytes: u64,
    /// Memory budget of the index writer.
    pub writer_bytes: usize,
    /// NDJSON files bigger than this are streamed ([`DEFAULT_STREAM_BYTES`]).
    pub stream_bytes: u64,
    /// Record text per part of a streamed file ([`DEFAULT_STREAM_PART_BYTES`]).
    pub stream_part_bytes: usize,
    /// Source bytes on their way to the writer at once ([`IN_FLIGHT_BYTES`]).
    pub in_flight_bytes: u64,
}

/// Articles between commits unless `NEWSIDX_COMMIT_EVERY` says otherwise.
/// In practice [`DEFAULT_COMMIT_BYTES`] binds first; this caps commits of
/// very short articles.
pub const DEFAULT_COMMIT_EVERY: usize = 500_000;

/// Source bytes between commits. A commit flushes every indexing thread's
/// segment, so committing more often than the writer's budget fills makes
/// many small segments that background merges then rewrite: with a commit
/// every 50,000 articles, the 1 GB bench corpus ended in ~30 segments and
/// merges that read them back (CPU, and ~250 MB of mapped segment pages on
/// top of the budget). 256 MB of source is about one budget's worth of
/// segments and, at the measured rate, under a minute of work lost to a crash.
pub const DEFAULT_COMMIT_BYTES: u64 = 256 * 1024 * 1024;

/// Environment variable overriding [`DEFAULT_COMMIT_EVERY`] (a positive
/// integer). The crash tests use it to get many commits from a small corpus;
/// it is read here rather than as a CLI flag because it is a tuning knob,
/// not something a user should need.
pub const COMMIT_EVERY_ENV: &str = "NEWSIDX_COMMIT_EVERY";

/// Environment variable overriding [`DEFAULT_STREAM_PART_BYTES`] (a
/// positive integer), for the same reason: the crash tests cut a small dump
/// into many parts.
pub const STREAM_PART_BYTES_ENV: &str = "NEWSIDX_STREAM_PART_BYTES";

/// A positive integer from the environment variable `name`, else `default`.
fn from_env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or(default)
}

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions {
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
            default_source: None,
            rebuild: false,
            commit_every: from_env(COMMIT_EVERY_ENV, DEFAULT_COMMIT_EVERY),
            commit_bytes: DEFAULT_COMMIT_BYTES,
            writer_bytes: DEFAULT_WRITER_BYTES,
            stream_bytes: DEFAULT_STREAM_BYTES,
            stream_part_bytes: from_env(STREAM_PART_BYTES_ENV, DEFAULT_STREAM_PART_BYTES),
            in_flight_bytes: IN_FLIGHT_BYTES,
        }
    }
}

/// What one ingest run did, counted in articles.
#[derive(Debug, Default, Clone, Serialize, PartialEq, Eq)]
pub struct Summary {
    /// Articles from files not indexed before.
    pub new: usize,
    /// Articles from files that changed since they were indexed.
    pub updated: usize,
    /// Articles from files that did not change.
    pub unchanged: usize,
    /// Articles removed because their file vanished.
    pub removed: usize,
    /// New or updated articles whose body already exists under another key.
    pub duplicates: usize,
    /// Files and records that were not indexed, with reasons.
    pub skipped: Vec<Skipped>,
}

/// Progress events for a progress bar, in source bytes: files differ in
/// size by orders of magnitude, and a streamed dump reports as it goes.
#[derive(Debug, Clone, Copy)]
pub enum Progress {
    /// The walk is done: this many bytes of files need reading.
    Planned(u64),
    /// This many more bytes were processed (a whole file, or a part of a
    /// streamed one).
    Done(u64),
}

/// Messages waiting for the writer: a finished file, a batch of small ones
/// ([`BATCH_BYTES`]) or a part of a streamed file. Not what binds:
/// [`IN_FLIGHT_BYTES`] does. A count bound of 2 stalled both workers for
/// about a second at every commit, because a commit blocks the feeder while
/// tantivy's indexing thread writes out its segment and two small BBC files
/// are only milliseconds of work; bounded by bytes alone, the workers go on
/// cleaning into the room left and the writer catches up after (measured on
/// the 1 GB corpus: 189% CPU instead of 183%, 6 points more of bare
/// tantivy's throughput, peak RSS 290-300 -> 347-359 MB). Each slot of the
/// channel is preallocated, so this is a count, not a size: about 0.5 MB.
const WAITING_FILES: usize = 4096;

/// Source bytes of the files (or streamed parts) being read, cleaned,
/// waiting or fed at once. A file takes about 3.7 times its size in memory
/// on its way to the writer (text, articles, documents): six 40 MB NDJSON
/// dumps peaked at 711 MB with the writer's 200 MB budget when only the
/// file count was bounded. Small files never reach this; a file bigger
/// than it is processed alone.
pub const IN_FLIGHT_BYTES: u64 = 32 * 1024 * 1024;

/// Problems listed per file; past this they are only counted. A 2 GB file
/// of malformed lines (a CSV named `.jsonl`) would otherwise fill memory
/// and the terminal with millions of reasons nobody reads.
const PROBLEMS_PER_FILE: usize = 1000;

/// Problems listed in one run, whatever the files; past this each file's
/// are only counted, in one line per file. For the same reason as
/// [`PROBLEMS_PER_FILE`], across files: the 4 GB bench corpus has 104,654
/// Reuters records with neither title nor body, 33 a file, and listing
/// each took about 17 MB by the end of the run (its share of a peak over
/// the memory bound) and as many lines on the terminal.
pub const PROBLEMS_LISTED: usize = 10_000;

/// NDJSON files bigger than this (or than the per-file cap) are streamed:
/// read line by line on their own thread, their records cleaned and
/// extracted in parts of [`DEFAULT_STREAM_PART_BYTES`] on the whole pool, and
/// handed to the writer part by part. A dump of any size then holds a few
/// parts in memory instead of 3.7 times its size (six 40 MB dumps peaked
/// at 560 MB when each went through whole), so the per-file cap does not
/// apply to them: it bounds each line instead.
pub const DEFAULT_STREAM_BYTES: u64 = 8 * 1024 * 1024;

/// Record text (bodies and titles) per part of a streamed file: about
/// 1,000 articles, enough to keep both cores busy on one part.
pub const DEFAULT_STREAM_PART_BYTES: usize = 2 * 1024 * 1024;

fn is_streamed(file: &SourceFile, opts: &IngestOptions) -> bool {
    parse::format_of(&file.path) == Format::Ndjson
        && (file.size > opts.stream_bytes || file.size > opts.max_file_bytes)
}

/// The bytes of [`IN_FLIGHT_BYTES`] in use, shared by the workers (which
/// take before reading a file) and the writer's feeder (which gives back
/// once the file's documents are in the writer).
struct InFlight {
    state: Mutex<(u64, bool)>,
    changed: Condvar,
    cap: u64,
    /// Takers waiting for room right now. While one waits, a worker hands
    /// its batch over with every file it finishes ([`Handoff::hold`]), so
    /// no room stays held by a batch that nobody will send.
    waiting: AtomicUsize,
}

impl InFlight {
    fn new(cap: u64) -> InFlight {
        InFlight {
            state: Mutex::new((0, false)),
            changed: Condvar::new(),
            cap,
            waiting: AtomicUsize::new(0),
        }
    }

    /// Wait until `bytes` more fit (or nothing is in flight), then count
    /// them; false once the feeder has stopped. Before waiting it calls
    /// `before_wait` (which hands the held batches over: the room they
    /// hold only comes back once they are fed).
    fn take(&self, bytes: u64, before_wait: impl FnOnce()) -> bool {
        let must_wait = |s: &(u64, bool)| !s.1 && s.0 > 0 && s.0 + bytes > self.cap;
        let Ok(mut s) = self.state.lock() else {
            return false;
        };
        if must_wait(&s) {
            // Counted before the batches are handed over: a worker that
            // holds a file after that sees the count and sends it itself.
            self.waiting.fetch_add(1, Ordering::SeqCst);
            drop(s);
            before_wait();
            let waited = self.state.lock().and_then(|mut s| {
                while must_wait(&s) {
                    s = self.changed.wait(s)?;
                }
                Ok(s)
            });
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            s = match waited {
                Ok(s) => s,
                Err(_) => return false,
            };
        }
        s.0 += bytes;
        !s.1
    }

    /// Whether a taker is waiting for room.
    fn someone_waits(&self) -> bool {
        self.waiting.load(Ordering::SeqCst) > 0
    }

    fn give(&self, bytes: u64) {
        if let Ok(mut s) = self.state.lock() {
            s.0 = s.0.saturating_sub(bytes);
            self.changed.notify_all();
        }
    }

    /// The feeder is done (finished or failed): wake every waiting worker.
    fn close(&self) {
        if let Ok(mut s) = self.state.lock() {
            s.1 = true;
            self.changed.notify_all();
        }
    }
}

/// What a file counts against [`IN_FLIGHT_BYTES`]: its size, or nothing
/// for one too large to be read at all.
fn weight(file: &SourceFile, opts: &IngestOptions) -> u64 {
    if file.size > opts.max_file_bytes {
        0
    } else {
        file.size
    }
}

/// Gives a file's bytes back to [`InFlight`] once the feeder is done with it.
struct GiveOnDrop<'a>(&'a InFlight, u64);

impl Drop for GiveOnDrop<'_> {
    fn drop(&mut self) {
        self.0.give(self.1);
    }
}

/// Closes [`InFlight`] when the feeder leaves, on any path.
struct CloseOnDrop<'a>(&'a InFlight);

impl Drop for CloseOnDrop<'_> {
    fn drop(&mut self) {
        self.0.close();
    }
}

/// Source bytes of finished files a worker holds back before it hands
/// them to the feeder at once.
///
/// Why: a BBC-sized file is a few milliseconds of work, and handing each
/// over alone woke the feeder (at normal priority) once per file, which
/// preempted a worker each time: on four replicas of the bench corpus
/// (9,000 files) the process switched threads 42,000 times against bare
/// tantivy's 15,000, and in batches of 128 KB 16,000-17,000 times. Three
/// alternating runs on the 1 GB corpus: 34.6 / 40.2 / 36.6 s against
/// 38.9 / 40.9 / 38.6 s, CPU 66-77 s against 74-79 s. A Reuters file (1.3
/// MB) still goes alone, and memory is unchanged: the held files count
/// against [`IN_FLIGHT_BYTES`] as before.
const BATCH_BYTES: u64 = 128 * 1024;

/// What is on its way from the workers to the feeder: the room in flight
/// ([`IN_FLIGHT_BYTES`]), and the files each worker holds back (see
/// [`BATCH_BYTES`]), one slot per thread of the pool.
struct Handoff<'a> {
    room: InFlight,
    slots: Vec<Mutex<Batch<'a>>>,
}

#[derive(Default)]
struct Batch<'a> {
    parts: Vec<Ready<'a>>,
    bytes: u64,
}

type PartSender<'a> = std::sync::mpsc::SyncSender<Vec<Ready<'a>>>;

impl<'a> Handoff<'a> {
    fn new(threads: usize, room: u64) -> Handoff<'a> {
        Handoff {
            room: InFlight::new(room),
            slots: (0..threads).map(|_| Mutex::default()).collect(),
        }
    }

    /// Take room for `bytes` ([`InFlight::take`]), handing the held files
    /// over before waiting for it.
    fn take(&self, bytes: u64, tx: &PartSender<'a>) -> bool {
        self.room.take(bytes, || {
            let _ = self.flush(tx);
        })
    }

    /// Hold `part` in the calling worker's batch, and send the batch once
    /// it reaches [`BATCH_BYTES`] or someone waits for room in flight.
    /// `Err` once the feeder has stopped.
    fn hold(&self, part: Ready<'a>, tx: &PartSender<'a>) -> std::result::Result<(), ()> {
        let slot = rayon::current_thread_index().and_then(|i| self.slots.get(i));
        let Some(Ok(mut batch)) = slot.map(Mutex::lock) else {
            // Not on a pool thread (or a poisoned slot): no holding back.
            return tx.send(vec![part]).map_err(|_| ());
        };
        batch.bytes += part.bytes;
        batch.parts.push(part);
        // Asked with the slot still locked: a taker that starts waiting
        // after this either sees the part in the slot when it hands the
        // batches over, or was already counted here.
        if batch.bytes < BATCH_BYTES && !self.room.someone_waits() {
            return Ok(());
        }
        let parts = std::mem::take(&mut *batch);
        drop(batch);
        tx.send(parts.parts).map_err(|_| ())
    }

    /// Send every held batch: at the end, and before anyone waits for room.
    fn flush(&self, tx: &PartSender<'a>) -> std::result::Result<(), ()> {
        for slot in &self.slots {
            let parts = match slot.lock() {
                Ok(mut batch) => std::mem::take(&mut *batch).parts,
                Err(_) => continue,
            };
            if !parts.is_empty() {
                tx.send(parts).map_err(|_| ())?;
            }
        }
        Ok(())
    }
}

/// Index `roots` into the index at `index_dir`.
pub fn ingest(
    index_dir: &Path,
    roots: &[PathBuf],
    opts: &IngestOptions,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<Summary> {
    let roots: Vec<PathBuf> = roots
        .iter()
        .map(|r| std::fs::canonicalize(r).unwrap_or_else(|_| r.clone()))
        .collect();
    // The walk (a stat per file) runs beside opening the index (creating
    // one syncs its first files) and reading its manifest (every indexed
    // file's size and mtime): one after the other, the walk and the
    // manifest were each about a third of a no-op re-ingest. The walk has
    // a thread of its own, not a scoped one, so a locked or outdated index
    // is reported at once, whatever the walk still has to stat.
    let walking = {
        let roots = roots.clone();
        std::thread::Builder::new()
            .name("newsidx-walk".into())
            .spawn(move || walk::walk(&roots))
            .map_err(|e| crate::error::Error::Workers(e.to_string()))?
    };
    // A new index, or one being rebuilt, holds nothing yet: its manifest
    // is empty without opening it, so the workers start on the files as
    // soon as the walk is done, and the index is created on a thread of
    // its own from the start, beside the walk. Creating it syncs its first
    // files and starting tantivy's writer allocates and spawns its
    // threads, about 10-15 ms of a 5 MB ingest's first 20 in which no file
    // was read; the walk leaves a core idle, and created after the walk
    // (beside the workers) it took their CPU instead: BBC 3-5 ms slower
    // (90 alternating rounds, paired medians). The feeder joins it before
    // the first document. An index that exists is opened first, as its
    // manifest says what to read.
    let fresh = opts.rebuild || !index_dir.join("meta.json").exists();
    let mut target = if fresh {
        let (dir, rebuild, bytes) = (index_dir.to_path_buf(), opts.rebuild, opts.writer_bytes);
        let creating = std::thread::Builder::new()
            .name("newsidx-create".into())
            .spawn(move || Indexer::open_new(&dir, rebuild, bytes))
            .map_err(|e| crate::error::Error::Workers(e.to_string()))?;
        Target::Creating(creating)
    } else {
        Target::Open(Box::new(Indexer::open(
            index_dir,
            false,
            opts.writer_bytes,
        )?))
    };
    // The pool starts now so that, for a new index, one of its threads
    // warms the pipeline up while the walk runs (see [`warm_up`]).
    let pool = worker_pool()?;
    if fresh {
        let roots = roots.clone();
        // A panic in a spawned rayon job aborts the process; the warm-up
        // must never be worse than none, so one is caught here (the
        // workers then read the file themselves, as without a warm-up).
        pool.spawn(move || {
            let _ = std::panic::catch_unwind(|| warm_up(&roots));
        });
    }
    let manifest = match &target {
        Target::Open(indexer) => indexer.manifest()?,
        Target::Creating(_) => Manifest::default(),
    };
    let walked = walking
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    let mut summary = Summary {
        skipped: walked.skipped,
        ..Summary::default()
    };

    let mut todo: Vec<&SourceFile> = Vec::new();
    // Every walked path, to find the indexed files that vanished; only an
    // index with files in it can have lost some. Freed once used: on the
    // 4 GB bench corpus it is 319,074 strings, about 30 MB, and it was
    // kept to the end of the run.
    let mut seen: HashSet<String> = HashSet::new();
    let track = !manifest.files.is_empty();
    for file in &walked.files {
        let path = file.path.display().to_string();
        match manifest.files.get(&path) {
            Some(stored) if stored.modified == file.modified && stored.size == file.size => {
                summary.unchanged += stored.articles;
            }
            _ => todo.push(file),
        }
        if track {
            seen.insert(path);
        }
    }

    // Vanished: indexed under one of these roots, no longer there. Files of
    // other roots are left alone: ingesting folder B must not drop folder A.
    let mut vanished: Vec<(&String, usize)> = manifest
        .files
        .iter()
        .filter(|(path, _)| !seen.contains(*path))
        .filter(|(path, _)| roots.iter().any(|r| Path::new(path).starts_with(r)))
        .filter(|(path, _)| !Path::new(path).exists() || !walk::is_supported(Path::new(path)))
        .map(|(path, stored)| (path, stored.articles))
        .collect();
    drop(seen);
    vanished.sort();
    // (A fresh index has no manifest, so nothing vanished from it.)
    if let Target::Open(indexer) = &mut target {
        for (path, articles) in vanished {
            indexer.delete_file(path);
            summary.removed += articles;
        }
    }

    progress(Progress::Planned(todo.iter().map(|f| f.size).sum()));
    let schema = NewsSchema::new();
    let docs_on = DocsOn::for_writer(indexer::writer_threads(opts.writer_bytes));
    let mut added_since_commit = 0usize;
    let mut bytes_since_commit = 0u64;
    let (streamed, whole): (Vec<&SourceFile>, Vec<&SourceFile>) =
        todo.iter().partition(|f| is_streamed(f, opts));
    let handoff = Handoff::new(pool.current_num_threads(), opts.in_flight_bytes);
    let cursor = readahead::Cursor::new(pool.current_num_threads());
    let indexer = std::thread::scope(|scope| -> Result<Indexer> {
        // The pipeline: the rayon pool reads, decodes, parses, cleans,
        // extracts and turns each file into index documents, and hands it
        // over through a channel (small files a few together, see
        // [`BATCH_BYTES`]), at most [`IN_FLIGHT_BYTES`] of files on their
        // way at once; this thread feeds the writer (whose own threads do
        // the indexing) file by file. Before, the pool took files in
        // batches and every core waited at the end of each batch for the
        // slowest file, about a tenth of the wall time.
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Ready<'_>>>(WAITING_FILES);
        // Closed when this thread leaves the loop, on any path, so no
        // worker stays waiting for room that will never come.
        let _close = CloseOnDrop(&handoff.room);
        let (whole, schema, pool, handoff, cursor) = (&whole, &schema, &pool, &handoff, &cursor);
        let stream_tx = tx.clone();
        // Files not in the page cache come in ahead of the workers (see
        // `readahead`); it ends when the workers do, however they end.
        scope.spawn(move || readahead::run(whole, cursor, opts.max_file_bytes));
        scope.spawn(move || {
            let _finish = readahead::FinishOnDrop(cursor);
            // One group of files per rayon job (see [`groups`]): with
            // rayon's default splitting a worker folds a run of hundreds of
            // files that the other cannot steal from, and on the 1 GB bench
            // corpus one core sat idle for the last two seconds while the
            // other finished its run.
            let jobs = groups(whole);
            let jobs = jobs.par_iter().with_max_len(1);
            // A refusal or send error means the feeding side stopped on an
            // error: stop reading files too.
            let done = pool.install(|| {
                jobs.try_for_each_with(tx.clone(), |tx, range| {
                    let group = whole.get(range.clone()).unwrap_or_default();
                    let reader = rayon::current_thread_index();
                    // Told before waiting for room, so the read-ahead
                    // can go on meanwhile.
                    if let Some(reader) = reader {
                        cursor.reading(reader, range.start);
                    }
                    let weights: Vec<u64> = group.iter().map(|f| weight(f, opts)).collect();
                    if !handoff.take(weights.iter().sum(), tx) {
                        return Err(());
                    }
                    // Every file of the group read and parsed, then all
                    // their records cleaned and extracted together.
                    let mut loaded = Vec::with_capacity(group.len());
                    let mut known = Vec::with_capacity(group.len());
                    for (at, file) in range.clone().zip(group) {
                        if let Some(reader) = reader {
                            cursor.reading(reader, at);
                        }
                        match load(file, opts) {
                            Ok(l) => {
                                loaded.push(l);
                                known.push(None);
                            }
                            Err(outcome) => known.push(Some(outcome)),
                        }
                        cursor.read_done();
                    }
                    let mut extracted =
                        articles_of(loaded, opts.default_source.as_deref()).into_iter();
                    for ((file, weight), known) in group.iter().zip(weights).zip(known) {
                        let read = known.or_else(|| extracted.next()).unwrap_or_default();
                        let r = Ready::new(file, read, schema, weight, docs_on);
                        progress(Progress::Done(file.size));
                        handoff.hold(r, tx)?;
                    }
                    Ok(())
                })
            });
            if done.is_ok() {
                let _ = handoff.flush(&tx);
            }
        });
        // Big dumps, one at a time, beside the pool's files: one open
        // stream is what lets the feeder commit as soon as it ends.
        scope.spawn(move || {
            for file in streamed {
                let sent = stream_file(file, opts, schema, handoff, pool, &stream_tx, progress);
                if sent.is_err() {
                    return;
                }
            }
        });
        // The workers are under way; a new index is being created
        // meanwhile. On an error here the scope's end stops them: `_close`
        // wakes those waiting for room and `rx` goes, so their sends fail.
        let mut indexer = match target {
            Target::Open(indexer) => *indexer,
            Target::Creating(creating) => creating
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?,
        };
        // Some(old version deleted) while a streamed file's parts arrive.
        let mut stream: Option<bool> = None;
        // Per file: problems listed, and those only counted (see
        // [`PROBLEMS_PER_FILE`] and [`PROBLEMS_LISTED`]).
        let mut unlisted: HashMap<&Path, (usize, usize)> = HashMap::new();
        let mut listed_in_run = 0usize;
        for part in rx.into_iter().flatten() {
            // Its documents move into the writer below; what is left of
            // it is freed at the end of this turn.
            let _given = GiveOnDrop(&handoff.room, part.weight);
            let path = part.file.path.display().to_string();
            let stored = manifest.files.get(&path);
            if !part.problems.is_empty() {
                let listed = unlisted.entry(part.file.path.as_path()).or_default();
                for problem in part.problems {
                    if listed.0 < PROBLEMS_PER_FILE && listed_in_run < PROBLEMS_LISTED {
                        summary.skipped.push(Skipped::new(&part.file.path, problem));
                        listed.0 += 1;
                        listed_in_run += 1;
                    } else {
                        listed.1 += 1;
                    }
                }
            }
            // A changed file's old articles go just before its first new
            // one (a file that now yields nothing keeps them).
            let mut deleted = part.streamed && stream.take().unwrap_or(false);
            if stored.is_some() && !deleted && !part.content.is_empty() {
                indexer.delete_file(&path);
                deleted = true;
            }
            if part.more {
                stream = Some(deleted);
            }
            let docs = part.content.into_docs(part.file, schema);
            added_since_commit += docs.len();
            bytes_since_commit += part.bytes;
            for doc in docs {
                indexer.add_prepared(doc)?;
                if stored.is_some() {
                    summary.updated += 1;
                } else {
                    summary.new += 1;
                }
            }
            // Never between two parts of a file: the manifest is read from
            // the committed documents, so a commit there would record a
            // half-read file as done.
            let due =
                added_since_commit >= opts.commit_every || bytes_since_commit >= opts.commit_bytes;
            if due && stream.is_none() {
                indexer.commit()?;
                added_since_commit = 0;
                bytes_since_commit = 0;
            }
        }
        for (path, (listed, more)) in unlisted {
            if more > 0 {
                summary
                    .skipped
                    .push(Skipped::new(path, unlisted_reason(listed, more)));
            }
        }
        Ok(indexer)
    })?;
    summary.duplicates = indexer.finish(&manifest)?.duplicates;
    // Files finish in any order; report them in path order, each file's
    // records in their own order (the sort is stable).
    summary.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(summary)
}

/// The index an ingest writes to: opened before the walk's end (its
/// manifest says what to read), or, when new or rebuilt, still being
/// created on its own thread (see [`ingest`]).
enum Target {
    Open(Box<Indexer>),
    Creating(std::thread::JoinHandle<Result<Indexer>>),
}

/// How far below the rest of the process the workers' scheduling priority
/// is (a nice increment; 19 is the floor).
///
/// Why: tantivy's one indexing thread is the pipeline's slowest stage, and
/// on equal terms with the workers it got about two thirds of a core, so
/// the workers ran ahead and kept [`IN_FLIGHT_BYTES`] full. A commit then
/// stopped them dead: it holds the feeder for 1 to 1.5 s while the writer
/// drains its queue, writes the segment and syncs it, and with no room in
/// flight both cores sat idle through the sync. A step down lets the
/// indexing thread run whenever it has work, so the room stays mostly free
/// and the workers go on cleaning through a commit. Measured on the 1 GB
/// bench corpus, nine alternating pairs: cores busy 191-193% instead of
/// 186-190% (bare tantivy's: 195-196%), idle core-seconds 2.5-3.2 instead
/// of 3.8-5.2, peak RSS 327-336 MB instead of 348-363 MB. Total CPU is the
/// same work either way (the pairs differ by -13 to +8 s, mean -0.4 s:
/// host noise); the priority only decides who waits.
const WORKER_NICE: i32 = 5;

/// The pool that reads, cleans, extracts and analyzes for one ingest: one
/// thread per core, named for profiles, each at [`WORKER_NICE`].
fn worker_pool() -> Result<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .thread_name(|i| format!("newsidx-work-{i}"))
        .start_handler(|_| lower_priority(WORKER_NICE))
        .build()
        .map_err(|e| crate::error::Error::Workers(e.to_string()))
}

/// Lower the calling thread's priority by `step` (on Linux a nice value
/// belongs to the thread, not the process). Best effort: where it cannot
/// (another OS, a sandbox that forbids it) the thread runs as it was, only
/// the pipeline's balance changes.
fn lower_priority(step: i32) {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: two system calls on the calling thread's own id; no memory
    // is passed. `getpriority` may return -1 as a real nice value, which
    // only makes the step start from -1.
    unsafe {
        let tid = libc::syscall(libc::SYS_gettid) as libc::id_t;
        let now = libc::getpriority(libc::PRIO_PROCESS, tid);
        libc::setpriority(libc::PRIO_PROCESS, tid, (now + step).min(19));
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    let _ = step;
}

/// A file's outcome as the writer needs it, whole or (a streamed file) in
/// parts: its articles or their documents ([`Content`]), and what the
/// feeder counts.
struct Ready<'a> {
    file: &'a SourceFile,
    problems: Vec<String>,
    content: Content,
    /// Source bytes this part stands for, towards the next commit.
    bytes: u64,
    /// Bytes of [`InFlight`] to give back once fed.
    weight: u64,
    /// A part of a streamed file.
    streamed: bool,
    /// More parts of this file follow: no commit until they are in.
    more: bool,
}

impl<'a> Ready<'a> {
    /// A whole file's outcome, its documents built here or left to the
    /// feeder (see [`DocsOn`]).
    fn new(
        file: &'a SourceFile,
        r: FileResult,
        schema: &NewsSchema,
        weight: u64,
        docs_on: DocsOn,
    ) -> Ready<'a> {
        let content = match docs_on.for_file(r.articles.len()) {
            DocsOn::Workers => Content::Docs(documents(file, &r.articles, schema)),
            DocsOn::Feeder => Content::Articles(r.articles),
        };
        Ready {
            file,
            problems: r.problems,
            content,
            bytes: file.size,
            weight,
            streamed: false,
            more: false,
        }
    }
}

/// Where a whole file's index documents are built from its articles (the
/// analyzer's pass over title and body, the near print): on the worker that
/// cleaned it, or on the thread that feeds the writer.
///
/// Why the feeder, for files of one article when the writer has one
/// indexing thread (2 cores): a worker built each such file's document
/// between cleaning and extracting others, with an analyzer gone cold, and
/// each worker's stem cache filled with the same words. On the feeder the
/// documents are built in a row on one thread with one warm cache. A BBC
/// ingest took 4-6% less CPU (interleaved runs: -41 ms of 705 over 30
/// rounds, -32 ms of 849 over 40): a third of what a streamed NDJSON dump
/// of the same articles, whose documents are built on its streaming
/// thread, saved over the files (14%). A file of many articles (a Reuters
/// SGML file holds a thousand) already has its documents built in a row
/// on its worker, so it stays there, in parallel: 100 MB of the 1 GB
/// bench corpus gained nothing from the feeder (+11 ms of CPU in 5.6 s
/// over eight rounds). A one-article file's strings are then freed on
/// the feeder, not on the worker that made them; peak RSS on 1 GB was
/// 298-316 MB in the runs after, 292-309 MB in the bench runs before.
/// The feeder cannot become the pipeline's bound with one indexing
/// thread: per article, building the document costs less than tantivy's
/// indexing thread spends on it. With two or more it would be the bound,
/// so the workers build every document there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DocsOn {
    Workers,
    Feeder,
}

/// The most articles a file may hold for its documents to be built on
/// the feeder (see [`DocsOn`]).
const FEEDER_ARTICLES: usize = 1;

impl DocsOn {
    /// The place for a writer with `indexing_threads` threads.
    fn for_writer(indexing_threads: usize) -> DocsOn {
        if indexing_threads <= 1 {
            DocsOn::Feeder
        } else {
            DocsOn::Workers
        }
    }

    /// The place for a file of `articles` articles.
    fn for_file(self, articles: usize) -> DocsOn {
        if articles <= FEEDER_ARTICLES {
            self
        } else {
            DocsOn::Workers
        }
    }
}

/// What a [`Ready`] carries to the feeder.
enum Content {
    /// Articles whose documents the feeder builds.
    Articles(Vec<Article>),
    /// Documents built on a worker, so feeding them is only moves.
    Docs(Vec<Prepared>),
}

impl Content {
    fn is_empty(&self) -> bool {
        match self {
            Content::Articles(a) => a.is_empty(),
            Content::Docs(d) => d.is_empty(),
        }
    }

    /// The documents, built now if they are not yet.
    fn into_docs(self, file: &SourceFile, schema: &NewsSchema) -> Vec<Prepared> {
        match self {
            Content::Articles(articles) => documents(file, &articles, schema),
            Content::Docs(docs) => docs,
        }
    }
}

fn documents(file: &SourceFile, articles: &[Article], schema: &NewsSchema) -> Vec<Prepared> {
    articles
        .iter()
        .map(|a| Prepared::new(schema, a, file.modified, file.size))
        .collect()
}

/// Stream one big NDJSON file to the writer in parts (see
/// [`DEFAULT_STREAM_BYTES`]); each part's records are cleaned and extracted on the
/// whole rayon pool, in order. `Err` when the writer's side has stopped.
fn stream_file<'a>(
    file: &'a SourceFile,
    opts: &IngestOptions,
    schema: &NewsSchema,
    handoff: &Handoff<'a>,
    pool: &rayon::ThreadPool,
    tx: &PartSender<'a>,
    progress: &(dyn Fn(Progress) + Sync),
) -> std::result::Result<(), ()> {
    let path_str = file.path.display().to_string();
    let part = |problems, docs, more, weight| Ready {
        file,
        problems,
        content: Content::Docs(docs),
        // Only the whole file counts towards a commit, which cannot come
        // before its last part anyway.
        bytes: if more { 0 } else { file.size },
        weight,
        streamed: true,
        more,
    };
    let mut lines = match std::fs::File::open(&file.path) {
        Ok(f) => ndjson::Lines::new(
            std::io::BufReader::with_capacity(1 << 16, f),
            opts.max_file_bytes,
        ),
        Err(e) => {
            let problem = vec![format!("cannot read: {e}")];
            progress(Progress::Done(file.size));
            return tx
                .send(vec![part(problem, Vec::new(), false, 0)])
                .map_err(|_| ());
        }
    };
    // Bytes reported so far; the last part reports the rest of the file's
    // size, so a file that changed while read still adds up.
    let mut reported = 0u64;
    // Records and problems in file order, so the reasons of a part are
    // reported in line order as for a whole file.
    let mut lines_of_part: Vec<ndjson::Line> = Vec::new();
    let mut record_bytes = 0usize;
    loop {
        let line = lines.next();
        let end = line.is_none();
        if let Some(line) = line {
            // Problems count too, so a dump of bad lines still goes in parts.
            record_bytes += match &line {
                ndjson::Line::Record(_, draft) => {
                    draft.body.len() + draft.title.as_ref().map_or(0, String::len)
                }
                ndjson::Line::Problem(p) => p.len(),
                ndjson::Line::Blank => 0,
            };
            lines_of_part.push(line);
        }
        if !end && record_bytes < opts.stream_part_bytes {
            continue;
        }
        // A part weighs its record text, like a whole file its size: the
        // channel's count bound is too loose to hold a dump back.
        let weight = record_bytes as u64;
        record_bytes = 0;
        let lines_now = std::mem::take(&mut lines_of_part);
        let done: Vec<std::result::Result<Article, String>> = pool.install(|| {
            lines_now
                .into_par_iter()
                .chunks(STAGE_BATCH)
                .flat_map_iter(|batch| line_batch(batch, &path_str, opts.default_source.as_deref()))
                .collect()
        });
        let FileResult { articles, problems } = done.into_iter().collect();
        let docs = documents(file, &articles, schema);
        drop(articles);
        let read = if end {
            file.size
        } else {
            lines.bytes_read().min(file.size)
        };
        progress(Progress::Done(read.saturating_sub(reported)));
        reported = reported.max(read);
        // Counted once the part is done, not before: its records are
        // cleaned on the pool, whose workers may be waiting for room, and
        // room held by a part that needs them would never come back.
        if !handoff.take(weight, tx) {
            return Err(());
        }
        tx.send(vec![part(problems, docs, !end, weight)])
            .map_err(|_| ())?;
        if end {
            return Ok(());
        }
    }
}

/// The articles of one file and the problems met reading it.
#[derive(Debug, Default)]
pub struct FileResult {
    /// Articles ready to index (empty when the whole file was skipped).
    pub articles: Vec<Article>,
    /// Reasons for records or the whole file not being indexed.
    pub problems: Vec<String>,
}

/// Articles and reasons, each list in the order given.
impl FromIterator<std::result::Result<Article, String>> for FileResult {
    fn from_iter<I: IntoIterator<Item = std::result::Result<Article, String>>>(iter: I) -> Self {
        let mut out = FileResult::default();
        out.extend(iter);
        out
    }
}

impl Extend<std::result::Result<Article, String>> for FileResult {
    fn extend<I: IntoIterator<Item = std::result::Result<Article, String>>>(&mut self, iter: I) {
        for r in iter {
            match r {
                Ok(a) => self.articles.push(a),
                Err(p) => self.problems.push(p),
            }
        }
    }
}

/// Read, decode, parse, clean and extract one file. Never panics; every
/// failure becomes a problem string.
pub fn read_file(file: &SourceFile, opts: &IngestOptions) -> FileResult {
    alone(load(file, opts), opts.default_source.as_deref())
}

/// The outcome of one file on its own: [`articles_of`] a group of one, or
/// what loading it already settled.
fn alone(
    loaded: std::result::Result<Loaded, FileResult>,
    default_source: Option<&str>,
) -> FileResult {
    match loaded {
        Ok(loaded) => articles_of(vec![loaded], default_source)
            .pop()
            .unwrap_or_default(),
        Err(done) => done,
    }
}

/// A file read, decoded and parsed: its records, not yet cleaned.
struct Loaded {
    path: String,
    parsed: parse::Parsed,
}

/// Read, decode and parse one file. `Err` holds the file's whole outcome
/// when there is nothing left to clean: an NDJSON file (read and cleaned
/// line by line), or a file that could not be read or decoded.
fn load(file: &SourceFile, opts: &IngestOptions) -> std::result::Result<Loaded, FileResult> {
    let path = file.path.display().to_string();
    let failed = |problem: String| FileResult {
        articles: Vec::new(),
        problems: vec![problem],
    };
    if parse::format_of(&file.path) == Format::Ndjson {
        // Read line by line at any size: the cap bounds each line (see
        // [`DEFAULT_STREAM_BYTES`]), and `extract` shows a big dump too.
        return Err(match std::fs::File::open(&file.path) {
            Ok(f) => ndjson_articles(
                ndjson::Lines::new(std::io::BufReader::new(f), opts.max_file_bytes),
                &path,
                opts.default_source.as_deref(),
            ),
            Err(e) => failed(format!("cannot read: {e}")),
        });
    }
    if file.size > opts.max_file_bytes {
        return Err(failed(format!(
            "file too large ({} bytes; the limit is {} bytes, see --max-file-size)",
            file.size, opts.max_file_bytes
        )));
    }
    match read_capped(&file.path, file.size, opts.max_file_bytes) {
        Ok(bytes) => parsed(path, &file.path, Cow::Owned(bytes)),
        Err(e) => Err(failed(format!("cannot read: {e}"))),
    }
}

/// Read at most `cap + 1` bytes, so a file that grew past the cap after the
/// walk is still refused rather than read whole. `size` is the file's size
/// when the walk saw it.
fn read_capped(path: &Path, size: u64, cap: u64) -> std::io::Result<Vec<u8>> {
    let f = std::fs::File::open(path)?;
    // Sized up front (`take` hides the file's size from `read_to_end`):
    // growing by doubling copied each 1.3 MB Reuters file about twice and
    // faulted in fresh pages for every copy. The +1 leaves room for the
    // read that proves the end was reached. The walk's size, not a fresh
    // `fstat`: one system call fewer per file (the walk has just stat'ed
    // it), and a file that changed since is still read whole, the buffer
    // growing as it must.
    let size = size.min(cap);
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0).saturating_add(1));
    f.take(cap + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(std::io::Error::other(format!(
            "file grew past the size limit of {cap} bytes"
        )));
    }
    Ok(bytes)
}

/// Bytes of the file [`warm_up`] reads, at most.
const WARM_BYTES: u64 = 64 * 1024;

/// Entries of each root [`warm_up`] looks at for a file.
const WARM_LOOK: usize = 64;

/// Run the first file of `roots` (its first [`WARM_BYTES`]) through
/// decode, parse, clean and extract, and drop the result; returns the
/// bytes read (0 when no file was found or read). Called on a worker
/// while the walk runs, for a new index.
///
/// Why: the first articles pay for compiling the cleaning and extraction
/// regexes (most are compiled on first use), building their lazy DFAs and
/// loading the lexicons: 14 ms of CPU for the first BBC files, 29 ms for
/// a noisy saved page, against 0.1-1 ms an article after. Both workers
/// used to meet that at once, the second waiting on the patterns the first
/// was compiling, with every file already walked; the walk leaves a core
/// idle for its 5-15 ms, and this fills it. Taking a file of the corpus
/// itself (cut short) warms what the corpus needs and not, say, the HTML
/// cleaner for an archive of text files. Forty alternating BBC pairs:
/// 314.5 ms against 325.6 ms on average, CPU 517 against 537 ms (median).
/// An index that exists is not warmed: a re-ingest may have nothing to
/// read.
fn warm_up(roots: &[PathBuf]) -> usize {
    let Some(path) = walk::first_file(roots, WARM_LOOK) else {
        return 0;
    };
    let mut bytes = Vec::new();
    let read = std::fs::File::open(&path).and_then(|f| f.take(WARM_BYTES).read_to_end(&mut bytes));
    if read.is_err() {
        return 0;
    }
    let _ = articles_from_bytes(&path.display().to_string(), &path, &bytes, None);
    bytes.len()
}

/// The pure part of ingest for one file: bytes in, articles out.
pub fn articles_from_bytes(
    path_str: &str,
    path: &Path,
    bytes: &[u8],
    default_source: Option<&str>,
) -> FileResult {
    articles_from(path_str, path, Cow::Borrowed(bytes), default_source)
}

/// [`articles_from_bytes`] on a buffer the caller may give up, so a UTF-8
/// file becomes its text without a copy ([`decode::decode_owned`]).
fn articles_from(
    path_str: &str,
    path: &Path,
    bytes: Cow<'_, [u8]>,
    default_source: Option<&str>,
) -> FileResult {
    if parse::format_of(path) == Format::Ndjson {
        return ndjson_articles(
            ndjson::Lines::new(&*bytes, u64::MAX),
            path_str,
            default_source,
        );
    }
    alone(parsed(path_str.to_string(), path, bytes), default_source)
}

/// Decode and parse a file's bytes (any format but NDJSON); `Err` when
/// they do not decode.
fn parsed(
    path_str: String,
    path: &Path,
    bytes: Cow<'_, [u8]>,
) -> std::result::Result<Loaded, FileResult> {
    match decode::decode_owned(bytes) {
        Ok(d) => Ok(Loaded {
            path: path_str,
            parsed: parse::parse(parse::format_of(path), &d.text),
        }),
        Err(e) => Err(FileResult {
            articles: Vec::new(),
            problems: vec![e.to_string()],
        }),
    }
}

/// Clean and extract the records of several loaded files: the outcome of
/// each file, in their order. The records of all of them go through the
/// stages together ([`records_to_articles`]), whichever file they come
/// from, so a run of one-article files (a folder of saved pages) is
/// cleaned and extracted as the records of one big file are.
fn articles_of(mut files: Vec<Loaded>, default_source: Option<&str>) -> Vec<FileResult> {
    let mut out: Vec<FileResult> = files
        .iter_mut()
        .map(|file| FileResult {
            articles: Vec::with_capacity(file.parsed.records.len()),
            problems: std::mem::take(&mut file.parsed.problems),
        })
        .collect();
    // Each record, and the index of its file.
    let (owners, records): (Vec<usize>, Vec<RecordIn>) = files
        .iter()
        .enumerate()
        .flat_map(|(i, file)| {
            let single = file.parsed.records.len() == 1;
            file.parsed.records.iter().map(move |(id, draft)| {
                let record = RecordIn {
                    path: &file.path,
                    id,
                    draft,
                    single: single && id.is_empty(),
                };
                (i, record)
            })
        })
        .unzip();
    for (i, done) in owners
        .into_iter()
        .zip(records_to_articles(&records, default_source))
    {
        if let Some(result) = out.get_mut(i) {
            result.extend([done]);
        }
    }
    for (result, file) in out.iter_mut().zip(&files) {
        if file.parsed.records.is_empty() && result.problems.is_empty() {
            result.problems.push("no articles found".to_string());
        }
    }
    out
}

/// A record on its way through clean and extract: the path of its file,
/// its id there, its draft, and whether it is its file's only record
/// (whose reason for holding no article names no record).
struct RecordIn<'a> {
    path: &'a str,
    id: &'a str,
    draft: &'a Draft,
    single: bool,
}

/// Clean and extract `records`, [`STAGE_BATCH`] at a time: each batch is
/// cleaned record after record, then extracted stage by stage
/// (`extract::assemble_unprinted_batch`). Per record, in order, its
/// article or the reason it holds none.
fn records_to_articles(
    records: &[RecordIn<'_>],
    default_source: Option<&str>,
) -> Vec<std::result::Result<Article, String>> {
    let mut out = Vec::with_capacity(records.len());
    for chunk in records.chunks(STAGE_BATCH) {
        // Per record, its cleaned text when it has some.
        let cleaned: Vec<Option<clean::Cleaned>> = chunk
            .iter()
            .map(|r| Some(clean::clean_body(&r.draft.body)).filter(|c| !c.body.trim().is_empty()))
            .collect();
        let keys: Vec<String> = chunk
            .iter()
            .zip(&cleaned)
            .filter(|(_, c)| c.is_some())
            .map(|(r, _)| key_of(r.path, r.id))
            .collect();
        let input: Vec<_> = chunk
            .iter()
            .zip(&cleaned)
            .filter_map(|(r, c)| Some((r, c.as_ref()?)))
            .zip(&keys)
            .map(|((r, c), key)| {
                let origin = Origin {
                    key,
                    path: r.path,
                    default_source,
                };
                (r.draft, c, origin)
            })
            .collect();
        // The fingerprint comes with the index document (see
        // `extract::assemble_unprinted`); `extract_paths` adds it for `extract`.
        // One article per record given, in their order.
        let mut articles = extract::assemble_unprinted_batch(&input).into_iter();
        for (r, c) in chunk.iter().zip(&cleaned) {
            match c {
                None => out.push(Err(no_text(r.id, r.single))),
                Some(_) => out.extend(articles.next().map(Ok)),
            }
        }
    }
    out
}

/// The articles of an NDJSON file read line by line, as a streamed dump is
/// (see [`ndjson::Lines`]), so a file gives the same records and reasons,
/// in line order, at any size.
fn ndjson_articles<R: std::io::BufRead>(
    lines: ndjson::Lines<R>,
    path_str: &str,
    default_source: Option<&str>,
) -> FileResult {
    let mut lines = lines.peekable();
    let mut out = FileResult::default();
    while lines.peek().is_some() {
        let batch: Vec<ndjson::Line> = lines.by_ref().take(STAGE_BATCH).collect();
        out.extend(line_batch(batch, path_str, default_source));
    }
    out
}

/// NDJSON lines as articles or the reasons they are none, in line order
/// (nothing for a blank line). The records go through the stages together
/// ([`records_to_articles`]), as a file's do; one record at a time, each
/// went through all of the code of clean and extract before the next.
fn line_batch(
    lines: Vec<ndjson::Line>,
    path_str: &str,
    default_source: Option<&str>,
) -> Vec<std::result::Result<Article, String>> {
    let records: Vec<RecordIn> = lines
        .iter()
        .filter_map(|line| match line {
            ndjson::Line::Record(id, draft) => Some(RecordIn {
                path: path_str,
                id,
                draft,
                single: false,
            }),
            _ => None,
        })
        .collect();
    let mut done = records_to_articles(&records, default_source).into_iter();
    lines
        .into_iter()
        .filter_map(|line| match line {
            ndjson::Line::Record(..) => done.next(),
            ndjson::Line::Problem(p) => Some(Err(p)),
            ndjson::Line::Blank => None,
        })
        .collect()
}

/// Records of a file are cleaned this many at a time, then extracted
/// (`extract::assemble_unprinted_batch`, itself stage by stage).
/// Why: each stage is a lot of code (dozens of cleaning rules; people,
/// dates and sources), and a record taken through all of it at once left
/// little of it in the core's 32 KB instruction cache for the next record
/// (cachegrind on replica r001: 47.9 million instruction-cache misses,
/// about 2,000 a record, against bare tantivy's 3.2 million). Sixteen
/// Reuters bodies (about 20 KB) stay in the L2 cache between the stages.
const STAGE_BATCH: usize = 16;

/// The most files a worker takes in one job (see [`groups`]).
const GROUP_FILES: usize = 16;

/// The most bytes of files a worker takes in one job, unless one file is
/// bigger (it then goes alone).
const GROUP_BYTES: u64 = 256 * 1024;

/// Cut `files` (in walk order) into the runs of neighbours a worker takes
/// in one job: at most [`GROUP_FILES`] files and [`GROUP_BYTES`] bytes, a
/// bigger file alone. The records of a group's files are cleaned and
/// extracted stage by stage together ([`articles_of`]), as those of one
/// big file are.
///
/// Why: a folder of one-article files (saved pages, the BBC corpus) went
/// through every stage one article at a time, and each stage's code
/// evicted the others' from the core's instruction cache: cachegrind's
/// simulation counted about 3,100 instruction-cache misses per BBC
/// article, against about 200 for bare tantivy.
fn groups(files: &[&SourceFile]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let (mut start, mut bytes) = (0, 0u64);
    for (i, file) in files.iter().enumerate() {
        let n = i - start;
        if n > 0 && (n >= GROUP_FILES || bytes.saturating_add(file.size) > GROUP_BYTES) {
            out.push(start..i);
            (start, bytes) = (i, 0);
        }
        bytes = bytes.saturating_add(file.size);
    }
    if start < files.len() {
        out.push(start..files.len());
    }
    out
}

/// The line that counts a file's `more` problems past the `listed` ones.
fn unlisted_reason(listed: usize, more: usize) -> String {
    if listed == PROBLEMS_PER_FILE {
        format!("{more} more problems not listed (the first {PROBLEMS_PER_FILE} are)")
    } else if listed == 0 {
        format!("{more} problems not listed (a run lists at most {PROBLEMS_LISTED})")
    } else {
        format!("{more} more problems not listed (a run lists at most {PROBLEMS_LISTED})")
    }
}

/// Why a record whose cleaned body is empty holds no article.
fn no_text(id: &str, single: bool) -> String {
    if single {
        "no article text found".to_string()
    } else {
        format!("record {id}: no article text found")
    }
}

/// The key of record `id` of the file at `path_str`.
fn key_of(path_str: &str, id: &str) -> String {
    if id.is_empty() {
        path_str.to_string()
    } else {
        format!("{path_str}#{id}")
    }
}

/// Articles for `extract`: what ingest would store for these paths, without
/// touching any index. Folders are walked like ingest does.
pub fn extract_paths(paths: &[PathBuf], opts: &IngestOptions) -> (Vec<Article>, Vec<Skipped>) {
    let walked = walk::walk(paths);
    let mut skipped = walked.skipped;
    let results: Vec<(PathBuf, FileResult)> = walked
        .files
        .par_iter()
        .map(|f| (f.path.clone(), read_file(f, opts)))
        .collect();
    let mut articles = Vec::new();
    for (path, r) in results {
        for p in r.problems {
            skipped.push(Skipped::new(&path, p));
        }
        articles.extend(r.articles);
    }
    articles
        .par_iter_mut()
        .for_each(|a| a.fingerprint = extract::fingerprint(&a.body));
    (articles, skipped)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// The workers run a step below the thread that starts the ingest
    /// (where the OS lets us set it), and only they do: the caller's own
    /// priority is left alone.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[test]
    fn workers_run_a_step_below_the_caller() {
        // SAFETY: system calls on the calling thread's own id.
        let nice = || unsafe {
            let tid = libc::syscall(libc::SYS_gettid) as libc::id_t;
            libc::getpriority(libc::PRIO_PROCESS, tid)
        };
        let caller = nice();
        let pool = worker_pool().expect("a pool of threads");
        let (worker, name) =
            pool.install(|| (nice(), std::thread::current().name().map(String::from)));
        assert_eq!(worker, (caller + WORKER_NICE).min(19));
        assert_eq!(nice(), caller);
        assert!(name.is_some_and(|n| n.starts_with("newsidx-work-")));
    }

    /// Files that are not in the page cache all get in, the read-ahead
    /// running beside the workers (`readahead`). Where the temp folder is
    /// on a disk (here, under `target/`), dropping the files from the
    /// cache makes the workers' first reads go to it, which starts the
    /// read-ahead; on a RAM disk this is a plain ingest.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[test]
    fn files_not_in_the_page_cache_all_get_in() {
        let under = Path::new(env!("CARGO_MANIFEST_DIR")).join("target");
        let dir = tempfile::tempdir_in(&under)
            .or_else(|_| tempfile::tempdir())
            .expect("temp dir");
        let corpus = dir.path().join("corpus");
        let n = 700;
        for k in 0..n {
            let sub = corpus.join(format!("d{}", k % 3));
            std::fs::create_dir_all(&sub).expect("mkdir");
            let text = format!(
                "Harbour talks, day {k}\n\nNegotiators met on day {k} of the harbour \
                 talks and agreed on item {k} of the list, officials said."
            );
            std::fs::write(sub.join(format!("{k:04}.txt")), text).expect("write");
        }
        let files = walk::walk(std::slice::from_ref(&corpus)).files;
        for f in &files {
            let file = std::fs::File::open(&f.path).expect("open");
            file.sync_all().expect("sync");
            use std::os::fd::AsRawFd;
            // SAFETY: an open descriptor; the call only drops cached pages.
            unsafe {
                libc::posix_fadvise(file.as_raw_fd(), 0, 0, libc::POSIX_FADV_DONTNEED);
            }
        }
        let index = dir.path().join("index");
        let summary =
            ingest(&index, &[corpus], &IngestOptions::default(), &|_| {}).expect("ingest");
        assert_eq!(summary.new, n);
        assert!(summary.skipped.is_empty(), "{:?}", summary.skipped);
    }

    /// Duplicates are the added articles whose body another live article
    /// has: one kept from before the run, or one added earlier in it. Not
    /// an updated file's unchanged article (its old version is replaced),
    /// nor a copy of an article whose file vanished in the same run. With a
    /// commit after every article the run's segments merge with the old
    /// ones, so kept and added articles share segments.
    #[test]
    fn duplicates_are_counted_against_what_the_index_keeps() {
        let story = |k: usize| {
            format!(
                "Harbour talks, part {k}\n\nNegotiators met for round {k} of the harbour \
                 talks and agreed on item {k} of the list, officials said on Friday.\n"
            )
        };
        for commit_every in [1, IngestOptions::default().commit_every] {
            let dir = tempfile::tempdir().expect("temp dir");
            let corpus = dir.path().join("corpus");
            std::fs::create_dir_all(&corpus).expect("mkdir");
            let write = |name: &str, text: &str| {
                std::fs::write(corpus.join(name), text).expect("write");
            };
            for k in 0..10 {
                write(&format!("f{k}.txt"), &story(k));
            }
            write("f1.txt", &story(0));
            let opts = IngestOptions {
                commit_every,
                ..IngestOptions::default()
            };
            let index = dir.path().join("index");
            let run = || ingest(&index, std::slice::from_ref(&corpus), &opts, &|_| {});
            let first = run().expect("first ingest");
            assert_eq!((first.new, first.duplicates), (10, 1), "{commit_every}");

            // The same article, a different size: updated, not a copy.
            write("f2.txt", &format!("{}\n\n", story(2)));
            // Another kept article's body under another headline (a
            // different size, so the change is seen on coarse mtimes): a copy.
            write("f3.txt", &story(4).replacen("part 4", "part 4, again", 1));
            // A new story twice: one copy.
            write("g1.txt", &story(20));
            write("g2.txt", &story(20));
            // Copies of kept articles, one of which (f0's) f1 still has.
            write("g3.txt", &story(5));
            std::fs::remove_file(corpus.join("f0.txt")).expect("rm");
            write("g4.txt", &story(0));
            // The copy of a vanished file's article is the only one now.
            std::fs::remove_file(corpus.join("f6.txt")).expect("rm");
            write("g5.txt", &story(6));
            let second = run().expect("second ingest");
            assert_eq!(
                (second.new, second.updated, second.removed, second.unchanged),
                (5, 2, 2, 6),
                "{commit_every}"
            );
            assert_eq!(second.duplicates, 4, "{commit_every}: f3, g2, g3, g4");

            let again = run().expect("no-op");
            assert_eq!((again.unchanged, again.duplicates), (13, 0));
        }
    }

    /// Room is taken and given back in bytes; one file always fits when
    /// nothing is in flight; closing releases a waiting worker with a
    /// refusal.
    #[test]
    fn in_flight_bytes_block_until_given_back_or_closed() {
        let in_flight = InFlight::new(IN_FLIGHT_BYTES);
        let never = || panic!("no wait, so no hand-over");
        assert!(
            in_flight.take(IN_FLIGHT_BYTES * 3, never),
            "alone, a big file fits"
        );
        in_flight.give(IN_FLIGHT_BYTES * 3);
        assert!(in_flight.take(IN_FLIGHT_BYTES / 2, never));
        std::thread::scope(|scope| {
            let (tx, rx) = std::sync::mpsc::channel();
            let f = &in_flight;
            scope.spawn(move || tx.send(f.take(IN_FLIGHT_BYTES, || {})));
            // No room until the first half is given back.
            assert!(rx.recv_timeout(Duration::from_millis(50)).is_err());
            in_flight.give(IN_FLIGHT_BYTES / 2);
            assert_eq!(rx.recv().ok(), Some(true));
        });
        std::thread::scope(|scope| {
            let (tx, rx) = std::sync::mpsc::channel();
            let f = &in_flight;
            scope.spawn(move || tx.send(f.take(1, || {})));
            assert!(rx.recv_timeout(Duration::from_millis(50)).is_err());
            in_flight.close();
            assert_eq!(rx.recv().ok(), Some(false), "closed: refused");
        });
    }

    /// The walk's size only sizes the buffer: a file that changed after
    /// the walk is read as it is now, and refused once it is past the cap.
    #[test]
    fn a_file_changed_since_the_walk_is_read_as_it_is_now() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("a.txt");
        std::fs::write(&path, "x".repeat(1000)).expect("written");
        for seen in [0, 10, 1000, 5000] {
            let bytes = read_capped(&path, seen, 2000).expect("read");
            assert_eq!(bytes.len(), 1000, "walk saw {seen} bytes");
        }
        let grown = read_capped(&path, 10, 999);
        assert!(
            grown.is_err_and(|e| e.to_string().contains("grew past")),
            "past the cap"
        );
        assert!(read_capped(&dir.path().join("gone.txt"), 10, 999).is_err());
    }

    fn part(file: &SourceFile) -> Ready<'_> {
        Ready {
            file,
            problems: Vec::new(),
            content: Content::Docs(Vec::new()),
            bytes: file.size,
            weight: file.size,
            streamed: false,
            more: false,
        }
    }

    fn source(size: u64) -> SourceFile {
        SourceFile {
            path: PathBuf::from("a.txt"),
            size,
            modified: 0,
        }
    }

    /// Neighbouring files go together up to [`GROUP_FILES`] files or
    /// [`GROUP_BYTES`] bytes; a bigger file goes alone; every file is in
    /// exactly one group, in walk order.
    #[test]
    fn files_are_grouped_by_count_and_bytes() {
        let sizes: Vec<u64> = [
            vec![1_000; 20],
            vec![GROUP_BYTES * 2],
            vec![GROUP_BYTES / 3; 4],
        ]
        .concat();
        let files: Vec<SourceFile> = sizes.iter().map(|&s| source(s)).collect();
        let refs: Vec<&SourceFile> = files.iter().collect();
        let got = groups(&refs);
        assert_eq!(got, vec![0..16, 16..20, 20..21, 21..24, 24..25]);
        assert!(groups(&[]).is_empty());
        let one = source(GROUP_BYTES * 10);
        assert_eq!(groups(&[&one]), vec![0..1]);
    }

    /// Cleaning and extracting a group of files gives each file exactly
    /// what it gives alone: the same articles in order, the same problems
    /// (an empty page, a file of no records, parse problems) in order.
    #[test]
    fn a_group_gives_each_file_what_it_gives_alone() {
        let dir = tempfile::tempdir().expect("temp dir");
        let story = |n: usize| {
            format!(
                "Pact number {n} signed\n\nMinisters from both countries met in Geneva on \
                 Monday, 3 March 2025, and Anna Keller said the pact number {n} would hold.\n\n\
                 Sign up for our newsletter.\n"
            )
        };
        let mut contents: Vec<(String, String)> = (0..40)
            .map(|n| (format!("s{n:02}.txt"), story(n)))
            .collect();
        contents.push((
            "empty.html".into(),
            "<html><body><nav>Home</nav></body></html>".into(),
        ));
        contents.push((
            "feed.sgm".into(),
            "<REUTERS NEWID=\"1\"><TEXT><TITLE>OIL UP</TITLE><BODY>Oil rose on Monday, \
             traders said.</BODY></TEXT></REUTERS><REUTERS NEWID=\"2\"><TEXT><BODY>\
             Sign up for our newsletter.</BODY></TEXT></REUTERS>"
                .into(),
        ));
        contents.push(("nothing.sgm".into(), "no records here".into()));
        let files: Vec<SourceFile> = contents
            .iter()
            .map(|(name, text)| {
                let path = dir.path().join(name);
                std::fs::write(&path, text).expect("write");
                SourceFile {
                    path,
                    size: text.len() as u64,
                    modified: 0,
                }
            })
            .collect();
        let opts = IngestOptions::default();
        let alone: Vec<FileResult> = files.iter().map(|f| read_file(f, &opts)).collect();
        let loaded = files
            .iter()
            .map(|f| load(f, &opts).map_err(|_| f.path.clone()))
            .collect::<std::result::Result<Vec<_>, _>>()
            .expect("every file loads");
        let together = articles_of(loaded, None);
        assert_eq!(together.len(), alone.len());
        for ((a, b), f) in alone.iter().zip(&together).zip(&files) {
            assert_eq!(a.articles, b.articles, "{}", f.path.display());
            assert_eq!(a.problems, b.problems, "{}", f.path.display());
        }
        let problems = |name: &str| {
            let at = files.iter().position(|f| f.path.ends_with(name));
            at.map(|i| together[i].problems.clone()).unwrap_or_default()
        };
        assert_eq!(problems("empty.html"), vec!["no article text found"]);
        let feed = problems("feed.sgm");
        assert!(
            feed.len() == 1 && feed[0].ends_with("2: no article text found"),
            "{feed:?}"
        );
        assert_eq!(problems("nothing.sgm"), vec!["no articles found"]);
        assert!(together.iter().take(40).all(|r| r.articles.len() == 1));
        assert_eq!(together[0].articles[0].people, vec!["Anna Keller"]);
    }

    #[test]
    fn ndjson_records_in_batches_give_what_each_gives_alone() {
        // 40 lines across three batches: stories, blank lines, lines that
        // are not records, and records of boilerplate only.
        let mut dump = String::new();
        for n in 0..40 {
            let line = match n % 8 {
                3 => String::new(),
                5 => "{not json".to_string(),
                6 => r#"{"title":"Notice","text":"Sign up for our newsletter."}"#.to_string(),
                _ => format!(
                    r#"{{"title":"Pact {n} signed","text":"Ministers met in Geneva on Monday, 3 March 2025, and Anna Keller said pact {n} would hold.","source":"Wire {n}"}}"#
                ),
            };
            dump.push_str(&line);
            dump.push('\n');
        }
        let path = "dump.ndjson";
        let batched = ndjson_articles(ndjson::Lines::new(dump.as_bytes(), u64::MAX), path, None);
        // The reference: each line cleaned and extracted on its own.
        let alone: FileResult = ndjson::Lines::new(dump.as_bytes(), u64::MAX)
            .filter_map(|line| match line {
                ndjson::Line::Record(id, draft) => {
                    let cleaned = clean::clean_body(&draft.body);
                    if cleaned.body.trim().is_empty() {
                        return Some(Err(no_text(&id, false)));
                    }
                    let key = key_of(path, &id);
                    let origin = Origin {
                        key: &key,
                        path,
                        default_source: None,
                    };
                    Some(Ok(extract::assemble_unprinted(&draft, &cleaned, origin)))
                }
                ndjson::Line::Problem(p) => Some(Err(p)),
                ndjson::Line::Blank => None,
            })
            .collect();
        assert_eq!(batched.articles, alone.articles);
        assert_eq!(batched.problems, alone.problems);
        assert_eq!(batched.articles.len(), 25);
        assert_eq!(batched.problems.len(), 10, "{:?}", batched.problems);
        assert!(
            batched
                .problems
                .iter()
                .any(|p| p.ends_with("no article text found"))
        );
        assert_eq!(batched.articles[1].key, format!("{path}#2"));
        assert_eq!(batched.articles[1].source.as_deref(), Some("Wire 1"));
    }

    /// The warm-up takes the file the walk would take first and reads no
    /// more of it than its cap; with nothing to read it reads nothing.
    #[test]
    fn warm_up_reads_the_first_file_cut_short() {
        let dir = tempfile::tempdir().expect("temp dir");
        assert_eq!(warm_up(&[dir.path().to_path_buf()]), 0, "nothing to read");
        let story = "Prime Minister John Smith signed the pact on Tuesday.\n\n".repeat(4000);
        assert!(story.len() as u64 > WARM_BYTES);
        std::fs::write(dir.path().join("a.txt"), &story).expect("write");
        std::fs::write(dir.path().join("b.txt"), "Short story.\n").expect("write");
        assert_eq!(warm_up(&[dir.path().to_path_buf()]), WARM_BYTES as usize);
        // Not a warm-up's business to fail: a vanished root reads nothing.
        assert_eq!(warm_up(&[dir.path().join("gone")]), 0);
    }

    /// The writer's one indexing thread leaves the documents to the
    /// feeder, more threads to the workers; either way a file's documents
    /// are the same, and an empty file is empty in both forms.
    #[test]
    fn documents_are_the_same_built_on_a_worker_or_on_the_feeder() {
        assert_eq!(DocsOn::for_writer(1), DocsOn::Feeder);
        assert_eq!(DocsOn::for_writer(2), DocsOn::Workers);
        assert_eq!(DocsOn::Feeder.for_file(1), DocsOn::Feeder);
        assert_eq!(DocsOn::Feeder.for_file(2), DocsOn::Workers);
        assert_eq!(DocsOn::Workers.for_file(1), DocsOn::Workers);
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("story.md");
        std::fs::write(
            &path,
            "# Pact signed in Geneva\n\nBy Jane Doe, 12 March 2024\n\n\
             Prime Minister John Smith signed the non-aggression pact on Tuesday.\n\n\
             Subscribe to our newsletter for more.\n",
        )
        .expect("write");
        let file = SourceFile {
            size: std::fs::metadata(&path).expect("stat").len(),
            path,
            modified: 7,
        };
        let schema = NewsSchema::new();
        let opts = IngestOptions::default();
        let built = |on| {
            let r = Ready::new(&file, read_file(&file, &opts), &schema, 1, on);
            let left_to_feeder = matches!(r.content, Content::Articles(_));
            assert_eq!(left_to_feeder, on == DocsOn::Feeder);
            assert!(!r.content.is_empty());
            r.content.into_docs(&file, &schema)
        };
        let (on_worker, on_feeder) = (built(DocsOn::Workers), built(DocsOn::Feeder));
        assert_eq!(on_worker.len(), 1);
        assert_eq!(on_worker, on_feeder);
        let empty = FileResult::default();
        let r = Ready::new(&file, empty, &schema, 1, DocsOn::Feeder);
        assert!(r.content.is_empty());
        // A file of several articles has them built on its worker.
        let path = dir.path().join("two.ndjson");
        std::fs::write(
            &path,
            "{\"title\": \"One\", \"body\": \"First story here.\"}\n\
             {\"title\": \"Two\", \"body\": \"Second story here.\"}\n",
        )
        .expect("write");
        let two = SourceFile {
            size: std::fs::metadata(&path).expect("stat").len(),
            path,
            modified: 7,
        };
        let r = Ready::new(&two, read_file(&two, &opts), &schema, 1, DocsOn::Feeder);
        assert!(matches!(&r.content, Content::Docs(d) if d.len() == 2));
    }

    /// A worker holds small files until they add up to [`BATCH_BYTES`],
    /// then sends them as one batch; `flush` sends what is left.
    #[test]
    fn small_files_go_in_batches() {
        let small = source(BATCH_BYTES / 4);
        // One thread: each `install` then runs on the same worker's slot.
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .expect("a pool of one thread");
        let handoff = Handoff::new(pool.current_num_threads(), IN_FLIGHT_BYTES);
        let (tx, rx) = std::sync::mpsc::sync_channel(16);
        let mut sizes = Vec::new();
        for _ in 0..5 {
            pool.install(|| handoff.hold(part(&small), &tx))
                .expect("open");
            sizes.extend(rx.try_iter().map(|b: Vec<Ready>| b.len()));
        }
        assert_eq!(sizes, vec![4], "the fourth quarter fills a batch");
        handoff.flush(&tx).expect("open");
        assert_eq!(rx.try_iter().map(|b| b.len()).collect::<Vec<_>>(), vec![1]);
        handoff.flush(&tx).expect("open");
        assert_eq!(rx.try_iter().count(), 0, "nothing held twice");
    }

    /// Room held by a batch comes back: a taker that must wait hands the
    /// batches over first, and while it waits a worker sends each file at
    /// once. Without that, a worker that held a file and ran out of work
    /// would keep the room a waiting taker needs, and the run would hang.
    #[test]
    fn a_wait_for_room_hands_held_files_over() {
        let (small, other) = (source(BATCH_BYTES / 2), source(1));
        let pool = worker_pool().expect("a pool of threads");
        let cap = BATCH_BYTES * 4;
        let handoff = Handoff::new(pool.current_num_threads(), cap);
        let in_flight = &handoff.room;
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Ready>>(16);
        assert!(in_flight.take(small.size, || {}));
        pool.install(|| handoff.hold(part(&small), &tx))
            .expect("open");
        assert_eq!(rx.try_iter().count(), 0, "held");
        std::thread::scope(|scope| {
            let (got_tx, got_rx) = std::sync::mpsc::channel();
            let (h, t) = (&handoff, tx.clone());
            // Needs all the room, so it waits for the held file's.
            scope.spawn(move || got_tx.send(h.take(cap, &t)));
            let batch = rx
                .recv_timeout(Duration::from_secs(10))
                .expect("handed over");
            assert_eq!(batch.len(), 1);
            // While it waits, a file a worker finishes goes at once.
            while !in_flight.someone_waits() {
                std::thread::yield_now();
            }
            pool.install(|| handoff.hold(part(&other), &tx))
                .expect("open");
            assert_eq!(rx.try_iter().map(|b| b.len()).collect::<Vec<_>>(), vec![1]);
            in_flight.give(small.size);
            assert_eq!(
                got_rx.recv_timeout(Duration::from_secs(10)).ok(),
                Some(true)
            );
        });
    }
}
