//! The Starknet JSON-RPC server (spec 0.9, the shapes `starknet-providers` 0.16 reads), on
//! jsonrpsee over HTTP.
//!
//! Methods that run the executor, hash classes or write to disk are registered as blocking
//! methods (tokio's blocking pool); plain sled reads answer inline. Malformed requests get
//! JSON-RPC errors (-32700 parse error, -32601 unknown method, -32602 invalid params) and
//! failures get the spec's Starknet error codes ([`errors`]). Request sizes are bounded per
//! method ([`size`]).

pub mod blocks;
pub mod errors;
pub mod events;
pub mod execution;
pub mod params;
pub mod size;
pub mod state;
pub mod transactions;
pub mod write;

use std::sync::Arc;

use jsonrpsee::RpcModule;
use jsonrpsee::types::{ErrorObjectOwned, Params};
use serde_json::Value;

use crate::node::Node;

/// A method: reads the node, answers JSON.
type Handler = fn(&Node, &Params<'_>) -> Result<Value, ErrorObjectOwned>;

/// Methods answered on the async worker (cheap reads).
const INLINE: &[(&str, Handler)] = &[
    ("starknet_specVersion", spec_version),
    ("starknet_chainId", chain_id),
    ("starknet_blockNumber", blocks::block_number),
    ("starknet_blockHashAndNumber", blocks::block_hash_and_number),
    ("starknet_getBlockWithTxHashes", blocks::with_tx_hashes),
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
];

/// Methods run on the blocking pool (execution, compression, proofs, scans, disk writes).
const BLOCKING: &[(&str, Handler)] = &[
    ("starknet_getBlockWithTxs", blocks::with_txs),
    ("starknet_getBlockWithReceipts", blocks::with_receipts),
    ("starknet_getClass", state::class),
    ("starknet_getClassAt", state::class_at),
    ("starknet_getStorageProof", state::storage_proof),
    ("starknet_call", execution::call),
    ("starknet_estimateFee", execution::estimate_fee),
    ("starknet_getEvents", events::get_events),
    ("starknet_addInvokeTransaction", write::add_invoke),
    ("starknet_addDeployAccountTransaction", write::add_deploy_account),
    ("starknet_addDeclareTransaction", write::add_declare),
];

/// Names of every method served.
pub fn method_names() -> Vec<&'static str> {
    INLINE.iter().chain(BLOCKING).map(|(name, _)| *name).collect()
}

fn spec_version(_: &Node, _: &Params<'_>) -> Result<Value, ErrorObjectOwned> {
    Ok(Value::String(chain::rpc::SPEC_VERSION.to_owned()))
}

/// A single sequencer is never syncing.
fn syncing(_: &Node, _: &Params<'_>) -> Result<Value, ErrorObjectOwned> {
    Ok(Value::Bool(false))
}

fn chain_id(node: &Node, _: &Params<'_>) -> Result<Value, ErrorObjectOwned> {
    Ok(Value::String(format!("{:#x}", node.config().chain_id.as_felt())))
}

/// The RPC module over `node`.
pub fn module(node: Arc<Node>) -> RpcModule<Arc<Node>> {
    let mut module = RpcModule::new(node);
    for (name, handler) in INLINE {
        let (name, handler) = (*name, *handler);
        module
            .register_method(name, move |params, node, _| {
                size::check(node, name, &params)?;
                handler(node, &params)
            })
            .expect("method names are unique");
    }
    for (name, handler) in BLOCKING {
        let (name, handler) = (*name, *handler);
        module
            .register_blocking_method(name, move |params, node, _| {
                size::check(&node, name, &params)?;
                handler(&node, &params)
            })
            .expect("method names are unique");
    }
    module
}
