//! State store and state commitment of the watcher-prover chain.
//!
//! The commitment is Starknet's (DESIGN.md §3), so roots match any Starknet node:
//!
//! * binary Merkle-Patricia tries of height 251 ([`trie`]): binary node `H(left, right)`, edge
//!   node `H(child, path) + length`, empty subtree 0;
//! * one storage trie per contract (storage key → value) and a contracts trie (address →
//!   contract leaf), with `H` = Pedersen; a classes trie (class hash of a Sierra class → class
//!   leaf) with `H` = Poseidon; Cairo 0 classes are in no trie; leaf and root formulas in
//!   [`hash`];
//! * global root `contracts_root` when the classes trie is empty, else
//!   `poseidon_hash_many(["STARKNET_STATE_V0", contracts_root, classes_root])`.
//!
//! A sled store records its format ([`backend::STATE_FORMAT_VERSION`]); one written by an older
//! release (this chain's former Poseidon tries) is refused with
//! [`StateError::UnsupportedFormat`].
//!
//! [`State`] applies a block's [`chain::StateDiff`] and returns the new roots, reads storage,
//! nonces and class hashes at any committed block ([`StateReader`]), and produces and checks
//! `starknet_getStorageProof` witnesses ([`proof`]). Everything is content-addressed and never
//! overwritten, so every committed block's state stays readable (no pruning yet). Backends:
//! [`MemoryBackend`] and [`SledBackend`] (sled 0.34), behind the small [`Backend`] trait.

pub mod backend;
mod codec;
mod error;
pub mod hash;
pub mod key;
pub mod node;
pub mod proof;
#[cfg(feature = "sled")]
mod sled_format;
#[cfg(feature = "sled")]
mod sled_open;
mod state;
pub mod trie;
pub mod witness;

#[cfg(feature = "sled")]
pub use backend::SledBackend;
pub use backend::{Backend, MemoryBackend, STATE_FORMAT_VERSION, Table, WriteBatch};
pub use error::{ProofError, StateError};
pub use hash::{ContractState, StateRoots, TrieHash};
pub use node::Node;
#[cfg(feature = "sled")]
pub use sled_format::{StoreFormat, store_format};
#[cfg(feature = "sled")]
pub use sled_open::{LOCK_WAIT, open_sled};
pub use state::{
    DeclaredClass, Snapshot, State, StateReader, VerifiedStorageProof, verify_storage_proof,
};
pub use witness::StateWitness;
