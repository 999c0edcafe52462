//! `newsidx export`: every stored article as NDJSON on stdout, the hand-off
//! to other engines (see docs/SCALING.md) and the input `ingest` reads back.

use std::io::{BufWriter, Write};

use newsidx::search::SearchEngine;

use super::Global;

pub fn run(g: &Global) -> anyhow::Result<u8> {
    let engine = SearchEngine::open_once(&g.index)?;
    let mut out = BufWriter::new(std::io::stdout().lock());
    let mut failed: Option<std::io::Error> = None;
    engine.export(&mut |a| {
        if failed.is_none() {
            let line = serde_json::to_string(a).map_err(std::io::Error::other);
            if let Err(e) = line.and_then(|l| writeln!(out, "{l}")) {
                failed = Some(e);
            }
        }
        Ok(())
    })?;
    if let Some(e) = failed {
        return Err(e.into());
    }
    out.flush()?;
    Ok(0)
}
