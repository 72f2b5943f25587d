//! Transactions this chain accepts: INVOKE v1/v3, DEPLOY_ACCOUNT v1/v3, DECLARE v1 (Cairo 0
//! classes) and DECLARE v3 (Sierra classes); and DECLARE v2 (Sierra classes, `max_fee` in wei),
//! which the JSON-RPC write API of specs 0.9 and 0.10 no longer accepts but which blocks of
//! other nodes hold and blockifier still executes (read, served, replayed).
//!
//! The structs hold exactly the fields the Starknet transaction hash commits to, plus the
//! signature. Fee fields (max_fee, resource bounds, tip) are accepted, stored and returned even
//! though the devnet may charge nothing. `is_query` marks a transaction signed for simulation or
//! fee estimation only (version `2^128 + v`); such a transaction must never be included in a block.

use serde::{Deserialize, Serialize};

use crate::resource::{DataAvailabilityMode, ResourceBoundsMapping};
use crate::{ChainId, Felt, address, tx_hash};

/// INVOKE v1: an account call with a `max_fee` in wei.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvokeV1 {
    /// The account contract whose `__execute__` runs.
    pub sender_address: Felt,
    /// Calldata passed to `__validate__` and `__execute__`.
    pub calldata: Vec<Felt>,
    /// Maximum fee in wei.
    pub max_fee: Felt,
    /// Signature checked by the account's `__validate__`.
    pub signature: Vec<Felt>,
    /// The account's nonce this transaction consumes.
    pub nonce: Felt,
    /// Signed as a query (simulation/estimate) rather than for execution.
    #[serde(default)]
    pub is_query: bool,
}

/// INVOKE v3: an account call with resource bounds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvokeV3 {
    /// The account contract whose `__execute__` runs.
    pub sender_address: Felt,
    /// Calldata passed to `__validate__` and `__execute__`.
    pub calldata: Vec<Felt>,
    /// Signature checked by the account's `__validate__`.
    pub signature: Vec<Felt>,
    /// The account's nonce this transaction consumes.
    pub nonce: Felt,
    /// Bounds on L1 gas, L2 gas and L1 data gas.
    pub resource_bounds: ResourceBoundsMapping,
    /// Tip to the sequencer (fri per L2 gas unit).
    pub tip: u64,
    /// Paymaster data (empty today on Starknet).
    pub paymaster_data: Vec<Felt>,
    /// Data to deploy the account first (empty today on Starknet).
    pub account_deployment_data: Vec<Felt>,
    /// Where the nonce lives.
    pub nonce_data_availability_mode: DataAvailabilityMode,
    /// Where the fee balance lives.
    pub fee_data_availability_mode: DataAvailabilityMode,
    /// Signed as a query (simulation/estimate) rather than for execution.
    #[serde(default)]
    pub is_query: bool,
}

/// DEPLOY_ACCOUNT v1: deploys an account contract at an address derived from its class, salt and
/// constructor calldata, paid by the new account itself.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeployAccountV1 {
    /// Class of the new account.
    pub class_hash: Felt,
    /// Salt of the address computation.
    pub contract_address_salt: Felt,
    /// Constructor arguments.
    pub constructor_calldata: Vec<Felt>,
    /// Maximum fee in wei.
    pub max_fee: Felt,
    /// Signature checked by the account's `__validate_deploy__`.
    pub signature: Vec<Felt>,
    /// Nonce (0 for a fresh account).
    pub nonce: Felt,
    /// Signed as a query (simulation/estimate) rather than for execution.
    #[serde(default)]
    pub is_query: bool,
}

/// DEPLOY_ACCOUNT v3: as v1, with resource bounds instead of `max_fee`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeployAccountV3 {
    /// Class of the new account.
    pub class_hash: Felt,
    /// Salt of the address computation.
    pub contract_address_salt: Felt,
    /// Constructor arguments.
    pub constructor_calldata: Vec<Felt>,
    /// Signature checked by the account's `__validate_deploy__`.
    pub signature: Vec<Felt>,
    /// Nonce (0 for a fresh account).
    pub nonce: Felt,
    /// Bounds on L1 gas, L2 gas and L1 data gas.
    pub resource_bounds: ResourceBoundsMapping,
    /// Tip to the sequencer.
    pub tip: u64,
    /// Paymaster data (empty today on Starknet).
    pub paymaster_data: Vec<Felt>,
    /// Where the nonce lives.
    pub nonce_data_availability_mode: DataAvailabilityMode,
    /// Where the fee balance lives.
    pub fee_data_availability_mode: DataAvailabilityMode,
    /// Signed as a query (simulation/estimate) rather than for execution.
    #[serde(default)]
    pub is_query: bool,
}

