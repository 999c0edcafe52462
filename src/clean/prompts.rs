//! Stage: clean, reader-prompt rules. One [`Block`] goes in; `true` comes out
//! when the block speaks to the reader to make them do something for the
//! publisher: subscribe, donate, send tips, share, accept cookies, click.
//!
//! Every rule needs a cue phrase in publisher voice ("our newsletter", "your
//! inbox", "please consider donating") plus a short block, and none fires on a
//! block that reads as reporting (`reads_as_reporting`). It does not judge
//! page furniture (`markers`) or headings (`lists`).
//!
//! Each cue regex sits behind a word list that every match contains (keep
//! the two in step): one [`Cues`] scan per block finds the words of all the
//! rules, and most story paragraphs contain none of them, which is far
//! cheaper than running every regex over every paragraph.

use std::sync::LazyLock;

use regex::Regex;

use super::rules::{
    Block, Cue, Cues, GatedRegex, RuleRegex, has_contact, reads_as_reporting, regex,
};

/// The word scan in front of every cue regex here and of
/// `markers::copyright_footer`'s (see [`Cues`]).
pub(crate) static CUES: LazyLock<Cues> = LazyLock::new(|| {
    Cues::new(&[
        (Cue::Newsletter, NEWSLETTER_WORDS),
        (Cue::Inbox, &["inbox"]),
        (Cue::Donation, DONATION_WORDS),
        (Cue::Tip, TIP_WORDS),
        (Cue::Share, SHARE_WORDS),
        (Cue::Cookie, COOKIE_WORDS),
        (Cue::Click, CLICK_WORDS),
        (Cue::Footer, super::markers::FOOTER_WORDS),
    ])
});

/// Every alternative of [`newsletter_prompt`]'s cue regex contains one of these.
const NEWSLETTER_WORDS: &[&str] = &["subscrib", "sign", "inbox", "newsletter", "enter"];

/// The cue regex of the rule below (see [`RuleRegex`]).
const NEWSLETTER_CUE: &str = r"(?ix)
      \bsubscrib(?:e|ing)\s+to\s+(?:our|my)\b[^.!?]{0,40}?\bnewsletters?\b
    | \bsign(?:ing)?[\s-]?up\s+(?:for|to)\s+(?:our|my)\b[^.!?]{0,40}?\b(?:newsletters?|e-?mails?|alerts|bulletins?|briefings?|digest)\b
    | \b(?:get|receive|have)\b[^.!?]{0,80}?\b(?:in|to|into)\s+your\s+inbox\b
    | \b(?:delivered|sent|straight|direct(?:ly)?)\s+(?:to|into)\s+your\s+inbox\b
    | \bnewsletter\s+(?:banner|sign[\s-]?up)\b
    | ^(?:subscribe|sign\s+up)\s+(?:now|here|today|for\s+free)\b
    | \b(?:already\s+a|become\s+a)\s+subscriber\b
    | \bsubscribe\s+(?:for|to\s+get)\s+(?:unlimited|full)\s+access\b
    | \benter\s+your\s+e-?mail\b
    | ^(?:subscribe|sign\s+up|newsletters?)\s*[.!:]?$
    ";

/// Newsletter and subscription prompts: "XL subscribe to our newsletter
/// banner", "Get the latest news ... in your inbox", "Sign up now". The cue
/// must be addressed to the reader (our/your/imperative), which is what keeps
/// "subscribers to its newsletter fell by 10%" in.
pub(crate) fn newsletter_prompt(b: &Block<'_>) -> bool {
    static CUE: LazyLock<RuleRegex> = LazyLock::new(|| RuleRegex::new(NEWSLETTER_CUE));
    b.within(60)
        && (b.may_cue(Cue::Newsletter) && CUE.is_match(b.text) && !reads_as_reporting(b.text)
            || newsletter_pitch(b))
}

/// `newsletter_pitch`'s "in your inbox every ..." regex (see [`RuleRegex`]).
const NEWSLETTER_INBOX_RHYTHM: &str = r"(?ix)\bin\s+your\s+inbox\s+(?:every|each)\s+(?:weekday|day|morning|evening|week|month|(?:mon|tues|wednes|thurs|fri|satur|sun)day)\b";

