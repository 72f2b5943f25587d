//! The OS's state commitment in Cairo (`os-program/os/state/`) against the `state` crate: the
//! test programs of `tests/programs/` run in cairo-vm proof mode (layout `all_cairo`) with the
//! `os::state_update` hints and a [`StateWitness`] of a real [`State`], and must give the roots
//! `State::commit_block` gives and the commitment `StateDiff::commitment` gives;
//! wrong witnesses, prev values or roots must make the run fail.
//!
//! Step counts: `cargo test -p os --test state_update -- --nocapture steps` prints the Cairo
//! steps of `patricia_update` per updated key.

mod rng;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::rc::Rc;
use std::sync::atomic::Ordering;

use cairo_vm::cairo_run::{CairoRunConfig, cairo_run_program_with_initial_scope};
use cairo_vm::hint_processor::builtin_hint_processor::builtin_hint_processor_definition::{
    BuiltinHintProcessor, HintFunc,
};
use cairo_vm::hint_processor::builtin_hint_processor::hint_utils::insert_value_from_var_name;
use cairo_vm::types::exec_scope::ExecutionScopes;
use cairo_vm::types::layout_name::LayoutName;
use cairo_vm::types::program::Program;
use cairo_vm::types::relocatable::MaybeRelocatable;
use chain::rpc::types::{BinaryNode, MerkleNode};
use chain::starknet_commitments::state_diff_length;
use chain::{Felt, StateDiff};
use rng::Rng;
use state::witness::TouchedKeys;
use state::{DeclaredClass, MemoryBackend, Node, State, StateReader, StateWitness, TrieHash, trie};

const PATRICIA_PROGRAM: &[u8] = include_bytes!("programs/patricia_update.json");
const STATE_UPDATE_PROGRAM: &[u8] = include_bytes!("programs/state_update.json");

const PATRICIA_INPUT_HINT: &str = "ids.prev_root, ids.updates, ids.n_updates, ids.trie_hash = load_patricia_test_input(\n    segments, memory)";
const STATE_UPDATE_INPUT_HINT: &str = "(ids.prev_root, ids.contract_changes_start, ids.contract_changes_end,\n    ids.class_changes_start, ids.class_changes_end, ids.deprecated_declared_start,\n    ids.deprecated_declared_end) = load_state_update_test_input(segments, memory)";

/// `trie_hash` of `os/state/patricia.cairo` for a trie's hash.
fn cairo_trie_hash(hash: TrieHash) -> Felt {
    match hash {
        TrieHash::Pedersen => Felt::ZERO,
        TrieHash::Poseidon => Felt::ONE,
    }
}

/// A finished run: the output segment and the number of steps.
struct Run {
    output: Vec<Felt>,
    steps: usize,
}

/// Runs `program` in proof mode with the state-update hints, `witness` in scope and the test's
/// input hint `load`.
fn run(
    program: &[u8],
    input_hint: &str,
    load: HintFunc,
    witness: StateWitness,
) -> Result<Run, String> {
    run_with(program, vec![(input_hint, load)], witness)
}

/// [`run`] with test hints, which replace the `os::state_update` hints of the same code.
fn run_with(
    program: &[u8],
    test_hints: Vec<(&str, HintFunc)>,
    witness: StateWitness,
) -> Result<Run, String> {
    let program = Program::from_bytes(program, Some("main")).map_err(|e| e.to_string())?;
    let mut processor = BuiltinHintProcessor::new_empty();
    os::state_update::register_hints(&mut processor);
    for (code, hint) in test_hints {
        processor.add_hint(code.to_string(), Rc::new(hint));
    }
    let mut scopes = ExecutionScopes::new();
    os::state_update::enter_witness(&mut scopes, witness);
    let config = CairoRunConfig {
        entrypoint: "main",
        relocate_mem: true,
        layout: LayoutName::all_cairo,
        proof_mode: true,
        disable_trace_padding: true,
        ..CairoRunConfig::default()
    };
    let runner = cairo_run_program_with_initial_scope(&program, &config, &mut processor, scopes)
        .map_err(|e| e.to_string())?;
    let segments = runner.get_memory_segment_addresses().map_err(|e| e.to_string())?;
    let (begin, stop) = segments["output"];
    let output = (begin..stop)
        .map(|address| runner.relocated_memory[address].ok_or("empty output cell".to_string()))
        .collect::<Result<_, _>>()?;
    Ok(Run { output, steps: runner.vm.get_current_step() })
}

// ---------------------------------------------------------------------------------------------
// patricia_update

/// A trie in a node map, with its leaves and its hash.
struct TestTrie {
    hash: TrieHash,
    nodes: HashMap<Felt, Node>,
    root: Felt,
    leaves: BTreeMap<Felt, Felt>,
}

impl TestTrie {
    /// A Pedersen trie (storage, contracts) of `leaves`.
    fn new(leaves: BTreeMap<Felt, Felt>) -> Self {
        Self::with_hash(TrieHash::Pedersen, leaves)
    }

    fn with_hash(hash: TrieHash, leaves: BTreeMap<Felt, Felt>) -> Self {
        let mut trie =
            TestTrie { hash, nodes: HashMap::new(), root: Felt::ZERO, leaves: BTreeMap::new() };
        let updates: Vec<(Felt, Felt)> = leaves.iter().map(|(k, v)| (*k, *v)).collect();
        trie.root = trie.apply(&updates);
        trie.leaves = leaves;
        trie
    }

    /// The same trie before any further update (a reference to apply updates to).
    fn reference(&self) -> Self {
        TestTrie {
            hash: self.hash,
            nodes: self.nodes.clone(),
            root: self.root,
            leaves: BTreeMap::new(),
        }
    }

    /// The Rust update (the reference); stores the new nodes and returns the new root.
    fn apply(&mut self, updates: &[(Felt, Felt)]) -> Felt {
        let (root, created) = trie::update(&self.nodes, self.hash, self.root, updates).unwrap();
        self.nodes.extend(created);
        root
    }

    fn witness(&self, keys: impl IntoIterator<Item = Felt>) -> StateWitness {
        let mut witness = StateWitness::default();
        for key in keys {
            witness.add_path(&self.nodes, self.root, &key).unwrap();
        }
        witness
    }

    /// The input hint of the patricia test program for `updates` on this trie.
    fn loader(&self, updates: Vec<[Felt; 3]>) -> HintFunc {
        patricia_loader(self.hash, self.root, updates)
    }
}

