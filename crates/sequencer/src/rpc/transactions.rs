//! Transaction reads: `getTransactionByHash`, `getTransactionReceipt`,
//! `getTransactionStatus`, `getTransactionByBlockIdAndIndex`. A waiting transaction is
//! `RECEIVED` and has no receipt yet. On the 0.10 path the two transaction reads take
//! `response_flags` ([`super::flags`]).

use chain::rpc::types::requests::{GetTransactionReceiptRequest, GetTransactionStatusRequest};
use chain::rpc::types::{
    BlockId, ExecutionResult, ReceiptBlock, TransactionFinalityStatus,
    TransactionReceiptWithBlockInfo, TransactionStatus,
};
use chain::rpc::{SpecVersion, convert};
use chain::{ExecutionStatus, Felt, Transaction};
use jsonrpsee::types::{ErrorObjectOwned, Params};
use serde_json::Value;

use super::blocks::{committed, json};
use super::errors::from_node;
use super::flags::{INCLUDE_PROOF_FACTS, add_proof_facts, has_flag};
use super::params::{parse, required, versioned};
use crate::SequencerError;
use crate::node::Node;

/// A transaction with its hash, with `proof_facts` if asked for.
fn transaction_answer(
    transaction: &Transaction,
    hash: Felt,
    proof_facts: bool,
) -> Result<Value, ErrorObjectOwned> {
    let mut answer = json(convert::transaction_to_rpc(transaction, hash))?;
    if proof_facts {
        add_proof_facts(&mut answer);
    }
    Ok(answer)
}

/// `starknet_getTransactionByHash`.
pub fn by_hash(
    node: &Node,
    params: &Params<'_>,
    version: SpecVersion,
) -> Result<Value, ErrorObjectOwned> {
    let mut values =
        versioned(params, version, &["transaction_hash"], &["response_flags"])?.into_iter();
    let hash: Felt = required(values.next().unwrap_or_default(), "transaction_hash")?;
    let proof_facts = has_flag(values.next().unwrap_or_default(), INCLUDE_PROOF_FACTS)?;
    if let Some(record) = node.store().transaction(&hash).map_err(from_node)? {
        return transaction_answer(&record.transaction, hash, proof_facts);
    }
    let waiting = node.mempool().map_err(from_node)?.get(&hash).cloned();
    match waiting {
        Some(record) => transaction_answer(&record.transaction, hash, proof_facts),
        None => Err(from_node(SequencerError::TransactionNotFound(hash))),
    }
}

/// `starknet_getTransactionReceipt`.
pub fn receipt(
    node: &Node,
    params: &Params<'_>,
    _: SpecVersion,
) -> Result<Value, ErrorObjectOwned> {
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

/// `starknet_getTransactionStatus`. Specs 0.9 and 0.10 have no REJECTED status: a transaction dropped
/// from the mempool as invalid is unknown (its reason is in the node's log).
pub fn status(node: &Node, params: &Params<'_>, _: SpecVersion) -> Result<Value, ErrorObjectOwned> {
    let hash = parse::<GetTransactionStatusRequest>(params)?.transaction_hash;
    match status_of(node, &hash).map_err(from_node)? {
        Some(status) => json(status),
        None => Err(from_node(SequencerError::TransactionNotFound(hash))),
    }
}

/// `starknet_getTransactionByBlockIdAndIndex` (the pre-confirmed block has none).
pub fn by_block_and_index(
    node: &Node,
    params: &Params<'_>,
    version: SpecVersion,
) -> Result<Value, ErrorObjectOwned> {
    let mut values =
        versioned(params, version, &["block_id", "index"], &["response_flags"])?.into_iter();
    let block_id: BlockId = required(values.next().unwrap_or_default(), "block_id")?;
    let index: u64 = required(values.next().unwrap_or_default(), "index")?;
    let proof_facts = has_flag(values.next().unwrap_or_default(), INCLUDE_PROOF_FACTS)?;
    let invalid_index =
        || super::errors::starknet(chain::rpc::error::StarknetError::InvalidTransactionIndex);
    let number = match super::blocks::resolve(node, &block_id).map_err(from_node)? {
        super::blocks::Resolved::Committed(number) => number,
        super::blocks::Resolved::PreConfirmed => return Err(invalid_index()),
    };
    let block = committed(node, number).map_err(from_node)?;
    let index = usize::try_from(index).map_err(|_| invalid_index())?;
    let hash = *block.transaction_hashes.get(index).ok_or_else(invalid_index)?;
    let record = node
        .store()
        .transaction(&hash)
        .map_err(from_node)?
        .ok_or_else(|| from_node(SequencerError::TransactionNotFound(hash)))?;
    transaction_answer(&record.transaction, hash, proof_facts)
}
