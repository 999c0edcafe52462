//! The JSON API: URL parameters in, the same JSON as the CLI's `--json` out
//! (`search --json`, `show --json`, `stats --json`), or `{"error": "..."}`
//! with a 4xx/5xx status.
//!
//! Parameters are checked here, before any search runs: unknown names,
//! repeated single-valued names, non-numbers and values past the limits in
//! [`super`] are refused with 400 and a message saying which one and why.
//! Searches run on the blocking pool (they are CPU-bound).
//!
//! It never touches the file system: an article key from the URL is only
//! looked up in the index.

use std::collections::HashSet;

use axum::Json;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::{AppState, MAX_FILTERS, MAX_LIMIT, MAX_OFFSET, MAX_QUERY_CHARS, MAX_VALUE_BYTES};
use crate::article::Article;
use crate::error::Error;
use crate::search::{SearchRequest, Sort, Stats, query, snippet};

/// Query-string pairs in order; repeated names (`person=a&person=b`) kept.
type Pairs = Vec<(String, String)>;

/// A JSON error response: `{"error": message}` with `status`.
pub(super) fn error(status: StatusCode, message: impl Into<String>) -> Response {
    #[derive(Serialize)]
    struct Body {
        error: String,
    }
    (
        status,
        Json(Body {
            error: message.into(),
        }),
    )
        .into_response()
}

/// A refused request: status and message, made into [`error`]'s JSON when
/// answered. (A plain `Response` is too big to pass around in `Result`s.)
pub(super) struct ApiError(StatusCode, String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        error(self.0, self.1)
    }
}

fn bad(message: impl Into<String>) -> ApiError {
    ApiError(StatusCode::BAD_REQUEST, message.into())
}

/// Library errors to statuses: the user's mistakes are 4xx, ours are 500.
fn from_library(e: Error) -> ApiError {
    let status = match e {
        Error::Query(_) => StatusCode::BAD_REQUEST,
        Error::NotFound(_) => StatusCode::NOT_FOUND,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    ApiError(status, e.to_string())
}

/// Run `work` on the blocking pool once a search slot is free.
async fn blocking<T: Send + 'static>(
    st: &AppState,
    work: impl FnOnce() -> Result<T, Error> + Send + 'static,
) -> Result<T, ApiError> {
    let permit = st.searches.clone().acquire_owned().await.map_err(|_| {
        ApiError(
            StatusCode::SERVICE_UNAVAILABLE,
            "the server is shutting down".into(),
        )
    })?;
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        work()
    })
    .await
    // A panic inside the engine is a bug, but it must cost one request, not
    // the server.
    .map_err(|e| {
        ApiError(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("search failed: {e}"),
        )
    })?
    .map_err(from_library)
}

fn pairs(q: Result<Query<Pairs>, QueryRejection>) -> Result<Pairs, ApiError> {
    q.map(|Query(p)| p)
        .map_err(|e| bad(format!("bad query string: {}", e.body_text())))
}