fn patricia_loader(hash: TrieHash, prev_root: Felt, updates: Vec<[Felt; 3]>) -> HintFunc {
    HintFunc(Box::new(move |vm, _, ids, ap, _| {
        let base = vm.add_memory_segment();
        let data: Vec<MaybeRelocatable> =
            updates.iter().flatten().map(|felt| MaybeRelocatable::from(*felt)).collect();
        vm.load_data(base, &data)?;
        insert_value_from_var_name("prev_root", prev_root, vm, ids, ap)?;
        insert_value_from_var_name("updates", base, vm, ids, ap)?;
        insert_value_from_var_name("n_updates", Felt::from(updates.len()), vm, ids, ap)?;
        insert_value_from_var_name("trie_hash", cairo_trie_hash(hash), vm, ids, ap)
    }))
}

/// Runs patricia_update of `new_values` (key → new leaf) on `trie` and checks the root against
/// the Rust update. Returns the steps.
fn check_patricia(trie: &TestTrie, new_values: &BTreeMap<Felt, Felt>) -> usize {
    let updates: Vec<[Felt; 3]> = new_values
        .iter()
        .map(|(key, new)| [*key, trie.leaves.get(key).copied().unwrap_or_default(), *new])
        .collect();
    let witness = trie.witness(new_values.keys().copied());
    let run = run(PATRICIA_PROGRAM, PATRICIA_INPUT_HINT, trie.loader(updates), witness)
        .unwrap_or_else(|e| panic!("patricia_update failed: {e}"));
    let mut reference = trie.reference();
    let pairs: Vec<(Felt, Felt)> = new_values.iter().map(|(k, v)| (*k, *v)).collect();
    let expected = reference.apply(&pairs);
    assert_eq!(run.output, vec![expected], "new root");
    run.steps
}

fn random_leaves(rng: &mut Rng, n: usize) -> BTreeMap<Felt, Felt> {
    (0..n).map(|_| (rng.key(), rng.value())).collect()
}

#[test]
fn patricia_edge_cases() {
    let key = |k: u64| Felt::from(k);
    let top = Felt::TWO.pow(250u32);
    let max = Felt::TWO.pow(251u32) - Felt::ONE;
    // (leaves before, updates): key → value pairs.
    type Pairs = Vec<(Felt, Felt)>;
    let cases: Vec<(Pairs, Pairs)> = vec![
        // Empty trie: one insert, two inserts diverging at the root, at the bottom.
        (vec![], vec![(key(5), key(1))]),
        (vec![], vec![(Felt::ZERO, key(1)), (max, key(2))]),
        (vec![], vec![(key(6), key(1)), (key(7), key(2))]),
        (vec![], vec![(key(6), Felt::ZERO)]),
        // Nothing but reads.
        (vec![(key(1), key(10)), (top, key(11))], vec![(key(1), key(10)), (top, key(11))]),
        // Delete everything.
        (vec![(key(1), key(10)), (top, key(11))], vec![(key(1), Felt::ZERO), (top, Felt::ZERO)]),
        // Deleting one of two leaves turns the rest into one edge from the root.
        (vec![(key(1), key(10)), (key(2), key(11))], vec![(key(2), Felt::ZERO)]),
        // Deleting under a branch whose other child is an edge: the edges merge.
        (
            vec![(key(0), key(1)), (key(1), key(2)), (key(12), key(3)), (key(13), key(4))],
            vec![(key(0), Felt::ZERO), (key(1), Felt::ZERO)],
        ),
        // ... or a binary node: a one-bit edge to it.
        (vec![(key(0), key(1)), (key(12), key(3)), (key(13), key(4))], vec![(key(0), Felt::ZERO)]),
        // A key leaving an edge in its middle, at its first and last bit.
        (vec![(key(0b1010_0000), key(1))], vec![(key(0b1011_0000), key(2))]),
        (vec![(key(0b1010_0000), key(1))], vec![(top, key(2))]),
        (vec![(key(0b1010_0000), key(1))], vec![(key(0b1010_0001), key(2))]),
        // Insert beside an edge and delete the edge's leaf at once.
        (vec![(key(0b1010_0000), key(1))], vec![(key(0b1010_0000), Felt::ZERO), (key(3), key(2))]),
    ];
    for (index, (leaves, updates)) in cases.into_iter().enumerate() {
        // Each case with the storage and contracts tries' Pedersen and the classes trie's
        // Poseidon.
        for hash in [TrieHash::Pedersen, TrieHash::Poseidon] {
            let trie = TestTrie::with_hash(hash, leaves.iter().copied().collect());
            let updates: BTreeMap<Felt, Felt> = updates.iter().copied().collect();
            eprintln!("case {index} ({hash:?})");
            check_patricia(&trie, &updates);
        }
    }
}

#[test]
fn patricia_random_updates_match_the_rust_trie() {
    for seed in 0..24u64 {
        let mut rng = Rng(seed);
        let n_leaves = [0, 1, 2, 5, 40, 200][seed as usize % 6];
        let trie = TestTrie::new(random_leaves(&mut rng, n_leaves));
        let existing: Vec<Felt> = trie.leaves.keys().copied().collect();
        let mut updates = BTreeMap::new();
        for _ in 0..1 + rng.below(30) {
            let key = if !existing.is_empty() && rng.chance(60) {
                rng.pick(&existing)
            } else {
                rng.key()
            };
            let value = match rng.below(4) {
                0 => Felt::ZERO,                                         // delete
                1 => trie.leaves.get(&key).copied().unwrap_or_default(), // read
                _ => rng.value(),                                        // write
            };
            updates.insert(key, value);
        }
        check_patricia(&trie, &updates);
    }
}

