//! Error types of the `state` crate.

use chain::Felt;

/// Errors of the state store.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// A trie node the state refers to is not in the store (corruption, or a root this store
    /// never committed).
    #[error("trie node {hash:#x} is missing from the store")]
    MissingNode { hash: Felt },
    /// A stored value that does not decode.
    #[error("corrupt {table} entry: {detail}")]
    Corrupt { table: &'static str, detail: String },
    /// A key that does not fit the 251-bit trie.
    #[error("key {key:#x} is out of range: trie keys are below 2^251")]
    KeyOutOfRange { key: Felt },
    /// No state was committed for this block.
    #[error("no state committed for block {block_number}")]
    UnknownBlock { block_number: u64 },
    /// Blocks must be committed in order.
    #[error("cannot commit block {got}: the next block is {expected}")]
    OutOfOrderBlock { expected: u64, got: u64 },
    /// A store written in another format than this release's (`found: None`: a store from before
    /// stores recorded their format, i.e. this chain's former Poseidon tries). Its roots would
    /// differ from the ones this release computes, so it is refused rather than read.
    #[error(
        "the state store has format {}, this release reads format {expected} (Starknet's \
         Pedersen tries): start from a new data directory (remove or move the old one and \
         resync from the sequencer)",
        found.map_or_else(|| "1 (unversioned: this chain's former Poseidon tries)".to_string(), |v| v.to_string())
    )]
    UnsupportedFormat { found: Option<u32>, expected: u32 },
    /// The sled backend failed.
    #[cfg(feature = "sled")]
    #[error("sled: {0}")]
    Sled(#[from] sled::Error),
}

/// Why a storage proof was rejected.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ProofError {
    /// The proof lacks a node on the key's path.
    #[error("proof lacks node {hash:#x}")]
    MissingNode { hash: Felt },
    /// A node whose contents do not hash to the hash it is listed under.
    #[error("node listed as {hash:#x} hashes to {actual:#x}")]
    HashMismatch { hash: Felt, actual: Felt },
    /// An edge node whose length is 0, exceeds the remaining height, or whose path is too long.
    #[error("malformed edge node {hash:#x}: {detail}")]
    MalformedEdge { hash: Felt, detail: String },
    /// A key that does not fit the 251-bit trie.
    #[error("key {key:#x} is out of range")]
    KeyOutOfRange { key: Felt },
    /// The roots in the proof do not give the expected global root.
    #[error("global root mismatch: expected {expected:#x}, proof gives {actual:#x}")]
    GlobalRootMismatch { expected: Felt, actual: Felt },
    /// Contract leaf data that does not hash to the leaf the contracts trie holds.
    #[error("contract leaf data of {address:#x} does not match the contracts trie")]
    ContractLeafMismatch { address: Felt },
    /// The proof's lists do not line up with the request.
    #[error("proof shape does not match the request: {0}")]
    Shape(String),
}
