//! Unit tests for people extraction: one small table per rule, the seed
//! article, odd input, and the CoNLL dev score when the corpus is present.

use super::{mentions, people};

/// Run `people` on a body-only text.
fn p(body: &str) -> Vec<String> {
    people("", body)
}

fn check(table: &[(&str, &[&str])]) {
    for (text, want) in table {
        assert_eq!(p(text), *want, "input: {text}");
    }
}

#[test]
fn honorifics_and_titles_are_stripped() {
    check(&[
        ("Mr Frolov said it was empty rhetoric.", &["Frolov"]),
        ("Mr. Frolov said nothing.", &["Frolov"]),
        ("President Clinton flew to Chicago.", &["Clinton"]),
        ("Prime Minister Tony Blair spoke.", &["Tony Blair"]),
        (
            "Russian President Vladimir Putin spoke.",
            &["Vladimir Putin"],
        ),
        (
            "The former president Barack Obama agreed.",
            &["Barack Obama"],
        ),
        (
            "Major-General Nikolai Sherbatov took journalists there.",
            &["Nikolai Sherbatov"],
        ),
        ("The Minister declined to comment.", &[]),
    ]);
}

#[test]
fn possessives_are_stripped() {
    check(&[
        ("It was Joe Biden's campaign.", &["Joe Biden"]),
        ("It was Joe Biden’s campaign.", &["Joe Biden"]),
        ("Tim O'Gorman scored 109.", &["Tim O'Gorman"]),
    ]);
}

#[test]
fn short_forms_fold_into_the_full_name() {
    check(&[
        (
            "Putin spoke. Later Vladimir Putin left. Mr Putin was tired.",
            &["Vladimir Putin"],
        ),
        (
            "Phil Simmons took four wickets.\nSimmons stepped in.",
            &["Phil Simmons"],
        ),
        (
            "Michael Schumacher won.\nRalf Schumacher was second.\nSchumacher said little.",
            &["Michael Schumacher", "Ralf Schumacher"],
        ),
    ]);
    assert_eq!(
        mentions("", "Phil Simmons took four.\nSimmons stepped in."),
        ["Phil Simmons", "Simmons"]
    );
}

#[test]
fn non_people_are_rejected() {
    check(&[
        ("The Kremlin said on Friday that Microsoft was wrong.", &[]),
        ("Russian hackers attacked Estonian sites in March.", &[]),
        (
            "The Bank of England and the Labour Party met in Washington.",
            &[],
        ),
        ("Manchester United beat Aston Villa on Sunday.", &[]),
        ("The Chemical Weapons Act was passed.", &[]),
        ("Please consider donating to The Climax News Room.", &[]),
        ("Reuters said the Finance Ministry would act.", &[]),
        // An acronym's plural is a group: "MPs" was kept as a person.
        (
            "The report was late, MPs said. Labour MEPs said it was wrong.",
            &[],
        ),
        ("MPs have urged the BBC to act, and NGOs said so too.", &[]),
        // A lone word the name lists do not know, after a lowercase word
        // and before "said", is as often a company: on BBC these were
        // kept as people.
        ("Sales rose, analysts at Sophos said on Monday.", &[]),
        (
            "The security firm Clearswift said the virus spread fast.",
            &[],
        ),
        (
            "The judge said Yukos did not have enough of a US presence.",
            &[],
        ),
        (
            "\"It is fast,\" said Opera spokeswoman Berit Hanson.",
            &["Berit Hanson"],
        ),
    ]);
}

/// A lone surname the lists know still counts next to "said", a lone
/// unknown one after a comma too ("Later, Ryabkov said", in
/// `cues_find_names_without_a_known_given_name`), and any once a fuller
/// name of it is known.
#[test]
fn lone_names_next_to_said() {
    check(&[
        ("Later, Blair said he would stay.", &["Blair"]),
        (
            "Yelena Isinbayeva won. Afterwards, Isinbayeva said it was easy.",
            &["Yelena Isinbayeva"],
        ),
    ]);
}