#[test]
fn patricia_rejects_a_wrong_prev_value_and_a_wrong_preimage() {
    let mut rng = Rng(7);
    let trie = TestTrie::new(random_leaves(&mut rng, 50));
    let key = *trie.leaves.keys().nth(10).unwrap();
    let old = trie.leaves[&key];

    // A prev value that is not the leaf.
    let wrong = vec![[key, old + Felt::ONE, Felt::from(3u64)]];
    let err = run(PATRICIA_PROGRAM, PATRICIA_INPUT_HINT, trie.loader(wrong), trie.witness([key]))
        .err()
        .expect("a wrong prev value must fail");
    assert!(err.contains("ASSERT_EQ") || err.contains("assert"), "{err}");

    // A value claimed absent (prev 0) that is present.
    let absent = vec![[key, Felt::ZERO, Felt::from(3u64)]];
    assert!(
        run(PATRICIA_PROGRAM, PATRICIA_INPUT_HINT, trie.loader(absent), trie.witness([key]))
            .is_err()
    );

    // Two updates of one key.
    let twice = vec![[key, old, Felt::from(3u64)], [key, Felt::from(3u64), Felt::from(4u64)]];
    assert!(
        run(PATRICIA_PROGRAM, PATRICIA_INPUT_HINT, trie.loader(twice), trie.witness([key]))
            .is_err()
    );

    // Keys out of order.
    let other = *trie.leaves.keys().nth(20).unwrap();
    let unordered = vec![[other, trie.leaves[&other], Felt::ONE], [key, old, Felt::ONE]];
    assert!(
        run(
            PATRICIA_PROGRAM,
            PATRICIA_INPUT_HINT,
            trie.loader(unordered),
            trie.witness([key, other])
        )
        .is_err()
    );

    // A tampered preimage: the root's children swapped (its hash no longer matches).
    let good = vec![[key, old, Felt::from(3u64)]];
    let mut witness = trie.witness([key]);
    let Some(MerkleNode::BinaryNode(root)) = witness.nodes.get(&trie.root).cloned() else {
        panic!("a trie of 50 random keys has a binary root");
    };
    witness.nodes.insert(
        trie.root,
        MerkleNode::BinaryNode(BinaryNode { left: root.right, right: root.left }),
    );
    let err = run(PATRICIA_PROGRAM, PATRICIA_INPUT_HINT, trie.loader(good.clone()), witness)
        .err()
        .expect("a wrong preimage must fail");
    assert!(!err.contains("no preimage"), "{err}");

    // A missing preimage is a hint error naming the node.
    let mut witness = trie.witness([key]);
    witness.nodes.remove(&trie.root);
    let err = run(PATRICIA_PROGRAM, PATRICIA_INPUT_HINT, trie.loader(good.clone()), witness)
        .err()
        .expect("a missing preimage must fail");
    assert!(err.contains("no preimage for trie node"), "{err}");

    // The honest run passes.
    check_patricia(&trie, &good.iter().map(|[k, _, v]| (*k, *v)).collect());
}

#[test]
fn patricia_steps_per_updated_key() {
    let mut rng = Rng(1000);
    let trie = TestTrie::new((0..1000).map(|_| (rng.big_key(), rng.value())).collect());
    let existing: Vec<Felt> = trie.leaves.keys().copied().collect();
    let baseline = check_patricia(&trie, &BTreeMap::new());
    for n in [1usize, 10, 100] {
        let mut updates = BTreeMap::new();
        while updates.len() < n {
            updates.insert(rng.pick(&existing), rng.value());
        }
        let steps = check_patricia(&trie, &updates) - baseline;
        let per_key = steps / n;
        eprintln!(
            "patricia_update, trie of 1000 leaves: {n} updated keys: {steps} steps, {per_key} per key"
        );
        // A regression guard with room: about 11 levels of binary nodes above a long edge.
        assert!(per_key < 2_000, "{per_key} steps per key");
    }
}

// ---------------------------------------------------------------------------------------------
// state_update

/// One contract's part of a block as the OS leaves it: its pre-block and final class hash and
/// nonce, and its storage dict's access log (key, prev_value, new_value), chained per key.
#[derive(Clone, Debug)]
struct ContractChange {
    address: Felt,
    prev_class: Felt,
    prev_nonce: Felt,
    next_class: Felt,
    next_nonce: Felt,
    storage_log: Vec<[Felt; 3]>,
}

/// A block's state changes as the OS's dicts hold them, with the expected results.
#[derive(Clone, Debug, Default)]
struct BlockChanges {
    prev_root: Felt,
    contracts: Vec<ContractChange>,
    /// Access log of the Sierra class dict (class hash, prev compiled class hash, new).
    class_log: Vec<[Felt; 3]>,
    /// Access log of the dict of Cairo 0 declarations (class hash, 0, 1).
    deprecated_log: Vec<[Felt; 3]>,
    /// What the block really changed.
    diff: StateDiff,
}

impl BlockChanges {
    fn touched(&self) -> TouchedKeys {
        let mut touched = TouchedKeys::default();
        for contract in &self.contracts {
            touched.add_contract(contract.address);
            for [key, _, _] in &contract.storage_log {
                touched.add_storage(contract.address, *key);
            }
        }
        for [class_hash, _, _] in &self.class_log {
            touched.add_class(*class_hash);
        }
        touched
    }

    /// The input hint: writes the storage logs, the StateEntry structs (first: pre-block values
    /// and the storage log's start; then a middle one; last: final values and the log's end),
    /// the contract-changes log (first halves in order, second halves in reverse, so the squash
    /// has to sort) and the class log.
    fn loader(&self) -> HintFunc {
        let changes = self.clone();
        HintFunc(Box::new(move |vm, _, ids, ap, _| {
            let entries = vm.add_memory_segment();
            let mut entry_data: Vec<MaybeRelocatable> = Vec::new();
            let mut firsts = Vec::new();
            let mut seconds = Vec::new();
            for (index, contract) in changes.contracts.iter().enumerate() {
                let storage = vm.add_memory_segment();
                let log: Vec<MaybeRelocatable> = contract
                    .storage_log
                    .iter()
                    .flatten()
                    .map(|f| MaybeRelocatable::from(*f))
                    .collect();
                vm.load_data(storage, &log)?;
                let middle = (storage + 3 * (contract.storage_log.len() / 2))?;
                let end = (storage + log.len())?;
                let entry = |k: usize| (entries + 3 * (3 * index + k)).map(MaybeRelocatable::from);
                for (class_hash, pointer, nonce) in [
                    (contract.prev_class, storage, contract.prev_nonce),
                    (contract.prev_class, middle, contract.next_nonce),
                    (contract.next_class, end, contract.next_nonce),
                ] {
                    entry_data.push(class_hash.into());
                    entry_data.push(pointer.into());
                    entry_data.push(nonce.into());
                }
                firsts.push([contract.address.into(), entry(0)?, entry(1)?]);
                seconds.push([contract.address.into(), entry(1)?, entry(2)?]);
            }
            vm.load_data(entries, &entry_data)?;
            seconds.reverse();
            let contract_log: Vec<MaybeRelocatable> =
                firsts.into_iter().chain(seconds).flatten().collect();
            let contract_changes = vm.add_memory_segment();
            let contract_changes_end = vm.load_data(contract_changes, &contract_log)?;
            let class_log: Vec<MaybeRelocatable> =
                changes.class_log.iter().flatten().map(|f| MaybeRelocatable::from(*f)).collect();
            let class_changes = vm.add_memory_segment();
            let class_changes_end = vm.load_data(class_changes, &class_log)?;
            let deprecated_log: Vec<MaybeRelocatable> = changes
                .deprecated_log
                .iter()
                .flatten()
                .map(|f| MaybeRelocatable::from(*f))
                .collect();
            let deprecated = vm.add_memory_segment();
            let deprecated_end = vm.load_data(deprecated, &deprecated_log)?;
            insert_value_from_var_name("prev_root", changes.prev_root, vm, ids, ap)?;
            insert_value_from_var_name("contract_changes_start", contract_changes, vm, ids, ap)?;
            insert_value_from_var_name("contract_changes_end", contract_changes_end, vm, ids, ap)?;
            insert_value_from_var_name("class_changes_start", class_changes, vm, ids, ap)?;
            insert_value_from_var_name("class_changes_end", class_changes_end, vm, ids, ap)?;
            insert_value_from_var_name("deprecated_declared_start", deprecated, vm, ids, ap)?;
            insert_value_from_var_name("deprecated_declared_end", deprecated_end, vm, ids, ap)
        }))
    }