/// DECLARE v1: declares a deprecated (Cairo 0) class. The class itself travels beside the
/// transaction (the hash commits only to its class hash).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeclareV1 {
    /// The declaring account.
    pub sender_address: Felt,
    /// Hash of the deprecated class being declared.
    pub class_hash: Felt,
    /// Maximum fee in wei.
    pub max_fee: Felt,
    /// Signature checked by the account's `__validate_declare__`.
    pub signature: Vec<Felt>,
    /// The account's nonce this transaction consumes.
    pub nonce: Felt,
    /// Signed as a query (simulation/estimate) rather than for execution.
    #[serde(default)]
    pub is_query: bool,
}

/// DECLARE v2: declares a Sierra (Cairo 1) class, committing to its class hash and to the hash
/// of the CASM it compiles to, with a `max_fee` in wei (Starknet 0.11 to 0.13; the write API of
/// specs 0.9 and 0.10 accepts only v3, see `rpc::broadcasted`). The Sierra class travels beside
/// the transaction.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeclareV2 {
    /// The declaring account.
    pub sender_address: Felt,
    /// Hash of the Sierra class being declared.
    pub class_hash: Felt,
    /// Hash of the CASM the class compiles to, as the sender computed it.
    pub compiled_class_hash: Felt,
    /// Maximum fee in wei.
    pub max_fee: Felt,
    /// Signature checked by the account's `__validate_declare__`.
    pub signature: Vec<Felt>,
    /// The account's nonce this transaction consumes.
    pub nonce: Felt,
    /// Signed as a query (simulation/estimate) rather than for execution.
    #[serde(default)]
    pub is_query: bool,
}

/// DECLARE v3: declares a Sierra (Cairo 1) class, committing to its class hash and to the hash
/// of the CASM it compiles to. The Sierra class travels beside the transaction.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeclareV3 {
    /// The declaring account.
    pub sender_address: Felt,
    /// Hash of the Sierra class being declared.
    pub class_hash: Felt,
    /// Hash of the CASM the class compiles to, as the sender computed it.
    pub compiled_class_hash: Felt,
    /// Signature checked by the account's `__validate_declare__`.
    pub signature: Vec<Felt>,
    /// The account's nonce this transaction consumes.
    pub nonce: Felt,
    /// Bounds on L1 gas, L2 gas and L1 data gas.
    pub resource_bounds: ResourceBoundsMapping,
    /// Tip to the sequencer.
    pub tip: u64,
    /// Paymaster data (empty today on Starknet).
    pub paymaster_data: Vec<Felt>,
    /// Data to deploy the account first (empty today on Starknet).
    pub account_deployment_data: Vec<Felt>,
    /// Where the nonce lives.
    pub nonce_data_availability_mode: DataAvailabilityMode,
    /// Where the fee balance lives.
    pub fee_data_availability_mode: DataAvailabilityMode,
    /// Signed as a query (simulation/estimate) rather than for execution.
    #[serde(default)]
    pub is_query: bool,
}

impl DeclareV3 {
    /// The version felt as signed: 3, or `2^128 + 3` for a query.
    pub fn version_felt(&self) -> Felt {
        version_felt(3, self.is_query)
    }
}

/// A transaction of any accepted type and version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Transaction {
    /// INVOKE v1.
    InvokeV1(InvokeV1),
    /// INVOKE v3.
    InvokeV3(InvokeV3),
    /// DEPLOY_ACCOUNT v1.
    DeployAccountV1(DeployAccountV1),
    /// DEPLOY_ACCOUNT v3.
    DeployAccountV3(DeployAccountV3),
    /// DECLARE v1 (deprecated class).
    DeclareV1(DeclareV1),
    /// DECLARE v3 (Sierra class).
    DeclareV3(DeclareV3),
    /// DECLARE v2 (Sierra class, `max_fee`). Last, so that the variants before it keep their
    /// serialized indices in stores written before it existed.
    DeclareV2(DeclareV2),
}

/// The type of a transaction, independent of its version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TransactionKind {
    /// INVOKE.
    Invoke,
    /// DEPLOY_ACCOUNT.
    DeployAccount,
    /// DECLARE.
    Declare,
}

impl TransactionKind {
    /// The JSON-RPC `type` string.
    pub fn as_str(self) -> &'static str {
        match self {
            TransactionKind::Invoke => "INVOKE",
            TransactionKind::DeployAccount => "DEPLOY_ACCOUNT",
            TransactionKind::Declare => "DECLARE",
        }
    }
}

/// `2^128`, added to the version of a transaction signed for queries only.
pub fn query_version_base() -> Felt {
    Felt::TWO.pow(128u32)
}

/// The version felt of a transaction: `v`, or `2^128 + v` for a query.
pub fn version_felt(version: u64, is_query: bool) -> Felt {
    let version = Felt::from(version);
    if is_query { version + query_version_base() } else { version }
}

