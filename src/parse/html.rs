//! Parser: HTML. A saved web page in, a [`Draft`] out: the main article text
//! (paragraphs as blank-line separated blocks; headings and list items are
//! paragraphs of their own; entities decoded, whitespace collapsed) and the
//! page's metadata (title, published, authors, source, canonical URL), all
//! as raw strings.
//!
//! How: one parse with `dom_query`; one pass over the tree reads metadata
//! (`<meta>`, canonical link, JSON-LD, microdata, `<time>`, `<h1>`,
//! `<title>`). `dom_smoothie` (a Readability port) then picks the content
//! node with its strict policy, retried once relaxed when that yields under
//! 500 characters. We walk the chosen node ourselves, skipping the kinds of
//! noise Readability keeps (share bars, newsletter boxes, related links,
//! figures and captions, bylines, popups) by tag, class/id words and
//! visibility, then drop blocks by their text: link lists, the headline
//! repeated, date stamps, widget labels, promos, credits and sign-offs.
//! Class/id noise and image captions are also marked on the page as written
//! before Readability runs, since it rewrites wrappers without their classes;
//! quote attributions (`<footer>`/`<cite>` in a `<blockquote>`) are shielded
//! from Readability, which deletes every `<footer>`.
//!
//! [`Extraction::Doubtful`] when Readability yields nothing usable (the
//! page's visible text blocks are returned instead, so a page with any
//! visible text never gets an empty body) or when a short body leaves out
//! most of the page's paragraph text.
//!
//! It does not normalize metadata (dates stay as written: that is
//! `extract`), nor remove boilerplate *sentences* inside article paragraphs
//! (that is `clean`). Total: never panics, whatever the input (absurdly deep
//! nesting skips Readability, whose recursion could exhaust the stack).

use std::collections::HashMap;
use std::sync::LazyLock;

use dom_query::{Document, NodeId, NodeRef};
use dom_smoothie::{Config, ParsePolicy, Readability};
use regex::Regex;
use serde_json::Value;

use crate::article::{Draft, Extraction, Format};

/// Parse one HTML page.
pub fn parse(html: &str) -> Draft {
    let doc = Document::from(html);
    let meta = Meta::read(&doc);
    let title = meta.title();
    for id in &meta.embeds {
        NodeRef::new(*id, &doc.tree).set_attr("class", "embed");
    }

    let mut extraction = Extraction::Ok;
    // Readability recurses over the tree; absurdly deep junk would overflow
    // a thread's stack, so such pages go straight to the fallback.
    let too_deep = nesting_exceeds(&doc, MAX_DEPTH);
    let mut blocks = if too_deep {
        Vec::new()
    } else {
        readability_blocks(doc, ParsePolicy::Strict)
    };
    if !too_deep && blocks.iter().map(|b| b.text.len()).sum::<usize>() < MIN_STRICT_CHARS {
        // The strict pass found too little (a short item, or the unlikely-
        // candidate purge took the article): one relaxed pass on a fresh
        // tree. (Readability's own multi-pass scores the same on the
        // benchmark but copies the tree for every attempt.)
        let retry = readability_blocks(Document::from(html), ParsePolicy::Moderate);
        if retry.iter().map(|b| b.text.len()).sum::<usize>()
            > blocks.iter().map(|b| b.text.len()).sum::<usize>()
        {
            blocks = retry;
        }
    }
    filter_blocks(&mut blocks, title.as_deref());
    let mut body = join_blocks(&blocks);
    let words = body.split_whitespace().count();
    if words == 0 {
        // Readability failed or everything was filtered: fall back to the
        // page's visible text so the article is still searchable.
        let doc = Document::from(html);
        let mut blocks = visible_blocks(&doc);
        filter_blocks(&mut blocks, title.as_deref());
        body = join_blocks(&blocks);
        if body.is_empty() {
            body = join_blocks(&visible_blocks(&doc));
        }
        extraction = Extraction::Doubtful;
    } else if words < 150 && body.len() * 4 < paragraph_chars(&Document::from(html)) {
        // A short body while the page's paragraphs hold four times more
        // text: likely the wrong node. (Measured only for short bodies, as
        // it costs a second parse.)
        extraction = Extraction::Doubtful;
    }

    Draft {
        title,
        body,
        published: meta.published(),
        source: meta.source(),
        url: meta.url(),
        authors: meta.authors(),
        people: Vec::new(),
        format: Format::Html,
        extraction,
    }
}

// ---------------------------------------------------------------- metadata

/// Everything metadata-like read from one page in a single pass over
/// `<meta>`, `<link>`, JSON-LD and a few elements.
#[derive(Default)]
struct Meta {
    /// `(name|property|itemprop lowercased, content)` of every `<meta>`.
    metas: Vec<(String, String)>,
    canonical: Option<String>,
    html_title: Option<String>,
    h1: Option<String>,
    time_datetime: Option<String>,
    itemprop_published: Option<String>,
    /// Elements whose class marks an embedded post (renamed before Readability).
    embeds: Vec<dom_query::NodeId>,
    byline_names: Vec<String>,
    ld: LdMeta,
}

/// The fields we take from JSON-LD (`NewsArticle` and friends).
#[derive(Default)]
struct LdMeta {
    headline: Option<String>,
    published: Option<String>,
    authors: Vec<String>,
    publisher: Option<String>,
    url: Option<String>,
}

impl Meta {
    /// One pass over the element tree (each `select` would be a pass of
    /// its own, and parsing speed is a target); bylines are looked for only
    /// when neither JSON-LD nor `<meta>` names an author.
    fn read(doc: &Document) -> Meta {
        let mut m = Meta::default();
        for node in doc.root().descendants_it() {
            if !node.is_element() {
                continue;
            }
            // The parser already lowercased HTML names; the interned local
            // name avoids an allocation per element.
            let Some(name) = node.qual_name_ref().map(|q| q.local.clone()) else {
                continue;
            };
            match &*name {
                "meta" => {
                    let Some(content) = node.attr("content") else {
                        continue;
                    };
                    let content = collapse(&content);
                    if content.is_empty() {
                        continue;
                    }
                    // `itemprop="datePublished dateCreated"` names two keys.
                    for key in ["property", "name", "itemprop"] {
                        if let Some(k) = node.attr(key) {
                            for k in k.split_whitespace() {
                                m.metas.push((k.to_ascii_lowercase(), content.clone()));
                            }
                        }
                    }
                }
                "link" if m.canonical.is_none() => {
                    let rel = node.attr("rel").unwrap_or_default().to_ascii_lowercase();
                    if rel.split_whitespace().any(|r| r == "canonical") {
                        m.canonical = node
                            .attr("href")
                            .map(|h| h.trim().to_string())
                            .filter(|h| !h.is_empty());
                    }
                }
                "title" if m.html_title.is_none() => {
                    m.html_title = Some(collapse(&node.text())).filter(|t| !t.is_empty());
                }
                "h1" if m.h1.is_none() => {
                    m.h1 = Some(collapse(&node.text())).filter(|t| !t.is_empty());
                }
                "time" if m.time_datetime.is_none() => {
                    m.time_datetime = node
                        .attr("datetime")
                        .map(|d| d.trim().to_string())
                        .filter(|d| !d.is_empty());
                }
                "script" => {
                    let is_ld = node
                        .attr("type")
                        .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"));
                    if !is_ld {
                        continue;
                    }
                    let text = node.text();
                    let text = text
                        .trim()
                        .trim_start_matches("<![CDATA[")
                        .trim_end_matches("]]>");
                    if let Ok(v) = serde_json::from_str::<Value>(text) {
                        m.ld.absorb(&v, 0);
                    }
                }
                _ => {
                    // Embedded posts are quoted article text, but their
                    // wrappers often carry words (`social-media-embed`) that
                    // make Readability purge them as unlikely content; a
                    // neutral class keeps them in play.
                    if let Some(class) = node.attr("class")
                        && class.contains("embed")
                    {
                        m.embeds.push(node.id);
                    }
                    // Microdata on page elements: `<span itemprop="datePublished"
                    // content="…">` or `<time itemprop=…>`.
                    if m.itemprop_published.is_none()
                        && node.attr("itemprop").is_some_and(|p| {
                            p.split_whitespace()
                                .any(|p| p.eq_ignore_ascii_case("datePublished"))
                        })
                    {
                        m.itemprop_published = node
                            .attr("content")
                            .or_else(|| node.attr("datetime"))
                            .map(|c| collapse(&c))
                            .or_else(|| Some(collapse(&node.text())))
                            .filter(|d| !d.is_empty() && d.len() < 80);
                    }
                }
            }
        }
        if m.ld.authors.is_empty()
            && m.meta_authors().is_empty()
            && let Some(sel) = doc.try_select(
                "a[rel~=author], [itemprop=author], [class*=byline] a, [class*=author-name], [class*=byline__name]",
            )
        {
            for node in sel.nodes() {
                let name = node
                    .attr("content")
                    .map(|c| collapse(&c))
                    .unwrap_or_else(|| collapse(&node.text()));
                push_author(&mut m.byline_names, &name);
            }
        }
        m
    }

