//! Quality figures: the article-extraction-benchmark scoring (Zyte /
//! Scrapinghub `evaluate.py`, as described in the corpus README).
//!
//! In: a gold body and a predicted body per page. Out: per-page normalized
//! counts ([`PageCounts`]) and their aggregate ([`Summary`]: averaged
//! precision and recall, F1 of those averages, exact-token accuracy).
//! Pure functions; no I/O, no bootstrap (the "±" of the upstream script is
//! left to whoever wants it).

use std::collections::HashMap;

/// One page's shingle counts, normalized so they sum to 1 (or all 0 when both
/// texts are empty), plus whether the token lists were identical.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PageCounts {
    /// Shingles in both (share of all shingles seen).
    pub tp: f64,
    /// Predicted shingles not in the gold.
    pub fp: f64,
    /// Gold shingles the prediction missed.
    pub fn_: f64,
    /// The prediction's `\w+` token list equals the gold's.
    pub exact: bool,
}

impl PageCounts {
    /// This page's precision, or `None` when the prediction had no shingle
    /// (such pages stay out of the precision average).
    pub fn precision(&self) -> Option<f64> {
        if self.tp + self.fp <= 0.0 {
            return None;
        }
        if self.fp == 0.0 && self.fn_ == 0.0 {
            return Some(1.0);
        }
        Some(self.tp / (self.tp + self.fp))
    }

    /// This page's recall, or `None` when the gold had no shingle.
    pub fn recall(&self) -> Option<f64> {
        if self.tp + self.fn_ <= 0.0 {
            return None;
        }
        if self.fp == 0.0 && self.fn_ == 0.0 {
            return Some(1.0);
        }
        Some(self.tp / (self.tp + self.fn_))
    }

    /// Harmonic mean of this page's precision and recall (0 when undefined);
    /// only for ranking pages, the corpus F1 is not a mean of these.
    pub fn f1(&self) -> f64 {
        let p = self.precision().unwrap_or(0.0);
        let r = self.recall().unwrap_or(0.0);
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

/// Corpus-level figures.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Summary {
    /// Mean per-page precision over pages with a non-empty prediction.
    pub precision: f64,
    /// Mean per-page recall over pages with a non-empty gold.
    pub recall: f64,
    /// `2PR/(P+R)` of the two means.
    pub f1: f64,
    /// Share of pages whose token list matched the gold exactly.
    pub accuracy: f64,
    /// Number of pages aggregated.
    pub pages: usize,
}

/// `\w+` tokens in order: maximal runs of alphanumeric characters and `_`
/// (Python's Unicode `\w`, close enough: marks inside words are rare in the
/// corpus and affect gold and prediction alike).
pub fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        let word = c.is_alphanumeric() || c == '_';
        match (word, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(&text[s..i]);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(&text[s..]);
    }
    out
}

/// Bag of 4-token shingles; 1–3 tokens make one shingle, none make none.
fn shingles<'a>(toks: &[&'a str]) -> HashMap<Vec<&'a str>, usize> {
    let mut bag = HashMap::new();
    if toks.is_empty() {
        return bag;
    }
    if toks.len() < 4 {
        bag.insert(toks.to_vec(), 1);
        return bag;
    }
    for w in toks.windows(4) {
        *bag.entry(w.to_vec()).or_insert(0) += 1;
    }
    bag
}

/// Score one page: normalized shingle counts of `pred` against `gold`.
pub fn score_extraction(gold: &str, pred: &str) -> PageCounts {
    let gt = tokens(gold);
    let pt = tokens(pred);
    let g = shingles(&gt);
    let p = shingles(&pt);
    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    for (s, &pc) in &p {
        let gc = g.get(s).copied().unwrap_or(0);
        tp += pc.min(gc);
        fp += pc.saturating_sub(gc);
    }
    for (s, &gc) in &g {
        let pc = p.get(s).copied().unwrap_or(0);
        fn_ += gc.saturating_sub(pc);
    }
    let sum = (tp + fp + fn_) as f64;
    let norm = |x: usize| if sum > 0.0 { x as f64 / sum } else { 0.0 };
    PageCounts {
        tp: norm(tp),
        fp: norm(fp),
        fn_: norm(fn_),
        exact: gt == pt,
    }
}

/// Aggregate pages the way the benchmark does: mean P, mean R, F1 of means.
pub fn summarize(pages: &[PageCounts]) -> Summary {
    let ps: Vec<f64> = pages.iter().filter_map(PageCounts::precision).collect();
    let rs: Vec<f64> = pages.iter().filter_map(PageCounts::recall).collect();
    let mean = |v: &[f64]| {
        if v.is_empty() {
            0.0
        } else {
            v.iter().sum::<f64>() / v.len() as f64
        }
    };
    let precision = mean(&ps);
    let recall = mean(&rs);
    let f1 = if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    };
    let exact = pages.iter().filter(|p| p.exact).count();
    Summary {
        precision,
        recall,
        f1,
        accuracy: if pages.is_empty() {
            0.0
        } else {
            exact as f64 / pages.len() as f64
        },
        pages: pages.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_texts_score_one() {
        let c = score_extraction("a b c d e", "a, b c. d e");
        assert_eq!(c.precision(), Some(1.0));
        assert_eq!(c.recall(), Some(1.0));
        assert!(c.exact);
    }

    #[test]
    fn empty_prediction_costs_recall_only() {
        let c = score_extraction("one two three four", "");
        assert_eq!(c.precision(), None);
        assert_eq!(c.recall(), Some(0.0));
        let s = summarize(&[c, score_extraction("x y", "x y")]);
        assert_eq!(s.precision, 1.0);
        assert_eq!(s.recall, 0.5);
    }

    #[test]
    fn short_texts_make_one_shingle() {
        let c = score_extraction("a b", "a b c");
        assert_eq!(c.tp, 0.0);
        assert!(c.fp > 0.0 && c.fn_ > 0.0);
    }
}
