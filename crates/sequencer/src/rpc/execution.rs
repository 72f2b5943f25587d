//! `starknet_call`, `starknet_estimateFee` and `starknet_simulateTransactions`: read-only runs of
//! the executor on blocking threads.
//!
//! The transactions of an `estimateFee` request are a sequence, as the spec says: each is
//! estimated on the state of the requested block with the changes of the ones before it
//! (so a DEPLOY_ACCOUNT then an INVOKE from the new account, or two INVOKEs with consecutive
//! nonces, estimate as they would execute in one block). A failing transaction fails the
//! request with its index.

use chain::classes::{ContractClass, check_sierra_within};
use chain::rpc::broadcasted::{BroadcastedTransaction, parse_broadcasted};
use chain::rpc::types::requests::CallRequest;
use chain::rpc::types::{BlockId, SimulatedTransaction, SimulationFlagForEstimateFee};
use chain::rpc::{InitialReads, SpecVersion};
use chain::{Felt, GasPrices, StateDiff, Transaction};
use jsonrpsee::types::{ErrorObjectOwned, Params};
use serde_json::Value;

use super::blocks::{Resolved, committed, json, resolve, state_block};
use super::errors::{from_node, invalid_params};
use super::initial_reads::{answer, is_return_initial_reads};
use super::params::{parse, values};
use crate::SequencerError;
use crate::classes::{DeclaredClass, decompress_within};
use crate::executor::{BlockInfo, ExecutableTransaction, ExecutionFailure, FeeEstimate, StateView};
use crate::node::Node;
use crate::overlay::OverlayState;

/// The block a call at `id` executes in: the committed block itself, or the pending one.
pub(crate) fn block_info(node: &Node, id: &BlockId) -> Result<BlockInfo, SequencerError> {
    match resolve(node, id)? {
        Resolved::Committed(number) => {
            let block = committed(node, number)?;
            Ok(node.block_info(number, block.header.timestamp))
        }
        Resolved::PreConfirmed => node.pending_block_info(),
    }
}

/// `starknet_call`.
pub fn call(node: &Node, params: &Params<'_>, _: SpecVersion) -> Result<Value, ErrorObjectOwned> {
    let request = parse::<CallRequest>(params)?;
    let number = state_block(node, &request.block_id).map_err(from_node)?;
    let block = block_info(node, &request.block_id).map_err(from_node)?;
    let call = request.request;
    if node.store().class_hash_at(&call.contract_address, number).map_err(from_node)? == Felt::ZERO
    {
        return Err(from_node(SequencerError::ContractNotFound(call.contract_address)));
    }
    let state = OverlayState::new(node.store(), number);
    let result = node
        .executor()
        .call(&state, &block, call.contract_address, call.entry_point_selector, &call.calldata)
        .map_err(from_node)?;
    match result {
        Ok(data) => json(data),
        Err(failure) => Err(from_node(SequencerError::ContractError(failure.reason))),
    }
}

/// Parses a submitted (or estimated) transaction; a DECLARE's class stays compressed.
pub fn parse_transaction(value: &Value) -> Result<BroadcastedTransaction, SequencerError> {
    parse_broadcasted(value).map_err(|error| match error {
        chain::ChainError::UnsupportedVersion { kind, version } => {
            SequencerError::UnsupportedTransaction(format!("{kind} version {version:#x}"))
        }
        other => SequencerError::ValidationFailure(format!("malformed transaction: {other}")),
    })
}

/// A parsed transaction in executable form: its hash and, for a DECLARE, its class (v1: rebuilt
/// from its compressed form; v3: the Sierra class).
pub fn executable(
    node: &Node,
    parsed: BroadcastedTransaction,
) -> Result<ExecutableTransaction, SequencerError> {
    executable_with(node, parsed, |_, _| Ok(()))
}

