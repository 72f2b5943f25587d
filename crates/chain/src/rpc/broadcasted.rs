//! Transactions as clients submit them (`BROADCASTED_TXN`): the v3 shapes of spec 0.9 and 0.10
//! (parsed with `starknet-core`; DECLARE v3 with its Sierra class) and the v1 shapes of spec 0.7 (INVOKE, DEPLOY_ACCOUNT, and DECLARE with a
//! deprecated class), which 0.9 clients no longer send but older tools do.
//!
//! DECLARE v2 is not accepted: the write API of both served versions admits no v2 transaction.
//! In spec 0.9.0 and 0.10.3 alike, `starknet_addDeclareTransaction` takes a
//! `BROADCASTED_DECLARE_TXN`, which is `{"title": "Broadcasted declare transaction", "$ref":
//! "#/components/schemas/BROADCASTED_DECLARE_TXN_V3"}`, and `BROADCASTED_TXN` (estimates,
//! simulations) is `oneOf` the broadcasted INVOKE, DECLARE and DEPLOY_ACCOUNT, so a DECLARE v2
//! is refused as an unsupported version. `DECLARE_TXN_V2` remains in both specs as a shape of
//! transactions already in blocks, which this chain reads and serves
//! ([`crate::DeclareV2`], [`super::convert`]).
//!
//! The version field may carry the query flag (`0x100000000000000000000000000000001` for a v1
//! query): such transactions are for `estimateFee`/`simulate` only.

use std::sync::Arc;

use serde::Deserialize;
use serde_json::Value;
use starknet_core::types as wire;

use super::convert::resource_bounds_from_rpc;
use crate::transaction::version_felt;
use crate::{
    ChainError, DataAvailabilityMode, DeclareV1, DeclareV3, DeployAccountV1, DeployAccountV3, Felt,
    InvokeV1, InvokeV3, Transaction,
};

/// A submitted transaction, parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BroadcastedTransaction {
    /// An INVOKE or DEPLOY_ACCOUNT (v1 or v3), ready to hash and execute.
    Transaction(Transaction),
    /// A DECLARE v1 with its deprecated class, whose hash the caller computes from the class
    /// (the executor parses the program anyway) before calling
    /// [`BroadcastedDeclareV1::into_transaction`].
    DeclareV1(BroadcastedDeclareV1),
    /// A DECLARE v3 with its Sierra class, whose hash the caller computes from the class (after
    /// its size checks) before calling [`BroadcastedDeclareV3::into_transaction`]; the caller
    /// also compiles the class before it trusts the transaction's compiled class hash.
    DeclareV3(BroadcastedDeclareV3),
}

/// DECLARE v3 as submitted: the transaction's fields (its class hash not computed yet: zero)
/// and the Sierra class.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BroadcastedDeclareV3 {
    /// The transaction, with `class_hash` zero until [`Self::into_transaction`].
    pub transaction: DeclareV3,
    /// The Sierra class.
    pub contract_class: Arc<wire::FlattenedSierraClass>,
}

impl BroadcastedDeclareV3 {
    /// The transaction, given the class hash computed from [`Self::contract_class`].
    pub fn into_transaction(&self, class_hash: Felt) -> Transaction {
        Transaction::DeclareV3(DeclareV3 { class_hash, ..self.transaction.clone() })
    }
}

/// DECLARE v1 as submitted: the transaction fields and the compressed Cairo 0 class.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct BroadcastedDeclareV1 {
    /// The declaring account.
    pub sender_address: Felt,
    /// Maximum fee in wei.
    pub max_fee: Felt,
    /// Signature.
    pub signature: Vec<Felt>,
    /// Nonce.
    pub nonce: Felt,
    /// The deprecated class (gzipped, base64 program).
    pub contract_class: wire::CompressedLegacyContractClass,
    /// Signed as a query only (set from the version field).
    #[serde(skip)]
    pub is_query: bool,
}

