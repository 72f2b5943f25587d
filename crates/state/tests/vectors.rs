//! Trie roots and a whole state root against vectors computed with cairo-lang 0.14.0.1's own
//! Patricia tree and Poseidon (script: `tests/vectors/gen_trie_vectors.py`).

use std::collections::{BTreeMap, HashMap};

use chain::{Felt, StateDiff};
use state::trie::{self, NodeReader};
use state::{MemoryBackend, Node, State, StateError, StateReader};

fn felt(hex: &str) -> Felt {
    Felt::from_hex(hex).expect("valid hex")
}

fn two_pow(exponent: u32) -> Felt {
    Felt::TWO.pow(exponent)
}

/// A node map that grows with each update, like a store.
#[derive(Default)]
struct Nodes(HashMap<Felt, Node>);

impl NodeReader for Nodes {
    fn node(&self, hash: &Felt) -> Result<Node, StateError> {
        self.0.node(hash)
    }
}

impl Nodes {
    fn update(&mut self, root: Felt, updates: &[(Felt, Felt)]) -> Felt {
        let (root, created) = trie::update(self, root, updates).unwrap();
        for node in created {
            self.0.insert(node.hash(), node);
        }
        root
    }
}

#[test]
fn single_leaf_root() {
    let mut nodes = Nodes::default();
    let root = nodes.update(Felt::ZERO, &[(felt("0x1234"), felt("0x99"))]);
    assert_eq!(root, felt("0x80e75597cf0aec2256b8a0746cb38c9c7ef3de1b87087654b357c32558795a"));
    // One edge of length 251 straight to the leaf.
    assert_eq!(nodes.0.len(), 1);
}

#[test]
fn five_leaves_then_updates_and_deletions() {
    let mut nodes = Nodes::default();
    let storage = [
        (Felt::ONE, Felt::TWO),
        (Felt::THREE, Felt::from(4u64)),
        (two_pow(250) + Felt::from(5u64), Felt::from(7u64)),
        (two_pow(251) - Felt::ONE, Felt::from(9u64)),
        (Felt::from(0x10u64), Felt::from(0x11u64)),
    ];
    let root = nodes.update(Felt::ZERO, &storage);
    assert_eq!(root, felt("0x56801f5e661099bfdc69605f1a17dfddd80404c2031f5dd6a0c1d6a3cb4b10e"));
    let root = nodes.update(
        root,
        &[
            (Felt::THREE, Felt::ZERO),
            (Felt::ONE, Felt::from(5u64)),
            (two_pow(251) - Felt::ONE, Felt::ZERO),
        ],
    );
    assert_eq!(root, felt("0x72ad41b65f92103eca9acf0b8952d3a7c75e41d21c15da11b11aecd560e19f7"));
    assert_eq!(trie::get(&nodes, root, &Felt::ONE).unwrap(), Felt::from(5u64));
    assert_eq!(trie::get(&nodes, root, &Felt::THREE).unwrap(), Felt::ZERO);
}

#[test]
fn whole_state_root() {
    let state = State::new(MemoryBackend::new());
    let address_a = Felt::from(0x100u64);
    let address_b = two_pow(250) + Felt::from(7u64);
    let mut diff = StateDiff::default();
    diff.set_storage(address_a, Felt::ONE, Felt::TWO);
    diff.set_storage(address_a, Felt::THREE, Felt::from(4u64));
    diff.nonces.insert(address_a, Felt::TWO);
    diff.deployed_contracts.insert(address_a, Felt::from(0xC1u64));
    diff.deployed_contracts.insert(address_b, Felt::from(0xC2u64));
    diff.deprecated_declared_classes.insert(Felt::from(0xC1u64));
    diff.deprecated_declared_classes.insert(Felt::from(0xC2u64));
    diff.storage_diffs.insert(address_b, BTreeMap::new());
    // The trie vectors were computed with each class as its own compiled class hash.
    let compiled: BTreeMap<Felt, Felt> =
        [0xC1u64, 0xC2].into_iter().map(|c| (Felt::from(c), Felt::from(c))).collect();
    let roots = state.commit_block_with_classes(0, &diff, &compiled).unwrap();
    let snapshot = state.at_block(0).unwrap();
    assert_eq!(
        snapshot.contract(address_a).unwrap().storage_root,
        felt("0x4bffbbbb5ea31a6c1e4f35a25ee9585c01f75b35087e8ce3203255c879ccd7e")
    );
    assert_eq!(
        roots.contracts_root,
        felt("0x4d422710b028e254883056211c5b7196eb18fdd5d7da05366373397652da643")
    );
    assert_eq!(
        roots.classes_root,
        felt("0x3b95fe0924ea2ff6d56fe039c4ce87ef0e64705bf4c135b1c92203614af2ce3")
    );
    assert_eq!(
        roots.global_root(),
        felt("0x71f2eef2c1e3b314082f895c60943e7f4bb9dbf0c184c863cd1aa41a0892879")
    );
    assert_eq!(snapshot.storage_at(address_a, Felt::THREE).unwrap(), Felt::from(4u64));
    assert_eq!(
        snapshot.compiled_class_hash(Felt::from(0xC2u64)).unwrap(),
        Some(Felt::from(0xC2u64))
    );
}
