//! Storage proofs under a state root: an honest `starknet_getStorageProof` answer verifies, and
//! one whose contracts-trie node is hashed with Poseidon (this chain's former commitment) is
//! refused: the contracts trie is Pedersen.

use chain::{Felt, StateDiff};
use light_client::{LightClientError, verify_storage_proof};
use state::{MemoryBackend, State, TrieHash};

#[test]
fn storage_proofs_verify_and_a_poseidon_contracts_node_is_refused() {
    let f = Felt::from;
    let state = State::new(MemoryBackend::new());
    let mut diff = StateDiff::default();
    for address in [0xA_u64, 0xB, 0xC] {
        diff.deployed_contracts.insert(f(address), f(0xC1));
        diff.set_storage(f(address), f(1), f(address * 10));
    }
    diff.nonces.insert(f(0xA), f(3));
    diff.deprecated_declared_classes.insert(f(0xC1));
    let roots = state.commit_block(0, &diff).unwrap();
    let state_root = roots.global_root();

    let addresses = [f(0xA), f(0xD)];
    let keys = [(f(0xA), vec![f(1), f(2)])];
    let proof = state.storage_proof(0, f(0x77), &[], &addresses, &keys).unwrap();
    let verified = verify_storage_proof(&proof, state_root, &[], &addresses, &keys).unwrap();
    assert_eq!(verified.contracts[0].nonce, f(3));
    assert!(verified.contracts[1].is_empty());
    assert_eq!(verified.storage_values, vec![vec![f(100), Felt::ZERO]]);

    // The same contracts trie hashed with Poseidon (this chain's former commitment), its proof
    // consistent in itself: the first node is refused, its Pedersen hash is not its key.
    let snapshot = state.at_block(0).unwrap();
    let leaves: Vec<(Felt, Felt)> = [0xA_u64, 0xB, 0xC]
        .into_iter()
        .map(|address| (f(address), snapshot.contract(f(address)).unwrap().leaf_hash()))
        .collect();
    let nodes = std::collections::HashMap::new();
    let (poseidon_root, created) =
        state::trie::update(&nodes, TrieHash::Poseidon, Felt::ZERO, &leaves).unwrap();
    let poseidon_nodes: std::collections::HashMap<_, _> = created.into_iter().collect();
    let mut poseidon = proof.clone();
    poseidon.contracts_proof.nodes = Default::default();
    for address in &addresses {
        state::proof::collect_path(
            &poseidon_nodes,
            poseidon_root,
            address,
            &mut poseidon.contracts_proof.nodes,
        )
        .unwrap();
    }
    poseidon.global_roots.contracts_tree_root = poseidon_root;
    let refused = verify_storage_proof(&poseidon, poseidon_root, &[], &addresses, &keys);
    assert!(
        matches!(
            refused,
            Err(LightClientError::StorageProof(state::ProofError::HashMismatch { hash, .. }))
                if hash == poseidon_root
        ),
        "{refused:?}"
    );
    // Against the proven root, its roots do not even give the state root.
    let refused = verify_storage_proof(&poseidon, state_root, &[], &addresses, &keys);
    assert!(
        matches!(
            refused,
            Err(LightClientError::StorageProof(state::ProofError::GlobalRootMismatch { .. }))
        ),
        "{refused:?}"
    );
}
