//! The bare tantivy baseline that `scripts/bench` measures newsidx against.
//!
//! In: `index DIR CORPUS...` walks the same files newsidx would (our own
//! `walk`, so the file set is identical), reads each as title + body with no
//! decoding beyond lossy UTF-8, no cleaning and no extraction, and indexes
//! them into a two-field tantivy index (`en_stem` tokenizer, positions,
//! stored) with the same writer memory budget as `newsidx ingest` and
//! tantivy's default thread count (one per core; newsidx gives its writer
//! fewer, since its own workers do the analysis). Reuters `.sgm` files are
//! split into records the cheap way (`<REUTERS` ... `</REUTERS>`, text
//! between `<TITLE>` and `<BODY>` tags, or all of an unmarked
//! `<TEXT TYPE="UNPROC">` as body) so the baseline indexes the same
//! volume of text.
//! `search DIR QUERY` opens such an index and prints the top 10 titles, each
//! with a tantivy snippet of its body: the baseline for `newsidx search`.
//!
//! `--analyzer news` indexes with newsidx's analyzer instead, to split the
//! cost of our analyzer from the cost of our extra fields and stages.
//! `--threads N` gives tantivy's writer N indexing threads instead of one
//! per core: with `--threads 1` tantivy writes one segment, as newsidx's
//! writer does on two cores, and the bench compares newsidx with that too.
//!
//! Out: one `key=value` summary line on stdout (`files docs bytes secs mb_s
//! docs_s index_bytes`) for `index`; hit lines for `search`.
//!
//! It does not do incremental ingest, duplicates, dates or people: it is the
//! cost floor of "put this text into tantivy", nothing more.

use std::path::{Path, PathBuf};
use std::time::Instant;

use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;
use tantivy::schema::{IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{Index, TantivyDocument, doc};

type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn main() {
    if let Err(e) = run() {
        eprintln!("bare_tantivy: {e}");
        std::process::exit(2);
    }
}

fn usage() -> Box<dyn std::error::Error> {
    "usage: bare_tantivy index DIR CORPUS... [--memory MB] [--analyzer en_stem|news] [--threads N] | bare_tantivy search DIR QUERY".into()
}

fn run() -> Res<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("index") => {
            let mut memory_mb = 200usize;
            let mut analyzer = "en_stem".to_string();
            let mut threads = None;
            let mut rest = Vec::new();
            let mut it = args[1..].iter();
            while let Some(a) = it.next() {
                if a == "--memory" {
                    memory_mb = it.next().ok_or_else(usage)?.parse()?;
                } else if a == "--analyzer" {
                    analyzer = it.next().ok_or_else(usage)?.clone();
                } else if a == "--threads" {
                    threads = Some(it.next().ok_or_else(usage)?.parse::<usize>()?);
                } else {
                    rest.push(PathBuf::from(a));
                }
            }
            let (dir, corpora) = rest.split_first().ok_or_else(usage)?;
            if corpora.is_empty() {
                return Err(usage());
            }
            index(dir, corpora, memory_mb, &analyzer, threads)
        }
        Some("search") if args.len() >= 3 => search(Path::new(&args[1]), &args[2..].join(" ")),
        _ => Err(usage()),
    }
}

fn schema(analyzer: &str) -> Schema {
    let mut b = Schema::builder();
    let text = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(analyzer)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    b.add_text_field("title", text.clone());
    b.add_text_field("body", text);
    b.build()
}

