//! [`light_verify`]: fetch, verify, check the binding.

use cairo_air::{CairoPolicy, CairoVerifyError, VerifiedStatement};
use chain::{BlockPublicOutput, Felt};
use stark::AcceptancePolicy;

use crate::binding::check_binding;
use crate::error::LightClientError;
use crate::prover_api::ProverApiClient;
use crate::sequencer::SequencerClient;

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
}

impl Default for LightClientOptions {
    fn default() -> Self {
        LightClientOptions {
            min_security_bits: AcceptancePolicy::default().min_security_bits,
            trusted_previous_root: None,
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

/// [`light_verify_with`] under the default options (at least 100 bits of security).
pub async fn light_verify(
    api_url: &str,
    rpc_url: &str,
    block_number: u64,
    pinned_os_hash: Felt,
) -> Result<VerifiedBlock, LightClientError> {
    light_verify_with(api_url, rpc_url, block_number, pinned_os_hash, LightClientOptions::default())
        .await
}

/// Fetches block `block_number`'s proof from the prover API at `api_url` and its header from
/// the sequencer at `rpc_url`, verifies the proof against `pinned_os_hash` and checks the
/// binding (see the crate docs). `Ok` only if everything holds.
pub async fn light_verify_with(
    api_url: &str,
    rpc_url: &str,
    block_number: u64,
    pinned_os_hash: Felt,
    options: LightClientOptions,
) -> Result<VerifiedBlock, LightClientError> {
    let api = ProverApiClient::new(api_url)?;
    let sequencer = SequencerClient::new(rpc_url)?;
    let proof = api.proof(block_number).await?;
    let proof_size = proof.len();
    tracing::debug!(block_number, proof_size, "proof fetched");

    let statement = verify_on_blocking_pool(proof, pinned_os_hash, options).await?;
    let output = BlockPublicOutput::from_felts(&statement.output)
        .map_err(LightClientError::MalformedPublicOutput)?;

    let header = sequencer.block_with_tx_hashes(block_number).await?;
    let parent = match block_number.checked_sub(1) {
        Some(parent_number) => Some(sequencer.block_with_tx_hashes(parent_number).await?),
        None => None,
    };
    let chain_id = sequencer.chain_id().await?;
    check_binding(&output, &header, parent.as_ref(), chain_id, options.trusted_previous_root)?;
    tracing::info!(block_number, block_hash = %output.block_hash, "block verified");
    Ok(VerifiedBlock {
        output,
        os_program_hash: statement.program_hash,
        security_bits: statement.security_bits,
        proof_size,
        header_commits_state_root: header.new_root != Felt::ZERO,
    })
}

/// Verifies blocks `first..=last` in order, as a light client following the chain does: each
/// verified block's proven new state root is the trusted previous root of the next one, so a
/// range anchors itself from its first block (whose previous root comes from `options`, or from
/// its parent header when that carries one). That is how a chain whose sequencer leaves the
/// state commitment to the prover (headers with root 0) is followed: one trusted root, then
/// proofs only. Stops at the first failure, as [`LightClientError::InRange`] naming the block.
pub async fn light_verify_range(
    api_url: &str,
    rpc_url: &str,
    first: u64,
    last: u64,
    pinned_os_hash: Felt,
    options: LightClientOptions,
) -> Result<Vec<VerifiedBlock>, LightClientError> {
    let mut verified = Vec::with_capacity(last.saturating_sub(first) as usize + 1);
    let mut options = options;
    for block_number in first..=last {
        let block = light_verify_with(api_url, rpc_url, block_number, pinned_os_hash, options)
            .await
            .map_err(|error| LightClientError::InRange { block_number, source: Box::new(error) })?;
        options.trusted_previous_root = Some(block.output.new_state_root);
        verified.push(block);
    }
    Ok(verified)
}

/// Verification is CPU work: keep it off the async workers.
async fn verify_on_blocking_pool(
    proof: Vec<u8>,
    pinned_os_hash: Felt,
    options: LightClientOptions,
) -> Result<VerifiedStatement, LightClientError> {
    let policy = CairoPolicy {
        acceptance: AcceptancePolicy { min_security_bits: options.min_security_bits },
        program: cairo_air::ProgramPin::Hash(pinned_os_hash),
    };
    let outcome = tokio::task::spawn_blocking(move || cairo_air::verify_proof(&proof, &policy))
        .await
        .map_err(LightClientError::VerifierTask)?;
    outcome.map_err(|error| match error {
        CairoVerifyError::ProgramMismatch { found, .. } => {
            LightClientError::OsProgramMismatch { pinned: pinned_os_hash, found }
        }
        other => LightClientError::InvalidProof(other),
    })
}
