//! The Blake opcodes (`Blake`, `BlakeFinalize`) proven with the Blake table: a program that
//! hashes with them proves and verifies, and its output is Blake2s; a tampered Blake table or
//! CPU Blake row is caught by the checker (naming the constraint family, or the claims for
//! lookups and the call and memory arguments) and a proof of it does not verify.

mod common;

use cairo_air::layout::{BLAKE, BLAKE_FINALIZE, F_RES_ADD, INST, MAIN_WIDTH, OP0, OP1, RES, flag};
use cairo_air::opcodes::blake::columns::*;
use cairo_air::{
    CairoAir, CairoExecution, CairoPolicy, CairoPublicInput, build_traces, prove_execution,
    run_program, verify_proof,
};
use common::{OneTable, program};
use stark::{AcceptancePolicy, Felt, SecurityPreset, TraceTable};

fn insecure() -> CairoPolicy {
    CairoPolicy { acceptance: AcceptancePolicy::insecure(), ..CairoPolicy::default() }
}

/// A run of `blake2s_opcode` hashing `n` blocks.
fn blake_run(n: u64) -> CairoExecution {
    let input = serde_json::json!({ "n": n });
    run_program(&program("blake2s_opcode"), Some(&input)).expect("blake2s_opcode runs")
}

/// Word `j` of block `i` of the program's message.
fn message_word(i: u32, j: u32) -> u32 {
    i + 0x8000_0000 + 0x0100_0193 * j
}

/// The program's digest by cairo-vm's own `blake2s_compress` (what its Blake opcodes run).
fn reference_digest(n: u32) -> Vec<u32> {
    use cairo_vm::hint_processor::builtin_hint_processor::blake2s_hash::blake2s_compress;
    let mut state: [u32; 8] = [
        0x6B08E647, 0xBB67AE85, 0x3C6EF372, 0xA54FF53A, 0x510E527F, 0x9B05688C, 0x1F83D9AB,
        0x5BE0CD19,
    ];
    for i in 0..n {
        let message: [u32; 16] = std::array::from_fn(|j| message_word(i, j as u32));
        let f0 = if i + 1 == n { 0xffff_ffff } else { 0 };
        state = blake2s_compress(&state, &message, 64 * (i + 1), 0, f0, 0).try_into().unwrap();
    }
    state.to_vec()
}

#[test]
fn blake_opcode_program_proves_and_verifies_blake2s() {
    let execution = blake_run(3);
    let proof = prove_execution(&execution, &SecurityPreset::Test.options()).unwrap();
    let statement = verify_proof(&proof, &insecure()).unwrap();
    // Python's hashlib.blake2s of the 192-byte message (the program's header describes it).
    let hashlib: [u64; 8] = [
        891683418, 2038294494, 1085334965, 2757815203, 2117603933, 4090862286, 2220818102,
        4047223030,
    ];
    let expected: Vec<starknet_crypto::Felt> = hashlib.map(Into::into).to_vec();
    assert_eq!(statement.output, expected);
    let reference: Vec<starknet_crypto::Felt> =
        reference_digest(3).into_iter().map(|w| u64::from(w).into()).collect();
    assert_eq!(statement.output, reference);
    assert_eq!(statement.public_input.blake_instances, 3);
}

#[test]
fn the_proof_binds_the_blake_instance_count() {
    // The same proof with another count (a larger table, or none) does not verify.
    let proof = prove_execution(&blake_run(3), &SecurityPreset::Test.options()).unwrap();
    let envelope = stark::ProofEnvelope::from_bytes(&proof).unwrap();
    let public = CairoPublicInput::from_bytes(&envelope.public_input).unwrap();
    for count in [0, 2, 4, 5] {
        let forged = CairoPublicInput { blake_instances: count, ..public.clone() };
        let bytes =
            stark::ProofEnvelope { public_input: forged.to_bytes(), ..envelope.clone() }.to_bytes();
        assert!(verify_proof(&bytes, &insecure()).is_err(), "verified with {count} instances");
    }
}

#[test]
fn a_single_finalized_block_proves() {
    let execution = blake_run(1);
    let proof = prove_execution(&execution, &SecurityPreset::Test.options()).unwrap();
    let statement = verify_proof(&proof, &insecure()).unwrap();
    let reference: Vec<starknet_crypto::Felt> =
        reference_digest(1).into_iter().map(|w| u64::from(w).into()).collect();
    assert_eq!(statement.output, reference);
}