/// Words a title or a cue made people on BBC that name a show, a body, a
/// place or an organisation: an organisation word after them that ends the
/// run ("Sky News", "Workers' Union"), a title's possessive ("Prime
/// Minister's Questions"), "Chief Executive", "St Kitts". The real people
/// beside them stay, and a possessive name before an organisation too.
#[test]
fn names_of_bodies_shows_and_places_are_not_people() {
    check(&[
        (
            "He told Sky News' Sunday with Adam Boulton that it was fine.",
            &["Adam Boulton"],
        ),
        (
            "Earlier, David Rose, Chief Executive of Hereford Hospitals NHS Trust, had said so.",
            &["David Rose"],
        ),
        (
            "The Transport and General Workers' Union's 70,000 members will vote.",
            &[],
        ),
        (
            "On Wednesday during Prime Minister's Questions, Tory leader Michael Howard went on the offensive.",
            &["Michael Howard"],
        ),
        ("The St Kitts and Nevis star joins the relay team.", &[]),
        (
            "Mike McGuire, a research director at analyst Gartner Group, told the BBC.",
            &["Mike McGuire"],
        ),
        (
            "Chief Executive Tony Smith said it was sold.",
            &["Tony Smith"],
        ),
        (
            "Rupert Murdoch's News Corp bought it, said Murdoch's aide John Ryan.",
            &["Rupert Murdoch", "John Ryan"],
        ),
        (
            "It was owned by Lord Conrad Black's Hollinger International.",
            &["Conrad Black"],
        ),
        (
            "Former Worldcom boss Bernie Ebbers was jailed. Former Friends actress Lisa Kudrow won.",
            &["Bernie Ebbers", "Lisa Kudrow"],
        ),
        (
            "Nirvana frontman Kurt Cobain died, Blur guitarist Graham Coxon said.",
            &["Kurt Cobain", "Graham Coxon"],
        ),
        (
            "Sales will double, said Gartner. Analysts at Jupiter agreed.",
            &[],
        ),
        (
            "The former editor Michael Gartner said so.",
            &["Michael Gartner"],
        ),
        (
            "Sprinter Kelly Holmes' Olympic victory was the top moment.",
            &["Kelly Holmes"],
        ),
        (
            "President Clinton Wednesday signed the bill, Clinton said.",
            &["Clinton"],
        ),
        (
            "Warner Bros and Walt Disney Studios signed Scissor Sisters and Roxy Music.",
            &[],
        ),
        (
            "She starred in The Catherine Tate Show, the Green Paper said.",
            &[],
        ),
    ]);
}

/// A kind of organisation or work right before a name names it: the name
/// is that firm's, band's or film's. After a possessive it is someone of
/// it, and kinds that are also people's trades are not in the list.
#[test]
fn a_kind_of_body_or_work_names_what_follows() {
    check(&[
        (
            "The winner gets a deal with literary agency Curtis Brown.",
            &[],
        ),
        (
            "Shares in investment bank Morgan Stanley rose. The band Franz Ferdinand won.",
            &[],
        ),
        (
            "Mike Leigh's film Vera Drake won three awards.",
            &["Mike Leigh"],
        ),
        (
            "The company's chief John Smith said it would grow.",
            &["John Smith"],
        ),
        (
            "Veteran broadcaster Cyril Fletcher has died.",
            &["Cyril Fletcher"],
        ),
    ]);
}

/// What the article once names as a work, band or body is no person
/// anywhere in it, though the same words stand alone elsewhere ("Franz
/// Ferdinand beat Morrissey"), and its last word confirms no lone mention.
/// Only the same words: another name in the article is judged as before.
#[test]
fn a_name_given_to_a_work_holds_for_the_whole_article() {
    check(&[
        (
            "The band Franz Ferdinand won. Franz Ferdinand beat Keane, said Tom Hanks.",
            &["Tom Hanks"],
        ),
        (
            "Vera Drake won. Vera Drake director Mike Leigh thanked Drake and Imelda Staunton.",
            &["Mike Leigh", "Imelda Staunton"],
        ),
        (
            "Insurance broker Marsh & McLennan cut jobs. Rod Marsh said he was sorry.",
            &["Rod Marsh"],
        ),
    ]);
}

/// A credit in film, television or music between two names belongs to
/// the person after it; the name before it is the work or the band.
#[test]
fn a_credit_names_the_work_before_it() {
    check(&[
        (
            "Vera Drake director Mike Leigh was there with Westlife star Brian McFadden.",
            &["Mike Leigh", "Brian McFadden"],
        ),
        (
            "Sideways producer Michael London said awards mean everything.",
            &["Michael London"],
        ),
        // A possessive name owns the credit; a credit with no name after
        // it leaves the name before it alone.
        (
            "Kylie Minogue's producer William Orbit left. Ask Kate Winslet, the star.",
            &["Kylie Minogue", "William Orbit", "Kate Winslet"],
        ),
    ]);
}

