//! Criterion micro benches: the per-file pipeline (decode + parse + clean +
//! extract, i.e. `ingest::articles_from_bytes`) on each `sample_corpus/`
//! file, throughput in bytes, and `SearchEngine::search` (top 10 with
//! snippets) on a small index built from `sample_corpus/` in a tempdir.
//!
//! In: the files under `sample_corpus/`. Out: criterion's report.
//! It does not measure tantivy indexing or whole-corpus figures: those are
//! `scripts/bench` with `examples/bare_tantivy.rs` beside it.

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use newsidx::ingest::{IngestOptions, articles_from_bytes, ingest};
use newsidx::search::{SearchEngine, SearchRequest};

fn sample() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample_corpus")
}

fn pipeline(c: &mut Criterion) {
    let files = newsidx::walk::walk(&[sample()]).files;
    let mut group = c.benchmark_group("articles_from_bytes");
    for f in &files {
        let Ok(bytes) = std::fs::read(&f.path) else {
            continue;
        };
        let name = f
            .path
            .strip_prefix(sample())
            .unwrap_or(&f.path)
            .display()
            .to_string();
        let path_str = f.path.display().to_string();
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| articles_from_bytes(&path_str, &f.path, black_box(&bytes), None))
        });
    }
    group.finish();
}

fn search(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let index = dir.path().join("index");
    ingest(&index, &[sample()], &IngestOptions::default(), &|_| {}).expect("ingest sample");
    let engine = SearchEngine::open(Path::new(&index)).expect("open");
    let mut group = c.benchmark_group("search");
    for q in [
        "cyber",
        "\"non-aggression pact\"",
        "climate OR rates",
        "person:putin",
    ] {
        let req = SearchRequest {
            query: q.to_string(),
            ..SearchRequest::default()
        };
        group.bench_function(q, |b| b.iter(|| engine.search(black_box(&req))));
    }
    group.finish();
}

criterion_group!(benches, pipeline, search);
criterion_main!(benches);
