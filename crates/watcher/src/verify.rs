//! Verification of a new proof before it is stored: `cairo_air::verify_proof` under the pinned
//! policy (OS program hash, minimum security), then the proof's public output against the
//! output the replayed block requires. The prover is never trusted.

use chain::{BlockPublicOutput, Felt};
use service_common::VerifyPolicy;

use crate::prover::{ProveError, ProvenBlock};
use crate::replay::ReplayedBlock;

/// What verification established about a proof.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedProof {
    pub security_bits: u32,
    pub program_hash: Felt,
    pub output: BlockPublicOutput,
}

/// Verifies `proven` for `block` (CPU work: milliseconds; call it off the async workers).
pub fn verify_block_proof(
    proven: &ProvenBlock,
    block: &ReplayedBlock,
    policy: &VerifyPolicy,
) -> Result<VerifiedProof, ProveError> {
    let statement = cairo_air::verify_proof(&proven.proof, &policy.cairo_policy())
        .map_err(|error| ProveError::Rejected(error.to_string()))?;
    if statement.output != proven.public_output {
        return Err(ProveError::WrongOutput(
            "the prover's claimed output is not the proof's output".into(),
        ));
    }
    let output = BlockPublicOutput::from_felts(&statement.output)
        .map_err(|error| ProveError::WrongOutput(error.to_string()))?;
    // The OS version is pinned by the program hash; every other field is the block's.
    let expected = block.expected_public_output(output.os_version);
    if output != expected {
        return Err(ProveError::WrongOutput(format!(
            "proof says {output:?}, block {} needs {expected:?}",
            block.block_number()
        )));
    }
    Ok(VerifiedProof {
        security_bits: statement.security_bits,
        program_hash: statement.program_hash,
        output,
    })
}
