//! [`SequencerClient`]: the few Starknet JSON-RPC calls the watcher makes, with typed errors.
//!
//! Every answer is first read as JSON and then decoded into the spec type, so that a malformed
//! answer is a [`WatcherError::Malformed`] naming the method, never a panic. Answers are also
//! checked against the question (the block asked for, the class hash asked for): a sequencer
//! that answers about another block is malformed too.
//!
//! Before its first call the client asks `starknet_specVersion` and speaks what the sequencer
//! offers: spec 0.10 is preferred, 0.9 accepted, anything else refused
//! ([`WatcherError::UnsupportedSpec`]). When the URL has no path (`http://host:port`) and answers
//! 0.9, `/rpc/v0_10` is tried too (where pathfinder-style nodes and our devnet serve 0.10); a URL
//! with a path is used as given. The choice is logged. In 0.10, a block's header must carry its
//! commitments and counts ([`HeaderCommitments`]), which replay then checks, and its
//! transactions no proof facts (asked for, see [`Request`]), which replay cannot account for.
//!
//! Every request's params are built by [`Request::params`] for the version spoken.

use std::sync::Arc;
use std::time::Duration;

use cairo_lang_starknet_classes::casm_contract_class::CasmContractClass;
use chain::rpc::types::{BlockWithTxHashes, BlockWithTxs, ContractClass, StateUpdate};
use chain::rpc::{HeaderCommitments, SpecVersion};
use chain::{ChainId, Felt};
use jsonrpsee::core::client::ClientT;
use jsonrpsee::http_client::{HttpClient, HttpClientBuilder};
use serde::de::DeserializeOwned;
use serde_json::Value;
use starknet_core::types::FlattenedSierraClass;
use starknet_core::types::contract::{AbiEntry, SierraClass, SierraClassDebugInfo};
use tokio::sync::OnceCell;
use tracing::info;

use crate::error::WatcherError;
use crate::requests::Request;

/// Largest answer accepted (a block with many transactions, a class).
const MAX_RESPONSE_BYTES: u32 = 64 << 20;

/// A JSON-RPC client of the watched sequencer. Cheap to clone (clones share the negotiated
/// version).
#[derive(Clone, Debug)]
pub struct SequencerClient {
    client: HttpClient,
    url: Arc<str>,
    timeout: Duration,
    /// The spec version and the endpoint speaking it, settled by the first call.
    spoken: Arc<OnceCell<Spoken>>,
}

/// The endpoint the client talks to and the spec version it speaks there.
#[derive(Clone, Debug)]
struct Spoken {
    client: HttpClient,
    url: String,
    version: SpecVersion,
}

fn http_client(url: &str, timeout: Duration) -> Result<HttpClient, WatcherError> {
    HttpClientBuilder::default()
        .request_timeout(timeout)
        .max_response_size(MAX_RESPONSE_BYTES)
        .build(url)
        .map_err(|error| WatcherError::Config(format!("bad RPC URL {url:?}: {error}")))
}

/// `url` with `path` appended, if `url` has no path of its own (`http://host:port` or with a
/// trailing `/`).
fn with_path_if_bare(url: &str, path: &str) -> Option<String> {
    let trimmed = url.trim_end_matches('/');
    let after_scheme = trimmed.split_once("://").map_or(trimmed, |(_, rest)| rest);
    (!after_scheme.contains('/')).then(|| format!("{trimmed}{path}"))
}

impl SequencerClient {
    /// A client of `url` whose calls give up after `timeout`. Does not connect yet.
    pub fn new(url: &str, timeout: Duration) -> Result<Self, WatcherError> {
        let client = http_client(url, timeout)?;
        Ok(SequencerClient { client, url: url.into(), timeout, spoken: Arc::default() })
    }

    /// The URL, for logs.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The spec version spoken (asking the sequencer first if no call has yet).
    pub async fn spec_version(&self) -> Result<SpecVersion, WatcherError> {
        Ok(self.spoken().await?.version)
    }

    async fn reported_version(client: &HttpClient) -> Result<String, WatcherError> {
        let request = Request::SpecVersion;
        let method = request.method();
        // No version is spoken yet; the request has no params in any.
        let value: Value = client
            .request(method, request.params(SpecVersion::LATEST))
            .await
            .map_err(|source| WatcherError::Rpc { method, source })?;
        serde_json::from_value(value)
            .map_err(|error| WatcherError::Malformed { method, reason: error.to_string() })
    }

    /// Settles the version on the first call (a failed attempt is retried by the next call).
    async fn spoken(&self) -> Result<&Spoken, WatcherError> {
        self.spoken.get_or_try_init(|| self.negotiate()).await
    }

