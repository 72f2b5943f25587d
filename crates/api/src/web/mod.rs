//! The web pages: a status page at `/` and a page per block at `/block/N` that verifies the
//! block's proof in the browser (WebAssembly), server-rendered HTML with one small script.
//!
//! | route | what |
//! |---|---|
//! | `GET /` | [`status_page`]: heights, lag, queue, throughput chart, failures, latest blocks |
//! | `GET /status.json` | the same data as JSON ([`summary::StatusSummary`]) |
//! | `GET /block/N` | [`block_page`]: the block's pipeline record, proof metadata, download link, and the in-browser verification |
//! | `GET /assets/…` | [`assets`]: stylesheet, the block page's script, the verifier (`.wasm` and its glue) |
//! | `GET /relay/block/N` | [`relay`]: the sequencer's headers, for browsers that cannot reach it |

pub mod assets;
pub mod block_page;
mod chart;
pub mod html;
pub mod relay;
pub mod status_page;
pub mod summary;

use hyper::Response;
use hyper::StatusCode;
use jsonrpsee::server::HttpBody;

use crate::error::RequestError;
use crate::http::{respond, text};
use crate::state::ApiState;

/// Whether `path` is one of the web routes.
pub fn is_web_path(path: &str) -> bool {
    matches!(path, "/" | "/status.json")
        || ["/block/", "/assets/", "/relay/block/"].iter().any(|prefix| path.starts_with(prefix))
}

/// Answers a `GET` of a web route (see [`is_web_path`]).
pub async fn route(state: &ApiState, path: &str) -> Response<HttpBody> {
    match path {
        "/" => match summary::read(state).await {
            Ok(summary) => {
                let page = status_page::render(
                    &summary,
                    state.config.sequencer_url.as_deref(),
                    &format!("{:#x}", state.policy.os_program_hash),
                );
                html(StatusCode::OK, page)
            }
            Err(error) => internal(error),
        },
        "/status.json" => match summary::read(state).await {
            Ok(summary) => json(StatusCode::OK, &summary),
            Err(error) => internal(error),
        },
        _ if path.starts_with("/assets/") => match assets::get(&path["/assets/".len()..]) {
            Some((content_type, bytes)) => {
                let mut response = respond(StatusCode::OK, content_type, bytes.to_vec());
                response.headers_mut().insert(
                    hyper::header::CACHE_CONTROL,
                    hyper::header::HeaderValue::from_static("no-cache"),
                );
                response
            }
            None => text(StatusCode::NOT_FOUND, "no such asset\n"),
        },
        _ if path.starts_with("/relay/block/") => {
            let Some(block_number) = block_number(&path["/relay/block/".len()..]) else {
                return text(StatusCode::BAD_REQUEST, "block number must be a decimal integer\n");
            };
            let Some(relay) = state.relay.as_deref() else {
                return text(StatusCode::NOT_FOUND, "this server knows no sequencer to relay\n");
            };
            match relay.block(block_number).await {
                Ok(value) => json(StatusCode::OK, &value),
                Err(relay::RelayError::Busy) => text(StatusCode::SERVICE_UNAVAILABLE, "busy\n"),
                Err(error) => {
                    tracing::warn!(%error, block_number, "relaying the sequencer's headers failed");
                    let body = format!("{error}\n").into_bytes();
                    respond(StatusCode::BAD_GATEWAY, "text/plain; charset=utf-8", body)
                }
            }
        }
        _ => {
            let Some(block_number) = block_number(&path["/block/".len()..]) else {
                return text(StatusCode::BAD_REQUEST, "block number must be a decimal integer\n");
            };
            block(state, block_number).await
        }
    }
}

async fn block(state: &ApiState, block_number: u64) -> Response<HttpBody> {
    let record = match crate::lookup::job(state, block_number).await {
        Ok(record) => Some(record),
        Err(RequestError::BlockNotFound { .. }) => None,
        Err(error) => return internal(error),
    };
    let metadata = match &record {
        Some(record) if record.status == proof_store::JobStatus::Stored => {
            match proof_store::ProofKey::new(block_number, record.block_hash) {
                Ok(key) => match state.store.get_metadata(&key).await {
                    Ok(metadata) => metadata,
                    Err(error) => {
                        return internal(RequestError::internal("proof store read", error));
                    }
                },
                Err(error) => return internal(RequestError::internal("proof key", error)),
            }
        }
        _ => None,
    };
    let view = block_page::BlockView {
        block_number,
        record: record.as_ref(),
        metadata: metadata.as_ref(),
        sequencer_url: state.config.sequencer_url.as_deref(),
        verifier_missing: assets::VERIFIER_MISSING,
        now_unix_ms: summary::now_unix_ms(),
    };
    let status = if record.is_some() { StatusCode::OK } else { StatusCode::NOT_FOUND };
    html(status, block_page::render(&view))
}

/// What a page may load and run: its own scripts and the WebAssembly they compile, its own
/// styles, and requests to its server and to the sequencer (any origin: the sequencer's URL is
/// configuration). Nothing inline runs, so text that reached a page unescaped could not either.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
     connect-src 'self' http: https:; style-src 'self'; img-src 'self' data:; \
     frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

fn html(status: StatusCode, page: String) -> Response<HttpBody> {
    let mut response = respond(status, "text/html; charset=utf-8", page.into_bytes());
    let headers = response.headers_mut();
    headers.insert(
        hyper::header::CONTENT_SECURITY_POLICY,
        hyper::header::HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        hyper::header::X_CONTENT_TYPE_OPTIONS,
        hyper::header::HeaderValue::from_static("nosniff"),
    );
    response
}

/// Digits only, as `/proofs/N` reads them.
fn block_number(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn json(status: StatusCode, value: &impl serde::Serialize) -> Response<HttpBody> {
    match serde_json::to_vec(value) {
        Ok(body) => respond(status, "application/json", body),
        Err(error) => internal(RequestError::internal("serialize", error)),
    }
}

fn internal(error: RequestError) -> Response<HttpBody> {
    error.log_if_internal();
    text(StatusCode::INTERNAL_SERVER_ERROR, "internal error\n")
}
