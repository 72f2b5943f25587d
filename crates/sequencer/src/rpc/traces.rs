//! `starknet_traceTransaction` and `starknet_traceBlockTransactions`.
//!
//! A committed block's transactions run again, in order, on its parent's state and with the
//! block's own context (number, timestamp, sequencer address and gas prices from its header).
//! Execution is deterministic, so these are the traces of the block as it was produced; each
//! re-executed receipt is compared with the stored one, and a difference is an internal error
//! (logged), never a wrong trace. Nothing is stored: tracing a transaction costs executing its
//! block up to it. Only committed blocks have traces: a transaction still in the mempool answers
//! NO_TRACE_AVAILABLE with status RECEIVED, a rejected one with REJECTED.

use chain::Felt;
use chain::Transaction;
use chain::classes::ContractClass;
use chain::rpc::types::{BlockId, BlockTag, ConfirmedBlockId, TransactionTraceWithHash};
use chain::rpc::{InitialReads, SpecVersion};
use jsonrpsee::types::{ErrorObjectOwned, Params};
use serde_json::{Value, json as json_value};

use super::blocks::{Resolved, committed, json, resolve};
use super::errors::{from_node, invalid_params};
use super::execution::apply;
use super::initial_reads::{answer, is_return_initial_reads};
use super::params::{required, versioned};
use crate::SequencerError;
use crate::executor::{BlockInfo, ExecutableTransaction};
use crate::node::Node;
use crate::overlay::OverlayState;

/// `starknet_traceTransaction`.
pub fn trace_transaction(
    node: &Node,
    params: &Params<'_>,
    version: SpecVersion,
) -> Result<Value, ErrorObjectOwned> {
    let mut values = versioned(params, version, &["transaction_hash"], &[])?.into_iter();
    let hash: Felt = required(values.next().unwrap_or_default(), "transaction_hash")?;
    let store = node.store();
    let Some(record) = store.transaction(&hash).map_err(from_node)? else {
        if node.mempool().map_err(from_node)?.contains(&hash) {
            return Err(no_trace("RECEIVED"));
        }
        if store.rejection(&hash).map_err(from_node)?.is_some() {
            return Err(no_trace("REJECTED"));
        }
        return Err(from_node(SequencerError::TransactionNotFound(hash)));
    };
    let upto = record.index as usize + 1;
    let (mut traces, _) = trace_block(node, record.block_number, upto).map_err(from_node)?;
    match traces.pop() {
        Some(traced) if traced.transaction_hash == hash => json(traced.trace_root),
        _ => Err(from_node(SequencerError::corrupt(
            "transactions",
            format!("transaction {hash:#x} is not at its index in block {}", record.block_number),
        ))),
    }
}

/// `starknet_traceBlockTransactions`.
pub fn trace_block_transactions(
    node: &Node,
    params: &Params<'_>,
    version: SpecVersion,
) -> Result<Value, ErrorObjectOwned> {
    let mut values = versioned(params, version, &["block_id"], &["trace_flags"])?.into_iter();
    let block_id: ConfirmedBlockId = required(values.next().unwrap_or_default(), "block_id")?;
    let flags = values.next().unwrap_or_default();
    let mut return_reads = false;
    if !flags.is_null() {
        let flags: Vec<String> =
            serde_json::from_value(flags).map_err(|e| invalid_params(e.to_string()))?;
        for flag in &flags {
            if !is_return_initial_reads(flag, version)? {
                return Err(invalid_params(format!("unknown trace flag {flag:?}")));
            }
            return_reads = true;
        }
    }
    let block_id = match block_id {
        ConfirmedBlockId::Hash(hash) => BlockId::Hash(hash),
        ConfirmedBlockId::Number(number) => BlockId::Number(number),
        ConfirmedBlockId::Latest => BlockId::Tag(BlockTag::Latest),
        ConfirmedBlockId::L1Accepted => BlockId::Tag(BlockTag::L1Accepted),
    };
    let Resolved::Committed(number) = resolve(node, &block_id).map_err(from_node)? else {
        return Err(invalid_params("the pre_confirmed block has no traces"));
    };
    let (traces, reads) = trace_block(node, number, usize::MAX).map_err(from_node)?;
    answer("traces", traces, return_reads.then_some(reads))
}

/// The traces of the first `upto` transactions of committed block `number`, and what they read
/// of the parent's state (`INITIAL_READS`).
fn trace_block(
    node: &Node,
    number: u64,
    upto: usize,
) -> Result<(Vec<TransactionTraceWithHash>, InitialReads), SequencerError> {
    let store = node.store();
    let block = committed(node, number)?;
    let header = &block.header;
    let hashes: Vec<Felt> = block.transaction_hashes.iter().take(upto).copied().collect();
    if hashes.is_empty() {
        return Ok((Vec::new(), InitialReads::default()));
    }
    let parent = number
        .checked_sub(1)
        .ok_or_else(|| SequencerError::corrupt("blocks", "the genesis block lists transactions"))?;
    let info = BlockInfo {
        block_number: number,
        timestamp: header.timestamp,
        sequencer_address: header.sequencer_address,
        chain_id: node.config().chain_id,
        gas_prices: header.gas_prices,
    };
    let mut state = OverlayState::new(store, parent);
    let mut traces = Vec::with_capacity(hashes.len());
    let mut reads = InitialReads::default();
    for hash in hashes {
        let missing = || SequencerError::corrupt("transactions", format!("{hash:#x} missing"));
        let record = store.transaction(&hash)?.ok_or_else(missing)?;
        let declared_class = declared_class(node, &record.transaction)?;
        let tx = ExecutableTransaction {
            transaction: record.transaction,
            transaction_hash: hash,
            declared_class,
        };
        let diverged = |detail: String| {
            SequencerError::corrupt(
                "receipts",
                format!("re-executing block {number} diverged at {hash:#x}: {detail}"),
            )
        };
        let simulation = node
            .executor()
            .simulate(&state, &info, &tx, false, false)?
            .map_err(|failure| diverged(format!("rejected: {}", failure.reason)))?;
        if store.receipt(&hash)?.as_ref() != Some(&simulation.receipt) {
            return Err(diverged("another receipt".to_owned()));
        }
        reads.merge_later(&simulation.initial_reads);
        apply(&mut state, &tx, simulation.fee.state_diff);
        traces.push(TransactionTraceWithHash {
            transaction_hash: hash,
            trace_root: simulation.trace,
        });
    }
    Ok((traces, reads))
}

/// The class a committed DECLARE declared (stored whatever block declared it).
fn declared_class(
    node: &Node,
    transaction: &Transaction,
) -> Result<Option<ContractClass>, SequencerError> {
    let class_hash = match transaction {
        Transaction::DeclareV1(declare) => declare.class_hash,
        Transaction::DeclareV3(declare) => declare.class_hash,
        Transaction::DeclareV2(declare) => declare.class_hash,
        _ => return Ok(None),
    };
    let class = node.store().class(&class_hash, false)?;
    class.map(Some).ok_or(SequencerError::ClassNotFound(class_hash))
}

/// NO_TRACE_AVAILABLE (10) with the transaction's status, `RECEIVED` or `REJECTED`.
fn no_trace(status: &str) -> ErrorObjectOwned {
    ErrorObjectOwned::owned(
        10,
        "No trace available for transaction",
        Some(json_value!({ "status": status })),
    )
}