    fn run(&self, witness: StateWitness) -> Result<Run, String> {
        run(STATE_UPDATE_PROGRAM, STATE_UPDATE_INPUT_HINT, self.loader(), witness)
    }
}

/// A chain's state with what the tests need to make realistic blocks.
struct Chain {
    state: State<MemoryBackend>,
    /// The latest committed block.
    block: Option<u64>,
    /// Storage keys ever written, by address.
    keys: BTreeMap<Felt, BTreeSet<Felt>>,
    /// Declared classes.
    classes: Vec<Felt>,
}

impl Chain {
    fn new() -> Self {
        Chain {
            state: State::new(MemoryBackend::new()),
            block: None,
            keys: BTreeMap::new(),
            classes: Vec::new(),
        }
    }

    fn prev_root(&self) -> Felt {
        match self.block {
            Some(block) => self.state.roots_at(block).unwrap().global_root(),
            None => state::StateRoots::default().global_root(),
        }
    }

    fn witness(&self, changes: &BlockChanges) -> StateWitness {
        StateWitness::build(&self.state, self.block, &changes.touched()).unwrap()
    }

    /// Commits the block with the Rust state store; returns the new global root.
    fn commit(&mut self, changes: &BlockChanges) -> Felt {
        let next = self.block.map_or(0, |block| block + 1);
        let roots = self.state.commit_block(next, &changes.diff).unwrap();
        self.block = Some(next);
        for (address, entries) in &changes.diff.storage_diffs {
            self.keys.entry(*address).or_default().extend(entries.keys().copied());
        }
        for contract in &changes.contracts {
            self.keys.entry(contract.address).or_default();
        }
        self.classes.extend(changes.diff.declared_classes.keys().copied());
        roots.global_root()
    }

    /// A random block over this state: reads, inserts, updates, deletes, writes that end where
    /// they began, nonces, deployments, replacements, declarations and class reads.
    fn random_block(&self, rng: &mut Rng, size: u64) -> BlockChanges {
        let latest = self.block.map(|block| self.state.at_block(block).unwrap());
        let storage_at = |address: Felt, key: Felt| {
            latest.as_ref().map_or(Felt::ZERO, |s| s.storage_at(address, key).unwrap())
        };
        let mut changes = BlockChanges { prev_root: self.prev_root(), ..BlockChanges::default() };
        let known: Vec<Felt> = self.keys.keys().copied().collect();
        let mut addresses = BTreeSet::new();
        for _ in 0..1 + rng.below(size) {
            if !known.is_empty() && rng.chance(70) {
                addresses.insert(rng.pick(&known));
            } else {
                addresses.insert(rng.big_key());
            }
        }
        for address in addresses {
            let (prev_class, prev_nonce) = match &latest {
                Some(s) => (s.class_hash_at(address).unwrap(), s.nonce_at(address).unwrap()),
                None => (Felt::ZERO, Felt::ZERO),
            };
            let mut contract = ContractChange {
                address,
                prev_class,
                prev_nonce,
                next_class: prev_class,
                next_nonce: prev_nonce,
                storage_log: Vec::new(),
            };
            if rng.chance(50) {
                contract.next_nonce = prev_nonce + Felt::ONE;
                changes.diff.nonces.insert(address, contract.next_nonce);
            }
            if prev_class == Felt::ZERO && rng.chance(60) {
                contract.next_class = rng.value();
                changes.diff.deployed_contracts.insert(address, contract.next_class);
            } else if prev_class != Felt::ZERO && rng.chance(15) {
                contract.next_class = rng.value();
                changes.diff.replaced_classes.insert(address, contract.next_class);
            }
            // Storage: per key, a chain of accesses; then interleave the chains.
            let existing: Vec<Felt> = self
                .keys
                .get(&address)
                .map(|keys| keys.iter().copied().collect())
                .unwrap_or_default();
            let mut chains: BTreeMap<Felt, Vec<[Felt; 3]>> = BTreeMap::new();
            for _ in 0..rng.below(2 * size + 1) {
                let key = if !existing.is_empty() && rng.chance(60) {
                    rng.pick(&existing)
                } else {
                    rng.key()
                };
                if chains.contains_key(&key) {
                    continue;
                }
                let prev = storage_at(address, key);
                let mut chain = Vec::new();
                if rng.chance(40) {
                    chain.push([key, prev, prev]); // a read
                }
                let last = match rng.below(5) {
                    0 => Felt::ZERO,  // delete (or a write of 0 to an absent key)
                    1 => prev,        // read only, or a write that ends where it began
                    _ => rng.value(), // write
                };
                if rng.chance(50) {
                    let middle = rng.value();
                    chain.push([key, prev, middle]);
                    chain.push([key, middle, last]);
                } else {
                    chain.push([key, prev, last]);
                }
                if last != prev {
                    changes.diff.set_storage(address, key, last);
                }
                chains.insert(key, chain);
            }
            let mut chains: Vec<Vec<[Felt; 3]>> = chains
                .into_values()
                .map(|mut c| {
                    c.reverse();
                    c
                })
                .collect();
            while !chains.is_empty() {
                let index = rng.below(chains.len() as u64) as usize;
                contract.storage_log.push(chains[index].pop().unwrap());
                if chains[index].is_empty() {
                    chains.swap_remove(index);
                }
            }
            changes.contracts.push(contract);
        }
        // Classes: declarations, reads of declared classes, reads of undeclared ones.
        let mut seen = BTreeSet::new();
        for _ in 0..rng.below(size + 1) {
            let declared = !self.classes.is_empty() && rng.chance(50);
            let class_hash = if declared { rng.pick(&self.classes) } else { rng.big_key() };
            if !seen.insert(class_hash) {
                continue;
            }
            let compiled = latest
                .as_ref()
                .and_then(|s| match s.declared_class(class_hash).unwrap() {
                    Some(DeclaredClass::Sierra { compiled_class_hash }) => {
                        Some(compiled_class_hash)
                    }
                    _ => None,
                })
                .unwrap_or_default();
            if compiled != Felt::ZERO || rng.chance(30) {
                changes.class_log.push([class_hash, compiled, compiled]);
            } else if rng.chance(50) {
                let new = rng.value();
                changes.class_log.push([class_hash, Felt::ZERO, new]);
                changes.class_log.push([class_hash, new, new]);
                changes.diff.declared_classes.insert(class_hash, new);
            } else {
                // A Cairo 0 declaration: in no trie, only in the state diff.
                changes.deprecated_log.push([class_hash, Felt::ZERO, Felt::ONE]);
                changes.diff.deprecated_declared_classes.insert(class_hash);
            }
        }
        let n = changes.class_log.len();
        for index in 0..n / 2 {
            // Interleave: move some reads of other classes earlier (chains stay in order per key).
            if changes.class_log[index][0] != changes.class_log[n - 1 - index][0] && rng.chance(30)
            {
                let [a, b] = [index, n - 1 - index];
                let (first, second) = (changes.class_log[a], changes.class_log[b]);
                let later_same = changes.class_log[a + 1..b]
                    .iter()
                    .any(|e| e[0] == first[0] || e[0] == second[0]);
                if !later_same {
                    changes.class_log[a] = second;
                    changes.class_log[b] = first;
                }
            }
        }
        changes
    }
}