    /// First `<meta>` content among `keys`, in the order of `keys`.
    fn get(&self, keys: &[&str]) -> Option<String> {
        keys.iter().find_map(|k| {
            self.metas
                .iter()
                .find(|(n, _)| n == k)
                .map(|(_, c)| c.clone())
        })
    }

    fn site_name(&self) -> Option<String> {
        self.get(&["og:site_name"])
            .or_else(|| self.ld.publisher.clone())
    }

    fn title(&self) -> Option<String> {
        let site = self.site_name();
        let strip = |t: String| strip_site_suffix(&t, site.as_deref(), false);
        self.get(&["og:title", "twitter:title"])
            .map(strip)
            .or_else(|| self.ld.headline.clone())
            .or_else(|| self.h1.clone())
            .or_else(|| {
                self.html_title
                    .clone()
                    .map(|t| strip_site_suffix(&t, site.as_deref(), true))
            })
            .filter(|t| !t.is_empty())
    }

    fn published(&self) -> Option<String> {
        self.ld
            .published
            .clone()
            .or_else(|| {
                self.get(&[
                    "article:published_time",
                    "og:published_time",
                    "article:published",
                ])
            })
            .or_else(|| {
                self.get(&[
                    "datepublished",
                    "date",
                    "pubdate",
                    "publishdate",
                    "publish-date",
                    "parsely-pub-date",
                    "sailthru.date",
                    "dc.date",
                    "dc.date.issued",
                    "dcterms.date",
                    "article.published",
                    "published-date",
                    "og:pubdate",
                    "cxenseparse:recs:publishtime",
                    "pdate",
                ])
            })
            .or_else(|| self.itemprop_published.clone())
            .or_else(|| self.time_datetime.clone())
    }

    fn meta_authors(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (k, v) in &self.metas {
            if matches!(
                k.as_str(),
                "author" | "article:author" | "parsely-author" | "sailthru.author" | "dc.creator"
            ) {
                for part in split_names(v) {
                    push_author(&mut out, &part);
                }
            }
        }
        out
    }

    fn authors(&self) -> Vec<String> {
        if !self.ld.authors.is_empty() {
            return self.ld.authors.clone();
        }
        let out = self.meta_authors();
        if out.is_empty() {
            return self.byline_names.clone();
        }
        out
    }

    fn url(&self) -> Option<String> {
        self.canonical
            .clone()
            .filter(|u| u.starts_with("http"))
            .or_else(|| self.get(&["og:url"]))
            .or_else(|| self.ld.url.clone())
            .or_else(|| self.canonical.clone())
    }

    /// The publication: `og:site_name`, the JSON-LD publisher, the site name
    /// the `<title>` ends with ("... | Harbour Gazette"), then the URL host.
    /// The title suffix beats the host because it is the name the site gives
    /// itself: the host "harbourgazette.example" would become "Harbourgazette".
    fn source(&self) -> Option<String> {
        self.site_name()
            .or_else(|| self.html_title.as_deref().and_then(title_site_name))
            .or_else(|| self.url().as_deref().and_then(host_of))
    }
}

impl LdMeta {
    /// Take fields from the first article-like object (depth-first through
    /// arrays and `@graph`); publisher from any object that has one.
    fn absorb(&mut self, v: &Value, depth: usize) {
        if depth > 6 {
            return;
        }
        match v {
            Value::Array(items) => items.iter().for_each(|i| self.absorb(i, depth + 1)),
            Value::Object(o) => {
                if let Some(g) = o.get("@graph") {
                    self.absorb(g, depth + 1);
                }
                let ty = type_names(o.get("@type"));
                let article = ty
                    .iter()
                    .any(|t| t.ends_with("Article") || t == "BlogPosting" || t == "Report")
                    || (ty.is_empty() && o.contains_key("headline"));
                if !article {
                    return;
                }
                if self.headline.is_none() {
                    self.headline = o
                        .get("headline")
                        .and_then(Value::as_str)
                        .map(collapse)
                        .filter(|s| !s.is_empty());
                }
                if self.published.is_none() {
                    self.published = o
                        .get("datePublished")
                        .and_then(Value::as_str)
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty());
                }
                if self.authors.is_empty()
                    && let Some(a) = o.get("author").or_else(|| o.get("creator"))
                {
                    ld_names(a, &mut self.authors, 0);
                }
                if self.publisher.is_none() {
                    self.publisher = o
                        .get("publisher")
                        .and_then(|p| match p {
                            Value::Object(p) => p.get("name").and_then(Value::as_str).map(collapse),
                            Value::Array(ps) => ps
                                .iter()
                                .find_map(|p| p.get("name").and_then(Value::as_str).map(collapse)),
                            Value::String(s) => Some(collapse(s)),
                            _ => None,
                        })
                        .filter(|s| !s.is_empty());
                }
                if self.url.is_none() {
                    self.url = o
                        .get("url")
                        .and_then(Value::as_str)
                        .or_else(|| {
                            o.get("mainEntityOfPage").and_then(|m| {
                                m.as_str().or_else(|| m.get("@id").and_then(Value::as_str))
                            })
                        })
                        .map(|s| s.trim().to_string())
                        .filter(|s| s.starts_with("http"));
                }
            }
            _ => {}
        }
    }
}

fn type_names(t: Option<&Value>) -> Vec<String> {
    match t {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    }
}

