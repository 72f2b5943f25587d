//! Why a state-update hint could not serve the OS.

use starknet_types_core::felt::Felt;
use thiserror::Error;

/// A state-update hint's failure: the run stops with a hint error carrying this message.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum StateUpdateError {
    /// A hint ran without a `state::StateWitness` in the execution scope.
    #[error("no state witness in the execution scope (os::state_update::enter_witness)")]
    NoStateWitness,
    /// The witness lacks the preimage of a trie node the OS opens.
    #[error("the state witness has no preimage for trie node {hash:#x}")]
    MissingNodePreimage { hash: Felt },
    /// The witness lacks the pre-block state of a contract the block touches.
    #[error("the state witness has no pre-block state for contract {address:#x}")]
    MissingContractState { address: Felt },
    /// A key (storage key, address, class hash) at or above 2^251.
    #[error("trie key {key:#x} is out of range (keys are below 2^251)")]
    TrieKeyOutOfRange { key: Felt },
}
