//! Verifying a block proof and its binding to the headers, offline: what [`crate::light_verify`]
//! does once it has fetched them, and what a caller without a network stack (a browser) calls.

use cairo_air::{CairoPolicy, CairoVerifyError, VerifiedStatement};
use chain::rpc::types::BlockWithTxHashes;
use chain::{BlockPublicOutput, FeeTokens, Felt};
use stark::AcceptancePolicy;

use crate::binding::check_binding;
use crate::error::LightClientError;

/// What the light client accepts besides the pinned OS program.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LightClientOptions {
    /// Minimum conjectured security of the proof. Default 100 (`standard`); 0 accepts `test`
    /// proofs and is for tests only.
    pub min_security_bits: u32,
    /// A previous state root the caller trusts (the new root of the block before, from its own
    /// earlier verification). Required when the sequencer's headers carry no state root (it
    /// leaves the commitment to the prover); checked as well when they do. See
    /// [`check_binding`].
    pub trusted_previous_root: Option<Felt>,
    /// The fee tokens the caller knows the chain charges fees in; checked against the proof's
    /// (public output fields 10 and 11) when given. The headers do not name them.
    pub fee_tokens: Option<FeeTokens>,
}

impl Default for LightClientOptions {
    fn default() -> Self {
        LightClientOptions {
            min_security_bits: AcceptancePolicy::default().min_security_bits,
            trusted_previous_root: None,
            fee_tokens: None,
        }
    }
}

/// A block whose proof verified and binds to the sequencer's header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedBlock {
    /// The proven public output; every field was checked against the headers.
    pub output: BlockPublicOutput,
    /// Hash of the OS program the proof is about (the pinned one).
    pub os_program_hash: Felt,
    /// Conjectured security of the proof.
    pub security_bits: u32,
    /// Size of the proof file.
    pub proof_size: usize,
    /// Whether the header carries the state root the proof has. When it does not (a sequencer
    /// that leaves the commitment to the prover), `output.new_state_root` is known only from
    /// the proof: pass it as the trusted previous root of the next block.
    pub header_commits_state_root: bool,
}

/// Verifies a block proof against the pinned OS program hash and `options`' minimum security,
/// and decodes its output as a block public output. CPU work (tens of milliseconds): async
/// callers run it off their workers.
pub fn verify_block_proof(
    proof: &[u8],
    pinned_os_hash: Felt,
    options: &LightClientOptions,
) -> Result<(BlockPublicOutput, VerifiedStatement), LightClientError> {
    let policy = CairoPolicy {
        acceptance: AcceptancePolicy { min_security_bits: options.min_security_bits },
        program: cairo_air::ProgramPin::Hash(pinned_os_hash),
    };
    let statement = cairo_air::verify_proof(proof, &policy).map_err(|error| match error {
        CairoVerifyError::ProgramMismatch { found, .. } => {
            LightClientError::OsProgramMismatch { pinned: pinned_os_hash, found }
        }
        other => LightClientError::InvalidProof(other),
    })?;
    let output = BlockPublicOutput::from_felts(&statement.output)
        .map_err(LightClientError::MalformedPublicOutput)?;
    Ok((output, statement))
}

/// The whole light verification of one block from data in hand: the proof, the block's header,
/// its parent's header (above genesis) and the sequencer's chain id. `Ok` only if the proof
/// verifies against `pinned_os_hash` and binds to the headers ([`check_binding`]).
pub fn verify_block(
    proof: &[u8],
    header: &BlockWithTxHashes,
    parent: Option<&BlockWithTxHashes>,
    chain_id: Felt,
    pinned_os_hash: Felt,
    options: &LightClientOptions,
) -> Result<VerifiedBlock, LightClientError> {
    let (output, statement) = verify_block_proof(proof, pinned_os_hash, options)?;
    check_binding(&output, header, parent, chain_id, options.trusted_previous_root)?;
    if let Some(expected) = options.fee_tokens
        && expected != output.fee_tokens
    {
        return Err(LightClientError::FeeTokensMismatch {
            expected: Box::new(expected),
            proven: Box::new(output.fee_tokens),
        });
    }
    Ok(VerifiedBlock {
        output,
        os_program_hash: statement.program_hash,
        security_bits: statement.security_bits,
        proof_size: proof.len(),
        header_commits_state_root: header.new_root != Felt::ZERO,
    })
}