/// [`executable`], running `before_hashing(sender, nonce)` on a DECLARE between the size checks
/// of its class (decompressed within the node's limits for v1, so bounded) and its hashing (time
/// linear in the bytecode; the transaction hash, and so the signature, commits to the class
/// hash). A DECLARE v3's class is compiled later, by the executor, once the rest passed.
pub fn executable_with(
    node: &Node,
    parsed: BroadcastedTransaction,
    before_hashing: impl FnOnce(Felt, Felt) -> Result<(), SequencerError>,
) -> Result<ExecutableTransaction, SequencerError> {
    let limits = node.config().class_limits();
    let (transaction, declared_class) = match parsed {
        BroadcastedTransaction::Transaction(transaction) => (transaction, None),
        BroadcastedTransaction::DeclareV1(declare) => {
            let class = decompress_within(&declare.contract_class, &limits)?;
            before_hashing(declare.sender_address, declare.nonce)?;
            let class = DeclaredClass::new(class)?;
            (declare.into_transaction(class.class_hash), Some(ContractClass::Legacy(class.class)))
        }
        BroadcastedTransaction::DeclareV3(declare) => {
            check_sierra_within(&declare.contract_class, &limits)?;
            let tx = &declare.transaction;
            before_hashing(tx.sender_address, tx.nonce)?;
            let class_hash = declare.contract_class.class_hash();
            let transaction = declare.into_transaction(class_hash);
            (transaction, Some(ContractClass::Sierra(declare.contract_class)))
        }
    };
    let transaction_hash = transaction.hash(node.config().chain_id);
    Ok(ExecutableTransaction { transaction, transaction_hash, declared_class })
}

/// [`parse_transaction`] then [`executable`].
pub fn executable_from_json(
    node: &Node,
    value: &Value,
) -> Result<ExecutableTransaction, SequencerError> {
    executable(node, parse_transaction(value)?)
}

/// `starknet_estimateFee`.
pub fn estimate_fee(
    node: &Node,
    params: &Params<'_>,
    _: SpecVersion,
) -> Result<Value, ErrorObjectOwned> {
    let [request, flags, block_id] =
        <[Value; 3]>::try_from(values(params, &["request", "simulation_flags", "block_id"])?)
            .map_err(|_| invalid_params("three params expected"))?;
    let Value::Array(transactions) = request else {
        return Err(invalid_params("`request` must be a list of transactions"));
    };
    let flags: Vec<SimulationFlagForEstimateFee> = if flags.is_null() {
        vec![]
    } else {
        serde_json::from_value(flags).map_err(|e| invalid_params(e.to_string()))?
    };
    let skip_validate = flags.contains(&SimulationFlagForEstimateFee::SkipValidate);
    let block_id: BlockId =
        serde_json::from_value(block_id).map_err(|e| invalid_params(e.to_string()))?;
    let number = state_block(node, &block_id).map_err(from_node)?;
    let block = block_info(node, &block_id).map_err(from_node)?;
    let prices = block.gas_prices;
    let state = OverlayState::new(node.store(), number);
    let estimates = run_sequence(node, &transactions, state, |state, tx| {
        let estimate = node.executor().estimate_fee(state, &block, tx, skip_validate)?;
        Ok(estimate.map(|estimate| {
            let wire = wire_fee_estimate(&prices, tx, &estimate);
            (wire, estimate.state_diff)
        }))
    })?;
    json(estimates)
}

/// `starknet_simulateTransactions`: the transactions run in order on the requested block's
/// state, each on what the ones before it left (as in `estimateFee`); each gives its trace and
/// fee estimate. A reverted transaction is a trace with its revert reason; a rejected one fails
/// the request with its index. On a chain with fees each pays its fee (and must afford its
/// bounds) unless `SKIP_FEE_CHARGE`; with `RETURN_INITIAL_READS` (0.10.3) the answer also
/// carries what the run read of the block's state ([`super::initial_reads`]).
pub fn simulate_transactions(
    node: &Node,
    params: &Params<'_>,
    version: SpecVersion,
) -> Result<Value, ErrorObjectOwned> {
    let [block_id, request, flags] =
        <[Value; 3]>::try_from(values(params, &["block_id", "transactions", "simulation_flags"])?)
            .map_err(|_| invalid_params("three params expected"))?;
    let Value::Array(transactions) = request else {
        return Err(invalid_params("`transactions` must be a list of transactions"));
    };
    let flags: Vec<String> = if flags.is_null() {
        vec![]
    } else {
        serde_json::from_value(flags).map_err(|e| invalid_params(e.to_string()))?
    };
    let (mut skip_validate, mut skip_fee_charge, mut return_reads) = (false, false, false);
    for flag in &flags {
        match flag.as_str() {
            "SKIP_VALIDATE" => skip_validate = true,
            "SKIP_FEE_CHARGE" => skip_fee_charge = true,
            flag if is_return_initial_reads(flag, version)? => return_reads = true,
            other => return Err(invalid_params(format!("unknown simulation flag {other:?}"))),
        }
    }
    let block_id: BlockId =
        serde_json::from_value(block_id).map_err(|e| invalid_params(e.to_string()))?;
    let number = state_block(node, &block_id).map_err(from_node)?;
    let block = block_info(node, &block_id).map_err(from_node)?;
    let prices = block.gas_prices;
    let state = OverlayState::new(node.store(), number);
    let mut reads = InitialReads::default();
    let simulated = run_sequence(node, &transactions, state, |state, tx| {
        let simulation =
            node.executor().simulate(state, &block, tx, skip_validate, skip_fee_charge)?;
        Ok(simulation.map(|simulation| {
            reads.merge_later(&simulation.initial_reads);
            let fee_estimation = wire_fee_estimate(&prices, tx, &simulation.fee);
            let simulated =
                SimulatedTransaction { transaction_trace: simulation.trace, fee_estimation };
            (simulated, simulation.fee.state_diff)
        }))
    })?;
    answer("simulated_transactions", simulated, return_reads.then_some(reads))
}

