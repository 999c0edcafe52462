//! `newsidx show KEY`: one stored article.

use clap::Args;
use newsidx::search::SearchEngine;

use super::Global;

/// Arguments of `show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The article key (its path, plus #n for a record of a multi-article file)
    pub key: String,
}

pub fn run(g: &Global, args: ShowArgs) -> anyhow::Result<u8> {
    let engine = SearchEngine::open_once(&g.index)?;
    let key = resolve_key(&args.key);
    let article = engine
        .article(&key)
        .or_else(|_| engine.article(&args.key))?;
    if g.json {
        super::print_json(&article)?;
    } else {
        newsidx::render::article_text(&mut std::io::stdout().lock(), &article, g.color)?;
    }
    Ok(0)
}

/// Keys are absolute paths: let the user type a relative one.
pub(super) fn resolve_key(key: &str) -> String {
    let (path, record) = match key.rsplit_once('#') {
        Some((p, r)) if !r.is_empty() && r.chars().all(|c| c.is_ascii_digit()) => (p, Some(r)),
        _ => (key, None),
    };
    let abs = std::fs::canonicalize(path)
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| path.to_string());
    match record {
        Some(r) => format!("{abs}#{r}"),
        None => abs,
    }
}
