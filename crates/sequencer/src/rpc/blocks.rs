//! Block reads: block ids, `blockNumber`, `blockHashAndNumber`, `getBlockWith{TxHashes,Txs,
//! Receipts}` and `getStateUpdate`, in the shape of the request's spec version (a 0.10 header
//! carries [`HeaderCommitments`]; see [`super`] for the other differences).
//!
//! The `pre_confirmed` block is the block under construction. Transactions execute only when a
//! block is produced, so it is always empty here: waiting transactions have status `RECEIVED`,
//! not `PRE_CONFIRMED`. State reads at `pre_confirmed` see the latest block.

use chain::Felt;
use chain::rpc::types::requests::GetBlockWithTxHashesRequest;
use chain::rpc::types::{
    BlockHashAndNumber, BlockId, BlockStatus, BlockTag, ConfirmedBlockId, L1DataAvailabilityMode,
    PreConfirmedBlockWithReceipts, PreConfirmedBlockWithTxHashes, PreConfirmedBlockWithTxs,
    PreConfirmedStateUpdate, StateDiff,
};
use chain::rpc::{HeaderCommitments, SpecVersion, convert};
use jsonrpsee::types::{ErrorObjectOwned, Params};
use serde::Serialize;
use serde_json::Value;

use super::errors::from_node;
use super::flags::{INCLUDE_PROOF_FACTS, add_proof_facts, has_flag};
use super::params::{optional, parse, required, versioned};
use crate::SequencerError;
use crate::node::Node;
use crate::store::BlockRecord;

/// A resolved block id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resolved {
    /// A produced block.
    Committed(u64),
    /// The block under construction.
    PreConfirmed,
}

/// Resolves a block id (`l1_accepted` names no block: nothing is settled on L1).
pub fn resolve(node: &Node, id: &BlockId) -> Result<Resolved, SequencerError> {
    let latest = node.store().latest_block_number()?.ok_or(SequencerError::BlockNotFound)?;
    match id {
        BlockId::Number(number) if *number <= latest => Ok(Resolved::Committed(*number)),
        BlockId::Number(_) => Err(SequencerError::BlockNotFound),
        BlockId::Hash(hash) => node
            .store()
            .block_number_by_hash(hash)?
            .map(Resolved::Committed)
            .ok_or(SequencerError::BlockNotFound),
        BlockId::Tag(BlockTag::Latest) => Ok(Resolved::Committed(latest)),
        BlockId::Tag(BlockTag::PreConfirmed) => Ok(Resolved::PreConfirmed),
        BlockId::Tag(BlockTag::L1Accepted) => Err(SequencerError::BlockNotFound),
    }
}

/// The committed block whose state a read at `id` sees.
pub fn state_block(node: &Node, id: &BlockId) -> Result<u64, SequencerError> {
    match resolve(node, id)? {
        Resolved::Committed(number) => Ok(number),
        Resolved::PreConfirmed => Ok(node.latest_block()?.header.block_number),
    }
}

/// [`state_block`] for the ids of `getStorageProof`.
pub fn confirmed_block(node: &Node, id: &ConfirmedBlockId) -> Result<u64, SequencerError> {
    let id = match id {
        ConfirmedBlockId::Hash(hash) => BlockId::Hash(*hash),
        ConfirmedBlockId::Number(number) => BlockId::Number(*number),
        ConfirmedBlockId::Latest => BlockId::Tag(BlockTag::Latest),
        ConfirmedBlockId::L1Accepted => BlockId::Tag(BlockTag::L1Accepted),
    };
    state_block(node, &id)
}

pub(crate) fn committed(node: &Node, number: u64) -> Result<BlockRecord, SequencerError> {
    node.store().block(number)?.ok_or(SequencerError::BlockNotFound)
}

pub(crate) fn json<T: Serialize>(value: T) -> Result<Value, ErrorObjectOwned> {
    serde_json::to_value(value)
        .map_err(|error| from_node(SequencerError::Executor(error.to_string())))
}

fn block_id(params: &Params<'_>) -> Result<BlockId, ErrorObjectOwned> {
    // For the methods that take just `block_id`; this request type parses both param shapes.
    Ok(parse::<GetBlockWithTxHashesRequest>(params)?.block_id)
}

/// `block_id` and, in 0.10, whether `response_flags` asks for proof facts.
fn block_id_and_proof_facts(
    params: &Params<'_>,
    version: SpecVersion,
) -> Result<(BlockId, bool), ErrorObjectOwned> {
    let mut values = versioned(params, version, &["block_id"], &["response_flags"])?.into_iter();
    let block_id = required(values.next().unwrap_or_default(), "block_id")?;
    let proof_facts = has_flag(values.next().unwrap_or_default(), INCLUDE_PROOF_FACTS)?;
    Ok((block_id, proof_facts))
}

