//! Evaluate people extraction against CoNLL-2003 document-level person sets.
//! In: a `dev.jsonl` path (default `../shared/corpora/conll2003-people/dev.jsonl`
//! beside the crate). Out: strict and relaxed precision/recall/F1 for both
//! [`newsidx::extract::people::people`] (canonical, folded) and
//! [`newsidx::extract::people::mentions`] (surface forms), and documents per
//! second on one thread, timing extraction only. `--errors N` lists the false
//! positives and negatives of N documents. It does not change anything and
//! does not assert thresholds (the unit test does that).
//!
//! Scoring, exactly as the corpus README defines it: per document, predicted
//! and gold names are sets of strings (whitespace collapsed, case kept),
//! counts summed over documents. Strict: a prediction is correct if it equals
//! a gold name. Relaxed: `p` matches `g` if equal, if `p` is the last word of
//! `g`, or if `p` contains `g` as whole words.

use std::collections::BTreeSet;
use std::time::Instant;

use newsidx::extract::people::{mentions, people};

/// Summed counts for one scoring rule.
#[derive(Default)]
struct Tally {
    pred: usize,
    pred_ok: usize,
    gold: usize,
    gold_ok: usize,
}

impl Tally {
    fn add(&mut self, pred: &BTreeSet<String>, gold: &BTreeSet<String>, relaxed: bool) {
        let m = |p: &str, g: &str| if relaxed { relaxed_match(p, g) } else { p == g };
        self.pred += pred.len();
        self.gold += gold.len();
        self.pred_ok += pred.iter().filter(|p| gold.iter().any(|g| m(p, g))).count();
        self.gold_ok += gold.iter().filter(|g| pred.iter().any(|p| m(p, g))).count();
    }
    fn prf(&self) -> (f64, f64, f64) {
        let p = ratio(self.pred_ok, self.pred);
        let r = ratio(self.gold_ok, self.gold);
        let f = if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        (p, r, f)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// The README's relaxed rule.
fn relaxed_match(p: &str, g: &str) -> bool {
    if p == g {
        return true;
    }
    let gw: Vec<&str> = g.split(' ').collect();
    if gw.last() == Some(&p) {
        return true;
    }
    let pw: Vec<&str> = p.split(' ').collect();
    gw.len() <= pw.len() && pw.windows(gw.len()).any(|w| w == gw.as_slice())
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/corpora/conll2003-people/dev.jsonl"
    )
    .to_string();
    let mut errors = 0usize;
    let mut i = 0;
    while i < args.len() {
        if args[i] == "--errors" {
            errors = args.get(i + 1).and_then(|s| s.parse().ok()).unwrap_or(10);
            i += 2;
        } else {
            path = args[i].clone();
            i += 1;
        }
    }
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("eval_people: {path} not found; skipping");
        return Ok(());
    };
    let mut docs = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line)?;
        let body = v["text"].as_str().unwrap_or_default().to_string();
        let gold: BTreeSet<String> = v["people"]
            .as_array()
            .map(|a| a.iter().filter_map(|x| x.as_str()).map(collapse).collect())
            .unwrap_or_default();
        let id = v["id"].as_str().unwrap_or_default().to_string();
        docs.push((id, body, gold));
    }
    let split = |t: &str| -> (String, String) {
        match t.split_once('\n') {
            Some((a, b)) => (a.to_string(), b.to_string()),
            None => (t.to_string(), String::new()),
        }
    };
    let inputs: Vec<(String, String)> = docs.iter().map(|d| split(&d.1)).collect();

    for (label, f) in [
        (
            "people (canonical)",
            people as fn(&str, &str) -> Vec<String>,
        ),
        (
            "mentions (surface)",
            mentions as fn(&str, &str) -> Vec<String>,
        ),
    ] {
        // Warm the lexicon so its one-off build is not timed.
        let _ = f("", "");
        let t0 = Instant::now();
        let preds: Vec<Vec<String>> = inputs.iter().map(|(a, b)| f(a, b)).collect();
        let secs = t0.elapsed().as_secs_f64();
        let (mut strict, mut relaxed) = (Tally::default(), Tally::default());
        for (p, d) in preds.iter().zip(&docs) {
            let ps: BTreeSet<String> = p.iter().map(|s| collapse(s)).collect();
            strict.add(&ps, &d.2, false);
            relaxed.add(&ps, &d.2, true);
        }
        let (sp, sr, sf) = strict.prf();
        let (rp, rr, rf) = relaxed.prf();
        println!("{label}: {} docs", docs.len());
        println!("  strict   P {sp:.3}  R {sr:.3}  F1 {sf:.3}");
        println!("  relaxed  P {rp:.3}  R {rr:.3}  F1 {rf:.3}");
        println!(
            "  {:.0} docs/s (one thread, extraction only)",
            docs.len() as f64 / secs
        );
    }
    if errors > 0 {
        let mut shown = 0;
        for ((id, _, gold), (a, b)) in docs.iter().zip(&inputs) {
            let pred: BTreeSet<String> = mentions(a, b).iter().map(|s| collapse(s)).collect();
            let fp: Vec<&String> = pred
                .iter()
                .filter(|p| !gold.iter().any(|g| relaxed_match(p, g)))
                .collect();
            let fneg: Vec<&String> = gold
                .iter()
                .filter(|g| !pred.iter().any(|p| relaxed_match(p, g)))
                .collect();
            if fp.is_empty() && fneg.is_empty() {
                continue;
            }
            println!("{id}: FP {fp:?}\n        FN {fneg:?}");
            shown += 1;
            if shown >= errors {
                break;
            }
        }
    }
    Ok(())
}
