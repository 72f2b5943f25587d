//! Executing one transaction: pre-checks, nonce, validation, execution, receipt and diff, with
//! Starknet's split between rejected and reverted transactions.
//!
//! * **Rejected** (an [`ExecutorError`], nothing changes): query-only version in a block, unknown
//!   sender, wrong nonce, undeclared class, class hash mismatch or redeclaration, a contract
//!   already at a DEPLOY_ACCOUNT address, and any failure of `__validate__`,
//!   `__validate_declare__`, `__validate_deploy__` or of a DEPLOY_ACCOUNT's constructor (which,
//!   as on Starknet, cannot revert).
//! * **Reverted** (included, status REVERTED with the reason): a failure of INVOKE's
//!   `__execute__`, including running out of steps. The nonce bump and `__validate__`'s writes
//!   stay; `__execute__`'s writes, events and messages are dropped.
//!
//! Order per type, as cairo-lang's and blockifier's: INVOKE: nonce, `__validate__`,
//! `__execute__`. DEPLOY_ACCOUNT: nonce, deploy + constructor, `__validate_deploy__`. DECLARE v1:
//! nonce, `__validate_declare__`, declare. Fees are not charged (zero-fee chain); `max_fee` and
//! resource bounds are accepted and the receipt reports a zero fee in the version's unit.

use std::sync::Arc;

use chain::receipt::{Fee, FeeUnit};
use chain::transaction::version_felt;
use chain::{
    ChainId, DeclareV1, DeployAccountV1, DeployAccountV3, Event, ExecutionStatus, Felt, InvokeV1,
    InvokeV3, MessageToL1, Receipt, StateDiff, Transaction,
};

use crate::call::{CallError, CallFrame, CallTrace, TxRun, execute_call};
use crate::class::EntryPointType;
use crate::context::TxInfo;
use crate::overlay::StateOverlay;
use crate::resources::Resources;
use crate::{BlockContext, DeprecatedClass, ExecutorConfig, ExecutorError};

/// `get_selector_from_name("__validate__")`.
pub const VALIDATE_SELECTOR: Felt =
    Felt::from_hex_unchecked("0x162da33a4585851fe8d3af3c2a9c60b557814e221e0d4f30ff0b2189d9c7775");
/// `get_selector_from_name("__execute__")`.
pub const EXECUTE_SELECTOR: Felt =
    Felt::from_hex_unchecked("0x15d40a3d6ca2ac30f4031e42be28da9b056fef9bb7357ac5e85627ee876e5ad");
/// `get_selector_from_name("__validate_declare__")`.
pub const VALIDATE_DECLARE_SELECTOR: Felt =
    Felt::from_hex_unchecked("0x289da278a8dc833409cabfdad1581e8e7d40e42dcaed693fa4008dcdb4963b3");
/// `get_selector_from_name("__validate_deploy__")`.
pub const VALIDATE_DEPLOY_SELECTOR: Felt =
    Felt::from_hex_unchecked("0x36fcbf06cd96843058359e1a75928beacfac10727dab22a3972f0af8aa92895");
/// `get_selector_from_name("constructor")`.
pub const CONSTRUCTOR_SELECTOR: Felt =
    Felt::from_hex_unchecked("0x28ffe4ff0f226a9107253e17a904099aa4f63a02a5621de0576e5aa71bc5194");

/// A transaction ready to execute: the transaction, its hash, and for DECLARE the class.
#[derive(Clone, Debug)]
pub struct ExecutableTransaction {
    /// The transaction.
    pub transaction: Transaction,
    /// Its hash on the block's chain (what the account's signature covers). Trusted as given.
    pub transaction_hash: Felt,
    /// For DECLARE v1: the class being declared.
    pub declared_class: Option<Arc<DeprecatedClass>>,
}

impl ExecutableTransaction {
    /// An INVOKE or DEPLOY_ACCOUNT, hashed on `chain_id`.
    pub fn new(transaction: Transaction, chain_id: ChainId) -> Self {
        let transaction_hash = transaction.hash(chain_id);
        ExecutableTransaction { transaction, transaction_hash, declared_class: None }
    }

