//! Search behaviour through the library: small inline articles are written
//! to a temp dir, ingested with `newsidx::ingest::ingest`, and searched with
//! `SearchEngine`. Covers the query language of issue 5 (all words first,
//! compounds, accents, stemming, exclusion, fields, dates, sorting, copies,
//! did-you-mean, malformed queries, phrase highlights). It does not drive
//! the binary (the CLI tests do) and asserts no timings.

use std::path::Path;
use std::sync::OnceLock;

use newsidx::Error;
use newsidx::ingest::{IngestOptions, ingest};
use newsidx::search::{SearchEngine, SearchRequest, SearchResults, Sort};

const WIRE: &str = "The Bank of England kept interest rates at a record low on Thursday but said the case for raising them had strengthened, sending sterling higher and prompting investors to bring forward bets on a hike. The Monetary Policy Committee voted unanimously to leave Bank Rate unchanged. Two of its nine members voted to end the central bank's bond-buying programme early. Sterling rose as much as half a cent against the dollar after the announcement, and gilt yields climbed to their highest level since March. Governor Andrew Bailey has said repeatedly that the central bank will not overreact to price rises it considers temporary.";

fn ndjson_line(title: &str, body: &str, published: &str, source: &str, people: &[&str]) -> String {
    serde_json::json!({
        "title": title,
        "body": body,
        "published": published,
        "source": source,
        "people": people,
    })
    .to_string()
}

/// The corpus and the index, built once for all tests.
struct Fixture {
    _dir: tempfile::TempDir,
    engine: SearchEngine,
}

fn write(root: &Path, name: &str, text: &str) {
    std::fs::write(root.join(name), text).expect("temp dir is writable");
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let corpus = dir.path().join("corpus");
        std::fs::create_dir_all(&corpus).expect("temp dir is writable");
        let lines = [
            ndjson_line(
                "Kremlin offers a cyber treaty",
                "Russia proposed a non-aggression pact covering cyberspace on Friday.\n\nThe pact would bar attacks on elections. Washington said it would study the offer.",
                "2020-09-25",
                "Northern Ledger",
                &["Vladimir Putin"],
            ),
            ndjson_line(
                "Summit recalls treaty idea",
                "Officials recalled the nonaggression pact idea from last year at the summit.\n\nTalks on other matters continue next month.",
                "2021-06-16",
                "Harbour Gazette",
                &["Joe Biden"],
            ),
            ndjson_line(
                "Glacier glacier glacier",
                "The glacier is large. Glacier tours are popular. A glacier museum opened. Glacier views.",
                "2019-07-15",
                "Harbour Gazette",
                &[],
            ),
            ndjson_line(
                "Alpine summer report",
                "Scientists say the glacier melt set a record this summer in the Alps.",
                "2022-08-01",
                "Northern Ledger",
                &[],
            ),
            ndjson_line(
                "Müller retires from international football",
                "Thomas Müller has ended his international career after 14 years.",
                "2024-02-01",
                "Northern Ledger",
                &["Thomas Müller"],
            ),
            ndjson_line(
                "Left alliance gains",
                "A left-wing alliance led by Jean-Luc Melenchon made large gains.",
                "2022-06-20",
                "Harbour Gazette",
                &[],
            ),
        ];
        write(&corpus, "wires.ndjson", &(lines.join("\n") + "\n"));
        // Undated: sorts last whichever way.
        write(
            &corpus,
            "undated-glacier.txt",
            "Glacier notes\n\nAn undated note on glacier melt.\n",
        );
        // An exact copy, and a syndicated copy with an extra intro paragraph.
        write(
            &corpus,
            "boe.txt",
            &format!("Bank of England holds rates\n\n{WIRE}\n"),
        );
        write(
            &corpus,
            "boe-copy.txt",
            &format!("Bank of England holds rates\n\n{WIRE}\n"),
        );
        write(
            &corpus,
            "boe-syndicated.txt",
            &format!(
                "Rate rise edges closer as Bank warns\n\nHomeowners on tracker mortgages could face higher payments within months.\n\n{WIRE}\n\nSign up for our business newsletter.\n"
            ),
        );
        let index = dir.path().join("index");
        ingest(&index, &[corpus], &IngestOptions::default(), &|_| {}).expect("ingest");
        let engine = SearchEngine::open(&index).expect("open index");
        Fixture { _dir: dir, engine }
    })
}

