//! In-process query latency: `cargo run --release --example bench_queries --
//! INDEX [N]` opens the index once with [`SearchEngine`], runs N (default
//! 240) varied, deterministic searches (plain words, phrases, `person:` and
//! `source:` terms, `--person`/`--source`/date filters, facets, date sorts),
//! each top 10 with snippets, once to warm the caches and once measured.
//!
//! Out: one `key=value` line on stdout (`queries p50_ms p90_ms p99_ms max_ms
//! mean_ms hits`, then the same quantiles over the queries without facets,
//! `nofacet_*`), with `-v` every query with its time on stderr, and with
//! `--dump` every query's total and page (keys and scores) on stdout first,
//! to `diff` two builds' answers.
//!
//! It does not start processes (that is hyperfine's part in `scripts/bench`)
//! and does not assert anything: figures are reported, never tested.

use std::path::PathBuf;
use std::time::Instant;

use newsidx::search::{SearchEngine, SearchRequest, Sort};

/// Words frequent in both corpora (Reuters 1987 and BBC 2004-05).
const WORDS: &[&str] = &[
    "oil",
    "dollar",
    "bank",
    "trade",
    "government",
    "profit",
    "shares",
    "election",
    "music",
    "film",
    "football",
    "mobile",
    "tax",
    "prices",
    "coffee",
    "gold",
    "wheat",
    "strike",
    "merger",
    "inflation",
    "court",
    "minister",
    "internet",
    "games",
];

/// Phrases (quoted in the query).
const PHRASES: &[&str] = &[
    "interest rates",
    "trade deficit",
    "prime minister",
    "stock exchange",
    "oil prices",
    "central bank",
    "chief executive",
    "world cup",
    "general election",
    "net profit",
    "money supply",
    "crude oil",
];

/// People for `person:` terms and `--person` filters.
const PEOPLE: &[&str] = &[
    "James Baker",
    "Tony Blair",
    "Gordon Brown",
    "Reagan",
    "Volcker",
    "Michael Howard",
];

fn request(i: usize) -> SearchRequest {
    let w = |k: usize| WORDS[(i * 7 + k * 5) % WORDS.len()];
    let p = PHRASES[(i * 5) % PHRASES.len()];
    let who = PEOPLE[(i * 3) % PEOPLE.len()];
    let mut req = SearchRequest::default();
    // Ten shapes, cycled, so every kind of query is about a tenth of the run.
    match i % 10 {
        0 => req.query = w(0).to_string(),
        1 => req.query = format!("{} {}", w(0), w(1)),
        2 => req.query = format!("\"{p}\""),
        3 => req.query = format!("\"{p}\" {}", w(2)),
        4 => {
            req.query = w(0).to_string();
            req.person = vec![who.to_string()];
        }
        5 => {
            req.query = format!("{} {}", w(1), w(3));
            req.source = vec!["Reuters".to_string()];
            req.facets = true;
        }
        6 => {
            req.query = format!("{} -{}", w(0), w(2));
            req.since = Some("1987-03".to_string());
            req.until = Some("1987-06-30".to_string());
        }
        7 => {
            req.query = format!("person:\"{who}\"");
            req.sort = Sort::Newest;
        }
        8 => {
            req.query = format!("{} OR {} {}", w(0), w(1), w(4));
            req.facets = true;
        }
        _ => req.query = format!("title:{} {}", w(3), w(0)),
    }
    req
}

/// The `p`-quantile of sorted times (nearest rank); 0 for an empty list.
fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let n = sorted.len();
    sorted[((n as f64 * p).ceil() as usize).clamp(1, n) - 1]
}

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next().map(PathBuf::from) else {
        eprintln!("usage: bench_queries INDEX [N] [-v] [--dump]");
        std::process::exit(2);
    };
    let rest: Vec<String> = args.collect();
    let verbose = rest.iter().any(|a| a == "-v");
    let dump = rest.iter().any(|a| a == "--dump");
    let n: usize = rest
        .iter()
        .find_map(|a| a.parse().ok())
        .unwrap_or(240)
        .max(1);
    let engine = match SearchEngine::open(&dir) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("bench_queries: {e}");
            std::process::exit(2);
        }
    };
    let requests: Vec<SearchRequest> = (0..n).map(request).collect();
    // Warm-up: page cache and tantivy's caches, as in a running server. The
    // first 30 cover every query shape; warming all would double a run whose
    // slow queries (facets over many matches) take seconds each.
    for r in requests.iter().take(30) {
        let _ = engine.search(r);
    }
    let mut times: Vec<f64> = Vec::with_capacity(n);
    let mut plain: Vec<f64> = Vec::with_capacity(n);
    let mut hits = 0usize;
    for r in &requests {
        let t = Instant::now();
        let res = engine.search(r);
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        times.push(ms);
        if !r.facets {
            plain.push(ms);
        }
        match res {
            Ok(res) => {
                hits += res.hits.len();
                if verbose {
                    eprintln!("{ms:8.3} ms {:>4} hits  {:?}", res.hits.len(), r.query);
                }
                if dump {
                    let page: Vec<String> = res
                        .hits
                        .iter()
                        .map(|h| format!("{} {:.4}", h.key, h.score))
                        .collect();
                    println!("{:?} total={} | {}", r.query, res.total, page.join(" | "));
                }
            }
            Err(e) => eprintln!("query {:?} failed: {e}", r.query),
        }
    }
    let mean = times.iter().sum::<f64>() / n as f64;
    times.sort_by(f64::total_cmp);
    plain.sort_by(f64::total_cmp);
    println!(
        "queries={n} p50_ms={:.3} p90_ms={:.3} p99_ms={:.3} max_ms={:.3} mean_ms={mean:.3} hits={hits} \
         nofacet_queries={} nofacet_p50_ms={:.3} nofacet_p99_ms={:.3}",
        pct(&times, 0.50),
        pct(&times, 0.90),
        pct(&times, 0.99),
        times[n - 1],
        plain.len(),
        pct(&plain, 0.50),
        pct(&plain, 0.99),
    );
}