    async fn negotiate(&self) -> Result<Spoken, WatcherError> {
        let reported = Self::reported_version(&self.client).await?;
        let spoken = match SpecVersion::from_reported(&reported) {
            Some(SpecVersion::V0_10) => Spoken {
                client: self.client.clone(),
                url: self.url.to_string(),
                version: SpecVersion::V0_10,
            },
            Some(SpecVersion::V0_9) => {
                let newer = match with_path_if_bare(&self.url, SpecVersion::V0_10.path()) {
                    Some(url) => self.try_0_10(url).await,
                    None => None,
                };
                newer.unwrap_or_else(|| Spoken {
                    client: self.client.clone(),
                    url: self.url.to_string(),
                    version: SpecVersion::V0_9,
                })
            }
            None => {
                return Err(WatcherError::UnsupportedSpec { url: self.url.to_string(), reported });
            }
        };
        info!(
            rpc = %spoken.url,
            spec = %spoken.version,
            "speaking Starknet JSON-RPC {} to the sequencer",
            spoken.version
        );
        Ok(spoken)
    }

    /// The 0.10 endpoint at `url`, if it answers as one.
    async fn try_0_10(&self, url: String) -> Option<Spoken> {
        let client = http_client(&url, self.timeout).ok()?;
        let reported = Self::reported_version(&client).await.ok()?;
        (SpecVersion::from_reported(&reported) == Some(SpecVersion::V0_10)).then_some(Spoken {
            client,
            url,
            version: SpecVersion::V0_10,
        })
    }

    async fn call_json(&self, request: Request) -> Result<(Value, SpecVersion), WatcherError> {
        let spoken = self.spoken().await?;
        let method = request.method();
        let value = spoken
            .client
            .request(method, request.params(spoken.version))
            .await
            .map_err(|source| WatcherError::Rpc { method, source })?;
        Ok((value, spoken.version))
    }

    async fn call<T: DeserializeOwned>(&self, request: Request) -> Result<T, WatcherError> {
        let (value, _) = self.call_json(request).await?;
        decode(request.method(), value)
    }

    /// `starknet_chainId`.
    pub async fn chain_id(&self) -> Result<ChainId, WatcherError> {
        let method = Request::ChainId.method();
        let text: String = self.call(Request::ChainId).await?;
        Felt::from_hex(&text)
            .map(ChainId)
            .map_err(|_| WatcherError::Malformed { method, reason: format!("{text:?} is no felt") })
    }

    /// `starknet_blockNumber`: the latest accepted block.
    pub async fn block_number(&self) -> Result<u64, WatcherError> {
        self.call(Request::BlockNumber).await
    }

    /// The hash of accepted block `block_number` (`starknet_getBlockWithTxHashes`).
    pub async fn block_hash(&self, block_number: u64) -> Result<Felt, WatcherError> {
        let request = Request::BlockWithTxHashes { block_number };
        let method = request.method();
        let block: BlockWithTxHashes = self.call(request).await?;
        expect_number(method, block_number, block.block_number)?;
        Ok(block.block_hash)
    }

    /// `starknet_getBlockWithTxs` of accepted block `block_number`, with its header's
    /// commitments when the sequencer speaks 0.10 (`None` in 0.9; required in 0.10). In 0.10 a
    /// transaction with proof facts is [`WatcherError::UnsupportedBlock`].
    pub async fn block_with_txs(
        &self,
        block_number: u64,
    ) -> Result<(BlockWithTxs, Option<HeaderCommitments>), WatcherError> {
        let request = Request::BlockWithTxs { block_number };
        let method = request.method();
        let (value, version) = self.call_json(request).await?;
        let malformed = |reason: String| WatcherError::Malformed { method, reason };
        if let Some(transaction_hash) = with_proof_facts(&value) {
            return Err(WatcherError::UnsupportedBlock {
                block_number,
                reason: format!(
                    "transaction {transaction_hash} carries proof facts, which replay does not \
                     cover yet"
                ),
            });
        }
        let commitments = HeaderCommitments::from_block_json(&value)
            .map_err(|error| malformed(format!("block {block_number}: {error}")))?;
        if version.has_header_commitments() && commitments.is_none() {
            return Err(malformed(format!(
                "block {block_number}: a spec {version} header without its commitments"
            )));
        }
        let block: BlockWithTxs = decode(method, value)?;
        expect_number(method, block_number, block.block_number)?;
        Ok((block, commitments))
    }

    /// `starknet_getStateUpdate` of accepted block `block_number`.
    pub async fn state_update(&self, block_number: u64) -> Result<StateUpdate, WatcherError> {
        self.call(Request::StateUpdate { block_number }).await
    }