#[test]
fn runs_without_blake_keep_the_cpu_layout_and_encoding() {
    let (traces, public) = build_traces(&common::fibonacci(10)).unwrap();
    assert_eq!(traces[0].width(), MAIN_WIDTH);
    assert_eq!(public.blake_instances, 0);
    let bytes = public.to_bytes();
    assert_eq!(CairoPublicInput::from_bytes(&bytes).unwrap(), public);
    // The count is a trailing field only when not 0, and 0 is never encoded explicitly.
    let (_, blake) = build_traces(&blake_run(2)).unwrap();
    let encoded = blake.to_bytes();
    assert_eq!(CairoPublicInput::from_bytes(&encoded).unwrap().blake_instances, 2);
    let mut zero = encoded[..encoded.len() - 8].to_vec();
    zero.extend(0u64.to_le_bytes());
    assert!(CairoPublicInput::from_bytes(&zero).is_err());
}

fn challenges() -> Vec<Felt> {
    (1..=cairo_air::layout::N_CHALLENGES as u64)
        .map(|i| Felt::from(i * 0x1_0000_0001 + 7))
        .collect()
}

/// The honest traces of a 3-block run: CPU, Blake (4 instances, the last one padding),
/// range16, byte pairs.
fn honest() -> (Vec<TraceTable>, CairoPublicInput) {
    let (traces, public) = build_traces(&blake_run(3)).unwrap();
    assert_eq!(traces.len(), 4);
    assert_eq!(traces[1].length(), 4 * ROWS);
    assert_eq!(traces[0].width(), cairo_air::layout::BLAKE_MAIN_WIDTH);
    let air = CairoAir::new(public.clone());
    stark::validate_traces(&air, &traces, &challenges()).unwrap();
    (traces, public)
}

/// The checker names the family (or the claims), and a proof made without the prover's own
/// checks does not verify.
fn assert_rejected(traces: Vec<TraceTable>, public: CairoPublicInput, family: &str) {
    let air = CairoAir::new(public);
    let violation = stark::validate_traces(&air, &traces, &challenges())
        .expect_err("the checker must catch it");
    let matches = violation.name.starts_with(family)
        || (family == "claims" && violation.component == "claims");
    assert!(matches, "expected a {family:?} violation, got {violation}");
    let proof = stark::prove_unchecked(&air, traces, &SecurityPreset::Test.options()).unwrap();
    assert!(
        stark::verify(&air, &proof, &AcceptancePolicy::insecure()).is_err(),
        "a bad trace verified"
    );
}

const TABLE: usize = 1;

/// Row `row` of instance `k` of the Blake table.
fn at(k: usize, row: usize) -> usize {
    k * ROWS + row
}

fn value(trace: &TraceTable, row: usize, column: usize) -> u64 {
    cairo_air::trace::felt_to_u64(trace.get(row, column)).unwrap()
}

/// Sets `column` on every row of instance `k`.
fn set_instance(trace: &mut TraceTable, k: usize, column: usize, v: Felt) {
    for row in 0..ROWS {
        trace.set(at(k, row), column, v);
    }
}

#[test]
fn honest_traces_pass_the_checker() {
    let (traces, _) = honest();
    // The padding instance repeats the last real one and is not a call.
    let blake = &traces[TABLE];
    assert_eq!(value(blake, at(3, 0), REAL), 0);
    assert_eq!(value(blake, at(2, 0), REAL), 1);
    assert_eq!(value(blake, at(2, 0), FINALIZE), 1);
    assert_eq!(value(blake, at(0, 0), FINALIZE), 0);
    assert_eq!(blake.get(at(3, 0), COUNTER), blake.get(at(2, 0), COUNTER));
}

#[test]
fn wrong_output_word() {
    let (mut traces, public) = honest();
    let row = at(0, FIRST_OUTPUT_ROW + 3);
    let wrong = traces[TABLE].get(row, VALUE1) + Felt::one();
    traces[TABLE].set(row, VALUE1, wrong);
    assert_rejected(traces, public, "blake: slot 1 value");
}

#[test]
fn output_that_is_not_the_xor_with_h() {
    // Output row 2's first unit xors v_2 with a byte-valid word other than h_2.
    let (mut traces, public) = honest();
    let row = at(1, FIRST_OUTPUT_ROW + 2);
    let byte = value(&traces[TABLE], row, A1);
    traces[TABLE].set(row, A1, Felt::from(byte ^ 1));
    assert_rejected(traces, public, "blake: output unit 1 xors h_j");
}

