//! `newsidx extract FILE...`: what ingest would store, without an index.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use newsidx::ingest::{self, IngestOptions};

use super::{EXIT_ERROR, Global};

/// Arguments of `extract`.
#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// Files or folders
    #[arg(required = true, value_name = "FILE")]
    pub paths: Vec<PathBuf>,
    /// Source name for articles whose publication cannot be found
    #[arg(long, value_name = "NAME")]
    pub source: Option<String>,
}

pub fn run(g: &Global, args: ExtractArgs) -> anyhow::Result<u8> {
    let opts = IngestOptions {
        default_source: args.source,
        ..IngestOptions::default()
    };
    let (articles, skipped) = ingest::extract_paths(&args.paths, &opts);
    let mut err = std::io::stderr().lock();
    for s in &skipped {
        writeln!(err, "skipped {}: {}", s.path, s.reason)?;
    }
    if g.json {
        super::print_json(&articles)?;
    } else {
        let mut out = std::io::stdout().lock();
        for (i, a) in articles.iter().enumerate() {
            if i > 0 {
                writeln!(out, "\n{}\n", "─".repeat(60))?;
            }
            newsidx::render::article_text(&mut out, a, g.color)?;
        }
    }
    Ok(if skipped.is_empty() { 0 } else { EXIT_ERROR })
}
