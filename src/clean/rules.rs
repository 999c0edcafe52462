//! Stage: clean, the rule table. One normalized block (a paragraph, or a line
//! inside one) goes in with its position and what came just before; a verdict
//! comes out: keep it, or drop it and name the [`Rule`] that matched.
//!
//! Each rule lives with its unit tests in the file for its family:
//! `prompts` (reader prompts: newsletters, donations, tips, shares, cookies,
//! "click here"), `markers` (page furniture: adverts, credits, comment counts,
//! copyright footers, wire staff credits), `lists` (headings that introduce something removable:
//! "Read more" link lists, "Before you go..." appeals).
//!
//! The rules combine a cue phrase with the block's shape (short, imperative,
//! carries an email or phone, starts the block) because news stories report on
//! newsletters, subscribers and donations all the time; a cue alone is never
//! enough to drop reporting. It does not decide where blocks start and end;
//! that is `clean_body`.

use std::cell::OnceCell;
use std::sync::{LazyLock, OnceLock};

use aho_corasick::{AhoCorasick, MatchKind};
use regex::Regex;

use super::{lists, markers, prompts};

/// What a dropped block was, named for what it removes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rule {
    /// "Subscribe to our newsletter", "Get the latest ... in your inbox".
    NewsletterPrompt,
    /// "Please consider donating", "Support our journalism".
    DonationAppeal,
    /// "Send your news and stories to us news@...", with contact details.
    NewsTipRequest,
    /// "Share this article", "Follow us on Twitter", a row of network names.
    ShareFollowPrompt,
    /// "We use cookies to improve your experience".
    CookieNotice,
    /// "Click here to ...".
    ClickHerePrompt,
    /// "Advertisement", "Sponsored", "Story continues below".
    AdvertisementMarker,
    /// "Photo: Getty Images", "Image copyright Reuters", "(Image: AFP)".
    ImageCredit,
    /// "12 comments", "View comments".
    CommentCount,
    /// "© 2020 ...", "All rights reserved", "Contact us | Privacy policy".
    CopyrightFooter,
    /// "(Reporting by ...; Editing by ...)" wire staff credits.
    ReportingCredit,
    /// "Read more", "Related", "More on this story", "Most read" headings.
    LinkListHeading,
    /// A headline line listed under such a heading.
    LinkListItem,
    /// "Read more: headline" on one line.
    InlineLink,
    /// "Before you go..." and similar appeal headings.
    AppealHeading,
    /// The appeal paragraph right after such a heading.
    AppealAfterHeading,
}

impl Rule {
    /// A stable snake_case name, for reports.
    pub fn name(self) -> &'static str {
        match self {
            Rule::NewsletterPrompt => "newsletter_prompt",
            Rule::DonationAppeal => "donation_appeal",
            Rule::NewsTipRequest => "news_tip_request",
            Rule::ShareFollowPrompt => "share_follow_prompt",
            Rule::CookieNotice => "cookie_notice",
            Rule::ClickHerePrompt => "click_here_prompt",
            Rule::AdvertisementMarker => "advertisement_marker",
            Rule::ImageCredit => "image_credit",
            Rule::CommentCount => "comment_count",
            Rule::CopyrightFooter => "copyright_footer",
            Rule::ReportingCredit => "reporting_credit",
            Rule::LinkListHeading => "link_list_heading",
            Rule::LinkListItem => "link_list_item",
            Rule::InlineLink => "inline_link",
            Rule::AppealHeading => "appeal_heading",
            Rule::AppealAfterHeading => "appeal_after_heading",
        }
    }
}

/// What the previous dropped block announces about the next one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Expect {
    /// Nothing: judge the next block on its own.
    #[default]
    Nothing,
    /// Link-list lines may follow ("Read more:" then headlines); `left`
    /// caps how many we take so a missed list end cannot eat a story.
    LinkItems { left: u8 },
    /// An appeal paragraph may follow ("Before you go...").
    Appeal,
}

/// The most link lines taken after one heading ("Most read" lists run to 10).
pub(crate) const MAX_LINK_ITEMS: u8 = 12;

/// One block as the rules see it.
#[derive(Debug, Clone)]
pub(crate) struct Block<'a> {
    /// Normalized text, one line (lines of a paragraph joined by a space).
    pub text: &'a str,
    /// Whitespace-separated word count.
    pub words: usize,
    /// Whether this is the first block of the body (the lede, usually).
    pub first: bool,
    /// Which [`Cue`]s' words the text contains, found on first use by one
    /// scan shared by every prompt rule.
    cues: OnceCell<u8>,
}

impl<'a> Block<'a> {
    /// Describe a block.
    pub fn new(text: &'a str, first: bool) -> Self {
        Block {
            text,
            words: word_count(text),
            first,
            cues: OnceCell::new(),
        }
    }

