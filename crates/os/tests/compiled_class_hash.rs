//! The compiled class hash in Cairo (`os-program/os/compiled_class.cairo`, over
//! `os-program/os/blake2s.cairo`'s Blake2s by the Blake opcodes): the test program
//! `programs/compiled_class_hash.cairo` runs in cairo-vm proof mode with the `os::blake2s` hint
//! and must give
//!
//! * Blake2s-256 of u32 words as the `blake2` crate computes it (empty input, one word, around
//!   the 16-word block),
//! * Starknet's Blake2s hash of felts as starknet-types-core computes it (`Blake2Felt252`: small
//!   and large felts around 2^63, p - 1, ...),
//! * the compiled class hashes v2 (Blake2s) and v1 (Poseidon) of real CASM classes (Sierra
//!   classes of the cairo-lang-starknet crate's test data, compiled by the executor) as
//!   `executor::SierraClass` computes them, and of other segment trees as cairo-lang's
//!   `CasmContractClass` computes them;
//!
//! and a hint that supplies a wrong encoding of a felt must make the run fail. One class's hash
//! computation (v2 and v1) is proven and verified with `cairo-air` at test security; the ERC-20
//! class's v2 at 100 bits in an ignored test.
//!
//! Costs: `cargo test -p os --test compiled_class_hash -- --nocapture costs` prints steps, Blake
//! instances and range checks per class (benches/RESULTS.md).

mod rng;

use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use cairo_air::{CairoExecution, SegmentSizes, read_execution};
use cairo_lang_starknet_classes::NestedIntList;
use cairo_lang_starknet_classes::casm_contract_class::CasmContractClass;
use cairo_vm::cairo_run::cairo_run_program;
use cairo_vm::hint_processor::builtin_hint_processor::builtin_hint_processor_definition::{
    BuiltinHintProcessor, HintFunc,
};
use cairo_vm::hint_processor::builtin_hint_processor::hint_utils::{
    get_ptr_from_var_name, insert_value_from_var_name,
};
use cairo_vm::hint_processor::hint_processor_definition::HintReference;
use cairo_vm::serde::deserialize_program::ApTracking;
use cairo_vm::types::exec_scope::ExecutionScopes;
use cairo_vm::types::program::Program;
use cairo_vm::types::relocatable::MaybeRelocatable;
use cairo_vm::vm::errors::hint_errors::HintError;
use cairo_vm::vm::vm_core::VirtualMachine;
use chain::Felt;
use executor::SierraClass;
use os::compiled_class::CompiledClassInput;
use rng::Rng;
use starknet_core::types::contract::SierraClass as CompilerOutput;
use starknet_types_core::hash::Blake2Felt252;

const PROGRAM: &[u8] = include_bytes!("programs/compiled_class_hash.json");
const INPUT_HINT: &str = "load_compiled_class_test_input";

/// What the test program computes.
#[derive(Clone)]
enum Input {
    /// Blake2s-256 of u32 words.
    Words(Vec<u32>),
    /// Starknet's Blake2s hash of felts.
    Felts(Vec<Felt>),
    /// A compiled class hash, version 1 (Poseidon) or 2 (Blake2s).
    Class { version: u64, class: CompiledClassInput },
}

/// A finished run: its output and the run as the prover takes it.
struct Run {
    output: Vec<Felt>,
    execution: CairoExecution,
}

impl Run {
    fn steps(&self) -> usize {
        self.execution.steps()
    }

    /// Range-check instances used.
    fn range_checks(&self) -> u64 {
        let segment =
            self.execution.builtins.iter().find(|s| s.builtin == cairo_air::Builtin::RangeCheck);
        segment.map_or(0, |s| s.stop - s.begin)
    }
}

