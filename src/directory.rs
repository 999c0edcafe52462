//! The folder ingest writes the index through: tantivy's [`MmapDirectory`],
//! except that a finished segment file is made durable at the next commit
//! instead of the moment it is finished. In: the index folder's path. Out:
//! a [`SyncAtCommit`] to build the writing [`tantivy::Index`] on. It does
//! not change what is written or when a commit is durable; readers
//! (`search`) open the folder with tantivy's own directory.
//!
//! Why: tantivy syncs each segment file (`fdatasync`) as its writer ends,
//! on the indexing thread, in the middle of writing the segment. Writing a
//! BBC-sized segment ended in six such waits for the disk (5-7 ms in all
//! on this machine, measured with the segment's own file sizes), at the
//! end of the ingest, when nothing else is left to run. Here a finished
//! file only asks the kernel to start writing it back
//! (`sync_file_range`), and the wait moves to the commit, where tantivy
//! calls [`Directory::sync_directory`] before it replaces `meta.json`; by
//! then most of the data is on its way, and waiting for six files that
//! were written back already took 0.7-1.0 ms instead. This is the order
//! tantivy itself documents for [`Directory::open_write`]: a file is
//! durable once it is terminated *and* the directory is synced. So a
//! commit still never points at data that a power cut can lose, and a
//! killed process loses nothing the page cache holds.

use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    AntiCallToken, Directory, DirectoryLock, FileHandle, FileSlice, Lock, MmapDirectory,
    TerminatingWrite, WatchCallback, WatchHandle, WritePtr,
};

/// tantivy's [`MmapDirectory`] with segment files synced at commit time
/// (see the module documentation). Clones share the files waiting for
/// their sync.
#[derive(Clone)]
pub struct SyncAtCommit {
    inner: MmapDirectory,
    root: PathBuf,
    /// Finished files not yet synced, synced by the next
    /// [`Directory::sync_directory`].
    unsynced: Arc<Mutex<Vec<File>>>,
}

impl SyncAtCommit {
    /// The directory at `root`, which must exist.
    pub fn open(root: &Path) -> tantivy::Result<SyncAtCommit> {
        Ok(SyncAtCommit {
            inner: MmapDirectory::open(root)?,
            root: root.to_path_buf(),
            unsynced: Arc::default(),
        })
    }

    /// Sync every finished file. When one fails, the commit that asked
    /// fails (the index keeps its previous commit), and that file and the
    /// ones not reached stay on the list: a later commit still syncs them
    /// before it names them.
    fn sync_files(&self) -> io::Result<()> {
        let mut files = std::mem::take(&mut *waiting(&self.unsynced));
        while let Some(file) = files.pop() {
            if let Err(e) = file.sync_data() {
                files.push(file);
                waiting(&self.unsynced).append(&mut files);
                return Err(e);
            }
        }
        Ok(())
    }
}

/// The list of files waiting for their sync. A panic elsewhere while it
/// was held cannot have left it half changed (a push, a take, an append),
/// so a poisoned lock is taken as it is.
fn waiting(list: &Mutex<Vec<File>>) -> MutexGuard<'_, Vec<File>> {
    list.lock().unwrap_or_else(PoisonError::into_inner)
}

impl fmt::Debug for SyncAtCommit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SyncAtCommit({:?})", self.root)
    }
}

/// A segment file being written: on termination it starts its write-back
/// and joins the files the next commit syncs.
struct SegmentFile {
    file: Option<File>,
    unsynced: Arc<Mutex<Vec<File>>>,
}

impl Write for SegmentFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.file {
            Some(file) => file.write(buf),
            None => Err(io::Error::other(
                "segment file written after it was finished",
            )),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl TerminatingWrite for SegmentFile {
    fn terminate_ref(&mut self, _: AntiCallToken) -> io::Result<()> {
        let Some(file) = self.file.take() else {
            return Ok(());
        };
        start_write_back(&file);
        waiting(&self.unsynced).push(file);
        Ok(())
    }
}

/// Ask the kernel to start writing `file`'s dirty pages to the disk, without
/// waiting for them. Only a head start for the sync at commit: where it is
/// not available or fails, that sync does all the work.
fn start_write_back(file: &File) {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        use std::os::fd::AsRawFd;
        // SAFETY: a system call on a file descriptor this `File` owns and
        // keeps open for the call; no memory is passed.
        unsafe {
            libc::sync_file_range(file.as_raw_fd(), 0, 0, libc::SYNC_FILE_RANGE_WRITE);
        }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    let _ = file;
}

impl Directory for SyncAtCommit {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.inner.get_file_handle(path)
    }

