//! The plain HTTP routes served beside JSON-RPC: `GET /proofs/{block_number}`, `GET /health`,
//! `/livez` and `/readyz` ([`crate::health`]), `GET /metrics`, and the web pages
//! ([`crate::web`]: `GET /`, `/block/N`, ...). [`route`] answers them and returns `None` for
//! every other request (`POST /` among them), which then goes to the JSON-RPC service.

use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::{Method, Response, StatusCode};
use jsonrpsee::server::HttpBody;
use service_common::Metrics;

use crate::error::RequestError;
use crate::health;
use crate::lookup::canonical_proof;
use crate::state::ApiState;

/// Answers the HTTP routes; `None` means "not ours" (JSON-RPC handles it).
pub async fn route(state: &ApiState, method: &Method, path: &str) -> Option<Response<HttpBody>> {
    let web = crate::web::is_web_path(path);
    let known = web
        || matches!(path, "/health" | "/livez" | "/readyz" | "/metrics")
        || path.starts_with("/proofs/");
    if !known {
        return None;
    }
    if method != Method::GET && method != Method::HEAD {
        // `POST /` is JSON-RPC; every other method on a route of ours is refused.
        if path == "/" {
            return None;
        }
        return Some(text(StatusCode::METHOD_NOT_ALLOWED, "only GET\n"));
    }
    if web {
        return Some(crate::web::route(state, path).await);
    }
    Some(match path {
        "/health" | "/readyz" => health::respond(health::ready(state).await),
        "/livez" => health::respond(health::live()),
        "/metrics" => {
            respond(StatusCode::OK, Metrics::content_type(), state.metrics.render().into_bytes())
        }
        _ => proof(state, &path["/proofs/".len()..]).await,
    })
}

async fn proof(state: &ApiState, block: &str) -> Response<HttpBody> {
    // Digits only: `+5`, `05 `, `0x5` are not block numbers here.
    let Some(block_number) =
        block.bytes().all(|b| b.is_ascii_digit()).then(|| block.parse::<u64>().ok()).flatten()
    else {
        return text(StatusCode::BAD_REQUEST, "block number must be a decimal integer\n");
    };
    match canonical_proof(state, block_number).await {
        Ok(stored) => {
            let mut response = respond(StatusCode::OK, "application/octet-stream", stored.bytes);
            if let Ok(hash) = HeaderValue::from_str(&stored.key.block_hash().to_string()) {
                response.headers_mut().insert("x-block-hash", hash);
            }
            response
        }
        Err(RequestError::BlockNotFound { .. } | RequestError::ProofNotAvailable { .. }) => {
            text(StatusCode::NOT_FOUND, "no proof for this block\n")
        }
        Err(RequestError::ProofExpired { .. }) => {
            text(StatusCode::GONE, "the proof of this block expired (the service's age limit)\n")
        }
        Err(error) => {
            error.log_if_internal();
            text(StatusCode::INTERNAL_SERVER_ERROR, "internal error\n")
        }
    }
}

pub(crate) fn text(status: StatusCode, body: &'static str) -> Response<HttpBody> {
    respond(status, "text/plain; charset=utf-8", body.as_bytes().to_vec())
}

pub(crate) fn respond(
    status: StatusCode,
    content_type: &'static str,
    body: Vec<u8>,
) -> Response<HttpBody> {
    let mut response = Response::new(HttpBody::from(body));
    *response.status_mut() = status;
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}
