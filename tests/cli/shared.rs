//! Checks on the real data in `../shared` (skipped when it is absent).

use crate::common::{Env, shared};

#[test]
fn bbc_latin1_file_keeps_its_pound_sign() {
    let Some(path) = shared("corpora/bbc/sport/199.txt") else {
        return;
    };
    let env = Env::new();
    let run = env.run(&["--json", "extract", path.to_str().expect("p")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let a = &run.json()[0];
    let body = a["body"].as_str().unwrap_or("");
    assert!(body.contains('£'), "{body}");
    assert!(!body.contains('\u{FFFD}'));
}

#[test]
fn seed_article_ingests_cleanly() {
    let Some(path) = shared("seed/cyber-pact.txt") else {
        return;
    };
    let env = Env::new();
    let run = env.run(&["--json", "extract", path.to_str().expect("p")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let a = &run.json()[0];
    assert_eq!(
        a["title"],
        "Putin calls for new non-aggression pact on cyberwarfare"
    );
    let body = a["body"].as_str().unwrap_or("");
    assert!(body.starts_with("Six weeks ahead of the US presidential election"));
    assert!(
        body.ends_with(
            "What you are seeing is Putin reminding the world he can still spoil the party.”"
        ),
        "{body}"
    );
    for noise in [
        "subscribe to our newsletter",
        "COVID-19",
        "Send your news",
        "Before you go",
        "donating",
    ] {
        assert!(!body.contains(noise), "{noise} left in body");
    }
    let people: Vec<&str> = a["people"]
        .as_array()
        .expect("people")
        .iter()
        .filter_map(|p| p.as_str())
        .collect();
    let mut sorted = people.clone();
    sorted.sort_unstable();
    assert_eq!(
        sorted,
        [
            "Alexei Navalny",
            "Barack Obama",
            "Donald Trump",
            "Joe Biden",
            "Oleg Khramov",
            "Philip Ingram",
            "Sergei Ryabkov",
            "Vladimir Frolov",
            "Vladimir Putin"
        ]
    );
    let dates: Vec<&str> = a["dates"]
        .as_array()
        .expect("dates")
        .iter()
        .filter_map(|d| d.as_str())
        .collect();
    for d in ["1972", "2007", "2016", "2017", "1991"] {
        assert!(dates.contains(&d), "{d} missing from {dates:?}");
    }
    assert_eq!(a["source"], "The Climax News Room");
}