impl BroadcastedDeclareV1 {
    /// The transaction, given the class hash computed from [`Self::contract_class`].
    pub fn into_transaction(&self, class_hash: Felt) -> Transaction {
        Transaction::DeclareV1(DeclareV1 {
            sender_address: self.sender_address,
            class_hash,
            max_fee: self.max_fee,
            signature: self.signature.clone(),
            nonce: self.nonce,
            is_query: self.is_query,
        })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InvokeV1Wire {
    #[serde(rename = "type")]
    _kind: String,
    #[serde(rename = "version")]
    _version: String,
    sender_address: Felt,
    calldata: Vec<Felt>,
    max_fee: Felt,
    signature: Vec<Felt>,
    nonce: Felt,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DeployAccountV1Wire {
    #[serde(rename = "type")]
    _kind: String,
    #[serde(rename = "version")]
    _version: String,
    max_fee: Felt,
    signature: Vec<Felt>,
    nonce: Felt,
    contract_address_salt: Felt,
    constructor_calldata: Vec<Felt>,
    class_hash: Felt,
}

fn json_error(error: serde_json::Error) -> ChainError {
    ChainError::Json(error.to_string())
}

/// Parses a `BROADCASTED_TXN` JSON object.
pub fn parse_broadcasted(value: &Value) -> Result<BroadcastedTransaction, ChainError> {
    let field = |name: &str| {
        value
            .get(name)
            .and_then(Value::as_str)
            .ok_or_else(|| ChainError::Json(format!("missing string field `{name}`")))
    };
    let kind = field("type")?;
    let version_text = field("version")?;
    let version = Felt::from_hex(version_text)
        .map_err(|_| ChainError::Json(format!("invalid version {version_text:?}")))?;
    let (number, is_query) = if version == version_felt(1, false) {
        (1, false)
    } else if version == version_felt(1, true) {
        (1, true)
    } else if version == version_felt(3, false) || version == version_felt(3, true) {
        (3, version == version_felt(3, true))
    } else {
        let kind = match kind {
            "INVOKE" => "INVOKE",
            "DEPLOY_ACCOUNT" => "DEPLOY_ACCOUNT",
            "DECLARE" => "DECLARE",
            _ => "unknown",
        };
        return Err(ChainError::UnsupportedVersion { kind, version });
    };
    match (kind, number) {
        ("INVOKE", 1) => {
            let tx: InvokeV1Wire = serde_json::from_value(value.clone()).map_err(json_error)?;
            Ok(BroadcastedTransaction::Transaction(Transaction::InvokeV1(InvokeV1 {
                sender_address: tx.sender_address,
                calldata: tx.calldata,
                max_fee: tx.max_fee,
                signature: tx.signature,
                nonce: tx.nonce,
                is_query,
            })))
        }
        ("DEPLOY_ACCOUNT", 1) => {
            let tx: DeployAccountV1Wire =
                serde_json::from_value(value.clone()).map_err(json_error)?;
            Ok(BroadcastedTransaction::Transaction(Transaction::DeployAccountV1(DeployAccountV1 {
                class_hash: tx.class_hash,
                contract_address_salt: tx.contract_address_salt,
                constructor_calldata: tx.constructor_calldata,
                max_fee: tx.max_fee,
                signature: tx.signature,
                nonce: tx.nonce,
                is_query,
            })))
        }
        ("DECLARE", 1) => {
            let mut tx: BroadcastedDeclareV1 =
                serde_json::from_value(value.clone()).map_err(json_error)?;
            tx.is_query = is_query;
            Ok(BroadcastedTransaction::DeclareV1(tx))
        }
        ("DECLARE", 3) => {
            let tx: wire::BroadcastedTransaction =
                serde_json::from_value(value.clone()).map_err(json_error)?;
            let wire::BroadcastedTransaction::Declare(tx) = tx else {
                return Err(ChainError::Json("a DECLARE that does not parse as one".into()));
            };
            Ok(BroadcastedTransaction::DeclareV3(declare_v3_from_rpc(tx)))
        }
        ("INVOKE" | "DEPLOY_ACCOUNT", 3) => {
            let tx: wire::BroadcastedTransaction =
                serde_json::from_value(value.clone()).map_err(json_error)?;
            from_v3(tx).map(BroadcastedTransaction::Transaction)
        }
        (kind, _) => Err(ChainError::UnsupportedVersion {
            kind: if kind == "DECLARE" { "DECLARE" } else { "unknown" },
            version,
        }),
    }
}

/// A DECLARE v3 as starknet-rs parses it. Its class hash is left for the caller to compute
/// (hashing costs time linear in the class, so a node checks sizes first); what the sender
/// signed commits to it, so a class that is not the signed one fails the signature.
pub fn declare_v3_from_rpc(tx: wire::BroadcastedDeclareTransactionV3) -> BroadcastedDeclareV3 {
    let contract_class = Arc::new(tx.contract_class.as_ref().clone());
    BroadcastedDeclareV3 {
        transaction: DeclareV3 {
            sender_address: tx.sender_address,
            class_hash: Felt::ZERO,
            compiled_class_hash: tx.compiled_class_hash,
            signature: tx.signature,
            nonce: tx.nonce,
            resource_bounds: resource_bounds_from_rpc(&tx.resource_bounds),
            tip: tx.tip,
            paymaster_data: tx.paymaster_data,
            account_deployment_data: tx.account_deployment_data,
            nonce_data_availability_mode: da(tx.nonce_data_availability_mode),
            fee_data_availability_mode: da(tx.fee_data_availability_mode),
            is_query: tx.is_query,
        },
        contract_class,
    }
}

fn da(mode: wire::DataAvailabilityMode) -> DataAvailabilityMode {
    match mode {
        wire::DataAvailabilityMode::L1 => DataAvailabilityMode::L1,
        wire::DataAvailabilityMode::L2 => DataAvailabilityMode::L2,
    }
}

/// Converts a v3 INVOKE or DEPLOY_ACCOUNT `BROADCASTED_TXN` (as starknet-rs sends it); a DECLARE
/// v3 carries its class and goes through [`declare_v3_from_rpc`].
pub fn from_v3(tx: wire::BroadcastedTransaction) -> Result<Transaction, ChainError> {
    match tx {
        wire::BroadcastedTransaction::Invoke(tx) => Ok(Transaction::InvokeV3(InvokeV3 {
            sender_address: tx.sender_address,
            calldata: tx.calldata,
            signature: tx.signature,
            nonce: tx.nonce,
            resource_bounds: resource_bounds_from_rpc(&tx.resource_bounds),
            tip: tx.tip,
            paymaster_data: tx.paymaster_data,
            account_deployment_data: tx.account_deployment_data,
            nonce_data_availability_mode: da(tx.nonce_data_availability_mode),
            fee_data_availability_mode: da(tx.fee_data_availability_mode),
            is_query: tx.is_query,
        })),
        wire::BroadcastedTransaction::DeployAccount(tx) => {
            Ok(Transaction::DeployAccountV3(DeployAccountV3 {
                class_hash: tx.class_hash,
                contract_address_salt: tx.contract_address_salt,
                constructor_calldata: tx.constructor_calldata,
                signature: tx.signature,
                nonce: tx.nonce,
                resource_bounds: resource_bounds_from_rpc(&tx.resource_bounds),
                tip: tx.tip,
                paymaster_data: tx.paymaster_data,
                nonce_data_availability_mode: da(tx.nonce_data_availability_mode),
                fee_data_availability_mode: da(tx.fee_data_availability_mode),
                is_query: tx.is_query,
            }))
        }
        wire::BroadcastedTransaction::Declare(tx) => Err(ChainError::UnsupportedVersion {
            kind: "DECLARE",
            version: version_felt(3, tx.is_query),
        }),
    }
}
