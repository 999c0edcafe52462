//! `newsidx ingest PATH...`: walk, index, print the summary (and every skip
//! on stderr). Exit code 2 when anything was skipped, after indexing the rest.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use newsidx::ingest::{self, IngestOptions, Progress};

use super::{EXIT_ERROR, Global};

/// Arguments of `ingest`.
#[derive(Debug, Args)]
pub struct IngestArgs {
    /// Files and folders to index
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Source name for articles whose publication cannot be found
    #[arg(long, value_name = "NAME")]
    pub source: Option<String>,
    /// Skip files larger than this many megabytes (NDJSON dumps are read
    /// line by line at any size; the limit applies to each line)
    #[arg(long, value_name = "MB", default_value_t = 50)]
    pub max_file_size: u64,
    /// Replace the index (needed after a schema change)
    #[arg(long)]
    pub rebuild: bool,
    /// Index writer memory budget in megabytes
    #[arg(long, value_name = "MB", default_value_t = 200)]
    pub memory: usize,
}

pub fn run(g: &Global, args: IngestArgs) -> anyhow::Result<u8> {
    let opts = IngestOptions {
        max_file_bytes: args.max_file_size.saturating_mul(1024 * 1024),
        default_source: args.source,
        rebuild: args.rebuild,
        writer_bytes: args.memory.max(16) * 1_000_000,
        ..IngestOptions::default()
    };
    let bar = if std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} {wide_bar} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    } else {
        ProgressBar::hidden()
    };
    let progress = |p: Progress| match p {
        Progress::Planned(bytes) => bar.set_length(bytes),
        Progress::Done(bytes) => bar.inc(bytes),
    };
    let summary = ingest::ingest(&g.index, &args.paths, &opts, &progress)
        .with_context(|| format!("ingest into {}", g.index.display()))?;
    bar.finish_and_clear();
    let mut err = std::io::stderr().lock();
    for s in &summary.skipped {
        writeln!(err, "skipped {}: {}", s.path, s.reason)?;
    }
    if g.json {
        super::print_json(&summary)?;
    } else {
        newsidx::render::summary_text(&mut std::io::stdout().lock(), &summary)?;
    }
    Ok(if summary.skipped.is_empty() {
        0
    } else {
        EXIT_ERROR
    })
}
