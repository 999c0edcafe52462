//! Search quality and latency on the BBC corpus.
//!
//! In: the relevance set `eval/bbc-queries.tsv` (query, expected articles)
//! and the BBC corpus directory (default `../shared/corpora/bbc`, or the
//! first argument). Out: MRR@10, Success@1, Success@10 and in-process query
//! latency p50/p99 on stdout, plus one line per query that missed rank 1.
//!
//! It builds a throwaway index in a temp dir through the library's ingest
//! API and runs every query through `SearchEngine::search` exactly as the CLI
//! does (top 10, snippets on). It does not tune anything, and it skips with a
//! message (exit 0) when the corpus is absent so CI on a bare clone passes.
//!
//! Run: `cargo run --release --example eval_search [BBC_DIR]`

use std::path::{Path, PathBuf};
use std::time::Instant;

use newsidx::ingest::{IngestOptions, ingest};
use newsidx::search::{SearchEngine, SearchRequest};

/// One line of the relevance set.
struct Judged {
    query: String,
    expected: Vec<String>,
}

fn load_set(path: &Path) -> anyhow::Result<Vec<Judged>> {
    let text = std::fs::read_to_string(path)?;
    let mut out = Vec::new();
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let mut cols = line.split('\t');
        let (Some(q), Some(e)) = (cols.next(), cols.next()) else {
            anyhow::bail!("{}: malformed line {line:?}", path.display());
        };
        out.push(Judged {
            query: q.to_string(),
            expected: e.split(',').map(|s| s.trim().to_string()).collect(),
        });
    }
    Ok(out)
}

/// Whether an indexed path (absolute) is one of the expected corpus paths.
fn is_expected(path: &str, expected: &[String]) -> bool {
    expected
        .iter()
        .any(|e| path.ends_with(&format!("/{e}")) || path == e)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn main() -> anyhow::Result<()> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let corpus = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../shared/corpora/bbc"));
    if !corpus.join("business").is_dir() {
        println!(
            "eval_search: BBC corpus not found at {} (skipped)",
            corpus.display()
        );
        return Ok(());
    }
    let set = load_set(&root.join("eval/bbc-queries.tsv"))?;
    let dir = tempfile::tempdir()?;
    let started = Instant::now();
    let summary = ingest(
        dir.path(),
        std::slice::from_ref(&corpus),
        &IngestOptions::default(),
        &|_| {},
    )?;
    eprintln!(
        "indexed {} articles in {:.1}s",
        summary.new,
        started.elapsed().as_secs_f64()
    );
    let engine = SearchEngine::open(dir.path())?;
    // Warm the reader and the page cache so the first query is not an outlier.
    for j in &set {
        engine.search(&SearchRequest {
            query: j.query.clone(),
            ..SearchRequest::default()
        })?;
    }
    let (mut rr, mut s1, mut s10) = (0.0f64, 0usize, 0usize);
    let mut latencies: Vec<f64> = Vec::new();
    for j in &set {
        let req = SearchRequest {
            query: j.query.clone(),
            limit: 10,
            ..SearchRequest::default()
        };
        let t = Instant::now();
        let results = engine.search(&req)?;
        latencies.push(t.elapsed().as_secs_f64() * 1000.0);
        // A collapsed hit counts through any of its copies.
        let rank = results
            .hits
            .iter()
            .position(|h| {
                is_expected(&h.path, &j.expected)
                    || h.duplicates.iter().any(|d| is_expected(d, &j.expected))
            })
            .map(|i| i + 1);
        match rank {
            Some(r) => {
                rr += 1.0 / r as f64;
                s1 += usize::from(r == 1);
                s10 += 1;
                if r > 1 {
                    println!("  rank {r:>2}: {}", j.query);
                }
            }
            None => println!("  missed : {}", j.query),
        }
    }
    latencies.sort_by(f64::total_cmp);
    let n = set.len() as f64;
    println!("queries      {}", set.len());
    println!("MRR@10       {:.3}", rr / n);
    println!("Success@1    {:.3}", s1 as f64 / n);
    println!("Success@10   {:.3}", s10 as f64 / n);
    println!("latency p50  {:.2} ms", percentile(&latencies, 0.50));
    println!("latency p99  {:.2} ms", percentile(&latencies, 0.99));
    Ok(())
}
