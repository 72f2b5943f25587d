//! Executing the transactions of a block against a snapshot: [`BlockExecutor`] adds them one at
//! a time (what a sequencer building a block needs), [`BlockExecution`] is the result of a whole
//! list (what replay needs).

use std::sync::Arc;

use chain::{Felt, StateDiff};
use state::StateReader;

use crate::overlay::StateOverlay;
use crate::transaction::{self, Options};
use crate::{
    BlockContext, ClassProvider, DeprecatedClass, ExecutableTransaction, ExecutorConfig,
    ExecutorError, SystemDeployment, TransactionExecution,
};

/// A block under construction: a snapshot, the writes of the transactions executed so far, and
/// the block's context.
pub struct BlockExecutor<'a> {
    config: &'a ExecutorConfig,
    block: BlockContext,
    overlay: StateOverlay<'a>,
    executed: usize,
}

impl<'a> BlockExecutor<'a> {
    /// Starts a block on top of `state` (the parent block's state), finding class definitions
    /// in `classes`.
    pub fn new(
        config: &'a ExecutorConfig,
        block: BlockContext,
        state: &'a dyn StateReader,
        classes: &'a dyn ClassProvider,
    ) -> Self {
        BlockExecutor { config, block, overlay: StateOverlay::new(state, classes), executed: 0 }
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
        let execution = transaction::execute(
            &mut self.overlay,
            &self.block,
            self.config,
            tx,
            Options::default(),
        )?;
        self.overlay.commit();
        self.executed += 1;
        Ok(execution)
    }

    /// Declares `class` without a transaction (genesis). Refuses a class already declared.
    pub fn declare_system_class(
        &mut self,
        class: Arc<DeprecatedClass>,
    ) -> Result<(), ExecutorError> {
        if self.overlay.is_declared(class.class_hash())? {
            return Err(ExecutorError::ClassAlreadyDeclared { class_hash: class.class_hash() });
        }
        self.overlay.declare(class);
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
        crate::system::deploy_system_contract(
            &mut self.overlay,
            &self.block,
            self.config,
            class_hash,
            salt,
            constructor_calldata,
        )
    }

    /// The block's state diff so far, ready for `state::State::commit_block`.
    pub fn state_diff(&mut self) -> Result<StateDiff, ExecutorError> {
        self.overlay.layer_diff(0)
    }

    /// Classes declared by the block so far (the node must store their definitions).
    pub fn declared_classes(&self) -> Vec<Arc<DeprecatedClass>> {
        self.overlay.layer_declared(0)
    }

    /// Ends the block: its state diff and declared classes.
    pub fn finish(mut self) -> Result<(StateDiff, Vec<Arc<DeprecatedClass>>), ExecutorError> {
        Ok((self.state_diff()?, self.declared_classes()))
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
    let mut executor = BlockExecutor::new(config, block, state, classes);
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
