//! [`SequencerClient`]: the few Starknet JSON-RPC calls the watcher makes, with typed errors.
//!
//! Every answer is first read as JSON and then decoded into the spec type, so that a malformed
//! answer is a [`WatcherError::Malformed`] naming the method, never a panic. Answers are also
//! checked against the question (the block asked for, the class hash asked for): a sequencer
//! that answers about another block is malformed too.

use std::sync::Arc;
use std::time::Duration;

use chain::rpc::types::{BlockWithTxHashes, BlockWithTxs, ContractClass, StateUpdate};
use chain::{ChainId, Felt};
use jsonrpsee::core::client::ClientT;
use jsonrpsee::core::params::ArrayParams;
use jsonrpsee::http_client::{HttpClient, HttpClientBuilder};
use jsonrpsee::rpc_params;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use starknet_core::types::contract::legacy::LegacyContractClass;

use crate::error::WatcherError;

/// Largest answer accepted (a block with many transactions, a class).
const MAX_RESPONSE_BYTES: u32 = 64 << 20;

/// A JSON-RPC client of the watched sequencer. Cheap to clone.
#[derive(Clone, Debug)]
pub struct SequencerClient {
    client: HttpClient,
    url: Arc<str>,
}

impl SequencerClient {
    /// A client of `url` whose calls give up after `timeout`. Does not connect yet.
    pub fn new(url: &str, timeout: Duration) -> Result<Self, WatcherError> {
        let client = HttpClientBuilder::default()
            .request_timeout(timeout)
            .max_response_size(MAX_RESPONSE_BYTES)
            .build(url)
            .map_err(|error| WatcherError::Config(format!("bad RPC URL {url:?}: {error}")))?;
        Ok(SequencerClient { client, url: url.into() })
    }

    /// The URL, for logs.
    pub fn url(&self) -> &str {
        &self.url
    }

    async fn call<T: DeserializeOwned>(
        &self,
        method: &'static str,
        params: ArrayParams,
    ) -> Result<T, WatcherError> {
        let value: Value = self
            .client
            .request(method, params)
            .await
            .map_err(|source| WatcherError::Rpc { method, source })?;
        serde_json::from_value(value)
            .map_err(|error| WatcherError::Malformed { method, reason: error.to_string() })
    }

    /// `starknet_chainId`.
    pub async fn chain_id(&self) -> Result<ChainId, WatcherError> {
        let method = "starknet_chainId";
        let text: String = self.call(method, rpc_params![]).await?;
        Felt::from_hex(&text)
            .map(ChainId)
            .map_err(|_| WatcherError::Malformed { method, reason: format!("{text:?} is no felt") })
    }

    /// `starknet_blockNumber`: the latest accepted block.
    pub async fn block_number(&self) -> Result<u64, WatcherError> {
        self.call("starknet_blockNumber", rpc_params![]).await
    }

    /// The hash of accepted block `block_number` (`starknet_getBlockWithTxHashes`).
    pub async fn block_hash(&self, block_number: u64) -> Result<Felt, WatcherError> {
        let method = "starknet_getBlockWithTxHashes";
        let block: BlockWithTxHashes = self.call(method, rpc_params![id(block_number)]).await?;
        expect_number(method, block_number, block.block_number)?;
        Ok(block.block_hash)
    }

    /// `starknet_getBlockWithTxs` of accepted block `block_number`.
    pub async fn block_with_txs(&self, block_number: u64) -> Result<BlockWithTxs, WatcherError> {
        let method = "starknet_getBlockWithTxs";
        let block: BlockWithTxs = self.call(method, rpc_params![id(block_number)]).await?;
        expect_number(method, block_number, block.block_number)?;
        Ok(block)
    }

    /// `starknet_getStateUpdate` of accepted block `block_number`.
    pub async fn state_update(&self, block_number: u64) -> Result<StateUpdate, WatcherError> {
        self.call("starknet_getStateUpdate", rpc_params![id(block_number)]).await
    }

    /// `starknet_getClass` at `block_number`: a Cairo 0 class, rebuilt from its compressed form
    /// and checked to hash to `class_hash`.
    pub async fn class(
        &self,
        block_number: u64,
        class_hash: Felt,
    ) -> Result<Arc<LegacyContractClass>, WatcherError> {
        let method = "starknet_getClass";
        let class: ContractClass =
            self.call(method, rpc_params![id(block_number), class_hash]).await?;
        let ContractClass::Legacy(compressed) = class else {
            return Err(WatcherError::Class {
                class_hash,
                reason: "a Sierra class; only Cairo 0 classes are supported".into(),
            });
        };
        // CPU work (gunzip, JSON, hashing): off the async workers.
        let rebuilt = tokio::task::spawn_blocking(move || chain::classes::decompress(&compressed))
            .await
            .map_err(|error| WatcherError::Task {
                what: "class decompression",
                reason: error.to_string(),
            })?
            .map_err(|error| WatcherError::Class { class_hash, reason: error.to_string() })?;
        if rebuilt.class_hash != class_hash {
            return Err(WatcherError::Class {
                class_hash,
                reason: format!("the served class hashes to {:#x}", rebuilt.class_hash),
            });
        }
        Ok(rebuilt.class)
    }
}

fn id(block_number: u64) -> Value {
    json!({ "block_number": block_number })
}

fn expect_number(method: &'static str, asked: u64, got: u64) -> Result<(), WatcherError> {
    if asked == got {
        Ok(())
    } else {
        Err(WatcherError::Malformed {
            method,
            reason: format!("asked for block {asked}, got {got}"),
        })
    }
}
