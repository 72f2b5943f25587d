//! The Starknet JSON-RPC methods, in spec 0.9 and 0.10, on jsonrpsee over HTTP.
//!
//! One handler per method answers for both versions: it is given the [`SpecVersion`] of the
//! path the request came on ([`crate::http`] puts it in the request's extensions) and answers in
//! that version's shape. What differs (spec 0.10.3 against 0.9.0):
//!
//! * block headers of `getBlockWithTxHashes`/`Txs`/`Receipts` carry the block's commitments and
//!   counts ([`chain::rpc::HeaderCommitments`]; pre-confirmed headers are the same in both);
//! * `getBlockWithTxs`, `getBlockWithReceipts`, `getTransactionByHash` and
//!   `getTransactionByBlockIdAndIndex` take optional `response_flags` (`INCLUDE_PROOF_FACTS`:
//!   INVOKE v3 transactions show `proof_facts`, always empty here);
//! * `getStorageAt` takes optional `response_flags` (`INCLUDE_LAST_UPDATE_BLOCK`: the answer is
//!   `{value, last_update_block}`);
//! * `getStateUpdate` takes optional `contract_addresses` (the diff of those contracts only;
//!   declared classes stay);
//! * `getEvents` accepts a list of emitter addresses, and emitted events carry
//!   `transaction_index` and `event_index`;
//! * `traceBlockTransactions` takes optional `trace_flags` and `simulateTransactions` one more
//!   simulation flag (`RETURN_INITIAL_READS` in both: the answer becomes an object with the
//!   traces and the `initial_reads` of the whole run, [`initial_reads`]).
//!
//! A 0.10 param sent to the 0.9 path is refused as -32602 (invalid params), as 0.9 defines it.
//!
//! Methods that run the executor, hash classes or write to disk are registered as blocking
//! methods (tokio's blocking pool); plain sled reads answer inline. Malformed requests get
//! JSON-RPC errors (-32700 parse error, -32601 unknown method, -32602 invalid params) and
//! failures get the spec's Starknet error codes ([`errors`]). Request sizes are bounded per
//! method ([`size`]).

pub mod amount;
pub mod blocks;
pub mod devnet;
pub mod errors;
pub mod events;
pub mod execution;
pub mod flags;
pub mod initial_reads;
pub mod message_fee;
pub mod params;
pub mod size;
pub mod state;
pub mod traces;
pub mod transactions;
pub mod write;

use std::sync::Arc;

use chain::rpc::SpecVersion;
use jsonrpsee::types::{ErrorObjectOwned, Params};
use jsonrpsee::{Extensions, RpcModule};
use serde_json::Value;

use crate::node::Node;

/// A method: reads the node, answers JSON in the shape of the given spec version.
type Handler = fn(&Node, &Params<'_>, SpecVersion) -> Result<Value, ErrorObjectOwned>;

/// Methods answered on the async worker (cheap reads).
const INLINE: &[(&str, Handler)] = &[
    ("starknet_specVersion", spec_version),
    ("starknet_chainId", chain_id),
    ("starknet_blockNumber", blocks::block_number),
    ("starknet_blockHashAndNumber", blocks::block_hash_and_number),
    ("starknet_getStateUpdate", blocks::state_update),
    ("starknet_getTransactionByHash", transactions::by_hash),
    ("starknet_getTransactionReceipt", transactions::receipt),
    ("starknet_getTransactionStatus", transactions::status),
    ("starknet_getStorageAt", state::storage_at),
    ("starknet_getNonce", state::nonce),
    ("starknet_getClassHashAt", state::class_hash_at),
    ("starknet_getBlockTransactionCount", blocks::transaction_count),
    ("starknet_getTransactionByBlockIdAndIndex", transactions::by_block_and_index),
    ("starknet_syncing", syncing),
    ("devnet_getPredeployedAccounts", devnet::predeployed_accounts),
];

/// Methods run on the blocking pool (execution, compression, proofs, scans, disk writes).
const BLOCKING: &[(&str, Handler)] = &[
    // On the 0.10 path it reads the block's receipts and hashes them (receipt commitment).
    ("starknet_getBlockWithTxHashes", blocks::with_tx_hashes),
    ("starknet_getBlockWithTxs", blocks::with_txs),
    ("starknet_getBlockWithReceipts", blocks::with_receipts),
    ("starknet_getClass", state::class),
    ("starknet_getClassAt", state::class_at),
    ("starknet_getCompiledCasm", state::compiled_casm),
    ("starknet_getStorageProof", state::storage_proof),
    ("starknet_call", execution::call),
    ("starknet_estimateFee", execution::estimate_fee),
    ("starknet_estimateMessageFee", message_fee::estimate_message_fee),
    ("starknet_simulateTransactions", execution::simulate_transactions),
    ("starknet_traceTransaction", traces::trace_transaction),
    ("starknet_traceBlockTransactions", traces::trace_block_transactions),
    ("starknet_getEvents", events::get_events),
    ("starknet_addInvokeTransaction", write::add_invoke),
    ("starknet_addDeployAccountTransaction", write::add_deploy_account),
    ("starknet_addDeclareTransaction", write::add_declare),
    ("devnet_createBlock", devnet::create_block),
    ("devnet_mint", devnet::mint),
    ("devnet_abortBlocks", devnet::abort_blocks),
    ("devnet_dump", devnet::dump),
    ("devnet_load", devnet::load),
];

/// Names of every method served.
pub fn method_names() -> Vec<&'static str> {
    INLINE.iter().chain(BLOCKING).map(|(name, _)| *name).collect()
}

/// The spec version of the request's path; [`SpecVersion::LATEST`] for a call that did not come
/// through [`crate::http`] (a module called in-process).
pub fn version_of(extensions: &Extensions) -> SpecVersion {
    extensions.get::<SpecVersion>().copied().unwrap_or(SpecVersion::LATEST)
}

fn spec_version(_: &Node, _: &Params<'_>, version: SpecVersion) -> Result<Value, ErrorObjectOwned> {
    Ok(Value::String(version.as_str().to_owned()))
}

/// A single sequencer is never syncing.
fn syncing(_: &Node, _: &Params<'_>, _: SpecVersion) -> Result<Value, ErrorObjectOwned> {
    Ok(Value::Bool(false))
}

fn chain_id(node: &Node, _: &Params<'_>, _: SpecVersion) -> Result<Value, ErrorObjectOwned> {
    Ok(Value::String(format!("{:#x}", node.config().chain_id.as_felt())))
}

/// The RPC module over `node`, for every spec version (see [`version_of`]).
pub fn module(node: Arc<Node>) -> RpcModule<Arc<Node>> {
    let mut module = RpcModule::new(node);
    for (name, handler) in INLINE {
        let (name, handler) = (*name, *handler);
        module
            .register_method(name, move |params, node, extensions| {
                size::check(node, name, &params)?;
                handler(node, &params, version_of(extensions))
            })
            .expect("method names are unique");
    }
    for (name, handler) in BLOCKING {
        let (name, handler) = (*name, *handler);
        module
            .register_blocking_method(name, move |params, node, extensions| {
                size::check(&node, name, &params)?;
                handler(&node, &params, version_of(&extensions))
            })
            .expect("method names are unique");
    }
    module
}
