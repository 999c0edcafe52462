//! newsidx: a full-text search engine for news archives.
//!
//! ```text
//! ingest:  walk ──> decode ──> parse ──> clean ──> extract ──> Article ──> indexer
//!          paths    bytes→text  txt/html/   boilerplate  title, people,      one writer,
//!          sorted,  BOM, UTF-8, md/ndjson/  out, text    dates, published,   batched commits,
//!          filtered Windows-1252 sgml→Draft normalized   source → Article    delete+add by path
//!
//! search:  query text + filters ──> query ──> tantivy ──> ranked docs ──> Hit { fields, Snippet }
//!                                   parse,     BM25 +      top-k, facets,   passages with byte
//!                                   expand     boosts      duplicates       offsets ──> render / server
//! ```
//!
//! Every arrow is a plain function call and every box a named type:
//! [`walk::Walk`], [`decode::Decoded`], [`parse::Parsed`] of [`Draft`]s,
//! [`clean::Cleaned`], [`Article`], [`ingest::Summary`],
//! [`search::SearchResults`] of [`search::Hit`]s. Cleaning and extraction are
//! pure and total; only walking, reading, index writes and query parsing fail,
//! with [`Error`]. [`ingest::ingest`] is where the stages join;
//! [`search::SearchEngine`] answers queries; [`server`] serves both over HTTP.
#![warn(missing_docs)]

pub mod analyzer;
pub mod article;
pub mod clean;
pub mod decode;
pub mod directory;
pub mod error;
pub mod eval;
pub mod extract;
pub mod indexer;
pub mod ingest;
mod pages;
pub mod parse;
pub mod readahead;
pub mod render;
pub mod schema;
pub mod search;
pub mod server;
mod swar;
pub mod walk;

pub use article::{Article, Draft, Extraction, Format};
pub use error::{Error, Result};
