//! The adapter from this crate's [`BlockExecutor`] trait to the real executor (the `executor`
//! crate: blockifier, on Cairo 0 and Sierra classes).
//!
//! It translates the node's [`StateView`] into the executor's `state::StateReader` and
//! `ClassProvider`, keeps the loaded classes (Cairo 0 parsed for cairo-vm, Sierra compiled to
//! CASM) in a cache, and sorts the
//! executor's errors into rejections (the transaction's fault) and failures of the node.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use chain::Felt;
use chain::classes::ContractClass;
use executor::{
    BlockContext, ClassProvider, DeprecatedClass, Executor, ExecutorError, SierraClass,
};
use starknet_core::types::FlattenedSierraClass;
use state::{DeclaredClass, StateError, StateReader};

use crate::SequencerError;
use crate::executor::{
    BlockExecutor, BlockInfo, ExecutableTransaction, ExecutionFailure, FeeEstimate, Simulation,
    StateView, TransactionOutcome,
};

/// [`BlockExecutor`] backed by [`executor::Executor`].
#[derive(Default)]
pub struct CairoExecutor {
    executor: Executor,
    /// Classes parsed for cairo-vm, by hash (parsing a program takes milliseconds).
    loaded: RwLock<HashMap<Felt, Arc<DeprecatedClass>>>,
    /// Sierra classes compiled to CASM, by hash (compiling takes milliseconds to seconds).
    compiled: RwLock<HashMap<Felt, Arc<SierraClass>>>,
}

impl CairoExecutor {
    /// An executor with the default limits.
    pub fn new() -> Self {
        Self::default()
    }

    /// An executor with `config`'s limits ([`crate::NodeConfig::executor_config`]).
    pub fn with_config(config: executor::ExecutorConfig) -> Self {
        CairoExecutor {
            executor: Executor::new(config),
            loaded: RwLock::default(),
            compiled: RwLock::default(),
        }
    }

    fn cached(&self, class_hash: &Felt) -> Option<Arc<DeprecatedClass>> {
        self.loaded.read().unwrap_or_else(|p| p.into_inner()).get(class_hash).cloned()
    }

    fn load(
        &self,
        class_hash: Felt,
        definition: Arc<starknet_core::types::contract::legacy::LegacyContractClass>,
    ) -> Result<Arc<DeprecatedClass>, ExecutorError> {
        if let Some(class) = self.cached(&class_hash) {
            return Ok(class);
        }
        let class = Arc::new(DeprecatedClass::from_legacy_with_hash(definition, class_hash)?);
        self.loaded.write().unwrap_or_else(|p| p.into_inner()).insert(class_hash, class.clone());
        Ok(class)
    }

    fn compiled(&self, class_hash: &Felt) -> Option<Arc<SierraClass>> {
        self.compiled.read().unwrap_or_else(|p| p.into_inner()).get(class_hash).cloned()
    }

    /// A stored Sierra class, compiled once (its hash is trusted: it is the key it was stored
    /// under, checked when it was declared).
    fn compile(
        &self,
        class_hash: Felt,
        definition: Arc<FlattenedSierraClass>,
    ) -> Result<Arc<SierraClass>, ExecutorError> {
        if let Some(class) = self.compiled(&class_hash) {
            return Ok(class);
        }
        let class = Arc::new(SierraClass::compile(definition)?);
        self.compiled.write().unwrap_or_else(|p| p.into_inner()).insert(class_hash, class.clone());
        Ok(class)
    }

