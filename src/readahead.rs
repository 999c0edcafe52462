//! Read-ahead for ingest: asks the kernel to bring the next files the
//! workers will read into the page cache while they are still busy with
//! earlier ones. In: the files to be read, and a [`Cursor`] on which the
//! readers say which file each is reading. Out: nothing but the page cache.
//! It never reads a file's bytes into the process, holds no file open
//! between steps, never makes a reader wait, and reports no errors: a file
//! it cannot open is one the reader will report.
//!
//! Why: each worker reads its file on the thread that then cleans and
//! extracts it, so a file that is not cached stops that worker for the
//! disk's latency, and a core idles. A first ingest meets exactly that: a
//! folder saved over weeks, or paged out since it was last read. Bare
//! tantivy's bench binary reads on a thread of its own and hid the disk
//! better: on BBC with the files dropped from the cache before each run,
//! newsidx lost 150 ms to it and bare 50 ms (docs/bench-log.md).
//!
//! It starts only once a worker's read went to the disk ([`Cursor::read_done`]):
//! asking for a file costs an open, the hint and a close, about 12 µs, which
//! on an all-cached BBC ingest was 26 ms of CPU for nothing. And it stops
//! again once `CACHED_RUN` files in a row it asked for were all cached
//! already (its own hints read nothing from the disk): a folder that is
//! cached but for a few files the kernel dropped must not have every file
//! after the first such one asked for. On this project's host, which drops
//! cached pages within seconds, 3 of 6 BBC ingests right after the corpus
//! was read whole started it, and it then asked for 1,994 to 2,226 of the
//! 2,227 files.

use std::path::Path;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::Thread;

use crate::walk::SourceFile;

/// How many files the read-ahead keeps asked for ahead of each reader.
/// Enough to keep a disk's queue busy with small files, and few enough
/// that what it loads is still cached when read.
const AHEAD_FILES: usize = 128;

/// And at most this many bytes of them (the page cache's, not ours).
const AHEAD_BYTES: u64 = 8 * 1024 * 1024;

/// After asking for this many files in a row that were all cached already,
/// the read-ahead waits for a reader's next read from the disk. Enough that
/// a few cached files among cold ones do not stop it (a folder read in
/// part before), few enough that a cached folder costs well under a
/// millisecond of hints for each file the kernel had dropped.
const CACHED_RUN: usize = 32;

/// A reader wakes the read-ahead at each file whose index is a multiple
/// of this: readers mostly go through the list in order, so that is about
/// once per this many files, often enough that the read-ahead never falls
/// much below [`AHEAD_FILES`] ahead and rarely enough to cost nothing.
const WAKE_EVERY: usize = 32;

/// Where each reader is in the list, shared with the read-ahead. The
/// readers choose their files (rayon's jobs run from two or more points
/// of the list at once, each reader mostly in order from its point); the
/// read-ahead follows each reader.
pub struct Cursor {
    /// Per reader (a rayon thread index), the file it is reading;
    /// [`NOT_STARTED`] before its first.
    at: Box<[AtomicUsize]>,
    finished: AtomicBool,
    /// A read went to the disk: the read-ahead is wanted.
    cold: AtomicBool,
    /// The read-ahead's thread, once it runs: parked while far enough
    /// ahead, woken by the readers and by [`Cursor::finish`].
    ahead: OnceLock<Thread>,
}

const NOT_STARTED: usize = usize::MAX;

impl Cursor {
    /// A cursor for `readers` readers (rayon thread indexes `0..readers`).
    pub fn new(readers: usize) -> Cursor {
        Cursor {
            at: (0..readers.max(1))
                .map(|_| AtomicUsize::new(NOT_STARTED))
                .collect(),
            finished: AtomicBool::new(false),
            cold: AtomicBool::new(false),
            ahead: OnceLock::new(),
        }
    }

    /// Reader `reader` is about to read file `index`. A reader outside the
    /// cursor's count is not followed.
    pub fn reading(&self, reader: usize, index: usize) {
        if let Some(at) = self.at.get(reader) {
            at.store(index, Ordering::Relaxed);
            if index.is_multiple_of(WAKE_EVERY) {
                self.wake();
            }
        }
    }

    /// Call after reading a file, on the reader's thread: if this thread's
    /// reads went to the disk since its last call (the kernel's count of
    /// its block input), the read-ahead starts.
    pub fn read_done(&self) {
        if !self.cold.load(Ordering::Relaxed) && read_from_disk() {
            self.start();
        }
    }

    /// Start the read-ahead now.
    pub fn start(&self) {
        self.cold.store(true, Ordering::Relaxed);
        self.wake();
    }

