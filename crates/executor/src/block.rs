//! Executing the transactions of a block against a snapshot: [`BlockExecutor`] adds them one at
//! a time (what a sequencer building a block needs), [`BlockExecution`] is the result of a whole
//! list (what replay needs). Both run on blockifier (the `engine` module).

use std::sync::Arc;

use chain::{Felt, StateDiff, Transaction};
use state::StateReader;

use crate::engine::run::{EngineBlock, Mode};
use crate::{
    BlockContext, ClassProvider, DeprecatedClass, ExecutableTransaction, ExecutorConfig,
    ExecutorError, SystemDeployment, TransactionExecution,
};

/// A block under construction: a snapshot, the writes of the transactions executed so far, and
/// the block's context.
pub struct BlockExecutor<'a> {
    block: BlockContext,
    engine: EngineBlock<'a>,
    declared: Vec<Arc<DeprecatedClass>>,
    executed: usize,
}

impl<'a> BlockExecutor<'a> {
    /// Starts a block on top of `state` (the parent block's state), finding class definitions
    /// in `classes`, with the block-hash write of [`BlockContext::old_block_hash`]. Fails if the
    /// block's context cannot be given to the executor (a chain id that is not a short string,
    /// a sequencer address at or above 2^251, no old block hash from block 10 on).
    pub fn new(
        config: &ExecutorConfig,
        block: BlockContext,
        state: &'a dyn StateReader,
        classes: &'a dyn ClassProvider,
    ) -> Result<Self, ExecutorError> {
        let mut engine = EngineBlock::new(config, &block, state, classes)?;
        engine.pre_process(&block)?;
        Ok(BlockExecutor { block, engine, declared: Vec::new(), executed: 0 })
    }

    /// The block's context.
    pub fn context(&self) -> &BlockContext {
        &self.block
    }

    /// Number of transactions included so far.
    pub fn executed(&self) -> usize {
        self.executed
    }

    /// Executes `tx` on top of the block so far. `Ok`: included (succeeded or reverted; its
    /// writes now belong to the block). `Err` with [`ExecutorError::is_rejection`]: rejected,
    /// nothing changed. Other errors: the environment failed (the state is unchanged too).
    pub fn execute(
        &mut self,
        tx: &ExecutableTransaction,
    ) -> Result<TransactionExecution, ExecutorError> {
        let execution = self.engine.execute(tx, Mode::BLOCK)?;
        if let (Transaction::DeclareV1(_), Some(class)) = (&tx.transaction, &tx.declared_class) {
            self.declared.push(Arc::clone(class));
        }
        self.executed += 1;
        Ok(execution)
    }

    /// Declares `class` without a transaction (genesis). Refuses a class already declared.
    pub fn declare_system_class(
        &mut self,
        class: Arc<DeprecatedClass>,
    ) -> Result<(), ExecutorError> {
        self.engine.declare_system_class(&class)?;
        self.declared.push(class);
        Ok(())
    }

    /// Deploys a contract without a transaction (genesis: the ERC-20, fibonacci, factorial),
    /// running its constructor with caller 0; see [`SystemDeployment`].
    pub fn deploy_system_contract(
        &mut self,
        class_hash: Felt,
        salt: Felt,
        constructor_calldata: &[Felt],
    ) -> Result<SystemDeployment, ExecutorError> {
        self.engine.deploy_system_contract(class_hash, salt, constructor_calldata)
    }

    /// The block's state diff so far, ready for `state::State::commit_block`.
    pub fn state_diff(&mut self) -> Result<StateDiff, ExecutorError> {
        self.engine.state_diff()
    }

    /// Classes declared by the block so far (the node must store their definitions).
    pub fn declared_classes(&self) -> Vec<Arc<DeprecatedClass>> {
        self.declared.clone()
    }

    /// Ends the block: its state diff and declared classes.
    pub fn finish(mut self) -> Result<(StateDiff, Vec<Arc<DeprecatedClass>>), ExecutorError> {
        Ok((self.state_diff()?, self.declared))
    }
}

/// The result of executing a list of transactions as one block.
#[derive(Debug)]
pub struct BlockExecution {
    /// One outcome per input transaction, in order: included, or rejected (never an environment
    /// failure: those abort the whole block).
    pub outcomes: Vec<Result<TransactionExecution, ExecutorError>>,
    /// The block's state diff (included transactions only).
    pub state_diff: StateDiff,
    /// Classes the block declared.
    pub declared_classes: Vec<Arc<DeprecatedClass>>,
}

impl BlockExecution {
    /// The included transactions' executions, in order.
    pub fn included(&self) -> impl Iterator<Item = &TransactionExecution> {
        self.outcomes.iter().filter_map(|outcome| outcome.as_ref().ok())
    }
}

/// Executes `transactions` in order as one block (see [`BlockExecutor::execute`]).
pub fn execute_block(
    config: &ExecutorConfig,
    block: BlockContext,
    state: &dyn StateReader,
    classes: &dyn ClassProvider,
    transactions: &[ExecutableTransaction],
) -> Result<BlockExecution, ExecutorError> {
    let mut executor = BlockExecutor::new(config, block, state, classes)?;
    let mut outcomes = Vec::with_capacity(transactions.len());
    for tx in transactions {
        match executor.execute(tx) {
            Err(error) if !error.is_rejection() => return Err(error),
            outcome => outcomes.push(outcome),
        }
    }
    let (state_diff, declared_classes) = executor.finish()?;
    Ok(BlockExecution { outcomes, state_diff, declared_classes })
}
