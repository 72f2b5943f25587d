//! One conformance suite run against every backend: commits, reads at old and new blocks,
//! ordering rules, persistence (sled), and storage proofs.

use chain::{Felt, StateDiff};
use state::{
    Backend, ContractState, DeclaredClass, MemoryBackend, ProofError, STATE_FORMAT_VERSION,
    SledBackend, State, StateError, StateReader, verify_storage_proof,
};

fn f(value: u64) -> Felt {
    Felt::from(value)
}

fn block0() -> StateDiff {
    let mut diff = StateDiff::default();
    diff.deployed_contracts.insert(f(0xA), f(0xC1));
    diff.deployed_contracts.insert(f(0xB), f(0xC2));
    diff.set_storage(f(0xA), f(1), f(100));
    diff.set_storage(f(0xA), f(2), f(200));
    diff.set_storage(f(0xB), f(1), f(300));
    diff.deprecated_declared_classes.insert(f(0xC1));
    diff.declared_classes.insert(f(0xC2), f(0xCC2));
    diff
}

fn block1() -> StateDiff {
    let mut diff = StateDiff::default();
    diff.set_storage(f(0xA), f(1), f(0)); // delete
    diff.set_storage(f(0xA), f(3), f(333));
    diff.nonces.insert(f(0xA), f(1));
    diff.replaced_classes.insert(f(0xB), f(0xC1));
    diff
}

fn conformance<B: Backend>(state: &State<B>) {
    assert!(state.latest().unwrap().is_none());
    let empty = state.latest_snapshot().unwrap();
    assert_eq!(empty.storage_at(f(0xA), f(1)).unwrap(), Felt::ZERO);

    let roots0 = state.commit_block(0, &block0()).unwrap();
    assert!(matches!(
        state.commit_block(2, &block1()),
        Err(StateError::OutOfOrderBlock { expected: 1, got: 2 })
    ));
    let roots1 = state.commit_block(1, &block1()).unwrap();
    assert_ne!(roots0, roots1);
    assert_eq!(state.latest().unwrap(), Some((1, roots1)));
    assert!(matches!(state.roots_at(5), Err(StateError::UnknownBlock { block_number: 5 })));

    let old = state.at_block(0).unwrap();
    let new = state.at_block(1).unwrap();
    assert_eq!(old.storage_at(f(0xA), f(1)).unwrap(), f(100));
    assert_eq!(new.storage_at(f(0xA), f(1)).unwrap(), Felt::ZERO);
    assert_eq!(new.storage_at(f(0xA), f(2)).unwrap(), f(200));
    assert_eq!(new.storage_at(f(0xA), f(3)).unwrap(), f(333));
    assert_eq!(old.nonce_at(f(0xA)).unwrap(), Felt::ZERO);
    assert_eq!(new.nonce_at(f(0xA)).unwrap(), f(1));
    assert_eq!(old.class_hash_at(f(0xB)).unwrap(), f(0xC2));
    assert_eq!(new.class_hash_at(f(0xB)).unwrap(), f(0xC1));
    assert_eq!(new.class_hash_at(f(0xDEAD)).unwrap(), Felt::ZERO);
    let sierra = DeclaredClass::Sierra { compiled_class_hash: f(0xCC2) };
    assert_eq!(new.declared_class(f(0xC2)).unwrap(), Some(sierra));
    assert_eq!(new.declared_class(f(0xC1)).unwrap(), Some(DeclaredClass::Cairo0));
    assert_eq!(new.declared_class(f(0xC3)).unwrap(), None);
    assert_eq!(empty.declared_class(f(0xC1)).unwrap(), None);
    assert!(matches!(
        new.storage_at(f(0xA), Felt::TWO.pow(251u32)),
        Err(StateError::KeyOutOfRange { .. })
    ));

    // An empty diff keeps the roots.
    assert_eq!(state.commit_block(2, &StateDiff::default()).unwrap(), roots1);

    // Storage proofs at block 1: members and non-members, verified against the global root.
    // 0xC2 is a Sierra class (in the classes trie), 0xC1 a Cairo 0 class (in no trie).
    let classes = [f(0xC2), f(0xC1), f(0xC9)];
    let addresses = [f(0xA), f(0xB), f(0xDEAD)];
    let keys = [(f(0xA), vec![f(1), f(2), f(3), f(4)]), (f(0xB), vec![f(1)])];
    let proof = state.storage_proof(1, f(0x8888), &classes, &addresses, &keys).unwrap();
    assert_eq!(proof.global_roots.block_hash, f(0x8888));
    let verified =
        verify_storage_proof(&proof, roots1.global_root(), &classes, &addresses, &keys).unwrap();
    assert_eq!(verified.class_leaves[0], state::hash::class_leaf_hash(f(0xCC2)));
    assert_eq!(verified.class_leaves[1], Felt::ZERO);
    assert_eq!(verified.class_leaves[2], Felt::ZERO);
    assert_eq!(verified.contracts[0].nonce, f(1));
    assert_eq!(verified.contracts[2], ContractState::default());
    assert_eq!(verified.storage_values, vec![vec![f(0), f(200), f(333), f(0)], vec![f(300)]]);
    // The same proof does not verify against another root.
    assert!(matches!(
        verify_storage_proof(&proof, roots0.global_root(), &classes, &addresses, &keys),
        Err(ProofError::GlobalRootMismatch { .. })
    ));
    // Lying about a contract's nonce is caught.
    let mut forged = proof.clone();
    forged.contracts_proof.contract_leaves_data[0].nonce = f(7);
    assert!(matches!(
        verify_storage_proof(&forged, roots1.global_root(), &classes, &addresses, &keys),
        Err(ProofError::ContractLeafMismatch { .. })
    ));
    // A contracts-trie node hashed with Poseidon (this chain's former commitment) is refused:
    // the contracts trie's nodes are Pedersen.
    let mut poseidon = proof.clone();
    let (hash, node) =
        poseidon.contracts_proof.nodes.iter().next().map(|(h, n)| (*h, n.clone())).unwrap();
    let node = state::witness::rpc_to_node(&node).unwrap();
    poseidon.contracts_proof.nodes.shift_remove(&hash);
    poseidon
        .contracts_proof
        .nodes
        .insert(node.hash(state::TrieHash::Poseidon), state::proof::node_to_rpc(&node));
    assert!(
        verify_storage_proof(&poseidon, roots1.global_root(), &classes, &addresses, &keys).is_err()
    );
    // The old block's proof still works (root history is kept).
    let old_proof =
        state.storage_proof(0, Felt::ZERO, &[], &[f(0xA)], &[(f(0xA), vec![f(1)])]).unwrap();
    let verified = verify_storage_proof(
        &old_proof,
        roots0.global_root(),
        &[],
        &[f(0xA)],
        &[(f(0xA), vec![f(1)])],
    )
    .unwrap();
    assert_eq!(verified.storage_values, vec![vec![f(100)]]);
}

