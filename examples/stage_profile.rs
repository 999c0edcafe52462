//! Where ingest CPU goes, stage by stage, on one thread: read, decode +
//! parse, clean, extract as ingest does it (`assemble_unprinted`; people,
//! dates, source and byline timed again on their own), building the
//! tantivy document (with our analyzer over title and body timed again on
//! its own; the near print and the fingerprint are built from the
//! analyzer's words, so only the document row has them), and tantivy's
//! `en_stem` over the same text for comparison.
//!
//! The "of which" rows rerun each part right after the whole stage, on text
//! it has just read, so they show each part warm: in a profile of r001
//! people and dates cost 30-60% more inside `extract::assemble` than in
//! these rows, and the rows add up to less than their stage.
//!
//! In: one or more corpus folders. Out: a table of seconds (this thread's
//! CPU time) and MB/s per stage on stdout. It does not index anything or use more than one core;
//! `scripts/bench` measures the whole pipeline.
//!
//! ```sh
//! cargo run --release --example stage_profile -- bench-out/corpus-1g/r001
//! ```

use std::path::PathBuf;
use std::time::Duration;

use newsidx::analyzer::{NewsTokenizer, pre_analyze};
use newsidx::article::Article;
use newsidx::schema::NewsSchema;
use tantivy::tokenizer::{Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer};
use tantivy::tokenizer::{TextAnalyzer, TokenStream};

#[derive(Default)]
struct Clock(Vec<(&'static str, Duration)>);

impl Clock {
    fn time<T>(&mut self, stage: &'static str, f: impl FnOnce() -> T) -> T {
        let t = thread_cpu();
        let out = f();
        let d = thread_cpu().saturating_sub(t);
        match self.0.iter_mut().find(|(s, _)| *s == stage) {
            Some((_, total)) => *total += d,
            None => self.0.push((stage, d)),
        }
        out
    }
}

/// CPU time of this thread, not wall time: on a shared, busy machine the
/// wall clock also counts the time other processes held the core, and
/// stage timings moved by 10-20% between runs.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec for the call's duration.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return Duration::ZERO;
    }
    Duration::new(
        u64::try_from(ts.tv_sec).unwrap_or(0),
        u32::try_from(ts.tv_nsec).unwrap_or(0),
    )
}

/// Elsewhere, wall time since the first call.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn thread_cpu() -> Duration {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    START.get_or_init(std::time::Instant::now).elapsed()
}

fn count_tokens(analyzer: &mut TextAnalyzer, text: &str) -> usize {
    let mut stream = analyzer.token_stream(text);
    let mut n = 0;
    while stream.advance() {
        n += stream.token().text.len();
    }
    n
}

fn main() {
    let roots: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    if roots.is_empty() {
        eprintln!("usage: stage_profile CORPUS...");
        std::process::exit(2);
    }
    let files = newsidx::walk::walk(&roots).files;
    let schema = NewsSchema::new();
    // The analysis `document` runs (pre-analysis into one buffer), timed
    // again on its own.
    let mut ours = NewsTokenizer::default();
    let mut terms = String::new();
    let mut en_stem = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(Stemmer::new(Language::English))
        .build();
    let mut clock = Clock::default();
    let (mut bytes_total, mut articles, mut sink) = (0usize, 0usize, 0usize);
    for f in &files {
        let Ok(bytes) = clock.time("read", || std::fs::read(&f.path)) else {
            continue;
        };
        bytes_total += bytes.len();
        let Ok(text) = clock.time("decode", || newsidx::decode::decode(&bytes)) else {
            continue;
        };
        let format = newsidx::parse::format_of(&f.path);
        let parsed = clock.time("parse", || newsidx::parse::parse(format, &text.text));
        let path = f.path.display().to_string();
        for (id, draft) in &parsed.records {
            let cleaned = clock.time("clean", || newsidx::clean::clean_body(&draft.body));
            if cleaned.body.trim().is_empty() {
                continue;
            }
            let key = format!("{path}#{id}");
            let a: Article = clock.time("extract (all)", || {
                newsidx::extract::assemble_unprinted(
                    draft,
                    &cleaned,
                    newsidx::extract::Origin {
                        key: &key,
                        path: &path,
                        default_source: None,
                    },
                )
            });
            articles += 1;
            sink += clock.time("  of which people", || {
                newsidx::extract::people::people(&a.title, &a.body).len()
            });
            sink += clock.time("  of which dates", || {
                // With the publication date, as `assemble` passes it: it
                // resolves relative mentions ("on Monday").
                let published = a
                    .published
                    .as_deref()
                    .and_then(newsidx::extract::dates::parse_published);
                newsidx::extract::dates::mentioned(&a.body, published).len()
            });
            sink += clock.time("  of which source", || {
                newsidx::extract::source::from_text(&a.body, &cleaned.removed)
                    .map_or(0, |s| s.len())
            });
            sink += clock.time("  of which byline", || {
                newsidx::extract::byline::split_body(&cleaned.body).0.len()
            });
            sink += clock.time(
                "document (incl. pre-analysis, near print, fingerprint)",
                || schema.document(&a, 0, 0).values().count(),
            );
            sink += clock.time("  analyzer: newsidx (title+body), again", || {
                terms.clear();
                pre_analyze(&mut ours, &a.title, &mut terms);
                pre_analyze(&mut ours, &a.body, &mut terms);
                terms.len()
            });
            sink += clock.time("analyzer: en_stem (title+body)", || {
                count_tokens(&mut en_stem, &a.title) + count_tokens(&mut en_stem, &a.body)
            });
        }
    }
    let mb = bytes_total as f64 / 1e6;
    println!(
        "{} files, {articles} articles, {mb:.1} MB (checksum {sink})",
        files.len()
    );
    println!("| stage | seconds | MB/s |\n|---|---|---|");
    for (stage, d) in &clock.0 {
        let s = d.as_secs_f64();
        println!("| {stage} | {s:.3} | {:.1} |", mb / s.max(1e-9));
    }
}
