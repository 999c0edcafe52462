//! Parser: Reuters-21578 SGML (`.sgm`). A file of `<REUTERS>` records in,
//! one [`Draft`] per record out, keyed by the record's `NEWID`. `TITLE`,
//! `DATELINE` (kept as the body's first line, where `extract` reads it),
//! `DATE` (rewritten to ISO 8601), `BODY` and `PEOPLE` become fields; `PLACES` are kept as metadata
//! people-free hints are not needed for. Records without a body (some are
//! title-only briefs) fall back to their title as body. Records with
//! neither keep their story unmarked in `<TEXT TYPE="UNPROC">` (market
//! tables, central bank reports): its first line becomes the title and
//! its other lines the body, a paragraph a row.
//!
//! It is a tolerant scanner for this one well-known SGML layout, not an SGML
//! parser.

use std::borrow::Cow;
use std::sync::LazyLock;

use memchr::memmem;

use super::Parsed;
use crate::article::{Draft, Format};

/// Parse a Reuters-21578 SGML file.
pub fn parse(text: &str) -> Parsed {
    let mut out = Parsed::default();
    let mut rest = text;
    let mut ordinal = 0usize;
    let tags = &*TAGS;
    while let Some(start) = tags.reuters.0.find(rest.as_bytes()) {
        let after = &rest[start..];
        let end = tags
            .reuters
            .1
            .find(after.as_bytes())
            .map(|e| e + "</REUTERS>".len());
        let record = &after[..end.unwrap_or(after.len())];
        rest = &after[record.len()..];
        ordinal += 1;
        let open_tag_end = record.find('>').unwrap_or(record.len());
        let id = attr(&record[..open_tag_end], "NEWID=\"").unwrap_or_else(|| ordinal.to_string());
        let mut title = element(record, &tags.title).map(|t| unescape(t).trim().to_string());
        let dateline = element(record, &tags.dateline).map(|d| unescape(d).trim().to_string());
        let body = element(record, &tags.body).map(|b| paragraphs(&unescape(b)));
        let body = match (body, &title) {
            (Some(b), _) if !b.trim().is_empty() => b,
            (_, Some(t)) if !t.is_empty() => t.clone(),
            _ => match element(record, &tags.unprocessed).and_then(unprocessed) {
                Some((t, b)) => {
                    title = Some(t);
                    b
                }
                None => {
                    out.problems
                        .push(format!("record NEWID={id}: no title and no body"));
                    continue;
                }
            },
        };
        let body = match &dateline {
            Some(d) if !d.is_empty() => {
                // Sized once: `format!` guessed short and copied the body
                // again while growing.
                let mut with = String::with_capacity(d.len() + 2 + body.len());
                with.push_str(d);
                with.push_str("\n\n");
                with.push_str(&body);
                with
            }
            _ => body,
        };
        let draft = Draft {
            title,
            body,
            published: element(record, &tags.date).map(iso_date),
            source: Some("Reuters".to_string()),
            people: element(record, &tags.people).map(items).unwrap_or_default(),
            format: Format::Reuters,
            ..Draft::default()
        };
        out.records.push((id, draft));
    }
    out
}

/// `26-FEB-1987 15:01:01.79` -> `1987-02-26T15:01:01`, the ISO form
/// `extract` reads; a date in another shape (the README warns of "extra
/// text after the date") is passed on trimmed, for `extract` to judge.
fn iso_date(raw: &str) -> String {
    let raw = raw.trim();
    let mut parts = raw.splitn(2, ' ');
    let day = parts.next().unwrap_or_default();
    let time = parts.next().unwrap_or_default().trim();
    let mut dmy = day.split('-');
    let (Some(d), Some(m), Some(y), None) = (dmy.next(), dmy.next(), dmy.next(), dmy.next()) else {
        return raw.to_string();
    };
    const MONTHS: [&str; 12] = [
        "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
    ];
    let month = MONTHS
        .iter()
        .position(|x| x.eq_ignore_ascii_case(m))
        .map(|i| i + 1);
    let (Some(month), Ok(d), true) = (
        month,
        d.parse::<u32>(),
        y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()),
    ) else {
        return raw.to_string();
    };
    // Seconds carry a fraction (`01.79`); ISO needs whole `HH:MM:SS`.
    let hms = time.split('.').next().unwrap_or_default();
    let valid_time = hms.len() == 8 && hms.bytes().filter(|b| *b == b':').count() == 2;
    if valid_time {
        format!("{y}-{month:02}-{d:02}T{hms}")
    } else {
        format!("{y}-{month:02}-{d:02}")
    }
}