/// One transaction of a sequence: its result and what it changed, or why it was rejected.
type Step<T> = Result<Result<(T, StateDiff), ExecutionFailure>, SequencerError>;

/// Runs a request's transactions in order on `state`, each on what the ones before it changed;
/// a transaction that cannot be parsed or is rejected fails the request with its index.
fn run_sequence<T>(
    node: &Node,
    transactions: &[Value],
    mut state: OverlayState<'_>,
    mut run: impl FnMut(&OverlayState<'_>, &ExecutableTransaction) -> Step<T>,
) -> Result<Vec<T>, ErrorObjectOwned> {
    let mut results = Vec::with_capacity(transactions.len());
    for (index, value) in transactions.iter().enumerate() {
        let failed =
            |reason: String| from_node(SequencerError::TransactionExecution { index, reason });
        let tx = executable_from_json(node, value).map_err(|e| failed(e.to_string()))?;
        // A client estimating its next transaction while earlier ones wait in the mempool signs
        // a nonce ahead of the block's: run it as if those had executed.
        let sender = tx.transaction.sender_address();
        let nonce = tx.transaction.nonce();
        if nonce > state.nonce_at(sender).map_err(from_node)? {
            state.pending.nonces.insert(sender, nonce);
        }
        let (result, diff) =
            run(&state, &tx).map_err(from_node)?.map_err(|failure| failed(failure.reason))?;
        apply(&mut state, &tx, diff);
        results.push(result);
    }
    Ok(results)
}

/// Puts what `tx` changed on top of `state`, as block production does: a DECLARE that ran
/// declares its class for the transactions after it (a Sierra class is in the executor's diff
/// already).
pub(crate) fn apply(state: &mut OverlayState<'_>, tx: &ExecutableTransaction, mut diff: StateDiff) {
    if let Some(class) = &tx.declared_class {
        let class_hash = match &tx.transaction {
            Transaction::DeclareV1(declare) => {
                diff.deprecated_declared_classes.insert(declare.class_hash);
                Some(declare.class_hash)
            }
            Transaction::DeclareV3(declare) => Some(declare.class_hash),
            Transaction::DeclareV2(declare) => Some(declare.class_hash),
            _ => None,
        };
        if let Some(class_hash) = class_hash {
            state.pending_classes.insert(class_hash, class.clone());
        }
    }
    state.pending.merge(&diff);
}

/// A fee estimate on the wire, with the block's prices in the transaction's unit.
pub(crate) fn wire_fee_estimate(
    prices: &GasPrices,
    tx: &ExecutableTransaction,
    estimate: &FeeEstimate,
) -> chain::rpc::types::FeeEstimate {
    let (l1, l1_data, l2) = if tx.transaction.version() == 3 {
        (prices.l1_gas_price_fri, prices.l1_data_gas_price_fri, prices.l2_gas_price_fri)
    } else {
        (prices.l1_gas_price_wei, prices.l1_data_gas_price_wei, prices.l2_gas_price_wei)
    };
    chain::rpc::types::FeeEstimate {
        l1_gas_consumed: estimate.l1_gas_consumed,
        l1_gas_price: l1,
        l2_gas_consumed: estimate.l2_gas_consumed,
        l2_gas_price: l2,
        l1_data_gas_consumed: estimate.l1_data_gas_consumed,
        l1_data_gas_price: l1_data,
        overall_fee: estimate.overall_fee,
    }
}
