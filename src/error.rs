//! The library's error type. Only walking, reading, index writes and query
//! parsing can fail; cleaning and extraction are total and never appear here.

use std::path::PathBuf;

/// Everything the library reports as a failure.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Another process holds the index writer lock.
    #[error(
        "index at {0} is locked: another `newsidx ingest` is running (or crashed very recently)"
    )]
    Locked(PathBuf),
    /// The index on disk was written by another schema version.
    #[error(
        "index at {path} was written by schema version {found}, this newsidx uses {expected}: re-ingest with --rebuild"
    )]
    SchemaVersion {
        /// Index directory.
        path: PathBuf,
        /// Version found on disk.
        found: String,
        /// Version this build writes.
        expected: u32,
    },
    /// No index exists at the given path yet.
    #[error("no index at {0}: run `newsidx ingest PATH` first")]
    NoIndex(PathBuf),
    /// The query text could not be understood.
    #[error("bad query: {0}")]
    Query(String),
    /// A file or directory operation failed.
    // The OS error is part of the message and deliberately not the error's
    // `source`: anyhow's `{:#}` would print it a second time.
    #[error("{path}: {error}")]
    Io {
        /// The path involved.
        path: PathBuf,
        /// The underlying error.
        error: std::io::Error,
    },
    /// The search engine reported an error.
    #[error("index error: {0}")]
    Index(String),
    /// The ingest worker threads could not be started.
    #[error("cannot start the worker threads: {0}")]
    Workers(String),
    /// No article stored under that key.
    #[error("no article with key {0:?}")]
    NotFound(String),
}

impl From<tantivy::TantivyError> for Error {
    fn from(e: tantivy::TantivyError) -> Self {
        match e {
            tantivy::TantivyError::LockFailure(lock, _) => {
                Error::Locked(PathBuf::from(format!("{lock:?}")))
            }
            other => Error::Index(other.to_string()),
        }
    }
}

/// Result alias for the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;
