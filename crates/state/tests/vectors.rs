//! The state commitment against values from other Starknet implementations:
//!
//! * trie roots and a whole state computed with cairo-lang 0.14.0.1's own Patricia tree, Pedersen
//!   and Poseidon (script: `tests/vectors/gen_trie_vectors.py`);
//! * a contract state hash (contracts-trie leaf) published in pathfinder's unit tests
//!   (`crates/merkle-tree/src/contract_state.rs`, test `hash`, eqlabs/pathfinder).

use std::collections::{BTreeMap, HashMap};

use chain::{Felt, StateDiff};
use state::hash::{ContractState, TrieHash};
use state::trie::{self, NodeReader};
use state::{DeclaredClass, MemoryBackend, Node, State, StateError, StateReader};

fn felt(hex: &str) -> Felt {
    Felt::from_hex(hex).expect("valid hex")
}

fn two_pow(exponent: u32) -> Felt {
    Felt::TWO.pow(exponent)
}

/// A node map that grows with each update, like a store.
struct Nodes {
    hash: TrieHash,
    nodes: HashMap<Felt, Node>,
}

impl NodeReader for Nodes {
    fn node(&self, hash: &Felt) -> Result<Node, StateError> {
        self.nodes.node(hash)
    }
}

impl Nodes {
    fn new(hash: TrieHash) -> Self {
        Nodes { hash, nodes: HashMap::new() }
    }

    fn update(&mut self, root: Felt, updates: &[(Felt, Felt)]) -> Felt {
        let (root, created) = trie::update(self, self.hash, root, updates).unwrap();
        self.nodes.extend(created);
        root
    }
}

/// cairo-lang's roots for one leaf, five leaves, then three updates and deletions, per hash.
fn check_trie(hash: TrieHash, [single, five, after]: [&str; 3]) {
    let mut nodes = Nodes::new(hash);
    let root = nodes.update(Felt::ZERO, &[(felt("0x1234"), felt("0x99"))]);
    assert_eq!(root, felt(single));
    // One edge of length 251 straight to the leaf.
    assert_eq!(nodes.nodes.len(), 1);

    let mut nodes = Nodes::new(hash);
    let storage = [
        (Felt::ONE, Felt::TWO),
        (Felt::THREE, Felt::from(4u64)),
        (two_pow(250) + Felt::from(5u64), Felt::from(7u64)),
        (two_pow(251) - Felt::ONE, Felt::from(9u64)),
        (Felt::from(0x10u64), Felt::from(0x11u64)),
    ];
    let root = nodes.update(Felt::ZERO, &storage);
    assert_eq!(root, felt(five));
    let root = nodes.update(
        root,
        &[
            (Felt::THREE, Felt::ZERO),
            (Felt::ONE, Felt::from(5u64)),
            (two_pow(251) - Felt::ONE, Felt::ZERO),
        ],
    );
    assert_eq!(root, felt(after));
    assert_eq!(trie::get(&nodes, root, &Felt::ONE).unwrap(), Felt::from(5u64));
    assert_eq!(trie::get(&nodes, root, &Felt::THREE).unwrap(), Felt::ZERO);
}

#[test]
fn pedersen_trie_roots_are_cairo_langs() {
    check_trie(
        TrieHash::Pedersen,
        [
            "0x30b6940f875962a64677e6ae31a75e19aa978de8b45470f1965e579f9ed4c0e",
            "0x3edd23062f3cfc06e4407dbbd769d8eaefe945c54316c75dd74a8826182ede7",
            "0x34f9922985966d97c6c91d1d00f04fdb7882ca8d787e27371cc2a9dbfb4d357",
        ],
    );
}

#[test]
fn poseidon_trie_roots_are_cairo_langs() {
    check_trie(
        TrieHash::Poseidon,
        [
            "0x80e75597cf0aec2256b8a0746cb38c9c7ef3de1b87087654b357c32558795a",
            "0x56801f5e661099bfdc69605f1a17dfddd80404c2031f5dd6a0c1d6a3cb4b10e",
            "0x72ad41b65f92103eca9acf0b8952d3a7c75e41d21c15da11b11aecd560e19f7",
        ],
    );
}

