//! Property tests (bounded fuzzing that runs in every `cargo test`) over the
//! stages that read outside data: `decode::decode` on arbitrary bytes,
//! `parse::parse` for every format on arbitrary text and on text stitched
//! from each format's own markup, and `ingest::articles_from_bytes` end to
//! end. The property is "never panics, and what comes out is well-formed"
//! (articles have a non-empty body, keys start with the path).
//!
//! In: generated inputs, 256 cases per property by default
//! (`PROPTEST_CASES` raises it for a longer CI run). Out: pass/fail; a
//! failing input is shrunk by proptest and belongs in `regressions()` below.
//! It does not fuzz the query parser (the search side owns that).

use std::path::Path;

use newsidx::Format;
use proptest::prelude::*;

const FORMATS: [Format; 5] = [
    Format::Text,
    Format::Html,
    Format::Markdown,
    Format::Ndjson,
    Format::Reuters,
];

/// Extensions that select each format in `articles_from_bytes`.
const EXTS: [&str; 6] = ["txt", "html", "md", "ndjson", "sgm", "xyz"];

/// Pieces of every format's markup, so generated text reaches past the
/// first "not my format" check of each parser.
const PIECES: &[&str] = &[
    "<REUTERS NEWID=\"",
    "<REUTERS",
    "\">",
    "</REUTERS>",
    "<TITLE>",
    "</TITLE>",
    "<BODY>",
    "</BODY>",
    "<DATELINE>",
    "</DATELINE>",
    "<DATE>",
    "</DATE>",
    "26-FEB-1987 15:01:01.79",
    "<PEOPLE><D>",
    "</D>",
    "</PEOPLE>",
    "&#3;",
    "&#999999999;",
    "&lt;",
    "&amp",
    "&",
    " Reuter\n",
    "<html><head><title>",
    "</title>",
    "<meta property=\"og:title\" content=\"",
    "<article><p>",
    "</p>",
    "<script>",
    "<!--",
    "-->",
    "---\ntitle: ",
    "\n---\n",
    "# ",
    "## ",
    "[link](http://x)",
    "{\"title\":\"",
    "\",\"body\":\"",
    "\"}",
    "{\"people\":[1,{}],\"body\":",
    "null",
    "\n",
    "\n\n",
    "\r\n",
    " ",
    "-",
    "é",
    "\u{FEFF}",
    "\u{2028}",
    "Müller",
    "WASHINGTON, Feb 26 -",
    "By Jane Doe",
    "2020-09-31",
    "Mr Putin",
    "Vladimir Putin",
];

fn stitched() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            3 => prop::sample::select(PIECES).prop_map(str::to_string),
            1 => ".{0,12}",
        ],
        0..40,
    )
    .prop_map(|v| v.concat())
}

fn check_parse(format: Format, text: &str) {
    let parsed = newsidx::parse::parse(format, text);
    for (_, draft) in &parsed.records {
        assert_eq!(draft.format, format);
    }
}

fn check_file(ext: &str, bytes: &[u8]) {
    let path_str = format!("/archive/file.{ext}");
    let r = newsidx::ingest::articles_from_bytes(&path_str, Path::new(&path_str), bytes, None);
    for a in &r.articles {
        assert!(!a.body.trim().is_empty(), "empty body stored");
        assert!(a.key.starts_with(&path_str), "key {} outside file", a.key);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn decode_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        if let Ok(d) = newsidx::decode::decode(&bytes) {
            prop_assert!(!d.text.trim().is_empty());
        }
    }

    #[test]
    fn parsers_survive_any_text(text in "\\PC{0,600}", f in 0usize..5) {
        check_parse(FORMATS[f], &text);
    }

    #[test]
    fn parsers_survive_their_own_markup(text in stitched(), f in 0usize..5) {
        check_parse(FORMATS[f], &text);
    }

    #[test]
    fn ingest_of_any_bytes_is_total(
        bytes in prop::collection::vec(any::<u8>(), 0..1024),
        e in 0usize..6,
    ) {
        check_file(EXTS[e], &bytes);
    }

    #[test]
    fn ingest_of_stitched_text_is_total(text in stitched(), e in 0usize..6) {
        check_file(EXTS[e], text.as_bytes());
    }
}

/// Inputs that once broke something (or that stand for a class of them),
/// kept so the fix stays fixed.
#[test]
fn regressions() {
    let cases: &[&[u8]] = &[
        b"",
        b"\xEF\xBB\xBF",
        b"\xFF\xFE",
        b"\xFE\xFF\x00",
        b"<REUTERS NEWID=\"",
        b"<REUTERS><TEXT><TITLE>&#",
        b"<REUTERS><BODY>&#99999999999999999999;</BODY></REUTERS>",
        b"{\"body\":\"\\u0000\"}",
        b"---\ntitle:\n---\n",
        b"<html><title></title></html>",
    ];
    for bytes in cases {
        for ext in EXTS {
            check_file(ext, bytes);
        }
        if let Ok(text) = std::str::from_utf8(bytes) {
            for f in FORMATS {
                check_parse(f, text);
            }
        }
    }
}