/// The test input hint: writes `input` and sets the program's locals.
fn input_hint(input: Input) -> HintFunc {
    HintFunc(Box::new(move |vm, _, ids, ap, _| {
        let zero = Felt::ZERO;
        let (kind, n, data, version, class) = match &input {
            Input::Words(words) => {
                let felts: Vec<Felt> = words.iter().map(|w| Felt::from(*w)).collect();
                (0, felts.len(), write(vm, &felts)?, zero, None)
            }
            Input::Felts(felts) => (1, felts.len(), write(vm, felts)?, zero, None),
            Input::Class { version, class } => {
                let address = class.write(vm)?;
                (2, 0, vm.add_memory_segment(), Felt::from(*version), Some(address))
            }
        };
        insert_value_from_var_name("kind", Felt::from(kind as u64), vm, ids, ap)?;
        insert_value_from_var_name("n", Felt::from(n), vm, ids, ap)?;
        insert_value_from_var_name("data", data, vm, ids, ap)?;
        insert_value_from_var_name("hash_version", version, vm, ids, ap)?;
        let class = class.unwrap_or_else(|| vm.add_memory_segment());
        insert_value_from_var_name("compiled_class", class, vm, ids, ap)
    }))
}

fn write(
    vm: &mut VirtualMachine,
    felts: &[Felt],
) -> Result<cairo_vm::types::relocatable::Relocatable, HintError> {
    let address = vm.add_memory_segment();
    let data: Vec<MaybeRelocatable> = felts.iter().map(|f| (*f).into()).collect();
    vm.load_data(address, &data)?;
    Ok(address)
}

/// Runs the test program over `input` with the `os::blake2s` hints, or `encode` in place of
/// the felt-encoding hint.
fn run_with(input: Input, encode: Option<HintFunc>) -> Result<Run, String> {
    let program = Program::from_bytes(PROGRAM, Some("main")).map_err(|e| e.to_string())?;
    let mut processor = BuiltinHintProcessor::new_empty();
    os::blake2s::register_hints(&mut processor);
    if let Some(encode) = encode {
        processor.add_hint(os::blake2s::ENCODE_NEXT_FELT.to_string(), Rc::new(encode));
    }
    processor.add_hint(INPUT_HINT.to_string(), Rc::new(input_hint(input)));
    let mut runner = cairo_run_program(&program, &cairo_air::proof_mode_config(), &mut processor)
        .map_err(|e| e.to_string())?;
    let bases = SegmentSizes::of(&runner).cairo_vm_layout();
    let execution = read_execution(&mut runner, &program, &bases).map_err(|e| e.to_string())?;
    let output =
        execution.output.iter().map(|x| Felt::from_bytes_be(&stark::felt_to_bytes(x))).collect();
    Ok(Run { output, execution })
}

fn run(input: Input) -> Run {
    run_with(input, None).expect("the test program runs")
}

// ---------------------------------------------------------------------------------------------
// Blake2s of words and of felts

/// Blake2s-256 of the words (little-endian bytes) by the `blake2` crate, as 8 words.
fn blake2_reference(words: &[u32]) -> Vec<Felt> {
    use blake2::{Blake2s256, Digest};
    let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
    let digest = Blake2s256::digest(&bytes);
    digest.chunks(4).map(|c| Felt::from(u32::from_le_bytes(c.try_into().unwrap()))).collect()
}

#[test]
fn blake2s_of_words_is_blake2s_256() {
    let mut rng = Rng(1);
    for n in [0, 1, 2, 7, 15, 16, 17, 31, 32, 33, 47, 48, 49, 64, 100] {
        let mut words: Vec<u32> = (0..n).map(|_| rng.next() as u32).collect();
        if n > 2 {
            words[1] = u32::MAX;
            words[2] = 0;
        }
        let run = run(Input::Words(words.clone()));
        assert_eq!(run.output, blake2_reference(&words), "{n} words");
    }
}

/// 2^k as a felt.
fn pow2(k: u32) -> Felt {
    Felt::TWO.pow(k)
}

