//! Parser: NDJSON. One JSON object per line in, one [`Draft`] per line out,
//! keyed by line number. Accepts the common key spellings of news dumps
//! (`title`/`headline`, `body`/`text`/`content`, `published`/`date`/
//! `published_at`, `source`/`publication`/`site`, `authors`/`author`).
//! Malformed lines and lines without a body are reported, never fatal.

use serde_json::Value;

use super::Parsed;
use crate::article::{Draft, Format};

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
        let line_no = i + 1;
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let value: Value = match serde_json::from_str(line) {
            Ok(v) => v,
            Err(e) => {
                out.problems
                    .push(format!("line {line_no}: invalid JSON ({e})"));
                continue;
            }
        };
        let Some(obj) = value.as_object() else {
            out.problems
                .push(format!("line {line_no}: not a JSON object"));
            continue;
        };
        let body = first_string(obj, BODY_KEYS).unwrap_or_default();
        if body.trim().is_empty() {
            out.problems.push(format!(
                "line {line_no}: no article body (expected a \"body\" key)"
            ));
            continue;
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
        out.records.push((line_no.to_string(), draft));
    }
    out
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
}