#[test]
fn xor_byte_not_from_the_table() {
    // On an idle row unit 4 is free but looked up: (1, 1, 0) is no byte pair with its `and`.
    let (mut traces, public) = honest();
    let row = at(0, 100);
    traces[TABLE].set(row, B1, Felt::one());
    traces[TABLE].set(row, C2, Felt::one());
    assert_rejected(traces, public, "claims");
}

#[test]
fn carry_out_of_range() {
    // A G row whose first addition carries 2 (two bits set) claims the carry as 2 + 0.
    let (mut traces, public) = honest();
    let blake = &traces[TABLE];
    let row = (FIRST_G_ROW..FIRST_OUTPUT_ROW)
        .find(|r| value(blake, *r, CARRY_A1) == 1 && value(blake, *r, CARRY_A1 + 1) == 1)
        .expect("some addition of three words carries 2");
    traces[TABLE].set(row, CARRY_A1, Felt::from(2u64));
    traces[TABLE].set(row, CARRY_A1 + 1, Felt::zero());
    assert_rejected(traces, public, &format!("blake: column {CARRY_A1} is a bit"));
}

#[test]
fn carry_that_breaks_the_sum() {
    let (mut traces, public) = honest();
    let row = at(0, FIRST_G_ROW + 5);
    let carry = value(&traces[TABLE], row, CARRY_C1);
    traces[TABLE].set(row, CARRY_C1, Felt::from(1 - carry));
    assert_rejected(traces, public, "blake: g c1 = c + d1");
}

#[test]
fn rotation_split_limb_out_of_range() {
    // An idle row's `b ^ c1` is 0; a high nibble of 1 leaves a low nibble of -16.
    let (mut traces, public) = honest();
    traces[TABLE].set(at(0, 120), NIBBLE_HI, Felt::one());
    assert_rejected(traces, public, "claims");
}

#[test]
fn rotation_by_7_limb_out_of_range() {
    let (mut traces, public) = honest();
    traces[TABLE].set(at(2, 110), BIT7, Felt::one());
    assert_rejected(traces, public, "claims");
}

#[test]
fn rotation_that_is_not_the_rotation() {
    // b1's bytes hold the unrotated xor instead of its rotation by 12.
    let (mut traces, public) = honest();
    let row = at(0, FIRST_G_ROW);
    let t = &traces[TABLE];
    let xor: Vec<u64> = (0..4).map(|i| value(t, row, B + i) ^ value(t, row, C1 + i)).collect();
    for (i, byte) in xor.into_iter().enumerate() {
        traces[TABLE].set(row, B1 + i, Felt::from(byte));
    }
    assert_rejected(traces, public, "blake: g b1 = (b ^ c1) >>> 12");
}

#[test]
fn message_word_of_2_to_the_32_or_more() {
    // A G row's mx split with a high half of 2^16 (mx = lo + 2^16 hi with lo negative): the
    // 16-bit lookups refuse it, as they refuse every split of a word of 2^32 or more.
    let (mut traces, public) = honest();
    let row = at(0, FIRST_G_ROW + 9);
    let hi = traces[TABLE].get(row, MX_HI) + Felt::from(1u64 << 16);
    traces[TABLE].set(row, MX_HI, hi);
    assert_rejected(traces, public, "claims");
}

#[test]
fn table_instance_the_cpu_never_called() {
    let (mut traces, public) = honest();
    set_instance(&mut traces[TABLE], 3, REAL, Felt::one());
    assert_rejected(traces, public, "claims");
}

#[test]
fn cpu_blake_step_without_a_table_instance() {
    let (mut traces, public) = honest();
    set_instance(&mut traces[TABLE], 1, REAL, Felt::zero());
    assert_rejected(traces, public, "claims");
}

/// The CPU rows of the run's Blake steps.
fn blake_rows(cpu: &TraceTable) -> Vec<usize> {
    (0..cpu.length())
        .filter(|r| *cpu.get(*r, BLAKE) + *cpu.get(*r, BLAKE_FINALIZE) == Felt::one())
        .collect()
}