#[test]
fn state_update_matches_the_state_store_over_random_blocks() {
    // What the blocks exercised: deployments, replacements, declarations, deletions of present
    // keys, writes that end where they began.
    let mut seen = [0usize; 5];
    for seed in 0..6u64 {
        let mut rng = Rng(100 + seed);
        let mut chain = Chain::new();
        for block in 0..4 {
            let changes = chain.random_block(&mut rng, 2 + 2 * block);
            seen[0] += changes.diff.deployed_contracts.len();
            seen[1] += changes.diff.replaced_classes.len();
            seen[2] += changes.diff.deprecated_declared_classes.len();
            for contract in &changes.contracts {
                let mut first_prev = BTreeMap::new();
                for [key, prev, new] in &contract.storage_log {
                    let started = *first_prev.entry(*key).or_insert(*prev);
                    seen[3] += usize::from(*new == Felt::ZERO && started != Felt::ZERO);
                    seen[4] += usize::from(*prev != *new && *new == started);
                }
            }
            let witness = chain.witness(&changes);
            let run =
                changes.run(witness).unwrap_or_else(|e| panic!("seed {seed} block {block}: {e}"));
            let expected_commitment = changes.diff.commitment();
            let expected_length = Felt::from(state_diff_length(&changes.diff));
            let expected_root = chain.commit(&changes);
            assert_eq!(
                run.output,
                vec![expected_root, expected_commitment, expected_length],
                "seed {seed} block {block}"
            );
        }
    }
    assert!(
        seen.iter().all(|count| *count > 0),
        "deployed, replaced, declared, deleted, restored: {seen:?}"
    );
}

#[test]
fn state_update_of_a_block_that_changes_nothing() {
    let mut rng = Rng(3);
    let mut chain = Chain::new();
    let first = chain.random_block(&mut rng, 6);
    chain.commit(&first);
    // Only reads: the root stays, the commitment is the empty diff's.
    let mut reads = chain.random_block(&mut rng, 6);
    for contract in &mut reads.contracts {
        contract.next_class = contract.prev_class;
        contract.next_nonce = contract.prev_nonce;
        for access in &mut contract.storage_log {
            access[2] = access[1];
        }
        // Re-chain: every access now reads the pre-block value.
        let mut first_prev: BTreeMap<Felt, Felt> = BTreeMap::new();
        for access in &mut contract.storage_log {
            let prev = *first_prev.entry(access[0]).or_insert(access[1]);
            access[1] = prev;
            access[2] = prev;
        }
    }
    let declared = reads.diff.declared_classes.clone();
    reads.class_log.retain(|[class_hash, _, _]| !declared.contains_key(class_hash));
    reads.deprecated_log.clear();
    reads.diff = StateDiff::default();
    let run = reads.run(chain.witness(&reads)).unwrap();
    assert_eq!(run.output, vec![chain.prev_root(), StateDiff::default().commitment(), Felt::ZERO]);
    // And the empty block.
    let empty = BlockChanges { prev_root: chain.prev_root(), ..BlockChanges::default() };
    let run = empty.run(chain.witness(&empty)).unwrap();
    assert_eq!(run.output, vec![chain.prev_root(), StateDiff::default().commitment(), Felt::ZERO]);
}