/// `GET /api/search`: see docs/SERVE.md for the parameters.
pub(super) async fn search(
    State(st): State<AppState>,
    q: Result<Query<Pairs>, QueryRejection>,
) -> Response {
    let req = match pairs(q).and_then(search_request) {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let engine = st.engine.clone();
    match blocking(&st, move || engine.search(&req)).await {
        Ok(results) => Json(results).into_response(),
        Err(e) => e.into_response(),
    }
}

const SEARCH_PARAMS: &str = "q, limit, offset, person, source, since, until, sort, facets";

/// Turn query-string pairs into a [`SearchRequest`], or a 400 saying what
/// is wrong. Empty values count as absent (an empty form field).
pub(super) fn search_request(pairs: Pairs) -> Result<SearchRequest, ApiError> {
    let mut req = SearchRequest {
        facets: true,
        ..SearchRequest::default()
    };
    let mut seen: HashSet<String> = HashSet::new();
    for (name, value) in pairs {
        let repeatable = matches!(name.as_str(), "person" | "source");
        if !repeatable && !seen.insert(name.clone()) {
            return Err(bad(format!("parameter {name:?} given more than once")));
        }
        if value.is_empty() {
            continue;
        }
        if name != "q" && value.len() > MAX_VALUE_BYTES {
            return Err(bad(format!(
                "parameter {name:?} is too long (the limit is {MAX_VALUE_BYTES} bytes)"
            )));
        }
        match name.as_str() {
            "q" => {
                let chars = value.chars().count();
                if chars > MAX_QUERY_CHARS {
                    return Err(bad(format!(
                        "query is too long ({chars} characters; the limit is {MAX_QUERY_CHARS})"
                    )));
                }
                req.query = value;
            }
            "limit" => req.limit = number(&name, &value, MAX_LIMIT)?,
            "offset" => req.offset = number(&name, &value, MAX_OFFSET)?,
            "person" | "source" => {
                let list = if name == "person" {
                    &mut req.person
                } else {
                    &mut req.source
                };
                if list.len() >= MAX_FILTERS {
                    return Err(bad(format!(
                        "too many {name:?} filters (the limit is {MAX_FILTERS})"
                    )));
                }
                list.push(value);
            }
            "since" | "until" => {
                // Checked here so a bad date is a 400 naming the parameter,
                // whatever the engine does with it later.
                query::date_bound(&value, name == "until")
                    .map_err(|e| bad(format!("parameter {name:?}: {e}")))?;
                if name == "since" {
                    req.since = Some(value);
                } else {
                    req.until = Some(value);
                }
            }
            "sort" => {
                req.sort = match value.as_str() {
                    "relevance" => Sort::Relevance,
                    "newest" => Sort::Newest,
                    "oldest" => Sort::Oldest,
                    _ => {
                        return Err(bad(format!(
                            "parameter \"sort\" must be relevance, newest or oldest, not {value:?}"
                        )));
                    }
                }
            }
            "facets" => {
                req.facets = match value.as_str() {
                    "true" | "1" => true,
                    "false" | "0" => false,
                    _ => {
                        return Err(bad(format!(
                            "parameter \"facets\" must be true or false, not {value:?}"
                        )));
                    }
                }
            }
            _ => {
                return Err(bad(format!(
                    "unknown parameter {name:?} (known: {SEARCH_PARAMS})"
                )));
            }
        }
    }
    Ok(req)
}

fn number(name: &str, value: &str, max: usize) -> Result<usize, ApiError> {
    let n: usize = value.parse().map_err(|_| {
        bad(format!(
            "parameter {name:?} must be a whole number from 0 to {max}, not {value:?}"
        ))
    })?;
    if n > max {
        return Err(bad(format!(
            "parameter {name:?} is {n}; the limit is {max}"
        )));
    }
    Ok(n)
}

/// One stored article as `show --json` prints it, plus where the query
/// matches its body when `?q=` is given.
#[derive(Serialize)]
pub(super) struct ArticleView {
    #[serde(flatten)]
    article: Article,
    /// `[start, end)` byte ranges into `body`.
    #[serde(skip_serializing_if = "Option::is_none")]
    highlights: Option<Vec<[usize; 2]>>,
}

/// `GET /api/articles/{key}[?q=...]`: the key percent-encoded as one
/// segment (`%2Fdata%2Fa.txt%231`) or written out (`/api/articles//data/a.txt`).
pub(super) async fn article(
    State(st): State<AppState>,
    key: Result<Path<String>, PathRejection>,
    q: Result<Query<Pairs>, QueryRejection>,
) -> Result<Json<ArticleView>, ApiError> {
    let Path(key) = key.map_err(|e| bad(format!("bad article key: {}", e.body_text())))?;
    if key.len() > MAX_VALUE_BYTES {
        return Err(bad(format!(
            "article key is too long (the limit is {MAX_VALUE_BYTES} bytes)"
        )));
    }
    let mut query_text: Option<String> = None;
    for (name, value) in pairs(q)? {
        match name.as_str() {
            "q" if query_text.is_none() => {
                if value.chars().count() > MAX_QUERY_CHARS {
                    return Err(bad(format!(
                        "query is too long (the limit is {MAX_QUERY_CHARS} characters)"
                    )));
                }
                query_text = Some(value);
            }
            "q" => return Err(bad("parameter \"q\" given more than once")),
            _ => return Err(bad(format!("unknown parameter {name:?} (known: q)"))),
        }
    }
    let engine = st.engine.clone();
    let view = blocking(&st, move || {
        // Keys are absolute paths; a written-out URL loses the leading "/"
        // to the route, so try it with one put back.
        let article = match engine.article(&key) {
            Err(Error::NotFound(_)) if !key.starts_with('/') => {
                engine.article(&format!("/{key}")).map_err(|e| match e {
                    Error::NotFound(_) => Error::NotFound(key.clone()),
                    other => other,
                })?
            }
            other => other?,
        };
        let highlights = match query_text.as_deref().filter(|q| !q.trim().is_empty()) {
            Some(q) => Some(body_highlights(&engine, &article.body, q)?),
            None => None,
        };
        Ok(ArticleView {
            article,
            highlights,
        })
    })
    .await?;
    Ok(Json(view))
}

/// Where the query's terms and phrases sit in a whole body.
fn body_highlights(
    engine: &crate::search::SearchEngine,
    body: &str,
    q: &str,
) -> Result<Vec<[usize; 2]>, Error> {
    Ok(snippet::highlights(body, &engine.highlight_plan(q)?))
}

/// `GET /api/stats`: what `stats --json` prints.
pub(super) async fn stats(
    State(st): State<AppState>,
    q: Result<Query<Pairs>, QueryRejection>,
) -> Result<Json<Stats>, ApiError> {
    if !pairs(q)?.is_empty() {
        return Err(bad("/api/stats takes no parameters"));
    }
    let engine = st.engine.clone();
    Ok(Json(blocking(&st, move || engine.stats()).await?))
}

/// Any other path.
pub(super) async fn not_found() -> Response {
    error(
        StatusCode::NOT_FOUND,
        "no such page: try / or /api/search?q=...",
    )
}

/// A known path with a method other than GET or HEAD.
pub(super) async fn method_not_allowed() -> Response {
    error(StatusCode::METHOD_NOT_ALLOWED, "only GET is supported")
}
