//! newsidx: a full-text search engine for news archives.
#![warn(missing_docs)]

pub mod article;
pub mod clean;
pub mod decode;
pub mod error;
pub mod eval;
pub mod extract;
pub mod indexer;
pub mod ingest;
pub mod parse;
pub mod render;
pub mod schema;
pub mod search;
pub mod server;
pub mod walk;

pub use article::{Article, Draft, Extraction, Format};
pub use error::{Error, Result};
