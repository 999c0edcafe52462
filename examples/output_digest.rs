//! Proof that a speed-up changed no output: one line per record of every
//! stage's result, hashed. In: corpus folders. Out (stdout): per record, its
//! key and a BLAKE3 digest of the cleaned body, removed blocks and their
//! rules, the assembled article, people, mentions, mentioned dates, source,
//! byline, fingerprint, near print, the normalized title and every token
//! (text, offsets, position) the text analyzer gives for title and body.
//!
//! Run it before and after a change and `cmp` the two files:
//!
//! ```sh
//! cargo run --release --example output_digest -- bench-out/corpus-1g/r001 > /tmp/before
//! ```

use std::io::Write;
use std::path::PathBuf;

use newsidx::analyzer::text_analyzer;
use tantivy::tokenizer::TokenStream;

fn main() {
    let roots: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    if roots.is_empty() {
        eprintln!("usage: output_digest CORPUS...");
        std::process::exit(2);
    }
    let mut analyzer = text_analyzer();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for f in newsidx::walk::walk(&roots).files {
        let Ok(bytes) = std::fs::read(&f.path) else {
            continue;
        };
        let Ok(text) = newsidx::decode::decode(&bytes) else {
            continue;
        };
        let format = newsidx::parse::format_of(&f.path);
        let parsed = newsidx::parse::parse(format, &text.text);
        let path = f.path.display().to_string();
        for (id, draft) in &parsed.records {
            let mut h = blake3::Hasher::new();
            let mut feed = |s: &str| {
                h.update(s.as_bytes());
                h.update(b"\x00");
            };
            let (cleaned, rules) = newsidx::clean::clean_body_explained(&draft.body);
            feed(&format!("{cleaned:?}"));
            feed(&format!(
                "{:?}",
                rules.iter().map(|r| r.name()).collect::<Vec<_>>()
            ));
            let key = format!("{path}#{id}");
            let a = newsidx::extract::assemble(
                draft,
                &cleaned,
                newsidx::extract::Origin {
                    key: &key,
                    path: &path,
                    default_source: None,
                },
            );
            feed(&format!("{a:?}"));
            feed(&format!(
                "{:?}",
                newsidx::extract::people::mentions(&a.title, &a.body)
            ));
            feed(&format!(
                "{:?}",
                newsidx::extract::people::people(&a.title, &a.body)
            ));
            feed(&format!(
                "{:?}",
                newsidx::extract::dates::mentioned(&a.body, None)
            ));
            feed(&format!(
                "{:?}",
                newsidx::extract::source::from_text(&a.body, &cleaned.removed)
            ));
            feed(&format!(
                "{:?}",
                newsidx::extract::byline::split_body(&cleaned.body)
            ));
            feed(&newsidx::extract::fingerprint(&cleaned.body));
            feed(&newsidx::search::near::near_print(&a.body).to_string());
            feed(&newsidx::search::near::normalized_title(&a.title));
            for text in [&a.title, &a.body] {
                let mut s = analyzer.token_stream(text);
                while s.advance() {
                    let t = s.token();
                    feed(&format!(
                        "{} {} {} {}",
                        t.text, t.offset_from, t.offset_to, t.position
                    ));
                }
            }
            let _ = writeln!(out, "{key} {}", h.finalize().to_hex());
        }
    }
}
