//! For each constraint family, a trace that violates only that family is caught by the debug
//! checker (naming the family) and yields no proof that verifies.

mod common;

use cairo_air::layout::*;
use cairo_air::{CairoAir, CairoPublicInput, build_traces};
use common::fibonacci;
use stark::{AcceptancePolicy, Air, Felt, SecurityPreset, TraceTable};

/// The CPU trace of a run that uses no builtin table (only `output`).
fn honest() -> (TraceTable, CairoPublicInput) {
    let (mut traces, public) = build_traces(&fibonacci(12)).unwrap();
    assert_eq!(traces.len(), 1, "fibonacci has only the CPU table");
    (traces.remove(0), public)
}

fn challenges(air: &CairoAir) -> Vec<Felt> {
    let c = vec![
        Felt::from(0x1234_5678u64),
        Felt::from(0x9abc_def0u64),
        Felt::from(0x0fed_cba9u64),
        Felt::from(0x7654_3210u64),
    ];
    assert_eq!(c.len(), air.num_aux_challenges());
    c
}

/// Asserts the checker reports a constraint whose name starts with `family` (or, for
/// `"claims"`, that the components' claims do not fit together), and that a proof of the bad
/// trace (produced without the prover's own check) does not verify.
fn assert_rejected(trace: TraceTable, public: CairoPublicInput, family: &str) {
    let air = CairoAir::new(public);
    let c = challenges(&air);
    let violation = stark::validate_traces(&air, std::slice::from_ref(&trace), &c)
        .expect_err("the checker must catch it");
    let matches = violation.name.starts_with(family)
        || (family == "claims" && violation.component == "claims");
    assert!(matches, "expected a {family:?} violation, got {violation}");
    let proof = stark::prove_unchecked(&air, vec![trace], &SecurityPreset::Test.options()).unwrap();
    assert!(
        stark::verify(&air, &proof, &AcceptancePolicy::insecure()).is_err(),
        "a bad trace verified"
    );
}

/// A row inside the run where the given flag is 0, so changing it changes the semantics.
fn row_with(trace: &TraceTable, column: usize, value: u64) -> usize {
    (1..trace.length() - 1)
        .find(|&r| *trace.get(r, column) == Felt::from(value))
        .expect("such a row exists")
}

#[test]
fn honest_trace_passes_the_checker() {
    let (trace, public) = honest();
    let air = CairoAir::new(public);
    let c = challenges(&air);
    stark::validate_traces(&air, &[trace], &c).unwrap();
}

#[test]
fn flag_that_is_not_a_bit() {
    let (mut t, p) = honest();
    let r = row_with(&t, flag(F_AP_ADD1), 0);
    t.set(r, flag(F_AP_ADD1), Felt::from(2u64));
    assert_rejected(t, p, "decode: flag");
}

#[test]
fn instruction_that_does_not_decode() {
    let (mut t, p) = honest();
    // Flip a flag bit (still a bit) without changing the instruction word.
    let r = row_with(&t, flag(F_OPCODE_RET), 0);
    t.set(r, flag(F_OPCODE_RET), Felt::one());
    assert_rejected(t, p, "decode: instruction decomposition");
}

#[test]
fn wrong_operand_address() {
    let (mut t, p) = honest();
    let r = 3;
    let a = *t.get(r, OP1_ADDR);
    t.set(r, OP1_ADDR, a + Felt::one());
    assert_rejected(t, p, "operands: op1_addr");
}

#[test]
fn wrong_res() {
    let (mut t, p) = honest();
    let r = row_with(&t, flag(F_RES_ADD), 1);
    let v = *t.get(r, RES);
    t.set(r, RES, v + Felt::one());
    assert_rejected(t, p, "operands: res");
}

#[test]
fn wrong_ap_update() {
    let (mut t, p) = honest();
    let v = *t.get(6, AP);
    t.set(6, AP, v + Felt::one());
    assert_rejected(t, p, "update: ap");
}

#[test]
fn wrong_fp_update() {
    let (mut t, p) = honest();
    let v = *t.get(6, FP);
    t.set(6, FP, v + Felt::one());
    assert_rejected(t, p, "update: fp");
}

#[test]
fn wrong_pc_update() {
    let (mut t, p) = honest();
    let v = *t.get(6, PC);
    t.set(6, PC, v + Felt::one());
    assert_rejected(t, p, "update: pc");
}

#[test]
fn inconsistent_memory_read() {
    // An access whose value differs from memory: the permutation no longer matches.
    let (mut t, p) = honest();
    let r = t.length() - 2;
    let v = *t.get(r, MEM_EXTRA_VALUE);
    t.set(r, MEM_EXTRA_VALUE, v + Felt::one());
    assert_rejected(t, p, "claims");
}

#[test]
fn two_values_at_one_address() {
    // Change an access and its sorted copy together: the permutation holds, but one address
    // now has two values.
    let (mut t, p) = honest();
    let r = t.length() - 2;
    let (addr, value) = (*t.get(r, MEM_EXTRA_ADDR), *t.get(r, MEM_EXTRA_VALUE));
    let tampered = value + Felt::from(5u64);
    t.set(r, MEM_EXTRA_VALUE, tampered);
    let (row, k) = (0..t.length())
        .flat_map(|row| (0..MEM_SLOTS).map(move |k| (row, k)))
        .find(|&(row, k)| {
            *t.get(row, sorted_addr(k)) == addr
                && *t.get(row, sorted_value(k)) == value
                && (row, k) != (0, 0)
        })
        .unwrap();
    t.set(row, sorted_value(k), tampered);
    assert_rejected(t, p, "memory: single value");
}

#[test]
fn gap_in_sorted_memory() {
    let (mut t, p) = honest();
    let r = t.length() / 2;
    for k in 2..MEM_SLOTS {
        let v = *t.get(r, sorted_addr(k));
        t.set(r, sorted_addr(k), v + Felt::from(3u64));
    }
    assert_rejected(t, p, "memory: continuity");
}

#[test]
fn out_of_range_value() {
    // A value above rc_max enters the range-check multiset (and its sorted copy).
    let (mut t, p) = honest();
    let r = t.length() - 1;
    t.set(r, RC_EXTRA, Felt::from(70_000u64));
    let n = t.length();
    let mut values: Vec<Felt> = (0..n)
        .flat_map(|row| RC_ACCESS.iter().map(move |c| (row, *c)))
        .map(|(row, c)| *t.get(row, c))
        .collect();
    values.sort_by_key(|v| v.representative());
    for (i, v) in values.into_iter().enumerate() {
        t.set(i / RC_SLOTS, SORTED_RC + i % RC_SLOTS, v);
    }
    assert_rejected(t, p, "range check:");
}

#[test]
fn wrong_public_memory_cell() {
    let (t, mut p) = honest();
    p.output[1] += Felt::one();
    assert_rejected(t, p, "claims");
}

#[test]
fn wrong_program_word() {
    let (t, mut p) = honest();
    p.program[3] += Felt::one();
    assert_rejected(t, p, "claims");
}

#[test]
fn wrong_final_pc() {
    let (t, mut p) = honest();
    p.final_pc -= 2;
    assert_rejected(t, p, "boundary: final pc");
}

#[test]
fn wrong_initial_ap() {
    let (t, mut p) = honest();
    p.initial_ap += 1;
    assert_rejected(t, p, "boundary: initial ap");
}
