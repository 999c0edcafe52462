//! `newsidx search QUERY`: ranked hits with snippets, filters, sorting,
//! facets, "did you mean" suggestions. Exit code 1 when nothing matches.

use anyhow::Context;
use clap::{Args, ValueEnum};
use newsidx::search::{SearchEngine, SearchRequest, Sort};

use super::{EXIT_NO_HITS, Global};

/// The query language in short, shown by `newsidx search --help`.
const QUERY_HELP: &str = "\
Query language, short form (docs/QUERY.md has the whole of it):
  words             articles with all of them first, then fewer; stemmed, accents folded
  +word  -word      require / exclude a word (also: a AND b, NOT word)
  a OR b   ( )      alternatives and grouping: sanctions (putin OR medvedev)
  \"exact phrase\"    required phrase; \"phrase\"~3 allows 3 words between
  title:word  title:\"a b\"  person:putin  source:guardian
  date:2020-09  date:2020-01..2020-06  mentions:2016
Hyphens: non-aggression, \"non aggression\" and nonaggression find each other.
A query with -word goes in quotes (or after --), else it reads as an option: newsidx search 'pact -trade'";

/// Arguments of `search`.
#[derive(Debug, Args)]
#[command(after_help = QUERY_HELP)]
pub struct SearchArgs {
    /// The query
    #[arg(required = true, value_name = "QUERY")]
    pub query: Vec<String>,
    /// Number of hits
    #[arg(short = 'n', long, default_value_t = 10)]
    pub limit: usize,
    /// Hits to skip (paging)
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    /// Only articles naming this person (repeatable: all must match)
    #[arg(long, value_name = "NAME")]
    pub person: Vec<String>,
    /// Only articles from this source (repeatable: any may match)
    #[arg(long, value_name = "NAME")]
    pub source: Vec<String>,
    /// Published on or after (YYYY, YYYY-MM or YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Published on or before (YYYY, YYYY-MM or YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// Order of hits
    #[arg(long, value_enum, default_value_t = SortArg::Relevance)]
    pub sort: SortArg,
    /// Show counts of people, sources and months over all matches
    #[arg(long)]
    pub facets: bool,
    /// Passages per hit
    #[arg(long, default_value_t = 3)]
    pub passages: usize,
    /// Approximate passage length in characters
    #[arg(long, default_value_t = 220)]
    pub snippet_len: usize,
}

/// `--sort` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SortArg {
    /// Best match first
    Relevance,
    /// Latest first
    Newest,
    /// Earliest first
    Oldest,
}

pub fn run(g: &Global, args: SearchArgs) -> anyhow::Result<u8> {
    let engine = SearchEngine::open_once(&g.index)?;
    let req = SearchRequest {
        query: args.query.join(" "),
        limit: args.limit,
        offset: args.offset,
        person: args.person,
        source: args.source,
        since: args.since,
        until: args.until,
        sort: match args.sort {
            SortArg::Relevance => Sort::Relevance,
            SortArg::Newest => Sort::Newest,
            SortArg::Oldest => Sort::Oldest,
        },
        facets: args.facets,
        passages: args.passages,
        snippet_len: args.snippet_len,
    };
    let results = engine.search(&req).context("search failed")?;
    if g.json {
        super::print_json(&results)?;
    } else {
        super::print_results(&results, g.color)?;
    }
    // The process ends right after this: unmapping every segment file one
    // by one when the engine drops cost about a tenth of a short search,
    // and the exit releases them anyway. Nothing is left unwritten (the
    // index is only read; stdout is flushed at exit).
    std::mem::forget(engine);
    Ok(if results.hits.is_empty() && results.total == 0 {
        EXIT_NO_HITS
    } else {
        0
    })
}
