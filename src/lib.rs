//! newsidx: a full-text search engine for news archives.
#![warn(missing_docs)]

pub mod article;
pub mod clean;
pub mod eval;
pub mod extract;
pub mod parse;
