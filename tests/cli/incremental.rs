//! Ingest is incremental and idempotent: unchanged files are skipped,
//! edited ones replaced, deleted ones removed, exact duplicates recorded and
//! shown once, and a second writer is refused while one holds the lock.

use crate::common::{Env, article};

fn summary(env: &Env) -> serde_json::Value {
    let run = env.run(&[
        "--json",
        "ingest",
        env.corpus().to_str().expect("utf-8 path"),
    ]);
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    run.json()
}

#[test]
fn second_ingest_changes_nothing_and_says_so() {
    let env = Env::new();
    env.write(
        "a.txt",
        article(
            "Harbour strike ends",
            "Dock workers returned to work on Monday.",
        ),
    );
    env.write(
        "b.txt",
        article("Council budget passed", "The council approved its budget."),
    );
    let first = summary(&env);
    assert_eq!(first["new"], 2);
    let again = env.run(&["ingest", env.corpus().to_str().expect("path")]);
    assert_eq!(again.code, 0);
    assert!(
        again.stdout.contains("0 new, 0 updated, 2 unchanged"),
        "{}",
        again.stdout
    );
    assert!(again.stdout.contains("index is up to date"));
}

#[test]
fn edited_file_is_replaced_not_duplicated() {
    let env = Env::new();
    let path = env.write(
        "a.txt",
        article("Harbour strike ends", "Dock workers returned on Monday."),
    );
    summary(&env);
    // A different size guarantees the change is seen even on coarse mtimes.
    std::fs::write(
        &path,
        article(
            "Harbour strike ends",
            "Dockers finally returned to the quays on Tuesday morning.",
        ),
    )
    .expect("edit");
    let s = summary(&env);
    assert_eq!(s["updated"], 1);
    assert_eq!(s["new"], 0);
    let old = env.run(&["--json", "search", "Monday"]);
    assert_eq!(old.code, 1, "old text must be gone: {}", old.stdout);
    let new = env.run(&["--json", "search", "quays"]);
    assert_eq!(new.json()["total"], 1);
    let stats = env.run(&["--json", "stats"]).json();
    assert_eq!(stats["articles"], 1);
}

#[test]
fn deleted_file_is_removed() {
    let env = Env::new();
    let a = env.write(
        "a.txt",
        article("Harbour strike ends", "Dock workers returned."),
    );
    env.write(
        "b.txt",
        article("Council budget passed", "The council approved its budget."),
    );
    summary(&env);
    std::fs::remove_file(a).expect("rm");
    let s = summary(&env);
    assert_eq!(s["removed"], 1);
    assert_eq!(s["unchanged"], 1);
    assert_eq!(env.run(&["search", "harbour"]).code, 1);
}

#[test]
fn ingesting_another_folder_keeps_the_first() {
    let env = Env::new();
    env.write(
        "one/a.txt",
        article("Harbour strike ends", "Dock workers returned."),
    );
    env.write(
        "two/b.txt",
        article("Council budget passed", "The council approved its budget."),
    );
    let one = env.corpus().join("one");
    let two = env.corpus().join("two");
    assert_eq!(env.run(&["ingest", one.to_str().expect("p")]).code, 0);
    assert_eq!(env.run(&["ingest", two.to_str().expect("p")]).code, 0);
    let stats = env.run(&["--json", "stats"]).json();
    assert_eq!(stats["articles"], 2);
}

#[test]
fn exact_duplicate_is_recorded_and_shown_once() {
    let env = Env::new();
    let text = article(
        "Harbour strike ends",
        "Dock workers returned to work on Monday after a week.",
    );
    env.write("a.txt", &text);
    env.write("copies/a-copy.txt", &text);
    let s = summary(&env);
    assert_eq!(s["new"], 2);
    assert_eq!(s["duplicates"], 1);
    let r = env.run(&["--json", "search", "dock workers"]).json();
    let hits = r["hits"].as_array().expect("hits");
    assert_eq!(hits.len(), 1, "{r}");
    assert_eq!(hits[0]["duplicates"].as_array().map(Vec::len), Some(1));
    assert_eq!(env.run(&["--json", "stats"]).json()["articles"], 1);
}

#[test]
fn second_writer_gets_index_is_locked() {
    let env = Env::new();
    env.write(
        "a.txt",
        article("Harbour strike ends", "Dock workers returned."),
    );
    summary(&env);
    // Hold the writer lock from this process, as a running ingest would.
    let _held =
        newsidx::indexer::Indexer::open(&env.index(), false, 20_000_000).expect("open writer");
    let run = env.run(&["ingest", env.corpus().to_str().expect("p")]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("locked"), "{}", run.stderr);
    // Searching still works while the lock is held.
    assert_eq!(env.run(&["search", "harbour"]).code, 0);
}

/// A new index is created while the workers already read the files, and a
/// rebuild clears the old one meanwhile: neither may go ahead without the
/// writer lock. With another writer holding it, a rebuild is refused and
/// the index keeps its articles; a first ingest into a folder that another
/// program's files fill is refused and leaves them be.
#[test]
fn rebuild_of_a_locked_index_and_ingest_into_a_foreign_folder_are_refused() {
    let env = Env::new();
    for i in 0..200 {
        env.write(
            &format!("n{i:03}.txt"),
            article(
                &format!("Harbour strike day {i}"),
                &format!("Dock workers stayed out for day {i} of the strike."),
            ),
        );
    }
    assert_eq!(summary(&env)["new"], 200);
    let held =
        newsidx::indexer::Indexer::open(&env.index(), false, 20_000_000).expect("open writer");
    let run = env.run(&["ingest", "--rebuild", env.corpus().to_str().expect("p")]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stderr.contains("locked"), "{}", run.stderr);
    drop(held);
    assert_eq!(env.run(&["--json", "stats"]).json()["articles"], 200);

    let foreign = env.corpus().parent().expect("tmp").join("not-an-index");
    std::fs::create_dir_all(&foreign).expect("mkdir");
    std::fs::write(foreign.join("notes.txt"), "mine").expect("write");
    let run = crate::common::run_in(&foreign, &["ingest", env.corpus().to_str().expect("p")]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr.contains("refusing to write there"),
        "{}",
        run.stderr
    );
    let left: Vec<_> = std::fs::read_dir(&foreign)
        .expect("read")
        .filter_map(|e| e.ok().map(|e| e.file_name()))
        .collect();
    assert_eq!(left, ["notes.txt"]);
}