#[test]
fn blake2s_of_felts_is_starknets() {
    let p_minus_one = Felt::ZERO - Felt::ONE;
    let edge_cases: Vec<Vec<Felt>> = vec![
        vec![],
        vec![Felt::ZERO],
        vec![Felt::ONE, Felt::TWO],
        vec![pow2(32) - Felt::ONE, pow2(32)],
        vec![pow2(63) - Felt::ONE],
        vec![pow2(63)],
        vec![pow2(63) + Felt::ONE],
        vec![pow2(64) - Felt::ONE],
        vec![pow2(64)],
        vec![pow2(192)],
        vec![pow2(251)],
        vec![p_minus_one],
        vec![p_minus_one - Felt::ONE, p_minus_one - pow2(192)],
        vec![Felt::from(42), pow2(63), Felt::from(1337)],
        // 8 small felts: one block exactly; 9: one word more. 2 large: one block.
        (0..8).map(Felt::from).collect(),
        (0..9).map(Felt::from).collect(),
        vec![p_minus_one, pow2(200)],
        vec![p_minus_one, pow2(200), Felt::from(5)],
    ];
    for felts in edge_cases {
        let run = run(Input::Felts(felts.clone()));
        let expected = Blake2Felt252::encode_felt252_data_and_calc_blake_hash(&felts);
        assert_eq!(run.output, vec![expected], "{felts:?}");
    }
    // starknet-types-core's vectors, which it checks against cairo-lang's Cairo implementation.
    let vectors = [
        (vec![], "874258848688468311465623299960361657518391155660316941922502367727700287818"),
        (
            vec![Felt::from(u64::MAX)],
            "3515074221976790747383295076946184515593027667350620348239642126105984996390",
        ),
    ];
    for (felts, expected) in vectors {
        assert_eq!(run(Input::Felts(felts)).output, vec![Felt::from_dec_str(expected).unwrap()]);
    }
    // Random felts, small and large.
    let mut rng = Rng(7);
    for n in [3, 20, 41] {
        let felts: Vec<Felt> = (0..n)
            .map(|i| if i % 3 == 0 { Felt::from(rng.next() >> 1) } else { rng.felt() })
            .collect();
        let expected = Blake2Felt252::encode_felt252_data_and_calc_blake_hash(&felts);
        assert_eq!(run(Input::Felts(felts)).output, vec![expected]);
    }
}

// ---------------------------------------------------------------------------------------------
// Wrong encodings

/// An encoding hint that answers `words(value)` (short form when 2 words), and the end
/// honestly.
fn encode_hint(words: impl Fn(Felt) -> Vec<Felt> + Sync + 'static) -> HintFunc {
    HintFunc(Box::new(
        move |vm: &mut VirtualMachine,
              _: &mut ExecutionScopes,
              ids: &HashMap<String, HintReference>,
              ap: &ApTracking,
              _: &HashMap<String, Felt>| {
            let felts = get_ptr_from_var_name("felts", vm, ids, ap)?;
            let felts_end = get_ptr_from_var_name("felts_end", vm, ids, ap)?;
            let mut is_short = Felt::ZERO;
            if felts != felts_end {
                let value = vm.get_integer(felts)?.into_owned();
                let ptr = get_ptr_from_var_name("words", vm, ids, ap)?;
                let answer: Vec<MaybeRelocatable> =
                    words(value).into_iter().map(Into::into).collect();
                is_short = Felt::from(u64::from(answer.len() == 2));
                vm.load_data(ptr, &answer)?;
            }
            vm.insert_value(vm.get_ap(), is_short).map_err(Into::into)
        },
    ))
}

/// The 8 big-endian words of the integer `value` (below 2^256), with the marker bit added to
/// word 0 when `marker`.
fn long_words(value: &num_bigint::BigUint, marker: bool) -> Vec<Felt> {
    let mut words: Vec<Felt> = (0..8u32)
        .rev()
        .map(|i| {
            let word: num_bigint::BigUint =
                (value >> (32 * i)) & num_bigint::BigUint::from(u32::MAX);
            Felt::from(&word)
        })
        .collect();
    if marker {
        words[0] += pow2(31);
    }
    words
}

fn prime() -> num_bigint::BigUint {
    (Felt::ZERO - Felt::ONE).to_biguint() + 1u32
}

