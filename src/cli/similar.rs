//! `newsidx similar KEY`: articles most like a stored one (its most telling
//! words as one weighted query), without the article itself and its exact or
//! near copies. Same hit shape as `search`, in the terminal and with
//! `--json`. Exit code 1 when nothing is similar.

use anyhow::Context;
use clap::Args;
use newsidx::search::{SearchEngine, SearchRequest};

use super::{EXIT_NO_HITS, Global};

/// Arguments of `similar`.
#[derive(Debug, Args)]
pub struct SimilarArgs {
    /// The article key (its path, plus #n for a record of a multi-article file)
    pub key: String,
    /// Number of hits
    #[arg(short = 'n', long, default_value_t = 10)]
    pub limit: usize,
    /// Passages per hit
    #[arg(long, default_value_t = 1)]
    pub passages: usize,
    /// Approximate passage length in characters
    #[arg(long, default_value_t = 220)]
    pub snippet_len: usize,
}

pub fn run(g: &Global, args: SimilarArgs) -> anyhow::Result<u8> {
    let engine = SearchEngine::open_once(&g.index)?;
    let req = SearchRequest {
        limit: args.limit,
        passages: args.passages,
        snippet_len: args.snippet_len,
        ..SearchRequest::default()
    };
    let key = super::show::resolve_key(&args.key);
    let results = engine
        .similar(&key, &req)
        .or_else(|_| engine.similar(&args.key, &req))
        .context("similar failed")?;
    if g.json {
        super::print_json(&results)?;
    } else {
        super::print_results(&results, g.color)?;
    }
    Ok(if results.hits.is_empty() {
        EXIT_NO_HITS
    } else {
        0
    })
}
