//! A transaction ready to execute ([`ExecutableTransaction`]) and what it did
//! ([`TransactionExecution`]), with Starknet's split between rejected and reverted transactions
//! (blockifier decides which; the `engine` module translates):
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
//! Order per type, blockifier's: INVOKE: nonce, `__validate__`, `__execute__`. DEPLOY_ACCOUNT:
//! nonce, deploy + constructor, `__validate_deploy__`. DECLARE v1, v2 and v3: nonce,
//! `__validate_declare__`, declare; then, where the chain has a fee token
//! ([`crate::ExecutorConfig::fee_token`]), the fee transfer (a reverted transaction pays too).
//! Without a fee token nothing is charged: the receipt reports a zero fee in the version's unit
//! (what was charged), its gas is blockifier's, and `max_fee`
//! and resource bounds are not enforced.

use std::sync::Arc;

use chain::{ChainId, DeclareV1, DeclareV2, DeclareV3, Felt, Receipt, StateDiff, Transaction};

use crate::call::CallTrace;
use crate::resources::Resources;
use crate::{DeprecatedClass, SierraClass};

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
/// `get_selector_from_name("transfer")`: the fee transfer's entry point on the fee token.
pub const TRANSFER_SELECTOR: Felt =
    Felt::from_hex_unchecked("0x83afd3f4caedc6eebf44246fe54e38c95e3179a5ec9ea81740eca5b482d12e");
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
    /// For DECLARE v1: the Cairo 0 class being declared.
    pub declared_class: Option<Arc<DeprecatedClass>>,
    /// For DECLARE v2 and v3: the Sierra class being declared, compiled.
    pub declared_sierra_class: Option<Arc<SierraClass>>,
}

impl ExecutableTransaction {
    /// An INVOKE or DEPLOY_ACCOUNT, hashed on `chain_id`.
    pub fn new(transaction: Transaction, chain_id: ChainId) -> Self {
        let transaction_hash = transaction.hash(chain_id);
        ExecutableTransaction {
            transaction,
            transaction_hash,
            declared_class: None,
            declared_sierra_class: None,
        }
    }

    /// A DECLARE v1 of `class`, hashed on `chain_id`.
    pub fn declare(declare: DeclareV1, class: Arc<DeprecatedClass>, chain_id: ChainId) -> Self {
        let mut tx = Self::new(Transaction::DeclareV1(declare), chain_id);
        tx.declared_class = Some(class);
        tx
    }

    /// A DECLARE v2 of the Sierra `class` (`max_fee` in wei), hashed on `chain_id`.
    pub fn declare_sierra_v2(
        declare: DeclareV2,
        class: Arc<SierraClass>,
        chain_id: ChainId,
    ) -> Self {
        let mut tx = Self::new(Transaction::DeclareV2(declare), chain_id);
        tx.declared_sierra_class = Some(class);
        tx
    }

    /// A DECLARE v3 of the Sierra `class`, hashed on `chain_id`.
    pub fn declare_sierra(declare: DeclareV3, class: Arc<SierraClass>, chain_id: ChainId) -> Self {
        let mut tx = Self::new(Transaction::DeclareV3(declare), chain_id);
        tx.declared_sierra_class = Some(class);
        tx
    }
}

/// What an included (succeeded or reverted) transaction did.
#[derive(Clone, Debug)]
pub struct TransactionExecution {
    /// The receipt (status, events, messages, resources, the fee charged).
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
    /// Its Starknet JSON-RPC trace (`starknet_traceTransaction`): every phase's call tree with
    /// events, messages and gas, the fee transfer when fees are charged, the state diff.
    pub trace: chain::rpc::types::TransactionTrace,
}

impl TransactionExecution {
    /// Whether the transaction reverted.
    pub fn reverted(&self) -> bool {
        !self.receipt.succeeded()
    }
}
