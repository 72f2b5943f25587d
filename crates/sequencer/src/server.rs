//! Running a node: the JSON-RPC server (spec 0.10 at `/` and `/rpc/v0_10`, 0.9 at
//! `/rpc/v0_9`, CORS for any origin: [`crate::http`]) and the block producer, until a shutdown
//! signal (mini-redis style `run(listener, shutdown)`; tests bind `127.0.0.1:0`).

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use jsonrpsee::server::{Server, ServerConfig, ServerHandle};
use tokio::sync::watch;
use tracing::{error, info};

use crate::SequencerError;
use crate::http::{VersionByPathLayer, cors};
use crate::node::Node;
use crate::producer_thread::ProducerThread;
use crate::rpc;

/// Starts the JSON-RPC server on `listener` (both spec versions, see [`crate::http`]); it runs
/// until the handle is stopped.
pub fn serve(
    node: Arc<Node>,
    listener: std::net::TcpListener,
) -> Result<ServerHandle, SequencerError> {
    listener.set_nonblocking(true).map_err(|e| SequencerError::Stopped(e.to_string()))?;
    // The body limit is the DECLARE one; other methods are held to a smaller one once their
    // method is known (`rpc::size`).
    let config = ServerConfig::builder()
        .max_request_body_size(node.config().max_declare_request_bytes)
        .max_response_body_size(64 << 20)
        .build();
    let http = tower::ServiceBuilder::new().layer(cors()).layer(VersionByPathLayer);
    let server = Server::builder()
        .set_config(config)
        .set_http_middleware(http)
        .build_from_tcp(listener)
        .map_err(|e| SequencerError::Stopped(format!("cannot start the RPC server: {e}")))?;
    Ok(server.start(rpc::module(node)))
}

/// Produces a block every `block_time` until `stop` turns true. Production runs on its own
/// low-priority thread ([`ProducerThread`]); a failed block is logged and retried at the next
/// tick (nothing was written).
pub async fn produce_blocks(node: Arc<Node>, mut stop: watch::Receiver<bool>) {
    let producer = match ProducerThread::spawn(node.clone()) {
        Ok(producer) => producer,
        Err(e) => {
            error!(error = %e, "no block producer");
            return;
        }
    };
    let mut ticks = tokio::time::interval(node.config().block_time);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticks.tick().await;
    loop {
        tokio::select! {
            _ = ticks.tick() => {}
            _ = stop.changed() => break,
        }
        if let Err(e) = producer.produce().await {
            error!(error = %e, "block production failed");
            if matches!(e, SequencerError::Stopped(_)) {
                break;
            }
        }
    }
    producer.stop().await;
}

/// Runs `node` (RPC on `listener`, blocks on a timer) until `shutdown` completes, then stops
/// accepting requests, lets the block in progress finish and returns.
pub async fn run(
    node: Arc<Node>,
    listener: std::net::TcpListener,
    shutdown: impl Future<Output = ()>,
) -> Result<(), SequencerError> {
    let address: Option<SocketAddr> = listener.local_addr().ok();
    let handle = serve(node.clone(), listener)?;
    info!(address = ?address, "JSON-RPC listening (spec 0.10 at / and /rpc/v0_10, 0.9 at /rpc/v0_9)");
    let (stop_sender, stop) = watch::channel(false);
    let producer = tokio::spawn(produce_blocks(node.clone(), stop));
    shutdown.await;
    info!("shutting down");
    let _ = handle.stop();
    handle.stopped().await;
    let _ = stop_sender.send(true);
    if let Err(e) = producer.await {
        error!(error = %e, "block producer task failed");
    }
    node.store().db().flush_async().await?;
    Ok(())
}