fn ld_names(v: &Value, out: &mut Vec<String>, depth: usize) {
    if depth > 3 {
        return;
    }
    match v {
        Value::String(s) => split_names(s).iter().for_each(|n| push_author(out, n)),
        Value::Array(a) => a.iter().for_each(|x| ld_names(x, out, depth + 1)),
        Value::Object(o) => {
            if let Some(n) = o.get("name") {
                ld_names(n, out, depth + 1);
            }
        }
        _ => {}
    }
}

/// "Jane Doe and John Roe", "Jane Doe, John Roe" -> two names.
fn split_names(s: &str) -> Vec<String> {
    s.split([',', ';', '|'])
        .flat_map(|p| p.split(" and "))
        .map(collapse)
        .filter(|p| !p.is_empty())
        .collect()
}

/// Keep plausible author names once: "By Jane Doe" -> "Jane Doe"; URLs,
/// empty and sentence-length strings dropped.
fn push_author(out: &mut Vec<String>, name: &str) {
    let mut n = collapse(name);
    for prefix in ["By ", "by ", "BY "] {
        if let Some(rest) = n.strip_prefix(prefix) {
            n = rest.trim().to_string();
        }
    }
    let n = n
        .trim_matches(|c: char| c == ',' || c == '|' || c.is_whitespace())
        .to_string();
    if n.is_empty()
        || n.len() > 60
        || n.contains("://")
        || n.contains('@')
        || n.split_whitespace().count() > 6
    {
        return;
    }
    if !out.iter().any(|o| o.eq_ignore_ascii_case(&n)) {
        out.push(n);
    }
}

/// "Headline | Site", "Headline - Site", "Headline — Site" -> "Headline".
/// Strips when the tail names the site, or is short while the head is long
/// (the common `<title>` shape); a headline that merely contains a dash stays.
/// `loose` (for `<title>`, which nearly always ends in the site name) drops
/// any short tail whatever the head's length.
fn strip_site_suffix(title: &str, site: Option<&str>, loose: bool) -> String {
    let title = collapse(title);
    for sep in [" | ", " - ", " — ", " – ", " :: ", " · ", " » "] {
        if let Some(pos) = title.rfind(sep) {
            let (head, tail) = (title[..pos].trim(), title[pos + sep.len()..].trim());
            let names_site = site.is_some_and(|s| {
                let (s, t) = (s.to_lowercase(), tail.to_lowercase());
                !s.is_empty() && (t.contains(&s) || s.contains(&t))
            });
            let tail_words = tail.split_whitespace().count();
            // Site names are capitalized ("Example News"); a lowercase tail
            // is the rest of a headline.
            let name_like = tail.starts_with(|c: char| !c.is_lowercase());
            let short_tail = name_like
                && ((tail_words <= 4 && head.split_whitespace().count() >= 4)
                    || (loose && tail_words <= 3));
            if !head.is_empty() && (names_site || short_tail) {
                return strip_site_suffix(head, site, loose);
            }
        }
    }
    title
}

/// The site name a `<title>` ends with: "Headline | Site", "Headline - Site",
/// "Headline — Site" give "Site". Only a capitalised tail of at most four
/// words after a head of at least three counts, so a headline that holds a
/// dash ("Germany 5-1 Scotland", "Putin — a profile of the man") gives none.
fn title_site_name(title: &str) -> Option<String> {
    let title = collapse(title);
    let (pos, sep) = [" | ", " - ", " — ", " – "]
        .iter()
        .filter_map(|sep| title.rfind(sep).map(|p| (p, *sep)))
        .max_by_key(|&(p, _)| p)?;
    let (head, tail) = (title[..pos].trim(), title[pos + sep.len()..].trim());
    let tail_words: Vec<&str> = tail.split_whitespace().collect();
    let capitalised = tail_words.iter().all(|w| {
        w.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit())
            || matches!(*w, "of" | "and" | "the" | "&")
    });
    (head.split_whitespace().count() >= 3
        && (1..=4).contains(&tail_words.len())
        && capitalised
        && tail.starts_with(char::is_uppercase))
    .then(|| tail.to_string())
}

/// Host of an absolute URL without `www.`.
fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let host = rest.split(['/', '?', '#']).next()?.rsplit('@').next()?;
    let host = host.split(':').next()?.trim().to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
    (host.contains('.') && !host.contains(char::is_whitespace)).then_some(host)
}

// ---------------------------------------------------------------- body

/// Text length of all `<p>` elements of a page.
fn paragraph_chars(doc: &Document) -> usize {
    doc.try_select("p")
        .map(|s| s.nodes().iter().map(|n| n.text().trim().len()).sum())
        .unwrap_or(0)
}

/// Below this much text from the strict Readability pass, the relaxed
/// passes are tried (Readability's own `char_threshold`).
const MIN_STRICT_CHARS: usize = 500;

/// Run Readability on `doc` with one `policy` (fast: no copy of the tree);
/// blocks of the node it chose.
fn readability_blocks(doc: Document, policy: ParsePolicy) -> Vec<Block> {
    let cfg = Config {
        // Our noise filter reads class names after extraction.
        keep_classes: true,
        // We read JSON-LD ourselves (`Meta`).
        disable_json_ld: true,
        ..Config::default()
    };
    let noise = mark_page(&doc);
    let Ok(mut r) = Readability::with_document(doc, None, Some(cfg)) else {
        return Vec::new();
    };
    match r.parse_with_policy(policy) {
        Ok(_) => content_blocks(&r.doc, noise),
        Err(_) => Vec::new(),
    }
}

/// Children of noise elements on the page as written, keyed by node id,
/// with the noise element that held them: after Readability the element
/// may be gone or unnamed, but its children (moved, never copied) are not.
#[derive(Default)]
struct NoiseText {
    owner: HashMap<NodeId, NodeId>,
    children: HashMap<NodeId, Vec<NodeId>>,
    /// Text length of each owner hit so far (its children's text now).
    len: HashMap<NodeId, usize>,
}

impl NoiseText {
    fn mark(&mut self, node: &NodeRef) {
        let kids: Vec<NodeId> = node.children_it(false).map(|c| c.id).collect();
        for &k in &kids {
            self.owner.insert(k, node.id);
        }
        self.children.insert(node.id, kids);
    }

    /// Text length of the noise element `child` sat in, if it sat in one.
    fn owner_len(&mut self, child: &NodeRef) -> Option<usize> {
        let owner = *self.owner.get(&child.id)?;
        let kids = &self.children;
        Some(*self.len.entry(owner).or_insert_with(|| {
            kids.get(&owner).map_or(0, |ks| {
                ks.iter()
                    .map(|&k| text_len(&NodeRef::new(k, child.tree)))
                    .sum()
            })
        }))
    }
}

