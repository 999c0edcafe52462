//! Parser: NDJSON. One JSON object per line in, one [`Draft`] per line out,
//! keyed by line number. Accepts the common key spellings of news dumps
//! (`title`/`headline`, `body`/`text`/`content`, `published`/`date`/
//! `published_at`, `source`/`publication`/`site`, `authors`/`author`).
//! Malformed lines and lines without a body are reported, never fatal.
//!
//! Two ways in: [`parse`] takes decoded text, like the other parsers;
//! [`Lines`] reads bytes from any reader one line at a time, decoding each
//! line on its own, which is how ingest and extract read every NDJSON
//! file, so a dump of any size takes constant memory here.

use std::io::{BufRead, Read};

use serde_json::Value;

use super::Parsed;
use crate::article::{Draft, Format};
use crate::decode::DecodeError;

const TITLE_KEYS: &[&str] = &["title", "headline", "name"];
const BODY_KEYS: &[&str] = &["body", "text", "content", "article", "articleBody"];
const URL_KEYS: &[&str] = &["url", "link", "canonical_url"];
const PUBLISHED_KEYS: &[&str] = &[
    "published",
    "date",
    "published_at",
    "publishedAt",
    "datePublished",
    "pubdate",
];
const SOURCE_KEYS: &[&str] = &["source", "publication", "site", "site_name", "publisher"];
const AUTHOR_KEYS: &[&str] = &["authors", "author", "byline"];

/// Parse NDJSON text. Record ids are 1-based line numbers, so a record keeps
/// its key when other lines are fixed or become malformed.
pub fn parse(text: &str) -> Parsed {
    let mut out = Parsed::default();
    for (i, line) in text.lines().enumerate() {
        match record(i + 1, line) {
            Line::Record(id, draft) => out.records.push((id, draft)),
            Line::Problem(p) => out.problems.push(p),
            Line::Blank => {}
        }
    }
    out
}

/// What one line of an NDJSON file holds.
#[derive(Debug)]
pub enum Line {
    /// An article: its record id (the line number) and draft.
    Record(String, Draft),
    /// A line that is not an article, or a reason the file cannot be read
    /// further, with the reason.
    Problem(String),
    /// Whitespace only.
    Blank,
}

/// Parse line `line_no` (1-based) of an NDJSON file.
pub fn record(line_no: usize, line: &str) -> Line {
    let line = line.trim();
    if line.is_empty() {
        return Line::Blank;
    }
    let value: Value = match serde_json::from_str(line) {
        Ok(v) => v,
        Err(e) => return Line::Problem(format!("line {line_no}: invalid JSON ({e})")),
    };
    let Some(obj) = value.as_object() else {
        return Line::Problem(format!("line {line_no}: not a JSON object"));
    };
    let body = first_string(obj, BODY_KEYS).unwrap_or_default();
    if body.trim().is_empty() {
        return Line::Problem(format!(
            "line {line_no}: no article body (expected a \"body\" key)"
        ));
    }
    let draft = Draft {
        title: first_string(obj, TITLE_KEYS),
        body,
        published: first_string(obj, PUBLISHED_KEYS),
        source: first_value(obj, SOURCE_KEYS).and_then(name_of),
        url: first_string(obj, URL_KEYS),
        authors: first_value(obj, AUTHOR_KEYS)
            .map(names_of)
            .unwrap_or_default(),
        people: obj.get("people").map(names_of).unwrap_or_default(),
        format: Format::Ndjson,
        ..Draft::default()
    };
    Line::Record(line_no.to_string(), draft)
}

/// NDJSON read line by line from any reader, so a dump of any size is
/// parsed in constant memory: ingest reads every NDJSON file through this,
/// streamed in parts or whole, so both give the same records.
///
/// Each line is decoded on its own (UTF-8, else Windows-1252, see
/// [`crate::decode`]): one mis-encoded line does not turn the rest of a
/// UTF-8 dump into mojibake. A line longer than the cap is reported and
/// skipped without being held in memory. The file as a whole is refused,
/// as [`crate::decode::decode`] would, when it is binary, empty or UTF-16
/// (RFC 8259 requires UTF-8 for JSON exchanged between systems).
pub struct Lines<R> {
    reader: R,
    cap: u64,
    line_no: usize,
    buf: Vec<u8>,
    started: bool,
    any_text: bool,
    done: bool,
    read: u64,
}

impl<R: BufRead> Lines<R> {
    /// Lines of `reader`, each at most `cap` bytes.
    pub fn new(reader: R, cap: u64) -> Lines<R> {
        Lines {
            reader,
            cap,
            line_no: 0,
            buf: Vec::new(),
            started: false,
            any_text: false,
            done: false,
            read: 0,
        }
    }