/// Organisation and prize words that football and film headlines shorten
/// or name: "Man Utd", "the Golden Globes".
#[test]
fn club_and_prize_names_are_not_people() {
    check(&[
        ("Shares rise on new Man Utd offer", &[]),
        (
            "Clive Owen has won a Golden Globe. At the Golden Globes, Mr Evans won.",
            &["Clive Owen", "Evans"],
        ),
    ]);
}

/// Awards named by one word, companies and bands that are also names,
/// the Fed, and clubs named for their town: none is a person, whatever
/// vouches for it; the same words inside a real name still are ("John
/// Bath", "Oscar Wilde", "Tom Cairn").
#[test]
fn awards_companies_and_club_towns_are_not_people() {
    check(&[
        (
            "The Oscars will take place in Hollywood. Clive Owen has won a Bafta.",
            &["Clive Owen"],
        ),
        (
            "Orange told the BBC that those with Orange Smartphones could sync.",
            &[],
        ),
        (
            "Bath need experienced back-up, said Jack Rowell. Gloucester said the deal was off.",
            &["Jack Rowell"],
        ),
        (
            "Wasps need a win, said Lawrence Dallaglio. John Bath agreed.",
            &["Lawrence Dallaglio", "John Bath"],
        ),
        ("Oscar Wilde wrote plays.", &["Oscar Wilde"]),
        (
            "The Fed has been easing rates, said Opera spokeswoman Berit Hanson.",
            &["Berit Hanson"],
        ),
        (
            "Cairn's shares rose. Tom Cairn, who sells Dr Pepper, left The Libertines.",
            &["Tom Cairn"],
        ),
        (
            "The Lib Dems and Age Concern met Deutsche Boerse, said Tom Cairn.",
            &["Tom Cairn"],
        ),
        (
            "Credit Suisse and Lorillard Tobacco told the Land Registry, said Ann Lee.",
            &["Ann Lee"],
        ),
        // Where a body's name runs into a person's, the person stays.
        (
            "Lib Dems Simon Hughes and Credit Suisse Peter Smith met.",
            &["Simon Hughes", "Peter Smith"],
        ),
        (
            "The Dow Jones Industrial average fell and Red Star Belgrade lost.",
            &[],
        ),
    ]);
}

/// A minister's portfolio is a title only before another: "Foreign
/// Secretary Jack Straw", but not "the Ministry of Foreign Affairs", where
/// it heads a body's name.
#[test]
fn a_portfolio_alone_titles_no_one() {
    check(&[
        (
            "Women will work in the Ministry of Foreign Affairs. The Indian Trade Unions protested.",
            &[],
        ),
        (
            "The Education Bill passed, and Health and Safety rules changed.",
            &[],
        ),
        (
            "Foreign Secretary Jack Straw met Trade Minister Ahmed Sami.",
            &["Jack Straw", "Ahmed Sami"],
        ),
        (
            "Secretary of State Colin Powell flew in.",
            &["Colin Powell"],
        ),
    ]);
}

/// "Said" leading an inverted quote is the verb, not a first name; where
/// the sentence does not go on to a colon it may be one.
#[test]
fn said_leading_a_quote_is_no_first_name() {
    check(&[
        (
            "He agreed a deal. Said Williams: \"I did not have to think twice.\"",
            &["Williams"],
        ),
        (
            "Said Wales assistant coach Scott Johnson: \"We are positive.\"",
            &["Scott Johnson"],
        ),
        (
            "Said Aouita won the race in Rome, his coach said.",
            &["Said Aouita"],
        ),
    ]);
}

/// A middle initial written without its full stop (BBC style) is part of
/// the name: before, "George W Bush" gave "George" and "Bush" as two
/// people, and "John F Kennedy" none. A lone "I" stays the pronoun.
#[test]
fn dotless_middle_initials_join_the_name() {
    check(&[
        (
            "The administration of US President George W Bush said so. Mr Bush agreed.",
            &["George W Bush"],
        ),
        (
            "The plan was cited by John F Kennedy in 1962.",
            &["John F Kennedy"],
        ),
        ("George W. Bush said so on Monday.", &["George W. Bush"]),
        ("When Sarah I Think won, Tom Jones said so.", &["Tom Jones"]),
    ]);
}