/// Adds the 0.10 header fields of `block` (its header's own) to its `answer` on the 0.10 path.
fn with_header_commitments(block: &BlockRecord, version: SpecVersion, mut answer: Value) -> Value {
    if version.has_header_commitments() {
        HeaderCommitments::of_header(&block.header).insert_into(&mut answer);
    }
    answer
}

/// Applies [`add_proof_facts`] to each transaction of a block answer; `nested` when each item
/// holds its transaction under `"transaction"` (`getBlockWithReceipts`).
fn add_proof_facts_to_block(answer: &mut Value, nested: bool) {
    let Some(Value::Array(items)) = answer.get_mut("transactions") else { return };
    for item in items {
        match (nested, item.get_mut("transaction")) {
            (true, Some(transaction)) => add_proof_facts(transaction),
            (true, None) => {}
            (false, _) => add_proof_facts(item),
        }
    }
}

/// `starknet_blockNumber`.
pub fn block_number(
    node: &Node,
    _: &Params<'_>,
    _: SpecVersion,
) -> Result<Value, ErrorObjectOwned> {
    json(node.latest_block().map_err(from_node)?.header.block_number)
}

/// `starknet_blockHashAndNumber`.
pub fn block_hash_and_number(
    node: &Node,
    _: &Params<'_>,
    _: SpecVersion,
) -> Result<Value, ErrorObjectOwned> {
    let latest = node.latest_block().map_err(from_node)?;
    json(BlockHashAndNumber {
        block_hash: latest.block_hash,
        block_number: latest.header.block_number,
    })
}

struct Pending {
    block_number: u64,
    timestamp: u64,
    sequencer_address: Felt,
    header: chain::rpc::types::BlockHeader,
}

/// The pre-confirmed block in one of the spec's three shapes, all with the same fields: it is
/// always empty, since transactions execute only when a block is produced.
macro_rules! empty_pre_confirmed {
    ($shape:ident, $pending:expr) => {{
        let p = $pending;
        $shape {
            transactions: vec![],
            block_number: p.block_number,
            timestamp: p.timestamp,
            sequencer_address: p.sequencer_address,
            l1_gas_price: p.header.l1_gas_price,
            l2_gas_price: p.header.l2_gas_price,
            l1_data_gas_price: p.header.l1_data_gas_price,
            l1_da_mode: L1DataAvailabilityMode::Calldata,
            starknet_version: p.header.starknet_version,
        }
    }};
}

fn pending(node: &Node) -> Result<Pending, SequencerError> {
    let latest = node.latest_block()?;
    let info = node.pending_block_info()?;
    // Prices and version as the next block will carry them.
    let header = convert::header_to_rpc(&latest.header, latest.block_hash);
    Ok(Pending {
        block_number: info.block_number,
        timestamp: info.timestamp,
        sequencer_address: info.sequencer_address,
        header,
    })
}

/// `starknet_getBlockWithTxHashes`.
pub fn with_tx_hashes(
    node: &Node,
    params: &Params<'_>,
    version: SpecVersion,
) -> Result<Value, ErrorObjectOwned> {
    match resolve(node, &block_id(params)?).map_err(from_node)? {
        Resolved::Committed(number) => {
            let block = committed(node, number).map_err(from_node)?;
            let answer = json(convert::block_with_tx_hashes(
                &block.header,
                BlockStatus::AcceptedOnL2,
                block.transaction_hashes.clone(),
            ))?;
            Ok(with_header_commitments(&block, version, answer))
        }
        Resolved::PreConfirmed => {
            let p = pending(node).map_err(from_node)?;
            json(empty_pre_confirmed!(PreConfirmedBlockWithTxHashes, p))
        }
    }
}

fn transactions_of(
    node: &Node,
    block: &BlockRecord,
) -> Result<Vec<(chain::Transaction, chain::Receipt)>, SequencerError> {
    block
        .transaction_hashes
        .iter()
        .map(|hash| {
            let record = node.store().transaction(hash)?;
            let receipt = node.store().receipt(hash)?;
            match (record, receipt) {
                (Some(record), Some(receipt)) => Ok((record.transaction, receipt)),
                _ => Err(SequencerError::corrupt("transactions", format!("{hash:#x} missing"))),
            }
        })
        .collect()
}