/// Read the page as written, before Readability rewrites it, and note the
/// children of noise `<div>`s and image captions, which Readability may
/// unname; quote attributions are made safe from Readability here too.
///
/// Why before: Readability collapses a `<div>` holding one paragraph into a
/// bare `<p>` without the div's class and id, and wraps a lone `<img>` in a
/// `<p>` of its own, so `<div class="story-image"><img><div
/// class="caption">` reached our walk as two anonymous paragraphs and the
/// caption opened the body. Node ids survive Readability (it moves nodes,
/// and its tree copies keep the arena), so the noted children are found
/// again in its output. Divs are what Readability unnames (besides that collapse,
/// noise-named divs with more inside, such as related-story teaser boxes,
/// lost their names on benchmark pages), so every noise-named `<div>` is
/// marked; other elements keep their names and the walk judges them.
///
/// `<footer>` inside a `<blockquote>` is the quote's attribution ("— Dr
/// Marina Orlova, senior fellow at …"), not a page footer, but Readability
/// deletes every `<footer>` and its unlikely-candidate purge drops classes
/// like `blockquote-footer`: such footers become a neutral `<div>`, and
/// they and `<cite>` in a quote get a neutral class.
fn mark_page(doc: &Document) -> NoiseText {
    let mut noisy = Vec::new();
    let mut images = Vec::new();
    let mut attributions = Vec::new();
    for node in doc.root().descendants_it() {
        let Some(name) = node.qual_name_ref().map(|q| q.local.clone()) else {
            continue;
        };
        match &*name {
            "div" if is_noise(&node) => noisy.push(node),
            "img" => images.push(node),
            "footer" | "cite" if node.ancestors_it(None).any(|a| a.has_name("blockquote")) => {
                attributions.push(node.id);
            }
            _ => {}
        }
    }
    // From each picture up through the wrappers that hold nothing else
    // (`<a><img></a>`, `<div class="story-image"><picture>`): their
    // neighbours are the caption candidates.
    for img in images {
        let mut wrap = img;
        for _ in 0..6 {
            for side in [wrap.prev_element_sibling(), wrap.next_element_sibling()] {
                if let Some(block) = side
                    && is_image_caption(&block, &wrap)
                {
                    noisy.push(block);
                }
            }
            match wrap.parent() {
                Some(p) if p.is_element() && !has_text(&p) => wrap = p,
                _ => break,
            }
        }
    }
    let mut noise = NoiseText::default();
    for node in &noisy {
        noise.mark(node);
    }
    // After the pass: the tree is borrowed while it is iterated.
    for id in attributions {
        let node = NodeRef::new(id, &doc.tree);
        if node.has_name("footer") {
            node.rename("div");
        }
        node.set_attr("class", "quote-attribution");
        node.remove_attr("id");
    }
    noise
}

/// Does `node` hold any non-blank text? Stops at the first (a picture's
/// wrapper is checked up to the article around it).
fn has_text(node: &NodeRef) -> bool {
    node.descendants_it()
        .any(|d| d.is_text() && !d.text().trim().is_empty())
}

/// Bytes of text under `node`, without building the string.
fn text_len(node: &NodeRef) -> usize {
    node.descendants_it()
        .filter(|d| d.is_text())
        .map(|d| d.text().len())
        .sum()
}

/// Class/id words of an image's caption or credit wrapper.
const CAPTION_WORDS: &[&str] = &[
    "caption", "credit", "image", "img", "photo", "picture", "figure", "media",
];

/// Is `block`, beside `image` (an element showing only a picture), its
/// caption? A short text block, named like a caption (`<div
/// class="caption">`), or in a small wrapper named like one (`<div
/// class="story-image"><img><div>…</div></div>`), or alone with a bare
/// picture in an unnamed wrapper. A story paragraph after an image in the
/// running text has other siblings and no such name.
fn is_image_caption(block: &NodeRef, image: &NodeRef) -> bool {
    let is_block = block
        .qual_name_ref()
        .is_some_and(|q| BLOCK_TAGS.contains(&&*q.local) && &*q.local != "figure");
    if !is_block || has_descendant(block, "img") {
        return false;
    }
    let words = block.text().split_whitespace().count();
    if words == 0 || words > 40 {
        return false;
    }
    let Some(parent) = block.parent() else {
        return false;
    };
    let siblings = parent.element_children().len();
    if caption_named(block) || (siblings <= 3 && caption_named(&parent)) {
        return true;
    }
    // Unnamed: a bare picture and the block are the wrapper's whole
    // content. A picture in a paragraph of its own, or a quote's
    // (`<blockquote><p><img></p><p>“Great show”</p></blockquote>`, a review
    // page in the benchmark), is part of the running text, and so is the
    // paragraph beside it.
    let bare = image.has_name("img") || image.has_name("picture") || image.has_name("a");
    bare && siblings == 2
        && !parent.has_name("blockquote")
        && parent
            .children_it(false)
            .all(|c| !c.is_text() || c.text().trim().is_empty())
}

/// The class and id of `node`, lowercased and space-separated, where the
/// names of page parts ("caption", "newsletter-signup") are read from.
fn class_and_id(node: &NodeRef) -> String {
    let mut names = String::new();
    if let Some(c) = node.class() {
        names.push_str(&c);
    }
    if let Some(i) = node.id_attr() {
        names.push(' ');
        names.push_str(&i);
    }
    names.make_ascii_lowercase();
    names
}

/// Does the class or id of `node` name a caption, credit or picture?
fn caption_named(node: &NodeRef) -> bool {
    let names = class_and_id(node);
    CAPTION_WORDS.iter().any(|w| names.contains(w))
}

/// One paragraph-like block of text found by the walk.
#[derive(Debug, Default, Clone)]
struct Block {
    text: String,
    /// Non-space characters inside `<a>`: high share means a link list.
    link_chars: usize,
    /// From `<li>`/`<dt>`/`<dd>`.
    item: bool,
    /// From `<h1>`..`<h6>`.
    heading: bool,
}

/// Collapse runs of whitespace to one space and trim.
fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// Blocks of the node Readability chose (`#readability-page-1`); `noise`
/// from [`mark_page`] on the same tree before Readability ran.
fn content_blocks(doc: &Document, noise: NoiseText) -> Vec<Block> {
    let Some(sel) = doc.try_select("#readability-page-1") else {
        return Vec::new();
    };
    let Some(root) = sel.nodes().first() else {
        return Vec::new();
    };
    let mut w = Walker {
        root_len: root.text().len(),
        noise,
        ..Walker::default()
    };
    w.walk(root, false, 0);
    w.flush();
    w.blocks
}

/// Visible text blocks of the whole page (the fallback).
fn visible_blocks(doc: &Document) -> Vec<Block> {
    let noise = mark_page(doc);
    let root = doc.body().unwrap_or_else(|| doc.root());
    let mut w = Walker {
        root_len: root.text().len(),
        noise,
        ..Walker::default()
    };
    w.walk(&root, false, 0);
    w.flush();
    w.blocks
}

#[derive(Default)]
struct Walker {
    /// Text length of the walk's root: a "noise" element holding a large
    /// share of it is a wrapper with an unlucky class name
    /// (`hs_cos_wrapper_meta_field` around a whole post body), so it is kept.
    root_len: usize,
    /// Children of noise on the page as written ([`mark_page`]).
    noise: NoiseText,
    blocks: Vec<Block>,
    cur: String,
    cur_links: usize,
    item: bool,
    heading: bool,
}

impl Walker {
    fn flush(&mut self) {
        let text = collapse(&self.cur);
        if !text.is_empty() {
            self.blocks.push(Block {
                text,
                link_chars: self.cur_links,
                item: self.item,
                heading: self.heading,
            });
        }
        self.cur.clear();
        self.cur_links = 0;
        self.item = false;
        self.heading = false;
    }