#[test]
fn all_caps_headlines_are_not_names() {
    assert_eq!(
        people(
            "CRICKET - LEICESTERSHIRE TAKE OVER AT TOP AFTER INNINGS VICTORY.",
            "LONDON 1996-08-30\nLeicestershire beat Somerset by an innings."
        ),
        Vec::<String>::new()
    );
    // A known name in a capitals headline is still a mention.
    assert_eq!(
        mentions("TENNIS - HINGIS WINS.", "Martina Hingis beat Steffi Graf."),
        ["HINGIS", "Martina Hingis", "Steffi Graf"]
    );
}

#[test]
fn initials_in_scorecards() {
    check(&[
        (
            "Glamorgan 259 (A. Dale 69, H. Morris 69; D. Blenkiron 4-43).",
            &["A. Dale", "H. Morris", "D. Blenkiron"],
        ),
        (
            "Somerset 83 (P. Simmons 4-38).\nPhil Simmons was man of the match.",
            &["Phil Simmons"],
        ),
    ]);
}

#[test]
fn particles_and_hyphens() {
    check(&[
        ("Aravinda de Silva made 50.", &["Aravinda de Silva"]),
        ("Rafael van der Vaart scored.", &["Rafael van der Vaart"]),
        ("Jean-Marie Le Pen said so.", &["Jean-Marie Le Pen"]),
    ]);
}

#[test]
fn cues_find_names_without_a_known_given_name() {
    check(&[
        ("Later, Ryabkov said the plan was rejected.", &["Ryabkov"]),
        (
            "The decision, said Zhirinovsky, was final.",
            &["Zhirinovsky"],
        ),
        ("3. Aliuska Lopez (Cuba) 12.92", &["Aliuska Lopez"]),
        (
            "Scorers: Shearer 23, Ferdinand 50",
            &["Shearer", "Ferdinand"],
        ),
    ]);
}

#[test]
fn odd_input_never_panics() {
    let huge = "Mr Smith said. ".repeat(5_000);
    let odd = [
        "",
        "\n\n\n",
        "'",
        "’s",
        "A.",
        "Mr",
        "Mr.",
        "van",
        "al-",
        "Ǆemal Ǉubić said 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ﷽ İstanbul ß ΣΑΣ",
        "\u{0}\u{feff}Mr \u{200b}X",
        "((((( ,,,,, ----- ....",
        "1.2.3.4-5:6 ' ’ ' ’s 's",
        huge.as_str(),
    ];
    for t in odd {
        let _ = people(t, t);
        let _ = mentions(t, t);
    }
    assert_eq!(p(&huge), ["Smith"]);
}

/// The seed article's people, in order of first mention.
const SEED_PEOPLE: &[&str] = &[
    "Vladimir Putin",
    "Joe Biden",
    "Oleg Khramov",
    "Barack Obama",
    "Philip Ingram",
    "Donald Trump",
    "Sergei Ryabkov",
    "Vladimir Frolov",
    "Alexei Navalny",
];

#[test]
fn modern_prose_paraphrase() {
    let title = "Putin proposes a cyber pact";
    let body = "Weeks before the US election, Vladimir Putin proposed a pact.\n\n\
        The plan was posted on the Kremlin’s website on Friday, the Russian president said.\n\n\
        Mr Putin urged the US not to take cybersecurity hostage.\n\n\
        In 2007 Russian hackers hit the Estonian internet. Microsoft said one of Joe Biden’s \
        campaign groups was targeted.\n\n\
        In August, Oleg Khramov, deputy secretary of Russia’s security council, blamed the US. \
        Former US president Barack Obama disclosed operations against Russia.\n\n\
        According to Philip Ingram, a former British military intelligence officer, the leader \
        may worry about Iran.\n\n\
        “Putin’s desire is to give Donald Trump something,” he said.\n\n\
        Sergei Ryabkov, Russia’s deputy foreign minister, proposed a pact, rejected in Washington.\n\n\
        Vladimir Frolov, a former Russian diplomat, said Mr Putin’s statement was empty. \
        Mr Frolov cited the poisoning of Alexei Navalny and the Chemical Weapons Act.\n\n\
        Please consider donating to The Climax News Room.";
    assert_eq!(people(title, body), SEED_PEOPLE);
}

