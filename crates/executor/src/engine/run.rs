//! Executing on blockifier: transactions one at a time over a block's cached state, whole
//! blocks, read-only calls, fee estimates and mempool validation.

use std::sync::Arc;

use blockifier::blockifier::block::pre_process_block;
use blockifier::blockifier::stateful_validator::{StatefulValidator, StatefulValidatorError};
use blockifier::context::{BlockContext as BlockifierContext, TransactionContext};
use blockifier::execution::call_info::CallInfo;
use blockifier::execution::contract_class::RunnableCompiledClass;
use blockifier::execution::entry_point::{
    CallEntryPoint, EntryPointExecutionContext, SierraGasRevertTracker,
};
use blockifier::state::cached_state::{CachedState, TransactionalState};
use blockifier::state::errors::StateError as BlockifierStateError;
use blockifier::state::state_api::{State as _, StateReader as _};
use blockifier::transaction::errors::{TransactionExecutionError, TransactionPreValidationError};
use blockifier::transaction::objects::{DeprecatedTransactionInfo, TransactionInfo};
use blockifier::transaction::transactions::ExecutableTransaction as _;
use chain::rpc::InitialReads;
use chain::{Felt, StateDiff, Transaction};
use starknet_api::block::{BlockHash, BlockHashAndNumber, BlockNumber};
use starknet_api::contract_class::EntryPointType;
use starknet_api::core::ClassHash;
use starknet_api::core::EntryPointSelector;
use starknet_api::execution_resources::GasAmount;
use starknet_api::transaction::fields::Calldata;

use crate::engine::classes::runnable_class;
use crate::engine::context::{address, block_context};
use crate::engine::outcome::{execution, state_diff};
use crate::engine::reader::Reader;
use crate::engine::transactions::{account_transaction, flags};
use crate::resources::Resources;
use crate::system::SystemDeployment;
use crate::transaction::CONSTRUCTOR_SELECTOR;
use crate::{
    BlockContext, ClassProvider, DeprecatedClass, ExecutableTransaction, ExecutorConfig,
    ExecutorError, STORED_BLOCK_HASH_BUFFER, TransactionExecution,
};

/// How to run one transaction.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Mode {
    /// Run `__validate*__`.
    pub validate: bool,
    /// Accept query-only versions (simulation, estimates).
    pub allow_query: bool,
    /// Accept a nonce ahead of the account's (mempool admission of a later transaction).
    pub lenient_nonce: bool,
    /// Charge the fee, where the chain has a fee token ([`ExecutorConfig::fee_token`]).
    pub charge_fee: bool,
}

impl Mode {
    /// A transaction of a block.
    pub(crate) const BLOCK: Mode =
        Mode { validate: true, allow_query: false, lenient_nonce: false, charge_fee: true };
}

/// A block in progress on blockifier: its cached state over the snapshot it started from.
pub(crate) struct EngineBlock<'a> {
    pub(super) context: BlockifierContext,
    pub(super) state: CachedState<Reader<'a>>,
    /// Whether the chain charges fees (it has a fee token).
    fees: bool,
}

impl<'a> EngineBlock<'a> {
    pub(crate) fn new(
        config: &ExecutorConfig,
        block: &BlockContext,
        state: &'a dyn state::StateReader,
        classes: &'a dyn ClassProvider,
    ) -> Result<Self, ExecutorError> {
        Ok(EngineBlock {
            context: block_context(block, config)?,
            state: CachedState::new(Reader::new(state, classes)),
            fees: config.fee_token.is_some(),
        })
    }

    /// What a block does before its transactions: the block-hash write (blockifier's
    /// `pre_process_block`, which refuses a block from 10 on without the old hash).
    pub(crate) fn pre_process(&mut self, block: &BlockContext) -> Result<(), ExecutorError> {
        let old = match (
            block.old_block_hash,
            block.block_number.checked_sub(STORED_BLOCK_HASH_BUFFER),
        ) {
            (Some(hash), Some(number)) => {
                Some(BlockHashAndNumber { number: BlockNumber(number), hash: BlockHash(hash) })
            }
            (Some(_), None) => {
                return Err(ExecutorError::InvalidContext(format!(
                    "block {} has no block {STORED_BLOCK_HASH_BUFFER} below it to store the hash of",
                    block.block_number
                )));
            }
            (None, _) => None,
        };
        let os_constants = &self.context.versioned_constants().os_constants;
        pre_process_block(&mut self.state, old, BlockNumber(block.block_number), os_constants)
            .map_err(|error| match error {
                BlockifierStateError::OldBlockHashNotProvided => {
                    ExecutorError::InvalidContext(format!(
                        "block {} needs the hash of block {} (BlockContext::old_block_hash)",
                        block.block_number,
                        block.block_number - STORED_BLOCK_HASH_BUFFER
                    ))
                }
                other => state_failure(&other),
            })
    }

