//! What the OS's hints feed it: the block, its transactions, the executor's call traces and the
//! pre-block values of everything the block touches. Built by the runner from the executor's
//! run of the block; nothing here is trusted by the OS (a wrong value makes the run fail) except
//! a transaction's [`TransactionInput::is_reverted`] flag and its receipt fields
//! ([`ReceiptInput`]).

use std::collections::{BTreeMap, BTreeSet};

use chain::resource::encode_data_availability_modes;
use chain::{DataAvailabilityMode, Felt, ResourceBoundsMapping, Transaction};
use executor::{CallTrace, ExecutableTransaction};
use serde::{Deserialize, Serialize};

/// `TX_INVOKE` of `os-program/os/constants.cairo`.
pub const TX_INVOKE: u64 = 0;
/// `TX_DEPLOY_ACCOUNT`.
pub const TX_DEPLOY_ACCOUNT: u64 = 1;
/// `TX_DECLARE`.
pub const TX_DECLARE: u64 = 2;

/// A transaction as the OS's `Transaction` struct holds it (`os-program/os/transactions.cairo`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransactionInput {
    /// [`TX_INVOKE`], [`TX_DEPLOY_ACCOUNT`] or [`TX_DECLARE`].
    pub kind: u64,
    /// 1 or 3.
    pub version: Felt,
    /// The account (for DEPLOY_ACCOUNT the OS computes it; this is the executor's).
    pub sender_address: Felt,
    /// `__validate__`'s and `__execute__`'s calldata, or the constructor calldata.
    pub calldata: Vec<Felt>,
    /// The nonce the transaction consumes.
    pub nonce: Felt,
    /// v1 only (0 for v3).
    pub max_fee: Felt,
    /// The signature (the account's validation entry point reads it through `get_tx_info` and
    /// checks it with the ecdsa builtin: a wrong one fails the run).
    pub signature: Vec<Felt>,
    /// v3 only.
    pub tip: Felt,
    /// v3 only: encoded bounds, in hash order (`chain::ResourceBoundsMapping::encoded`).
    pub resource_bounds: Vec<Felt>,
    /// v3 only.
    pub paymaster_data: Vec<Felt>,
    /// v3 only: `nonce_mode << 32 | fee_mode`.
    pub data_availability_modes: Felt,
    /// v3 INVOKE only.
    pub account_deployment_data: Vec<Felt>,
    /// DEPLOY_ACCOUNT: the account's class; DECLARE: the declared class.
    pub class_hash: Felt,
    /// DEPLOY_ACCOUNT only.
    pub contract_address_salt: Felt,
    /// INVOKE only: the executor reverted `__execute__`; the OS then only hashes the transaction,
    /// bumps the nonce and runs `__validate__`. Not proven: the OS takes it on trust (README.md, trust assumptions).
    pub is_reverted: bool,
    /// DECLARE v3 only: the compiled class hash the declarer signed (the classes-trie leaf the
    /// OS writes).
    #[serde(default)]
    pub compiled_class_hash: Felt,
    /// The receipt fields of the receipt hash that the OS takes on trust (README.md, trust
    /// assumptions); it computes the transaction hash itself.
    pub receipt: ReceiptInput,
}

/// The fields of a transaction's receipt hash (`chain::starknet_commitments::receipt_hash`)
/// besides its transaction hash and its messages hash (which the OS computes from the messages
/// the transaction's contracts sent), as the OS's `Transaction` struct ends with them. Not
/// proven by the OS, except that `revert_reason_hash` is 0 exactly when `is_reverted` is not
/// set.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptInput {
    /// The fee charged.
    pub actual_fee: Felt,
    /// `chain::starknet_commitments::revert_reason_hash`.
    pub revert_reason_hash: Felt,
    /// L1 gas.
    pub l1_gas: Felt,
    /// L1 data gas.
    pub l1_data_gas: Felt,
}

impl ReceiptInput {
    /// The fields of `receipt`.
    pub fn of(receipt: &chain::Receipt) -> Self {
        use chain::starknet_commitments::revert_reason_hash;
        ReceiptInput {
            actual_fee: receipt.actual_fee.amount,
            revert_reason_hash: revert_reason_hash(receipt),
            l1_gas: Felt::from(receipt.execution_resources.l1_gas),
            l1_data_gas: Felt::from(receipt.execution_resources.l1_data_gas),
        }
    }
}