/// A newsletter pitch that never says "subscribe" or "our newsletter": "Sign
/// up to The Ledger Morning — the day's essential stories, every weekday at
/// 7am.", "Get our coronavirus newsletter: the latest science, explained, in
/// your inbox every Tuesday." It must open as an imperative ("Sign up to/for",
/// "Get our/the ... newsletter") and promise a delivery rhythm or an inbox,
/// or end in "in your inbox every <day>". Taglines use "explained" as an
/// adjective, so the guard here is the narrow one: a quote or a verb of
/// saying keeps the block.
fn newsletter_pitch(b: &Block<'_>) -> bool {
    static OPENING: LazyLock<GatedRegex> = LazyLock::new(|| {
        GatedRegex::new(
            r"(?ix)^(?:
              sign(?:ing)?[\s-]?up\s+(?:to|for)\s+\S
            | get\s+(?:our|the)\s+[^.!?:]{0,40}?\b(?:newsletters?|briefings?|bulletins?|digest)\b
            )",
        )
    });
    static RHYTHM: LazyLock<Regex> = LazyLock::new(|| {
        regex(
            r"(?ix)
            \bevery\s+(?:weekday|day|morning|evening|night|week|month|(?:mon|tues|wednes|thurs|fri|satur|sun)day)\b
          | \b(?:daily|weekly|fortnightly|monthly)\b
          | \bat\s+\d{1,2}(?:[.:]\d\d)?\s*[ap]\.?m\b
          | \b(?:your|the)\s+inbox\b
          | \bnewsletters?\b
            ",
        )
    });
    static INBOX_RHYTHM: LazyLock<RuleRegex> =
        LazyLock::new(|| RuleRegex::new(NEWSLETTER_INBOX_RHYTHM));
    static SAYING: LazyLock<Regex> =
        LazyLock::new(|| regex(r"(?i)\b(?:said|says|told|tells|according\s+to|wrote)\b"));
    // OPENING is anchored, so it fails fast; INBOX_RHYTHM scans the block.
    b.within(40)
        && (OPENING.is_match(b.text) && RHYTHM.is_match(b.text)
            || b.may_cue(Cue::Inbox) && INBOX_RHYTHM.is_match(b.text))
        && !b.text.starts_with(['"', '“', '‘', '«'])
        && !SAYING.is_match(b.text)
}

/// Every alternative of [`donation_appeal`]'s cue regex contains one of these.
const DONATION_WORDS: &[&str] = &[
    "please",
    "consider",
    "journalism",
    "need",
    "donat",
    "contribut",
    "become",
];

/// The cue regex of the rule below (see [`RuleRegex`]).
const DONATION_CUE: &str = r"(?ix)
      \bplease\s+(?:consider\s+)?(?:donat(?:e|ing)|support(?:ing)?\s+(?:us|our)\b|contribut(?:e|ing)|making\s+a\s+(?:donation|contribution)|giving\b)
    | \bconsider\s+(?:donating|a\s+donation|making\s+a\s+(?:donation|contribution)|supporting\s+(?:us|our)\b)
    | \bsupport\s+(?:our|independent|quality|local)\s+(?:\w+\s+)?journalism\b
    | \b(?:we|our\s+journalism)\s+needs?\s+your\s+(?:support|help)\b
    | \bdonate\s+(?:now|today|here|to\s+us)\b
    | \bmake\s+a\s+(?:one-off\s+|monthly\s+|small\s+|single\s+)?(?:donation|contribution)\s+(?:to\s+us|today|now|here)\b
    | (?:^|[.!]\s)become\s+a\s+(?:member|supporter|patron)\b
    | \bbecome\s+a\s+(?:supporter|patron)\s+(?:today|now)\b
    | \bevery\s+(?:contribution|donation)\b[^.]{0,30}\b(?:helps|matters|counts)\b
    ";

/// Donation appeals: "we need your support, so please consider donating to
/// The Climax News Room", "Support our journalism". Appeals run long (the
/// seed's is 70 words), so the limit is generous; the cues are all first
/// person plural or imperative.
pub(crate) fn donation_appeal(b: &Block<'_>) -> bool {
    static CUE: LazyLock<RuleRegex> = LazyLock::new(|| RuleRegex::new(DONATION_CUE));
    b.within(150) && b.may_cue(Cue::Donation) && CUE.is_match(b.text) && !reads_as_reporting(b.text)
}

