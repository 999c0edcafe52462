//! The `serve` JSON API, driven in-process through the router (no socket),
//! plus one run over a real loopback socket. In: a small index built in a
//! temp dir by the library's ingest, including a hostile article whose text
//! holds `<script>` and `<img onerror>`. Out: assertions on status codes,
//! JSON shape (the same as `search --json`), parameter checking, key lookups
//! that never read files, and the page's safety headers.
//!
//! It does not test the page's behaviour in a browser: scripts/e2e does.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use newsidx::ingest::{IngestOptions, ingest};
use newsidx::search::{SearchEngine, SearchRequest};
use newsidx::server::router;
use serde_json::Value;
use tower::ServiceExt;

const HOSTILE: &str = "<script>alert(1)</script>";
const HOSTILE_IMG: &str = "<img src=x onerror=alert(1)>";

struct Fixture {
    _dir: tempfile::TempDir,
    corpus: PathBuf,
    index: PathBuf,
    engine: Arc<SearchEngine>,
    app: Router,
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).expect("write fixture file");
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("temp dir");
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(&corpus).expect("corpus dir");
    write(
        &corpus.join("kremlin-cyber-pact.txt"),
        "Kremlin offers Washington a non-aggression pact for cyberspace\n\n\
         Russia has asked the United States to sign a non-aggression pact covering \
         cyberspace. Critics in both capitals dismissed the offer.\n\n\
         Officials said the pact would ban attacks on elections.\n",
    );
    write(
        &corpus.join("hostile.txt"),
        &format!(
            "Hostile markup {HOSTILE} in a headline\n\n\
             The non-aggression pact text arrived with {HOSTILE} embedded, and an \
             image tag {HOSTILE_IMG} followed it.\n"
        ),
    );
    let wires = [
        serde_json::json!({"title": "Geneva summit ends with cyber talks", "body": "Joe Biden and Vladimir Putin agreed to expert talks. Last September the Kremlin proposed a broad nonaggression pact in cyberspace.", "published": "2021-06-16", "source": "Northern Ledger", "people": ["Joe Biden", "Vladimir Putin"]}),
        serde_json::json!({"title": "Putin repeats pact offer", "body": "Vladimir Putin repeated the offer of a non-aggression pact on Friday.", "published": "2020-09-25", "source": "Harbour Gazette", "people": ["Vladimir Putin"]}),
        serde_json::json!({"title": "Rates held", "body": "The central bank held rates at five per cent.", "published": "2023-03-02", "source": "Harbour Gazette"}),
    ];
    let lines: Vec<String> = wires.iter().map(|w| w.to_string()).collect();
    write(&corpus.join("wires.ndjson"), &(lines.join("\n") + "\n"));
    // Not an article format: never ingested, so never readable through the API.
    write(&corpus.join("secret.bin"), "TOPSECRET-7f3a");

    let index = dir.path().join("index");
    ingest(
        &index,
        std::slice::from_ref(&corpus),
        &IngestOptions::default(),
        &|_| {},
    )
    .expect("ingest fixture");
    let engine = Arc::new(SearchEngine::open(&index).expect("open index"));
    let app = router(engine.clone());
    let corpus = std::fs::canonicalize(&corpus).expect("canonical corpus path");
    Fixture {
        _dir: dir,
        corpus,
        index,
        engine,
        app,
    }
}

struct Reply {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    text: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }
    fn error(&self) -> String {
        self.json()["error"]
            .as_str()
            .unwrap_or_else(|| panic!("no error message in {}", self.text))
            .to_string()
    }
}

async fn send(app: &Router, req: Request<Body>) -> Reply {
    let resp = app.clone().oneshot(req).await.expect("router answers");
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = resp
        .into_body()
        .collect()
        .await
        .expect("read body")
        .to_bytes();
    Reply {
        status,
        headers,
        text: String::from_utf8(bytes.to_vec()).expect("UTF-8 body"),
    }
}

async fn get(app: &Router, uri: &str) -> Reply {
    send(app, Request::get(uri).body(Body::empty()).expect("request")).await
}

fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn assert_json(r: &Reply) {
    let ct = r
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(ct.starts_with("application/json"), "content type {ct:?}");
    assert_eq!(
        r.headers
            .get(header::X_CONTENT_TYPE_OPTIONS)
            .and_then(|v| v.to_str().ok()),
        Some("nosniff")
    );
}

#[tokio::test]
async fn search_has_the_cli_json_shape() {
    let f = fixture();
    let r = get(
        &f.app,
        &format!("/api/search?q={}", enc("\"non-aggression pact\"")),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_json(&r);
    let v = r.json();
    assert_eq!(v["query"], "\"non-aggression pact\"");
    assert!(v["total"].as_u64().expect("total") >= 3);
    let hits = v["hits"].as_array().expect("hits");
    assert!(!hits.is_empty());
    for (i, hit) in hits.iter().enumerate() {
        assert_eq!(hit["rank"], i + 1);
        assert!(hit["score"].is_number());
        for field in ["key", "path", "title"] {
            assert!(hit[field].is_string(), "{field} in {hit}");
        }
        for field in ["source", "published"] {
            assert!(hit[field].is_string() || hit[field].is_null(), "{field}");
        }
        assert!(hit["people"].is_array());
        for s in hit["snippets"].as_array().expect("snippets") {
            let text = s["text"].as_str().expect("snippet text");
            for h in s["highlights"].as_array().expect("highlights") {
                let (a, b) = (
                    h[0].as_u64().expect("start") as usize,
                    h[1].as_u64().expect("end") as usize,
                );
                // Byte offsets into the text, on character boundaries.
                let marked = text.get(a..b).expect("offsets inside text");
                assert!(marked.to_lowercase().contains("pact"), "{marked:?}");
            }
        }
    }
    // Facets are on by default for the API.
    for facet in ["people", "sources", "months"] {
        assert!(v["facets"][facet].is_object(), "{facet}");
    }
    assert_eq!(v["facets"]["months"]["2021-06"], 1);
}

#[tokio::test]
async fn search_is_exactly_what_the_library_returns() {
    let f = fixture();
    let r = get(&f.app, "/api/search?q=pact&limit=2&offset=1&sort=newest").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let expected = f
        .engine
        .search(&SearchRequest {
            query: "pact".into(),
            limit: 2,
            offset: 1,
            sort: newsidx::search::Sort::Newest,
            facets: true,
            ..SearchRequest::default()
        })
        .expect("library search");
    assert_eq!(
        r.json(),
        serde_json::to_value(&expected).expect("serialize")
    );
}

#[tokio::test]
async fn filters_paging_and_facets_switch() {
    let f = fixture();
    let v = get(
        &f.app,
        "/api/search?q=pact&person=Vladimir+Putin&source=Northern+Ledger&source=Harbour+Gazette",
    )
    .await
    .json();
    assert_eq!(v["total"], 2, "{v}");
    let v = get(&f.app, "/api/search?q=pact&since=2021&until=2021-12-31")
        .await
        .json();
    assert_eq!(v["total"], 1, "{v}");
    let v = get(&f.app, "/api/search?q=pact&limit=0&facets=false")
        .await
        .json();
    assert!(v["hits"].as_array().expect("hits").is_empty());
    assert!(v["total"].as_u64().expect("total") >= 3);
    assert!(v.get("facets").is_none(), "{v}");
    // Empty values are absent values (an empty form field).
    let r = get(&f.app, "/api/search?q=pact&since=&until=&person=").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}

#[tokio::test]
async fn bad_parameters_are_400_with_a_message() {
    let f = fixture();
    let long = "a".repeat(1_001);
    let cases: Vec<(String, &str)> = vec![
        ("/api/search?q=x&limit=abc".into(), "limit"),
        ("/api/search?q=x&limit=100000".into(), "limit"),
        ("/api/search?q=x&limit=-1".into(), "limit"),
        ("/api/search?q=x&offset=1e9".into(), "offset"),
        ("/api/search?q=x&offset=99999999".into(), "offset"),
        (format!("/api/search?q={long}"), "too long"),
        (
            "/api/search?q=x&since=2020-13".into(),
            "month must be 01 to 12",
        ),
        ("/api/search?q=x&until=yesterday".into(), "until"),
        ("/api/search?q=x&sort=sideways".into(), "sort"),
        ("/api/search?q=x&facets=maybe".into(), "facets"),
        ("/api/search?q=x&colour=red".into(), "unknown parameter"),
        ("/api/search?q=x&q=y".into(), "more than once"),
        // Malformed query: the parser's own message comes through.
        ("/api/search?q=person%3A".into(), "person"),
    ];
    for (uri, needle) in cases {
        let r = get(&f.app, &uri).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{uri}: {}", r.text);
        assert_json(&r);
        let msg = r.error();
        assert!(msg.contains(needle), "{uri}: {msg:?} lacks {needle:?}");
    }
    // Exactly at the limit is fine.
    let r = get(
        &f.app,
        &format!("/api/search?q={}&limit=100", "a".repeat(1_000)),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // Too many filters.
    let many: String = (0..21).map(|i| format!("&person=p{i}")).collect();
    let r = get(&f.app, &format!("/api/search?q=x{many}")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn articles_by_key_and_highlights() {
    let f = fixture();
    let key = f
        .corpus
        .join("kremlin-cyber-pact.txt")
        .display()
        .to_string();
    let r = get(&f.app, &format!("/api/articles/{}", enc(&key))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_json(&r);
    let v = r.json();
    assert_eq!(v["key"], key.as_str());
    assert!(
        v["body"]
            .as_str()
            .expect("body")
            .contains("non-aggression pact")
    );
    assert!(v.get("highlights").is_none());
    // Written out rather than encoded also works.
    let r = get(&f.app, &format!("/api/articles/{key}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // A record of a multi-article file: `#` must be encoded.
    let rec = format!("{}#2", f.corpus.join("wires.ndjson").display());
    let v = get(&f.app, &format!("/api/articles/{}", enc(&rec)))
        .await
        .json();
    assert_eq!(v["title"], "Putin repeats pact offer");
    // With ?q= the body's matches come back as byte ranges.
    assert_eq!(
        marks(&f.app, &key, "\"non-aggression pact\"").await,
        ["non-aggression pact"]
    );
    // Matches in several sentences are all placed.
    assert_eq!(marks(&f.app, &key, "pact").await, ["pact", "pact"]);
    let r = get(&f.app, &format!("/api/articles/{}?colour=red", enc(&key))).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

/// The body text under each highlight the article view returns for `q`.
async fn marks(app: &Router, key: &str, q: &str) -> Vec<String> {
    let v = get(app, &format!("/api/articles/{}?q={}", enc(key), enc(q)))
        .await
        .json();
    let body = v["body"].as_str().expect("body");
    v["highlights"]
        .as_array()
        .expect("highlights")
        .iter()
        .map(|h| {
            let (a, b) = (
                h[0].as_u64().expect("a") as usize,
                h[1].as_u64().expect("b") as usize,
            );
            body.get(a..b).expect("range inside body").to_string()
        })
        .collect()
}

#[tokio::test]
async fn keys_are_looked_up_never_opened() {
    let f = fixture();
    let secret = f.corpus.join("secret.bin").display().to_string();
    let not_ingested = [
        format!("/api/articles/{}", enc(&secret)),
        format!("/api/articles/{secret}"),
        "/api/articles/..%2F..%2F..%2Fetc%2Fpasswd".into(),
        "/api/articles/%2Fetc%2Fpasswd".into(),
        format!(
            "/api/articles/{}",
            enc(&format!("{}/../corpus/secret.bin", f.corpus.display()))
        ),
        format!(
            "/api/articles/{}",
            enc(&f.index.join("meta.json").display().to_string())
        ),
    ];
    for uri in not_ingested {
        let r = get(&f.app, &uri).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{uri}: {}", r.text);
        assert_json(&r);
        assert!(r.error().contains("no article"), "{}", r.text);
        assert!(!r.text.contains("TOPSECRET"), "{uri} leaked the file");
        assert!(!r.text.contains("root:"), "{uri} leaked /etc/passwd");
    }
    // Paths outside the routes are plain 404s, whatever they contain.
    for uri in [
        "/../../etc/passwd",
        "/app.js/../../../etc/passwd",
        "/secret.bin",
        "/index/meta.json",
    ] {
        let r = get(&f.app, uri).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{uri}");
        assert_json(&r);
    }
}

#[tokio::test]
async fn hostile_text_is_returned_as_json_string_data() {
    let f = fixture();
    let v = get(&f.app, "/api/search?q=hostile+markup").await.json();
    let hit = &v["hits"][0];
    assert_eq!(
        hit["title"],
        format!("Hostile markup {HOSTILE} in a headline")
    );
    let snippet = hit["snippets"][0]["text"].as_str().expect("snippet");
    assert!(
        snippet.contains(HOSTILE) || snippet.contains("alert(1)"),
        "{snippet}"
    );
    let key = hit["key"].as_str().expect("key");
    let r = get(&f.app, &format!("/api/articles/{}", enc(key))).await;
    assert_json(&r);
    // Verbatim: not stripped, not HTML-escaped (that is the page's job, and
    // it does it by never treating data as markup).
    let body = r.json()["body"].as_str().expect("body").to_string();
    assert!(
        body.contains(HOSTILE) && body.contains(HOSTILE_IMG),
        "{body}"
    );
    assert!(!r.text.contains("&lt;"));
}

#[tokio::test]
async fn stats_page_and_fallbacks() {
    let f = fixture();
    let r = get(&f.app, "/api/stats").await;
    assert_eq!(r.status, StatusCode::OK);
    let v = r.json();
    assert_eq!(v["articles"], 5, "{v}");
    assert!(v["sources"].is_object() && v["people"].is_object());
    assert_eq!(
        get(&f.app, "/api/stats?x=1").await.status,
        StatusCode::BAD_REQUEST
    );

    let r = get(&f.app, "/").await;
    assert_eq!(r.status, StatusCode::OK);
    let csp = r
        .headers
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .expect("CSP on the page");
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"));
    assert!(r.text.contains(r#"<script src="/app.js" defer></script>"#));
    assert_eq!(r.text.matches("<script").count(), 1, "no inline scripts");
    let js = get(&f.app, "/app.js").await;
    assert_eq!(js.status, StatusCode::OK);
    assert!(
        js.headers[header::CONTENT_TYPE]
            .to_str()
            .expect("ascii")
            .starts_with("text/javascript")
    );
    // The page never turns strings into markup.
    for sink in [
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "document.write",
        "eval(",
    ] {
        assert!(!js.text.contains(sink), "page.js uses {sink}");
    }
    assert_eq!(get(&f.app, "/app.css").await.status, StatusCode::OK);

    let r = get(&f.app, "/nope").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_json(&r);
    let r = send(
        &f.app,
        Request::post("/api/search")
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_json(&r);
    let big = vec![b'x'; 64 * 1024];
    let r = send(
        &f.app,
        Request::get("/api/search?q=x")
            .header(header::CONTENT_LENGTH, big.len())
            .body(Body::from(big))
            .expect("request"),
    )
    .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_json(&r);
}

#[tokio::test]
async fn new_commits_are_seen_without_a_restart() {
    let f = fixture();
    write(
        &f.corpus.join("late.txt"),
        "Late edition: zeppelins return\n\nA fleet of zeppelins returned to the skies.\n",
    );
    ingest(
        &f.index,
        std::slice::from_ref(&f.corpus),
        &IngestOptions::default(),
        &|_| {},
    )
    .expect("second ingest");
    // The reader reloads shortly after a commit; poll rather than sleep long.
    let mut total = 0;
    for _ in 0..100 {
        total = get(&f.app, "/api/search?q=zeppelins").await.json()["total"]
            .as_u64()
            .expect("total");
        if total > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(total, 1);
}

#[tokio::test]
async fn serves_on_a_real_socket_and_stops() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let f = fixture();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(newsidx::server::serve_on(
        listener,
        f.engine.clone(),
        async {
            let _ = stopped.await;
        },
    ));
    let mut conn = tokio::net::TcpStream::connect(addr).await.expect("connect");
    conn.write_all(b"GET /api/stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .expect("send");
    let mut reply = String::new();
    conn.read_to_string(&mut reply).await.expect("read");
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    assert!(reply.contains("\"articles\":5"), "{reply}");
    stop.send(()).expect("server still running");
    server
        .await
        .expect("server task")
        .expect("server stops cleanly");
}