    fn transaction(
        &self,
        tx: &ExecutableTransaction,
    ) -> Result<executor::ExecutableTransaction, SequencerError> {
        // A DECLARE's class is loaded for this run only: the caches keep declared classes, and
        // a submission refused by its signature must not grow them.
        let mut executable = executor::ExecutableTransaction {
            transaction: tx.transaction.clone(),
            transaction_hash: tx.transaction_hash,
            declared_class: None,
            declared_sierra_class: None,
        };
        match (&tx.declared_class, &tx.transaction) {
            (Some(ContractClass::Legacy(definition)), chain::Transaction::DeclareV1(declare)) => {
                executable.declared_class = Some(match self.cached(&declare.class_hash) {
                    Some(class) => class,
                    None => Arc::new(
                        DeprecatedClass::from_legacy_with_hash(
                            definition.clone(),
                            declare.class_hash,
                        )
                        .map_err(|error| SequencerError::InvalidClass(error.to_string()))?,
                    ),
                });
            }
            (Some(ContractClass::Sierra(definition)), chain::Transaction::DeclareV2(declare)) => {
                let declared = (declare.class_hash, declare.compiled_class_hash);
                executable.declared_sierra_class =
                    Some(self.declared_sierra(definition, declared)?);
            }
            (Some(ContractClass::Sierra(definition)), chain::Transaction::DeclareV3(declare)) => {
                let declared = (declare.class_hash, declare.compiled_class_hash);
                executable.declared_sierra_class =
                    Some(self.declared_sierra(definition, declared)?);
            }
            _ => {}
        }
        Ok(executable)
    }

    /// The Sierra class a DECLARE v2 or v3 carries, compiled (or from the cache), whose
    /// compiled class hash must be the one the transaction names (`declared`: class hash and
    /// compiled class hash).
    fn declared_sierra(
        &self,
        definition: &Arc<FlattenedSierraClass>,
        (class_hash, compiled_class_hash): (Felt, Felt),
    ) -> Result<Arc<SierraClass>, SequencerError> {
        let class = match self.compiled(&class_hash) {
            Some(class) => class,
            // A class that does not compile is refused as the gateway refuses it
            // (COMPILATION_FAILED), before any Cairo runs.
            None => Arc::new(
                SierraClass::compile(definition.clone())
                    .map_err(|error| SequencerError::InvalidClass(error.to_string()))?,
            ),
        };
        if class.compiled_class_hash() != compiled_class_hash {
            return Err(SequencerError::CompiledClassHashMismatch {
                class_hash,
                declared: compiled_class_hash,
                actual: class.compiled_class_hash(),
            });
        }
        Ok(class)
    }
}

/// The node's state as the executor reads it.
struct Reader<'a> {
    view: &'a dyn StateView,
    executor: &'a CairoExecutor,
    /// DECLARE's class: known to the provider, declared only once the transaction runs.
    declaring: Option<Arc<DeprecatedClass>>,
    /// DECLARE v2 or v3 class, likewise.
    declaring_sierra: Option<Arc<SierraClass>>,
}

impl<'a> Reader<'a> {
    fn new(
        view: &'a dyn StateView,
        executor: &'a CairoExecutor,
        tx: &executor::ExecutableTransaction,
    ) -> Self {
        Reader {
            view,
            executor,
            declaring: tx.declared_class.clone(),
            declaring_sierra: tx.declared_sierra_class.clone(),
        }
    }
}

fn state_error(error: SequencerError) -> StateError {
    StateError::Corrupt { table: "sequencer", detail: error.to_string() }
}

impl StateReader for Reader<'_> {
    fn storage_at(&self, address: Felt, key: Felt) -> Result<Felt, StateError> {
        self.view.storage_at(address, key).map_err(state_error)
    }

    fn nonce_at(&self, address: Felt) -> Result<Felt, StateError> {
        self.view.nonce_at(address).map_err(state_error)
    }

    fn class_hash_at(&self, address: Felt) -> Result<Felt, StateError> {
        self.view.class_hash_at(address).map_err(state_error)
    }

    fn declared_class(&self, class_hash: Felt) -> Result<Option<DeclaredClass>, StateError> {
        let corrupt = |error: ExecutorError| StateError::Corrupt {
            table: "classes",
            detail: error.to_string(),
        };
        Ok(match self.view.class(class_hash).map_err(state_error)? {
            None => None,
            Some(ContractClass::Legacy(_)) => Some(DeclaredClass::Cairo0),
            Some(ContractClass::Sierra(definition)) => Some(DeclaredClass::Sierra {
                compiled_class_hash: self
                    .executor
                    .compile(class_hash, definition)
                    .map_err(corrupt)?
                    .compiled_class_hash(),
            }),
        })
    }
}