    /// Whether the block contains one of `cue`'s words, so that the rule's
    /// regex could match it.
    pub fn may_cue(&self, cue: Cue) -> bool {
        let found = *self.cues.get_or_init(|| prompts::CUES.scan(self.text));
        found & cue.bit() != 0
    }

    /// Whether the block is short enough for a cue rule with this word limit.
    /// The first block gets a tighter limit: the lede is the paragraph we
    /// can least afford to lose to a weak cue.
    pub fn within(&self, limit: usize) -> bool {
        let limit = if self.first { limit.min(30) } else { limit };
        self.words <= limit
    }
}

/// `text.split_whitespace().count()`, by a byte scan when the text is ASCII
/// (nearly always): every block of every article is counted, and the
/// `char`-decoding split showed in profiles. For ASCII, `char::is_whitespace`
/// is exactly space and `\t` to `\r`.
fn word_count(text: &str) -> usize {
    if !text.is_ascii() {
        return text.split_whitespace().count();
    }
    let mut words = 0;
    let mut after_space = true;
    for &b in text.as_bytes() {
        let space = matches!(b, b' ' | b'\t'..=b'\r');
        words += usize::from(after_space && !space);
        after_space = space;
    }
    words
}

/// A single-block rule: does this block match?
type RuleFn = fn(&Block<'_>) -> bool;

/// The verdict on one block: `None` keeps it.
pub(crate) fn judge(block: &Block<'_>, expect: Expect) -> Option<(Rule, Expect)> {
    match expect {
        Expect::LinkItems { left } if left > 0 && lists::link_list_item(block) => {
            return Some((Rule::LinkListItem, Expect::LinkItems { left: left - 1 }));
        }
        Expect::Appeal if lists::appeal_after_heading(block) => {
            return Some((Rule::AppealAfterHeading, Expect::Nothing));
        }
        _ => {}
    }
    if lists::link_list_heading(block) {
        let next = Expect::LinkItems {
            left: MAX_LINK_ITEMS,
        };
        return Some((Rule::LinkListHeading, next));
    }
    if lists::appeal_heading(block) {
        return Some((Rule::AppealHeading, Expect::Appeal));
    }
    // Exact-shape rules first (cheap, anchored), then cue rules.
    const SINGLE: &[(Rule, RuleFn)] = &[
        (Rule::AdvertisementMarker, markers::advertisement_marker),
        (Rule::ImageCredit, markers::image_credit),
        (Rule::CommentCount, markers::comment_count),
        (Rule::InlineLink, lists::inline_link),
        (Rule::CopyrightFooter, markers::copyright_footer),
        (Rule::ReportingCredit, markers::reporting_credit),
        (Rule::NewsletterPrompt, prompts::newsletter_prompt),
        (Rule::DonationAppeal, prompts::donation_appeal),
        (Rule::NewsTipRequest, prompts::news_tip_request),
        (Rule::ShareFollowPrompt, prompts::share_follow_prompt),
        (Rule::CookieNotice, prompts::cookie_notice),
        (Rule::ClickHerePrompt, prompts::click_here_prompt),
    ];
    SINGLE
        .iter()
        .find(|(_, matches)| matches(block))
        .map(|&(rule, _)| (rule, Expect::Nothing))
}

/// Whether a block is a heading that announces what follows (used to split
/// a paragraph whose heading has no colon: "Related stories\nheadline").
pub(crate) fn is_heading(block: &Block<'_>) -> bool {
    lists::link_list_heading(block) || lists::appeal_heading(block)
}

/// Words and marks that show a block is reporting, not addressing the reader:
/// a reporting verb, or a block that opens a quotation. Forced by sentences
/// like "Readers were urged to subscribe to the newsletter, he said." and by
/// multi-paragraph quotes that open with a quote mark and no "said".
pub(crate) fn reads_as_reporting(text: &str) -> bool {
    static VERBS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)\b(?:said|says|saying|told|tells|according\s+to|reported(?:ly)?|announced|claimed|added|urged|asked|appealed|warned|explained|insisted|wrote)\b",
        )
        .expect("static regex is valid")
    });
    text.starts_with(['"', '“', '‘', '«']) || VERBS.is_match(text)
}

/// An email address, a URL, a phone number or a messaging handle: the shape of
/// a contact line ("Send your news to us news@..., WhatsApp: +44...").
pub(crate) fn has_contact(text: &str) -> bool {
    static CONTACT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)[\w.+-]+@[\w-]+\.[\w.-]+|\bhttps?://|\bwww\.|\+?\d[\d ().-]{7,}\d|\bwhatsapp\b|\btelegram\b|(?:^|\s)@\w{2,}",
        )
        .expect("static regex is valid")
    });
    CONTACT.is_match(text)
}

