//! Evaluation: text cleaning on the BBC corpus and the seed article.
//!
//! In: a BBC corpus folder (default `../shared/corpora/bbc` next to the
//! crate; five topic folders of `title\n\nbody` files, one of them Latin-1)
//! and the seed `../shared/seed/cyber-pact.txt`. Out, on stdout: body words
//! in, words kept, % kept (target ≥ 99.7%: the corpus is already clean, so
//! every removal is a false positive worth reading), docs/s for `clean_body`
//! alone (files are read first), every removed block with its file and rule,
//! and which seed blocks were removed. As a second false-positive check on
//! modern sites, the same retention figure and removals for the hand-made
//! `articleBody` texts of the article-extraction-benchmark, when present.
//!
//! It does not assert anything or fail on figures; it reports them.
//!
//! Run: `cargo run --release --example eval_text_clean [BBC_DIR]`

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use newsidx::clean::{clean_body, clean_body_explained};

/// Retention the BBC corpus must reach (it has no boilerplate).
const TARGET_PERCENT: f64 = 99.7;

/// Timing passes over the whole corpus; the best one is reported.
const PASSES: usize = 3;

fn main() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bbc_dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("../shared/corpora/bbc"));

    if bbc_dir.is_dir() {
        eval_bbc(&bbc_dir);
    } else {
        println!("skipping BBC: {} not found", bbc_dir.display());
    }
    println!();
    check_seed(&manifest.join("../shared/seed/cyber-pact.txt"));
    println!();
    check_ground_truth(
        &manifest.join("../shared/corpora/article-extraction-benchmark/ground-truth.json"),
    );
}

/// Read every article, clean it, and print retention, speed and removals.
fn eval_bbc(dir: &Path) {
    let docs = read_corpus(dir);
    if docs.is_empty() {
        println!("no articles under {}", dir.display());
        return;
    }
    let bytes: usize = docs.iter().map(|(_, body)| body.len()).sum();

    let mut best = f64::INFINITY;
    for _ in 0..PASSES {
        let start = Instant::now();
        for (_, body) in &docs {
            std::hint::black_box(clean_body(body));
        }
        best = best.min(start.elapsed().as_secs_f64());
    }

    let mut words_in = 0usize;
    let mut words_kept = 0usize;
    let mut by_rule: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut removals = Vec::new();
    for (path, body) in &docs {
        let (cleaned, rules) = clean_body_explained(body);
        words_in += body.split_whitespace().count();
        words_kept += cleaned.body.split_whitespace().count();
        for (text, rule) in cleaned.removed.iter().zip(&rules) {
            *by_rule.entry(rule.name()).or_default() += 1;
            removals.push(format!("  {} [{}] {text}", path.display(), rule.name()));
        }
    }

    let percent = if words_in == 0 {
        100.0
    } else {
        100.0 * words_kept as f64 / words_in as f64
    };
    println!("BBC corpus: {}", dir.display());
    println!("  articles:    {}", docs.len());
    println!("  words in:    {words_in}");
    println!("  words kept:  {words_kept}");
    println!(
        "  % kept:      {percent:.3}% ({} target {TARGET_PERCENT}%)",
        if percent >= TARGET_PERCENT {
            "meets"
        } else {
            "BELOW"
        }
    );
    println!(
        "  speed:       {:.0} docs/s, {:.1} MB/s (best of {PASSES}, one thread)",
        docs.len() as f64 / best,
        bytes as f64 / best / 1e6
    );
    println!("  removed blocks: {}", removals.len());
    for (rule, count) in &by_rule {
        println!("    {rule}: {count}");
    }
    for line in &removals {
        println!("{line}");
    }
}

/// Every `*.txt` under the topic folders, sorted, as (path, body).
fn read_corpus(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut docs = Vec::new();
    let walker = walkdir::WalkDir::new(dir)
        .min_depth(2)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "txt"));
    for entry in walker {
        let path = entry.path();
        match std::fs::read(path) {
            Ok(bytes) => {
                let text = decode(&bytes);
                let rel = path.strip_prefix(dir).unwrap_or(path).to_path_buf();
                docs.push((rel, body_of(&text).to_string()));
            }
            Err(err) => eprintln!("skipping {}: {err}", path.display()),
        }
    }
    docs
}

/// UTF-8, or Windows-1252 for the one Latin-1 file.
fn decode(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned(),
    }
}

/// The body of a `title\n\nbody` file.
fn body_of(file: &str) -> &str {
    file.split_once("\n\n").map_or(file, |(_, body)| body)
}

/// Clean the seed article and show what went.
fn check_seed(path: &Path) {
    let Ok(bytes) = std::fs::read(path) else {
        println!("skipping seed: {} not found", path.display());
        return;
    };
    let text = decode(&bytes);
    let (cleaned, rules) = clean_body_explained(body_of(&text));
    let kept: Vec<&str> = cleaned.body.split("\n\n").collect();
    println!("Seed: {}", path.display());
    println!("  paragraphs kept: {}", kept.len());
    println!("  last kept:       {}", kept.last().copied().unwrap_or(""));
    println!("  removed ({}):", cleaned.removed.len());
    for (text, rule) in cleaned.removed.iter().zip(&rules) {
        println!("    [{}] {text}", rule.name());
    }
}

/// Retention on the benchmark's hand-extracted article bodies: modern sites,
/// mostly clean text, so removals there are worth reading too.
fn check_ground_truth(path: &Path) {
    let Ok(bytes) = std::fs::read(path) else {
        println!("skipping ground truth: {} not found", path.display());
        return;
    };
    let parsed: serde_json::Value = match serde_json::from_slice(&bytes) {
        Ok(value) => value,
        Err(err) => {
            println!("skipping ground truth: {err}");
            return;
        }
    };
    let Some(entries) = parsed.as_object() else {
        println!("skipping ground truth: not a JSON object");
        return;
    };
    let (mut words_in, mut words_kept) = (0usize, 0usize);
    let mut removals = Vec::new();
    for (id, entry) in entries {
        let body = entry["articleBody"].as_str().unwrap_or("");
        let (cleaned, rules) = clean_body_explained(body);
        words_in += body.split_whitespace().count();
        words_kept += cleaned.body.split_whitespace().count();
        for (text, rule) in cleaned.removed.iter().zip(&rules) {
            let short: String = id.chars().take(12).collect();
            removals.push(format!("    {short} [{}] {text}", rule.name()));
        }
    }
    println!(
        "Extraction-benchmark ground truth: {} bodies",
        entries.len()
    );
    println!(
        "  words in {words_in}, kept {words_kept} ({:.3}%), removed blocks: {}",
        100.0 * words_kept as f64 / words_in.max(1) as f64,
        removals.len()
    );
    for line in &removals {
        println!("{line}");
    }
}
