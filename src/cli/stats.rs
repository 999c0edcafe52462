//! `newsidx stats`: archive-wide counts.

use newsidx::search::SearchEngine;

use super::Global;

pub fn run(g: &Global) -> anyhow::Result<u8> {
    let engine = SearchEngine::open_once(&g.index)?;
    let stats = engine.stats()?;
    if g.json {
        super::print_json(&stats)?;
    } else {
        newsidx::render::stats_text(&mut std::io::stdout().lock(), &stats)?;
    }
    Ok(0)
}