    /// `starknet_getClass` at `block_number`, checked to hash to `class_hash`: a Cairo 0 class
    /// rebuilt from its compressed form, or a Sierra class as served.
    pub async fn class(
        &self,
        block_number: u64,
        class_hash: Felt,
    ) -> Result<chain::classes::ContractClass, WatcherError> {
        let class: ContractClass = self.call(Request::Class { block_number, class_hash }).await?;
        // CPU work (gunzip, JSON, hashing): off the async workers.
        let (hashed, class) = tokio::task::spawn_blocking(move || match class {
            ContractClass::Legacy(compressed) => chain::classes::decompress(&compressed)
                .map(|rebuilt| {
                    (rebuilt.class_hash, chain::classes::ContractClass::Legacy(rebuilt.class))
                })
                .map_err(|error| error.to_string()),
            ContractClass::Sierra(sierra) => {
                let sierra = with_hashed_abi(sierra, class_hash);
                Ok((sierra.class_hash(), chain::classes::ContractClass::Sierra(Arc::new(sierra))))
            }
        })
        .await
        .map_err(|error| WatcherError::Task {
            what: "class decompression",
            reason: error.to_string(),
        })?
        .map_err(|reason| WatcherError::Class { class_hash, reason })?;
        if hashed != class_hash {
            return Err(WatcherError::Class {
                class_hash,
                reason: format!("the served class hashes to {hashed:#x}"),
            });
        }
        Ok(class)
    }

    /// A call outside [`Request`] (starknet-devnet's predeployed state, read by
    /// [`crate::devnet_genesis`]), params by name.
    pub(crate) async fn call_named<T: DeserializeOwned>(
        &self,
        method: &'static str,
        params: Value,
    ) -> Result<T, WatcherError> {
        let spoken = self.spoken().await?;
        let params = match params {
            Value::Object(params) => params,
            _ => serde_json::Map::new(),
        };
        let value: Value = spoken
            .client
            .request(method, params)
            .await
            .map_err(|source| WatcherError::Rpc { method, source })?;
        decode(method, value)
    }

    /// `starknet_getCompiledCasm`: the CASM the sequencer's compiler made of Sierra class
    /// `class_hash`. Not trusted: the caller checks it against the compiled class hash the chain
    /// commits to ([`crate::casm`]).
    pub async fn compiled_casm(&self, class_hash: Felt) -> Result<CasmContractClass, WatcherError> {
        self.call(Request::CompiledCasm { class_hash }).await
    }
}

/// `sierra`, or the same class with its ABI string written as the compiler does
/// (`starknet-core`'s pythonic JSON) when only that one hashes to `class_hash`. The class hash
/// commits to the ABI's exact text; starknet-devnet serves the ABI of its predeclared Cairo 1
/// classes re-serialized (compact JSON), which hashes to another class hash.
fn with_hashed_abi(sierra: FlattenedSierraClass, class_hash: Felt) -> FlattenedSierraClass {
    if sierra.class_hash() == class_hash {
        return sierra;
    }
    let Ok(abi) = serde_json::from_str::<Vec<AbiEntry>>(&sierra.abi) else {
        return sierra;
    };
    let rewritten = SierraClass {
        sierra_program: sierra.sierra_program.clone(),
        sierra_program_debug_info: SierraClassDebugInfo {
            type_names: Vec::new(),
            libfunc_names: Vec::new(),
            user_func_names: Vec::new(),
        },
        contract_class_version: sierra.contract_class_version.clone(),
        entry_points_by_type: sierra.entry_points_by_type.clone(),
        abi,
    }
    .flatten();
    match rewritten {
        Ok(rewritten) if rewritten.class_hash() == class_hash => rewritten,
        _ => sierra,
    }
}

fn decode<T: DeserializeOwned>(method: &'static str, value: Value) -> Result<T, WatcherError> {
    serde_json::from_value(value)
        .map_err(|error| WatcherError::Malformed { method, reason: error.to_string() })
}

/// The hash of the first transaction of a block answer whose `proof_facts` are not empty.
fn with_proof_facts(block: &Value) -> Option<String> {
    let transactions = block.get("transactions")?.as_array()?;
    let carrying = transactions.iter().find(|transaction| {
        transaction.get("proof_facts").and_then(Value::as_array).is_some_and(|f| !f.is_empty())
    })?;
    Some(carrying.get("transaction_hash").and_then(Value::as_str).unwrap_or("?").to_owned())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_bare_urls_get_a_path() {
        let path = "/rpc/v0_10";
        let url = with_path_if_bare("http://127.0.0.1:5050", path);
        assert_eq!(url.as_deref(), Some("http://127.0.0.1:5050/rpc/v0_10"));
        let url = with_path_if_bare("http://node:5050/", path);
        assert_eq!(url.as_deref(), Some("http://node:5050/rpc/v0_10"));
        assert_eq!(with_path_if_bare("http://node:5050/rpc/v0_9", path), None);
        assert_eq!(with_path_if_bare("https://node/starknet", path), None);
    }

    #[test]
    fn only_non_empty_proof_facts_are_found() {
        let block = serde_json::json!({ "transactions": [
            { "transaction_hash": "0x1", "type": "INVOKE", "proof_facts": [] },
            { "transaction_hash": "0x2", "type": "DECLARE" },
        ]});
        assert_eq!(with_proof_facts(&block), None);
        let block = serde_json::json!({ "transactions": [
            { "transaction_hash": "0x1", "type": "INVOKE", "proof_facts": [] },
            { "transaction_hash": "0x3", "type": "INVOKE", "proof_facts": ["0x5"] },
        ]});
        assert_eq!(with_proof_facts(&block).as_deref(), Some("0x3"));
    }
}
