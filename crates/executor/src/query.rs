//! Read-only work on a snapshot: `starknet_call`, fee estimates (of transactions and of messages
//! from L1), simulations and mempool validation, on
//! blockifier (the `engine` module). Nothing here changes the state; every write goes to a cached
//! state that is dropped.

use chain::receipt::FeeUnit;
use chain::rpc::InitialReads;
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
    /// Wei for v1 transactions and messages from L1, fri for v3.
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
    let simulation = simulate(config, block, state, classes, tx, skip_validate, true)?;
    if let chain::ExecutionStatus::Reverted { reason } =
        &simulation.execution.receipt.execution_status
    {
        return Err(ExecutorError::ExecutionFailed { reason: reason.clone() });
    }
    Ok(simulation.fee)
}

/// What [`simulate`] gives: the run, its fee estimate and what it read of `state`.
#[derive(Clone, Debug)]
pub struct Simulation {
    /// What the transaction did, trace included.
    pub execution: TransactionExecution,
    /// Its fee estimate.
    pub fee: FeeEstimate,
    /// The values it fetched from `state` before writing them (spec 0.10.3's `INITIAL_READS`).
    pub initial_reads: InitialReads,
}

/// Runs `tx` on top of `state` as `starknet_simulateTransactions` does (query versions
/// accepted; `skip_validate` skips `__validate*__`, `skip_fee_charge` the fee transfer and
/// the balance check of a chain with fees): what it did, trace included, its fee estimate and
/// what it read. A reverted transaction is a result, not an error; a rejected one is an error.
pub fn simulate(
    config: &ExecutorConfig,
    block: &BlockContext,
    state: &dyn StateReader,
    classes: &dyn ClassProvider,
    tx: &ExecutableTransaction,
    skip_validate: bool,
    skip_fee_charge: bool,
) -> Result<Simulation, ExecutorError> {
    let mode = Mode {
        validate: !skip_validate,
        allow_query: true,
        lenient_nonce: false,
        charge_fee: !skip_fee_charge,
    };
    let mut engine = EngineBlock::new(config, block, state, classes)?;
    let execution = engine.execute(tx, mode)?;
    let initial_reads = engine.initial_reads()?;
    let unit = if tx.transaction.version() == 3 { FeeUnit::Fri } else { FeeUnit::Wei };
    let gas = &execution.receipt.execution_resources;
    let fee = priced(
        block,
        unit,
        (gas.l1_gas, gas.l1_data_gas, gas.l2_gas),
        execution.resources.clone(),
        execution.state_diff.clone(),
    );
    Ok(Simulation { execution, fee, initial_reads })
}

/// A message from L1 to a contract of this chain (`MSG_FROM_L1`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct L1Message {
    /// The L1 contract that sends it (an Ethereum address).
    pub from_address: Felt,
    /// The contract whose L1 handler receives it.
    pub to_address: Felt,
    /// The selector of that `@l1_handler`.
    pub entry_point_selector: Felt,
    /// The payload; the handler's calldata is `[from_address, ...payload]`.
    pub payload: Vec<Felt>,
}

/// What running an L1 handler used (blockifier's gas vector and the Cairo resources).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct MessageExecution {
    pub l1_gas: u64,
    pub l1_data_gas: u64,
    pub l2_gas: u64,
    pub resources: Resources,
}

/// `starknet_estimateMessageFee`: runs the L1 handler `message` invokes on top of `state` and
/// prices its gas in wei (an L1 handler is paid in ETH, on L1). Nothing is kept. No contract
/// at the address is [`ExecutorError::UnknownContract`]; a handler that fails, or a selector
/// that is no L1 handler of the class, is [`ExecutorError::ExecutionFailed`].
pub fn estimate_message_fee(
    config: &ExecutorConfig,
    block: &BlockContext,
    state: &dyn StateReader,
    classes: &dyn ClassProvider,
    message: &L1Message,
) -> Result<FeeEstimate, ExecutorError> {
    let run = EngineBlock::new(config, block, state, classes)?.run_l1_handler(message)?;
    let gas = (run.l1_gas, run.l1_data_gas, run.l2_gas);
    Ok(priced(block, FeeUnit::Wei, gas, run.resources, StateDiff::default()))
}

/// Gas `(l1, l1_data, l2)` priced at the block's prices in `unit`.
fn priced(
    block: &BlockContext,
    unit: FeeUnit,
    (l1_gas, l1_data_gas, l2_gas): (u64, u64, u64),
    resources: Resources,
    state_diff: StateDiff,
) -> FeeEstimate {
    let prices = &block.gas_prices;
    let (l1_gas_price, l1_data_gas_price, l2_gas_price) = match unit {
        FeeUnit::Fri => {
            (prices.l1_gas_price_fri, prices.l1_data_gas_price_fri, prices.l2_gas_price_fri)
        }
        FeeUnit::Wei => {
            (prices.l1_gas_price_wei, prices.l1_data_gas_price_wei, prices.l2_gas_price_wei)
        }
    };
    let overall_fee = u128::from(l1_gas)
        .saturating_mul(l1_gas_price)
        .saturating_add(u128::from(l1_data_gas).saturating_mul(l1_data_gas_price))
        .saturating_add(u128::from(l2_gas).saturating_mul(l2_gas_price));
    FeeEstimate {
        resources,
        l1_gas,
        l1_data_gas,
        l2_gas,
        l1_gas_price,
        l1_data_gas_price,
        l2_gas_price,
        overall_fee,
        unit,
        state_diff,
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