#[test]
fn memory_backend() {
    conformance(&State::new(MemoryBackend::new()));
}

#[test]
fn sled_backend() {
    let dir = tempfile::tempdir().unwrap();
    conformance(&State::new(SledBackend::open(dir.path()).unwrap()));
}

#[test]
fn sled_state_survives_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let roots = {
        let state = State::new(SledBackend::open(dir.path()).unwrap());
        state.commit_block(0, &block0()).unwrap()
    };
    let state = State::new(SledBackend::open(dir.path()).unwrap());
    assert_eq!(state.latest().unwrap(), Some((0, roots)));
    assert_eq!(state.at_block(0).unwrap().storage_at(f(0xB), f(1)).unwrap(), f(300));
    assert_eq!(state.commit_block(1, &block1()).unwrap(), {
        let memory = State::new(MemoryBackend::new());
        memory.commit_block(0, &block0()).unwrap();
        memory.commit_block(1, &block1()).unwrap()
    });
}

#[test]
fn corrupt_store_gives_typed_errors() {
    use state::{Table, WriteBatch};
    let backend = MemoryBackend::new();
    let mut batch = WriteBatch::default();
    batch.put(Table::Roots, 0u64.to_be_bytes().to_vec(), vec![1, 2, 3]);
    backend.write(batch).unwrap();
    let state = State::new(backend);
    assert!(matches!(state.roots_at(0), Err(StateError::Corrupt { .. })));

    // A root whose nodes are missing.
    let backend = MemoryBackend::new();
    let mut batch = WriteBatch::default();
    let mut roots = vec![0u8; 64];
    roots[31] = 5;
    batch.put(Table::Roots, 0u64.to_be_bytes().to_vec(), roots);
    backend.write(batch).unwrap();
    let state = State::new(backend);
    assert!(matches!(
        state.at_block(0).unwrap().nonce_at(f(1)),
        Err(StateError::MissingNode { .. })
    ));
}

#[test]
fn a_store_of_another_format_is_refused() {
    // A store written before stores recorded their format (this chain's former Poseidon tries):
    // state trees with content and no format version.
    let dir = tempfile::tempdir().unwrap();
    {
        let db = state::open_sled(dir.path()).unwrap();
        db.open_tree("state/roots").unwrap().insert(0u64.to_be_bytes(), vec![0u8; 64]).unwrap();
        db.flush().unwrap();
    }
    let error = SledBackend::open(dir.path()).unwrap_err();
    assert!(
        matches!(
            error,
            StateError::UnsupportedFormat { found: None, expected: STATE_FORMAT_VERSION }
        ),
        "{error}"
    );
    assert!(error.to_string().contains("start from a new data directory"), "{error}");

    // A store of a future format.
    let dir = tempfile::tempdir().unwrap();
    {
        let db = state::open_sled(dir.path()).unwrap();
        db.open_tree("state/meta")
            .unwrap()
            .insert(b"format_version", &99u32.to_be_bytes())
            .unwrap();
        db.flush().unwrap();
    }
    assert!(matches!(
        SledBackend::open(dir.path()),
        Err(StateError::UnsupportedFormat { found: Some(99), .. })
    ));

    // A new store is marked and reopens.
    let dir = tempfile::tempdir().unwrap();
    drop(SledBackend::open(dir.path()).unwrap());
    let db = state::open_sled(dir.path()).unwrap();
    let version = db.open_tree("state/meta").unwrap().get(b"format_version").unwrap().unwrap();
    assert_eq!(version.as_ref(), STATE_FORMAT_VERSION.to_be_bytes());
    drop(db);
    SledBackend::open(dir.path()).unwrap();
}
