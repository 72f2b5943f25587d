//! Property tests of the trie: incremental updates equal a rebuild, batch order does not matter,
//! proofs verify for members and non-members and fail when tampered with.

use std::collections::{BTreeMap, HashMap};

use chain::Felt;
use chain::rpc::types::MerkleNode;
use proptest::prelude::*;
use state::proof;
use state::trie::{self, NodeReader};
use state::{Node, ProofError, StateError, TrieHash};

/// The storage tries' hash (the algebra is the same for both hashes; Pedersen is the slower one,
/// so the classes trie's Poseidon is covered by the unit and vector tests).
const HASH: TrieHash = TrieHash::Pedersen;

#[derive(Default)]
struct Nodes(HashMap<Felt, Node>);

impl NodeReader for Nodes {
    fn node(&self, hash: &Felt) -> Result<Node, StateError> {
        self.0.node(hash)
    }
}

impl Nodes {
    fn update(&mut self, root: Felt, updates: &[(Felt, Felt)]) -> Felt {
        let (root, created) = trie::update(self, HASH, root, updates).unwrap();
        self.0.extend(created);
        root
    }
}

/// Keys from a small set (so updates collide and delete) spread over the whole key range: the
/// low bits are shared between high and low keys so only the top limbs tell them apart.
fn key() -> impl Strategy<Value = Felt> {
    (0u8..24, 0u8..3).prop_map(|(low, high)| {
        let base = Felt::from(u64::from(low));
        match high {
            0 => base,
            1 => base + Felt::TWO.pow(250u32),
            _ => base + Felt::TWO.pow(130u32) + Felt::TWO.pow(249u32),
        }
    })
}

fn value() -> impl Strategy<Value = Felt> {
    prop_oneof![Just(Felt::ZERO), (1u64..5).prop_map(Felt::from)]
}

fn batches() -> impl Strategy<Value = Vec<Vec<(Felt, Felt)>>> {
    prop::collection::vec(prop::collection::vec((key(), value()), 0..12), 1..6)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn incremental_equals_rebuild(batches in batches()) {
        let mut nodes = Nodes::default();
        let mut root = Felt::ZERO;
        let mut model = BTreeMap::new();
        for batch in &batches {
            root = nodes.update(root, batch);
            for (key, value) in batch {
                model.insert(*key, *value);
            }
        }
        let live: Vec<(Felt, Felt)> =
            model.iter().filter(|(_, v)| **v != Felt::ZERO).map(|(k, v)| (*k, *v)).collect();
        let mut fresh = Nodes::default();
        let rebuilt = fresh.update(Felt::ZERO, &live);
        prop_assert_eq!(root, rebuilt);
        prop_assert_eq!(live.is_empty(), root == Felt::ZERO);
        for (key, value) in &model {
            prop_assert_eq!(trie::get(&nodes, root, key).unwrap(), *value);
        }
    }

    #[test]
    fn batch_order_does_not_matter(mut batch in prop::collection::vec((key(), value()), 0..16)) {
        // Distinct keys: with duplicates, order decides which write wins by design.
        let mut seen = std::collections::HashSet::new();
        batch.retain(|(key, _)| seen.insert(*key));
        let mut forward = Nodes::default();
        let a = forward.update(Felt::ZERO, &batch);
        batch.reverse();
        let mut backward = Nodes::default();
        let b = backward.update(Felt::ZERO, &batch);
        prop_assert_eq!(a, b);
    }

    #[test]
    fn proofs_verify_and_detect_tampering(
        leaves in prop::collection::vec((key(), (1u64..5).prop_map(Felt::from)), 1..16),
        probe in key(),
        tamper_index in any::<prop::sample::Index>(),
    ) {
        let mut nodes = Nodes::default();
        let root = nodes.update(Felt::ZERO, &leaves);
        let expected = trie::get(&nodes, root, &probe).unwrap();
        let witness = proof::prove(&nodes, root, &probe).unwrap();
        prop_assert_eq!(proof::verify(HASH, root, &probe, &witness).unwrap(), expected);

        // Tamper with one node of the witness (every listed node is on the probe's path).
        let mut tampered = witness.clone();
        let index = tamper_index.index(tampered.len());
        let (_, node) = tampered.get_index_mut(index).unwrap();
        match node {
            MerkleNode::BinaryNode(node) => node.left += Felt::ONE,
            MerkleNode::EdgeNode(node) => node.child += Felt::ONE,
        }
        let result = proof::verify(HASH, root, &probe, &tampered);
        prop_assert!(matches!(result, Err(ProofError::HashMismatch { .. })), "got {:?}", result);

        // Dropping a node makes the proof incomplete.
        let mut missing = witness.clone();
        missing.shift_remove_index(index);
        let result = proof::verify(HASH, root, &probe, &missing);
        prop_assert!(matches!(result, Err(ProofError::MissingNode { .. })), "got {:?}", result);
        // Against another root it fails.
        if root != Felt::ONE {
            prop_assert!(proof::verify(HASH, Felt::ONE, &probe, &witness).is_err());
        }
    }
}