    /// Executes `tx` on top of the transactions before it. A rejected transaction changes
    /// nothing; an included one (succeeded or reverted) is committed to the block's state.
    pub(crate) fn execute(
        &mut self,
        tx: &ExecutableTransaction,
        mode: Mode,
    ) -> Result<TransactionExecution, ExecutorError> {
        let transaction = &tx.transaction;
        if transaction.is_query() && !mode.allow_query {
            return Err(ExecutorError::QueryTransaction { hash: tx.transaction_hash });
        }
        self.precheck(tx)?;
        let account_tx = account_transaction(
            tx,
            flags(
                mode.validate,
                transaction.is_query(),
                !mode.lenient_nonce,
                mode.charge_fee && self.fees,
            ),
        )?;
        let failures = self.state.state.failures();
        let mut tx_state = TransactionalState::create_transactional(&mut self.state);
        let result = account_tx.execute_raw(&mut tx_state, &self.context, false);
        let outcome = match result {
            Ok(info) => tx_state
                .to_state_diff()
                .map_err(|error| state_failure(&error))
                .and_then(|changes| {
                    let before = |contract: Felt| {
                        tx_state
                            .state
                            .get_class_hash_at(address(contract)?)
                            .map(|hash| hash.0)
                            .map_err(|error| state_failure(&error))
                    };
                    state_diff(&changes.state_maps, before)
                })
                .map(|diff| (info, diff)),
            Err(error) => Err(rejection(error)),
        };
        let (info, diff) = match (outcome, failures.take()) {
            (_, Some(failure)) | (Err(failure), None) => {
                tx_state.abort();
                return Err(failure);
            }
            (Ok(done), None) => done,
        };
        tx_state.commit();
        Ok(execution(self.context.versioned_constants(), tx, &info, diff))
    }

    /// The rejections this chain reports with their own error, checked before blockifier runs.
    fn precheck(&mut self, tx: &ExecutableTransaction) -> Result<(), ExecutorError> {
        let sender = tx.transaction.sender_address();
        let class_hash = self
            .state
            .get_class_hash_at(
                address(sender).map_err(|e| ExecutorError::InvalidTransaction(e.to_string()))?,
            )
            .map_err(|error| self.failure_or(&error))?
            .0;
        match &tx.transaction {
            Transaction::DeployAccountV1(_) | Transaction::DeployAccountV3(_) => {
                if class_hash != Felt::ZERO {
                    return Err(ExecutorError::ContractAlreadyDeployed { address: sender });
                }
            }
            _ => {
                if class_hash == Felt::ZERO {
                    return Err(ExecutorError::UnknownContract { address: sender });
                }
            }
        }
        Ok(())
    }

    /// What the runs so far fetched from the snapshot the block started on, before any write of
    /// their own (spec 0.10.3's `INITIAL_READS`). A storage cell written without being read is
    /// in it once its transaction's diff was taken (blockifier reads the initial value then).
    pub(crate) fn initial_reads(&self) -> Result<InitialReads, ExecutorError> {
        let maps = self.state.get_initial_reads().map_err(|error| self.failure_or(&error))?;
        Ok(crate::engine::outcome::initial_reads(&maps))
    }

    pub(super) fn failure_or(&self, error: &BlockifierStateError) -> ExecutorError {
        self.state.state.take_failure().unwrap_or_else(|| state_failure(error))
    }

    /// The block's state changes so far, over the snapshot it started from.
    pub(crate) fn state_diff(&mut self) -> Result<StateDiff, ExecutorError> {
        let changes = self.state.to_state_diff().map_err(|error| self.failure_or(&error))?;
        let reader = &self.state.state;
        state_diff(&changes.state_maps, |contract| {
            Ok(reader
                .get_class_hash_at(address(contract)?)
                .map_err(|error| state_failure(&error))?
                .0)
        })
    }

    /// A read-only call of `selector` on `contract_address` (caller 0).
    pub(crate) fn call(
        &mut self,
        contract_address: Felt,
        selector: Felt,
        calldata: &[Felt],
    ) -> Result<Vec<Felt>, ExecutorError> {
        let storage_address = address(contract_address)?;
        let class_hash =
            self.state.get_class_hash_at(storage_address).map_err(|e| self.failure_or(&e))?;
        if class_hash == ClassHash::default() {
            return Err(ExecutorError::UnknownContract { address: contract_address });
        }
        let call = CallEntryPoint {
            entry_point_selector: EntryPointSelector(selector),
            calldata: Calldata(Arc::new(calldata.to_vec())),
            storage_address,
            ..CallEntryPoint::default()
        };
        let info = self.protocol_call(call, false)?;
        Ok(info.execution.retdata.0)
    }

