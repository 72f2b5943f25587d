//! The Cairo AIR on the `stark` engine: prove and verify runs of Cairo 0 programs compiled
//! with `cairo-compile --proof_mode` and executed by cairo-vm in proof mode.
//!
//! * [`run_program`] runs a program (with an optional JSON program input) and returns a
//!   [`CairoExecution`]: trace, memory, program, builtin segments.
//! * [`prove_execution`] turns it into traces ([`trace`]), proves them against [`CairoAir`]
//!   and returns the proof file bytes ([`stark::ProofEnvelope`] with the
//!   [`CairoPublicInput`]).
//! * [`verify_proof`] checks a proof file under a [`CairoPolicy`] (minimum security,
//!   expected program hash) and returns the [`VerifiedStatement`]: program hash and output.
//!
//! Builtins: `output`, `range_check`, `bitwise`, `poseidon`, `pedersen` and `ecdsa` (each its
//! own table, see [`builtins`]); a program declaring another builtin is refused with
//! [`CairoError::UnsupportedBuiltins`], naming it.
//!
//! Features: `parallel` (default) forwards to `stark/parallel`.

mod air;
pub mod builtins;
mod constraints;
mod error;
mod execution;
pub mod layout;
mod public_input;
mod statement;
pub mod trace;

pub use air::Cpu;
pub use error::{CairoError, CairoVerifyError};
pub use execution::{
    CairoExecution, EcdsaSignature, load_program, proof_mode_config, run_program,
    unsupported_builtins,
};
pub use public_input::{
    Builtin, BuiltinSegment, CairoPublicInput, JMP_REL_0, PROGRAM_BASE, program_hash,
};
pub use statement::{AIR_NAME, CairoAir};
pub use trace::build_traces;

use stark::{AcceptancePolicy, ProofEnvelope, ProofOptions};
use starknet_types_core::felt::Felt as Felt252;

/// Proves a run and returns the proof file bytes.
pub fn prove_execution(
    execution: &CairoExecution,
    options: &ProofOptions,
) -> Result<Vec<u8>, CairoError> {
    let (traces, public) = build_traces(execution)?;
    public.validate()?;
    let air = CairoAir::new(public);
    let proof = stark::prove(&air, traces, options)?;
    Ok(ProofEnvelope {
        air_name: AIR_NAME.into(),
        public_input: air.public_input_bytes_owned(),
        proof,
    }
    .to_bytes())
}

/// What a verifier accepts.
#[derive(Clone, Debug, Default)]
pub struct CairoPolicy {
    pub acceptance: AcceptancePolicy,
    /// The program the proof must be about; `None` accepts any program (the caller then
    /// decides what the returned hash means).
    pub expected_program_hash: Option<Felt252>,
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
    let envelope = ProofEnvelope::from_bytes(bytes).map_err(|e| CairoVerifyError::Decode(e.0))?;
    if envelope.air_name != AIR_NAME {
        return Err(CairoVerifyError::Decode(format!(
            "proof is for AIR {:?}, not {AIR_NAME:?}",
            envelope.air_name
        )));
    }
    let public = CairoPublicInput::from_bytes(&envelope.public_input)
        .map_err(|e| CairoVerifyError::Decode(e.0))?;
    public.validate().map_err(|e| CairoVerifyError::PublicInput(e.to_string()))?;
    let program_hash = public.program_hash();
    if let Some(expected) = policy.expected_program_hash
        && expected != program_hash
    {
        return Err(CairoVerifyError::ProgramMismatch {
            expected: expected.to_hex_string(),
            found: program_hash.to_hex_string(),
        });
    }
    let security_bits = envelope.proof.options.conjectured_security_bits(public.log_trace_length);
    let air = CairoAir::new(public.clone());
    stark::verify_envelope(&air, &envelope, &policy.acceptance)?;
    let output = public.output.iter().map(public_input::to_vm_felt).collect();
    Ok(VerifiedStatement { program_hash, output, security_bits, public_input: public })
}

impl CairoAir {
    fn public_input_bytes_owned(&self) -> Vec<u8> {
        stark::Air::public_input_bytes(self)
    }
}
