//! Stage: clean, heading rules. One [`Block`] goes in; `true` comes out when
//! the block is a heading that introduces removable material ("Read more",
//! "Related", "More on this story", "Most read", "Before you go..."), a line of
//! the link list after such a heading, a one-line "Read more: headline", or
//! the appeal paragraph after "Before you go...".
//!
//! Headings must be the whole block: "Related" alone is furniture, "Related
//! talks collapsed" is a story. Items are only taken right after a heading,
//! and only while they look like headlines (short, no full stop), so a list
//! that ends without a blank line cannot swallow the story. It does not decide
//! what follows what; `rules::judge` carries that state.

use std::sync::LazyLock;

use regex::Regex;

use super::rules::{Block, GatedRegex, TextRegex, has_contact, reads_as_reporting, regex};

/// "Read more", "Related stories", "More on this story", "Most read", "See
/// also", "You may also like": whole-block headings of link lists.
pub(crate) fn link_list_heading(b: &Block<'_>) -> bool {
    // A `TextRegex`: with a Unicode `\w` repeated up to 25 times under
    // `(?i)` the exact regex took 13 ms to build, a sixth of a one-file
    // ingest; the ASCII form takes about one.
    static WHOLE: LazyLock<TextRegex> = LazyLock::new(|| {
        TextRegex::new(
            r"(?ix)^(?:
              read\s+(?:more|next|also)
            | more\s+on\s+this\s+(?:story|topic)
            | more\s+(?:stories|news)\s+(?:from|on|about)\s+[\w\ ]{1,25}
            | related(?:\s+internet)?(?:\s+(?:stories|articles|content|links|topics|coverage|reading|news|posts|video))?
            | most\s+(?:read|popular|viewed|shared|watched)(?:\s+(?:stories|articles|now|today))?
            | see\s+also
            | also\s+read
            | recommended(?:\s+(?:for\s+you|reading|stories|articles))?
            | top\s+stories
            | trending(?:\s+now)?
            | you\s+(?:may|might)\s+also\s+(?:like|enjoy|be\s+interested\s+in)
            )\s*[:.…»›>]*$",
        )
    });
    b.words <= 8 && WHOLE.is_match(b.text)
}

/// A headline line under a link-list heading: a bulleted or numbered line, a
/// URL, or a short line without a closing full stop (headlines have none).
pub(crate) fn link_list_item(b: &Block<'_>) -> bool {
    if b.words > 20 {
        return false;
    }
    if bullet_line(b.text) || has_contact(b.text) {
        return true;
    }
    let end = b.text.trim_end_matches(['"', '”', '’', '\'', ')']);
    b.words <= 16 && !end.ends_with(['.', '!', ':', ';']) && !reads_as_reporting(b.text)
}

/// A line that starts as a list item: a bullet or a number ("1." or "2)")
/// and a space.
pub(crate) fn bullet_line(text: &str) -> bool {
    static BULLET: LazyLock<GatedRegex> =
        LazyLock::new(|| GatedRegex::new(r"^(?:[-*•·▪►>»]|\d{1,2}[.)])\s"));
    BULLET.is_match(text)
}

/// "Read more: Putin warns the West" on one line: an inline link label.
pub(crate) fn inline_link(b: &Block<'_>) -> bool {
    static LABEL: LazyLock<GatedRegex> = LazyLock::new(|| {
        GatedRegex::new(
            r"(?i)^(?:read\s+(?:more|next|also)|related(?:\s+(?:stories|articles|content))?|see\s+also|also\s+read|more\s+on\s+this\s+story|watch|listen)\s*(?::|»|›|>|\||–|—|\s-)\s*\S",
        )
    });
    b.within(25) && LABEL.is_match(b.text)
}