    /// A DECLARE v1 of `class`, hashed on `chain_id`.
    pub fn declare(declare: DeclareV1, class: Arc<DeprecatedClass>, chain_id: ChainId) -> Self {
        let mut tx = Self::new(Transaction::DeclareV1(declare), chain_id);
        tx.declared_class = Some(class);
        tx
    }
}

/// What an included (succeeded or reverted) transaction did.
#[derive(Clone, Debug)]
pub struct TransactionExecution {
    /// The receipt (status, events, messages, resources; zero fee).
    pub receipt: Receipt,
    /// What the transaction changed, nonce included (for a reverted one: the nonce and
    /// `__validate__`'s writes only).
    pub state_diff: StateDiff,
    /// The return data of `__execute__` (empty for other types and for reverted transactions).
    pub execute_retdata: Vec<Felt>,
    /// Cairo resources of all phases that completed.
    pub resources: Resources,
    /// The calls of the phases that completed, in order (`__validate__` then `__execute__` for
    /// an INVOKE; the constructor then `__validate_deploy__` for a DEPLOY_ACCOUNT;
    /// `__validate_declare__` for a DECLARE; none for a reverted `__execute__`): what the OS
    /// needs to answer the contracts' syscalls when it re-executes the transaction.
    pub calls: Vec<CallTrace>,
}

impl TransactionExecution {
    /// Whether the transaction reverted.
    pub fn reverted(&self) -> bool {
        !self.receipt.succeeded()
    }
}

/// How strictly to run a transaction.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Options {
    /// Skip `__validate*__` (fee estimation with `SKIP_VALIDATE`).
    pub skip_validate: bool,
    /// Accept query-only versions (simulation, estimates).
    pub allow_query: bool,
    /// Stop after validation (mempool admission); the nonce may then be ahead of the account's.
    pub validate_only: bool,
}

/// Events, messages and resources gathered across the phases of one transaction.
#[derive(Default)]
pub(crate) struct Gathered {
    pub calls: Vec<CallTrace>,
    pub events: Vec<Event>,
    pub messages: Vec<MessageToL1>,
    pub resources: Resources,
}

/// Executes `tx` in a new layer of `overlay`. On success the layer is left on top (the caller
/// commits or rolls it back); on a rejection it is rolled back.
pub(crate) fn execute(
    overlay: &mut StateOverlay<'_>,
    block: &BlockContext,
    config: &ExecutorConfig,
    tx: &ExecutableTransaction,
    options: Options,
) -> Result<TransactionExecution, ExecutorError> {
    overlay.checkpoint();
    let result = execute_layer(overlay, block, config, tx, options);
    if result.is_err() {
        overlay.rollback();
    }
    result
}

