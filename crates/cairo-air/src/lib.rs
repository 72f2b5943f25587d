//! The Cairo AIR on the `stark` engine: prove and verify runs of Cairo 0 programs compiled
//! with `cairo-compile --proof_mode` and executed by cairo-vm in proof mode.
//!
//! * [`run_program`] runs a program (with an optional JSON program input) and returns a
//!   [`CairoExecution`]: trace, memory, program, builtin segments.
//! * [`prove_execution`] turns it into traces ([`trace`]), proves them against [`CairoAir`]
//!   and returns the proof file bytes ([`stark::ProofEnvelope`] with the
//!   [`CairoPublicInput`]).
//! * [`verify_proof`] checks a proof file under a [`CairoPolicy`] (minimum security, the
//!   pinned program) and returns the [`VerifiedStatement`]: program hash and output.
//!
//! The statement a proof proves is bound to the whole program, not only its bytecode: the
//! [program hash](CairoProgram::hash) covers the bytecode, the ordered builtin list and the
//! end label, and the public input's builtin segments must lie in that order, disjoint and
//! after the execution segment. `SOUNDNESS.md` at the repository root lists every field of the
//! public input and how it is bound.
//!
//! Builtins: `output`, `range_check`, `bitwise`, `poseidon`, `pedersen`, `ecdsa`,
//! `range_check96`, `ec_op`, `add_mod`, `mul_mod` and `keccak`, each one module listed once in the
//! registry of [`builtins`] (its table,
//! constraints, trace builder and segment shape); a program declaring another builtin is
//! refused with [`CairoError::UnsupportedBuiltins`], naming it.
//!
//! Features: `parallel` (default) forwards to `stark/parallel`; `prover` (default) adds running
//! programs in cairo-vm ([`run_program`], [`load_program`]) and proving
//! ([`prove_execution`]). Without it the crate is the verifier alone ([`verify_proof`], the
//! statement and its constraints), with neither cairo-vm nor the STARK prover: what the light
//! client builds on, for the browser too.

mod air;
pub mod builtins;
mod error;
mod execution;
mod footprint;
pub mod layout;
pub mod opcodes;
mod program;
mod public_input;
#[cfg(feature = "prover")]
mod relocation;
mod statement;
pub mod trace;
#[cfg(feature = "prover")]
mod vm;

pub use air::Cpu;
pub use error::{CairoError, CairoVerifyError, PublicInputError};
pub use execution::{CairoExecution, EcdsaSignature};
pub use footprint::ProverFootprint;
pub use program::{Builtin, CairoProgram, PROGRAM_HASH_DOMAIN, START_OFFSET};
pub use public_input::{BuiltinSegment, CairoPublicInput, JMP_REL_0, PROGRAM_BASE};
#[cfg(feature = "prover")]
pub use relocation::{SegmentSizes, read_execution};
pub use statement::{AIR_NAME, CairoAir};
pub use trace::build_traces;
#[cfg(feature = "prover")]
pub use vm::{
    input_hint_processor, load_program, proof_mode_config, run_program, unsupported_builtins,
};

/// The format version this crate writes and reads (older ones are refused as such).
pub use stark::FORMAT_VERSION as PROOF_FORMAT_VERSION;
use stark::{AcceptancePolicy, ProofEnvelope};
use starknet_types_core::felt::Felt as Felt252;

/// The format version written in a proof file's header; `None` if the bytes are no proof
/// file. Recorded in stored proofs' metadata (upgrades: which release can read a proof).
pub fn proof_format_version(bytes: &[u8]) -> Option<u16> {
    stark::envelope_format_version(bytes)
}

/// Proves a run and returns the proof file bytes.
#[cfg(feature = "prover")]
pub fn prove_execution(
    execution: &CairoExecution,
    options: &stark::ProofOptions,
) -> Result<Vec<u8>, CairoError> {
    let (traces, public) = build_traces(execution)?;
    public.validate()?;
    let air = CairoAir::new(public);
    let proof = stark::prove(&air, traces, options)?;
    Ok(ProofEnvelope {
        air_name: AIR_NAME.into(),
        public_input: stark::Air::public_input_bytes(&air),
        proof,
    }
    .to_bytes())
}