/// The value of the attribute that `key` (`NAME="`) opens: the key is
/// passed whole so that no string is built per record.
fn attr(tag: &str, key: &str) -> Option<String> {
    let at = tag.find(key)? + key.len();
    let len = tag[at..].find('"')?;
    Some(tag[at..at + len].to_string())
}

/// An element's open and close tags, each with its memmem searcher.
type Tag = (memmem::Finder<'static>, memmem::Finder<'static>);

/// The tags every record is searched for, with their SIMD searchers built
/// once: `str::find`'s scalar Two-Way search showed in ingest profiles, and
/// then `memmem::find`, which builds its searcher on every call, spent a
/// fifth of parse building them (perf, r001+r002). A match of a whole
/// UTF-8 needle in UTF-8 text starts and ends on character boundaries, as
/// `str::find`'s does.
struct Tags {
    /// `<REUTERS` (attributes follow) and `</REUTERS>`.
    reuters: Tag,
    title: Tag,
    dateline: Tag,
    body: Tag,
    date: Tag,
    people: Tag,
    /// `<TEXT TYPE="UNPROC">`, a record's text without markup.
    unprocessed: Tag,
}

static TAGS: LazyLock<Tags> = LazyLock::new(|| {
    let tag = |open: &'static str, close: &'static str| {
        (memmem::Finder::new(open), memmem::Finder::new(close))
    };
    Tags {
        reuters: tag("<REUTERS", "</REUTERS>"),
        title: tag("<TITLE>", "</TITLE>"),
        dateline: tag("<DATELINE>", "</DATELINE>"),
        body: tag("<BODY>", "</BODY>"),
        date: tag("<DATE>", "</DATE>"),
        people: tag("<PEOPLE>", "</PEOPLE>"),
        unprocessed: tag("<TEXT TYPE=\"UNPROC\">", "</TEXT>"),
    }
});

/// The text between the first open tag and the close tag after it.
fn element<'a>(record: &'a str, (open, close): &Tag) -> Option<&'a str> {
    let start = open.find(record.as_bytes())? + open.needle().len();
    let rest = record.get(start..)?;
    let len = close.find(rest.as_bytes())?;
    rest.get(..len)
}