fn execute_layer(
    overlay: &mut StateOverlay<'_>,
    block: &BlockContext,
    config: &ExecutorConfig,
    tx: &ExecutableTransaction,
    options: Options,
) -> Result<TransactionExecution, ExecutorError> {
    let transaction = &tx.transaction;
    if transaction.is_query() && !options.allow_query {
        return Err(ExecutorError::QueryTransaction { hash: tx.transaction_hash });
    }
    let sender = transaction.sender_address();
    let (max_fee, unit) = match transaction {
        Transaction::InvokeV1(t) => (t.max_fee, FeeUnit::Wei),
        Transaction::DeployAccountV1(t) => (t.max_fee, FeeUnit::Wei),
        Transaction::DeclareV1(t) => (t.max_fee, FeeUnit::Wei),
        Transaction::InvokeV3(_) | Transaction::DeployAccountV3(_) => (Felt::ZERO, FeeUnit::Fri),
    };
    let tx_info = TxInfo {
        version: version_felt(transaction.version(), transaction.is_query()),
        account_contract_address: sender,
        max_fee,
        signature: transaction.signature().to_vec(),
        transaction_hash: tx.transaction_hash,
        chain_id: block.chain_id.as_felt(),
        nonce: transaction.nonce(),
    };
    let mut phases =
        Phases { overlay, block, config, tx_info: &tx_info, gathered: Gathered::default() };
    let mut status = ExecutionStatus::Succeeded;
    let mut execute_retdata = Vec::new();
    let mut contract_address = None;

    match transaction {
        Transaction::InvokeV1(InvokeV1 { calldata, .. })
        | Transaction::InvokeV3(InvokeV3 { calldata, .. }) => {
            let class_hash = phases.existing_account(sender)?;
            phases.bump_nonce(sender, transaction.nonce(), options)?;
            let frame = account_frame(sender, class_hash, VALIDATE_SELECTOR, calldata.clone());
            if !options.skip_validate {
                phases.validate(&frame)?;
            }
            if !options.validate_only {
                let frame = CallFrame { selector: EXECUTE_SELECTOR, ..frame };
                match phases.execute(&frame)? {
                    Ok(retdata) => execute_retdata = retdata,
                    Err(reason) => status = ExecutionStatus::Reverted { reason },
                }
            }
        }
        Transaction::DeployAccountV1(DeployAccountV1 {
            class_hash,
            contract_address_salt: salt,
            constructor_calldata,
            ..
        })
        | Transaction::DeployAccountV3(DeployAccountV3 {
            class_hash,
            contract_address_salt: salt,
            constructor_calldata,
            ..
        }) => {
            let (class_hash, salt) = (*class_hash, *salt);
            if phases.overlay.class_hash_at(sender)? != Felt::ZERO {
                return Err(ExecutorError::ContractAlreadyDeployed { address: sender });
            }
            let class = phases.overlay.class(class_hash)?;
            phases.bump_nonce(sender, transaction.nonce(), options)?;
            phases.overlay.set_class_hash(sender, class_hash);
            contract_address = Some(sender);
            let constructor = CallFrame {
                kind: EntryPointType::Constructor,
                ..account_frame(
                    sender,
                    class_hash,
                    CONSTRUCTOR_SELECTOR,
                    constructor_calldata.clone(),
                )
            };
            if class.has_constructor() {
                phases.validate_with_steps(&constructor, config.execute_max_steps)?;
            } else if !constructor_calldata.is_empty() {
                return Err(ExecutorError::ValidationFailed {
                    reason: format!(
                        "class {class_hash:#x} has no constructor but calldata was given"
                    ),
                });
            }
            if !options.skip_validate {
                let mut calldata = vec![class_hash, salt];
                calldata.extend_from_slice(constructor_calldata);
                phases.validate(&account_frame(
                    sender,
                    class_hash,
                    VALIDATE_DEPLOY_SELECTOR,
                    calldata,
                ))?;
            }
        }
        Transaction::DeclareV1(declare) => {
            let class = tx.declared_class.clone().ok_or(ExecutorError::DeclaredClassMismatch {
                declared: declare.class_hash,
                actual: None,
            })?;
            if class.class_hash() != declare.class_hash {
                return Err(ExecutorError::DeclaredClassMismatch {
                    declared: declare.class_hash,
                    actual: Some(class.class_hash()),
                });
            }
            let account_class = phases.existing_account(sender)?;
            phases.bump_nonce(sender, transaction.nonce(), options)?;
            if phases.overlay.is_declared(declare.class_hash)? {
                return Err(ExecutorError::ClassAlreadyDeclared { class_hash: declare.class_hash });
            }
            if !options.skip_validate {
                let calldata = vec![declare.class_hash];
                phases.validate(&account_frame(
                    sender,
                    account_class,
                    VALIDATE_DECLARE_SELECTOR,
                    calldata,
                ))?;
            }
            phases.overlay.declare(class);
        }
    }

    let Phases { overlay, gathered, .. } = phases;
    let state_diff = overlay.layer_diff(overlay.depth() - 1)?;
    let receipt = Receipt {
        transaction_hash: tx.transaction_hash,
        kind: transaction.kind(),
        actual_fee: Fee { amount: Felt::ZERO, unit },
        execution_status: status,
        events: gathered.events,
        messages_sent: gathered.messages,
        execution_resources: gathered.resources.to_receipt(),
        contract_address,
    };
    Ok(TransactionExecution {
        receipt,
        state_diff,
        execute_retdata,
        resources: gathered.resources,
        calls: gathered.calls,
    })
}

