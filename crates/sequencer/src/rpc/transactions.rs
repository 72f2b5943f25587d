//! Transaction reads: `getTransactionByHash`, `getTransactionReceipt`,
//! `getTransactionStatus`. A waiting transaction is `RECEIVED` and has no receipt yet.

use chain::rpc::convert;
use chain::rpc::types::requests::{
    GetTransactionByHashRequest, GetTransactionReceiptRequest, GetTransactionStatusRequest,
};
use chain::rpc::types::{
    ExecutionResult, ReceiptBlock, TransactionFinalityStatus, TransactionReceiptWithBlockInfo,
    TransactionStatus,
};
use chain::{ExecutionStatus, Felt};
use jsonrpsee::types::{ErrorObjectOwned, Params};
use serde_json::Value;

use super::blocks::{committed, json};
use super::errors::from_node;
use super::params::parse;
use crate::SequencerError;
use crate::node::Node;

/// `starknet_getTransactionByHash`.
pub fn by_hash(node: &Node, params: &Params<'_>) -> Result<Value, ErrorObjectOwned> {
    let hash = parse::<GetTransactionByHashRequest>(params)?.transaction_hash;
    if let Some(record) = node.store().transaction(&hash).map_err(from_node)? {
        return json(convert::transaction_to_rpc(&record.transaction, hash));
    }
    let waiting = node.mempool().map_err(from_node)?.get(&hash).cloned();
    match waiting {
        Some(record) => json(convert::transaction_to_rpc(&record.transaction, hash)),
        None => Err(from_node(SequencerError::TransactionNotFound(hash))),
    }
}

/// `starknet_getTransactionReceipt`.
pub fn receipt(node: &Node, params: &Params<'_>) -> Result<Value, ErrorObjectOwned> {
    let hash = parse::<GetTransactionReceiptRequest>(params)?.transaction_hash;
    let store = node.store();
    let (Some(record), Some(receipt)) =
        (store.transaction(&hash).map_err(from_node)?, store.receipt(&hash).map_err(from_node)?)
    else {
        return Err(from_node(SequencerError::TransactionNotFound(hash)));
    };
    let block = committed(node, record.block_number).map_err(from_node)?;
    let wire = convert::receipt_to_rpc(&receipt, TransactionFinalityStatus::AcceptedOnL2)
        .map_err(|e| from_node(SequencerError::corrupt("receipts", e)))?;
    json(TransactionReceiptWithBlockInfo {
        receipt: wire,
        block: ReceiptBlock::Block {
            block_hash: block.block_hash,
            block_number: record.block_number,
        },
    })
}

/// The status of a transaction, `None` if unknown (never seen, or dropped as invalid).
pub fn status_of(node: &Node, hash: &Felt) -> Result<Option<TransactionStatus>, SequencerError> {
    if let Some(receipt) = node.store().receipt(hash)? {
        let result = match receipt.execution_status {
            ExecutionStatus::Succeeded => ExecutionResult::Succeeded,
            ExecutionStatus::Reverted { reason } => ExecutionResult::Reverted { reason },
        };
        return Ok(Some(TransactionStatus::AcceptedOnL2(result)));
    }
    if node.mempool()?.contains(hash) {
        return Ok(Some(TransactionStatus::Received));
    }
    Ok(None)
}

/// `starknet_getTransactionStatus`. Spec 0.9 has no REJECTED status: a transaction dropped
/// from the mempool as invalid is unknown (its reason is in the node's log).
pub fn status(node: &Node, params: &Params<'_>) -> Result<Value, ErrorObjectOwned> {
    let hash = parse::<GetTransactionStatusRequest>(params)?.transaction_hash;
    match status_of(node, &hash).map_err(from_node)? {
        Some(status) => json(status),
        None => Err(from_node(SequencerError::TransactionNotFound(hash))),
    }
}

/// `starknet_getTransactionByBlockIdAndIndex` (the pre-confirmed block has none).
pub fn by_block_and_index(node: &Node, params: &Params<'_>) -> Result<Value, ErrorObjectOwned> {
    use chain::rpc::types::requests::GetTransactionByBlockIdAndIndexRequest;
    let request = parse::<GetTransactionByBlockIdAndIndexRequest>(params)?;
    let invalid_index =
        || super::errors::starknet(chain::rpc::error::StarknetError::InvalidTransactionIndex);
    let number = match super::blocks::resolve(node, &request.block_id).map_err(from_node)? {
        super::blocks::Resolved::Committed(number) => number,
        super::blocks::Resolved::PreConfirmed => return Err(invalid_index()),
    };
    let block = committed(node, number).map_err(from_node)?;
    let index = usize::try_from(request.index).map_err(|_| invalid_index())?;
    let hash = *block.transaction_hashes.get(index).ok_or_else(invalid_index)?;
    let record = node
        .store()
        .transaction(&hash)
        .map_err(from_node)?
        .ok_or_else(|| from_node(SequencerError::TransactionNotFound(hash)))?;
    json(convert::transaction_to_rpc(&record.transaction, hash))
}