/// `<D>` items of a list element such as `<PEOPLE>`: lowercase, hyphenated
/// ("james-baker"), so they are turned into "James Baker".
fn items(list: &str) -> Vec<String> {
    list.split("<D>")
        .filter_map(|s| s.split("</D>").next())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.split('-')
                .map(|w| {
                    let mut c = w.chars();
                    c.next()
                        .map(|f| f.to_uppercase().chain(c).collect::<String>())
                        .unwrap_or_default()
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// Reuters bodies start each paragraph with an indented line; wrapped lines
/// continue without indent. The trailing "Reuter" sign-off is dropped.
///
/// Paragraphs are written straight into the joined output (blank line
/// between), remembering where the last one starts so the sign-off can be
/// cut there: a `String` per paragraph, the join and a copy of the last
/// paragraph showed as malloc and memmove in ingest profiles.
fn paragraphs(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    // Start of the last paragraph in `out`, and whether one is open.
    let (mut last_start, mut open) = (0usize, false);
    for line in body.lines() {
        if open && (line.starts_with(' ') || line.starts_with('\t')) {
            open = false;
        }
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        if open {
            out.push(' ');
        } else {
            if !out.is_empty() {
                out.push_str("\n\n");
            }
            last_start = out.len();
            open = true;
        }
        out.push_str(t);
    }
    let last = out.get(last_start..).unwrap_or_default();
    let trimmed = last.trim_end_matches(|c: char| c.is_whitespace() || c == '\u{3}');
    if trimmed == "Reuter" || trimmed == "REUTER" {
        // Drop the sign-off paragraph and the blank line before it.
        out.truncate(last_start.saturating_sub(2));
    } else if let Some(stripped) = trimmed
        .strip_suffix(" Reuter")
        .or_else(|| trimmed.strip_suffix(" REUTER"))
    {
        out.truncate(last_start + stripped.len());
    }
    out
}

/// The story of a record that has no `TITLE` or `BODY` but keeps its text
/// unmarked in `<TEXT TYPE="UNPROC">` (737 of the collection's 21,578
/// records: market tables, central bank reports, corrections): the first
/// line is the title, the other lines the body, a paragraph a row, so a
/// table keeps its rows (the cleaner joins the lines of a paragraph). The "Reuter" sign-off is dropped; a text of one
/// line is its own body, as a title-only brief is. `None` when it holds
/// no text.
fn unprocessed(text: &str) -> Option<(String, String)> {
    let text = unescape(text);
    let mut lines = text
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty());
    let title = lines.next()?.trim().to_string();
    let mut rows: Vec<&str> = lines.collect();
    if rows
        .last()
        .is_some_and(|l| matches!(l.trim(), "Reuter" | "REUTER"))
    {
        rows.pop();
    }
    let body = if rows.is_empty() {
        title.clone()
    } else {
        rows.join("\n\n")
    };
    Some((title, body))
}

/// SGML entities used by the collection; numeric control entities vanish.
/// Text without `&` (most titles and datelines) is returned as it is,
/// uncopied.
fn unescape(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let tail = &rest[amp..];
        let semi = tail.find(';').filter(|&i| i <= 8);
        match semi {
            Some(i) => {
                let entity = &tail[1..i];
                match entity {
                    "lt" => out.push('<'),
                    "gt" => out.push('>'),
                    "amp" => out.push('&'),
                    "quot" => out.push('"'),
                    _ if entity.starts_with('#') => {
                        if let Some(c) = entity[1..].parse::<u32>().ok().and_then(char::from_u32)
                            && !c.is_control()
                        {
                            out.push(c);
                        }
                    }
                    _ => out.push_str(&tail[..=i]),
                }
                rest = &tail[i + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"<!DOCTYPE lewis SYSTEM "lewis.dtd">
<REUTERS TOPICS="YES" NEWID="7">
<DATE>26-FEB-1987 15:01:01.79</DATE>
<PLACES><D>usa</D></PLACES>
<PEOPLE><D>james-baker</D></PEOPLE>
<TEXT>&#2;
<TITLE>BAKER SAYS &lt;DOLLAR&gt; STABLE</TITLE>
<DATELINE>    WASHINGTON, Feb 26 - </DATELINE><BODY>Treasury Secretary James Baker said
the dollar was stable.
    He said talks &amp; meetings would go on.
 Reuter
&#3;</BODY></TEXT>
</REUTERS>
<REUTERS NEWID="8"><TEXT><TITLE>BRIEF ONLY</TITLE></TEXT></REUTERS>
<REUTERS NEWID="9"><TEXT></TEXT></REUTERS>
"#;

    #[test]
    fn records_fields_and_paragraphs() {
        let p = parse(SAMPLE);
        assert_eq!(p.records.len(), 2);
        let (id, d) = &p.records[0];
        assert_eq!(id, "7");
        assert_eq!(d.title.as_deref(), Some("BAKER SAYS <DOLLAR> STABLE"));
        assert_eq!(
            d.body,
            "WASHINGTON, Feb 26 -\n\nTreasury Secretary James Baker said the dollar was stable.\n\nHe said talks & meetings would go on."
        );
        assert_eq!(d.published.as_deref(), Some("1987-02-26T15:01:01"));
        assert_eq!(d.people, ["James Baker"]);
        assert_eq!(p.records[1].1.body, "BRIEF ONLY");
        assert_eq!(p.problems, ["record NEWID=9: no title and no body"]);
    }

    /// A record whose text is unmarked: the first line is the title, each
    /// other line a paragraph (a table keeps its rows), the sign-off goes;
    /// one line is title and body; an empty text is still a problem.
    #[test]
    fn unprocessed_text_becomes_title_and_rows() {
        let sgm = "<REUTERS NEWID=\"132\">\n<DATE>26-FEB-1987 17:07:18.66</DATE>\n\
            <TEXT TYPE=\"UNPROC\">&#2;\nFEDERAL RESERVE WEEKLY REPORT 1 - FEB 26\n\
            \x20   Two weeks ended Feb 25      daily avgs-mlns\n\
            \x20Net free reserves.............644 vs.....1,337\n\
            \x20Bank borrowings &amp; loans....680 vs.......425\n\
            \x20                        \n Reuter\n&#3;\n\n</TEXT>\n</REUTERS>\n\
            <REUTERS NEWID=\"133\"><TEXT TYPE=\"UNPROC\">&#2;\nCORRECTION - SILVER PRICE\n&#3;</TEXT></REUTERS>\n\
            <REUTERS NEWID=\"134\"><TEXT TYPE=\"UNPROC\">&#2;\n&#3;\n\n</TEXT></REUTERS>\n";
        let p = parse(sgm);
        assert_eq!(p.records.len(), 2);
        let (id, d) = &p.records[0];
        assert_eq!(id, "132");
        assert_eq!(
            d.title.as_deref(),
            Some("FEDERAL RESERVE WEEKLY REPORT 1 - FEB 26")
        );
        assert_eq!(
            d.body,
            "    Two weeks ended Feb 25      daily avgs-mlns\n\n \
             Net free reserves.............644 vs.....1,337\n\n \
             Bank borrowings & loans....680 vs.......425"
        );
        assert_eq!(d.published.as_deref(), Some("1987-02-26T17:07:18"));
        let (_, brief) = &p.records[1];
        assert_eq!(brief.title.as_deref(), Some("CORRECTION - SILVER PRICE"));
        assert_eq!(brief.body, "CORRECTION - SILVER PRICE");
        assert_eq!(p.problems, ["record NEWID=134: no title and no body"]);
    }

    #[test]
    fn dates_become_iso() {
        assert_eq!(iso_date(" 5-MAR-1987 09:13:44.12"), "1987-03-05T09:13:44");
        assert_eq!(iso_date("19-OCT-1987"), "1987-10-19");
        assert_eq!(iso_date("31-XYZ-1987 junk"), "31-XYZ-1987 junk");
        assert_eq!(iso_date("é-ü-1987"), "é-ü-1987");
        assert_eq!(iso_date(""), "");
    }

    /// `element` as first written, with `str::find`: the reference the
    /// cached searchers are tested against.
    fn element_reference<'a>(record: &'a str, open: &str, close: &str) -> Option<&'a str> {
        let start = record.find(open)? + open.len();
        let len = record[start..].find(close)?;
        Some(&record[start..start + len])
    }

    proptest::proptest! {
        #[test]
        fn elements_match_str_find(
            record in "(?:<REUTERS|</REUTERS>|<TITLE>|</TITLE>|<DATE>|</DATE>|<DATELINE>|</DATELINE>|<BODY>|</BODY>|<PEOPLE>|</PEOPLE>|[<>/a-zA-Z é]){0,40}"
        ) {
            let tags = &*TAGS;
            for (tag, open, close) in [
                (&tags.reuters, "<REUTERS", "</REUTERS>"),
                (&tags.title, "<TITLE>", "</TITLE>"),
                (&tags.dateline, "<DATELINE>", "</DATELINE>"),
                (&tags.body, "<BODY>", "</BODY>"),
                (&tags.date, "<DATE>", "</DATE>"),
                (&tags.people, "<PEOPLE>", "</PEOPLE>"),
            ] {
                proptest::prop_assert_eq!(element(&record, tag), element_reference(&record, open, close));
                proptest::prop_assert_eq!(tag.0.find(record.as_bytes()), record.find(open));
                proptest::prop_assert_eq!(tag.1.find(record.as_bytes()), record.find(close));
            }
        }
    }

    #[test]
    fn garbage_does_not_panic() {
        for s in [
            "<REUTERS",
            "<REUTERS NEWID=\"",
            "&#99999999;",
            "<REUTERS><BODY>&",
            "",
        ] {
            let _ = parse(s);
        }
    }
}