/// A protocol call of an account entry point (caller 0).
pub(crate) fn account_frame(
    address: Felt,
    class_hash: Felt,
    selector: Felt,
    calldata: Vec<Felt>,
) -> CallFrame {
    CallFrame {
        contract_address: address,
        class_hash,
        selector,
        kind: EntryPointType::External,
        calldata,
        caller_address: Felt::ZERO,
    }
}

/// The phases of one transaction, sharing its overlay layer and gathered outputs.
pub(crate) struct Phases<'p, 'a> {
    pub overlay: &'p mut StateOverlay<'a>,
    pub block: &'p BlockContext,
    pub config: &'p ExecutorConfig,
    pub tx_info: &'p TxInfo,
    pub gathered: Gathered,
}

impl Phases<'_, '_> {
    /// The class of the sending account; rejects an address without a contract.
    fn existing_account(&mut self, address: Felt) -> Result<Felt, ExecutorError> {
        match self.overlay.class_hash_at(address)? {
            zero if zero == Felt::ZERO => Err(ExecutorError::UnknownContract { address }),
            class_hash => Ok(class_hash),
        }
    }

    /// Checks the nonce (exactly the account's, or at least it when only validating) and bumps it.
    fn bump_nonce(
        &mut self,
        address: Felt,
        nonce: Felt,
        options: Options,
    ) -> Result<(), ExecutorError> {
        let current = self.overlay.nonce_at(address)?;
        let acceptable = if options.validate_only { nonce >= current } else { nonce == current };
        if !acceptable {
            return Err(ExecutorError::InvalidNonce { address, expected: current, got: nonce });
        }
        self.overlay.set_nonce(address, current + Felt::ONE);
        Ok(())
    }

    /// Runs `frame` with `max_steps`; its events and messages are kept only if it succeeds. A
    /// failed run still counts the steps it consumed (what Starknet reports for a reverted
    /// execution); its builtins are not known and not counted.
    fn run(&mut self, frame: &CallFrame, max_steps: usize) -> Result<Vec<Felt>, CallError> {
        let mut run = TxRun {
            state: self.overlay,
            block: self.block,
            tx_info: self.tx_info,
            max_call_depth: self.config.max_call_depth,
            remaining_steps: max_steps,
            events: Vec::new(),
            messages: Vec::new(),
            resources: Resources::default(),
            depth: 0,
            fatal: None,
            call_stack: Vec::new(),
            finished_calls: Vec::new(),
        };
        let retdata = match execute_call(&mut run, frame) {
            Ok(retdata) => retdata,
            Err(error) => {
                let consumed = max_steps.saturating_sub(run.remaining_steps);
                self.gathered.resources.steps += consumed as u64;
                return Err(error);
            }
        };
        self.gathered.calls.append(&mut run.finished_calls);
        self.gathered.events.append(&mut run.events);
        self.gathered.messages.append(&mut run.messages);
        self.gathered.resources.add(&run.resources);
        Ok(retdata)
    }

    /// A validation-phase call: any Cairo failure rejects the transaction.
    fn validate(&mut self, frame: &CallFrame) -> Result<Vec<Felt>, ExecutorError> {
        self.validate_with_steps(frame, self.config.validate_max_steps)
    }

    pub(crate) fn validate_with_steps(
        &mut self,
        frame: &CallFrame,
        max_steps: usize,
    ) -> Result<Vec<Felt>, ExecutorError> {
        match self.run(frame, max_steps) {
            Ok(retdata) => Ok(retdata),
            Err(CallError::Cairo(reason)) => Err(ExecutorError::ValidationFailed { reason }),
            Err(CallError::Fatal(error)) => Err(error),
        }
    }

    /// The execute phase in its own layer: `Ok(Err(reason))` is a revert.
    fn execute(&mut self, frame: &CallFrame) -> Result<Result<Vec<Felt>, String>, ExecutorError> {
        self.overlay.checkpoint();
        match self.run(frame, self.config.execute_max_steps) {
            Ok(retdata) => {
                self.overlay.commit();
                Ok(Ok(retdata))
            }
            Err(CallError::Cairo(reason)) => {
                self.overlay.rollback();
                Ok(Err(reason))
            }
            Err(CallError::Fatal(error)) => {
                self.overlay.rollback();
                Err(error)
            }
        }
    }
}
