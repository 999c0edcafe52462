//! Streamed NDJSON ingest: a dump read line by line and fed to the writer
//! in parts must give exactly what reading it whole gives (articles,
//! fields, skipped lines and their order), also when its records replace
//! an earlier version of the file and a commit falls due between parts.
//! Small part sizes force many parts from a small file; the memory bound
//! itself is measured by `scripts/bench`, not asserted here.

use std::path::Path;

use std::sync::atomic::{AtomicU64, Ordering};

use newsidx::ingest::{IngestOptions, Progress, Summary, ingest};
use newsidx::search::SearchEngine;

const PEOPLE: &[&str] = &[
    "Angela Merkel",
    "Emmanuel Macron",
    "Jacinda Ardern",
    "Cyril Ramaphosa",
    "Narendra Modi",
];

/// A dump of `n` varied records, with bad lines at fixed places.
fn dump(n: usize, edition: &str) -> String {
    let mut out = String::new();
    for i in 0..n {
        let line = match i % 17 {
            5 => "{not json at all".to_string(),
            11 => serde_json::json!({"title": "No body here"}).to_string(),
            // Only boilerplate: cleaned away, reported as no article text.
            13 => serde_json::json!({
                "title": "Newsletter",
                "body": "Sign up for our newsletter.\n\nFollow us on Twitter."
            })
            .to_string(),
            _ => {
                let who = PEOPLE[i % PEOPLE.len()];
                serde_json::json!({
                    "title": format!("Port talks, day {i} ({edition})"),
                    "body": format!(
                        "{who} met union leaders on Tuesday, March {d}, 2021, as the strike at the \
                         port entered its {i}th day.\n\nShipping lines diverted {k} vessels, and \
                         {who} said a deal was close. Talks resume on Friday.\n\nRead more: \
                         https://example.org/{i}",
                        d = 1 + i % 28,
                        k = 3 + i % 11,
                    ),
                    "published": format!("2021-03-{:02}", 1 + i % 28),
                    "source": if i % 2 == 0 { "Harbour Gazette" } else { "Northern Ledger" },
                    "authors": ["Ann Lee"],
                })
                .to_string()
            }
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// Every stored article as JSON, in key order.
fn articles(index: &Path) -> Vec<String> {
    let engine = SearchEngine::open_once(index).expect("open index");
    let mut all = Vec::new();
    engine
        .export(&mut |a| {
            all.push(serde_json::to_string(a).expect("article serializes"));
            Ok(())
        })
        .expect("export");
    all.sort();
    all
}

fn streamed() -> IngestOptions {
    IngestOptions {
        stream_bytes: 0,
        stream_part_bytes: 700,
        commit_every: 1,
        ..IngestOptions::default()
    }
}

/// Ingest, checking that progress reports every planned byte once: a
/// streamed dump reports part by part, and the bar must still end full.
fn run(index: &Path, corpus: &Path, opts: &IngestOptions) -> Summary {
    let (planned, done) = (AtomicU64::new(0), AtomicU64::new(0));
    let progress = |p: Progress| match p {
        Progress::Planned(n) => planned.store(n, Ordering::SeqCst),
        Progress::Done(n) => {
            done.fetch_add(n, Ordering::SeqCst);
        }
    };
    let summary = ingest(index, &[corpus.to_path_buf()], opts, &progress).expect("ingest");
    assert_eq!(done.into_inner(), planned.into_inner(), "progress adds up");
    summary
}

#[test]
fn streamed_dumps_index_exactly_what_whole_files_do() {
    let dir = tempfile::tempdir().expect("temp dir");
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(&corpus).expect("mkdir");
    std::fs::write(corpus.join("a.ndjson"), dump(90, "first")).expect("write");
    std::fs::write(corpus.join("b.jsonl"), dump(40, "other")).expect("write");
    // A whole file between the streamed ones.
    std::fs::write(
        corpus.join("note.txt"),
        "Harbour strike ends\n\nDock workers returned to work on Monday after Angela Merkel \
         praised the deal.\n",
    )
    .expect("write");

    let whole = dir.path().join("whole");
    let parts = dir.path().join("parts");
    let w = run(&whole, &corpus, &IngestOptions::default());
    let p = run(&parts, &corpus, &streamed());
    // 75 of 90 records, 33 of 40, and the text file.
    assert_eq!(w.new, 75 + 33 + 1, "{w:?}");
    assert_eq!(p, w, "same counts and the same skipped lines, in order");
    assert!(
        p.skipped
            .iter()
            .any(|s| s.reason.starts_with("line 6: invalid JSON")),
        "{:?}",
        p.skipped
    );
    assert!(
        p.skipped
            .iter()
            .any(|s| s.reason == "record 14: no article text found"),
        "{:?}",
        p.skipped
    );
    assert_eq!(articles(&parts), articles(&whole));

    // A new edition of one dump replaces the old one's articles, whether
    // it arrives whole or in parts with commits falling due after each.
    std::fs::write(corpus.join("a.ndjson"), dump(60, "second")).expect("write");
    let w = run(&whole, &corpus, &IngestOptions::default());
    let p = run(&parts, &corpus, &streamed());
    assert_eq!(p, w);
    assert_eq!(w.updated, 50, "50 of 60 records: {w:?}");
    let got = articles(&parts);
    assert_eq!(got, articles(&whole));
    assert!(
        got.iter().all(|a| !a.contains("(first)")),
        "old edition gone"
    );
    assert_eq!(got.len(), w.updated + w.unchanged);
}

/// `extract` reads a dump line by line too: a file over the size cap is
/// shown whole, the cap bounding each line.
#[test]
fn extract_reads_a_dump_over_the_size_cap() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("dump.ndjson");
    let text = dump(40, "extract");
    std::fs::write(&path, &text).expect("write");
    let opts = IngestOptions {
        max_file_bytes: 2000,
        ..IngestOptions::default()
    };
    assert!(text.len() > 2000);
    let (articles, skipped) = newsidx::ingest::extract_paths(&[path], &opts);
    assert_eq!(
        articles.len(),
        33,
        "33 of 40 records, as ingest: {skipped:?}"
    );
    assert_eq!(skipped.len(), 7);
}

/// Problems of many files are listed up to a limit for the whole run; the
/// rest are counted, one line for each file that had more.
#[test]
fn a_run_lists_at_most_ten_thousand_problems() {
    let dir = tempfile::tempdir().expect("temp dir");
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(&corpus).expect("mkdir");
    for k in 0..12 {
        let mut text = String::new();
        for i in 0..900 {
            text.push_str(&format!("{i},2021-03-01,\"Port talks\",Gazette {k}\n"));
        }
        text.push_str(&dump(1, &format!("file{k}")));
        std::fs::write(corpus.join(format!("t{k:02}.jsonl")), text).expect("write");
    }
    let index = tempfile::tempdir().expect("temp dir");
    let s = run(index.path(), &corpus, &IngestOptions::default());
    assert_eq!(s.new, 12, "each file's good record");
    let (counts, listed): (Vec<_>, Vec<_>) = s
        .skipped
        .iter()
        .partition(|p| p.reason.contains("not listed"));
    assert_eq!(listed.len(), newsidx::ingest::PROBLEMS_LISTED);
    let counted: usize = counts
        .iter()
        .map(|p| {
            assert!(
                p.reason.ends_with("(a run lists at most 10000)"),
                "{}",
                p.reason
            );
            p.reason
                .split(' ')
                .next()
                .and_then(|n| n.parse::<usize>().ok())
                .expect("a count first")
        })
        .sum();
    assert_eq!(counted, 12 * 900 - newsidx::ingest::PROBLEMS_LISTED);
}

/// A dump of bad lines (a CSV named `.jsonl`) goes through in parts, and
/// its reasons are listed up to a limit, the rest counted in one line.
#[test]
fn a_dump_of_bad_lines_lists_a_thousand_reasons() {
    let dir = tempfile::tempdir().expect("temp dir");
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(&corpus).expect("mkdir");
    let mut text = String::new();
    for i in 0..2500 {
        text.push_str(&format!("{i},2021-03-01,\"Port talks\",Harbour Gazette\n"));
    }
    text.push_str(&dump(1, "last"));
    std::fs::write(corpus.join("table.jsonl"), text).expect("write");
    for opts in [IngestOptions::default(), streamed()] {
        let index = tempfile::tempdir().expect("temp dir");
        let s = run(index.path(), &corpus, &opts);
        assert_eq!(s.new, 1, "the one good record");
        assert_eq!(s.skipped.len(), 1001, "1000 listed and a count");
        assert!(s.skipped[0].reason.starts_with("line 1: invalid JSON"));
        assert_eq!(
            s.skipped[1000].reason,
            "1500 more problems not listed (the first 1000 are)"
        );
    }
}

/// The pool's workers wait for room in flight before reading a file, and a
/// streamed dump's parts are cleaned on that same pool: a part must not
/// hold room while it waits for them. Here every text file is bigger than
/// all the room there is (so each goes alone) and the dumps come in parts
/// of 700 bytes; an ingest that deadlocks fails the watchdog instead of
/// hanging the suite.
#[test]
fn streamed_parts_and_files_larger_than_the_room_in_flight_all_get_in() {
    let dir = tempfile::tempdir().expect("temp dir");
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(&corpus).expect("mkdir");
    for d in 0..3 {
        std::fs::write(
            corpus.join(format!("d{d}.ndjson")),
            dump(40, &format!("d{d}")),
        )
        .expect("write");
    }
    let paragraph = "Dock workers returned to work on Monday after Angela Merkel praised the \
                     deal, and shipping lines said the backlog would clear within a week.\n\n";
    for f in 0..12 {
        let body = paragraph.repeat(40);
        std::fs::write(
            corpus.join(format!("t{f:02}.txt")),
            format!("Harbour strike ends, part {f}\n\nPart {f}. {body}"),
        )
        .expect("write");
    }
    let opts = IngestOptions {
        in_flight_bytes: 4000,
        ..streamed()
    };
    let index = dir.path().join("index");
    let (tx, rx) = std::sync::mpsc::channel();
    let (index2, corpus2) = (index.clone(), corpus.clone());
    std::thread::spawn(move || {
        let _ = tx.send(run(&index2, &corpus2, &opts));
    });
    let summary = rx
        .recv_timeout(std::time::Duration::from_secs(120))
        .expect("ingest finished (a deadlock leaves it waiting)");
    // 33 of 40 records per dump, and every text file.
    assert_eq!(summary.new, 3 * 33 + 12, "{summary:?}");
}
