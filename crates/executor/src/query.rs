//! Read-only work on a snapshot: `starknet_call`, fee estimates, simulations and mempool validation, on
//! blockifier (the `engine` module). Nothing here changes the state; every write goes to a cached
//! state that is dropped.

use chain::receipt::FeeUnit;
use chain::{Felt, StateDiff};
use state::StateReader;

use crate::engine::run::{EngineBlock, Mode};
use crate::resources::Resources;
use crate::{
    BlockContext, ClassProvider, ExecutableTransaction, ExecutorConfig, ExecutorError,
    TransactionExecution,
};

/// Calls `selector` on `contract_address` with caller 0 and returns its return data
/// (`starknet_call`). Writes are discarded; `get_tx_info` sees an empty transaction.
pub fn call(
    config: &ExecutorConfig,
    block: &BlockContext,
    state: &dyn StateReader,
    classes: &dyn ClassProvider,
    contract_address: Felt,
    selector: Felt,
    calldata: &[Felt],
) -> Result<Vec<Felt>, ExecutorError> {
    EngineBlock::new(config, block, state, classes)?.call(contract_address, selector, calldata)
}

/// A fee estimate: the resources a transaction used and their gas, priced at the block's gas
/// prices in the unit of the transaction's version (the chain charges nothing; this is what a
/// client should expect to pay where fees are on).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeeEstimate {
    /// Cairo resources of all phases.
    pub resources: Resources,
    /// L1 gas, as blockifier computes it.
    pub l1_gas: u64,
    /// L1 data gas (0).
    pub l1_data_gas: u64,
    /// L2 gas, as blockifier computes it.
    pub l2_gas: u64,
    /// L1 gas price used.
    pub l1_gas_price: u128,
    /// L1 data gas price used.
    pub l1_data_gas_price: u128,
    /// L2 gas price used.
    pub l2_gas_price: u128,
    /// `l1_gas * l1_gas_price + l1_data_gas * l1_data_gas_price + l2_gas * l2_gas_price`.
    pub overall_fee: u128,
    /// Wei for v1 transactions, fri for v3.
    pub unit: FeeUnit,
    /// What the transaction changed (nonce included): the state a later transaction of the
    /// same `starknet_estimateFee` request is estimated on.
    pub state_diff: StateDiff,
}

/// Estimates the fee of `tx` on top of `state` (query versions accepted; `skip_validate` skips
/// `__validate*__`). A transaction that would revert is an [`ExecutorError::ExecutionFailed`].
pub fn estimate_fee(
    config: &ExecutorConfig,
    block: &BlockContext,
    state: &dyn StateReader,
    classes: &dyn ClassProvider,
    tx: &ExecutableTransaction,
    skip_validate: bool,
) -> Result<FeeEstimate, ExecutorError> {
    // Estimates charge nothing, as on Starknet: a client estimates before it is funded.
    let (execution, estimate) = simulate(config, block, state, classes, tx, skip_validate, true)?;
    if let chain::ExecutionStatus::Reverted { reason } = &execution.receipt.execution_status {
        return Err(ExecutorError::ExecutionFailed { reason: reason.clone() });
    }
    Ok(estimate)
}

/// Runs `tx` on top of `state` as `starknet_simulateTransactions` does (query versions
/// accepted; `skip_validate` skips `__validate*__`, `skip_fee_charge` the fee transfer and
/// the balance check of a chain with fees): what it did, trace included, and its fee estimate.
/// A reverted transaction is a result, not an error; a rejected one is an error.
pub fn simulate(
    config: &ExecutorConfig,
    block: &BlockContext,
    state: &dyn StateReader,
    classes: &dyn ClassProvider,
    tx: &ExecutableTransaction,
    skip_validate: bool,
    skip_fee_charge: bool,
) -> Result<(TransactionExecution, FeeEstimate), ExecutorError> {
    let mode = Mode {
        validate: !skip_validate,
        allow_query: true,
        lenient_nonce: false,
        charge_fee: !skip_fee_charge,
    };
    let execution = EngineBlock::new(config, block, state, classes)?.execute(tx, mode)?;
    let estimate = fee_estimate(block, tx, &execution);
    Ok((execution, estimate))
}

/// The fee of an executed transaction at the block's prices, in its version's unit.
fn fee_estimate(
    block: &BlockContext,
    tx: &ExecutableTransaction,
    execution: &TransactionExecution,
) -> FeeEstimate {
    let gas = &execution.receipt.execution_resources;
    let (l1_gas, l1_data_gas, l2_gas) = (gas.l1_gas, gas.l1_data_gas, gas.l2_gas);
    let prices = &block.gas_prices;
    let (unit, l1_gas_price, l1_data_gas_price, l2_gas_price) = match tx.transaction.version() {
        3 => (
            FeeUnit::Fri,
            prices.l1_gas_price_fri,
            prices.l1_data_gas_price_fri,
            prices.l2_gas_price_fri,
        ),
        _ => (
            FeeUnit::Wei,
            prices.l1_gas_price_wei,
            prices.l1_data_gas_price_wei,
            prices.l2_gas_price_wei,
        ),
    };
    let overall_fee = u128::from(l1_gas)
        .saturating_mul(l1_gas_price)
        .saturating_add(u128::from(l1_data_gas).saturating_mul(l1_data_gas_price))
        .saturating_add(u128::from(l2_gas).saturating_mul(l2_gas_price));
    FeeEstimate {
        resources: execution.resources.clone(),
        l1_gas,
        l1_data_gas,
        l2_gas,
        l1_gas_price,
        l1_data_gas_price,
        l2_gas_price,
        overall_fee,
        unit,
        state_diff: execution.state_diff.clone(),
    }
}

/// Checks a transaction for mempool admission against `state`: the same pre-checks and
/// validation phase as execution (for DEPLOY_ACCOUNT, the constructor too), except that the
/// nonce may be ahead of the account's (a later transaction of the same account). Nothing is
/// written.
pub fn validate(
    config: &ExecutorConfig,
    block: &BlockContext,
    state: &dyn StateReader,
    classes: &dyn ClassProvider,
    tx: &ExecutableTransaction,
) -> Result<(), ExecutorError> {
    crate::engine::run::validate(config, block, state, classes, tx)
}
