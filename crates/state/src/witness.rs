//! The state witness of a block: what the OS's state-update hints need to check a block's state
//! changes against the previous root in Cairo (`os-program/os/state/`).
//!
//! It holds the previous contracts and classes roots, the pre-block [`ContractState`] of every
//! touched address, and the preimages of the trie nodes the OS opens: every node on the path of
//! a touched key (storage keys in their contract's storage trie, addresses in the contracts trie,
//! class hashes in the classes trie), plus both children of every binary node on such a path. The
//! children are there because deleting a leaf can leave its sibling as the only child of a
//! branch, and the OS then opens that sibling to merge it into one edge (canonical form).
//!
//! Nothing in a witness is trusted: the OS checks every preimage it uses against the hash it
//! hangs under and every contract state against the contracts trie, so a wrong witness makes the
//! run fail, never a wrong root. Nodes use the `starknet_getStorageProof` wire shape
//! ([`MerkleNode`]), as [`crate::proof`] produces them.

use std::collections::{BTreeMap, BTreeSet};

use chain::rpc::NodeHashToNodeMapping;
use chain::rpc::types::MerkleNode;
use chain::{Felt, StateDiff};
use serde::{Deserialize, Serialize};

use crate::backend::Backend;
use crate::error::StateError;
use crate::hash::{ContractState, StateRoots};
use crate::key::{Bits, TRIE_HEIGHT};
use crate::node::Node;
use crate::proof::{collect_path, node_to_rpc};
use crate::state::State;
use crate::trie::NodeReader;

/// The keys a block touches (reads or writes): the witness opens their paths.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TouchedKeys {
    /// Contract address → storage keys. An address with no keys is still touched (its class
    /// hash or nonce was read or changed).
    pub storage: BTreeMap<Felt, BTreeSet<Felt>>,
    /// Class hashes declared or loaded.
    pub classes: BTreeSet<Felt>,
}

impl TouchedKeys {
    /// Every key a state diff writes.
    pub fn from_diff(diff: &StateDiff) -> Self {
        let mut touched = TouchedKeys::default();
        touched.add_diff(diff);
        touched
    }

    /// Adds every key a state diff writes.
    pub fn add_diff(&mut self, diff: &StateDiff) {
        for (address, entries) in &diff.storage_diffs {
            self.storage.entry(*address).or_default().extend(entries.keys().copied());
        }
        let addresses = diff
            .nonces
            .keys()
            .chain(diff.deployed_contracts.keys())
            .chain(diff.replaced_classes.keys());
        for address in addresses {
            self.storage.entry(*address).or_default();
        }
        self.classes.extend(diff.declared_classes.keys().copied());
        self.classes.extend(diff.deprecated_declared_classes.iter().copied());
    }

    /// Adds a storage key of a contract.
    pub fn add_storage(&mut self, address: Felt, key: Felt) {
        self.storage.entry(address).or_default().insert(key);
    }

    /// Adds a contract (its class hash or nonce).
    pub fn add_contract(&mut self, address: Felt) {
        self.storage.entry(address).or_default();
    }

    /// Adds a class.
    pub fn add_class(&mut self, class_hash: Felt) {
        self.classes.insert(class_hash);
    }
}

/// Node preimages and pre-block contract states for the OS's state update (see the module docs).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateWitness {
    /// Root of the contracts trie before the block.
    pub contracts_root: Felt,
    /// Root of the classes trie before the block.
    pub classes_root: Felt,
    /// Pre-block state of every touched address (all zero for an untouched address).
    pub contracts: BTreeMap<Felt, ContractState>,
    /// Trie node preimages by hash, from all the tries (they are content-addressed).
    pub nodes: BTreeMap<Felt, MerkleNode>,
}

impl StateWitness {
    /// The witness for `touched` against the state after block `block_number`, or against the
    /// empty state (before the first block) when `block_number` is `None`.
    pub fn build<B: Backend>(
        state: &State<B>,
        block_number: Option<u64>,
        touched: &TouchedKeys,
    ) -> Result<Self, StateError> {
        let Some(block_number) = block_number else {
            return Ok(Self::empty(touched));
        };
        let snapshot = state.at_block(block_number)?;
        let roots = snapshot.roots();
        let mut witness = StateWitness::with_roots(roots);
        for (address, keys) in &touched.storage {
            let contract = snapshot.contract(*address)?;
            witness.add_path(state, roots.contracts_root, address)?;
            for key in keys {
                witness.add_path(state, contract.storage_root, key)?;
            }
            witness.contracts.insert(*address, contract);
        }
        for class_hash in &touched.classes {
            witness.add_path(state, roots.classes_root, class_hash)?;
        }
        Ok(witness)
    }

    /// The witness for `touched` against the empty state: zero roots, empty contracts, no nodes.
    pub fn empty(touched: &TouchedKeys) -> Self {
        let mut witness = StateWitness::default();
        for address in touched.storage.keys() {
            witness.contracts.insert(*address, ContractState::default());
        }
        witness
    }

    /// A witness with the given previous roots and nothing else yet.
    pub fn with_roots(roots: StateRoots) -> Self {
        StateWitness {
            contracts_root: roots.contracts_root,
            classes_root: roots.classes_root,
            ..StateWitness::default()
        }
    }

    /// The previous roots.
    pub fn roots(&self) -> StateRoots {
        StateRoots { contracts_root: self.contracts_root, classes_root: self.classes_root }
    }

