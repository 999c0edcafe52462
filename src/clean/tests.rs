//! Tests for the whole clean stage: a seed-like fixture (snapshot), the real
//! seed article when `../shared` is present, and whole-body edge cases. Rule
//! tables live next to each rule.

use super::{Rule, clean_body, clean_body_explained};

/// Split "title line, blank line, body" the way the text parser does.
fn body_of(file: &str) -> &str {
    file.split_once("\n\n").map_or(file, |(_, body)| body)
}

#[test]
fn seed_like_fixture_snapshot() {
    let file = include_str!("../../tests/fixtures/clean/harbour-strike.txt");
    let (cleaned, rules) = clean_body_explained(body_of(file));
    let mut report = String::new();
    report.push_str(&cleaned.body);
    report.push_str("\n\n=== removed ===\n");
    for (text, rule) in cleaned.removed.iter().zip(&rules) {
        report.push_str(&format!("[{}] {text}\n", rule.name()));
    }
    insta::assert_snapshot!(report);
}

#[test]
fn seed_like_fixture_keeps_the_traps() {
    let file = include_str!("../../tests/fixtures/clean/harbour-strike.txt");
    let cleaned = clean_body(body_of(file));
    for must_stay in [
        "Thousands of dock workers walked out",
        "subscribers to its shipping newsletter",
        "Please consider the wider economy",
        "This article was amended on 3 March",
        "send staff home",
    ] {
        assert!(cleaned.body.contains(must_stay), "lost: {must_stay}");
    }
    assert!(cleaned.body.ends_with("number of ships affected."));
}

#[test]
fn real_seed_article_when_present() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/seed/cyber-pact.txt");
    let Ok(file) = std::fs::read_to_string(path) else {
        eprintln!("skipping: {path} not found");
        return;
    };
    let cleaned = clean_body(body_of(&file));
    assert!(
        cleaned
            .body
            .starts_with("Six weeks ahead of the US presidential election"),
        "first story paragraph kept"
    );
    assert!(
        cleaned.body.ends_with(
            "“What you are seeing is Putin reminding the world he can still spoil the party.”"
        ),
        "story kept through the last quote: {}",
        cleaned.body
    );
    assert_eq!(
        cleaned.body.split("\n\n").count(),
        14,
        "all 14 story paragraphs kept"
    );
    assert_eq!(cleaned.removed.len(), 5, "removed: {:#?}", cleaned.removed);
    assert_eq!(cleaned.removed[0], "XL subscribe to our newsletter banner");
    assert!(cleaned.removed[1].starts_with("Get the latest news and advice on COVID-19"));
    assert!(cleaned.removed[2].starts_with("Send your news and stories to us"));
    assert_eq!(cleaned.removed[3], "Before you go...");
    assert!(cleaned.removed[4].starts_with("Democratic norms"));
    assert!(cleaned.removed[4].ends_with("please consider donating to The Climax News Room."));
}

#[test]
fn whole_body_cases() {
    // (input body, expected body, expected number of removed blocks)
    let cases: &[(&str, &str, usize)] = &[
        ("", "", 0),
        ("   \n\n  ", "", 0),
        ("Only paragraph.", "Only paragraph.", 0),
        // A "Read more" list inside one paragraph, no blank lines.
        (
            "Story one.\n\nRead more:\nPutin proposes cyber pact\nNavalny flown to Berlin\n\nStory two.",
            "Story one.\n\nStory two.",
            3,
        ),
        // A glued list ends at its blank line: the subheading after it stays.
        (
            "Story one.\n\nRead more:\n- Putin proposes cyber pact\n- Navalny flown to Berlin\n\nWhat happens next?\n\nStory two.",
            "Story one.\n\nWhat happens next?\n\nStory two.",
            3,
        ),
        // A "Most read" list of one-line paragraphs, numbered.
        (
            "Story one.\n\nMost read\n\n1. Putin proposes cyber pact\n\n2. Navalny flown to Berlin\n\nStory two goes on at length, as stories do.",
            "Story one.\n\nStory two goes on at length, as stories do.",
            3,
        ),
        // A hard-wrapped appeal after its heading goes as one block.
        (
            "Story.\n\nBefore you go...\nIndependent reporting costs money\nand we need your support, so\nplease consider donating.",
            "Story.",
            2,
        ),
        // A boilerplate line glued under a story paragraph.
        (
            "The port reopened on Friday.\nFollow us on Twitter\n\nMore later.",
            "The port reopened on Friday.\n\nMore later.",
            1,
        ),
        // A hard-wrapped story line is never judged alone.
        (
            "Users of the site were told to\nclick here to verify their accounts, police said.",
            "Users of the site were told to click here to verify their accounts, police said.",
            0,
        ),
        // A heading with nothing after it, then a story paragraph.
        (
            "Story.\n\nMost read\n\nThe Kremlin has denied all the accusations and has made several claims of its own.",
            "Story.\n\nThe Kremlin has denied all the accusations and has made several claims of its own.",
            1,
        ),
        // The first paragraph is not lost to a weak cue.
        (
            "Newspaper groups said on Monday that sign-ups to their newsletters had doubled during the pandemic, with readers keen to get the latest news in their inbox every morning before work.",
            "Newspaper groups said on Monday that sign-ups to their newsletters had doubled during the pandemic, with readers keen to get the latest news in their inbox every morning before work.",
            0,
        ),
        // Normalization applies to kept text.
        (
            "AT&amp;T\u{A0}shares  rose.\r\n\r\nAdvertisement\r\n\r\nCyber\u{AD}war.",
            "AT&T shares rose.\n\nCyberwar.",
            1,
        ),
    ];
    for &(input, expected, n_removed) in cases {
        let cleaned = clean_body(input);
        assert_eq!(cleaned.body, expected, "input: {input:?}");
        assert_eq!(cleaned.removed.len(), n_removed, "input: {input:?}");
    }
}

#[test]
fn explained_rules_line_up_with_removed_blocks() {
    let (cleaned, rules) =
        clean_body_explained("Story.\n\nAdvertisement\n\n12 comments\n\nShare this article");
    assert_eq!(cleaned.removed.len(), rules.len());
    assert_eq!(
        rules,
        [
            Rule::AdvertisementMarker,
            Rule::CommentCount,
            Rule::ShareFollowPrompt
        ]
    );
}

#[test]
fn never_panics_on_odd_input() {
    let odd = [
        "&",
        "&#",
        "&#x",
        "&#xFFFFFFFFFF;",
        "\u{AD}",
        "\u{AD}\n",
        "\r",
        "\r\r\n\n",
        "\u{2029}",
        "e\u{301}\u{301}\u{301}",
        "Read more:",
        "Before you go...",
        "\0\0",
        "Read more:\n- a\n- b\n- c\n- d\n- e\n- f\n- g\n- h\n- i\n- j\n- k\n- l\n- m\n- n",
    ];
    for input in odd {
        let _ = clean_body(input);
        let _ = super::normalize_text(input);
    }
}
