//! Stage: extract dates. Text in, dates out: the publication date from
//! metadata strings, datelines or file names, and every date the text
//! mentions, normalized to ISO 8601 at the precision known. Pure and total.

use chrono::NaiveDate;

/// Parse a publication date/timestamp as found in metadata
/// (`2020-09-25`, `2020-09-25T10:00:00Z`, `Fri, 25 Sep 2020 ...`, `25 September 2020`).
pub fn parse_published(raw: &str) -> Option<NaiveDate> {
    let raw = raw.trim();
    let head = raw.get(..10).unwrap_or(raw);
    NaiveDate::parse_from_str(head, "%Y-%m-%d").ok()
}

/// A publication date from a dateline at the top of the body
/// (`LONDON 1996-08-30`, `MOSCOW, Aug. 23 -`).
pub fn from_dateline(body: &str) -> Option<NaiveDate> {
    let _ = body;
    None
}

/// A date embedded in a file name (`2020-09-25-putin-pact.txt`).
pub fn from_file_name(name: &str) -> Option<NaiveDate> {
    let _ = name;
    None
}

/// Every date the text mentions, ISO 8601 at its precision, each once, in
/// order of first mention. Relative dates resolve against `published`.
pub fn mentioned(text: &str, published: Option<NaiveDate>) -> Vec<String> {
    let _ = (text, published);
    Vec::new()
}
