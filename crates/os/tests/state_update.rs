//! The OS's state commitment in Cairo (`os-program/os/state/`) against the `state` crate: the
//! test programs of `tests/programs/` run in cairo-vm proof mode (layout `all_cairo`) with the
//! `os::state_update` hints and a [`StateWitness`] of a real [`State`], and must give the roots
//! `State::commit_block_with_classes` gives and the commitment `StateDiff::commitment` gives;
//! wrong witnesses, prev values or roots must make the run fail.
//!
//! Step counts: `cargo test -p os --test state_update -- --nocapture steps` prints the Cairo
//! steps of `patricia_update` per updated key.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::rc::Rc;

use cairo_vm::cairo_run::{CairoRunConfig, cairo_run_program_with_initial_scope};
use cairo_vm::hint_processor::builtin_hint_processor::builtin_hint_processor_definition::{
    BuiltinHintProcessor, HintFunc,
};
use cairo_vm::hint_processor::builtin_hint_processor::hint_utils::insert_value_from_var_name;
use cairo_vm::types::exec_scope::ExecutionScopes;
use cairo_vm::types::layout_name::LayoutName;
use cairo_vm::types::program::Program;
use cairo_vm::types::relocatable::{MaybeRelocatable, Relocatable};
use chain::rpc::types::{BinaryNode, MerkleNode};
use chain::{Felt, StateDiff};
use state::witness::TouchedKeys;
use state::{MemoryBackend, Node, State, StateReader, StateWitness, trie};

const PATRICIA_PROGRAM: &[u8] = include_bytes!("programs/patricia_update.json");
const STATE_UPDATE_PROGRAM: &[u8] = include_bytes!("programs/state_update.json");

const PATRICIA_INPUT_HINT: &str =
    "ids.prev_root, ids.updates, ids.n_updates = load_patricia_test_input(segments, memory)";
const STATE_UPDATE_INPUT_HINT: &str = "(ids.prev_root, ids.contract_changes_start, ids.contract_changes_end,\n    ids.class_changes_start, ids.class_changes_end) = load_state_update_test_input(\n    segments, memory)";

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
    let program = Program::from_bytes(program, Some("main")).map_err(|e| e.to_string())?;
    let mut processor = BuiltinHintProcessor::new_empty();
    os::state_update::register_hints(&mut processor);
    processor.add_hint(input_hint.to_string(), Rc::new(load));
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

/// A deterministic pseudo-random generator (splitmix64), so failures replay by seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// A non-zero felt.
    fn value(&mut self) -> Felt {
        Felt::from(self.next() | 1)
    }

    /// A trie key: a random 251-bit number, or a small one (dense subtrees, long shared edges).
    fn key(&mut self) -> Felt {
        if self.chance(30) {
            return Felt::from(self.below(64));
        }
        self.big_key()
    }

    /// A uniformly random 251-bit key.
    fn big_key(&mut self) -> Felt {
        let mut bytes = [0u8; 32];
        for chunk in bytes.chunks_mut(8) {
            chunk.copy_from_slice(&self.next().to_be_bytes());
        }
        bytes[0] &= 0x07;
        Felt::from_bytes_be(&bytes)
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}

// ---------------------------------------------------------------------------------------------
// patricia_update

/// A trie in a node map, with its leaves.
struct TestTrie {
    nodes: HashMap<Felt, Node>,
    root: Felt,
    leaves: BTreeMap<Felt, Felt>,
}

impl TestTrie {
    fn new(leaves: BTreeMap<Felt, Felt>) -> Self {
        let mut trie =
            TestTrie { nodes: HashMap::new(), root: Felt::ZERO, leaves: BTreeMap::new() };
        let updates: Vec<(Felt, Felt)> = leaves.iter().map(|(k, v)| (*k, *v)).collect();
        trie.root = trie.apply(&updates);
        trie.leaves = leaves;
        trie
    }