#[test]
fn wrong_encodings_fail_the_run() {
    // Each hint is run on one felt and must fail the check named by `failure` (a failed
    // range check, a failed assertion, or the Blake opcode refusing a word); the honest one
    // passes.
    const RANGE: &str = "Range-check validation failed";
    const ASSERT: &str = "An ASSERT_EQ instruction failed";
    const NOT_U32: &str = "Conversion to u32 failed";
    let check = |value: Felt, hint: HintFunc, what: &str, failure: &str| {
        let result = run_with(Input::Felts(vec![value]), Some(hint));
        let error = result.err().unwrap_or_else(|| panic!("{what}: the run passed"));
        assert!(error.contains(failure), "{what}: {error}");
    };
    let honest = |value: Felt| {
        let hint =
            encode_hint(|v| os::blake2s::encode_felt(v).into_iter().map(Felt::from).collect());
        run_with(Input::Felts(vec![value]), Some(hint)).expect("the honest encoding passes");
    };
    let small = Felt::from(0x1234_5678_9abc_def0u64 >> 1);
    let large = pow2(200) + Felt::from(77);
    honest(small);
    honest(large);

    // A small felt in the long form (marker and recomposition right): `value >= 2^63` fails.
    check(
        small,
        encode_hint(|v| long_words(&v.to_biguint(), true)),
        "long form of a small felt",
        RANGE,
    );
    // A felt encoded as itself plus p: the canonical bound fails (for the small one the top 64
    // bits are p - 1's and the rest is not 0; for the large one the top 64 bits are above).
    check(
        small,
        encode_hint(|v| long_words(&(v.to_biguint() + prime()), true)),
        "small + p",
        ASSERT,
    );
    check(
        large,
        encode_hint(|v| long_words(&(v.to_biguint() + prime()), true)),
        "large + p",
        RANGE,
    );
    // The long form without its marker: the marker's range check fails.
    check(large, encode_hint(|v| long_words(&v.to_biguint(), false)), "no marker", RANGE);
    // A large felt in the short form (its low 64 bits): the recomposition fails.
    check(
        large,
        encode_hint(|v| {
            let low = v.to_biguint() & num_bigint::BigUint::from(u64::MAX);
            let low = u64::try_from(low).unwrap();
            vec![Felt::from(low >> 32), Felt::from(low & 0xffff_ffff)]
        }),
        "short form of a large felt",
        ASSERT,
    );
    // A word off by one.
    check(
        large,
        encode_hint(|v| {
            let mut words = long_words(&v.to_biguint(), true);
            words[7] += Felt::ONE;
            words
        }),
        "wrong word",
        ASSERT,
    );
    // A short form whose low word is not a u32 ([0, x] recomposes to x < 2^63): the Blake
    // opcode refuses it (cairo-vm here; the Blake table's 16-bit split in a proof).
    check(
        Felt::from(1u64 << 40),
        encode_hint(|v| vec![Felt::ZERO, v]),
        "a word of 2^32 or more",
        NOT_U32,
    );
    // "Short" at the end (the loop would go on past the felts; it can only leave at the end by
    // the long-form branch): the run cannot finish.
    let past_the_end = HintFunc(Box::new(
        |vm: &mut VirtualMachine,
         _: &mut ExecutionScopes,
         ids: &HashMap<String, HintReference>,
         ap: &ApTracking,
         _: &HashMap<String, Felt>| {
            let felts = get_ptr_from_var_name("felts", vm, ids, ap)?;
            let felts_end = get_ptr_from_var_name("felts_end", vm, ids, ap)?;
            if felts == felts_end {
                return vm.insert_value(vm.get_ap(), Felt::ONE).map_err(Into::into);
            }
            let value = vm.get_integer(felts)?.into_owned();
            let words: Vec<MaybeRelocatable> =
                os::blake2s::encode_felt(value).into_iter().map(|w| Felt::from(w).into()).collect();
            let is_short = Felt::from(u64::from(words.len() == 2));
            vm.load_data(get_ptr_from_var_name("words", vm, ids, ap)?, &words)?;
            vm.insert_value(vm.get_ap(), is_short).map_err(Into::into)
        },
    ));
    let error = run_with(Input::Felts(vec![small]), Some(past_the_end))
        .err()
        .expect("short at the end passed");
    assert!(error.contains("Unknown value for memory cell"), "short at the end: {error}");
    // The short form's words padded to 8 under the long flag: no marker.
    check(
        small,
        encode_hint(|v| {
            let mut words =
                os::blake2s::encode_felt(v).into_iter().map(Felt::from).collect::<Vec<_>>();
            words.extend([Felt::ZERO; 6]);
            words
        }),
        "short words with the long flag",
        RANGE,
    );
}

// ---------------------------------------------------------------------------------------------
// Compiled class hashes

/// Sierra classes of cairo-lang-starknet's test data, compiled by the executor.
const CLASSES: [&str; 5] = [
    "minimal_contract__minimal_contract",
    "hello_starknet__hello_starknet",
    "new_syntax_test_contract__counter_contract",
    "erc20__erc_20",
    "account__account",
];