fn index(
    dir: &Path,
    corpora: &[PathBuf],
    memory_mb: usize,
    analyzer: &str,
    threads: Option<usize>,
) -> Res<()> {
    let start = Instant::now();
    std::fs::create_dir_all(dir)?;
    let schema = schema(analyzer);
    let title = schema.get_field("title")?;
    let body = schema.get_field("body")?;
    let index = Index::create_in_dir(dir, schema)?;
    // `--analyzer news` swaps in newsidx's own analyzer (hyphen compounds,
    // accent folding) to measure what it costs over tantivy's `en_stem`.
    if analyzer == newsidx::schema::TEXT_ANALYZER {
        newsidx::schema::NewsSchema::register(&index);
    }
    // tantivy's defaults: it picks the thread count from the cores and
    // splits the budget between threads (unless `--threads` says).
    let budget = memory_mb * 1_000_000;
    let mut writer: tantivy::IndexWriter = match threads {
        Some(n) => index.writer_with_num_threads(n, budget)?,
        None => index.writer(budget)?,
    };
    let walked = newsidx::walk::walk(corpora);
    let (mut files, mut docs, mut bytes) = (0u64, 0u64, 0u64);
    for f in &walked.files {
        let Ok(raw) = std::fs::read(&f.path) else {
            continue;
        };
        files += 1;
        bytes += raw.len() as u64;
        let text = String::from_utf8_lossy(&raw);
        let is_sgm = f
            .path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("sgm") || e.eq_ignore_ascii_case("sgml"));
        if is_sgm {
            for (t, b) in sgm_records(&text) {
                writer.add_document(doc!(title => t, body => b))?;
                docs += 1;
            }
        } else {
            let (t, b) = text.split_once('\n').unwrap_or((&text, ""));
            writer.add_document(doc!(title => t, body => b))?;
            docs += 1;
        }
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    let secs = start.elapsed().as_secs_f64();
    let index_bytes: u64 = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum();
    println!(
        "files={files} docs={docs} bytes={bytes} secs={secs:.3} mb_s={:.2} docs_s={:.0} index_bytes={index_bytes}",
        bytes as f64 / 1e6 / secs,
        docs as f64 / secs
    );
    Ok(())
}

/// Records of a Reuters SGML file as (title, body), split with plain string
/// search: no entity decoding, no paragraph joining.
fn sgm_records(text: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    for record in text.split("<REUTERS").skip(1) {
        let record = record.split("</REUTERS>").next().unwrap_or(record);
        let t = between(record, "<TITLE>", "</TITLE>").unwrap_or("");
        let b = between(record, "<BODY>", "</BODY>").unwrap_or("");
        if !t.is_empty() || !b.is_empty() {
            out.push((t, b));
        } else if let Some(text) = between(record, "<TEXT TYPE=\"UNPROC\">", "</TEXT>")
            && has_text(text)
        {
            // A story without markup (market tables, central bank
            // reports), which newsidx indexes too: all of it as body; one
            // of nothing but control entities (`&#2;`, `&#3;`) is empty,
            // as newsidx finds it.
            out.push(("", text));
        }
    }
    out
}

/// Letters or digits outside the control entities (`&#2;`, `&#3;`).
fn has_text(s: &str) -> bool {
    s.split("&#").enumerate().any(|(i, part)| {
        let part = if i == 0 {
            part
        } else {
            part.split_once(';').map_or(part, |(_, rest)| rest)
        };
        part.contains(char::is_alphanumeric)
    })
}

fn between<'a>(s: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let from = s.find(open)? + open.len();
    let len = s[from..].find(close)?;
    Some(&s[from..from + len])
}

fn search(dir: &Path, query: &str) -> Res<()> {
    let index = Index::open_in_dir(dir)?;
    // Harmless for an `en_stem` index; needed for one built with `--analyzer news`.
    newsidx::schema::NewsSchema::register(&index);
    let schema = index.schema();
    let title = schema.get_field("title")?;
    let body = schema.get_field("body")?;
    let reader = index.reader()?;
    let searcher = reader.searcher();
    let mut parser = QueryParser::for_index(&index, vec![title, body]);
    parser.set_field_boost(title, 2.0);
    let (q, _errors) = parser.parse_query_lenient(query);
    let top = searcher.search(&q, &TopDocs::with_limit(10).order_by_score())?;
    let mut snippets = SnippetGenerator::create(&searcher, &q, body)?;
    snippets.set_max_num_chars(220);
    let mut out = String::new();
    for (rank, (score, addr)) in top.iter().enumerate() {
        let d: TantivyDocument = searcher.doc(*addr)?;
        let t = d.get_first(title).and_then(|v| v.as_str()).unwrap_or("");
        let s = snippets.snippet_from_doc(&d);
        out.push_str(&format!(
            "{}. {t} ({score:.2})\n   {}\n",
            rank + 1,
            s.fragment().replace('\n', " ")
        ));
    }
    print!("{out}");
    Ok(())
}