    /// The Rust update (the reference); stores the new nodes and returns the new root.
    fn apply(&mut self, updates: &[(Felt, Felt)]) -> Felt {
        let (root, created) = trie::update(&self.nodes, self.root, updates).unwrap();
        for node in created {
            self.nodes.insert(node.hash(), node);
        }
        root
    }

    fn witness(&self, keys: impl IntoIterator<Item = Felt>) -> StateWitness {
        let mut witness = StateWitness::default();
        for key in keys {
            witness.add_path(&self.nodes, self.root, &key).unwrap();
        }
        witness
    }
}

fn patricia_loader(prev_root: Felt, updates: Vec<[Felt; 3]>) -> HintFunc {
    HintFunc(Box::new(move |vm, _, ids, ap, _| {
        let base = vm.add_memory_segment();
        let data: Vec<MaybeRelocatable> =
            updates.iter().flatten().map(|felt| MaybeRelocatable::from(*felt)).collect();
        vm.load_data(base, &data)?;
        insert_value_from_var_name("prev_root", prev_root, vm, ids, ap)?;
        insert_value_from_var_name("updates", base, vm, ids, ap)?;
        insert_value_from_var_name("n_updates", Felt::from(updates.len()), vm, ids, ap)
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
    let run =
        run(PATRICIA_PROGRAM, PATRICIA_INPUT_HINT, patricia_loader(trie.root, updates), witness)
            .unwrap_or_else(|e| panic!("patricia_update failed: {e}"));
    let mut reference =
        TestTrie { nodes: trie.nodes.clone(), root: trie.root, leaves: BTreeMap::new() };
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
    let cases: Vec<(Vec<(Felt, Felt)>, Vec<(Felt, Felt)>)> = vec![
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
        let trie = TestTrie::new(leaves.into_iter().collect());
        let updates: BTreeMap<Felt, Felt> = updates.into_iter().collect();
        eprintln!("case {index}");
        check_patricia(&trie, &updates);
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
    let err = run(
        PATRICIA_PROGRAM,
        PATRICIA_INPUT_HINT,
        patricia_loader(trie.root, wrong),
        trie.witness([key]),
    )
    .err()
    .expect("a wrong prev value must fail");
    assert!(err.contains("ASSERT_EQ") || err.contains("assert"), "{err}");

    // A value claimed absent (prev 0) that is present.
    let absent = vec![[key, Felt::ZERO, Felt::from(3u64)]];
    assert!(
        run(
            PATRICIA_PROGRAM,
            PATRICIA_INPUT_HINT,
            patricia_loader(trie.root, absent),
            trie.witness([key])
        )
        .is_err()
    );

    // Two updates of one key.
    let twice = vec![[key, old, Felt::from(3u64)], [key, Felt::from(3u64), Felt::from(4u64)]];
    assert!(
        run(
            PATRICIA_PROGRAM,
            PATRICIA_INPUT_HINT,
            patricia_loader(trie.root, twice),
            trie.witness([key])
        )
        .is_err()
    );

    // Keys out of order.
    let other = *trie.leaves.keys().nth(20).unwrap();
    let unordered = vec![[other, trie.leaves[&other], Felt::ONE], [key, old, Felt::ONE]];
    assert!(
        run(
            PATRICIA_PROGRAM,
            PATRICIA_INPUT_HINT,
            patricia_loader(trie.root, unordered),
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
    let err = run(
        PATRICIA_PROGRAM,
        PATRICIA_INPUT_HINT,
        patricia_loader(trie.root, good.clone()),
        witness,
    )
    .err()
    .expect("a wrong preimage must fail");
    assert!(!err.contains("no preimage"), "{err}");

    // A missing preimage is a hint error naming the node.
    let mut witness = trie.witness([key]);
    witness.nodes.remove(&trie.root);
    let err = run(
        PATRICIA_PROGRAM,
        PATRICIA_INPUT_HINT,
        patricia_loader(trie.root, good.clone()),
        witness,
    )
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