    /// Declares `class` outside any transaction (genesis).
    pub(crate) fn declare_system_class(
        &mut self,
        class: &DeprecatedClass,
    ) -> Result<(), ExecutorError> {
        let class_hash = ClassHash(class.class_hash());
        match self.state.get_compiled_class(class_hash) {
            Ok(_) => return Err(ExecutorError::ClassAlreadyDeclared { class_hash: class_hash.0 }),
            Err(BlockifierStateError::UndeclaredClassHash(_)) => {}
            Err(error) => return Err(self.failure_or(&error)),
        }
        self.state
            .set_contract_class(class_hash, runnable_class(class))
            .map_err(|error| self.failure_or(&error))
    }

    /// Deploys `class_hash` at the deployer-0 address of `(salt, constructor_calldata)` and runs
    /// its constructor with caller 0 (cairo-lang's `InternalDeploy`, for genesis contracts).
    pub(crate) fn deploy_system_contract(
        &mut self,
        class_hash: Felt,
        salt: Felt,
        constructor_calldata: &[Felt],
    ) -> Result<SystemDeployment, ExecutorError> {
        let address_felt =
            chain::calculate_contract_address(salt, class_hash, constructor_calldata, Felt::ZERO);
        let storage_address = address(address_felt)?;
        let current =
            self.state.get_class_hash_at(storage_address).map_err(|e| self.failure_or(&e))?;
        if current != ClassHash::default() {
            return Err(ExecutorError::ContractAlreadyDeployed { address: address_felt });
        }
        let class = match self.state.get_compiled_class(ClassHash(class_hash)) {
            Ok(class) => class,
            Err(BlockifierStateError::UndeclaredClassHash(_)) => {
                return Err(ExecutorError::UndeclaredClass { class_hash });
            }
            Err(error) => return Err(self.failure_or(&error)),
        };
        let has_constructor = match &class {
            RunnableCompiledClass::V0(v0) => v0
                .entry_points_by_type
                .get(&EntryPointType::Constructor)
                .is_some_and(|list| !list.is_empty()),
            RunnableCompiledClass::V1(v1) => !v1.entry_points_by_type.constructor.is_empty(),
        };
        if !has_constructor && !constructor_calldata.is_empty() {
            return Err(ExecutorError::ValidationFailed {
                reason: format!("class {class_hash:#x} has no constructor but calldata was given"),
            });
        }
        self.state
            .set_class_hash_at(storage_address, ClassHash(class_hash))
            .map_err(|error| self.failure_or(&error))?;
        if !has_constructor {
            return Ok(SystemDeployment {
                address: address_felt,
                events: Vec::new(),
                resources: Resources::default(),
            });
        }
        let call = CallEntryPoint {
            class_hash: Some(ClassHash(class_hash)),
            entry_point_type: EntryPointType::Constructor,
            entry_point_selector: EntryPointSelector(CONSTRUCTOR_SELECTOR),
            calldata: Calldata(Arc::new(constructor_calldata.to_vec())),
            storage_address,
            ..CallEntryPoint::default()
        };
        match self.protocol_call(call, true) {
            Ok(info) => {
                let execution = crate::engine::outcome::call_summary(&info);
                Ok(SystemDeployment {
                    address: address_felt,
                    events: execution.0,
                    resources: execution.1,
                })
            }
            Err(error) => {
                // Undo the deployment: the constructor failed.
                let mut undo = TransactionalState::create_transactional(&mut self.state);
                let _ = undo.set_class_hash_at(storage_address, ClassHash::default());
                undo.commit();
                Err(match error {
                    ExecutorError::ExecutionFailed { reason } => {
                        ExecutorError::ValidationFailed { reason }
                    }
                    other => other,
                })
            }
        }
    }