fn sierra_class(name: &str) -> SierraClass {
    let (json, _) = e2e::cairo_lang_test_class(name);
    let output: CompilerOutput = serde_json::from_str(&json).unwrap();
    SierraClass::compile(Arc::new(output.flatten().unwrap())).unwrap()
}

fn class_hash_run(version: u64, casm: &CasmContractClass) -> Run {
    run(Input::Class { version, class: CompiledClassInput::from_casm(casm) })
}

#[test]
fn compiled_class_hashes_of_real_classes() {
    for name in CLASSES {
        let class = sierra_class(name);
        let v2 = class_hash_run(2, class.casm());
        assert_eq!(v2.output, vec![class.compiled_class_hash()], "{name} v2");
        let v1 = class_hash_run(1, class.casm());
        assert_eq!(v1.output, vec![class.compiled_class_hash_v1()], "{name} v1");
    }
}

#[test]
fn other_segment_trees() {
    let class = sierra_class("hello_starknet__hello_starknet");
    let n = class.casm().bytecode.len();
    assert!(n > 20);
    let trees = [
        None,
        Some(NestedIntList::Leaf(n)),
        Some(NestedIntList::Node(vec![NestedIntList::Leaf(n)])),
        Some(NestedIntList::Node(vec![
            NestedIntList::Leaf(3),
            NestedIntList::Node(vec![
                NestedIntList::Leaf(0),
                NestedIntList::Node(vec![NestedIntList::Leaf(5)]),
                NestedIntList::Leaf(7),
            ]),
            NestedIntList::Leaf(n - 15),
        ])),
    ];
    for tree in trees {
        let mut casm = class.casm().as_ref().clone();
        casm.bytecode_segment_lengths = tree.clone();
        assert_eq!(class_hash_run(2, &casm).output, vec![casm.compiled_class_hash()], "{tree:?}");
        assert_eq!(
            class_hash_run(1, &casm).output,
            vec![casm.legacy_compiled_class_hash()],
            "{tree:?}"
        );
    }
}

#[test]
fn a_changed_class_changes_the_hash() {
    let class = sierra_class("hello_starknet__hello_starknet");
    let honest = CompiledClassInput::from_casm(class.casm());
    // A changed bytecode word: the hash changes, to the changed CASM's hash.
    let mut casm = class.casm().as_ref().clone();
    casm.bytecode[10].value += 1u32;
    let changed = class_hash_run(2, &casm);
    assert_ne!(changed.output, vec![class.compiled_class_hash()]);
    assert_eq!(changed.output, vec![casm.compiled_class_hash()]);
    // A changed selector, and a builtin dropped from an entry point: the changed CASM's hash.
    for change in [0, 1] {
        let mut casm = class.casm().as_ref().clone();
        let entry_point = &mut casm.entry_points_by_type.external[0];
        if change == 0 {
            entry_point.selector += 1u32;
        } else {
            assert!(entry_point.builtins.pop().is_some());
        }
        let output = class_hash_run(2, &casm).output;
        assert_ne!(output, vec![class.compiled_class_hash()]);
        assert_eq!(output, vec![casm.compiled_class_hash()]);
    }
    // Leaves that do not cover the bytecode, a negative leaf length, an unknown node kind, an
    // unknown hash version: the run fails.
    let mut short = honest.clone();
    short.bytecode.push(Felt::ONE);
    // A root node of two leaves, lengths -1 and n + 1: they sum to n.
    let mut negative = honest.clone();
    let n = Felt::from(honest.bytecode.len());
    negative.segments =
        vec![Felt::ONE, Felt::TWO, Felt::ZERO, Felt::ZERO - Felt::ONE, Felt::ZERO, n + Felt::ONE];
    let mut kind = honest.clone();
    kind.segments[0] = Felt::from(2);
    for (what, version, input, failure) in [
        ("uncovered", 2, short, "An ASSERT_EQ instruction failed"),
        ("negative", 2, negative, "Range-check validation failed"),
        ("kind", 2, kind, "An ASSERT_EQ instruction failed"),
        ("version", 3, honest, "An ASSERT_EQ instruction failed"),
    ] {
        let error = run_with(Input::Class { version, class: input }, None)
            .err()
            .unwrap_or_else(|| panic!("{what} passed"));
        assert!(error.contains(failure), "{what}: {error}");
    }
}