    fn walk(&mut self, node: &NodeRef, in_link: bool, depth: usize) {
        if depth > MAX_DEPTH {
            // Absurd nesting (junk or hostile input): take the text flat
            // rather than risk the stack.
            self.cur.push(' ');
            self.cur.push_str(&node.text());
            return;
        }
        for child in node.children_it(false) {
            // A child of noise Readability unnamed: same size guard as
            // for noise elements below.
            if self
                .noise
                .owner_len(&child)
                .is_some_and(|len| len * 5 < self.root_len * 2)
            {
                continue;
            }
            if child.is_text() {
                let t = child.text();
                if in_link {
                    self.cur_links += t.chars().filter(|c| !c.is_whitespace()).count();
                }
                self.cur.push_str(&t);
                continue;
            }
            if !child.is_element() {
                continue;
            }
            let Some(name) = child.qual_name_ref().map(|q| q.local.clone()) else {
                continue;
            };
            let name: &str = &name;
            if SKIP_TAGS.contains(&name) {
                continue;
            }
            if is_noise(&child) && child.text().len() * 5 < self.root_len * 2 {
                continue;
            }
            if name == "figure" && !has_descendant(&child, "blockquote") {
                // Figures hold images with captions and credits; only
                // embedded quotes (tweets) in them are article text.
                continue;
            }
            if name == "br" {
                // A `<br>` inside running text usually ends a paragraph on
                // pages that lay out text without `<p>`.
                self.flush();
                continue;
            }
            if BLOCK_TAGS.contains(&name) {
                self.flush();
                let heading = matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6");
                let item = matches!(name, "li" | "dt" | "dd");
                self.walk(&child, in_link, depth + 1);
                self.heading |= heading;
                self.item |= item;
                self.flush();
            } else {
                // Inline: keep word boundaries that markup implies.
                if matches!(name, "td" | "th") {
                    self.cur.push(' ');
                }
                self.walk(&child, in_link || name == "a", depth + 1);
            }
        }
    }
}

/// Does `node` contain an element named `tag`?
fn has_descendant(node: &NodeRef, tag: &str) -> bool {
    node.descendants_it().any(|d| d.has_name(tag))
}

/// Element nesting beyond which Readability is not run and our walk
/// flattens the rest (real pages stay well under 100).
const MAX_DEPTH: usize = 400;

/// Is any node nested deeper than `limit`? Iterative, so it is safe on the
/// very input it guards against.
fn nesting_exceeds(doc: &Document, limit: usize) -> bool {
    let root = doc.root();
    let mut node = root.first_child();
    let mut depth = 1usize;
    while let Some(n) = node {
        if depth > limit {
            return true;
        }
        if let Some(c) = n.first_child() {
            node = Some(c);
            depth += 1;
            continue;
        }
        let mut cur = n;
        loop {
            if let Some(s) = cur.next_sibling() {
                node = Some(s);
                break;
            }
            match cur.parent() {
                Some(p) if p.id != root.id => {
                    cur = p;
                    depth -= 1;
                }
                _ => return false,
            }
        }
    }
    false
}

/// Elements whose text is never article text.
const SKIP_TAGS: &[&str] = &[
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "button",
    "select",
    "input",
    "textarea",
    "iframe",
    "figcaption",
    "nav",
    "aside",
    "footer",
    "form",
    "label",
    "object",
    "embed",
    "video",
    "audio",
    "canvas",
    "menu",
    "dialog",
    "head",
    "title",
    "meta",
    "link",
];

const BLOCK_TAGS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "header",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "pre",
    "table",
    "tr",
    "thead",
    "tbody",
    "tfoot",
    "figure",
    "hr",
    "center",
    "address",
    "details",
    "summary",
    "caption",
];

/// Class/id fragments naming a kind of noise block (matched as substrings).
const NOISE_PARTS: &[&str] = &[
    "share",
    "social",
    "newsletter",
    "subscribe",
    "signup",
    "sign-up",
    "related",
    "recommend",
    "promo",
    "caption",
    "byline",
    "advert",
    "sponsor",
    "cookie",
    "consent",
    "breadcrumb",
    "outbrain",
    "taboola",
    "trending",
    "most-read",
    "mostread",
    "popular",
    "read-more",
    "readmore",
    "more-stories",
    "author-bio",
    "author-info",
    "toolbar",
    "sidebar",
    "disqus",
    "comment",
    "paywall",
    "credit",
    "dateline",
    "timestamp",
    "published",
    "tags",
    "widget",
    "rollover",
    "tooltip",
    "popover",
    "popup",
    "hovercard",
    "modal",
    "copyright",
];

/// Any of [`NOISE_PARTS`]: one scan per class token instead of one per part
/// (the check runs on every `<div>` of a page).
static NOISE_PART: LazyLock<Regex> = LazyLock::new(|| {
    let parts: Vec<String> = NOISE_PARTS.iter().map(|p| regex::escape(p)).collect();
    Regex::new(&parts.join("|")).expect("escaped literals compile")
});

/// Class prefixes that carry the post's own taxonomy or type.
const TAXONOMY_PREFIXES: &[&str] = &[
    "tag-",
    "category-",
    "post-",
    "format-",
    "status-",
    "type-",
    "hentry",
];

/// Whole class/id words naming noise (too short to match as substrings).
const NOISE_WORDS: &[&str] = &[
    "ad", "ads", "nav", "menu", "footer", "meta", "print", "email", "tag", "author", "date",
];

/// Does this element's class/id, role or visibility say "not article text"?
fn is_noise(node: &NodeRef) -> bool {
    if node.has_attr("hidden") {
        return true;
    }
    if node.attr("aria-hidden").is_some_and(|a| a.trim() == "true") {
        return true;
    }
    if let Some(style) = node.attr("style") {
        let s = style.to_ascii_lowercase().replace(' ', "");
        if s.contains("display:none") || s.contains("visibility:hidden") {
            return true;
        }
    }
    if node.attr("role").is_some_and(|role| {
        matches!(
            role.trim(),
            "navigation" | "complementary" | "banner" | "contentinfo" | "dialog"
        )
    }) {
        return true;
    }
    let names = class_and_id(node);
    if names.is_empty() {
        return false;
    }
    names.split_whitespace().any(|token| {
        // WordPress/Drupal put the post's taxonomy in classes
        // (`tag-black-friday`, `category-advertising`): they describe the
        // article, not a noise block.
        if TAXONOMY_PREFIXES.iter().any(|p| token.starts_with(p)) {
            return false;
        }
        // Embedded posts (`social-media-embed` around a tweet) are quoted
        // in the article; the benchmark's gold keeps them.
        if token.contains("embed") {
            return false;
        }
        NOISE_PART.is_match(token) || token.split(['-', '_']).any(|w| NOISE_WORDS.contains(&w))
    })
}

// ---------------------------------------------------------------- block filter

/// Drop blocks that are noise by their text: the headline repeated, link
/// lists, bylines, date lines, calls to action.
fn filter_blocks(blocks: &mut Vec<Block>, title: Option<&str>) {
    let title_key = title.map(key_of).unwrap_or_default();
    let link_share = |b: &Block| {
        let chars = b.text.chars().filter(|c| !c.is_whitespace()).count().max(1);
        b.link_chars as f64 / chars as f64
    };
    // Link-heavy blocks next to each other are a link list (related
    // stories, tag clouds) even when each is a `<p>`; a lone one inside
    // prose ("Get it on Amazon for $39.99") is article text.
    let linky: Vec<bool> = blocks.iter().map(|b| link_share(b) > 0.5).collect();
    let mut i = 0;
    blocks.retain(|b| {
        let idx = i;
        i += 1;
        let words = b.text.split_whitespace().count();
        if words <= 40 && !title_key.is_empty() && key_of(&b.text) == title_key {
            return false;
        }
        if linky[idx] && words < 40 {
            let run = (idx > 0 && linky[idx - 1]) || linky.get(idx + 1).copied().unwrap_or(false);
            if run || b.item || b.heading || link_share(b) > 0.8 {
                return false;
            }
        }
        let lower = b.text.trim().to_lowercase();
        if words <= 15 && is_boilerplate_line(&lower) {
            return false;
        }
        !is_noise_text(&b.text, &lower, words)
    });
}