    /// Bytes consumed from the reader so far (for progress).
    pub fn bytes_read(&self) -> u64 {
        self.read
    }

    /// Look at the head of the file once: binary, UTF-16 and BOM.
    fn start(&mut self) -> Result<(), String> {
        let head = self
            .reader
            .fill_buf()
            .map_err(|e| format!("cannot read: {e}"))?;
        if head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") {
            return Err("UTF-16 text: NDJSON must be UTF-8".to_string());
        }
        if crate::decode::looks_binary(head) {
            return Err(DecodeError::Binary.to_string());
        }
        if head.starts_with(b"\xEF\xBB\xBF") {
            self.reader.consume(3);
            self.read += 3;
        }
        Ok(())
    }

    /// Read the next line into `buf` (without its newline); false at the
    /// end. A line over the cap is consumed up to its newline and reported.
    fn next_line(&mut self) -> std::io::Result<Option<bool>> {
        self.buf.clear();
        let n = (&mut self.reader)
            .take(self.cap.saturating_add(1))
            .read_until(b'\n', &mut self.buf)?;
        self.read += n as u64;
        if n == 0 {
            return Ok(None);
        }
        if self.buf.last() == Some(&b'\n') {
            self.buf.pop();
        } else if self.buf.len() as u64 > self.cap {
            self.buf.clear();
            self.read += skip_line(&mut self.reader)?;
            return Ok(Some(false));
        }
        Ok(Some(true))
    }
}

/// Consume input up to and including the next newline, keeping none of
/// it; the bytes consumed.
fn skip_line(reader: &mut impl BufRead) -> std::io::Result<u64> {
    let mut skipped = 0u64;
    loop {
        let chunk = reader.fill_buf()?;
        if chunk.is_empty() {
            return Ok(skipped);
        }
        if let Some(i) = chunk.iter().position(|&b| b == b'\n') {
            reader.consume(i + 1);
            return Ok(skipped + i as u64 + 1);
        }
        let n = chunk.len();
        reader.consume(n);
        skipped += n as u64;
    }
}

impl<R: BufRead> Iterator for Lines<R> {
    type Item = Line;

    fn next(&mut self) -> Option<Line> {
        if self.done {
            return None;
        }
        if !self.started {
            self.started = true;
            if let Err(e) = self.start() {
                self.done = true;
                return Some(Line::Problem(e));
            }
        }
        loop {
            let line = match self.next_line() {
                Ok(Some(l)) => l,
                Ok(None) => {
                    self.done = true;
                    // Nothing but whitespace: the whole-file decoder's reason.
                    return (!self.any_text).then(|| Line::Problem(DecodeError::Empty.to_string()));
                }
                Err(e) => {
                    self.done = true;
                    return Some(Line::Problem(format!(
                        "cannot read after line {}: {e}",
                        self.line_no
                    )));
                }
            };
            self.line_no += 1;
            if !line {
                self.any_text = true;
                return Some(Line::Problem(format!(
                    "line {}: longer than the limit of {} bytes (see --max-file-size)",
                    self.line_no, self.cap
                )));
            }
            let text = crate::decode::decode_line(&self.buf);
            match record(self.line_no, &text) {
                Line::Blank => continue,
                other => {
                    self.any_text = true;
                    return Some(other);
                }
            }
        }
    }
}

fn first_value<'a>(obj: &'a serde_json::Map<String, Value>, keys: &[&str]) -> Option<&'a Value> {
    keys.iter()
        .find_map(|k| obj.get(*k))
        .filter(|v| !v.is_null())
}

fn first_string(obj: &serde_json::Map<String, Value>, keys: &[&str]) -> Option<String> {
    first_value(obj, keys).and_then(|v| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

/// A name from a string or an object with a `name` (JSON-LD style publisher/author).
fn name_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Object(o) => o.get("name").and_then(name_of),
        _ => None,
    }
}

