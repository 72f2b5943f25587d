//! State store and state commitment of the watcher-prover chain.
//!
//! The commitment follows Starknet's trie rules with Poseidon as the hash everywhere (DESIGN.md
//! §3), so the Cairo OS can recompute it cheaply:
//!
//! * binary Merkle-Patricia tries of height 251 ([`trie`]): binary node `H(left, right)`, edge
//!   node `H(child, path) + length`, empty subtree 0, with `H = poseidon_hash` (the two-input
//!   Hades hash of `starknet-crypto`);
//! * one storage trie per contract (storage key → value), a contracts trie (address → contract
//!   leaf), and a classes trie (class hash → class leaf); leaf and root formulas in [`hash`];
//! * global root `poseidon_hash_many(["STARKNET_STATE_V0", contracts_root, classes_root])`.
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
mod sled_open;
mod state;
pub mod trie;
pub mod witness;

pub use backend::{Backend, MemoryBackend, SledBackend, Table, WriteBatch};
pub use error::{ProofError, StateError};
pub use hash::{ContractState, StateRoots};
pub use node::Node;
pub use sled_open::{LOCK_WAIT, open_sled};
pub use state::{Snapshot, State, StateReader, VerifiedStorageProof, verify_storage_proof};
pub use witness::StateWitness;
