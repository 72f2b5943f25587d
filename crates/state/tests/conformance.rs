//! One conformance suite run against every backend: commits, reads at old and new blocks,
//! ordering rules, persistence (sled), and storage proofs.

use chain::{Felt, StateDiff};
use state::{
    Backend, ContractState, MemoryBackend, ProofError, SledBackend, State, StateError, StateReader,
    verify_storage_proof,
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

/// Compiled class hashes of the deprecated classes `block0` declares.
fn compiled0() -> std::collections::BTreeMap<Felt, Felt> {
    [(f(0xC1), f(0xCC1))].into_iter().collect()
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

    assert!(matches!(
        state.commit_block(0, &block0()),
        Err(StateError::MissingCompiledClassHash { class_hash }) if class_hash == f(0xC1)
    ));
    let roots0 = state.commit_block_with_classes(0, &block0(), &compiled0()).unwrap();
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
    assert_eq!(new.compiled_class_hash(f(0xC2)).unwrap(), Some(f(0xCC2)));
    assert_eq!(new.compiled_class_hash(f(0xC1)).unwrap(), Some(f(0xCC1)));
    assert_eq!(new.compiled_class_hash(f(0xC3)).unwrap(), None);
    assert!(matches!(
        new.storage_at(f(0xA), Felt::TWO.pow(251u32)),
        Err(StateError::KeyOutOfRange { .. })
    ));

    // An empty diff keeps the roots.
    assert_eq!(state.commit_block(2, &StateDiff::default()).unwrap(), roots1);

    // Storage proofs at block 1: members and non-members, verified against the global root.
    let classes = [f(0xC1), f(0xC9)];
    let addresses = [f(0xA), f(0xB), f(0xDEAD)];
    let keys = [(f(0xA), vec![f(1), f(2), f(3), f(4)]), (f(0xB), vec![f(1)])];
    let proof = state.storage_proof(1, f(0x8888), &classes, &addresses, &keys).unwrap();
    assert_eq!(proof.global_roots.block_hash, f(0x8888));
    let verified =
        verify_storage_proof(&proof, roots1.global_root(), &classes, &addresses, &keys).unwrap();
    assert_ne!(verified.class_leaves[0], Felt::ZERO);
    assert_eq!(verified.class_leaves[1], Felt::ZERO);
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
        state.commit_block_with_classes(0, &block0(), &compiled0()).unwrap()
    };
    let state = State::new(SledBackend::open(dir.path()).unwrap());
    assert_eq!(state.latest().unwrap(), Some((0, roots)));
    assert_eq!(state.at_block(0).unwrap().storage_at(f(0xB), f(1)).unwrap(), f(300));
    assert_eq!(state.commit_block(1, &block1()).unwrap(), {
        let memory = State::new(MemoryBackend::new());
        memory.commit_block_with_classes(0, &block0(), &compiled0()).unwrap();
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
