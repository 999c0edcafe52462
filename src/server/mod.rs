//! `newsidx serve`: an open [`SearchEngine`] in, an HTTP server out. It
//! answers a JSON API (`/api/search`, `/api/articles/{key}`, `/api/stats`)
//! and serves one static page (`/`, `/app.js`, `/app.css`) compiled into the
//! binary, so nothing is fetched from elsewhere and no build step runs at
//! run time.
//!
//! Safety rules it keeps (docs/SERVE.md explains them to users):
//! - it never opens a file named by a URL: the page is `include_str!`ed and an
//!   article key is only ever looked up as a term in the index;
//! - every response carries a strict Content-Security-Policy (scripts and
//!   styles only from this server, no inline script), so even a rendering
//!   bug in the page cannot run a script smuggled in through article text;
//! - limits on query length, `limit`, `offset`, filters, request bodies,
//!   concurrent searches and connections, and timeouts for slow clients
//!   (reading request headers) and slow requests.
//!
//! It has no authentication and does not do TLS: it binds to loopback by
//! default, and exposing it is a reverse proxy's job.

mod api;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use crate::search::SearchEngine;

/// Longest accepted query text, in characters.
pub const MAX_QUERY_CHARS: usize = 1_000;
/// Largest accepted `limit` (hits per page).
pub const MAX_LIMIT: usize = 100;
/// Largest accepted `offset`: deep pages cost `offset + limit` stored
/// documents each, so paging stops where nobody reads any more.
pub const MAX_OFFSET: usize = 10_000;
/// Most `person=` or `source=` filters in one request, and the longest value.
pub const MAX_FILTERS: usize = 20;
/// Longest accepted filter value or article key, in bytes.
pub const MAX_VALUE_BYTES: usize = 4_096;
/// Largest accepted request body. Every route is a GET, so anything bigger
/// than a stray form is refused before a handler runs.
pub const MAX_BODY_BYTES: usize = 16 * 1024;
/// A request that takes longer than this is answered with 503.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// A client must send its request headers within this time (slowloris).
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// No connection lives longer than this, idle keep-alive or not.
pub const CONNECTION_LIFETIME: Duration = Duration::from_secs(300);
/// Open connections beyond this are closed at once.
pub const MAX_CONNECTIONS: usize = 512;

const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
                   connect-src 'self'; img-src 'self' data:; base-uri 'none'; \
                   form-action 'self'; frame-ancestors 'none'";

/// Shared by every handler.
#[derive(Clone)]
struct AppState {
    engine: Arc<SearchEngine>,
    /// Searches running at once. Search is CPU-bound: more threads than
    /// cores only add memory and latency, so extra requests wait their turn
    /// (within [`REQUEST_TIMEOUT`]) instead of piling onto the blocking pool.
    searches: Arc<Semaphore>,
}

/// The whole application: API, page and the guards around them. Tests drive
/// it in-process; [`serve`] puts it on a socket.
pub fn router(engine: Arc<SearchEngine>) -> Router {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let state = AppState {
        engine,
        searches: Arc::new(Semaphore::new(cores * 2)),
    };
    Router::new()
        .route("/", get(page_html))
        .route("/app.js", get(page_js))
        .route("/app.css", get(page_css))
        .route("/api/search", get(api::search))
        .route("/api/stats", get(api::stats))
        .route("/api/articles/{*key}", get(api::article))
        .fallback(api::not_found)
        .method_not_allowed_fallback(api::method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn(guard))
        .with_state(state)
}

/// Bind `addr` and serve until Ctrl-C.
pub async fn serve(addr: SocketAddr, engine: Arc<SearchEngine>) -> std::io::Result<()> {
    let listener = TcpListener::bind(addr).await?;
    serve_on(listener, engine, async {
        // If the signal handler cannot be installed, run until killed.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    })
    .await
}

/// Serve on an already bound listener until `shutdown` completes (the CLI
/// binds first so it can print the real address, e.g. for port 0).
///
/// Our own accept loop rather than `axum::serve`, because that one cannot
/// set hyper's header-read timeout: without it a client that sends one byte
/// a minute holds a connection forever.
pub async fn serve_on(
    listener: TcpListener,
    engine: Arc<SearchEngine>,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let app = router(engine);
    let connections = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => stream,
                Err(_) => {
                    // Out of file descriptors and the like: wait, retry;
                    // never spin and never give up serving.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => return Ok(()),
        };
        let Ok(permit) = connections.clone().try_acquire_owned() else {
            drop(stream);
            continue;
        };
        let service = TowerToHyperService::new(app.clone());
        tokio::spawn(async move {
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .keep_alive(true);
            let conn = builder.serve_connection(TokioIo::new(stream), service);
            // Errors here are the client's (reset, bad request line): nothing
            // to report, the connection is simply over.
            let _ = tokio::time::timeout(CONNECTION_LIFETIME, conn).await;
            drop(permit);
        });
    }
}

/// Around every request: refuse oversized bodies, bound the time, and add
/// the security headers.
async fn guard(req: Request, next: Next) -> Response {
    let too_big = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .is_some_and(|n| n > MAX_BODY_BYTES as u64);
    let mut resp = if too_big {
        api::error(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("request body too large (the limit is {MAX_BODY_BYTES} bytes)"),
        )
    } else {
        match tokio::time::timeout(REQUEST_TIMEOUT, next.run(req)).await {
            Ok(resp) => resp,
            Err(_) => api::error(
                StatusCode::SERVICE_UNAVAILABLE,
                format!(
                    "the request took longer than {} s and was abandoned",
                    REQUEST_TIMEOUT.as_secs()
                ),
            ),
        }
    };
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-cache"));
    resp
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

async fn page_html() -> Response {
    asset("text/html; charset=utf-8", include_str!("page.html"))
}

async fn page_js() -> Response {
    asset("text/javascript; charset=utf-8", include_str!("page.js"))
}

async fn page_css() -> Response {
    asset("text/css; charset=utf-8", include_str!("page.css"))
}