impl Transaction {
    /// The transaction hash on `chain_id`, exactly as the Starknet protocol defines it.
    pub fn hash(&self, chain_id: ChainId) -> Felt {
        match self {
            Transaction::InvokeV1(tx) => tx_hash::invoke_v1(tx, chain_id),
            Transaction::InvokeV3(tx) => tx_hash::invoke_v3(tx, chain_id),
            Transaction::DeployAccountV1(tx) => tx_hash::deploy_account_v1(tx, chain_id),
            Transaction::DeployAccountV3(tx) => tx_hash::deploy_account_v3(tx, chain_id),
            Transaction::DeclareV1(tx) => tx_hash::declare_v1(tx, chain_id),
            Transaction::DeclareV3(tx) => tx_hash::declare_v3(tx, chain_id),
            Transaction::DeclareV2(tx) => tx_hash::declare_v2(tx, chain_id),
        }
    }

    /// The transaction type.
    pub fn kind(&self) -> TransactionKind {
        match self {
            Transaction::InvokeV1(_) | Transaction::InvokeV3(_) => TransactionKind::Invoke,
            Transaction::DeployAccountV1(_) | Transaction::DeployAccountV3(_) => {
                TransactionKind::DeployAccount
            }
            Transaction::DeclareV1(_) | Transaction::DeclareV2(_) | Transaction::DeclareV3(_) => {
                TransactionKind::Declare
            }
        }
    }

    /// The protocol version number (1, 2 or 3), without the query offset.
    pub fn version(&self) -> u64 {
        match self {
            Transaction::InvokeV1(_)
            | Transaction::DeployAccountV1(_)
            | Transaction::DeclareV1(_) => 1,
            Transaction::DeclareV2(_) => 2,
            Transaction::InvokeV3(_)
            | Transaction::DeployAccountV3(_)
            | Transaction::DeclareV3(_) => 3,
        }
    }

    /// Whether this transaction was signed for queries only.
    pub fn is_query(&self) -> bool {
        match self {
            Transaction::InvokeV1(tx) => tx.is_query,
            Transaction::InvokeV3(tx) => tx.is_query,
            Transaction::DeployAccountV1(tx) => tx.is_query,
            Transaction::DeployAccountV3(tx) => tx.is_query,
            Transaction::DeclareV1(tx) => tx.is_query,
            Transaction::DeclareV3(tx) => tx.is_query,
            Transaction::DeclareV2(tx) => tx.is_query,
        }
    }

    /// The account that sends (and pays for) the transaction; for DEPLOY_ACCOUNT the address of
    /// the account being deployed.
    pub fn sender_address(&self) -> Felt {
        match self {
            Transaction::InvokeV1(tx) => tx.sender_address,
            Transaction::InvokeV3(tx) => tx.sender_address,
            Transaction::DeployAccountV1(tx) => address::calculate_contract_address(
                tx.contract_address_salt,
                tx.class_hash,
                &tx.constructor_calldata,
                Felt::ZERO,
            ),
            Transaction::DeployAccountV3(tx) => address::calculate_contract_address(
                tx.contract_address_salt,
                tx.class_hash,
                &tx.constructor_calldata,
                Felt::ZERO,
            ),
            Transaction::DeclareV1(tx) => tx.sender_address,
            Transaction::DeclareV3(tx) => tx.sender_address,
            Transaction::DeclareV2(tx) => tx.sender_address,
        }
    }

    /// The nonce the transaction consumes.
    pub fn nonce(&self) -> Felt {
        match self {
            Transaction::InvokeV1(tx) => tx.nonce,
            Transaction::InvokeV3(tx) => tx.nonce,
            Transaction::DeployAccountV1(tx) => tx.nonce,
            Transaction::DeployAccountV3(tx) => tx.nonce,
            Transaction::DeclareV1(tx) => tx.nonce,
            Transaction::DeclareV3(tx) => tx.nonce,
            Transaction::DeclareV2(tx) => tx.nonce,
        }
    }

    /// The signature.
    pub fn signature(&self) -> &[Felt] {
        match self {
            Transaction::InvokeV1(tx) => &tx.signature,
            Transaction::InvokeV3(tx) => &tx.signature,
            Transaction::DeployAccountV1(tx) => &tx.signature,
            Transaction::DeployAccountV3(tx) => &tx.signature,
            Transaction::DeclareV1(tx) => &tx.signature,
            Transaction::DeclareV3(tx) => &tx.signature,
            Transaction::DeclareV2(tx) => &tx.signature,
        }
    }

    /// Replaces the signature (used by signers after hashing).
    pub fn set_signature(&mut self, signature: Vec<Felt>) {
        match self {
            Transaction::InvokeV1(tx) => tx.signature = signature,
            Transaction::InvokeV3(tx) => tx.signature = signature,
            Transaction::DeployAccountV1(tx) => tx.signature = signature,
            Transaction::DeployAccountV3(tx) => tx.signature = signature,
            Transaction::DeclareV1(tx) => tx.signature = signature,
            Transaction::DeclareV3(tx) => tx.signature = signature,
            Transaction::DeclareV2(tx) => tx.signature = signature,
        }
    }
}
