//! Verification of a new proof before it is stored: `cairo_air::verify_proof` under the pinned
//! policy (OS program hash, minimum security), then the proof's public output against the
//! output the replayed block requires. The prover is never trusted.

use chain::{BlockPublicOutput, Felt};
use os::BlockWitness;
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
    verify_against(proven, block.block_number(), policy, |os_version| {
        block.expected_public_output(os_version)
    })
}

/// Verifies `proven` for the block of `witness`: a cluster's worker has no replayed block,
/// only the output the coordinator's replay expects ([`BlockWitness::expected_output`]).
pub fn verify_witness_proof(
    proven: &ProvenBlock,
    witness: &BlockWitness,
    policy: &VerifyPolicy,
) -> Result<VerifiedProof, ProveError> {
    verify_against(proven, witness.block_number, policy, |os_version| BlockPublicOutput {
        os_version,
        ..witness.expected_output
    })
}

/// Verifies `proven` under `policy` and checks its output against `expected(os_version)`.
fn verify_against(
    proven: &ProvenBlock,
    block_number: u64,
    policy: &VerifyPolicy,
    expected: impl FnOnce(Felt) -> BlockPublicOutput,
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
    let expected = expected(output.os_version);
    if output != expected {
        return Err(ProveError::WrongOutput(format!(
            "proof says {output:?}, block {block_number} needs {expected:?}"
        )));
    }
    Ok(VerifiedProof {
        security_bits: statement.security_bits,
        program_hash: statement.program_hash,
        output,
    })
}