/// Lowercased alphanumerics only: compares headline copies that differ in
/// punctuation or spacing.
fn key_of(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Short lines that are calls to action, bylines or credits, by their shape.
fn is_boilerplate_line(t: &str) -> bool {
    const STARTS: &[&str] = &[
        "by ",
        "read more",
        "read next",
        "sign up",
        "subscribe",
        "share this",
        "share on",
        "follow us",
        "advertisement",
        "related:",
        "related articles",
        "see also",
        "click here",
        "photo:",
        "image:",
        "photograph:",
        "©",
        "copyright",
        "updated:",
        "published:",
        "posted:",
        "posted on",
        "published on",
        "first published",
        "last updated",
        "continue reading",
        "more:",
        "also read",
        "watch:",
        "get the latest",
        "sponsored",
        "tell us what you think",
        "post comment",
        "leave a comment",
        "want more stories",
    ];
    if STARTS.iter().any(|s| t.starts_with(s)) {
        return true;
    }
    const ENDS: &[&str] = &["(opens in new window)", "read more"];
    ENDS.iter().any(|s| t.ends_with(s))
}

/// Phrases that mark a short block as a promo, credit or sign-off rather
/// than reporting (newsletter pitches, photo credits, author plugs).
const PROMO: &[&str] = &[
    "newsletter",
    "sign up for",
    "delivered to your inbox",
    "follow him on",
    "follow her on",
    "follow them on",
    "follow us on",
    "follow me on",
    "join our",
    "contributed to this report",
    "getty images",
    "(ap photo",
    "photo by ",
    "may contain affiliate",
    "contains affiliate",
    "news tip",
    "requires javascript",
    "use the code",
    "use code",
    "photos ©",
    "photo ©",
    "[/button]",
];

/// Sign-offs that point readers at the author or the outlet elsewhere:
/// "Write to Al Root at …", "Reach the reporters on Twitter at …",
/// "Follow Newsbeat on Instagram, Facebook …".
static SIGNOFF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:follow \S+(?: \S+){0,4} on (?:twitter|instagram|facebook|linkedin|youtube)|write to |(?:reach|contact|email) (?:the )?(?:reporter|writer|author|correspondent)s?\b)",
    )
    .expect("constant pattern compiles")
});

/// Caption shapes: "Image 2 of 5", "Photo: …", "(Image credit: …)".
static CAPTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^image \d+ (?:of )?\d+$|^\(?(?:photo|image|picture)s?(?: credit)?:")
        .expect("constant pattern compiles")
});

/// A line that is only a date/time stamp (any common language), the shape
/// of "Published 23 Nov 2017" or "segunda-feira, 22 de janeiro de 2018 às 0:13".
static DATE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:19|20)\d\d\b|\b\d{1,2}[:h]\d\d\b").expect("constant pattern compiles")
});

static MONTHISH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:jan|feb|fev|mar|apr|abr|may|mai|jun|jul|aug|ago|sep|set|oct|out|okt|nov|dec|dez|dic|janeiro|fevereiro|março|abril|maio|junho|julho|agosto|setembro|outubro|novembro|dezembro|enero|febrero|marzo|mayo|junio|julio|septiembre|octubre|noviembre|diciembre|gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre|janvier|février|mars|avril|juin|juillet|août|septembre|octobre|novembre|décembre|januar|februar|märz|juni|juli|oktober|dezember)[a-z]*\.?\b|\b\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b",
    )
    .expect("constant pattern compiles")
});

/// One-to-five word labels left over from widgets ("Advert", "Tags",
/// "Comments", "Don't miss").
const LABELS: &[&str] = &[
    "advert",
    "advertisement",
    "ad",
    "ads",
    "comments",
    "comment",
    "tags",
    "tag",
    "share",
    "related",
    "dont miss",
    "trending",
    "more",
    "menu",
    "topics",
    "sponsored",
    "share this article",
    "most popular",
    "most read",
    "recommended",
    "you may also like",
    "more on this story",
    "print",
    "email",
    "skip",
    "close",
    "loading",
    "tldr",
    "text size",
    "related news",
    "related stories",
    "loading content",
    "loading",
    "read more",
];

