//! Transaction receipts: outcome, fee, events, L2→L1 messages and resources used.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{Felt, TransactionKind};

/// An event emitted by a contract.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// The emitting contract.
    pub from_address: Felt,
    /// Indexed keys (the first is usually the event selector).
    pub keys: Vec<Felt>,
    /// Payload.
    pub data: Vec<Felt>,
}

/// A message from L2 to L1.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageToL1 {
    /// The sending L2 contract.
    pub from_address: Felt,
    /// The L1 recipient (an Ethereum address, as a felt).
    pub to_address: Felt,
    /// Payload.
    pub payload: Vec<Felt>,
}

/// Whether the transaction's execution succeeded. A reverted transaction is still included in the
/// block (its nonce is consumed and its fee charged) but its state changes are dropped.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExecutionStatus {
    /// Executed to the end.
    Succeeded,
    /// Reverted during `__execute__`.
    Reverted {
        /// Why, as the executor reports it.
        reason: String,
    },
}

/// Unit of a fee amount.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FeeUnit {
    /// 10^-18 ETH (v1 transactions).
    Wei,
    /// 10^-18 STRK (v3 transactions).
    #[default]
    Fri,
}

/// A fee actually charged.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fee {
    /// Amount in `unit`.
    pub amount: Felt,
    /// Unit.
    pub unit: FeeUnit,
}

/// Resources a transaction used: the gas the JSON-RPC reports, and the Cairo VM resources the
/// prover cares about.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExecutionResources {
    /// L1 gas.
    pub l1_gas: u64,
    /// L1 data (blob) gas.
    pub l1_data_gas: u64,
    /// L2 gas.
    pub l2_gas: u64,
    /// Cairo VM steps.
    pub steps: u64,
    /// Memory holes left by the VM.
    pub memory_holes: u64,
    /// Builtin name → number of instances used.
    pub builtin_instance_counter: BTreeMap<String, u64>,
}

/// The receipt of one executed transaction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    /// Hash of the transaction.
    pub transaction_hash: Felt,
    /// Type of the transaction (the JSON-RPC receipt is tagged with it).
    pub kind: TransactionKind,
    /// Fee charged (may be zero on the devnet).
    pub actual_fee: Fee,
    /// Outcome.
    pub execution_status: ExecutionStatus,
    /// Events, in emission order.
    pub events: Vec<Event>,
    /// L2→L1 messages, in order.
    pub messages_sent: Vec<MessageToL1>,
    /// Resources used.
    pub execution_resources: ExecutionResources,
    /// For DEPLOY_ACCOUNT: the deployed address.
    pub contract_address: Option<Felt>,
}

impl Receipt {
    /// Whether execution succeeded.
    pub fn succeeded(&self) -> bool {
        matches!(self.execution_status, ExecutionStatus::Succeeded)
    }
}
