//! What the OS's hints feed it: the block, its transactions, the executor's call traces and the
//! pre-block values of everything the block touches. Built by the runner from the executor's
//! run of the block; nothing here is trusted by the OS: a wrong value makes the run fail.

use std::collections::BTreeMap;

use chain::resource::encode_data_availability_modes;
use chain::{Felt, InvokeV1, Transaction};
use executor::CallTrace;

/// An INVOKE as the OS's `Invoke` struct holds it (`os-program/os/transactions.cairo`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InvokeInput {
    /// 1 or 3.
    pub version: Felt,
    /// The account.
    pub sender_address: Felt,
    /// `__execute__`'s calldata.
    pub calldata: Vec<Felt>,
    /// The nonce the transaction consumes.
    pub nonce: Felt,
    /// v1 only (0 for v3).
    pub max_fee: Felt,
    /// The signature (not checked by the OS; contracts may read it through `get_tx_info`).
    pub signature: Vec<Felt>,
    /// v3 only.
    pub tip: Felt,
    /// v3 only: encoded bounds, in hash order (`chain::ResourceBoundsMapping::encoded`).
    pub resource_bounds: Vec<Felt>,
    /// v3 only.
    pub paymaster_data: Vec<Felt>,
    /// v3 only: `nonce_mode << 32 | fee_mode`.
    pub data_availability_modes: Felt,
    /// v3 only.
    pub account_deployment_data: Vec<Felt>,
}

impl InvokeInput {
    /// The OS's view of an INVOKE v1 or v3; `None` for any other transaction.
    pub fn from_transaction(transaction: &Transaction) -> Option<Self> {
        match transaction {
            Transaction::InvokeV1(InvokeV1 {
                sender_address,
                calldata,
                max_fee,
                signature,
                nonce,
                is_query: false,
            }) => Some(InvokeInput {
                version: Felt::ONE,
                sender_address: *sender_address,
                calldata: calldata.clone(),
                nonce: *nonce,
                max_fee: *max_fee,
                signature: signature.clone(),
                ..InvokeInput::default()
            }),
            Transaction::InvokeV3(tx) if !tx.is_query => Some(InvokeInput {
                version: Felt::THREE,
                sender_address: tx.sender_address,
                calldata: tx.calldata.clone(),
                nonce: tx.nonce,
                max_fee: Felt::ZERO,
                signature: tx.signature.clone(),
                tip: Felt::from(tx.tip),
                resource_bounds: tx.resource_bounds.encoded(),
                paymaster_data: tx.paymaster_data.clone(),
                data_availability_modes: encode_data_availability_modes(
                    tx.nonce_data_availability_mode,
                    tx.fee_data_availability_mode,
                ),
                account_deployment_data: tx.account_deployment_data.clone(),
            }),
            _ => None,
        }
    }
}

/// The pre-block state of one touched contract.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PreContract {
    /// Class hash (0: no contract).
    pub class_hash: Felt,
    /// Nonce.
    pub nonce: Felt,
    /// Pre-block values of the touched storage keys.
    pub storage: BTreeMap<Felt, Felt>,
}

/// Everything the OS's own hints read.
#[derive(Clone, Debug, Default)]
pub struct OsInput {
    /// The `BlockInfo` struct's fields, in order (`os-program/os/structs.cairo`).
    pub block_info: Vec<Felt>,
    /// The transactions, in block order.
    pub transactions: Vec<InvokeInput>,
    /// Each transaction's `__execute__` call, as the executor ran it.
    pub execute_traces: Vec<CallTrace>,
    /// Touched addresses → their pre-block state.
    pub pre_contracts: BTreeMap<Felt, PreContract>,
    /// Touched classes → pre-block compiled class hash (0 if not declared).
    pub pre_classes: BTreeMap<Felt, Felt>,
}