/// Names from a string ("A and B", "A, B"), an array of strings or objects.
fn names_of(v: &Value) -> Vec<String> {
    match v {
        Value::Array(items) => items.iter().filter_map(name_of).collect(),
        Value::String(s) => s
            .split([',', ';'])
            .flat_map(|p| p.split(" and "))
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect(),
        other => name_of(other).into_iter().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_records_and_reports_bad_lines() {
        let text = concat!(
            r#"{"title":"A","body":"Alpha body.","url":"https://x.org/a","published":"2020-09-25","source":"X","authors":["Ann Lee","Bo Ek"]}"#,
            "\n",
            "{not json\n",
            "\n",
            r#"{"headline":"B","text":"Beta body.","author":{"name":"Cy Po"},"publisher":{"name":"Y"}}"#,
            "\n",
            r#"{"title":"C"}"#,
            "\n",
            "[1,2]\n",
        );
        let p = parse(text);
        assert_eq!(p.records.len(), 2);
        assert_eq!(p.records[0].0, "1");
        assert_eq!(p.records[0].1.authors, ["Ann Lee", "Bo Ek"]);
        assert_eq!(p.records[0].1.published.as_deref(), Some("2020-09-25"));
        assert_eq!(p.records[1].0, "4");
        assert_eq!(p.records[1].1.title.as_deref(), Some("B"));
        assert_eq!(p.records[1].1.authors, ["Cy Po"]);
        assert_eq!(p.records[1].1.source.as_deref(), Some("Y"));
        assert_eq!(p.problems.len(), 3);
        assert!(p.problems[0].starts_with("line 2: invalid JSON"));
        assert!(p.problems[1].starts_with("line 5: no article body"));
        assert!(p.problems[2].starts_with("line 6: not a JSON object"));
    }

    #[test]
    fn author_string_is_split() {
        let p = parse(r#"{"body":"x","author":"Jane Doe and John Roe"}"#);
        assert_eq!(p.records[0].1.authors, ["Jane Doe", "John Roe"]);
    }

    fn lines(bytes: &[u8], cap: u64) -> Vec<String> {
        Lines::new(bytes, cap)
            .map(|l| match l {
                Line::Record(id, d) => format!("{id}: {}", d.body),
                Line::Problem(p) => p,
                Line::Blank => "blank".to_string(),
            })
            .collect()
    }

    /// The streaming reader gives what the text parser gives, in order.
    #[test]
    fn lines_agree_with_the_text_parser() {
        let text = concat!(
            "\u{feff}",
            r#"{"title":"A","body":"Alpha body."}"#,
            "\r\n\n  \n{not json\n",
            r#"{"body":"Beta"}"#,
        );
        let streamed: Vec<String> = lines(text.as_bytes(), u64::MAX);
        assert_eq!(streamed[0], "1: Alpha body.");
        assert!(
            streamed[1].starts_with("line 4: invalid JSON"),
            "{streamed:?}"
        );
        assert_eq!(streamed[2], "5: Beta");
        assert_eq!(streamed.len(), 3, "blank lines are not reported");
        let p = parse(text.trim_start_matches('\u{feff}'));
        assert_eq!(p.records.len(), 2);
        assert_eq!(p.records[1].0, "5");
    }

    /// A line over the cap is reported and skipped; the lines around it
    /// keep their numbers.
    #[test]
    fn a_line_over_the_cap_is_skipped() {
        let long = format!(r#"{{"body":"{}"}}"#, "x".repeat(100));
        let text = format!("{{\"body\":\"a\"}}\n{long}\n{{\"body\":\"b\"}}\n{long}");
        let got = lines(text.as_bytes(), 40);
        assert_eq!(got.len(), 4, "{got:?}");
        assert_eq!(got[0], "1: a");
        assert_eq!(
            got[1],
            "line 2: longer than the limit of 40 bytes (see --max-file-size)"
        );
        assert_eq!(got[2], "3: b");
        assert!(got[3].starts_with("line 4: longer"), "{got:?}");
    }

    /// Every byte is counted once read, skipped lines and the BOM too, so a
    /// progress bar reaches the file's size.
    #[test]
    fn bytes_read_reach_the_input_length() {
        let long = format!(r#"{{"body":"{}"}}"#, "x".repeat(100));
        let text = format!("\u{feff}{{\"body\":\"a\"}}\n{long}\n\n{long}");
        let mut lines = Lines::new(text.as_bytes(), 40);
        assert_eq!(lines.by_ref().count(), 3);
        assert_eq!(lines.bytes_read(), text.len() as u64);
    }

    /// Each line is decoded alone: a Windows-1252 line does not garble the
    /// UTF-8 lines around it.
    #[test]
    fn lines_decode_one_by_one() {
        let mut bytes = br#"{"body":"caf"#.to_vec();
        bytes.extend_from_slice(b"\xe9\"}\n");
        bytes.extend_from_slice("{\"body\":\"£5 café\"}\n".as_bytes());
        assert_eq!(lines(&bytes, u64::MAX), ["1: café", "2: £5 café"]);
    }

    /// Whole-file refusals, with the whole-file decoder's reasons.
    #[test]
    fn binary_empty_and_utf16_files_are_refused() {
        assert_eq!(
            lines(b"\x00\x01\x02 binary", u64::MAX),
            ["binary file (not text)"]
        );
        assert_eq!(lines(b" \n\n \t\n", u64::MAX), ["empty file"]);
        assert_eq!(lines(b"", u64::MAX), ["empty file"]);
        assert_eq!(
            lines(b"\xFF\xFE{\x00}\x00", u64::MAX),
            ["UTF-16 text: NDJSON must be UTF-8"]
        );
    }
}