#[test]
fn seed_article_if_present() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/seed/cyber-pact.txt");
    let Ok(text) = std::fs::read_to_string(path) else {
        eprintln!("seed article not found at {path}; skipping");
        return;
    };
    let (title, body) = text.split_once('\n').unwrap_or((text.as_str(), ""));
    assert_eq!(people(title, body), SEED_PEOPLE);
}

/// The corpus README's relaxed match: equal, last word of gold, or
/// containing gold as whole words.
fn relaxed_match(p: &str, g: &str) -> bool {
    let gw: Vec<&str> = g.split(' ').collect();
    let pw: Vec<&str> = p.split(' ').collect();
    p == g
        || gw.last() == Some(&p)
        || (gw.len() <= pw.len() && pw.windows(gw.len()).any(|w| w == gw.as_slice()))
}

#[test]
fn conll_dev_relaxed_f1_floor() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/corpora/conll2003-people/dev.jsonl"
    );
    let Ok(text) = std::fs::read_to_string(path) else {
        eprintln!("CoNLL dev set not found at {path}; skipping");
        return;
    };
    let (mut pred_n, mut pred_ok, mut gold_n, mut gold_ok) = (0, 0, 0, 0);
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).expect("dev.jsonl lines are JSON");
        let doc = v["text"].as_str().unwrap_or_default();
        let (title, body) = doc.split_once('\n').unwrap_or((doc, ""));
        let gold: Vec<String> = v["people"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        let pred = people(title, body);
        pred_n += pred.len();
        gold_n += gold.len();
        pred_ok += pred
            .iter()
            .filter(|p| gold.iter().any(|g| relaxed_match(p, g)))
            .count();
        gold_ok += gold
            .iter()
            .filter(|g| pred.iter().any(|p| relaxed_match(p, g)))
            .count();
    }
    let p = pred_ok as f64 / pred_n.max(1) as f64;
    let r = gold_ok as f64 / gold_n.max(1) as f64;
    let f1 = 2.0 * p * r / (p + r).max(f64::EPSILON);
    // Measured 0.913 for people(); the floor leaves room for lexicon edits.
    assert!(f1 >= 0.90, "relaxed F1 {f1:.3} (P {p:.3} R {r:.3})");
}

#[test]
fn sentence_initial_common_words_are_not_people() {
    check(&[
        // A full title word before a full stop ends the sentence.
        (
            "Mr Mélenchon described it as a failure for the president. Speaking to supporters, he said the left would act.",
            &["Mélenchon"],
        ),
        (
            "She called it a down payment on justice. Developing countries have pushed for it.",
            &[],
        ),
        // Noun-shaped words next to "said" are the tail of an organisation.
        ("USA Gymnastics said it supported her decision.", &[]),
        (
            "The Office of the Director of National Intelligence said Moscow was working against him.",
            &[],
        ),
        // Abbreviated titles still take the next word, and known surnames
        // with such endings stay people.
        ("Dr. Rigby said the telescope worked.", &["Rigby"]),
        ("Fleming said the vote was close.", &["Fleming"]),
        ("Manning, 34, said nothing.", &["Manning"]),
    ]);
}

#[test]
fn roles_events_and_objects_are_not_people() {
    check(&[
        ("By Priya Raman, Climate Reporter", &["Priya Raman"]),
        (
            "Tom Ashworth, Sports Correspondent, was there.",
            &["Tom Ashworth"],
        ),
        ("Libya flooded after Storm Daniel hit.", &[]),
        ("Hurricane Katrina struck New Orleans.", &[]),
        ("The arrival of an El Niño pattern in June.", &[]),
        ("He won the Golden Boot as a 20-year-old.", &[]),
        ("The James Webb Space Telescope sent images.", &[]),
        ("The James Webb telescope sent images.", &[]),
        ("Five galaxies known as Stephan’s Quintet.", &[]),
        ("The conservative Les Républicains won 61 seats.", &[]),
        // People next to such words remain people.
        ("James Webb ran Nasa in the 1960s.", &["James Webb"]),
        (
            "Daniel Storm said the award was deserved.",
            &["Daniel Storm"],
        ),
        ("Les Dennis presented the show.", &["Les Dennis"]),
    ]);
}