fn search(query: &str) -> SearchResults {
    search_with(SearchRequest {
        query: query.to_string(),
        ..SearchRequest::default()
    })
}

fn search_with(req: SearchRequest) -> SearchResults {
    fixture()
        .engine
        .search(&req)
        .unwrap_or_else(|e| panic!("{:?} failed: {e}", req.query))
}

fn titles(r: &SearchResults) -> Vec<&str> {
    r.hits.iter().map(|h| h.title.as_str()).collect()
}

#[test]
fn all_words_rank_first_and_a_wrong_word_never_empties() {
    let r = search("glacier melt record");
    assert_eq!(titles(&r)[0], "Alpine summer report", "{:?}", titles(&r));
    assert!(titles(&r).contains(&"Glacier glacier glacier"));
    // "melt" misremembered as "thaw": still results.
    let r = search("glacier thaw record");
    assert!(!r.hits.is_empty());
}

#[test]
fn hyphen_and_compound_forms_find_both_spellings() {
    for q in [
        "non-aggression pact",
        "\"non-aggression pact\"",
        "\"non aggression pact\"",
        "nonaggression pact",
    ] {
        let r = search(q);
        let t = titles(&r);
        assert!(
            t.contains(&"Kremlin offers a cyber treaty")
                && t.contains(&"Summit recalls treaty idea"),
            "{q}: {t:?}"
        );
    }
    // Exact forms above variants.
    assert_eq!(
        titles(&search("non-aggression pact"))[0],
        "Kremlin offers a cyber treaty"
    );
    assert_eq!(
        titles(&search("nonaggression pact"))[0],
        "Summit recalls treaty idea"
    );
    assert_eq!(
        titles(&search("\"nonaggression pact\""))[0],
        "Summit recalls treaty idea"
    );
}

#[test]
fn accents_fold_both_ways_and_words_stem() {
    assert_eq!(
        titles(&search("Muller"))[0],
        "Müller retires from international football"
    );
    assert_eq!(titles(&search("Mélenchon"))[0], "Left alliance gains");
    let r = search("pacts");
    assert!(titles(&r).contains(&"Kremlin offers a cyber treaty"));
}

#[test]
fn exclusion_or_and_brackets() {
    let r = search("pact -cyberspace");
    assert_eq!(titles(&r), ["Summit recalls treaty idea"]);
    let r = search("pact NOT cyberspace");
    assert_eq!(titles(&r), ["Summit recalls treaty idea"]);
    let r = search("(cyberspace OR summit) +pact");
    assert_eq!(r.hits.len(), 2);
    let r = search("cyberspace AND summit");
    assert!(r.hits.is_empty());
}

#[test]
fn field_filters_and_flags() {
    assert_eq!(
        titles(&search("person:putin")),
        ["Kremlin offers a cyber treaty"]
    );
    assert_eq!(
        titles(&search("pact source:\"harbour gazette\"")),
        ["Summit recalls treaty idea"]
    );
    assert_eq!(
        titles(&search("title:summit")),
        ["Summit recalls treaty idea"]
    );
    let r = search_with(SearchRequest {
        query: "pact".into(),
        person: vec!["Joe Biden".into()],
        ..SearchRequest::default()
    });
    assert_eq!(titles(&r), ["Summit recalls treaty idea"]);
    let r = search_with(SearchRequest {
        query: "pact".into(),
        source: vec!["northern ledger".into()],
        ..SearchRequest::default()
    });
    assert_eq!(titles(&r), ["Kremlin offers a cyber treaty"]);
}

#[test]
fn date_ranges_and_since_until() {
    assert_eq!(
        titles(&search("pact date:2020-09")),
        ["Kremlin offers a cyber treaty"]
    );
    assert_eq!(search("pact date:2020-01..2021-12").hits.len(), 2);
    assert!(search("pact date:2023..").hits.is_empty());
    let r = search_with(SearchRequest {
        query: "pact".into(),
        since: Some("2021".into()),
        until: Some("2021-12-31".into()),
        ..SearchRequest::default()
    });
    assert_eq!(titles(&r), ["Summit recalls treaty idea"]);
}