impl ClassProvider for Reader<'_> {
    fn class(&self, class_hash: Felt) -> Result<Option<Arc<DeprecatedClass>>, ExecutorError> {
        if let Some(class) = self.declaring.as_ref().filter(|c| c.class_hash() == class_hash) {
            return Ok(Some(class.clone()));
        }
        match self.view.class(class_hash).map_err(|e| ExecutorError::State(state_error(e)))? {
            Some(ContractClass::Legacy(definition)) => {
                self.executor.load(class_hash, definition).map(Some)
            }
            _ => Ok(None),
        }
    }

    fn sierra_class(&self, class_hash: Felt) -> Result<Option<Arc<SierraClass>>, ExecutorError> {
        let declaring = self.declaring_sierra.as_ref();
        if let Some(class) = declaring.filter(|c| c.class_hash() == class_hash) {
            return Ok(Some(class.clone()));
        }
        match self.view.class(class_hash).map_err(|e| ExecutorError::State(state_error(e)))? {
            Some(ContractClass::Sierra(definition)) => {
                self.executor.compile(class_hash, definition).map(Some)
            }
            _ => Ok(None),
        }
    }
}

fn context(block: &BlockInfo) -> BlockContext {
    BlockContext {
        block_number: block.block_number,
        timestamp: block.timestamp,
        sequencer_address: block.sequencer_address,
        chain_id: block.chain_id,
        gas_prices: block.gas_prices,
        // Transactions run one at a time on the node's overlay, which the producer gave the
        // block-hash write when it opened the block (`Node::produce_block_locked`).
        old_block_hash: None,
    }
}

fn fee_estimate(estimate: executor::FeeEstimate) -> FeeEstimate {
    FeeEstimate {
        l1_gas_consumed: estimate.l1_gas,
        l1_data_gas_consumed: estimate.l1_data_gas,
        l2_gas_consumed: estimate.l2_gas,
        overall_fee: estimate.overall_fee,
        state_diff: estimate.state_diff,
    }
}

/// Splits an executor error into the transaction's fault (`Ok(reason)`) and the node's.
fn verdict(error: ExecutorError) -> Result<ExecutionFailure, SequencerError> {
    match error {
        ExecutorError::InvalidClass(reason) => Err(SequencerError::InvalidClass(reason)),
        error if error.is_rejection() => Ok(ExecutionFailure { reason: error.to_string() }),
        error => Err(SequencerError::Executor(error.to_string())),
    }
}

impl BlockExecutor for CairoExecutor {
    fn validate(
        &self,
        state: &dyn StateView,
        block: &BlockInfo,
        transaction: &ExecutableTransaction,
    ) -> Result<Result<(), ExecutionFailure>, SequencerError> {
        let tx = self.transaction(transaction)?;
        let reader = Reader::new(state, self, &tx);
        match self.executor.validate(&context(block), &reader, &reader, &tx) {
            Ok(()) => {
                // A validated DECLARE v3 (its signature checked): keep its compiled class for
                // the block that executes it and every later use, instead of compiling again.
                if let Some(class) = tx.declared_sierra_class {
                    let mut compiled = self.compiled.write().unwrap_or_else(|p| p.into_inner());
                    compiled.entry(class.class_hash()).or_insert(class);
                }
                Ok(Ok(()))
            }
            Err(error) => verdict(error).map(Err),
        }
    }