/// A prompt rule whose cue regex sits behind a word scan ([`Cues`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cue {
    Newsletter,
    /// `newsletter_pitch`'s "in your inbox every ..." regex.
    Inbox,
    Donation,
    Tip,
    Share,
    Cookie,
    Click,
    /// The unanchored forms of `markers::copyright_footer`'s regex.
    Footer,
}

impl Cue {
    fn bit(self) -> u8 {
        1 << self as u8
    }
}

/// Cheap necessary conditions for the cue regexes: per [`Cue`], words at
/// least one of which every match of the rule's regex contains. One
/// pass over a block finds the words of every rule at once, so
/// a rule rules out most story paragraphs before its regex ever runs.
///
/// The regexes are Unicode case-insensitive, under which `ſ` (long s) matches
/// `s` and `K` (Kelvin sign) matches `k`; the scan here is ASCII
/// case-insensitive, so a block holding either character passes every cue.
pub(crate) struct Cues {
    scan: AhoCorasick,
    /// Per scanned word, the cues it stands for.
    cues: Vec<u8>,
}

impl Cues {
    /// Cues from lowercase ASCII words; the words are literals in this module
    /// tree, so failure is a programming error caught by the unit tests.
    pub fn new(table: &[(Cue, &[&str])]) -> Cues {
        let bits: Vec<(u8, &[&str])> = table.iter().map(|&(c, w)| (c.bit(), w)).collect();
        Cues::with_bits(&bits)
    }

    /// Cues named by the caller's own bits (at most 8), for rules outside
    /// this module (`extract::source`). A non-ASCII word such as "©" is
    /// matched as it is.
    pub fn with_bits(table: &[(u8, &[&str])]) -> Cues {
        let mut words: Vec<&str> = Vec::new();
        let mut cues: Vec<u8> = Vec::new();
        for &(bit, list) in table {
            for &word in list {
                match words.iter().position(|w| *w == word) {
                    Some(i) => cues[i] |= bit,
                    None => {
                        words.push(word);
                        cues.push(bit);
                    }
                }
            }
        }
        let scan = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&words)
            .expect("static cue words are valid");
        Cues { scan, cues }
    }

    /// The cues whose words occur in `text`, one bit per [`Cue`].
    pub fn scan(&self, text: &str) -> u8 {
        if !text.is_ascii() && text.contains(FOLDS_TO_ASCII) {
            return u8::MAX;
        }
        let mut found = 0;
        // Overlapping, so "subscribe" inside a longer match still counts.
        for m in self.scan.find_overlapping_iter(text) {
            found |= self
                .cues
                .get(m.pattern().as_usize())
                .copied()
                .unwrap_or(u8::MAX);
        }
        found
    }
}

/// The only non-ASCII characters a case-insensitive regex matches against
/// an ASCII letter: `ſ` (long s, for `s`) and `K` (Kelvin sign, for `k`).
/// Text holding one defeats the ASCII-only shortcuts of [`Cues`] and
/// [`RuleRegex`] (a test checks the list is complete).
pub(crate) const FOLDS_TO_ASCII: [char; 2] = ['\u{17F}', '\u{212A}'];

/// Build a case-insensitive static regex; patterns are literals in this
/// module tree, so failure is a programming error caught by the unit tests.
pub(crate) fn regex(pattern: &str) -> Regex {
    Regex::new(pattern).expect("static regex is valid")
}

/// A cue regex that stays on the lazy DFA for non-ASCII text too.
///
/// The regex crate's lazy DFA handles a Unicode `\b` only on ASCII text: at
/// the first non-ASCII byte (a curly quote, a pound sign) it gives up and
/// the search starts again in the NFA simulation, which on these large
/// regexes (Unicode `\w`, case folding) took ~300 µs per block: the few
/// hundred non-ASCII blocks that pass the cue scan were a tenth of the clean
/// stage. So non-ASCII text first goes through a looser twin that the DFA
/// runs on any text, and only a block the twin matches goes on to the exact
/// regex.
///
/// The twin has ASCII word boundaries and `\S` for `\w` (a wider class that
/// compiles to a far smaller automaton: the share regex's twin took 18 ms to
/// build with `\w`). It matches whatever the exact regex matches, provided
/// every `\b` in the pattern has an ASCII letter on its pattern side and no
/// `\w` sits in a negated class (true of every pattern given here;
/// `twin_passes_whatever_the_exact_regex_matches` checks it on generated
/// text): a Unicode boundary then has a non-word character on the text
/// side, which is no ASCII word character either. The one exception is a
/// pattern letter matched, case-insensitively, by `ſ` or the Kelvin sign,
/// which are not ASCII, so text holding either goes to the exact regex
/// alone. The twin is built on first use, since ASCII text never needs it.
pub(crate) struct RuleRegex {
    pattern: &'static str,
    exact: Regex,
    twin: OnceLock<Regex>,
}