#[test]
fn bare_given_names_fold_into_the_full_name() {
    check(&[
        (
            "Sir Keir Starmer won. Speaking outside, Sir Keir promised change.",
            &["Keir Starmer"],
        ),
        (
            "Dr Tedros Adhanom Ghebreyesus spoke. \"It is a pandemic,\" Dr Tedros said.",
            &["Tedros Adhanom Ghebreyesus"],
        ),
        // Two people with the same given name: the bare one stays as is.
        (
            "Ralf Schumacher won. Ralf Little watched. Mr Ralf said nothing.",
            &["Ralf Schumacher", "Ralf Little", "Ralf"],
        ),
    ]);
    // Surface forms are not folded.
    assert_eq!(
        mentions("", "Sir Keir Starmer won. Sir Keir spoke."),
        ["Keir Starmer", "Keir"]
    );
}

/// `starts_with_lower` relies on this: besides ASCII letters, only the
/// Kelvin sign and `İ` lowercase to anything holding an ASCII letter.
#[test]
fn only_kelvin_and_dotted_i_lowercase_to_ascii_letters() {
    let odd: Vec<char> = (0x80..=0x10FFFFu32)
        .filter_map(char::from_u32)
        .filter(|c| c.to_lowercase().any(|l| l.is_ascii_alphabetic()))
        .collect();
    assert_eq!(odd, ['\u{130}', '\u{212A}']);
    assert!(super::starts_with_lower("SCORERS:", "scorer"));
    assert!(!super::starts_with_lower("Scoré", "scorer"));
    assert!(!super::starts_with_lower("Sc", "scorer"));
}

/// `LineLower::get` gives `lower` of any word, in the line or not.
#[test]
fn line_lower_matches_lower() {
    for line in ["Mr Biden met O'Neill in PARIS", "Ünal met Biden", ""] {
        let low = line.to_ascii_lowercase();
        let ll = super::LineLower {
            line,
            low: if line.is_ascii() { &low } else { "" },
            seen: &[],
        };
        for (k, _) in line.char_indices() {
            for w in [&line[k..], &line[..k]] {
                assert_eq!(&*ll.get(w), &*super::lower(w), "{w:?} in {line:?}");
            }
        }
        assert_eq!(&*ll.get("Elsewhere"), "elsewhere");
    }
}

/// `LineLower::flags` gives each token's `word_flags`, asked once or again.
#[test]
fn line_flags_are_word_flags() {
    let line = "President Biden met Iraqis and Reuters in Paris";
    let mut toks = Vec::new();
    super::tokenize_into(line, &mut toks);
    let low = line.to_ascii_lowercase();
    let seen = vec![std::cell::Cell::new(super::UNSEEN); toks.len()];
    let ll = super::LineLower {
        line,
        low: &low,
        seen: &seen,
    };
    for _ in 0..2 {
        for (i, t) in toks.iter().enumerate() {
            let want = super::word_flags(&super::LEXICON, &super::lower(t.text));
            assert_eq!(ll.flags(i, &toks), want, "{}", t.text);
        }
    }
    assert_eq!(ll.flags(toks.len(), &toks), 0);
}

/// `lines` splits like `str::lines`.
#[test]
fn lines_split_like_str_lines() {
    for s in [
        "",
        "\n",
        "\r\n",
        "\r",
        "a",
        "a\n",
        "a\r\nb\r\n",
        "a\n\nb",
        "a\r\rb\r",
        "\n\r\n\r",
        "x\r\n\ny",
    ] {
        let got: Vec<&str> = super::lines(s).collect();
        let want: Vec<&str> = s.lines().collect();
        assert_eq!(got, want, "{s:?}");
    }
}

proptest::proptest! {
    /// The title filter never turns a title away: a word it fails is not a
    /// title, alone or hyphenated, on lowercase words near the titles
    /// ("sir", "vice-president") and on any text.
    #[test]
    fn title_filter_never_drops_a_title(
        w in "(mr|sir|lord|vice|major|general|president|prime|minister|lt|dr|[a-zé]{1,3})(-(mr|sir|general|president|minister|[a-z]{0,2})){0,2}|.{0,12}"
    ) {
        if !super::LEXICON.may_be_title(&w) {
            proptest::prop_assert!(!super::is_title(&w), "{w:?}");
        }
    }
}

/// Every title and every hyphenated pair of titles is a title the filter
/// lets through.
#[test]
fn title_filter_keeps_listed_titles() {
    for t in [
        "president",
        "mr",
        "major-general",
        "vice-president",
        "lt-col",
        "sheikh",
    ] {
        if super::is_title(t) {
            assert!(super::LEXICON.may_be_title(t), "{t}");
        }
    }
}
