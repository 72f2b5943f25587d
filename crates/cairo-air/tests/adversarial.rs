//! The adversarial suite: a dishonest prover ([`common::dishonest`]) builds internally
//! consistent proofs of false statements, each a valid STARK proof of its statement under the
//! current format, and the verifier must refuse each one for the binding it breaks. Kept
//! forever: every statement-binding check of `SOUNDNESS.md` has a forgery here.

mod common;

use cairo_air::{
    Builtin, CairoExecution, CairoPolicy, CairoProgram, CairoVerifyError, ProgramPin,
    PublicInputError, SegmentSizes, load_program, prove_execution, run_program, verify_proof,
};
use common::dishonest::{
    cairo_vm_relocation, cells, prove_unchecked, run_placed, segment, stark_accepts,
};
use common::program;
use serde_json::json;
use stark::{AcceptancePolicy, Felt, SecurityPreset};

fn pinned(name: &str) -> CairoProgram {
    load_program(&program(name)).expect("a proof-mode program")
}

fn verify(proof: &[u8], pin: ProgramPin) -> Result<cairo_air::VerifiedStatement, CairoVerifyError> {
    verify_proof(proof, &CairoPolicy { acceptance: AcceptancePolicy::insecure(), program: pin })
}

/// The forgery is refused under both pins: the program itself (naming the builtin lists) and
/// its hash (what light clients pin).
fn assert_builtins_refused(proof: &[u8], name: &str, found: &[&str]) {
    let program = pinned(name);
    match verify(proof, ProgramPin::Program(Box::new(program.clone()))) {
        Err(CairoVerifyError::BuiltinsMismatch { expected, found: claimed }) => {
            assert_eq!(expected, program.builtin_names());
            assert_eq!(claimed, found);
        }
        other => panic!("expected a builtin-list mismatch, got {other:?}"),
    }
    let by_hash = verify(proof, ProgramPin::Hash(program.hash()));
    assert!(matches!(by_hash, Err(CairoVerifyError::ProgramMismatch { .. })), "{by_hash:?}");
}

fn range_checks_run() -> cairo_air::CairoExecution {
    run_program(&program("range_checks"), Some(&json!({ "n": 3 }))).unwrap()
}

/// Attack 1: the same segments under swapped labels. The verifier reads the output from the
/// segment labelled `output`, so the range-check cells become the "output".
#[test]
fn relabelled_builtins_cannot_forge_the_output() {
    let honest = range_checks_run();
    let output = segment(&honest, Builtin::Output);
    let range_check = segment(&honest, Builtin::RangeCheck);
    let mut forged = honest.clone();
    forged.builtins[0].builtin = Builtin::RangeCheck;
    forged.builtins[1].builtin = Builtin::Output;
    forged.output = cells(&honest, range_check.begin, range_check.stop);
    assert_ne!(forged.output, honest.output);
    let proof = prove_unchecked(&forged);

    let statement = stark_accepts(&proof);
    assert_eq!(statement.program, honest.program, "same bytecode as the pinned program");
    assert_eq!(statement.output, cells(&honest, range_check.begin, range_check.stop));
    assert_eq!(statement.builtins[0].begin, output.begin);
    assert_builtins_refused(&proof, "range_checks", &["range_check", "output"]);
}

/// `honest` with every builtin but `output` dropped, the output claimed up to `last`'s stop
/// (the stop the verifier reads is the last one `main` returned), and every cell after the
/// program that holds `from` rewritten to `to`. Cells of the segments in between that the run
/// never wrote are the forger's to choose (0).
fn output_over(honest: &CairoExecution, last: Builtin, from: Felt, to: Felt) -> CairoExecution {
    let output = segment(honest, Builtin::Output);
    let stop = segment(honest, last).stop;
    let mut forged = honest.clone();
    let program_end = 1 + honest.program.len();
    for cell in forged.memory.iter_mut().skip(program_end).flatten() {
        if *cell == from {
            *cell = to;
        }
    }
    for cell in &mut forged.memory[output.begin as usize..stop as usize] {
        cell.get_or_insert(Felt::zero());
    }
    forged.builtins =
        vec![cairo_air::BuiltinSegment { builtin: Builtin::Output, begin: output.begin, stop }];
    forged.output = cells(&forged, output.begin, stop);
    forged
}