/// Every alternative of [`news_tip_request`]'s cue regex contains one of these.
const TIP_WORDS: &[&str] = &[
    "send", "story", "tip", "mail", "contact", "message", "whatsapp", "touch",
];

/// The cue regex of the rule below (see [`RuleRegex`]).
const TIP_CUE: &str = r"(?ix)
      \bsend\s+(?:us\s+)?(?:your|any)\s+(?:\w+\s+){0,3}?(?:news|stories|story|tips?|pictures|photos|videos|views|comments|experiences|questions)\b
    | \bsend\s+[^.]{0,40}\bto\s+us\b
    | \b(?:got|have\s+you\s+got|do\s+you\s+have)\s+a\s+(?:news\s+)?(?:story|tip)\b
    | \b(?:email|e-mail|contact|message|whatsapp)\s+(?:us|the\s+newsroom|our\s+newsroom|the\s+news\s*desk)\b
    | \btip\s+us\s+off\b
    | \bget\s+in\s+touch\s+with\s+us\b
    ";

/// "Send us your news/tips/stories" lines. The cue must come with contact
/// details (email, phone, WhatsApp) or open the block as an imperative, so a
/// story line about police asking witnesses to come forward stays.
pub(crate) fn news_tip_request(b: &Block<'_>) -> bool {
    static CUE: LazyLock<RuleRegex> = LazyLock::new(|| RuleRegex::new(TIP_CUE));
    static IMPERATIVE: LazyLock<GatedRegex> = LazyLock::new(|| {
        GatedRegex::new(
            r"(?i)^(?:send|email|e-mail|contact|got|have\s+you|do\s+you|tip|share\s+your|tell\s+us)\b",
        )
    });
    b.within(60)
        && b.may_cue(Cue::Tip)
        && CUE.is_match(b.text)
        && (has_contact(b.text) || IMPERATIVE.is_match(b.text))
        && !reads_as_reporting(b.text)
}

/// Every alternative of [`share_follow_prompt`]'s cue regex contains one of these.
const SHARE_WORDS: &[&str] = &[
    "share", "follow", "facebook", "join", "tweet", "mail", "print",
];