    /// Adds the nodes on `key`'s path in the trie with root `root` (the nodes of a
    /// [`crate::proof`] for it) and the preimages of both children of every binary node on that
    /// path (see the module docs).
    pub fn add_path(
        &mut self,
        reader: &impl NodeReader,
        root: Felt,
        key: &Felt,
    ) -> Result<(), StateError> {
        let mut path = NodeHashToNodeMapping::default();
        collect_path(reader, root, key, &mut path)?;
        // The path's binary nodes, at their heights: walk it again to know which child is the
        // sibling and whether it is a node (height > 0) or a leaf.
        let bits = Bits::from_key(key)?;
        let mut current = root;
        let mut height = TRIE_HEIGHT;
        while let Some(node) = path.get(&current).and_then(rpc_to_node) {
            match node {
                Node::Binary { left, right } => {
                    let sibling = if bits.bit(height - 1) { left } else { right };
                    if height > 1 && sibling != Felt::ZERO {
                        self.nodes.insert(sibling, node_to_rpc(&reader.node(&sibling)?));
                    }
                    current = if bits.bit(height - 1) { right } else { left };
                    height -= 1;
                }
                Node::Edge { child, path: edge_path, length } => {
                    let length = u16::from(length);
                    if length == 0 || length > height || bits.path(height, length) != edge_path {
                        break;
                    }
                    current = child;
                    height -= length;
                }
            }
            if height == 0 {
                break;
            }
        }
        self.nodes.extend(path);
        Ok(())
    }
}

/// A wire node as a [`Node`] (`None` for an edge longer than any trie).
pub fn rpc_to_node(node: &MerkleNode) -> Option<Node> {
    match node {
        MerkleNode::BinaryNode(binary) => {
            Some(Node::Binary { left: binary.left, right: binary.right })
        }
        MerkleNode::EdgeNode(edge) => Some(Node::Edge {
            child: edge.child,
            path: edge.path,
            length: u8::try_from(edge.length).ok()?,
        }),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::MemoryBackend;
    use crate::hash::{STORAGE_TRIE_HASH, TrieHash};
    use crate::trie;

    fn felt(value: u64) -> Felt {
        Felt::from(value)
    }

    #[test]
    fn paths_include_siblings_and_contract_states() {
        let state = State::new(MemoryBackend::new());
        let mut diff = StateDiff::default();
        for key in 0..8u64 {
            diff.set_storage(felt(100), felt(key), felt(key + 1));
        }
        diff.nonces.insert(felt(100), felt(1));
        diff.nonces.insert(felt(200), felt(2));
        state.commit_block(0, &diff).unwrap();

        let mut touched = TouchedKeys::from_diff(&diff);
        touched.add_contract(felt(300));
        let witness = StateWitness::build(&state, Some(0), &touched).unwrap();
        assert_eq!(witness.roots(), state.roots_at(0).unwrap());
        assert_eq!(witness.contracts[&felt(300)], ContractState::default());
        assert_eq!(witness.contracts[&felt(200)].nonce, felt(2));

        // Every node of the storage trie of 100 with keys 0..8 is on a path or a sibling; the
        // storage and contracts tries hash with Pedersen (no classes trie here).
        let storage_root = witness.contracts[&felt(100)].storage_root;
        let mut reader = HashMap::new();
        for (hash, node) in &witness.nodes {
            let node = rpc_to_node(node).unwrap();
            assert_eq!(node.hash(TrieHash::Pedersen), *hash);
            reader.insert(*hash, node);
        }
        for key in 0..8u64 {
            assert_eq!(trie::get(&reader, storage_root, &felt(key)).unwrap(), felt(key + 1));
        }
        // Deleting keys 0 and 1 empties their branch, and the update must open its sibling (the
        // node of keys 2 and 3, not on their paths) to turn it into an edge: the witness of the
        // two keys has it, a plain proof of them does not.
        let deletes = [(felt(0), Felt::ZERO), (felt(1), Felt::ZERO)];
        let (expected, _) =
            trie::update(&state, STORAGE_TRIE_HASH, storage_root, &deletes).unwrap();
        let mut two = TouchedKeys::default();
        two.add_storage(felt(100), felt(0));
        two.add_storage(felt(100), felt(1));
        let small = StateWitness::build(&state, Some(0), &two).unwrap();
        let reader: HashMap<Felt, Node> =
            small.nodes.iter().map(|(hash, node)| (*hash, rpc_to_node(node).unwrap())).collect();
        let (actual, _) = trie::update(&reader, STORAGE_TRIE_HASH, storage_root, &deletes).unwrap();
        assert_eq!(actual, expected);
        let mut proof = crate::proof::prove(&state, storage_root, &felt(0)).unwrap();
        crate::proof::collect_path(&state, storage_root, &felt(1), &mut proof).unwrap();
        let proof_reader = crate::proof::reader_from_proof(STORAGE_TRIE_HASH, &proof).unwrap();
        assert!(matches!(
            trie::update(&proof_reader, STORAGE_TRIE_HASH, storage_root, &deletes),
            Err(StateError::MissingNode { .. })
        ));

        let empty = StateWitness::build(&state, None, &touched).unwrap();
        assert_eq!(empty.roots(), StateRoots::default());
        assert!(empty.nodes.is_empty());
        assert_eq!(empty.contracts.len(), 3);
    }
}
