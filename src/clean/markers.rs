//! Stage: clean, page-furniture rules. One [`Block`] goes in; `true` comes out
//! when the whole block is a page fixture rather than prose: advertisement
//! markers, image credits, comment counts, copyright and contact footers,
//! wire-service staff credits.
//!
//! These rules are anchored to the whole block (or its start) and cap its
//! length, because the same words appear inside stories ("Reuters reported",
//! "copyright law", "comments from the minister"). It does not judge reader
//! prompts (`prompts`) or headings (`lists`).

use std::sync::LazyLock;

use regex::Regex;

use super::rules::{Block, Cue, GatedRegex, RuleRegex, TextRegex, regex};

/// Advertisement markers left where an ad slot was: "Advertisement",
/// "ADVERTISEMENT", "Sponsored", "Story continues below advertisement".
pub(crate) fn advertisement_marker(b: &Block<'_>) -> bool {
    static WHOLE: LazyLock<GatedRegex> = LazyLock::new(|| {
        GatedRegex::new(
            r"(?ix)^(?:
              advertisements?|advertising|advert|ads?
            | sponsored(?:\s+(?:content|post|links?|stories))?
            | sponsored\s+by\s+[^.]{1,40}
            | paid\s+(?:post|content|partnership)
            | promoted(?:\s+(?:content|stories|links?))?
            | (?:story|article)\s+continues\s+(?:below|after\s+(?:the\s+)?advertisement)(?:\s+advertisement)?
            | continue\s+reading\s+(?:below|the\s+main\s+story)
            | skip\s+advert(?:isement)?
            | scroll\s+to\s+continue(?:\s+with\s+content)?
            )\s*[.:…\-–—]*$",
        )
    });
    b.words <= 8 && WHOLE.is_match(b.text)
}

/// Standalone image credits: "Photo: Getty Images", "Image copyright
/// Reuters", "(Image: AFP)", or a bare agency name left under a picture.
pub(crate) fn image_credit(b: &Block<'_>) -> bool {
    static LABELLED: LazyLock<GatedRegex> = LazyLock::new(|| {
        GatedRegex::new(
            r"(?ix)^\(?\s*(?:
              (?:photo(?:graph)?|picture|pic|image|images|credit|photo\s+credit|image\s+credit|main\s+image|top\s+image|illustration)s?\s*(?::|©|\bby\b|\bcopyright\b|\bcredit\b)
            | (?:image|picture|photo)\s+(?:copyright|source|credit)
            | ©
            )\s*[^.!?]{0,60}\)?\s*\.?$",
        )
    });
    // A `TextRegex`, for the same reason as `lists::link_list_heading`'s:
    // the exact regex took 13 ms to build.
    static AGENCY: LazyLock<TextRegex> = LazyLock::new(|| {
        TextRegex::new(
            r"(?ix)^\(?\s*(?:getty(?:\s+images)?|afp|reuters|ap|ap\s+photo|pa(?:\s+(?:media|wire|images))?|epa|shutterstock|alamy|bloomberg|anadolu(?:\s+agency)?|xinhua|eyevine|rex)
              (?:\s*/\s*[\w\ ]{1,30})?\s*\)?\.?$",
        )
    });
    b.words <= 12 && (LABELLED.is_match(b.text) || AGENCY.is_match(b.text))
}

/// Comment counters and comment-widget labels: "12 comments", "View
/// comments", "Comments (4)", "Join the conversation".
pub(crate) fn comment_count(b: &Block<'_>) -> bool {
    static WHOLE: LazyLock<GatedRegex> = LazyLock::new(|| {
        GatedRegex::new(
            r"(?ix)^(?:
              \d[\d,]*\s+comments?
            | comments?\s*\(\s*\d[\d,]*\s*\)
            | (?:view|show|read|see|add|post|load)\s+(?:all\s+)?(?:\d[\d,]*\s+)?comments?
            | comments?\s*:?\s*\d[\d,]*
            | (?:join|start)\s+the\s+(?:discussion|conversation|debate)
            | (?:leave|post|add|write)\s+a\s+comment
            | comments?\s+(?:are\s+)?(?:now\s+)?(?:closed|open)
            )\s*[.:…»]*$",
        )
    });
    b.words <= 6 && WHOLE.is_match(b.text)
}

