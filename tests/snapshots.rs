//! Snapshot tests (insta) of what ingest stores for every `sample_corpus/`
//! article: cleaned title and body plus every extracted field. A change in
//! cleaning or extraction shows up here as a reviewable diff; CI (CI=true)
//! fails on any unreviewed change.

use std::fmt::Write;
use std::path::Path;

use newsidx::ingest::{IngestOptions, extract_paths};

#[test]
fn sample_corpus_articles() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_corpus");
    let root_abs = std::fs::canonicalize(&root).expect("sample_corpus exists");
    let (articles, skipped) =
        extract_paths(std::slice::from_ref(&root_abs), &IngestOptions::default());
    assert!(
        skipped.is_empty(),
        "sample corpus must ingest cleanly: {skipped:?}"
    );
    assert!(articles.len() >= 15);
    let prefix = format!("{}/", root_abs.display());
    for a in &articles {
        let key = a.key.strip_prefix(&prefix).unwrap_or(&a.key);
        let mut out = String::new();
        let _ = writeln!(out, "title: {}", a.title);
        let _ = writeln!(out, "format: {}", a.format.as_str());
        let _ = writeln!(out, "published: {}", a.published.as_deref().unwrap_or("-"));
        let _ = writeln!(out, "source: {}", a.source.as_deref().unwrap_or("-"));
        let _ = writeln!(out, "url: {}", a.url.as_deref().unwrap_or("-"));
        let _ = writeln!(out, "authors: {}", a.authors.join("; "));
        let _ = writeln!(out, "people: {}", a.people.join("; "));
        let _ = writeln!(out, "dates: {}", a.dates.join("; "));
        let _ = writeln!(out, "extraction: {:?}", a.extraction);
        let _ = writeln!(out, "---");
        out.push_str(&a.body);
        let name = key.replace(['/', '#', '.'], "_");
        insta::assert_snapshot!(name, out);
    }
}