#[test]
fn state_update_rejects_wrong_guesses_and_witnesses() {
    let mut rng = Rng(11);
    let mut chain = Chain::new();
    for size in [4, 6] {
        let block = chain.random_block(&mut rng, size);
        chain.commit(&block);
    }
    // A block that reads an existing key of an existing contract and a declared class.
    let mut changes = chain.random_block(&mut rng, 6);
    let (address, key) =
        chain.keys.iter().find_map(|(a, keys)| Some((*a, *keys.first()?))).unwrap();
    let snapshot = chain.state.at_block(chain.block.unwrap()).unwrap();
    let value = snapshot.storage_at(address, key).unwrap();
    let contract = snapshot.contract(address).unwrap();
    changes.contracts.retain(|c| c.address != address);
    changes.contracts.push(ContractChange {
        address,
        prev_class: contract.class_hash,
        prev_nonce: contract.nonce,
        next_class: contract.class_hash,
        next_nonce: contract.nonce,
        storage_log: vec![[key, value, value]],
    });
    let class_hash = chain.classes[0];
    let Some(DeclaredClass::Sierra { compiled_class_hash: compiled }) =
        snapshot.declared_class(class_hash).unwrap()
    else {
        panic!("a declared Sierra class");
    };
    changes.class_log.retain(|[c, _, _]| *c != class_hash);
    changes.class_log.push([class_hash, compiled, compiled]);
    let witness = chain.witness(&changes);
    assert!(changes.run(witness.clone()).is_ok(), "the honest block runs");
    let last = changes.contracts.len() - 1;

    let fails = |changes: &BlockChanges, witness: StateWitness, what: &str| {
        let err = changes.run(witness).err().unwrap_or_else(|| panic!("{what} must fail"));
        eprintln!("{what}: {err}");
        err
    };
    let mut wrong = changes.clone();
    wrong.prev_root += Felt::ONE;
    fails(&wrong, witness.clone(), "a wrong prev root");

    let mut wrong = changes.clone();
    wrong.contracts[last].storage_log[0][1] += Felt::ONE;
    wrong.contracts[last].storage_log[0][2] += Felt::ONE;
    fails(&wrong, witness.clone(), "a wrong prev storage value");

    let mut wrong = changes.clone();
    wrong.contracts[last].prev_class += Felt::ONE;
    wrong.contracts[last].next_class += Felt::ONE;
    fails(&wrong, witness.clone(), "a wrong pre-block class hash");

    let mut wrong = changes.clone();
    wrong.contracts[last].prev_nonce += Felt::ONE;
    fails(&wrong, witness.clone(), "a wrong pre-block nonce");

    let mut wrong = changes.clone();
    let class_read = wrong.class_log.len() - 1;
    wrong.class_log[class_read] = [class_hash, compiled + Felt::ONE, compiled + Felt::ONE];
    fails(&wrong, witness.clone(), "a wrong compiled class hash");

    let mut wrong = changes.clone();
    wrong.class_log[class_read] = [class_hash, Felt::ZERO, Felt::ZERO];
    fails(&wrong, witness.clone(), "a declared class claimed undeclared");

    // Cairo 0 declarations: the dict starts empty (a guessed earlier declaration is refused)
    // and every entry is written 1.
    let mut wrong = changes.clone();
    wrong.deprecated_log.push([Felt::from(0xdec1u64), Felt::ONE, Felt::ONE]);
    fails(&wrong, witness.clone(), "a Cairo 0 declaration guessed to exist before the block");
    let mut wrong = changes.clone();
    wrong.deprecated_log.push([Felt::from(0xdec1u64), Felt::ZERO, Felt::TWO]);
    fails(&wrong, witness.clone(), "a Cairo 0 declaration written another value");

    // Witness: a wrong storage root, a tampered node, a missing contract state.
    let mut bad = witness.clone();
    bad.contracts.get_mut(&address).unwrap().storage_root += Felt::ONE;
    fails(&changes, bad, "a wrong storage root in the witness");

    let mut bad = witness.clone();
    let root = bad.contracts_root;
    if let Some(MerkleNode::BinaryNode(node)) = bad.nodes.get(&root).cloned() {
        bad.nodes.insert(
            root,
            MerkleNode::BinaryNode(BinaryNode { left: node.right, right: node.left }),
        );
    } else {
        panic!("the contracts trie has a binary root");
    }
    fails(&changes, bad, "a tampered contracts-trie node");

    let mut bad = witness.clone();
    bad.contracts.remove(&address);
    let err = fails(&changes, bad, "a witness without the contract");
    assert!(err.contains("no pre-block state for contract"), "{err}");
}

#[test]
fn every_state_hint_of_the_programs_is_registered() {
    let registered = os::state_update::hint_codes();
    for program in [PATRICIA_PROGRAM, STATE_UPDATE_PROGRAM] {
        let json: serde_json::Value = serde_json::from_slice(program).unwrap();
        let codes: BTreeSet<&str> = json["hints"]
            .as_object()
            .unwrap()
            .values()
            .flat_map(|hints| hints.as_array().unwrap())
            .map(|hint| hint["code"].as_str().unwrap())
            .filter(|code| !code.contains("_test_input"))
            .filter(|code| {
                code.contains("state_witness")
                    || code.contains("patricia_")
                    || code.starts_with("ids.high, ids.low = divmod")
            })
            .collect();
        assert!(codes.len() >= 2);
        for code in codes {
            assert!(registered.contains(&code), "hint not registered: {code:?}");
        }
    }
    // The witness travels as JSON.
    let mut chain = Chain::new();
    let block = chain.random_block(&mut Rng(5), 4);
    chain.commit(&block);
    let witness = chain.witness(&block);
    let back: StateWitness =
        serde_json::from_str(&serde_json::to_string(&witness).unwrap()).unwrap();
    assert_eq!(back, witness);
}