#[test]
fn blake_row_with_invalid_flags() {
    // res = op0 + op1 on a Blake step: decoding and the generic constraints still hold.
    let (mut traces, public) = honest();
    let row = blake_rows(&traces[0])[0];
    let cpu = &mut traces[0];
    let inst = cpu.get(row, INST) + Felt::from(1u64 << (48 + F_RES_ADD));
    cpu.set(row, INST, inst);
    cpu.set(row, flag(F_RES_ADD), Felt::one());
    let res = cpu.get(row, OP0) + cpu.get(row, OP1);
    cpu.set(row, RES, res);
    assert_rejected(traces, public, &format!("blake: flag {F_RES_ADD} is clear"));
}

#[test]
fn cpu_finalize_flag_flipped() {
    // The first step claims BlakeFinalize while its instruction says Blake.
    let (mut traces, public) = honest();
    let row = blake_rows(&traces[0])[0];
    traces[0].set(row, BLAKE, Felt::zero());
    traces[0].set(row, BLAKE_FINALIZE, Felt::one());
    assert_rejected(traces, public, "decode: instruction decomposition");
}

#[test]
fn table_finalize_flag_flipped() {
    let (mut traces, public) = honest();
    set_instance(&mut traces[TABLE], 0, FINALIZE, Felt::one());
    assert_rejected(traces, public, "blake: initial state word 14");
}

#[test]
fn wrong_counter() {
    let (mut traces, public) = honest();
    let counter = traces[TABLE].get(at(1, 0), COUNTER) + Felt::one();
    set_instance(&mut traces[TABLE], 1, COUNTER, counter);
    assert_rejected(traces, public, "blake: init counter into unit 4");
}

#[test]
fn state_update_that_skips_a_word() {
    let (mut traces, public) = honest();
    let row = at(2, FIRST_G_ROW + 20);
    let v = traces[TABLE].get(row, V + 3) + Felt::one();
    traces[TABLE].set(row, V + 3, v);
    assert_rejected(traces, public, "blake: state word 3 after the row");
}

mod random_instances {
    use super::*;
    use cairo_air::opcodes::blake::Blake;
    use cairo_air::opcodes::blake::trace::{Instance, build_trace};
    use cairo_vm::hint_processor::builtin_hint_processor::blake2s_hash::blake2s_compress;
    use proptest::prelude::*;

    fn instance() -> impl Strategy<Value = Instance> {
        (any::<[u32; 8]>(), any::<[u32; 16]>(), any::<u32>(), any::<bool>()).prop_map(
            |(h, message, counter, finalize)| Instance {
                ap: 1000,
                state_ptr: 2000,
                message_ptr: 3000,
                output_ptr: 4000,
                counter,
                finalize,
                h,
                message,
            },
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(12))]

        /// The table's compression is cairo-vm's, and its rows satisfy every constraint of
        /// the table for any inputs (carries of 2, top bits, both finalize values).
        #[test]
        fn any_compression_is_cairo_vms_and_fits_the_table(
            instances in proptest::collection::vec(instance(), 1..3),
        ) {
            for instance in &instances {
                let f0 = if instance.finalize { 0xffff_ffff } else { 0 };
                let reference =
                    blake2s_compress(&instance.h, &instance.message, instance.counter, 0, f0, 0);
                prop_assert_eq!(instance.output().to_vec(), reference);
            }
            let (trace, accesses) = build_trace(&instances);
            let padded = Blake::padded_instances(instances.len());
            prop_assert_eq!(accesses.len(), padded * ACCESSES);
            let air = OneTable(Blake::new(instances.len()));
            prop_assert!(stark::validate_traces(&air, &[trace], &challenges()).is_ok());
        }
    }
}

#[test]
fn the_footprint_counts_the_blake_table() {
    let options = SecurityPreset::Standard.options();
    let footprint = cairo_air::ProverFootprint::estimate(&blake_run(3), &options);
    let blake = footprint.tables.iter().find(|(name, ..)| name == "blake");
    // Three steps pad to four instances of 128 rows, 107 main and 31 auxiliary columns.
    assert_eq!(blake, Some(&("blake".to_string(), 9, BLAKE_TABLE_COLUMNS)));
    assert_eq!(BLAKE_TABLE_COLUMNS, 138);
}

const BLAKE_TABLE_COLUMNS: usize =
    cairo_air::opcodes::blake::columns::MAIN_WIDTH + cairo_air::opcodes::blake::columns::AUX_WIDTH;