/// The cue regex of the rule below (see [`RuleRegex`]).
pub(super) const FOOTER_CUE: &str = r"(?ix)
      ^(?:©|\(c\)\s*\d{4}|copyright\s*(?:©|\(c\)|\d{4}))
    | \ball\s+rights\s+reserved\b
    | \bmay\s+not\s+be\s+(?:published|reproduced|republished),?\s+(?:broadcast|in\s+whole)
    | ^(?:contact\s+us|about\s+us|privacy\s+policy|terms\s+(?:of\s+(?:use|service)|and\s+conditions)|advertise\s+with\s+us)\s*(?:$|[|·•:,])
    ";

/// Copyright and contact footers: "© 2020 Climax Media", "All rights
/// reserved", "This material may not be published, broadcast...", and nav
/// rows like "Contact us | Privacy policy | Terms of use".
pub(crate) fn copyright_footer(b: &Block<'_>) -> bool {
    static CUE: LazyLock<RuleRegex> = LazyLock::new(|| RuleRegex::new(FOOTER_CUE));
    b.within(40) && may_be_footer(b) && CUE.is_match(b.text)
}

/// Every unanchored form of [`copyright_footer`]'s regex contains one of
/// these ("all rights reserved", "may not be published / reproduced").
pub(crate) const FOOTER_WORDS: &[&str] = &["reserved", "publish", "reproduc"];

/// Whether [`copyright_footer`]'s regex could match: the block starts like
/// one of its anchored forms, or the shared word scan found a word of its
/// unanchored ones. The regex has no literal prefilter of its own (anchored
/// and unanchored forms mixed, case-insensitive), so it was scanning nearly
/// every block of every article. The prefixes are cut before any `s` or
/// `k`, which `(?i)` also matches as `ſ` or the Kelvin sign, so an ASCII
/// comparison is exact.
fn may_be_footer(b: &Block<'_>) -> bool {
    let starts = |p: &str| {
        b.text
            .get(..p.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(p))
    };
    b.text.starts_with('©')
        || [
            "(c",
            "copyright",
            "contact",
            "about",
            "privacy",
            "term",
            "advert",
        ]
        .iter()
        .any(|p| starts(p))
        || b.may_cue(Cue::Footer)
}