    fn execute(
        &self,
        state: &dyn StateView,
        block: &BlockInfo,
        transaction: &ExecutableTransaction,
    ) -> Result<TransactionOutcome, SequencerError> {
        let tx = match self.transaction(transaction) {
            Ok(tx) => tx,
            Err(SequencerError::InvalidClass(reason)) => {
                return Ok(TransactionOutcome::Rejected { reason });
            }
            Err(error) => return Err(error),
        };
        let reader = Reader::new(state, self, &tx);
        match self.executor.execute_transaction(&context(block), &reader, &reader, &tx) {
            Ok(execution) => Ok(TransactionOutcome::Included {
                receipt: execution.receipt,
                state_diff: execution.state_diff,
            }),
            Err(error) => match verdict(error) {
                Ok(failure) => Ok(TransactionOutcome::Rejected { reason: failure.reason }),
                Err(SequencerError::InvalidClass(reason)) => {
                    Ok(TransactionOutcome::Rejected { reason })
                }
                Err(error) => Err(error),
            },
        }
    }

    fn call(
        &self,
        state: &dyn StateView,
        block: &BlockInfo,
        contract_address: Felt,
        selector: Felt,
        calldata: &[Felt],
    ) -> Result<Result<Vec<Felt>, ExecutionFailure>, SequencerError> {
        let reader =
            Reader { view: state, executor: self, declaring: None, declaring_sierra: None };
        let ctx = context(block);
        match self.executor.call(&ctx, &reader, &reader, contract_address, selector, calldata) {
            Ok(data) => Ok(Ok(data)),
            Err(ExecutorError::UnknownContract { address }) => {
                Err(SequencerError::ContractNotFound(address))
            }
            Err(error) => verdict(error).map(Err),
        }
    }

    fn estimate_fee(
        &self,
        state: &dyn StateView,
        block: &BlockInfo,
        transaction: &ExecutableTransaction,
        skip_validate: bool,
    ) -> Result<Result<FeeEstimate, ExecutionFailure>, SequencerError> {
        let tx = self.transaction(transaction)?;
        let reader = Reader::new(state, self, &tx);
        match self.executor.estimate_fee(&context(block), &reader, &reader, &tx, skip_validate) {
            Ok(estimate) => Ok(Ok(fee_estimate(estimate))),
            Err(error) => verdict(error).map(Err),
        }
    }

    fn simulate(
        &self,
        state: &dyn StateView,
        block: &BlockInfo,
        transaction: &ExecutableTransaction,
        skip_validate: bool,
        skip_fee_charge: bool,
    ) -> Result<Result<Simulation, ExecutionFailure>, SequencerError> {
        let tx = self.transaction(transaction)?;
        let reader = Reader::new(state, self, &tx);
        let block = context(block);
        match self.executor.simulate(&block, &reader, &reader, &tx, skip_validate, skip_fee_charge)
        {
            Ok(simulation) => Ok(Ok(Simulation {
                trace: simulation.execution.trace,
                receipt: simulation.execution.receipt,
                fee: fee_estimate(simulation.fee),
                initial_reads: simulation.initial_reads,
            })),
            Err(error) => verdict(error).map(Err),
        }
    }

    fn estimate_message_fee(
        &self,
        state: &dyn StateView,
        block: &BlockInfo,
        message: &executor::L1Message,
    ) -> Result<Result<FeeEstimate, ExecutionFailure>, SequencerError> {
        let reader =
            Reader { view: state, executor: self, declaring: None, declaring_sierra: None };
        match self.executor.estimate_message_fee(&context(block), &reader, &reader, message) {
            Ok(estimate) => Ok(Ok(fee_estimate(estimate))),
            Err(ExecutorError::UnknownContract { address }) => {
                Err(SequencerError::ContractNotFound(address))
            }
            Err(error) => verdict(error).map(Err),
        }
    }

    fn compiled_casm(
        &self,
        class_hash: Felt,
        class: Arc<FlattenedSierraClass>,
    ) -> Result<serde_json::Value, SequencerError> {
        let compiled = self
            .compile(class_hash, class)
            .map_err(|error| SequencerError::InvalidClass(error.to_string()))?;
        serde_json::to_value(compiled.casm().as_ref())
            .map_err(|error| SequencerError::Executor(format!("CASM as JSON: {error}")))
    }
}
