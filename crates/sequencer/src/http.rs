//! The HTTP layer in front of the JSON-RPC methods: which spec version each path speaks, and
//! CORS for browsers.
//!
//! | path | spec |
//! |---|---|
//! | `/rpc/v0_10`, `/` | 0.10 ([`SpecVersion::LATEST`]) |
//! | `/rpc/v0_9` | 0.9 |
//!
//! (a trailing `/` is accepted). [`VersionByPath`] puts the path's [`SpecVersion`] in the
//! request's extensions, where the methods read it ([`crate::rpc::version_of`]); any other path
//! is answered 404 with the list above.
//!
//! Any origin may call the devnet from a browser (a web page served by the query API fetches
//! block headers from it directly): every answer carries `Access-Control-Allow-Origin: *`, and
//! a preflight `OPTIONS` is answered at once, allowing `POST` with a `content-type` header.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use chain::rpc::SpecVersion;
use http::{Method, StatusCode, header};
use jsonrpsee::core::BoxError;
use jsonrpsee::server::{HttpBody, HttpResponse};
use tower::{Layer, Service};
use tower_http::cors::{Any, CorsLayer};

/// How long a browser may cache a preflight answer.
const PREFLIGHT_MAX_AGE: Duration = Duration::from_secs(24 * 60 * 60);

/// The spec version served at `path`, `None` for a path that serves none.
pub fn version_for_path(path: &str) -> Option<SpecVersion> {
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return Some(SpecVersion::LATEST);
    }
    SpecVersion::ALL.into_iter().find(|version| version.path() == trimmed)
}

/// The CORS layer: any origin, `POST` with `content-type`.
pub fn cors() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::POST])
        .allow_headers([header::CONTENT_TYPE])
        .max_age(PREFLIGHT_MAX_AGE)
}

/// Layer of [`VersionByPath`].
#[derive(Clone, Copy, Debug, Default)]
pub struct VersionByPathLayer;

impl<S> Layer<S> for VersionByPathLayer {
    type Service = VersionByPath<S>;

    fn layer(&self, inner: S) -> VersionByPath<S> {
        VersionByPath { inner }
    }
}

/// Routes a request to the JSON-RPC service with its path's [`SpecVersion`] (see the module
/// docs).
#[derive(Clone, Debug)]
pub struct VersionByPath<S> {
    inner: S,
}

type ResponseFuture = Pin<Box<dyn Future<Output = Result<HttpResponse, BoxError>> + Send>>;

impl<S, B> Service<http::Request<B>> for VersionByPath<S>
where
    S: Service<http::Request<B>, Response = HttpResponse, Error = BoxError>,
    S::Future: Send + 'static,
{
    type Response = HttpResponse;
    type Error = BoxError;
    type Future = ResponseFuture;

    fn poll_ready(&mut self, context: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(context)
    }

    fn call(&mut self, mut request: http::Request<B>) -> ResponseFuture {
        match version_for_path(request.uri().path()) {
            Some(version) => {
                request.extensions_mut().insert(version);
                Box::pin(self.inner.call(request))
            }
            None => {
                let answer = not_found(request.uri().path());
                Box::pin(async move { Ok(answer) })
            }
        }
    }
}

fn not_found(path: &str) -> HttpResponse {
    let served: Vec<String> = SpecVersion::ALL
        .iter()
        .map(|version| format!("{} (spec {version})", version.path()))
        .collect();
    let text = format!(
        "no JSON-RPC at {path:?}; served: / (spec {}), {}\n",
        SpecVersion::LATEST,
        served.join(", ")
    );
    let mut answer = HttpResponse::new(HttpBody::from(text));
    *answer.status_mut() = StatusCode::NOT_FOUND;
    answer
        .headers_mut()
        .insert(header::CONTENT_TYPE, header::HeaderValue::from_static("text/plain"));
    answer
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_versions() {
        assert_eq!(version_for_path("/"), Some(SpecVersion::V0_10));
        assert_eq!(version_for_path(""), Some(SpecVersion::V0_10));
        assert_eq!(version_for_path("/rpc/v0_10"), Some(SpecVersion::V0_10));
        assert_eq!(version_for_path("/rpc/v0_10/"), Some(SpecVersion::V0_10));
        assert_eq!(version_for_path("/rpc/v0_9"), Some(SpecVersion::V0_9));
        assert_eq!(version_for_path("/rpc/v0_8"), None);
        assert_eq!(version_for_path("/rpc"), None);
    }
}