#[test]
fn sort_by_date_puts_undated_last() {
    let newest = search_with(SearchRequest {
        query: "glacier".into(),
        sort: Sort::Newest,
        ..SearchRequest::default()
    });
    assert_eq!(
        titles(&newest),
        [
            "Alpine summer report",
            "Glacier glacier glacier",
            "Glacier notes"
        ]
    );
    let oldest = search_with(SearchRequest {
        query: "glacier".into(),
        sort: Sort::Oldest,
        ..SearchRequest::default()
    });
    assert_eq!(
        titles(&oldest),
        [
            "Glacier glacier glacier",
            "Alpine summer report",
            "Glacier notes"
        ]
    );
}

#[test]
fn exact_and_syndicated_copies_collapse() {
    let r = search("Monetary Policy Committee Bailey");
    assert_eq!(r.hits.len(), 1, "{:?}", titles(&r));
    assert_eq!(r.hits[0].duplicates.len(), 2, "{:?}", r.hits[0].duplicates);
    // Exact copies count once in the total; the syndicated one is its own body.
    assert_eq!(r.total, 2);
    // `similar` never returns the article's own copies.
    let key = r.hits[0].key.clone();
    let s = fixture()
        .engine
        .similar(&key, &SearchRequest::default())
        .expect("similar");
    assert!(
        s.hits.iter().all(|h| !h.title.contains("Bank")),
        "{:?}",
        titles(&s)
    );
}

#[test]
fn facets_count_the_whole_result_set() {
    let r = search_with(SearchRequest {
        query: "pact OR glacier".into(),
        facets: true,
        limit: 1,
        ..SearchRequest::default()
    });
    let f = r.facets.expect("facets asked for");
    assert_eq!(f.sources.get("Harbour Gazette"), Some(&2));
    assert_eq!(f.sources.get("Northern Ledger"), Some(&2));
    assert_eq!(f.people.get("Vladimir Putin"), Some(&1));
    assert_eq!(f.months.get("2020-09"), Some(&1));
    assert_eq!(r.total, 5);
}

/// A fresh engine's first search reads the columns directly; later ones use
/// the per-searcher caches (which documents can be copies, facet columns
/// and names as arrays). Both must give the same totals, facets and hits.
#[test]
fn cached_counts_equal_uncached_ones() {
    for (query, facets) in [
        ("Monetary Policy Committee Bailey", true),
        ("pact OR glacier", true),
        ("bank OR glacier", false),
        ("Monetary Policy Committee Bailey", false),
    ] {
        let req = SearchRequest {
            query: query.into(),
            facets,
            ..SearchRequest::default()
        };
        let json = |r: SearchResults| serde_json::to_string(&r).expect("serializable");
        let engine = SearchEngine::open(fixture().engine.index_dir()).expect("open");
        let first = json(engine.search(&req).expect("search"));
        for _ in 0..2 {
            assert_eq!(json(engine.search(&req).expect("search")), first, "{query}");
        }
    }
}

/// Counts read with the shared-prints file ingest saves equal counts that
/// read every print (a copy of the index without the file).
#[test]
fn counts_with_the_saved_prints_equal_counts_without() {
    let src = fixture().engine.index_dir();
    assert!(src.join(newsidx::search::SHARED_PRINTS_FILE).exists());
    let copy = tempfile::tempdir().expect("temp dir");
    for entry in std::fs::read_dir(src).expect("index dir") {
        let path = entry.expect("entry").path();
        let name = path.file_name().expect("file name");
        if name != newsidx::search::SHARED_PRINTS_FILE && !name.to_string_lossy().ends_with(".lock")
        {
            std::fs::copy(&path, copy.path().join(name)).expect("copy");
        }
    }
    let json = |r: SearchResults| serde_json::to_string(&r).expect("serializable");
    for (query, facets) in [
        ("Monetary Policy Committee Bailey", true),
        ("bank OR glacier", false),
        ("rates", false),
        ("pact", true),
    ] {
        let req = SearchRequest {
            query: query.into(),
            facets,
            ..SearchRequest::default()
        };
        let with = SearchEngine::open_once(src).expect("open");
        let without = SearchEngine::open_once(copy.path()).expect("open copy");
        let a = with.search(&req).expect("search");
        assert!(a.total > 0, "{query} matches");
        assert_eq!(
            json(a),
            json(without.search(&req).expect("search")),
            "{query}"
        );
    }
}