/// Is this block a short promo, a credit line, a bare date stamp or a label?
fn is_noise_text(text: &str, lower: &str, words: usize) -> bool {
    // `___` is a section rule in wire copy and counts as a word; keep it.
    if !text.chars().any(|c| c.is_alphanumeric() || c == '_') {
        return true;
    }
    if words <= 5 {
        let k: String = text
            .chars()
            .filter(|c| c.is_alphanumeric() || c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect();
        if LABELS.contains(&collapse(&k).as_str()) {
            return true;
        }
    }
    if words <= 40
        && (PROMO.iter().any(|p| lower.contains(p))
            || CAPTION.is_match(lower)
            || SIGNOFF.is_match(lower))
    {
        return true;
    }
    // A stamp has a year or clock time, a month or numeric date, no
    // sentence ending, and hardly any word that is not part of a date
    // ("* Calendário acima divulgado ... em janeiro de 2018" is a sentence).
    // A tweet's sign-off "— Name (@handle) November 18, 2019" is quoted text.
    words <= 10
        && !text.contains('@')
        && !text.trim_end().ends_with(['.', '!', '?', '"', '\u{201d}'])
        && DATE_LINE.is_match(text)
        && MONTHISH.is_match(text)
        && date_word_share(text) >= 0.75
}

/// Share of words in `text` that belong to a date stamp: numbers, month and
/// weekday names, particles, "published"/"updated".
fn date_word_share(text: &str) -> f64 {
    let mut n = 0usize;
    let mut date = 0usize;
    for w in text.split_whitespace() {
        let w: String = w
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        if w.is_empty() {
            continue;
        }
        n += 1;
        let stampish = w.chars().any(|c| c.is_ascii_digit())
            || w.chars().count() <= 3
            || w.ends_with("day")
            || w.ends_with("feira")
            || matches!(
                w.as_str(),
                "published"
                    | "updated"
                    | "posted"
                    | "publicado"
                    | "atualizado"
                    | "actualizado"
                    | "first"
                    | "last"
                    | "modified"
            )
            || MONTHISH.is_match(&w);
        date += usize::from(stampish);
    }
    if n == 0 { 0.0 } else { date as f64 / n as f64 }
}

/// Blocks to body text: paragraphs separated by one blank line.
fn join_blocks(blocks: &[Block]) -> String {
    let mut out = String::new();
    for b in blocks {
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(&b.text);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An article long enough for Readability to pick it, wrapped in the
    /// usual furniture.
    fn page(head: &str, extra_in_article: &str) -> String {
        let para = "The council voted on Tuesday to approve the new budget, which \
                    raises spending on schools and roads while holding property \
                    taxes flat for the third year running, officials said.";
        format!(
            r##"<!doctype html><html><head>{head}</head><body>
            <nav><a href="/">Home</a> <a href="/world">World</a></nav>
            <article>
              <h1>Council passes budget</h1>
              <div class="byline">By Jane Doe</div>
              <p>{para} First paragraph.</p>
              <div class="share-tools"><a href="#">Share on Facebook</a> <a href="#">Tweet</a></div>
              <p>{para} Second paragraph.</p>
              <figure><img src="x.jpg"><figcaption>The council chamber. (AP Photo/John Roe)</figcaption></figure>
              <h2>What comes next</h2>
              <p>{para} Third paragraph.</p>
              <div class="newsletter-signup"><p>Get our morning newsletter in your inbox.</p></div>
              {extra_in_article}
              <p>{para} Fourth paragraph.</p>
            </article>
            <aside class="related"><ul><li><a href="/a">Other story one</a></li><li><a href="/b">Other story two</a></li></ul></aside>
            <footer><p>Copyright 2019 Example News. All rights reserved.</p></footer>
            </body></html>"##
        )
    }

    #[test]
    fn keeps_paragraphs_drops_noise() {
        let d = parse(&page(
            "<title>Council passes budget | Example News</title>",
            "",
        ));
        assert_eq!(d.format, Format::Html);
        assert_eq!(d.extraction, Extraction::Ok);
        let paras: Vec<&str> = d.body.split("\n\n").collect();
        for n in ["First", "Second", "Third", "Fourth"] {
            assert!(
                d.body.contains(&format!("{n} paragraph.")),
                "{n} missing: {}",
                d.body
            );
        }
        assert!(
            paras.contains(&"What comes next"),
            "heading is its own paragraph"
        );
        for noise in [
            "Share on Facebook",
            "newsletter",
            "council chamber",
            "Other story",
            "Copyright",
            "By Jane Doe",
            "Home",
        ] {
            assert!(!d.body.contains(noise), "{noise:?} leaked: {}", d.body);
        }
        // The headline is a field, not body text.
        assert!(!paras.contains(&"Council passes budget"));
    }

    #[test]
    fn entities_decoded_and_whitespace_collapsed() {
        let d = parse(&page(
            "",
            "<p>Fish &amp; chips&nbsp;cost   \n  &pound;5 &mdash; a bargain, said the long-serving owner of the shop on the harbour.</p>",
        ));
        assert!(
            d.body.contains("Fish & chips\u{a0}cost £5 — a bargain")
                || d.body.contains("Fish & chips cost £5 — a bargain"),
            "{}",
            d.body
        );
    }

    #[test]
    fn og_title_beats_title_and_suffix_is_stripped() {
        let d = parse(&page(
            r#"<title>Budget vote | Example News</title><meta property="og:title" content="Council passes budget after long night">"#,
            "",
        ));
        assert_eq!(
            d.title.as_deref(),
            Some("Council passes budget after long night")
        );

        let d = parse(&page(
            "<title>Council passes budget - Example News</title>",
            "",
        ));
        // No og:title, no JSON-LD: the h1 wins over <title>.
        assert_eq!(d.title.as_deref(), Some("Council passes budget"));

        assert_eq!(
            strip_site_suffix("Budget vote | Example News", None, true),
            "Budget vote"
        );
        assert_eq!(
            strip_site_suffix(
                "Council passes the budget - Example News",
                Some("Example News"),
                false
            ),
            "Council passes the budget"
        );
        // A dash inside a headline is not a site suffix.
        assert_eq!(
            strip_site_suffix(
                "Mother-in-law wins - and loses - the lottery twice",
                None,
                true
            ),
            "Mother-in-law wins - and loses - the lottery twice"
        );
    }

    #[test]
    fn json_ld_metadata_has_precedence() {
        let head = r#"
            <meta property="article:published_time" content="2019-11-20T00:00:00Z">
            <meta name="author" content="Meta Author">
            <script type="application/ld+json">
            {"@context":"https://schema.org","@graph":[
              {"@type":"WebSite","name":"ignored"},
              {"@type":"NewsArticle","headline":"LD headline","datePublished":"2019-11-19T08:00:00Z",
               "author":[{"@type":"Person","name":"Jane Doe"},{"@type":"Person","name":"John Roe"}],
               "publisher":{"@type":"Organization","name":"Example News"}}]}
            </script>"#;
        let d = parse(&page(head, ""));
        assert_eq!(d.published.as_deref(), Some("2019-11-19T08:00:00Z"));
        assert_eq!(d.authors, vec!["Jane Doe", "John Roe"]);
        assert_eq!(d.source.as_deref(), Some("Example News"));
        assert_eq!(d.title.as_deref(), Some("LD headline"));
    }

    #[test]
    fn meta_fallbacks_and_canonical_host_as_source() {
        let head = r#"<link rel="canonical" href="https://www.example.com/news/budget">
            <meta name="parsely-pub-date" content="2019-11-19">
            <meta name="author" content="By Jane Doe and John Roe">"#;
        let d = parse(&page(head, ""));
        assert_eq!(
            d.url.as_deref(),
            Some("https://www.example.com/news/budget")
        );
        assert_eq!(d.source.as_deref(), Some("example.com"));
        assert_eq!(d.published.as_deref(), Some("2019-11-19"));
        assert_eq!(d.authors, vec!["Jane Doe", "John Roe"]);

        let d = parse(&page(
            r#"<meta property="og:url" content="https://news.example.org/x">"#,
            "",
        ));
        assert_eq!(d.url.as_deref(), Some("https://news.example.org/x"));
        assert_eq!(d.source.as_deref(), Some("news.example.org"));

        let d = parse(&page(
            "",
            r#"<time datetime="2019-11-18T10:00">Nov 18</time>"#,
        ));
        assert_eq!(d.published.as_deref(), Some("2019-11-18T10:00"));
    }

    #[test]
    fn title_suffix_names_the_source_before_the_host() {
        let cases: &[(&str, Option<&str>)] = &[
            (
                "Interest rate rise edges closer | Harbour Gazette",
                Some("Harbour Gazette"),
            ),
            ("Council passes budget - Example News", Some("Example News")),
            (
                "Council passes budget — The Daily Post",
                Some("The Daily Post"),
            ),
            (
                "Images reveal the universe | Science | The Guardian",
                Some("The Guardian"),
            ),
            // Headlines with dashes, and bare titles, name no site.
            ("Germany 5-1 Scotland: Hosts thrash ten-man Scots", None),
            ("Putin — a profile of the man who rules Russia", None),
            ("Council passes budget - and then leaves early", None),
            ("Budget | News", None),
            ("Council passes budget", None),
        ];
        for (title, want) in cases {
            assert_eq!(title_site_name(title).as_deref(), *want, "{title}");
        }
        // In a page: the title suffix beats the canonical host, and
        // og:site_name beats the title.
        let head = r#"<title>Rates held again | Harbour Gazette</title>
            <link rel="canonical" href="https://www.harbourgazette.example/x">"#;
        assert_eq!(
            parse(&page(head, "")).source.as_deref(),
            Some("Harbour Gazette")
        );
        let head = r#"<title>Rates held again | Harbour Gazette</title>
            <meta property="og:site_name" content="The Gazette">"#;
        assert_eq!(
            parse(&page(head, "")).source.as_deref(),
            Some("The Gazette")
        );
    }

    #[test]
    fn no_panic_on_junk() {
        // Deeper than MAX_DEPTH (html5ever is quadratic on nesting, so not
        // much deeper: the test must stay fast in debug builds).
        let nested = "<div>".repeat(1_500) + "deep text" + &"</div>".repeat(1_500);
        let junk: String = (0u32..3000)
            .map(|i| char::from_u32((i * 7919) % 0x2FFF).unwrap_or('?'))
            .collect();
        for input in [
            "",
            " ",
            "<",
            "<html><body></body></html>",
            "\u{0}\u{1}\u{2}<<<>>>&&&;;;</p></div>",
            "<script>var a = '<p>not text</p>';</script>",
            "<script type=\"application/ld+json\">{not json</script>",
            "<meta property=\"og:title\"><link rel=canonical>",
            junk.as_str(),
            nested.as_str(),
        ] {
            let d = parse(input);
            assert_eq!(d.format, Format::Html);
        }
        let d = parse(&nested);
        assert!(d.body.contains("deep text"));
    }

    #[test]
    fn fallback_keeps_visible_text_and_is_doubtful() {
        // Only link-ish and noise-classed text: Readability's pick yields
        // nothing usable, but the page does have visible text.
        let d = parse(
            r#"<html><body><div class="sidebar"><a href="/a">Only a link list here</a></div></body></html>"#,
        );
        assert!(!d.body.is_empty(), "visible text must not be lost");
        assert_eq!(d.extraction, Extraction::Doubtful);

        // Nothing visible at all: empty body, still no panic.
        let d = parse(
            "<html><head><title>Empty | Site</title></head><body><script>x()</script></body></html>",
        );
        assert!(d.body.is_empty());
        assert_eq!(d.title.as_deref(), Some("Empty"));
    }

    #[test]
    fn date_stamps_labels_and_signoffs_are_noise() {
        for line in [
            "23 Nov 2017",
            "Updated: 11:05, Tue, Nov 19, 2019",
            "Advertisement",
            "Write to Al Root at al@example.com",
            "Image 1 of 5",
            "|",
        ] {
            let lower = line.to_lowercase();
            let words = line.split_whitespace().count();
            assert!(
                is_noise_text(line, &lower, words) || is_boilerplate_line(&lower),
                "{line:?} kept"
            );
        }
        for line in [
            "The vote was 5-2 on Nov. 19, 2019.",
            "— Jane Doe (@jdoe) November 18, 2019",
            "___",
            "Calendar released by the category in January 2018",
        ] {
            let lower = line.to_lowercase();
            let words = line.split_whitespace().count();
            assert!(!is_noise_text(line, &lower, words), "{line:?} dropped");
        }
    }

    #[test]
    fn quote_attribution_kept_page_footer_dropped() {
        // Readability deletes every `<footer>` and purges `*footer*`
        // classes; inside a quote the footer is the speaker.
        let d = parse(&page(
            "",
            r#"<blockquote><p>"The offer is designed to be rejected," she wrote in her report.</p>
               <footer>— Dr Marina Orlova, senior fellow at the Baltic Security Institute</footer></blockquote>
               <blockquote class="pull"><p>"We will not sign anything we cannot verify," the minister said.</p>
               <footer class="blockquote-footer"><cite class="quote-author">Anna Berg, foreign minister</cite></footer></blockquote>
               <blockquote><p>"Nobody reads the small print," he told the inquiry.</p><cite>John Roe, auditor</cite></blockquote>"#,
        ));
        let paras: Vec<&str> = d.body.split("\n\n").collect();
        for want in [
            "— Dr Marina Orlova, senior fellow at the Baltic Security Institute",
            "Anna Berg, foreign minister",
            "John Roe, auditor",
        ] {
            assert!(paras.contains(&want), "{want:?} missing: {}", d.body);
        }
        assert!(d.body.contains("designed to be rejected"));
        // The page's own footer is still dropped.
        assert!(!d.body.contains("Copyright"), "{}", d.body);
        assert!(!d.body.contains("All rights reserved"), "{}", d.body);
    }

    #[test]
    fn image_captions_dropped_story_beside_images_kept() {
        // `div.caption` holds one line of text, so Readability collapses it
        // into a bare `<p>`: the class must be read before Readability.
        let d = parse(&page(
            "",
            r#"<div class="story-image"><img src="a.jpg" alt=""><div class="caption">Negotiators worked through the night at the Council building. <span class="photo-credit">Photo: Olivier Hoslet/EPA</span></div></div>
               <div class="lead-media"><div class="caption-text"><p>Delegates leave the chamber after the vote.</p></div><picture><img src="b.jpg"></picture></div>
               <div><img src="c.jpg"><div>A crowd gathers outside the town hall on Tuesday evening.</div></div>"#,
        ));
        for noise in [
            "Negotiators worked",
            "Hoslet",
            "Delegates leave",
            "A crowd gathers",
        ] {
            assert!(!d.body.contains(noise), "{noise:?} leaked: {}", d.body);
        }
        for story in ["First paragraph.", "Fourth paragraph."] {
            assert!(d.body.contains(story), "{story:?} lost: {}", d.body);
        }

        // A paragraph after an image in the running text, or beside a
        // picture in a paragraph of its own, is story text.
        let d = parse(&page(
            "",
            r#"<img src="d.jpg"><p>Residents lined up outside the town hall before dawn, hoping to speak during the public comment period.</p>
               <blockquote><p><img src="e.jpg"></p><p>“A gorgeous evening, and the staff could not have been kinder,” one reviewer wrote.</p></blockquote>"#,
        ));
        for story in [
            "Residents lined up outside the town hall before dawn",
            "A gorgeous evening",
        ] {
            assert!(d.body.contains(story), "{story:?} lost: {}", d.body);
        }
    }

    /// The benchmark figure as a regression floor; skipped when the corpus
    /// is not beside the crate.
    #[test]
    fn benchmark_f1_floor() {
        use std::io::Read;
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/corpora/article-extraction-benchmark");
        let Ok(gt) = std::fs::read_to_string(dir.join("ground-truth.json")) else {
            eprintln!("skip: no article-extraction-benchmark at {}", dir.display());
            return;
        };
        let gold: serde_json::Map<String, Value> =
            serde_json::from_str(&gt).expect("ground-truth.json is a JSON object");
        let mut pages = Vec::new();
        for (id, v) in &gold {
            let path = dir.join("html").join(format!("{id}.html.gz"));
            let mut html = String::new();
            if let Ok(f) = std::fs::File::open(&path) {
                let mut bytes = Vec::new();
                let _ = flate2::read::GzDecoder::new(f).read_to_end(&mut bytes);
                html = String::from_utf8_lossy(&bytes).into_owned();
            }
            let gold_body = v["articleBody"].as_str().unwrap_or("");
            pages.push(crate::eval::score_extraction(gold_body, &parse(&html).body));
        }
        let s = crate::eval::summarize(&pages);
        eprintln!(
            "benchmark: P {:.4} R {:.4} F1 {:.4}",
            s.precision, s.recall, s.f1
        );
        assert!(s.f1 >= 0.965, "F1 {:.4} below floor", s.f1);
        assert!(s.precision >= 0.95 && s.recall >= 0.96);
    }
}
