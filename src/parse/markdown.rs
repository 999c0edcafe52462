//! Parser: Markdown. A `.md` article in, a [`Draft`] out. Front matter
//! (`---` YAML-style `key: value` lines, lists as `[a, b]` or `- a`) gives
//! title, date, source, url and authors; otherwise the first `# Heading` is
//! the title. The body is the rendered text: paragraphs, headings, list items
//! and quotes each become a paragraph; link targets, images and HTML tags go.
//!
//! It does not implement YAML: nested maps in front matter are ignored.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::article::{Draft, Format};

/// Parse a Markdown article.
pub fn parse(text: &str) -> Draft {
    // Copied only when it has a carriage return (see `parse::text`).
    let text: std::borrow::Cow<'_, str> = if text.contains('\r') {
        text.replace("\r\n", "\n").into()
    } else {
        text.into()
    };
    let (front, content) = split_front_matter(&text);
    let mut draft = Draft {
        format: Format::Markdown,
        ..Draft::default()
    };
    for (key, value) in front {
        match key.as_str() {
            "title" | "headline" => draft.title = first(&value),
            "date" | "published" | "pubdate" | "published_at" => draft.published = first(&value),
            "source" | "publication" | "site" | "publisher" => draft.source = first(&value),
            "url" | "link" | "canonical" => draft.url = first(&value),
            "author" | "authors" | "byline" => draft.authors = value,
            _ => {}
        }
    }
    let (heading, body) = render(content, draft.title.is_none());
    if draft.title.is_none() {
        draft.title = heading;
    }
    draft.body = body;
    draft
}

fn first(values: &[String]) -> Option<String> {
    values.first().cloned().filter(|v| !v.is_empty())
}

/// Front matter as `(lowercased key, values)`, and the content after it.
fn split_front_matter(text: &str) -> (Vec<(String, Vec<String>)>, &str) {
    let Some(rest) = text.strip_prefix("---\n") else {
        return (Vec::new(), text);
    };
    let Some(end) = rest.find("\n---") else {
        return (Vec::new(), text);
    };
    let block = &rest[..end];
    let after = &rest[end + 4..];
    let content = after.split_once('\n').map(|(_, c)| c).unwrap_or("");
    let mut fields: Vec<(String, Vec<String>)> = Vec::new();
    for line in block.lines() {
        if let Some(item) = line.trim_start().strip_prefix("- ") {
            if let Some((_, values)) = fields.last_mut() {
                values.push(unquote(item));
            }
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        if key.starts_with(' ') {
            continue;
        }
        let value = value.trim();
        let values = if let Some(list) = value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
            list.split(',')
                .map(unquote)
                .filter(|v| !v.is_empty())
                .collect()
        } else if value.is_empty() {
            Vec::new()
        } else {
            vec![unquote(value)]
        };
        fields.push((key.trim().to_ascii_lowercase(), values));
    }
    (fields, content)
}

fn unquote(s: &str) -> String {
    s.trim()
        .trim_matches(|c| c == '"' || c == '\'')
        .trim()
        .to_string()
}

/// Render Markdown to paragraphs of plain text. When `want_title`, the first
/// level-1 heading is returned separately instead of staying in the body.
fn render(md: &str, want_title: bool) -> (Option<String>, String) {
    let mut blocks: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut title: Option<String> = None;
    let mut in_title = false;
    let mut image_depth = 0usize;
    for event in Parser::new_ext(md, Options::all()) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                flush(&mut blocks, &mut current);
                in_title = want_title && title.is_none() && level == HeadingLevel::H1;
            }
            Event::End(TagEnd::Heading(_)) => {
                if in_title {
                    title = Some(current.trim().to_string());
                    current.clear();
                    in_title = false;
                } else {
                    flush(&mut blocks, &mut current);
                }
            }
            Event::Start(Tag::Image { .. }) => image_depth += 1,
            Event::End(TagEnd::Image) => image_depth = image_depth.saturating_sub(1),
            Event::Start(Tag::Paragraph | Tag::Item | Tag::CodeBlock(_) | Tag::TableRow)
            | Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::CodeBlock | TagEnd::TableRow) => {
                flush(&mut blocks, &mut current)
            }
            Event::End(TagEnd::TableCell) => current.push(' '),
            Event::Text(t) | Event::Code(t) if image_depth == 0 => current.push_str(&t),
            Event::SoftBreak | Event::HardBreak => current.push(' '),
            _ => {}
        }
    }
    flush(&mut blocks, &mut current);
    (title.filter(|t| !t.is_empty()), blocks.join("\n\n"))
}

fn flush(blocks: &mut Vec<String>, current: &mut String) {
    let t = current.split_whitespace().collect::<Vec<_>>().join(" ");
    if !t.is_empty() {
        blocks.push(t);
    }
    current.clear();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_fields() {
        let d = parse(
            "---\ntitle: \"Pact talks\"\ndate: 2021-03-04\nsource: Harbour Gazette\nauthors: [Ann Lee, Bo Ek]\nurl: https://hg.example/pact\n---\n\nFirst *para*.\n\nSecond [link](https://x.org).\n",
        );
        assert_eq!(d.title.as_deref(), Some("Pact talks"));
        assert_eq!(d.published.as_deref(), Some("2021-03-04"));
        assert_eq!(d.source.as_deref(), Some("Harbour Gazette"));
        assert_eq!(d.authors, ["Ann Lee", "Bo Ek"]);
        assert_eq!(d.url.as_deref(), Some("https://hg.example/pact"));
        assert_eq!(d.body, "First para.\n\nSecond link.");
    }

    #[test]
    fn list_authors_and_heading_title() {
        let d = parse(
            "---\nauthor:\n  - Ann Lee\n---\n# The Title\n\nBody ![img](a.png) text.\n\n- one\n- two\n\n> quoted\n\n## Sub\n",
        );
        assert_eq!(d.authors, ["Ann Lee"]);
        assert_eq!(d.title.as_deref(), Some("The Title"));
        assert_eq!(d.body, "Body text.\n\none\n\ntwo\n\nquoted\n\nSub");
    }

    #[test]
    fn unterminated_front_matter_is_content() {
        let d = parse("---\ntitle: x\nno end");
        assert!(d.body.contains("title: x"));
    }
}
