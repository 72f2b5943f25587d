//! The hash functions of the state commitment (this chain's Poseidon variant of Starknet's).
//!
//! * binary node: `poseidon_hash(left, right)`;
//! * edge node: `poseidon_hash(child, path) + length`;
//! * contract leaf: `poseidon_hash(poseidon_hash(poseidon_hash(class_hash, storage_root), nonce),
//!   0)` (Starknet's contract state hash, version 0, with Poseidon), and 0 for an all-zero
//!   contract state, as the Starknet OS does, so an untouched address is simply absent;
//! * class leaf: `poseidon_hash("CONTRACT_CLASS_LEAF_V0", compiled_class_hash)` (Starknet's). This
//!   chain also commits deprecated (Cairo 0) classes, which Starknet leaves out of the classes
//!   trie, with this chain's compiled class hash of a Cairo 0 class: the Poseidon hash of the
//!   program as the OS loads it (`executor::DeprecatedClass::compiled_class_hash`), so a declared
//!   Cairo 0 class is provable from the root and the OS can check the code it runs against it;
//! * global root: `poseidon_hash_many(["STARKNET_STATE_V0", contracts_root, classes_root])`
//!   always. Starknet returns `contracts_root` alone when the classes trie is empty (a
//!   backward-compatibility rule); this chain does not, so the OS has one formula and no branch.

use chain::Felt;
use chain::short_string::encode_const;
use serde::{Deserialize, Serialize};
use starknet_crypto::{poseidon_hash, poseidon_hash_many};

/// `H(left, right)` of a binary node.
pub fn binary_node_hash(left: Felt, right: Felt) -> Felt {
    poseidon_hash(left, right)
}

/// `H(child, path) + length` of an edge node.
pub fn edge_node_hash(child: Felt, path: Felt, length: u8) -> Felt {
    poseidon_hash(child, path) + Felt::from(length)
}

/// `"CONTRACT_CLASS_LEAF_V0"` as a felt.
pub fn class_leaf_domain() -> Felt {
    encode_const("CONTRACT_CLASS_LEAF_V0")
}

/// `"STARKNET_STATE_V0"` as a felt.
pub fn global_root_domain() -> Felt {
    encode_const("STARKNET_STATE_V0")
}

/// The classes-trie leaf of a class.
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
        let inner = poseidon_hash(self.class_hash, self.storage_root);
        poseidon_hash(poseidon_hash(inner, self.nonce), Felt::ZERO)
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

/// `poseidon_hash_many(["STARKNET_STATE_V0", contracts_root, classes_root])`.
pub fn global_root(contracts_root: Felt, classes_root: Felt) -> Felt {
    poseidon_hash_many(&[global_root_domain(), contracts_root, classes_root])
}