#[test]
fn contract_state_hash_is_pathfinders() {
    let contract = ContractState {
        class_hash: felt("0x2ff4903e17f87b298ded00c44bfeb22874c5f73be2ced8f1d9d9556fb509779"),
        storage_root: felt("0x4fb440e8ca9b74fc12a22ebffe0bc0658206337897226117b985434c239c028"),
        nonce: Felt::ZERO,
    };
    assert_eq!(
        contract.leaf_hash(),
        felt("0x7161b591c893836263a64f2a7e0d829c92f6956148a60ce5e99a3f55c7973f3")
    );
}

/// Contract A (storage, nonce, Cairo 0 class 0xC1) and contract B (Sierra class 0xC2); the diff
/// declares both classes.
fn whole_state_diff() -> (StateDiff, Felt, Felt) {
    let address_a = Felt::from(0x100u64);
    let address_b = two_pow(250) + Felt::from(7u64);
    let mut diff = StateDiff::default();
    diff.set_storage(address_a, Felt::ONE, Felt::TWO);
    diff.set_storage(address_a, Felt::THREE, Felt::from(4u64));
    diff.nonces.insert(address_a, Felt::TWO);
    diff.deployed_contracts.insert(address_a, Felt::from(0xC1u64));
    diff.deployed_contracts.insert(address_b, Felt::from(0xC2u64));
    diff.deprecated_declared_classes.insert(Felt::from(0xC1u64));
    diff.declared_classes.insert(Felt::from(0xC2u64), Felt::from(0xCC2u64));
    diff.storage_diffs.insert(address_b, BTreeMap::new());
    (diff, address_a, address_b)
}

#[test]
fn whole_state_root_is_cairo_langs() {
    let state = State::new(MemoryBackend::new());
    let (diff, address_a, _) = whole_state_diff();
    let roots = state.commit_block(0, &diff).unwrap();
    let snapshot = state.at_block(0).unwrap();
    assert_eq!(
        snapshot.contract(address_a).unwrap().storage_root,
        felt("0xefc56f3748e6945e343a12b062b33272183ea9e6d4df291789b49058335181")
    );
    assert_eq!(
        roots.contracts_root,
        felt("0x735ee7b2f1b6c2179ea0002f2deb3503a521667389aff4d656372d55ff6868b")
    );
    // Only the Sierra class is in the classes trie.
    assert_eq!(
        roots.classes_root,
        felt("0x20383806d74aaf3727361af4a3d72da8b7c946f2b1a8bc2e7a8faaccf7c4f86")
    );
    assert_eq!(
        roots.global_root(),
        felt("0x12ec63cd91c5fb528e65fbd306c619613637196d39280b2fc326a355142ddd7")
    );
    assert_eq!(snapshot.storage_at(address_a, Felt::THREE).unwrap(), Felt::from(4u64));
    assert_eq!(
        snapshot.declared_class(Felt::from(0xC2u64)).unwrap(),
        Some(DeclaredClass::Sierra { compiled_class_hash: Felt::from(0xCC2u64) })
    );
    assert_eq!(snapshot.declared_class(Felt::from(0xC1u64)).unwrap(), Some(DeclaredClass::Cairo0));
    assert_eq!(snapshot.declared_class(Felt::from(0xC3u64)).unwrap(), None);
}

#[test]
fn without_sierra_classes_the_global_root_is_the_contracts_root() {
    let state = State::new(MemoryBackend::new());
    let (mut diff, _, _) = whole_state_diff();
    diff.declared_classes.clear();
    let roots = state.commit_block(0, &diff).unwrap();
    // The Cairo 0 class is in no trie: the contracts root is the one above, the classes trie
    // is empty and the global root is the contracts root (Starknet's rule).
    assert_eq!(
        roots.contracts_root,
        felt("0x735ee7b2f1b6c2179ea0002f2deb3503a521667389aff4d656372d55ff6868b")
    );
    assert_eq!(roots.classes_root, Felt::ZERO);
    assert_eq!(roots.global_root(), roots.contracts_root);
}