/// Wire-service staff credits at the foot of a story: "(Reporting by Helen
/// Marsh and Owen Pryce; Editing by Ruth Calloway)", "Writing by Tom Ashworth
/// in London". Every ";"-part must be "<role> by <names>" with names in
/// capitals, so "Reporting by the BBC revealed the scandal." stays. The
/// reporters are read back from the removed block by `extract::byline`.
pub(crate) fn reporting_credit(b: &Block<'_>) -> bool {
    static PART: LazyLock<Regex> = LazyLock::new(|| {
        regex(
            r"(?x)^(?i:(?:additional\s+)?(?:reporting|writing|editing|compiled|graphics|research|fact-checking)(?:\s+and\s+(?:reporting|writing|editing))?\s+by)
              \s+\p{Lu}[\p{L}'’.-]*
              (?:(?:\s*,\s*|\s*&\s*|\s+)(?:(?:and|in)\s+)?(?:\p{Lu}[\p{L}'’.-]*|de|van|von|der|al|bin))*$",
        )
    });
    let inner = b
        .text
        .trim()
        .trim_start_matches('(')
        .trim_end_matches(['.', ')'])
        .trim();
    // Every part must open with a role word, so the block's first letter
    // rules out most story paragraphs before the regex runs (its Unicode
    // classes made this rule 6% of the clean stage; perf samples on
    // r001+r002: 59 -> 38 of about 1,050). No non-ASCII letter case-folds
    // to one of these initials (only `ſ` and `K` fold to ASCII: `s`, `k`).
    let opens_with_role = inner
        .trim_start()
        .starts_with(|c: char| "arwecgfARWECGF".contains(c));
    b.words <= 40 && opens_with_role && inner.split(';').all(|part| PART.is_match(part.trim()))
}

#[cfg(test)]
mod tests {
    use super::super::rules::check;
    use super::*;

    #[test]
    fn advertisement_marker_table() {
        check(
            advertisement_marker,
            &[
                ("Advertisement", true),
                ("ADVERTISEMENT", true),
                ("Sponsored", true),
                ("Sponsored by Acme Bank", true),
                ("Story continues below advertisement", true),
                ("Continue reading the main story", true),
                // Story sentences that must survive.
                ("Advertising revenue rose 12% in the quarter.", false),
                (
                    "Sponsored by the government, the scheme will run until 2006.",
                    false,
                ),
                (
                    "Ads for junk food will be banned before 9pm, ministers said.",
                    false,
                ),
            ],
        );
    }

    #[test]
    fn image_credit_table() {
        check(
            image_credit,
            &[
                ("Photo: Getty Images", true),
                ("Image copyright Reuters", true),
                ("(Image: AFP)", true),
                ("Picture by John Smith/PA", true),
                ("Getty Images", true),
                ("AFP/Getty Images", true),
                ("Reuters", true),
                // `\w` beyond ASCII (the exact regex) and plain symbols
                // (its ASCII form) answer as the regex as written.
                ("AFP / José Gómez", true),
                ("Getty Images / Jörg Müller", true),
                ("Reuters / £ staff", false),
                ("(EPA / Petr David Josek)", true),
                // Story sentences that must survive.
                ("Reuters reported the deal on Monday.", false),
                ("Images of the crash were shown on state TV.", false),
                (
                    "Photo: the prime minister arrives in Downing Street. He said nothing.",
                    false,
                ),
                ("Pictures from the scene showed extensive damage.", false),
            ],
        );
    }

    #[test]
    fn comment_count_table() {
        check(
            comment_count,
            &[
                ("12 comments", true),
                ("1 comment", true),
                ("Comments (4)", true),
                ("View all comments", true),
                ("Join the conversation", true),
                ("Comments are closed.", true),
                // Story sentences that must survive.
                ("12 comments were received by the regulator.", false),
                ("Comments from the minister sparked anger.", false),
            ],
        );
    }

    #[test]
    fn reporting_credit_table() {
        check(
            reporting_credit,
            &[
                (
                    "(Reporting by Helen Marsh and Owen Pryce; Editing by Ruth Calloway)",
                    true,
                ),
                (
                    "(Writing by Tom Ashworth in London; editing by Jane Merriman)",
                    true,
                ),
                (
                    "Reporting by Helen Marsh, Owen Pryce and Ruth Calloway",
                    true,
                ),
                ("Additional reporting by Anna Karlsson in Moscow", true),
                // Story sentences that must survive.
                ("Reporting by the BBC revealed the scandal in 2019.", false),
                ("(Editing by hand is slow, the archivist said.)", false),
                (
                    "Research by Oxford University found that rates had doubled since 2010.",
                    false,
                ),
            ],
        );
    }

    #[test]
    fn copyright_footer_table() {
        check(
            copyright_footer,
            &[
                ("© 2020 Climax Media Ltd", true),
                ("Copyright © 2019 The Times. All rights reserved.", true),
                ("All rights reserved.", true),
                (
                    "This material may not be published, broadcast, rewritten or redistributed.",
                    true,
                ),
                ("Contact us | Privacy policy | Terms of use", true),
                // Story sentences that must survive.
                (
                    "Copyright law must change to protect artists, the report said.",
                    false,
                ),
                (
                    "Record labels argue that copyright owners' rights are being eroded by file-sharing networks.",
                    false,
                ),
                ("Contact us was the slogan of the campaign.", false),
            ],
        );
    }
}