#[test]
fn costs() {
    // The marginal cost of a felt (short and long form) and of a hashed word, Blake loop
    // included: runs of 160 and 320 values.
    let marginal = |input: &dyn Fn(usize) -> Input| {
        let (small, large) = (run(input(160)), run(input(320)));
        let per = |x: usize, y: usize| (y - x) as f64 / 160.0;
        let range_checks = (large.range_checks() - small.range_checks()) as f64 / 160.0;
        (per(small.steps(), large.steps()), range_checks)
    };
    let short = marginal(&|n| Input::Felts((0..n as u64).map(|i| Felt::from(i << 40)).collect()));
    let long =
        marginal(&|n| Input::Felts((0..n as u64).map(|i| pow2(200) + Felt::from(i)).collect()));
    let word = marginal(&|n| Input::Words((0..n as u32).collect()));
    println!(
        "a short felt: {:.2} steps, {:.2} range checks; a long felt: {:.2} steps, {:.2} range checks; a word (Blake2s only): {:.2} steps",
        short.0, short.1, long.0, long.1, word.0
    );
    for name in CLASSES {
        let class = sierra_class(name);
        let input = CompiledClassInput::from_casm(class.casm());
        let felts = input.hashed_felts();
        let long = input.bytecode.iter().filter(|felt| **felt >= pow2(63)).count();
        for version in [2, 1] {
            let run = class_hash_run(version, class.casm());
            let blake = if version == 2 { blake_instances(&run.execution) } else { 0 };
            println!(
                "{name} v{version}: {} bytecode felts ({long} long), {felts} hashed felts, {} steps ({:.1} a felt), {} Blake instances, {} range checks ({:.2} a felt)",
                input.bytecode.len(),
                run.steps(),
                run.steps() as f64 / felts as f64,
                blake,
                run.range_checks(),
                run.range_checks() as f64 / felts as f64,
            );
        }
    }
}

/// The Blake steps of a run (what the prover's public input counts).
fn blake_instances(execution: &CairoExecution) -> u64 {
    cairo_air::build_traces(execution).unwrap().1.blake_instances
}

/// Proves the hash computation (version `version`) of class `name` at `security`, verifies it,
/// checks that its output is the class's compiled class hash, and prints what it cost.
fn prove_class_hash(name: &str, version: u64, security: stark::SecurityPreset) {
    let class = sierra_class(name);
    let run = class_hash_run(version, class.casm());
    let start = std::time::Instant::now();
    let proof = cairo_air::prove_execution(&run.execution, &security.options()).unwrap();
    let proving = start.elapsed();
    let policy = cairo_air::CairoPolicy {
        acceptance: stark::AcceptancePolicy::insecure(),
        ..cairo_air::CairoPolicy::default()
    };
    let start = std::time::Instant::now();
    let statement = cairo_air::verify_proof(&proof, &policy).unwrap();
    let verifying = start.elapsed();
    let expected =
        if version == 2 { class.compiled_class_hash() } else { class.compiled_class_hash_v1() };
    assert_eq!(statement.output, vec![expected]);
    let instances = statement.public_input.blake_instances;
    assert_eq!(instances > 0, version == 2);
    println!(
        "{name} v{version} proven ({security:?}, {} bits): {} steps, {instances} Blake instances, {} range checks, 2^{} rows; proved in {proving:.1?}, {} bytes, verified in {verifying:.1?}",
        statement.security_bits,
        run.steps(),
        run.range_checks(),
        statement.public_input.log_size,
        proof.len(),
    );
}

#[test]
fn a_class_hash_proves_and_verifies() {
    prove_class_hash("hello_starknet__hello_starknet", 2, stark::SecurityPreset::Test);
    prove_class_hash("hello_starknet__hello_starknet", 1, stark::SecurityPreset::Test);
}

/// The ERC-20 class (4,795 bytecode felts) at 100 bits: `cargo test -p os --test
/// compiled_class_hash -- --ignored --nocapture` (about a minute in the test profile).
#[test]
#[ignore]
fn a_large_class_hash_proves_at_standard_security() {
    prove_class_hash("erc20__erc_20", 2, stark::SecurityPreset::Standard);
}
