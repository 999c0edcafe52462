//! `extract`, `show`, `stats`, `export`: what ingest stores, printed back.

use crate::common::{Env, article, sample_corpus};

#[test]
fn extract_json_is_an_array_of_articles() {
    let env = Env::new();
    let p = env.write(
        "2020-09-25-pact.txt",
        article("Pact offered", "Vladimir Putin offered a pact."),
    );
    let run = env.run(&["--json", "extract", p.to_str().expect("p")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let a = &run.json()[0];
    for field in [
        "key",
        "path",
        "title",
        "body",
        "people",
        "dates",
        "published",
        "source",
        "url",
        "authors",
        "format",
        "fingerprint",
    ] {
        assert!(a.get(field).is_some(), "missing {field}: {a}");
    }
    assert_eq!(a["title"], "Pact offered");
    assert_eq!(a["format"], "text");
    assert!(!env.index().exists(), "extract must not create an index");
}

/// Ingest takes the fingerprint while it analyzes the body for the index;
/// `extract` computes it on its own. Both must give the same value, and
/// copies that differ only in case, accents and punctuation must share it.
#[test]
fn extract_and_ingest_agree_on_fingerprints() {
    let env = Env::new();
    env.write(
        "a.txt",
        article("Café talks", "The café reopened, said Müller."),
    );
    env.write(
        "b.txt",
        article("CAFE TALKS", "THE CAFE REOPENED -- SAID MULLER!"),
    );
    env.write(
        "c.txt",
        article("Cafe talks", "The cafe reopened, said Muller again."),
    );
    let corpus = env.corpus();
    let corpus = corpus.to_str().expect("path");
    let extracted = env.run(&["--json", "extract", corpus]);
    assert_eq!(extracted.code, 0, "{}", extracted.stderr);
    let print_of = |v: &serde_json::Value| {
        let key = v["key"].as_str().unwrap_or_default();
        let name = key.rsplit('/').next().unwrap_or_default().to_string();
        (
            name,
            v["fingerprint"].as_str().unwrap_or_default().to_string(),
        )
    };
    let mut from_extract: Vec<_> = extracted
        .json()
        .as_array()
        .expect("an array")
        .iter()
        .map(print_of)
        .collect();
    from_extract.sort();
    assert_eq!(env.run(&["ingest", corpus]).code, 0);
    let export = env.run(&["export"]);
    let mut stored: Vec<_> = export
        .stdout
        .lines()
        .map(|l| print_of(&serde_json::from_str(l).expect("NDJSON line")))
        .collect();
    stored.sort();
    assert_eq!(stored, from_extract);
    let prints: Vec<&str> = stored.iter().map(|(_, p)| p.as_str()).collect();
    assert_eq!(prints.len(), 3);
    assert!(prints.iter().all(|p| p.len() == 32), "{prints:?}");
    assert_eq!(prints[0], prints[1], "a copy in capitals is the same text");
    assert_ne!(prints[0], prints[2], "one more word is another text");
}

#[test]
fn show_stats_and_export_roundtrip() {
    let env = Env::new();
    let p = env.write(
        "a.txt",
        article("Harbour strike ends", "Dock workers returned to work."),
    );
    env.write("b.ndjson", "{\"title\":\"Ferry news\",\"body\":\"The ferry sailed.\",\"source\":\"Harbour Gazette\",\"published\":\"2020-01-02\"}\n");
    assert_eq!(
        env.run(&["ingest", env.corpus().to_str().expect("p")]).code,
        0
    );

    let shown = env.run(&["--json", "show", p.to_str().expect("p")]);
    assert_eq!(shown.code, 0, "{}", shown.stderr);
    assert_eq!(shown.json()["title"], "Harbour strike ends");
    let missing = env.run(&["show", "/no/such/key"]);
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.contains("no article"), "{}", missing.stderr);

    let stats = env.run(&["--json", "stats"]).json();
    assert_eq!(stats["articles"], 2);
    assert_eq!(stats["sources"]["Harbour Gazette"], 1);
    assert_eq!(stats["published"]["first"], "2020-01-02");
    assert!(stats["index_bytes"].as_u64().unwrap_or(0) > 0);

    let export = env.run(&["export"]);
    assert_eq!(export.code, 0);
    let lines: Vec<serde_json::Value> = export
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("NDJSON line"))
        .collect();
    assert_eq!(lines.len(), 2);
    // The export is ingestible NDJSON: a fresh index gets the same articles.
    let dump = env.dir.path().join("dump.ndjson");
    std::fs::write(&dump, &export.stdout).expect("write dump");
    let other = env.dir.path().join("other-index");
    let run = crate::common::run_in(&other, &["ingest", dump.to_str().expect("p")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let r = crate::common::run_in(&other, &["--json", "search", "ferry"]).json();
    assert_eq!(r["hits"][0]["title"], "Ferry news");
    assert_eq!(r["hits"][0]["source"], "Harbour Gazette");
}

#[test]
fn sample_corpus_ingests_cleanly_and_finds_the_pact() {
    let env = Env::new();
    let run = env.run(&["--json", "ingest", sample_corpus().to_str().expect("p")]);
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    let s = run.json();
    assert!(s["new"].as_u64().unwrap_or(0) >= 15, "{s}");
    assert!(s["duplicates"].as_u64().unwrap_or(0) >= 1, "{s}");
    let r = env
        .run(&["--json", "search", "\"non-aggression pact\""])
        .json();
    assert!(r["total"].as_u64().unwrap_or(0) >= 2, "{r}");
    let stats = env.run(&["--json", "stats"]).json();
    assert!(
        stats["sources"].as_object().map(|m| m.len()).unwrap_or(0) >= 5,
        "{stats}"
    );
}

/// A reader that goes away early (`newsidx search ... | head`) ends the
/// run quietly with success, as in ripgrep and fd, for text and JSON.
#[test]
fn a_closed_pipe_is_not_an_error() {
    let env = Env::new();
    for i in 0..150 {
        env.write(
            &format!("a{i}.txt"),
            article(
                &format!("Harbour report {i}"),
                &format!(
                    "The harbour board met on Tuesday about berth {i}. Dock workers said the \
                     harbour plan for berth {i} was late, and the board promised a new harbour \
                     timetable by the spring."
                ),
            ),
        );
    }
    let ingest = env.run(&["ingest", env.corpus().to_str().expect("utf-8 path")]);
    assert_eq!(ingest.code, 0, "{}", ingest.stderr);
    for args in [
        &["--json", "search", "-n", "150", "harbour"][..],
        &["export"][..],
    ] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_newsidx"))
            .arg("--index")
            .arg(env.index())
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn newsidx");
        // Close the read end before a byte is read: the output is well over
        // a pipe's 64 KB buffer, so a write fails with EPIPE.
        drop(child.stdout.take());
        let out = child.wait_with_output().expect("wait");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
        assert_eq!(out.status.code(), Some(0), "{args:?}");
    }
}