#[test]
fn state_update_steps_of_a_transfer_like_block() {
    // 1,000 accounts and a token with 2,000 balances; the block bumps 100 nonces and writes
    // 200 balances (about what 100 transfers do), reading 100 more.
    let mut rng = Rng(42);
    let mut chain = Chain::new();
    let token = rng.big_key();
    let accounts: Vec<Felt> = (0..1000).map(|_| rng.big_key()).collect();
    let balances: Vec<Felt> = (0..2000).map(|_| rng.big_key()).collect();
    let mut genesis = BlockChanges::default();
    for account in &accounts {
        genesis.diff.deployed_contracts.insert(*account, Felt::from(7u64));
    }
    genesis.diff.deployed_contracts.insert(token, Felt::from(8u64));
    for key in &balances {
        genesis.diff.set_storage(token, *key, rng.value());
    }
    chain.commit(&genesis);
    let snapshot = chain.state.at_block(0).unwrap();

    let mut changes = BlockChanges { prev_root: chain.prev_root(), ..BlockChanges::default() };
    for account in &accounts[..100] {
        let nonce = snapshot.nonce_at(*account).unwrap();
        changes.diff.nonces.insert(*account, nonce + Felt::ONE);
        changes.contracts.push(ContractChange {
            address: *account,
            prev_class: Felt::from(7u64),
            prev_nonce: nonce,
            next_class: Felt::from(7u64),
            next_nonce: nonce + Felt::ONE,
            storage_log: Vec::new(),
        });
    }
    let mut token_change = ContractChange {
        address: token,
        prev_class: Felt::from(8u64),
        prev_nonce: Felt::ZERO,
        next_class: Felt::from(8u64),
        next_nonce: Felt::ZERO,
        storage_log: Vec::new(),
    };
    for (index, key) in balances[..300].iter().enumerate() {
        let prev = snapshot.storage_at(token, *key).unwrap();
        let new = if index < 200 { rng.value() } else { prev };
        token_change.storage_log.push([*key, prev, prev]);
        token_change.storage_log.push([*key, prev, new]);
        if new != prev {
            changes.diff.set_storage(token, *key, new);
        }
    }
    changes.contracts.push(token_change);
    let run = changes.run(chain.witness(&changes)).unwrap();
    let expected_commitment = changes.diff.commitment();
    let expected_length = Felt::from(state_diff_length(&changes.diff));
    let expected_root = chain.commit(&changes);
    assert_eq!(run.output, vec![expected_root, expected_commitment, expected_length]);
    eprintln!(
        "state_update, 101 contracts of 1,001 (100 nonces), 300 of 2,000 storage keys (200 \
         written, 600 accesses): {} steps",
        run.steps
    );
    assert!(run.steps < 400_000, "{} steps", run.steps);
}

// ---------------------------------------------------------------------------------------------
// Lying hints: patricia_update's hints only steer the recursion; whatever they say, a run either
// fails or gives the right root.

mod lies {
    use std::collections::HashMap;
    use std::sync::atomic::{AtomicU64, Ordering};

    use cairo_vm::hint_processor::builtin_hint_processor::builtin_hint_processor_definition::HintFunc;
    use cairo_vm::hint_processor::builtin_hint_processor::hint_utils::{
        get_integer_from_var_name, get_ptr_from_var_name, insert_value_from_var_name,
    };
    use cairo_vm::hint_processor::hint_processor_definition::HintReference;
    use cairo_vm::serde::deserialize_program::ApTracking;
    use cairo_vm::vm::errors::hint_errors::HintError;
    use cairo_vm::vm::vm_core::VirtualMachine;
    use chain::Felt;
    use state::key::Bits;

    pub const COUNT_LEFT: &str =
        "ids.n_left = patricia_count_left(memory, ids.updates, ids.n_updates, ids.child_height)";
    pub const KEY_BIT: &str = "ids.bit = patricia_key_bit(memory, ids.update, ids.height)";
    pub const EDGE_DIVERGENCE: &str = "ids.d, ids.top, ids.bit, ids.rest = patricia_edge_divergence(\n    memory, ids.updates, ids.n_updates, ids.height, ids.path, ids.length)";
    pub const KEY_DIVERGENCE: &str = "ids.d, ids.top, ids.bit, ids.rest = patricia_key_divergence(\n    memory, ids.update, ids.height, ids.path, ids.length)";
    pub const COMMON_PREFIX: &str =
        "ids.d, ids.top = patricia_common_prefix(memory, ids.updates, ids.n_updates, ids.height)";

