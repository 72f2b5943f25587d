//! A dishonest prover: it builds internally consistent proofs of false statements, so that the
//! adversarial tests can check that the verifier refuses each one for the binding it breaks.
//!
//! It uses the crate's public parts as an attacker would: it edits the statement of a real
//! run ([`CairoExecution`]'s builtin list and output), or lays a run's segments out where an
//! honest relocation never would ([`run_placed`]), and proves what it gets without the
//! prover's own checks of the public input ([`prove_unchecked`]). [`stark_accepts`] shows that
//! such a proof is a valid STARK proof of its statement: only the statement binding can refuse
//! it.
#![allow(dead_code)]

use cairo_air::{
    AIR_NAME, Builtin, BuiltinSegment, CairoAir, CairoExecution, CairoPublicInput, SegmentSizes,
    build_traces, input_hint_processor, proof_mode_config, read_execution,
};
use cairo_vm::cairo_run::{CairoRunConfig, cairo_run_program};
use cairo_vm::types::program::Program;
use serde_json::Value;
use stark::{AcceptancePolicy, Air, Felt, ProofEnvelope, SecurityPreset};

/// Proves the statement of `execution` as it stands, skipping the public-input validation an
/// honest prover makes. Panics if the statement is not internally consistent (the forgery is
/// then not a forgery).
pub fn prove_unchecked(execution: &CairoExecution) -> Vec<u8> {
    let (traces, public) = build_traces(execution).expect("the forged run builds a trace");
    let air = CairoAir::new(public);
    let proof = stark::prove(&air, traces, &SecurityPreset::Test.options())
        .expect("the forged statement is internally consistent");
    ProofEnvelope { air_name: AIR_NAME.into(), public_input: air.public_input_bytes(), proof }
        .to_bytes()
}

/// Checks `proof` with the STARK verifier alone (the AIR's constraints and claims, no
/// statement checks) and returns its statement: the forgery is a valid proof of it.
pub fn stark_accepts(proof: &[u8]) -> CairoPublicInput {
    let envelope = ProofEnvelope::from_bytes(proof).expect("a proof file");
    let public = CairoPublicInput::from_bytes(&envelope.public_input).expect("a public input");
    stark::verify_envelope(
        &CairoAir::new(public.clone()),
        &envelope,
        &AcceptancePolicy::insecure(),
    )
    .expect("the forged proof is a valid STARK proof of its statement");
    public
}

/// Runs `program_json` in proof mode like [`cairo_air::run_program`], then lays its segments
/// out at the bases `place` returns instead of cairo-vm's ([`cairo_air::read_execution`]:
/// pointers are relocated with the same table, so the run stays a valid execution; cells that
/// two segments would both hold must agree, else it panics).
pub fn run_placed(
    program_json: &[u8],
    input: Option<&Value>,
    place: impl FnOnce(&SegmentSizes) -> Vec<usize>,
) -> CairoExecution {
    let program = Program::from_bytes(program_json, Some("main")).expect("a program");
    let mut processor = input_hint_processor(program_json, input).expect("input hints");
    let mut runner =
        cairo_run_program(&program, &proof_mode_config(), &mut processor).expect("the run");
    let bases = place(&SegmentSizes::of(&runner));
    read_execution(&mut runner, &program, &bases).expect("a placement without disagreeing cells")
}

/// A run's memory and trace as cairo-vm relocates them itself.
pub struct CairoVmRelocation {
    pub memory: Vec<Option<Felt>>,
    pub trace: Vec<(u64, u64, u64)>,
}

/// The memory and trace of `program_json`'s run as cairo-vm relocates them itself (its
/// `relocate_mem` and `relocate_trace`), to compare with [`cairo_air::read_execution`]'s.
pub fn cairo_vm_relocation(program_json: &[u8], input: &Value) -> CairoVmRelocation {
    let program = Program::from_bytes(program_json, Some("main")).expect("a program");
    let mut processor = input_hint_processor(program_json, Some(input)).expect("input hints");
    let config = CairoRunConfig { relocate_mem: true, relocate_trace: true, ..proof_mode_config() };
    let runner = cairo_run_program(&program, &config, &mut processor).expect("the run");
    let memory = runner.relocated_memory.iter().map(|cell| cell.as_ref().map(to_felt)).collect();
    let trace = runner.relocated_trace.as_ref().expect("relocated");
    let trace = trace.iter().map(|e| (e.pc as u64, e.ap as u64, e.fp as u64)).collect();
    CairoVmRelocation { memory, trace }
}

fn to_felt(x: &starknet_types_core::felt::Felt) -> Felt {
    Felt::from_raw(lambdaworks_math::unsigned_integer::element::UnsignedInteger {
        limbs: x.to_raw(),
    })
}

/// The run's segment of `builtin`.
pub fn segment(execution: &CairoExecution, builtin: Builtin) -> BuiltinSegment {
    execution.builtins.iter().find(|b| b.builtin == builtin).expect("the builtin").clone()
}

/// The memory cells `[begin, stop)` of a run.
pub fn cells(execution: &CairoExecution, begin: u64, stop: u64) -> Vec<Felt> {
    (begin..stop).map(|a| execution.memory[a as usize].expect("written")).collect()
}
