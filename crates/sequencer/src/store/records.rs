//! The records the node persists, one per sled value.

use chain::{BlockHeader, Felt, StateDiff, Transaction};
use serde::{Deserialize, Serialize};

/// A produced block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockRecord {
    /// The header (the block hash commits to every field).
    pub header: BlockHeader,
    /// `header.hash()`, kept so lookups need no hashing.
    pub block_hash: Felt,
    /// The block's transactions, in order.
    pub transaction_hashes: Vec<Felt>,
}

/// An included transaction and where it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransactionRecord {
    /// The transaction.
    pub transaction: Transaction,
    /// Block that includes it.
    pub block_number: u64,
    /// Position in the block.
    pub index: u64,
}

/// The state change of a block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateUpdateRecord {
    /// Global root before the block (0 with the commitment off).
    pub old_root: Felt,
    /// Global root after the block (0 with the commitment off: the prover computes it).
    pub new_root: Felt,
    /// What the block changed.
    pub state_diff: StateDiff,
}

/// A transaction waiting in the mempool.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MempoolRecord {
    /// Arrival order (first come, first served among ready transactions).
    pub sequence: u64,
    /// Its hash.
    pub transaction_hash: Felt,
    /// The transaction.
    pub transaction: Transaction,
}

/// The settings a data directory was created with; reopening with others is refused, since a
/// chain cannot change its chain id, genesis or commitment mode half-way.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainSettings {
    /// Chain id.
    pub chain_id: Felt,
    /// Whether blocks carry a state root.
    pub commitment: bool,
    /// Number of prefunded accounts.
    pub account_count: u64,
    /// Seed of their keys.
    pub seed: u64,
}