    fn open_read(&self, path: &Path) -> Result<FileSlice, OpenReadError> {
        self.inner.open_read(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.inner.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        // As `MmapDirectory::open_write`: a new file, never an existing one.
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(self.root.join(path))
            .map_err(|e| {
                if e.kind() == io::ErrorKind::AlreadyExists {
                    OpenWriteError::FileAlreadyExists(path.to_path_buf())
                } else {
                    OpenWriteError::wrap_io_error(e, path.to_path_buf())
                }
            })?;
        let writer = SegmentFile {
            file: Some(file),
            unsynced: Arc::clone(&self.unsynced),
        };
        Ok(BufWriter::new(Box::new(writer)))
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.inner.atomic_write(path, data)
    }

    fn sync_directory(&self) -> io::Result<()> {
        self.sync_files()?;
        self.inner.sync_directory()
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        self.inner.acquire_lock(lock)
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(watch_callback)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::schema::{STORED, Schema, TEXT};
    use tantivy::{Index, IndexWriter, TantivyDocument, doc};

    fn write(dir: &dyn Directory, name: &str, data: &[u8]) -> io::Result<()> {
        let mut w = dir.open_write(Path::new(name)).map_err(io::Error::other)?;
        w.write_all(data)?;
        w.terminate()
    }

    fn waiting_files(dir: &SyncAtCommit) -> usize {
        waiting(&dir.unsynced).len()
    }

    #[test]
    fn finished_files_are_readable_and_wait_for_the_next_sync() -> io::Result<()> {
        let tmp = tempfile::tempdir()?;
        let dir = SyncAtCommit::open(tmp.path()).map_err(io::Error::other)?;
        write(&dir, "a.idx", b"postings")?;
        // tantivy clones its directory; the clones share the waiting files.
        let clone: Box<dyn Directory> = Box::new(dir.clone());
        write(clone.as_ref(), "b.pos", b"positions")?;
        assert_eq!(waiting_files(&dir), 2);
        let read = dir
            .open_read(Path::new("b.pos"))
            .map_err(io::Error::other)?;
        assert_eq!(read.read_bytes()?.as_slice(), b"positions");
        // A file is never written twice.
        assert!(matches!(
            dir.open_write(Path::new("a.idx")),
            Err(OpenWriteError::FileAlreadyExists(_))
        ));
        dir.sync_directory()?;
        assert_eq!(waiting_files(&dir), 0);
        Ok(())
    }

    #[test]
    fn a_commit_syncs_every_segment_file_before_it_is_visible() -> tantivy::Result<()> {
        let tmp = tempfile::tempdir()?;
        let dir = SyncAtCommit::open(tmp.path())?;
        let mut schema = Schema::builder();
        let text = schema.add_text_field("text", TEXT | STORED);
        let index = Index::create(dir.clone(), schema.build(), Default::default())?;
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000)?;
        writer.add_document(doc!(text => "non-aggression pact"))?;
        writer.commit()?;
        assert_eq!(waiting_files(&dir), 0);
        drop(writer);
        // Read back through tantivy's own directory, as `search` does.
        let reopened = Index::open_in_dir(tmp.path())?;
        let searcher = reopened.reader()?.searcher();
        assert_eq!(searcher.num_docs(), 1);
        let stored: TantivyDocument = searcher.doc(tantivy::DocAddress::new(0, 0))?;
        assert_eq!(
            stored
                .get_first(text)
                .and_then(|v| tantivy::schema::Value::as_str(&v)),
            Some("non-aggression pact")
        );
        Ok(())
    }
}
