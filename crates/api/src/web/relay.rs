//! `GET /relay/block/N`: the sequencer's headers of block N and N−1 and its chain id, fetched by
//! this server for browsers that cannot ask the sequencer themselves (it sends no CORS headers,
//! or is not reachable from the browser). The block page says when it used the relay: the
//! headers are then this server's word, not the sequencer's.

use std::time::Duration;

use jsonrpsee::core::client::ClientT;
use jsonrpsee::http_client::{HttpClient, HttpClientBuilder};
use jsonrpsee::rpc_params;
use serde_json::{Value, json};
use tokio::sync::Semaphore;

/// Relayed requests to the sequencer at once; more are refused (503) rather than queued.
const MAX_IN_FLIGHT: usize = 8;
const TIMEOUT: Duration = Duration::from_secs(10);
/// A header with its transaction hashes; far above any real block's.
const MAX_RESPONSE_BYTES: u32 = 16 << 20;

/// A JSON-RPC client of the sequencer, for the relay.
#[derive(Debug)]
pub struct SequencerRelay {
    url: String,
    client: HttpClient,
    in_flight: Semaphore,
}

/// Why a relay request failed.
#[derive(Debug, thiserror::Error)]
pub enum RelayError {
    #[error("the relay is busy; try again")]
    Busy,
    #[error("the sequencer at {url}: {method} failed: {source}")]
    Sequencer {
        url: String,
        method: &'static str,
        #[source]
        source: jsonrpsee::core::ClientError,
    },
}

impl SequencerRelay {
    /// A relay to the sequencer's JSON-RPC at `url`.
    pub fn new(url: &str) -> Result<Self, jsonrpsee::core::ClientError> {
        let client = HttpClientBuilder::default()
            .request_timeout(TIMEOUT)
            .max_response_size(MAX_RESPONSE_BYTES)
            .build(url)?;
        Ok(SequencerRelay { url: url.to_owned(), client, in_flight: Semaphore::new(MAX_IN_FLIGHT) })
    }

    /// The sequencer's URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// `{"header": ..., "parent": ... | null, "chain_id": "0x..."}`, as the sequencer answered
    /// `starknet_getBlockWithTxHashes` and `starknet_chainId`.
    pub async fn block(&self, block_number: u64) -> Result<Value, RelayError> {
        let _permit = self.in_flight.try_acquire().map_err(|_| RelayError::Busy)?;
        let header = self.header(block_number).await?;
        let parent = match block_number.checked_sub(1) {
            Some(parent) => self.header(parent).await?,
            None => Value::Null,
        };
        let chain_id: Value = self.call("starknet_chainId", rpc_params![]).await?;
        Ok(json!({ "header": header, "parent": parent, "chain_id": chain_id }))
    }

    async fn header(&self, block_number: u64) -> Result<Value, RelayError> {
        self.call(
            "starknet_getBlockWithTxHashes",
            rpc_params![json!({ "block_number": block_number })],
        )
        .await
    }

    async fn call(
        &self,
        method: &'static str,
        params: jsonrpsee::core::params::ArrayParams,
    ) -> Result<Value, RelayError> {
        self.client.request(method, params).await.map_err(|source| RelayError::Sequencer {
            url: self.url.clone(),
            method,
            source,
        })
    }
}