/// The cue regex of the rule below (see [`RuleRegex`]).
const SHARE_CUE: &str = r"(?ix)
      ^share\s+(?:this|the)\s+(?:article|story|page|post|video|gallery)\b
    | ^share\s+(?:on|via|to)\s+\w+
    | \bshare\s+this\s+(?:article|story|page)\b
    | \bfollow\s+us\s+on\b
    | \blike\s+us\s+on\s+facebook\b
    | ^follow\s+(?:@\w+|[\w.'’\ ]{1,40}?\s+on\s+(?:twitter|x|facebook|instagram|tiktok|linkedin|threads|bluesky|mastodon|youtube)\b)
    | \bjoin\s+us\s+on\s+(?:twitter|facebook|instagram|telegram|whatsapp|x)\b
    | ^(?:click|tap)\s+to\s+share\b
    | ^(?:tweet|email|print)\s+this\s+(?:article|story|page)\b
    ";

/// Share and follow prompts: "Share this article", "Follow us on Twitter",
/// "Share on Facebook", and the bare row of network names left by share
/// buttons ("Facebook Twitter WhatsApp Email").
pub(crate) fn share_follow_prompt(b: &Block<'_>) -> bool {
    static CUE: LazyLock<RuleRegex> = LazyLock::new(|| RuleRegex::new(SHARE_CUE));
    b.within(25)
        && (network_row(b.text)
            || b.may_cue(Cue::Share) && CUE.is_match(b.text) && !reads_as_reporting(b.text))
}

/// A block made only of share-button labels, with at least one network name.
fn network_row(text: &str) -> bool {
    const NETWORKS: &[&str] = &[
        "facebook",
        "twitter",
        "whatsapp",
        "linkedin",
        "pinterest",
        "reddit",
        "messenger",
        "telegram",
        "flipboard",
        "email",
        "e-mail",
        "tweet",
    ];
    const LABELS: &[&str] = &[
        "share", "copy", "link", "print", "sms", "save", "this", "article", "story", "on", "via",
        "x",
    ];
    let mut any_network = false;
    for word in text
        .split(|c: char| c.is_whitespace() || matches!(c, '|' | '·' | '•' | ',' | '/'))
        .filter(|w| !w.is_empty())
    {
        let word = word.trim_matches(|c: char| !c.is_alphanumeric() && c != '-');
        // The lists are lowercase ASCII, so an ASCII word is compared as it
        // is, with no lowercased copy per word (this runs on every short
        // block). Other words are lowercased: the Kelvin sign becomes `k`.
        let listed = |list: &[&str]| {
            if word.is_ascii() {
                list.iter().any(|w| w.eq_ignore_ascii_case(word))
            } else {
                list.contains(&word.to_lowercase().as_str())
            }
        };
        if listed(NETWORKS) {
            any_network = true;
        } else if !word.is_empty() && !listed(LABELS) {
            return false;
        }
    }
    any_network
}

/// Every alternative of [`cookie_notice`]'s cue regex contains one of these.
const COOKIE_WORDS: &[&str] = &["cookie", "site"];

/// The cue regex of the rule below (see [`RuleRegex`]).
const COOKIE_CUE: &str = r"(?ix)
      \bwe\s+use\s+cookies\b
    | \b(?:this|our)\s+(?:site|website)\s+uses\s+cookies\b
    | \bcookie\s+(?:policy|settings|preferences|notice|consent)\b
    | \baccept\s+(?:all\s+)?cookies\b
    | \b(?:continuing\s+to\s+(?:use|browse)|by\s+using)\s+(?:this|our)\s+(?:site|website)\b
    ";

/// Cookie notices: "We use cookies to improve your experience. By continuing
/// to use this site you agree...". Tech stories discuss cookies, so the notice
/// must also speak in first/second person.
pub(crate) fn cookie_notice(b: &Block<'_>) -> bool {
    static CUE: LazyLock<RuleRegex> = LazyLock::new(|| RuleRegex::new(COOKIE_CUE));
    static PERSON: LazyLock<Regex> = LazyLock::new(|| regex(r"(?i)\b(?:we|our|you|your)\b"));
    b.within(80)
        && b.may_cue(Cue::Cookie)
        && CUE.is_match(b.text)
        // Button labels ("Accept all cookies", "Cookie settings") are short.
        && (PERSON.is_match(b.text) || b.words <= 5)
        && !reads_as_reporting(b.text)
}

/// Every alternative of [`click_here_prompt`]'s cue regex contains one of these.
const CLICK_WORDS: &[&str] = &["click", "tap", "press"];

/// The cue regex of the rule below (see [`RuleRegex`]).
const CLICK_CUE: &str = r"(?i)^(?:click|tap|press)\s+(?:here|the\s+link|this\s+link|below)\b|\b(?:click|tap)\s+here\s+(?:to|for)\b";

/// "Click here to ..." prompts: link text that means nothing without the
/// link. Tech stories quoting phishing mails are covered by the guard.
pub(crate) fn click_here_prompt(b: &Block<'_>) -> bool {
    static CUE: LazyLock<RuleRegex> = LazyLock::new(|| RuleRegex::new(CLICK_CUE));
    b.within(40) && b.may_cue(Cue::Click) && CUE.is_match(b.text) && !reads_as_reporting(b.text)
}

#[cfg(test)]
mod tests {
    use super::super::rules::{check, plain_symbol};
    use super::*;

    /// Every cue regex given to [`RuleRegex`], with the plain regex it stands
    /// for.
    static CUE_REGEXES: LazyLock<Vec<(Regex, RuleRegex)>> = LazyLock::new(|| {
        [
            NEWSLETTER_CUE,
            NEWSLETTER_INBOX_RHYTHM,
            DONATION_CUE,
            TIP_CUE,
            SHARE_CUE,
            COOKIE_CUE,
            CLICK_CUE,
            super::super::markers::FOOTER_CUE,
        ]
        .iter()
        .map(|p| (regex(p), RuleRegex::new(p)))
        .collect()
    });

    /// Text that a cue regex may match, from the regex itself (its `\b`, `^`
    /// and `$` left out, so proptest can generate from it), wrapped in
    /// characters that sit on either side of a word boundary: ASCII and
    /// non-ASCII letters, `ſ` and the Kelvin sign, quotes, spaces.
    fn near_matches() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let patterns: Vec<String> = CUE_REGEXES
            .iter()
            .map(|(r, _)| r.as_str().replace(r"\b", "").replace(['^', '$'], ""))
            .collect();
        let bodies: Vec<BoxedStrategy<String>> = patterns
            .iter()
            .map(|p| {
                proptest::string::string_regex(p)
                    .expect("cue regex generates")
                    .boxed()
            })
            .collect();
        let edge = proptest::sample::select(vec![
            "", "", " ", "a", "é", "ſ", "\u{212A}", "“", "”", "’", "£", "—", ". ", "x ", "日",
            "\u{A0}", "_", "1",
        ]);
        (
            edge.clone(),
            proptest::strategy::Union::new(bodies),
            edge,
            "[a-z ]{0,8}",
        )
            .prop_map(|(before, body, after, tail)| format!("{before}{body}{after}{tail}"))
    }

    proptest::proptest! {
        /// On ASCII text, and ASCII with plain symbols (`£`, curly quotes,
        /// dashes), each cue regex's ASCII form (what [`RuleRegex`] runs
        /// there) matches exactly where the regex as written does: near
        /// matches with every other character made an ASCII letter.
        #[test]
        fn ascii_form_is_the_exact_regex_on_ascii_text(
            text in near_matches(),
            words in "[a-zA-Z_0-9 .!?,@'-]{0,40}",
            symbols in "[a-zA-Z_0-9 .!?,@'£€“”‘’–—…•°©\u{A0}-]{0,40}",
        ) {
            let ascii: String = text.chars().map(|c| if c.is_ascii() { c } else { 'a' }).collect();
            let plain: String = text
                .chars()
                .map(|c| if c.is_ascii() || plain_symbol(c) { c } else { 'a' })
                .collect();
            for (exact, rule) in CUE_REGEXES.iter() {
                for t in [ascii.as_str(), plain.as_str(), words.as_str(), symbols.as_str()] {
                    proptest::prop_assert_eq!(rule.is_match(t), exact.is_match(t), "{:?}", t);
                }
            }
        }

        /// The ASCII-boundary twin in front of each cue regex never turns a
        /// match away (see [`RuleRegex`]).
        #[test]
        fn twin_passes_whatever_the_exact_regex_matches(
            text in near_matches(),
            words in "[a-zA-Z éſ\u{212A}“’£.!?,@-]{0,40}",
        ) {
            for (exact, twin) in CUE_REGEXES.iter() {
                for t in [text.as_str(), words.as_str()] {
                    proptest::prop_assert_eq!(twin.is_match(t), exact.is_match(t), "{:?}", t);
                }
            }
        }
    }

    #[test]
    fn newsletter_prompt_table() {
        check(
            newsletter_prompt,
            &[
                ("XL subscribe to our newsletter banner", true),
                (
                    "Get the latest news and advice on COVID-19, direct from the experts in your inbox. Join hundreds of thousands who trust experts by subscribing to our newsletter.",
                    true,
                ),
                ("Sign up for our morning briefing email", true),
                ("Subscribe now", true),
                ("Newsletter", true),
                ("Already a subscriber? Log in", true),
                (
                    "The best stories, delivered to your inbox every morning.",
                    true,
                ),
                // Story sentences that must survive.
                (
                    "The company said subscribers to its newsletter fell by 10%.",
                    false,
                ),
                (
                    "It hopes to increase subscribers by offering the online service free and will try to sign up AOL's existing customers for high-speed broadband.",
                    false,
                ),
                (
                    "Readers were urged to subscribe to our newsletter, the editor wrote in a memo.",
                    false,
                ),
                ("Sky's subscriber numbers grew to 7.8 million.", false),
                (
                    "The newsletter, published weekly, reaches 40,000 farmers.",
                    false,
                ),
                // Pitches without "subscribe" or "our newsletter".
                (
                    "Sign up to The Ledger Morning — the day's essential stories, every weekday at 7am.",
                    true,
                ),
                (
                    "Get our coronavirus newsletter: the latest science, explained, in your inbox every Tuesday.",
                    true,
                ),
                ("Sign up for Climate Weekly.", true),
                (
                    "The best of the week's sport, in your inbox every Friday.",
                    true,
                ),
                // Reporting about sign-ups and newsletters stays.
                (
                    "Sign up for the vaccine trial closed on Friday after 43,000 volunteers enrolled.",
                    false,
                ),
                (
                    "Sign up to the scheme has been slow every week since March, officials said.",
                    false,
                ),
                (
                    "Get the newsletter out daily, the editor told staff in a memo.",
                    false,
                ),
                (
                    "The newsletter lands in subscribers' inboxes every Tuesday and reaches 40,000 farmers.",
                    false,
                ),
                (
                    "Getting the vaccine every year is advised for people over 65.",
                    false,
                ),
            ],
        );
    }

    #[test]
    fn donation_appeal_table() {
        check(
            donation_appeal,
            &[
                (
                    "To monitor these issues as closely as we have in the past we need your support, so please consider donating to The Climax News Room.",
                    true,
                ),
                ("Support our journalism", true),
                ("Support independent journalism today.", true),
                ("Donate now", true),
                ("Every contribution, however big or small, helps.", true),
                ("Become a supporter today and help us keep reporting.", true),
                // Story sentences that must survive.
                ("Turkey hopes to become a member of the EU by 2015.", false),
                ("“We need your support,” the mayor told the crowd.", false),
                (
                    "The charity said the public should please consider donating blood.",
                    false,
                ),
                (
                    "Donations to the tsunami appeal passed £100m on Friday.",
                    false,
                ),
            ],
        );
    }

    #[test]
    fn news_tip_request_table() {
        check(
            news_tip_request,
            &[
                (
                    "Send your news and stories to us news@climaxradio.co.uk or newstories@climaxnewsroom.com and WhatsApp: +447747873668.",
                    true,
                ),
                ("Got a story? Email us at tips@example.com", true),
                ("Send us your pictures and videos", true),
                ("Contact the newsroom on 020 7946 0000.", true),
                // Story sentences that must survive.
                (
                    "Police asked anyone with information to contact the newsroom of the local paper or call 101.",
                    false,
                ),
                (
                    "Fans can send their views to the club, which promised a reply.",
                    false,
                ),
                (
                    "Viewers were asked to send in their photos of the eclipse.",
                    false,
                ),
            ],
        );
    }

    #[test]
    fn share_follow_prompt_table() {
        check(
            share_follow_prompt,
            &[
                ("Share this article", true),
                ("Share on Facebook", true),
                ("Follow us on Twitter", true),
                ("Follow Rory on Twitter @rorycellan", true),
                ("Facebook Twitter WhatsApp Email", true),
                ("Share | Tweet | Email", true),
                ("Like us on Facebook", true),
                // Story sentences that must survive.
                ("Facebook has 100 million users.", false),
                ("Shares in Twitter fell 5% on Monday.", false),
                ("He told fans to follow him on Twitter for updates.", false),
                ("Email", true),
                ("Email scams are rising, experts warn.", false),
            ],
        );
    }

    #[test]
    fn cookie_notice_table() {
        check(
            cookie_notice,
            &[
                (
                    "We use cookies to improve your experience. By continuing to use this site you agree to our cookie policy.",
                    true,
                ),
                ("Accept all cookies", true),
                ("Cookie settings", true),
                ("Manage your cookie preferences here.", true),
                // Story sentences that must survive.
                ("Many websites use cookies to track visitors.", false),
                (
                    "The EU directive requires a cookie policy on every site, regulators said.",
                    false,
                ),
            ],
        );
    }

    #[test]
    fn click_here_prompt_table() {
        check(
            click_here_prompt,
            &[
                ("Click here to read the full report.", true),
                ("Click here", true),
                ("For the latest scores, tap here for live updates.", true),
                // Story sentences that must survive.
                (
                    "The phishing e-mail told users to click here to verify their accounts.",
                    false,
                ),
                (
                    "Users can click on a map to find their nearest branch.",
                    false,
                ),
            ],
        );
    }
}