/// Attacks 2 and "an output that runs past its end": with `poseidon` dropped from the list, the
/// output segment claimed is `[output begin, poseidon stop)` (the stop the verifier reads is
/// the last one `main` returned), so the Poseidon cells are no table's: the dishonest prover
/// rewrites a Poseidon result to 42 everywhere the run used it.
#[test]
fn a_dropped_builtin_cannot_forge_a_poseidon_result() {
    let honest = run_program(&program("poseidon_hashes"), Some(&json!({ "n": 1 }))).unwrap();
    let true_hash = honest.output[0];
    let forty_two = Felt::from(42u64);
    let forged = output_over(&honest, Builtin::Poseidon, true_hash, forty_two);
    let proof = prove_unchecked(&forged);

    let statement = stark_accepts(&proof);
    assert_eq!(statement.output[0], forty_two, "the forged Poseidon result is the output");
    assert_eq!(statement.program, honest.program);
    assert_builtins_refused(&proof, "poseidon_hashes", &["output"]);
}

/// The same attack on `ec_op`: with the builtin dropped, the output claimed is `[output begin,
/// ec_op stop)` and no table checks the ec_op cells, so the dishonest prover rewrites the x of
/// the result `ec_ops` reads straight from the builtin (`G + 5 Q`, its last output pair) to 42
/// everywhere the run used it. With the table, the same rewrite breaks `R = P + m Q`
/// (`tests/builtins.rs`, `ec_op::wrong_result` and `valid_table_of_another_scalar`).
#[test]
fn a_dropped_builtin_cannot_forge_an_ec_op_result() {
    let honest = run_program(&program("ec_ops"), Some(&json!({ "n": 1 }))).unwrap();
    let output = segment(&honest, Builtin::Output);
    let ec_op = segment(&honest, Builtin::EcOp);
    let true_x = honest.output[honest.output.len() - 2];
    let last_r_x = ec_op.stop as usize - 2;
    assert_eq!(honest.memory[last_r_x], Some(true_x), "the last instance's r_x is output");
    let forty_two = Felt::from(42u64);
    let forged = output_over(&honest, Builtin::EcOp, true_x, forty_two);
    let proof = prove_unchecked(&forged);

    let statement = stark_accepts(&proof);
    let claimed = &statement.output;
    assert_eq!(claimed[(output.stop - output.begin) as usize - 2], forty_two, "the forged output");
    assert_eq!(claimed[last_r_x - output.begin as usize], forty_two, "the forged r_x cell");
    assert_eq!(statement.program, honest.program);
    assert_builtins_refused(&proof, "ec_ops", &["output"]);
}

/// The same attack on the mod builtins: with `add_mod` and `mul_mod` dropped, the output
/// claimed is `[output begin, mul_mod stop)` and no table checks an operation, so the dishonest
/// prover rewrites the first word of `mod_ops`'s result (the values table's `v6`, a `mul_mod`
/// result the runner deduced) to 42 everywhere the run used it. With the tables, the same
/// rewrite breaks `a * b = c + k p` (`tests/builtins.rs`, `modulo::wrong_product` and
/// `modulo::valid_row_of_another_result`).
#[test]
fn a_dropped_builtin_cannot_forge_a_mod_result() {
    let honest = run_program(&program("mod_ops"), Some(&json!({ "n": 1 }))).unwrap();
    let output = segment(&honest, Builtin::Output);
    let true_word = honest.output[0];
    let forty_two = Felt::from(42u64);
    let forged = output_over(&honest, Builtin::MulMod, true_word, forty_two);
    let proof = prove_unchecked(&forged);

    let statement = stark_accepts(&proof);
    assert_eq!(statement.output[0], forty_two, "the forged result is the output");
    let mul_mod = segment(&honest, Builtin::MulMod);
    assert_eq!(statement.output.len() as u64, mul_mod.stop - output.begin);
    assert_eq!(statement.program, honest.program);
    assert_builtins_refused(&proof, "mod_ops", &["output"]);
}

