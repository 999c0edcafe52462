//! `search`: ranking, snippets, filters, sorting, JSON shape and exit codes,
//! on a small corpus written here (so the expectations are visible).

use crate::common::{Env, article};

fn corpus() -> Env {
    let env = Env::new();
    env.write(
        "2020-09-25-pact.txt",
        article(
            "Putin calls for cyber non-aggression pact",
            "Vladimir Putin proposed a non-aggression pact on cyberwarfare on Friday.\n\nMr Putin said the pact could cover elections.",
        ),
    );
    env.write(
        "2021-06-16-geneva.md",
        "---\ntitle: Geneva summit ends\ndate: 2021-06-16\nsource: Northern Ledger\n---\n\nJoe Biden and Vladimir Putin discussed a nonaggression pact in cyberspace.\n",
    );
    env.write(
        "wires.jsonl",
        concat!(
            r#"{"title":"Trade pact signed","body":"The trade pact was signed in Brussels by Ursula von der Leyen.","published":"2019-12-01","source":"Harbour Gazette"}"#,
            "\n",
            r#"{"title":"Football final","body":"Thomas Müller scored twice in the final.","source":"Harbour Gazette"}"#,
            "\n"
        ),
    );
    let run = env.run(&["ingest", env.corpus().to_str().expect("p")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    env
}

fn keys(r: &serde_json::Value) -> Vec<String> {
    r["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|h| {
            let k = h["key"].as_str().unwrap_or("");
            k.rsplit('/').next().unwrap_or(k).to_string()
        })
        .collect()
}

#[test]
fn hyphenated_phrase_finds_both_spellings() {
    let env = corpus();
    let r = env
        .run(&["--json", "search", "\"non-aggression pact\""])
        .json();
    let k = keys(&r);
    assert!(k.contains(&"2020-09-25-pact.txt".to_string()), "{k:?}");
    assert!(k.contains(&"2021-06-16-geneva.md".to_string()), "{k:?}");
    assert!(
        !k.iter().any(|x| x.starts_with("wires")),
        "a trade pact is not a non-aggression pact: {k:?}"
    );
    let r = env.run(&["--json", "search", "nonaggression pact"]).json();
    assert_eq!(keys(&r)[0..2].len(), 2);
}

#[test]
fn json_shape_matches_the_contract() {
    let env = corpus();
    let r = env
        .run(&["--json", "search", "\"non-aggression pact\""])
        .json();
    for field in ["query", "total", "hits"] {
        assert!(r.get(field).is_some(), "missing {field}: {r}");
    }
    let hit = &r["hits"][0];
    for field in [
        "rank",
        "score",
        "key",
        "path",
        "title",
        "source",
        "published",
        "people",
        "snippets",
    ] {
        assert!(hit.get(field).is_some(), "missing hit.{field}: {hit}");
    }
    assert_eq!(hit["rank"], 1);
    let sn = &hit["snippets"][0];
    let text = sn["text"].as_str().expect("text");
    let [a, b] = [
        sn["highlights"][0][0].as_u64().expect("a") as usize,
        sn["highlights"][0][1].as_u64().expect("b") as usize,
    ];
    assert_eq!(&text[a..b], "non-aggression pact", "{sn}");
}

#[test]
fn limit_offset_and_exit_codes() {
    let env = corpus();
    let all = keys(&env.run(&["--json", "search", "pact"]).json());
    assert_eq!(all.len(), 3);
    let page = keys(
        &env.run(&["--json", "search", "pact", "-n", "1", "--offset", "1"])
            .json(),
    );
    assert_eq!(page, vec![all[1].clone()]);
    let none = env.run(&["search", "zeppelin"]);
    assert_eq!(none.code, 1);
    assert!(none.stdout.contains("no articles match"));
}

#[test]
fn filters_and_sorting() {
    let env = corpus();
    let r = env
        .run(&["--json", "search", "pact", "--source", "harbour gazette"])
        .json();
    assert_eq!(keys(&r), vec!["wires.jsonl#1"]);
    let r = env
        .run(&["--json", "search", "pact", "--person", "putin"])
        .json();
    assert_eq!(keys(&r).len(), 2);
    let r = env
        .run(&[
            "--json", "search", "pact", "--since", "2020", "--until", "2020-12",
        ])
        .json();
    assert_eq!(keys(&r), vec!["2020-09-25-pact.txt"]);
    let r = env
        .run(&["--json", "search", "pact", "--sort", "newest"])
        .json();
    assert_eq!(
        keys(&r),
        vec![
            "2021-06-16-geneva.md",
            "2020-09-25-pact.txt",
            "wires.jsonl#1"
        ]
    );
    let r = env
        .run(&["--json", "search", "pact OR final", "--sort", "oldest"])
        .json();
    assert_eq!(
        keys(&r),
        vec![
            "wires.jsonl#1",
            "2020-09-25-pact.txt",
            "2021-06-16-geneva.md",
            "wires.jsonl#2"
        ],
        "undated last"
    );
}

#[test]
fn accents_and_stems() {
    let env = corpus();
    assert_eq!(
        keys(&env.run(&["--json", "search", "Muller"]).json()),
        vec!["wires.jsonl#2"]
    );
    assert_eq!(
        keys(&env.run(&["--json", "search", "pacts"]).json()).len(),
        3
    );
}

#[test]
fn facets_count_the_whole_result_set() {
    let env = corpus();
    let r = env
        .run(&["--json", "search", "pact", "--facets", "-n", "1"])
        .json();
    assert_eq!(r["facets"]["sources"]["Harbour Gazette"], 1, "{r}");
    assert_eq!(r["facets"]["months"]["2020-09"], 1, "{r}");
    let text = env.run(&["search", "pact", "--facets"]);
    assert!(text.stdout.contains("sources:"), "{}", text.stdout);
}

#[test]
fn terminal_output_colors_only_when_asked() {
    let env = corpus();
    let plain = env.run(&["search", "pact"]);
    assert!(!plain.stdout.contains('\x1b'));
    assert!(plain.stdout.contains("1. "));
    let color = env.run(&["--color", "always", "search", "pact"]);
    assert!(color.stdout.contains("\x1b[1;33m"), "{}", color.stdout);
}
