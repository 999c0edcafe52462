//! Sanity pass for date extraction on a real corpus (default: the BBC corpus
//! in `../shared/corpora/bbc`). In: a folder of plain-text articles (title
//! line, blank line, body). Out, on stdout: how many articles got dates, a
//! deterministic sample of 30 (file, dates), and every year-only mention with
//! its context, most frequent words first, so false positives can be eyeballed;
//! also which articles `source::from_text` finds a publication in.
//! It does not score against a gold standard: there is none for dates.
//!
//! Run: `cargo run --example eval_dates [DIR] [YYYY-MM-DD]`. With a date,
//! relative mentions resolve against it (BBC stories are from 2004-2005 but
//! carry no date of their own).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use newsidx::extract::{dates, source};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|e| e == "txt") {
            out.push(p);
        }
    }
}

/// The text around a byte span, on one line, char-safe.
fn context(text: &str, start: usize, end: usize) -> String {
    let before: String = text[..start]
        .chars()
        .rev()
        .take(30)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let after: String = text[end..].chars().take(30).collect();
    format!("{before}[{}]{after}", &text[start..end]).replace('\n', " ")
}

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args
        .next()
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora/bbc"));
    let published = args
        .next()
        .and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok());
    let mut paths = Vec::new();
    files(&dir, &mut paths);
    if paths.is_empty() {
        eprintln!("no .txt files under {}", dir.display());
        return;
    }
    let mut with_dates = 0;
    let mut total_mentions = 0;
    let mut by_precision: BTreeMap<&str, usize> = BTreeMap::new();
    let mut year_contexts: Vec<String> = Vec::new();
    let mut other_contexts: Vec<String> = Vec::new();
    let mut sources: Vec<(String, String)> = Vec::new();
    let mut rejected: Vec<String> = Vec::new();
    let year_shape = regex::Regex::new(r"\b(?:19|20)[0-9]{2}\b").expect("static pattern");
    let mut sample = Vec::new();
    let step = (paths.len() / 30).max(1);
    for (i, p) in paths.iter().enumerate() {
        let Ok(text) = std::fs::read_to_string(p) else {
            continue;
        };
        // The BBC files carry no signature: any source found is suspect.
        if let Some(name) = source::from_text(&text, &[]) {
            sources.push((
                p.strip_prefix(&dir).unwrap_or(p).display().to_string(),
                name,
            ));
        }
        let ms = dates::mentions(&text, published);
        if !ms.is_empty() {
            with_dates += 1;
        }
        total_mentions += ms.len();
        // Year-shaped numbers no mention covers: where recall is lost.
        for y in year_shape.find_iter(&text) {
            if !ms.iter().any(|m| m.start <= y.start() && y.end() <= m.end) {
                rejected.push(context(&text, y.start(), y.end()));
            }
        }
        for m in &ms {
            let precision = match m.value.len() {
                4 => "year",
                7 => "month",
                _ => "day",
            };
            *by_precision.entry(precision).or_default() += 1;
            if precision == "year" {
                year_contexts.push(context(&text, m.start, m.end));
            } else {
                other_contexts.push(format!("{} {}", m.value, context(&text, m.start, m.end)));
            }
        }
        if i % step == 0 && sample.len() < 30 {
            let rel = p.strip_prefix(&dir).unwrap_or(p).display().to_string();
            sample.push((rel, dates::mentioned(&text, published)));
        }
    }
    println!(
        "corpus: {} ({} articles, published hint {:?})",
        dir.display(),
        paths.len(),
        published
    );
    println!(
        "articles with dates: {with_dates} ({:.1}%)",
        100.0 * with_dates as f64 / paths.len() as f64
    );
    println!("mentions: {total_mentions} {by_precision:?}");
    println!("year-shaped numbers not taken as dates: {}", rejected.len());
    println!(
        "sources named by the text (source::from_text): {}",
        sources.len()
    );
    for (file, name) in sources.iter().take(20) {
        println!("  {file}: {name}");
    }
    println!("\nsample:");
    for (file, ds) in &sample {
        println!("  {file}: {ds:?}");
    }
    // The word before each year-only mention, counted: a cue that shows up
    // a lot with odd contexts is where false positives come from.
    let mut cue_counts: BTreeMap<String, usize> = BTreeMap::new();
    for c in &year_contexts {
        let cue = c
            .split('[')
            .next()
            .unwrap_or("")
            .split_whitespace()
            .last()
            .unwrap_or("")
            .to_lowercase();
        *cue_counts.entry(cue).or_default() += 1;
    }
    let mut cues: Vec<_> = cue_counts.into_iter().collect();
    cues.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    println!(
        "\nyear-only mentions: {}; word before the year:",
        year_contexts.len()
    );
    for (cue, n) in cues.iter().take(40) {
        println!("  {n:5} {cue}");
    }
    // EVAL_ALL=1 prints every context instead of a sample of 60.
    let step = if std::env::var_os("EVAL_ALL").is_some() {
        1
    } else {
        (year_contexts.len() / 60).max(1)
    };
    println!("\nyear-only contexts (every {step}th):");
    for c in year_contexts.iter().step_by(step) {
        println!("  {c}");
    }
    println!("\nmonth and day contexts (every {step}th):");
    for c in other_contexts.iter().step_by(step) {
        println!("  {c}");
    }
    if std::env::var_os("EVAL_REJECTED").is_some() {
        println!("\nyear-shaped numbers not taken:");
        for c in &rejected {
            println!("  {c}");
        }
    }
}