/// The same attack on `keccak`: with `range_check`, `bitwise` and `keccak` dropped, the output
/// claimed is `[output begin, keccak stop)` and no table checks a permutation, so the dishonest
/// prover rewrites the first word of `keccak_ops`'s first result (Keccak-f[1600] of the zero
/// state, an output cell the runner deduced) to 42 everywhere the run used it. With the table,
/// the same rewrite breaks the rounds or the memory claims (`tests/builtins.rs`,
/// `keccak::wrong_chi_output` and `keccak::valid_instance_of_another_input`).
#[test]
fn a_dropped_builtin_cannot_forge_a_keccak_result() {
    let honest = run_program(&program("keccak_ops"), Some(&json!({ "n": 1 }))).unwrap();
    let output = segment(&honest, Builtin::Output);
    let keccak = segment(&honest, Builtin::Keccak);
    let true_word = honest.output[0];
    assert_eq!(honest.memory[keccak.begin as usize + 8], Some(true_word), "read from the builtin");
    let forty_two = Felt::from(42u64);
    let forged = output_over(&honest, Builtin::Keccak, true_word, forty_two);
    let proof = prove_unchecked(&forged);

    let statement = stark_accepts(&proof);
    assert_eq!(statement.output[0], forty_two, "the forged result is the output");
    assert_eq!(statement.output.len() as u64, keccak.stop - output.begin);
    assert_eq!(statement.program, honest.program);
    assert_builtins_refused(&proof, "keccak_ops", &["output"]);
}

/// Segments in another order than the program's: `range_check` laid out below `output`.
#[test]
fn out_of_order_segments_are_refused() {
    let forged = run_placed(&program("range_checks"), Some(&json!({ "n": 3 })), |segments| {
        let index = |name| segments.index(name).expect("a builtin of the layout");
        segments.laid_out(&[0, 1, index("range_check"), index("output")])
    });
    assert!(segment(&forged, Builtin::RangeCheck).begin < segment(&forged, Builtin::Output).begin);
    let proof = prove_unchecked(&forged);
    stark_accepts(&proof);
    for pin in [
        ProgramPin::Program(Box::new(pinned("range_checks"))),
        ProgramPin::Hash(pinned("range_checks").hash()),
        ProgramPin::Any,
    ] {
        let refused = verify(&proof, pin);
        assert!(
            matches!(
                refused,
                Err(CairoVerifyError::PublicInput(PublicInputError::SegmentsOutOfOrder {
                    first: Builtin::Output,
                    second: Builtin::RangeCheck,
                }))
            ),
            "{refused:?}"
        );
    }
}

/// Overlapping segments: the output runs past its end into the next segments. `builtin_mix`
/// with one range check outputs `[0, 0, 1]` and range-checks `1`; the dishonest layout puts
/// that range-check cell on the output's last cell (and the empty `pedersen` segment there).
#[test]
fn overlapping_segments_are_refused() {
    let input = json!({ "n_poseidon": 0, "n_pedersen": 0, "n_range_checks": 1 });
    let forged = run_placed(&program("builtin_mix"), Some(&input), |segments| {
        let index = |name| segments.index(name).expect("a builtin of the layout");
        let mut bases = segments.cairo_vm_layout();
        let last_output = bases[index("output")] + 2;
        bases[index("pedersen")] = last_output;
        bases[index("range_check")] = last_output;
        bases
    });
    let output = segment(&forged, Builtin::Output);
    let range_check = segment(&forged, Builtin::RangeCheck);
    assert!(range_check.begin < output.stop && output.begin <= range_check.begin);
    let proof = prove_unchecked(&forged);
    stark_accepts(&proof);
    for pin in [ProgramPin::Program(Box::new(pinned("builtin_mix"))), ProgramPin::Any] {
        let refused = verify(&proof, pin);
        assert!(
            matches!(
                refused,
                Err(CairoVerifyError::PublicInput(PublicInputError::SegmentsOverlap {
                    first: Builtin::Output,
                    ..
                }))
            ),
            "{refused:?}"
        );
    }
}