/// "Before you go..." and its kin: headings that announce a reader appeal.
pub(crate) fn appeal_heading(b: &Block<'_>) -> bool {
    static WHOLE: LazyLock<GatedRegex> = LazyLock::new(|| {
        GatedRegex::new(
            r"(?i)^(?:before\s+you\s+(?:go|leave|continue)|a\s+message\s+from\s+(?:the|our)\s+editor|a\s+note\s+to\s+(?:our\s+)?readers)\s*[.…:!,-]*$",
        )
    });
    b.words <= 8 && WHOLE.is_match(b.text)
}

/// The paragraph after an appeal heading, when it asks for something. The
/// heading is the strong cue, so a weaker word suffices here (support, donate,
/// contribute, subscribe, journalism); the seed's appeal is 70 words.
pub(crate) fn appeal_after_heading(b: &Block<'_>) -> bool {
    static CUE: LazyLock<Regex> = LazyLock::new(|| {
        regex(
            r"(?i)\b(?:support|donat\w*|contribut\w*|subscri\w*|journalism|fund(?:ing)?|membership|member|help\s+us|sign\s+up)\b",
        )
    });
    b.words <= 200 && !b.text.starts_with(['"', '“']) && CUE.is_match(b.text)
}

#[cfg(test)]
mod tests {
    use super::super::rules::check;
    use super::*;

    #[test]
    fn link_list_heading_table() {
        check(
            link_list_heading,
            &[
                ("Read more", true),
                ("Read more:", true),
                ("READ MORE", true),
                ("Related", true),
                ("Related stories", true),
                ("More on this story", true),
                ("Most read", true),
                ("See also:", true),
                ("You may also like", true),
                // `\w` beyond ASCII (the exact regex) and plain symbols
                // (its ASCII form) answer as the regex as written.
                ("More stories from São Paulo", true),
                ("More news on Zürich", true),
                ("More news on Zürich’s bank", false),
                ("More stories from the £5bn deal", false),
                ("Read more »", true),
                // Story sentences that must survive.
                ("Related talks collapsed on Friday.", false),
                ("Most read the report as a rebuke.", false),
                (
                    "Read more widely, the figures tell a different story.",
                    false,
                ),
            ],
        );
    }

    #[test]
    fn link_list_item_table() {
        check(
            link_list_item,
            &[
                ("Putin warns the West over sanctions", true),
                ("- Navalny flown to Berlin", true),
                (
                    "1. Navalny flown to Berlin for treatment after poisoning.",
                    true,
                ),
                ("https://example.com/news/123", true),
                ("Why is Russia proposing a cyber pact?", true),
                // Story paragraphs that must stop the list.
                (
                    "The Kremlin has denied all the accusations and has made several claims of its own.",
                    false,
                ),
                ("He said it was a mistake", false),
                ("Shares fell 3%.", false),
            ],
        );
    }

    #[test]
    fn inline_link_table() {
        check(
            inline_link,
            &[
                ("Read more: Putin proposes cyber pact", true),
                ("READ MORE: Russia denies hacking claims", true),
                ("Related: Navalny poisoning", true),
                ("Watch: the moment the bridge collapsed", true),
                // Story sentences that must survive.
                ("Read more carefully, the law allows it.", false),
                ("Related companies also saw their shares fall.", false),
                ("Watchdog Ofcom said it would investigate.", false),
            ],
        );
    }

    #[test]
    fn appeal_heading_table() {
        check(
            appeal_heading,
            &[
                ("Before you go...", true),
                ("Before you go…", true),
                ("Before you go", true),
                ("A message from the editor", true),
                // Story sentences that must survive.
                ("Before you go to the polls, read the manifestos.", false),
                (
                    "Before you go abroad, check your passport, officials said.",
                    false,
                ),
            ],
        );
    }

    #[test]
    fn appeal_after_heading_table() {
        check(
            appeal_after_heading,
            &[
                (
                    "Democratic norms are being stress-tested all over the world. To monitor these issues we need your support, so please consider donating to The Climax News Room.",
                    true,
                ),
                ("Our journalism is free for everyone to read.", true),
                // Not an appeal: nothing asked for.
                ("The match kicks off at 3pm.", false),
                ("“Support the troops,” he said.", false),
            ],
        );
    }
}