impl TransactionInput {
    /// The OS's view of an INVOKE or DEPLOY_ACCOUNT (v1 or v3), a DECLARE v1 (with its class)
    /// or a DECLARE v3; `None` for query-only transactions and a DECLARE v2.
    pub fn from_transaction(tx: &ExecutableTransaction) -> Option<Self> {
        let transaction = &tx.transaction;
        if transaction.is_query() {
            return None;
        }
        let input = match transaction {
            Transaction::InvokeV1(tx) => TransactionInput {
                kind: TX_INVOKE,
                version: Felt::ONE,
                calldata: tx.calldata.clone(),
                max_fee: tx.max_fee,
                ..TransactionInput::default()
            },
            Transaction::InvokeV3(tx) => TransactionInput {
                kind: TX_INVOKE,
                calldata: tx.calldata.clone(),
                account_deployment_data: tx.account_deployment_data.clone(),
                ..v3_fields(
                    tx.tip,
                    &tx.resource_bounds,
                    &tx.paymaster_data,
                    tx.nonce_data_availability_mode,
                    tx.fee_data_availability_mode,
                )
            },
            Transaction::DeployAccountV1(tx) => TransactionInput {
                kind: TX_DEPLOY_ACCOUNT,
                version: Felt::ONE,
                calldata: tx.constructor_calldata.clone(),
                max_fee: tx.max_fee,
                class_hash: tx.class_hash,
                contract_address_salt: tx.contract_address_salt,
                ..TransactionInput::default()
            },
            Transaction::DeployAccountV3(tx) => TransactionInput {
                kind: TX_DEPLOY_ACCOUNT,
                calldata: tx.constructor_calldata.clone(),
                class_hash: tx.class_hash,
                contract_address_salt: tx.contract_address_salt,
                ..v3_fields(
                    tx.tip,
                    &tx.resource_bounds,
                    &tx.paymaster_data,
                    tx.nonce_data_availability_mode,
                    tx.fee_data_availability_mode,
                )
            },
            Transaction::DeclareV1(declare) => TransactionInput {
                kind: TX_DECLARE,
                version: Felt::ONE,
                max_fee: declare.max_fee,
                class_hash: declare.class_hash,
                ..TransactionInput::default()
            },
            Transaction::DeclareV3(declare) => TransactionInput {
                kind: TX_DECLARE,
                class_hash: declare.class_hash,
                compiled_class_hash: declare.compiled_class_hash,
                account_deployment_data: declare.account_deployment_data.clone(),
                ..v3_fields(
                    declare.tip,
                    &declare.resource_bounds,
                    &declare.paymaster_data,
                    declare.nonce_data_availability_mode,
                    declare.fee_data_availability_mode,
                )
            },
            // DECLARE v2 (a Pedersen hash over the compiled class hash) is not done yet.
            Transaction::DeclareV2(_) => return None,
        };
        Some(TransactionInput {
            sender_address: transaction.sender_address(),
            nonce: transaction.nonce(),
            signature: transaction.signature().to_vec(),
            ..input
        })
    }
}

/// The fee fields of a v3 transaction.
fn v3_fields(
    tip: u64,
    resource_bounds: &ResourceBoundsMapping,
    paymaster_data: &[Felt],
    nonce_mode: DataAvailabilityMode,
    fee_mode: DataAvailabilityMode,
) -> TransactionInput {
    TransactionInput {
        version: Felt::THREE,
        tip: Felt::from(tip),
        resource_bounds: resource_bounds.encoded(),
        paymaster_data: paymaster_data.to_vec(),
        data_availability_modes: encode_data_availability_modes(nonce_mode, fee_mode),
        ..TransactionInput::default()
    }
}

/// The pre-block state of one touched contract.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreContract {
    /// Class hash (0: no contract).
    pub class_hash: Felt,
    /// Nonce.
    pub nonce: Felt,
    /// Pre-block values of the touched storage keys.
    pub storage: BTreeMap<Felt, Felt>,
}

/// Everything the OS's own hints read.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OsInput {
    /// The `BlockInfo` struct's fields, in order (`os-program/os/structs.cairo`).
    pub block_info: Vec<Felt>,
    /// The transactions, in block order.
    pub transactions: Vec<TransactionInput>,
    /// Each transaction's top-level calls as the executor ran them, in its order (the order
    /// the OS runs them): INVOKE `__validate__` then `__execute__` (only `__validate__` for a
    /// reverted one), DEPLOY_ACCOUNT the constructor (none for a class without one) then
    /// `__validate_deploy__`, DECLARE `__validate_declare__`; then the fee transfer of a
    /// transaction that paid a fee.
    pub calls: Vec<Vec<CallTrace>>,
    /// Touched addresses → their pre-block state.
    pub pre_contracts: BTreeMap<Felt, PreContract>,
    /// The Sierra classes whose CASM the block runs → their pre-block compiled class hash (the
    /// classes-trie leaf the OS guesses and checks).
    #[serde(default)]
    pub pre_classes: BTreeMap<Felt, Felt>,
    /// The Sierra classes compiled before Sierra 1.7.0, which blockifier runs in its
    /// Cairo-steps mode (no Sierra gas counted: they start with DEFAULT_INITIAL_GAS and their
    /// callers are charged nothing for them), as do the calls below them. Taken on trust, as
    /// Starknet's OS takes each call's gas mode from its executor: the CASM the OS loads does
    /// not carry its Sierra version (README.md, trust assumptions).
    #[serde(default)]
    pub cairo_steps_classes: BTreeSet<Felt>,
}
