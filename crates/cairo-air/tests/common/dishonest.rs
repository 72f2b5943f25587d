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

use std::collections::HashMap;

use cairo_air::{
    AIR_NAME, Builtin, BuiltinSegment, CairoAir, CairoExecution, CairoPublicInput, build_traces,
    input_hint_processor, load_program, proof_mode_config,
};
use cairo_vm::cairo_run::cairo_run_program;
use cairo_vm::types::program::Program;
use cairo_vm::types::relocatable::{Relocatable, relocate_value};
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

/// The memory segments of a finished, not yet relocated run.
pub struct Segments {
    /// Used cells of each segment, by segment index (program, execution, builtins in the
    /// layout's order, then the segments the run allocated).
    pub sizes: Vec<usize>,
    builtins: HashMap<&'static str, usize>,
}

impl Segments {
    /// The segment index of builtin `name` (`"output"`, `"range_check"`, ...).
    pub fn index(&self, name: &str) -> usize {
        self.builtins[name]
    }

    /// Bases that lay the segments out one after another from address 1, those in `first` first
    /// (in that order), then the others in index order: cairo-vm's relocation when `first` is
    /// empty.
    pub fn laid_out(&self, first: &[usize]) -> Vec<usize> {
        let rest = (0..self.sizes.len()).filter(|i| !first.contains(i));
        let mut bases = vec![0; self.sizes.len()];
        let mut next = 1;
        for i in first.iter().copied().chain(rest) {
            bases[i] = next;
            next += self.sizes[i];
        }
        bases
    }
}

/// Runs `program_json` in proof mode like [`cairo_air::run_program`], then relocates its
/// segments to the bases `place` returns instead of cairo-vm's. Pointers are relocated with the
/// same table, so the run stays a valid execution; cells that two segments would both hold must
/// agree (else it panics).
pub fn run_placed(
    program_json: &[u8],
    input: Option<&Value>,
    place: impl FnOnce(&Segments) -> Vec<usize>,
) -> CairoExecution {
    let program = Program::from_bytes(program_json, Some("main")).expect("a program");
    let mut processor = input_hint_processor(program_json, input).expect("input hints");
    let config = cairo_vm::cairo_run::CairoRunConfig {
        relocate_mem: false,
        relocate_trace: false,
        ..proof_mode_config()
    };
    let mut runner = cairo_run_program(&program, &config, &mut processor).expect("the run");
    let segments = &runner.vm.segments;
    let sizes: Vec<usize> = (0..segments.num_segments())
        .map(|i| segments.get_segment_used_size(i).unwrap_or(0))
        .collect();
    let builtins =
        runner.vm.builtin_runners.iter().map(|b| (b.name().to_str(), b.base())).collect();
    let table = place(&Segments { sizes: sizes.clone(), builtins });

    let mut memory: Vec<Option<Felt>> = Vec::new();
    for (index, size) in sizes.iter().enumerate() {
        for offset in 0..*size {
            let Ok(value) =
                segments.memory.get_maybe_relocatable(Relocatable::from((index as isize, offset)))
            else {
                continue;
            };
            let address = table[index] + offset;
            let value = to_felt(&relocate_value(value, &table).expect("relocatable"));
            if memory.len() <= address {
                memory.resize(address + 1, None);
            }
            if memory[address].is_some_and(|other| other != value) {
                panic!("placement makes cell {address} disagree");
            }
            memory[address] = Some(value);
        }
    }
    runner.relocate_trace(&table).expect("trace relocation");
    let trace = runner
        .relocated_trace
        .as_ref()
        .expect("relocated trace")
        .iter()
        .map(|e| (e.pc as u64, e.ap as u64, e.fp as u64))
        .collect();

    let mut builtin_segments = Vec::new();
    let mut output = Vec::new();
    for name in program.iter_builtins() {
        let runner = runner.vm.builtin_runners.iter().find(|b| b.name() == *name).unwrap();
        let (index, stop) = runner.get_memory_segment_addresses();
        let (begin, stop) = (table[index] as u64, (table[index] + stop.unwrap()) as u64);
        let builtin = Builtin::from_name(name.to_str()).expect("a supported builtin");
        if builtin == Builtin::Output {
            output = (begin..stop).map(|a| memory[a as usize].expect("output cell")).collect();
        }
        builtin_segments.push(BuiltinSegment { builtin, begin, stop });
    }
    CairoExecution {
        program: load_program(program_json).expect("a program").bytecode,
        trace,
        memory,
        builtins: builtin_segments,
        output,
        signatures: Vec::new(),
    }
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