/// The dishonest runner itself: with cairo-vm's own layout it reproduces cairo-vm's relocation
/// (memory and trace) and the honest run, so the forgeries above differ from honest runs only
/// where they say.
#[test]
fn the_dishonest_runner_with_the_honest_layout_is_honest() {
    let input = json!({ "n": 3 });
    let placed = run_placed(&program("range_checks"), Some(&input), SegmentSizes::cairo_vm_layout);
    let honest = range_checks_run();
    assert_eq!(placed.trace, honest.trace);
    assert_eq!(placed.builtins, honest.builtins);
    assert_eq!(placed.output, honest.output);
    let used = |m: &[Option<Felt>]| m.iter().rposition(Option::is_some).map_or(0, |i| i + 1);
    assert_eq!(placed.memory[..used(&placed.memory)], honest.memory[..used(&honest.memory)]);

    let cairo_vm = cairo_vm_relocation(&program("range_checks"), &input);
    assert_eq!(placed.memory[..used(&placed.memory)], cairo_vm.memory[..used(&cairo_vm.memory)]);
    assert_eq!(placed.trace, cairo_vm.trace);
}

/// `verify --program P` refuses an honest proof of P's bytecode under another builtin list:
/// one builtin more or one fewer than P declares, or P's builtins reordered.
#[test]
fn a_proof_for_another_builtin_list_is_refused() {
    let range_checks = prove_execution(&range_checks_run(), &SecurityPreset::Test.options())
        .expect("an honest proof");
    let fibonacci = prove_execution(&common::fibonacci(5), &SecurityPreset::Test.options())
        .expect("an honest proof");
    let with_builtins = |name: &str, builtins: &[Builtin]| CairoProgram {
        builtins: builtins.to_vec(),
        ..pinned(name)
    };
    let cases = [
        // The proof has one builtin more than the pinned program declares.
        (&range_checks, with_builtins("range_checks", &[Builtin::Output])),
        // One fewer.
        (&fibonacci, with_builtins("fibonacci", &[Builtin::Output, Builtin::RangeCheck])),
        // Reordered.
        (&range_checks, with_builtins("range_checks", &[Builtin::RangeCheck, Builtin::Output])),
    ];
    for (proof, program) in cases {
        let hash = program.hash();
        let refused = verify(proof, ProgramPin::Program(Box::new(program)));
        assert!(matches!(refused, Err(CairoVerifyError::BuiltinsMismatch { .. })), "{refused:?}");
        let refused = verify(proof, ProgramPin::Hash(hash));
        assert!(matches!(refused, Err(CairoVerifyError::ProgramMismatch { .. })), "{refused:?}");
    }
    // The same proofs against their real programs verify.
    verify(&range_checks, ProgramPin::Program(Box::new(pinned("range_checks")))).unwrap();
    verify(&fibonacci, ProgramPin::Hash(pinned("fibonacci").hash())).unwrap();
}

/// A run that ends on another `jmp rel 0` than `__end__` is another statement.
#[test]
fn another_end_is_refused() {
    let proof = prove_execution(&common::fibonacci(5), &SecurityPreset::Test.options()).unwrap();
    let mut program = pinned("fibonacci");
    program.end += 1;
    let refused = verify(&proof, ProgramPin::Program(Box::new(program)));
    assert!(matches!(refused, Err(CairoVerifyError::EndMismatch { .. })), "{refused:?}");
}