    /// Runs `call` with caller 0 outside any transaction; its writes are kept only if `commit`
    /// and it succeeded. A Cairo failure is [`ExecutorError::ExecutionFailed`].
    fn protocol_call(
        &mut self,
        mut call: CallEntryPoint,
        commit: bool,
    ) -> Result<CallInfo, ExecutorError> {
        call.initial_gas = self.context.versioned_constants().infinite_gas_for_vm_mode();
        // The transaction info is all zero (but the chain's, from the block context).
        let tx_context = Arc::new(TransactionContext {
            block_context: Arc::new(self.context.clone()),
            tx_info: TransactionInfo::Deprecated(DeprecatedTransactionInfo::default()),
        });
        let mut context = EntryPointExecutionContext::new_invoke(
            tx_context,
            false,
            SierraGasRevertTracker::new(GasAmount(call.initial_gas)),
        );
        let mut remaining_gas = call.initial_gas;
        let mut scratch = TransactionalState::create_transactional(&mut self.state);
        let result = call.execute(&mut scratch, &mut context, &mut remaining_gas);
        let succeeded = matches!(&result, Ok(info) if !info.execution.failed);
        if commit && succeeded {
            scratch.commit();
        } else {
            scratch.abort();
        }
        if let Some(failure) = self.state.state.take_failure() {
            return Err(failure);
        }
        match result {
            Ok(info) if !info.execution.failed => Ok(info),
            Ok(info) => Err(ExecutorError::ExecutionFailed {
                reason: format!("the call failed: {}", describe_retdata(&info.execution.retdata.0)),
            }),
            Err(error) => Err(ExecutorError::ExecutionFailed { reason: error.to_string() }),
        }
    }
}

/// Mempool admission: the checks and `__validate__` of an INVOKE (a nonce ahead of the
/// account's is accepted: earlier transactions may be pending), or the whole run of a
/// DEPLOY_ACCOUNT or DECLARE (whose validation needs the constructor or the declaration),
/// as Starknet's gateway does with blockifier's `StatefulValidator`.
pub(crate) fn validate(
    config: &ExecutorConfig,
    block: &BlockContext,
    state: &dyn state::StateReader,
    classes: &dyn ClassProvider,
    tx: &ExecutableTransaction,
) -> Result<(), ExecutorError> {
    if tx.transaction.is_query() {
        return Err(ExecutorError::QueryTransaction { hash: tx.transaction_hash });
    }
    let mut engine = EngineBlock::new(config, block, state, classes)?;
    engine.precheck(tx)?;
    // Admission checks the resource bounds and the balance where the chain charges fees.
    let charge_fee = config.fee_token.is_some();
    let account_tx = account_transaction(tx, flags(true, false, false, charge_fee))?;
    let reader = Reader::new(state, classes);
    let failures = reader.failures();
    let mut validator = StatefulValidator::create(CachedState::new(reader), engine.context);
    let result = validator.perform_validations(account_tx);
    if let Some(failure) = failures.take() {
        return Err(failure);
    }
    result.map_err(|error| match error {
        StatefulValidatorError::TransactionExecutionError(error) => rejection(error),
        StatefulValidatorError::TransactionPreValidationError(error) => {
            rejection(TransactionExecutionError::TransactionPreValidationError(Box::new(error)))
        }
        other => ExecutorError::Rejected(other.to_string()),
    })
}

/// A failed call's return data, each felt as the short string it spells when it is printable
/// ASCII (Cairo's error codes such as `ENTRYPOINT_NOT_FOUND`), else in hex.
fn describe_retdata(retdata: &[Felt]) -> String {
    let words: Vec<String> = retdata
        .iter()
        .map(|felt| match chain::short_string::decode(felt) {
            Ok(text)
                if !text.is_empty() && text.chars().all(|c| c.is_ascii_graphic() || c == ' ') =>
            {
                text
            }
            _ => format!("{felt:#x}"),
        })
        .collect();
    words.join(", ")
}

fn state_failure(error: &BlockifierStateError) -> ExecutorError {
    ExecutorError::InvalidContext(format!("executor state: {error}"))
}

/// Blockifier's refusal of a transaction, as this chain's rejection.
fn rejection(error: TransactionExecutionError) -> ExecutorError {
    match error {
        TransactionExecutionError::TransactionPreValidationError(boxed) => match *boxed {
            TransactionPreValidationError::InvalidNonce {
                address,
                account_nonce,
                incoming_tx_nonce,
            } => ExecutorError::InvalidNonce {
                address: *address.0.key(),
                expected: account_nonce.0,
                got: incoming_tx_nonce.0,
            },
            other => ExecutorError::Rejected(other.to_string()),
        },
        TransactionExecutionError::DeclareTransactionError { class_hash } => {
            ExecutorError::ClassAlreadyDeclared { class_hash: class_hash.0 }
        }
        TransactionExecutionError::StateError(BlockifierStateError::UndeclaredClassHash(hash)) => {
            ExecutorError::UndeclaredClass { class_hash: hash.0 }
        }
        error @ (TransactionExecutionError::ValidateTransactionError { .. }
        | TransactionExecutionError::ValidateCairo0Error(_)
        | TransactionExecutionError::InvalidValidateReturnData { .. }
        | TransactionExecutionError::PanicInValidate { .. }
        | TransactionExecutionError::ContractConstructorExecutionFailed(_)) => {
            ExecutorError::ValidationFailed { reason: error.to_string() }
        }
        other => ExecutorError::Rejected(other.to_string()),
    }
}
