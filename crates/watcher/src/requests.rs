//! [`Request`]: every JSON-RPC request the watcher sends, with its params shaped by the spec
//! version spoken ([`Request::params`]).
//!
//! Params go **by name** (`{"block_id": {"block_number": 7}}`, `{}` for none), which both spec
//! versions allow for every method (a method's `paramStructure` is `by-name` or unset, which
//! OpenRPC reads as "either"). By position, the methods whose optional params grew in 0.10
//! (`response_flags` of `starknet_getBlockWithTxs`, `contract_addresses` of
//! `starknet_getStateUpdate`) are read differently by different servers: starknet-devnet 0.10
//! refuses `[block_id]` for `getBlockWithTxs`, as its request types read a positional list as
//! a fixed-length tuple. By name, an optional param left out is simply absent.
//!
//! In 0.10 the watcher asks `getBlockWithTxs` for `INCLUDE_PROOF_FACTS`, so that it sees every
//! field of a transaction; replay cannot account for proof facts yet, and the client refuses a
//! block that has some ([`WatcherError::UnsupportedBlock`](crate::WatcherError)) instead of
//! replaying it without them. `tests/spec_requests.rs` checks every request against the params
//! of the vendored spec documents of both versions.

use chain::Felt;
use chain::rpc::SpecVersion;
use serde_json::{Map, Value, json};

/// The spec 0.10 flag that asks for a transaction's `proof_facts` (`TXN_RESPONSE_FLAG`).
pub const INCLUDE_PROOF_FACTS: &str = "INCLUDE_PROOF_FACTS";

/// A request of the watcher to the sequencer. Blocks are named by number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Request {
    /// `starknet_specVersion`: asked first, before a version is spoken.
    SpecVersion,
    /// `starknet_chainId`.
    ChainId,
    /// `starknet_blockNumber`.
    BlockNumber,
    /// `starknet_getBlockWithTxHashes`.
    BlockWithTxHashes {
        block_number: u64,
    },
    /// `starknet_getBlockWithTxs` (in 0.10 with `INCLUDE_PROOF_FACTS`).
    BlockWithTxs {
        block_number: u64,
    },
    /// `starknet_getStateUpdate` (every contract's changes: no `contract_addresses` filter).
    StateUpdate {
        block_number: u64,
    },
    /// `starknet_getClass` at a block.
    Class {
        block_number: u64,
        class_hash: Felt,
    },
    CompiledCasm {
        class_hash: Felt,
    },
}

impl Request {
    /// Every method the watcher calls, in the order a sync first calls them.
    pub const METHODS: [&'static str; 8] = [
        "starknet_specVersion",
        "starknet_chainId",
        "starknet_blockNumber",
        "starknet_getBlockWithTxHashes",
        "starknet_getBlockWithTxs",
        "starknet_getStateUpdate",
        "starknet_getClass",
        "starknet_getCompiledCasm",
    ];

    /// The JSON-RPC method name.
    pub const fn method(&self) -> &'static str {
        match self {
            Request::SpecVersion => "starknet_specVersion",
            Request::ChainId => "starknet_chainId",
            Request::BlockNumber => "starknet_blockNumber",
            Request::BlockWithTxHashes { .. } => "starknet_getBlockWithTxHashes",
            Request::BlockWithTxs { .. } => "starknet_getBlockWithTxs",
            Request::StateUpdate { .. } => "starknet_getStateUpdate",
            Request::Class { .. } => "starknet_getClass",
            Request::CompiledCasm { .. } => "starknet_getCompiledCasm",
        }
    }

    /// The params, by name, as spec `version` defines the method's.
    pub fn params(&self, version: SpecVersion) -> Map<String, Value> {
        let mut params = Map::new();
        match *self {
            Request::SpecVersion | Request::ChainId | Request::BlockNumber => {}
            Request::BlockWithTxHashes { block_number } | Request::StateUpdate { block_number } => {
                params.insert("block_id".into(), block_id(block_number));
            }
            Request::BlockWithTxs { block_number } => {
                params.insert("block_id".into(), block_id(block_number));
                if version >= SpecVersion::V0_10 {
                    params.insert("response_flags".into(), json!([INCLUDE_PROOF_FACTS]));
                }
            }
            Request::Class { block_number, class_hash } => {
                params.insert("block_id".into(), block_id(block_number));
                params.insert("class_hash".into(), json!(class_hash));
            }
            Request::CompiledCasm { class_hash } => {
                params.insert("class_hash".into(), json!(class_hash));
            }
        }
        params
    }
}

/// `BLOCK_ID` of a block number.
fn block_id(block_number: u64) -> Value {
    json!({ "block_number": block_number })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_are_asked_for_in_0_10_only() {
        let request = Request::BlockWithTxs { block_number: 3 };
        let spoken_0_9 = Value::Object(request.params(SpecVersion::V0_9));
        assert_eq!(spoken_0_9, json!({ "block_id": { "block_number": 3 } }));
        let spoken_0_10 = Value::Object(request.params(SpecVersion::V0_10));
        assert_eq!(spoken_0_10["response_flags"], json!(["INCLUDE_PROOF_FACTS"]));
        for version in SpecVersion::ALL {
            assert!(Request::ChainId.params(version).is_empty(), "sent as {{}}");
        }
    }

    /// `starknet_getCompiledCasm` is in the spec's executables document, which
    /// `tests/spec_requests.rs` does not load: its one param, by name.
    #[test]
    fn compiled_casm_names_the_class_hash() {
        let params = Request::CompiledCasm { class_hash: Felt::from(0xabcu64) };
        for version in SpecVersion::ALL {
            assert_eq!(Value::Object(params.params(version)), json!({ "class_hash": "0xabc" }));
        }
    }

    #[test]
    fn every_method_is_listed() {
        let class_hash = Felt::from(7u64);
        let requests = [
            Request::SpecVersion,
            Request::ChainId,
            Request::BlockNumber,
            Request::BlockWithTxHashes { block_number: 0 },
            Request::BlockWithTxs { block_number: 0 },
            Request::StateUpdate { block_number: 0 },
            Request::Class { block_number: 0, class_hash },
            Request::CompiledCasm { class_hash },
        ];
        let methods: Vec<_> = requests.iter().map(Request::method).collect();
        assert_eq!(methods, Request::METHODS);
    }
}