#[test]
fn zero_hits_suggest_close_spellings() {
    let r = search("glaciar");
    assert!(r.hits.is_empty());
    assert!(
        r.suggestions.iter().any(|s| s == "glacier"),
        "{:?}",
        r.suggestions
    );
    let r = search("Mullerr");
    assert!(
        r.suggestions.iter().any(|s| s == "Müller"),
        "{:?}",
        r.suggestions
    );
}

#[test]
fn malformed_queries_are_explained_not_empty() {
    for q in [
        "date:2020-13",
        "person:",
        "pact date:2021..2020",
        "title:\"\"",
    ] {
        match fixture().engine.search(&SearchRequest {
            query: q.into(),
            ..SearchRequest::default()
        }) {
            Err(Error::Query(msg)) => assert!(msg.contains("character"), "{q}: {msg}"),
            other => panic!("{q}: expected a query error, got {other:?}"),
        }
    }
    let r = search("\"unclosed pact");
    assert!(r.notices.iter().any(|n| n.contains("unclosed quote")));
    assert!(!r.hits.is_empty());
    let r = search("(pact OR");
    assert!(!r.notices.is_empty());
    assert!(!r.hits.is_empty());
}

#[test]
fn snippets_highlight_whole_phrases_only() {
    let r = search("\"non-aggression pact\"");
    let hit = &r.hits[0];
    let lit: Vec<&str> = hit
        .snippets
        .iter()
        .flat_map(|s| s.highlights.iter().map(move |[a, b]| &s.text[*a..*b]))
        .collect();
    assert_eq!(lit, ["non-aggression pact"], "{:?}", hit.snippets);
    // Free words light up one by one.
    let r = search("pact attacks");
    let lit: Vec<&str> = r.hits[0]
        .snippets
        .iter()
        .flat_map(|s| s.highlights.iter().map(move |[a, b]| &s.text[*a..*b]))
        .collect();
    assert!(lit.contains(&"attacks"), "{lit:?}");
}

/// A page that collapsing copies leaves short is fetched again, twice as
/// deep, taking over the documents the first round read: it must be the
/// page one fetch deep enough from the start gives, copies and all.
#[test]
fn a_refetched_page_equals_one_fetched_deep_enough() {
    let dir = tempfile::tempdir().expect("temp dir");
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(&corpus).expect("temp dir is writable");
    // 25 exact copies that outrank everything, then 15 distinct stories.
    let mut lines: Vec<String> = (0..25)
        .map(|i| {
            ndjson_line(
                &format!("Wheat harvest {i}"),
                "Wheat wheat wheat. The wheat harvest was the largest in years, and wheat prices fell.",
                "2021-01-01",
                "Farm Wire",
                &[],
            )
        })
        .collect();
    lines.extend((0..15).map(|i| {
        let words: Vec<String> = (0..40).map(|k| format!("crop{i}x{k}")).collect();
        ndjson_line(
            &format!("Market note {i}"),
            &format!("Wheat was one line of the report. {}.", words.join(" ")),
            "2021-01-02",
            "Grain Desk",
            &[],
        )
    }));
    write(&corpus, "copies.ndjson", &(lines.join("\n") + "\n"));
    let index = dir.path().join("index");
    ingest(&index, &[corpus], &IngestOptions::default(), &|_| {}).expect("ingest");
    for engine in [
        SearchEngine::open(&index).expect("open"),
        SearchEngine::open_once(&index).expect("open once"),
    ] {
        let page = |limit: usize| {
            engine
                .search(&SearchRequest {
                    query: "wheat".into(),
                    limit,
                    ..SearchRequest::default()
                })
                .expect("search")
        };
        // Ten hits: the first 30 fetched collapse to 6, so a second round runs.
        let short = page(10);
        // Forty: the first fetch (90) holds every match.
        let deep = page(40);
        assert_eq!(short.hits.len(), 10);
        assert_eq!(short.hits[0].duplicates.len(), 24);
        let view = |r: &SearchResults| -> Vec<(String, Vec<String>)> {
            r.hits
                .iter()
                .take(10)
                .map(|h| (h.key.clone(), h.duplicates.clone()))
                .collect()
        };
        assert_eq!(view(&short), view(&deep));
    }
}