impl RuleRegex {
    /// Build the exact regex (the pattern is a literal in this module tree;
    /// failure is a programming error caught by the unit tests).
    pub fn new(pattern: &'static str) -> RuleRegex {
        RuleRegex {
            pattern,
            exact: regex(pattern),
            twin: OnceLock::new(),
        }
    }

    /// Whether the exact regex matches `text`.
    pub fn is_match(&self, text: &str) -> bool {
        if text.is_ascii() || text.contains(FOLDS_TO_ASCII) {
            return self.exact.is_match(text);
        }
        let twin = self.twin.get_or_init(|| {
            regex(
                &self
                    .pattern
                    .replace(r"\b", r"(?-u:\b)")
                    .replace(r"\w", r"\S"),
            )
        });
        twin.is_match(text) && self.exact.is_match(text)
    }
}

/// Test helper for the rule modules: each `(text, expected)` case, read as
/// one block that is not the first, must be judged `expected` by `rule`.
#[cfg(test)]
pub(super) fn check(rule: fn(&Block<'_>) -> bool, cases: &[(&str, bool)]) {
    for &(text, expected) in cases {
        let block = Block::new(text, false);
        assert_eq!(rule(&block), expected, "{text}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_count_is_split_whitespace() {
        for text in [
            "",
            " ",
            "one",
            "  two  words ",
            "a\tb\nc\x0Bd\x0Ce\rf",
            "x\x1Fy \x00 z",
            "caf\u{e9} \u{A0} na\u{EF}ve\u{2003}word\u{85}end",
        ] {
            assert_eq!(
                word_count(text),
                text.split_whitespace().count(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn reporting_guard_table() {
        let cases = [
            ("The company said subscribers fell.", true),
            ("“We need your support,” the mayor told reporters.", true),
            ("\"Please consider donating to the hospice.\"", true),
            ("Subscribe to our newsletter", false),
            ("Please consider donating to The Climax News Room.", false),
        ];
        for (text, expected) in cases {
            assert_eq!(reads_as_reporting(text), expected, "{text}");
        }
    }

    #[test]
    fn contact_table() {
        let cases = [
            ("news@climaxradio.co.uk", true),
            ("WhatsApp: +447747873668", true),
            ("call 0800 123 4567", true),
            ("see https://example.com", true),
            ("follow @bbcnews", true),
            ("profits rose 2% to $11.1bn", false),
            ("in 2004 and 2005", false),
            ("the 1991 Chemical Weapons Act", false),
        ];
        for (text, expected) in cases {
            assert_eq!(has_contact(text), expected, "{text}");
        }
    }

    /// `Cues` assumes that only `ſ` and `K` are non-ASCII characters that
    /// a case-insensitive regex matches against an ASCII letter.
    #[test]
    fn only_long_s_and_kelvin_fold_to_ascii_letters() {
        let letter = regex(r"(?i)^[a-z]$");
        let folding: Vec<char> = (0x80..=0x10FFFFu32)
            .filter_map(char::from_u32)
            .filter(|c| letter.is_match(c.encode_utf8(&mut [0; 4])))
            .collect();
        assert_eq!(folding, FOLDS_TO_ASCII);
    }

    #[test]
    fn cues_ignore_ascii_case_and_pass_folding_characters() {
        let cues = Cues::new(&[
            (Cue::Newsletter, &["subscrib", "inbox"]),
            (Cue::Inbox, &["inbox"]),
            (Cue::Click, &["scri"]),
        ]);
        let (n, i, c) = (Cue::Newsletter.bit(), Cue::Inbox.bit(), Cue::Click.bit());
        assert_eq!(cues.scan("SUBSCRIBE now"), n | c);
        assert_eq!(cues.scan("in your InBox"), n | i);
        assert_eq!(cues.scan("The minister said nothing."), 0);
        assert_eq!(cues.scan("ſubscribe"), u8::MAX);
        assert_eq!(cues.scan("\u{212A}"), u8::MAX);
    }

    #[test]
    fn first_block_gets_a_tighter_limit() {
        let long = "word ".repeat(40);
        assert!(Block::new(&long, false).within(60));
        assert!(!Block::new(&long, true).within(60));
    }

    #[test]
    fn heading_then_items_then_story() {
        let heading = Block::new("Read more:", false);
        let (rule, expect) = judge(&heading, Expect::Nothing).expect("heading matches");
        assert_eq!(rule, Rule::LinkListHeading);
        let item = Block::new("Putin warns the West over sanctions", false);
        let (rule, expect) = judge(&item, expect).expect("item matches");
        assert_eq!(rule, Rule::LinkListItem);
        let story = Block::new(
            "The Kremlin has denied all the accusations and has made several claims of its own.",
            false,
        );
        assert_eq!(judge(&story, expect), None);
    }
}
