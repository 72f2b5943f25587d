//! [`light_verify`]: fetch the proof and the headers, then [`crate::verify_block`]. With the
//! `fetch` feature (JSON-RPC over HTTP, tokio).

use chain::Felt;

use crate::error::LightClientError;
use crate::prover_api::ProverApiClient;
use crate::sequencer::SequencerClient;
use crate::verify::{LightClientOptions, VerifiedBlock, verify_block};

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

    let header = sequencer.block_with_tx_hashes(block_number).await?;
    let parent = match block_number.checked_sub(1) {
        Some(parent_number) => Some(sequencer.block_with_tx_hashes(parent_number).await?),
        None => None,
    };
    let chain_id = sequencer.chain_id().await?;
    // Verification is CPU work: keep it off the async workers.
    let verified = tokio::task::spawn_blocking(move || {
        verify_block(&proof, &header, parent.as_ref(), chain_id, pinned_os_hash, &options)
    })
    .await
    .map_err(LightClientError::VerifierTask)??;
    tracing::info!(block_number, block_hash = %verified.output.block_hash, "block verified");
    Ok(verified)
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