    /// The readers are done (or stopped on an error): the read-ahead ends.
    pub fn finish(&self) {
        self.finished.store(true, Ordering::Relaxed);
        self.wake();
    }

    fn wake(&self) {
        if let Some(t) = self.ahead.get() {
            t.unpark();
        }
    }

    fn done(&self) -> bool {
        self.finished.load(Ordering::Relaxed)
    }
}

/// Calls [`Cursor::finish`] when dropped, so the read-ahead ends on every
/// path out of the readers, a panic included.
pub struct FinishOnDrop<'a>(pub &'a Cursor);

impl Drop for FinishOnDrop<'_> {
    fn drop(&mut self) {
        self.0.finish();
    }
}

/// Ask for `files` to be cached, each at most once, staying at most
/// `AHEAD_FILES` and `AHEAD_BYTES` ahead of each reader of `cursor`;
/// files over `max_bytes` are not read by ingest and are skipped. Returns
/// when the cursor is finished. Run it on a thread of its own.
pub fn run(files: &[&SourceFile], cursor: &Cursor, max_bytes: u64) {
    if !ENABLED {
        return;
    }
    let _ = cursor.ahead.set(std::thread::current());
    // Nothing to do while every read finds its file cached.
    let wait_for_cold = || {
        while !cursor.cold.load(Ordering::Relaxed) && !cursor.done() {
            std::thread::park();
        }
    };
    wait_for_cold();
    // Bytes of the files before each index, to bound the bytes ahead.
    let mut before = Vec::with_capacity(files.len() + 1);
    let mut sum = 0u64;
    before.push(0);
    for f in files {
        sum = sum.saturating_add(f.size);
        before.push(sum);
    }
    let bytes_before = |i: usize| before.get(i).copied().unwrap_or(sum);
    let mut asked = vec![false; files.len()];
    // Per reader, the next index to consider.
    let mut next = vec![0usize; cursor.at.len()];
    // Files asked for in a row whose hints read nothing from the disk.
    let mut cached_run = 0usize;
    // Start counting this thread's reads from here.
    let _ = read_from_disk();
    while !cursor.done() {
        let mut any = false;
        for (reader, at) in cursor.at.iter().enumerate() {
            let at = at.load(Ordering::Relaxed);
            let Some(from) = at.checked_add(1) else {
                continue; // not started
            };
            let Some(next) = next.get_mut(reader) else {
                continue;
            };
            // Behind the reader, or far ahead of it after it moved to
            // another point of the list: start again after its file.
            let bound = from.saturating_add(AHEAD_FILES);
            if *next < from || *next > bound {
                *next = from;
            }
            while *next < files.len()
                && *next < bound
                && cached_run < CACHED_RUN
                && bytes_before(*next) - bytes_before(from) <= AHEAD_BYTES
            {
                if let Some(seen) = asked.get_mut(*next).filter(|seen| !**seen) {
                    *seen = true;
                    any = true;
                    if let Some(f) = files.get(*next).filter(|f| f.size <= max_bytes) {
                        advise(&f.path);
                        // The hint reads on this thread (the kernel counts
                        // the reads it starts as this thread's block input).
                        if read_from_disk() {
                            cached_run = 0;
                        } else {
                            cached_run += 1;
                        }
                    }
                }
                *next += 1;
            }
        }
        if cached_run >= CACHED_RUN {
            // The files are cached again: wait for the next cold read. A
            // reader's signal that lands just before this store is lost,
            // and its next cold read starts the read-ahead instead.
            cached_run = 0;
            cursor.cold.store(false, Ordering::Relaxed);
            wait_for_cold();
        } else if !any {
            // No lost wake-up: an unpark since the readers' positions were
            // read makes this return at once.
            std::thread::park();
        }
    }
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
const ENABLED: bool = true;
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
const ENABLED: bool = false;

/// Start reading `path` into the page cache, without waiting for it.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn advise(path: &Path) {
    use std::os::fd::AsRawFd;
    if let Ok(f) = std::fs::File::open(path) {
        // SAFETY: `f` is an open descriptor for the whole call; the call
        // passes no memory and only hints the kernel.
        unsafe {
            libc::posix_fadvise(f.as_raw_fd(), 0, 0, libc::POSIX_FADV_WILLNEED);
        }
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn advise(_path: &Path) {}

/// Whether the calling thread read from the disk since its last call: its
/// block input count went up (`getrusage`, per thread; one system call of
/// well under a microsecond).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn read_from_disk() -> bool {
    use std::cell::Cell;
    thread_local! {
        static SEEN: Cell<i64> = const { Cell::new(0) };
    }
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::uninit();
    // SAFETY: `usage` is a valid place for one `rusage`, which the call
    // fills when it returns 0; it is read only then.
    let now = unsafe {
        if libc::getrusage(libc::RUSAGE_THREAD, usage.as_mut_ptr()) != 0 {
            return false;
        }
        usage.assume_init().ru_inblock
    };
    SEEN.with(|seen| seen.replace(now) < now)
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn read_from_disk() -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn file(path: PathBuf, size: u64) -> SourceFile {
        SourceFile {
            path,
            size,
            modified: 0,
        }
    }

    fn files_in(dir: &Path, n: usize) -> Vec<SourceFile> {
        (0..n)
            .map(|k| {
                let p = dir.join(format!("{k}.txt"));
                std::fs::write(&p, "Title\n\nBody.").expect("write");
                file(p, 12)
            })
            .collect()
    }

    /// Runs the read-ahead over `files` on its own thread, waits `ms`, then
    /// finishes the cursor and joins it (so the test fails by hanging if
    /// `finish` does not end it). Returns whether it was still running
    /// before `finish`.
    fn running_until_finished(
        files: &[SourceFile],
        cursor: &Cursor,
        max_bytes: u64,
        ms: u64,
    ) -> bool {
        let refs: Vec<&SourceFile> = files.iter().collect();
        std::thread::scope(|s| {
            let ahead = s.spawn(|| run(&refs, cursor, max_bytes));
            std::thread::sleep(std::time::Duration::from_millis(ms));
            let running = !ahead.is_finished();
            cursor.finish();
            ahead.join().expect("read-ahead thread");
            running
        })
    }

    #[test]
    fn ends_when_the_readers_finish_even_far_behind() {
        // More files than it may run ahead of readers that never move: it
        // parks, and `finish` must end it.
        let dir = tempfile::tempdir().expect("temp dir");
        let files = files_in(dir.path(), AHEAD_FILES * 3);
        let cursor = Cursor::new(2);
        cursor.start();
        cursor.reading(0, 0);
        cursor.reading(1, AHEAD_FILES + 5);
        let running = running_until_finished(&files, &cursor, u64::MAX, 50);
        assert!(running || !ENABLED, "it waits for the readers");
    }

    #[test]
    fn waits_for_a_cold_read_and_ends_with_the_readers_without_one() {
        let dir = tempfile::tempdir().expect("temp dir");
        let files = files_in(dir.path(), 3);
        let cursor = Cursor::new(1);
        cursor.reading(0, 0);
        let running = running_until_finished(&files, &cursor, u64::MAX, 20);
        assert!(running || !ENABLED, "it waits for a cold read");
    }

    #[test]
    fn stops_when_the_files_it_asks_for_are_cached_and_starts_again_on_a_cold_read() {
        // Files just written are in the page cache: hints for them read
        // nothing, so after `CACHED_RUN` of them it waits for a cold read.
        let dir = tempfile::tempdir().expect("temp dir");
        let files = files_in(dir.path(), CACHED_RUN * 3);
        let refs: Vec<&SourceFile> = files.iter().collect();
        let cursor = Cursor::new(1);
        let wait_until = |cold: bool| {
            for _ in 0..500 {
                if cursor.cold.load(Ordering::Relaxed) == cold {
                    return true;
                }
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
            false
        };
        std::thread::scope(|s| {
            let ahead = s.spawn(|| run(&refs, &cursor, u64::MAX));
            cursor.reading(0, 0);
            cursor.start();
            let stopped = wait_until(false);
            // A reader's next cold read starts it again; the files are
            // still cached, so it stops again.
            cursor.start();
            let stopped_again = wait_until(false);
            cursor.finish();
            ahead.join().expect("read-ahead thread");
            assert!(!ENABLED || (stopped && stopped_again), "it goes quiet");
        });
    }

    #[test]
    fn passes_over_missing_and_oversized_files_and_unknown_readers() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut files = files_in(dir.path(), 2);
        files.push(file(dir.path().join("gone.txt"), 10));
        files.push(file(dir.path().join("huge.txt"), u64::MAX));
        let cursor = Cursor::new(1);
        cursor.start();
        cursor.reading(7, 1); // not one of its readers: ignored
        cursor.reading(0, 0);
        running_until_finished(&files, &cursor, 1 << 20, 20);
    }

    #[test]
    fn a_thread_that_read_nothing_from_disk_says_so() {
        // A fresh thread: its first call sees its count so far, the second
        // nothing new (it read nothing in between).
        std::thread::spawn(|| {
            let _ = read_from_disk();
            assert!(!read_from_disk());
        })
        .join()
        .expect("thread");
    }
}
