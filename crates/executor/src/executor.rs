//! [`Executor`], the entry point of the crate: one value holding the limits, with a method per
//! job (block, single transaction, call, fee estimate, mempool validation).

use chain::Felt;
use state::StateReader;

use crate::block::{self, BlockExecution, BlockExecutor};
use crate::engine::run::{EngineBlock, Mode};
use crate::query::{self, FeeEstimate, L1Message, Simulation};
use crate::{
    BlockContext, ClassProvider, ExecutableTransaction, ExecutorConfig, ExecutorError,
    TransactionExecution,
};

/// Executes transactions and calls of this chain. Cheap to clone; stateless between calls (all
/// state comes in as a [`StateReader`] snapshot and a [`ClassProvider`]).
#[derive(Clone, Debug, Default)]
pub struct Executor {
    config: ExecutorConfig,
}

impl Executor {
    /// An executor with `config`'s limits.
    pub fn new(config: ExecutorConfig) -> Self {
        Executor { config }
    }

    /// The limits.
    pub fn config(&self) -> &ExecutorConfig {
        &self.config
    }

    /// Starts a block on top of `state`, to add transactions one at a time.
    pub fn begin_block<'a>(
        &'a self,
        block: BlockContext,
        state: &'a dyn StateReader,
        classes: &'a dyn ClassProvider,
    ) -> Result<BlockExecutor<'a>, ExecutorError> {
        BlockExecutor::new(&self.config, block, state, classes)
    }

    /// Executes `transactions` in order as one block on top of `state`.
    pub fn execute_block(
        &self,
        block: BlockContext,
        state: &dyn StateReader,
        classes: &dyn ClassProvider,
        transactions: &[ExecutableTransaction],
    ) -> Result<BlockExecution, ExecutorError> {
        block::execute_block(&self.config, block, state, classes, transactions)
    }

    /// Executes one transaction on top of `state` (which already holds the effects of earlier
    /// transactions of the block, if any) and returns its receipt and state diff. Rejections
    /// are errors ([`ExecutorError::is_rejection`]).
    pub fn execute_transaction(
        &self,
        block: &BlockContext,
        state: &dyn StateReader,
        classes: &dyn ClassProvider,
        tx: &ExecutableTransaction,
    ) -> Result<TransactionExecution, ExecutorError> {
        EngineBlock::new(&self.config, block, state, classes)?.execute(tx, Mode::BLOCK)
    }

    /// `starknet_call`: runs `selector` of `contract_address` read-only and returns its data.
    pub fn call(
        &self,
        block: &BlockContext,
        state: &dyn StateReader,
        classes: &dyn ClassProvider,
        contract_address: Felt,
        selector: Felt,
        calldata: &[Felt],
    ) -> Result<Vec<Felt>, ExecutorError> {
        query::call(&self.config, block, state, classes, contract_address, selector, calldata)
    }

    /// `starknet_estimateFee` for one transaction (see [`FeeEstimate`]).
    pub fn estimate_fee(
        &self,
        block: &BlockContext,
        state: &dyn StateReader,
        classes: &dyn ClassProvider,
        tx: &ExecutableTransaction,
        skip_validate: bool,
    ) -> Result<FeeEstimate, ExecutorError> {
        query::estimate_fee(&self.config, block, state, classes, tx, skip_validate)
    }

    /// `starknet_simulateTransactions` for one transaction: what it did (trace included) and
    /// its fee estimate; a revert is a result (see [`query::simulate`]).
    pub fn simulate(
        &self,
        block: &BlockContext,
        state: &dyn StateReader,
        classes: &dyn ClassProvider,
        tx: &ExecutableTransaction,
        skip_validate: bool,
        skip_fee_charge: bool,
    ) -> Result<Simulation, ExecutorError> {
        query::simulate(&self.config, block, state, classes, tx, skip_validate, skip_fee_charge)
    }

    /// `starknet_estimateMessageFee`: the fee, in wei, of the L1 handler a message from L1
    /// would run (see [`query::estimate_message_fee`]).
    pub fn estimate_message_fee(
        &self,
        block: &BlockContext,
        state: &dyn StateReader,
        classes: &dyn ClassProvider,
        message: &L1Message,
    ) -> Result<FeeEstimate, ExecutorError> {
        query::estimate_message_fee(&self.config, block, state, classes, message)
    }

    /// Mempool admission: pre-checks and validation only, nonce may be ahead (see
    /// [`query::validate`]).
    pub fn validate(
        &self,
        block: &BlockContext,
        state: &dyn StateReader,
        classes: &dyn ClassProvider,
        tx: &ExecutableTransaction,
    ) -> Result<(), ExecutorError> {
        query::validate(&self.config, block, state, classes, tx)
    }
}