    /// How a hint lies. `honest` lies (splitting earlier than needed) must still give the right
    /// root; the others must make the run fail whenever they change the answer.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Lie {
        /// Sends one update too many or too few to the left child.
        CountOffByOne,
        /// Sends the single key to the wrong child.
        FlipKeyBit,
        /// Claims the updates leave an edge earlier than they do (allowed: costs steps).
        SplitEdgeEarly,
        /// Claims the updates follow an edge one bit further than they do.
        SplitEdgeLate,
        /// Claims the keys under an empty subtree share fewer bits (allowed).
        CommonPrefixShort,
        /// Claims they share one bit more.
        CommonPrefixLong,
    }

    impl Lie {
        pub const ALL: [Lie; 6] = [
            Lie::CountOffByOne,
            Lie::FlipKeyBit,
            Lie::SplitEdgeEarly,
            Lie::SplitEdgeLate,
            Lie::CommonPrefixShort,
            Lie::CommonPrefixLong,
        ];

        pub fn keeps_the_answer(self) -> bool {
            matches!(self, Lie::SplitEdgeEarly | Lie::CommonPrefixShort)
        }
    }

    type Ids = HashMap<String, HintReference>;

    /// How many times each lie was told (a value other than the honest one), by `Lie as usize`.
    pub static TOLD: [AtomicU64; 6] = [const { AtomicU64::new(0) }; 6];

    fn told(lie: Lie, honest: u64, said: u64) {
        if honest != said {
            TOLD[lie as usize].fetch_add(1, Ordering::Relaxed);
        }
    }

    fn small(vm: &VirtualMachine, name: &str, ids: &Ids, ap: &ApTracking) -> u16 {
        let value = get_integer_from_var_name(name, vm, ids, ap).unwrap();
        u16::try_from(value.to_biguint()).unwrap()
    }

    fn keys(vm: &VirtualMachine, ids: &Ids, ap: &ApTracking, single: bool) -> Vec<Bits> {
        let (pointer, n) = if single {
            (get_ptr_from_var_name("update", vm, ids, ap).unwrap(), 1)
        } else {
            let n = small(vm, "n_updates", ids, ap) as usize;
            (get_ptr_from_var_name("updates", vm, ids, ap).unwrap(), n)
        };
        (0..n)
            .map(|i| Bits::from_key(&vm.get_integer((pointer + 3 * i).unwrap()).unwrap()).unwrap())
            .collect()
    }

    fn shared(a: &Bits, a_top: u16, b: &Bits, b_top: u16, length: u16) -> u16 {
        (0..length).take_while(|i| a.bit(a_top - 1 - i) == b.bit(b_top - 1 - i)).count() as u16
    }

    fn put(
        vm: &mut VirtualMachine,
        ids: &Ids,
        ap: &ApTracking,
        name: &str,
        value: Felt,
    ) -> Result<(), HintError> {
        insert_value_from_var_name(name, value, vm, ids, ap)
    }

    /// The hints that tell `lie` (each call lies with probability 1/2, from `seed`).
    pub fn hints(lie: Lie, seed: u64) -> Vec<(&'static str, HintFunc)> {
        let state = AtomicU64::new(seed);
        let coin = move || {
            let next = state.fetch_add(0x9e37_79b9_7f4a_7c15, Ordering::Relaxed);
            (next.wrapping_mul(0xbf58_476d_1ce4_e5b9) >> 40) & 1 == 0
        };
        match lie {
            Lie::CountOffByOne => vec![(
                COUNT_LEFT,
                HintFunc(Box::new(move |vm, _, ids, ap, _| {
                    let keys = keys(vm, ids, ap, false);
                    let bit = small(vm, "child_height", ids, ap);
                    let honest = keys.iter().take_while(|k| !k.bit(bit)).count();
                    let told = match (coin(), honest) {
                        (false, _) => honest,
                        (true, 0) => 1,
                        (true, n) if n == keys.len() => n - 1,
                        (true, n) => n + 1,
                    };
                    self::told(lie, honest as u64, told as u64);
                    put(vm, ids, ap, "n_left", Felt::from(told))
                })),
            )],
            Lie::FlipKeyBit => vec![(
                KEY_BIT,
                HintFunc(Box::new(move |vm, _, ids, ap, _| {
                    let key = keys(vm, ids, ap, true)[0];
                    let height = small(vm, "height", ids, ap);
                    let honest = key.bit(height - 1);
                    let said = honest != coin();
                    told(lie, u64::from(honest), u64::from(said));
                    put(vm, ids, ap, "bit", Felt::from(u8::from(said)))
                })),
            )],
            Lie::SplitEdgeEarly | Lie::SplitEdgeLate => {
                let coin = std::sync::Arc::new(coin);
                [(EDGE_DIVERGENCE, false), (KEY_DIVERGENCE, true)]
                    .into_iter()
                    .map(|(code, single)| {
                        let coin = std::sync::Arc::clone(&coin);
                        let hint = HintFunc(Box::new(move |vm, _, ids, ap, _| {
                            let keys = keys(vm, ids, ap, single);
                            let height = small(vm, "height", ids, ap);
                            let length = small(vm, "length", ids, ap);
                            let path_felt = get_integer_from_var_name("path", vm, ids, ap)?;
                            let path = Bits::from_key(&path_felt).unwrap();
                            let honest = keys
                                .iter()
                                .map(|k| shared(k, height, &path, length, length))
                                .min()
                                .unwrap();
                            // update_one_edge puts its single key beside the old edge, so an
                            // early split there fails rather than costing steps: not told.
                            let d = match lie {
                                Lie::SplitEdgeEarly if !single && honest > 0 && coin() => {
                                    honest - 1
                                }
                                Lie::SplitEdgeLate if honest < length && coin() => honest + 1,
                                _ => honest,
                            };
                            told(lie, u64::from(honest), u64::from(d));
                            let (top, bit, rest) = if d < length {
                                let tail = length - d - 1;
                                (
                                    path.path(length, d),
                                    Felt::from(u8::from(path.bit(tail))),
                                    path.path(tail, tail),
                                )
                            } else {
                                (Felt::ZERO, Felt::ZERO, Felt::ZERO)
                            };
                            put(vm, ids, ap, "d", Felt::from(d))?;
                            put(vm, ids, ap, "top", top)?;
                            put(vm, ids, ap, "bit", bit)?;
                            put(vm, ids, ap, "rest", rest)
                        }));
                        (code, hint)
                    })
                    .collect()
            }
            Lie::CommonPrefixShort | Lie::CommonPrefixLong => vec![(
                COMMON_PREFIX,
                HintFunc(Box::new(move |vm, _, ids, ap, _| {
                    let keys = keys(vm, ids, ap, false);
                    let height = small(vm, "height", ids, ap);
                    let honest = keys
                        .iter()
                        .map(|k| shared(&keys[0], height, k, height, height))
                        .min()
                        .unwrap();
                    let d = match lie {
                        Lie::CommonPrefixShort if honest > 0 && coin() => honest - 1,
                        Lie::CommonPrefixLong if honest + 1 < height && coin() => honest + 1,
                        _ => honest,
                    };
                    told(lie, u64::from(honest), u64::from(d));
                    put(vm, ids, ap, "d", Felt::from(d))?;
                    put(vm, ids, ap, "top", keys[0].path(height, d))
                })),
            )],
        }
    }
}

#[test]
fn patricia_lying_hints_never_give_a_wrong_root() {
    let mut failures = BTreeMap::new();
    for seed in 0..12u64 {
        let mut rng = Rng(500 + seed);
        let trie = TestTrie::new(random_leaves(&mut rng, [3, 30, 150][seed as usize % 3]));
        let existing: Vec<Felt> = trie.leaves.keys().copied().collect();
        let mut updates = BTreeMap::new();
        for _ in 0..2 + rng.below(20) {
            let key = if rng.chance(50) { rng.pick(&existing) } else { rng.key() };
            updates.insert(key, if rng.chance(25) { Felt::ZERO } else { rng.value() });
        }
        let pairs: Vec<(Felt, Felt)> = updates.iter().map(|(k, v)| (*k, *v)).collect();
        let mut reference = trie.reference();
        let expected = reference.apply(&pairs);
        let input: Vec<[Felt; 3]> = updates
            .iter()
            .map(|(key, new)| [*key, trie.leaves.get(key).copied().unwrap_or_default(), *new])
            .collect();
        for lie in lies::Lie::ALL {
            let mut hints = lies::hints(lie, seed);
            hints.push((PATRICIA_INPUT_HINT, trie.loader(input.clone())));
            let result = run_with(PATRICIA_PROGRAM, hints, trie.witness(updates.keys().copied()));
            match result {
                Ok(run) => assert_eq!(run.output, vec![expected], "{lie:?}, seed {seed}"),
                Err(_) if lie.keeps_the_answer() => panic!("{lie:?} must not fail (seed {seed})"),
                Err(_) => *failures.entry(format!("{lie:?}")).or_insert(0) += 1,
            }
        }
    }
    // Every lie was told, and the harmful ones were caught at least once each.
    let told: Vec<u64> = lies::TOLD.iter().map(|count| count.load(Ordering::Relaxed)).collect();
    assert!(told.iter().all(|count| *count > 0), "lies told: {told:?}");
    assert_eq!(failures.len(), 4, "{failures:?}");
}
