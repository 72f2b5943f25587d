//! What the node needs from a transaction executor, as a small trait ([`BlockExecutor`]).
//!
//! The node owns state, mempool and blocks; the executor only runs Cairo. Keeping the boundary
//! this narrow lets the node be tested with a scripted executor and lets the real one (the
//! `executor` crate, blockifier underneath) be plugged in by one adapter.
//! Every method is CPU work: callers run it on blocking threads, never on tokio workers.

use chain::classes::ContractClass;
use chain::{ChainId, Felt, GasPrices, Receipt, StateDiff, Transaction};

use crate::SequencerError;

/// The state a transaction executes against: the parent block's state plus whatever earlier
/// transactions of the block under construction changed.
pub trait StateView: Send + Sync {
    /// Storage value of `address` at `key` (0 if unset).
    fn storage_at(&self, address: Felt, key: Felt) -> Result<Felt, SequencerError>;
    /// Nonce of `address` (0 if never used).
    fn nonce_at(&self, address: Felt) -> Result<Felt, SequencerError>;
    /// Class hash of the contract at `address` (0 if none is deployed).
    fn class_hash_at(&self, address: Felt) -> Result<Felt, SequencerError>;
    /// The definition of a declared class, or `None` if it is not declared.
    fn class(&self, class_hash: Felt) -> Result<Option<ContractClass>, SequencerError>;
}

/// The block a transaction executes in (what the `get_block_*` syscalls and fees see).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockInfo {
    /// Number of the block under construction.
    pub block_number: u64,
    /// Its timestamp (Unix seconds).
    pub timestamp: u64,
    /// Address that receives fees.
    pub sequencer_address: Felt,
    /// Chain id every transaction hash commits to.
    pub chain_id: ChainId,
    /// Gas prices of the block.
    pub gas_prices: GasPrices,
}

/// A transaction ready to execute: its hash, and for DECLARE the class it declares.
#[derive(Clone, Debug)]
pub struct ExecutableTransaction {
    /// The transaction.
    pub transaction: Transaction,
    /// Its hash on this chain.
    pub transaction_hash: Felt,
    /// For DECLARE: the class being declared (its hash is the transaction's `class_hash`): a
    /// Cairo 0 class for v1, a Sierra class for v3.
    pub declared_class: Option<ContractClass>,
}

/// What executing one transaction gave.
// The included variant is large, but each outcome is built once and moved into the block.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum TransactionOutcome {
    /// Included in the block: succeeded or reverted (a reverted transaction still consumes its
    /// nonce; its diff then holds only that, and the receipt says why it reverted).
    Included {
        /// The receipt.
        receipt: Receipt,
        /// Everything the transaction changed (nonce included).
        state_diff: StateDiff,
    },
    /// Not includable: validation (`__validate__*`, signature, nonce) failed.
    Rejected {
        /// Why.
        reason: String,
    },
}

/// A fee estimate of one transaction, in the unit of its version (wei for v1, fri for v3).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FeeEstimate {
    /// L1 gas consumed.
    pub l1_gas_consumed: u64,
    /// L1 data gas consumed.
    pub l1_data_gas_consumed: u64,
    /// L2 gas consumed.
    pub l2_gas_consumed: u64,
    /// Overall fee at the block's prices.
    pub overall_fee: u128,
    /// What the transaction changed (nonce included), so that the next transaction of an
    /// `estimateFee` sequence is estimated on the state this one leaves.
    pub state_diff: StateDiff,
}

/// A transaction run as `starknet_simulateTransactions` runs it (and as the trace methods
/// re-run a committed block's transactions).
#[derive(Clone, Debug, PartialEq)]
pub struct Simulation {
    /// Its JSON-RPC trace: each phase's call tree, the state diff, the gas.
    pub trace: chain::rpc::types::TransactionTrace,
    /// Its receipt (succeeded or reverted).
    pub receipt: Receipt,
    /// Its fee estimate, with what it changed.
    pub fee: FeeEstimate,
    /// What it fetched from `state` before writing it (spec 0.10.3's `INITIAL_READS`).
    pub initial_reads: chain::rpc::InitialReads,
}

/// A failed read-only call or estimate, with the contract's reason.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct ExecutionFailure {
    /// Why it failed, as the executor reports it.
    pub reason: String,
}

/// Runs transactions and calls. Implementations must be deterministic: the same state, block
/// and transaction give the same outcome (the prover replays blocks with the same semantics).
pub trait BlockExecutor: Send + Sync {
    /// Checks a submitted transaction before it enters the mempool: its `__validate__*` entry
    /// point against `state` (the latest block). `Err` carries the reason the client sees.
    fn validate(
        &self,
        state: &dyn StateView,
        block: &BlockInfo,
        transaction: &ExecutableTransaction,
    ) -> Result<Result<(), ExecutionFailure>, SequencerError>;

    /// Executes a transaction on top of `state`.
    fn execute(
        &self,
        state: &dyn StateView,
        block: &BlockInfo,
        transaction: &ExecutableTransaction,
    ) -> Result<TransactionOutcome, SequencerError>;

    /// A read-only call of `selector` on `contract_address`; returns the return data.
    fn call(
        &self,
        state: &dyn StateView,
        block: &BlockInfo,
        contract_address: Felt,
        selector: Felt,
        calldata: &[Felt],
    ) -> Result<Result<Vec<Felt>, ExecutionFailure>, SequencerError>;

    /// Estimates the fee of a transaction (`skip_validate` skips `__validate__*`) and returns
    /// what it would change.
    fn estimate_fee(
        &self,
        state: &dyn StateView,
        block: &BlockInfo,
        transaction: &ExecutableTransaction,
        skip_validate: bool,
    ) -> Result<Result<FeeEstimate, ExecutionFailure>, SequencerError>;

    /// Runs a transaction on top of `state` without keeping anything (`skip_validate` skips
    /// `__validate__*`, `skip_fee_charge` the fee transfer of a chain with fees): a reverted
    /// transaction is a [`Simulation`] with its reason, a rejected one an [`ExecutionFailure`].
    fn simulate(
        &self,
        state: &dyn StateView,
        block: &BlockInfo,
        transaction: &ExecutableTransaction,
        skip_validate: bool,
        skip_fee_charge: bool,
    ) -> Result<Result<Simulation, ExecutionFailure>, SequencerError>;

    /// Estimates the fee, in wei, of the L1 handler that a message from L1 would run on top of
    /// `state` (`starknet_estimateMessageFee`); nothing is kept. No contract at the address is
    /// [`SequencerError::ContractNotFound`]; a failing handler an [`ExecutionFailure`].
    fn estimate_message_fee(
        &self,
        state: &dyn StateView,
        block: &BlockInfo,
        message: &executor::L1Message,
    ) -> Result<Result<FeeEstimate, ExecutionFailure>, SequencerError>;

    /// The CASM of the declared Sierra class `class_hash` as JSON (`starknet_getCompiledCasm`):
    /// compiled once, then served from the executor's cache of compiled classes.
    fn compiled_casm(
        &self,
        class_hash: Felt,
        class: std::sync::Arc<starknet_core::types::FlattenedSierraClass>,
    ) -> Result<serde_json::Value, SequencerError>;
}