/// What a verifier accepts.
#[derive(Clone, Debug, Default)]
pub struct CairoPolicy {
    pub acceptance: AcceptancePolicy,
    /// The program the proof must be about.
    pub program: ProgramPin,
}

/// The program a verifier requires a proof to be about.
#[derive(Clone, Debug, Default)]
pub enum ProgramPin {
    /// Any program: the caller decides what the returned [`VerifiedStatement::program_hash`]
    /// means.
    #[default]
    Any,
    /// The program whose [`CairoProgram::hash`] this is (what light clients pin).
    Hash(Felt252),
    /// This program: its bytecode, builtin list and end are compared one by one, so a refusal
    /// names what differs.
    Program(Box<CairoProgram>),
}

impl ProgramPin {
    /// Refuses a statement about another program than the pinned one (`program_hash` is the
    /// statement's, computed once by the caller).
    fn check(
        &self,
        public: &CairoPublicInput,
        program_hash: Felt252,
    ) -> Result<(), CairoVerifyError> {
        let mismatch = |expected: Felt252| CairoVerifyError::ProgramMismatch {
            expected: expected.to_hex_string(),
            found: program_hash.to_hex_string(),
        };
        match self {
            ProgramPin::Any => Ok(()),
            ProgramPin::Hash(expected) if *expected == program_hash => Ok(()),
            ProgramPin::Hash(expected) => Err(mismatch(*expected)),
            ProgramPin::Program(program) => {
                let found = public.program();
                if found.bytecode != program.bytecode {
                    return Err(mismatch(program.hash()));
                }
                if found.builtins != program.builtins {
                    return Err(CairoVerifyError::BuiltinsMismatch {
                        expected: program.builtin_names(),
                        found: found.builtin_names(),
                    });
                }
                if found.end != program.end {
                    return Err(CairoVerifyError::EndMismatch {
                        expected: program.end,
                        found: found.end,
                    });
                }
                Ok(())
            }
        }
    }
}

/// The statement a valid proof establishes.
#[derive(Clone, Debug)]
pub struct VerifiedStatement {
    pub program_hash: Felt252,
    pub output: Vec<Felt252>,
    pub security_bits: u32,
    pub public_input: CairoPublicInput,
}

/// Decodes a proof file and checks it under `policy`. Never panics on hostile bytes.
pub fn verify_proof(
    bytes: &[u8],
    policy: &CairoPolicy,
) -> Result<VerifiedStatement, CairoVerifyError> {
    if let Some(found) = stark::envelope_format_version(bytes)
        && found < stark::FORMAT_VERSION
    {
        return Err(CairoVerifyError::OldFormat { found, current: stark::FORMAT_VERSION });
    }
    let envelope = ProofEnvelope::from_bytes(bytes).map_err(|e| CairoVerifyError::Decode(e.0))?;
    if envelope.air_name != AIR_NAME {
        return Err(CairoVerifyError::Decode(format!(
            "proof is for AIR {:?}, not {AIR_NAME:?}",
            envelope.air_name
        )));
    }
    let public = CairoPublicInput::from_bytes(&envelope.public_input)
        .map_err(|e| CairoVerifyError::Decode(e.0))?;
    public.validate()?;
    let program_hash = public.program_hash();
    policy.program.check(&public, program_hash)?;
    let security_bits = envelope.proof.options.conjectured_security_bits(public.log_size);
    let air = CairoAir::new(public.clone());
    stark::verify_envelope(&air, &envelope, &policy.acceptance)?;
    let output = public.output.iter().map(public_input::to_vm_felt).collect();
    Ok(VerifiedStatement { program_hash, output, security_bits, public_input: public })
}
