//! Render: results in, text out, to any `impl Write`. Terminal text (with
//! ANSI highlights when colour is on) and JSON. The CLI and tests call these;
//! the web page has its own renderer in the browser.
//!
//! It does not decide colour (the CLI does, from `--color` and `NO_COLOR`).

use std::io::{self, Write};

use crate::article::Article;
use crate::ingest::Summary;
use crate::search::{SearchResults, Snippet, Stats, facets};

const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const HIGHLIGHT: &str = "\x1b[1;33m";
const RESET: &str = "\x1b[0m";

/// Search results for a terminal.
pub fn results_text(w: &mut dyn Write, r: &SearchResults, color: bool) -> io::Result<()> {
    for n in &r.notices {
        writeln!(w, "note: {n}")?;
    }
    if r.hits.is_empty() {
        writeln!(w, "no articles match {:?}", r.query)?;
    }
    if !r.suggestions.is_empty() {
        let quoted: Vec<String> = r.suggestions.iter().map(|s| format!("{s:?}")).collect();
        writeln!(w, "did you mean: {}", quoted.join(" or "))?;
        if !r.hits.is_empty() {
            writeln!(w)?;
        }
    }
    for hit in &r.hits {
        let (b, d, x) = if color {
            (BOLD, DIM, RESET)
        } else {
            ("", "", "")
        };
        writeln!(w, "{}. {b}{}{x}", hit.rank, hit.title)?;
        let mut meta: Vec<String> = Vec::new();
        if let Some(s) = &hit.source {
            meta.push(s.clone());
        }
        if let Some(p) = &hit.published {
            meta.push(p.clone());
        }
        meta.push(hit.key.clone());
        writeln!(w, "   {d}{}{x}", meta.join(" · "))?;
        for s in &hit.snippets {
            writeln!(w, "   {}", snippet_text(s, color))?;
        }
        if !hit.duplicates.is_empty() {
            writeln!(w, "   {d}also at: {}{x}", hit.duplicates.join(", "))?;
        }
        writeln!(w)?;
    }
    if let Some(f) = &r.facets {
        facets_text(w, f, color)?;
    }
    let shown = r.hits.len();
    let first = r.hits.first().map(|h| h.rank).unwrap_or(0);
    if shown > 0 {
        writeln!(w, "{}–{} of {} articles", first, first + shown - 1, r.total)?;
    }
    Ok(())
}

fn facets_text(w: &mut dyn Write, f: &facets::Facets, color: bool) -> io::Result<()> {
    let (b, x) = if color { (BOLD, RESET) } else { ("", "") };
    let line = |label: &str, items: Vec<(String, u64)>, w: &mut dyn Write| -> io::Result<()> {
        if items.is_empty() {
            return Ok(());
        }
        let parts: Vec<String> = items.iter().map(|(k, v)| format!("{k} ({v})")).collect();
        writeln!(w, "{b}{label}{x}: {}", parts.join(", "))
    };
    line("people", facets::top(&f.people, 15), w)?;
    line("sources", facets::top(&f.sources, 15), w)?;
    let months: Vec<(String, u64)> = f.months.iter().map(|(k, v)| (k.clone(), *v)).collect();
    line("months", months, w)?;
    writeln!(w)
}

/// One snippet, with highlights as ANSI when `color`, else plain.
pub fn snippet_text(s: &Snippet, color: bool) -> String {
    if !color {
        return s.text.clone();
    }
    let mut out = String::new();
    let mut at = 0;
    for &[a, b] in &s.highlights {
        if a < at || b > s.text.len() || !s.text.is_char_boundary(a) || !s.text.is_char_boundary(b)
        {
            continue;
        }
        out.push_str(&s.text[at..a]);
        out.push_str(HIGHLIGHT);
        out.push_str(&s.text[a..b]);
        out.push_str(RESET);
        at = b;
    }
    out.push_str(&s.text[at..]);
    out
}

/// One article in full, for `show` and `extract`.
pub fn article_text(w: &mut dyn Write, a: &Article, color: bool) -> io::Result<()> {
    let (b, d, x) = if color {
        (BOLD, DIM, RESET)
    } else {
        ("", "", "")
    };
    writeln!(w, "{b}{}{x}", a.title)?;
    let field = |name: &str, value: String, w: &mut dyn Write| -> io::Result<()> {
        if value.is_empty() {
            Ok(())
        } else {
            writeln!(w, "{d}{name:>10}:{x} {value}")
        }
    };
    field("key", a.key.clone(), w)?;
    field("source", a.source.clone().unwrap_or_default(), w)?;
    field("published", a.published.clone().unwrap_or_default(), w)?;
    field("authors", a.authors.join(", "), w)?;
    field("people", a.people.join(", "), w)?;
    field("dates", a.dates.join(", "), w)?;
    field("url", a.url.clone().unwrap_or_default(), w)?;
    field("format", a.format.as_str().to_string(), w)?;
    if a.extraction == crate::article::Extraction::Doubtful {
        field("extraction", "doubtful".to_string(), w)?;
    }
    writeln!(w)?;
    writeln!(w, "{}", a.body)?;
    Ok(())
}

/// The ingest summary for a terminal.
pub fn summary_text(w: &mut dyn Write, s: &Summary) -> io::Result<()> {
    writeln!(
        w,
        "{} new, {} updated, {} unchanged, {} removed, {} duplicates, {} skipped",
        s.new,
        s.updated,
        s.unchanged,
        s.removed,
        s.duplicates,
        s.skipped.len()
    )?;
    if s.new + s.updated + s.removed == 0 && s.skipped.is_empty() {
        writeln!(w, "index is up to date")?;
    }
    Ok(())
}

/// Archive statistics for a terminal.
pub fn stats_text(w: &mut dyn Write, s: &Stats) -> io::Result<()> {
    writeln!(
        w,
        "articles:   {} ({} stored documents)",
        s.articles, s.documents
    )?;
    writeln!(
        w,
        "published:  {} to {}",
        s.published.first.as_deref().unwrap_or("?"),
        s.published.last.as_deref().unwrap_or("?")
    )?;
    writeln!(w, "index size: {:.1} MB", s.index_bytes as f64 / 1e6)?;
    writeln!(w, "sources:")?;
    for (k, v) in facets::top(&s.sources, 20) {
        writeln!(w, "  {v:>6}  {k}")?;
    }
    writeln!(w, "top people:")?;
    for (k, v) in facets::top(&s.people, 20) {
        writeln!(w, "  {v:>6}  {k}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_become_ansi_only_with_color() {
        let s = Snippet {
            text: "a non-aggression pact".into(),
            highlights: vec![[2, 21]],
        };
        assert_eq!(snippet_text(&s, false), "a non-aggression pact");
        assert_eq!(
            snippet_text(&s, true),
            format!("a {HIGHLIGHT}non-aggression pact{RESET}")
        );
    }

    #[test]
    fn bad_offsets_are_ignored() {
        let s = Snippet {
            text: "é".into(),
            highlights: vec![[1, 2], [0, 9]],
        };
        assert_eq!(snippet_text(&s, true), "é");
    }
}
