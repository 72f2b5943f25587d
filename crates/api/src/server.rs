//! [`run`]: serves JSON-RPC and the HTTP routes on one listener until the shutdown future
//! completes (mini-redis style: the caller binds, tests bind `127.0.0.1:0`).
//!
//! Each connection is served by hyper through jsonrpsee's `serve_with_graceful_shutdown`; every
//! request first goes through [`http::route`], and what it does not answer goes to jsonrpsee's
//! tower service. On shutdown the listener closes, connections finish the
//! requests in flight (up to [`ApiConfig::shutdown_grace`](crate::ApiConfig)) and `run` returns.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use hyper::Request;
use hyper::body::Incoming;
use jsonrpsee::core::BoxError;
use jsonrpsee::server::{
    HttpResponse, Server, ServerConfig, TowerService, serve_with_graceful_shutdown, stop_channel,
};
use tokio::net::TcpListener;
use tokio::task::JoinSet;
use tower::Service;
use tower::layer::util::Identity;

use crate::error::ApiError;
use crate::http;
use crate::rpc::{ProverApiImpl, ProverApiServer};
use crate::state::ApiState;

/// What one request's future yields; boxed so that the service's types stay nameable (and
/// the compiler's higher-ranked `Send` checks simple).
type ResponseFuture = Pin<Box<dyn Future<Output = Result<HttpResponse, BoxError>> + Send>>;

/// One connection's service: the HTTP routes first, then JSON-RPC.
#[derive(Clone)]
struct ConnectionService {
    state: ApiState,
    rpc: TowerService<Identity, Identity>,
}

impl Service<Request<Incoming>> for ConnectionService {
    type Response = HttpResponse;
    type Error = BoxError;
    type Future = ResponseFuture;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<Incoming>) -> Self::Future {
        let state = self.state.clone();
        let mut rpc = self.rpc.clone();
        Box::pin(async move {
            let method = request.method().clone();
            let path = request.uri().path().to_owned();
            match http::route(&state, &method, &path).await {
                Some(response) => Ok(response),
                None => rpc.call(request).await,
            }
        })
    }
}

/// Serves the API on `listener` until `shutdown` completes, then drains connections.
pub async fn run(
    listener: TcpListener,
    state: ApiState,
    shutdown: impl Future<Output = ()>,
) -> Result<(), ApiError> {
    let address = listener.local_addr().map_err(ApiError::LocalAddr)?;
    let methods = ProverApiImpl::new(state.clone()).into_rpc();
    let config = ServerConfig::builder()
        .http_only()
        .max_request_body_size(state.config.max_request_body_bytes)
        .max_response_body_size(state.config.max_response_body_bytes)
        .build();
    let service_builder = Server::builder().set_config(config).to_service_builder();
    let (stop_handle, server_handle) = stop_channel();
    let mut connections = JoinSet::new();
    tracing::info!(%address, store = %state.store.location(), "query API listening");

    tokio::pin!(shutdown);
    loop {
        let (socket, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors and the like: keep serving the others.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let rpc = service_builder.clone().build(methods.clone(), stop_handle.clone());
        let service = ConnectionService { state: state.clone(), rpc };
        let stopped = stop_handle.clone().shutdown();
        connections.spawn(async move {
            if let Err(error) = serve_with_graceful_shutdown(socket, service, stopped).await {
                tracing::debug!(%peer, %error, "connection ended with an error");
            }
        });
        // Reap finished connections so the set does not grow without bound.
        while connections.try_join_next().is_some() {}
    }

    drop(listener);
    let _ = server_handle.stop();
    let grace = state.config.shutdown_grace;
    if tokio::time::timeout(grace, async { while connections.join_next().await.is_some() {} })
        .await
        .is_err()
    {
        tracing::warn!(
            remaining = connections.len(),
            "connections still open after the grace period; closing them"
        );
        connections.abort_all();
    }
    tracing::info!(%address, "query API stopped");
    Ok(())
}