/// `starknet_getBlockWithTxs`.
pub fn with_txs(
    node: &Node,
    params: &Params<'_>,
    version: SpecVersion,
) -> Result<Value, ErrorObjectOwned> {
    let (id, proof_facts) = block_id_and_proof_facts(params, version)?;
    match resolve(node, &id).map_err(from_node)? {
        Resolved::Committed(number) => {
            let block = committed(node, number).map_err(from_node)?;
            let transactions: Vec<_> = transactions_of(node, &block)
                .map_err(from_node)?
                .into_iter()
                .map(|(tx, receipt)| (tx, receipt.transaction_hash))
                .collect();
            let mut answer = json(convert::block_with_txs(
                &block.header,
                BlockStatus::AcceptedOnL2,
                &transactions,
            ))?;
            if proof_facts {
                add_proof_facts_to_block(&mut answer, false);
            }
            Ok(with_header_commitments(&block, version, answer))
        }
        Resolved::PreConfirmed => {
            let p = pending(node).map_err(from_node)?;
            json(empty_pre_confirmed!(PreConfirmedBlockWithTxs, p))
        }
    }
}

/// `starknet_getBlockWithReceipts`.
pub fn with_receipts(
    node: &Node,
    params: &Params<'_>,
    version: SpecVersion,
) -> Result<Value, ErrorObjectOwned> {
    let (id, proof_facts) = block_id_and_proof_facts(params, version)?;
    match resolve(node, &id).map_err(from_node)? {
        Resolved::Committed(number) => {
            let block = committed(node, number).map_err(from_node)?;
            let transactions = transactions_of(node, &block).map_err(from_node)?;
            let wire = convert::block_with_receipts(
                &block.header,
                BlockStatus::AcceptedOnL2,
                &transactions,
            )
            .map_err(|e| from_node(SequencerError::corrupt("receipts", e)))?;
            let mut answer = json(wire)?;
            if proof_facts {
                add_proof_facts_to_block(&mut answer, true);
            }
            Ok(with_header_commitments(&block, version, answer))
        }
        Resolved::PreConfirmed => {
            let p = pending(node).map_err(from_node)?;
            json(empty_pre_confirmed!(PreConfirmedBlockWithReceipts, p))
        }
    }
}

/// Keeps the parts of `diff` about `addresses` (storage, nonces, deployed and replaced
/// classes); declared classes are kept whole, as spec 0.10's `contract_addresses` filter says.
fn only_contracts(diff: &chain::StateDiff, addresses: &[Felt]) -> chain::StateDiff {
    let wanted = |address: &Felt| addresses.contains(address);
    let mut kept = diff.clone();
    kept.storage_diffs.retain(|address, _| wanted(address));
    kept.nonces.retain(|address, _| wanted(address));
    kept.deployed_contracts.retain(|address, _| wanted(address));
    kept.replaced_classes.retain(|address, _| wanted(address));
    kept
}

/// `starknet_getStateUpdate`.
pub fn state_update(
    node: &Node,
    params: &Params<'_>,
    version: SpecVersion,
) -> Result<Value, ErrorObjectOwned> {
    let mut values =
        versioned(params, version, &["block_id"], &["contract_addresses"])?.into_iter();
    let id: BlockId = required(values.next().unwrap_or_default(), "block_id")?;
    let addresses: Option<Vec<Felt>> =
        optional(values.next().unwrap_or_default(), "contract_addresses")?;
    match resolve(node, &id).map_err(from_node)? {
        Resolved::Committed(number) => {
            let block = committed(node, number).map_err(from_node)?;
            let update = node
                .store()
                .state_update(number)
                .map_err(from_node)?
                .ok_or_else(|| from_node(SequencerError::BlockNotFound))?;
            let diff = match &addresses {
                Some(addresses) => only_contracts(&update.state_diff, addresses),
                None => update.state_diff,
            };
            json(convert::state_update(block.block_hash, update.old_root, update.new_root, &diff))
        }
        Resolved::PreConfirmed => {
            let latest = node.latest_block().map_err(from_node)?;
            json(PreConfirmedStateUpdate {
                old_root: latest.header.state_root,
                state_diff: StateDiff {
                    storage_diffs: vec![],
                    deprecated_declared_classes: vec![],
                    declared_classes: vec![],
                    deployed_contracts: vec![],
                    replaced_classes: vec![],
                    nonces: vec![],
                },
            })
        }
    }
}

/// `starknet_getBlockTransactionCount`.
pub fn transaction_count(
    node: &Node,
    params: &Params<'_>,
    _: SpecVersion,
) -> Result<Value, ErrorObjectOwned> {
    match resolve(node, &block_id(params)?).map_err(from_node)? {
        Resolved::Committed(number) => {
            json(committed(node, number).map_err(from_node)?.transaction_hashes.len())
        }
        Resolved::PreConfirmed => json(0),
    }
}
